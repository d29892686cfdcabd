"""Hostile SQL edits against the audited check's fast path: every answer (decision or
refusal, and what is recorded) equals the reference check's (the path it replaced)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from suitcheck.domain.codes import AuditAction
from suitcheck.services import Services
from suitcheck.services.errors import AuthenticationFailed, ServiceError
from suitcheck.store.models import AuditEntry, Investor
from tests.services.test_check_path import World, _answer, reference_check


def _typed(services: Services, sql: str) -> str:
    """PostgreSQL's booleans take no numbers: the same edit with `true`/`false` there."""
    if services.store.engine.dialect.name == "sqlite":
        return sql
    return re.sub(r"(disabled|firm_wide|must_change_password) = [12]\b", r"\1 = true", sql).replace(
        "'x', 'y', 0,", "'x', 'y', false,"
    )


def _raw(services: Services, sql: str, **params: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(_typed(services, sql)), params)


def _trail(services: Services) -> list[tuple[Any, ...]]:
    with services.store.engine.connect() as conn:
        rows = conn.execute(
            select(AuditEntry.action, AuditEntry.staff, AuditEntry.investor_id, AuditEntry.decision, AuditEntry.facts)
            .where(AuditEntry.action != "record-sealed")
            .order_by(AuditEntry.seq)
        ).all()
    return [tuple(r) for r in rows]


def _outcome(services: Services, run: Callable[[], Any]) -> tuple[Any, ...]:
    """(answer or error type and sentence, what the trail gained but for time/seq)."""
    before = len(_trail(services))
    try:
        got: Any = _answer(run())
    except (ServiceError, ValueError) as exc:
        got = (type(exc).__name__, str(exc))
    added = _trail(services)[before:]
    return got, added


def _both(world: World, client: str, report: str) -> None:
    services, advisor = world.services, world.advisor
    fast = _outcome(services, lambda: services.access.check(advisor, client, report))
    slow = _outcome(services, lambda: reference_check(services, advisor, client, report))
    assert fast == slow, (client, report)
    assert len(fast[1]) <= 1  # one entry per check at most (a check or a refusal)


REFS = [" P5 ", "\u3000P5\u3000", "acct: P5 ", "#0", "０", "+1", "1.0", "01", "0001", "#01", " #1", "P5\u2028", "p5"]


@pytest.mark.parametrize("client", REFS)
def test_odd_client_references(world: World, client: str) -> None:
    _both(world, client, world.pairs[0][1])


@pytest.mark.parametrize("report", [" 1", "01", "#1", "１", "+1", "1 ", "0x1", "1e0"])
def test_odd_report_references(world: World, report: str) -> None:
    _both(world, "P5", report)


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE staff SET disabled = 2 WHERE username = :u",
        "UPDATE staff SET disabled = '1' WHERE username = :u",
        "UPDATE staff SET disabled = 'no' WHERE username = :u",
        "UPDATE staff SET role = 'Advisor' WHERE username = :u",
        "UPDATE staff SET role = 'admin' WHERE username = :u",
        "UPDATE staff SET firm_wide = 1 WHERE username = :u",
        "UPDATE staff SET must_change_password = 1 WHERE username = :u",
        "UPDATE staff SET locked_until = '2999-01-01 00:00:00.000000' WHERE username = :u",
        "UPDATE staff SET password_hash = password_hash || 'x' WHERE username = :u",
        "UPDATE staff SET firm_wide = 2 WHERE username = :u",
    ],
)
def test_staff_row_edited_in_sql(world: World, edit: str) -> None:
    services = world.services
    _raw(services, edit, u=world.advisor.username)
    for client, report in world.pairs[:6]:
        _both(world, client, report)


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE report SET level = 1",
        "UPDATE report SET level = 9",
        "UPDATE report SET level = '2'",
        "UPDATE report SET level = NULL",
        "UPDATE report SET level = 0",
        "UPDATE report SET suggested_level = 5",
    ],
)
def test_report_level_edited_in_sql(world: World, edit: str) -> None:
    _raw(world.services, edit)
    for client, report in world.pairs[:12]:
        _both(world, client, report)


def test_policy_row_inserted_in_sql(world: World) -> None:
    """A newer policy version written straight into the store (strict table, short
    validity): both paths read the newest row alike."""
    services = world.services
    with services.store.engine.begin() as conn:
        row = conn.execute(text("SELECT * FROM policy ORDER BY version DESC LIMIT 1")).mappings().first()
        assert row is not None
        doc = json.loads(row["document"])
        doc.update(version=row["version"] + 1, allow_escalation=False, validity_days=365)
        cols = dict(row)
        cols.update(version=row["version"] + 1, document=json.dumps(doc))
        conn.execute(text(f"INSERT INTO policy ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"), cols)
    for client, report in world.pairs:
        _both(world, client, report)


def test_a_damaged_policy_row_refuses_alike(world: World) -> None:
    services = world.services
    _raw(services, "UPDATE policy SET document = '{' WHERE version = (SELECT max(version) FROM policy)")
    _both(world, *world.pairs[0])


def test_disabled_in_sql_is_refused_and_recorded_once(world: World) -> None:
    services = world.services
    _raw(services, "UPDATE staff SET disabled = 1 WHERE username = :u", u=world.advisor.username)
    before = len(_trail(services))
    with pytest.raises(AuthenticationFailed):
        services.access.check(world.advisor, *world.pairs[0])
    added = _trail(services)[before:]
    assert [(a, s) for a, s, *_ in added] == [(AuditAction.REFUSED.value, world.advisor.username)]
    # Written outside suitcheck, the row no longer matches its seal: that is the cause told
    # (the same refusal the login gives such a row), whatever the edit was.
    assert json.loads(added[0][4])["cause"] == "record-integrity"


def test_client_moved_branch_in_sql(world: World) -> None:
    """branch_id changed by SQL: the seal fails (or the client is out of scope) alike."""
    services = world.services
    with services.store.engine.begin() as conn:
        conn.execute(
            text(
                _typed(
                    services,
                    "INSERT INTO branch (code, name, region, head_office, created_at) "
                    "VALUES ('B9', 'x', 'y', 0, '2026-01-01 00:00:00.000000')",
                )
            )
        )
        b9 = conn.execute(text("SELECT id FROM branch WHERE code = 'B9'")).scalar_one()
        conn.execute(text("UPDATE investor SET branch_id = :b WHERE account = 'P5'"), {"b": b9})
        n = conn.execute(select(func.count()).select_from(Investor)).scalar_one()
    assert n
    for client, report in world.pairs[:4]:
        _both(world, client, report)


def test_a_staff_row_edited_in_sql_gains_no_reach(sqlite_services: Services, tmp_path: Path) -> None:
    """BROKE (in the fast path and in the reference path alike): the check re-reads the
    staff row on every call but never checks its seal, so a branch advisor whose row an
    insider rewrote to firm-wide compliance reaches another branch's client at once, in an
    open session; only the next login finds the seal broken."""
    from suitcheck.domain.levels import RiskProfile
    from suitcheck.domain.roles import Role
    from tests.conftest import PASSWORD, add_client, staff
    from tests.fixtures import import_text_report

    services = sqlite_services
    root = staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    services.branches.add(root, "B2", "二部", "上海")
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "FAR", RiskProfile.C5)
    services.investors.move(compliance, "FAR", "B2", "moved")
    advisor = staff(services, Role.ADVISOR, "t-near")
    _raw(services, "UPDATE staff SET role = 'compliance', firm_wide = 1 WHERE username = 't-near'")
    with pytest.raises(AuthenticationFailed):
        services.auth.login("t-near", PASSWORD)  # the next login sees the edit ...
    with pytest.raises(ServiceError):  # ... and so should the open session's next check
        services.access.check(advisor, "FAR", r4)


def test_a_report_level_lowered_in_sql_is_caught(sqlite_services: Services, tmp_path: Path) -> None:
    """Was broken (report rows carried no seal): an insider who lowered a report from R4
    to R1 in SQL got a C1 client an allow from `check`, and the store still verified.
    Now the report's seal fails: the check blocks (record-integrity), verify names it."""
    from suitcheck.domain.levels import RiskProfile
    from suitcheck.domain.roles import Role
    from tests.conftest import add_client, staff
    from tests.fixtures import import_text_report

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "C1", RiskProfile.C1)
    assert services.access.check(advisor, "C1", r4).to_dict()["decision"] == "block"
    _raw(services, "UPDATE report SET level = 1, suggested_level = 1 WHERE id = :r", r=r4)
    decided = services.access.check(advisor, "C1", r4).to_dict()["decision"]
    verified = services.audit.verify(compliance)
    assert decided == "block" or not verified.ok, (decided, verified.problem)


def test_a_policy_version_inserted_in_sql_is_not_used(sqlite_services: Services, tmp_path: Path) -> None:
    """Was broken (both paths read the newest row alike): a policy version inserted in
    SQL (longer validity) was used by the very next check, so an expired client was
    allowed. Now its seal (here the copied seal of the version before it) fails: the check
    refuses with one sentence naming the version, and uses no older version instead."""
    from suitcheck.domain.levels import RiskProfile
    from suitcheck.domain.policy import VALIDITY_DAYS
    from suitcheck.domain.roles import Role
    from tests.conftest import add_client, staff
    from tests.fixtures import import_text_report

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "OLD", RiskProfile.C5, days_ago=900)
    services.policy.update(compliance, warning_days=31)  # a stored version to copy
    assert services.access.check(advisor, "OLD", r3).to_dict()["decision"] == "block"
    with services.store.engine.begin() as conn:
        row = conn.execute(text("SELECT * FROM policy ORDER BY version DESC LIMIT 1")).mappings().first()
        assert row is not None
        doc = json.loads(row["document"])
        doc.update(version=row["version"] + 1, validity_days=VALIDITY_DAYS[1])
        cols = {**dict(row), "version": row["version"] + 1, "document": json.dumps(doc)}
        conn.execute(text(f"INSERT INTO policy ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"), cols)
    verified = services.audit.verify(compliance)
    assert not verified.ok
    assert "policy version" in (verified.problem or "")
    before = len(_trail(services))
    with pytest.raises(ServiceError, match=r"policy version \d+ was not written by suitcheck.*audit verify"):
        services.access.check(advisor, "OLD", r3)
    assert len(_trail(services)) == before  # nothing decided, nothing recorded
