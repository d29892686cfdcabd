"""Reading a client file: blank rows are skipped and the others keep the row numbers a
spreadsheet program shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.ingest.clientfile import open_client_table
from tests.services.clientfiles import client_rows, write_csv, write_xlsx


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path: Path, suffix: str) -> None:
    first, second = client_rows(2)
    blank: list[object] = ["", " ", "\t", "", "", "", "", ""] if suffix == ".csv" else [None] * 8
    spaced: list[object] = [" "] * 8
    rows = [first, blank, spaced, second]
    path = (write_csv if suffix == ".csv" else write_xlsx)(tmp_path / f"c{suffix}", rows)
    with open_client_table(path) as table:
        got = [(number, cells[0]) for number, cells in table.rows()]
    assert got == [(2, first[0]), (5, second[0])]
