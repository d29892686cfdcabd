"""Branch scope under attack, second round (#14): an officer of one branch reaching the
clients of another through the paths the branch matrix (tests/services/test_branches.py)
and the first round (test_attack_branches.py) do not walk. SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services import client_import as client_import_module
from suitcheck.services.errors import PermissionDenied, ServiceError
from tests.attack.test_attack_branches import answered_in_thread
from tests.conftest import PASSWORD, add_client
from tests.fixtures import import_text_report
from tests.services.clientfiles import HEADERS_ZH, write_csv
from tests.services.test_branches import make_actor, make_world


def _paused_import(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The import run in the thread named 'import' stops once it has compared its rows
    with the clients on record (classify), until told to go on."""
    compared, go_on = threading.Event(), threading.Event()
    original = client_import_module._Run.classify

    def paused(self: Any, conn: Any) -> None:
        original(self, conn)
        if threading.current_thread().name == "import":
            compared.set()
            go_on.wait(20)

    monkeypatch.setattr(client_import_module._Run, "classify", paused)
    return compared, go_on


@pytest.mark.parametrize("meanwhile", ["move", "lowest-category"])
def test_a_client_import_racing_another_desks_change_never_writes_over_it(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    """A branch officer's client import compares its rows with the clients on record, then
    writes. On PostgreSQL (read committed; a SQLite import holds the write lock throughout)
    another desk's change committed in between was written over from what the import had
    read: head office moved client A1 to branch B2 and the HQ officer's import then changed
    that B2 client (its name, under a new seal), which no path lets them see; or compliance
    put client A7 in the lowest category and the import, whose row says 否 and which had
    found no flag to lift, lifted it, with no refusal, no reason and no entry saying so.
    The import now holds the clients from its comparison to its commit: the other desk's
    change waits and follows it."""
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ, where A1 is
    if meanwhile == "move":
        account, profile = "A1", "积极型"  # C4
    else:
        add_client(services, w.hq_compliance, "A7", RiskProfile.C1)
        account, profile = "A7", "保守型"  # C1

    def change() -> object:
        if meanwhile == "move":
            return services.investors.move(w.hq_compliance, "A1", "B2", "moved house")
        return services.investors.update(w.hq_compliance, "A7", lowest_category=True)

    before = services.investors.get(w.hq_compliance, account)
    assert before.assessed_on is not None
    row = [account, "改名", "", "普通投资者", profile, before.assessed_on.isoformat(), "否", "否"]
    path = write_csv(tmp_path / "clients.csv", [row], HEADERS_ZH)
    compared, go_on = _paused_import(monkeypatch)
    outcome: dict[str, object] = {}
    importing = answered_in_thread(outcome, "import", lambda: services.client_files.import_clients(officer, path))
    assert compared.wait(20)
    other = answered_in_thread(outcome, "other desk", change)
    other.join(1.5)  # done at once on PostgreSQL before the fix; waits for the import after it (and on SQLite)
    go_on.set()
    importing.join(30)
    other.join(30)
    assert not any(isinstance(answer, Exception) for answer in outcome.values()), outcome
    view = services.investors.get(w.hq_compliance, account)
    assert view.name == "改名"  # the import was written, before the other desk's change
    entries = sorted(
        (e for e in services.audit.browse(w.hq_compliance, limit=500) if e.investor_id == before.id),
        key=lambda e: e.seq,
    )
    imported = [e.seq for e in entries if e.staff == officer.username]
    changed = [e.seq for e in entries if e.staff == w.hq_compliance.username and e.seq > entries[1].seq]
    assert imported
    assert changed
    assert max(imported) < min(changed), [(e.seq, e.action, e.staff) for e in entries]
    if meanwhile == "move":
        assert view.branch == "B2"
    else:
        assert view.lowest_category  # set by compliance, never lifted by the file
    assert view.record_intact
    result = services.audit.verify(w.root)
    assert result.ok, result.problem


def test_the_log_tells_another_branchs_client_from_a_missing_one_no_more_than_the_answer(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The answer to another branch's client is the missing client's, but the desk's log
    (user_log_dir/suitcheck.log, the staff member's own file on their own desktop) gained a
    line only for the former: 'asked for a client of another branch (client 2)' for a
    looked-up account, 'searched for a client of another branch by ID number' for a full
    ID number, so an officer typing guesses read in their log which accounts and numbers are
    clients elsewhere, and their internal ids. The attempt is in the trail, for head office;
    the log now says of it no more than of a missing client."""
    import logging

    from tests.services.clientfiles import make_id

    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    theirs, nobody = make_id(5), make_id(7)
    services.investors.add(w.hq_compliance, account="B5", name="丙", id_number=theirs, branch="B2")
    calls: dict[str, Callable[[str], object]] = {
        "find": lambda ref: services.investors.get(officer, ref),
        "check": lambda ref: services.access.check(officer, ref, w.report),
        "search": lambda ref: services.investors.search(officer, ref),
    }
    for name, call in calls.items():
        logged: dict[str, list[str]] = {}
        for ref in (theirs, nobody) if name == "search" else ("B1", "NOPE"):
            caplog.clear()
            with caplog.at_level(logging.DEBUG, logger="suitcheck"), contextlib.suppress(ServiceError):
                call(ref)
            logged[ref] = [r.getMessage().replace(ref, "<ref>") for r in caplog.records]
        assert len(set(map(tuple, logged.values()))) == 1, (name, logged)
    attempts = [e for e in services.audit.browse(w.hq_compliance, limit=500) if e.action == "client-out-of-branch"]
    assert len(attempts) == 3  # still recorded, for head office


def test_a_branch_officer_does_not_change_the_rules_every_branch_is_decided_by(
    services: Services, tmp_path: Path
) -> None:
    """The policy (validity, warning window, the client-requested escalation switch, the
    subject table) and the questionnaire are the firm's, one version for every branch. A
    branch-scoped compliance officer of HQ, who may not see B2's clients, nor the dashboard
    or the self-inspection because they cover every branch, could still store a new
    policy version for the whole firm: switching escalation on let B2's advisors give an
    R4 report to a C3 client of B2 after a warning, where the firm's strict table had
    blocked it; longer validity let B2's expired clients through; a questionnaire of their
    own decided B2's next assessments. Only firm-wide (head-office) compliance changes them
    now; the branch officer still reads them."""
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    add_client(services, w.hq_compliance, "B3", RiskProfile.C3, branch="B2")
    r4 = import_text_report(services, w.hq_compliance, tmp_path, level="中高风险")
    services.auth.create_staff(w.root, "t-b2-advisor", PASSWORD, Role.ADVISOR, branch="B2")
    b2_advisor = services.auth.login("t-b2-advisor", PASSWORD)
    assert services.access.check(b2_advisor, "B3", r4).decision.outcome.value == "block"
    before = services.policy.current()
    questionnaire = services.questionnaire.current(officer)
    stricter = questionnaire.content()
    stricter["title"] = "风险承受能力评估问卷（营业部自订版）"
    stricter["bands"][1]["min_score"] += 1
    stricter["bands"][0]["max_score"] += 1
    with pytest.raises(PermissionDenied, match="every branch"):
        services.policy.update(officer, allow_escalation=True)
    with pytest.raises(PermissionDenied, match="every branch"):
        services.policy.update(officer, validity_days=before.validity_days * 5)
    with pytest.raises(PermissionDenied, match="every branch"):
        services.policy.set_subjects(officer, [("期货", "R1")])
    with pytest.raises(PermissionDenied, match="every branch"):
        services.questionnaire.import_definition(officer, json.dumps(stricter, ensure_ascii=False))
    assert services.policy.current().version == before.version
    assert services.questionnaire.current(officer).version == questionnaire.version
    assert services.access.check(b2_advisor, "B3", r4).decision.outcome.value == "block"
    # Head office changes them, as before.
    assert services.policy.update(w.hq_compliance, allow_escalation=True).version == before.version + 1
    assert services.access.check(b2_advisor, "B3", r4).decision.outcome.value == "allow-after-warning"


def test_counts_and_a_filter_naming_another_branchs_client_show_nothing_of_it(
    services: Services, tmp_path: Path
) -> None:
    """Held: the figures beside the lists (the reminders' count in the status bar, the
    client count under the search) and the audit log filtered by another branch's client
    (the id a check's JSON printed, or a guess) count and show nothing of another branch,
    and the filtered export still verifies; head office's count it."""
    from suitcheck.services.audit_log import AuditFilter

    w = make_world(services, tmp_path)  # A1 of HQ, B1 of B2: both due for a reminder
    services.access.check(w.hq_compliance, "B1", w.report)
    services.access.check(w.hq_compliance, "A1", w.report)
    officer = make_actor(w, "compliance-branch")  # of HQ
    assert services.reminders.count(officer) == 1 < services.reminders.count(w.hq_compliance)
    assert services.investors.count(officer) == 1 < services.investors.count(w.hq_compliance)
    theirs = AuditFilter(investor_id=w.ids["B1"])
    assert services.audit.count(officer, theirs) == 0 < services.audit.count(w.hq_compliance, theirs)
    assert services.audit.browse(officer, theirs) == []
    manifest = services.audit.export(officer, tmp_path / "b1.jsonl", "jsonl", theirs)
    assert manifest["count"] == 0
    assert manifest["filters"] == {"investor_id": w.ids["B1"], "branch": "HQ"}
    assert services.audit.verify_file(w.hq_compliance, tmp_path / "b1.jsonl").ok


def delete_branch_in_the_sqlite_shell(services: Services, sqlite_target: str, code: str) -> None:
    """Delete branch `code` as an SQL client does: the sqlite3 shell, whose foreign keys are
    off unless told (the desk's own connection is let go first)."""
    import sqlite3

    services.store.engine.dispose()
    shell = sqlite3.connect(sqlite_target)
    with shell:
        shell.execute("DELETE FROM branch WHERE code = ?", (code,))
    shell.close()


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_client_import_by_staff_whose_branch_was_deleted_in_sql_says_so(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path, dry_run: bool
) -> None:
    """A branch row deleted with an SQL client (SQLite's own shell enforces no foreign key
    unless told to), its staff still signed in: their client import's dry run, which names
    the branch each new client goes to, stopped on a KeyError ('unexpected error'), and the
    import itself on 'The store ... failed: FOREIGN KEY constraint failed', as if the store
    were broken. Both now say, in one sentence, that the importer's branch is not in the
    store; nothing is written."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-officer", PASSWORD, Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("t-b2-officer", PASSWORD)
    delete_branch_in_the_sqlite_shell(services, sqlite_target, "B2")
    row = ["N2", "乙", "", "普通投资者", "稳健型", "2026-03-02", "否", "否"]
    path = write_csv(tmp_path / "clients.csv", [row], HEADERS_ZH)
    seen: list[object] = []
    with pytest.raises(ServiceError, match="branch is not in the store") as refused:
        services.client_files.import_clients(officer, path, dry_run=dry_run, on_item=seen.append)
    assert type(refused.value) is ServiceError
    assert seen == []
    assert services.investors.count(w.hq_compliance, "N2") == 0


def test_a_client_of_no_branch_is_not_the_importers_own(services: Services, tmp_path: Path) -> None:
    """A client row whose branch was emptied in SQL belongs to no branch: every lookup and
    list of a branch-scoped officer misses it, as another branch's client (services.scope:
    NULL is no branch of theirs). Their client import compared such a row as their own
    (the SQL `branch_id != theirs` is not true of NULL): a row naming its account came back
    'unchanged', or refused the whole import as 'The client record 'B1' was changed
    outside suitcheck', telling them of a client nothing else shows them. It is now an
    invalid row, as another branch's client, and recorded."""
    import json

    from sqlalchemy import text

    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE investor SET branch_id = NULL WHERE account = 'B1'"))
    with pytest.raises(ServiceError, match="No client"):
        services.investors.get(officer, "B1")
    b1 = services.investors.get(w.hq_compliance, "B1")
    assert b1.assessed_on is not None
    for name in (b1.name, "改名"):  # as on record, and changed
        row = ["B1", name, "", "普通投资者", "积极型", b1.assessed_on.isoformat(), "否", "否"]
        path = write_csv(tmp_path / "clients.csv", [row], HEADERS_ZH)
        result = services.client_files.import_clients(officer, path, dry_run=True)
        assert [(i.row, i.code) for i in result.issues] == [(2, "other-branch-client")]
        assert (result.unchanged, result.changed) == (0, 0)
    attempts = [e for e in services.audit.browse(w.hq_compliance, limit=500) if e.action == "client-out-of-branch"]
    causes = sorted((e.investor_id, json.loads(e.facts)["cause"]) for e in attempts)
    assert causes == [(b1.id, "import-account")] * 2 + [(b1.id, "other-branch")]  # the two files, the look-up


def test_a_client_moved_out_keeps_the_branchs_entries_about_them_in_its_audit_export(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: a branch-scoped export holds the entries about the branch's clients, read
    as the clients stand now. A branch's compliance officer who moved a client out to another
    branch (a reason given, audited) then exported the branch's trail for the regulator: the
    client's blocked checks made at the branch, and the move itself, were gone from the file,
    and it verified. The branch's export now also holds the entries about a client made while
    the client was the branch's (up to and with the move out); none made after the move."""
    from suitcheck.audit.export import _jsonl_records

    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-officer", PASSWORD, Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("t-b2-officer", PASSWORD)
    services.auth.create_staff(w.root, "t-b3-advisor", PASSWORD, Role.ADVISOR, branch="B3")
    b3_advisor = services.auth.login("t-b3-advisor", PASSWORD)
    r5 = import_text_report(services, w.hq_compliance, tmp_path, level="高风险")
    blocked = services.access.check(officer, "B1", r5)
    assert not blocked.decision.allowed
    services.investors.move(officer, "B1", "B3", "客户迁居")
    after = services.access.check(b3_advisor, "B1", r5).audit_id

    out = tmp_path / "b2.jsonl"
    services.audit.export(officer, out, "jsonl")
    assert services.audit.verify_file(officer, out).ok
    records = list(_jsonl_records(out))
    seqs = [r["seq"] for r in records]
    assert blocked.audit_id in seqs
    assert "client-moved" in [r["action"] for r in records]
    assert after not in seqs  # made at B3, after the move: not B2's
