"""Compliance sets the level of reports that need a rating or have findings.

Each change is recorded off the GUI thread (RecordingDialog): behind another program's lock
on the store the dialog says it saves with the list and its buttons held; the list is read
again from the service once the answer comes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.dialogs.report_review import open_review
from suitcheck.gui.messages import error_text, finding_line
from suitcheck.gui.models import ReportTableModel
from suitcheck.gui.widgets import ERROR_COLOUR, confirm, make_table
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.reports import ReportFilter


class RatingDialog(RecordingDialog):
    """The findings queue for compliance: unrated reports and reports with open findings
    in one list; set the level, or resolve a finding (accept the stated level) with a
    reason. Both are audited with the reason."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Reports needing a rating or with findings"))
        self.resize(900, 460)
        self.model = ReportTableModel(self)
        self.view, self.proxy = make_table(
            self, self.model, "ratingView", stretch=ReportTableModel.TITLE, widths=(0, 95, 120, 300, 100, 100)
        )
        self.view.setColumnHidden(ReportTableModel.VERDICT, True)
        self.level = QComboBox(self)
        self.level.setObjectName("newLevel")
        for level in RiskLevel:
            self.level.addItem(texts.level_text(level), level.code)
        self.detail = QLabel(self)
        self.detail.setObjectName("ratingDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Why (kept with the change)"))
        apply = QPushButton(self.tr("Set level"), self)
        apply.setObjectName("setLevel")
        apply.clicked.connect(self.apply)
        self.resolve = QPushButton(self.tr("Resolve finding"), self)
        self.resolve.setObjectName("resolveFinding")
        self.resolve.setToolTip(self.tr("Keep the stated level; the reason is recorded"))
        self.resolve.clicked.connect(self.resolve_finding)
        self.resolve.setEnabled(False)
        self.status = QLabel(self)
        self.status.setObjectName("ratingStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        review = QPushButton(self.tr("Review…"), self)
        review.setObjectName("reviewReport")
        review.setToolTip(self.tr("The extracted details beside the text; correct them with a reason"))
        review.clicked.connect(self.review_current)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("New level:"), self))
        row.addWidget(self.level)
        row.addWidget(self.note, 1)
        row.addWidget(apply)
        row.addWidget(self.resolve)
        row.addWidget(review)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        self.reload()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.status.setText(text)

    def _record(self, job: Job, done: str) -> None:
        """Record off the GUI thread with the list and its buttons held; then say `done`,
        or the service's refusal with the reason kept, and read the list again either way."""

        def recorded(_: object) -> None:
            self.note.clear()
            self._say(done)
            self.reload()

        def refused(exc: ServiceError) -> None:
            self._say(error_text(exc), error=True)
            self.reload()

        self.record(job, self.status, done=recorded, refused=refused)

    def reload(self) -> None:
        unrated = self.services.reports.search(self.actor, ReportFilter(unrated=True), limit=1000)
        findings = self.services.reports.search(self.actor, ReportFilter(with_findings=True), limit=1000)
        seen: set[int] = set()
        rows = [r for r in unrated + findings if not (r.id in seen or seen.add(r.id))]  # type: ignore[func-returns-value]
        self.model.set_rows(rows)
        self.detail.setText(self.tr("{n} reports to review.").format(n=len(rows)))

    def _selected(self, current: Any, _: Any) -> None:
        if not current.isValid():
            return
        r = self.model.row_object(self.proxy.mapToSource(current).row())
        suggestion = texts.level_text(r.suggested_level) if r.suggested_level else "—"
        findings = "; ".join(escape_controls(finding_line(f.code, f.detail)) for f in r.open_findings)
        # The service says which findings may be dismissed; one about the level is settled by rating.
        resolvable = any(f.resolvable for f in r.open_findings)
        self.resolve.setEnabled(resolvable)
        self.resolve.setToolTip(
            self.tr("Keep the stated level; the reason is recorded")
            if resolvable or not r.open_findings
            else self.tr("A finding about the level is settled by rating the report")
        )
        self.detail.setText(
            self.tr("Stated: {stated} · suggested from the subject: {suggested} {findings}").format(
                stated=texts.level_text(r.level), suggested=suggestion, findings=f"· {findings}" if findings else ""
            )
        )
        target = r.suggested_level or r.level
        if target:
            self.level.setCurrentIndex(int(target) - 1)

    def review_current(self) -> None:
        """Open the selected report's review; the list is read again after a change."""
        if self.recording:
            return  # a change is being recorded: the list and its buttons are held
        index = self.view.currentIndex()
        if not index.isValid():
            return
        report = self.model.row_object(self.proxy.mapToSource(index).row())
        if open_review(self, self.services, self.actor, report.id):
            self.reload()

    def apply(self) -> None:
        if self.recording:
            return  # a change is being recorded: the list and its buttons are held
        index = self.view.currentIndex()
        if not index.isValid():
            return
        report = self.model.row_object(self.proxy.mapToSource(index).row())
        level = RiskLevel.parse(self.level.currentData())
        question = self.tr(
            "Rate “{title}” {level}? From now on it is matched at exactly this level; the change and your reason "
            "are recorded in the audit trail."
        ).format(title=escape_controls(report.title), level=texts.level_text(level))
        if not confirm(self, self.tr("Set the risk level"), question, self.tr("Set level")):
            return
        self._record(
            Job(self.services.reports.set_level, self.actor, report.id, level, self.note.text().strip() or None),
            self.tr("“{title}” is now {level}.").format(
                title=escape_controls(report.title), level=texts.level_text(level)
            ),
        )

    def resolve_finding(self) -> None:
        if self.recording:
            return  # a change is being recorded: the list and its buttons are held
        index = self.view.currentIndex()
        if not index.isValid():
            return
        report = self.model.row_object(self.proxy.mapToSource(index).row())
        finding = next((f for f in report.open_findings if f.resolvable), None)
        if finding is None:
            return
        question = self.tr(
            "Resolve the finding on “{title}” and keep its stated level? Your reason is recorded in the audit trail."
        ).format(title=escape_controls(report.title))
        if not confirm(self, self.tr("Resolve finding"), question, self.tr("Resolve finding")):
            return
        self._record(
            Job(self.services.reports.resolve_finding, self.actor, report.id, finding.id, self.note.text().strip()),
            self.tr("Finding on “{title}” resolved; the reason is recorded.").format(
                title=escape_controls(report.title)
            ),
        )
