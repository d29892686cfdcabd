"""The cached 18-character check accepts and refuses exactly what python-stdnum does."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from suitcheck.domain.identity import _validate_18, birth_date

AREAS = ["110105", "110101", "310104", "440305", "510107", "999999", "110199", "110100", "310000", "000000"]


def _outcome(check, number: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return str(check(number))
    except KeyError:  # python-stdnum's own failure on county-less areas counts as a refusal
        return "InvalidComponent"
    except stdnum_errors.ValidationError as exc:
        return type(exc).__name__


numbers = st.builds(
    lambda area, year, month, day, seq, good, check: (
        body := f"{area}{year:04d}{month:02d}{day:02d}{seq:03d}",
        body + (ric.calc_check_digit(body + "0") if good else check),
    )[1],
    st.sampled_from(AREAS),
    st.integers(1880, 2040),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 999),
    st.booleans(),
    st.sampled_from("0123456789X"),
)


@settings(max_examples=500)
@given(numbers)
def test_same_verdict_as_stdnum(number: str) -> None:
    assert _outcome(_validate_18, number) == _outcome(ric.validate, number)


def test_birth_date_as_stdnum() -> None:
    body = "11010519840229123"
    number = body + ric.calc_check_digit(body + "0")
    assert birth_date(number) == ric.get_birth_date(number) == dt.date(1984, 2, 29)
