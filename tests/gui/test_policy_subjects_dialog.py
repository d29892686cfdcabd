"""The policy dialog's subject table: compliance sees the keywords and their levels, loads a
table from a file or takes this release's, reads what it adds, removes and re-levels, and
confirms before a new version is stored; the service's sentence when it is refused."""

from __future__ import annotations

from pathlib import Path

from suitcheck.services import Services
from tests.gui.conftest import Confirmations, login


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
    assert "Removes 43:\n  宏观  R1 low\n" in question
    assert "\n  and 38 more" in question  # 15 named in all, shared among adds, removes and re-levels
    assert demo_services.policy.current().version == version

    confirmations.answer = True
    dialog.load_file(path)
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
    assert demo_services.policy.current().version == version + 2


def test_this_releases_table_and_a_table_that_leaves_a_level_unlifted(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_services)
    path = tmp_path / "subjects.csv"
    path.write_text("股票,R3\n创业板,R4\n", encoding="utf-8")
    dialog.load_file(path)
    assert "Warning: no keyword is left at R5 high." in confirmations.shown[-1][0]
    assert len(_rows(dialog)) == 2
    dialog.use_default()
    assert "Adds " in confirmations.shown[-1][0]
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
    assert f"Policy version {theirs.version} was stored since you looked at version" in confirmations.shown[-1][1]
    assert demo_services.policy.current() == theirs
    assert dialog.result() == 0
