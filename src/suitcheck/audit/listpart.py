"""One part of a long list written by a second process, so a list of a million clients uses
both of a desktop's cores: the worker reads its id range of the list's statement (the
list columns, each row's seal message and seal) from the SQLite file, confirms each row's
seal as the writing process does (rowmac), writes the confirmed rows with csv.writer to a
part file the caller made in the target folder, and notes where each row it could not
confirm would go, for the caller to judge (RowSealer.ok) and insert. The caller appends
the part after its own rows: the file is byte for byte the one a single process writes.

The worker is started with the "spawn" method, as the report reader is (the same on every
platform and in the frozen build). It imports only the standard library and this package's
rowmac, so it starts in a tenth of a second. The row HMAC key goes to it over the pipe,
never on a command line, in the environment or in a file.

Messages from the worker: ("snapshot",) once its statement has started (its read snapshot
is fixed from then on: the caller checks the store did not change since its own began),
then ("done", count, pending, sha256 of the part's bytes) or ("error", text). The part
file sits in the target folder until it is appended: the caller appends it only if its
bytes are the ones the worker wrote.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from operator import itemgetter
from pathlib import Path
from typing import Any

from suitcheck.audit.rowmac import MacMany, seal_heads, seals_match
from suitcheck.store.sqlitetext import sqlite_text

log = logging.getLogger(__name__)

BLOCK = 1 << 20


class ListPartError(Exception):
    """The worker failed or stopped (what happened is in the log); its part is gone."""


class ListPartChanged(ListPartError):
    """The part file's bytes are not those the worker wrote (changed in the folder)."""


# -- the worker process -------------------------------------------------------------------


def _worker_main(pipe: Connection) -> None:
    # The parent handles Ctrl+C (and cancels); the worker ends when done or killed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    part = None
    try:
        job = pipe.recv()
        part = job["part"]
        count, pending, sha256 = _write_part(pipe, **job)
        pipe.send(("done", count, pending, sha256))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which says one sentence
        try:
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            # The parent is gone (it removes the part when it ends normally): leave none behind.
            if part is not None:
                with contextlib.suppress(OSError):
                    os.unlink(part)
    finally:
        pipe.close()


def _write_part(
    pipe: Connection, *, database: str, sql: str, chain: str, key: bytes, part: str, width: int, chunk: int
) -> tuple[int, list[tuple[int, int]], str]:
    db = sqlite3.connect(database, isolation_level=None, timeout=30)
    db.text_factory = sqlite_text  # as the parent reads the first half
    try:
        db.execute("PRAGMA query_only = 1")
        # Python's sqlite3 steps a statement once at execute: its snapshot is fixed now.
        cursor = db.execute(sql)
        pipe.send(("snapshot",))
        macs = MacMany(key)
        project = itemgetter(*range(width))
        messages, seals_of = itemgetter(width), itemgetter(width + 1)
        count, pending = 0, []
        hashed = _HashingFile(part)
        with io.BufferedWriter(hashed, BLOCK) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            writer = csv.writer(text)
            while rows := cursor.fetchmany(chunk):
                matched = seals_match(list(map(seals_of, rows)), seal_heads(chain, macs, map(messages, rows)))
                if all(matched):
                    writer.writerows(map(project, rows))
                    count += len(rows)
                    continue
                for row, ok in zip(rows, matched, strict=True):
                    if ok:
                        writer.writerow(project(row))
                        count += 1
                    else:
                        text.flush()
                        pending.append((raw.tell(), row[0]))
        return count, pending, hashed.sha256.hexdigest()
    finally:
        db.close()


class _HashingFile(io.RawIOBase):
    """The part file, hashing every byte written to it."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "wb", buffering=0)  # noqa: SIM115 - closed by close()
        self.sha256 = hashlib.sha256()
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        written = self._file.write(data) or 0
        self.sha256.update(memoryview(data)[:written])
        self._position += written
        return written

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


# -- the parent side ----------------------------------------------------------------------


class ListPart:
    """A worker writing one part of a list; use as a context manager: leaving it stops the
    worker if it still runs and removes the part file, whatever happened."""

    def __init__(self, folder: Path, name: str) -> None:
        import tempfile

        fd, path = tempfile.mkstemp(prefix=f".{name}.part.", dir=folder)
        os.close(fd)
        self.path = Path(path)
        self.snapshot_taken = False
        self.result: tuple[int, list[tuple[int, int]]] | None = None
        self._sha256 = ""
        self._process: Any = None
        self._pipe: Connection | None = None

    def start(self, *, database: str, sql: str, chain: str, key: bytes, width: int, chunk: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, args=(child,), name="suitcheck-list-part", daemon=True)
        try:
            process.start()
        except OSError as exc:
            log.error("the list's worker process could not be started: %s", exc)
            raise ListPartError from exc
        finally:
            child.close()
        self._process, self._pipe = process, parent
        parent.send(
            {"database": database, "sql": sql, "chain": chain, "key": key, "part": str(self.path)}
            | {"width": width, "chunk": chunk}
        )

    def poll(self, timeout: float = 0.0) -> None:
        """Take the worker's messages that have arrived (waiting up to `timeout` for one)."""
        pipe = self._pipe
        if pipe is None or self.result is not None:
            return
        try:
            while pipe.poll(timeout):
                timeout = 0.0
                message = pipe.recv()
                if message[0] == "snapshot":
                    self.snapshot_taken = True
                elif message[0] == "done":
                    self.result = (message[1], message[2])
                    self._sha256 = message[3]
                    return
                else:
                    log.error("the list's worker process failed: %s", message[1])
                    raise ListPartError
        except (EOFError, OSError) as exc:
            process = self._process
            if process is not None:
                process.join(1)
            log.error("the list's worker process stopped (exit status %s)", process.exitcode if process else None)
            raise ListPartError from exc

    def blocks(self, pending_rows: Callable[[int], bytes | None]) -> Iterator[tuple[bytes, int]]:
        """The finished part as (bytes, rows) pieces, with each row the worker could not
        confirm put back where it belongs if `pending_rows(id)` gives its CSV line.
        ListPartChanged at its end unless the part's bytes are those the worker wrote."""
        assert self.result is not None
        count, pending = self.result
        position, digest = 0, hashlib.sha256()
        with open(self.path, "rb") as part:
            for offset, client in [*pending, (None, None)]:
                while offset is None or position < offset:
                    data = part.read(BLOCK if offset is None else min(BLOCK, offset - position))
                    if not data:
                        break
                    position += len(data)
                    digest.update(data)
                    yield data, 0
                if client is not None and (line := pending_rows(client)) is not None:
                    yield line, 1
        if digest.hexdigest() != self._sha256:
            log.error("the list's part file %s changed after its worker wrote it", self.path)
            raise ListPartChanged
        yield b"", count

    def stop(self) -> None:
        process, pipe = self._process, self._pipe
        self._process = self._pipe = None
        if pipe is not None:
            pipe.close()
        if process is not None:
            if self.result is not None:
                process.join(5)  # it said done: let it end by itself
            if process.is_alive():
                process.kill()
            process.join(5)

    def __enter__(self) -> ListPart:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:  # never hides what ended the list; the name starts with a dot
            log.warning("the list's part file %s could not be removed: %s", self.path, exc)
