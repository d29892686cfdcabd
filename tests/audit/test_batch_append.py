"""Appending many entries at once (a client import): stored exactly as one append() per
entry stores them, and the trail it leaves still catches an edited, deleted or inserted
entry."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from suitcheck.audit import keys
from suitcheck.audit.sealing import batch_entry
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import open_services
from tests.audit.conftest import Trail, cli
from tests.audit.test_tamper import first, raw, read_rows, rehash, write_rows
from tests.conftest import FAST_HASHER, Clock, add_client, copy_keyring, make_services, staff
from tests.services.clientfiles import client_rows, write_csv

ENTRIES: list[dict[str, Any]] = [
    {"staff": "t-compliance", "action": "client-added", "investor_id": n, "facts": {"account": f"A{n}", "名": "客户"}}
    for n in range(1, 41)
] + [{"staff": "system", "action": "note", "reasons": ["x", "y"], "decision": "allow", "report_id": 7}]


def _deterministic_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new epoch key from a counter, so two runs that seal at the same places seal
    with the same keys (Ed25519 signatures are deterministic)."""
    counter = itertools.count()
    monkeypatch.setattr(
        keys,
        "new_private_key",
        lambda: Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"%d" % next(counter)).digest()),
    )


def _append(folder: Path, clock: Clock, batch: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    _deterministic_keys(monkeypatch)
    services = open_services(folder / "store.db", clock=clock, hasher=FAST_HASHER, audit_key_path=folder / "audit.key")
    at = clock()
    with services.ctx.core_transaction() as conn:
        if batch:
            entries = (
                batch_entry(
                    e["staff"],
                    e["action"],
                    investor_id=e.get("investor_id"),
                    report_id=e.get("report_id"),
                    decision=e.get("decision"),
                    reasons=e.get("reasons", ()),
                    facts=e.get("facts"),
                )
                for e in ENTRIES
            )
            services.ctx.sealer.append_batch(conn, entries, at=at, chunk=6)  # chunks that end mid-epoch
        else:
            for e in ENTRIES:
                services.ctx.sealer.append(conn, at=at, **e)
    compliance = staff(services, Role.COMPLIANCE)
    result = services.audit.verify(compliance)
    assert result.ok, result.problem
    services.close()
    db = sqlite3.connect(folder / "store.db")
    rows: list[tuple[Any, ...]] = db.execute("SELECT * FROM audit_entry ORDER BY seq").fetchall()
    db.close()
    return rows


def test_a_batch_is_stored_byte_for_byte_as_single_appends(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUITCHECK_SEAL_EVERY", "7")
    services = open_services(tmp_path / "store.db", clock=clock, hasher=FAST_HASHER, init=True)
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "K1", RiskProfile.C2)  # the open epoch is part-filled
    key = services.ctx.audit_key_path
    services.close()
    runs = []
    for name in ("single", "batch"):
        folder = tmp_path / name
        copy_keyring(key, folder)
        source, copy = sqlite3.connect(tmp_path / "store.db"), sqlite3.connect(folder / "store.db")
        source.backup(copy)
        source.close()
        copy.close()
        runs.append(_append(folder, clock, name == "batch", monkeypatch))
    single, batch = runs
    assert [r[3] for r in batch].count("seal") >= 6  # the batch crossed several epochs
    assert batch == single


def _import(trail: Trail, clock: Clock, count: int) -> None:
    services = make_services(trail.target, clock)
    compliance = staff(services, Role.COMPLIANCE)
    result = services.client_files.import_clients(compliance, write_csv(trail.tmp / "c.csv", client_rows(count)))
    assert result.new == count
    assert result.written
    services.close()


def _imported(trail: Trail) -> list[dict[str, Any]]:
    return [r for r in read_rows(trail.target) if r["action"] == "client-added" and '"source":"import"' in r["facts"]]


def test_an_imported_trail_verifies(trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
    _import(trail, clock, 45)
    assert len(_imported(trail)) == 45
    rows = read_rows(trail.target)
    assert sum(r["action"] == "seal" for r in rows) >= 8
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 0, out


def test_an_edited_imported_entry_is_caught(trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
    _import(trail, clock, 45)
    target = _imported(trail)[20]
    raw(trail.target, f"UPDATE audit_entry SET facts = replace(facts, 'C3', 'C5') WHERE seq = {target['seq']}")
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 4, out
    assert f"entry {target['seq']} was altered" in out, out


def test_a_deleted_imported_entry_is_caught(trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
    _import(trail, clock, 45)
    target = _imported(trail)[20]
    raw(trail.target, f"DELETE FROM audit_entry WHERE seq = {target['seq']}")
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 4, out
    assert f"entry {target['seq']} is missing" in out, out


def test_an_entry_inserted_among_imported_ones_is_caught(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(trail, clock, 45)
    rows = read_rows(trail.target)
    forged = dict(first(rows, lambda r: r["action"] == "client-added" and '"source":"import"' in r["facts"]))
    forged["investor_id"] = 999
    at = rows.index(_imported(trail)[20])
    rows.insert(at, forged)
    rehash(rows)
    write_rows(trail.target, rows[:-1])  # the same length: only the content differs
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code in (1, 4), out
    assert "rewritten" in out or "no longer matches" in out, out
