"""The suitability policy (compliance): saving stores a new version."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui.errors import show_error
from suitcheck.gui.widgets import confirm, dialog_buttons
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError


class PolicyDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policyDialog")
        self.services, self.actor = services, actor
        policy = services.policy.current()
        self.setWindowTitle(self.tr("Suitability policy (version {v})").format(v=policy.version))
        self.validity = QSpinBox(self)
        self.validity.setRange(30, 3650)
        self.validity.setValue(policy.validity_days)
        self.warning = QSpinBox(self)
        self.warning.setRange(0, 365)
        self.warning.setValue(policy.warning_days)
        self.age = QSpinBox(self)
        self.age.setRange(50, 100)
        self.age.setValue(policy.special_attention_age)
        self.escalation = QCheckBox(self.tr("Allow client-requested escalation after the special warning"), self)
        self.escalation.setChecked(policy.allow_escalation)
        form = QFormLayout()
        form.addRow(self.tr("Assessment valid for (days):"), self.validity)
        form.addRow(self.tr("Warn before expiry (days):"), self.warning)
        form.addRow(self.tr("Special attention from age:"), self.age)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Saving stores a new policy version; past decisions keep the version they used."), self)
        )
        layout.addLayout(form)
        layout.addWidget(self.escalation)
        layout.addWidget(dialog_buttons(self, self.tr("Save new version")))

    def accept(self) -> None:
        question = self.tr(
            "Store these settings as a new policy version? Every decision from now on follows it; "
            "the change is recorded in the audit trail."
        )
        if not confirm(self, self.tr("Save new version"), question, self.tr("Save new version")):
            return
        try:
            self.services.policy.update(
                self.actor,
                validity_days=self.validity.value(),
                warning_days=self.warning.value(),
                special_attention_age=self.age.value(),
                allow_escalation=self.escalation.isChecked(),
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        super().accept()
