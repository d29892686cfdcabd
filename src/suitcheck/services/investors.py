"""Clients and their assessment history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from suitcheck.domain.decision import (
    AssessmentState,
    InvestorFacts,
    age_on,
    assessment_expires_on,
    assessment_state,
)
from suitcheck.domain.identity import InvalidIdNumberError, birth_date, mask_id_number, normalize_id_number
from suitcheck.domain.levels import InvestorClass, RiskProfile, UnknownLevelError
from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Permission, may
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import Conflict, InvalidInput, NotFound
from suitcheck.store.models import Assessment, Investor

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class InvestorView:
    id: int
    account: str
    name: str
    investor_class: InvestorClass
    profile: RiskProfile | None
    assessed_on: dt.date | None
    assessment_state: AssessmentState
    expires_on: dt.date | None
    id_number: str | None  # masked unless the viewer may see full numbers
    age: int | None
    lowest_category: bool
    special_attention: bool
    needs_attention: bool = False  # flagged, or at/over the policy's special-attention age

    @property
    def assessment_valid(self) -> bool:
        return self.investor_class is InvestorClass.PROFESSIONAL or self.assessment_state.usable

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "account": self.account,
            "name": self.name,
            "class": self.investor_class.value,
            "profile": self.profile.code if self.profile else None,
            "assessed": self.assessed_on.isoformat() if self.assessed_on else None,
            "assessment_valid": self.assessment_valid,
            "assessment_state": self.assessment_state.value,
            "expires": self.expires_on.isoformat() if self.expires_on else None,
            "id_number": self.id_number,
            "age": self.age,
            "lowest_category": self.lowest_category,
            "special_attention": self.special_attention,
            "needs_attention": self.needs_attention,
        }


@dataclasses.dataclass(frozen=True)
class AssessmentView:
    profile: RiskProfile
    assessed_on: dt.date
    lowest_category: bool
    recorded_at: dt.datetime
    note: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "profile": self.profile.code,
            "assessed": self.assessed_on.isoformat(),
            "lowest_category": self.lowest_category,
            "recorded_at": self.recorded_at.isoformat(),
            "note": self.note,
        }


def investor_facts(investor: Investor | Any) -> InvestorFacts:
    """From an Investor or a row of FACT_COLUMNS."""
    return InvestorFacts(
        investor_class=InvestorClass(investor.investor_class),
        profile=RiskProfile(investor.current_profile) if investor.current_profile else None,
        assessed_on=investor.current_assessed_on,
        lowest_category=investor.lowest_category,
        birth_date=investor.birth_date,
        special_attention=investor.special_attention,
        reassessment_due=bool(investor.reassessment_due),
    )


def make_view(investor: Investor, today: dt.date, policy: Policy, full_id: bool) -> InvestorView:
    facts = investor_facts(investor)
    return InvestorView(
        id=investor.id,
        account=investor.account,
        name=investor.name,
        investor_class=facts.investor_class,
        profile=facts.profile,
        assessed_on=facts.assessed_on,
        assessment_state=assessment_state(facts.assessed_on, today, policy),
        expires_on=assessment_expires_on(facts.assessed_on, policy) if facts.assessed_on else None,
        id_number=investor.id_number if full_id else mask_id_number(investor.id_number),
        age=age_on(investor.birth_date, today) if investor.birth_date else None,
        lowest_category=investor.lowest_category,
        special_attention=investor.special_attention,
        needs_attention=investor.special_attention
        or (investor.birth_date is not None and age_on(investor.birth_date, today) >= policy.special_attention_age),
    )


FACT_COLUMNS = (
    Investor.id,
    Investor.account,
    Investor.investor_class,
    Investor.current_profile,
    Investor.current_assessed_on,
    Investor.lowest_category,
    Investor.birth_date,
    Investor.special_attention,
    Investor.reassessment_due,
)


_BY_ACCOUNT = select(*FACT_COLUMNS).where(Investor.account == bindparam("account")).limit(2)
_BY_ACCOUNT_OR_ID = (
    select(*FACT_COLUMNS).where(or_(Investor.account == bindparam("account"), Investor.id == bindparam("id"))).limit(2)
)


def resolve_investor(session: Session | Connection, ref: str | int) -> Any:
    """The client's fact columns, by account number or by the numeric id the JSON output
    shows; never a guess. `acct:` forces the account reading."""
    text_ref = str(ref).strip()
    conn = session.connection() if isinstance(session, Session) else session
    if text_ref.startswith("acct:"):
        rows = conn.execute(_BY_ACCOUNT, {"account": text_ref[5:]}).all()
    elif text_ref.isdigit() and len(text_ref) < 10:
        rows = conn.execute(_BY_ACCOUNT_OR_ID, {"account": text_ref, "id": int(text_ref)}).all()
    else:
        rows = conn.execute(_BY_ACCOUNT, {"account": text_ref}).all()
    if len(rows) > 1:
        raise InvalidInput(
            f"{text_ref!r} is both an account number and another client's id; "
            "give the account number with a leading 'acct:'."
        )
    if not rows:
        raise NotFound(f"No client has the account number or id {text_ref!r}.")
    return rows[0]


def find_investor(session: Session, ref: str | int) -> Investor:
    investor = session.get(Investor, resolve_investor(session, ref).id)
    assert investor is not None
    return investor


def parse_profile(text: str) -> RiskProfile:
    try:
        return RiskProfile.parse(text)
    except UnknownLevelError as exc:
        raise InvalidInput(f"{text!r} is not a risk profile (C1 to C5).") from exc


class InvestorService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add(
        self,
        actor: Actor,
        *,
        account: str,
        name: str,
        id_number: str | None = None,
        investor_class: InvestorClass = InvestorClass.ORDINARY,
        profile: RiskProfile | None = None,
        assessed_on: dt.date | None = None,
        lowest_category: bool = False,
        special_attention: bool = False,
    ) -> InvestorView:
        self._ctx.require(actor, Permission.EDIT_CLIENTS)
        account, name = account.strip(), name.strip()
        if not account or len(account) > 32:
            raise InvalidInput("An account number is 1 to 32 characters.")
        if not name or len(name) > 128:
            raise InvalidInput("A client's name is 1 to 128 characters.")
        if (profile is None) != (assessed_on is None):
            raise InvalidInput("A profile needs its assessment date, and an assessment date needs a profile.")
        if assessed_on is not None and assessed_on > self._ctx.today():
            raise InvalidInput("An assessment date cannot be in the future.")
        number = born = None
        if id_number:
            try:
                number = normalize_id_number(id_number)
            except InvalidIdNumberError as exc:
                raise InvalidInput(f"The ID number is not valid: {exc}.") from exc
            born = birth_date(number)
        with self._ctx.transaction() as session:
            if session.execute(select(Investor.id).where(Investor.account == account)).first():
                raise Conflict(f"A client with account number {account!r} already exists.")
            if number and session.execute(select(Investor.id).where(Investor.id_number == number)).first():
                raise Conflict("A client with this ID number already exists.")
            investor = Investor(
                account=account,
                name=name,
                id_number=number,
                birth_date=born,
                investor_class=investor_class.value,
                lowest_category=lowest_category,
                special_attention=special_attention,
                created_at=self._ctx.now(),
            )
            session.add(investor)
            session.flush()
            self._ctx.audit(
                session,
                actor,
                "client-added",
                investor_id=investor.id,
                facts={"account": account, "class": investor_class.value, "lowest_category": lowest_category},
            )
            log.info("client %s (account %s) added by %s", investor.id, account, actor.username)
            if profile is not None and assessed_on is not None:
                self._record(session, actor, investor, profile, assessed_on, lowest_category, None)
            return make_view(
                investor, self._ctx.today(), self._ctx.policy(session), may(actor.role, Permission.SEE_FULL_ID)
            )

    def update(
        self,
        actor: Actor,
        ref: str | int,
        *,
        name: str | None = None,
        investor_class: InvestorClass | None = None,
        lowest_category: bool | None = None,
        special_attention: bool | None = None,
        reason: str = "",
    ) -> InvestorView:
        """Correct a client's record. Every change is audited with its old and new value
        and the reason; taking a client out of the lowest category needs a reason."""
        self._ctx.require(actor, Permission.EDIT_CLIENTS)
        with self._ctx.transaction() as session:
            investor = find_investor(session, ref)
            wanted = {
                "name": name.strip() if name is not None else None,
                "investor_class": investor_class.value if investor_class is not None else None,
                "lowest_category": lowest_category,
                "special_attention": special_attention,
            }
            changes = {
                field: (getattr(investor, field), value)
                for field, value in wanted.items()
                if value is not None and value != getattr(investor, field)
            }
            if "name" in changes and not 0 < len(str(changes["name"][1])) <= 128:
                raise InvalidInput("A client's name is 1 to 128 characters.")
            if changes.get("lowest_category") == (True, False) and not reason.strip():
                raise InvalidInput("Say why the client leaves the lowest risk-tolerance category.")
            if not changes:
                raise InvalidInput("Nothing to change.")
            for field, (_old, new) in changes.items():
                setattr(investor, field, new)
            self._ctx.audit(
                session,
                actor,
                "client-edited",
                investor_id=investor.id,
                facts={"changes": {k: {"old": o, "new": n} for k, (o, n) in changes.items()}, "reason": reason},
            )
            log.info("client %s edited by %s: %s", investor.id, actor.username, ", ".join(changes))
            return make_view(
                investor, self._ctx.today(), self._ctx.policy(session), may(actor.role, Permission.SEE_FULL_ID)
            )

    def assess(
        self,
        actor: Actor,
        ref: str | int,
        profile: RiskProfile,
        assessed_on: dt.date,
        *,
        lowest_category: bool = False,
        note: str | None = None,
    ) -> InvestorView:
        """Record an assessment. History is kept; the newest assessment becomes current."""
        self._ctx.require(actor, Permission.EDIT_CLIENTS)
        if assessed_on > self._ctx.today():
            raise InvalidInput("An assessment date cannot be in the future.")
        with self._ctx.transaction() as session:
            investor = find_investor(session, ref)
            if InvestorClass(investor.investor_class) is InvestorClass.PROFESSIONAL:
                raise InvalidInput("Professional investors are not assessed; change the class first.")
            self._record(session, actor, investor, profile, assessed_on, lowest_category, note)
            return make_view(
                investor, self._ctx.today(), self._ctx.policy(session), may(actor.role, Permission.SEE_FULL_ID)
            )

    def _record(
        self,
        session: Session,
        actor: Actor,
        investor: Investor,
        profile: RiskProfile,
        assessed_on: dt.date,
        lowest_category: bool,
        note: str | None,
    ) -> None:
        session.add(
            Assessment(
                investor_id=investor.id,
                profile=int(profile),
                assessed_on=assessed_on,
                lowest_category=lowest_category,
                recorded_by=actor.staff_id or None,
                recorded_at=self._ctx.now(),
                note=note,
            )
        )
        if investor.current_assessed_on is None or assessed_on >= investor.current_assessed_on:
            investor.current_profile = int(profile)
            investor.current_assessed_on = assessed_on
        # A knock-out answer puts the client in the lowest category; only an explicit
        # edit takes them out again (fail closed).
        investor.lowest_category = investor.lowest_category or lowest_category
        session.flush()
        self._ctx.audit(
            session,
            actor,
            "assessment",
            investor_id=investor.id,
            facts={"profile": profile.code, "assessed": assessed_on.isoformat(), "lowest_category": lowest_category},
        )

    def get(self, actor: Actor, ref: str | int) -> InvestorView:
        self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            return make_view(
                find_investor(session, ref),
                self._ctx.today(),
                self._ctx.policy(session),
                may(actor.role, Permission.SEE_FULL_ID),
            )

    def history(self, actor: Actor, ref: str | int) -> list[AssessmentView]:
        self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            investor = find_investor(session, ref)
            return [
                AssessmentView(RiskProfile(a.profile), a.assessed_on, a.lowest_category, a.recorded_at, a.note)
                for a in investor.assessments
            ]

    def search(self, actor: Actor, query: str = "", *, limit: int = 200, offset: int = 0) -> list[InvestorView]:
        """Prefix match on account, name or full ID number, served from indexes."""
        self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            stmt = _search_statement(query).order_by(Investor.id).limit(limit).offset(offset)
            policy, today = self._ctx.policy(session), self._ctx.today()
            full = may(actor.role, Permission.SEE_FULL_ID)
            return [make_view(i, today, policy, full) for i in session.execute(stmt).scalars()]

    def count(self, actor: Actor, query: str = "") -> int:
        self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            sub = _search_statement(query).with_only_columns(Investor.id).subquery()
            return int(session.execute(select(func.count()).select_from(sub)).scalar_one())


def _prefix(column, term: str):  # type: ignore[no-untyped-def]
    # A range instead of LIKE 'x%': it uses the plain b-tree index on every backend.
    return (column >= term) & (column < term + "\U0010ffff")


def _search_statement(query: str) -> Select[Any]:
    stmt = select(Investor)
    term = query.strip()
    if term:
        conditions = [_prefix(Investor.account, term), _prefix(Investor.name, term)]
        compact = "".join(term.split()).upper()
        if len(compact) >= 15:
            conditions.append(Investor.id_number == compact)
        stmt = stmt.where(or_(*conditions))
    return stmt
