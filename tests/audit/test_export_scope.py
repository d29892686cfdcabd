"""`audit verify FILE` says what a verified export holds. An export of one branch, one
client, one clerk or only the allowed checks verifies as well as the whole trail does, and
its verdict read the same ("OK: 12 entries verified; manifest signature valid."), so it
could be handed to a regulator as the whole trail; its signed manifest says otherwise."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.audit.conftest import Trail, cli
from tests.audit.test_export_anywhere import export, public_key_file, verify_elsewhere
from tests.conftest import Clock


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


def test_a_dated_export_says_which_instants_its_days_are(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """--since/--until are the firm's days (Beijing, UTC+8): the signed manifest and the
    verdict name the UTC instants they select, so a reader elsewhere does not take them
    for UTC days (a day's first eight hours of UTC belong to the next Beijing day)."""
    key = public_key_file(trail, capsys)
    day = (clock.now.astimezone(dt.UTC) + dt.timedelta(hours=8)).date()  # Beijing's date now
    dated = export(trail, capsys, "jsonl", "--since", day.isoformat(), "--until", day.isoformat())
    manifest = json.loads((dated.with_name(dated.name + ".manifest.json")).read_text(encoding="utf-8"))
    start = dt.datetime.combine(day, dt.time(), dt.UTC) - dt.timedelta(hours=8)
    end = start + dt.timedelta(days=1)
    stamp = "%Y-%m-%dT%H:%M:%S.%fZ"
    assert manifest["filters"]["period_utc"] == f"from {start:{stamp}} before {end:{stamp}}"
    assert manifest["filters"]["since"] == manifest["filters"]["until"] == day.isoformat()
    result = verify_elsewhere(dated, key, trail.tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"period_utc=from {start:{stamp}} before {end:{stamp}}" in result.stdout

    since_only = export(trail, capsys, "jsonl", "--since", day.isoformat())
    manifest = json.loads((since_only.with_name(since_only.name + ".manifest.json")).read_text(encoding="utf-8"))
    assert manifest["filters"]["period_utc"] == f"from {start:{stamp}} to the last entry"
    whole = export(trail, capsys, "jsonl")
    manifest = json.loads((whole.with_name(whole.name + ".manifest.json")).read_text(encoding="utf-8"))
    assert "period_utc" not in manifest["filters"]
