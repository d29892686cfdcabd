"""Who may vouch for an export verified at a desk (`audit verify FILE` without --public-key).

An insider with a SQL client on the store and no key file registers an installation of
their own exactly as `init --join` does (numbered, at the head, its proof signed by its own
genesis key), then hands compliance an export of their own making signed with that key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from suitcheck.audit import keys
from suitcheck.audit.chain import canonical_entry, canonical_json, entry_hash, registration_message
from suitcheck.audit.export import manifest_message
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.store.models import AuditEntry
from tests.attack.test_attack_override_seal import _sql
from tests.audit.test_tamper import raw
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report

REGISTERED = "installation-registered"


def _register_own_installation(services: Services, target: str) -> Any:
    """As the insider: an installation registered at the trail's head as `init --join`
    registers one (proof and all); its genesis private key."""
    genesis, row = keys.new_private_key(), keys.new_private_key()
    public = keys.public_hex(genesis)
    chain = keys.chain_id(public)
    with services.store.engine.connect() as conn:
        head_seq, head_hash = conn.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).one()
    seq, at = head_seq + 1, "2026-06-15T09:35:00.000000Z"
    proof = keys.sign_hex(genesis, registration_message(chain, public, keys.public_hex(row), 10, seq, at, head_hash))
    facts = canonical_json(
        {
            "chain": chain,
            "genesis_public_key": public,
            "row_public_key": keys.public_hex(row),
            "seal_every": 10,
            "proof": proof,
        }
    )
    digest = entry_hash(canonical_entry(seq, at, "system", REGISTERED, None, None, None, "[]", facts, head_hash, chain))
    raw(
        target,
        "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
        f"({seq}, '{at}', 'system', '{REGISTERED}', '[]', {_sql(facts)}, '{head_hash}', '{digest}', '{chain}')",
    )
    return genesis


def _forged(out: Path, signer: Any) -> None:
    """Every check in the (filtered) JSON Lines export turned into an allow, its hash, the
    file's digests and the manifest made again, and signed by `signer` as its own genesis key."""
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for r in records:
        if r["action"] == "check":
            r["decision"], r["reasons"] = "allow", []
            r["entry_hash"] = entry_hash(
                canonical_entry(
                    r["seq"], r["at"], r["staff"], r["action"], r["investor_id"], r["report_id"], r["decision"],
                    canonical_json(r["reasons"]), canonical_json(r["facts"]), r["prev_hash"], r.get("chain"),
                )
            )  # fmt: skip
    data = "".join(canonical_json(r) + "\n" for r in records).encode()
    out.write_bytes(data)
    manifest_path = out.with_name(out.name + ".manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["file_sha256"] = hashlib.sha256(data).hexdigest()
    manifest["entries_sha256"] = hashlib.sha256(
        "".join(f"{r['seq']}:{r['entry_hash']}\n" for r in records).encode()
    ).hexdigest()
    manifest["last_hash"] = records[-1]["entry_hash"]
    public = keys.public_hex(signer)
    chain = keys.chain_id(public)
    manifest["signer"] = {"chain": chain, "genesis_public_key": public, "epoch": 0, "public_key": public}
    manifest["ladder"] = []
    manifest.pop("signature", None)
    manifest["signature"] = keys.sign_hex(signer, manifest_message(manifest))
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_an_export_signed_by_an_installation_the_desk_does_not_trust_fails_at_the_desk(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path
) -> None:
    """Was BROKE: a desk verified an export with the genesis keys of every installation
    the store registers, so the insider's own installation, registered in SQL, vouched for
    a file of their making: a client's blocked checks rewritten as allowed, the manifest
    re-signed with the insider's key, and `audit verify FILE` at the desk said OK. The
    desk does not trust that installation (its row seals hold nowhere here); its
    signature vouches for no export either."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    client = add_client(services, compliance, "LOW", RiskProfile.C2)
    assert services.access.check(compliance, "LOW", report).decision.outcome.value == "block"
    out = tmp_path / "low.jsonl"
    services.audit.export(compliance, out, "jsonl", AuditFilter(investor_id=client))
    assert services.audit.verify_file(compliance, out).ok  # the genuine file

    insider = _register_own_installation(services, sqlite_target)
    _forged(out, insider)

    verdict = services.audit.verify_file(compliance, out)
    assert not verdict.ok
    assert verdict.signature == "untrusted"
    chain = keys.chain_id(keys.public_hex(insider))
    assert verdict.result.problem == (
        f"the manifest is signed by installation {chain}, whose genesis key is not trusted here"
    )
