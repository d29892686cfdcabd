"""domain.replay: a decision rebuilt from its recorded facts by `decide`, under its version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Decision, InvestorFacts, Reason, ReportFacts, decide, integrity_block
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.replay import (
    DECIDED_FACTS,
    REPLAY_FACTS,
    Place,
    UnreplayableFacts,
    Verdict,
    replay_decision,
)
from tests.domain.test_decision import investor_facts, policies, report_facts

TODAY = dt.date(2026, 6, 15)
PRUDENT = InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C3, TODAY)


def recorded(decision: Decision) -> tuple[str, list[str], dict[str, object]]:
    """What an entry holds of a decision: outcome, reasons and facts, through JSON as stored."""
    facts = json.loads(json.dumps({**decision.facts(), "account": "880001"}))
    return decision.outcome.value, [r.value for r in decision.reasons], facts


def as_older(entry: tuple[str, list[str], dict[str, object]]) -> tuple[str, list[str], dict[str, object]]:
    """The entry as release 0.2.0 wrote it: without the facts added since (DECIDED_FACTS)."""
    outcome, reasons, facts = entry
    return outcome, reasons, {k: v for k, v in facts.items() if k not in DECIDED_FACTS}


@given(investor_facts, report_facts, policies, st.dates(dt.date(2024, 2, 28), dt.date(2028, 3, 1)), st.booleans())
def test_every_decision_replays_to_itself(
    investor: InvestorFacts, report: ReportFacts, policy: Policy, today: dt.date, integrity: bool
) -> None:
    """Whatever the client, report, policy and day (a leap day included), a decision's
    recorded facts decided again under its policy give the recorded outcome and reasons,
    only a failed seal taken as recorded; and so does the entry as 0.2.0 wrote it, the facts
    it did not hold (age, flags) taken as recorded."""
    decision = decide(investor, report, today, policy)
    if integrity:
        decision = integrity_block(decision)
    replay = replay_decision(*recorded(decision), policy)
    assert replay.verdict is Verdict.REPRODUCED, replay.differs
    assert replay.decision.outcome == decision.outcome
    assert replay.decision.reasons == decision.reasons
    assert replay.decision.facts() == decision.facts()
    assert replay.taken_as_recorded == ((Reason.RECORD_INTEGRITY,) if integrity else ())
    older = replay_decision(*as_older(recorded(decision)), policy)
    assert older.verdict is Verdict.REPRODUCED, older.differs
    assert older.decision.reasons == decision.reasons


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


def test_an_older_entrys_age_flag_and_due_mark_are_taken_as_recorded() -> None:
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
    replay = replay_decision(*as_older(recorded(decision)), policy)
    assert replay.verdict is Verdict.REPRODUCED
    assert set(replay.taken_as_recorded) == {
        Reason.REASSESSMENT_DUE,
        Reason.SPECIAL_ATTENTION_AGE,
        Reason.SPECIAL_ATTENTION_FLAG,
    }
    # A re-assessment mark recorded where the rules never give it (an R1 report) differs.
    outcome, reasons, facts = as_older(recorded(decide(client, ReportFacts(RiskLevel.R1), TODAY, policy)))
    assert replay_decision(outcome, [*reasons, "reassessment-due"], facts, policy).differs == ("reasons",)


def test_a_new_entrys_age_flag_and_due_mark_are_derived_from_its_facts() -> None:
    """An entry holding every fact `decide` used has those reasons derived, not taken: a
    reason recorded without its fact, or a fact recorded without its reason, differs (as
    0.2.0's entry it would read as reproduced)."""
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
    replay = replay_decision(*recorded(decision), policy)
    assert (replay.verdict, replay.taken_as_recorded) == (Verdict.REPRODUCED, ())
    outcome, reasons, facts = recorded(decision)
    for key, reason in (
        ("special_attention_age_reached", "special-attention-age"),
        ("special_attention", "special-attention"),
        ("reassessment_due", "reassessment-due"),
    ):
        assert replay_decision(outcome, reasons, {**facts, key: False}, policy).verdict is Verdict.DIFFERS
        assert replay_decision(*as_older((outcome, reasons, {**facts, key: False})), policy).verdict is (
            Verdict.REPRODUCED
        )
        fewer = [r for r in reasons if r != reason]
        assert replay_decision(outcome, fewer, facts, policy).differs[-1:] == ("reasons",)
    # The mark blocks: without it the decision itself is not the recorded one.
    assert replay_decision(outcome, reasons, {**facts, "reassessment_due": False}, policy).differs == (
        "decision",
        "reasons",
    )
    # The age reached on the day, under the policy's age: a 69-year-old's entry says False.
    young = decide(
        InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C4, TODAY, birth_date=dt.date(1956, 6, 16)),
        ReportFacts(RiskLevel.R3),
        TODAY,
        policy,
    )
    outcome, reasons, facts = recorded(young)
    assert facts["special_attention_age_reached"] is False
    assert replay_decision(outcome, [*reasons, "special-attention-age"], facts, policy).differs == ("reasons",)


def test_a_new_entrys_matched_level_is_derived_from_the_subject_and_the_confirmation() -> None:
    """就高: stated R2, subject R4 -> matched R4; confirmed by compliance -> R2. An entry
    recording a matched level its subject and confirmation do not give differs."""
    policy = Policy()
    raised = decide(PRUDENT, ReportFacts(RiskLevel.R2, RiskLevel.R4), TODAY, policy)
    confirmed = decide(PRUDENT, ReportFacts(RiskLevel.R2, RiskLevel.R4, confirmed=True), TODAY, policy)
    assert (raised.level, confirmed.level) == (RiskLevel.R4, RiskLevel.R2)
    for decision in (raised, confirmed):
        assert replay_decision(*recorded(decision), policy).verdict is Verdict.REPRODUCED
    outcome, reasons, facts = recorded(confirmed)
    replay = replay_decision(outcome, reasons, {**facts, "level_confirmed": False}, policy)
    assert replay.differs == ("decision", "reasons", "level")


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
    [
        ("profile", "C7"),
        ("class", "vip"),
        ("assessed", "yesterday"),
        ("level", 3),
        ("lowest_category", "no"),
        ("subject_level", "R9"),
        ("level_confirmed", 1),
        ("special_attention_age_reached", "yes"),
        ("special_attention", None),
        ("reassessment_due", 0),
        ("record_unreadable", "true"),
        # A date only as suitcheck writes it: fromisoformat reads a week date too.
        ("assessed", "2026-W24-1"),
    ],
)
def test_a_value_no_release_writes_cannot_be_replayed(key: str, value: object) -> None:
    decision = decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, Policy())
    outcome, reasons, facts = recorded(decision)
    with pytest.raises(UnreplayableFacts, match=key):
        replay_decision(outcome, reasons, {**facts, key: value}, Policy())


def test_an_entry_holding_some_of_the_new_facts_cannot_be_replayed() -> None:
    """No release writes some of DECIDED_FACTS without the others: such an entry is neither
    an older one (whose reasons are taken as recorded) nor a new one."""
    outcome, reasons, facts = recorded(decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, Policy()))
    del facts["special_attention"]
    with pytest.raises(UnreplayableFacts, match="but no special_attention"):
        replay_decision(outcome, reasons, facts, Policy())


def test_an_unreadable_record_is_a_record_integrity_block() -> None:
    """`record_unreadable` is recorded only with the record-integrity block a check gives: an
    entry holding it with any other decision differs."""
    policy = Policy()
    decision = decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, policy)
    outcome, reasons, facts = recorded(decision)
    assert replay_decision(outcome, reasons, {**facts, "record_unreadable": True}, policy).differs == (
        "decision",
        "reasons",
    )
    blocked = recorded(integrity_block(decision))
    assert replay_decision(*blocked[:2], {**blocked[2], "record_unreadable": True}, policy).verdict is (
        Verdict.REPRODUCED
    )


WARNED = Policy(allow_escalation=True)


def _override(decision: Decision, policy: Policy = WARNED) -> tuple[str, list[str], dict[str, object]]:
    """An override entry as record_override writes it."""
    outcome, reasons, facts = recorded(decision)
    return (
        outcome,
        reasons,
        {
            **facts,
            "warning_version": policy.warning_version,
            "warning_sha256": hashlib.sha256(policy.warning_text.encode()).hexdigest(),
            "client_confirmed": True,
        },
    )


def test_an_override_replays_only_for_a_warning_decision_with_its_versions_warning() -> None:
    """record_override records only an allow-after-warning, with the warning of the policy
    in force: an override entry of another decision, or naming another warning version or
    text, is no override suitcheck records, even when its decision replays."""
    warned = decide(PRUDENT, ReportFacts(RiskLevel.R4), TODAY, WARNED)
    assert warned.outcome.value == "allow-after-warning"
    assert replay_decision(*_override(warned), WARNED, AuditAction.OVERRIDE).verdict is Verdict.REPRODUCED
    outcome, reasons, facts = _override(warned)
    for key, value in (("warning_version", "v0-forged"), ("warning_sha256", "0" * 64)):
        assert replay_decision(outcome, reasons, {**facts, key: value}, WARNED, AuditAction.OVERRIDE).differs == (key,)
    # The warning words of another policy version (same version name) differ by their hash.
    other = Policy(allow_escalation=True, warning_text="另一段风险揭示")
    assert other.warning_version == WARNED.warning_version
    assert replay_decision(outcome, reasons, facts, other, AuditAction.OVERRIDE).differs == ("warning_sha256",)
    blocked = decide(PRUDENT, ReportFacts(RiskLevel.R4), TODAY, Policy())
    assert replay_decision(*_override(blocked), Policy(), AuditAction.OVERRIDE).differs == ("action",)
    allowed = decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, WARNED)
    assert replay_decision(*_override(allowed), WARNED, AuditAction.OVERRIDE).differs == ("action",)
    # An entry that does not record the warning at all (an older override) does not pass either.
    bare = recorded(warned)
    assert replay_decision(*bare, WARNED, AuditAction.OVERRIDE).differs == ("warning_version", "warning_sha256")


@pytest.mark.parametrize(
    ("action", "report", "differs"),
    [
        (AuditAction.OPEN, RiskLevel.R3, ()),
        (AuditAction.OPEN, RiskLevel.R5, ("action",)),  # a blocked report opened
        (AuditAction.OPEN_REFUSED, RiskLevel.R5, ()),
        (AuditAction.OPEN_REFUSED, RiskLevel.R3, ("action",)),  # an allowed one refused
        (AuditAction.CHECK, RiskLevel.R5, ()),
    ],
)
def test_an_opening_is_given_only_where_the_decision_gives_it(
    action: AuditAction, report: RiskLevel, differs: tuple[str, ...]
) -> None:
    decision = decide(PRUDENT, ReportFacts(report), TODAY, Policy())
    assert replay_decision(*recorded(decision), Policy(), action).differs == differs


def test_a_decision_stands_under_the_version_in_force_and_on_the_day_it_was_recorded() -> None:
    """A release after 0.2.0 decides under the version in force where its entry stands and
    records on the firm's day it decided (or the next, midnight between): another version or
    day differs. An older entry's version need only have existed by then (an older release
    on a shared store could read the policy before another desk's change was recorded), its
    day within one of the firm's (the desktop's own date)."""
    entry = recorded(decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, Policy()))
    day = dt.timedelta(days=1)
    for place, new, older in [
        (Place(TODAY, 1), (), ()),
        (Place(TODAY + day, 1), (), ()),
        (Place(TODAY - day, 1), ("decided_on",), ()),
        (Place(TODAY + 2 * day, 1), ("decided_on",), ("decided_on",)),
        (Place(TODAY, 2), ("policy_version",), ()),
    ]:
        assert replay_decision(*entry, Policy(), place=place).differs == new, place
        assert replay_decision(*as_older(entry), Policy(), place=place).differs == older, place
    policy = Policy(version=2)
    under_two = recorded(decide(PRUDENT, ReportFacts(RiskLevel.R3), TODAY, policy))
    for shown in (under_two, as_older(under_two)):  # stamped with a version not stored yet there
        assert replay_decision(*shown, policy, place=Place(TODAY, 1)).differs == ("policy_version",)
