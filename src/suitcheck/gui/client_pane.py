"""The client pane: find a client, pick one, see the client card."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QVBoxLayout, QWidget

from suitcheck.domain.decision import Reason
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.models import InvestorTableModel
from suitcheck.gui.widgets import breakable, make_table
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.investors import InvestorView

DEBOUNCE_MS = 200


def _html(text: str) -> str:
    """A client's own text in the rich-text card: escaped controls, then HTML-escaped."""
    return html.escape(escape_controls(text), quote=False)


class ClientPane(QWidget):
    """Emits `client_changed(InvestorView | None)` whenever the client on screen changes,
    including to no client (a search that does not contain the shown client)."""

    client_changed = Signal(object)
    failed = Signal(object)
    searched = Signal()  # a search's answer is shown (and its client selected), or it failed

    def __init__(self, services: Services, actor: Actor, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.runner = services, actor, runner
        self.client: InvestorView | None = None
        self._generation = 0
        self._in_flight: int | None = None  # the search asked and not yet answered
        self.model = InvestorTableModel(self)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.search = QLineEdit(self)
        self.search.setObjectName("clientSearch")
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._timer.start())
        # Head office narrows the list to one branch; branch staff see only theirs anyway.
        self.branch_filter = QComboBox(self)
        self.branch_filter.setObjectName("clientBranchFilter")
        self.branch_filter.addItem("", None)
        if actor.firm_wide:
            try:
                for branch in services.branches.list_branches(actor, counts=False):
                    self.branch_filter.addItem(f"{branch.code} {branch.name}", branch.code)
            except ServiceError:
                pass  # the first real action says why; the filter just stays at "all"
        self.branch_filter.setVisible(actor.firm_wide)
        self.branch_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.view, self.proxy = make_table(self, self.model, "clientsView", stretch=InvestorTableModel.NAME)
        self.set_column_modes()
        # What the columns need is measured over every loaded row: once per change of the
        # rows or their words, not on every resize (each measure asks the model for each cell).
        self._needed: int | None = None
        for signal in (
            self.model.modelReset,
            self.model.rowsInserted,
            self.model.dataChanged,
            self.model.headerDataChanged,
            self.model.layoutChanged,
        ):
            signal.connect(self._content_changed)
        self.view.horizontalHeader().sectionResized.connect(lambda *_: self.fit_columns())
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        self.details = QLabel(self)
        self.details.setObjectName("clientDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setMinimumHeight(96)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.branch_filter)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        self.setTabOrder(self.search, self.view)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._content_changed()
        super().changeEvent(event)

    def _content_changed(self, *_: object) -> None:
        self._needed = None
        self.fit_columns()

    def set_column_modes(self) -> None:
        """Every column but the name fits its content (in this language); the name takes the
        rest and elides. Called again after a saved header state is restored (it carries modes)."""
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            mode = QHeaderView.ResizeMode.ResizeToContents
            if column == InvestorTableModel.NAME:
                mode = QHeaderView.ResizeMode.Stretch
            header.setSectionResizeMode(column, mode)
        header.setStretchLastSection(False)

    def fit_columns(self) -> None:
        """On a narrow screen (1024 wide) the assessment date gives way rather than push the
        table into a horizontal scroll: the card below shows the date and its validity."""
        header = self.view.horizontalHeader()
        date, name = InvestorTableModel.ASSESSED, InvestorTableModel.NAME
        if self._needed is None:
            self._needed = sum(
                max(header.sectionSizeHint(c), self.view.sizeHintForColumn(c))
                for c in range(self.model.columnCount())
                if c != name
            ) + header.sectionSizeHint(name)
        needed = self._needed
        room = self.view.width() - 2 * self.view.frameWidth() - self.view.verticalScrollBar().sizeHint().width()
        hide = needed > room
        if hide != header.isSectionHidden(date):
            self.view.setColumnHidden(date, hide)

    def retranslate(self) -> None:
        self.title.setText(self.tr("<b>Clients</b>"))
        self.search.setPlaceholderText(self.tr("Account, name or ID number  (Ctrl+L)"))
        self.search.setAccessibleName(self.tr("Find client"))
        self.branch_filter.setItemText(0, self.tr("All branches"))
        self.branch_filter.setAccessibleName(self.tr("Branch"))
        self.view.setAccessibleName(self.tr("Clients"))
        self.details.setAccessibleName(self.tr("Selected client"))
        self.model.retranslate()
        self.show_details()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    @property
    def searching(self) -> bool:
        """What is typed in the search is not yet the list: the search waits for the typing
        to settle, or for its answer."""
        return self._timer.isActive() or self._in_flight is not None

    def refresh(self) -> None:
        query = self.search.text()
        branch = self.branch_filter.currentData()
        self._generation += 1
        generation = self._generation
        self._in_flight = generation

        def fetch(offset: int, limit: int) -> list[InvestorView]:
            return self.services.investors.search(self.actor, query, limit=limit, offset=offset, branch=branch)

        def done(rows: list[InvestorView]) -> None:
            if generation != self._generation:
                return
            keep = self.client.id if self.client else None
            self.model.set_rows(rows, fetch)
            if len(rows) == 1 or (rows and query and rows[0].account == query.strip()):
                self.view.selectRow(0)
            else:
                row = next((i for i, c in enumerate(rows) if c.id == keep), None)
                if row is None:
                    self.set_client(None)  # the shown client is not among the matches: no stale card
                else:
                    self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
            self._answered(generation)

        def failed(exc: BaseException) -> None:
            self.failed.emit(exc)
            self._answered(generation)

        self.runner.start(Job(fetch, 0, InvestorTableModel.PAGE), done, failed)

    def _answered(self, generation: int) -> None:
        if generation == self._in_flight:
            self._in_flight = None
            self.searched.emit()

    def show_all_branches(self) -> None:
        """The branch filter back at "All branches", without a search of its own (the
        caller searches)."""
        self.branch_filter.blockSignals(True)
        self.branch_filter.setCurrentIndex(0)
        self.branch_filter.blockSignals(False)

    def clear(self) -> None:
        """Forget everything shown (logout)."""
        self._generation += 1
        self._in_flight = None
        self._timer.stop()
        self.set_client(None)
        self.model.set_rows([])
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.show_all_branches()

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.set_client(self.model.row_object(self.proxy.mapToSource(current).row()))

    def set_client(self, client: InvestorView | None) -> None:
        """The one place the client on screen changes."""
        self.client = client
        self.show_details()
        self.client_changed.emit(client)

    def show_as_stored(self, client: InvestorView) -> None:
        """The client on screen as the store has them now (changed at another desk): the
        card shows it; nothing is decided for it (client_changed is not emitted: an idle
        desk records no check on its own)."""
        if self.client is None or self.client.id != client.id:
            return
        self.client = client
        self.show_details()

    def show_details(self) -> None:
        c = self.client
        if c is None:
            self.details.setText(self.tr("<i>No client selected.</i>"))
            return
        state = texts.assessment_text(c.assessment_state, c.reassessment_due)
        if c.assessment_unusable or c.reassessment_due:
            state = f"<span style='color:#b3261e; font-weight:bold'>⚠ {state}</span>"
        # A name run together past the card's width wraps instead of widening the desk.
        lines = [f"<b style='font-size:13pt'>{_html(breakable(c.name))}</b> &nbsp; {_html(c.account)}"]
        if not c.record_intact:  # what follows is what the row holds now, not what suitcheck wrote
            changed = texts.reason_text(Reason.RECORD_INTEGRITY)
            lines.append(f"<span style='color:#b3261e; font-weight:bold'>⚠ {_html(changed)}</span>")
        lines += [
            self.tr("Class: {cls} · Profile: {profile}").format(
                cls=texts.class_text(c.investor_class.value), profile=texts.profile_text(c.profile)
            ),
        ]
        if c.follows_table:
            lines.append(
                self.tr("Assessed: {date} · {state} · valid until {until}").format(
                    date=c.assessed_on or "—", state=state, until=c.valid_until or "—"
                )
            )
        if c.reassessment_due:  # marked by staff: why the state above says so
            due = texts.reason_text(Reason.REASSESSMENT_DUE)
            lines.append(f"<span style='color:#b3261e; font-weight:bold'>⚠ {_html(due)}</span>")
        lines.append(
            self.tr("ID number: {number}").format(number=_html(c.id_number or "—"))
            + (self.tr(" · age {age}").format(age=c.age) if c.age is not None else "")
        )
        if c.branch:
            lines.append(self.tr("Branch: {branch}").format(branch=c.branch))
        if c.needs_attention:
            attention = self.tr("Special attention: explain risks with extra care.")
            lines.append(f"<span style='color:#9a6700'>⚠ {attention}</span>")
        if c.lowest_category:
            lowest = self.tr("Lowest risk-tolerance category: R1 only.")
            lines.append(f"<span style='color:#b3261e'>{lowest}</span>")
        self.details.setText("<br>".join(lines))
