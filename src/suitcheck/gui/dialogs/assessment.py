"""Record a client's risk assessment."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import dialog_buttons, plain_label, qdate
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.investors import InvestorView


class AssessmentDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, client: InvestorView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentDialog")
        self.services, self.actor, self.client = services, actor, client
        self.setWindowTitle(self.tr("Record assessment"))
        self.profile = QComboBox(self)
        for p in RiskProfile:
            self.profile.addItem(texts.profile_text(p), p.code)
        self.assessed = QDateEdit(QDate.currentDate(), self)
        self.assessed.setCalendarPopup(True)
        self.assessed.setDisplayFormat("yyyy-MM-dd")
        self.lowest = QCheckBox(self.tr("Knock-out answer: lowest risk-tolerance category"), self)
        self.note = QLineEdit(self)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow(
            self.tr("Client:"), plain_label(f"{escape_controls(client.name)} ({escape_controls(client.account)})", self)
        )
        form.addRow(self.tr("Risk profile:"), self.profile)
        form.addRow(self.tr("Assessed on:"), self.assessed)
        form.addRow(self.tr("Note:"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Record")))

    def accept(self) -> None:
        try:
            self.services.investors.assess(
                self.actor,
                self.client.id,
                RiskProfile.parse(self.profile.currentData()),
                qdate(self.assessed),
                lowest_category=self.lowest.isChecked(),
                note=self.note.text().strip() or None,
            )
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            return
        super().accept()
