"""Branch scoping under attack (#14): staff of one branch trying to learn about, or act
on, another branch's clients by the paths the branch matrix (tests/services/test_branches.py)
does not walk; and head office, whose view must stay complete. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from suitcheck.services import Services
from tests.services.test_branches import make_actor, make_world


def _tamper(services: Services, sql: str) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql))


def test_verify_names_no_row_of_another_branch(services: Services, tmp_path: Path) -> None:
    """`audit verify` by a branch-scoped compliance officer or administrator said
    "client B1's record was changed outside suitcheck": another branch's account number
    (and that it is a client), which every other path answers as a missing client. They
    now learn that a row of another branch failed, not which; head office still sees it."""
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")
    branch_admin = make_actor(w, "admin-branch")
    _tamper(services, "UPDATE investor SET current_profile = 5 WHERE account = 'B1'")  # B2's client, C4 -> C5
    for actor in (officer, branch_admin):
        result = services.audit.verify(actor)
        assert not result.ok
        assert "B1" not in (result.problem or "")
        assert result.problem
        assert "another branch" in result.problem
    assert "client B1's record" in (services.audit.verify(w.hq_compliance).problem or "")
    assert "client B1's record" in (services.audit.verify(w.root).problem or "")


def test_verify_names_a_row_of_ones_own_branch(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ, where A1 is
    _tamper(services, "UPDATE investor SET current_profile = 5 WHERE account = 'A1'")
    assert "client A1's record" in (services.audit.verify(officer).problem or "")


def test_verify_names_no_staff_account_a_branch_does_not_manage(services: Services, tmp_path: Path) -> None:
    """The same for staff rows: a branch administrator manages (and lists) only their
    branch's branch-scoped accounts, so a verify sentence names no other."""
    w = make_world(services, tmp_path)
    branch_admin = make_actor(w, "admin-branch")  # of HQ
    _tamper(services, "UPDATE staff SET role = 'admin' WHERE username = 't-hq-compliance'")  # firm-wide
    problem = services.audit.verify(branch_admin).problem or ""
    assert "t-hq-compliance" not in problem
    assert "staff account you do not manage" in problem
    assert "t-hq-compliance" in (services.audit.verify(w.root).problem or "")


def test_full_width_typing_finds_ones_own_client_whatever_another_branch_holds(
    services: Services, tmp_path: Path
) -> None:
    """A reference typed in full-width forms that names nobody as typed is read as its
    half-width form (bf21099). When another branch held the full-width text as an account
    (stored before such accounts were refused), a branch advisor typing it got 'no client'
    (and a recorded out-of-branch attempt) instead of their own client, which they get when
    nobody holds it: the answer told them another branch's client exists."""
    w = make_world(services, tmp_path)
    advisor = make_actor(w, "advisor")  # of HQ, where A1 is
    assert services.investors.get(advisor, "Ａ１").account == "A1"  # nobody holds 'Ａ１'
    _tamper(services, "UPDATE investor SET account = 'Ａ１' WHERE account = 'B1'")  # B2's client
    assert services.investors.get(advisor, "Ａ１").account == "A1"
    assert services.access.check(advisor, "Ａ１", w.report).investor_id == w.ids["A1"]
    hidden = [e for e in services.audit.browse(w.hq_compliance, limit=500) if e.action == "client-out-of-branch"]
    assert hidden == []
    assert services.investors.get(w.hq_compliance, "Ａ１").id == w.ids["B1"]  # head office: the exact account
