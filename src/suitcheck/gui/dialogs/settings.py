"""Preferences: language, idle lock, the store in use."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui.i18n import LANGUAGES, setting_int
from suitcheck.gui.widgets import dialog_buttons


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, store: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.setWindowTitle(self.tr("Preferences"))
        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        current = settings.value("ui/language")
        if current in LANGUAGES:
            self.language.setCurrentIndex(list(LANGUAGES).index(str(current)))
        self.idle = QSpinBox(self)
        self.idle.setRange(1, 240)
        self.idle.setValue(setting_int(settings, "session/idle_minutes", 10))
        store_label = QLabel(store, self)
        store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Lock after idle minutes:"), self.idle)
        form.addRow(self.tr("Store:"), store_label)
        form.addRow("", QLabel(self.tr("To use another store, start suitcheck with --db or set SUITCHECK_DB."), self))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self))

    def accept(self) -> None:
        self.settings.setValue("ui/language", self.language.currentData())
        self.settings.setValue("session/idle_minutes", self.idle.value())
        super().accept()
