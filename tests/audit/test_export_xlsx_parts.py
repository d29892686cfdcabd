"""Hostile XLSX audit exports whose cells, styles or strings a spreadsheet takes from other
parts, or shows otherwise, than the verification reads (a second pair of eyes on session
30's fixes: the almost-matching cases)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import parse_public_keys, verify_file_offline
from tests.audit.test_export_xlsx_hostile import LIBREOFFICE, LIBREOFFICE_KEY, _allow_cell, _rewrite
from tests.audit.test_export_xlsx_verify import SHEET, _failure, exported  # noqa: F401

CONTENT_TYPES = "[Content_Types].xml"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS_SENTENCE = (
    "shows its cells from a part other than the one verified here (a second workbook or shared strings part); "
    "it was edited."
)


def _add(path: Path, parts: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "a") as book:
        for name, text in parts.items():
            book.writestr(name, text)


def test_a_second_workbook_part_opened_by_a_spreadsheet_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: openpyxl opens the workbook part [Content_Types].xml declares first, a
    spreadsheet the one the package's relationship (_rels/.rels, officeDocument) names. A
    second workbook part (xl/wb2.xml) named there, its sheet a copy of the export with the
    first data row's 'allow' as 'block' (or the other way), showed Excel that sheet while
    every check read the untouched one, and `audit verify` said OK."""
    services, compliance, out = exported
    cell, _row = _allow_cell(out)
    with zipfile.ZipFile(out) as book:
        workbook, links, sheet = (
            book.read(name).decode("utf-8") for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", SHEET)
        )
    _rewrite(
        out,
        {
            "_rels/.rels": lambda xml: xml.replace('Target="xl/workbook.xml"', 'Target="xl/wb2.xml"'),
            CONTENT_TYPES: lambda xml: xml.replace(
                "</Types>",
                f'<Override PartName="/xl/wb2.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet9.xml" ContentType="{_TYPE}.worksheet+xml"/></Types>',
            ),
        },
    )
    _add(
        out,
        {
            "xl/wb2.xml": workbook,
            "xl/_rels/wb2.xml.rels": links.replace("worksheets/sheet1.xml", "worksheets/sheet9.xml"),
            "xl/worksheets/sheet9.xml": sheet.replace(cell, cell.replace(">allow<", ">block<")),
        },
    )
    assert _failure(services, compliance, out) == f"The workbook {out.name} {_PARTS_SENTENCE}"


def test_a_second_shared_strings_part_named_by_the_workbook_fails_with_a_sentence(tmp_path: Path) -> None:
    """Was BROKE: openpyxl reads the shared strings part [Content_Types].xml declares first, a
    spreadsheet the one the workbook's relationships name. A LibreOffice re-save (its cells
    shared strings) given a second part (xl/sst2.xml, one 'allow' as 'block') named by the
    workbook's relationships showed that text while the verification read the first, and
    the file verified offline. The re-save itself still verifies."""
    for part in ("audit.xlsx", "audit.xlsx.manifest.json"):
        shutil.copy(LIBREOFFICE / part, tmp_path / part)
    out, keys = tmp_path / "audit.xlsx", parse_public_keys([LIBREOFFICE_KEY])
    assert verify_file_offline(out, keys).ok
    with zipfile.ZipFile(out) as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    allow = '<t xml:space="preserve">allow</t>'
    assert allow in strings
    _rewrite(
        out,
        {
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace('Target="sharedStrings.xml"', 'Target="sst2.xml"'),
            CONTENT_TYPES: lambda xml: xml.replace(
                "</Types>", f'<Override PartName="/xl/sst2.xml" ContentType="{_TYPE}.sharedStrings+xml"/></Types>'
            ),
        },
    )
    _add(out, {"xl/sst2.xml": strings.replace(allow, allow.replace("allow", "block"), 1)})
    checked = verify_file_offline(out, keys)
    assert not checked.ok
    assert checked.result.problem == f"The workbook {out.name} {_PARTS_SENTENCE}"
