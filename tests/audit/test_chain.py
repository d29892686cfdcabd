"""The audit chain: append-only at the database, tampering found, truncation caught."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report


@pytest.fixture
def filled(services: Services, compliance: Actor, advisor: Actor, tmp_path: Path) -> Services:
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "T1", RiskProfile.C3)
    for _ in range(20):
        services.access.check(advisor, "T1", report)
    return services


def test_fresh_chain_verifies(filled: Services, compliance: Actor) -> None:
    result = filled.audit.verify(compliance)
    assert result.ok and result.count > 20 and result.problem is None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET decision = 'allow' WHERE seq = 5",
        "DELETE FROM audit_entry WHERE seq = 5",
    ],
)
def test_database_refuses_edits(filled: Services, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        with filled.store.session() as session:
            session.execute(text(statement))


def _tamper_sqlite(services: Services, *statements: str) -> None:
    """What a careless script with a plain SQL client could do: drop the guards, edit."""
    conn = sqlite3.connect(str(services.store.url.database), isolation_level=None)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("DROP TRIGGER audit_entry_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.close()


@pytest.mark.parametrize(
    ("statements", "bad_seq", "problem"),
    [
        (["UPDATE audit_entry SET decision = 'forged' WHERE seq = 7"], 7, "altered"),
        (["UPDATE audit_entry SET facts = replace(facts, 'C3', 'C5') WHERE seq = 9"], 9, "altered"),
        (["DELETE FROM audit_entry WHERE seq = 6"], 7, "missing"),
        # Reorder: swap the contents of two rows, keeping the seq numbers in place.
        (
            [
                "UPDATE audit_entry SET seq = -1 WHERE seq = 10",
                "UPDATE audit_entry SET seq = 10 WHERE seq = 11",
                "UPDATE audit_entry SET seq = 11 WHERE seq = -1",
            ],
            10,
            "does not link",
        ),
    ],
)
def test_tampering_is_found_with_the_first_bad_entry(
    sqlite_services: Services, tmp_path: Path, statements: list[str], bad_seq: int, problem: str
) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "T1", RiskProfile.C3)
    for _ in range(15):
        services.access.check(compliance, "T1", report)
    _tamper_sqlite(services, *statements)
    result = services.audit.verify(compliance)
    assert not result.ok
    assert result.bad_seq == bad_seq
    assert problem in (result.problem or "")


def test_truncated_tail_is_caught_by_the_checkpoint(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "T1", RiskProfile.C3)
    for _ in range(5):
        services.access.check(compliance, "T1", report)
    assert services.audit.verify(compliance).ok  # signs a checkpoint at the head
    head = services.audit.count(compliance)
    _tamper_sqlite(services, f"DELETE FROM audit_entry WHERE seq > {head - 4}")
    result = services.audit.verify(compliance)
    assert not result.ok and "truncated" in (result.problem or "")


def test_rewritten_chain_fails_the_checkpoint_signature(sqlite_services: Services, tmp_path: Path) -> None:
    """Recomputing every hash after an edit fools the chain, not the keyed checkpoint."""
    from suitcheck.audit.chain import canonical_entry, entry_hash

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "T1", RiskProfile.C3)
    services.access.check(compliance, "T1", report)
    assert services.audit.verify(compliance).ok
    conn = sqlite3.connect(str(services.store.url.database), isolation_level=None)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    rows = conn.execute(
        "SELECT seq, at, staff, action, investor_id, report_id, decision, reasons, facts FROM audit_entry ORDER BY seq"
    ).fetchall()
    prev = "0" * 64
    for seq, at, who, action, inv, rep, dec, reasons, facts in rows:
        dec = "block" if action == "check" else dec  # the real decision was allow
        digest = entry_hash(canonical_entry(seq, at, who, action, inv, rep, dec, reasons, facts, prev))
        conn.execute(
            "UPDATE audit_entry SET decision=?, prev_hash=?, entry_hash=? WHERE seq=?", (dec, prev, digest, seq)
        )
        prev = digest
    conn.close()
    result = services.audit.verify(compliance)
    assert not result.ok and "rewritten" in (result.problem or "")


def test_checkpoint_from_another_key_is_rejected(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    assert services.audit.verify(compliance).ok
    monkeypatch.setattr(type(services.ctx), "audit_key", property(lambda self: b"k" * 32))
    result = services.audit.verify(compliance)
    assert not result.ok and "not signed" in (result.problem or "")
