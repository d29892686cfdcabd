"""The first screen comes first: what reads over the whole store (the page check, the
reminders, the publisher list) never holds up the two lists, and still fills in after."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from sqlalchemy import event, text

from suitcheck.gui.app import DesktopApp
from suitcheck.gui.dialogs import LoginDialog
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.workers import ThreadPerJob, lower_this_thread
from suitcheck.services import Services, open_services
from tests.conftest import FAST_HASHER
from tests.gui.conftest import login, password_answered
from tests.gui.modal import when_visible


def test_reminders_and_publishers_load_after_both_first_pages_and_match_the_services(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, settings: QSettings
) -> None:
    compliance = login(demo_services, "demo-compliance")
    demo_services.investors.mark_reassessment_due(compliance, "880004", "退休")
    shown: dict[str, tuple[int, int]] = {}  # rows in each list when a whole-store read began
    windows: list[MainWindow] = []

    def record(name: str, fn: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            window = windows[0]
            shown.setdefault(name, (window.client_model.rowCount(), window.report_model.rowCount()))
            return fn(*args, **kwargs)

        return wrapped

    demo_services.reminders.count = record("reminders", demo_services.reminders.count)  # type: ignore[method-assign]
    demo_services.reports.publishers = record("publishers", demo_services.reports.publishers)  # type: ignore[method-assign]
    window = MainWindow(demo_services, compliance, settings, demo=True)
    windows.append(window)
    qtbot.addWidget(window)
    assert window.reminders is not None
    assert window.reminders.total is None  # nothing counted while the window is built
    assert not shown
    window.show()
    qtbot.waitUntil(lambda: window.reminders is not None and window.reminders.total is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.publisher_filter.count() > 1, timeout=10_000)
    window.runner.wait()
    assert set(shown) == {"reminders", "publishers"}
    assert all(clients > 0 and reports > 0 for clients, reports in shown.values())  # both lists were in
    # Same answers as the services give directly, shown as before.
    expected = demo_services.reminders.reminders(compliance)
    assert window.reminders.total == len(expected) >= 1
    assert window.reminders.isVisible()
    rows = window.reminders.model.rowCount()
    assert [window.reminders.model.row_object(r).investor.account for r in range(rows)] == [
        r.investor.account for r in expected
    ]
    publishers = [window.publisher_filter.itemData(i) for i in range(1, window.publisher_filter.count())]
    assert publishers == demo_services.reports.publishers(compliance)
    assert window.reminders.count_button is not None
    assert window.reminders.count_button.text() == f"Reminders: {len(expected)}"


def test_a_page_check_still_reading_holds_up_neither_login_nor_the_first_rows(  # type: ignore[no-untyped-def]
    qtbot, qapp, tmp_path: Path, message_boxes
) -> None:
    """The check is held inside its transaction until the window has its first rows (the
    login writes its audit entry meanwhile); then it ends, is shown and audited, as before."""
    db = tmp_path / "s.db"
    services = open_services(db, hasher=FAST_HASHER, init=True)
    services.auth.create_first_admin("admin", "first-pass")
    services.close()
    release = threading.Event()
    opened: list[Services] = []

    def held_factory() -> Services:
        services = open_services(db, hasher=FAST_HASHER)

        @event.listens_for(services.store.engine, "before_cursor_execute")
        def _hold(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            if "quick_check" in statement:
                release.wait(30)  # the check has begun its transaction and reads no further

        opened.append(services)
        return services

    def sign_in(dialog: LoginDialog) -> None:
        dialog.username.setText("admin")
        dialog.password.setText("first-pass")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        password_answered(qtbot, dialog)
        if dialog.isVisible():  # the login failed (e.g. the store was locked): end it, do not hang
            dialog.reject()

    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)
    exits: list[int] = []
    desktop.app = type("FakeApp", (), {"exit": lambda self, code: exits.append(code)})()
    when_visible(LoginDialog, sign_in)
    desktop.open(held_factory)
    try:
        qtbot.waitUntil(lambda: desktop.window is not None and desktop.window.first_rows_in, timeout=15_000)
        window = desktop.window
        assert window is not None
        qtbot.addWidget(window)
        assert desktop.store_check is None  # still reading: neither login nor the lists waited for it
        assert not message_boxes
        assert not exits
    finally:
        release.set()
    qtbot.waitUntil(lambda: desktop.store_check is not None, timeout=15_000)
    assert desktop.store_check is not None
    assert desktop.store_check.ok
    label = window.findChild(QLabel, "storeCheck")
    assert label is not None
    assert "every page is sound" in label.text()
    with opened[0].store.engine.connect() as conn:
        facts = conn.execute(text("SELECT facts FROM audit_entry WHERE action = 'store-checked'")).scalars().all()
    assert facts == ['{"ok":true,"problem":null}']
    window.close()
    desktop.check_runner.wait()
    opened[0].close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_lowering_a_thread_leaves_the_others_as_they_were() -> None:
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    def work() -> None:
        before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        lower_this_thread()
        seen.extend([before, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())])

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen[1] > seen[0]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == main_before


def test_the_desktop_checks_the_store_on_its_own_runner(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desktop = DesktopApp(qapp, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), demo=False)
    assert desktop.check_runner is not desktop.runner
    assert isinstance(desktop.check_runner._pool, ThreadPerJob)
