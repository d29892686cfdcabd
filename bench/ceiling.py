"""The ceiling of the one large idea left for audited checks (issue 16's row "audited
checks vs raw insert+commit", goal >= 50%).

A check spends most of its time in Python (bench row "audited check: where the time
goes"), and all of it inside SQLite's write lock, so one process makes one check at a
time. The idea: decide on a read snapshot outside the lock, then take the lock only to
re-read the rows the decision used, append the entry and commit; two processes share a
batch, so one decides while the other commits.

This module measures the best that idea could do on this machine, without building it:
each of two processes spends a check's own measured CPU time (a busy loop) outside the
lock, then, holding a lock shared with the other process (an ideal hand-over: no SQLite
busy-handler sleeps), re-reads the staff, client, report and newest policy rows with plain
sqlite3, inserts a check's audit row into a copy of audit_entry with its indexes, and
commits with the store's durability settings. Nothing suitcheck does inside the lock
today (seal checks, entry hash and MAC, the head record) is counted, so the real thing
would be slower than this ceiling, never faster.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from typing import Any

_REREAD = (
    "SELECT * FROM staff WHERE id = ?",
    "SELECT * FROM investor WHERE id = ?",
    "SELECT * FROM report WHERE id = ?",
    "SELECT * FROM policy ORDER BY version DESC LIMIT 1",
)


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _worker(
    db: str, insert: str, row: list[Any], first_seq: int, step: int, n: int, outside_s: float, lock: Any, out: Any
) -> None:
    conn = sqlite3.connect(db, isolation_level=None, timeout=60)
    conn.execute("PRAGMA synchronous=FULL")
    row = list(row)
    start = time.perf_counter()
    for i in range(n):
        _spin(outside_s)  # deciding on a snapshot: a check's own Python, outside the lock
        client = (i % 900) + 1
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            for sql, key in zip(_REREAD, (1, client, 1, None), strict=True):
                conn.execute(sql, () if key is None else (key,)).fetchall()
            row[0], row[4] = first_seq + i * step, client
            conn.execute(insert, row)
            conn.execute("COMMIT")
    out.put(time.perf_counter() - start)
    conn.close()


def rates(db: str, insert: str, row: list[Any], outside_s: float, n: int) -> tuple[float, float]:
    """Checks per second of the idealised design with one process and with two."""
    ctx = multiprocessing.get_context("spawn")
    lock, out = ctx.Lock(), ctx.Queue()
    found: list[float] = []
    first = 10_000_000
    for procs in (1, 2):
        workers = [
            ctx.Process(target=_worker, args=(db, insert, row, first + k, procs, n, outside_s, lock, out))
            for k in range(procs)
        ]
        for w in workers:
            w.start()
        times = [out.get(timeout=600) for _ in workers]
        for w in workers:
            w.join()
        found.append(procs * n / max(times))
        first += 10_000_000
    return found[0], found[1]
