"""Attack: the shared PostgreSQL store fails in the middle of work (session 12, attack12e).
A firm's IT restarts the server, a DBA terminates a desk's connection, or the database is
made read-only while desks and scripts are at work. Each failure is one sentence that says
what was done and what was not; nothing done is lost, nothing undone is claimed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, Engine, create_engine, event, func, select, text

from suitcheck import cli
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import StoreUnavailable
from suitcheck.store.models import Report
from tests.conftest import PASSWORD, Clock, add_client
from tests.fixtures import import_text_report, report_text

pytestmark = pytest.mark.postgres


@pytest.fixture
def store_target(pg_target: str) -> str:
    return pg_target


def _terminate_every_connection(url: URL) -> None:
    """Another session ends every connection to the store's database, as a DBA's
    pg_terminate_backend does (and as a server restart does to each desk)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        admin.dispose()


@pytest.fixture
def at_statement() -> Iterator[Callable[[str, int, Callable[[], None]], None]]:
    """`at(starts, n, action)`: run `action` right after the n-th statement (of any engine
    this process makes, the CLI's own included) that starts with `starts`."""
    listeners: list[Callable[..., None]] = []

    def at(starts: str, n: int, action: Callable[[], None]) -> None:
        seen: list[bool] = []

        def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().startswith(starts):
                seen.append(True)
                if len(seen) == n:
                    action()

        event.listen(Engine, "after_cursor_execute", after)
        listeners.append(after)

    yield at
    for listener in listeners:
        event.remove(Engine, "after_cursor_execute", listener)


def _cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _report_files(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = folder / f"weekly-{n}.txt"
        path.write_text(report_text("中风险", f"行业周报第{n}期：先进封装放量") + f"\n编号 {n}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _reports(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        return int(session.execute(select(func.count()).select_from(Report)).scalar_one())


def test_report_import_cut_by_the_server_says_which_files_were_imported(
    services: Services,
    store_target: str,
    compliance: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    at_statement: Callable[[str, int, Callable[[], None]], None],
) -> None:
    """`report import` of four files, each its own transaction; the server ends the
    connection while the third is stored. The two before it are imported and recorded:
    the command listed nothing and said only that the server cannot be reached, so a
    script (or the clerk) could not tell which files were in. Now the files done are
    listed as usual, and the sentence says where it stopped and that the rest were not
    imported; importing them all again brings in the rest and recognises the two."""
    paths = _report_files(tmp_path, 4)
    url = services.store.url
    at_statement("INSERT INTO report ", 3, lambda: _terminate_every_connection(url))
    args = ["report", "import", *map(str, paths), "--user", compliance.username, "--db", store_target]
    code, out, err = _cli(capsys, monkeypatch, *args)
    assert code == 1
    assert "Traceback" not in err
    assert [line.split()[0] for line in out.splitlines()] == ["imported", "imported"]
    assert "weekly-0.txt" in out
    assert "weekly-1.txt" in out
    assert "cannot be reached" in err
    assert "stopped at weekly-2.txt" in err
    assert "the 2 files from it on were not imported" in err
    assert _reports(services) == 2
    code, out, err = _cli(
        capsys,
        monkeypatch,
        "report",
        "import",
        *map(str, paths),
        "--json",
        "--user",
        compliance.username,
        "--db",
        store_target,
    )
    assert code == 0, err
    assert _reports(services) == 4


def _alter_database(url: URL, setting: str) -> None:
    """What the DBA does from another database: ALTER DATABASE <store's> SET ..."""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{url.database}" SET {setting}'))
    finally:
        admin.dispose()


def _entries(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        return int(session.execute(text("SELECT count(*) FROM audit_entry")).scalar_one())


def test_a_check_on_a_database_made_read_only_blocks_with_the_servers_reason(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """The DBA makes the shared database read-only (default_transaction_read_only, as for
    a standby or a maintenance window) while desks run. A check cannot be recorded, so it
    is not given: it fails, nothing is written. The sentence said 'is read-only; check the
    file permissions', advice about a file a server store does not have; it now says the
    database server accepts no changes and that nothing was recorded."""
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "RO1", RiskProfile.C3)
    before = _entries(services)
    _alter_database(services.store.url, "default_transaction_read_only = on")
    _terminate_every_connection(services.store.url)  # the setting holds for new sessions
    with pytest.raises(StoreUnavailable) as info:
        services.access.check(advisor, "RO1", report)
    sentence = str(info.value)
    assert "file permissions" not in sentence
    assert "accepts no changes" in sentence
    assert "nothing was recorded" in sentence
    assert _entries(services) == before
    with pytest.raises(StoreUnavailable, match="accepts no changes"):
        services.audit.verify(compliance)


def test_a_check_stopped_by_the_servers_lock_timeout_says_try_again(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """The firm sets lock_timeout on the database; another session (a DBA's maintenance, a
    hung desk) holds the trail's lock. The check waits that long and fails: it was told as
    'The store ... failed: canceling statement due to lock timeout', the server's words;
    it is the store's 'locked by another program; try again in a moment', and nothing is
    recorded. Once the lock is free the same check is given and recorded."""
    from suitcheck.audit import chain

    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "LT1", RiskProfile.C3)
    _alter_database(services.store.url, "lock_timeout = 200")
    _terminate_every_connection(services.store.url)
    before = _entries(services)
    holder = create_engine(services.store.url)
    try:
        with holder.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chain._PG_LOCK_KEY})
            with pytest.raises(StoreUnavailable) as info:
                services.access.check(advisor, "LT1", report)
    finally:
        holder.dispose()
    assert str(info.value).endswith("is locked by another program; try again in a moment.")
    assert _entries(services) == before
    assert services.access.check(advisor, "LT1", report).decision.outcome.value == "allow"
    assert _entries(services) == before + 1


def test_batch_export_and_verify_cut_by_the_server_say_so_and_keep_what_was_done(
    services: Services,
    store_target: str,
    compliance: Actor,
    advisor: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    at_statement: Callable[[str, int, Callable[[], None]], None],
    clock: Clock,
) -> None:
    """(held) check --batch whose connection is ended after its third result keeps the
    three checks recorded and written, says where it stopped, exit 1; an audit export cut
    while it reads leaves no file and no manifest; a verify cut while it reads says the
    server cannot be reached, never OK nor a failed verification."""
    clock.now = dt.datetime.now(dt.UTC)  # as the command line's: it records by the real clock
    report = import_text_report(services, compliance, tmp_path)
    for n in range(6):
        add_client(services, compliance, f"CUT{n}", RiskProfile.C3)
    url = services.store.url
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"CUT{n},{report}\n" for n in range(6)), encoding="utf-8")
    results = tmp_path / "results.jsonl"
    write = cli._Results.write

    def write_then_end(self: Any, record: dict[str, Any], recorded: bool) -> None:
        write(self, record, recorded)
        if self.written == 3:
            _terminate_every_connection(url)

    monkeypatch.setattr(cli._Results, "write", write_then_end)
    before = _entries(services)
    args = ["check", "--batch", str(pairs), "--out", str(results), "--user", advisor.username, "--db", store_target]
    code, _out, err = _cli(capsys, monkeypatch, *args)
    assert code == 1
    assert "cannot be reached" in err
    assert "The batch stopped at line 4: the results of the 3 pairs before it" in err
    written = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in written] == [1, 2, 3]
    with services.store.session(read_only=True) as session:
        recorded = session.execute(
            text("SELECT seq FROM audit_entry WHERE seq > :s AND action = 'check'"), {"s": before}
        )
        assert [r[0] for r in recorded] == [r["audit_id"] for r in written]

    out = tmp_path / "trail.csv"
    at_statement("SELECT", 10, lambda: _terminate_every_connection(url))
    code, _out, err = _cli(
        capsys, monkeypatch, "audit", "export", "--format", "csv", "--out", str(out), "--user", compliance.username,
        "--db", store_target,
    )  # fmt: skip
    assert code == 1
    assert "cannot be reached" in err
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(("trail", ".trail"))]

    at_statement("SELECT", 12, lambda: _terminate_every_connection(url))
    code, out_text, err = _cli(
        capsys, monkeypatch, "audit", "verify", "--user", compliance.username, "--db", store_target
    )
    assert code == 1
    assert err.strip().endswith("cannot be reached.")
    assert "OK" not in out_text
    assert "FAIL" not in (out_text + err).upper()
    assert services.audit.verify(compliance).ok
