"""Audit exports (CSV, XLSX, JSON Lines) with an Ed25519-signed manifest, and their
verification anywhere with only the installations' genesis public keys.

Every format carries each entry's canonical record. Verification checks the chain from
those records, then re-derives every readable CSV/XLSX cell from its row's record and
compares; the client and report columns (joined in, not hashed) are pinned by a digest
in the signed manifest. No cell may be a formula.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from suitcheck.audit.chain import GENESIS_HASH, Verifier, VerifyResult, canonical_json, walk_ladder
from suitcheck.audit.keys import chain_id, signature_ok
from suitcheck.domain.codes import ExportFormat

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
            "reasons": json.loads(self.reasons),
            "facts": json.loads(self.facts),
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

    def see(self, row: ExportRow) -> None:
        if self.count == 0:
            self.first_seq, self.first_prev = row.seq, row.prev_hash
        self.count += 1
        self.last_seq, self.last_hash = row.seq, row.entry_hash
        self.entries.update(f"{row.seq}:{row.entry_hash}\n".encode())
        self.display.update((canonical_json(row.display()) + "\n").encode())


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
    rows: Iterable[ExportRow],
    *,
    sign: Callable[[bytes], str],
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
            _WRITERS[ExportFormat(fmt)](handle, _counted(rows, tally, progress))
            handle.flush()
            os.fsync(handle.fileno())
        with open(tmp_name, "rb") as check:
            for block in iter(lambda: check.read(1 << 20), b""):
                digest.update(block)
        manifest = {
            "format": ExportFormat(fmt).value,
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
        manifest["signature"] = sign(manifest_message(manifest))
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


# -- verification anywhere ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExportVerification:
    result: VerifyResult
    signature: str  # valid | invalid | missing | untrusted
    manifest: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.result.ok and self.signature == "valid"


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


def _compare_cells(number: int, cells: Sequence[object], record: dict[str, Any], display_digest: Any) -> None:
    """Every readable cell must be what the record derives; none may be a formula."""
    display = record.get("display")
    if not isinstance(display, dict):
        raise _CellMismatch(record.get("seq"), f"row {number} has no client/report columns in its record")
    display_digest.update((canonical_json(display) + "\n").encode())
    canonical = {k: record.get(k) for k in _CANONICAL_FIELDS}
    expected = readable_cells(canonical, str(record.get("entry_hash", "")), display)
    if len(cells) < len(HEADERS):
        raise _CellMismatch(record.get("seq"), f"row {number} has {len(cells)} cells, not {len(HEADERS)}")
    for index, want in enumerate(expected):
        got = cells[index]
        got_text = "" if got is None else str(got)
        if got_text.startswith(_FORMULA_LEAD) and not got_text.startswith("'"):
            raise _CellMismatch(
                record.get("seq"), f"row {number}, column {HEADERS[index]} is a formula ({got_text[:30]!r})"
            )
        if got_text != _expected_text(want):
            raise _CellMismatch(
                record.get("seq"),
                f"row {number} (entry {record.get('seq')}), column {HEADERS[index]} reads {got_text[:40]!r} "
                f"but the entry's record says {_expected_text(want)[:40]!r}",
            )


def _records(path: Path, fmt: str, display_digest: Any) -> Iterator[dict[str, Any]]:
    if fmt == "jsonl":
        return _jsonl_records(path)
    if fmt == "csv":
        return _csv_records(path, display_digest)
    return _xlsx_records(path, display_digest)


def _jsonl_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield _parse(line, number)


def _csv_records(path: Path, display_digest: Any) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or tuple(header) != HEADERS:
            raise ExportError("The CSV's header row is not a suitcheck export's; it was edited or is not one.")
        for number, cells in enumerate(reader, start=2):
            record = _parse(cells[-1] if cells else "", number)
            _compare_cells(number, cells, record, display_digest)
            yield record


def _xlsx_records(path: Path, display_digest: Any) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:
        raise ExportError(f"The workbook {path.name} cannot be read.") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        first_row = tuple(next(rows, ()) or ())
        if first_row != HEADERS:
            raise ExportError("The workbook's header row is not a suitcheck export's; it was edited or is not one.")
        for number, cells in enumerate(rows, start=2):
            if not any(c is not None for c in cells):
                continue
            record = _parse(str(cells[len(HEADERS) - 1] or ""), number)
            _compare_cells(number, cells, record, display_digest)
            yield record
        for extra in book.worksheets[1:]:
            raise ExportError(f"The workbook has an extra sheet {extra.title!r}; it was edited.")
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


def _as_rows(records: Iterable[dict[str, Any]], entries_digest: Any) -> Iterator[tuple[Any, ...]]:
    for r in records:
        try:
            c = {k: r[k] for k in _CANONICAL_FIELDS}
        except KeyError as exc:
            raise ExportError(f"An exported entry lacks the field {exc.args[0]!r}.") from exc
        if not _well_typed(c, r):
            raise _CellMismatch(c.get("seq"), f"entry {c.get('seq')!r} has a field of the wrong type; it was edited")
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
    fmt = manifest["format"]  # a renamed file is fine: its content is what is checked
    entries_digest, display_digest = hashlib.sha256(), hashlib.sha256()
    filtered = bool(manifest.get("filtered"))
    verifier = Verifier(
        trusted=trusted,
        expected_prev=manifest.get("first_prev_hash") or GENESIS_HASH,
        first_seq=manifest.get("first_seq") or 1,
        linked=not filtered,
    )
    try:
        failure = verifier.feed(_as_rows(_records(path, fmt, display_digest), entries_digest))
    except _CellMismatch as exc:
        return ExportVerification(VerifyResult(False, 0, bad_seq=exc.seq, problem=str(exc)), verdict, manifest)
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"The export {path} cannot be read.") from exc
    result = failure or (verifier.finish() if not filtered else _unlinked_result(verifier))
    if result.ok:
        problem = _differs_from_manifest(path, manifest, result, entries_digest, display_digest)
        if problem is not None:
            result = dataclasses.replace(result, ok=False, problem=problem)
    return ExportVerification(result, verdict, manifest)


def _differs_from_manifest(
    path: Path, manifest: dict[str, Any], result: VerifyResult, entries_digest: Any, display_digest: Any
) -> str | None:
    """What in a chain-valid export contradicts the signed manifest, if anything."""
    fmt = manifest["format"]
    if fmt == "jsonl":
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
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


def _unlinked_result(verifier: Verifier) -> VerifyResult:
    return VerifyResult(True, verifier.count, verifier.last_seq, verifier.last_hash)


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
    records = _records(later, new.manifest["format"], hashlib.sha256())
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
