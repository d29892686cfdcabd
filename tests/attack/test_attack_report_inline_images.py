"""An inline image (BI … ID … EI) in a page's content stream.

Was BROKE: the level reader (pdfminer) ended an inline image's data only at an `EI`
followed by white space, while the report window (PDFium) ends it at the keyword `EI`
however it is delimited: by a NUL, a slash, a percent sign or a bracket as well. A page
stating 低风险, then drawing a one-pixel inline image closed by `EI` and a NUL, then a white
box over the 低风险 sentence and 本报告的风险等级为高风险, was read as R1 (everything after the
image taken for image data) and shown as 高风险 only. Now the reader ends the image where
the window does, and reads what follows.

Was BROKE (this branch): past the image's data the reader took the first `EI` to end it
wherever it stood, the window the first it reads as a keyword, past strings and comments:
an image followed by `%EI (` on its line, then EI, a white box over the 低风险 sentence and
高风险, was read as R1 (the `(` after the first EI a string swallowing the rest) and shown
as 高风险. So were images whose ASCIIHex, ASCII85 or RunLength data held `EI (`: the window
decodes such data to find its end, the reader took the first EI. Now the reader ends those
data where the window does and finds the EI as its tokenizer does. So was an image in a
colour space the page's resources name (/CS /CS0): its size unknown, the first EI taken.
And an image whose data the window finds no EI after (only one in a string or comment)
takes the rest of the page there, while the reader read on from that EI: a page showing no
level imported as R1 from a 低风险 sentence after the image. Such a file is now refused.

Was BROKE: LZW, JPEG (DCT) and fax (CCITT) images ended at the first EI in their data,
which the window decodes past. LZW data is now followed to its end-of-data code; a JPEG
to where libjpeg stops reading it (ingest.jpegend), refused if it holds an EI or if the
window might find another EI than from its end; a fax image followed by a second EI is
refused.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.reader import extract
from suitcheck.services import Services
from tests.conftest import staff
from tests.pdfs import pdf_line, raw_page_pdf

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
_HEAD = pdf_line("宏观经济周报：政策稳健，经济企稳", y=780, size=16) + pdf_line("宏观周报", y=750)
_COVER = b"1 1 1 rg 60 540 480 40 re f 0 g\n"
_IMAGE = b"q 10 0 0 10 10 10 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI"


def _page(after_ei: bytes) -> bytes:
    return raw_page_pdf(_HEAD + pdf_line(LOW, y=560) + _IMAGE + after_ei + b"Q " + _COVER + pdf_line(HIGH, y=600))


CLOSED_BY = {
    "a NUL": _page(b"\x00"),
    "a comment": _page(b"%note\n"),
    "a name": raw_page_pdf(
        _HEAD + pdf_line(LOW, y=560) + _IMAGE + b"/GS0 gs Q " + _COVER + pdf_line(HIGH, y=600),
        resources_extra=b"/ExtGState << /GS0 << /CA 1 >> >> ",
    ),
}


@pytest.mark.parametrize("data", CLOSED_BY.values(), ids=CLOSED_BY.keys())
def test_what_follows_an_inline_image_is_read(data: bytes) -> None:
    meta = extract(Path("report.pdf"), data).metadata
    assert meta.stated_level is None  # 低风险 in the text, 高风险 shown over it
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


@pytest.mark.parametrize("after_ei", [b" ", b"\n", b"\r\n"], ids=["space", "line feed", "crlf"])
def test_an_image_closed_by_white_space_reads_as_before(after_ei: bytes) -> None:
    data = raw_page_pdf(_HEAD + _IMAGE + after_ei + b"Q " + pdf_line(HIGH, y=600))
    assert extract(Path("report.pdf"), data).metadata.stated_level is RiskLevel.R5


@pytest.mark.parametrize(
    "image",
    [
        b"BI /W 6 /H 1 /BPC 8 /CS /G ID a EI(b EI\x00",  # its six bytes hold EI twice
        b"BI /W 2 /H 1 /BPC 8 /CS /G /F /Fl ID " + zlib.compress(b"\x80\x80") + b" EI\x00",
    ],
    ids=["EI inside its data", "flate"],
)
def test_an_image_ends_where_its_data_does(image: bytes) -> None:
    data = raw_page_pdf(_HEAD + b"q 10 0 0 10 10 10 cm " + image + b"Q " + pdf_line(HIGH, y=600))
    meta = extract(Path("report.pdf"), data).metadata
    assert (meta.stated_level, meta.unclear_level_statements) == (RiskLevel.R5, ())


def test_an_image_closing_the_stream_reads_as_before() -> None:
    data = raw_page_pdf(_HEAD + pdf_line(HIGH, y=600) + _IMAGE)
    assert extract(Path("report.pdf"), data).metadata.stated_level is RiskLevel.R5


def test_the_import_leaves_it_unrated(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "inline.pdf"
    path.write_bytes(CLOSED_BY["a NUL"])
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.status is ImportStatus.NEEDS_RATING
    assert result.report is not None
    assert services.reports.get(compliance, result.report).level is None


def _one_line(image: bytes) -> bytes:
    """A page stating 低风险, then the image and, on the rest of its line, a white box over
    that sentence and 本报告的风险等级为高风险."""
    after = b"q 10 0 0 10 10 10 cm " + image + b" Q " + _COVER + pdf_line(HIGH, y=600)
    return raw_page_pdf(_HEAD + pdf_line(LOW, y=560) + after.replace(b"\n", b" ") + b")\n")


_G = b"BI /W 1 /H 1 /BPC 8 /CS /G "
# Each image's data is followed, before the EI that ends it in the window, by an EI inside
# a comment or a string (or by one its filter's data holds): the window ends the image at
# the EI after it and shows what follows; read from the first EI on, the ( or % opens a
# string or comment that swallowed the white box and the 高风险 sentence.
SWALLOWING = {
    "after its size, EI in a comment": _G + b"ID \x80 %EI (\nEI",
    "after its flate data, EI in a comment": _G + b"/F /Fl ID " + zlib.compress(b"\x80") + b" %EI (\nEI",
    "EI inside its ASCIIHex data": _G + b"/F /AHx ID 8 EI (0>\nEI",
    "EI inside its ASCII85 data (/Filter)": _G + b"/Filter /A85 ID a EI (~>\nEI",
    "EI inside its RunLength data": _G + b"/F /RL ID \x00\x80\x80 %EI (\nEI",
    # Without a colour space the window takes one bit a pixel (48 pixels: 6 bytes), whatever /BPC says.
    "EI inside the data of an image without a colour space": b"BI /W 48 /H 1 /BPC 8 ID \x80 EI (\nEI",
    "... of one naming a colour space the page lacks": b"BI /W 48 /H 1 /BPC 8 /CS /Zz ID \x80 EI (\nEI",
}


def _swallowing(image: bytes, resources: bytes = b"") -> bytes:
    page = _HEAD + pdf_line(LOW, y=560) + b"q 10 0 0 10 10 10 cm " + image + b" Q " + _COVER + pdf_line(HIGH, y=600)
    return raw_page_pdf(page + b")\n", resources_extra=resources)


@pytest.mark.parametrize("image", SWALLOWING.values(), ids=SWALLOWING.keys())
def test_an_ei_the_window_does_not_end_the_image_at_swallows_nothing(image: bytes) -> None:
    meta = extract(Path("report.pdf"), _swallowing(image)).metadata
    assert meta.stated_level is None  # was R1: 高风险 never read
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


@pytest.mark.parametrize("key", [b"/CS", b"/ColorSpace"])
def test_an_image_in_a_colour_space_of_the_page_ends_where_its_data_does(key: bytes) -> None:
    # /CS0 is the page's DeviceRGB: the two pixels are six bytes, which hold `EI (`.
    image = b"BI /W 2 /H 1 /BPC 8 " + key + b" /CS0 ID \x80 EI (\x80\x80 EI"
    meta = extract(Path("report.pdf"), _swallowing(image, b"/ColorSpace << /CS0 /DeviceRGB >> ")).metadata
    assert meta.stated_level is None  # was R1: 高风险 never read
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


def test_an_ascii85_image_ends_where_the_window_ends_its_data() -> None:
    # The window's ASCII85 data ends at the }; a string holds the ~> and a %, then EI.
    # Read to the ~>, the % made a comment of the rest of the line (高风险 never read).
    meta = extract(Path("report.pdf"), _one_line(_G + b"/F /A85 ID a}(~>%) EI")).metadata
    assert meta.stated_level is None
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


def test_a_reportlab_inline_image_reads_as_before() -> None:
    # reportlab writes an inline image as BI /W /H /BPC /CS /F [/A85 /Fl] ID ... ~> EI.
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setFont("STSong-Light", 16)
    pdf.drawString(60, 780, "宏观经济周报：政策稳健，经济企稳")
    pdf.drawInlineImage(Image.new("RGB", (8, 8), (200, 30, 30)), 60, 600, 40, 40)
    pdf.setFont("STSong-Light", 10)
    pdf.drawString(60, 560, "本报告的风险等级为中高风险。")
    pdf.showPage()
    pdf.save()
    assert b"ID " in buffer.getvalue()
    meta = extract(Path("report.pdf"), buffer.getvalue()).metadata
    assert (meta.stated_level, meta.unclear_level_statements) == (RiskLevel.R4, ())


@pytest.mark.parametrize("after", [b"(EI ", b"%EI \n"], ids=["in a string", "in a comment"])
def test_an_image_the_window_finds_no_end_of_is_refused(after: bytes) -> None:
    # Past the pixel the stream holds EI only in a string or a comment: the window takes
    # the rest of the page for image data and shows no level; read from the first EI on,
    # the page stated 低风险 (R1 imported).
    image = b"q 10 0 0 10 10 10 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 " + after
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), raw_page_pdf(_HEAD + image + b" Q " + pdf_line(LOW, y=600)))
    assert refused.value.code == "corrupt"
    assert "inline image" in str(refused.value)


def _lzw(codes: list[int]) -> bytes:
    """LZW data of these 9-bit codes (the table never grows past 511 entries here)."""
    bits = "".join(format(code, "09b") for code in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def _jpeg(comment: bytes = b"") -> bytes:
    """An 8x8 grey JPEG (baseline, as Pillow writes it), with a comment segment if given."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (8, 8), 90).save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    if not comment:
        return jpeg
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


# Clear, a grey pixel, then literal codes whose bits spell ` EI (` and a line feed, then
# the end-of-data code: the window (and pdfminer's own LZW decoder) reads the EI as data.
_LZW_HOLDING_EI = _lzw([256, 128, 1, 4, 169, 72, 20, 10, 257])
_J = b"BI /W 8 /H 8 /BPC 8 /CS /G "
# Was BROKE: LZW and DCT images were taken to end at the first EI in their data, which
# the window decodes past (a JPEG's comment segment here holds one): read from there, the
# ( swallowed the white box and 高风险, the page imported as R1 and showed 高风险 only.
# LZW data is now followed to its end; a JPEG holding an EI is refused.
LZW_PAST_EI = {
    "LZW": _G + b"/F /LZW ID " + _LZW_HOLDING_EI + b" EI",
    "LZWDecode": _G + b"/Filter /LZWDecode ID " + _LZW_HOLDING_EI + b" EI",
    "[/LZW]": _G + b"/F [/LZW] ID " + _LZW_HOLDING_EI + b" EI",
}


@pytest.mark.parametrize("image", LZW_PAST_EI.values(), ids=LZW_PAST_EI.keys())
def test_an_lzw_image_ends_where_its_data_does(image: bytes) -> None:
    assert image.count(b"EI") == 2
    meta = extract(Path("report.pdf"), _swallowing(image)).metadata
    assert meta.stated_level is None  # was R1: 高风险 never read
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


def _refused(data: bytes) -> None:
    with pytest.raises(IngestError) as refused:
        extract(Path("report.pdf"), data)
    assert refused.value.code == "corrupt"
    assert "inline image" in str(refused.value)


@pytest.mark.parametrize("pdf_filter", [b"/F /DCT", b"/Filter /DCTDecode", b"/F [/DCT]"])
def test_a_jpeg_image_holding_ei_is_refused(pdf_filter: bytes) -> None:
    _refused(_swallowing(_J + pdf_filter + b" ID " + _jpeg(b"x EI (\n") + b" EI"))


def test_a_jpeg_image_hiding_a_low_level_from_the_window_is_refused() -> None:
    # The reverse: 高风险 shown; the JPEG's comment holds EI, then a white box over it and 低风险,
    # which the window takes for image data. Read from the first EI on, the page was R1.
    hidden = b"x EI Q " + _COVER + pdf_line(LOW, y=560) + b"q\n"
    page = _HEAD + pdf_line(HIGH, y=560) + b"q 10 0 0 10 10 10 cm " + _J + b"/F /DCT ID " + _jpeg(hidden) + b" EI Q\n"
    _refused(raw_page_pdf(page))


def test_a_jpeg_image_the_window_may_stop_reading_early_is_refused() -> None:
    # Bytes after the JPEG's last MCU, before its end-of-image marker, libjpeg need not read:
    # here the window stops before them, their ( swallows the rest of the page, and only
    # 高风险 is shown; the reader read on from the EI (a white box over 高风险, then 低风险).
    jpeg = _jpeg()
    image = _J + b"/F /DCT ID " + jpeg[:-2] + b"(" * 8 + jpeg[-2:] + b"\nEI Q "
    page = _HEAD + pdf_line(HIGH, y=560) + b"q 10 0 0 10 10 10 cm " + image + _COVER + pdf_line(LOW, y=600)
    _refused(raw_page_pdf(page))


@pytest.mark.parametrize(
    "image",
    [_G + b"/F /LZW ID " + _lzw([256, 128, 257]), _J + b"/F /DCT ID " + _jpeg(), _J + b"/F /DCT ID " + _jpeg(b"(%<")],
    ids=["LZW", "DCT", "DCT, a comment holding ( % <"],
)
def test_an_lzw_or_jpeg_image_reads_as_before(image: bytes) -> None:
    page = _HEAD + b"q 10 0 0 10 10 10 cm " + image + b"\nEI Q " + pdf_line(HIGH, y=600)
    meta = extract(Path("report.pdf"), raw_page_pdf(page)).metadata
    assert (meta.stated_level, meta.unclear_level_statements) == (RiskLevel.R5, ())


# Was BROKE: a fax image ended at the first EI in its data, which the window decodes past
# (four rows of eight pixels: the bytes ` EI (` are codes to it); read from there, the (
# swallowed the white box and 高风险, the page imported as R1 and showed 高风险 only. Fax data
# is not followed to its end here: such an image is refused.
_CCF = b"BI /W 8 /H 4 /BPC 1 /IM true "


_G4 = b"<< /K -1 /Columns 8 >>"


@pytest.mark.parametrize(
    "pdf_filter",
    [b"/F /CCF /DP " + _G4, b"/Filter /CCITTFaxDecode /DecodeParms " + _G4, b"/F [/CCF] /DP [" + _G4 + b"]"],
    ids=["CCF", "CCITTFaxDecode", "[/CCF]"],
)
def test_a_fax_image_with_more_than_one_ei_is_refused(pdf_filter: bytes) -> None:
    _refused(_swallowing(_CCF + pdf_filter + b" ID \x80 EI (\n\xff\xff\xff EI"))


def test_a_fax_image_reads_as_before() -> None:
    image = _CCF + b"/F /CCF /DP " + _G4 + b" ID \xff\xff\xff\xff\nEI"
    page = _HEAD + b"q 10 0 0 10 10 10 cm " + image + b" Q " + pdf_line(HIGH, y=600)
    meta = extract(Path("report.pdf"), raw_page_pdf(page)).metadata
    assert (meta.stated_level, meta.unclear_level_statements) == (RiskLevel.R5, ())
