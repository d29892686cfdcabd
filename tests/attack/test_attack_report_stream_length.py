"""A PDF content stream whose /Length ends before its data does.

Was BROKE: the level reader (pdfminer) takes a stream's data as its /Length says, while
the report window (PDFium), finding no `endstream` where that length ends, takes the data
up to the `endstream` that follows. A page whose content stream declared the length of its
first sentence only (本报告的风险等级为低风险) and went on, past that length, with a white box
over it and 本报告的风险等级为高风险 was imported as R1, and a conservative client was allowed a
report whose window showed only 高风险. Now a PDF holding a stream with anything but white
space between the end its /Length gives and its `endstream` is refused as damaged: what a
viewer shows of it cannot be told from the file, and a report the earlier reader imported
from such a file (reader version 1) is decided as unrated, its file no longer read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import ExtractedReport, content_hash, extract
from suitcheck.services import Services
from tests.attack.damaged_import import refused_then_imported
from tests.conftest import add_client, staff
from tests.pdfs import CID_FONT, pdf_file, pdf_line

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
_HEAD = pdf_line("宏观经济周报：政策稳健，经济企稳", y=780, size=16) + pdf_line("宏观周报", y=750)
_COVER = b"1 1 1 rg 60 540 480 40 re f 0 g\n"


def _stream_pdf(content: bytes, length: int) -> bytes:
    """A one-page PDF whose content stream holds `content` and declares `length`."""
    stream = b"<< /Length %d >>\nstream\n" % length + content + b"\nendstream"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            CID_FONT,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents 5 0 R >>",
            stream,
        ]
    )


_SHOWN_FIRST = _HEAD + pdf_line(LOW, y=560)
# The length of the head and the low sentence; past it a white box over that sentence and the high one.
SHORT = _stream_pdf(_SHOWN_FIRST + _COVER + pdf_line(HIGH, y=600), len(_SHOWN_FIRST))


@pytest.mark.parametrize(
    "data",
    [SHORT, _stream_pdf(_SHOWN_FIRST + b"\n% a comment\n" + _COVER + pdf_line(HIGH, y=600), len(_SHOWN_FIRST))],
    ids=["at once", "after a comment"],
)
def test_a_stream_going_on_past_its_length_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), data)
    assert refused.value.code == "corrupt"
    assert "length" in str(refused.value)


@pytest.mark.parametrize(
    "after",
    [b"", b"\r\n", b" \n\n", b"\n% a comment\n", b"\n%% two\r\n  % comments\n"],
    ids=["exact", "crlf", "spaces and lines", "a comment", "comments"],
)
def test_a_stream_ending_where_its_length_says_is_read(after: bytes) -> None:
    content = _HEAD + pdf_line(HIGH, y=560)
    meta = extract(Path("report.pdf"), _stream_pdf(content + after, len(content))).metadata
    assert meta.stated_level is RiskLevel.R5


def test_the_import_refuses_it_and_goes_on(sqlite_services: Services, tmp_path: Path) -> None:
    fine = _stream_pdf(_SHOWN_FIRST, len(_SHOWN_FIRST))
    assert refused_then_imported(sqlite_services, tmp_path, SHORT, fine) is RiskLevel.R1


def test_a_report_the_earlier_reader_imported_from_such_a_file_is_decided_as_unrated(
    sqlite_services: Services,
) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    # As reader version 1 stored it: the text its /Length gives, R1, nothing unclear.
    read = extract(Path("report.pdf"), _stream_pdf(_SHOWN_FIRST, len(_SHOWN_FIRST)))
    meta = dataclasses.replace(read.metadata, reader=1)
    stored = services.reports._store(
        compliance, ExtractedReport(read.path, "pdf", SHORT, content_hash(SHORT), read.text, meta)
    )
    assert stored.report is not None

    result = services.access.check(advisor, "C1-client", stored.report)
    assert result.decision.reasons == (Reason.REPORT_UNRATED,)
    assert result.level_not_read_again
