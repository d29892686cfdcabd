"""Attack: the shared PostgreSQL store as a firm's IT and a branch clerk meet it (session
14, pg14). A desk stops in the middle of a check holding the trail's lock (its process
stopped, its laptop asleep, its network gone without a FIN), a long job holds a lock, the DBA
sets a time limit on the server. The rulebook: a locked store is one clear sentence, the
check is not given (block), no traceback, nothing lost; never a desk waiting for ever."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, create_engine, event, make_url, text

from suitcheck import cli
from suitcheck.audit import chain
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import ServiceError, StoreUnavailable
from suitcheck.store import engine as store_engine
from tests.attack.test_attack_store_loss import _alter_database, _entries
from tests.conftest import PASSWORD, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

pytestmark = pytest.mark.postgres

# A guard against a test hanging for ever without the fix, never a measure of speed.
_HANG = 120.0


def _checks(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        return int(session.execute(text("SELECT count(*) FROM audit_entry WHERE action = 'check'")).scalar_one())


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Run `work` on a thread; its result or exception lands in the list."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 (handed to the test)
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def hold_the_chain_lock(url: URL) -> tuple[Callable[[], None], Any]:
    """Another session takes the trail's lock and keeps it (a long compliance job, a
    maintenance script): returns (release, the engine)."""
    holder = create_engine(url)
    conn = holder.connect()
    transaction = conn.begin()
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chain._PG_LOCK_KEY})

    def release() -> None:
        transaction.rollback()
        conn.close()
        holder.dispose()

    return release, holder


def test_a_check_behind_a_held_chain_lock_is_told_the_store_is_locked(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another session holds the trail's lock and does not let go (a desk stopped
    mid-check, a long job). On SQLite a writer waits BUSY_TIMEOUT_MS and is told the store is
    locked; on PostgreSQL suitcheck set no lock_timeout, so the clerk's check (the desk's
    worker, the CLI's `check`) waited for ever with nothing on screen. It now waits the same
    bound and is told the store is locked, try again; nothing is recorded; the desk's check
    and `suitcheck check` alike. Once the lock is free the check is given."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)  # the test's short bound
    services = make_services(pg_target, clock)
    try:
        officer = staff(services, Role.COMPLIANCE)
        advisor = staff(services, Role.ADVISOR)
        report = import_text_report(services, officer, tmp_path)
        add_client(services, officer, "HUNG1", RiskProfile.C3)
        before = _entries(services)
        release, _ = hold_the_chain_lock(services.store.url)
        try:
            thread, outcome = _in_thread(lambda: services.access.check(advisor, "HUNG1", report))
            thread.join(_HANG)
            waited_for_ever = thread.is_alive()
            monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
            cli_thread, cli_outcome = _in_thread(
                lambda: cli.main(
                    ["check", "--investor", "HUNG1", "--report", str(report), "--user", advisor.username,
                     "--db", pg_target]
                )
            )  # fmt: skip
            cli_thread.join(_HANG)
            cli_waited_for_ever = cli_thread.is_alive()
        finally:
            release()
        thread.join()
        cli_thread.join()
        assert not waited_for_ever, "the check waited for the lock with no bound"
        assert not cli_waited_for_ever, "suitcheck check waited for the lock with no bound"
        assert isinstance(outcome[0], StoreUnavailable), outcome
        assert str(outcome[0]).endswith("is locked by another program; try again in a moment.")
        assert cli_outcome == [1]
        err = capsys.readouterr().err
        assert "locked by another program; try again in a moment." in err
        assert "Traceback" not in err
        assert _entries(services) == before
        assert services.access.check(advisor, "HUNG1", report).decision.outcome.value == "allow"
        assert _entries(services) == before + 1
        assert services.audit.verify(officer).ok
    finally:
        services.close()


@pytest.mark.parametrize("where", ["after the lock", "at its commit"])
def test_a_desk_stopped_mid_check_is_ended_by_the_server_and_the_next_desk_checks(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A desk takes the trail's lock for a check and stops there (its process stopped with
    SIGSTOP, its laptop closed, its network gone without a FIN; here its thread stops right
    after the lock). Its session sat idle in its transaction holding the lock for ever, and
    every other desk could only be told 'locked' until someone found the desk or the DBA.
    The server now ends a suitcheck session idle inside a transaction past the bound: the
    other desk's check, waiting on the lock, is given and recorded; the stopped desk, when
    it comes back, is told in one sentence that nothing was recorded (not 'outcome unknown':
    the server rolled it back), and the trail verifies. Stopped right after taking the lock,
    or just as it sends its COMMIT (the server's answer to the COMMIT says it had ended the
    session before: the check was not recorded, not 'unknown')."""
    stopped = make_services(pg_target, clock)
    officer = staff(stopped, Role.COMPLIANCE)
    advisor = staff(stopped, Role.ADVISOR)
    report = import_text_report(stopped, officer, tmp_path)
    add_client(stopped, officer, "STOP1", RiskProfile.C3)
    other = make_services(pg_target, clock)
    advisor2 = other.auth.login(advisor.username, PASSWORD)
    before, checks = _entries(other), _checks(other)
    # The test's short bound, for the checks under test only: the set-up above is not what is
    # attacked, and a busy machine may pause a sound transaction of it for a while.
    monkeypatch.setattr(store_engine, "IDLE_IN_TRANSACTION_MS", 1000, raising=False)
    at_lock, resume = threading.Event(), threading.Event()

    def stop_here() -> None:
        if not at_lock.is_set():
            at_lock.set()
            resume.wait(_HANG)  # the desk's process is stopped here

    def after_the_lock(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "pg_advisory_xact_lock" in statement:
            stop_here()

    def at_commit(_conn: Any) -> None:
        stop_here()

    hook: tuple[str, Any] = (
        ("after_cursor_execute", after_the_lock) if where == "after the lock" else ("commit", at_commit)
    )
    event.listen(stopped.store.engine, *hook)
    try:
        desk, desk_outcome = _in_thread(lambda: stopped.access.check(advisor, "STOP1", report))
        assert at_lock.wait(_HANG)
        waiter, waiter_outcome = _in_thread(lambda: other.access.check(advisor2, "STOP1", report))
        waiter.join(_HANG)
        waited_for_ever = waiter.is_alive()
        resume.set()
        desk.join()
        waiter.join()
        assert not waited_for_ever, "the other desk waited for ever behind the stopped one"
        assert waiter_outcome[0].decision.outcome.value == "allow", waiter_outcome
        failure = desk_outcome[0]
        assert isinstance(failure, ServiceError), failure
        assert type(failure).__name__ == "StoreUnavailable", failure
        sentence = str(failure)
        assert "nothing was recorded" in sentence
        assert "idle" in sentence
        assert "\n" not in sentence
        assert _entries(other) == before + 1
        assert _checks(other) == checks + 1
        result = other.audit.verify(other.auth.login(officer.username, PASSWORD))
        assert result.ok, result.problem
        # The stopped desk, back, checks again: given and recorded.
        assert stopped.access.check(advisor, "STOP1", report).decision.outcome.value == "allow"
        assert _checks(other) == checks + 2
        result = other.audit.verify(other.auth.login(officer.username, PASSWORD))
        assert result.ok, result.problem
    finally:
        resume.set()
        event.remove(stopped.store.engine, *hook)
        other.close()
        stopped.close()


def test_a_statement_the_servers_statement_timeout_stopped_is_one_sentence(
    pg_target: str, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DBA sets statement_timeout on the database (or the role); a check that waits on
    the trail's lock longer (a long job holds it) is cancelled by the server (57014). It was
    told as 'The store ... failed: canceling statement due to statement timeout', the
    server's words; it is one sentence saying the server stopped the work and nothing was
    recorded, and the check is not given. The CLI the same, with no traceback."""
    services = make_services(pg_target, clock)
    try:
        officer = staff(services, Role.COMPLIANCE)
        advisor = staff(services, Role.ADVISOR)
        report = import_text_report(services, officer, tmp_path)
        add_client(services, officer, "ST1", RiskProfile.C3)
        _alter_database(services.store.url, "statement_timeout = 300")
        services.store.engine.dispose()  # the setting holds for new sessions
        before = _entries(services)
        release, _ = hold_the_chain_lock(services.store.url)
        try:
            with pytest.raises(StoreUnavailable) as info:
                services.access.check(advisor, "ST1", report)
            monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
            code = cli.main(
                ["check", "--investor", "ST1", "--report", str(report), "--user", advisor.username, "--db", pg_target]
            )
        finally:
            release()
        sentence = str(info.value)
        assert "failed:" not in sentence
        assert "canceling statement" not in sentence
        assert "stopped" in sentence
        assert "nothing was recorded" in sentence
        assert code == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert "unexpected error" not in err
        assert "canceling statement" not in err
        assert "nothing was recorded" in err
        assert _entries(services) == before
        assert services.access.check(advisor, "ST1", report).decision.outcome.value == "allow"
    finally:
        services.close()


def test_a_suitcheck_session_bounds_what_the_server_leaves_unbounded(pg_target: str) -> None:
    """Each suitcheck session on PostgreSQL gives itself the lock bound, the idle-in-
    transaction bound and TCP keepalives on both ends where the server's configuration sets
    none (a network gone without a FIN is noticed by the server, which drops the dead desk's
    session and its locks, and by the desk waiting on a server that is gone); what the DBA
    set (ALTER DATABASE/ROLE, postgresql.conf) stands."""
    url = make_url(pg_target)

    def settings() -> tuple[dict[str, str], dict[str, str]]:
        store = store_engine.open_store(pg_target)
        try:
            with store.engine.connect() as conn:
                shown = {  # timeouts in ms, keepalives in s
                    name: str(setting)
                    for name, setting in conn.execute(
                        text("SELECT name, setting FROM pg_settings WHERE name = ANY(:names)"),
                        {"names": list(store_engine.server_bounds())},
                    )
                }
                client = dict(conn.connection.dbapi_connection.info.get_parameters())  # type: ignore[union-attr]
            return shown, client
        finally:
            store.dispose()

    shown, client = settings()
    keepalives = (store_engine.KEEPALIVE_IDLE_S, store_engine.KEEPALIVE_INTERVAL_S, store_engine.KEEPALIVE_COUNT)
    assert shown == {
        "lock_timeout": str(store_engine.BUSY_TIMEOUT_MS),
        "tcp_keepalives_idle": str(keepalives[0]),
        "tcp_keepalives_interval": str(keepalives[1]),
        "tcp_keepalives_count": str(keepalives[2]),
    }
    assert [client.get(k) for k in ("keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count")] == [
        "1",
        *map(str, keepalives),
    ]
    _alter_database(url, "lock_timeout = '2s'")
    shown, _client = settings()
    assert shown["lock_timeout"] == "2000"


def _idle_bound(conn: Any) -> str:
    return str(
        conn.execute(
            text("SELECT setting FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout'")
        ).scalar_one()
    )


def test_only_the_chain_locks_holder_is_bounded_idle_and_the_dbas_bound_stands(
    pg_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The idle-in-transaction bound is for the holder of the trail's lock, whom every
    other desk's check waits on: from the lock to the end of that transaction. A read
    (an export or verify formatting a large file between its statements) holds nothing a
    check waits on and is never ended for idling; the next transaction of the same session
    is unbounded again; a bound the DBA set is the one the holder keeps."""
    monkeypatch.setattr(store_engine, "IDLE_IN_TRANSACTION_MS", 500)
    store = store_engine.open_store(pg_target)
    try:
        with store.engine.connect() as conn:
            with conn.begin():
                conn.execute(text("SELECT 1"))
                threading.Event().wait(1.5)  # a reader busy on its side past the bound
                assert conn.execute(text("SELECT 2")).scalar_one() == 2
                assert _idle_bound(conn) == "0"
            with conn.begin():
                chain.lock_chain(conn)
                assert _idle_bound(conn) == "500"
            with conn.begin():
                assert _idle_bound(conn) == "0"
    finally:
        store.dispose()
    _alter_database(make_url(pg_target), "idle_in_transaction_session_timeout = '10min'")
    store = store_engine.open_store(pg_target)
    try:
        with store.engine.connect() as conn, conn.begin():
            chain.lock_chain(conn)
            assert _idle_bound(conn) == "600000"
    finally:
        store.dispose()


def test_a_client_import_writing_a_long_report_is_not_ended_as_idle(
    pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial client import with --report writes its XLSX report inside its transaction
    (after the rows and their entries): up to a sheet's million issue rows, about a minute on
    a slow desktop, with nothing sent to the server. The idle-in-transaction bound ended that
    sound import ('nothing was recorded'); the import's own transaction goes without it. The
    slow desktop is a report writer that takes longer than the test's short bound."""
    from suitcheck.services import client_import
    from tests.services.clientfiles import client_rows, write_csv

    services = make_services(pg_target, clock)
    try:
        officer = staff(services, Role.COMPLIANCE)
        # The test's short bound, for the import only (not the set-up above, which a busy
        # machine may pause between two statements). 2 s, not less: the import's own
        # statements before its report run under it, and a CI machine running the suite on
        # every core once paused 500 ms between two of them (the session ended as idle).
        monkeypatch.setattr(store_engine, "IDLE_IN_TRANSACTION_MS", 2000)
        rows = client_rows(3)
        rows[1][5] = "2026-02-30"
        written = client_import._write_report_xlsx
        writing = threading.Event()

        def slow_desktop(*args: Any) -> None:
            written(*args)
            writing.wait(3)  # longer than the bound: the desktop is still writing the file

        monkeypatch.setattr(client_import, "_write_report_xlsx", slow_desktop)
        report = tmp_path / "report.xlsx"
        result = services.client_files.import_clients(
            officer, write_csv(tmp_path / "c.csv", rows), partial=True, report=report
        )
        assert result.written
        assert report.exists()
        assert services.audit.verify(officer).ok
    finally:
        services.close()
