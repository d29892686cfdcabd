"""XLSX exports hold what Excel can hold: control characters in readable cells are written
as visible escapes, no cell exceeds 32,767 characters (a long record continues in the
cells to its right), and the verifier derives and joins the same, so an edited, removed
or reordered continuation cell fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from suitcheck.audit import export
from suitcheck.audit.export import HEADERS, XLSX_CELL_LIMIT, xlsx_pieces, xlsx_shown
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from tests.conftest import staff
from tests.fixtures import checked_client

CONTROL_NAME = "张\x01三\x0b\x1b[2J\u202eevil"
CONTROL_TITLE = "报告\x1b标题_x0041_"
RECORD_COLUMN = len(HEADERS)  # 1-based column of `canonical`


@pytest.fixture
def store(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor]:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    # A record-sealed entry as large as a bulk import's page (~115,000 characters), with
    # CJK and characters outside the BMP (two UTF-16 units each in Excel's count).
    checked_client(
        services, compliance, tmp_path, title=CONTROL_TITLE, account="X1", name=CONTROL_NAME, record_rows=1400
    )
    return services, compliance


def _export(store: tuple[Services, Actor], out: Path) -> None:
    services, compliance = store
    services.audit.export(compliance, out, "xlsx")


def _verify(store: tuple[Services, Actor], out: Path) -> Any:
    services, compliance = store
    return services.audit.verify_file(compliance, out)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_every_cell_fits_and_the_export_verifies(store: tuple[Services, Actor], tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    _export(store, out)
    sheet = load_workbook(out, read_only=True).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert max(_utf16(c) for c in cells) <= XLSX_CELL_LIMIT
    split = [row for row in sheet.iter_rows(values_only=True) if any(c is not None for c in row[len(HEADERS) :])]
    assert len(split) == 1
    assert sum(len(c) for c in split[0][RECORD_COLUMN - 1 :] if c) > 100_000
    check = _verify(store, out)
    assert check.ok, check.result.problem
    assert check.result.count == check.manifest["count"]


def test_control_characters_are_written_escaped(store: tuple[Services, Actor], tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    _export(store, out)
    sheet = load_workbook(out, read_only=True).worksheets[0]
    names = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True) if row[5]}
    titles = {row[8] for row in sheet.iter_rows(min_row=2, values_only=True) if row[8]}
    assert names == {"张\\x01三\\x0b\\x1b[2J\\u202eevil"}
    # "_x0041_" is text, not an OOXML escape: the writer escapes it as Excel expects.
    assert titles == {"报告\\x1b标题_x005F_x0041_"}
    assert _verify(store, out).ok


def test_an_edited_escaped_cell_fails(store: tuple[Services, Actor], tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    _export(store, out)
    book = load_workbook(out)
    sheet = book.worksheets[0]
    cell = next(c for c in sheet["F"] if c.value and "\\x01" in str(c.value))
    cell.value = str(cell.value).replace("\\x01", "")
    book.save(out)
    check = _verify(store, out)
    assert not check.ok
    assert "client_name" in (check.result.problem or "")


def test_resaving_the_workbook_keeps_it_verifiable(store: tuple[Services, Actor], tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    _export(store, out)
    book = load_workbook(out)
    book.save(out)
    assert _verify(store, out).ok


@pytest.mark.parametrize("damage", ["edit", "remove-shift", "clear", "reorder", "append"])
def test_a_damaged_continuation_cell_fails(store: tuple[Services, Actor], tmp_path: Path, damage: str) -> None:
    out = tmp_path / "audit.xlsx"
    _export(store, out)
    book = load_workbook(out)
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows() if any(c.value is not None for c in r[len(HEADERS) :]))
    pieces = [c for c in row[RECORD_COLUMN - 1 :] if c.value is not None]
    assert len(pieces) >= 3
    if damage == "edit":
        pieces[1].value = str(pieces[1].value).replace("0", "1", 1)
    elif damage == "remove-shift":
        values = [p.value for p in pieces]
        del values[1]
        for cell, value in zip(pieces, [*values, None], strict=True):
            cell.value = value
    elif damage == "clear":
        pieces[1].value = None
    elif damage == "reorder":
        pieces[1].value, pieces[2].value = pieces[2].value, pieces[1].value
    else:
        sheet.cell(row=row[0].row, column=pieces[-1].column + 1, value="}")
    book.save(out)
    check = _verify(store, out)
    assert not check.ok
    problem = check.result.problem or ""
    # An edit that still parses is caught by the entry's hash; anything else by the join.
    assert ("continuation cell" if damage != "edit" else "no longer matches its hash") in problem, problem


def test_pieces_and_cut_text_stay_within_the_limit() -> None:
    text = "a" * 40000 + "𠀀" * 20000 + "中" * 10
    pieces = xlsx_pieces(text)
    assert "".join(pieces) == text
    assert all(_utf16(p) <= XLSX_CELL_LIMIT for p in pieces)
    assert xlsx_pieces("short") == ["short"]
    shown = xlsx_shown("=" + "𠀀" * 40000)
    assert isinstance(shown, str)
    assert shown.startswith("'=")
    assert _utf16(shown) <= XLSX_CELL_LIMIT
    assert shown.endswith(export._CUT_MARK)
    assert xlsx_shown(7) == 7
    assert xlsx_shown(-7) == "'-7"
    assert xlsx_shown(1.5) == "1.5"
    assert xlsx_shown(None) is None
