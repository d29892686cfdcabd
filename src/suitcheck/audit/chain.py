"""The audit trail: a SHA-256 hash chain whose every entry carries an HMAC under its
installation's current epoch key, closed by Ed25519-signed seals (docs/audit-design.md).

- entry_hash = SHA-256 of the entry's canonical JSON, which holds the previous hash;
- mac = HMAC-SHA256(epoch MAC key, entry_hash): nobody without the key can append or edit;
- a seal entry closes an epoch: it reveals the epoch's MAC key (so anyone can check the
  epoch's MACs), names the next epoch's public key, and is signed by the epoch's private
  key, which is then erased. Every installation must seal at least every SEAL_EVERY
  entries; a missing seal is a failure. Verification needs only the genesis public keys.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from suitcheck.audit.jsonwriter import one_shot_json
from suitcheck.audit.keys import chain_id, mac_equal, signature_ok
from suitcheck.audit.rowmac import MacMany
from suitcheck.domain.calendar import day_end, day_start
from suitcheck.domain.codes import AuditAction
from suitcheck.store import engine as store_engine
from suitcheck.store.models import AuditEntry
from suitcheck.store.sqlitetext import fetch_batch

GENESIS_HASH = "0" * 64
# An installation seals once its epoch spans this many entries of the (shared) chain.
SEAL_EVERY = 1000
SEAL = AuditAction.SEAL.value
REGISTERED = AuditAction.INSTALLATION_REGISTERED.value
# Any constant works; every writer must use the same one.
_PG_LOCK_KEY = 0x5C_A0D17


# What json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) builds
# on every call, built once: an import serialises three documents per client, and a
# check writes five.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_canonical = one_shot_json(_CANONICAL)


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 text."""
    return _canonical(value)


# json's own C string encoder (what json.dumps(ensure_ascii=False) uses for a str).
_string: Any = json.encoder.encode_basestring
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _json_text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _chain_marker(chain: str | None) -> str:
    """The `chain` member of an entry's canonical JSON: none before sealing existed."""
    return "" if chain is None else f'"chain":{_string(chain)},'


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector over a loop that makes millions of short-lived
    tuples and strings but no reference cycles: reference counting frees all of them, and
    the collector would only scan them again and again (about a tenth of a verification's
    or an export's time). Re-enabled afterwards unless it was off before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _link_problem(seq: int, expected_seq: int | None) -> str:
    """Why an entry of a linked trail is not where it belongs."""
    if expected_seq is not None and seq > expected_seq:
        message = f"entry {expected_seq} is missing (found {seq} in its place)"
    elif expected_seq is not None and seq != expected_seq:
        message = f"entry {expected_seq} is duplicated or out of order (found {seq} in its place)"
    else:
        message = f"entry {seq} does not link to the entry before it (prev_hash differs)"
    return message


class _Quoted(dict[Any, str]):
    """value -> encode(value), worked out once per distinct value (for the few values that
    repeat over a trail). Bounded: a trail of distinct values clears it."""

    def __init__(self, encode: Callable[[Any], str]) -> None:
        super().__init__()
        self._encode = encode

    def __missing__(self, value: Any) -> str:
        text = self._encode(value)
        if len(self) >= 4096:
            self.clear()
        self[value] = text
        return text


def canonical_entry(
    seq: int,
    at: str,
    staff: str,
    action: str,
    investor_id: int | None,
    report_id: int | None,
    decision: str | None,
    reasons_json: str,
    facts_json: str,
    prev_hash: str,
    chain: str | None = None,
) -> str:
    """Canonical JSON of one entry, equal to canonical_json() of its dict form (`chain`
    only when set: entries written before sealing existed have none).

    Written out by hand (keys in sorted order) because verification runs this a million
    times; `reasons_json` and `facts_json` must already be canonical_json() output.
    """
    s = _string
    marker = "" if chain is None else f'"chain":{s(chain)},'
    return (
        f'{{"action":{s(action)},"at":{s(at)},{marker}"decision":{"null" if decision is None else s(decision)},'
        f'"facts":{facts_json},"investor_id":{"null" if investor_id is None else investor_id},'
        f'"prev_hash":{s(prev_hash)},"reasons":{reasons_json},'
        f'"report_id":{"null" if report_id is None else report_id},"seq":{seq},"staff":{s(staff)}}}'
    )


def entry_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_mac(key: bytes, digest: str) -> str:
    return hmac.digest(key, digest.encode(), "sha256").hex()


def _first_bad_mac(key: bytes, entries: Sequence[tuple[int, str, str | None]]) -> int | None:
    """The seq of the first (seq, entry_hash, mac) whose MAC is not entry_mac(key, hash).
    The key's HMAC state is made once per epoch (keys.MacMany), not again for every entry."""
    expected = MacMany(key).hex([digest.encode() for _, digest, _ in entries])
    for (seq, _, mac), want in zip(entries, expected, strict=True):
        if not mac_equal(mac, want):
            return seq
    return None


def day_stamp(day: dt.date) -> str:
    """The stamp at which the firm's `day` begins (Beijing midnight, domain.calendar): the
    entries of the days [a, b] are those with day_stamp(a) <= at < day_end_stamp(b)."""
    return utc_stamp(day_start(day))


def day_end_stamp(day: dt.date) -> str:
    """The stamp at which the firm's `day` ends (the next day's day_stamp; 9999-12-31 too)."""
    return utc_stamp(day_end(day))


def recorded_in(since: dt.date | None, until: dt.date | None) -> Any:
    """The entries recorded in the firm's days [since, until] (either end open), as a SQL
    condition on AuditEntry: those stamped in them (day_stamp), and also an entry stamped
    while a desk's clock ran ahead, in the days of the clock correction that accepted the
    clock again after it (the first `clock-corrected` entry after it in the trail stamped
    earlier than it: by then the entry surely existed). Such an entry is in both periods,
    never taken out of the one its stamp names: a correction (an administrator's recorded
    word, on SQLite whatever the clock reads) can add entries to a period, never hide one.
    Until session 26 a block made on a clock a year ahead was in no export or
    self-inspection of the days it was made. Without a correction in the trail this is the
    stamps' range alone."""
    from sqlalchemy import and_, exists, or_
    from sqlalchemy.orm import aliased

    lo = day_stamp(since) if since else None
    hi = day_end_stamp(until) if until else None

    def within(column: Any) -> list[Any]:
        return [c for c in ((column >= lo) if lo else None, (column < hi) if hi else None) if c is not None]

    if not within(AuditEntry.at):
        return and_(True)
    corrected, between = aliased(AuditEntry), aliased(AuditEntry)
    later = (
        corrected.action == AuditAction.CLOCK_CORRECTED.value,
        corrected.seq > AuditEntry.seq,
        corrected.at < AuditEntry.at,
    )
    first = ~exists().where(
        between.action == AuditAction.CLOCK_CORRECTED.value,
        between.seq > AuditEntry.seq,
        between.seq < corrected.seq,
        between.at < AuditEntry.at,
    )
    return or_(and_(*within(AuditEntry.at)), exists().where(*later, first, *within(corrected.at)))


def utc_stamp(moment: dt.datetime) -> str:
    """`%Y-%m-%dT%H:%M:%S.%fZ` in UTC (isoformat writes the same text, several times faster
    than strftime: this runs for every entry)."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def stamp_moment(stamp: object) -> dt.datetime | None:
    """An entry's stamp (utc_stamp's text) as the aware moment it names; None for anything
    else (a stamp changed in the store, which verify names)."""
    if type(stamp) is not str or len(stamp) != 27 or not stamp.endswith("Z"):
        return None
    try:
        return dt.datetime.fromisoformat(stamp[:-1]).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def seal_message(
    chain: str, epoch: int, seq: int, at: str, prev_hash: str, mac_key: str, next_public_key: str
) -> bytes:
    """What an epoch's private key signs when it closes the epoch: its place in the chain
    (seq and the hash of everything before it), the revealed MAC key and the next key."""
    return canonical_json(
        {
            "what": "suitcheck-seal/1",
            "chain": chain,
            "epoch": epoch,
            "seq": seq,
            "at": at,
            "prev_hash": prev_hash,
            "mac_key": mac_key,
            "next_public_key": next_public_key,
        }
    ).encode()


def row_batch_message(chain: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """What an installation's row key signs for a page of rows a bulk write (an import)
    sealed: each row's table, key and state digest, as its `record-sealed` entry lists
    them. A row sealed so carries `chain:hmac:@seq`, pointing at that entry."""
    return row_batch_message_json(chain, canonical_json(list(rows)))


def row_batch_message_json(chain: str, rows_json: str) -> bytes:
    """row_batch_message with the rows already serialised by canonical_json(): the same
    bytes, for the writer, which serialises the list once for the entry and the signature."""
    return f'{{"chain":{_string(chain)},"rows":{rows_json},"what":"suitcheck-row-batch/1"}}'.encode()


def registration_message(
    chain: str, genesis: str, row_public_key: str, seal_every: int, seq: int, at: str, prev_hash: str
) -> bytes:
    """What a new installation's genesis key signs to register (proof of possession)."""
    return canonical_json(
        {
            "what": "suitcheck-registration/1",
            "chain": chain,
            "genesis_public_key": genesis,
            "row_public_key": row_public_key,
            "seal_every": seal_every,
            "seq": seq,
            "at": at,
            "prev_hash": prev_hash,
        }
    ).encode()


# An entry of the trail: numbered from 1 (verify fails a trail holding any other row, and
# a read that takes an entry as authority, such as a client's newest override, takes only
# these: a row an insider added under 0, below it or with no number decides nothing).
IN_TRAIL = AuditEntry.seq > 0

# The newest entry. Not a row without a number (suitcheck writes none; an insider's SQL client
# can, once PostgreSQL's NOT NULL is dropped, and PostgreSQL sorts it first in descending
# order): the trail's head stays the numbered one, and verify counts the other.
# Its moment comes with it (no extra round trip): a desk whose clock reads earlier than the
# trail's newest moment is wrong (domain.calendar.clock_behind; Sealer._check_clock).
HEAD = (
    select(AuditEntry.seq, AuditEntry.entry_hash, AuditEntry.at)
    .where(AuditEntry.seq.is_not(None))
    .order_by(AuditEntry.seq.desc())
    .limit(1)
)


# PostgreSQL: the trail's lock, and with it, for the rest of this transaction only, the bound
# on idling inside it (store.engine.IDLE_IN_TRANSACTION_MS) unless the server's
# configuration sets one: a desk stopped, asleep or cut off while it holds the lock every
# other desk's check waits on is ended by the server, its work rolled back and the lock
# freed. Only the holder: a read (an export, a verify) never blocks a check, however long it
# takes between statements. One statement, so a check makes no extra round trip; it also
# answers the server's clock once the lock is held (the lock in FROM is taken before the
# select list is read): the store's one clock, which no clerk's desk can set.
_SCHEMA = "(SELECT version_num FROM alembic_version)"
_PG_LOCK = text(f"SELECT clock_timestamp(), {_SCHEMA} FROM pg_advisory_xact_lock(:key)")
_PG_LOCK_BOUNDED = text(
    f"SELECT clock_timestamp(), {_SCHEMA}, set_config('idle_in_transaction_session_timeout', :idle, true) "
    "FROM pg_advisory_xact_lock(:key)"
)
_SQLITE_SCHEMA = f"SELECT {_SCHEMA}"


class NewerSchemaError(store_engine.StoreError):
    """Another desk upgraded the store to a newer version's schema while this one ran."""


def lock_chain(conn: Connection) -> dt.datetime | None:
    """Take the trail's lock for this transaction. PostgreSQL: returns the database
    server's clock read once the lock is held; SQLite (one desk's clock): None.

    Under the lock, the store's schema must still be one this version knows: a desk left
    running while a newer version upgraded the store (a firm rolling the new version out
    desk by desk) went on deciding on tables whose seals it no longer reads (every check a
    record-integrity block, recorded) and writing rows the newer version's seals do not
    cover. Refused, nothing recorded. (No extra round trip on PostgreSQL: the lock's own
    statement reads it.)"""
    # SQLite: the transaction began with BEGIN IMMEDIATE, so we already hold the write lock.
    if conn.dialect.name != "postgresql":
        # On the driver's own connection (an audited check's every microsecond counts:
        # through SQLAlchemy this one statement cost a check about a quarter more CPU).
        row = conn.connection.dbapi_connection.execute(_SQLITE_SCHEMA).fetchone()  # type: ignore[union-attr]
        _refuse_newer_schema(row[0] if row else None)
        return None
    if conn.connection.info.get(store_engine.IDLE_BOUND_WANTED):
        row = conn.execute(_PG_LOCK_BOUNDED, {"key": _PG_LOCK_KEY, "idle": f"{store_engine.IDLE_IN_TRANSACTION_MS}ms"})
    else:
        row = conn.execute(_PG_LOCK, {"key": _PG_LOCK_KEY})
    server, revision = row.one()[:2]
    _refuse_newer_schema(revision)
    return server if isinstance(server, dt.datetime) else None


def _refuse_newer_schema(revision: object) -> None:
    if isinstance(revision, str) and store_engine.newer_schema(revision):
        if store_engine.revision_by_hand(revision):
            raise NewerSchemaError(str(store_engine.schema_changed_by_hand(None)))
        raise NewerSchemaError(
            f"The store was upgraded by a newer version of suitcheck (schema {revision}) while this one was "
            "running; nothing was recorded. Close suitcheck and start the newer version."
        )


def connection(target: Session | Connection) -> Connection:
    if isinstance(target, Session):
        target.flush()  # pending ORM changes of the same unit of work go first
        return target.connection()
    return target


@dataclasses.dataclass(frozen=True)
class Appended:
    seq: int
    entry_hash: str


# -- verification --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int | None = None
    head_hash: str | None = None
    bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0  # seals verified (the old name, kept for scripts)
    seals: int = 0
    unsealed: int = 0  # entries in epochs still open, checked only by their installation
    installations: tuple[str, ...] = ()
    # Rows compared with the trail (client, staff, report, policy, assessment rows); None
    # when not stated (a branch-scoped verifier: it would be the firm's number of clients).
    state_checked: int | None = 0

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["installations"] = list(self.installations)
        return d


# (seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev_hash,
#  entry_hash, chain, mac)
Row = tuple[Any, ...]


@dataclasses.dataclass
class _Chain:
    genesis: str
    public_key: str
    epoch: int
    start: int
    pending: list[tuple[int, str, str | None]]
    every: int


@dataclasses.dataclass
class ChainState:
    """Where verification left each installation: its open epoch and unsealed entries."""

    epoch: int
    public_key: str
    start: int
    pending: list[tuple[int, str, str | None]]
    genesis: str


def _whole(
    whole: Mapping[int, Row], seq: int, action: str, prev: str | None, digest: str, chain: str | None, mac: str | None
) -> Row | None:
    """The whole row of entry `seq` when it is the entry of those fields and its content
    hashes to its entry_hash (else None: to be verified by feed())."""
    row = whole.get(seq)
    if row is None or (row[0], row[3], row[9], row[10], row[11], row[12]) != (seq, action, prev, digest, chain, mac):
        return None
    try:
        content = canonical_entry(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], chain)
    except TypeError:  # a BLOB where suitcheck writes text
        return None
    return row if entry_hash(content) == digest else None


class Verifier:
    """Streams entries in order and checks: numbering, links, hashes, registrations,
    seals (signature, revealed MAC key, required interval) and every entry's MAC.

    `trusted`: genesis public keys (hex) to accept; None accepts every registration
    found in the trail (they are then reported, for comparison with filed keys).
    `local_keys`: chain -> (epoch, MAC key) of open epochs this machine holds.
    """

    def __init__(
        self,
        *,
        trusted: set[str] | None = None,
        local_keys: dict[str, tuple[int, bytes]] | None = None,
        expected_prev: str | None = GENESIS_HASH,
        first_seq: int | None = 1,
        linked: bool = True,
    ) -> None:
        self.trusted = trusted
        self.local_keys = local_keys or {}
        self.linked = linked
        self.expected_prev = expected_prev
        self.expected_seq = first_seq
        self.chains: dict[str, _Chain] = {}
        self.order: list[str] = []
        self.count = 0
        self.seals = 0
        self.last_seq: int | None = None
        self.last_hash: str | None = None
        self.seal_heads: dict[str, tuple[int, str, str]] = {}  # chain -> last seal (seq, hash, signature)
        self._due: tuple[str, int, int] | None = None  # (chain, epoch, seq the seal must have)
        self._failure: VerifyResult | None = None
        # feed_hashed(): the entries after this seq had their MACs checked with their seals.
        self._macs_up_to: int | None = None

    def _fail(self, seq: int | None, problem: str) -> VerifyResult:
        self._failure = VerifyResult(
            False,
            self.count,
            self.last_seq,
            self.last_hash,
            seq,
            problem,
            self.seals,
            self.seals,
            installations=tuple(self.order),
        )
        return self._failure

    def feed(self, rows: Iterable[Row]) -> VerifyResult | None:
        """Check rows; the failure at the first bad one, else None (call finish())."""
        if self._failure is not None:
            return self._failure
        with cycle_collector_paused():
            return self._feed(rows)

    def feed_hashed(self, rows: Iterable[Sequence[Any]], whole: Mapping[int, Row]) -> bool:
        """Check rows of (seq, action, entry_hash, chain, mac) whose content, links and
        sealed MACs another process checked (PartVerifier, for audit.verify_split): what
        needs the trail before them, as feed() checks it: numbering, registrations, seals
        (due on time, signed, each entry's MAC up to the last entry fed before these) and
        the entries left unsealed. Only the seals and registrations have other fields these
        checks read: their whole rows are in `whole` (by seq) and are hashed here. True when
        every row passed; False at the first that did not (or that feed() would not pass):
        this verifier is then spent, and the caller verifies those rows with feed() on a
        copy() taken before."""
        chains, content = self.chains, (SEAL, REGISTERED)
        prev_hash, expected_seq = self.expected_prev, self.expected_seq
        count, last_seq, last_hash = self.count, self.last_seq, self.last_hash
        if not self.linked or expected_seq is None or self._failure is not None:
            return False
        if self._macs_up_to is None:  # the MACs of the entries after it are checked with their seals
            self._macs_up_to = last_seq or 0
        with cycle_collector_paused():
            for seq, action, digest, chain, mac in rows:
                count += 1
                if seq != expected_seq:
                    return False
                last_seq, last_hash = seq, digest
                state = chains.get(chain) if chain is not None else None
                if state is not None and self._due is None and action != SEAL:
                    # _feed()'s common case of _place(), inline there and here for the same reason.
                    state.pending.append((seq, digest, mac))
                    if seq - state.start >= state.every:
                        self._due = (chain, state.epoch, seq + 1)
                else:
                    row = _whole(whole, seq, action, prev_hash, digest, chain, mac) if action in content else None
                    if row is None:
                        if action in content:
                            return False
                        # _place() reads no other field of an entry that is not a seal or registration.
                        row = (seq, None, None, action, None, None, None, None, None, prev_hash, digest, chain, mac)
                    self.count, self.last_seq, self.last_hash = count, last_seq, last_hash
                    if self._place(row) is not None:
                        return False
                prev_hash, expected_seq = digest, seq + 1
        self.count, self.last_seq, self.last_hash = count, last_seq, last_hash
        self.expected_prev, self.expected_seq = prev_hash, expected_seq
        return True

    def copy(self) -> Verifier:
        """A verifier that goes on from where this one is, independently of it."""
        return copy.deepcopy(self)

    def _feed(self, rows: Iterable[Row]) -> VerifyResult | None:
        linked, chains = self.linked, self.chains
        prev_hash, expected_seq = self.expected_prev, self.expected_seq
        # A prev_hash checked equal to a hex digest needs no JSON escaping; the few values
        # that repeat (staff, action, decision, installation) are escaped once.
        plain_prev = linked and prev_hash is not None and _HEX64.fullmatch(prev_hash) is not None
        quoted, marker, s, sha256 = _Quoted(_json_text), _Quoted(_chain_marker), _string, hashlib.sha256
        count, last_seq, last_hash = self.count, self.last_seq, self.last_hash
        failure: VerifyResult | None = None
        for row in rows:
            seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev, digest, chain, mac = row
            count += 1
            if linked and (
                (expected_seq is not None and seq != expected_seq) or (prev_hash is not None and prev != prev_hash)
            ):
                problem = _link_problem(seq, expected_seq)
                break
            # canonical_entry(), written out here: this runs for every entry of the trail.
            try:
                quoted_prev = f'"{prev}"' if plain_prev else s(prev)
                content = (
                    f'{{"action":{quoted[action]},"at":{s(at)},{marker[chain]}"decision":{quoted[decision]},'
                    f'"facts":{facts},"investor_id":{"null" if investor_id is None else investor_id},'
                    f'"prev_hash":{quoted_prev},"reasons":{reasons},'
                    f'"report_id":{"null" if report_id is None else report_id},"seq":{seq},"staff":{quoted[staff]}}}'
                )
            except TypeError:  # bytes (a BLOB, set outside suitcheck) where suitcheck writes text
                content = ""
            if not content or sha256(content.encode()).hexdigest() != digest:
                problem = f"entry {seq} was altered (its content no longer matches its hash)"
                break
            last_seq, last_hash = seq, digest
            if not linked:
                continue  # a filtered export: its manifest's signature vouches for the set
            state = chains.get(chain) if chain is not None else None
            if state is not None and self._due is None and action != SEAL:
                # The common case of _place(): an entry awaiting its epoch's seal.
                state.pending.append((seq, digest, mac))
                if seq - state.start >= state.every:
                    self._due = (chain, state.epoch, seq + 1)
            else:
                self.count, self.last_seq, self.last_hash = count, last_seq, last_hash
                failure = self._place(row)
                if failure is not None:
                    return failure
            prev_hash, expected_seq, plain_prev = digest, seq + 1, True
        else:
            self.count, self.last_seq, self.last_hash = count, last_seq, last_hash
            self.expected_prev, self.expected_seq = prev_hash, expected_seq
            return None
        self.count, self.last_seq, self.last_hash = count, last_seq, last_hash
        return self._fail(seq, problem)

    def _place(self, row: Row) -> VerifyResult | None:
        """An intact entry of a linked trail in its installation's chain: a registration,
        a seal closing an epoch (due on time), or an entry awaiting its epoch's seal."""
        seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev, digest, chain, mac = row
        due = self._due
        if due is not None and not (action == SEAL and chain == due[0]):
            return self._fail(
                due[2],
                f"the seal of installation {due[0]} (epoch {due[1]}) is missing: it was due as entry {due[2]}",
            )
        state = self.chains.get(chain) if chain is not None else None
        if state is None:
            problem = self._new_chain(seq, at, action, facts, prev, digest, chain, mac)
        elif action == SEAL:
            if (staff, investor_id, report_id, decision, reasons) != ("system", None, None, None, "[]"):
                return self._fail(seq, f"entry {seq} is a malformed seal (it carries fields a seal never has)")
            problem = self._seal(state, seq, at, facts, prev, digest, chain, mac)
        else:
            problem = None
            state.pending.append((seq, digest, mac))
            if seq - state.start >= state.every:
                self._due = (chain, state.epoch, seq + 1)
        return self._fail(seq, problem) if problem else None

    def _new_chain(
        self, seq: int, at: str, action: str, facts: str, prev: str, digest: str, chain: str | None, mac: str | None
    ) -> str | None:
        if chain is None:
            if self.chains or not self.linked:
                return f"entry {seq} carries no installation mark: it was added outside suitcheck"
            return None  # written before sealing existed; pinned by the upgrade registration
        if action != REGISTERED:
            return f"entry {seq} claims installation {chain}, which is not registered in the trail before it"
        try:
            f = json.loads(facts)
            genesis, row_key, proof = f["genesis_public_key"], f["row_public_key"], f["proof"]
            every = int(f["seal_every"])
            own = chain_id(genesis) == chain  # text that is no hex key: ValueError or TypeError
        # RecursionError: JSON nested deeper than Python reads it, which is no ValueError.
        except (ValueError, KeyError, TypeError, RecursionError):
            return f"entry {seq} is a damaged installation registration"
        if not own or f.get("chain") != chain:
            return f"entry {seq} registers installation {chain} with a key that is not its own"
        if not 2 <= every <= 10_000:
            return f"entry {seq} registers installation {chain} with an impossible seal interval"
        if not signature_ok(genesis, proof, registration_message(chain, genesis, row_key, every, seq, at, prev)):
            return f"entry {seq}: the registration of installation {chain} is not signed by its genesis key"
        if self.trusted is not None and genesis not in self.trusted:
            return f"entry {seq} registers installation {chain}, whose genesis key is not among the trusted public keys"
        self.chains[chain] = _Chain(genesis, genesis, 0, seq, [(seq, digest, mac)], every)
        self.order.append(chain)
        return None

    def _seal(
        self, state: _Chain, seq: int, at: str, facts: str, prev: str, digest: str, chain: str, mac: str | None
    ) -> str | None:
        try:
            f = json.loads(facts)
            epoch, mac_key, next_key, signature = f["epoch"], f["mac_key"], f["next_public_key"], f["signature"]
            key = bytes.fromhex(mac_key)
        except (ValueError, KeyError, TypeError, RecursionError):
            return f"entry {seq} is a damaged seal"
        if epoch.__class__ is not int:  # named in the sentences below
            return f"entry {seq} is a damaged seal"
        if set(f) != {"chain", "epoch", "mac_key", "next_public_key", "signature"}:
            return f"entry {seq} is a malformed seal (it carries fields a seal never has)"
        if epoch != state.epoch or f.get("chain") != chain:
            return f"entry {seq}: installation {chain} seals epoch {epoch}, but its open epoch is {state.epoch}"
        if not signature_ok(state.public_key, signature, seal_message(chain, epoch, seq, at, prev, mac_key, next_key)):
            return (
                f"the seal at entry {seq} (installation {chain}, epoch {epoch}) no longer matches the trail before "
                f"it: an entry between {state.start} and {seq} was changed, inserted or removed after it was signed, "
                "or the seal is not signed by that epoch's key"
            )
        state.pending.append((seq, digest, mac))
        up_to = self._macs_up_to
        bad = _first_bad_mac(key, state.pending if up_to is None else [p for p in state.pending if p[0] <= up_to])
        if bad is not None:
            return f"entry {bad} was forged or altered: its MAC does not match installation {chain}'s epoch {epoch} key"
        state.epoch, state.public_key, state.start, state.pending = epoch + 1, next_key, seq, []
        self.seals += 1
        self.seal_heads[chain] = (seq, digest, signature)
        self._due = None
        return None

    def finish(self) -> VerifyResult:
        if self._failure is not None:
            return self._failure
        if self._due is not None:
            chain, epoch, seq = self._due
            return self._fail(
                seq,
                f"the seal of installation {chain} (epoch {epoch}) is missing: it was due as entry {seq}, "
                "where the trail now ends",
            )
        if self.linked and self.count and not self.chains:
            return self._fail(self.last_seq, "the trail holds no sealed entries: no installation is registered in it")
        unsealed = 0
        for chain, state in self.chains.items():
            local = self.local_keys.get(chain)
            if local is None:
                unsealed += len(state.pending)
                continue
            epoch, key = local
            if epoch > state.epoch:
                return self._fail(
                    self.last_seq,
                    f"installation {chain} is at epoch {epoch}, but the trail's last seal leaves it at "
                    f"{state.epoch}: the trail was truncated or replaced",
                )
            if epoch < state.epoch:
                return self._fail(
                    self.last_seq,
                    f"installation {chain} is at epoch {epoch}, but the trail's last seal leaves it at "
                    f"{state.epoch}: the trail is newer than this installation's key",
                )
            p_seq = _first_bad_mac(key, state.pending)
            if p_seq is not None:
                return self._fail(
                    p_seq, f"entry {p_seq} was forged or altered: its MAC does not match this installation's key"
                )
        return VerifyResult(
            True,
            self.count,
            self.last_seq,
            self.last_hash,
            checkpoints=self.seals,
            seals=self.seals,
            unsealed=unsealed,
            installations=tuple(self.order),
        )

    def state(self) -> dict[str, ChainState]:
        return {
            c: ChainState(s.epoch, s.public_key, s.start, list(s.pending), s.genesis) for c, s in self.chains.items()
        }


# What a PartVerifier's own failures say. No one reads it: the verifier of the whole then
# verifies those entries itself, and its failure (or not) is the one reported.
_PART_FAILED = "failed in the later part (verified again whole)"


class PartVerifier(Verifier):
    """The entries after seq `after`, without the trail before them (the later part of a
    split verification, audit.verify_split): numbering and links from the first of them,
    each entry's content against its entry_hash, and each installation's entries against
    the MAC key its next seal here reveals (the seal's own MAC too). What needs the trail
    before them is left to the verifier of the whole (Verifier.feed_hashed): whether each
    seal is due, signed and of the right epoch (and so whether its key is the right one),
    registrations, and the entries no seal here closes."""

    def __init__(self, after: int) -> None:
        super().__init__(expected_prev=None, first_seq=after + 1)
        self.after = after

    def _place(self, row: Row) -> VerifyResult | None:
        seq, _, _, action, _, _, _, _, facts, _, digest, chain, mac = row
        if chain is None:
            return self._fail(seq, _PART_FAILED)
        state = self.chains.get(chain)
        if state is None:  # never due here: the verifier of the whole says when a seal is
            state = self.chains[chain] = _Chain("", "", 0, self.after, [], 1 << 62)
        state.pending.append((seq, digest, mac))
        if action != SEAL:
            return None
        try:
            key = bytes.fromhex(json.loads(facts)["mac_key"])
        except (ValueError, KeyError, TypeError, RecursionError):
            return self._fail(seq, _PART_FAILED)
        bad = _first_bad_mac(key, state.pending)
        if bad is not None:
            return self._fail(bad, _PART_FAILED)
        state.pending = []
        return None


COLUMNS = (
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
    AuditEntry.chain,
    AuditEntry.mac,
)


SELECT_ENTRIES = (
    "SELECT seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev_hash, entry_hash, "
    "chain, mac FROM audit_entry WHERE seq > {after}{until} ORDER BY seq LIMIT {limit}"
)
# An entry's chain fields, for a verifier whose other fields another process hashed.
SELECT_LINKS = (
    "SELECT seq, action, entry_hash, chain, mac FROM audit_entry WHERE seq > {after}{until} ORDER BY seq LIMIT {limit}"
)
# The whole entries whose fields a verifier reads (Verifier.feed_hashed), after a seq.
SELECT_CONTENT = (
    "SELECT seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev_hash, entry_hash, "
    f"chain, mac FROM audit_entry WHERE seq > {{after}} AND action IN ('{SEAL}', '{REGISTERED}') ORDER BY seq"
)


def stream_entries(
    session: Session | Connection, batch: int = 2_000, *, after: int = 0, up_to: int | None = None
) -> Iterable[Sequence[Any]]:
    """Every entry in order (those after `after`, up to `up_to`), as plain tuples from the
    driver's own cursor, fetched in keyset batches (no long-lived server cursor, no
    per-row SQLAlchemy objects: this feeds a million-entry verification)."""
    for rows in entry_batches(session, SELECT_ENTRIES, batch, after=after, up_to=up_to):
        yield from rows


def entry_batches(
    session: Session | Connection, select_sql: str, batch: int = 2_000, *, after: int = 0, up_to: int | None = None
) -> Iterator[list[Any]]:
    """The rows of `select_sql` (seq first; `{after}`, `{limit}` and `{until}` filled in
    here) in keyset batches, read by the driver's own cursor (store.sqlitetext)."""
    conn = connection(session) if isinstance(session, Session) else session
    dbapi = conn.connection.dbapi_connection
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    until = "" if up_to is None else f" AND seq <= {int(up_to)}"
    try:
        while True:
            sql = select_sql.format(after=int(after), limit=int(batch) + 1, until=until)
            rows = fetch_batch(dbapi, cursor, sql)
            if not rows:
                return
            if len(rows) > batch:
                # The next batch is read from after this one's last seq, so a row repeating that seq
                # just past the batch would never be read. suitcheck's key keeps seq unique, but an
                # insider can drop it (PostgreSQL) or rebuild the table (SQLite): a verification whose
                # batches end there passed such a trail, and the split one's later part ends its
                # batches elsewhere than one process does, so the two disagreed. One row more is read
                # and kept when it repeats the last seq (every verifier stops at a repeated seq).
                rows = rows[: batch + 1] if rows[batch][0] == rows[batch - 1][0] else rows[:batch]
            yield rows
            after = rows[-1][0]
    finally:
        cursor.close()


def verifier_for_store(
    session: Session | Connection,
    *,
    trusted: set[str] | None = None,
    local_keys: dict[str, tuple[int, bytes]] | None = None,
) -> Verifier:
    verifier = Verifier(trusted=trusted, local_keys=local_keys)
    verifier.feed(stream_entries(session))  # type: ignore[arg-type]
    return verifier


def entries_not_in_order(conn: Connection, verified: int) -> str | None:
    """Whether the trail holds entries that a verification, reading from entry 1 in order
    (`seq > n`, keyset batches), never reached: a row numbered below 1, one without a number
    (PostgreSQL once its NOT NULL is dropped) or one repeating a number (once its key is
    dropped). suitcheck writes none of these; an insider's SQL client can, and a listing by
    number would show them as entries. Counted in the verification's own read transaction,
    so an entry appended since it began is not counted."""
    total = int(conn.execute(text("SELECT count(*) FROM audit_entry")).scalar_one())
    if total == verified:
        return None
    return (
        f"the trail holds {total} entries, but only {verified} are numbered from 1 in order: "
        "the others were added outside suitcheck"
    )


def sealed_through(conn: Connection) -> dict[str, int]:
    """Each installation's last seal (before its first, its registration): a verification
    checked the MAC of each of its entries up to there with the key a seal revealed, or
    the registration's signature; its entries after that await its next seal, and only
    that installation's own key can check them until then (Verifier.finish)."""
    rows = conn.execute(
        select(AuditEntry.chain, func.max(AuditEntry.seq))
        .where(AuditEntry.action.in_((SEAL, REGISTERED)), AuditEntry.chain.is_not(None))
        .group_by(AuditEntry.chain)
    ).all()
    return {str(chain): int(seq) for chain, seq in rows}


def registrations(conn: Session | Connection) -> list[dict[str, Any]]:
    """Every installation registered in the trail, oldest first (facts plus seq and at)."""
    c = connection(conn) if isinstance(conn, Session) else conn
    rows = c.execute(
        select(AuditEntry.seq, AuditEntry.at, AuditEntry.facts)
        .where(AuditEntry.action == REGISTERED)
        .order_by(AuditEntry.seq)
    ).all()
    out = []
    for seq, at, facts in rows:
        try:
            data = json.loads(facts)
        except (ValueError, TypeError, RecursionError):  # RecursionError: nested too deep to read
            continue
        if isinstance(data, dict):  # facts an insider wrote as a list or null describe nothing
            out.append({**data, "seq": seq, "at": at})
    return out


def registered_row_keys(conn: Session | Connection) -> dict[str, str]:
    """Each installation's row public key, as the trail registers it: from its first
    registration under a number, and only one that `verify` accepts as a registration
    (Verifier._new_chain: its chain is its genesis key's and the entry's, and its proof,
    over its place in the trail, is signed by that key). A row under no number, a second
    registration of a chain (a desk's row key replaced in SQL) or one without its proof
    registers no key: a seal made with it holds nowhere."""
    return {chain: row_key for chain, (_, row_key) in accepted_registrations(conn).items()}


def accepted_registrations(conn: Session | Connection) -> dict[str, tuple[str, str]]:
    """chain -> (genesis public key, row public key) of each installation's first
    registration under a number whose proof holds (registered_row_keys)."""
    c = connection(conn) if isinstance(conn, Session) else conn
    rows = c.execute(
        select(AuditEntry.seq, AuditEntry.at, AuditEntry.prev_hash, AuditEntry.chain, AuditEntry.facts)
        .where(AuditEntry.action == REGISTERED, IN_TRAIL)
        .order_by(AuditEntry.seq)
    ).all()
    found: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for seq, at, prev, chain, facts in rows:
        if not isinstance(chain, str) or chain in seen:
            continue
        seen.add(chain)  # the first registration of a chain is the one verify takes
        try:
            f = json.loads(facts)
            genesis, row_key, proof, every = f["genesis_public_key"], f["row_public_key"], f["proof"], f["seal_every"]
            message = registration_message(chain, genesis, row_key, int(every), seq, at, prev)
            proven = f.get("chain") == chain and chain_id(genesis) == chain and signature_ok(genesis, proof, message)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        if proven and isinstance(row_key, str) and isinstance(genesis, str):
            found[chain] = (genesis, row_key)
    return found


def seal_ladder(conn: Connection, chain: str) -> list[dict[str, Any]]:
    """The seals of one installation, oldest first, with what their signatures cover:
    enough to walk from its genesis key to its current epoch key without the trail."""
    rows = conn.execute(
        select(AuditEntry.seq, AuditEntry.at, AuditEntry.prev_hash, AuditEntry.facts)
        .where(AuditEntry.action == SEAL, AuditEntry.chain == chain)
        .order_by(AuditEntry.seq)
    ).all()
    ladder = []
    for seq, at, prev, facts in rows:
        # A seal changed in SQL (facts that are no seal's, bytes for text) goes in as what
        # can be read of it: the ladder breaks there (walk_ladder), so a manifest carrying it
        # verifies nowhere, and the export is still written, for investigation.
        try:
            f = json.loads(facts)
        except (ValueError, TypeError, RecursionError):
            f = None
        if not isinstance(f, dict):
            f = {}
        ladder.append(
            {
                "seq": seq if isinstance(seq, int) else _as_text(seq),
                "at": _as_text(at),
                "prev_hash": _as_text(prev),
                "epoch": f.get("epoch"),
                "mac_key": f.get("mac_key"),
                "next_public_key": f.get("next_public_key"),
                "signature": f.get("signature"),
            }
        )
    return ladder


def _as_text(value: Any) -> str | None:
    """A column suitcheck writes as text, as text (a JSON manifest holds no bytes)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def walk_ladder(chain: str, genesis: str, ladder: Sequence[dict[str, Any]]) -> tuple[int, str] | str:
    """Follow the seals from the genesis key: (epoch, public key) reached, or a problem."""
    public_key, epoch = genesis, 0
    if not isinstance(ladder, list):  # a manifest's, edited into a number or an object
        return f"the key history of installation {chain} is broken at its epoch {epoch} seal"
    for step in ladder:
        try:
            ok = step["epoch"] == epoch and signature_ok(
                public_key,
                step["signature"],
                seal_message(
                    chain, epoch, step["seq"], step["at"], step["prev_hash"], step["mac_key"], step["next_public_key"]
                ),
            )
        except (KeyError, TypeError):
            ok = False
        if not ok:
            return f"the key history of installation {chain} is broken at its epoch {epoch} seal"
        public_key, epoch = step["next_public_key"], epoch + 1
    return epoch, public_key
