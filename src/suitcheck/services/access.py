"""The check workflow: decide and record, open a report, escalation overrides, distribution lists."""

from __future__ import annotations

import array
import bisect
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Container, Generator, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from types import EllipsisType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, defer

from suitcheck.audit.chain import IN_TRAIL
from suitcheck.audit.export import _DANGEROUS_LEAD as FORMULA_LEADS
from suitcheck.audit.listpart import ListPart, ListPartChanged, ListPartError
from suitcheck.audit.rowmac import seals_match
from suitcheck.domain.codes import AuditAction, ExportFormat
from suitcheck.domain.decision import (
    Decision,
    EligibilityBounds,
    InvestorFacts,
    Outcome,
    ReportFacts,
    decide,
    eligibility_bounds,
    integrity_block,
    override_admits,
    warning_still_fits,
)
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Permission, may
from suitcheck.services.branches import branch_codes
from suitcheck.services.context import Actor, ServiceContext, in_trail_order, newest_entry
from suitcheck.services.errors import (
    DecisionRefuses,
    InvalidInput,
    LevelConflict,
    NotFound,
    OutcomeUnknown,
    ServiceError,
)
from suitcheck.services.integrity import (
    INVESTOR_COLUMNS,
    OVERRIDE_SEAL,
    UnreadableRecordError,
    dates_canonical,
    investor_message,
    investor_message_sql,
    override_message,
)
from suitcheck.services.investors import (
    UNREADABLE_FACTS,
    InvestorView,
    find_investor,
    investor_facts,
    make_view,
    resolve_investor_prepared,
)
from suitcheck.services.report_reread import SubjectChange, store_change
from suitcheck.services.reports import (
    FINDING_LEVEL_NOT_READ_AGAIN,
    ReportView,
    StoredFile,
    as_decided,
    file_intact,
    find_report,
    handed_out,
    read_by_older,
    reads_otherwise,
    report_level,
    report_level_prepared,
    sealed_report_facts,
    settle_not_read_again,
    stored_file,
)
from suitcheck.services.scope import client_scope
from suitcheck.services.tables import Verbatim, Written, csv_line, format_for, write_table
from suitcheck.store.models import AuditEntry, Finding, Investor, Report
from suitcheck.store.prepared import Prepared
from suitcheck.store.sqltext import driver_chunks, formula_safe, prefixed, scanned, stored_iso_date

log = logging.getLogger(__name__)


# The distribution list's columns: the same names and values as `eligible --json`
# (text that a spreadsheet would run as a formula gets a leading quote).
LIST_COLUMNS = ("id", "account", "name", "class", "profile", "assessed")
LIST_CHUNK = 5000  # rows per fetch, seal check and write
# A CSV list on a SQLite file spanning this many client ids or more is made by two
# processes (AccessService._two_halves); below it the second process costs more than it saves.
TWO_PROCESSES_FROM = 200_000
# Of the id range, listed by this process: the worker's start (~60 ms) is about what
# appending its part takes here afterwards.
FIRST_HALF_SHARE = 0.5
# Read beside the list columns so each row's seal is checked before it is written.
_SEALED_COLUMNS = (*(Investor.__table__.c[c] for c in INVESTOR_COLUMNS), Investor.__table__.c.integrity)
_t = Investor.__table__.c
# Always used with dates_canonical() in the WHERE, which stored_iso_date relies on.
_LIST_SELECT = select(
    _t.id,
    formula_safe(_t.account, FORMULA_LEADS),
    formula_safe(cast(_t.name, Text), FORMULA_LEADS),  # a name held as bytes, as text (as `eligible` shows it)
    _t.investor_class,
    prefixed("C", _t.current_profile),
    stored_iso_date(_t.current_assessed_on),
)


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """A recorded decision and what it lets this staff member do next, derived here once:
    the GUI enables its buttons and the CLI words its answer from these, never from the
    outcome. `may_open` is what `open_report` would grant now (an allow, or a warning
    override recorded today); `may_override` that the client may still be given the
    special warning (the sole obstacle is the profile, escalation is on, no override yet
    today, and the actor may record one)."""

    decision: Decision
    investor_id: int
    report_id: int
    audit_id: int
    entry_hash: str
    may_open: bool = False
    may_override: bool = False
    override_recorded: bool = False
    # The report's stated level was read by an older version's reader and its stored file
    # could not be read again now: decided as unrated (its record says level_not_read_again)
    # although its stored level is still shown, until compliance rates it.
    level_not_read_again: bool = False

    def client_moved_on(self, client: InvestorView) -> bool:
        """The decision used facts of the client other than `client` (read before) shows:
        the store changed meanwhile (another desk or the CLI marked the client for
        re-assessment, set the lowest category, recorded an assessment...). What was shown
        or allowed under the view read before no longer follows from the store."""
        d = self.decision
        if client.id != self.investor_id:
            return False
        return (d.investor_class, d.profile, d.assessed_on, d.assessment_state, d.lowest_category) != (
            client.investor_class,
            client.profile,
            client.assessed_on,
            client.assessment_state,
            client.lowest_category,
        ) or (d.special_attention, d.reassessment_due) != (client.special_attention, client.reassessment_due)

    def report_moved_on(self, report: ReportView) -> bool:
        """The decision matched a level other than `report` (read before) shows: the report
        was re-rated (or its level confirmed) meanwhile."""
        return report.id == self.report_id and _level_moved_on(self.decision, report)

    def to_dict(self) -> dict[str, object]:
        d = self.decision
        return {
            "decision": d.outcome.value,
            "may_open": self.may_open,
            "may_override": self.may_override,
            "override_recorded": self.override_recorded,
            "level_not_read_again": self.level_not_read_again,
            "reasons": [r.value for r in d.reasons],
            "main_reason": d.main_reason.value if d.main_reason else None,
            "investor": self.investor_id,
            "report": self.report_id,
            "profile": d.profile.code if d.profile else None,
            "level": d.level.code if d.level else None,
            "class": d.investor_class.value,
            "assessment_state": d.assessment_state.value,
            "assessed": d.assessed_on.isoformat() if d.assessed_on else None,
            "policy_version": d.policy_version,
            "audit_id": self.audit_id,
            "entry_hash": self.entry_hash,
        }


def _level_moved_on(d: Decision, report: ReportView) -> bool:
    """`d` matched a level other than `report` (read before) shows: re-rated, or its level
    confirmed, since."""
    return (d.stated_level, d.level, d.level_confirmed) != (report.level, report.matching_level, report.level_confirmed)


class Verdicts(dict[int, Outcome]):
    """`preview`'s outcomes (report id -> outcome), with what they were derived under: the
    policy version and the firm's day. The column they fill is no longer what the services
    give once a recorded check was made under another version or on another day
    (`outdated_by`): a policy changed at another desk (escalation turned off, R1 closed to
    clients due for re-assessment) or midnight passed."""

    def __init__(
        self,
        decisions: Mapping[int, Decision],
        policy_version: int,
        day: dt.date,
        client: InvestorFacts | None = None,
        *,
        unsealed: frozenset[int] = frozenset(),
    ) -> None:
        super().__init__({report_id: d.outcome for report_id, d in decisions.items()})
        # The reports whose own record fails its seal (a list shows them with the red mark).
        self.unsealed = unsealed
        # Whole decisions, not only outcomes: one that keeps its outcome may rest on other
        # facts than the one on screen (overturns).
        self.decisions = dict(decisions)
        self.policy_version = policy_version
        self.day = day
        # The client's facts they were derived for (None: the record cannot be read).
        self.client = client

    def outdated_by(self, result: CheckResult) -> bool:
        return (result.decision.policy_version, result.decision.decided_on) != (self.policy_version, self.day)

    def overtaken_by(self, later: Verdicts) -> bool:
        """A later preview for the same client was derived under another policy version,
        on another day, or for the client as changed since (re-assessed, marked due, given
        the lowest category at another desk): any of these verdicts may be other now."""
        return (later.policy_version, later.day, later.client) != (self.policy_version, self.day, self.client)

    def listed_otherwise(self, reports: Iterable[ReportView]) -> list[int]:
        """Of `reports` (as a list read them), those the store now has otherwise than the
        list shows them: derived here on another level (re-rated at another desk, whether or
        not their outcome for this client changed: R2 -> R3 stays allowed for C3), or with
        their record's seal failing or holding otherwise than the list's red mark says
        (changed outside suitcheck, or settled, since). Only these need reading again: a
        client re-assessed changes many outcomes and nothing a list shows of a report."""
        return [
            r.id
            for r in reports
            if (decision := self.decisions.get(r.id)) is not None
            and (_level_moved_on(decision, r) or r.record_intact == (r.id in self.unsealed))
        ]

    def overturns(self, result: CheckResult) -> bool:
        """This preview, read after the decision `result` was recorded, says that decision
        no longer stands as shown: it was made under another policy version, or the report
        is now decided otherwise: another outcome, or the same outcome on other facts or
        reasons (the client or the report was changed at another desk since, or an
        assessment expired). A panel reading "C3 ... allowed" for a client re-assessed C4
        elsewhere shows a decision the services no longer give, though C4 is allowed too.
        The day alone is not compared: a check on a shared store is dated by the server's
        clock, a preview by the desk's, and around midnight they may name different days
        for the same moment."""
        if result.decision.policy_version != self.policy_version:
            return True
        later = self.decisions.get(result.report_id)
        if later is None:  # not previewed (a report an older reader read): its check reads it again
            return False
        return dataclasses.replace(later, decided_on=result.decision.decided_on) != result.decision


@dataclasses.dataclass(frozen=True)
class OpenedReport:
    report_id: int
    title: str
    text: str
    original: bytes
    source_kind: str
    audit_id: int


_LAST_OVERRIDE = Prepared(
    select(AuditEntry.seq, AuditEntry.facts)
    .where(
        AuditEntry.action == AuditAction.OVERRIDE.value,
        AuditEntry.investor_id == bindparam("investor_id"),
        AuditEntry.report_id == bindparam("report_id"),
        IN_TRAIL,
    )
    .order_by(AuditEntry.seq.desc())
    .limit(1)
)


@dataclasses.dataclass(frozen=True)
class _ListBasis:
    """What a distribution list is made against, read in the list's snapshot."""

    report_id: int
    title: str
    level: RiskLevel | None
    policy: Policy
    today: dt.date
    as_of: int  # the newest trail entry the snapshot holds


class Listed:
    """The ids of the clients a list holds, as written (ascending, as the list is ordered):
    an array, not a set, for half a million clients. Rows a worker process wrote (two
    halves) pass as bytes: from then on any client may be on the list."""

    def __init__(self) -> None:
        self._ids = array.array("q")
        self._complete = True

    def note(self, chunk: Sequence[Sequence[Any]] | Verbatim) -> None:
        if isinstance(chunk, Verbatim):
            self._complete = False
        else:
            self._ids.extend(int(row[0]) for row in chunk)

    def noting(
        self, chunks: Iterable[Sequence[Sequence[Any]] | Verbatim]
    ) -> Generator[Sequence[Sequence[Any]] | Verbatim, None, None]:
        for chunk in chunks:
            self.note(chunk)
            yield chunk

    @property
    def complete(self) -> bool:
        """Every client written is noted (no worker's rows passed as bytes)."""
        return self._complete

    def may_hold(self, client: int) -> bool:
        if not self._complete:
            return True
        at = bisect.bisect_left(self._ids, client)
        return at < len(self._ids) and self._ids[at] == client


# Entries that record the sealed rows a change left, in a range of the trail.
_SEALED_BETWEEN = (
    select(AuditEntry.seq, AuditEntry.facts)
    .where(
        AuditEntry.seq > bindparam("after"),
        AuditEntry.seq <= bindparam("upto"),
        AuditEntry.action == AuditAction.RECORD_SEALED.value,
    )
    .order_by(AuditEntry.seq)
)


# Clients moved to another branch in a range of the trail.
_MOVED_BETWEEN = select(AuditEntry.investor_id).where(
    AuditEntry.seq > bindparam("after"),
    AuditEntry.seq <= bindparam("upto"),
    AuditEntry.action == AuditAction.CLIENT_MOVED.value,
)


def _sealed_accounts(conn: Connection, after: int, upto: int) -> dict[str, int] | int:
    """The accounts of the client rows sealed in (after, upto], each with the first entry
    that sealed it; or the entry that cannot be read (it may speak of anyone)."""
    changed: dict[str, int] = {}
    for seq, facts in conn.execute(_SEALED_BETWEEN, {"after": after, "upto": upto}):
        try:
            for row in json.loads(facts).get("rows", []):
                if row.get("table") == "investor":
                    changed.setdefault(str(row.get("key")), seq)
        except (TypeError, ValueError, AttributeError, RecursionError):
            return int(seq)
    return changed


def clients_changed(
    conn: Connection,
    listed: Listed,
    after: int,
    upto: int,
    still: ColumnElement[bool],
    scope: ColumnElement[bool] | None = None,
) -> int:
    """The entry in (after, upto] that changed a client `listed` may hold who no longer
    meets `still` (0: none). Every change of a client's sealed columns (an assessment, an
    edit, a re-assessment mark, a move, an import) records the rows it left in a
    `record-sealed` entry, keyed by account. `scope`: the branch scope the list was made
    in (services.scope): a list that does not know each client it holds (a worker wrote
    half of it) holds none outside it but a client moved out of it in (after, upto]
    (until session 26 a change to another branch's client refused a branch's long list,
    naming an entry of that branch's)."""
    if upto <= after:
        return 0
    changed = _sealed_accounts(conn, after, upto)
    if isinstance(changed, int):
        return changed
    # NULL (a profile or an assessment date taken away) does not meet it either.
    admitted = case((still, 1), else_=0)
    # None: any client the list may hold counts; else the clients moved out meanwhile.
    moved: set[int] | None = None
    if scope is not None and not listed.complete:
        moved = {int(i) for i in conn.execute(_MOVED_BETWEEN, {"after": after, "upto": upto}).scalars() if i}
    in_scope = case((true() if scope is None else scope, 1), else_=0)
    accounts = list(changed)
    for start in range(0, len(accounts), LIST_CHUNK):
        stmt = select(_t.id, _t.account, in_scope).where(
            _t.account.in_(accounts[start : start + LIST_CHUNK]), admitted == 0
        )
        for client, account, scoped in conn.execute(stmt):
            if not listed.may_hold(client):
                continue
            if moved is not None and not scoped and client not in moved:
                continue  # outside the list's scope all the while it was made: never on it
            return changed[account]
    return 0


class _Refused(Exception):
    """The staff row read inside a check's transaction no longer lets them check."""


def _note_not_read_again(ctx: ServiceContext, session: Session, report: Report, why: str) -> None:
    """A finding for compliance, once (its findings queue, the self-inspection's open
    findings): the report's level, read by an older version, could not be read again
    (`why`), so every decision treats it as unrated until it is read again or rated."""
    facts, sealed = sealed_report_facts(ctx.rows, session.connection(), report)
    noted = any(f.code == FINDING_LEVEL_NOT_READ_AGAIN and f.resolved_at is None for f in report.findings)
    if not sealed or noted or not read_by_older(report) or facts.level is None:
        return
    level = facts.level.code
    report.findings.append(
        Finding(
            code=FINDING_LEVEL_NOT_READ_AGAIN,
            created_at=ctx.now(),
            detail=f"imported as {level} by an older version; {why}",
        )
    )


class _ReadAgain(Exception):
    """The report's stated level was read by an older reader (reports.read_by_older): its
    file is read again outside the check's transaction, and the check made again."""

    def __init__(self, report_id: int) -> None:
        super().__init__(report_id)
        self.report_id = report_id


def _still_may(ctx: ServiceContext, conn: Connection, actor: Actor, permission: Permission) -> Actor:
    """The actor as the staff row now stands, read under the trail's lock (as a check reads
    it): _Refused when they may no longer do this (disabled, locked, another role since the
    permission was checked), so nothing is handed out or recorded after that change."""
    current, cause = ctx.current_actor_in(conn, actor)
    if cause is not None or not may(current.role, permission):
        raise _Refused
    return current


def _admitting_override(
    ctx: ServiceContext,
    conn: Session | Connection,
    investor_id: int,
    report_id: int,
    decision: Decision,
    warning_version: str,
) -> int | None:
    """The number of the newest warning override's entry for this client and report when
    it admits the report under this decision (domain.override_admits: recorded today,
    about the same facts, with the warning now in force), for the rest of that day, while
    the seal it was recorded with holds (integrity.override_message: the desk reads the
    entry without verifying the trail, and an entry's own hash, or a sealed epoch's MAC,
    anyone can compute); None otherwise."""
    c = conn.connection() if isinstance(conn, Session) else conn
    row = _LAST_OVERRIDE.first(c, investor_id=investor_id, report_id=report_id)
    if row is None:
        return None
    try:
        recorded = json.loads(row.facts)
        sealed = ctx.rows.ok(c, override_message(investor_id, report_id, recorded), recorded.get(OVERRIDE_SEAL))
    # An entry changed outside suitcheck admits nothing; JSON nested too deep to read raises
    # RecursionError, which is no ValueError.
    except (TypeError, ValueError, AttributeError, RecursionError):
        return None
    if not sealed:
        log.warning(
            "client %s, report %s: the newest override's seal does not hold; it admits nothing", investor_id, report_id
        )
    return row.seq if sealed and override_admits(recorded, decision, warning_version) else None


def _answers(
    ctx: ServiceContext,
    conn: Session | Connection,
    actor: Actor,
    decision: Decision,
    investor_id: int,
    report_id: int,
    warning_version: str,
) -> dict[str, bool]:
    """may_open, may_override and override_recorded for a decision, as `open_report` and
    `record_override` will judge them; `warning_version` is the policy's in force."""
    recorded = decision.outcome is Outcome.ALLOW_AFTER_WARNING and (
        _admitting_override(ctx, conn, investor_id, report_id, decision, warning_version) is not None
    )
    granted = decision.outcome is Outcome.ALLOW or recorded
    return {
        "may_open": granted and may(actor.role, Permission.OPEN_REPORT),
        "may_override": decision.outcome is Outcome.ALLOW_AFTER_WARNING
        and not recorded
        and may(actor.role, Permission.RECORD_OVERRIDE),
        "override_recorded": recorded,
    }


def _decide(
    investor: Investor,
    report: Report,
    today: dt.date,
    policy: Policy,
    ctx: ServiceContext,
    session: Session | None = None,
) -> Decision:
    """The decision about a client and a loaded report, as `check` decides: blocked for
    record-integrity when either row fails its seal (changed outside suitcheck) or the
    client's record cannot be read. `session`: the caller's, when it writes (a seal of
    another installation loads that installation's key on it; a fresh connection would
    wait for the caller's own write lock)."""
    return _decide_sealed(investor, report, today, policy, ctx, session)[0]


def _decide_sealed(
    investor: Investor,
    report: Report,
    today: dt.date,
    policy: Policy,
    ctx: ServiceContext,
    session: Session | None = None,
    *,
    warn: bool = True,
) -> tuple[Decision, bool]:
    """_decide, and whether the report's own record matches its seal (a list marks it).
    `warn`: log a report that fails its seal (not for the column's previews: an idle desk
    previews its rows every minute, and the log would say so of each such report each time;
    the check that follows a choice logs it)."""
    conn = session.connection() if session is not None else None
    facts, report_sealed = sealed_report_facts(ctx.rows, conn, report)
    # A stated level an older reader read is no level until this version has read it again
    # (an opening reads it again before it decides; `check` before it decides).
    facts = as_decided(facts, report_sealed and read_by_older(report))
    try:
        decision = decide(investor_facts(investor), facts, today, policy)
    except UnreadableRecordError:  # as `check`: a record that cannot be read is blocked
        return integrity_block(decide(UNREADABLE_FACTS, facts, today, policy)), report_sealed
    if not ctx.rows.investor_ok(conn, investor):
        return integrity_block(decision), report_sealed
    if not report_sealed:
        if warn:
            log.warning("report %s: record fails its integrity seal; decision blocked", report.id)
        return integrity_block(decision), report_sealed
    return decision, report_sealed


def _list_level(report_id: int, facts: ReportFacts, sealed: bool, older: bool) -> RiskLevel | None:
    """The level a distribution list filters at (就高, the rule `check` applies). A report
    row that fails its seal gives no list at all: not an empty one, which would read as
    "nobody may receive it" and be recorded as a list that was made. Nor does a stated
    level an older reader read (`older`) that could not be read again (_read_first): the
    level the list would be made at is unknown until compliance rates it."""
    if not sealed:
        log.warning("report %s: record fails its integrity seal; no distribution list made", report_id)
        raise ServiceError(
            f"Report {report_id}'s record was changed outside suitcheck; no distribution list is made for it "
            "until compliance has investigated (suitcheck audit verify)."
        )
    if older:
        log.warning("report %s: its level could not be read again; no distribution list made", report_id)
        raise ServiceError(
            f"Report {report_id}'s level was read by an older version of suitcheck and its stored file cannot be "
            "read again now; no distribution list is made for it until compliance rates it."
        )
    return facts.matching_level


def _level_changed(report_id: int, level: RiskLevel | None) -> LevelConflict:
    """A list asked for at a level the report is no longer matched at."""
    if level is None:
        return LevelConflict(
            f"Report {report_id} has no risk level now, not the one shown; no list was written. "
            "Look at the level and write the list again.",
            level=None,
        )
    return LevelConflict(
        f"Report {report_id}'s risk level is now {level.code}, not the one shown; no list was written. "
        "Look at the level and write the list again.",
        level=level,
    )


def _account(investor: Any) -> str | None:
    """The account to record: None for one held as bytes (not written by suitcheck)."""
    account = investor.account
    return account if isinstance(account, str) else None


def eligible_parts(level: RiskLevel | None, today: dt.date, policy: Policy) -> list[ColumnElement[bool]]:
    """domain.eligibility_bounds as disjoint WHERE clauses (kept equal to `decide` by a property test).

    Professionals and clients who follow the table are separate parts, so a count is a sum
    of counts. Every term is an equality, an IN list or one date range, never `!=` or `>=`:
    each part is then a few pure range scans of ix_investor_eligibility, and a value
    outside the domain written into the store directly (profile 7, an unknown class) is
    never eligible, as `decide` would refuse it too."""
    b = eligibility_bounds(level, today, policy)
    if b.nobody:
        return []
    return [*_professionals(b), _follows_table(b, b.assessed_after, b.assessed_until)]


def eligible_count_terms(
    level: RiskLevel | None, today: dt.date, policy: Policy
) -> list[tuple[int, ColumnElement[bool]]]:
    """eligible_parts for a count, as (sign, condition): the count is the signed sum of
    each condition's count. The table's part is counted as assessed after the start of
    validity, minus assessed after today (normally nobody): two ranges that each run to
    the end of their index prefix, so the scan never compares a row's date with an upper
    bound, which is most of the work of counting half a million index entries."""
    b = eligibility_bounds(level, today, policy)
    if b.nobody:
        return []
    return [
        *((1, part) for part in _professionals(b)),
        (1, _follows_table(b, b.assessed_after)),
        (-1, _follows_table(b, max(b.assessed_after, b.assessed_until))),
    ]


def _lowest(b: EligibilityBounds) -> list[bool]:
    return [False, True] if b.lowest_allowed else [False]


def _professionals(b: EligibilityBounds) -> list[ColumnElement[bool]]:
    if not b.professionals:
        return []
    # The lowest category wins over every class, professionals included.
    return [and_(Investor.investor_class == InvestorClass.PROFESSIONAL.value, Investor.lowest_category.in_(_lowest(b)))]


def _follows_table(b: EligibilityBounds, after: dt.date, until: dt.date | None = None) -> ColumnElement[bool]:
    """Clients who follow the table, assessed in (after, until] (after `after` if no until)."""
    return and_(
        Investor.investor_class.in_([c.value for c in InvestorClass if c.follows_table]),
        Investor.lowest_category.in_(_lowest(b)),
        Investor.reassessment_due.in_([False, True] if b.due_allowed else [False]),
        Investor.current_profile.in_([int(p) for p in RiskProfile if p >= b.min_profile]),
        Investor.current_assessed_on > after,
        *(() if until is None else (Investor.current_assessed_on <= until,)),
    )


def eligible_condition(level: RiskLevel | None, today: dt.date, policy: Policy) -> ColumnElement[bool]:
    parts = eligible_parts(level, today, policy)
    return or_(*parts) if parts else false()


class AccessService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def check(self, actor: Actor, investor_ref: str | int, report_ref: str | int) -> CheckResult:
        """Decide and record, in one transaction: no decision exists without its audit entry.

        The hot path of the program (a batch runs it per pair): one write transaction that
        re-reads the staff row, finds the client (branch scope applied) and the report,
        reads the newest policy, checks the client row's seal and appends the sealed entry,
        every statement compiled once (store.prepared). A staff member the store no longer
        lets check (disabled, locked, password changed, role taken away) changes nothing
        here: the transaction is rolled back and `require` records the refusal and raises."""
        return self._check(actor, investor_ref, report_ref, None)

    def _check(
        self,
        actor: Actor,
        investor_ref: str | int,
        report_ref: str | int,
        held: Connection | None,
        read_again: set[int] | None = None,
    ) -> CheckResult:
        """`read_again`: the reports whose files this check (or this batch, which hands the
        same set to every pair) has already read again: one that could not be read is not
        read again for each pair of a batch (the import's worker, up to its time limit each),
        and each pair is decided without its level."""
        read_again = set() if read_again is None else read_again
        while True:
            try:
                result = self._check_once(actor, investor_ref, report_ref, held, read_again)
            except _ReadAgain as stale:  # rolled back: nothing was recorded
                read_again.add(stale.report_id)
                if self._read_level_again(actor, stale.report_id, Permission.CHECK_ACCESS, "check"):
                    continue
                result = None
            if result is not None:
                return result
            actor = self._ctx.require(actor, Permission.CHECK_ACCESS)  # records the refusal and raises

    def _check_once(
        self,
        actor: Actor,
        investor_ref: str | int,
        report_ref: str | int,
        held: Connection | None,
        read_again: Container[int],
    ) -> CheckResult | None:
        ctx = self._ctx
        try:
            with ctx.core_transaction(held) as conn:
                in_trail_order(ctx, conn)
                actor, cause = ctx.current_actor_in(conn, actor)
                if cause is not None or not may(actor.role, Permission.CHECK_ACCESS):
                    raise _Refused
                investor = resolve_investor_prepared(conn, investor_ref, actor)
                report_id, facts, report_sealed, older = report_level_prepared(conn, report_ref, ctx.rows)
                unread: dict[str, bool] = {}
                if older and report_sealed:
                    if report_id not in read_again:
                        raise _ReadAgain(report_id)
                    # Read again and still older: its file could not be read now. No level
                    # until it is (blocked as unrated), and said so in the record.
                    facts, unread = as_decided(facts, True), {"level_not_read_again": True}
                    log.warning("report %s: its level cannot be read again now; check blocked", report_id)
                policy = ctx.policy(conn)
                try:
                    decision = decide(investor_facts(investor), facts, ctx.today(), policy)
                except UnreadableRecordError:  # a class or profile suitcheck never writes: as a failed seal
                    decision = integrity_block(decide(UNREADABLE_FACTS, facts, ctx.today(), policy))
                    unread = {**unread, "record_unreadable": True}  # the facts recorded are not the row's
                    log.warning("client %s: record cannot be read; check blocked", investor.id)
                else:
                    if not ctx.rows.investor_ok(conn, investor):
                        decision = integrity_block(decision)
                        log.warning("client %s: record fails its integrity seal; check blocked", investor.id)
                    elif not report_sealed:
                        decision = integrity_block(decision)
                        log.warning("report %s: record fails its integrity seal; check blocked", report_id)
                entry = ctx.audit(
                    conn,
                    actor,
                    AuditAction.CHECK,
                    investor_id=investor.id,
                    report_id=report_id,
                    decision=decision.outcome.value,
                    reasons=[r.value for r in decision.reasons],
                    facts={**decision.facts(), "account": _account(investor), **unread},
                )
                if held is None:  # a batch logs one line for all its checks (the trail has each)
                    log.info(
                        "check by %s: client %s, report %s -> %s (%s)",
                        actor.username,
                        investor.id,
                        report_id,
                        decision.outcome.value,
                        ",".join(decision.reasons),
                    )
                return CheckResult(
                    decision,
                    investor.id,
                    report_id,
                    entry.seq,
                    entry.entry_hash,
                    **_answers(ctx, conn, actor, decision, investor.id, report_id, policy.warning_version),
                    level_not_read_again="level_not_read_again" in unread,
                )
        except _Refused:
            return None  # rolled back: nothing was recorded

    def check_pairs(
        self, actor: Actor, pairs: Iterable[tuple[str, str]]
    ) -> Generator[tuple[tuple[str, str], CheckResult | ServiceError], None, None]:
        """`check` for many (client, report) pairs with one login, for a batch file: each
        pair is its own transaction and its own audit entry, exactly as a single check.
        A pair that cannot be checked (unknown client or report) yields its error and the
        batch goes on; a store that fails, or a staff member who lost the permission,
        stops it (every later check would fail the same way). A pair whose commit lost
        its connection (OutcomeUnknown: the trail may hold its check or not) yields that
        error, and the batch stops after it."""
        actor = self._ctx.require(actor, Permission.CHECK_ACCESS)
        # One connection for the whole batch; every pair is still its own transaction, on
        # the same path as `check` (the staff row re-read in each).
        recorded: list[int] = []
        read_again: set[int] = set()  # a report an older reader read is read again once a batch
        try:
            with self._ctx.store.engine.connect() as held:
                for pair in pairs:
                    try:
                        checked = self._check(actor, *pair, held, read_again)
                    except (NotFound, InvalidInput) as exc:
                        yield pair, exc
                        continue
                    except OutcomeUnknown as exc:
                        yield pair, exc
                        return
                    recorded.append(checked.audit_id)
                    yield pair, checked
        finally:
            log.info(
                "batch check by %s: %s checks recorded (audit entries %s to %s)",
                actor.username,
                len(recorded),
                recorded[0] if recorded else "-",
                recorded[-1] if recorded else "-",
            )

    def preview(self, actor: Actor, investor_ref: str | int, report_refs: list[int]) -> Verdicts:
        """Outcomes for many reports at once, for the at-a-glance column; not recorded,
        because nothing is given to the client until a recorded check or opening. They
        carry the policy version and day they were derived under (Verdicts)."""
        actor = self._ctx.require(actor, Permission.CHECK_ACCESS)
        with self._ctx.transaction(read_only=True) as session:
            investor = find_investor(session, investor_ref, actor)
            policy, today = self._ctx.policy(session), self._ctx.today()
            reports = session.execute(select(Report).where(Report.id.in_(report_refs))).scalars()
            try:
                client: InvestorFacts | None = investor_facts(investor)
            except UnreadableRecordError:  # every verdict is a block for it (_decide)
                client = None
            # A report an older reader read is left out (no verdict shown): its check reads
            # it again first, and may decide otherwise than its stored level would.
            decided = {
                r.id: _decide_sealed(investor, r, today, policy, self._ctx, warn=False)
                for r in reports
                if not read_by_older(r)
            }
            return Verdicts(
                {report_id: decision for report_id, (decision, _sealed) in decided.items()},
                policy.version,
                today,
                client,
                unsealed=frozenset(report_id for report_id, (_decision, sealed) in decided.items() if not sealed),
            )

    def still_open(self, actor: Actor, investor_ref: str | int, report_ids: list[int]) -> set[int]:
        """Of the reports open in windows for a client, those the client may still be given
        now, as `open_report` judges it (an allow, or a warning override recorded today) and
        without recording anything: the desk closes the others, whose decision a change made
        elsewhere since the opening has overturned (another desk re-rated the report, marked
        the client for re-assessment...). A staff member who may no longer open reports is
        refused here (recorded), and the desk closes every window."""
        actor = self._ctx.require(actor, Permission.OPEN_REPORT)
        with self._ctx.transaction(read_only=True) as session:
            investor = find_investor(session, investor_ref, actor)
            policy, today = self._ctx.policy(session), self._ctx.today()
            reports = session.execute(select(Report).where(Report.id.in_(report_ids))).scalars()
            return {
                r.id
                for r in reports
                if _answers(
                    self._ctx,
                    session,
                    actor,
                    _decide(investor, r, today, policy, self._ctx),
                    investor.id,
                    r.id,
                    policy.warning_version,
                )["may_open"]
            }

    def record_override(
        self,
        actor: Actor,
        investor_ref: str | int,
        report_ref: str | int,
        *,
        warning_version: str,
        client_confirmed: bool,
        recording_ref: str | None = None,
        note: str | None = None,
        shown: Decision | None = None,
    ) -> CheckResult:
        """The client insisted after the special warning: record the structured override.

        `shown`: the decision the desk offered the warning under (the check on screen). When
        the client or the report changed since (re-assessed, the report re-rated), the
        decision now is about other facts than the client was told and confirmed: nothing
        is recorded, as for a warning text that changed (domain.warning_still_fits)."""
        actor = self._ctx.require(actor, Permission.RECORD_OVERRIDE)
        if not client_confirmed:
            raise InvalidInput("The client has not confirmed the risk warning; nothing was recorded.")
        while True:
            try:
                return self._record_override_once(
                    actor,
                    investor_ref,
                    report_ref,
                    warning_version=warning_version,
                    recording_ref=recording_ref,
                    note=note,
                    shown=shown,
                )
            except _Refused:  # disabled, locked, another role since `require`: rolled back
                self._ctx.require(actor, Permission.RECORD_OVERRIDE)  # records the refusal and raises

    def _record_override_once(
        self,
        actor: Actor,
        investor_ref: str | int,
        report_ref: str | int,
        *,
        warning_version: str,
        recording_ref: str | None,
        note: str | None,
        shown: Decision | None,
    ) -> CheckResult:
        with self._ctx.transaction() as session:
            in_trail_order(self._ctx, session.connection())
            actor = _still_may(self._ctx, session.connection(), actor, Permission.RECORD_OVERRIDE)
            investor = find_investor(session, investor_ref, actor)
            report = find_report(session, report_ref)
            policy = self._ctx.policy(session)
            decision = _decide(investor, report, self._ctx.today(), policy, self._ctx, session)
            if decision.outcome is not Outcome.ALLOW_AFTER_WARNING:
                raise InvalidInput(
                    f"This report cannot be given after a warning: the decision is {decision.outcome.value}."
                )
            if warning_version != policy.warning_version:
                raise InvalidInput("The warning shown is not the current version; show it again.")
            if shown is not None and not warning_still_fits(shown, decision):
                raise InvalidInput(
                    "The client's profile or assessment, or the report's level, changed since the warning was "
                    "shown; nothing was recorded. Check again and show the warning for the current decision."
                )
            # One confirmation of one warning: the override recorded today about the same facts
            # admits the report for the rest of the day (the desk offers no second one). A second
            # would be a second record of the same warning, counted and listed twice by the
            # self-inspection. Read under the trail's lock, so two desks cannot both record it.
            earlier = _admitting_override(self._ctx, session, investor.id, report.id, decision, policy.warning_version)
            if earlier is not None:
                raise InvalidInput(
                    f"An override of this report for this client was already recorded today (audit entry {earlier}); "
                    "it admits the report for the rest of the day, so nothing was recorded."
                )
            facts = {
                **decision.facts(),
                "account": _account(investor),
                "warning_version": policy.warning_version,
                "warning_sha256": hashlib.sha256(policy.warning_text.encode()).hexdigest(),
                "client_confirmed": True,
                "recording_ref": recording_ref,
                "note": note,
            }
            facts[OVERRIDE_SEAL] = self._ctx.sealer.row_seal(override_message(investor.id, report.id, facts))
            entry = self._ctx.audit(
                session,
                actor,
                AuditAction.OVERRIDE,
                investor_id=investor.id,
                report_id=report.id,
                decision=decision.outcome.value,
                reasons=[r.value for r in decision.reasons],
                facts=facts,
            )
            return CheckResult(
                decision,
                investor.id,
                report.id,
                entry.seq,
                entry.entry_hash,
                **_answers(self._ctx, session, actor, decision, investor.id, report.id, policy.warning_version),
            )

    def open_report(self, actor: Actor, investor_ref: str | int, report_ref: str | int) -> OpenedReport:
        """Hand out the report's content only for an allow decision, or after a recorded
        override today; every opening (and every refusal) is recorded."""
        actor = self._ctx.require(actor, Permission.OPEN_REPORT)
        # The file (up to 100 MB) is read and hashed before the trail's lock is taken, and its
        # hash compared under the lock with the sealed row's (stored_file): hashed under the
        # lock, a slow desktop left the holder's transaction quiet past PostgreSQL's idle
        # bound (store.engine.IDLE_IN_TRANSACTION_MS), which ended a sound opening.
        with self._ctx.transaction(read_only=True) as session:
            stored = stored_file(session, report_ref)
            policy = self._ctx.policy(session)
        # Its text as the original gives it (handed_out), read in the import's worker, also
        # before the lock is taken: the stored copy of the text is covered by no seal.
        stored = handed_out(stored, policy) if stored is not None else None
        while True:
            try:
                return self._open_once(actor, investor_ref, report_ref, stored)
            except _Refused:  # disabled, locked, another role while the file was read: rolled back
                self._ctx.require(actor, Permission.OPEN_REPORT)  # records the refusal and raises

    def _open_once(
        self, actor: Actor, investor_ref: str | int, report_ref: str | int, stored: StoredFile | None
    ) -> OpenedReport:
        with self._ctx.transaction() as session:
            in_trail_order(self._ctx, session.connection())
            actor = _still_may(self._ctx, session.connection(), actor, Permission.OPEN_REPORT)
            investor = find_investor(session, investor_ref, actor)
            report = find_report(session, report_ref)
            policy, today = self._ctx.policy(session), self._ctx.today()
            intact = stored is not None and file_intact(report, stored)
            if intact and stored is not None:
                self._level_read_again(session, actor, report, stored, policy.version, "opening")
            decision = _decide(investor, report, today, policy, self._ctx, session)
            if decision.outcome is not Outcome.BLOCK and not intact:
                log.warning(
                    "report %s: its stored file does not match the row's hash, or cannot be read; not opened", report.id
                )
                decision = integrity_block(decision)
            answers = _answers(self._ctx, session, actor, decision, investor.id, report.id, policy.warning_version)
            granted = answers["may_open"]
            action = AuditAction.OPEN if granted else AuditAction.OPEN_REFUSED
            entry = self._ctx.audit(
                session,
                actor,
                action,
                investor_id=investor.id,
                report_id=report.id,
                decision=decision.outcome.value,
                reasons=[r.value for r in decision.reasons],
                facts={**decision.facts(), "account": _account(investor)},
            )
            if granted:
                assert stored is not None  # intact
                return OpenedReport(
                    report.id, report.title, stored.text, stored.original, report.source_kind, entry.seq
                )
        raise DecisionRefuses(
            f"This report may not be opened for this client: the decision is {decision.outcome.value}.",
            refusal=CheckResult(decision, investor.id, report.id, entry.seq, entry.entry_hash, **answers),
        )

    def _read_level_again(self, actor: Actor, report_id: int, permission: Permission, found_at: str) -> bool:
        """Read the report's file again (handed_out, outside any lock) and store what this
        version's reader reads of its level statement (_level_read_again), before a check or
        a list decides on it. False when the staff member may no longer do this (rolled
        back; the caller records the refusal). A file that cannot be read now leaves the
        report as it is: the caller, finding it still read by an older reader, decides
        without its level."""
        ctx = self._ctx
        why = "its stored file is missing"
        with ctx.transaction(read_only=True) as session:
            stored = stored_file(session, report_id)
            policy = ctx.policy(session)
            row = session.get(Report, report_id)
            # Not the file the sealed row names (replaced outside suitcheck): never read (a
            # hostile file would take the worker up to its limits at every decision).
            if stored is not None and (row is None or not file_intact(row, stored)):
                stored, why = None, "its stored file is not the one its record names"
        if stored is not None:
            stored, why = handed_out(stored, policy), "its stored file cannot be read now"
        if stored is None or stored.level_read is None:
            log.warning("report %s: %s; its level is not read again", report_id, why)
        try:
            with ctx.transaction() as session:
                in_trail_order(ctx, session.connection())
                actor = _still_may(ctx, session.connection(), actor, permission)
                # Locked while compared and written (PostgreSQL): another desk reading it again
                # at the same moment finds it read, and stores nothing twice.
                report = session.get(Report, report_id, with_for_update=True)
                if report is None:
                    return True
                if stored is not None and stored.level_read is not None and file_intact(report, stored):
                    self._level_read_again(session, actor, report, stored, ctx.policy(session).version, found_at)
                else:
                    _note_not_read_again(ctx, session, report, why)
        except _Refused:
            return False
        return True

    def _level_read_again(
        self,
        session: Session,
        actor: Actor,
        report: Report,
        stored: StoredFile,
        policy_version: int,
        found_at: str,
    ) -> None:
        """The file read again (handed_out), its level statement too: a stated level an
        older build read and this version reads otherwise (a store made before the stricter
        reading) is unrated there and then, as `report reread` would store it, so that this
        decision and every one after it are blocked until compliance rates it; recorded as a
        re-read found at `found_at` (an opening, a check, a list) by the staff member doing
        it. A report an older reader read that reads the same is stored as read by this
        version's reader (sealed; nothing else changes), so it is not read again."""
        read = stored.level_read
        if read is None:
            return
        # The seal first: a reader column changed in SQL may hold anything (text, bytes),
        # and only a sealed row's reader is a version suitcheck wrote.
        facts, sealed = sealed_report_facts(self._ctx.rows, session.connection(), report)
        if not sealed:
            return
        if report.reader is not None and read.reader is not None and report.reader > read.reader:
            return  # a newer desk's reader read it (a shared store): its reading stands
        reading = reads_otherwise(facts.level, facts.confirmed, read)
        if not reading:
            if read_by_older(report):
                report.reader = read.reader
                settle_not_read_again(report, self._ctx.now(), actor.staff_id or None)
                session.flush()  # sealed again before the decision reads the row
                log.info("report %s: its level statement reads the same with reader %s", report.id, read.reader)
            return
        change = SubjectChange(
            report.id,
            report.title,
            facts.level,
            facts.confirmed,
            facts.subject_level,
            facts.subject_level,
            stored.sha256,
            unrated=True,
            level_reading=reading,
        )
        store_change(self._ctx, session, actor, report, change, policy_version, found_at=found_at)
        report.reader = read.reader
        settle_not_read_again(report, self._ctx.now(), actor.staff_id or None)
        session.flush()  # sealed again before the decision reads the row
        log.warning("report %s: its level statement reads otherwise now (%s); unrated", report.id, reading)

    def eligible(self, actor: Actor, report_ref: str | int, *, limit: int | None = None) -> Iterator[InvestorView]:
        """Every client who may receive the report (strict table, no escalation), streamed."""
        actor = self._ctx.require(actor, Permission.DISTRIBUTION_LIST)
        self._read_first(actor, report_ref)
        with self._ctx.transaction(read_only=True) as session:
            yield from self._eligible_views(session, actor, self._list_basis(session, report_ref), limit)

    def _eligible_views(
        self, session: Session, actor: Actor, basis: _ListBasis, limit: int | None
    ) -> Iterator[InvestorView]:
        stmt = (
            select(Investor)
            .options(defer(Investor.created_at))  # not shown, not sealed: as the written list
            .where(client_scope(actor), eligible_condition(basis.level, basis.today, basis.policy), dates_canonical())
            .order_by(Investor.id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        full, codes = may(actor.role, Permission.SEE_FULL_ID), branch_codes(session)
        rows = self._ctx.rows
        for investor in session.execute(stmt.execution_options(yield_per=2000)).scalars():
            if not rows.investor_ok(None, investor):
                log.warning("client %s left off the distribution list: record fails its seal", investor.id)
                continue  # fail closed: a row changed outside suitcheck never receives anything
            yield make_view(investor, basis.today, basis.policy, full, codes)

    def eligible_shown(self, actor: Actor, report_ref: str | int) -> list[InvestorView]:
        """The whole distribution list to show (the command line without --out): the
        clients `eligible` streams, and producing the list is audited as a written one is,
        with the count and a digest of the clients' ids in their order. Recorded against
        the state it was made from (_record_list)."""
        actor = self._ctx.require(actor, Permission.DISTRIBUTION_LIST)
        self._read_first(actor, report_ref)
        with self._ctx.transaction(read_only=True) as session:  # one snapshot: the list and its basis
            basis = self._list_basis(session, report_ref)
            views = list(self._eligible_views(session, actor, basis, None))
        listed = Listed()
        listed.note([(v.id,) for v in views])
        ids = ",".join(str(v.id) for v in views)
        digest = hashlib.sha256(ids.encode()).hexdigest()
        self._record_list(actor, basis, listed, len(views), format="shown", clients_sha256=digest)
        return views

    def _list_basis(self, session: Session, report_ref: str | int) -> _ListBasis:
        """What a list is made against, read in its snapshot: the report's level (就高), the
        policy, the day, and the newest trail entry the snapshot holds."""
        as_of = newest_entry(session.connection())  # first: it starts the snapshot on SQLite
        report = find_report(session, report_ref)
        return _ListBasis(
            report_id=report.id,
            title=report.title,
            level=self._list_level(report),
            policy=self._ctx.policy(session),
            today=self._ctx.today(),
            as_of=as_of,
        )

    def _list_level(self, report: Report) -> RiskLevel | None:
        """The level a distribution list of this loaded report filters at (_list_level)."""
        facts, sealed = sealed_report_facts(self._ctx.rows, None, report)
        return _list_level(report.id, facts, sealed, read_by_older(report))

    def _read_first(self, actor: Actor, report_ref: str | int) -> None:
        """Before a distribution list (or its count) is made against a report whose stated
        level an older reader read: its file is read again and what this version reads
        stored (_read_level_again), as a check does before it decides."""
        with self._ctx.transaction(read_only=True) as session:
            rid, _facts, sealed, older = report_level(session.connection(), report_ref, self._ctx.rows)
        if sealed and older and not self._read_level_again(actor, rid, Permission.DISTRIBUTION_LIST, "list"):
            self._ctx.require(actor, Permission.DISTRIBUTION_LIST)  # records the refusal and raises

    def _record_list(self, actor: Actor, basis: _ListBasis, listed: Listed, count: int, **what: str) -> None:
        """The audit entry for a distribution list made (shown or written), in the trail's
        order: only when the list still holds where its entry goes, and saying which state it
        was made from (`as_of`: the newest entry its snapshot held; the report's level, the
        policy version). A change since that the list does not survive (_list_moved) is
        refused: the list would send the report to a client the rules no longer admit, and
        its entry, after that change in the trail, say they were admitted then."""
        # The clients changed meanwhile are looked at first without the lock (a bulk import
        # meanwhile lists many); under it, only what was recorded since.
        with self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            seen = newest_entry(conn)
            moved = self._clients_moved(conn, actor, basis, listed, basis.as_of, seen)
        while not moved:
            try:
                moved = self._record_list_once(actor, basis, listed, seen, count, what)
            except _Refused:  # disabled, locked, another role meanwhile: rolled back
                self._ctx.require(actor, Permission.DISTRIBUTION_LIST)  # records the refusal and raises
                continue  # given back meanwhile: looked at again (as the list was made: `actor`)
            if not moved:
                return
        raise ServiceError(
            f"What the distribution list was made from changed while it was being made (audit entry {moved}: "
            "the report, the firm policy, a client or your account); nothing was recorded and no list was "
            "written. Make the list again."
        )

    def _record_list_once(
        self, actor: Actor, basis: _ListBasis, listed: Listed, seen: int, count: int, what: dict[str, str]
    ) -> int:
        """Record the list under the trail's lock unless it moved (returns the entry it moved
        at, or 0 once recorded); _Refused when its maker may no longer make it."""
        with self._ctx.transaction() as session:
            conn = session.connection()
            in_trail_order(self._ctx, conn)
            current, cause = self._ctx.current_actor_in(conn, actor)
            if cause is not None or not may(current.role, Permission.DISTRIBUTION_LIST):
                raise _Refused
            if (current.branch_id, current.firm_wide) != (actor.branch_id, actor.firm_wide):
                return newest_entry(conn)  # moved to another branch: the list's scope is no longer theirs
            moved = self._list_moved(session, actor, basis, listed, seen)
            if not moved:
                self._ctx.audit(
                    session,
                    actor,
                    AuditAction.DISTRIBUTION_LIST,
                    report_id=basis.report_id,
                    facts={
                        "count": count,
                        **what,
                        "level": basis.level.code if basis.level else None,
                        "policy_version": basis.policy.version,
                        "as_of": basis.as_of,
                    },
                )
            return moved

    def _list_moved(self, session: Session, actor: Actor, basis: _ListBasis, listed: Listed, seen: int) -> int:
        """Under the trail's lock: the entry of a change since the list's snapshot that the
        list does not survive (0: none): the report matched at another level, another policy
        version, another day; a client the list may hold whom the rules no longer admit
        (those recorded up to `seen` were looked at already)."""
        conn = session.connection()
        newest = newest_entry(conn)
        if newest == basis.as_of:
            return 0
        if (
            self._list_level(find_report(session, basis.report_id)) != basis.level
            or self._ctx.policy(session).version != basis.policy.version
            or self._ctx.today() != basis.today
        ):
            return newest
        return self._clients_moved(conn, actor, basis, listed, max(seen, basis.as_of), newest)

    @staticmethod
    def _clients_moved(conn: Connection, actor: Actor, basis: _ListBasis, listed: Listed, after: int, upto: int) -> int:
        """The entry in (after, upto] that changed a client the list may hold whom the rules
        no longer admit (0: none)."""
        rules = eligible_condition(basis.level, basis.today, basis.policy)
        scope = client_scope(actor)
        return clients_changed(conn, listed, after, upto, and_(scope, rules, dates_canonical()), scope)

    def write_eligible(
        self,
        actor: Actor,
        report_ref: str | int,
        out: Path,
        fmt: str | None = None,
        *,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        level_shown: RiskLevel | None | EllipsisType = ...,
    ) -> Written:
        """The distribution list as a CSV or XLSX file (by `fmt`, else the file name), for the
        command line and the GUI alike: rows stream from one query straight to the writer,
        with every cell made in SQL. Producing the list is audited with the file's hash.

        `level_shown`: the level (None: unrated) the caller showed the list would be made
        at; when the report is matched at another level now (re-rated since), nothing is
        written or recorded (LevelConflict, naming the level now).

        A long CSV list on SQLite is made by two processes (_two_halves): the same file,
        byte for byte, from the same state of the store."""
        actor = self._ctx.require(actor, Permission.DISTRIBUTION_LIST)
        self._read_first(actor, report_ref)
        fmt = format_for(out, fmt)
        # The file takes its place when `placing` closes: after its audit entry commits.
        held = Listed()
        with contextlib.ExitStack() as placing:
            written, basis = self._write_list(
                placing, actor, report_ref, out, fmt, progress, cancelled, held, level_shown
            )
            self._record_list(
                actor,
                basis,
                held,
                written.count,
                format=written.format.value,
                file=written.path.name,
                file_sha256=written.sha256,
            )
        log.info("distribution list by %s: report %s, %s clients", actor.username, basis.report_id, written.count)
        return written

    def _write_list(
        self,
        placing: contextlib.ExitStack,
        actor: Actor,
        report_ref: str | int,
        out: Path,
        fmt: ExportFormat,
        progress: Callable[[int], None] | None,
        cancelled: Callable[[], bool] | None,
        held: Listed,
        level_shown: RiskLevel | None | EllipsisType = ...,
    ) -> tuple[Written, _ListBasis]:
        """The list written beside `out`, to be placed when `placing` closes (write_table);
        the clients written noted in `held`; refused before a row is written when the level
        it is made at is not `level_shown` (when given)."""
        with (
            self._ctx.store.commit_counter() as data_version,
            contextlib.ExitStack() as parts,
        ):
            # Read before the list's transaction begins: see _two_halves.
            version = data_version() if data_version is not None and fmt is ExportFormat.CSV else None
            with self._ctx.transaction(read_only=True) as session:
                basis = self._list_basis(session, report_ref)
                level, policy, today = basis.level, basis.policy, basis.today  # 就高
                if level_shown is not ... and level != level_shown:
                    raise _level_changed(basis.report_id, level)
                conn = session.connection()
                listed = _LIST_SELECT.where(
                    client_scope(actor), scanned(eligible_condition(level, today, policy)), dates_canonical()
                )
                split = self._split(conn, out) if version is not None else None
                part = self._part_file(parts, out) if split is not None else None
                if split is None or part is None:
                    chunks: Generator[Sequence[Sequence[Any]] | Verbatim, None, None] = self._sealed_only(
                        conn, listed, driver_chunks(conn, self._sealed_stmt(conn, listed), LIST_CHUNK)
                    )
                else:
                    assert data_version is not None
                    assert version is not None
                    chunks = self._two_halves(conn, listed, split, part, lambda: data_version() == version)
                # Closed when the writing ends, however it ends: cursors and the worker
                # stop then, not whenever the garbage collector gets to them.
                parts.enter_context(contextlib.closing(chunks))
                title_lines = (
                    f"Distribution list 分发名单: report {basis.report_id} {basis.title}",
                    f"Level 风险等级: {level.code if level else 'unrated 未评级'}; policy version {policy.version}; "
                    f"{today.isoformat()}; by {actor.username}"
                    + ("" if actor.firm_wide else f"; branch {branch_codes(session).get(actor.branch_id or 0, '-')}"),
                )
                written = placing.enter_context(
                    write_table(
                        out,
                        fmt,
                        LIST_COLUMNS,
                        held.noting(chunks),
                        title_lines=title_lines,
                        progress=progress,
                        cancelled=cancelled,
                    )
                )
                return written, basis

    @staticmethod
    def _sealed_stmt(conn: Connection, listed: Select[Any]) -> Select[Any]:
        """The list's statement with each row's seal message (built by the database) and seal."""
        return listed.add_columns(investor_message_sql(conn.dialect.name), _t.integrity).order_by(_t.id)

    def _split(self, conn: Connection, out: Path) -> int | None:
        """The last client id the first half of a two-process list covers, or None for one
        process: a short list (starting the worker costs more than it saves), a store that
        is not a file, a target folder that does not exist (write_table says so)."""
        database = conn.engine.url.database
        if not database or database.startswith(":") or not Path(database).is_file():
            return None
        if not out.expanduser().absolute().parent.is_dir():
            return None
        low, high = conn.execute(select(func.min(_t.id), func.max(_t.id))).one()
        if low is None or high - low < TWO_PROCESSES_FROM:
            return None
        return int(low + (high - low) * FIRST_HALF_SHARE)

    @staticmethod
    def _part_file(parts: contextlib.ExitStack, out: Path) -> ListPart | None:
        """The worker's part file beside the list, removed when `parts` closes; None when the
        folder takes no file (the list is then written by one process, whose writer says
        why it cannot write there)."""
        try:
            return parts.enter_context(ListPart(out.expanduser().absolute().parent, out.name))
        except OSError:
            return None

    def _two_halves(
        self,
        conn: Connection,
        listed: Select[Any],
        split: int,
        part: ListPart,
        unchanged: Callable[[], bool],
    ) -> Generator[Sequence[Sequence[Any]] | Verbatim, None, None]:
        """The list in two halves by client id: this process lists ids up to `split`, a
        worker process (listpart) the rest, into a part file that is then appended, with
        the rows the worker could not confirm judged here (_judged) and put in their place.
        The file is byte for byte the one a single process writes (a test compares them).

        Both halves must come from the same state of the store. This process's read
        transaction began after a first reading of SQLite's data_version on a connection of
        its own; once the worker's statement has started (its snapshot fixed), `unchanged`
        reads it again: equal means nothing was committed in between, by any connection of
        any process, so both snapshots are that one state. Otherwise the worker is stopped
        and this process lists the second half too, in its own transaction. A worker that
        fails ends the list with one sentence; no part file is left behind (ListPart)."""
        database = str(conn.engine.url.database)
        chain, key = self._ctx.sealer.row_seal_key()
        second = self._sealed_stmt(conn, listed.where(_t.id > split))
        part.start(
            database=database,
            sql=str(second.compile(conn, compile_kwargs={"literal_binds": True})),
            chain=chain,
            key=key,
            width=len(LIST_COLUMNS),
            chunk=LIST_CHUNK,
        )
        consistent: bool | None = None

        def poll(timeout: float = 0.0) -> None:
            nonlocal consistent
            try:
                part.poll(timeout)
            except ListPartError as exc:
                raise ServiceError(
                    "Writing the distribution list failed: its second process stopped before it finished; "
                    "no file was written. Try again."
                ) from exc
            if consistent is None and part.snapshot_taken:
                consistent = unchanged()
                if not consistent:
                    log.info("the store changed while the list's worker started; listing its half here")
                    part.stop()

        first = self._sealed_only(
            conn, listed, driver_chunks(conn, self._sealed_stmt(conn, listed.where(_t.id <= split)), LIST_CHUNK)
        )
        with contextlib.closing(first):  # its cursor ends here even when the worker fails
            for chunk in first:
                poll()
                yield chunk
        while consistent is not False and part.result is None:
            poll(0.05)
            yield []  # the writer checks for a cancel between chunks
        if not consistent:
            yield from self._sealed_only(conn, listed, driver_chunks(conn, second, LIST_CHUNK))
            return
        assert part.result is not None
        judged = self._judged(conn, listed, [client for _, client in part.result[1]])
        try:
            for data, rows in part.blocks(lambda client: csv_line(judged[client]) if client in judged else None):
                yield Verbatim(data, rows)
        except ListPartChanged as exc:  # swapped in the folder: its rows are not the store's
            raise ServiceError(
                "Writing the distribution list failed: its temporary part file in the target folder was changed "
                "by another program; no file was written. Write the list to a folder only you can write to."
            ) from exc

    def _sealed_only(
        self, conn: Connection, listed: Select[Any], chunks: Iterable[Sequence[Sequence[Any]]]
    ) -> Generator[list[Sequence[Any]], None, None]:
        """Fail closed: a client whose row fails its seal (changed outside suitcheck) is
        left off the list, as `check` blocks it; only the list columns are passed on.

        Each row comes with its seal message as the database built it (investor_message_sql)
        and its seal: a row is kept with no Python work beyond computing the HMAC when the
        seal is `chain:hmac:rest` with this installation's chain, that HMAC and no further
        ':' (rowmac.seals_match) -- exactly when row_ok would accept it as this
        installation's. The others in a chunk (another installation's seal, a value
        suitcheck would not write, a tampered row) are read again, list columns and sealed
        columns together, and judged by RowSealer.ok on investor_message, as `check`
        judges a row."""
        width = len(LIST_COLUMNS)
        project = itemgetter(*range(width))
        messages, seals_of = itemgetter(width), itemgetter(width + 1)
        seal_heads = self._ctx.sealer.row_seal_heads
        for chunk in chunks:
            matched = seals_match(list(map(seals_of, chunk)), seal_heads(map(messages, chunk)))
            if all(matched):
                yield list(map(project, chunk))
                continue
            judged = self._judged(conn, listed, [row[0] for row, ok in zip(chunk, matched, strict=True) if not ok])
            yield [
                project(row) if ok else judged[row[0]]
                for row, ok in zip(chunk, matched, strict=True)
                if ok or row[0] in judged
            ]

    def _judged(self, conn: Connection, listed: Select[Any], ids: list[int]) -> dict[int, Sequence[Any]]:
        """The list rows of these clients whose seal holds by RowSealer.ok (the rule `check`
        applies), read with their sealed columns in one query; the rest are logged."""
        width, rows = len(LIST_COLUMNS), self._ctx.rows
        kept: dict[int, Sequence[Any]] = {}
        if not ids:
            return kept
        stmt = listed.add_columns(*_SEALED_COLUMNS).where(_t.id.in_(ids))
        for row in (row for chunk in driver_chunks(conn, stmt, len(ids)) for row in chunk):
            values = dict(zip(INVESTOR_COLUMNS, row[width:-1], strict=True))
            try:
                message = investor_message(values)
            except UnreadableRecordError:  # a value suitcheck never writes: no seal holds
                message = None
            if message is not None and rows.ok(conn, message, row[-1]):
                kept[row[0]] = tuple(row[:width])
            else:
                log.warning("client %s left off the distribution list: record fails its seal", row[0])
        return kept

    def eligible_count(self, actor: Actor, report_ref: str | int) -> int:
        """How many clients the rules admit, counted in SQL (index ranges only, one
        statement). A row changed outside suitcheck is still counted here: telling it
        apart means reading every row's seal, which is the list's work (the list and
        `eligible` leave it off, and `check` blocks it). A report whose row fails its seal
        is refused here as by the list."""

        actor = self._ctx.require(actor, Permission.DISTRIBUTION_LIST)
        self._read_first(actor, report_ref)
        with self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            rid, facts, sealed, older = report_level(conn, report_ref, self._ctx.rows)
            level = _list_level(rid, facts, sealed, older)  # 就高: the rule `check` applies
            terms = eligible_count_terms(level, self._ctx.today(), self._ctx.policy(conn))
            if not terms:
                return 0
            counts = [
                select(func.count()).select_from(Investor).where(client_scope(actor), part).scalar_subquery()
                for _, part in terms
            ]
            total: Any = counts[0]
            for (sign, _), count in zip(terms[1:], counts[1:], strict=True):
                total = total + count if sign > 0 else total - count
            return int(conn.execute(select(total)).scalar_one())
