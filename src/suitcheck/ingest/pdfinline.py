"""Where an inline image's data ends (BI … ID … EI), as the report window reads it.

pdfminer ends an inline image's data at the first `EI` followed by white space. PDFium (the
report window) takes an image without a filter to be as many bytes as its width, height,
colours and bits say, one whose filter it decodes (Flate) to be what the decoder reads, and
then skips to the keyword `EI`, which a NUL, a delimiter (a slash, a percent sign, a
bracket) or the end of the stream ends as well as white space. A page that states 低风险,
draws a one-pixel image closed by `EI` and a NUL, then a white box over the 低风险 sentence
and 本报告的风险等级为高风险 was read as R1 (all that follows the image taken for its data)
and shown as 高风险. ViewerContentParser ends the data where the window does; every content
stream pdfminer interprets in this process is parsed with it (pdfminer is used for report
files only)."""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

import pdfminer.pdfinterp
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.psparser import PSLiteral, literal_name

# The keyword EI, as a token (PDF 32000 7.2.2-7.2.3): after white space (NUL included) or a
# delimiter, and before white space, a delimiter or the end of the data.
_EI = re.compile(rb"(?:(?<=[\x00\t\n\x0c\r ()<>\[\]{}/%])|^)EI(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|$)")
_COMPONENTS = {"G": 1, "DeviceGray": 1, "RGB": 3, "DeviceRGB": 3, "CMYK": 4, "DeviceCMYK": 4, "I": 1, "Indexed": 1}
_FLATE = {"Fl", "FlateDecode"}


class ViewerContentParser(PDFContentParser):
    _inline: dict[str, Any] | None = None

    def do_keyword(self, pos: int, token: Any) -> None:
        if token is self.KEYWORD_ID and self.curtype == "inline":
            # The image's dictionary, for get_inline_data (pdfminer passes it only the position).
            objs = [obj for _, obj in self.curstack]
            self._inline = {
                literal_name(k): v for k, v in zip(objs[0::2], objs[1::2], strict=False) if isinstance(k, PSLiteral)
            }
        try:
            super().do_keyword(pos, token)
        finally:
            if token is self.KEYWORD_ID:
                self._inline = None

    def get_inline_data(self, pos: int, target: bytes = b"EI") -> tuple[int, bytes]:
        """The image's data and where it ends: as long as its dictionary says (no filter),
        or as its Flate data runs, then on to the keyword EI; with another filter, up to
        the keyword EI. (`target` ~>: an ASCII85 image, read as pdfminer reads it.)"""
        if target != b"EI":
            return super().get_inline_data(pos, target)
        self.seek(pos)
        if not isinstance(self.fp, io.BytesIO):
            return super().get_inline_data(pos, target)
        with self.fp.getbuffer() as content:  # this content stream's data, looked at, not copied
            end = _data_end(self._inline or {}, content, pos)
            found = _EI.search(content, pos if end is None else end)
            if found is None:  # no EI in this stream: as pdfminer reads it
                return super().get_inline_data(pos, target)
            data = _without_white(bytes(content[pos : found.start()])) if end is None else bytes(content[pos:end])
        self.seek(found.end())
        return pos, data


def _entry(image: dict[str, Any], *names: str) -> Any:
    """An inline image's entry, by its abbreviation or its full name."""
    return next((image[name] for name in names if name in image), None)


def _data_end(image: dict[str, Any], content: memoryview, start: int) -> int | None:
    """Where the window ends the image's data that starts at `start`: after its size for
    an image without a filter whose colours are known, where its Flate data ends for one
    compressed so; None when it searches for EI instead."""
    pdf_filter = _entry(image, "F", "Filter")
    if isinstance(pdf_filter, list) and len(pdf_filter) == 1:
        pdf_filter = pdf_filter[0]
    if pdf_filter is not None:
        if isinstance(pdf_filter, PSLiteral) and literal_name(pdf_filter) in _FLATE:
            return _flate_end(content, start)
        return None
    components: int | None
    bits: Any
    if _entry(image, "IM", "ImageMask") is True:
        components, bits = 1, 1
    else:
        space = _entry(image, "CS", "ColorSpace")
        if isinstance(space, list) and space:
            space = space[0]
        components = _COMPONENTS.get(literal_name(space)) if isinstance(space, PSLiteral) else None
        bits = _entry(image, "BPC", "BitsPerComponent")
    sizes = (_entry(image, "W", "Width"), _entry(image, "H", "Height"), components, bits)
    numbers: list[int] = [n for n in sizes if type(n) is int and 0 < n < 1 << 20]
    if len(numbers) != 4:
        return None
    wide, high, colours, depth = numbers
    return min(len(content), start + (wide * colours * depth + 7) // 8 * high)


# An inline image is a few kilobytes; one whose Flate data inflates past this is not
# followed to its end (its end is then looked for as EI).
_INFLATE_AT_MOST = 64 << 20


def _flate_end(content: memoryview, start: int) -> int | None:
    """Where the Flate data starting at `start` ends, or None when it does not end (or
    inflates past _INFLATE_AT_MOST): decoded in chunks, nothing kept."""
    decoder = zlib.decompressobj()
    pending = content[start:]
    inflated = 0
    try:
        while pending and not decoder.eof:
            inflated += len(decoder.decompress(pending, 1 << 20))
            if inflated > _INFLATE_AT_MOST:
                return None
            pending = memoryview(decoder.unconsumed_tail)
    except zlib.error:
        return None
    return len(content) - len(decoder.unused_data) if decoder.eof else None


def _without_white(data: bytes) -> bytes:
    """The image's data without the white space before EI (as pdfminer strips its end of line)."""
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data[:-1] if data[-1:] in (b"\r", b"\n", b" ", b"\t", b"\x00", b"\x0c") else data


pdfminer.pdfinterp.PDFContentParser = ViewerContentParser  # type: ignore[misc]
