"""Control characters and bidi overrides in file names and titles never reach a terminal
or a window raw: the CLI prints visible escapes, JSON escapes them (same data to a
parser), and the GUI's tables show the escapes too."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from suitcheck.domain.text import escape_controls, json_escape_controls
from tests.cli.test_cli import run
from tests.fixtures import report_text

RAW = ("\x1b", "\u202e", "\u2066", "\x9b", "\x07", "\u200f")
HOSTILE_TITLE = "研报标题\x1b[2J\x1b[31m红字\u202egnp.exe\u2066隔离\x9b6n结束"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
        ("a\u2066b\u2069c", "a\\u2066b\\u2069c"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("bell\x07 tab\t del\x7f", "bell\\x07 tab\\x09 del\\x7f"),
        ("普通中文标题（2025）", "普通中文标题（2025）"),
    ],
)
def test_escape_controls(text: str, shown: str) -> None:
    assert escape_controls(text) == shown
    assert escape_controls("two\nlines\x1b", keep="\n") == "two\nlines\\x1b"


@pytest.mark.parametrize("indent", [None, 2])
def test_json_escaping_keeps_the_data(indent: int | None) -> None:
    data = {"title": HOSTILE_TITLE, "path": "/tmp/a\nb\u202e.txt", "n": [1, 2]}
    dumped = json_escape_controls(json.dumps(data, ensure_ascii=False, indent=indent))
    assert not any(ch in dumped for ch in RAW)
    assert json.loads(dumped) == data


def test_cli_shows_hostile_names_and_titles_escaped(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("file names with control characters are a POSIX thing")
    db = tmp_path / "demo.db"
    assert run("seed-demo", db=db, password=None).returncode == 0
    folder = tmp_path / "drop"
    folder.mkdir()
    name = "rep\x1b]0;owned\x07ort\u202etxt.exe.txt"
    (folder / name).write_text(report_text("中风险", HOSTILE_TITLE), encoding="utf-8")
    imported = run("report", "import", str(folder), "--user", "demo-compliance", db=db)
    assert imported.returncode == 0, imported.stderr
    listed = run("report", "search", "研报标题", "--user", "demo-compliance", db=db)
    as_json = run("report", "search", "研报标题", "--json", "--user", "demo-compliance", db=db)
    for result in (imported, listed, as_json):
        assert not any(ch in result.stdout + result.stderr for ch in RAW), repr(result.stdout)
    assert "\\x1b]0;owned\\x07" in imported.stdout
    assert "\\u202e" in imported.stdout
    assert "\\u202e" in listed.stdout
    assert "研报标题" in listed.stdout
    (found,) = json.loads(as_json.stdout)
    assert "\u202e" in found["title"]
    assert found["source_name"] == name  # the data itself is kept


def test_gui_tables_show_escapes(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from suitcheck.domain.codes import ImportStatus
    from suitcheck.gui.models import ImportResultsModel
    from suitcheck.services.reports import ImportResult

    model = ImportResultsModel()
    model.append(ImportResult("/x/evil\u202etxt.exe.pdf", ImportStatus.FAILED, None, "bad \x1b[31m", "corrupt"))
    shown = [model.data(model.index(0, column), Qt.ItemDataRole.DisplayRole) for column in range(model.columnCount())]
    text = " ".join(str(s) for s in shown if s is not None)
    assert not any(ch in text for ch in RAW)
    assert "\\u202e" in text
