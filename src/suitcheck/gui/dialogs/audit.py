"""Browse the audit log; export and verify from here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome
from suitcheck.gui import texts
from suitcheck.gui.dialogs.export import ExportDialog
from suitcheck.gui.dialogs.verification import run_verification, verify_export_file
from suitcheck.gui.errors import show_error
from suitcheck.gui.models import AuditTableModel
from suitcheck.gui.widgets import make_table, qdate, resize_within_screen
from suitcheck.gui.workers import Runner
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import ServiceError


class AuditDialog(QDialog):
    """Browse the audit log with filters; export and verify from here."""

    WIDTHS = (60, 150, 130, 150, 140, 200, 130, 150)
    # The report's title keeps at least this much (it elides) before the hash gives way.
    REPORT_ROOM = 120

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.setWindowTitle(self.tr("Audit log"))
        resize_within_screen(self, 1100, 600)
        self.model = AuditTableModel(self)
        self.view, _ = make_table(
            self,
            self.model,
            "auditView",
            stretch=AuditTableModel.REPORT,
            widths=self.WIDTHS,
        )
        self.view.horizontalHeader().sectionResized.connect(lambda *_: self.fit_columns())
        # The firm's day (Beijing's), as every date range is read: the desktop's own date is
        # a day behind between 00:00 and 08:00 Beijing time on a desk set to UTC, and the
        # entries of today (a re-read just applied, a check just made) were not listed.
        today = QDate.fromString(self.services.ctx.shown_today().isoformat(), "yyyy-MM-dd")
        self.since = QDateEdit(today.addDays(-30), self)
        self.until = QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.staff = QLineEdit(self)
        self.staff.setPlaceholderText(self.tr("staff"))
        self.decision = QComboBox(self)
        self.decision.setObjectName("decisionFilter")
        self.decision.addItem(self.tr("any decision"), None)
        for outcome in Outcome:
            self.decision.addItem(texts.outcome_text(outcome), outcome.value)
        self.action = QComboBox(self)
        self.action.setObjectName("actionFilter")
        self.action.addItem(self.tr("any action"), None)
        for action in AuditAction:
            self.action.addItem(texts.action_text(action), action.value)
        self.action.currentIndexChanged.connect(lambda *_: self.reload())
        self.decision.currentIndexChanged.connect(lambda *_: self.reload())
        search = QPushButton(self.tr("Filter"), self)
        search.clicked.connect(self.reload)
        export = QPushButton(self.tr("Export…"), self)
        export.setObjectName("exportButton")
        export.clicked.connect(self.export)
        verify = QPushButton(self.tr("Verify chain"), self)
        verify.clicked.connect(lambda: run_verification(self.services, self.actor, self))
        verify_file = QPushButton(self.tr("Verify export file…"), self)
        verify_file.clicked.connect(self.verify_file)
        row = QHBoxLayout()
        for w in (
            QLabel(self.tr("From"), self),
            self.since,
            QLabel(self.tr("to"), self),
            self.until,
            self.staff,
            self.action,
            self.decision,
            search,
        ):
            row.addWidget(w)
        row.addStretch(1)
        self.count = QLabel(self)
        # The count and what to do with the entries under the table: beside the filters they
        # made the English dialog 1,190 px wide at its smallest, past a 1024x768 screen.
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        for w in (export, verify, verify_file):
            bottom.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.reload()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """On a narrow screen (1024 wide, or 1366 at 150 %) the entry hash gives way rather
        than push the decision past the right edge behind a horizontal scroll: the entry's
        number stays, and every export (and the verification) carries the hash."""
        header = self.view.horizontalHeader()
        hash_column, report = AuditTableModel.HASH, AuditTableModel.REPORT
        others = sum(
            header.sectionSize(c)
            for c in range(self.model.columnCount())
            if c not in (hash_column, report) and not header.isSectionHidden(c)
        )
        room = self.view.width() - 2 * self.view.frameWidth() - self.view.verticalScrollBar().sizeHint().width()
        hide = others + self.WIDTHS[hash_column] + self.REPORT_ROOM > room
        if hide != header.isSectionHidden(hash_column):
            self.view.setColumnHidden(hash_column, hide)
            if not hide:
                self.view.setColumnWidth(hash_column, self.WIDTHS[hash_column])

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            since=qdate(self.since),
            until=qdate(self.until),
            staff=self.staff.text().strip() or None,
            decision=self.decision.currentData(),
            action=self.action.currentData(),
        )

    def reload(self) -> None:
        flt = self.current_filter()

        def fetch(offset: int, limit: int) -> list[Any]:
            return self.services.audit.browse(self.actor, flt, limit=limit, offset=offset)

        try:
            self.model.set_rows(fetch(0, AuditTableModel.PAGE), fetch)
            self.count.setText(self.tr("{n} entries match.").format(n=self.services.audit.count(self.actor, flt)))
        except ServiceError as exc:
            show_error(self, exc)

    def export(self) -> None:
        dialog = ExportDialog(self.services, self.actor, self.current_filter(), self)
        dialog.exec()
        self.reload()  # the export is itself an audit entry

    def verify_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Export to verify"), "", self.tr("Audit exports (*.csv *.xlsx *.jsonl)")
        )
        if path:
            verify_export_file(self.services, self.actor, Path(path), self)
