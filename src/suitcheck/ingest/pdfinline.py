"""Where an inline image's data ends (BI … ID … EI), as the report window reads it.

pdfminer ends an inline image's data at the first `EI` followed by white space. PDFium (the
report window) takes an image without a filter to be as many bytes as its width, height,
colours and bits say, one whose filter it decodes (Flate, ASCIIHex, ASCII85, RunLength) to be
what the decoder reads, and then skips to the keyword `EI`, which a NUL, a delimiter (a
slash, a percent sign, a bracket) or the end of the stream ends as well as white space. A page that states 低风险,
draws a one-pixel image closed by `EI` and a NUL, then a white box over the 低风险 sentence
and 本报告的风险等级为高风险 was read as R1 (all that follows the image taken for its data)
and shown as 高风险. Past the data the window looks for EI token by token: an EI in a
comment or a string there ends nothing (`%EI (` read as the end, its `(` swallowed the rest
of the page). An LZW image's data the window decodes to its end-of-data code (followed here
with pdfminer's decoder); a JPEG's (DCT) with libjpeg, whose stopping place ingest.jpegend
finds (a JPEG holding an EI, or after which the window might find another EI than from its
end, is refused); a fax image's (CCITT) with its own fax decoder, not followed here: one
followed by another EI is refused.
ViewerContentParser ends the data where the window does; every content
stream pdfminer interprets in this process is parsed with it (pdfminer is used for report
files only)."""

from __future__ import annotations

import contextvars
import io
import re
import zlib
from typing import Any

import pdfminer.pdfinterp
from pdfminer.lzw import CorruptDataError, LZWDecoder
from pdfminer.pdfexceptions import PDFEOFError
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.psparser import LIT, PSLiteral, literal_name

from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.jpegend import UnclearJpeg, jpeg_stops

UNENDED_IMAGE = (
    "The PDF is damaged: an inline image in a page's content has no end (EI), "
    "so the text read might not be what a viewer shows."
)
UNCLEAR_IMAGE = (
    "The PDF is damaged: where an inline image in a page's content ends (EI) is unclear, "
    "so the text read might not be what a viewer shows."
)

# The keyword EI, as a token (PDF 32000 7.2.2-7.2.3): after white space (NUL included) or a
# delimiter, and before white space, a delimiter or the end of the data.
_EI = re.compile(rb"(?:(?<=[\x00\t\n\x0c\r ()<>\[\]{}/%])|^)EI(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|$)")
_COMPONENTS = {
    **{"G": 1, "DeviceGray": 1, "RGB": 3, "DeviceRGB": 3, "CMYK": 4, "DeviceCMYK": 4, "I": 1, "Indexed": 1},
    **{"CalGray": 1, "CalRGB": 3, "Lab": 3, "Separation": 1},
}
# The colour spaces (pdfminer's, by resource name) of the resources the content streams now
# being parsed are drawn with (ingest.pdfshown.ShownInterpreter sets them): an inline image
# may name one (/CS /CS0), whose components the window counts to find the data's end.
COLOUR_SPACES: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("colour_spaces", default=None)
_FLATE = {"Fl", "FlateDecode"}
_HEX = {"AHx", "ASCIIHexDecode"}
_A85 = {"A85", "ASCII85Decode"}
_RUN_LENGTH = {"RL", "RunLengthDecode"}
_HEX_DATA = re.compile(rb"[^>]*")
_A85_DATA = re.compile(rb"[!-uz\n\r\t ]*")
_LZW = {"LZW", "LZWDecode"}
_DCT = {"DCT", "DCTDecode"}
_FAX = {"CCF", "CCITTFaxDecode"}
# (With any other filter the window decodes nothing and looks for EI from the data's start.)


class ViewerContentParser(PDFContentParser):
    _inline: dict[str, Any] | None = None

    def __init__(self, streams: Any) -> None:
        super().__init__(streams)
        self._colour_spaces = COLOUR_SPACES.get() or {}

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
        or as its data runs for a filter whose end is known (Flate, ASCIIHex, ASCII85,
        RunLength), then on to the keyword EI as the window's tokenizer finds it (past
        strings and comments); with another filter, up to the first EI. (`target` ~>: an
        ASCII85 image, its data up to where the window ends it, the stream left at its EI.)"""
        self.seek(pos)
        if not isinstance(self.fp, io.BytesIO) or target not in (b"EI", b"~>"):
            return super().get_inline_data(pos, target)
        with self.fp.getbuffer() as content:  # this content stream's data, looked at, not copied
            end = _data_end(self._inline or {}, content, pos, self._colour_spaces)
            if end is None:
                first = _EI.search(content, pos)
                found = None if first is None else first.span()
                if found is None:  # no EI in this stream: as pdfminer reads it
                    return super().get_inline_data(pos, target)
            else:
                found = _ei_keyword(content, end)
                if found is None:  # the window takes the rest of the page for the image's data
                    raise IngestError("corrupt", UNENDED_IMAGE)
            data = _without_white(bytes(content[pos : found[0]])) if end is None else bytes(content[pos:end])
        if target == b"~>":  # pdfminer reads the EI that follows the data itself
            self.seek(found[0])
            return pos, data.removesuffix(b"~>").removesuffix(b"~")
        self.seek(found[1])
        return pos, data


def _filtered_end(name: str | None, image: dict[str, Any], content: memoryview, start: int) -> int | None:
    """Where the data of an image whose (first) filter is `name` ends, as _data_end."""
    if name in _FLATE:
        return _flate_end(content, start)
    if name in _HEX:
        return _hex_end(content, start)
    if name in _A85:
        return _a85_end(content, start)
    if name in _RUN_LENGTH:
        return _run_length_end(content, start)
    if name in _LZW:
        return _lzw_end(content, start, _entry(image, "DP", "DecodeParms"))
    if name in _DCT:
        return _jpeg_end(content, start, _entry(image, "W", "Width"))
    if name in _FAX:
        _fax_ends_at_first_ei(content, start)
    return None if name is None or name in _FAX else start


def _no_colour_space(space: Any, colour_spaces: dict[str, Any]) -> bool:
    """Whether an inline image has no colour space as the window reads it: none given, or
    the name of one neither predefined nor among the page's resources (PDFium then reads
    one bit a pixel, whatever /BPC says)."""
    if space is None:
        return True
    return isinstance(space, PSLiteral) and (
        literal_name(space) not in _COMPONENTS and literal_name(space) not in colour_spaces
    )


def _components(space: Any, colour_spaces: dict[str, Any]) -> int | None:
    """How many components a colour of an inline image's colour space has: one it names
    or spells out ([/I /RGB 1 <…>], [/DeviceN [/A /B] …]), or one of the page's resources
    it names (/CS0); None when unknown."""
    if isinstance(space, list) and len(space) >= 2 and space[0] == LIT("DeviceN"):
        return len(space[1]) if isinstance(space[1], list) else None
    if isinstance(space, list) and space:
        space = space[0]
    if not isinstance(space, PSLiteral):
        return None
    name = literal_name(space)
    if name in _COMPONENTS:
        return _COMPONENTS[name]
    named = colour_spaces.get(name)
    return getattr(named, "ncomponents", None)


def _entry(image: dict[str, Any], *names: str) -> Any:
    """An inline image's entry, by its abbreviation or its full name."""
    return next((image[name] for name in names if name in image), None)


def _data_end(image: dict[str, Any], content: memoryview, start: int, colour_spaces: dict[str, Any]) -> int | None:
    """Where the window ends the image's data that starts at `start`: after its size for
    an image without a filter whose colours are known, where its filter's data ends for one
    compressed so; None when it searches for EI instead."""
    pdf_filter = _entry(image, "F", "Filter")
    if isinstance(pdf_filter, list):  # the window finds the data's end by its first filter
        pdf_filter = pdf_filter[0] if pdf_filter else None
    if pdf_filter is not None:
        name = literal_name(pdf_filter) if isinstance(pdf_filter, PSLiteral) else None
        return _filtered_end(name, image, content, start)
    components: int | None
    bits: Any
    space = _entry(image, "CS", "ColorSpace")
    if _entry(image, "IM", "ImageMask") is True or _no_colour_space(space, colour_spaces):
        components, bits = 1, 1  # as the window takes a mask, or an image without a colour space
    else:
        components = _components(space, colour_spaces)
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


def _lzw_end(content: memoryview, start: int, params: Any) -> int:
    """Where the LZW data starting at `start` ends: after its end-of-data code (257), as
    pdfminer's decoder reads it, or at the stream's end. Data the window might read
    otherwise (a code the table lacks, a table full, an EarlyChange other than 1) is refused."""
    if isinstance(params, list):
        params = params[0] if params else None
    if isinstance(params, dict) and params.get("EarlyChange", 1) != 1:
        raise IngestError("corrupt", UNCLEAR_IMAGE)
    decoder = LZWDecoder(io.BytesIO(content[start:]))
    decoded = 0
    try:
        while (code := decoder.readbits(decoder.nbits)) != 257:
            decoded += len(decoder.feed(code))
            if decoded > _INFLATE_AT_MOST or len(decoder.table) > 4096:
                raise IngestError("corrupt", UNCLEAR_IMAGE)
    except PDFEOFError:  # no end-of-data code: the window reads the rest of the page as data
        return len(content)
    except (CorruptDataError, IndexError, TypeError) as exc:
        raise IngestError("corrupt", UNCLEAR_IMAGE) from exc
    return start + decoder.fp.tell()


def _jpeg_end(content: memoryview, start: int, width: Any) -> int:
    """Where the JPEG data starting at `start` ends: after its end-of-image marker. The
    window stops reading it where libjpeg does (ingest.jpegend), or at the data's start
    when it cannot decode it (a /Width wider than the JPEG), and looks for EI from there;
    the image is refused unless its data holds no EI and the window finds the same EI from
    wherever it may stop."""
    try:
        jpeg = jpeg_stops(content, start)
    except UnclearJpeg as exc:
        raise IngestError("corrupt", UNCLEAR_IMAGE) from exc
    stops = set(jpeg.stops) | ({start} if type(width) is int and width > jpeg.width else set())
    found = _ei_keyword(content, jpeg.end)
    if _EI.search(content[: jpeg.end], start) is not None or any(_ei_keyword(content, d) != found for d in stops):
        raise IngestError("corrupt", UNCLEAR_IMAGE)
    return jpeg.end


def _fax_ends_at_first_ei(content: memoryview, start: int) -> None:
    """Refuses a fax image the window might end elsewhere than at its data's first EI: one
    followed by another EI in the stream (the window decodes the data, which may hold the
    first, and ends at the EI after it)."""
    first = _EI.search(content, start)
    if first is not None and _EI.search(content, first.end()) is not None:
        raise IngestError("corrupt", UNCLEAR_IMAGE)


def _hex_end(content: memoryview, start: int) -> int:
    """Where ASCIIHex data ends: after its `>` (any other byte is skipped), or at the stream's end."""
    end = _HEX_DATA.match(content, start)
    return min(len(content), end.end() + 1) if end else len(content)


def _a85_end(content: memoryview, start: int) -> int:
    """Where ASCII85 data ends: at its first byte that is no ASCII85 digit, `z` or white space
    (the `~` of its `~>`, or any other)."""
    found = _A85_DATA.match(content, start)
    return found.end() if found else start


def _run_length_end(content: memoryview, start: int) -> int:
    """Where RunLength data ends: after its end-of-data byte (128), or at the stream's end."""
    at = start
    while at < len(content):
        length = content[at]
        if length == 128:
            return at + 1
        at += length + 2 if length < 128 else 2
    return len(content)


def _ei_keyword(content: memoryview, at: int) -> tuple[int, int] | None:
    """(start, end) of the keyword EI found from `at` as the window's tokenizer finds it:
    reading past strings, hexadecimal strings and comments, where an EI is no keyword
    (PDFium's CPDF_StreamParser); None when the stream ends first."""
    while at < len(content):
        if content[at] == 0x28:  # ( a string
            at = _string_end(content, at)
            continue
        token = _TOKEN.match(content, at)
        if token is None:  # cannot be: every byte starts a token
            return None
        if token.group() == b"EI":
            return token.span()
        at = token.end()
    return None


# A token other than a string (PDF 32000 7.2-7.3): white space, a comment, a dictionary's
# brackets, a hexadecimal string, another delimiter, a name or a word.
_TOKEN = re.compile(rb"[\x00\t\n\x0c\r ]+|%[^\r\n]*|<<|>>|<[^>]*>?|[)\[\]{}>]|/?[^\x00\t\n\x0c\r ()<>\[\]{}/%]+|/")


def _string_end(content: memoryview, at: int) -> int:
    """Where the string opening at `at` ends: after the parenthesis closing it (those in
    it nested, a backslash escaping the byte after it), or at the stream's end."""
    depth, at = 1, at + 1
    while at < len(content) and depth:
        byte = content[at]
        depth += (byte == 0x28) - (byte == 0x29)
        at += 2 if byte == 0x5C else 1
    return min(at, len(content))


def _without_white(data: bytes) -> bytes:
    """The image's data without the white space before EI (as pdfminer strips its end of line)."""
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data[:-1] if data[-1:] in (b"\r", b"\n", b" ", b"\t", b"\x00", b"\x0c") else data


pdfminer.pdfinterp.PDFContentParser = ViewerContentParser  # type: ignore[misc]
