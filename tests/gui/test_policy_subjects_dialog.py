"""The policy dialog's subject table: compliance sees the keywords and their levels, loads a
table from a file or takes this release's, reads what it adds, removes and re-levels, and
confirms before a new version is stored; the service's sentence when it is refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from suitcheck.domain.policy import DEFAULT_SUBJECTS
from suitcheck.services import Services
from tests.gui.conftest import Confirmations, change_answered, login


def _dialog(qtbot, services: Services):  # type: ignore[no-untyped-def]
    from suitcheck.gui.dialogs import PolicyDialog

    dialog = PolicyDialog(services, login(services, "demo-compliance"))
    qtbot.addWidget(dialog)
    return dialog


def _rows(dialog) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    table = dialog.subjects
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_a_table_file_is_stored_only_after_its_changes_are_confirmed(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_services)
    version = demo_services.policy.current().version
    assert ("科创50", "R4 medium-high") in _rows(dialog)
    path = tmp_path / "subjects.csv"
    path.write_bytes("关键词,风险等级\n创业板,R3\n股票,R3\n港股,R4\n期货,R5\n科创板块指数,R4\n".encode("gbk"))

    confirmations.answer = False
    dialog.load_file(path)
    question = confirmations.shown[-1][0]
    assert "Store a subject table of 5 keywords as policy version" in question
    assert "Adds 1:\n  科创板块指数  R4 medium-high" in question
    assert "Changes the level of 1:\n  创业板  R4 medium-high → R3 medium" in question
    removed = len(DEFAULT_SUBJECTS) - 4  # all but 创业板, 股票, 港股 and 期货
    assert f"Removes {removed}:\n  宏观  R1 low\n" in question
    assert f"\n  and {removed - 5} more" in question  # 15 named in all, shared among adds, removes and re-levels
    assert demo_services.policy.current().version == version

    confirmations.answer = True
    dialog.load_file(path)
    change_answered(qtbot, dialog)
    assert demo_services.policy.current().version == version + 1
    assert _rows(dialog) == [
        ("创业板", "R3 medium"),
        ("股票", "R3 medium"),
        ("港股", "R4 medium-high"),
        ("期货", "R5 high"),
        ("科创板块指数", "R4 medium-high"),
    ]
    assert dialog.windowTitle().endswith(f"(version {version + 1})")
    # The settings saved afterwards build on the version the dialog now shows.
    dialog.escalation.setChecked(not dialog.escalation.isChecked())
    dialog.accept()
    change_answered(qtbot, dialog)
    assert demo_services.policy.current().version == version + 2


def test_this_releases_table_and_a_table_that_leaves_a_level_unlifted(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_services)
    path = tmp_path / "subjects.csv"
    path.write_text("股票,R3\n创业板,R4\n", encoding="utf-8")
    dialog.load_file(path)
    assert "Warning: no keyword is left at R5 high." in confirmations.shown[-1][0]
    change_answered(qtbot, dialog)
    assert len(_rows(dialog)) == 2
    dialog.use_default()
    assert "Adds " in confirmations.shown[-1][0]
    change_answered(qtbot, dialog)
    assert "Warning" not in confirmations.shown[-1][0]
    assert ("期货", "R5 high") in _rows(dialog)


def test_a_refused_table_shows_the_services_sentence(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_services)
    version = demo_services.policy.current().version
    path = tmp_path / "subjects.csv"
    path.write_text("创业板,R4\n股,R4\n", encoding="utf-8")
    dialog.load_file(path)
    assert "'股' is shorter than 2 characters" in confirmations.shown[-1][1]
    dialog.use_default()  # the table it has
    assert "already has these subject keywords" in confirmations.shown[-1][1]
    assert demo_services.policy.current().version == version


def test_a_dialog_another_officer_has_overtaken_stores_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_services)
    other = login(demo_services, "demo-compliance")  # at another desk
    theirs = demo_services.policy.update(other, validity_days=365)
    dialog.escalation.setChecked(not dialog.escalation.isChecked())
    dialog.accept()
    change_answered(qtbot, dialog)
    # said in the dialog, its fields as they were
    assert f"Policy version {theirs.version} was stored since you looked at version" in dialog.message.text()
    assert dialog.escalation.isEnabled()
    assert demo_services.policy.current() == theirs
    assert dialog.result() == 0


def test_a_branch_officer_reads_the_policy_and_cannot_start_a_change(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """The policy decides for every branch, so a branch's compliance officer may read it but
    not change it (services.policy refuses). The dialog shows it read-only with that
    sentence, instead of letting the officer fill it in to be refused at the end; a
    firm-wide officer's dialog is as before."""
    from PySide6.QtWidgets import QDialogButtonBox

    from suitcheck.domain.roles import Role
    from suitcheck.gui.dialogs import PolicyDialog

    admin = login(demo_services, "demo-admin")
    demo_services.auth.create_staff(admin, "sh-compliance", "Pudong-officer-7!", Role.COMPLIANCE, branch="SH01")
    officer = demo_services.auth.login("sh-compliance", "Pudong-officer-7!")
    assert demo_services.policy.change_refused(officer) is not None
    assert demo_services.policy.change_refused(login(demo_services, "demo-compliance")) is None
    assert demo_services.policy.change_refused(login(demo_services, "demo-advisor")) == (
        "Your role may not change the policy."
    )
    branch, firm = PolicyDialog(demo_services, officer), _dialog(qtbot, demo_services)
    qtbot.addWidget(branch)
    assert "only firm-wide (head-office) compliance may change it" in branch.findChild(QLabel, "policyIntro").text()
    for widget in (branch.validity, branch.warning, branch.age, branch.escalation, branch.load_button):
        assert not widget.isEnabled()
    assert branch.buttons.button(QDialogButtonBox.StandardButton.Ok).isHidden()
    assert _rows(branch) == _rows(firm)  # the subject table is shown all the same
    assert "new policy version" in firm.findChild(QLabel, "policyIntro").text()
    assert firm.validity.isEnabled()
    assert not firm.buttons.button(QDialogButtonBox.StandardButton.Ok).isHidden()


def test_a_table_stored_from_an_overtaken_dialog_does_not_undo_the_other_officers_change(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations, tmp_path: Path
) -> None:
    """Was BROKE: the table was stored against the version its preview read, not the one
    the dialog shows. Another officer set validity to 365 days meanwhile; storing a table
    here took the dialog to the version after theirs with its fields still showing 730,
    and Save then stored 730: their change undone, with no word of it. Now the table is
    refused as Save is, and so is the Save after it."""
    dialog = _dialog(qtbot, demo_services)
    assert dialog.validity.value() == 730
    other = login(demo_services, "demo-compliance")  # at another desk
    theirs = demo_services.policy.update(other, validity_days=365)
    path = tmp_path / "subjects.csv"
    path.write_text("股票,R3\n创业板,R4\n期货,R5\n", encoding="utf-8")
    dialog.load_file(path)
    change_answered(qtbot, dialog)
    assert f"Policy version {theirs.version} was stored since you looked at version" in dialog.message.text()
    dialog.age.setValue(75)  # the officer goes on and saves the settings
    dialog.accept()
    change_answered(qtbot, dialog)
    assert demo_services.policy.current() == theirs
    assert demo_services.policy.current().validity_days == 365
