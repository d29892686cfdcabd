"""domain.replay: a decision rebuilt from its recorded facts by `decide`, under its version."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.decision import Decision, InvestorFacts, Reason, ReportFacts, decide, integrity_block
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.replay import REPLAY_FACTS, UnreplayableFacts, Verdict, replay_decision
from tests.domain.test_decision import investor_facts, policies, report_facts

TODAY = dt.date(2026, 6, 15)
PRUDENT = InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C3, TODAY)


def recorded(decision: Decision) -> tuple[str, list[str], dict[str, object]]:
    """What an entry holds of a decision: outcome, reasons and facts, through JSON as stored."""
    facts = json.loads(json.dumps({**decision.facts(), "account": "880001"}))
    return decision.outcome.value, [r.value for r in decision.reasons], facts


@given(investor_facts, report_facts, policies, st.dates(dt.date(2024, 2, 28), dt.date(2028, 3, 1)), st.booleans())
def test_every_decision_replays_to_itself(
    investor: InvestorFacts, report: ReportFacts, policy: Policy, today: dt.date, integrity: bool
) -> None:
    """Whatever the client, report, policy and day (a leap day included), a decision's
    recorded facts decided again under its policy give the recorded outcome and reasons;
    the facts the entry does not hold (age, flags, a failed seal) are taken as recorded."""
    decision = decide(investor, report, today, policy)
    if integrity:
        decision = integrity_block(decision)
    replay = replay_decision(*recorded(decision), policy)
    assert replay.verdict is Verdict.REPRODUCED, replay.differs
    assert replay.decision == decision


def test_a_decision_replays_under_its_own_version_and_differs_under_another() -> None:
    v1, v2 = Policy(version=1, validity_days=730), Policy(version=2, validity_days=365)
    client = InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C3, TODAY - dt.timedelta(days=400))
    decision = decide(client, ReportFacts(RiskLevel.R3), TODAY, v1)
    assert decision.outcome.value == "allow"
    assert replay_decision(*recorded(decision), v1).verdict is Verdict.REPRODUCED
    with pytest.raises(ValueError, match="replayed under 2"):  # a caller passing the wrong version
        replay_decision(*recorded(decision), v2)
    outcome, reasons, facts = recorded(decision)
    replay = replay_decision(outcome, reasons, {**facts, "policy_version": 2}, v2)
    assert replay.differs == ("decision", "reasons", "assessment_state")
    assert replay.decision.reasons == (Reason.ASSESSMENT_EXPIRED,)


def test_a_fact_that_does_not_lead_to_the_recorded_decision_differs() -> None:
    policy = Policy()
    decision = decide(
        InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C3, TODAY), ReportFacts(RiskLevel.R4), TODAY, policy
    )
    outcome, reasons, facts = recorded(decision)
    replay = replay_decision(outcome, reasons, {**facts, "profile": "C5"}, policy)
    assert replay.verdict is Verdict.DIFFERS
    assert replay.differs == ("decision", "reasons")
    # The matched level below the stated one: no rule gives that.
    replay = replay_decision(outcome, reasons, {**facts, "level": "R2"}, policy)
    assert replay.differs == ("level",)


def test_age_flag_and_due_mark_are_taken_as_recorded() -> None:
    policy = Policy()
    client = InvestorFacts(
        InvestorClass.ORDINARY,
        RiskProfile.C4,
        TODAY - dt.timedelta(days=10),
        birth_date=dt.date(1950, 1, 1),
        special_attention=True,
        reassessment_due=True,
    )
    decision = decide(client, ReportFacts(RiskLevel.R3), TODAY, policy)
    assert set(decision.reasons) >= {Reason.REASSESSMENT_DUE, Reason.SPECIAL_ATTENTION_AGE}
    replay = replay_decision(*recorded(decision), policy)
    assert replay.verdict is Verdict.REPRODUCED
    assert set(replay.taken_as_recorded) == {
        Reason.REASSESSMENT_DUE,
        Reason.SPECIAL_ATTENTION_AGE,
        Reason.SPECIAL_ATTENTION_FLAG,
    }
    # A re-assessment mark recorded where the rules never give it (an R1 report) differs.
    outcome, reasons, facts = recorded(decide(client, ReportFacts(RiskLevel.R1), TODAY, policy))
    assert replay_decision(outcome, [*reasons, "reassessment-due"], facts, policy).differs == ("reasons",)


def test_a_record_integrity_block_is_taken_as_recorded() -> None:
    policy = Policy()
    allowed = decide(InvestorFacts(InvestorClass.PROFESSIONAL, None, None), ReportFacts(RiskLevel.R5), TODAY, policy)
    replay = replay_decision(*recorded(integrity_block(allowed)), policy)
    assert replay.verdict is Verdict.REPRODUCED
    assert replay.taken_as_recorded == (Reason.RECORD_INTEGRITY,)
    assert replay.decision.outcome.value == "block"


@pytest.mark.parametrize("missing", [("stated_level", "lowest_category"), ("policy_version",), REPLAY_FACTS])
def test_facts_an_older_release_did_not_record_cannot_be_replayed(missing: tuple[str, ...]) -> None:
    decision = decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, Policy())
    outcome, reasons, facts = recorded(decision)
    with pytest.raises(UnreplayableFacts, match=f"records no {missing[0]}"):
        replay_decision(outcome, reasons, {k: v for k, v in facts.items() if k not in missing}, Policy())


@pytest.mark.parametrize(
    ("key", "value"),
    [("profile", "C7"), ("class", "vip"), ("assessed", "yesterday"), ("level", 3), ("lowest_category", "no")],
)
def test_a_value_no_release_writes_cannot_be_replayed(key: str, value: object) -> None:
    decision = decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, Policy())
    outcome, reasons, facts = recorded(decision)
    with pytest.raises(UnreplayableFacts, match=key):
        replay_decision(outcome, reasons, {**facts, key: value}, Policy())
