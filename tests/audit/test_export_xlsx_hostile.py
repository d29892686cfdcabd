"""Hostile XLSX audit exports, built by editing an export's XML as an insider would: the
verification reads what a spreadsheet shows, so a sheet whose rows or cells a spreadsheet
places otherwise than openpyxl's reader does, or whose styles show a cell otherwise than
it holds, fails with a sentence; and the one-step comparison of plain rows decides
exactly as the cell-by-cell one on every edited cell."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl.styles.colors import COLOR_INDEX

from suitcheck.audit import export
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import parse_public_keys, verify_file_offline
from tests.audit.test_export_xlsx_verify import SHEET, _failure, exported  # noqa: F401

STYLES = "xl/styles.xml"
Edit = Callable[[str], str]


def _rewrite(path: Path, edits: dict[str, Edit]) -> None:
    """The workbook with some of its parts' XML edited (each edit must change its part)."""
    copy = path.with_name("copy.xlsx")
    shutil.copy(path, copy)
    with zipfile.ZipFile(copy) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in edits:
                text = data.decode("utf-8")
                edited = edits[item.filename](text)
                assert edited != text, item.filename
                data = edited.encode("utf-8")
            target.writestr(item, data)
    copy.unlink()


def _allow_cell(path: Path) -> tuple[str, int]:
    """The XML of the first data row's decision cell reading 'allow', and its row."""
    with zipfile.ZipFile(path) as book:
        xml = book.read(SHEET).decode("utf-8")
    found = re.search(r'<c r="J(\d+)" t="inlineStr"><is><t>allow</t></is></c>', xml)
    assert found is not None
    return found.group(0), int(found.group(1))


def _last_row(path: Path) -> int:
    with zipfile.ZipFile(path) as book:
        return int(re.findall(r'<row r="(\d+)"', book.read(SHEET).decode("utf-8"))[-1])


def _styles_with(number_format: str) -> Edit:
    """styles.xml whose every cell style (the one style xlsxwriter writes, 0) takes a custom
    number format."""

    def edit(xml: str) -> str:
        xml = xml.replace(
            "<fonts", f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{number_format}"/></numFmts><fonts', 1
        )
        return xml.replace('<cellXfs count="1"><xf numFmtId="0"', '<cellXfs count="1"><xf numFmtId="164"', 1)

    return edit


def _block(row: int, column: str = "J") -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>block</t></is></c>'


@pytest.mark.parametrize(
    ("attack", "sentence"),
    [
        # Was BROKE: openpyxl's reader drops a row numbered at or before one it has read;
        # LibreOffice shows it: the decision 'allow' read as 'block', the file verified.
        ("row written again at the end", "has a row {row} after row {last}; it was edited"),
        # Was BROKE: the same, with a formula (LibreOffice shows its result) in an earlier row.
        ("formula row at the end, numbered earlier", "has a row 3 after row {last}; it was edited"),
        # Failed before too, by chance (the chain misses the dropped row); now named.
        ("two rows with one number", "has a row {row} after row {row}; it was edited"),
        # Was BROKE: of two cells in one column openpyxl keeps the last; the first was never
        # read (which one a spreadsheet shows is its own choice).
        ("hostile cell before the real one", "has a cell out of order or repeated in row {row}; it was edited"),
        # Failed before (the last cell is the one read); now named.
        ("hostile cell after the real one", "has a cell out of order or repeated in row {row}; it was edited"),
        # openpyxl reads a cell by the row it sits in; its r= names another row.
        ("cell of another row inside a row", "has a cell out of order or repeated in row {row}; it was edited"),
        # Was BROKE: a number format whose text section shows every text as 'block' (Excel
        # shows the literal of a 4th section without @); openpyxl reads the text.
        ("text shown through a custom format", "gives cells a number format that can show them otherwise"),
        ("cells hidden by the format ;;;", "gives cells a number format that can show them otherwise"),
        ("an undefined number format", "gives cells a number format that can show them otherwise"),
        # Failed before (openpyxl reads the number as a date); now named.
        ("style 0 as a date", "gives cells a number format that can show them otherwise"),
        # Was BROKE: a conditional rule may apply a number format too; a merge shows one
        # cell across the others.
        ("conditional formatting", "has conditional formatting or merged cells"),
        ("merged cells", "has conditional formatting or merged cells"),
    ],
)
def test_a_sheet_shown_otherwise_than_read_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    attack: str,
    sentence: str,
) -> None:
    services, compliance, out = exported
    cell, row = _allow_cell(out)
    last = _last_row(out)
    end = "</sheetData>"
    edits: dict[str, dict[str, Edit]] = {
        "row written again at the end": {SHEET: lambda x: x.replace(end, f'<row r="{row}">{_block(row)}</row>{end}')},
        "formula row at the end, numbered earlier": {
            SHEET: lambda x: x.replace(
                end, f'<row r="3"><c r="R3" t="str"><f>HYPERLINK("http://x","y")</f><v>y</v></c></row>{end}'
            )
        },
        "two rows with one number": {SHEET: lambda x: x.replace(f'<row r="{row + 1}"', f'<row r="{row}"', 1)},
        "hostile cell before the real one": {SHEET: lambda x: x.replace(cell, _block(row) + cell)},
        "hostile cell after the real one": {SHEET: lambda x: x.replace(cell, cell + _block(row))},
        "cell of another row inside a row": {SHEET: lambda x: x.replace(cell, cell + _block(row - 1, "R"))},
        "text shown through a custom format": {STYLES: _styles_with("General;General;General;&quot;block&quot;")},
        "cells hidden by the format ;;;": {STYLES: _styles_with(";;;")},
        "style 0 as a date": {
            STYLES: lambda x: x.replace('<cellXfs count="1"><xf numFmtId="0"', '<cellXfs count="1"><xf numFmtId="14"')
        },
        "an undefined number format": {
            STYLES: lambda x: x.replace('<cellXfs count="1"><xf numFmtId="0"', '<cellXfs count="1"><xf numFmtId="200"')
        },
        "conditional formatting": {
            SHEET: lambda x: x.replace(
                end,
                f'{end}<conditionalFormatting sqref="J{row}"><cfRule type="expression" dxfId="0" priority="1">'
                "<formula>TRUE</formula></cfRule></conditionalFormatting>",
            ),
            STYLES: lambda x: x.replace(
                '<dxfs count="0"/>',
                '<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="General;General;General;&quot;block&quot;"/>'
                "</dxf></dxfs>",
            ),
        },
        "merged cells": {
            SHEET: lambda x: x.replace(end, f'{end}<mergeCells count="1"><mergeCell ref="I{row}:J{row}"/></mergeCells>')
        },
    }
    _rewrite(out, edits[attack])
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} " in problem
    assert sentence.format(row=row, last=last) in problem, problem


# Cell-level edits whose reading the one-step comparison and the cell-by-cell one must
# decide alike: Python equality traps (True == 1, 1.0 == 1, "1" vs 1), other cell forms of
# the same text, and whitespace/escape forms. (name, edit of the first data row's seq
# cell or of the 'allow' cell, whether the file still verifies)
def _seq(replacement: str) -> Callable[[str, str, int], str]:
    return lambda xml, cell, row: re.sub(r'<c r="A2"[^>]*><v>\d+</v></c>', replacement, xml, count=1)


def _decision(replacement: str) -> Callable[[str, str, int], str]:
    return lambda xml, cell, row: xml.replace(cell, replacement.format(row=row))


CELL_EDITS: list[tuple[str, Callable[[str, str, int], str], bool]] = [
    ("boolean true for seq 1", _seq('<c r="A2" t="b"><v>1</v></c>'), False),
    ("float 1.0 for seq 1", _seq('<c r="A2"><v>1.0</v></c>'), False),
    ("1e0 for seq 1", _seq('<c r="A2"><v>1e0</v></c>'), False),
    ("01 for seq 1", _seq('<c r="A2"><v>01</v></c>'), True),  # a number cell: Excel shows 1
    ("text '1' for seq 1", _seq('<c r="A2" t="inlineStr"><is><t>1</t></is></c>'), True),
    ("formula string for seq 1", _seq('<c r="A2" t="str"><v>1</v></c>'), True),
    ("error cell for seq 1", _seq('<c r="A2" t="e"><v>#N/A</v></c>'), False),
    ("rich text runs", _decision('<c r="J{row}" t="inlineStr"><is><r><t>al</t></r><r><t>low</t></r></is></c>'), True),
    (
        "rich runs reading otherwise",
        _decision('<c r="J{row}" t="inlineStr"><is><r><t>al</t></r><r><t>lox</t></r></is></c>'),
        False,
    ),
    (
        "trailing space kept",
        _decision('<c r="J{row}" t="inlineStr"><is><t xml:space="preserve">allow </t></is></c>'),
        False,
    ),
    ("OOXML escape of the same text", _decision('<c r="J{row}" t="inlineStr"><is><t>_x0061_llow</t></is></c>'), True),
    ("OOXML escape of other text", _decision('<c r="J{row}" t="inlineStr"><is><t>_x0062_lock</t></is></c>'), False),
    ("escaped underscore", _decision('<c r="J{row}" t="inlineStr"><is><t>_x005F_x0061_llow</t></is></c>'), False),
    ("carriage return escape", _decision('<c r="J{row}" t="inlineStr"><is><t>allow_x000D_</t></is></c>'), False),
    ("cell without r=", _decision('<c t="inlineStr"><is><t>allow</t></is></c>'), True),
    ("number where text is", _decision('<c r="J{row}"><v>1</v></c>'), False),
    ("boolean where text is", _decision('<c r="J{row}" t="b"><v>1</v></c>'), False),
]


@pytest.mark.parametrize(("name", "edit", "verifies"), CELL_EDITS, ids=[c[0] for c in CELL_EDITS])
def test_the_one_step_way_decides_each_edited_cell_as_the_cell_by_cell_way(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    edit: Callable[[str, str, int], str],
    verifies: bool,
) -> None:
    services, compliance, out = exported
    cell, row = _allow_cell(out)
    _rewrite(out, {SHEET: lambda xml: edit(xml, cell, row)})
    fast = services.audit.verify_file(compliance, out)
    monkeypatch.setattr(export, "_xlsx_plain_texts", lambda values: None)  # every row cell by cell
    slow = services.audit.verify_file(compliance, out)
    assert (fast.ok, fast.result.problem) == (slow.ok, slow.result.problem)
    assert fast.ok is verifies, fast.result.problem
    if not verifies:
        _failure(services, compliance, out)


def test_the_shared_string_form_of_an_export_verifies(exported: tuple[Services, Actor, Path]) -> None:  # noqa: F811
    """openpyxl writes its own styles and cells (the export's escapes kept): the same cells."""
    from openpyxl import load_workbook

    services, compliance, out = exported
    load_workbook(out).save(out)
    assert services.audit.verify_file(compliance, out).ok


LIBREOFFICE = Path(__file__).resolve().parents[1] / "data" / "libreoffice-7.4"
LIBREOFFICE_KEY = "suitcheck-ed25519:06p2QC6OFwoYFpMRlmPG5Mso6tvQUAKJcLy1cXjvWE0="  # that store's installation


@pytest.mark.parametrize(("name", "problem"), [("audit.xlsx", None), ("edited.xlsx", "column decision reads 'block'")])
def test_an_export_resaved_by_libreoffice_verifies_unless_it_was_edited(
    tmp_path: Path, name: str, problem: str | None
) -> None:
    """LibreOffice writes its own styles (General as a custom format 164), shared strings
    and every row and cell with r=: a plain re-save of an export of ordinary text still
    verifies, offline, with the installation's public key; one edited before the re-save
    fails naming the cell (tests/data/libreoffice-7.4/README.md says how both were made).
    (Text holding a literal '_x0041_' does not survive a re-save: LibreOffice writes it
    back unescaped, which Excel reads as 'A'; the verification reads it as Excel does.)"""
    for part in (name, f"{name}.manifest.json"):
        shutil.copy(LIBREOFFICE / part, tmp_path / part)
    with zipfile.ZipFile(tmp_path / name) as book:
        assert "xl/sharedStrings.xml" in book.namelist()  # LibreOffice's own form, not the export's
    checked = verify_file_offline(tmp_path / name, parse_public_keys([LIBREOFFICE_KEY]))
    if problem is None:
        assert checked.ok, checked.result.problem
    else:
        assert not checked.ok
        assert problem in str(checked.result.problem)


_DRAWING = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    "<xdr:twoCellAnchor><xdr:from><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r0}</xdr:row>"
    "<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>10</xdr:col><xdr:colOff>0</xdr:colOff>"
    "<xdr:row>{r1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/>'
    '</xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFFFFF"/>'
    "</a:solidFill><a:ln><a:noFill/></a:ln></xdr:spPr><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>block</a:t></a:r>"
    "</a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
)


def test_a_text_box_drawn_over_a_cell_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: a text box (a drawing anchored over the first data row's decision cell,
    filled white, reading 'block') shows the cell otherwise than it holds, as the custom
    number formats, conditional formatting and merges refused above do; openpyxl's reader
    reads no drawing, and the file verified. A workbook holding a drawing, picture, chart,
    embedded object or control is refused."""
    services, compliance, out = exported
    _cell, row = _allow_cell(out)
    copy = out.with_name("copy.xlsx")
    shutil.copy(out, copy)
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    relationship = (
        '<Relationship Id="rIdDrawing1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'drawing" Target="../drawings/drawing1.xml"/>'
    )
    with zipfile.ZipFile(copy) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for item in source.infolist():
            data = source.read(item.filename).decode("utf-8")
            if item.filename == SHEET:
                data = data.replace("</worksheet>", '<drawing r:id="rIdDrawing1"/></worksheet>')
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    "</Types>",
                    '<Override PartName="/xl/drawings/drawing1.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
                )
            elif item.filename == rels:
                data = data.replace("</Relationships>", relationship + "</Relationships>")
            target.writestr(item, data.encode("utf-8"))
        if rels not in names:
            target.writestr(
                rels,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{relationship}</Relationships>",
            )
        target.writestr("xl/drawings/drawing1.xml", _DRAWING.format(r0=row - 1, r1=row))
    copy.unlink()
    with zipfile.ZipFile(out) as book:
        assert 'xmlns:r="' in book.read(SHEET).decode("utf-8")[:600]  # the sheet's r:id resolves
    problem = _failure(services, compliance, out)
    assert problem == (
        f"The workbook {out.name} holds a drawing, picture, chart, embedded object, control or comment "
        "(xl/drawings/drawing1.xml), which can show text over its cells; it was edited."
    )


def test_a_workbook_that_inflates_beyond_any_workbook_is_refused_unread(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was BROKE: the verification handed any workbook to openpyxl unbounded: a zip bomb (a
    few hundred KB whose one cell inflates to gigabytes) ran the desk or `audit verify` out
    of memory. Now the client import's guard (suitcheck.xlsxguard) refuses it before
    openpyxl reads it; the export itself (its record continued over cells of 32,767 units)
    still verifies, as the fixture shows."""
    services, compliance, out = exported
    sentence = f"{out.name} inflates beyond any workbook a spreadsheet program writes (a zip bomb?); it was not read."
    cell, _row = _allow_cell(out)
    _rewrite(out, {SHEET: lambda x: x.replace(cell, cell.replace(">allow<", ">" + "A" * ((1 << 20) + 1) + "<"))})
    assert out.stat().st_size < 100_000
    assert _failure(services, compliance, out) == sentence
    # A part openpyxl holds whole (the styles, under a lowered bound) is refused the same way.
    from suitcheck import xlsxguard

    monkeypatch.setattr(xlsxguard, "XML_RUN_MAX", 1 << 30)
    monkeypatch.setattr(xlsxguard, "PART_MAX", 100)
    assert _failure(services, compliance, out) == sentence


@pytest.mark.parametrize(
    "attack",
    [
        "row hidden",
        "row hidden, as true",
        "row zero high",
        "row a hair high",
        "row NaN high",
        "every row zero high but those shown",
        "decision column hidden",
        "decision column zero wide",
    ],
)
def test_a_block_hidden_from_the_reader_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    attack: str,
) -> None:
    """Was BROKE: an insider who hid the rows that hurt (a block) in the handed-over workbook,
    with the row's hidden flag or a height of nothing, or hid the decision column, gave the
    regulator a sheet that showed only allows when opened in Excel or LibreOffice, and
    `audit verify` said OK of it: every cell still held what the record says. A sheet that
    hides rows or columns from its reader is now refused, as one whose format shows a cell
    otherwise than it holds; hidden="false" and the heights and widths a re-save writes pass."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]  # any decision's row: the one that hurts, for the insider
    opening = f'<row r="{row}"'
    edits: dict[str, Edit] = {
        "row hidden": lambda x: x.replace(opening, f'{opening} hidden="1"', 1),
        "row hidden, as true": lambda x: x.replace(opening, f'{opening} hidden="true"', 1),
        "row zero high": lambda x: x.replace(opening, f'{opening} ht="0" customHeight="1"', 1),
        "row a hair high": lambda x: x.replace(opening, f'{opening} ht="0.75" customHeight="1"', 1),
        "row NaN high": lambda x: x.replace(opening, f'{opening} ht="NaN" customHeight="1"', 1),
        # Rows are hidden unless they say otherwise; every row but the block's says so.
        "every row zero high but those shown": lambda x: re.sub(
            r'<row r="(\d+)"',
            lambda m: m.group(0) if int(m.group(1)) == row else f'{m.group(0)} ht="15" customHeight="1"',
            x.replace(
                '<sheetFormatPr defaultRowHeight="15"/>', '<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>'
            ),
        ),
        "decision column hidden": lambda x: x.replace(
            '<col min="10" max="10" width="20.7109375" customWidth="1"/>',
            '<col min="10" max="10" width="20.7109375" customWidth="1" hidden="1"/>',
        ),
        "decision column zero wide": lambda x: x.replace(
            '<col min="10" max="10" width="20.7109375" customWidth="1"/>',
            '<col min="10" max="10" width="0" customWidth="1"/>',
        ),
    }
    _rewrite(out, {SHEET: edits[attack]})
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} hides rows or columns from whoever opens it" in problem, problem


def test_a_resave_that_shows_every_row_and_column_still_verifies(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Held: LibreOffice's re-save writes every row and column with hidden="false" and a
    height and width of its own; such a sheet is shown whole, and verifies."""
    services, compliance, out = exported
    _rewrite(
        out,
        {
            SHEET: lambda x: re.sub(
                r'<row r="(\d+)"', r'<row r="\1" ht="12.8" hidden="false" customHeight="false" collapsed="false"', x
            ).replace('customWidth="1"/>', 'customWidth="1" hidden="false" collapsed="false" outlineLevel="0"/>')
        },
    )
    assert services.audit.verify_file(compliance, out).ok


WORKBOOK = "xl/workbook.xml"


@pytest.mark.parametrize("attack", ["print area of the first rows", "a filter that shows only allows"])
def test_a_block_kept_off_the_printed_or_filtered_sheet_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    attack: str,
) -> None:
    """Was BROKE: a print area (a defined name _xlnm.Print_Area) covering only the rows
    before the block, or an autofilter whose criteria keep only the allows, gave the regulator
    a printed or filtered sheet without the entry that hurt, and `audit verify` said OK of
    the workbook (no cell was changed). suitcheck writes neither, and a re-save adds neither;
    both are now refused."""
    services, compliance, out = exported
    row, last = _allow_cell(out)[1], _last_row(out)
    edits: dict[str, dict[str, Edit]] = {
        "print area of the first rows": {
            WORKBOOK: lambda x: x.replace(
                "</sheets>",
                f'</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">'
                f"audit!$A$1:$R${row}</definedName></definedNames>",
                1,
            )
        },
        "a filter that shows only allows": {
            SHEET: lambda x: x.replace(
                "</sheetData>",
                f'</sheetData><autoFilter ref="A1:R{last}"><filterColumn colId="9">'
                '<filters><filter val="allow"/></filters></filterColumn></autoFilter>',
                1,
            )
        },
    }
    _rewrite(out, edits[attack])
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} hides rows or columns from whoever opens it" in problem, problem


@pytest.mark.parametrize(
    ("font", "fill"),
    [
        ('<font><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>', None),  # white on white
        ('<font><sz val="11"/><color theme="0"/><name val="Calibri"/></font>', None),  # the background's colour
        ('<font><sz val="11"/><color indexed="9"/><name val="Calibri"/></font>', None),  # indexed white
        ('<font><sz val="1"/><color theme="1"/><name val="Calibri"/></font>', None),  # too small to read
        ('<font><sz val="NaN"/><color theme="1"/><name val="Calibri"/></font>', None),  # no size at all
        (None, '<fill><patternFill patternType="solid"><fgColor rgb="FF000000"/></patternFill></fill>'),  # black box
        (  # a gradient from black to black
            None,
            '<fill><gradientFill degree="90"><stop position="0"><color rgb="FF000000"/></stop>'
            '<stop position="1"><color rgb="FF000000"/></stop></gradientFill></fill>',
        ),
    ],
)
def test_a_row_written_in_an_unreadable_style_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    font: str | None,
    fill: str | None,
) -> None:
    """Was BROKE: a second cell style whose font is white (or the theme's background colour,
    or one point high), or whose fill is black under black text, given to the cells of the row
    that hurt, hid that entry from whoever read the workbook, and `audit verify` said OK (no
    cell changed; fonts and colours were not checked). A cell style must now show dark text,
    of a readable size, on no fill or a light one, as suitcheck and a re-save write it."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]

    def styles(xml: str) -> str:
        if font is not None:
            xml = xml.replace('<fonts count="1">', '<fonts count="2">', 1).replace("</fonts>", f"{font}</fonts>", 1)
        if fill is not None:
            xml = xml.replace('<fills count="2">', '<fills count="3">', 1).replace("</fills>", f"{fill}</fills>", 1)
        style = f'<xf numFmtId="0" fontId="{1 if font else 0}" fillId="{2 if fill else 0}" borderId="0" xfId="0"/>'
        return xml.replace('<cellXfs count="1">', '<cellXfs count="2">', 1).replace("</cellXfs>", f"{style}</cellXfs>")

    def sheet(xml: str) -> str:
        start = xml.index(f'<row r="{row}"')
        end = xml.index("</row>", start)
        return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', r'<c r="\1" s="1"', xml[start:end]) + xml[end:]

    _rewrite(out, {STYLES: styles, SHEET: sheet})
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} gives cells a font or fill that can hide their text" in problem, problem


def test_a_row_in_a_readable_second_style_still_verifies(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Held: a second style with black text on a pale yellow fill (a reader's highlight)
    shows the row's text, and the workbook verifies."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]

    def styles(xml: str) -> str:
        xml = xml.replace('<fills count="2">', '<fills count="3">', 1).replace(
            "</fills>",
            '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF99"/></patternFill></fill></fills>',
            1,
        )
        style = '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>'
        return xml.replace('<cellXfs count="1">', '<cellXfs count="2">', 1).replace("</cellXfs>", f"{style}</cellXfs>")

    def sheet(xml: str) -> str:
        start = xml.index(f'<row r="{row}"')
        end = xml.index("</row>", start)
        return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', r'<c r="\1" s="1"', xml[start:end]) + xml[end:]

    _rewrite(out, {STYLES: styles, SHEET: sheet})
    assert services.audit.verify_file(compliance, out).ok


SHEET_RELS = "xl/worksheets/_rels/sheet1.xml.rels"


@pytest.mark.parametrize("attack", ["a comment without its drawing", "a threaded comment", "an input message"])
def test_text_shown_beside_a_cell_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    attack: str,
) -> None:
    """Was BROKE: comments were refused only with the VML drawing Excel writes beside them,
    so a comments part (or Excel 365's threaded comments) related to the sheet without one,
    reading "reversed on appeal" over the block, verified; so did a data validation whose input
    message shows such text whenever the cell is selected. suitcheck writes none of them and
    a re-save adds none; each is now refused as a drawing is."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    comments = (
        f'<?xml version="1.0" encoding="UTF-8"?><comments xmlns="{main}"><authors><author>x</author></authors>'
        f'<commentList><comment ref="J{row}" authorId="0"><text><t>reversed on appeal</t></text></comment>'
        "</commentList></comments>"
    )
    kinds = {
        "a comment without its drawing": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
        "a threaded comment": "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
    }
    with zipfile.ZipFile(out, "a") as book:
        if attack in kinds:
            book.writestr("xl/comments1.xml", comments)
            book.writestr(
                SHEET_RELS,
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                f'package/2006/relationships"><Relationship Id="rId9" Type="{kinds[attack]}" '
                'Target="../comments1.xml"/></Relationships>',
            )
    if attack == "an input message":
        _rewrite(
            out,
            {
                SHEET: lambda x: x.replace(
                    "</sheetData>",
                    f'</sheetData><dataValidations count="1"><dataValidation allowBlank="1" showInputMessage="1" '
                    f'promptTitle="note" prompt="reversed on appeal" sqref="J{row}"/></dataValidations>',
                    1,
                )
            },
        )
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} " in problem, problem
    assert "can show text over its cells" in problem or "shows text beside its cells" in problem, problem


_WHITE_RUN = '<r><rPr><sz val="11"/><color rgb="FFFFFFFF"/><rFont val="Calibri"/></rPr><t>{}</t></r>'


@pytest.mark.parametrize(
    ("attack", "string"),
    [
        ("a run in white", _WHITE_RUN),
        ("a run a point high", '<r><rPr><sz val="1"/><rFont val="Calibri"/></rPr><t>{}</t></r>'),
        ("a run in the background's colour", '<r><rPr><color theme="0"/></rPr><t>{}</t></r>'),
        ("a phonetic guide", '<t>{}</t><rPh sb="0" eb="5"><t>allow</t></rPh>'),
        ("plain text and a run", "<t>{}</t><r><t></t></r>"),
    ],
)
def test_a_decision_hidden_by_a_font_of_its_own_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    attack: str,
    string: str,
) -> None:
    """Was BROKE: the decision cell of the row that hurts written as rich text, its one run
    in a font of its own (white, a point high, the background's colour; or a phonetic guide
    reading something else over it), showed the cell empty (or other text over it) in Excel,
    while `audit verify` said OK: openpyxl's reader joins the runs' text and drops their
    fonts, so the cell held its record's text and the cell styles, which were checked, were
    untouched. Every run must now be in a readable font, and no phonetic guide is taken."""
    services, compliance, out = exported
    cell, row = _allow_cell(out)
    hidden = cell.replace("<is><t>allow</t></is>", "<is>" + string.format("allow") + "</is>")
    _rewrite(out, {SHEET: lambda xml: xml.replace(cell, hidden)})
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} gives part of a cell's text a font that can hide it" in problem, problem


def test_a_shared_string_hidden_by_a_font_of_its_own_fails_with_a_sentence(tmp_path: Path) -> None:
    """Was BROKE: the same in a workbook re-saved by LibreOffice, whose cells are shared
    strings: the string every decision cell reading 'allow' points at, given a white run,
    verified offline with the installation's key."""
    for part in ("audit.xlsx", "audit.xlsx.manifest.json"):
        shutil.copy(LIBREOFFICE / part, tmp_path / part)
    plain = '<si><t xml:space="preserve">allow</t></si>'
    _rewrite(
        tmp_path / "audit.xlsx",
        {"xl/sharedStrings.xml": lambda xml: xml.replace(plain, "<si>" + _WHITE_RUN.format("allow") + "</si>")},
    )
    checked = verify_file_offline(tmp_path / "audit.xlsx", parse_public_keys([LIBREOFFICE_KEY]))
    assert not checked.ok
    assert "gives part of a cell's text a font that can hide it" in str(checked.result.problem), checked.result.problem


def test_a_decision_in_a_readable_run_of_its_own_still_verifies(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Held: a run in bold black (a reader's emphasis) shows its text, and the workbook
    verifies."""
    services, compliance, out = exported
    cell, _ = _allow_cell(out)
    bold = cell.replace("<is><t>allow</t></is>", '<is><r><rPr><b/><color rgb="FF000000"/></rPr><t>allow</t></r></is>')
    _rewrite(out, {SHEET: lambda xml: xml.replace(cell, bold)})
    assert services.audit.verify_file(compliance, out).ok


_WHITE_TABLE_STYLE = (
    '<dxfs count="1"><dxf><font><color rgb="FFFFFFFF"/></font></dxf></dxfs>'
    '<tableStyles count="1" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16">'
    '<tableStyle name="Plain" pivot="0" count="1"><tableStyleElement type="wholeTable" dxfId="0"/></tableStyle>'
    "</tableStyles>"
)
_X14_WHITE_ROW = (
    '<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
    '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="expression" priority="1" id="{{00000000-0000-0000-0000-000000000001}}"><xm:f>TRUE</xm:f>'
    '<x14:dxf><font><color rgb="FFFFFFFF"/></font></x14:dxf></x14:cfRule><xm:sqref>A{row}:P{row}</xm:sqref>'
    "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
)


def test_a_row_whitened_by_a_table_style_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: a table laid over the row that hurts (no header row, a table style of the
    workbook's own whose whole-table format is white text) shows that row empty in Excel, as
    a white cell style would; openpyxl's reader reads no table, and the file verified. A
    workbook with a table (or pivot table) is refused."""
    services, compliance, out = exported
    _cell, row = _allow_cell(out)
    columns = "".join(f'<tableColumn id="{i}" name="c{i}"/>' for i in range(1, 17))
    table = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" name="T1" '
        f'displayName="T1" ref="A{row}:P{row}" headerRowCount="0" totalsRowShown="0">'
        f'<tableColumns count="16">{columns}</tableColumns><tableStyleInfo name="Plain" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="0" showColumnStripes="0"/></table>'
    )
    relationship = (
        '<Relationship Id="rIdTable1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'table" Target="../tables/table1.xml"/>'
    )
    copy = out.with_name("copy.xlsx")
    shutil.copy(out, copy)
    with zipfile.ZipFile(copy) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        assert SHEET_RELS not in source.namelist()
        for item in source.infolist():
            data = source.read(item.filename).decode("utf-8")
            if item.filename == SHEET:
                data = data.replace(
                    "</worksheet>", '<tableParts count="1"><tablePart r:id="rIdTable1"/></tableParts></worksheet>'
                )
            elif item.filename == STYLES:
                data = re.sub(r'<dxfs count="0"/><tableStyles [^>]*/>', _WHITE_TABLE_STYLE, data)
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    "</Types>",
                    '<Override PartName="/xl/tables/table1.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/></Types>',
                )
            target.writestr(item, data.encode("utf-8"))
        target.writestr(
            SHEET_RELS,
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relationship}'
            "</Relationships>",
        )
        target.writestr("xl/tables/table1.xml", table)
    copy.unlink()
    with zipfile.ZipFile(out) as book:
        assert "Plain" in book.read(STYLES).decode("utf-8")
    problem = _failure(services, compliance, out)
    assert (
        problem
        == f"The workbook {out.name} lays a table over its cells, whose style can hide their text; it was edited."
    )


def test_a_row_whitened_by_a_newer_conditional_format_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: the conditional formatting refused since session 26 written as Excel 2010
    writes some rules, in the sheet's extensions (`<extLst>`, an x14 rule with its own white
    font over the row that hurts), verified: openpyxl's reader drops every sheet extension.
    A sheet with extensions (suitcheck and a re-save write none) is refused."""
    services, compliance, out = exported
    _cell, row = _allow_cell(out)
    _rewrite(out, {SHEET: lambda xml: xml.replace("</worksheet>", _X14_WHITE_ROW.format(row=row) + "</worksheet>")})
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} has conditional formatting or merged cells" in problem, problem


@pytest.mark.parametrize(
    ("parent", "own"),
    [
        (  # a white parent font, the cell format's own (black) not applied
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0"/>',
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="1" applyFont="0"/>',
        ),
        (  # a parent number format hiding every value, the cell format's own (General) not applied
            '<xf numFmtId="165" fontId="0" fillId="0" borderId="0"/>',
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="1" applyNumberFormat="0"/>',
        ),
    ],
)
def test_a_row_hidden_by_its_parent_cell_style_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    parent: str,
    own: str,
) -> None:
    """Was BROKE: the row that hurts given a cell format whose own font and number format are
    the export's, but which names a parent cell style (white text, or the format ;;; that
    shows nothing) and says not to apply its own (applyFont="0", applyNumberFormat="0", as
    LibreOffice's re-save writes on every cell format): LibreOffice shows the parent's, and
    `audit verify` said OK, judging the cell format's own font and format only."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]

    def styles(xml: str) -> str:
        xml = xml.replace('<fonts count="1">', '<fonts count="2">', 1).replace(
            "</fonts>", '<font><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>', 1
        )
        xml = xml.replace("<fonts", '<numFmts count="1"><numFmt numFmtId="165" formatCode=";;;"/></numFmts><fonts', 1)
        xml = xml.replace('<cellStyleXfs count="1">', '<cellStyleXfs count="2">', 1)
        xml = xml.replace("</cellStyleXfs>", f"{parent}</cellStyleXfs>", 1)
        return xml.replace('<cellXfs count="1">', '<cellXfs count="2">', 1).replace("</cellXfs>", f"{own}</cellXfs>")

    def sheet(xml: str) -> str:
        start = xml.index(f'<row r="{row}"')
        end = xml.index("</row>", start)
        return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', r'<c r="\1" s="1"', xml[start:end]) + xml[end:]

    _rewrite(out, {STYLES: styles, SHEET: sheet})
    problem = _failure(services, compliance, out)
    assert problem == (
        f"The workbook {out.name} gives cells a cell style that can show them otherwise than they hold; it was edited."
    )


_BLACK_STYLE = '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'


@pytest.mark.parametrize("attack", ["the theme's text colour made white", "an indexed colour redefined as white"])
def test_a_row_whitened_by_the_workbooks_own_colours_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
    attack: str,
) -> None:
    """Was BROKE: the theme is the workbook's own part: its "dark 1" (the text colour every
    cell of the export is written in) made white, and every row but the one that hurts given
    a second style in black, showed only that row empty; the verifier took "dark 1" to be
    dark whatever the theme said, and the file verified. The same with the indexed palette
    (styles.xml may redefine it): black (index 8) redefined as white, given to the row."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    theme = attack.startswith("the theme")

    def styles(xml: str) -> str:
        xml = xml.replace('<fonts count="1">', '<fonts count="2">', 1)
        font = '<color rgb="FF000000"/>' if theme else '<color indexed="8"/>'
        xml = xml.replace("</fonts>", f'<font><sz val="11"/>{font}<name val="Calibri"/></font></fonts>', 1)
        xml = xml.replace('<cellXfs count="1">', '<cellXfs count="2">', 1).replace(
            "</cellXfs>", f"{_BLACK_STYLE}</cellXfs>"
        )
        if not theme:  # the palette: every colour as the standard one, black (8) white
            colours = "".join(
                f'<rgbColor rgb="{"00FFFFFF" if i == 8 else c}"/>' for i, c in enumerate(COLOR_INDEX[:64])
            )
            xml = xml.replace(
                "</styleSheet>", f"<colors><indexedColors>{colours}</indexedColors></colors></styleSheet>"
            )
        return xml

    def sheet(xml: str) -> str:
        if theme:  # every cell black but the row's, which keeps the theme's text colour
            return re.sub(r'<c r="([A-Z]+)(\d+)"', lambda m: m[0] if int(m[2]) == row else f'{m[0]} s="1"', xml)
        start = xml.index(f'<row r="{row}"')
        end = xml.index("</row>", start)
        return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', r'<c r="\1" s="1"', xml[start:end]) + xml[end:]

    edits: dict[str, Edit] = {STYLES: styles, SHEET: sheet}
    if theme:
        edits["xl/theme/theme1.xml"] = lambda xml: xml.replace(
            '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>', '<a:dk1><a:srgbClr val="FFFFFF"/></a:dk1>'
        )
    _rewrite(out, edits)
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} gives cells a font or fill that can hide their text" in problem, problem


def test_rows_frozen_down_to_the_block_fail_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: the export's frozen header pane (one row, one column) frozen down to the
    row before the one that hurts: the frozen rows fill the window, the rows after them
    cannot be scrolled to, and whoever opened the workbook never saw the block; `audit
    verify` said OK. Panes frozen beyond the header are refused, as hidden rows are."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    frozen = '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'

    def sheet(xml: str) -> str:
        assert frozen in xml
        return xml.replace(
            frozen, frozen.replace('ySplit="1" topLeftCell="B2"', f'ySplit="{row - 1}" topLeftCell="B{row + 1}"')
        )

    _rewrite(out, {SHEET: sheet})
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} hides rows or columns from whoever opens it" in problem, problem


def test_a_decision_shrunk_to_fit_a_narrow_column_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: the decision column one character wide (the least width accepted) and the
    row that hurts given a style that shrinks text to fit its cell: the 11-point font and the
    width each passed, and Excel drew 'block' about two points high, unreadable; `audit
    verify` said OK. A cell style that shrinks text to fit is refused."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]

    def styles(xml: str) -> str:
        style = (
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
            '<alignment shrinkToFit="1"/></xf>'
        )
        return xml.replace('<cellXfs count="1">', '<cellXfs count="2">', 1).replace("</cellXfs>", f"{style}</cellXfs>")

    def sheet(xml: str) -> str:
        xml = xml.replace(
            '<col min="10" max="10" width="20.7109375" customWidth="1"/>',
            '<col min="10" max="10" width="1" customWidth="1"/>',
        )
        start = xml.index(f'<row r="{row}"')
        end = xml.index("</row>", start)
        return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', r'<c r="\1" s="1"', xml[start:end]) + xml[end:]

    _rewrite(out, {STYLES: styles, SHEET: sheet})
    problem = _failure(services, compliance, out)
    assert f"The workbook {out.name} gives cells a font or fill that can hide their text" in problem, problem


def test_a_second_styles_part_named_by_the_workbook_fails_with_a_sentence(
    exported: tuple[Services, Actor, Path],  # noqa: F811
) -> None:
    """Was BROKE: a second styles part (xl/styles2.xml: a second cell format in white) named
    by the workbook's relationships, and the row that hurts given that format: a spreadsheet
    reads the styles the relationships name, openpyxl reads xl/styles.xml by name, so every
    font check judged the untouched first part and `audit verify` said OK. Styles and theme
    must come from the parts verified here."""
    services, compliance, out = exported
    row = _allow_cell(out)[1]
    with zipfile.ZipFile(out) as book:
        styles = book.read(STYLES).decode("utf-8")
    white = (
        styles.replace('<fonts count="1">', '<fonts count="2">', 1)
        .replace("</fonts>", '<font><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>', 1)
        .replace('<cellXfs count="1">', '<cellXfs count="2">', 1)
        .replace("</cellXfs>", '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>')
    )

    def sheet(xml: str) -> str:
        start = xml.index(f'<row r="{row}"')
        end = xml.index("</row>", start)
        return xml[:start] + re.sub(r'<c r="([A-Z]+\d+)"', r'<c r="\1" s="1"', xml[start:end]) + xml[end:]

    _rewrite(
        out,
        {
            SHEET: sheet,
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace('Target="styles.xml"', 'Target="styles2.xml"'),
            "[Content_Types].xml": lambda xml: xml.replace(
                "</Types>",
                '<Override PartName="/xl/styles2.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
            ),
        },
    )
    with zipfile.ZipFile(out, "a") as book:
        book.writestr("xl/styles2.xml", white)
    problem = _failure(services, compliance, out)
    assert problem == (
        f"The workbook {out.name} takes its styles or theme from a part other than the one verified here; "
        "it was edited."
    )
