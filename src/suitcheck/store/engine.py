"""Open a store: resolve the location, create the engine, check the file, migrate."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from suitcheck.privatefs import narrow_private, private_dir, touch_private
from suitcheck.store.prepared import Prepared
from suitcheck.store.sqlitetext import sqlite_text

APP_NAME = "suitcheck"
# How long a unit of work waits for a lock another program holds before it is told "the
# store is locked; try again in a moment": SQLite's busy timeout, and on PostgreSQL the
# session's lock_timeout (the trail's chain lock, a row another desk is changing).
BUSY_TIMEOUT_MS = int(os.environ.get("SUITCHECK_BUSY_TIMEOUT_MS", "15000"))
# PostgreSQL: a transaction holding the trail's lock (audit.chain.lock_chain) that stays
# inside it without sending anything this long is ended by the server, its work rolled back
# and the lock freed (a desk whose process was stopped, whose laptop slept or whose network
# went away in the middle of a check). suitcheck never waits for a person inside a
# transaction and sends a lock holder's statements back to back, so its own work is never
# idle this long. Reads are not bounded: they hold no lock a check waits on.
IDLE_IN_TRANSACTION_MS = int(os.environ.get("SUITCHECK_IDLE_IN_TRANSACTION_MS", str(4 * BUSY_TIMEOUT_MS)))
# PostgreSQL: TCP keepalives on both ends, so a desk whose network went away without a word
# is dropped by the server (its session and locks with it) and a desk whose server went
# away is told so, within about KEEPALIVE_IDLE_S + KEEPALIVE_INTERVAL_S * KEEPALIVE_COUNT.
KEEPALIVE_IDLE_S = 60
KEEPALIVE_INTERVAL_S = 10
KEEPALIVE_COUNT = 6


# PostgreSQL's sqlstate for a session its idle_in_transaction_session_timeout ended: its
# transaction was rolled back before anything it sent later (a COMMIT included) was read.
IDLE_IN_TRANSACTION_ENDED = "25P03"


class StoreError(Exception):
    """The store cannot be used. The message is one sentence a user can act on."""


class NoStore(StoreError):
    """The address holds no suitcheck store (no schema), and this open may not create one."""


def default_location() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "suitcheck.db"


def resolve_url(target: str | os.PathLike[str] | None = None) -> URL:
    """`--db` value, else `SUITCHECK_DB`, else the platformdirs default; a path or a URL."""
    raw = os.fspath(target) if target is not None else os.environ.get("SUITCHECK_DB") or None
    if raw is None:
        path = default_location()
    elif "://" in raw:
        try:
            url = make_url(raw)
        except (sa_exc.ArgumentError, ValueError) as exc:
            raise StoreError("The store address is not a valid database URL.") from exc
        if url.get_backend_name() == "sqlite":
            _refuse_no_file(url.database, url.query)
        return url
    else:
        if _SCHEME_WITHOUT_SLASHES.match(raw) or _KEYWORD_CONNINFO.match(raw):
            # A URL mistyped (postgresql:/clerk:pw@host/db) was taken for a file name and
            # echoed whole, its password too, in "There is no store at ...".
            raise StoreError(
                "The store address is not a valid database URL: a server's is written "
                "postgresql://USER@HOST/DATABASE (a file's is its path)."
            )
        _refuse_no_file(raw, {})
        path = Path(raw).expanduser()
    return URL.create("sqlite+pysqlite", database=str(path.resolve()))


# A database URL's scheme without its "//" (not a Windows drive: one letter).
_SCHEME_WITHOUT_SLASHES = re.compile(r"(?i)(postgres(ql)?|sqlite)(\+\w+)?:")

# libpq's keyword/value form of an address, as psql takes it ("host=db user=clerk
# password=..."): it too was taken for a file name and echoed whole, its password too.
_KEYWORD_CONNINFO = re.compile(
    r"(?i)\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|sslpassword)\s*=|.*\s(ssl)?password\s*="
)


# libpq's connection parameters that hold a secret when an address gives them in its query
# (postgresql://clerk@host/db?password=...; sslpassword unlocks the client's key).
_SECRET_PARAMETERS = frozenset({"password", "sslpassword"})


def shown_address(url: URL) -> str:
    """A store's address as suitcheck shows and keeps it: a SQLite store's file; a server's
    URL with its password hidden (***), also one given as a query parameter, which showed in
    every sentence naming the store, the desk's title and the audit keyring's record of
    where the store is."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    hidden = [name for name in url.query if name.lower() in _SECRET_PARAMETERS]
    shown = url.difference_update_query(hidden).render_as_string(hide_password=True)
    if not hidden:
        return shown
    return shown + ("&" if "?" in shown else "?") + "&".join(f"{name}=***" for name in hidden)


def _refuse_no_file(database: str | None, query: Mapping[str, object]) -> None:
    """A SQLite store is one private file that suitcheck checks, guards and seals beside its
    key. An in-memory store keeps nothing; a URI filename (file:...?mode=...) is opened by
    SQLite where suitcheck cannot see it: it made folders named "file:" under the working
    folder and a store file SQLite created readable by everyone."""
    if not database or database == ":memory:" or database.startswith("file:") or {"uri", "mode"} & set(query):
        raise StoreError(
            "A SQLite store is a file: give its path or a sqlite:///path URL, not an in-memory or file: URI address."
        )


# The driver error a unit of work meets when the store file is no longer the one the desk
# opened (describe_db_error words it for the user).
FILE_GONE = "the store file was deleted, moved or replaced while suitcheck had it open"


def _server_sentence(state: object, where: str) -> str | None:
    """A server's error code (psycopg's sqlstate) in words: its words are the server's."""
    if state == "25006":  # read_only_sql_transaction: a read-only database, role or standby
        return (
            f"The database server for {where} accepts no changes (a read-only database, role or standby server); "
            "nothing was recorded."
        )
    if state == IDLE_IN_TRANSACTION_ENDED:
        return (
            f"The database server for {where} ended this session because it stayed idle in the middle of its work "
            "(the computer was stopped, asleep or cut off); nothing was recorded."
        )
    if state == "57014":  # query_canceled: the server's statement_timeout, or an administrator's cancel
        return (
            f"The database server for {where} stopped this work before it finished (a time limit set on the server, "
            "or an administrator); nothing was recorded."
        )
    return None


def describe_db_error(exc: BaseException, where: str) -> str:
    """Turn a driver error into one sentence; never leaks SQL or a traceback."""
    message = str(getattr(exc, "orig", exc) or exc).lower()
    state = getattr(getattr(exc, "orig", exc), "sqlstate", None)
    said = _server_sentence(state, where)
    if said is not None:
        return said
    if FILE_GONE in message:
        return (
            f"The store {where} was deleted, moved or replaced while suitcheck had it open, so nothing more is "
            "recorded; close suitcheck, put the store file back (or restore it from its backup) and start again."
        )
    if "locked" in message or "busy" in message or state == "55P03":  # 55P03: the server's lock_timeout
        return f"The store {where} is locked by another program; try again in a moment."
    if "readonly" in message or "read-only" in message or "read only" in message:
        return f"The store {where} is read-only; check the file permissions."
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return f"The file {where} is not a suitcheck store or it is damaged."
    if "unable to open" in message:
        return f"The store {where} cannot be opened; check that the folder exists and is writable."
    if "connection" in message or "could not connect" in message or "refused" in message:
        return f"The database server for {where} cannot be reached."
    if "disk" in message and "full" in message:
        return f"The disk holding {where} is full."
    detail = str(getattr(exc, "orig", exc)).splitlines()[0]
    return f"The store {where} failed: {detail}"


class _OpenedFile:
    """The store file a desk opened, by identity (device and inode). On Linux and macOS a
    file deleted, moved away or replaced while SQLite holds it open stays writable through
    the handle: every check recorded after that would go into a file nobody finds again
    (gone with the process), and a new connection would open whatever now lies at the
    path, another store beside the first. Each unit of work and each new connection first
    asks the path for the file it opened (one stat). Windows refuses to delete or replace a
    file SQLite holds open."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.identity: tuple[int, int] | None = None

    def check(self) -> None:
        if not self.path:
            return
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            raise sqlite3.OperationalError(FILE_GONE) from None
        identity = (found.st_dev, found.st_ino)
        if self.identity is None:
            self.identity = identity
        elif identity != self.identity:
            raise sqlite3.OperationalError(FILE_GONE)


def _install_sqlite_hooks(engine: Engine) -> None:
    opened = _OpenedFile(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        opened.check()  # SQLite has opened (or created) the file: it is the store from now on
        # Let SQLAlchemy's "begin" event (below) issue BEGIN itself, not pysqlite.
        dbapi_connection.isolation_level = None
        dbapi_connection.text_factory = sqlite_text
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed audit record survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    # Writers take the lock up front, so a second desktop waits (busy_timeout) instead of
    # failing with an instant "database is locked" at its first write: BEGIN IMMEDIATE, as
    # the dialect's own begin. Not an engine event: an engine with no event listener at all
    # spares every connection, begin and commit SQLAlchemy's event dispatch (a check's
    # unit of work paid about 15 us of CPU for it). Readers begin on reading_engine().
    engine.dialect.do_begin = functools.partial(_sqlite_begin, opened)  # type: ignore[method-assign]


def _sqlite_begin(opened: _OpenedFile, dbapi_connection: Any) -> None:
    """The SQLite dialect's do_begin (given the pool's proxy of the driver's connection):
    first the store file's identity (`opened`, every unit of work: a reader's, a writer's,
    one on a connection kept between checks), then BEGIN IMMEDIATE, unless reading_engine's
    hook has just begun a read (plain BEGIN) and the driver is in it. SQLAlchemy raises a
    driver error here as its own, as for any statement (a connection left in a transaction
    fails here, as it always did)."""
    read_begun = dbapi_connection.info.pop(_READ_BEGUN, False)
    opened.check()
    if read_begun and dbapi_connection.dbapi_connection.in_transaction:
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()


# Set on the connection's pool record by a read's BEGIN, taken by _sqlite_begin right after.
_READ_BEGUN = "suitcheck_read_begun"
# A read's BEGIN, run on the driver's own cursor (store.prepared), a driver error raised as
# SQLAlchemy's: run through Connection.exec_driver_sql it cost more than a check's reads.
_BEGIN_READ = Prepared(text("BEGIN"))


def _begin_read(conn: Any) -> None:
    """reading_engine's begin hook (SQLite): a plain BEGIN, which takes no lock (in WAL mode
    a read blocks no writer); the dialect's begin, which follows, then adds nothing."""
    _BEGIN_READ.execute(conn)
    conn.connection.info[_READ_BEGUN] = True


def reading_engine(engine: Engine) -> Engine:
    """`engine` for units of work that only read: on SQLite each begins with a plain BEGIN
    (no write lock); on PostgreSQL each takes one snapshot (REPEATABLE READ). Its hook is
    the reading engine's own: the writing engine keeps no event listener."""
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    reading = engine.execution_options(**options)
    if engine.dialect.name == "sqlite":
        event.listen(reading, "begin", _begin_read)
    return reading


def on_commit(engine: Engine, callback: Callable[[], None]) -> None:
    """Call `callback` in the thread that commits on `engine`, just before the driver is told
    to COMMIT (what SQLAlchemy's "commit" event says, without an engine event listener,
    which would cost every connection SQLAlchemy's event dispatch). The dialect's own
    commit is looked up at each call, so that one patched on its class still runs."""
    dialect = engine.dialect
    before: list[Callable[[], None]] = dialect.__dict__.get("_suitcheck_before_commit") or []
    if not before:
        dialect._suitcheck_before_commit = before  # type: ignore[attr-defined]

        def do_commit(dbapi_connection: Any) -> None:
            for call in before:
                call()
            type(dialect).do_commit(dialect, dbapi_connection)

        dialect.do_commit = do_commit  # type: ignore[method-assign]
    before.append(callback)


@dataclasses.dataclass
class Store:
    """An open store. Sessions come from here; nothing is created at import time."""

    engine: Engine
    url: URL
    # (the schema revision found, this version's) when opening it ran the migrations
    # (an older version's store); None when it was up to date or new.
    schema_upgraded: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        # A read is one state of the store: on PostgreSQL a read-only unit of work takes one
        # snapshot (REPEATABLE READ; it never waits on writers nor fails for them), not one
        # per statement (READ COMMITTED), so `audit verify` comparing rows with the trail, or
        # a client's history with its entries, never sees a desk's commit half (SQLite's
        # read transaction already is one snapshot).
        self.reading = reading_engine(self.engine)
        self._reader = sessionmaker(self.reading, expire_on_commit=False)

    def on_before_flush(self, install: Any) -> None:
        """Let a layer above hook the writer sessions' flushes (row integrity seals)."""
        install(self._writer)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        return shown_address(self.url)

    @contextmanager
    def session(self, read_only: bool = False) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on any error."""
        factory = self._reader if read_only else self._writer
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def commit_counter(self) -> Iterator[Callable[[], int] | None]:
        """SQLite only (None elsewhere): a function reading PRAGMA data_version on a
        connection of its own, each time outside any transaction. Two equal readings mean
        no other connection, of any process, committed anything to the file in between, so
        every read transaction that began between them saw the same state."""
        if not self.is_sqlite:
            yield None
            return
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()

            def data_version() -> int:
                # fetchall steps the statement to its end, so no read transaction stays open.
                return int(cursor.execute("PRAGMA data_version").fetchall()[0][0])

            yield data_version
        finally:
            raw.close()

    def integrity_problem(self) -> str | None:
        """SQLite's quick_check over every page (its time grows with the file); None when
        the file is sound, else SQLite's first complaint. PostgreSQL checks its own pages."""
        if not self.is_sqlite:
            return None
        try:
            # A read transaction: in WAL mode it blocks no writer, so the login and every
            # other desktop's decisions go on while the pages are read (the write lock a
            # plain connection takes at begin would hold them until the check ends).
            with self.reading.connect() as conn:
                rows = [r[0] for r in conn.execute(text("PRAGMA quick_check"))]
        except sa_exc.OperationalError:
            raise  # locked, unreadable: not a verdict on the pages
        except sa_exc.DatabaseError as exc:
            return str(exc.orig or exc).splitlines()[0]  # "database disk image is malformed"
        return None if rows == ["ok"] else _first_complaint(rows)


def _first_complaint(rows: list[object]) -> str:
    """quick_check's first complaint on one line: for a damaged b-tree page SQLite heads it
    with a banner line ('*** in database main ***'), which says nothing to a user."""
    lines = [line.strip() for row in rows for line in str(row).splitlines()]
    complaints = [line for line in lines if line and not (line.startswith("***") and line.endswith("***"))]
    return complaints[0] if complaints else "the store's pages fail SQLite's check"


def migrations_path() -> Path:
    return Path(str(resources.files("suitcheck.store") / "migrations"))


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@functools.cache
def _script_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, every parent revision) of this version's migrations, read once from
    the version files' `revision =` and `down_revision =` lines."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (migrations_path() / "versions").glob("*.py"):
        found: dict[str, str] = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if "down_revision" in found:
                parents.add(found["down_revision"])
    return frozenset(revisions), frozenset(parents)


@functools.cache
def script_head() -> str:
    """The newest migration's revision, from the version files (_script_revisions). Equal to
    head_revision() (a test keeps it so), without importing Alembic, which costs more than
    everything else a command does on a store that is already up to date."""
    revisions, parents = _script_revisions()
    heads = revisions - parents
    if len(heads) != 1:
        return head_revision()  # something unusual: let Alembic decide
    return next(iter(heads))


def script_revisions() -> frozenset[str]:
    """Every revision this version's migrations know."""
    return _script_revisions()[0]


# A revision suitcheck's migrations write (0018, or Alembic's 12 hex digits) is a word of
# at most 32 characters (Alembic's column). Anything else in alembic_version (a sentence,
# spaces, Chinese) was written by hand: never a newer version, and never shown in a sentence.
_REVISION_FORM = re.compile(r"[0-9A-Za-z_]{1,32}")


def revision_by_hand(revision: str) -> bool:
    """Whether a store's schema revision is text no migration writes (see _REVISION_FORM)."""
    return _REVISION_FORM.fullmatch(revision) is None


def schema_changed_by_hand(where: str | None) -> StoreError:
    """The refusal of a store whose alembic_version holds text no migration writes."""
    if where is None:
        return StoreError(
            "The store's schema revision was changed outside suitcheck while this one was running; nothing was "
            "recorded. Ask the administrator to restore the store from a backup."
        )
    return StoreError(
        f"The store {where} cannot be opened: its schema revision was changed outside suitcheck. Ask the "
        "administrator to restore the store from a backup."
    )


def newer_schema(revision: str | None) -> bool:
    """Whether `revision` is a newer version's schema (one this version's migrations do not know)."""
    return revision is not None and revision != script_head() and revision not in script_revisions()


def _stored_revision(engine: Engine) -> str | None:
    """The store's schema revision by a plain query; None for a new (empty) store."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# PostgreSQL: the lock a schema upgrade holds (its own; any constant, the same in every desk).
_PG_UPGRADE_LOCK_KEY = 0x5C_A0D18


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Run the migrations to `revision` in one transaction. On a shared PostgreSQL store two
    desks may open it at once after an update: each would run them, and the second failed
    on the first one's half-written rows (a marker's duplicate key, the schema version).
    So the upgrade holds a lock of its own: the second desk waits (up to the lock bound,
    then "locked, try again"), and Alembic, reading the version only then, finds nothing
    left to do. (SQLite: the transaction takes the write lock as it begins.) Returns the
    revision found under that lock, which the migrations started from."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK_KEY})
        found = MigrationContext.configure(conn).get_current_revision()
        # Read before the lock was taken: a newer version's desk may have upgraded it since
        # (a rollout, two desks opening the store at once), which Alembic cannot go from.
        _refuse_unknown_schema(found, shown_address(engine.url))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return found


def create_store_engine(url: URL) -> Engine:
    # hide_parameters: a statement's error (and so a logged traceback) names the statement,
    # never its values: a client's ID number or name stays out of the log file.
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_hooks(engine)
        return engine
    engine = create_engine(url, hide_parameters=True, pool_pre_ping=True, connect_args=_client_keepalives(url))
    _install_postgresql_hooks(engine)
    return engine


def _client_keepalives(url: URL) -> dict[str, Any]:
    """libpq's keepalives for this end of the connection; those the address names stay."""
    wanted = {
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_S,
        "keepalives_interval": KEEPALIVE_INTERVAL_S,
        "keepalives_count": KEEPALIVE_COUNT,
    }
    if url.get_driver_name() != "psycopg":
        return {}
    return {name: value for name, value in wanted.items() if name not in url.query}


def server_bounds() -> dict[str, str]:
    """The settings a suitcheck session on PostgreSQL gives itself where the server's
    configuration (postgresql.conf, ALTER DATABASE/ROLE, the address's options) sets none:
    what the DBA set stands, an unset one is never left unbounded."""
    return {
        "lock_timeout": f"{BUSY_TIMEOUT_MS}ms",
        "tcp_keepalives_idle": str(KEEPALIVE_IDLE_S),
        "tcp_keepalives_interval": str(KEEPALIVE_INTERVAL_S),
        "tcp_keepalives_count": str(KEEPALIVE_COUNT),
    }


_SET_UNSET = (
    "SELECT set_config(s.name, w.value, false) FROM pg_settings s "
    "JOIN unnest(%(names)s::text[], %(values)s::text[]) AS w(name, value) ON w.name = s.name "
    "WHERE s.source = 'default'"
)


def _install_postgresql_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # A session setting, outside any transaction (a rolled-back one would undo it).
        bounds = server_bounds()
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(_SET_UNSET, {"names": list(bounds), "values": list(bounds.values())})
                cursor.execute(_IDLE_UNSET)
                row = cursor.fetchone()
        finally:
            dbapi_connection.autocommit = autocommit
        # Read once per session (not at every check): whether the holder of the trail's lock
        # is to bound its own idling (audit.chain.lock_chain), the server setting none.
        _record.info[IDLE_BOUND_WANTED] = bool(row and row[0])


# Whether the server's configuration leaves a session's idle-in-transaction bound unset:
# kept in the connection's info under IDLE_BOUND_WANTED.
_IDLE_UNSET = "SELECT source = 'default' FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout'"
IDLE_BOUND_WANTED = "suitcheck_idle_bound_wanted"


def open_store(target: str | os.PathLike[str] | None = None, *, migrate: bool = True, create: bool = True) -> Store:
    """Open (creating or upgrading) the store. Raises StoreError with a user-facing sentence.

    Without `create`, an address that holds no suitcheck schema (an empty database, or
    another program's) is refused with NoStore before anything is written to it."""
    url = resolve_url(target)
    where = shown_address(url)
    if url.get_backend_name() == "sqlite":
        _prepare_file(Path(str(url.database)), where)
    try:
        engine = create_store_engine(url)
    except (sa_exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"The store address {where} uses an unsupported database driver.") from exc
    store = Store(engine, url)
    try:
        if store.is_sqlite:
            _sanity_check(store)
        if not create and _stored_revision(engine) is None:
            raise NoStore(f"There is no suitcheck store at {where}; create it with `suitcheck init`.")
        if migrate:
            store.schema_upgraded = _bring_up_to_date(engine, where)
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise StoreError(describe_db_error(exc, where)) from exc
    except StoreError:
        engine.dispose()
        raise
    return store


def _prepare_file(path: Path, where: str) -> None:
    """A private folder and file for a SQLite store, before SQLite opens it."""
    if path.is_dir():
        raise StoreError(f"The store {where} is a folder, not a database file.")
    try:
        private_dir(path.parent)
    except OSError as exc:
        raise StoreError(f"The folder for the store {where} cannot be created: {exc.strerror}.") from exc
    if not path.exists():
        # SQLite would create it 0644; it holds ID numbers and password hashes. Its
        # -wal and -shm files take the store file's mode, so they are private too.
        try:
            touch_private(path)
        except OSError as exc:
            raise StoreError(f"The store {where} cannot be created: {exc.strerror}.") from exc
    else:
        # A store restored from a backup, or copied, under the usual umask (0644), and the
        # -wal/-shm files SQLite made after its mode: the owner's alone from now on.
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            narrow_private(file)


def _bring_up_to_date(engine: Engine, where: str) -> tuple[str, str] | None:
    """Upgrade the schema to this version's head; refuse a schema from a newer version.
    (from, to) when an older version's store was migrated here (not another desk meanwhile)."""
    revision = _stored_revision(engine)
    head = script_head()
    if revision == head:
        return None
    _refuse_unknown_schema(revision, where)
    found = upgrade(engine)
    return (found, head) if found is not None and found != head else None


def _refuse_unknown_schema(revision: str | None, where: str) -> None:
    """A schema revision this version's migrations do not know: a newer version's, or text
    written into alembic_version by hand."""
    if revision is not None and revision not in known_revisions():
        if revision_by_hand(revision):
            raise schema_changed_by_hand(where)
        raise StoreError(
            f"The store {where} was made by a newer version of suitcheck (schema {revision}); "
            "open it with that version or a newer one."
        )


def _sanity_check(store: Store) -> None:
    """What every open can afford whatever the store's size: the header and the schema
    read cleanly (a file that is not SQLite, or whose first pages are wrecked, fails here).
    The full page check is `Store.integrity_problem`, which reads every page and so runs
    in the background or on request, not on the way to the first screen."""
    with store.engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
