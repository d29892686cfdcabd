"""Reminders: expiring within the window, expired, and due after a change of situation."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from suitcheck.services.reminders import REMINDER_COLUMNS
from tests.conftest import Clock, add_client


def test_reminders_list_expiring_expired_and_due(services: Services, compliance: Actor, advisor: Actor) -> None:
    add_client(services, compliance, "FRESH", RiskProfile.C3, 10)
    add_client(services, compliance, "SOON", RiskProfile.C3, 710)  # expires in 20 days
    add_client(services, compliance, "EDGE", RiskProfile.C3, 700)  # expires in exactly 30 days
    add_client(services, compliance, "LATER", RiskProfile.C3, 699)  # in 31 days: outside the default window
    add_client(services, compliance, "OLD", RiskProfile.C4, 800)
    add_client(services, compliance, "GONE", RiskProfile.C4, 730)  # expires today
    add_client(services, compliance, "PRO", None, None, investor_class=InvestorClass.PROFESSIONAL)
    add_client(services, compliance, "NEVER", None, None)
    add_client(services, compliance, "MOVED", RiskProfile.C5, 5)
    services.investors.mark_reassessment_due(advisor, "MOVED", "换了工作")
    listed = {r.investor.account: r for r in services.reminders.reminders(advisor)}
    assert {a: r.state.value for a, r in listed.items()} == {
        "MOVED": "due",
        "OLD": "expired",
        "GONE": "expired",
        "SOON": "expiring",
        "EDGE": "expiring",
    }
    assert listed["MOVED"].reason == "换了工作"
    assert [r.investor.account for r in services.reminders.reminders(advisor)][0] == "MOVED"
    wider = {r.investor.account for r in services.reminders.reminders(advisor, 100)}
    assert wider == set(listed) | {"LATER"}
    d = listed["SOON"].to_dict()
    assert {"id", "account", "name", "class", "profile", "assessed", "assessment_valid", "state", "expires"} <= set(d)
    assert d["state"] == "expiring"
    assert d["expires"] == listed["SOON"].expires.isoformat()  # type: ignore[union-attr]
    assert d["valid_until"] == listed["SOON"].investor.valid_until.isoformat()  # type: ignore[union-attr]
    last_valid, first_not = (dt.date.fromisoformat(str(d[k])) for k in ("valid_until", "expires"))
    assert last_valid == first_not - dt.timedelta(days=1)
    with pytest.raises(InvalidInput):
        services.reminders.reminders(advisor, -1)


def test_reassessing_clears_the_reminder(services: Services, compliance: Actor, clock: Clock) -> None:
    add_client(services, compliance, "R1", RiskProfile.C2, 800)
    assert [r.investor.account for r in services.reminders.reminders(compliance)] == ["R1"]
    services.investors.assess(compliance, "R1", RiskProfile.C2, clock().astimezone().date(), note="柜台纸质问卷")
    assert services.reminders.reminders(compliance) == []
    assert services.reminders.count(compliance) == 0
    assert services.reminders.count(compliance, 3000) == 1
    clock.advance(days=720)  # time passes: the new assessment now nears its end
    assert [r.state.value for r in services.reminders.reminders(compliance)] == ["expiring"]


def test_reminder_list_files_are_written_and_audited(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    add_client(services, compliance, "OLD", RiskProfile.C4, 800, name="=HYPERLINK(1)")
    add_client(services, compliance, "SOON", RiskProfile.C3, 710)
    xlsx = services.reminders.write(advisor, tmp_path / "reminders.xlsx")
    rows = list(openpyxl.load_workbook(xlsx.path, read_only=True).active.iter_rows(values_only=True))
    header = rows.index(REMINDER_COLUMNS)
    assert REMINDER_COLUMNS[:9] == (
        "id",
        "account",
        "name",
        "profile",
        "assessed",
        "state",
        "expires",
        "due_reason",
        "record_intact",
    )
    assert REMINDER_COLUMNS[9:] == ("valid_until",)  # added at the end: a script reading by position reads as before
    assert "Re-assessment reminders" in str(rows[0][0])
    body = {r[1]: r for r in rows[header + 1 :]}
    assert set(body) == {"OLD", "SOON"}
    assert body["OLD"][5] == "expired"
    assert body["SOON"][5] == "expiring"
    assert body["OLD"][8] == body["SOON"][8] == "yes"  # both rows hold their seals
    # The last valid day, as the desk says it: the day before the first day not valid.
    for account in ("OLD", "SOON"):
        expires, valid_until = (dt.date.fromisoformat(str(body[account][i])) for i in (6, 9))
        assert valid_until == expires - dt.timedelta(days=1)
    assert not str(body["OLD"][2]).startswith("=")  # a name cannot become a formula
    csv_file = services.reminders.write(advisor, tmp_path / "reminders.csv", 1000)
    assert csv_file.count == 2
    assert csv_file.format == "csv"
    entry = services.audit.browse(compliance, limit=1)[0]
    assert entry.action == "reminder-list"
    assert csv_file.sha256 in entry.facts
    assert hashlib.sha256(csv_file.path.read_bytes()).hexdigest() == csv_file.sha256


def test_the_status_bar_count_equals_the_list(services: Services, compliance: Actor, advisor: Actor) -> None:
    for account, days in (("E1", 800), ("E2", 720), ("OK", 10)):
        add_client(services, compliance, account, RiskProfile.C3, days)
    services.investors.mark_reassessment_due(advisor, "OK", "退休")
    for window in (None, 0, 30, 3000):
        assert services.reminders.count(advisor, window) == len(services.reminders.reminders(advisor, window))
    assert services.reminders.count(advisor) == 3
    with pytest.raises(InvalidInput):
        services.reminders.count(advisor, -1)
