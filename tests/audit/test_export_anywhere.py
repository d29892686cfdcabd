"""Exports verify whole and anywhere: with only the filed public key, no store, no secret;
every edit of an export (cells, formulas, manifest) fails with exit 4."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from suitcheck.audit import keys
from tests.audit.conftest import Trail, cli

ROOT = Path(__file__).resolve().parents[2]


def export(trail: Trail, capsys: pytest.CaptureFixture[str], fmt: str, *extra: str) -> Path:
    out = trail.tmp / f"audit-{fmt}{'-'.join(extra)}.{fmt}"
    code, text = cli(
        trail, "audit", "export", "--format", fmt, "--out", str(out), "--user", "t-compliance", *extra, capsys=capsys
    )
    assert code == 0, text
    return out


def public_key_file(trail: Trail, capsys: pytest.CaptureFixture[str]) -> Path:
    code, text = cli(trail, "audit", "key", "show", capsys=capsys)
    assert code == 0, text
    filed = trail.tmp / "filed-public-keys.txt"
    filed.write_text(text, encoding="utf-8")
    return filed


def verify_elsewhere(path: Path, key: Path | str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """`audit verify FILE --public-key KEY` in a fresh process with an empty HOME and no
    suitcheck settings: no store, no keyring, no login."""
    home = tmp / "empty-home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUITCHECK_", "XDG_"))}
    env.update({"HOME": str(home), "PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    return subprocess.run(
        [sys.executable, "-m", "suitcheck", "audit", "verify", str(path), "--public-key", str(key)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_genuine_export_verifies_with_only_the_public_key(
    trail: Trail, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = export(trail, capsys, fmt)
    result = verify_elsewhere(out, public_key_file(trail, capsys), trail.tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout
    assert "signature valid" in result.stdout
    created = [p.name for p in (trail.tmp / "empty-home").rglob("*") if p.is_file()]
    assert not [n for n in created if n.endswith((".db", ".key", ".head"))], created  # no store, no key
    stranger = keys.printable_public(keys.public_hex(keys.new_private_key()))
    result = verify_elsewhere(out, stranger, trail.tmp)
    assert result.returncode == 4, result.stdout
    assert "not trusted" in result.stdout, result.stdout


def test_filtered_export_verifies_with_only_the_public_key(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(trail, capsys, "jsonl", "--decision", "allow")
    result = verify_elsewhere(out, public_key_file(trail, capsys), trail.tmp)
    assert result.returncode == 0, result.stdout + result.stderr


def _manifest(path: Path) -> tuple[Path, dict[str, object]]:
    manifest_path = path.with_name(path.name + ".manifest.json")
    return manifest_path, json.loads(manifest_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("damage", ["drop-signature-and-entry", "renumber", "rehash-all"])
def test_unsigned_or_rewritten_manifest_fails(trail: Trail, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    from suitcheck.audit.chain import canonical_entry, canonical_json, entry_hash

    out = export(trail, capsys, "jsonl")
    key = public_key_file(trail, capsys)
    manifest_path, manifest = _manifest(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    if damage == "drop-signature-and-entry":
        del records[5]
    elif damage == "renumber":
        del records[5]
        for r in records[5:]:
            r["seq"] -= 1
    prev = records[0]["prev_hash"]
    for r in records:
        r["prev_hash"] = prev
        r["entry_hash"] = entry_hash(
            canonical_entry(
                r["seq"], r["at"], r["staff"], r["action"], r["investor_id"], r["report_id"], r["decision"],
                canonical_json(r["reasons"]), canonical_json(r["facts"]), r["prev_hash"], r.get("chain"),
            )
        )  # fmt: skip
        prev = r["entry_hash"]
    out.write_text("".join(canonical_json(r) + "\n" for r in records), encoding="utf-8")
    manifest.pop("signature")
    manifest["count"] = len(records)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    result = verify_elsewhere(out, key, trail.tmp)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "no signature" in result.stdout


def _rewrite_csv(path: Path, edit: object) -> None:
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    edit(rows)  # type: ignore[operator]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("decision", "block", "column decision reads 'block'"),
        ("reasons", "profile-below-level", "column reasons"),
        ("level", "R1", "column level"),
        ("client_name", "张三", "column client_name"),
        ("client_account", "=1+1", "is a formula"),
        ("report_title", "@SUM(A1)", "is a formula"),
    ],
)
def test_edited_readable_csv_cell_fails(
    trail: Trail, capsys: pytest.CaptureFixture[str], column: str, value: str, words: str
) -> None:
    out = export(trail, capsys, "csv")
    key = public_key_file(trail, capsys)

    def edit(rows: list[list[str]]) -> None:
        index = rows[0].index(column)
        target = next(r for r in rows[1:] if r[rows[0].index("action")] == "check" and r[index] != value)
        target[index] = value

    _rewrite_csv(out, edit)
    result = verify_elsewhere(out, key, trail.tmp)
    assert result.returncode == 4, result.stdout
    assert words in result.stdout, result.stdout


def test_client_name_edited_in_both_the_cell_and_its_record_fails(
    trail: Trail, capsys: pytest.CaptureFixture[str]
) -> None:
    """The joined-in columns are not hashed; the signed manifest pins them by digest."""
    out = export(trail, capsys, "csv")
    key = public_key_file(trail, capsys)

    def edit(rows: list[list[str]]) -> None:
        header = rows[0]
        for r in rows[1:]:
            if r[header.index("client_name")]:
                record = json.loads(r[-1])
                record["display"]["client_name"] = "李四"
                r[header.index("client_name")] = "李四"
                r[-1] = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                return

    _rewrite_csv(out, edit)
    result = verify_elsewhere(out, key, trail.tmp)
    assert result.returncode == 4, result.stdout
    assert "client or report columns were edited" in result.stdout, result.stdout


def test_formula_planted_in_xlsx_fails(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(trail, capsys, "xlsx")
    key = public_key_file(trail, capsys)
    book = load_workbook(out)
    sheet = book.worksheets[0]
    sheet["F3"] = '=HYPERLINK("http://evil.example","点我")'
    book.save(out)
    result = verify_elsewhere(out, key, trail.tmp)
    assert result.returncode == 4, result.stdout
    assert "is a formula" in result.stdout, result.stdout


def test_xlsx_decision_edited_fails(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(trail, capsys, "xlsx")
    key = public_key_file(trail, capsys)
    book = load_workbook(out)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("decision") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == "allow")
    sheet.cell(row, column).value = "block"
    book.save(out)
    result = verify_elsewhere(out, key, trail.tmp)
    assert result.returncode == 4, result.stdout
    assert "column decision reads 'block'" in result.stdout, result.stdout


def test_missing_or_mismatched_manifest_fails(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    first = export(trail, capsys, "jsonl")
    key = public_key_file(trail, capsys)
    cli(trail, "check", "--investor", "T1", "--report", str(trail.report), "--user", "t-compliance", capsys=capsys)
    second = export(trail, capsys, "csv")
    manifest_path, _ = _manifest(first)
    saved = manifest_path.read_bytes()
    manifest_path.unlink()
    result = verify_elsewhere(first, key, trail.tmp)
    assert result.returncode == 4, result.stdout
    assert "manifest" in result.stdout, result.stdout
    assert "missing" in result.stdout, result.stdout
    # The other export's (genuine, signed) manifest beside this file: it does not describe it.
    manifest_path.write_bytes(_manifest(second)[0].read_bytes())
    result = verify_elsewhere(first, key, trail.tmp)
    assert result.returncode == 4, result.stdout
    manifest_path.write_bytes(saved)
    assert verify_elsewhere(first, key, trail.tmp).returncode == 0
