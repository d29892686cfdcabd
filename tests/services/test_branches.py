"""Many branches on one store (#14): who sees which clients, on SQLite and PostgreSQL.

The matrix: role (and reach) x the client's branch (the actor's own, another) x action.
A branch-scoped actor meets another branch's client exactly as a client that does not
exist (same exception type, same sentence; missing from every list), and the attempt is
audited; firm-wide head-office staff see every branch; permissions apply first.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import PERMISSIONS, Permission, Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput, NotFound, PermissionDenied
from tests.conftest import PASSWORD, TODAY, add_client, staff
from tests.fixtures import import_text_report


@dataclasses.dataclass(frozen=True)
class World:
    services: Services
    root: Actor  # the first administrator: firm-wide
    hq_compliance: Actor  # firm-wide compliance
    report: int
    ids: dict[str, int]
    tmp: Path


def make_world(services: Services, tmp: Path) -> World:
    root = staff(services, Role.ADMIN, "t-root")
    services.branches.add(root, "B2", "二部", "上海")
    services.branches.add(root, "B3", "三部")
    hq_compliance = staff(services, Role.COMPLIANCE, "t-hq-compliance")
    report = import_text_report(services, hq_compliance, tmp)  # R3
    # Both C4, assessed 720 days ago: allowed, eligible, and due for a reminder (730/30).
    ids = {
        "A1": add_client(services, hq_compliance, "A1", RiskProfile.C4, 720),
        "B1": add_client(services, hq_compliance, "B1", RiskProfile.C4, 720, branch="B2"),
    }
    return World(services, root, hq_compliance, report, ids, tmp)


# (role, firm-wide): every actor's home branch is head office (HQ), where A1 is.
REACH = {
    "advisor": (Role.ADVISOR, False),
    "compliance-branch": (Role.COMPLIANCE, False),
    "compliance-firm": (Role.COMPLIANCE, True),
    "admin-branch": (Role.ADMIN, False),
    "admin-firm": (Role.ADMIN, True),
}


def make_actor(w: World, reach: str) -> Actor:
    role, firm_wide = REACH[reach]
    name = f"t-{reach}"
    w.services.auth.create_staff(
        w.root, name, PASSWORD, role, branch=None if firm_wide else "HQ", firm_wide=firm_wide or None
    )
    return w.services.auth.login(name, PASSWORD)


def _accounts_in_csv(path: Path) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {cell for row in csv.reader(handle) for cell in row}


# One-client actions: (permission, call). List actions: (permission, accounts listed).
ONE: dict[str, tuple[Permission, Callable[[World, Actor, str], Any]]] = {
    "find": (Permission.VIEW_CLIENTS, lambda w, a, ref: w.services.investors.get(a, ref)),
    "history": (Permission.VIEW_CLIENTS, lambda w, a, ref: w.services.investors.history(a, ref)),
    "check": (Permission.CHECK_ACCESS, lambda w, a, ref: w.services.access.check(a, ref, w.report)),
    "preview": (Permission.CHECK_ACCESS, lambda w, a, ref: w.services.access.preview(a, ref, [w.report])),
    "open": (Permission.OPEN_REPORT, lambda w, a, ref: w.services.access.open_report(a, ref, w.report)),
    "edit": (Permission.EDIT_CLIENTS, lambda w, a, ref: w.services.investors.update(a, ref, name="改名")),
    "assess": (
        Permission.EDIT_CLIENTS,
        lambda w, a, ref: w.services.investors.assess(a, ref, RiskProfile.C3, TODAY, note="branch test"),
    ),
    "situation": (
        Permission.MARK_REASSESSMENT,
        lambda w, a, ref: w.services.investors.mark_reassessment_due(a, ref, "changed job"),
    ),
    "move": (Permission.MOVE_CLIENTS, lambda w, a, ref: w.services.investors.move(a, ref, "B3", "moved house")),
}


def _export(w: World, a: Actor) -> set[str]:
    out = w.tmp / "clients.csv"
    w.services.client_files.export_clients(a, out)
    return _accounts_in_csv(out)


def _eligible_file(w: World, a: Actor) -> set[str]:
    out = w.tmp / "list.csv"
    w.services.access.write_eligible(a, w.report, out)
    return _accounts_in_csv(out)


def _audit_export(w: World, a: Actor) -> set[str]:
    out = w.tmp / "audit.jsonl"
    w.services.audit.export(a, out, "jsonl")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return _accounts_of({r.get("investor_id") for r in rows}, w)


def _accounts_of(investor_ids: set[Any], w: World) -> set[str]:
    return {account for account, i in w.ids.items() if i in investor_ids}


LISTS: dict[str, tuple[Permission, Callable[[World, Actor], set[str]]]] = {
    "search": (Permission.VIEW_CLIENTS, lambda w, a: {v.account for v in w.services.investors.search(a, "")}),
    "eligible": (
        Permission.DISTRIBUTION_LIST,
        lambda w, a: {v.account for v in w.services.access.eligible(a, w.report)},
    ),
    "eligible-file": (Permission.DISTRIBUTION_LIST, _eligible_file),
    "reminders": (
        Permission.VIEW_CLIENTS,
        lambda w, a: {r.investor.account for r in w.services.reminders.reminders(a)},
    ),
    "export": (Permission.VIEW_CLIENTS, _export),
    "audit-export": (Permission.EXPORT_AUDIT, _audit_export),
    "audit-browse": (
        Permission.VIEW_AUDIT,
        lambda w, a: _accounts_of({e.investor_id for e in w.services.audit.browse(a, limit=1000)}, w),
    ),
}


@pytest.mark.parametrize("action", list(ONE))
@pytest.mark.parametrize("own", [True, False], ids=["own-branch", "other-branch"])
@pytest.mark.parametrize("reach", list(REACH))
def test_one_client_matrix(services: Services, tmp_path: Path, reach: str, own: bool, action: str) -> None:
    w = make_world(services, tmp_path)
    actor = make_actor(w, reach)
    permission, call = ONE[action]
    ref = "A1" if own else "B1"
    role, firm_wide = REACH[reach]
    if permission not in PERMISSIONS[role]:
        with pytest.raises(PermissionDenied):
            call(w, actor, ref)
        return
    if own or firm_wide:
        call(w, actor, ref)  # succeeds (open_report may refuse by the rules, not by branch)
        return
    with pytest.raises(NotFound) as caught:
        call(w, actor, ref)
    # Exactly what a client that does not exist gets: type and sentence.
    with pytest.raises(NotFound) as missing:
        call(w, actor, "NOPE")
    assert type(caught.value) is NotFound is type(missing.value)
    assert str(caught.value) == str(missing.value).replace("'NOPE'", "'B1'")
    # The attempt is on the record, named by client, for compliance at head office.
    entries = services.audit.browse(w.hq_compliance, limit=500)
    hidden = [e for e in entries if e.action == "client-out-of-branch" and e.staff == actor.username]
    assert [e.investor_id for e in hidden] == [w.ids["B1"]]
    assert json.loads(hidden[0].facts)["cause"] == "other-branch"
    # Nothing else about the client was done or recorded by this actor.
    assert not [e for e in entries if e.investor_id == w.ids["B1"] and e.staff == actor.username and e is not hidden[0]]
    assert services.investors.get(w.hq_compliance, "B1").branch == "B2"


@pytest.mark.parametrize("action", list(LISTS))
@pytest.mark.parametrize("reach", list(REACH))
def test_list_matrix(services: Services, tmp_path: Path, reach: str, action: str) -> None:
    w = make_world(services, tmp_path)
    services.access.check(w.hq_compliance, "A1", w.report)  # trail entries about both clients
    services.access.check(w.hq_compliance, "B1", w.report)
    actor = make_actor(w, reach)
    permission, listed = LISTS[action]
    role, firm_wide = REACH[reach]
    if permission not in PERMISSIONS[role]:
        with pytest.raises(PermissionDenied):
            listed(w, actor)
        return
    accounts = listed(w, actor)
    assert "A1" in accounts  # own branch: listed
    assert ("B1" in accounts) is firm_wide  # another branch: only for firm-wide staff


def test_a_moved_client_changes_hands(services: Services, tmp_path: Path) -> None:
    """The move is a compliance action with a reason, audited with both branches; the
    old branch loses the client at once and the new one gains it."""
    w = make_world(services, tmp_path)
    hq_advisor = make_actor(w, "advisor")
    services.auth.create_staff(w.root, "t-b3-advisor", PASSWORD, Role.ADVISOR, branch="B3")
    b3_advisor = services.auth.login("t-b3-advisor", PASSWORD)
    with pytest.raises(InvalidInput, match="reason"):
        services.investors.move(w.hq_compliance, "A1", "B3", "  ")
    with pytest.raises(NotFound, match="branch"):
        services.investors.move(w.hq_compliance, "A1", "NOWHERE", "typo")
    assert services.investors.get(hq_advisor, "A1").branch == "HQ"
    view = services.investors.move(w.hq_compliance, "A1", "b3", "the client moved to 三部's city")
    assert view.branch == "B3"
    with pytest.raises(NotFound):
        services.investors.get(hq_advisor, "A1")
    assert services.investors.get(b3_advisor, "A1").account == "A1"
    assert services.access.check(b3_advisor, "A1", w.report).decision.allowed
    moved = [e for e in services.audit.browse(w.hq_compliance, limit=100) if e.action == "client-moved"]
    assert len(moved) == 1
    facts = json.loads(moved[0].facts)
    assert (facts["from"], facts["to"], facts["reason"]) == ("HQ", "B3", "the client moved to 三部's city")
    # The branch is part of the row's seal, and the store still verifies.
    assert services.audit.verify(w.root).ok


def test_branch_scoped_staff_add_only_to_their_branch(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")
    with pytest.raises(PermissionDenied, match="own branch"):
        services.investors.add(officer, account="X1", name="外", branch="B2")
    assert services.investors.add(officer, account="X2", name="内").branch == "HQ"
    branch_admin = make_actor(w, "admin-branch")
    with pytest.raises(PermissionDenied):
        services.auth.create_staff(branch_admin, "t-x", PASSWORD, Role.ADVISOR, branch="B2")
    with pytest.raises(PermissionDenied):
        services.auth.create_staff(branch_admin, "t-y", PASSWORD, Role.COMPLIANCE, firm_wide=True)
    made = services.auth.create_staff(branch_admin, "t-z", PASSWORD, Role.COMPLIANCE)
    assert (made.branch, made.firm_wide) == ("HQ", False)
    # A branch administrator manages only their branch's branch-scoped accounts.
    assert "t-hq-compliance" not in {s.username for s in services.auth.list_staff(branch_admin)}
    with pytest.raises(NotFound):
        services.auth.reset_password(branch_admin, "t-hq-compliance", "a fresh long passphrase")
    with pytest.raises(PermissionDenied):
        services.branches.add(branch_admin, "B9", "九部")
    # A client import by branch staff: tests/services/test_client_import.py (rows of other branches are invalid).


def test_an_advisor_is_never_firm_wide(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    with pytest.raises(InvalidInput, match="one branch"):
        services.auth.create_staff(w.root, "t-adv", PASSWORD, Role.ADVISOR, firm_wide=True)


def test_branches_are_listed_and_validated(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    listed = {b.code: b for b in services.branches.list_branches(w.root)}
    assert set(listed) == {"HQ", "B2", "B3"}
    assert listed["HQ"].head_office
    assert (listed["HQ"].clients, listed["B2"].clients) == (1, 1)
    advisor = make_actor(w, "advisor")
    assert all(b.clients is None for b in services.branches.list_branches(advisor))  # no counts
    uncounted = services.branches.list_branches(w.root, counts=False)  # the client pane's filter
    assert [b.code for b in uncounted] == sorted(listed)
    assert all(b.clients is None and b.staff is None for b in uncounted)
    for code in ("", "a b", "X" * 17, "-AB", "上海"):
        with pytest.raises(InvalidInput):
            services.branches.add(w.root, code, "名")
    with pytest.raises(InvalidInput):
        services.branches.add(w.root, "OK1", "")
    assert services.branches.add(w.root, "ｓｈ０２", "全角").code == "SH02"  # full-width typed
    with pytest.raises(Exception, match="already exists"):
        services.branches.add(w.root, "sh02", "again")


def test_a_changed_branch_applies_at_once(services: Services, tmp_path: Path) -> None:
    """Like the role, the branch is read again on every call: an advisor moved to another
    branch in the store loses the old branch's clients in an open session."""
    from suitcheck.services.branches import branch_id_for
    from suitcheck.store.models import Staff

    w = make_world(services, tmp_path)
    advisor = make_actor(w, "advisor")
    assert services.investors.get(advisor, "A1")
    with services.store.session() as session:  # through the ORM, so the row is re-sealed
        b2 = branch_id_for(session, services.ctx.rows, "B2")
        row = session.query(Staff).filter(Staff.username == advisor.username).one()
        row.branch_id = b2
    with pytest.raises(NotFound):
        services.investors.get(advisor, "A1")
    assert services.investors.get(advisor, "B1").account == "B1"


def test_a_branch_changed_outside_suitcheck_fails_the_seal(services: Services, tmp_path: Path) -> None:
    """Moving a client by SQL (not `investor move`) breaks the row's seal: checks block it."""
    from sqlalchemy import text

    w = make_world(services, tmp_path)
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE investor SET branch_id = (SELECT id FROM branch WHERE code = 'HQ') WHERE account = 'B1'")
        )
    advisor = make_actor(w, "advisor")
    result = services.access.check(advisor, "B1", w.report)
    assert not result.decision.allowed
    assert not services.audit.verify(w.root).ok


def test_a_branch_audit_export_verifies_and_names_its_branch(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    services.access.check(w.hq_compliance, "A1", w.report)
    services.access.check(w.hq_compliance, "B1", w.report)
    officer = make_actor(w, "compliance-branch")
    manifest = services.audit.export(officer, tmp_path / "branch.jsonl", "jsonl")
    assert manifest["filtered"] is True
    assert manifest["filters"] == {"branch": "HQ"}
    result = services.audit.verify_file(w.hq_compliance, tmp_path / "branch.jsonl")
    assert result.ok, (result.result.problem, result.signature)
