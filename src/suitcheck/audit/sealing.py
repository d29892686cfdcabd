"""Appending authenticated entries and sealing epochs for one installation on one store,
and attaching an installation to a store (init, join, upgrade, refusing what is wrong).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.orm import Session

from suitcheck.audit import keys
from suitcheck.audit.chain import (
    GENESIS_HASH,
    HEAD,
    REGISTERED,
    SEAL,
    SEAL_EVERY,
    Appended,
    canonical_entry,
    canonical_json,
    connection,
    entry_hash,
    lock_chain,
    registered_row_keys,
    registration_message,
    row_batch_message_json,
    seal_message,
    stamp_moment,
    utc_stamp,
)
from suitcheck.audit.keys import AuditKeyError, Installation
from suitcheck.audit.rowmac import MacMany, seal_heads
from suitcheck.domain.calendar import clock_behind, clock_off
from suitcheck.store.models import AuditCheckpoint, AuditEntry
from suitcheck.store.prepared import Prepared

log = logging.getLogger(__name__)
# How long a "not trusted here" answer for a chain stands before the keyring is read again
# (a `suitcheck audit key trust` run in another process then takes effect without a restart,
# and a store full of rows sealed by an untrusted desk does not read the file per row).
TRUST_RECHECK_SECONDS = 5.0
_INSERT = insert(AuditEntry)
_COLUMNS = (
    "seq",
    "at",
    "staff",
    "action",
    "investor_id",
    "report_id",
    "decision",
    "reasons",
    "facts",
    "prev_hash",
    "entry_hash",
    "chain",
    "mac",
)
_HASH = _COLUMNS.index("entry_hash")
# append() runs for every check: its two statements are compiled once (store.prepared).
_HEAD_PREPARED = Prepared(HEAD)
_INSERT_PREPARED = Prepared(insert(AuditEntry).values({c: bindparam(c) for c in _COLUMNS}))

# One entry for append_batch: (staff, action, investor_id, report_id, decision,
# reasons JSON, facts JSON), the JSON as canonical_json() writes it.
BatchEntry = tuple[str, str, int | None, int | None, str | None, str, str]


def batch_entry(
    staff: str,
    action: str,
    *,
    investor_id: int | None = None,
    report_id: int | None = None,
    decision: str | None = None,
    reasons: Sequence[str] = (),
    facts: Mapping[str, Any] | None = None,
) -> BatchEntry:
    """An entry for append_batch, serialised exactly as append() serialises it."""
    return (
        staff,
        action,
        investor_id,
        report_id,
        decision,
        canonical_json(list(reasons)) if reasons else "[]",
        canonical_json(facts if isinstance(facts, dict) else dict(facts or {})),
    )


def _insert_sql(conn: Connection) -> str:
    """The driver's own executemany with plain tuples: a million-entry import cannot
    afford per-row parameter processing (every column is a plain str or int)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return f"INSERT INTO audit_entry ({', '.join(_COLUMNS)}) VALUES ({', '.join([mark] * len(_COLUMNS))})"


class SealError(AuditKeyError):
    """The store and this installation's keys do not belong together; one sentence."""


class ClockMismatch(Exception):
    """An entry was to be stamped `reading`, a moment the trail cannot take: earlier than
    its newest entry `newest` (number `seq`) beyond the tolerance (time does not run
    backwards: the desk's clock is wrong), or, on a shared PostgreSQL store, away from the
    database server's clock `server`. Nothing was appended; the caller's unit of work rolls
    back (services.context turns it into one sentence and records the refusal)."""

    def __init__(
        self,
        reading: dt.datetime,
        *,
        newest: dt.datetime | None = None,
        seq: int | None = None,
        server: dt.datetime | None = None,
    ) -> None:
        super().__init__("clock mismatch")
        self.reading, self.newest, self.seq, self.server = reading, newest, seq, server


@dataclasses.dataclass(frozen=True)
class Attached:
    """What attaching did, for `init` to print (compliance files the public key)."""

    created: bool
    chain: str
    genesis_public_key: str
    note: str | None = None

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.genesis_public_key)


class Sealer:
    """Appends entries for this installation: MAC under the epoch key, a seal when the
    epoch is full, the key evolved (two-phase, so a crash never loses the current key)."""

    def __init__(self, path: Path, inst: Installation) -> None:
        self.path = path
        self._mutex = threading.RLock()
        self._tl = threading.local()
        self._head_cache: tuple[tuple[Path, str], Path] | None = None
        self._untrusted_at: dict[str, float] = {}  # chain -> monotonic time the keyring last said no
        # The newest entry seen in the store, (seq, moment): the floor a desk's clock may not
        # read behind (ServiceContext.now). The highest number wins, not the latest moment: a
        # recorded clock correction is the one entry dated before the one it follows.
        self.floor: tuple[int, dt.datetime] | None = None
        # Whether an entry's moment must agree with the database server's clock (PostgreSQL):
        # set by the ServiceContext, on for the desk's own clock.
        self.server_clock = False
        self._load(inst)

    # -- state ------------------------------------------------------------------------------

    def _load(self, inst: Installation) -> None:
        self.inst = inst
        self._key = keys.load_private(inst.secret)
        self._set_mac_key(keys.entry_mac_key(self._key))
        self._epoch, self._start = inst.epoch, inst.epoch_start
        self.seal_every = inst.seal_every
        self._stamp = self._file_stamp()
        self._row_mac_key = bytes.fromhex(inst.row_mac_key)
        self._row_macs = MacMany(self._row_mac_key)
        self._head_macs = MacMany(bytes.fromhex(inst.head_key))
        self._row_key = keys.load_private(inst.row_secret)
        self._trusted = frozenset(inst.trusted or ())
        self._current_checked = False  # whether the store was seen to hold no later seal of this key's chain

    def _set_mac_key(self, key: bytes) -> None:
        """The current epoch's entry MAC key, and its HMAC state (rowmac.MacMany: every
        entry's MAC continues it, rather than setting a one-shot HMAC up again)."""
        self._mac_key = key
        self._entry_macs = MacMany(key)

    def _file_stamp(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError as exc:
            raise SealError(
                f"The audit key {self.path} was removed while suitcheck was running; restore it from its backup."
            ) from exc
        return st.st_mtime_ns, st.st_size, st.st_ino

    @property
    def chain(self) -> str:
        return self.inst.chain

    @property
    def store_id(self) -> str:
        return self.inst.store_id

    @property
    def genesis_public_key(self) -> str:
        return self.inst.genesis_public_key

    def _reload(self) -> None:
        ring = keys.read_keyring(self.path)
        inst = ring.installation(self.store_id) if ring else None
        if inst is None:
            raise SealError(f"The audit key {self.path} no longer holds this store's key; restore it from its backup.")
        self._load(inst)

    def _txn(self) -> dict[str, Any]:
        state = getattr(self._tl, "state", None)
        if state is None:
            state = self._tl.state = {}
        return state

    def sync(self, conn: Connection) -> None:
        """Under the chain lock: pick up another process's seal, finish an interrupted one."""
        with self._mutex:
            if self._txn().get("sealed"):
                return  # this transaction sealed: its in-memory key is already the next one
            if self._file_stamp() != self._stamp:
                self._reload()
            if self.inst.pending:
                self._resolve(conn)
            if not self._current_checked:
                self._check_current(conn)

    def _check_current(self, conn: Connection) -> None:
        """Under the chain lock: the keyring's epoch key must be the newest of this chain. A
        seal of this chain after the entry that opened the key's epoch means the key was
        revealed there and the chain moved on without this file: a backup of the keyring put
        back (key rollback), or the keyring copied to another desktop that sealed since.
        Appending with it would MAC entries under a public key (each would fail verification)
        and seal the epoch a second time, forking the key chain; refuse instead. Checked when
        the keyring is (re)loaded and before every seal (a copy on another desktop changes no
        file here)."""
        # By the epoch the newest seal of this chain says it sealed, not by its place: an
        # entry inserted before it in SQL (renumbering the rest) moves it, and the trail is
        # then named by `audit verify`, which must still open.
        later = conn.execute(
            select(AuditEntry.seq, AuditEntry.facts)
            .where(AuditEntry.action == SEAL, AuditEntry.chain == self.chain)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
        try:
            sealed = json.loads(later.facts).get("epoch") if later is not None else None
        except (TypeError, ValueError, AttributeError, RecursionError):
            sealed = None  # not a seal suitcheck wrote: `audit verify` names it
        if later is not None and isinstance(sealed, int) and not isinstance(sealed, bool) and sealed >= self._epoch:
            raise SealError(
                f"The audit key {self.path} is older than the audit trail of the store {self.inst.location}: "
                f"its installation {self.chain} sealed the key's epoch at entry {later.seq} and has moved on since "
                "(a backup of the key file put back, or the key file copied to another desktop). Nothing was "
                "recorded. Put back the newest copy of the key file; if there is none, or this one was copied "
                "from another desktop, move it aside and register this desktop anew with `suitcheck init --join`."
            )
        self._current_checked = True

    def catch_up(self, session: Session | Connection) -> None:
        """Take up the key file as another process on it left it (a seal it committed, one
        it prepared and dropped), without appending: for a reader about to compare the
        trail with this installation's key."""
        conn = connection(session)
        lock_chain(conn)
        self.sync(conn)

    def _resolve(self, conn: Connection) -> None:
        """Seals prepared by a transaction that is over: keep those the store holds (in
        order), drop the rest (their transaction rolled back or never committed)."""
        committed: list[tuple[int, str, str, int]] = []
        epoch = self.inst.epoch
        for seq, secret in self.inst.pending:
            row = conn.execute(
                select(AuditEntry.action, AuditEntry.chain, AuditEntry.facts, AuditEntry.entry_hash).where(
                    AuditEntry.seq == seq
                )
            ).first()
            facts: dict[str, Any] = {}
            if row is not None and row.action == SEAL and row.chain == self.chain:
                facts = json.loads(row.facts)
            nxt = keys.public_hex(keys.load_private(secret))
            if facts.get("epoch") != epoch or facts.get("next_public_key") != nxt:
                break
            committed.append((seq, row.entry_hash, facts["signature"], epoch))  # type: ignore[union-attr]
            epoch += 1
        self._advance(committed, drop_rest=True)

    def _advance(self, sealed: list[tuple[int, str, str, int]], drop_rest: bool = False) -> None:
        """These seals are committed: make each next key current in turn, erase the old."""
        with self._mutex, keys.locked(self.path):
            ring = keys.read_keyring(self.path)
            inst = ring.installation(self.store_id) if ring else None
            if ring is None or inst is None:
                raise SealError(f"The audit key {self.path} vanished while sealing; restore it from its backup.")
            changed = False
            for seq, digest, signature, epoch in sealed:
                if inst.epoch == epoch and inst.pending and inst.pending[0][0] == seq:
                    inst.epoch, inst.secret, inst.epoch_start = epoch + 1, inst.pending[0][1], seq
                    inst.pending.pop(0)
                    inst.signed_head = {"seq": seq, "hash": digest, "signature": signature, "epoch": epoch}
                    changed = True
            if drop_rest and inst.pending:
                inst.pending = []
                changed = True
            if changed:
                ring.put(inst)
                keys.write_keyring(ring)
            self._load(inst)

    # -- appending --------------------------------------------------------------------------

    def _row(
        self,
        seq: int,
        prev: str,
        stamp: str,
        staff: str,
        action: str,
        investor_id: int | None,
        report_id: int | None,
        decision: str | None,
        reasons_json: str,
        facts_json: str,
    ) -> tuple[Any, ...]:
        """One entry as stored, in _COLUMNS order: hashed over its canonical JSON, MACed
        under the current epoch key. The one place an entry's stored form is made."""
        chain = self.inst.chain
        digest = entry_hash(
            canonical_entry(
                seq, stamp, staff, action, investor_id, report_id, decision, reasons_json, facts_json, prev, chain
            )
        )
        return (
            seq,
            stamp,
            staff,
            action,
            investor_id,
            report_id,
            decision,
            reasons_json,
            facts_json,
            prev,
            digest,
            chain,
            self._entry_macs.one(digest.encode()),  # entry_mac(self._mac_key, digest)
        )

    def _insert(
        self,
        conn: Connection,
        seq: int,
        prev: str,
        stamp: str,
        staff: str,
        action: str,
        investor_id: int | None,
        report_id: int | None,
        decision: str | None,
        reasons_json: str,
        facts_json: str,
    ) -> Appended:
        row = self._row(seq, prev, stamp, staff, action, investor_id, report_id, decision, reasons_json, facts_json)
        _INSERT_PREPARED.execute(conn, **dict(zip(_COLUMNS, row, strict=True)))
        self._txn()["head"] = (seq, row[_HASH], stamp)
        return Appended(seq, row[_HASH])

    def append(
        self,
        session: Session | Connection,
        *,
        at: dt.datetime,
        staff: str,
        action: str,
        investor_id: int | None = None,
        report_id: int | None = None,
        decision: str | None = None,
        reasons: Sequence[str] = (),
        facts: Mapping[str, Any] | None = None,
        clamp: bool = False,
        accept_behind: bool = False,
    ) -> Appended:
        """Append one entry inside the caller's transaction (it commits with the caller's
        change; call end() after). Plain Core statements: this runs for every check.

        `at` must not read behind the trail's newest entry, nor (PostgreSQL, server_clock)
        away from the server's clock (ClockMismatch). `clamp`: date the entry at the newest
        trustworthy moment instead (the server's, else the trail's newest, if later than
        `at`): for recording a refusal of a wrong clock. `accept_behind`: take `at` though it
        reads behind the trail (a recorded clock correction, its one entry)."""
        conn = connection(session)
        server = lock_chain(conn)
        self.sync(conn)
        head = _HEAD_PREPARED.first(conn)
        at = self._check_clock(at, head, server, clamp=clamp, accept_behind=accept_behind)
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        stamp = utc_stamp(at)
        entry = self._insert(
            conn,
            seq,
            prev,
            stamp,
            staff,
            action,
            investor_id,
            report_id,
            decision,
            canonical_json(list(reasons)),
            canonical_json(dict(facts or {})),
        )
        if seq - self._start >= self.seal_every:
            self._seal_at(conn, seq + 1, entry.entry_hash, stamp)
        self._kept(conn)
        self.see(seq, at)
        return entry

    def _check_clock(
        self,
        at: dt.datetime,
        head: Any,
        server: dt.datetime | None,
        *,
        clamp: bool = False,
        accept_behind: bool = False,
    ) -> dt.datetime:
        """Under the chain lock, before an entry is stamped `at`: the moment it may take
        (see append). `head`: the store's newest entry (seq, hash, at) or None; `server`: the
        database server's clock (lock_chain) or None. Costs no statement."""
        newest = stamp_moment(head[2]) if head is not None else None
        if head is not None:
            self.see_stored(head[0], newest)
            floor = self.floor
            if floor is not None and floor[0] == head[0]:
                newest = floor[1]  # never earlier than the entry was first seen, or recorded, at
        if clamp:
            base = server if server is not None else at
            return max(base, newest) if newest is not None else base
        if server is not None and self.server_clock and clock_off(at, server):
            raise ClockMismatch(at, newest=newest, seq=head[0] if head is not None else None, server=server)
        if newest is not None and not accept_behind and clock_behind(at, newest):
            raise ClockMismatch(at, newest=newest, seq=head[0])
        return at

    def see(self, seq: int, moment: dt.datetime) -> None:
        """The store's newest entry as read (or written) here: the desk's clock floor. The
        same entry read again dated earlier was redated in the store since (an insider with
        the SQL shell): the moment first seen stands."""
        floor = self.floor
        if type(seq) is not int or not isinstance(moment, dt.datetime):
            return
        if floor is None or seq > floor[0] or seq == floor[0] and moment > floor[1]:
            self.floor = (seq, moment)

    def see_stored(self, seq: int, moment: dt.datetime | None) -> None:
        """see() the store's newest entry as read from the store, whose moment anyone with
        the SQL shell can change: when the head record beside the key names that entry (or
        one before it), the moment this installation committed it at stands (the record is
        MACed under the keyring's head key). One file read, only when the newest entry is not the one the
        floor already holds (another program of this desk wrote it, or the desk just
        opened); not with the database server's clock, which decides there.

        A `moment` that cannot be read (None: no stamp suitcheck writes, a date without its
        time, any text) was given in the SQL shell; it is held to the newest moment known
        besides: the floor already held, and the head record's. Without it the desk took no
        floor at all and its clock went unchecked (session 23)."""
        floor = self.floor
        if moment is None:
            known = [m for m in (self._recorded_moment(seq), floor[1] if floor else None) if m is not None]
            if known:
                self.see(seq, max(known))
            return
        if not self.server_clock and (floor is None or floor[0] != seq):
            recorded = self._recorded_moment(seq)
            if recorded is not None and recorded > moment:
                moment = recorded
        self.see(seq, moment)

    def _recorded_moment(self, seq: int) -> dt.datetime | None:
        """The moment the head record gives the entry it names, when that is entry `seq` or
        one before it: entries are in order, so it is a floor for every entry after it (an
        entry the insider added after it, dated back, takes no lower one: session 23; a
        clock correction, which alone is dated back, is committed by this installation, and
        its record names it). A record that cannot be read or was altered gives none here:
        the store's check of its heads (check_head) refuses such a record where it matters."""
        if self.server_clock:
            return None
        try:
            record = keys.read_head_record(self._head_path(), self.inst.head_key, self.store_id)
        except (AuditKeyError, OSError):
            return None
        if record is None or record.seq > seq or record.at is None:
            return None
        return stamp_moment(record.at)

    def _kept(self, conn: Connection) -> None:
        """Under the chain lock, before the caller commits: the store's newest entry must be
        the last one this transaction wrote. A trigger added outside suitcheck can drop an
        entry as it is written (SQLite's RAISE(IGNORE), a delete after the insert, a
        PostgreSQL trigger returning NULL): the next entry would then take its number again,
        linked to the one before, and the trail would show no gap. One indexed read."""
        written = self._txn().get("head")
        stored = _HEAD_PREPARED.first(conn)
        if written is not None and (stored is None or (stored[0], stored[1]) != written[:2]):
            location, number = self.inst.location, written[0]
            raise SealError(
                f"The store {location} did not keep the audit entry {number} it was given: something outside "
                "suitcheck (a trigger) changes the audit trail as it is written. Nothing was recorded; tell compliance."
            )

    def append_batch(
        self,
        session: Session | Connection,
        entries: Iterable[BatchEntry],
        *,
        at: dt.datetime,
        chunk: int = 5_000,
    ) -> Appended | None:
        """Append many entries inside the caller's transaction, exactly as one append()
        per entry would store them (same numbering, links, hashes, MACs, and a seal as the
        very next entry whenever an epoch is full), only faster: the rows of `chunk`
        entries go in one executemany, and the next keys of every seal in a chunk reach
        the keyring in one write (each still before the seal that names it can commit).
        All entries share the time `at`. Returns the last entry appended (None if none).
        Call end() after the transaction, as for append()."""
        conn = connection(session)
        server = lock_chain(conn)
        self.sync(conn)
        head = conn.execute(HEAD).first()
        at = self._check_clock(at, head, server)
        seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
        stamp = utc_stamp(at)
        sql = _insert_sql(conn)
        last: Appended | None = None
        source = iter(entries)
        while True:
            todo = list(itertools.islice(source, chunk))
            if not todo:
                return last
            # Where this chunk's seals fall (what append() would do, entry by entry).
            seals, s, start = [], seq, self._start
            for _ in todo:
                s += 1
                if s - start >= self.seal_every:
                    s += 1
                    seals.append(s)
                    start = s
            if seals and not self._txn().get("sealed"):
                self._check_current(conn)
            nxt = iter(self._pend(seals))
            rows: list[tuple[Any, ...]] = []
            for staff, action, investor_id, report_id, decision, reasons_json, facts_json in todo:
                seq += 1
                row = self._row(
                    seq, prev, stamp, staff, action, investor_id, report_id, decision, reasons_json, facts_json
                )
                rows.append(row)
                prev = row[_HASH]
                if seq - self._start >= self.seal_every:
                    seq += 1
                    row = self._seal_row(seq, prev, stamp, next(nxt))
                    rows.append(row)
                    prev = row[_HASH]
            conn.exec_driver_sql(sql, rows)
            self._txn()["head"] = (seq, prev, stamp)
            self._kept(conn)
            self.see(seq, at)
            last = Appended(seq, prev)

    def append_many(self, engine: Any, entries: Iterable[Mapping[str, Any]], at: dt.datetime) -> int:
        """Append many entries fast (bulk imports, benchmarks): one transaction per epoch,
        rows inserted in batches, each epoch sealed in its own transaction's end."""
        stamp = utc_stamp(at)
        source = iter(entries)
        total = 0
        while True:
            committed = False
            added = 0
            try:
                with engine.begin() as conn:
                    server = lock_chain(conn)
                    self.sync(conn)
                    head = conn.execute(HEAD).first()
                    self._check_clock(at, head, server)
                    seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
                    room = max(self._start + self.seal_every - seq, 1)
                    rows = []
                    chain, macs = self.inst.chain, self._entry_macs
                    for e in source:
                        seq += 1
                        reasons, facts = canonical_json(list(e.get("reasons", ()))), canonical_json(e.get("facts", {}))
                        args = (
                            seq,
                            stamp,
                            e["staff"],
                            e["action"],
                            e.get("investor_id"),
                            e.get("report_id"),
                            e.get("decision"),
                            reasons,
                            facts,
                            prev,
                        )
                        digest = entry_hash(canonical_entry(*args, chain))
                        rows.append(
                            dict(
                                zip(
                                    ("seq", "at", "staff", "action", "investor_id", "report_id", "decision")
                                    + ("reasons", "facts", "prev_hash", "entry_hash", "chain", "mac"),
                                    (*args, digest, chain, macs.one(digest.encode())),
                                    strict=True,
                                )
                            )
                        )
                        prev = digest
                        added += 1
                        if added >= room:
                            break
                    if rows:
                        conn.execute(_INSERT, rows)
                        self._txn()["head"] = (seq, prev, stamp)
                        if seq - self._start >= self.seal_every:
                            self._seal_at(conn, seq + 1, prev, stamp)
                committed = True
            finally:
                self.end(committed)
            total += added
            if added == 0 or added < room:
                return total

    def seal(self, session: Session | Connection, at: dt.datetime) -> Appended:
        """Close the current epoch now (before an export or after a verification), so
        everything up to here verifies with the public key alone."""
        conn = connection(session)
        server = lock_chain(conn)
        self.sync(conn)
        head = conn.execute(HEAD).first()
        at = self._check_clock(at, head, server)
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        return self._seal_at(conn, seq, prev, utc_stamp(at))

    def _seal_at(self, conn: Connection, seq: int, prev: str, stamp: str) -> Appended:
        with self._mutex:
            if not self._txn().get("sealed"):
                self._check_current(conn)
            (nxt,) = self._pend([seq])
            row = self._seal_row(seq, prev, stamp, nxt)
            conn.execute(_INSERT, dict(zip(_COLUMNS, row, strict=True)))
            self._txn()["head"] = (seq, row[_HASH], stamp)
            return Appended(seq, row[_HASH])

    def _pend(self, seqs: Sequence[int]) -> list[Ed25519PrivateKey]:
        """Phase 1 of sealing: the next key of each seal to come (at these entries) is on
        disk, as pending, before the seal that names it can commit. One keyring write."""
        if not seqs:
            return []
        with self._mutex:
            fresh = [keys.new_private_key() for _ in seqs]
            with keys.locked(self.path):
                ring = keys.read_keyring(self.path)
                inst = ring.installation(self.store_id) if ring else None
                if ring is None or inst is None:
                    raise SealError(f"The audit key {self.path} vanished while sealing; restore it from its backup.")
                inst.pending.extend([seq, keys.private_bytes(k).hex()] for seq, k in zip(seqs, fresh, strict=True))
                ring.put(inst)
                keys.write_keyring(ring)
                self.inst = inst
                self._stamp = self._file_stamp()
            return fresh

    def _seal_row(self, seq: int, prev: str, stamp: str, nxt: Ed25519PrivateKey) -> tuple[Any, ...]:
        """The seal entry closing the current epoch at `seq` (its next key already
        pending), and the switch to the next epoch for the rest of this transaction."""
        with self._mutex:
            epoch, chain = self._epoch, self.inst.chain
            mac_key, next_public = self._mac_key.hex(), keys.public_hex(nxt)
            signature = keys.sign_hex(self._key, seal_message(chain, epoch, seq, stamp, prev, mac_key, next_public))
            facts = {
                "chain": chain,
                "epoch": epoch,
                "mac_key": mac_key,
                "next_public_key": next_public,
                "signature": signature,
            }
            row = self._row(seq, prev, stamp, "system", SEAL, None, None, None, "[]", canonical_json(facts))
            self._txn().setdefault("sealed", []).append((seq, row[_HASH], signature, epoch))
            # Later entries of this same transaction belong to the next epoch.
            self._key = nxt
            self._set_mac_key(keys.entry_mac_key(nxt))
            self._epoch, self._start = epoch + 1, seq
            return row

    def appended(self) -> bool:
        """Whether this thread's transaction has appended entries (not yet ended)."""
        return "head" in self._txn()

    def end(self, committed: bool) -> None:
        """After the caller's transaction: advance the key and record the head, or forget."""
        state = self._txn()
        head, sealed = state.pop("head", None), state.pop("sealed", None)
        if not committed:
            if sealed:
                with self._mutex:
                    self._reload()  # back to the file's key; the next sync clears the pending seal
            return
        if sealed:
            try:
                self._advance(sealed)
            except keys.KeyringBusyError as exc:
                # The seal is committed and its next key pending in the keyring: the next
                # entry's sync makes it current (_resolve), as after an interrupted seal.
                # Said as "nothing was recorded" here, it would be wrong: it was.
                log.warning("the audit key's next epoch is made current later: %s", exc)
                with self._mutex:
                    self._reload()
        if head:
            try:
                seq, digest, stamp = head
                macs, store = self._head_macs, self.store_id  # keys.head_mac, keys.head_moment_mac
                mac = macs.one(keys.head_message(store, seq, digest))
                moment = (stamp, macs.one(keys.head_moment_message(store, seq, digest, stamp)))
                keys.write_head_record(self._head_path(), store, seq, digest, mac, moment)
            except OSError as exc:  # the entry is committed; a stale head only weakens a later check
                log.warning("audit head not written: %s", exc.strerror)

    def _head_path(self) -> Path:
        key = (self.path, self.store_id)
        cached = self._head_cache
        if cached is None or cached[0] != key:
            cached = self._head_cache = (key, keys.head_path(self.path, self.store_id))
        return cached[1]

    # -- which other installations' row seals this desk accepts ------------------------------

    def trusted_chains(self) -> frozenset[str]:
        """The other installations whose row keys this desk accepts (its keyring's `trusted`),
        as last read. Its own chain is not among them: its own seals are checked by HMAC."""
        return self._trusted

    def trusts(self, chain: str) -> bool:
        """Whether this desk accepts seals made with `chain`'s row key. A chain not trusted is
        looked up in the keyring file again (another process may have run `audit key trust`),
        at most once every TRUST_RECHECK_SECONDS per chain. An unreadable keyring trusts none."""
        if chain in self._trusted:
            return True
        now = time.monotonic()
        with self._mutex:
            last = self._untrusted_at.get(chain)
            if last is not None and now - last < TRUST_RECHECK_SECONDS:
                return False
            self._untrusted_at[chain] = now
            try:
                ring = keys.read_keyring(self.path)
            except AuditKeyError as exc:
                log.warning("trusted installations not re-read: %s", exc)
                return False
            inst = ring.installation(self.store_id) if ring else None
            if inst is not None:
                self._trusted = frozenset(inst.trusted or ())
                self.inst.trusted = list(inst.trusted or [])
            return chain in self._trusted

    def trust(self, chain: str) -> bool:
        """Add `chain` to this desk's trusted installations in its keyring (read again under
        the keyring lock, so nothing another process wrote is lost); False when it already
        was. Call inside the transaction that records it, before it commits: a keyring that
        cannot be written then rolls the record back, and a commit that fails is undone
        with `untrust`."""
        return self._set_trust(chain, trusted=True)

    def untrust(self, chain: str) -> bool:
        """Take `chain` out of this desk's trusted installations again: what `trust` wrote
        when the transaction recording it did not commit (a trust with no entry saying so).
        False when it was not trusted."""
        return self._set_trust(chain, trusted=False)

    def _set_trust(self, chain: str, *, trusted: bool) -> bool:
        with self._mutex, keys.locked(self.path):
            ring = keys.read_keyring(self.path)
            inst = ring.installation(self.store_id) if ring else None
            if ring is None or inst is None:
                raise SealError(
                    f"The audit key {self.path} no longer holds this store's key; restore it from its backup."
                )
            before = list(inst.trusted or [])
            after = [c for c in before if c != chain] + ([chain] if trusted else [])
            changed = (chain in before) != trusted
            if changed:
                inst.trusted = after
                ring.put(inst)
                keys.write_keyring(ring)
            kept = after if changed else before
            self._trusted = frozenset(kept)
            self.inst.trusted = list(kept)
            self._untrusted_at.pop(chain, None)
            return changed

    # -- for verification, manifests and row integrity -------------------------------------

    def local_keys(self) -> dict[str, tuple[int, bytes]]:
        with self._mutex:
            return {self.chain: (self._epoch, self._mac_key)}

    def sign(self, message: bytes) -> tuple[int, str, str]:
        """Sign with the current epoch key: (epoch, public key, signature)."""
        with self._mutex:
            return self._epoch, keys.public_hex(self._key), keys.sign_hex(self._key, message)

    @property
    def row_public_key(self) -> str:
        return keys.public_hex(self._row_key)

    def row_seal(self, message: str) -> str:
        """`chain:hmac:signature` over a row's decision-relevant columns: the HMAC is this
        installation's fast check, the signature lets other installations check it."""
        mac = self._row_macs.one(message.encode())  # keys.mac_hex(self._row_mac_key, message)
        return f"{self.chain}:{mac}:{keys.sign_hex(self._row_key, message.encode())}"

    def row_seal_ref(self, message: str, seq: int) -> str:
        """`chain:hmac:@seq` for a row sealed in bulk: the HMAC as in row_seal, and instead
        of a signature per row the trail entry `seq` whose signed list holds its state."""
        return f"{self.chain}:{self._row_macs.one(message.encode())}:@{seq}"

    def row_batch_signature(self, rows_json: str) -> str:
        """The row key's signature over a page of sealed rows' states, given as the
        canonical JSON of their list (row_batch_message)."""
        return keys.sign_hex(self._row_key, row_batch_message_json(self.chain, rows_json))

    def row_seal_heads(self, messages: Iterable[bytes]) -> list[str]:
        """`chain:hmac:`, the start of this installation's seal of each message (given as
        UTF-8 bytes), for a list that checks every row it reads: the HMAC row_ok compares."""
        return seal_heads(self.chain, self._row_macs, messages)

    def row_seal_key(self) -> tuple[str, bytes]:
        """(chain, row HMAC key): what a list's worker process needs to do row_seal_heads'
        work itself. The key is a secret: it goes to that process over a pipe, never on a
        command line, in the environment or in a file."""
        return self.chain, self._row_mac_key

    def row_ok(self, message: str, seal: str | None, row_keys: Mapping[str, str]) -> bool:
        if not seal:
            return False
        try:
            chain, mac, signature = seal.split(":")
        except ValueError:
            return False
        if chain == self.chain:
            return keys.mac_equal(mac, self._row_macs.one(message.encode()))
        public = row_keys.get(chain)
        return public is not None and keys.signature_ok(public, signature, message.encode())


# -- attaching an installation to a store ------------------------------------------------


def store_identity(conn: Connection) -> str | None:
    """A store's identity: the hash of its first entry (unique: it holds its time)."""
    return conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == 1)).scalar_one_or_none()


def _register(
    conn: Connection,
    inst: Installation,
    genesis: Ed25519PrivateKey,
    at: dt.datetime,
    staff: str,
    extra: Mapping[str, Any],
) -> tuple[int, str, str]:
    """Append installation `inst`'s registration, signed with its genesis key. Returns
    the entry as the head record names it: (seq, hash, stamp)."""
    lock_chain(conn)
    head = conn.execute(HEAD).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    newest = stamp_moment(head[2]) if head is not None else None
    if newest is not None and at < newest:
        # Never dated before an entry already in the trail, and never the floor of a desk
        # whose clock was set back. Not refused: a trail a clock once ran ahead on must not
        # keep a restored store from opening; the desk's clock is refused at its first
        # decision instead, where `audit clock-correct` is.
        at = newest
    stamp = utc_stamp(at)
    row_public = keys.public_hex(keys.load_private(inst.row_secret))
    proof = keys.sign_hex(
        genesis,
        registration_message(inst.chain, inst.genesis_public_key, row_public, inst.seal_every, seq, stamp, prev),
    )
    facts = {
        **extra,
        "chain": inst.chain,
        "genesis_public_key": inst.genesis_public_key,
        "row_public_key": row_public,
        "fingerprint": keys.fingerprint(inst.genesis_public_key),
        "seal_every": inst.seal_every,
        "proof": proof,
    }
    inst.epoch_start = seq
    sealer = Sealer.__new__(Sealer)  # only to reuse _insert's exact row format
    sealer.inst, sealer._tl = inst, threading.local()
    sealer._set_mac_key(keys.entry_mac_key(genesis))
    entry = sealer._insert(conn, seq, prev, stamp, staff, REGISTERED, None, None, None, "[]", canonical_json(facts))
    return entry.seq, entry.entry_hash, stamp


def _legacy_check(conn: Connection, legacy_key: bytes | None) -> dict[str, Any]:
    """Verify a pre-sealing chain (hashes and links; its HMAC checkpoints when the old key
    is here) before sealing over it: tampered history is never sealed."""
    import hashlib
    import hmac as _hmac

    from suitcheck.audit.chain import Verifier, stream_entries

    verifier = Verifier()
    failure = verifier.feed(stream_entries(conn))  # type: ignore[arg-type]
    if failure is not None:
        raise SealError(
            f"The store's old audit trail fails verification ({failure.problem}); it is not sealed over. "
            "Restore the store from a backup."
        )
    checkpoints = conn.execute(
        select(AuditCheckpoint.seq, AuditCheckpoint.entry_hash, AuditCheckpoint.at, AuditCheckpoint.mac)
    ).all()
    verified = 0
    for seq, digest, at, mac in checkpoints:
        actual = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq)).scalar_one_or_none()
        if actual != digest:
            raise SealError(
                f"The store's old audit trail was truncated or rewritten (entry {seq} differs from its checkpoint); "
                "it is not sealed over."
            )
        if legacy_key is not None:
            expected = _hmac.new(legacy_key, f"{seq}:{digest}:{at}".encode(), hashlib.sha256).hexdigest()
            if not keys.mac_equal(mac, expected):
                raise SealError(
                    f"The store's old checkpoint at entry {seq} is not signed by this installation's old key; "
                    "it is not sealed over."
                )
            verified += 1
    return {
        "legacy_entries": verifier.count,
        "legacy_head": {"seq": verifier.last_seq, "hash": verifier.last_hash},
        "legacy_checkpoints_verified": verified,
        "legacy_key": "present" if legacy_key is not None else "missing",
    }


def attach(
    conn: Connection,
    path: Path,
    location: str,
    *,
    init: bool,
    start_over: bool = False,
    join: bool = False,
    restored: str | None = None,
    now: dt.datetime,
    seal_every: int | None = None,
) -> tuple[Sealer, Attached | None]:
    """Bind this installation's keyring to the store (inside one write transaction).

    Creates keys only when `init` is set and the situation is a first run, a legacy
    upgrade, or an explicit start-over/join. Raises SealError naming what is wrong:
    a store missing, replaced, emptied or truncated, a key missing or foreign.

    `restored` (a reason, with `init`) accepts a store that ends before its recorded head,
    as one restored from a backup does: a new installation registers on it, its first
    entry naming the lost range and the head that was recorded, and the old key is retired."""
    lock_chain(conn)
    if seal_every is None:
        seal_every = _seal_every_setting()
    ring = keys.read_keyring(path)
    sid = store_identity(conn)
    ring = _forget_uncommitted(conn, path, ring, sid, location, now)
    settled = _unsettled(conn, ring, sid)
    if settled is not None:
        ring = _settle_committed(conn, path, settled)
    sealer, attached = _attach(conn, path, location, ring, sid, init, start_over, join, restored, now, seal_every)
    if attached is None and init and settled is not None and settled.chain == sealer.chain:
        # The `init` that registered these keys stopped after its commit, before it printed
        # the public key compliance must file: this run prints it.
        attached = Attached(True, settled.chain, settled.genesis_public_key, _registered_event(conn, settled.chain))
    return sealer, attached


def _attach(
    conn: Connection,
    path: Path,
    location: str,
    ring: keys.Keyring | None,
    sid: str | None,
    init: bool,
    start_over: bool,
    join: bool,
    restored: str | None,
    now: dt.datetime,
    seal_every: int,
) -> tuple[Sealer, Attached | None]:
    known = ring.locations.get(location) if ring else None
    if ring is not None and sid is not None and sid in ring.stores:
        return _attach_known(conn, path, ring, sid, known, location, init, restored, now, seal_every)
    if sid is None and conn.execute(select(AuditEntry.seq).limit(1)).first() is not None:
        # Not empty: its first entry (the store's identity) was deleted or renumbered. Read
        # as empty, `init` would register over it, trusting whatever is registered there.
        raise SealError(
            f"The store {location} was changed outside suitcheck: its audit trail holds entries, but its first "
            "entry is missing (deleted or renumbered). Restore it from a backup."
        )
    if sid is None:  # an empty store
        if join and not start_over:
            raise SealError(
                f"The store {location} has no audit trail to join: `suitcheck init --join` registers this desktop "
                "on a store that another desktop set up. Check the address, or set the store up with "
                "`suitcheck init` (without --join)."
            )
        return _attach_empty(conn, path, ring, location, known, now, init, start_over, seal_every)
    regs = conn.execute(select(AuditEntry.seq).where(AuditEntry.action == REGISTERED).limit(1)).first()
    if regs is None:  # a store from before sealing: seal its old chain once, stated in the trail
        if known is not None and known != sid:
            raise SealError(f"The store {location} was replaced: it is not the store this installation sealed there.")
        if ring is None and not init:
            raise SealError(
                f"The store {location} predates sealed audit trails and its audit key {path} is missing; "
                "run `suitcheck init` to seal its old trail under a new key."
            )
        extra = {"event": "upgraded", **_legacy_check(conn, ring.legacy_key if ring else None)}
        sealer, attached = _new(conn, path, ring, location, now, extra, seal_every, legacy=True)
        log.warning("old audit trail sealed under the new installation key %s", attached.chain if attached else "")
        return sealer, attached
    if init and join and (known is None or known == sid):
        _refuse_unreadable_newest(conn, location)
        return _new(conn, path, ring, location, now, {"event": "joined"}, seal_every)
    raise _foreign_store(conn, path, ring, sid, known, location)


def _refuse_unreadable_newest(conn: Connection, location: str) -> None:
    """Under the chain lock, before a desktop joins: the trail's newest moment must read.
    suitcheck writes none that does not, so it was changed in SQL. A running desk holds
    such an entry to the moment its own head record gives it (Sealer.see_stored); a
    joining desktop has no head record and no moment it may trust (the rest of the trail
    is the table that was edited): its registration, dated by its own clock unchecked,
    could fall before entries already in the trail. Refused; joining waits for compliance,
    the desks already registered work on."""
    head = conn.execute(HEAD).first()
    if head is not None and stamp_moment(head[2]) is None:
        raise SealError(
            f"The store {location} was changed outside suitcheck: its newest audit entry ({head[0]}) holds a moment "
            "suitcheck never writes, so a desktop joining now has no moment to date its registration after. This "
            "desktop was not registered and nothing was recorded; tell compliance (`suitcheck audit verify` names "
            "the entry)."
        )


def _forget_uncommitted(
    conn: Connection, path: Path, ring: keys.Keyring | None, sid: str | None, location: str, now: dt.datetime
) -> keys.Keyring | None:
    """An `init` or `init --join` stopped after its new key reached the keyring but before the
    store committed the registration (Ctrl+C, a full disk, a lost connection, a power cut)
    left a keyring entry for a trail that never was: no entry of its chain in the store, no
    head record beside the key (written after the commit), no seal. Left there, the next run
    took it for a trail deleted from the store. It is dropped (named in `retired`), so the
    command can run again; nothing it could have sealed exists."""
    if ring is None:
        return None
    stale = []
    for candidate in {sid, ring.locations.get(location)} - {None}:
        inst = ring.installation(str(candidate))
        if inst is not None and _never_registered(conn, path, inst):
            stale.append(inst)
    if not stale:
        return ring
    with keys.locked(path):
        fresh = keys.read_keyring(path) or ring
        for inst in stale:
            fresh.stores.pop(inst.store_id, None)
            for place, store_id in list(fresh.locations.items()):
                if store_id == inst.store_id:
                    del fresh.locations[place]
            replaced = (inst.replaces or {}).get("installation")
            if isinstance(replaced, dict):
                # The keys it was to replace seal the store (or a lost store's trail) still.
                old = Installation.from_dict(replaced)
                fresh.put(old)
                log.warning("audit key of installation %s kept: its successor was never registered", old.chain)
            fresh.retired.append(
                {
                    "location": inst.location,
                    "store_id": inst.store_id,
                    "chain": inst.chain,
                    "retired_at": utc_stamp(now),
                    "why": "registration-not-committed",
                }
            )
            log.warning("audit key of installation %s dropped: its registration was never committed", inst.chain)
        keys.write_keyring(fresh)
    return fresh


def _never_registered(conn: Connection, path: Path, inst: Installation) -> bool:
    """Keys whose registration the store never committed: nothing sealed, no head record
    of their own, no entry of their chain."""
    if inst.epoch != 0 or inst.signed_head or inst.pending:
        return False
    return not _head_written_by(path, inst) and not _has_entries(conn, inst.chain)


def _has_entries(conn: Connection, chain: str) -> bool:
    return conn.execute(select(AuditEntry.seq).where(AuditEntry.chain == chain).limit(1)).first() is not None


def _head_written_by(path: Path, inst: Installation) -> bool:
    """Whether a head record beside the key was written for this installation. One whose
    registration is not yet known committed (`replaces` set) owns only a record under its
    own key: one that takes the place of another on the same store (a restored backup)
    shares its head file, and a record under the replaced keys is not its own. Any other
    installation is taken to own whatever head file its store has (a record that fails its
    MAC is refused later)."""
    head = keys.head_path(path, inst.store_id)
    if not head.exists():
        return False
    if inst.replaces is None:
        return True
    try:
        return keys.read_head(head, inst.head_key, inst.store_id) is not None
    except AuditKeyError:
        return False


def _unsettled(conn: Connection, ring: keys.Keyring | None, sid: str | None) -> Installation | None:
    """A new installation whose registration the store holds but its keyring entry does not
    know of (an `init`, `init --join` or upgrade stopped after its commit, before it settled
    the keyring), or None."""
    inst = ring.installation(sid) if ring is not None and sid is not None else None
    if inst is None or inst.replaces is None or not _has_entries(conn, inst.chain):
        return None
    return inst


def _registered_event(conn: Connection, chain: str) -> str | None:
    """What the registration of `chain` says it was (store-created, joined, upgraded, ...)."""
    return _event(
        conn.execute(
            select(AuditEntry.facts).where(AuditEntry.chain == chain, AuditEntry.action == REGISTERED).limit(1)
        ).scalar()
    )


def _event(facts: object) -> str | None:
    """The "event" a registration's facts name; None for facts that do not read as such
    (the store's text, which an insider can change: never an error here)."""
    try:
        event = json.loads(facts if isinstance(facts, str | bytes) else "").get("event")
    # JSON nested too deep to read raises RecursionError, which is no ValueError.
    except (TypeError, ValueError, AttributeError, RecursionError):
        return None
    return event if isinstance(event, str) else None


def _settle_committed(conn: Connection, path: Path, inst: Installation) -> keys.Keyring | None:
    """Settle `inst` (_unsettled) now, its head record naming its registration."""
    first = conn.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).where(AuditEntry.chain == inst.chain).order_by(AuditEntry.seq)
    ).first()
    assert first is not None
    return settle_replacement(path, inst.store_id, inst.chain, (int(first[0]), str(first[1])))


def settle_replacement(
    path: Path, store_id: str, chain: str, registered: tuple[int, str] | None = None
) -> keys.Keyring | None:
    """Once the store holds the registration of a new installation: the keys it replaces
    (if any) are erased from the keyring and recorded retired. `registered`: its
    registration entry (seq, hash), for a head record not written yet, or still under the
    replaced keys (a restored store shares its head file with the installation it
    replaces; the head is written after the commit, and an `init` stopped in between left
    none, or the old one)."""
    with keys.locked(path):
        ring = keys.read_keyring(path)
        inst = ring.installation(store_id) if ring else None
        if ring is None or inst is None or inst.chain != chain or inst.replaces is None:
            return ring
        if registered is not None and not _head_written_by(path, inst):
            keys.write_head(keys.head_path(path, store_id), inst.head_key, store_id, *registered)
        retire = inst.replaces.get("retire")
        if isinstance(retire, dict):
            ring.retired.append(retire)
        if inst.replaces.get("legacy_key"):
            ring.legacy_key = None  # erased: the old chain is now sealed under the new key
        inst.replaces = None
        ring.put(inst)
        keys.write_keyring(ring)
        return ring


def _attach_known(
    conn: Connection,
    path: Path,
    ring: keys.Keyring,
    sid: str,
    known: str | None,
    location: str,
    init: bool,
    restored: str | None,
    now: dt.datetime,
    seal_every: int,
) -> tuple[Sealer, Attached | None]:
    """A store this keyring sealed: the same one as at this location before, its head
    where the keyring last saw it (moved files follow their store), unless `restored`
    accepts a backup that ends before it."""
    if known is not None and known != sid and known in ring.stores:
        raise SealError(
            f"The store {location} was replaced: it is not the store this installation sealed there "
            f"(its first entry differs)."
        )
    inst = ring.installation(sid)
    assert inst is not None
    if inst.location != location:
        with keys.locked(path):
            ring = keys.read_keyring(path) or ring
            inst = ring.installation(sid) or inst
            inst.location = location
            ring.put(inst)
            keys.write_keyring(ring)
    try:
        newest = check_head(conn, path, inst, location)
    except StoreBehindHead as behind:
        if not (init and restored and restored.strip()):
            raise
        return _accept_restored(conn, path, ring, inst, location, now, seal_every, behind, restored.strip())
    if restored is not None:
        if init and restored.strip() and _accepted_here(conn, inst):
            # This command's own acceptance, committed by a run stopped before it finished
            # (and printed the key compliance must file): accepted; nothing recorded twice.
            sealer = Sealer(path, inst)
            sealer.sync(conn)
            return sealer, Attached(True, inst.chain, inst.genesis_public_key, "restored-from-backup")
        raise SealError(
            f"The store {location} holds every entry recorded beside its audit key: it is not behind its head, "
            "so there is no restored backup to accept."
        )
    if inst.trusted is None:
        inst = _grandfather(conn, path, sid, inst)
    sealer = Sealer(path, inst)
    sealer.sync(conn)
    if newest is not None:  # the clock's floor from the start (the head read it anyway)
        sealer.see_stored(newest[0], stamp_moment(newest[2]))
    return sealer, None


def _accepted_here(conn: Connection, inst: Installation) -> bool:
    """Whether the store's newest entry is this installation's registration accepting a
    restored backup: nothing was recorded after the acceptance."""
    newest = conn.execute(
        select(AuditEntry.action, AuditEntry.chain, AuditEntry.facts).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    if newest is None or newest.action != REGISTERED or newest.chain != inst.chain:
        return False
    return _event(newest.facts) == "restored-from-backup"


def _grandfather(conn: Connection, path: Path, sid: str, inst: Installation) -> Installation:
    """A keyring entry from before trusted installations (`trusted` unset), on a store whose
    heads checked: it trusts the installations validly registered now, as every desk trusted
    them before, and the keyring says so from now on (read again under its lock)."""
    registered = sorted(set(registered_row_keys(conn)) - {inst.chain})
    with keys.locked(path):
        ring = keys.read_keyring(path)
        fresh = ring.installation(sid) if ring else None
        if ring is None or fresh is None:
            raise SealError(f"The audit key {path} no longer holds this store's key; restore it from its backup.")
        if fresh.trusted is None:
            fresh.trusted = registered
            ring.put(fresh)
            keys.write_keyring(ring)
            log.warning("installations this desk trusts from now on (registered at the upgrade): %s", registered)
    return fresh


def _attach_empty(
    conn: Connection,
    path: Path,
    ring: keys.Keyring | None,
    location: str,
    known: str | None,
    now: dt.datetime,
    init: bool,
    start_over: bool,
    seal_every: int,
) -> tuple[Sealer, Attached | None]:
    """A store with no trail: new keys, only for `init`, and never silently where this
    installation sealed a trail before (that takes --start-over, stated in the trail)."""
    if known is not None and not start_over:
        raise SealError(
            f"The store {location} is empty, but this installation sealed a trail there: it was deleted or "
            "re-initialised. Restore it from a backup, or start over with `suitcheck init --start-over`."
        )
    if not init:
        raise SealError(f"The store {location} has no audit trail yet; create it with `suitcheck init`.")
    extra: dict[str, Any] = {"event": "store-created"}
    if known is not None and ring is not None:
        old = ring.installation(known)
        extra = {
            "event": "started-over",
            "previous_store": known,
            "previous_head": (old.signed_head if old else None),
        }
        retire = {"location": location, "store_id": known, "retired_at": utc_stamp(now)}
        return _new_in_place_of(conn, path, ring, location, now, extra, seal_every, known, old, retire)
    return _new(conn, path, ring, location, now, extra, seal_every)


def _new_in_place_of(
    conn: Connection,
    path: Path,
    ring: keys.Keyring,
    location: str,
    now: dt.datetime,
    extra: dict[str, Any],
    seal_every: int,
    replaced: str,
    old: Installation | None,
    retire: dict[str, Any],
) -> tuple[Sealer, Attached]:
    """A new installation taking the place of `old` (store `replaced`; `retire` records it
    retired). It trusts what the desk it replaces trusted, not whatever is registered in
    the store now (an insider's installation the desk never trusted would be among them);
    a keyring from before trusted installations had decided nothing: grandfathered, as at
    its first open."""
    keep = [*(old.trusted or ()), old.chain] if old else []
    undecided = old is None or old.trusted is None
    return _new(
        conn,
        path,
        ring,
        location,
        now,
        extra,
        seal_every,
        retire=retire,
        replaced=replaced,
        keep=keep,
        registered_too=undecided,
    )


def _foreign_store(
    conn: Connection, path: Path, ring: keys.Keyring | None, sid: str, known: str | None, location: str
) -> SealError:
    """Why a sealed store this keyring has no key for is refused."""
    if known is not None and known != sid:
        return SealError(
            f"The store {location} was replaced: it is not the store this installation sealed there "
            "(its first entry differs)."
        )
    owners = ", ".join(r["chain"] for r in _registrations(conn) if isinstance(r.get("chain"), str))
    owners = owners or "another installation"
    if ring is None:
        return SealError(
            f"The audit key {path} is missing, but the store {location} is sealed (by installation {owners}). "
            "Restore the key file from its backup; `suitcheck init --join` registers this desktop as a new "
            "installation instead."
        )
    return SealError(
        f"The audit key {path} holds no key for the store {location} (sealed by installation {owners}). "
        "Restore the key file from its backup, or register this desktop with `suitcheck init --join`."
    )


def _accept_restored(
    conn: Connection,
    path: Path,
    ring: keys.Keyring,
    inst: Installation,
    location: str,
    now: dt.datetime,
    seal_every: int,
    behind: StoreBehindHead,
    reason: str,
) -> tuple[Sealer, Attached]:
    """A store restored from a backup: the entries after its end are gone, and this
    installation's key has moved on past them. Register a new installation whose first
    entry states the loss (the head recorded outside the store, how many entries, why,
    and who at the OS level), and retire the old key. The old chain's entries in the
    restored store keep verifying through their seals; the loss stays in the trail."""
    extra = {
        "event": "restored-from-backup",
        "reason": reason,
        "os_user": os_user(),
        "previous_chain": inst.chain,
        "store_ended_at": behind.last_seq,
        "recorded_head": {"seq": behind.head_seq, "hash": behind.head_hash},
        "entries_lost": behind.head_seq - behind.last_seq,
    }
    now = _not_before_lost_head(now, path, inst)
    retire = {
        "location": location,
        "store_id": inst.store_id,
        "chain": inst.chain,
        "retired_at": utc_stamp(now),
        "why": "restored-from-backup",
    }
    log.warning(
        "store %s restored from a backup: entries %s-%s recorded beside the key are lost (%s)",
        location,
        behind.last_seq + 1,
        behind.head_seq,
        reason,
    )
    return _new_in_place_of(conn, path, ring, location, now, extra, seal_every, inst.store_id, inst, retire)


def _not_before_lost_head(now: dt.datetime, path: Path, inst: Installation) -> dt.datetime:
    """`now`, or the moment of the newest entry `inst` committed when that is later: a
    store restored from a backup no longer holds that entry, but its head record beside
    the key (MACed under the keyring's head key) still gives its moment. The registration
    that states the loss is dated no earlier, so it is the desk's clock floor: a clock set
    back to just after the backup's newest entry decides nothing (it is refused at the
    first decision, as a joining desk's is; the restored store opens, so an administrator
    can record a correction if that moment was itself ahead). A record that is missing,
    carries no moment (written before records did) or cannot be read leaves `now` as it
    is (check_head has judged the record where it matters). Not for `--start-over`: a new
    store records its branches as it opens, so a refused clock would keep it from opening
    at all, `clock-correct` included."""
    try:
        record = keys.read_head_record(keys.head_path(path, inst.store_id), inst.head_key, inst.store_id)
    except (AuditKeyError, OSError):
        return now
    moment = stamp_moment(record.at) if record is not None else None
    return moment if moment is not None and moment > now else now


def os_user() -> str:
    """Who is signed in to the operating system, as the trail records it beside acts that
    need OS access (a restore, a local recovery, a clock correction)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _seal_every_setting() -> int:
    """The seal interval for a new installation (recorded in its signed registration);
    SUITCHECK_SEAL_EVERY lets tests exercise many epochs, within sane bounds."""
    try:
        value = int(os.environ.get("SUITCHECK_SEAL_EVERY", SEAL_EVERY))
    except ValueError:
        value = SEAL_EVERY
    return min(max(value, 2), 10_000)


def _registrations(conn: Connection) -> list[dict[str, Any]]:
    from suitcheck.audit.chain import registrations

    return registrations(conn)


def _new(
    conn: Connection,
    path: Path,
    ring: keys.Keyring | None,
    location: str,
    now: dt.datetime,
    extra: Mapping[str, Any],
    seal_every: int,
    legacy: bool = False,
    retire: dict[str, Any] | None = None,
    replaced: str | None = None,
    keep: Iterable[str] = (),
    registered_too: bool = True,
) -> tuple[Sealer, Attached]:
    """A new installation on this store. It trusts (its keyring's `trusted`) `keep`: those
    the installation it replaces trusted, and that one; and, with `registered_too` (a new
    desk, or one replacing a desk that had decided nothing), the installations validly
    registered in the trail now, as the person running `init` chose this store.

    `replaced`: the store id of the keys it takes the place of (`retire` records them
    retired). They leave the keyring only once the store holds the new registration
    (settle_replacement): until then the new entry keeps them, so an `init` stopped before
    its commit loses neither them nor the state the next run needs. So does the legacy
    key of a store from before sealed trails (`legacy`): erased only once the store holds
    the registration that seals the old trail."""
    trusted = sorted(set(registered_row_keys(conn) if registered_too else ()) | set(keep))
    with keys.locked(path):
        fresh = keys.read_keyring(path)
        ring = fresh if fresh is not None else (ring or keys.Keyring(path, {}, {}, []))
        # Set until the store is known to hold the registration (settle_replacement): a
        # run stopped after the commit and before the head record beside the key was
        # written gets it written at the next open, from the registration the store holds.
        replaces: dict[str, Any] = {}
        if replaced is not None:
            replaces = {"installation": ring.stores.pop(replaced, None), "retire": retire}
            for place, store_id in list(ring.locations.items()):
                if store_id == replaced:
                    del ring.locations[place]
        elif retire is not None:
            ring.retired.append(retire)
        placeholder = "pending"
        inst, genesis = keys.new_installation(placeholder, location, 0, seal_every)
        inst.trusted = [c for c in trusted if c != inst.chain]
        if legacy and ring.legacy_key is not None:
            # The pre-sealing key that checked the old trail's checkpoints stays in the
            # keyring until the store holds the upgrade's registration (settle_replacement
            # erases it): an upgrade stopped before its commit runs again with it.
            replaces["legacy_key"] = True
        inst.replaces = replaces
        registered = _register(conn, inst, genesis, now, "system", extra)
        sid = store_identity(conn)
        assert sid is not None
        inst.store_id = sid
        ring.put(inst)
        keys.write_keyring(ring)
    sealer = Sealer(path, inst)
    sealer._txn()["head"] = registered
    return sealer, Attached(True, inst.chain, inst.genesis_public_key, str(extra.get("event")))


class StoreBehindHead(SealError):
    """The store ends before a head recorded outside it: entries were deleted, or the
    store was restored from an older backup (`init --restored-backup` accepts that, recorded)."""

    def __init__(self, *, message: str, last_seq: int, head_seq: int, head_hash: str) -> None:
        super().__init__(message)
        self.last_seq, self.head_seq, self.head_hash = last_seq, head_seq, head_hash


def check_head(
    conn: Connection, path: Path, inst: Installation, location: str, heads: list[tuple[int, str]] | None = None
) -> Any:
    """The store must still hold the heads recorded outside it (signed head at the last
    seal, and the head record written after every commit). Returns the store's newest
    entry as chain.HEAD reads it (None for none). `heads`: those heads as
    recorded_heads read them before `conn`'s snapshot began (a reader's; a writer holding
    the chain lock reads them here): the record is rewritten after each commit of this
    installation, so one read after a snapshot began may name an entry committed since,
    which the snapshot does not hold."""
    if heads is None:
        heads = recorded_heads(path, inst, location)
    last = conn.execute(HEAD).first()
    last_seq = last[0] if last else 0
    if type(last_seq) is not int:  # SQLite keeps text (or a real) in a table rebuilt without its key
        number = str(last_seq)[:40]
        raise SealError(
            f"The store {location} was changed outside suitcheck: the newest entry of its audit trail is numbered "
            f"{number!r}, which is not a whole number."
        )
    beyond = [(seq, digest) for seq, digest in heads if last_seq < seq]
    if beyond:
        seq, digest = max(beyond)
        raise StoreBehindHead(
            message=f"The store {location} is shorter than its recorded head: it ends at entry {last_seq}, but entry "
            f"{seq} was recorded beside the audit key (entries were deleted). If the store was restored from a "
            "backup, `suitcheck init --restored-backup REASON` accepts it, recording the lost entries.",
            last_seq=last_seq,
            head_seq=seq,
            head_hash=digest,
        )
    for seq, digest in heads:
        actual = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq)).scalar_one_or_none()
        if actual != digest:
            raise SealError(
                f"The store {location} was rewritten: entry {seq} differs from the head recorded beside the audit key."
            )
    return last


def recorded_heads(path: Path, inst: Installation, location: str) -> list[tuple[int, str]]:
    """(seq, hash) of the heads recorded outside the store: the signed head at the last
    seal, and the head record beside the key. Every entry they name was committed."""
    heads: list[tuple[int, str]] = []
    if inst.signed_head:
        heads.append((int(inst.signed_head["seq"]), str(inst.signed_head["hash"])))
    record = keys.read_head(keys.head_path(path, inst.store_id), inst.head_key, inst.store_id)
    if record is None:
        raise SealError(
            f"The head record beside the audit key {path} is missing, so the store {location} cannot be "
            "checked for deleted entries; restore it from its backup."
        )
    heads.append((record[0], record[1]))
    return heads


def attach_report(attached: Attached | None) -> dict[str, Any] | None:
    if attached is None:
        return None
    return {
        "chain": attached.chain,
        "public_key": keys.printable_public(attached.genesis_public_key),
        "public_key_hex": attached.genesis_public_key,
        "fingerprint": attached.fingerprint,
        "event": attached.note,
    }
