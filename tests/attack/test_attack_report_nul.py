"""Report files whose text holds a NUL character, as a firm's broken export or a hostile
sender makes them: a PDF whose font's ToUnicode map sends one glyph to U+0000, a UTF-16
text file holding U+0000, a UTF-8 text file with one stray NUL byte.

Was BROKE: the NUL reached the store. PostgreSQL refuses a NUL in a text column, so on a
shared store `report import` of a folder stopped at such a file with "The store ... failed:
PostgreSQL text fields cannot contain NUL (0x00) bytes", and every file after it in the
batch was left unimported (importing again stopped at the same file). A UTF-8 file with one
stray NUL byte was taken for BOM-less UTF-16 and imported as garbled characters, its level
sentence lost. Now a text file holding a NUL is refused as binary data (as the client import
already refuses one) and a PDF glyph read as U+0000 is read as a glyph mapped to no
character: where a level could be stated it leaves the report unrated with a finding.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from suitcheck.domain.roles import Role
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_texts
from suitcheck.ingest.textfile import decode_text
from suitcheck.services import Services
from tests.conftest import staff
from tests.fixtures import report_text
from tests.pdfs import CID_FONT, pdf_line, pdf_stream, raw_page_pdf

# The CJK font with codes read as Unicode (Identity-H, two bytes a glyph) through a
# ToUnicode map that is the identity but for 高 (U+9AD8), which it sends to U+0000.
_LYING_MAP = pdf_stream(
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Lie def"
    b" 1 begincodespacerange <0000> <FFFF> endcodespacerange"
    b" 2 beginbfrange <0000> <9AD7> <0000> <9AD9> <FFFF> <9AD9> endbfrange"
    b" 1 beginbfchar <9AD8> <0000> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
)
_LYING_FONT = CID_FONT.replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding /Identity-H").replace(
    b"/DescendantFonts", b"/ToUnicode 6 0 R /DescendantFonts"
)
_LINES = ("示例证券股份有限公司", "宏观经济月度观察", "宏观研究", "2025年6月3日", "投资要点：经济延续修复。")


def _nul_glyph_pdf(statement: str = "本报告的风险等级为中高风险。") -> bytes:
    lines = b"".join(pdf_line(text, y=760 - 20 * i) for i, text in enumerate((*_LINES, statement)))
    pdf = raw_page_pdf(lines, objects=(_LYING_MAP,))
    return pdf.replace(b"3 0 obj\n" + CID_FONT, b"3 0 obj\n" + _LYING_FONT)


def test_a_pdf_glyph_read_as_nul_is_a_glyph_mapped_to_no_character() -> None:
    texts = extract_pdf_texts(_nul_glyph_pdf())
    assert "中高风险" not in texts.text  # the map lies: 高 is not read
    meta = extract_metadata(*texts)
    assert meta.stated_level is None
    assert any("mapped to no character" in u for u in meta.unclear_level_statements), meta
    assert not any("\x00" in u for u in meta.unclear_level_statements)
    assert "\x00" not in (meta.title or "") + meta.body_text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "gb18030"])
def test_a_text_file_holding_a_nul_is_binary(encoding: str) -> None:
    data = report_text("中高风险").replace("先进封装", "先进\x00封装").encode(encoding)
    with pytest.raises(IngestError) as refused:
        decode_text(data)
    assert refused.value.code == "binary"


def test_utf8_with_one_stray_nul_is_not_read_as_utf16() -> None:
    """Short UTF-8 text with one NUL byte decodes as UTF-16 too, to garbled characters."""
    data = "宏观经济月度观察\n本报告的风险等级为中\x00高风险。\n\n".encode()
    assert len(data) % 2 == 0
    with pytest.raises(IngestError) as refused:
        decode_text(data)
    assert refused.value.code == "binary"


def test_utf16_without_a_bom_still_reads() -> None:
    text = report_text("中高风险")
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_text(text.encode(encoding)) == (text, encoding)


def test_a_batch_goes_on_past_files_holding_a_nul(services: Services, tmp_path: Path) -> None:
    """Through the service, on SQLite and PostgreSQL: each file fails or is unrated alone,
    with its sentence, and the files after it are imported."""
    compliance = staff(services, Role.COMPLIANCE)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a-good.txt").write_text(report_text("中风险", "良好报告一号：稳健经营"), encoding="utf-8")
    (folder / "b-glyph.pdf").write_bytes(_nul_glyph_pdf())
    (folder / "c-utf16.txt").write_bytes(codecs.BOM_UTF16_LE + "宏观\x00周报\n".encode("utf-16-le"))
    (folder / "d-stray.txt").write_bytes(report_text("中高风险").replace("芯片", "芯\x00片").encode("utf-8"))
    (folder / "e-good.txt").write_text(report_text("低风险", "良好报告二号：宏观稳定"), encoding="utf-8")
    results = {Path(r.path).name: r for r in services.reports.import_paths(compliance, [folder])}
    assert {name: (r.status, r.code) for name, r in results.items()} == {
        "a-good.txt": ("imported", None),
        "b-glyph.pdf": ("needs-rating", "unrated"),
        "c-utf16.txt": ("failed", "binary"),
        "d-stray.txt": ("failed", "binary"),
        "e-good.txt": ("imported", None),
    }
    glyph = services.reports.get(compliance, results["b-glyph.pdf"].report or 0)
    assert glyph.level is None
