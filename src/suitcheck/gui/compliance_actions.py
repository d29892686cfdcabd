"""The main window's actions for #12: assessing with the questionnaire, the compliance
dashboard, the self-inspection report, and the report's context menu (distribution list);
and settling a record changed outside suitcheck (the Compliance menu, and the context menu
of a client or report listed with the red "record changed" mark).

Kept out of main_window.py so the window only creates this and forwards retranslate()."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QStatusBar, QTableView, QWidget

from suitcheck.domain.roles import Permission, may
from suitcheck.gui import dialogs
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import message_text
from suitcheck.gui.models import ObjectRole
from suitcheck.gui.widgets import run_dialog
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.investors import InvestorView
from suitcheck.services.reports import ReportView
from suitcheck.services.settle import CLIENT, REPORT


class DeskWindow(Protocol):
    """What these actions need of the main window (named here, not imported: the window
    imports this module)."""

    services: Services
    actor: Actor
    file_menu: QMenu
    compliance_menu: QMenu
    open_action: QAction
    assess_action: QAction
    audit_action: QAction
    verify_action: QAction
    clients_view: QTableView

    @property
    def reports_view(self) -> QTableView: ...

    @property
    def client(self) -> InvestorView | None: ...

    @property
    def report(self) -> ReportView | None: ...

    def statusBar(self) -> QStatusBar: ...

    def _action(
        self, menu: Any, name: str, slot: Callable[[], Any], shortcut: Any = None, permission: Permission | None = None
    ) -> QAction: ...

    def _change_client(self, dialog_class: Any) -> None: ...

    def follow_settled(self, kind: str, record_id: int) -> None: ...

    def changing_here(self) -> AbstractContextManager[None]: ...


class ComplianceActions:
    def __init__(self, window: DeskWindow) -> None:
        self.window = window
        self.parent = window if isinstance(window, QWidget) else None  # the dialogs' parent
        menu = window.compliance_menu
        self.wizard_action = self._insert(
            menu, "assessWizardAction", self.assess, Permission.EDIT_CLIENTS, "Ctrl+Shift+A"
        )
        self.dashboard_action = self._insert(menu, "dashboardAction", self.dashboard, Permission.VIEW_AUDIT)
        self.inspection_action = self._insert(menu, "inspectionAction", self.inspection, Permission.VIEW_AUDIT)
        # Both cover every branch: offered to whoever the services let see them (head office).
        services, actor = window.services, window.actor
        self.dashboard_action.setVisible(services.dashboard.refused(actor) is None)
        self.inspection_action.setVisible(services.inspection.refused(actor) is None)
        # Settling: offered to whoever the services let settle a client's record (compliance);
        # a report's record, only to whoever they let settle that too (head office).
        self.settle_action = self._insert(menu, "settleAction", self.settle_on_screen, Permission.SETTLE_RECORDS)
        self.settle_offered = {k: services.settle.refused(actor, k) is None for k in (CLIENT, REPORT)}
        self.settle_action.setVisible(self.settle_offered[CLIENT] or self.settle_offered[REPORT])
        self.distribution_action = QAction(self.parent)
        self.distribution_action.setObjectName("distributionAction")
        self.distribution_action.triggered.connect(lambda *_: self.distribution_list())
        self.distribution_action.setVisible(may(window.actor.role, Permission.DISTRIBUTION_LIST))
        # Also in the File menu, after Open report: the list's right-click menu is opened by
        # no key on a keyboard without a Menu key (Shift+F10 opens nothing on Linux).
        entries = window.file_menu.actions()
        after = entries.index(window.open_action) + 1
        if after < len(entries):
            window.file_menu.insertAction(entries[after], self.distribution_action)
        else:
            window.file_menu.addAction(self.distribution_action)
        view = window.reports_view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.report_menu)
        clients = window.clients_view
        clients.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        clients.customContextMenuRequested.connect(self.client_menu)
        menu.menuAction().setVisible(any(a.isVisible() for a in menu.actions()))

    def _insert(
        self, menu: QMenu, name: str, slot: Callable[[], Any], permission: Permission, shortcut: str | None = None
    ) -> QAction:
        """An action placed beside the assessment and audit entries of the menu."""
        action = self.window._action(menu, name, slot, shortcut, permission)
        anchor = {"assessWizardAction": self.window.assess_action, "dashboardAction": self.window.audit_action}.get(
            name
        )
        if name == "settleAction":  # after Verify audit trail, which names the records to settle
            entries = menu.actions()
            after = entries.index(self.window.verify_action) + 1
            anchor = entries[after] if after < len(entries) - 1 else None
        if anchor is not None:
            menu.removeAction(action)
            menu.insertAction(anchor, action)
        return action

    def retranslate(self) -> None:
        self.wizard_action.setText(
            QCoreApplication.translate("MainWindow", "Assess selected client with the questionnaire…")
        )
        self.dashboard_action.setText(QCoreApplication.translate("MainWindow", "Compliance dashboard…"))
        self.inspection_action.setText(QCoreApplication.translate("MainWindow", "Self-inspection report (PDF)…"))
        self.distribution_action.setText(QCoreApplication.translate("MainWindow", "Distribution list (XLSX)…"))
        self.settle_action.setText(
            QCoreApplication.translate("MainWindow", "Settle a record changed outside suitcheck…")
        )

    # -- the actions ----------------------------------------------------------------------
    def assess(self) -> None:
        client = self.window.client
        if client is not None and not client.follows_table:
            # Said before the questions, not after them (the service refuses it too).
            sentence = "Professional investors are not assessed; change the class first."
            self.window.statusBar().showMessage(message_text(sentence), 6000)
            return
        try:  # a damaged stored questionnaire is said before any question is asked
            self.window.services.questionnaire.current(self.window.actor)
        except ServiceError as exc:
            show_error(self.parent, exc)
            return
        self.window._change_client(dialogs.AssessmentWizard)

    def dashboard(self) -> None:
        run_dialog(dialogs.DashboardDialog(self.window.services, self.window.actor, self.parent))

    def inspection(self) -> None:
        run_dialog(dialogs.InspectionDialog(self.window.services, self.window.actor, self.parent))

    def report_menu(self, position: QPoint) -> None:
        menu = self.report_menu_at(position)
        if menu is not None:
            menu.exec(self.window.reports_view.viewport().mapToGlobal(position))
            menu.deleteLater()

    def report_menu_at(self, position: QPoint) -> QMenu | None:
        """The report list's context menu at `position` (None when it would be empty): the
        distribution list of the selected report, and settling the report under the pointer
        where it shows the red mark."""
        view = self.window.reports_view
        menu = QMenu(view)
        menu.setObjectName("reportContextMenu")
        if self.window.report is not None and self.distribution_action.isVisible():
            menu.addAction(self.distribution_action)
        report = _row_at(view, position)
        if isinstance(report, ReportView) and not report.record_intact and self.settle_offered[REPORT]:
            self._settle_entry(menu, REPORT, str(report.id))
        return _unless_empty(menu)

    def client_menu(self, position: QPoint) -> None:
        menu = self.client_menu_at(position)
        if menu is not None:
            menu.exec(self.window.clients_view.viewport().mapToGlobal(position))
            menu.deleteLater()

    def client_menu_at(self, position: QPoint) -> QMenu | None:
        """The client list's context menu at `position`: settling the client under the
        pointer where it shows the red mark (None: nothing to offer)."""
        view = self.window.clients_view
        menu = QMenu(view)
        menu.setObjectName("clientContextMenu")
        client = _row_at(view, position)
        if isinstance(client, InvestorView) and not client.record_intact and self.settle_offered[CLIENT]:
            self._settle_entry(menu, CLIENT, client.account)
        return _unless_empty(menu)

    def _settle_entry(self, menu: QMenu, kind: str, ref: str) -> None:
        action = menu.addAction(QCoreApplication.translate("MainWindow", "Settle this record…"))
        action.setObjectName("settleRecordAction")
        action.triggered.connect(lambda *_: self.settle(kind, ref))

    def settle_on_screen(self) -> None:
        """The menu's entry: the record on screen when it shows the red mark (the client
        first, then the report), as its context menu would name it; else one the officer
        names (a keyboard-only officer reaches a marked record without the context menu)."""
        client, report = self.window.client, self.window.report
        if client is not None and not client.record_intact and self.settle_offered[CLIENT]:
            self.settle(CLIENT, client.account)
        elif report is not None and not report.record_intact and self.settle_offered[REPORT]:
            self.settle(REPORT, str(report.id))
        else:
            self.settle()

    def settle(self, kind: str | None = None, ref: str | None = None) -> None:
        """The settle dialog (for the record named, or one the officer names); once a record
        is settled (here, or found settled at another desk), the desk's lists and decision
        follow it."""
        dialog = dialogs.SettleDialog(self.window.services, self.window.actor, self.parent, kind=kind, ref=ref)
        with self.window.changing_here():  # a settled record is this desk's doing, not another's
            run_dialog(dialog)
        settled = dialog.settled
        if settled is not None:
            self.window.follow_settled(settled.kind, settled.record_id)
        elif dialog.found_sound is not None:  # settled at another desk: the red mark goes here too
            self.window.follow_settled(*dialog.found_sound)

    def distribution_list(self) -> None:
        report = self.window.report
        if report is None:
            message = QCoreApplication.translate("MainWindow", "Select a report first.")
            self.window.statusBar().showMessage(message, 4000)
            return
        run_dialog(dialogs.DistributionDialog(self.window.services, self.window.actor, report, self.parent))


def _row_at(view: QTableView, position: QPoint) -> object:
    """The object of the list's row under `position` (ObjectRole), or None."""
    index = view.indexAt(position)
    return index.data(ObjectRole) if index.isValid() else None


def _unless_empty(menu: QMenu) -> QMenu | None:
    if menu.isEmpty():
        menu.deleteLater()
        return None
    return menu
