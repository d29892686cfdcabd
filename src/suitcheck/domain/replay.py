"""Replaying a recorded decision: the facts its audit entry holds, decided again by `decide`
under the policy version it was stamped with, and compared with what was recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Mapping, Sequence
from typing import TypeVar

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import (
    Decision,
    InvestorFacts,
    Outcome,
    Reason,
    ReportFacts,
    decide,
    integrity_block,
)
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

# The rest of what `decide` used, recorded by releases after 0.2.0 (Decision.facts()): the
# report's subject level and whether its level was confirmed, whether the client had reached
# the special-attention age, the special-attention flag and the re-assessment mark. An
# entry holds all of them or none (written by 0.2.0 or before).
DECIDED_FACTS = (
    "subject_level",
    "level_confirmed",
    "special_attention_age_reached",
    "special_attention",
    "reassessment_due",
)

# Reasons resting on facts an entry written by 0.2.0 or before does not hold (whether the
# client had reached the special-attention age, the special-attention flag, the
# re-assessment mark, the seal check of the rows): a replay takes each as recorded. An entry
# holding DECIDED_FACTS has only the seal check taken as recorded: a replay cannot re-check a
# seal from years ago; it can check that the rest of the decision follows from the recorded
# facts under the recorded policy.
AS_RECORDED = (
    Reason.RECORD_INTEGRITY,
    Reason.REASSESSMENT_DUE,
    Reason.SPECIAL_ATTENTION_AGE,
    Reason.SPECIAL_ATTENTION_FLAG,
)

# The largest version number a store holds (the policy table's INTEGER on PostgreSQL); a
# larger one is no version (SQLite could not even bind 2**63 to look it up).
MAX_POLICY_VERSION = 2**31 - 1
# Characters of a recorded value quoted in a sentence saying it cannot be replayed.
_SHOWN = 40

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
    (`decision`, `reasons`, a fact `decide` derives: `level`, `assessment_state`; `action`
    when suitcheck never records that action for the decision replayed, an opening of a
    blocked report say; an override's `warning_version` or `warning_sha256` that is not
    its policy version's warning)."""

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
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_POLICY_VERSION:
        raise UnreplayableFacts(f"the entry's policy version {shown(version)} is not a version number")
    return version


@dataclasses.dataclass(frozen=True)
class Place:
    """Where an entry stands: the firm's day it was recorded and the policy version in force
    at its place in the trail (the newest whose change was recorded before it; 1 before any)."""

    recorded_on: dt.date
    policy_in_force: int


def replay_decision(
    outcome: str | None,
    reasons: Sequence[str],
    facts: Mapping[str, object],
    policy: Policy,
    action: str = AuditAction.CHECK,
    place: Place | None = None,
) -> Replay:
    """Decide again from an entry's recorded facts under `policy` (the version the entry
    names) and compare with the recorded outcome and reasons, and with what `action` (the
    entry's) is recorded for: an override only for a decision that allows after a warning,
    with that version's warning; an opening never for a block, a refused one never for an
    allow.

    The report is rebuilt as recorded: its stated level, its subject's level and whether
    compliance confirmed it (an older entry: matched at the recorded level). The client's
    facts are the recorded ones; the special-attention age reached stands for a birth date
    that makes the client exactly that age. An older entry lacks the age, the flag and the
    re-assessment mark: they are taken from its reasons (AS_RECORDED). A record-integrity
    block (a seal failed, or the record could not be read) is applied as recorded.

    With `place`, the entry's stamp is compared with where it stands (`_place_differs`): a
    decision is made under the version in force when it takes the chain lock and dated the
    firm's day it is recorded, so one naming another version or day is none suitcheck made
    there, whatever its facts give."""
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
    held = [key for key in DECIDED_FACTS if key in facts]
    if held and len(held) < len(DECIDED_FACTS):  # no release writes some without the others
        raise UnreplayableFacts(
            f"the entry records {', '.join(held)} but no {', '.join(k for k in DECIDED_FACTS if k not in held)}"
        )
    unreadable = facts.get("record_unreadable", False)
    if not isinstance(unreadable, bool):
        raise UnreplayableFacts(f"the entry's record_unreadable {shown(unreadable)} is not true or false")
    recorded_level = _code(facts, "level", RiskLevel)
    if held:
        taken = tuple(r for r in (Reason.RECORD_INTEGRITY,) if r.value in reasons)
        aged, flagged, due = (_flag(facts, key) for key in DECIDED_FACTS[2:])
        report = ReportFacts(
            level=_code(facts, "stated_level", RiskLevel),
            subject_level=_code(facts, "subject_level", RiskLevel),
            confirmed=_flag(facts, "level_confirmed"),
        )
    else:
        taken = tuple(r for r in AS_RECORDED if r.value in reasons)
        aged, flagged, due = (
            r in taken for r in (Reason.SPECIAL_ATTENTION_AGE, Reason.SPECIAL_ATTENTION_FLAG, Reason.REASSESSMENT_DUE)
        )
        report = ReportFacts(level=_code(facts, "stated_level", RiskLevel), subject_level=recorded_level)
    investor = InvestorFacts(
        investor_class=_parsed(facts, "class", InvestorClass),
        profile=_code(facts, "profile", RiskProfile),
        assessed_on=_date(facts, "assessed"),
        lowest_category=_flag(facts, "lowest_category"),
        birth_date=_born(decided_on, policy) if aged else None,
        special_attention=flagged,
        reassessment_due=due,
    )
    decision = decide(investor, report, decided_on, policy)
    if Reason.RECORD_INTEGRITY in taken or unreadable:  # a record that could not be read is blocked so
        decision = integrity_block(decision)
    now = decision.facts()
    differs = [key for key in ("level", "assessment_state") if now[key] != facts[key]]
    if decision.outcome.value != outcome:
        differs.insert(0, "decision")
    if [r.value for r in decision.reasons] != list(reasons):
        differs.insert(1 if differs[:1] == ["decision"] else 0, "reasons")
    differs += _action_differs(action, decision.outcome, facts, policy)
    differs += _place_differs(place, version, decided_on, older=not held)
    return Replay(decision, tuple(differs), taken)


def _place_differs(place: Place | None, version: int, decided_on: dt.date, *, older: bool) -> list[str]:
    """What of an entry's stamp its place in the trail contradicts. A release after 0.2.0
    takes the chain lock before reading the policy (so the version is the one in force) and
    records on the firm's day it decided, or the next when midnight came between. An older
    entry is held to less: its version must have existed (on a shared store an older release
    could read the policy before another desk's change was recorded), its day within one of
    the firm's (the desktop's own date, before the firm's day was Beijing's)."""
    if place is None:
        return []
    found = []
    if version > place.policy_in_force or (not older and version != place.policy_in_force):
        found.append("policy_version")
    earliest = place.recorded_on - dt.timedelta(days=1)
    latest = place.recorded_on + dt.timedelta(days=1 if older else 0)
    if not earliest <= decided_on <= latest:
        found.append("decided_on")
    return found


def _action_differs(action: str, outcome: Outcome, facts: Mapping[str, object], policy: Policy) -> list[str]:
    """What of an entry's action does not follow from the decision replayed: an override is
    recorded only for allow-after-warning, with the warning of the policy in force (the
    service refuses any other); an opening is given only for an allow or after a warning
    (the override that admits it: services.audit_replay); a refusal never for an allow."""
    if action == AuditAction.OVERRIDE:
        found = [] if outcome is Outcome.ALLOW_AFTER_WARNING else ["action"]
        if facts.get("warning_version") != policy.warning_version:
            found.append("warning_version")
        if facts.get("warning_sha256") != hashlib.sha256(policy.warning_text.encode()).hexdigest():
            found.append("warning_sha256")
        return found
    if action == AuditAction.OPEN and outcome is Outcome.BLOCK:
        return ["action"]
    if action == AuditAction.OPEN_REFUSED and outcome is Outcome.ALLOW:
        return ["action"]
    return []


def shown(value: object) -> str:
    """A recorded value as a sentence quotes it: a long one cut, with its length."""
    text = repr(value)
    if len(text) <= _SHOWN + 2:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return f"{text[:_SHOWN]}…{size}"


def _born(decided_on: dt.date, policy: Policy) -> dt.date:
    """A birth date that makes the client exactly the policy's special-attention age on the
    day (the entry records that the age was reached, not the date): 29 February -> the 28th."""
    year = decided_on.year - policy.special_attention_age
    if year < dt.MINYEAR:
        raise UnreplayableFacts(
            f"the entry's decided_on {shown(decided_on.isoformat())} is before anyone could have reached "
            f"the special-attention age it records"
        )
    try:
        return decided_on.replace(year=year)
    except ValueError:
        return decided_on.replace(year=year, day=28)


def _date(facts: Mapping[str, object], key: str) -> dt.date | None:
    """A date as suitcheck writes it (YYYY-MM-DD), or None. fromisoformat alone takes other
    spellings no release writes (2026-W24-1 is 2026-06-08)."""
    value = facts[key]
    if value is None:
        return None
    try:
        if isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise UnreplayableFacts(f"the entry's {key} {shown(value)} is not a date")


def _flag(facts: Mapping[str, object], key: str) -> bool:
    value = facts[key]
    if not isinstance(value, bool):
        raise UnreplayableFacts(f"the entry's {key} {shown(value)} is not true or false")
    return value


def _parsed(facts: Mapping[str, object], key: str, kind: type[_E]) -> _E:
    value = facts[key]
    try:
        return kind(value)
    except ValueError:
        raise UnreplayableFacts(f"the entry's {key} {shown(value)} is not one suitcheck writes") from None


def _code(facts: Mapping[str, object], key: str, kind: type[_L]) -> _L | None:
    """A level or profile as recorded (`R3`, `C4`), or None."""
    value = facts[key]
    if value is None:
        return None
    if isinstance(value, str) and value in kind.__members__:
        return kind[value]
    raise UnreplayableFacts(f"the entry's {key} {shown(value)} is not one suitcheck writes")
