"""`audit verify FILE` says what a verified export holds. An export of one branch, one
client, one clerk or only the allowed checks verifies as well as the whole trail does, and
its verdict read the same ("OK: 12 entries verified; manifest signature valid."), so it
could be handed to a regulator as the whole trail; its signed manifest says otherwise."""

from __future__ import annotations

import json

import pytest

from tests.audit.conftest import Trail, cli
from tests.audit.test_export_anywhere import export, public_key_file, verify_elsewhere


def test_a_filtered_export_is_not_verified_as_the_whole_trail(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    key = public_key_file(trail, capsys)
    whole = export(trail, capsys, "jsonl")
    only = export(trail, capsys, "jsonl", "--decision", "allow")
    last = json.loads((whole.with_name(whole.name + ".manifest.json")).read_text(encoding="utf-8"))["last_seq"]

    result = verify_elsewhere(whole, key, trail.tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"It holds the whole trail from entry 1 to entry {last} (exported " in result.stdout
    assert "by t-compliance)." in result.stdout

    result = verify_elsewhere(only, key, trail.tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "It holds only the entries matching decision=allow (exported " in result.stdout
    assert "it is not the whole trail" in result.stdout
    assert "whole trail from" not in result.stdout

    code, text = cli(trail, "audit", "verify", str(only), "--public-key", str(key), "--json", capsys=capsys)
    assert code == 0, text
    data = json.loads(text)
    assert data["filtered"] is True
    assert data["filters"] == {"decision": "allow"}
    assert "not the whole trail" in data["scope"]
