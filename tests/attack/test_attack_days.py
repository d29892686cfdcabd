"""Moments turned into days. A branch in China keeps Beijing time (UTC+8, no daylight
saving); the store keeps moments in UTC. The firm's day must be Beijing's whatever zone the
desktop is set to (a fresh install left on UTC or on a vendor's default zone), every date
range a compliance officer asks for runs from Beijing midnight to Beijing midnight, and
Python and SQL answer the same client the same way on every edge of a validity period."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from PySide6.QtCore import Qt

from suitcheck.audit.export import ExportRow
from suitcheck.domain.codes import AuditAction, ExportFormat
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from tests.conftest import Clock, staff
from tests.fixtures import import_text_report

UTC = dt.UTC
# POSIX zone strings: they need no zone database (a desktop's setting, as the C library reads it).
DESK_ZONES = ["UTC0", "CST-8", "EST5EDT,M3.2.0,M11.1.0", "NZST-12NZDT,M9.5.0,M4.1.0/3"]


@pytest.fixture
def clock() -> Clock:
    """The store is made before every day these tests visit (from 2024): they move the clock
    forward only, as time goes (a clock set back decides nothing: test_attack_clock.py)."""
    return Clock(dt.datetime(2024, 1, 1, tzinfo=UTC))


@pytest.fixture(params=DESK_ZONES)
def desk_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The desktop's time zone for the test (TZ, as the C library and Python read it)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def _beijing(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    """A Beijing wall-clock moment as the UTC instant the store keeps."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(UTC)


def _add(
    services: Services,
    actor: Actor,
    account: str,
    profile: RiskProfile,
    assessed: dt.date,
    id_number: str | None = None,
) -> int:
    return services.investors.add(
        actor, account=account, name=f"客户{account}", profile=profile, assessed_on=assessed, id_number=id_number
    ).id


def test_the_firms_day_is_beijings_whatever_zone_the_desktop_is_set_to(
    sqlite_services: Services, clock: Clock, tmp_path: Path, desk_zone: str
) -> None:
    """Was BROKE: today() was the desktop's local date. At 00:30 on 1 July in Beijing a
    desktop left on UTC (or on US Eastern time) said 30 June: an assessment dated today was
    refused as in the future, a client whose assessment expired today was still allowed and
    on the distribution list, and a client turning 70 today got no caution. A desk set to
    New Zealand time was a day ahead in the afternoon. On a shared PostgreSQL store two desks
    in different zones answered the same client differently in the same instant."""
    services = sqlite_services
    # First at 23:59 Beijing on 30 June (15:59 UTC): still 30 June, the desk's zone aside. (The
    # clock only moves forward: one reading behind the trail decides nothing, test_attack_clock.)
    clock.now = _beijing(2026, 6, 30, 23, 59)
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    june_30, july_1 = dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    assert services.ctx.today() == june_30
    validity = services.policy.current().validity_days
    expired = _add(services, compliance, "EXPIRED", RiskProfile.C3, july_1 - dt.timedelta(days=validity))
    last_day = _add(services, compliance, "LASTDAY", RiskProfile.C3, july_1 - dt.timedelta(days=validity - 1))
    seventy = _add(services, compliance, "SEVENTY", RiskProfile.C3, june_30, id_number="110105195607010025")

    def reasons(client: int) -> tuple[str, list[str]]:
        d = services.access.check(advisor, str(client), r3).to_dict()
        return str(d["decision"]), [str(r) for r in d["reasons"]]  # type: ignore[attr-defined]

    assert reasons(expired)[0] == "allow"
    assert "special-attention-age" not in reasons(seventy)[1]

    clock.now = _beijing(2026, 7, 1, 0, 30)  # 2026-06-30 16:30 UTC
    assert services.ctx.today() == july_1
    today_assessed = _add(services, compliance, "TODAY", RiskProfile.C3, july_1)
    assert reasons(today_assessed)[0] == "allow"
    assert reasons(expired) == ("block", ["assessment-expired"])
    assert reasons(last_day)[0] == "allow"
    assert "assessment-expiring-soon" in reasons(last_day)[1]
    assert "special-attention-age" in reasons(seventy)[1]
    listed = {v.account for v in services.access.eligible(advisor, str(r3))}
    assert listed == {"TODAY", "LASTDAY", "SEVENTY"}
    assert services.access.eligible_count(advisor, str(r3)) == 3
    states = {r.investor.account: r.state.value for r in services.reminders.reminders(advisor)}
    assert states == {"EXPIRED": "expired", "LASTDAY": "expiring"}


def test_cli_assess_without_a_date_records_the_firms_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was BROKE: 'investor assess --profile' without --assessed took the desktop's date
    (date.today()), not the firm's day the service judges by: on a desk set far west of
    Beijing the assessment was recorded a day early (it expired a day early, and one made
    right after a re-assessment mark dated before the mark, so the mark stayed), and far
    east it was refused as in the future. Two desk zones 26 hours apart: at any real moment
    at least one of them is on another date than Beijing."""
    from tests.cli.test_cli import run

    db = tmp_path / "demo.db"
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(tmp_path / "audit.key"))
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(tmp_path / "log"))
    assert run("init", db=db, password=None).returncode == 0
    assert run("seed-demo", db=db, password=None).returncode == 0
    beijing = dt.timezone(dt.timedelta(hours=8))
    for zone in ("<-12>12", "<+14>-14"):
        before = dt.datetime.now(beijing).date()
        result = run(
            "investor", "assess", "880001", "--profile", "C2", "--note", "柜台纸质问卷", "--json",
            "--user", "demo-compliance", db=db, env={"TZ": zone},
        )  # fmt: skip
        after = dt.datetime.now(beijing).date()
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["assessed"] in {before.isoformat(), after.isoformat()}, zone


def test_date_ranges_run_from_beijing_midnight_to_beijing_midnight(
    sqlite_services: Services, clock: Clock, tmp_path: Path, desk_zone: str
) -> None:
    """Was BROKE: every date range over the trail (the audit log's filter, audit export
    --since/--until, the self-inspection's period, the dashboard's days) ran from UTC
    midnight, i.e. 08:00 in Beijing. A check at 07:00 on 1 July in Beijing (23:00 UTC on
    30 June), decided on 1 July and shown in the desk's log at 07:00 on 1 July, was missing
    from the log filtered to 1 July and from an export since 1 July, was counted in the
    first half-year's self-inspection and not in the second, and on the dashboard under
    30 June. Whatever the desktop's zone."""
    services = sqlite_services
    clock.now = _beijing(2026, 6, 1, 10)
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    client = _add(services, compliance, "C", RiskProfile.C3, dt.date(2026, 5, 1))
    seqs = {}
    for name, moment in (
        ("june-30-late", _beijing(2026, 6, 30, 23, 30)),  # 15:30 UTC on 30 June
        ("july-1-early", _beijing(2026, 7, 1, 7, 0)),  # 23:00 UTC on 30 June
        ("july-1-day", _beijing(2026, 7, 1, 8, 30)),  # 00:30 UTC on 1 July
        ("july-2-early", _beijing(2026, 7, 2, 0, 10)),  # 16:10 UTC on 1 July
    ):
        clock.now = moment
        seqs[name] = services.access.check(advisor, str(client), r3).audit_id
    clock.now = _beijing(2027, 1, 5, 10)
    june_30, july_1 = dt.date(2026, 6, 30), dt.date(2026, 7, 1)

    def logged(since: dt.date, until: dt.date) -> set[int]:
        flt = AuditFilter(since=since, until=until, action=AuditAction.CHECK)
        assert services.audit.count(compliance, flt) == len(rows := services.audit.browse(compliance, flt))
        return {r.seq for r in rows}

    assert logged(june_30, june_30) == {seqs["june-30-late"]}
    assert logged(july_1, july_1) == {seqs["july-1-early"], seqs["july-1-day"]}
    out = tmp_path / "since-july.jsonl"
    services.audit.export(compliance, out, ExportFormat.JSONL, AuditFilter(since=july_1, until=july_1))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {r["seq"] for r in records if r.get("action") == "check"} == {seqs["july-1-early"], seqs["july-1-day"]}

    h1 = services.inspection.write(compliance, dt.date(2026, 1, 1), june_30, tmp_path / "h1.pdf")
    h2 = services.inspection.write(compliance, july_1, dt.date(2026, 12, 31), tmp_path / "h2.pdf")
    assert sum(h1.data.decisions.values()) == 1
    assert sum(h2.data.decisions.values()) == 3
    text = " ".join(extract_text(str(tmp_path / "h2.pdf")).split())
    assert "Beijing time, UTC+8" in text, text[:400]
    assert "2027-01-05 10:00:00 UTC+8" in text, text[:400]

    figures = services.dashboard.figures(compliance, june_30, july_1)
    per_day = {d: sum(counts.values()) for d, counts in figures.decisions_per_day}
    assert per_day == {june_30: 1, july_1: 2}


def test_the_desk_shows_the_trails_times_in_beijing_time_and_says_so(desk_zone: str) -> None:
    """Was BROKE: the audit log showed an entry's time in the desktop's zone under
    'Time (local)', so a desktop left on UTC showed a check made at 07:00 on 1 July in
    Beijing as '2026-06-30 23:00:00', beside a day filter that (now) means Beijing's days;
    the staff list's last login likewise, and the report window's watermark used the
    desktop's clock with no zone. Now the firm's time, with the zone in the header."""
    from suitcheck.gui.models import AuditTableModel, StaffTableModel

    stamp = "2026-06-30T23:00:00.000000Z"
    row = ExportRow(1, stamp, "a", "check", 1, 1, "allow", "[]", "{}", "0" * 64, "1" * 64, "C", "客户", None, "t")
    model = AuditTableModel()
    model.set_rows([row])
    assert model.data(model.index(0, AuditTableModel.TIME)) == "2026-07-01 07:00:00"
    assert "UTC+8" in str(model.headerData(AuditTableModel.TIME, Qt.Orientation.Horizontal))
    assert "UTC+8" in str(StaffTableModel().headerData(StaffTableModel.LAST_LOGIN, Qt.Orientation.Horizontal))
    # A time that is no time suitcheck writes is shown as held.
    model.set_rows([dataclasses.replace(row, at="yesterday")])
    assert model.data(model.index(0, AuditTableModel.TIME)) == "yesterday"


@pytest.mark.parametrize("validity", [365, 730])
def test_an_assessment_of_29_february_expires_on_one_day_everywhere(
    sqlite_services: Services, clock: Clock, tmp_path: Path, validity: int
) -> None:
    """Held: validity is counted in days, so an assessment of 2024-02-29 expires on one day
    (2025-02-28 for 365 days, 2026-02-28 for 730) in the check, the distribution list and
    its count, the reminders and the client's page, on the day before and the day itself."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    if validity != services.policy.current().validity_days:
        services.policy.update(compliance, validity_days=validity)
    clock.now = _beijing(2024, 3, 1, 10)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    leap = _add(services, compliance, "LEAP", RiskProfile.C3, dt.date(2024, 2, 29))
    expires = dt.date(2024, 2, 29) + dt.timedelta(days=validity)
    assert (expires.month, expires.day) == (2, 28)
    for day, usable in ((expires - dt.timedelta(days=1), True), (expires, False)):
        clock.now = _beijing(day.year, day.month, day.day, 0, 5)
        decision = services.access.check(advisor, str(leap), r3).to_dict()["decision"]
        assert (decision == "allow") is usable, day
        assert ({v.id for v in services.access.eligible(advisor, str(r3))} == {leap}) is usable, day
        assert (services.access.eligible_count(advisor, str(r3)) == 1) is usable, day
        (reminder,) = services.reminders.reminders(advisor)
        assert reminder.state.value == ("expiring" if usable else "expired"), day
        assert reminder.expires == expires
        assert services.investors.get(advisor, str(leap)).expires_on == expires
