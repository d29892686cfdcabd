"""A long trail is verified on two processes (audit.verify_split): whatever the trail, the
result is the one process's, field for field; the second process only spares this one
work, and nothing it says makes a tampered trail pass. The split point is set here, so that
a handful of entries splits with the tampered entry in this process's half, in the second
process's, or at the seam between them."""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from suitcheck.audit import chain, keys, verify_split
from suitcheck.audit.verify_split import VerifyWorker
from tests.audit.conftest import Trail
from tests.audit.test_tamper import first, raw, read_rows, rehash, steal_head, write_rows
from tests.conftest import Clock, make_services


@dataclass
class Verified:
    """What a verifier left: its result and the state a later check reads."""

    result: chain.VerifyResult
    state: dict[str, chain.ChainState]
    seal_heads: dict[str, tuple[int, str, str]]

    @classmethod
    def of(cls, verifier: chain.Verifier) -> Verified:
        return cls(verifier.finish(), verifier.state(), dict(verifier.seal_heads))


@pytest.fixture
def vouched(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the second process's check of the later entries was used, each time it was
    asked (not asked: this process found a failure first, or the process did not start)."""
    answers: list[bool] = []
    original = VerifyWorker.vouches

    def vouches(self: VerifyWorker, read: tuple[Any, ...], timeout: float) -> bool:
        answers.append(original(self, read, timeout))
        return answers[-1]

    monkeypatch.setattr(VerifyWorker, "vouches", vouches)
    return answers


def split_at(monkeypatch: pytest.MonkeyPatch, mid: int) -> None:
    monkeypatch.setattr(verify_split, "split_point", lambda head_seq: mid if mid < head_seq else None)


def both_ways(trail: Trail, clock: Clock) -> tuple[Verified, Verified]:
    """The trail verified in one process and on two, in one read transaction (the split
    point as set by split_at)."""
    services = make_services(trail.target, clock)
    try:
        local = services.ctx.sealer.local_keys()
        with services.ctx.store.commit_counter() as data_version:
            before = data_version() if data_version is not None else None
            same = None if data_version is None else lambda: data_version() == before
            with services.ctx.transaction(read_only=True) as session:
                conn = session.connection()
                conn.execute(chain.HEAD).first()
                one = Verified.of(chain.verifier_for_store(conn, local_keys=local))
                two = verify_split.verify_entries(
                    conn, url=services.store.url, trusted=None, local_keys=local, same_state=same
                )
                return one, Verified.of(two)
    finally:
        services.close()


# -- the tampering: each edits the store and names the entry it is about -------------------


def _check_after(trail: Trail, seq: int) -> int:
    return int(first(read_rows(trail.target), lambda r: r["action"] == "check" and r["seq"] > seq)["seq"])


def _seal_after(trail: Trail, seq: int) -> int:
    return int(first(read_rows(trail.target), lambda r: r["action"] == "seal" and r["seq"] > seq)["seq"])


def _last_seal(trail: Trail) -> int:
    return max(int(r["seq"]) for r in read_rows(trail.target) if r["action"] == "seal")


def _sql(
    name: str, statement: str, entry: Callable[[Trail], int] = lambda t: _check_after(t, 20)
) -> Callable[[Trail], int]:
    """A tampering by one statement on one entry (`{seq}` in it), named `name`."""

    def tamper(trail: Trail) -> int:
        seq = entry(trail)
        raw(trail.target, statement.format(seq=seq))
        return seq

    tamper.__name__ = name
    return tamper


edited_content = _sql("edited_content", "UPDATE audit_entry SET decision = 'block' WHERE seq = {seq}")
edited_entry_hash = _sql("edited_entry_hash", f"UPDATE audit_entry SET entry_hash = '{'ab' * 32}' WHERE seq = {{seq}}")
edited_prev_hash = _sql(
    "edited_prev_hash", f"UPDATE audit_entry SET prev_hash = '{chain.GENESIS_HASH}' WHERE seq = {{seq}}"
)
deleted = _sql("deleted", "DELETE FROM audit_entry WHERE seq = {seq}")
edited_seal = _sql(
    "edited_seal", "UPDATE audit_entry SET staff = 'someone' WHERE seq = {seq}", lambda t: _seal_after(t, 20)
)
mac_altered = _sql("mac_altered", f"UPDATE audit_entry SET mac = '{'0' * 64}' WHERE seq = {{seq}}")
# Unsealed: only this installation's own key can check it (Verifier.finish).
mac_altered_in_the_open_epoch = _sql(
    "mac_altered_in_the_open_epoch",
    f"UPDATE audit_entry SET mac = '{'0' * 64}' WHERE seq = {{seq}}",
    lambda t: _check_after(t, _last_seal(t)),
)


def inserted_and_renumbered(trail: Trail) -> int:
    rows = read_rows(trail.target)
    seq = _check_after(trail, 20)
    index = next(i for i, r in enumerate(rows) if r["seq"] == seq)
    rows.insert(index, {**rows[index], "decision": "block"})
    rehash(rows)
    write_rows(trail.target, rows)
    steal_head(trail, rows)  # the head beside the key rewritten too, or the store is refused at open
    return seq


def reordered(trail: Trail) -> int:
    rows = read_rows(trail.target)
    seq = _check_after(trail, 20)
    index = next(i for i, r in enumerate(rows) if r["seq"] == seq)
    a, b = rows[index], rows[index + 1]
    for column in a:
        if column != "seq":
            a[column], b[column] = b[column], a[column]
    write_rows(trail.target, rows)
    return seq


def forged_seal(trail: Trail) -> int:
    """A seal whose signature is another seal's, the chain rehashed over it."""
    rows = read_rows(trail.target)
    seq = _seal_after(trail, 20)
    seals = [r for r in rows if r["action"] == "seal"]
    target = next(r for r in seals if r["seq"] == seq)
    other = next(r for r in seals if r["seq"] != seq)
    facts = json.loads(target["facts"])
    facts["signature"] = json.loads(other["facts"])["signature"]
    target["facts"] = chain.canonical_json(facts)
    rehash(rows)
    write_rows(trail.target, rows)
    steal_head(trail, rows)
    return seq


def dropped_seal(trail: Trail) -> int:
    seq = _seal_after(trail, 20)
    rows = [r for r in read_rows(trail.target) if r["seq"] != seq]
    rehash(rows)
    write_rows(trail.target, rows)
    steal_head(trail, rows)
    return seq


def relinked_with_the_stolen_key(trail: Trail) -> int:
    """An entry of the open epoch linked to nothing before it, it and every later entry
    rehashed, their MACs recomputed with today's key (stolen), the head beside the key
    rewritten: every check passes but the link into that entry."""
    ring = keys.read_keyring(trail.key_path)
    assert ring is not None
    rows = read_rows(trail.target)
    inst = ring.installation(rows[0]["entry_hash"])
    assert inst is not None
    seq = _check_after(trail, _last_seal(trail))
    index = next(i for i, r in enumerate(rows) if r["seq"] == seq)
    rows[index]["prev_hash"] = chain.GENESIS_HASH
    rehash(rows[index:], stolen={inst.chain: keys.entry_mac_key(keys.load_private(inst.secret))})
    write_rows(trail.target, rows)
    steal_head(trail, rows)
    return seq


TAMPERING = [
    edited_content,
    edited_entry_hash,
    edited_prev_hash,
    deleted,
    inserted_and_renumbered,
    reordered,
    edited_seal,
    forged_seal,
    dropped_seal,
    mac_altered,
    mac_altered_in_the_open_epoch,
    relinked_with_the_stolen_key,
]
# SQLite keeps whatever bytes an edit gives a column (PostgreSQL's text columns hold none).
SQLITE_TAMPERING = [
    _sql(f"blob_in_{column}", f"UPDATE audit_entry SET {column} = CAST({column} AS BLOB) WHERE seq = {{seq}}")
    for column in ("staff", "entry_hash")
]
# Where the split falls, from the tampered entry's seq.
PLACES = {"in this process's half": 3, "the last of this process's": 0, "the first of the second's": -1}
PLACES["in the second process's half"] = -4


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda t: t.__name__)
def test_a_tampered_trail_gives_one_processs_result(
    trail: Trail,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    vouched: list[bool],
    tamper: Callable[[Trail], int],
    place: str,
) -> None:
    _assert_one_processs_result(trail, clock, monkeypatch, vouched, tamper, PLACES[place])


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("tamper", SQLITE_TAMPERING, ids=lambda t: t.__name__)
def test_bytes_in_a_text_column_give_one_processs_result(
    trail: Trail,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    vouched: list[bool],
    tamper: Callable[[Trail], int],
    place: str,
) -> None:
    _assert_one_processs_result(trail, clock, monkeypatch, vouched, tamper, PLACES[place])


def _assert_one_processs_result(
    trail: Trail,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    vouched: list[bool],
    tamper: Callable[[Trail], int],
    offset: int,
) -> None:
    seq = tamper(trail)
    split_at(monkeypatch, seq + offset)
    one, two = both_ways(trail, clock)
    assert not one.result.ok
    assert two == one
    if one.result.bad_seq is not None and one.result.bad_seq > seq + offset:
        # A failure in the second process's entries: its check was not used (the one
        # exception: a MAC of the open epoch, which only this process's key can check).
        assert True not in vouched or tamper is mac_altered_in_the_open_epoch


@pytest.mark.parametrize("mid", [1, 5, 20, 30])
def test_a_sound_trail_is_verified_on_two_processes(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch, vouched: list[bool], mid: int
) -> None:
    split_at(monkeypatch, mid)
    one, two = both_ways(trail, clock)
    assert one.result.ok, one.result.problem
    assert one.result.seals > 2
    assert one.result.unsealed == 0
    assert two == one
    assert vouched == [True]  # the later entries were the second process's


def test_a_short_trail_stays_in_one_process(trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[VerifyWorker] = []

    def start(self: VerifyWorker, job: Any) -> bool:
        started.append(self)
        return False  # not started: this process verifies every entry

    monkeypatch.setattr(VerifyWorker, "start", start)
    one, two = both_ways(trail, clock)
    assert two == one
    assert one.result.ok
    assert started == []
    monkeypatch.setattr(verify_split, "SPLIT_FROM", one.result.count)
    assert both_ways(trail, clock)[1] == one
    assert len(started) == 1


def test_a_row_put_back_before_the_second_process_read_is_still_caught(
    trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch, vouched: list[bool]
) -> None:
    """An entry edited (its hash kept) when this process's read began, and put back before
    the second process fixed its state: this process's read holds the edited entry, whose
    content it never reads after the split point. SQLite: the store changed in between
    (data_version); PostgreSQL: the second process reads this one's snapshot. Either way
    the edited entry is found, as one process finds it."""
    seq = _check_after(trail, 20)
    raw(trail.target, f"UPDATE audit_entry SET decision = 'block' WHERE seq = {seq}")
    original = VerifyWorker.start

    def put_back_then_start(self: VerifyWorker, job: Any) -> bool:
        raw(trail.target, f"UPDATE audit_entry SET decision = 'allow' WHERE seq = {seq}")
        return original(self, job)

    monkeypatch.setattr(VerifyWorker, "start", put_back_then_start)
    split_at(monkeypatch, seq - 4)
    one, two = both_ways(trail, clock)
    assert one.result.bad_seq == seq
    assert "was altered" in str(one.result.problem)
    assert two == one
    assert vouched == [False]


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)  # a copy of the file
@pytest.mark.parametrize("tamper", [mac_altered, edited_entry_hash], ids=lambda t: t.__name__)
def test_another_stores_word_does_not_make_a_tampered_trail_pass(
    trail: Trail,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    vouched: list[bool],
    tamper: Callable[[Trail], int],
) -> None:
    """The second process pointed at an untampered copy of the store (same newest entry):
    it passes every entry of the copy, but not the entries this process read."""
    copy = tmp_path / "copy.db"
    shutil.copy(trail.target, copy)
    seq = tamper(trail)
    original = VerifyWorker.start

    def start_on_the_copy(self: VerifyWorker, job: Any) -> bool:
        return original(self, replace(job, url=make_url(f"sqlite:///{copy}")))

    monkeypatch.setattr(VerifyWorker, "start", start_on_the_copy)
    split_at(monkeypatch, seq - 4)
    one, two = both_ways(trail, clock)
    assert not one.result.ok
    assert two == one
    assert vouched == [False]


def _killed(self: VerifyWorker, job: Any, start: Callable[..., bool]) -> bool:
    started = start(self, job)
    self._process.kill()
    self._process.join()
    return started


def _not_started(self: VerifyWorker, job: Any, start: Callable[..., bool]) -> bool:
    def launch(*_: Any) -> None:
        raise OSError("no more processes")

    self.launch = launch  # type: ignore[method-assign,assignment]
    return start(self, job)


def _failing(self: VerifyWorker, job: Any, start: Callable[..., bool]) -> bool:
    return start(self, replace(job, url=make_url("sqlite:////nonexistent/folder/store.db")))


@pytest.mark.parametrize("fate", [_killed, _not_started, _failing], ids=["killed", "not started", "failing"])
@pytest.mark.parametrize("tamper", [None, mac_altered], ids=["sound", "tampered"])
def test_a_second_process_that_dies_or_fails_leaves_one_processs_result(
    trail: Trail,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    vouched: list[bool],
    fate: Callable[..., bool],
    tamper: Callable[[Trail], int] | None,
) -> None:
    seq = tamper(trail) if tamper else 30
    original = VerifyWorker.start
    monkeypatch.setattr(VerifyWorker, "start", lambda self, job: fate(self, job, original))
    split_at(monkeypatch, seq - 4)
    one, two = both_ways(trail, clock)
    assert one.result.ok is (tamper is None)
    assert two == one
    assert True not in vouched


def test_ctrl_c_stops_the_second_process(trail: Trail, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    workers: list[VerifyWorker] = []

    def interrupted(self: VerifyWorker) -> int:
        workers.append(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(VerifyWorker, "done", interrupted)
    split_at(monkeypatch, 30)
    with pytest.raises(KeyboardInterrupt):
        both_ways(trail, clock)
    assert workers
    assert workers[0]._process is not None
    assert workers[0]._process.exitcode == -signal.SIGKILL  # ended by this one, not done


class _ClosedPipe:
    def poll(self) -> bool:
        return True  # the parent's end closed: readable, at its end


def test_the_second_process_stops_when_this_one_is_gone(trail: Trail, clock: Clock) -> None:
    services = make_services(trail.target, clock)
    try:
        with services.store.engine.connect() as conn:
            assert verify_split._hash(_ClosedPipe(), conn, 0) == ("stopped",)  # type: ignore[arg-type]
    finally:
        services.close()


def test_equal_rows_stream_as_equal_bytes() -> None:
    """The two processes' rows are equal values, never the same objects: the stream's bytes
    must not depend on which objects they are (marshal's later versions mark repeats and
    interned strings)."""
    import sys

    action = "".join(["che", "ck"])
    a = [(1, action, "ab" * 32, "c1", None), (2, action, "ab" * 32, "c1", "m")]
    b = [(1, sys.intern("check"), "ab" * 32, "".join("c1"), None), (2, "check", "".join(["ab"] * 32), "c1", "m")]
    assert verify_split.stream_bytes(a) == verify_split.stream_bytes(b)
    assert verify_split.stream_bytes(a) != verify_split.stream_bytes([*a[:1], (2, action, "ab" * 32, "c1", "n")])
