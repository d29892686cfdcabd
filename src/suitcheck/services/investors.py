"""Clients and their assessment history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, defer

from suitcheck.audit.chain import IN_TRAIL, Appended
from suitcheck.audit.rowmac import seals_match
from suitcheck.domain.clients import (
    MINOR_REASON,
    assessed_before_birth,
    minor_on,
    minor_problems,
    name_problem,
    record_problems,
)
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import (
    AssessmentState,
    InvestorFacts,
    Outcome,
    RecordConflict,
    ReportFacts,
    age_on,
    assessment_expires_on,
    assessment_state,
    decide,
    investor_assessment_state,
    last_valid_day,
    reassessment_cleared,
    record_conflicts,
)
from suitcheck.domain.identity import (
    InvalidIdNumberError,
    birth_date,
    legacy_form,
    mask_id_number,
    normalize_id_number,
)
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile, UnknownLevelError
from suitcheck.domain.policy import Policy
from suitcheck.domain.questionnaire import AnswersError, Questionnaire, Score, answers_hash, canonical_json
from suitcheck.domain.roles import Permission, may
from suitcheck.domain.text import half_width
from suitcheck.services.assessment_history import client_history
from suitcheck.services.branches import branch_codes, branch_id_for, target_branch
from suitcheck.services.context import Actor, HiddenClient, ServiceContext, in_trail_order
from suitcheck.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from suitcheck.services.files import check_target, placed_when_recorded
from suitcheck.services.integrity import (
    MARK_SEAL,
    RecordIntegrityError,
    dates_canonical,
    investor_message,
    investor_message_sql,
    mark_message,
    shown_text,
    unreadable,
)
from suitcheck.services.questionnaire import ensure_stored, in_use_since, load_version
from suitcheck.services.refs import half_width_ref, parse_ref, shown_ref
from suitcheck.services.scope import (
    PREPARED_SCOPES,
    client_scope,
    hide_other_branch,
    names_client,
    prepared_scope,
    refuse_missing,
    sees_all_branches,
)
from suitcheck.store.models import Assessment, AuditEntry, Investor, UnreadableValue
from suitcheck.store.prepared import Prepared

log = logging.getLogger(__name__)

# A key or name that could be taken for another (domain.clients: key_problem for an account
# number, U+FFFD in a name), by (field, code).
_RECORD_MESSAGES = {
    ("account", "unreadable-character"): "An account number holds a character that does not show as itself "
    "(a control or invisible character, or \ufffd (U+FFFD) for text that could not be read); type it again.",
    ("account", "compatibility-character"): "An account number holds a full-width or other compatibility form "
    "of a character (８ for 8, Ａ for A); type it with ordinary half-width characters.",
    ("name", "unreadable-character"): "A client's name holds a control or invisible character, or \ufffd "
    "(U+FFFD), which stands for text that could not be read; type the name again.",
}


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
    reassessment_due: bool = False  # staff marked the client's situation as changed
    branch_id: int | None = None
    branch: str | None = None  # the branch's code
    # False: the row fails its seal or holds a value suitcheck never writes (changed outside
    # suitcheck); every check about the client blocks, and lists mark it as such rather
    # than show the profile the row now holds as sound.
    record_intact: bool = True

    @property
    def follows_table(self) -> bool:
        """Bound by the suitability table and so assessed; a professional investor is not."""
        return self.investor_class.follows_table

    @property
    def assessment_unusable(self) -> bool:
        """The assessment cannot support a decision (missing, expired, future-dated).
        Never for a professional, whose state is `not-required`."""
        return not self.assessment_state.usable

    @property
    def valid_until(self) -> dt.date | None:
        """The last day the assessment is valid (the day before it expires), as the
        reminders, the wizard and the confirmation sheet say 'valid until'."""
        return last_valid_day(self.expires_on) if self.expires_on else None

    @property
    def assessment_valid(self) -> bool:
        if self.investor_class is InvestorClass.PROFESSIONAL:
            return True
        return self.assessment_state.usable and not self.reassessment_due

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "account": self.account,
            "name": self.name,
            "class": self.investor_class.value,
            "follows_table": self.follows_table,
            "profile": self.profile.code if self.profile else None,
            "assessed": self.assessed_on.isoformat() if self.assessed_on else None,
            "assessment_valid": self.assessment_valid,
            "assessment_state": self.assessment_state.value,
            "expires": self.expires_on.isoformat() if self.expires_on else None,  # the first day not valid
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,  # the last valid day
            "id_number": self.id_number,
            "age": self.age,
            "lowest_category": self.lowest_category,
            "special_attention": self.special_attention,
            "needs_attention": self.needs_attention,
            "reassessment_due": self.reassessment_due,
            "branch": self.branch,
            "record_intact": self.record_intact,
        }


@dataclasses.dataclass(frozen=True)
class AssessmentView:
    profile: RiskProfile
    assessed_on: dt.date
    lowest_category: bool
    recorded_at: dt.datetime
    note: str | None
    questionnaire_version: int | None = None
    score: int | None = None
    answers: dict[str, str] | None = None
    answers_hash: str | None = None
    # Whether the trail records this row as it stands (services.assessment_history): False
    # for a row changed or added outside suitcheck, which `audit verify` names.
    recorded: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "profile": self.profile.code,
            "assessed": self.assessed_on.isoformat(),
            "lowest_category": self.lowest_category,
            "recorded_at": self.recorded_at.isoformat(),
            "note": self.note,
            "method": "questionnaire" if self.questionnaire_version is not None else "recorded",
            "questionnaire_version": self.questionnaire_version,
            "score": self.score,
            "answers": self.answers,
            "answers_hash": self.answers_hash,
            "recorded": self.recorded,
        }


@dataclasses.dataclass(frozen=True)
class AssessmentResult:
    """An assessment made from questionnaire answers, and the client as it now stands."""

    investor: InvestorView
    profile: RiskProfile
    score: int
    band_profile: RiskProfile
    knockouts: tuple[str, ...]
    questionnaire_version: int
    assessed_on: dt.date
    valid_until: dt.date  # the last day the assessment is valid
    answers_hash: str
    audit_id: int
    # What each report level gives the client now (decide() on the new assessment).
    permits: tuple[tuple[RiskLevel, Outcome], ...] = ()

    @property
    def current(self) -> bool:
        """Whether this assessment became the client's current one: one dated before the
        client's current assessment is kept in the history, and the newer one stays in force."""
        return self.investor.assessed_on == self.assessed_on

    def to_dict(self) -> dict[str, object]:
        return {
            "investor": self.investor.id,
            "account": self.investor.account,
            "profile": self.profile.code,
            "current": self.current,
            "current_profile": self.investor.profile.code if self.investor.profile else None,
            "current_assessed": self.investor.assessed_on.isoformat() if self.investor.assessed_on else None,
            "score": self.score,
            "band_profile": self.band_profile.code,
            # The client's flag after this assessment: set by a knock-out, and kept when it
            # was already set (only compliance lifts it, with a reason).
            "lowest_category": self.investor.lowest_category,
            # Still due after this assessment: it is dated before the situation changed.
            "reassessment_due": self.investor.reassessment_due,
            "knockouts": list(self.knockouts),
            "questionnaire_version": self.questionnaire_version,
            "assessed": self.assessed_on.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "answers_hash": self.answers_hash,
            "audit_id": self.audit_id,
        }


@dataclasses.dataclass(frozen=True)
class AssessmentPreview:
    """What saving these answers would record, computed by the rules, nothing written."""

    investor: InvestorView
    questionnaire_version: int
    score: int
    profile: RiskProfile
    band_profile: RiskProfile
    knockouts: tuple[str, ...]
    lowest_category: bool  # the client's flag once saved (a knock-out, or already set)
    assessed_on: dt.date
    valid_until: dt.date
    permits: tuple[tuple[RiskLevel, Outcome], ...]  # report level -> what decide() gives once saved
    # Saving puts the client in the lowest category for being under 18 (domain.clients.minor_on).
    minor: bool = False


@dataclasses.dataclass(frozen=True)
class SheetWritten:
    path: Path
    sha256: str


def permits_after(
    investor: Investor,
    profile: RiskProfile,
    lowest_category: bool,
    assessed_on: dt.date,
    today: dt.date,
    policy: Policy,
    *,
    clears_due: bool = False,
) -> tuple[tuple[RiskLevel, Outcome], ...]:
    """What each report level would give the client with this assessment: the decision
    itself (decide()), not a restatement of the table, so the wizard shows what a check
    will answer. The assessment counts only where it becomes the current one (not older
    than the client's); `clears_due`: it clears a due re-assessment (reassessment_cleared).
    A rated report is assumed."""
    facts = investor_facts(investor)
    if facts.assessed_on is None or assessed_on >= facts.assessed_on:
        facts = dataclasses.replace(facts, profile=profile, assessed_on=assessed_on)
    facts = dataclasses.replace(
        facts,
        lowest_category=bool(investor.lowest_category) or lowest_category,
        reassessment_due=facts.reassessment_due and not clears_due,
    )
    return tuple((level, decide(facts, ReportFacts(level), today, policy).outcome) for level in RiskLevel)


# What a check decides on when the client's record cannot be read (it is then blocked as
# record-integrity): nothing known, the strictest reading.
UNREADABLE_FACTS = InvestorFacts(InvestorClass.ORDINARY, None, None, lowest_category=True, reassessment_due=True)


def investor_facts(investor: Investor | Any) -> InvestorFacts:
    """From an Investor or a row of FACT_COLUMNS. A class or profile suitcheck never
    writes raises UnreadableRecordError (a failed seal, in a check)."""
    try:
        investor_class = InvestorClass(investor.investor_class)
        profile = RiskProfile(investor.current_profile) if investor.current_profile else None
    except (TypeError, ValueError) as exc:
        raise unreadable("investor", investor) from exc
    return InvestorFacts(
        investor_class=investor_class,
        profile=profile,
        assessed_on=investor.current_assessed_on,
        lowest_category=investor.lowest_category,
        birth_date=investor.birth_date,
        special_attention=investor.special_attention,
        reassessment_due=bool(investor.reassessment_due),
    )


def make_view(
    investor: Investor, today: dt.date, policy: Policy, full_id: bool, branches: Mapping[int, str] | None = None
) -> InvestorView:
    """The client as shown; `branches` (branch id -> code) names the client's branch."""
    facts = investor_facts(investor)
    if not isinstance(investor.account, str):  # bytes: not written by suitcheck, not shown as if it were
        raise unreadable("investor", investor)
    number = shown_text(investor.id_number)
    branch_id = getattr(investor, "branch_id", None)
    return InvestorView(
        id=investor.id,
        account=investor.account,
        name=shown_text(investor.name),
        investor_class=facts.investor_class,
        profile=facts.profile,
        assessed_on=facts.assessed_on,
        assessment_state=investor_assessment_state(facts.investor_class, facts.assessed_on, today, policy),
        expires_on=assessment_expires_on(facts.assessed_on, policy) if facts.assessed_on else None,
        id_number=number if full_id else mask_id_number(number),
        age=age_on(investor.birth_date, today) if investor.birth_date else None,
        lowest_category=investor.lowest_category,
        special_attention=investor.special_attention,
        needs_attention=investor.special_attention
        or (investor.birth_date is not None and age_on(investor.birth_date, today) >= policy.special_attention_age),
        reassessment_due=bool(investor.reassessment_due),
        branch_id=branch_id,
        branch=(branches or {}).get(branch_id) if branch_id is not None else None,
    )


def unreadable_view(investor_id: int, account: object, name: object) -> InvestorView:
    """A client row that cannot be read (a value suitcheck never writes in it) as a list
    shows it: its id, and its account and name where they are text; nothing else is
    taken from it. A check about it blocks for record-integrity."""
    return InvestorView(
        id=investor_id,
        account=account if isinstance(account, str) else f"#{investor_id}",
        name=name if isinstance(name, str) else "",
        investor_class=InvestorClass.ORDINARY,
        profile=None,
        assessed_on=None,
        assessment_state=AssessmentState.NEVER_ASSESSED,  # what can be said: none that can be used
        expires_on=None,
        id_number=None,
        age=None,
        lowest_category=False,
        special_attention=False,
        record_intact=False,
    )


def _date_or_null(column: Any) -> Any:
    """The date where it is stored as suitcheck writes it, else NULL, so that the row can be
    read (a number or bytes there would fail the date's reader); the row's dates_canonical
    is then false, and RowSealer.investor_ok refuses it."""
    return case((func.date(column) == column, column)).label(column.key)


FACT_COLUMNS = (
    Investor.id,
    Investor.account,
    Investor.investor_class,
    Investor.current_profile,
    _date_or_null(Investor.current_assessed_on),
    Investor.lowest_category,
    _date_or_null(Investor.birth_date),
    Investor.special_attention,
    Investor.reassessment_due,
    Investor.integrity,
    Investor.branch_id,
    Investor.name,  # sealed: who the client is (integrity.INVESTOR_COLUMNS)
    Investor.id_number,
    dates_canonical().label("dates_canonical"),  # RowSealer.investor_ok refuses a row without
)


_BY_ACCOUNT = select(*FACT_COLUMNS).where(Investor.account == bindparam("account")).limit(2)
_BY_ACCOUNT_OR_ID = (
    select(*FACT_COLUMNS).where(or_(Investor.account == bindparam("account"), Investor.id == bindparam("id"))).limit(2)
)


def resolve_investor(
    session: Session | Connection, ref: str | int, actor: Actor, *, typed: str | None = None, lock: bool = False
) -> Any:
    """The client's fact columns, by account number or by the numeric id the JSON output
    shows; never a guess. `acct:` forces the account reading. Only clients the actor's
    branch sees are found (services.scope); another branch's client is answered, and
    recorded, like a missing one. A reference typed in full-width forms (８８００９９)
    that names nobody as typed is read as its half-width form (880099): accounts stored
    in full-width forms before they were refused are still found by typing them exactly.
    `typed`: what the user typed, for the answer's words (the half-width retry).
    `lock`: the client is about to be changed; its row is locked as it is found (on
    PostgreSQL, FOR UPDATE: a change committed meanwhile, a move to another branch, is
    waited for and the scope is applied to the row as it now stands; SQLite's writers
    hold the store's write lock from their first statement)."""
    parsed = parse_ref(ref)
    text_ref = shown_ref(typed if typed is not None else parsed.text)
    conn = session.connection() if isinstance(session, Session) else session
    # An id and the same text as an account, or the account only ("acct:", not a number);
    # a missing one is NULL, which matches nothing.
    stmt = _BY_ACCOUNT if parsed.id is None else _BY_ACCOUNT_OR_ID
    params = {"account": parsed.account, "id": parsed.id}
    scoped = stmt.where(client_scope(actor))
    rows = conn.execute(scoped.with_for_update() if lock else scoped, params).all()
    if len(rows) > 1:
        raise InvalidInput(
            f"{text_ref!r} is both an account number and another client's id; "
            "give the account number with a leading 'acct:'."
        )
    if not rows:
        message = f"No client has the account number or id {text_ref!r}."
        folded = half_width_ref(ref)
        hidden: HiddenClient | None = None
        if folded is not None:
            # What the clerk meant, before another branch's client is looked for: a client
            # of theirs is found whether or not another branch holds the text as typed (a
            # missing client would not stop the search either).
            try:
                return resolve_investor(conn, folded, actor, typed=text_ref, lock=lock)
            except HiddenClient as exc:
                hidden = exc
            except NotFound:
                pass
        if not sees_all_branches(actor):
            elsewhere = conn.execute(stmt, params).first()
            hide_other_branch(conn, actor, elsewhere.id if elsewhere else None, message)
        if hidden is not None:
            raise hidden
        refuse_missing(actor, message)
    return rows[0]


# resolve_investor's two statements under each branch scope (services.scope), compiled
# once: the check runs them for every pair.
_RESOLVE = {
    (by_id, reach): Prepared((_BY_ACCOUNT_OR_ID if by_id else _BY_ACCOUNT).where(clause))
    for by_id in (False, True)
    for reach, clause in PREPARED_SCOPES.items()
}


def resolve_investor_prepared(conn: Connection, ref: str | int, actor: Actor) -> Any:
    """resolve_investor with statements compiled once, for the check: the same client, the
    same branch scope, the same refusals. Whenever it finds no single client it hands over
    to resolve_investor, which words (and, for another branch's client, records) the answer."""
    parsed = parse_ref(ref)
    reach, scope = prepared_scope(actor)
    rows = _RESOLVE[parsed.id is not None, reach].all(conn, account=parsed.account, id=parsed.id, **scope)
    if len(rows) != 1:
        return resolve_investor(conn, ref, actor)
    return rows[0]


_NOT_CREATED = defer(Investor.created_at)


def listed_views(
    ctx: ServiceContext, session: Session, actor: Actor, stmt: Select[Any], *, page: bool = True
) -> list[InvestorView]:
    """The clients of `stmt` (a select of Investor) as shown, each row's seal checked (one
    HMAC a row, over the message the database builds: intact_flags). A row that fails it is
    marked (record_intact false); on a page, a row holding a value suitcheck never writes is
    shown as unreadable_view instead of failing the whole page, which one such row would
    otherwise make unusable for a desk. Not a page
    (one client's own view): that row is refused in a sentence, as nothing true can be
    shown. The client list, a client's page and the reminders show clients through this."""
    policy, today = ctx.policy(session), ctx.today()
    full, codes = may(actor.role, Permission.SEE_FULL_ID), branch_codes(session)
    conn = session.connection()
    # Each row's seal message built by the database beside it, so that a seal is confirmed
    # with one HMAC (intact_flags), as the distribution list and the client export do.
    extra = (dates_canonical().label("dates_canonical"), investor_message_sql(conn.dialect.name).label("message"))
    try:
        rows: list[Any] = list(session.execute(stmt.add_columns(*extra)).all())
    except UnreadableValue:  # a date column's reader refused a row: read the page row by row
        if not page:
            raise
        ids = session.execute(stmt.with_only_columns(Investor.id)).scalars().all()
        rows = [_row_or_id(session, extra, i) for i in ids]
    views: list[InvestorView] = []
    readable: list[tuple[int, bool, bytes, Any]] = []  # (place, dates as written, message, seal)
    for row in rows:
        if isinstance(row, int):
            views.append(_unreadable(conn, row))
            continue
        investor, dates_ok, message = row
        try:
            view = make_view(investor, today, policy, full, codes)
        except RecordIntegrityError:  # a profile of 9, an account held as bytes, ...
            if not page:
                raise
            views.append(_unreadable(conn, investor.id))
            continue
        readable.append((len(views), bool(dates_ok), message, investor.integrity))
        views.append(view)
    intact = intact_flags(
        ctx, conn, [views[i].id for i, *_ in readable], [m for *_, m, _ in readable], [s for *_, s in readable]
    )
    for (place, dates_ok, _, _), ok in zip(readable, intact, strict=True):
        if not (dates_ok and ok):
            views[place] = dataclasses.replace(views[place], record_intact=False)
    return views


def _row_or_id(session: Session, extra: tuple[Any, ...], investor_id: int) -> Any:
    try:
        return session.execute(select(Investor, *extra).options(_NOT_CREATED).where(Investor.id == investor_id)).one()
    except UnreadableValue:
        return investor_id


def _unreadable(conn: Connection, investor_id: int) -> InvestorView:
    t = Investor.__table__.c
    account, name = conn.execute(select(t.account, t.name).where(t.id == investor_id)).one()
    log.warning("client %s: record cannot be read; listed as such", investor_id)
    return unreadable_view(investor_id, account, name)


def intact_flags(
    ctx: ServiceContext, conn: Connection, ids: Sequence[int], messages: Sequence[bytes], seals: Sequence[Any]
) -> list[bool]:
    """Whether each of these client rows holds its seal, by the rule `check` applies, given
    each row's id, its seal message as the database built it (integrity.investor_message_sql)
    and its seal: a row is confirmed with one HMAC when its seal is this installation's over
    that message (rowmac.seals_match, as the distribution list does); the others (another
    installation's seal, a value suitcheck never writes, a changed row) are read again with
    the check's own columns and judged by RowSealer.investor_ok, so this can only confirm
    a seal `check` accepts. For the client list and the reminders (listed_views) and the
    client export."""
    flags = seals_match(list(seals), ctx.sealer.row_seal_heads(messages))
    rest = [i for i, ok in zip(ids, flags, strict=True) if not ok]
    if not rest:
        return flags
    judged = {
        row.id: ctx.rows.investor_ok(conn, row)
        for row in conn.execute(select(*FACT_COLUMNS).where(Investor.id.in_(rest)))
    }
    return [ok or judged.get(i, False) for i, ok in zip(ids, flags, strict=True)]


def find_investor(session: Session, ref: str | int, actor: Actor, *, lock: bool = False) -> Investor:
    """The client as an ORM object; `lock` when the caller changes it (resolve_investor)."""
    # created_at is not read here (nor in a list): a value there suitcheck never writes
    # cannot stop a decision that does not use it.
    investor = session.get(Investor, resolve_investor(session, ref, actor, lock=lock).id, options=[_NOT_CREATED])
    assert investor is not None
    return investor


def _refuse_duplicate(actor: Actor, found: Any, message: str, cause: str) -> None:
    """A new client's account or ID number is held by `found` (a row of id and branch, or
    None): refused as a duplicate (they are unique across the firm). When the holder is
    another branch's client the refusal still tells the actor that such a client exists,
    so the attempt is recorded as one on that client, as any reference to it is."""
    if found is None:
        return
    if names_client(actor, found.branch_id):
        raise Conflict(message)
    raise HiddenClient(
        message,
        actor,
        found.id,
        {"cause": cause, "client_branch": found.branch_id, "actor_branch": actor.branch_id},
        answer=Conflict,
    )


def _refuse_unassessed(investor: Investor) -> None:
    """Refuse to assess, or mark for re-assessment, a client the suitability table does not
    bind (a professional investor: InvestorClass.follows_table); a class suitcheck never
    writes is an unreadable record (investor_facts)."""
    if not investor_facts(investor).investor_class.follows_table:
        raise InvalidInput("Professional investors are not assessed; change the class first.")


def parse_profile(text: str) -> RiskProfile:
    try:
        return RiskProfile.parse(text)
    except UnknownLevelError as exc:
        raise InvalidInput(f"{text!r} is not a risk profile (C1 to C5).") from exc


_LIFT_FIRST = (
    "compliance must first lift the lowest-category flag, with a reason "
    "(investor edit --no-lowest-category --reason ...)"
)


def _refuse_problems(broken: set[tuple[str, str]]) -> None:
    """A new record's first problem (domain.clients.record_problems: field, code) as a sentence."""
    fields, codes = {f for f, _ in broken}, {c for _, c in broken}
    for problem, message in _RECORD_MESSAGES.items():
        if problem in broken:
            raise InvalidInput(message)
    if "account" in fields:
        raise InvalidInput("An account number is 1 to 32 characters.")
    if "name" in fields:
        raise InvalidInput("A client's name is 1 to 128 characters.")
    if codes & {"profile-without-date", "date-without-profile"}:
        raise InvalidInput("A profile needs its assessment date, and an assessment date needs a profile.")
    if "future-date" in codes:
        raise InvalidInput("An assessment date cannot be in the future.")
    if "before-birth" in codes:
        raise InvalidInput(_BEFORE_BIRTH)


_MINOR_ENTRY = (
    "The client is under 18 (the birth date in the ID number), so enters the lowest risk-tolerance category: "
    "risk profile C1, never a professional investor; nothing was recorded. For a 16- or 17-year-old living on "
    "their own labour income, compliance lifts the category once the client is entered, with a reason "
    "(investor edit --no-lowest-category --reason ...)."
)
_MINOR_ASSESSMENT = (
    "This client is under 18 (the birth date in the ID number), so is in the lowest risk-tolerance category and "
    "the profile is C1 (not {profile}); nothing was recorded. For a 16- or 17-year-old living on their own labour "
    "income, compliance lifts the category first, with a reason (investor edit --no-lowest-category --reason ...)."
)


def _minor_entry(session: Session, investor: Investor, today: dt.date) -> bool:
    """Whether an assessment entered today puts the client in the lowest category for being
    under 18 (domain.clients.minor_on): not already in it, and never taken out of it by
    compliance (a 16- or 17-year-old living on their own labour income; the lift is final
    for this rule)."""
    born = investor.birth_date if isinstance(investor.birth_date, dt.date) else None
    if investor.lowest_category or not minor_on(born, today):
        return False
    return not lowest_lifted(session, investor.id)


def lowest_lifted(session: Session | Connection, investor_id: int) -> bool:
    """Whether compliance ever took this client out of the lowest category (investor edit,
    with a reason), as the trail records it."""
    stmt = select(AuditEntry.facts).where(
        AuditEntry.investor_id == investor_id,
        AuditEntry.action == AuditAction.CLIENT_EDITED.value,
        AuditEntry.facts.contains('"lowest_category"', autoescape=True),
    )
    for text in session.execute(stmt).scalars():
        try:
            change = json.loads(text).get("changes", {}).get("lowest_category")
        except (ValueError, AttributeError):
            continue
        if isinstance(change, dict) and change.get("new") is False:
            return True
    return False


_BEFORE_BIRTH = (
    "An assessment date cannot be before the client was born (the birth date in the ID number); nothing was recorded."
)


def _refuse_before_birth(investor: Investor, assessed_on: dt.date) -> None:
    """Refuse an assessment dated before the client was born (domain.clients.assessed_before_birth)."""
    born = investor.birth_date if isinstance(investor.birth_date, dt.date) else None
    if assessed_before_birth(assessed_on, born):
        raise InvalidInput(_BEFORE_BIRTH)


def _refuse_conflicts(found: tuple[RecordConflict, ...], profile: RiskProfile | None, editing: bool) -> None:
    """One clear sentence for the first rule a requested client record would break."""
    if not found:
        return
    if found[0] is RecordConflict.LOWEST_CATEGORY_PROFESSIONAL:
        if editing:
            raise InvalidInput(
                f"A client in the lowest risk-tolerance category cannot be made a professional investor: {_LIFT_FIRST}."
            )
        raise InvalidInput(
            "A client in the lowest risk-tolerance category cannot be a professional investor; nothing was recorded."
        )
    shown = profile.code if profile else "-"
    raise InvalidInput(
        f"A client in the lowest risk-tolerance category has risk profile C1, not {shown}; nothing was recorded."
    )


_LAST_MARK = (
    select(AuditEntry.facts)
    .where(
        AuditEntry.investor_id == bindparam("investor_id"),
        AuditEntry.action == AuditAction.REASSESSMENT_DUE.value,
        IN_TRAIL,
    )
    .order_by(AuditEntry.seq.desc())
    .limit(1)
)


def reassessment_marked_on(ctx: ServiceContext, session: Session, investor: Investor, today: dt.date) -> dt.date | None:
    """The firm's day on which the client's due re-assessment was marked (the day its
    newest re-assessment-due entry records under its seal), or None when none is due. A
    mark whose entry cannot be found or read, or whose seal does not hold (an entry
    written or changed in SQL, or recorded by a version before the day was sealed), counts
    as marked today, so only an assessment of today or later clears it (fail closed)."""
    if not investor.reassessment_due:
        return None
    facts = session.execute(_LAST_MARK, {"investor_id": investor.id}).scalar()
    try:
        recorded = json.loads(facts or "")  # no mark entry: ValueError
        day = dt.date.fromisoformat(recorded["marked_on"])
        sealed = ctx.rows.ok(session.connection(), mark_message(investor.id, recorded), recorded.get(MARK_SEAL))
    # JSON nested too deep to read raises RecursionError, which is no ValueError.
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        sealed = False
    if not sealed:
        log.warning(
            "client %s: the re-assessment mark's day is not sealed as suitcheck seals it; taken as today", investor.id
        )
        return today
    return day


# The reason recorded when a professional is treated as ordinary from now on (a type-B
# professional's request): the rulebook asks for an assessment then (domain.levels).
CLASS_CHANGE_REASON = "不再按专业投资者对待，需重新评估 (treated as ordinary from now on: a new assessment is needed)"


def due_on_class_change(before: InvestorClass, after: InvestorClass, profile: object, due: bool) -> bool:
    """Whether a client's class change marks them due for re-assessment (an edit, an
    import): one assessed before, while the table did not bind them, does not have the
    assessment it needs now (InvestorClass.needs_assessment_after). A client never assessed
    is blocked as such, and one already due stays due under the mark they have."""
    return profile is not None and not due and after.needs_assessment_after(before)


def mark_facts(ctx: ServiceContext, investor_id: int, reason: str) -> dict[str, object]:
    """A re-assessment mark's audit facts: the reason and the day it was marked, which
    decides which assessment clears it, sealed (integrity.mark_message)."""
    facts: dict[str, object] = {"reason": reason, "marked_on": ctx.today().isoformat()}
    facts[MARK_SEAL] = ctx.sealer.row_seal(mark_message(investor_id, facts))
    return facts


def clears_due(
    ctx: ServiceContext,
    session: Session,
    investor: Investor,
    assessed_on: dt.date,
    today: dt.date,
    based_on: InvestorView | None = None,
) -> bool:
    """Whether recording an assessment of this day clears the client's due re-assessment;
    `based_on`: the client's record the questionnaire began from (marked_since)."""
    marked_on = reassessment_marked_on(ctx, session, investor, today)
    return marked_on is not None and reassessment_cleared(
        assessed_on, investor.current_assessed_on, marked_on, marked_after_begun=marked_since(investor, based_on)
    )


def marked_since(investor: Investor, based_on: InvestorView | None) -> bool:
    """Whether the client was marked due for re-assessment after `based_on` (the record the
    questionnaire began from) was read: not due there, due now
    (domain.reassessment_cleared's `marked_after_begun`)."""
    return (
        based_on is not None
        and based_on.id == investor.id
        and not based_on.reassessment_due
        and bool(investor.reassessment_due)
    )


def _confirmable(investor: Investor, assessed_on: dt.date, today: dt.date, policy: Policy) -> None:
    """A confirmation sheet asks the client to sign a result that decides what they may
    read: never one the table no longer applies to, nor one that has run out."""
    if not InvestorClass(investor.investor_class).follows_table:
        raise InvalidInput(
            "This client is a professional investor now: the suitability table does not apply to them, "
            "so there is no assessment result to confirm; no confirmation sheet was written."
        )
    if assessment_state(assessed_on, today, policy) is AssessmentState.EXPIRED:
        raise InvalidInput(
            f"This client's assessment of {assessed_on} has expired; assess the client again before "
            "they sign a confirmation. No confirmation sheet was written."
        )


def _edited_since(investor: Investor, shown: InvestorView) -> bool:
    """The fields a client edit sends, as stored, differ from those `shown` (read before)."""
    stored = (
        shown_text(investor.name),
        investor.investor_class,
        bool(investor.lowest_category),
        bool(investor.special_attention),
    )
    return stored != (shown.name, shown.investor_class.value, shown.lowest_category, shown.special_attention)


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
        branch: str | None = None,
    ) -> InvestorView:
        """A new client, of `branch` (a code; the actor's own branch when not given: a
        branch-scoped actor may name no other)."""
        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        account, name = account.strip(), name.strip()
        number = born = None
        if id_number:
            try:
                number = normalize_id_number(id_number, self._ctx.today())
            except InvalidIdNumberError as exc:
                raise InvalidInput(f"The ID number is not valid: {exc}.") from exc
            born = birth_date(number)
        # The rules are the domain's (the same a client file's rows obey); the words are here.
        broken = {
            (p.field, p.code)
            for p in record_problems(
                account=account,
                name=name,
                investor_class=investor_class,
                profile=profile,
                assessed_on=assessed_on,
                lowest_category=lowest_category,
                today=self._ctx.today(),
                birth_date=born,
            )
        }
        _refuse_problems(broken)
        _refuse_conflicts(record_conflicts(investor_class, profile, lowest_category), profile, editing=False)
        # Under 18 today: the lowest category, whatever was asked (only compliance lifts it).
        minor = minor_on(born, self._ctx.today())
        if minor_problems(born, self._ctx.today(), investor_class, profile):
            raise InvalidInput(_MINOR_ENTRY)
        lowest_category = lowest_category or minor
        with self._ctx.transaction() as session:
            # The author as the store has them where the change commits (disabled or moved meanwhile).
            actor = self._ctx.require_in(session, actor, Permission.EDIT_CLIENTS)
            branch_id = target_branch(session, self._ctx.rows, actor, branch, Permission.EDIT_CLIENTS)
            same = select(Investor.id, Investor.branch_id)
            _refuse_duplicate(
                actor,
                session.execute(same.where(Investor.account == account)).first(),
                f"A client with account number {account!r} already exists.",
                "duplicate-account",
            )
            if number:
                _refuse_duplicate(
                    actor,
                    session.execute(same.where(Investor.id_number.in_(id_number_forms(number)))).first(),
                    "A client with this ID number already exists.",
                    "duplicate-id-number",
                )
            investor = Investor(
                account=account,
                name=name,
                id_number=number,
                birth_date=born,
                investor_class=investor_class.value,
                lowest_category=lowest_category,
                special_attention=special_attention,
                created_at=self._ctx.now(),
                branch_id=branch_id,
            )
            session.add(investor)
            session.flush()
            self._ctx.audit(
                session,
                actor,
                AuditAction.CLIENT_ADDED,
                investor_id=investor.id,
                facts={
                    "account": account,
                    "class": investor_class.value,
                    "lowest_category": lowest_category,
                    "branch": branch_codes(session).get(branch_id),
                    **({"lowest_category_reason": MINOR_REASON} if minor else {}),
                },
            )
            log.info("client %s (account %s) added by %s", investor.id, account, actor.username)
            if profile is not None and assessed_on is not None:
                self._record(session, actor, investor, profile, assessed_on, lowest_category, None, minor=minor)
            return self._view(session, actor, investor)

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
        based_on: InvestorView | None = None,
    ) -> InvestorView:
        """Correct a client's record. Every change is audited with its old and new value
        and the reason; taking a client out of the lowest category needs a reason.

        `based_on`: the client as the form the values come from showed them (a dialog sends
        every field it shows, changed or not). When another desk changed one of those
        fields since, nothing is stored: the form's old value would silently undo the other
        change (put back a name, lift the lowest category compliance had just set)."""
        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.EDIT_CLIENTS)
            investor = find_investor(session, ref, actor, lock=True)
            if based_on is not None and _edited_since(investor, based_on):
                raise Conflict(
                    "Another desk changed this client's record since it was shown to you; nothing was recorded. "
                    "Look at the client again and make your change again."
                )
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
            problem = name_problem(str(changes["name"][1])) if "name" in changes else None
            if problem == "unreadable-character":
                raise InvalidInput(_RECORD_MESSAGES["name", "unreadable-character"])
            if problem:
                raise InvalidInput("A client's name is 1 to 128 characters.")
            if changes.get("lowest_category") == (True, False) and not reason.strip():
                raise InvalidInput("Say why the client leaves the lowest risk-tolerance category.")
            if not changes:
                raise InvalidInput("Nothing to change.")
            facts = investor_facts(investor)  # a class or profile suitcheck never writes: one sentence
            profile = facts.profile
            before = record_conflicts(facts.investor_class, profile, bool(investor.lowest_category))
            after = record_conflicts(
                InvestorClass(str(changes.get("investor_class", (None, investor.investor_class))[1])),
                profile,
                bool(changes.get("lowest_category", (None, investor.lowest_category))[1]),
            )
            # Refuse only what this edit introduces: an old record that already breaks a
            # rule can still have its name corrected (and the decision fails closed on it).
            new_conflicts = tuple(c for c in after if c not in before)
            if RecordConflict.LOWEST_CATEGORY_PROFILE in new_conflicts:
                shown = profile.code if profile else "-"
                raise InvalidInput(
                    f"A client in the lowest risk-tolerance category has risk profile C1, not {shown}: "
                    "record a C1 assessment with the lowest-category flag instead (investor assess ... "
                    "--profile C1 --lowest-category)."
                )
            if RecordConflict.LOWEST_CATEGORY_PROFESSIONAL in new_conflicts and "investor_class" not in changes:
                # Putting a professional in the lowest category (never lifting a flag): the
                # sentence for the other direction would send compliance the wrong way.
                raise InvalidInput(
                    "A client in the lowest risk-tolerance category cannot stay a professional investor: change "
                    "the class in the same edit (investor edit --class ordinary --lowest-category); "
                    "nothing was recorded."
                )
            _refuse_conflicts(new_conflicts, profile, editing=True)
            for field, (_old, new) in changes.items():
                setattr(investor, field, new)
            self._ctx.audit(
                session,
                actor,
                AuditAction.CLIENT_EDITED,
                investor_id=investor.id,
                facts={
                    "changes": {k: {"old": _recorded(o), "new": n} for k, (o, n) in changes.items()},
                    "reason": reason,
                },
            )
            if "investor_class" in changes and due_on_class_change(
                facts.investor_class, InvestorClass(investor.investor_class), profile, bool(investor.reassessment_due)
            ):
                self._mark_due(session, actor, investor, CLASS_CHANGE_REASON)
            log.info("client %s edited by %s: %s", investor.id, actor.username, ", ".join(changes))
            return self._view(session, actor, investor)

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
        """Record a profile from an assessment made elsewhere (the note says where). History
        is kept; the newest assessment becomes current."""
        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        if not (note or "").strip():
            raise InvalidInput("Say where the assessment was made (a note) when recording a profile without answers.")
        if assessed_on > self._ctx.today():
            raise InvalidInput("An assessment date cannot be in the future.")
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.EDIT_CLIENTS)
            investor = find_investor(session, ref, actor, lock=True)
            _refuse_unassessed(investor)
            _refuse_before_birth(investor, assessed_on)
            if profile is not RiskProfile.C1 and lowest_category:
                raise InvalidInput(
                    f"A knock-out answer puts the client in the lowest risk-tolerance category, whose profile "
                    f"is C1, not {profile.code}; nothing was recorded."
                )
            if profile is not RiskProfile.C1 and investor.lowest_category:
                raise InvalidInput(
                    f"This client is in the lowest risk-tolerance category, so the profile stays C1 (not "
                    f"{profile.code}): {_LIFT_FIRST}."
                )
            minor = _minor_entry(session, investor, self._ctx.today())
            if minor and profile is not RiskProfile.C1:
                raise InvalidInput(_MINOR_ASSESSMENT.format(profile=profile.code))
            self._record(session, actor, investor, profile, assessed_on, lowest_category or minor, note, minor=minor)
            return self._view(session, actor, investor)

    def assess_answers(
        self,
        actor: Actor,
        ref: str | int,
        answers: Mapping[str, str],
        *,
        assessed_on: dt.date | None = None,
        note: str | None = None,
        expected_version: int | None = None,
        based_on: InvestorView | None = None,
    ) -> AssessmentResult:
        """Assess from questionnaire answers (question id -> answer id) with the current
        version; the assessment keeps that version, the answers, their hash and the score.
        `expected_version` (the version the client answered, as the wizard showed it) is
        refused when compliance imported another one meanwhile. `based_on` (the client's
        record the questionnaire began from): a re-assessment mark made since is kept (the
        answers were given for the situation before it; marked_since)."""
        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        day = assessed_on or self._ctx.today()
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.EDIT_CLIENTS)
            investor, questionnaire, result = self._score(
                session, actor, ref, answers, day, expected_version, lock=True
            )
            ensure_stored(session, questionnaire, actor, self._ctx.now())
            digest = answers_hash(answers)
            minor = _minor_entry(session, investor, self._ctx.today())
            entry = self._record(
                session,
                actor,
                investor,
                result.profile,
                day,
                result.lowest_category or minor,
                note,
                scored=(questionnaire.version, result.score, canonical_json(dict(answers)), digest, result.knockouts),
                based_on=based_on,
                minor=minor,
            )
            policy = self._ctx.policy(session)
            view = self._view(session, actor, investor)
            return AssessmentResult(
                investor=view,
                profile=result.profile,
                score=result.score,
                band_profile=result.band_profile,
                knockouts=result.knockouts,
                questionnaire_version=questionnaire.version,
                assessed_on=day,
                valid_until=last_valid_day(assessment_expires_on(day, policy)),
                answers_hash=digest,
                audit_id=entry.seq,
                permits=permits_after(
                    investor, result.profile, result.lowest_category or minor, day, self._ctx.today(), policy
                ),
            )

    def preview_answers(
        self,
        actor: Actor,
        ref: str | int,
        answers: Mapping[str, str],
        *,
        assessed_on: dt.date | None = None,
        expected_version: int | None = None,
        based_on: InvestorView | None = None,
    ) -> AssessmentPreview:
        """What `assess_answers` would record and what the client could then receive, with
        the same checks and refusals; nothing is written."""
        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        day = assessed_on or self._ctx.today()
        with self._ctx.transaction(read_only=True) as session:
            investor, questionnaire, result = self._score(session, actor, ref, answers, day, expected_version)
            policy, today = self._ctx.policy(session), self._ctx.today()
            minor = _minor_entry(session, investor, today)
            return AssessmentPreview(
                investor=self._view(session, actor, investor),
                questionnaire_version=questionnaire.version,
                score=result.score,
                profile=result.profile,
                band_profile=result.band_profile,
                knockouts=result.knockouts,
                lowest_category=bool(investor.lowest_category) or result.lowest_category or minor,
                assessed_on=day,
                valid_until=last_valid_day(assessment_expires_on(day, policy)),
                permits=permits_after(
                    investor,
                    result.profile,
                    result.lowest_category or minor,
                    day,
                    today,
                    policy,
                    clears_due=clears_due(self._ctx, session, investor, day, today, based_on),
                ),
                minor=minor,
            )

    def _score(
        self,
        session: Session,
        actor: Actor,
        ref: str | int,
        answers: Mapping[str, str],
        day: dt.date,
        expected_version: int | None,
        *,
        lock: bool = False,
    ) -> tuple[Investor, Questionnaire, Score]:
        """The client, the current questionnaire and the answers' score, or the refusal."""
        if day > self._ctx.today():
            raise InvalidInput("An assessment date cannot be in the future.")
        investor = find_investor(session, ref, actor, lock=lock)
        _refuse_unassessed(investor)
        _refuse_before_birth(investor, day)
        questionnaire = load_version(session, self._ctx.rows)
        if expected_version is not None and expected_version > questionnaire.version:
            # Versions only grow: a version above the current one was never stored (a typo,
            # or a paper from another firm); it did not "change to" the current one.
            raise InvalidInput(
                f"There is no questionnaire version {expected_version}: the current one is version "
                f"{questionnaire.version}; nothing was recorded."
            )
        if expected_version is not None and questionnaire.version != expected_version:
            raise Conflict(
                f"The questionnaire changed to version {questionnaire.version} while the client answered version "
                f"{expected_version}; nothing was recorded. Start the assessment again."
            )
        since = in_use_since(session, questionnaire.version)
        if since is not None and day < since:
            # Answers are scored only on the current version; a paper dated before it came
            # into use was answered on an earlier one (which may give the same ids other scores).
            raise InvalidInput(
                f"The assessment is dated {day}, before questionnaire version {questionnaire.version} came into use "
                f"on {since}: the client answered an earlier version, and answers are scored only on the current "
                "one; nothing was recorded."
            )
        try:
            result = questionnaire.score(answers)
        except AnswersError as exc:
            raise InvalidInput(f"{exc} Nothing was recorded.") from exc
        if investor.lowest_category and result.profile is not RiskProfile.C1:
            raise InvalidInput(
                f"This client is in the lowest risk-tolerance category, so the profile stays C1 (the answers "
                f"give {result.profile.code}): {_LIFT_FIRST}. Nothing was recorded."
            )
        if result.profile is not RiskProfile.C1 and _minor_entry(session, investor, self._ctx.today()):
            raise InvalidInput(_MINOR_ASSESSMENT.format(profile=result.profile.code))
        return investor, questionnaire, result

    def write_confirmation(self, actor: Actor, ref: str | int, out: Path) -> SheetWritten:
        """The confirmation sheet of the client's latest assessment, for the client to
        sign, as a PDF written atomically; producing it is audited with the file's hash."""
        from suitcheck.audit.assessment_sheet import SheetAnswer, SheetData
        from suitcheck.audit.assessment_sheet import render as render_sheet

        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        out = out.expanduser().absolute()
        if out.is_dir():
            raise InvalidInput(f"{out} is a folder; give a file name.")
        if not out.parent.is_dir():
            raise InvalidInput(f"The folder {out.parent} does not exist.")
        check_target(out)
        with self._ctx.transaction(read_only=True) as session:
            investor = find_investor(session, ref, actor)
            conn = session.connection()
            rows = (
                session.execute(select(Assessment).where(Assessment.investor_id == investor.id).order_by(Assessment.id))
                .scalars()
                .all()
            )
            if not rows:
                raise InvalidInput("This client has no assessment to confirm.")
            # The sheet states the assessment a check decides on (the client's current one,
            # not an older one recorded after it from the archive), the client's own flags,
            # and what each level gives: so the client's row must be as suitcheck left it,
            # as a check requires, or every check blocks while the sheet would permit.
            current = next(
                (
                    i
                    for i in range(len(rows) - 1, -1, -1)
                    if rows[i].assessed_on == investor.current_assessed_on
                    and rows[i].profile == investor.current_profile
                ),
                None,
            )
            if not self._ctx.rows.investor_ok(conn, investor):
                raise RecordIntegrityError(
                    "The client's record was changed outside suitcheck (its seal does not match), so every check "
                    "about them blocks; no confirmation sheet was written. Compliance must run "
                    "`suitcheck audit verify` and investigate."
                )
            history = client_history(conn, investor.id)
            if current is None or not history.latest_recorded or not history.recorded[current]:
                raise RecordIntegrityError(
                    "The client's latest assessment differs from what the audit trail recorded: it was changed "
                    "outside suitcheck, and no confirmation sheet was written. Compliance must run "
                    "`suitcheck audit verify` and investigate."
                )
            latest = rows[current]
            policy, today = self._ctx.policy(session), self._ctx.today()
            profile = RiskProfile(latest.profile)
            _confirmable(investor, latest.assessed_on, today, policy)
            answers: list[SheetAnswer] = []
            if latest.questionnaire_version is not None and latest.answers:
                questionnaire = load_version(session, self._ctx.rows, latest.questionnaire_version)
                for qid, aid in json.loads(latest.answers).items():
                    question = questionnaire.question(qid)
                    answer = question.answer(aid) if question else None
                    if question is None or answer is None:  # pragma: no cover - stored answers were scored
                        raise ServiceError("The stored answers do not fit their questionnaire version.")
                    answers.append(
                        SheetAnswer(
                            f"{question.text} / {question.text_en}",
                            f"{answer.text} / {answer.text_en}",
                            answer.score,
                            answer.knockout,
                        )
                    )
            data = SheetData(
                client_name=investor.name,
                client_account=investor.account,
                id_number=mask_id_number(investor.id_number),
                assessed_on=latest.assessed_on,
                valid_until=last_valid_day(assessment_expires_on(latest.assessed_on, policy)),
                profile=profile.code,
                # The client's flag, as a check reads it: one a knock-out set and compliance
                # lifted since (with a reason) is no longer in force, and the sheet says so.
                lowest_category=bool(investor.lowest_category),
                lowest_lifted=bool(latest.lowest_category) and not investor.lowest_category,
                reassessment_due=bool(investor.reassessment_due),
                method="questionnaire" if latest.questionnaire_version is not None else "recorded",
                questionnaire_version=latest.questionnaire_version,
                score=latest.score,
                answers=answers,
                answers_hash=latest.answers_hash,
                # Only a note the trail records: one it does not (an import's new client) is
                # compared by nothing, so an edit in SQL would be printed for the client to sign.
                note=latest.note if history.note_recorded[current] else None,
                permits=[
                    (level.code, outcome.value)
                    for level, outcome in permits_after(investor, profile, False, latest.assessed_on, today, policy)
                ],
                staff=actor.display_name or actor.username,
                printed_at=self._ctx.now(),
                policy_version=policy.version,
            )
            investor_id, state = investor.id, investor_message(investor)
        pdf = render_sheet(data)
        digest = hashlib.sha256(pdf).hexdigest()
        with placed_when_recorded(out, pdf), self._ctx.transaction() as session:
            # Its maker as the store has them now: disabled or moved while it was rendered, no sheet.
            actor = self._ctx.require_in(session, actor, Permission.EDIT_CLIENTS)
            # In the trail's order: the client (their profile, assessment, flags), the policy
            # and the day the sheet states must still be those in force where its entry goes;
            # changed while it was rendered, the client would sign what no longer holds.
            in_trail_order(self._ctx, session.connection())
            now = find_investor(session, investor_id, actor)
            if (
                investor_message(now) != state
                or self._ctx.policy(session).version != policy.version
                or self._ctx.today() != today
            ):
                raise ServiceError(
                    "The client's record or the firm policy changed while the confirmation sheet was being "
                    "written; no confirmation sheet was written. Write it again."
                )
            self._ctx.audit(
                session,
                actor,
                AuditAction.ASSESSMENT_SHEET,
                investor_id=investor_id,
                facts={
                    "file": out.name,
                    "file_sha256": digest,
                    "profile": profile.code,
                    "assessed": str(data.assessed_on),
                },
            )
        return SheetWritten(out, digest)

    def mark_reassessment_due(self, actor: Actor, ref: str | int, reason: str) -> InvestorView:
        """The client's situation changed: treated as expired until re-assessed (what that
        refuses is the policy's: Policy.due_allows)."""
        actor = self._ctx.require(actor, Permission.MARK_REASSESSMENT)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("Say what changed in the client's situation (a reason).")
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.MARK_REASSESSMENT)
            investor = find_investor(session, ref, actor, lock=True)
            _refuse_unassessed(investor)
            if investor.reassessment_due:
                raise Conflict("A re-assessment is already due for this client.")
            self._mark_due(session, actor, investor, reason)
            log.info("client %s marked for re-assessment by %s", investor.id, actor.username)
            return self._view(session, actor, investor)

    def _mark_due(self, session: Session, actor: Actor, investor: Investor, reason: str) -> None:
        investor.reassessment_due = True
        investor.reassessment_reason = reason
        self._ctx.audit(
            session,
            actor,
            AuditAction.REASSESSMENT_DUE,
            investor_id=investor.id,
            facts=mark_facts(self._ctx, investor.id, reason),
        )

    def move(self, actor: Actor, ref: str | int, to_branch: str, reason: str) -> InvestorView:
        """Move a client to another branch (compliance, with a reason), audited with both
        branches. A branch-scoped officer moves only their own branch's clients."""
        actor = self._ctx.require(actor, Permission.MOVE_CLIENTS)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("Say why the client moves to another branch (a reason).")
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.MOVE_CLIENTS)
            investor = find_investor(session, ref, actor, lock=True)
            target = branch_id_for(session, self._ctx.rows, to_branch)
            codes = branch_codes(session)
            if investor.branch_id == target:
                code = codes[target]
                raise Conflict(f"The client already belongs to branch {code}.")
            old = investor.branch_id
            investor.branch_id = target
            self._ctx.audit(
                session,
                actor,
                AuditAction.CLIENT_MOVED,
                investor_id=investor.id,
                facts={
                    "account": investor.account,
                    "from": codes.get(old) if old is not None else None,
                    "to": codes[target],
                    "reason": reason,
                },
            )
            log.info("client %s moved by %s: %s -> %s", investor.id, actor.username, old, target)
            policy = self._ctx.policy(session)
            return make_view(investor, self._ctx.today(), policy, may(actor.role, Permission.SEE_FULL_ID), codes)

    def _listed(self, session: Session, actor: Actor, stmt: Select[Any], *, page: bool = True) -> list[InvestorView]:
        return listed_views(self._ctx, session, actor, stmt, page=page)

    def _view(self, session: Session, actor: Actor, investor: Investor) -> InvestorView:
        return make_view(
            investor,
            self._ctx.today(),
            self._ctx.policy(session),
            may(actor.role, Permission.SEE_FULL_ID),
            branch_codes(session),
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
        scored: tuple[int, int, str, str, tuple[str, ...]] | None = None,
        *,
        based_on: InvestorView | None = None,
        minor: bool = False,
    ) -> Appended:
        version, score, answers_json, digest, knockouts = scored or (None, None, None, None, ())
        # A new assessment is the re-assessment a changed situation called for only when
        # it is made after the change and becomes current (domain.reassessment_cleared),
        # and not from answers begun before the mark (based_on: marked_since).
        was_due = bool(investor.reassessment_due)
        marked_meanwhile = marked_since(investor, based_on)
        cleared = clears_due(self._ctx, session, investor, assessed_on, self._ctx.today(), based_on)
        session.add(
            Assessment(
                investor_id=investor.id,
                profile=int(profile),
                assessed_on=assessed_on,
                lowest_category=lowest_category,
                recorded_by=actor.staff_id or None,
                recorded_at=self._ctx.now(),
                note=note,
                questionnaire_version=version,
                answers=answers_json,
                answers_hash=digest,
                score=score,
            )
        )
        if investor.current_assessed_on is None or assessed_on >= investor.current_assessed_on:
            investor.current_profile = int(profile)
            investor.current_assessed_on = assessed_on
        # A knock-out answer puts the client in the lowest category; only an explicit
        # edit takes them out again (fail closed).
        investor.lowest_category = investor.lowest_category or lowest_category
        if cleared:
            investor.reassessment_due = False
            investor.reassessment_reason = None
        session.flush()
        facts: dict[str, object] = {
            "profile": profile.code,
            "assessed": assessed_on.isoformat(),
            "lowest_category": lowest_category,
            "method": "questionnaire" if scored else "recorded",
        }
        if minor:  # the client is under 18: the lowest category for that reason (_minor_entry)
            facts["lowest_category_reason"] = MINOR_REASON
        if scored:
            facts.update(questionnaire_version=version, score=score, answers_sha256=digest, knockouts=list(knockouts))
        # The note the row keeps, for the questionnaire too (`audit verify` compares it).
        facts["note"] = note
        if cleared:
            facts["cleared_reassessment_due"] = True
        elif was_due:
            facts["reassessment_due_kept"] = True
            if marked_meanwhile:
                facts["marked_while_answering"] = True
        return self._ctx.audit(session, actor, AuditAction.ASSESSMENT, investor_id=investor.id, facts=facts)

    def get(self, actor: Actor, ref: str | int) -> InvestorView:
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            investor = find_investor(session, ref, actor)
            stmt = select(Investor).options(_NOT_CREATED).where(Investor.id == investor.id)
            (view,) = self._listed(session, actor, stmt, page=False)
            return view

    def history(self, actor: Actor, ref: str | int) -> list[AssessmentView]:
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            investor = find_investor(session, ref, actor)
            recorded = client_history(session.connection(), investor.id).recorded
            return [
                AssessmentView(
                    _history_profile(investor, a.profile),
                    a.assessed_on,
                    a.lowest_category,
                    a.recorded_at,
                    shown_text(a.note),
                    a.questionnaire_version,
                    a.score,
                    _stored_answers(a.answers),
                    a.answers_hash,
                    recorded=ok,
                )
                for a, ok in zip(investor.assessments, recorded, strict=True)
            ]

    def search(
        self, actor: Actor, query: str = "", *, limit: int = 200, offset: int = 0, branch: str | None = None
    ) -> list[InvestorView]:
        """Prefix match on account or name, served from indexes; a full ID number (either
        form) finds its client only for staff who may see full numbers, and is audited.
        `branch` (a code) narrows the list to one branch, within what the actor sees."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        forms = self._id_search(actor, query, "search")
        with self._ctx.transaction(read_only=True) as session:
            stmt = _search_statement(query, actor, forms).order_by(Investor.id).limit(limit).offset(offset)
            if branch:
                stmt = stmt.where(Investor.branch_id == branch_id_for(session, self._ctx.rows, branch))
            return self._listed(session, actor, stmt)

    def count(self, actor: Actor, query: str = "") -> int:
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        forms = self._id_search(actor, query, "count")
        with self._ctx.transaction(read_only=True) as session:
            sub = _search_statement(query, actor, forms).with_only_columns(Investor.id).subquery()
            return int(session.execute(select(func.count()).select_from(sub)).scalar_one())

    def _id_search(self, actor: Actor, query: str, kind: str) -> tuple[str, ...]:
        """The stored forms of the ID number a query is, after checking and recording
        that the actor may search by it (a hit or a miss completes a masked number)."""
        try:
            number = normalize_id_number(query, self._ctx.today())
        except InvalidIdNumberError:
            return ()
        actor = self._ctx.require(actor, Permission.SEE_FULL_ID)
        forms = id_number_forms(number)
        with self._ctx.transaction() as session:
            actor = self._ctx.require_in(session, actor, Permission.SEE_FULL_ID)
            self._ctx.audit(
                session,
                actor,
                AuditAction.CLIENT_SEARCH_BY_ID,
                facts={"id_number": mask_id_number(number), "kind": kind},
            )
            if not sees_all_branches(actor):
                self._searched_elsewhere(session, actor, forms)
        return forms

    def _searched_elsewhere(self, session: Session, actor: Actor, forms: tuple[str, ...]) -> None:
        """A full ID number names one person: when it is held by another branch's client
        and by none of the actor's, the search (which finds nobody, as for a number nobody
        holds) is recorded as an attempt on that client, as any reference to it is; when
        nobody holds it, as a reference to no client (client-not-found), as a branch's
        reference to no client is (services.scope.refuse_missing)."""
        holders = session.execute(select(Investor.id, Investor.branch_id).where(Investor.id_number.in_(forms))).all()
        if any(names_client(actor, h.branch_id) for h in holders):
            return  # their own client: found, and shown
        if not holders:
            # Held by nobody: recorded alike (no client), so that the trail's entry numbers
            # tell a number held elsewhere from one nobody holds no more than the answer.
            self._ctx.audit(
                session,
                actor,
                AuditAction.CLIENT_NOT_FOUND,
                facts={"cause": "search-by-id-number", "actor_branch": actor.branch_id},
            )
            return
        holder = min(holders, key=lambda h: h.id)
        self._ctx.audit(
            session,
            actor,
            AuditAction.CLIENT_OUT_OF_BRANCH,
            investor_id=holder.id,
            facts={"cause": "search-by-id-number", "client_branch": holder.branch_id, "actor_branch": actor.branch_id},
        )
        # Not logged, as context._hidden: the searcher's own log would tell them apart.


def _recorded(value: object) -> object:
    """An old value as the trail records it: bytes (not written by suitcheck; SQLite keeps
    what it is given) as their SQL literal, which JSON can hold."""
    return f"X'{value.hex()}'" if isinstance(value, bytes) else value


def _prefix(column, term: str):  # type: ignore[no-untyped-def]
    # A range instead of LIKE 'x%': it uses the plain b-tree index on every backend.
    return (column >= term) & (column < term + "\U0010ffff")


def id_number_forms(number: str) -> tuple[str, ...]:
    """How a normalised (18-character) number may be stored: as is, or in the legacy
    15-digit form of records kept before numbers were normalised."""
    legacy = legacy_form(number)
    return (number, legacy) if legacy else (number,)


def _search_statement(query: str, actor: Actor, id_forms: tuple[str, ...] = ()) -> Select[Any]:
    stmt = select(Investor).options(_NOT_CREATED).where(client_scope(actor))
    term = query.strip()
    if term:
        conditions = [_prefix(Investor.account, term), _prefix(Investor.name, term)]
        folded = half_width(term)
        if folded != term:  # typed in full-width mode: also what the clerk meant (８８ -> 88)
            conditions += [_prefix(Investor.account, folded), _prefix(Investor.name, folded)]
        if id_forms:
            conditions.append(Investor.id_number.in_(id_forms))
        stmt = stmt.where(or_(*conditions))
    return stmt


def _history_profile(investor: Investor, value: object) -> RiskProfile:
    """A past assessment's profile as stored; one suitcheck never writes is a refusal."""
    if value.__class__ is int and 1 <= value <= len(RiskProfile):
        return RiskProfile(value)
    raise RecordIntegrityError(
        f"Client {investor.account}'s assessment history holds a value suitcheck never writes: it was changed "
        "outside suitcheck. Compliance must run `suitcheck audit verify` and investigate."
    )


def _stored_answers(stored: str | bytes | None) -> dict[str, str] | None:
    """An assessment's stored answers as shown. Not sealed (the client row holds the
    profile they gave, sealed; the trail holds their hash): answers changed outside
    suitcheck into text that is no JSON object (bytes that are not UTF-8 read as U+FFFD,
    a BLOB) are shown as none, and the hash beside them still says what was recorded."""
    try:
        answers = json.loads(shown_text(stored)) if stored else None
    except ValueError:
        return None
    return answers if isinstance(answers, dict) else None
