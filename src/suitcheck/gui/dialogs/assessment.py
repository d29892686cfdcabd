"""Record a profile from an assessment made elsewhere (a paper questionnaire, another
system): the note saying where is required, as the service requires it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.widgets import breakable, date_edit, dialog_buttons, plain_label, qdate
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.investors import InvestorView


class AssessmentDialog(RecordingDialog):
    def __init__(self, services: Services, actor: Actor, client: InvestorView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentDialog")
        self.services, self.actor, self.client = services, actor, client
        self.setWindowTitle(self.tr("Record an assessment made elsewhere"))
        self.profile = QComboBox(self)
        self.profile.setObjectName("assessmentProfile")
        # No profile until the clerk chooses one: Enter after the (required) note recorded
        # the first of the list, C1, for a client nobody had said was C1.
        self.profile.addItem(self.tr("Choose the profile…"), None)
        for p in RiskProfile:
            self.profile.addItem(texts.profile_text(p), p.code)
        # the firm's calendar day, as the service judges it (not the desktop's)
        self.assessed = date_edit(self, services.ctx.shown_today())
        self.assessed.setMaximumDate(self.assessed.date())
        self.lowest = QCheckBox(self.tr("Knock-out answer: lowest risk-tolerance category"), self)
        self.lowest.setObjectName("assessmentLowest")
        self.lowest.toggled.connect(self._lowest_toggled)
        self.note = QLineEdit(self)
        self.note.setObjectName("assessmentNote")
        self.note.setPlaceholderText(self.tr("e.g. paper questionnaire at the branch counter, or the CRM's reference"))
        self.note.textChanged.connect(lambda _: self._update_record())
        self.profile.currentIndexChanged.connect(lambda _: self._update_record())
        self.message = QLabel(self)
        self.message.setObjectName("assessmentMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        named = plain_label(breakable(f"{escape_controls(client.name)} ({escape_controls(client.account)})"), self)
        named.setObjectName("assessmentClient")
        named.setWordWrap(True)  # a name may hold 128 characters: the dialog still fits a 1024-wide screen
        form.addRow(self.tr("Client:"), named)
        form.addRow(self.tr("Risk profile:"), self.profile)
        form.addRow(self.tr("Assessed on:"), self.assessed)
        form.addRow(self.tr("Where it was made (required):"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "To assess with the questionnaire, use Compliance › Assess selected client with the questionnaire."
                ),
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.message)
        self.buttons = dialog_buttons(self, self.tr("Record"))
        layout.addWidget(self.buttons)
        # Tab goes down the dialog as drawn: from the date to the note, then the knock-out
        # box (made before the note, it came first, and the note's spaces ticked it).
        self.setTabOrder(self.assessed, self.note)
        self.setTabOrder(self.note, self.lowest)
        self._update_record()

    def _update_record(self) -> None:
        """Record needs a profile chosen and the note saying where it was made."""
        ready = self.profile.currentData() is not None and bool(self.note.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def _lowest_toggled(self, on: bool) -> None:
        # The lowest category has profile C1 (the service refuses anything else).
        if on:
            self.profile.setCurrentIndex(self.profile.findData(RiskProfile.C1.code))
        self.profile.setEnabled(not on)

    def accept(self) -> None:
        self.record(
            Job(
                self.services.investors.assess,
                self.actor,
                self.client.id,
                RiskProfile.parse(self.profile.currentData()),
                qdate(self.assessed),
                lowest_category=self.lowest.isChecked(),
                note=self.note.text().strip(),
            ),
            self.message,
        )
