"""Write the self-inspection report (PDF) for a period, off the GUI thread: the service
computes the figures, verifies the audit chain and audits the report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
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

from suitcheck.domain.calendar import last_half_year
from suitcheck.domain.text import escape_controls
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import date_edit, error_label, qdate
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.inspection import InspectionResult


class InspectionDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.job: Job | None = None
        self.outcome: InspectionResult | None = None
        self.setWindowTitle(self.tr("Self-inspection report"))
        lo, hi = last_half_year(services.ctx.shown_today())
        self.since = date_edit(self, lo)
        self.since.setObjectName("inspectionFrom")
        self.until = date_edit(self, hi)
        self.until.setObjectName("inspectionTo")
        self.destination = QLineEdit(str(Path.home() / f"self-inspection-{lo:%Y%m%d}-{hi:%Y%m%d}.pdf"), self)
        self.destination.setObjectName("inspectionDestination")
        self.since.dateChanged.connect(self._rename)
        self.until.dateChanged.connect(self._rename)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        dest = QHBoxLayout()
        dest.addWidget(self.destination, 1)
        dest.addWidget(browse)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("inspectionStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it names a file the user chose
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = error_label(self, "inspectionMessage")
        self.open_button = QPushButton(self.tr("Open the PDF"), self)
        self.open_button.setObjectName("inspectionOpen")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self._open)
        form = QFormLayout()
        form.addRow(self.tr("From:"), self.since)
        form.addRow(self.tr("To:"), self.until)
        form.addRow(self.tr("Save as:"), dest)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write report"))
        self.box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        self.box.accepted.connect(self.start)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Decisions, blocks, overrides, findings and assessments over the period, with the audit "
                    "chain verified; to sign and file."
                ),
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.open_button)
        layout.addWidget(self.box)
        self.resize(640, 300)

    def _rename(self) -> None:
        path = Path(self.destination.text())
        name = f"self-inspection-{qdate(self.since):%Y%m%d}-{qdate(self.until):%Y%m%d}.pdf"
        if path.name.startswith("self-inspection-"):
            self.destination.setText(str(path.with_name(name)))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the report as"), self.destination.text(), self.tr("PDF files (*.pdf)")
        )
        if path:
            self.destination.setText(path)

    def start(self) -> None:
        if self.job is not None:
            return
        out = Path(self.destination.text()).expanduser()
        self.message.clear()
        self.open_button.setVisible(False)
        self.progress.setVisible(True)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.status.setText(self.tr("Counting and verifying the audit trail…"))
        job = Job(self.services.inspection.write, self.actor, qdate(self.since), qdate(self.until), out)
        self.job = self.runner.start(job, self._done, self._failed)

    def running_work(self) -> str | None:
        """For the lock screen: the report cannot stop halfway; it finishes as the starter's."""
        if self.job is None:
            return None
        return self.tr(
            "Writing the self-inspection report: it finishes if you switch user, and is recorded as {user}'s; "
            "the PDF is written whole or not at all."
        ).format(user=escape_controls(self.actor.username))

    def _done(self, result: InspectionResult) -> None:
        self.job = None
        self.outcome = result
        self.progress.setVisible(False)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        verified = self.tr("verified") if result.data.verification_ok else self.tr("VERIFICATION FAILED")
        self.status.setText(
            self.tr("{n} decisions; audit chain {verified}. Written to {path}").format(
                n=result.data.decisions_total, verified=verified, path=result.path
            )
        )
        self.open_button.setVisible(True)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.status.clear()
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.message.setText(error_text(exc) if isinstance(exc, ServiceError) else str(exc))

    def _open(self) -> None:
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.path)))

    def reject(self) -> None:
        if self.job is not None:
            return  # the report is being written; it finishes (or fails) on its own
        super().reject()
