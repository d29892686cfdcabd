"""Which version of a PDF updated in place is read: the newest, as a viewer shows it, or
none. An incremental update appends new definitions of objects (a content stream with
another level sentence) and a new cross-reference section; pdfminer, when that section
or an object in it cannot be read, quietly reads an older version instead, which a
viewer (PDFium in the report window) does not show. Also where else pdfminer's reading of
a file's structure parts from the viewer's: an object defined twice in a file whose table
is lost, a stream running past its /Length, an object in an object stream read by its
place in the stream rather than where the stream's header puts it."""

from __future__ import annotations

import io
import re
from typing import Any

from pdfminer.pdfdocument import PDFDocument, PDFXRefFallback
from pdfminer.pdfparser import PDFParser, PDFStreamParser, PDFSyntaxError
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSEOF

from suitcheck.ingest.errors import IngestError

# A definition of an object ("12 0 obj") at the start of a line.
_OBJECT_CUE = re.compile(rb"(?m)^[ \t]*\d+[ \t\r\n]+\d+[ \t\r\n]+obj\b")
_TRAILER = re.compile(rb"(?m)^[ \t]*trailer\b")
UNSURE_REVISION = (
    "The PDF is damaged: it holds more than one version of its content and the newest cannot be read, "
    "so the text read might not be what a viewer shows."
)
DEFINED_TWICE = (
    "The PDF is damaged: its cross-reference table cannot be read and it defines one of its objects more than "
    "once, so the text read might not be what a viewer shows."
)


STREAM_PAST_ITS_LENGTH = (
    "The PDF is damaged: a stream's data goes on past the length it declares, "
    "so the text read might not be what a viewer shows."
)
# White space (PDF 32000 7.2.2) and comments (7.2.4), which PDFium skips looking for the
# `endstream` after the end a stream's /Length gives.
_WHITE_OR_COMMENTS = re.compile(rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*+)*+")


class LengthCheckingParser(PDFParser):
    """pdfminer's parser, except that a stream whose data goes on past the end its /Length
    gives is an error. pdfminer takes the data as the length says (a file whose table
    was read); a viewer that finds no `endstream` where that length ends takes the data up
    to the `endstream` that follows (PDFium), so a content stream declaring the length of
    a 低风险 sentence and going on with a white box over it and 高风险 is read as 低风险 and
    shown as 高风险. White space between the two ends is the end of line before
    `endstream`; a comment there (skipped as the window skips it) draws nothing either
    way."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._data = data

    def do_keyword(self, pos: int, token: Any) -> None:
        super().do_keyword(pos, token)
        if token is not self.KEYWORD_STREAM or self.fallback or not self.curstack:
            return
        start, stream = self.curstack[-1]
        if not isinstance(stream, PDFStream):
            return
        declared_end = start + len(stream.rawdata or b"")
        endstream = self._data.find(b"endstream", declared_end)
        if endstream >= 0 and not _WHITE_OR_COMMENTS.fullmatch(self._data, declared_end, endstream):
            raise IngestError("corrupt", STREAM_PAST_ITS_LENGTH)


OBJECT_NOT_PLACED = (
    "The PDF is damaged: one of its compressed object streams does not say plainly where an object in it "
    "starts, so the text read might not be what a viewer shows."
)


class NewestRevisionDocument(PDFDocument):
    """pdfminer's PDFDocument, except that an object whose newest definition (the latest
    update's) cannot be read is an error, never read from an older version; and that an
    object in an object stream is read where the stream's header says it starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Each object stream's header and a parser over its data, by the stream's number.
        self._streams: dict[int | None, tuple[list[tuple[int, int]], PDFStreamParser, int]] = {}
        super().__init__(*args, **kwargs)

    def _getobj_objstm(self, stream: PDFStream, index: int, objid: int) -> object:
        """The object `objid`, the `index`-th the header of `stream` lists, read at the
        offset the header gives it (PDF 32000 7.5.7), as a viewer reads it (PDFium).
        pdfminer reads the stream's objects in the order they are written and takes the
        `index`-th: a header listing the page at the second object's offset, or skipping a
        first object it does not number, had the reader read one page dictionary (one
        content stream, 低风险) and the window show another (高风险). A header that does
        not list `objid` there, or an offset past the stream's end, is refused."""
        places, parser, end = self._object_stream(stream)
        if not 0 <= index < len(places) or places[index][0] != objid:
            raise IngestError("corrupt", OBJECT_NOT_PLACED)
        at = places[index][1]
        if not 0 <= at < end:
            raise IngestError("corrupt", OBJECT_NOT_PLACED)
        parser.seek(at)
        try:
            return parser.nextobject()[1]
        except PSEOF as exc:
            raise IngestError("corrupt", OBJECT_NOT_PLACED) from exc

    def _object_stream(self, stream: PDFStream) -> tuple[list[tuple[int, int]], PDFStreamParser, int]:
        """(the (object number, offset from the stream's start) of each object its header
        lists: at most /N pairs of whole numbers before /First, as many as it holds; a
        parser over its data; the data's length), read once per stream."""
        key = stream.objid
        if key not in self._streams:
            count, first = _int(stream.get("N")), _int(stream.get("First"))
            data = stream.get_data() or b""
            numbers: list[int] = []
            if count is not None and first is not None and first >= 0:
                header = PDFStreamParser(data[:first])
                try:
                    while len(numbers) < 2 * count:
                        token = header.nexttoken()[1]
                        if type(token) is not int or token < 0:
                            break
                        numbers.append(token)
                except PSEOF:
                    pass
            base = first or 0
            places = [(number, base + offset) for number, offset in zip(numbers[0::2], numbers[1::2], strict=False)]
            parser = PDFStreamParser(data)
            parser.set_document(self)
            self._streams[key] = (places, parser, len(data))
        return self._streams[key]

    def getobj(self, objid: int) -> object:
        if objid not in self._cached_objs:
            holders = []
            for xref in self.xrefs:
                try:
                    holders.append(xref.get_pos(objid))
                except KeyError:
                    continue
            if len(holders) > 1 and holders[0][0] is None:  # defined again, not in an object stream
                try:
                    self._getobj_parse(holders[0][1], objid)
                except (PSEOF, PDFSyntaxError) as exc:
                    raise IngestError("corrupt", UNSURE_REVISION) from exc
        return super().getobj(objid)


def _int(value: Any) -> int | None:
    value = resolve1(value)
    return value if type(value) is int else None


def one_revision_if_rebuilt(document: PDFDocument, data: bytes) -> None:
    """A PDF whose cross-reference table cannot be found is read by scanning it for its
    objects (pdfminer's fallback), which stops at the first trailer: in a PDF updated in
    place that is the first version, while a viewer rebuilding the table shows the last.
    Refused when objects follow that trailer."""
    if not any(isinstance(xref, PDFXRefFallback) for xref in document.xrefs):
        return
    trailer = _TRAILER.search(data)
    if trailer is not None and _OBJECT_CUE.search(data, trailer.end()):
        raise IngestError("corrupt", UNSURE_REVISION)
    if _defined_twice(document, data):
        raise IngestError("corrupt", DEFINED_TWICE)


class _Definitions(dict[int, Any]):
    """The offsets pdfminer's scan finds, remembering whether an object was found twice."""

    twice = False

    def __setitem__(self, objid: int, where: Any) -> None:
        self.twice = self.twice or objid in self
        super().__setitem__(objid, where)


def _defined_twice(document: PDFDocument, data: bytes) -> bool:
    """Whether the scan that stands in for a lost cross-reference table finds an object
    defined more than once (again, or also inside an object stream). The scan keeps the
    last definition; a viewer rebuilding the table keeps the one with the highest
    generation number (PDFium), so a generation-1 content stream saying 高风险 before a
    generation-0 one saying 低风险 is shown while the other is read. Which one a viewer
    shows cannot be told from the file."""
    scan = PDFXRefFallback()
    found = _Definitions()
    scan.offsets = found
    parser = PDFParser(io.BytesIO(data))
    parser.set_document(document)  # a stream's /Length may refer to another object
    scan.load(parser)
    return found.twice
