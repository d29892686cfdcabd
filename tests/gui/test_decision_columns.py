"""The verdict and level columns are never cut: their widths are the desktop's settings, so
a width narrowed by one user, or fitted at a start in another language, came back too
narrow to show "R3 medium ⚠" (the ⚠ of an open finding dropped first) or BLOCKED."""

from __future__ import annotations

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel
from suitcheck.gui import texts
from suitcheck.gui.i18n import Translations
from suitcheck.gui.models import ReportTableModel


def _needed(window) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    metrics = window.reports_view.fontMetrics()
    verdict = max(metrics.horizontalAdvance(f"✔ {texts.outcome_text(o)}") for o in Outcome)
    level = max(metrics.horizontalAdvance(f"{texts.level_text(x)} ⚠") for x in (*RiskLevel, None))
    return verdict, level


def _widths(window) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    view = window.reports_view
    return view.columnWidth(ReportTableModel.VERDICT), view.columnWidth(ReportTableModel.LEVEL)


def test_narrowed_columns_are_widened_again_at_the_next_search_and_language(qtbot, qapp, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    view = window.reports_view
    for column in (ReportTableModel.VERDICT, ReportTableModel.LEVEL):
        view.setColumnWidth(column, 12)  # as another user of this desktop left them
    window.search_completed(window.report_model.rowCount())
    verdict, level = _needed(window)
    assert _widths(window)[0] > verdict
    assert _widths(window)[1] > level
    translations = Translations(qapp)
    try:
        for column in (ReportTableModel.VERDICT, ReportTableModel.LEVEL):
            view.setColumnWidth(column, 12)
        translations.apply("zh_CN")  # Settings › Language
        qtbot.waitUntil(lambda: "投资者适当性" in window.windowTitle())
        verdict, level = _needed(window)
        assert _widths(window)[0] > verdict
        assert _widths(window)[1] > level
    finally:
        translations.apply("en")
