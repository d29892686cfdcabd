"""Exports in three formats, offline verification, masking, formula neutralisation, failures."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.demo import make_id_number
from suitcheck.services.errors import InvalidInput, ServiceError
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report

ID_NUMBER = make_id_number("110105", dt.date(1961, 8, 9), 31)


@pytest.fixture
def store(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor]:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, title='=HYPERLINK("http://evil","点我")研究报告')
    services.investors.add(
        compliance,
        account="E1",
        name="@SUM(1+1)",
        id_number=ID_NUMBER,
        profile=RiskProfile.C4,
        assessed_on=dt.date(2026, 5, 1),
    )
    add_client(services, compliance, "E2", RiskProfile.C1)
    for account in ("E1", "E2", "E1"):
        services.access.check(compliance, account, report)
    return services, compliance


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_export_verifies_offline(store: tuple[Services, Actor], tmp_path: Path, fmt: str) -> None:
    services, compliance = store
    out = tmp_path / f"audit.{fmt}"
    manifest = services.audit.export(compliance, out, fmt)
    assert out.exists()
    assert (tmp_path / f"audit.{fmt}.manifest.json").exists()
    assert manifest["count"] >= 5
    assert manifest["first_seq"] == 1
    assert not manifest["filtered"]
    check = services.audit.verify_file(compliance, out)
    assert check.ok
    assert check.signature == "valid"
    assert check.result.count == manifest["count"]


def test_csv_has_bom_masks_ids_and_neutralises_formulas(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    out = tmp_path / "audit.csv"
    services.audit.export(compliance, out, "csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert ID_NUMBER not in text
    assert ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in text
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        for column, value in row.items():
            if column != "canonical":
                assert not value.startswith(("=", "+", "-", "@")), (column, value)
    assert any(r["client_name"] == "'@SUM(1+1)" for r in rows)
    assert any(r["report_title"].startswith("'=HYPERLINK") for r in rows)


def test_full_id_numbers_only_on_request_by_compliance(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    out = tmp_path / "full.jsonl"
    services.audit.export(compliance, tmp_path / "full.csv", "csv", full_id_numbers=True)
    assert ID_NUMBER in (tmp_path / "full.csv").read_text(encoding="utf-8-sig")
    services.audit.export(compliance, out, "jsonl")
    assert ID_NUMBER not in out.read_text(encoding="utf-8")  # canonical entries never hold ID numbers


def test_xlsx_has_header_frozen_panes_and_widths(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    out = tmp_path / "audit.xlsx"
    services.audit.export(compliance, out, "xlsx")
    sheet = load_workbook(out).worksheets[0]
    assert sheet["A1"].value == "seq"
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["I"].width >= 30
    titles = [c.value for c in sheet["I"] if c.value]
    assert any(str(t).startswith("'=HYPERLINK") for t in titles)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_filtered_export(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    e1 = services.investors.get(compliance, "E1").id
    out = tmp_path / "e1.jsonl"
    manifest = services.audit.export(compliance, out, "jsonl", AuditFilter(investor_id=e1, action=None))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert manifest["filtered"]
    assert {r["investor_id"] for r in lines} == {e1}
    assert services.audit.verify_file(compliance, out).ok


@pytest.mark.parametrize("damage", ["edit", "truncate", "drop-middle", "reorder"])
def test_tampered_export_fails(store: tuple[Services, Actor], tmp_path: Path, damage: str) -> None:
    services, compliance = store
    out = tmp_path / "audit.jsonl"
    services.audit.export(compliance, out, "jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    if damage == "edit":
        assert '"staff":"' in lines[3]
        lines[3] = lines[3].replace('"staff":"', '"staff":"x', 1)
    elif damage == "truncate":
        lines = lines[:-1]
    elif damage == "drop-middle":
        del lines[2]
    else:
        lines[2], lines[3] = lines[3], lines[2]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = services.audit.verify_file(compliance, out)
    assert not check.ok


def test_tampered_csv_cell_fails(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    out = tmp_path / "audit.csv"
    services.audit.export(compliance, out, "csv")
    text = out.read_text(encoding="utf-8-sig")
    out.write_text(text.replace('""decision"":""block""', '""decision"":""allow""', 1), encoding="utf-8-sig")
    assert not services.audit.verify_file(compliance, out).ok


def test_forged_manifest_signature_fails(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    out = tmp_path / "audit.jsonl"
    services.audit.export(compliance, out, "jsonl")
    manifest_path = tmp_path / "audit.jsonl.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["exported_by"] = "someone-else"
    manifest_path.write_text(json.dumps(manifest))
    check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert check.signature == "invalid"


def test_bad_export_destinations_leave_the_store_untouched(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    before = services.audit.count(compliance)
    with pytest.raises(ServiceError, match="does not exist"):
        services.audit.export(compliance, tmp_path / "no" / "such" / "dir" / "a.csv", "csv")
    with pytest.raises(ServiceError, match="folder"):
        services.audit.export(compliance, tmp_path, "csv")
    # Only the seals made before writing were added; no other entries, no partial files.
    added = services.audit.browse(compliance, limit=services.audit.count(compliance) - before)
    assert {e.action for e in added} <= {"seal"}
    assert not list(tmp_path.glob(".*.csv.*"))


def test_disk_full_during_export(
    store: tuple[Services, Actor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from suitcheck.audit import export

    services, compliance = store
    before = services.audit.count(compliance)

    def full_disk(handle: object, rows: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(export._WRITERS, "csv", full_disk)
    with pytest.raises(ServiceError, match="No space left"):
        services.audit.export(compliance, tmp_path / "a.csv", "csv")
    assert not (tmp_path / "a.csv").exists()
    assert not list(tmp_path.glob(".a.csv*"))
    added = services.audit.browse(compliance, limit=services.audit.count(compliance) - before)
    assert {e.action for e in added} == {"seal"}
    assert services.audit.verify(compliance).ok


@pytest.mark.parametrize("content", ["", "not json\n", '{"seq": 1}\n'])
def test_garbage_export_file(store: tuple[Services, Actor], tmp_path: Path, content: str) -> None:
    services, compliance = store
    out = tmp_path / "audit.jsonl"
    services.audit.export(compliance, out, "jsonl")
    out.write_text(content, encoding="utf-8")
    try:
        check = services.audit.verify_file(compliance, out)
    except InvalidInput:
        return
    assert not check.ok


def test_missing_manifest_fails_verification(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    lonely = tmp_path / "lonely.jsonl"
    lonely.write_text("{}\n")
    check = services.audit.verify_file(compliance, lonely)
    assert not check.ok
    assert "manifest" in (check.result.problem or "")


def test_later_export_proves_the_earlier_is_its_prefix(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    earlier, later = tmp_path / "earlier.jsonl", tmp_path / "later.csv"
    services.audit.export(compliance, earlier, "jsonl")
    services.access.check(compliance, "E2", 1)
    services.audit.export(compliance, later, "csv")
    assert services.audit.verify_file(compliance, later, earlier=earlier).ok
    # The other way round: the shorter export does not hold the longer one's last entry.
    swapped = services.audit.verify_file(compliance, earlier, earlier=later)
    assert not swapped.ok
    assert "does not contain" in (swapped.result.problem or "")


def test_rewritten_earlier_export_fails_even_re_signed_with_todays_key(
    store: tuple[Services, Actor], tmp_path: Path
) -> None:
    """An insider holding today's key rewrites an entry of an earlier export, recomputes
    every hash and MAC (closed epochs' MAC keys are public) and re-signs the manifest:
    the seal after the entry was signed by a key that no longer exists, so it fails."""
    import hashlib

    from suitcheck.audit.chain import canonical_entry, canonical_json, entry_hash, entry_mac
    from suitcheck.audit.export import manifest_message

    services, compliance = store
    earlier = tmp_path / "earlier.jsonl"
    services.audit.export(compliance, earlier, "jsonl")
    records = [json.loads(line) for line in earlier.read_text(encoding="utf-8").splitlines()]
    seal_keys = {}
    for r in records:
        if r["action"] == "seal":
            seal_keys[r["seq"]] = bytes.fromhex(r["facts"]["mac_key"])
    target = next(r for r in records if r["action"] == "check")
    target["decision"] = "block" if target["decision"] != "block" else "allow"
    prev = records[0]["prev_hash"]
    for r in records:
        r["prev_hash"] = prev
        r["entry_hash"] = entry_hash(
            canonical_entry(
                r["seq"], r["at"], r["staff"], r["action"], r["investor_id"], r["report_id"], r["decision"],
                canonical_json(r["reasons"]), canonical_json(r["facts"]), r["prev_hash"], r.get("chain"),
            )
        )  # fmt: skip
        key = next(k for seq, k in sorted(seal_keys.items()) if seq >= r["seq"])
        r["mac"] = entry_mac(key, r["entry_hash"])
        prev = r["entry_hash"]
    earlier.write_text("".join(canonical_json(r) + "\n" for r in records), encoding="utf-8")
    manifest_path = tmp_path / "earlier.jsonl.manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["file_sha256"] = hashlib.sha256(earlier.read_bytes()).hexdigest()
    manifest["last_hash"] = records[-1]["entry_hash"]
    manifest["entries_sha256"] = hashlib.sha256(
        "".join(f"{r['seq']}:{r['entry_hash']}\n" for r in records).encode()
    ).hexdigest()
    manifest["signature"] = services.ctx.sealer.sign(manifest_message(manifest))[2]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    check = services.audit.verify_file(compliance, earlier)
    assert not check.ok
    assert "no longer matches the trail" in (check.result.problem or ""), check.result.problem


def test_csv_keeps_a_line_break_inside_its_cell(
    store: tuple[Services, Actor], sqlite_target: str, tmp_path: Path
) -> None:
    """A client name holding CR/LF (written outside suitcheck) is quoted in the CSV, so the
    row stays one row and verifies; an edit of that cell in a text editor is still caught.
    (The readable cells were once written with the delimiter as csv's line terminator,
    which left CR and LF unquoted and split the row.)"""
    services, compliance = store
    conn = sqlite3.connect(sqlite_target, isolation_level=None)
    conn.execute("UPDATE investor SET name = ? WHERE account = 'E2'", ("两行\r\n文字",))
    conn.close()
    out = tmp_path / "audit.csv"
    services.audit.export(compliance, out, "csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert {len(row) for row in rows} == {16}
    assert "两行\r\n文字" in [row[5] for row in rows]
    assert services.audit.verify_file(compliance, out).ok
    text = out.read_bytes().decode("utf-8-sig")
    out.write_bytes(("\ufeff" + text.replace('"两行\r\n文字"', '"两行\r\n改字"', 1)).encode("utf-8"))
    check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert "client_name" in str(check.result.problem)
