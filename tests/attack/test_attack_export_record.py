"""An insider edits a genuine CSV or XLSX export in a text editor or a spreadsheet, without
the audit key: the record a reader takes for the entry must be the one verified.

A CSV's or workbook's own bytes are not signed (a re-save may change them), so verify reads
each row's record and derives the readable cells from it. The record's text itself must then
be exactly what suitcheck writes, and sit in the 'canonical' column: JSON read by Python keeps
the last of two equal keys and ignores keys no record has, and the CSV reader took the row's
last cell as the record wherever that was."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from suitcheck.audit.chain import canonical_json
from suitcheck.audit.export import HEADERS
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report

RECORD = len(HEADERS) - 1  # index of the `canonical` column


@pytest.fixture
def store(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor]:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "K1", RiskProfile.C1)
    add_client(services, compliance, "K2", RiskProfile.C5)
    for client in ("K1", "K2"):
        services.access.check(compliance, client, report)
    return services, compliance


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _blocked(rows: list[list[str]]) -> list[str]:
    """The data row of the check that blocked K1."""
    return next(r for r in rows[1:] if json.loads(r[RECORD]).get("decision") == "block")


def _allowed(record: str) -> str:
    forged = json.loads(record)
    forged["decision"], forged["reasons"] = "allow", []
    return canonical_json(forged)


def test_a_forged_record_in_the_canonical_column_with_the_true_one_after_it_fails(
    store: tuple[Services, Actor], tmp_path: Path
) -> None:
    """The row's 'canonical' column says the client was allowed; the true record, in a 17th
    cell no header names, is what verify read: it said OK."""
    services, compliance = store
    out = tmp_path / "audit.csv"
    services.audit.export(compliance, out, "csv")
    rows = _rows(out)
    row = _blocked(rows)
    row[RECORD:] = [_allowed(row[RECORD]), row[RECORD]]
    _write(out, rows)
    check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert f"has {len(HEADERS) + 1} cells, not {len(HEADERS)}" in (check.result.problem or "")


@pytest.mark.parametrize(
    "edit",
    [
        # The first of two "decision" keys says allow; Python keeps the last.
        lambda text: text.replace('{"action":"check",', '{"action":"check","decision":"allow",', 1),
        # A key no record has, ignored by the verifier.
        lambda text: text.replace('{"action":"check",', '{"action":"check","approved_by":"compliance",', 1),
        # The same record re-serialised: other key order and spaces.
        lambda text: json.dumps(json.loads(text), ensure_ascii=False, indent=1),
    ],
    ids=["repeated-key", "added-key", "re-serialised"],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_record_not_written_as_suitcheck_writes_it_fails(
    store: tuple[Services, Actor], tmp_path: Path, edit: object, fmt: str
) -> None:
    services, compliance = store
    out = tmp_path / f"audit.{fmt}"
    services.audit.export(compliance, out, fmt)
    assert callable(edit)
    if fmt == "csv":
        rows = _rows(out)
        row = _blocked(rows)
        row[RECORD] = edit(row[RECORD])
        _write(out, rows)
    else:
        book = load_workbook(out)
        sheet = book.worksheets[0]
        cell = next(
            r[RECORD] for r in sheet.iter_rows(min_row=2) if json.loads(r[RECORD].value).get("decision") == "block"
        )
        cell.value = edit(cell.value)
        book.save(out)
    check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert "is not written as suitcheck writes it" in (check.result.problem or "")


def test_the_untouched_exports_still_verify(store: tuple[Services, Actor], tmp_path: Path) -> None:
    services, compliance = store
    for fmt in ("csv", "xlsx", "jsonl"):
        out = tmp_path / f"audit.{fmt}"
        services.audit.export(compliance, out, fmt)
        assert services.audit.verify_file(compliance, out).ok, fmt
