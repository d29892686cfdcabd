"""Attack: a careless administrator edits the desk's keyring by hand (session 13, attack13-admin).

`audit.key` is JSON; an administrator opens it in an editor and breaks one store's entry. A
file cut short or not JSON at all was "damaged"; one whose entry was damaged inside said
"unexpected error (ValueError)" (the GUI the same). Each is one sentence naming the damaged
key file, nothing is recorded, and the file put back works as before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.audit.conftest import Trail, cli, trail  # noqa: F401


def _entries(target: str) -> int:
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_entry")).scalar_one())
    finally:
        engine.dispose()


def _check(desk: Trail, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return cli(desk, "check", "--investor", "T1", "--report", str(desk.report), "--user", "t-compliance", capsys=capsys)


def _one_sentence(out: str) -> None:
    assert "Traceback" not in out, out
    assert len(out.splitlines()) == 1, out
    assert out.startswith("suitcheck: "), out


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
