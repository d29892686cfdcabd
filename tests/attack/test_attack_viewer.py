"""Opening a report, attacked: what the report window shows is what the level was read from.

Was BROKE (1): the level is read from the text pdfminer finds by walking the page tree,
which takes only the nodes typed /Page; the report window draws the pages PDFium finds,
and PDFium takes every leaf of the tree as a page, typed or not. A report whose first
page is a macro weekly stating 低风险 and whose second page (its /Type left out) is a
derivatives report stating 高风险 imported as R1 with one page; a C1 client was allowed
it, and the window showed both pages. Now a PDF whose page count the two readers do not
agree on is refused as damaged, at the import and (a file imported before) at opening,
since the opening reads the original again the same way.

Was BROKE (1b): the page counts compared, the pages did not: PDFium trusts /Count, takes
a node typed /Page that has kids for a node of the tree, and inherits resources through
/Parent; pdfminer reads typed pages only, reads such a node as a page, inherits from the
node it came through, and with no page in the tree reads every typed page in the file.
Four files, each with a page count both readers agree on, imported as R1 while the
window showed their 高风险 page. Now a page tree must say plainly which objects are pages
(nodes with kids typed /Pages, the others /Page, each /Parent the node it is listed
under), or the PDF is refused as damaged.

Was BROKE (2): a report window stayed open after another desk overturned the decision it
was opened under (the desk half is in tests/gui/test_report_viewer.py).

Was BROKE (3): text painted through a tiling pattern, a soft mask or a Type3 glyph (each a
content stream of its own, which pdfminer never reads) showed 高风险 on the page of a
report imported as R1.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel
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


_PAGE = b"/MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
_FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
# Page trees whose page counts agree, but whose pages do not: 1 catalog, 2 the root, 3 the
# font; the low page's content is 5, the high page's 7.
SAME_COUNT = {
    # /Count says 2: PDFium shows the first two leaves (low, untyped high); pdfminer reads
    # the typed ones (low, and a blank third page).
    "untyped page, count made to agree": [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R 6 0 R 8 0 R] /Count 2 >>",
        CID_FONT,
        b"<< /Type /Page /Parent 2 0 R " + _PAGE + b"/Contents 5 0 R >>",
        pdf_stream(LOW_PAGE),
        b"<< /Parent 2 0 R " + _PAGE + b"/Contents 7 0 R >>",
        pdf_stream(HIGH_PAGE),
        b"<< /Type /Page /Parent 2 0 R " + _PAGE + b"/Contents 9 0 R >>",
        pdf_stream(b""),
    ],
    # A node typed /Page that has kids: pdfminer reads the node's own (low) content;
    # PDFium takes it for a node of the tree and shows its kid (high).
    "a page with kids": [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        CID_FONT,
        b"<< /Type /Page /Parent 2 0 R /Kids [6 0 R] /Count 1 " + _PAGE + b"/Contents 5 0 R >>",
        pdf_stream(LOW_PAGE),
        b"<< /Type /Page /Parent 4 0 R " + _PAGE + b"/Contents 7 0 R >>",
        pdf_stream(HIGH_PAGE),
    ],
    # The root left untyped: pdfminer finds no page in the tree and falls back to every
    # object typed /Page (an orphan, low); PDFium shows the tree's leaf (high).
    "untyped tree, orphan page": [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Kids [6 0 R] /Count 1 >>",
        CID_FONT,
        b"<< /Type /Page " + _PAGE + b"/Contents 5 0 R >>",
        pdf_stream(LOW_PAGE),
        b"<< /Parent 2 0 R " + _PAGE + b"/Contents 7 0 R >>",
        pdf_stream(HIGH_PAGE),
    ],
    # The page's /Parent is another node than the one it is listed under: pdfminer takes
    # the inherited resources from the node it came through (/X1 the low form), PDFium
    # from /Parent (/X1 the high form).
    "inherits from another parent": [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> /XObject << /X1 5 0 R >> >> >>",
        CID_FONT,
        b"<< /Type /Page /Parent 8 0 R /MediaBox [0 0 595 842] /Contents 6 0 R >>",
        pdf_stream(LOW_PAGE, _FORM),
        pdf_stream(b"q /X1 Do Q\n"),
        pdf_stream(HIGH_PAGE, _FORM),
        b"<< /Type /Pages /Kids [] /Count 0 /Resources << /Font << /F1 3 0 R >> /XObject << /X1 7 0 R >> >> >>",
    ],
}


def _pdfium_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


@pytest.mark.parametrize("bodies", SAME_COUNT.values(), ids=SAME_COUNT.keys())
def test_a_page_tree_the_two_readers_walk_otherwise_is_refused(bodies: list[bytes]) -> None:
    """Was BROKE (1b): the page count compared, the same pages were not: each of these
    imported as R1 (its low page read) while the window showed the 高风险 page."""
    data = pdf_file(bodies)
    assert "高风险" in _pdfium_text(data)  # what the report window would show
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), data)
    assert refused.value.code == "corrupt"


def _patterned(fill_resources: bytes, extra: tuple[bytes, ...], fill: bytes, page_extra: bytes = b"") -> bytes:
    """The low page filling a box with the tiling pattern /P1 (object 6): its cell shows
    本报告的风险等级为高风险 in glyphs. `fill_resources` holds /P1, directly or through a
    form XObject (or, starting with /Font, the page's fonts); `fill` is what the page's
    content adds to the low page. Further objects are numbered from 7."""
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            CID_FONT,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
            + (fill_resources if fill_resources.startswith(b"/Font") else b"/Font << /F1 3 0 R >> " + fill_resources)
            + b" >> /Contents 5 0 R "
            + page_extra
            + b">>",
            pdf_stream(LOW_PAGE + fill),
            pdf_stream(
                pdf_line("本报告的风险等级为高风险。", x=0, y=10, size=20),
                b"/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 400 40] /XStep 400 "
                b"/YStep 40 /Resources << /Font << /F1 3 0 R >> >> ",
            ),
            *extra,
        ]
    )


FILL = b"/Pattern cs /P1 scn 60 300 400 40 re f\n"
PAINTED = {
    "on the page": _patterned(b"/Pattern << /P1 6 0 R >>", (), FILL),
    "in a form the page draws": _patterned(
        b"/XObject << /X1 7 0 R >>",
        (pdf_stream(FILL, _FORM.replace(b">> >> ", b">> /Pattern << /P1 6 0 R >> >> ")),),
        b"q /X1 Do Q\n",
    ),
    "a soft mask's group": _patterned(
        b"/ExtGState << /M1 << /SMask << /S /Luminosity /G 7 0 R >> >> >>",
        (
            pdf_stream(
                pdf_line("本报告的风险等级为高风险。", x=60, y=310, size=20).replace(b"BT", b"BT 1 g", 1),
                _FORM.replace(b"/BBox", b"/Group << /S /Transparency /CS /DeviceGray >> /BBox"),
            ),
        ),
        b"q /M1 gs 0 g 60 300 400 40 re f Q\n",
    ),
    "a Type3 glyph's procedure": _patterned(
        b"/Font << /F1 3 0 R /T3 8 0 R >>",
        (
            pdf_stream(b"1000 0 d0\n" + pdf_line("本报告的风险等级为高风险。", x=0, y=0, size=1)),
            b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 20 2] /FontMatrix [1 0 0 1 0 0] /CharProcs << /a 7 0 R >>"
            b" /Encoding << /Differences [97 /a] >> /FirstChar 97 /LastChar 97 /Widths [1000]"
            b" /Resources << /Font << /F1 3 0 R >> >> >>",
        ),
        b"BT /T3 20 Tf 60 310 Td (a) Tj ET\n",
    ),
    "in a stamp's appearance": _patterned(
        b"",
        (
            b"<< /Type /Annot /Subtype /Stamp /Rect [60 300 460 340] /F 4 /AP << /N 8 0 R >> >>",
            pdf_stream(
                b"/Pattern cs /P1 scn 0 0 400 40 re f\n",
                b"/Type /XObject /Subtype /Form /BBox [0 0 400 40] /Resources << /Pattern << /P1 6 0 R >> >> ",
            ),
        ),
        b"",
        b"/Annots [7 0 R] ",
    ),
}


def _dark_pixels_in_the_box(data: bytes) -> int:
    """Dark pixels PDFium paints in the box FILL fills (60,300 to 460,340; its text layer
    has no pattern text to compare)."""
    document = pdfium.PdfDocument(data)
    try:
        bitmap = document[0].render(scale=1, grayscale=True)
        pixels, stride = bytes(bitmap.buffer), bitmap.stride
    finally:
        document.close()
    return sum(1 for y in range(842 - 340, 842 - 300) for x in range(60, 460) if pixels[y * stride + x] < 128)


@pytest.mark.parametrize("data", PAINTED.values(), ids=PAINTED.keys())
def test_a_level_painted_through_a_stream_of_its_own_is_read(data: bytes) -> None:
    """Was BROKE (3): a tiling pattern's cell, a soft mask's group and a Type3 glyph's
    procedure are content streams of their own, which PDFium paints and pdfminer never
    reads. A box filled with a pattern whose cell says 本报告的风险等级为高风险 (or painted
    through a mask of that sentence, or one Type3 glyph drawing it) showed it on the page,
    while the report imported as R1 from its 低风险 sentence. Now the text of every such
    stream a page can paint is read with the page's: two statements, unrated."""
    assert _dark_pixels_in_the_box(data) > 500  # the window paints the pattern's glyphs there
    meta = extract(Path("report.pdf"), data).metadata
    assert meta.stated_level is None
    assert RiskLevel.R5 in meta.level_statements


def test_the_import_says_why_and_imports_nothing(sqlite_services: Services, tmp_path: Path) -> None:
    from tests.conftest import staff

    compliance = staff(sqlite_services, Role.COMPLIANCE)
    path = tmp_path / "weekly.pdf"
    path.write_bytes(_two_pages(second_typed=False))
    (result,) = sqlite_services.reports.import_paths(compliance, [path])
    assert (result.status, result.report, result.code) == (ImportStatus.FAILED, None, "corrupt")
    assert result.reason is not None
    assert "Traceback" not in result.reason


def test_the_file_imported_from_changing_afterwards_changes_nothing_opened(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Holds (a guard): the report's bytes are taken into the store at import and the
    opening hands out those, checked against the sealed row's hash; the file on the disk
    is never read again. Replaced by a higher-risk report's bytes, or gone with its folder,
    the same report opens with the same bytes."""
    from suitcheck.domain.levels import RiskProfile
    from tests.conftest import add_client, staff

    compliance, advisor = staff(sqlite_services, Role.COMPLIANCE), staff(sqlite_services, Role.ADVISOR)
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "weekly.pdf"
    original = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            CID_FONT,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 5 0 R >>",
            pdf_stream(LOW_PAGE),
        ]
    )
    path.write_bytes(original)
    (result,) = sqlite_services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    add_client(sqlite_services, compliance, "M1", RiskProfile.C1)
    path.write_bytes(_two_pages(second_typed=True))  # the 高风险 report in its place
    assert sqlite_services.access.open_report(advisor, "M1", result.report).original == original
    path.unlink()
    folder.rmdir()
    opened = sqlite_services.access.open_report(advisor, "M1", result.report)
    assert opened.original == original
    assert "高风险" not in opened.text


def _entries(services: Services) -> int:
    from sqlalchemy import func, select

    from suitcheck.store.models import AuditEntry

    with services.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def test_which_open_reports_the_client_may_still_be_given(sqlite_services: Services, tmp_path: Path) -> None:
    """Was BROKE (2), service half: a report window stayed open until a decision at this
    desk refused its report, so compliance raising the report at another desk (or marking
    the client for re-assessment there) left it open for the client. The desk now asks
    `still_open` which of the reports it has open the client may still be given, as
    `open_report` judges it, and closes the others. Nothing is recorded."""
    from suitcheck.domain.levels import RiskLevel, RiskProfile
    from tests.conftest import add_client, staff
    from tests.fixtures import import_text_report

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    other = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "M3", RiskProfile.C3)
    services.access.open_report(advisor, "M3", r3)
    services.access.open_report(advisor, "M3", other)

    def still_open() -> set[int]:
        before = _entries(services)
        answer = services.access.still_open(advisor, "M3", [r3, other])
        assert _entries(services) == before  # a question, not a decision: nothing recorded
        return answer

    assert still_open() == {r3, other}
    services.reports.set_level(compliance, r3, RiskLevel.R5, "衍生品内容，上调")  # at another desk
    assert still_open() == {other}
    services.investors.mark_reassessment_due(compliance, "M3", "客户财务状况变化")
    assert still_open() == set()
