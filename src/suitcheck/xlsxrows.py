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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

SHEET_ROWS = 1_048_576
"""The rows of an XLSX worksheet (Excel's limit, and XlsxWriter's)."""


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
    after the last one written. SheetFull (see within_sheet) where the sheet ends."""
    write_string, write_number, write = sheet.write_string, sheet.write_number, sheet.write
    for values in within_sheet(rows, row):
        for column, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if value:
                    write_string(row, column, value)
            elif kind is int:
                write_number(row, column, value)
            elif value is not None:
                write(row, column, value)
        row += 1
    return row
