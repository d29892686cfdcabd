"""Attack: a careless administrator edits the desk's keyring by hand (session 13, attack13-admin).

`audit.key` is JSON; an administrator opens it in an editor and breaks one store's entry. A
file cut short or not JSON at all was "damaged"; one whose entry was damaged inside said
"unexpected error (ValueError)" (the GUI the same). Each is one sentence naming the damaged
key file, nothing is recorded, and the file put back works as before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.attack.test_attack_admin_keyring import _check, _entries, _one_sentence
from tests.audit.conftest import Trail, cli, trail  # noqa: F401


def _damaged(ring: dict[str, Any], sid: str, how: str) -> dict[str, Any]:
    inst = ring["stores"][sid]
    if how == "secret":
        inst["secret"] = "not hex"
    elif how == "field-missing":
        del inst["row_secret"]
    elif how == "not-an-object":
        ring["stores"][sid] = 5
    elif how == "pending":
        inst["pending"] = [["x"]]
    elif how == "epoch":
        inst["epoch"] = "three"
    return ring


@pytest.mark.parametrize("how", ["secret", "field-missing", "not-an-object", "pending", "epoch"])
def test_a_keyring_edited_by_hand_is_damaged_not_an_unexpected_error(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    """An administrator opens audit.key in an editor and breaks one store's entry (a value
    cut, a line deleted). Every command said "unexpected error (ValueError)", the GUI the
    same; it is a damaged key file, said as such, and nothing is recorded."""
    body = json.loads(trail.key_path.read_text())
    sid = next(iter(body["stores"]))
    good = trail.key_path.read_bytes()
    trail.key_path.write_text(json.dumps(_damaged(body, sid, how)))
    before = _entries(trail.target)
    code, out = _check(trail, capsys)
    assert code == 1, out
    _one_sentence(out)
    assert "unexpected error" not in out, out
    assert f"The audit key {trail.key_path} is damaged" in out, out
    assert _entries(trail.target) == before
    trail.key_path.write_bytes(good)
    assert _check(trail, capsys)[0] == 0
