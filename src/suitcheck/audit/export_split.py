"""A large CSV or JSON Lines audit export on two processor cores: this process writes the
earlier entries while a second process (started with "spawn", as ingest.sandbox does, so
the frozen build works the same) writes the later ones to part files that write_export
appends while hashing; the file and the manifest are byte for byte what one process
writes.

The entries are append-only and the range is fixed before either process reads (up to
the seal the export ends at), but the client and report columns joined in beside them are
not: both processes must read one state of the store. On PostgreSQL the second process
imports this transaction's snapshot (pg_export_snapshot, as pg_dump's parallel workers
do). SQLite has no such thing: the second process compares the newest entry it sees with
the one this process saw and stops before reading when they differ; and PRAGMA
data_version, read before this process's read transaction and again once the second
process has fixed its state (it says so), must be unchanged, since a commit that appends
no entry (a migration writing client rows) leaves the newest entry as it was. Otherwise
this process writes those entries itself.

The second process gets the store's address and one compiled statement through the
spawn pipe (never a command line); it needs no key and no login: the service built the
statement under the actor's permissions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
import re
import signal
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import URL

from suitcheck.audit.export import ExportError, PartSummary, SourceRow, write_part

log = logging.getLogger(__name__)

# An export whose range spans fewer entries than this stays in one process (starting the
# second one costs about half a second).
SPLIT_FROM = 200_000
# The share of the range the second process writes (measured: it starts up while this one
# reads, and this one hashes and appends the part; the two come out about even).
WORKER_SHARE = 0.5
_BATCH = 5000
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+-[0-9A-Fa-f]+(-[0-9]+)?")
_HEAD_SQL = "SELECT seq, entry_hash FROM audit_entry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"  # chain.HEAD


@dataclasses.dataclass(frozen=True)
class _Job:
    """What the second process needs (pickled through the spawn pipe)."""

    url: URL
    sql: str
    params: Any
    head: tuple[Any, ...] | None  # (seq, entry_hash) of the newest entry this process sees
    snapshot: str | None  # a PostgreSQL snapshot to read in
    fmt: str
    mask_id: Callable[[str | None], str | None] | None
    paths: tuple[Path, Path, Path] = (Path(), Path(), Path())


def read_head(conn: Any) -> tuple[Any, ...] | None:
    row = conn.exec_driver_sql(_HEAD_SQL).first()
    return None if row is None else tuple(row)


def compile_statement(stmt: Select[Any], dialect: Any) -> tuple[str, Any]:
    """The statement as the driver takes it (SQL text and its parameters)."""
    compiled = stmt.compile(dialect=dialect)
    params = compiled.construct_params()
    if compiled.positional:
        return compiled.string, tuple(params[name] for name in compiled.positiontup or ())
    return compiled.string, params


def _worker_main(conn: Connection, job: _Job) -> None:
    # The parent handles Ctrl+C and ends this process when it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        reply = read_in_state(conn, job.url, job.head, job.snapshot, lambda db: _write(conn, db, job))
    except OSError as exc:
        reply = ("unwritable", exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever failed, the parent writes nothing and names it
        reply = ("failed", type(exc).__name__)
    try:
        conn.send(reply)
    except OSError:
        # The parent is gone (it removes the parts when it ends normally): leave none behind,
        # as they hold client names, and full ID numbers when the export shows them.
        for path in (p for p in job.paths if p != Path()):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def read_in_state(
    conn: Connection,
    url: URL,
    head: tuple[Any, ...] | None,
    snapshot: str | None,
    read: Callable[[Any], tuple[Any, ...]],
) -> tuple[Any, ...]:
    """In a second process: `read(db)`'s reply, read on a connection to the store at `url`
    in the state the parent reads (its PostgreSQL `snapshot`; on SQLite, the newest entry
    must be its `head`, and the parent compares data_version once told ("snapshot",) that
    this state is fixed). ("moved", head) when the newest entry is not the parent's."""
    from suitcheck.store.engine import create_store_engine, reading_engine

    engine = create_store_engine(url)
    try:
        with reading_engine(engine).connect() as db, db.begin():
            if snapshot is not None:
                if not _SNAPSHOT_ID.fullmatch(snapshot):
                    return ("failed", "malformed snapshot")
                db.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            seen = read_head(db)
            if seen != head:
                return ("moved", seen)
            conn.send(("snapshot",))  # this transaction's state is fixed: the parent may compare
            return read(db)
    finally:
        engine.dispose()


def _write(conn: Connection, db: Any, job: _Job) -> tuple[Any, ...]:
    result = db.execution_options(stream_results=True).exec_driver_sql(job.sql, job.params)
    rows = itertools.chain.from_iterable(result.partitions(_BATCH))
    data, entries, displays = job.paths
    with data.open("wb") as d, entries.open("wb") as e, displays.open("wb") as s:
        summary = write_part(rows, job.fmt, job.mask_id, d, e, s, lambda n: conn.send(("progress", n)))
    return ("done", summary)


class SecondProcess:
    """This process's side of a second one started with "spawn": its messages
    (("progress", n), ("snapshot",), then one final reply, or ("ended",) when it died
    without one), and stopping it.

    `same_state` (SQLite): asked once the second process has fixed its state, whether
    nothing was committed since before this process's read transaction began
    (store.commit_counter); `changed` says when it was not."""

    def __init__(self, same_state: Callable[[], bool] | None = None) -> None:
        self._same_state = same_state
        self.changed = False  # a commit fell between this process's state and the second one's
        self._process: Any = None
        self._conn: Connection | None = None
        self._count = 0
        self._final: tuple[Any, ...] | None = None

    def launch(self, target: Callable[[Connection, Any], None], job: Any, name: str) -> None:
        """Start `target(pipe, job)` in a spawned process (OSError when it cannot start)."""
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=target, args=(child, job), name=name, daemon=True)
        try:
            process.start()
        except OSError:
            parent.close()
            raise
        finally:
            child.close()
        self._process, self._conn = process, parent

    def _receive(self, timeout: float) -> None:
        """Read what the process has sent within `timeout` seconds."""
        conn = self._conn
        if conn is None or self._final is not None:
            return
        try:
            while conn.poll(timeout):
                message = conn.recv()
                if message[0] == "progress":
                    self._count = message[1]
                    timeout = 0
                elif message[0] == "snapshot":
                    self.changed = self._same_state is not None and not self._same_state()
                    timeout = 0
                else:
                    self._final = message
                    return
        except (EOFError, OSError):
            self._final = ("ended",)

    def done(self) -> int:
        self._receive(0)
        return self._count

    def wait(self, waiting: Callable[[], None] | None = None, timeout: float | None = None) -> tuple[Any, ...]:
        """Its final reply, calling `waiting` now and then; ("ended",) when it died without
        one, or was given up after `timeout` seconds (then it is stopped)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._final is None:
            self._receive(0.2)
            if self._final is None and (self._process is None or not self._process.is_alive()):
                self._receive(0)  # a last message sent just before it ended
                if self._final is None:
                    self._final = ("ended",)
            if self._final is None and deadline is not None and time.monotonic() >= deadline:
                self._final = ("ended",)
                self.stop()
            if waiting is not None:
                waiting()
        return self._final

    def stop(self) -> None:
        process, conn = self._process, self._conn
        self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)


class ExportWorker(SecondProcess):
    """The second process of a split export (audit.export.Part)."""

    def __init__(
        self, job: _Job, rest: Callable[[], Iterable[SourceRow]], same_state: Callable[[], bool] | None = None
    ) -> None:
        super().__init__(same_state)
        self._job, self._rest = job, rest
        self.summary: PartSummary | None = None  # what the part held, once it is used

    @classmethod
    def prepare(
        cls,
        url: URL,
        statement: tuple[str, Any],
        head: tuple[Any, ...] | None,
        snapshot: str | None,
        fmt: str,
        mask_id: Callable[[str | None], str | None] | None,
        rest: Callable[[], Iterable[SourceRow]],
        same_state: Callable[[], bool] | None = None,
    ) -> ExportWorker:
        """`same_state` (SQLite): asked once the second process has fixed its state,
        whether nothing was committed since before this process's read transaction began
        (store.commit_counter); if not, its part is not used."""
        sql, params = statement
        return cls(_Job(url, sql, params, head, snapshot, fmt, mask_id), rest, same_state)

    def start(self, data: Path, entries: Path, displays: Path) -> None:
        job = dataclasses.replace(self._job, paths=(data, entries, displays))
        try:
            self.launch(_worker_main, job, "suitcheck-export")
        except OSError as exc:
            raise ExportError(f"The export's second process could not be started: {exc}.") from exc

    def finish(self, waiting: Callable[[], None] | None) -> PartSummary | None:
        final = self.wait(waiting)
        kind = final[0]
        if kind == "done" and self.changed:  # the head alone misses a commit with no entry (a migration)
            self._process.join(5)
            log.info("the store changed before the export's second process read it; writing its part here")
            self._count = 0
            return None
        if kind == "done":
            self._process.join(5)
            self.summary = final[1]
            return self.summary
        self.stop()
        if kind == "moved":
            log.info("the store changed before the export's second process read it; writing its part here")
            self._count = 0
            return None
        if kind == "unwritable":
            reason = final[1]
            raise ExportError(f"The export's second process could not write its part: {reason}; nothing was written.")
        if kind == "failed":
            error = final[1]
            raise ExportError(f"The export's second process failed ({error}); nothing was written.")
        status = self._process.exitcode if self._process is not None else None
        raise ExportError(f"The export's second process ended early (exit status {status}); nothing was written.")

    def rest(self) -> Iterable[SourceRow]:
        return self._rest()
