"""Translations: Qt Linguist .qm files shipped in suitcheck/resources/translations."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

LANGUAGES = {"zh_CN": "中文", "en": "English"}
SETTINGS_KEY = "ui/language"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks a string defined at import time for lupdate; translated later with translated()."""
    return text


# Words of Qt's own file dialog that the Chinese catalogue shipped with Qt 6.11
# (qtbase_zh_CN.qm) lacks, so the dialog said "Look in:", "Files of type:" and "Folder"
# in a Chinese desk (Linux without a desktop's own dialog). Listed here so that lupdate
# gathers them into our catalogue, which is installed after Qt's and so consulted first.
# The texts are Qt's source texts, byte for byte, in Qt's contexts.
QT_OWN_WORDS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    # lupdate reads no disambiguation from a NOOP: this one is a translate() (at import
    # time, before any catalogue is installed, so it only returns its text).
    QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "All other platforms"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "%1 File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Unknown"),
)


def translations_dir() -> str:
    return str(resources.files("suitcheck") / "resources" / "translations")


def preferred_language(settings: QSettings) -> str:
    """The saved choice, else the system locale (Chinese locales get Chinese)."""
    saved = settings.value(SETTINGS_KEY)
    if isinstance(saved, str) and saved in LANGUAGES:
        return saved
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


class Translations:
    """Owns the installed translators so the language can switch without a restart: ours,
    and Qt's own (qtbase: the file dialogs, the message boxes' OK/Cancel/Yes/No, a text
    field's context menu), which the packaging ships for Chinese."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translators: list[QTranslator] = []
        self.language = "en"

    def apply(self, language: str) -> bool:
        for installed in self._translators:
            self._app.removeTranslator(installed)
        self._translators = []
        self.language = language
        if language == "en":  # the source language
            return True
        translator = QTranslator(self._app)
        if not translator.load(f"suitcheck_{language}", translations_dir()):
            self.language = "en"
            return False
        qt_own = QTranslator(self._app)
        # Missing Qt translations leave Qt's few words in English; ours still apply.
        if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self._app.installTranslator(qt_own)
            self._translators.append(qt_own)
        # Installed last, so consulted first: our words win over Qt's for the same text.
        self._app.installTranslator(translator)
        self._translators.append(translator)
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
