"""The Qt models pass qtmodeltester and fetch lazily."""

from __future__ import annotations

from suitcheck.gui.models import AuditTableModel, InvestorTableModel, ReportTableModel
from suitcheck.services import Services
from tests.gui.conftest import login


def test_models_pass_qtmodeltester(qtmodeltester, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    investors = InvestorTableModel()
    investors.set_rows(demo_services.investors.search(compliance))
    qtmodeltester.check(investors)
    reports = ReportTableModel()
    reports.set_rows(demo_services.reports.search(compliance))
    reports.set_verdicts(demo_services.access.preview(compliance, "880003", [r.id for r in reports.objects()]))
    qtmodeltester.check(reports)
    audit = AuditTableModel()
    audit.set_rows(demo_services.audit.browse(compliance))
    qtmodeltester.check(audit)


def test_lazy_fetching(demo_services: Services) -> None:
    compliance = login(demo_services, "demo-advisor")  # head office's 12 demo clients
    calls: list[tuple[int, int]] = []

    def fetch(offset: int, limit: int) -> list:  # type: ignore[type-arg]
        calls.append((offset, limit))
        return demo_services.investors.search(compliance, limit=limit, offset=offset)

    model = InvestorTableModel()
    model.PAGE = 5
    model.set_rows(fetch(0, 5), fetch)
    assert model.rowCount() == 5
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 10
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 12
    assert not model.canFetchMore()
    assert calls == [(0, 5), (5, 5), (10, 5)]
    assert [model.row_object(i).account for i in range(12)] == sorted(model.row_object(i).account for i in range(12))


def test_translations_are_complete() -> None:
    """Every string the GUI shows has a Chinese translation in the shipped .ts/.qm."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "scripts" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_translated_string_hides_inside_an_f_string() -> None:
    """lupdate cannot see tr() inside f-strings; such text would stay English in Chinese."""
    import re
    from pathlib import Path

    gui = Path(__file__).resolve().parents[2] / "src" / "suitcheck" / "gui"
    offenders = [
        f"{path.name}:{number}"
        for path in gui.glob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""\bf(["']).*\{[^}]*\btr\(""", line)
    ]
    assert offenders == []


def test_a_report_changed_outside_suitcheck_is_marked_not_shown_at_its_level(demo_services: Services) -> None:
    """A report whose level was lowered in the SQLite file: the list does not show the level
    the row now holds as if it were sound, but marks it (red, the reason as a tooltip)."""
    from PySide6.QtCore import Qt
    from sqlalchemy import update

    from suitcheck.gui.models import RED
    from suitcheck.store.models import Report

    compliance = login(demo_services, "demo-compliance")
    victim = next(r for r in demo_services.reports.search(compliance) if r.level is not None and r.level > 1)
    with demo_services.store.engine.begin() as conn:
        conn.execute(update(Report).where(Report.id == victim.id).values(level=1))
    reports = ReportTableModel()
    reports.set_rows(demo_services.reports.search(compliance))
    for row in range(reports.rowCount()):
        cell = reports.index(row, ReportTableModel.LEVEL)
        shown = cell.data()
        if reports.row_object(row).id == victim.id:
            assert shown == "record changed"
            assert cell.data(Qt.ItemDataRole.ForegroundRole).color() == RED
            assert "changed outside suitcheck" in cell.data(Qt.ItemDataRole.ToolTipRole)
        else:
            assert "record changed" not in shown


def test_a_client_changed_outside_suitcheck_is_marked_in_the_list_and_pane(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    """A client's profile raised in the SQLite file: the client list shows 'record changed'
    in red instead of the raised profile, the client pane says why, and the check blocks."""
    from PySide6.QtCore import Qt
    from sqlalchemy import update

    from suitcheck.gui.models import RED
    from suitcheck.store.models import Investor

    window = window_for()
    services = window.services
    with services.store.engine.begin() as conn:
        conn.execute(update(Investor).where(Investor.account == "880001").values(current_profile=5))
    window.client_search.setText("88000")
    window.refresh_clients()
    model = window.client_model
    qtbot.waitUntil(lambda: any(model.row_object(r).account == "880001" and not model.row_object(r).record_intact
                                for r in range(model.rowCount())))  # fmt: skip
    for row in range(model.rowCount()):
        cell = model.index(row, InvestorTableModel.PROFILE)
        if model.row_object(row).account == "880001":
            assert cell.data() == "record changed"
            assert cell.data(Qt.ItemDataRole.ForegroundRole).color() == RED
            assert "changed outside suitcheck" in cell.data(Qt.ItemDataRole.ToolTipRole)
            window.client_pane.set_client(model.row_object(row))
        else:
            assert cell.data() != "record changed"
    assert "changed outside suitcheck" in window.client_pane.details.text()
