"""Dialogs driven through their widgets: login, import a folder, export and verify, override."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialogButtonBox

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel
from suitcheck.gui.dialogs import (
    AuditDialog,
    ClientDialog,
    ExportDialog,
    ImportDialog,
    LoginDialog,
    OverrideDialog,
    RatingDialog,
)
from suitcheck.gui.models import AuditTableModel
from suitcheck.services import Services
from suitcheck.services.audit_log import AuditFilter
from tests.conftest import Clock
from tests.fixtures import report_text
from tests.gui.conftest import change_answered, login, password_answered
from tests.gui.test_main_window import check_now, find_client, pick_report


def test_login_dialog(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(demo_services, demo=True)
    qtbot.addWidget(dialog)
    assert "demo-compliance" in dialog.findChild(type(dialog.message), "demoLogins").text()
    qtbot.keyClicks(dialog.username, "demo-advisor")
    qtbot.keyClicks(dialog.password, "wrong")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    password_answered(qtbot, dialog)
    assert dialog.actor is None
    assert "wrong" in dialog.message.text()
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, "demo")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    password_answered(qtbot, dialog)
    assert dialog.actor is not None
    assert dialog.actor.username == "demo-advisor"


def test_login_screen_outside_demo_lists_no_logins(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(demo_services, demo=False)
    qtbot.addWidget(dialog)
    assert dialog.findChild(type(dialog.message), "demoLogins") is None


def test_import_a_folder_and_see_results(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a.txt").write_text(report_text("中风险", "导入对话框测试报告一"), encoding="utf-8")
    (folder / "b.txt").write_text(report_text(None, "导入对话框测试报告二"), encoding="utf-8")
    (folder / "c.pdf").write_bytes(b"%PDF-1.4 broken")
    dialog = ImportDialog(demo_services, login(demo_services, "demo-compliance"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start([folder])
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    statuses = {Path(r.path).name: r.status for r in dialog.model.objects()}
    assert statuses == {"a.txt": "imported", "b.txt": "needs-rating", "c.pdf": "failed"}
    assert "1 imported, 1 need a rating, 0 duplicates, 1 failed" in dialog.summary.text()
    assert dialog.progress.value() == 3


def test_rating_dialog_rates_an_unrated_report(qtbot, demo_services: Services, confirmations) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    dialog = RatingDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    titles = [r.title for r in dialog.model.objects()]
    assert any("芯片" in t for t in titles)
    assert any("港股" in t for t in titles)
    row = next(i for i, t in enumerate(titles) if "芯片" in t)
    report_id = dialog.model.objects()[row].id
    dialog.view.selectRow(row)
    dialog.level.setCurrentIndex(2)  # R3
    from PySide6.QtWidgets import QPushButton

    confirmations.answer = False  # Cancel: nothing changes, nothing is recorded
    dialog.findChild(QPushButton, "setLevel").click()
    assert "R3" in confirmations.asked[-1]
    assert "audit trail" in confirmations.asked[-1]
    assert demo_services.reports.get(compliance, report_id).level is None
    confirmations.answer = True
    dialog.findChild(QPushButton, "setLevel").click()
    change_answered(qtbot, dialog)
    assert all("芯片" not in r.title for r in dialog.model.objects())
    assert demo_services.reports.get(compliance, report_id).level is not None


def test_export_the_audit_log(qtbot, demo_services: Services, tmp_path: Path, message_boxes) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    dialog = ExportDialog(demo_services, compliance, AuditFilter())
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.all_time.setChecked(True)
    out = tmp_path / "audit.csv"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "Exported" in dialog.message.text(), timeout=10_000)
    assert out.exists()
    assert (tmp_path / "audit.csv.manifest.json").exists()
    assert demo_services.audit.verify_file(compliance, out).ok
    # A destination that cannot be written: a message, and nothing else changes.
    dialog2 = ExportDialog(demo_services, compliance, AuditFilter())
    qtbot.addWidget(dialog2)
    dialog2.destination.setText(str(tmp_path / "missing-folder" / "x.csv"))
    dialog2.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=10_000)
    assert "does not exist" in message_boxes[-1][1]


def test_override_flow_with_escalation_on(qtbot, window_for, demo_services: Services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "创业板")
    assert window.decision.result is not None
    assert window.decision.result.decision.outcome is Outcome.ALLOW_AFTER_WARNING
    assert window.decision.result.may_override
    assert not window.decision.result.may_open
    assert window.override_button.isVisible()
    assert not window.open_button.isEnabled()
    assert window.client is not None
    assert window.report is not None

    def fill_in(dialog: OverrideDialog) -> int:
        qtbot.addWidget(dialog)
        assert not dialog.ok.isEnabled()
        dialog.told.setChecked(True)
        assert not dialog.ok.isEnabled()  # a checkbox alone proves nothing
        dialog.confirmed.setChecked(True)
        dialog.recording.setText("SL-001")
        dialog.accept()
        qtbot.waitUntil(lambda: dialog.recorded is not None, timeout=10_000)  # recorded off the GUI thread
        return int(dialog.result())

    monkeypatch.setattr(OverrideDialog, "exec", fill_in)
    window.override_button.click()  # the window shows the service's answer to the override
    assert window.decision.result.may_open
    assert window.decision.result.override_recorded
    assert window.open_button.isEnabled()
    assert not window.override_button.isVisible()
    assert "special warning today" in window.decision.rule.text()
    # Another client and back: the check is recorded again and the override still counts.
    find_client(qtbot, window, "880001")
    find_client(qtbot, window, "880003")
    check_now(qtbot, window)
    assert window.decision.result.override_recorded
    assert window.open_button.isEnabled()
    window.open_report()  # reads the report off the GUI thread
    qtbot.waitUntil(lambda: bool(window.viewers), timeout=10_000)
    compliance_actions = [e.action for e in demo_services.audit.browse(compliance, limit=5)]
    assert compliance_actions[0] == "open"
    assert "override" in compliance_actions


def test_edit_client_dialog_takes_a_client_out_of_the_lowest_category(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    client = demo_services.investors.get(compliance, "880010")
    assert client.lowest_category
    from suitcheck.gui.dialogs import ClientEditDialog

    dialog = ClientEditDialog(demo_services, compliance, client)
    qtbot.addWidget(dialog)
    dialog.lowest.setChecked(False)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    change_answered(qtbot, dialog)
    assert "Say why" in dialog.message.text()  # refused without a reason, dialog stays open
    assert dialog.reason.isEnabled()  # the fields are given back with the refusal
    qtbot.keyClicks(dialog.reason, "guardian appointed")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    change_answered(qtbot, dialog)
    assert not demo_services.investors.get(compliance, "880010").lowest_category


def test_edit_client_dialog_never_undoes_what_another_desk_changed_meanwhile(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """The form sends every field it shows: opened before compliance put the client in the
    lowest category at another desk, a name correction saved from it lifted the flag."""
    compliance = login(demo_services, "demo-compliance")
    from suitcheck.gui.dialogs import ClientEditDialog

    dialog = ClientEditDialog(demo_services, compliance, demo_services.investors.get(compliance, "880001"))
    qtbot.addWidget(dialog)
    demo_services.investors.update(compliance, "880001", lowest_category=True, reason="cannot bear any loss")
    dialog.name.setText("林晓梅（更正）")
    dialog.reason.setText("typo in the name")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    change_answered(qtbot, dialog)
    assert "Another desk changed" in dialog.message.text()  # refused, the dialog stays open
    now = demo_services.investors.get(compliance, "880001")
    assert (now.name, now.lowest_category) == ("林晓梅", True)


def test_findings_queue_resolves_only_what_the_service_lets_go(qtbot, demo_services: Services, confirmations) -> None:  # type: ignore[no-untyped-def]
    """A finding about the level is settled by rating the report (#15), never dismissed:
    the service says so on the finding (resolvable) and the button follows it."""
    compliance = login(demo_services, "demo-compliance")
    dialog = RatingDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    rows = dialog.model.objects()
    row = next(i for i, r in enumerate(rows) if r.open_findings)  # the Hong Kong report: level below subject
    dialog.view.selectRow(row)
    assert "subject" in dialog.detail.text()  # the finding in words, not its code
    assert not any(f.resolvable for f in rows[row].open_findings)
    assert not dialog.resolve.isEnabled()
    assert "settled by rating" in dialog.resolve.toolTip()
    dialog.note.setText("Issuer's own rating confirmed with the research desk")
    dialog.resolve_finding()  # even called directly: nothing to resolve, nothing asked
    assert not confirmations.asked
    assert demo_services.reports.get(compliance, rows[row].id).open_findings


def test_policy_is_saved_only_after_confirmation(qtbot, demo_services: Services, confirmations) -> None:  # type: ignore[no-untyped-def]
    from suitcheck.gui.dialogs import PolicyDialog

    compliance = login(demo_services, "demo-compliance")
    version = demo_services.policy.current().version
    dialog = PolicyDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.escalation.setChecked(not dialog.escalation.isChecked())
    confirmations.answer = False
    dialog.accept()
    assert "new policy version" in confirmations.asked[-1]
    assert demo_services.policy.current().version == version
    assert dialog.result() == 0
    confirmations.answer = True
    dialog.accept()
    change_answered(qtbot, dialog)
    assert demo_services.policy.current().version == version + 1


def test_the_policy_dialog_shows_and_keeps_the_re_assessment_rule(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations
) -> None:
    """The switch for a client marked due (Policy.reassessment_due_blocks_r1) is on the desk:
    shown as stored, kept when another field is saved, changed only when ticked."""
    from suitcheck.gui.dialogs import PolicyDialog

    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, reassessment_due_blocks_r1=False)  # as a store made before it
    dialog = PolicyDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    assert not dialog.due_blocks.isChecked()
    dialog.age.setValue(dialog.age.value() + 1)
    confirmations.answer = True
    dialog.accept()
    change_answered(qtbot, dialog)
    assert demo_services.policy.current().reassessment_due_blocks_r1 is False
    dialog = PolicyDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.due_blocks.setChecked(True)
    dialog.accept()
    change_answered(qtbot, dialog)
    assert demo_services.policy.current().reassessment_due_blocks_r1 is True


def test_the_policy_dialog_keeps_every_value_the_policy_allows(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations
) -> None:
    """Was BROKE: a warning window of 400 days (the policy allows up to one day less than
    the validity, `policy set warning_days=400`) showed as 365 in the policy dialog, whose
    field stopped there, and saving another change stored 365 without a word. The fields
    take every value the policy takes; an unchanged one is stored as it was."""
    from suitcheck.gui.dialogs import PolicyDialog

    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, validity_days=3650, warning_days=400)
    dialog = PolicyDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    assert dialog.warning.value() == 400
    dialog.age.setValue(dialog.age.value() + 1)
    confirmations.answer = True
    dialog.accept()
    change_answered(qtbot, dialog)
    stored = demo_services.policy.current()
    assert (stored.validity_days, stored.warning_days) == (3650, 400)
    dialog = PolicyDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    assert dialog.warning.maximum() == 3649  # the policy's own bound: less than the validity


def test_a_verified_filtered_export_says_it_is_not_the_whole_trail(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes
) -> None:
    from PySide6.QtWidgets import QWidget

    from suitcheck.domain.codes import AuditAction
    from suitcheck.gui.dialogs.verification import verify_export_file

    compliance = login(demo_services, "demo-compliance")
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()  # a verdict for a window nobody sees (the session ended) is dropped
    whole, only = tmp_path / "whole.csv", tmp_path / "only.csv"
    demo_services.audit.export(compliance, whole, "csv")
    demo_services.audit.export(compliance, only, "csv", AuditFilter(action=AuditAction.CHECK))
    verify_export_file(demo_services, compliance, whole, parent)
    assert message_boxes[-1][0] == "The export is intact."
    assert "It holds the whole trail from entry 1 to entry" in message_boxes[-1][1]
    verify_export_file(demo_services, compliance, only, parent)
    assert message_boxes[-1][0] == "The export is intact."
    assert "It holds only the entries matching action=check" in message_boxes[-1][1]
    assert "it is not the whole trail" in message_boxes[-1][1]


def test_the_verdict_of_a_trail_with_a_forged_line_is_one_sentence(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, message_boxes: list[tuple[str, str]]
) -> None:
    """Was BROKE: an entry appended in SQL whose installation mark holds line breaks and
    a verdict of its own showed that line, lines down, in the FAILED box's text."""
    from suitcheck.gui.dialogs.verification import run_verification
    from tests.attack.test_attack_verify_lines import FORGED, _entry_with_a_forged_verdict

    _entry_with_a_forged_verdict(str(demo_services.store.engine.url.database))
    actor = login(demo_services, "demo-compliance")
    parent = QDialogButtonBox()
    qtbot.addWidget(parent)
    parent.show()
    run_verification(demo_services, actor, parent)
    headline, detail = message_boxes[-1]
    assert headline.startswith("The audit trail FAILED verification at entry")
    assert "\n" not in detail, detail
    assert f"\\x0a{FORGED}" in detail, detail


def test_verification_names_a_changed_assessment_in_the_users_language(  # type: ignore[no-untyped-def]
    qtbot, qapp, demo_services: Services, message_boxes: list[tuple[str, str]]
) -> None:
    """A row that differs from the trail fails no entry: the verdict said "FAILED
    verification at entry None", and the named-row sentences had no translation."""
    from sqlalchemy import text

    from suitcheck.gui.dialogs.verification import run_verification
    from suitcheck.gui.i18n import Translations

    with demo_services.store.engine.begin() as conn:
        account = conn.execute(
            text("SELECT i.account FROM investor i JOIN assessment a ON a.investor_id = i.id ORDER BY a.id LIMIT 1")
        ).scalar_one()
        conn.execute(text("UPDATE assessment SET profile = 5 WHERE id = (SELECT min(id) FROM assessment)"))
    actor = login(demo_services, "demo-compliance")
    parent = QDialogButtonBox()
    qtbot.addWidget(parent)
    parent.show()
    run_verification(demo_services, actor, parent)
    headline, detail = message_boxes[-1]
    assert headline == "The audit trail FAILED verification."
    assert f"client {account}'s assessment of" in detail
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        run_verification(demo_services, actor, parent)
    finally:
        translations.apply("en")
    headline, detail = message_boxes[-1]
    assert headline == "审计记录校验失败。"
    assert detail.startswith(f"客户 {account} 于 ")
    assert "None" not in headline + detail


def test_a_new_clients_assessment_date_starts_at_the_firms_day(  # type: ignore[no-untyped-def]
    qtbot, services: Services, compliance, clock: Clock
) -> None:
    """The day the service judges assessments by (Beijing's, services.ctx.today()), not the
    desktop's: a desk set to UTC before 08:00 Beijing time offered yesterday's date."""
    clock.now = dt.datetime(2030, 12, 31, 17, 0, tzinfo=dt.UTC)  # 1 January 2031, 01:00 in Beijing
    dialog = ClientDialog(services, compliance)
    qtbot.addWidget(dialog)
    assert dialog.assessed.date().toPython() == dt.date(2031, 1, 1) == services.ctx.today()


def test_the_report_date_filter_starts_half_a_year_before_the_firms_day(  # type: ignore[no-untyped-def]
    qtbot, services: Services, compliance, clock: Clock
) -> None:
    """The report pane's "since" date started from the desktop's date, not the firm's day."""
    from suitcheck.gui.report_pane import ReportPane
    from suitcheck.gui.workers import Runner

    clock.now = dt.datetime(2030, 12, 31, 17, 0, tzinfo=dt.UTC)  # 1 January 2031, 01:00 in Beijing
    runner = Runner()
    pane = ReportPane(services, compliance, runner)
    qtbot.addWidget(pane)
    assert pane.filters.since_date.date().toPython() == dt.date(2030, 7, 1)
    assert not pane.filters.since_date.isEnabled()
    runner.wait()


def test_an_export_of_a_trail_with_a_forged_line_says_so_in_one_sentence(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the export dialog's warning quoted the trail's failure with its line
    breaks, so an installation mark written in SQL put a line of the inserter's own under it."""
    from tests.attack.test_attack_verify_lines import FORGED, _entry_with_a_forged_verdict

    compliance = login(demo_services, "demo-compliance")
    _entry_with_a_forged_verdict(str(demo_services.ctx.store.url.database))
    dialog = ExportDialog(demo_services, compliance, AuditFilter())
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.destination.setText(str(tmp_path / "today.csv"))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "Exported" in dialog.message.text(), timeout=20_000)
    said = dialog.message.text()
    assert f"\\x0a{FORGED}" in said, said
    assert len(said.splitlines()) == 3, said  # what was exported, a blank line, the warning


def test_an_export_of_a_trail_that_fails_says_so_and_its_file_fails(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes
) -> None:
    """The dialog's export (a period: filtered) of a store with a forged entry is written
    for investigation, in the error colour with the reason; its file fails verification
    with the same reason (tests/audit/test_export_vouched.py has the attacks)."""
    from PySide6.QtWidgets import QWidget

    from suitcheck.gui.dialogs.verification import verify_export_file
    from suitcheck.gui.widgets import ERROR_COLOUR
    from tests.audit.test_export_vouched import forge_allow_at_seq_0

    compliance = login(demo_services, "demo-compliance")
    demo_services.access.check(compliance, "880003", 1)
    forge_allow_at_seq_0(str(demo_services.ctx.store.url.database))
    dialog = ExportDialog(demo_services, compliance, AuditFilter())
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert not dialog.all_time.isChecked()  # today's entries: a filtered export
    out = tmp_path / "today.csv"
    dialog.destination.setText(str(out))
    dialog.box.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "Exported" in dialog.message.text(), timeout=20_000)
    assert "The audit trail fails verification (the trail holds" in dialog.message.text()
    assert ERROR_COLOUR in dialog.message.styleSheet()
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    verify_export_file(demo_services, compliance, out, parent)
    assert message_boxes[-1][0] == "The export FAILED verification."
    assert message_boxes[-1][1].startswith(
        "the audit trail failed verification when this file was exported (the trail holds"
    )


def test_override_records_only_the_warning_shown(qtbot, window_for, demo_services: Services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The dialog names the level and profile of the check on screen ("the ChiNext report,
    R4, above C3"); compliance raised the report to R5 while the clerk read the warning
    out. Recorded, the override said the client confirmed a warning about R5."""
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "创业板")
    assert window.decision.result is not None
    assert window.decision.result.may_override
    report = window.report
    assert report is not None

    def fill_in(dialog: OverrideDialog) -> int:
        qtbot.addWidget(dialog)
        demo_services.reports.set_level(compliance, report.id, RiskLevel.R5, note="options")  # meanwhile
        dialog.told.setChecked(True)
        dialog.confirmed.setChecked(True)
        dialog.accept()
        qtbot.waitUntil(lambda: dialog.recorded is not None or dialog.refused is not None, timeout=10_000)
        return int(dialog.result())

    monkeypatch.setattr(OverrideDialog, "exec", fill_in)
    monkeypatch.setattr("suitcheck.gui.dialogs.override.show_error", lambda *_: None)
    window.override_button.click()
    assert not [e for e in demo_services.audit.browse(compliance, limit=20) if e.action == "override"]
    # Refused: the desk checks again and shows the decision about R5.
    qtbot.waitUntil(
        lambda: window.decision.result is not None and window.decision.result.decision.level is RiskLevel.R5,
        timeout=10_000,
    )


class _ScaledScreen:
    """A 1366x768 screen at 150 % (QT_SCALE_FACTOR=1.5): 911x512 as the window sees it."""

    def availableGeometry(self) -> QRect:
        return QRect(0, 0, 911, 512)


def _decision_column_shown(dialog: AuditDialog) -> bool:
    view, header = dialog.view, dialog.view.horizontalHeader()
    column = AuditTableModel.DECISION
    right = header.sectionViewportPosition(column) + header.sectionSize(column)
    return not header.isSectionHidden(column) and 0 <= right <= view.viewport().width()


def test_on_a_screen_at_150_percent_the_audit_view_shows_its_decisions(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, monkeypatch
) -> None:
    """Was BROKE: at 150 % on a 1366x768 screen (911x512 as windows see it) the audit view's
    columns were 1,110 px wide: the decision sat past the right edge, behind a horizontal
    scroll. Now the entry hash gives way (it is in every export) and the decision shows; on
    a screen with room the hash stays."""
    compliance = login(demo_services, "demo-compliance")
    wide = AuditDialog(demo_services, compliance)
    qtbot.addWidget(wide)
    wide.show()
    assert wide.width() == 1100
    assert not wide.view.isColumnHidden(AuditTableModel.HASH)
    assert _decision_column_shown(wide)
    monkeypatch.setattr(AuditDialog, "screen", lambda self: _ScaledScreen())
    dialog = AuditDialog(demo_services, compliance)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= 911
    assert _decision_column_shown(dialog)
    assert dialog.view.horizontalScrollBar().maximum() == 0
    dialog.resize(1100, 512)  # given room again, the hash comes back
    assert not dialog.view.isColumnHidden(AuditTableModel.HASH)
