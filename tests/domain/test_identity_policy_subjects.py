"""ID numbers, policy documents and the subject table."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.identity import (
    InvalidIdNumberError,
    birth_date,
    legacy_form,
    mask_id_number,
    normalize_id_number,
    shown_reference,
    stored_number_problem,
)
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy, PolicyError
from suitcheck.domain.subjects import level_below_subject, suggest_level
from suitcheck.services.demo import make_id_number

VALID = make_id_number("110105", dt.date(1949, 12, 31), 2)


def test_valid_number_normalises_and_gives_birth_date() -> None:
    assert normalize_id_number(VALID.lower()) == VALID
    assert birth_date(VALID) == dt.date(1949, 12, 31)


def test_a_stored_number_is_one_suitcheck_writes_with_the_records_birth_date() -> None:
    """What `audit settle` seals of an ID number corrected outside suitcheck."""
    born, today = dt.date(1949, 12, 31), dt.date(2026, 6, 1)
    legacy = legacy_form(VALID)
    assert legacy is not None
    assert stored_number_problem(VALID, born, today) is None
    assert stored_number_problem(legacy, born, today) is None  # the same person's 15-digit form
    for odd in (VALID.lower() if VALID.endswith("X") else f" {VALID}", f"{VALID} ", VALID[:-1] + "?", "1234", ""):
        assert stored_number_problem(odd, born, today) == "form", odd
    assert stored_number_problem(VALID, dt.date(1979, 12, 31), today) == "birth-date"
    assert stored_number_problem(VALID, None, today) == "birth-date"
    assert stored_number_problem(VALID, born, dt.date(1940, 1, 1)) == "form"  # born after `today`


def test_bad_check_character_is_refused() -> None:
    wrong = VALID[:-1] + ("1" if VALID[-1] != "1" else "2")
    with pytest.raises(InvalidIdNumberError, match="check character"):
        normalize_id_number(wrong)


@pytest.mark.parametrize("text", ["", "123", "11010519491331002X", "abcdefghijklmnopqr", "1101054913310020"])
def test_malformed_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidIdNumberError):
        normalize_id_number(text)


def test_legacy_fifteen_digit_form_is_the_same_person_as_the_eighteen() -> None:
    eighteen = make_id_number("110105", dt.date(1949, 12, 31), 2)
    assert normalize_id_number("110105491231002") == eighteen
    assert legacy_form(eighteen) == "110105491231002"
    assert birth_date("110105491231002") == dt.date(1949, 12, 31)
    with pytest.raises(InvalidIdNumberError):
        normalize_id_number("110105491331002")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (make_id_number("999999", dt.date(1980, 1, 1), 1), "area code"),  # no such area
        ("999999800101001", "area code"),  # the 15-digit form too
        (make_id_number("110105", dt.date(1899, 12, 31), 1), "impossible"),  # before 1900
        (make_id_number("110105", dt.date(2026, 6, 16), 1), "impossible"),  # born tomorrow
        ("11010519491231002" + "²", "17 digits and a check character"),  # a superscript is not a digit
        ("¹¹0105194912310021", "17 digits"),
    ],
)
def test_impossible_id_numbers_are_refused(text: str, why: str) -> None:
    with pytest.raises(InvalidIdNumberError, match=why):
        normalize_id_number(text, today=dt.date(2026, 6, 15))


def test_full_width_digits_are_read() -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in VALID)
    assert normalize_id_number(wide) == VALID


def test_masking_hides_the_birth_date() -> None:
    masked = mask_id_number(VALID)
    assert masked == VALID[:6] + "********" + VALID[-4:]
    assert "19491231" not in str(masked)
    # The legacy form: area, yymmdd, sequence; its whole birth date hidden, the day's last
    # digit too (it was shown as the first of the last four characters).
    legacy = "110105491231002"
    assert mask_id_number(legacy) == "110105******002"
    assert birth_date(legacy) == dt.date(1949, 12, 31)
    assert mask_id_number(None) is None


def test_a_typed_reference_that_is_an_id_number_is_echoed_masked() -> None:
    legacy = legacy_form(VALID)
    assert legacy is not None
    wrong_check = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")  # one character off: still theirs
    full_width = VALID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    for typed in (VALID, f" {VALID} ", VALID.lower(), wrong_check, legacy, full_width):
        shown = shown_reference(typed)
        assert shown.startswith(VALID[:6]), typed
        assert "*" in shown, typed
        assert VALID[6:14] not in shown, typed
        assert legacy[6:12] not in shown, typed
    # Anything else is echoed as typed: accounts, record ids, a 15-digit number with no valid date.
    for typed in ("880001", "#12", "acct:A1", "12345678901234567", "999999999999999", "客户甲"):
        assert shown_reference(typed) == typed


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


def test_a_below_subject_finding_names_the_pair_in_force() -> None:
    from suitcheck.domain.subjects import below_subject_finding

    r3, r4, r5 = RiskLevel.R3, RiskLevel.R4, RiskLevel.R5
    assert below_subject_finding(None, r3, r4) == (False, True)  # newly below: opened
    assert below_subject_finding((r3, r4), r3, r4) == (False, False)  # the same pair: kept
    assert below_subject_finding((r3, r4), r3, r5) == (True, True)  # subject raised further: renewed
    assert below_subject_finding((r3, r5), r4, r5) == (True, True)  # rated again, still below: renewed
    assert below_subject_finding((r3, r4), r3, r3) == (True, False)  # no longer below: settled
    assert below_subject_finding((r3, r4), r3, None) == (True, False)
    assert below_subject_finding(None, None, r5) == (False, False)  # unrated: nothing to flag
    assert below_subject_finding(None, r4, r4) == (False, False)
