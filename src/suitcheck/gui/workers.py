"""Run service calls off the GUI thread (QThreadPool) and deliver results by signal.

Lifetimes are kept simple on purpose: a Job is a plain Python object (never a QRunnable
the pool could still touch after we drop it), and the signals belong to the Runner, a
QObject that lives on the GUI thread as long as its window. A result that arrives after
the window is gone is dropped.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

Progress = Callable[[int, int, Any], None]


class Job:
    """One background call. With `with_progress`, `fn` also receives `progress(n, total,
    item)` and `cancelled()` keyword arguments."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False, **kwargs: Any) -> None:
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._with_progress = with_progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def execute(self, report: Callable[[str, tuple[Any, ...]], None]) -> None:
        kwargs = dict(self._kwargs)
        if self._with_progress:
            kwargs["progress"] = lambda n, total, item=None: report("progress", (n, total, item))
            kwargs["cancelled"] = self._cancel.is_set
        try:
            result = self._fn(*self._args, **kwargs)
        except Exception as exc:
            if not _expected(exc):
                log.exception("background job failed")
            report("failed", (exc,))
        else:
            report("done", (result,))


def _expected(exc: BaseException) -> bool:
    from suitcheck.services.errors import ServiceError

    return isinstance(exc, ServiceError)


class Pool(Protocol):
    def start(self, fn: Callable[[], None]) -> None: ...

    def waitForDone(self, msecs: int = ...) -> bool: ...


class Runner(QObject):
    """Starts jobs on the global pool and calls back on the GUI thread."""

    _event = Signal(int, str, object)
    _ids = itertools.count(1)

    def __init__(self, owner: QObject | None = None, pool: Pool | None = None) -> None:
        super().__init__(owner)
        self._pool: Pool = pool or QThreadPool.globalInstance()
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None], Progress | None]] = {}
        self._event.connect(self._dispatch)

    def start(
        self,
        job: Job,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_progress: Progress | None = None,
    ) -> Job:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_failed, on_progress)
        emit = self._event.emit

        def report(kind: str, args: tuple[Any, ...]) -> None:
            with contextlib.suppress(RuntimeError):  # the window (and this runner) were closed meanwhile
                emit(job_id, kind, args)

        self._pool.start(lambda: job.execute(report))
        return job

    def _dispatch(self, job_id: int, kind: str, args: tuple[Any, ...]) -> None:
        if kind == "progress":
            callbacks = self._callbacks.get(job_id)
            if callbacks and callbacks[2]:
                callbacks[2](*args)
            return
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is not None:
            (callbacks[0] if kind == "done" else callbacks[1])(args[0])

    def busy(self) -> bool:
        return bool(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)


LOW_PRIORITY_NICE = 10  # Linux: about a tenth of a core's time while the window's work wants it


class ThreadPerJob:
    """What a Runner needs of a pool, giving each job a (daemon) thread of its own: a
    long check still reading neither takes one of the shared pool's few threads (one per
    core, which the window's searches use) nor holds up the program's exit, and a thread
    lowered for one job is never reused for another."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def start(self, fn: Callable[[], None]) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=fn, name="suitcheck-background", daemon=True)
        self._threads.append(thread)
        thread.start()

    def waitForDone(self, msecs: int = -1) -> bool:
        deadline = None if msecs < 0 else time.monotonic() + msecs / 1000
        for thread in list(self._threads):
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)


def low_priority_runner(owner: QObject | None = None) -> Runner:
    """A runner for long background work that must not slow the window (the store's page
    check): each job on a thread of its own; jobs call `lower_this_thread()` first."""
    return Runner(owner, ThreadPerJob())


def lower_this_thread() -> None:
    """Linux keeps a nice value per thread: lower this one's. Only for a thread that runs
    nothing else afterwards (ThreadPerJob's), since it cannot be raised again. Other
    systems keep the thread at normal priority."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            thread = threading.get_native_id()
            now = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, now + LOW_PRIORITY_NICE))
