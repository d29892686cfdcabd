"""Write a report's distribution list (every client who may receive it) as XLSX or CSV,
off the GUI thread with progress and cancel; the service audits it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
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

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import breakable, error_label, plain_label
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.errors import LevelConflict, ServiceError
from suitcheck.services.reports import ReportView
from suitcheck.services.tables import Written


class DistributionDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, report: ReportView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("distributionDialog")
        self.services, self.actor, self.report = services, actor, report
        self.runner = Runner(self)
        self.job: Job | None = None
        self.written: Written | None = None
        self.setWindowTitle(self.tr("Distribution list"))
        self.format = QComboBox(self)
        self.format.setObjectName("distributionFormat")
        for label, fmt in (("Excel (.xlsx)", "xlsx"), ("CSV (.csv)", "csv")):
            self.format.addItem(label, fmt)
        self.format.currentIndexChanged.connect(self._suffix)
        self.destination = QLineEdit(
            str(Path.home() / f"distribution-{report.id}-{services.ctx.shown_today():%Y%m%d}.xlsx"), self
        )
        self.destination.setObjectName("distributionDestination")
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        dest = QHBoxLayout()
        dest.addWidget(self.destination, 1)
        dest.addWidget(browse)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("distributionStatus")
        self.status.setWordWrap(True)
        self.message = error_label(self, "distributionMessage")
        # A title comes from a file (escaped), and may run 512 characters without a space.
        title = plain_label(breakable(escape_controls(report.title)), self)
        title.setObjectName("distributionTitle")
        title.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Report:"), title)
        # The level the list is made at: matched by the report's subject (就高) where that is
        # higher than the one stated, as every check uses it. The desk's list may have read
        # the report long before: the level is read again as the dialog opens (one small
        # read, so that the label is right from the first moment it is seen), and a list is
        # only written at the level shown (the service refuses another, naming it).
        self.level_shown = report.matching_level
        try:
            self.level_shown = services.reports.get(actor, report.id).matching_level
        except ServiceError as exc:  # the level the desk read stays; writing says the rest
            self.message.setText(error_text(exc))
        self.level = QLabel(texts.level_text(self.level_shown), self)
        self.level.setObjectName("distributionLevel")
        form.addRow(self.tr("Risk level:"), self.level)
        form.addRow(self.tr("Format:"), self.format)
        form.addRow(self.tr("Save as:"), dest)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write list"))
        self.box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.box.accepted.connect(self.start)
        self.box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Every client who may receive this report under the rules (no escalation)."), self)
        )
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.box)
        # Tall enough for every line of a long wrapped title (the form would squeeze it).
        self.resize(620, max(260, layout.heightForWidth(620)))

    def _show_level(self, level: RiskLevel | None) -> None:
        self.level_shown = level
        self.level.setText(texts.level_text(level))

    def _suffix(self) -> None:
        path = Path(self.destination.text())
        self.destination.setText(str(path.with_suffix("." + self.format.currentData())))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the list as"), self.destination.text())
        if path:
            self.destination.setText(path)

    def start(self) -> None:
        if self.job is not None:
            return
        out = Path(self.destination.text()).expanduser()
        fmt = self.format.currentData()
        self.message.clear()
        self.progress.setVisible(True)
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.status.setText(self.tr("Writing…"))

        level = self.level_shown

        def run(progress: Any, cancelled: Any) -> Written:
            return self.services.access.write_eligible(
                self.actor,
                self.report.id,
                out,
                fmt,
                progress=lambda n: progress(n, 0),
                cancelled=cancelled,
                level_shown=level,
            )

        self.job = self.runner.start(Job(run, with_progress=True), self._done, self._failed, self._progress)

    def _progress(self, n: int, _total: int, _item: Any) -> None:
        self.status.setText(self.tr("{n} clients written…").format(n=n))

    def _done(self, written: Written) -> None:
        self.job = None
        self.written = written
        self.progress.setVisible(False)
        self.status.setText(self.tr("{n} clients written to {path}.").format(n=written.count, path=written.path))
        self.box.button(QDialogButtonBox.StandardButton.Ok).setVisible(False)
        self.box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.status.clear()
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        if isinstance(exc, LevelConflict):  # re-rated since it was shown: the level now, to write at
            self._show_level(exc.level)
            # Enter pressed once too often, before the sentence was read, writes no list at
            # the new level: it takes pressing Write list itself (click, or Tab and Space).
            ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
            ok.setAutoDefault(False)
            ok.setDefault(False)
        self.message.setText(error_text(exc) if isinstance(exc, ServiceError) else str(exc))

    def running_work(self) -> str | None:
        """For the lock screen: what switching user does to the list being written."""
        if self.job is None:
            return None
        return self.tr("Writing a distribution list: switching user stops it, and no file is left.")

    def session_ending(self) -> None:
        """The session ends (switch user): stop writing, as Cancel does; no file is left
        and nothing is recorded."""
        if self.job is not None:
            self.job.cancel()

    def reject(self) -> None:
        if self.job is not None:  # Cancel stops the writing first; no file is left behind
            self.job.cancel()
            return
        super().reject()
