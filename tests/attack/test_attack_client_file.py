"""Hostile edits of client rows (straight into SQLite) against the client export and the
client import: a row changed outside suitcheck is never re-sealed by an import (no
laundering), whatever file is imported, and the export marks such a row."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from suitcheck.domain.clients import FIELDS
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.client_import import CHANGED_HEADER, EXPORT_HEADERS, ClientsExported
from suitcheck.services.errors import PermissionDenied, ServiceError
from suitcheck.store.models import Investor
from tests.attack.test_attack_list import shell
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report, names_as_before_the_rule


@pytest.fixture
def world(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor, int, int]:
    """A C1 client (lowest category) and a sound C5 client, and an R3 report."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    odd = add_client(services, compliance, "ODD", RiskProfile.C1, lowest_category=True)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    return services, compliance, r3, odd


def _seal(services: Services, account: str) -> str:
    with services.store.engine.connect() as conn:
        return str(conn.execute(select(Investor.integrity).where(Investor.account == account)).scalar_one())


def _still_blocked(services: Services, compliance: Actor, r3: int, odd: int, seal: str) -> None:
    """The edited row was not re-sealed: its seal is the one the edit left, `check` blocks
    it for record-integrity, the client list marks it and `audit verify` names it."""
    assert _seal(services, "ODD") == seal
    assert services.access.check(compliance, str(odd), r3).to_dict()["reasons"] == ["record-integrity"]
    assert not services.investors.get(compliance, odd).record_intact
    verified = services.audit.verify(compliance)
    assert not verified.ok
    assert verified.problem == "client ODD's record was changed outside suitcheck (its seal does not match)"


def _edited_copy(source: Path, target: Path, account: str, **cells: str) -> None:
    """`source` (an export) written to `target` as CSV with the account's row given these
    cells (by field name), as a clerk would edit the file."""
    rows = _rows(source)
    columns = {rows[0].index(EXPORT_HEADERS[FIELDS.index(field)]): value for field, value in cells.items()}
    for row in rows[1:]:
        if row[0] == account:
            for column, value in columns.items():
                row[column] = value
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _rows(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    book = openpyxl.load_workbook(path, read_only=True)
    return [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_reimport_does_not_launder_a_profile_raised_in_sql(
    world: tuple[Services, Actor, int, int], tmp_path: Path, suffix: str
) -> None:
    """C1 raised to C5 in SQL; the clients are exported (the row as it now stands, marked)
    and the file imported again: the row is unchanged by the file, so nothing is written
    and nothing re-sealed; the client stays blocked."""
    services, compliance, r3, odd = world
    shell(services, f"UPDATE investor SET current_profile = 5, lowest_category = 0 WHERE id = {odd}")
    seal = _seal(services, "ODD")
    out = tmp_path / f"clients{suffix}"
    assert services.client_files.export_clients(compliance, out) == ClientsExported(2, 1)
    rows = _rows(out)
    assert rows[0] == [*EXPORT_HEADERS, CHANGED_HEADER]
    marks = {row[0]: row[-1] for row in rows[1:]}
    assert marks["FINE"] == ""
    assert marks["ODD"] != ""  # the row is marked as changed outside suitcheck
    (entry,) = services.audit.browse(compliance, AuditFilter(action=AuditAction.CLIENT_EXPORT), limit=1)
    facts = json.loads(entry.facts)
    assert (facts["count"], facts["changed_outside"]) == (2, 1)
    again = services.client_files.import_clients(compliance, out)
    assert (again.unchanged, again.changed, again.new, again.invalid) == (2, 0, 0, 0)
    _still_blocked(services, compliance, r3, odd, seal)


def test_importing_a_file_that_holds_the_edited_values_does_not_launder(
    world: tuple[Services, Actor, int, int], tmp_path: Path
) -> None:
    services, compliance, r3, odd = world
    before = tmp_path / "before.csv"
    services.client_files.export_clients(compliance, before)
    shell(services, f"UPDATE investor SET current_profile = 5, lowest_category = 0 WHERE id = {odd}")
    seal = _seal(services, "ODD")
    edited = tmp_path / "edited.csv"
    _edited_copy(before, edited, "ODD", profile="C5", lowest_category="否")
    result = services.client_files.import_clients(compliance, edited)
    assert (result.unchanged, result.changed) == (2, 0)
    _still_blocked(services, compliance, r3, odd, seal)


@pytest.mark.parametrize("partial", [False, True])
def test_reimporting_an_older_export_over_an_edited_row_is_refused(
    world: tuple[Services, Actor, int, int], tmp_path: Path, partial: bool
) -> None:
    """An export made before the edit differs from the edited row: the import would write
    (and seal) it, so it is refused in one sentence and nothing is written, even with
    --partial; the row stays as the edit left it, blocked, for compliance to investigate.
    The dry run says so too: it listed the row as a change and exit 0 (the wizard let the
    import go ahead), then the import was refused."""
    services, compliance, r3, odd = world
    older = tmp_path / "older.xlsx"
    services.client_files.export_clients(compliance, older)
    shell(services, f"UPDATE investor SET current_profile = 5, lowest_category = 0 WHERE id = {odd}")
    seal = _seal(services, "ODD")
    for dry_run in (True, False):
        with pytest.raises(ServiceError, match="The client record 'ODD' was changed outside suitcheck"):
            services.client_files.import_clients(compliance, older, partial=partial, dry_run=dry_run)
    _still_blocked(services, compliance, r3, odd, seal)


@pytest.mark.parametrize(
    "edit",
    [
        "integrity = NULL",
        "reassessment_due = 0",  # not in the file: the import never looks at it
        "current_assessed_on = '2099-01-01'",
    ],
)
def test_no_import_reseals_a_row_whatever_was_edited(
    world: tuple[Services, Actor, int, int], tmp_path: Path, edit: str
) -> None:
    services, compliance, r3, odd = world
    services.investors.mark_reassessment_due(compliance, odd, "moved abroad")
    older = tmp_path / "older.csv"
    services.client_files.export_clients(compliance, older)
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    seal = _seal(services, "ODD")
    current = tmp_path / "current.csv"
    services.client_files.export_clients(compliance, current)
    for path in (current, older):
        for partial in (False, True):
            outcome = _import(services, compliance, path, partial)
            # Nothing to write for the row (the file says what it holds), a row the rules
            # refuse (a future date), or the refusal of the changed row: never a re-seal.
            assert outcome in ("the row unchanged", "invalid rows") or "was changed outside suitcheck" in outcome
            _still_blocked(services, compliance, r3, odd, seal)


def _import(services: Services, actor: Actor, path: Path, partial: bool) -> str:
    try:
        result = services.client_files.import_clients(actor, path, partial=partial)
    except ServiceError as exc:
        return str(exc)
    if result.invalid:
        return "invalid rows"
    assert (result.changed, result.unchanged) == (0, 2), result.to_dict()
    return "the row unchanged"


def test_an_admin_cannot_import_clients_at_all(world: tuple[Services, Actor, int, int], tmp_path: Path) -> None:
    services, compliance, r3, odd = world
    admin = staff(services, Role.ADMIN)
    shell(services, f"UPDATE investor SET current_profile = 5, lowest_category = 0 WHERE id = {odd}")
    seal = _seal(services, "ODD")
    out = tmp_path / "clients.csv"
    services.client_files.export_clients(admin, out)
    with pytest.raises(PermissionDenied):
        services.client_files.import_clients(admin, out)
    _still_blocked(services, compliance, r3, odd, seal)


@pytest.mark.parametrize("flag", ["'yes'", "2", "'true'"])
def test_a_flag_stored_as_suitcheck_never_writes_it_is_not_lifted_by_an_import(
    world: tuple[Services, Actor, int, int], tmp_path: Path, flag: str
) -> None:
    """Was BROKE: the lowest-category flag rewritten in SQL from 1 to 'yes' (or 2) reads as
    true in Python, so the row's seal still held, but the import decides in SQL, where
    `IS 1` is false for it: a file saying 否 lifted the lowest category without the refusal
    such a lift meets (compliance, with a reason, by investor edit) and sealed the row as
    sound. The import now refuses the row as changed outside suitcheck; nothing is written."""
    services, compliance, r3, odd = world
    out = tmp_path / "clients.csv"
    services.client_files.export_clients(compliance, out)
    shell(services, f"UPDATE investor SET lowest_category = {flag} WHERE id = {odd}")
    seal = _seal(services, "ODD")
    _edited_copy(out, out, "ODD", lowest_category="否")
    with pytest.raises(ServiceError, match="The client record 'ODD' was changed outside suitcheck"):
        services.client_files.import_clients(compliance, out, partial=True)
    assert _seal(services, "ODD") == seal
    assert services.investors.get(compliance, odd).lowest_category  # still in the lowest category
    assert services.access.check(compliance, str(odd), r3).to_dict()["decision"] == "block"


@pytest.mark.parametrize(
    "edit",
    [
        None,  # a name suitcheck itself takes with a control character in it
        "account = 'ODD' || char(0)",  # an account changed outside suitcheck
        "name = 'ODD' || char(11) || 'x'",
    ],
)
def test_a_control_character_an_xlsx_cannot_hold_is_a_sentence_not_a_crash(
    world: tuple[Services, Actor, int, int], tmp_path: Path, edit: str | None
) -> None:
    """Was BROKE: the XLSX client export raised openpyxl's IllegalCharacterError (a raw
    exception, a traceback at the CLI) for a client whose name or account holds a C0
    control character. Now one sentence naming the client and saying to export to CSV,
    and no file is left; the CSV export writes the row, and importing it changes nothing
    (a NUL makes the CSV binary to the import, which refuses it in a sentence)."""
    services, compliance, r3, odd = world
    if edit is None:
        with names_as_before_the_rule():
            services.investors.add(
                compliance, account="CTRL", name="张\x01三", profile=RiskProfile.C4, assessed_on=dt.date(2026, 5, 1)
            )
    else:
        shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    out = tmp_path / "clients.xlsx"
    with pytest.raises(ServiceError, match=r"holds a control character an XLSX file cannot hold; export the clients"):
        services.client_files.export_clients(compliance, out)
    assert not out.exists()
    csv_out = tmp_path / "clients.csv"
    exported = services.client_files.export_clients(compliance, csv_out)
    assert exported.count == 3 if edit is None else 2
    if edit is not None and "char(0)" in edit:
        with pytest.raises(ServiceError, match="The file is binary data, not text."):
            services.client_files.import_clients(compliance, csv_out)
        return
    result = services.client_files.import_clients(compliance, csv_out)
    assert (result.changed, result.new, result.invalid) == (0, 0, 0), result.to_dict()


@pytest.mark.parametrize(
    ("edit", "refused"),
    [
        ("lowest_category = 1.5", True),  # true to Python, neither 0 nor 1 to SQL
        ("lowest_category = X'01'", True),
        # The seal fails (Python reads the flag true); the lift is an invalid row.
        ("special_attention = 2", False),
        ("current_assessed_on = current_assessed_on || ' '", False),  # the same day to Python's reader
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("role", [Role.ADVISOR, Role.COMPLIANCE])
def test_an_edited_export_imported_by_either_role_reseals_nothing(
    world: tuple[Services, Actor, int, int], tmp_path: Path, edit: str, refused: bool, suffix: str, role: Role
) -> None:
    """Held (attack7): the row edited in SQL, then an export made before the edit, with
    the client's lowest category lifted (否) and a new name, imported with --partial. An
    advisor may not import; compliance meets the refusal of the changed row or an invalid
    row; never a write over it, so never a new seal: `check` still blocks the client."""
    services, compliance, r3, odd = world
    actor = compliance if role is Role.COMPLIANCE else staff(services, role)
    out = tmp_path / f"clients{suffix}"
    services.client_files.export_clients(compliance, out)
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    seal = _seal(services, "ODD")
    rows = _rows(out)
    lowest = rows[0].index(EXPORT_HEADERS[FIELDS.index("lowest_category")])
    name = rows[0].index(EXPORT_HEADERS[FIELDS.index("name")])
    for row in rows[1:]:
        if row[0] == "ODD":
            row[lowest], row[name] = "否", "新名字"
    if suffix == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(out)
    if role is Role.ADVISOR:
        with pytest.raises(PermissionDenied):
            services.client_files.import_clients(actor, out, partial=True)
    elif refused:
        with pytest.raises(ServiceError, match="The client record 'ODD' was changed outside suitcheck"):
            services.client_files.import_clients(actor, out, partial=True)
    else:
        result = services.client_files.import_clients(actor, out, partial=True)
        assert (result.changed, result.invalid) == (0, 1), result.to_dict()
    assert _seal(services, "ODD") == seal
    assert services.access.check(compliance, str(odd), r3).to_dict()["decision"] == "block"
