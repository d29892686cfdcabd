"""A CJK font whose encoding is a character map embedded in the PDF, or named by a name the
reader does not know.

Was BROKE: the level reader (pdfminer) looks a CID font's encoding up by name only; an
encoding embedded in the file as a CMap stream (or one of a name it lacks) became an empty
map, and every glyph drawn in that font was dropped without a trace: no character, no
"(cid:N)" that would mark glyphs it could not read. The report window (PDFium) reads the
embedded map and shows the glyphs. A page showing 本报告的风险等级为高风险 in such a font, with
a 7-point 低风险 sentence in an ordinary one, was imported as R1. Now glyphs of a font whose
encoding the reader cannot resolve are read as glyphs mapped to no character, so where they
could state a level the report is unrated with a finding.

Was BROKE (the same, a second way): an embedded CMap given the name of one pdfminer knows
(UniGB-UCS2-H) was read with pdfminer's own map of that name, whatever the embedded one
said. One mapping the codes of 本报告的风险等级为低风险 to the glyphs of 本报告的风险等级为高风险
was read as R1 and shown as 高风险, with no other sentence on the page. Now any embedded CMap
reads as glyphs mapped to no character, whatever the font's ToUnicode map says (one sending
the code such a glyph is read as to nothing made the 中 of a shown 中低风险 vanish: R1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfminer.cmapdb import CMapDB

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Role
from suitcheck.ingest.reader import extract
from suitcheck.services import Services
from tests.conftest import staff
from tests.pdfs import CID_FONT, pdf_file, pdf_stream

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
_UNICODE_TO_CID = CMapDB.get_cmap("UniGB-UCS2-H")


def _cid(ch: str) -> int:
    (cid,) = _UNICODE_TO_CID.decode(ch.encode("utf-16-be"))
    return cid


def _cmap_stream(name: bytes, mapped: list[tuple[bytes, int]]) -> bytes:
    """An embedded CMap named `name` mapping each code to a CID."""
    body = b"\n".join(
        [
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> def",
            b"/CMapName /%s def /CMapType 1 def" % name,
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
            b"%d begincidchar" % len(mapped),
            *(b"<%s> %d" % (code.hex().encode(), cid) for code, cid in mapped),
            b"endcidchar endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    )
    return (
        b"<< /Type /CMap /CMapName /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
        b" /Length %d >>\nstream\n" % (name, len(body)) + body + b"\nendstream"
    )


def _embedded_cmap(text: str) -> tuple[bytes, bytes]:
    """A CMap stream giving each character of `text` a code of its own (0x1000 on), mapped
    to its Adobe-GB1 CID, and the codes of `text`."""
    codes = [(0x1000 + i).to_bytes(2, "big") for i in range(len(text))]
    mapped = [(code, _cid(ch)) for code, ch in zip(codes, text, strict=True)]
    return _cmap_stream(b"Report-H", mapped), b"".join(codes)


def _shown(codes: bytes, font: bytes, size: int, y: int) -> bytes:
    return b"BT %s %d Tf 72 %d Td <%s> Tj ET\n" % (font, size, y, codes.hex().encode())


def _report(encoding: bytes, high_codes: bytes, cmap: bytes = b"null") -> bytes:
    """The title and a 7-point 低风险 sentence in the ordinary CJK font (/F2); 高风险 in a font
    (/F1) whose encoding is `encoding`."""
    content = (
        _shown("宏观经济周报：政策稳健".encode("utf-16-be"), b"/F2", 16, 780)
        + _shown(LOW.encode("utf-16-be"), b"/F2", 7, 500)
        + _shown(high_codes, b"/F1", 14, 560)
    )
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            CID_FONT.replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding " + encoding),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 7 0 R >> >>"
            b" /Contents 5 0 R >>",
            pdf_stream(content),
            cmap,
            CID_FONT,
        ]
    )


_CMAP, _CODES = _embedded_cmap(HIGH)
EMBEDDED = _report(b"6 0 R", _CODES, _CMAP)
UNKNOWN_NAME = _report(b"/UniGB-Unheard-H", HIGH.encode("utf-16-be"))
# Named as pdfminer's UCS-2 map, mapping the codes (UCS-2) of the 低风险 sentence to the glyphs
# of the 高风险 one; the page holds only that sentence and the title, in ordinary fonts else.
_LYING = _cmap_stream(
    b"UniGB-UCS2-H",
    [(low.encode("utf-16-be"), _cid(high)) for low, high in zip(LOW, HIGH, strict=True)],
)
NAMED_AS_KNOWN = pdf_file(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        CID_FONT.replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding 6 0 R"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 7 0 R >> >>"
        b" /Contents 5 0 R >>",
        pdf_stream(
            _shown("宏观经济周报：政策稳健".encode("utf-16-be"), b"/F2", 16, 780)
            + _shown(LOW.encode("utf-16-be"), b"/F1", 14, 560)
        ),
        _LYING,
        CID_FONT,
    ]
)


# One glyph (中) in a font with an embedded CMap, between 本报告的风险等级为 and 低风险 in an
# ordinary one: the page shows 中低风险. Its ToUnicode map sends every code it could be read
# as to nothing.
_NOTHING = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Nothing def"
    b" 1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange"
    b" 1 beginbfchar <00100000> <> endbfchar endcmap end end"
)
ONE_GLYPH_TO_NOTHING = pdf_file(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        CID_FONT.replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding 6 0 R /ToUnicode 8 0 R"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 7 0 R >> >>"
        b" /Contents 5 0 R >>",
        pdf_stream(
            _shown("宏观经济周报：政策稳健".encode("utf-16-be"), b"/F2", 16, 780)
            + b"BT /F2 14 Tf 72 560 Td <%s> Tj /F1 14 Tf <1000> Tj /F2 14 Tf <%s> Tj ET\n"
            % ("本报告的风险等级为".encode("utf-16-be").hex().encode(), "低风险。".encode("utf-16-be").hex().encode())
        ),
        _cmap_stream(b"Report-H", [(b"\x10\x00", _cid("中"))]),
        CID_FONT,
        b"<< /Length %d >>\nstream\n" % len(_NOTHING) + _NOTHING + b"\nendstream",
    ]
)


@pytest.mark.parametrize(
    "data",
    [EMBEDDED, UNKNOWN_NAME, NAMED_AS_KNOWN, ONE_GLYPH_TO_NOTHING],
    ids=[
        "embedded cmap",
        "unknown cmap name",
        "embedded cmap named as a known one",
        "one glyph, its ToUnicode map sending it to nothing",
    ],
)
def test_glyphs_of_an_encoding_the_reader_cannot_resolve_leave_the_report_unrated(data: bytes) -> None:
    meta = extract(Path("report.pdf"), data).metadata
    assert meta.stated_level is None
    assert any("mapped to no character" in u for u in meta.unclear_level_statements)


def test_a_known_encoding_reads_as_before() -> None:
    data = _report(b"/UniGB-UCS2-H", HIGH.encode("utf-16-be"))
    meta = extract(Path("report.pdf"), data).metadata
    assert (meta.stated_level, set(meta.level_statements)) == (None, {RiskLevel.R1, RiskLevel.R5})


def test_the_import_leaves_it_unrated(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "embedded-cmap.pdf"
    path.write_bytes(EMBEDDED)
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.status is ImportStatus.NEEDS_RATING
    assert result.report is not None
    assert services.reports.get(compliance, result.report).level is None
