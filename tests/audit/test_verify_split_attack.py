"""An insider's attacks on the split verification (audit.verify_split): with write access to
the store and no audit key, make the split pass a trail one process rejects, or give any
other result than one process. Each test compares the split with one process
(chain.verifier_for_store) in one read transaction, as test_verify_split does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

from tests.audit import test_verify_split
from tests.audit.conftest import Trail
from tests.audit.test_tamper import raw, read_rows, rehash, steal_head, write_rows
from tests.audit.test_verify_split import _check_after, _seal_after, _sql, both_ways, split_at
from tests.conftest import Clock, make_services

COLUMNS = "seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev_hash, entry_hash, chain, mac"
# Whether the second process's check was used, each time it was asked (a fixture).
vouched = test_verify_split.vouched
BATCH = 2000  # chain.entry_batches' batch: where every reader's keyset batches end


def _grow(trail: Trail, clock: Clock, count: int) -> None:
    """`count` more entries, written by the installation's own sealer (sealed as it goes)."""
    services = make_services(trail.target, clock)
    try:
        entries = (
            {"staff": "t-compliance", "action": "check", "investor_id": 1, "report_id": trail.report, "facts": {"n": n}}
            for n in range(count)
        )
        services.ctx.sealer.append_many(services.store.engine, entries, clock.now)
    finally:
        services.close()


def seq_not_unique(target: str, *, nullable: bool = False) -> None:
    """audit_entry's seq made an indexed column that may repeat (and, `nullable`, be left
    empty), as any SQL client can: PostgreSQL drops the primary key; SQLite, whose rowid key
    cannot repeat, rebuilds the table (every row kept, in order)."""
    if "://" in target:
        engine = create_engine(target)
        with engine.begin() as conn:
            name = conn.execute(
                text("SELECT conname FROM pg_constraint WHERE conrelid = 'audit_entry'::regclass AND contype = 'p'")
            ).scalar_one()
            conn.execute(text(f'ALTER TABLE audit_entry DROP CONSTRAINT "{name}"'))
            if nullable:
                conn.execute(text("ALTER TABLE audit_entry ALTER COLUMN seq DROP NOT NULL"))
            conn.execute(text("CREATE INDEX attack_seq ON audit_entry (seq)"))
        engine.dispose()
        return
    raw(
        target,
        "ALTER TABLE audit_entry RENAME TO audit_entry_old",
        f"CREATE TABLE audit_entry (seq INTEGER{'' if nullable else ' NOT NULL'}, at VARCHAR(32) NOT NULL, "
        "staff VARCHAR(64) NOT NULL, "
        "action VARCHAR(32) NOT NULL, investor_id INTEGER, report_id INTEGER, decision VARCHAR(32), "
        "reasons TEXT NOT NULL, facts TEXT NOT NULL, prev_hash VARCHAR(64) NOT NULL, "
        "entry_hash VARCHAR(64) NOT NULL, chain VARCHAR(16), mac VARCHAR(64))",
        f"INSERT INTO audit_entry ({COLUMNS}) SELECT {COLUMNS} FROM audit_entry_old ORDER BY seq",
        "DROP TABLE audit_entry_old",
        "CREATE INDEX attack_seq ON audit_entry (seq)",
    )


# Where the repeated seq falls (the split point is MID): at the end of a batch of the split's
# later part (both of its processes read it from MID on), at the end of one process's batch,
# at the split point, just after it.
MID = 1000
REPEATS = {
    "the end of a later part's batch": MID + BATCH,
    "the end of one process's batch": 2 * BATCH,
    "the split point": MID,
    "the first of the later part": MID + 1,
}


@pytest.mark.parametrize("where", REPEATS)
def test_a_repeated_seq_is_found_wherever_a_batch_ends(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch, vouched: list[bool], where: str
) -> None:
    """A second entry under an entry's seq, in a table whose seq may repeat (a copy of the
    entry: which of two rows of one seq comes first is up to the database, and a copy makes
    the result the same either way). Every reader pages by `seq > the last seq read`, so a repeat just
    past the end of a batch was never read: one process passed the trail when the repeat
    fell at the end of one of its batches, and the split (whose later part's batches end
    elsewhere) passed it when it fell at the end of one of its own, where one process
    rejects it. Either way the trail must be rejected, and the same way."""
    _grow(trail, clock, 2 * BATCH + 300)
    seq_not_unique(trail.target)
    seq = REPEATS[where]
    assert [r["action"] for r in read_rows(trail.target) if r["seq"] == seq] == ["check"]
    raw(trail.target, f"INSERT INTO audit_entry ({COLUMNS}) SELECT {COLUMNS} FROM audit_entry WHERE seq = {seq}")
    split_at(monkeypatch, MID)
    one, two = both_ways(trail, clock)
    assert not one.result.ok
    assert one.result.bad_seq == seq
    assert "duplicated" in str(one.result.problem)
    assert two == one
    assert True not in vouched


# -- edits in the second process's entries: its read must catch them, or this process must --


def _a_check(trail: Trail) -> int:
    return _check_after(trail, 20)


def _a_seal(trail: Trail) -> int:
    return _seal_after(trail, 20)


# Each changes what an entry holds but none of (seq, action, entry_hash, chain, mac), the
# only fields this process reads of the later entries that are not seals or registrations.
CONTENT = [
    _sql(f"{column}_of_a_{kind}", f"UPDATE audit_entry SET {column} = {value} WHERE seq = {{seq}}", at)
    for kind, at in (("check", _a_check), ("seal", _a_seal))
    for column, value in (
        ("at", "'2000-01-01T00:00:00.000000Z'"),
        ("staff", "'t-advisor'"),
        ("investor_id", "investor_id + 1" if kind == "check" else "7"),
        ("report_id", "NULL" if kind == "check" else "1"),
        ("decision", "'block'"),
        ("reasons", "'[]'" if kind == "check" else "'[\"x\"]'"),
        ("facts", "'{{}}'"),
        ("prev_hash", f"'{'1' * 64}'"),
    )
]
# A seal's action respelled: SELECT_CONTENT (`action IN ('seal', ...)`) no longer reads its
# whole row, and no check takes it for a seal; the epoch it closed is then unsealed.
RESPELLED = [
    _sql(f"seal_spelled_{name}", f"UPDATE audit_entry SET action = '{value}' WHERE seq = {{seq}}", _a_seal)
    for name, value in (("upper", "SEAL"), ("title", "Seal"), ("spaced", "seal "), ("fullwidth", "ｓｅａｌ"))
]
# The five fields themselves, NULL where a column allows it.
NULLED = [
    _sql(f"{column}_null_in_a_{kind}", f"UPDATE audit_entry SET {column} = NULL WHERE seq = {{seq}}", at)
    for kind, at in (("check", _a_check), ("seal", _a_seal))
    for column in ("chain", "mac")
]
# SQLite keeps bytes where the column says text: the stream holds them as bytes.
SQLITE_BYTES = [
    _sql(
        f"blob_in_{column}_of_a_{kind}",
        f"UPDATE audit_entry SET {column} = CAST({column} AS BLOB) WHERE seq = {{seq}}",
        at,
    )
    for kind, at in (("check", _a_check), ("seal", _a_seal))
    for column in ("action", "chain", "mac", "prev_hash", "facts")
] + [
    # Not UTF-8: read as U+FFFD (store.sqlitetext), in a field both processes read.
    _sql(
        f"not_utf8_in_{column}",
        f"UPDATE audit_entry SET {column} = CAST(X'ff' || {column} AS TEXT) WHERE seq = {{seq}}",
        _a_check,
    )
    for column in ("entry_hash", "mac", "facts")
]


def respelled_and_rehashed(trail: Trail) -> int:
    """A seal respelled 'Seal', every hash and every MAC whose key a seal revealed redone
    after it, the head beside the key rewritten too: a trail that holds together but for
    the seal that is no longer one."""
    rows = read_rows(trail.target)
    seq = _seal_after(trail, 20)
    index = next(i for i, r in enumerate(rows) if r["seq"] == seq)
    rows[index]["action"] = "Seal"
    rehash(rows)
    write_rows(trail.target, rows)
    steal_head(trail, rows)
    return seq


def _assert_one_processs_result(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch, vouched: list[bool], tamper: Callable[[Trail], int]
) -> None:
    seq = tamper(trail)
    split_at(monkeypatch, seq - 4)  # the edited entry is the second process's
    one, two = both_ways(trail, clock)
    assert not one.result.ok
    assert two == one
    assert True not in vouched


@pytest.mark.parametrize("tamper", [*CONTENT, *RESPELLED, *NULLED, respelled_and_rehashed], ids=lambda t: t.__name__)
def test_an_entry_edited_in_the_later_part_gives_one_processs_result(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch, vouched: list[bool], tamper: Callable[[Trail], int]
) -> None:
    _assert_one_processs_result(trail, clock, monkeypatch, vouched, tamper)


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
@pytest.mark.parametrize("tamper", SQLITE_BYTES, ids=lambda t: t.__name__)
def test_bytes_in_the_later_part_give_one_processs_result(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch, vouched: list[bool], tamper: Callable[[Trail], int]
) -> None:
    _assert_one_processs_result(trail, clock, monkeypatch, vouched, tamper)
