"""The streaming export writes exactly what the simple per-entry path (ExportRow: decode
the stored JSON, re-encode it, neutralise every cell) writes, for intact and for altered
entries, with control characters, formula-like values, CJK text and empty columns."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from suitcheck.audit import export
from suitcheck.audit.chain import canonical_json
from suitcheck.audit.export import HEADERS, ExportRow, neutralise, xlsx_pieces, xlsx_shown
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.identity import mask_id_number
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Permission, Role
from suitcheck.services import Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.demo import make_id_number
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report, names_as_before_the_rule

CONTROL_NAME = "张\x07三\x1b[2J"
ODD_FACTS: dict[str, Any] = {
    "profile": "=1+1",
    "level": "-R3",
    "policy_version": 2,
    "note": '引号"与\\反斜杠\u202e\x00',
    "n": [1.5, None, True],
}


def _build(services: Services, tmp_path: Path, *, control_characters: bool) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    formula = import_text_report(services, compliance, tmp_path, title='=HYPERLINK("http://evil","点我")研究报告')
    plain = import_text_report(services, compliance, tmp_path, title="中文标题：先进封装\t制表")
    names = ["@SUM(1+1)", "+86 客户", "-负号", "\t制表", "\r回车", "普通客户"]
    if control_characters:
        names.append(CONTROL_NAME)
    with names_as_before_the_rule():  # hostile names, as a store from before the rule holds them
        for n, name in enumerate(names):
            account = f"Q{n}"
            id_number = make_id_number("110105", dt.date(1961, 8, 9), n + 1) if n % 2 else None
            services.investors.add(
                compliance,
                account=account,
                name=name,
                id_number=id_number,
                profile=RiskProfile.C4,
                assessed_on=dt.date(2026, 5, 1),
            )
            services.access.check(compliance, account, formula if n % 2 else plain)
    add_client(services, compliance, "Q-plain", RiskProfile.C1)
    services.access.check(compliance, "Q-plain", formula)
    with services.ctx.core_transaction() as conn:
        services.ctx.audit(
            conn, compliance, AuditAction.CHECK, decision="=d", reasons=["@x", "+y", "中文"], facts=ODD_FACTS
        )
        services.ctx.audit(conn, compliance, AuditAction.CHECK, reasons=[], facts={})


def _tamper(db: str) -> None:
    """Change entries as an insider with a SQL client would: non-canonical JSON text,
    a number stored as text, a changed decision (the writer must not tidy any of it)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    seqs = [r[0] for r in conn.execute("SELECT seq FROM audit_entry WHERE action = 'check' ORDER BY seq")]
    conn.execute("UPDATE audit_entry SET facts = ? WHERE seq = ?", ('{ "profile" : "C9",  "level":"R1"}', seqs[0]))
    conn.execute("UPDATE audit_entry SET reasons = ? WHERE seq = ?", ('[ "a" , "b"]', seqs[1]))
    conn.execute("UPDATE audit_entry SET investor_id = 'x' || investor_id WHERE seq = ?", (seqs[2],))
    conn.execute("UPDATE audit_entry SET decision = 'edited' WHERE seq = ?", (seqs[3],))
    conn.close()


def _source_rows(services: Services, full_id: bool = False) -> list[Sequence[Any]]:
    actor = services.ctx.require(staff(services, Role.COMPLIANCE), Permission.EXPORT_AUDIT)
    with services.ctx.transaction(read_only=True) as session:
        return list(services.audit._rows(session, actor, AuditFilter(), full_id))


# -- the reference: the simple per-entry path the export used before -----------------------


def _reference_jsonl(rows: Sequence[Sequence[Any]]) -> bytes:
    return b"".join((canonical_json(ExportRow(*r).record()) + "\n").encode("utf-8") for r in rows)


def _reference_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for r in rows:
        writer.writerow([neutralise(c) for c in ExportRow(*r).cells()])
    text.flush()
    return raw.getvalue()


def _reference_xlsx_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The XLSX rows the simple path implies: its CSV cells, the readable ones as
    xlsx_shown writes them, then the record (in one or more cells)."""
    out: list[tuple[Any, ...]] = [HEADERS]
    for r in rows:
        cells = [neutralise(c) for c in ExportRow(*r).cells()]
        shown = [xlsx_shown(c) for c in cells[:-1]]
        out.append((*[None if c == "" else c for c in shown], *xlsx_pieces(str(cells[-1]))))  # "" is a blank cell
    return out


def _sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    """The worksheet's cell values as Excel shows them (OOXML _xHHHH_ escapes undone),
    trailing empty cells dropped."""
    book = load_workbook(path, read_only=True)
    try:
        result = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            cells = [export._ooxml_text(c) for c in row]
            while cells and cells[-1] is None:
                cells.pop()
            result.append(tuple(cells))
        return result
    finally:
        book.close()


def _reference_manifest(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    entries, display = hashlib.sha256(), hashlib.sha256()
    for r in rows:
        row = ExportRow(*r)
        entries.update(f"{row.seq}:{row.entry_hash}\n".encode())
        display.update((canonical_json(row.display()) + "\n").encode())
    return {
        "count": len(rows),
        "first_seq": rows[0][0],
        "last_seq": rows[-1][0],
        "first_prev_hash": rows[0][9],
        "last_hash": rows[-1][10],
        "entries_sha256": entries.hexdigest(),
        "display_sha256": display.hexdigest(),
    }


def _write(rows: Sequence[Sequence[Any]], out: Path, fmt: str, *, masked: bool = False) -> dict[str, Any]:
    mask = mask_id_number if masked else None
    return export.write_export(out, fmt, iter(rows), sign=lambda message: "signed", context={}, mask_id=mask)


@pytest.fixture
def both(sqlite_services: Services, sqlite_target: str, tmp_path: Path) -> tuple[list[Any], list[Any]]:
    """The store's rows with full ID numbers, and masked by the service as before."""
    _build(sqlite_services, tmp_path, control_characters=True)
    _tamper(sqlite_target)
    return _source_rows(sqlite_services, full_id=True), _source_rows(sqlite_services)


@pytest.fixture
def rows(both: tuple[list[Any], list[Any]]) -> list[Sequence[Any]]:
    return both[1]


def test_the_fast_path_is_taken_for_intact_entries_only(rows: list[Sequence[Any]]) -> None:
    formatter = export._Formatter()
    slow = [r[0] for r in rows if formatter.parts(r, r[13]) is None]
    assert len(slow) == 4  # the four altered entries
    assert len(rows) > 20


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("masked", [True, False])
def test_same_bytes_as_the_simple_path(
    both: tuple[list[Any], list[Any]], tmp_path: Path, fmt: str, masked: bool
) -> None:
    full, shown = both
    rows = shown if masked else full
    assert any(CONTROL_NAME in str(r[12]) for r in rows)
    assert any(r[13] is None for r in rows)
    assert any(r[12] is None for r in rows)
    assert masked == any("********" in str(r[13]) for r in rows)
    out = tmp_path / f"audit.{fmt}"
    manifest = _write(full, out, fmt, masked=masked)  # the writer masks
    want = _reference_jsonl(rows) if fmt == "jsonl" else _reference_csv(rows)
    assert out.read_bytes() == want
    assert {k: manifest[k] for k in _reference_manifest(rows)} == _reference_manifest(rows)


@pytest.mark.parametrize("masked", [True, False])
def test_same_cells_in_xlsx(both: tuple[list[Any], list[Any]], tmp_path: Path, masked: bool) -> None:
    """Control characters included: they are written escaped (the export used to fail)."""
    full, shown = both
    rows = shown if masked else full
    assert any(CONTROL_NAME in str(r[12]) for r in rows)
    out = tmp_path / "audit.xlsx"
    manifest = _write(full, out, "xlsx", masked=masked)
    assert _sheet_rows(out) == _reference_xlsx_rows(rows)
    assert {k: manifest[k] for k in _reference_manifest(rows)} == _reference_manifest(rows)
    assert manifest["xlsx_cells"] == export.XLSX_CELLS
    names = [row[5] for row in _sheet_rows(out)]
    assert "张\\x07三\\x1b[2J" in names


def test_stored_json_that_does_not_parse_is_written_as_its_text(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path
) -> None:
    """Stored facts that are no JSON (changed outside suitcheck) are written as their text,
    by the fast writer as by the reference (both raised JSONDecodeError until session 8,
    which ended the whole export in 'unexpected error'); the export fails verification
    at that entry."""
    _build(sqlite_services, tmp_path, control_characters=False)
    conn = sqlite3.connect(sqlite_target, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    conn.execute("UPDATE audit_entry SET facts = '{not json' WHERE seq = 3")
    conn.close()
    rows = _source_rows(sqlite_services)
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"audit.{fmt}"
        _write(rows, out, fmt)
        assert out.read_bytes() == (_reference_jsonl(rows) if fmt == "jsonl" else _reference_csv(rows))
    assert json.loads((tmp_path / "audit.jsonl").read_bytes().splitlines()[2])["facts"] == "{not json"
