"""Client rows an import sealed in bulk (`chain:hmac:@seq`, one signature per page of
rows in the trail): checked by the installation that wrote them with its HMAC and by
every other installation through the signed page; a row, a page or a reference changed
outside suitcheck fails closed everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.store.models import Investor
from tests.audit.test_tamper import raw, read_rows
from tests.conftest import FAST_HASHER, PASSWORD, Clock, staff
from tests.fixtures import import_text_report
from tests.services.clientfiles import client_rows, write_csv


def desktop(target: str, home: Path, clock: Clock, *, init: bool = False, join: bool = False) -> Services:
    return open_services(
        target, clock=clock, hasher=FAST_HASHER, audit_key_path=home / "audit.key", init=init, join=join
    )


def _seal_of(services: Services, account: str) -> str:
    with services.store.session(read_only=True) as s:
        return str(s.execute(select(Investor.integrity).where(Investor.account == account)).scalar_one())


@pytest.fixture
def two_desktops(store_target: str, tmp_path: Path, clock: Clock) -> tuple[str, Path, int]:
    """Desktop A imports 30 clients (seals in pages of 1,000: one page here); desktop B joined."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    compliance = staff(first, Role.COMPLIANCE)
    report = import_text_report(first, compliance, tmp_path)
    result = first.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", client_rows(30)))
    assert result.new == 30
    assert _seal_of(first, "A000007").split(":")[2].startswith("@")
    joined = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
    chain_b = joined.ctx.sealer.chain
    joined.close()
    # Desktop A trusts B (`audit key trust`), as a firm does once compliance filed B's key:
    # A's own verification holds B to it.
    first.audit.trust_installation(staff(first, Role.ADMIN, "t-root"), chain_b, "key filed")
    first.close()
    return store_target, tmp_path, report


def test_another_installation_checks_imported_rows(two_desktops: tuple[str, Path, int], clock: Clock) -> None:
    target, tmp, report = two_desktops
    second = desktop(target, tmp / "desk-b", clock)
    on_b = second.auth.login("t-compliance", PASSWORD)
    decision = second.access.check(on_b, "A000007", report).decision
    assert "record-integrity" not in [r.value for r in decision.reasons]
    assert decision.allowed
    listed = {v.account for v in second.access.eligible(on_b, report)}
    assert {f"A{n:06d}" for n in range(30)} <= listed
    result = second.audit.verify(on_b)
    assert result.ok, result.problem
    second.close()


def test_a_bulk_sealed_row_changed_outside_suitcheck_is_blocked_everywhere(
    two_desktops: tuple[str, Path, int], clock: Clock
) -> None:
    target, tmp, report = two_desktops
    raw(target, "UPDATE investor SET current_profile = 5 WHERE account = 'A000007'")
    for home in ("desk-a", "desk-b"):
        services = desktop(target, tmp / home, clock)
        actor = services.auth.login("t-compliance", PASSWORD)
        decision = services.access.check(actor, "A000007", report).decision
        assert "record-integrity" in [r.value for r in decision.reasons], home
        assert "A000007" not in {v.account for v in services.access.eligible(actor, report)}
        result = services.audit.verify(actor)
        assert not result.ok, home
        assert "A000007" in (result.problem or ""), (home, result.problem)
        services.close()


def test_a_forged_page_signature_or_a_moved_reference_fails_closed_elsewhere(
    two_desktops: tuple[str, Path, int], clock: Clock
) -> None:
    target, tmp, report = two_desktops
    rows = read_rows(target)
    page = next(r for r in rows if r["action"] == "record-sealed" and "signature" in json.loads(r["facts"]))
    other = next(r for r in rows if r["action"] == "record-sealed" and r["seq"] != page["seq"])
    # A000008 now points at another trail entry; A000007's page lost its signature's match.
    second = desktop(target, tmp / "desk-b", clock)
    seal = _seal_of(second, "A000008")
    second.close()
    moved = seal.rsplit(":", 1)[0] + f":@{other['seq']}"
    facts = json.loads(page["facts"])
    facts["signature"] = facts["signature"][:-4] + ("0000" if facts["signature"][-4:] != "0000" else "1111")
    forged = json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("'", "''")
    raw(
        target,
        f"UPDATE investor SET integrity = '{moved}' WHERE account = 'A000008'",
        f"UPDATE audit_entry SET facts = '{forged}' WHERE seq = {page['seq']}",
    )
    second = desktop(target, tmp / "desk-b", clock)
    on_b = second.auth.login("t-compliance", PASSWORD)
    for account in ("A000007", "A000008"):
        decision = second.access.check(on_b, account, report).decision
        assert "record-integrity" in [r.value for r in decision.reasons], account
    second.close()


def test_a_page_is_written_as_canonical_json_and_its_signature_checks(sqlite_services: Services, clock: Clock) -> None:
    """seal_page writes its entry's JSON by hand (speed): it must be canonical_json's bytes,
    and its signature must verify over the list as a verifier parses it back."""
    from suitcheck.audit import keys
    from suitcheck.audit.chain import canonical_json, row_batch_message
    from suitcheck.services.integrity import investor_message, state_digest
    from suitcheck.store.models import AuditEntry

    odd = ['A"1', "B\\2", "客户三", "D\t4\u2028", "E/5'"]
    page = [(key, investor_message({"account": key, "investor_class": "ordinary"})) for key in odd]
    with sqlite_services.ctx.core_transaction() as conn:
        seals = sqlite_services.ctx.rows.seal_page(conn, page)
        seq = int(seals[0].rsplit("@", 1)[1])
        facts_text = conn.execute(select(AuditEntry.facts).where(AuditEntry.seq == seq)).scalar_one()
    facts = json.loads(facts_text)
    assert facts_text == canonical_json(facts)
    assert facts["rows"] == [{"key": k, "state": state_digest(m), "table": "investor"} for k, m in page]
    sealer = sqlite_services.ctx.sealer
    assert keys.signature_ok(sealer.row_public_key, facts["signature"], row_batch_message(sealer.chain, facts["rows"]))
    assert all(seal.endswith(f":@{seq}") for seal in seals)
