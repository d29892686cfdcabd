"""`suitcheck audit replay`: what it prints and its exit codes (0 every entry reproduced,
4 a decision differs or the trail fails verification, 1 not a decision or not replayable,
2 bad input), on the audit tests' sealed trail and on a store written by release 0.1.0."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from suitcheck.cli import main
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.roles import Role
from tests.audit.conftest import Trail, cli
from tests.audit.test_tamper import raw, read_rows
from tests.conftest import Clock, make_services, staff

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "release-0.1.0"


def replay(trail: Trail, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        return cli(trail, "audit", "replay", "--user", "t-compliance", *args, capsys=capsys)
    except SystemExit as usage:  # argparse's own refusal, as the console script exits
        return int(str(usage.code)), capsys.readouterr().err.strip()


def checks(trail: Trail) -> list[int]:
    return [r["seq"] for r in read_rows(trail.target) if r["action"] == "check"]


def test_checks_reproduce(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    first, second, *_ = checks(trail)
    code, out = replay(trail, capsys, str(first), str(second))
    assert code == 0, out
    assert out.startswith("Trail verified: ")
    assert f"entry {first} check, client 1 / report {trail.report}: reproduced under policy version 1: " in out
    assert out.endswith("2 reproduced, 0 differ, 0 not a decision, 0 cannot be replayed.")
    code, out = replay(trail, capsys, "--since", "2026-01-01", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["ok"] is True
    assert [e["seq"] for e in data["entries"]] == checks(trail)
    assert data["entries"][0]["replayed"] == data["entries"][0]["recorded"]


def test_bad_input_is_one_sentence(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    for args, sentence in [
        (("99999",), "There is no audit entry 99999."),
        (("5", "--since", "2026-01-01"), "Replay either entries by number or a period (--since/--until), not both."),
        ((), "Name the entries to replay by number, or a period (--since/--until)."),
        (("five",), "'five' is not an audit entry number"),
        (("0",), "'0' is not an audit entry number"),
    ]:
        code, out = replay(trail, capsys, *args)
        assert code == 2, (args, out)
        assert sentence in out
        assert "Traceback" not in out
        assert len(out.splitlines()) == 1


def test_an_entry_that_is_no_decision(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = replay(trail, capsys, "1", str(checks(trail)[0]))
    assert code == 1, out
    registered = "installation-registered"
    assert f"entry 1 {registered}: not a decision (the {registered} entry records no decision)" in out


def test_a_decision_that_does_not_follow_from_its_facts_differs(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sealed entry whose recorded outcome its facts do not give (as a faulty release
    would have written it): it verifies, and the replay says it differs (exit 4)."""
    services = make_services(trail.target, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        (first,) = checks(trail)[:1]
        facts = json.loads(next(r["facts"] for r in read_rows(trail.target) if r["seq"] == first))
        with services.ctx.transaction() as session:
            seq = services.ctx.audit(
                session,
                compliance,
                AuditAction.CHECK,
                investor_id=1,
                report_id=trail.report,
                decision="allow",
                reasons=["profile-covers-level"],
                facts={**facts, "profile": "C2"},
            ).seq
    finally:
        services.close()
    code, out = replay(trail, capsys, str(seq))
    assert code == 4, out
    head = f"entry {seq} check, client 1 / report {trail.report}: "
    assert head + "DIFFERS under policy version 1 (decision, reasons)" in out
    assert "    recorded: allow (profile-covers-level)\n    replayed: block (profile-below-level)" in out


def test_an_edited_entry_fails_as_verify_does(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    seq = checks(trail)[3]
    raw(trail.target, f"UPDATE audit_entry SET facts = replace(facts, '\"C3\"', '\"C5\"') WHERE seq = {seq}")
    code, out = replay(trail, capsys, str(seq))
    assert code == 4, out
    assert out.startswith(f"FAILED at entry {seq}: entry {seq} was altered")
    assert "Nothing was replayed" in out
    assert "reproduced" not in out


def test_an_edited_policy_version_fails(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(trail.target, "UPDATE policy SET document = replace(document, '\"warning_days\": 30', '\"warning_days\": 31')")
    seq = checks(trail)[0]
    code, out = replay(trail, capsys, str(seq))
    assert code == 4, out
    assert (
        "cannot be replayed (FAILED verification): policy version 1 was changed outside suitcheck "
        "(its seal does not match) or is damaged"
    ) in out


def test_entries_of_an_older_release_cannot_be_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Release 0.1.0 recorded neither the stated level nor the lowest category: its two
    checks are not replayed, and the replay says why (exit 1, not a failure)."""
    db, key = tmp_path / "suitcheck.db", tmp_path / "audit.key"
    shutil.copy(FIXTURE / "suitcheck.db", db)
    shutil.copy(FIXTURE / "audit.key", key)
    key.chmod(0o600)
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key))
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    capsys.readouterr()
    code = main(["--db", str(db), "--user", "demo-compliance", "audit", "replay", "33", "34"])
    out = capsys.readouterr().out
    assert code == 1, out
    for seq in (33, 34):
        assert (
            f"entry {seq} check, client 3 / report {1 if seq == 33 else 3}: cannot be replayed: the entry records "
            "no stated_level, lowest_category (written by an older release, which did not record them)"
        ) in out


def test_a_store_upgraded_from_an_older_release_replays_its_new_decisions_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 0.1.0 store upgraded in place: checks made now, on the client and report of its
    old entry 34 and on its client born in 1950, record every fact decide used (the age
    reached, not the birth date) and reproduce with nothing taken as recorded; the old
    entries still cannot be replayed and say why."""
    db, key = tmp_path / "suitcheck.db", tmp_path / "audit.key"
    shutil.copy(FIXTURE / "suitcheck.db", db)
    shutil.copy(FIXTURE / "audit.key", key)
    key.chmod(0o600)
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key))
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    base = ["--db", str(db), "--user", "demo-compliance"]
    seqs = []
    for client in ("3", "880009"):
        assert main([*base, "--json", "check", "--investor", client, "--report", "3"]) in (0, 3)
        seqs.append(json.loads(capsys.readouterr().out)["audit_id"])
    code = main([*base, "--json", "audit", "replay", "--since", "2000-01-01"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # the old entries cannot be replayed; nothing differs
    by_seq = {e["seq"]: e for e in data["entries"]}
    assert {by_seq[s]["verdict"] for s in (33, 34)} == {"cannot-be-replayed"}
    for seq in seqs:
        new = by_seq[seq]
        assert (new["verdict"], new["taken_as_recorded"]) == ("reproduced", [])
        assert new["replayed"] == new["recorded"]
    assert "special-attention-age" in by_seq[seqs[1]]["recorded"]["reasons"]
    assert data["counts"]["differs"] == 0
    with sqlite3.connect(db) as conn:
        (facts,) = conn.execute("SELECT facts FROM audit_entry WHERE seq = ?", (seqs[1],)).fetchone()
    assert json.loads(facts)["special_attention_age_reached"] is True
    assert "1950" not in facts
