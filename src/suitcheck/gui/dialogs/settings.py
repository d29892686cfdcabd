"""Preferences: language, idle lock, the store in use."""

from __future__ import annotations

import logging

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

log = logging.getLogger(__name__)

IDLE_KEY = "session/idle_minutes"
IDLE_DEFAULT = 10
# What the preferences offer; a value outside it (a settings file edited by hand, a
# registry value pushed by IT) is held to it: 40,000 minutes overflowed Qt's timer and the
# window never opened after the login.
IDLE_RANGE = (1, 240)


def idle_minutes(settings: QSettings) -> int:
    """The desk's idle lock in minutes, as saved, within IDLE_RANGE (not a number: the default)."""
    saved = setting_int(settings, IDLE_KEY, IDLE_DEFAULT)
    low, high = IDLE_RANGE
    held = min(high, max(low, saved))
    if held != saved:
        log.warning("idle lock of %s minutes in the settings is outside %s-%s: %s used", saved, low, high, held)
    return held


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
        self.idle.setRange(*IDLE_RANGE)
        self.idle.setValue(idle_minutes(settings))
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
        self.settings.setValue(IDLE_KEY, self.idle.value())
        super().accept()
