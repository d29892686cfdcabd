"""Opening a report, attacked: what the report window shows is what the level was read from.

Was BROKE (1): the level is read from the text pdfminer finds by walking the page tree,
which takes only the nodes typed /Page; the report window draws the pages PDFium finds,
and PDFium takes every leaf of the tree as a page, typed or not. A report whose first
page is a macro weekly stating 低风险 and whose second page (its /Type left out) is a
derivatives report stating 高风险 imported as R1 with one page; a C1 client was allowed
it, and the window showed both pages. Now a PDF whose page count the two readers do not
agree on is refused as damaged, at the import and (a file imported before) at opening,
since the opening reads the original again the same way.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import extract
from suitcheck.services import Services
from tests.pdfs import CID_FONT, pdf_file, pdf_line, pdf_stream

LOW_PAGE = (
    pdf_line("宏观经济周报：政策稳健，流动性合理充裕", y=780, size=16)
    + pdf_line("宏观点评", y=750)
    + pdf_line("本周货币政策保持稳健，财政政策积极发力。", y=720)
    + pdf_line("本报告的风险等级为低风险。", y=560)
)
HIGH_PAGE = (
    pdf_line("股指期货与期权策略：高杠杆跨期套利", y=780, size=16)
    + pdf_line("衍生品专题", y=750)
    + pdf_line("本报告的风险等级为高风险。", y=560)
)


def _two_pages(second_typed: bool) -> bytes:
    """1 catalog, 2 pages, 3 the CJK font, 4 and 6 the pages, 5 and 7 their contents."""
    page = b"/Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R"
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>",
            CID_FONT,
            b"<< /Type /Page " + page % 5 + b" >>",
            pdf_stream(LOW_PAGE),
            b"<< " + (b"/Type /Page " if second_typed else b"") + page % 7 + b" >>",
            pdf_stream(HIGH_PAGE),
        ]
    )


def _pdfium_pages(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def test_a_page_the_level_reader_skips_but_the_window_shows_is_refused() -> None:
    untyped = _two_pages(second_typed=False)
    assert _pdfium_pages(untyped) == 2  # the report window would draw the 高风险 page
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), untyped)
    assert refused.value.code == "corrupt"
    assert "pages" in str(refused.value)
    # The same report with both pages typed is read whole: two statements, unrated.
    assert extract(Path("report.pdf"), _two_pages(second_typed=True)).metadata.stated_level is None


def test_the_import_says_why_and_imports_nothing(sqlite_services: Services, tmp_path: Path) -> None:
    from tests.conftest import staff

    compliance = staff(sqlite_services, Role.COMPLIANCE)
    path = tmp_path / "weekly.pdf"
    path.write_bytes(_two_pages(second_typed=False))
    (result,) = sqlite_services.reports.import_paths(compliance, [path])
    assert (result.status, result.report, result.code) == (ImportStatus.FAILED, None, "corrupt")
    assert result.reason is not None
    assert "Traceback" not in result.reason
