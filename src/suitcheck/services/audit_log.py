"""Audit use cases: browse, verify the store's chain, export with a manifest, verify exports."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, Text, cast, func, select
from sqlalchemy.orm import Session

from suitcheck.audit import chain, export_split, keys, verify_split
from suitcheck.audit.export import (
    MANIFEST_SUFFIX,
    ExportError,
    ExportRow,
    ExportVerification,
    sheet_full,
    trail_problem,
    verify_export,
    verify_prefix,
    with_documents,
    write_export,
    xlsx_room,
)
from suitcheck.audit.export_split import ExportWorker
from suitcheck.audit.sealing import Sealer, SealError, attach_report, check_head, os_user, recorded_heads
from suitcheck.domain.calendar import clock_behind, clock_words
from suitcheck.domain.codes import AuditAction, ExportFormat
from suitcheck.domain.decision import Outcome
from suitcheck.domain.identity import mask_id_number
from suitcheck.domain.replay import DECISION_ACTIONS
from suitcheck.domain.roles import Permission, may
from suitcheck.services import files
from suitcheck.services.audit_replay import MAX_SEQS, EntryReplay, ReplayReport, ReplayTally, replay_rows
from suitcheck.services.branches import branch_codes
from suitcheck.services.context import Actor, ServiceContext, in_trail_order
from suitcheck.services.errors import InvalidInput, NotFound, ServiceError
from suitcheck.services.integrity import check_state
from suitcheck.services.scope import entry_scope, names_client, names_staff, sees_all_branches

__all__ = [
    "AuditFilter",
    "AuditService",
    "ExportRow",
    "ExportVerification",
    "VerifyResult",
    "attach_report",
    "parse_public_keys",
    "verify_file_offline",
]
from suitcheck.store.models import AuditEntry, Investor, Report

log = logging.getLogger(__name__)


VerifyResult = chain.VerifyResult  # what verify and replay answer, for the entry points


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    staff: str | None = None
    investor_id: int | None = None
    report_id: int | None = None
    decision: Outcome | None = None
    action: AuditAction | None = None

    def __post_init__(self) -> None:
        # A combo box or a command line hands over the code as text: read it as its enum,
        # so that an unknown code is refused here rather than matching nothing.
        decision, action = self.decision, self.action
        if decision is not None:
            if decision not in Outcome._value2member_map_:
                raise InvalidInput(f"Unknown decision {decision!r}; use allow, block or allow-after-warning.")
            object.__setattr__(self, "decision", Outcome(decision))
        if action is not None:
            if action not in AuditAction._value2member_map_:
                raise InvalidInput(f"Unknown audit action {action!r}.")
            object.__setattr__(self, "action", AuditAction(action))

    @property
    def empty(self) -> bool:
        return self == AuditFilter()

    def to_dict(self) -> dict[str, object]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v.value if isinstance(v, enum.Enum) else v)
            for k, v in dataclasses.asdict(self).items()
            if v is not None
        }


def period_utc(since: dt.date | None, until: dt.date | None) -> str:
    """The instants an export's --since/--until select, in the entries' own UTC stamps:
    the dates are the firm's days (Beijing, UTC+8), which a reader of the manifest in
    another zone, or years later, cannot otherwise tell from UTC days."""
    start = f"from {chain.day_stamp(since)}" if since else "from the first entry"
    end = f"before {chain.day_end_stamp(until)}" if until else "to the last entry"
    return f"{start} {end}"


# An ExportRow's fields in order, selected as plain Core rows (no ORM objects: an export
# streams a million of them).
_ROW_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.staff,
    AuditEntry.action,
    AuditEntry.investor_id,
    AuditEntry.report_id,
    AuditEntry.decision,
    AuditEntry.reasons,
    AuditEntry.facts,
    AuditEntry.prev_hash,
    AuditEntry.entry_hash,
    # The client's columns as text: SQLite keeps bytes written there by hand (not hashed,
    # only shown beside the entry).
    cast(Investor.account, Text),
    cast(Investor.name, Text),
    cast(Investor.id_number, Text),
    Report.title,
    AuditEntry.chain,
    AuditEntry.mac,
)
_ID_NUMBER = 13  # the client_id_number field of an ExportRow
# What a replay reads of an entry (audit_replay.replay_rows).
_REPLAY_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.action,
    AuditEntry.investor_id,
    AuditEntry.report_id,
    AuditEntry.decision,
    AuditEntry.reasons,
    AuditEntry.facts,
)
_V = TypeVar("_V")


# Entries of a period read at a time by a replay (keyset pages, in its one snapshot).
REPLAY_PAGE = 1000


def _pages(conn: Connection, stmt: Select[Any]) -> Iterator[Sequence[Any]]:
    """The rows of `stmt` (seq first) in seq order, REPLAY_PAGE at a time: each page is
    fetched when the one before is used up, in the transaction's one snapshot."""
    last = 0
    while True:
        page = conn.execute(stmt.where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(REPLAY_PAGE)).all()
        yield from page
        if len(page) < REPLAY_PAGE:
            return
        last = page[-1][0]


def _filtered(flt: AuditFilter, actor: Actor) -> Select[Any]:
    """The entries matching `flt` that `actor` sees: for branch-scoped staff only those
    about their branch's clients (services.scope; entries about no client, or about the
    whole firm, need a firm-wide role)."""
    stmt = (
        select(*_ROW_COLUMNS)
        .outerjoin(Investor, Investor.id == AuditEntry.investor_id)
        .outerjoin(Report, Report.id == AuditEntry.report_id)
        .where(entry_scope(actor))
    )
    # `at` is an ISO-8601 UTC string, so string order is time order (an entry stamped while
    # a clock ran ahead counts at the correction after it: chain.recorded_in).
    if flt.since or flt.until:
        stmt = stmt.where(chain.recorded_in(flt.since, flt.until))
    if flt.staff:
        stmt = stmt.where(AuditEntry.staff == flt.staff)
    if flt.investor_id is not None:
        stmt = stmt.where(AuditEntry.investor_id == flt.investor_id)
    if flt.report_id is not None:
        stmt = stmt.where(AuditEntry.report_id == flt.report_id)
    if flt.decision:
        stmt = stmt.where(AuditEntry.decision == flt.decision.value)
    if flt.action:
        stmt = stmt.where(AuditEntry.action == flt.action.value)
    return stmt  # type: ignore[return-value]


def _check_export_targets(out: Path) -> None:
    """The export's file and its manifest beside it may be written there (files.check_target).
    A folder in the manifest's place is found here, not at its rename, which comes after
    the export is recorded and put at `out`: it would be out with no manifest. A folder in
    the export's place (`--out .`, which has no name to put the manifest's beside: "unexpected
    error") or a folder that does not exist is bad input, as for every file suitcheck writes."""
    files.check_target(out)
    out = out.expanduser().absolute()
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder; give a file name.")
    if not out.parent.is_dir():
        raise InvalidInput(f"The folder {out.parent} does not exist.")
    manifest = out.with_name(out.name + MANIFEST_SUFFIX)
    files.check_target(manifest)
    if manifest.is_dir():
        raise InvalidInput(
            f"{manifest} is a folder, and the export's manifest is written there; nothing was written. "
            "Give another name."
        )


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def _rows(
        self,
        session: Session,
        actor: Actor,
        flt: AuditFilter,
        full_id: bool,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
        up_to: int | None = None,
        after: int | None = None,
    ) -> Iterator[Sequence[Any]]:
        """The entries as plain rows in ExportRow's field order, fetched in batches, the
        client's ID number masked unless `full_id`."""
        order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
        stmt = _filtered(flt, actor).order_by(order).offset(offset)
        if up_to is not None:
            stmt = stmt.where(AuditEntry.seq <= up_to)
        if after is not None:
            stmt = stmt.where(AuditEntry.seq > after)
        if limit is not None:
            stmt = stmt.limit(limit)
        result = session.connection().execute(stmt.execution_options(yield_per=5000))
        at, mask = _ID_NUMBER, mask_id_number
        for batch in result.partitions():
            yield from batch if full_id else [(*r[:at], mask(r[at]), *r[at + 1 :]) for r in batch]

    def browse(
        self, actor: Actor, flt: AuditFilter = AuditFilter(), *, limit: int = 200, offset: int = 0
    ) -> list[ExportRow]:
        actor = self._ctx.require(actor, Permission.VIEW_AUDIT)
        with self._ctx.transaction(read_only=True) as session:
            rows = self._rows(session, actor, flt, False, limit=limit, offset=offset, newest_first=True)
            return [ExportRow(*r) for r in rows]

    def count(self, actor: Actor, flt: AuditFilter = AuditFilter()) -> int:
        actor = self._ctx.require(actor, Permission.VIEW_AUDIT)
        with self._ctx.transaction(read_only=True) as session:
            return self._entries(session, actor, flt)

    @staticmethod
    def _entries(session: Session, actor: Actor, flt: AuditFilter, up_to: int | None = None) -> int:
        stmt = _filtered(flt, actor).with_only_columns(AuditEntry.seq)
        if up_to is not None:
            stmt = stmt.where(AuditEntry.seq <= up_to)
        return int(session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())

    def verify(self, actor: Actor, public_keys: list[str] | None = None) -> chain.VerifyResult:
        """Verify the whole trail (links, hashes, MACs, seals at their intervals, the head
        kept beside the key); the verification is recorded and, when it passed, sealed."""
        actor = self._ctx.require(actor, Permission.VERIFY_AUDIT)
        # Without filed keys, the installations this desk trusts (its keyring's): until
        # session 23 every registration the trail holds, so an installation an insider
        # registered in SQL, exactly as `init --join` does, vouched for the decisions they
        # added under it, and the desk's verification said OK.
        trusted = self.trusted_keys(public_keys)
        result = self._caught_up(lambda: self._verify_store(trusted, actor))
        if not public_keys:
            result = _said_at_the_desk(result)
        with self._ctx.transaction() as session:
            # Its author as the store has them where it is recorded (and the trail sealed).
            actor = self._ctx.require_in(session, actor, Permission.VERIFY_AUDIT)
            self._ctx.audit(
                session,
                actor,
                AuditAction.AUDIT_VERIFIED,
                facts={"ok": result.ok, "count": result.count, "bad_seq": result.bad_seq},
            )
            if result.ok:
                self._ctx.sealer.seal(session, self._ctx.now())
        return result

    def _caught_up(self, verify: Callable[[], _V]) -> _V:
        """`verify()` again after taking up the key another process on this key left when it
        sealed (before or while we read), under the chain lock as every append does."""
        result = verify()
        for _ in range(3):
            problem = self._problem(result)
            if problem is None or " is at epoch " not in problem:
                break
            with self._ctx.transaction() as session:
                self._ctx.sealer.catch_up(session)
            result = verify()
        return result

    @contextlib.contextmanager
    def _one_state(self) -> Iterator[Callable[[], bool] | None]:
        """SQLite: a function saying whether nothing was committed to the file since this
        was entered (PRAGMA data_version, read before the read transaction begins and again
        once a second process has fixed its state: equal readings mean both read one
        state). None elsewhere (PostgreSQL shares its snapshot)."""
        with self._ctx.store.commit_counter() as data_version:
            if data_version is None:
                yield None
                return
            before = data_version()
            yield lambda: data_version() == before

    @staticmethod
    def _problem(result: Any) -> str | None:
        verified = result if isinstance(result, chain.VerifyResult) else result.verification
        return None if verified.ok else verified.problem

    def _verify_store(self, trusted: set[str] | None, actor: Actor) -> chain.VerifyResult:
        """The store's verification; a problem with a client or staff row names it only
        when `actor` sees that row (services.scope)."""
        heads = self._recorded_heads()
        with self._one_state() as same, self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            result = self._verify_chain(conn, heads, trusted, same)
            if result.ok:
                checked, problem = check_state(
                    self._ctx,
                    self._ctx.rows,
                    conn,
                    names_client=lambda branch: names_client(actor, branch),
                    names_staff=lambda branch, wide: names_staff(actor, branch, wide),
                )
                # How many rows were compared counts every branch's clients and assessments,
                # a figure only those who see every branch are given (as the branch list's).
                result = dataclasses.replace(result, state_checked=checked if sees_all_branches(actor) else None)
                if problem:
                    result = dataclasses.replace(result, ok=False, problem=problem)
        return result

    def replay(
        self,
        actor: Actor,
        seqs: Sequence[int] = (),
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        verified: Callable[[chain.VerifyResult], None] | None = None,
        each: Callable[[EntryReplay], None] | None = None,
    ) -> ReplayReport:
        """Decide again the decisions recorded in the entries `seqs`, or in every decision's
        entry of a period, from the facts each records under the policy version it names
        (domain.replay), and say which reproduce. Only in a trail that verifies (links,
        hashes, MACs, seals: a replay of a forged entry proves nothing), read in the same
        snapshot as its verification. Branch-scoped verifiers replay their branch's
        entries; another's is answered as one that does not exist. The replay is recorded
        once it has finished (one stopped halfway is not).

        With `each`, every entry is handed to it as it is replayed, in seq order, and not
        kept (the report holds the counts only): a period of a million entries is read in
        pages and never held whole. `verified` is called with the verification once it has
        passed, before the first entry."""
        actor = self._ctx.require(actor, Permission.VERIFY_AUDIT)
        wanted = list(dict.fromkeys(seqs))
        if wanted and (since or until):
            raise InvalidInput("Replay either entries by number or a period (--since/--until), not both.")
        if not wanted and not (since or until):
            raise InvalidInput("Name the entries to replay by number, or a period (--since/--until).")
        if since and until and since > until:
            raise InvalidInput("The start date is after the end date.")
        if any(seq < 1 for seq in wanted):
            raise InvalidInput("An audit entry's number is a whole number from 1.")
        if len(wanted) > MAX_SEQS:
            raise InvalidInput(f"Replay at most {MAX_SEQS} entries by number at once; name a period instead.")
        kept: list[EntryReplay] = []
        report = self._caught_up(
            lambda: self._replayed(actor, wanted, since, until, verified, kept.append if each is None else each)
        )
        if each is None:
            report = dataclasses.replace(report, entries=tuple(kept))
        asked: dict[str, Any] = {"seqs": wanted} if wanted else AuditFilter(since=since, until=until).to_dict()
        if not sees_all_branches(actor):
            with self._ctx.transaction(read_only=True) as session:
                asked["branch"] = branch_codes(session).get(actor.branch_id or 0)
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.VERIFY_AUDIT)
            self._ctx.audit(session, actor, AuditAction.AUDIT_REPLAYED, facts={**asked, **report.recorded_facts()})
        log.info("audit replay by %s: %s", actor.username, report.counts)
        return report

    def _replayed(
        self,
        actor: Actor,
        wanted: list[int],
        since: dt.date | None,
        until: dt.date | None,
        verified: Callable[[chain.VerifyResult], None] | None,
        each: Callable[[EntryReplay], None],
    ) -> ReplayReport:
        heads = self._recorded_heads()
        with self._one_state() as same, self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            verification = self._verify_chain(conn, heads, None, same)
            if not verification.ok:
                return ReplayReport(verification)
            # Only the entries verified: the snapshot holds no other, and the bound says so.
            stmt: Any = (
                _filtered(AuditFilter(since=since, until=until), actor)
                .with_only_columns(*_REPLAY_COLUMNS)
                .where(AuditEntry.seq <= (verification.head_seq or 0))
            )
            rows: Iterable[Sequence[Any]]
            if wanted:
                found = [
                    row
                    for start in range(0, len(wanted), 1000)
                    for row in conn.execute(stmt.where(AuditEntry.seq.in_(wanted[start : start + 1000])))
                ]
                seen = {row[0] for row in found}
                missing = [seq for seq in wanted if seq not in seen]
                # Another branch's entry is answered as one that does not exist (services.scope).
                shown = ", ".join(map(str, missing[:10])) + (" and more" if len(missing) > 10 else "")
                if len(missing) == 1:
                    raise NotFound(f"There is no audit entry {shown}.")
                if missing:
                    raise NotFound(f"There are no audit entries {shown}.")
                rows = sorted(found, key=lambda row: row[0])  # at most MAX_SEQS
            else:
                # The decisions are picked here, not in SQL: with `action IN (...)` SQLite reads
                # each page through the action index and sorts every later decision by seq to
                # find the next thousand (a year's replay took minutes more, quadratically);
                # the primary key's range reads each page's rows once.
                decisions = frozenset(a.value for a in DECISION_ACTIONS)
                rows = (row for row in _pages(conn, stmt) if row[2] in decisions)
            if verified is not None:
                verified(verification)
            tally = ReplayTally()
            for entry in replay_rows(self._ctx, conn, rows):
                tally.add(entry)
                each(entry)
            return ReplayReport(verification, tally=tally)

    def _recorded_heads(self) -> list[tuple[int, str]] | SealError:
        """The heads recorded beside the key, read before the snapshot begins: the record is
        rewritten after every commit of this installation (another window, a batch), so one
        read later may name an entry committed after the snapshot began."""
        sealer = self._ctx.sealer
        try:
            return recorded_heads(sealer.path, sealer.inst, self._ctx.store.display_name)
        except SealError as exc:
            return exc

    def _verify_chain(
        self,
        conn: Connection,
        heads: list[tuple[int, str]] | SealError,
        trusted: set[str] | None,
        same_state: Callable[[], bool] | None,
    ) -> chain.VerifyResult:
        """The trail in this read transaction: links, hashes, MACs, seals at their
        intervals, this installation registered, the head kept beside the key. A long
        trail is verified on two processes (audit.verify_split; `same_state` from
        _one_state)."""
        sealer = self._ctx.sealer
        conn.execute(chain.HEAD).first()  # start the read snapshot before taking the local key
        verifier = verify_split.verify_entries(
            conn, url=self._ctx.store.url, trusted=trusted, local_keys=sealer.local_keys(), same_state=same_state
        )
        result = verifier.finish()
        if result.ok:
            problem = chain.entries_not_in_order(conn, result.count)
            if problem is not None:
                result = dataclasses.replace(result, ok=False, problem=problem)
        if result.ok and sealer.chain not in result.installations:
            result = dataclasses.replace(
                result, ok=False, problem="this installation's registration is missing from the trail"
            )
        if result.ok:
            try:
                if isinstance(heads, SealError):
                    raise heads
                check_head(conn, sealer.path, sealer.inst, self._ctx.store.display_name, heads)
            except SealError as exc:
                result = dataclasses.replace(result, ok=False, problem=str(exc))
        return result

    def fingerprint(self) -> str:
        """The fingerprint of this installation's verification (genesis public) key: what
        compliance compares with the key they filed (About box, `audit key show`)."""
        return keys.fingerprint(self._ctx.sealer.genesis_public_key)

    def key_info(self, actor: Actor | None = None) -> dict[str, Any]:
        """The genesis public keys of every installation registered in the trail (this
        one first), with fingerprints, for compliance to file."""
        sealer = self._ctx.sealer
        with self._ctx.transaction(read_only=True) as session:
            regs = chain.registrations(session)
            valid = set(chain.registered_row_keys(session))
        installations = []
        for reg in regs:
            genesis = str(reg.get("genesis_public_key", ""))
            name = reg.get("chain")
            try:
                printable, printed, owner = (
                    keys.printable_public(genesis),
                    keys.fingerprint(genesis),
                    keys.chain_id(genesis),
                )
            except ValueError:
                continue  # not a public key (a row written in SQL): it registers nothing anywhere
            # The installation a desk checks rows with: its chain's registration as `verify`
            # accepts it, with this key. Another row naming that chain (inserted in SQL, with
            # a key of the inserter's own) is listed, but is neither this desk nor trusted.
            genuine = isinstance(name, str) and name in valid and owner == name
            installations.append(
                {
                    "chain": reg.get("chain"),
                    "public_key": printable,
                    "public_key_hex": genesis,
                    "fingerprint": printed,
                    "registered_at": reg.get("at"),
                    "registered_seq": reg.get("seq"),
                    "event": reg.get("event"),
                    "this_installation": genuine and name == sealer.chain,
                    # Whether this desk accepts rows this installation seals (its keyring's
                    # trusted installations; `audit key trust` adds one). Additive.
                    "trusted_here": genuine and (name == sealer.chain or sealer.trusts(str(name))),
                    # Whether `audit verify` accepts this row as a registration (additive): one
                    # inserted in SQL under no number or without its proof is listed as such,
                    # and its key is not printed for compliance to file (cli._key_lines).
                    "accepted": genuine,
                }
            )
        installations.sort(key=lambda d: not d["this_installation"])
        return {
            "store": self._ctx.store.display_name,
            "installation": sealer.chain,
            "public_key": keys.printable_public(sealer.genesis_public_key),
            "fingerprint": keys.fingerprint(sealer.genesis_public_key),
            "installations": installations,
        }

    def correct_clock(self, actor: Actor, reason: str) -> dict[str, Any]:
        """Record that entries at the trail's end were stamped while this desk's clock ran
        ahead, so that the trail takes the clock as it now reads (administrators, with a
        reason). Without it a desk whose clock was set a year ahead and then put right would
        decide nothing for a year (ServiceContext.now refuses a clock behind the trail).

        Refused unless the clock reads behind the trail's newest entry (there is nothing to
        correct otherwise). The correction is the one entry dated before the entry it
        follows: it names that entry, its moment, the clock it accepts, the reason and the
        operating-system user, and every later entry must be no earlier than it. On a shared
        PostgreSQL store the clock accepted must still agree with the database server's
        (the store's one clock), so a correction there cannot set the time back."""
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidInput(
                "Give the reason for the clock correction (recorded in the trail), e.g. "
                '"clock ran a year ahead after the BIOS battery was replaced".'
            )
        ctx = self._ctx
        with ctx.clock_unchecked():  # the clock is behind the trail: that is what is corrected
            actor = ctx.require(actor, Permission.CORRECT_CLOCK)
        reading = ctx.clock()
        # Unchecked for the whole unit of work: its author's standing is read again in it (a
        # lockout's end compared with now()), and a refusal it meets is recorded after it.
        with ctx.clock_unchecked(), ctx.transaction() as session:
            actor = ctx.require_in(session, actor, Permission.CORRECT_CLOCK)
            conn = session.connection()
            chain.lock_chain(conn)
            head = conn.execute(chain.HEAD).first()
            newest_at = chain.stamp_moment(head[2]) if head is not None else None
            if head is None or newest_at is None:
                raise InvalidInput(
                    "The audit trail holds no entry whose moment can be read; there is nothing to correct and "
                    "nothing was recorded."
                )
            if not clock_behind(reading, newest_at):
                clock, seq, newest = clock_words(reading), head[0], clock_words(newest_at)
                raise InvalidInput(
                    f"This computer's clock reads {clock}, not earlier than the newest entry of the audit trail "
                    f"(entry {seq}, {newest}); there is nothing to correct and nothing was recorded."
                )
            seq = head[0]
            entry = ctx.sealer.append(
                session,
                at=reading,
                staff=actor.username,
                action=AuditAction.CLOCK_CORRECTED.value,
                facts={
                    "reason": reason,
                    "clock": chain.utc_stamp(reading),
                    "newest": chain.utc_stamp(newest_at),
                    "newest_seq": seq,
                    "os_user": os_user(),
                },
                accept_behind=True,
            )
        log.warning("clock correction recorded by %s: entries up to %s were stamped ahead", actor.username, seq)
        return {
            "seq": entry.seq,
            "clock": chain.utc_stamp(reading),
            "newest": chain.utc_stamp(newest_at),
            "newest_seq": seq,
        }

    def trust_installation(self, actor: Actor, ref: str, reason: str = "") -> dict[str, Any]:
        """Trust another installation of this store at this desk (administrators): from now
        on rows it seals hold here. `ref`: its chain or its fingerprint, as `audit key show`
        prints them. Only an installation validly registered in the trail (as `verify`
        accepts it) can be trusted; the trust is written to this desk's keyring, which an
        insider with SQL access cannot write, and recorded in the trail. Returns the
        installation and `status`: "trusted", "already-trusted" or "this-installation"."""
        actor = self._ctx.require(actor, Permission.TRUST_INSTALLATION)
        sealer = self._ctx.sealer
        wanted = "".join(ref.split()).lower()
        written: list[str] = []  # the chain this call wrote to the keyring, if it did
        try:
            return self._trust(actor, sealer, ref, wanted, reason, written)
        except BaseException:
            # Not committed (or not known to be): a trust with no entry saying so would be
            # one nobody can account for. Taken back; running the command again gives it.
            for name in written:
                try:
                    sealer.untrust(name)
                except (SealError, keys.AuditKeyError, OSError) as exc:
                    log.error("installation %s trusted at this desk but not recorded, and not undone: %s", name, exc)
            raise

    def _trust(
        self, actor: Actor, sealer: Sealer, ref: str, wanted: str, reason: str, written: list[str]
    ) -> dict[str, Any]:
        with self._ctx.transaction() as session:
            # Its author as the store has them where the trust is recorded (and the keyring written).
            actor = self._ctx.require_in(session, actor, Permission.TRUST_INSTALLATION)
            valid = set(chain.registered_row_keys(session))
            found: tuple[str, str] | None = None
            for reg in chain.registrations(session):
                name, genesis = reg.get("chain"), reg.get("genesis_public_key")
                if not (isinstance(name, str) and isinstance(genesis, str) and name in valid):
                    continue
                try:
                    if keys.chain_id(genesis) != name:
                        continue
                    printed = keys.fingerprint(genesis)
                except ValueError:
                    continue
                if wanted in (name.lower(), printed, printed.replace(":", "")):
                    found = (name, printed)
                    break
            if found is None:
                shown = ref.strip()[:64]
                raise InvalidInput(
                    f"No installation {shown!r} is validly registered in this store's audit trail; "
                    "`suitcheck audit key show` lists the installations and their fingerprints."
                )
            name, printed = found
            result: dict[str, Any] = {"chain": name, "fingerprint": printed}
            if name == sealer.chain:
                return {**result, "status": "this-installation"}
            if name in sealer.trusted_chains() or sealer.trusts(name):
                return {**result, "status": "already-trusted"}
            self._ctx.audit(
                session,
                actor,
                AuditAction.INSTALLATION_TRUSTED,
                facts={"chain": name, "fingerprint": printed, "reason": reason.strip()},
            )
            # Last, inside the transaction: a keyring that cannot be written rolls the record back.
            if sealer.trust(name):
                written.append(name)
        log.warning("installation %s trusted at this desk by %s", name, actor.username)
        return {**result, "status": "trusted"}

    def trusted_keys(self, public_keys: list[str] | None) -> set[str]:
        """The genesis keys an export is verified with: the given ones, else this desk's own
        and those of the installations its keyring trusts (Sealer.trusts), as the trail
        registers them (chain.accepted_registrations). Not every installation the store
        registers: whoever can write the store can register one with a key of their own,
        exactly as `init --join` does, and sign an export of their own making with it; the
        desk does not accept that installation's row seals, nor its word for an export."""
        if public_keys:
            return parse_public_keys(public_keys)
        sealer = self._ctx.sealer
        with self._ctx.transaction(read_only=True) as session:
            registered = chain.accepted_registrations(session)
        trusted = {genesis for name, (genesis, _) in registered.items() if name == sealer.chain or sealer.trusts(name)}
        return trusted | {sealer.genesis_public_key}

    def verify_file(
        self,
        actor: Actor,
        path: Path,
        earlier: Path | None = None,
        public_keys: list[str] | None = None,
        documents: Sequence[Path] = (),
    ) -> ExportVerification:
        """Verify an export; with `earlier`, also prove that export is its prefix; with
        `documents`, find the entry of the export that recorded writing each (export.with_documents).
        Trusts the given public keys, else this desk's installation and those its keyring
        trusts (trusted_keys)."""
        self._ctx.require(actor, Permission.VERIFY_AUDIT)
        return verify_file_offline(path, self.trusted_keys(public_keys), earlier, documents)

    def export(
        self,
        actor: Actor,
        out: Path,
        fmt: ExportFormat | str,
        flt: AuditFilter = AuditFilter(),
        *,
        full_id_numbers: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        """Export entries. ID numbers are masked unless asked for and the role may see them.
        Branch-scoped staff export the entries about their branch's clients (the manifest
        names the branch as a filter)."""
        actor = self._ctx.require(actor, Permission.EXPORT_AUDIT)
        if fmt not in ExportFormat._value2member_map_:
            raise InvalidInput(f"Unknown export format {fmt!r}; use csv, xlsx or jsonl.")
        fmt = ExportFormat(fmt)
        if full_id_numbers:
            self._ctx.require(actor, Permission.SEE_FULL_ID)
        full = full_id_numbers and may(actor.role, Permission.SEE_FULL_ID)
        if flt.since and flt.until and flt.since > flt.until:
            raise InvalidInput("The start date is after the end date.")
        _check_export_targets(out)
        now = self._ctx.now()
        sealer = self._ctx.sealer
        seal, ladder, store_id = self._sealed_for_export(now)
        head = ladder[-1]
        epoch, public_key, _ = sealer.sign(b"")
        filters = self._export_filters(actor, flt)
        # Read before the export's snapshot begins, as verify reads them (_recorded_heads).
        heads = self._recorded_heads() if filters else None
        context = {
            "filtered": bool(filters),
            "filters": filters,
            "full_id_numbers": full,
            "exported_at": chain.utc_stamp(now),
            "exported_by": actor.username,
            "store_id": store_id,
            "store_head": {"seq": seal.seq, "hash": seal.entry_hash, "signature": head["signature"] if head else None},
            "signer": {
                "chain": sealer.chain,
                "genesis_public_key": sealer.genesis_public_key,
                "epoch": epoch,
                "public_key": public_key,
            },
            "ladder": ladder,
        }

        def sign(message: bytes) -> str:
            signed_epoch, _, signature = sealer.sign(message)
            if signed_epoch != epoch:
                raise ExportError("Another process sealed during the export; export again.")
            return signature

        mask = None if full else mask_id_number

        def record(manifest: dict[str, Any]) -> None:
            """The export's own entry, committed before the file takes its place."""
            trail = manifest.get("trail_verified")
            facts = {
                "format": fmt.value,
                "file": out.name,
                "count": manifest["count"],
                "last_hash": manifest["last_hash"],
                "full_id_numbers": full,
                "filters": filters,
                # Where its entries end (its seal): a filtered file's last entry does not
                # say, and entries recorded after the seal are not in it.
                "through_seq": seal.seq,
                **({} if trail is None else {"trail_verified": trail["ok"]}),
            }
            self._record_export(actor, full, facts)

        try:
            with self._one_state() as same, self._ctx.transaction(read_only=True) as session:
                if fmt is ExportFormat.XLSX and self._entries(session, actor, flt, seal.seq) > xlsx_room():
                    raise InvalidInput(str(sheet_full()))  # the format asked for: before a minute of writing
                if heads is not None:
                    context["trail_verified"] = self._trail_verified(session.connection(), heads, same)
                up_to, part = self._split(session, actor, flt, fmt, seal.seq, mask, same)
                manifest = write_export(
                    out,
                    fmt,
                    self._rows(session, actor, flt, True, up_to=up_to),
                    sign=sign,
                    context=context,
                    mask_id=mask,
                    progress=progress,
                    part=part,
                    record=record,
                )
        except ExportError as exc:
            raise ServiceError(str(exc)) from exc
        log.info("audit export by %s: %s entries to %s (%s)", actor.username, manifest["count"], out.name, fmt)
        return manifest

    def _record_export(self, actor: Actor, full: bool, facts: dict[str, Any]) -> None:
        """The export's entry, in the trail's order, for its maker as the staff row now
        stands: one disabled, locked or whose password was reset while the file was written
        (or no longer allowed full ID numbers) gets no file; the refusal is recorded, as
        `require` records one, and raised (until session 24 the file was placed and its
        export recorded after the staff-disabled entry)."""
        with self._ctx.transaction() as session:
            # The staff row first, then the trail (require_in: the order that never deadlocks).
            self._ctx.require_in(session, actor, Permission.EXPORT_AUDIT)
            if full:
                self._ctx.require_in(session, actor, Permission.SEE_FULL_ID)
            in_trail_order(self._ctx, session.connection())
            self._ctx.audit(session, actor, AuditAction.EXPORT, facts=facts)

    def _sealed_for_export(self, now: dt.datetime) -> tuple[Any, list[dict[str, Any]], str]:
        """Seal first: the export ends at this seal, so every entry in it verifies with the
        genesis public key alone, and the manifest is signed by the next epoch's key. Then
        the seals of this installation (the manifest's ladder), which must end at that seal:
        otherwise another window of this desk sealed after it, and the key that seal retired
        is the one this process would sign with (until session 24 such a file was placed and
        recorded, and verified nowhere: "the manifest's signing key is not the one its seals
        lead to")."""
        sealer = self._ctx.sealer
        with self._ctx.transaction() as session:
            seal = sealer.seal(session, now)
        with self._ctx.transaction(read_only=True) as session:
            ladder = chain.seal_ladder(session.connection(), sealer.chain)
            store_id = sealer.store_id
        if not ladder or ladder[-1]["seq"] != seal.seq:
            raise ServiceError("Another process sealed during the export; export again.")
        return seal, ladder, store_id

    def _trail_verified(
        self, conn: Connection, heads: list[tuple[int, str]] | SealError, same_state: Callable[[], bool] | None
    ) -> dict[str, Any]:
        """What a filtered export's manifest says of the trail, verified in the snapshot its
        entries are read from. Such an export holds entries without their neighbours, so
        nothing in the file can show a broken link: its signature is all that vouches for
        each entry, and it vouches only for the entries of a trail that verified. A trail
        that fails is exported all the same (compliance investigates with the file), its
        signed manifest saying so, and the file fails verification (trail_failure)."""
        result = self._verify_chain(conn, heads, None, same_state)
        if not result.ok and (result.problem or "").endswith("the trail is newer than this installation's key"):
            # Another process on this key sealed after this export's seal: no damage to
            # record in a manifest. Taking its key up (as verify does) would leave the
            # manifest to a key other than the one this export began with (sign above).
            raise ExportError("Another process sealed during the export; export again.")
        trail: dict[str, Any] = {"ok": result.ok, "entries": result.count, "through_seq": result.head_seq}
        if not result.ok:
            trail |= {"bad_seq": result.bad_seq, "problem": result.problem}
        else:
            # What the verification took on trust, for the file's verifier to weigh with the
            # keys it trusts (audit.export.untrusted_installation, _awaiting_seal): every registration
            # was accepted here (no keys are filed with a desktop), and another installation's
            # entries after its last seal could not be MAC-checked (only its own key can).
            trail |= {"installations": list(result.installations), "sealed_through": chain.sealed_through(conn)}
        return trail

    def _export_filters(self, actor: Actor, flt: AuditFilter) -> dict[str, Any]:
        """What the manifest and the export's entry say was selected: the filter, the
        instants its days stand for, and a branch-scoped exporter's branch."""
        filters: dict[str, Any] = flt.to_dict()
        if flt.since or flt.until:
            filters["period_utc"] = period_utc(flt.since, flt.until)
        if not sees_all_branches(actor):
            with self._ctx.transaction(read_only=True) as session:
                filters["branch"] = branch_codes(session).get(actor.branch_id or 0)
        return filters

    def _split(
        self,
        session: Session,
        actor: Actor,
        flt: AuditFilter,
        fmt: ExportFormat,
        last: int,
        mask: Callable[[str | None], str | None] | None,
        same_state: Callable[[], bool] | None = None,
    ) -> tuple[int, ExportWorker | None]:
        """Where this process's rows end, and the second process that writes the rest of a
        large CSV or JSONL export (None: this process writes every row up to `last`). Call
        first in the export's read transaction: it fixes the state both processes read."""
        if fmt == ExportFormat.XLSX:
            return last, None
        postgres = self._ctx.store.engine.dialect.name == "postgresql"
        conn = session.connection()  # a read-only session's: one snapshot (REPEATABLE READ; store.engine)
        snapshot = str(conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()) if postgres else None
        head = export_split.read_head(conn)
        span = select(func.min(AuditEntry.seq)).where(AuditEntry.seq <= last)
        if flt.since:
            span = span.where(AuditEntry.at >= chain.day_stamp(flt.since))
        first = session.execute(span).scalar()
        if first is None or last - first + 1 < export_split.SPLIT_FROM:
            return last, None
        mid = last - int((last - first + 1) * export_split.WORKER_SHARE)
        stmt = _filtered(flt, actor).where(AuditEntry.seq > mid, AuditEntry.seq <= last).order_by(AuditEntry.seq)
        worker = export_split.ExportWorker.prepare(
            self._ctx.store.url,
            export_split.compile_statement(stmt, conn.dialect),
            head,
            snapshot,
            fmt.value,
            mask,
            lambda: self._rows(session, actor, flt, True, up_to=last, after=mid),
            same_state,
        )
        return mid, worker


def export_warning(manifest: dict[str, Any]) -> str | None:
    """What the exporter is told when the export was written from a trail that failed
    verification (its signed manifest says so: AuditService._trail_verified), else None."""
    problem = trail_problem(manifest)
    if problem is None:
        return None
    message = (
        f"The audit trail fails verification ({problem}). The export was written for investigation, and its "
        "signed manifest says so: the file will not verify. Run `suitcheck audit verify` and report it to compliance."
    )
    return message


def parse_public_keys(values: list[str]) -> set[str]:
    """Public keys given on the command line: each a key (hex or `suitcheck-ed25519:…`)
    or a file holding them (one a line, as `audit key show` prints; other text ignored)."""
    found: set[str] = set()
    for value in values:
        candidate = Path(value).expanduser()
        texts = [value]
        if len(value) < 4096 and candidate.is_file():
            try:
                texts = candidate.read_text(encoding="utf-8").split()
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidInput(f"The public key file {value} cannot be read.") from exc
            texts = [t.strip(",;\"'") for t in texts if t.strip(",;\"'").startswith("suitcheck-ed25519:")]
            if not texts:
                raise InvalidInput(f"The file {value} holds no suitcheck public key.")
        for text in texts:
            try:
                found.add(keys.public_hex(keys.load_public(text)))
            except keys.AuditKeyError as exc:
                raise InvalidInput(str(exc)) from exc
    return found


_NOT_FILED = re.compile(
    r"entry (\d+) registers installation ([0-9a-f]{16}), whose genesis key is not among the trusted public keys"
)


def _said_at_the_desk(result: chain.VerifyResult) -> chain.VerifyResult:
    """A registration the desk's keyring does not trust, said as the desk says it of a row
    such an installation sealed (no public keys were given to be "among")."""
    found = _NOT_FILED.fullmatch(result.problem or "")
    if found is None:
        return result
    seq, by = found.groups()
    problem = (
        f"entry {seq} registers installation {by}, which this desk does not trust "
        f"(`suitcheck audit key trust {by}` once compliance has filed its key)"
    )
    return dataclasses.replace(result, problem=problem)


def verify_file_offline(
    path: Path, trusted: set[str], earlier: Path | None = None, documents: Sequence[Path] = ()
) -> ExportVerification:
    """Verify an export with only public keys: no store, no secret, no login; with
    `documents`, also find the entry of the export that recorded writing each
    (export.with_documents). A file that is missing is bad input; a manifest missing or
    damaged, or rows that cannot be read, fail the verification."""
    for given in (path, earlier, *documents):
        if given is not None and not given.expanduser().is_file():
            raise InvalidInput(f"There is no file {given}.")
    try:
        check = verify_prefix(earlier, path, trusted) if earlier is not None else verify_export(path, trusted)
        return with_documents(check, path, documents)
    except ExportError as exc:
        return ExportVerification(chain.VerifyResult(False, 0, problem=str(exc)), "missing", {})
