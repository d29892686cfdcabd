"""Which version of a PDF updated in place is read: the newest, as a viewer shows it, or
none. An incremental update appends new definitions of objects (a content stream with
another level sentence) and a new cross-reference section; pdfminer, when that section
or an object in it cannot be read, quietly reads an older version instead, which a
viewer (PDFium in the report window) does not show."""

from __future__ import annotations

import re

from pdfminer.pdfdocument import PDFDocument, PDFXRefFallback
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSEOF

from suitcheck.ingest.errors import IngestError

# A definition of an object ("12 0 obj") at the start of a line.
_OBJECT_CUE = re.compile(rb"(?m)^[ \t]*\d+[ \t\r\n]+\d+[ \t\r\n]+obj\b")
_TRAILER = re.compile(rb"(?m)^[ \t]*trailer\b")
UNSURE_REVISION = (
    "The PDF is damaged: it holds more than one version of its content and the newest cannot be read, "
    "so the text read might not be what a viewer shows."
)


class NewestRevisionDocument(PDFDocument):
    """pdfminer's PDFDocument, except that an object whose newest definition (the latest
    update's) cannot be read is an error, never read from an older version."""

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
