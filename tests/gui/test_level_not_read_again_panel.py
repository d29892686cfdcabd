"""The desk's decision panel for a check blocked because the report's level, read by an
older version, could not be read again (CheckResult.level_not_read_again)."""

from __future__ import annotations

import datetime as dt

from suitcheck.domain.decision import InvestorFacts, ReportFacts, decide
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.services.access import CheckResult


def test_the_panel_says_why_a_report_the_list_shows_rated_is_decided_as_unrated(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Was BROKE: the panel said only that the report has no risk level yet, beside a list
    showing it at R1; it now says its level was read by an older version and cannot be read
    again, so it is treated as unrated until compliance rates it."""
    from suitcheck.gui.decision_panel import DecisionPanel

    facts = InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C5, dt.date(2026, 6, 1))
    decision = decide(facts, ReportFacts(None), dt.date(2026, 6, 15), Policy())
    panel = DecisionPanel()
    qtbot.addWidget(panel)
    panel.show_result(CheckResult(decision, 1, 1, 1, "0" * 64, level_not_read_again=True), "客户", "报告")
    assert "read by an older version" in panel.rule.text()
    assert panel.rule.text() in panel.verdict.accessibleDescription()
    panel.show_result(CheckResult(decision, 1, 1, 1, "0" * 64), "客户", "报告")
    assert "older version" not in panel.rule.text()
