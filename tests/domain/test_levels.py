"""Levels, profiles and classes parse from every spelling staff and reports use."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile, UnknownLevelError


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("R1", RiskLevel.R1),
        ("r2", RiskLevel.R2),
        ("中风险", RiskLevel.R3),
        ("中高风险", RiskLevel.R4),
        ("高风险", RiskLevel.R5),
        ("medium-low", RiskLevel.R2),
        ("Medium", RiskLevel.R3),
        ("Ｒ３", RiskLevel.R3),
        (" 低风险 ", RiskLevel.R1),
        ("5", RiskLevel.R5),
        ("medium high", RiskLevel.R4),
    ],
)
def test_level_spellings(text: str, level: RiskLevel) -> None:
    assert RiskLevel.parse(text) is level


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("C1", RiskProfile.C1),
        ("保守型", RiskProfile.C1),
        ("谨慎型", RiskProfile.C2),
        ("稳健型", RiskProfile.C3),
        ("稳健", RiskProfile.C3),
        ("prudent", RiskProfile.C3),
        ("积极型", RiskProfile.C4),
        ("aggressive", RiskProfile.C5),
        ("ｃ４", RiskProfile.C4),
    ],
)
def test_profile_spellings(text: str, profile: RiskProfile) -> None:
    assert RiskProfile.parse(text) is profile


@pytest.mark.parametrize("text", ["", "R6", "R0", "C3", "极高风险", "medium-medium", "None"])
def test_unknown_level_is_refused(text: str) -> None:
    with pytest.raises(UnknownLevelError):
        RiskLevel.parse(text)


def test_every_label_round_trips() -> None:
    for level in RiskLevel:
        assert RiskLevel.parse(level.label_zh) is level
        assert RiskLevel.parse(level.label_en) is level
    for profile in RiskProfile:
        assert RiskProfile.parse(profile.label_zh) is profile
        assert profile.max_level == RiskLevel(int(profile))


def test_investor_class_spellings() -> None:
    assert InvestorClass.parse("专业投资者") is InvestorClass.PROFESSIONAL
    assert InvestorClass.parse("ordinary") is InvestorClass.ORDINARY
    assert not InvestorClass.PROFESSIONAL.follows_table
    assert InvestorClass.PROFESSIONAL_AS_ORDINARY.follows_table


@given(st.text(max_size=12))
def test_parse_never_raises_anything_but_unknown(text: str) -> None:
    for parse in (RiskLevel.parse, RiskProfile.parse):
        with contextlib.suppress(UnknownLevelError):
            parse(text)
