"""Titles, file names and client names come from files and users. A bidi override
(U+202E) or a terminal escape (ESC [31m) in them is shown as a visible escape, with the
one function the CLI uses (domain.text.escape_controls), on every screen that shows
them: the tables, the client card, the decision panel, the report window, the warning
dialog, the findings queue and error sentences. Rich-text labels never run it as markup."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from suitcheck.domain.levels import RiskProfile
from suitcheck.gui.dialogs import OverrideDialog, RatingDialog, ReportViewer
from suitcheck.gui.messages import error_text
from suitcheck.gui.models import InvestorTableModel, ReportTableModel
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput
from suitcheck.services.reports import FindingView, ReportFilter, ReportView
from tests.conftest import TODAY
from tests.fixtures import names_as_before_the_rule, report_text
from tests.gui.conftest import change_answered, login
from tests.gui.test_main_window import find_client, pick_report

RAW = ("\u202e", "\x1b")
TITLE = "恶意研报\u202egnp.exe\x1b[31m红字"
NAME = "张<b>三\u202e\x1b[31m"
ACCOUNT = "990001"


def harmless(text: str) -> bool:
    """Neither raw character, and the override visibly there as an escape."""
    return not any(ch in text for ch in RAW) and "\\u202e" in text and "\\x1b" in text


def hostile_store(services: Services, folder: Path) -> ReportView:
    compliance = login(services, "demo-compliance")
    folder.mkdir()
    (folder / "evil\u202etxt.exe.txt").write_text(report_text("中风险", TITLE), encoding="utf-8")
    [result] = services.reports.import_paths(compliance, [folder])
    assert result.status == "imported", result
    with names_as_before_the_rule():
        services.investors.add(
            compliance,
            account=ACCOUNT,
            name=NAME,
            profile=RiskProfile.C5,
            assessed_on=TODAY - dt.timedelta(days=10),
        )
    [report] = [r for r in services.reports.search(compliance, ReportFilter(), limit=500) if "恶意研报" in r.title]
    assert "\u202e" in report.title  # the data itself is kept as it came
    return report


def test_hostile_title_and_name_are_shown_harmlessly_everywhere(qtbot, window_for, demo_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = hostile_store(demo_services, tmp_path / "drop")
    window = window_for("demo-advisor")
    find_client(qtbot, window, ACCOUNT)
    window.refresh_reports()
    qtbot.waitUntil(lambda: any("恶意研报" in r.title for r in window.report_model.objects()), timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=10_000)
    pick_report(qtbot, window, "恶意研报")

    # the tables: display and tooltip
    model = window.report_model
    row = next(r for r in range(model.rowCount()) if model.row_object(r).id == report.id)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
        assert harmless(model.index(row, ReportTableModel.TITLE).data(role))
    clients = window.client_model
    assert harmless(clients.index(0, InvestorTableModel.NAME).data())

    # the client card (rich text: markup in a name is text, not bold)
    card = window.client_details.text()
    assert harmless(card)
    assert "&lt;b&gt;" in card
    assert "<b>三" not in card

    # the decision panel
    summary = window.decision.summary.text()
    assert harmless(summary)
    assert "恶意研报" in summary
    assert window.decision.summary.textFormat() == Qt.TextFormat.PlainText

    # the report window: title, header, watermark
    qtbot.waitUntil(window.open_button.isEnabled, timeout=10_000)
    window.open_button.click()
    qtbot.waitUntil(lambda: bool(window.viewers), timeout=10_000)
    viewer = window.viewers[0]
    assert isinstance(viewer, ReportViewer)
    assert harmless(viewer.windowTitle())
    assert "恶意研报" in viewer.windowTitle()
    assert harmless(viewer.header.text())
    assert viewer.header.textFormat() == Qt.TextFormat.PlainText
    assert not any(ch in viewer.watermark for ch in RAW)
    assert "\\u202e" in viewer.watermark
    body = viewer.text.toPlainText()
    assert harmless(body)
    assert "恶意研报\\u202egnp.exe" in body  # the report's own text too
    viewer.text_view.find_edit.setText("红字")
    assert viewer.text_view.find_next()  # find still works on the shown text


def test_the_warning_dialog_shows_title_and_name_harmlessly(qtbot, demo_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = hostile_store(demo_services, tmp_path / "drop")
    advisor = login(demo_services, "demo-advisor")
    client = demo_services.investors.get(advisor, ACCOUNT)
    dialog = OverrideDialog(demo_services, advisor, client, report)
    qtbot.addWidget(dialog)
    text = dialog.request.text()
    assert harmless(text)
    assert "恶意研报" in text
    assert "<b>三" in text  # plain text: the markup is shown as typed
    assert dialog.request.textFormat() == Qt.TextFormat.PlainText


def test_findings_and_status_in_the_queue_are_shown_harmlessly(qtbot, demo_services, tmp_path, confirmations) -> None:  # type: ignore[no-untyped-def]
    report = hostile_store(demo_services, tmp_path / "drop")
    compliance = login(demo_services, "demo-compliance")
    dialog = RatingDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    # A finding's detail quotes the file (the subject it found): make it a hostile one.
    finding = FindingView(1, "level-below-subject", "港股\u202e通\x1b[31m", False)
    dialog.model.set_rows([dataclasses.replace(report, findings=(finding,))])
    dialog.view.selectRow(0)
    detail = dialog.detail.text()
    assert harmless(detail)
    assert "港股" in detail
    tooltip = dialog.model.index(0, ReportTableModel.LEVEL).data(Qt.ItemDataRole.ToolTipRole)
    assert harmless(tooltip)
    dialog.note.setText("checked the subject")
    dialog.apply()
    assert harmless(confirmations.asked[-1])  # the question names the title harmlessly too
    change_answered(qtbot, dialog)
    assert harmless(dialog.status.text())
    assert "恶意研报" in dialog.status.text()


def test_error_sentences_quoting_names_are_shown_harmlessly() -> None:
    shown = error_text(InvalidInput("The file evil\u202etxt.exe.pdf failed: \x1b[31mred"))
    assert harmless(shown)
    assert error_text(InvalidInput("two\nlines")) == "two\nlines"  # a sentence's own line breaks stay
