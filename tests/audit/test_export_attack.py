"""What a filtered export's verification at export took on trust, and its file's verifier
weighs: installations registered with keys nobody filed, and another installation's
entries that await its seal (tests/audit/test_export_vouched.py has the rest).

Was BROKE (both through the CLI, SQLite and PostgreSQL):
- an insider with a SQL client and no key registers an installation of their own (a key
  pair made on the spot: its proof is signed by its own genesis key) after the head and
  adds a forged "allow" under it. `audit verify --public-key FILED` fails ("not among the
  trusted public keys"), and so does a whole-trail export's file; but `audit export
  --investor 1` verified the trail accepting every registration, signed the forged entry,
  and `audit verify FILE --public-key FILED` said "OK ... The whole trail ... verified".
- on a store two desktops share, the insider adds a forged entry under the other desktop's
  open epoch (any MAC: only that desktop's key can check it before its next seal). The
  exporting desktop's `audit verify` says "N entries of other installations await their
  seal"; the filtered export's file said the whole trail verified, its forged entry among
  the vouched ones, while the other desktop's `audit verify` fails on it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from suitcheck.audit import keys
from suitcheck.audit.chain import canonical_entry, canonical_json, entry_hash, entry_mac, registration_message
from suitcheck.services import open_services
from tests.audit.conftest import Trail, cli
from tests.audit.test_tamper import COLUMNS, _engine, first, read_rows, verify
from tests.conftest import FAST_HASHER, PASSWORD, Clock


def _insert(target: str, row: dict[str, Any]) -> None:
    names, values = ", ".join(COLUMNS), ", ".join(f":{c}" for c in COLUMNS)
    engine = _engine(target)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO audit_entry ({names}) VALUES ({values})"), row)
    engine.dispose()


def _appended(target: str, **fields: Any) -> dict[str, Any]:
    """A row after the store's head, linked to it, its SHA-256 right for its content."""
    head = read_rows(target)[-1]
    row = {**fields, "seq": head["seq"] + 1, "prev_hash": head["entry_hash"]}
    row["entry_hash"] = entry_hash(canonical_entry(*(row[c] for c in COLUMNS[:10]), row["chain"]))  # type: ignore[call-arg]
    return row


def forge_allow_by_a_rogue_installation(target: str) -> dict[str, Any]:
    """An installation registered with the insider's own key pair, and a copy of the first
    check entry as "allow" under it, MAC'd with that installation's key: all of it passes
    a verification that accepts every registration."""
    genesis = keys.new_private_key()
    public = keys.public_hex(genesis)
    chain, row_public = keys.chain_id(public), keys.public_hex(keys.new_private_key())
    mac_key = keys.entry_mac_key(genesis)
    head = read_rows(target)[-1]
    message = registration_message(chain, public, row_public, 1000, head["seq"] + 1, head["at"], head["entry_hash"])
    facts = {
        "event": "joined",
        "chain": chain,
        "genesis_public_key": public,
        "row_public_key": row_public,
        "fingerprint": keys.fingerprint(public),
        "seal_every": 1000,
        "proof": keys.sign_hex(genesis, message),
    }
    registration = _appended(
        target, at=head["at"], staff="mallory", action="installation-registered", investor_id=None, report_id=None,
        decision=None, reasons="[]", facts=canonical_json(facts), chain=chain,
    )  # fmt: skip
    _insert(target, {**registration, "mac": entry_mac(mac_key, registration["entry_hash"])})
    check = first(read_rows(target), lambda r: r["action"] == "check")
    fields = {c: check[c] for c in COLUMNS[:9] if c != "seq"}
    forged = _appended(target, **{**fields, "decision": "allow", "chain": chain})
    forged["mac"] = entry_mac(mac_key, forged["entry_hash"])
    _insert(target, forged)
    return forged


def _export(trail: Trail, capsys: pytest.CaptureFixture[str], out: Path, investor: int) -> tuple[int, str]:
    return cli(
        trail, "audit", "export", "--user", "t-compliance", "--format", "csv", "--out", str(out),
        "--investor", str(investor), capsys=capsys,
    )  # fmt: skip


def _holds(out: Path, entry: dict[str, Any]) -> bool:
    return entry["entry_hash"] in out.read_text(encoding="utf-8-sig")


def test_an_installation_nobody_filed_vouches_for_nothing_in_a_filtered_export(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, shown = cli(trail, "audit", "key", "show", capsys=capsys)
    assert code == 0, shown
    filed = tmp_path / "filed.txt"
    filed.write_text(shown, encoding="utf-8")
    forged = forge_allow_by_a_rogue_installation(trail.target)
    code, said = verify(trail, capsys, "--public-key", str(filed))
    assert code == 4, said
    assert "whose genesis key is not among the trusted public keys" in said, said

    out = tmp_path / "client.csv"
    code, said = _export(trail, capsys, out, forged["investor_id"])
    assert code == 0, said  # no keys are filed with a desktop: the export cannot tell
    assert _holds(out, forged)
    rogue = forged["chain"]
    code, said = verify(trail, capsys, str(out), "--public-key", str(filed))
    assert code == 4, said
    assert said == (
        f"FAILED: the audit trail this file was exported from registers installation {rogue}, whose genesis key "
        "is not among the trusted public keys: nothing in it is vouched for"
    )
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text(encoding="utf-8"))
    assert rogue in manifest["trail_verified"]["installations"]
    # At the desk (no --public-key) the file is verified with the installations its keyring
    # trusts, which the insider's is not among (session 23: it was every one the store registers).
    code, said = verify(trail, capsys, str(out))
    assert code == 4, said
    assert f"registers installation {rogue}, whose genesis key is not among the trusted" in said, said
    # Nor does the desk's own `audit verify` vouch for it (session 23: it accepted every
    # registration, and said OK of the forged "allow").
    code, said = verify(trail, capsys)
    assert code == 4, said
    assert f"registers installation {rogue}, which this desk does not trust" in said, said


def test_entries_awaiting_another_installations_seal_are_not_said_to_be_verified(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path, clock: Clock
) -> None:
    home = tmp_path / "desk-b" / "audit.key"
    other = open_services(trail.target, clock=clock, hasher=FAST_HASHER, audit_key_path=home, init=True, join=True)
    b_chain = other.ctx.sealer.chain
    other.close()
    code, said = cli(
        trail, "audit", "key", "trust", b_chain, "--reason", "key filed", "--user", "t-root", capsys=capsys
    )
    assert code == 0, said  # desktop A vouches for B's exports and rows once compliance filed its key
    check = first(read_rows(trail.target), lambda r: r["action"] == "check")
    fields = {c: check[c] for c in COLUMNS[:9] if c != "seq"}
    forged = _appended(trail.target, **{**fields, "decision": "allow", "chain": b_chain})
    _insert(trail.target, {**forged, "mac": "00" * 32})  # only desktop B's key could check it

    code, said = verify(trail, capsys)
    assert code == 0, said  # on desktop A: awaiting B's seal, as the design says
    assert "entries of other installations await their seal" in said, said
    out = tmp_path / "client.csv"
    code, said = _export(trail, capsys, out, forged["investor_id"])
    assert code == 0, said
    assert _holds(out, forged)
    code, said = verify(trail, capsys, str(out))
    assert code == 0, said
    assert (
        "verified when it was exported, but 1 of the entries here await their installation's seal, which had not "
        "been made: nothing has checked their MACs yet." in said
    ), said
    code, said = cli(trail, "audit", "verify", str(out), "--json", "--user", "t-compliance", capsys=capsys)
    assert json.loads(said)["unsealed"] == 1

    clock.now = dt.datetime.now(dt.UTC)  # the command lines above recorded by the real clock
    desk_b = open_services(trail.target, clock=clock, hasher=FAST_HASHER, audit_key_path=home)
    try:
        result = desk_b.audit.verify(desk_b.auth.login("t-compliance", PASSWORD))
    finally:
        desk_b.close()
    assert not result.ok
    assert result.problem == (
        f"entry {forged['seq']} was forged or altered: its MAC does not match this installation's key"
    )


def test_a_filtered_export_of_one_installation_awaits_nothing(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "client.csv"
    assert _export(trail, capsys, out, 1)[0] == 0
    trail_verified = json.loads(out.with_name(out.name + ".manifest.json").read_text())["trail_verified"]
    (chain,) = trail_verified["installations"]
    assert list(trail_verified["sealed_through"]) == [chain]
    code, said = cli(trail, "audit", "verify", str(out), "--json", "--user", "t-compliance", capsys=capsys)
    assert code == 0, said
    assert json.loads(said)["unsealed"] == 0
