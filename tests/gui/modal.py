"""Drive a modal dialog that a click opens with exec(): the test says what to do in it
before the click, and it runs inside the dialog's own event loop."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

MAX_TRIES = 500  # polls of the event loop (not a time limit): the dialog is up long before


def on_next_modal(action: Callable[[QWidget], None], seen: list[QWidget] | None = None) -> None:
    """Run `action(dialog)` on the next modal dialog shown. If the action fails, the dialog
    is closed so that the test fails instead of waiting forever in exec()."""
    tries = 0

    def run() -> None:
        nonlocal tries
        dialog = QApplication.activeModalWidget()
        if dialog is None or (seen is not None and dialog in seen):
            tries += 1
            if tries < MAX_TRIES:
                QTimer.singleShot(1, run)
            return
        if seen is not None:
            seen.append(dialog)
        try:
            action(dialog)
        except BaseException:
            dialog.close()
            raise

    QTimer.singleShot(0, run)
