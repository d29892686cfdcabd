"""An XLSX sheet holds 1,048,576 rows. XlsxWriter writes nothing below that and says
nothing; openpyxl writes rows Excel drops when it opens the file. So every XLSX file
suitcheck writes that could be longer (a distribution list, the reminders, the audit
export, the client export, an import's report) refuses with a sentence instead, leaves
no file, keeps an earlier file of that name, and records nothing it did not do.

A million-row sheet takes a minute to write, so these tests give the sheet fewer rows
(xlsxrows.SHEET_ROWS, which every writer reads when it writes) and put one row more than
fits, and exactly as many as fit; tests/test_xlsxrows.py checks the real number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suitcheck import xlsxrows
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput, ServiceError
from tests.conftest import add_client
from tests.fixtures import import_text_report
from tests.services.clientfiles import client_rows, write_csv
from tests.services.written import out_folder, recorded_actions, xlsx_rows

LIST_HEADING = 4  # two title lines, a blank line, the column names


@pytest.fixture
def five_c5(services: Services, compliance: Actor) -> None:
    for n in range(5):
        add_client(services, compliance, f"A{n}", RiskProfile.C5)


def test_a_list_one_row_too_long_is_refused_and_leaves_the_earlier_file(
    services: Services,
    compliance: Actor,
    advisor: Actor,
    five_c5: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    folder = out_folder(tmp_path)
    out = folder / "list.xlsx"
    out.write_bytes(b"the earlier list")
    before = recorded_actions(services, compliance)
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", LIST_HEADING + 4)  # room for 4 of the 5
    with pytest.raises(InvalidInput) as refused:
        services.access.write_eligible(advisor, report, out)
    assert str(refused.value) == (
        "The list is longer than the 4 rows an XLSX sheet has room for below its heading; "
        "nothing was written. Write it as a CSV file."
    )
    assert out.read_bytes() == b"the earlier list"
    assert sorted(p.name for p in folder.iterdir()) == ["list.xlsx"]  # no temporary file left
    assert recorded_actions(services, compliance) == before  # no list recorded

    # The same list as CSV is whole; a sheet with room for exactly five holds all five.
    csv_list = services.access.write_eligible(advisor, report, folder / "list.csv")
    assert csv_list.count == 5
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", LIST_HEADING + 5)
    written = services.access.write_eligible(advisor, report, out)
    assert written.count == 5
    rows = xlsx_rows(out)
    assert len(rows) == LIST_HEADING + 5
    assert sorted(str(r[1]) for r in rows[LIST_HEADING:]) == [f"A{n}" for n in range(5)]


def test_reminders_one_row_too_long_are_refused(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        add_client(services, compliance, f"D{n}", RiskProfile.C3, days_ago=700)  # due within the window
    due = services.reminders.count(compliance)
    assert due == 3
    out = out_folder(tmp_path) / "due.xlsx"
    written = services.reminders.write(compliance, out)
    heading = len(xlsx_rows(out)) - due
    out.unlink()
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", heading + due - 1)
    with pytest.raises(InvalidInput, match=f"longer than the {due - 1} rows an XLSX sheet has room for"):
        services.reminders.write(compliance, out)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", heading + due)
    assert services.reminders.write(compliance, out).count == written.count == due


def test_an_audit_export_too_long_is_refused_before_it_is_written(
    services: Services, compliance: Actor, five_c5: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = out_folder(tmp_path)
    out = folder / "audit.xlsx"
    out.write_bytes(b"an earlier export")
    # An export ends at the seal it appends first: it holds the entries there are, and one.
    entries = services.audit.count(compliance) + 1
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", entries)  # the heading and entries - 1
    with pytest.raises(InvalidInput) as refused:
        services.audit.export(compliance, out, "xlsx")
    assert str(refused.value) == (
        f"The export holds more entries than the {entries - 1} an XLSX sheet has room for below its "
        "heading; nothing was written. Export them as CSV or JSONL, or a shorter date range as XLSX."
    )
    assert out.read_bytes() == b"an earlier export"
    assert sorted(p.name for p in folder.iterdir()) == ["audit.xlsx"]  # no manifest, no temporary file
    assert "export" not in recorded_actions(services, compliance)

    # Room for exactly every entry (the refused export's seal is one more): whole, and it verifies.
    entries = services.audit.count(compliance) + 1
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + entries)
    manifest = services.audit.export(compliance, out, "xlsx")
    assert manifest["count"] == entries
    assert len(xlsx_rows(out)) == 1 + entries
    assert services.audit.verify_file(compliance, out).ok


def test_the_audit_export_writer_stops_where_the_sheet_ends(
    services: Services, compliance: Actor, five_c5: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count before writing is one guard; the writer is the other (entries appended
    between the count and the read, or a caller that does not count)."""
    from suitcheck.services import audit_log

    monkeypatch.setattr(audit_log, "xlsx_room", lambda: 10**9)  # the count lets it through
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 4)
    out = out_folder(tmp_path) / "audit.xlsx"
    with pytest.raises(ServiceError, match="more entries than the 3 an XLSX sheet has room for"):
        services.audit.export(compliance, out, "xlsx")
    assert list(out.parent.iterdir()) == []


def test_a_client_export_too_long_is_refused(
    services: Services, compliance: Actor, five_c5: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = out_folder(tmp_path)
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 4)
    out = folder / "clients.xlsx"
    with pytest.raises(InvalidInput) as refused:
        services.client_files.export_clients(compliance, out)
    assert str(refused.value) == (
        "There are more clients than the 4 rows an XLSX sheet has room for below its heading; "
        "nothing was written. Export the clients to a .csv file."
    )
    assert list(folder.iterdir()) == []
    assert "client-export" not in recorded_actions(services, compliance)
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 5)
    assert services.client_files.export_clients(compliance, out).count == 5
    assert len(xlsx_rows(out)) == 1 + 5


def test_an_import_whose_report_is_too_long_imports_nothing(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = client_rows(4)
    for row in rows[:3]:
        row[4] = "C9"  # three rows with a problem each: three rows of the report's problems sheet
    path = write_csv(tmp_path / "clients.csv", rows)
    report = out_folder(tmp_path) / "report.xlsx"
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 2)
    with pytest.raises(InvalidInput) as refused:
        services.client_files.import_clients(compliance, path, partial=True, report=report)
    assert str(refused.value) == (
        f"The report {report} would list more rows than an XLSX sheet holds (3); "
        "nothing was imported. Import again without a report."
    )
    assert not report.exists()
    assert services.investors.search(compliance, "") == []  # the valid row was not imported either
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 3)
    result = services.client_files.import_clients(compliance, path, partial=True, report=report)
    assert (result.new, result.invalid) == (1, 3)
    problems = xlsx_rows(report, "problems")
    assert len(problems) == 1 + 3
    assert json.dumps([p[3] for p in problems[1:]]) == json.dumps(["unknown-profile"] * 3)


def test_a_refused_workbook_prints_nothing_after_the_sentence(
    services: Services, compliance: Actor, five_c5: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl's write-only sheets are generators over temporary files: a refused report
    or client export left them to the garbage collector, which finalised them over closed
    files, and Python printed a traceback per sheet on stderr under the sentence."""
    import gc
    import sys

    ignored: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: ignored.append(u.exc_value))
    rows = client_rows(3)
    for row in rows:
        row[4] = "C9"
    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 1 + 2)
    with pytest.raises(InvalidInput):
        services.client_files.import_clients(
            compliance, write_csv(tmp_path / "c.csv", rows), partial=True, report=tmp_path / "r.xlsx"
        )
    with pytest.raises(InvalidInput):
        services.client_files.export_clients(compliance, tmp_path / "clients.xlsx")
    gc.collect()
    assert ignored == []
