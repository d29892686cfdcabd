"""Run service calls off the GUI thread (QThreadPool) and deliver results by signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, object)


class Job(QRunnable):
    """One background call. `fn` receives `progress(n, total, item)` and `cancelled()`
    keyword arguments when `with_progress` is set."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.signals = _Signals()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._with_progress = with_progress
        self._cancel = threading.Event()
        self.setAutoDelete(False)  # the caller keeps a reference until `done`/`failed`

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        kwargs = dict(self._kwargs)
        if self._with_progress:
            kwargs["progress"] = lambda n, total, item=None: self.signals.progress.emit(n, total, item)
            kwargs["cancelled"] = self._cancel.is_set
        try:
            result = self._fn(*self._args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - delivered to the GUI thread, shown there
            if not _expected(exc):
                log.exception("background job failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def _expected(exc: BaseException) -> bool:
    from suitcheck.services.errors import ServiceError

    return isinstance(exc, ServiceError)


class Runner:
    """Keeps jobs alive until they finish; one per window. Results that arrive after the
    owning window was destroyed are dropped instead of touching deleted widgets."""

    def __init__(self, owner: QObject | None = None, pool: QThreadPool | None = None) -> None:
        self._owner = owner
        self._pool = pool or QThreadPool.globalInstance()
        self._jobs: set[Job] = set()

    def _alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    def start(self, job: Job, on_done: Callable[[Any], None], on_failed: Callable[[BaseException], None]) -> Job:
        self._jobs.add(job)

        def done(result: Any) -> None:
            self._jobs.discard(job)
            if self._alive():
                on_done(result)

        def failed(exc: BaseException) -> None:
            self._jobs.discard(job)
            if self._alive():
                on_failed(exc)

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        self._pool.start(job)
        return job

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)
