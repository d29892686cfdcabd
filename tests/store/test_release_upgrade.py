"""A store written by the previous release (0.1.0) opens in this version: migrated in
place, nothing lost, and the audit chain it wrote still verifies.

The fixture in tests/data/release-0.1.0/ was made by the released code itself (commit
af9a6fc, see its README); the frozen build runs the same check in packaging/smoke_test.py.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from suitcheck import cli
from suitcheck.store.engine import create_store_engine, current_revision, head_revision, resolve_url

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "release-0.1.0"


def _copy_fixture(tmp_path: Path) -> tuple[Path, Path]:
    db, key = tmp_path / "suitcheck.db", tmp_path / "audit.key"
    shutil.copy(FIXTURE / "suitcheck.db", db)
    shutil.copy(FIXTURE / "audit.key", key)
    key.chmod(0o600)
    return db, key


def _cli(db: Path, key: Path, tmp_path: Path, *args: str, user: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SUITCHECK_AUDIT_KEY": str(key),
        "SUITCHECK_LOG_DIR": str(tmp_path / "log"),
        "SUITCHECK_PASSWORD": "demo",
    }
    return subprocess.run(
        [sys.executable, "-m", "suitcheck", "--db", str(db), "--user", user, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_fixture_is_the_previous_release_schema() -> None:
    """Guards the fixture itself: it must stay a 0.1.0 store, never be re-saved by newer code."""
    manifest = json.loads((FIXTURE / "manifest.json").read_text())
    conn = sqlite3.connect(f"file:{FIXTURE / 'suitcheck.db'}?mode=ro", uri=True)
    try:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        (entries,) = conn.execute("SELECT count(*) FROM audit_entry").fetchone()
    finally:
        conn.close()
    assert revision == manifest["alembic_revision"] == "0004"
    assert entries == manifest["audit_entry_rows"]


def test_previous_release_store_upgrades_in_place_with_data_and_chain_intact(tmp_path: Path) -> None:
    manifest = json.loads((FIXTURE / "manifest.json").read_text())
    db, key = _copy_fixture(tmp_path)

    clients = _cli(db, key, tmp_path, "--json", "investor", "list", user="demo-advisor")
    assert clients.returncode == 0, clients.stderr
    assert len(json.loads(clients.stdout)) == manifest["investor_rows"]

    engine = create_store_engine(resolve_url(str(db)))
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()

    reports = _cli(db, key, tmp_path, "--json", "report", "list", user="demo-advisor")
    assert reports.returncode == 0, reports.stderr
    assert len(json.loads(reports.stdout)) == manifest["report_rows"]

    verified = _cli(db, key, tmp_path, "audit", "verify", user="demo-compliance")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    conn = sqlite3.connect(db)
    try:
        last = manifest["last_entry"]
        row = conn.execute("SELECT entry_hash FROM audit_entry WHERE seq = ?", (last["seq"],)).fetchone()
        (staff,) = conn.execute("SELECT count(*) FROM staff").fetchone()
    finally:
        conn.close()
    assert row is not None, "the old chain's last entry changed"
    assert row[0] == last["entry_hash"], "the old chain's last entry changed"
    assert staff == manifest["staff_rows"]


def test_previous_release_store_tampered_before_upgrade_fails_verification(tmp_path: Path) -> None:
    """The upgrade must not launder an edit made to the old file: verification still fails."""
    db, key = _copy_fixture(tmp_path)
    conn = sqlite3.connect(db)
    with conn:  # an insider with the file: drop the append-only trigger, soften a block
        conn.execute("DROP TRIGGER audit_entry_no_update")
        changed = conn.execute("UPDATE audit_entry SET decision = 'allow' WHERE decision = 'block'").rowcount
    conn.close()
    assert changed >= 1
    verified = _cli(db, key, tmp_path, "audit", "verify", user="demo-compliance")
    # Since the sealed trail (#9) the upgrade verifies the old chain before sealing it, so
    # the store is refused at open (exit 1), naming the altered entry, and never sealed over.
    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert "altered" in verified.stderr, verified.stderr
    assert "not sealed over" in verified.stderr, verified.stderr


def test_init_says_which_schema_it_upgraded_the_store_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Session 29 (installattack): IT installs the new version and runs `suitcheck init` on
    the branch's store: it said "Store ready" whether it had just migrated a 0.1.0 store
    or found it as it was; what was done to a store kept for 20 years was in the log only."""
    db, key = _copy_fixture(tmp_path)
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key))
    capsys.readouterr()
    assert cli.main(["--db", str(db), "init"]) == 0
    out = capsys.readouterr().out
    assert f"Store upgraded from schema 0004 to {head_revision()}" in out, out
    assert cli.main(["--db", str(db), "--json", "init"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_upgraded"] is None
    assert data["store"] == str(db)
