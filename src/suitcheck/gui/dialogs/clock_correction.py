"""Record a clock correction from the login screen (administrators, with a reason).

A desk whose clock ran ahead and was put right refuses every sign-in and decision: the
audit trail holds entries dated later than the clock now reads. The way back is a recorded
act, `AuditService.correct_clock`. From the command line that is `suitcheck audit
clock-correct` (on Windows `suitcheck-cli.exe`, which a branch desk rarely has at hand);
here it is offered where the refusal is read, the login screen. The administrator signs
in for it alone (AuthService.login_to_correct_clock); the service checks the role, records
refusals, and refuses when there is nothing to correct."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from suitcheck.gui.dialogs.change_password import password_field
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import dialog_buttons, error_label
from suitcheck.gui.workers import Job
from suitcheck.services import Services
from suitcheck.services.errors import ClockWrong, ServiceError


def _correct(services: Services, username: str, password: str, reason: str) -> dict[str, Any]:
    """Sign in for the correction and record it (runs on a worker)."""
    return services.audit.correct_clock(services.auth.login_to_correct_clock(username, password), reason)


class ClockCorrectionDialog(RecordingDialog):
    """Who records the correction, and why; what the desk refused, as the service said it."""

    def __init__(self, services: Services, refusal: ClockWrong, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockCorrectionDialog")
        self.services = services
        self.setWindowTitle(self.tr("Record a clock correction"))
        refused = QLabel(error_text(refusal), self)
        refused.setObjectName("refusal")
        refused.setWordWrap(True)
        explained = QLabel(
            self.tr(
                "Only if the newest entry was recorded while this computer's clock ran ahead, and the clock "
                "is right now: an administrator records the correction, and from then on the audit trail "
                "takes the clock as it reads. It is recorded with your name and your reason, and "
                "compliance will ask about it. If the clock is wrong, correct the clock instead."
            ),
            self,
        )
        explained.setWordWrap(True)
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.username.setAccessibleName(self.tr("Administrator"))
        self.password = password_field(self, "password", self.tr("Password"))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("e.g. the clock ran a year ahead; put right by IT"))
        self.message = error_label(self, "clockCorrectionMessage")
        form = QFormLayout()
        form.addRow(self.tr("Administrator:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("Reason:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(refused)
        layout.addWidget(explained)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Record correction")))
        self.username.setFocus()
        self.setMinimumWidth(520)

    def accept(self) -> None:
        self.record(
            Job(_correct, self.services, self.username.text().strip(), self.password.text(), self.reason.text()),
            self.message,
            refused=self._refused,
        )

    def _refused(self, exc: ServiceError) -> None:
        self.message.setText(error_text(exc))
        self.password.clear()  # as the login screen does after a refusal
