"""Read a client file (CSV in UTF-8/GBK, or XLSX) row by row, never all of it at once."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from suitcheck import xlsxguard
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.textfile import detect_file_encoding

SUFFIXES = (".csv", ".xlsx")
# The most text one CSV row may hold (its lines, for a quoted cell over several): a client
# file's row holds a few dozen cells, each far below the csv module's 128 KiB a cell.
ROW_MAX_CHARS = 4 << 20
# csv's default field limit (128 KiB) is far above any real cell; keep it, a bigger one is a broken file.


@dataclasses.dataclass
class ClientTable:
    """An opened client file: its header row and a one-pass iterator over the data rows.

    Row numbers are those a spreadsheet program shows (the header is row 1 when it is the
    first line), so a report's "row 17" is where a person looks."""

    path: Path
    kind: str  # "csv" or "xlsx"
    sha256: str
    encoding: str | None  # CSV only: "utf-8", "utf-8-sig", "gbk", ...
    sheet: str | None  # XLSX only
    sheets: tuple[str, ...]
    headers: list[str]
    header_row: int
    _rows: Iterator[tuple[int, list[Any]]]
    _closer: Any = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) for every non-blank data row."""
        number = self.header_row
        try:
            if self.kind == "csv":  # every cell a str: blank when all of it is whitespace
                for number, cells in self._rows:
                    joined = "".join(cells)
                    if joined.strip():
                        yield number, (_excel_texts(cells) if "=" in joined else cells)
                return
            for number, cells in self._rows:
                if any(c is not None and str(c).strip() for c in cells):
                    yield number, cells
        except csv.Error as exc:
            raise IngestError("bad-csv", f"The CSV file is damaged after row {number}: {exc}.") from exc
        except UnicodeDecodeError as exc:  # the detector read it all, so only a file changed under us
            raise IngestError("bad-encoding", "The file changed while it was read.") from exc
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
            raise IngestError("bad-xlsx", f"The workbook is damaged after row {number}.") from exc

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> ClientTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# A CSV cell ="001234": a formula whose value is that text, which core systems write so
# that Excel shows an account or ID number as text, its leading zeros kept. Excel reads
# = "001234" (spaces after the =) as the same formula.
_EXCEL_TEXT = re.compile(r'=\s*"([^"]*)"')


def _excel_texts(cells: list[str]) -> list[str]:
    """The cells as Excel shows them: ="001234" as 001234 (a text with no quote in it;
    any other formula, as written)."""
    return [m.group(1) if (m := _EXCEL_TEXT.fullmatch(c.strip())) else c for c in cells]


def open_client_table(path: Path, sheet: str | None = None) -> ClientTable:
    """Open a .csv or .xlsx client file and read its header row. Raises IngestError."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError("unsupported", f"{path.name} is not a client file: client files are .csv or .xlsx.")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):  # a folder: its own sentence below
            # A named pipe or a device has no size: it was said to be empty.
            raise IngestError(
                "unreadable", f"{path} is not a plain file (a device, a pipe or a socket); nothing was read."
            )
        if info.st_size == 0:
            raise IngestError("empty", "The file is empty.")
        if suffix == ".csv":
            if sheet:
                raise IngestError("unsupported", "A CSV file has no sheets; --sheet is for .xlsx files.")
            return _open_csv(path)
        return _open_xlsx(path, sheet)
    except FileNotFoundError as exc:
        raise IngestError("missing", f"The file {path.name} does not exist.") from exc
    except PermissionError as exc:
        raise IngestError("unreadable", f"The file {path.name} cannot be read: permission denied.") from exc
    except IsADirectoryError as exc:
        raise IngestError("unreadable", f"{path.name} is a folder, not a file.") from exc
    except OSError as exc:
        raise IngestError("unreadable", f"The file {path.name} cannot be read: {exc.strerror}.") from exc


class _RowLines:
    """The lines of a text file for csv.reader, each row's up to ROW_MAX_CHARS: a row of
    millions of cells (a damaged file) is refused before the reader holds it. `row_done()`
    after each row the reader gives (the reader reads no line beyond its row)."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._used = 0

    def __iter__(self) -> _RowLines:
        return self

    def __next__(self) -> str:
        line: str = self._handle.readline(ROW_MAX_CHARS + 1 - self._used)
        if not line:
            raise StopIteration
        self._used += len(line)
        if self._used > ROW_MAX_CHARS:
            raise csv.Error("a row holds more than 4 MiB of text")  # ROW_MAX_CHARS
        return line

    def row_done(self) -> None:
        self._used = 0


def _open_csv(path: Path) -> ClientTable:
    # One opening, hashed and read: a file saved over its name meanwhile (the core system's
    # next export) is not read under the SHA-256 of the one before.
    raw = path.open("rb")
    try:
        encoding, digest = detect_file_encoding(raw)
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    codec = "gb18030" if encoding == "gbk" else encoding
    handle = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
    header_row = 0
    try:
        first = handle.readline(ROW_MAX_CHARS)
        dialect = "excel-tab" if first.count("\t") > first.count(",") else "excel"
        handle.seek(0)
        lines = _RowLines(handle)
        reader = csv.reader(lines, dialect)
        headers = None
        for cells in reader:
            lines.row_done()
            header_row += 1
            if any(c.strip() for c in cells):
                headers = cells
                break
        if headers is None:
            raise IngestError("empty", "The file has no header row.")
    except csv.Error as exc:
        handle.close()
        row = header_row + 1
        raise IngestError("bad-csv", f"The CSV file is damaged at row {row}: {exc}.") from exc
    except BaseException:
        handle.close()
        raise

    def numbered() -> Iterator[tuple[int, list[str]]]:
        for i, cells in enumerate(reader, start=header_row + 1):
            lines.row_done()
            yield i, cells

    return ClientTable(path, "csv", digest, encoding, None, (), headers, header_row, numbered(), handle.close)


def _sha256(handle: BinaryIO) -> str:
    """The SHA-256 of an open file, read from its start."""
    hasher = hashlib.sha256()
    handle.seek(0)
    while chunk := handle.read(1 << 20):
        hasher.update(chunk)
    return hasher.hexdigest()


def _check_inflation(path: Path, handle: BinaryIO) -> set[str]:
    """The shared guard (suitcheck.xlsxguard), as bad-xlsx: a workbook that inflates beyond
    any a spreadsheet program writes is refused before openpyxl reads it. Returns the
    parts that hold a formula."""
    try:
        return xlsxguard.check_inflation(handle)
    except xlsxguard.Inflates:
        raise IngestError(
            "bad-xlsx",
            f"{path.name} inflates beyond any workbook a spreadsheet program writes (a zip bomb?); it was not read.",
        ) from None


def _chosen_sheet(workbook: Any, sheet: str | None, names: tuple[str, ...]) -> Any:
    """The sheet named, or else the first sheet of rows that a spreadsheet program shows:
    a hidden one before it (last month's list, a code table) is not what the clerk saw.
    A chart sheet holds no rows."""
    if sheet is not None:
        if sheet not in names:
            raise IngestError("no-sheet", f"The workbook has no sheet {sheet!r}; its sheets: {', '.join(names)}.")
        if sheet not in {w.title for w in workbook.worksheets}:
            raise IngestError(
                "no-sheet", f"The sheet {sheet!r} is a chart, not rows of clients; its sheets: {', '.join(names)}."
            )
        return workbook[sheet]
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state == "visible":
            return worksheet
    raise IngestError(
        "no-sheet", f"The workbook shows no sheet of rows (its sheets: {', '.join(names)}); choose the sheet to import."
    )


def _open_xlsx(path: Path, sheet: str | None) -> ClientTable:
    import openpyxl  # only when an XLSX file is read: it is a heavy import

    # One opening, hashed, guarded and read: a file saved over its name meanwhile is not
    # read under the SHA-256 (or past the guard) of the one before.
    raw = path.open("rb")
    try:
        digest = _sha256(raw)
        with_formulas = _check_inflation(path, raw)
        raw.seek(0)
        workbook = openpyxl.load_workbook(raw, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, zlib.error) as exc:
        raw.close()
        raise IngestError("bad-xlsx", f"{path.name} is not a readable XLSX workbook.") from exc
    except BaseException:
        raw.close()
        raise

    def close() -> None:
        try:
            workbook.close()
        finally:
            raw.close()

    try:
        names = tuple(workbook.sheetnames)
        worksheet = _chosen_sheet(workbook, sheet, names)
        if getattr(worksheet, "_worksheet_path", None) in with_formulas:
            # A formula's value is what a spreadsheet computes when it opens the file; the
            # file holds the value last computed, or none (read as an empty cell: a 最低类别
            # of =IF(…,"是","否") imported as 否).
            raise IngestError(
                "formulas",
                f"The sheet {worksheet.title!r} holds formulas, whose values the file may hold out of date "
                "or not at all; save the sheet as values (or as a CSV file) and import that.",
            )
        rows = worksheet.iter_rows(values_only=True)
        header_row, headers = 0, None
        for cells in rows:
            header_row += 1
            if any(c is not None and str(c).strip() for c in cells):
                headers = ["" if c is None else str(c) for c in cells]
                break
        if headers is None:
            raise IngestError("empty", f"The sheet {worksheet.title!r} has no header row.")
    except IngestError:
        close()
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        close()
        raise IngestError("bad-xlsx", f"{path.name} is not a readable XLSX workbook.") from exc
    numbered = ((header_row + i, list(cells)) for i, cells in enumerate(rows, start=1))
    return ClientTable(path, "xlsx", digest, None, worksheet.title, names, headers, header_row, numbered, close)
