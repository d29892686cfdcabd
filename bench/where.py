"""Where a benchmarked piece of work spends its time, for the rows whose goal is not met:
the issue asks for the split (SQLAlchemy, hashing/sealing, JSON, the disk) beside the figure.

Two views of the same work, each honest about what it can say:

- `cpu_and_wait`: wall time, CPU time (user and system) and what is left, the time spent
  waiting (on fsync, mostly) -- measured without a profiler, so the absolute numbers hold.
- `profile_split`: cProfile's self time of every function, summed by where the function
  lives (SQLite calls, SQLAlchemy, hashing, JSON, file calls, suitcheck's own code). A
  profiler slows Python-level calls more than C calls, so these are shares, not times.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import time
from collections.abc import Callable
from typing import Any

# (category, test on cProfile's (filename, function name)); the first that matches wins.
_RULES: list[tuple[str, Callable[[str, str], bool]]] = [
    ("commit (WAL write + fsync)", lambda f, n: "'commit' of 'sqlite3.Connection'" in n),
    ("SQLite statements", lambda f, n: "sqlite3." in n or "psycopg" in f),
    ("hashing, MACs, signatures", lambda f, n: "_hashlib" in n or "hmac" in f or "cryptography" in n + f),
    ("JSON", lambda f, n: "/json/" in f or "_json" in n),
    ("file calls (key stamp, head record)", lambda f, n: "posix." in n or "io.open" in n),
    ("zip (zlib)", lambda f, n: "zlib" in n or "/zipfile" in f),
    ("XlsxWriter's own Python", lambda f, n: "/xlsxwriter/" in f),
    ("regular expressions, str methods", lambda f, n: "re.Pattern" in n or "'str' objects" in n or "/re/" in f),
    ("SQLAlchemy", lambda f, n: "/sqlalchemy/" in f),
    ("suitcheck's own code", lambda f, n: "/suitcheck/" in f),
]
_OTHER = "other Python (dataclasses, enum, datetime, contextlib, ...)"


def _cpu() -> tuple[float, float]:
    """(user, system) CPU seconds of this process: getrusage counts in microseconds where
    it exists; os.times (clock ticks, 10 ms) elsewhere."""
    try:
        import resource
    except ImportError:
        t = os.times()
        return t.user, t.system
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def cpu_and_wait(work: Callable[[], Any], times: int) -> dict[str, float]:
    """Per call, in seconds: wall, user CPU, system CPU and waiting (wall - CPU)."""
    before, start = _cpu(), time.perf_counter()
    for _ in range(times):
        work()
    wall, after = time.perf_counter() - start, _cpu()
    user, system = (after[0] - before[0]) / times, (after[1] - before[1]) / times
    return {"wall": wall / times, "user": user, "system": system, "wait": max(0.0, wall / times - user - system)}


def profile_split(work: Callable[[], Any], times: int) -> list[tuple[str, float]]:
    """Shares of profiled self time by category, largest first (they add up to 1)."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        for _ in range(times):
            work()
    finally:
        profiler.disable()
    stats: Any = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _cum, _callers) in stats.items():
        path = filename.replace(os.sep, "/")
        category = next((label for label, test in _RULES if test(path, name)), _OTHER)
        totals[category] = totals.get(category, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return sorted(((label, value / whole) for label, value in totals.items()), key=lambda kv: -kv[1])


def describe(timing: dict[str, float], split: list[tuple[str, float]], unit: str = "us") -> str:
    scale = 1e6 if unit == "us" else 1e3
    parts = ", ".join(f"{label} {share:.0%}" for label, share in split if share >= 0.01)
    return (
        f"per call {timing['wall'] * scale:.0f} {unit} wall = CPU {timing['user'] * scale:.0f} {unit} user + "
        f"{timing['system'] * scale:.0f} {unit} system + {timing['wait'] * scale:.0f} {unit} waiting (fsync); "
        f"profiled self time: {parts}"
    )
