"""A form XObject (content a page draws with Do) that gives no bounding box.

Was BROKE: the level reader (pdfminer) draws a form XObject only when it has a /BBox;
PDFium (the report window) draws one without (unclipped). A page stating 低风险 that drew,
over that sentence, a form without /BBox holding a white box and 本报告的风险等级为高风险 was
read as R1 and shown as 高风险 only. Now such a form is read where it is drawn, as if its
box held the whole page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Role
from suitcheck.ingest.reader import extract
from suitcheck.services import Services
from tests.conftest import staff
from tests.pdfs import pdf_line, pdf_stream, raw_page_pdf

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
_HEAD = pdf_line("宏观经济周报：政策稳健，经济企稳", y=780, size=16) + pdf_line("宏观周报", y=750)
_COVER = b"1 1 1 rg 0 0 340 40 re f 0 g\n"


def _drawn_over_low(form: bytes, box: bytes) -> bytes:
    attributes = b"/Type /XObject /Subtype /Form " + box + b"/Resources << /Font << /F1 3 0 R >> >> "
    return raw_page_pdf(
        _HEAD + pdf_line(LOW, y=560) + b"q 1 0 0 1 60 540 cm /X1 Do Q\n",
        resources_extra=b"/XObject << /X1 6 0 R >> ",
        objects=(pdf_stream(form, attributes),),
    )


WITHOUT_BOX = {
    "no BBox": _drawn_over_low(_COVER + pdf_line(HIGH, x=5, y=15), b""),
    "BBox null": _drawn_over_low(_COVER + pdf_line(HIGH, x=5, y=15), b"/BBox null "),
}


@pytest.mark.parametrize("data", WITHOUT_BOX.values(), ids=WITHOUT_BOX.keys())
def test_a_form_without_a_box_is_read(data: bytes) -> None:
    meta = extract(Path("report.pdf"), data).metadata
    assert meta.stated_level is None  # 高风险 shown over a hidden 低风险
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


def test_a_form_with_a_box_reads_as_before() -> None:
    data = _drawn_over_low(pdf_line(HIGH, x=5, y=15), b"/BBox [0 0 340 40] ")
    assert set(extract(Path("report.pdf"), data).metadata.level_statements) == {RiskLevel.R1, RiskLevel.R5}


def test_the_import_leaves_it_unrated(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "form.pdf"
    path.write_bytes(WITHOUT_BOX["no BBox"])
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.status is ImportStatus.NEEDS_RATING
    assert result.report is not None
    assert services.reports.get(compliance, result.report).level is None
