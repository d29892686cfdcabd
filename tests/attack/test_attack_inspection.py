"""The self-inspection, attacked as a compliance officer: does the PDF state exactly what
the audit trail holds for the period (Beijing days, both ends included)?"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from tests.conftest import Clock, staff

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _beijing(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    """A Beijing wall-clock moment as the UTC instant the store keeps."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=BEIJING).astimezone(dt.UTC)


def test_a_period_not_yet_over_is_refused_one_ending_today_is_made(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: on 1 December (Beijing) the second half-year's inspection, 1 July to 31
    December, was written: a PDF stating the period 2026-07-01 — 2026-12-31 and its figures,
    of which a month had not happened yet; printed again in January the same period gave
    other figures. A period ending after today is refused (nothing written, nothing
    recorded); one ending today is made (its generation time says how far it runs)."""
    services = sqlite_services
    clock.now = _beijing(2026, 12, 1, 7, 30)  # 30 November 23:30 UTC: Beijing's 1 December
    compliance = staff(services, Role.COMPLIANCE)
    out = tmp_path / "h2.pdf"
    with pytest.raises(InvalidInput, match="after today"):
        services.inspection.write(compliance, dt.date(2026, 7, 1), dt.date(2026, 12, 31), out)
    with pytest.raises(InvalidInput, match="after today"):
        services.inspection.write(compliance, dt.date(2026, 12, 2), dt.date(2026, 12, 2), out)
    assert not out.exists()
    assert all(e.action != "inspection-report" for e in services.audit.browse(compliance, limit=20))
    made = services.inspection.write(compliance, dt.date(2026, 7, 1), dt.date(2026, 12, 1), out)
    assert made.data.period_to == dt.date(2026, 12, 1)


def test_a_period_longer_than_ten_years_is_refused(sqlite_services: Services, clock: Clock, tmp_path: Path) -> None:
    """Was BROKE: 'A self-inspection period is at most ten years' was enforced as 3,700
    days, so 1 July 2016 to 15 August 2026 (ten years and six weeks) was written. Ten
    calendar years, both ends included, are the most; one day more is refused."""
    services = sqlite_services
    clock.now = _beijing(2026, 12, 1, 10)
    compliance = staff(services, Role.COMPLIANCE)
    with pytest.raises(InvalidInput, match="at most ten years"):
        services.inspection.write(compliance, dt.date(2016, 7, 1), dt.date(2026, 8, 15), tmp_path / "a.pdf")
    with pytest.raises(InvalidInput, match="at most ten years"):
        services.inspection.write(compliance, dt.date(2016, 7, 1), dt.date(2026, 7, 1), tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()
    made = services.inspection.write(compliance, dt.date(2016, 7, 1), dt.date(2026, 6, 30), tmp_path / "a.pdf")
    assert made.data.period_from == dt.date(2016, 7, 1)


def test_assessments_are_counted_in_the_period_the_trail_recorded_them(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: the inspection counted assessments by the date the assessment bears, not
    by when the trail recorded it. A paper questionnaire of 20 June recorded on 2 July was
    missing from the second half-year's inspection (whose trail holds its entry) and added
    to the first's, already filed on 1 July, so the first half-year printed again gave other
    figures; a client added at 00:01 on 1 January (Beijing) with an assessment of 31 December
    was counted in the half-year that had ended. Assessments now count in the Beijing days
    their recording falls in, as decisions and overrides do."""
    services = sqlite_services  # made on 15 June (the clock only moves forward from there)
    compliance = staff(services, Role.COMPLIANCE)

    def add(account: str, profile: RiskProfile, assessed: dt.date) -> None:
        services.investors.add(
            compliance,
            account=account,
            name=f"客户{account}",
            profile=profile,
            assessed_on=assessed,
            investor_class=InvestorClass.ORDINARY,
        )

    clock.now = _beijing(2026, 6, 30, 23, 59)  # 15:59 UTC on 30 June
    add("A", RiskProfile.C3, dt.date(2026, 6, 30))
    clock.now = _beijing(2026, 7, 1, 0, 1)
    first_h1 = services.inspection.write(compliance, dt.date(2026, 1, 1), dt.date(2026, 6, 30), tmp_path / "h1.pdf")
    clock.now = _beijing(2026, 7, 2, 7, 0)  # 23:00 UTC on 1 July
    services.investors.assess(compliance, "A", RiskProfile.C4, dt.date(2026, 6, 20), note="纸质问卷 6月20日")
    clock.now = _beijing(2027, 1, 1, 0, 1)  # 16:01 UTC on 31 December
    add("B", RiskProfile.C2, dt.date(2026, 12, 31))
    clock.now = _beijing(2027, 1, 5, 10)
    h1 = services.inspection.write(compliance, dt.date(2026, 1, 1), dt.date(2026, 6, 30), tmp_path / "h1-again.pdf")
    h2 = services.inspection.write(compliance, dt.date(2026, 7, 1), dt.date(2026, 12, 31), tmp_path / "h2.pdf")
    q1 = services.inspection.write(compliance, dt.date(2027, 1, 1), dt.date(2027, 1, 5), tmp_path / "q1.pdf")

    assert dict(first_h1.data.assessments_by_profile) == {"C3": 1}
    assert dict(h1.data.assessments_by_profile) == {"C3": 1}  # the filed report, made again
    assert dict(h2.data.assessments_by_profile) == {"C4": 1}
    assert (h2.data.assessments_recorded, h2.data.assessments_questionnaire) == (1, 0)
    assert dict(q1.data.assessments_by_profile) == {"C2": 1}


def test_branch_scoped_compliance_may_not_print_the_firms_figures(sqlite_services: Services, tmp_path: Path) -> None:
    """Held: the self-inspection counts every branch, so a branch's own compliance officer
    is refused (one sentence), nothing is written and nothing is recorded: no other
    branch's numbers reach them through it. Head office's compliance makes it."""
    from suitcheck.services.errors import PermissionDenied
    from tests.conftest import PASSWORD
    from tests.services.test_branches import make_world

    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-officer", PASSWORD, Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("t-b2-officer", PASSWORD)
    today = services.ctx.today()
    out = tmp_path / "b2.pdf"
    with pytest.raises(PermissionDenied, match="covers every branch"):
        services.inspection.write(officer, today, today, out)
    assert not out.exists()
    assert all(e.action != "inspection-report" for e in services.audit.browse(w.hq_compliance, limit=50))
    assert services.inspection.write(w.hq_compliance, today, today, out).path == out


@pytest.mark.parametrize(
    "facts",
    [
        "'[1]'",  # JSON, but not an object
        "'not json'",
        "X'FF00'",  # a BLOB on SQLite; a bit string on PostgreSQL
    ],
)
def test_an_override_entry_changed_in_sql_does_not_stop_the_inspection(
    services: Services,
    store_target: str,
    compliance: Actor,
    advisor: Actor,
    clock: Clock,
    tmp_path: Path,
    facts: str,
) -> None:
    """Was BROKE: an override entry whose facts an insider rewrote in SQL (JSON that is not
    an object, text that is not JSON, on SQLite a BLOB) stopped the self-inspection with a
    traceback (AttributeError, JSONDecodeError), so compliance got no report of a trail
    that verify would name. The override is listed and counted as the others are,
    with what of its facts can be read; the report states that verification failed."""
    from suitcheck.store.models import AuditEntry
    from tests.attack.test_attack_override_seal import _override_row, _warned
    from tests.audit.test_tamper import raw

    report, _, _ = _warned(services, compliance, advisor, tmp_path)
    seq = _override_row(services)["seq"]
    services.access.check(advisor, "WARNED", report)  # not the head: the store still opens
    # On PostgreSQL X'FF00' is a bit string, stored in the text column as '1111111100000000':
    # JSON, but not an object.
    raw(store_target, f"UPDATE {AuditEntry.__tablename__} SET facts = {facts} WHERE seq = {seq}")
    today = services.ctx.today()
    clock.advance(days=1)
    made = services.inspection.write(compliance, today, today, tmp_path / "inspection.pdf")
    assert made.data.overrides_total == 1
    assert [o.seq for o in made.data.overrides] == [seq]
    assert not made.data.verification_ok


def test_an_override_entry_nested_too_deep_does_not_stop_the_inspection(
    sqlite_services: Services, sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: an override entry's facts rewritten in SQL as JSON nested 100,000 deep
    stopped the self-inspection with a RecursionError (no ValueError): listed with none of
    its facts, as other unreadable facts are."""
    from tests.attack.test_attack_override_seal import _override_row, _warned
    from tests.audit.test_tamper import raw

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report, _, _ = _warned(services, compliance, advisor, tmp_path)
    seq = _override_row(services)["seq"]
    services.access.check(advisor, "WARNED", report)
    raw(sqlite_target, f"UPDATE audit_entry SET facts = '{'[' * 100_000}' WHERE seq = {seq}")
    today = services.ctx.today()
    clock.advance(days=1)
    made = services.inspection.write(compliance, today, today, tmp_path / "inspection.pdf")
    assert [o.seq for o in made.data.overrides] == [seq]


def test_an_assessments_recording_time_moved_in_sql_does_not_move_it_out_of_the_inspection(
    sqlite_services: Services, sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: the self-inspection counted the period's assessments by the `assessment`
    rows' `recorded_at`, which `audit verify` does not compare (the entry's own time is the
    record of when). An insider who set a re-assessment's `recorded_at` back a year in SQL
    took it out of the half-year's figures: the PDF said no client was assessed, and its
    verification line said the trail verified. The figures are now the trail's: each
    assessment counts in the Beijing day of the entry that recorded it."""
    from tests.audit.test_tamper import raw

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    services.investors.add(
        compliance,
        account="MOVED",
        name="客户甲",
        profile=RiskProfile.C3,
        assessed_on=services.ctx.today(),
        investor_class=InvestorClass.ORDINARY,
    )
    clock.advance(days=40)
    period = services.ctx.today()
    services.investors.assess(compliance, "MOVED", RiskProfile.C5, period, note="纸质问卷")
    clock.advance(days=1)
    honest = services.inspection.write(compliance, period, period, tmp_path / "honest.pdf")
    assert dict(honest.data.assessments_by_profile) == {"C5": 1}

    raw(
        sqlite_target,
        "UPDATE assessment SET recorded_at = (SELECT min(recorded_at) FROM assessment) "
        "WHERE id = (SELECT max(id) FROM assessment)",
    )
    assert services.audit.verify(compliance).ok  # nothing compared was changed
    again = services.inspection.write(compliance, period, period, tmp_path / "again.pdf")
    assert again.data.verification_ok
    assert dict(again.data.assessments_by_profile) == {"C5": 1}
    assert (again.data.assessments_recorded, again.data.assessments_questionnaire) == (1, 0)
