"""Hostile report files: a PDF whose pages show one risk level while the text suitcheck
reads states another, by someone who wants an R5 report to reach conservative clients.

Was BROKE (1): the reader took only the page's own top-level text. A stamp, free-text
annotation or form field drawn over the page (the report window, PDFium, draws it) and
the text of a form XObject the page draws were never read: a page whose 低风险 sentence
was covered by a stamp showing 本报告的风险等级为高风险 was imported as R1 and a C1 client
was allowed it. Now annotations (their appearance, note and field value) and form
XObjects are read, and the two statements leave the report unrated.

Was BROKE (2): every glyph a content stream places was read as text, shown or not. A
report whose page shows its level as an image (or a stamp, or paths) and states 低风险 in
text nobody is shown (render mode 3, white, 0.1 pt, off the page or outside its crop box,
clipped away, transparent, in an optional-content layer that is off, under a white box,
an image or a stamp painted over it, in a hidden annotation) was imported as R1. Now the
level is also read from the text a reader is shown; when the two readings differ the
report is unrated with a finding naming both.

Was BROKE (3): a PDF updated in place (an incremental update whose new content stream
says 高风险) whose new cross-reference section cannot be found, or whose new definition
cannot be read, was read at its first version (低风险, R1) while the report window, which
rebuilds the table, showed the update. Now such a PDF is refused as damaged, with a
sentence; a well-formed update is read at its newest version, as a viewer shows it.

Was BROKE (4): text set at an angle (a diagonal 本报告的风险等级为高风险 across the page,
a line running up the margin) came out one character a line in reverse, and a landscape
page turned by /Rotate 270 read backwards from its last character: the level in it was
never read, so a report with a small-print 低风险 sentence under a diagonal 高风险 one
imported as R1, and a landscape report read as unrated with a reversed title. Now turned
text is laid out upright, direction by direction, and read as lines.

Was BROKE (5): a sentence set in a font whose glyphs map to no character (no usable
ToUnicode; pdfminer gives "(cid:1063)…") shows 本报告的风险等级为高风险 on the page but
reads as nothing: with a small-print 低风险 sentence beside it the report imported as R1.
Now glyphs mapped to no character where a level could be stated (four in a row, or one
beside a character a level statement is written with) leave the report unrated with a
finding quoting them.

Was BROKE (6): on a page of two columns the boxes are read across the page, row by row:
a sentence 本报告的风险等级为 at the foot of the left column, which a reader continues at
the head of the right column (高风险。), was read with the box beside it instead (低风险。,
the end of another paragraph): R1. Now the page is also read column by column, and when
the level reads otherwise that way the report is unrated with a finding.

Was BROKE (7): the title was the first title-like line of all the text, shown or not: an
invisible 宏观经济周报：政策稳健 above the shown title 星辰科技（300999.SZ）创业板个股点评 became
the report's title in every list, and the subject table read it instead of the ChiNext
title, so a report stating 中风险 was matched at R3, not at its subject's R4 (就高), and
reached C3 clients. Now the title, type and date are read from the text a reader is
shown, and a title or type read only with the unshown text counts for the subject too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import extract
from suitcheck.ingest.sandbox import Limits, Sandbox
from suitcheck.services import Services
from tests.attack.damaged_import import refused_then_imported
from tests.conftest import add_client, staff
from tests.pdfs import CID_FONT, pdf_line, pdf_stream, raw_page_pdf, updated_in_place

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
HEAD = (
    pdf_line("星辰电子年度点评：经营稳健", y=780, size=16)
    + pdf_line("公司点评", y=750)
    + pdf_line("事件：公司发布年报，营业收入同比增长百分之十二。", y=720)
)
_FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 340 40] /Resources << /Font << /F1 3 0 R >> >> "
# An opaque white box with the high-risk sentence: drawn over the page's own sentence.
_COVER = pdf_stream(b"1 1 1 rg 0 0 340 40 re f 0 0 0 rg\n" + pdf_line(HIGH, x=5, y=15), _FORM)


def _annotated(subtype: bytes, annot_extra: bytes = b"", catalog_extra: bytes = b"", appearance: bool = True) -> bytes:
    ap = b"/AP << /N 7 0 R >> " if appearance else b""
    return raw_page_pdf(
        HEAD + pdf_line(LOW, y=560),
        page_extra=b"/Annots [6 0 R] ",
        catalog_extra=catalog_extra,
        objects=(
            b"<< /Type /Annot /Subtype " + subtype + b" /Rect [60 540 400 580] /F 4 " + ap + annot_extra + b">>",
            _COVER,
        ),
    )


def _levels(data: bytes) -> tuple[RiskLevel | None, set[RiskLevel], tuple[str, ...]]:
    meta = extract(Path("report.pdf"), data).metadata
    return meta.stated_level, set(meta.level_statements), meta.unclear_level_statements


COVERED = {
    "stamp": _annotated(b"/Stamp"),
    "free-text": _annotated(b"/FreeText", b"/DA (/F1 12 Tf 0 g) "),
    "free-text without appearance": _annotated(
        b"/FreeText",
        b"/DA (/F1 12 Tf 0 g) /Contents <FEFF" + HIGH.encode("utf-16-be").hex().encode() + b"> ",
        appearance=False,
    ),
    "form field": _annotated(
        b"/Widget",
        b"/FT /Tx /T (level) /V <FEFF" + HIGH.encode("utf-16-be").hex().encode() + b"> ",
        catalog_extra=b"/AcroForm << /Fields [6 0 R] >> ",
    ),
    "form xobject": raw_page_pdf(
        HEAD + b"1 1 1 rg\n" + pdf_line(LOW, y=560) + b"0 g q 1 0 0 1 60 540 cm /X1 Do Q\n",
        resources_extra=b"/XObject << /X1 6 0 R >> ",
        objects=(pdf_stream(pdf_line(HIGH, x=5, y=15), _FORM),),
    ),
}


@pytest.mark.parametrize("data", COVERED.values(), ids=COVERED.keys())
def test_a_level_drawn_over_the_page_is_read_and_the_report_is_unrated(data: bytes) -> None:
    stated, statements, _unclear = _levels(data)
    assert stated is None
    assert RiskLevel.R5 in statements


def test_a_level_stated_only_in_a_form_xobject_is_read() -> None:
    """The page draws its whole text through a form XObject (as a stamping tool leaves
    it): the level it shows is the report's level, not "no level"."""
    data = raw_page_pdf(
        b"q 1 0 0 1 0 0 cm /X1 Do Q\n",
        resources_extra=b"/XObject << /X1 6 0 R >> ",
        objects=(pdf_stream(HEAD + pdf_line(HIGH, y=560), _FORM.replace(b"[0 0 340 40]", b"[0 0 595 842]")),),
    )
    assert _levels(data)[0] is RiskLevel.R5


_WHITE_IMAGE = pdf_stream(
    b"\xff" * 48, b"/Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
)
_OFF_LAYER = b"/OCProperties << /OCGs [6 0 R] /D << /OFF [6 0 R] >> >> "
_ALPHA = b"/ExtGState << /GS0 << /Type /ExtGState /ca 0 >> >> "
UNSHOWN = {
    "render mode 3": raw_page_pdf(HEAD + pdf_line(LOW, y=560, before="3 Tr")),
    "white": raw_page_pdf(HEAD + b"1 1 1 rg\n" + pdf_line(LOW, y=560)),
    "near-white grey": raw_page_pdf(HEAD + b"0.99 g\n" + pdf_line(LOW, y=560)),
    "no ink in CMYK": raw_page_pdf(HEAD + b"0 0 0 0 k\n" + pdf_line(LOW, y=560)),
    "0.1 pt": raw_page_pdf(HEAD + pdf_line(LOW, y=560, size=0.1)),
    "squeezed to 1 % (a blot)": raw_page_pdf(HEAD + pdf_line(LOW, y=560, before="1 Tz")),
    "off the page": raw_page_pdf(HEAD + pdf_line(LOW, x=2000, y=560)),
    "outside the crop box": raw_page_pdf(HEAD + pdf_line(LOW, y=100), page_extra=b"/CropBox [0 400 595 842] "),
    "clipped away": raw_page_pdf(HEAD + b"q 0 0 1 1 re W n\n" + pdf_line(LOW, y=560) + b"Q\n"),
    "transparent": raw_page_pdf(HEAD + b"/GS0 gs\n" + pdf_line(LOW, y=560), resources_extra=_ALPHA),
    "layer off": raw_page_pdf(
        HEAD + b"/OC /L0 BDC\n" + pdf_line(LOW, y=560) + b"EMC\n",
        resources_extra=b"/Properties << /L0 6 0 R >> ",
        catalog_extra=_OFF_LAYER,
        objects=(b"<< /Type /OCG /Name (notes) >>",),
    ),
    "form outside its box": raw_page_pdf(
        HEAD + b"/X1 Do\n",
        resources_extra=b"/XObject << /X1 6 0 R >> ",
        objects=(pdf_stream(pdf_line(LOW, y=560), _FORM.replace(b"[0 0 340 40]", b"[0 0 1 1]")),),
    ),
    "hidden annotation": raw_page_pdf(
        HEAD,
        page_extra=b"/Annots [6 0 R] ",
        objects=(
            b"<< /Type /Annot /Subtype /Stamp /Rect [60 540 400 580] /F 2 /AP << /N 7 0 R >> >>",
            pdf_stream(pdf_line(LOW, x=5, y=15), _FORM),
        ),
    ),
    "under a white box": raw_page_pdf(HEAD + pdf_line(LOW, y=560) + b"1 1 1 rg 60 550 400 30 re f\n"),
    "behind an image": raw_page_pdf(
        HEAD + pdf_line(LOW, y=560) + b"q 400 0 0 30 60 550 cm /Im0 Do Q\n",
        resources_extra=b"/XObject << /Im0 6 0 R >> ",
        objects=(_WHITE_IMAGE,),
    ),
    "under a stamp": raw_page_pdf(
        HEAD + pdf_line(LOW, y=560),
        page_extra=b"/Annots [6 0 R] ",
        objects=(
            b"<< /Type /Annot /Subtype /Stamp /Rect [60 540 400 580] /F 4 /AP << /N 7 0 R >> >>",
            pdf_stream(
                b"q 340 0 0 40 0 0 cm /Im0 Do Q\n",
                _FORM.replace(b"/Font << /F1 3 0 R >>", b"/XObject << /Im0 8 0 R >>"),
            ),
            _WHITE_IMAGE,
        ),
    ),
    "appearance not selected": raw_page_pdf(
        HEAD,
        page_extra=b"/Annots [6 0 R] ",
        objects=(
            b"<< /Type /Annot /Subtype /Widget /FT /Btn /Rect [60 540 400 580] /AS /Off"
            b" /AP << /N << /On 7 0 R /Off 8 0 R >> >> >>",
            pdf_stream(pdf_line(LOW, x=5, y=15), _FORM),
            pdf_stream(b"", _FORM),
        ),
    ),
}


@pytest.mark.parametrize("data", UNSHOWN.values(), ids=UNSHOWN.keys())
def test_a_level_stated_only_in_text_nobody_is_shown_leaves_the_report_unrated(data: bytes) -> None:
    """The page shows its level as an image (or shows none); the text layer says 低风险
    where a reader of the page is shown nothing: not the report's level."""
    stated, _statements, unclear = _levels(data)
    assert stated is None
    assert any(u.startswith("text its pages do not show") and "R1 with it" in u for u in unclear), unclear
    assert all(len(u) <= 120 for u in unclear)  # what a finding quotes


def test_a_hidden_character_inside_the_shown_sentence_leaves_the_report_unrated() -> None:
    """The page shows 本报告的风险等级为 … 风险。 with 高 drawn as a picture; an invisible 低
    sits where it is drawn, so the text reads 低风险."""
    line = (
        "BT /F1 12 Tf 72 560 Td <{a}> Tj 3 Tr <{b}> Tj 0 Tr <{c}> Tj ET\n".format(
            a="本报告的风险等级为".encode("utf-16-be").hex(),
            b="低".encode("utf-16-be").hex(),
            c="风险。".encode("utf-16-be").hex(),
        )
    ).encode()
    stated, statements, unclear = _levels(raw_page_pdf(HEAD + line))
    assert statements == {RiskLevel.R1}
    assert stated is None
    assert any("do not show" in u for u in unclear)


def test_text_on_a_coloured_box_or_under_a_highlight_is_shown() -> None:
    """A box painted before the text (a table cell's shading) and a translucent highlight
    over it hide nothing."""
    shaded = raw_page_pdf(HEAD + b"0.9 0.9 1 rg 60 550 400 30 re f 0 g\n" + pdf_line(HIGH, y=560))
    highlighted = raw_page_pdf(
        HEAD + pdf_line(HIGH, y=560),
        page_extra=b"/Annots [6 0 R] ",
        objects=(
            b"<< /Type /Annot /Subtype /Highlight /Rect [60 540 400 580] /F 4 /AP << /N 7 0 R >> >>",
            pdf_stream(b"1 1 0 rg 0 0 340 40 re f", _FORM),
        ),
    )
    assert _levels(shaded) == _levels(highlighted) == (RiskLevel.R5, {RiskLevel.R5}, ())


def test_an_unshown_copy_of_the_shown_statement_changes_nothing() -> None:
    """A text layer under the page's own text (an OCR layer, a repeated disclaimer) that
    states the same level as the page shows leaves the stated level."""
    data = raw_page_pdf(HEAD + pdf_line(HIGH, y=600) + pdf_line(HIGH, y=560, before="3 Tr"))
    assert _levels(data) == (RiskLevel.R5, {RiskLevel.R5}, ())


def test_a_stamped_report_reaches_no_conservative_client(services: Services, tmp_path: Path) -> None:
    """Through the import and the check, on SQLite and PostgreSQL: the stamped report is
    waiting for compliance, and a C1 client is refused it."""
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    stamped, hidden = tmp_path / "stamped.pdf", tmp_path / "hidden.pdf"
    stamped.write_bytes(COVERED["stamp"])
    hidden.write_bytes(UNSHOWN["white"])
    results = services.reports.import_paths(compliance, [stamped, hidden])
    assert [r.status for r in results] == [ImportStatus.NEEDS_RATING] * 2, results
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    for result in results:
        assert result.report is not None
        assert services.reports.get(compliance, result.report).level is None
        assert not services.access.check(advisor, "C1-client", result.report).decision.allowed


def test_the_sandboxed_reader_reads_the_same(tmp_path: Path) -> None:
    """The import reads files in the worker process (ingest.sandbox), under its limits."""
    sandbox = Sandbox()
    try:
        meta = sandbox.extract(Path("stamped.pdf"), COVERED["stamp"], Limits()).metadata
    finally:
        sandbox.close()
    assert meta.stated_level is None
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


_FIRST = raw_page_pdf(HEAD + pdf_line(LOW, y=560))
_UPDATE = pdf_stream(HEAD + pdf_line(HIGH, y=560))


def test_a_pdf_updated_in_place_is_read_at_its_newest_version() -> None:
    assert _levels(updated_in_place(_FIRST, 5, _UPDATE))[0] is RiskLevel.R5


@pytest.mark.parametrize(
    "data",
    [updated_in_place(_FIRST, 5, _UPDATE, startxref_shift=7), updated_in_place(_FIRST, 5, _UPDATE, offset=10)],
    ids=["update's table not found", "update's definition unreadable"],
)
def test_a_pdf_whose_update_cannot_be_read_is_refused_not_read_at_its_first_version(data: bytes) -> None:
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), data)
    assert refused.value.code == "corrupt"
    assert "more than one version" in str(refused.value)


def test_the_import_reports_the_damaged_update_and_goes_on(services: Services, tmp_path: Path) -> None:
    damaged = updated_in_place(_FIRST, 5, _UPDATE, startxref_shift=7)
    fine = updated_in_place(_FIRST, 5, _UPDATE)
    assert refused_then_imported(services, tmp_path, damaged, fine) is RiskLevel.R5


def _turned(text: str, a: float, b: float, c: float, d: float, x: float, y: float, size: float = 24) -> bytes:
    return f"BT /F1 {size} Tf {a} {b} {c} {d} {x} {y} Tm <{text.encode('utf-16-be').hex()}> Tj ET\n".encode()


TURNED = {
    "diagonal": raw_page_pdf(
        HEAD + pdf_line(LOW, y=100, size=7) + _turned(HIGH, 0.707, 0.707, -0.707, 0.707, 120, 300)
    ),
    "up the margin": raw_page_pdf(HEAD + pdf_line(LOW, y=100, size=7) + _turned(HIGH, 0, 1, -1, 0, 560, 200, 10)),
    "upside down": raw_page_pdf(HEAD + pdf_line(LOW, y=100, size=7) + _turned(HIGH, -1, 0, 0, -1, 500, 400)),
}


@pytest.mark.parametrize("data", TURNED.values(), ids=TURNED.keys())
def test_a_level_set_at_an_angle_is_read_and_the_report_is_unrated(data: bytes) -> None:
    stated, statements, _unclear = _levels(data)
    assert stated is None
    assert statements == {RiskLevel.R1, RiskLevel.R5}


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_landscape_page_reads_forwards(rotate: int) -> None:
    data = raw_page_pdf(HEAD + pdf_line(HIGH, y=560), page_extra=f"/Rotate {rotate} ".encode())
    meta = extract(Path("report.pdf"), data).metadata
    assert (meta.stated_level, meta.title) == (RiskLevel.R5, "星辰电子年度点评：经营稳健")


# The CJK font with a character map that maps one unused code: every glyph it draws is
# read as "(cid:N)", while a viewer draws it from the font as usual.
_NO_MAP = pdf_stream(
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Broken def"
    b" 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0001> <0020> endbfchar"
    b" endcmap CMapName currentdict /CMap defineresource pop end end"
)
_UNMAPPED_FONT = CID_FONT.replace(b"/DescendantFonts", b"/ToUnicode 8 0 R /DescendantFonts")


def _in_unmapped_font(text: str) -> bytes:
    """The head, a small-print 低风险 sentence, and `text` large in the unmapped font."""
    form = _FORM.replace(b"[0 0 340 40]", b"[0 0 595 842]").replace(b"/F1 3 0 R", b"/F2 7 0 R")
    return raw_page_pdf(
        HEAD + pdf_line(LOW, y=100, size=7) + b"/X1 Do\n",
        resources_extra=b"/XObject << /X1 6 0 R >> ",
        objects=(pdf_stream(pdf_line(text, y=560, size=20).replace(b"/F1", b"/F2"), form), _UNMAPPED_FONT, _NO_MAP),
    )


@pytest.mark.parametrize("shown", [HIGH, "本告"], ids=["whole sentence", "one glyph inside a word"])
def test_a_level_in_glyphs_that_map_to_no_character_leaves_the_report_unrated(shown: str) -> None:
    stated, statements, unclear = _levels(_in_unmapped_font(shown))
    assert statements == {RiskLevel.R1}
    assert stated is None
    assert any("mapped to no character" in u and "(cid:" in u for u in unclear), unclear


def test_unmapped_glyphs_away_from_any_level_word_change_nothing() -> None:
    """A symbol font's glyph away from any word of a level statement (a chart's bullet)
    says nothing about the level: the stated level stands."""
    single = raw_page_pdf(
        HEAD + pdf_line(LOW, y=560) + b"/X1 Do\n",
        resources_extra=b"/XObject << /X1 6 0 R >> ",
        objects=(
            pdf_stream(
                pdf_line("，", x=300, y=300).replace(b"/F1", b"/F2"),
                _FORM.replace(b"[0 0 340 40]", b"[0 0 595 842]").replace(b"/F1 3 0 R", b"/F2 7 0 R"),
            ),
            _UNMAPPED_FONT,
            _NO_MAP,
        ),
    )
    assert _levels(single) == (RiskLevel.R1, {RiskLevel.R1}, ())


def _two_columns(beside_the_foot: str) -> bytes:
    """Two columns; the left one ends mid-sentence, the right one begins with its end."""
    left, right = 60, 320

    def at(text: str, x: int, y: int) -> bytes:
        return pdf_line(text, x=x, y=y, size=10)

    return raw_page_pdf(
        HEAD
        + at("公司经营稳健，收入增长。", left, 650)
        + at("毛利率保持稳定水平。", left, 636)
        + at("风险提示：市场波动。", left, 400)
        + at("本报告的风险等级为", left, 120)
        + at("高风险。分析师承诺如下。", right, 650)
        + at("本段为分析师声明内容。", right, 636)
        + at(beside_the_foot, right, 120)
    )


def test_a_sentence_running_into_the_next_column_is_not_read_with_the_box_beside_it() -> None:
    stated, statements, unclear = _levels(_two_columns("低风险。这是另一段的结尾"))
    assert stated is None
    assert RiskLevel.R1 in statements
    assert any("column by column" in u and "R1 as laid out, R5 by columns" in u for u in unclear), unclear


def test_two_columns_that_read_the_same_either_way_keep_their_level() -> None:
    data = raw_page_pdf(
        HEAD + pdf_line("本报告的风险等级为高风险。", x=60, y=400, size=10) + pdf_line("附注。", x=320, y=400, size=10)
    )
    assert _levels(data) == (RiskLevel.R5, {RiskLevel.R5}, ())


_HIDDEN_TITLE = (
    pdf_line("宏观经济周报：政策稳健", y=800, size=16, before="3 Tr")
    + pdf_line("星辰科技（300999.SZ）创业板个股点评", y=780, size=16, before="0 Tr")
    + pdf_line("公司点评", y=750)
    + pdf_line("事件：公司发布年报，营业收入同比增长百分之十二。", y=720)
    + pdf_line("本报告的风险等级为中风险。", y=560)
)


def test_the_title_is_the_one_shown_and_a_hidden_one_cannot_lower_the_subject(
    services: Services, tmp_path: Path
) -> None:
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    path = tmp_path / "hidden-title.pdf"
    path.write_bytes(raw_page_pdf(_HIDDEN_TITLE))
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    report = services.reports.get(compliance, result.report)
    assert report.title == "星辰科技（300999.SZ）创业板个股点评"
    assert (report.level, report.suggested_level, report.matching_level) == (RiskLevel.R3, RiskLevel.R4, RiskLevel.R4)
    add_client(services, compliance, "C3-client", RiskProfile.C3)
    assert not services.access.check(advisor, "C3-client", result.report).decision.allowed


# White text on a dark band (a report's title banner, a level sentence in a coloured box) is
# what a reader sees; white text on the white page, or on a box as pale as the page, is not.
_BAND = b"0.08 0.2 0.45 rg 40 545 480 40 re f\n"  # a dark blue band behind the line at y=560
_WHITE_TEXT = b"1 1 1 rg\n"


def test_white_text_on_a_dark_band_is_shown() -> None:
    """A level sentence in white on a dark band reads as the page shows it: R5, nothing
    unclear (it was read as text nobody is shown, leaving the report unrated)."""
    data = raw_page_pdf(HEAD + _BAND + _WHITE_TEXT + pdf_line(HIGH, y=560))
    assert _levels(data) == (RiskLevel.R5, {RiskLevel.R5}, ())


def test_a_white_title_on_a_dark_banner_is_the_title() -> None:
    """The title in white on the first page's banner, as many research reports print it:
    the report's title, not the first black line below it."""
    title = pdf_line("星辰电子年度点评：经营稳健", y=780, size=16)
    banner = b"0.1 0.1 0.1 rg 0 765 595 40 re f\n" + _WHITE_TEXT + title
    body = b"0 g\n" + pdf_line("公司点评", y=750) + pdf_line("事件：公司发布年报，营业收入同比增长百分之十二。", y=720)
    meta = extract(Path("report.pdf"), raw_page_pdf(banner + body + pdf_line(HIGH, y=560))).metadata
    assert (meta.title, meta.stated_level) == ("星辰电子年度点评：经营稳健", RiskLevel.R5)


# A dark speck under the centre of each of the 13 glyphs of the 12-point line at x=72, y=560
# (each glyph's box is 72+12i..84+12i by 558.6..570.6; what a reader sees: thirteen dots,
# not 低风险), and a band whose lower part a white strip was painted over.
_SPECKS = b"0 g " + b"".join(b"%d 564 1 1 re f " % (72 + 12 * i + 5) for i in range(13)) + b"\n"
_BAND_HALF_COVERED = _BAND + b"1 1 1 rg 40 555 480 7 re f\n"  # over the glyphs' feet (558.6-562)

BANDS_THAT_HIDE = {
    # A speck of dark under each glyph's centre: the glyph itself lies on white.
    "dark specks under the glyphs": _SPECKS,
    # A white strip painted over the band's lower part: the glyphs' feet lie on white.
    "a band partly painted over": _BAND_HALF_COVERED,
    # The band lies elsewhere on the page, not under the text.
    "a band elsewhere": b"0.08 0.2 0.45 rg 40 300 480 40 re f\n",
    # The band is as pale as the page: white on it cannot be read.
    "a pale band": b"0.9 0.9 0.9 rg 40 545 480 40 re f\n",
    # A dark band, then a white box over it: the text lands on white.
    "a white box over the band": _BAND + b"1 1 1 rg 40 545 480 40 re f\n",
    # A dark band seen through: barely tinted.
    "a see-through band": b"/GS0 gs " + _BAND + b"/GS1 gs\n",
}


@pytest.mark.parametrize("band", BANDS_THAT_HIDE.values(), ids=BANDS_THAT_HIDE.keys())
def test_white_text_on_no_dark_band_is_still_not_shown(band: bytes) -> None:
    """The white 低风险 lies on white (or next to white): nobody is shown it, so the report
    stays unrated, whatever dark shape the page draws elsewhere."""
    alpha = b"/ExtGState << /GS0 << /Type /ExtGState /ca 0.1 >> /GS1 << /Type /ExtGState /ca 1 >> >> "
    data = raw_page_pdf(HEAD + band + _WHITE_TEXT + pdf_line(LOW, y=560), resources_extra=alpha)
    stated, _statements, unclear = _levels(data)
    assert stated is None
    assert any(u.startswith("text its pages do not show") for u in unclear), unclear


def test_a_dark_band_painted_after_white_text_hides_it() -> None:
    """A band painted over the white text (after it) covers it: dark on dark or not, the
    text is under the band."""
    data = raw_page_pdf(HEAD + _WHITE_TEXT + pdf_line(LOW, y=560) + _BAND)
    assert _levels(data)[0] is None
