"""`audit replay`: recorded decisions decided again under the policy version they name."""

from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select

from suitcheck.audit import chain
from suitcheck.domain.calendar import firm_day
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome, override_admits
from suitcheck.domain.policy import Policy
from suitcheck.domain.replay import (
    Place,
    Replay,
    UnreplayableFacts,
    Verdict,
    is_decision,
    recorded_policy_version,
    replay_decision,
    shown,
)
from suitcheck.services.context import ServiceContext
from suitcheck.services.errors import InvalidInput, ServiceError
from suitcheck.store.models import AuditEntry

# Entries named by number in one replay (a period has no such bound).
MAX_SEQS = 10_000
# Entries of each verdict other than `reproduced` named in the replay's own audit entry.
RECORDED_SEQS = 100


@dataclasses.dataclass(frozen=True)
class EntryReplay:
    """One entry replayed. `why` says why it could not be; `tampered` that the policy
    version it names was not written by suitcheck (a failed verification, as `verify`)."""

    seq: int
    action: str
    investor_id: int | None
    report_id: int | None
    verdict: Verdict
    recorded_decision: str | None
    recorded_reasons: tuple[str, ...]
    policy_version: int | None = None
    replayed_decision: str | None = None
    replayed_reasons: tuple[str, ...] | None = None
    differs: tuple[str, ...] = ()
    taken_as_recorded: tuple[str, ...] = ()
    why: str | None = None
    tampered: bool = False
    # Where the entry stands, when it was replayed: the version in force there and the
    # firm's day it was recorded (what `policy_version` and `decided_on` in differs mean).
    policy_in_force: int | None = None
    decided_on: str | None = None
    recorded_on: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "action": self.action,
            "investor": self.investor_id,
            "report": self.report_id,
            "verdict": self.verdict.value,
            "policy_version": self.policy_version,
            "recorded": {"decision": self.recorded_decision, "reasons": list(self.recorded_reasons)},
            "replayed": None
            if self.replayed_reasons is None
            else {"decision": self.replayed_decision, "reasons": list(self.replayed_reasons)},
            "differs": list(self.differs),
            "taken_as_recorded": list(self.taken_as_recorded),
            "why": self.why,
            "tampered": self.tampered,
            "policy_in_force": self.policy_in_force,
            "decided_on": self.decided_on,
            "recorded_on": self.recorded_on,
        }


class ReplayTally:
    """What a replay counts as its entries come: the verdicts, the first RECORDED_SEQS entries
    of each verdict but `reproduced`, the policy versions not written by suitcheck, and
    whether any entry differs or names such a version. Bounded, however many entries."""

    def __init__(self, entries: Iterable[EntryReplay] = ()) -> None:
        self.found: collections.Counter[Verdict] = collections.Counter()
        self.named: dict[str, list[int]] = {}
        self.tampered_policy: set[int] = set()
        self.failed = False
        for entry in entries:
            self.add(entry)

    def add(self, entry: EntryReplay) -> None:
        self.found[entry.verdict] += 1
        if entry.verdict is not Verdict.REPRODUCED:
            seqs = self.named.setdefault(entry.verdict.value, [])
            if len(seqs) < RECORDED_SEQS:
                seqs.append(entry.seq)
        if entry.tampered and entry.policy_version:
            self.tampered_policy.add(entry.policy_version)
        self.failed = self.failed or entry.verdict is Verdict.DIFFERS or entry.tampered

    @property
    def counts(self) -> dict[str, int]:
        return {v.value: self.found[v] for v in Verdict}

    @property
    def all_reproduced(self) -> bool:
        return self.found[Verdict.REPRODUCED] == self.found.total()


@dataclasses.dataclass(frozen=True)
class ReplayReport:
    """The trail's verification and, when it passed, every entry replayed in seq order.
    A replay whose entries were handed out as they came (AuditService.replay's `each`)
    holds none of them, only their tally: its counts, ok and failed are the same."""

    verification: chain.VerifyResult
    entries: tuple[EntryReplay, ...] = ()
    tally: ReplayTally = dataclasses.field(default_factory=ReplayTally, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.entries and not self.tally.found:
            object.__setattr__(self, "tally", ReplayTally(self.entries))

    @property
    def counts(self) -> dict[str, int]:
        return self.tally.counts

    @property
    def ok(self) -> bool:
        """Every entry replayed reproduces its recorded decision, in a trail that verifies."""
        return self.verification.ok and self.tally.all_reproduced

    @property
    def failed(self) -> bool:
        """The trail fails verification, a decision differs, or a policy version was not
        written by suitcheck: what `audit verify` would call a failure."""
        return not self.verification.ok or self.tally.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verified": self.verification.ok,
            "verification": self.verification.to_dict(),
            "counts": self.counts,
            "entries": [e.to_dict() for e in self.entries],
        }

    def recorded_facts(self) -> dict[str, Any]:
        """What the replay's own audit entry says: the verdicts, and the entries that did not
        reproduce (the first RECORDED_SEQS of each verdict)."""
        return {
            "ok": self.ok,
            "verified": self.verification.ok,
            "bad_seq": self.verification.bad_seq,
            "counts": self.counts,
            "not_reproduced": self.tally.named,
            "tampered_policy": sorted(self.tally.tampered_policy),
        }


class _Policies:
    """Each policy version read once, with its seal checked (ServiceContext.policy_version)."""

    def __init__(self, ctx: ServiceContext, conn: Connection) -> None:
        self._ctx, self._conn = ctx, conn
        self._seen: dict[int, Policy | ServiceError] = {}

    def get(self, version: int) -> Policy | ServiceError:
        if version not in self._seen:
            try:
                self._seen[version] = self._ctx.policy_version(self._conn, version)
            except ServiceError as exc:
                self._seen[version] = exc
        return self._seen[version]


class _PolicyHistory:
    """The policy version in force at each place in the trail: the newest whose change
    (policy-change) was recorded before it, version 1 (the default) before any. Read once."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._changes: list[tuple[int, int]] | None = None

    def recorded(self, version: int) -> bool:
        """Whether the trail records storing `version` (a policy-change naming it)."""
        self.in_force(0)
        return any(stored == version for _change, stored in self._changes or ())

    def in_force(self, seq: int) -> int:
        if self._changes is None:
            self._changes = []
            rows = self._conn.execute(
                select(AuditEntry.seq, AuditEntry.facts)
                .where(AuditEntry.action == AuditAction.POLICY_CHANGE.value)
                .order_by(AuditEntry.seq)
            )
            for change, facts in rows:
                version = _version(facts)
                if version is not None:
                    self._changes.append((change, version))
        version = 1
        for _change, stored in self._changes[: bisect.bisect_left(self._changes, (seq, 0))]:
            version = max(version, stored)
        return version


def _day(at: str) -> dt.date:
    """The firm's day of an entry's time (chain.stamp's `...Z`, in UTC)."""
    try:
        return firm_day(dt.datetime.fromisoformat(at.replace("Z", "+00:00")))
    except (TypeError, ValueError, AttributeError):
        raise UnreplayableFacts(f"the entry's time {shown(at)} is not one suitcheck writes") from None


def _version(facts: str) -> int | None:
    try:
        version = json.loads(facts).get("version")
    except (TypeError, ValueError, AttributeError):
        return None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


class _Overrides:
    """The override an opening after a warning rested on: the newest override entry for the
    client and report before the opening (as open_report read it, access._LAST_OVERRIDE).
    Its seal (integrity.override_message) is not asked for: a replay reads a trail that
    verified, whose entries are as recorded, and an override recorded before overrides
    were sealed admitted then without one."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def admits(self, seq: int, investor_id: int | None, report_id: int | None, replay: Replay, policy: Policy) -> bool:
        facts = self._conn.execute(
            select(AuditEntry.facts)
            .where(
                AuditEntry.action == AuditAction.OVERRIDE.value,
                AuditEntry.investor_id == investor_id,
                AuditEntry.report_id == report_id,
                AuditEntry.seq < seq,
                chain.IN_TRAIL,  # as access._LAST_OVERRIDE reads them
            )
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).scalar_one_or_none()
        try:
            recorded = json.loads(facts) if facts is not None else None
        except (TypeError, ValueError):
            return False
        return isinstance(recorded, dict) and override_admits(recorded, replay.decision, policy.warning_version)


def replay_rows(ctx: ServiceContext, conn: Connection, rows: Iterable[Sequence[Any]]) -> Iterator[EntryReplay]:
    """Rows of (seq, at, action, investor_id, report_id, decision, reasons, facts), as stored,
    replayed one by one as they are taken from `rows` (a period's million entries are never
    all held)."""
    policies, overrides, history = _Policies(ctx, conn), _Overrides(conn), _PolicyHistory(conn)
    for row in rows:
        yield _replay_row(policies, overrides, history, *row)


def _replay_row(
    policies: _Policies,
    overrides: _Overrides,
    history: _PolicyHistory,
    seq: int,
    at: str,
    action: str,
    investor_id: int | None,
    report_id: int | None,
    decision: str | None,
    reasons_json: str,
    facts_json: str,
) -> EntryReplay:
    try:
        reasons = json.loads(reasons_json)
        facts = json.loads(facts_json)
    except (TypeError, ValueError):
        reasons, facts = None, None
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        reasons = []
    entry = EntryReplay(seq, action, investor_id, report_id, Verdict.CANNOT_REPLAY, decision, tuple(reasons))
    if not is_decision(action):
        return dataclasses.replace(entry, verdict=Verdict.NOT_A_DECISION, why=f"the {action} entry records no decision")
    if not isinstance(facts, dict):
        return dataclasses.replace(entry, why="the entry's facts cannot be read")
    try:
        version = recorded_policy_version(facts)
    except UnreplayableFacts as exc:
        return dataclasses.replace(entry, why=str(exc))
    entry = dataclasses.replace(entry, policy_version=version)
    policy = _policy(policies, history, entry, version)
    if isinstance(policy, EntryReplay):
        return policy
    try:
        place = Place(_day(at), history.in_force(seq))
        replayed = replay_decision(decision, reasons, facts, policy, action, place)
    except UnreplayableFacts as exc:
        return dataclasses.replace(entry, why=str(exc))
    if (
        action == AuditAction.OPEN
        and replayed.decision.outcome is Outcome.ALLOW_AFTER_WARNING
        and not overrides.admits(seq, investor_id, report_id, replayed, policy)
    ):  # opened after a warning no recorded override admits: open_report never gives that
        replayed = dataclasses.replace(replayed, differs=(*replayed.differs, "override"))
    return dataclasses.replace(
        entry,
        verdict=replayed.verdict,
        replayed_decision=replayed.decision.outcome.value,
        replayed_reasons=tuple(r.value for r in replayed.decision.reasons),
        policy_in_force=place.policy_in_force,
        decided_on=replayed.decision.decided_on.isoformat(),
        recorded_on=place.recorded_on.isoformat(),
        differs=replayed.differs,
        taken_as_recorded=tuple(r.value for r in replayed.taken_as_recorded),
    )


def _policy(policies: _Policies, history: _PolicyHistory, entry: EntryReplay, version: int) -> Policy | EntryReplay:
    """The version an entry names, with its seal checked, or the entry saying why not."""
    policy = policies.get(version)
    if isinstance(policy, InvalidInput) and history.recorded(version):  # stored, then deleted in SQL
        return dataclasses.replace(
            entry,
            why=f"policy version {version}, recorded in the trail, is missing from the store (deleted outside "
            "suitcheck)",
            tampered=True,
        )
    if isinstance(policy, InvalidInput):  # no such version in the store
        return dataclasses.replace(entry, why=f"the store holds no policy version {version}")
    if isinstance(policy, ServiceError):  # its seal fails, or its document cannot be read
        return dataclasses.replace(
            entry,
            why=f"policy version {version} was changed outside suitcheck (its seal does not match) or is damaged",
            tampered=True,
        )
    return policy
