"""Background jobs must not corrupt the interpreter (a PySide6 6.12.0 bug on Python 3.11)."""

from __future__ import annotations

import gc
import sys

from suitcheck.gui.workers import Job, Runner


def test_background_jobs_keep_refcounts_of_none_and_bools(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    """Each job returns None and delivers a bool; a binding that drops a reference per
    job makes these counts fall until the interpreter aborts ('deallocating None')."""
    runner = Runner()
    results: list[object] = []
    jobs = 300
    for _ in range(jobs):  # warm up pool threads and caches first
        runner.start(Job(lambda: None), results.append, results.append)
    qtbot.waitUntil(lambda: len(results) == jobs, timeout=20_000)
    results.clear()
    # In a full run earlier tests leave garbage whose collection during the window would
    # free thousands of references to None: collect first, and keep the collector off.
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
        for n in range(jobs):
            runner.start(Job(lambda n=n: n % 2 == 0), lambda _: results.append(1), results.append)
        qtbot.waitUntil(lambda: len(results) == jobs, timeout=20_000)
        runner.wait()
        after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    finally:
        gc.enable()
    assert all(a - b > -jobs // 10 for a, b in zip(after, before, strict=True)), (before, after)
