"""Hostile edits of client rows (straight into SQLite) against the re-assessment reminders:
a client whose row fails its seal is listed marked, never as if sound; one row holding a
value suitcheck never writes does not refuse the list; the written file says which rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import ServiceError
from suitcheck.services.reminders import REMINDER_COLUMNS
from tests.attack.test_attack_list import ODD_VALUES, shell
from tests.conftest import TODAY, add_client, staff
from tests.fixtures import import_text_report


@pytest.fixture
def world(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor, Actor, int, int]:
    """ODD and FINE: two ordinary clients whose assessments expired (both on the reminder
    list), ODD in the lowest category (C1); and an R3 report."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    odd = add_client(services, compliance, "ODD", RiskProfile.C1, 800, lowest_category=True)
    add_client(services, compliance, "FINE", RiskProfile.C4, 800)
    return services, compliance, advisor, r3, odd


def _written(services: Services, actor: Actor, out: Path) -> dict[str, dict[str, str]]:
    """The written reminder file's rows by account, as column -> cell."""
    services.reminders.write(actor, out, 800)
    if out.suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        book = openpyxl.load_workbook(out, read_only=True)
        rows = [["" if v is None else str(v) for v in r] for r in book.active.iter_rows(values_only=True)]
    header = rows.index(list(REMINDER_COLUMNS))
    return {row[1]: dict(zip(REMINDER_COLUMNS, row, strict=True)) for row in rows[header + 1 :]}


@pytest.mark.parametrize(
    "edit",
    [
        "current_profile = 5, lowest_category = 0",  # C1 raised to C5: would be listed as a sound C5
        "reassessment_due = 1",  # marked due without an entry in the trail
        "investor_class = 'professional-as-ordinary'",
        "integrity = NULL",
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_client_row_changed_in_sql_is_marked_in_the_reminders(
    world: tuple[Services, Actor, Actor, int, int], tmp_path: Path, edit: str, suffix: str
) -> None:
    """Was BROKE: the reminders showed an edited row as sound. Now the reminder carries the
    client list's mark (record_intact false), in the service, the JSON and the written file,
    whose audit entry counts such rows; every other row is not marked."""
    services, compliance, advisor, r3, odd = world
    assert all(r.investor.record_intact for r in services.reminders.reminders(advisor))
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    listed = {r.investor.account: r for r in services.reminders.reminders(advisor)}
    assert {a: r.investor.record_intact for a, r in listed.items()} == {"ODD": False, "FINE": True}
    assert json.loads(json.dumps(listed["ODD"].to_dict()))["record_intact"] is False
    assert services.reminders.count(advisor) == 2
    written = _written(services, advisor, tmp_path / f"r{suffix}")
    assert {a: row["record_intact"] for a, row in written.items()} == {"ODD": "no", "FINE": "yes"}
    (entry,) = services.audit.browse(compliance, AuditFilter(action=AuditAction.REMINDER_LIST), limit=1)
    assert json.loads(entry.facts)["changed_outside"] == 1
    assert services.access.check(advisor, str(odd), r3).to_dict()["reasons"] == ["record-integrity"]


@pytest.mark.parametrize("edit", ODD_VALUES)
def test_a_value_no_reader_takes_does_not_refuse_the_reminders(
    world: tuple[Services, Actor, Actor, int, int], tmp_path: Path, edit: str
) -> None:
    """Was BROKE (the whole list refused with one sentence, or a raw error, for one row):
    a value of a type suitcheck never writes in one client's row. The list, its count and
    the written file still come; each listed row is marked exactly as the client list marks
    it (as unreadable when nothing in it can be read), and FINE is listed sound."""
    services, compliance, _advisor, _r3, odd = world
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    listed = {r.investor.id: r for r in services.reminders.reminders(compliance, 800)}
    in_client_list = {v.id: v.record_intact for v in services.investors.search(compliance, "")}
    assert {i: r.investor.record_intact for i, r in listed.items()} == {i: in_client_list[i] for i in listed}
    assert [r.investor.account for r in listed.values() if r.investor.record_intact and r.investor.id != odd] == [
        "FINE"
    ]
    for r in listed.values():
        json.dumps(r.to_dict())
    assert services.reminders.count(compliance, 800) >= 1
    written = _written(services, compliance, tmp_path / "r.xlsx")
    assert written["FINE"]["record_intact"] == "yes"
    shown = {r.investor.account: "yes" if r.investor.record_intact else "no" for r in listed.values()}
    assert {a: row["record_intact"] for a, row in written.items()} == shown


def test_an_unreadable_row_is_listed_as_due_not_dropped(
    world: tuple[Services, Actor, Actor, int, int],
) -> None:
    """An assessment date held as a number sorts before every date in SQL, so the query
    selects the row; nothing in it can be read, and it is listed (marked, as due) rather
    than dropped or refusing the list."""
    services, compliance, _advisor, _r3, odd = world
    shell(services, f"UPDATE investor SET current_assessed_on = 20260516 WHERE id = {odd}")
    listed = {r.investor.account: r for r in services.reminders.reminders(compliance)}
    assert set(listed) == {"ODD", "FINE"}
    assert (listed["ODD"].state.value, listed["ODD"].investor.record_intact) == ("due", False)
    assert listed["ODD"].investor.profile is None  # nothing read from the row is shown as its


def test_a_reason_held_as_bytes_is_shown_as_its_text(world: tuple[Services, Actor, Actor, int, int]) -> None:
    services, compliance, advisor, _r3, odd = world
    services.investors.mark_reassessment_due(advisor, odd, "moved")
    shell(services, f"UPDATE investor SET reassessment_reason = CAST('换了工作' AS BLOB) WHERE id = {odd}")
    shell(services, "UPDATE investor SET reassessment_reason = X'FF00' WHERE account = 'FINE'")
    listed = {r.investor.account: r for r in services.reminders.reminders(compliance)}
    assert listed["ODD"].reason == "换了工作"
    assert listed["ODD"].investor.record_intact  # the reason is not sealed: nothing decided on it changed
    assert listed["FINE"].reason == "\ufffd\x00"  # bytes that are not UTF-8 replaced, as in names


@pytest.mark.parametrize(
    "edit",
    [
        f"current_assessed_on = '{TODAY.isoformat()}'",  # freshly assessed, in SQL only
        "investor_class = 'professional'",  # professionals are not reminded
        f"current_assessed_on = '{(TODAY - dt.timedelta(days=10)).isoformat()}', reassessment_due = 0",
    ],
)
def test_a_client_moved_out_of_the_reminders_in_sql_is_still_blocked(
    world: tuple[Services, Actor, Actor, int, int], edit: str
) -> None:
    """The attack the reminders cannot see: an insider moves a client's dates (or class) in
    SQL so that the reminder query no longer selects them. The query runs on the columns;
    finding the row would take reading every client's seal (the distribution list's work),
    on every start-up. It is caught where it matters: every check about the client blocks
    (record-integrity), the client list marks the row, and `audit verify` names it."""
    services, compliance, advisor, r3, odd = world
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    assert [r.investor.account for r in services.reminders.reminders(advisor)] == ["FINE"]
    assert services.access.check(advisor, str(odd), r3).to_dict()["reasons"] == ["record-integrity"]
    assert {v.account: v.record_intact for v in services.investors.search(advisor, "")} == {
        "ODD": False,
        "FINE": True,
    }
    verified = services.audit.verify(compliance)
    assert verified.problem == "client ODD's record was changed outside suitcheck (its seal does not match)"


@pytest.mark.parametrize("flag", ["'yes'", "2", "'true'", "1.0"])
def test_a_due_mark_stored_as_suitcheck_never_writes_it_stays_on_the_list(
    world: tuple[Services, Actor, Actor, int, int], flag: str
) -> None:
    """Was BROKE: a client marked due (1), the mark rewritten in SQL as 'yes' or 2. Python
    reads it as true, as sealed, so the seal holds and every check still treats the client
    as due (nothing above R1); but the reminder query compared `= 1` and the client left
    the list, with nothing anywhere to say so. The query now takes every mark that is not
    false, as Python reads it."""
    services, compliance, advisor, r3, odd = world
    moved = add_client(services, compliance, "MOVED", RiskProfile.C5, 10)
    services.investors.mark_reassessment_due(advisor, moved, "换了工作")
    shell(services, f"UPDATE investor SET reassessment_due = {flag} WHERE id = {moved}")
    reasons = services.access.check(advisor, str(moved), r3).to_dict()["reasons"]
    assert isinstance(reasons, list)
    assert "reassessment-due" in reasons  # the mark still restricts the client
    listed = {r.investor.account: r for r in services.reminders.reminders(advisor)}
    assert listed["MOVED"].state.value == "due"
    assert services.reminders.count(advisor) == len(listed) == 3


@pytest.mark.parametrize(
    "edit",
    [
        "account = 'ODD' || char(0)",  # json_array writes \u0000 as json.dumps does: no false match
        "account = 'ODD' || hex(randomblob(2000))",  # long text
        "current_assessed_on = current_assessed_on || char(0)",
        "current_assessed_on = ' ' || current_assessed_on",
        "birth_date = '1980-01-01T00:00'",
        "reassessment_due = ' 0'",  # numeric affinity: 0, which the seal does not hold
        "lowest_category = 0.0",
        "lowest_category = '0x1'",  # text, true to Python as sealed: not marked, not blocked
        "current_profile = 1.0000000000000002",  # a REAL json_array writes as 1.0
        "integrity = integrity || char(0)",  # in the seal's signature part, unread for this chain
    ],
)
def test_the_lists_mark_exactly_the_clients_check_blocks_for_their_record(
    world: tuple[Services, Actor, Actor, int, int], tmp_path: Path, edit: str
) -> None:
    """Held (attack7): the lists confirm a seal on the message SQLite builds (json_array),
    `check` on the one Python builds. For each odd stored form, the client list, the
    reminders (service and written file) and the client export mark ODD exactly when
    `check` blocks ODD for record-integrity; the export may refuse in a sentence instead
    (a date its reader refuses, a profile suitcheck never writes), never with a raw error."""
    services, compliance, advisor, r3, odd = world
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    reasons = services.access.check(compliance, str(odd), r3).to_dict()["reasons"]
    assert isinstance(reasons, list)
    blocked = "record-integrity" in reasons
    listed = {v.id: v.record_intact for v in services.investors.search(compliance, "")}
    assert listed == {i: not blocked if i == odd else True for i in listed}
    assert len(listed) == 2
    reminded = {r.investor.id: r.investor.record_intact for r in services.reminders.reminders(advisor)}
    assert reminded == listed
    services.reminders.write(advisor, tmp_path / "r.csv", 800)
    out = tmp_path / "clients.csv"
    refused: str | None = None
    try:
        marked = services.client_files.export_clients(compliance, out).changed_outside
    except ServiceError as exc:
        refused, marked = str(exc), 1
    assert marked == int(blocked), refused
    assert refused is None or not out.exists()
