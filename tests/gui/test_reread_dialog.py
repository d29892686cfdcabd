"""Compliance › Re-read reports with the subject table: the preview read in the background
with progress and Stop, the changes listed with the level each report would be matched at,
stored only after a confirmation that counts them; a report whose stored file the current
limits refuse is listed and the others go on; Close waits for the reading; switch user stops it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from suitcheck.services import Services
from suitcheck.services.report_reread import ReportRereadService
from tests.fixtures import report_text
from tests.gui.conftest import HELD_S, Confirmations, login

# The demo's bank report: stated R3, subject R3 (股票) in this release's table.
BANK = "银行业息差企稳，主板龙头估值修复可期"


def _table_with_banks_at_r4(services: Services) -> None:
    officer = login(services, "demo-compliance")
    rows = [f"{word},{level.code}" for word, level in services.policy.current().subjects]
    services.policy.import_subjects(officer, "\n".join([*rows, "银行业,R4"]) + "\n")


def _dialog(qtbot, services: Services):  # type: ignore[no-untyped-def]
    from suitcheck.gui.dialogs import RereadDialog

    dialog = RereadDialog(services, login(services, "demo-compliance"))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _rows(dialog) -> list[list[str]]:  # type: ignore[no-untyped-def]
    model = dialog.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_changes_are_read_listed_and_stored_once_confirmed(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations
) -> None:
    _table_with_banks_at_r4(demo_services)
    (bank,) = [r for r in demo_services.reports.search(login(demo_services, "demo-compliance")) if r.title == BANK]
    dialog = _dialog(qtbot, demo_services)
    assert not dialog.apply_button.isEnabled()
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    total = demo_services.reports.count(login(demo_services, "demo-compliance"))
    assert (
        f"{total} of {total} reports read with the subject table of policy version "
        f"{demo_services.policy.current().version}: 1 change their subject level, 1 would be matched higher, 0 lower."
    ) in dialog.summary.text()
    assert _rows(dialog) == [
        [str(bank.id), BANK, "R3 (stated)", "R3 → R4", "R3 → R4", "finding: below its subject"]
    ]  # the codes in the cells, the words in their tooltips
    tooltips = [dialog.model.index(0, c).data(Qt.ItemDataRole.ToolTipRole) for c in (2, 3, 4)]
    assert tooltips == ["R3 medium (stated)", "R3 medium → R4 medium-high", "R3 medium → R4 medium-high"]
    assert dialog.progress.value() == dialog.progress.maximum() == total

    confirmations.answer = False
    dialog.apply_button.click()
    assert (
        "Store the new subject level of 1 reports? 1 will be matched at a higher level and 0"
        in (confirmations.asked[-1])
    )
    officer = login(demo_services, "demo-compliance")
    assert demo_services.reports.get(officer, bank.id).suggested_level == bank.suggested_level

    confirmations.answer = True
    dialog.apply_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert "Stored 1 of 1 changes, each in the audit trail." in dialog.summary.text()
    assert _rows(dialog)[0][-1] == "stored"
    assert not dialog.apply_button.isEnabled()  # a preview is applied once
    view = demo_services.reports.get(login(demo_services, "demo-compliance"), bank.id)
    assert view.matching_level is not None
    assert view.matching_level.code == "R4"
    # Read again: nothing left to change.
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert "no report's subject level changes; nothing to store." in dialog.summary.text()
    assert not dialog.apply_button.isEnabled()


def test_a_file_the_current_limits_refuse_is_listed_and_the_others_are_read(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    officer = login(demo_services, "demo-compliance")
    long = tmp_path / "长篇报告.txt"
    long.write_text(report_text("中风险", "银行业长篇深度报告") + "银行业经营稳健。\n" * 2_000, encoding="utf-8")
    (imported,) = demo_services.reports.import_paths(officer, [long])
    _table_with_banks_at_r4(demo_services)
    demo_services.policy.update(officer, import_max_text_chars=10_000)  # a limit lowered since the import
    dialog = _dialog(qtbot, demo_services)
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    rows = _rows(dialog)
    assert [r[1] for r in rows] == [BANK, "银行业长篇深度报告"]
    assert rows[1][0] == str(imported.report)
    assert rows[1][-1] == "The file has more text than the firm's limit allows."
    assert "1 reports could not be read again (see Result)." in dialog.summary.text()
    assert dialog.apply_button.isEnabled()  # the bank report's change can still be stored


class HeldReading:
    """The second report is read only once the reading is stopped."""

    def __init__(self) -> None:
        self.second_begun = threading.Event()  # the reader is inside the second report


@pytest.fixture
def held_reading(monkeypatch: pytest.MonkeyPatch) -> HeldReading:
    held_at = HeldReading()
    read = ReportRereadService._read
    calls: list[int] = []

    def held(self, report_id, policy, limits, cancelled):  # type: ignore[no-untyped-def]
        calls.append(report_id)
        if len(calls) == 2:
            held_at.second_begun.set()
            for _ in range(int(HELD_S / 0.025)):
                if cancelled():
                    break
                threading.Event().wait(0.025)
        return read(self, report_id, policy, limits, cancelled)

    monkeypatch.setattr(ReportRereadService, "_read", held)
    return held_at


def test_stop_ends_the_reading_and_says_what_was_not_read(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, held_reading: HeldReading
) -> None:
    _table_with_banks_at_r4(demo_services)
    dialog = _dialog(qtbot, demo_services)
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() == 1, timeout=30_000)
    # Stop lands while the second report is being read (not between the first and the second).
    assert held_reading.second_begun.wait(HELD_S)
    # Reading: Close and Escape do not end the window under the work; Stop does end the work.
    assert not dialog.close_button.isEnabled()
    dialog.reject()
    assert dialog.isVisible()
    assert dialog.stop_button.isEnabled()
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    total = demo_services.reports.count(login(demo_services, "demo-compliance"))
    assert f"2 of {total} reports read" in dialog.summary.text()  # the one being read when stopped, too
    assert "Stopped before the end: the reports not read are not listed." in dialog.summary.text()
    assert dialog.close_button.isEnabled()
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_switching_user_stops_the_reading(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, held_reading: HeldReading
) -> None:
    _table_with_banks_at_r4(demo_services)
    dialog = _dialog(qtbot, demo_services)
    assert dialog.running_work() is None
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.progress.value() == 1, timeout=30_000)
    assert "switching user stops it" in (dialog.running_work() or "")
    dialog.session_ending()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert dialog.preview is not None
    assert dialog.preview.cancelled


def test_at_1024x768_the_levels_and_the_result_are_not_cut(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """What the preview is for (the subject level and the level matched, before → after, and
    why a report was not read) is read without hovering over each cell; a long title is cut."""
    officer = login(demo_services, "demo-compliance")
    long = tmp_path / "长篇报告.txt"
    long.write_text(report_text("中风险", "银行业长篇深度报告") + "银行业经营稳健。\n" * 2_000, encoding="utf-8")
    demo_services.reports.import_paths(officer, [long])
    rows = [f"{word},{level.code}" for word, level in demo_services.policy.current().subjects if word != "港股"]
    demo_services.policy.import_subjects(officer, "\n".join([*rows, "银行业,R4"]) + "\n")  # one up, one down
    demo_services.policy.update(officer, import_max_text_chars=10_000)
    dialog = _dialog(qtbot, demo_services)
    dialog.resize(1024, 768)
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    qtbot.wait(10)
    view, model = dialog.view, dialog.model
    metrics = view.fontMetrics()
    assert model.rowCount() == 3
    for column in (model.LEVEL, model.SUBJECT, model.MATCHED, model.RESULT):
        for row in range(model.rowCount()):
            shown = model.index(row, column).data()
            assert metrics.horizontalAdvance(shown) + 4 <= view.columnWidth(column), (column, shown)
    assert view.horizontalHeader().length() <= view.viewport().width()  # no sideways scrolling


def test_a_level_read_otherwise_is_not_counted_as_a_subject_change(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """Was wrong: a report listed only because its own level now reads otherwise (subject
    R1 -> R1) was counted in "1 change their subject level"."""
    from tests.services.test_reread_level_sentence import BACKWARDS_MACRO, imported_by_an_older_build

    imported_by_an_older_build(demo_services, login(demo_services, "demo-compliance"), BACKWARDS_MACRO)
    dialog = _dialog(qtbot, demo_services)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert ": 0 change their subject level, 1 would be matched higher, 0 lower." in dialog.summary.text()
    assert "1 reports' own level statement reads otherwise" in dialog.summary.text()


def test_reports_an_older_version_read_the_same_can_be_stored_as_read(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, confirmations: Confirmations
) -> None:
    """Nothing changes but an older reader's reading confirmed: Apply is offered, asks, and
    stores it (the report then needs no reading before its next decision)."""
    from tests.services.test_level_reader import PLAIN_HIGH
    from tests.services.test_reread_level_sentence import imported_by_an_older_build

    officer = login(demo_services, "demo-compliance")
    report = imported_by_an_older_build(demo_services, officer, PLAIN_HIGH, level=None)
    dialog = _dialog(qtbot, demo_services)
    dialog.read_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert "no report's subject level changes." in dialog.summary.text()
    assert "1 reports read by an older version read the same now" in dialog.summary.text()
    assert dialog.apply_button.isEnabled()
    confirmations.answer = True
    dialog.apply_button.click()
    assert "Store 1 reports as read by this version?" in confirmations.asked[-1]
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert "1 of 1 reports read by an older version stored as read by this one." in dialog.summary.text()
    assert demo_services.reread.preview(officer).read_same == ()
    assert report in demo_services.access.preview(login(demo_services, "demo-advisor"), "880005", [report])
