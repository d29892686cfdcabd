"""The client import wizard, driven through its pages: file, columns, dry run, import."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QWizard

from suitcheck.gui.dialogs.client_import import ClientImportWizard
from suitcheck.gui.i18n import Translations
from suitcheck.services import Services
from tests.gui.conftest import login
from tests.services.clientfiles import HEADERS_ZH, client_rows, write_csv, write_xlsx


def _wizard(qtbot, services: Services) -> ClientImportWizard:  # type: ignore[no-untyped-def]
    wizard = ClientImportWizard(services, login(services, "demo-compliance"))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_file_mapping_dry_run_import_and_report(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = client_rows(3)
    rows[2][4] = "C9"
    odd = ["客户代码X", "客户姓名", "证件号码", "投资者类别", "风险承受能力", "测评日期", "最低类别", "特别关注"]
    path = write_csv(tmp_path / "clients.csv", rows, headers=odd, encoding="gbk")
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    assert wizard.file_page.detected.text() == "CSV text, encoding gbk"
    wizard.next()
    page = wizard.mapping_page
    assert not page.isComplete()
    assert "Account number" in page.status.text()  # 客户代码X is unknown
    page.boxes[0].setCurrentIndex(page.boxes[0].findData("account"))
    assert page.isComplete()
    assert page.rows.item(0, 3).text().count("*") == 8  # ID numbers masked in the preview
    wizard.next()
    diff = wizard.diff_page
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    assert "3 rows: 2 new, 0 changed" in diff.summary.text()
    assert diff.problems.rowCount() == 1
    assert diff.problems.item(0, 1).text() == "风险承受能力"
    assert not diff.isComplete()  # an invalid row: all or nothing unless partial is chosen
    diff.partial.setChecked(True)
    assert diff.isComplete()
    before = demo_services.investors.count(login(demo_services, "demo-compliance"))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=30_000)
    assert wizard.outcome is not None
    assert wizard.outcome.written
    assert wizard.outcome.new == 2
    assert "Imported: 2 new" in wizard.run_page.status.text()
    assert demo_services.investors.count(login(demo_services, "demo-compliance")) == before + 2
    assert wizard.run_page.report_button.isEnabled()
    assert wizard.report_path.exists()


def test_a_file_saved_over_after_the_dry_run_is_not_imported(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    """The import read the file again by its name: one saved over after the dry run was
    imported unseen, the store left other than the diff page said."""
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    assert "2 rows: 2 new" in wizard.diff_page.summary.text()
    write_csv(path, client_rows(3))  # the next export, or the clerk's edit, saved over it
    actor = login(demo_services, "demo-compliance")
    before = demo_services.investors.count(actor)
    wizard.next()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30_000)
    assert wizard.outcome is None
    assert demo_services.investors.count(actor) == before
    assert message_boxes == [
        (
            "Please check the input.",
            "The file c.csv changed since it was checked; nothing was imported. Check it again before importing it.",
        )
    ]


def test_a_file_saved_over_after_the_dry_run_can_be_checked_again(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    """The refusal said "Check it again before importing it", but Back was disabled and
    Close the only button: the clerk had to start over, file and columns again."""
    rows = client_rows(3)
    odd = ["客户代码X", "客户姓名", "证件号码", "投资者类别", "风险承受能力", "测评日期", "最低类别", "特别关注"]
    path = write_csv(tmp_path / "c.csv", rows[:2], headers=odd)
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    page = wizard.mapping_page
    page.boxes[0].setCurrentIndex(page.boxes[0].findData("account"))  # the clerk's own choice
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    write_csv(path, rows, headers=odd)  # saved over with a third client
    wizard.next()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30_000)
    again = wizard.run_page.check_again_button
    # what stopped it stays on the page once the box is closed, beside the way back
    assert "changed since it was checked; nothing was imported" in wizard.run_page.status.text()
    assert again.isVisible()
    assert again.isEnabled()
    again.click()
    assert wizard.currentPage() is page
    assert page.rows.rowCount() == 3  # the file as it now stands
    assert page.isComplete()  # the clerk's column choice kept
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    assert "3 rows: 3 new" in wizard.diff_page.summary.text()
    actor = login(demo_services, "demo-compliance")
    before = demo_services.investors.count(actor)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=30_000)
    assert demo_services.investors.count(actor) == before + 3
    assert not wizard.run_page.check_again_button.isVisible()


def test_only_a_file_changed_since_its_check_is_offered_a_new_check(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    path.unlink()  # gone: checking it again cannot help
    wizard.next()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30_000)
    assert wizard.run_page.job is None
    assert not wizard.run_page.check_again_button.isVisible()


def test_a_column_renamed_after_the_columns_were_shown_is_said_and_shown_in_the_desks_words(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    """The dry run refused in the command line's words, a field's code name and a CLI
    option ("no column for: account (give the header names with --mapping)"), and Back
    showed the columns as they were: Next refused again, for ever."""
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    renamed = ["账户X", *HEADERS_ZH[1:]]
    write_csv(path, client_rows(3), headers=renamed)  # the next export, its account column renamed
    wizard.next()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30_000)
    assert wizard.dry is None
    ((_, text),) = message_boxes
    assert "--mapping" not in text
    assert "account" not in text
    assert "Account number" in text
    wizard.back()
    page = wizard.mapping_page
    assert page.columns.item(0, 0).text() == "账户X"  # the file as it now stands
    assert page.rows.rowCount() == 3
    assert not page.isComplete()
    page.boxes[0].setCurrentIndex(page.boxes[0].findData("account"))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    assert "3 rows: 3 new" in wizard.diff_page.summary.text()


def test_back_to_the_columns_keeps_the_clerks_choices(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    page = wizard.mapping_page
    page.boxes[7].setCurrentIndex(0)  # 特别关注: not imported, though its name is known
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    wizard.back()
    assert page.boxes[7].currentIndex() == 0
    assert "special_attention" not in page.current_mapping().values()


def test_a_dry_run_left_by_back_does_not_answer_for_the_next_one(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    """Back while a dry run ran left it running: its answer, for the columns as they were,
    replaced the next dry run's on the page, and Import imported by the new columns what
    the old ones' diff showed."""
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    release = threading.Event()
    real = demo_services.client_files.import_clients
    calls: list[object] = []

    def held_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs.get("mapping"))
        if len(calls) == 1:
            release.wait(30)
        return real(*args, **kwargs)

    demo_services.client_files.import_clients = held_first  # type: ignore[method-assign]
    wizard.next()  # the first dry run, still reading
    wizard.back()
    page = wizard.mapping_page
    page.boxes[7].setCurrentIndex(0)  # the clerk now leaves special attention out
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    second, summary = wizard.dry, wizard.diff_page.summary.text()
    release.set()
    qtbot.waitUntil(lambda: not wizard.runner.busy(), timeout=30_000)
    assert wizard.dry is second
    assert wizard.diff_page.summary.text() == summary
    assert wizard.diff_page.job is None
    assert message_boxes == []


def test_stop_leaves_every_client_as_it_was(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "clients.xlsx", client_rows(1500))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    assert wizard.file_page.detected.text() == "Excel workbook, sheet 客户"
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=60_000)
    actor = login(demo_services, "demo-compliance")
    before = demo_services.investors.count(actor)
    wizard.next()
    wizard.run_page.job.cancel()  # before the first 500 clients are written
    qtbot.waitUntil(lambda: wizard.run_page.job is None, timeout=60_000)
    assert wizard.outcome is None
    assert "nothing was changed" in wizard.run_page.status.text()
    assert demo_services.investors.count(actor) == before


def test_cancel_does_not_abandon_a_running_import(qtbot, demo_services: Services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    release = threading.Event()
    real = demo_services.client_files.import_clients

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(30)
        return real(*args, **kwargs)

    demo_services.client_files.import_clients = slow  # type: ignore[method-assign]
    wizard.next()
    assert wizard.run_page.job is not None
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.isVisible()  # the wizard waits for the job; Stop is the way to end it
    release.set()
    qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=30_000)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not wizard.isVisible()


def test_the_wizard_is_on_the_compliance_menu_only(window_for) -> None:  # type: ignore[no-untyped-def]
    assert not window_for("demo-advisor").import_clients_action.isVisible()
    window = window_for("demo-compliance")
    assert window.import_clients_action.isVisible()
    assert window.import_clients_action.text() == "Import clients from a core-system file…"


def test_the_bar_moves_while_clients_are_sealed_and_stop_there_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path
) -> None:
    """The sealing and writing steps report progress too (not only the audit entries),
    and Stop during sealing leaves every client as it was."""
    from suitcheck.services.client_import import progress_span

    path = write_csv(tmp_path / "c.csv", client_rows(2_500))
    actor = login(demo_services, "demo-compliance")
    before = demo_services.investors.count(actor)
    real = demo_services.client_files.import_clients
    sealing = threading.Event()
    go_on = threading.Event()

    def watched(*args, progress=None, **kwargs):  # type: ignore[no-untyped-def]
        def step(phase: str, done: int) -> None:
            progress(phase, done)
            if phase == "seal" and not sealing.is_set():
                sealing.set()
                go_on.wait(30)  # hold the sealing step until the test has looked at the bar

        return real(*args, progress=step if progress else None, **kwargs)

    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.dry is not None, timeout=30_000)
    assert wizard.dry is not None
    spans = progress_span(wizard.dry.counts())
    demo_services.client_files.import_clients = watched  # type: ignore[method-assign]
    wizard.next()
    bar = wizard.run_page.progress
    qtbot.waitUntil(sealing.is_set, timeout=30_000)
    # The first sealed page moves the bar past the read rows, before any audit entry.
    qtbot.waitUntil(lambda: bar.value() > spans["seal"][0], timeout=10_000)
    assert bar.value() < spans["new"][0]
    # ... and the words under it say which step it is in.
    qtbot.waitUntil(lambda: wizard.run_page.status.text() == "Sealing the new clients' records…", timeout=10_000)
    wizard.run_page.stop_button.click()
    assert wizard.run_page.status.text() == "Stopping… nothing will be changed."
    assert not wizard.run_page.stop_button.isEnabled()
    go_on.set()
    qtbot.waitUntil(lambda: wizard.run_page.job is None, timeout=60_000)
    assert "nothing was changed" in wizard.run_page.status.text()
    assert demo_services.investors.count(actor) == before


def test_every_step_of_an_import_has_words_for_the_user(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """A step the service reports (client_import.PHASES) that the wizard could not name
    would leave the last step's words standing under a moving bar."""
    from suitcheck.services.client_import import PHASES

    wizard = _wizard(qtbot, demo_services)
    words = wizard.run_page._phase_words()
    assert sorted(words) == sorted(phase for phase, _ in PHASES)
    assert len(set(words.values())) == len(words)


def test_the_columns_page_says_why_a_file_has_no_account_or_name_column(  # type: ignore[no-untyped-def]
    qtbot, qapp, demo_services: Services, tmp_path: Path
) -> None:
    """A semicolon-separated file, or one with a title row above the header, showed only
    "No column holds: …": the page says why, in the desk's language."""
    wizard = _wizard(qtbot, demo_services)
    wizard.file_page.choose(write_csv(tmp_path / "semi.csv", client_rows(2), sep=";"))
    wizard.next()
    assert "separated by semicolons: save it as comma- or tab-separated CSV" in wizard.mapping_page.status.text()
    titled = tmp_path / "titled.csv"
    titled.write_bytes("客户名单\r\n".encode() + write_csv(tmp_path / "c.csv", client_rows(2)).read_bytes())
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        wizard = _wizard(qtbot, demo_services)
        wizard.file_page.choose(titled)
        wizard.next()
        assert "表头不在第一行（第 2 行是列名）" in wizard.mapping_page.status.text()
        assert not wizard.mapping_page.isComplete()
    finally:
        translations.apply("en")
