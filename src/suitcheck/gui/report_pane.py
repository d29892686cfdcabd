"""The report pane: search and filter research reports, pick one."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel
from suitcheck.gui import texts
from suitcheck.gui.models import ReportTableModel
from suitcheck.gui.widgets import RowTable, date_edit, make_table, qdate
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.reports import ReportFilter, ReportView

RATINGS = ("买入", "增持", "持有", "减持", "超配", "标配", "低配")
DEBOUNCE_MS = 200


class ReportTable(RowTable):
    """Enter records a check; the same key press never opens anything."""

    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class ReportFilters(QWidget):
    """Search text, level, rating, publisher and date; `changed` after any of them."""

    changed = Signal()

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        """`today`: the firm's calendar day (services' ctx.shown_today()); the date filter starts
        half a year before it."""
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("reportSearch")
        self.search.setClearButtonEnabled(True)
        self.level = QComboBox(self)
        self.level.setObjectName("levelFilter")
        self.rating = QComboBox(self)
        self.rating.setObjectName("ratingFilter")
        self.publisher = QComboBox(self)
        self.publisher.setObjectName("publisherFilter")
        self.since_check = QCheckBox(self)
        self.since_date = date_edit(self, today)
        self.since_date.setDate(self.since_date.date().addMonths(-6))
        self.since_date.setEnabled(False)
        self.since_check.toggled.connect(self.since_date.setEnabled)
        self.search.textChanged.connect(lambda *_: self.changed.emit())
        for signal in (
            self.level.currentIndexChanged,
            self.rating.currentIndexChanged,
            self.publisher.currentIndexChanged,
            self.since_check.toggled,
            self.since_date.dateChanged,
        ):
            signal.connect(lambda *_: self.changed.emit())
        self.level_label, self.rating_label, self.publisher_label = QLabel(self), QLabel(self), QLabel(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.level_label,
            self.level,
            self.rating_label,
            self.rating,
            self.publisher_label,
            self.publisher,
            self.since_check,
            self.since_date,
        ):
            row.addWidget(w)
        row.addStretch(1)

    def current(self) -> ReportFilter:
        level = self.level.currentData()
        return ReportFilter(
            text=self.search.text(),
            levels=(RiskLevel.parse(level),) if level and level not in ("unrated", "findings") else (),
            unrated=level == "unrated",
            with_findings=level == "findings",
            rating=self.rating.currentData(),
            publisher=self.publisher.currentData(),
            date_from=qdate(self.since_date) if self.since_check.isChecked() else None,
        )

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Any word of title, analyst or text — 芯片, AI …  (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Find report"))
        self.level.setAccessibleName(self.tr("Level:"))
        self.rating.setAccessibleName(self.tr("Rating:"))
        self.publisher.setAccessibleName(self.tr("Publisher:"))
        self.level_label.setText(self.tr("Level:"))
        self.rating_label.setText(self.tr("Rating:"))
        self.publisher_label.setText(self.tr("Publisher:"))
        self.since_check.setText(self.tr("Since"))
        keep_level, keep_rating = self.level.currentIndex(), self.rating.currentIndex()
        self.level.blockSignals(True)
        self.level.clear()
        self.level.addItem(self.tr("All"), None)
        for level in RiskLevel:
            self.level.addItem(texts.level_text(level), level.code)
        self.level.addItem(self.tr("Unrated"), "unrated")
        self.level.addItem(self.tr("With findings"), "findings")
        self.level.setCurrentIndex(max(0, keep_level))
        self.level.blockSignals(False)
        self.rating.blockSignals(True)
        self.rating.clear()
        self.rating.addItem(self.tr("All"), None)
        for rating in RATINGS:
            self.rating.addItem(rating, rating)
        self.rating.setCurrentIndex(max(0, keep_rating))
        self.rating.blockSignals(False)

    def set_publishers(self, names: list[str]) -> None:
        keep = self.publisher.currentData()
        self.publisher.blockSignals(True)
        self.publisher.clear()
        self.publisher.addItem(self.tr("All"), None)
        for name in names:
            self.publisher.addItem(name, name)
        self.publisher.setCurrentIndex(max(0, self.publisher.findData(keep)))
        self.publisher.blockSignals(False)


class ReportPane(QWidget):
    """Emits `report_changed(ReportView | None)` whenever the report on screen changes,
    including to none (a filter that removes it); `searched(n)` after each search."""

    report_changed = Signal(object)
    searched = Signal(int)
    failed = Signal(object)

    def __init__(self, services: Services, actor: Actor, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.runner = services, actor, runner
        self.report: ReportView | None = None
        self._generation = 0
        self._publishers: list[str] = []
        self.model = ReportTableModel(self)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.filters = ReportFilters(services.ctx.shown_today(), self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.filters.changed.connect(self._timer.start)
        view, self.proxy = make_table(
            self, self.model, "reportsView", stretch=ReportTableModel.TITLE, view_class=ReportTable
        )
        assert isinstance(view, ReportTable)
        self.view = view
        self.view.horizontalHeader().setSectionResizeMode(ReportTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.filters.search)
        layout.addWidget(self.filters)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.filters.search, self.view)

    def retranslate(self) -> None:
        self.title.setText(self.tr("<b>Research reports</b>"))
        self.view.setAccessibleName(self.tr("Research reports"))
        self.filters.retranslate()
        self.model.retranslate()
        self.filters.set_publishers(self._publishers)  # "All" in the new language

    def fill_publishers(self) -> None:
        """The publisher filter's list, read in the background: it reads every report's
        publisher, which takes time in proportion to the store."""

        def show(names: list[str]) -> None:
            self._publishers = names
            self.filters.set_publishers(names)

        def failed(exc: BaseException) -> None:
            self.failed.emit(exc)  # the filter still works without the list

        self.runner.start(Job(self.services.reports.publishers, self.actor), show, failed)

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def refresh(self) -> None:
        flt = self.filters.current()
        self._generation += 1
        generation = self._generation

        def fetch(offset: int, limit: int) -> list[ReportView]:
            return self.services.reports.search(self.actor, flt, limit=limit, offset=offset)

        def done(rows: list[ReportView]) -> None:
            if generation != self._generation:
                return
            keep = self.report.id if self.report else None
            self.model.set_rows(rows, fetch)
            self.searched.emit(len(rows))
            row = next((i for i, r in enumerate(rows) if r.id == keep), None)
            if row is not None:
                self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
            elif keep is not None:
                self.set_report(None)  # the filter removed it: no verdict for a report not shown

        self.runner.start(Job(fetch, 0, ReportTableModel.PAGE), done, self.failed.emit)

    def clear(self) -> None:
        self._generation += 1
        self._timer.stop()
        self.set_report(None)
        self.model.set_rows([])

    def set_verdicts(self, verdicts: dict[int, Outcome], reset: bool) -> None:
        if reset:
            self.model.set_verdicts(verdicts)
        else:
            self.model.add_verdicts(verdicts)

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.set_report(self.model.row_object(self.proxy.mapToSource(current).row()))

    def set_report(self, report: ReportView | None) -> None:
        self.report = report
        self.report_changed.emit(report)
