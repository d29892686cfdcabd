"""one_shot_json is only a faster way to an encoder's encode(): the same text for any value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.audit.chain import _CANONICAL, canonical_json
from suitcheck.audit.jsonwriter import one_shot_json
from suitcheck.services.integrity import _ROW_JSON

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
)
ENCODERS = {
    "canonical": _CANONICAL,
    "json.dumps": json.JSONEncoder(),
    "row": _ROW_JSON,
}


def _text(encode: Any, value: Any) -> str:
    try:
        return str(encode(value))
    except (TypeError, ValueError) as exc:
        return f"refused: {type(exc).__name__}"


@pytest.mark.parametrize("name", ENCODERS)
@given(value=VALUES)
def test_the_same_text_as_encode(name: str, value: Any) -> None:
    encoder = ENCODERS[name]
    assert _text(one_shot_json(encoder), value) == _text(encoder.encode, value)


def test_the_row_writer_writes_a_date_as_its_iso_text_and_refuses_bytes() -> None:
    write = one_shot_json(_ROW_JSON)
    assert (
        write(["x", dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4)]) == '["x","2024-01-02","2024-01-02T03:04:00"]'
    )
    with pytest.raises(TypeError):
        write(["x", b"bytes"])


def test_canonical_json_is_written_by_the_one_made_once() -> None:
    """Where json has its C encoder (CPython), canonical_json does not make it per call."""
    from suitcheck.audit import chain

    assert chain._canonical is not _CANONICAL.encode
    assert canonical_json({"b": [1, 2.5, None], "a": "é"}) == '{"a":"é","b":[1,2.5,null]}'


def test_a_value_that_contains_itself_is_never_written() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises((RecursionError, ValueError)):
        canonical_json(loop)
