"""The distribution list as its two paths give it, and a hostile write into the store: shared
by the list-seal tests and the attack tests on the list."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import text

from suitcheck.services import Actor, Services
from suitcheck.services.access import LIST_COLUMNS


def written_list(services: Services, actor: Actor, report: int, out: Path) -> list[list[str]]:
    """The written list (write_eligible, seals checked in bulk), its rows without the header."""
    services.access.write_eligible(actor, report, out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def reference(services: Services, actor: Actor, report: int) -> list[list[str]]:
    """`eligible` (what `eligible --json` prints), as the list's cells."""
    rows = []
    for view in services.access.eligible(actor, report):
        d = view.to_dict()
        rows.append(["" if d[c] is None else str(d[c]) for c in LIST_COLUMNS])
    return rows


def raw(services: Services, sql: str, **params: object) -> None:
    """A write straight into the store, as a hostile edit of the database would make it."""
    with services.store.engine.begin() as conn:
        conn.execute(text(sql), params)
