"""The branch clerk's window: find a client, find a report, see the decision, open it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, QSettings, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Permission, may
from suitcheck.gui import texts
from suitcheck.gui.decision_panel import DecisionPanel
from suitcheck.gui.errors import show_error
from suitcheck.gui.i18n import app_instance, setting_int
from suitcheck.gui.models import InvestorTableModel, RawRole, ReportTableModel
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.access import CheckResult
from suitcheck.services.investors import InvestorView
from suitcheck.services.reports import ReportFilter, ReportView

RATINGS = ("买入", "增持", "持有", "减持", "超配", "标配", "低配")
DEBOUNCE_MS = 200
CHECK_SETTLE_MS = 250


def qdate(edit: QDateEdit) -> dt.date:
    value = edit.date().toPython()
    assert isinstance(value, dt.date)
    return value


def make_table(
    parent: QWidget, model: Any, name: str, stretch: int | None = None, widths: tuple[int, ...] = ()
) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(RawRole)
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSortingEnabled(False)  # server order (newest first); sorting a partial list misleads
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    return view, proxy


class _ReportTable(QTableView):
    """Enter records a check; the same key press never opens anything."""

    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    language_requested = Signal(str)

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
        self.client: InvestorView | None = None
        self.report: ReportView | None = None
        self._generation = {"clients": 0, "reports": 0}
        self._overrides: set[tuple[int, int]] = set()  # recorded in this session; the service re-checks
        self.viewers: list[QWidget] = []  # open report windows; each belongs to self.client

        self.client_model = InvestorTableModel(self)
        self.report_model = ReportTableModel(self)
        self._build()
        self._build_menus()
        self.retranslate()
        self._restore_layout()

        self._client_timer = self._debouncer(self.refresh_clients)
        self._report_timer = self._debouncer(self.refresh_reports)
        self._check_timer = self._debouncer(self.check, CHECK_SETTLE_MS)
        minutes = idle_minutes if idle_minutes is not None else setting_int(settings, "session/idle_minutes", 10)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(max(1, minutes) * 60_000)
        self.idle_timer.timeout.connect(self.lock)
        app_instance().installEventFilter(self)
        self.idle_timer.start()
        self.refresh_clients()
        self.refresh_reports()
        self.client_search.setFocus()

    # -- construction -------------------------------------------------------------------
    def _debouncer(self, slot: Callable[[], None], interval: int = DEBOUNCE_MS) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _build(self) -> None:
        central = QWidget(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("mainSplitter")

        # Clients
        left = QWidget(self.splitter)
        self.clients_title = QLabel(left)
        self.clients_title.setObjectName("sectionTitle")
        self.client_search = QLineEdit(left)
        self.client_search.setObjectName("clientSearch")
        self.client_search.setClearButtonEnabled(True)
        self.client_search.textChanged.connect(lambda _: self._client_timer.start())
        self.clients_view, self.client_proxy = make_table(left, self.client_model, "clientsView")
        self.clients_view.selectionModel().currentRowChanged.connect(self._client_selected)
        self.client_details = QLabel(left)
        self.client_details.setObjectName("clientDetails")
        self.client_details.setWordWrap(True)
        self.client_details.setTextFormat(Qt.TextFormat.RichText)
        self.client_details.setMinimumHeight(96)
        self.client_details.setAlignment(Qt.AlignmentFlag.AlignTop)
        lv = QVBoxLayout(left)
        lv.addWidget(self.clients_title)
        lv.addWidget(self.client_search)
        lv.addWidget(self.clients_view, 1)
        lv.addWidget(self.client_details)

        # Reports
        right = QWidget(self.splitter)
        self.reports_title = QLabel(right)
        self.reports_title.setObjectName("sectionTitle")
        self.report_search = QLineEdit(right)
        self.report_search.setObjectName("reportSearch")
        self.report_search.setClearButtonEnabled(True)
        self.report_search.textChanged.connect(lambda _: self._report_timer.start())
        self.level_filter = QComboBox(right)
        self.level_filter.setObjectName("levelFilter")
        self.rating_filter = QComboBox(right)
        self.rating_filter.setObjectName("ratingFilter")
        self.publisher_filter = QComboBox(right)
        self.publisher_filter.setObjectName("publisherFilter")
        self.since_check = QCheckBox(right)
        self.since_date = QDateEdit(right)
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")
        self.since_date.setDate(QDate.currentDate().addMonths(-6))
        self.since_date.setEnabled(False)
        self.since_check.toggled.connect(self.since_date.setEnabled)
        for signal in (
            self.level_filter.currentIndexChanged,
            self.rating_filter.currentIndexChanged,
            self.publisher_filter.currentIndexChanged,
            self.since_check.toggled,
            self.since_date.dateChanged,
        ):
            signal.connect(lambda *_: self._report_timer.start())
        filters = QHBoxLayout()
        self.level_label, self.rating_label, self.publisher_label = QLabel(right), QLabel(right), QLabel(right)
        for w in (
            self.level_label,
            self.level_filter,
            self.rating_label,
            self.rating_filter,
            self.publisher_label,
            self.publisher_filter,
            self.since_check,
            self.since_date,
        ):
            filters.addWidget(w)
        filters.addStretch(1)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical, right)
        self.right_splitter.setObjectName("rightSplitter")
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.report_model)
        proxy.setSortRole(RawRole)
        self.report_proxy = proxy
        self.reports_view = _ReportTable(self.right_splitter)
        self.reports_view.setObjectName("reportsView")
        self.reports_view.setModel(proxy)
        self.reports_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.reports_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.reports_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reports_view.setAlternatingRowColors(True)
        self.reports_view.verticalHeader().setVisible(False)
        self.reports_view.horizontalHeader().setStretchLastSection(False)
        self.reports_view.horizontalHeader().setSectionResizeMode(
            ReportTableModel.TITLE, QHeaderView.ResizeMode.Stretch
        )
        self.reports_view.selectionModel().currentRowChanged.connect(self._report_selected)
        self.reports_view.doubleClicked.connect(self._report_double_clicked)
        self.reports_view.enter_pressed.connect(self.check)
        self.report_model.rowsInserted.connect(lambda *_: self._refresh_verdicts())

        bottom = QWidget(self.right_splitter)
        self.decision = DecisionPanel(bottom)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(bottom)
        self.check_button.setObjectName("checkButton")
        self.check_button.clicked.connect(self.check)
        self.open_button = QPushButton(bottom)
        self.open_button.setObjectName("openButton")
        self.open_button.clicked.connect(self.open_report)
        self.override_button = QPushButton(bottom)
        self.override_button.setObjectName("overrideButton")
        self.override_button.clicked.connect(self.record_override)
        for b in (self.check_button, self.open_button, self.override_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(self.decision, 1)
        bv.addLayout(buttons)
        self.right_splitter.addWidget(self.reports_view)
        self.right_splitter.addWidget(bottom)
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)

        rv = QVBoxLayout(right)
        rv.addWidget(self.reports_title)
        rv.addWidget(self.report_search)
        rv.addLayout(filters)
        rv.addWidget(self.right_splitter, 1)

        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(central)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)
        self.setTabOrder(self.client_search, self.clients_view)
        self.setTabOrder(self.clients_view, self.report_search)
        self.setTabOrder(self.report_search, self.reports_view)
        self.setTabOrder(self.reports_view, self.check_button)
        self.setTabOrder(self.check_button, self.open_button)
        self.user_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.user_label)
        self._update_actions()

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
        self.lock_action = self._action(self.file_menu, "lockAction", self.lock, "Ctrl+Shift+L")
        self.switch_action = self._action(self.file_menu, "switchUser", self.switch_user_requested.emit)
        self.quit_action = self._action(self.file_menu, "quitAction", self.close, QKeySequence.StandardKey.Quit)

        self.compliance_menu = bar.addMenu("")
        self.import_action = self._action(
            self.compliance_menu, "importAction", self.import_reports, "Ctrl+I", Permission.IMPORT_REPORTS
        )
        self.rating_action = self._action(
            self.compliance_menu, "ratingAction", self.review_reports, None, Permission.RATE_REPORTS
        )
        self.clients_action = self._action(
            self.compliance_menu, "clientsAction", self.manage_client, "Ctrl+N", Permission.EDIT_CLIENTS
        )
        self.edit_client_action = self._action(
            self.compliance_menu, "editClientAction", self.edit_client, None, Permission.EDIT_CLIENTS
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
        from suitcheck.gui.i18n import LANGUAGES

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
        self.setWindowTitle(self.tr("suitcheck — investor suitability") + (self.tr(" [DEMO]") if self.demo else ""))
        self.clients_title.setText(self.tr("<b>Clients</b>"))
        self.reports_title.setText(self.tr("<b>Research reports</b>"))
        self.client_search.setPlaceholderText(self.tr("Account, name or ID number  (Ctrl+L)"))
        self.client_search.setAccessibleName(self.tr("Find client"))
        self.report_search.setPlaceholderText(self.tr("Any word of title, analyst or text — 芯片, AI …  (Ctrl+F)"))
        self.report_search.setAccessibleName(self.tr("Find report"))
        self.clients_view.setAccessibleName(self.tr("Clients"))
        self.reports_view.setAccessibleName(self.tr("Research reports"))
        self.level_filter.setAccessibleName(self.tr("Level:"))
        self.rating_filter.setAccessibleName(self.tr("Rating:"))
        self.publisher_filter.setAccessibleName(self.tr("Publisher:"))
        self.client_details.setAccessibleName(self.tr("Selected client"))
        self.level_label.setText(self.tr("Level:"))
        self.rating_label.setText(self.tr("Rating:"))
        self.since_check.setText(self.tr("Since"))
        keep_level, keep_rating = self.level_filter.currentIndex(), self.rating_filter.currentIndex()
        self.level_filter.blockSignals(True)
        self.level_filter.clear()
        self.level_filter.addItem(self.tr("All"), None)
        for level in RiskLevel:
            self.level_filter.addItem(texts.level_text(level), level.code)
        self.level_filter.addItem(self.tr("Unrated"), "unrated")
        self.level_filter.addItem(self.tr("With findings"), "findings")
        self.level_filter.setCurrentIndex(max(0, keep_level))
        self.level_filter.blockSignals(False)
        self.rating_filter.blockSignals(True)
        self.rating_filter.clear()
        self.rating_filter.addItem(self.tr("All"), None)
        for rating in RATINGS:
            self.rating_filter.addItem(rating, rating)
        self.rating_filter.setCurrentIndex(max(0, keep_rating))
        self.rating_filter.blockSignals(False)
        self.publisher_label.setText(self.tr("Publisher:"))
        self._fill_publishers()
        self.check_button.setText(self.tr("Check (Enter)"))
        self.open_button.setText(self.tr("Open report (Ctrl+O)"))
        self.override_button.setText(self.tr("Client insists: warning…"))
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
        self.clients_action.setText(self.tr("Add client…"))
        self.edit_client_action.setText(self.tr("Edit selected client…"))
        self.assess_action.setText(self.tr("Record assessment for selected client…"))
        self.audit_action.setText(self.tr("Audit log…"))
        self.verify_action.setText(self.tr("Verify audit trail"))
        self.staff_action.setText(self.tr("Staff accounts…"))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.language_menu.setTitle(self.tr("Language"))
        self.settings_action.setText(self.tr("Preferences…"))
        self.policy_action.setText(self.tr("Suitability policy…"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("About suitcheck"))
        self.user_label.setText(
            self.tr("{user} ({role}) · {store}").format(
                user=self.actor.display_name or self.actor.username,
                role=texts.role_text(self.actor.role.value),
                store=self.services.store.display_name,
            )
        )
        self.client_model.retranslate()
        self.report_model.retranslate()
        if self.decision.result is None:
            self.decision.show_hint(None)
        else:
            self._show_decision(self.decision.result)
        self._show_client_details()

    def _fill_publishers(self) -> None:
        keep = self.publisher_filter.currentData()
        self.publisher_filter.blockSignals(True)
        self.publisher_filter.clear()
        self.publisher_filter.addItem(self.tr("All"), None)
        try:
            for name in self.services.reports.publishers(self.actor):
                self.publisher_filter.addItem(name, name)
        finally:
            self.publisher_filter.setCurrentIndex(max(0, self.publisher_filter.findData(keep)))
            self.publisher_filter.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
            if value is not None:
                restore(value)
        if self.settings.value("window/splitter") is None:
            self.splitter.setSizes([470, 896])
            self.right_splitter.setSizes([420, 300])
        if self.settings.value("window/clients_header") is None:
            for column, width in enumerate((72, 80, 112, 84, 88)):
                self.clients_view.setColumnWidth(column, width)
        if self.settings.value("window/reports_header") is None:
            self.reports_view.setColumnWidth(ReportTableModel.VERDICT, 130)
            self.reports_view.setColumnWidth(ReportTableModel.DATE, 95)
            self.reports_view.setColumnWidth(ReportTableModel.LEVEL, 110)

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
        self.save_layout()
        app_instance().removeEventFilter(self)
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

    def lock(self) -> None:
        """Like a password manager's lock: report windows close, every other window of the
        program is hidden (or covered, for a modal dialog that must keep its state), and
        only the password of the same user unlocks. Switch user ends the session."""
        from suitcheck.gui.dialogs import LockDialog

        self.idle_timer.stop()
        self.close_viewers()
        dialog = LockDialog(self.services, self.actor, self)
        hidden, covers = self._hide_windows(except_for=dialog)
        central = self.centralWidget()
        assert central is not None
        central.setVisible(False)  # nothing readable behind the lock
        result = dialog.exec()
        if result == LockDialog.SWITCH_USER:
            for cover in covers:
                cover.deleteLater()
            self.end_session()
            # Let the stack of dialogs unwind before the login screen comes up.
            QTimer.singleShot(0, self.switch_user_requested.emit)
            return
        central.setVisible(True)
        for widget in hidden:
            widget.show()
        for cover in covers:
            cover.deleteLater()
        self.idle_timer.start()

    def _hide_windows(self, except_for: QWidget) -> tuple[list[QWidget], list[QWidget]]:
        """Hide the program's other visible windows; a modal dialog (hiding it would end
        it) gets an opaque cover instead."""
        from PySide6.QtWidgets import QApplication, QDialog

        hidden: list[QWidget] = []
        covers: list[QWidget] = []
        for widget in QApplication.topLevelWidgets():
            if widget is self or widget is except_for or not widget.isVisible():
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
        for viewer in list(self.viewers):
            viewer.close()
        self.viewers.clear()

    def end_session(self) -> None:
        """Log out: close every window of this session and forget what was on screen."""
        from PySide6.QtWidgets import QApplication, QDialog

        self.idle_timer.stop()
        self.close_viewers()
        for widget in QApplication.topLevelWidgets():
            if widget is not self and isinstance(widget, QDialog) and widget.isVisible():
                widget.done(QDialog.DialogCode.Rejected)  # ends a modal dialog's loop too
        self._set_client(None)
        self.client_model.set_rows([])
        self.report_model.set_rows([])
        self.client_search.blockSignals(True)
        self.client_search.clear()
        self.client_search.blockSignals(False)
        self.hide()

    # -- clients ------------------------------------------------------------------------
    def _focus_client_search(self) -> None:
        self.client_search.setFocus()
        self.client_search.selectAll()

    def _focus_report_search(self) -> None:
        self.report_search.setFocus()
        self.report_search.selectAll()

    def refresh_clients(self) -> None:
        query = self.client_search.text()
        self._generation["clients"] += 1
        generation = self._generation["clients"]
        page = InvestorTableModel.PAGE

        def fetch(offset: int, limit: int) -> list[InvestorView]:
            return self.services.investors.search(self.actor, query, limit=limit, offset=offset)

        def done(rows: list[InvestorView]) -> None:
            if generation != self._generation["clients"]:
                return
            keep = self.client.id if self.client else None
            self.client_model.set_rows(rows, fetch)
            if len(rows) == 1 or (rows and query and rows[0].account == query.strip()):
                self.clients_view.selectRow(0)
                return
            row = next((i for i, c in enumerate(rows) if c.id == keep), None)
            if row is None:
                self._set_client(None)  # the shown client is not among the matches: no stale card
            else:
                self.clients_view.selectRow(self.client_proxy.mapFromSource(self.client_model.index(row, 0)).row())

        self.runner.start(Job(fetch, 0, page), done, self._error)

    def _client_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        source = self.client_proxy.mapToSource(current)
        self._set_client(self.client_model.row_object(source.row()))

    def _set_client(self, client: InvestorView | None) -> None:
        """The one place the selected client changes; report windows of another client close."""
        if client is None or self.client is None or client.id != self.client.id:
            self.close_viewers()
        self.client = client
        self._show_client_details()
        self._refresh_verdicts(reset=True)
        if client is not None and self.report is not None:
            self._schedule_check()
        else:
            self.decision.show_hint(None)
            self._update_actions()

    def _show_client_details(self) -> None:
        c = self.client
        if c is None:
            self.client_details.setText(self.tr("<i>No client selected.</i>"))
            return
        state = texts.state_text(c.assessment_state)
        if c.investor_class.value != "professional" and not c.assessment_state.usable:
            state = f"<span style='color:#b3261e; font-weight:bold'>⚠ {state}</span>"
        lines = [
            f"<b style='font-size:13pt'>{c.name}</b> &nbsp; {c.account}",
            self.tr("Class: {cls} · Profile: {profile}").format(
                cls=texts.class_text(c.investor_class.value), profile=texts.profile_text(c.profile)
            ),
        ]
        if c.investor_class.value != "professional":
            lines.append(
                self.tr("Assessed: {date} · {state} · valid until {until}").format(
                    date=c.assessed_on or "—", state=state, until=c.expires_on or "—"
                )
            )
        lines.append(
            self.tr("ID number: {number}").format(number=c.id_number or "—")
            + (self.tr(" · age {age}").format(age=c.age) if c.age is not None else "")
        )
        if c.needs_attention:
            attention = self.tr("Special attention: explain risks with extra care.")
            lines.append(f"<span style='color:#9a6700'>⚠ {attention}</span>")
        if c.lowest_category:
            lowest = self.tr("Lowest risk-tolerance category: R1 only.")
            lines.append(f"<span style='color:#b3261e'>{lowest}</span>")
        self.client_details.setText("<br>".join(lines))

    # -- reports ------------------------------------------------------------------------
    def current_filter(self) -> ReportFilter:
        level = self.level_filter.currentData()
        return ReportFilter(
            text=self.report_search.text(),
            levels=(RiskLevel.parse(level),) if level and level not in ("unrated", "findings") else (),
            unrated=level == "unrated",
            with_findings=level == "findings",
            rating=self.rating_filter.currentData(),
            publisher=self.publisher_filter.currentData(),
            date_from=qdate(self.since_date) if self.since_check.isChecked() else None,
        )

    def refresh_reports(self) -> None:
        flt = self.current_filter()
        self._generation["reports"] += 1
        generation = self._generation["reports"]

        def fetch(offset: int, limit: int) -> list[ReportView]:
            return self.services.reports.search(self.actor, flt, limit=limit, offset=offset)

        def done(rows: list[ReportView]) -> None:
            if generation == self._generation["reports"]:
                keep = self.report.id if self.report else None
                self.report_model.set_rows(rows, fetch)
                self._refresh_verdicts(reset=True)
                self.search_completed(len(rows))
                row = next((i for i, r in enumerate(rows) if r.id == keep), None)
                if row is not None:
                    self.reports_view.selectRow(self.report_proxy.mapFromSource(self.report_model.index(row, 0)).row())
                elif keep is not None:
                    self._set_report(None)  # the filter removed it: no verdict for a report not shown

        self.runner.start(Job(fetch, 0, ReportTableModel.PAGE), done, self._error)

    def search_completed(self, count: int) -> None:
        """Hook for the status bar (and for tests and the benchmark to wait on)."""
        self.statusBar().showMessage(
            self.tr("{n} reports shown").format(n=count) + ("+" if self.report_model.canFetchMore() else ""), 4000
        )

    def _refresh_verdicts(self, reset: bool = False) -> None:
        """The at-a-glance column: a preview for every loaded row (not recorded)."""
        if self.client is None:
            self.report_model.set_verdicts({})
            return
        ids = [r.id for r in self.report_model.objects() if reset or self.report_model.verdict(r.id) is None]
        if not ids:
            return
        client = self.client

        def show(verdicts: dict[int, Outcome]) -> None:
            if self.client is not client:
                return  # another client was selected meanwhile
            if reset:
                self.report_model.set_verdicts(verdicts)
            else:
                self.report_model.add_verdicts(verdicts)

        self.runner.start(Job(self.services.access.preview, self.actor, client.id, ids), show, self._error)

    def _report_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        source = self.report_proxy.mapToSource(current)
        self._set_report(self.report_model.row_object(source.row()))

    def _set_report(self, report: ReportView | None) -> None:
        self.report = report
        if report is None:
            self._check_timer.stop()
            self.decision.show_hint(None)
        elif self.client is not None:
            self._schedule_check()
        else:
            self.decision.show_hint(self.tr("Now select the client."))
        self._update_actions()

    def _schedule_check(self) -> None:
        """Record the decision for the row the clerk settles on, not for every row the
        arrow keys pass over (the at-a-glance column previews those without recording)."""
        self.decision.show_hint(self.tr("Checking…"))
        self._update_actions()
        self._check_timer.start()

    def _report_double_clicked(self, index: QModelIndex) -> None:
        self.open_report()

    # -- the decision ---------------------------------------------------------------------
    def check(self) -> None:
        """Decide and record (every decision shown to staff is an audit entry)."""
        self._check_timer.stop()
        if self.client is None or self.report is None:
            self.decision.show_hint(None)
            self._update_actions()
            return
        try:
            result = self.services.access.check(self.actor, self.client.id, self.report.id)
        except Exception as exc:  # noqa: BLE001 - shown to the user, decision stays blocked
            self.decision.show_hint(None)
            self._update_actions()
            self._error(exc)
            return
        self.report_model.add_verdicts({result.report_id: result.decision.outcome})
        self._show_decision(result)

    def _show_decision(self, result: CheckResult) -> None:
        client = f"{self.client.name} ({self.client.account})" if self.client else str(result.investor_id)
        report = self.report.title if self.report else str(result.report_id)
        self.decision.show_result(result, client, report)
        self._update_actions()

    def _current_outcome(self) -> Outcome | None:
        result = self.decision.result
        if result is None or self.client is None or self.report is None:
            return None
        if (result.investor_id, result.report_id) != (self.client.id, self.report.id):
            return None
        return result.decision.outcome

    def _update_actions(self) -> None:
        outcome = self._current_outcome()
        allowed = outcome is Outcome.ALLOW or (outcome is Outcome.ALLOW_AFTER_WARNING and self._override_done())
        self.open_button.setEnabled(allowed)
        if hasattr(self, "open_action"):
            self.open_action.setEnabled(allowed)
        self.check_button.setEnabled(self.client is not None and self.report is not None)
        self.override_button.setVisible(outcome is Outcome.ALLOW_AFTER_WARNING)

    def _override_done(self) -> bool:
        return (
            self.client is not None
            and self.report is not None
            and ((self.client.id, self.report.id) in self._overrides)
        )

    def open_report(self) -> None:
        from suitcheck.gui.dialogs import ReportViewer

        outcome = self._current_outcome()
        if self.client is None or self.report is None:
            return
        if not (outcome is Outcome.ALLOW or (outcome is Outcome.ALLOW_AFTER_WARNING and self._override_done())):
            self.statusBar().showMessage(self.tr("This report may not be opened for this client."), 6000)
            return
        try:
            opened = self.services.access.open_report(self.actor, self.client.id, self.report.id)
        except Exception as exc:  # noqa: BLE001 - the service refused; say why
            self._error(exc)
            return
        result = self.decision.result
        assert result is not None  # _current_outcome() checked it belongs to this client and report
        viewer = ReportViewer(opened, self.client, result, self.actor, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.destroyed.connect(lambda *_: self.viewers.remove(viewer) if viewer in self.viewers else None)
        self.viewers.append(viewer)
        viewer.show()
        self.last_viewer = viewer

    def record_override(self) -> None:
        from suitcheck.gui.dialogs import OverrideDialog

        if self.client is None or self.report is None or self._current_outcome() is not Outcome.ALLOW_AFTER_WARNING:
            return
        dialog = OverrideDialog(self.services, self.actor, self.client, self.report, self)
        if dialog.exec():
            self._overrides.add((self.client.id, self.report.id))
            self._update_actions()

    # -- compliance and settings ------------------------------------------------------
    def import_reports(self) -> None:
        from suitcheck.gui.dialogs import ImportDialog

        ImportDialog(self.services, self.actor, self).exec()
        self._fill_publishers()
        self.refresh_reports()

    def review_reports(self) -> None:
        from suitcheck.gui.dialogs import RatingDialog

        RatingDialog(self.services, self.actor, self).exec()
        self.refresh_reports()

    def manage_client(self) -> None:
        from suitcheck.gui.dialogs import ClientDialog

        if ClientDialog(self.services, self.actor, self).exec():
            self.refresh_clients()

    def edit_client(self) -> None:
        from suitcheck.gui.dialogs import ClientEditDialog

        self._change_client(ClientEditDialog)

    def assess_client(self) -> None:
        from suitcheck.gui.dialogs import AssessmentDialog

        self._change_client(AssessmentDialog)

    def _change_client(self, dialog_class: Any) -> None:
        """Run a dialog that changes the selected client, then show the client as stored
        now and decide again: a new assessment or flag can change every verdict."""
        if self.client is None:
            self.statusBar().showMessage(self.tr("Select a client first."), 4000)
            return
        if not dialog_class(self.services, self.actor, self.client, self).exec():
            return
        self.close_viewers()  # they were opened under a decision the change may have overturned
        self.client = self.services.investors.get(self.actor, self.client.id)
        self._show_client_details()
        self.refresh_clients()
        self._refresh_verdicts(reset=True)
        if self.report is not None:
            self.check()

    def manage_staff(self) -> None:
        from suitcheck.gui.dialogs import StaffDialog

        StaffDialog(self.services, self.actor, self).exec()

    def audit_log(self) -> None:
        from suitcheck.gui.dialogs import AuditDialog

        AuditDialog(self.services, self.actor, self).exec()

    def verify_audit(self) -> None:
        from suitcheck.gui.dialogs import run_verification

        run_verification(self.services, self.actor, self)

    def edit_policy(self) -> None:
        from suitcheck.gui.dialogs import PolicyDialog

        PolicyDialog(self.services, self.actor, self).exec()

    def open_settings(self) -> None:
        from suitcheck.gui.dialogs import SettingsDialog

        dialog = SettingsDialog(self.settings, self.services.store.display_name, self)
        if dialog.exec():
            minutes = setting_int(self.settings, "session/idle_minutes", 10)
            self.idle_timer.setInterval(minutes * 60_000)
            self.idle_timer.start()
            self.language_requested.emit(str(self.settings.value("ui/language")))

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from suitcheck.about import version_text

        QMessageBox.about(self, self.tr("About suitcheck"), version_text().replace("\n", "<br>"))

    def _error(self, exc: BaseException) -> None:
        show_error(self, exc)
