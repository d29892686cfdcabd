"""Hostile XLSX audit exports whose cells, styles or strings a spreadsheet takes from other
parts, or shows otherwise, than the verification reads (a second pair of eyes on session
30's fixes: the almost-matching cases)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import parse_public_keys, verify_file_offline
from tests.audit.test_export_xlsx_hostile import LIBREOFFICE, LIBREOFFICE_KEY, STYLES, Edit, _allow_cell, _rewrite
from tests.audit.test_export_xlsx_verify import SHEET, _failure, exported  # noqa: F401

CONTENT_TYPES = "[Content_Types].xml"
THEME = "xl/theme/theme1.xml"
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


def _row_styled(xml: str, row: int, style: int) -> str:
    """The sheet with every cell of one row given a cell format."""
    start = xml.index(f'<row r="{row}"')
    end = xml.index("</row>", start)
    return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', rf'<c r="\1" s="{style}"', xml[start:end]) + xml[end:]


def _with_format(xml: str, xf: str) -> str:
    """styles.xml with a second cell format (xlsxwriter writes one)."""
    assert '<cellXfs count="1">' in xml
    return xml.replace('<cellXfs count="1">', '<cellXfs count="2">', 1).replace("</cellXfs>", f"{xf}</cellXfs>", 1)


_ALIGNED = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{}</xf>'


@pytest.mark.parametrize(
    ("where", "alignment"),
    [
        ("cell format", '<alignment horizontal="left" indent="250"/>'),
        ("cell format", '<alignment textRotation="90"/>'),
        ("cell format", '<alignment textRotation="255"/>'),
        ("parent cell style", '<alignment horizontal="left" indent="250"/>'),
    ],
)
def test_a_decision_moved_out_of_its_cell_by_its_alignment_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    where: str,
    alignment: str,
) -> None:
    """Was BROKE: the row that hurts given a cell format indented 250 steps (Excel draws
    'block' past the column's edge, where the next cell's text clips it: the cell looks
    empty), or rotated on end (a row of ordinary height shows a letter or two of it), verified:
    no check looked at an alignment but shrink to fit. The same through a parent cell style
    the cell format does not override (applyAlignment="0", as LibreOffice shows it)."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    if where == "cell format":
        styles: Edit = lambda xml: _with_format(xml, _ALIGNED.format(alignment))  # noqa: E731
        sentence = "gives cells an alignment that can move their text out of sight (an indent or a rotation)"
    else:
        parent = f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0">{alignment}</xf>'
        own = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="1" applyAlignment="0"/>'

        def styles(xml: str) -> str:
            xml = xml.replace('<cellStyleXfs count="1">', '<cellStyleXfs count="2">', 1)
            return _with_format(xml.replace("</cellStyleXfs>", f"{parent}</cellStyleXfs>", 1), own)

        sentence = "gives cells a cell style that can show them otherwise than they hold"
    _rewrite(out, {STYLES: styles, SHEET: lambda xml: _row_styled(xml, row, 1)})
    problem = _failure(services, compliance, out)
    assert problem == f"The workbook {out.name} {sentence}; it was edited."


def test_an_export_with_a_plain_alignment_still_verifies(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Held: an alignment a reader gives (centred, wrapped) and LibreOffice's explicit
    indent="0" textRotation="0" show the text in its cell, and verify."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    plain = '<alignment horizontal="center" vertical="bottom" textRotation="0" wrapText="true" indent="0"/>'
    _rewrite(
        out,
        {STYLES: lambda xml: _with_format(xml, _ALIGNED.format(plain)), SHEET: lambda xml: _row_styled(xml, row, 1)},
    )
    assert services.audit.verify_file(compliance, out).ok


@pytest.mark.parametrize("style", [1, 99, -1])
def test_a_cell_given_a_style_the_workbook_lacks_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    style: int,
) -> None:
    """Was BROKE: a cell whose style (s=) is past the end of the workbook's cell formats (or
    negative) was never judged: the verification reads values only, and every check judged
    the formats the workbook defines. LibreOffice shows such a cell in the default cell
    style (the one the workbook names Normal, whatever parent it points at), which nothing
    judged. Refused; the export's own one format verifies."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    _rewrite(out, {SHEET: lambda xml: _row_styled(xml, row, style)})
    problem = _failure(services, compliance, out)
    assert problem == (f"The workbook {out.name} gives a cell in row {row} a style it does not define; it was edited.")


@pytest.mark.parametrize(
    "colour",
    [
        '<a:sysClr val="windowText" lastClr="000000"><a:lumMod val="0"/><a:lumOff val="100000"/></a:sysClr>',
        '<a:srgbClr val="000000"><a:inv/></a:srgbClr>',
    ],
)
def test_the_themes_text_colour_transformed_to_white_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    colour: str,
) -> None:
    """Was BROKE: the theme's "dark 1" written as black (or the system's text colour) with a
    colour transform that draws it white (<a:lumOff val="100000"/>, <a:inv/>) was read by its
    base colour alone, dark: the session's fix for a white "dark 1" was passed by a white
    "dark 1" written in two steps, every row but the one that hurts given a black style."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    dark = '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'

    def styles(xml: str) -> str:
        xml = xml.replace('<fonts count="1">', '<fonts count="2">', 1).replace(
            "</fonts>", '<font><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/></font></fonts>', 1
        )
        return _with_format(xml, '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>')

    def sheet(xml: str) -> str:  # every cell black but the row's, which keeps the theme's text colour
        return re.sub(r'<c r="([A-Z]+)(\d+)"', lambda m: m[0] if int(m[2]) == row else f'{m[0]} s="1"', xml)

    _rewrite(
        out,
        {
            STYLES: styles,
            SHEET: sheet,
            THEME: lambda xml: xml.replace(dark, f"<a:dk1>{colour}</a:dk1>"),
        },
    )
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} gives cells a font or fill that can hide their text" in problem, problem


@pytest.mark.parametrize(
    "link",
    [
        '<hyperlink ref="J{row}" location="A1" tooltip="Reversed on appeal: allow" display="block"/>',
        '<hyperlink ref="J{row}" location="A1"/>',
    ],
)
def test_a_hyperlink_on_a_cell_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    link: str,
) -> None:
    """Was BROKE: a hyperlink on the block's cell whose tooltip reads other text ("Reversed on
    appeal: allow") shows it beside the cell whenever it is pointed at, as a data
    validation's input message (refused) does; openpyxl's reader reads it and nothing judged
    it. suitcheck and a re-save write no hyperlink: any is refused."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    links = f"<hyperlinks>{link.format(row=row)}</hyperlinks>"
    _rewrite(out, {SHEET: lambda xml: xml.replace("<pageMargins", f"{links}<pageMargins", 1)})
    problem = _failure(services, compliance, out)
    assert problem == (
        f"The workbook {out.name} holds a drawing, picture, chart, embedded object, control or comment "
        "(a hyperlink), which can show text over its cells; it was edited."
    )
