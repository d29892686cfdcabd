"""Verify the audit chain or an export file, and say the verdict plainly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from suitcheck.domain.text import escape_controls
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import message_text
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError


def _verdict_box(parent: QWidget, ok: bool, text: str, detail: str) -> None:
    box = QMessageBox(parent)
    box.setObjectName("verdictBox")
    box.setIcon(QMessageBox.Icon.Information if ok else QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Audit", "Audit verification"))
    box.setText(text)
    box.setInformativeText(detail)
    box.exec()


def run_verification(services: Services, actor: Actor, parent: QWidget) -> None:
    try:
        result = services.audit.verify(actor)
    except ServiceError as exc:
        show_error(parent, exc)
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
        _verdict_box(parent, False, headline, escape_controls(message_text(result.problem or ""), keep="\n"))


def verify_export_file(services: Services, actor: Actor, path: Path, parent: QWidget) -> None:
    try:
        check = services.audit.verify_file(actor, path)
    except ServiceError as exc:
        show_error(parent, exc)
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
            escape_controls(message_text(check.result.problem or ""), keep="\n")
            or QCoreApplication.translate("Audit", "The manifest signature is invalid."),
        )
