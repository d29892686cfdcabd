"""A dialog whose OK records a change through a service, off the GUI thread.

Every change is recorded with its audit entry, and behind another program's lock on the
store that write waits (up to the store's busy timeout). Made on the GUI thread, the dialog
froze meanwhile, and so did the window behind it. Here the service call runs on a worker:
the dialog says it is saving, its fields are disabled (what is being saved cannot change
under it), and once sent it cannot be taken back halfway: OK again, Cancel and Escape wait
for the answer. A refusal comes back as the dialog's sentence with the fields as they were.

The same holds for a change made by a button beside a list (disable an account, rate the
next report): `record(job, message, done=..., refused=...)` holds the list and its
buttons, and the dialog stays open; what it shows next is read again from the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import error_text
from suitcheck.gui.session import when_present
from suitcheck.gui.workers import Job, Runner
from suitcheck.services.errors import ServiceError

_INPUTS = (QLineEdit, QComboBox, QAbstractButton, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView)
_TEXTS = (QLineEdit, QTextEdit, QPlainTextEdit)


def _held(widget: QWidget) -> bool:
    """An input that could change what is being saved (a read-only text, e.g. a report's
    text or a warning to read, stays readable)."""
    return isinstance(widget, _INPUTS) and not (isinstance(widget, _TEXTS) and widget.isReadOnly())


class RecordingDialog(QDialog):
    """Subclasses call `record(job, message)` from accept(); `recorded` holds what the
    service answered once the dialog is accepted. With `done`, the answer goes to it and
    the dialog stays open; with `refused`, a refusal goes to it instead of `message`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recording = False  # a change is being recorded
        self.recorded: Any = None
        self._ended = False
        self._held: list[QWidget] = []
        self._focus: QWidget | None = None  # where the keyboard was when the change was sent
        self._message: QLabel | None = None
        self._message_style = ""
        self._on_done: Callable[[Any], None] | None = None
        self._on_refused: Callable[[ServiceError], None] | None = None
        self._runner = Runner(self)

    def record(
        self,
        job: Job,
        message: QLabel,
        *,
        done: Callable[[Any], None] | None = None,
        refused: Callable[[ServiceError], None] | None = None,
    ) -> None:
        if self.recording:
            return  # OK (or the list's button) pressed again while the change is being recorded
        self._on_done, self._on_refused = done, refused
        self.recording = True
        self._message, self._message_style = message, message.styleSheet()
        message.setStyleSheet("")  # a word of progress, not the red of a refusal
        message.setText(QCoreApplication.translate("RecordingDialog", "Saving…"))
        buttons = self.findChildren(QDialogButtonBox)
        self._focus = self.focusWidget()
        self._held = [
            w
            for w in self.findChildren(QWidget)
            if _held(w) and w.isEnabled() and not any(box.isAncestorOf(w) for box in buttons)
        ]
        for widget in self._held:
            widget.setEnabled(False)
        self._runner.start(job, self._done_recording, self._not_recorded)

    def _release(self) -> None:
        self.recording = False
        for widget in self._held:
            widget.setEnabled(True)
        self._held = []
        # Holding the focused field or button took the keyboard away (nothing else was
        # enabled to take it): give it back, so that the next key still lands in the dialog.
        focus, self._focus = self._focus, None
        if focus is not None and focus.isEnabled() and focus.isVisible():
            focus.setFocus()
        if self._message is not None:
            self._message.setStyleSheet(self._message_style)
            self._message.clear()

    def _done_recording(self, result: Any) -> None:
        self._release()
        self.recorded = result
        if self._ended:  # the session ended meanwhile (it closed the dialog): nothing to show
            return
        if self._on_done is not None:
            self._on_done(result)
        else:
            super().accept()

    def _not_recorded(self, exc: BaseException) -> None:
        self._release()
        if self._ended:
            return
        if isinstance(exc, ServiceError) and self._on_refused is not None:
            self._on_refused(exc)
        elif isinstance(exc, ServiceError) and self._message is not None:
            self._message.setText(error_text(exc))
        else:
            when_present(self, lambda: show_error(self, exc))  # not expected: logged, an apology

    def done(self, result: int) -> None:
        self._ended = True  # accepted, rejected, or closed with the session (end_session)
        super().done(result)

    def reject(self) -> None:
        if self.recording:
            return  # the change is being recorded: its answer closes the dialog
        super().reject()
