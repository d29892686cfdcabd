"""Reminders: clients whose assessment expires soon, has expired, or is due because their
situation changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session, defer

from suitcheck.audit.export import neutralise
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import AssessmentState, expiry_state
from suitcheck.domain.levels import InvestorClass
from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Permission
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import InvalidInput
from suitcheck.services.integrity import shown_text
from suitcheck.services.investors import InvestorView, listed_views
from suitcheck.services.scope import client_scope
from suitcheck.services.tables import Written, format_for, write_table
from suitcheck.store.models import Investor

MAX_WINDOW_DAYS = 3660
# Columns after the first eight were added later, at the end, so a script reading by position
# still reads what it did. record_intact: "no" for a client whose row fails its seal (changed
# outside suitcheck): what it shows is what the row now holds, every check about the client
# blocks, and `audit verify` names the row. valid_until: the last day the assessment is
# valid, what the desk and the confirmation sheet say; `expires` is the day after it.
REMINDER_COLUMNS = (
    "id",
    "account",
    "name",
    "profile",
    "assessed",
    "state",
    "expires",
    "due_reason",
    "record_intact",
    "valid_until",
)


class ReminderState(enum.StrEnum):
    DUE = "due"  # situation changed: re-assess now
    EXPIRED = "expired"
    EXPIRING = "expiring"  # within the asked window


_BY_EXPIRY = {AssessmentState.EXPIRED: ReminderState.EXPIRED, AssessmentState.EXPIRING_SOON: ReminderState.EXPIRING}

CHUNK = 2000  # clients read, checked and shown at a time


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


def _reminder(view: InvestorView, reason: object, today: dt.date, window: int) -> Reminder | None:
    """The reminder for a client the query selected. A row that fails its seal is listed
    as the row stands and marked (view.record_intact); one whose dates no longer say why
    it was selected (read otherwise than SQL compares them, or unreadable) is listed as
    due: it is never dropped from the list by what was changed in it."""
    state = reminder_state(view.reassessment_due, view.expires_on, today, window)
    shown = shown_text(reason) if isinstance(reason, str | bytes) else None  # unsealed: as names are
    if state is None:
        # The query selects exactly these, unless the row was re-assessed between reading the
        # ids and reading the row (PostgreSQL reads each statement at its own moment).
        if view.record_intact:
            return None
        state = ReminderState.DUE
    return Reminder(view, state, view.expires_on, shown)


def reminder_state(due: bool, expires: dt.date | None, today: dt.date, window_days: int) -> ReminderState | None:
    if due:
        return ReminderState.DUE
    if expires is None:
        return None
    return _BY_EXPIRY.get(expiry_state(expires, today, window_days))


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
        _check_window(within_days)
        with self._ctx.transaction(read_only=True) as session:
            policy, today = self._ctx.policy(session), self._ctx.today()
            yield from self._listed(session, actor, policy, today, within_days, limit)

    def _listed(
        self,
        session: Session,
        actor: Actor,
        policy: Policy,
        today: dt.date,
        within_days: int | None,
        limit: int | None,
    ) -> Iterator[Reminder]:
        """The reminders in the caller's snapshot, under `policy` on `today`."""
        window = policy.warning_days if within_days is None else within_days
        order = (Investor.reassessment_due.desc(), Investor.current_assessed_on, Investor.id)
        stmt = select(Investor.id).where(*_reminder_conditions(actor, policy.validity_days, today, window))
        if limit is not None:
            stmt = stmt.limit(limit)
        # Ids first (no column a reader can refuse), then the clients a chunk at a time
        # through the client list's own path: each row's seal checked and marked, a row
        # holding a value suitcheck never writes shown as unreadable, not the list refused.
        ids = session.execute(stmt.order_by(*order)).scalars().all()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            page = select(Investor).options(defer(Investor.created_at)).where(Investor.id.in_(chunk))
            views = listed_views(self._ctx, session, actor, page.order_by(*order))
            reasons = {
                i: reason
                for i, reason in session.execute(
                    select(Investor.id, Investor.reassessment_reason).where(Investor.id.in_(chunk))
                )
            }
            for view in views:
                reminder = _reminder(view, reasons.get(view.id), today, window)
                if reminder is not None:
                    yield reminder

    def write(self, actor: Actor, out: Path, within_days: int | None = None, fmt: str | None = None) -> Written:
        """The reminder list as CSV or XLSX (by the file name) through the one table writer
        the distribution lists use; producing it is audited with the file's hash."""
        fmt = format_for(out, fmt)
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        _check_window(within_days)
        # One snapshot: the rows, and the policy and day they were listed under, which the
        # file's title and its audit entry name (read again after, they named a policy
        # changed meanwhile: "validity 365 days" over rows listed under 730).
        with self._ctx.transaction(read_only=True) as session:
            policy, today = self._ctx.policy(session), self._ctx.today()
            items = list(self._listed(session, actor, policy, today, within_days, None))
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
                    "yes" if r.investor.record_intact else "no",
                    r.investor.valid_until.isoformat() if r.investor.valid_until else "",
                )
            ]
            for r in items
        ]
        with (
            write_table(
                out,
                fmt,
                REMINDER_COLUMNS,
                [rows],
                title_lines=(
                    "Re-assessment reminders 风险测评提醒",
                    f"Window 提醒期: {window} days; policy version {policy.version}; "
                    f"{today.isoformat()}; by {actor.username}",
                ),
                sheet="reminders",
            ) as written,  # placed once its audit entry commits
            self._ctx.transaction() as session,
        ):
            # Its maker as the store has them now: disabled while it was written, no file.
            actor = self._ctx.require_in(session, actor, Permission.VIEW_CLIENTS)
            self._ctx.audit(
                session,
                actor,
                AuditAction.REMINDER_LIST,
                facts={
                    "count": written.count,
                    "format": written.format.value,
                    "file": written.path.name,
                    "file_sha256": written.sha256,
                    # Clients listed whose row fails its seal (marked in the file).
                    "changed_outside": sum(not r.investor.record_intact for r in items),
                    "window_days": window,
                    "policy_version": policy.version,
                },
            )
        return written

    def count(self, actor: Actor, within_days: int | None = None) -> int:
        """How many reminders `reminders` lists, counted in SQL (the status bar's figure)."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        _check_window(within_days)
        with self._ctx.transaction(read_only=True) as session:
            policy = self._ctx.policy(session)
            window = policy.warning_days if within_days is None else within_days
            stmt = select(func.count()).select_from(Investor)
            stmt = stmt.where(*_reminder_conditions(actor, policy.validity_days, self._ctx.today(), window))
            return int(session.execute(stmt).scalar_one())


def _check_window(within_days: int | None) -> None:
    if within_days is not None and not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"The reminder window is 0 to {MAX_WINDOW_DAYS} days.")


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
            # Every mark that is not false, as Python (and so `check`) reads it: a mark of 1
            # rewritten in SQL as 'yes' or 2 keeps its seal and still restricts the client,
            # and must not drop them from the list ('= 1' would).
            Investor.reassessment_due != false(),
            and_(Investor.current_assessed_on.is_not(None), Investor.current_assessed_on <= cutoff),
        ),
    )
