"""The start-up flow of the real program: open the store off the GUI thread, first-run
administrator, login, main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from suitcheck.gui.app import DesktopApp
from suitcheck.gui.dialogs import FirstRunDialog, LoginDialog
from suitcheck.services import open_services
from tests.conftest import FAST_HASHER


def _when_visible(kind: type, act) -> None:  # type: ignore[no-untyped-def]
    """Act on the first visible dialog of `kind` once it is up (dialogs run modal)."""

    def poll() -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            act(found[0])
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_first_start_creates_the_admin_then_logs_in(qtbot, qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)

    def first_run(dialog: FirstRunDialog) -> None:
        dialog.password.setText("first-pass")
        dialog.repeat.setText("other")
        dialog.accept()
        assert "differ" in dialog.message.text()
        dialog.repeat.setText("first-pass")
        dialog.accept()
        _when_visible(LoginDialog, login)

    def login(dialog: LoginDialog) -> None:
        assert dialog.findChild(type(dialog.message), "demoLogins") is None  # not a demo store
        dialog.username.setText("admin")
        dialog.password.setText("first-pass")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    _when_visible(FirstRunDialog, first_run)
    desktop.open(lambda: open_services(tmp_path / "new.db", hasher=FAST_HASHER))
    qtbot.waitUntil(lambda: desktop.window is not None and desktop.window.isVisible(), timeout=15_000)
    assert desktop.window is not None
    qtbot.addWidget(desktop.window)
    assert desktop.window.actor.username == "admin" and desktop.window.actor.role.value == "admin"
    assert desktop.window.staff_action.isVisible()
    desktop.window.close()
    assert desktop.services is not None
    desktop.services.close()


def test_a_store_that_cannot_open_is_a_message_not_a_crash(qtbot, qapp, tmp_path: Path, message_boxes) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 1000)
    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)
    exits: list[int] = []
    desktop.app = type("FakeApp", (), {"exit": lambda self, code: exits.append(code)})()  # type: ignore[assignment]
    desktop.open(lambda: open_services(garbage, hasher=FAST_HASHER))
    qtbot.waitUntil(lambda: bool(exits), timeout=10_000)
    assert exits == [1]
    assert message_boxes and "not a suitcheck store" in message_boxes[-1][1]
