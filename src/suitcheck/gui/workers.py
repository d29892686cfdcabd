"""Run service calls off the GUI thread (QThreadPool) and deliver results by signal.

Lifetimes are kept simple on purpose: a Job is a plain Python object (never a QRunnable
the pool could still touch after we drop it). A worker thread touches no object of a
window: it reports to the one Courier, a QObject of the application that outlives every
window, and the Courier, on the GUI thread, hands the answer to the Runner that started
the job, a QObject that lives as long as its window. An answer that arrives after the
window (and its Runner) is gone is dropped there; what the job recorded stays recorded.
(The worker once emitted on the Runner itself: a window deleted meanwhile, its dialog
closed and deleted or the session ended, was freed under the emit and the program crashed.)

Nor does a worker thread let go of anything the caller gave it. A job's function is often
a window's method or a closure over a window, and an exception's traceback holds the
frames that ran it: were the worker the last to hold them (the window closed meanwhile),
the window would be destroyed on the worker thread, its timers stopped from the wrong
thread, and the program could crash. So the worker leaves the function, its arguments and
what came of them with the Courier before it says the job ended, holds none of them when
it says so, and the Courier lets go of them on the GUI thread.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

Progress = Callable[[int, int, Any], None]


class Job:
    """One background call. With `with_progress`, `fn` also receives `progress(n, total,
    item)` and `cancelled()` keyword arguments. A job runs once."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False, **kwargs: Any) -> None:
        self._call: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None = (fn, args, kwargs)
        self._with_progress = with_progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def execute(self, line: Line) -> None:
        """Run on a worker thread. Everything of the caller's (the function, its arguments,
        the result or the exception and its traceback) goes to `line.leave`, and this frame
        lets go of it before `line.ended()`: the worker is never the last to hold it."""
        call, self._call = self._call, None
        if call is None:
            line.leave(("failed", RuntimeError("a background job was started twice"), None))
            line.ended()
            return
        fn, args, kwargs = call
        kwargs = dict(kwargs)
        if self._with_progress:
            kwargs["progress"] = lambda n, total, item=None: line.progress((n, total, item))
            kwargs["cancelled"] = self._cancel.is_set
        try:
            line.leave(("done", fn(*args, **kwargs), call))
        except Exception as exc:
            if not _expected(exc):
                log.exception("background job failed")
            line.leave(("failed", exc, call))
        del fn, args, kwargs, call
        line.ended()


def _expected(exc: BaseException) -> bool:
    from suitcheck.services.errors import ServiceError

    return isinstance(exc, ServiceError)


class Pool(Protocol):
    def start(self, fn: Callable[[], None]) -> None: ...

    def waitForDone(self, msecs: int = ...) -> bool: ...


Callbacks = tuple[Callable[[Any], None], Callable[[BaseException], None], Progress | None]


class Line:
    """A worker's line to the Courier for one job (made on the GUI thread)."""

    def __init__(self, courier: _Courier, job_id: int) -> None:
        self._courier, self._job_id = courier, job_id

    def _say(self, kind: str, args: tuple[Any, ...]) -> None:
        # Only once the program is ending (the application gone) is the courier gone.
        if shiboken6.isValid(self._courier):
            with contextlib.suppress(RuntimeError):
                self._courier._event.emit(self._job_id, kind, args)

    def progress(self, args: tuple[Any, ...]) -> None:
        self._say("progress", args)

    def leave(self, outcome: tuple[str, Any, Any]) -> None:
        """("done", result, baggage) or ("failed", exception, baggage): kept for the GUI
        thread, which alone lets go of it."""
        self._courier.left[self._job_id] = outcome

    def ended(self) -> None:
        self._say("ended", ())


class _Courier(QObject):
    """The one object worker threads report to: the application's, so never deleted under
    a worker's emit while the program runs. It delivers each report, on the GUI thread, to
    the job's Runner if that is still there, and drops it otherwise."""

    _event = Signal(int, str, object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.pending: dict[int, tuple[Runner, Callbacks]] = {}
        # What ended jobs left, written by workers and taken only here, on the GUI thread.
        self.left: dict[int, tuple[str, Any, Any]] = {}
        self._event.connect(self._dispatch)

    def line_for(self, job_id: int) -> Line:
        return Line(self, job_id)

    def _dispatch(self, job_id: int, kind: str, args: tuple[Any, ...]) -> None:
        if kind == "progress":
            entry = self.pending.get(job_id)
            outcome = None
        else:
            entry = self.pending.pop(job_id, None)
            outcome = self.left.pop(job_id, None)
        if entry is None:
            return
        runner, (on_done, on_failed, on_progress) = entry
        if not shiboken6.isValid(runner):  # its window was deleted: nothing of it to answer
            self.pending.pop(job_id, None)
            return
        if kind == "progress":
            if on_progress is not None:
                on_progress(*args)
        elif outcome is not None:
            how, value, _baggage = outcome
            (on_done if how == "done" else on_failed)(value)


_courier: _Courier | None = None


def _the_courier() -> _Courier:
    """Made on the GUI thread with the first Runner, as a child of the application."""
    global _courier
    app = QCoreApplication.instance()
    if _courier is None or not shiboken6.isValid(_courier) or _courier.parent() is not app:
        if app is None:
            raise RuntimeError("background jobs need the Qt application first")
        _courier = _Courier(app)
    return _courier


class Runner(QObject):
    """Starts jobs on the global pool and calls back on the GUI thread, as long as this
    runner (a child of its window) exists."""

    _ids = itertools.count(1)

    def __init__(self, owner: QObject | None = None, pool: Pool | None = None) -> None:
        super().__init__(owner)
        self._pool: Pool = pool or QThreadPool.globalInstance()
        self._courier = _the_courier()

    def start(
        self,
        job: Job,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_progress: Progress | None = None,
    ) -> Job:
        job_id = next(self._ids)
        self._courier.pending[job_id] = (self, (on_done, on_failed, on_progress))
        line = self._courier.line_for(job_id)
        self._pool.start(lambda: job.execute(line))
        return job

    def busy(self) -> bool:
        return any(runner is self for runner, _ in self._courier.pending.values())

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


class GuiThreadCollector(QObject):
    """Python's cycle collector, run on the GUI thread only, while the desk runs.

    Left to itself the collector runs on whichever thread allocates when its counts are
    due, a worker's as often as not, and frees there whatever garbage cycles it finds: a
    closed window caught in a cycle of its own (a helper object pointing back at it) would
    be destroyed on a worker thread, which Qt does not allow. So the automatic collector is
    turned off and this timer on the GUI thread collects instead, by the same thresholds
    (the pattern pyqtgraph and others use). Reference counting still frees everything that
    is not in a cycle at once, on any thread; a worker that makes cycles for minutes keeps
    them until the next tick (the timer runs whenever the window's event loop does).
    """

    INTERVAL_MS = 1000

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(self.INTERVAL_MS)

    def collect_due(self) -> None:
        """Collect the generations whose counts are past their thresholds, as the
        automatic collector would have."""
        (c0, c1, c2), (t0, t1, t2) = gc.get_count(), self._thresholds
        if t0 == 0 or c0 <= t0:  # a threshold of 0 turns collection off
            return
        gc.collect(2 if c2 > t2 else 1 if c1 > t1 else 0)

    def stop(self) -> None:
        """The automatic collector back as it was (the desk's event loop has ended)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
