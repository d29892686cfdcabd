"""A PDF whose page dictionary sits in an object stream (PDF 1.5, as most writers save).

Was BROKE: the level reader (pdfminer) took the objects of an object stream in the order
they are written, the k-th object of the stream as its k-th, while the header at the
stream's start says at which offset each object starts, and the report window (PDFium)
reads each object there. An object stream holding two page dictionaries, the first
written pointing to a 低风险 content stream, the second to a 高风险 one, whose header put
the page's object at the second's offset, was read as R1 and shown as 高风险; so was one
whose header skipped a leading object its writer left unnumbered, and one whose header
counted more objects than it lists (the reader then fell back to an older definition of
the page, from before an update, that the window does not show). Now an object is read
where its stream's header says it starts, and a header that does not name the object at
that place, or whose stream cannot be read, is refused as damaged; a report the earlier
reader (version 1) imported as R1 from such a file is read again before the first decision
on it, and is unrated until compliance rates it.
"""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import ExtractedReport, content_hash, extract
from suitcheck.services import Services
from tests.conftest import add_client, staff
from tests.pdfs import CID_FONT, pdf_line, pdf_stream

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
_HEAD = pdf_line("宏观经济周报：政策稳健，经济企稳", y=780, size=16) + pdf_line("宏观周报", y=750)
_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >> "
)
HIGH_PAGE, LOW_PAGE = _PAGE % 5, _PAGE % 6


def _object_stream(header: bytes, body: bytes, n: int, extra: bytes = b"") -> bytes:
    data = header + body
    return (
        b"<< /Type /ObjStm /N %d /First %d /Length %d " % (n, len(header), len(data))
        + extra
        + b">>\nstream\n"
        + data
        + b"\nendstream"
    )


def _pdf(object_stream: bytes, page_index: int = 0) -> bytes:
    """1 catalog, 2 pages, 3 font, 5 the high content, 6 the low one, 7 the object stream
    holding the page (object 4, at `page_index` in it), 8 the cross-reference stream."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in (
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
        (3, CID_FONT),
        (5, pdf_stream(_HEAD + pdf_line(HIGH, y=560))),
        (6, pdf_stream(_HEAD + pdf_line(LOW, y=560))),
        (7, object_stream),
    ):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[8] = len(out)
    rows = b"".join(
        struct.pack(">BIH", 2, 7, page_index) if number == 4 else struct.pack(">BIH", 1, offsets.get(number, 0), 0)
        for number in range(9)
    )
    out += b"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[8]
    return bytes(out)


# The page (object 4) at the second object's offset; object 9, first written, is the low page.
OUT_OF_ORDER = _pdf(_object_stream(b"4 %d 9 0 " % len(LOW_PAGE), LOW_PAGE + HIGH_PAGE, 2))
# A leading object the header does not number; the page after it.
UNNUMBERED_FIRST = _pdf(_object_stream(b"4 %d " % len(LOW_PAGE), LOW_PAGE + HIGH_PAGE, 1))


@pytest.mark.parametrize("data", [OUT_OF_ORDER, UNNUMBERED_FIRST], ids=["offsets out of order", "unnumbered first"])
def test_an_object_is_read_where_its_header_says_it_starts(data: bytes) -> None:
    meta = extract(Path("report.pdf"), data).metadata
    assert meta.stated_level is RiskLevel.R5


def test_objects_in_order_read_as_before() -> None:
    data = _pdf(_object_stream(b"4 0 9 %d " % len(HIGH_PAGE), HIGH_PAGE + LOW_PAGE, 2))
    assert extract(Path("report.pdf"), data).metadata.stated_level is RiskLevel.R5


def test_a_header_counting_more_objects_than_it_lists_reads_those_it_lists() -> None:
    data = _pdf(_object_stream(b"4 0 ", HIGH_PAGE, 5))
    assert extract(Path("report.pdf"), data).metadata.stated_level is RiskLevel.R5


@pytest.mark.parametrize(
    "data",
    [
        _pdf(_object_stream(b"9 0 ", HIGH_PAGE, 1)),  # names another object
        _pdf(_object_stream(b"4 0 ", HIGH_PAGE, 1), page_index=3),  # no such place
        _pdf(_object_stream(b"4 0 ", HIGH_PAGE, 1, b"/Filter /FlateDecode ")),  # not compressed as it says
        _pdf(_object_stream(b"4 9999 ", HIGH_PAGE, 1)),  # past its end
    ],
    ids=["another object", "index past the header", "stream unreadable", "offset past the end"],
)
def test_an_object_its_stream_does_not_place_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), data)
    assert refused.value.code == "corrupt"


def test_the_import_reads_it_as_the_window_shows_it(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "out-of-order.pdf"
    path.write_bytes(OUT_OF_ORDER)
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.status is ImportStatus.IMPORTED
    assert result.report is not None
    assert services.reports.get(compliance, result.report).level is RiskLevel.R5


def test_a_report_the_earlier_reader_read_as_r1_is_unrated_at_its_first_check(sqlite_services: Services) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    # As reader version 1 stored it: the first page dictionary written, its 低风险 content.
    read = extract(Path("report.pdf"), _pdf(_object_stream(b"4 0 ", LOW_PAGE, 1)))
    meta = dataclasses.replace(read.metadata, reader=1)
    old = ExtractedReport(read.path, "pdf", OUT_OF_ORDER, content_hash(OUT_OF_ORDER), read.text, meta)
    stored = services.reports._store(compliance, old)
    assert stored.report is not None

    assert services.access.check(advisor, "C1-client", stored.report).decision.reasons == (Reason.REPORT_UNRATED,)
    view = services.reports.get(compliance, stored.report)
    assert (view.level, view.level_confirmed) == (None, False)
