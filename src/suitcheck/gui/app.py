"""Start the desktop: open the store off the GUI thread, first run, login, main window."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QSettings, QThreadPool, QTimer
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from suitcheck import APP_ID
from suitcheck.gui.dialogs import FirstRunDialog, LoginDialog
from suitcheck.gui.errors import show_error
from suitcheck.gui.i18n import SETTINGS_KEY, Translations, preferred_language
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.workers import GuiThreadCollector, Job, Runner, low_priority_runner, lower_this_thread
from suitcheck.privatefs import POSIX, touch_private
from suitcheck.services import Services
from suitcheck.services.errors import StoreUnavailable
from suitcheck.services.store_check import StoreCheck

log = logging.getLogger(__name__)


class DesktopApp:
    """Owns the services and the one main window; handles switching user and language."""

    def __init__(self, app: QApplication, settings: QSettings, demo: bool) -> None:
        self.app, self.settings, self.demo = app, settings, demo
        self.translations = Translations(app)
        self.translations.apply(preferred_language(settings))
        self.services: Services | None = None
        self.window: MainWindow | None = None
        self.runner = Runner()
        self.check_runner = low_priority_runner()
        self.store_check: StoreCheck | None = None

    def open(self, services_factory: Callable[[], Services]) -> None:
        # Opening may migrate an old store: do it off the GUI thread.
        self.runner.start(Job(services_factory), self._opened, self._failed_to_open)

    def _failed_to_open(self, exc: BaseException) -> None:
        show_error(None, exc)
        self.app.exit(1)

    def _opened(self, services: Services) -> None:
        self.services = services
        # Reading every page takes time in proportion to the store, so it runs beside the
        # login rather than before it; a damaged store still ends the program, as before.
        # It has a thread of its own at low priority: the window's first rows come first.
        self.check_runner.start(Job(_check_store, services), self._store_checked, self._failed_to_open)
        if not services.auth.has_staff() and FirstRunDialog(services).exec() != QDialog.DialogCode.Accepted:
            self.app.exit(0)
            return
        self.login()

    def _store_checked(self, result: StoreCheck) -> None:
        self.store_check = result
        if not result.ok:
            show_error(self.window, StoreUnavailable(result.problem or ""))
            for widget in QApplication.topLevelWidgets():
                widget.close()
            self.app.exit(1)
            return
        self._show_store_check()

    def _show_store_check(self) -> None:
        """A lasting note in the status bar (transient messages would hide it at once)."""
        if self.window is None or self.store_check is None:
            return
        label = self.window.findChild(QLabel, "storeCheck")
        if label is None:
            label = QLabel(self.window)
            label.setObjectName("storeCheck")
            self.window.statusBar().addPermanentWidget(label)
        label.setText(
            QCoreApplication.translate("DesktopApp", "Store checked: every page is sound ({seconds} s).").format(
                seconds=f"{self.store_check.seconds:.1f}"
            )
        )

    def login(self) -> None:
        """The login screen. Cancel quits: it never returns to a previous session."""
        assert self.services is not None
        if self.store_check is not None and not self.store_check.ok:
            return  # the program is ending: the store is damaged
        dialog = LoginDialog(self.services, demo=self.demo)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
            if self.store_check is not None and not self.store_check.ok:
                return  # closed because the store is damaged; the exit code says so
            self.app.exit(0)
            return
        self.window = MainWindow(self.services, dialog.actor, self.settings, demo=self.demo)
        self.window.switch_user_requested.connect(self.switch_user)
        self.window.language_requested.connect(self.set_language)
        self.window.show()
        self._show_store_check()
        print("suitcheck: main window shown", flush=True)

    def switch_user(self) -> None:
        """Switch user is a logout: the previous user's screen is cleared and closed
        before the login screen appears."""
        old, self.window = self.window, None
        quit_on_close = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)  # no window is up between the two sessions
        try:
            if old is not None:
                old.end_session()
                old.close()
                old.deleteLater()
            self.login()
        finally:
            self.app.setQuitOnLastWindowClosed(quit_on_close)

    def set_language(self, language: str) -> None:
        self.settings.setValue(SETTINGS_KEY, language)
        if not self.translations.apply(language):
            QMessageBox.warning(
                self.window, "suitcheck", QCoreApplication.translate("Errors", "The translation could not be loaded.")
            )
        self._show_store_check()  # the status bar's lasting note, in the language now shown


def _check_store(services: Services) -> StoreCheck:
    lower_this_thread()
    return services.store_check.check()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("unhandled exception", exc_info=(kind, exc, tb))
    with contextlib.suppress(Exception):  # never let the hook itself crash the program
        show_error(QApplication.activeWindow(), exc)


CJK_FALLBACK_FONT = "fonts/DroidSansFallback-GBK-subset.ttf"  # also the PDFs' font (resources/fonts)


def ensure_cjk_font() -> str | None:
    """On a desktop with no Chinese font (the tarball, or the .deb without its recommended
    fonts-noto-cjk) Qt drew every Chinese label as empty boxes. Then the bundled subset is
    registered, and Qt's fallback takes Chinese glyphs from it. Returns its family, or None
    when the desktop has a Chinese font of its own (which stays in use)."""
    from importlib import resources

    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return None
    data = resources.files("suitcheck.resources").joinpath(CJK_FALLBACK_FONT).read_bytes()
    font_id = QFontDatabase.addApplicationFontFromData(data)
    if font_id == -1:
        log.warning("the bundled Chinese font could not be loaded; Chinese text may not show")
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    log.info("no Chinese font on this desktop: using the bundled %s", family)
    return family


def private_settings(settings: QSettings) -> QSettings:
    """`settings` with its file made the owner's alone (folder 0700, file 0600) before Qt
    writes it: Qt creates both under the umask (0755/0644 with the usual 022), and the
    folder is the one the audit key goes in (privatefs leaves an existing folder as it is).
    Qt rewrites the file keeping its mode. Only where the settings are a file: INI files on
    Linux and other Unix desktops (macOS keeps them as preferences, Windows in the registry)."""
    if POSIX and sys.platform != "darwin" and settings.fileName():
        try:
            touch_private(Path(settings.fileName()))
        except OSError as exc:  # Qt says so in its own way when it cannot write them either
            log.warning("settings file %s not made private: %s", settings.fileName(), exc.strerror or exc)
    return settings


def app_icon() -> QIcon:
    """The app icon (rendered from resources/icons/suitcheck.svg by scripts/render_icons.py)."""
    from importlib import resources

    icon = QIcon()
    for path in sorted((resources.files("suitcheck") / "resources" / "icons").iterdir(), key=lambda p: p.name):
        if path.name.startswith("suitcheck-") and path.name.endswith(".png"):
            icon.addFile(str(path))
    return icon


def run_gui(services_factory: Callable[[], Services], *, demo: bool = False, exit_after: float | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("suitcheck")
    app.setOrganizationName("suitcheck")
    ensure_cjk_font()
    QApplication.setWindowIcon(app_icon())  # every window and dialog, the taskbar, the About box
    QApplication.setDesktopFileName(APP_ID)  # Wayland: match the window to the installed .desktop entry
    sys.excepthook = _excepthook
    collector = GuiThreadCollector(app)  # no window is ever freed by a worker thread's collection
    desktop = DesktopApp(app, private_settings(QSettings()), demo)  # type: ignore[arg-type]
    QTimer.singleShot(0, lambda: desktop.open(services_factory))
    if exit_after is not None:
        # For smoke tests of frozen builds: prove the window comes up, then leave.

        def leave() -> None:
            for widget in QApplication.topLevelWidgets():
                if widget.isVisible():  # what was on screen, in the language it was shown in
                    print(f"suitcheck: window shown: {widget.windowTitle()}", flush=True)
                widget.close()
            app.exit(0)

        QTimer.singleShot(int(exit_after * 1000), leave)
    try:
        code = app.exec()
        desktop.check_runner.wait(120_000)  # a page check still reading: let it end before the store closes
        _let_work_finish()
        if desktop.services is not None:
            desktop.services.close()
    finally:  # the automatic collector back even when closing the store fails
        collector.stop()
    return code


FINISH_WORK_MS = 30 * 60_000  # what an audit export or self-inspection left running at quit may take


def _let_work_finish() -> None:
    """Work a session left running (an audit export or a self-inspection goes on after
    switch user, as the starter's) finishes before the store closes under it: its file
    and its audit entry are written, or neither."""
    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount():
        log.info("waiting for %d background job(s) to finish before the store closes", pool.activeThreadCount())
        if not pool.waitForDone(FINISH_WORK_MS):
            log.warning("background work still running after %d s; closing the store", FINISH_WORK_MS // 1000)
