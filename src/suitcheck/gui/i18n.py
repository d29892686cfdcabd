"""Translations: Qt Linguist .qm files shipped in suitcheck/resources/translations."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

LANGUAGES = {"zh_CN": "中文", "en": "English"}
SETTINGS_KEY = "ui/language"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks a string defined at import time for lupdate; translated later with translated()."""
    return text


def translations_dir() -> str:
    return str(resources.files("suitcheck") / "resources" / "translations")


def preferred_language(settings: QSettings) -> str:
    """The saved choice, else the system locale (Chinese locales get Chinese)."""
    saved = settings.value(SETTINGS_KEY)
    if isinstance(saved, str) and saved in LANGUAGES:
        return saved
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


class Translations:
    """Owns the installed translator so the language can switch without a restart."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None
        self.language = "en"

    def apply(self, language: str) -> bool:
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        self.language = language
        if language == "en":  # the source language
            return True
        translator = QTranslator(self._app)
        if not translator.load(f"suitcheck_{language}", translations_dir()):
            self.language = "en"
            return False
        self._app.installTranslator(translator)
        self._translator = translator
        return True


def app_instance() -> QCoreApplication:
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    return app


def setting_int(settings: QSettings, key: str, default: int) -> int:
    try:
        return int(str(settings.value(key, default)))
    except ValueError:
        return default


def translated(context: str, text: str) -> str:
    """Translate text that was marked with QT_TRANSLATE_NOOP where it was defined."""
    return QCoreApplication.translate(context, text)
