"""The upgrade to branches (0009): a sealed store's rows, sealed without a branch, are
put in head office and sealed again with it at the next open, and still verify; a row
changed outside suitcheck before the upgrade is never sealed over."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import insert, select, text, update

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.integrity import (
    RECORD_SEALED,
    SEAL_BRANCHES_SETTING,
    legacy_investor_message,
    legacy_staff_message,
    state_digest,
)
from suitcheck.store.models import Investor, Staff, StoreSetting
from tests.conftest import Clock, add_client, make_services, staff
from tests.fixtures import import_text_report


def _as_sealed_before_branches(services: Services) -> None:
    """Put the store in the state the 0008 code left and the 0009 migration then made:
    every row sealed (and its state recorded) with the columns sealed before branches,
    and the migration's marker that the rows await their new seal."""
    ctx = services.ctx
    with ctx.core_transaction() as conn:
        records = []
        for model, table, key, make in (
            (Investor, "investor", "account", legacy_investor_message),
            (Staff, "staff", "username", legacy_staff_message),
        ):
            for row in conn.execute(select(model.__table__)).all():
                message = make(row._mapping)
                conn.execute(update(model).where(model.id == row.id).values(integrity=ctx.sealer.row_seal(message)))
                records.append({"table": table, "key": row._mapping[key], "state": state_digest(message)})
        ctx.sealer.append(conn, at=ctx.now(), staff="system", action=RECORD_SEALED, facts={"rows": records})
        conn.execute(insert(StoreSetting).values(name=SEAL_BRANCHES_SETTING, value="pending"))


def _fill(db: str, clock: Clock, tmp_path: Path) -> int:
    services = make_services(db, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path)
        add_client(services, compliance, "U1", RiskProfile.C4)
        add_client(services, compliance, "U2", RiskProfile.C4)
        _as_sealed_before_branches(services)
        return report
    finally:
        services.close()


def test_sealed_rows_are_resealed_with_their_branch_and_verify(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    report = _fill(sqlite_target, clock, tmp_path)
    services = make_services(sqlite_target, clock)
    try:
        root = services.auth.login("t-root", "correct horse")
        assert services.audit.verify(root).ok
        advisor = services.auth.login("t-advisor", "correct horse")
        assert services.access.check(advisor, "U1", report).decision.allowed
        assert services.investors.get(advisor, "U1").branch == "HQ"
        officer = services.auth.login("t-compliance", "correct horse")
        entries = services.audit.browse(officer, limit=200)
        upgrade = [e for e in entries if e.action == RECORD_SEALED and '"upgrade":"branches"' in e.facts]
        assert len(upgrade) == 1
        keys = {r["key"] for r in json.loads(upgrade[0].facts)["rows"]}
        assert {"U1", "U2", "t-root", "t-advisor", "t-compliance"} <= keys
        with services.store.session(read_only=True) as session:
            assert session.get(StoreSetting, SEAL_BRANCHES_SETTING) is None  # done once
    finally:
        services.close()
    again = make_services(sqlite_target, clock)  # a second open re-seals nothing
    try:
        officer = again.auth.login("t-compliance", "correct horse")
        entries = again.audit.browse(officer, limit=200)
        assert len([e for e in entries if '"upgrade":"branches"' in e.facts]) == 1
    finally:
        again.close()


def test_a_row_changed_before_the_upgrade_is_not_sealed_over(sqlite_target: str, clock: Clock, tmp_path: Path) -> None:
    report = _fill(sqlite_target, clock, tmp_path)
    from suitcheck.store.engine import create_store_engine, resolve_url

    engine = create_store_engine(resolve_url(sqlite_target))
    with engine.begin() as conn:  # an insider raises a client's profile by SQL
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = 'U2'"))
    engine.dispose()
    services = make_services(sqlite_target, clock)
    try:
        root = services.auth.login("t-root", "correct horse")
        advisor = services.auth.login("t-advisor", "correct horse")
        assert services.access.check(advisor, "U1", report).decision.allowed
        assert not services.access.check(advisor, "U2", report).decision.allowed  # blocked: seal broken
        result = services.audit.verify(root)
        assert not result.ok
        assert result.problem is not None
        assert "U2" in result.problem
        officer = services.auth.login("t-compliance", "correct horse")
        upgrade = [e for e in services.audit.browse(officer, limit=200) if '"upgrade":"branches"' in e.facts]
        assert json.loads(upgrade[0].facts)["not_resealed"] == ["investor:U2"]
    finally:
        services.close()


def test_a_row_left_by_the_upgrade_is_not_sealed_by_the_marker_set_again(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """BROKE (session 27): U2 raised in SQL before the upgrade is left alone; the insider puts
    its profile back, gives it another client's ID number (which the seal from before branches
    does not cover) and inserts the marker again: the next open sealed it (check allowed it,
    verify passed). A row left once is left by every later run."""
    report = _fill(sqlite_target, clock, tmp_path)
    from suitcheck.store.engine import create_store_engine, resolve_url

    engine = create_store_engine(resolve_url(sqlite_target))
    with engine.begin() as conn:
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = 'U2'"))
    make_services(sqlite_target, clock).close()  # the upgrade: U2 is left alone
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE investor SET current_profile = 4, id_number = '110105194912310038' WHERE account = 'U2'")
        )
        conn.execute(insert(StoreSetting).values(name=SEAL_BRANCHES_SETTING, value="pending"))
    engine.dispose()
    services = make_services(sqlite_target, clock)
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        assert not services.access.check(advisor, "U2", report).decision.allowed
        assert services.access.check(advisor, "U1", report).decision.allowed
        assert not services.audit.verify(services.auth.login("t-root", "correct horse")).ok
    finally:
        services.close()
