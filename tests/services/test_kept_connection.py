"""The connection a desk keeps between its units of work on a plain connection (SQLite):
each unit is still its own transaction on it, it holds no lock between units, a unit that
finds it in use takes one from the pool, and it is never used after the engine was
disposed, left broken, or its services closed or forgotten."""

from __future__ import annotations

import gc
import sqlite3
import threading
import warnings
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.services.errors import StoreUnavailable
from tests.conftest import FAST_HASHER, add_client, staff
from tests.fixtures import import_text_report


def _kept(services: Services) -> object:
    return services.ctx._kept._conn


def test_checks_reuse_one_connection_that_holds_no_lock_between_them(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "K1", RiskProfile.C5)
    first = services.access.check(advisor, "K1", report)
    kept = _kept(services)
    assert kept is not None
    second = services.access.check(advisor, "K1", report)
    assert _kept(services) is kept
    assert second.audit_id == first.audit_id + 1
    # Between units of work it is in no transaction: another program takes the write lock at once.
    other = sqlite3.connect(str(services.store.url.database), timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    assert services.audit.verify(compliance).ok


def test_a_disposed_engine_or_a_broken_unit_gives_a_fresh_connection(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "K2", RiskProfile.C5)
    services.access.check(advisor, "K2", report)
    kept = _kept(services)
    services.store.engine.dispose()  # a new pool: the kept connection is the old pool's
    services.access.check(advisor, "K2", report)
    assert _kept(services) is not kept
    assert _kept(services).engine.pool is services.store.engine.pool  # type: ignore[attr-defined]
    # A unit whose connection is lost mid-way: the kept one is dropped, the next is fresh.
    broken = _kept(services)

    def lose_it() -> None:
        with services.ctx.core_transaction() as conn:
            conn.connection.dbapi_connection.close()  # type: ignore[union-attr]
            conn.execute(text("SELECT 1"))

    with pytest.raises(StoreUnavailable):
        lose_it()
    assert _kept(services) is None
    assert services.access.check(advisor, "K2", report).decision.outcome.value == "allow"
    assert _kept(services) is not broken
    assert services.audit.verify(compliance).ok


def test_a_unit_inside_a_unit_and_another_thread_take_their_own(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "K3", RiskProfile.C5)
    services.access.check(advisor, "K3", report)
    with services.ctx.core_transaction() as outer:
        assert outer is _kept(services)
        results: list[object] = []
        # Another thread's check waits for this unit's write lock (SQLite's busy timeout),
        # on a connection of its own from the pool; it is let go when this unit commits.
        worker = threading.Thread(target=lambda: results.append(services.access.check(advisor, "K3", report)))
        worker.start()
        worker.join(0.3)
        assert worker.is_alive()
    worker.join(20)
    assert len(results) == 1
    assert services.audit.verify(compliance).ok


def test_closed_services_give_their_connection_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Services.close() gives the kept connection back before the engine is disposed; and
    services never closed leave nothing for the garbage collector to report as a connection
    out of its pool (the context gives it back when it goes, or at the program's exit)."""
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(tmp_path / "audit.key"))
    services = open_services(tmp_path / "s.db", hasher=FAST_HASHER, init=True)
    with services.ctx.core_transaction() as conn:
        conn.execute(text("SELECT 1"))
    pool = services.store.engine.pool
    assert pool.checkedout() == 1  # type: ignore[attr-defined]
    services.close()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    again = open_services(tmp_path / "s.db", hasher=FAST_HASHER)
    with again.ctx.core_transaction() as conn:
        conn.execute(text("SELECT 1"))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        del again, conn
        gc.collect()
    assert not [w for w in seen if "garbage collector" in str(w.message)]


def test_postgresql_keeps_none(services: Services, tmp_path: Path) -> None:
    """On PostgreSQL every unit takes its connection from the pool, which checks it is alive."""
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "K4", RiskProfile.C5)
    services.access.check(advisor, "K4", report)
    assert (_kept(services) is not None) == services.store.is_sqlite
