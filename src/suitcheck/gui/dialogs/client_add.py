"""Add a client."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.gui import texts
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.widgets import date_edit, dialog_buttons, qdate
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services


class ClientDialog(RecordingDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Add client"))
        self.account = QLineEdit(self)
        self.account.setObjectName("account")
        self.name = QLineEdit(self)
        self.name.setObjectName("name")
        self.id_number = QLineEdit(self)
        self.id_number.setObjectName("idNumber")
        self.cls = QComboBox(self)
        for c in InvestorClass:
            self.cls.addItem(texts.class_text(c.value), c.value)
        self.profile = QComboBox(self)
        self.profile.setObjectName("profile")
        self.profile.addItem(self.tr("not assessed yet"), None)
        for p in RiskProfile:
            self.profile.addItem(texts.profile_text(p), p.code)
        # the firm's calendar day, as the service judges it (not the desktop's)
        self.assessed = date_edit(self, services.ctx.shown_today())
        self.lowest = QCheckBox(self.tr("Lowest risk-tolerance category"), self)
        self.lowest.setToolTip(
            self.tr(
                "Clients without full civil capacity or who cannot bear any loss. A client under 18 (by the "
                "birth date in the ID number) always enters it; compliance lifts it, with a reason, for a 16- or "
                "17-year-old living on their own labour income."
            )
        )
        self.special = QCheckBox(self.tr("Needs special attention"), self)
        self.message = QLabel(self)
        self.message.setObjectName("clientMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Account:"), self.account)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("ID number:"), self.id_number)
        form.addRow(self.tr("Class:"), self.cls)
        form.addRow(self.tr("Risk profile:"), self.profile)
        form.addRow(self.tr("Assessed on:"), self.assessed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.special)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Add")))

    def accept(self) -> None:
        profile = self.profile.currentData()
        self.record(
            Job(
                self.services.investors.add,
                self.actor,
                account=self.account.text(),
                name=self.name.text(),
                id_number=self.id_number.text().strip() or None,
                investor_class=InvestorClass(self.cls.currentData()),
                profile=RiskProfile.parse(profile) if profile else None,
                assessed_on=qdate(self.assessed) if profile else None,
                lowest_category=self.lowest.isChecked(),
                special_attention=self.special.isChecked(),
            ),
            self.message,
        )
