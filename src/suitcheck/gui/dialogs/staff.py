"""Staff accounts, for administrators: the table, and add, disable/enable, unlock, reset.

Each change is recorded off the GUI thread (RecordingDialog): behind another program's lock
on the store the dialog says it saves and holds the table and its buttons, and the table is
read again from the service once the answer comes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.roles import Role
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.dialogs.change_password import password_field, password_rule_text
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.messages import error_text
from suitcheck.gui.models import StaffTableModel
from suitcheck.gui.widgets import ERROR_COLOUR, confirm, dialog_buttons, error_label, make_table
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.auth import StaffView
from suitcheck.services.errors import ServiceError


class _PasswordForm(RecordingDialog):
    """A form that ends in a password typed twice; the service decides and says why not."""

    message: QLabel

    def _password_rows(self, form: QFormLayout, label: str) -> None:
        self.password = password_field(self, "newPassword", label.rstrip(":："))
        self.again = password_field(self, "repeatPassword", self.tr("Repeat the password"))
        form.addRow(label, self.password)
        form.addRow(self.tr("Repeat it:"), self.again)

    def _passwords_match(self) -> bool:
        if self.password.text() == self.again.text():
            return True
        self._refused(self.tr("The two passwords differ; type the same password twice."))
        return False

    def _refused(self, text: str) -> None:
        self.message.setText(text)
        self.password.clear()
        self.again.clear()
        self.password.setFocus()

    def _save(self, job: Job) -> None:
        """Record off the GUI thread; a refusal is said with the passwords cleared."""
        if self.recording or not self._passwords_match():
            return  # OK again while saving: the fields are held, the answer closes the dialog
        self.record(job, self.message, refused=lambda exc: self._refused(error_text(exc)))


class AddStaffDialog(_PasswordForm):
    """A new account: user name, display name, role and a first password."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addStaffDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Add staff account"))
        self.username = QLineEdit(self)
        self.username.setObjectName("newUsername")
        self.display = QLineEdit(self)
        self.display.setObjectName("newDisplayName")
        self.role = QComboBox(self)
        self.role.setObjectName("newRole")
        for role in Role:
            self.role.addItem(texts.role_text(role.value), role.value)
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Display name:"), self.display)
        form.addRow(self.tr("Role:"), self.role)
        self._password_rows(form, self.tr("Password:"))
        rule = QLabel(password_rule_text(), self)
        rule.setObjectName("passwordRule")
        rule.setWordWrap(True)
        self.message = error_label(self, "addStaffMessage")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Add account")))
        self.setMinimumWidth(460)

    @property
    def created(self) -> StaffView | None:
        """The account as the service created it, once the dialog is accepted."""
        return self.recorded if isinstance(self.recorded, StaffView) else None

    def accept(self) -> None:
        self._save(
            Job(
                self.services.auth.create_staff,
                self.actor,
                self.username.text(),
                self.password.text(),
                Role(self.role.currentData()),
                self.display.text().strip(),
            )
        )


class ResetPasswordDialog(_PasswordForm):
    """A temporary password for someone else's account; its owner must change it at the
    next login. Also ends a lockout."""

    def __init__(self, services: Services, actor: Actor, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.services, self.actor, self.username = services, actor, username
        self.setWindowTitle(self.tr("Reset password"))
        intro = QLabel(
            self.tr(
                "Give {user} a temporary password and tell it to them in person. Their old password stops "
                "working now, and they must choose a new password of their own at their next login."
            ).format(user=escape_controls(username)),
            self,
        )
        intro.setObjectName("resetIntro")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        form = QFormLayout()
        self._password_rows(form, self.tr("Temporary password:"))
        rule = QLabel(password_rule_text(), self)
        rule.setObjectName("passwordRule")
        rule.setWordWrap(True)
        self.message = error_label(self, "resetMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Reset password")))
        self.setMinimumWidth(460)

    def accept(self) -> None:
        self._save(Job(self.services.auth.reset_password, self.actor, self.username, self.password.text()))


class StaffDialog(RecordingDialog):
    """Administrators see every account in a table and add, disable or re-enable, unlock
    and reset them (accounts are never deleted: the audit trail names them). Each button
    is enabled only when it applies to the selected account; the services decide anyway
    and their refusal is shown as it is said."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Staff accounts"))
        self.resize(760, 440)
        self.model = StaffTableModel(self)
        self.view, self.proxy = make_table(self, self.model, "staffView", stretch=StaffTableModel.NAME)
        self.view.setSortingEnabled(True)  # the whole list is here: sorting it is honest
        self.view.sortByColumn(StaffTableModel.USER, Qt.SortOrder.AscendingOrder)
        self.view.setAccessibleName(self.tr("Staff accounts"))
        header = self.view.horizontalHeader()
        for column in range(StaffTableModel.NAME + 1, len(StaffTableModel.HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StaffTableModel.USER, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.add_button = self._button(self.tr("Add…"), "addStaff", self.add)
        self.disable_button = self._button(self.tr("Disable…"), "disableStaff", self.disable)
        self.enable_button = self._button(self.tr("Enable"), "enableStaff", self.enable)
        self.unlock_button = self._button(self.tr("Unlock"), "unlockStaff", self.unlock)
        self.reset_button = self._button(self.tr("Reset password…"), "resetStaffPassword", self.reset_password)
        self.message = QLabel(self)
        self.message.setObjectName("staffMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        close = QPushButton(self.tr("Close"), self)
        close.setObjectName("closeStaff")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.disable_button, self.enable_button, self.unlock_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.reload()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda *_: slot())
        return button

    # -- state ------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)

    def selected(self) -> StaffView | None:
        index = self.view.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.row_object(self.proxy.mapToSource(index).row())

    def reload(self, select: str | None = None) -> bool:
        """Read the accounts again and select `select` (or keep the selected one)."""
        keep = select or (current.username if (current := self.selected()) else None)
        try:
            accounts = self.services.auth.list_staff(self.actor)
        except ServiceError as exc:
            self.model.set_rows([])
            self._say(error_text(exc), error=True)
            self.add_button.setEnabled(False)
            self._update_buttons()
            return False
        self.model.set_rows(accounts)
        self.add_button.setEnabled(True)
        row = next((i for i, a in enumerate(accounts) if a.username == keep), None)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.view.setCurrentIndex(index)
            self.view.selectRow(index.row())
        self._update_buttons()
        return True

    def _update_buttons(self) -> None:
        """Each action only where it applies: not disabling or resetting oneself (the
        services refuse both), enable a disabled account, unlock a locked one."""
        v = self.selected()
        own = v is not None and v.username == self.actor.username
        self.disable_button.setEnabled(v is not None and not v.disabled and not own)
        self.enable_button.setEnabled(v is not None and v.disabled)
        self.unlock_button.setEnabled(v is not None and v.locked)
        self.reset_button.setEnabled(v is not None and not own)

    # -- actions ----------------------------------------------------------------------
    def _run(self, job: Job, username: str, done: str) -> None:
        """Record off the GUI thread with the table and its buttons held; the table shows
        the accounts as the service has them once it answers."""

        def refused(exc: ServiceError) -> None:
            self._say(error_text(exc), error=True)
            self.reload()

        def recorded(_: object) -> None:
            if self.reload(select=username):
                self._say(done)

        self.record(job, self.message, done=recorded, refused=refused)

    def add(self) -> None:
        if self.recording:
            return  # a change is being recorded: the table and its buttons are held
        dialog = AddStaffDialog(self.services, self.actor, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created is not None:
            name = dialog.created.username
            if self.reload(select=name):
                self._say(
                    self.tr("Account {user} added as {role}.").format(
                        user=escape_controls(name), role=texts.role_text(dialog.created.role.value)
                    )
                )
        dialog.deleteLater()

    def disable(self) -> None:
        if self.recording:
            return  # a change is being recorded: the table and its buttons are held
        v = self.selected()
        if v is None:
            return
        user = escape_controls(v.username)
        if not confirm(
            self,
            self.tr("Disable account"),
            self.tr(
                "Disable the account {user}? They can no longer log in, and a window they have open "
                "stops working. The account and its records stay; it can be enabled again."
            ).format(user=user),
            self.tr("Disable"),
        ):
            return
        self._run(
            Job(self.services.auth.set_disabled, self.actor, v.username, True),
            v.username,
            self.tr("Account {user} disabled.").format(user=user),
        )

    def enable(self) -> None:
        if self.recording:
            return  # a change is being recorded: the table and its buttons are held
        v = self.selected()
        if v is None:
            return
        self._run(
            Job(self.services.auth.set_disabled, self.actor, v.username, False),
            v.username,
            self.tr("Account {user} enabled.").format(user=escape_controls(v.username)),
        )

    def unlock(self) -> None:
        if self.recording:
            return  # a change is being recorded: the table and its buttons are held
        v = self.selected()
        if v is None:
            return
        self._run(
            Job(self.services.auth.unlock, self.actor, v.username),
            v.username,
            self.tr("Account {user} unlocked; it may log in again.").format(user=escape_controls(v.username)),
        )

    def reset_password(self) -> None:
        if self.recording:
            return  # a change is being recorded: the table and its buttons are held
        v = self.selected()
        if v is None:
            return
        dialog = ResetPasswordDialog(self.services, self.actor, v.username, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and self.reload(select=v.username):
            self._say(
                self.tr(
                    "Password of {user} reset. Tell them the temporary password; they must choose a new one "
                    "at their next login."
                ).format(user=escape_controls(v.username))
            )
        dialog.deleteLater()
