"""A hurried clerk at the desk (attack round 10): actions pressed twice, a client or report
changed while a dialog is open, a lock while a report is being read, the store changed by
another desktop under an ALLOWED on screen, hostile and very long titles in dialogs."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget
from sqlalchemy import text

from suitcheck.domain.clients import NAME_MAX
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.gui.dialogs import AssessmentDialog, DistributionDialog, LockDialog, OverrideDialog, ReportViewer
from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import CHECK_SETTLE_MS, MainWindow
from suitcheck.services import Services
from suitcheck.services.reports import ReportFilter
from tests.conftest import TODAY
from tests.gui.conftest import HELD_S, START_UP_MS, login
from tests.gui.modal import on_next_modal, when_visible
from tests.gui.test_desk import answer_by_keyboard, save_by_keyboard, wizard_for
from tests.gui.test_hostile_text import ACCOUNT, harmless, hostile_store
from tests.gui.test_main_window import decided_for, find_client, pick_report
from tests.gui.test_report_viewer import gated_open
from tests.gui.test_session import visible_viewers


def entries(services: Services, action: str) -> int:
    compliance = login(services, "demo-compliance")
    return sum(1 for e in services.audit.browse(compliance, limit=200) if e.action == action)


def settle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.runner.wait()
    qtbot.wait(50)
    QApplication.processEvents()


def test_open_pressed_twice_opens_one_window_and_records_one_opening(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    before = entries(demo_services, "open")
    gate = gated_open(window, monkeypatch)
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Open))
    QTest.keySequence(
        window, QKeySequence(QKeySequence.StandardKey.Open)
    )  # the clerk presses again: nothing came up yet
    window.open_button.click()
    gate.set()
    settle(qtbot, window)
    assert len(window.viewers) == 1
    assert len(visible_viewers()) == 1
    assert entries(demo_services, "open") == before + 1
    assert window.open_button.isEnabled()  # the next opening is possible once this one is shown


def test_a_report_read_while_the_desk_locks_is_not_shown_over_the_lock(  # type: ignore[no-untyped-def]
    qtbot, window_for, monkeypatch
) -> None:
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    gate = gated_open(window, monkeypatch)
    window.open_button.click()  # a large PDF: the clerk locks the desk and walks away
    seen: dict[str, object] = {}

    def locked(dialog: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        gate.set()
        window.runner.wait()
        for _ in range(5):
            QApplication.processEvents()
            qtbot.wait(20)
        seen["viewers while locked"] = [v.windowTitle() for v in visible_viewers()]
        dialog.password.setText("demo")
        dialog.accept()

    when_visible(LockDialog, locked)
    window.lock_action.trigger()
    settle(qtbot, window)
    assert seen == {"viewers while locked": []}
    assert not visible_viewers()  # nor after: the report was being read for a desk now locked


def another_desktop_rates(services: Services) -> None:
    compliance = login(services, "demo-compliance")
    [report] = [r for r in services.reports.search(compliance, ReportFilter(), limit=500) if "银行业" in r.title]
    services.reports.set_level(compliance, report.id, RiskLevel.R5, note="re-rated at head office")


def another_desktop_marks_due(services: Services) -> None:
    services.investors.mark_reassessment_due(login(services, "demo-compliance"), "880003", "income changed")


def changed_in_sql(services: Services) -> None:
    with services.store.engine.begin() as conn:  # the profile raised by hand: the row's seal fails
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = '880003'"))


@pytest.mark.parametrize("change", [another_desktop_rates, another_desktop_marks_due, changed_in_sql])
def test_a_stale_allow_opens_nothing_and_leaves_no_allow_on_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes, change
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "银行业")  # R3: allowed
    assert window.decision.verdict.text() == "ALLOWED"
    report = window.report
    assert report is not None
    opened_before = entries(demo_services, "open")
    change(demo_services)  # the store changes under the window
    window.open_button.click()  # the open action decides again
    settle(qtbot, window)
    assert not window.viewers
    assert entries(demo_services, "open") == opened_before
    assert message_boxes
    headline, sentence = message_boxes[-1]
    assert "may not be opened" in sentence
    # The role may open reports: what refuses is the decision, and the box says so.
    assert headline == "The client may not read this report."
    # No allow the service has just refused stays on screen, nor an Open to press again:
    # the panel shows the decision the refusal was recorded under (the box's), no hint to
    # check again beside it.
    refusal = window.decision.result
    assert refusal is not None
    assert refusal.decision.outcome is Outcome.BLOCK
    refused = [
        e.seq for e in demo_services.audit.browse(login(demo_services, "demo-compliance")) if e.action == "open-refused"
    ]
    assert refusal.audit_id == max(refused)
    assert window.decision.verdict.text() == "BLOCKED"
    assert not window.open_button.isEnabled()
    assert not window.open_action.isEnabled()
    qtbot.waitUntil(lambda: window.report_model.verdict(report.id) is Outcome.BLOCK, timeout=5000)
    # The list's level column shows the level now stored (it kept R3 after a re-rating).
    model = window.report_model
    row = next(i for i, r in enumerate(model.objects()) if r.id == report.id)
    now = demo_services.reports.get(window.actor, report.id).level
    qtbot.waitUntil(lambda: model.row_object(row).level is now, timeout=5000)
    assert model.data(model.index(row, model.LEVEL)).startswith(now.code if now else "")


def test_the_client_changed_under_the_warning_dialog_gets_no_allow_on_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "创业板")  # R4: after a warning
    named = window.client
    assert named is not None
    assert window.override_button.isVisible()
    seen: dict[str, str] = {}

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, OverrideDialog)
        # the search typed just before the click lands while the dialog is open
        qtbot.waitUntil(lambda: window.client is not None and window.client.account == "880002", timeout=5000)
        # the clerk reads the warning to the client: the window's check for 880002 lands meanwhile
        qtbot.waitUntil(lambda: decided_for(window, window.client, window.report), timeout=5000)
        seen["request"] = dialog.request.text()
        dialog.told.setChecked(True)
        dialog.confirmed.setChecked(True)
        dialog.ok.click()

    window.client_search.setText("880002")  # the clerk types the next client's account...
    on_next_modal(fill_in)
    window.override_button.click()  # ...and clicks the warning for the one still on screen
    settle(qtbot, window)
    assert named.name in seen["request"]  # the dialog named the client it was opened for
    overrides = [e for e in demo_services.audit.browse(compliance, limit=50) if e.action == "override"]
    assert [e.investor_id for e in overrides] == [named.id]  # and recorded for that client
    shown = window.client
    assert shown is not None
    assert shown.account == "880002"
    # What the panel shows is about the client on screen: never 880003's override under 880002's name.
    qtbot.wait(CHECK_SETTLE_MS + 100)
    result = window.decision.result
    assert result is not None
    assert result.investor_id == shown.id
    assert not result.override_recorded
    assert shown.name in window.decision.summary.text()


def test_the_client_gone_under_the_assessment_dialog_ends_in_no_error(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for("demo-compliance")
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    named = window.client
    assert named is not None

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, AssessmentDialog)
        qtbot.waitUntil(lambda: window.client is None, timeout=5000)  # the search matched nobody
        note = dialog.findChild(QLineEdit, "assessmentNote")
        assert note is not None
        note.setText("paper questionnaire")
        dialog.profile.setCurrentIndex(dialog.profile.findData("C4"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    window.client_search.setText("nobody-by-this-name")
    on_next_modal(fill_in)
    window.assess_action.trigger()
    settle(qtbot, window)
    compliance = login(demo_services, "demo-compliance")
    recorded = [e.investor_id for e in demo_services.audit.browse(compliance, limit=20) if e.action == "assessment"]
    assert recorded[:1] == [named.id]  # for the client the dialog named
    assert window.client is None
    assert window.decision.result is None


def test_the_distribution_dialog_shows_a_hostile_title_harmlessly(qtbot, demo_services: Services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = hostile_store(demo_services, tmp_path / "drop")
    dialog = DistributionDialog(demo_services, login(demo_services, "demo-compliance"), report)
    qtbot.addWidget(dialog)
    title = dialog.findChild(QLabel, "distributionTitle")
    assert title is not None
    assert harmless(title.text())
    assert "恶意研报" in title.text()
    assert title.textFormat() == Qt.TextFormat.PlainText


def test_the_assessment_wizard_names_a_hostile_client_harmlessly(qtbot, demo_services: Services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hostile_store(demo_services, tmp_path / "drop")
    wizard = wizard_for(qtbot, demo_services, ACCOUNT)
    assert harmless(wizard.windowTitle())
    assert ACCOUNT in wizard.windowTitle()
    answer_by_keyboard(qtbot, wizard, {})
    wizard.result_page.note.setText("柜台")
    save_by_keyboard(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=START_UP_MS)  # saved off the GUI thread
    summary = wizard.done_page.summary
    assert harmless(summary.text())
    assert "<b>三" in summary.text()  # shown as typed, never as bold
    assert summary.textFormat() == Qt.TextFormat.PlainText
    wizard.reject()


def test_a_client_name_as_long_as_allowed_fits_the_assessment_dialog_on_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    compliance = login(demo_services, "demo-compliance")
    name = ("华夏稳健增长一号集合资产管理计划" * 9)[:NAME_MAX]
    demo_services.investors.add(compliance, account="990077", name=name, profile=RiskProfile.C3, assessed_on=TODAY)
    dialog = AssessmentDialog(demo_services, compliance, demo_services.investors.get(compliance, "990077"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.minimumSizeHint().width() <= 1024
    assert dialog.width() <= 1024
    named = dialog.findChild(QLabel, "assessmentClient")
    assert named is not None
    assert name in named.text()  # all of it, wrapped


def test_reminders_loading_when_the_desk_locks_stay_hidden_until_unlocked(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, settings, monkeypatch
) -> None:
    gate = threading.Event()
    real = demo_services.reminders.count

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate.wait(HELD_S)  # a large store: counting every client takes a while after the first rows
        return real(*args, **kwargs)

    monkeypatch.setattr(demo_services.reminders, "count", slow)
    window = MainWindow(demo_services, login(demo_services, "demo-advisor"), settings, demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.first_rows_in, timeout=START_UP_MS)
    panel = window.reminders
    assert panel is not None
    assert not panel.isVisible()
    seen: dict[str, object] = {}

    def locked(dialog: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        gate.set()
        qtbot.waitUntil(lambda: panel.total is not None, timeout=START_UP_MS)
        seen["reminders while locked"] = panel.isVisible()
        dialog.password.setText("demo")
        dialog.accept()

    when_visible(LockDialog, locked)
    window.lock_action.trigger()  # Ctrl+Shift+L right after signing in
    assert seen == {"reminders while locked": False}  # no client names beside the lock screen
    assert panel.total
    assert panel.isVisible()  # shown once the clerk is back, as at any start
    window.runner.wait()


def test_a_report_window_open_when_the_language_changes_follows_it(qtbot, window_for, qapp) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    window.open_button.click()
    qtbot.waitUntil(lambda: bool(window.viewers), timeout=10_000)
    viewer = window.viewers[0]
    assert isinstance(viewer, ReportViewer)
    assert "For 赵一鸣" in viewer.header.text()
    translations = Translations(qapp)
    assert translations.apply("zh_CN")  # Settings › Language while the report is open
    try:
        qtbot.waitUntil(lambda: window.check_button.text() == "核查 (Enter)")  # the main window follows
        qtbot.wait(50)
        assert "For " not in viewer.header.text()
        assert "赵一鸣" in viewer.header.text()
        assert "for 赵一鸣" not in viewer.windowTitle()
        assert viewer.text_view.find_button.text() != "Find next"
        assert viewer.text_view.find_edit.placeholderText() != "Find in report (Ctrl+F)"
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: "For 赵一鸣" in viewer.header.text())


def test_a_half_filled_warning_dialog_records_nothing_on_escape_or_at_switch_user(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "创业板")  # after a warning
    before = entries(demo_services, "override")

    def escape(dialog: QWidget) -> None:
        assert isinstance(dialog, OverrideDialog)
        dialog.told.setChecked(True)
        dialog.confirmed.setChecked(True)  # all filled in, then the clerk thinks better of it
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    on_next_modal(escape)
    window.override_button.click()
    assert entries(demo_services, "override") == before
    assert window.override_button.isVisible()  # still only offered

    switched: list[bool] = []
    window.switch_user_requested.connect(lambda: switched.append(True))

    def walk_away(dialog: QWidget) -> None:
        assert isinstance(dialog, OverrideDialog)
        dialog.told.setChecked(True)
        dialog.confirmed.setChecked(True)

        def switch(lock: LockDialog) -> None:
            lock.findChild(QPushButton, "switchUser").click()

        when_visible(LockDialog, switch)
        window.lock()  # the idle lock, with the dialog up; the next clerk switches user
        assert not dialog.isVisible()  # ended with the session, unconfirmed

    on_next_modal(walk_away)
    window.override_button.click()
    qtbot.waitUntil(lambda: bool(switched), timeout=5000)
    assert entries(demo_services, "override") == before
    assert window.client is None
    assert window.decision.result is None


def test_a_store_upgraded_under_the_desk_is_said_to_have_changed_not_to_be_unopenable(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes
) -> None:
    """Another desk's newer version upgraded the store while this one ran: the check is
    refused, nothing recorded. The box's headline said "The store cannot be opened." over a
    desk whose store was open and showing (every StoreError's headline)."""
    window = window_for()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "银行业")
    checks_before = entries(demo_services, "check")
    with demo_services.store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999_newer'"))
    window.check_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=START_UP_MS)
    headline, sentence = message_boxes[-1]
    assert headline == "The store was changed while suitcheck was running."
    assert "upgraded by a newer version of suitcheck" in sentence
    assert entries(demo_services, "check") == checks_before
