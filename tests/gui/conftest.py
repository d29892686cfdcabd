"""GUI fixtures: offscreen Qt, a demo store, a main window built on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

# Qt's offscreen screen is 800x800 unless told: one desk-sized screen, larger than the
# window's default 1366x768, so a window opens at its own size (test_window_fits_its_screen
# gives it a smaller screen).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen-screen.json')}"

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QMessageBox

from suitcheck.gui.dialogs import LockDialog, LoginDialog
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.workers import GuiThreadCollector
from suitcheck.services import Actor, Services
from suitcheck.services.demo import seed_demo
from tests.conftest import FAST_HASHER, Clock, make_services
from tests.gui.modal import stop_polls

# The work a window starts off the GUI thread as it opens (its first rows, the reminders'
# count): generous, since on a loaded 2-core CI machine the first rows once took over 5 s
# (pytest-qt's default), behind work an earlier test left on the shared pool. Not a speed test.
START_UP_MS = 20_000
# How long a background call that a test holds (a large PDF being read, a slow export) waits
# for the test to let it go: only a guard, so that a test failing before it lets go still
# ends. On a busy machine (the suite runs on every core) the test's own thread may take
# seconds to get there, and a call the guard let go ran before what the test arranged
# around it (a re-rating, the lock, another client) and failed the test for nothing.
HELD_S = 60.0


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """As in the desk (run_gui): garbage cycles are collected on the GUI thread only, so a
    window a test closed is never freed by a worker thread's collection."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def _no_poll_outlives_its_test() -> Iterator[None]:
    """modal.when_visible's polls end with their test."""
    yield
    stop_polls()


@pytest.fixture(autouse=True)
def _no_work_outlives_its_test() -> Iterator[None]:
    """What a test started on the shared pool (a page drawn at 300 %, a search, a check) is
    done before the next test begins: left running, it held up the next test's first
    search behind it, on a loaded 2-core machine past that test's wait (a window's search
    for a client timed out in two whole-suite runs). A test whose work never ends fails."""
    yield
    if not QThreadPool.globalInstance().waitForDone(int(2 * HELD_S * 1000)):
        pytest.fail("work this test started on the shared pool was still running after it ended")


@pytest.fixture
def demo_services(tmp_path: Path, clock: Clock) -> Iterator[Services]:
    services = make_services(str(tmp_path / "demo.db"), clock)
    services.auth = type(services.auth)(services.ctx, FAST_HASHER)
    seed_demo(services)
    yield services
    services.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record message boxes instead of blocking on them."""
    shown: list[tuple[str, str]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append((box.text(), box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


class Confirmations:
    """Answers the confirmation questions (gui.widgets.confirm) instead of blocking on them;
    every box shown is kept as (text, informative text), an error box (no buttons until
    shown) too."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.shown: list[tuple[str, str]] = []
        self.answer = True

    def exec(self, box: QMessageBox) -> int:
        self.asked.append(box.text())
        self.shown.append((box.text(), box.informativeText()))
        role = QMessageBox.ButtonRole.AcceptRole if self.answer else QMessageBox.ButtonRole.RejectRole
        for button in box.buttons():
            if box.buttonRole(button) == role:
                button.click()
                break
        return 0


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> Confirmations:
    answers = Confirmations()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answers.exec(box))
    return answers


def login(services: Services, name: str) -> Actor:
    return services.auth.login(name, "demo")


def password_answered(qtbot, dialog: LoginDialog | LockDialog) -> None:  # type: ignore[no-untyped-def]
    """Until the login or lock screen's password check (a worker) has answered, and what
    follows from it (a forced change of password) is done."""
    qtbot.waitUntil(lambda: not dialog.check.under_way, timeout=START_UP_MS)


def change_answered(qtbot, dialog: RecordingDialog) -> None:  # type: ignore[no-untyped-def]
    """Until a dialog that records a change (a worker) has its answer."""
    qtbot.waitUntil(lambda: not dialog.recording, timeout=START_UP_MS)


def wait_for_rows(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Until the window shows its first clients and reports (START_UP_MS at most)."""
    qtbot.waitUntil(
        lambda: window.report_model.rowCount() > 0 and window.client_model.rowCount() > 0, timeout=START_UP_MS
    )


@pytest.fixture
def window_for(qtbot, demo_services: Services, settings: QSettings):  # type: ignore[no-untyped-def]
    windows: list[MainWindow] = []

    def build(user: str = "demo-advisor") -> MainWindow:
        window = MainWindow(demo_services, login(demo_services, user), settings, demo=True)
        qtbot.addWidget(window)
        window.show()
        wait_for_rows(qtbot, window)
        windows.append(window)
        return window

    yield build
    for w in windows:
        w.runner.wait()
