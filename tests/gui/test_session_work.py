"""Long work at the desk when the session changes under it (attack round 12): a clerk
starts an import, an export or a list, the desk locks, and the same clerk unlocks or the
next one switches user. Work that can stop stops with the session (what it finished
stays, nothing is half-written); work that cannot (an audit export, the self-inspection
PDF) finishes as the starter's. The lock screen says which; nothing it ends in (a
summary, a message) comes up over the lock, the login screen or the next user's desk;
after the same clerk unlocks, it does."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from suitcheck.domain.clients import NAME_MAX
from suitcheck.domain.levels import RiskProfile
from suitcheck.gui.dialogs import (
    AssessmentDialog,
    DistributionDialog,
    ExportDialog,
    ImportDialog,
    InspectionDialog,
    LockDialog,
    OverrideDialog,
)
from suitcheck.gui.dialogs.client_import import ClientImportWizard
from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.widgets import BREAK
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.reports import ReportFilter, ReportView
from tests.conftest import TODAY
from tests.fixtures import report_text
from tests.gui.conftest import HELD_S, login
from tests.gui.modal import on_next_modal, when_visible
from tests.gui.test_attack_desk import another_desktop_rates
from tests.gui.test_main_window import find_client, pick_report
from tests.gui.test_report_viewer import gated_open
from tests.gui.test_session import open_viewer
from tests.services.clientfiles import client_rows, write_csv

SHOTS = Path(os.environ.get("SUITCHECK_SHOTS", tempfile.gettempdir()))  # to look at them


def drain() -> None:
    assert QThreadPool.globalInstance().waitForDone(20_000)
    for _ in range(5):
        QApplication.processEvents()


def titles(services: Services, word: str) -> list[str]:
    compliance = login(services, "demo-compliance")
    return [r.title for r in services.reports.search(compliance, ReportFilter(), limit=500) if word in r.title]


def entries(services: Services, action: str) -> list[Any]:
    compliance = login(services, "demo-compliance")
    return [e for e in services.audit.browse(compliance, limit=500) if e.action == action]


def switch_user_at_the_lock(window: MainWindow, seen: dict[str, object]) -> None:
    """The idle lock comes; the next clerk reads the lock screen and presses Switch user."""

    def switch(lock: LockDialog) -> None:
        running = lock.findChild(QLabel, "lockRunning")
        seen["lock says"] = running.text() if running is not None and running.isVisibleTo(lock) else ""
        lock.findChild(QPushButton, "switchUser").click()

    when_visible(LockDialog, switch)
    window.lock()


def unlock_at_the_lock(window: MainWindow, seen: dict[str, object], during: Any = None) -> None:
    def unlock(lock: LockDialog) -> None:
        window.idle_timer.setInterval(600_000)
        running = lock.findChild(QLabel, "lockRunning")
        seen["lock says"] = running.text() if running is not None and running.isVisibleTo(lock) else ""
        if during is not None:
            during()
        lock.password.setText("demo")
        lock.accept()

    when_visible(LockDialog, unlock)
    window.lock()


def test_a_report_import_running_when_the_next_clerk_switches_user_stops_and_the_lock_says_so(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n, name in enumerate(("一", "二", "三")):
        (folder / f"{n}.txt").write_text(report_text("中风险", f"会话导入测试{name}"), encoding="utf-8")
    reading = threading.Event()
    gate = threading.Event()
    real = demo_services.reports._import_one
    read: list[str] = []

    def held(actor, found, limits, cancelled):  # type: ignore[no-untyped-def]
        read.append(found.path.name)
        if len(read) == 2:  # the first report is in; the second is being read
            reading.set()
            gate.wait(HELD_S)
        return real(actor, found, limits, cancelled)

    monkeypatch.setattr(demo_services.reports, "_import_one", held)
    switched: list[bool] = []
    window.switch_user_requested.connect(lambda: switched.append(True))
    seen: dict[str, object] = {}

    def importing(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        dialog.start([folder])
        qtbot.waitUntil(reading.is_set, timeout=10_000)
        switch_user_at_the_lock(window, seen)
        gate.set()

    on_next_modal(importing)
    window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(switched), timeout=10_000)
    drain()
    assert "Importing reports" in str(seen["lock says"])
    assert read == ["0.txt", "1.txt"]  # stopped: the third was never read
    # What it finished stays (the file being read when it stopped may finish too).
    assert "会话导入测试一" in titles(demo_services, "会话导入测试")
    assert "会话导入测试三" not in titles(demo_services, "会话导入测试")
    assert message_boxes == []


class Gate:
    """Holds a service call on its background thread until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        real = getattr(owner, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            self.released.wait(HELD_S)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)


def shown_over(window: MainWindow, dialog: QDialog) -> None:
    """A dialog the clerk opened from the desk (modal, as the menus open them)."""
    dialog.setModal(True)
    dialog.show()
    assert window.isVisible()


def export_dialog(window: MainWindow, out: Path) -> ExportDialog:
    dialog = ExportDialog(window.services, window.actor, AuditFilter(), window)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.all_time.setChecked(True)
    dialog.destination.setText(str(out))
    shown_over(window, dialog)
    return dialog


def test_an_export_that_fails_under_the_lock_is_said_once_the_clerk_unlocks(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    gate = Gate(monkeypatch, demo_services.audit, "export")
    dialog = export_dialog(window, tmp_path / "no-such-folder" / "trail.csv")
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert gate.entered.wait(HELD_S)
    seen: dict[str, object] = {}

    def fails_while_locked() -> None:
        gate.released.set()
        drain()
        seen["boxes while locked"] = list(message_boxes)

    unlock_at_the_lock(window, seen, during=fails_while_locked)
    assert seen["boxes while locked"] == []  # nothing over the lock screen
    assert "Exporting the audit log" in str(seen["lock says"])
    assert len(message_boxes) == 1  # the clerk is back: the failure, in its own words
    assert "does not exist" in message_boxes[0][1]


def test_an_export_running_when_the_next_clerk_switches_user_finishes_as_the_starters(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    before = len(entries(demo_services, "export"))
    gate = Gate(monkeypatch, demo_services.audit, "export")
    out = tmp_path / "trail.csv"
    dialog = export_dialog(window, out)
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert gate.entered.wait(HELD_S)
    seen: dict[str, object] = {}
    switch_user_at_the_lock(window, seen)
    assert not dialog.isVisible()
    gate.released.set()
    drain()
    assert "Exporting the audit log" in str(seen["lock says"])
    assert "finishes" in str(seen["lock says"])
    compliance = login(demo_services, "demo-compliance")
    assert demo_services.audit.verify_file(compliance, out).ok  # whole, with its manifest
    exported = entries(demo_services, "export")
    assert len(exported) == before + 1
    assert message_boxes == []


def test_a_distribution_list_being_written_when_the_next_clerk_switches_user_stops_and_leaves_no_file(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for()
    pick_report(qtbot, window, "创业板")
    assert window.report is not None
    before = len(entries(demo_services, "distribution-list"))
    gate = Gate(monkeypatch, demo_services.access, "write_eligible")
    dialog = DistributionDialog(window.services, window.actor, window.report, window)
    lists = tmp_path / "lists"
    lists.mkdir()
    out = lists / "list.csv"
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.destination.setText(str(out))
    shown_over(window, dialog)
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert gate.entered.wait(HELD_S)
    seen: dict[str, object] = {}
    switch_user_at_the_lock(window, seen)
    gate.released.set()
    drain()
    assert "distribution list" in str(seen["lock says"])
    assert list(lists.iterdir()) == []  # no list, and no part of one
    assert len(entries(demo_services, "distribution-list")) == before
    assert message_boxes == []


def test_a_client_import_running_when_the_next_clerk_switches_user_stops_and_changes_no_client(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    path = write_csv(tmp_path / "c.csv", client_rows(3))
    wizard = ClientImportWizard(window.services, window.actor, window)
    shown_over(window, wizard)
    wizard.file_page.choose(path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    compliance = login(demo_services, "demo-compliance")
    before = demo_services.investors.count(compliance)
    gate = Gate(monkeypatch, demo_services.client_files, "import_clients")
    wizard.next()
    assert gate.entered.wait(HELD_S)
    seen: dict[str, object] = {}
    switch_user_at_the_lock(window, seen)
    gate.released.set()
    drain()
    assert "Importing clients" in str(seen["lock says"])
    assert demo_services.investors.count(compliance) == before
    assert len(entries(demo_services, "client-import")) == 0
    assert message_boxes == []


def test_a_refused_opening_that_answers_under_the_lock_is_said_after_unlock_not_over_the_lock(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch, message_boxes
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "银行业")  # R3: allowed
    assert window.open_button.isEnabled()
    gate = gated_open(window, monkeypatch)
    window.open_button.click()  # a large PDF; meanwhile head office re-rates the report R5
    another_desktop_rates(demo_services)
    seen: dict[str, object] = {}

    def refused_while_locked() -> None:
        gate.set()
        drain()
        seen["boxes while locked"] = list(message_boxes)

    unlock_at_the_lock(window, seen, during=refused_while_locked)
    drain()
    assert seen["boxes while locked"] == []
    assert [text for text, _ in message_boxes] == ["The client may not read this report."]
    assert not window.viewers


def test_the_self_inspection_written_under_the_lock_is_named_there_and_shown_after_unlock(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    gate = Gate(monkeypatch, demo_services.inspection, "write")
    dialog = InspectionDialog(window.services, window.actor, window)
    out = tmp_path / "inspection.pdf"
    dialog.destination.setText(str(out))
    shown_over(window, dialog)
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert gate.entered.wait(HELD_S)
    seen: dict[str, object] = {}

    def written_while_locked() -> None:
        gate.released.set()
        drain()

    unlock_at_the_lock(window, seen, during=written_while_locked)
    assert "self-inspection report" in str(seen["lock says"])
    assert "demo-compliance" in str(seen["lock says"])
    assert out.exists()
    assert str(out) in dialog.status.text()  # the clerk is back: the dialog says where
    assert dialog.isVisible()
    assert message_boxes == []


LONG_TITLE = ("ChinaSemiconductorAdvancedPackagingDeepDive" * 12)[:512]  # no space to wrap at
LONG_NAME = ("WongKarWaiHoldingsInternationalLimited" * 4)[:NAME_MAX]


def shown_text(label: QLabel) -> str:
    return label.text().replace(BREAK, "")  # the places it may wrap are not characters


def report_titled(services: Services, compliance: Actor, tmp_path: Path, title: str) -> ReportView:
    """A report (R3) imported and its title corrected by compliance to `title`."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text(report_text("中风险", "标题很长的研报"), encoding="utf-8")
    [imported] = services.reports.import_paths(compliance, [folder])
    assert imported.report is not None
    return services.reports.correct(compliance, imported.report, "title", title, "as published")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_titles_and_names_without_spaces_fit_a_1024_screen_and_can_be_read_whole(  # type: ignore[no-untyped-def]
    qtbot, qapp, demo_services: Services, tmp_path: Path, language: str
) -> None:
    compliance = login(demo_services, "demo-compliance")
    report = report_titled(demo_services, compliance, tmp_path, LONG_TITLE)
    demo_services.investors.add(compliance, account="990078", name=LONG_NAME, profile=RiskProfile.C3, assessed_on=TODAY)
    client = demo_services.investors.get(compliance, "990078")
    translations = Translations(qapp)
    assert translations.apply(language)
    try:
        for dialog, label, whole in (
            (DistributionDialog(demo_services, compliance, report), "distributionTitle", LONG_TITLE),
            (OverrideDialog(demo_services, compliance, client, report), "overrideRequest", LONG_TITLE),
            (AssessmentDialog(demo_services, compliance, client), "assessmentClient", LONG_NAME),
        ):
            qtbot.addWidget(dialog)
            dialog.show()
            QApplication.processEvents()
            dialog.grab().save(str(SHOTS / f"{dialog.objectName()}-{language}.png"))
            assert dialog.minimumSizeHint().width() <= 1024, dialog.objectName()
            assert dialog.frameGeometry().width() <= 1024, dialog.objectName()
            shown = dialog.findChild(QLabel, label)
            assert shown is not None
            assert whole in shown_text(shown)  # all of it, wrapped
            assert shown.height() >= shown.heightForWidth(shown.width()), dialog.objectName()  # every line
    finally:
        translations.apply("en")


def test_a_title_and_a_name_without_spaces_leave_the_desk_and_its_verdict_on_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, qapp, window_for, demo_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the decision panel's line naming the client and the report, and the
    client card's name, did not wrap a long run with no space: once a client named in
    Latin letters run together (128) and such a title (512) were checked, the desk asked
    for over 2000 pixels. On a 1024x768 screen BLOCKED, the reasons and Check sat past the
    right edge. Now both wrap, and say all of it."""
    compliance = login(demo_services, "demo-compliance")
    report_titled(demo_services, compliance, tmp_path, LONG_TITLE)
    demo_services.investors.add(compliance, account="990078", name=LONG_NAME, profile=RiskProfile.C1, assessed_on=TODAY)
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        window = window_for()
        find_client(qtbot, window, "990078")
        pick_report(qtbot, window, LONG_TITLE[:20])  # R3 for a C1 client
        qtbot.waitUntil(lambda: window.decision.verdict.text() == "禁止阅读", timeout=10_000)
        assert window.minimumSizeHint().width() <= 1024
        assert LONG_TITLE in shown_text(window.decision.summary)  # all of it, wrapped
        assert LONG_NAME in window.client_details.text().replace(BREAK, "")
    finally:
        translations.apply("en")


def test_a_report_window_for_a_name_without_spaces_fits_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: the report window's header and its watermark line named the client in
    one unbroken run: for a client named in Latin letters run together (128) the window
    asked for 1233 pixels, its find box and the end of its header off a 1024 screen. Both
    lines now wrap, and say all of it."""
    compliance = login(demo_services, "demo-compliance")
    demo_services.investors.add(compliance, account="990078", name=LONG_NAME, profile=RiskProfile.C5, assessed_on=TODAY)
    window = window_for()
    viewer = open_viewer(qtbot, window, "990078", "创业板")
    QApplication.processEvents()
    assert viewer.minimumSizeHint().width() <= 1024
    assert LONG_NAME in shown_text(viewer.header)
    assert LONG_NAME in shown_text(viewer.watermark_line)


def test_a_decision_with_a_long_title_and_three_reasons_shows_its_verdict_and_every_reason_whole(  # type: ignore[no-untyped-def]
    qtbot, qapp, window_for, demo_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: at 1024x768 (and 1366x768) in Chinese, a 60-character title (two lines)
    and three reasons (above the profile, below its subject, expiring soon) were more than
    the panel's height: the layout squeezed every label, the verdict banner to 49 of its
    62 pixels and the reasons to 49 of 54, so the last reason showed cut in half. Now the
    verdict keeps its height and what does not fit scrolls: every line is drawn whole."""
    compliance = login(demo_services, "demo-compliance")
    title = "创业板半导体设备国产替代进入加速期看好刻蚀与薄膜沉积设备龙头的业绩释放与估值修复机会附深度报告"[:60]
    report_titled(demo_services, compliance, tmp_path, title)
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        window = window_for()
        window.resize(1024, 768)
        find_client(qtbot, window, "880007")  # C3, expiring soon
        pick_report(qtbot, window, title[:10])  # R3 stated, R4 by its subject
        panel = window.decision
        assert panel.result is not None
        assert len(panel.result.decision.shown_reasons) == 3
        labels = (panel.summary, panel.reasons, panel.rule)

        def whole() -> bool:
            return panel.verdict.height() >= panel.verdict.sizeHint().height() and all(
                label.height() >= label.heightForWidth(label.width()) for label in labels
            )

        # Once the layout has settled: the column's verdicts, arriving from the pool, lay the
        # window out again (under load the single processEvents here came before them, and a
        # label was measured in the middle: 21 px against 36, twice in CI-like runs).
        qtbot.waitUntil(whole, timeout=5000)
        for label in labels:
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    finally:
        translations.apply("en")


def test_closing_the_desk_does_not_wait_for_a_dialogs_long_work(  # type: ignore[no-untyped-def]
    qtbot, window_for, monkeypatch
) -> None:
    """Logout closed the window only after the shared pool was idle, up to 10 s of a blank
    screen while an export ran; now it waits only for the window's own reads."""
    window = window_for("demo-compliance")
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=10_000)
    released = threading.Event()
    QThreadPool.globalInstance().start(lambda: released.wait(10))  # a dialog's export, still writing
    waited: list[int] = []

    def wait(msecs: int = 30_000) -> bool:
        waited.append(msecs)
        return True

    monkeypatch.setattr(window.runner, "wait", wait)
    try:
        window.close()
        assert waited == []
    finally:
        released.set()
        assert QThreadPool.globalInstance().waitForDone(10_000)


def test_quitting_lets_work_left_running_finish_before_the_store_closes() -> None:
    """An audit export or self-inspection goes on after switch user; cancelling the login
    then quits, and the store was closed under it."""
    from suitcheck.gui.app import _let_work_finish

    released, finished = threading.Event(), threading.Event()

    def export() -> None:
        released.wait(10)
        finished.set()

    QThreadPool.globalInstance().start(export)
    threading.Timer(0.2, released.set).start()
    _let_work_finish()
    assert finished.is_set()
