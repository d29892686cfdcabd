"""The login screen: who is at the desk."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui import texts
from suitcheck.gui.dialogs.change_password import choose_new_password
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import dialog_buttons
from suitcheck.services import Actor, Services
from suitcheck.services.auth import PasswordChangeRequired
from suitcheck.services.demo import DEMO_PASSWORD, DEMO_STAFF
from suitcheck.services.errors import ServiceError


class LoginDialog(QDialog):
    """Who is at the desk. On the demo store the demo logins are listed here, and only here."""

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, demo: bool = False, username: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.services = services
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("suitcheck — log in"))
        self.username = QLineEdit(username, self)
        self.username.setObjectName("username")
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<h2>suitcheck</h2>Investor suitability for research reports"), self)
        layout.addWidget(title)
        layout.addLayout(form)
        if demo:
            rows = "".join(
                f"<tr><td><code>{u}</code></td><td>{texts.role_text(role.value)}</td><td><code>{DEMO_PASSWORD}</code></td></tr>"
                for u, _, role in DEMO_STAFF
            )
            hint = QLabel(self.tr("<b>Demo store.</b> Demo logins:") + f"<table cellspacing=6>{rows}</table>", self)
            hint.setObjectName("demoLogins")
            layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Log in")))
        (self.password if username else self.username).setFocus()

    def accept(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        try:
            self.actor = self.services.auth.login(username, password, record_success=True)
        except PasswordChangeRequired:
            # The temporary password an administrator gave: choose one's own first.
            self.actor, why_not = choose_new_password(self.services, username, password, self)
            if self.actor is None:
                self._refused(why_not)
                return
        except ServiceError as exc:
            self._refused(error_text(exc))
            return
        super().accept()

    def _refused(self, text: str) -> None:
        self.message.setText(text)
        self.password.clear()
        self.password.setFocus()
