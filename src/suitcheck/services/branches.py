"""Branches (营业部): add and list them; resolve the branch a new client or staff member
goes to."""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from suitcheck.domain.branches import BranchProblem, branch_problems, normalize_code
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.roles import Permission
from suitcheck.services.context import Actor, ServiceContext, refused_for_branch
from suitcheck.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from suitcheck.services.integrity import BRANCH_COLUMNS, RowSealer, shown_text
from suitcheck.store.models import Branch, Investor, Staff

log = logging.getLogger(__name__)

_PROBLEMS = {
    BranchProblem.BAD_CODE: "A branch code is 1 to 16 letters A-Z, digits or '-', starting with a letter or digit.",
    BranchProblem.BAD_NAME: "A branch name is 1 to 64 printable characters.",
    BranchProblem.BAD_REGION: "A branch region is at most 64 printable characters.",
}


@dataclasses.dataclass(frozen=True)
class BranchView:
    id: int
    code: str
    name: str
    region: str
    head_office: bool
    clients: int | None = None  # counted for staff who see every branch, else None
    staff: int | None = None
    # False: the row no longer matches its seal (changed outside suitcheck); nothing goes there.
    record_intact: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "region": self.region,
            "head_office": self.head_office,
            "clients": self.clients,
            "staff": self.staff,
            "record_intact": self.record_intact,
        }


def _conn(session: Session | Connection) -> Connection:
    return session.connection() if isinstance(session, Session) else session


def branch_codes(session: Session | Connection) -> dict[int, str]:
    """Every branch's code by id (a firm has dozens, not thousands)."""
    return {row.id: shown_text(row.code) for row in _conn(session).execute(select(Branch.id, Branch.code))}


# A branch row with its seal (services.integrity.branch_message).
_SEALED_BRANCH = select(Branch.integrity, *(getattr(Branch, c) for c in BRANCH_COLUMNS))


def changed_branch(code: object) -> ServiceError:
    """The refusal to use a branch whose row no longer matches its seal."""
    shown = shown_text(code) if isinstance(code, str | bytes) else repr(code)
    return ServiceError(
        f"Branch {shown}'s record was changed outside suitcheck; nothing is added to it or moved into it until "
        "compliance has investigated."
    )


def _sound(conn: Connection, rows: RowSealer, found: Any) -> int:
    """The id of a branch row found for a record to go to; refused unless its seal holds (a
    code swapped, a name changed or a row inserted in SQL sends nobody there)."""
    if not rows.branch_ok(conn, found):
        raise changed_branch(found.code)
    return int(found.id)


def head_office_id(session: Session | Connection, rows: RowSealer) -> int:
    conn = _conn(session)
    found = conn.execute(_SEALED_BRANCH.where(Branch.head_office.is_(True)).order_by(Branch.id).limit(1)).first()
    if found is None:  # pragma: no cover - the migration makes it and nothing deletes it
        raise NotFound("The store has no head-office branch.")
    return _sound(conn, rows, found)


def branch_id_for(session: Session | Connection, rows: RowSealer, code: str) -> int:
    shown = normalize_code(code)
    conn = _conn(session)
    found = conn.execute(_SEALED_BRANCH.where(Branch.code == shown)).first()
    if found is None:
        raise NotFound(f"No branch has the code {shown!r}; `suitcheck branch list` shows them.")
    return _sound(conn, rows, found)


def intact_branches(session: Session | Connection, rows: RowSealer) -> dict[int, bool]:
    """Whether each branch row (by id) still matches its seal (a firm has dozens)."""
    conn = _conn(session)
    return {row.id: rows.branch_ok(conn, row) for row in conn.execute(_SEALED_BRANCH)}


def target_branch(
    session: Session | Connection, rows: RowSealer, actor: Actor, code: str | None, permission: Permission
) -> int:
    """The branch a new record goes to: the one named, else the actor's own (head office
    for an actor without one). A branch-scoped actor may only name their own branch (the
    refusal recorded as a role's, under `permission`, by the unit of work it ends). A
    branch named, or head office, whose row fails its seal is refused."""
    if code is None or not code.strip():
        if actor.branch_id is None:
            return head_office_id(session, rows)
        # The actor's own branch: the record goes there by its id, but the trail records it by
        # its code, which must be the code suitcheck gave it.
        conn = _conn(session)
        own = conn.execute(_SEALED_BRANCH.where(Branch.id == actor.branch_id)).first()
        if own is None:
            raise ServiceError(
                "Your branch is not in the store (its record was removed outside suitcheck); nothing was added. "
                "An administrator must investigate."
            )
        return _sound(conn, rows, own)
    wanted = branch_id_for(session, rows, code)
    if not actor.firm_wide and wanted != actor.branch_id:
        raise refused_for_branch(
            actor, permission, "You work for one branch: you may only add records to your own branch."
        )
    return wanted


_HEAD_OFFICE_ONLY = "Only firm-wide (head-office) staff may add branches."


class BranchService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add(self, actor: Actor, code: str, name: str, region: str = "") -> BranchView:
        """A new branch (firm-wide administrators only), audited."""
        actor = self._ctx.require_firm_wide(actor, Permission.MANAGE_BRANCHES, _HEAD_OFFICE_ONLY)
        code = normalize_code(code)
        problems = branch_problems(code, name, region)
        if problems:
            raise InvalidInput(_PROBLEMS[problems[0]])
        name = unicodedata.normalize("NFC", name).strip()
        region = unicodedata.normalize("NFC", region).strip()
        with self._ctx.transaction() as session:
            # Its author as the store has them where the branch is added (disabled meanwhile: none).
            actor = self._ctx.require_firm_wide_in(session, actor, Permission.MANAGE_BRANCHES, _HEAD_OFFICE_ONLY)
            if session.execute(select(Branch.id).where(Branch.code == code)).first():
                raise Conflict(f"A branch with the code {code!r} already exists.")
            branch = Branch(code=code, name=name, region=region, head_office=False, created_at=self._ctx.now())
            session.add(branch)
            session.flush()
            # SQLite hands out the highest id again once its row is gone: a branch deleted in
            # SQL (its shell enforces no foreign key) would pass its clients and staff, whose
            # sealed rows still name that id, to the new branch.
            if (
                session.execute(select(Investor.id).where(Investor.branch_id == branch.id).limit(1)).first()
                or session.execute(select(Staff.id).where(Staff.branch_id == branch.id).limit(1)).first()
            ):
                raise ServiceError(
                    "Clients or staff belong to a branch whose record was removed outside suitcheck; no branch is "
                    "added until compliance has investigated (`suitcheck audit verify`)."
                )
            self._ctx.audit(
                session, actor, AuditAction.BRANCH_ADDED, facts={"branch": code, "name": name, "region": region}
            )
            log.info("branch %s added by %s", code, actor.username)
            return BranchView(branch.id, branch.code, branch.name, branch.region, branch.head_office, 0, 0)

    def list_branches(self, actor: Actor, *, counts: bool = True) -> list[BranchView]:
        """Every branch (codes and names are no secret inside the firm: clients are moved
        and staff added by code); the numbers of clients and staff only for staff who see
        every branch, and only when asked (counting reads every client)."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with_counts = counts and actor.firm_wide
        with self._ctx.transaction(read_only=True) as session:
            clients: dict[int, int] = {}
            staff: dict[int, int] = {}
            if with_counts:
                for branch_id, n in session.execute(
                    select(Investor.branch_id, func.count()).group_by(Investor.branch_id)
                ):
                    if branch_id is not None:
                        clients[branch_id] = int(n)
                for branch_id, n in session.execute(select(Staff.branch_id, func.count()).group_by(Staff.branch_id)):
                    if branch_id is not None:
                        staff[branch_id] = int(n)
            conn = session.connection()
            return [
                BranchView(
                    b.id,
                    shown_text(b.code),
                    shown_text(b.name),
                    shown_text(b.region),
                    b.head_office,
                    clients.get(b.id, 0) if with_counts else None,
                    staff.get(b.id, 0) if with_counts else None,
                    self._ctx.rows.branch_ok(conn, b),
                )
                for b in conn.execute(_SEALED_BRANCH.order_by(Branch.code))
            ]

    def mine(self, actor: Actor) -> BranchView | None:
        """The actor's own branch (for the status bar)."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        if actor.branch_id is None:
            return None
        with self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            b = conn.execute(_SEALED_BRANCH.where(Branch.id == actor.branch_id)).first()
            if b is None:
                return None
            return BranchView(
                b.id,
                shown_text(b.code),
                shown_text(b.name),
                shown_text(b.region),
                b.head_office,
                record_intact=self._ctx.rows.branch_ok(conn, b),
            )
