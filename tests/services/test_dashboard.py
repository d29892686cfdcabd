"""The compliance dashboard's figures equal plain SQL counts over the same range."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from suitcheck.domain.decision import BLOCKING_REASONS
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput, PermissionDenied
from tests.conftest import TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report


def _sql(services: Services, lo: dt.date, hi: dt.date) -> dict[str, Any]:
    """The same figures, counted independently with plain SQL."""
    period = {"lo": f"{lo.isoformat()}T00:00:00.000000Z", "hi": f"{(hi + dt.timedelta(days=1)).isoformat()}T00:00"}
    where = "action = 'check' AND at >= :lo AND at < :hi"
    with services.store.engine.connect() as conn:
        per_day = {
            (day, decision): n
            for day, decision, n in conn.execute(
                text(f"SELECT substr(at, 1, 10), decision, count(*) FROM audit_entry WHERE {where} GROUP BY 1, 2"),
                period,
            )
        }
        blocks = {}
        for reason in BLOCKING_REASONS:
            n = conn.execute(
                text(f"SELECT count(*) FROM audit_entry WHERE {where} AND decision = 'block' AND reasons LIKE :r"),
                {**period, "r": f'%"{reason.value}"%'},
            ).scalar_one()
            if n:
                blocks[reason.value] = n
        profiles = {
            f"C{p}": n
            for p, n in conn.execute(
                text(
                    "SELECT current_profile, count(*) FROM investor WHERE investor_class <> 'professional' "
                    "AND current_profile IS NOT NULL GROUP BY current_profile"
                )
            )
        }
        profiles["unassessed"] = conn.execute(
            text("SELECT count(*) FROM investor WHERE investor_class <> 'professional' AND current_profile IS NULL")
        ).scalar_one()
        profiles["professional"] = conn.execute(
            text("SELECT count(*) FROM investor WHERE investor_class = 'professional'")
        ).scalar_one()
        levels = {
            (f"R{lv}" if lv else "unrated"): n
            for lv, n in conn.execute(text("SELECT level, count(*) FROM report GROUP BY level"))
        }
        expiring = conn.execute(
            text(
                "SELECT count(*) FROM investor WHERE investor_class <> 'professional' "
                "AND current_assessed_on >= :a AND current_assessed_on < :b"
            ),
            # validity 730 days: expiring in the range's first month
            {"a": lo.replace(day=1) - dt.timedelta(days=730), "b": _next_month(lo) - dt.timedelta(days=730)},
        ).scalar_one()
    return {"per_day": per_day, "blocks": blocks, "profiles": profiles, "levels": levels, "expiring_first": expiring}


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_dashboard_figures_equal_sql_counts(services: Services, clock: Clock, tmp_path: Path) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    r1 = import_text_report(services, compliance, tmp_path, level="低风险")
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    unrated = import_text_report(services, compliance, tmp_path, level=None, title="未评级的行业周报")
    for account, profile, days in (
        ("A5", RiskProfile.C5, 10),
        ("A3", RiskProfile.C3, 20),
        ("OLD", RiskProfile.C4, 900),
    ):
        add_client(services, compliance, account, profile, days)
    add_client(services, compliance, "SOON", RiskProfile.C2, 725)  # expires within days
    add_client(services, compliance, "LOW", RiskProfile.C1, 30, lowest_category=True)
    add_client(services, compliance, "NEW", None, None)
    add_client(services, compliance, "PRO", None, None, investor_class=InvestorClass.PROFESSIONAL)
    services.investors.mark_reassessment_due(advisor, "A5", "收入变化")

    def checks(rounds: int) -> None:
        for _ in range(rounds):
            for account in ("A5", "A3", "OLD", "LOW", "NEW", "PRO"):
                for report in (r1, r4, unrated):
                    services.access.check(advisor, account, report)

    checks(1)  # TODAY: before the range
    clock.advance(days=3)
    services.policy.update(compliance, allow_escalation=True)
    checks(2)
    clock.advance(days=1)
    checks(1)
    clock.advance(days=10)
    checks(1)  # after the range
    lo, hi = TODAY + dt.timedelta(days=2), TODAY + dt.timedelta(days=5)

    figures = services.dashboard.figures(compliance, lo, hi)
    expected = _sql(services, lo, hi)
    assert [d for d, _ in figures.decisions_per_day] == [lo + dt.timedelta(days=n) for n in range(4)]
    shown = {(d.isoformat(), o): n for d, counts in figures.decisions_per_day for o, n in counts.items() if n}
    assert shown == expected["per_day"]
    assert sum(figures.decisions_total.values()) == 3 * 18
    assert figures.decisions_total["allow-after-warning"] > 0
    assert figures.decisions_total["allow"] > 0
    assert figures.blocks_by_reason == expected["blocks"]
    assert {"lowest-category", "reassessment-due", "assessment-expired", "report-unrated"} <= set(
        figures.blocks_by_reason
    )
    nonzero = {k: v for k, v in figures.clients_by_profile.items() if v}
    assert nonzero == {k: v for k, v in expected["profiles"].items() if v}
    assert figures.clients_by_profile["professional"] == 1
    assert figures.clients_by_profile["unassessed"] == 1
    assert {k: v for k, v in figures.reports_by_level.items() if v} == expected["levels"]
    assert figures.reports_by_level["unrated"] == 1
    months = dict(figures.expiring_by_month)
    assert len(months) == 12
    assert list(months)[0] == f"{lo:%Y-%m}"
    assert months[f"{lo:%Y-%m}"] == expected["expiring_first"]


def test_dashboard_refusals(services: Services) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    for role in (Role.ADVISOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            services.dashboard.figures(staff(services, role), TODAY, TODAY)
    with pytest.raises(InvalidInput, match="ends before"):
        services.dashboard.figures(compliance, TODAY, TODAY - dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="at most 366 days"):
        services.dashboard.figures(compliance, TODAY - dt.timedelta(days=366), TODAY)
    assert len(services.dashboard.figures(compliance, TODAY - dt.timedelta(days=365), TODAY).decisions_per_day) == 366
