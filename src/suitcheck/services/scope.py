"""Whose clients a staff member sees: the one place the branch rule is written.

A branch-scoped actor sees the clients of their own branch; firm-wide head-office staff
(compliance, administrators; domain.branches) see every branch. Every read and write of
client data goes through `client_scope` (lists, counts, exports) or `hide_other_branch`
(one client by reference), so a client of another branch is never shown, counted, checked
or changed, and is answered exactly like a client that does not exist.
"""

from __future__ import annotations

from typing import Any, NoReturn

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from suitcheck.domain.codes import AuditAction
from suitcheck.services.context import Actor, HiddenClient
from suitcheck.services.errors import NotFound
from suitcheck.store.models import AuditEntry, Branch, Investor, Staff


def _reach(actor: Actor) -> str:
    if actor.firm_wide:
        return "all"
    if actor.branch_id is None:
        return "none"  # a staff row without a branch sees nothing (fail closed)
    return "branch"


def client_scope(actor: Actor, column: Any = None) -> ColumnElement[bool]:
    """The WHERE clause of the clients `actor` may see (`column`: the branch column of
    another table's rows, Investor.branch_id by default). Pass the actor `require`
    returned: its branch and reach are the store's now."""
    reach = _reach(actor)
    if reach != "branch":
        return true() if reach == "all" else false()
    return (Investor.branch_id if column is None else column) == actor.branch_id


def entry_scope(actor: Actor) -> ColumnElement[bool]:
    """The WHERE clause of the audit entries `actor` sees (the audit view and export, with
    Investor joined on the entry's client): those about the clients `client_scope` gives,
    and for a branch-scoped actor also those about a client made while the client was their
    branch's, up to and with the `client-moved` entry that took the client out (the first
    move at or after the entry names their branch as `from`). A client moved out keeps its
    history there in the branch's trail; what it does at its new branch is not the old
    one's. (Until session 26 a branch's officer who moved a client out took its blocked
    checks, and the move, out of the branch's export for the regulator.)"""
    scope = client_scope(actor)
    if _reach(actor) != "branch":
        return scope
    move, between = aliased(AuditEntry), aliased(AuditEntry)
    moved = AuditAction.CLIENT_MOVED.value
    code = select(Branch.code).where(Branch.id == actor.branch_id).scalar_subquery()
    # Codes are [A-Z0-9-] (domain.branches): no LIKE wildcard; in canonical JSON the key and
    # its value are written `"from":"CODE"`, which no text inside a string value can hold.
    out_of_branch = move.facts.like(literal('%"from":"') + code + literal('"%'))
    first = ~exists().where(
        between.action == moved,
        between.investor_id == AuditEntry.investor_id,
        between.seq >= AuditEntry.seq,
        between.seq < move.seq,
    )
    was_here = exists().where(
        move.action == moved,
        move.investor_id == AuditEntry.investor_id,
        move.seq >= AuditEntry.seq,
        first,
        out_of_branch,
    )
    return or_(scope, and_(AuditEntry.investor_id.is_not(None), was_here))


# client_scope for statements compiled once (store.prepared): one clause per reach, the
# branch given as the parameter `scope_branch` (prepared_scope says which and its value).
PREPARED_SCOPES: dict[str, ColumnElement[bool]] = {
    "all": true(),
    "branch": Investor.branch_id == bindparam("scope_branch"),
    "none": false(),
}


def prepared_scope(actor: Actor) -> tuple[str, dict[str, int]]:
    """(key of PREPARED_SCOPES, its parameters): the same rule as client_scope."""
    reach = _reach(actor)
    return reach, ({"scope_branch": actor.branch_id} if reach == "branch" and actor.branch_id is not None else {})


def staff_scope(actor: Actor) -> ColumnElement[bool]:
    """The staff accounts an administrator manages: a branch-scoped one only the branch's
    own accounts, never a firm-wide one (whose powers they do not hold)."""
    if actor.firm_wide:
        return true()
    if actor.branch_id is None:
        return false()
    return and_(Staff.branch_id == actor.branch_id, Staff.firm_wide.is_(False))


def sees_all_branches(actor: Actor) -> bool:
    return actor.firm_wide


def names_client(actor: Actor, branch_id: Any) -> bool:
    """Whether a sentence shown to `actor` may name a client of the branch `branch_id`
    (the same rule as client_scope, for one row in hand)."""
    reach = _reach(actor)
    return reach == "all" or (reach == "branch" and branch_id == actor.branch_id)


def names_staff(actor: Actor, branch_id: Any, firm_wide: Any) -> bool:
    """Whether a sentence shown to `actor` may name this staff account (the same rule as
    staff_scope: a branch-scoped actor, their branch's branch-scoped accounts only)."""
    if actor.firm_wide:
        return True
    return actor.branch_id is not None and branch_id == actor.branch_id and firm_wide in (False, 0)


def hide_other_branch(conn: Connection, actor: Actor, investor_id: int | None, message: str) -> None:
    """Called when a scoped lookup found nothing: when the reference names a client of
    another branch, raise HiddenClient (recorded by the transaction, shown to the user as
    the same NotFound sentence a missing client gets)."""
    if investor_id is None:
        return
    branch = conn.execute(select(Investor.branch_id).where(Investor.id == investor_id)).first()
    if branch is None:
        return
    raise HiddenClient(
        message,
        actor,
        investor_id,
        {"cause": "other-branch", "client_branch": branch.branch_id, "actor_branch": actor.branch_id},
    )


def refuse_missing(actor: Actor, message: str) -> NoReturn:
    """Called when a reference names no client at all (after hide_other_branch): a plain
    NotFound for staff who see every branch; for a branch-scoped actor the reference is
    recorded as an attempt on another branch's client is (HiddenClient, with no client:
    client-not-found), so that the trail grows alike for both and the entry numbers a
    check hands back tell them apart no more than the sentence does."""
    if sees_all_branches(actor):
        raise NotFound(message)
    raise HiddenClient(message, actor, None, {"cause": "no-such-client", "actor_branch": actor.branch_id})
