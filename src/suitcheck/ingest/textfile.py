"""Decode text files whose encoding nobody told us: BOMs, UTF-8, GB18030 (GBK), UTF-16."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from suitcheck.ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Strict decoding only: a wrong guess must fail, not garble.
    Text holding a NUL character is binary data, as detect_file_encoding says: a store on
    PostgreSQL cannot hold it, and no report is written with one."""
    text, encoding = _decode(data)
    if "\x00" in text:
        raise IngestError("binary", "The file is binary data, not text.")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(
                    "bad-encoding", f"The file starts like {encoding} but is not valid {encoding}."
                ) from exc
    zeros = data.count(b"\x00")
    if zeros:
        # UTF-8 text with a few stray NUL bytes (in UTF-16 text every ASCII character carries
        # a zero byte, and CJK UTF-16 is no valid UTF-8): as UTF-16 it would decode to garbage.
        if zeros * 10 < len(data) and _first_text(data.replace(b"\x00", b""), ("utf-8",)) is not None:
            raise IngestError("binary", "The file is binary data, not text.")
        # UTF-16 without a BOM: ASCII characters carry a zero byte, at odd offsets in
        # little-endian text and even ones in big-endian. Text in any 8-bit encoding has none.
        odd = data[1::2].count(b"\x00")
        guesses = ("utf-16-le", "utf-16-be") if odd >= zeros - odd else ("utf-16-be", "utf-16-le")
        found = _first_text(data, guesses)
        if found is None:
            raise IngestError("binary", "The file is binary data, not text.")
        return found
    found = _first_text(data, ("utf-8", "gb18030"))
    if found is not None:
        return found[0], "gbk" if found[1] == "gb18030" else found[1]
    if sum(1 for b in data if b < 32 and b not in b"\r\n\t\f") > len(data) // 100:
        raise IngestError("binary", "The file is binary data, not text.")
    raise IngestError("bad-encoding", "The file is neither UTF-8, GBK nor UTF-16 text.")


def _first_text(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    """(text, encoding) for the first encoding that decodes strictly to mostly text."""
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text, encoding
    return None


def _mostly_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= len(text) // 100


@contextlib.contextmanager
def _binary(source: Path | BinaryIO) -> Iterator[BinaryIO]:
    """The file opened for reading from its start: a path opened (and closed after), or an
    open handle rewound (and left open)."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            yield handle
    else:
        source.seek(0)
        yield source


def detect_file_encoding(path: Path | BinaryIO, chunk_size: int = 1 << 20) -> tuple[str, str]:
    """The encoding of a text file too large to hold in memory, and its SHA-256.

    The same order as decode_text: a BOM decides; else the whole file must decode strictly
    as UTF-8, else as GB18030 (reported as "gbk", as decode_text does). Incremental
    decoders read the file in chunks, so memory stays flat whatever its size. Given an
    open file (`path` a binary handle), it reads that one from its start: the file whose
    rows the caller then reads, whatever was saved over its name meanwhile."""
    with _binary(path) as handle:
        head = handle.read(4)
    encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
    candidates = [encoding] if encoding else ["utf-8", "gb18030"]
    for candidate in candidates:
        decoder = codecs.getincrementaldecoder(candidate)("strict")
        hasher = hashlib.sha256()
        binary = False
        try:
            with _binary(path) as handle:
                while chunk := handle.read(chunk_size):
                    hasher.update(chunk)
                    text = decoder.decode(chunk)
                    # A NUL means binary data (or BOM-less UTF-16, which exports never are).
                    binary = binary or "\x00" in text
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if encoding:
                raise IngestError(
                    "bad-encoding", f"The file starts like {encoding} but is not valid {encoding}."
                ) from None
            continue
        if binary:
            raise IngestError("binary", "The file is binary data, not text.")
        return ("gbk" if candidate == "gb18030" else candidate), hasher.hexdigest()
    raise IngestError("bad-encoding", "The file is neither UTF-8 nor GBK (GB18030) text.")
