"""The branch clerk's window: find a client, find a report, see the decision, open it.

The window only wires its panes (gui/client_pane.py, gui/report_pane.py,
gui/decision_panel.py) and the dialogs (gui/dialogs/) to the services; rules live in
domain/ and permissions in services/."""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from suitcheck.about import third_party_notices, version_text
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Permission, may
from suitcheck.domain.text import escape_controls
from suitcheck.gui import dialogs, texts
from suitcheck.gui.client_pane import ClientPane
from suitcheck.gui.clipboard import CopiedText
from suitcheck.gui.compliance_actions import ComplianceActions
from suitcheck.gui.decision_panel import DecisionPane
from suitcheck.gui.dialogs.settings import idle_minutes as saved_idle_minutes
from suitcheck.gui.errors import show_error
from suitcheck.gui.i18n import LANGUAGES, app_instance
from suitcheck.gui.messages import error_text
from suitcheck.gui.models import ReportTableModel
from suitcheck.gui.reminders_panel import RemindersPanel, install_reminders
from suitcheck.gui.report_pane import DEBOUNCE_MS as DEBOUNCE_MS  # the benchmark waits on it
from suitcheck.gui.report_pane import ReportPane
from suitcheck.gui.widgets import ElidedLabel, run_dialog
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.access import CheckResult, OpenedReport, Verdicts
from suitcheck.services.branches import BranchView
from suitcheck.services.errors import DecisionRefuses, ServiceError
from suitcheck.services.investors import InvestorView
from suitcheck.services.reports import ReportFilter, ReportView
from suitcheck.services.settle import CLIENT

if TYPE_CHECKING:
    from suitcheck.gui.pdf_view import PdfPages

log = logging.getLogger(__name__)

CHECK_SETTLE_MS = 250
# A check still unanswered after this long is waiting for the store (another program or
# desk holds its lock, up to the busy timeout): the panel says so instead of "Checking…".
CHECK_WAIT_NOTICE_MS = 800
# While report windows are open, how often the desk asks whether the client may still be
# given their reports (recheck_viewers): a change made at another desk reaches no check here.
VIEWER_RECHECK_MS = 30_000
# How often an idle desk looks whether the firm's day has changed under the decision and
# the column it shows (an assessment expires at midnight; the desk's clock says), and asks
# the store, with one preview of the report on screen, whether another desk changed the
# policy, the client or the report under them (_watch_the_store).
DAY_WATCH_MS = 60_000


def _discard(pages: PdfPages | None) -> None:
    """A PDF read for a window that is not shown: its document is given back now."""
    if pages is not None:
        pages.close()


def _report_of(viewer: QWidget) -> int | None:
    """The report a report window shows (ReportViewer.opened)."""
    opened = getattr(viewer, "opened", None)
    return opened.report_id if isinstance(opened, OpenedReport) else None


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    language_requested = Signal(str)
    first_rows_shown = Signal()  # both lists have their first page (or said why not)

    def __init__(
        self,
        services: Services,
        actor: Actor,
        settings: QSettings,
        *,
        demo: bool = False,
        idle_minutes: int | None = None,
    ) -> None:
        super().__init__()
        self.services, self.actor, self.settings, self.demo = services, actor, settings, demo
        self.setObjectName("mainWindow")
        self.runner = Runner(self)
        # The checks' own runner: a check waiting for another program's lock does not hold
        # up closing the window (logout, quit: closeEvent waits for `runner` only), and its
        # answer, once the window is gone, is dropped with the window's (workers.Runner).
        self.check_runner = Runner(self)
        self.copied = CopiedText(self)  # taken off the clipboard at the lock and at logout
        self.viewers: list[QWidget] = []  # open report windows; each belongs to self.client
        self._opening = False  # a report is being read for a window: Open waits for it
        self._viewers_closed = 0  # counts close_viewers(): a reading started before is not shown
        self._checked: tuple[object, object] | None = None  # (client, report) views the last check was recorded for
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_SETTLE_MS)
        self._check_timer.timeout.connect(self.check)
        # The check runs off the GUI thread (it waits for the store's lock when another
        # program or desk holds it): one at a time, its answer shown only for the pair it
        # was asked for.
        self._checking: tuple[InvestorView, ReportView] | None = None  # the check under way
        self._check_again = False  # another pair was asked for meanwhile: checked once it lands
        self._open_when_decided: tuple[InvestorView, ReportView] | None = None  # a double-click waiting
        self._check_failed: tuple[InvestorView, ReportView, BaseException] | None = None  # said in the panel
        # What the column's previews were derived under (policy version, day): a recorded
        # check made under another says they are out of date.
        self._verdicts_basis: Verdicts | None = None
        self._watching = False  # watch_the_day's preview is under way
        # A dialog of this desk that changes the client or report on screen is open
        # (changing_here): what the watch finds changed may be its doing, not another desk's.
        self._changing_here = 0
        # The decision on screen that last had a late preview read again (once per decision:
        # a desk whose clock's day is not yet the server's would otherwise preview for ever).
        self._outdated_preview: CheckResult | None = None
        # Check (or Open) pressed while the client typed into the search is not yet found:
        # decided (and opened) for that client once the search shows them.
        self._check_after_search = False
        self._open_after_search = False
        self._waiting_notice = QTimer(self)
        self._waiting_notice.setSingleShot(True)
        self._waiting_notice.setInterval(CHECK_WAIT_NOTICE_MS)
        self._waiting_notice.timeout.connect(self._show_no_decision)
        self._viewer_recheck = QTimer(self)
        self._viewer_recheck.setInterval(VIEWER_RECHECK_MS)
        self._viewer_recheck.timeout.connect(self.recheck_viewers)
        self._build()
        self._build_menus()
        self.compliance_actions = ComplianceActions(self)
        self.retranslate()
        self._restore_layout()
        minutes = idle_minutes if idle_minutes is not None else saved_idle_minutes(settings)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(max(1, minutes) * 60_000)
        self.idle_timer.timeout.connect(lambda: self.lock(idle=True))
        self._day_watch = QTimer(self)
        self._day_watch.setInterval(DAY_WATCH_MS)
        self._day_watch.timeout.connect(self.watch_the_day)
        self._day_watch.start()
        app_instance().installEventFilter(self)
        self.idle_timer.start()
        self.locked = False  # the lock screen is up
        self.session_over = False  # logged out (switch user): nothing more is shown
        self._when_unlocked: list[Callable[[], None]] = []  # what work ended in under the lock
        self.reminders = install_reminders(
            self, services, actor, self.runner, self._select_account, lambda: self.locked
        )
        # The first screen is the two lists; what reads over the whole store (reminders,
        # the publisher list) starts once both first pages are in (or failed), so it never
        # delays them.
        self._awaiting_first: set[str] | None = {"clients", "reports"}
        self.client_model.modelReset.connect(lambda: self._first_page_in("clients"))
        self.client_pane.failed.connect(lambda _: self._first_page_in("clients"))
        self.report_pane.searched.connect(lambda _: self._first_page_in("reports"))
        self.report_pane.failed.connect(lambda _: self._first_page_in("reports"))
        self.refresh_clients()
        self.refresh_reports()
        self.client_search.setFocus()

    @property
    def first_rows_in(self) -> bool:
        """Both lists have their first page (or said why not)."""
        return self._awaiting_first is None

    def _first_page_in(self, which: str) -> None:
        if self._awaiting_first is None:
            return
        self._awaiting_first.discard(which)
        if not self._awaiting_first:
            self._awaiting_first = None
            self.report_pane.fill_publishers()
            if self.reminders is not None:
                self.reminders.load()
            self.first_rows_shown.emit()

    # -- what is on screen (the panes own it) -------------------------------------------
    @property
    def client(self) -> InvestorView | None:
        return self.client_pane.client

    @property
    def report(self) -> ReportView | None:
        return self.report_pane.report

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("mainSplitter")
        self.client_pane = ClientPane(self.services, self.actor, self.runner, self.splitter)
        self.client_pane.client_changed.connect(self._client_changed)
        self.client_pane.failed.connect(self._error)
        self.client_pane.searched.connect(self._client_search_landed)
        self.client_pane.search.textChanged.connect(lambda _: self._update_actions())  # Ctrl+O: for the typed

        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self.splitter)
        self.right_splitter.setObjectName("rightSplitter")
        self.report_pane = ReportPane(self.services, self.actor, self.runner, self.right_splitter)
        self.report_pane.report_changed.connect(self._report_changed)
        self.report_pane.searched.connect(self.search_completed)
        self.report_pane.failed.connect(self._error)
        self.report_pane.view.doubleClicked.connect(self._report_double_clicked)
        self.report_pane.view.enter_pressed.connect(self.check)
        self.report_pane.model.rowsInserted.connect(lambda *_: self._refresh_verdicts())
        self.decision_pane = DecisionPane(self.right_splitter)
        self.decision_pane.check_button.clicked.connect(self.check)
        self.decision_pane.open_button.clicked.connect(self.open_report)
        self.decision_pane.override_button.clicked.connect(self.record_override)
        self.right_splitter.addWidget(self.report_pane)
        self.right_splitter.addWidget(self.decision_pane)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)
        self.splitter.addWidget(self.client_pane)
        self.splitter.addWidget(self.right_splitter)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QHBoxLayout(central)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        # Short names for what tests, the benchmark and the screenshots drive.
        self.client_model, self.report_model = self.client_pane.model, self.report_pane.model
        self.client_model.modelReset.connect(self._show_idle_hint)
        self.client_search, self.clients_view = self.client_pane.search, self.client_pane.view
        self.client_proxy, self.client_details = self.client_pane.proxy, self.client_pane.details
        self.report_search, self.reports_view = self.report_pane.filters.search, self.report_pane.view
        self.report_proxy = self.report_pane.proxy
        self.level_filter = self.report_pane.filters.level
        self.rating_filter = self.report_pane.filters.rating
        self.publisher_filter = self.report_pane.filters.publisher
        self.since_check, self.since_date = self.report_pane.filters.since_check, self.report_pane.filters.since_date
        self.decision = self.decision_pane.panel
        self.check_button = self.decision_pane.check_button
        self.open_button = self.decision_pane.open_button
        self.override_button = self.decision_pane.override_button

        # Tab, the clerk's fast path: client search, client list, report search, report list,
        # then the decision's buttons; the filters after them. Set whole: set pair by pair,
        # the panes' own orders left the branch filter between the report search and its
        # list, and the level filter between Check and the warning button.
        chain = [
            self.client_search,
            self.clients_view,
            self.report_search,
            self.reports_view,
            self.check_button,
            self.open_button,
            self.override_button,
            self.level_filter,
            self.rating_filter,
            self.publisher_filter,
            self.since_check,
            self.since_date,
            self.client_pane.branch_filter,
        ]
        for before, after in zip(chain, chain[1:], strict=False):
            self.setTabOrder(before, after)
        # The user and the store: a store's URL runs long, and the status bar's messages
        # ("This report may not be opened…") need room beside it (_fit_status_bar).
        self.user_label = ElidedLabel(self)
        self.user_label.setObjectName("userLabel")
        self.statusBar().addPermanentWidget(self.user_label)
        self.branch_label = QLabel(self)
        self.branch_label.setObjectName("branchLabel")
        self.statusBar().addPermanentWidget(self.branch_label)
        self._branch = self._own_branch()
        self._update_actions()

    def _own_branch(self) -> BranchView | None:
        try:
            return self.services.branches.mine(self.actor)
        except ServiceError:
            return None  # the window's first action says why; the status bar just shows no branch

    def _branch_text(self) -> str:
        """Whose clients this window shows: the branch, or every branch for head office."""
        own = self._branch
        name = f"{own.code} {own.name}" if own else "—"
        if self.actor.firm_wide:
            return self.tr("All branches (head office, {branch})").format(branch=name)
        return self.tr("Branch: {branch}").format(branch=name)

    def _action(
        self, menu: Any, name: str, slot: Callable[[], Any], shortcut: Any = None, permission: Permission | None = None
    ) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda *_: slot())
        if permission is not None and not may(self.actor.role, permission):
            action.setVisible(False)  # hidden here; refused in the services regardless
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.find_client_action = self._action(self.file_menu, "findClient", self._focus_client_search, "Ctrl+L")
        self.find_report_action = self._action(
            self.file_menu, "findReport", self._focus_report_search, QKeySequence.StandardKey.Find
        )
        self.file_menu.addSeparator()
        self.check_action = self._action(self.file_menu, "checkAction", self.check, "Ctrl+Return")
        self.open_action = self._action(self.file_menu, "openAction", self.open_report, QKeySequence.StandardKey.Open)
        self.file_menu.addSeparator()
        self.lock_action = self._action(self.file_menu, "lockAction", lambda: self.lock(idle=False), "Ctrl+Shift+L")
        self.switch_action = self._action(self.file_menu, "switchUser", self.switch_user_requested.emit)
        self.quit_action = self._action(self.file_menu, "quitAction", self.close, QKeySequence.StandardKey.Quit)

        self.compliance_menu = bar.addMenu("")
        self.import_action = self._action(
            self.compliance_menu, "importAction", self.import_reports, "Ctrl+I", Permission.IMPORT_REPORTS
        )
        self.rating_action = self._action(self.compliance_menu, "ratingAction", self.review_reports)
        self.reread_action = self._action(self.compliance_menu, "rereadAction", self.reread_reports)
        # A report's level decides for every branch: offered to whoever the services let
        # rate reports (head office's compliance), not to a branch's officer they refuse.
        rating_offered = self.services.reports.rating_refused(self.actor) is None
        self.rating_action.setVisible(rating_offered)
        self.reread_action.setVisible(rating_offered)
        self.clients_action = self._action(
            self.compliance_menu, "clientsAction", self.manage_client, "Ctrl+N", Permission.EDIT_CLIENTS
        )
        self.edit_client_action = self._action(
            self.compliance_menu, "editClientAction", self.edit_client, None, Permission.EDIT_CLIENTS
        )
        self.import_clients_action = self._action(
            self.compliance_menu, "importClientsAction", self.import_clients, None, Permission.EDIT_CLIENTS
        )
        self.assess_action = self._action(
            self.compliance_menu, "assessAction", self.assess_client, None, Permission.EDIT_CLIENTS
        )
        self.audit_action = self._action(
            self.compliance_menu, "auditAction", self.audit_log, None, Permission.VIEW_AUDIT
        )
        self.verify_action = self._action(
            self.compliance_menu, "verifyAction", self.verify_audit, None, Permission.VERIFY_AUDIT
        )

        self.staff_action = self._action(
            self.compliance_menu, "staffAction", self.manage_staff, None, Permission.MANAGE_STAFF
        )
        self.compliance_menu.menuAction().setVisible(any(a.isVisible() for a in self.compliance_menu.actions()))
        self.settings_menu = bar.addMenu("")
        self.language_menu = self.settings_menu.addMenu("")
        self.language_actions = {}
        for code, label in LANGUAGES.items():
            act = QAction(label, self)
            act.setObjectName(f"language_{code}")
            act.triggered.connect(lambda *_, c=code: self.language_requested.emit(c))
            self.language_menu.addAction(act)
            self.language_actions[code] = act
        self.settings_action = self._action(self.settings_menu, "settingsAction", self.open_settings)
        self.policy_action = self._action(
            self.settings_menu, "policyAction", self.edit_policy, None, Permission.CHANGE_POLICY
        )
        self.help_menu = bar.addMenu("")
        self.about_action = self._action(self.help_menu, "aboutAction", self.about)

    def retranslate(self) -> None:
        # A passing word ("7 reports shown") would stay in the language before until it ends.
        self.statusBar().clearMessage()
        self.setWindowTitle(self.tr("suitcheck — investor suitability") + (self.tr(" [DEMO]") if self.demo else ""))
        self.client_pane.retranslate()
        self.report_pane.retranslate()
        self.decision_pane.retranslate()
        self._keep_decision_columns_whole()  # their words are now in another language
        self.file_menu.setTitle(self.tr("&File"))
        self.find_client_action.setText(self.tr("Find client"))
        self.find_report_action.setText(self.tr("Find report"))
        self.check_action.setText(self.tr("Check and record"))
        self.open_action.setText(self.tr("Open report"))
        self.lock_action.setText(self.tr("Lock"))
        self.switch_action.setText(self.tr("Switch user…"))
        self.quit_action.setText(self.tr("Quit"))
        self.compliance_menu.setTitle(self.tr("&Compliance"))
        self.import_action.setText(self.tr("Import reports…"))
        self.rating_action.setText(self.tr("Reports needing a rating or with findings…"))
        self.reread_action.setText(self.tr("Re-read reports with the subject table…"))
        self.clients_action.setText(self.tr("Add client…"))
        self.edit_client_action.setText(self.tr("Edit selected client…"))
        self.import_clients_action.setText(self.tr("Import clients from a core-system file…"))
        self.assess_action.setText(self.tr("Record an assessment made elsewhere…"))
        self.audit_action.setText(self.tr("Audit log…"))
        self.verify_action.setText(self.tr("Verify audit trail"))
        self.staff_action.setText(self.tr("Staff accounts…"))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.language_menu.setTitle(self.tr("Language"))
        self.settings_action.setText(self.tr("Preferences…"))
        self.policy_action.setText(self.tr("Suitability policy…"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("About suitcheck"))
        self.compliance_actions.retranslate()
        reminders: RemindersPanel | None = getattr(self, "reminders", None)
        if reminders is not None:
            reminders.retranslate()
        store = self.services.store.display_name
        user_and_store = self.tr("{user} ({role}) · {store}").format(
            user=escape_controls(self.actor.display_name or self.actor.username),
            role=texts.role_text(self.actor.role.value),
            store=store,
        )
        # Who is logged in stays whole; a long store address is what gets cut.
        whole = len(user_and_store) - len(store) if user_and_store.endswith(store) else 0
        self.user_label.set_full_text(user_and_store, keep=whole)
        self.branch_label.setText(self._branch_text())
        if self.decision.result is None:
            self._show_no_decision()
        else:
            self._show_decision(self.decision.result)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_status_bar()

    def _fit_status_bar(self) -> None:
        """The user and store label takes at most a third of the bar (elided, whole in its
        tooltip): the rest is the messages' (left) and the branch's."""
        self.user_label.setMaximumWidth(max(120, self.width() // 3))

    # -- layout persistence ---------------------------------------------------------------
    def _restore_layout(self) -> None:
        self.resize(1366, 768)
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/splitter", self.splitter.restoreState),
            ("window/right_splitter", self.right_splitter.restoreState),
            ("window/clients_header", self.clients_view.horizontalHeader().restoreState),
            ("window/reports_header", self.reports_view.horizontalHeader().restoreState),
        ):
            value = self.settings.value(key)
            # Only what Qt saved (bytes): a value edited by hand into text or a number made
            # the restore raise, and the window never opened after the login. Bytes that are
            # not a layout are refused by Qt itself (the default layout stays).
            if isinstance(value, (QByteArray, bytes)):
                restore(value)
            elif value is not None:
                log.warning("settings: %s is not a saved layout; the default is used", key)
        if self.settings.value("window/splitter") is None:
            self.splitter.setSizes([500, 866])
            self.right_splitter.setSizes([440, 300])
        self._fit_to_screen()
        self.client_pane.set_column_modes()
        self._fit_report_columns = self.settings.value("window/reports_header") is None

    def _fit_to_screen(self) -> None:
        """Keep the window within its screen's free area: the default 1366x768, or a layout
        saved on a larger desktop, on a 1024x768 screen would open with its right edge and
        buttons off the screen. A window that does not fit opens maximized (what a clerk's
        small screen wants), and its normal size is cut to the screen for when it is restored."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        if area.contains(self.frameGeometry()):
            return
        self.resize(min(self.width(), area.width()), min(self.height(), area.height()))
        self.move(area.topLeft())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/right_splitter", self.right_splitter.saveState())
        self.settings.setValue("window/clients_header", self.clients_view.horizontalHeader().saveState())
        self.settings.setValue("window/reports_header", self.reports_view.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_viewers()  # logging out closes the client's report windows
        # Quitting ends the session too: what the clerk copied does not outlive the program
        # (Windows keeps the clipboard after it ends, a Linux clipboard manager takes it over).
        self.copied.forget()
        self.save_layout()
        app_instance().removeEventFilter(self)
        # A closed desk never locks later: its idle lock would open a modal lock screen,
        # for a session no one sees, over whatever the program shows then.
        self.idle_timer.stop()
        if self.runner.busy():  # the window's own short reads; a dialog's export is not waited for here
            self.runner.wait(10_000)
        super().closeEvent(event)

    # -- idle lock --------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        ):
            self.idle_timer.start()
        return False

    def lock(self, idle: bool = True) -> None:
        """Like a password manager's lock: report windows close, every other window of the
        program is hidden (or covered, for a modal dialog that must keep its state), and
        only the password of the same user unlocks. Switch user ends the session. `idle`:
        the idle timer locked it, not the clerk (the lock screen says which)."""
        self.idle_timer.stop()
        self.close_viewers()
        self._open_after_search = False  # an opening pressed before the lock opens nothing after it
        self.copied.forget()  # nothing of the session to paste elsewhere while the desk is left
        self.locked = True
        dialog = dialogs.LockDialog(self.services, self.actor, self, running=self.running_work, idle=idle)
        hidden, covers = self._hide_windows(except_for=dialog)
        central = self.centralWidget()
        assert central is not None
        central.setVisible(False)  # nothing readable behind the lock
        docks = [d for d in self.findChildren(QDockWidget) if d.isVisible()]
        for dock in docks:  # the reminders list names clients too
            dock.hide()
        result = run_dialog(dialog)
        self.locked = False
        waiting, self._when_unlocked = self._when_unlocked, []
        if result == dialogs.LockDialog.SWITCH_USER:
            for cover in covers:
                cover.deleteLater()
            self.end_session()
            # Let the stack of dialogs unwind before the login screen comes up.
            QTimer.singleShot(0, self.switch_user_requested.emit)
            return
        central.setVisible(True)
        for dock in docks:
            dock.show()
        if self.reminders is not None:
            self.reminders.unlocked()  # the list that came in while locked
        for widget in hidden:
            widget.show()
        for cover in covers:
            cover.deleteLater()
        for shown in waiting:  # the same user is back: what their work ended in, as it ended
            shown()
        self.idle_timer.start()
        # The watch did not run under the lock: a new day, or a change made at another desk
        # meanwhile, is looked for now, not up to a minute after the clerk is back.
        self.watch_the_day()

    def when_present(self, fn: Callable[[], None]) -> None:
        """Show what background work ended in (gui/session.py): now, after the same user
        unlocks, or never once the session has ended."""
        if self.session_over:
            return
        if self.locked:
            self._when_unlocked.append(fn)
            return
        fn()

    def running_work(self) -> list[str]:
        """For the lock screen: the long work still running in this session's dialogs,
        each a sentence saying what switching user does to it."""
        said = []
        for widget in QApplication.topLevelWidgets():
            running = getattr(widget, "running_work", None)
            if widget is not self and isinstance(widget, QDialog) and widget.isVisible() and callable(running):
                text = running()
                if text:
                    said.append(text)
        return said

    def _hide_windows(self, except_for: QWidget) -> tuple[list[QWidget], list[QWidget]]:
        """Hide the program's other visible windows; a modal dialog (hiding it would end
        it) gets an opaque cover instead."""
        hidden: list[QWidget] = []
        covers: list[QWidget] = []
        for widget in QApplication.topLevelWidgets():
            if widget is self or widget is except_for or not widget.isVisible():
                continue
            if widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                widget.close()  # a dropped-down list, a menu, a tooltip: shown again, it would float detached
                continue
            if isinstance(widget, QDialog) and widget.isModal():
                cover = QLabel(self.tr("Locked"), widget)
                cover.setObjectName("lockCover")
                cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
                cover.setAutoFillBackground(True)
                cover.setGeometry(widget.rect())
                cover.raise_()
                cover.show()
                covers.append(cover)
            else:
                widget.hide()
                hidden.append(widget)
        return hidden, covers

    def close_viewers(self) -> None:
        """Close the report windows, and drop a report still being read for one (lock,
        logout, another client): it must not come up over the lock or for the next client."""
        self._viewers_closed += 1
        self._open_when_decided = None  # a double-click still waiting for its decision opens nothing
        for viewer in list(self.viewers):
            viewer.close()
        self.viewers.clear()

    def _close_viewers_of(self, report_id: int) -> None:
        """Close this report's windows, and drop a reading of it still under way: a decision
        about the client on screen now refuses it (a check, or the service at an opening)."""
        self._viewers_closed += 1  # a reading in flight is of the report on screen, or dropped anyway
        self._open_when_decided = None
        for viewer in list(self.viewers):
            opened = getattr(viewer, "opened", None)
            if opened is not None and opened.report_id == report_id:
                viewer.close()
                self.viewers.remove(viewer)

    def end_session(self) -> None:
        """Log out: close every window of this session and forget what was on screen. Long
        work in its dialogs stops if it can (session_ending); what cannot finishes as the
        starter's, and nothing it ends in is shown (when_present)."""
        self.session_over = True
        self._when_unlocked = []
        self.idle_timer.stop()
        self.close_viewers()
        self.copied.forget()
        for widget in QApplication.topLevelWidgets():
            if widget is not self and isinstance(widget, QDialog) and widget.isVisible():
                ending = getattr(widget, "session_ending", None)
                if callable(ending):
                    ending()
                widget.done(QDialog.DialogCode.Rejected)  # ends a modal dialog's loop too
        self._check_timer.stop()
        self._waiting_notice.stop()
        self._open_when_decided = None
        self._check_again = False
        self._check_failed = None
        self._check_after_search = self._open_after_search = False
        self.client_pane.clear()
        self.report_pane.clear()
        if self.reminders is not None:
            self.reminders.clear()
        self.hide()

    # -- clients and reports -------------------------------------------------------------
    def _focus_client_search(self) -> None:
        self.client_pane.focus_search()

    def _focus_report_search(self) -> None:
        self.report_pane.focus_search()

    def _select_account(self, account: str) -> None:
        """Show a client named elsewhere (a reminder) as if the clerk had searched for it,
        in every branch the clerk sees: head office's branch filter, left on another
        branch, found nobody and left the list empty."""
        self.client_pane.show_all_branches()
        self.client_search.setText(account)
        self.client_pane.refresh()  # the reminders stay as they are: the clerk works down them

    def refresh_clients(self) -> None:
        """The client list read again (after a change at this desk, or to see others'):
        the reminders follow the store too, off the GUI thread."""
        self.client_pane.refresh()
        if self.reminders is not None:
            self.reminders.follow()

    def refresh_reports(self) -> None:
        self.report_pane.refresh()

    def current_filter(self) -> ReportFilter:
        return self.report_pane.filters.current()

    def _client_changed(self, client: InvestorView | None) -> None:
        """Report windows belong to the client they were opened for."""
        if client is None or not any(getattr(v, "client_id", None) == client.id for v in self.viewers):
            self.close_viewers()
        self._refresh_verdicts(reset=True)
        if client is not None and self.report is not None:
            self._check_unless_decided()
        else:
            self._check_timer.stop()
            self.decision.show_hint(self._idle_hint())
            self._update_actions()

    def _report_changed(self, report: ReportView | None) -> None:
        if report is None:
            self._check_timer.stop()
            self.decision.show_hint(self._idle_hint())
        elif self.client is not None:
            self._check_unless_decided()
        else:
            self.decision.show_hint(self.tr("Now select the client."))
        self._update_actions()

    def _idle_hint(self) -> str | None:
        """On a store with nothing to pick yet (no reports, or no clients, and no filter
        hiding them), what to do first; otherwise None, the usual hint."""
        no_reports = self.report_model.rowCount() == 0 and self.current_filter() == ReportFilter()
        no_clients = (
            self.client_model.rowCount() == 0
            and not self.client_pane.search.text().strip()
            and self.client_pane.branch_filter.currentData() is None
        )
        steps = []
        if no_reports:
            steps.append(self.tr("import research reports (Compliance, Import reports…, Ctrl+I)"))
        if no_clients:
            steps.append(self.tr("add clients (Compliance, Add client…, Ctrl+N) or import them from the core system"))
        if not steps:
            return None
        return self.tr("Nothing to check yet. First: {steps}.").format(steps="; ".join(steps))

    def _show_idle_hint(self) -> None:
        if self.decision.result is None:
            self._show_no_decision()

    def _show_no_decision(self) -> None:
        """The panel with no decision on it: the check of the pair on screen under way (or
        waiting for the store), why the last one for it was not given, or what to do next."""
        pair = (self.client, self.report)
        if self._checking is not None and self._checking == pair:
            if self._waiting_notice.isActive():
                self.decision.show_hint(self.tr("Checking…"))
            else:
                self.decision.show_hint(
                    self.tr(
                        "Waiting for the store: another program or desk is holding it. The decision is shown "
                        "as soon as it is free; nothing is allowed until then."
                    )
                )
            return
        failed = self._check_failed
        if failed is not None and (failed[0], failed[1]) == pair:
            self.decision.show_hint(
                self.tr("Not checked, so nothing is allowed: {reason}").format(reason=error_text(failed[2]))
            )
            return
        self.decision.show_hint(self._idle_hint())

    def search_completed(self, count: int) -> None:
        """Hook for the status bar (and for tests and the benchmark to wait on)."""
        self._refresh_verdicts(reset=True)
        self._show_idle_hint()
        if count and self._fit_report_columns:
            # First start: every column but the title fits its content (in this language);
            # the title takes the rest and elides, with the full title as tooltip.
            self._fit_report_columns = False
            for column in range(self.report_model.columnCount()):
                if column != ReportTableModel.TITLE:
                    self.reports_view.resizeColumnToContents(column)
        self._keep_decision_columns_whole()
        self.statusBar().showMessage(
            self.tr("{n} reports shown").format(n=count) + ("+" if self.report_model.canFetchMore() else ""), 4000
        )

    def watch_the_day(self) -> None:
        """A desk left as it was past midnight (the firm's day) showed yesterday's decision,
        ALLOWED for an assessment that expired at midnight, with Open enabled, and the
        column's verdicts of yesterday, until someone touched it. Once the day has changed,
        the decision is taken off the panel (check again: Enter) and the column previewed
        again; nothing is recorded until the clerk checks. Then a change made at another
        desk is looked for the same way (_watch_the_store)."""
        if self.locked or self.session_over:
            return
        today = self.services.ctx.shown_today()
        result = self._current_result()
        decided_before = result is not None and result.decision.decided_on != today
        if decided_before:
            self.decision.show_hint(
                self.tr(
                    "A new day has begun since this decision (an assessment may have expired): check again (Enter)."
                )
            )
            self._update_actions()
        if decided_before or (self._verdicts_basis is not None and self._verdicts_basis.day != today):
            self._refresh_verdicts(reset=True)
        self._watch_the_store()

    def _watch_the_store(self) -> None:
        """Another desk changed what the decision and the column were derived from (the
        policy, the client, the report), and an idle desk kept showing them (the warning
        button or Open beside a decision the services no longer give). One preview of the
        report on screen and of the column's rows tells: the services say whether the
        decision on screen still stands (Verdicts.overturns) and whether the column's
        verdicts do (Verdicts.overtaken_by, and each row's outcome as the column shows it:
        a report re-rated elsewhere, not on screen, kept its ✓). What no longer stands is
        taken off the panel (check again: Enter) and the column previewed again; nothing
        is recorded."""
        client, result, basis = self.client, self._current_result(), self._verdicts_basis
        if client is None or self._watching or self._checking is not None or (result is None and basis is None):
            return
        report = self.report
        ids = [r.id for r in self.report_model.objects()] if basis is not None else []
        if result is not None and result.report_id not in ids:
            ids.append(result.report_id)
        self._watching = True
        self.runner.start(
            Job(self.services.access.preview, self.actor, client.id, ids),
            lambda later: self._watch_landed(client, report, result, basis, later),
            lambda exc: self._watch_failed(client, report, result, basis, exc),
        )

    def _watch_landed(
        self,
        client: InvestorView,
        report: ReportView | None,
        result: CheckResult | None,
        basis: Verdicts | None,
        later: Verdicts,
    ) -> None:
        self._watching = False
        if self.session_over or self.client is not client:
            return  # another client (or nobody) since: chosen anew, decided anew
        if self._checking is not None:
            # The clerk checked meanwhile: that check decides, shows the client as stored
            # and previews the column again (_check_landed); the client swapped under it
            # here had its answer dropped as if the clerk had moved on.
            return
        stale = result is not None and self.decision.result is result and later.overturns(result)
        if result is not None and stale:
            if later.policy_version != result.decision.policy_version:
                hint = self.tr(
                    "The firm's suitability policy was changed (now version {version}) since this decision: "
                    "check again (Enter)."
                ).format(version=later.policy_version)
            elif self._changing_here:
                # A dialog of this desk that changes them is open (the wizard on its done
                # page, the settle dialog on its entry number): the change found may well be
                # its own, not another desk's.
                hint = self.tr("The client or the report was changed since this decision: check again (Enter).")
            else:
                hint = self.tr(
                    "The client or the report was changed at another desk since this decision: check again (Enter)."
                )
            self.decision.show_hint(hint)
            self._update_actions()
            if report is not None:  # the list's level too, where it was re-rated
                self.runner.start(
                    Job(self.services.reports.get, self.actor, report.id),
                    self.report_model.update_report,
                    lambda _exc: None,  # the list keeps the level it showed; the panel asks for a check
                )
        moved = self._column_moved(later, result) if basis is not None and self._verdicts_basis is basis else []
        # The list's level (or red mark), read again only for the rows the store has
        # otherwise: a client re-assessed C5 -> C1 moves hundreds of rows' outcomes and no
        # level, and a read each queued hundreds of reads before the clerk's next search; a
        # report re-rated R2 -> R3 kept its outcome (allowed for C3) and its old level beside it.
        read = report.id if stale and report is not None else None  # read above
        rows = [r for r in self.report_model.objects() if r.id != read]
        for report_id in later.listed_otherwise(rows):
            self.runner.start(
                Job(self.services.reports.get, self.actor, report_id),
                self.report_model.update_report,
                lambda _exc: None,  # the row keeps the level it showed; its verdict follows the store
            )
        if stale or moved or (basis is not None and self._verdicts_basis is basis and basis.overtaken_by(later)):
            self._follow_quietly(client)

    def _column_moved(self, later: Verdicts, result: CheckResult | None) -> list[int]:
        """The column's rows showing an outcome other than the services give now (their
        report re-rated, or its record changed, at another desk); the row of the decision
        on screen is the panel's business (Verdicts.overturns)."""
        return [
            report_id
            for report_id, outcome in later.items()
            if result is None or report_id != result.report_id
            if (shown := self.report_model.verdict(report_id)) is not None and shown is not outcome
        ]

    def _follow_quietly(self, client: InvestorView) -> None:
        """The card, the list's row and the reminders as the store has the client now, then
        the column previewed again for them: the watch found something changed. Unlike
        _follow_the_store, nothing is decided or recorded (the clerk is not at the desk)."""
        if self.reminders is not None:
            self.reminders.follow()

        def show(fresh: InvestorView) -> None:
            if self.session_over or self.client is not client or self._checking is not None:
                return  # another client was chosen meanwhile, or a check follows the store itself
            self.client_model.update_client(fresh)
            self.client_pane.show_as_stored(fresh)
            self._refresh_verdicts(reset=True)

        def failed(_exc: BaseException) -> None:
            if not self.session_over and self.client is client:
                self._refresh_verdicts(reset=True)  # the card stays; the column follows the store

        self.runner.start(Job(self.services.investors.get, self.actor, client.id), show, failed)

    def _watch_failed(
        self,
        client: InvestorView,
        report: ReportView | None,
        result: CheckResult | None,
        basis: Verdicts | None,
        exc: BaseException,
    ) -> None:
        """Fail closed: what cannot be asked about any more is not shown as standing."""
        self._watching = False
        if self.session_over or self.client is not client:
            return
        if result is not None and self.decision.result is result and report is not None:
            self._check_failed = (client, report, exc)
            self._show_no_decision()
            self._update_actions()
        if self._verdicts_basis is basis:
            self.report_pane.set_verdicts({}, True)
            self._verdicts_basis = None
        self._error(exc)

    def _keep_decision_columns_whole(self) -> None:
        """The verdict and the level (with its ⚠ for an open finding) are never cut: as
        wide as their longest text in the language now shown, whatever widths were kept
        from an earlier start (in another language, or narrowed by another user of this
        desktop: the widths are the desktop's settings)."""
        view, metrics = self.reports_view, self.reports_view.fontMetrics()
        padding = 16
        verdict = max(metrics.horizontalAdvance(f"✔ {texts.outcome_text(o)}") for o in Outcome)
        level = max(
            metrics.horizontalAdvance(t)
            for t in (
                *(f"{texts.level_text(x)} ⚠" for x in (*RiskLevel, None)),
                texts.record_changed_text(),
            )
        )
        for column, widest in ((ReportTableModel.VERDICT, verdict), (ReportTableModel.LEVEL, level)):
            view.setColumnWidth(column, max(view.columnWidth(column), widest + padding))

    def _refresh_verdicts(self, reset: bool = False) -> None:
        """The at-a-glance column: a preview for every loaded row (not recorded)."""
        if self.client is None:
            self.report_model.set_verdicts({})
            return
        if reset:
            # Not the last client's verdicts beside this one's name while the preview is
            # derived, nor after it failed (a clock behind the trail refuses it).
            self.report_model.set_verdicts({})
            self._verdicts_basis = None
        ids = [r.id for r in self.report_model.objects() if reset or self.report_model.verdict(r.id) is None]
        if not ids:
            return
        client = self.client

        def show(verdicts: Verdicts) -> None:
            if self.client is not client:
                return  # another client was selected meanwhile
            result = self._current_result()
            if result is not None and verdicts.outdated_by(result) and self._outdated_preview is not result:
                # Read before the decision on screen was recorded under another policy
                # version or on another day (compliance changed the policy at another desk
                # while this preview was on its way; the check landed first, with no
                # previews yet to compare): the column is previewed again, once per decision.
                self._outdated_preview = result
                self._refresh_verdicts(reset=True)
                return
            if reset or self._verdicts_basis is None:
                self._verdicts_basis = verdicts  # rows added later keep the first rows' basis
            shown: dict[int, Outcome] = dict(verdicts)
            if result is not None and result.report_id in shown:
                # The preview was read before the decision on screen was recorded (a slow
                # store; a re-rating meanwhile): beside the panel, the row says what it says.
                shown[result.report_id] = result.decision.outcome
            self.report_pane.set_verdicts(shown, reset)

        self.runner.start(Job(self.services.access.preview, self.actor, client.id, ids), show, self._error)

    def _check_unless_decided(self) -> None:
        """Decide for the client and report now on screen, unless the decision on screen was
        recorded for them exactly as they are stored now: a list refreshed after a search,
        or after a change the desk already decided again for (_change_client), selects the
        same rows again, and that is no new decision to record. Check decides again at will."""
        if self._checked == (self.client, self.report) and self._current_result() is not None:
            self._check_timer.stop()
            self._update_actions()
            return
        self._schedule_check()

    def _schedule_check(self) -> None:
        """Record the decision for the row the clerk settles on, not for every row the
        arrow keys pass over (the at-a-glance column previews those without recording)."""
        if self._checking is not None and self._checking == (self.client, self.report):
            self._check_timer.stop()  # the check of this very pair is under way: its answer will do
            self._show_no_decision()
            self._update_actions()
            return
        self.decision.show_hint(self.tr("Checking…"))
        self._check_timer.start()
        self._update_actions()

    def _report_double_clicked(self, _index: QModelIndex) -> None:
        """Open the row double-clicked. Its first click selected it: the clerk has settled
        on it, so its check is recorded now rather than after the settling time (the
        opening waited for a decision not yet made, and nothing came up)."""
        self.open_report()

    def _open_once_searched(self) -> bool:
        """Open pressed while the client typed into the search is not yet found: it opens
        for that client once the search shows them and their decision allows it (True)."""
        if not self.client_pane.searching:
            return False
        self._open_after_search = True
        self.check()
        self.statusBar().showMessage(self.tr("The report opens once its decision is in."), 6000)
        return True

    def _open_once_decided(self) -> bool:
        """Open pressed (Ctrl+O, a double-click) before the decision on screen is in: the
        check settling is made now, and the report opens once its decision is in, for this
        client and report only (True); False if no check of the pair on screen is coming."""
        if self._check_timer.isActive():
            self.check()
        client, report = self.client, self.report
        if client is None or report is None or self._checking is None:
            return False
        pair = (client, report)
        if self._checking != pair and not self._check_again:
            return False
        # Its decision is not in yet (behind another program's lock, it may take a while;
        # or it is made once the check of the pair before lands).
        self._open_when_decided = pair
        self.statusBar().showMessage(self.tr("The report opens once its decision is in."), 6000)
        return True

    # -- the decision ---------------------------------------------------------------------
    def check(self) -> None:
        """Decide and record (every decision shown to staff is an audit entry), off the GUI
        thread: behind another program's lock the store makes a check wait (up to its busy
        timeout), and the desk keeps running meanwhile. One check at a time: pressed again
        for the pair under way it asks nothing more; asked for another pair meanwhile, that
        one is checked once the first lands (whose answer is then not shown). Pressed while
        the client typed into the search is not yet found, it decides for that client once
        the list shows them, not for the client still on screen."""
        self._check_timer.stop()
        if self.client_pane.searching:
            self._check_after_search = True
            self.decision.show_hint(self.tr("Checking…"))  # no verdict beside another client's account
            self._update_actions()
            return
        client, report = self.client, self.report
        if client is None or report is None:
            self.decision.show_hint(self._idle_hint())
            self._update_actions()
            return
        if self._checking is not None:
            if self._checking != (client, report):
                self._check_again = True
            self._show_no_decision()
            self._update_actions()
            return
        self._checking = (client, report)
        self._check_again = False
        self._check_failed = None
        self._waiting_notice.start()
        self._show_no_decision()
        self._update_actions()
        self.check_runner.start(
            Job(self.services.access.check, self.actor, client.id, report.id),
            lambda result: self._check_landed(client, report, result),
            lambda exc: self._check_landed(client, report, exc),
        )

    def _client_search_landed(self) -> None:
        """The client search shows its answer: a check (and an opening) pressed meanwhile is
        made now, for the client it found (or for none)."""
        self._update_actions()  # Ctrl+O no longer waits for the search
        if not self._check_after_search or self.client_pane.searching or self.session_over:
            return
        self._check_after_search = False
        opening, self._open_after_search = self._open_after_search, False
        self.check()
        pair = (self.client, self.report)
        if opening and not self.locked and self._checking is not None and self._checking == pair:
            self._open_when_decided = self._checking

    @property
    def watching(self) -> bool:
        """The watch's question to the store is under way (for tests to wait on)."""
        return self._watching

    @property
    def checking(self) -> bool:
        """A check is under way (for tests and the benchmark to wait on)."""
        return self._checking is not None

    def _check_landed(self, client: InvestorView, report: ReportView, answer: CheckResult | BaseException) -> None:
        """The check asked for (client, report) is answered: shown only if they are still
        the pair on screen; otherwise the pair now on screen is checked, if one was asked."""
        self._checking = None
        self._waiting_notice.stop()
        opening, self._open_when_decided = self._open_when_decided, None
        if self.session_over:
            return
        if (self.client, self.report) != (client, report):
            self._moved_on(opening)
            return
        self._check_again = False
        if isinstance(answer, BaseException):
            self._check_failed = (client, report, answer)
            # The column's verdicts were derived before by the services that now fail (a
            # clock behind the trail, a store gone or altered): none of them stands beside
            # a panel that says nothing is decided. Choosing the client again fills it.
            self.report_pane.set_verdicts({}, True)
            self._show_no_decision()  # says why in the panel: nothing is allowed
            self._update_actions()
            self._error(answer)
            return
        self._checked = (client, report)
        self._check_timer.stop()  # a settling started for this same pair meanwhile: answered
        client_moved = answer.client_moved_on(client)
        if client_moved:
            # Another desk or the CLI changed the client since the list was read (marked a
            # re-assessment due, set the lowest category...): the report windows and the
            # column's verdicts were given under the client as it was.
            self.close_viewers()
            self.report_model.set_verdicts({})
        self.report_model.add_verdicts({answer.report_id: answer.decision.outcome})
        basis = self._verdicts_basis
        if not client_moved and basis is not None and basis.outdated_by(answer):
            # Decided under a policy version, or on a day, other than the column's previews
            # (compliance changed the policy at another desk; midnight passed): every row
            # is previewed again, the panel's decision standing over its own.
            self._refresh_verdicts(reset=True)
        self._show_decision(answer)
        waiting = opening == (client, report) and not self.locked  # a double-click or Ctrl+O waited for it
        if client_moved:
            # Opened once the client is read again (the window names the client as the
            # decision used them), and only if the decision allows it (open_report).
            self._follow_the_store(client, open_after=waiting)
        if answer.report_moved_on(report):  # re-rated meanwhile: the list's level too
            self.runner.start(
                Job(self.services.reports.get, self.actor, report.id),
                self.report_model.update_report,
                lambda _exc: None,  # the list keeps the level it showed; the panel says the one used
            )
        if waiting and not client_moved:
            self.open_report()  # the double-click that waited for this decision

    def _moved_on(self, opening: tuple[InvestorView, ReportView] | None) -> None:
        """A check landed for a pair no longer on screen: the clerk moved on meanwhile. Its
        answer (recorded, if it is one) is not about the pair on screen, and a failure is
        not said either; the next check says its own. The pair now on screen is checked if
        it was asked for, and opens once decided if Open was pressed for it."""
        if self._check_again and self.client is not None and self.report is not None:
            if opening == (self.client, self.report):
                self._open_when_decided = opening  # pressed for the pair now checked
            self.check()
        else:
            self._show_no_decision()
            self._update_actions()

    def _follow_the_store(self, client: InvestorView, open_after: bool = False) -> None:
        """Show the client as stored now (the card, the list's row) and preview the column
        again for them: a check found the store changed since `client` was read. The check
        just recorded stands for the client as read now; nothing new is recorded. With
        `open_after`, the report on screen then opens if that decision allows it. The
        reminders follow the store too: the change may be one they list (a re-assessment
        marked due, an assessment recorded)."""
        if self.reminders is not None:
            self.reminders.follow()

        def show(fresh: InvestorView) -> None:
            if self.session_over or self.client != client:
                return  # another client was chosen meanwhile, or the session ended
            self.client_model.update_client(fresh)
            if self._checked is not None and self._checked == (client, self.report):
                self._checked = (fresh, self.report)
            self.client_pane.set_client(fresh)  # the card, and the column previewed again
            if open_after and not self.locked and self._current_result() is not None:
                self.open_report()  # by id: the decision is about the client read again

        self.runner.start(Job(self.services.investors.get, self.actor, client.id), show, lambda _exc: None)

    def _show_decision(self, result: CheckResult) -> None:
        if not result.may_open:
            self._close_viewers_of(result.report_id)  # never open beside a decision that refuses it
        client = f"{self.client.name} ({self.client.account})" if self.client else str(result.investor_id)
        report = self.report.title if self.report else str(result.report_id)
        self.decision.show_result(result, client, report)
        self._update_actions()

    def _current_result(self) -> CheckResult | None:
        """The decision on screen, if it is for the client and report on screen."""
        result = self.decision.result
        return result if result is not None and self._on_screen(result) else None

    def _update_actions(self) -> None:
        """The buttons follow what the service said the decision allows (may_open,
        may_override); the window derives nothing from the outcome itself."""
        result = self._current_result()
        allowed = result is not None and result.may_open and not self._opening
        self.open_button.setEnabled(allowed)  # the button says what the decision on screen allows
        under_way = self._checking is not None and self._checking == (self.client, self.report)
        if hasattr(self, "open_action"):
            # Ctrl+O also while the decision is being made: it opens once it is in, if it allows it.
            next_up = self._checking is not None and self._check_again  # the pair on screen, checked next
            deciding = (
                under_way
                or next_up
                or self._check_timer.isActive()
                or self._check_after_search
                or self.client_pane.searching  # opened for the client typed, once decided
            ) and not self._opening
            self.open_action.setEnabled(allowed or deciding)
        self.check_button.setEnabled(self.client is not None and self.report is not None and not under_way)
        self.override_button.setVisible(result is not None and result.may_override)

    def open_report(self) -> None:
        """Ask the service for the report (it decides again and records the opening), read
        and parse the original off the GUI thread, then show it if the same client and
        report are still on screen."""
        if self._opening or self._open_once_searched() or self._open_once_decided():
            return  # a second press while the first opening is read, or the decision is not in yet
        client, report, result = self.client, self.report, self._current_result()
        if client is None or report is None or result is None or self._opening:
            return  # nothing to open, or a second press while the first opening is read
        closed = self._viewers_closed
        if not result.may_open:
            self.statusBar().showMessage(self.tr("This report may not be opened for this client."), 6000)
            return

        load_pages = dialogs.load_pages  # imported here, on the GUI thread, on first use

        def fetch() -> tuple[OpenedReport, PdfPages | None]:
            opened = self.services.access.open_report(self.actor, client.id, report.id)
            return opened, load_pages(opened)

        def show(answer: tuple[OpenedReport, PdfPages | None]) -> None:
            self._opened()
            if self.client is not client or self.report is not report or self._viewers_closed != closed:
                # The clerk moved to another client or report, or locked, meanwhile, or a
                # decision now refuses it: nothing is shown, and nothing says it is coming.
                self.statusBar().clearMessage()
                _discard(answer[1])  # the document read for it goes too
                return
            opened, pages = answer
            viewer = dialogs.ReportViewer(
                opened, client, result, self.actor, self, pages=pages, now=self.services.ctx.shown_now()
            )
            viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            viewer.destroyed.connect(lambda *_: self.viewers.remove(viewer) if viewer in self.viewers else None)
            self.viewers.append(viewer)
            viewer.show()
            self.last_viewer = viewer
            if not self._viewer_recheck.isActive():
                self._viewer_recheck.start()

        def failed(exc: BaseException) -> None:
            self._opening_failed(client, report, result, exc)

        self._opening = True  # one press, one opening: Open and Ctrl+O wait until it is shown
        self._update_actions()
        self.statusBar().showMessage(self.tr("Opening the report…"), 3000)
        self.runner.start(Job(fetch), show, failed)

    def _opening_failed(
        self, client: InvestorView, report: ReportView, result: CheckResult, exc: BaseException
    ) -> None:
        """The service decided again at the opening and did not open it (its stored file
        fails its check, another desktop re-rated the report, the client is due for
        re-assessment...): the allow on screen is stale, and so is a window of this report
        opened under it. Where the refusal says the decision it was recorded under, that
        decision takes the allow's place in the panel and the column (one answer on screen:
        the box's "the decision is BLOCKED" beside BLOCKED and its reason, not beside
        ALLOWED or a request to check again); otherwise the panel asks for a check."""
        refusal = exc.refusal if isinstance(exc, DecisionRefuses) else None
        self._opened()
        self.statusBar().clearMessage()  # "Opening the report…" no longer
        if self.client is not client or self.report is not report or self.decision.result is not result:
            self._error(exc)  # the clerk moved on meanwhile: the pair on screen is not this one
            return
        self._close_viewers_of(report.id)
        if isinstance(refusal, CheckResult) and self._on_screen(refusal):
            self._show_decision(refusal)  # recorded: the refused opening's audit entry
            if refusal.client_moved_on(client):
                self._follow_the_store(client)  # the card and the column as stored now
        else:
            self.decision.show_hint(self.tr("The report was not opened. Check again for the current decision."))
        self._refresh_verdicts(reset=True)  # the panel's decision stands over its report's row
        # The list's level column too, where the refusal came from a re-rating.
        self.runner.start(
            Job(self.services.reports.get, self.actor, report.id),
            self.report_model.update_report,
            lambda _exc: None,  # the list keeps the level it showed; the panel stands
        )
        self._error(exc)  # the box says the same: the decision refuses it

    def recheck_viewers(self) -> None:
        """Ask the services which of the reports open in windows the client may still be
        given (AccessService.still_open) and close the others: another desk re-rated the
        report, or marked the client for re-assessment, since it was opened, and no check
        here says so. Every VIEWER_RECHECK_MS while windows are open; nothing is recorded.
        An answer that cannot be had closes every window (fail closed) and says why."""
        asked = [v for v in self.viewers if _report_of(v) is not None]
        client = self.client
        if not asked:
            self._viewer_recheck.stop()
            return
        if client is None or self.locked or self.session_over:
            return  # the windows are closed with the client, the lock or the session

        def show(allowed: set[int]) -> None:
            if self.session_over or self.client is None or self.client.id != client.id:
                return  # another client since: their windows were closed with the one before
            refused = [v for v in asked if v in self.viewers and _report_of(v) not in allowed]
            if not refused:
                return
            for viewer in refused:
                self.viewers.remove(viewer)
                viewer.close()
            result = self._current_result()
            if result is not None and result.report_id in {_report_of(v) for v in refused}:
                # The allow on screen no longer holds: no Open beside it, and the pair is
                # decided again (recorded) once the client is read again below.
                self.decision.show_hint(self.tr("Checking…"))
                self._update_actions()
            self.statusBar().showMessage(self._viewer_closed_text(), 10_000)
            # The card, the list's row and the column as the store has them now.
            self._follow_the_store(client)

        def failed(exc: BaseException) -> None:
            if self.client is not None and self.client.id == client.id:
                self.close_viewers()
            self._error(exc)

        ids = sorted({report for v in asked if (report := _report_of(v)) is not None})
        self.runner.start(Job(self.services.access.still_open, self.actor, client.id, ids), show, failed)

    def _viewer_closed_text(self) -> str:
        if self._changing_here:  # a dialog of this desk changed them, as like as not
            return self.tr("A report window was closed: the report or the client was changed.")
        return self.tr("A report window was closed: the report or the client was changed at another desk.")

    def _opened(self) -> None:
        self._opening = False
        self._update_actions()

    def record_override(self) -> None:
        result = self._current_result()
        if self.client is None or self.report is None or result is None or not result.may_override:
            return
        dialog = dialogs.OverrideDialog(self.services, self.actor, self.client, self.report, self, decided=result)
        client, report = self.client, self.report
        if run_dialog(dialog) and dialog.recorded is not None and self._on_screen(dialog.recorded):
            self._show_decision(dialog.recorded)  # the service's answer now admits the report
            return
        if dialog.refused is not None and not self.session_over and (self.client, self.report) == (client, report):
            # The service refused the override (the policy or the client changed meanwhile):
            # the warning offered on screen is stale, and pressed again it is refused again.
            self.check()
            return
        # Otherwise a search typed before the click landed while the dialog was open: the
        # override is recorded for the client the dialog named, and the panel keeps its
        # decision about the client on screen now.

    def _on_screen(self, result: CheckResult) -> bool:
        """The decision is about the client and report on screen now."""
        client, report = self.client, self.report
        if client is None or report is None:
            return False
        return (result.investor_id, result.report_id) == (client.id, report.id)

    # -- compliance and settings ------------------------------------------------------
    def import_reports(self) -> None:
        run_dialog(dialogs.ImportDialog(self.services, self.actor, self))
        if self.session_over:
            return
        self.report_pane.fill_publishers()
        self.refresh_reports()

    def review_reports(self) -> None:
        with self.changing_here():  # the queue stays open while reports are rated in it
            run_dialog(dialogs.RatingDialog(self.services, self.actor, self))
        self.refresh_reports()

    def reread_reports(self) -> None:
        with self.changing_here():
            run_dialog(dialogs.RereadDialog(self.services, self.actor, self))
        if not self.session_over:
            self.refresh_reports()  # levels matched may have changed

    def manage_client(self) -> None:
        if run_dialog(dialogs.ClientDialog(self.services, self.actor, self)):
            self.refresh_clients()

    def edit_client(self) -> None:
        self._change_client(dialogs.ClientEditDialog)

    def import_clients(self) -> None:
        with self.changing_here():  # it may change the client on screen, and shows its result
            run_dialog(dialogs.ClientImportWizard(self.services, self.actor, self))
        if not self.session_over:
            self.refresh_clients()

    def assess_client(self) -> None:
        self._change_client(dialogs.AssessmentDialog)

    def _change_client(self, dialog_class: Any) -> None:
        """Run a dialog that changes the selected client, then show the client as stored
        now and decide again: a new assessment or flag can change every verdict."""
        client = self.client
        if client is None:
            self.statusBar().showMessage(self.tr("Select a client first."), 4000)
            return
        with self.changing_here():
            changed = run_dialog(dialog_class(self.services, self.actor, client, self))
        if not changed:
            return
        self.close_viewers()  # they were opened under a decision the change may have overturned
        self.refresh_clients()
        if self.client is None or self.client.id != client.id:
            return  # a search typed before the dialog opened landed meanwhile: that client stays
        try:
            self.client_pane.set_client(self.services.investors.get(self.actor, client.id))
        except ServiceError as exc:
            self._error(exc)
            return
        if self.report is not None:
            self.check()

    @contextlib.contextmanager
    def changing_here(self) -> Iterator[None]:
        """While a dialog of this desk that changes a client or report runs (the assessment
        wizard stays open on its done page, the settle dialog on its entry number, the rating
        queue and the client import while they are worked through), a change
        the minute watch finds is not said to be another desk's: it was, behind the dialog,
        for the clerk's own saved assessment. The decision still comes off the panel."""
        self._changing_here += 1
        try:
            yield
        finally:
            self._changing_here -= 1

    def follow_settled(self, kind: str, record_id: int) -> None:
        """A client's or report's record was settled at this desk (compliance_actions): its
        row in the lists is read again (the red mark goes), and where that client or report
        is on screen the card follows and the pair is decided again (nothing stood for it
        while its record was changed: every check blocked). Off the GUI thread."""
        if self.session_over:
            return
        if kind == CLIENT:
            if self.reminders is not None:
                self.reminders.follow()  # they mark such a client too
            self.runner.start(
                Job(self.services.investors.get, self.actor, record_id), self._settled_client, self._error
            )
        else:
            self.runner.start(Job(self.services.reports.get, self.actor, record_id), self._settled_report, self._error)

    def _settled_client(self, fresh: InvestorView) -> None:
        if self.session_over:
            return
        self.client_model.update_client(fresh)
        if self.client is not None and self.client.id == fresh.id:
            self.client_pane.set_client(fresh)  # the card; the column previewed, the pair checked again

    def _settled_report(self, fresh: ReportView) -> None:
        if self.session_over:
            return
        self.report_model.update_report(fresh)
        if self.report is not None and self.report.id == fresh.id:
            self.report_pane.set_report(fresh)  # the pair on screen is checked again
        elif self.client is not None:
            self._refresh_verdicts(reset=True)  # the column's ✘ for it, derived again

    def manage_staff(self) -> None:
        run_dialog(dialogs.StaffDialog(self.services, self.actor, self))

    def audit_log(self) -> None:
        run_dialog(dialogs.AuditDialog(self.services, self.actor, self))

    def verify_audit(self) -> None:
        dialogs.run_verification(self.services, self.actor, self)

    def edit_policy(self) -> None:
        dialog = dialogs.PolicyDialog(self.services, self.actor, self)
        run_dialog(dialog)
        if dialog.recorded is None or self.session_over:
            return
        # Every decision from now on follows the new version: the pair on screen is decided
        # again (its landing previews the column again, _check_landed), or, with no report
        # chosen, the column is previewed again; nothing stays as the old version gave it.
        if self.client is not None and self.report is not None:
            self.check()
        else:
            self._refresh_verdicts(reset=True)

    def open_settings(self) -> None:
        dialog = dialogs.SettingsDialog(self.settings, self.services.store.display_name, self)
        if run_dialog(dialog):
            self.idle_timer.setInterval(saved_idle_minutes(self.settings) * 60_000)
            self.idle_timer.start()
            self.language_requested.emit(str(self.settings.value("ui/language")))

    def about(self) -> None:
        box = self.about_box()
        box.exec()

    def about_box(self) -> QMessageBox:
        """The icon, the versions (for a bug report) and the store in use."""
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(self.tr("About suitcheck"))
        icon = QApplication.windowIcon()  # the application's icon (set at start-up)
        if not icon.isNull():
            box.setIconPixmap(icon.pixmap(96, 96))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            self.tr("<h3>suitcheck</h3>Investor suitability for research reports")
            + "<p>"
            + version_text().replace("\n", "<br>")
            + "</p><p>"
            + self.tr("Store: {store}").format(store=self.services.store.display_name)
            + "<br>"
            + self.tr("Audit key fingerprint: {fingerprint}").format(fingerprint=self.services.audit.fingerprint())
            + "</p>"
            + self._notices_html()
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return box

    def _notices_html(self) -> str:
        notices = third_party_notices()  # only in an installed build
        if notices is None:
            return ""
        return "<p>" + self.tr("Third-party licences: {path}").format(path=html.escape(str(notices))) + "</p>"

    def _error(self, exc: BaseException) -> None:
        # Often a background job's failure: never over the lock or after the session ended.
        self.when_present(lambda: show_error(self, exc))
