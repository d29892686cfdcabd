"""Attack on 'blocked means blocked' at its source: the sentences about a report's own
level that almost match, or almost do not (written for these tests).

A statement that is read gives the report its level; one that names a level but cannot
be read (a negation, a condition, a sixth level, a page footer inside it) leaves the
report unrated with a finding, because it may say another level than the one read
elsewhere. A statement the reader misses while it reads a lower one elsewhere would let
a client read the report above the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.subjects import suggest_level
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_text
from suitcheck.services import Actor, Services
from tests.conftest import add_client
from tests.ingest.level_corpus import HEADER
from tests.pdfs import text_to_pdf

OWN_LOW = "本报告的风险等级为低风险。\n"


def _report(body: str, title: str = "宏观经济月度观察", kind: str = "宏观研究") -> str:
    return HEADER.format(title=title, kind=kind) + "投资要点：\n经济延续修复。\n" + body


# (name, body, level read or None, a statement that cannot be read)
CASES: list[tuple[str, str, str | None, bool]] = [
    # A second statement the reader did not see beside a lower one it did: the report
    # states two levels, so it is unrated, never R1.
    ("traditional-second", OWN_LOW + "本報告的風險等級為中高風險。\n", None, False),
    ("zero-width-space-second", OWN_LOW + "本报告的风险等级为\u200b高风险。\n", None, False),
    ("kangxi-radical-second", OWN_LOW + "本报告的风险等级为中\u2fbc风险。\n", None, False),
    ("lowercase-code-second", OWN_LOW + "本报告的风险等级为r4。\n", None, False),
    ("code-and-words-second", OWN_LOW + "本报告风险等级：R4 中高风险\n", None, False),
    ("parenthesised-code-second", OWN_LOW + "本报告风险等级：（R4）\n", None, False),
    ("this-issue-second", OWN_LOW + "本期报告的风险等级为中高风险。\n", None, False),
    ("sixth-level-second", OWN_LOW + "本报告的风险等级为极高风险。\n", None, True),
    ("code-beyond-the-scale-second", OWN_LOW + "本报告的风险等级为R6。\n", None, True),
    ("negation-second", OWN_LOW + "本报告的风险等级不为低风险。\n", None, True),
    ("aside-naming-another-level", "本报告的风险等级为低风险（若涉及港股则为中高风险）。\n", None, True),
    (
        "footer-inside-the-second",
        OWN_LOW + "本报告的风险等级为\n请务必阅读正文之后的免责声明部分\n第 3 页 共 8 页\n\f中高风险。\n",
        None,
        True,
    ),
    # A conditional is not the report's level, alone or beside its own statement.
    ("conditional-only", "若投资者为专业投资者，则本报告的风险等级为低风险。\n", None, True),
    (
        "conditional-beside-own",
        "本报告的风险等级为中高风险。\n如果本报告的风险等级为低风险，则适合保守型。\n",
        None,
        True,
    ),
    ("if-alone", "如投资者为专业投资者，本报告的风险等级为低风险。\n", None, True),
    ("when-then", "当投资者为专业投资者时，本报告的风险等级为低风险。\n", None, True),
    ("if-no-then", "如无法确定，本报告的风险等级为低风险。\n", None, True),
    # What every disclaimer says before its real statement is no condition (如 and 当 are
    # parts of these words), and "unless stated otherwise" gives the report's own level.
    ("citing-the-measures", "根据《投资者适当性管理办法》，本报告的风险等级为中风险。\n", "R3", False),
    ("investors-should-note", "投资者应当注意，本报告的风险等级为中风险。\n", "R3", False),
    ("unless-stated-otherwise", "如无特别说明，本报告的风险等级为中风险。\n", "R3", False),
    ("current-market", "当前市场波动较大，本报告的风险等级为中风险。\n", "R3", False),
    ("truthfully", "本公司如实揭示风险，本报告的风险等级为中风险。\n", "R3", False),
    # The statement's own sentence giving a part of the report another level.
    ("higher-part-after-but", "本报告的风险等级为低风险，但港股部分为中高风险。\n", None, True),
    ("higher-part-after-comma", "本报告的风险等级为中风险，涉及港股的部分风险等级为中高风险。\n", None, True),
    ("client-tolerance-words-later", "本报告的风险等级为中风险，低风险承受能力的投资者请勿阅读。\n", "R3", False),
    ("same-level-again", "本报告的风险等级为中风险，即为中风险产品对应的研报。\n", "R3", False),
    # Forms that state one level clearly: read, not unrated.
    ("traditional-only", "本報告的風險等級為中高風險。\n", "R4", False),
    ("ideographic-spaces", "\u3000".join("本报告的风险等级为") + "\u3000中高风险。\n", "R4", False),
    ("words-and-code-in-parentheses", "本报告风险等级：中高风险（R4）\n", "R4", False),
    ("code-then-words", "本报告风险等级为R4中高风险。\n", "R4", False),
    ("full-width-code-in-parentheses", "本报告风险等级：（Ｒ４）\n", "R4", False),
    ("aside-that-names-no-level", "本报告的风险等级为中风险（适合稳健型及以上投资者）。\n", "R3", False),
    ("this-article", "本文的风险等级为中风险。\n", "R3", False),
    ("repeated-on-every-page", ("本报告的风险等级为中高风险。\n第 1 页\n\f") * 5, "R4", False),
    ("synonyms-of-one-level", "本报告的风险等级为中低风险。\n本报告的风险等级为较低风险。\n", "R2", False),
    # attack12b: a second statement about the report's own level in a form the strict
    # reader does not know (another word for 'this report', another connector, a level in
    # English or in numerals, a footer between 风险 and 等级): the report states it, so
    # it cannot be read as R1 beside it.
    ("classical-zhi-second", OWN_LOW + "本報告之風險等級為中高風險。\n", None, True),
    ("this-document-second", OWN_LOW + "本文件的风险等级为高风险。\n", None, True),
    ("this-piece-second", OWN_LOW + "本篇的风险等级为高风险。\n", None, True),
    ("this-material-second", OWN_LOW + "本资料的风险等级为高风险。\n", None, True),
    ("this-issue-report-second", OWN_LOW + "本次报告的风险等级为高风险。\n", None, True),
    ("this-weekly-second", OWN_LOW + "本周报的风险等级为高风险。\n", None, True),
    ("belongs-to-second", OWN_LOW + "本报告所属风险等级为高风险。\n", None, True),
    ("corresponding-second", OWN_LOW + "本报告对应的风险等级为高风险。\n", None, True),
    ("content-second", OWN_LOW + "本报告内容的风险等级为高风险。\n", None, True),
    ("suitability-second", OWN_LOW + "本报告的适当性风险等级为高风险。\n", None, True),
    ("rated-as-second", OWN_LOW + "本报告被评为高风险等级。\n", None, True),
    ("belongs-short-second", OWN_LOW + "本报告属高风险等级。\n", None, True),
    ("is-a-high-risk-report-second", OWN_LOW + "本报告为高风险研报。\n", None, True),
    ("english-words-second", OWN_LOW + "本报告的风险等级为Medium-High。\n", None, True),
    ("numeral-grade-second", OWN_LOW + "本报告风险等级为五级。\n", None, True),
    ("chinese-numeral-code-second", OWN_LOW + "本报告的风险等级为R四。\n", None, True),
    ("dash-after-level-second", OWN_LOW + "本报告的风险等级为高风险—衍生品。\n", None, True),
    ("footer-between-risk-and-grade", OWN_LOW + "本报告的风险\n第 3 页 共 8 页\n等级为高风险。\n", None, True),
    ("footer-inside-the-level-word", OWN_LOW + "本报告的风险等级为高\n第 3 页 共 8 页\n风险。\n", None, True),
    # A loose sentence naming only the level the report states says nothing new: read.
    ("this-document-same-level", "本报告的风险等级为中风险。\n本文件的风险等级为中风险。\n", "R3", False),
    (
        "suitable-for-same-level",
        "本报告的风险等级为中风险。\n本报告仅适合风险偏好为中风险及以上的投资者。\n",
        "R3",
        False,
    ),
    ("rated-same-level", "本报告被评为中高风险等级。\n本报告的风险等级为中高风险。\n", "R4", False),
    # ... but one naming another level, or one the reader cannot read, still leaves it unrated.
    (
        "suitable-for-higher-level",
        "本报告的风险等级为中风险。\n本报告仅适用于风险等级为中高风险及以上的投资者。\n",
        None,
        True,
    ),
    ("loose-alone", "本文件的风险等级为中风险。\n", None, True),
    # What names a level but is not the report's stays out.
    ("tolerance-preference", "本报告为低风险偏好投资者梳理国债配置。\n本报告的风险等级为中风险。\n", "R3", False),
    ("product-mentioned", "本报告提及的理财产品风险等级为低风险。\n本报告的风险等级为中风险。\n", "R3", False),
    # What is not about the report's level at all stays out.
    ("product-level", "本产品的风险等级为低风险。\n本报告的风险等级为中风险。\n", "R3", False),
    ("fund-level", "该基金的风险等级为低风险。\n本报告的风险等级为中风险。\n", "R3", False),
    (
        "scale-after-own-words",
        "本报告的风险等级为中风险。\n本报告的风险等级划分为低风险、中低风险、中风险、中高风险、高风险五级。\n",
        "R3",
        False,
    ),
    (
        "own-level-above-client-sentence",
        "本报告的风险等级为中风险。\n若本报告的风险等级高于您的风险承受能力，请勿使用。\n",
        "R3",
        False,
    ),
]


@pytest.mark.parametrize(("name", "body", "expected", "unclear"), CASES, ids=[c[0] for c in CASES])
def test_almost_statements(name: str, body: str, expected: str | None, unclear: bool) -> None:
    meta = extract_metadata(_report(body))
    assert (meta.stated_level.code if meta.stated_level else None) == expected, meta
    assert bool(meta.unclear_level_statements) is unclear, meta.unclear_level_statements
    if "\f" not in body:  # through the PDF path too: wrapped lines and all
        from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(_report(body), chars_per_line=17)))
        assert (from_pdf.stated_level.code if from_pdf.stated_level else None) == expected, name


# (name, body, level read or None, a statement that cannot be read)
ENGLISH: list[tuple[str, str, str | None, bool]] = [
    ("english-statement-second", OWN_LOW + "The risk level of this report is High.\n", None, False),
    ("english-rated-second", OWN_LOW + "This report is rated R5 (high risk).\n", None, True),
    ("english-level-split-second", OWN_LOW + "The risk level of this report is H igh.\n", None, True),
    # A bilingual disclaimer saying one level twice is one statement.
    ("english-and-chinese-agree", "本报告的风险等级为中风险。\nThis report's risk level is medium.\n", "R3", False),
    ("english-only-this-report", "The risk level of this report is Medium-High (R4).\n", "R4", False),
    ("english-possessive", "This report's risk level: medium.\n", "R3", False),
    # English without a word about the report's risk level or rating names none.
    ("english-other-sentence", "本报告的风险等级为中风险。\nThis report is for high net worth clients.\n", "R3", False),
]


@pytest.mark.parametrize(("name", "body", "expected", "unclear"), ENGLISH, ids=[c[0] for c in ENGLISH])
def test_statements_in_english(name: str, body: str, expected: str | None, unclear: bool) -> None:
    """An English statement about the report's own level is read as the Chinese one is; one
    that cannot be read (a level split, 'rated R5') leaves the report unrated. Through the
    PDF path at a width that wraps English between words, as PDF layouts do."""
    meta = extract_metadata(_report(body))
    assert (meta.stated_level.code if meta.stated_level else None) == expected, meta
    assert bool(meta.unclear_level_statements) is unclear, meta.unclear_level_statements
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(_report(body), chars_per_line=60)))
    assert (from_pdf.stated_level.code if from_pdf.stated_level else None) == expected, name


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("創業板半導體設備深度", RiskLevel.R4),
        ("商品期貨策略周報", RiskLevel.R5),
        ("股指期權波動率", RiskLevel.R5),
        ("窩輪成交回顧", RiskLevel.R5),
        ("收益互換業務規模", RiskLevel.R5),
        ("精選層企業轉板展望", RiskLevel.R4),
        ("北證50成分調整", RiskLevel.R4),
        ("聯交所上市新規", RiskLevel.R4),
    ],
)
def test_subject_keywords_in_traditional_characters(title: str, level: RiskLevel) -> None:
    """A stated 中风险 under a traditional-character title of a ChiNext or futures report
    is below its subject: matched at the subject's level with a finding, not at R3."""
    meta = extract_metadata(_report("本报告的风险等级为中风险。\n", title=title, kind="行业深度"))
    assert meta.title == title
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is level


@pytest.mark.parametrize(
    "body",
    [
        OWN_LOW + "本報告的風險等級為中高風險。\n",
        OWN_LOW + "本报告的风险等级为极高风险。\n",
        "若投资者为专业投资者，则本报告的风险等级为低风险。\n",
    ],
    ids=["traditional-second", "sixth-level-second", "conditional-only"],
)
def test_a_report_with_an_unread_second_statement_is_read_by_nobody(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path, body: str
) -> None:
    path = tmp_path / "r.txt"
    path.write_text(_report(body), encoding="gbk")
    (result,) = services.reports.import_paths(compliance, [path])
    assert (result.status, result.code) == ("needs-rating", "unrated")
    view = services.reports.get(compliance, result.report or 0)
    assert view.level is None
    codes = {f.code for f in view.open_findings}
    assert codes & {"level-statements-differ", "level-statement-unclear"}
    assert all(not f.resolvable for f in view.open_findings)  # settled by rating, not dismissed
    add_client(services, compliance, "C1", RiskProfile.C1)
    add_client(services, compliance, "C5", RiskProfile.C5)
    assert not services.access.check(advisor, "C1", view.id).decision.allowed
    assert not services.access.check(advisor, "C5", view.id).decision.allowed
    rated = services.reports.set_level(compliance, view.id, RiskLevel.R4, note="read the whole disclaimer")
    assert rated.open_findings == ()
    assert not services.access.check(advisor, "C1", view.id).decision.allowed
    assert services.access.check(advisor, "C5", view.id).decision.allowed


def test_review_says_the_statement_could_not_be_read(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text(_report(OWN_LOW + "本报告的风险等级为极高风险。\n"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    review = services.reports.review(compliance, result.report or 0)
    assert review.level_source == "unclear"
    (finding,) = review.report.open_findings
    assert finding.code == "level-statement-unclear"
    assert finding.detail == "本报告的风险等级为极高风险"  # the words (as matched), no English around them


@pytest.mark.parametrize(
    "title", ["腾讯控股（00700）：回购提速", "腾讯控股(0700 HK)：回购提速", "腾讯控股（0700. HK）：回购提速"]
)
def test_hong_kong_codes_without_the_dot_form(title: str) -> None:
    """A Hong Kong stock named by its code as titles print it without '.HK' (five digits
    in parentheses, or 'HK' after a space): stated 中风险, its subject implies R4."""
    meta = extract_metadata(_report("本报告的风险等级为中风险。\n", title=title, kind="公司点评"))
    assert meta.title == title
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4


# -- the subject table: what the rulebook's R4/R5 subjects are called in titles ----------

OLD_DEFAULT_SUBJECTS = [
    ["宏观", "R1"], ["政策", "R1"], ["财经资讯", "R1"], ["国债", "R1"], ["债券", "R2"], ["货币基金", "R2"],
    ["货币市场基金", "R2"], ["债券基金", "R2"], ["固收", "R2"], ["主板", "R3"], ["行业", "R3"], ["公司", "R3"],
    ["股票", "R3"], ["可转债", "R3"], ["策略", "R3"], ["创业板", "R4"], ["科创板", "R4"], ["北交所", "R4"],
    ["北京证券交易所", "R4"], ["新三板", "R4"], ["港股", "R4"], ["H股", "R4"], ["退市整理", "R4"], ["恒生", "R4"],
    ["非上市", "R4"], ["期货", "R5"], ["期权", "R5"], ["衍生品", "R5"],
]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "level"),
    [
        # STAR, Beijing SE and NEEQ funds and indices by the names their products carry.
        ("科创50ETF资金流向跟踪", RiskLevel.R4),
        ("科创100指数发布点评", RiskLevel.R4),
        ("北证50指数成分调整点评", RiskLevel.R4),
        ("北证A股流动性观察", RiskLevel.R4),
        ("精选层企业转板展望", RiskLevel.R4),
        ("双创50指数编制方案", RiskLevel.R4),
        # Hong Kong by its exchange and index.
        ("港交所：成交额创新高", RiskLevel.R4),
        ("恒指成分股调整", RiskLevel.R4),
        # Derivatives by the instruments' own names.
        ("收益互换业务规模跟踪", RiskLevel.R5),
        ("利率互换曲线周观察", RiskLevel.R5),
        ("雪球产品敲入风险", RiskLevel.R5),
        ("雪球结构收益拆解", RiskLevel.R5),
        ("牛熊证街货分析", RiskLevel.R5),
        ("窝轮成交回顾", RiskLevel.R5),
        ("信用衍生工具CRMW发行", RiskLevel.R5),
        # Covered already: the words contain a keyword.
        ("创业板指估值回落", RiskLevel.R4),
        ("港股通南向资金周观察", RiskLevel.R4),
        ("恒生指数技术性反弹", RiskLevel.R4),
        ("H股全流通进展", RiskLevel.R4),
        ("股指期货贴水修复", RiskLevel.R5),
        ("场外期权市场月报", RiskLevel.R5),
        # Words that only look like one stay what they are.
        ("消费复苏的雪球效应", RiskLevel.R3),
        ("央行货币互换协议续签", RiskLevel.R1),
        ("科创债发行提速", RiskLevel.R2),
        ("双创政策效果评估", RiskLevel.R1),
    ],
)
def test_subject_names_of_r4_and_r5_products(title: str, level: RiskLevel) -> None:
    """A report on a STAR or Beijing SE fund, a Hong Kong index or a derivative that
    states 中风险 is below its subject: matched at the subject's level with a finding."""
    kind = "宏观点评" if "政策" in title or "央行" in title else "债券点评" if "债" in title else "行业点评"
    meta = extract_metadata(_report("本报告的风险等级为中风险。\n", title=title, kind=kind))
    assert meta.title == title
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is level


@pytest.mark.parametrize("level", ["低风险", "中低风险", "中风险"])
def test_new_subject_words_in_the_scale_and_disclaimers_raise_nothing(level: str) -> None:
    """An R1-R3 report whose printed scale, matching table and page footers name every
    R4/R5 product (on every page: three times and more) keeps its own subject."""
    scale = (
        "证券研究报告风险等级及适当性匹配关系\n"
        "中高风险 创业板、科创板、科创50、北证50、精选层、北交所、港股、恒指、港交所等方面的研究报告\n"
        "高风险 期货、期权、收益互换、利率互换、雪球产品、牛熊证、窝轮、信用衍生工具等衍生品方面的研究报告\n"
    )
    page = "宏观政策与国债收益率。\n" + f"本报告的风险等级为{level}。\n" + scale + "第 1 页\n\f"
    text = HEADER.format(title="宏观经济月度观察", kind="宏观研究") + "投资要点：\n" + page * 4
    meta = extract_metadata(text)
    assert meta.stated_level is RiskLevel.parse(level)
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R1


def test_a_stored_policy_keeps_its_subject_table() -> None:
    """The shipped table grows; a policy version stored with the table of its day keeps
    that table (its document lists every word), so replaying it gives the old answer, and
    a new default never rewrites what an earlier version said."""
    old = Policy.from_dict({"version": 1, "subjects": OLD_DEFAULT_SUBJECTS})
    assert Policy.from_json(old.to_json()) == old
    assert suggest_level("科创50ETF资金流向跟踪", old) is None
    assert suggest_level("科创50ETF资金流向跟踪", Policy()) is RiskLevel.R4
    assert {w for w, _ in Policy().subjects} > {w for w, _ in OLD_DEFAULT_SUBJECTS}


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("期货市场风险提示：交割月临近", RiskLevel.R5),
        ("退市整理期个股风险提示", RiskLevel.R4),
        ("港股通标的调整风险提示", RiskLevel.R4),
    ],
)
def test_a_title_that_warns_of_risk_is_still_the_title(title: str, level: RiskLevel) -> None:
    """A title with 风险提示 in it was taken for a disclaimer line: the report had no title,
    so no subject, and a futures report stating 中风险 was matched at R3 with no finding.
    A line that opens with 风险提示 (the body's risk section, a sidebar's) is still none."""
    meta = extract_metadata(_report("本报告的风险等级为中风险。\n", title=title, kind="专题报告"))
    assert meta.title == title
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is level
    sidebar = HEADER.format(title="宏观经济月度观察", kind="宏观研究").replace(
        "宏观研究\n", "宏观研究\n风险提示：海外需求回落\n"
    )
    assert extract_metadata(sidebar + "投资要点：\n经济修复。\n").title == "宏观经济月度观察"


def test_a_report_saying_a_thousand_unreadable_things_about_its_level_is_unrated_once(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """Each unreadable statement became a finding and a string in the import's audit entry:
    a hostile file repeating one on every line stored thousands of findings and an entry of
    megabytes. The same sentence is one statement; the findings and the entry quote ten and
    count the rest. The report is unrated all the same."""
    import json

    body = "".join(f"本篇的风险等级为高风险，见第{i}页。\n" for i in range(1000))
    body += "本文件的风险等级为高风险。\n" * 500
    path = tmp_path / "r.txt"
    path.write_text(_report(OWN_LOW + body), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert (result.status, result.code) == ("needs-rating", "unrated")
    view = services.reports.get(compliance, result.report or 0)
    unclear = [f for f in view.open_findings if f.code == "level-statement-unclear"]
    assert len(unclear) == 10
    entry = next(e for e in services.audit.browse(compliance, limit=20) if e.action == "report-imported")
    facts = json.loads(entry.facts)
    assert facts["level_statements_unclear_count"] == 1001
    assert len(facts["level_statements_unclear"]) == 10
