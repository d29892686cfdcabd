"""A conformance sweep of the rulebook (docs: the domain page) by what a hostile file or a
careless import gives: the cases earlier attacks did not cover (written for these tests).

The question each answers: can a report reach a client above their profile, or a client
get a higher profile than their answers earn?"""

from __future__ import annotations

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.ingest.metadata import extract_metadata
from tests.ingest.level_corpus import HEADER

OWN_LOW = "本报告的风险等级为低风险。\n"


def _report(body: str) -> str:
    return HEADER.format(title="宏观经济月度观察", kind="宏观研究") + "投资要点：\n经济延续修复。\n" + body


# -- the report's own level sentence ---------------------------------------------------

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
]


@pytest.mark.parametrize("body", [b for _, b in INVISIBLE], ids=[n for n, _ in INVISIBLE])
def test_a_statement_with_an_invisible_character_inside_is_read(body: str) -> None:
    meta = extract_metadata(_report(OWN_LOW + body))
    assert meta.stated_level is None, meta
    assert set(meta.level_statements) == {RiskLevel.R1, RiskLevel.R5}, meta  # both read: two levels, unrated
    alone = extract_metadata(_report(body))
    assert alone.stated_level is RiskLevel.R5, alone
