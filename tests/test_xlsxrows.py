"""write_rows writes the same worksheet XlsxWriter's write_row writes, for every kind of
value the audit export and the table writer hand it (and a few they do not)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from openpyxl import load_workbook

from suitcheck.xlsxrows import write_rows


class Level(IntEnum):
    R3 = 3


ROWS: list[Sequence[object]] = [
    (1, "2026-12-05T00:00:00Z", "张三", None, "", '\'=HYPERLINK("x")', 0, (1 << 53) - 1),
    (2, True, False, 1.5, -7, Decimal("2.25"), Level.R3, "=1+1"),
    (3, "http://example.com", "007", "1e5", dt.date(2026, 1, 2), " lead and trail ", "a\u202eb", "_x0041_"),
    (),
    (None, None, "", ""),
    ("x" * 32767, "𠀀" * 10),
]


def _sheet_xml(path: Path, write: Callable[[Any], None]) -> bytes:
    with open(path, "wb") as handle:
        book = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "in_memory": False,
            },
        )
        write(book.add_worksheet("s"))
        book.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_same_sheet_as_write_row(tmp_path: Path) -> None:
    def by_write_row(sheet: Any) -> None:
        for number, values in enumerate(ROWS, start=1):
            sheet.write_row(number, 0, values)

    def by_write_rows(sheet: Any) -> None:
        assert write_rows(sheet, 1, ROWS) == 1 + len(ROWS)

    expected = _sheet_xml(tmp_path / "a.xlsx", by_write_row)
    got = _sheet_xml(tmp_path / "b.xlsx", by_write_rows)
    assert got == expected
    cells = list(load_workbook(tmp_path / "b.xlsx", read_only=True).active.iter_rows(values_only=True))
    assert cells[1][:3] == (1, "2026-12-05T00:00:00Z", "张三")
    assert cells[1][4] is None  # "" is a blank, as write_row writes it
    assert cells[2][:2] == (2, True)
    assert cells[2][7] == "=1+1"  # text, never a formula


def test_rows_continue_where_asked(tmp_path: Path) -> None:
    """Consecutive calls continue from the returned row; the rows above are left alone."""

    def twice(sheet: Any) -> None:
        sheet.write_row(0, 0, ("header",))
        after = write_rows(sheet, 1, [(1, "a"), (2, "b")])
        assert write_rows(sheet, after, iter([(3, "c")])) == 4

    _sheet_xml(tmp_path / "c.xlsx", twice)
    rows = list(load_workbook(tmp_path / "c.xlsx", read_only=True).active.iter_rows(values_only=True))
    assert rows == [("header", None), (1, "a"), (2, "b"), (3, "c")]


def test_a_sheet_ends_at_its_real_last_row() -> None:
    """The number every XLSX writer of suitcheck stops at is the format's: XlsxWriter writes
    the cell on row 1,048,576 and silently nothing below it (which is why within_sheet
    exists), and within_sheet lets through exactly the rows that fit from where they start."""
    from suitcheck.xlsxrows import SHEET_ROWS, SheetFull, within_sheet

    assert SHEET_ROWS == 1_048_576
    book = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    assert sheet.write_string(SHEET_ROWS - 1, 0, "the last row") == 0
    assert sheet.write_string(SHEET_ROWS, 0, "lost") == -1  # no exception: the row would just be gone
    assert sheet.write_number(SHEET_ROWS, 1, 5) == -1
    book.close()

    heading = 4
    assert sum(1 for _ in within_sheet(range(SHEET_ROWS - heading), heading)) == SHEET_ROWS - heading
    passed: list[int] = []
    with pytest.raises(SheetFull):
        passed.extend(within_sheet(range(SHEET_ROWS - heading + 1), heading))
    assert len(passed) == SHEET_ROWS - heading  # every row that fits went through, then it stopped


def test_write_rows_stops_before_the_row_below_the_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from suitcheck import xlsxrows

    monkeypatch.setattr(xlsxrows, "SHEET_ROWS", 5)
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet()
    assert write_rows(sheet, 1, [("a",), ("b",)]) == 3
    with pytest.raises(xlsxrows.SheetFull):
        write_rows(sheet, 3, [("c",), ("d",), ("e",)])
    book.close()
    assert [r[0] for r in load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True)] == [
        None,
        "a",
        "b",
        "c",
        "d",
    ]
