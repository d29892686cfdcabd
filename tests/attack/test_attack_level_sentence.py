"""The report's own level sentence where what a reader sees on the page and what suitcheck
reads differ: a hostile or sloppy PDF (the file attacks before these are in
test_attack_report_files.py; the sentence's wording in tests/ingest/).

Was BROKE (1): pdfminer joins the characters of a line in the order the content stream
draws them. A page showing 本报告的风险等级为高风险。 drawn from its last character to its
first (each glyph placed where it shows, one Tm or a TJ stepping back), with a small-print
本报告的风险等级为低风险。 below it, read "。险风高为级等险风的告报本" and the 低风险 sentence:
R1, so a C1 client was allowed a report whose page states 高风险 (and two statements,
which the rulebook leaves unrated). Now each line is also read in the order its
characters are placed, and when the level reads otherwise that way the report is unrated
with a finding.

Was BROKE (2): a CID font of a known character collection (Adobe-GB1: the collection says
which character each glyph is, and the report window draws that glyph) with a ToUnicode
map that calls the glyph of 高 "低": the page shows 本报告的风险等级为高风险。 (PDFium draws
the same pixels with the map and without), pdfminer reads the map: 低风险, R1. Now each
glyph is also read as the character its collection says it draws, and when the level
reads otherwise that way the report is unrated with a finding. Not caught: an embedded
font of the Adobe-Identity collection, whose glyphs are only known through its maps (a
lying map there is the README's "font whose character map lies about its glyphs").

Was BROKE (3): near-misses of the sentence, read as a lower level than a reader sees:
- a statement followed by the scale as a checklist, one level a line
  (本报告的风险等级为：/低风险/中低风险/中风险/中高风险/高风险 ✓) was read as its first line:
  R1 for a report whose ticked level is 高风险; a checklist with boxes (□低风险 … ☑高风险)
  was taken for a printed scale and passed over, so a 低风险 statement beside it rated
  the report R1;
- "本报告的风险等级为低风险；港股部分为中高风险。" was R1, where the same words with a comma
  were already unclear: the semicolon ended the sentence for the reader;
- "本报告涉及港股的部分为中高风险。" beside a 低风险 statement: R1 (a part given a level was
  seen only with 风险等级 after it, or within six characters of 本报告).
Now a statement followed by more levels a line, and a statement about the level that lists
levels with check boxes, cannot be read; a statement's sentence runs on past a semicolon;
and a part of the report said to be at a level (部分为…, 内容属于…) is a statement that
cannot be read unless it names only the level read.

Was BROKE (4): the level word set above its line (a text rise, or its own Td half a line
up: a reader still reads 本报告的风险等级为高风险。 across it) falls out of pdfminer's line
and is read before it: "高风险 / 本报告的风险等级为 / 。". The statement was not read, and a
small-print 低风险 statement elsewhere rated the report R1; with a 低风险 in small print
just under the line, the reader took that for the statement's value (R1) while the label
stood between two values. Now a clause whose connector ends it ("本报告的风险等级为" then
its full stop) cannot be read, nor can a statement whose level is on the line after its
connector when the line before it is a level alone.

Was BROKE (5): 険 and 権, the Japanese forms of 險 and 權 (a Chinese reader reads
本報告的風険等級為高風険 as the statement, and 股指期権 as 期权), were not folded with the
traditional forms: that second statement beside a 低风险 one was not seen (R1), and an
options report titled with 期権 was not lifted to R5. Now they fold to 险 and 权.

Was BROKE (6): ⻛ (U+2EDB, CJK RADICAL C-SIMPLIFIED WIND) is drawn as 风, but NFKC leaves
the CJK Radicals Supplement as it is (it folds only the Kangxi radicals, ⾼ to 高):
"本报告的⻛险等级为高⻛险。" beside a 低风险 statement was not seen (R1). Now the radicals
of that block that are whole simplified characters fold to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Role
from suitcheck.domain.subjects import suggest_level
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_text
from suitcheck.ingest.reader import extract
from suitcheck.services import Services
from tests.conftest import add_client, staff
from tests.ingest.test_level_attack import OWN_LOW, _report
from tests.pdfs import CID_FONT, pdf_file, pdf_line, pdf_stream, raw_page_pdf, text_to_pdf

HIGH = "本报告的风险等级为高风险。"
LOW = "本报告的风险等级为低风险。"
HEAD = (
    pdf_line("星辰电子年度点评：经营稳健", y=780, size=16)
    + pdf_line("公司点评", y=750)
    + pdf_line("事件：公司发布年报，营业收入同比增长百分之十二。", y=720)
)
SMALL_LOW = pdf_line(LOW, y=100, size=5)


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex()


def _levels(data: bytes) -> tuple[RiskLevel | None, set[RiskLevel], tuple[str, ...]]:
    meta = extract(Path("report.pdf"), data).metadata
    return meta.stated_level, set(meta.level_statements), meta.unclear_level_statements


def _backwards_by_tm(text: str, size: float = 12) -> bytes:
    """`text` shown left to right, its glyphs drawn from the last to the first, each placed
    by its own text matrix."""
    placed = [f"1 0 0 1 {72 + size * i} 560 Tm <{_hex(ch)}> Tj" for i, ch in enumerate(text)]
    return f"BT /F1 {size} Tf {' '.join(reversed(placed))} ET\n".encode()


def _backwards_by_tj(text: str, size: float = 12) -> bytes:
    """The same in one TJ: start at the last character, and after each glyph (one em
    wide) step back two ems."""
    steps = " 2000 ".join(f"<{_hex(ch)}>" for ch in reversed(text))
    return f"BT /F1 {size} Tf 1 0 0 1 {72 + size * (len(text) - 1)} 560 Tm [{steps}] TJ ET\n".encode()


BACKWARDS = {
    "one Tm a glyph": raw_page_pdf(HEAD + _backwards_by_tm(HIGH) + SMALL_LOW),
    "TJ stepping back": raw_page_pdf(HEAD + _backwards_by_tj(HIGH) + SMALL_LOW),
}


@pytest.mark.parametrize("data", BACKWARDS.values(), ids=BACKWARDS.keys())
def test_a_level_drawn_backwards_is_read_as_placed_and_the_report_is_unrated(data: bytes) -> None:
    stated, _statements, unclear = _levels(data)
    assert stated is None
    assert any(u.startswith("its level reads otherwise as its glyphs are placed and drawn") for u in unclear)
    assert any("R5, R1 as on the page" in u for u in unclear), unclear


def test_a_line_drawn_backwards_alone_states_the_level_it_shows() -> None:
    """With nothing else on the page, the backwards 高风险 sentence is the level the page
    shows, read as placed: it differs from the stream's reading (none), so the report is
    still unrated, never R1 and never silently rated."""
    stated, _statements, unclear = _levels(raw_page_pdf(HEAD + _backwards_by_tm(HIGH)))
    assert stated is None
    assert any("no level as read, R5 as on the page" in u for u in unclear), unclear


def test_lines_drawn_in_order_read_as_before() -> None:
    """The ordinary page: its lines are drawn left to right, nothing new is said."""
    assert _levels(raw_page_pdf(HEAD + pdf_line(HIGH, y=560))) == (RiskLevel.R5, {RiskLevel.R5}, ())
    english = raw_page_pdf(
        HEAD + b"BT /F1 12 Tf 72 560 Td <%s> Tj ET\n" % _hex("The risk level of this report is high.").encode()
    )
    assert _levels(english)[0] is RiskLevel.R5


def test_a_backwards_report_reaches_no_conservative_client(sqlite_services: Services, tmp_path: Path) -> None:
    """Through the import and the check (the PDF path is the same on both stores)."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    path = tmp_path / "backwards.pdf"
    path.write_bytes(BACKWARDS["one Tm a glyph"])
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.status is ImportStatus.NEEDS_RATING, result
    assert result.report is not None
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    assert not services.access.check(advisor, "C1-client", result.report).decision.allowed


def _with_to_unicode(content: bytes, lies: dict[str, str]) -> bytes:
    """A page in the Adobe-GB1 font of tests.pdfs with a ToUnicode map for the characters
    of `content`'s lines, each mapped to itself except those in `lies` (pdfminer looks the
    map up by CID)."""
    from pdfminer.cmapdb import CMapDB

    encoding = CMapDB.get_cmap("UniGB-UCS2-H")
    shown = "".join(bytes.fromhex(h).decode("utf-16-be") for h in re.findall(r"<([0-9a-f]+)>", content.decode()))
    pairs = [
        f"<{next(iter(encoding.decode(ch.encode('utf-16-be')))):04X}> <{lies.get(ch, ch).encode('utf-16-be').hex()}>"
        for ch in dict.fromkeys(shown)
    ]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Lie def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(pairs)} beginbfchar\n" + "\n".join(pairs) + "\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            CID_FONT[:-2] + b" /ToUnicode 6 0 R >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents 5 0 R >>",
            pdf_stream(content),
            pdf_stream(cmap),
        ],
        version="1.5",
    )


def _pixels(data: bytes) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return bytes(document[0].render(scale=0.5).to_pil().tobytes())
    finally:
        document.close()


def test_a_glyph_its_font_map_calls_another_character_is_read_as_it_shows() -> None:
    content = HEAD + pdf_line(HIGH, y=560)
    lying = _with_to_unicode(content, {"高": "低"})
    # the report window draws 高, as without any map
    assert _pixels(lying) == _pixels(raw_page_pdf(content))
    stated, statements, unclear = _levels(lying)
    assert statements == {RiskLevel.R1}  # what the map says
    assert stated is None
    assert "its level reads otherwise as its glyphs are placed and drawn: R1 as read, R5 as on the page" in unclear


def test_an_honest_font_map_changes_nothing() -> None:
    content = HEAD + pdf_line(HIGH, y=560)
    assert _levels(_with_to_unicode(content, {})) == (RiskLevel.R5, {RiskLevel.R5}, ())


CHECKLIST_TICKED = "本报告的风险等级为：\n低风险\n中低风险\n中风险\n中高风险\n高风险 ✓\n"
CHECKLIST_BOXES = "本报告的风险等级：\n□低风险\n□中低风险\n□中风险\n□中高风险\n■高风险\n"
CHECKLIST_INLINE = "本报告的风险等级：□低风险 □中低风险 □中风险 □中高风险 ☑高风险\n"
NEAR_MISSES = {
    "checklist, ticked, alone": CHECKLIST_TICKED,
    "checklist, ticked, beside a low statement": OWN_LOW + CHECKLIST_TICKED,
    "checklist of boxes beside a low statement": OWN_LOW + CHECKLIST_BOXES,
    "inline checklist beside a low statement": OWN_LOW + CHECKLIST_INLINE,
    "a part after a semicolon": "本报告的风险等级为低风险；港股部分为中高风险。\n",
    "qizhong after a semicolon": "本报告的风险等级为低风险；其中港股部分为中高风险。\n",
    "a part, many words in": OWN_LOW + "本报告涉及港股的部分为中高风险。\n",
    "content said to belong": OWN_LOW + "本报告中涉及港股通标的的内容属于中高风险。\n",
}


@pytest.mark.parametrize("body", NEAR_MISSES.values(), ids=NEAR_MISSES.keys())
def test_a_near_miss_of_the_sentence_leaves_the_report_unrated(body: str) -> None:
    meta = extract_metadata(_report(body))
    assert meta.stated_level is None
    assert meta.unclear_level_statements
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(_report(body), chars_per_line=60)))
    assert from_pdf.stated_level is None


SAYS_NOTHING_NEW = {
    "a table cell and its value": "本报告风险等级\n中风险\n分析师承诺：\n",
    "a scale printed after the statement's full stop": "本报告的风险等级为中风险。\n低风险\n中低风险\n中风险\n",
    "a semicolon and no other level": "本报告的风险等级为中风险；投资者应审慎决策。\n",
    "the scale's rows right after a statement with no full stop": (
        "本报告的风险等级为中风险\n低风险 宏观经济及政策\n中低风险 债券、货币市场基金\n"
    ),
    "a part at the same level": "本报告的风险等级为中风险。本报告涉及港股的部分为中风险。\n",
}


@pytest.mark.parametrize("body", SAYS_NOTHING_NEW.values(), ids=SAYS_NOTHING_NEW.keys())
def test_near_forms_that_say_nothing_new_keep_the_level(body: str) -> None:
    meta = extract_metadata(_report(body))
    assert (meta.stated_level, meta.unclear_level_statements) == (RiskLevel.R3, ())


def _raised(lift: str, back: str) -> bytes:
    """本报告的风险等级为高风险。 with 高风险 lifted (`lift` before it, `back` after it)."""
    return (
        f"BT /F1 12 Tf 72 560 Td <{_hex('本报告的风险等级为')}> Tj {lift} <{_hex('高风险')}> Tj "
        f"{back} <{_hex('。')}> Tj ET\n"
    ).encode()


RAISED = {
    "text rise of 9 pt": raw_page_pdf(HEAD + _raised("9 Ts", "0 Ts") + SMALL_LOW),
    "text rise, low value under the line": raw_page_pdf(
        HEAD + _raised("9 Ts", "0 Ts") + pdf_line("低风险。", x=180, y=552, size=5)
    ),
    "placed 8 pt up": raw_page_pdf(HEAD + _raised("1 0 0 1 180 568 Tm", "1 0 0 1 216 560 Tm") + SMALL_LOW),
    "label centred on two values": raw_page_pdf(
        HEAD
        + pdf_line("本报告的风险等级为", y=590)
        + pdf_line("高风险。", x=200, y=600)
        + pdf_line("低风险。", x=200, y=580)
    ),
}


@pytest.mark.parametrize("data", RAISED.values(), ids=RAISED.keys())
def test_a_level_set_off_its_line_leaves_the_report_unrated(data: bytes) -> None:
    stated, _statements, unclear = _levels(data)
    assert stated is None
    assert any(u.startswith("本报告的风险等级为") for u in unclear), unclear


@pytest.mark.parametrize(
    "body",
    [
        "投资者应关注本报告的风险等级。\n本报告的风险等级为中风险。\n",
        "本报告风险等级\n中风险\n行业评级\n标配\n",
        "分析师：张三\n本报告的风险等级为：\n中风险。\n",
    ],
    ids=["the level named with no connector", "a label cell over its value", "the value on the next line"],
)
def test_a_statement_with_its_value_where_it_belongs_keeps_the_level(body: str) -> None:
    meta = extract_metadata(_report(body))
    assert (meta.stated_level, meta.unclear_level_statements) == (RiskLevel.R3, ())


@pytest.mark.parametrize("second", ["本報告的風険等級為高風険。", "本报告的风险等级为高风険。"])
def test_a_statement_in_japanese_forms_is_seen(second: str) -> None:
    meta = extract_metadata(_report(OWN_LOW + second + "\n"))
    assert meta.stated_level is None
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}


def test_an_options_title_in_japanese_forms_lifts_the_subject() -> None:
    meta = extract_metadata(_report("本报告的风险等级为中风险。\n", title="股指期権策略：波动率回落", kind="策略周报"))
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R5


def test_a_statement_with_a_radical_for_a_character_is_seen() -> None:
    meta = extract_metadata(_report(OWN_LOW + "本报告的\u2edb险等级为高\u2edb险。\n"))
    assert meta.stated_level is None
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}
