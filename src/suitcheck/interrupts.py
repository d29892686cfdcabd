"""Ctrl+C and SIGTERM held back while a record and the file it records are put in place."""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any


class HeldFrom(contextlib.AbstractContextManager["HeldFrom"]):
    """Entered before a file is written beside its target, `hold()` called once the file
    is written, exited after the file took its place. From `hold()` on, Ctrl+C (SIGINT) and
    SIGTERM wait: the audit entry that records the file commits and the file takes its
    place, or neither (an interruption between the two left a trail recording a file the
    user never got). One that came meanwhile is delivered again at the exit, to the
    handlers from before. Writing the file itself stays interruptible. Only the main
    thread receives signals; elsewhere (the desk's workers) this does nothing."""

    _SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._before: dict[int, Any] = {}
        self._pending: list[int] = []

    def hold(self) -> None:
        if self._before or threading.current_thread() is not threading.main_thread():
            return
        for number in self._SIGNALS:
            with contextlib.suppress(ValueError, OSError):  # no such signal here
                self._before[number] = signal.signal(number, self._wait)

    def _wait(self, number: int, _frame: object) -> None:
        self._pending.append(number)

    def __exit__(self, *_exc: object) -> None:
        before, self._before = self._before, {}
        for number, handler in before.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # None: not set from Python
        if self._pending:
            signal.raise_signal(self._pending[0])
