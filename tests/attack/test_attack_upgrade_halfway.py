"""Attack: the one-time upgrade of a store written before sealed audit trails is stopped
halfway (Ctrl+C, a power cut, a lost connection): after the new installation key reached
the keyring but before the store committed the registration that seals the old trail, or
after that commit but before the head record beside the key was written or the open
finished. The rule: lose nothing (the old installation's key that checks the old trail's
checkpoints stays until the store holds the registration that seals it), fail closed, and
the next start upgrades or opens the store as if nothing had happened."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine.default import DefaultDialect

from suitcheck import cli as cli_module
from suitcheck import services as services_module
from suitcheck.audit import keys, sealing
from suitcheck.audit.chain import GENESIS_HASH, canonical_entry, entry_hash, utc_stamp
from suitcheck.store.engine import create_store_engine, resolve_url, upgrade
from tests.attack.test_attack_admin_keyring import _interrupt_after_keyring_write
from tests.conftest import FAST_HASHER, PASSWORD

LEGACY_KEY = bytes(range(32))
OLD_ENTRIES = 5
CHECKPOINTS_AT = (2, 4)  # the old version's HMAC checkpoints, under LEGACY_KEY
BEFORE_SEALING = "0006"  # the last revision before sealed audit trails (0007)


def _legacy_store(target: str, key_path: Path) -> None:
    """A store as the version before sealed audit trails left it, on either backend: its
    schema at BEFORE_SEALING, a compliance officer, a client, a hash-chained trail with
    no installation mark or MAC, HMAC checkpoints under the old key, and that key as the
    old version kept it (a bare hex key file)."""
    engine = create_store_engine(resolve_url(target))
    upgrade(engine, BEFORE_SEALING)
    at = dt.datetime(2025, 1, 10, 9, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (id, username, display_name, role, password_hash, disabled, failed_logins, "
                "created_at) VALUES (1, 'old-admin', 'Old', 'compliance', :h, false, 0, :at)"
            ),
            {"h": FAST_HASHER.hash(PASSWORD), "at": at},
        )
        conn.execute(
            text(
                "INSERT INTO investor (id, account, name, investor_class, lowest_category, special_attention, "
                "created_at) VALUES (1, 'A1', '老客户', 'ordinary', false, false, :at)"
            ),
            {"at": at},
        )
        prev = GENESIS_HASH
        for seq in range(1, OLD_ENTRIES + 1):
            stamp = utc_stamp(at.replace(tzinfo=dt.UTC) + dt.timedelta(minutes=seq))
            args = (seq, stamp, "old-admin", "login", None, None, None, "[]", "{}", prev)
            digest = entry_hash(canonical_entry(*args))
            conn.execute(
                text(
                    "INSERT INTO audit_entry (seq, at, staff, action, investor_id, report_id, decision, reasons, "
                    "facts, prev_hash, entry_hash) VALUES (:seq, :at, :staff, :action, :inv, :rep, :dec, :reasons, "
                    ":facts, :prev, :hash)"
                ),
                dict(
                    zip(
                        ("seq", "at", "staff", "action", "inv", "rep", "dec", "reasons", "facts", "prev"),
                        args,
                        strict=True,
                    )
                )
                | {"hash": digest},
            )
            if seq in CHECKPOINTS_AT:
                mac = hmac.new(LEGACY_KEY, f"{seq}:{digest}:{stamp}".encode(), hashlib.sha256).hexdigest()
                conn.execute(
                    text("INSERT INTO audit_checkpoint (seq, entry_hash, at, mac) VALUES (:s, :h, :at, :m)"),
                    {"s": seq, "h": digest, "at": stamp, "m": mac},
                )
            prev = digest
    engine.dispose()
    key_path.write_text(LEGACY_KEY.hex() + "\n")
    key_path.chmod(0o600)


@pytest.fixture
def old_store(store_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    key_path = tmp_path / "config" / "audit.key"
    key_path.parent.mkdir(mode=0o700)
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key_path))
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    _legacy_store(store_target, key_path)
    return store_target, key_path


def _run(target: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli_module.main(["--db", target, "--user", "old-admin", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _rows(target: str) -> list[dict[str, Any]]:
    engine = create_store_engine(resolve_url(target))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT seq, action, facts FROM audit_entry ORDER BY seq")).mappings().all()
    finally:
        engine.dispose()
    return [dict(r) for r in rows]


def _upgrades(target: str) -> list[dict[str, Any]]:
    return [
        json.loads(r["facts"])
        for r in _rows(target)
        if r["action"] == "installation-registered" and json.loads(r["facts"]).get("event") == "upgraded"
    ]


def _legacy_key(key_path: Path) -> bytes | None:
    ring = keys.read_keyring(key_path)
    assert ring is not None
    return ring.legacy_key


def _opens_and_verifies(target: str, key_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The next start opens the store (upgraded once, the old checkpoints checked under the
    old key, which is then erased) and `audit verify` passes; nothing blames tampering."""
    code, out = _run(target, capsys, "audit", "verify")
    assert code == 0, out
    assert "Traceback" not in out, out
    [upgraded] = _upgrades(target)
    assert upgraded["legacy_key"] == "present", upgraded
    assert upgraded["legacy_checkpoints_verified"] == len(CHECKPOINTS_AT), upgraded
    assert upgraded["legacy_head"]["seq"] == OLD_ENTRIES
    assert _legacy_key(key_path) is None  # erased: the old trail is sealed under the new key
    assert any(r["action"] == "record-sealed" for r in _rows(target))  # the old rows sealed, once
    code, out = _run(target, capsys, "audit", "verify")
    assert code == 0, out


def test_an_upgrade_stopped_before_its_commit_keeps_the_old_key(
    old_store: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade wrote the new installation's key to the keyring and erased the old
    installation's key in the same write, before the store committed the registration that
    seals the old trail. Stopped there, the store was still the old one and its key was
    gone: the next start upgraded it recording `"legacy_key": "missing"`, the old trail's
    checkpoints never checked. Now the old key stays until the store holds the registration."""
    target, key_path = old_store
    with monkeypatch.context() as m:
        _interrupt_after_keyring_write(m)
        code, out = _run(target, capsys, "audit", "verify")
    assert code == 130, out
    assert _upgrades(target) == []  # nothing committed
    assert _legacy_key(key_path) == LEGACY_KEY
    _opens_and_verifies(target, key_path, capsys)


def _stop(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["head-record", "commit-lost", "inside-seal-existing-rows"])
def test_an_upgrade_stopped_after_its_commit_opens_next_time(
    old_store: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The store committed the upgrade's registration, then the open stopped: before the
    head record beside the key was written (Ctrl+C, or the COMMIT's acknowledgement lost
    with the connection, the server having committed it), or while the old rows were being
    sealed. Every later start then said the head record "is missing ... restore it from its
    backup": there was none to restore, and the store could no longer be opened. Now the
    next start writes the head of the registration the store holds and goes on."""
    target, key_path = old_store
    with monkeypatch.context() as m:
        if where == "head-record":
            m.setattr(keys, "write_head_record", _stop)  # what write_head and the sealer call
        elif where == "commit-lost":
            _lose_the_attach_commit(m)
        else:  # after seal_existing_rows wrote its entries, before their commit
            m.setattr(services_module, "seal_branches", _stop)
        code, out = _run(target, capsys, "audit", "verify")
    assert code != 0, out
    assert "Traceback" not in out, out
    assert len(_upgrades(target)) == 1  # committed
    _opens_and_verifies(target, key_path, capsys)


def _lose_the_attach_commit(m: pytest.MonkeyPatch) -> None:
    """The COMMIT of the transaction that registers the upgrade reaches the server, which
    commits it; the connection goes before the desk hears so (the driver's own error)."""
    armed: list[bool] = []
    attach = sealing.attach
    real: Callable[[Any, Any], None] = DefaultDialect.do_commit

    def attach_then_arm(*args: Any, **kwargs: Any) -> Any:
        result = attach(*args, **kwargs)
        armed.append(True)
        return result

    def do_commit(self: Any, dbapi_conn: Any) -> None:
        real(self, dbapi_conn)
        if armed:
            armed.clear()
            dbapi_conn.dbapi_connection.close()
            real(self, dbapi_conn)  # the driver's error for a closed connection

    m.setattr(services_module, "attach", attach_then_arm)
    m.setattr(DefaultDialect, "do_commit", do_commit)


def test_an_upgrade_by_init_without_the_old_key_stopped_before_the_head_record_opens_next_time(
    old_store: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old key file is gone, so the upgrade is `suitcheck init`'s (stated in the trail:
    `"legacy_key": "missing"`). Stopped after its commit, before the head record beside the
    new key was written, the store was refused from then on ("restore it from its backup")."""
    target, key_path = old_store
    key_path.unlink()
    with monkeypatch.context() as m:
        m.setattr(keys, "write_head_record", _stop)
        code, out = _run(target, capsys, "init")
    assert code == 130, out
    assert len(_upgrades(target)) == 1  # committed
    code, out = _run(target, capsys, "init")  # the same command, again
    assert code == 0, out
    code, out = _run(target, capsys, "audit", "verify")
    assert code == 0, out
    [upgraded] = _upgrades(target)
    assert upgraded["legacy_key"] == "missing", upgraded


@pytest.mark.parametrize("where", ["inside-a-migration", "after-the-migrations"])
def test_an_upgrade_stopped_in_its_migrations_opens_next_time(
    old_store: tuple[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """HELD (kept against a regression): the migrations run in one transaction, so one
    stopped in the middle leaves the old schema; stopped after they committed, before the
    old trail is sealed, the next start seals it (and the rows the later migrations mark
    for sealing) as if nothing had happened."""
    from alembic.operations import Operations

    target, key_path = old_store
    add_column = Operations.add_column
    calls: list[int] = []

    def add_then_stop(self: Operations, *args: Any, **kwargs: Any) -> Any:
        result = add_column(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 3:  # in 0007, after its first columns were added
            raise KeyboardInterrupt
        return result

    with monkeypatch.context() as m:
        if where == "inside-a-migration":
            m.setattr(Operations, "add_column", add_then_stop)
        else:
            m.setattr(services_module, "attach", _stop)
        code, out = _run(target, capsys, "audit", "verify")
    assert code == 130, out
    assert _upgrades(target) == []
    assert _legacy_key(key_path) == LEGACY_KEY
    _opens_and_verifies(target, key_path, capsys)
