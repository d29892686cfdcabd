"""A filtered export vouches only for the entries of a trail that verified.

A filtered export (one client, one period, only the allowed checks, one branch) holds
entries without their neighbours, so nothing in the file can show a broken link: the
manifest's signature is all that vouches for each entry. The export therefore verifies the
trail, in the snapshot its entries are read from, and its signed manifest says how that
went. A trail that fails is exported all the same (compliance investigates with the file),
the exporter is warned (exit 4), and `audit verify FILE` fails with the reason.

Was BROKE: an insider with a SQL client and no key edited a check entry of a sealed epoch
(its hash and its MAC recomputed with the key that epoch's seal made public), or added a
forged "allow" under seq 0; a filtered export signed it and `audit verify FILE` said "OK".
Through the CLI, on SQLite and PostgreSQL (the `trail` fixture).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from suitcheck.audit.chain import canonical_entry, entry_hash, entry_mac
from suitcheck.audit.export import manifest_message
from suitcheck.cli import main
from suitcheck.services.audit_log import AuditFilter, AuditService
from suitcheck.services.errors import ServiceError
from tests.audit.conftest import Trail, cli
from tests.audit.test_tamper import COLUMNS, _engine, first, raw, read_rows, verify
from tests.conftest import PASSWORD, Clock, make_services


def _export(trail: Trail, capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> tuple[int, str]:
    return cli(
        trail, "audit", "export", "--user", "t-compliance", "--format", "csv", "--out", str(out), *extra, capsys=capsys
    )


def _verify_file(trail: Trail, capsys: pytest.CaptureFixture[str], out: Path) -> tuple[int, str]:
    return verify(trail, capsys, str(out))


def _manifest(out: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(out.with_name(out.name + ".manifest.json").read_text(encoding="utf-8"))
    return manifest


def _rehashed(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`row` with `changes`, its SHA-256 right for its new content (no key needed)."""
    edited = {**row, **changes}
    edited["entry_hash"] = entry_hash(
        canonical_entry(*(edited[c] for c in COLUMNS[:10]), edited["chain"])  # type: ignore[call-arg]
    )
    return edited


def forge_allow_at_seq_0(target: str) -> None:
    """A copy of the first check entry, as "allow", under seq 0 (the key allows it), its
    SHA-256 right for its content."""
    check = first(read_rows(target), lambda r: r["action"] == "check")
    forged = _rehashed(check, seq=0, decision="allow")
    names, values = ", ".join(COLUMNS), ", ".join(f":{c}" for c in COLUMNS)
    engine = _engine(target)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO audit_entry ({names}) VALUES ({values})"), forged)
    engine.dispose()


def _edit_a_sealed_check(trail: Trail) -> dict[str, Any]:
    """A check entry before a seal, its decision flipped, its hash and its MAC recomputed
    with the key that seal made public: nothing in the entry itself shows the edit; only
    the next entry's link does."""
    rows = read_rows(trail.target)
    seal = first(rows, lambda r: r["action"] == "seal" and r["seq"] > 12)
    target: dict[str, Any] = next(r for r in reversed(rows) if r["action"] == "check" and r["seq"] < seal["seq"])
    edited = _rehashed(target, decision="block" if target["decision"] == "allow" else "allow")
    edited["mac"] = entry_mac(bytes.fromhex(json.loads(seal["facts"])["mac_key"]), edited["entry_hash"])
    raw(
        trail.target,
        f"UPDATE audit_entry SET decision = '{edited['decision']}', entry_hash = '{edited['entry_hash']}', "
        f"mac = '{edited['mac']}' WHERE seq = {target['seq']}",
    )
    return target


def test_a_filtered_export_of_a_sound_trail_says_the_trail_verified(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "client.csv"
    code, said = _export(trail, capsys, out, "--investor", "1")
    assert code == 0, said
    assert "suitcheck:" not in said
    trail_verified = _manifest(out)["trail_verified"]
    entries = len(read_rows(trail.target))
    # The export's own entry is appended after its snapshot: the trail it verified is one shorter.
    chain = first(read_rows(trail.target), lambda r: r["action"] == "seal")["chain"]
    assert trail_verified == {
        "ok": True,
        "entries": entries - 1,
        "through_seq": entries - 1,
        # What it took on trust: the installations it accepted, and where each one's last
        # seal left its entries checked (here the export's own seal, the trail's last entry).
        "installations": [chain],
        "sealed_through": {chain: entries - 1},
    }
    code, said = _verify_file(trail, capsys, out)
    assert code == 0, said
    assert f"The whole trail, {entries - 1} entries to entry {entries - 1}, verified when it was exported." in said


def test_a_forged_allow_under_seq_0_is_exported_as_failed(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    forge_allow_at_seq_0(trail.target)
    out = tmp_path / "allowed.csv"
    code, said = _export(trail, capsys, out, "--decision", "allow")
    assert code == 4, said
    assert "suitcheck: The audit trail fails verification (the trail holds" in said, said
    assert "the file will not verify" in said
    assert out.exists()  # written for investigation, and its manifest says so
    assert _manifest(out)["trail_verified"]["ok"] is False
    code, said = _verify_file(trail, capsys, out)
    assert code == 4, said
    assert said.startswith("FAILED: the audit trail failed verification when this file was exported (the trail holds")
    # For a script: the manifest on stdout, the sentence on stderr (as an error's), exit 4.
    capsys.readouterr()
    again = tmp_path / "allowed-again.csv"
    code = main(
        ["audit", "export", "--user", "t-compliance", "--format", "csv", "--out", str(again), "--json"]
        + ["--decision", "allow", "--db", trail.target]
    )
    printed = capsys.readouterr()
    assert code == 4
    assert json.loads(printed.out)["trail_verified"]["ok"] is False
    assert printed.err.startswith("suitcheck: The audit trail fails verification (the trail holds"), printed.err
    assert "nothing in it is vouched for" in said


def test_an_entry_rehashed_in_a_sealed_epoch_is_exported_as_failed(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = _edit_a_sealed_check(trail)
    out = tmp_path / "client.csv"
    code, said = _export(trail, capsys, out, "--investor", str(target["investor_id"]))
    assert code == 4, said
    broken = f"entry {target['seq'] + 1} does not link to the entry before it (prev_hash differs)"
    assert f"suitcheck: The audit trail fails verification ({broken})." in said, said
    manifest = _manifest(out)
    assert manifest["trail_verified"]["ok"] is False
    assert manifest["trail_verified"]["bad_seq"] == target["seq"] + 1
    code, said = _verify_file(trail, capsys, out)
    assert code == 4, said
    assert f"when this file was exported ({broken})" in said, said
    code, said = verify(trail, capsys)  # what the warning points to says the same
    assert code == 4, said
    assert broken in said, said


@pytest.mark.parametrize("edit", ["say-ok", "drop"])
def test_the_manifest_cannot_be_edited_to_say_the_trail_verified(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path, edit: str
) -> None:
    _edit_a_sealed_check(trail)
    out = tmp_path / "period.csv"
    code, _ = _export(trail, capsys, out, "--action", "check")
    assert code == 4
    manifest = _manifest(out)
    if edit == "say-ok":
        manifest["trail_verified"] = {"ok": True, "entries": 1, "through_seq": 1}
    else:
        del manifest["trail_verified"]  # as if an earlier version, which did not verify, wrote it
    out.with_name(out.name + ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, said = _verify_file(trail, capsys, out)
    assert code == 4, said
    assert "the manifest's signature does not match its content" in said, said


def test_an_unfiltered_export_carries_its_own_proof(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The whole trail's export holds every link, so its file shows the edit itself; its
    manifest says nothing of a verification at export (none is needed)."""
    target = _edit_a_sealed_check(trail)
    out = tmp_path / "all.csv"
    code, said = _export(trail, capsys, out)
    assert code == 0, said
    assert "trail_verified" not in _manifest(out)
    code, said = _verify_file(trail, capsys, out)
    assert code == 4, said
    assert f"FAILED at entry {target['seq'] + 1}: entry {target['seq'] + 1} does not link" in said, said


def test_an_export_by_an_earlier_version_says_only_its_signature_vouches(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A filtered export written before the trail was verified at export (no `trail_verified`
    in its signed manifest) still verifies as it did, and says what vouches for it."""
    out = tmp_path / "client.csv"
    assert _export(trail, capsys, out, "--investor", "1")[0] == 0
    manifest = _manifest(out)
    del manifest["trail_verified"]
    services = make_services(trail.target, clock)
    try:
        epoch, _, manifest["signature"] = services.ctx.sealer.sign(manifest_message(manifest))
    finally:
        services.close()
    assert epoch == manifest["signer"]["epoch"]  # no seal since: the key the manifest names
    out.with_name(out.name + ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, said = _verify_file(trail, capsys, out)
    assert code == 0, said
    assert "It was exported by an earlier version, which did not verify the trail first" in said, said


def test_a_seal_by_another_process_during_the_export_stops_it(
    trail: Trail, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export seals, then verifies: another process on this key that seals in between
    is no damage to record in the manifest (without this, it said the trail failed: 'the
    trail is newer than this installation's key'). The export stops, writes nothing, and
    says to export again."""
    services = make_services(trail.target, clock)
    other = make_services(trail.target, clock)
    try:
        compliance = services.auth.login("t-compliance", PASSWORD)
        heads = AuditService._recorded_heads

        def sealed_meanwhile(self: AuditService) -> Any:
            with other.ctx.transaction() as session:
                assert other.ctx.sealer.seal(session, clock.now + dt.timedelta(seconds=1)) is not None
            return heads(self)

        monkeypatch.setattr(AuditService, "_recorded_heads", sealed_meanwhile)
        out = tmp_path / "client.csv"
        with pytest.raises(ServiceError, match="Another process sealed during the export; export again."):
            services.audit.export(compliance, out, "csv", AuditFilter(investor_id=1))
        assert not out.exists()
        assert not out.with_name(out.name + ".manifest.json").exists()
    finally:
        services.close()
        other.close()
