"""The compliance officer's desk (#12) driven through its widgets: the assessment wizard,
recording an assessment made elsewhere, the reminders panel, the dashboard, the
distribution list and the self-inspection report."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import openpyxl
from PySide6.QtCharts import QAbstractBarSeries
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QWidget, QWizard

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.gui.dialogs import (
    AssessmentDialog,
    AssessmentWizard,
    DashboardDialog,
    DistributionDialog,
    InspectionDialog,
    LockDialog,
)
from suitcheck.services import Services
from suitcheck.services.questionnaire import default_questionnaire
from tests.gui.conftest import START_UP_MS, change_answered, login
from tests.gui.modal import when_visible

Q = default_questionnaire()


def last_seq(services: Services) -> int:
    return services.audit.browse(login(services, "demo-compliance"), limit=1)[0].seq


def wizard_for(qtbot, services: Services, account: str) -> AssessmentWizard:  # type: ignore[no-untyped-def]
    compliance = login(services, "demo-compliance")
    wizard = AssessmentWizard(services, compliance, services.investors.get(compliance, account))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def answer_by_keyboard(qtbot, wizard: AssessmentWizard, choices: dict[str, int]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Press a digit on each question page, then Enter; returns the answers given."""
    given = {}
    for page in wizard.question_pages:
        assert wizard.currentPage() is page
        assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # no answer yet
        n = choices.get(page.question.id, 0)
        qtbot.keyClick(page, Qt.Key(Qt.Key.Key_1 + n))
        given[page.question.id] = page.question.answers[n].id
        qtbot.keyClick(page, Qt.Key.Key_Return)
    return given


def save_by_keyboard(qtbot, wizard: AssessmentWizard) -> None:  # type: ignore[no-untyped-def]
    """Alt+S: Save assessment (Enter is not it: enter_never_commits), until the saving
    has started (a button's Alt+ key clicks it a moment later, as it shows it pressed)."""
    wizard.activateWindow()  # a button's Alt+ key goes to the active window
    qtbot.waitUntil(wizard.isActiveWindow)
    qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.result_page.saving or wizard.saved is not None, timeout=START_UP_MS)


def test_wizard_by_keyboard_shows_the_services_result_before_saving_then_saves(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    wizard = wizard_for(qtbot, demo_services, "880008")  # never assessed
    before = last_seq(demo_services)
    given = answer_by_keyboard(qtbot, wizard, {"capacity": 0, "max-loss": 1})
    assert wizard.currentPage() is wizard.result_page
    expected = Q.score(given)
    preview = wizard.preview
    assert preview is not None
    assert (preview.profile, preview.score) == (expected.profile, expected.score)
    assert expected.profile.code in wizard.result_page.summary.text()
    shown = [
        wizard.result_page.permits.item(r, 1).data(Qt.ItemDataRole.UserRole)
        for r in range(wizard.result_page.permits.rowCount())
    ]
    assert shown == [o.value for _, o in preview.permits]
    assert len(shown) == 5
    # Nothing is written before "Save assessment".
    compliance = login(demo_services, "demo-compliance")
    assert demo_services.investors.history(compliance, "880008") == []
    assert last_seq(demo_services) == before
    assert wizard.button(QWizard.WizardButton.CommitButton).isVisible()
    wizard.result_page.note.setText("营业部柜台")
    save_by_keyboard(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=START_UP_MS)  # saved off the GUI thread
    assert wizard.saved is not None
    (saved,) = demo_services.investors.history(compliance, "880008")
    assert (saved.profile, saved.score, saved.answers, saved.note) == (
        expected.profile,
        expected.score,
        given,
        "营业部柜台",
    )
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()  # saved: nothing left to cancel
    out = tmp_path / "confirmation.pdf"
    assert wizard.done_page.write_sheet(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert str(out) in wizard.done_page.written.text()
    assert demo_services.audit.browse(compliance, limit=1)[0].action == "assessment-sheet"
    wizard.reject()  # closing after saving is finishing: the caller refreshes the client
    assert wizard.result() == QWizard.DialogCode.Accepted


def test_cancelling_the_wizard_halfway_writes_nothing(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    wizard = wizard_for(qtbot, demo_services, "880003")
    before = last_seq(demo_services)
    compliance = login(demo_services, "demo-compliance")
    history = demo_services.investors.history(compliance, "880003")
    for page in wizard.question_pages[:4]:
        qtbot.keyClick(page, Qt.Key.Key_2)
        qtbot.keyClick(page, Qt.Key.Key_Return)
    qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert demo_services.investors.history(compliance, "880003") == history
    assert last_seq(demo_services) == before


def test_wizard_knockout_shows_lowest_category_and_r1_only(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    wizard = wizard_for(qtbot, demo_services, "880008")
    knockout = next(n for n, a in enumerate(Q.question("capacity").answers) if a.knockout)
    answer_by_keyboard(qtbot, wizard, {"capacity": knockout})
    preview = wizard.preview
    assert preview is not None
    assert preview.profile is RiskProfile.C1
    assert preview.lowest_category
    assert "capacity" in wizard.result_page.summary.text()
    assert [o for _, o in preview.permits] == [Outcome.ALLOW] + [Outcome.BLOCK] * 4


def test_wizard_refuses_answers_to_a_replaced_questionnaire(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    wizard = wizard_for(qtbot, demo_services, "880008")
    definition = Q.content()
    definition["title_en"] = "Second version"
    demo_services.questionnaire.import_definition(login(demo_services, "demo-compliance"), json.dumps(definition))
    answer_by_keyboard(qtbot, wizard, {})
    assert wizard.preview is None
    assert "version 2" in wizard.result_page.message.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_recording_an_assessment_made_elsewhere_needs_the_note(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    dialog = AssessmentDialog(demo_services, compliance, demo_services.investors.get(compliance, "880008"))
    qtbot.addWidget(dialog)
    record = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not record.isEnabled()
    qtbot.keyClicks(dialog.note, "   ")
    assert not record.isEnabled()  # blanks are no note
    dialog.profile.setCurrentIndex(dialog.profile.findData("C4"))
    dialog.lowest.setChecked(True)
    assert dialog.profile.currentData() == "C1"
    assert not dialog.profile.isEnabled()
    dialog.lowest.setChecked(False)
    dialog.profile.setCurrentIndex(dialog.profile.findData("C4"))
    dialog.note.setText("纸质问卷，存档编号 2026-118")
    assert record.isEnabled()
    record.click()
    change_answered(qtbot, dialog)
    assert dialog.message.text() == ""
    assert dialog.result() == AssessmentDialog.DialogCode.Accepted
    (saved,) = demo_services.investors.history(compliance, "880008")
    assert saved.profile is RiskProfile.C4
    assert saved.note == "纸质问卷，存档编号 2026-118"


def test_wizard_action_is_for_staff_who_may_assess(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    assert not window_for("demo-advisor").compliance_actions.wizard_action.isVisible()
    compliance = window_for("demo-compliance")
    assert compliance.compliance_actions.wizard_action.isVisible()
    assert compliance.assess_action.text() == "Record an assessment made elsewhere…"


def test_reminders_panel_at_start_up_dismissible_with_a_count(qtbot, window_for, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    demo_services.investors.mark_reassessment_due(login(demo_services, "demo-advisor"), "880004", "退休")
    window = window_for("demo-advisor")
    panel = window.reminders
    qtbot.waitUntil(lambda: panel.total is not None, timeout=START_UP_MS)
    expected = demo_services.reminders.reminders(login(demo_services, "demo-advisor"))
    assert panel.total == len(expected) >= 2
    assert panel.isVisible()
    assert [panel.model.row_object(r).investor.account for r in range(panel.model.rowCount())] == [
        r.investor.account for r in expected
    ]
    assert panel.model.row_object(0).investor.account == "880004"  # due first
    # 'Valid until' is the last valid day, the day before the service's first invalid day.
    from suitcheck.gui.reminders_panel import ReminderModel

    dated = [r for r in range(panel.model.rowCount()) if panel.model.row_object(r).expires is not None]
    assert dated
    for r in dated:
        expires = panel.model.row_object(r).expires
        assert expires is not None
        until = panel.model.index(r, ReminderModel.EXPIRES).data()
        assert until == (expires - dt.timedelta(days=1)).isoformat()
    count = window.statusBar().findChild(type(panel.count_button), "remindersCount")
    assert count is panel.count_button
    assert count.text() == f"Reminders: {panel.total}"
    assert QApplication.activeModalWidget() is None  # not a modal wall: the window works
    panel.dismiss.click()
    assert not panel.isVisible()
    assert count.isVisible()
    count.click()
    assert panel.isVisible()
    panel.view.setCurrentIndex(panel.model.index(1, 0))
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # select that client in the client pane
    account = panel.model.row_object(1).investor.account
    qtbot.waitUntil(lambda: window.client is not None and window.client.account == account, timeout=5000)


def test_a_reminder_for_a_row_changed_in_sql_is_marked_as_the_client_list_marks_it(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """A reminded client's profile raised and the due mark set in the SQLite file: the
    reminders show "record changed" in red with the reason as tooltip in place of the
    profile (the client list's own cell), the summary counts such rows, no other row is
    marked, and a row holding a date suitcheck never writes does not stop the list."""
    from sqlalchemy import update

    from suitcheck.gui.models import RED
    from suitcheck.gui.reminders_panel import ReminderModel
    from suitcheck.store.models import Investor

    advisor = login(demo_services, "demo-advisor")
    demo_services.investors.mark_reassessment_due(advisor, "880004", "退休")
    reminded = [r.investor.account for r in demo_services.reminders.reminders(advisor)]
    assert len(reminded) >= 3
    victim = reminded[0]
    with demo_services.store.engine.begin() as conn:
        conn.execute(update(Investor).where(Investor.account == victim).values(current_profile=5))
        conn.exec_driver_sql(f"UPDATE investor SET current_assessed_on = 20260516 WHERE account = '{reminded[1]}'")
    window = window_for("demo-advisor")
    panel = window.reminders
    qtbot.waitUntil(lambda: panel.total is not None, timeout=START_UP_MS)
    model = panel.model
    marked = {}
    for row in range(model.rowCount()):
        cell = model.index(row, ReminderModel.PROFILE)
        marked[model.row_object(row).investor.account] = cell.data() == "record changed"
        if model.row_object(row).investor.account in (victim, reminded[1]):
            assert cell.data() == "record changed"
            assert cell.data(Qt.ItemDataRole.ForegroundRole).color() == RED
            assert "changed outside suitcheck" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert marked.pop(victim)
    assert marked.pop(reminded[1])
    assert marked
    assert not any(marked.values())
    assert "Records changed outside suitcheck among them (marked in red): 2;" in panel.summary.text()


def test_reminders_are_hidden_behind_the_lock_and_absent_for_admins(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    assert window_for("demo-admin").reminders is None
    window = window_for("demo-compliance")
    qtbot.waitUntil(lambda: window.reminders.total is not None and window.reminders.isVisible(), timeout=START_UP_MS)
    seen: dict[str, bool] = {}

    def locked(dialog: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        seen["panel"] = window.reminders.isVisible()
        dialog.password.setText("demo")
        dialog.accept()

    when_visible(LockDialog, locked)
    window.lock_action.trigger()
    assert seen == {"panel": False}
    assert window.reminders.isVisible()


def make_checks(services: Services) -> None:
    advisor = login(services, "demo-advisor")
    reports = [r.id for r in services.reports.search(advisor)]
    for account in ("880001", "880003", "880005", "880006", "880008"):
        for report in reports:
            services.access.check(advisor, account, report)


def test_dashboard_draws_the_services_figures_filters_and_exports(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    make_checks(demo_services)
    compliance = login(demo_services, "demo-compliance")
    dialog = DashboardDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=10_000)
    today = demo_services.ctx.today()
    expected = demo_services.dashboard.figures(compliance, today - __import__("datetime").timedelta(days=29), today)
    assert dialog.figures == expected
    totals = expected.decisions_total
    assert sum(totals.values()) > 0
    assert totals["block"] > 0
    (series,) = dialog.views["decisions"].chart().series()
    drawn = {s.label(): sum(s.at(i) for i in range(s.count())) for s in series.barSets()}  # type: ignore[attr-defined]
    assert drawn == {
        "allowed": totals["allow"],
        "blocked": totals["block"],
        "after warning": totals["allow-after-warning"],
    }
    (blocks,) = dialog.views["blocks"].chart().series()
    assert isinstance(blocks, QAbstractBarSeries)
    assert sorted(blocks.barSets()[0].at(i) for i in range(blocks.count() and blocks.barSets()[0].count())) == sorted(
        expected.blocks_by_reason.values()
    )
    assert f"{totals['allow']} allowed, {totals['block']} blocked" in dialog.totals.text()
    # The date range filters: a range before any check shows none.
    dialog.since.setDate(QDate(2020, 1, 1))
    dialog.until.setDate(QDate(2020, 1, 31))
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.figures is not None and dialog.figures.period_to.year == 2020, timeout=10_000)
    assert sum(dialog.figures.decisions_total.values()) == 0
    # A range the service refuses is said, in one sentence, and nothing is drawn over.
    dialog.since.setDate(QDate(2020, 3, 1))
    dialog.refresh()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=10_000)
    assert "ends before it starts" in dialog.message.text()
    out = tmp_path / "dashboard.png"
    umask = os.umask(0o022)  # the usual desktop umask: the image is the owner's alone all the same
    try:
        assert dialog.export_png(out)
    finally:
        os.umask(umask)
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    image = QImage(str(out))
    assert not image.isNull()
    assert image.width() > 400
    assert image.height() > 300
    # A file name is shown as typed, never as markup (a <b> in it was drawn bold, its tags gone).
    marked = tmp_path / "<b>dash</b>.png"
    assert dialog.export_png(marked)
    assert dialog.exported.textFormat() is Qt.TextFormat.PlainText
    assert "<b>dash</b>.png" in dialog.exported.text()
    assert dialog.message.textFormat() is Qt.TextFormat.PlainText


def test_dashboard_is_for_compliance_only(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    advisor = window_for("demo-advisor")
    assert not advisor.compliance_actions.dashboard_action.isVisible()
    assert not advisor.compliance_actions.inspection_action.isVisible()
    assert advisor.compliance_actions.distribution_action.isVisible()  # advisors send lists
    compliance = window_for("demo-compliance")
    assert compliance.compliance_actions.dashboard_action.isVisible()
    assert compliance.compliance_actions.inspection_action.isVisible()


def test_distribution_list_from_the_report(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    advisor = login(demo_services, "demo-advisor")
    report = next(r for r in demo_services.reports.search(advisor) if r.level is not None)
    dialog = DistributionDialog(demo_services, advisor, report)
    qtbot.addWidget(dialog)
    out = tmp_path / "list.xlsx"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10_000)
    assert dialog.written.count == demo_services.access.eligible_count(advisor, report.id)
    sheet = openpyxl.load_workbook(out, read_only=True).active
    assert "Distribution list" in str(next(sheet.iter_rows(values_only=True))[0])
    entry = demo_services.audit.browse(login(demo_services, "demo-compliance"), limit=1)[0]
    assert entry.action == "distribution-list"
    assert entry.report_id == report.id


def test_distribution_list_as_csv_by_two_processes(qtbot, demo_services: Services, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The dialog writes a CSV list with the worker process as a long list is written (the
    service's threshold lowered): the same file as one process writes, progress shown."""
    import suitcheck.services.access as access_module
    from suitcheck.audit.listpart import ListPart

    advisor = login(demo_services, "demo-advisor")
    report = next(r for r in demo_services.reports.search(advisor) if r.level is not None)
    demo_services.access.write_eligible(advisor, report.id, tmp_path / "one.csv")
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 1)
    started, start = [], ListPart.start

    def counted_start(self, **job):  # type: ignore[no-untyped-def]
        started.append(1)
        start(self, **job)

    monkeypatch.setattr(ListPart, "start", counted_start)
    dialog = DistributionDialog(demo_services, advisor, report)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    out = tmp_path / "two.csv"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10_000)
    assert out.read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert dialog.written.count == demo_services.access.eligible_count(advisor, report.id)
    assert started == [1]
    assert [p.name for p in tmp_path.iterdir() if ".part." in p.name] == []


def test_distribution_list_refused_for_a_report_changed_outside_suitcheck(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """A report whose level an insider lowered in SQL: the dialog shows the refusal
    sentence and writes no file."""
    from sqlalchemy import text

    advisor = login(demo_services, "demo-advisor")
    report = next(r for r in demo_services.reports.search(advisor) if r.level is not None and int(r.level) > 1)
    with demo_services.store.engine.begin() as conn:
        conn.execute(text("UPDATE report SET level = 1 WHERE id = :r"), {"r": report.id})
    dialog = DistributionDialog(demo_services, advisor, report)
    qtbot.addWidget(dialog)
    out = tmp_path / "list.csv"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=10_000)
    assert "changed outside suitcheck" in dialog.message.text()
    assert dialog.written is None
    assert not out.exists()


def test_self_inspection_report_from_the_menu(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_checks(demo_services)
    compliance = login(demo_services, "demo-compliance")
    dialog = InspectionDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    today = demo_services.ctx.today()
    dialog.since.setDate(QDate(today.year, 1, 1))
    dialog.until.setDate(QDate(today.year, today.month, today.day))
    out = tmp_path / "inspection.pdf"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.outcome is not None or bool(dialog.message.text()), timeout=60_000)
    assert dialog.outcome is not None, dialog.message.text()
    assert out.read_bytes().startswith(b"%PDF")
    assert "verified" in dialog.status.text()
    assert dialog.outcome.data.decisions_total == 5 * len(demo_services.reports.search(compliance))
    assert dialog.findChild(QLabel, "inspectionStatus") is dialog.status


def test_a_damaged_questionnaire_is_said_before_any_question(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes
) -> None:
    from sqlalchemy import text

    definition = Q.content()
    definition["title_en"] = "Second version"
    demo_services.questionnaire.import_definition(login(demo_services, "demo-compliance"), json.dumps(definition))
    with demo_services.store.engine.begin() as conn:
        conn.execute(text("UPDATE questionnaire SET document = replace(document, 'Second', 'Third')"))
    window = window_for("demo-compliance")
    window.client_search.setText("880008")
    window.refresh_clients()
    qtbot.waitUntil(lambda: window.client is not None and window.client.account == "880008")
    window.compliance_actions.wizard_action.trigger()
    assert message_boxes
    assert "questionnaire version 2 was not written by suitcheck" in message_boxes[0][1]  # its seal fails
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, AssessmentWizard) and w.isVisible()]


def test_a_professional_client_is_not_assessed_before_any_question(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """The wizard's action says, before any question, what the service would refuse."""
    window = window_for("demo-compliance")
    window.client_search.setText("880011")  # a professional investor
    window.refresh_clients()
    qtbot.waitUntil(lambda: window.client is not None and window.client.account == "880011")
    from tests.gui.modal import on_next_modal

    opened: list[QWidget] = []

    def close(dialog: QWidget) -> None:  # a wizard shown is noted and closed again
        opened.append(dialog)
        dialog.close()

    on_next_modal(close)
    window.compliance_actions.wizard_action.trigger()
    assert "Professional investors are not assessed" in window.statusBar().currentMessage()
    assert not opened


def test_the_wizard_says_a_mark_made_while_the_client_answered_stays(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """A colleague marked the client due for re-assessment while they answered: the answers
    do not clear that mark (the service keeps it), and the done page said "valid until …"
    as if they had. It says the mark stays and that checks block until they answer again."""
    wizard = wizard_for(qtbot, demo_services, "880003")  # C3, not due
    answer_by_keyboard(qtbot, wizard, {})
    advisor = login(demo_services, "demo-advisor")
    demo_services.investors.mark_reassessment_due(advisor, "880003", "客户失业")  # meanwhile
    save_by_keyboard(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=START_UP_MS)
    assert wizard.saved is not None
    assert wizard.saved.investor.reassessment_due
    said = wizard.done_page.summary.text()
    assert "marked for re-assessment while answering" in said
    assert "valid until" not in said
    wizard.reject()
