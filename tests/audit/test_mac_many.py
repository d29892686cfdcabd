"""MacMany is only a faster way to hmac.digest(key, message, "sha256")."""

from __future__ import annotations

import hmac
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from suitcheck.audit.rowmac import MacMany


@given(key=st.binary(min_size=0, max_size=200), messages=st.lists(st.binary(max_size=300), max_size=5))
def test_mac_many_is_hmac_sha256(key: bytes, messages: list[bytes]) -> None:
    """Keys shorter than, equal to and longer than SHA-256's 64-byte block; any message."""
    macs = MacMany(key)
    expected = [hmac.digest(key, m, "sha256").hex() for m in messages]
    assert list(macs.hex(messages)) == expected
    assert [macs.one(m) for m in messages] == expected  # one at a time, the same state reused


def test_mac_many_at_the_block_edges() -> None:
    for size in (0, 1, 31, 32, 63, 64, 65, 128):
        key = bytes(i % 251 for i in range(size))
        message = b"x" * size
        assert next(MacMany(key).hex([message])) == hmac.digest(key, message, "sha256").hex()
        assert MacMany(key).one(message) == hmac.digest(key, message, "sha256").hex()


def test_head_record_mac_is_the_head_keys_hmac(tmp_path: Path) -> None:
    """The sealer writes the head record with a MAC from the head key's kept HMAC state:
    the record read_head (and so every later check of the head) accepts."""
    from suitcheck.audit import keys

    head_key = bytes(range(32)).hex()
    path = tmp_path / "k.head"
    mac = MacMany(bytes.fromhex(head_key)).one(keys.head_message("store-1", 7, "ab" * 32))
    assert mac == keys.head_mac(head_key, "store-1", 7, "ab" * 32)
    keys.write_head_record(path, "store-1", 7, "ab" * 32, mac)
    assert keys.read_head(path, head_key, "store-1") == (7, "ab" * 32)
