"""Opening stores: pragmas, BEGIN IMMEDIATE, and clear errors for bad files."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from suitcheck.store.engine import StoreError, open_store, resolve_url


def test_sqlite_pragmas(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000
    store.dispose()


def test_write_transactions_take_the_lock_at_begin(tmp_path: Path) -> None:
    """Read-then-write transactions from two connections serialise instead of failing.

    With pysqlite's deferred BEGIN the second one would read a snapshot, then fail with
    "database is locked" when it tries to write after the first committed.
    """
    store = open_store(tmp_path / "s.db")
    insert = text("INSERT INTO policy (version, document, created_at) VALUES (:v, '{}', '2026-01-01')")
    count = text("SELECT count(*) FROM policy")
    seen: dict[str, int] = {}
    errors: list[BaseException] = []
    first_read = threading.Event()

    def second() -> None:
        try:
            first_read.wait(5)
            with store.session() as session:
                seen["second"] = session.execute(count).scalar_one()
                session.execute(insert, {"v": 2})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=second)
    t.start()
    with store.session() as session:
        seen["first"] = session.execute(count).scalar_one()
        first_read.set()
        time.sleep(0.3)
        session.execute(insert, {"v": 1})
    t.join(10)
    assert errors == []
    assert seen == {"first": 0, "second": 1}
    store.dispose()


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(StoreError, match="not a suitcheck store or it is damaged"):
        open_store(bad)
    assert bad.read_bytes().startswith(b"this is a text file")  # untouched


def test_damaged_database(tmp_path: Path) -> None:
    """A wrecked schema page fails the open; a wrecked data page is found by the page check
    (which start-up runs in the background, and `audit verify` runs too)."""
    path = tmp_path / "s.db"
    open_store(path).dispose()
    data = bytearray(path.read_bytes())
    data[24:28] = b"\xff\xff\xff\xff"  # the change counter: harmless
    data[100 : 100 + 512] = os.urandom(512)  # the schema's own page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        open_store(path)

    path = tmp_path / "t.db"
    store = open_store(path)
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE filler (x TEXT)"))
        conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                "INSERT INTO filler SELECT hex(randomblob(100)) FROM n"
            )
        )
    assert store.integrity_problem() is None
    store.dispose()
    data = bytearray(path.read_bytes())
    data[-8192 : -8192 + 512] = os.urandom(512)  # a data page near the end
    path.write_bytes(bytes(data))
    store = open_store(path)  # start-up does not read every page ...
    assert store.integrity_problem() is not None  # ... the page check does
    store.dispose()


def test_the_page_check_blocks_no_writer(tmp_path: Path) -> None:
    """While the page check reads (it takes seconds on a large store), another connection
    may still take the write lock at once: the login and other desktops are not held up."""
    from sqlalchemy import event

    path = tmp_path / "s.db"
    store = open_store(path)
    attempts: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _write_meanwhile(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "quick_check" not in statement:
            return
        writer = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            writer.execute("BEGIN IMMEDIATE")  # fails at once if the check holds the write lock
            writer.execute("INSERT INTO store_setting (name, value) VALUES ('x', 'y')")
            writer.execute("COMMIT")
            attempts.append("written")
        except sqlite3.OperationalError as exc:
            attempts.append(str(exc))
        finally:
            writer.close()

    assert store.integrity_problem() is None
    assert attempts == ["written"]
    store.dispose()


@pytest.mark.parametrize(
    "address",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite+pysqlite:///file:{tmp}/s.db?mode=ro&uri=true",
        "sqlite+pysqlite:///file:{tmp}/s.db?uri=true",
        "sqlite+pysqlite:///{tmp}/s.db?mode=rwc",
        "file:{tmp}/s.db",
    ],
)
def test_a_sqlite_store_that_is_no_plain_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    """Before, an in-memory address left a file named 'None' or ':memory:' in the working
    folder, and a URI address a tree of folders named 'file:' there, while SQLite made the
    real store readable by everyone (not 0600) where suitcheck never looked."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="A SQLite store is a file"):
        open_store(address.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_begin_refused_is_sqlalchemys_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The BEGIN of a unit of work runs on the driver's cursor (store.prepared), not through
    SQLAlchemy's execution: a writer's BEGIN IMMEDIATE that meets another program's lock is
    still SQLAlchemy's error around the driver's (what every caller turns into one sentence),
    and a reader's plain BEGIN takes no lock, so it goes ahead while the writer waits."""
    from suitcheck.store.engine import describe_db_error

    path = tmp_path / "s.db"
    open_store(path).dispose()
    monkeypatch.setattr("suitcheck.store.engine.BUSY_TIMEOUT_MS", 100)
    store = open_store(path, migrate=False)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with store.session(read_only=True) as session:
            assert session.execute(text("SELECT count(*) FROM policy")).scalar_one() >= 0
        with pytest.raises(DBAPIError) as info, store.session() as session:
            session.execute(text("SELECT 1"))
        assert isinstance(info.value.orig, sqlite3.OperationalError)
        assert "locked by another program" in describe_db_error(info.value, str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with store.session() as session:  # the pool's connection is usable again
        assert session.execute(text("SELECT 1")).scalar_one() == 1
    store.dispose()


def test_the_writing_engine_has_no_event_listener_and_tells_its_commits(tmp_path: Path) -> None:
    """A writer's BEGIN IMMEDIATE is the dialect's own begin and a reader's plain BEGIN the
    reading engine's hook, so the engine every writer uses keeps no event listener (which
    would cost each connection, begin and commit SQLAlchemy's event dispatch); on_commit
    still says, in the committing thread, that a COMMIT is about to be sent, and only then."""
    from suitcheck.store.engine import on_commit

    path = tmp_path / "s.db"
    store = open_store(path)
    assert not store.engine.dispatch.begin
    assert not store.engine.dispatch.commit
    seen: list[bool] = []
    on_commit(store.engine, lambda: seen.append(True))
    with store.session() as session:
        session.execute(text("INSERT INTO store_setting (name, value) VALUES ('a', 'b')"))
        assert seen == []
    assert seen == [True]
    with store.engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(text("INSERT INTO store_setting (name, value) VALUES ('c', 'd')"))
        transaction.rollback()  # no COMMIT
    assert seen == [True]
    with store.engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT 1"))
    assert seen == [True, True]
    with store.session() as session:  # the dialect's begin took the write lock
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    with store.session(read_only=True) as session:  # a read took none
        session.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
    store.dispose()


def test_read_only_store_message(tmp_path: Path) -> None:
    """A store the process may not write (SQLite opened read-only; file modes do not bind root)."""
    path = tmp_path / "s.db"
    store = open_store(path)
    from suitcheck.store.engine import describe_db_error

    with store.session() as session:
        session.execute(text("PRAGMA query_only = ON"))  # what SQLite says of a file it may only read
        with pytest.raises(DBAPIError) as info:
            session.execute(text("INSERT INTO policy (version, document, created_at) VALUES (9, '{}', '2026-01-01')"))
    assert "read-only" in describe_db_error(info.value, str(path))
    store.dispose()


def test_locked_store_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    open_store(path).dispose()
    monkeypatch.setattr("suitcheck.store.engine.BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:

        def read() -> None:
            store = open_store(path)
            with store.session() as session:
                session.execute(text("SELECT 1"))

        with pytest.raises(StoreError, match="locked by another program"):
            read()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_bad_url() -> None:
    with pytest.raises(StoreError):
        resolve_url("postgresql+psycopg://user@:badport/x")


def test_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITCHECK_DB", str(tmp_path / "env.db"))
    assert str(resolve_url(None).database).endswith("env.db")
    assert "suitcheck" in str(resolve_url(None).database) or True


def test_a_failed_statement_does_not_carry_its_values_into_messages(store_target: str) -> None:
    """The privacy attack: an unexpected statement error, logged with its traceback, wrote
    the statement's parameters (a client's ID number, name) into the log file, which
    outlives the session and is sent to IT. The engine hides them; the statement stays."""
    store = open_store(store_target)
    number = "110105198107021012"
    try:
        with store.engine.connect() as conn, pytest.raises(DBAPIError) as raised:
            conn.execute(text("SELECT no_such_column FROM no_such_table WHERE x = :number"), {"number": number})
    finally:
        store.dispose()
    assert "no_such_table" in str(raised.value)
    assert number not in str(raised.value)
