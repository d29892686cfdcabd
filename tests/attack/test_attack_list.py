"""Hostile edits of client rows (straight into SQLite) against the distribution list:
the written list (write_eligible, seals checked in bulk), `eligible` (the Python path)
and `check` must agree; a client on a list whom `check` blocks is a bug."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

import suitcheck.services.access as access_module
from suitcheck.audit.chain import VerifyResult
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.reminders import MAX_WINDOW_DAYS
from suitcheck.store.models import Investor
from tests.conftest import PASSWORD, TODAY, add_client, staff
from tests.fixtures import import_text_report, names_as_before_the_rule
from tests.services.listing import raw, reference, written_list


@pytest.fixture(params=["one process", "two processes"])
def world(
    sqlite_services: Services, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> tuple[Services, Actor, Actor, int]:
    """Each attack against the list as one process writes it, and as two do (a worker
    process lists the upper half of the client ids, as for a long list)."""
    if request.param == "two processes":
        monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 1)
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    return services, compliance, advisor, r3


def _agree(services: Services, advisor: Actor, r3: int, out: Path, accounts: list[str]) -> None:
    """The written list equals `eligible`, and every listed client is allowed by `check`."""
    listed = written_list(services, advisor, r3, out)
    assert listed == reference(services, advisor, r3)
    on_list = {row[1] for row in listed}
    for account in accounts:
        decision = services.access.check(advisor, account, r3).to_dict()["decision"]
        assert (account in on_list) == (decision == "allow"), (account, decision)


def test_odd_flags_profiles_nulls_and_seals(world: tuple[Services, Actor, Actor, int], tmp_path: Path) -> None:
    services, compliance, advisor, r3 = world
    names = [f"A{n:02}" for n in range(18)]
    for name in names:
        add_client(services, compliance, name, RiskProfile.C4, lowest_category=False)
    # A line separator is no longer taken in an account number (only characters that show
    # as themselves); in a name it is, and the list must carry it.
    with names_as_before_the_rule():
        add_client(services, compliance, "Q'\"汉", RiskProfile.C4, name="客户Q'\"\u2028汉")
    chain = services.ctx.sealer.chain
    with services.store.engine.connect() as conn:
        seal = conn.execute(select(Investor.integrity).where(Investor.account == "A15")).scalar_one()
    edits = [
        "UPDATE investor SET reassessment_due = 2 WHERE account = 'A00'",
        "UPDATE investor SET reassessment_due = '1' WHERE account = 'A01'",
        "UPDATE investor SET lowest_category = 1.0 WHERE account = 'A02'",
        "UPDATE investor SET special_attention = -1 WHERE account = 'A03'",
        "UPDATE investor SET current_profile = '5' WHERE account = 'A04'",  # integer affinity: 5
        "UPDATE investor SET current_profile = 4.0 WHERE account = 'A05'",  # unchanged in value
        "UPDATE investor SET current_profile = NULL WHERE account = 'A06'",
        "UPDATE investor SET integrity = integrity || '   ' WHERE account = 'A07'",  # trailing spaces
        "UPDATE investor SET integrity = integrity || char(58) || 'extra' WHERE account = 'A08'",
        f"UPDATE investor SET integrity = '{seal}' WHERE account = 'A09'",  # copied seal
        "UPDATE investor SET integrity = 'x' || integrity WHERE account = 'A10'",  # another chain's prefix
        "UPDATE investor SET lowest_category = 'false' WHERE account = 'A11'",  # text: Python reads true
        "UPDATE investor SET investor_class = 'ordinary ' WHERE account = 'A12'",
        "UPDATE investor SET special_attention = 0.0 WHERE account = 'A13'",  # unchanged in value
        "UPDATE investor SET integrity = upper(integrity) WHERE account = 'A14'",
        # Bytes that are not UTF-8 after the seal's signature part, which this installation's
        # own rows do not need (their HMAC is checked): both paths judge it alike.
        "UPDATE investor SET integrity = CAST(integrity || X'FF' AS TEXT) WHERE account = 'A16'",
        # ... and inside the HMAC, which is checked (the written list compares it as text).
        "UPDATE investor SET integrity = CAST(CAST(substr(integrity, 1, 20) AS BLOB) || X'FF' || "
        "CAST(substr(integrity, 22) AS BLOB) AS TEXT) WHERE account = 'A17'",
    ]
    for sql in edits:
        raw(services, sql)
    # A seal of the right HMAC, with a different chain prefix (same length).
    other = "Z" * len(chain)
    raw(
        services,
        "UPDATE investor SET integrity = :s || substr(integrity, :n) WHERE account = 'A15'",
        s=other,
        n=len(chain) + 1,
    )
    _agree(services, advisor, r3, tmp_path / "l.csv", [*names, "Q'\"汉"])


def test_expired_assessment_written_as_iso_week_date(world: tuple[Services, Actor, Actor, int], tmp_path: Path) -> None:
    """BROKE (the Python path `eligible`): an expired client's assessment date rewritten as
    the same day in ISO week form ('2024-W22-6' is 2024-06-01). Python's fromisoformat
    reads it as that date, so the seal still holds and `check` blocks the client as
    expired; but the SQL eligibility filter compares the text, and 'W' sorts after every
    digit, so the row passes `current_assessed_on > '2024-06-15'` and `eligible` lists an
    expired client. The written list (write_eligible) reads the raw text for its seal
    message and leaves the client off; the two paths differ."""
    services, compliance, advisor, r3 = world
    add_client(services, compliance, "EXPIRED", RiskProfile.C5, days_ago=(TODAY - dt.date(2024, 6, 1)).days)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    assert services.access.check(advisor, "EXPIRED", r3).to_dict()["decision"] == "block"
    week = dt.date(2024, 6, 1).isocalendar()
    raw(
        services,
        "UPDATE investor SET current_assessed_on = :d WHERE account = 'EXPIRED'",
        d=f"{week.year}-W{week.week:02}-{week.weekday}",
    )
    checked = services.access.check(advisor, "EXPIRED", r3).to_dict()
    assert checked["decision"] == "block"
    reasons = checked["reasons"]
    assert isinstance(reasons, list)
    assert "record-integrity" in reasons  # its date is not stored as suitcheck writes it
    _agree(services, advisor, r3, tmp_path / "l.csv", ["EXPIRED", "FINE"])


# Values of a type suitcheck never writes there, each in one column of one client's row (as
# the sqlite3 shell writes them: foreign keys off). SQLite keeps what it is given: a DATE
# column (numeric affinity) keeps 20260516 as an integer, a text column keeps a BLOB, an
# INTEGER column keeps text that is not a number.
ODD_VALUES = [
    "current_assessed_on = 20260516",  # an integer in a date column
    "current_assessed_on = 20260516.5",  # a real
    "current_assessed_on = CAST('2026-05-16' AS BLOB)",
    "current_assessed_on = 'not a date'",
    "birth_date = 19800101",
    "birth_date = X'00'",
    "account = CAST('ODD' AS BLOB)",
    "investor_class = CAST('ordinary' AS BLOB)",
    "investor_class = 'ordinary '",
    "lowest_category = 'yes'",  # a boolean flag holding text
    "lowest_category = 2",
    "special_attention = X'01'",
    "reassessment_due = 'no'",
    "current_profile = '3'",  # text a number: integer affinity stores 3, which the seal does not hold
    "current_profile = 'C5'",  # text in an integer column
    "current_profile = 9",
    "current_profile = -1",
    "current_profile = 4.5",
    "current_profile = X'05'",
    "branch_id = 999",  # a branch that does not exist
    "branch_id = 'HQ'",
    "integrity = X'41'",  # the seal itself
    "integrity = 5",
    # Text that is not UTF-8 in sealed columns: read with U+FFFD, the seal no longer holds.
    "account = CAST(X'4F4444FF' AS TEXT)",
    "investor_class = CAST(X'6F7264696E617279FF' AS TEXT)",
    "current_assessed_on = CAST(X'323032362D30352D3136FF' AS TEXT)",
    # The name and ID number are sealed (migration 0016): bytes, a number, another person's.
    "name = X'41'",
    "name = 123",
    "name = '李娜'",
    "id_number = CAST('110105199003071234' AS BLOB)",
    "id_number = '110105199003071234'",
]


def shell(services: Services, sql: str) -> None:
    """An edit made with the sqlite3 shell on the store file (foreign keys off, as there)."""
    with closing(sqlite3.connect(str(services.store.engine.url.database))) as con:
        con.execute(sql)
        con.commit()


def _outcomes(runs: dict[str, Callable[[], object]]) -> dict[str, tuple[str, object]]:
    """Each path's answer: ("ok", value), ("refused", sentence) or ("raw", the exception)."""
    from suitcheck.services.errors import ServiceError

    outcomes: dict[str, tuple[str, object]] = {}
    for name, run in runs.items():
        try:
            outcomes[name] = ("ok", run())
        except ServiceError as exc:
            outcomes[name] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - what the attack looks for
            outcomes[name] = ("raw", f"{type(exc).__name__}: {exc}")
    return outcomes


@pytest.mark.parametrize("edit", ODD_VALUES)
def test_a_value_no_reader_takes_refuses_in_a_sentence(
    world: tuple[Services, Actor, Actor, int], tmp_path: Path, edit: str
) -> None:
    """Was BROKE (a raw TypeError/ValueError from the date reader, the JSON encoder or an
    enum): one row holding a value of a type suitcheck never writes in a sealed column.
    Every path answers without a raw exception: `check` (alone and in a batch, by an
    advisor and a firm-wide officer) blocks it as record-integrity (or, for a branch that
    does not exist, does not find it in the advisor's branch); both lists, `eligible --json`
    and the shown list leave it off and agree byte for byte; the client pages, the client
    export, preview and opening answer or refuse in a sentence; verify names the row."""
    services, compliance, advisor, r3 = world
    odd = add_client(services, compliance, "ODD", RiskProfile.C5)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    access, investors = services.access, services.investors

    def decided(actor: Actor) -> object:
        return access.check(actor, str(odd), r3).to_dict()

    def batch() -> list[object]:
        pairs = access.check_pairs(advisor, [(str(odd), str(r3)), ("FINE", str(r3))])
        return [r if isinstance(r, Exception) else r.to_dict() for _, r in pairs]

    outcomes = _outcomes(
        {
            "check": lambda: decided(advisor),
            "check firm-wide": lambda: decided(compliance),
            "check --batch": batch,
            "write_eligible": lambda: written_list(services, advisor, r3, tmp_path / "l.csv"),
            "write_eligible firm-wide": lambda: written_list(services, compliance, r3, tmp_path / "c.csv"),
            "write_eligible xlsx": lambda: access.write_eligible(advisor, r3, tmp_path / "l.xlsx").count,
            "eligible": lambda: reference(services, advisor, r3),
            "eligible firm-wide": lambda: reference(services, compliance, r3),
            "eligible --json": lambda: json.dumps([v.to_dict() for v in access.eligible(compliance, r3)]),
            "eligible shown": lambda: [v.account for v in access.eligible_shown(advisor, r3)],
            "eligible_count": lambda: access.eligible_count(advisor, r3),
            "client view": lambda: json.dumps(investors.get(compliance, odd).to_dict()),
            "client search": lambda: json.dumps([v.to_dict() for v in investors.search(compliance, "")]),
            "client count": lambda: investors.count(advisor, ""),
            "client export": lambda: services.client_files.export_clients(compliance, tmp_path / "c.xlsx"),
            "preview": lambda: access.preview(compliance, odd, [r3]),
            "open": lambda: access.open_report(compliance, odd, r3).report_id,
            "reminders": lambda: services.reminders.write(compliance, tmp_path / "r.xlsx", 800).count,
            "dashboard": lambda: services.dashboard.figures(compliance, TODAY - dt.timedelta(days=30), TODAY),
            "client edit": lambda: investors.update(compliance, odd, name="New name", reason="typo").account,
            "re-assessment due": lambda: investors.mark_reassessment_due(compliance, odd, "moved").account,
            "audit view": lambda: json.dumps(
                [dataclasses.asdict(r) for r in services.audit.browse(compliance, AuditFilter(investor_id=odd))]
            ),
            "audit export": lambda: services.audit.export(compliance, tmp_path / "a.xlsx", "xlsx")["count"],
            "audit verify": lambda: services.audit.verify(compliance),
        }
    )
    assert not {k: v for k, (how, v) in outcomes.items() if how == "raw"}, outcomes
    assert outcomes["dashboard"][0] == "ok", outcomes["dashboard"]
    assert outcomes["audit view"][0] == "ok", outcomes["audit view"]
    assert outcomes["audit export"][0] == "ok", outcomes["audit export"]
    assert outcomes["reminders"][0] == "ok", outcomes["reminders"]  # one such row once refused the list
    for who in ("check", "check firm-wide"):
        how, answer = outcomes[who]
        if how == "ok":
            assert isinstance(answer, dict)
            assert (answer["decision"], answer["reasons"]) == ("block", ["record-integrity"]), (who, answer)
        else:  # only a branch that is not the advisor's hides the client from them
            assert who == "check", (who, answer)
            assert edit.startswith("branch_id"), (who, answer)
    assert outcomes["check firm-wide"][0] == "ok"
    if edit.startswith(("investor_class", "current_profile = 'C5'", "current_profile = 9", "current_profile = -1")):
        flt = AuditFilter(staff="t-compliance", action=AuditAction.CHECK)
        (entry,) = services.audit.browse(compliance, flt, limit=1)  # the firm-wide check's entry
        assert json.loads(entry.facts)["record_unreadable"] is True  # its class and profile are not the row's
    for name in ("write_eligible", "eligible", "write_eligible firm-wide", "eligible firm-wide"):
        how, listed = outcomes[name]
        assert how == "ok", (name, listed)
        assert isinstance(listed, list)
        assert [row[1] for row in listed] == ["FINE"], (name, listed)
    assert outcomes["write_eligible"][1] == outcomes["eligible"][1]
    assert outcomes["write_eligible firm-wide"][1] == outcomes["eligible firm-wide"][1]
    assert outcomes["eligible shown"] == ("ok", ["FINE"])
    assert outcomes["write_eligible xlsx"] == ("ok", 1)
    how, previewed = outcomes["preview"]
    assert how == "refused" or previewed == {r3: Outcome.BLOCK}, previewed
    assert outcomes["open"][0] == "refused", outcomes["open"]
    if outcomes["client export"][0] == "refused":
        assert not (tmp_path / "c.xlsx").exists()  # no partial export left behind
    how, searched = outcomes["client search"]
    assert how == "ok", searched  # one such row once refused the whole page
    assert isinstance(searched, str)
    marked = {row["id"]: row["record_intact"] for row in json.loads(searched)}
    assert marked.pop(odd) is False
    assert marked
    assert all(marked.values())
    how, viewed = outcomes["client view"]
    assert how == "refused" or json.loads(str(viewed))["record_intact"] is False, viewed
    how, verified = outcomes["audit verify"]
    assert how == "ok", verified
    assert isinstance(verified, VerifyResult)
    assert not verified.ok
    assert verified.problem in (
        "client ODD's record was changed outside suitcheck (its seal does not match)",
        "client ODD\ufffd's record was changed outside suitcheck (its seal does not match)",  # as the row reads
        f"client #{odd}'s record was changed outside suitcheck (its seal does not match)",
    ), verified.problem


@pytest.mark.parametrize(
    "edit",
    [
        "created_at = 12345",  # neither sealed nor shown: read by no decision or list
        "created_at = 'not a time'",
    ],
)
def test_an_odd_value_in_a_column_no_rule_reads(
    world: tuple[Services, Actor, Actor, int], tmp_path: Path, edit: str
) -> None:
    """Was BROKE (every client page and `eligible` for a creation time no reader takes):
    a column that is not sealed holds a value suitcheck never writes. The decision does
    not depend on it, so `check` allows the client and both lists hold them, alike. (A
    name or ID number held as bytes, which once raised a TypeError in the XLSX writer and
    in `eligible --json`, is in a sealed column since 0016: ODD_VALUES.)"""
    services, compliance, advisor, r3 = world
    odd = add_client(services, compliance, "ODD", RiskProfile.C5)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    _agree(services, advisor, r3, tmp_path / "l.csv", ["ODD", "FINE"])
    assert [r[1] for r in reference(services, advisor, r3)] == ["ODD", "FINE"]
    assert services.access.write_eligible(advisor, r3, tmp_path / "l.xlsx").count == 2
    shown = json.loads(json.dumps([v.to_dict() for v in services.access.eligible(compliance, r3)]))
    assert [v["account"] for v in shown] == ["ODD", "FINE"]
    assert services.investors.get(compliance, odd).account == "ODD"
    assert services.investors.get(compliance, odd).record_intact
    assert [v.account for v in services.investors.search(compliance, "")] == ["ODD", "FINE"]
    assert all(v.record_intact for v in services.investors.search(compliance, ""))  # nothing sealed changed
    assert services.client_files.export_clients(compliance, tmp_path / "c.xlsx").count == 2
    services.access.check(compliance, str(odd), r3)
    viewed = services.audit.browse(compliance, AuditFilter(investor_id=odd))
    assert json.loads(json.dumps([dataclasses.asdict(r) for r in viewed]))[0]["client_account"] == "ODD"
    assert services.audit.export(compliance, tmp_path / "a.xlsx", "xlsx")["count"] > 0


@pytest.mark.parametrize(
    "edit",
    [
        "current_profile = 5",  # C1 raised to C5: the list would show a sound C5
        "current_assessed_on = '2099-01-01'",
        "lowest_category = 0",
        "investor_class = 'professional'",
        "integrity = NULL",
        # Was BROKE (unexpected error, TypeError from compare_digest, in the client list, the
        # check, every list and verify): the seal's HMAC part holding a byte that is not
        # UTF-8 (read as U+FFFD), or other text that is not ASCII.
        "integrity = CAST(CAST(substr(integrity, 1, 20) AS BLOB) || X'FF' || CAST(substr(integrity, 22) AS BLOB) "
        "AS TEXT)",
        "integrity = substr(integrity, 1, 20) || 'é' || substr(integrity, 22)",
    ],
)
def test_a_client_row_changed_in_sql_is_marked_in_the_client_list(
    world: tuple[Services, Actor, Actor, int], edit: str
) -> None:
    """The client list and the client's page do not show what an edited row now holds as
    sound: the row is marked (record_intact false) while every other row is not, as the
    check blocks it."""
    services, compliance, advisor, r3 = world
    odd = add_client(services, compliance, "ODD", RiskProfile.C1, lowest_category=True)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    assert all(v.record_intact for v in services.investors.search(compliance, ""))
    shell(services, f"UPDATE investor SET {edit} WHERE id = {odd}")
    listed = {v.account: v.record_intact for v in services.investors.search(advisor, "")}
    assert listed == {"ODD": False, "FINE": True}
    assert not services.investors.get(advisor, odd).record_intact
    assert services.access.check(advisor, str(odd), r3).to_dict()["reasons"] == ["record-integrity"]


@pytest.mark.parametrize(
    "edit",
    [
        "role = 'boss'",
        "role = X'41'",
        "username = CAST('t-advisor' AS BLOB)",
        "disabled = 'yes'",
        "password_hash = X'41'",
        # Was BROKE (unexpected error at the login: argon2 encodes the hash as ASCII, a
        # UnicodeEncodeError): bytes that are not UTF-8 (read as U+FFFD) or other non-ASCII.
        "password_hash = CAST(CAST(password_hash AS BLOB) || X'FF' AS TEXT)",
        "password_hash = password_hash || 'é'",
        "branch_id = 999",
        "firm_wide = 2",
        "integrity = X'41'",
        # The HMAC part holding a byte that is not UTF-8 (read as U+FFFD), or other text
        # that is not ASCII: compare_digest raised TypeError on either (unexpected error).
        "integrity = CAST(CAST(substr(integrity, 1, 20) AS BLOB) || X'FF' || CAST(substr(integrity, 22) AS BLOB) "
        "AS TEXT)",
        "integrity = substr(integrity, 1, 20) || 'é' || substr(integrity, 22)",
        "locked_until = 12345",  # not sealed: read by the login and every call
        "created_at = 'not a time'",
    ],
)
def test_a_staff_value_no_reader_takes_refuses_in_a_sentence(
    world: tuple[Services, Actor, Actor, int], tmp_path: Path, edit: str
) -> None:
    """Was BROKE (a raw ValueError from Role() at the login and in the staff list; verify
    raised for a password hash held as bytes): the advisor's staff row edited with the
    sqlite3 shell. Their open session checks nothing, the login and the staff list answer
    in a sentence, and verify names the account when the edit is in a sealed column."""
    services, compliance, advisor, r3 = world
    add_client(services, compliance, "FINE", RiskProfile.C5)
    shell(services, f"UPDATE staff SET {edit} WHERE username = 't-advisor'")
    root = services.auth.login("t-root", PASSWORD)
    outcomes = _outcomes(
        {
            "check": lambda: services.access.check(advisor, "FINE", r3).to_dict(),
            "login": lambda: services.auth.login("t-advisor", PASSWORD),
            "staff list": lambda: json.dumps(
                [dataclasses.asdict(v) for v in services.auth.list_staff(root)], default=str
            ),
            "audit verify": lambda: services.audit.verify(compliance),
        }
    )
    assert not {k: v for k, (how, v) in outcomes.items() if how == "raw"}, outcomes
    if edit.startswith("created_at"):  # read by no check: the open session goes on
        assert outcomes["check"][0] == "ok", outcomes["check"]
    else:
        assert outcomes["check"][0] == "refused", outcomes["check"]
    assert outcomes["login"][0] == "refused", outcomes["login"]
    how, verified = outcomes["audit verify"]
    assert how == "ok", verified
    assert isinstance(verified, VerifyResult)
    if edit.startswith(("locked_until", "created_at")):
        assert verified.ok, verified.problem  # neither is sealed
    else:
        assert verified.problem in (
            "staff account t-advisor was changed outside suitcheck (its seal does not match)",
            f"staff account #{advisor.staff_id} was changed outside suitcheck (its seal does not match)",
        ), verified.problem


def test_a_valid_assessment_written_as_iso_week_date(world: tuple[Services, Actor, Actor, int], tmp_path: Path) -> None:
    """Was BROKE (the lists differed): a valid client's date rewritten '2025-W10-1' kept its
    seal for `check` (Python reads the same day) and passed the SQL filter as text. Now a
    date not stored as suitcheck writes it fails the row (services.integrity.dates_canonical):
    `check` blocks it as record-integrity and neither list has it."""
    services, compliance, advisor, r3 = world
    day = dt.date.fromisocalendar(2025, 10, 1)
    add_client(services, compliance, "WEEK", RiskProfile.C5, days_ago=(TODAY - day).days)
    raw(services, "UPDATE investor SET current_assessed_on = '2025-W10-1' WHERE account = 'WEEK'")
    checked = services.access.check(advisor, "WEEK", r3).to_dict()
    assert checked["decision"] == "block"
    reasons = checked["reasons"]
    assert isinstance(reasons, list)
    assert "record-integrity" in reasons  # fixed: a date not stored as suitcheck writes it
    _agree(services, advisor, r3, tmp_path / "l.csv", ["WEEK"])


@pytest.mark.parametrize("written", ["{d:%G-W%V-%u}", "{d:%GW%V%u}"])
def test_an_assessment_date_sqlite_reads_but_suitcheck_never_writes(
    world: tuple[Services, Actor, Actor, int], tmp_path: Path, written: str
) -> None:
    """The written list copies a stored assessment date into its file as it is (no date()
    per row; dates_canonical in its WHERE, and a seal that matches only the ISO text): a
    date edited into another form that Python still reads as the same day (ISO week form,
    so the seal holds for Python) is left off both lists, never written into the file in
    that form, and `check` blocks it."""
    services, compliance, advisor, r3 = world
    add_client(services, compliance, "EDITED", RiskProfile.C5)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    day = TODAY - dt.timedelta(days=30)
    raw(services, "UPDATE investor SET current_assessed_on = :d WHERE account = 'EDITED'", d=written.format(d=day))
    listed = written_list(services, advisor, r3, tmp_path / "l.csv")
    assert [(row[1], row[5]) for row in listed] == [("FINE", day.isoformat())]
    reasons = services.access.check(advisor, "EDITED", r3).to_dict()["reasons"]
    assert isinstance(reasons, list)
    assert "record-integrity" in reasons
    _agree(services, advisor, r3, tmp_path / "l.csv", ["EDITED", "FINE"])


def test_the_list_printed_without_a_file_is_audited(world: tuple[Services, Actor, Actor, int], tmp_path: Path) -> None:
    """Was BROKE: design.md says `eligible --report ID [--out FILE]` is audited; with --out
    write_eligible records the list, but the printed list recorded nothing. The command
    line now prints eligible_shown, which records it."""
    services, compliance, advisor, r3 = world
    add_client(services, compliance, "ONE", RiskProfile.C5)
    before = services.audit.count(compliance)
    assert [v.account for v in services.access.eligible_shown(advisor, r3)] == ["ONE"]
    assert services.audit.count(compliance) == before + 1
    (entry,) = services.audit.browse(compliance, limit=1)
    assert entry.action == "distribution-list"


@pytest.mark.parametrize(
    ("edit", "column"),
    [
        ("name = CAST(X'41FF' AS TEXT)", "name"),
        ("id_number = CAST(X'31FF' AS TEXT)", "id_number"),
        ("name = X'41FF'", "name"),  # a BLOB, not text
        ("id_number = X'31FF'", "id_number"),
    ],
)
def test_text_that_is_not_utf8_is_shown_replaced_and_stops_no_list(
    world: tuple[Services, Actor, Actor, int], tmp_path: Path, edit: str, column: str
) -> None:
    """Was BROKE (attack7, then a sentence): a client's name or ID number set with the
    sqlite3 shell to bytes that are not UTF-8. SQLite keeps any bytes in a TEXT column,
    and the driver's default reader raised on them mid-read, so one statement stopped the
    client list, the reminders, the client export, the audit export and every written
    distribution list holding that client. Every path now reads such text as UTF-8 with
    the bad bytes replaced (U+FFFD): each list goes on and shows the client as what the
    row now holds. Both columns are sealed since 0016, so the row is marked changed, the
    check blocks it and the written list, equal to `eligible`, leaves it off."""
    services, compliance, advisor, r3 = world
    add_client(services, compliance, "FINE", RiskProfile.C5)
    add_client(services, compliance, "ODD", RiskProfile.C5, id_number="11010519491231002X")  # the upper half
    services.access.check(advisor, "ODD", r3)  # an audit entry naming the client
    shell(services, f"UPDATE investor SET {edit} WHERE account = 'ODD'")
    odd = "\ufffd"
    outcomes = _outcomes(
        {
            "client list": lambda: services.investors.search(compliance, ""),
            "client page": lambda: services.investors.get(compliance, "ODD"),
            "reminders": lambda: services.reminders.reminders(compliance, MAX_WINDOW_DAYS),
            "reminder file": lambda: services.reminders.write(compliance, tmp_path / "due.csv", MAX_WINDOW_DAYS),
            "client export": lambda: services.client_files.export_clients(compliance, tmp_path / "clients.csv"),
            "audit export": lambda: services.audit.export(compliance, tmp_path / "audit.csv", "csv"),
            "audit log": lambda: services.audit.browse(compliance, limit=100),
            "eligible shown": lambda: services.access.eligible_shown(advisor, r3),
        }
    )
    assert {name: kind for name, (kind, _) in outcomes.items() if kind != "ok"} == {}, outcomes
    (page,) = [v for v in outcomes["client list"][1] if v.account == "ODD"]  # type: ignore[attr-defined]
    assert page == outcomes["client page"][1]
    assert not page.record_intact  # both columns are sealed: the row was changed
    shown = page.name if column == "name" else page.id_number
    assert shown == ("A" if column == "name" else "1") + odd
    assert page in [r.investor for r in outcomes["reminders"][1]]  # type: ignore[attr-defined]
    if column == "name":  # ID numbers are masked in these files
        for written in ("due.csv", "clients.csv", "audit.csv"):
            assert "A" + odd in (tmp_path / written).read_text(encoding="utf-8-sig"), written
    assert services.audit.verify_file(compliance, tmp_path / "audit.csv").ok
    assert [v.account for v in outcomes["eligible shown"][1]] == ["FINE"]  # type: ignore[attr-defined]
    assert services.access.check(advisor, "ODD", r3).decision.outcome is Outcome.BLOCK
    _agree(services, advisor, r3, tmp_path / "l.csv", ["FINE"])
