"""Attack: several desks on one store at the same time (session 11, attack11b). Each race is
made deterministic: the second desk acts at a chosen point of the first one's work."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from suitcheck.audit import chain
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import Conflict
from tests.conftest import PASSWORD, TODAY, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report


def desk_waits_for_the_trail_or_is_done(first: Services, desk: threading.Thread) -> bool:
    """Another desk (a thread) has committed, or waits for the trail's lock (an advisory
    lock) that `first`'s transaction holds: then it follows that transaction's change."""
    with first.store.engine.connect() as conn:
        waiting = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'")
        ).scalar_one()
    return not desk.is_alive() or waiting > 0


def test_an_entry_committed_while_verify_reads_is_no_deleted_entry(
    services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify reads the trail in one snapshot, then compares the store's end with the head
    record kept beside the audit key. That record is rewritten after every commit of this
    installation: a check recorded at this desk (another window, a batch in a second
    process) after verify's snapshot began left the record one entry past what the snapshot
    holds, and verify said entries were deleted. The head record is read before the snapshot
    begins: every entry it names is then committed and in the snapshot."""
    add_client(services, compliance, "SNAP1", RiskProfile.C3)
    real = chain.verifier_for_store
    done: list[bool] = []

    def desk_writes_meanwhile(conn: Any, **kw: Any) -> chain.Verifier:
        if not done:
            done.append(True)
            add_client(services, compliance, "SNAP2", RiskProfile.C4)  # its own unit of work, committed
        return real(conn, **kw)

    monkeypatch.setattr(chain, "verifier_for_store", desk_writes_meanwhile)
    result = services.audit.verify(compliance)
    assert done
    assert result.ok, result.problem
    monkeypatch.undo()
    assert services.audit.verify(compliance).ok


def test_verify_after_another_process_of_this_desk_sealed(
    store_target: str, services: Services, compliance: Actor, clock: Clock
) -> None:
    """One desktop, two processes on the same audit key: the desk open all day and a
    `suitcheck audit verify` (or a batch, an export) run beside it, which seals. The desk's
    sealer still held the epoch key it loaded, and its own verify then said 'the trail is
    newer than this installation's key', a tamper alarm; its retry looked again with the
    same stale key. The retry now first catches up with the key file under the chain lock,
    as every append does."""
    add_client(services, compliance, "PROC1", RiskProfile.C3)
    other = make_services(store_target, clock)  # the second process: same store, same key file
    try:
        assert other.audit.verify(other.auth.login(compliance.username, PASSWORD)).ok  # and seals
    finally:
        other.close()
    result = services.audit.verify(compliance)
    assert result.ok, result.problem
    add_client(services, compliance, "PROC2", RiskProfile.C4)
    assert services.audit.verify(compliance).ok


def _after_statement(services: Services, starts: str, action: Any) -> None:
    """Run `action` once, right after this desk's first statement that starts with `starts`
    (its transaction still open): another desk acting in that instant."""
    done: list[bool] = []

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not done and " ".join(statement.split()).startswith(starts):
            done.append(True)
            action()

    event.listen(services.store.engine, "after_cursor_execute", after)


@pytest.mark.parametrize("what", ["client", "staff"])
def test_two_desks_storing_the_same_unique_thing_at_once(
    pg_target: str, clock: Clock, tmp_path: Path, what: str
) -> None:
    """PostgreSQL, read committed: each desk looks for an existing account (user name) and
    then inserts its own. A second desk storing the same one in
    between made the first desk's insert fail on the unique index, and the user read 'The
    store postgresql://... failed: duplicate key value violates unique constraint
    "investor_account_key"', naming no cause, as if the store had failed. It is a Conflict in
    one sentence saying what happened and that nothing was done; the other desk's record
    stands and the trail verifies. (SQLite writers take the write lock at begin: never. A
    policy change takes the trail's lock before it reads the current version since session
    24: another desk's version waits and follows it, see test_attack_midtask.)"""
    first = make_services(pg_target, clock)
    admin = staff(first, Role.ADMIN, "t-root")
    officer = staff(first, Role.COMPLIANCE)
    second = make_services(pg_target, clock)
    admin2 = second.auth.login("t-root", PASSWORD)
    officer2 = second.auth.login(officer.username, PASSWORD)
    try:
        if what == "client":
            _after_statement(first, "SELECT investor.id", lambda: add_client(second, officer2, "DUP1"))
            act: Any = lambda: add_client(first, officer, "DUP1")  # noqa: E731
        else:
            _after_statement(
                first,
                "SELECT staff.id FROM staff WHERE staff.username",  # the look for an existing account
                lambda: second.auth.create_staff(admin2, "newclerk", PASSWORD, Role.ADVISOR),
            )
            act = lambda: first.auth.create_staff(admin, "newclerk", PASSWORD, Role.ADVISOR)  # noqa: E731
        with pytest.raises(Conflict) as refused:
            act()
        message = str(refused.value)
        assert "at the same moment; nothing was done" in message
        assert "duplicate key" not in message
        result = first.audit.verify(officer)
        assert result.ok, result.problem
    finally:
        second.close()
        first.close()


def test_a_distribution_list_read_while_other_desks_write_is_one_state(
    store_target: str, services: Services, compliance: Actor, clock: Clock, tmp_path: Path
) -> None:
    """Held: a long `eligible` read (one snapshot on both backends) while another desk adds an
    eligible client and lowers a listed one: the list is the store as it
    was when the read began, finishes, and names no client as changed outside suitcheck."""
    report = import_text_report(services, compliance, tmp_path)
    for n in range(6):
        add_client(services, compliance, f"EL{n}", RiskProfile.C5)
    other = make_services(store_target, clock)
    officer = other.auth.login(compliance.username, PASSWORD)
    try:
        listed = services.access.eligible(compliance, report)
        first = [next(listed).account for _ in range(2)]
        add_client(other, officer, "EL9", RiskProfile.C5)
        other.investors.assess(officer, "EL5", RiskProfile.C1, TODAY, note="营业部现场测评")
        rest = [v.account for v in listed]
    finally:
        other.close()
    assert first + rest == [f"EL{n}" for n in range(6)]
    assert [v.account for v in services.access.eligible(compliance, report)] == [f"EL{n}" for n in range(5)] + ["EL9"]
    assert services.audit.verify(compliance).ok


def test_a_check_is_recorded_in_the_order_of_what_it_saw(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL (read committed): a check read the client and report, then took the chain
    lock to append. Another desk's re-assessment committed in between came first in the
    trail, and the check after it recorded the profile from before it: the trail's order
    said the check was made on the new assessment while it used the old one. The check now
    takes the chain lock before it reads, so the other desk's change waits and follows it."""
    from suitcheck.services import access

    first = make_services(pg_target, clock)
    officer = staff(first, Role.COMPLIANCE)
    report = import_text_report(first, officer, tmp_path)
    add_client(first, officer, "ORD1", RiskProfile.C2)
    second = make_services(pg_target, clock)
    officer2 = second.auth.login(officer.username, PASSWORD)
    real_decide = getattr(access, "decide")  # noqa: B009 (imported there, not exported)
    desk: list[threading.Thread] = []

    def waiting_or_done() -> bool:
        return desk_waits_for_the_trail_or_is_done(first, desk[0])

    def deciding(*args: Any, **kw: Any) -> Any:
        if not desk:  # the other desk re-assesses the client while this one decides
            desk.append(
                threading.Thread(
                    target=lambda: second.investors.assess(officer2, "ORD1", RiskProfile.C4, TODAY, note="现场测评")
                )
            )
            desk[0].start()
            for _ in range(2_000):  # until it has committed, or waits for this desk's lock
                if waiting_or_done():
                    break
                threading.Event().wait(0.005)
        return real_decide(*args, **kw)

    monkeypatch.setattr(access, "decide", deciding)
    try:
        checked = first.access.check(officer, "ORD1", report)
        desk[0].join()
        assert checked.decision.facts()["profile"] == "C2"  # what this check decided on
        with first.store.engine.connect() as conn:
            reassessed = conn.execute(
                text("SELECT max(seq) FROM audit_entry WHERE action = 'assessment' AND facts LIKE '%\"C4\"%'")
            ).scalar_one()
        assert checked.audit_id < reassessed  # the C4 assessment follows the check that did not see it
        assert first.audit.verify(officer).ok
    finally:
        second.close()
        first.close()
