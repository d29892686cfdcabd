"""Replaying a recorded decision: the facts its audit entry holds, decided again by `decide`
under the policy version it was stamped with, and compared with what was recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import TypeVar

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Decision, InvestorFacts, Reason, ReportFacts, decide, integrity_block
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy

# The entries that record a decision with its facts (Decision.facts()).
DECISION_ACTIONS = frozenset({AuditAction.CHECK, AuditAction.OVERRIDE, AuditAction.OPEN, AuditAction.OPEN_REFUSED})

# Every fact a replay needs, in Decision.facts() order. An entry written by an older release
# lacks some (0.1.0 recorded neither the stated level nor the lowest category).
REPLAY_FACTS = (
    "profile",
    "level",
    "stated_level",
    "class",
    "assessed",
    "assessment_state",
    "lowest_category",
    "policy_version",
    "decided_on",
)

# Reasons resting on facts a decision's entry does not hold (the client's birth date, the
# special-attention flag, the re-assessment mark, the seal check of the rows): a replay takes
# each as recorded. It cannot re-check a seal from years ago; it can check that the rest of
# the decision follows from the recorded facts under the recorded policy.
AS_RECORDED = (
    Reason.RECORD_INTEGRITY,
    Reason.REASSESSMENT_DUE,
    Reason.SPECIAL_ATTENTION_AGE,
    Reason.SPECIAL_ATTENTION_FLAG,
)

_E = TypeVar("_E", bound=enum.Enum)
_L = TypeVar("_L", RiskLevel, RiskProfile)


class Verdict(enum.StrEnum):
    REPRODUCED = "reproduced"
    DIFFERS = "differs"
    NOT_A_DECISION = "not-a-decision"
    CANNOT_REPLAY = "cannot-be-replayed"


class UnreplayableFacts(ValueError):
    """An entry's facts a replay cannot take (missing from an older release's entry, or a
    value no release writes); the message says which."""


@dataclasses.dataclass(frozen=True)
class Replay:
    """A recorded decision decided again: `differs` names what is not as recorded
    (`decision`, `reasons`, or a fact `decide` derives: `level`, `assessment_state`)."""

    decision: Decision
    differs: tuple[str, ...]
    taken_as_recorded: tuple[Reason, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.DIFFERS if self.differs else Verdict.REPRODUCED


def is_decision(action: str) -> bool:
    return action in DECISION_ACTIONS


def recorded_policy_version(facts: Mapping[str, object]) -> int:
    """The policy version a decision's entry was stamped with."""
    version = facts.get("policy_version")
    if "policy_version" not in facts:
        raise UnreplayableFacts("the entry records no policy version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UnreplayableFacts(f"the entry's policy version {version!r} is not a version number")
    return version


def replay_decision(outcome: str | None, reasons: Sequence[str], facts: Mapping[str, object], policy: Policy) -> Replay:
    """Decide again from an entry's recorded facts under `policy` (the version the entry
    names) and compare with the recorded outcome and reasons.

    The report is rebuilt as recorded: its stated level, matched at the recorded level
    (就高 took the subject's, or compliance confirmed one). The facts an entry does not
    hold are taken from its reasons (AS_RECORDED): a birth date standing for the age the
    policy names, the special-attention flag, the re-assessment mark; a record-integrity
    block is applied as recorded."""
    missing = [key for key in REPLAY_FACTS if key not in facts]
    if missing:
        raise UnreplayableFacts(
            f"the entry records no {', '.join(missing)} (written by an older release, which did not record them)"
        )
    version = recorded_policy_version(facts)
    if version != policy.version:
        raise ValueError(f"entry stamped with policy version {version}, replayed under {policy.version}")
    decided_on = _date(facts, "decided_on")
    if decided_on is None:
        raise UnreplayableFacts("the entry records no decision date")
    lowest = facts["lowest_category"]
    if not isinstance(lowest, bool):
        raise UnreplayableFacts(f"the entry's lowest_category {lowest!r} is not true or false")
    taken = tuple(r for r in AS_RECORDED if r.value in reasons)
    investor = InvestorFacts(
        investor_class=_parsed(facts, "class", InvestorClass),
        profile=_code(facts, "profile", RiskProfile),
        assessed_on=_date(facts, "assessed"),
        lowest_category=lowest,
        birth_date=_born(decided_on, policy) if Reason.SPECIAL_ATTENTION_AGE in taken else None,
        special_attention=Reason.SPECIAL_ATTENTION_FLAG in taken,
        reassessment_due=Reason.REASSESSMENT_DUE in taken,
    )
    report = ReportFacts(level=_code(facts, "stated_level", RiskLevel), subject_level=_code(facts, "level", RiskLevel))
    decision = decide(investor, report, decided_on, policy)
    if Reason.RECORD_INTEGRITY in taken:
        decision = integrity_block(decision)
    now = decision.facts()
    differs = [key for key in ("level", "assessment_state") if now[key] != facts[key]]
    if decision.outcome.value != outcome:
        differs.insert(0, "decision")
    if [r.value for r in decision.reasons] != list(reasons):
        differs.insert(1 if differs[:1] == ["decision"] else 0, "reasons")
    return Replay(decision, tuple(differs), taken)


def _born(decided_on: dt.date, policy: Policy) -> dt.date:
    """A birth date that makes the client exactly the policy's special-attention age on the
    day (the entry records that the age was reached, not the date): 29 February -> the 28th."""
    year = decided_on.year - policy.special_attention_age
    try:
        return decided_on.replace(year=year)
    except ValueError:
        return decided_on.replace(year=year, day=28)


def _date(facts: Mapping[str, object], key: str) -> dt.date | None:
    value = facts[key]
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise UnreplayableFacts(f"the entry's {key} {value!r} is not a date")


def _parsed(facts: Mapping[str, object], key: str, kind: type[_E]) -> _E:
    value = facts[key]
    try:
        return kind(value)
    except ValueError:
        raise UnreplayableFacts(f"the entry's {key} {value!r} is not one suitcheck writes") from None


def _code(facts: Mapping[str, object], key: str, kind: type[_L]) -> _L | None:
    """A level or profile as recorded (`R3`, `C4`), or None."""
    value = facts[key]
    if value is None:
        return None
    if isinstance(value, str) and value in kind.__members__:
        return kind[value]
    raise UnreplayableFacts(f"the entry's {key} {value!r} is not one suitcheck writes")
