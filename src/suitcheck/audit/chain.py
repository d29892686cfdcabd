"""Append-only SHA-256 hash chain over audit entries, with HMAC-signed checkpoints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.orm import Session

from suitcheck.store.models import AuditCheckpoint, AuditEntry

GENESIS_HASH = "0" * 64
CHECKPOINT_EVERY = 100
# Any constant works; every writer must use the same one.
_PG_LOCK_KEY = 0x5C_A0D17


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_dumps = json.JSONEncoder(ensure_ascii=False).encode


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
) -> str:
    """Canonical JSON of one entry, equal to canonical_json() of its dict form.

    Written out by hand (keys in sorted order) because verification runs this a million
    times; `reasons_json` and `facts_json` must already be canonical_json() output.
    """
    return (
        f'{{"action":{_dumps(action)},"at":{_dumps(at)},"decision":{_dumps(decision)},'
        f'"facts":{facts_json},"investor_id":{_dumps(investor_id)},"prev_hash":{_dumps(prev_hash)},'
        f'"reasons":{reasons_json},"report_id":{_dumps(report_id)},"seq":{seq},"staff":{_dumps(staff)}}}'
    )


def entry_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def checkpoint_mac(key: bytes, seq: int, head_hash: str, at: str) -> str:
    return hmac.new(key, f"{seq}:{head_hash}:{at}".encode(), hashlib.sha256).hexdigest()


# Built once: the check path runs these thousands of times, and SQLAlchemy caches the
# compiled form per statement object.
_HEAD = select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
_INSERT = insert(AuditEntry)


def _lock_chain(conn: Connection) -> None:
    # SQLite: the transaction began with BEGIN IMMEDIATE, so we already hold the write lock.
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def _connection(target: Session | Connection) -> Connection:
    if isinstance(target, Session):
        target.flush()  # pending ORM changes of the same unit of work go first
        return target.connection()
    return target


@dataclasses.dataclass(frozen=True)
class Appended:
    seq: int
    entry_hash: str


def append_entry(
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
    key: bytes | None = None,
) -> Appended:
    """Append one entry inside the caller's transaction; it commits with the caller's change.

    Plain Core statements: this runs for every check, and the ORM unit of work would
    cost more than the commit itself."""
    conn = _connection(session)
    _lock_chain(conn)
    head = conn.execute(_HEAD).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    stamp = utc_stamp(at)
    reasons_json = canonical_json(list(reasons))
    facts_json = canonical_json(dict(facts or {}))
    digest = entry_hash(
        canonical_entry(seq, stamp, staff, action, investor_id, report_id, decision, reasons_json, facts_json, prev)
    )
    conn.execute(
        _INSERT,
        {
            "seq": seq,
            "at": stamp,
            "staff": staff,
            "action": action,
            "investor_id": investor_id,
            "report_id": report_id,
            "decision": decision,
            "reasons": reasons_json,
            "facts": facts_json,
            "prev_hash": prev,
            "entry_hash": digest,
        },
    )
    if key is not None and seq % CHECKPOINT_EVERY == 0:
        write_checkpoint(conn, key, seq, digest, at)
    return Appended(seq, digest)


def write_checkpoint(conn: Session | Connection, key: bytes, seq: int, head_hash: str, at: dt.datetime) -> None:
    stamp = utc_stamp(at)
    _connection(conn).execute(
        insert(AuditCheckpoint).values(
            seq=seq, entry_hash=head_hash, at=stamp, mac=checkpoint_mac(key, seq, head_hash, stamp)
        )
    )


def checkpoint_head(session: Session, key: bytes, at: dt.datetime) -> tuple[int, str] | None:
    """Sign the current head (used by exports and on demand). None for an empty chain."""
    conn = _connection(session)
    _lock_chain(conn)
    head = conn.execute(_HEAD).first()
    if head is None:
        return None
    write_checkpoint(session, key, head[0], head[1], at)
    return head[0], head[1]


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int | None = None
    head_hash: str | None = None
    bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


Row = tuple[int, str, str, str, int | None, int | None, str | None, str, str, str, str]


def verify_rows(
    rows: Iterable[Row],
    expected_prev: str | None = GENESIS_HASH,
    first_seq: int | None = 1,
    *,
    linked: bool = True,
) -> VerifyResult:
    """Check rows (seq, at, staff, action, investor, report, decision, reasons, facts,
    prev_hash, entry_hash): each hash recomputes and, when `linked`, each row follows
    the one before it (contiguous numbers, prev_hash = the previous entry_hash).
    Unlinked checking is for filtered exports, which are not contiguous."""
    count = 0
    prev_hash, expected_seq = expected_prev, first_seq
    last_seq: int | None = None
    last_hash: str | None = None

    def bad(seq: int, problem: str) -> VerifyResult:
        return VerifyResult(False, count, last_seq, last_hash, seq, problem)

    for row in rows:
        seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev, digest = row
        count += 1
        if linked and expected_seq is not None and seq != expected_seq:
            what = "missing" if seq > expected_seq else "duplicated or out of order"
            return bad(seq, f"entry {expected_seq} is {what} (found {seq} in its place)")
        if linked and prev_hash is not None and prev != prev_hash:
            return bad(seq, f"entry {seq} does not link to the entry before it (prev_hash differs)")
        content = canonical_entry(seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev)
        if entry_hash(content) != digest:
            return bad(seq, f"entry {seq} was altered (its content no longer matches its hash)")
        prev_hash, expected_seq = digest, seq + 1
        last_seq, last_hash = seq, digest
    return VerifyResult(True, count, last_seq, last_hash)


_COLUMNS = (
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
)


def verify_store(session: Session, key: bytes | None) -> VerifyResult:
    """Verify the whole chain, then every checkpoint against it (signature and position)."""
    rows = session.execute(select(*_COLUMNS).order_by(AuditEntry.seq).execution_options(yield_per=5000))
    result = verify_rows(rows)  # type: ignore[arg-type]
    if not result.ok:
        return result
    checkpoints = session.execute(
        select(AuditCheckpoint.seq, AuditCheckpoint.entry_hash, AuditCheckpoint.at, AuditCheckpoint.mac).order_by(
            AuditCheckpoint.id
        )
    ).all()
    for seq, head_hash, at, mac in checkpoints:
        if key is None or not hmac.compare_digest(mac, checkpoint_mac(key, seq, head_hash, at)):
            return dataclasses.replace(
                result,
                ok=False,
                bad_seq=seq,
                problem=f"the checkpoint at entry {seq} is not signed by this installation's audit key",
            )
        if result.head_seq is None or seq > result.head_seq:
            return dataclasses.replace(
                result,
                ok=False,
                bad_seq=seq,
                problem=f"the chain was truncated: a checkpoint vouches for entry {seq}, "
                f"but the chain ends at {result.head_seq or 0}",
            )
        actual = session.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq)).scalar_one()
        if actual != head_hash:
            return dataclasses.replace(
                result,
                ok=False,
                bad_seq=seq,
                problem=f"entry {seq} differs from the signed checkpoint: the chain was rewritten",
            )
    return dataclasses.replace(result, checkpoints=len(checkpoints))


def count_entries(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())
