"""Read one report file: checks, text extraction by type, metadata."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path

from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.metadata import ReportMetadata, extract_metadata, normalize, rejoin_wrapped_lines
from suitcheck.ingest.pdf import extract_pdf_text
from suitcheck.ingest.textfile import decode_text

MAX_BYTES = 100 * 1024 * 1024
SUFFIXES = {".pdf": "pdf", ".txt": "txt"}


@dataclasses.dataclass(frozen=True)
class ExtractedReport:
    path: Path
    kind: str
    data: bytes
    sha256: str
    text: str
    metadata: ReportMetadata


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes:
    if path.suffix.lower() not in SUFFIXES:
        raise IngestError("unsupported", f"Only .pdf and .txt files can be imported, not {path.suffix or 'this file'}.")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError("too-large", f"The file is {size // (1024 * 1024)} MB; the limit is 100 MB.")
        if size == 0:
            raise IngestError("empty", "The file is empty.")
        return path.read_bytes()
    except PermissionError as exc:
        raise IngestError("unreadable", "The file cannot be read: permission denied.") from exc
    except FileNotFoundError as exc:
        raise IngestError("missing", "The file does not exist.") from exc
    except OSError as exc:
        raise IngestError("unreadable", f"The file cannot be read: {exc.strerror}.") from exc


def extract(path: Path, data: bytes) -> ExtractedReport:
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "pdf":
        raw = extract_pdf_text(data)
        text = rejoin_wrapped_lines(normalize(raw))
    else:
        raw, _encoding = decode_text(data)
        text = normalize(raw)
    if not "".join(text.split()):
        raise IngestError("empty", "The file has no text.")
    return ExtractedReport(path, kind, data, content_hash(data), text, extract_metadata(raw))


def expand_paths(paths: list[Path]) -> Iterator[Path]:
    """Files as given, and the .pdf/.txt files inside folders (recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            yield path
