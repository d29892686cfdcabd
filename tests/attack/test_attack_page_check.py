"""The page check (PRAGMA quick_check in a read transaction, run on its own thread by the
GUI) on copies of a store with damaged pages: it reports the damage in a sentence and
the result is recorded when the store still takes a record, also while a writer holds
the store and when run from another thread."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.domain.codes import AuditAction
from suitcheck.services import Services, open_services
from suitcheck.services.store_check import StoreCheck
from suitcheck.store.engine import StoreError
from tests.conftest import FAST_HASHER

PAGE = 4096


def _filled(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    services = open_services(db, hasher=FAST_HASHER, init=True)
    services.auth.create_first_admin("admin", "first-pass")
    with services.store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE filler (x TEXT)"))
        conn.execute(text("CREATE INDEX ix_filler ON filler (x)"))
        conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                "INSERT INTO filler SELECT hex(randomblob(100)) FROM n"
            )
        )
    services.close()
    return db


def _damage(db: Path, how: str) -> None:
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    if how == "random-page-near-end":
        data[-2 * PAGE : -2 * PAGE + 512] = os.urandom(512)
    elif how == "zeroed-page":
        start = (pages - 3) * PAGE
        data[start : start + PAGE] = bytes(PAGE)
    elif how == "page-type-byte":
        start = (pages - 5) * PAGE
        data[start] = 0x01  # not a b-tree page type
    elif how == "cell-pointer":
        start = (pages - 4) * PAGE
        data[start + 8 : start + 10] = b"\xff\xff"  # first cell pointer past the page
    elif how == "truncated":
        del data[(pages - 6) * PAGE :]
    db.write_bytes(bytes(data))


def _recorded(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT facts FROM audit_entry WHERE action = ? ORDER BY seq", (AuditAction.STORE_CHECKED.value,)
            )
        ]
    finally:
        conn.close()


def _check_on_a_thread(services: Services) -> StoreCheck:
    found: list[StoreCheck] = []
    worker = threading.Thread(target=lambda: found.append(services.store_check.check()), daemon=True)
    worker.start()
    worker.join(60)
    assert found, "the page check did not finish"
    return found[0]


@pytest.mark.parametrize("how", ["random-page-near-end", "zeroed-page", "page-type-byte", "cell-pointer", "truncated"])
def test_a_damaged_copy_is_reported_and_recorded(tmp_path: Path, how: str) -> None:
    original = _filled(tmp_path)
    copy = tmp_path / "copy.db"
    shutil.copyfile(original, copy)
    _damage(copy, how)
    if how == "truncated":  # a file cut short is refused at open, in a sentence
        with pytest.raises(StoreError, match="damaged"):
            open_services(copy, hasher=FAST_HASHER)
        return
    services = open_services(copy, hasher=FAST_HASHER)
    try:
        result = _check_on_a_thread(services)
    finally:
        services.close()
    assert not result.ok, how
    assert result.problem
    assert "damaged" in result.problem, result.problem
    recorded = _recorded(copy)
    assert recorded, "the failed check was not recorded"
    assert '"ok":false' in recorded[-1]


def test_the_check_sees_a_sound_copy_as_sound_while_a_writer_holds_it(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    services = open_services(db, hasher=FAST_HASHER)
    other = open_services(db, hasher=FAST_HASHER)
    try:
        with other.store.engine.begin() as conn:  # a writer mid-transaction on another connection
            conn.execute(text("INSERT INTO filler VALUES ('x')"))
            result = _check_on_a_thread(services)
        assert result.ok, result.problem
    finally:
        other.close()
        services.close()
    # Noted: the result is recorded only if the store takes the record before its busy
    # timeout; with the writer holding the lock throughout, it is logged, not recorded.


def test_the_damage_is_told_in_one_line(tmp_path: Path) -> None:
    """BROKE (minor, also before this round): quick_check's first complaint for a damaged
    b-tree page is two lines ('*** in database main ***' then 'On tree page N cell 0:
    ...'); integrity_problem passes rows[0] on whole, so the sentence shown (and the
    `problem` recorded in the trail) holds a line break and a banner instead of the
    complaint. A fix: drop the '*** in database main ***' line / join the lines."""
    original = _filled(tmp_path)
    copy = tmp_path / "copy.db"
    shutil.copyfile(original, copy)
    _damage(copy, "cell-pointer")
    services = open_services(copy, hasher=FAST_HASHER)
    try:
        result = _check_on_a_thread(services)
    finally:
        services.close()
    assert not result.ok
    assert result.problem
    assert "\n" not in result.problem, result.problem
    assert "***" not in result.problem, result.problem
