"""Hostile report files, made by the tests at run time (never committed): a PDF whose
Flate stream inflates enormously, a content-stream "operator bomb", many pages, a huge
text file. Written as raw PDF objects so each is exactly what it claims to be."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

from tests.pdfs import pdf_file, pdf_stream

MB = 1024 * 1024


def _pdf(page_streams: list[tuple[bytes, bytes]]) -> bytes:
    """A minimal valid PDF: one page per (stream dictionary extras, stream bytes)."""
    n_pages = len(page_streams)
    # Objects: 1 catalog, 2 pages, 3 font, then per page: page object, content stream.
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{4 + 2 * i} 0 R".encode() for i in range(n_pages))
        + f"] /Count {n_pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, (extra, stream) in enumerate(page_streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(pdf_stream(stream, extra))
    return pdf_file(objects)


def text_page(text: str = "A plain page of a research report.") -> tuple[bytes, bytes]:
    return b"", f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode()


def flate_bomb_pdf(inflated_mb: int) -> bytes:
    """One page whose content stream inflates to `inflated_mb` MB of spaces (about
    1/1000 of that on disk). One megabyte is deflated once after a full flush (which
    makes its blocks independent of what came before) and the blocks are repeated, with
    the zlib trailer computed for the whole: a valid stream, made in milliseconds."""
    chunk = b" " * MB
    deflater = zlib.compressobj(9)
    head = deflater.compress(b"BT /F1 12 Tf 72 760 Td (bomb) Tj ET\n") + deflater.flush(zlib.Z_FULL_FLUSH)
    block = deflater.compress(chunk) + deflater.flush(zlib.Z_FULL_FLUSH)
    final = deflater.flush()[:-4]  # the empty last block, without deflater's own checksum
    check = zlib.adler32(b"BT /F1 12 Tf 72 760 Td (bomb) Tj ET\n")
    for _ in range(inflated_mb):
        check = zlib.adler32(chunk, check)
    stream = head + block * inflated_mb + final + check.to_bytes(4, "big")
    return _pdf([(b"/Filter /FlateDecode ", stream)])


def operator_bomb_pdf(glyphs: int = 60_000, seed: int = 7) -> bytes:
    """A small file whose single content stream places tens of thousands of glyphs at
    scattered positions: cheap to store, very expensive to lay out."""
    rng = random.Random(seed)
    ops = ["BT /F1 4 Tf"]
    ops += [f"1 0 0 1 {rng.randrange(590)} {rng.randrange(840)} Tm (x) Tj" for _ in range(glyphs)]
    ops.append("ET")
    return _pdf([(b"/Filter /FlateDecode ", zlib.compress("\n".join(ops).encode(), 9))])


def many_pages_pdf(pages: int) -> bytes:
    return _pdf([text_page(f"Page {n + 1} of a long report.") for n in range(pages)])


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
