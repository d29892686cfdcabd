"""Import research reports in the background, with progress and cancel."""

from __future__ import annotations

import collections
import dataclasses
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.roles import Permission, may
from suitcheck.gui.dialogs.report_review import open_review
from suitcheck.gui.errors import INGEST_REASONS, show_error
from suitcheck.gui.i18n import translated
from suitcheck.gui.messages import message_text
from suitcheck.gui.models import ImportResultsModel
from suitcheck.gui.session import when_present
from suitcheck.gui.widgets import make_table
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.reports import ImportResult


class ImportDialog(QDialog):
    """Pick files or a folder; import in the background with progress and cancel."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.job: Job | None = None
        self.setWindowTitle(self.tr("Import reports"))
        self.resize(860, 480)
        self.model = ImportResultsModel(self)
        self.view, self.proxy = make_table(self, self.model, "importResults", widths=(240, 170))
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.files_button = QPushButton(self.tr("Choose files…"), self)
        self.folder_button = QPushButton(self.tr("Choose folder…"), self)
        self.cancel_button = QPushButton(self.tr("Stop"), self)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.review_button = QPushButton(self.tr("Review…"), self)
        self.review_button.setObjectName("reviewImported")
        self.review_button.setToolTip(self.tr("The extracted details beside the text; correct them with a reason"))
        self.review_button.setEnabled(False)
        self.review_button.setVisible(may(actor.role, Permission.RATE_REPORTS))
        self.review_button.clicked.connect(self.review_current)
        self.view.doubleClicked.connect(lambda _: self.review_current())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_review())
        self.files_button.clicked.connect(self._choose_files)
        self.folder_button.clicked.connect(self._choose_folder)
        self.cancel_button.clicked.connect(lambda: self.job and self.job.cancel())
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in (self.files_button, self.folder_button, self.cancel_button, self.review_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)

    def _current_report(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_object(self.proxy.mapToSource(index).row()).report

    def _update_review(self) -> None:
        self.review_button.setEnabled(self._current_report() is not None)

    def review_current(self) -> None:
        """Open the review of the imported (or duplicate) report in the current row."""
        report = self._current_report()
        if report is not None:
            open_review(self, self.services, self.actor, report)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Reports to import"), "", self.tr("Reports (*.pdf *.txt)")
        )
        if files:
            self.start([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of reports"))
        if folder:
            self.start([Path(folder)])

    def start(self, paths: list[Path]) -> None:
        self.model.set_rows([])
        self.progress.setValue(0)
        self.summary.setText(self.tr("Importing…"))
        for b in (self.files_button, self.folder_button, self.close_button):
            b.setEnabled(False)
        self.cancel_button.setEnabled(True)
        job = Job(
            lambda progress, cancelled: self.services.reports.import_paths(
                self.actor, paths, progress=progress, cancelled=cancelled
            ),
            with_progress=True,
        )
        self.job = self.runner.start(job, self._finished, self._failed, self._progress)

    def _progress(self, number: int, total: int, result: ImportResult) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(number)
        if result.code == "unrated" and result.reason:
            # The service's own sentence says which of three things left the report unrated
            # (no level, two levels, a statement that cannot be read); the code cannot.
            result = dataclasses.replace(result, reason=message_text(result.reason))
        elif result.code in INGEST_REASONS:
            result = dataclasses.replace(result, reason=translated("Import", INGEST_REASONS[result.code]))
        self.model.append(result)

    def _finished(self, results: list[ImportResult]) -> None:
        counts = collections.Counter(r.status for r in results)
        self.summary.setText(
            self.tr("{imported} imported, {unrated} need a rating, {dup} duplicates, {failed} failed.").format(
                imported=counts[ImportStatus.IMPORTED],
                unrated=counts[ImportStatus.NEEDS_RATING],
                dup=counts[ImportStatus.DUPLICATE],
                failed=counts[ImportStatus.FAILED],
            )
        )
        self._idle()

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        when_present(self, lambda: show_error(self, exc))

    def running_work(self) -> str | None:
        """For the lock screen: what switching user does to the import."""
        if self.job is None:
            return None
        return self.tr(
            "Importing reports: switching user stops it; the reports imported so far stay imported "
            "(import the rest again later: those already in are recognised)."
        )

    def session_ending(self) -> None:
        """The session ends (switch user): the import stops before its next file, as Stop
        does; each file it finished is imported and recorded as the starter's."""
        if self.job is not None:
            self.job.cancel()

    def _idle(self) -> None:
        for b in (self.files_button, self.folder_button, self.close_button):
            b.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.job = None

    def reject(self) -> None:
        if self.job is None:
            super().reject()
