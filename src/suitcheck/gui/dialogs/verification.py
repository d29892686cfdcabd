"""Verify the audit chain or an export file, and say the verdict plainly.

Either reads every entry (a large store or an XLSX export takes minutes), so the work
runs off the GUI thread behind a small modal "verifying" window: the desk keeps
painting, the idle lock can still cover it, and a logout ends the wait (the verification
then finishes and is recorded, and its verdict is dropped with the window).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.text import escape_controls
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import message_text
from suitcheck.gui.session import session_over
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services

T = TypeVar("T")


class VerifyingDialog(QDialog):
    """A modal wait for one verification: a busy bar and a sentence, no way to close it
    (a verification cannot be stopped halfway) but the session ending (`done`)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifyingDialog")
        self.setWindowTitle(QCoreApplication.translate("Audit", "Audit verification"))
        self.setModal(True)
        self.runner = Runner(self)
        self.outcome: tuple[bool, Any] | None = None
        label = QLabel(text, self)
        label.setObjectName("verifyingText")
        label.setWordWrap(True)
        bar = QProgressBar(self)
        bar.setRange(0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(bar)
        self.setMinimumWidth(380)

    def run(self, job: Job) -> tuple[bool, Any] | None:
        """(True, result), (False, exception), or None when the session ended first."""
        self.runner.start(job, lambda result: self._finish(True, result), lambda exc: self._finish(False, exc))
        self.exec()
        return self.outcome

    def _finish(self, ok: bool, value: Any) -> None:
        self.outcome = (ok, value)
        self.accept()

    def reject(self) -> None:  # Esc: the verification goes on, and so does the wait
        if self.outcome is not None:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.outcome is None:
            event.ignore()
        else:
            super().closeEvent(event)


def _verified(parent: QWidget, text: str, fn: Callable[..., T], *args: Any) -> T | None:
    """`fn(*args)` off the GUI thread behind the wait; a failure is shown (a service's
    refusal in its own words) and None returned, as it is when the session ended first."""
    outcome = VerifyingDialog(text, parent).run(Job(fn, *args))
    if outcome is None or session_over(parent):
        return None  # the session ended (logout, switch user) first: its verdict goes with it
    ok, value = outcome
    if ok:
        return value  # type: ignore[no-any-return]
    show_error(parent, value)
    return None


def _verdict_box(parent: QWidget, ok: bool, text: str, detail: str) -> None:
    box = QMessageBox(parent)
    box.setObjectName("verdictBox")
    box.setIcon(QMessageBox.Icon.Information if ok else QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Audit", "Audit verification"))
    box.setText(text)
    box.setInformativeText(detail)
    box.exec()


def run_verification(services: Services, actor: Actor, parent: QWidget) -> None:
    result = _verified(
        parent,
        QCoreApplication.translate(
            "Audit", "Verifying the audit trail: every entry is read. On a large store this takes a while."
        ),
        services.audit.verify,
        actor,
    )
    if result is None:
        return
    if result.ok:
        _verdict_box(
            parent,
            True,
            QCoreApplication.translate("Audit", "The audit trail is intact."),
            QCoreApplication.translate("Audit", "{n} entries and {c} signed checkpoints verified.").format(
                n=result.count, c=result.checkpoints
            ),
        )
    else:
        # A row of the store that differs from the trail fails no entry (bad_seq is None).
        headline = (
            QCoreApplication.translate("Audit", "The audit trail FAILED verification.")
            if result.bad_seq is None
            else QCoreApplication.translate("Audit", "The audit trail FAILED verification at entry {n}.").format(
                n=result.bad_seq
            )
        )
        _verdict_box(parent, False, headline, escape_controls(message_text(result.problem or "")))


def verify_export_file(services: Services, actor: Actor, path: Path, parent: QWidget) -> None:
    check = _verified(
        parent,
        QCoreApplication.translate(
            "Audit", "Verifying the export file: every row is read. A large file takes a while."
        ),
        services.audit.verify_file,
        actor,
        path,
    )
    if check is None:
        return
    if check.ok:
        _verdict_box(
            parent,
            True,
            QCoreApplication.translate("Audit", "The export is intact."),
            QCoreApplication.translate("Audit", "{n} entries verified; manifest signature: {sig}.").format(
                n=check.result.count, sig=check.signature
            )
            + "\n"
            + escape_controls(message_text(check.scope or ""), keep="\n"),
        )
    else:
        _verdict_box(
            parent,
            False,
            QCoreApplication.translate("Audit", "The export FAILED verification."),
            escape_controls(message_text(check.result.problem or ""))
            or QCoreApplication.translate("Audit", "The manifest signature is invalid."),
        )
