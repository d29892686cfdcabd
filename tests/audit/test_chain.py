"""The audit chain: append-only at the database, tampering found, truncation caught."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from tests.conftest import Clock, add_client, staff
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
    assert result.ok
    assert result.count > 20
    assert result.problem is None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET decision = 'allow' WHERE seq = 5",
        "DELETE FROM audit_entry WHERE seq = 5",
    ],
)
def test_database_refuses_edits(filled: Services, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), filled.store.session() as session:
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
        (["UPDATE audit_entry SET facts = replace(facts, 'C3', 'C5') WHERE seq = 20"], 20, "altered"),
        (["DELETE FROM audit_entry WHERE seq = 6"], 7, "missing"),
        # Bytes that are not UTF-8 (SQLite keeps them in TEXT): read with U+FFFD, so altered.
        (["UPDATE audit_entry SET staff = CAST(staff || X'FF' AS TEXT) WHERE seq = 8"], 8, "altered"),
        (["UPDATE audit_entry SET decision = CAST(X'FF' AS TEXT) WHERE seq = 9"], 9, "altered"),
        (["UPDATE audit_entry SET facts = CAST(CAST(facts AS BLOB) || X'FF' AS TEXT) WHERE seq = 12"], 12, "altered"),
        # A BLOB in a text column (the driver reads bytes, never text): altered, even with
        # the same bytes. It made verify end in 'unexpected error' (TypeError), naming nothing.
        (["UPDATE audit_entry SET at = CAST(at AS BLOB) WHERE seq = 8"], 8, "altered"),
        (["UPDATE audit_entry SET staff = CAST(CAST(staff AS BLOB) || X'FF' AS BLOB) WHERE seq = 8"], 8, "altered"),
        (["UPDATE audit_entry SET action = CAST(action AS BLOB) WHERE seq = 8"], 8, "altered"),
        (["UPDATE audit_entry SET decision = CAST('allow' AS BLOB) WHERE seq = 9"], 9, "altered"),
        (["UPDATE audit_entry SET reasons = CAST(reasons AS BLOB) WHERE seq = 9"], 9, "altered"),
        (["UPDATE audit_entry SET facts = CAST(facts AS BLOB) WHERE seq = 12"], 12, "altered"),
        (["UPDATE audit_entry SET entry_hash = CAST(entry_hash AS BLOB) WHERE seq = 12"], 12, "altered"),
        (["UPDATE audit_entry SET prev_hash = CAST(prev_hash AS BLOB) WHERE seq = 12"], 12, "does not link"),
        (["UPDATE audit_entry SET chain = CAST(chain AS BLOB) WHERE seq = 12"], 12, "altered"),
        # A MAC held as a BLOB, or as text that is not ASCII (bytes that are not UTF-8 read as
        # U+FFFD): compare_digest raised TypeError, and verify said 'unexpected error'.
        (["UPDATE audit_entry SET mac = CAST(mac AS BLOB) WHERE seq = 12"], 12, "its MAC does not match"),
        (
            ["UPDATE audit_entry SET mac = CAST(CAST(mac AS BLOB) || X'FF' AS TEXT) WHERE seq = 12"],
            12,
            "its MAC does not match",
        ),
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


@pytest.mark.parametrize("chain", [None, "0123456789abcdef"])
@pytest.mark.parametrize("text_value", ["plain", '引号"与\\反斜杠', "控制\x01\n\t字符", "emoji 🙂", ""])
def test_hand_written_canonical_form_equals_canonical_json(chain: str | None, text_value: str) -> None:
    from suitcheck.audit.chain import canonical_entry, canonical_json

    facts = {"note": text_value, "n": 1}
    entry: dict[str, Any] = {
        "seq": 12,
        "at": "2026-06-15T09:30:00.000000Z",
        "staff": text_value or "x",
        "action": "check",
        "investor_id": None,
        "report_id": 7,
        "decision": text_value or None,
        "reasons": [text_value],
        "facts": facts,
        "prev_hash": "0" * 64,
    }
    if chain is not None:
        entry["chain"] = chain
    written = canonical_entry(
        12, entry["at"], entry["staff"], "check", None, 7, entry["decision"],
        canonical_json([text_value]), canonical_json(facts), "0" * 64, chain,
    )  # fmt: skip
    assert written == canonical_json(entry)


@pytest.mark.parametrize("chain", [None, "0123456789abcdef"])
@pytest.mark.parametrize("text_value", ["plain", '引号"与\\反斜杠', "控制\x01\n\t字符", "emoji 🙂", "null", ""])
def test_verifier_hashes_entries_as_canonical_json_does(chain: str | None, text_value: str) -> None:
    """The verifier writes each entry's canonical form out itself (per-entry speed): it
    accepts entries hashed over canonical_json of their dict form, and finds one whose
    field changed. Entries without an installation (written before sealing existed)
    verify as a linked trail; others as a filtered export (hashes only)."""
    from suitcheck.audit.chain import GENESIS_HASH, Verifier, canonical_json, entry_hash

    rows, prev = [], GENESIS_HASH
    for seq in (1, 2, 3):
        entry: dict[str, Any] = {
            "seq": seq,
            "at": f"2026-06-15T09:30:0{seq}.000000Z",
            "staff": text_value or "x",
            "action": "check",
            "investor_id": None if seq == 2 else seq,
            "report_id": 7,
            "decision": (text_value or None) if seq != 3 else None,
            "reasons": [text_value],
            "facts": {"note": text_value, "n": seq},
            "prev_hash": prev,
        }
        if chain is not None:
            entry["chain"] = chain
        digest = entry_hash(canonical_json(entry))
        rows.append(
            (
                seq, entry["at"], entry["staff"], "check", entry["investor_id"], 7, entry["decision"],
                canonical_json(entry["reasons"]), canonical_json(entry["facts"]), prev, digest, chain, None,
            )
        )  # fmt: skip
        prev = digest
    linked = chain is None
    assert Verifier(linked=linked).feed(rows) is None
    for index, changed in ((2, "y"), (6, "changed"), (1, "2026-06-15T09:30:02.000001Z")):
        altered = [*rows[1]]
        altered[index] = changed
        failure = Verifier(linked=linked).feed([rows[0], tuple(altered), rows[2]])
        assert failure is not None
        assert failure.bad_seq == 2
        assert "altered" in (failure.problem or "")


def test_two_seals_in_one_transaction_keep_the_key_chain(
    sqlite_target: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An entry that fills the epoch (automatic seal) followed by an on-demand seal in the
    same transaction: both next keys are kept in order, and the trail still verifies from
    the genesis key after more entries."""
    from suitcheck.services.audit_log import parse_public_keys, verify_file_offline
    from tests.conftest import make_services

    monkeypatch.setenv("SUITCHECK_SEAL_EVERY", "3")
    services = make_services(sqlite_target, clock)
    compliance = staff(services, Role.COMPLIANCE)
    sealer = services.ctx.sealer
    for _ in range(4):
        with services.ctx.transaction() as session:
            services.ctx.audit(session, compliance, AuditAction.CHECK)
            sealer.seal(session, clock())
    for _ in range(5):
        with services.ctx.transaction() as session:
            services.ctx.audit(session, compliance, AuditAction.CHECK)
    out = tmp_path / "all.jsonl"
    services.audit.export(compliance, out, "jsonl")
    key = services.audit.key_info()["public_key"]
    check = verify_file_offline(out, parse_public_keys([key]))
    assert check.ok, check.result.problem
    assert services.audit.verify(compliance).ok
    services.close()
