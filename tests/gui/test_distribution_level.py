"""The distribution dialog showed the level it was given when it opened (the desk's list,
read maybe hours before): a report re-rated at another desk meanwhile, or while the dialog
was open, had its list written at the new level under the old level's label, and the
compliance officer sent a list made at R5 believing it was made at R1."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QDialogButtonBox

from suitcheck.domain.levels import RiskLevel
from suitcheck.gui.dialogs import DistributionDialog
from suitcheck.services import Services
from suitcheck.services.errors import LevelConflict
from tests.gui.conftest import login


def _r1(services: Services):  # type: ignore[no-untyped-def]
    advisor = login(services, "demo-advisor")
    return next(r for r in services.reports.search(advisor) if r.matching_level is RiskLevel.R1)


def _lists(services: Services) -> int:
    compliance = login(services, "demo-compliance")
    return sum(1 for e in services.audit.browse(compliance, limit=500) if e.action == "distribution-list")


def test_a_list_is_not_written_at_a_level_other_than_the_one_shown(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    advisor, compliance = login(demo_services, "demo-advisor"), login(demo_services, "demo-compliance")
    report = _r1(demo_services)
    dialog = DistributionDialog(demo_services, advisor, report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.level.text().startswith("R1")
    lists = _lists(demo_services)
    demo_services.reports.set_level(compliance, report.id, RiskLevel.R5, "re-rated")  # at another desk, meanwhile
    out = tmp_path / "list.xlsx"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert dialog.written is None
    assert not out.exists()
    assert _lists(demo_services) == lists  # nothing recorded
    assert "R5" in dialog.message.text()
    assert dialog.level.text().startswith("R5")  # the label says the level a list is now made at
    # Written again, it is made at the level shown.
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10_000)
    sheet = openpyxl.load_workbook(out, read_only=True).active
    assert "R5" in str(list(sheet.iter_rows(values_only=True))[1][0])


def test_the_dialog_shows_the_level_stored_when_it_opens(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    advisor, compliance = login(demo_services, "demo-advisor"), login(demo_services, "demo-compliance")
    report = _r1(demo_services)  # as the desk's list read it
    demo_services.reports.set_level(compliance, report.id, RiskLevel.R4, "re-rated")  # since then, elsewhere
    dialog = DistributionDialog(demo_services, advisor, report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.level.text().startswith("R4")


def test_the_service_refuses_a_list_at_a_level_other_than_shown(demo_services: Services, tmp_path: Path) -> None:
    advisor, compliance = login(demo_services, "demo-advisor"), login(demo_services, "demo-compliance")
    report = _r1(demo_services)
    demo_services.reports.set_level(compliance, report.id, RiskLevel.R3, "re-rated")
    out = tmp_path / "list.csv"
    with pytest.raises(LevelConflict, match=rf"^Report {report.id}'s risk level is now R3") as refused:
        demo_services.access.write_eligible(advisor, report.id, out, level_shown=RiskLevel.R1)
    assert refused.value.level is RiskLevel.R3
    assert not out.exists()
    assert demo_services.access.write_eligible(advisor, report.id, out, level_shown=RiskLevel.R3).count >= 0


def test_enter_pressed_again_after_the_refusal_writes_no_list(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """The officer pressed Enter, the list was refused (re-rated meanwhile) and the level
    now shown in its place; a second Enter, pressed before the sentence was read, wrote the
    list at the new level. It takes pressing Write list itself now."""
    from PySide6.QtCore import Qt

    advisor, compliance = login(demo_services, "demo-advisor"), login(demo_services, "demo-compliance")
    report = _r1(demo_services)
    dialog = DistributionDialog(demo_services, advisor, report)
    qtbot.addWidget(dialog)
    dialog.show()
    demo_services.reports.set_level(compliance, report.id, RiskLevel.R5, "re-rated")
    out = tmp_path / "list.xlsx"
    dialog.destination.setText(str(out))
    dialog.destination.setFocus()
    qtbot.keyClick(dialog.destination, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert dialog.written is None
    qtbot.keyClick(dialog.destination, Qt.Key.Key_Return)  # once too often
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert dialog.written is None
    assert not out.exists()
    assert dialog.isVisible()  # nor did it cancel the dialog
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()  # pressed itself: written at R5
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10_000)
