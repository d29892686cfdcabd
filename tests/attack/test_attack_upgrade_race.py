"""Two desks of a shared PostgreSQL store open it at the same moment after the firm installs a
new version (session 27): both upgrade its schema. Each ran the migrations in a transaction
of its own, so the second found the first one's markers (`seal-identity`, 0016) or schema
version half-written: it failed with the server's duplicate-key text, or with "unexpected
error (CommandError)" and a traceback in the log. Nothing was lost (its transaction rolled
back; opening again worked), but a clerk was told neither what happened nor what to do.
The upgrade now takes a lock of its own first: the second desk waits for the first, then
finds the store up to date and opens it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from subprocess import PIPE
from typing import Any

import pytest
from sqlalchemy import create_engine, event, make_url, select, text
from sqlalchemy.engine import Engine

import suitcheck
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services.integrity import SEAL_IDENTITY_SETTING
from suitcheck.store.engine import head_revision, open_store
from suitcheck.store.models import StoreSetting
from tests.conftest import Clock, add_client, make_services, staff

pytestmark = pytest.mark.postgres

_HANG = 60.0  # a guard against a test hanging for ever, never a measure of speed
_OPEN = """
import sys
from suitcheck.store.engine import open_store
try:
    open_store(sys.argv[1]).dispose()
except Exception as exc:
    print(type(exc).__name__, exc)
else:
    print("opened")
"""
_WAITING = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
_ENV = {**os.environ, "PYTHONPATH": str(Path(suitcheck.__file__).resolve().parents[1])}


def test_two_desks_upgrading_a_shared_store_at_once_both_open_it(pg_target: str, clock: Clock) -> None:
    services = make_services(pg_target, clock)
    try:
        add_client(services, staff(services, Role.COMPLIANCE), "RACE", RiskProfile.C3)
    finally:
        services.close()
    raw = create_engine(make_url(pg_target))
    with raw.begin() as conn:  # as the 0015 code left it: 0016 and 0017 still to run
        conn.execute(text("UPDATE alembic_version SET version_num = '0015'"))

    # The second desk (another process, as desks are) opens the store while the first one's
    # upgrade is under way: after 0016 wrote its marker, uncommitted.
    second: list[subprocess.Popen[str]] = []

    def other_desk_meanwhile(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if second or not statement.startswith("UPDATE alembic_version"):
            return
        second.append(subprocess.Popen([sys.executable, "-c", _OPEN, pg_target], env=_ENV, stdout=PIPE, text=True))
        # It upgrades too, and waits for a lock this desk holds (or has already failed).
        with raw.connect() as watch:
            while second[0].poll() is None and not watch.execute(_WAITING).scalar_one():
                watch.rollback()  # each look a snapshot of its own

    event.listen(Engine, "before_cursor_execute", other_desk_meanwhile)
    try:
        open_store(pg_target).dispose()
    finally:
        event.remove(Engine, "before_cursor_execute", other_desk_meanwhile)
    out, _ = second[0].communicate(timeout=_HANG)
    assert out.strip() == "opened", out
    with raw.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
        markers = conn.execute(select(StoreSetting.name).where(StoreSetting.name == SEAL_IDENTITY_SETTING)).all()
        assert len(markers) == 1
    raw.dispose()
    services = make_services(pg_target, clock)  # the next open re-seals, once
    try:
        advisor = staff(services, Role.ADVISOR)
        assert services.investors.get(advisor, "RACE").record_intact
    finally:
        services.close()
