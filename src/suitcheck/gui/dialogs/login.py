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
from suitcheck.gui.dialogs.password_check import PasswordCheck
from suitcheck.gui.widgets import dialog_buttons
from suitcheck.services import Actor, Services
from suitcheck.services.demo import DEMO_PASSWORD, DEMO_STAFF


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
        self.check = PasswordCheck(self, services, self.password, self.message)
        self.check.logged_in.connect(self._logged_in)

    def accept(self) -> None:
        """Check the password off the GUI thread (PasswordCheck): behind another program's
        lock on the store the login waits, and the screen keeps painting with Cancel at hand."""
        self.check.start(self.username.text().strip())

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        super().accept()

    def reject(self) -> None:
        self.check.abandon()  # a password still being checked logs nobody in now
        super().reject()
