"""A report whose title is longer than a body line is taken to be (written for these tests).

Was BROKE: the header block ended at the first line of more than 60 characters, so a long
title (星辰科技（300999.SZ）2025年三季报点评：… at 62 characters, as company reports title
their results reviews) was taken for the body's first paragraph: the report had no title,
and its ChiNext code, named once, never reached the subject table. A report stating 中风险
was matched at R3 instead of R4 (就高), with no finding, and reached C3 clients. Now the
first title-like line of up to 80 characters is still the header's (the title), so its
subject counts.
"""

from __future__ import annotations

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy
from suitcheck.domain.subjects import suggest_level
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_text
from tests.pdfs import text_to_pdf

HEAD = "示例证券股份有限公司\n{title}\n公司点评\n2025 年 6 月 3 日\n分析师：林晓（SAC 执业证书编号：S1230521020009）\n"
BODY = "投资要点：\n业绩稳健增长，先进封装放量。\n本报告的风险等级为中风险。\n"
CHINEXT = (
    "星辰科技（300999.SZ）2025年三季报点评：先进封装放量带动业绩高增长，AI芯片需求强劲，上调盈利预测，维持买入评级"
)
HONG_KONG = (
    "腾讯控股（00700.HK）2025年三季报点评：游戏业务稳健增长，广告收入超预期，AI赋能提升长期竞争力，估值修复空间大"
)


@pytest.mark.parametrize("title", [CHINEXT, HONG_KONG], ids=["chinext-62", "hong-kong-61"])
def test_a_long_title_is_the_title_and_its_subject_counts(title: str) -> None:
    assert 60 < len(title) <= 80
    meta = extract_metadata(HEAD.format(title=title) + BODY)
    assert meta.title == title
    assert meta.stated_level is RiskLevel.R3
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4


def test_a_long_first_paragraph_still_starts_the_body() -> None:
    """A long line after the title (a summary that wraps nowhere) is the body, as before."""
    summary = (
        "本周市场震荡上行，沪深300指数上涨1.2%，主板蓝筹表现强势，"
        "银行板块领涨，成交额较上周明显放大，北向资金连续五日净流入"
    )
    assert len(summary) > 60
    meta = extract_metadata(HEAD.format(title="银行业息差企稳，龙头估值修复") + summary + "\n" + BODY)
    assert meta.title == "银行业息差企稳，龙头估值修复"
    assert summary in meta.body_text


def test_a_long_title_through_the_pdf_path() -> None:
    meta = extract_metadata(extract_pdf_text(text_to_pdf(HEAD.format(title=CHINEXT) + BODY, chars_per_line=90)))
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4
