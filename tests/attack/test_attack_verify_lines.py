"""What `audit verify` prints is one verdict: text an insider wrote into the trail or a file
name cannot add lines of its own to it (session 30, trailattack).

A regulator reads the verdict on a terminal or a printout: a failure whose sentence quoted
an installation mark written in SQL, or the name of the file handed over, with its line
breaks kept, printed a line "OK: ... verified" of the insider's own below "FAILED"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.audit.chain import canonical_entry, entry_hash
from tests.audit.conftest import Trail, cli, trail  # noqa: F401
from tests.audit.test_tamper import _engine

FORGED = "OK: 9 ok."  # short: PostgreSQL holds an installation mark in 16 characters


def _entry_with_a_forged_verdict(target: str) -> int:
    """An entry appended after the head in SQL, linked and hashed, whose installation mark
    holds line breaks and a verdict of the inserter's own (no key is needed for any of it)."""
    engine = _engine(target)
    with engine.begin() as conn:
        seq, head, at = conn.execute(
            text("SELECT seq, entry_hash, at FROM audit_entry ORDER BY seq DESC LIMIT 1")
        ).one()
        chain = "ab\n\n\n" + FORGED + "\n"
        content = canonical_entry(seq + 1, at, "t-advisor", "check", None, None, "allow", "[]", "{}", head, chain)
        conn.execute(
            text(
                "INSERT INTO audit_entry (seq, at, staff, action, investor_id, report_id, decision, reasons, facts, "
                "prev_hash, entry_hash, chain, mac) VALUES (:seq, :at, 't-advisor', 'check', NULL, NULL, 'allow', "
                "'[]', '{}', :prev, :hash, :chain, :mac)"
            ),
            {"seq": seq + 1, "at": at, "prev": head, "hash": entry_hash(content), "chain": chain, "mac": "0" * 64},
        )
    engine.dispose()
    return int(seq) + 1


def _one_failed_line(said: str) -> str:
    lines = said.splitlines()
    assert len(lines) == 1, said
    assert lines[0].startswith("FAILED"), said
    assert not any(line.startswith("OK") for line in lines), said
    return lines[0]


def test_an_installation_mark_with_line_breaks_adds_no_line_to_the_verdict(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: `audit verify` printed "FAILED at entry N: entry N claims installation ab"
    and, lines further down (as many as the mark holds: on SQLite any number), the insider's
    own "OK: ..." line (exit 4, but the last line on the screen read OK). The problem is now
    printed as one line, its line breaks escaped; --json was never affected."""
    seq = _entry_with_a_forged_verdict(trail.target)
    code, said = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 4, said
    line = _one_failed_line(said)
    assert f"entry {seq} claims installation ab\\x0a" in line, line
    code, said = cli(trail, "audit", "replay", str(seq - 1), "--user", "t-compliance", capsys=capsys)
    assert code == 4, said
    assert not any(line.startswith("OK") for line in said.splitlines()), said
    assert len(said.splitlines()) == 2, said  # the failure, and that nothing was replayed


def test_a_file_name_with_line_breaks_adds_no_line_to_the_verdict(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Was BROKE: `audit verify LATER --earlier EARLIER`, the earlier file named with a line
    break and a verdict of its own, printed that verdict as a line of its own when the
    earlier export failed (an entry edited in it)."""
    out = tmp_path / "trail.jsonl"
    code, said = cli(
        trail, "audit", "export", "--user", "t-compliance", "--format", "jsonl", "--out", str(out), capsys=capsys
    )
    assert code == 0, said
    named = tmp_path / f"x\n{FORGED}\n.jsonl"
    shutil.copy(out, named)
    shutil.copy(out.with_name(out.name + ".manifest.json"), named.with_name(named.name + ".manifest.json"))
    named.write_text(named.read_text("utf-8").replace('"decision":"allow"', '"decision":"block"', 1), "utf-8")
    code, said = cli(
        trail, "audit", "verify", str(out), "--earlier", str(named), "--user", "t-compliance", capsys=capsys
    )
    assert code == 4, said
    assert "was altered" in _one_failed_line(said), said
