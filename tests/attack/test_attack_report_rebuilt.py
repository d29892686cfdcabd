"""A PDF whose cross-reference table cannot be found defines one object twice.

Was BROKE: such a PDF is read by scanning it for its objects, and an object defined twice
was read at its last definition (pdfminer's scan), while the report window (PDFium, which
rebuilds the table the same way) shows the definition with the higher generation number.
A page whose content stream was defined first as generation 1 saying 本报告的风险等级为高风险
and then as generation 0 saying 低风险 was imported as R1, and a conservative client was
allowed a report whose window showed 高风险. Now a PDF read by scanning that defines an
object more than once is refused as damaged: which definition a viewer shows cannot be
told from the file. The level reader's version is raised (LEVEL_READER 2), so a report
the earlier reader imported from such a file is read again before anything is decided on
it: its file can no longer be read, and it is decided as unrated until compliance rates it.
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
from tests.pdfs import CID_FONT, pdf_line, pdf_stream

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
_HEAD = pdf_line("宏观经济周报：政策稳健，经济企稳", y=780, size=16) + pdf_line("宏观周报", y=750)
_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"
)


def _scanned_pdf(*contents: tuple[int, str]) -> bytes:
    """A one-page PDF whose startxref points nowhere (a reader finds its objects by
    scanning it), its content stream (object 5) defined once per (generation, sentence)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    bodies = [
        (1, 0, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, 0, b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
        (3, 0, CID_FONT),
        (4, 0, _PAGE),
        *((5, generation, pdf_stream(_HEAD + pdf_line(sentence, y=560))) for generation, sentence in contents),
    ]
    for number, generation, body in bodies:
        out += f"{number} {generation} obj\n".encode() + body + b"\nendobj\n"
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n999999\n%%EOF\n"
    return bytes(out)


@pytest.mark.parametrize(
    "data",
    [_scanned_pdf((1, HIGH), (0, LOW)), _scanned_pdf((0, HIGH), (0, LOW)), _scanned_pdf((0, LOW), (1, HIGH))],
    ids=["higher generation first", "same generation", "higher generation last"],
)
def test_a_scanned_pdf_defining_an_object_twice_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), data)
    assert refused.value.code == "corrupt"
    assert "defines one of its objects more than once" in str(refused.value)


def test_a_scanned_pdf_defining_each_object_once_is_read() -> None:
    meta = extract(Path("report.pdf"), _scanned_pdf((0, HIGH))).metadata
    assert meta.stated_level is RiskLevel.R5


def test_the_import_refuses_it_and_goes_on(sqlite_services: Services, tmp_path: Path) -> None:
    damaged, fine = _scanned_pdf((1, HIGH), (0, LOW)), _scanned_pdf((0, LOW))
    assert refused_then_imported(sqlite_services, tmp_path, damaged, fine) is RiskLevel.R1


def test_a_report_the_earlier_reader_imported_from_such_a_file_is_decided_as_unrated(
    sqlite_services: Services,
) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    data = _scanned_pdf((1, HIGH), (0, LOW))
    # As reader version 1 stored it: the last definition's text, R1, nothing unclear.
    read = extract(Path("report.pdf"), _scanned_pdf((0, LOW)))
    meta = dataclasses.replace(read.metadata, reader=1)
    old = ExtractedReport(read.path, "pdf", data, content_hash(data), read.text, meta)
    stored = services.reports._store(compliance, old)
    assert stored.report is not None
    assert services.reports.get(compliance, stored.report).level is RiskLevel.R1

    result = services.access.check(advisor, "C1-client", stored.report)
    assert not result.decision.allowed
    assert result.decision.reasons == (Reason.REPORT_UNRATED,)
    assert result.level_not_read_again
