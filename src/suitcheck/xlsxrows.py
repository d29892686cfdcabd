"""Rows into an XLSX worksheet, each cell through the write_* method of its type, and the
sheet's last row.

The audit export's and the table writer's XLSX rows go through here. XlsxWriter's own
write_row() looks at each value's type in write(); calling write_string()/write_number()
directly skips that dispatch and writes the same file (~6-8% less time on the audit
export and the distribution list). Everything else in XlsxWriter's per-cell work (the
cell's XML, escaping, the temporary file, the zip) stays where it is: see issue 16's
profile. Importable from every layer (it imports nothing of suitcheck).

A worksheet holds 1,048,576 rows. Below that XlsxWriter writes nothing and raises nothing
(write_*() returns -1), and openpyxl writes a sheet Excel truncates when it opens it: a
list or an export longer than a sheet would lose its last rows without a word. Every
XLSX writer of suitcheck passes its rows through within_sheet(), which stops first.

A cell holds 32,767 UTF-16 code units. XlsxWriter cuts a longer string and only returns
-2; it counts code points, so a text of astral characters (emoji, rare CJK ideographs
outside the BMP) passes it at up to twice the limit, and Excel cuts it when it opens the
file. write_rows() raises CellFull instead of writing a cell longer than the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

SHEET_ROWS = 1_048_576
"""The rows of an XLSX worksheet (Excel's limit, and XlsxWriter's)."""


CELL_UNITS = 32_767
"""The UTF-16 code units an XLSX cell holds (Excel's limit)."""


def utf16_units(text: str) -> int:
    """The length of `text` in UTF-16 code units, as Excel counts a cell's text."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def cell_fits(text: str) -> bool:
    """Whether `text` fits in one XLSX cell (a code point is one or two UTF-16 units)."""
    return len(text) <= CELL_UNITS // 2 or utf16_units(text) <= CELL_UNITS


def cut_to_cell(text: str, mark: str) -> str:
    """`text` as it fits in a cell: as it is, or its longest start (never half a
    surrogate pair) followed by `mark`, within CELL_UNITS."""
    if cell_fits(text):
        return text
    units = text.encode("utf-16-le", "surrogatepass")[: 2 * (CELL_UNITS - utf16_units(mark))]
    if 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:
        units = units[:-2]  # never the first half of a pair
    return units.decode("utf-16-le", "surrogatepass") + mark


class CellFull(Exception):
    """A text longer than an XLSX cell holds (CELL_UNITS); the writer stopped before it.
    `row` is the values of the row (as given to write_rows), `column` the cell's index."""

    def __init__(self, row: Sequence[object], column: int) -> None:
        super().__init__(f"a text longer than an XLSX cell holds ({CELL_UNITS:,} UTF-16 units)")
        self.row, self.column = row, column


class SheetFull(Exception):
    """A row would fall below the sheet's last row. The writer stopped before it: its file
    is to be thrown away, and the caller says how many rows its sheet has room for."""

    def __init__(self) -> None:
        super().__init__(f"more rows than an XLSX sheet holds ({SHEET_ROWS:,})")


def within_sheet(rows: Iterable[T], first_row: int) -> Iterator[T]:
    """`rows`, to be written from row `first_row` (zero-based) down, one by one; SheetFull
    instead of a row that would fall below the sheet's last row."""
    room = SHEET_ROWS - first_row
    for done, values in enumerate(rows):
        if done >= room:
            raise SheetFull
        yield values


def write_rows(sheet: Any, row: int, rows: Iterable[Sequence[object]]) -> int:
    """Write `rows` from row `row` (zero-based) down, as write_row() would write each:
    text as a string, a whole number as a number, None and "" as nothing (a blank cell
    without a format writes nothing), anything else through write(). Returns the row
    after the last one written. SheetFull (see within_sheet) where the sheet ends, CellFull
    before a text longer than a cell holds."""
    write_string, write_number, write = sheet.write_string, sheet.write_number, sheet.write
    half = CELL_UNITS // 2  # a text of at most this many code points fits, whatever they are
    for values in within_sheet(rows, row):
        for column, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if value:
                    if len(value) > half and not cell_fits(value):  # type: ignore[arg-type]
                        raise CellFull(values, column)
                    write_string(row, column, value)
            elif kind is int:
                write_number(row, column, value)
            elif value is not None:
                write(row, column, value)
        row += 1
    return row
