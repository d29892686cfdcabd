"""Audit exports (CSV, XLSX, JSON Lines) with an Ed25519-signed manifest, and their
verification anywhere with only the installations' genesis public keys.

Every format carries each entry's canonical record. Verification checks the chain from
those records, then re-derives every readable CSV/XLSX cell from its row's record and
compares; the client and report columns (joined in, not hashed) are pinned by a digest
in the signed manifest. No cell may be a formula.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import errno
import hashlib
import io
import itertools
import json
import math
import os
import posixpath
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TextIO, TypeVar

from suitcheck import xlsxguard, xlsxrows
from suitcheck.audit.chain import (
    GENESIS_HASH,
    Verifier,
    VerifyResult,
    canonical_json,
    cycle_collector_paused,
    walk_ladder,
)
from suitcheck.audit.keys import chain_id, signature_ok
from suitcheck.domain.codes import ExportFormat
from suitcheck.domain.text import FORMULA_LEADS, escape_controls, has_controls
from suitcheck.interrupts import HeldFrom
from suitcheck.regularfile import read_regular
from suitcheck.store.sqlitetext import sqlite_text
from suitcheck.xlsxrows import SheetFull, write_rows

FORMATS = tuple(f.value for f in ExportFormat)
MANIFEST_SUFFIX = ".manifest.json"
HEADERS = (
    "seq",
    "time_utc",
    "staff",
    "action",
    "client_account",
    "client_name",
    "client_id_number",
    "report_id",
    "report_title",
    "decision",
    "reasons",
    "profile",
    "level",
    "policy_version",
    "entry_hash",
    "canonical",
)
_DANGEROUS_LEAD = FORMULA_LEADS


class ExportError(Exception):
    """The export could not be written or read; the message is one sentence."""


@dataclasses.dataclass(frozen=True)
class ExportRow:
    """One entry plus the human columns joined in for the reader (not part of the hash)."""

    seq: int
    at: str
    staff: str
    action: str
    investor_id: int | None
    report_id: int | None
    decision: str | None
    reasons: str
    facts: str
    prev_hash: str
    entry_hash: str
    client_account: str | None
    client_name: str | None
    client_id_number: str | None
    report_title: str | None
    chain: str | None = None
    mac: str | None = None

    def canonical(self) -> dict[str, Any]:
        d = {
            "seq": self.seq,
            "at": self.at,
            "staff": self.staff,
            "action": self.action,
            "investor_id": self.investor_id,
            "report_id": self.report_id,
            "decision": self.decision,
            "reasons": _stored_json(self.reasons),
            "facts": _stored_json(self.facts),
            "prev_hash": self.prev_hash,
        }
        if self.chain is not None:
            d["chain"] = self.chain
        return d

    def display(self) -> dict[str, Any]:
        """The joined-in columns a reader sees (not hashed; pinned by the manifest digest)."""
        return {
            "client_account": self.client_account,
            "client_name": self.client_name,
            "client_id_number": self.client_id_number,
            "report_title": self.report_title,
        }

    def cells(self) -> list[object]:
        return readable_cells(self.canonical(), self.entry_hash, self.display()) + [
            canonical_json({**self.record(), "display": self.display()})
        ]

    def record(self) -> dict[str, Any]:
        """The canonical entry plus its hash and MAC: what the JSONL line holds."""
        r = {**self.canonical(), "entry_hash": self.entry_hash}
        if self.mac is not None:
            r["mac"] = self.mac
        return r


def _stored_json(text: str) -> Any:
    """An entry's stored reasons or facts as its record shows them: text that is no JSON
    (changed outside suitcheck: bytes that are not UTF-8 read as U+FFFD) as that text,
    which no entry hash matches, so the export goes on and fails verification there. So
    does JSON nested deeper than Python reads it (RecursionError, which is no ValueError)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def readable_cells(canonical: dict[str, Any], digest: str, display: dict[str, Any]) -> list[object]:
    """The human columns of a CSV/XLSX row, derived only from the record (so a verifier
    can derive them again and compare)."""
    facts = canonical.get("facts") or {}
    if not isinstance(facts, dict):
        facts = {}
    reasons = canonical.get("reasons") or []
    return [
        canonical.get("seq"),
        canonical.get("at"),
        canonical.get("staff"),
        canonical.get("action"),
        display.get("client_account"),
        display.get("client_name"),
        display.get("client_id_number"),
        canonical.get("report_id"),
        display.get("report_title"),
        canonical.get("decision"),
        " ".join(str(r) for r in reasons) if isinstance(reasons, list) else str(reasons),
        facts.get("profile"),
        facts.get("level"),
        facts.get("policy_version"),
        digest,
    ]


def neutralise(value: object) -> object:
    """Stop a spreadsheet from treating planted text (=HYPERLINK(...)) as a formula."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_LEAD):
        return "'" + value
    return value


@dataclasses.dataclass
class _Tally:
    count: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    first_prev: str | None = None
    last_hash: str | None = None
    entries: Any = dataclasses.field(default_factory=hashlib.sha256)
    display: Any = dataclasses.field(default_factory=hashlib.sha256)

    def see_many(
        self, rows: Sequence[Sequence[Any]], displays: list[str], progress: Callable[[int], None] | None
    ) -> None:
        """Count a batch of source rows and their display JSON texts."""
        displays.append("")
        self.see_rendered(rows, "\n".join(displays).encode(), progress)

    def see_rendered(
        self, rows: Sequence[Sequence[Any]], displays: bytes, progress: Callable[[int], None] | None
    ) -> None:
        """Count a batch of source rows (seq at 0, prev_hash at 9, entry_hash at 10) and
        their display lines (each display JSON and a newline), as a manifest lists them."""
        if not rows:
            return
        if self.count == 0:
            self.first_seq, self.first_prev = rows[0][0], rows[0][9]
        self.count += len(rows)
        self.last_seq, self.last_hash = rows[-1][0], rows[-1][10]
        self.entries.update("".join([f"{r[0]}:{r[10]}\n" for r in rows]).encode())
        self.display.update(displays)
        if progress and self.count % _BATCH == 0:
            progress(self.count)

    def see_part(self, part: PartSummary, entries: Iterable[bytes], displays: Iterable[bytes]) -> None:
        """Count the rows another process wrote (`part`) after the ones seen so far, with
        the bytes its tally wrote instead of digesting them (see write_part)."""
        if part.count:
            if self.count == 0:
                self.first_seq, self.first_prev = part.first_seq, part.first_prev
            self.count += part.count
            self.last_seq, self.last_hash = part.last_seq, part.last_hash
        for block in entries:
            self.entries.update(block)
        for block in displays:
            self.display.update(block)

    def summary(self) -> PartSummary:
        return PartSummary(self.count, self.first_seq, self.first_prev, self.last_seq, self.last_hash)


@dataclasses.dataclass(frozen=True)
class PartSummary:
    """What the manifest needs of the rows another process wrote to part files."""

    count: int
    first_seq: int | None
    first_prev: str | None
    last_seq: int | None
    last_hash: str | None
    # SHA-256 of the bytes the process wrote to the data, entries and displays files: the
    # part files sit in the target folder (a shared folder, perhaps) until they are appended,
    # and what is appended must be what the process wrote, or the manifest would sign it.
    sha256: tuple[str, str, str] = ("", "", "")


PART_CHANGED = (
    "The export's temporary part file in the target folder was changed by another program before it was "
    "added; nothing was written. Export to a folder only you can write to."
)


class Part(Protocol):
    """The later rows of a CSV or JSONL export, written by another process to part files
    in the target folder while this process writes the earlier ones (services start it).
    write_export appends the part's bytes while hashing, so the file and the manifest are
    byte for byte what one process writes."""

    def start(self, data: Path, entries: Path, displays: Path) -> None:
        """Begin writing the rows' bytes to `data`, and the lines the manifest digests
        (entries, displays) to the other two files."""

    def done(self) -> int:
        """How many rows the part holds so far (for progress)."""

    def finish(self, waiting: Callable[[], None] | None) -> PartSummary | None:
        """Wait for the part, calling `waiting` now and then (progress; it may raise to
        cancel); None when the part cannot be used (then its rows come from rest() and
        done() is 0). Raises ExportError when the other process failed or ended early."""

    def rest(self) -> Iterable[SourceRow]:
        """The part's rows, read by this process (when finish() gave None)."""

    def stop(self) -> None:
        """End the other process if it still runs (idempotent)."""


class _FileDigest:
    """Stands in for a tally's digest in a part: writes the bytes it would hash (and hashes
    them, for the check that the file is unchanged when it is appended)."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle, self.written = handle, hashlib.sha256()

    def update(self, data: bytes) -> None:
        self.written.update(data)
        self._handle.write(data)

    def write(self, data: bytes) -> int:
        self.update(data)
        return len(data)


def write_part(
    rows: Iterable[SourceRow],
    fmt: str,
    mask_id: Callable[[str | None], str | None] | None,
    data: BinaryIO,
    entries: BinaryIO,
    displays: BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> PartSummary:
    """Write rows as the later part of a CSV or JSONL export (no header): their bytes to
    `data`, and the entry and display lines the manifest's digests cover to `entries` and
    `displays`, through the same code as write_export."""
    written = _FileDigest(data)
    tally = _Tally(entries=_FileDigest(entries), display=_FileDigest(displays))
    with cycle_collector_paused():
        _write_streamed(written, _Source(rows, tally, progress, mask_id), ExportFormat(fmt), header=False)
    digests = (written.written.hexdigest(), tally.entries.written.hexdigest(), tally.display.written.hexdigest())
    return dataclasses.replace(tally.summary(), sha256=digests)


# An export's source row, as the service selects it (plain Core rows, no ORM objects),
# in ExportRow's field order: seq, at, staff, action, investor_id, report_id, decision,
# reasons, facts, prev_hash, entry_hash, client_account, client_name, client_id_number,
# report_title, chain, mac.
SourceRow = Sequence[Any]
_LEAD = frozenset(_DANGEROUS_LEAD)
_string: Any = json.encoder.encode_basestring  # json's own C encoder for a str (ensure_ascii=False)
_MEMO_LIMIT = 1 << 16
_FACT_COLUMNS = ("profile", "level", "policy_version")
_READABLE_COMMAS = len(HEADERS) - 2  # between the readable cells (all but the record)


class _Formatter:
    """One entry's JSON text and readable cells, exactly as ExportRow builds them, without
    decoding and re-encoding the stored JSON: when the row's hash proves that its stored
    reasons and facts are the canonical text the writer hashed, that text goes out as is.
    Any other row (altered in the store, unexpected types) takes ExportRow's own path, so
    the output is the same either way."""

    def __init__(self) -> None:
        self._reasons: dict[str, object] = {}
        self._facts: dict[str, tuple[object, ...]] = {}
        self._facts_text: dict[str, str | None] = {}

    def parts(self, r: SourceRow, id_number: str | None) -> tuple[str, str, str, str] | None:
        """(head, tail, record JSON, display JSON) of a row, with `id_number` as the client's
        ID number shown: a CSV/XLSX record is head + display + tail, the JSONL line is the
        record; None when the row must take the slow path."""
        seq, at, staff, action, investor_id, report_id, decision, reasons, facts, prev, digest = r[:11]
        account, name, _, title, chain, mac = r[11:17]
        s = _string
        try:
            if not (
                seq.__class__ is int
                and (investor_id is None or investor_id.__class__ is int)
                and (report_id is None or report_id.__class__ is int)
                and reasons.__class__ is str
                and facts.__class__ is str
            ):
                return None
            marker = "" if chain is None else '"chain":' + s(chain) + ","
            head = (
                f'{{"action":{s(action)},"at":{s(at)},{marker}"decision":{"null" if decision is None else s(decision)},'
            )
            middle = f'"facts":{facts},"investor_id":{"null" if investor_id is None else investor_id},'
            end = (
                f'"prev_hash":{s(prev)},"reasons":{reasons},"report_id":{"null" if report_id is None else report_id},'
                f'"seq":{seq},"staff":{s(staff)}}}'
            )
            if hashlib.sha256((head + middle + end).encode()).hexdigest() != digest:
                return None  # not what the writer hashed: ExportRow re-reads it
            mac_part = "" if mac is None else '"mac":' + s(mac) + ","
            tail = f'"entry_hash":"{digest}",{middle}{mac_part}{end}'
            display = (
                f'{{"client_account":{"null" if account is None else s(account)},'
                f'"client_id_number":{"null" if id_number is None else s(id_number)},'
                f'"client_name":{"null" if name is None else s(name)},'
                f'"report_title":{"null" if title is None else s(title)}}}'
            )
        except TypeError:
            return None  # a value of a type the writer never stores
        return head, tail, head + tail, display

    def cells(self, r: SourceRow, id_number: str | None, head: str, tail: str, display: str) -> list[object]:
        """The CSV/XLSX cells (readable_cells, then the record), formula-neutralised. In a
        row the hash vouches for, seq and report_id are numbers and entry_hash is hex; the
        reasons and facts cells are neutralised once per distinct text."""
        reasons, facts = self._reasons_cell(r[7]), self._facts_cells(r[8])
        lead = _LEAD
        at, staff, action, account, name, id_shown, title, decision = [
            c if c.__class__ is not str or c[:1] not in lead else "'" + c
            for c in (r[1], r[2], r[3], r[11], r[12], id_number, r[14], r[6])
        ]
        return [
            r[0], at, staff, action, account, name, id_shown, r[5], title, decision, reasons, *facts, r[10],
            f'{head}"display":{display},{tail}',
        ]  # fmt: skip

    def _reasons_cell(self, text: str) -> object:
        reasons = self._reasons.get(text)
        if reasons is None:
            reasons = self._remember(self._reasons, text, neutralise(_joined_reasons(_stored_json(text))))
        return reasons

    def _facts_cells(self, text: str) -> tuple[object, ...]:
        facts = self._facts.get(text)
        if facts is None:
            f = _stored_json(text) or {}
            if not isinstance(f, dict):
                f = {}
            facts = self._remember(self._facts, text, tuple(neutralise(f.get(k)) for k in _FACT_COLUMNS))
        return facts

    def _facts_csv(self, text: str) -> str | None:
        """The facts cells as csv.writer joins them when each is text, empty or a whole
        number (None: another type, left to csv.writer)."""
        joined = self._facts_text.get(text, False)
        if joined is False:
            cells = self._facts_cells(text)
            plain = all(c is None or c.__class__ is str or c.__class__ is int for c in cells)
            joined = ",".join("" if c is None else str(c) for c in cells) if plain else None
            self._remember(self._facts_text, text, joined)
        return joined  # type: ignore[return-value]

    def csv_line(self, r: SourceRow, id_number: str | None, record: str) -> str | None:
        """The row's CSV line, or None when csv.writer must write it. A line is joined here
        only when no cell needs csv quoting (no delimiter, quote, CR or LF in any cell: the
        line holds exactly the 14 commas that separate its readable cells) and no cell
        needs formula neutralising (no cell starts with one of _DANGEROUS_LEAD): then
        csv.writer would write exactly this, byte for byte."""
        facts = self._facts_csv(r[8])
        if facts is None:
            return None
        reasons = self._reasons_cell(r[7])
        report = r[5]
        line = (
            f"{r[0]},{r[1]},{r[2]},{r[3]},{r[11] or ''},{r[12] or ''},{id_number or ''},"
            f"{'' if report is None else report},{r[14] or ''},{r[6] or ''},{reasons},{facts},{r[10]}"
        )
        if (
            line.count(",") != _READABLE_COMMAS
            or '"' in line
            or "\r" in line
            or "\n" in line
            or ",=" in line
            or ",+" in line
            or ",-" in line
            or ",@" in line
            or ",\t" in line
            or line[:1] in _LEAD
        ):
            return None
        return line + ',"' + record.replace('"', '""') + '"\r\n'

    @staticmethod
    def _remember(memo: dict[str, Any], key: str, value: Any) -> Any:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = value
        return value


def _joined_reasons(reasons: Any) -> str:
    reasons = reasons or []
    return " ".join(str(r) for r in reasons) if isinstance(reasons, list) else str(reasons)


def _slow_parts(r: SourceRow, id_number: str | None) -> tuple[ExportRow, str]:
    # A BLOB where suitcheck writes text (set outside suitcheck; the driver reads bytes):
    # as the text it holds, as SQLite text is read (store.sqlitetext).
    fields: list[Any] = [sqlite_text(v) if isinstance(v, bytes) else v for v in (*r[:13], id_number, *r[14:17])]
    row = ExportRow(*fields)
    return row, canonical_json(row.display())


@dataclasses.dataclass
class _Source:
    """What a format's writer consumes: the rows, and the tally it keeps for the manifest."""

    rows: Iterable[SourceRow]
    tally: _Tally
    progress: Callable[[int], None] | None
    mask_id: Callable[[str | None], str | None] | None
    part: _PartFiles | None = None  # the rows after these, written by another process

    def id_numbers(self) -> Iterator[tuple[SourceRow, str | None]]:
        """Each row with the client's ID number as the export shows it."""
        mask = self.mask_id
        if mask is None:
            return ((r, r[13]) for r in self.rows)
        return ((r, mask(r[13])) for r in self.rows)


# Rows are formatted, counted and digested in batches of this many (the progress step).
_BATCH = 5000
T = TypeVar("T")


def _batches(source: _Source, shape: Callable[[_Formatter, SourceRow, str | None], tuple[T, str]]) -> Iterator[list[T]]:
    """Each row as `shape` writes it (with the row's display text), a batch at a time; the
    tally counts and digests each batch before it is handed on."""
    fmt, tally = _Formatter(), source.tally
    items: list[T] = []
    displays: list[str] = []
    batch: list[SourceRow] = []
    for r, id_number in source.id_numbers():
        item, display = shape(fmt, r, id_number)
        items.append(item)
        displays.append(display)
        batch.append(r)
        if len(batch) == _BATCH:
            tally.see_many(batch, displays, source.progress)
            yield items
            items, displays, batch = [], [], []
    tally.see_many(batch, displays, None)
    yield items


def _jsonl_line(fmt: _Formatter, r: SourceRow, id_number: str | None) -> tuple[str, str]:
    parts = fmt.parts(r, id_number)
    if parts is None:  # not what the writer hashed: the row is read again, entry by entry
        row, display = _slow_parts(r, id_number)
        return canonical_json(row.record()) + "\n", display
    return parts[2] + "\n", parts[3]


def _row_cells(fmt: _Formatter, r: SourceRow, id_number: str | None) -> tuple[list[object], str]:
    parts = fmt.parts(r, id_number)
    if parts is None:
        row, display = _slow_parts(r, id_number)
        return [neutralise(c) for c in row.cells()], display
    head, tail, _, display = parts
    return fmt.cells(r, id_number, head, tail, display), display


def _cell_batches(source: _Source) -> Iterator[list[list[object]]]:
    """The CSV/XLSX cells of each row (readable cells, then the record), a batch at a time."""
    return _batches(source, _row_cells)


def _csv_record_field(record: str) -> str:
    """The record column as csv.writer (QUOTE_MINIMAL, doublequote) writes it: JSON text
    always holds a quote, so it is quoted and its quotes doubled; it never holds a raw
    CR or LF. Done here because csv.writer spent a third of its time on this one column."""
    return '"' + record.replace('"', '""') + '"\r\n'


class _Renderer:
    """Turns a batch of source rows into the bytes a CSV or JSONL export holds for them
    and their display lines (each display JSON and a newline, as the manifest digests
    them)."""

    def __init__(self, kind: str, mask_id: Callable[[str | None], str | None] | None) -> None:
        self.kind, self.mask = kind, mask_id
        self.formatter = _Formatter()
        self.sink = _Pieces()
        self.row = _Pieces()
        # A row csv_line leaves to csv.writer: its readable cells, written with the default
        # line terminator (csv quotes a cell holding a character of the terminator, so CR
        # and LF are quoted only with "\r\n"), then the terminator swapped for the delimiter
        # that precedes the record.
        self.readable = csv.writer(self.row).writerow

    def batch(self, rows: Sequence[SourceRow]) -> tuple[bytes, bytes]:
        mask, fmt = self.mask, self.formatter
        pairs = [(r, r[13]) for r in rows] if mask is None else [(r, mask(r[13])) for r in rows]
        displays: list[str] = []
        if self.kind == ExportFormat.JSONL:
            lines = []
            for r, id_number in pairs:
                line, display = _jsonl_line(fmt, r, id_number)
                lines.append(line)
                displays.append(display)
            text = "".join(lines)
        else:
            readable, write, row = self.readable, self.sink.write, self.row
            for r, id_number in pairs:
                parts = fmt.parts(r, id_number)
                if parts is not None:
                    head, tail, _, display = parts
                    fast = fmt.csv_line(r, id_number, f'{head}"display":{display},{tail}')
                    if fast is not None:
                        write(fast)
                        displays.append(display)
                        continue
                cells, display = _row_cells(fmt, r, id_number)
                displays.append(display)
                readable(cells[:-1])
                write(row.take()[:-2] + ",")
                write(_csv_record_field(cells[-1]))  # type: ignore[arg-type]
            text = self.sink.take()
        displays.append("")
        return text.encode("utf-8"), "\n".join(displays).encode("utf-8")


def _rendered(source: _Source, kind: str) -> Iterator[tuple[list[SourceRow], bytes, bytes]]:
    """Each batch of rows with its rendered bytes and display lines, in the source's order."""
    renderer = _Renderer(kind, source.mask_id)
    it = iter(source.rows)
    while rows := list(itertools.islice(it, _BATCH)):
        yield rows, *renderer.batch(rows)


def _write_streamed(handle: Any, source: _Source, kind: str, *, header: bool = True) -> None:
    if kind == ExportFormat.CSV and header:
        # UTF-8 with BOM, so Excel shows Chinese instead of mojibake.
        head_row = io.StringIO()
        csv.writer(head_row).writerow(HEADERS)
        handle.write(codecs.BOM_UTF8 + head_row.getvalue().encode("utf-8"))
    tally = source.tally
    for rows, text, displays in _rendered(source, kind):
        tally.see_rendered(rows, displays, source.progress)
        handle.write(text)
    part = source.part
    if part is not None:
        progress = source.progress  # write_export adds the part's rows to the count
        summary = part.part.finish(None if progress is None else lambda: progress(tally.count))
        if summary is None:  # the part cannot be used: its rows are written here instead
            rest = _Source(part.part.rest(), tally, source.progress, source.mask_id)
            _write_streamed(handle, rest, kind, header=False)
            return
        data_sha, entries_sha, displays_sha = summary.sha256
        tally.see_part(summary, _checked(part.entries, entries_sha), _checked(part.displays, displays_sha))
        handle.append(part.data, data_sha)


@dataclasses.dataclass
class _PartFiles:
    """A part and the temporary files it writes (in the target folder)."""

    part: Part
    data: Path
    entries: Path
    displays: Path

    @classmethod
    def start(cls, part: Part, out: Path) -> _PartFiles:
        paths = []
        for _ in range(3):
            fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
            os.close(fd)
            paths.append(Path(name))
        files = cls(part, *paths)
        try:
            part.start(*paths)
        except BaseException:
            files.remove()
            raise
        return files

    def remove(self) -> None:
        self.part.stop()
        for path in (self.data, self.entries, self.displays):
            path.unlink(missing_ok=True)


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(1 << 22), b"")


def _checked(path: Path, sha256: str) -> Iterator[bytes]:
    """A part file's blocks; ExportError at its end unless they are what its process wrote."""
    digest = hashlib.sha256()
    for block in _blocks(path):
        digest.update(block)
        yield block
    if digest.hexdigest() != sha256:
        raise ExportError(PART_CHANGED)


def _write_csv(handle: io.BufferedWriter, source: _Source) -> None:
    _write_streamed(handle, source, ExportFormat.CSV)


class _Pieces:
    """A text sink for csv.writer that keeps the pieces in a list (cheaper than StringIO
    for text mixing ASCII and CJK)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.write = self.pieces.append

    def take(self) -> str:
        text = "".join(self.pieces)
        self.pieces.clear()
        return text


class _Hashing:
    """A file written front to back that hashes every byte written to it."""

    def __init__(self, handle: io.BufferedWriter, digest: Any) -> None:
        self._handle, self._digest = handle, digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._handle.write(data)

    def append(self, path: Path, sha256: str) -> None:
        """Append a whole file (the last thing written): hashed as it is read, copied
        inside the kernel where the system can (Linux), else through this process; the
        file read once opened, and refused (ExportError) unless its bytes have `sha256`."""
        handle = self._handle
        with path.open("rb") as source:
            check = hashlib.sha256()
            for block in iter(lambda: source.read(1 << 22), b""):
                self._digest.update(block)
                check.update(block)
            if check.hexdigest() != sha256:
                raise ExportError(PART_CHANGED)
            source.seek(0)
            handle.flush()
            start = handle.tell()
            if _copied_in_kernel(source.fileno(), handle.fileno()):
                return
            handle.seek(start)
            handle.truncate()
            source.seek(0)
            for block in iter(lambda: source.read(1 << 22), b""):
                handle.write(block)


def _copied_in_kernel(source: int, target: int) -> bool:
    """Copy the rest of `source` to `target` with copy_file_range (no pass through this
    process); False when the system or the file system cannot (nothing to rely on then)."""
    copy = getattr(os, "copy_file_range", None)
    if copy is None:
        return False
    try:
        while copy(source, target, 1 << 30):
            pass
    except OSError as exc:
        if exc.errno in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF):
            return False
        raise
    return True


def _write_jsonl(handle: io.BufferedWriter, source: _Source) -> None:
    _write_streamed(handle, source, ExportFormat.JSONL)


# -- XLSX cells ----------------------------------------------------------------------------
# Excel holds at most 32,767 characters (UTF-16 code units) in a cell and no C0 control
# characters. In an XLSX export (manifest "xlsx_cells": XLSX_CELLS) the readable cells are
# therefore shown as the GUI shows text: control characters and bidi overrides become
# visible \xNN / \uNNNN escapes (domain.text.escape_controls), and a readable cell longer
# than the limit is cut with a marker; the record (canonical JSON, which escapes C0 itself)
# goes in the `canonical` column and, when longer than the limit, continues in the cells to
# its right, split every XLSX_CELL_LIMIT code units. The verifier derives the same text and
# joins the pieces again. CSV and JSONL are unchanged.
XLSX_CELL_LIMIT = 32767
XLSX_CELLS = "escaped-split"


def xlsx_room() -> int:
    """The entries an XLSX export's sheet has room for, below its heading row."""
    return xlsxrows.SHEET_ROWS - 1


def sheet_full() -> ExportError:
    """An XLSX export with more entries than its sheet has room for: refused, never cut short."""
    room = xlsx_room()
    return ExportError(
        f"The export holds more entries than the {room:,} an XLSX sheet has room for below its heading; "
        "nothing was written. Export them as CSV or JSONL, or a shorter date range as XLSX."
    )


_CUT_MARK = " …[cut: the full text is in the canonical record]"
_SAFE_INT = 1 << 53


def _utf16_units(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-16 code units (never half a pair)."""
    end = min(len(text), limit)
    while (excess := _utf16_units(text[:end]) - limit) > 0:
        end -= excess  # each code point dropped frees one or two units
    return text[:end]


def xlsx_pieces(record: str) -> list[str]:
    """The record's text split into cells of at most XLSX_CELL_LIMIT UTF-16 code units."""
    if len(record) <= XLSX_CELL_LIMIT // 2 or _utf16_units(record) <= XLSX_CELL_LIMIT:
        return [record]
    pieces = []
    while record:
        piece = _cut(record, XLSX_CELL_LIMIT)
        pieces.append(piece)
        record = record[len(piece) :]
    return pieces


def xlsx_shown(value: object) -> object:
    """What an XLSX readable cell holds for a readable value (the writer and the verifier
    both use this): a non-negative whole number stays a number, anything else is text,
    formula-neutralised, with control characters escaped and cut to the cell limit."""
    if value is None or (value.__class__ is int and 0 <= value < _SAFE_INT):
        return value
    text = neutralise(value if isinstance(value, str) else str(value))
    assert isinstance(text, str)
    text = escape_controls(text)
    if len(text) > XLSX_CELL_LIMIT // 2 and _utf16_units(text) > XLSX_CELL_LIMIT:
        text = _cut(text, XLSX_CELL_LIMIT - len(_CUT_MARK)) + _CUT_MARK
    return text


def _plain(value: object) -> bool:
    """Whether xlsx_shown leaves `value` as it is, short of looking at the text."""
    return value is None or value.__class__ is str or (value.__class__ is int and 0 <= value < _SAFE_INT)


def _xlsx_row(cells: list[object]) -> list[object]:
    """A CSV row's cells (already neutralised) as the XLSX row: the readable cells through
    xlsx_shown where it changes them, then the record's pieces."""
    readable = cells[:-1]
    texts = "".join([c for c in readable if c.__class__ is str])
    if not all(map(_plain, readable)) or len(texts) > XLSX_CELL_LIMIT // 2 or has_controls(texts):
        readable = [xlsx_shown(c) for c in readable]  # the rare row: numbers in facts, controls, long text
    record = cells[-1]
    assert isinstance(record, str)
    return [*readable, *xlsx_pieces(record)]


def _write_xlsx(handle: io.BufferedWriter, source: _Source) -> None:
    import xlsxwriter

    # constant_memory streams rows to disk in order (inline strings, no shared-string
    # table in memory); text is never read as a formula, a number or a link.
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
    sheet = book.add_worksheet("audit")
    sheet.freeze_panes(1, 1)
    widths = (8, 28, 16, 14, 14, 12, 22, 10, 40, 20, 40, 8, 8, 8, 66, 30)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.write_row(0, 0, HEADERS)
    row = 1
    try:
        for rows in _cell_batches(source):
            row = write_rows(sheet, row, map(_xlsx_row, rows))
    except SheetFull:
        raise sheet_full() from None
    book.close()


_WRITERS: dict[str, Callable[[io.BufferedWriter, _Source], None]] = {
    ExportFormat.CSV: _write_csv,
    ExportFormat.JSONL: _write_jsonl,
    ExportFormat.XLSX: _write_xlsx,
}


def manifest_message(manifest: dict[str, Any]) -> bytes:
    """What the exporting installation signs: the whole manifest but its signature."""
    return canonical_json({k: v for k, v in manifest.items() if k != "signature"}).encode()


def write_export(
    out: Path,
    fmt: str,
    rows: Iterable[SourceRow],
    *,
    sign: Callable[[bytes], str],
    context: dict[str, Any],
    mask_id: Callable[[str | None], str | None] | None,
    progress: Callable[[int], None] | None = None,
    part: Part | None = None,
    record: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Write the export and its manifest atomically (temp file, then rename): a failure
    (disk full, unwritable folder, a part's process that failed) leaves no half-written
    file behind. `mask_id` turns each client's ID number into what the export shows
    (None: as selected). `part`: the rows after `rows`, written by another process (CSV
    and JSONL; an XLSX export reads them here). `record(manifest)`: called once the export
    and its manifest are written, before either takes its place; if it raises, neither
    does, and an earlier export of that name stays with its own manifest."""
    out = _target(out, fmt)
    tally = _Tally()
    digest = hashlib.sha256()
    tmp_name = None
    # CSV and JSONL are written front to back: hash the bytes on their way out. A zip
    # (XLSX) goes back to patch its headers, so that file is read back and hashed.
    streamed = fmt != ExportFormat.XLSX
    if part is not None and not streamed:
        rows, part = itertools.chain(rows, part.rest()), None
    files = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        if part is not None:
            files = _PartFiles.start(part, out)
        with os.fdopen(fd, "wb") as handle:
            _write_rows(handle, ExportFormat(fmt), _Source(rows, tally, progress, mask_id), files, digest)
        if not streamed:
            with open(tmp_name, "rb") as check:
                for block in iter(lambda: check.read(1 << 20), b""):
                    digest.update(block)
        manifest = _manifest(out, ExportFormat(fmt), digest, tally, context)
        manifest["signature"] = sign(manifest_message(manifest))
        manifest_path = out.with_name(out.name + MANIFEST_SUFFIX)
        manifest_tmp = _staged(manifest_path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
        # The export first: the rename most likely to fail (a file open in Excel on Windows)
        # then leaves the earlier export and its manifest as a pair, not the earlier export
        # beside the new one's manifest, which would fail its verification. Ctrl+C waits
        # from the record to the manifest's rename: the entry and the pair, or neither.
        try:
            with HeldFrom() as interrupts:
                interrupts.hold()
                if record is not None:
                    record(manifest)  # recorded before it is placed; if that fails, it is not
                os.replace(tmp_name, out)
                tmp_name = None
                os.replace(manifest_tmp, manifest_path)
        finally:
            manifest_tmp.unlink(missing_ok=True)
        return manifest
    except PermissionError as exc:
        raise ExportError(f"Cannot write to {out.parent}: permission denied.") from exc
    except OSError as exc:
        raise ExportError(f"The export to {out} failed: {exc.strerror or exc}.") from exc
    finally:
        if files is not None:
            files.remove()
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)


def _target(out: Path, fmt: str) -> Path:
    """The export's path, once the format and the folder are known to be usable."""
    if fmt not in _WRITERS:
        raise ExportError(f"Unknown export format {fmt!r}; use csv, xlsx or jsonl.")
    out = out.expanduser().resolve()
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    return out


def _write_rows(
    handle: io.BufferedWriter, fmt: ExportFormat, source: _Source, files: _PartFiles | None, digest: Any
) -> None:
    """The rows into the open file (a part's appended after them); a CSV's or JSONL's
    bytes hashed into `digest` on their way out."""
    progress = source.progress
    if files is not None:
        source.part = files
        if progress is not None:
            done = files.part.done
            source.progress = lambda n: progress(n + done())
    with cycle_collector_paused():
        _WRITERS[fmt](handle if fmt == ExportFormat.XLSX else _Hashing(handle, digest), source)  # type: ignore[arg-type]
    handle.flush()
    os.fsync(handle.fileno())


def _manifest(out: Path, fmt: ExportFormat, digest: Any, tally: _Tally, context: dict[str, Any]) -> dict[str, Any]:
    manifest = {
        "format": fmt.value,
        "file": out.name,
        "file_sha256": digest.hexdigest(),
        "count": tally.count,
        "first_seq": tally.first_seq,
        "last_seq": tally.last_seq,
        "first_prev_hash": tally.first_prev,
        "last_hash": tally.last_hash,
        "entries_sha256": tally.entries.hexdigest(),
        "display_sha256": tally.display.hexdigest(),
        **context,
    }
    if fmt == ExportFormat.XLSX:
        manifest["xlsx_cells"] = XLSX_CELLS
    return manifest


def _staged(path: Path, data: bytes) -> Path:
    """`data` in a temporary file beside `path`, on disk, to be renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


# -- verification anywhere ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExportVerification:
    result: VerifyResult
    signature: str  # valid | invalid | missing | untrusted
    manifest: dict[str, Any]
    # Each document looked up in the export (with_documents): the file, its SHA-256 and the
    # entry that recorded writing it (seq, action, at, staff).
    documents: tuple[dict[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        return self.result.ok and self.signature == "valid"

    @property
    def scope(self) -> str | None:
        """What a verified export holds, from its signed manifest (None unless it verified):
        the whole trail up to its last entry, or only the entries its filters matched."""
        return export_scope(self.manifest, self.result.unsealed) if self.ok else None


def verified_trail(manifest: dict[str, Any]) -> dict[str, Any] | None:
    """A filtered export's `trail_verified` when the trail verified as it was exported
    (AuditService._trail_verified), else None: no verification recorded, or a failed one."""
    trail = manifest.get("trail_verified")
    return trail if isinstance(trail, dict) and trail.get("ok") is True else None


def trail_problem(manifest: dict[str, Any]) -> str | None:
    """Why the trail failed verification as the export was made (its signed manifest says
    so), or None: it verified, or no verification is recorded (a whole-trail export)."""
    trail = manifest.get("trail_verified")
    if trail is None or verified_trail(manifest) is not None:
        return None
    return (trail.get("problem") if isinstance(trail, dict) else None) or "no reason recorded"


def export_scope(manifest: dict[str, Any], awaiting: int = 0) -> str:
    """What an export holds, in a sentence or two: a verdict of "OK" alone reads the same for
    the whole trail and for an export of one branch, one client or only the allowed checks,
    which proves nothing about the entries it leaves out. A filtered export also says
    whether the trail verified when it was exported (what vouches for its entries), and how
    many of its entries (`awaiting`) that verification could not MAC-check (another
    installation's, after its last seal); a whole-trail export says how many of its entries
    its own verification could not (Verifier.finish: another installation's open epoch)."""
    at, by = manifest.get("exported_at"), manifest.get("exported_by")
    given = manifest.get("filters")
    filters: dict[str, Any] = given if isinstance(given, dict) else {}
    if not (manifest.get("filtered") or filters):
        first, last = manifest.get("first_seq"), manifest.get("last_seq")
        if awaiting:  # another installation's open epoch: the export sealed only its own
            message = (
                f"It holds the whole trail from entry {first} to entry {last} (exported {at} by {by}), but "
                f"{awaiting} of its entries await their installation's seal, which had not been made: nothing has "
                "checked their MACs yet."
            )
        else:
            message = f"It holds the whole trail from entry {first} to entry {last} (exported {at} by {by})."
        return message
    shown = escape_controls(", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or "a filter")
    head = manifest.get("store_head")
    end = head.get("seq") if isinstance(head, dict) else None
    if isinstance(end, int) and not isinstance(end, bool):
        # The entries end at the export's seal; its verification (below) read the trail a
        # moment later, so it may name a later entry: a matching entry recorded in between
        # is verified there but not in this file.
        scope = (
            f"It holds only the entries matching {shown} (exported {at} by {by}) recorded up to entry {end}, "
            "the export's seal: it is not the whole trail, and nothing in it proves what it leaves out."
        )
    else:
        scope = (
            f"It holds only the entries matching {shown} (exported {at} by {by}): it is not the whole trail, "
            "and nothing in it proves what it leaves out."
        )
    trail = verified_trail(manifest)
    if trail is not None:
        entries, through = trail.get("entries"), trail.get("through_seq")
        if awaiting:
            message = (
                f"{scope} The whole trail, {entries} entries to entry {through}, verified when it was exported, "
                f"but {awaiting} of the entries here await their installation's seal, which had not been made: "
                "nothing has checked their MACs yet."
            )
        else:
            message = f"{scope} The whole trail, {entries} entries to entry {through}, verified when it was exported."
    else:
        message = (
            f"{scope} It was exported by an earlier version, which did not verify the trail first: "
            "only its signature vouches for its entries."
        )
    return message


def untrusted_installation(manifest: dict[str, Any], trusted: set[str]) -> str | None:
    """The sentence for an export made from a trail that verified, but with a registration
    none of the `trusted` genesis keys leads to, else None. The export's verification
    accepts every registration (a desktop holds no filed keys), as `audit verify` without
    --public-key does; an installation an insider registered with a key of their own then
    vouches for the entries it adds. `audit verify --public-key` fails such a trail, and a
    whole-trail export shows the registration to its verifier; a filtered one must say
    which installations it took, and its verifier weighs them the same way."""
    trail = verified_trail(manifest)
    given = trail.get("installations") if trail is not None else None
    known = {chain_id(key) for key in trusted}
    strangers = [str(c) for c in given if c not in known] if isinstance(given, list) else []
    if not strangers:
        return None
    chain = strangers[0]
    message = (
        f"the audit trail this file was exported from registers installation {chain}, whose genesis key is not "
        "among the trusted public keys: nothing in it is vouched for"
    )
    return message


def _awaiting_seal(manifest: dict[str, Any], rows: Iterable[tuple[Any, ...]], tally: list[int]) -> Iterator[Any]:
    """`rows` as they are, counting in `tally` those the trail's verification at export
    could not MAC-check: another installation's entries after its last seal
    (`sealed_through` in a filtered export's manifest; an entry of an installation it does
    not name counts too). Nothing is counted for a manifest without it."""
    trail = verified_trail(manifest)
    sealed = trail.get("sealed_through") if trail is not None else None
    if not isinstance(sealed, dict):
        yield from rows
        return
    for row in rows:
        seq, chain = row[0], row[11]
        if chain is not None and not (isinstance(sealed.get(chain), int) and seq <= sealed[chain]):
            tally[0] += 1
        yield row


def trail_failure(manifest: dict[str, Any]) -> str | None:
    """The sentence for an export made while the store's trail failed verification (its
    signed manifest says so: audit.export's filtered exports), else None. A filtered export
    holds entries without their neighbours, so nothing in the file can show a broken link:
    its signature is all that vouches for each entry, and it vouches for none of these."""
    problem = trail_problem(manifest)
    if problem is None:
        return None
    message = (
        f"the audit trail failed verification when this file was exported ({problem}): nothing in it is vouched for"
    )
    return message


_CANONICAL_FIELDS = (
    "seq",
    "at",
    "staff",
    "action",
    "investor_id",
    "report_id",
    "decision",
    "reasons",
    "facts",
    "prev_hash",
)
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


class _CellMismatch(Exception):
    def __init__(self, seq: object, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq if isinstance(seq, int) else None


def _expected_text(value: object) -> str:
    value = neutralise(value)
    return "" if value is None else str(value)


def _xlsx_expected_text(value: object) -> str:
    shown = xlsx_shown(value)
    return "" if shown is None else str(shown)


def _xlsx_plain_texts(values: Sequence[object]) -> list[str] | None:
    """What _xlsx_expected_text gives for each value, for the common row where that is only
    neutralising: every value is None, text or a whole number in 0..2**53, and their texts
    together hold no character escape_controls changes and fit half a cell (so none is
    cut). None for any other row, which goes through xlsx_shown value by value."""
    texts: list[str] = []
    for value in values:
        if isinstance(value, str):
            texts.append(str(neutralise(value)))
        elif value is None:
            texts.append("")
        elif value.__class__ is int and 0 <= value < _SAFE_INT:
            texts.append(str(value))
        else:
            return None
    joined = "".join(texts)
    if len(joined) > XLSX_CELL_LIMIT // 2 or has_controls(joined):
        return None
    return texts


def _cell_texts(cells: Sequence[object]) -> list[str]:
    return [c if isinstance(c, str) else "" if c is None else str(c) for c in cells]


def _compare_cells(
    number: int,
    cells: Sequence[object],
    record: dict[str, Any],
    display_digest: Any,
    expected_text: Callable[[object], str] = _expected_text,
    plain_texts: Callable[[Sequence[object]], list[str] | None] | None = None,
) -> None:
    """Every readable cell must be what the record derives (`expected_text` shows a value as
    the format writes it); none may be a formula. `plain_texts`, when it gives the texts
    `expected_text` would, lets a row whose cells all read as those texts pass in one
    comparison: no such text starts a formula (text is neutralised, numbers are not
    negative); any difference goes through the cell-by-cell checks and their sentences."""
    display = record.get("display")
    if not isinstance(display, dict):
        raise _CellMismatch(record.get("seq"), f"row {number} has no client/report columns in its record")
    display_digest.update((canonical_json(display) + "\n").encode())
    canonical = {k: record.get(k) for k in _CANONICAL_FIELDS}
    expected = readable_cells(canonical, str(record.get("entry_hash", "")), display)
    if len(cells) < len(HEADERS):
        raise _CellMismatch(record.get("seq"), f"row {number} has {len(cells)} cells, not {len(HEADERS)}")
    if plain_texts is not None:
        texts = plain_texts(expected)
        if texts is not None and texts == _cell_texts(cells[: len(texts)]):
            return
    for index, want in enumerate(expected):
        got = cells[index]
        got_text = "" if got is None else str(got)
        if got_text.startswith(_FORMULA_LEAD) and not got_text.startswith("'"):
            raise _CellMismatch(
                record.get("seq"), f"row {number}, column {HEADERS[index]} is a formula ({got_text[:30]!r})"
            )
        if got_text != expected_text(want):
            raise _CellMismatch(
                record.get("seq"),
                f"row {number} (entry {record.get('seq')}), column {HEADERS[index]} reads {got_text[:40]!r} "
                f"but the entry's record says {expected_text(want)[:40]!r}",
            )


def _records(path: Path, manifest: dict[str, Any], display_digest: Any) -> Iterator[dict[str, Any]]:
    fmt = manifest["format"]
    if fmt == "jsonl":
        return _jsonl_records(path)
    if fmt == "csv":
        return _csv_records(path, display_digest)
    if manifest.get("xlsx_cells") == XLSX_CELLS:
        return _xlsx_records(path, display_digest)
    return _legacy_xlsx_records(path, display_digest)


def _jsonl_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield _parse(line, number)


# A record's length has no bound (the upgrade's `record-sealed` entry lists every row of the
# store), and the csv module refuses a field longer than 131,072 characters by default.
_CSV_FIELD_MAX = min(sys.maxsize, 2**31 - 1)  # a C long, also on Windows


def _csv_rows(handle: TextIO) -> Iterator[list[str]]:
    """csv.reader's rows, each field read whole however long, and a row it cannot read
    as a sentence. The module's limit is process-wide (the client import reads CSV with it),
    so it is raised only while a row is read here."""
    reader = csv.reader(handle)
    while True:
        limit = csv.field_size_limit(_CSV_FIELD_MAX)
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            number = reader.line_num
            raise ExportError(f"The CSV is damaged: it cannot be read at its line {number}.") from exc
        finally:
            csv.field_size_limit(limit)
        if cells is None:
            return
        yield cells


def _csv_records(path: Path, display_digest: Any) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = _csv_rows(handle)
        header = next(reader, None)
        if not header or tuple(header) != HEADERS:
            raise ExportError("The CSV's header row is not a suitcheck export's; it was edited or is not one.")
        width = len(HEADERS)
        for number, cells in enumerate(reader, start=2):
            if len(cells) > width:
                # The record is the row's last cell: a cell added after it would leave the
                # 'canonical' column free to hold any JSON a reader takes for the record.
                raise _CellMismatch(None, f"row {number} has {len(cells)} cells, not {len(HEADERS)}")
            text = cells[-1] if cells else ""
            record = _parse(text, number)
            _as_written(record, text, number)
            _compare_cells(number, cells, record, display_digest)
            yield record


_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _ooxml_text(value: object) -> object:
    """A cell's text as Excel shows it: OOXML writes characters XML cannot hold (and a
    literal "_x" sequence) as _xHHHH_, which openpyxl's reader leaves as it is."""
    if value.__class__ is str and "_x" in value:
        return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _xlsx_rows(path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The data rows of an export workbook (numbered as Excel numbers them, each at least
    as wide as HEADERS), after its header row is checked; empty rows skipped, extra sheets
    refused. Every row and cell in the sheet is read, wherever its <dimension> says the
    data ends, and a sheet that cannot be read to its end fails with a sentence, as does
    one a spreadsheet would show otherwise than it is read here (_sheet_rows, _shown_as_held)."""
    from openpyxl import load_workbook

    try:
        xlsxguard.check_inflation(path)  # a zip bomb is refused before openpyxl reads it
        book = load_workbook(path, read_only=True, data_only=False)
    except xlsxguard.Inflates:
        raise ExportError(
            f"{path.name} inflates beyond any workbook a spreadsheet program writes (a zip bomb?); it was not read."
        ) from None
    except Exception as exc:
        raise ExportError(f"The workbook {path.name} cannot be read.") from exc
    try:
        if not book.worksheets:
            raise ExportError(f"The workbook {path.name} has no sheet; it is not a suitcheck export.")
        _shown_as_held(book, path)
        _parents_shown_as_held(book, path)
        _nothing_drawn(book, path)
        _printed_whole(book, path)
        _styles_read_here(book, path)
        _cells_read_here(book, path)
        _strings_shown(book, path)
        rows = _sheet_rows(book, book.worksheets[0], path)
        first_row = tuple(_next_row(rows, path, 1) or ())
        while first_row and first_row[-1] is None:
            first_row = first_row[:-1]
        if first_row != HEADERS:
            raise ExportError("The workbook's header row is not a suitcheck export's; it was edited or is not one.")
        width, number = len(HEADERS), 1
        while (cells := _next_row(rows, path, number + 1)) is not None:
            number += 1
            if any(c is not None for c in cells):
                yield number, tuple(cells) if len(cells) >= width else (*cells, *(None,) * (width - len(cells)))
        for extra in book.worksheets[1:]:
            raise ExportError(f"The workbook has an extra sheet {extra.title!r}; it was edited.")
    finally:
        book.close()


# Number formats that show a cell as it holds it: General and Text (@). openpyxl maps a
# custom format written as either (LibreOffice writes General as its own id 164) to these.
_AS_HELD_FORMATS = frozenset({0, 49})


def _shown_as_held(book: Any, path: Path) -> None:
    """Refuse a workbook whose cell styles can show a cell otherwise than it holds: a number
    format other than General or Text (a custom format's text section shows any text as
    'allow'; a number format shows 13 as 9 or as a date), which openpyxl's values do not
    reflect. suitcheck writes only General; a re-save by Excel or LibreOffice keeps it. The
    same for a font or fill that hides text, and for shrinking text to fit its column."""
    if any(style.numFmtId not in _AS_HELD_FORMATS for style in book._cell_styles):
        raise ExportError(
            f"The workbook {path.name} gives cells a number format that can show them otherwise than they hold; "
            "it was edited."
        )
    fonts, fills, palette = book._fonts, book._fills, _palette(book)
    for style in book._cell_styles:
        try:
            font, fill = fonts[style.fontId], fills[style.fillId]
            # Shrink to fit draws the text as small as its column: a column one character
            # wide shows a decision a point high, whatever the font's size.
            alignment = book._alignments[style.alignmentId]
            shrunk = bool(alignment.shrinkToFit)
        except IndexError:  # a style naming a font or fill the workbook lacks: read as none would be a guess
            font = fill = alignment = None
            shrunk = True
        if font is None or shrunk or not _readable(font, fill, palette):
            raise ExportError(
                f"The workbook {path.name} gives cells a font or fill that can hide their text (white, the "
                "background's colour, too small, or a dark fill); it was edited."
            )
        if _moved(alignment):
            raise ExportError(
                f"The workbook {path.name} gives cells an alignment that can move their text out of sight (an "
                "indent or a rotation); it was edited."
            )


def _moved(alignment: Any) -> bool:
    """Whether an alignment draws a cell's text elsewhere than in its cell: an indent (two
    hundred steps push 'block' past the column's edge, where the next cell clips it) or a
    rotation (text turned on end in a row of ordinary height shows a letter or two).
    suitcheck writes neither; a re-save writes indent="0" textRotation="0"."""
    return alignment is not None and bool(alignment.indent or alignment.textRotation)


def _parents_shown_as_held(book: Any, path: Path) -> None:
    """Refuse a workbook whose cell formats take their look from a parent cell style that
    can hide text: a cell format (cellXfs) names its cell style (cellStyleXfs, by xfId), and
    where it says not to apply its own number format, font or fill (applyNumberFormat,
    applyFont, applyFill false: LibreOffice's own re-save writes applyFont="false" on every
    one) LibreOffice shows the parent's. openpyxl's cell styles are the cell formats' own,
    so a parent with white text or a format showing text as 'allow' passed _shown_as_held.
    Every parent a cell format names is judged as a cell style is."""
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring

    try:
        data = book._archive.read("xl/styles.xml")  # where openpyxl reads the styles
    except KeyError:
        return  # no styles: every cell is shown in the defaults
    try:
        sheet, palette = Stylesheet.from_tree(fromstring(data)), _palette(book)
        parents = list(sheet.cellStyleXfs.xf)
        codes = {f.numFmtId: f.formatCode for f in sheet.numFmts.numFmt}
        shown = all(
            (parent.numFmtId in _AS_HELD_FORMATS or codes.get(parent.numFmtId) in ("General", "@"))
            and _readable(sheet.fonts[parent.fontId], sheet.fills[parent.fillId], palette)
            and not (parent.alignment is not None and (parent.alignment.shrinkToFit or _moved(parent.alignment)))
            for parent in (parents[xf_id] for xf_id in {style.xfId for style in book._cell_styles})
        )
    # A parent the workbook lacks, a style part openpyxl would read another way: not guessed.
    except (IndexError, KeyError, TypeError, AttributeError, ValueError, SyntaxError):
        shown = False
    if not shown:
        raise ExportError(
            f"The workbook {path.name} gives cells a cell style that can show them otherwise than they hold; "
            "it was edited."
        )


# Below this size (points) text is a line, not something anyone reads.
_LEAST_FONT_POINTS = 6.0


@dataclasses.dataclass(frozen=True)
class _Palette:
    """The colours a workbook's own parts give its colour references: the brightness of the
    theme's first four colours (index 0 light 1, 1 dark 1, 2 light 2, 3 dark 2; None where
    the theme gives one that cannot be told here) and the indexed palette (styles.xml may
    redefine it). A workbook's theme is its own part: an insider edits it as any other, so
    "dark 1", suitcheck's text colour, is what the theme says it is."""

    theme: tuple[float | None, float | None, float | None, float | None] = (1.0, 0.0, 1.0, 0.0)
    indexed: tuple[str, ...] = ()


_STANDARD = _Palette()


def _palette(book: Any) -> _Palette:
    """The palette of a workbook (openpyxl keeps its theme's XML and its indexed colours)."""
    from openpyxl.styles.colors import COLOR_INDEX
    from openpyxl.xml.functions import fromstring

    indexed = tuple(str(c) for c in (getattr(book, "_colors", None) or COLOR_INDEX))
    data = getattr(book, "loaded_theme", None)
    if not data:
        return _Palette(indexed=indexed)  # no theme part: the spreadsheet's own defaults
    found: dict[str, float | None] = {}
    try:
        for element in fromstring(data).iter():
            name = str(element.tag).rsplit("}", 1)[-1]
            if name in ("dk1", "lt1", "dk2", "lt2") and name not in found:
                found[name] = _theme_colour(element)
    except Exception:  # noqa: BLE001 - openpyxl read the workbook with it; colours not told here are refused
        found = {}
    return _Palette((found.get("lt1"), found.get("dk1"), found.get("lt2"), found.get("dk2")), indexed)


def _theme_colour(element: Any) -> float | None:
    """The brightness of one colour of a theme's colour scheme (its one child)."""
    for child in element:
        kind, value = str(child.tag).rsplit("}", 1)[-1], child.get("val")
        if len(child):  # a transform of the colour (<a:lumOff>, <a:inv/>: black drawn white): not told here
            return None
        if kind == "sysClr":  # the system's colours: text is dark, a window light
            return {"windowText": 0.0, "window": 1.0}.get(str(value))
        if kind == "srgbClr" and isinstance(value, str) and re.fullmatch("[0-9A-Fa-f]{6}", value):
            r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
            return 0.2126 * r + 0.7152 * g + 0.0722 * b
    return None


def _brightness(color: Any, palette: _Palette = _STANDARD) -> float | None:
    """A colour's brightness from 0 (black) to 1 (white), None when it cannot be told here
    (a theme's accent colours are the theme's to choose). Automatic is the system's text
    colour: black. Theme and indexed colours are the workbook's own (_palette)."""
    from openpyxl.styles.colors import COLOR_INDEX

    kind = getattr(color, "type", None)
    if color is None or kind == "auto":
        return 0.0
    if kind == "rgb" and isinstance(color.rgb, str) and re.fullmatch("[0-9A-Fa-f]{6,8}", color.rgb):
        r, g, b = (int(color.rgb[-6:][i : i + 2], 16) / 255 for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    tint = float(color.tint or 0.0)
    if kind == "theme" and color.theme in (0, 1, 2, 3):  # light 1, dark 1, light 2, dark 2
        base = palette.theme[color.theme]
        if base is None:
            return None
        return base * (1 + tint) if tint < 0 else base + (1 - base) * tint
    if kind == "indexed" and isinstance(color.indexed, int):
        if color.indexed == 64:  # the system's foreground (text) colour
            return 0.0
        colours = palette.indexed or COLOR_INDEX
        if 0 <= color.indexed < len(colours):
            return _brightness(type(color)(rgb=colours[color.indexed]))
    return None


def _font_readable(font: Any, palette: _Palette = _STANDARD) -> bool:
    """Whether a font (a cell style's, or a rich-text run's own) shows text: dark, of a
    readable size."""
    text = _brightness(font.color, palette)
    size = float(font.sz) if font.sz is not None else _LEAST_FONT_POINTS
    return text is not None and text < 0.5 and math.isfinite(size) and size >= _LEAST_FONT_POINTS


def _string_shown(node: Any, palette: _Palette = _STANDARD) -> bool:
    """Whether a string item (a cell's inline string `<is>`, a shared string `<si>`) shows
    all the text openpyxl reads from it: every rich-text run (`<r>`, a part of the text with
    a font of its own, which overrides the cell style's) in a readable font, no phonetic
    guide (`<rPh>`, text a spreadsheet shows above the cell's), and not plain text and runs
    together (openpyxl joins them; which a spreadsheet shows is its own). The cell's fill is
    its style's, judged by _shown_as_held. suitcheck writes plain text only (`<t>`), and so
    does a re-save of it; this runs in full only for an item holding anything else."""
    from openpyxl.cell.text import Text

    if len(node) == 1 and node[0].tag == _PLAIN_TEXT:
        return True
    text = Text.from_tree(node)
    if text.rPh or (text.t is not None and text.r):
        return False
    return all(run.rPr is None or _font_readable(run.rPr, palette) for run in text.r)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PLAIN_TEXT = f"{{{_MAIN_NS}}}t"
_INLINE_STRING = f"{{{_MAIN_NS}}}is"


def _hidden_text(path: Path) -> ExportError:
    return ExportError(
        f"The workbook {path.name} gives part of a cell's text a font that can hide it (white, the background's "
        "colour or too small) or a phonetic guide that shows other text over it; it was edited."
    )


def _strings_shown(book: Any, path: Path) -> None:
    """Refuse a workbook whose shared strings (a re-saved workbook's cells, found as openpyxl
    finds them: by their content type) hide part of their text (_string_shown): openpyxl's
    reader joins the runs' text and drops their fonts, so a run in white showed the cell
    empty while the cell, read here, held its record's text."""
    from openpyxl.xml.constants import SHARED_STRINGS
    from openpyxl.xml.functions import fromstring, iterparse

    archive, palette = book._archive, _palette(book)
    try:
        types = fromstring(archive.read("[Content_Types].xml"))
        parts = [str(e.get("PartName", "")).lstrip("/") for e in types if e.get("ContentType") == SHARED_STRINGS]
        for part in parts:
            with archive.open(part) as source:
                for _, node in iterparse(source):
                    if node.tag == f"{{{_MAIN_NS}}}si":
                        if not _string_shown(node, palette):
                            raise _hidden_text(path)
                        node.clear()
    except ExportError:
        raise
    except Exception as exc:  # openpyxl read them a moment ago
        raise ExportError(f"The workbook {path.name} cannot be read.") from exc


def _readable(font: Any, fill: Any, palette: _Palette = _STANDARD) -> bool:
    """Whether a cell style shows its text: dark text (auto, black, the theme's dark colours,
    any colour of brightness under one half), of a readable size, on no fill or a light one.
    suitcheck writes the theme's text colour on no fill; LibreOffice's re-save writes black.
    A reader's highlight (a pale fill) passes; white text, the background's colour, a dark
    box or text a point high does not, and neither does a colour or fill not told here."""
    if not _font_readable(font, palette):
        return False
    pattern = getattr(fill, "patternType", "gradient")  # a gradient fill has no pattern: not told here
    if pattern in (None, "none", "gray125"):
        return True
    if pattern == "gradient":
        return False
    back = _brightness(fill.fgColor, palette)
    if pattern != "solid":
        behind = _brightness(fill.bgColor, palette)
        back = None if back is None or behind is None else min(back, behind)
    return back is not None and back >= 0.5


# Relationships (by the last part of their type, strict OOXML's as well) to parts a spreadsheet
# draws over or beside the cells: a text box or picture over a cell shows other text there.
_DRAWN = frozenset(
    (
        *("drawing", "vmldrawing", "image", "chart", "chartsheet", "oleobject", "package", "control", "ctrlprop"),
        # A comment shows its text over the sheet (hovered, or always): Excel writes a VML
        # drawing beside it, but LibreOffice and Excel 365 (threaded comments) need none.
        *("comments", "threadedcomment", "threadedcomments"),
    )
)


# Relationships to parts that format cells on top of their cell styles: a table (or pivot
# table) with a table style of the workbook's own (a `wholeTable` element whose differential
# format gives white text) shows the rows it covers empty. suitcheck writes none; a re-save
# of an export adds none.
_RESTYLING = frozenset(("table", "pivottable"))


def _drawn(path: Path, part: str) -> ExportError:
    return ExportError(
        f"The workbook {path.name} holds a drawing, picture, chart, embedded object, control or comment "
        f"({part}), which can show text over its cells; it was edited."
    )


def _nothing_drawn(book: Any, path: Path) -> None:
    """Refuse a workbook with a drawing, picture, chart, embedded object, control or comment,
    which openpyxl's reader does not read: a text box anchored over a cell (filled white, reading
    'block') shows the cell otherwise than it holds, as a custom number format would.
    suitcheck writes none; a re-save by Excel or LibreOffice adds none. Every relationship
    part is read, wherever it lies (a part's name says nothing: its relationship's type is
    what a spreadsheet goes by)."""
    from openpyxl.xml.functions import fromstring  # defusedxml's parser when installed

    archive = book._archive
    for name in archive.namelist():
        if not name.lower().endswith(".rels"):
            continue
        try:
            root = fromstring(archive.read(name))
        except Exception as exc:
            raise ExportError(f"The workbook {path.name} cannot be read.") from exc
        for link in root:
            kind = str(link.get("Type", "")).rstrip("/").rsplit("/", 1)[-1].lower()
            if kind in _RESTYLING:
                raise ExportError(
                    f"The workbook {path.name} lays a table over its cells, whose style can hide their text; "
                    "it was edited."
                )
            if kind in _DRAWN:
                target = str(link.get("Target", ""))
                if link.get("TargetMode") != "External":
                    owner = posixpath.dirname(posixpath.dirname(name))
                    target = posixpath.normpath(posixpath.join(owner, target)).lstrip("/")
                part = escape_controls(target[:80])
                raise _drawn(path, part)


def _styles_read_here(book: Any, path: Path) -> None:
    """Refuse a workbook whose styles or theme a spreadsheet takes from another part than
    the one read here: openpyxl reads xl/styles.xml and xl/theme/theme1.xml by name, a
    spreadsheet reads the parts the workbook's relationships name, so a second styles part
    (its fonts white) named there showed rows empty while every check here read the first.
    suitcheck and a re-save write the two parts at those names."""
    from openpyxl.xml.constants import ARC_STYLE, ARC_THEME
    from openpyxl.xml.functions import fromstring

    archive = book._archive
    try:
        root = fromstring(archive.read("_rels/.rels"))
        workbook = next(
            posixpath.normpath(str(link.get("Target", ""))).lstrip("/")
            for link in root
            if str(link.get("Type", "")).rstrip("/").endswith("/officeDocument")
        )
        folder, name = posixpath.split(workbook)
        links = fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
    except Exception as exc:  # no part, no such relationship, no XML: openpyxl read it otherwise
        raise ExportError(f"The workbook {path.name} cannot be read.") from exc
    for link in links:
        kind = str(link.get("Type", "")).rstrip("/").rsplit("/", 1)[-1].lower()
        target = posixpath.normpath(posixpath.join(folder, str(link.get("Target", "")))).lstrip("/")
        if (kind, target) in (("styles", ARC_STYLE), ("theme", ARC_THEME)) or kind not in ("styles", "theme"):
            continue
        raise ExportError(
            f"The workbook {path.name} takes its styles or theme from a part other than the one verified here; "
            "it was edited."
        )


def _cells_read_here(book: Any, path: Path) -> None:
    """Refuse a workbook whose cells a spreadsheet takes from another workbook part or shared
    strings part than openpyxl reads: openpyxl finds both by their content type in
    [Content_Types].xml (the first part declared so), a spreadsheet by the package's
    relationship (officeDocument) and the workbook's (sharedStrings). A second workbook part
    named by the package's relationship, its own sheet reading 'allow' where the verified
    one reads 'block' (or a second shared strings part named by the workbook's relationships),
    showed other cells than every check here read. suitcheck and a re-save write one of each."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.constants import SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    archive = book._archive
    try:
        package = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
        read = _find_workbook_part(package).PartName.lstrip("/")
        strings = package.find(SHARED_STRINGS)
        read_strings = {strings.PartName.lstrip("/")} if strings is not None else set()
        shown = [
            posixpath.normpath(str(link.get("Target", ""))).lstrip("/")
            for link in fromstring(archive.read("_rels/.rels"))
            if str(link.get("Type", "")).rstrip("/").endswith("/officeDocument")
        ]
        folder, name = posixpath.split(read)
        links = fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
    except Exception as exc:  # openpyxl read them a moment ago
        raise ExportError(f"The workbook {path.name} cannot be read.") from exc
    shown_strings = {
        posixpath.normpath(posixpath.join(folder, str(link.get("Target", "")))).lstrip("/")
        for link in links
        if str(link.get("Type", "")).rstrip("/").rsplit("/", 1)[-1].lower() == "sharedstrings"
    }
    if shown != [read] or shown_strings != read_strings:
        raise ExportError(
            f"The workbook {path.name} shows its cells from a part other than the one verified here (a second "
            "workbook or shared strings part); it was edited."
        )


def _printed_whole(book: Any, path: Path) -> None:
    """Refuse a workbook with a print area (the defined name _xlnm.Print_Area): a copy printed
    for the regulator holds only the rows it covers, so a block below them is never on paper,
    while every cell still holds its record's text. suitcheck writes no defined name; a
    re-save by Excel or LibreOffice adds no print area."""
    from openpyxl.xml.functions import fromstring  # defusedxml's parser when installed

    archive = book._archive
    try:
        root = fromstring(archive.read("_rels/.rels"))
        target = next(
            str(link.get("Target", ""))
            for link in root
            if str(link.get("Type", "")).rstrip("/").endswith("/officeDocument")
        )
        workbook = fromstring(archive.read(posixpath.normpath(target).lstrip("/")))
    except Exception as exc:  # no part, no such relationship, no XML: openpyxl read it otherwise
        raise ExportError(f"The workbook {path.name} cannot be read.") from exc
    for element in workbook.iter():
        if str(element.tag).endswith("definedName") and str(element.get("name", "")).lower() == "_xlnm.print_area":
            raise ExportError(
                f"The workbook {path.name} hides rows or columns from whoever opens it (a print area), which can "
                "keep an entry out of sight; it was edited."
            )


def _sheet_rows(book: Any, sheet: Any, path: Path) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows from its first, an empty tuple for each row number the sheet skips,
    every cell read whatever the sheet's <dimension> says. This is openpyxl's read-only
    reader (_cells_by_row) without its two silences: it drops a row numbered at or before
    one already read, and keeps only the last of two cells in one column. A spreadsheet
    shows such a row or cell (LibreOffice shows a row 14 written again at the sheet's end
    over the first), so a sheet holding one, out of order or repeated, is refused; so is
    one with conditional formatting or merged cells, which show cells otherwise than they
    hold (a rule's number format, a merge showing one cell across others)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    palette, styles = _palette(book), len(book._cell_styles)

    class Parser(WorkSheetParser):  # type: ignore[misc]
        formatted = False
        hiding = False
        extended = False

        def parse_formatting(self, element: Any) -> None:
            self.formatted = True  # openpyxl drops a rule it cannot read; any rule is refused

        def parse_extensions(self, element: Any) -> None:
            # Newer spreadsheets' additions to a sheet (`<extLst>`), which openpyxl drops:
            # conditional formats (their own differential formats: white text on a row),
            # input messages, sparklines drawn in cells. suitcheck and a re-save write none.
            self.extended = True

        def parse_cell(self, element: Any) -> dict[str, Any]:
            # An inline string's runs: openpyxl's value is their text, without their fonts.
            if element.get("t") == "inlineStr":
                node = element.find(_INLINE_STRING)
                if node is not None and not _string_shown(node, palette):
                    self.hiding = True
            return _styled_as_defined(super().parse_cell(element), styles, path)

    with sheet._get_source() as source:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        previous = 0
        for number, cells in parser.parse():
            if number <= previous:
                raise ExportError(f"The workbook {path.name} has a row {number} after row {previous}; it was edited.")
            yield from ((),) * (number - previous - 1)
            previous = number
            row: list[Any] = []
            for cell in cells:
                column = cell["column"]
                if cell["row"] != number or column <= len(row):
                    raise ExportError(
                        f"The workbook {path.name} has a cell out of order or repeated in row {number}; it was edited."
                    )
                row.extend((None,) * (column - len(row) - 1))
                row.append(cell["value"])
            yield tuple(row)
        _shown_whole(parser, path)


def _styled_as_defined(cell: dict[str, Any], styles: int, path: Path) -> dict[str, Any]:
    """A parsed cell, refused when its style (s=) is not one of the workbook's cell formats:
    LibreOffice shows such a cell in the default cell style (the one named Normal, whatever
    parent it points at), which nothing here judged."""
    if not 0 <= cell["style_id"] < styles:
        number = cell["row"]
        raise ExportError(
            f"The workbook {path.name} gives a cell in row {number} a style it does not define; it was edited."
        )
    return cell


def _shown_whole(parser: Any, path: Path) -> None:
    """Refuse a parsed sheet that shows cells otherwise than they hold (_sheet_rows)."""
    if parser.hiding:
        raise _hidden_text(path)
    if parser.formatted or parser.extended or parser.merged_cells is not None:
        raise ExportError(
            f"The workbook {path.name} has conditional formatting or merged cells, which show cells otherwise "
            "than they hold; it was edited."
        )
    links = getattr(parser, "hyperlinks", None)
    if links is not None and links.hyperlink:
        # A hyperlink shows its tooltip (or its address) beside the cell whenever it is pointed at.
        raise _drawn(path, "a hyperlink")
    prompts = getattr(parser, "data_validations", None)
    if prompts is not None and any(v.showInputMessage and (v.prompt or v.promptTitle) for v in prompts.dataValidation):
        # An input message shows its text beside the cell whenever it is selected.
        raise _drawn(path, "a data validation's input message")
    if _hides_some(parser):
        raise ExportError(
            f"The workbook {path.name} hides rows or columns from whoever opens it (hidden, or too narrow "
            "to read), which can keep an entry out of sight; it was edited."
        )


# A row lower than this (points) or a column narrower than this (characters) shows no text
# anyone reads: hidden, whatever its hidden flag says. suitcheck writes rows of the default
# height (15) and columns of 8 characters or more; a re-save keeps them.
_LEAST_ROW_POINTS = 6.0
_LEAST_COLUMN_CHARACTERS = 1.0


def _frozen_beyond_header(parser: Any) -> bool:
    """Whether a sheet view freezes more than suitcheck's header row and first column: the
    frozen rows fill the window, and the rows after them cannot be scrolled to."""
    views = getattr(parser, "views", None)
    for view in views.sheetView if views is not None else ():
        pane = view.pane
        if pane is not None and pane.state in ("frozen", "frozenSplit") and max(pane.xSplit or 0, pane.ySplit or 0) > 1:
            return True
    return False


def _hides_some(parser: Any) -> bool:
    """Whether the parsed sheet keeps a row or column out of sight: a row or column hidden
    (as Excel and LibreOffice hide them, also by a filter or a collapsed outline), a filter
    with criteria (or a sort: rows shown in another order than their numbers), a row of
    (nearly) no height or a column of (nearly) no width, or rows hidden unless they say
    otherwise (the sheet's zeroHeight, or a default height of nearly nothing), or panes
    frozen beyond suitcheck's one header row and one column (a hundred rows frozen fill the
    window, and the rows after them cannot be scrolled to). Every cell
    still holds what its record says, so nothing else tells a reader who sees only the
    shown rows (the allows) that a block is among them."""

    def flag(value: object) -> bool:
        return str(value).strip().lower() in ("1", "true")

    def below(value: object, least: float) -> bool:
        try:
            size = float(str(value))
        except ValueError:
            return True  # a size no spreadsheet writes: refused, not guessed
        return not math.isfinite(size) or size < least  # NaN compares false with everything

    for attrs in parser.row_dimensions.values():
        if flag(attrs.get("hidden")) or ("ht" in attrs and below(attrs["ht"], _LEAST_ROW_POINTS)):
            return True
    for attrs in parser.column_dimensions.values():
        if flag(attrs.get("hidden")) or ("width" in attrs and below(attrs["width"], _LEAST_COLUMN_CHARACTERS)):
            return True
    shown = getattr(parser, "auto_filter", None)  # a filter's criteria hide the rows they leave out
    if _frozen_beyond_header(parser) or (shown is not None and (shown.filterColumn or shown.sortState is not None)):
        return True
    form = getattr(parser, "sheet_format", None)  # absent: rows are shown
    if form is None:
        return False
    default = form.defaultRowHeight
    return bool(form.zeroHeight) or (
        default is not None and (not math.isfinite(default) or default < _LEAST_ROW_POINTS)
    )


def _next_row(rows: Iterator[Sequence[Any]], path: Path, number: int) -> Sequence[Any] | None:
    """The sheet's next row, None at its end; a sheet whose XML, zip stream or cell values
    cannot be read (damaged, truncated, a number cell holding text) fails with a sentence."""
    try:
        return next(rows, None)
    except ExportError:
        raise
    except Exception as exc:
        raise ExportError(f"The workbook {path.name} is damaged: its sheet cannot be read at row {number}.") from exc


def _xlsx_records(path: Path, display_digest: Any) -> Iterator[dict[str, Any]]:
    """An XLSX export's records: the canonical column joined with the cells that continue
    it, the readable cells compared as xlsx_shown writes them."""
    last = len(HEADERS) - 1
    for number, row in _xlsx_rows(path):
        # Only text holding "_x" can hold an OOXML escape.
        escaped = "_x" in "".join([c for c in row if c.__class__ is str])
        cells = [_ooxml_text(c) for c in row] if escaped else list(row)
        while len(cells) > last + 1 and cells[-1] is None:
            cells.pop()
        pieces = cells[last:]
        if len(pieces) > 1 and any(p is None or p.__class__ is not str for p in pieces):
            raise _CellMismatch(
                None,
                f"row {number}'s record continues over {len(pieces)} cells with an empty or non-text one among "
                "them: a continuation cell was removed or edited",
            )
        text = "".join(str(p) for p in pieces if p is not None)
        try:
            record = _parse(text, number)
        except ExportError as exc:
            if len(pieces) > 1:
                raise _CellMismatch(
                    None,
                    f"row {number}'s record, split over {len(pieces)} cells, does not join into valid JSON: "
                    "a continuation cell was edited, removed or reordered",
                ) from exc
            raise
        _as_written(record, text, number)
        _compare_cells(number, cells, record, display_digest, _xlsx_expected_text, _xlsx_plain_texts)
        yield record


def _legacy_xlsx_records(path: Path, display_digest: Any) -> Iterator[dict[str, Any]]:
    """A workbook written before XLSX_CELLS (openpyxl, readable cells raw, one record cell)."""
    for number, cells in _xlsx_rows(path):
        text = str(cells[len(HEADERS) - 1] or "")
        record = _parse(text, number)
        _as_written(record, text, number)
        _compare_cells(number, cells, record, display_digest)
        yield record


def _parse(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ExportError(f"Row {number} of the export is damaged (not valid JSON).") from exc
    except RecursionError:  # nested deeper than Python reads JSON: no record is
        record = None
    if not isinstance(record, dict):
        raise ExportError(f"Row {number} of the export is damaged.")
    return record


# Every key a CSV or XLSX record holds (`chain` and `mac` since sealing, `display` since the
# joined-in columns were pinned).
_RECORD_KEYS = frozenset((*_CANONICAL_FIELDS, "chain", "entry_hash", "mac", "display"))


def _as_written(record: dict[str, Any], text: str, number: int) -> None:
    """A CSV or XLSX record must be the very text suitcheck writes, canonical_json of what it
    holds: a CSV's or workbook's bytes are not signed (a re-save may change them), so the
    record's text is what a reader takes for the entry. JSON read here keeps the last of two
    equal keys and ignores keys no record has, so without this a record could say
    '"decision":"allow",...,"decision":"block"', or carry an "approved_by", and verify.
    (A JSON Lines file is signed byte for byte by its manifest.)"""
    if set(record) - _RECORD_KEYS or canonical_json(record) != text:
        raise _CellMismatch(
            record.get("seq"),
            f"row {number}'s record is not written as suitcheck writes it (a key repeated, added or moved, "
            "or space added): it was edited",
        )


def _as_rows(records: Iterable[dict[str, Any]], entries_digest: Any) -> Iterator[tuple[Any, ...]]:
    for r in records:
        try:
            c = {k: r[k] for k in _CANONICAL_FIELDS}
        except KeyError as exc:
            raise ExportError(f"An exported entry lacks the field {exc.args[0]!r}.") from exc
        if not _well_typed(c, r):
            raise _CellMismatch(c.get("seq"), f"entry {c.get('seq')} has a field of the wrong type; it was edited")
        digest = str(r.get("entry_hash", ""))
        entries_digest.update(f"{c['seq']}:{digest}\n".encode())
        yield (
            c["seq"],
            c["at"],
            c["staff"],
            c["action"],
            c["investor_id"],
            c["report_id"],
            c["decision"],
            canonical_json(c["reasons"]),
            canonical_json(c["facts"]),
            c["prev_hash"],
            digest,
            r.get("chain"),
            r.get("mac"),
        )


def _well_typed(c: dict[str, Any], r: dict[str, Any]) -> bool:
    def is_int(v: object) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    return (
        is_int(c["seq"])
        and all(isinstance(c[k], str) for k in ("at", "staff", "action", "prev_hash"))
        and all(c[k] is None or is_int(c[k]) for k in ("investor_id", "report_id"))
        and (c["decision"] is None or isinstance(c["decision"], str))
        and all(r.get(k) is None or isinstance(r.get(k), str) for k in ("chain", "mac", "entry_hash"))
    )


def check_manifest_signature(manifest: dict[str, Any], trusted: set[str]) -> tuple[str, str | None]:
    """('valid', None) when the manifest is signed by an epoch key that the seals lead to
    from a trusted genesis key; otherwise the verdict and one sentence."""
    signature, signer = manifest.get("signature"), manifest.get("signer")
    if not signature or not isinstance(signer, dict):
        return "missing", "the manifest carries no signature"
    genesis, chain = str(signer.get("genesis_public_key", "")), str(signer.get("chain", ""))
    if genesis not in trusted:
        return "untrusted", f"the manifest is signed by installation {chain}, whose genesis key is not trusted here"
    if chain_id(genesis) != chain:
        return "invalid", "the manifest names a signer whose key is not its own"
    reached = walk_ladder(chain, genesis, manifest.get("ladder") or [])
    if isinstance(reached, str):
        return "invalid", reached
    if reached != (signer.get("epoch"), signer.get("public_key")):
        return "invalid", "the manifest's signing key is not the one its seals lead to"
    if not signature_ok(str(signer["public_key"]), str(signature), manifest_message(manifest)):
        return "invalid", "the manifest's signature does not match its content"
    return "valid", None


def verify_export(path: Path, trusted: set[str]) -> ExportVerification:
    """Verify an export with only the trusted genesis public keys: the manifest's
    signature, the chain in the records (seals, MACs revealed by seals), the readable
    cells against the records, and the counts and digests the manifest signs."""
    path = path.expanduser()
    manifest = _load_manifest(path)
    verdict, why = check_manifest_signature(manifest, trusted)
    if verdict != "valid":
        return ExportVerification(VerifyResult(False, 0, problem=why), verdict, manifest)
    # A renamed file is fine: its content is what is checked, in the manifest's format.
    entries_digest, display_digest = hashlib.sha256(), hashlib.sha256()
    filtered = bool(manifest.get("filtered"))
    verifier = Verifier(
        trusted=trusted,
        expected_prev=manifest.get("first_prev_hash") or GENESIS_HASH,
        first_seq=manifest.get("first_seq") or 1,
        linked=not filtered,
    )
    awaiting = [0]
    try:
        rows = _as_rows(_records(path, manifest, display_digest), entries_digest)
        failure = verifier.feed(_awaiting_seal(manifest, rows, awaiting) if filtered else rows)
    except _CellMismatch as exc:
        return ExportVerification(VerifyResult(False, 0, bad_seq=exc.seq, problem=str(exc)), verdict, manifest)
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"The export {path} cannot be read.") from exc
    result = failure or (verifier.finish() if not filtered else _unlinked_result(verifier, awaiting[0]))
    if result.ok:
        problem = _differs_from_manifest(path, manifest, result, entries_digest, display_digest)
        if problem is not None:
            result = dataclasses.replace(result, ok=False, problem=problem)
    # Said after what the file itself shows: an edit made to it since is the later news.
    failed = trail_failure(manifest)
    if failed is not None:
        result = dataclasses.replace(
            result, ok=False, problem=failed if result.ok else f"{result.problem}; and {failed}"
        )
    elif result.ok:
        stranger = untrusted_installation(manifest, trusted)
        if stranger is not None:
            result = dataclasses.replace(result, ok=False, problem=stranger)
    return ExportVerification(result, verdict, manifest)


def _differs_from_manifest(
    path: Path, manifest: dict[str, Any], result: VerifyResult, entries_digest: Any, display_digest: Any
) -> str | None:
    """What in a chain-valid export contradicts the signed manifest, if anything."""
    fmt = manifest["format"]
    if fmt == "jsonl":
        try:
            with path.open("rb") as handle:  # streamed: a million entries are half a gigabyte
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            raise ExportError(f"The export {path} cannot be read.") from exc
        if digest != manifest.get("file_sha256"):
            return "the file differs from the one the manifest describes"
    if result.count != manifest.get("count"):
        return (
            f"the export holds {result.count} entries but its manifest says {manifest.get('count')} "
            "(truncated or padded)"
        )
    if result.count and result.head_hash != manifest.get("last_hash"):
        return "the last entry differs from the manifest"
    if entries_digest.hexdigest() != manifest.get("entries_sha256"):
        return "the entries differ from the ones the manifest lists (added, removed or reordered)"
    if fmt != "jsonl" and display_digest.hexdigest() != manifest.get("display_sha256"):
        return "the client or report columns were edited (they differ from the digest the manifest signs)"
    return None


def _unlinked_result(verifier: Verifier, unsealed: int = 0) -> VerifyResult:
    return VerifyResult(True, verifier.count, verifier.last_seq, verifier.last_hash, unsealed=unsealed)


# Far more than any manifest suitcheck writes (a few kilobytes: digests, counts, filters).
MANIFEST_MAX_BYTES = 1 << 20


def _load_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    try:
        # Beside the export, where whoever handed it over can put a pipe or a link to
        # /dev/zero in its place: read bounded, never waited on.
        data = read_regular(manifest_path, MANIFEST_MAX_BYTES)
        if data is None:
            raise ValueError  # longer than any manifest: damaged, as below
        manifest = json.loads(data.decode("utf-8"))
    except FileNotFoundError as exc:
        raise ExportError(f"The manifest {manifest_path.name} is missing; an export is verified with it.") from exc
    except (OSError, ValueError, RecursionError) as exc:
        # ValueError: no UTF-8, no JSON, or too long; RecursionError: JSON nested deeper than
        # Python reads it. A pipe or a device in the manifest's place: OSError.
        raise ExportError(f"The manifest {manifest_path.name} is damaged.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS:
        raise ExportError(f"The manifest {manifest_path.name} is not a suitcheck export manifest.")
    return manifest


def recorded_files(path: Path, manifest: dict[str, Any], digests: set[str]) -> dict[str, dict[str, Any]]:
    """Of `digests`, each that an entry of the export records as the SHA-256 of a file
    suitcheck wrote or read (`file_sha256` in its facts: the self-inspection, a confirmation
    sheet, a distribution or reminder list, a client export or import), with that entry's
    seq, action, time and staff (the first such entry). Read only from an export that
    verified: its records are then the trail's."""
    found: dict[str, dict[str, Any]] = {}
    for record in _records(path, manifest, hashlib.sha256()):
        facts = record.get("facts")
        digest = facts.get("file_sha256") if isinstance(facts, dict) else None
        if isinstance(digest, str) and digest in digests and digest not in found:
            found[digest] = {k: record.get(k) for k in ("seq", "action", "at", "staff")}
            if len(found) == len(digests):
                break
    return found


def with_documents(check: ExportVerification, path: Path, documents: Sequence[Path]) -> ExportVerification:
    """`check` with each document looked up among the export's entries by its SHA-256 (the
    entry that recorded writing it): a document no entry records fails the verification
    (edited since it was written, or not a file suitcheck wrote). Nothing is looked up in
    an export that failed: its entries vouch for nothing."""
    if not documents or not check.ok:
        return check
    digests: list[tuple[Path, str]] = []
    for document in documents:
        try:
            with document.expanduser().open("rb") as handle:
                digests.append((document, hashlib.file_digest(handle, "sha256").hexdigest()))
        except OSError as exc:
            raise ExportError(f"The document {document} cannot be read.") from exc
    try:
        found = recorded_files(path.expanduser(), check.manifest, {d for _, d in digests})
    except (_CellMismatch, OSError, UnicodeDecodeError) as exc:  # it verified a moment ago
        raise ExportError(f"The export {path} cannot be read.") from exc
    listed = tuple({"file": str(doc), "sha256": digest, **found.get(digest, {})} for doc, digest in digests)
    missing = next(((doc, digest) for doc, digest in digests if digest not in found), None)
    if missing is None:
        return dataclasses.replace(check, documents=listed)
    doc, digest = missing
    name, short = escape_controls(doc.name), digest[:16]
    if check.manifest.get("filtered"):
        problem = (
            f"the document {name} (SHA-256 {short}…) is recorded in none of the entries this filtered export holds "
            "(the entry that recorded it may be outside its filters): it was changed after suitcheck wrote it, or "
            "suitcheck did not write it"
        )
    else:
        problem = (
            f"the document {name} (SHA-256 {short}…) is recorded in no entry of this export: it was changed after "
            "suitcheck wrote it, or suitcheck did not write it"
        )
    return dataclasses.replace(
        check, result=dataclasses.replace(check.result, ok=False, problem=problem), documents=listed
    )


def verify_prefix(earlier: Path, later: Path, trusted: set[str]) -> ExportVerification:
    """Prove that `earlier` is a prefix of `later`: both verify on their own, and `later`
    holds the entry `earlier` ends with, with the same hash. Since every hash covers
    the one before it, that pins every earlier entry too."""
    old = verify_export(earlier, trusted)
    new = verify_export(later, trusted)
    for check, name in ((old, earlier.name), (new, later.name)):
        if not check.ok:
            return ExportVerification(
                dataclasses.replace(check.result, ok=False, problem=f"{name}: {check.result.problem or 'invalid'}"),
                check.signature,
                check.manifest,
            )
        if check.manifest.get("filtered"):
            return ExportVerification(
                dataclasses.replace(
                    check.result, ok=False, problem=f"{name} is a filtered export; use whole-chain exports"
                ),
                check.signature,
                check.manifest,
            )
    last_seq, last_hash = old.manifest.get("last_seq"), old.manifest.get("last_hash")
    if last_seq is None:
        return new  # an empty earlier export is a prefix of anything
    records = _records(later, new.manifest, hashlib.sha256())
    found = next((r for r in _as_rows(records, hashlib.sha256()) if r[0] == last_seq), None)
    if found is None or found[10] != last_hash:
        problem = (
            f"{later.name} does not contain entry {last_seq}"
            if found is None
            else f"entry {last_seq} differs between the two exports: history was rewritten"
        )
        return ExportVerification(
            dataclasses.replace(new.result, ok=False, bad_seq=last_seq, problem=problem), new.signature, new.manifest
        )
    return new
