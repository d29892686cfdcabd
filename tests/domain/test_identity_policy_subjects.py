"""ID numbers, policy documents and the subject table."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.identity import InvalidIdNumberError, birth_date, mask_id_number, normalize_id_number
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy, PolicyError
from suitcheck.domain.subjects import level_below_subject, suggest_level
from suitcheck.services.demo import make_id_number

VALID = make_id_number("110105", dt.date(1949, 12, 31), 2)


def test_valid_number_normalises_and_gives_birth_date() -> None:
    assert normalize_id_number(VALID.lower()) == VALID
    assert birth_date(VALID) == dt.date(1949, 12, 31)


def test_bad_check_character_is_refused() -> None:
    wrong = VALID[:-1] + ("1" if VALID[-1] != "1" else "2")
    with pytest.raises(InvalidIdNumberError, match="check character"):
        normalize_id_number(wrong)


@pytest.mark.parametrize("text", ["", "123", "11010519491331002X", "abcdefghijklmnopqr", "1101054913310020"])
def test_malformed_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidIdNumberError):
        normalize_id_number(text)


def test_legacy_fifteen_digit_form() -> None:
    assert normalize_id_number("110105491231002") == "110105491231002"
    assert birth_date("110105491231002") == dt.date(1949, 12, 31)
    with pytest.raises(InvalidIdNumberError):
        normalize_id_number("110105491331002")


def test_masking_hides_the_birth_date() -> None:
    masked = mask_id_number(VALID)
    assert masked == VALID[:6] + "********" + VALID[-4:]
    assert "19491231" not in str(masked)
    assert mask_id_number("110105491231002") == "110105*****1002"
    assert mask_id_number(None) is None


@given(st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)), st.integers(0, 999))
def test_generated_numbers_validate_and_round_trip(born: dt.date, seq: int) -> None:
    number = make_id_number("110105", born, seq)
    assert normalize_id_number(number) == number
    assert birth_date(number) == born


def test_policy_round_trips_and_validates() -> None:
    policy = Policy(version=3, validity_days=365, allow_escalation=True)
    assert Policy.from_json(policy.to_json()) == policy
    with pytest.raises(PolicyError):
        Policy.from_dict({"validity_days": 0})
    with pytest.raises(PolicyError):
        Policy.from_dict({"no_such_field": 1})
    with pytest.raises(PolicyError):
        Policy.from_json("{not json")
    with pytest.raises(PolicyError):
        Policy.from_dict({"subjects": [["期货", "R9"]]})


@pytest.mark.parametrize(
    ("subject", "level"),
    [
        ("宏观经济周报", RiskLevel.R1),
        ("债券市场月报", RiskLevel.R2),
        ("计算机行业事件点评", RiskLevel.R3),
        ("创业板半导体设备深度报告", RiskLevel.R4),
        ("腾讯控股(0700.HK)公司点评", RiskLevel.R4),
        ("宁德时代(300750.SZ)", RiskLevel.R4),
        ("贵州茅台(600519.SH)公司点评", RiskLevel.R3),
        ("商品期货策略", RiskLevel.R5),
        ("港股互联网", RiskLevel.R4),
        ("无法识别的标题", None),
    ],
)
def test_subject_suggestions(subject: str, level: RiskLevel | None) -> None:
    assert suggest_level(subject, Policy()) is level


def test_level_below_subject_is_a_finding() -> None:
    assert level_below_subject(RiskLevel.R3, RiskLevel.R4)
    assert not level_below_subject(RiskLevel.R4, RiskLevel.R3)
    assert not level_below_subject(None, RiskLevel.R4)
    assert not level_below_subject(RiskLevel.R3, None)
