"""The start-up flow of the real program: open the store off the GUI thread, first-run
administrator, login, main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from sqlalchemy import text

from suitcheck.gui.app import DesktopApp
from suitcheck.gui.dialogs import FirstRunDialog, LoginDialog
from suitcheck.services import open_services
from tests.conftest import FAST_HASHER
from tests.gui.modal import when_visible


def test_first_start_creates_the_admin_then_logs_in(qtbot, qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)

    def first_run(dialog: FirstRunDialog) -> None:
        dialog.password.setText("first-pass")
        dialog.repeat.setText("other")
        dialog.accept()
        assert "differ" in dialog.message.text()
        dialog.repeat.setText("first-pass")
        dialog.accept()
        when_visible(LoginDialog, login)

    def login(dialog: LoginDialog) -> None:
        assert dialog.findChild(type(dialog.message), "demoLogins") is None  # not a demo store
        dialog.username.setText("admin")
        dialog.password.setText("first-pass")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_visible(FirstRunDialog, first_run)
    desktop.open(lambda: open_services(tmp_path / "new.db", hasher=FAST_HASHER, init=True))
    qtbot.waitUntil(lambda: desktop.window is not None and desktop.window.isVisible(), timeout=15_000)
    assert desktop.window is not None
    qtbot.addWidget(desktop.window)
    assert desktop.window.actor.username == "admin"
    assert desktop.window.actor.role.value == "admin"
    assert desktop.window.staff_action.isVisible()
    desktop.window.close()
    assert desktop.services is not None
    desktop.services.close()


def test_a_store_that_cannot_open_is_a_message_not_a_crash(qtbot, qapp, tmp_path: Path, message_boxes) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 1000)
    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)
    exits: list[int] = []
    desktop.app = type("FakeApp", (), {"exit": lambda self, code: exits.append(code)})()
    desktop.open(lambda: open_services(garbage, hasher=FAST_HASHER, init=True))
    qtbot.waitUntil(lambda: bool(exits), timeout=10_000)
    assert exits == [1]
    assert message_boxes
    assert "not a suitcheck store" in message_boxes[-1][1]


def _logged_in(qtbot, qapp, tmp_path: Path, db: Path) -> DesktopApp:  # type: ignore[no-untyped-def]
    services = open_services(db, hasher=FAST_HASHER, init=True)
    if not services.auth.has_staff():
        services.auth.create_first_admin("admin", "first-pass")
    services.close()
    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)

    def login(dialog: LoginDialog) -> None:
        dialog.username.setText("admin")
        dialog.password.setText("first-pass")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_visible(LoginDialog, login)
    desktop.open(lambda: open_services(db, hasher=FAST_HASHER))
    return desktop


def test_the_page_check_runs_beside_the_login_and_is_shown_and_recorded(qtbot, qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desktop = _logged_in(qtbot, qapp, tmp_path, tmp_path / "s.db")
    qtbot.waitUntil(lambda: desktop.window is not None and desktop.store_check is not None, timeout=15_000)
    assert desktop.window is not None
    assert desktop.store_check is not None
    assert desktop.store_check.ok
    qtbot.addWidget(desktop.window)
    label = desktop.window.findChild(QLabel, "storeCheck")
    assert label is not None
    assert "every page is sound" in label.text()
    assert desktop.services is not None
    with desktop.services.store.engine.connect() as conn:
        facts = conn.execute(text("SELECT facts FROM audit_entry WHERE action = 'store-checked'")).scalars().all()
    assert facts == ['{"ok":true,"problem":null}']
    # Settings › Language: the lasting note follows (it stayed in English).
    desktop.set_language("zh_CN")
    try:
        assert label.text().startswith("数据库检查完毕"), label.text()
    finally:
        desktop.set_language("en")
    assert "every page is sound" in label.text()
    desktop.window.close()
    desktop.services.close()


def test_a_damaged_page_found_after_opening_still_ends_the_program(qtbot, qapp, tmp_path: Path, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """The schema reads cleanly, so the store opens; the background page check then finds
    the wrecked data page, says so in one sentence and ends the program with code 1."""
    db = tmp_path / "s.db"
    services = open_services(db, hasher=FAST_HASHER, init=True)
    services.auth.create_first_admin("admin", "first-pass")
    with services.store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE filler (x TEXT)"))
        conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                "INSERT INTO filler SELECT hex(randomblob(100)) FROM n"
            )
        )
    services.close()
    data = bytearray(db.read_bytes())
    data[-8192 : -8192 + 512] = b"\xa5" * 512
    db.write_bytes(bytes(data))
    desktop = _logged_in(qtbot, qapp, tmp_path, db)
    exits: list[int] = []
    desktop.app = type("FakeApp", (), {"exit": lambda self, code: exits.append(code)})()
    qtbot.waitUntil(lambda: bool(exits), timeout=15_000)
    assert exits == [1]
    assert message_boxes
    assert "damaged" in message_boxes[-1][1]
    if desktop.window is not None:
        desktop.window.close()
    if desktop.services is not None:
        desktop.services.close()
