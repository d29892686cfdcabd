"""The hurried clerk at a desk whose store another program holds locked (attack round
"atk-desk"): a SQLite store file under another process's BEGIN EXCLUSIVE, or on
PostgreSQL another session holding the trail's lock. The check waits for the lock (up to
the store's busy timeout): it must wait off the GUI thread, with the decision panel saying
so, one check however often the clerk presses, its answer shown only for the client and
report it was asked for, and a locked store that stays locked said in a sentence with
nothing shown as allowed. The lock is real (a second process or connection); nothing here
measures time: the tests assert what the window shows and that its event loop ran."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit, QPushButton, QWidget, QWizard
from sqlalchemy import text

from suitcheck.domain.codes import AuditAction
from suitcheck.gui.dialogs import (
    AssessmentDialog,
    ClientDialog,
    ClientEditDialog,
    LockDialog,
    LoginDialog,
    OverrideDialog,
    ReportViewer,
)
from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from suitcheck.services.access import CheckResult
from suitcheck.services.demo import seed_demo
from suitcheck.store import engine as store_engine
from tests.attack.test_attack_pg_waits import hold_the_chain_lock
from tests.conftest import FAST_HASHER, Clock, make_services, postgres_target
from tests.gui.conftest import HELD_S, START_UP_MS, login, wait_for_rows
from tests.gui.modal import on_next_modal, when_visible
from tests.gui.test_attack_clerk import double_click_row
from tests.gui.test_main_window import decided_for, find_client, pick_report
from tests.gui.test_session import visible_viewers

# The store's busy timeout while a test holds the lock and then lets it go: long, so that the
# check is still waiting when the test releases it (a guard, never a measure); and short,
# for the tests where the lock stays.
WAITS_MS = 120_000
GIVES_UP_MS = 400
# Longer than a desk takes to close, shorter than the 10 s its close waited for its work.
LOGOUT_BUSY_MS = 5_000

HOLD_SQLITE = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN EXCLUSIVE')\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
    "c.execute('ROLLBACK')\n"
)


class Holder:
    """Another program holding the store locked until `release()`: a second process in
    BEGIN EXCLUSIVE on the SQLite file, or a second PostgreSQL session holding the trail's
    lock (what every check takes first)."""

    def __init__(self, services: Services) -> None:
        url = services.store.url
        self._release: Callable[[], None]
        if url.get_backend_name() == "sqlite":
            proc = subprocess.Popen(
                [sys.executable, "-c", HOLD_SQLITE, str(url.database)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "held"

            def release() -> None:
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait()

            self._release = release
        else:
            self._release, _engine = hold_the_chain_lock(url)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self._release()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def desk(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, qtbot):  # type: ignore[no-untyped-def]
    """`desk(busy_ms)`: a demo store (on each backend) whose lock waits last busy_ms, and
    the advisor's window on it; the lock holders a test made are let go at its end."""
    made: list[tuple[Services, MainWindow]] = []
    holders: list[Holder] = []

    def build(busy_ms: int) -> tuple[MainWindow, Services, Callable[[], Holder]]:
        monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", busy_ms)
        target = str(tmp_path / "demo.db") if request.param == "sqlite" else postgres_target()
        services = make_services(target, clock)
        services.auth = type(services.auth)(services.ctx, FAST_HASHER)
        seed_demo(services)
        window = MainWindow(
            services, login(services, "demo-advisor"), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        )
        qtbot.addWidget(window)
        window.show()
        wait_for_rows(qtbot, window)
        made.append((services, window))

        def hold() -> Holder:
            holder = Holder(services)
            holders.append(holder)
            return holder

        return window, services, hold

    yield build
    for holder in holders:
        holder.release()
    for services, window in made:
        window.runner.wait()
        services.close()


def checks(services: Services, action: str = "check") -> int:
    with services.store.session(read_only=True) as session:  # a reader: never waits for the lock
        return int(
            session.execute(text("SELECT count(*) FROM audit_entry WHERE action = :a"), {"a": action}).scalar_one()
        )


def ticking(window: QWidget) -> list[int]:
    """A timer on the GUI thread: its count grows only while the event loop runs."""
    ticks: list[int] = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    return ticks


def late_answers_land(holder: Holder) -> None:
    """Let the store go and every answer that waited for it reach the windows (its worker
    done, its queued signal delivered)."""
    holder.release()
    QThreadPool.globalInstance().waitForDone(START_UP_MS)
    for _ in range(5):
        QApplication.processEvents()


def the_loop_runs(qtbot, ticks: list[int]) -> None:  # type: ignore[no-untyped-def]
    seen = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) > seen + 2, timeout=START_UP_MS)


def shown_results(window: MainWindow) -> list[CheckResult]:
    """Every decision the panel shows from now on."""
    shown: list[CheckResult] = []
    real = window.decision.show_result

    def show(result: CheckResult, client: str, report: str) -> None:
        shown.append(result)
        real(result, client, report)

    window.decision.show_result = show  # type: ignore[method-assign]
    return shown


def nothing_allowed(window: MainWindow) -> None:
    assert window.decision.result is None
    assert window.decision.verdict.text() == "No decision yet"
    assert not window.open_button.isEnabled()
    # Ctrl+O may be on while the pair's decision is being made: it then opens once that
    # decision is in and allows it (test_attack_desk_second_pass), never before.
    deciding = window._checking is not None or window._check_timer.isActive()
    assert not window.open_action.isEnabled() or deciding
    assert not window.viewers
    assert not window.override_button.isVisible()


def test_a_check_behind_a_lock_waits_off_the_gui_thread_and_is_recorded_once(  # type: ignore[no-untyped-def]
    qtbot, desk, message_boxes
) -> None:
    """Was BROKE: the check ran on the GUI thread; behind another program's lock the whole
    desk froze until the lock went (up to the busy timeout, 15 s): no repaint, no typing.
    Now the desk keeps running, the panel says it waits for the store, Check pressed again
    (button, Enter, Ctrl+Return) asks nothing more, and the answer lands once."""
    window, services, hold = desk(WAITS_MS)
    find_client(qtbot, window, "880003")  # C3
    before = checks(services)
    holder = hold()
    ticks = ticking(window)
    pick_report(qtbot, window, "银行业", decided=False)  # R3; the settling time asks for the check
    qtbot.waitUntil(lambda: "Waiting for the store" in window.decision.summary.text(), timeout=START_UP_MS)
    the_loop_runs(qtbot, ticks)  # the desk is not frozen behind the lock
    nothing_allowed(window)
    assert not window.check_button.isEnabled()  # the check is under way
    window.check_button.click()  # the hurried clerk presses again, and again
    window.reports_view.setFocus()
    qtbot.keyClick(window.reports_view, Qt.Key.Key_Return)
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))
    the_loop_runs(qtbot, ticks)
    nothing_allowed(window)
    holder.release()
    qtbot.waitUntil(lambda: decided_for(window, window.client, window.report), timeout=START_UP_MS)
    window.runner.wait()
    QApplication.processEvents()
    assert window.decision.verdict.text() == "ALLOWED"
    assert window.open_button.isEnabled()
    assert window.check_button.isEnabled()
    assert checks(services) == before + 1  # one press or four: one check recorded
    assert message_boxes == []


@pytest.mark.parametrize("moves_to", ["another report", "another client"])
def test_a_check_answered_after_the_clerk_moved_on_lands_only_for_its_own_pair(  # type: ignore[no-untyped-def]
    qtbot, desk, message_boxes, moves_to: str
) -> None:
    """The check of 880005 (C5) and an R4 report waits behind the lock; the clerk moves to
    another report, or to another client (C1), meanwhile. The answer that comes back is
    never shown under the pair now on screen: the panel shows the decision about the pair
    on screen, decided once the lock goes."""
    window, services, hold = desk(WAITS_MS)
    find_client(qtbot, window, "880005")  # C5: 创业板 allowed
    holder = hold()
    pick_report(qtbot, window, "创业板", decided=False)
    qtbot.waitUntil(lambda: "Waiting for the store" in window.decision.summary.text(), timeout=START_UP_MS)
    shown = shown_results(window)
    if moves_to == "another report":
        pick_report(qtbot, window, "利率债", decided=False)
    else:
        find_client(qtbot, window, "880001")  # C1: 创业板 blocked
    nothing_allowed(window)
    client, report = window.client, window.report
    assert client is not None
    assert report is not None
    holder.release()
    qtbot.waitUntil(lambda: decided_for(window, client, report), timeout=START_UP_MS)
    window.runner.wait()
    qtbot.wait(50)
    QApplication.processEvents()
    assert [(r.investor_id, r.report_id) for r in shown] == [(client.id, report.id)]
    assert decided_for(window, client, report)
    expected = "BLOCKED" if moves_to == "another client" else "ALLOWED"
    assert window.decision.verdict.text() == expected
    assert client.name in window.decision.summary.text()
    assert message_boxes == []


@pytest.mark.parametrize("then", ["waits", "moves to another client"])
def test_a_double_click_behind_a_lock_opens_the_report_once_decided_for_that_client_only(  # type: ignore[no-untyped-def]
    qtbot, desk, then: str
) -> None:
    """The clerk double-clicks a report not yet checked: the opening waits for its
    decision. Behind the lock it used to freeze the desk; once the lock goes the report
    opens for the client it was double-clicked for, and not at all if the clerk has moved
    to another client meanwhile."""
    window, services, hold = desk(WAITS_MS)
    find_client(qtbot, window, "880005")  # C5
    pick_report(qtbot, window, "银行业")
    opens = checks(services, "open")
    holder = hold()
    ticks = ticking(window)
    double_click_row(qtbot, window, "创业板")
    the_loop_runs(qtbot, ticks)
    qtbot.waitUntil(lambda: "Waiting for the store" in window.decision.summary.text(), timeout=START_UP_MS)
    assert not visible_viewers()
    if then == "moves to another client":
        find_client(qtbot, window, "880002")
    holder.release()
    if then == "waits":
        qtbot.waitUntil(lambda: bool(visible_viewers()), timeout=START_UP_MS)
        [viewer] = visible_viewers()
        assert isinstance(viewer, ReportViewer)
        assert "创业板" in viewer.title_text
        assert window.client is not None
        assert viewer.client_id == window.client.id
        window.runner.wait()
        assert checks(services, "open") == opens + 1
    else:
        qtbot.waitUntil(lambda: window.client is not None and decided_for(window, window.client, window.report))
        window.runner.wait()
        qtbot.wait(50)
        QApplication.processEvents()
        assert not visible_viewers()
        assert checks(services, "open") == opens


def test_a_store_that_stays_locked_is_said_in_the_panel_and_allows_nothing(  # type: ignore[no-untyped-def]
    qtbot, qapp, desk, message_boxes
) -> None:
    """The lock outlasts the busy timeout: the panel says the store is locked by another
    program (in the desk's language, also after a language switch), nothing is shown as
    allowed and nothing recorded; once the lock goes, Check decides."""
    window, services, hold = desk(GIVES_UP_MS)
    find_client(qtbot, window, "880005")
    before = checks(services)
    holder = hold()
    pick_report(qtbot, window, "创业板", decided=False)
    qtbot.waitUntil(lambda: "locked by another program" in window.decision.summary.text(), timeout=START_UP_MS)
    nothing_allowed(window)
    assert window.check_button.isEnabled()  # the clerk may try again
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        qtbot.waitUntil(lambda: window.check_button.text() == "核查 (Enter)")
        summary = window.decision.summary.text()
        assert "Not checked" not in summary
        assert "try again in a moment" not in summary
        assert "锁" in summary, summary
        assert window.decision.result is None
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: "locked by another program" in window.decision.summary.text())
    assert checks(services) == before
    holder.release()
    window.check_button.click()
    qtbot.waitUntil(lambda: decided_for(window, window.client, window.report), timeout=START_UP_MS)
    assert window.decision.verdict.text() == "ALLOWED"
    assert checks(services) == before + 1
    window.runner.wait()


def test_logging_out_while_a_check_waits_for_the_lock_does_not_wait_for_it(  # type: ignore[no-untyped-def]
    qtbot, desk, message_boxes, monkeypatch
) -> None:
    """The check waits behind the lock; the clerk switches user (the window ends its session
    and closes). Closing waited for the window's background work (up to 10 s, a blank
    screen): it does not wait for the check, whose answer, when it comes, shows nothing,
    no error box either, for a session that has ended."""
    window, services, hold = desk(LOGOUT_BUSY_MS)
    ended = threading.Event()
    real = services.access.check

    def check(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return real(*args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(services.access, "check", check)
    find_client(qtbot, window, "880005")
    holder = hold()
    pick_report(qtbot, window, "创业板", decided=False)
    qtbot.waitUntil(lambda: "Waiting for the store" in window.decision.summary.text(), timeout=START_UP_MS)
    window.end_session()  # switch user: what DesktopApp.switch_user does
    window.close()
    assert not ended.is_set()  # the window closed while the check still waited for the lock
    holder.release()
    assert ended.wait(HELD_S)
    window.runner.wait()
    for _ in range(5):
        QApplication.processEvents()
    assert message_boxes == []
    assert window.decision.result is None
    assert not visible_viewers()


@pytest.mark.parametrize("then", ["the lock goes", "the next clerk switches user"])
def test_unlocking_behind_a_lock_on_the_store_keeps_the_lock_screen_running(  # type: ignore[no-untyped-def]
    qtbot, desk, then: str
) -> None:
    """Was BROKE: the lock screen checked the password on the GUI thread, and the login
    records itself: behind another program's lock the lock screen froze (up to the busy
    timeout) after Unlock, Switch user unreachable. Now it says it checks the password,
    Enter pressed again asks nothing more, and it unlocks once the lock goes; or the next
    clerk switches user meanwhile, and the late answer unlocks nothing."""
    window, services, hold = desk(WAITS_MS)
    find_client(qtbot, window, "880005")
    logins = checks(services, "login")
    holder = hold()
    ticks = ticking(window)
    seen: dict[str, object] = {}
    switched: list[bool] = []
    window.switch_user_requested.connect(lambda: switched.append(True))

    def at_the_lock(lock: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        lock.password.setText("demo")
        qtbot.keyClick(lock.password, Qt.Key.Key_Return)
        qtbot.keyClick(lock.password, Qt.Key.Key_Return)  # nothing seems to happen: again
        lock.accept()
        the_loop_runs(qtbot, ticks)  # the lock screen is not frozen behind the store's lock
        seen["says"] = lock.message.text()
        seen["still locked"] = window.locked and not window.centralWidget().isVisible()
        if then == "the lock goes":
            holder.release()
            if not lock.check.under_way:  # nothing under way: the test ends the lock itself
                lock.password.setText("demo")
                lock.accept()
        else:
            lock.findChild(QPushButton, "switchUser").click()
            holder.release()

    when_visible(LockDialog, at_the_lock)
    window.lock_action.trigger()
    window.runner.wait()
    for _ in range(5):
        QApplication.processEvents()
    assert seen == {"says": "Checking the password…", "still locked": True}
    if then == "the lock goes":
        assert not window.locked
        assert not switched  # Enter pressed again while waiting never reached Switch user
        assert window.centralWidget().isVisible()
        assert window.client is not None
        assert checks(services, "login") == logins + 1  # Enter three times: one login
    else:
        qtbot.waitUntil(lambda: bool(switched), timeout=START_UP_MS)
        assert window.session_over
        assert window.client is None
        assert not window.isVisible()


def test_a_double_click_waiting_for_its_decision_opens_nothing_over_the_lock(  # type: ignore[no-untyped-def]
    qtbot, desk
) -> None:
    """The clerk double-clicks a report behind the store's lock, then locks the desk (or
    the idle lock comes) before the decision is in. The decision lands under the lock: the
    report it was waiting for must not come up over the lock screen, nor after the unlock
    (a lock drops what was being opened, as it does for a reading under way)."""
    window, services, hold = desk(WAITS_MS)
    find_client(qtbot, window, "880005")  # C5
    pick_report(qtbot, window, "银行业")
    holder = hold()
    double_click_row(qtbot, window, "创业板")
    qtbot.waitUntil(lambda: "Waiting for the store" in window.decision.summary.text(), timeout=START_UP_MS)
    seen: dict[str, object] = {}

    def at_the_lock(lock: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        holder.release()
        qtbot.waitUntil(lambda: not window.checking, timeout=START_UP_MS)  # decided under the lock
        window.runner.wait()
        for _ in range(5):
            QApplication.processEvents()
        seen["viewers while locked"] = [v.windowTitle() for v in visible_viewers()]
        lock.password.setText("demo")
        lock.accept()

    when_visible(LockDialog, at_the_lock)
    window.lock_action.trigger()
    window.runner.wait()
    for _ in range(5):
        QApplication.processEvents()
    assert seen == {"viewers while locked": []}
    assert not visible_viewers()


def test_recording_an_override_behind_a_lock_keeps_the_dialog_running_and_records_once(  # type: ignore[no-untyped-def]
    qtbot, desk, message_boxes
) -> None:
    """Was BROKE: the special warning's OK recorded the override on the GUI thread; behind
    another program's lock the desk froze (up to the busy timeout) with the client at the
    counter. Now the dialog says it records, OK again, Escape and Cancel wait for the answer
    (it cannot be taken back halfway), and once the lock goes one override is recorded and
    the panel shows the report may be opened."""
    window, services, hold = desk(WAITS_MS)
    compliance = login(services, "demo-compliance")
    services.policy.update(compliance, allow_escalation=True)
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "创业板")  # R4: after the warning
    assert window.override_button.isVisible()
    before = checks(services, "override")
    holder = hold()
    ticks = ticking(window)
    seen: dict[str, object] = {}

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, OverrideDialog)
        dialog.told.setChecked(True)
        dialog.confirmed.setChecked(True)
        dialog.ok.click()
        the_loop_runs(qtbot, ticks)  # not frozen behind the store's lock
        dialog.ok.click()  # the hurried clerk: again, then Escape, then Cancel
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        dialog.box.button(QDialogButtonBox.StandardButton.Cancel).click()
        the_loop_runs(qtbot, ticks)
        seen["says"] = dialog.status.text()
        seen["open"] = dialog.isVisible()
        holder.release()
        if not dialog.isVisible() or dialog.recorded is not None:
            return
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=START_UP_MS)

    on_next_modal(fill_in)
    window.override_button.click()
    window.runner.wait()
    for _ in range(5):
        QApplication.processEvents()
    assert seen == {"says": "Recording the override…", "open": True}
    assert checks(services, "override") == before + 1
    result = window.decision.result
    assert result is not None
    assert result.override_recorded
    assert window.open_button.isEnabled()
    assert message_boxes == []


@pytest.mark.parametrize("then", ["the lock goes", "the clerk cancels"])
def test_logging_in_behind_a_lock_on_the_store_keeps_the_login_screen_running(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, then: str
) -> None:
    """Was BROKE: the login screen checked the password on the GUI thread, and the login
    records itself: behind another program's lock the screen froze (up to the busy
    timeout) after Log in, Cancel out of reach. Now it says it checks the password, Enter
    pressed again asks nothing more, and it logs in once the lock goes; or the clerk
    cancels meanwhile, and the late answer logs nobody in. (SQLite: the screen's wait is
    the same behind PostgreSQL's lock, which the check's tests above hold.)"""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", WAITS_MS)
    services = make_services(str(tmp_path / "demo.db"), clock)
    services.auth = type(services.auth)(services.ctx, FAST_HASHER)
    seed_demo(services)
    logins = checks(services, "login")
    holder = Holder(services)
    try:
        dialog = LoginDialog(services, demo=True)
        qtbot.addWidget(dialog)
        dialog.show()
        ticks = ticking(dialog)
        dialog.username.setText("demo-advisor")
        dialog.password.setText("demo")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # nothing seems to happen: again
        dialog.accept()
        the_loop_runs(qtbot, ticks)  # the login screen is not frozen behind the store's lock
        assert dialog.message.text() == "Checking the password…"
        assert dialog.isVisible()
        assert dialog.actor is None
        if then == "the lock goes":
            holder.release()
            qtbot.waitUntil(lambda: dialog.actor is not None, timeout=START_UP_MS)
            assert dialog.actor is not None
            assert dialog.actor.username == "demo-advisor"
            assert dialog.result() == LoginDialog.DialogCode.Accepted
        else:
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
            assert not dialog.isVisible()
            late_answers_land(holder)
            assert dialog.actor is None  # the password was right, but the clerk had gone
            assert dialog.result() == LoginDialog.DialogCode.Rejected
        # Enter three times: one login, recorded (also when the clerk had cancelled: the
        # password was checked and found right, which the trail says).
        assert checks(services, "login") == logins + 1
    finally:
        holder.release()
        services.close()


@pytest.mark.parametrize("dialog_for", ["add a client", "edit a client", "record an assessment"])
def test_a_change_saved_behind_a_lock_keeps_the_dialog_running_and_is_recorded_once(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, dialog_for: str
) -> None:
    """Was BROKE: adding or editing a client and recording an assessment wrote on the GUI
    thread; behind another program's lock the dialog and the window behind it froze (up to
    the busy timeout), then said the store was locked. Now the dialog says it saves, its
    fields are held, OK again, Escape and Cancel wait for the answer (a change under way
    cannot be taken back halfway), and once the lock goes the change is recorded once and
    the dialog closes. (SQLite: the dialog's wait is the same behind PostgreSQL's lock.)"""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", WAITS_MS)
    services = make_services(str(tmp_path / "demo.db"), clock)
    services.auth = type(services.auth)(services.ctx, FAST_HASHER)
    seed_demo(services)
    compliance = login(services, "demo-compliance")
    client = services.investors.get(compliance, "880003")
    action = {
        "add a client": AuditAction.CLIENT_ADDED,
        "edit a client": AuditAction.CLIENT_EDITED,
        "record an assessment": AuditAction.ASSESSMENT,
    }[dialog_for].value
    before = checks(services, action)
    dialog: ClientDialog | ClientEditDialog | AssessmentDialog
    if dialog_for == "add a client":
        dialog = ClientDialog(services, compliance)
        dialog.account.setText("990001")
        dialog.name.setText("新客户")
    elif dialog_for == "edit a client":
        dialog = ClientEditDialog(services, compliance, client)
        dialog.special.setChecked(not client.special_attention)
        dialog.reason.setText("柜台核实")
    else:
        dialog = AssessmentDialog(services, compliance, client)
        dialog.profile.setCurrentIndex(dialog.profile.findData("C4"))
        dialog.note.setText("纸质问卷")
    qtbot.addWidget(dialog)
    dialog.show()
    holder = Holder(services)
    try:
        ticks = ticking(dialog)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.click()
        the_loop_runs(qtbot, ticks)  # not frozen behind the store's lock
        ok.click()  # the hurried clerk: again, then Escape, then Cancel
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
        the_loop_runs(qtbot, ticks)
        assert dialog.message.text() == "Saving…"
        assert dialog.isVisible()
        assert not any(w.isEnabled() for w in dialog.findChildren(QLineEdit))  # what is saved cannot change
        holder.release()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=START_UP_MS)
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert checks(services, action) == before + 1
    finally:
        holder.release()
        QThreadPool.globalInstance().waitForDone(START_UP_MS)
        services.close()


def test_an_assessment_saved_by_the_wizard_behind_a_lock_keeps_it_running_and_is_recorded_once(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was BROKE: the assessment wizard saved on the GUI thread (its result page's
    validatePage); behind another program's lock the wizard froze with the client at the
    counter, then said the store was locked. Now it says it saves, Save and Back are held,
    Enter again and Escape wait for the answer, and once the lock goes the assessment is
    recorded once and the wizard shows the done page."""
    from tests.gui.test_desk import answer_by_keyboard, save_by_keyboard, wizard_for

    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", WAITS_MS)
    services = make_services(str(tmp_path / "demo.db"), clock)
    services.auth = type(services.auth)(services.ctx, FAST_HASHER)
    seed_demo(services)
    wizard = wizard_for(qtbot, services, "880008")  # never assessed
    answer_by_keyboard(qtbot, wizard, {})
    assert wizard.currentPage() is wizard.result_page
    before = checks(services, AuditAction.ASSESSMENT.value)
    holder = Holder(services)
    try:
        ticks = ticking(wizard)
        save_by_keyboard(qtbot, wizard)
        the_loop_runs(qtbot, ticks)  # not frozen behind the store's lock
        save_by_keyboard(qtbot, wizard)  # the hurried clerk: again, then Escape
        qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_Escape)
        the_loop_runs(qtbot, ticks)
        assert wizard.isVisible()
        assert wizard.currentPage() is wizard.result_page
        assert wizard.result_page.status.text() == "Saving…"
        assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
        assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
        assert not wizard.result_page.note.isEnabled()
        holder.release()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=START_UP_MS)
        assert wizard.saved is not None
        assert checks(services, AuditAction.ASSESSMENT.value) == before + 1
    finally:
        holder.release()
        QThreadPool.globalInstance().waitForDone(START_UP_MS)
        services.close()


@pytest.mark.parametrize("screen", ["a client dialog", "the wizard"])
def test_a_session_ended_while_a_change_is_saved_behind_a_lock_takes_no_late_answer(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, screen: str
) -> None:
    """The clerk saves behind another program's lock and walks away; the session ends (Switch
    user closes every dialog with done(), as end_session does). The change was sent and is
    recorded once when the lock goes, but its late answer must not finish the closed screen
    for the next clerk: the dialog stays rejected, the wizard stays where it was."""
    from tests.gui.test_desk import answer_by_keyboard, save_by_keyboard, wizard_for

    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", WAITS_MS)
    services = make_services(str(tmp_path / "demo.db"), clock)
    services.auth = type(services.auth)(services.ctx, FAST_HASHER)
    seed_demo(services)
    compliance = login(services, "demo-compliance")
    widget: QDialog
    if screen == "a client dialog":
        dialog = ClientEditDialog(services, compliance, services.investors.get(compliance, "880003"))
        dialog.special.setChecked(True)
        dialog.reason.setText("柜台核实")
        qtbot.addWidget(dialog)
        dialog.show()
        widget, action = dialog, AuditAction.CLIENT_EDITED.value
    else:
        wizard = wizard_for(qtbot, services, "880008")
        answer_by_keyboard(qtbot, wizard, {})
        widget, action = wizard, AuditAction.ASSESSMENT.value
    before = checks(services, action)
    holder = Holder(services)
    try:
        ticks = ticking(widget)
        if screen == "a client dialog":
            widget.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        else:
            save_by_keyboard(qtbot, wizard)
        the_loop_runs(qtbot, ticks)
        widget.done(QDialog.DialogCode.Rejected)  # the session ends
        assert not widget.isVisible()
        late_answers_land(holder)
        assert checks(services, action) == before + 1  # sent before the session ended: recorded
        assert widget.result() == QDialog.DialogCode.Rejected
        assert not widget.isVisible()
        if screen == "the wizard":
            assert wizard.currentPage() is not wizard.done_page  # not moved on by the late answer
    finally:
        holder.release()
        QThreadPool.globalInstance().waitForDone(START_UP_MS)
        services.close()
