"""Staff accounts, for administrators."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.roles import Role
from suitcheck.gui import texts
from suitcheck.gui.messages import error_text
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError


class StaffDialog(QDialog):
    """Administrators add accounts and disable or re-enable them (never delete)."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Staff accounts"))
        self.resize(640, 420)
        self.list = QPlainTextEdit(self)
        self.list.setReadOnly(True)
        self.list.setObjectName("staffList")
        self.username = QLineEdit(self)
        self.username.setObjectName("newUsername")
        self.display = QLineEdit(self)
        self.role = QComboBox(self)
        self.role.setObjectName("newRole")
        for role in Role:
            self.role.addItem(texts.role_text(role.value), role.value)
        self.password = QLineEdit(self)
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        add = QPushButton(self.tr("Add account"), self)
        add.setObjectName("addStaff")
        add.clicked.connect(self.add)
        self.target = QLineEdit(self)
        self.target.setObjectName("targetUser")
        disable = QPushButton(self.tr("Disable"), self)
        disable.setObjectName("disableStaff")
        disable.clicked.connect(lambda: self.set_disabled(True))
        enable = QPushButton(self.tr("Enable"), self)
        enable.clicked.connect(lambda: self.set_disabled(False))
        self.message = QLabel(self)
        self.message.setObjectName("staffMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Display name:"), self.display)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Initial password:"), self.password)
        form.addRow("", add)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Account:"), self))
        row.addWidget(self.target, 1)
        row.addWidget(disable)
        row.addWidget(enable)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.reload()

    def reload(self) -> None:
        try:
            accounts = self.services.auth.list_staff(self.actor)
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            return
        lines = []
        for a in accounts:
            flags = [self.tr("disabled")] if a.disabled else []
            flags += [self.tr("locked")] if a.locked else []
            lines.append(f"{a.username:<20} {texts.role_text(a.role.value):<12} {' '.join(flags)}")
        self.list.setPlainText("\n".join(lines))

    def add(self) -> None:
        try:
            self.services.auth.create_staff(
                self.actor,
                self.username.text(),
                self.password.text(),
                Role(self.role.currentData()),
                self.display.text().strip(),
            )
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            return
        self.message.setText(self.tr("Account {user} added.").format(user=self.username.text().strip()))
        self.username.clear()
        self.password.clear()
        self.reload()

    def set_disabled(self, disabled: bool) -> None:
        try:
            self.services.auth.set_disabled(self.actor, self.target.text().strip(), disabled)
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            return
        self.message.setText("")
        self.reload()
