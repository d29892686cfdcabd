"""Hostile edits of client rows (straight into SQLite) against the distribution list:
the written list (write_eligible, seals checked in bulk), `eligible` (the Python path)
and `check` must agree; a client on a list whom `check` blocks is a bug."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.store.models import Investor
from tests.conftest import TODAY, add_client, staff
from tests.fixtures import import_text_report
from tests.services.listing import raw, reference, written_list


@pytest.fixture
def world(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor, Actor, int]:
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
        try:
            decision = services.access.check(advisor, account, r3).to_dict()["decision"]
        except ValueError:  # a class suitcheck never writes ('ordinary '): no decision at all
            decision = "error"
        assert (account in on_list) == (decision == "allow"), (account, decision)


def test_odd_flags_profiles_nulls_and_seals(world: tuple[Services, Actor, Actor, int], tmp_path: Path) -> None:
    services, compliance, advisor, r3 = world
    names = [f"A{n:02}" for n in range(16)]
    for name in names:
        add_client(services, compliance, name, RiskProfile.C4, lowest_category=False)
    add_client(services, compliance, "Q'\"\u2028汉", RiskProfile.C4)
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
    _agree(services, advisor, r3, tmp_path / "l.csv", [*names, "Q'\"\u2028汉"])


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


@pytest.mark.xfail(
    strict=True,
    reason="known gap, left open: a value of a type suitcheck never writes (a number or BLOB in a date or text "
    "column) fails closed (no decision, no list) but with a raw TypeError instead of a sentence",
)
@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE investor SET current_assessed_on = 20260516 WHERE account = 'ODD'",  # integer affinity: a number
        "UPDATE investor SET account = CAST('ODD' AS BLOB) WHERE account = 'ODD'",
        "UPDATE investor SET current_assessed_on = CAST('2026-05-16' AS BLOB) WHERE account = 'ODD'",
    ],
)
def test_a_value_no_reader_takes_refuses_in_a_sentence(
    world: tuple[Services, Actor, Actor, int], tmp_path: Path, edit: str
) -> None:
    """One row holding a value of a type suitcheck never writes: each path refuses with a
    ServiceError sentence (or leaves the row off), never with a raw exception."""
    from suitcheck.services.errors import ServiceError

    services, compliance, advisor, r3 = world
    odd = add_client(services, compliance, "ODD", RiskProfile.C5)
    add_client(services, compliance, "FINE", RiskProfile.C5)
    raw(services, edit)
    outcomes = {}
    runs: dict[str, Callable[[], object]] = {
        "write_eligible": lambda: written_list(services, advisor, r3, tmp_path / "l.csv"),
        "eligible": lambda: reference(services, advisor, r3),
        "check": lambda: services.access.check(advisor, str(odd), r3).to_dict()["decision"],
    }
    for name, run in runs.items():
        try:
            outcomes[name] = ("ok", run())
        except ServiceError as exc:
            outcomes[name] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - what the attack looks for
            outcomes[name] = ("raw", f"{type(exc).__name__}: {exc}")
    assert not [k for k, (how, _) in outcomes.items() if how == "raw"], outcomes


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
