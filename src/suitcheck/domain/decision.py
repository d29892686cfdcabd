"""The access decision: may this investor use this report, and why."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping

from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.subjects import matching_level


class Outcome(enum.StrEnum):
    ALLOW = "allow"
    BLOCK = "block"
    ALLOW_AFTER_WARNING = "allow-after-warning"


class Reason(enum.StrEnum):
    """Machine-readable reason codes. The UI turns them into words; the audit keeps codes."""

    PROFILE_COVERS_LEVEL = "profile-covers-level"
    PROFILE_BELOW_LEVEL = "profile-below-level"
    PROFESSIONAL_INVESTOR = "professional-investor"
    REPORT_UNRATED = "report-unrated"
    ASSESSMENT_MISSING = "assessment-missing"
    ASSESSMENT_EXPIRED = "assessment-expired"
    ASSESSMENT_FUTURE_DATED = "assessment-future-dated"
    ASSESSMENT_EXPIRING_SOON = "assessment-expiring-soon"
    LOWEST_CATEGORY = "lowest-category"
    REASSESSMENT_DUE = "reassessment-due"
    WARNING_REQUIRED = "warning-and-confirmation-required"
    SPECIAL_ATTENTION_AGE = "special-attention-age"
    SPECIAL_ATTENTION_FLAG = "special-attention"
    # Not blocking by itself: the report is matched at its subject's (higher) level.
    LEVEL_RAISED_TO_SUBJECT = "level-raised-to-subject"
    # The client's row does not match what suitcheck last recorded for it (its integrity
    # seal fails): it was changed outside suitcheck, so nothing on it can be trusted.
    RECORD_INTEGRITY = "record-integrity"


BLOCKING_REASONS = frozenset(
    {
        Reason.PROFILE_BELOW_LEVEL,
        Reason.REPORT_UNRATED,
        Reason.ASSESSMENT_MISSING,
        Reason.ASSESSMENT_EXPIRED,
        Reason.ASSESSMENT_FUTURE_DATED,
        Reason.LOWEST_CATEGORY,
        Reason.REASSESSMENT_DUE,
        Reason.RECORD_INTEGRITY,
    }
)


# Blocking reasons that outrank the rest when a decision gives several, strictest first: a
# record changed outside suitcheck, an unrated report (nobody reads it), the lowest category
# ("wins over every other rule": no re-assessment or warning lifts it). The recorded order
# of the reasons is unchanged (a replay compares it).
_STRICTEST = (Reason.RECORD_INTEGRITY, Reason.REPORT_UNRATED, Reason.LOWEST_CATEGORY)


class AssessmentState(enum.StrEnum):
    VALID = "valid"
    EXPIRING_SOON = "expiring-soon"
    EXPIRED = "expired"
    NEVER_ASSESSED = "never-assessed"
    FUTURE_DATED = "future-dated"
    # A professional investor is not bound by the table and needs no assessment: never
    # shown as "never assessed" (which would read as a reason to block).
    NOT_REQUIRED = "not-required"

    @property
    def usable(self) -> bool:
        return self in (AssessmentState.VALID, AssessmentState.EXPIRING_SOON, AssessmentState.NOT_REQUIRED)


def assessment_expires_on(assessed_on: dt.date, policy: Policy) -> dt.date:
    """The first day on which an assessment made on `assessed_on` is no longer valid; the
    last day a date holds (9999-12-31) when that is later. Only a date in the calendar's
    last years has no such day, and no release records one (a date in the future is
    refused): a row changed outside suitcheck, whose expiry made every list holding it
    fail. Such an assessment is future-dated, which blocks."""
    try:
        return assessed_on + dt.timedelta(days=policy.validity_days)
    except OverflowError:
        return dt.date.max


def last_valid_day(expires_on: dt.date) -> dt.date:
    """The last day an assessment is valid, the day before `expires_on`
    (assessment_expires_on): what every screen, sheet and list says as 'valid until'."""
    return expires_on - dt.timedelta(days=1)


def assessment_state(assessed_on: dt.date | None, today: dt.date, policy: Policy) -> AssessmentState:
    if assessed_on is None:
        return AssessmentState.NEVER_ASSESSED
    if assessed_on > today:
        # A date in the future is a data-entry error; it proves nothing about today.
        return AssessmentState.FUTURE_DATED
    return expiry_state(assessment_expires_on(assessed_on, policy), today, policy.warning_days)


def expiry_state(expires: dt.date, today: dt.date, window_days: int) -> AssessmentState:
    """Expired from the day it expires (assessment_expires_on), expiring soon once that day
    is at most `window_days` away (the policy's warning window, or the reminders' window),
    else valid."""
    if today >= expires:
        return AssessmentState.EXPIRED
    if (expires - today).days <= window_days:
        return AssessmentState.EXPIRING_SOON
    return AssessmentState.VALID


def investor_assessment_state(
    investor_class: InvestorClass, assessed_on: dt.date | None, today: dt.date, policy: Policy
) -> AssessmentState:
    """The state to show and decide on: `not-required` for a professional investor."""
    if not investor_class.follows_table:
        return AssessmentState.NOT_REQUIRED
    return assessment_state(assessed_on, today, policy)


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def reassessment_cleared(
    assessed_on: dt.date, current_assessed_on: dt.date | None, marked_on: dt.date, *, marked_after_begun: bool = False
) -> bool:
    """Whether a new assessment is the re-assessment a changed situation called for: made
    on or after the day the change was marked, and becoming the client's current one. An
    assessment dated before the mark (a paper one from the archive, a backdated entry)
    speaks of the situation before the change, so the client stays treated as due; so do
    answers begun before the mark was made (`marked_after_begun`: the questionnaire started
    on a record not yet due), though dated the same day, since marks are dated by day."""
    return (
        not marked_after_begun
        and assessed_on >= marked_on
        and (current_assessed_on is None or assessed_on >= current_assessed_on)
    )


class RecordConflict(enum.StrEnum):
    """A client record the rules forbid (services refuse to store it)."""

    LOWEST_CATEGORY_PROFESSIONAL = "lowest-category-professional"
    LOWEST_CATEGORY_PROFILE = "lowest-category-profile"


def record_conflicts(
    investor_class: InvestorClass, profile: RiskProfile | None, lowest_category: bool
) -> tuple[RecordConflict, ...]:
    """The lowest category is a subset of C1 and wins over every class: a client in it is
    never professional and has no profile but C1 (only compliance lifts the flag)."""
    if not lowest_category:
        return ()
    found = []
    if investor_class is InvestorClass.PROFESSIONAL:
        found.append(RecordConflict.LOWEST_CATEGORY_PROFESSIONAL)
    if profile is not None and profile is not RiskProfile.C1:
        found.append(RecordConflict.LOWEST_CATEGORY_PROFILE)
    return tuple(found)


@dataclasses.dataclass(frozen=True)
class InvestorFacts:
    investor_class: InvestorClass
    profile: RiskProfile | None
    assessed_on: dt.date | None
    lowest_category: bool = False
    birth_date: dt.date | None = None
    special_attention: bool = False
    # Staff marked the client's situation as changed: nothing above R1 until re-assessed.
    reassessment_due: bool = False


@dataclasses.dataclass(frozen=True)
class ReportFacts:
    """`level` is the report's stated level or compliance's rating; `subject_level` what
    its subject implies; `confirmed` that compliance confirmed `level` with a reason."""

    level: RiskLevel | None
    subject_level: RiskLevel | None = None
    confirmed: bool = False

    @property
    def matching_level(self) -> RiskLevel | None:
        return matching_level(self.level, self.subject_level, self.confirmed)


@dataclasses.dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    profile: RiskProfile | None
    level: RiskLevel | None
    investor_class: InvestorClass
    assessed_on: dt.date | None
    assessment_state: AssessmentState
    policy_version: int
    decided_on: dt.date
    lowest_category: bool = False
    stated_level: RiskLevel | None = None  # before 就高; `level` is what was matched
    # The rest of what `decide` used, so that a replay derives every reason from the entry:
    # what the report's subject implies and whether compliance confirmed its level (with
    # `stated_level`, they give `level`); whether the client had reached the policy's
    # special-attention age on the day (the fact the rule uses: the trail keeps no birth
    # date, which the masked ID number hides); the special-attention flag; the re-assessment mark.
    subject_level: RiskLevel | None = None
    level_confirmed: bool = False
    special_attention_age: bool = False
    special_attention: bool = False
    reassessment_due: bool = False

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW

    @property
    def main_reason(self) -> Reason | None:
        """The reason the outcome rests on, for a one-line account (a screen reader's): the
        strictest that blocks (the one a warning can lift, for ONLY AFTER WARNING), else the
        one that allows; a note or caution (the level raised to its subject, special
        attention) only when nothing else was given. The strictest is one nothing at the desk
        lifts (_STRICTEST), then the first listed: a client in the lowest category whose
        assessment also expired is refused for the category, which no re-assessment lifts."""
        for reason in _STRICTEST:
            if reason in self.reasons:
                return reason
        for reason in self.reasons:
            if reason in BLOCKING_REASONS:
                return reason
        for reason in self.reasons:
            if reason in (Reason.PROFILE_COVERS_LEVEL, Reason.PROFESSIONAL_INVESTOR):
                return reason
        return self.reasons[0] if self.reasons else None

    @property
    def shown_reasons(self) -> tuple[Reason, ...]:
        """The reasons in the order a desk or the command line says them: the one the
        outcome rests on (main_reason) first, then the rest as recorded (a lowest-category
        client's block leads with the category, not "re-assess the client")."""
        main = self.main_reason
        if main is None:
            return self.reasons
        return (main, *(r for r in self.reasons if r is not main))

    def facts(self) -> dict[str, object]:
        """The facts the decision used, in a JSON-ready form for the audit record."""
        return {
            "profile": self.profile.code if self.profile else None,
            "level": self.level.code if self.level else None,
            "stated_level": self.stated_level.code if self.stated_level else None,
            "class": self.investor_class.value,
            "assessed": self.assessed_on.isoformat() if self.assessed_on else None,
            "assessment_state": self.assessment_state.value,
            "lowest_category": self.lowest_category,
            "policy_version": self.policy_version,
            "decided_on": self.decided_on.isoformat(),
            # Not recorded by 0.2.0 and before (a replay of such an entry takes the reasons
            # resting on them as recorded).
            "subject_level": self.subject_level.code if self.subject_level else None,
            "level_confirmed": self.level_confirmed,
            "special_attention_age_reached": self.special_attention_age,
            "special_attention": self.special_attention,
            "reassessment_due": self.reassessment_due,
        }


def decide(investor: InvestorFacts, report: ReportFacts, today: dt.date, policy: Policy) -> Decision:
    """Apply the suitability rules. Pure and deterministic; every blocking reason is listed.

    A reason that speaks for allowing (the profile covers the level, a professional
    investor) is listed only when nothing blocks, so a decision never contradicts itself.
    """
    state = investor_assessment_state(investor.investor_class, investor.assessed_on, today, policy)
    level = report.matching_level
    reasons: list[Reason] = []
    if level is None:
        reasons.append(Reason.REPORT_UNRATED)
    elif report.level is not None and level > report.level:
        reasons.append(Reason.LEVEL_RAISED_TO_SUBJECT)
    # The lowest category wins over every other rule, the professional class included:
    # nothing above R1, under any procedure. Checked before anything else can allow.
    lowest_blocks = investor.lowest_category and level is not None and level > RiskLevel.R1
    warn = False
    if not investor.investor_class.follows_table:
        if lowest_blocks:
            reasons.append(Reason.LOWEST_CATEGORY)
        if not _blocks(reasons):
            reasons.append(Reason.PROFESSIONAL_INVESTOR)
    else:
        warn = _table_reasons(reasons, investor, state, level, lowest_blocks, policy)
    # Special attention is no rule of the table: a professional's decision carries it too.
    aged = special_attention_age_reached(investor.birth_date, today, policy)
    reasons += _caution_reasons(investor, state, aged)

    blocking = [r for r in reasons if r in BLOCKING_REASONS]
    if not blocking:
        outcome = Outcome.ALLOW
    elif warn and blocking == [Reason.PROFILE_BELOW_LEVEL]:
        # Escalation is possible only when the profile is the sole obstacle: never for
        # the lowest category, an expired assessment or an unrated report.
        outcome = Outcome.ALLOW_AFTER_WARNING
        reasons.append(Reason.WARNING_REQUIRED)
    else:
        outcome = Outcome.BLOCK

    return Decision(
        outcome=outcome,
        reasons=tuple(reasons),
        profile=investor.profile,
        level=level,
        investor_class=investor.investor_class,
        assessed_on=investor.assessed_on,
        assessment_state=state,
        policy_version=policy.version,
        decided_on=today,
        lowest_category=investor.lowest_category,
        stated_level=report.level,
        subject_level=report.subject_level,
        level_confirmed=report.confirmed,
        special_attention_age=aged,
        special_attention=investor.special_attention,
        reassessment_due=investor.reassessment_due,
    )


def _blocks(reasons: list[Reason]) -> bool:
    return any(r in BLOCKING_REASONS for r in reasons)


def _table_reasons(
    reasons: list[Reason],
    investor: InvestorFacts,
    state: AssessmentState,
    level: RiskLevel | None,
    lowest_blocks: bool,
    policy: Policy,
) -> bool:
    """Add the reasons of the suitability table for a client bound by it; True when the
    profile is below the level and the policy allows escalation."""
    if state is AssessmentState.NEVER_ASSESSED or investor.profile is None:
        reasons.append(Reason.ASSESSMENT_MISSING)
    elif state is AssessmentState.EXPIRED:
        reasons.append(Reason.ASSESSMENT_EXPIRED)
    elif state is AssessmentState.FUTURE_DATED:
        reasons.append(Reason.ASSESSMENT_FUTURE_DATED)
    if lowest_blocks:
        reasons.append(Reason.LOWEST_CATEGORY)
    if investor.reassessment_due and level is not None and (policy.due_allows is None or level > policy.due_allows):
        reasons.append(Reason.REASSESSMENT_DUE)
    if investor.profile is None or level is None:
        return False
    if investor.profile.max_level < level:
        reasons.append(Reason.PROFILE_BELOW_LEVEL)
        return policy.allow_escalation
    if not _blocks(reasons):
        reasons.append(Reason.PROFILE_COVERS_LEVEL)
    return False


def special_attention_age_reached(birth_date: dt.date | None, today: dt.date, policy: Policy) -> bool:
    """The client is at least the policy's special-attention age on the day (an unknown
    birth date: not known to be)."""
    return birth_date is not None and age_on(birth_date, today) >= policy.special_attention_age


def _caution_reasons(investor: InvestorFacts, state: AssessmentState, aged: bool) -> list[Reason]:
    """Notes that never block by themselves: staff take extra care."""
    cautions = []
    if state is AssessmentState.EXPIRING_SOON:
        cautions.append(Reason.ASSESSMENT_EXPIRING_SOON)
    if aged:
        cautions.append(Reason.SPECIAL_ATTENTION_AGE)
    if investor.special_attention:
        cautions.append(Reason.SPECIAL_ATTENTION_FLAG)
    return cautions


# The facts an override's confirmation spoke of: the same client, assessment and report level.
_OVERRIDE_FACTS = ("class", "profile", "assessed", "level", "decided_on")


def override_admits(recorded: Mapping[str, object], decision: Decision, warning_version: str) -> bool:
    """Whether a recorded warning override (its audit facts) admits the report under this
    decision: one that still allows after a warning, on the day it was recorded, about the
    same class, assessment, profile and report level, with the warning words now in force.
    A new warning text, a new assessment or another level is a new warning to show; a
    decision that blocks (the switch turned off) is admitted by nothing."""
    if decision.outcome is not Outcome.ALLOW_AFTER_WARNING:
        return False
    now = decision.facts()
    return recorded.get("warning_version") == warning_version and all(
        recorded.get(key) == now[key] for key in _OVERRIDE_FACTS
    )


def warning_still_fits(shown: Decision, now: Decision) -> bool:
    """Whether the special warning offered under `shown` (the decision the desk showed the
    client) is the one `now` asks for: both allow only after a warning, about the same
    class, assessment, profile and report level, on the same day. A client confirms what
    they were told ("this R4 report is above your C3 profile"); an override recorded for
    other facts (the report raised to R5, the client re-assessed meanwhile) would say they
    confirmed something they were never told."""
    if shown.outcome is not Outcome.ALLOW_AFTER_WARNING or now.outcome is not Outcome.ALLOW_AFTER_WARNING:
        return False
    before, after = shown.facts(), now.facts()
    return all(before[key] == after[key] for key in _OVERRIDE_FACTS)


@dataclasses.dataclass(frozen=True)
class EligibilityBounds:
    """`decide` restated as ranges a database can filter on, for distribution lists.

    Nobody is eligible when `nobody`. Otherwise a client in the lowest category is
    eligible only when `lowest_allowed` (whatever their class); then professionals are
    eligible iff `professionals`, and an ordinary investor iff profile >= min_profile,
    assessed_after < assessed_on <= assessed_until and (not reassessment_due or
    due_allowed).
    Escalation never applies: the firm must not push a report above a profile.
    """

    nobody: bool
    professionals: bool
    min_profile: int
    assessed_after: dt.date
    assessed_until: dt.date
    lowest_allowed: bool
    due_allowed: bool


def eligibility_bounds(level: RiskLevel | None, today: dt.date, policy: Policy) -> EligibilityBounds:
    return EligibilityBounds(
        nobody=level is None,
        professionals=level is not None,
        min_profile=int(level) if level is not None else 99,
        assessed_after=today - dt.timedelta(days=policy.validity_days),
        assessed_until=today,
        lowest_allowed=level is RiskLevel.R1,
        due_allowed=level is not None and policy.due_allows is not None and level <= policy.due_allows,
    )


def integrity_block(decision: Decision) -> Decision:
    """The decision when the client's record fails its integrity check: blocked for that
    reason alone. The facts stay as read, for the investigation, but no reason derived
    from them (which could say "the profile covers this level") is given."""
    return dataclasses.replace(decision, outcome=Outcome.BLOCK, reasons=(Reason.RECORD_INTEGRITY,))
