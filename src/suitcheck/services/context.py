"""What every service shares: the store, the clock, the audit key, and permission checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine, bindparam, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from suitcheck.audit import chain
from suitcheck.audit.keys import AuditKeyError
from suitcheck.audit.sealing import BatchEntry, ClockMismatch, Sealer
from suitcheck.domain.branches import effective_firm_wide
from suitcheck.domain.calendar import clock_behind, clock_words, firm_day
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.policy import Policy, PolicyError
from suitcheck.domain.replay import MAX_POLICY_VERSION
from suitcheck.domain.roles import Permission, Role, may
from suitcheck.services import files
from suitcheck.services.errors import (
    AuthenticationFailed,
    ClockWrong,
    Conflict,
    InvalidInput,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ServiceError,
    StoreUnavailable,
)
from suitcheck.services.integrity import RecordIntegrityError, RowSealer
from suitcheck.store.engine import IDLE_IN_TRANSACTION_ENDED, Store, describe_db_error, on_commit
from suitcheck.store.models import AuditEntry, PolicyVersion, Staff, UnreadableValue
from suitcheck.store.prepared import Prepared

log = logging.getLogger(__name__)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True)
class Actor:
    """An authenticated staff member. Only AuthService.login creates these.

    `branch_id` and `firm_wide` say whose clients they see (services.scope); like the
    role they are read again from the store by `require` on every call. An actor made
    without them sees no client at all (fail closed)."""

    staff_id: int
    username: str
    role: Role
    display_name: str = ""
    # Which password the session was opened with (credential_tag of its hash): a change or
    # an administrator's reset ends every session opened with the old one.
    credential: str = dataclasses.field(default="", repr=False)
    branch_id: int | None = None
    firm_wide: bool = False


class StandingLost(ServiceError):
    """The actor's standing, read again inside the unit of work that makes a change, no
    longer grants it (disabled, locked, reset, given another role meanwhile). The unit of
    work it ends records the refusal (after rolling back) and raises what `require` raises."""

    def __init__(
        self,
        actor: Actor,
        permission: Permission,
        cause: str | None,
        refusal: str | None = None,
        target: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(refusal or cause or permission.value)
        self.actor, self.permission, self.cause, self.refusal = actor, permission, cause, refusal
        self.target = dict(target or {})  # what the refusal names (a report), as `require`'s **target


def refused_for_branch(actor: Actor, permission: Permission, refusal: str) -> StandingLost:
    """Raised inside a unit of work when the role may but the actor's branch may not (a
    record for another branch): the unit rolls back and records the refusal as
    require_firm_wide does, then raises PermissionDenied(refusal)."""
    return StandingLost(actor, permission, None, refusal)


@functools.lru_cache(maxsize=64)
def credential_tag(password_hash: str) -> str:
    # Kept per hash (a few staff per desk): every check compares the session's tag with
    # the tag of the hash its staff row holds now, read again in the check's transaction.
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:32]


# The store itself acts when it seeds demo data or creates the first admin.
SYSTEM = Actor(staff_id=0, username="system", role=Role.ADMIN, display_name="system", firm_wide=True)


class HiddenClient(NotFound):
    """A client outside the actor's branch, reported exactly as a missing one. The
    transaction it ends records the attempt (after rolling back) and raises a plain
    NotFound with the same sentence (services.scope raises it). `investor_id` None: a
    branch-scoped actor's reference to no client at all, recorded alike (client-not-found),
    so that the trail does not tell the two apart either. `answer`: the error the
    user gets instead, when the refusal is another (a new client's account number that
    another branch's client holds is refused as a duplicate, as for any client)."""

    def __init__(
        self,
        message: str,
        actor: Actor,
        investor_id: int | None,
        facts: Mapping[str, Any],
        answer: type[ServiceError] = NotFound,
    ) -> None:
        super().__init__(message)
        self.actor = actor
        self.investor_id = investor_id
        self.facts = dict(facts)
        self.answer = answer


# What a unique index holds, for the sentence when another desk stored the same one between
# this unit of work's look for it and its insert (PostgreSQL, read committed), by the name
# PostgreSQL gives the constraint (store.models' naming convention). SQLite's writers hold
# the write lock from their first statement, so there a unique index refusing a row is no
# such race, and stays the store's error.
_STORED_MEANWHILE_SENTENCES = {
    ("investor", "account"): (
        "Another desk stored a client with this account number at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
    ("investor", "id_number"): (
        "Another desk stored a client with this ID number at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
    ("staff", "username"): (
        "Another desk stored a staff account with this user name at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
    ("branch", "code"): (
        "Another desk stored a branch with this code at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
    ("report", "content_hash"): (
        "Another desk stored this report at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
    ("policy", "version"): (
        "Another desk stored a new policy version at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
    ("questionnaire", "version"): (
        "Another desk stored a new questionnaire version at the same moment; nothing was done. "
        "Look again, and try again if it is still needed."
    ),
}
_CONSTRAINTS = {
    **{f"uq_{table}_{column}": (table, column) for table, column in _STORED_MEANWHILE_SENTENCES},
    "pk_policy": ("policy", "version"),
    "pk_questionnaire": ("questionnaire", "version"),
}


def outcome_unknown_sentence(where: str) -> str:
    return (
        f"The connection to the database server for {where} was lost while it committed this work, so "
        "whether it was recorded is unknown; look in the audit trail before doing it again."
    )


def stored_meanwhile(exc: sa_exc.IntegrityError) -> str | None:
    """The sentence saying another desk stored the same thing first, when `exc` is a unique
    index refusing this desk's copy of it; None for anything else (an audit entry's number
    taken is no such race)."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)  # psycopg's; sqlite3's errors have none
    if diag is None or getattr(orig, "sqlstate", None) != "23505":
        return None
    key = _CONSTRAINTS.get(str(diag.constraint_name or ""))
    return _STORED_MEANWHILE_SENTENCES.get(key) if key else None


@dataclasses.dataclass
class ServiceContext:
    store: Store
    audit_key_path: Path
    sealer: Sealer
    clock: Callable[[], dt.datetime] = system_clock
    # On a shared PostgreSQL store, whether the database server's clock is the store's one
    # clock (decisions taken on its day, entries refused when the desk's clock is away from
    # it). None: when the context runs on the desktop's own clock; tests that inject a clock
    # (a day in 2026) turn it on only to test it.
    server_clock: bool | None = None

    def __post_init__(self) -> None:
        self.sealer.server_clock = (self.clock is system_clock) if self.server_clock is None else self.server_clock
        # Per thread: the server's moment of the unit of work under way (PostgreSQL, taken
        # with the chain lock), how deep units of work are nested, the staff member last
        # acting here (named by a clock refusal), and whether the clock is not checked
        # (recording a refusal, or the administrator correcting a clock set ahead).
        self._clock_state = threading.local()
        self.rows = RowSealer(self)
        # The policy row last found sound and its parsed policy: (version, document, seal, policy).
        self._last_policy: tuple[object, object, object, Policy] | None = None
        # The trail's newest policy-change entry last read and the newest version the
        # trail records storing up to it: (seq, version).
        self._policy_trail: tuple[object, int | None] | None = None
        # Whether this thread's unit of work has sent its COMMIT (the engine's "commit"
        # event comes just before the driver's commit): a connection lost after that
        # leaves the outcome unknown, one lost before it recorded nothing.
        self._commit_sent = threading.local()
        # Told through the thread-local, not a method of the context: nothing the engine
        # holds may keep the context alive (see _kept below).
        on_commit(self.store.engine, functools.partial(_committing, self._commit_sent))
        self._kept = _KeptConnection(self.store.engine, self.store.is_sqlite)
        # Given back when the context goes (a desk that never called close()), never left to
        # the garbage collector, which SQLAlchemy reports as an error for a connection out.
        # The kept connection holds the engine, which holds nothing of the context.
        weakref.finalize(self, self._kept.close)
        self.store.on_before_flush(self.rows.install)
        database = self.store.url.database if self.store.is_sqlite else None
        files.protect(Path(database) if database else None, self.audit_key_path)

    def now(self) -> dt.datetime:
        """The moment every service decides and records by. On a shared PostgreSQL store,
        inside a unit of work that took the trail's lock before deciding (a check), the
        database server's clock; otherwise the desktop's, which must not read behind the
        newest entry of the audit trail (beyond domain.calendar.CLOCK_TOLERANCE): a clock
        set back (an expired assessment valid again) or one corrected after it ran ahead
        raises ClockWrong, and the refusal is recorded, dated at the trail's newest moment.
        Costs one comparison: the floor is the newest entry this desk has read or written."""
        state = self._clock_state
        server: dt.datetime | None = getattr(state, "server", None)
        if server is not None:
            return server
        reading = self.clock()
        floor = self.sealer.floor
        if floor is not None and clock_behind(reading, floor[1]):
            return self._behind(reading)
        return reading

    def today(self) -> dt.date:
        """The firm's calendar day (Beijing time, domain.calendar) of now(), whatever time
        zone the desktop is set to."""
        return firm_day(self.now())

    def shown_now(self) -> dt.datetime:
        """A moment for what a window shows before anything is decided (a default date, a
        file name): the desktop's clock, or the trail's newest moment when the clock reads
        behind it. Never raises; nothing is decided or recorded by it."""
        reading = self.clock()
        floor = self.sealer.floor
        return floor[1] if floor is not None and floor[1] > reading else reading

    def shown_today(self) -> dt.date:
        return firm_day(self.shown_now())

    def use_server_moment(self, server: dt.datetime | None) -> None:
        """Inside a unit of work that holds the trail's lock: decide and record by the
        database server's clock `server` (chain.lock_chain answers it) for the rest of the
        unit, when the server's clock is the store's one clock here."""
        depth: int = getattr(self._clock_state, "depth", 0)
        if server is not None and self.sealer.server_clock and depth:
            self._clock_state.server = server

    def check_clock(self, actor: Actor) -> None:
        """Refuse (and record, naming `actor`) a clock behind the trail, as now() does; not
        inside clock_unchecked."""
        self._clock_state.actor = actor
        self.now()

    def signing_in(self) -> None:
        """A sign-in begins on this thread: a clock refused before anyone is authorised is
        recorded as the system's, not as whoever acted here last."""
        self._clock_state.actor = None

    @contextmanager
    def clock_unchecked(self) -> Iterator[None]:
        """now() does not refuse a clock behind the trail in this block: it answers the
        trail's newest moment instead (shown_now). For recording a refusal and for the
        administrator who records a clock correction (signing in, being authorised)."""
        state = self._clock_state
        was = getattr(state, "unchecked", False)
        state.unchecked = True
        try:
            yield
        finally:
            state.unchecked = was

    def _behind(self, reading: dt.datetime) -> dt.datetime:
        """The clock reads behind the trail's newest entry as this desk last saw it. Read the
        newest entry again (another program may have recorded a correction since), then
        refuse, recording it when no unit of work is under way (else the unit does, after
        it rolled back)."""
        state = self._clock_state
        if getattr(state, "unchecked", False):
            return self.shown_now()
        inside = getattr(state, "depth", 0)
        if not inside:  # (inside a unit of work, the unit reads it again after its rollback)
            self.refresh_floor()
        floor = self.sealer.floor
        if floor is None or not clock_behind(reading, floor[1]):
            return reading
        exc = clock_wrong(reading, newest=floor[1], seq=floor[0])
        if not inside:
            self._record_clock(exc)
        raise exc

    def refresh_floor(self) -> None:
        """Read the trail's newest entry: the floor now() holds the desk's clock to."""
        try:
            with self.store.engine.connect() as conn:
                head = conn.execute(chain.HEAD).first()
        except Exception as exc:  # noqa: BLE001 - the floor as last seen stands
            log.warning("the audit trail's newest entry could not be read again: %s", type(exc).__name__)
            return
        if head is not None:
            self.sealer.see_stored(head[0], chain.stamp_moment(head[2]))

    def _record_clock(self, exc: ClockWrong) -> None:
        """Record a refusal for a wrong clock in a unit of work of its own, dated at the
        trail's newest moment (or the server's clock, when it is known): never at the false
        one, and never before an entry already in the trail."""
        if exc.recorded:
            return
        exc.recorded = True
        actor = getattr(self._clock_state, "actor", None) or SYSTEM
        facts: dict[str, Any] = {"clock": chain.utc_stamp(exc.reading)}
        if exc.newest is not None:
            facts |= {"newest": chain.utc_stamp(exc.newest), "newest_seq": exc.seq}
        if exc.server is not None:
            facts["server"] = chain.utc_stamp(exc.server)
        try:
            with self.clock_unchecked(), self.transaction() as session:
                self.sealer.append(
                    session,
                    at=exc.server or exc.newest or exc.reading,
                    staff=actor.username,
                    action=AuditAction.CLOCK_WRONG.value,
                    facts=facts,
                    clamp=True,
                )
        except ServiceError as failure:
            log.error("a refusal for a wrong clock could not be recorded: %s", failure)
        log.warning("clock refused: %s", exc)

    @contextmanager
    def transaction(self, read_only: bool = False) -> Iterator[Session]:
        """One unit of work: the change and its audit entry commit together or not at all."""
        with self._unit(seal=not read_only), self.store.session(read_only=read_only) as session:
            yield session

    @contextmanager
    def core_transaction(self, held: Connection | None = None) -> Iterator[Connection]:
        """A unit of work on a plain connection, for hot paths that need no ORM objects.
        `held`: a connection the caller keeps open across many units of work (a batch),
        each still its own transaction."""
        if held is not None:
            with self._unit(seal=True), held.begin():
                yield held
            return
        kept = self._kept.take()
        if kept is None:
            # engine.begin() itself, without its own generator around the two.
            with self._unit(seal=True), self.store.engine.connect() as conn, conn.begin():
                yield conn
            return
        try:
            with self._unit(seal=True), kept.begin():
                yield kept
        finally:
            self._kept.give_back(kept)

    def close(self) -> None:
        """Give back the connection kept between units of work (Services.close)."""
        self._kept.close()

    @contextmanager
    def _unit(self, *, seal: bool) -> Iterator[None]:
        """_work, and the clock's refusal (ClockWrong from now(), or the sealer's
        ClockMismatch under the chain lock) recorded after the outermost unit of work on this
        thread rolled back, in a unit of its own (ServiceContext.now)."""
        state = self._clock_state
        depth = getattr(state, "depth", 0)
        state.depth = depth + 1
        try:
            with self._work(seal=seal):
                yield
        except (ClockWrong, ClockMismatch) as exc:
            wrong = (
                exc
                if isinstance(exc, ClockWrong)
                else clock_wrong(exc.reading, newest=exc.newest, seq=exc.seq, server=exc.server)
            )
            state.depth = depth  # the refusal is recorded outside the unit that met it
            if not depth:
                state.server = None
                self.refresh_floor()  # a correction another program recorded counts from the next try
                self._record_clock(wrong)
            raise wrong from None
        finally:
            state.depth = depth
            if not depth:
                state.server = None  # the server's moment was this unit's

    @contextmanager
    def _work(self, *, seal: bool) -> Iterator[None]:
        """What every unit of work shares: store, key and record failures become one
        sentence, and the sealer learns whether the entries it appended were committed."""
        committed = False
        # Refusals answered after the rollback, in a unit of work of their own.
        refused: HiddenClient | StandingLost | None = None
        self._commit_sent.at = False
        try:
            yield
            committed = True
        except (HiddenClient, StandingLost) as exc:
            refused = exc
        except sa_exc.DBAPIError as exc:
            # Unknown only for a unit that recorded something: every change suitcheck
            # makes carries its audit entry (a unit that only read, or found nothing to
            # upgrade at start-up, recorded nothing whichever way its COMMIT went).
            unknown = seal and getattr(self._commit_sent, "at", False) and self.sealer.appended()
            raise self._failure(exc, at_commit=unknown) from exc
        except AuditKeyError as exc:
            raise StoreUnavailable(str(exc)) from exc
        except RecordIntegrityError as exc:
            raise ServiceError(str(exc)) from exc
        except UnreadableValue as exc:
            log.warning("a row holds a value its column's reader cannot take: %s", exc)
            raise ServiceError(
                "A date in the store was not written by suitcheck: a record was changed outside suitcheck, "
                "and nothing was done until compliance has investigated."
            ) from exc
        except Exception as exc:  # the driver's own error, from a statement run on its cursor
            if not isinstance(exc, self.store.engine.dialect.loaded_dbapi.Error):
                raise
            log.warning("database error: %s", type(exc).__name__)
            raise StoreUnavailable(describe_db_error(exc, self.store.display_name)) from exc
        finally:
            self._commit_sent.at = False
            if seal:
                # Not known to be committed is not committed, for the sealer: it keeps the
                # head record as it was (a store longer than the record is sound, one
                # shorter is not) and takes up a seal it prepared from the store itself at
                # the next append (Sealer.sync), whichever way an unknown commit went.
                self._after(committed)
        if refused is not None:
            self._answer(refused)

    def _answer(self, refused: HiddenClient | StandingLost) -> NoReturn:
        if isinstance(refused, HiddenClient):
            self._hidden(refused)
        self._refuse(refused.actor, refused.permission, refused.cause, refused.target, refusal=refused.refusal)

    def _failure(self, exc: sa_exc.DBAPIError, *, at_commit: bool = False) -> ServiceError:
        """A driver error as one sentence: another desk storing the same thing in the same
        instant (a unique index) is a Conflict that says so; the connection lost while the
        server committed a change (`at_commit`) is OutcomeUnknown (it may be recorded or
        not: a server that answered with an error rolled back, and SQLite rolls back a
        commit it could not finish, so those recorded nothing); anything else, the store's."""
        # A session the server ended for idling in its transaction was rolled back before
        # the COMMIT was read: nothing was recorded, whatever the desk sent after.
        ended_idle = getattr(exc.orig, "sqlstate", None) == IDLE_IN_TRANSACTION_ENDED
        if at_commit and exc.connection_invalidated and not ended_idle:
            log.warning("connection lost during COMMIT: %s", type(exc.orig).__name__ if exc.orig else exc)
            return OutcomeUnknown(outcome_unknown_sentence(self.store.display_name))
        sentence = stored_meanwhile(exc) if isinstance(exc, sa_exc.IntegrityError) else None
        if sentence is not None:
            log.info("unique index: %s", sentence)
            return Conflict(sentence)
        log.warning("database error: %s", type(exc.orig).__name__ if exc.orig else exc)
        return StoreUnavailable(describe_db_error(exc, self.store.display_name))

    def _hidden(self, hidden: HiddenClient) -> NoReturn:
        """Record the attempt on another branch's client in its own unit of work (the one
        that met it was rolled back), then answer exactly as for a missing client."""
        with self.transaction() as session:
            self.audit(
                session,
                hidden.actor,
                AuditAction.CLIENT_OUT_OF_BRANCH if hidden.investor_id is not None else AuditAction.CLIENT_NOT_FOUND,
                investor_id=hidden.investor_id,
                facts=hidden.facts,
            )
        # Nothing is logged: the log is the staff member's own file on their desktop, and a
        # line a missing client does not get would tell them what the answer does not.
        raise hidden.answer(str(hidden)) from None

    def _after(self, committed: bool) -> None:
        try:
            self.sealer.end(committed)
        except AuditKeyError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def audit(
        self,
        session: Session | Connection,
        actor: Actor,
        action: AuditAction,
        *,
        investor_id: int | None = None,
        report_id: int | None = None,
        decision: str | None = None,
        reasons: Sequence[str] = (),
        facts: Mapping[str, Any] | None = None,
    ) -> chain.Appended:
        return self.sealer.append(
            session,
            at=self.now(),
            staff=actor.username,
            action=action.value,  # the stored (and hashed) code, a plain str
            investor_id=investor_id,
            report_id=report_id,
            decision=decision,
            reasons=reasons,
            facts=facts,
        )

    def audit_batch(self, session: Session | Connection, entries: Iterable[BatchEntry]) -> chain.Appended | None:
        """Many entries (make each with `batch_entry`) in the caller's unit of work, stored
        exactly as one audit() call each would store them, in one executemany per chunk:
        for bulk work such as a client import. Returns the last one."""
        return self.sealer.append_batch(session, entries, at=self.now())

    def require(self, actor: Actor, permission: Permission, **target: Any) -> Actor:
        """Refuse (and record the refusal) unless the actor's role grants `permission`.

        The staff row is read again on every call, so a member disabled, locked or given
        another role in the meantime loses the old powers at once, in an open window or a
        long-running process, not at the next login. Returns the actor as the store has
        it now: pass that one on to decide what else they may see.
        """
        current, cause = self.current_actor(actor)
        if cause is None and may(current.role, permission):
            return current
        self._refuse(current, permission, cause, target)

    def require_firm_wide(self, actor: Actor, permission: Permission, refusal: str, **target: Any) -> Actor:
        """`require`, and then refuse staff who see only their own branch (services.scope:
        what they asked for covers, or decides for, every branch), with the sentence
        `refusal`. Recorded as a role refusal is (`refused`, cause `one-branch`), in a unit
        of work of its own, so head office sees a branch's staff asking as it sees a role's.
        `target`: what either refusal names (a report), as `require`'s."""
        current = self.require(actor, permission, **target)
        if current.firm_wide:
            return current
        self._refuse(current, permission, None, target, refusal=refusal)

    def firm_wide_refused(self, actor: Actor, permission: Permission, refusal: str) -> str | None:
        """Why `require_firm_wide(actor, permission, refusal)` would refuse `actor` as last
        logged in, in the sentence it would raise; None when it would not. For a desk to
        offer only what the actor may use: nothing is read or recorded here, and the
        action itself checks again (and records a refusal)."""
        if not may(actor.role, permission):
            return f"Your role ({actor.role.value}) may not do this ({permission.value})."
        return None if actor.firm_wide else refusal

    def require_in(
        self,
        session: Session | Connection,
        actor: Actor,
        permission: Permission,
        *,
        lock: Iterable[int] = (),
        **target: Any,
    ) -> Actor:
        """`require` inside the caller's write transaction, for a change whose author's own
        standing another administrator may be changing at the same instant (two admins
        disabling each other). The actor's staff row, with the rows in `lock` (the accounts
        the change touches), is locked and read again here: SQLite's writers already hold
        the store from BEGIN IMMEDIATE; PostgreSQL locks the actor's row FOR SHARE (no one
        changes it until this commits; the same administrator at two desks still adds two
        accounts at once) and the rows in `lock` FOR UPDATE, one by one in id order (two
        such changes never deadlock), and reads the actor's row after any change committed
        meanwhile. Refused: the unit of work rolls back, records the refusal (naming `target`,
        as `require` does) and raises. Every change calls it, in an ORM or a Core unit of
        work alike, and before it takes the trail's lock (in_trail_order, or its first
        entry): on PostgreSQL an administrator changing this staff row locks the row first
        and the trail second, so a unit of work holding the trail and waiting for the row
        deadlocked with them (the server ended one, "locked by another program")."""
        if actor.staff_id == 0:
            return actor  # the store itself (SYSTEM)
        conn = session.connection() if isinstance(session, Session) else session
        if not self.store.is_sqlite:
            for staff_id in sorted({actor.staff_id, *lock}):
                row = select(Staff.id).where(Staff.id == staff_id)
                conn.execute(row.with_for_update(read=staff_id not in lock))
        current, cause = self._judge(actor, conn.execute(_STAFF_STATE, {"id": actor.staff_id}).first(), conn)
        if cause is None and may(current.role, permission):
            return current
        raise StandingLost(current, permission, cause, target=target)

    def require_firm_wide_in(
        self, session: Session | Connection, actor: Actor, permission: Permission, refusal: str, **target: Any
    ) -> Actor:
        """`require_firm_wide` inside the caller's write transaction: require_in, and then a
        staff member who sees only their own branch (moved out of head office meanwhile) is
        refused with `refusal`, recorded as require_firm_wide records it."""
        current = self.require_in(session, actor, permission, **target)
        if current.firm_wide:
            return current
        raise refused_for_branch(current, permission, refusal)

    def _refuse(
        self,
        current: Actor,
        permission: Permission,
        cause: str | None,
        target: Mapping[str, Any],
        *,
        refusal: str | None = None,
    ) -> NoReturn:
        """Record the refusal in a unit of work of its own and raise its sentence
        (`refusal`: the role may, but the actor sees one branch; require_firm_wide)."""
        recorded = cause or (ONE_BRANCH if refusal is not None else None)
        with self.transaction() as session:
            self.audit(
                session,
                current,
                AuditAction.REFUSED,
                facts={
                    "permission": permission.value,
                    "role": current.role.value,
                    **({"cause": recorded} if recorded else {}),
                    **({"branch": current.branch_id} if refusal is not None else {}),
                },
                investor_id=target.get("investor_id"),
                report_id=target.get("report_id"),
            )
        if cause is not None:
            raise AuthenticationFailed(_CAUSE_MESSAGES[cause])
        if refusal is not None:
            raise PermissionDenied(refusal)
        raise PermissionDenied(f"Your role ({current.role.value}) may not do this ({permission.value}).")

    def current_actor(self, actor: Actor) -> tuple[Actor, str | None]:
        """(the actor with the role the store has now, why they may do nothing at all)."""
        if actor.staff_id == 0:
            return actor, None  # the store itself (SYSTEM): seeding, first run
        with self.transaction(read_only=True) as session:
            conn = session.connection()
            return self._judge(actor, conn.execute(_STAFF_STATE, {"id": actor.staff_id}).first(), conn)

    def current_actor_in(self, conn: Connection, actor: Actor) -> tuple[Actor, str | None]:
        """current_actor read inside the caller's transaction (one statement, compiled once):
        for a hot path that re-reads the staff row in the same unit of work as its change."""
        if actor.staff_id == 0:
            return actor, None
        return self._judge(actor, _STAFF_STATE_PREPARED.first(conn, id=actor.staff_id), conn)

    def _judge(self, actor: Actor, row: Any, conn: Connection) -> tuple[Actor, str | None]:
        self._clock_state.actor = actor  # whom a refusal of this desk's clock names
        if row is None:
            return actor, "unknown"
        if not self.rows.staff_ok(conn, row):
            # A role, branch or password changed outside suitcheck grants nothing, in an open
            # session as at the login (which refuses the same row): the session is over.
            return actor, "record-integrity"
        role = Role(row.role)
        firm_wide = effective_firm_wide(role, bool(row.firm_wide))
        if role is actor.role and firm_wide is actor.firm_wide and _same(row.branch_id, actor.branch_id):
            current = actor  # as the store has it now (it is frozen): nothing to copy
        else:
            current = dataclasses.replace(actor, role=role, branch_id=row.branch_id, firm_wide=firm_wide)
        if row.disabled:
            return current, "disabled"
        if row.locked_until is not None and row.locked_until > self.now():
            return current, "locked"
        if row.must_change_password or actor.credential != credential_tag(row.password_hash):
            return current, "credential"  # changed or reset since this session began
        return current, None

    def policy(self, session: Session | Connection) -> Policy:
        """The newest policy version; the built-in default when none was ever stored.

        A version suitcheck did not write (its seal fails: inserted or edited in SQL, or a
        seal copied from another version) is never used, nor is an older version in its
        place: every decision refuses until compliance has investigated. The verdict is
        cached per (version, document, seal), so a check pays no HMAC for it."""
        conn = session.connection() if isinstance(session, Session) else session
        row = _NEWEST_POLICY_PREPARED.first(conn)
        if row is None:
            self._refuse_missing_newest(conn, conn.execute(_POLICY_TRAIL_SEQ).scalar(), None)
            return Policy()
        self._refuse_missing_newest(conn, row.trail_seq, row.version)
        return self._checked_policy(conn, row)

    def _refuse_missing_newest(self, conn: Connection, trail_seq: object, stored: object) -> None:
        """Refuse when the trail records storing a policy version newer than the store's
        newest row (`stored`; None: no row, the built-in default): that version was deleted
        in SQL, and the one before it (sealed, suitcheck's own) must not decide in its place.
        `trail_seq`: the trail's newest policy-change entry, read in the same statement as
        the row (one snapshot); the versions the entries record are read again only when it
        moved (policy changes are few)."""
        cached = self._policy_trail
        if cached is not None and _same(cached[0], trail_seq):
            recorded = cached[1]
        else:
            recorded = None
            if trail_seq is not None:
                entries = conn.execute(_POLICY_TRAIL_FACTS, {"seq": trail_seq}).scalars()
                recorded = max((v for v in map(_recorded_version, entries) if v is not None), default=None)
            self._policy_trail = (trail_seq, recorded)
        newest = stored if isinstance(stored, int) and not isinstance(stored, bool) else 1
        if recorded is not None and recorded > newest:
            log.warning("the trail records policy version %s, the store's newest is %s", recorded, newest)
            raise ServiceError(
                f"The audit trail records storing policy version {recorded}, but the store's newest is version "
                f"{newest}: the newer one was removed outside suitcheck, and nothing was decided. "
                "Compliance must run `suitcheck audit verify` and investigate."
            )

    def policy_version(self, session: Session | Connection, version: int) -> Policy:
        """One stored version, as a decision stamped with it was made (to replay it): the
        same seal check as the newest; an unknown number is bad input."""
        conn = session.connection() if isinstance(session, Session) else session
        # A number no version column holds is no version (SQLite cannot bind 2**63 to look it up).
        in_range = isinstance(version, int) and not isinstance(version, bool) and 1 <= version <= MAX_POLICY_VERSION
        row = conn.execute(_POLICY_VERSION, {"version": version}).first() if in_range else None
        if row is None:
            raise InvalidInput(f"There is no policy version {version}.")
        return self._checked_policy(conn, row)

    def _checked_policy(self, conn: Connection, row: Any) -> Policy:
        last = self._last_policy
        if (
            last is not None
            and _same(row.version, last[0])
            and _same(row.integrity, last[2])
            and _same(row.document, last[1])
        ):
            # The very row (version, document and seal, compared in full) whose seal held
            # and whose document parsed: what policy_ok's and _parse_policy's caches would
            # answer, without hashing the document again for them at every check.
            return last[3]
        if not self.rows.policy_ok(conn, row.version, row.document, row.integrity):
            log.warning("policy version %s fails its integrity seal; nothing is decided with it", row.version)
            raise ServiceError(
                f"The stored policy version {row.version} was not written by suitcheck (its seal does not match); "
                "nothing was decided. Compliance must run `suitcheck audit verify` and investigate."
            )
        try:
            policy = _parse_policy(row.document)
        except PolicyError as exc:
            # Fail closed: a damaged policy must not silently fall back to defaults.
            raise ServiceError(f"The stored policy version {row.version} is damaged: {exc}.") from exc
        self._last_policy = (row.version, row.document, row.integrity, policy)
        return policy


def _committing(sent: threading.local) -> None:
    sent.at = True


class _KeptConnection:
    """One connection kept open between units of work on a plain connection (SQLite): a
    check took about a tenth of its CPU to take a connection from the pool, wrap it and give
    it back. Each unit is still its own transaction on it (BEGIN IMMEDIATE, COMMIT), as in
    a batch (AccessService.check_pairs); between units it is in none, so it holds no lock,
    as an idle connection in the pool holds none. One unit at a time: a unit that finds it
    in use (another thread's, or its own caller's) takes one from the pool as before. It is
    dropped (closed) after a unit that leaves it invalidated, closed or inside a
    transaction, and when the engine was disposed since it was taken (its pool replaced:
    a store file put back, the desk reconnecting), so a unit never runs on an old pool's
    connection. PostgreSQL keeps none: its pool checks a connection is alive
    (pool_pre_ping) whenever it hands one out, which a kept one would skip."""

    def __init__(self, engine: Engine, sqlite: bool) -> None:
        self._engine = engine if sqlite else None
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._pool: object = None

    def take(self) -> Connection | None:
        """The kept connection, opened if need be, now this caller's until give_back; None
        when it is in use or the store is not SQLite."""
        engine = self._engine
        if engine is None or not self._lock.acquire(blocking=False):
            return None
        try:
            if self._conn is not None and self._pool is not engine.pool:
                self._drop()
            if self._conn is None:
                self._conn, self._pool = engine.connect(), engine.pool
        except BaseException:
            self._lock.release()
            raise
        return self._conn

    def give_back(self, conn: Connection) -> None:
        try:
            if conn.closed or conn.invalidated or conn.in_transaction() or _driver_in_transaction(conn):
                self._drop()
        finally:
            self._lock.release()

    def close(self) -> None:
        if self._lock.acquire(blocking=False):
            try:
                self._drop()
            finally:
                self._lock.release()

    def _drop(self) -> None:
        conn, self._conn, self._pool = self._conn, None, None
        if conn is not None:
            try:
                conn.close()  # rolled back if need be, and back to its pool (closed if disposed)
            except Exception as exc:  # noqa: BLE001 - a connection being dropped: nothing to keep
                log.warning("kept connection not closed cleanly: %s", type(exc).__name__)


def _driver_in_transaction(conn: Connection) -> bool:
    try:
        return bool(conn.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - unreadable: treat as in one, and drop the connection
        return True


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


_STAFF_STATE = select(
    Staff.username,  # with the state below and the seal: the columns staff_ok checks
    Staff.integrity,
    Staff.role,
    Staff.disabled,
    Staff.locked_until,
    Staff.must_change_password,
    Staff.password_hash,
    Staff.branch_id,
    Staff.firm_wide,
).where(Staff.id == bindparam("id"))
# The cause a refusal records when the role may but the actor sees only their own branch.
ONE_BRANCH = "one-branch"
_CAUSE_MESSAGES = {
    "disabled": "Your account has been disabled; nothing was done. Sign in again when it is re-enabled.",
    "locked": "Your account is locked; nothing was done. Sign in again when it is unlocked.",
    "unknown": "Your account no longer exists; nothing was done.",
    "credential": "Your password was changed or reset since you signed in; nothing was done. Sign in again.",
    "record-integrity": (
        "Your account's record was changed outside suitcheck; nothing was done. An administrator must investigate."
    ),
}

_STAFF_STATE_PREPARED = Prepared(_STAFF_STATE)

# The trail's newest policy-change entry (every version stored after the built-in version 1
# has one, recording its number): read with the newest row, so a newer version deleted in
# SQL is noticed where the policy is read (ServiceContext._refuse_missing_newest).
_POLICY_CHANGES = (AuditEntry.action == AuditAction.POLICY_CHANGE.value, chain.IN_TRAIL)
_POLICY_TRAIL_SEQ = select(func.max(AuditEntry.seq)).where(*_POLICY_CHANGES)
_POLICY_TRAIL_FACTS = select(AuditEntry.facts).where(*_POLICY_CHANGES, AuditEntry.seq <= bindparam("seq"))
_NEWEST_POLICY = (
    select(
        PolicyVersion.version,
        PolicyVersion.document,
        PolicyVersion.integrity,
        _POLICY_TRAIL_SEQ.scalar_subquery().label("trail_seq"),
    )
    .order_by(PolicyVersion.version.desc())
    .limit(1)
)
_NEWEST_POLICY_PREPARED = Prepared(_NEWEST_POLICY)
_POLICY_VERSION = select(PolicyVersion.version, PolicyVersion.document, PolicyVersion.integrity).where(
    PolicyVersion.version == bindparam("version")
)


def _recorded_version(facts: object) -> int | None:
    """The version a policy-change entry records; None for facts suitcheck never writes
    (passed over: they cannot hide the other entries)."""
    try:
        data = json.loads(facts) if isinstance(facts, str | bytes) else None
    except (ValueError, RecursionError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if version.__class__ is int else None


@functools.lru_cache(maxsize=16)
def _parse_policy(document: str) -> Policy:
    # Versions are immutable, so a document always parses to the same policy.
    return Policy.from_json(document)


def clock_wrong(
    reading: dt.datetime,
    *,
    newest: dt.datetime | None = None,
    seq: int | None = None,
    server: dt.datetime | None = None,
) -> ClockWrong:
    """The refusal of a desk clock that reads behind the trail's newest entry, or (a shared
    store) away from the database server's clock: one sentence naming both moments."""
    if server is not None:
        sentence = (
            f"This computer's clock reads {clock_words(reading)}, but the database server's clock reads "
            f"{clock_words(server)}; nothing was done. Correct the computer's clock and try again."
        )
    else:
        sentence = (
            f"This computer's clock reads {clock_words(reading)}, earlier than the newest entry of the audit trail "
            f"(entry {seq}, {clock_words(newest or reading)}); nothing was done. Correct the computer's clock and "
            "try again. If that entry was recorded while the clock ran ahead, an administrator records the "
            "correction: `suitcheck audit clock-correct --reason REASON`."
        )
    return ClockWrong(sentence, reading=reading, newest=newest, seq=seq, server=server)


def newest_entry(conn: Connection) -> int:
    """The newest trail entry this transaction sees (0: none); read first, it starts the
    snapshot on SQLite. What an output made from a read names as the state it holds."""
    head = conn.execute(chain.HEAD).first()
    return int(head.seq) if head is not None else 0


def in_trail_order(ctx: ServiceContext, conn: Connection) -> None:
    """Decide in the trail's order. A decision's entry must come after every change it saw
    and before every change it did not: on PostgreSQL (read committed) a check read the
    client and report first and took the chain lock only to append, so another desk's
    re-assessment committed in between came first in the trail while the check recorded
    the profile before it. The chain lock is taken before reading what the decision uses
    (every change records its entry under it, so each is wholly before or after). SQLite's
    writer holds the write lock from its first statement: already so.

    PostgreSQL answers its clock with the lock (no extra round trip): the rest of the unit
    of work decides and records by it (ServiceContext.use_server_moment), so every desk of a
    shared store decides on the same day whatever its own clock says. A change that reads
    what it changes and records the old value (a report's rating) takes it first too, so
    the old value it records is the one in force where its entry goes."""
    ctx.use_server_moment(chain.lock_chain(conn))
