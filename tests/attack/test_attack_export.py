"""Hostile edits against the audit export's fast path (stored JSON written as is when
the row's hash proves it) and against an XLSX export's cells: an export of an edited
store either fails verification or shows exactly what the row holds, and an edited
workbook fails with a sentence."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from suitcheck.audit.export import HEADERS, MANIFEST_MAX_BYTES
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.store.sqlitetext import sqlite_text
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report, names_as_before_the_rule, pipe_written_late

RECORD_COLUMN = len(HEADERS)  # 1-based column of `canonical`


@pytest.fixture
def store(sqlite_services: Services, sqlite_target: str, tmp_path: Path) -> tuple[Services, Actor, str]:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, title="报告\x1b标题\u2028分隔")
    with names_as_before_the_rule():
        add_client(services, compliance, "X1", RiskProfile.C4, name="张\x01三")
    add_client(services, compliance, "X2", RiskProfile.C1)
    for client in ("X1", "X2", "X1"):
        services.access.check(compliance, client, report)
    # A long entry, so an XLSX record continues over several cells.
    rows = [{"key": f"客户{n:05d}", "state": f"{n:064x}", "table": "investor"} for n in range(700)]
    with services.ctx.core_transaction() as conn:
        services.ctx.sealer.append(
            conn, at=services.ctx.now(), staff="system", action=AuditAction.RECORD_SEALED.value, facts={"rows": rows}
        )
    services.access.check(compliance, "X2", report)
    return services, compliance, sqlite_target


def _checks(db: str) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT seq FROM audit_entry WHERE action = 'check' ORDER BY seq")]
    finally:
        conn.close()


def _edit(db: str, sql: str, *params: object) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        conn.execute(sql, params)
    finally:
        conn.close()


def _stored(db: str, seq: int) -> tuple[Any, ...]:
    """The entry's columns as suitcheck reads SQLite text (a BLOB as its text)."""
    conn = sqlite3.connect(db)
    conn.text_factory = sqlite_text
    try:
        row = conn.execute("SELECT reasons, facts, decision, staff FROM audit_entry WHERE seq = ?", (seq,)).fetchone()
        assert row is not None
        return tuple(sqlite_text(v) if isinstance(v, bytes) else v for v in row)
    finally:
        conn.close()


EDITS = {
    # same meaning, other text: key order and spacing
    "facts-reordered": ("UPDATE audit_entry SET facts = ? WHERE seq = ?", "reorder"),
    "facts-number-as-text": ("UPDATE audit_entry SET facts = ? WHERE seq = ?", "number-text"),
    "reasons-edited": ("UPDATE audit_entry SET reasons = ? WHERE seq = ?", '["allowed"]'),
    "reasons-spaced": ("UPDATE audit_entry SET reasons = ? WHERE seq = ?", "spaced"),
    "staff-trailing-space": ("UPDATE audit_entry SET staff = staff || ? WHERE seq = ?", " "),
    "decision-edited": ("UPDATE audit_entry SET decision = ? WHERE seq = ?", "allow"),
    "seq-as-real": ("UPDATE audit_entry SET investor_id = investor_id + ? WHERE seq = ?", 0.0),
    # Was BROKE (the whole export ended in 'unexpected error', JSONDecodeError/TypeError):
    # bytes that are not UTF-8 after the stored JSON (read as U+FFFD: no longer JSON), and
    # BLOBs where suitcheck writes text. The export shows what the row holds and fails
    # verification at that entry.
    "reasons-not-utf8": (
        "UPDATE audit_entry SET reasons = CAST(CAST(reasons AS BLOB) || ? AS TEXT) WHERE seq = ?",
        b"\xff",
    ),
    "facts-not-utf8": ("UPDATE audit_entry SET facts = CAST(CAST(facts AS BLOB) || ? AS TEXT) WHERE seq = ?", b"\xff"),
    "reasons-blob": ("UPDATE audit_entry SET reasons = CAST(CAST(reasons AS BLOB) || ? AS BLOB) WHERE seq = ?", b""),
    "facts-blob": ("UPDATE audit_entry SET facts = CAST(CAST(facts AS BLOB) || ? AS BLOB) WHERE seq = ?", b""),
    "at-blob": ("UPDATE audit_entry SET at = CAST(CAST(at AS BLOB) || ? AS BLOB) WHERE seq = ?", b""),
    "staff-blob": ("UPDATE audit_entry SET staff = CAST(CAST(staff AS BLOB) || ? AS BLOB) WHERE seq = ?", b"\xff"),
    "decision-blob": ("UPDATE audit_entry SET decision = CAST(CAST(decision AS BLOB) || ? AS BLOB) WHERE seq = ?", b""),
    "action-not-utf8": (
        "UPDATE audit_entry SET action = CAST(CAST(action AS BLOB) || ? AS TEXT) WHERE seq = ?",
        b"\xff",
    ),
}


def _value(db: str, seq: int, how: object) -> object:
    reasons, facts, *_ = _stored(db, seq)
    if how == "reorder":
        parsed = json.loads(facts)
        return json.dumps(dict(reversed(list(parsed.items()))), ensure_ascii=False, indent=1)
    if how == "number-text":
        parsed = json.loads(facts)
        key = next(k for k, v in parsed.items() if isinstance(v, int) and not isinstance(v, bool))
        parsed[key] = str(parsed[key])
        return json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if how == "spaced":
        return json.dumps(json.loads(reasons), indent=2)
    return how


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_an_edited_entry_fails_or_is_shown_as_it_is(
    store: tuple[Services, Actor, str], tmp_path: Path, edit: str, fmt: str
) -> None:
    services, compliance, db = store
    seq = _checks(db)[1]
    sql, how = EDITS[edit]
    _edit(db, sql, _value(db, seq, how), seq)
    reasons, facts, decision, who = _stored(db, seq)
    out = tmp_path / f"audit.{fmt}"
    services.audit.export(compliance, out, fmt)
    check = services.audit.verify_file(compliance, out)
    store_check = services.audit.verify(compliance)
    if not check.ok:
        assert check.result.problem  # a sentence
        assert not store_check.ok
        return
    # Verified: then the export shows exactly what the row holds (in meaning) ...
    jsonl = tmp_path / "again.jsonl"
    services.audit.export(compliance, jsonl, "jsonl")
    shown = next(r for r in _records(jsonl) if r["seq"] == seq)
    assert (shown["reasons"], shown["facts"], shown["decision"], shown["staff"]) == (
        json.loads(reasons),
        json.loads(facts),
        decision,
        who,
    )
    # ... and only an edit of form, never of meaning, verifies. (Noted: for a form-only
    # edit of facts/reasons the store's own `audit verify` reports the entry altered,
    # since it hashes the stored text, while the export, re-encoding it, verifies; the
    # path the fast writer replaced did the same.)
    # A BLOB holding the very bytes of its text is an edit of form too.
    form_only = (
        "facts-reordered",
        "reasons-spaced",
        "seq-as-real",
        "reasons-blob",
        "facts-blob",
        "at-blob",
        "decision-blob",
    )
    assert edit in form_only, (edit, store_check.problem)


def _split_row(sheet: Any) -> Any:
    return next(r for r in sheet.iter_rows() if any(c.value is not None for c in r[len(HEADERS) :]))


def _damage(book: Any, damage: str) -> None:  # noqa: C901 - one branch per damage
    sheet = book.worksheets[0]
    if damage == "extra-sheet":
        book.create_sheet("notes")["A1"] = "x"
        return
    if damage == "readable-cell":
        row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
        row[3].value = "open"  # the action
        return
    if damage == "readable-number-as-text":
        row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
        row[0].value = f"0{row[0].value}"  # seq with a leading zero
        return
    if damage == "delete-last-row":
        sheet.delete_rows(sheet.max_row)
        return
    if damage == "duplicate-a-row":
        values = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
        sheet.insert_rows(3)
        for column, value in enumerate(values, start=1):
            sheet.cell(row=3, column=column, value=value)
        return
    if damage == "split-a-short-record":  # the same text over two cells: nothing changed in substance
        cell = sheet.cell(row=2, column=RECORD_COLUMN)
        text = str(cell.value)
        cell.value, sheet.cell(row=2, column=RECORD_COLUMN + 1).value = text[:10], text[10:]
        return
    row = _split_row(sheet)
    pieces = [c for c in row[RECORD_COLUMN - 1 :] if c.value is not None]
    below = sheet.cell(row=row[0].row + 1, column=RECORD_COLUMN)
    if damage == "move-piece-down":
        last = pieces[-1]
        sheet.cell(row=below.row, column=RECORD_COLUMN + 1, value=last.value)
        last.value = None
    elif damage == "move-piece-right":
        last = pieces[-1]
        sheet.cell(row=last.row, column=last.column + 2, value=last.value)
        last.value = None
    elif damage == "swap-record-with-next-row":
        record = pieces[0].value
        pieces[0].value, below.value = below.value, record
    elif damage == "formula-in-readable":
        sheet.cell(row=2, column=3, value="=A1")


DAMAGES = [
    "extra-sheet",
    "readable-cell",
    "readable-number-as-text",
    "move-piece-down",
    "move-piece-right",
    "swap-record-with-next-row",
    "formula-in-readable",
    "delete-last-row",
    "duplicate-a-row",
]


def test_a_record_split_at_another_place_still_verifies(store: tuple[Services, Actor, str], tmp_path: Path) -> None:
    """The joined text is what is verified: a record re-split over two cells (nothing
    changed in substance) still verifies; only where a record breaks is not fixed."""
    services, compliance, _db = store
    out = tmp_path / "audit.xlsx"
    services.audit.export(compliance, out, "xlsx")
    book = load_workbook(out)
    _damage(book, "split-a-short-record")
    book.save(out)
    assert services.audit.verify_file(compliance, out).ok


@pytest.mark.parametrize("damage", DAMAGES)
def test_an_edited_workbook_fails_with_a_sentence(
    store: tuple[Services, Actor, str], tmp_path: Path, damage: str
) -> None:
    services, compliance, _db = store
    out = tmp_path / "audit.xlsx"
    services.audit.export(compliance, out, "xlsx")
    assert services.audit.verify_file(compliance, out).ok
    book = load_workbook(out)
    _damage(book, damage)
    book.save(out)
    check = services.audit.verify_file(compliance, out)
    assert not check.ok, damage
    problem = check.result.problem or ""
    assert problem
    assert "Traceback" not in problem
    assert "\n" not in problem, problem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe is a POSIX file (Windows has none in a folder)")
def test_a_pipe_in_the_manifests_place_is_refused_unread(store: tuple[Services, Actor, str], tmp_path: Path) -> None:
    """Was BROKE: whoever hands an export over can put a named pipe (or a link to
    /dev/zero) in its manifest's place; verify read it whole, waiting on the pipe for a
    writer for ever (here a writer comes after a while, so the test fails rather than hangs:
    then the "manifest" read was what the writer chose). Now refused at once, unread."""
    services, compliance, _db = store
    out = tmp_path / "audit.jsonl"
    services.audit.export(compliance, out, "jsonl")
    manifest = out.with_name(out.name + ".manifest.json")
    genuine = manifest.read_bytes()
    manifest.unlink()
    with pipe_written_late(manifest, genuine):
        check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert check.result.problem == "The manifest audit.jsonl.manifest.json is damaged."


def test_a_manifest_longer_than_any_is_refused_unread(store: tuple[Services, Actor, str], tmp_path: Path) -> None:
    """A manifest padded past MANIFEST_MAX_BYTES (valid JSON all the same) is no manifest
    suitcheck writes: damaged, read no further than the bound."""
    services, compliance, _db = store
    out = tmp_path / "audit.jsonl"
    services.audit.export(compliance, out, "jsonl")
    manifest = out.with_name(out.name + ".manifest.json")
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text + " " * (MANIFEST_MAX_BYTES + 1 - len(text.encode())), encoding="utf-8")
    check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert check.result.problem == "The manifest audit.jsonl.manifest.json is damaged."
