"""Export the audit log (XLSX, CSV, JSON Lines) with its signed manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.codes import ExportFormat
from suitcheck.domain.text import escape_controls
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import message_text
from suitcheck.gui.session import when_present
from suitcheck.gui.widgets import ERROR_COLOUR, dialog_buttons, qdate
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter, export_warning

# Format names are the same in every language; the first is the default.
FORMAT_LABELS = {
    ExportFormat.XLSX: "Excel (.xlsx)",
    ExportFormat.CSV: "CSV (.csv)",
    ExportFormat.JSONL: "JSON Lines (.jsonl)",
}


class ExportDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, flt: AuditFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.job: Job | None = None
        self.setWindowTitle(self.tr("Export audit log"))
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for fmt, label in FORMAT_LABELS.items():
            self.format.addItem(label, fmt.value)
        self.since = QDateEdit(QDate.fromString(str(flt.since or self.services.ctx.shown_today()), "yyyy-MM-dd"), self)
        self.until = QDateEdit(QDate.fromString(str(flt.until or self.services.ctx.shown_today()), "yyyy-MM-dd"), self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.all_time = QCheckBox(self.tr("Whole chain (no date range)"), self)
        self.all_time.setObjectName("allTime")
        self.all_time.toggled.connect(self._all_time)
        self.full_ids = QCheckBox(self.tr("Full ID numbers (for regulators; compliance only)"), self)
        self.destination = QLineEdit(
            str(Path.home() / f"suitcheck-audit-{self.services.ctx.shown_today():%Y%m%d}.xlsx"), self
        )
        self.destination.setObjectName("destination")
        self.format.currentIndexChanged.connect(self._suffix)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        dest = QHBoxLayout()
        dest.addWidget(self.destination, 1)
        dest.addWidget(browse)
        self.message = QLabel(self)
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format)
        form.addRow(self.tr("From:"), self.since)
        form.addRow(self.tr("To:"), self.until)
        form.addRow("", self.all_time)
        form.addRow("", self.full_ids)
        form.addRow(self.tr("Save to:"), dest)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        self.box = dialog_buttons(self, self.tr("Export"))
        layout.addWidget(self.box)
        self._filter = flt

    def _all_time(self, on: bool) -> None:
        self.since.setEnabled(not on)
        self.until.setEnabled(not on)

    def _suffix(self) -> None:
        path = Path(self.destination.text())
        self.destination.setText(str(path.with_suffix("." + self.format.currentData())))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save export as"), self.destination.text())
        if path:
            self.destination.setText(path)

    def accept(self) -> None:
        fmt = ExportFormat(self.format.currentData())
        flt = AuditFilter(
            since=None if self.all_time.isChecked() else qdate(self.since),
            until=None if self.all_time.isChecked() else qdate(self.until),
            staff=self._filter.staff,
            decision=self._filter.decision,
            action=self._filter.action,
        )
        out = Path(self.destination.text()).expanduser()
        self.progress.setVisible(True)
        self.box.setEnabled(False)
        self.message.setText(self.tr("Exporting…"))
        job = Job(self.services.audit.export, self.actor, out, fmt, flt, full_id_numbers=self.full_ids.isChecked())
        self.job = self.runner.start(job, self._done, self._failed)

    def running_work(self) -> str | None:
        """For the lock screen: an export cannot stop halfway; it finishes as the starter's."""
        if self.job is None:
            return None
        return self.tr(
            "Exporting the audit log: it finishes if you switch user, and is recorded as {user}'s; "
            "the file is written whole or not at all."
        ).format(user=escape_controls(self.actor.username))

    def _done(self, manifest: dict[str, Any]) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.box.setEnabled(True)
        self.manifest = manifest
        said = self.tr("Exported {n} entries to {file} with its manifest.").format(
            n=manifest["count"], file=escape_controls(self.destination.text())
        )
        warning = export_warning(manifest)
        if warning is not None:  # the trail failed verification: the file says so, and will not verify
            said += "\n\n" + escape_controls(message_text(warning))  # one sentence: no line of the trail's own
        self.message.setStyleSheet("" if warning is None else f"color: {ERROR_COLOUR};")
        self.message.setText(said)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setVisible(False)
        self.box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.box.setEnabled(True)
        self.message.setText("")
        when_present(self, lambda: show_error(self, exc))

    def reject(self) -> None:
        """Escape and the close button, like Cancel (greyed out meanwhile), wait for an export
        under way: it cannot stop halfway, and this dialog is where it says how it ended
        (and what the lock screen asks about what still runs)."""
        if self.job is not None:
            return
        super().reject()
