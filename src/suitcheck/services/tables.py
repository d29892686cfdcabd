"""Write a table (column names, then rows in chunks) to CSV or XLSX in one pass, atomically.

The one writer behind distribution lists, from the command line and from the GUI. Rows
arrive as chunks straight from a database cursor; each chunk goes to the C writer in one
call (csv.writer.writerows), so no Python work is done per row. Cells must already be
final: text neutralised against spreadsheet formulas, dates as ISO text.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from suitcheck import xlsxrows
from suitcheck.domain.codes import LIST_FORMATS, ExportFormat
from suitcheck.interrupts import HeldFrom
from suitcheck.services.errors import InvalidInput, ServiceError
from suitcheck.services.files import staged_file
from suitcheck.xlsxrows import CellFull, SheetFull, write_rows

FORMATS = LIST_FORMATS


@dataclasses.dataclass(frozen=True)
class Verbatim:
    """CSV only: rows already written by csv.writer elsewhere (UTF-8, as this writer
    encodes), copied as they are; `rows` of them end in this piece."""

    data: bytes
    rows: int


Chunks = Iterable[Sequence[Sequence[Any]] | Verbatim]


class Cancelled(ServiceError):
    """The caller stopped the writing; nothing was written."""


@dataclasses.dataclass(frozen=True)
class Written:
    path: Path
    format: ExportFormat
    count: int
    sha256: str


def format_for(path: Path, fmt: str | None = None) -> ExportFormat:
    """The format asked for, else the one the file name says (.xlsx), else CSV."""
    if not fmt:
        return ExportFormat.XLSX if path.suffix.lower() == ".xlsx" else ExportFormat.CSV
    chosen = fmt.lower()
    if chosen not in FORMATS:
        raise InvalidInput(f"Unknown list format {fmt!r}; use csv or xlsx.")
    return ExportFormat(chosen)


@contextlib.contextmanager
def write_table(
    out: Path,
    fmt: ExportFormat,
    columns: Sequence[str],
    chunks: Chunks,
    *,
    title_lines: Sequence[str] = (),
    sheet: str = "list",
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[Written]:
    """Write to a temporary file beside `out` and yield what was written (its hash, its
    count); the file takes `out`'s place when the block ends, so the caller records it in
    the block first. A failure, a cancel, or a record that cannot be made leaves no file
    (not even a half-written one) and keeps any earlier file of that name: a list is never
    out in the world without its audit entry. `title_lines` go above the table in XLSX (a
    CSV stays one plain table)."""
    out = out.expanduser().absolute()
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder; give a file name.")
    if not out.parent.is_dir():
        raise InvalidInput(f"The folder {out.parent} does not exist.")
    with contextlib.ExitStack() as placing:
        interrupts = placing.enter_context(HeldFrom())  # left last: after the file took its place
        try:
            tmp = placing.enter_context(staged_file(out, recorded=True))
            with open(tmp, "wb") as handle:
                count = _WRITERS[fmt](handle, columns, chunks, title_lines, sheet, progress, cancelled)
                handle.flush()
                os.fsync(handle.fileno())
            digest = hashlib.sha256()
            with open(tmp, "rb") as check:
                for block in iter(lambda: check.read(1 << 20), b""):
                    digest.update(block)
        except PermissionError as exc:
            raise ServiceError(f"Cannot write to {out.parent}: permission denied.") from exc
        except OSError as exc:
            raise ServiceError(f"Writing {out} failed: {exc.strerror or exc}.") from exc
        interrupts.hold()  # Ctrl+C waits from the caller's record to the rename: both, or neither
        yield Written(out, fmt, count, digest.hexdigest())


def csv_line(row: Sequence[Any]) -> bytes:
    """One row as the CSV writer below writes it (csv.writer, UTF-8)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow(row)
    return buffer.getvalue().encode("utf-8")


def _tick(count: int, progress: Callable[[int], None] | None, cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("Cancelled; no file was written.")
    if progress is not None:
        progress(count)


def _write_csv(
    handle: IO[bytes],
    columns: Sequence[str],
    chunks: Chunks,
    _title_lines: Sequence[str],
    _sheet: str,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    # UTF-8 with BOM, so Excel shows Chinese instead of mojibake. The BOM is written here
    # because the utf-8-sig codec is Python code that would run once per row.
    handle.write(codecs.BOM_UTF8)
    handle.flush()
    with open(handle.fileno(), "w", encoding="utf-8", newline="", closefd=False, buffering=1 << 20) as text:
        writer = csv.writer(text)
        writer.writerow(columns)
        count = 0
        for chunk in chunks:
            if isinstance(chunk, Verbatim):
                text.flush()
                text.buffer.write(chunk.data)
                count += chunk.rows
            else:
                writer.writerows(chunk)
                count += len(chunk)
            _tick(count, progress, cancelled)
    return count


def _write_xlsx(
    handle: IO[bytes],
    columns: Sequence[str],
    chunks: Chunks,
    title_lines: Sequence[str],
    sheet_name: str,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    import xlsxwriter

    # constant_memory streams rows to disk in order; text is never read as a formula,
    # a number or a link, whatever it starts with.
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
    sheet = book.add_worksheet(sheet_name)
    bold = book.add_format({"bold": True})
    row = 0
    for line in title_lines:
        sheet.write_string(row, 0, line)
        row += 1
    if title_lines:
        row += 1
    sheet.write_row(row, 0, columns, bold)
    sheet.freeze_panes(row + 1, 0)
    count = 0
    row += 1
    room = xlsxrows.SHEET_ROWS - row
    try:
        for chunk in chunks:
            assert not isinstance(chunk, Verbatim)  # only a CSV list is made from pieces of CSV
            row = write_rows(sheet, row, chunk)
            count += len(chunk)
            _tick(count, progress, cancelled)
    except SheetFull:
        raise InvalidInput(
            f"The list is longer than the {room:,} rows an XLSX sheet has room for below its heading; "
            "nothing was written. Write it as a CSV file."
        ) from None
    except CellFull as full:
        # XlsxWriter would cut the text and say nothing (Excel cuts what it counts longer).
        column, key, value, limit = columns[full.column], columns[0], full.row[0], xlsxrows.CELL_UNITS
        raise InvalidInput(
            f"The {column} of the row with {key} {value} is longer than the {limit:,} characters an XLSX cell "
            "holds; nothing was written. Write it as a CSV file."
        ) from None
    book.close()
    return count


_WRITERS: dict[str, Callable[..., int]] = {"csv": _write_csv, "xlsx": _write_xlsx}
