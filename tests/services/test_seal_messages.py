"""A row's seal message read in one call (integrity._sealed_values, for the rows a check
reads) is the message the column-by-column reading gives, for any values a row can hold."""

from __future__ import annotations

import collections
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.services.integrity import (
    BRANCH_ERA_INVESTOR_COLUMNS,
    INVESTOR_COLUMNS,
    LEGACY_INVESTOR_COLUMNS,
    LEGACY_STAFF_COLUMNS,
    STAFF_COLUMNS,
    UnreadableRecordError,
    _message,
)

# What a column can hand back: what suitcheck writes, and what an edit in SQL can leave.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(dt.UTC))),
)
KINDS = [
    ("investor", INVESTOR_COLUMNS),
    ("staff", STAFF_COLUMNS),
    ("investor", LEGACY_INVESTOR_COLUMNS),
    ("investor", BRANCH_ERA_INVESTOR_COLUMNS),
    ("staff", LEGACY_STAFF_COLUMNS),
]


def _either(kind: str, columns: tuple[str, ...], values: Any) -> str:
    try:
        return _message(kind, columns, values)
    except UnreadableRecordError:
        return "unreadable"


@pytest.mark.parametrize(("kind", "columns"), KINDS)
@given(data=st.data())
def test_a_row_read_in_one_call_gives_the_same_message(kind: str, columns: tuple[str, ...], data: Any) -> None:
    values = data.draw(st.lists(VALUES, min_size=len(columns), max_size=len(columns)))
    row_type = collections.namedtuple("Row", [*columns, "integrity"])  # type: ignore[misc]
    row = row_type._make([*values, "seal"])
    # A mapping is read column by column (values.get): the reading every message had.
    assert _either(kind, columns, row) == _either(kind, columns, dict(zip(columns, values, strict=True)))


def test_a_row_without_a_column_reads_it_as_none() -> None:
    """An object lacking a sealed column (no attribute at all) is read as before: None."""
    row = collections.namedtuple("Row", STAFF_COLUMNS[:-1])(*(["x"] * (len(STAFF_COLUMNS) - 1)))
    expected = dict(zip(STAFF_COLUMNS, [*(["x"] * (len(STAFF_COLUMNS) - 1)), None], strict=True))
    assert _message("staff", STAFF_COLUMNS, row) == _message("staff", STAFF_COLUMNS, expected)
