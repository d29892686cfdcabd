"""The desk's second pass (attack round "desk-two"): what the clerk tripped over after the
first one. The reminders list follows the store after the desk changes a client; the
decision panel says the assessment state the decision used; Ctrl+O pressed while the check
is under way opens once it is in, as a double-click does, also when the check finds the
client changed; the report list keeps its rows on a 1024x768 screen beside the reminders."""

from __future__ import annotations

import threading
from typing import Any

from suitcheck.domain.decision import AssessmentState, Reason
from suitcheck.domain.levels import RiskProfile
from suitcheck.gui import texts
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.reminders_panel import ReminderModel, state_text
from suitcheck.services import Services
from suitcheck.services.reminders import ReminderState
from tests.gui.conftest import HELD_S, START_UP_MS, login
from tests.gui.test_attack_clerk import double_click_row
from tests.gui.test_attack_desk import another_desktop_marks_due, settle
from tests.gui.test_attack_desk_store_moves import set_special_attention
from tests.gui.test_main_window import find_client, pick_report
from tests.gui.test_session import visible_viewers


def reminder_accounts(window: MainWindow) -> list[str]:
    panel = window.reminders
    assert panel is not None
    return [panel.model.row_object(r).investor.account for r in range(panel.model.rowCount())]


def loaded_reminders(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.reminders is not None and window.reminders.total is not None, timeout=START_UP_MS)


def test_the_reminders_follow_an_assessment_made_at_this_desk_and_a_refreshed_list(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for("demo-compliance")
    loaded_reminders(qtbot, window)
    assert "880006" in reminder_accounts(window)  # its assessment expired
    assert "880003" not in reminder_accounts(window)
    panel = window.reminders
    assert panel is not None
    assert panel.total is not None
    before = panel.total
    find_client(qtbot, window, "880006")

    class AssessedHere:  # the assessment dialog, answered and recorded by the service
        def __init__(self, services: Services, actor: Any, client: Any, _parent: Any) -> None:
            self.services, self.actor, self.client = services, actor, client

        def exec(self) -> bool:
            today = self.services.ctx.today()
            self.services.investors.assess(self.actor, self.client.account, RiskProfile.C3, today, note="re-assessed")
            return True

        def deleteLater(self) -> None:  # a dialog is let go after exec (widgets.run_dialog)
            pass

    window._change_client(AssessedHere)
    # The clerk just assessed the client: the list no longer says "expired" of them.
    qtbot.waitUntil(lambda: "880006" not in reminder_accounts(window), timeout=5000)
    assert panel.total == before - 1
    assert panel.count_button is not None
    assert str(before - 1) in panel.count_button.text()
    # Another desk marks a client due; the desk refreshes its client list: the reminders too.
    another_desktop_marks_due(demo_services)
    window.refresh_clients()
    qtbot.waitUntil(lambda: "880003" in reminder_accounts(window), timeout=5000)
    settle(qtbot, window)


def test_the_decision_says_a_re_assessment_is_due_not_valid(qtbot, window_for, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    another_desktop_marks_due(demo_services)  # compliance: the client's situation changed
    window = window_for()
    find_client(qtbot, window, "880003")  # C3, assessed recently
    pick_report(qtbot, window, "银行业")  # R3
    result = window.decision.result
    assert result is not None
    assert Reason.REASSESSMENT_DUE in result.decision.reasons
    rule = window.decision.rule.text().splitlines()[0]
    # "Assessment: valid" under the reason that asks for a re-assessment: the panel says
    # what the decision used.
    assert texts.state_text(AssessmentState.VALID) not in rule
    assert "re-assess" in rule


def held_checks(demo_services: Services, monkeypatch) -> tuple[threading.Event, threading.Event]:  # type: ignore[no-untyped-def]
    """Every check waits, before it reads the store, until `release` is set (another
    program holds the store's lock); `started` says one is waiting."""
    started, release = threading.Event(), threading.Event()
    real = demo_services.access.check

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(HELD_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(demo_services.access, "check", held)
    return started, release


def test_ctrl_o_pressed_while_the_check_is_under_way_opens_once_it_is_in(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    started, release = held_checks(demo_services, monkeypatch)
    pick_report(qtbot, window, "银行业", decided=False)  # R3: allowed, once decided
    qtbot.waitUntil(started.is_set, timeout=5000)  # the check is under way, held
    assert window.checking
    window.open_action.trigger()  # Ctrl+O, as the clerk presses it
    release.set()
    qtbot.waitUntil(lambda: bool(visible_viewers()), timeout=10_000)
    [viewer] = visible_viewers()
    assert "银行业" in viewer.title_text  # type: ignore[attr-defined]
    settle(qtbot, window)


def test_a_double_click_waiting_for_a_check_that_finds_the_client_changed_opens_when_allowed(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    started, release = held_checks(demo_services, monkeypatch)
    pick_report(qtbot, window, "银行业", decided=False)  # R3
    qtbot.waitUntil(started.is_set, timeout=5000)  # the check is under way, held
    set_special_attention(demo_services)  # compliance flags the client meanwhile: still allowed
    double_click_row(qtbot, window, "银行业")
    release.set()
    qtbot.waitUntil(lambda: not window.checking and window.decision.result is not None, timeout=10_000)
    result = window.decision.result
    assert result is not None
    assert result.may_open, result.decision
    assert Reason.SPECIAL_ATTENTION_FLAG in result.decision.reasons
    # The client was read again (the card says the flag): the double-click still opens.
    qtbot.waitUntil(lambda: bool(visible_viewers()), timeout=10_000)
    assert window.client is not None
    assert window.client.special_attention
    settle(qtbot, window)


def test_ctrl_o_pressed_on_the_next_report_while_another_check_waits_opens_that_one(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    started, release = held_checks(demo_services, monkeypatch)
    pick_report(qtbot, window, "银行业", decided=False)  # its check waits for the store
    qtbot.waitUntil(started.is_set, timeout=5000)
    pick_report(qtbot, window, "利率债", decided=False)  # the clerk moves on to an R2 report
    window.open_action.trigger()  # and presses Ctrl+O before the first check is in
    release.set()
    qtbot.waitUntil(lambda: bool(visible_viewers()), timeout=10_000)
    [viewer] = visible_viewers()
    assert "利率债" in viewer.title_text  # type: ignore[attr-defined]
    settle(qtbot, window)


def test_the_report_list_keeps_its_rows_beside_many_reminders_on_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    compliance, clerk = login(demo_services, "demo-compliance"), login(demo_services, "demo-advisor")
    for client in demo_services.investors.search(clerk, "", limit=8):  # a morning's worth of reminders
        if client.follows_table and not client.reassessment_due:
            demo_services.investors.mark_reassessment_due(compliance, client.account, "income changed")
    window = window_for()
    window.resize(1024, 768)
    loaded_reminders(qtbot, window)
    panel = window.reminders
    assert panel is not None
    assert panel.isVisible()
    assert panel.model.rowCount() >= 5
    qtbot.wait(50)
    view = window.reports_view
    rows = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    # The list the clerk picks reports from (2 rows beside five reminders before): the
    # reminders' strip is bounded on a short screen, and scrolls.
    assert rows >= 6, rows
    # The reminder's words whole ("re-assess now (situation cha…" before).
    reminders = panel.view
    needed = reminders.fontMetrics().horizontalAdvance(state_text(ReminderState.DUE))
    assert reminders.columnWidth(ReminderModel.STATE) >= needed
