"""The import wizard and a column that may hold a safety fact under a name the import does
not know: the clerk says what it holds before the dry run, never passed over unseen."""

from __future__ import annotations

from pathlib import Path

from suitcheck.gui.dialogs.client_import import ClientImportWizard
from suitcheck.services import Services
from tests.gui.conftest import login
from tests.services.clientfiles import HEADERS_ZH, client_rows, write_csv


def _file(tmp_path: Path) -> Path:
    headers = list(HEADERS_ZH)
    headers[6] = "最低风险类别(是/否)"
    rows = client_rows(2)
    for row in rows:
        row[4], row[6] = "保守型", "是"
    return write_csv(tmp_path / "clients.csv", rows, headers=headers)


def _columns_page(qtbot, services: Services, path: Path) -> ClientImportWizard:  # type: ignore[no-untyped-def]
    wizard = ClientImportWizard(services, login(services, "demo-compliance"))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.choose(path)
    wizard.next()
    return wizard


def test_the_column_must_be_chosen_and_then_its_flag_is_imported(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    wizard = _columns_page(qtbot, demo_services, _file(tmp_path))
    page = wizard.mapping_page
    assert not page.isComplete()
    assert "最低风险类别(是/否)" in page.status.text()
    assert "Lowest category" in page.status.text()
    assert "风险承受能力最低类别" in page.status.text()
    page.boxes[6].setCurrentIndex(page.boxes[6].findData("lowest_category"))
    assert page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=30_000)
    assert wizard.outcome is not None
    assert wizard.outcome.new == 2
    view = demo_services.investors.get(login(demo_services, "demo-compliance"), "A000001")
    assert view.lowest_category


def test_not_imported_is_a_choice_the_clerk_makes(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    wizard = _columns_page(qtbot, demo_services, _file(tmp_path))
    page = wizard.mapping_page
    page.boxes[6].setCurrentIndex(page.boxes[6].findData(""))
    assert page.isComplete()
    assert page.status.text() == "The columns are ready."
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    assert wizard.dry is not None
    assert (wizard.dry.new, wizard.dry.ignored_columns) == (2, ("最低风险类别(是/否)",))


def test_the_column_to_choose_is_in_sight_on_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """The column the clerk must decide was below the mapping table's fold (seven columns,
    six in sight), the sentence naming it under the preview: it is scrolled into sight and
    its choice is the current cell."""
    wizard = ClientImportWizard(demo_services, login(demo_services, "demo-compliance"))
    qtbot.addWidget(wizard)
    wizard.resize(1024, 600)
    wizard.show()
    wizard.file_page.choose(_file(tmp_path))
    wizard.next()
    table = wizard.mapping_page.columns

    item = table.item(6, 0)
    assert item is not None

    def in_sight() -> bool:
        rect = table.visualItemRect(item)
        return rect.top() >= 0 and rect.bottom() <= table.viewport().height()

    qtbot.waitUntil(in_sight, timeout=2000)
    assert (table.currentRow(), table.currentColumn()) == (6, 1)
