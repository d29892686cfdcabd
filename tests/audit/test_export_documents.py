"""What a regulator is handed beside an export (the self-inspection PDF, a client's
confirmation sheet) is tied to the trail: each file suitcheck writes is recorded with its
SHA-256, and `audit verify EXPORT --document FILE` finds the entry that recorded it, or
fails when none does (a file edited after it was written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.cli import main
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import Clock, add_client, staff


def test_a_document_edited_after_it_was_written_fails_against_the_export(
    sqlite_services: Services, sqlite_target: str, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE: the self-inspection PDF and the confirmation sheet a regulator is handed
    were recorded in the trail with their SHA-256, but nothing a regulator runs looked them
    up: a PDF whose figures were edited after it was written (here one byte of it) was
    checked by nobody, and `audit verify` of the export beside it said OK. Now each
    `--document` is found in the verified export (its entry, action, time and staff), and
    one no entry records fails the verification, exit 4, with the filed public key alone."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "D1", RiskProfile.C3)
    sheet = tmp_path / "确认书.pdf"
    services.investors.write_confirmation(compliance, "D1", sheet)
    today = services.ctx.today()
    clock.advance(days=1)
    inspection = tmp_path / "自查.pdf"
    made = services.inspection.write(compliance, today, today, inspection)
    export = tmp_path / "audit.csv"
    services.audit.export(compliance, export, "csv")
    filed = tmp_path / "filed.txt"
    filed.write_text("\n".join(i["public_key"] for i in services.audit.key_info()["installations"]), encoding="utf-8")

    check = services.audit.verify_file(compliance, export, documents=[inspection, sheet])
    assert check.ok, check.result.problem
    found = {d["file"]: d for d in check.documents}
    assert found[str(inspection)]["seq"] == made.audit_id
    assert found[str(inspection)]["action"] == "inspection-report"
    assert found[str(sheet)]["action"] == "assessment-sheet"

    edited = tmp_path / "自查-edited.pdf"
    data = bytearray(inspection.read_bytes())
    data[len(data) // 2] ^= 0x01
    edited.write_bytes(bytes(data))
    check = services.audit.verify_file(compliance, export, documents=[sheet, edited])
    assert not check.ok
    assert "自查-edited.pdf" in (check.result.problem or "")
    assert "recorded in no entry" in (check.result.problem or "")

    # The regulator's way: no store, no login, the filed key.
    capsys.readouterr()
    argv = ["audit", "verify", str(export), "--public-key", str(filed), "--db", sqlite_target]
    assert main([*argv, "--document", str(inspection)]) == 0
    shown = capsys.readouterr().out
    assert f"自查.pdf is the file entry {made.audit_id} recorded (inspection-report" in shown, shown
    assert main([*argv, "--document", str(edited)]) == 4
    assert "recorded in no entry" in capsys.readouterr().out
