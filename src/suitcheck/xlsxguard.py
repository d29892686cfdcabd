"""Refuse an XLSX workbook that inflates beyond what any spreadsheet program writes (a zip
bomb) before openpyxl reads it. The client import and the verification of an XLSX audit
export both read workbooks someone else hands over; both pass them through here first.
Importable from every layer (it imports nothing of suitcheck); each caller says it in its
own sentence.

What openpyxl holds in memory whole: every part but the sheets (styles, the workbook,
relationships), the shared strings (every text cell's text), and one sheet cell's text.
An XLSX cell holds at most 32,767 UTF-16 units (Excel's limit), well under 1 MiB as
escaped XML (at most 7 bytes a unit, as _xHHHH_); a spreadsheet program writes no run of
text or tag longer, nor parts this large. suitcheck's own XLSX files (the audit export,
its canonical record continued over cells of at most 32,767 units; lists) write inline
strings in the sheet, which is streamed: a sheet of 1,048,575 rows passes. A workbook of a
few hundred kilobytes can inflate to gigabytes (1.1 GB of memory for a 0.5 MB file whose
one cell inflates to 512 MB).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import BinaryIO

XML_RUN_MAX = 1 << 20
SHARED_STRINGS_MAX = 512 << 20
PART_MAX = 64 << 20
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_CHUNK = 1 << 16  # read at a time (a run between two "<" of one chunk is shorter)

# A cell's formula element (<f>…</f>, <f t="shared" …/>; <x:f> as the OpenXML SDK writes the
# main namespace), not an extension's reference (<xm:f> of a drop-down list on another sheet).
_FORMULA = re.compile(rb"<(?:x:)?f[\s>/]")


class Inflates(Exception):
    """The workbook inflates beyond any a spreadsheet program writes; it was not read."""


def check_inflation(path: Path | BinaryIO) -> set[str]:
    """Raise Inflates for a workbook whose parts inflate beyond what any spreadsheet
    program writes: read as the central directory declares them (a part inflates no
    further), each XML part streamed once for its longest run without a tag. Returns the
    parts (sheets, wherever their relationship puts them) that hold a formula. A file
    that is no zip archive raises zipfile.BadZipFile (or OSError, zlib.error, EOFError)."""
    with_formulas: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            streamed = _SHEET_PART.fullmatch(info.filename) is not None
            if not streamed and info.file_size > (
                SHARED_STRINGS_MAX if info.filename == "xl/sharedStrings.xml" else PART_MAX
            ):
                raise Inflates(info.filename)
            # Every XML part: a sheet may be anywhere its relationship says.
            if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _check_runs(archive, info):
                with_formulas.add(info.filename)
    return with_formulas


def _check_runs(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part holds a formula; Inflates for a run without a tag over XML_RUN_MAX."""
    formula = False
    chunk_size = min(_CHUNK, XML_RUN_MAX)
    with archive.open(info) as member:
        run = 0  # the run without a "<" that the chunks read so far end in
        tail = b""  # the chunk's end, for a formula's tag split between two chunks
        while chunk := member.read(chunk_size):
            first = chunk.find(b"<")
            # A run between two "<" of one chunk is shorter than the chunk: only the run
            # carried over from the chunks before can grow past the bound.
            run += len(chunk) if first < 0 else first
            if run > XML_RUN_MAX:
                raise Inflates(info.filename)
            if first >= 0:
                run = len(chunk) - chunk.rfind(b"<") - 1
            if not formula:  # a tag split between two chunks is found in the tail and the start
                formula = _FORMULA.search(chunk) is not None or _FORMULA.search(tail + chunk[:64]) is not None
            tail = chunk[-64:]
    return formula
