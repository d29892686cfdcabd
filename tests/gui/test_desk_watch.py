"""An idle desk kept showing an answer after a change made at another desk: the firm's
policy changed (the warning no longer offered), the client marked for re-assessment, the
report re-rated. The panel kept its decision (the warning button or Open beside it) and
the column its verdicts until the clerk touched the desk. The day watch now also asks the
services, once a minute, whether what is on screen still stands (one preview of the report
on screen), and says so in the panel as it does for a new day; nothing is recorded."""

from __future__ import annotations

import threading

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.gui import texts
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from tests.gui.conftest import HELD_S, login
from tests.gui.test_main_window import find_client, pick_report
from tests.gui.test_session_work import unlock_at_the_lock


def _checks(services: Services) -> int:
    compliance = login(services, "demo-compliance")
    return sum(1 for e in services.audit.browse(compliance, limit=500) if e.action == "check")


def _watched(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.watch_the_day()
    qtbot.waitUntil(lambda: not window.watching, timeout=5000)


def _taken_off(window: MainWindow, saying: str) -> None:
    """The decision is off the panel, which says why, and nothing can be opened."""
    assert window.decision.result is None
    assert saying in window.decision.summary.text()
    assert not window.open_button.isEnabled()


def test_a_policy_changed_at_another_desk_takes_the_decision_off_an_idle_desk(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "创业板")  # R4: after a warning, while escalation is on
    report = window.report
    assert report is not None
    assert window.override_button.isVisible()
    qtbot.waitUntil(lambda: window.report_model.verdict(report.id) is Outcome.ALLOW_AFTER_WARNING, timeout=5000)
    _watched(qtbot, window)  # nothing changed elsewhere: the decision stays
    assert window.decision.result is not None
    recorded = _checks(demo_services)

    demo_services.policy.update(compliance, allow_escalation=False)  # at another desk
    _watched(qtbot, window)
    _taken_off(window, "suitability policy was changed")
    assert not window.override_button.isVisible()
    qtbot.waitUntil(lambda: window.report_model.verdict(report.id) is Outcome.BLOCK, timeout=5000)
    assert _checks(demo_services) == recorded  # nothing recorded until the clerk checks


def test_a_client_marked_due_at_another_desk_takes_the_allow_off(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    client, report = window.client, window.report
    assert client is not None
    assert report is not None
    assert window.open_button.isEnabled()
    other = [r.id for r in window.report_model.objects() if r.id != report.id]
    qtbot.waitUntil(lambda: all(window.report_model.verdict(i) is not None for i in other), timeout=5000)
    allowed = [i for i in other if window.report_model.verdict(i) is Outcome.ALLOW]
    assert allowed  # the column allows others too

    compliance = login(demo_services, "demo-compliance")
    recorded = _checks(demo_services)
    demo_services.investors.mark_reassessment_due(compliance, client.id, "moved abroad")
    _watched(qtbot, window)
    _taken_off(window, "changed at another desk")
    # The whole column follows the client as changed, not only the row on screen; the card
    # and the list's row say what changed (it said "valid" beside the blocks).
    qtbot.waitUntil(lambda: window.report_model.verdict(allowed[0]) is Outcome.BLOCK, timeout=5000)
    shown = window.client
    assert shown is not None
    assert shown.reassessment_due
    due = texts.assessment_text(shown.assessment_state, True)
    assert due in window.client_details.text()
    assert window.client_model.row_object(0).reassessment_due
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=5000)
    assert not window._check_timer.isActive()  # no check settles behind it either
    assert not window.checking
    assert window.decision.result is None
    assert _checks(demo_services) == recorded  # nothing recorded until the clerk checks


def test_a_report_re_rated_at_another_desk_takes_the_allow_off(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    report = window.report
    assert report is not None
    compliance = login(demo_services, "demo-compliance")
    demo_services.reports.set_level(compliance, report.id, RiskLevel.R5, "re-rated")
    _watched(qtbot, window)
    _taken_off(window, "changed at another desk")
    qtbot.waitUntil(lambda: window.report_model.verdict(report.id) is Outcome.BLOCK, timeout=5000)
    model = window.report_model
    row = next(i for i, r in enumerate(model.objects()) if r.id == report.id)
    qtbot.waitUntil(lambda: model.row_object(row).level is RiskLevel.R5, timeout=5000)  # the list's level too


def test_a_watch_the_services_refuse_takes_the_allow_off(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    report = window.report
    assert report is not None
    qtbot.waitUntil(lambda: window.report_model.verdict(report.id) is Outcome.ALLOW, timeout=5000)
    demo_services.auth.set_disabled(login(demo_services, "demo-admin"), "demo-advisor", True)  # elsewhere
    _watched(qtbot, window)
    _taken_off(window, "nothing is allowed")  # fail closed: nothing stands that cannot be asked about
    assert window.report_model.verdict(report.id) is None
    assert message_boxes  # and said once
    shown = len(message_boxes)
    _watched(qtbot, window)  # nothing left on screen to ask about: no box every minute
    assert len(message_boxes) == shown


def test_a_check_pressed_while_the_watch_is_out_is_shown_when_it_lands(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    """The clerk presses Enter while the watch's preview is on its way; the watch lands first
    and finds the client changed elsewhere. The check's answer is still shown when it lands
    (the watch leaves the client on screen to the check, which follows the store itself):
    it was recorded, and the panel went blank ("Select a client...") beside it."""
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    client = window.client
    assert client is not None
    qtbot.waitUntil(lambda: window._verdicts_basis is not None, timeout=5000)
    demo_services.investors.mark_reassessment_due(login(demo_services, "demo-compliance"), client.id, "moved")
    held = {name: (threading.Event(), threading.Event()) for name in ("preview", "check")}

    def holding(name: str):  # type: ignore[no-untyped-def]
        real = getattr(demo_services.access, name)
        read, release = held[name]

        def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
            answer = real(*args, **kwargs)
            read.set()
            release.wait(HELD_S)
            return answer

        monkeypatch.setattr(demo_services.access, name, slow)

    holding("preview")
    window.watch_the_day()
    assert held["preview"][0].wait(HELD_S)
    holding("check")
    window.check()  # Enter
    assert held["check"][0].wait(HELD_S)
    held["preview"][1].set()  # the watch lands first
    qtbot.waitUntil(lambda: not window.watching, timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=5000)  # and what it started in turn
    held["check"][1].set()
    qtbot.waitUntil(lambda: not window.checking, timeout=5000)
    result = window.decision.result
    assert result is not None  # the recorded check is on the panel
    assert result.decision.outcome is Outcome.BLOCK


def test_a_change_made_while_the_desk_was_locked_is_looked_for_at_the_unlock(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """The watch does not run under the lock; a desk unlocked after an hour showed the
    decision of before the lock, Open enabled, until the next minute's watch."""
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    client = window.client
    assert client is not None
    compliance = login(demo_services, "demo-compliance")
    seen: dict[str, object] = {}
    unlock_at_the_lock(
        window, seen, during=lambda: demo_services.investors.mark_reassessment_due(compliance, client.id, "moved")
    )
    assert not window.locked
    qtbot.waitUntil(lambda: window.decision.result is None, timeout=5000)
    assert "changed at another desk" in window.decision.summary.text()
    assert not window.open_button.isEnabled()


def test_a_client_re_assessed_at_another_desk_takes_an_allow_on_the_old_profile_off(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: re-assessed C3 -> C4 elsewhere, the R1 report still allowed, the card
    followed the store (C4) while the panel kept "C3 ... allowed" with Open beside it: the
    watch compared outcomes only. The decision shown is one the services no longer give."""
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    client = window.client
    assert client is not None
    assert window.open_button.isEnabled()
    compliance = login(demo_services, "demo-compliance")
    recorded = _checks(demo_services)
    demo_services.investors.assess(compliance, client.id, RiskProfile.C4, demo_services.ctx.today(), note="branch form")
    _watched(qtbot, window)
    _taken_off(window, "changed at another desk")
    qtbot.waitUntil(lambda: window.client is not None and window.client.profile is RiskProfile.C4, timeout=5000)
    assert _checks(demo_services) == recorded  # nothing recorded until the clerk checks


def test_a_report_re_rated_at_another_desk_off_screen_changes_its_row_in_the_column(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: the watch asked only about the report on screen, so another row of the
    column kept its ✓ for a report re-rated R1 -> R5 at another desk, with its old level,
    until the client was chosen again. The decision on screen, which still stands, stays."""
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    shown = window.report
    assert shown is not None
    model = window.report_model
    qtbot.waitUntil(lambda: all(model.verdict(r.id) is not None for r in model.objects()), timeout=5000)
    other = next(r for r in model.objects() if r.id != shown.id and model.verdict(r.id) is Outcome.ALLOW)
    compliance = login(demo_services, "demo-compliance")
    recorded = _checks(demo_services)
    demo_services.reports.set_level(compliance, other.id, RiskLevel.R5, "re-rated")
    _watched(qtbot, window)
    qtbot.waitUntil(lambda: model.verdict(other.id) is Outcome.BLOCK, timeout=5000)
    row = next(i for i, r in enumerate(model.objects()) if r.id == other.id)
    qtbot.waitUntil(lambda: model.row_object(row).level is RiskLevel.R5, timeout=5000)
    assert window.decision.result is not None  # the decision on screen still stands
    assert window.open_button.isEnabled()
    assert _checks(demo_services) == recorded


def test_the_clerks_own_assessment_behind_the_open_wizard_is_not_another_desks(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: the wizard stays open on its done page (the confirmation sheet) after the
    assessment is saved; the minute's watch then found the client changed and said, behind
    it, "changed at another desk", of the clerk's own assessment. The decision still comes
    off; the words no longer blame another desk. Closed, the wizard decides again."""
    from suitcheck.gui.dialogs import AssessmentWizard
    from tests.gui.conftest import START_UP_MS
    from tests.gui.modal import on_next_modal
    from tests.gui.test_desk import answer_by_keyboard, save_by_keyboard

    window = window_for("demo-compliance")
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    checked = window.decision.result
    seen: dict[str, str] = {}

    def assess(wizard) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(wizard, AssessmentWizard)
        answer_by_keyboard(qtbot, wizard, {})
        save_by_keyboard(qtbot, wizard)
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=START_UP_MS)
        _watched(qtbot, window)  # the minute passes while the clerk prints the sheet
        seen["panel"] = window.decision.summary.text()
        seen["open"] = str(window.open_button.isEnabled())
        wizard.reject()  # Close

    on_next_modal(assess)
    window.compliance_actions.assess()
    assert "changed since this decision" in seen["panel"]
    assert "another desk" not in seen["panel"]
    assert seen["open"] == "False"  # taken off all the same
    qtbot.waitUntil(lambda: window.decision.result not in (None, checked), timeout=START_UP_MS)  # decided again


def test_the_column_reads_again_the_level_of_reports_re_rated_and_of_those_only(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    """Was BROKE: the watch read a report again for every row whose outcome moved. A report
    re-rated R2 -> R3 at another desk stays allowed for a C3 client, so its row kept "R2"
    while the store said R3; and a client re-assessed elsewhere moved every row's outcome
    and no level, yet queued one read per row (hundreds on a long page, ahead of the
    clerk's next search on the shared pool)."""
    from suitcheck.services.reports import ReportService

    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    shown = window.report
    assert shown is not None
    model = window.report_model
    qtbot.waitUntil(lambda: all(model.verdict(r.id) is not None for r in model.objects()), timeout=5000)
    r2 = next(r for r in model.objects() if r.level is RiskLevel.R2)
    compliance = login(demo_services, "demo-compliance")
    demo_services.reports.set_level(compliance, r2.id, RiskLevel.R3, "re-rated")  # still allowed for C3
    read: list[int] = []
    get = ReportService.get

    def counted(self, actor, ref):  # type: ignore[no-untyped-def]
        read.append(ref)
        return get(self, actor, ref)

    monkeypatch.setattr(ReportService, "get", counted)
    _watched(qtbot, window)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=5000)
    row = next(i for i, r in enumerate(model.objects()) if r.id == r2.id)
    assert model.row_object(row).level is RiskLevel.R3
    assert model.verdict(r2.id) is Outcome.ALLOW

    read.clear()
    r3 = next(r for r in model.objects() if r.level is RiskLevel.R3 and r.id != r2.id)
    demo_services.reports.set_level(compliance, r3.id, RiskLevel.R4, "re-rated")
    demo_services.investors.assess(compliance, "880003", RiskProfile.C1, demo_services.ctx.today(), note="form")
    _watched(qtbot, window)
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=5000)
    assert sorted(set(read)) == sorted({shown.id, r3.id})  # the panel's report, and the one re-rated
    qtbot.waitUntil(lambda: model.verdict(r2.id) is Outcome.BLOCK, timeout=5000)


def test_the_red_mark_of_a_report_changed_or_settled_at_another_desk_follows_the_store(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """A report's record changed outside suitcheck while the column shows it (its level in
    the list becomes the red "record changed" mark), then settled at another desk (the
    mark goes): the watch reads such rows again too, not only the re-rated ones."""
    from sqlalchemy import text

    window = window_for("demo-compliance")
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    shown = window.report
    assert shown is not None
    model = window.report_model
    qtbot.waitUntil(lambda: all(model.verdict(r.id) is not None for r in model.objects()), timeout=5000)
    other = next(r for r in model.objects() if r.level is RiskLevel.R2)
    row = next(i for i, r in enumerate(model.objects()) if r.id == other.id)
    with demo_services.store.engine.begin() as conn:  # a DBA, outside suitcheck
        conn.execute(text("UPDATE report SET integrity = NULL WHERE id = :r"), {"r": other.id})
    _watched(qtbot, window)
    qtbot.waitUntil(lambda: not model.row_object(row).record_intact, timeout=5000)
    qtbot.waitUntil(lambda: model.verdict(other.id) is Outcome.BLOCK, timeout=5000)
    officer = login(demo_services, "demo-compliance")
    demo_services.settle.settle(officer, "report", other.id, "checked against the file; nothing else changed")
    _watched(qtbot, window)
    qtbot.waitUntil(lambda: model.row_object(row).record_intact, timeout=5000)
    qtbot.waitUntil(lambda: model.verdict(other.id) is Outcome.ALLOW, timeout=5000)
    assert window.decision.result is not None  # the decision on screen still stands


def test_a_report_rated_here_in_the_open_queue_is_not_said_to_be_another_desks(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, confirmations
) -> None:
    """Was BROKE, as for the wizard: compliance works down the rating queue, which stays
    open, and rated the report on screen; the minute's watch said behind the queue that it
    was "changed at another desk"."""
    from PySide6.QtWidgets import QPushButton

    from suitcheck.gui.dialogs import RatingDialog
    from tests.gui.conftest import change_answered
    from tests.gui.modal import on_next_modal

    window = window_for("demo-compliance")
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "芯片")  # unrated: blocked
    report = window.report
    assert report is not None
    seen: dict[str, str] = {}

    def rate(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, RatingDialog)
        row = next(i for i, r in enumerate(dialog.model.objects()) if r.id == report.id)
        dialog.view.selectRow(dialog.proxy.mapFromSource(dialog.model.index(row, 0)).row())
        dialog.level.setCurrentIndex(dialog.level.findData(RiskLevel.R3.code))
        dialog.findChild(QPushButton, "setLevel").click()
        change_answered(qtbot, dialog)
        _watched(qtbot, window)  # the minute passes while the queue is worked down
        seen["panel"] = window.decision.summary.text()
        dialog.reject()

    on_next_modal(rate)
    window.review_reports()
    assert "changed since this decision" in seen["panel"]
    assert "another desk" not in seen["panel"]


def test_a_report_window_closed_for_a_change_made_in_an_open_dialog_here_is_not_another_desks(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """As for the panel: with a dialog of this desk that changes the client open, a report
    window the change closes is not said to be closed for a change "at another desk"."""
    from tests.gui.test_report_viewer import open_for

    window = window_for()
    open_for(qtbot, window, "880005", "创业板")
    with window.changing_here():  # the wizard, say, open on its done page
        demo_services.investors.mark_reassessment_due(login(demo_services, "demo-compliance"), "880005", "情况变化")
        window.recheck_viewers()
        qtbot.waitUntil(lambda: not window.viewers, timeout=5000)
        said = window.statusBar().currentMessage()
    assert said == "A report window was closed: the report or the client was changed."
    qtbot.waitUntil(lambda: not window.runner.busy() and not window.checking, timeout=5000)
