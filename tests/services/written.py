"""What the written-file tests look at: a fresh output folder, an XLSX file's rows, and
the actions the trail recorded. Shared by the sheet-limit and lose-nothing tests."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from suitcheck.services import Actor, Services


def out_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def xlsx_rows(path: Path, sheet: str | None = None) -> list[tuple[object, ...]]:
    book = load_workbook(path, read_only=True)
    return [tuple(r) for r in (book[sheet] if sheet else book.active).iter_rows(values_only=True)]


def recorded_actions(services: Services, actor: Actor) -> list[str]:
    return [e.action for e in services.audit.browse(actor, limit=10_000)]
