"""Re-assessment reminders at start-up: a dock the clerk can close (never a modal wall) and
a count in the status bar that brings it back. The list comes from the reminders service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.roles import Role
from suitcheck.gui import texts
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.models import record_changed_cell
from suitcheck.gui.widgets import configure_table, screen_area
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.reminders import Reminder, ReminderState

SHOWN = 500  # rows listed; the count covers them all
ROLES = frozenset({Role.ADVISOR, Role.COMPLIANCE})  # who sees reminders at start-up

STATES = {
    ReminderState.DUE: QT_TRANSLATE_NOOP("Reminders", "re-assess now (situation changed)"),
    ReminderState.EXPIRED: QT_TRANSLATE_NOOP("Reminders", "expired"),
    ReminderState.EXPIRING: QT_TRANSLATE_NOOP("Reminders", "expires soon"),
}
HEADERS = (
    QT_TRANSLATE_NOOP("Reminders", "Account"),
    QT_TRANSLATE_NOOP("Reminders", "Name"),
    QT_TRANSLATE_NOOP("Reminders", "Reminder"),
    QT_TRANSLATE_NOOP("Reminders", "Profile"),
    QT_TRANSLATE_NOOP("Reminders", "Valid until"),
    QT_TRANSLATE_NOOP("Reminders", "Reason"),
)


def state_text(state: ReminderState) -> str:
    return translated("Reminders", STATES[state])


class ReminderModel(QAbstractTableModel):
    ACCOUNT, NAME, STATE, PROFILE, EXPIRES, REASON = range(6)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Reminder] = []

    def set_rows(self, rows: list[Reminder]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_object(self, row: int) -> Reminder:
        return self._rows[row]

    def changed_count(self) -> int:
        """Listed clients whose row fails its seal (changed outside suitcheck)."""
        return sum(not r.investor.record_intact for r in self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translated("Reminders", HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        if column == self.PROFILE and not r.investor.record_intact:  # as the client list marks it
            return record_changed_cell(role)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == self.ACCOUNT:
            return r.investor.account
        if column == self.NAME:
            return r.investor.name
        if column == self.STATE:
            return state_text(r.state)
        if column == self.PROFILE:
            return texts.profile_text(r.investor.profile)
        if column == self.EXPIRES:
            valid_until = r.investor.valid_until  # the last valid day, as the client card says
            return valid_until.isoformat() if valid_until else "—"
        return r.reason or ""


class RemindersPanel(QDockWidget):
    """The list of clients to re-assess. Closing it only hides it; the count stays."""

    client_requested = Signal(str)  # an account number, to select in the client pane

    def __init__(self, services: Services, actor: Actor, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersPanel")
        self.services, self.actor, self.runner = services, actor, runner
        self.total: int | None = None
        self.count_button: ReminderCount | None = None  # the status bar's count, once installed
        self.on_loaded: Callable[[int], None] | None = None  # what install_reminders does with the count
        self.held: Callable[[], None] | None = None  # showing it, held while the desk is locked
        self._started = False  # the first load has begun (follow() reads again only after it)
        self._generation = 0  # the last read asked for: an earlier one landing late is dropped
        self._done: Callable[[int], None] | None = None  # the first load's, until a read lands
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        body = QWidget(self)
        self.summary = QLabel(body)
        self.summary.setObjectName("remindersSummary")
        self.summary.setWordWrap(True)
        self.dismiss = QPushButton(body)
        self.dismiss.setObjectName("remindersDismiss")
        self.dismiss.clicked.connect(self.close)
        self.model = ReminderModel(self)
        self.view = QTableView(body)
        self.view.setObjectName("remindersView")
        self.view.setModel(self.model)
        configure_table(self.view, ReminderModel.REASON, (90, 90, 190, 110, 100))
        self.view.activated.connect(self._activated)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.dismiss)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 2, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.setWidget(body)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Re-assessment reminders"))
        self.dismiss.setText(self.tr("Dismiss"))
        self.dismiss.setToolTip(self.tr("Hide the list; the count stays in the status bar."))
        self._show_summary()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        # The reminder's words whole in this language ("re-assess now (situation cha…" in 190 pixels).
        widest = max(self.view.fontMetrics().horizontalAdvance(state_text(state)) for state in STATES)
        self.view.setColumnWidth(ReminderModel.STATE, max(self.view.columnWidth(ReminderModel.STATE), widest + 24))
        if self.count_button is not None:
            self.count_button.retranslate()

    def load(self) -> None:
        """The first load, after start-up: it counts over every client, so it waits until
        the window's first rows are on screen."""
        self.refresh(self.on_loaded)

    def follow(self) -> None:
        """Read the list again (the desk changed a client, or refreshed its lists): once the
        first load has begun, never before it (that one waits for the window's first rows)."""
        if self._started:
            self.refresh()

    def refresh(self, done: Callable[[int], None] | None = None) -> None:
        """Read the count and the list off the GUI thread; only the last read asked for is
        shown (an earlier one landing late is older), and none after `clear()` (logout)."""
        self._started = True
        self._generation += 1
        generation = self._generation
        self._done = done = done or self._done  # a read that replaces the first load does what it would

        def fetch() -> tuple[int, list[Reminder]]:
            return self.services.reminders.count(self.actor), self.services.reminders.reminders(self.actor, limit=SHOWN)

        def show(answer: tuple[int, list[Reminder]]) -> None:
            if generation != self._generation:
                return
            self._done = None
            self.total, rows = answer
            self._set_rows(rows)
            self._show_summary()
            if self.count_button is not None:
                self.count_button.retranslate()
            if done is not None:
                done(self.total)

        def failed(_exc: BaseException) -> None:
            if generation == self._generation:
                self.summary.setText(self.tr("Reminders could not be loaded."))

        self.runner.start(Job(fetch), show, failed)

    def _set_rows(self, rows: list[Reminder]) -> None:
        """The new list, with the reminder the clerk was on still selected if it is listed."""
        current = self.view.currentIndex()
        account = self.model.row_object(current.row()).investor.account if current.isValid() else None
        self.model.set_rows(rows)
        for row, reminder in enumerate(rows):
            if reminder.investor.account == account:
                self.view.setCurrentIndex(self.model.index(row, current.column()))
                break

    def _show_summary(self) -> None:
        if self.total is None:
            self.summary.setText(self.tr("Loading reminders…"))
        elif self.total == 0:
            self.summary.setText(self.tr("No client needs a re-assessment now."))
        else:
            shown = self.model.rowCount()
            text = self.tr("{n} clients need a re-assessment (expired, expiring soon, or their situation changed).")
            text = text.format(n=self.total)
            if shown < self.total:
                text += " " + self.tr("The first {shown} are listed.").format(shown=shown)
            changed = self.model.changed_count()
            if changed:
                text += " " + self.tr(
                    "Records changed outside suitcheck among them (marked in red): {n}; every check about such a "
                    "client blocks, and compliance should run audit verify."
                ).format(n=changed)
            self.summary.setText(text + " " + self.tr("Double-click or press Enter to select a client."))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.client_requested.emit(self.model.row_object(index.row()).investor.account)

    def clear(self) -> None:
        self._generation += 1  # a read still under way shows nothing after logout
        self._done = None
        self.model.set_rows([])
        self.held = None

    def unlocked(self) -> None:
        """The desk is unlocked: show the list if it came in while locked."""
        held, self.held = self.held, None
        if held is not None:
            held()


class ReminderCount(QToolButton):
    """The status bar's count; a click brings the panel back."""

    def __init__(self, panel: RemindersPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersCount")
        self.panel = panel
        self.setAutoRaise(True)
        self.clicked.connect(self._show_panel)
        self.retranslate()

    def retranslate(self) -> None:
        total = self.panel.total
        self.setText(self.tr("Reminders: {n}").format(n="…" if total is None else total))
        self.setToolTip(self.tr("Clients to re-assess; click to show the list."))

    def _show_panel(self) -> None:
        self.panel.show()
        self.panel.raise_()
        self.panel.view.setFocus()


STRIP_ROWS = 5  # rows shown at start-up on a tall screen; the list scrolls
SHORT_ROWS = 2  # at least, however short the screen
STRIP_SHARE = 0.2  # of the window's height, at most, beyond SHORT_ROWS: the report list needs the rest


def strip_height(panel: RemindersPanel, total: int, window_height: int) -> int:
    """The panel's height at start-up: a strip under the panes, not half the window. On a
    1024x768 screen five rows left the report list two rows; the clerk may drag it taller."""
    row = panel.view.verticalHeader().defaultSectionSize()
    chrome = 90  # title, summary line, header, margins
    wanted = row * min(total, STRIP_ROWS) + chrome
    bound = max(row * min(total, SHORT_ROWS) + chrome, int(window_height * STRIP_SHARE))
    return min(wanted, bound)


def fits_beside(window: QMainWindow, panel: RemindersPanel) -> bool:
    """The window, at its smallest, is no taller than its screen with the panel shown too
    (asked before it is shown: the panel is hidden now)."""
    area = screen_area(window)
    if area is None:
        return True
    separator = window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, window)
    needed = window.minimumSizeHint().height() + panel.minimumSizeHint().height() + separator
    return needed <= area.height()


def install_reminders(
    window: QMainWindow,
    services: Services,
    actor: Actor,
    runner: Runner,
    select_client: Callable[[str], None],
    locked: Callable[[], bool] = lambda: False,
) -> RemindersPanel | None:
    """Add the panel and the status bar count to a main window, for advisors and
    compliance; nothing for other roles. The list loads when `panel.load()` is called
    (the window does so once its first rows are in) and the panel shows itself then if
    there is anything to do; if the desk is `locked()` by then, once `panel.unlocked()`."""
    if actor.role not in ROLES:
        return None
    panel = RemindersPanel(services, actor, runner, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
    count = ReminderCount(panel, window)
    panel.count_button = count
    window.statusBar().insertPermanentWidget(0, count)
    panel.client_requested.connect(select_client)

    def loaded(total: int) -> None:
        count.retranslate()
        if locked():  # never beside the lock screen: the list names clients
            panel.held = lambda: show(total)
            return
        show(total)

    def show(total: int) -> None:
        # Shown at start-up when there is something to do, and the desk still fits its
        # screen beside it: on a 1366x768 screen at 150 % it pushed the status bar and its
        # own last rows off the bottom. Otherwise the count in the status bar says how
        # many, and a click on it shows the list.
        panel.setVisible(total > 0 and fits_beside(window, panel))
        if panel.isVisible():
            window.resizeDocks([panel], [strip_height(panel, total, window.height())], Qt.Orientation.Vertical)

    panel.hide()
    panel.on_loaded = loaded
    return panel
