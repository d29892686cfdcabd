"""PostgreSQL enforces branches too (#14, migration 0010): a SQL client connected with a
branch's role reads that branch's clients only, whatever it sets; a least-privilege
application role runs suitcheck without DDL and cannot rewrite the audit trail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import open_services
from tests.conftest import FAST_HASHER, PASSWORD, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report
from tests.services.clientfiles import HEADERS_ZH, write_csv

pytestmark = pytest.mark.postgres


class Roles:
    """Cluster-wide roles made for one test and dropped after it."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin
        self.made: list[str] = []

    def make(self, name: str, *, login: bool) -> str:
        with self.admin.begin() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
            if exists is None:
                conn.execute(text(f'CREATE ROLE "{name}" {"LOGIN" if login else "NOLOGIN"}'))
                self.made.append(name)
        return name

    def run(self, *statements: str) -> None:
        with self.admin.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))

    def drop(self) -> None:
        with self.admin.begin() as conn:
            for name in reversed(self.made):
                conn.execute(text(f'DROP OWNED BY "{name}"'))
                conn.execute(text(f'DROP ROLE "{name}"'))


@pytest.fixture
def world(pg_target: str, clock: Clock, tmp_path: Path) -> Iterator[tuple[str, Roles, dict[str, int], int]]:
    services = make_services(pg_target, clock)
    root = staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    staff(services, Role.ADVISOR)
    services.branches.add(root, "B2", "二部")
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "A1", RiskProfile.C4)
    add_client(services, compliance, "B1", RiskProfile.C4, branch="B2")
    branch_ids = {b.code: b.id for b in services.branches.list_branches(root)}
    services.close()
    admin = create_engine(make_url(pg_target))
    roles = Roles(admin)
    try:
        yield pg_target, roles, branch_ids, report
    finally:
        roles.drop()
        admin.dispose()


def _as(target: str, role: str) -> Engine:
    return create_engine(make_url(target).set(username=role, password=None))


def _accounts(engine: Engine, setting: str | None = None) -> set[str]:
    with engine.begin() as conn:
        if setting is not None:
            conn.execute(text("SELECT set_config('app.branch', :v, true)"), {"v": setting})
        return {row[0] for row in conn.execute(text("SELECT account FROM investor"))}


def test_a_branch_role_reads_only_its_branch(world: tuple[str, Roles, dict[str, int], int]) -> None:
    target, roles, branch_ids, _ = world
    pid = os.getpid()
    group = roles.make(f"suitcheck_branch_{branch_ids['B2']}", login=False)
    reader = roles.make(f"sc_reader_{pid}", login=True)
    nobody = roles.make(f"sc_nobody_{pid}", login=True)
    database = make_url(target).database
    for who in (reader, nobody):
        roles.run(
            f'GRANT CONNECT ON DATABASE "{database}" TO "{who}"',
            f'GRANT USAGE ON SCHEMA public TO "{who}"',
            f'GRANT SELECT ON investor, assessment, branch TO "{who}"',
        )
    roles.run(f'GRANT "{group}" TO "{reader}"')
    as_reader, as_nobody = _as(target, reader), _as(target, nobody)
    try:
        assert _accounts(as_reader) == {"B1"}
        assert _accounts(as_reader, "*") == {"B1"}
        assert _accounts(as_reader, str(branch_ids["HQ"])) == set()  # the setting never widens
        assert _accounts(as_reader, str(branch_ids["B2"])) == {"B1"}
        with as_reader.begin() as conn:  # assessments follow their client
            investors = {r[0] for r in conn.execute(text("SELECT DISTINCT investor_id FROM assessment"))}
            (b1,) = conn.execute(text("SELECT id FROM investor WHERE account = 'B1'")).one()
        assert investors == {b1}
        assert _accounts(as_nobody) == set()  # no branch role: no client
    finally:
        as_reader.dispose()
        as_nobody.dispose()


def test_a_least_privilege_app_role_runs_suitcheck(
    world: tuple[str, Roles, dict[str, int], int], clock: Clock, tmp_path: Path
) -> None:
    """The desktops' role: every branch (the service layer scopes each staff member), no
    DDL, the audit tables append-only by GRANTs; migrations stay with the owner."""
    target, roles, branch_ids, report = world
    everyone = roles.make("suitcheck_all_branches", login=False)
    app = roles.make(f"sc_app_{os.getpid()}", login=True)
    database = make_url(target).database
    roles.run(
        f'GRANT CONNECT ON DATABASE "{database}" TO "{app}"',
        f'GRANT USAGE ON SCHEMA public TO "{app}"',
        f'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO "{app}"',
        f'REVOKE UPDATE ON audit_entry, audit_checkpoint, alembic_version FROM "{app}"',
        f'REVOKE INSERT ON alembic_version FROM "{app}"',
        f'GRANT DELETE ON store_setting TO "{app}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
        f'GRANT "{everyone}" TO "{app}"',
    )
    app_url = make_url(target).set(username=app, password=None).render_as_string(hide_password=False)
    services = open_services(app_url, clock=clock, hasher=FAST_HASHER, join=True)
    try:
        advisor = services.auth.login("t-advisor", PASSWORD)
        assert services.access.check(advisor, "A1", report).decision.allowed
        with pytest.raises(Exception, match="No client"):
            services.investors.get(advisor, "B1")  # the service layer still scopes the staff member
        # A client import that writes holds the clients while it writes (LOCK TABLE, which
        # the role's UPDATE grant allows).
        officer = services.auth.login("t-compliance", PASSWORD)
        row = ["A9", "新客户", "", "普通投资者", "稳健型", "2026-03-02", "否", "否"]
        assert services.client_files.import_clients(officer, write_csv(tmp_path / "c.csv", [row], HEADERS_ZH)).written
        root = services.auth.login("t-root", PASSWORD)
        assert services.audit.verify(root).ok
    finally:
        services.close()
    as_app = _as(target, app)
    try:
        assert _accounts(as_app) == {"A1", "A9", "B1"}
        assert _accounts(as_app, str(branch_ids["B2"])) == {"B1"}  # a session may narrow itself
        for statement in (
            "CREATE TABLE sneaky (i integer)",
            "ALTER TABLE investor DISABLE ROW LEVEL SECURITY",
            "UPDATE audit_entry SET decision = 'allow'",
            "DELETE FROM audit_entry",
            "DROP POLICY investor_by_branch ON investor",
        ):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"), as_app.begin() as conn:
                conn.execute(text(statement))
    finally:
        as_app.dispose()


def test_a_branch_role_cannot_widen_its_reach_by_shadowing_names(world: tuple[str, Roles, dict[str, int], int]) -> None:
    """Session 26: the branch policy's function was plain SQL naming `pg_roles`, `=` and
    NULLIF unqualified, and PostgreSQL parses such a body with the caller's search_path. A
    branch's SQL role made a temporary table `pg_roles` (every role may) naming
    'suitcheck_all_branches' with the id of its own role, and read every branch's clients;
    one that may create in a schema (every role in `public` before PostgreSQL 15: here a
    schema of its own) did it with its own `=`. Migration 0015 names them in pg_catalog."""
    target, roles, branch_ids, _ = world
    pid = os.getpid()
    group = roles.make(f"suitcheck_branch_{branch_ids['B2']}", login=False)
    reader = roles.make(f"sc_reader_{pid}", login=True)
    database = make_url(target).database
    roles.run(
        f'GRANT CONNECT ON DATABASE "{database}" TO "{reader}"',
        f'GRANT USAGE ON SCHEMA public TO "{reader}"',
        f'GRANT SELECT ON investor, assessment, branch TO "{reader}"',
        f'GRANT "{group}" TO "{reader}"',
        f'CREATE SCHEMA "{reader}" AUTHORIZATION "{reader}"',
    )
    mine = f'"{reader}"'
    shadows = {
        "a temporary pg_roles": [
            "CREATE TEMP TABLE pg_roles AS SELECT 'suitcheck_all_branches'::name AS rolname, oid "
            "FROM pg_catalog.pg_roles WHERE rolname = current_user",
        ],
        "its own = first on the path": [
            *(
                statement
                for t in ("name", "text")
                for statement in (
                    f"CREATE FUNCTION {mine}.yes(a {t}, b {t}) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                    f"CREATE OPERATOR {mine}.= (LEFTARG = {t}, RIGHTARG = {t}, FUNCTION = {mine}.yes)",
                )
            ),
            f"SET LOCAL search_path = {mine}, pg_catalog, public",
        ],
    }
    as_reader = _as(target, reader)
    try:
        read: dict[str, set[str]] = {}
        for shadow, statements in shadows.items():
            with as_reader.connect() as conn, conn.begin() as transaction:
                for statement in statements:
                    conn.execute(text(statement))
                read[shadow] = {row[0] for row in conn.execute(text("SELECT account FROM public.investor"))}
                transaction.rollback()  # nothing the role made stays for the next try
        assert read == {shadow: {"B1"} for shadow in shadows}
    finally:
        as_reader.dispose()
