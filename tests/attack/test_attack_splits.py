"""Attacks on the two-process exports and lists, and the record_intact marks (attack6)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from suitcheck.cli import _report_line
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import staff
from tests.fixtures import import_text_report


def shell(services: Services, sql: str) -> None:
    with closing(sqlite3.connect(str(services.store.engine.url.database))) as con:
        con.execute(sql)
        con.commit()


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE report SET title = X'FF00' WHERE id = {r}",  # bytes, not UTF-8
        "UPDATE report SET title = CAST('标题' AS BLOB) WHERE id = {r}",  # UTF-8 bytes
        "UPDATE report SET publisher = X'FF', source_name = X'FE', source_kind = X'41' WHERE id = {r}",
        "UPDATE report SET rating_value = X'FF', rating_scope = X'FE' WHERE id = {r}",
        "UPDATE analyst SET name = X'FF' WHERE report_id = {r}",
    ],
)
def test_a_report_text_column_held_as_bytes_lists_as_text(sqlite_services: Services, tmp_path: Path, edit: str) -> None:
    """Was BROKE: one report row whose title (or publisher, source, rating, analyst) a
    sqlite3 shell set to bytes made `report list --json` and `report show --json` end in
    'unexpected error (TypeError)' (bytes are not JSON), so the desk lost the whole report
    list, and the GUI showed b'...'. These columns are not sealed: shown as their text,
    bytes that are not UTF-8 replaced, on the list and the report's page alike."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    other = import_text_report(services, compliance, tmp_path, level="低风险", title="宏观经济周报第九期")
    shell(services, edit.format(r=r3))
    listed = [v.to_dict() for v in services.reports.search(compliance)]
    shown = services.reports.get(compliance, r3).to_dict()
    json.dumps(listed)
    json.dumps(shown)
    assert {d["id"] for d in listed} == {r3, other}
    (mine,) = [d for d in listed if d["id"] == r3]
    assert mine == shown  # the list and the report's page give one view
    assert isinstance(mine["title"], str)
    assert all(isinstance(name, str) for name, _ in services.reports.get(compliance, r3).analysts)
    assert "b'" not in _report_line(mine)
