"""A client file whose bad cell is huge (a 200 MB name in an XLSX cell, a CSV field at the
csv module's 128 KiB limit), as a broken export or a hostile file makes it.

Was BROKE: the invalid row's issue carried the whole cell (an ID number masked, but
whole): `investor import --dry-run` of an XLSX with a 70-million-character name printed
220 MB to the terminal (the JSON output and the import dialog's problem table held it too).
Now an issue shows at most the first 200 characters of a value, followed by "…"; the file
itself still holds the whole value."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from suitcheck import xlsxguard
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput
from tests.conftest import staff
from tests.services.clientfiles import HEADERS_ZH, client_rows, make_id, write_csv, write_xlsx


def test_an_invalid_huge_value_is_shown_cut(sqlite_services: Services, tmp_path: Path) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    rows = client_rows(3)
    rows[0][4] = "C" + "7" * 100_000  # an unknown profile
    rows[1][1] = "客" * 100_000  # a name over the 128-character limit
    rows[2][2] = "1101" * 25_000  # an ID number, shown masked
    result = sqlite_services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), dry_run=True)
    assert [(i.row, i.code) for i in result.issues] == [(2, "unknown-profile"), (3, "too-long"), (4, "invalid-id")]
    profile, name, number = (i.value for i in result.issues)
    assert profile == "C" + "7" * 199 + "…"
    assert name == "客" * 200 + "…"
    assert number == "110111" + "*" * 194 + "…"
    short = client_rows(1)
    short[0][4] = "C" + "7" * 199  # 200 characters: shown whole
    result = sqlite_services.client_files.import_clients(compliance, write_csv(tmp_path / "d.csv", short), dry_run=True)
    assert [i.value for i in result.issues] == ["C" + "7" * 199]


def _inflated_xlsx(path: Path, cell_bytes: int) -> Path:
    """A workbook of one client whose name cell inflates to `cell_bytes` (a zip bomb in
    miniature: the real one, 0.5 MB inflating to a 512 MB cell, took openpyxl 1.1 GB)."""
    row = ["C10001", "MARK", make_id(5), "普通投资者", "稳健型", "2026-03-02"]
    small = write_xlsx(path.with_name("small.xlsx"), [row])
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, data.replace(b"MARK", b"A" * cell_bytes) if name.startswith("xl/worksheets/") else data)
    return path


def test_an_xlsx_that_inflates_beyond_any_workbook_is_refused_unread(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was BROKE: nothing bounded what openpyxl inflates and holds: a 0.5 MB workbook whose
    one cell inflates to 512 MB took 1.1 GB of memory (a 5 MB one would take 11 GB). Now a
    sheet with a run of text or tag longer than 1 MiB (an XLSX cell holds 32,767 characters),
    or a part openpyxl holds whole above its bound, is refused before openpyxl reads it."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    bomb = _inflated_xlsx(tmp_path / "bomb.xlsx", (1 << 20) + 1)  # a run over 1 MiB
    assert bomb.stat().st_size < 20_000
    with pytest.raises(InvalidInput, match=r"^bomb\.xlsx inflates beyond any workbook a spreadsheet program writes"):
        sqlite_services.client_files.import_clients(compliance, bomb)
    # A cell as long as Excel allows reads, and is an invalid row (a name over 128 characters).
    fine = _inflated_xlsx(tmp_path / "fine.xlsx", 32_767)
    result = sqlite_services.client_files.import_clients(compliance, fine, dry_run=True)
    assert [i.code for i in result.issues] == ["too-long"]
    # A part held whole (here the styles, under a lowered bound) is refused the same way.
    monkeypatch.setattr(xlsxguard, "PART_MAX", 100)
    with pytest.raises(InvalidInput, match="inflates beyond"):
        sqlite_services.client_files.import_clients(compliance, fine)


def test_a_sheet_with_formulas_is_refused_unread(sqlite_services: Services, tmp_path: Path) -> None:
    """Was BROKE: openpyxl reads a formula cell as the value the file last computed, or as
    nothing when it holds none (a generated file): a 最低类别 cell of =IF(1=1,"是","否"), which
    a spreadsheet shows as 是, imported as 否, so a client the file puts in the lowest category
    was added at C3, allowed R3 reports. Now a client sheet holding a formula is refused with
    a sentence (save it as values or CSV); formulas on another sheet (a summary) do not matter."""
    import openpyxl

    compliance = staff(sqlite_services, Role.COMPLIANCE)
    rows = client_rows(2)
    rows[0][6] = '=IF(1=1,"是","否")'  # lowest category, no value computed
    path = write_xlsx(tmp_path / "formula.xlsx", rows)
    with pytest.raises(InvalidInput, match=r"^The sheet '客户' holds formulas"):
        sqlite_services.client_files.import_clients(compliance, path, dry_run=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "客户"
    for row in [HEADERS_ZH, *client_rows(2)]:
        sheet.append(row)
    workbook.create_sheet("合计").append(["=COUNTA(客户!A:A)-1"])
    workbook.save(tmp_path / "summary.xlsx")
    result = sqlite_services.client_files.import_clients(compliance, tmp_path / "summary.xlsx", dry_run=True)
    assert (result.new, result.invalid) == (2, 0)


def test_a_file_damaged_after_its_first_rows_is_one_sentence(sqlite_services: Services, tmp_path: Path) -> None:
    """A CSV cell over the csv module's 128 KiB limit (a broken export) is found only when
    its row is read, after the header: the import and the wizard's preview stopped with
    'unexpected error (IngestError)' instead of the reader's sentence."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    rows = client_rows(2)
    rows[1][1] = "客" * 140_000
    path = write_csv(tmp_path / "c.csv", rows)
    damaged = "^The CSV file is damaged after row 2: field larger than field limit"
    with pytest.raises(InvalidInput, match=damaged):
        sqlite_services.client_files.import_clients(compliance, path)
    with pytest.raises(InvalidInput, match=damaged):
        sqlite_services.client_files.preview(compliance, path)
