"""The desk's second pass (attack round "desk-two"): what the clerk tripped over after the
first one. The reminders list follows the store after the desk changes a client; the
decision panel says the assessment state the decision used; Ctrl+O pressed while the check
is under way opens once it is in, as a double-click does, also when the check finds the
client changed; the report list keeps its rows on a 1024x768 screen beside the reminders."""

from __future__ import annotations

from suitcheck.domain.decision import AssessmentState, Reason
from suitcheck.gui import texts
from suitcheck.services import Services
from tests.gui.test_attack_desk import another_desktop_marks_due
from tests.gui.test_main_window import find_client, pick_report


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
