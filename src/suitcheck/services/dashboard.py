"""The compliance dashboard's figures over a date range: decisions per day, blocks by
reason, clients by profile, reports by level and assessments expiring per month.

Every figure is an aggregate query; the GUI only draws what this returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from sqlalchemy import func, select

from suitcheck.audit import chain
from suitcheck.domain.calendar import firm_day
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.roles import Permission
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import InvalidInput
from suitcheck.services.inspection import blocks_by_reason, expiring_by_month, stored_decision
from suitcheck.services.reports import stored_level
from suitcheck.store.models import AuditEntry, Investor, Report

MAX_DAYS = 366  # one bar per day: a longer range is the self-inspection report's job
EXPIRY_MONTHS = 12
OUTCOMES = tuple(o.value for o in Outcome)
PROFESSIONAL = "professional"
UNASSESSED = "unassessed"
UNRATED = "unrated"
_PROFILES = frozenset(int(p) for p in RiskProfile)

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class DashboardFigures:
    period_from: dt.date
    period_to: dt.date
    # Every day of the range, oldest first: (day, {outcome: checks}) with every outcome.
    decisions_per_day: tuple[tuple[dt.date, dict[str, int]], ...]
    blocks_by_reason: dict[str, int]  # blocking reason code -> blocked checks giving it
    # As of now: "C1".."C5" (ordinary clients' current profile), "unassessed", "professional".
    clients_by_profile: dict[str, int]
    reports_by_level: dict[str, int]  # as of now: "R1".."R5", "unrated"
    # Ordinary clients whose current assessment expires in each month from the range's first.
    expiring_by_month: tuple[tuple[str, int], ...]

    @property
    def decisions_total(self) -> dict[str, int]:
        return {o: sum(day[o] for _, day in self.decisions_per_day) for o in OUTCOMES}

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "decisions_per_day": [{"day": d.isoformat(), **counts} for d, counts in self.decisions_per_day],
            "blocks_by_reason": self.blocks_by_reason,
            "clients_by_profile": self.clients_by_profile,
            "reports_by_level": self.reports_by_level,
            "expiring_by_month": dict(self.expiring_by_month),
        }


_BRANCH_REFUSAL = "The compliance dashboard covers every branch: only firm-wide (head-office) compliance may see it."


class DashboardService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def refused(self, actor: Actor) -> str | None:
        """Why `figures` would refuse `actor` (as last logged in), or None: for a desk to
        offer the dashboard only to whoever may see it."""
        return self._ctx.firm_wide_refused(actor, Permission.VIEW_AUDIT, _BRANCH_REFUSAL)

    def figures(self, actor: Actor, period_from: dt.date, period_to: dt.date) -> DashboardFigures:
        """The figures over [period_from, period_to] (the firm's days, domain.calendar).
        They cover the whole firm, so branch-scoped staff may not see them."""
        actor = self._ctx.require_firm_wide(actor, Permission.VIEW_AUDIT, _BRANCH_REFUSAL)
        if period_to < period_from:
            raise InvalidInput("The period ends before it starts.")
        if (period_to - period_from).days >= MAX_DAYS:
            raise InvalidInput(f"The dashboard shows at most {MAX_DAYS} days; choose a shorter range.")
        lo, hi = chain.day_stamp(period_from), chain.day_end_stamp(period_to)
        checks = (AuditEntry.action == "check", AuditEntry.at >= lo, AuditEntry.at < hi)
        with self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            policy = self._ctx.policy(session)
            days = (period_to - period_from).days + 1
            per_day = {period_from + dt.timedelta(days=n): dict.fromkeys(OUTCOMES, 0) for n in range(days)}
            # Counted by the UTC hour, then each hour given to its firm's day (Beijing's days
            # begin at 16:00 UTC; the zone is whole hours): at most 24 rows a day and outcome.
            hour = func.substr(AuditEntry.at, 1, 13)
            for row in conn.execute(
                select(hour.label("hour"), AuditEntry.decision, func.count().label("n"))
                .where(*checks)
                .group_by(hour, AuditEntry.decision)
            ):
                on = _day(row.hour)
                counts = None if on is None else per_day.get(on)
                if counts is None:  # a time that is no day of the period (changed outside suitcheck)
                    continue
                decision = stored_decision(row.decision)
                counts[decision] = counts.get(decision, 0) + int(row.n)
            blocks, _expired = blocks_by_reason(conn, checks)

            clients = {p.code: 0 for p in RiskProfile} | {UNASSESSED: 0, PROFESSIONAL: 0}
            for row in conn.execute(
                select(Investor.investor_class, Investor.current_profile, func.count().label("n")).group_by(
                    Investor.investor_class, Investor.current_profile
                )
            ):
                if row.investor_class == InvestorClass.PROFESSIONAL.value:
                    key = PROFESSIONAL
                elif row.current_profile is None:
                    key = UNASSESSED
                elif row.current_profile in _PROFILES:
                    key = RiskProfile(row.current_profile).code
                else:  # a profile suitcheck never writes (9, 'C5'): such a row counts nowhere
                    log.warning("%s clients hold a profile suitcheck never writes; not counted", row.n)
                    continue
                clients[key] += int(row.n)

            reports = _reports_by_level(conn)

            expiring = expiring_by_month(conn, period_from, EXPIRY_MONTHS, policy.validity_days)
        return DashboardFigures(
            period_from=period_from,
            period_to=period_to,
            decisions_per_day=tuple(per_day.items()),
            blocks_by_reason=dict(sorted(blocks.items(), key=lambda kv: (-kv[1], kv[0]))),
            clients_by_profile=clients,
            reports_by_level=reports,
            expiring_by_month=tuple(expiring.items()),
        )


def _reports_by_level(conn: Any) -> dict[str, int]:
    reports = {level.code: 0 for level in RiskLevel} | {UNRATED: 0}
    for row in conn.execute(select(Report.level, func.count().label("n")).group_by(Report.level)):
        level = stored_level(row.level)
        if row.level and level is None:  # a level suitcheck never writes (9, text): counted nowhere
            log.warning("%s reports hold a level suitcheck never writes; not counted", row.n)
            continue
        reports[level.code if level else UNRATED] += int(row.n)
    return reports


def _day(text: str | bytes | None) -> dt.date | None:
    """The firm's day of an entry's UTC hour (its time's first 13 characters,
    `2026-06-30T23`), or None for a time that is no hour: SQLite keeps whatever an edit
    outside suitcheck gives it."""
    try:
        hour = dt.datetime.strptime(text, "%Y-%m-%dT%H") if isinstance(text, str) else None
    except ValueError:
        return None
    return firm_day(hour.replace(tzinfo=dt.UTC)) if hour is not None else None
