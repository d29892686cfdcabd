"""Correct a client's record (audited, with a reason)."""

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

from suitcheck.domain.levels import InvestorClass
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.widgets import dialog_buttons, plain_label
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.investors import InvestorView


class ClientEditDialog(RecordingDialog):
    """Correct a client's record; the reason is kept in the audit log with old and new values."""

    def __init__(self, services: Services, actor: Actor, client: InvestorView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientEditDialog")
        self.services, self.actor, self.client = services, actor, client
        self.setWindowTitle(self.tr("Edit client"))
        self.name = QLineEdit(client.name, self)
        self.name.setObjectName("name")
        self.cls = QComboBox(self)
        for c in InvestorClass:
            self.cls.addItem(texts.class_text(c.value), c.value)
        self.cls.setCurrentIndex(self.cls.findData(client.investor_class.value))
        self.lowest = QCheckBox(self.tr("Lowest risk-tolerance category"), self)
        self.lowest.setObjectName("lowest")
        self.lowest.setChecked(client.lowest_category)
        self.special = QCheckBox(self.tr("Needs special attention"), self)
        self.special.setChecked(client.special_attention)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Why (kept with the change)"))
        self.message = QLabel(self)
        self.message.setObjectName("clientMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Account:"), plain_label(escape_controls(client.account), self))
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Class:"), self.cls)
        form.addRow(self.tr("Reason:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.special)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Save")))
        # Tab goes down the dialog as drawn: from the class to the reason, then the boxes
        # (made before the reason, they came first, and the reason's spaces ticked them).
        for before, after in ((self.cls, self.reason), (self.reason, self.lowest), (self.lowest, self.special)):
            self.setTabOrder(before, after)

    def accept(self) -> None:
        self.record(
            Job(
                self.services.investors.update,
                self.actor,
                self.client.id,
                name=self.name.text(),
                investor_class=InvestorClass(self.cls.currentData()),
                lowest_category=self.lowest.isChecked(),
                special_attention=self.special.isChecked(),
                reason=self.reason.text().strip(),
                based_on=self.client,  # every field is sent: refused if another desk changed one since
            ),
            self.message,
        )
