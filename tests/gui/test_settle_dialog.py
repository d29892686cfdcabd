"""Compliance › Settle a record changed outside suitcheck, and "Settle this record…" on a
client or report listed with the red mark: the service's preview in plain words, the name
it held before, a reason, Settle only then (confirmed), the entry number, the service's
refusals in the dialog; Escape during the preview closes it, during the settling waits;
a record changed between preview and settling is refused; the desk's lists and decision
follow a settled record; a branch officer is offered no report."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QTableView, QWidget
from sqlalchemy import text

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.gui.dialogs import SettleDialog
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.settle import SettleService
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report
from tests.gui.conftest import HELD_S, START_UP_MS, Confirmations, change_answered, login
from tests.gui.modal import on_next_modal

REASON = "DBA fixed a typo in the name (ticket 4711); checked against the opening form"


def _sql(services: Services, statement: str, **params: Any) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(statement), params)


@pytest.fixture
def desk(sqlite_services: Services) -> tuple[Services, Actor]:
    """A client S1 (张三丰) whose name a DBA 'corrected' in SQL to 张三峰."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C3, name="张三丰")
    _sql(services, "UPDATE investor SET name = '张三峰' WHERE account = 'S1'")
    return services, compliance


def _open(qtbot, services: Services, actor: Actor, **kw: Any) -> SettleDialog:  # type: ignore[no-untyped-def]
    dialog = SettleDialog(services, actor, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _previewed(qtbot, dialog: SettleDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=START_UP_MS)


def test_the_name_it_held_before_a_reason_then_settle_and_its_entry(  # type: ignore[no-untyped-def]
    qtbot, desk: tuple[Services, Actor], confirmations: Confirmations
) -> None:
    services, compliance = desk
    dialog = _open(qtbot, services, compliance, kind="investor", ref="S1")
    _previewed(qtbot, dialog)  # named by the desk: previewed at once
    # Without the name it held before, the service cannot prove it: its sentence, no Settle.
    assert "is not the state the trail last recorded for it" in dialog.message.text()
    assert dialog.preview is None
    assert not dialog.ok.isEnabled()
    dialog.was_name.setText("张三丰")
    dialog.was_name.setFocus()
    qtbot.keyClick(dialog.was_name, Qt.Key.Key_Return)  # Enter in the field shows the record again
    _previewed(qtbot, dialog)
    assert dialog.message.text() == ""
    shown = dialog.view.toPlainText()
    assert "Client S1 (record" in shown
    assert "Name: 张三峰" in shown
    assert "Profile: C3" in shown
    assert "Changed outside suitcheck: name was “张三丰”, is “张三峰”." in shown
    assert not dialog.ok.isEnabled()  # no reason yet
    dialog.reason.setText("typo")
    assert not dialog.ok.isEnabled()  # under the service's minimum
    dialog.reason.setText(REASON)
    assert dialog.ok.isEnabled()
    dialog.reason.setFocus()  # typed there: keys go to the focused field
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter settles nothing
    assert confirmations.asked == []
    assert not dialog.recording
    confirmations.answer = False
    dialog.ok.click()
    assert services.investors.get(compliance, "S1").record_intact is False  # declined: nothing settled
    confirmations.answer = True
    dialog.ok.click()
    assert "Settle the record of client S1 as shown?" in confirmations.asked[-1]
    change_answered(qtbot, dialog)
    assert dialog.settled is not None
    assert dialog.settled.seq is not None
    assert f"Settled: recorded as entry {dialog.settled.seq}." in dialog.status.text()
    assert not dialog.ok.isVisible()
    assert dialog.isVisible()  # the entry number stays on screen until closed
    assert services.investors.get(compliance, "S1").record_intact is True
    assert services.audit.verify(compliance).ok


def test_a_record_changed_between_preview_and_settling_is_refused(  # type: ignore[no-untyped-def]
    qtbot, desk: tuple[Services, Actor], confirmations: Confirmations
) -> None:
    services, compliance = desk
    dialog = _open(qtbot, services, compliance)
    dialog.ref.setText("S1")
    dialog.was_name.setText("张三丰")
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    assert dialog.preview is not None
    dialog.reason.setText(REASON)
    _sql(services, "UPDATE investor SET name = '张三疯' WHERE account = 'S1'")  # another edit meanwhile
    dialog.ok.click()
    change_answered(qtbot, dialog)
    assert "The record changed since it was shown to you; nothing was settled." in dialog.message.text()
    assert dialog.settled is None
    assert dialog.preview is None
    assert not dialog.ok.isEnabled()  # shown again before it is settled
    assert services.investors.get(compliance, "S1").record_intact is False


class Held:
    """A service call that waits until the test lets it go."""

    def __init__(self) -> None:
        self.entered, self.go = threading.Event(), threading.Event()

    def wrap(self, call: Any) -> Any:
        def held(*args: Any, **kw: Any) -> Any:
            self.entered.set()
            self.go.wait(HELD_S)
            return call(*args, **kw)

        return held


def test_escape_closes_a_preview_but_waits_for_the_settling(  # type: ignore[no-untyped-def]
    qtbot, desk: tuple[Services, Actor], confirmations: Confirmations, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, compliance = desk
    held, preview = Held(), SettleService.preview
    monkeypatch.setattr(SettleService, "preview", held.wrap(preview))
    dialog = _open(qtbot, services, compliance, kind="investor", ref="S1")
    assert held.entered.wait(HELD_S)
    assert dialog.previewing
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # a read: closed at once, its answer dropped
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    held.go.set()
    qtbot.waitUntil(lambda: not dialog.runner.busy(), timeout=START_UP_MS)
    assert dialog.preview is None

    monkeypatch.setattr(SettleService, "preview", preview)
    held = Held()
    monkeypatch.setattr(SettleService, "settle", held.wrap(SettleService.settle))
    dialog = _open(qtbot, services, compliance, kind="investor", ref="S1")
    _previewed(qtbot, dialog)
    dialog.was_name.setText("张三丰")
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    dialog.reason.setText(REASON)
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    assert held.entered.wait(HELD_S)
    assert dialog.recording
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # sent: its answer is waited for
    dialog.cancel.click()
    assert dialog.isVisible()
    held.go.set()
    change_answered(qtbot, dialog)
    assert dialog.settled is not None
    assert services.investors.get(compliance, "S1").record_intact is True


def test_a_branch_officer_is_offered_clients_only_and_told_why_not_a_report(  # type: ignore[no-untyped-def]
    qtbot, sqlite_services: Services, tmp_path: Path
) -> None:
    services = sqlite_services
    compliance, admin = staff(services, Role.COMPLIANCE), staff(services, Role.ADMIN, "t-root")
    report = import_text_report(services, compliance, tmp_path)
    _sql(services, "UPDATE report SET integrity = NULL WHERE id = :r", r=report)
    services.branches.add(admin, "B2", "二部")
    services.auth.create_staff(admin, "b2-compliance", "correct horse", Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("b2-compliance", "correct horse")
    dialog = _open(qtbot, services, officer)
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == ["investor"]
    dialog = _open(qtbot, services, officer, kind="report", ref=str(report))  # named anyway: the service says
    _previewed(qtbot, dialog)
    assert "only firm-wide (head-office) compliance may settle a report's record" in dialog.message.text()
    assert not dialog.ok.isEnabled()
    head_office = _open(qtbot, services, compliance, kind="report", ref=str(report))
    _previewed(qtbot, head_office)
    assert f"Report {report} as found" in head_office.view.toPlainText()
    assert head_office.message.text() == ""


def _row_point(view: QTableView, row: int) -> QPoint:
    return view.visualRect(view.model().index(row, 1)).center()


def test_the_desk_offers_it_on_the_red_mark_and_follows_the_settled_record(  # type: ignore[no-untyped-def]
    qtbot, window_for: Any, demo_services: Services, confirmations: Confirmations
) -> None:
    officer = login(demo_services, "demo-compliance")
    client = demo_services.investors.search(officer, "")[0]
    _sql(demo_services, "UPDATE investor SET name = 'typo' WHERE id = :i", i=client.id)
    advisor_desk: MainWindow = window_for("demo-advisor")
    window: MainWindow = window_for("demo-compliance")
    assert not advisor_desk.compliance_actions.settle_action.isVisible()
    assert window.compliance_actions.settle_action.isVisible()
    window.client_search.setText(client.account)
    qtbot.waitUntil(lambda: window.client is not None and window.client.id == client.id, timeout=START_UP_MS)
    window.reports_view.selectRow(0)
    qtbot.waitUntil(lambda: window.decision.result is not None, timeout=START_UP_MS)
    assert window.decision.result.decision.outcome.value == "block"  # record-integrity
    row = window.client_proxy.mapFromSource(window.client_model.index(0, 0)).row()
    point = _row_point(window.clients_view, row)
    assert advisor_desk.compliance_actions.client_menu_at(point) is None  # the advisor: nothing
    menu = window.compliance_actions.client_menu_at(point)
    assert menu is not None
    (entry,) = menu.actions()
    assert entry.text() == "Settle this record…"

    def settle(dialog: QWidget) -> None:
        assert isinstance(dialog, SettleDialog)
        qtbot.waitUntil(lambda: not dialog.previewing, timeout=START_UP_MS)
        dialog.was_name.setText(client.name)
        dialog.show_button.click()
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=START_UP_MS)
        dialog.reason.setText(REASON)
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.settled is not None, timeout=START_UP_MS)
        dialog.reject()  # Close

    on_next_modal(settle)
    checked = window.decision.result
    entry.trigger()
    # The list's row and the card read again (the mark gone); the pair decided again.
    qtbot.waitUntil(lambda: window.client is not None and window.client.record_intact, timeout=START_UP_MS)
    assert window.client_model.row_object(0).record_intact
    qtbot.waitUntil(
        lambda: window.decision.result is not None and window.decision.result is not checked, timeout=START_UP_MS
    )
    assert "record-integrity" not in [r.value for r in window.decision.result.decision.reasons]
    assert window.compliance_actions.client_menu_at(point) is None  # nothing left to settle


def test_the_menu_entry_names_the_marked_record_on_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for: Any, demo_services: Services
) -> None:
    """A keyboard-only officer reaches a marked record without the context menu: Compliance ›
    Settle… names the marked client on screen; with no marked record on screen, none."""
    officer = login(demo_services, "demo-compliance")
    client = demo_services.investors.search(officer, "")[0]
    window: MainWindow = window_for("demo-compliance")
    named: list[tuple[object, str]] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, SettleDialog)
        named.append((dialog.kind.currentData(), dialog.ref.text()))
        dialog.reject()

    on_next_modal(look)
    window.compliance_actions.settle_action.trigger()
    qtbot.waitUntil(lambda: len(named) == 1, timeout=START_UP_MS)
    assert named[0][1] == ""  # nothing marked on screen
    _sql(demo_services, "UPDATE investor SET name = 'typo' WHERE id = :i", i=client.id)
    window.client_search.setText(client.account)
    qtbot.waitUntil(
        lambda: window.client is not None and window.client.id == client.id and not window.client.record_intact,
        timeout=START_UP_MS,
    )
    on_next_modal(look)
    window.compliance_actions.settle_action.trigger()
    qtbot.waitUntil(lambda: len(named) == 2, timeout=START_UP_MS)
    assert named[1] == ("investor", client.account)


def test_a_report_with_the_mark_is_offered_beside_its_distribution_list_and_followed(  # type: ignore[no-untyped-def]
    qtbot, window_for: Any, demo_services: Services
) -> None:
    window: MainWindow = window_for("demo-compliance")
    report = window.report_model.row_object(0)
    _sql(demo_services, "UPDATE report SET integrity = NULL WHERE id = :r", r=report.id)
    window.refresh_reports()
    qtbot.waitUntil(lambda: not window.report_model.row_object(0).record_intact, timeout=START_UP_MS)
    row = window.report_proxy.mapFromSource(window.report_model.index(0, 0)).row()
    window.reports_view.selectRow(row)
    menu = window.compliance_actions.report_menu_at(_row_point(window.reports_view, row))
    assert menu is not None
    assert [a.objectName() for a in menu.actions()] == ["distributionAction", "settleRecordAction"]
    officer = login(demo_services, "demo-compliance")
    demo_services.settle.settle(officer, "report", report.id, REASON)
    window.follow_settled("report", report.id)
    qtbot.waitUntil(lambda: window.report_model.row_object(0).record_intact, timeout=START_UP_MS)
    assert window.report is not None
    assert window.report.record_intact
    menu = window.compliance_actions.report_menu_at(_row_point(window.reports_view, row))
    assert menu is not None
    assert [a.objectName() for a in menu.actions()] == ["distributionAction"]


def test_switching_user_closes_it_and_a_settling_under_way_is_answered_to_nobody(  # type: ignore[no-untyped-def]
    qtbot,
    window_for: Any,
    demo_services: Services,
    confirmations: Confirmations,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    officer = login(demo_services, "demo-compliance")
    client = demo_services.investors.search(officer, "")[0]
    _sql(demo_services, "UPDATE investor SET name = 'typo' WHERE id = :i", i=client.id)
    window: MainWindow = window_for("demo-compliance")
    held = Held()
    monkeypatch.setattr(SettleService, "settle", held.wrap(SettleService.settle))
    dialog = SettleDialog(demo_services, window.actor, window, kind="investor", ref=client.account)
    dialog.setModal(True)
    dialog.show()
    _previewed(qtbot, dialog)
    dialog.was_name.setText(client.name)
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    dialog.reason.setText(REASON)
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    assert held.entered.wait(HELD_S)
    window.end_session()  # switch user: every dialog of the session closes
    assert not dialog.isVisible()
    held.go.set()
    qtbot.waitUntil(lambda: not dialog.recording, timeout=START_UP_MS)
    # Recorded as the officer's (it was sent), shown to nobody: no box, nothing on the dialog.
    assert demo_services.investors.get(officer, client.id).record_intact is True
    assert len(confirmations.shown) == 1  # the question before settling; no box after it
    assert dialog.status.text() == ""


def test_the_desk_words_the_refusals_that_speak_of_command_line_options(  # type: ignore[no-untyped-def]
    qtbot, desk: tuple[Services, Actor], confirmations: Confirmations, tmp_path: Path
) -> None:
    """Was BROKE: the dialog showed the services' sentences written for `audit settle`:
    "give the value it held before with --was name=... or --was id_number=...", "Look at it
    again (`suitcheck audit settle` without --yes shows it)", "`suitcheck audit export
    --report ID`", "(`report rate`)": options an officer at the desk has no use for, beside
    the fields and the button that do it here. The services name these refusals (code);
    the dialog words them with its own fields, button and menus. The CLI's sentence stays."""
    services, compliance = desk
    dialog = _open(qtbot, services, compliance, kind="investor", ref="S1")
    _previewed(qtbot, dialog)  # no name before given: refused
    said = dialog.message.text()
    assert "--was" not in said
    assert "audit export" not in said
    assert "(Name before, ID number before)" in said
    assert "client S1" in said
    dialog.was_name.setText("张三丰")
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    dialog.reason.setText(REASON)
    _sql(services, "UPDATE investor SET name = '张三疯' WHERE account = 'S1'")  # another edit meanwhile
    dialog.ok.click()
    change_answered(qtbot, dialog)
    said = dialog.message.text()
    assert "--yes" not in said
    assert "Show it again (Show record)" in said

    report = import_text_report(services, compliance, tmp_path)
    _sql(services, "UPDATE report SET level = 1 WHERE id = :r", r=report)  # lowered in SQL
    dialog = _open(qtbot, services, compliance, kind="report", ref=str(report))
    _previewed(qtbot, dialog)
    said = dialog.message.text()
    assert f"The record of report {report} is not the state" in said
    assert "audit export" not in said
    assert "report rate" not in said
    assert "Reports needing a rating or with findings…" in said
    with pytest.raises(ServiceError, match="without --yes|--was name=") as refused:
        services.settle.preview(compliance, "investor", "S1")
    assert refused.value.code is not None  # the CLI keeps its sentence; the code is the desk's


def test_a_record_settled_at_another_desk_meanwhile_leaves_no_settle_and_no_mark(  # type: ignore[no-untyped-def]
    qtbot, window_for: Any, demo_services: Services, confirmations: Confirmations
) -> None:
    """Was BROKE: another officer settled the record between this one's preview and their
    Settle. The service said "matches its seal: there is nothing to settle", but the dialog
    kept the preview with Settle enabled (refused again at each press), and once closed the
    desk kept the client's red "record changed" mark, and its blocked decision, though the
    store no longer said so. Now Settle goes with the preview and the desk follows the
    record as it does one settled here."""
    officer = login(demo_services, "demo-compliance")
    client = demo_services.investors.search(officer, "")[0]
    _sql(demo_services, "UPDATE investor SET name = 'typo' WHERE id = :i", i=client.id)
    window: MainWindow = window_for("demo-compliance")
    window.client_search.setText(client.account)
    qtbot.waitUntil(lambda: window.client is not None and window.client.id == client.id, timeout=START_UP_MS)
    assert not window.client_model.row_object(0).record_intact
    row = window.client_proxy.mapFromSource(window.client_model.index(0, 0)).row()
    menu = window.compliance_actions.client_menu_at(_row_point(window.clients_view, row))
    assert menu is not None
    seen: dict[str, object] = {}

    def settle_late(dialog: QWidget) -> None:
        assert isinstance(dialog, SettleDialog)
        _previewed(qtbot, dialog)
        dialog.was_name.setText(client.name)
        dialog.show_button.click()
        _previewed(qtbot, dialog)
        dialog.reason.setText(REASON)
        demo_services.settle.settle(officer, "investor", client.account, REASON, was={"name": client.name})
        dialog.ok.click()  # elsewhere, a moment before
        change_answered(qtbot, dialog)
        seen["message"] = dialog.message.text()
        seen["settle"] = dialog.ok.isEnabled()
        dialog.reject()

    on_next_modal(settle_late)
    menu.actions()[0].trigger()
    assert "matches its seal: there is nothing to settle" in str(seen["message"])
    assert seen["settle"] is False
    qtbot.waitUntil(lambda: window.client_model.row_object(0).record_intact, timeout=START_UP_MS)
    qtbot.waitUntil(lambda: window.client is not None and window.client.record_intact, timeout=START_UP_MS)


def test_tab_follows_the_dialog_down_and_enter_never_settles(  # type: ignore[no-untyped-def]
    qtbot, desk: tuple[Services, Actor]
) -> None:
    """Was BROKE: from "ID number before" Tab went past the reason into the preview below
    it, then back up to the reason, then to the buttons: an officer at the keyboard met the
    fields out of the order they see them; and after Enter showed the record, the keyboard
    was left in the preview (the field it was in is held while the record is read). Enter
    settles nothing: in the reason it does nothing; on the focused Settle it asks first,
    and the question's Enter is Cancel."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    services, compliance = desk
    dialog = _open(qtbot, services, compliance, kind="investor", ref="S1")
    _previewed(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.was_name.setText("张三丰")
    dialog.was_name.setFocus()
    qtbot.keyClick(dialog.was_name, Qt.Key.Key_Return)  # shows the record again
    _previewed(qtbot, dialog)
    assert dialog.preview is not None
    # The keyboard stays where it was (held fields let it go to the preview, from where
    # Tab now goes on to the buttons, past the reason still to be typed).
    assert QApplication.focusWidget() is dialog.was_name
    dialog.reason.setText(REASON)
    dialog.kind.setFocus()
    order = []
    for _ in range(9):
        focused = QApplication.focusWidget()
        assert focused is not None
        order.append(focused.objectName() or getattr(focused, "text", str)())
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert order == [
        "settleKind",
        "settleRef",
        "settleShow",
        "settleWasName",
        "settleWasIdNumber",
        "settleReason",
        "settlePreview",
        "settleButton",
        "Cancel",
    ]
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert not dialog.recording
    asked: list[str] = []

    def enter_on_the_question(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    on_next_modal(enter_on_the_question)
    dialog.ok.setFocus()
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)  # the focused Settle, pressed
    assert asked  # asked first ...
    assert not dialog.recording  # ... and Enter there is Cancel: nothing settled
    assert dialog.settled is None
    assert services.investors.get(compliance, "S1").record_intact is False


def test_the_desk_words_the_other_refusals_that_name_a_command_or_a_column(  # type: ignore[no-untyped-def]
    qtbot, desk: tuple[Services, Actor]
) -> None:
    """Was BROKE, as the refusals with CLI options: the name given as held before is the one
    held now ("The record holds name as you give it", the column's own name, in Chinese
    too); a profile changed in SQL ("record a new assessment through suitcheck (`investor
    assess`)"); a value suitcheck never writes ("`suitcheck audit export --investor ID`")."""
    services, compliance = desk
    dialog = _open(qtbot, services, compliance, kind="investor", ref="S1")
    _previewed(qtbot, dialog)
    dialog.was_name.setText("张三峰")  # what it holds now
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    assert dialog.message.text() == (
        "The record holds this name now: under Name before, give the name it held before the change."
    )
    _sql(services, "UPDATE investor SET name = '张三丰', current_profile = 5 WHERE account = 'S1'")
    dialog.was_name.clear()
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    said = dialog.message.text()
    assert "it holds profile C5 of" in said
    assert "investor assess" not in said
    assert "(Compliance, Assess selected client with the questionnaire…)" in said
    _sql(services, "UPDATE investor SET current_profile = 9 WHERE account = 'S1'")
    dialog.show_button.click()
    _previewed(qtbot, dialog)
    said = dialog.message.text()
    assert "holds a value suitcheck never writes" in said
    assert "audit export" not in said
    assert "Compliance, Audit log…" in said
