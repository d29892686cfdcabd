"""Reading a client file: blank rows are skipped and the others keep the row numbers a
spreadsheet program shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.ingest.clientfile import ROW_MAX_CHARS, open_client_table
from suitcheck.ingest.errors import IngestError
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


def test_the_sheet_read_by_default_is_the_first_one_a_person_sees(tmp_path: Path) -> None:
    """A hidden first sheet (last month's list, a code table the CRM hides) was the one
    imported, while Excel showed the clerk the next one: clients nobody saw were imported."""
    import openpyxl

    workbook = openpyxl.Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "上月"
    hidden.sheet_state = "hidden"
    hidden.append(["account", "name"])
    hidden.append(["OLD1", "旧"])
    very = workbook.create_sheet("码表")
    very.sheet_state = "veryHidden"
    shown = workbook.create_sheet("本月")
    shown.append(["account", "name"])
    shown.append(["NEW1", "新"])
    workbook.active = 2
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    with open_client_table(path) as table:
        assert (table.sheet, [cells[0] for _, cells in table.rows()]) == ("本月", ["NEW1"])
    with open_client_table(path, "上月") as table:  # named: read, hidden or not
        assert [cells[0] for _, cells in table.rows()] == ["OLD1"]


def test_a_chart_sheet_or_no_sheet_shown_is_a_sentence(tmp_path: Path) -> None:
    """A workbook of chart sheets only, or a chart sheet named with --sheet, stopped the
    import with 'unexpected error (IndexError)' or '(AttributeError)'."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.Workbook()
    data = workbook.active
    assert data is not None
    data.title = "数据"
    data.append(["account", "name"])
    data.append(["A1", "甲"])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=2))
    workbook.create_chartsheet("图", 0).add_chart(chart)
    path = tmp_path / "chart.xlsx"
    workbook.save(path)
    with pytest.raises(IngestError, match="^The sheet '图' is a chart, not rows of clients; its sheets: 图, 数据.$"):
        open_client_table(path, "图")
    with open_client_table(path) as table:  # the first sheet of rows
        assert table.sheet == "数据"
    data.sheet_state = "hidden"
    workbook.save(path)
    with pytest.raises(IngestError, match=r"^The workbook shows no sheet of rows \(its sheets: 图, 数据\); choose"):
        open_client_table(path)
    workbook.remove(data)
    workbook.save(path)
    with pytest.raises(IngestError, match=r"^The workbook shows no sheet of rows \(its sheets: 图\); choose"):
        open_client_table(path)


def test_a_csv_cell_excel_shows_as_text_is_read_as_that_text(tmp_path: Path) -> None:
    """Core systems write account and ID numbers into CSV as ="001234" so that Excel shows
    them as text, leading zeros kept: the import read the cell as =\"001234\" whole, a
    new account beside the client 001234 (and an ID number it called invalid)."""
    path = tmp_path / "c.csv"
    path.write_text(
        '资金账号,客户姓名,证件号码\r\n="001234",甲,="110105195001010012"\r\n'
        '"=""005678""",乙,\r\n=1+1,"=""a"" & ""b""",="x""y"\r\n',
        encoding="utf-8",
    )
    with open_client_table(path) as table:
        got = [cells for _, cells in table.rows()]
    assert got == [
        ["001234", "甲", "110105195001010012"],
        ["005678", "乙", ""],  # the same cell, quoted as a CSV writer quotes it
        ["=1+1", '="a" & "b"', '="x""y"'],  # other formulas, and a quote the form cannot hold: as written
    ]


def test_a_csv_text_formula_with_spaces_is_read_as_its_text(tmp_path: Path) -> None:
    """Excel reads = "001234" (a space after the =, as a hand-edited or templated export
    writes it) as the same formula as ="001234": it shows 001234. The import read the
    cell whole, an account '= "001234"' beside the client 001234."""
    path = tmp_path / "c.csv"
    path.write_text('资金账号,客户姓名\r\n= "001234",甲\r\n=  "005678" ,乙\r\n', encoding="utf-8")
    with open_client_table(path) as table:
        assert [cells for _, cells in table.rows()] == [["001234", "甲"], ["005678", "乙"]]


def test_a_csv_row_too_long_for_any_client_file_is_refused_not_held(tmp_path: Path) -> None:
    """A header cell over the csv module's limit stopped the import with 'unexpected error
    (Error)'; a 10 MB file of one header row of five million cells took 600 MB to read and
    printed five million ignored column names; a data row of millions of empty cells was
    held whole. A row (its lines, for a quoted cell over several) is read up to
    ROW_MAX_CHARS, as no client file's row comes near."""
    head = tmp_path / "head.csv"
    head.write_text("资金账号,客户姓名," + "x" * 200_000 + "\r\nA1,甲\r\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"^The CSV file is damaged at row 1: field larger than field limit"):
        open_client_table(head)
    wide_head = tmp_path / "wide-head.csv"
    wide_head.write_text("资金账号,客户姓名" + ",x" * (ROW_MAX_CHARS // 2) + "\r\nA1,甲\r\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"^The CSV file is damaged at row 1: a row holds more than 4 MiB of text"):
        open_client_table(wide_head)
    wide = tmp_path / "wide.csv"
    quoted_over_two_lines = 'A2,"乙\r\n' + "," * ROW_MAX_CHARS + '"\r\n'
    wide.write_text("资金账号,客户姓名\r\nA1,甲\r\n" + quoted_over_two_lines + "A3,丙\r\n", encoding="utf-8")
    with (
        open_client_table(wide) as table,
        pytest.raises(IngestError, match=r"^The CSV file is damaged after row 2: a row holds more than 4 MiB of text"),
    ):
        for _ in table.rows():
            pass


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_rows_read_are_those_of_the_file_whose_sha256_is_given(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file was hashed through one opening and read through others: a file saved over
    (the core system's next export renamed into place) while a big file was hashed had its
    rows imported under the SHA-256 of the file before it, the one the wizard's dry run
    had checked (expect_sha256) and the audit entry names."""
    import hashlib

    from suitcheck.ingest import clientfile

    write = write_csv if suffix == ".csv" else write_xlsx
    path = write(tmp_path / f"c{suffix}", client_rows(1))
    checked = hashlib.sha256(path.read_bytes()).hexdigest()
    other = write(tmp_path / f"next{suffix}", client_rows(1, start=9))
    hashing = "detect_file_encoding" if suffix == ".csv" else "_sha256"
    hashed = getattr(clientfile, hashing)

    def then_saved_over(*args: object) -> object:
        found = hashed(*args)
        other.replace(path)  # the next export lands while this one is read
        return found

    monkeypatch.setattr(clientfile, hashing, then_saved_over)
    with open_client_table(path) as table:
        assert table.sha256 == checked
        assert [cells[0] for _, cells in table.rows()] == [client_rows(1)[0][0]]
