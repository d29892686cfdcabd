"""Branch rows under an insider with SQL access (#21).

Was BROKE: branch rows carried no seal. Two branches' codes (or names) swapped in SQL sent
`investor move A1 --to BR02`, `investor add --branch`, a new staff account's branch and a
client file's branch column to the other branch, and `audit verify` said OK. Branch rows
are now sealed as other rows are (services.integrity.branch_message; the upgrade 0013 seals
the rows of an existing store that the trail vouches for): a branch whose row fails its seal
is refused where a record would go to it, flagged in `branch list`, and named by `audit
verify`. A client's and a staff account's own branch_id were inside their seals already
(the tests below prove it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services import integrity as integrity_module
from suitcheck.services.errors import AuthenticationFailed, ServiceError
from suitcheck.services.integrity import RECORD_SEALED, SEAL_REPORTS_SETTING, RowSealer
from suitcheck.store.models import AuditEntry, Branch, StoreSetting
from tests.attack.test_attack_branch_scope import delete_branch_in_the_sqlite_shell
from tests.conftest import PASSWORD, Clock, make_services
from tests.services.clientfiles import HEADERS_ZH, write_csv
from tests.services.test_branches import make_world

CHANGED = "Branch {code}'s record was changed outside suitcheck"


def _sql(services: Services, *statements: str) -> None:
    with services.store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _swap_codes(services: Services) -> None:
    """B2 and B3 trade codes (and names), as an insider's SQL client does it."""
    _sql(
        services,
        "UPDATE branch SET code = 'TMP' WHERE code = 'B2'",
        "UPDATE branch SET code = 'B2', name = '二部' WHERE code = 'B3'",
        "UPDATE branch SET code = 'B3', name = '三部' WHERE code = 'TMP'",
    )


def _branch_of(services: Services, account: str) -> int:
    with services.store.engine.connect() as conn:
        return int(conn.execute(text("SELECT branch_id FROM investor WHERE account = :a"), {"a": account}).scalar_one())


def test_branch_codes_swapped_in_sql_send_nobody_there(services: Services, tmp_path: Path) -> None:
    """BROKE: B2 and B3 swapped their codes; head office's `investor move A1 --to B2` put
    A1 in the branch that was B3 (its clerks saw A1), and `audit verify` said OK."""
    w = make_world(services, tmp_path)
    assert services.audit.verify(w.root).ok
    before = _branch_of(services, "A1")
    _swap_codes(services)
    with pytest.raises(ServiceError, match=CHANGED.format(code="B2")):
        services.investors.move(w.hq_compliance, "A1", "B2", "moved house")
    assert _branch_of(services, "A1") == before
    with pytest.raises(ServiceError, match=CHANGED.format(code="B3")):
        services.investors.add(w.hq_compliance, account="N1", name="甲", branch="B3")
    with pytest.raises(ServiceError, match=CHANGED.format(code="B3")):
        services.auth.create_staff(w.root, "t-new", PASSWORD, Role.ADVISOR, branch="B3")
    listed = {b.code: b.record_intact for b in services.branches.list_branches(w.hq_compliance)}
    assert listed == {"HQ": True, "B2": False, "B3": False}
    problem = services.audit.verify(w.root).problem or ""
    assert "record was changed outside suitcheck" in problem
    assert problem.startswith(("branch B2's", "branch B3's"))


def test_ones_own_branch_changed_in_sql_takes_no_new_record(sqlite_services: Services, tmp_path: Path) -> None:
    """BROKE: B2's and B3's codes swapped in SQL; B2's officer added a client (no --branch:
    their own branch, by its id) and imported a file: the client went to B2's row, but the
    trail recorded it as added to branch B3, the code that row now held."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-officer", PASSWORD, Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("t-b2-officer", PASSWORD)
    _swap_codes(services)
    with pytest.raises(ServiceError, match=CHANGED.format(code="B3")):
        services.investors.add(officer, account="N6", name="己")
    row = ["N7", "庚", "", "普通投资者", "稳健型", "2026-03-02", "否", "否"]
    path = write_csv(tmp_path / "clients.csv", [row], HEADERS_ZH)
    with pytest.raises(ServiceError, match=CHANGED.format(code="B3")):
        services.client_files.import_clients(officer, path, dry_run=True)
    assert services.investors.count(w.hq_compliance, "N") == 0


def test_a_branch_name_changed_in_sql_is_named_by_verify(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    w = make_world(services, tmp_path)
    _sql(services, "UPDATE branch SET name = '三部' WHERE code = 'B2'")
    assert services.audit.verify(w.root).problem == (
        "branch B2's record was changed outside suitcheck (its seal does not match)"
    )
    with pytest.raises(ServiceError, match=CHANGED.format(code="B2")):
        services.investors.move(w.hq_compliance, "A1", "B2", "moved house")
    # The head-office flag moved to another row is a change of both.
    _sql(services, "UPDATE branch SET name = '二部' WHERE code = 'B2'")
    assert services.audit.verify(w.root).ok
    _sql(
        services,
        "UPDATE branch SET head_office = 0 WHERE code = 'HQ'",
        "UPDATE branch SET head_office = 1 WHERE code = 'B3'",
    )
    assert services.audit.verify(w.root).problem == (
        "branch HQ's record was changed outside suitcheck (its seal does not match)"
    )
    assert not any(b.record_intact for b in services.branches.list_branches(w.root) if b.code in ("HQ", "B3"))


def test_a_client_file_naming_a_changed_branch_is_refused_on_its_row(sqlite_services: Services, tmp_path: Path) -> None:
    """BROKE: the client file's branch column resolved a swapped code to the other branch."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    _swap_codes(services)
    row = ["N3", "丙", "", "普通投资者", "稳健型", "2026-03-02", "否", "否"]
    path = write_csv(
        tmp_path / "clients.csv",
        [[*row, "B2"], ["N4", "丁", *row[2:], "二部"], ["N5", "戊", *row[2:], "HQ"]],
        [*HEADERS_ZH, "营业部"],
    )
    result = services.client_files.import_clients(w.hq_compliance, path, dry_run=True, partial=True)
    assert [(i.row, i.code) for i in result.issues] == [(2, "changed-branch"), (3, "changed-branch")]


def test_a_clients_and_a_staff_accounts_branch_are_inside_their_seals(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Held: a client's or a staff member's branch_id set in SQL breaks their row's seal:
    the client is blocked at every check and named by verify; the staff member cannot sign in."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-advisor", PASSWORD, Role.ADVISOR, branch="B2")
    b2_advisor = services.auth.login("t-b2-advisor", PASSWORD)
    _sql(services, "UPDATE investor SET branch_id = (SELECT id FROM branch WHERE code = 'B2') WHERE account = 'A1'")
    decision = services.access.check(b2_advisor, "A1", w.report)
    assert not decision.decision.allowed
    assert "record-integrity" in decision.to_dict()["reasons"]  # type: ignore[operator]
    assert "client A1's record was changed outside suitcheck" in (services.audit.verify(w.root).problem or "")
    _sql(services, "UPDATE investor SET branch_id = (SELECT id FROM branch WHERE code = 'HQ') WHERE account = 'A1'")
    assert services.audit.verify(w.root).ok
    _sql(
        services,
        "UPDATE staff SET branch_id = (SELECT id FROM branch WHERE code = 'HQ') WHERE username = 't-b2-advisor'",
    )
    with pytest.raises(AuthenticationFailed):
        services.auth.login("t-b2-advisor", PASSWORD)
    assert "staff account t-b2-advisor was changed outside suitcheck" in (services.audit.verify(w.root).problem or "")


def test_a_branch_deleted_in_sql_is_named_by_verify(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path
) -> None:
    """A branch deleted in SQL (SQLite's shell enforces no foreign key) is named by verify;
    its staff, still signed in, adding a client were told 'The store ... failed: FOREIGN KEY
    constraint failed', as if the store were broken: now that their branch is gone."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b3-officer", PASSWORD, Role.COMPLIANCE, branch="B3")
    officer = services.auth.login("t-b3-officer", PASSWORD)
    delete_branch_in_the_sqlite_shell(services, sqlite_target, "B3")
    assert services.audit.verify(w.root).problem == "branch B3, recorded in the trail, is missing from the store"
    with pytest.raises(ServiceError, match="Your branch is not in the store") as refused:
        services.investors.add(officer, account="N8", name="辛")
    assert type(refused.value) is ServiceError


def test_a_new_branch_does_not_take_over_a_branch_deleted_in_sql(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path
) -> None:
    """BROKE: B3 (the newest branch) deleted in SQL; head office then added B4, which
    SQLite gave B3's id: B3's clients and staff were B4's (their sealed rows name the id),
    listed under B4, with no seal failing."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    services.investors.add(w.hq_compliance, account="C3", name="丙", branch="B3")
    b3 = _branch_of(services, "C3")
    delete_branch_in_the_sqlite_shell(services, sqlite_target, "B3")
    with pytest.raises(ServiceError, match="belong to a branch whose record was removed outside suitcheck"):
        services.branches.add(w.root, "B4", "四部")
    assert {b.code for b in services.branches.list_branches(w.root)} == {"HQ", "B2"}
    assert _branch_of(services, "C3") == b3


def test_a_branch_row_copied_from_another_store_is_refused(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    services = sqlite_services
    w = make_world(services, tmp_path)
    other = make_services(str(tmp_path / "other.db"), clock)
    try:
        make_world(other, tmp_path)
        other_root = other.auth.login("t-root", PASSWORD)
        other.branches.add(other_root, "B9", "九部")
        with other.store.engine.connect() as conn:
            row = dict(conn.execute(select(Branch.__table__).where(Branch.code == "B9")).mappings().one())
    finally:
        other.close()
    with services.store.engine.begin() as conn:
        conn.execute(insert(Branch).values(**row))
    with pytest.raises(ServiceError, match=CHANGED.format(code="B9")):
        services.investors.move(w.hq_compliance, "A1", "B9", "moved house")
    assert services.audit.verify(w.root).problem == (
        "branch B9's record was changed outside suitcheck (its seal does not match)"
    )


# -- the upgrade (migration 0013) -----------------------------------------------------------


def _as_before_branch_seals(target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store as the 0012 code left it and the 0013 migration then made: branches added
    (their `branch-added` entries in the trail), no branch row sealed nor its state
    recorded, the migration's marker."""
    with monkeypatch.context() as patched:
        patched.setattr(integrity_module, "Branch", type("NotABranch", (), {}))  # inserted unsealed
        patched.setattr(RowSealer, "_seal_recorded_branches", lambda *_a, **_k: None)
        patched.setattr(RowSealer, "branch_ok", lambda *_a, **_k: True)  # nothing checked them
        services = make_services(target, clock)
        try:
            make_world(services, tmp_path)
            with services.store.engine.begin() as conn:
                conn.execute(text("UPDATE branch SET integrity = NULL"))
                assert not any('"table":"branch"' in f for (f,) in conn.execute(select(AuditEntry.facts)))
                conn.execute(insert(StoreSetting).values(name=SEAL_REPORTS_SETTING, value="pending"))
        finally:
            services.close()


def _upgrade_entry(services: Services) -> dict[str, Any]:
    import json

    with services.store.engine.connect() as conn:
        facts = [f for (f,) in conn.execute(select(AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED))]
    entry: dict[str, Any] = json.loads([f for f in facts if '"upgrade":"reports"' in f][-1])
    return entry


def test_the_upgrade_seals_the_branches_the_trail_records(
    store_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_before_branch_seals(store_target, clock, tmp_path, monkeypatch)
    services = make_services(store_target, clock)
    try:
        sealed = {(r["table"], r["key"]) for r in _upgrade_entry(services)["rows"]}
        assert {("branch", "HQ"), ("branch", "B2"), ("branch", "B3")} <= sealed
        root = services.auth.login("t-root", PASSWORD)
        assert services.audit.verify(root).ok
        officer = services.auth.login("t-hq-compliance", PASSWORD)
        assert services.investors.move(officer, "A1", "B3", "moved house").branch == "B3"
    finally:
        services.close()


@pytest.mark.parametrize("when", ["before the upgrade", "marker set again after it"])
def test_branch_codes_swapped_around_the_upgrade_are_not_sealed(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """Codes swapped in SQL before the upgrade's first open (rows unsealed, the trail records
    only which branches were added, in order), or after it with the marker inserted again:
    neither row is sealed."""
    _as_before_branch_seals(sqlite_target, clock, tmp_path, monkeypatch)
    if when == "marker set again after it":
        make_services(sqlite_target, clock).close()  # the upgrade seals the branches as they are
    shell = sqlite3.connect(sqlite_target)
    with shell:
        shell.execute("UPDATE branch SET code = 'TMP' WHERE code = 'B2'")
        shell.execute("UPDATE branch SET code = 'B2', name = '二部' WHERE code = 'B3'")
        shell.execute("UPDATE branch SET code = 'B3', name = '三部' WHERE code = 'TMP'")
        shell.execute("INSERT OR IGNORE INTO store_setting (name, value) VALUES ('seal-reports', 'pending')")
    shell.close()
    services = make_services(sqlite_target, clock)
    try:
        assert set(_upgrade_entry(services)["not_sealed"]) == {"branch:B2", "branch:B3"}
        officer = services.auth.login("t-hq-compliance", PASSWORD)
        with pytest.raises(ServiceError, match=CHANGED.format(code="B2")):
            services.investors.move(officer, "A1", "B2", "moved house")
        problem = services.audit.verify(services.auth.login("t-root", PASSWORD)).problem or ""
        assert "record was changed outside suitcheck" in problem
    finally:
        services.close()
