"""First start on an empty store: create the administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui.messages import error_text
from suitcheck.gui.widgets import dialog_buttons
from suitcheck.services import Services
from suitcheck.services.errors import ServiceError


class FirstRunDialog(QDialog):
    """First start on an empty store: create the administrator account."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.services = services
        self.setWindowTitle(self.tr("suitcheck — first start"))
        self.username = QLineEdit("admin", self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow(self.tr("Administrator:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("Repeat password:"), self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "This store has no accounts yet. Create the administrator, "
                    "who then adds advisors and compliance staff.\nStore: {store}"
                ).format(store=services.store.display_name),
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.tr("Create")))

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText(self.tr("The two passwords differ."))
            return
        try:
            self.services.auth.create_first_admin(self.username.text().strip(), self.password.text())
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            return
        super().accept()
