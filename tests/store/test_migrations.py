"""Alembic migrations: an old store upgrades in place; the models match the head schema."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel
from suitcheck.services import open_services
from suitcheck.store.engine import (
    create_store_engine,
    current_revision,
    head_revision,
    resolve_url,
    script_head,
    upgrade,
)
from suitcheck.store.models import Base
from tests.conftest import FAST_HASHER, Clock

ASSESSMENTS = [(2, "2025-01-10"), (4, "2026-03-01"), (3, "2025-06-01")]


def test_old_store_from_first_migration_upgrades_with_data_intact(tmp_path: Path, clock: Clock) -> None:
    """A store created by 0001 and filled the way that version wrote it reaches head:
    clients keep their assessments (now also on the investor row), staff still log in,
    and the audit chain written before the upgrade still verifies after it."""
    db = tmp_path / "old.db"
    engine = create_store_engine(resolve_url(str(db)))
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()

    # Fill it through the services' own code paths where 0001 had the tables.
    from argon2 import PasswordHasher

    hashed = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("old password")
    engine = create_store_engine(resolve_url(str(db)))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (id, username, display_name, role, password_hash, disabled, "
                "failed_logins, created_at) VALUES (1, 'old-admin', 'Old', 'compliance', :h, 0, 0, "
                "'2024-01-01 00:00:00')"
            ),
            {"h": hashed},
        )
        conn.execute(
            text(
                "INSERT INTO investor (id, account, name, investor_class, lowest_category, "
                "special_attention, created_at) VALUES (1, 'A1', '老客户', 'ordinary', 0, 0, "
                "'2024-01-01 00:00:00')"
            )
        )
        for profile, day in ASSESSMENTS:
            conn.execute(
                text(
                    "INSERT INTO assessment (investor_id, profile, assessed_on, lowest_category, "
                    "recorded_by, recorded_at) VALUES (1, :p, :d, 0, 1, '2024-01-01 00:00:00')"
                ),
                {"p": profile, "d": day},
            )
        conn.execute(
            text(
                "INSERT INTO report (id, title, content_hash, source_name, source_kind, size, level, "
                "imported_at) VALUES (1, '旧报告', 'abc', 'old.txt', 'txt', 3, 4, '2024-01-01 00:00:00')"
            )
        )
    engine.dispose()
    write_legacy_chain(db, clock, ASSESSMENTS)
    services = open_services(str(db), clock=clock, hasher=FAST_HASHER, init=True)
    try:
        assert current_revision(services.store.engine) == head_revision()
        actor = services.auth.login("old-admin", "old password")
        client = services.investors.get(actor, "A1")
        assert client.profile is not None
        assert client.profile.code == "C4"  # the newest by date
        assert client.assessed_on == dt.date(2026, 3, 1)
        assert [h.profile.code for h in services.investors.history(actor, "A1")] == ["C2", "C4", "C3"]
        assert services.reports.get(actor, 1).level is RiskLevel.R4
        result = services.audit.verify(actor)
        assert result.ok, result.problem
        assert result.count > 3, result.problem
        entries = sorted(services.audit.browse(actor, limit=50), key=lambda e: e.seq)
        # The old entries first, then the upgrade's registration that seals them, stated.
        assert [e.staff for e in entries[:3]] == ["old-admin"] * 3
        assert entries[3].action == "installation-registered"
        facts = json.loads(entries[3].facts)
        assert facts["event"] == "upgraded"
        assert facts["legacy_entries"] == 3
        assert any(e.action == "record-sealed" and '"upgrade":true' in e.facts for e in entries)
        # Its level was read by a build before readers were versioned, and 0001 kept no file
        # to read it again: no level until compliance rates it (fail closed), said so.
        blocked = services.access.check(actor, "A1", 1)
        assert blocked.decision.reasons == (Reason.REPORT_UNRATED,)
        (checked,) = [e for e in services.audit.browse(actor, limit=80) if e.seq == blocked.audit_id]
        assert json.loads(checked.facts)["level_not_read_again"] is True
        services.reports.set_level(actor, 1, RiskLevel.R4)
        assert services.access.check(actor, "A1", 1).decision.allowed
    finally:
        services.close()


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    engine = create_store_engine(resolve_url(str(tmp_path / "s.db")))
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_object": lambda obj, name, type_, *_: (
                    not (type_ == "table" and str(name).startswith("report_search"))
                ),
                "compare_type": True,
            },
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def write_legacy_chain(db: Path, clock: Clock, assessments: list[tuple[int, str]]) -> None:
    """Entries the way the pre-sealing version wrote them: hash-chained, no MAC, no mark;
    one `assessment` entry for each of client 1's assessments (profile, date), with the
    facts that version recorded (every version has: `audit verify` pairs them off)."""
    from suitcheck.audit.chain import GENESIS_HASH, canonical_entry, entry_hash, utc_stamp

    conn = sqlite3.connect(db, isolation_level=None)
    prev = GENESIS_HASH
    for n, (profile, day) in enumerate(assessments, start=1):
        recorded = {"assessed": day, "lowest_category": False, "profile": f"C{profile}"}
        stamp, facts = utc_stamp(clock()), json.dumps(recorded, separators=(",", ":"))
        args = (n, stamp, "old-admin", "assessment", 1, None, None, "[]", facts, prev)
        digest = entry_hash(canonical_entry(*args))
        conn.execute(
            "INSERT INTO audit_entry (seq, at, staff, action, investor_id, report_id, decision, reasons, facts, "
            "prev_hash, entry_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (*args, digest),
        )
        prev = digest
    conn.close()


def test_opening_twice_does_not_migrate_again(tmp_path: Path, clock: Clock) -> None:
    db = str(tmp_path / "s.db")
    open_services(db, clock=clock, init=True).close()
    services = open_services(db, clock=clock)
    assert current_revision(services.store.engine) == head_revision()
    services.close()


def test_the_quick_head_lookup_agrees_with_alembic() -> None:
    """open_store compares the stored revision with script_head() so that an up-to-date
    store opens without importing Alembic; it must name the same head Alembic does."""
    assert script_head() == head_revision()
