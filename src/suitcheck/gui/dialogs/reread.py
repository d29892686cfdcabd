"""Re-read imported reports with the current subject table (compliance): a preview read in
the background, with progress and Stop; then, confirmed, the changes stored, each audited.
The service reads, decides and stores; this window only shows what it says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from suitcheck.domain.levels import RiskLevel
from suitcheck.gui.errors import INGEST_REASONS, show_error
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.messages import message_text
from suitcheck.gui.models import AMBER, GREEN, RED, PagedTableModel, RawRole
from suitcheck.gui.session import when_present
from suitcheck.gui.texts import level_text
from suitcheck.gui.widgets import confirm, make_table, resize_within_screen
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.report_reread import NotReread, RereadApplied, RereadPreview, SubjectChange

Row = SubjectChange | NotReread

# Words of the "Reread" context, for the translation tools (shown through translated()).
WORDS = (
    QT_TRANSLATE_NOOP("Reread", "rated"),
    QT_TRANSLATE_NOOP("Reread", "stated"),
    QT_TRANSLATE_NOOP("Reread", "stored"),
    QT_TRANSLATE_NOOP("Reread", "finding: below its subject"),
    QT_TRANSLATE_NOOP("Reread", "{level}, unchanged"),
    QT_TRANSLATE_NOOP("Reread", "finding: its level reads otherwise"),
)


def _code(level: RiskLevel | None) -> str:
    return level.code if level is not None else level_text(None)


def _subject(level: RiskLevel | None, shown: Callable[[RiskLevel | None], str]) -> str:
    """A subject level; none found is a dash (a report without a subject level is matched at
    its own level), never "unrated", which is what a report without its own level is."""
    return shown(level) if level is not None else "—"


class RereadModel(PagedTableModel[Row]):
    REPORT, TITLE, LEVEL, SUBJECT, MATCHED, RESULT = range(6)
    HEADERS = (
        QT_TRANSLATE_NOOP("Columns", "Report"),
        QT_TRANSLATE_NOOP("Columns", "Title"),
        QT_TRANSLATE_NOOP("Columns", "Level"),
        QT_TRANSLATE_NOOP("Columns", "Subject level"),
        QT_TRANSLATE_NOOP("Columns", "Matched at"),
        QT_TRANSLATE_NOOP("Columns", "Result"),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._outcome: dict[int, str | None] = {}  # report -> None (stored) or why not, after Apply

    def set_outcome(self, applied: RereadApplied) -> None:
        self._outcome = {c.report: None for c in applied.applied} | {p.report: p.reason for p in applied.problems}
        self.retranslate()

    def cell(self, r: Row, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, RawRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.REPORT:
                return r.report if role == RawRole else str(r.report)
            if column == self.TITLE:
                return r.title
            if column == self.RESULT:
                return self._result(r)
            if isinstance(r, NotReread):
                return ""
            return self._levels(r, column, words=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.MATCHED, self.RESULT):
            return QBrush(self._colour(r, column))
        return None

    def _levels(self, r: SubjectChange, column: int, *, words: bool) -> str:
        """A level, or a change of one; the cell shows codes (R3 → R4) to stay narrow, its
        tooltip the words."""
        shown = level_text if words else _code
        if column == self.LEVEL:
            who = translated("Reread", "rated" if r.confirmed else "stated")
            if r.unrated:  # its own level sentence reads otherwise now: unrated once stored
                return f"{shown(r.level)} ({who}) → {shown(None)}"
            return f"{shown(r.level)} ({who})"
        if column == self.SUBJECT:
            return f"{_subject(r.old, shown)} → {_subject(r.new, shown)}"
        if r.matched_before == r.matched_after:
            return translated("Reread", "{level}, unchanged").format(level=shown(r.matched_after))
        return f"{shown(r.matched_before)} → {shown(r.matched_after)}"

    def _result(self, r: Row) -> str:
        if isinstance(r, NotReread):
            return _reason(r)
        if r.report in self._outcome:
            why = self._outcome[r.report]
            return translated("Reread", "stored") if why is None else message_text(why)
        if r.unrated:
            return translated("Reread", "finding: its level reads otherwise")
        flag = translated("Reread", "finding: below its subject") if r.flagged else ""
        return flag

    def _colour(self, r: Row, column: int) -> Any:
        if isinstance(r, NotReread) or (column == self.RESULT and self._outcome.get(r.report, None) is not None):
            return RED
        if column == self.MATCHED:
            return AMBER if r.lowers else GREEN
        return AMBER if (r.flagged or r.unrated) and r.report not in self._outcome else GREEN


def _reason(problem: NotReread) -> str:
    if problem.code in INGEST_REASONS:
        return translated("Import", INGEST_REASONS[problem.code])
    return message_text(problem.reason)


class RereadDialog(QDialog):
    """Read every report again with the subject table; show what changes; store it, confirmed."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rereadDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.job: Job | None = None
        self.preview: RereadPreview | None = None
        self.applied: RereadApplied | None = None
        self.setWindowTitle(self.tr("Re-read reports with the subject table"))
        resize_within_screen(self, 960, 520)
        self.intro = QLabel(
            self.tr(
                "Each imported report's file is read again with the current subject table, as a new import would "
                "read it. Reports whose subject level changes are listed with the level they would then be matched "
                "at (the higher of their own level and their subject's). Nothing is stored until you apply it."
            ),
            self,
        )
        self.intro.setWordWrap(True)
        self.model = RereadModel(self)
        self.view, self.proxy = make_table(self, self.model, "rereadResults", stretch=RereadModel.TITLE, widths=(60,))
        self.progress = QProgressBar(self)
        self.progress.setObjectName("rereadProgress")
        self.summary = QLabel(self)
        self.summary.setObjectName("rereadSummary")
        self.summary.setWordWrap(True)
        self.read_button = QPushButton(self.tr("Read reports"), self)
        self.read_button.setObjectName("rereadRead")
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setEnabled(False)
        self.apply_button = QPushButton(self.tr("Apply changes…"), self)
        self.apply_button.setObjectName("rereadApply")
        self.apply_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.read_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(lambda: self.job and self.job.cancel())
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in (self.read_button, self.stop_button, self.apply_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)

    # -- reading --------------------------------------------------------------------------
    def start(self) -> None:
        self.preview, self.applied = None, None
        self.model.set_rows([])
        self.progress.setValue(0)
        self.summary.setText(self.tr("Reading…"))
        self._busy()
        job = Job(
            lambda progress, cancelled: self.services.reread.preview(
                self.actor, progress=progress, cancelled=cancelled
            ),
            with_progress=True,
        )
        self.job = self.runner.start(job, self._read, self._failed, self._progress)

    def _progress(self, number: int, total: int, _item: object = None) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(number)

    def _read(self, preview: RereadPreview) -> None:
        self.preview = preview
        self.model.set_rows([*preview.changes, *preview.problems])
        self._fit_columns()
        self.progress.setMaximum(max(preview.total, 1))
        self.progress.setValue(preview.read)
        counts = {"read": preview.read, "total": preview.total, "version": preview.policy_version}
        if preview.changes:
            lines = [
                self.tr(
                    "{read} of {total} reports read with the subject table of policy version {version}: "
                    "{changes} change their subject level, {raised} would be matched higher, {lowered} lower."
                ).format(
                    **counts,
                    changes=sum(c.subject_changes for c in preview.changes),
                    raised=sum(c.raises for c in preview.changes),
                    lowered=sum(c.lowers for c in preview.changes),
                )
            ]
        elif preview.read_same:
            lines = [
                self.tr(
                    "{read} of {total} reports read with the subject table of policy version {version}: "
                    "no report's subject level changes."
                ).format(**counts)
            ]
        else:
            lines = [
                self.tr(
                    "{read} of {total} reports read with the subject table of policy version {version}: "
                    "no report's subject level changes; nothing to store."
                ).format(**counts)
            ]
        unrated = sum(c.unrated for c in preview.changes)
        if unrated:
            lines.append(
                self.tr(
                    "{n} reports' own level statement reads otherwise than when they were imported: "
                    "they will be unrated until compliance rates them."
                ).format(n=unrated)
            )
        if preview.read_same:
            lines.append(self._read_same_text(len(preview.read_same)))
        if preview.cancelled:
            lines.append(self.tr("Stopped before the end: the reports not read are not listed."))
        if preview.problems:
            lines.append(self.tr("{n} reports could not be read again (see Result).").format(n=len(preview.problems)))
        self.summary.setText(" ".join(lines))
        self._idle()

    def _read_same_text(self, n: int) -> str:
        return self.tr(
            "{n} reports read by an older version read the same now: applying stores them as read by this "
            "version, so nothing reads them again before their next decision."
        ).format(n=n)

    # -- storing --------------------------------------------------------------------------
    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.to_store:
            return
        raised, lowered = sum(c.raises for c in preview.changes), sum(c.lowers for c in preview.changes)
        if preview.changes:
            question = self.tr(
                "Store the new subject level of {n} reports? {raised} will be matched at a higher level and "
                "{lowered} at a lower one from now on. A report's own level, and a level compliance rated, stay as "
                "they are. Each change is recorded in the audit trail."
            ).format(n=len(preview.changes), raised=raised, lowered=lowered)
        else:
            question = self.tr("Store {n} reports as read by this version? Nothing else about them changes.").format(
                n=len(preview.read_same)
            )
        unrated = sum(c.unrated for c in preview.changes)
        if unrated:
            question += "\n\n" + self.tr(
                "Except: {n} reports' own level statement reads otherwise than when they were imported; "
                "they become unrated until compliance rates them."
            ).format(n=unrated)
        if preview.changes and preview.read_same:
            question += "\n\n" + self._read_same_text(len(preview.read_same))
        if preview.cancelled:
            question += "\n\n" + self.tr("The reading was stopped before the end: only the reports listed are changed.")
        if not confirm(self, self.tr("Apply changes"), question, self.tr("Store changes")):
            return
        self.summary.setText(self.tr("Storing…"))
        self._busy()
        job = Job(
            lambda progress, cancelled: self.services.reread.apply(
                self.actor, preview, progress=progress, cancelled=cancelled
            ),
            with_progress=True,
        )
        self.job = self.runner.start(job, self._stored, self._failed, self._progress)

    def _stored(self, applied: RereadApplied) -> None:
        self.applied = applied
        self.model.set_outcome(applied)
        self._fit_columns()
        text = self.tr("Stored {stored} of {n} changes, each in the audit trail.").format(
            stored=len(applied.applied), n=len(self.preview.changes) if self.preview else 0
        )
        if applied.problems:
            text += " " + self.tr("{n} were left as they are (see Result).").format(n=len(applied.problems))
        if self.preview is not None and self.preview.read_same:
            marked = self.tr("{marked} of {n} reports read by an older version stored as read by this one.")
            text += " " + marked.format(marked=applied.marked, n=len(self.preview.read_same))
        if applied.cancelled:
            text += " " + self.tr("Stopped before the end: the rest were not stored.")
        if applied.stopped:
            text += " " + message_text(applied.stopped)
        self.summary.setText(text)
        self._idle()
        self.apply_button.setEnabled(False)  # a preview is applied once; read again for another

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        when_present(self, lambda: show_error(self, exc))

    def _fit_columns(self) -> None:
        """The levels (before → after) and the result are what the preview is read for: they
        are shown whole, at 1024x768 too; the title takes the width left (cut, whole in its
        tooltip)."""
        for column in (RereadModel.LEVEL, RereadModel.SUBJECT, RereadModel.MATCHED, RereadModel.RESULT):
            self.view.resizeColumnToContents(column)

    # -- the session and the buttons ------------------------------------------------------
    def running_work(self) -> str | None:
        """For the lock screen: what switching user does to the work."""
        if self.job is None:
            return None
        return self.tr(
            "Re-reading reports: switching user stops it; the changes stored so far stay stored, each in the "
            "audit trail."
        )

    def session_ending(self) -> None:
        """The session ends (switch user): the work stops before its next report, as Stop does."""
        if self.job is not None:
            self.job.cancel()

    def _busy(self) -> None:
        for b in (self.read_button, self.apply_button, self.close_button):
            b.setEnabled(False)
        self.stop_button.setEnabled(True)

    def _idle(self) -> None:
        self.job = None
        self.read_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.apply_button.setEnabled(bool(self.preview and self.preview.to_store) and self.applied is None)

    def reject(self) -> None:
        if self.job is None:
            super().reject()
