"""The 5x5 table, every rule around it, and properties of `decide`."""

import dataclasses
import datetime as dt
import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.decision import (
    BLOCKING_REASONS,
    AssessmentState,
    InvestorFacts,
    Outcome,
    Reason,
    RecordConflict,
    ReportFacts,
    assessment_expires_on,
    assessment_state,
    decide,
    eligibility_bounds,
    expiry_state,
    last_valid_day,
    reassessment_cleared,
    record_conflicts,
)
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy

TODAY = dt.date(2026, 6, 15)
POLICY = Policy()
ESCALATING = Policy(version=2, allow_escalation=True)
RECENT = TODAY - dt.timedelta(days=100)


def ordinary(profile: RiskProfile | None, assessed: dt.date | None = RECENT, **kw: object) -> InvestorFacts:
    return InvestorFacts(InvestorClass.ORDINARY, profile, assessed, **kw)  # type: ignore[arg-type]


# The table as domain.md prints it, written out rather than computed, so that the
# test states the rule independently of the implementation's comparison.
TABLE = {
    "C1": "R1",
    "C2": "R1 R2",
    "C3": "R1 R2 R3",
    "C4": "R1 R2 R3 R4",
    "C5": "R1 R2 R3 R4 R5",
}


@pytest.mark.parametrize(("profile", "level"), list(itertools.product(RiskProfile, RiskLevel)))
def test_five_by_five_table(profile: RiskProfile, level: RiskLevel) -> None:
    decision = decide(ordinary(profile), ReportFacts(level), TODAY, POLICY)
    expected = Outcome.ALLOW if level.code in TABLE[profile.code].split() else Outcome.BLOCK
    assert decision.outcome is expected
    assert (
        Reason.PROFILE_COVERS_LEVEL if expected is Outcome.ALLOW else Reason.PROFILE_BELOW_LEVEL
    ) in decision.reasons


@pytest.mark.parametrize("level", list(RiskLevel))
def test_professional_may_use_every_level(level: RiskLevel) -> None:
    pro = InvestorFacts(InvestorClass.PROFESSIONAL, None, None)
    decision = decide(pro, ReportFacts(level), TODAY, POLICY)
    assert decision.outcome is Outcome.ALLOW
    assert decision.reasons == (Reason.PROFESSIONAL_INVESTOR,)


def test_professional_treated_as_ordinary_follows_the_table() -> None:
    facts = InvestorFacts(InvestorClass.PROFESSIONAL_AS_ORDINARY, RiskProfile.C2, RECENT)
    assert decide(facts, ReportFacts(RiskLevel.R3), TODAY, POLICY).outcome is Outcome.BLOCK
    assert decide(facts, ReportFacts(RiskLevel.R2), TODAY, POLICY).outcome is Outcome.ALLOW
    no_assessment = InvestorFacts(InvestorClass.PROFESSIONAL_AS_ORDINARY, None, None)
    assert Reason.ASSESSMENT_MISSING in decide(no_assessment, ReportFacts(RiskLevel.R1), TODAY, POLICY).reasons


@pytest.mark.parametrize("facts", [ordinary(RiskProfile.C5), InvestorFacts(InvestorClass.PROFESSIONAL, None, None)])
def test_unrated_report_is_blocked_for_everyone(facts: InvestorFacts) -> None:
    decision = decide(facts, ReportFacts(None), TODAY, POLICY)
    assert decision.outcome is Outcome.BLOCK
    assert Reason.REPORT_UNRATED in decision.reasons


def test_never_assessed_is_blocked_even_for_r1() -> None:
    decision = decide(ordinary(None, None), ReportFacts(RiskLevel.R1), TODAY, POLICY)
    assert decision.outcome is Outcome.BLOCK
    assert decision.reasons == (Reason.ASSESSMENT_MISSING,)
    assert decision.assessment_state is AssessmentState.NEVER_ASSESSED


def test_expired_assessment_blocks_even_when_the_profile_covers_the_level() -> None:
    old = TODAY - dt.timedelta(days=POLICY.validity_days)
    decision = decide(ordinary(RiskProfile.C5, old), ReportFacts(RiskLevel.R1), TODAY, POLICY)
    assert decision.outcome is Outcome.BLOCK
    assert Reason.ASSESSMENT_EXPIRED in decision.reasons


def test_assessment_states_at_their_boundaries() -> None:
    expires = POLICY.validity_days
    assert assessment_state(TODAY - dt.timedelta(days=expires - 1), TODAY, POLICY) is AssessmentState.EXPIRING_SOON
    assert assessment_state(TODAY - dt.timedelta(days=expires), TODAY, POLICY) is AssessmentState.EXPIRED
    last_valid = expires - POLICY.warning_days - 1
    assert assessment_state(TODAY - dt.timedelta(days=last_valid), TODAY, POLICY) is AssessmentState.VALID
    first_warning = expires - POLICY.warning_days
    assert assessment_state(TODAY - dt.timedelta(days=first_warning), TODAY, POLICY) is AssessmentState.EXPIRING_SOON
    assert assessment_state(TODAY, TODAY, POLICY) is AssessmentState.VALID
    assert assessment_state(TODAY + dt.timedelta(days=1), TODAY, POLICY) is AssessmentState.FUTURE_DATED
    assert assessment_state(None, TODAY, POLICY) is AssessmentState.NEVER_ASSESSED


def test_valid_until_is_the_last_day_the_assessment_is_not_expired() -> None:
    """'Valid until' (last_valid_day), shown on the card, in the reminders, the wizard and
    the confirmation sheet, is the last day assessment_state does not call expired."""
    assessed = TODAY - dt.timedelta(days=100)
    until = last_valid_day(assessment_expires_on(assessed, POLICY))
    assert until == assessed + dt.timedelta(days=POLICY.validity_days - 1)
    assert assessment_state(assessed, until, POLICY) is AssessmentState.EXPIRING_SOON
    assert assessment_state(assessed, until + dt.timedelta(days=1), POLICY) is AssessmentState.EXPIRED


@pytest.mark.parametrize("window", [1, 30, 90])
def test_expiry_state_at_its_edges(window: int) -> None:
    """The one rule the decision's warning window and the reminders' window both use: expired
    on the expiry day itself, expiring soon from `window` days before it."""
    expires = TODAY + dt.timedelta(days=window)
    assert expiry_state(expires, TODAY, window) is AssessmentState.EXPIRING_SOON
    assert expiry_state(expires + dt.timedelta(days=1), TODAY, window) is AssessmentState.VALID
    assert expiry_state(TODAY + dt.timedelta(days=1), TODAY, window) is AssessmentState.EXPIRING_SOON
    assert expiry_state(TODAY, TODAY, window) is AssessmentState.EXPIRED
    assert expiry_state(TODAY - dt.timedelta(days=1), TODAY, window) is AssessmentState.EXPIRED


def test_expiring_soon_allows_but_says_so() -> None:
    soon = TODAY - dt.timedelta(days=POLICY.validity_days - 5)
    decision = decide(ordinary(RiskProfile.C3, soon), ReportFacts(RiskLevel.R3), TODAY, POLICY)
    assert decision.outcome is Outcome.ALLOW
    assert Reason.ASSESSMENT_EXPIRING_SOON in decision.reasons


def test_future_dated_assessment_blocks() -> None:
    decision = decide(ordinary(RiskProfile.C5, TODAY + dt.timedelta(days=3)), ReportFacts(RiskLevel.R1), TODAY, POLICY)
    assert decision.outcome is Outcome.BLOCK
    assert Reason.ASSESSMENT_FUTURE_DATED in decision.reasons


def test_policy_validity_is_data_not_code() -> None:
    one_year = Policy(version=7, validity_days=365)
    assessed = TODAY - dt.timedelta(days=400)
    assert decide(ordinary(RiskProfile.C3, assessed), ReportFacts(RiskLevel.R1), TODAY, POLICY).allowed
    strict = decide(ordinary(RiskProfile.C3, assessed), ReportFacts(RiskLevel.R1), TODAY, one_year)
    assert not strict.allowed
    assert strict.policy_version == 7


@pytest.mark.parametrize("policy", [POLICY, ESCALATING])
def test_lowest_category_never_gets_above_r1(policy: Policy) -> None:
    facts = ordinary(RiskProfile.C5, lowest_category=True)  # inconsistent data still fails closed
    for level in RiskLevel:
        decision = decide(facts, ReportFacts(level), TODAY, policy)
        if level is RiskLevel.R1:
            assert decision.outcome is Outcome.ALLOW
        else:
            assert decision.outcome is Outcome.BLOCK
            assert Reason.LOWEST_CATEGORY in decision.reasons


@pytest.mark.parametrize("policy", [POLICY, ESCALATING])
@pytest.mark.parametrize("cls", list(InvestorClass))
def test_lowest_category_wins_over_every_class(policy: Policy, cls: InvestorClass) -> None:
    """A professional in the lowest category (data that should never exist, e.g. an old
    record or a hand-edited store) still gets nothing above R1."""
    facts = InvestorFacts(cls, RiskProfile.C1, RECENT, lowest_category=True)
    for level in RiskLevel:
        decision = decide(facts, ReportFacts(level), TODAY, policy)
        if level is RiskLevel.R1:
            assert decision.outcome is Outcome.ALLOW
        else:
            assert decision.outcome is Outcome.BLOCK, (cls, level)
            assert Reason.LOWEST_CATEGORY in decision.reasons
            assert Reason.PROFESSIONAL_INVESTOR not in decision.reasons
        assert decision.facts()["lowest_category"] is True


def test_lowest_category_forbids_professional_class_and_profiles_above_c1() -> None:
    assert record_conflicts(InvestorClass.PROFESSIONAL, None, True) == (RecordConflict.LOWEST_CATEGORY_PROFESSIONAL,)
    assert record_conflicts(InvestorClass.ORDINARY, RiskProfile.C2, True) == (RecordConflict.LOWEST_CATEGORY_PROFILE,)
    assert record_conflicts(InvestorClass.ORDINARY, RiskProfile.C1, True) == ()
    assert record_conflicts(InvestorClass.ORDINARY, None, True) == ()
    assert record_conflicts(InvestorClass.PROFESSIONAL_AS_ORDINARY, RiskProfile.C1, True) == ()
    assert record_conflicts(InvestorClass.PROFESSIONAL, RiskProfile.C5, False) == ()


def test_expired_block_does_not_say_the_profile_covers_the_level() -> None:
    old = TODAY - dt.timedelta(days=POLICY.validity_days + 1)
    decision = decide(ordinary(RiskProfile.C5, old), ReportFacts(RiskLevel.R3), TODAY, POLICY)
    assert decision.reasons == (Reason.ASSESSMENT_EXPIRED,)
    future = decide(ordinary(RiskProfile.C5, TODAY + dt.timedelta(days=1)), ReportFacts(RiskLevel.R3), TODAY, POLICY)
    assert future.reasons == (Reason.ASSESSMENT_FUTURE_DATED,)
    lowest = decide(ordinary(RiskProfile.C5, lowest_category=True), ReportFacts(RiskLevel.R3), TODAY, POLICY)
    assert lowest.reasons == (Reason.LOWEST_CATEGORY,)


def test_professional_investor_is_not_never_assessed() -> None:
    pro = InvestorFacts(InvestorClass.PROFESSIONAL, None, None)
    decision = decide(pro, ReportFacts(RiskLevel.R5), TODAY, POLICY)
    assert decision.assessment_state is AssessmentState.NOT_REQUIRED
    assert decision.facts()["assessment_state"] == "not-required"
    unrated = decide(pro, ReportFacts(None), TODAY, POLICY)
    assert unrated.reasons == (Reason.REPORT_UNRATED,)


@pytest.mark.parametrize(
    ("stated", "subject", "confirmed", "matched"),
    [
        (RiskLevel.R3, RiskLevel.R4, False, RiskLevel.R4),  # a Hong Kong report declared 中风险
        (RiskLevel.R2, RiskLevel.R5, False, RiskLevel.R5),  # an options report declared 中低风险
        (RiskLevel.R3, RiskLevel.R4, True, RiskLevel.R3),  # compliance confirmed R3 (stays flagged)
        (RiskLevel.R5, RiskLevel.R4, False, RiskLevel.R5),  # stricter than the subject: as stated
        (RiskLevel.R3, None, False, RiskLevel.R3),
        (None, RiskLevel.R4, False, None),  # the subject alone never rates a report
    ],
)
def test_stricter_level_applies_until_compliance_confirms(
    stated: RiskLevel | None, subject: RiskLevel | None, confirmed: bool, matched: RiskLevel | None
) -> None:
    facts = ReportFacts(stated, subject, confirmed)
    assert facts.matching_level is matched
    decision = decide(ordinary(RiskProfile.C3), facts, TODAY, POLICY)
    assert decision.level is matched
    assert decision.stated_level is stated
    assert decision.allowed is (matched is not None and matched <= RiskLevel.R3)
    raised = Reason.LEVEL_RAISED_TO_SUBJECT in decision.reasons
    assert raised is (stated is not None and matched is not None and matched > stated)
    assert decision.facts()["stated_level"] == (stated.code if stated else None)


def test_escalation_off_by_default_blocks() -> None:
    assert not POLICY.allow_escalation
    assert decide(ordinary(RiskProfile.C2), ReportFacts(RiskLevel.R4), TODAY, POLICY).outcome is Outcome.BLOCK


def test_escalation_on_allows_after_warning_only_when_profile_is_the_sole_obstacle() -> None:
    decision = decide(ordinary(RiskProfile.C2), ReportFacts(RiskLevel.R4), TODAY, ESCALATING)
    assert decision.outcome is Outcome.ALLOW_AFTER_WARNING
    assert Reason.WARNING_REQUIRED in decision.reasons
    expired = TODAY - dt.timedelta(days=1000)
    assert (
        decide(ordinary(RiskProfile.C2, expired), ReportFacts(RiskLevel.R4), TODAY, ESCALATING).outcome is Outcome.BLOCK
    )
    assert (
        decide(ordinary(RiskProfile.C1, lowest_category=True), ReportFacts(RiskLevel.R2), TODAY, ESCALATING).outcome
        is Outcome.BLOCK
    )
    assert decide(ordinary(RiskProfile.C2), ReportFacts(None), TODAY, ESCALATING).outcome is Outcome.BLOCK
    assert decide(ordinary(RiskProfile.C4), ReportFacts(RiskLevel.R4), TODAY, ESCALATING).outcome is Outcome.ALLOW


def test_special_attention_is_a_caution_not_a_block() -> None:
    born = dt.date(TODAY.year - 70, TODAY.month, TODAY.day)
    decision = decide(ordinary(RiskProfile.C3, birth_date=born), ReportFacts(RiskLevel.R2), TODAY, POLICY)
    assert decision.outcome is Outcome.ALLOW
    assert Reason.SPECIAL_ATTENTION_AGE in decision.reasons
    younger = dt.date(TODAY.year - 70, TODAY.month, TODAY.day) + dt.timedelta(days=1)
    assert (
        Reason.SPECIAL_ATTENTION_AGE
        not in decide(ordinary(RiskProfile.C3, birth_date=younger), ReportFacts(RiskLevel.R2), TODAY, POLICY).reasons
    )
    flagged = decide(ordinary(RiskProfile.C3, special_attention=True), ReportFacts(RiskLevel.R2), TODAY, POLICY)
    assert flagged.allowed
    assert Reason.SPECIAL_ATTENTION_FLAG in flagged.reasons


def test_decision_carries_its_facts() -> None:
    decision = decide(ordinary(RiskProfile.C3), ReportFacts(RiskLevel.R4), TODAY, ESCALATING)
    assert decision.facts() == {
        "profile": "C3",
        "level": "R4",
        "stated_level": "R4",
        "class": "ordinary",
        "assessed": RECENT.isoformat(),
        "assessment_state": "valid",
        "lowest_category": False,
        "policy_version": 2,
        "decided_on": TODAY.isoformat(),
        "subject_level": None,
        "level_confirmed": False,
        "special_attention_age_reached": False,
        "special_attention": False,
        "reassessment_due": False,
    }


def test_decision_records_every_fact_it_used_but_no_birth_date() -> None:
    """The age reached (not the birth date: the trail masks the ID number that holds it),
    the flag, the mark, the subject's level and the confirmation: what a replay needs to
    derive every reason again."""
    born = dt.date(TODAY.year - 70, TODAY.month, TODAY.day)
    client = ordinary(RiskProfile.C3, birth_date=born, special_attention=True, reassessment_due=True)
    decision = decide(client, ReportFacts(RiskLevel.R2, RiskLevel.R3, confirmed=True), TODAY, POLICY)
    facts = decision.facts()
    assert {k: facts[k] for k in ("level", "stated_level", "subject_level", "level_confirmed")} == {
        "level": "R2",
        "stated_level": "R2",
        "subject_level": "R3",
        "level_confirmed": True,
    }
    assert (facts["special_attention_age_reached"], facts["special_attention"], facts["reassessment_due"]) == (
        True,
        True,
        True,
    )
    assert born.isoformat() not in str(facts)
    assert str(born.year) not in str(facts)
    younger = decide(
        ordinary(RiskProfile.C3, birth_date=born + dt.timedelta(days=1)), ReportFacts(RiskLevel.R2), TODAY, POLICY
    )
    assert younger.facts()["special_attention_age_reached"] is False


def test_special_attention_is_visible_for_a_professional_too() -> None:
    """The caution is not a rule of the table: a professional aged 70 or flagged is allowed,
    with the caution in the decision, as an ordinary client is."""
    born = dt.date(TODAY.year - 75, 1, 1)
    for facts, reason in (
        (InvestorFacts(InvestorClass.PROFESSIONAL, None, None, birth_date=born), Reason.SPECIAL_ATTENTION_AGE),
        (InvestorFacts(InvestorClass.PROFESSIONAL, None, None, special_attention=True), Reason.SPECIAL_ATTENTION_FLAG),
    ):
        decision = decide(facts, ReportFacts(RiskLevel.R5), TODAY, POLICY)
        assert decision.outcome is Outcome.ALLOW
        assert decision.reasons == (Reason.PROFESSIONAL_INVESTOR, reason)


def test_reassessment_due_blocks_everything_as_an_expired_assessment_does() -> None:
    """A changed situation: the client "is then treated as expired until re-assessed"
    (domain.md), so every level is blocked with its own reason, R1 included, even for C5
    with a fresh assessment and with escalation on (no warning can cure it). Was BROKE: R1
    stayed open, as for no expired client (the oracle's finding)."""
    facts = InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C5, TODAY, reassessment_due=True)
    for policy in (Policy(), Policy(allow_escalation=True)):
        for level in RiskLevel:
            d = decide(facts, ReportFacts(level), TODAY, policy)
            assert d.outcome is Outcome.BLOCK
            assert d.reasons == (Reason.REASSESSMENT_DUE,)
    cleared = dataclasses.replace(facts, reassessment_due=False)
    assert decide(cleared, ReportFacts(RiskLevel.R5), TODAY, Policy()).outcome is Outcome.ALLOW


def test_a_policy_stored_before_the_rule_keeps_r1_open_to_a_client_due() -> None:
    """A policy version stored before `reassessment_due_blocks_r1` existed decided with R1
    open to a client due for re-assessment; its decisions replay as made."""
    legacy = Policy.from_json(
        json.dumps({k: v for k, v in Policy().to_dict().items() if k != "reassessment_due_blocks_r1"})
    )
    assert legacy.reassessment_due_blocks_r1 is False
    assert Policy.from_json(Policy().to_json()).reassessment_due_blocks_r1 is True
    facts = InvestorFacts(InvestorClass.ORDINARY, RiskProfile.C5, TODAY, reassessment_due=True)
    assert decide(facts, ReportFacts(RiskLevel.R1), TODAY, legacy).outcome is Outcome.ALLOW
    for level in list(RiskLevel)[1:]:
        assert decide(facts, ReportFacts(level), TODAY, legacy).reasons == (Reason.REASSESSMENT_DUE,)
    assert eligibility_bounds(RiskLevel.R1, TODAY, legacy).due_allowed
    assert not eligibility_bounds(RiskLevel.R1, TODAY, Policy()).due_allowed


def test_only_an_assessment_after_the_change_clears_a_due_reassessment() -> None:
    marked = TODAY - dt.timedelta(days=3)
    assert reassessment_cleared(marked, RECENT, marked)  # on the day of the mark
    assert reassessment_cleared(TODAY, RECENT, marked)
    assert reassessment_cleared(TODAY, None, marked)
    assert not reassessment_cleared(marked - dt.timedelta(days=1), RECENT, marked)  # before the change
    # After the mark but older than the current assessment: it would not become current.
    assert not reassessment_cleared(marked, TODAY, marked)
    # Answers begun before the mark was made, on its very day: about the situation before it.
    assert not reassessment_cleared(TODAY, RECENT, TODAY, marked_after_begun=True)


# -- properties ---------------------------------------------------------------------------

investor_facts = st.builds(
    InvestorFacts,
    investor_class=st.sampled_from(InvestorClass),
    profile=st.none() | st.sampled_from(RiskProfile),
    assessed_on=st.none() | st.dates(TODAY - dt.timedelta(days=1500), TODAY + dt.timedelta(days=10)),
    lowest_category=st.booleans(),
    birth_date=st.none() | st.dates(dt.date(1920, 1, 1), dt.date(2008, 1, 1)),
    special_attention=st.booleans(),
    reassessment_due=st.booleans(),
)
levels = st.none() | st.sampled_from(RiskLevel)
report_facts = st.builds(ReportFacts, levels, levels, st.booleans())
policies = st.builds(
    Policy, validity_days=st.integers(60, 1500), warning_days=st.integers(0, 59), allow_escalation=st.booleans()
)
RANK = {Outcome.BLOCK: 0, Outcome.ALLOW_AFTER_WARNING: 1, Outcome.ALLOW: 2}


@given(investor_facts, levels, policies)
def test_higher_profile_never_gets_less(facts: InvestorFacts, level: RiskLevel | None, policy: Policy) -> None:
    if facts.profile is None or facts.profile is RiskProfile.C5:
        return
    higher = dataclasses.replace(facts, profile=RiskProfile(facts.profile + 1))
    a = decide(facts, ReportFacts(level), TODAY, policy)
    b = decide(higher, ReportFacts(level), TODAY, policy)
    assert RANK[b.outcome] >= RANK[a.outcome]


@given(investor_facts, st.sampled_from(list(RiskLevel)[:-1]), policies)
def test_higher_level_never_gets_more(facts: InvestorFacts, level: RiskLevel, policy: Policy) -> None:
    a = decide(facts, ReportFacts(level), TODAY, policy)
    b = decide(facts, ReportFacts(RiskLevel(level + 1)), TODAY, policy)
    assert RANK[b.outcome] <= RANK[a.outcome]


@given(investor_facts, levels, policies)
def test_decision_is_deterministic_and_explained(facts: InvestorFacts, level: RiskLevel | None, policy: Policy) -> None:
    a = decide(facts, ReportFacts(level), TODAY, policy)
    assert a == decide(facts, ReportFacts(level), TODAY, policy)
    assert a.reasons, "every decision gives at least one reason"
    assert len(set(a.reasons)) == len(a.reasons)
    if a.outcome is not Outcome.ALLOW:
        # No contradictions: a refusal never also says what would have allowed it.
        assert Reason.PROFILE_COVERS_LEVEL not in a.reasons
        assert Reason.PROFESSIONAL_INVESTOR not in a.reasons
        assert any(
            r in a.reasons
            for r in (
                Reason.REPORT_UNRATED,
                Reason.ASSESSMENT_MISSING,
                Reason.ASSESSMENT_EXPIRED,
                Reason.ASSESSMENT_FUTURE_DATED,
                Reason.LOWEST_CATEGORY,
                Reason.REASSESSMENT_DUE,
                Reason.PROFILE_BELOW_LEVEL,
            )
        )


@given(investor_facts, report_facts, policies)
def test_eligibility_bounds_agree_with_decide(facts: InvestorFacts, report: ReportFacts, policy: Policy) -> None:
    """The distribution-list ranges are `decide` (strict, no escalation) restated, at the
    level the report is matched at (就高)."""
    b = eligibility_bounds(report.matching_level, TODAY, policy)
    if b.nobody or (facts.lowest_category and not b.lowest_allowed):
        eligible = False
    elif not facts.investor_class.follows_table:
        eligible = b.professionals
    else:
        eligible = (
            facts.profile is not None
            and facts.assessed_on is not None
            and int(facts.profile) >= b.min_profile
            and b.assessed_after < facts.assessed_on <= b.assessed_until
            and (b.due_allowed or not facts.reassessment_due)
        )
    strict = Policy(version=policy.version, validity_days=policy.validity_days, warning_days=policy.warning_days)
    assert eligible == (decide(facts, report, TODAY, strict).outcome is Outcome.ALLOW)


@given(investor_facts, report_facts, policies)
def test_the_main_reason_is_the_one_the_outcome_rests_on(
    facts: InvestorFacts, report: ReportFacts, policy: Policy
) -> None:
    """What a screen reader hears with the outcome (gui.decision_panel): a block's
    strictest blocking reason, an allow's reason for allowing, never a caution in their place."""
    d = decide(facts, report, TODAY, policy)
    assert d.main_reason in d.reasons
    if d.outcome is Outcome.ALLOW:
        assert d.main_reason in (Reason.PROFILE_COVERS_LEVEL, Reason.PROFESSIONAL_INVESTOR)
    else:
        assert d.main_reason in BLOCKING_REASONS
        if Reason.LOWEST_CATEGORY in d.reasons and Reason.REPORT_UNRATED not in d.reasons:
            assert d.main_reason is Reason.LOWEST_CATEGORY
    if d.outcome is Outcome.ALLOW_AFTER_WARNING:
        assert d.main_reason is Reason.PROFILE_BELOW_LEVEL


@pytest.mark.parametrize(
    "assessed",
    [None, TODAY - dt.timedelta(days=POLICY.validity_days), TODAY + dt.timedelta(days=3)],
    ids=["never-assessed", "expired", "future-dated"],
)
def test_a_lowest_category_block_rests_on_the_lowest_category_not_the_assessment(assessed: dt.date | None) -> None:
    """The lowest category wins over every other rule (domain.md): a C1 client in it, whose
    assessment is missing, expired or dated ahead, is refused an R3 report because of the
    category. The one-line account (a screen reader's) said "assessment expired", as if a
    re-assessment would let the report through; it never will."""
    facts = ordinary(RiskProfile.C1 if assessed else None, assessed, lowest_category=True)
    d = decide(facts, ReportFacts(RiskLevel.R3), TODAY, POLICY)
    assert d.outcome is Outcome.BLOCK
    assert d.main_reason is Reason.LOWEST_CATEGORY


def test_the_main_reason_of_an_allow_under_a_raised_level_is_the_allow() -> None:
    d = decide(ordinary(RiskProfile.C5, special_attention=True), ReportFacts(RiskLevel.R2, RiskLevel.R4), TODAY, POLICY)
    assert d.reasons[0] is Reason.LEVEL_RAISED_TO_SUBJECT
    assert d.main_reason is Reason.PROFILE_COVERS_LEVEL
