"""Branch scoping under attack (#14): staff of one branch trying to learn about, or act
on, another branch's clients by the paths the branch matrix (tests/services/test_branches.py)
does not walk; and head office, whose view must stay complete. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from suitcheck.services import Services
from suitcheck.services.errors import ServiceError
from tests.services.test_branches import make_actor, make_world


def _tamper(services: Services, sql: str) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql))


def answered_in_thread(outcome: dict[str, object], name: str, call: Callable[[], object]) -> threading.Thread:
    """Start `call` in a thread named `name`; its answer (a result, or the ServiceError it
    raised) lands in outcome[name]."""

    def target() -> None:
        try:
            outcome[name] = call()
        except ServiceError as exc:  # the answer each got
            outcome[name] = exc

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


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


def test_verify_names_no_deleted_client_to_a_branch(services: Services, tmp_path: Path) -> None:
    """A client deleted in SQL has no branch left to judge by: verify names the account to
    those who see every branch, and tells a branch-scoped officer only that a recorded
    client is gone (the two attack rounds met here: one named deleted rows, one hid other
    branches' rows)."""
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")
    _tamper(services, "DELETE FROM assessment WHERE investor_id = (SELECT id FROM investor WHERE account = 'B1')")
    _tamper(services, "DELETE FROM investor WHERE account = 'B1'")
    problem = services.audit.verify(officer).problem or ""
    assert problem == "a client recorded in the trail is missing from the store; head-office compliance can see which"
    assert "client B1, recorded in the trail, is missing" in (services.audit.verify(w.hq_compliance).problem or "")


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


def test_an_edit_racing_a_move_leaves_the_client_sealed_and_in_one_branch(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Head office moves a client (B2 -> B3) while B2's officer edits the same client. On
    PostgreSQL (read committed; SQLite takes the write lock at BEGIN) the edit read the
    client, the move committed, and the edit then wrote its change with a seal made over
    the branch it had read: the row held branch B3 under a seal over B2, so the client
    was blocked at every check and `audit verify` failed, from two ordinary actions, and
    B2's officer had changed a client of B3. A client found to be changed is now locked
    as it is found (the move waits for the edit, or the edit finds the client gone)."""
    from suitcheck.domain.roles import Role
    from suitcheck.services import investors as investors_module
    from tests.conftest import PASSWORD

    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-officer", PASSWORD, Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("t-b2-officer", PASSWORD)
    found, go_on = threading.Event(), threading.Event()
    original = investors_module.find_investor

    def paused(*args: Any, **kwargs: Any) -> Any:
        investor = original(*args, **kwargs)
        if threading.current_thread().name == "edit":
            found.set()
            go_on.wait(10)
        return investor

    monkeypatch.setattr(investors_module, "find_investor", paused)
    outcome: dict[str, object] = {}
    edit = answered_in_thread(outcome, "edit", lambda: services.investors.update(officer, "B1", name="改名"))
    assert found.wait(10)
    move = answered_in_thread(
        outcome, "move", lambda: services.investors.move(w.hq_compliance, "B1", "B3", "moved house")
    )
    move.join(1.5)  # done at once on PostgreSQL before the fix; waits for the edit after it (and on SQLite)
    go_on.set()
    edit.join(20)
    move.join(20)
    assert not isinstance(outcome["move"], Exception), outcome
    view = services.investors.get(w.hq_compliance, "B1")
    assert view.branch == "B3"
    assert view.record_intact
    assert services.access.check(w.hq_compliance, "B1", w.report).decision.allowed
    result = services.audit.verify(w.root)
    assert result.ok, (result.problem, outcome)


def test_adding_a_client_another_branch_holds_is_refused_as_a_duplicate_and_recorded(
    services: Services, tmp_path: Path
) -> None:
    """Account and ID numbers are unique across the firm, so a branch officer adding a
    client whose account (or ID number) another branch's client holds is refused as a
    duplicate, and so learns such a client exists: a way to ask 'is this person our
    client elsewhere?' that left no trace, where every other reference to that client is
    recorded. The sentence stays the duplicate's; the attempt is now recorded, named by
    the client, as one on another branch's client."""
    import json

    from suitcheck.services.errors import Conflict

    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    b1_number = "110105199010031120"
    services.investors.add(w.hq_compliance, account="B7", name="丙", id_number=b1_number, branch="B2")
    for kwargs in ({"account": "B1", "name": "甲"}, {"account": "NEW1", "name": "甲", "id_number": b1_number}):
        with pytest.raises(Conflict) as caught:
            services.investors.add(officer, **kwargs)  # type: ignore[arg-type]
        assert "already exists" in str(caught.value)
    entries = [
        e
        for e in services.audit.browse(w.hq_compliance, limit=500)
        if e.action == "client-out-of-branch" and e.staff == officer.username
    ]
    b7 = services.investors.get(w.hq_compliance, "B7").id
    assert {e.investor_id for e in entries} == {w.ids["B1"], b7}
    assert {json.loads(e.facts)["cause"] for e in entries} == {"duplicate-account", "duplicate-id-number"}
    # One's own branch's client: the same refusal, nothing out of the ordinary recorded.
    with pytest.raises(Conflict):
        services.investors.add(officer, account="A1", name="甲")
    after = [e for e in services.audit.browse(w.hq_compliance, limit=500) if e.action == "client-out-of-branch"]
    assert len(after) == len(entries)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_client_file_naming_another_branchs_client_is_recorded(
    services: Services, tmp_path: Path, dry_run: bool
) -> None:
    """A branch officer's client import names the rows holding another branch's account
    ('is a client of another branch') or another client's ID number ('belongs to another
    client account'): as with `investor add`, the answer tells them such a client exists,
    and a dry run of a file of guessed accounts or ID numbers asked it a thousand times at
    once, writing nothing and leaving no trace. Each client so named is now recorded as an
    attempt on another branch's client (cause import-account or import-id-number, with the
    file and row), whether or not anything is written; the rows' answers are unchanged."""
    import json

    from tests.services.clientfiles import make_id, write_csv

    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    number = make_id(5)
    services.investors.add(w.hq_compliance, account="B5", name="丙", id_number=number, branch="B2")
    own = make_id(6)
    services.investors.add(w.hq_compliance, account="A6", name="丁", id_number=own)  # HQ's own
    row = ["普通投资者", "稳健型", "2026-03-02", "否", "否"]
    rows = [
        ["B1", "甲", "", *row],  # another branch's account
        ["Q9", "乙", number, *row],  # another branch's client's ID number
        ["Q8", "戊", own, *row],  # one's own branch's client's ID number: not out of branch
        ["Q7", "己", "", *row],  # a new client
    ]
    path = write_csv(tmp_path / "clients.csv", rows)
    result = services.client_files.import_clients(officer, path, dry_run=dry_run, partial=True)
    assert [(i.row, i.code) for i in result.issues] == [
        (2, "other-branch-client"),
        (3, "id-on-other-account"),
        (4, "id-on-other-account"),
    ]
    entries = [
        e
        for e in services.audit.browse(w.hq_compliance, limit=500)
        if e.action == "client-out-of-branch" and e.staff == officer.username
    ]
    b5 = services.investors.get(w.hq_compliance, "B5").id
    assert sorted((e.investor_id, json.loads(e.facts)["cause"], json.loads(e.facts)["row"]) for e in entries) == sorted(
        [(w.ids["B1"], "import-account", 2), (b5, "import-id-number", 3)]
    )
    assert all(json.loads(e.facts)["file"] == "clients.csv" for e in entries)
    # Head office's import of the same file names the same rows and records no attempt.
    services.client_files.import_clients(w.hq_compliance, path, dry_run=True, partial=True)
    after = [e for e in services.audit.browse(w.hq_compliance, limit=500) if e.action == "client-out-of-branch"]
    assert len(after) == len(entries)
    assert services.audit.verify(w.root).ok


def test_a_search_by_another_branchs_clients_id_number_is_recorded(services: Services, tmp_path: Path) -> None:
    """A full ID number names one person. Searched for by a branch officer, another
    branch's client is not found (as a number nobody holds: no answer tells them apart),
    but the attempt was recorded only as a search by a masked number, not as one on that
    client, while an account typed into a check, a duplicate 'investor add' or a client
    file naming the client is recorded on it (client-out-of-branch). A search or count by
    the ID number of another branch's client (of none of theirs) is now recorded on that
    client too; one's own client's, a number nobody holds, and head office's are not."""
    import json

    from tests.services.clientfiles import make_id

    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    theirs, mine, nobody = make_id(5), make_id(6), make_id(7)
    services.investors.add(w.hq_compliance, account="B5", name="丙", id_number=theirs, branch="B2")
    services.investors.add(w.hq_compliance, account="A6", name="丁", id_number=mine)
    assert services.investors.search(officer, theirs) == [] == services.investors.search(officer, nobody)
    assert services.investors.count(officer, theirs) == 0
    assert [v.account for v in services.investors.search(officer, mine)] == ["A6"]
    assert [v.account for v in services.investors.search(w.hq_compliance, theirs)] == ["B5"]

    def attempts() -> list[Any]:
        return [e for e in services.audit.browse(w.hq_compliance, limit=500) if e.action == "client-out-of-branch"]

    b5 = services.investors.get(w.hq_compliance, "B5").id
    found = attempts()
    assert [(e.staff, e.investor_id) for e in found] == [(officer.username, b5)] * 2  # the count, the search
    assert {json.loads(e.facts)["cause"] for e in found} == {"search-by-id-number"}
    assert theirs not in found[0].facts  # the number is in the search's own entry, masked


def test_verify_gives_a_branch_no_count_of_the_firms_clients(services: Services, tmp_path: Path) -> None:
    """`audit verify --json` states how many rows it compared with the trail
    (state_checked): every client, staff, report and policy row and every assessment row
    of the firm. Told to a branch-scoped officer, that is the firm's number of clients and
    assessments, which the design shows only to firm-wide staff (branch list, dashboard);
    two runs a day apart told them how many clients and assessments the other branches
    added. A branch-scoped verifier now gets no such figure (null); the verification
    still covers the whole store, and head office still gets it."""
    from suitcheck.domain.levels import RiskProfile
    from tests.conftest import add_client

    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    before = services.audit.verify(officer)
    add_client(services, w.hq_compliance, "B9", RiskProfile.C3, branch="B2")  # another branch grows
    after = services.audit.verify(officer)
    assert before.ok
    assert after.ok
    assert before.state_checked is None is after.state_checked
    assert before.to_dict()["state_checked"] is None
    firm = services.audit.verify(w.hq_compliance)
    assert firm.ok
    assert (firm.state_checked or 0) > 0
