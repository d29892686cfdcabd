"""The desk's second pass (attack round "desk-two"): what the clerk tripped over after the
first one. The reminders list follows the store after the desk changes a client; the
decision panel says the assessment state the decision used; Ctrl+O pressed while the check
is under way opens once it is in, as a double-click does, also when the check finds the
client changed; the report list keeps its rows on a 1024x768 screen beside the reminders."""

from __future__ import annotations

from typing import Any

from suitcheck.domain.decision import AssessmentState, Reason
from suitcheck.domain.levels import RiskProfile
from suitcheck.gui import texts
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from tests.gui.conftest import START_UP_MS
from tests.gui.test_attack_desk import another_desktop_marks_due, settle
from tests.gui.test_main_window import find_client, pick_report


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
