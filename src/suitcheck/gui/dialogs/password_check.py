"""A password checked off the GUI thread, for the login and lock screens.

A login records itself in the audit trail, and behind another program's lock on the store
that write waits (up to the store's busy timeout). Checked on the GUI thread, the screen
froze meanwhile: no painting, Cancel or Switch user out of reach. Here the check runs on a
worker, the field turns read-only (not disabled: a disabled field passes the focus on, and
Enter pressed again would press the dialog's next button), the screen says it checks the
password, and one check runs at a time however often Enter is pressed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit

from suitcheck.gui.dialogs.change_password import choose_new_password
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import error_text
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.auth import PasswordChangeRequired
from suitcheck.services.errors import ServiceError


class PasswordCheck(QObject):
    """Checks a password for `dialog` (its Qt parent), and emits `logged_in(actor)` once it
    is right (after the new password a reset requires, if one does). A refusal is shown in
    `message` with the password field cleared. `abandon()` (the dialog closed, the session
    ended) makes a late answer do nothing; the login it recorded stays recorded.

    It keeps no Python reference to the dialog (it is the dialog's child, and the dialog
    connects to its signal): a dialog and its check never form a cycle that Python's
    garbage collector, rather than Qt, would end."""

    logged_in = Signal(object)
    refused = Signal(object)  # the ServiceError a sign-in was refused with, once said in `message`

    def __init__(self, dialog: QDialog, services: Services, password: QLineEdit, message: QLabel) -> None:
        super().__init__(dialog)
        self._services = services
        self._password, self._message = password, message
        self._runner = Runner(self)
        self.under_way = False

    def start(self, username: str) -> None:
        if self.under_way:
            return  # Enter pressed again while the password is being checked
        password = self._password.text()
        self.under_way = True
        self._password.setReadOnly(True)
        self._message.setText(QCoreApplication.translate("Passwords", "Checking the password…"))
        self._runner.start(
            Job(self._services.auth.login, username, password, record_success=True),
            lambda actor: self._answered(username, password, actor, None),
            lambda exc: self._answered(username, password, None, exc),
        )

    def abandon(self) -> None:
        self.under_way = False

    def _answered(self, username: str, password: str, actor: Actor | None, exc: BaseException | None) -> None:
        if not self.under_way:
            return  # the dialog was closed or the session ended meanwhile
        self.under_way = False
        self._password.setReadOnly(False)
        self._message.clear()
        if isinstance(exc, PasswordChangeRequired):
            # The temporary password an administrator gave: choose one's own first.
            actor, why_not = choose_new_password(self._services, username, password, self._dialog())
            if actor is None:
                self._refused(why_not)
                return
        elif isinstance(exc, ServiceError):
            self._refused(error_text(exc))
            self.refused.emit(exc)
            return
        elif exc is not None:
            self._password.clear()
            show_error(self._dialog(), exc)  # not expected: logged, and an apology naming the log
            return
        self.logged_in.emit(actor)

    def _dialog(self) -> QDialog:
        dialog = self.parent()
        assert isinstance(dialog, QDialog)
        return dialog

    def _refused(self, text: str) -> None:
        self._message.setText(text)
        self._password.clear()
        self._password.setFocus()
