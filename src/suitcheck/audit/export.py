"""Audit exports (CSV, XLSX, JSON Lines) with a signed manifest, and their offline verification.

Every format carries each entry's canonical JSON; verification reads only that, never
the formatted cells, so Excel's reformatting cannot break (or fake) a verification.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import hmac
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from suitcheck.audit.chain import GENESIS_HASH, VerifyResult, canonical_json, verify_rows

FORMATS = ("csv", "xlsx", "jsonl")
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
_DANGEROUS_LEAD = ("=", "+", "-", "@", "\t", "\r")


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

    def canonical(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "staff": self.staff,
            "action": self.action,
            "investor_id": self.investor_id,
            "report_id": self.report_id,
            "decision": self.decision,
            "reasons": json.loads(self.reasons),
            "facts": json.loads(self.facts),
            "prev_hash": self.prev_hash,
        }

    def cells(self) -> list[object]:
        facts = json.loads(self.facts)
        return [
            self.seq,
            self.at,
            self.staff,
            self.action,
            self.client_account,
            self.client_name,
            self.client_id_number,
            self.report_id,
            self.report_title,
            self.decision,
            " ".join(json.loads(self.reasons)),
            facts.get("profile"),
            facts.get("level"),
            facts.get("policy_version"),
            self.entry_hash,
            canonical_json(self.record()),
        ]

    def record(self) -> dict[str, Any]:
        """The canonical entry plus its hash: what the JSONL line and 'canonical' cell hold."""
        return {**self.canonical(), "entry_hash": self.entry_hash}


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

    def see(self, row: ExportRow) -> None:
        if self.count == 0:
            self.first_seq, self.first_prev = row.seq, row.prev_hash
        self.count += 1
        self.last_seq, self.last_hash = row.seq, row.entry_hash


def _counted(rows: Iterable[ExportRow], tally: _Tally, progress: Callable[[int], None] | None) -> Iterator[ExportRow]:
    for row in rows:
        tally.see(row)
        if progress and tally.count % 5000 == 0:
            progress(tally.count)
        yield row


def _write_csv(handle: io.BufferedWriter, rows: Iterable[ExportRow]) -> None:
    # UTF-8 with BOM, so Excel shows Chinese instead of mojibake.
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([neutralise(c) for c in row.cells()])
    text.flush()
    text.detach()


def _write_jsonl(handle: io.BufferedWriter, rows: Iterable[ExportRow]) -> None:
    for row in rows:
        handle.write((canonical_json(row.record()) + "\n").encode("utf-8"))


def _write_xlsx(handle: io.BufferedWriter, rows: Iterable[ExportRow]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("audit")
    sheet.freeze_panes = "B2"
    widths = (8, 28, 16, 14, 14, 12, 22, 10, 40, 20, 40, 8, 8, 8, 66, 30)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([neutralise(c) for c in row.cells()])
    book.save(handle)


_WRITERS: dict[str, Callable[[io.BufferedWriter, Iterable[ExportRow]], None]] = {
    "csv": _write_csv,
    "jsonl": _write_jsonl,
    "xlsx": _write_xlsx,
}


def manifest_mac(key: bytes, manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return hmac.new(key, canonical_json(body).encode(), hashlib.sha256).hexdigest()


def write_export(
    out: Path,
    fmt: str,
    rows: Iterable[ExportRow],
    *,
    key: bytes,
    context: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write the export and its manifest atomically (temp file, then rename): a failure
    (disk full, unwritable folder) leaves no half-written file behind."""
    if fmt not in _WRITERS:
        raise ExportError(f"Unknown export format {fmt!r}; use csv, xlsx or jsonl.")
    out = out.expanduser().resolve()
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    tally = _Tally()
    digest = hashlib.sha256()
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        with os.fdopen(fd, "wb") as handle:
            _WRITERS[fmt](handle, _counted(rows, tally, progress))  # type: ignore[arg-type]
            handle.flush()
            os.fsync(handle.fileno())
        with open(tmp_name, "rb") as check:
            for block in iter(lambda: check.read(1 << 20), b""):
                digest.update(block)
        manifest = {
            "format": fmt,
            "file": out.name,
            "file_sha256": digest.hexdigest(),
            "count": tally.count,
            "first_seq": tally.first_seq,
            "last_seq": tally.last_seq,
            "first_prev_hash": tally.first_prev,
            "last_hash": tally.last_hash,
            **context,
        }
        manifest["mac"] = manifest_mac(key, manifest)
        manifest_path = out.with_name(out.name + MANIFEST_SUFFIX)
        _atomic_write(manifest_path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
        os.replace(tmp_name, out)
        tmp_name = None
        return manifest
    except PermissionError as exc:
        raise ExportError(f"Cannot write to {out.parent}: permission denied.") from exc
    except OSError as exc:
        raise ExportError(f"The export to {out} failed: {exc.strerror or exc}.") from exc
    finally:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- offline verification ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExportVerification:
    result: VerifyResult
    signature: str  # valid | invalid | unchecked
    manifest: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.result.ok and self.signature != "invalid"


def _canonical_records(path: Path, fmt: str) -> Iterator[dict[str, Any]]:
    if fmt == "jsonl":
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _parse(line, number)
    elif fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header or "canonical" not in header:
                raise ExportError("The CSV has no 'canonical' column; it is not a suitcheck export.")
            column = header.index("canonical")
            for number, cells in enumerate(reader, start=2):
                yield _parse(cells[column] if column < len(cells) else "", number)
    else:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = list(next(rows, ()) or ())
            if "canonical" not in header:
                raise ExportError("The workbook has no 'canonical' column; it is not a suitcheck export.")
            column = header.index("canonical")
            for number, cells in enumerate(rows, start=2):
                yield _parse(str(cells[column] or ""), number)
        finally:
            book.close()


def _parse(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ExportError(f"Row {number} of the export is damaged (not valid JSON).") from exc
    if not isinstance(record, dict):
        raise ExportError(f"Row {number} of the export is damaged.")
    return record


def _as_rows(records: Iterable[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    for r in records:
        try:
            canonical = {
                k: r[k]
                for k in (
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
            }
        except KeyError as exc:
            raise ExportError(f"An exported entry lacks the field {exc.args[0]!r}.") from exc
        yield (
            canonical["seq"],
            canonical["at"],
            canonical["staff"],
            canonical["action"],
            canonical["investor_id"],
            canonical["report_id"],
            canonical["decision"],
            canonical_json(canonical["reasons"]),
            canonical_json(canonical["facts"]),
            canonical["prev_hash"],
            str(r.get("entry_hash", "")),
        )


def verify_export(path: Path, key: bytes | None) -> ExportVerification:
    path = path.expanduser()
    manifest = _load_manifest(path)
    if key is None or "mac" not in manifest:
        signature = "unchecked"
    else:
        signature = "valid" if hmac.compare_digest(str(manifest["mac"]), manifest_mac(key, manifest)) else "invalid"
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ExportError(f"The export {path} cannot be read.") from exc
    fmt = manifest["format"]
    records = _canonical_records(path, fmt)
    if manifest.get("filtered"):
        # A filtered export is not contiguous: check each entry's own hash only.
        result = verify_rows(_as_rows(records), linked=False)
    else:
        first_prev = manifest.get("first_prev_hash") or GENESIS_HASH
        result = verify_rows(_as_rows(records), expected_prev=first_prev, first_seq=manifest.get("first_seq") or 1)
    if result.ok and fmt == "jsonl" and digest != manifest.get("file_sha256"):
        # CSV/XLSX may be re-saved by a spreadsheet; their entries were checked above.
        result = dataclasses.replace(result, ok=False, problem="the file differs from the one the manifest describes")
    if result.ok and result.count != manifest.get("count"):
        result = dataclasses.replace(
            result,
            ok=False,
            problem=f"the export holds {result.count} entries but its manifest says {manifest.get('count')} "
            "(truncated or padded)",
        )
    if result.ok and result.count and result.head_hash != manifest.get("last_hash"):
        result = dataclasses.replace(result, ok=False, problem="the last entry differs from the manifest")
    return ExportVerification(result, signature, manifest)


def _load_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExportError(f"The manifest {manifest_path.name} is missing; an export is verified with it.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"The manifest {manifest_path.name} is damaged.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS:
        raise ExportError(f"The manifest {manifest_path.name} is not a suitcheck export manifest.")
    return manifest


def verify_prefix(earlier: Path, later: Path, key: bytes | None) -> ExportVerification:
    """Prove that `earlier` is a prefix of `later`: both verify on their own, and `later`
    holds the entry `earlier` ends with, with the same hash. Since every hash covers
    the one before it, that pins every earlier entry too."""
    old = verify_export(earlier, key)
    new = verify_export(later, key)
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
    found = next((r for r in _as_rows(_canonical_records(later, new.manifest["format"])) if r[0] == last_seq), None)
    if found is None or found[-1] != last_hash:
        problem = (
            f"{later.name} does not contain entry {last_seq}"
            if found is None
            else f"entry {last_seq} differs between the two exports: history was rewritten"
        )
        return ExportVerification(
            dataclasses.replace(new.result, ok=False, bad_seq=last_seq, problem=problem), new.signature, new.manifest
        )
    return new
