"""Decode text files whose encoding nobody told us: BOMs, UTF-8, GB18030 (GBK), UTF-16."""

from __future__ import annotations

import codecs

from suitcheck.ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Strict decoding only: a wrong guess must fail, not garble."""
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
        # UTF-16 without a BOM: ASCII characters carry a zero byte, at odd offsets in
        # little-endian text and even ones in big-endian. Text in any 8-bit encoding has none.
        odd = data[1::2].count(b"\x00")
        guesses = ("utf-16-le", "utf-16-be") if odd >= zeros - odd else ("utf-16-be", "utf-16-le")
        for encoding in guesses:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _mostly_text(text):
                return text, encoding
        raise IngestError("binary", "The file is binary data, not text.")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text, "gbk" if encoding == "gb18030" else encoding
    if sum(1 for b in data if b < 32 and b not in b"\r\n\t\f") > len(data) // 100:
        raise IngestError("binary", "The file is binary data, not text.")
    raise IngestError("bad-encoding", "The file is neither UTF-8, GBK nor UTF-16 text.")


def _mostly_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= len(text) // 100
