"""A hurried clerk at the keyboard (attack round "desk-three"): Enter pressed once too
often never records what the clerk has not seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QKeySequence, QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QToolButton, QWidget, QWizard

from suitcheck.domain.levels import RiskProfile
from suitcheck.gui.dialogs import (
    AssessmentDialog,
    AssessmentWizard,
    ClientEditDialog,
    ClientImportWizard,
    PolicyDialog,
    ReportViewer,
    RereadDialog,
)
from suitcheck.gui.main_window import CHECK_SETTLE_MS, MainWindow
from suitcheck.services import Services
from tests.gui.conftest import START_UP_MS, change_answered, login
from tests.gui.test_attack_desk import settle
from tests.gui.test_attack_desk_locked import shown_results
from tests.gui.test_client_import_wizard import _wizard as import_wizard
from tests.gui.test_desk import last_seq, save_by_keyboard, wizard_for
from tests.gui.test_main_window import find_client, pick_report
from tests.gui.test_session import visible_viewers
from tests.gui.test_session_work import entries
from tests.services.clientfiles import client_rows, write_csv


def test_a_double_enter_on_the_last_question_shows_the_result_and_saves_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """Was BROKE: Enter on the last question opened the result page, whose Save assessment
    was the default button: the same Enter pressed twice (a bounce, an impatient clerk)
    saved the assessment before anyone read the result "to check with the client before
    saving". Now Enter goes on through the questions only; Alt+S saves."""
    wizard = wizard_for(qtbot, demo_services, "880008")  # never assessed
    before = last_seq(demo_services)
    for page in wizard.question_pages:
        qtbot.keyClick(page, Qt.Key.Key_2)
        qtbot.keyClick(page, Qt.Key.Key_Return)
    qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_Return)  # once too often
    qtbot.keyClick(wizard.result_page.note, Qt.Key.Key_Return)  # ... and in the note
    assert wizard.currentPage() is wizard.result_page
    assert not wizard.result_page.saving
    assert wizard.saved is None
    assert last_seq(demo_services) == before
    assert demo_services.investors.history(login(demo_services, "demo-compliance"), "880008") == []
    save_by_keyboard(qtbot, wizard)  # Alt+S: saved on purpose
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=START_UP_MS)
    assert wizard.saved is not None


def test_enter_on_the_dry_run_of_a_client_import_imports_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the dry run's page ("nothing has been written yet") went on with a
    default "Next >" that imported the file: Enter there, or an Enter meant for the page
    before, wrote the clients. Now the page's button says Import and Enter is not it."""
    wizard = import_wizard(qtbot, demo_services)
    wizard.file_page.choose(write_csv(tmp_path / "clients.csv", client_rows(3)))
    qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_Return)  # to the columns
    qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_Return)  # to the dry run
    assert wizard.currentPage() is wizard.diff_page
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=START_UP_MS)
    compliance = login(demo_services, "demo-compliance")
    before = demo_services.investors.count(compliance)
    qtbot.keyClick(wizard.currentPage(), Qt.Key.Key_Return)
    qtbot.keyClick(wizard.diff_page.partial, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.diff_page
    assert wizard.outcome is None
    assert demo_services.investors.count(compliance) == before
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible()
    assert commit.isEnabled()
    assert commit.text() == "Import"
    commit.click()  # the clerk imports, on purpose
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=START_UP_MS)
    assert demo_services.investors.count(compliance) == before + 3


def test_an_assessment_recorded_by_enter_has_the_profile_the_clerk_chose(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """Was BROKE: "Record an assessment made elsewhere" opened with C1 already chosen; the
    note is the one field required, so typing where it was made and pressing Enter
    recorded C1 for a C5 client (valid two years, every report above R1 blocked) without
    the clerk ever choosing a profile. Now Record waits for a profile chosen too."""
    compliance = login(demo_services, "demo-compliance")
    client = demo_services.investors.get(compliance, "880005")  # C5
    history = demo_services.investors.history(compliance, "880005")
    dialog = AssessmentDialog(demo_services, compliance, client)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.note, "paper form, counter 3")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert not dialog.recording
    assert dialog.isVisible()
    assert demo_services.investors.history(compliance, "880005") == history
    record = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not record.isEnabled()
    assert dialog.profile.currentData() is None  # nothing chosen yet, and it says so
    dialog.profile.setCurrentIndex(dialog.profile.findData("C4"))
    assert record.isEnabled()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # chosen: Enter records it
    change_answered(qtbot, dialog)
    assert dialog.result() == AssessmentDialog.DialogCode.Accepted
    [added] = [a for a in demo_services.investors.history(compliance, "880005") if a not in history]
    assert (added.profile, added.note) == (RiskProfile.C4, "paper form, counter 3")


def test_the_dry_run_says_yes_and_no_in_the_english_desk(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the dry run's Changes column wrote a flag as 是 or 否 in every language:
    the English desk read "Special attention 是". Now yes/no in the desk's language."""
    rows = client_rows(2)
    rows[0][7] = "是"  # special attention
    wizard = import_wizard(qtbot, demo_services)
    wizard.file_page.choose(write_csv(tmp_path / "clients.csv", rows))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=START_UP_MS)
    changes = [wizard.diff_page.changes.item(r, 4).text() for r in range(wizard.diff_page.changes.rowCount())]
    flagged = next(text for text in changes if "Special attention" in text)
    assert "Special attention yes" in flagged
    assert not any("是" in text or "否" in text for text in changes)


def tab_out_of(qtbot, widget: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    """Tab until the keyboard leaves `widget` (a date field takes a Tab per part)."""
    widget.window().activateWindow()
    qtbot.waitUntil(widget.window().isActiveWindow)
    widget.setFocus()
    for _ in range(6):
        focus = QApplication.focusWidget()
        if focus is not None and focus is not widget and not widget.isAncestorOf(focus):
            return focus
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    raise AssertionError("Tab never left the field")


def test_the_reason_typed_after_tabbing_from_the_class_goes_into_the_reason(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """Was BROKE: in Edit client, Tab from the class (the reason is the next field on
    screen) went to the "Lowest risk-tolerance category" box below: the spaces of the
    reason typed there ticked it (and Save then put the client in the lowest category).
    Now Tab goes down the dialog as it is drawn: class, reason, then the boxes."""
    compliance = login(demo_services, "demo-compliance")
    dialog = ClientEditDialog(demo_services, compliance, demo_services.investors.get(compliance, "880003"))
    qtbot.addWidget(dialog)
    dialog.show()
    after_class = tab_out_of(qtbot, dialog.cls)
    qtbot.keyClicks(after_class, "asked at the counter")
    assert dialog.reason.text() == "asked at the counter"
    assert not dialog.lowest.isChecked()
    assert not dialog.special.isChecked()
    assert tab_out_of(qtbot, dialog.reason) is dialog.lowest  # the boxes after, as drawn


def test_the_note_typed_after_tabbing_from_the_date_goes_into_the_note(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """Was BROKE: in "Record an assessment made elsewhere", Tab from the date (the note is
    the next field on screen) went to the knock-out box below: the spaces of the note
    typed there ticked it, which forces C1 and the lowest category. Now the note."""
    compliance = login(demo_services, "demo-compliance")
    dialog = AssessmentDialog(demo_services, compliance, demo_services.investors.get(compliance, "880005"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.profile.setCurrentIndex(dialog.profile.findData("C4"))
    after_date = tab_out_of(qtbot, dialog.assessed)
    qtbot.keyClicks(after_date, "paper form at the counter")
    assert dialog.note.text() == "paper form at the counter"
    assert not dialog.lowest.isChecked()
    assert dialog.profile.currentData() == "C4"


def test_tab_goes_search_list_search_list_then_the_decisions_buttons(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: at head office, Tab from the report search went to the client pane's
    branch filter (a Down there, meant for the report list, changed the branch and the
    client went from the list), and Tab from Check went back up to the level filter
    before the warning button beside it. Now: client search, client list, report
    search, report list, Check, Open, the warning button; the filters after."""
    window = window_for("demo-compliance")  # head office: the branch filter is shown
    demo_services.policy.update(window.actor, allow_escalation=True)
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "创业板")  # R4: only after the warning
    window.check()
    qtbot.waitUntil(lambda: window.override_button.isVisible(), timeout=START_UP_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.client_search.setFocus()
    visited = []
    for _ in range(7):
        focus = QApplication.focusWidget()
        visited.append(focus)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert visited == [
        window.client_search,
        window.clients_view,
        window.report_search,
        window.reports_view,
        window.check_button,  # Open is greyed out: only after the warning
        window.override_button,
        window.level_filter,
    ]


def test_check_pressed_before_the_typed_client_is_found_decides_for_that_client(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Was BROKE: the clerk typed the next client's account over the last one and pressed
    Ctrl+Return before the search had found them: the desk decided and recorded for the
    client still in the list, and showed their green ALLOWED beside a search box naming
    another client, until the search landed and a second check turned it red. Now Check
    waits for the typed client: one check, for them."""
    window = window_for()
    find_client(qtbot, window, "880005")  # C5
    pick_report(qtbot, window, "创业板")  # R4: allowed for C5
    settle(qtbot, window)
    checks = len(entries(demo_services, "check"))
    shown = shown_results(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.client_search.setFocus()
    window.client_search.selectAll()
    qtbot.keyClicks(window.client_search, "880001")  # C1
    QTest.keySequence(window, QKeySequence("Ctrl+Return"))  # before the search has answered
    qtbot.waitUntil(lambda: window.client is not None and window.client.account == "880001", timeout=START_UP_MS)
    qtbot.waitUntil(lambda: shown != [], timeout=START_UP_MS)
    settle(qtbot, window)
    qtbot.wait(CHECK_SETTLE_MS * 2)  # no second check once the selection has settled
    settle(qtbot, window)
    first = login(demo_services, "demo-compliance")
    typed = demo_services.investors.get(first, "880001")
    assert [r.investor_id for r in shown] == [typed.id]
    assert window.decision.verdict.text() == "BLOCKED"
    assert len(entries(demo_services, "check")) == checks + 1


def test_open_pressed_before_the_typed_client_is_found_opens_for_that_client(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Ctrl+O typed ahead likewise: decided for the client typed, then opened for them
    (without the change it was refused for the client still on screen, and nothing came)."""
    window = window_for()
    find_client(qtbot, window, "880001")  # C1
    pick_report(qtbot, window, "创业板")  # R4: blocked for C1
    settle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.client_search.setFocus()
    window.client_search.selectAll()
    qtbot.keyClicks(window.client_search, "880005")  # C5
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Open))
    qtbot.waitUntil(lambda: bool(visible_viewers()), timeout=START_UP_MS)
    [viewer] = visible_viewers()
    assert isinstance(viewer, ReportViewer)
    typed = demo_services.investors.get(login(demo_services, "demo-compliance"), "880005")
    assert viewer.client_id == typed.id
    assert window.decision.result is not None
    assert window.decision.result.investor_id == typed.id


class _ScaledScreen:
    """A 1366x768 screen at 150 % (QT_SCALE_FACTOR=1.5): 911x512 as the window sees it."""

    def availableGeometry(self) -> QRect:
        return QRect(0, 0, 911, 512)


def test_on_a_screen_at_150_percent_the_reminders_leave_the_desk_on_the_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, monkeypatch
) -> None:
    """Was BROKE: on a 1366x768 screen at 150 % the reminders panel, shown at start-up,
    made the window 524 high (556 in Chinese) on a screen 512 high: the status bar (the
    count, "This report may not be opened…") and the panel's last rows were off the
    bottom. Where the desk would not fit with it, the panel starts closed; the count in
    the status bar says how many and brings the list back."""
    monkeypatch.setattr(MainWindow, "screen", lambda self: _ScaledScreen())
    window = window_for()
    qtbot.waitUntil(lambda: window.reminders is not None and window.reminders.total is not None, timeout=START_UP_MS)
    reminders = window.reminders
    assert reminders is not None
    assert reminders.total  # HQ has clients to re-assess
    assert window.minimumSizeHint().height() <= 512
    assert not reminders.isVisible()
    count = window.findChild(QToolButton, "remindersCount")
    assert count is not None
    assert str(reminders.total) in count.text()
    count.click()  # the clerk asks for the list
    assert reminders.isVisible()


@pytest.mark.parametrize("kind", ["assessment wizard", "client import", "policy", "reread"])
def test_a_dialog_that_records_opens_within_a_screen_at_150_percent(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, monkeypatch, kind: str
) -> None:
    """Was BROKE: at 150 % on a 1366x768 screen (911x512 as windows see it) the client
    import wizard opened 980x640, the assessment wizard 820x560, the policy dialog 640x600
    and the re-reading 960x520: their buttons (Import, Save assessment, Save new version,
    Apply changes…) below the screen's bottom edge. Now each opens within the screen."""
    compliance = login(demo_services, "demo-compliance")
    dialog: QWidget
    if kind == "assessment wizard":
        monkeypatch.setattr(AssessmentWizard, "screen", lambda self: _ScaledScreen())
        dialog = AssessmentWizard(demo_services, compliance, demo_services.investors.get(compliance, "880003"))
    elif kind == "client import":
        monkeypatch.setattr(ClientImportWizard, "screen", lambda self: _ScaledScreen())
        dialog = ClientImportWizard(demo_services, compliance)
    elif kind == "policy":
        monkeypatch.setattr(PolicyDialog, "screen", lambda self: _ScaledScreen())
        dialog = PolicyDialog(demo_services, compliance)
    else:
        monkeypatch.setattr(RereadDialog, "screen", lambda self: _ScaledScreen())
        dialog = RereadDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.show()  # laid out: its own minimum would win
    assert dialog.width() <= 911
    assert dialog.height() <= 512


def test_a_dry_run_change_cut_short_in_its_column_is_whole_in_its_tooltip(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the dry run's Changes column cuts a long list of changes with "…" (at
    1024 wide, or at 150 %, everything after the ID number), and the cut-off end is where
    "Lowest category yes" or "Special attention yes" stands; nothing showed the rest. Now
    every cell of the dry run has its whole text as its tooltip."""
    rows = client_rows(1)
    rows[0][7] = "是"  # special attention: the last of the changes
    rows[0][1] = "<b>客户</b>"  # a name that looks like markup
    wizard = import_wizard(qtbot, demo_services)
    wizard.file_page.choose(write_csv(tmp_path / "clients.csv", rows))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=START_UP_MS)
    cell = wizard.diff_page.changes.item(0, 4)
    assert cell.text().endswith("Special attention yes")
    assert QTextDocumentFragment.fromHtml(cell.toolTip()).toPlainText() == cell.text()
    name = wizard.diff_page.changes.item(0, 3)  # a file's text in a tooltip is never markup
    assert QTextDocumentFragment.fromHtml(name.toolTip()).toPlainText() == name.text()
