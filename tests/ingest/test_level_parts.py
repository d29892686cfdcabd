"""Sentences about a report's own level that the reader took the lower level past
(written for these tests): a part of the report given a higher level in a sentence of its
own, a statement quoted as an example, and the rest of a statement's sentence saying
which level prevails.

Was BROKE (1): "本报告的风险等级为低风险。本报告涉及港股的部分风险等级为中高风险。" imported as
R1 (a C1 client read the Hong Kong part), while the same words joined by a comma, or with
at most four characters between 本报告 and 风险等级 (本报告港股部分风险等级…), left the report
unrated. Now a level given to a part of the report (部分, 内容, 章节, 附录, 正文 ...) in any
sentence that starts with 本报告 is a statement that cannot be read, unless it names only
the level read.

Was BROKE (2): a disclaimer that shows the statement's form by example
(例如："本报告的风险等级为低风险。") gave a report that states no level of its own R1. Now a
statement after 例如, 比如, 示例, 举例, 格式 ... in its sentence cannot be read.

Was BROKE (3): "本报告的风险等级为低风险，实际以高风险为准。" (and 按照高风险等级对待) imported as
R1: only a later 为/是/属于 was taken for another level in the statement's sentence. Now
以, 按, 按照, 参照, 视为, 视同, 当作, 作为 before another level make it unclear too.

Was BROKE (4): a second statement spelt with variant forms that read as the ordinary
characters (夲 for 本, 吿 for 告: 夲报告的风险等级为高风险, 本報吿的風險等級為高風險) was not
seen beside a 低风险 one: the report imported as R1. Now these variants, with 爲 and 髙,
are folded as the traditional forms are.

Was BROKE (5): a second statement with a character that shows as a blank (U+2800, the
braille pattern blank: 本⠀报告的风险等级为高风险), or underlined with combining low lines
(本̲报̲告̲的̲风̲险̲…, as a text file underlines), or with a combining mark on one character, was
not seen beside a 低风险 one: R1. A blank inside 创⠀业板 hid the title's subject too. Now the
matching form reads U+2800 as a space and leaves out combining marks (Mn, Me).

Was BROKE (6): a second statement naming the report without 本 (此报告…, 该报告…, 这份报告…,
此篇研报…, 上述报告…) or as a label (报告风险等级：高风险, 证券研究报告风险等级：高风险, as a
first page's box prints it) was not seen beside a 低风险 one: R1. Now these are statements
that cannot be read, unless they name only the level read.

Was BROKE (7): a correction of the level that names no report (更正声明：原报告风险等级有误，应为
高风险; 勘误：上文所述风险等级应为高风险; （注：上述等级有误，应为高风险）) was not seen beside the
低风险 statement it corrects: R1. Now a correction (更正, 勘误, 订正, 修正, 纠正, 有误) of a
level, 等级 or 评级 giving another level, is a statement that cannot be read.
"""

from __future__ import annotations

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy
from suitcheck.domain.subjects import suggest_level
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_text
from tests.ingest.test_level_attack import OWN_LOW, _report
from tests.pdfs import text_to_pdf

# (name, body, level read or None, a statement that cannot be read)
CASES: list[tuple[str, str, str | None, bool]] = [
    ("part-in-a-sentence-of-its-own", OWN_LOW + "本报告涉及港股的部分风险等级为中高风险。\n", None, True),
    ("part-after-a-semicolon", "本报告的风险等级为低风险；本报告涉及港股的部分风险等级为中高风险。\n", None, True),
    ("content-on-futures", OWN_LOW + "本报告所涉及期货内容风险等级为高风险。\n", None, True),
    ("chapter-in-brackets", OWN_LOW + "本报告第三部分（港股）风险等级为中高风险。\n", None, True),
    ("appendix-of-the-report", OWN_LOW + "其中，本研究报告关于衍生品的附录的风险等级为高风险。\n", None, True),
    ("part-at-the-same-level", "本报告的风险等级为中风险。\n本报告涉及港股的部分风险等级为中风险。\n", "R3", False),
    ("product-mentioned-stays", "本报告提及的理财产品风险等级为低风险。\n本报告的风险等级为中风险。\n", "R3", False),
    (
        "example-in-the-disclaimer-only",
        "研究报告须在首页标明风险等级，例如：“本报告的风险等级为低风险。”\n",
        None,
        True,
    ),
    ("example-in-quotes", "标注方式例如“本报告的风险等级为低风险”。\n", None, True),
    ("format-shown", "风险等级的标注格式为：本报告的风险等级为低风险。\n", None, True),
    ("example-beside-the-own", "本报告的风险等级为中风险。\n比如：本报告的风险等级为低风险。\n", None, True),
    ("example-in-an-earlier-sentence", "政策利好，例如减税降费。\n本报告的风险等级为中风险。\n", "R3", False),
    ("another-level-prevails", "本报告的风险等级为低风险，实际以高风险为准。\n", None, True),
    ("treated-as-another", "本报告的风险等级为低风险，请按照高风险等级对待。\n", None, True),
    ("regarded-as-another", "本报告的风险等级为低风险，视为中高风险管理。\n", None, True),
    ("the-same-level-prevails", "本报告的风险等级为中风险，以中风险为准。\n", "R3", False),
    ("client-tolerance-after-by", "本报告的风险等级为中风险，按低风险承受能力投资者的要求提示风险。\n", "R3", False),
    ("erratum-original-report", OWN_LOW + "更正声明：原报告风险等级有误，应为高风险。\n", None, True),
    ("erratum-text-above", OWN_LOW + "勘误：上文所述风险等级应为高风险。\n", None, True),
    ("erratum-note", OWN_LOW + "（注：上述等级有误，应为高风险）\n", None, True),
    ("erratum-corrected-to", OWN_LOW + "更正：风险等级更正为高风险。\n", None, True),
    ("erratum-same-level", "本报告的风险等级为中风险。\n更正：风险等级更正为中风险。\n", "R3", False),
    ("forecast-revised", "本报告的风险等级为中风险。\n盈利预测修正：上调至买入评级。\n", "R3", False),
    ("revised-tolerance", "本报告的风险等级为中风险。\n修正后的评级体系为低风险偏好投资者提供参考。\n", "R3", False),
]


@pytest.mark.parametrize(("name", "body", "expected", "unclear"), CASES, ids=[c[0] for c in CASES])
def test_parts_examples_and_what_prevails(name: str, body: str, expected: str | None, unclear: bool) -> None:
    meta = extract_metadata(_report(body))
    assert (meta.stated_level.code if meta.stated_level else None) == expected, meta
    assert bool(meta.unclear_level_statements) is unclear, meta.unclear_level_statements
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(_report(body), chars_per_line=17)))
    assert (from_pdf.stated_level.code if from_pdf.stated_level else None) == expected, name


# A second statement spelt otherwise: variant characters, blanks and marks, "this report"
# without 本, a label (written for these tests).
SPELLINGS: list[tuple[str, str, str | None]] = [
    ("ben-variant-second", OWN_LOW + "夲报告的风险等级为高风险。\n", None),
    ("gao-variant-second", OWN_LOW + "本報吿的風險等級為高風險。\n", None),
    ("wei-variant-second", OWN_LOW + "本报告的风险等级爲中高风险。\n", None),
    ("high-variant-second", OWN_LOW + "本报告的风险等级为中髙风险。\n", None),
    ("variants-only", "夲報吿的風險等級爲中髙風險。\n", "R4"),
    ("braille-blank-in-the-subject-second", OWN_LOW + "本\u2800报告的风险等级为高风险。\n", None),
    ("braille-blank-in-risk-second", OWN_LOW + "本报告的风\u2800险等级为高风险。\n", None),
    ("underlined-second", OWN_LOW + "".join(c + "\u0332" for c in "本报告的风险等级为高风险") + "。\n", None),
    ("enclosing-mark-second", OWN_LOW + "本报\u20dd告的风险等级为高风险。\n", None),
    ("tone-mark-second", OWN_LOW + "本\u302a报告的风险等级为高风险。\n", None),
    ("underlined-only", "".join(c + "\u0332" for c in "本报告的风险等级为中高风险") + "。\n", "R4"),
    ("ci-report-second", OWN_LOW + "此报告的风险等级为高风险。\n", None),
    ("gai-report-second", OWN_LOW + "该报告的风险等级为高风险。\n", None),
    ("zhe-fen-second", OWN_LOW + "这份报告的风险等级为高风险。\n", None),
    ("ci-pian-yanbao-second", OWN_LOW + "此篇研报的风险等级为高风险。\n", None),
    ("above-report-second", OWN_LOW + "上述报告的风险等级为高风险。\n", None),
    ("report-label-second", OWN_LOW + "报告风险等级：高风险\n", None),
    ("research-report-label-second", OWN_LOW + "证券研究报告风险等级：R5\n", None),
    ("label-at-the-same-level", "报告风险等级：中风险\n本报告的风险等级为中风险。\n", "R3"),
    ("product-label-stays", "产品风险等级：R2\n本报告的风险等级为中风险。\n", "R3"),
    ("therefore-reporting-period", "因此报告期内经营稳健。\n本报告的风险等级为中风险。\n", "R3"),
    ("scale-heading-stays", "证券研究报告风险等级及适当性匹配关系\n本报告的风险等级为中风险。\n", "R3"),
]


@pytest.mark.parametrize(("name", "body", "expected"), SPELLINGS, ids=[c[0] for c in SPELLINGS])
def test_statements_in_other_spellings(name: str, body: str, expected: str | None) -> None:
    meta = extract_metadata(_report(body))
    assert (meta.stated_level.code if meta.stated_level else None) == expected, meta
    if expected is None:
        assert meta.level_conflict or meta.unclear_level_statements, meta


def test_a_blank_inside_a_subject_keyword_hides_nothing() -> None:
    body = "本报告的风险等级为中风险。\n"
    meta = extract_metadata(_report(body, title="创\u2800业板半导体设备深度", kind="行业深度"))
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4
