"""The login screen: who is at the desk."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui import texts
from suitcheck.gui.dialogs.clock_correction import ClockCorrectionDialog
from suitcheck.gui.dialogs.password_check import PasswordCheck
from suitcheck.gui.widgets import dialog_buttons
from suitcheck.services import Actor, Services
from suitcheck.services.demo import DEMO_PASSWORD, DEMO_STAFF
from suitcheck.services.errors import ClockWrong


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
        # Offered only beside the refusal of a clock behind the audit trail: the one way back
        # for a desk whose clock ran ahead and was put right (ClockCorrectionDialog).
        self.correction = QPushButton(self.tr("Record a clock correction…"), self)
        self.correction.setObjectName("clockCorrection")
        self.correction.setAutoDefault(False)
        self.correction.hide()
        self.correction.clicked.connect(self._correct_clock)
        layout.addWidget(self.correction)
        self.notice = QLabel(self)
        self.notice.setObjectName("loginNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        layout.addWidget(dialog_buttons(self, self.tr("Log in")))
        (self.password if username else self.username).setFocus()
        self.check = PasswordCheck(self, services, self.password, self.message)
        self.check.logged_in.connect(self._logged_in)
        self.check.refused.connect(self._refused)
        self._clock_refusal: ClockWrong | None = None
        # Wide enough for a refusal's sentence to wrap into a few lines, not a column of
        # words; the dialog grows to show it whole (_fit).
        self.setMinimumWidth(400)

    def accept(self) -> None:
        """Check the password off the GUI thread (PasswordCheck): behind another program's
        lock on the store the login waits, and the screen keeps painting with Cancel at hand."""
        if not self.check.under_way:
            self.notice.hide()
            self.correction.hide()
        self.check.start(self.username.text().strip())

    def _refused(self, exc: Exception) -> None:
        # Not a clock away from the database server's: only the server's administrator sets that.
        self._clock_refusal = exc if isinstance(exc, ClockWrong) and exc.server is None else None
        self.correction.setVisible(self._clock_refusal is not None)
        self._fit()

    def _fit(self) -> None:
        """The height that shows the message whole (a wrapped label does not resize its window)."""
        layout = self.layout()
        height = layout.heightForWidth(self.width()) if layout is not None else -1
        if height > 0:
            self.resize(self.width(), max(height, self.minimumSizeHint().height()))

    def _correct_clock(self) -> None:
        refusal = self._clock_refusal
        if refusal is None:
            return
        dialog = ClockCorrectionDialog(self.services, refusal, self)
        dialog.username.setText(self.username.text().strip())
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        recorded, dialog.recorded = dialog.recorded, None
        dialog.deleteLater()  # a child of this screen: not kept for each time it was opened
        if not accepted or recorded is None:
            return
        self._clock_refusal = None
        self.correction.hide()
        self.message.clear()
        said = self.tr(
            "Clock correction recorded as audit entry {seq}: the audit trail takes this computer's clock from "
            "now on. Log in."
        )
        self.notice.setText(said.format(seq=recorded["seq"]))
        self.notice.show()
        self._fit()
        self.password.setFocus()

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        super().accept()

    def reject(self) -> None:
        self.check.abandon()  # a password still being checked logs nobody in now
        super().reject()
