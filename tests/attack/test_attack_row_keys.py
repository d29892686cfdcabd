"""Which installations' row keys a desk trusts for a seal it did not make.

A row (client, report, policy, questionnaire) or a warning override sealed by another
installation of a shared store is checked with the row public key that installation
registered in the trail (RowSealer.row_keys). Was BROKE: the desk took the row key of any
row whose action is `installation-registered`, whatever it was: one an insider inserted in
SQL under seq 0 (outside the trail, no proof), or a second registration of a desk that is
registered already (the last one won). With a key pair of their own the insider then
sealed an override for a client who never confirmed the warning, and the report opened.
On SQLite and PostgreSQL.

Was OPEN: an installation registered as suitcheck registers one (numbered, at the head,
its proof signed by its own genesis key) was trusted by every desk. Now a desk trusts only
the installations its own keyring names (tests/audit/test_desk_trust.py): those registered
when it was set up, and those an administrator there trusts with `audit key trust`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from suitcheck.audit import keys
from suitcheck.audit.chain import canonical_entry, entry_hash, registration_message
from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.integrity import OVERRIDE_SEAL, investor_message, override_message
from suitcheck.store.models import AuditEntry, Investor
from tests.attack.test_attack_override_seal import _assert_not_admitted, _override_row, _sql, _warned
from tests.audit.test_installations import desktop
from tests.audit.test_tamper import raw
from tests.conftest import PASSWORD, Clock, add_client, staff
from tests.fixtures import import_text_report

REGISTERED = "installation-registered"


def _forge(services: Services, store_target: str, report: int, other: int, chain: str, seq: int | None) -> None:
    """As an insider with a SQL client and no key file: a registration of `chain` carrying
    a row key of the insider's own, inserted under `seq` (None: the next number, linked to
    the head), and OTHER's check entry rewritten as WARNED's override, sealed with that key."""
    insider = keys.new_private_key()
    facts = json.loads(_override_row(services)["facts"])
    del facts[OVERRIDE_SEAL]
    facts[OVERRIDE_SEAL] = f"{chain}:00:{keys.sign_hex(insider, override_message(other, report, facts).encode())}"
    with services.store.engine.connect() as conn:
        head_seq, head_hash = conn.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).one()
        target = conn.execute(
            select(AuditEntry.seq).where(AuditEntry.action == "check", AuditEntry.investor_id == other)
        ).scalar_one()
    registration = {
        "chain": chain,
        "genesis_public_key": keys.public_hex(insider),
        "row_public_key": keys.public_hex(insider),
    }
    number = head_seq + 1 if seq is None else seq
    raw(
        store_target,
        "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
        f"({number}, '2026-06-15T09:30:00.000000Z', 'system', '{REGISTERED}', '[]', {_sql(json.dumps(registration))}, "
        f"'{head_hash}', '{'0' * 64}', '{chain}')",
        f"UPDATE audit_entry SET action = 'override', facts = {_sql(json.dumps(facts))} WHERE seq = {target}",
    )


def register_rogue_installation(services: Services, store_target: str, account: str, *, drop: int = 0) -> str:
    """As an insider with a SQL client and no key file: the last `drop` entries deleted,
    then an installation of their own registered at the head exactly as `init --join`
    registers one, and client `account` raised to C5, sealed with its row key. Its chain."""
    genesis, row = keys.new_private_key(), keys.new_private_key()
    chain = keys.chain_id(keys.public_hex(genesis))
    with services.store.engine.connect() as conn:
        top = conn.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
        head_seq, head_hash = conn.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).where(AuditEntry.seq == top - drop)
        ).one()
        investor = dict(conn.execute(select(Investor.__table__).where(Investor.account == account)).one()._mapping)
    seq, at = head_seq + 1, "2026-06-15T09:30:00.000000Z"
    proof = keys.sign_hex(
        genesis, registration_message(chain, keys.public_hex(genesis), keys.public_hex(row), 10, seq, at, head_hash)
    )
    facts = json.dumps(
        {
            "chain": chain,
            "genesis_public_key": keys.public_hex(genesis),
            "row_public_key": keys.public_hex(row),
            "seal_every": 10,
            "proof": proof,
        }
    )
    digest = entry_hash(canonical_entry(seq, at, "system", REGISTERED, None, None, None, "[]", facts, head_hash, chain))
    investor["current_profile"] = 5
    seal = f"{chain}:00:{keys.sign_hex(row, investor_message(investor).encode())}"
    raw(
        store_target,
        f"DELETE FROM audit_entry WHERE seq > {head_seq}",
        "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
        f"({seq}, '{at}', 'system', '{REGISTERED}', '[]', {_sql(facts)}, '{head_hash}', '{digest}', '{chain}')",
        f"UPDATE investor SET current_profile = 5, integrity = '{seal}' WHERE id = {investor['id']}",
    )
    return chain


@pytest.mark.parametrize("seq", [0, -3])
def test_a_registration_under_no_number_is_not_trusted(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path, seq: int
) -> None:
    """A rogue installation inserted outside the trail (no number, no proof): its row key
    seals nothing (the head is untouched, so the store opens)."""
    report, _, other = _warned(services, compliance, advisor, tmp_path)
    services.access.check(advisor, "WARNED", report)  # OTHER's check is not the head
    _forge(services, store_target, report, other, "feedfacefeedface", seq)
    _assert_not_admitted(services, advisor, report)


def test_a_registration_without_its_proof_is_not_trusted(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """A rogue installation appended to the trail's end in SQL, its chain not its key's and
    no proof signed by its genesis key (verify refuses it): its row key seals nothing."""
    report, _, other = _warned(services, compliance, advisor, tmp_path)
    _forge(services, store_target, report, other, "feedfacefeedface", None)
    _assert_not_admitted(services, advisor, report)


def test_a_second_registration_of_another_desk_does_not_replace_its_row_key(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """On a shared store, an insider appends a registration of desk B's chain with a row key
    of their own: desk A (started afterwards) took the last registration of a chain, so it
    trusted the insider's key as B's, and an override 'sealed by B' opened the report."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    try:
        compliance = staff(first, Role.COMPLIANCE)
        advisor = staff(first, Role.ADVISOR)
        report, _, other = _warned(first, compliance, advisor, tmp_path)
        second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
        chain_b = second.ctx.sealer.chain
        second.close()
    finally:
        first.close()
    _forge_services = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        _forge(_forge_services, store_target, report, other, chain_b, None)
    finally:
        _forge_services.close()
    again = desktop(store_target, tmp_path / "desk-a", clock)  # a fresh desk: no row key loaded yet
    try:
        _assert_not_admitted(again, again.auth.login(advisor.username, PASSWORD), report)
    finally:
        again.close()


def test_genuine_desks_row_keys_are_still_trusted(store_target: str, tmp_path: Path, clock: Clock) -> None:
    """A client written on desk B, which joined after desk A, is checked on A with B's row
    key once an administrator at A trusts B (`audit key trust`); until then it fails its
    seal there (record-integrity), as a row registered by anyone with SQL access would."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
    try:
        compliance = staff(first, Role.COMPLIANCE)
        report = import_text_report(first, compliance, tmp_path)
        on_b = second.auth.login(compliance.username, PASSWORD)
        add_client(second, on_b, "M1", RiskProfile.C4)
        chain_b = second.ctx.sealer.chain
    finally:
        second.close()
        first.close()
    again = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        on_a = again.auth.login(compliance.username, PASSWORD)
        blocked = again.access.check(on_a, "M1", report).decision
        assert not blocked.allowed
        assert blocked.reasons == (Reason.RECORD_INTEGRITY,)
        again.audit.trust_installation(again.auth.login("t-root", PASSWORD), chain_b, "compliance filed its key")
        assert again.access.check(on_a, "M1", report).decision.allowed
    finally:
        again.close()


def test_a_self_registered_installation_cannot_seal_a_client_above_their_profile(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """As an insider with a SQL client and no key file: an installation registered at the
    trail's end exactly as `init --join` registers one (its chain its key's, its proof signed
    by its genesis key, linked to the head), then a C2 client's row raised to C5 and sealed
    with that installation's row key. A check of an R4 report for that client must block."""
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "LOW", RiskProfile.C2)
    assert not services.access.check(advisor, "LOW", report).decision.allowed
    register_rogue_installation(services, store_target, "LOW")
    assert not services.access.check(advisor, "LOW", report).decision.allowed
