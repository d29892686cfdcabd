"""A hurried and a careless clerk at the desk (attack round "clerk"): a dialog's long work
dismissed with Escape or the close button, a report window that outlives the allow it
was opened under, report text left on the clipboard for the next person at the desk."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from suitcheck.gui.dialogs import ReportViewer
from suitcheck.gui.main_window import CHECK_SETTLE_MS, MainWindow
from suitcheck.gui.models import ReportTableModel
from suitcheck.services import Services
from tests.gui.conftest import HELD_S
from tests.gui.test_attack_desk import another_desktop_marks_due, another_desktop_rates, settle
from tests.gui.test_main_window import find_client, pick_report
from tests.gui.test_session import open_viewer, visible_viewers
from tests.gui.test_session_work import (
    Gate,
    drain,
    entries,
    export_dialog,
    switch_user_at_the_lock,
    unlock_at_the_lock,
)


def test_an_export_under_way_is_not_dismissed_by_escape_or_the_close_button(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    before = len(entries(demo_services, "export"))
    gate = Gate(monkeypatch, demo_services.audit, "export")
    out = tmp_path / "trail.csv"
    dialog = export_dialog(window, out)
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert gate.entered.wait(HELD_S)
    # The clerk thinks better of it: Cancel is greyed out, so Escape, then the window's X.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    dialog.close()
    assert dialog.isVisible()  # the export cannot stop halfway: the dialog says how it ends
    gate.released.set()
    drain()
    assert len(entries(demo_services, "export")) == before + 1
    assert out.exists()
    assert str(out) in dialog.message.text()  # ... and where it was written
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # now Escape closes it
    assert not dialog.isVisible()
    assert message_boxes == []


def open_then_held(window: MainWindow, monkeypatch) -> tuple[threading.Event, threading.Event]:  # type: ignore[no-untyped-def]
    """The opening is decided and recorded, then its large PDF takes a while to read: the
    first event is set once it is recorded, the second lets the reading end."""
    recorded, release = threading.Event(), threading.Event()
    real = window.services.access.open_report

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened = real(*args, **kwargs)
        recorded.set()
        release.wait(HELD_S)
        return opened

    monkeypatch.setattr(window.services.access, "open_report", held)
    return recorded, release


@pytest.mark.parametrize("change", [another_desktop_rates, another_desktop_marks_due])
def test_a_report_window_closes_when_the_check_of_its_report_now_blocks(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, change
) -> None:
    window = window_for()
    viewer = open_viewer(qtbot, window, "880003", "银行业")  # C3, R3: allowed, opened
    change(demo_services)  # head office re-rates the report, or marks the client due
    window.reports_view.setFocus()
    qtbot.keyClick(window.reports_view, Qt.Key.Key_Return)  # the clerk checks again
    qtbot.waitUntil(lambda: window.decision.verdict.text() == "BLOCKED", timeout=10_000)
    # The panel says the client may not read it: the report is not left open beside it.
    assert not shiboken6.isValid(viewer) or not viewer.isVisible()
    assert not visible_viewers()
    assert not window.viewers


def test_a_report_read_while_a_new_check_blocks_it_is_not_shown(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "银行业")  # R3: allowed
    recorded, release = open_then_held(window, monkeypatch)
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Open))  # Ctrl+O: a large PDF
    assert recorded.wait(HELD_S)
    another_desktop_rates(demo_services)  # meanwhile head office re-rates it R5
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))  # the clerk checks again
    qtbot.waitUntil(lambda: window.decision.verdict.text() == "BLOCKED", timeout=10_000)
    release.set()
    settle(qtbot, window)
    assert not visible_viewers()  # the reading ends under a BLOCKED: nothing comes up
    assert not window.viewers
    assert not window.open_button.isEnabled()
    assert window.statusBar().currentMessage() == ""  # nor does "Opening the report…" stay


def copied_from_the_report(qtbot, window: MainWindow) -> str:  # type: ignore[no-untyped-def]
    """The clerk selects the report's text and presses Ctrl+C (to quote it to the client)."""
    viewer = open_viewer(qtbot, window, "880005", "创业板")
    viewer.text.setFocus()
    viewer.text.selectAll()
    QTest.keySequence(viewer.text, QKeySequence(QKeySequence.StandardKey.Copy))
    copied = QGuiApplication.clipboard().text()
    assert "创业板" in copied
    QApplication.processEvents()  # the key press is over
    return copied


def test_report_text_copied_by_the_clerk_is_not_left_on_the_clipboard_at_the_lock(  # type: ignore[no-untyped-def]
    qtbot, window_for
) -> None:
    window = window_for()
    copied_from_the_report(qtbot, window)
    seen: dict[str, object] = {}
    unlock_at_the_lock(window, seen, during=lambda: seen.update(clipboard=QGuiApplication.clipboard().text()))
    assert seen["clipboard"] == ""  # the next person at the desk pastes nothing of it
    # What the clerk copies in another program is theirs: the next lock leaves it.
    QGuiApplication.clipboard().setText("客户回访记录 from another program")
    again: dict[str, object] = {}
    unlock_at_the_lock(window, again, during=lambda: again.update(clipboard=QGuiApplication.clipboard().text()))
    assert again["clipboard"] == "客户回访记录 from another program"


def test_report_text_copied_by_the_clerk_is_not_left_on_the_clipboard_for_the_next_user(  # type: ignore[no-untyped-def]
    qtbot, window_for
) -> None:
    window = window_for()
    copied_from_the_report(qtbot, window)
    switched: list[bool] = []
    window.switch_user_requested.connect(lambda: switched.append(True))
    switch_user_at_the_lock(window, {})
    qtbot.waitUntil(lambda: bool(switched), timeout=5000)
    assert QGuiApplication.clipboard().text() == ""


def test_report_text_copied_by_the_clerk_is_not_left_on_the_clipboard_when_the_desk_is_quit(  # type: ignore[no-untyped-def]
    qtbot, window_for
) -> None:
    """Was BROKE: the lock and switch user took the clerk's copy off the clipboard, but
    File › Quit (or the window's X) left it there: on Windows the clipboard keeps it after
    the program ends, on Linux the desktop's clipboard manager takes it over, and the next
    person at the counter pasted the report's text. Quitting ends the session as well."""
    window = window_for()
    copied_from_the_report(qtbot, window)
    window.close()
    assert QGuiApplication.clipboard().text() == ""


def double_click_row(qtbot, window: MainWindow, title_part: str) -> None:  # type: ignore[no-untyped-def]
    """The clerk double-clicks a row other than the one selected."""
    model = window.report_model
    row = next(r for r in range(model.rowCount()) if title_part in model.row_object(r).title)
    index = window.report_proxy.mapFromSource(model.index(row, ReportTableModel.TITLE))
    rect = window.reports_view.visualRect(index)
    # A double-click is a click, then the second press (Qt's test event is only the latter).
    qtbot.mouseClick(window.reports_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.reports_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_double_clicking_a_report_not_yet_checked_decides_and_opens_it(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for()
    find_client(qtbot, window, "880005")  # C5
    pick_report(qtbot, window, "银行业")
    checks, opens = len(entries(demo_services, "check")), len(entries(demo_services, "open"))
    double_click_row(qtbot, window, "创业板")  # straight onto another row, as clerks do
    qtbot.waitUntil(lambda: bool(visible_viewers()), timeout=10_000)
    [viewer] = visible_viewers()
    assert isinstance(viewer, ReportViewer)
    assert "创业板" in viewer.title_text
    settle(qtbot, window)
    qtbot.wait(CHECK_SETTLE_MS + 100)  # no second check once the selection has settled
    assert len(entries(demo_services, "check")) == checks + 1
    assert len(entries(demo_services, "open")) == opens + 1


def test_double_clicking_a_blocked_report_not_yet_checked_says_so_and_opens_nothing(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for()
    find_client(qtbot, window, "880001")  # C1
    pick_report(qtbot, window, "利率债")
    opens = len(entries(demo_services, "open"))
    double_click_row(qtbot, window, "创业板")  # R4
    qtbot.waitUntil(lambda: window.decision.verdict.text() == "BLOCKED", timeout=10_000)
    assert "may not be opened" in window.statusBar().currentMessage()
    settle(qtbot, window)
    assert not visible_viewers()
    assert len(entries(demo_services, "open")) == opens


def test_a_list_dropped_down_when_the_desk_locks_is_not_left_floating_after_unlock(  # type: ignore[no-untyped-def]
    qtbot, window_for
) -> None:
    window = window_for()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "银行业")
    seen: dict[str, object] = {}

    def idle_lock_over_the_popup() -> None:
        seen["popup"] = QApplication.activePopupWidget() is not None
        unlock_at_the_lock(window, {})  # the clerk comes back and unlocks

    QTimer.singleShot(0, idle_lock_over_the_popup)
    window.level_filter.showPopup()  # the level list dropped down, then the clerk walks away
    qtbot.waitUntil(lambda: "popup" in seen, timeout=5000)
    settle(qtbot, window)
    assert seen["popup"]
    floating = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowType() == Qt.WindowType.Popup]
    assert floating == []  # no list of levels left over the desk, detached from its box
    assert window.isVisible()


def test_a_change_to_the_client_on_screen_records_one_check_not_two(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: after a dialog that changes the client on screen (assess, edit, mark due)
    the desk decided again at once, and once more when the refreshed client list selected
    the same client again: two check entries for one decision shown. Now the refreshed
    selection of the same client, as stored, records nothing more."""
    window = window_for("demo-compliance")
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "银行业")
    settle(qtbot, window)
    before = len(entries(demo_services, "check"))
    client = window.client
    assert client is not None

    class MarksDue:  # what a dialog that changes the client does, accepted
        def __init__(self, services: Services, actor, _client, _parent) -> None:  # type: ignore[no-untyped-def]
            self.services, self.actor = services, actor

        def exec(self) -> int:
            self.services.investors.mark_reassessment_due(self.actor, client.id, "客户退休")
            return 1

        def deleteLater(self) -> None:  # a dialog is let go after exec (widgets.run_dialog)
            pass

    window._change_client(MarksDue)
    qtbot.waitUntil(
        lambda: window.decision.result is not None and "reassessment-due" in window.decision.result.decision.reasons
    )
    drain()
    qtbot.wait(CHECK_SETTLE_MS * 3)
    settle(qtbot, window)
    assert window.client is not None
    assert window.client.id == client.id
    assert len(entries(demo_services, "check")) == before + 1


def test_narrowing_the_report_search_around_the_selected_report_records_no_new_check(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: each keystroke in the report search that kept the selected report in the
    list selected it again, and each selection recorded one more check of the same client
    and report. Typing its title narrows the list and records nothing; Check still does."""
    window = window_for()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "银行业")
    settle(qtbot, window)
    before = len(entries(demo_services, "check"))
    report = window.report
    assert report is not None
    for typed in ("银", "银行", "银行业"):
        window.report_search.setText(typed)
        qtbot.waitUntil(lambda: window.report_model.rowCount() > 0 and window.report is not None, timeout=5000)
        qtbot.wait(CHECK_SETTLE_MS * 2)
        settle(qtbot, window)
    assert window.report is not None
    assert window.report.id == report.id
    assert window._current_result() is not None
    assert len(entries(demo_services, "check")) == before
    window.check_button.click()
    qtbot.waitUntil(lambda: not window.checking, timeout=10_000)
    assert len(entries(demo_services, "check")) == before + 1
