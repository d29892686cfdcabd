"""MacMany is only a faster way to hmac.digest(key, message, "sha256")."""

from __future__ import annotations

import hmac

from hypothesis import given
from hypothesis import strategies as st

from suitcheck.audit.rowmac import MacMany


@given(key=st.binary(min_size=0, max_size=200), messages=st.lists(st.binary(max_size=300), max_size=5))
def test_mac_many_is_hmac_sha256(key: bytes, messages: list[bytes]) -> None:
    """Keys shorter than, equal to and longer than SHA-256's 64-byte block; any message."""
    assert list(MacMany(key).hex(messages)) == [hmac.digest(key, m, "sha256").hex() for m in messages]


def test_mac_many_at_the_block_edges() -> None:
    for size in (0, 1, 31, 32, 63, 64, 65, 128):
        key = bytes(i % 251 for i in range(size))
        message = b"x" * size
        assert next(MacMany(key).hex([message])) == hmac.digest(key, message, "sha256").hex()
