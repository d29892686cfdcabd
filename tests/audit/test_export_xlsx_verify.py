"""Verifying an XLSX export reads what Excel shows and nothing less: a row's readable cells
compared in one step only where that is exactly the cell-by-cell comparison, every row and
cell of the sheet read wherever its <dimension> says the data ends, a formula seen even
when its cached result is the expected text, and a damaged sheet a sentence, not a crash."""

from __future__ import annotations

import re
import shutil
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from suitcheck.audit import export
from suitcheck.audit.export import HEADERS, XLSX_CELL_LIMIT
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from tests.conftest import staff
from tests.fixtures import checked_client

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def exported(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor, Path]:
    """An XLSX export of a few checks and one record long enough to continue over cells."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    checked_client(
        services, compliance, tmp_path, title="报告_x0041_标题", account="12345", name="张\x01三", record_rows=700
    )
    out = tmp_path / "audit.xlsx"
    services.audit.export(compliance, out, "xlsx")
    assert services.audit.verify_file(compliance, out).ok
    return services, compliance, out


def _rewrite_sheet(path: Path, edit: Callable[[str], str]) -> None:
    """The workbook with its sheet's XML edited as a hand (or a script) would: nothing
    else in the file changes, the <dimension> included."""
    copy = path.with_name("copy.xlsx")
    shutil.copy(path, copy)
    with zipfile.ZipFile(copy) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == SHEET:
                edited = edit(data.decode("utf-8"))
                assert edited != data.decode("utf-8")
                data = edited.encode("utf-8")
            target.writestr(item, data)
    copy.unlink()


def _failure(services: Services, actor: Actor, out: Path) -> str:
    check = services.audit.verify_file(actor, out)
    assert not check.ok
    problem = check.result.problem or ""
    assert problem
    assert "\n" not in problem, problem
    assert "Traceback" not in problem, problem
    return problem


def _last_row(xml: str) -> int:
    return int(re.findall(r'<row r="(\d+)"', xml)[-1])


def test_a_formula_row_below_the_declared_dimension_fails(exported: tuple[Services, Actor, Path]) -> None:
    """openpyxl's read-only reader stops at the row its <dimension> names; Excel shows the
    rows after it. A formula row appended below it must fail the verification."""
    services, compliance, out = exported

    def append(xml: str) -> str:
        row = _last_row(xml) + 2
        cell = f'<row r="{row}"><c r="C{row}" t="str"><f>HYPERLINK("http://x","y")</f><v>y</v></c></row>'
        return xml.replace("</sheetData>", cell + "</sheetData>")

    _rewrite_sheet(out, append)
    assert "damaged" in _failure(services, compliance, out)


def test_a_cell_right_of_the_declared_dimension_fails(exported: tuple[Services, Actor, Path]) -> None:
    services, compliance, out = exported
    _rewrite_sheet(
        out,
        lambda xml: xml.replace('</row><row r="3"', '<c r="Z2" t="inlineStr"><is><t>}</t></is></c></row><row r="3"', 1),
    )
    assert "continuation cell" in _failure(services, compliance, out)


def test_a_formula_whose_cached_result_is_the_expected_text_fails(exported: tuple[Services, Actor, Path]) -> None:
    """A reader that showed a formula's cached value instead of the formula would take
    this cell for the staff name the record derives; it is a formula, and fails."""
    services, compliance, out = exported
    name = load_workbook(out, read_only=True).worksheets[0]["C2"].value
    assert isinstance(name, str)
    assert name

    def as_formula(xml: str) -> str:
        return re.sub(r'<c r="C2"[^>]*>.*?</c>', f'<c r="C2" t="str"><f>"{name}"</f><v>{name}</v></c>', xml, count=1)

    _rewrite_sheet(out, as_formula)
    assert "staff is a formula" in _failure(services, compliance, out)


@pytest.mark.parametrize(
    "damage",
    ["truncated-xml", "number-cell-holding-text", "unclosed-row"],
)
def test_a_damaged_sheet_fails_with_a_sentence(exported: tuple[Services, Actor, Path], damage: str) -> None:
    services, compliance, out = exported
    if damage == "truncated-xml":
        _rewrite_sheet(out, lambda xml: xml[: len(xml) // 2])
    elif damage == "number-cell-holding-text":
        _rewrite_sheet(out, lambda xml: re.sub(r'(<c r="A3"[^>]*><v>)\d+', r"\g<1>x7", xml, count=1))
    else:
        _rewrite_sheet(out, lambda xml: xml.replace('<row r="3"', '<row r="3"><row r="3"', 1))
    assert "damaged" in _failure(services, compliance, out)


def test_a_number_as_the_same_text_and_text_as_the_same_number_verify_as_before(
    exported: tuple[Services, Actor, Path],
) -> None:
    """Cells are compared as text, as they always were: the seq written as text "1" and the
    account 12345 (text) written as a number still read the record's values; 1.0 does not."""
    services, compliance, out = exported
    book = load_workbook(out)
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[4].value == "12345")
    row[0].value, row[4].value = str(row[0].value), 12345
    book.save(out)
    assert services.audit.verify_file(compliance, out).ok
    _rewrite_sheet(out, lambda xml: re.sub(r'(<c r="A2"[^>]*><v>)(\d+)</v>', r"\g<1>\g<2>.0</v>", xml, count=1))
    assert "column seq reads" in _failure(services, compliance, out)


# What a readable value can be in a record (a hostile record included): mostly what the
# one-step way takes (None, text, whole numbers), with the text that must leave it
# (controls, bidi overrides, formula leads, near half a cell), and now and then a value of
# another kind.
_PLAIN = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=2**53 + 2),
    st.sampled_from([0, 2**53 - 1, 2**53, 2**53 + 1]),
    st.text(max_size=30),
    st.sampled_from(["=1+1", "+x", "-3", "@a", "\tx", "\rx", "'=x", "a\x01b", "a\u202eb", "a\x85b", "_x0041_", " x "]),
)
_ODD = st.sampled_from([True, False, 1.5, 7.0, -1, -(2**60), 2**60])
# CJK characters count one UTF-16 unit, characters outside the BMP two: only more than
# half a cell of code points can need cutting.
_LONG = st.sampled_from(["a" * 16383, "=" + "a" * 16382, "中" * 16384, "𠀀" * 8192, "𠀀" * 16383, "𠀀" * 16384])
_ROWS = st.one_of(
    st.lists(_PLAIN, min_size=15, max_size=15),
    st.lists(st.one_of(_PLAIN, _ODD, _LONG), min_size=15, max_size=15),
)


@settings(max_examples=300, deadline=None)
@given(_ROWS)
@example(["𠀀" * 16384, *[None] * 14])
@example(["𠀀" * 16383, "", *[None] * 13])
@example(["=" + "𠀀" * 16383, *[None] * 14])
def test_the_one_step_comparison_is_the_cell_by_cell_one(values: list[Any]) -> None:
    """Where _xlsx_plain_texts gives texts, they are what xlsx_shown shows for each value,
    and none of them starts a formula: a row reading exactly them passes every
    cell-by-cell check, and a row reading anything else is checked cell by cell."""
    texts = export._xlsx_plain_texts(values)
    if texts is None:
        return
    assert texts == [export._xlsx_expected_text(v) for v in values]
    assert not any(t.startswith(export._FORMULA_LEAD) for t in texts)
    assert export._cell_texts(values) == ["" if v is None else str(v) for v in values]


def test_long_or_escaped_rows_take_the_cell_by_cell_way() -> None:
    plain = ["a"] * 15
    assert export._xlsx_plain_texts(plain) == plain
    assert export._xlsx_plain_texts(["=x", *plain[1:]]) == ["'=x", *plain[1:]]
    assert export._xlsx_plain_texts(["a\x1b", *plain[1:]]) is None
    assert export._xlsx_plain_texts(["x" * (XLSX_CELL_LIMIT // 2), *plain[1:]]) is None
    assert export._xlsx_plain_texts([-1, *plain[1:]]) is None
    assert export._xlsx_plain_texts([True, *plain[1:]]) is None
    assert export._xlsx_plain_texts([2**53, *plain[1:]]) is None


def _workbook(path: Path, rows: int) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("audit")
    sheet.write_row(0, 0, HEADERS)
    for row in range(1, rows + 1):
        sheet.write_number(row, 0, row)
        for column in range(1, len(HEADERS)):
            sheet.write_string(row, column, f"{row:08d} {column} 客户 " + "x" * 40)
    book.close()


def _peak_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in export._xlsx_rows(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_sheet_holds_a_row_at_a_time(tmp_path: Path) -> None:
    """The rows are streamed: reading ten times the rows does not take ten times the
    memory (a reader that loads the whole sheet would need ~2 GB for 1,000,000 entries)."""
    small, large = tmp_path / "small.xlsx", tmp_path / "large.xlsx"
    _workbook(small, 500)
    _workbook(large, 5_000)
    (small_rows, small_peak), (large_rows, large_peak) = _peak_reading(small), _peak_reading(large)
    assert (small_rows, large_rows) == (500, 5_000)
    sheet_bytes = zipfile.ZipFile(large).getinfo(SHEET).file_size
    assert large_peak < small_peak + sheet_bytes // 10, (small_peak, large_peak, sheet_bytes)
