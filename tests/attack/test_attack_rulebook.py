"""A conformance sweep of the rulebook (docs: the domain page) by what a hostile file or a
careless import gives: the cases earlier attacks did not cover (written for these tests).

The question each answers: can a report reach a client above their profile, or a client
get a higher profile than their answers earn?"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy
from suitcheck.domain.questionnaire import QuestionnaireError, from_dict, parse_definition
from suitcheck.domain.subjects import matching_level, suggest_level
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.ingest.pdf import extract_pdf_text
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from suitcheck.services.questionnaire import default_questionnaire
from tests.ingest.level_corpus import HEADER
from tests.pdfs import text_to_pdf

OWN_LOW = "本报告的风险等级为低风险。\n"


def _report(body: str) -> str:
    return _titled("宏观经济月度观察", body, kind="宏观研究")


def _titled(title: str, body: str, kind: str = "行业深度") -> str:
    return HEADER.format(title=title, kind=kind) + "投资要点：\n经济延续修复。\n" + body


# -- the report's own level sentence ---------------------------------------------------

# A second statement about the report itself that gives its level at once ("本报告的风险等级
# 为…") in a form the reader does not know: a bare number, a code with a dash or a dot, a
# Cyrillic Р or a Roman numeral that show as R5 and RⅣ, a Chinese numeral, a level word in
# ASCII quotes. Beside the low one it read, the report was matched at R1: what a human
# reader takes for R5 reached a C1 client.
UNREAD_SECOND: list[tuple[str, str]] = [
    ("bare-number", "本报告的风险等级为5。\n"),
    ("code-with-dash", "本报告的风险等级为R-5。\n"),
    ("code-with-underscore", "本报告的风险等级为R_5。\n"),
    ("code-with-dot", "本报告的风险等级为R.5。\n"),
    ("cyrillic-er", "本报告的风险等级为\u04205。\n"),
    ("roman-numeral", "本报告的风险等级为R\u2163。\n"),
    ("chinese-numeral", "本报告的风险等级为五。\n"),
    ("ascii-quoted-word", '本报告的风险等级为"高"。\n'),
    ("fixed-as-number", "本报告的风险等级定为5。\n"),
    ("colon-and-number", "本报告风险等级：5\n"),
    ("this-document-number", "本文件的风险等级为5。\n"),
    ("this-piece-dashed-code", "本篇风险等级：R-5\n"),
    # A longer verb before 为, an equals sign, a bracket (found after the first fix).
    ("three-character-verb", "本报告的风险等级经评定为5。\n"),
    ("verb-with-its-author", "本报告的风险等级经公司评定为R-5。\n"),
    ("equals-sign", "本报告的风险等级=5\n"),
    ("bracketed-dashed-code", "本报告的风险等级（R-5）。\n"),
]


@pytest.mark.parametrize("body", [b for _, b in UNREAD_SECOND], ids=[n for n, _ in UNREAD_SECOND])
def test_a_second_statement_giving_a_value_the_reader_cannot_read_leaves_the_report_unrated(body: str) -> None:
    meta = extract_metadata(_report(OWN_LOW + body))
    assert meta.stated_level is None, meta
    assert meta.unclear_level_statements, meta
    from_pdf = extract_metadata(extract_pdf_text(text_to_pdf(_report(OWN_LOW + body), chars_per_line=17)))
    assert from_pdf.stated_level is None


# Characters Unicode says to show as nothing (Default_Ignorable_Code_Point) that are not
# format characters: variation selectors, the combining grapheme joiner, the Hangul fillers.
# Inside a second statement they hid it from the reader while a human reads 高风险.
INVISIBLE: list[tuple[str, str]] = [
    ("variation-selector", "本报告的风险等级为高\ufe0f风险。\n"),
    ("variation-selector-supplement", "本报告的风险等级为高\U000e0100风险。\n"),
    ("combining-grapheme-joiner", "本报告的风险\u034f等级为高风险。\n"),
    ("hangul-filler", "本\u3164报告的风险等级为高风险。\n"),
    ("hangul-choseong-filler", "本报告的风险等级为高\u115f风险。\n"),
    ("halfwidth-hangul-filler", "本报告的风险等级为高\uffa0风险。\n"),
    ("mongolian-variation-selector", "本报告的风险等级为高\u180b风险。\n"),
    # The braille pattern blank shows as a space: R⠀5 is read as the R 5 a reader sees.
    ("braille-blank-inside-code", "本报告的风险等级为R\u28005。\n"),
]


@pytest.mark.parametrize("body", [b for _, b in INVISIBLE], ids=[n for n, _ in INVISIBLE])
def test_a_statement_with_an_invisible_character_inside_is_read(body: str) -> None:
    meta = extract_metadata(_report(OWN_LOW + body))
    assert meta.stated_level is None, meta
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}, meta  # both read: two levels, unrated
    alone = extract_metadata(_report(body))
    assert alone.stated_level is RiskLevel.R5, alone


# What says nothing about the report's level keeps the level it states.
STILL_READ: list[tuple[str, str]] = [
    ("whether-it-suits-you", "本报告的风险等级为中风险。\n本报告的风险等级是否适合您，请咨询客户经理。\n"),
    ("as-the-firm-rates", "本报告的风险等级为中风险。\n本报告的风险等级以公司评定为准。\n"),
    ("how-it-was-set", "本报告的风险等级为中风险。\n本报告的风险等级是根据公司制度评定的。\n"),
    ("above-your-tolerance", "本报告的风险等级为中风险。\n本报告的风险等级高于您的风险承受能力时，请勿使用。\n"),
    ("the-firms-final-rating-prevails", "本报告的风险等级为中风险。\n本报告的风险等级以公司最终评定为准。\n"),
    ("only-for-reference", "本报告的风险等级为中风险。\n本报告的风险等级仅作为参考。\n"),
]


@pytest.mark.parametrize("body", [b for _, b in STILL_READ], ids=[n for n, _ in STILL_READ])
def test_sentences_that_give_no_value_leave_the_stated_level(body: str) -> None:
    meta = extract_metadata(_report(body))
    assert meta.stated_level is RiskLevel.R3, meta
    assert meta.unclear_level_statements == ()


# -- the questionnaire -----------------------------------------------------------------


def _without_knockouts() -> dict[str, Any]:
    data = copy.deepcopy(default_questionnaire().content())
    for question in data["questions"]:
        for answer in question["answers"]:
            answer["knockout"] = False
    return data


def test_a_questionnaire_without_a_knock_out_answer_is_refused() -> None:
    """The rulebook's knock-outs (cannot bear any loss, no full civil capacity) put a client
    in the lowest category whatever the score. A definition with none scored such a client
    into a band (C2 and up, with R2+ reports) and never flagged them: refused at import."""
    with pytest.raises(QuestionnaireError, match="knock-out"):
        parse_definition(json.dumps(_without_knockouts(), ensure_ascii=False))


def test_the_service_refuses_it_and_stores_nothing(services: Services, compliance: Actor) -> None:
    with pytest.raises(InvalidInput, match="knock-out"):
        services.questionnaire.import_definition(compliance, json.dumps(_without_knockouts(), ensure_ascii=False))
    assert services.questionnaire.current(compliance).version == 1


def test_a_stored_definition_is_still_read() -> None:
    """Only a new definition is held to it: one stored before stays readable (its past
    assessments and confirmation sheets name it)."""
    assert from_dict(_without_knockouts()).questions


# -- 就高: the subject's level when the stated one is lower -------------------------------

SPACED_TITLES: list[tuple[str, RiskLevel]] = [
    ("创 业 板 半 导 体 设 备 深 度", RiskLevel.R4),  # a PDF's letter-spaced title
    ("创业 板半导体设备深度", RiskLevel.R4),
    ("港 股互联网平台回购提速", RiskLevel.R4),
    ("科创\u00a0板医疗器械跟踪", RiskLevel.R4),
    ("股指期 货贴水修复", RiskLevel.R5),
    ("Ｈ 股全流通进展", RiskLevel.R4),
]


@pytest.mark.parametrize(("title", "level"), SPACED_TITLES, ids=[t for t, _ in SPACED_TITLES])
def test_a_subject_keyword_with_spaces_inside_still_lifts_the_report(title: str, level: RiskLevel) -> None:
    """PDF text extraction letter-spaces titles: 创 业 板 was no 创业板, so a ChiNext report
    stated 中风险 had no subject level, no finding, and reached C3 clients at R3."""
    meta = extract_metadata(_titled(title, "本报告的风险等级为中风险。\n"))
    assert meta.title is not None  # the title line, shown half-width
    subject = suggest_level(meta.subject_text, Policy(), meta.body_text)
    assert subject is level
    assert matching_level(meta.stated_level, subject, confirmed=False) is level


def test_keywords_spaced_in_the_body_count_as_the_body_s_subject() -> None:
    body = (
        "投资要点：\n" + "创业 板成交回暖，创 业板指数反弹，创业板\n公司业绩改善。\n" + "本报告的风险等级为中风险。\n"
    )
    meta = extract_metadata(HEADER.format(title="成长股周度观察", kind="策略周报") + body)
    assert suggest_level(meta.subject_text, Policy(), meta.body_text) is RiskLevel.R4
