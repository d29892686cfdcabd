"""A client file whose bad cell is huge (a 200 MB name in an XLSX cell, a CSV field at the
csv module's 128 KiB limit), as a broken export or a hostile file makes it.

Was BROKE: the invalid row's issue carried the whole cell (an ID number masked, but
whole): `investor import --dry-run` of an XLSX with a 70-million-character name printed
220 MB to the terminal (the JSON output and the import dialog's problem table held it too).
Now an issue shows at most the first 200 characters of a value, followed by "…"; the file
itself still holds the whole value."""

from __future__ import annotations

from pathlib import Path

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import staff
from tests.services.clientfiles import client_rows, write_csv


def test_an_invalid_huge_value_is_shown_cut(sqlite_services: Services, tmp_path: Path) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    rows = client_rows(3)
    rows[0][4] = "C" + "7" * 100_000  # an unknown profile
    rows[1][1] = "客" * 100_000  # a name over the 128-character limit
    rows[2][2] = "1101" * 25_000  # an ID number, shown masked
    result = sqlite_services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), dry_run=True)
    assert [(i.row, i.code) for i in result.issues] == [(2, "unknown-profile"), (3, "too-long"), (4, "invalid-id")]
    profile, name, number = (i.value for i in result.issues)
    assert profile == "C" + "7" * 199 + "…"
    assert name == "客" * 200 + "…"
    assert number == "110111" + "*" * 194 + "…"
    short = client_rows(1)
    short[0][4] = "C" + "7" * 199  # 200 characters: shown whole
    result = sqlite_services.client_files.import_clients(compliance, write_csv(tmp_path / "d.csv", short), dry_run=True)
    assert [i.value for i in result.issues] == ["C" + "7" * 199]
