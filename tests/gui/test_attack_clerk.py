"""A hurried and a careless clerk at the desk (attack round "clerk"): a dialog's long work
dismissed with Escape or the close button, a report window that outlives the allow it
was opened under, report text left on the clipboard for the next person at the desk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from suitcheck.services import Services
from tests.gui.conftest import HELD_S
from tests.gui.test_session_work import Gate, drain, entries, export_dialog


def test_an_export_under_way_is_not_dismissed_by_escape_or_the_close_button(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    before = len(entries(demo_services, "export"))
    gate = Gate(monkeypatch, demo_services.audit, "export")
    out = tmp_path / "trail.csv"
    dialog = export_dialog(window, out)
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert gate.entered.wait(HELD_S)
    # The clerk thinks better of it: Cancel is greyed out, so Escape, then the window's X.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    dialog.close()
    assert dialog.isVisible()  # the export cannot stop halfway: the dialog says how it ends
    gate.released.set()
    drain()
    assert len(entries(demo_services, "export")) == before + 1
    assert out.exists()
    assert str(out) in dialog.message.text()  # ... and where it was written
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # now Escape closes it
    assert not dialog.isVisible()
    assert message_boxes == []
