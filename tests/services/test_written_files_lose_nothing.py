"""Files suitcheck writes for people lose nothing without a word: a refused, failed or
cut write says so in one sentence and keeps an earlier file of that name; a value a format
cannot hold is refused (a list, the client export) or shown with a visible mark (a report).

A cell holds 32,767 UTF-16 units: XlsxWriter cuts a longer text and only returns -2, and
counts code points, so astral characters pass it at up to twice the limit; openpyxl
writes any length and Excel cuts it when it opens the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from suitcheck import xlsxrows
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.client_import import ISSUE_VALUE_CHARS
from suitcheck.services.errors import InvalidInput, ServiceError
from tests.conftest import TODAY, add_client, staff
from tests.fixtures import import_text_report, names_as_before_the_rule
from tests.services.clientfiles import client_rows, write_csv
from tests.services.written import out_folder, recorded_actions, xlsx_rows

EMOJI = "\U0001f600"  # one code point, two UTF-16 units


@pytest.mark.parametrize("reason", ["x" * 32_768, EMOJI * 16_384], ids=["ascii", "astral"])
def test_reminders_with_a_reason_longer_than_a_cell_are_refused_not_cut(
    services: Services, compliance: Actor, tmp_path: Path, reason: str
) -> None:
    client = add_client(services, compliance, "A1", RiskProfile.C3)
    services.investors.mark_reassessment_due(compliance, "A1", reason)
    folder = out_folder(tmp_path)
    out = folder / "reminders.xlsx"
    out.write_bytes(b"the earlier reminders")
    with pytest.raises(InvalidInput) as refused:
        services.reminders.write(compliance, out)
    assert str(refused.value) == (
        f"The due_reason of the row with id {client} is longer than the 32,767 characters an XLSX cell holds; "
        "nothing was written. Write it as a CSV file."
    )
    assert out.read_bytes() == b"the earlier reminders"
    assert [p.name for p in folder.iterdir()] == ["reminders.xlsx"]
    assert "reminder-list" not in recorded_actions(services, compliance)
    csv_out = services.reminders.write(compliance, tmp_path / "reminders.csv")
    assert reason in csv_out.path.read_text(encoding="utf-8-sig")


def test_a_reason_exactly_a_cell_long_is_written_whole(services: Services, compliance: Actor, tmp_path: Path) -> None:
    add_client(services, compliance, "A1", RiskProfile.C3)
    reason = "x" + EMOJI * 16_383  # 32,767 units
    services.investors.mark_reassessment_due(compliance, "A1", reason)
    out = services.reminders.write(compliance, tmp_path / "reminders.xlsx").path
    assert reason in xlsx_rows(out)[-1]


def test_an_import_report_shows_control_and_invisible_characters_escaped(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A row refused for a character that does not show (or a profile cell holding a
    control) is listed in the report with the character escaped: XML cannot hold a C0
    control (openpyxl raised mid-import), and the reader needs to see where it is."""
    with names_as_before_the_rule():  # a store from before names were refused control characters
        add_client(services, compliance, "GONE1", RiskProfile.C3, name="旧\x01客户")  # in the store, not in the file
    rows = client_rows(3)
    rows[0][0] = "88\x0100"
    rows[1][0] = "880\u200b001"
    rows[2][4] = "C\x079"
    path = write_csv(tmp_path / "clients.csv", rows)
    report = tmp_path / "report.xlsx"
    result = services.client_files.import_clients(compliance, path, partial=True, report=report)
    assert result.invalid == 3
    values = [(r[1], r[2], r[3]) for r in xlsx_rows(report, "problems")[1:]]
    assert values == [
        ("资金账号", "88\\x0100", "unreadable-character"),
        ("资金账号", "880\\u200b001", "unreadable-character"),
        ("风险承受能力", "C\\x079", "unknown-profile"),
    ]
    assert xlsx_rows(report, "missing")[1:] == [("GONE1", "旧\\x01客户", "HQ")]


def test_an_import_report_shows_the_start_of_a_value_longer_than_a_cell(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A name pasted whole (40,000 UTF-16 units, more than a cell holds): the report's
    problem row shows the issue's start of it (ISSUE_VALUE_CHARS, then "…"), whole
    characters only, and the row and column that hold the rest."""
    rows = client_rows(1)
    rows[0][1] = EMOJI * 20_000
    report = tmp_path / "report.xlsx"
    services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True, report=report)
    ((row, column, value),) = [r[:3] for r in xlsx_rows(report, "problems")[1:]]
    assert (row, column) == (2, "客户姓名")
    assert value == EMOJI * ISSUE_VALUE_CHARS + "…"
    assert xlsxrows.utf16_units(value) <= xlsxrows.CELL_UNITS


def test_a_refused_client_export_keeps_the_earlier_file(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        add_client(services, compliance, f"A{n}", RiskProfile.C3)
    folder = out_folder(tmp_path)
    for name in ("clients.xlsx", "clients.csv"):
        out = folder / name
        out.write_bytes(b"the earlier export")
        if name.endswith(".xlsx"):
            monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 2)
            with pytest.raises(InvalidInput, match="There are more clients than the 2 rows"):
                services.client_files.export_clients(compliance, out)
        else:
            monkeypatch.setattr(services.client_files, "_marked_rows", _failing_rows)
            with pytest.raises(ServiceError, match="cannot be read"):
                services.client_files.export_clients(compliance, out)
        assert out.read_bytes() == b"the earlier export"
    assert sorted(p.name for p in folder.iterdir()) == ["clients.csv", "clients.xlsx"]
    assert "client-export" not in recorded_actions(services, compliance)


def _failing_rows(*_args: object) -> object:
    yield ["A0", "客户A0", "", "普通投资者", "", "", "否", "否", "", ""]
    raise ServiceError("The client record 7 cannot be read.")


def test_a_refused_import_report_keeps_the_earlier_report(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = client_rows(3)
    for row in rows:
        row[4] = "C9"
    folder = out_folder(tmp_path)
    report = folder / "report.xlsx"
    report.write_bytes(b"the earlier report")
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 2)
    with pytest.raises(InvalidInput, match="nothing was imported"):
        services.client_files.import_clients(
            compliance, write_csv(tmp_path / "c.csv", rows), partial=True, report=report
        )
    assert report.read_bytes() == b"the earlier report"
    assert [p.name for p in folder.iterdir()] == ["report.xlsx"]


def test_a_client_export_with_a_text_longer_than_a_cell_is_refused(sqlite_services: Services, tmp_path: Path) -> None:
    """A name longer than suitcheck writes (changed outside it, so marked): as XLSX it
    would be cut when Excel opens the file; the export says so and writes nothing. On
    SQLite only: PostgreSQL keeps at most the 128 characters the column declares."""
    from sqlalchemy import update

    from suitcheck.domain.roles import Role
    from suitcheck.store.models import Investor

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "A1", RiskProfile.C3)
    with services.ctx.transaction() as session:
        session.execute(update(Investor).values(name=EMOJI * 16_384))
    folder = out_folder(tmp_path)
    out = folder / "clients.xlsx"
    with pytest.raises(ServiceError) as refused:
        services.client_files.export_clients(compliance, out)
    assert str(refused.value) == (
        "The client 'A1' holds a text longer than the 32,767 characters an XLSX cell holds; "
        "export the clients to a .csv file."
    )
    assert list(folder.iterdir()) == []
    assert services.client_files.export_clients(compliance, folder / "clients.csv").count == 1


def test_an_audit_export_that_cannot_replace_the_earlier_keeps_its_manifest(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The earlier export is open in Excel (Windows refuses to replace it): the earlier
    export and its manifest stay a pair that verifies, not the earlier export beside the
    new export's manifest."""
    import os

    from suitcheck.audit import export

    add_client(services, compliance, "A1", RiskProfile.C3)
    out = out_folder(tmp_path) / "audit.csv"
    services.audit.export(compliance, out, "csv")
    manifest = out.with_name(out.name + export.MANIFEST_SUFFIX)
    earlier = (out.read_bytes(), manifest.read_bytes())
    add_client(services, compliance, "A2", RiskProfile.C3)
    replace = os.replace

    def locked(src: object, dst: object) -> None:
        if Path(str(dst)) == out:
            raise PermissionError(13, "Permission denied", str(dst))
        replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ServiceError, match="permission denied"):
        services.audit.export(compliance, out, "csv")
    assert (out.read_bytes(), manifest.read_bytes()) == earlier
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name, manifest.name]
    monkeypatch.undo()
    assert services.audit.verify_file(compliance, out).ok


# -- a file and its audit entry: both or neither ----------------------------------------------


def _write_each(services: Services, compliance: Actor, report: int, folder: Path, kind: str) -> Path:
    names = {"list": "list.csv", "list-xlsx": "list.xlsx", "reminders": "due.xlsx", "sheet": "a.pdf", "pdf": "i.pdf"}
    out = folder / names.get(kind, f"{kind}.csv")
    if kind == "sheet":
        services.investors.write_confirmation(compliance, "A1", out)
    elif kind == "pdf":
        services.inspection.write(compliance, TODAY - dt.timedelta(days=30), TODAY, out)
    elif kind in ("list", "list-xlsx"):
        services.access.write_eligible(compliance, report, out)
    elif kind == "reminders":
        services.reminders.write(compliance, out, within_days=3650)
    elif kind == "clients":
        services.client_files.export_clients(compliance, out)
    else:
        services.audit.export(compliance, out, "csv")
    return out


@pytest.mark.parametrize("kind", ["list", "list-xlsx", "reminders", "clients", "audit", "sheet", "pdf"])
def test_a_file_whose_audit_entry_cannot_be_recorded_is_not_written(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The store refuses the entry that records the file (locked, full, gone): before, the
    list, reminder list, client export, audit export, assessment sheet or self-inspection
    report was already in its folder by then,
    out in the world with no record that anyone produced it. Now the file takes its place
    only once its entry is committed; the earlier file of that name stays."""
    from suitcheck.services.context import ServiceContext
    from suitcheck.services.errors import StoreUnavailable

    add_client(services, compliance, "A1", RiskProfile.C5, days_ago=700)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    folder = tmp_path / "out"
    folder.mkdir()
    earlier = _write_each(services, compliance, report, folder, kind)
    before_bytes = earlier.read_bytes()
    before_files = sorted(p.name for p in folder.iterdir())
    entries = services.audit.count(compliance)

    real = ServiceContext.audit
    action = {
        "list": "distribution-list",
        "list-xlsx": "distribution-list",
        "reminders": "reminder-list",
        "clients": "client-export",
        "audit": "export",
        "sheet": "assessment-sheet",
        "pdf": "inspection-report",
    }[kind]

    def audit(self: ServiceContext, session: Any, actor: Actor, what: Any, *args: Any, **kwargs: Any) -> Any:
        if str(getattr(what, "value", what)) == action:
            raise StoreUnavailable("The store is locked by another program.")
        return real(self, session, actor, what, *args, **kwargs)

    monkeypatch.setattr(ServiceContext, "audit", audit)
    add_client(services, compliance, "A2", RiskProfile.C5, days_ago=700)  # the new file would differ
    with pytest.raises(StoreUnavailable, match="locked"):
        _write_each(services, compliance, report, folder, kind)
    assert earlier.read_bytes() == before_bytes
    assert sorted(p.name for p in folder.iterdir()) == before_files  # no temporary file, no new manifest
    recorded = [e.action for e in services.audit.browse(compliance, limit=10_000)]
    assert recorded.count(action) == 1  # the earlier file's
    assert services.audit.count(compliance) >= entries


@pytest.mark.parametrize("kind", ["list", "list-xlsx", "reminders", "clients", "sheet", "pdf"])
def test_a_recorded_file_that_cannot_take_its_place_says_so(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The entry committed, then the rename failed (the earlier file open in Excel on
    Windows): the sentence says the file was recorded but not written; the earlier file
    and nothing else stays in the folder."""
    import os

    add_client(services, compliance, "A1", RiskProfile.C5, days_ago=700)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    folder = tmp_path / "out"
    folder.mkdir()
    earlier = _write_each(services, compliance, report, folder, kind)
    before = earlier.read_bytes()
    replace = os.replace

    def locked(src: object, dst: object) -> None:
        if Path(str(dst)) == earlier:
            raise PermissionError(13, "Permission denied", str(dst))
        replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ServiceError, match="; it was recorded but not written. Close the file where it is open"):
        _write_each(services, compliance, report, folder, kind)
    assert earlier.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == [earlier.name]


def test_an_import_that_fails_to_commit_leaves_no_report_of_it(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The report is put in place inside the import's transaction, so that a report that
    cannot be written imports nothing. When the commit itself then fails (a disk error),
    the report said "3 new" of an import that never happened. Now it is removed, and
    nothing was imported."""
    from sqlalchemy import event

    folder = out_folder(tmp_path)
    report = folder / "report.xlsx"
    dbapi = services.store.engine.dialect.loaded_dbapi

    def failing_commit(conn: Any) -> None:
        if report.exists():  # the import's own commit (earlier units of work commit too)
            raise dbapi.OperationalError("disk I/O error")

    clients = write_csv(tmp_path / "c.csv", client_rows(3))
    event.listen(services.store.engine, "commit", failing_commit)
    try:
        with pytest.raises(ServiceError):
            services.client_files.import_clients(compliance, clients, report=report)
    finally:
        event.remove(services.store.engine, "commit", failing_commit)
    assert list(folder.iterdir()) == []
    assert services.investors.count(compliance) == 0
    assert "client-import" not in recorded_actions(services, compliance)
    # The same import, committed, leaves its report.
    services.client_files.import_clients(compliance, clients, report=report)
    assert [p.name for p in folder.iterdir()] == ["report.xlsx"]
    assert services.investors.count(compliance) == 3
