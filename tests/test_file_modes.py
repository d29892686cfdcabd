"""Everything suitcheck writes to disk is the owner's alone: files 0600, folders 0700 on
POSIX, whatever the umask (the store holds full ID numbers and password hashes)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.domain.roles import Role
from suitcheck.privatefs import narrow_private, open_private, private_dir, touch_private
from tests.conftest import FAST_HASHER, Clock, make_services, staff

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows uses the profile's ACL (README)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual desktop umask (022) would give 0644/0755 to anything not made private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_store_wal_and_shm_are_private(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "new" / "deeper" / "store.db"
    services = make_services(str(db), clock)
    try:
        staff(services, Role.ADVISOR)  # writes: the WAL and shared-memory files exist now
        with services.store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        wal, shm = db.with_name("store.db-wal"), db.with_name("store.db-shm")
        assert wal.exists()
        assert shm.exists()
        assert {p.name: mode(p) for p in (db, wal, shm)} == {p.name: 0o600 for p in (db, wal, shm)}
        assert mode(db.parent) == 0o700
        assert mode(db.parent.parent) == 0o700
    finally:
        services.close()


def test_a_store_restored_world_readable_is_narrowed_with_its_wal(tmp_path: Path, clock: Clock) -> None:
    """A store copied back from a backup under umask 022 is 0644, and SQLite gives the
    -wal and -shm files it makes the store's mode: all three readable by every local user
    until suitcheck narrows the store it opens (its owner's bits kept)."""
    db = tmp_path / "store.db"
    make_services(str(db), clock).close()
    os.chmod(db, 0o644)  # as `cp backup.db store.db` leaves it
    services = make_services(str(db), clock)
    try:
        staff(services, Role.ADVISOR)  # writes: the WAL and shared-memory files exist now
        wal, shm = db.with_name("store.db-wal"), db.with_name("store.db-shm")
        assert {p.name: mode(p) for p in (db, wal, shm)} == {p.name: 0o600 for p in (db, wal, shm)}
    finally:
        services.close()
    os.chmod(db, 0o444)  # one made read-only on purpose stays read-only (and private)
    narrow_private(db)
    assert mode(db) == 0o400


def test_existing_folders_are_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    private_dir(shared / "mine")
    assert mode(shared) == 0o755
    assert mode(shared / "mine") == 0o700


def test_log_files_are_private_after_rollover(isolated_env: Path) -> None:
    from suitcheck.logs import setup_logging

    path = setup_logging()
    assert path is not None
    root = logging.getLogger()
    try:
        logging.getLogger("suitcheck.test").warning("first line")
        handler = root.handlers[0]
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()
        logging.getLogger("suitcheck.test").warning("after rollover")
        assert mode(path.parent) == 0o700
        assert mode(path) == 0o600
        assert mode(path.with_name(path.name + ".1")) == 0o600
    finally:
        for h in root.handlers:
            h.close()
        root.handlers = []


def test_logs_an_older_build_left_world_readable_are_narrowed(isolated_env: Path) -> None:
    """Was BROKE: an older build wrote its logs under the umask (0644), and they may hold
    what it logged in full (an ID number in a failed statement's message). The live log
    was narrowed when opened, but its rotated copies (suitcheck.log.1 ... .5) stayed
    world-readable after the upgrade, until five rollovers pushed them out."""
    from suitcheck.logs import log_path, setup_logging

    old = log_path()
    old.parent.mkdir(parents=True, exist_ok=True)
    kept = [old, *(old.with_name(f"{old.name}.{n}") for n in range(1, 6))]
    for file in kept:
        file.write_text("2026-11-30 older build's log\n")
        file.chmod(0o644)
    other = old.with_name("notes.txt")  # not a log of ours: left as it is
    other.write_text("x")
    other.chmod(0o644)
    path = setup_logging()
    try:
        assert path == old
        assert {f.name: mode(f) for f in kept} == {f.name: 0o600 for f in kept}
        assert mode(other) == 0o644
    finally:
        root = logging.getLogger()
        for h in root.handlers:
            h.close()
        root.handlers = []


def test_audit_key_and_its_folder_are_private(tmp_path: Path, clock: Clock) -> None:
    from suitcheck.services import open_services

    key = tmp_path / "config" / "suitcheck" / "audit.key"
    open_services(tmp_path / "s.db", clock=clock, audit_key_path=key, init=True).close()
    assert mode(key) == 0o600
    assert mode(key.parent) == 0o700
    assert mode(key.parent.parent) == 0o700
    beside = list(key.parent.iterdir())
    assert len(beside) >= 3  # the keyring, its head record and its lock file
    assert all(mode(path) == 0o600 for path in beside), [(p.name, oct(mode(p))) for p in beside]


def test_an_audit_key_put_back_world_readable_is_narrowed(tmp_path: Path, clock: Clock) -> None:
    """The README has the keys backed up apart from the store; one copied back under umask
    022 is 0644, the installation's signing key readable by every local user, until the
    desk narrows the keyring and its head record when it reads them."""
    from suitcheck.services import open_services

    key = tmp_path / "config" / "suitcheck" / "audit.key"
    open_services(tmp_path / "s.db", clock=clock, audit_key_path=key, init=True).close()
    beside = [p for p in key.parent.iterdir() if p.name != "audit.key.lock"]  # the lock holds nothing
    assert len(beside) >= 2  # the keyring and its head record
    for path in beside:
        os.chmod(path, 0o644)  # as `cp -p backup/audit.key* ~/.config/suitcheck/` leaves them
    services = open_services(tmp_path / "s.db", clock=clock, audit_key_path=key, hasher=FAST_HASHER)
    try:
        staff(services, Role.ADVISOR)  # an entry appended, sealed with the key, its head written
    finally:
        services.close()
    assert {p.name: mode(p) for p in beside} == {p.name: 0o600 for p in beside}


def test_audit_exports_and_manifests_are_private(sqlite_services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    for fmt in ("csv", "xlsx", "jsonl"):
        out = tmp_path / f"trail.{fmt}"
        sqlite_services.audit.export(compliance, out, fmt)
        assert mode(out) == 0o600, fmt
        assert mode(out.with_name(out.name + ".manifest.json")) == 0o600, fmt


def test_distribution_list_csv_is_private(tmp_path: Path) -> None:
    from tests.cli.test_cli import run

    db = tmp_path / "demo.db"
    assert run("seed-demo", db=db, password=None).returncode == 0
    out = tmp_path / "list.csv"
    out.write_text("an older, world-readable file\n")
    os.chmod(out, 0o644)
    result = run("eligible", "--report", "1", "--out", str(out), "--user", "demo-advisor", db=db)
    assert result.returncode == 0, result.stderr
    assert mode(out) == 0o600
    assert out.read_text(encoding="utf-8-sig").startswith("id,account")


def test_helpers_ignore_a_zero_umask(tmp_path: Path) -> None:
    os.umask(0)
    touch_private(tmp_path / "a" / "f")
    with open_private(tmp_path / "g", "a", encoding="utf-8") as handle:
        handle.write("x")
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "f") == 0o600
    assert mode(tmp_path / "g") == 0o600


def test_desk_settings_file_and_folder_are_private(tmp_path: Path) -> None:
    """Qt writes the settings (and makes their folder, the audit key's too) under the
    umask: 0644 and 0755 unless the desk makes them private before it writes."""
    from PySide6.QtCore import QSettings

    from suitcheck.gui.app import private_settings

    path = tmp_path / "config" / "suitcheck" / "suitcheck.conf"
    settings = private_settings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.setValue("ui/language", "zh_CN")
    settings.sync()
    assert settings.status() == QSettings.Status.NoError
    assert {p.name: mode(p) for p in (path, path.parent, path.parent.parent)} == {
        "suitcheck.conf": 0o600,
        "suitcheck": 0o700,
        "config": 0o700,
    }
    settings.setValue("ui/language", "en")  # a rewrite keeps the mode (Qt replaces the file)
    settings.sync()
    assert mode(path) == 0o600
    assert QSettings(str(path), QSettings.Format.IniFormat).value("ui/language") == "en"
