"""Reminders: clients whose assessment expires soon, has expired, or is due because their
situation changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import ColumnElement, and_, func, or_, select, true

from suitcheck.audit.export import neutralise
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import assessment_expires_on
from suitcheck.domain.levels import InvestorClass
from suitcheck.domain.roles import Permission, may
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import InvalidInput
from suitcheck.services.investors import InvestorView, make_view
from suitcheck.services.scope import client_scope
from suitcheck.services.tables import Written, format_for, write_table
from suitcheck.store.models import Investor

MAX_WINDOW_DAYS = 3660
REMINDER_COLUMNS = ("id", "account", "name", "profile", "assessed", "state", "expires", "due_reason")


class ReminderState(enum.StrEnum):
    DUE = "due"  # situation changed: re-assess now
    EXPIRED = "expired"
    EXPIRING = "expiring"  # within the asked window


@dataclasses.dataclass(frozen=True)
class Reminder:
    investor: InvestorView
    state: ReminderState
    expires: dt.date | None  # the first day the assessment is no longer valid
    reason: str | None  # why a re-assessment is due

    def to_dict(self) -> dict[str, object]:
        return {
            **self.investor.to_dict(),
            "state": self.state.value,
            "expires": self.expires.isoformat() if self.expires else None,
            "due_reason": self.reason,
        }


def reminder_state(due: bool, expires: dt.date | None, today: dt.date, window_days: int) -> ReminderState | None:
    if due:
        return ReminderState.DUE
    if expires is None:
        return None
    if today >= expires:
        return ReminderState.EXPIRED
    if (expires - today).days <= window_days:
        return ReminderState.EXPIRING
    return None


class ReminderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def reminders(self, actor: Actor, within_days: int | None = None, *, limit: int | None = None) -> list[Reminder]:
        return list(self.iter_reminders(actor, within_days, limit=limit))

    def iter_reminders(
        self, actor: Actor, within_days: int | None = None, *, limit: int | None = None
    ) -> Iterator[Reminder]:
        """Ordinary clients to re-assess: due first, then by expiry date (oldest first).
        The window defaults to the policy's warning window."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        if within_days is not None and not 0 <= within_days <= MAX_WINDOW_DAYS:
            raise InvalidInput(f"The reminder window is 0 to {MAX_WINDOW_DAYS} days.")
        with self._ctx.transaction(read_only=True) as session:
            policy, today = self._ctx.policy(session), self._ctx.today()
            window = policy.warning_days if within_days is None else within_days
            stmt = (
                select(Investor)
                .where(*_reminder_conditions(actor, policy.validity_days, today, window))
                .order_by(Investor.reassessment_due.desc(), Investor.current_assessed_on, Investor.id)
            )
            if limit is not None:
                stmt = stmt.limit(limit)
            full = may(actor.role, Permission.SEE_FULL_ID)
            for investor in session.execute(stmt.execution_options(yield_per=2000)).scalars():
                expires = (
                    assessment_expires_on(investor.current_assessed_on, policy)
                    if investor.current_assessed_on
                    else None
                )
                state = reminder_state(bool(investor.reassessment_due), expires, today, window)
                if state is None:  # pragma: no cover - the query selects exactly these
                    continue
                yield Reminder(make_view(investor, today, policy, full), state, expires, investor.reassessment_reason)

    def write(self, actor: Actor, out: Path, within_days: int | None = None, fmt: str | None = None) -> Written:
        """The reminder list as CSV or XLSX (by the file name) through the one table writer
        the distribution lists use; producing it is audited with the file's hash."""
        fmt = format_for(out, fmt)
        items = self.reminders(actor, within_days)
        with self._ctx.transaction(read_only=True) as session:
            policy = self._ctx.policy(session)
        window = policy.warning_days if within_days is None else within_days
        rows = [
            [
                neutralise(v)
                for v in (
                    r.investor.id,
                    r.investor.account,
                    r.investor.name,
                    r.investor.profile.code if r.investor.profile else "",
                    r.investor.assessed_on.isoformat() if r.investor.assessed_on else "",
                    r.state.value,
                    r.expires.isoformat() if r.expires else "",
                    r.reason or "",
                )
            ]
            for r in items
        ]
        written = write_table(
            out,
            fmt,
            REMINDER_COLUMNS,
            [rows],
            title_lines=(
                "Re-assessment reminders 风险测评提醒",
                f"Window 提醒期: {window} days; policy version {policy.version}; "
                f"{self._ctx.today().isoformat()}; by {actor.username}",
            ),
            sheet="reminders",
        )
        with self._ctx.transaction() as session:
            self._ctx.audit(
                session,
                actor,
                AuditAction.REMINDER_LIST,
                facts={
                    "count": written.count,
                    "format": written.format.value,
                    "file": written.path.name,
                    "file_sha256": written.sha256,
                    "window_days": window,
                    "policy_version": policy.version,
                },
            )
        return written

    def count(self, actor: Actor, within_days: int | None = None) -> int:
        """How many reminders `reminders` lists, counted in SQL (the status bar's figure)."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        if within_days is not None and not 0 <= within_days <= MAX_WINDOW_DAYS:
            raise InvalidInput(f"The reminder window is 0 to {MAX_WINDOW_DAYS} days.")
        with self._ctx.transaction(read_only=True) as session:
            policy = self._ctx.policy(session)
            window = policy.warning_days if within_days is None else within_days
            stmt = select(func.count()).select_from(Investor)
            stmt = stmt.where(*_reminder_conditions(actor, policy.validity_days, self._ctx.today(), window))
            return int(session.execute(stmt).scalar_one())


def _reminder_conditions(
    actor: Actor, validity_days: int, today: dt.date, window: int
) -> tuple[ColumnElement[bool], ...]:
    """Ordinary clients of the actor's branch (services.scope) who are due, or whose
    assessment expires within `window` days or has expired."""
    # expires = assessed + validity; expires - today <= window  <=>  assessed <= cutoff
    cutoff = today + dt.timedelta(days=window - validity_days)
    return (
        client_scope(actor),
        Investor.investor_class != InvestorClass.PROFESSIONAL.value,
        or_(
            Investor.reassessment_due == true(),
            and_(Investor.current_assessed_on.is_not(None), Investor.current_assessed_on <= cutoff),
        ),
    )
