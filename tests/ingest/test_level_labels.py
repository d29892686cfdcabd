"""Statements of the report's own level under a label, or in an order, the reader did not
see (written for these tests).

Was BROKE: a report holding "本报告的风险等级为低风险。" and also "风险等级（本报告）：高风险"
imported as R1 and a C1 client read it: the second is a statement about the report itself
(the report named after the label) that the reader did not recognise, so the lower one
counted alone. So did the rest of that family: the report named after the label or its
level (【风险等级】本报告：高风险, 风险评级：高风险（本报告）, 高风险（本报告风险等级）), a label
naming the report with more words (报告的风险等级为高风险, 研究报告风险等级评定：高风险, 报告风险
评级 | R5), 本报告 further from the label (本报告在适当性管理中的风险等级为高风险, 本公司已对本报
告进行了风险等级评定，评定结果为高风险), a box headed by the report (本报告信息 / 风险等级：R5（高
风险）) and English labels (Report risk level: High, Risk level (this report): R5, This report
is classified as high risk). Now each is a statement that cannot be read: naming another level
than the one read, it leaves the report unrated with a finding; naming only that level, it
says nothing new. A product's level (该基金（风险等级：R2）, 本报告提及的理财产品风险等级), an
investor's, and the headings and rows of a printed scale still never count.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_text
from suitcheck.ingest.reader import ExtractedReport, content_hash, extract
from suitcheck.services import Actor, Services
from tests.conftest import add_client, staff
from tests.ingest.level_corpus import MATCHING, SCALE_TABLE
from tests.ingest.test_level_attack import OWN_LOW, _report
from tests.pdfs import text_to_pdf

OWN_MEDIUM = "本报告的风险等级为中风险。\n"

# A second statement of another level than the report's 低风险 one, in a form not read.
SECOND_STATEMENTS = [
    ("report-after-label", "风险等级（本报告）：高风险。\n"),
    ("report-after-bracketed-label", "【风险等级】本报告：高风险\n"),
    ("report-after-level", "风险评级：高风险（本报告）\n"),
    ("level-before-label", "高风险（本报告风险等级）\n"),
    ("report-with-de", "报告的风险等级为高风险。\n"),
    ("label-with-assessed", "研究报告风险等级评定：高风险\n"),
    ("label-in-a-table-row", "报告风险评级 | R5\n"),
    ("label-row-with-more-cells", "报告风险等级 | 高风险 | 适合激进型投资者\n"),
    ("report-far-from-label", "本报告在适当性管理中的风险等级为高风险。\n"),
    ("value-in-the-next-clause", "本公司已对本报告进行了风险等级评定，评定结果为高风险。\n"),
    ("box-headed-by-the-report", "本报告信息\n风险等级：R5（高风险）\n"),
    ("value-in-the-cell-below", "本报告基本信息\n风险等级\n高风险\n"),
    ("english-report-label", "Report risk level: High\n"),
    ("english-report-after-label", "Risk level (this report): R5\n"),
    ("english-of-the-report", "Risk level of the report: High\n"),
    ("english-report-after-level", "Risk rating: High (this report)\n"),
    ("english-classified", "This report is classified as high risk.\n"),
]


# Was BROKE too: the level given before the words naming the report's level with a
# connector, a grade without 风险 (本报告等级, 报告评级), "the report's risk" given a level
# without 等级, and English "this report:" with a level after it.
SECOND_STATEMENTS += [
    ("level-then-wei", "高风险为本报告的风险等级。\n"),
    ("level-then-shi", "高风险是本报告的风险等级。\n"),
    ("code-then-colon", "R5：本报告风险等级\n"),
    ("grade-without-risk", "本报告等级：高风险\n"),
    ("rating-without-risk", "本报告评级：高风险\n"),
    ("report-grade-code", "报告等级：R5\n"),
    ("report-risk-short", "本报告风险：高\n"),
    ("report-risk-words", "报告风险：高风险\n"),
    ("english-report-colon", "This report: high risk\n"),
    # A value that is no level the reader knows, under such a label: never read as the level.
    ("grade-number", "报告风险等级：5\n"),
    ("grade-number-after-report", "风险等级（本报告）：5\n"),
    ("grade-stars", "报告风险等级：★★★★★\n"),
    ("grade-roman", "报告风险等级：RⅤ\n"),
    ("grade-numeral", "报告风险等级：伍\n"),
    ("english-grade-number", "Report risk level: 5\n"),
    # An aside in brackets naming the report's kind is the report's, whatever it names.
    ("report-aside-naming-funds", "本报告（基金研究）风险等级：高风险\n"),
    ("report-aside-in-lenticular-brackets", "本报告【基金专题】的风险等级为高风险。\n"),
    # A box headed by the report's kind: the label under it is the report's.
    ("box-headed-by-the-masthead", "证券研究报告\n风险等级：高风险\n"),
    ("box-headed-by-a-company-report", "公司研究报告\n风险评级：R5\n"),
]


@pytest.mark.parametrize("second", [c[1] for c in SECOND_STATEMENTS], ids=[c[0] for c in SECOND_STATEMENTS])
def test_a_second_statement_under_a_label_leaves_the_report_unrated(second: str) -> None:
    meta = extract_metadata(_report(OWN_LOW + second))
    assert meta.stated_level is None, meta
    assert meta.unclear_level_statements, meta
    # Through the PDF path too, its lines wrapped as a layout wraps them.
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(_report(OWN_LOW + second), chars_per_line=60)))
    assert from_pdf.stated_level is None, from_pdf


@pytest.mark.parametrize("alone", [c[1] for c in SECOND_STATEMENTS], ids=[c[0] for c in SECOND_STATEMENTS])
def test_such_a_statement_alone_leaves_the_report_unrated(alone: str) -> None:
    meta = extract_metadata(_report(alone))
    assert meta.stated_level is None
    assert meta.unclear_level_statements


@pytest.mark.parametrize(
    "same",
    [
        "风险等级（本报告）：中风险。\n",
        "报告风险等级 | 中风险\n",
        "本报告在适当性管理中的风险等级为中风险。\n",
        "Report risk level: R3\n",
    ],
)
def test_such_a_statement_of_the_level_read_says_nothing_new(same: str) -> None:
    meta = extract_metadata(_report(OWN_MEDIUM + same))
    assert meta.stated_level is RiskLevel.R3
    assert meta.unclear_level_statements == ()


# What names a level beside "this report" or a report label but is not the report's level.
NOT_THE_REPORTS = [
    ("fund-in-brackets", "本报告所分析的某某基金（风险等级：R2）业绩稳定。\n"),
    ("fund-after-the-reports-aside", "本报告（见附表）基金风险等级：R2\n"),
    ("related-reports-heading", "相关报告\n风险等级：R2\n"),
    ("a-scale-row-above", "期货期权等衍生品方面的研究报告\n风险等级：R5\n"),
    ("products-of-the-report", "本报告推荐的基金产品及其风险等级：R2\n"),
    ("product-mentioned", "本报告提及的理财产品风险等级为低风险。\n"),
    ("fund-table", "代码 名称 风险等级\n000001 某某基金 R2\n"),
    ("fund-alone", "该基金风险等级为高风险。\n"),
    ("investor-tolerance", "本报告仅适用于高风险承受能力的投资者。\n"),
    ("definitions-heading", "研究报告风险等级说明：高风险指期货、期权等衍生品方面的研究报告。\n"),
    ("definitions-dashed", "报告风险等级说明：低风险—宏观经济；中风险—主板股票。\n"),
    ("scale-as-a-table", "证券研究报告风险等级 |\n低风险 | 宏观经济及政策\n中低风险 | 债券\n"),
    ("grading-cited", "根据《证券期货投资者适当性管理办法》，本公司对研究报告风险等级进行了划分。\n"),
    ("english-unrelated", "This report is for high net worth clients.\n"),
    ("english-considered-high-quality", "This report is considered high quality research.\n"),
    ("investment-rating", "本报告评级：买入（维持）\n"),
    ("rating-system", "本报告采用的评级体系：买入、增持、持有、减持。\n"),
    ("credit-grade", "本报告所涉债券信用等级：AAA\n"),
    ("company-rating", "本报告覆盖公司评级：增持\n"),
    ("risk-warning", "本报告风险提示：高风险资产波动较大。\n"),
    ("report-risk-not-a-level", "本报告风险：宏观经济下行。\n"),
    ("grade-inside-a-phrase", "本报告覆盖的AAA等级信用债为低风险。\n"),
    ("high-grade-bonds", "本报告关注的高等级信用债利差收窄。\n"),
]


@pytest.mark.parametrize("other", [c[1] for c in NOT_THE_REPORTS], ids=[c[0] for c in NOT_THE_REPORTS])
def test_a_level_that_is_not_the_reports_still_does_not_count(other: str) -> None:
    meta = extract_metadata(_report(OWN_MEDIUM + other))
    assert meta.stated_level is RiskLevel.R3, meta
    assert meta.unclear_level_statements == ()


def test_a_level_appendix_beside_report_labels_still_counts_for_nothing() -> None:
    """An appendix like the sample report's (a heading naming the research report's 风险等级,
    the scale's rows, the matching sentence naming 研报 and levels) in its layout as text and
    as a PDF: none of it counts. (tests/ingest/test_extraction.py reads the sample itself.)"""
    text = _report(OWN_MEDIUM + "免责声明\n" + SCALE_TABLE.replace(" ", "\t") + MATCHING)
    for meta in (extract_metadata(text), extract_metadata(extract_pdf_text(text_to_pdf(text)))):
        assert meta.stated_level is RiskLevel.R3
        assert (meta.level_statements, meta.unclear_level_statements) == ((meta.stated_level,), ())


def test_the_report_is_read_by_nobody_until_compliance_rates_it(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "report.txt"
    path.write_text(_report(OWN_LOW + "风险等级（本报告）：高风险。\n"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    assert not services.access.check(advisor, "C1-client", result.report).decision.allowed
    assert services.reports.get(compliance, result.report).level is None


def test_a_report_the_previous_reader_read_as_r1_is_read_again_before_a_decision(sqlite_services: Services) -> None:
    """Stored by reader 2, which read only the 低风险 statement (R1, nothing unclear): the
    first check reads it again with this reader (LEVEL_READER 3) and decides it unrated."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    data = _report(OWN_LOW + "风险等级（本报告）：高风险。\n").encode("utf-8")
    now = extract(Path("report.txt"), data)
    meta = dataclasses.replace(
        now.metadata, stated_level=RiskLevel.R1, level_statements=(RiskLevel.R1,), unclear_level_statements=(), reader=2
    )
    stored = services.reports._store(
        compliance, ExtractedReport(now.path, now.kind, data, content_hash(data), now.text, meta)
    )
    assert stored.report is not None
    assert services.reports.get(compliance, stored.report).level is RiskLevel.R1  # as reader 2 stored it

    result = services.access.check(advisor, "C1-client", stored.report)
    assert result.decision.reasons == (Reason.REPORT_UNRATED,)
    assert services.reports.get(compliance, stored.report).level is None
