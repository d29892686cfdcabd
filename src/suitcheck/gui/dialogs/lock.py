"""The lock screen: only the same user's password unlocks; or end the session."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.text import escape_controls
from suitcheck.gui.dialogs.password_check import PasswordCheck
from suitcheck.services import Actor, Services


class LockDialog(QDialog):
    """exec() returns Accepted after the right password, SWITCH_USER to end the session."""

    SWITCH_USER = 2
    switch_user = Signal()

    def __init__(
        self,
        services: Services,
        actor: Actor,
        parent: QWidget | None = None,
        running: Callable[[], list[str]] | None = None,
        idle: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("suitcheck — locked"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setObjectName("lockMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        switch = QPushButton(self.tr("Switch user…"), self)
        switch.setObjectName("switchUser")
        switch.clicked.connect(self._switch)
        layout = QVBoxLayout(self)
        said = (
            self.tr("Locked after inactivity. Enter the password of {user} to continue.")
            if idle
            else self.tr("Locked. Enter the password of {user} to continue.")
        )
        reason = QLabel(said.format(user=escape_controls(actor.username)), self)
        reason.setObjectName("lockReason")
        layout.addWidget(reason)
        # What still runs in the session, and what Switch user does to it: said before
        # anyone presses it (the next clerk at the desk as much as the one who left).
        self.running = running or (lambda: [])
        self.running_label = QLabel(self)
        self.running_label.setObjectName("lockRunning")
        self.running_label.setWordWrap(True)
        self._show_running()
        self._running_timer = QTimer(self)
        self._running_timer.setInterval(500)
        self._running_timer.timeout.connect(self._show_running)
        self._running_timer.start()
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(self.running_label)
        row = QHBoxLayout()
        row.addWidget(switch)
        row.addStretch(1)
        unlock = QPushButton(self.tr("Unlock"), self)
        unlock.setObjectName("unlock")
        unlock.setDefault(True)
        unlock.clicked.connect(self.accept)
        row.addWidget(unlock)
        self.unlock_button = unlock
        # An administrator may have reset the password during this session: the temporary
        # one then unlocks only by choosing a new one, as at the login screen.
        self.check = PasswordCheck(self, services, self.password, self.message)
        self.check.logged_in.connect(self._unlocked)
        layout.addLayout(row)

    def _show_running(self) -> None:
        work = self.running()
        text = "\n".join(
            [self.tr("Still running for {user}:").format(user=escape_controls(self.actor.username)), *work]
        )
        self.running_label.setText(text if work else "")
        self.running_label.setVisible(bool(work))

    def _switch(self) -> None:
        self.check.abandon()  # a password check still under way unlocks nothing now
        self.switch_user.emit()
        self.done(self.SWITCH_USER)

    def accept(self) -> None:
        """Check the password off the GUI thread (PasswordCheck): behind another program's
        lock on the store the lock screen keeps painting and Switch user stays at hand."""
        self.check.start(self.actor.username)

    def _unlocked(self, _actor: Actor) -> None:
        super().accept()

    def reject(self) -> None:
        pass  # Escape does not unlock
