"""A client's name and ID number are sealed with the row (integrity.INVESTOR_COLUMNS): an
ID number moved to another client in SQL no longer takes a clerk's search, and the
decision after it, to the wrong person unnoticed; a renamed client no longer prints under
another name on the sheet and the exports. And the upgrade that put them under the seal
(0016) re-seals only rows whose old seal and recorded state still hold."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text, update

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.integrity import (
    RECORD_SEALED,
    SEAL_IDENTITY_SETTING,
    branch_era_investor_message,
    state_digest,
)
from suitcheck.store.engine import create_store_engine, resolve_url
from suitcheck.store.models import AuditEntry, Investor, StoreSetting
from tests.conftest import Clock, add_client, make_services, staff
from tests.fixtures import import_text_report
from tests.services.clientfiles import HEADERS_EN, client_rows, make_id, write_csv

A_ID = make_id(900_001)
B_ID = make_id(900_002)


@pytest.fixture
def r3(services: Services, compliance: Actor, tmp_path: Path) -> int:
    return import_text_report(services, compliance, tmp_path, level="中风险")


def _sql(services: Services, statement: str) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(statement))


def test_an_id_number_moved_in_sql_blocks_the_client_it_now_finds(
    services: Services, compliance: Actor, advisor: Actor, r3: int
) -> None:
    add_client(services, compliance, "IDA", RiskProfile.C2, id_number=A_ID)
    add_client(services, compliance, "IDB", RiskProfile.C5, id_number=B_ID)
    # The insider gives B's ID number to... nobody, then to the C5 client A: a clerk who
    # types B's ID number now finds A, who may read what B may not.
    _sql(services, "UPDATE investor SET id_number = NULL WHERE account = 'IDB'")
    _sql(services, f"UPDATE investor SET id_number = '{B_ID}' WHERE account = 'IDA'")
    found = services.investors.search(compliance, B_ID, limit=5)  # a role that may search by ID number
    assert [v.account for v in found] == ["IDA"]
    assert not found[0].record_intact  # the list says the record was changed
    result = services.access.check(advisor, "IDA", r3)
    assert not result.decision.allowed
    assert [r.value for r in result.decision.reasons] == ["record-integrity"]
    assert not services.access.check(advisor, "IDB", r3).decision.allowed  # its number was taken away
    root = services.auth.login("t-root", "correct horse")
    verdict = services.audit.verify(root)
    assert not verdict.ok
    assert "IDA" in str(verdict.problem) or "IDB" in str(verdict.problem)  # the first of the two it reads


def test_a_name_changed_in_sql_blocks_and_is_named(
    services: Services, compliance: Actor, advisor: Actor, r3: int
) -> None:
    add_client(services, compliance, "NAMED", RiskProfile.C5, name="王芳")
    assert services.access.check(advisor, "NAMED", r3).decision.allowed
    _sql(services, "UPDATE investor SET name = '李娜' WHERE account = 'NAMED'")
    assert not services.access.check(advisor, "NAMED", r3).decision.allowed
    with services.store.engine.begin() as conn:  # put back as it was: the seal holds again
        conn.execute(update(Investor).where(Investor.account == "NAMED").values(name="王芳"))
    assert services.access.check(advisor, "NAMED", r3).decision.allowed


def test_the_services_own_changes_keep_the_seal(
    services: Services, compliance: Actor, advisor: Actor, r3: int, tmp_path: Path
) -> None:
    """A client file that renames a client and gives another its ID number re-seals both,
    and seals the new client it adds with its name and ID number."""
    first = client_rows(2)
    first[1][2] = ""  # A000001 comes without an ID number
    services.client_files.import_clients(compliance, write_csv(tmp_path / "one.csv", first, HEADERS_EN))
    second = client_rows(3)
    second[0][1] = "新名"
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "two.csv", second, HEADERS_EN))
    assert (result.new, result.changed, result.invalid) == (1, 2, 0), result
    for account in ("A000000", "A000001", "A000002"):
        assert services.access.check(advisor, account, r3).decision.allowed, account
    assert services.investors.get(compliance, "A000000").name == "新名"
    assert [v.account for v in services.investors.search(compliance, make_id(1), limit=5)] == ["A000001"]
    root = services.auth.login("t-root", "correct horse")
    assert services.audit.verify(root).ok


# -- the upgrade (0016) ------------------------------------------------------------------


def _as_sealed_before_identity(services: Services) -> None:
    """Put the store in the state the 0015 code left and the 0016 migration then made:
    every client sealed (and its state recorded) without its name and ID number, and the
    migration's marker that the rows await their new seal."""
    ctx = services.ctx
    with ctx.core_transaction() as conn:
        records = []
        for row in conn.execute(select(Investor.__table__)).all():
            message = branch_era_investor_message(row._mapping)
            conn.execute(update(Investor).where(Investor.id == row.id).values(integrity=ctx.sealer.row_seal(message)))
            records.append({"table": "investor", "key": row.account, "state": state_digest(message)})
        ctx.sealer.append(conn, at=ctx.now(), staff="system", action=RECORD_SEALED, facts={"rows": records})
        conn.execute(insert(StoreSetting).values(name=SEAL_IDENTITY_SETTING, value="pending"))


def _fill(db: str, clock: Clock, tmp_path: Path) -> int:
    services = make_services(db, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中风险")
        for account, number in (("U1", A_ID), ("U2", B_ID), ("U3", None)):
            add_client(services, compliance, account, RiskProfile.C4, id_number=number)
        _as_sealed_before_identity(services)
        return report
    finally:
        services.close()


@contextlib.contextmanager
def _raw(db: str) -> Iterator[Engine]:
    """The store as an insider's SQL client reaches it (opening services would upgrade it)."""
    engine = create_store_engine(resolve_url(db))
    try:
        yield engine
    finally:
        engine.dispose()


def _upgrade_entries(services: Services) -> list[dict[str, Any]]:
    with services.store.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED)).scalars().all()
    return [f for f in map(json.loads, rows) if f.get("upgrade") == "identity"]


def test_rows_are_resealed_with_their_identity_once_and_verify(store_target: str, clock: Clock, tmp_path: Path) -> None:
    """On both backends (the seals are written with the driver's own parameter marks)."""
    report = _fill(store_target, clock, tmp_path)
    services = make_services(store_target, clock)
    try:
        root = services.auth.login("t-root", "correct horse")
        assert services.audit.verify(root).ok
        advisor = services.auth.login("t-advisor", "correct horse")
        for account in ("U1", "U2", "U3"):
            assert services.access.check(advisor, account, report).decision.allowed
        (entry,) = _upgrade_entries(services)
        assert {r["key"] for r in entry["rows"]} == {"U1", "U2", "U3"}
        assert "not_resealed" not in entry
        with services.store.session(read_only=True) as session:
            assert session.get(StoreSetting, SEAL_IDENTITY_SETTING) is None  # done once
        # Now sealed with the ID number: moving it is caught.
        _sql(services, "UPDATE investor SET id_number = NULL WHERE account = 'U1'")
        assert not services.access.check(advisor, "U1", report).decision.allowed
    finally:
        services.close()
    again = make_services(store_target, clock)  # a second open re-seals nothing
    try:
        assert len(_upgrade_entries(again)) == 1
    finally:
        again.close()


def test_a_row_changed_before_the_upgrade_is_not_sealed_over(sqlite_target: str, clock: Clock, tmp_path: Path) -> None:
    report = _fill(sqlite_target, clock, tmp_path)
    with _raw(sqlite_target) as engine, engine.begin() as conn:  # an insider raises a profile
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = 'U2'"))
    services = make_services(sqlite_target, clock)
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        assert services.access.check(advisor, "U1", report).decision.allowed
        assert not services.access.check(advisor, "U2", report).decision.allowed
        refusals = [e for e in _upgrade_entries(services) if "not_resealed" in e]
        assert [e["not_resealed"] for e in refusals] == [["U2"]]
        root = services.auth.login("t-root", "correct horse")
        verdict = services.audit.verify(root)
        assert not verdict.ok
        assert "U2" in str(verdict.problem)
    finally:
        services.close()


def test_an_old_seal_put_back_with_the_marker_is_not_sealed_over(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """After the upgrade, an insider puts back a client's seal from before it (a backup),
    moves its ID number, and inserts the upgrade's marker again: the old seal still holds
    for the old message, but the trail's last state for the row is the new one."""
    report = _fill(sqlite_target, clock, tmp_path)
    with _raw(sqlite_target) as engine, engine.connect() as conn:
        old_seal = conn.execute(select(Investor.integrity).where(Investor.account == "U3")).scalar_one()
    services = make_services(sqlite_target, clock)  # the upgrade
    services.close()
    with _raw(sqlite_target) as engine, engine.begin() as conn:
        conn.execute(
            update(Investor).where(Investor.account == "U3").values(integrity=old_seal, id_number=make_id(900_003))
        )
        conn.execute(insert(StoreSetting).values(name=SEAL_IDENTITY_SETTING, value="pending"))
    services = make_services(sqlite_target, clock)
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        assert not services.access.check(advisor, "U3", report).decision.allowed
        assert services.access.check(advisor, "U1", report).decision.allowed
        assert [e.get("not_resealed") for e in _upgrade_entries(services) if "not_resealed" in e] == [["U3"]]
    finally:
        services.close()


def test_a_trail_that_does_not_verify_reseals_nothing(sqlite_target: str, clock: Clock, tmp_path: Path) -> None:
    """What the trail records is believed only where it verifies: an entry edited in SQL
    before the upgrade leaves every client as it was (blocked), each named."""
    report = _fill(sqlite_target, clock, tmp_path)
    with _raw(sqlite_target) as engine, engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")  # the insider's first step
        first = conn.execute(select(AuditEntry.seq).order_by(AuditEntry.seq).limit(1)).scalar_one()
        conn.execute(update(AuditEntry).where(AuditEntry.seq == first).values(staff="someone-else"))
    services = make_services(sqlite_target, clock)
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        assert not services.access.check(advisor, "U1", report).decision.allowed
        refusals = [e["not_resealed"] for e in _upgrade_entries(services) if "not_resealed" in e]
        assert refusals == [["U1", "U2", "U3"]]
    finally:
        services.close()


def test_a_row_left_by_the_upgrade_is_not_sealed_by_the_marker_set_again(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """BROKE (session 27): a row the upgrade left alone (changed in SQL before it) keeps as its
    last recorded state the one from before the upgrade, which its old seal matches again
    once the change is undone. An insider put the profile back, gave the client a new name
    and ID number (which that seal does not cover) and inserted the marker again: the next
    open sealed the row with them, check allowed it and `audit verify` passed."""
    report = _fill(sqlite_target, clock, tmp_path)
    with _raw(sqlite_target) as engine, engine.begin() as conn:  # an insider raises a profile
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = 'U2'"))
    make_services(sqlite_target, clock).close()  # the upgrade: U2 is left alone
    with _raw(sqlite_target) as engine, engine.begin() as conn:
        conn.execute(
            update(Investor)
            .where(Investor.account == "U2")
            .values(current_profile=4, id_number=make_id(900_009), name="冒名")
        )
        conn.execute(insert(StoreSetting).values(name=SEAL_IDENTITY_SETTING, value="pending"))
    services = make_services(sqlite_target, clock)
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        assert not services.access.check(advisor, "U2", report).decision.allowed
        assert services.access.check(advisor, "U1", report).decision.allowed
        assert [e["not_resealed"] for e in _upgrade_entries(services) if "not_resealed" in e] == [["U2"], ["U2"]]
        root = services.auth.login("t-root", "correct horse")
        assert not services.audit.verify(root).ok
    finally:
        services.close()
