"""A dialog the desk opens for one task goes when it closes (widgets.run_dialog). Before,
each stayed, hidden, under the main window until logout: a desk open all day kept every
audit page, dashboard chart and lock screen it had shown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QWidget

from tests.gui.modal import on_next_modal


def _dialogs_kept(window: QWidget) -> list[str]:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what deleteLater queued
    return [type(d).__name__ for d in window.findChildren(QDialog)]


def _close(dialog: QWidget) -> None:
    dialog.close()


def test_dialogs_opened_and_closed_are_not_kept(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for("demo-compliance")
    before = _dialogs_kept(window)
    for _ in range(3):
        for open_it in (window.audit_log, window.manage_staff, window.compliance_actions.dashboard):
            on_next_modal(_close)
            open_it()
    assert _dialogs_kept(window) == before
