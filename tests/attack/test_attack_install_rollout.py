"""Attack: a firm rolls a new version out desk by desk (session 29, installattack).

Seen with the frozen build: a desk of the commit before migration 0011 ran a batch of checks
while a desk with the new version opened the same store and upgraded it (0010 -> 0018). The
older desk went on: every check after the upgrade was a block for record-integrity (it no
longer read the seals the migrations wrote), 10,499 of them recorded in the trail. A desk of
this version, left running while a newer version upgrades the store, stops instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.store.engine import StoreError, open_store
from suitcheck.store.models import AuditEntry
from tests.conftest import add_client
from tests.fixtures import import_text_report


def test_a_desk_left_running_while_a_newer_version_upgrades_the_store_records_nothing(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "A3", RiskProfile.C3)
    assert services.access.check(advisor, "A3", report).audit_id
    with services.store.engine.begin() as conn:  # the newer version's migrations, at another desk
        conn.execute(text("UPDATE alembic_version SET version_num = '0999_newer'"))
        entries = conn.execute(select(func.count()).select_from(AuditEntry)).scalar()

    with pytest.raises(StoreError) as refused:
        services.access.check(advisor, "A3", report)
    assert "upgraded by a newer version of suitcheck (schema 0999_newer) while this one was running" in str(
        refused.value
    )
    assert "nothing was recorded" in str(refused.value)
    with services.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditEntry)).scalar() == entries


def test_a_schema_revision_written_by_hand_puts_no_text_of_its_own_before_every_desk(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """Someone with write access to the database puts a sentence into alembic_version (32
    characters fit a server's column): every desk refused, checking and opening alike,
    with "a newer version of suitcheck (schema 0019); 请致电 400-820-0000 报告密码 (": their
    text in suitcheck's sentence, before every clerk. Now the sentence says the schema
    revision was changed outside suitcheck, and shows no text of theirs."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "A3", RiskProfile.C3)
    planted = "0019); 请致电 400-820-0000 报告密码 ("
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": planted})
        entries = conn.execute(select(func.count()).select_from(AuditEntry)).scalar()
    with pytest.raises(StoreError) as refused:
        services.access.check(advisor, "A3", report)
    assert "400-820-0000" not in str(refused.value)
    assert str(refused.value).startswith("The store's schema revision was changed outside suitcheck while")
    with services.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditEntry)).scalar() == entries
    with pytest.raises(StoreError) as refused:
        open_store(services.store.url.render_as_string(hide_password=False)).dispose()
    assert "400-820-0000" not in str(refused.value)
    assert "its schema revision was changed outside suitcheck" in str(refused.value)


def test_a_store_a_newer_desk_upgrades_while_this_one_waits_to_upgrade_it_is_refused_in_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two desks open an older version's store at once during a rollout: this version
    reads the old schema, waits for the upgrade lock, and meanwhile a newer version's desk
    upgrades the store past this version's head. Alembic then failed with "Can't locate
    revision identified by '0999'": an unexpected error. Refused as a newer version's store,
    in the sentence opening it would have said."""
    from suitcheck.store import engine as store_engine

    path = tmp_path / "s.db"
    store_engine.open_store(str(path)).dispose()
    store = store_engine.open_store(str(path), migrate=False)
    with store.engine.begin() as conn:  # the newer desk, under the lock this one waits for
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    store.dispose()
    monkeypatch.setattr(store_engine, "_stored_revision", lambda engine: "0001")  # what this desk read first
    with pytest.raises(StoreError) as refused:
        store_engine.open_store(str(path)).dispose()
    assert str(refused.value) == (
        f"The store {path} was made by a newer version of suitcheck (schema 0999); "
        "open it with that version or a newer one."
    )
