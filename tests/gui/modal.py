"""Drive a modal dialog that a click opens with exec(): the test says what to do in it
before the click, and it runs inside the dialog's own event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

MAX_TRIES = 500  # polls of the event loop (not a time limit): the dialog is up long before
_POLLING: list[list[bool]] = []  # a flag per poll (on_next_modal, when_visible) still waiting for its window


def on_next_modal(action: Callable[[QWidget], None], seen: list[QWidget] | None = None) -> None:
    """Run `action(dialog)` on the next modal dialog shown. If the action fails, the dialog
    is closed so that the test fails instead of waiting forever in exec(). The poll ends
    with its test (stop_polls), as when_visible's does: one whose dialog never came (a test
    that expects none) closed the next test's login screen."""
    tries = 0
    polling = [True]
    _POLLING.append(polling)

    def run() -> None:
        nonlocal tries
        if not polling[0]:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is None or (seen is not None and dialog in seen):
            tries += 1
            if tries < MAX_TRIES:
                QTimer.singleShot(1, run)
            return
        polling[0] = False
        if seen is not None:
            seen.append(dialog)
        try:
            action(dialog)
        except BaseException:
            dialog.close()
            raise

    QTimer.singleShot(0, run)


def when_visible(kind: type, act: Callable[[Any], object]) -> None:
    """Run `act(window)` on the first visible top-level window of `kind` once it is up
    (dialogs run modal, windows come up after a worker's answer). The poll ends with its
    test (stop_polls, conftest): one whose window never came (the test failed first, or
    the flow took another way) acted on a later test's window of that kind in the same
    process -- it typed 'admin' into a login screen another test was driving."""
    polling = [True]
    _POLLING.append(polling)

    def poll() -> None:
        if not polling[0]:
            return
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            polling[0] = False
            act(found[0])
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def stop_polls() -> None:
    for polling in _POLLING:
        polling[0] = False
    _POLLING.clear()
