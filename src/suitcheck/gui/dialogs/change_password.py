"""Choose a new password: at login after an administrator's reset, and the rule in words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.passwords import MIN_LENGTH
from suitcheck.domain.text import escape_controls
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import dialog_buttons, error_label
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.errors import AuthenticationFailed, ServiceError


def password_rule_text() -> str:
    """The password rule (domain/passwords.py) in plain words, for every dialog that asks
    for a new password; the service still decides, and says why when it refuses."""
    return QCoreApplication.translate(
        "Passwords",
        "A password needs at least {n} characters. It must not be or contain the user name, "
        "and must not be a common or leaked password. A few unrelated words make a good one.",
    ).format(n=MIN_LENGTH)


def password_field(parent: QWidget, name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible)
    return edit


class ChangePasswordDialog(RecordingDialog):
    """An administrator reset this account's password: its owner chooses a new one before
    going on. Accepted only when the service changed the password and logged the user in
    (`actor`); Cancel logs nobody in. When the old password no longer works (reset again
    meanwhile) the dialog closes with `failure` set, for the login screen to show. The
    change (and the login it records) is made off the GUI thread: behind another program's
    lock on the store the dialog says it saves, and Cancel waits for the answer."""

    def __init__(self, services: Services, username: str, old_password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.services, self.username, self._old = services, username, old_password
        self.failure = ""
        self.setWindowTitle(self.tr("Choose a new password"))
        intro = QLabel(
            self.tr(
                "An administrator reset the password of {user}. Choose your own new password to go on; "
                "the temporary one stops working."
            ).format(user=escape_controls(username)),
            self,
        )
        intro.setWordWrap(True)
        rule = QLabel(password_rule_text(), self)
        rule.setObjectName("passwordRule")
        rule.setWordWrap(True)
        self.new = password_field(self, "newPassword", self.tr("New password"))
        self.again = password_field(self, "repeatPassword", self.tr("Repeat the new password"))
        self.message = error_label(self, "changePasswordMessage")
        form = QFormLayout()
        form.addRow(self.tr("New password:"), self.new)
        form.addRow(self.tr("Repeat it:"), self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(rule)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Change password and log in")))
        self.setMinimumWidth(460)
        self.new.setFocus()

    def _again(self, text: str) -> None:
        self.message.setText(text)
        self.new.clear()
        self.again.clear()
        self.new.setFocus()

    @property
    def actor(self) -> Actor | None:
        """The user, logged in with the new password, once the dialog is accepted."""
        return self.recorded if isinstance(self.recorded, Actor) else None

    def accept(self) -> None:
        if self.recording:
            return  # OK again while the change is saved: its answer closes the dialog
        if self.new.text() != self.again.text():
            self._again(self.tr("The two passwords differ; type the same new password twice."))
            return
        self.record(
            Job(
                self.services.auth.change_password_at_login,
                self.username,
                self._old,
                self.new.text(),
                record_success=True,
            ),
            self.message,
            refused=self._refused,
        )

    def _refused(self, exc: ServiceError) -> None:
        if isinstance(exc, AuthenticationFailed):
            # The temporary password no longer works (or the account was disabled or
            # locked meanwhile): nothing to choose here, back to the login screen.
            self.failure = error_text(exc)
            self.reject()
            return
        self._again(error_text(exc))  # the rule's refusal, in the user's language

    def done(self, result: int) -> None:
        self._old = ""  # accepted, cancelled, or closed with the session: the old password is done with
        super().done(result)


def choose_new_password(
    services: Services, username: str, old_password: str, parent: QWidget | None
) -> tuple[Actor | None, str]:
    """Run the dialog: (the logged-in actor, "") or (None, why not, for the login screen)."""
    dialog = ChangePasswordDialog(services, username, old_password, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.actor is not None:
            return dialog.actor, ""
        return None, dialog.failure or QCoreApplication.translate(
            "Passwords", "The password was not changed, so you are not logged in."
        )
    finally:
        dialog.deleteLater()
