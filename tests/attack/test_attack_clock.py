"""The desk's clock. A clerk (or the desktop's careless IT) can set the computer's clock;
desks sharing one PostgreSQL store keep clocks that disagree. Every decision is taken on
the firm's day of `ServiceContext.now()`, and every entry of the trail is stamped with it:
a clock set back made an expired assessment valid again and dated entries before the ones
already in the trail. Time zones and daylight saving: test_attack_days.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import ClockWrong, InvalidInput, PermissionDenied
from suitcheck.store.engine import StoreError
from suitcheck.store.models import AuditEntry
from tests.conftest import FAST_HASHER, NOW, TODAY, Clock, make_services, staff
from tests.fixtures import import_text_report

VALIDITY = 730  # the default policy's validity_days


def _trail(services: Services) -> list[tuple[int, str, str, str, dict[str, object]]]:
    with services.ctx.transaction(read_only=True) as session:
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.at, AuditEntry.staff, AuditEntry.action, AuditEntry.facts).order_by(
                AuditEntry.seq
            )
        ).all()
    return [(seq, at, who, action, json.loads(facts)) for seq, at, who, action, facts in rows]


def _expired_client(services: Services, tmp_path: Path, today: dt.date = TODAY) -> tuple[int, int]:
    """A C3 client whose assessment expired 10 days before `today`, and an R3 report."""
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    client = services.investors.add(
        compliance,
        account="EXPIRED",
        name="客户甲",
        profile=RiskProfile.C3,
        assessed_on=today - dt.timedelta(days=VALIDITY + 10),
    ).id
    return client, report


def test_a_clock_set_back_decides_nothing_and_the_refusal_is_recorded_at_the_trails_moment(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: set the clock back two months and an assessment that expired ten days ago
    was "valid" again: the check ALLOWED (recorded as allowed, dated two months before the
    entries already in the trail), the client showed as assessed and valid, and the
    reminders no longer listed it as expired."""
    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor = staff(services, Role.ADVISOR)
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    newest_before = _trail(services)[-1]

    clock.now = NOW - dt.timedelta(days=60)
    with pytest.raises(ClockWrong) as caught:
        services.access.check(advisor, client, report)
    sentence = str(caught.value)
    assert "2026-04-16 17:30:00 UTC+8" in sentence  # the clock as it reads (Beijing time)
    assert f"entry {newest_before[0]}, 2026-06-15 17:30:00 UTC+8" in sentence  # the trail's newest
    assert "Correct the computer's clock" in sentence
    with pytest.raises(ClockWrong):
        services.investors.get(advisor, client)  # not shown "valid" either
    with pytest.raises(ClockWrong):
        services.reminders.reminders(advisor)

    trail = _trail(services)
    assert [e[3] for e in trail[len(trail) - 3 :]] == ["clock-wrong"] * 3
    assert all(e[3] != "check" or e[0] <= newest_before[0] for e in trail)  # no decision recorded
    ats = [e[1] for e in trail]
    assert ats == sorted(ats)  # never dated before an entry already there
    seq, at, who, _, facts = trail[-3]
    assert (at, who) == (newest_before[1], "t-advisor")
    assert facts == {
        "clock": "2026-04-16T09:30:00.000000Z",
        "newest": "2026-06-15T09:30:00.000000Z",
        "newest_seq": seq - 1,
    }

    # A desk opened anew with the clock set back (the command line) is refused the same way.
    again = open_services(services.store.url.database, clock=Clock(NOW - dt.timedelta(days=60)), hasher=FAST_HASHER)
    try:
        with pytest.raises(ClockWrong):
            again.auth.login("t-advisor", "correct horse")
    finally:
        again.close()

    clock.now = NOW + dt.timedelta(minutes=1)  # put right: works again
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    root = staff(services, Role.ADMIN, "t-root")
    assert services.audit.verify(root).ok


def test_a_clock_a_few_minutes_behind_the_trail_is_tolerated(sqlite_services: Services, clock: Clock) -> None:
    """Two programs on one desk (the window and a command line) stamp entries a moment
    apart; a clock NTP steps back by a second is no attack."""
    services = sqlite_services
    advisor = staff(services, Role.ADVISOR)
    clock.now = NOW - dt.timedelta(minutes=4)
    assert services.investors.count(advisor) == 0


def test_a_clock_set_ahead_then_put_right_is_corrected_by_a_recorded_act_not_a_lockout(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """A clock left a year ahead, then put right: every decision is refused (the trail holds
    entries dated a year on), and nothing but a recorded correction by an administrator,
    with a reason, lets the branch work again. It is refused to anyone else, without a
    reason, or when the clock is not behind the trail (no way to set the clock back)."""
    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor, root = staff(services, Role.ADVISOR), staff(services, Role.ADMIN, "t-root")
    with pytest.raises(InvalidInput, match="nothing to correct"):
        services.audit.correct_clock(root, "no reason to")
    clock.now = NOW + dt.timedelta(days=365)
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    ahead = _trail(services)[-1]

    clock.now = NOW + dt.timedelta(hours=1)  # put right
    with pytest.raises(ClockWrong):
        services.access.check(advisor, client, report)
    with pytest.raises(PermissionDenied):
        services.audit.correct_clock(advisor, "the clock ran ahead")
    with pytest.raises(InvalidInput, match="reason"):
        services.audit.correct_clock(root, "  ")
    done = services.audit.correct_clock(root, "BIOS clock ran a year ahead; put right by IT")
    assert done["newest_seq"] == ahead[0] + 2  # after the refusals recorded meanwhile
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"

    trail = _trail(services)
    corrected = next(e for e in trail if e[3] == AuditAction.CLOCK_CORRECTED.value)
    assert corrected[1] == "2026-06-15T10:30:00.000000Z"  # the corrected clock
    assert corrected[2] == "t-root"
    assert corrected[4]["reason"] == "BIOS clock ran a year ahead; put right by IT"
    assert corrected[4]["newest"] == "2027-06-15T09:30:00.000000Z"
    after = [e[1] for e in trail if e[0] >= corrected[0]]
    assert after == sorted(after)  # from the correction on, in order again
    assert services.audit.verify(root).ok


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.mark.postgres
def test_desks_of_a_shared_store_decide_by_the_database_servers_clock(pg_target: str, tmp_path: Path) -> None:
    """Was BROKE: two desks on one PostgreSQL store each decided by their own clock. A desk
    set back three months ALLOWED a client whose assessment expired ten days ago, while the
    desk beside it blocked the same client, and stamped its entry three months before the
    entries the other desk had just written. A desk three hours ahead stamped its entries
    ahead of everyone's. The server's clock, which no clerk can set, now decides the check
    (read with the trail's lock the check already takes), and a change recorded with a desk
    clock away from the server's is refused, naming both clocks."""
    real = _real_now()
    today = (real + dt.timedelta(hours=8)).date()  # Beijing's day
    right = open_services(pg_target, clock=Clock(real), hasher=FAST_HASHER, init=True, server_clock=True)
    behind = open_services(pg_target, clock=Clock(real - dt.timedelta(days=90)), hasher=FAST_HASHER, server_clock=True)
    ahead = open_services(pg_target, clock=Clock(real + dt.timedelta(hours=3)), hasher=FAST_HASHER, server_clock=True)
    try:
        client, report = _expired_client(right, tmp_path, today)
        advisor = staff(right, Role.COMPLIANCE)  # who checks: any role that may
        answers = {
            name: desk.access.check(advisor, client, report).decision.outcome.value
            for name, desk in (("right", right), ("behind", behind), ("ahead", ahead))
        }
        assert answers == {"right": "block", "behind": "block", "ahead": "block"}
        checks = [e for e in _trail(right) if e[3] == "check"]
        ats = [e[1] for e in checks]
        assert ats == sorted(ats)  # in the trail's order, whatever each desk's clock says
        assert ats[1] > _stamp(real - dt.timedelta(days=1))  # not the desk's three months ago
        assert ats[2] < _stamp(real + dt.timedelta(hours=2))  # nor its three hours ahead

        with pytest.raises(ClockWrong, match="but the database server's clock reads"):
            ahead.investors.mark_reassessment_due(advisor, client, "moved abroad")
        with pytest.raises(ClockWrong, match="earlier than the newest entry"):
            behind.investors.mark_reassessment_due(advisor, client, "moved abroad")
        refusals = [e for e in _trail(right) if e[3] == "clock-wrong"]
        assert [sorted(e[4]) for e in refusals] == [
            ["clock", "newest", "newest_seq", "server"],
            ["clock", "newest", "newest_seq"],
        ]
        ats = [e[1] for e in _trail(right)]
        assert ats == sorted(ats)
    finally:
        for desk in (right, behind, ahead):
            desk.close()


def _stamp(moment: dt.datetime) -> str:
    from suitcheck.audit.chain import utc_stamp

    return utc_stamp(moment)


def test_the_command_line_refuses_a_clock_behind_the_trail_and_records_the_correction(
    sqlite_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As an administrator would, with the desk's real clock: entries a desk stamped while
    its clock ran a year ahead refuse every command (exit 1, one sentence) until
    `audit clock-correct` records the correction (administrators only; exit 2 without a
    reason worth the name, or once there is nothing left to correct)."""
    from suitcheck.cli import main

    a_year_ahead = Clock(_real_now() + dt.timedelta(days=365))
    ahead = open_services(sqlite_target, clock=a_year_ahead, hasher=FAST_HASHER, init=True)
    try:
        staff(ahead, Role.ADMIN, "t-root")
        staff(ahead, Role.ADVISOR)
    finally:
        ahead.close()
    monkeypatch.setenv("SUITCHECK_PASSWORD", "correct horse")

    def cli(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main([*args, "--db", sqlite_target])
        said = capsys.readouterr()
        return code, (said.out + said.err).strip()

    code, said = cli("investor", "list", "--user", "t-advisor")
    assert code == 1
    assert said.startswith("suitcheck: This computer's clock reads ")
    assert "earlier than the newest entry of the audit trail" in said
    assert "Traceback" not in said
    assert cli("audit", "clock-correct", "--reason", "ran ahead", "--user", "t-advisor")[0] == 1  # not their role
    assert cli("audit", "clock-correct", "--reason", "   ", "--user", "t-root")[0] == 2
    code, said = cli("audit", "clock-correct", "--reason", "BIOS clock ran a year ahead", "--user", "t-root")
    assert code == 0, said
    assert said.startswith("Recorded as entry ")
    assert said.count(" UTC+8") == 2
    code, said = cli("audit", "clock-correct", "--reason", "again", "--user", "t-root")
    assert code == 2
    assert "there is nothing to correct" in said
    assert cli("investor", "list", "--user", "t-advisor")[0] == 0


def _date_back(database: str, seq: int, moment: dt.datetime, *, rehash: bool = False) -> None:
    """An insider with the SQLite shell redates entry `seq` to `moment` (and, `rehash`,
    recomputes its hash as the unkeyed chain allows; its MAC needs the key), the
    append-only guard dropped for it and put back."""
    import sqlite3

    from suitcheck.audit.chain import canonical_entry, entry_hash

    conn = sqlite3.connect(database)
    try:
        (guard,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_entry_no_update'").fetchone()
        conn.execute("DROP TRIGGER audit_entry_no_update")  # put back as it was below
        conn.execute("UPDATE audit_entry SET at = ? WHERE seq = ?", (_stamp(moment), seq))
        if rehash:
            row = conn.execute(
                "SELECT seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev_hash, chain "
                "FROM audit_entry WHERE seq = ?",
                (seq,),
            ).fetchone()
            conn.execute(
                "UPDATE audit_entry SET entry_hash = ? WHERE seq = ?", (entry_hash(canonical_entry(*row)), seq)
            )
        conn.execute(guard)
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("rehash", [False, True], ids=["redated", "redated-and-rehashed"])
def test_the_newest_entry_redated_in_the_store_does_not_lower_a_running_desks_floor(
    sqlite_services: Services, clock: Clock, tmp_path: Path, rehash: bool
) -> None:
    """Was BROKE: the clock's floor is the trail's newest entry, read from the store. An
    insider who redated that entry three months back in the SQLite shell, then set the
    desk's clock two months back, had the expired client ALLOWED: the desk, asked again
    for the newest entry, took the earlier moment as its floor. The moment this desk saw
    that entry with stands; the redated entry fails `audit verify`."""
    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor = staff(services, Role.ADVISOR)
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    newest = _trail(services)[-1]
    _date_back(str(services.store.url.database), newest[0], NOW - dt.timedelta(days=90), rehash=rehash)

    clock.now = NOW - dt.timedelta(days=60)
    with pytest.raises(ClockWrong) as caught:  # a sign-in reads the newest entry again
        services.auth.login("t-advisor", "correct horse")
    assert f"entry {newest[0]}, 2026-06-15 17:30:00 UTC+8" in str(caught.value)  # the moment it was recorded at
    with pytest.raises(ClockWrong):
        services.access.check(advisor, client, report)
    assert all(e[3] != "check" or e[0] <= newest[0] for e in _trail(services))  # no decision recorded
    clock.now = NOW + dt.timedelta(minutes=1)
    result = services.audit.verify(staff(services, Role.ADMIN, "t-root"))
    assert (result.ok, result.bad_seq) == (False, newest[0])  # caught where compliance looks


def test_the_newest_entry_redated_while_the_desk_was_closed_does_not_lower_its_floor(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the same insider, with the program closed: opened again with its clock two
    months back, the desk took the redated entry's moment as its floor and let the
    expired client through. The head record beside the audit key (written after every
    commit, MACed under the keyring's head key) now carries the moment of the entry it
    names, and the floor is never earlier than it."""
    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor = staff(services, Role.ADVISOR)
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    newest = _trail(services)[-1]
    database = str(services.store.url.database)
    services.close()
    _date_back(database, newest[0], NOW - dt.timedelta(days=90))

    again = open_services(database, clock=Clock(NOW - dt.timedelta(days=60)), hasher=FAST_HASHER)
    try:
        with pytest.raises(ClockWrong) as caught:
            again.auth.login("t-advisor", "correct horse")
        assert f"entry {newest[0]}, 2026-06-15 17:30:00 UTC+8" in str(caught.value)
    finally:
        again.close()


def test_an_entry_another_program_wrote_redated_does_not_lower_the_floor(sqlite_target: str, tmp_path: Path) -> None:
    """The window and a command line on one desk: the command line recorded the newest
    entry a month on; the insider redates it three months back and sets the clock back
    to a day after the window's own last entry. The window reads the newest entry only
    as its next check takes the trail's lock: the head record the command line wrote
    gives that entry's moment."""
    clock = Clock(NOW)
    window = open_services(sqlite_target, clock=clock, hasher=FAST_HASHER, init=True)
    command_line = open_services(sqlite_target, clock=clock, hasher=FAST_HASHER)
    try:
        client, report = _expired_client(window, tmp_path)
        advisor = staff(window, Role.ADVISOR)
        assert window.access.check(advisor, client, report).decision.outcome.value == "block"
        clock.now = NOW + dt.timedelta(days=30)
        assert command_line.access.check(advisor, client, report).decision.outcome.value == "block"
        newest = _trail(command_line)[-1]
        _date_back(sqlite_target, newest[0], NOW - dt.timedelta(days=90))

        clock.now = NOW + dt.timedelta(days=1)  # behind the command line's entry, not the window's own
        with pytest.raises(ClockWrong) as caught:
            window.access.check(advisor, client, report)
        assert f"entry {newest[0]}, 2026-07-15 17:30:00 UTC+8" in str(caught.value)
        assert all(e[3] != "check" or e[0] <= newest[0] for e in _trail(window))
    finally:
        window.close()
        command_line.close()


def test_the_head_records_moment_is_under_its_mac_and_an_older_record_without_one_still_opens(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """The moment the head record carries is covered by its MAC: moved back in a text
    editor, the record is refused as altered when the store opens (as its number and hash
    are). A record written before it carried a moment opens as before, the floor then
    taken from the store."""
    from suitcheck.audit import keys

    services = sqlite_services
    advisor = staff(services, Role.ADVISOR)
    services.investors.count(advisor)
    sealer = services.ctx.sealer
    path, head_key, store_id = keys.head_path(sealer.path, sealer.store_id), sealer.inst.head_key, sealer.store_id
    database = str(services.store.url.database)
    services.close()
    record = keys.read_head_record(path, head_key, store_id)
    assert record is not None
    assert record.at == _trail_of(database)[-1][1]

    text = path.read_bytes()
    fields = json.loads(text)
    # The version before read the record as it always had (its MAC over store, number and
    # hash) and ignores the fields it does not know: a program rolled back is no tamper alarm.
    assert fields["mac"] == keys.head_mac(head_key, store_id, record.seq, record.digest)
    assert set(fields) == {"store", "seq", "hash", "mac", "at", "at_mac"}

    earlier = _stamp(NOW - dt.timedelta(days=90))
    for edited in (
        {**fields, "at": earlier},  # moved back in a text editor
        {key: value for key, value in fields.items() if key != "at_mac"} | {"at": earlier},  # its MAC dropped
        {key: value for key, value in fields.items() if key != "at"},  # the moment dropped, its MAC left
        {**fields, "at": None},
    ):
        path.write_bytes(json.dumps(edited).encode().ljust(len(text) - 1) + b"\n")
        with pytest.raises(StoreError, match=r"audit head .* was altered"):
            open_services(database, clock=Clock(NOW), hasher=FAST_HASHER).close()

    keys.write_head(path, head_key, store_id, record.seq, record.digest)  # as the version before wrote it
    assert keys.read_head_record(path, head_key, store_id) == keys.HeadRecord(record.seq, record.digest, None)
    again = open_services(database, clock=Clock(NOW), hasher=FAST_HASHER)
    try:
        assert again.ctx.sealer.floor is not None
        assert _stamp(again.ctx.sealer.floor[1]) == record.at
        staff(again, Role.COMPLIANCE)  # a recorded change
        written = keys.read_head_record(path, head_key, store_id)
        assert written is not None
        assert written.at is not None
    finally:
        again.close()


def _trail_of(database: str) -> list[tuple[int, str]]:
    import sqlite3

    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT seq, at FROM audit_entry ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_a_desk_that_joins_with_its_clock_set_back_dates_nothing_before_the_trail(
    store_target: str, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: `init --join` (and `--restored-backup`, `--start-over`, an upgrade)
    stamped its registration with the desk's clock unchecked. A desk joining with its clock
    two months back wrote its registration two months before the entries already in the
    trail; that entry became the trail's newest, so its floor, and the desk then ALLOWED a
    client whose assessment expired ten days ago. A registration is dated no earlier than
    the trail's newest entry (it is not refused: a trail a clock once ran ahead on must
    not keep a restored store from opening), and the desk's clock is refused at its first
    decision as anywhere else."""
    first = make_services(store_target, clock)
    try:
        client, report = _expired_client(first, tmp_path)
        advisor = staff(first, Role.ADVISOR)
        assert first.access.check(advisor, client, report).decision.outcome.value == "block"
        newest = _trail(first)[-1]
    finally:
        first.close()

    behind, key = Clock(NOW - dt.timedelta(days=60)), tmp_path / "b" / "audit.key"
    joined = open_services(store_target, clock=behind, hasher=FAST_HASHER, init=True, join=True, audit_key_path=key)
    try:
        registration = _trail(joined)[-1]
        assert (registration[0], registration[3]) == (newest[0] + 1, "installation-registered")
        assert registration[1] == newest[1]  # not two months before it
        with pytest.raises(ClockWrong, match="earlier than the newest entry"):
            joined.access.check(joined.auth.login("t-advisor", "correct horse"), client, report)
        ats = [e[1] for e in _trail(joined)]
        assert ats == sorted(ats)
        assert all(e[3] != "check" or e[0] <= newest[0] for e in _trail(joined))
    finally:
        joined.close()


def test_a_store_restored_with_the_clock_set_back_decides_nothing_before_the_lost_entries(
    sqlite_target: str, tmp_path: Path
) -> None:
    """Was BROKE: the store is restored from a backup a month old (`init --restored-backup`,
    as after a lost disk) on a desk whose clock was set back to just after the backup's
    newest entry. The registration that states the loss was dated by that clock, a month
    before the entries it records as lost, and became the desk's floor: a client whose
    assessment expired in between was ALLOWED, on the day the clock gave. The head record
    beside the key (MACed under the keyring's head key) carries the lost head's moment: the
    registration is dated no earlier than it, and the clock is refused at the first decision."""
    import shutil

    clock = Clock(NOW)
    first = open_services(sqlite_target, clock=clock, hasher=FAST_HASHER, init=True)
    try:
        compliance = staff(first, Role.COMPLIANCE)
        advisor = staff(first, Role.ADVISOR)
        report = import_text_report(first, compliance, tmp_path, level="中风险")
        client = first.investors.add(
            compliance,
            account="SOON",
            name="客户乙",
            profile=RiskProfile.C3,
            assessed_on=TODAY - dt.timedelta(days=VALIDITY - 5),  # expires in five days
        ).id
        assert first.access.check(advisor, client, report).decision.outcome.value == "allow"
    finally:
        first.close()
    backup = tmp_path / "backup.db"
    shutil.copyfile(sqlite_target, backup)

    clock.now = NOW + dt.timedelta(days=30)
    later = open_services(sqlite_target, clock=clock, hasher=FAST_HASHER)
    try:
        assert later.access.check(advisor, client, report).decision.outcome.value == "block"  # expired
        lost = _trail(later)[-1]
    finally:
        later.close()

    shutil.copyfile(backup, sqlite_target)  # the month since is gone
    behind = Clock(NOW + dt.timedelta(days=2))  # after the backup's newest entry, a month behind the lost ones
    restored = open_services(sqlite_target, clock=behind, hasher=FAST_HASHER, init=True, restored="disk replaced")
    try:
        registration = _trail(restored)[-1]
        assert registration[3] == "installation-registered"
        assert registration[4]["event"] == "restored-from-backup"
        assert registration[1] == lost[1]  # not a month before the entries it says were lost
        with pytest.raises(ClockWrong, match="earlier than the newest entry"):
            restored.access.check(restored.auth.login("t-advisor", "correct horse"), client, report)
        assert all(e[3] != "check" or e[0] < registration[0] for e in _trail(restored))
    finally:
        restored.close()


@pytest.mark.parametrize("stamp", ["2026-03-15", "garbage", ""], ids=["a-date", "text", "empty"])
def test_the_newest_entry_given_a_moment_that_cannot_be_read_does_not_lift_the_floor(
    sqlite_services: Services, tmp_path: Path, stamp: str
) -> None:
    """Was BROKE: the same insider as above, with the program closed, gives the newest
    entry a moment that is no moment at all (a date without its time, any text) instead
    of an earlier one. The desk took no floor from it (nor from the head record, which it
    consulted only for a moment it could read), and the append's own check of the clock
    was skipped too: opened again with its clock two months back, the desk ALLOWED the
    expired client. A newest entry whose moment cannot be read is held to the moment the
    head record gives it, else to the newest moment the trail holds before it."""
    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor = staff(services, Role.ADVISOR)
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    newest = _trail(services)[-1]
    database = str(services.store.url.database)
    services.close()
    import sqlite3

    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET at = ? WHERE seq = ?", (stamp, newest[0]))
    finally:
        conn.close()

    again = open_services(database, clock=Clock(NOW - dt.timedelta(days=60)), hasher=FAST_HASHER)
    try:
        with pytest.raises(ClockWrong):
            again.auth.login("t-advisor", "correct horse")
        with pytest.raises(ClockWrong):
            again.access.check(advisor, client, report)
        assert all(e[3] != "check" or e[0] <= newest[0] for e in _trail(again))  # no decision recorded
    finally:
        again.close()


def test_joining_a_trail_whose_newest_moment_cannot_be_read_is_refused(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the same insider gives the newest entry a moment that is no moment, and a
    new desktop runs `init --join` with its clock two months back: the registration took
    the desk's own clock, unchecked, dated before the entries already in the trail. A
    running desk holds such an entry to its head record's moment; a joining desktop has no
    head record of its own and no moment it can trust (the rest of the trail is the same
    table the insider edited), so the join is refused, naming the entry, and nothing is
    recorded. Once the trail's newest moment reads again, the same join works."""
    import sqlite3

    services = sqlite_services
    staff(services, Role.ADVISOR)
    newest = _trail(services)[-1]
    database = str(services.store.url.database)
    services.close()
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET at = ? WHERE seq = ?", ("garbage", newest[0]))
    finally:
        conn.close()
    home = tmp_path / "desk-b" / "audit.key"
    back = Clock(NOW - dt.timedelta(days=60))
    with pytest.raises(StoreError) as refused:
        open_services(database, clock=back, hasher=FAST_HASHER, audit_key_path=home, init=True, join=True)
    assert str(refused.value) == (
        f"The store {database} was changed outside suitcheck: its newest audit entry ({newest[0]}) holds a moment "
        "suitcheck never writes, so a desktop joining now has no moment to date its registration after. This "
        "desktop was not registered and nothing was recorded; tell compliance (`suitcheck audit verify` names the "
        "entry)."
    )
    assert [seq for seq, _at in _trail_of(database)][-1] == newest[0]
    assert not home.exists()
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("UPDATE audit_entry SET at = ? WHERE seq = ?", (newest[1], newest[0]))
    finally:
        conn.close()
    joined = open_services(database, clock=back, hasher=FAST_HASHER, audit_key_path=home, init=True, join=True)
    try:
        registration = _trail(joined)[-1]
        assert (registration[0], registration[3]) == (newest[0] + 1, "installation-registered")
        assert registration[1] == newest[1]  # held to the newest moment, not the clock set back
    finally:
        joined.close()


def test_an_entry_added_at_the_head_dated_back_does_not_lower_a_closed_desks_floor(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the insider, rather than redating the newest entry, adds one after it in
    the SQLite shell, dated two months back (linked to the head, its hash made as the
    unkeyed chain allows; its MAC needs the key, which nothing at the desk checks before
    `audit verify`). Opened again with its clock set back to just after that moment, the
    desk took the added entry's moment as its floor (the head record names the entry
    before it) and ALLOWED the expired client. The head record's moment is a floor for
    every entry after the one it names too."""
    import sqlite3

    from suitcheck.audit.chain import canonical_entry, entry_hash

    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor = staff(services, Role.ADVISOR)
    assert services.access.check(advisor, client, report).decision.outcome.value == "block"
    newest = _trail(services)[-1]
    database = str(services.store.url.database)
    services.close()
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        prev, installation = conn.execute(
            "SELECT entry_hash, chain FROM audit_entry WHERE seq = ?", (newest[0],)
        ).fetchone()
        seq, at = newest[0] + 1, _stamp(NOW - dt.timedelta(days=61))
        digest = entry_hash(
            canonical_entry(seq, at, "t-advisor", "login", None, None, None, "[]", "{}", prev, installation)
        )
        conn.execute(
            "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain, mac) "
            "VALUES (?, ?, 't-advisor', 'login', '[]', '{}', ?, ?, ?, ?)",
            (seq, at, prev, digest, installation, "00" * 32),
        )
    finally:
        conn.close()

    again = open_services(database, clock=Clock(NOW - dt.timedelta(days=60)), hasher=FAST_HASHER)
    try:
        with pytest.raises(ClockWrong) as caught:
            again.access.check(advisor, client, report)
        assert "2026-06-15 17:30:00 UTC+8" in str(caught.value)  # the moment of the entry the record names
        assert all(e[3] != "check" or e[0] <= newest[0] for e in _trail(again))  # no decision recorded
    finally:
        again.close()


def test_a_block_stamped_while_the_clock_ran_ahead_is_in_the_period_it_was_made(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: a check made while the desk's clock ran a year ahead is stamped a year on;
    once an administrator recorded the correction, the day's export (`--since/--until` that
    day) and its self-inspection left the block out (its stamp is next year's), and both
    verified: the regulator's file of the day said nothing of it. An entry stamped later
    than a clock correction that follows it in the trail is also in the correction's period
    (by then it surely existed), and stays in the one it bears: a correction, an
    administrator's word, adds entries to a period and never takes one out."""
    from suitcheck.audit.export import _jsonl_records

    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor, root = staff(services, Role.ADVISOR), staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    clock.now = NOW + dt.timedelta(days=365)
    blocked = services.access.check(advisor, client, report).audit_id
    clock.now = NOW + dt.timedelta(hours=1)  # put right
    services.audit.correct_clock(root, "BIOS clock ran a year ahead; put right by IT")

    day = tmp_path / "day.jsonl"
    services.audit.export(compliance, day, "jsonl", AuditFilter(since=TODAY, until=TODAY))
    assert services.audit.verify_file(compliance, day).ok
    assert blocked in [r["seq"] for r in _jsonl_records(day)]
    ahead = tmp_path / "ahead.jsonl"
    stamped = TODAY + dt.timedelta(days=365)
    services.audit.export(compliance, ahead, "jsonl", AuditFilter(since=stamped, until=stamped))
    assert blocked in [r["seq"] for r in _jsonl_records(ahead)]  # not taken out of the period it bears
    made = services.inspection.write(compliance, TODAY, TODAY, tmp_path / "day.pdf")
    assert made.data.decisions.get("block") == 1


def test_a_false_clock_correction_takes_no_entry_out_of_its_period(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Held (against this session's own first reading of a correction): on SQLite an
    administrator can set the clock back ten days and record a correction, whose entry is
    then stamped before the day's blocks. Those blocks must stay in the day's export: a
    correction adds the entries before it to its own period, it never takes them out of the
    period their stamps name."""
    from suitcheck.audit.export import _jsonl_records

    services = sqlite_services
    client, report = _expired_client(services, tmp_path)
    advisor, root = staff(services, Role.ADVISOR), staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    blocked = services.access.check(advisor, client, report).audit_id
    clock.now = NOW - dt.timedelta(days=10)
    services.audit.correct_clock(root, "the clock ran ahead (it did not)")
    day = tmp_path / "day.jsonl"
    services.audit.export(compliance, day, "jsonl", AuditFilter(since=TODAY, until=TODAY))
    assert blocked in [r["seq"] for r in _jsonl_records(day)]
    earlier = tmp_path / "earlier.jsonl"
    back = TODAY - dt.timedelta(days=10)
    services.audit.export(compliance, earlier, "jsonl", AuditFilter(since=back, until=back))
    assert blocked in [r["seq"] for r in _jsonl_records(earlier)]  # and in the correction's day
