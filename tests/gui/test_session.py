"""What a clerk sees belongs to one client and one session (issue #15): the report window
names its client and closes when that client leaves the screen; lock hides every window;
switch user is a logout; no verdict outlives the client or report it was about."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QWidget

from suitcheck.domain.decision import Outcome
from suitcheck.gui.app import DesktopApp
from suitcheck.gui.dialogs import LockDialog, LoginDialog, ReportViewer, SettingsDialog
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from tests.gui.conftest import wait_for_rows
from tests.gui.modal import when_visible
from tests.gui.test_main_window import decided_for, find_client, pick_report


def open_viewer(qtbot, window: MainWindow, account: str = "880005", title: str = "创业板") -> ReportViewer:  # type: ignore[no-untyped-def]
    find_client(qtbot, window, account)
    pick_report(qtbot, window, title)
    assert window.open_button.isEnabled()
    window.open_button.click()
    qtbot.waitUntil(lambda: bool(window.viewers))
    viewer = window.viewers[0]
    assert isinstance(viewer, ReportViewer)
    assert viewer.isVisible()
    return viewer


def visible_viewers() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportViewer) and w.isVisible()]


def visible_main_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_report_window_names_the_client_and_the_decision(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    viewer = open_viewer(qtbot, window)
    result = window.decision.result
    assert result is not None
    assert result.decision.outcome is Outcome.ALLOW
    header = viewer.header.text()
    assert "赵一鸣" in header
    assert "880005" in header
    assert "ALLOWED" in header
    assert str(result.audit_id) in header
    assert "880005" in viewer.windowTitle()
    assert "赵一鸣" in viewer.windowTitle()


def test_report_window_closes_when_the_client_changes(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    open_viewer(qtbot, window)
    find_client(qtbot, window, "880001")  # a C1 client: the R4 report is blocked for them
    qtbot.waitUntil(lambda: not visible_viewers())
    assert window.viewers == []


def test_report_window_closes_when_the_client_search_matches_nobody(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    open_viewer(qtbot, window)
    qtbot.keyClicks(window.client_search, "nobody-by-this-name")
    qtbot.waitUntil(lambda: not visible_viewers(), timeout=5000)


def test_a_search_with_no_match_clears_card_decision_and_open(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    assert window.open_button.isEnabled()
    assert "赵一鸣" in window.client_details.text()
    window.client_search.setText("no-such-client-0000")
    qtbot.waitUntil(lambda: window.client is None, timeout=5000)
    assert window.client_model.rowCount() == 0
    assert "赵一鸣" not in window.client_details.text()
    assert window.decision.result is None
    assert window.decision.verdict.text() == "No decision yet"
    assert not window.open_button.isEnabled()
    assert not window.open_action.isEnabled()
    window.open_report()
    assert not window.viewers


def test_a_filter_that_removes_the_selected_report_clears_the_decision(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")  # R4
    assert window.open_button.isEnabled()
    window.level_filter.setCurrentIndex(window.level_filter.findData("R1"))
    qtbot.waitUntil(lambda: window.report is None, timeout=5000)
    assert all("创业板" not in r.title for r in window.report_model.objects())
    assert window.decision.result is None
    assert not window.open_button.isEnabled()
    assert not window.check_button.isEnabled()


def test_a_filter_that_keeps_the_selected_report_keeps_it(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")  # R4
    window.level_filter.setCurrentIndex(window.level_filter.findData("R4"))
    qtbot.wait(300)
    window.runner.wait()
    qtbot.waitUntil(lambda: all(r.level is not None and r.level.code == "R4" for r in window.report_model.objects()))
    qtbot.waitUntil(lambda: decided_for(window, window.client, window.report), timeout=5000)
    assert window.report is not None
    assert "创业板" in window.report.title


def test_a_professional_is_not_shown_as_never_assessed(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880011")  # professional investor
    pick_report(qtbot, window, "创业板")
    assert window.decision.result is not None
    assert "never assessed" not in window.decision.rule.text()
    assert "never assessed" not in window.client_details.text()
    assert "professional" in window.decision.rule.text()


def test_a_closed_desk_never_locks_later(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    """A desk closed without logging out (the window's close button while the program goes
    on, a test's close) kept its idle timer running: minutes later it opened a modal lock
    screen for a session no one sees, over whatever the program showed then (it once hung
    the suite's last test). Closed, its idle lock is off, and input elsewhere in the program
    does not start it again."""
    window = window_for()
    assert window.idle_timer.isActive()
    window.close()
    assert not window.idle_timer.isActive()
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    qtbot.mouseMove(other)
    qtbot.keyClick(other, "a")
    assert not window.idle_timer.isActive()


def test_lock_closes_report_windows_and_hides_every_window(qtbot, window_for, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    open_viewer(qtbot, window)
    preferences = SettingsDialog(settings, "store", window)  # a non-modal window of the program
    preferences.show()
    modal = QDialog(window)  # a modal dialog keeps its state: it is covered, not ended
    modal.setModal(True)
    modal.resize(300, 200)
    modal.show()
    seen: dict[str, object] = {}

    def locked(dialog: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        seen["viewers"] = visible_viewers()
        seen["central"] = window.centralWidget().isVisible()
        seen["preferences"] = preferences.isVisible()
        covers = [c for c in modal.findChildren(QLabel, "lockCover") if c.isVisible()]
        seen["covered"] = bool(covers) and covers[0].geometry().contains(modal.rect())
        seen["modal"] = modal.isVisible()
        dialog.password.setText("demo")
        dialog.accept()

    when_visible(LockDialog, locked)
    window.lock_action.trigger()
    assert seen == {"viewers": [], "central": False, "preferences": False, "covered": True, "modal": True}
    assert window.centralWidget().isVisible()
    assert preferences.isVisible()
    assert modal.isVisible()
    qtbot.waitUntil(lambda: not [c for c in modal.findChildren(QLabel, "lockCover")])
    assert window.viewers == []


class FakeApp:
    """Stands in for QApplication.exit so a test can see the program quit."""

    def __init__(self) -> None:
        self.exits: list[int] = []
        self.quit_on_close = True

    def exit(self, code: int) -> None:
        self.exits.append(code)

    def quitOnLastWindowClosed(self) -> bool:
        return self.quit_on_close

    def setQuitOnLastWindowClosed(self, on: bool) -> None:
        self.quit_on_close = on


def logged_in(qtbot, qapp, demo_services: Services, settings: QSettings) -> tuple[DesktopApp, FakeApp]:  # type: ignore[no-untyped-def]
    desktop = DesktopApp(qapp, settings, demo=True)
    fake = FakeApp()
    desktop.app = fake  # type: ignore[assignment]
    desktop.services = demo_services

    def login(dialog: LoginDialog) -> None:
        dialog.username.setText("demo-advisor")
        dialog.password.setText("demo")
        dialog.accept()

    when_visible(LoginDialog, login)
    desktop.login()
    assert desktop.window is not None  # not handed to qtbot: switching user deletes it
    wait_for_rows(qtbot, desktop.window)
    return desktop, fake


def test_switch_user_clears_the_screen_first_and_cancel_quits(qtbot, qapp, demo_services, settings) -> None:  # type: ignore[no-untyped-def]
    desktop, fake = logged_in(qtbot, qapp, demo_services, settings)
    old = desktop.window
    assert old is not None
    open_viewer(qtbot, old)
    seen: dict[str, object] = {}

    def cancel(dialog: LoginDialog) -> None:
        try:
            seen["old window visible"] = shiboken6.isValid(old) and old.isVisible()
            seen["viewers"] = visible_viewers()
            seen["main windows"] = visible_main_windows()
        finally:
            dialog.reject()

    when_visible(LoginDialog, cancel)
    old.switch_action.trigger()
    assert seen == {"old window visible": False, "viewers": [], "main windows": []}
    assert fake.exits == [0]  # Cancel quits; the previous session never comes back
    assert desktop.window is None
    assert not (shiboken6.isValid(old) and old.isVisible())


def test_switch_user_from_the_lock_screen_is_a_logout(qtbot, qapp, demo_services, settings) -> None:  # type: ignore[no-untyped-def]
    desktop, fake = logged_in(qtbot, qapp, demo_services, settings)
    old = desktop.window
    assert old is not None
    open_viewer(qtbot, old)
    seen: dict[str, object] = {}

    def switch(dialog: LockDialog) -> None:
        when_visible(LoginDialog, login_as_compliance)
        dialog.findChild(QPushButton, "switchUser").click()

    def login_as_compliance(dialog: LoginDialog) -> None:
        try:
            seen["old window visible"] = shiboken6.isValid(old) and old.isVisible()
            seen["viewers"] = visible_viewers()
            seen["main windows"] = visible_main_windows()
        finally:
            dialog.username.setText("demo-compliance")
            dialog.password.setText("demo")
            dialog.accept()

    when_visible(LockDialog, switch)
    old.lock()
    qtbot.waitUntil(lambda: desktop.window is not None and desktop.window.isVisible(), timeout=5000)
    assert seen == {"old window visible": False, "viewers": [], "main windows": []}
    assert desktop.window is not None
    assert desktop.window is not old
    qtbot.addWidget(desktop.window)
    assert desktop.window.actor.username == "demo-compliance"
    assert desktop.window.client is None
    assert fake.exits == []
    desktop.window.runner.wait()


def test_logout_closes_report_windows(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    open_viewer(qtbot, window)
    window.close()
    qtbot.waitUntil(lambda: not visible_viewers())


def test_the_lock_screen_says_whether_the_clerk_or_the_idle_timer_locked(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    """Was wrong: after Ctrl+Shift+L the lock screen said "Locked after inactivity"."""
    window = window_for()
    said: list[str] = []

    def read_and_unlock(dialog: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        said.append(dialog.findChild(QLabel, "lockReason").text())
        dialog.password.setText("demo")
        dialog.accept()

    when_visible(LockDialog, read_and_unlock)
    window.lock_action.trigger()
    when_visible(LockDialog, read_and_unlock)
    window.idle_timer.setInterval(1)
    window.idle_timer.start()
    qtbot.waitUntil(lambda: len(said) == 2, timeout=5000)
    assert said[0].startswith("Locked. Enter the password of demo-advisor")
    assert said[1].startswith("Locked after inactivity.")
