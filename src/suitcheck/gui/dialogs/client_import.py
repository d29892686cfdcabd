"""The client import wizard (compliance): pick a file, check the columns, see the dry-run
diff, import with progress and cancel, open the report. Every decision is the service's."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from suitcheck.domain.clients import FIELDS, known_headers
from suitcheck.domain.clients import IGNORE as PASS_OVER
from suitcheck.domain.text import escape_controls
from suitcheck.gui.errors import show_error
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.messages import error_text
from suitcheck.gui.session import when_present
from suitcheck.gui.texts import class_text
from suitcheck.gui.widgets import enter_never_commits, resize_within_screen
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.client_import import (
    CHANGED_SINCE_CHECKED,
    COLUMNS_MISSING,
    COLUMNS_UNREAD,
    DiffItem,
    ImportResult,
    Preview,
    progress_span,
)
from suitcheck.services.errors import ServiceError

FIELD_NAMES = {
    "account": QT_TRANSLATE_NOOP("ClientImport", "Account number"),
    "name": QT_TRANSLATE_NOOP("ClientImport", "Name"),
    "id_number": QT_TRANSLATE_NOOP("ClientImport", "ID number"),
    "class": QT_TRANSLATE_NOOP("ClientImport", "Investor class"),
    "profile": QT_TRANSLATE_NOOP("ClientImport", "Risk profile"),
    "assessed": QT_TRANSLATE_NOOP("ClientImport", "Assessment date"),
    "lowest_category": QT_TRANSLATE_NOOP("ClientImport", "Lowest category"),
    "special_attention": QT_TRANSLATE_NOOP("ClientImport", "Special attention"),
    "branch": QT_TRANSLATE_NOOP("ClientImport", "Branch"),
}

# A column whose header says it may hold a safety fact the import does not know it by
# (Preview.columns.unread): the clerk says what it holds before the dry run.
UNREAD_TEXT = QT_TRANSLATE_NOOP(
    "ClientImport",
    "The column {column} may hold: {field}, but the import does not know that name (it knows: {known}). "
    "Choose what the column holds; choose (not imported) only if it holds something else.",
)

PROBLEM_TEXTS = {
    "missing": QT_TRANSLATE_NOOP("ClientImport", "is empty"),
    "too-long": QT_TRANSLATE_NOOP("ClientImport", "is too long"),
    "compatibility-character": QT_TRANSLATE_NOOP(
        "ClientImport",
        "holds a full-width or other compatibility form of a character (８ for 8, Ａ for A); "
        "use the ordinary half-width form",
    ),
    "unreadable-character": QT_TRANSLATE_NOOP(
        "ClientImport",
        "holds a character that does not show as itself (a control or invisible character, "
        "or \ufffd (U+FFFD), which stands for text that could not be read)",
    ),
    "invalid-id": QT_TRANSLATE_NOOP("ClientImport", "is not a valid ID number"),
    "id-as-number": QT_TRANSLATE_NOOP("ClientImport", "is a number cell, which loses digits; store ID numbers as text"),
    "spreadsheet-error": QT_TRANSLATE_NOOP(
        "ClientImport", "is a spreadsheet's error value (#N/A, #REF!, …): a formula in the sheet it came from failed"
    ),
    "name-lost-characters": QT_TRANSLATE_NOOP(
        "ClientImport",
        "holds ? where the name on record has a character: the file's encoding could not hold it "
        "(GBK lacks rare characters); export the file in UTF-8",
    ),
    "account-formula": QT_TRANSLATE_NOOP(
        "ClientImport", "is a spreadsheet formula, not the account it shows; save the sheet's values, accounts as text"
    ),
    "account-scientific": QT_TRANSLATE_NOOP(
        "ClientImport",
        "is a number in scientific notation (1.23457E+17), as a spreadsheet shows a long number: the account's "
        "digits are lost; store account numbers as text",
    ),
    "account-decimal": QT_TRANSLATE_NOOP(
        "ClientImport",
        "is a whole number written with a decimal point (880001.0), as a program writes a spreadsheet's number; "
        "store account numbers as text",
    ),
    "account-as-number": QT_TRANSLATE_NOOP(
        "ClientImport",
        "is a number cell of more than 15 digits, which a spreadsheet cannot hold; store account numbers as text",
    ),
    "account-lost-zeros": QT_TRANSLATE_NOOP(
        "ClientImport",
        "is a client's account on record without its leading zeros (a spreadsheet drops them from numbers); "
        "store account numbers as text",
    ),
    "unknown-class": QT_TRANSLATE_NOOP("ClientImport", "is not an investor class"),
    "unknown-profile": QT_TRANSLATE_NOOP("ClientImport", "is not a risk profile (C1 to C5)"),
    "profile-without-date": QT_TRANSLATE_NOOP("ClientImport", "needs its assessment date"),
    "date-without-profile": QT_TRANSLATE_NOOP("ClientImport", "is an assessment date without a profile"),
    "bad-date": QT_TRANSLATE_NOOP("ClientImport", "is not a date (2026-03-02, 2026/3/2 or 20260302)"),
    "future-date": QT_TRANSLATE_NOOP("ClientImport", "is in the future"),
    "before-birth": QT_TRANSLATE_NOOP(
        "ClientImport", "is before the client was born (the birth date in the ID number)"
    ),
    "bad-flag": QT_TRANSLATE_NOOP("ClientImport", "is not yes or no (是/否)"),
    "lowest-not-c1": QT_TRANSLATE_NOOP("ClientImport", "the lowest category implies profile C1"),
    "professional-lowest": QT_TRANSLATE_NOOP("ClientImport", "a client in the lowest category cannot be professional"),
    "duplicate-account": QT_TRANSLATE_NOOP("ClientImport", "appears on more than one row of the file"),
    "duplicate-id": QT_TRANSLATE_NOOP("ClientImport", "appears on more than one row of the file"),
    "id-on-other-account": QT_TRANSLATE_NOOP("ClientImport", "belongs to another client account in the store"),
    "id-differs": QT_TRANSLATE_NOOP("ClientImport", "differs from the ID number on record"),
    "born-after-assessment": QT_TRANSLATE_NOOP(
        "ClientImport", "gives a birth date after the client's assessment on record"
    ),
    "lowest-lift": QT_TRANSLATE_NOOP(
        "ClientImport", "leaving the lowest category needs compliance and a reason (edit the client)"
    ),
    "minor": QT_TRANSLATE_NOOP(
        "ClientImport",
        "is not for a client under 18 (the birth date in the ID number): a new client under 18 enters the "
        "lowest category, profile C1 and never professional",
    ),
    "unknown-branch": QT_TRANSLATE_NOOP("ClientImport", "is not a branch code or name"),
    "ambiguous-branch": QT_TRANSLATE_NOOP("ClientImport", "is the name of more than one branch; give the branch code"),
    "changed-branch": QT_TRANSLATE_NOOP(
        "ClientImport", "names a branch whose record was changed outside suitcheck; compliance must investigate"
    ),
    "other-branch": QT_TRANSLATE_NOOP(
        "ClientImport", "is not your branch: you may import clients only into your own branch"
    ),
    "other-branch-client": QT_TRANSLATE_NOOP(
        "ClientImport", "is a client of another branch: you may import clients only of your own branch"
    ),
    "branch-move": QT_TRANSLATE_NOOP(
        "ClientImport",
        "differs from the client's branch; compliance moves a client, with a reason (suitcheck investor move)",
    ),
}


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setAlternatingRowColors(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(escape_controls(value))  # file text: escapes, never obeyed
            # Whole where the column cuts it ("…Special attention yes"); as plain text, never markup.
            item.setToolTip(Qt.convertFromPlainText(item.text()))
            table.setItem(r, c, item)


class ClientImportWizard(QWizard):
    """Four pages; the file, mapping and dry-run result are shared here."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientImportWizard")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.path: Path | None = None
        self.sheet: str | None = None
        self.preview: Preview | None = None
        self.mapping: dict[str, str] = {}
        self.dry: ImportResult | None = None
        self.outcome: ImportResult | None = None
        self.report_path = Path(tempfile.mkdtemp(prefix="suitcheck-import-")) / "client-import-report.xlsx"
        self.setWindowTitle(self.tr("Import clients"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        resize_within_screen(self, 980, 640)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.diff_page = DiffPage(self)
        self.run_page = RunPage(self)
        for page in (self.file_page, self.mapping_page, self.diff_page, self.run_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Back"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Close"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        enter_never_commits(self)  # the dry run's page imports only when Import is pressed

    def load_preview(self) -> bool:
        if self.path is None:
            return False
        try:
            self.preview = self.services.client_files.preview(
                self.actor, self.path, sheet=self.sheet, mapping=self.mapping or None
            )
        except ServiceError as exc:
            show_error(self, exc)
            return False
        return True

    def reread(self) -> bool:
        """The file as it now stands (saved over since it was shown): the columns page shows
        its columns and first rows, the clerk's choices kept while its columns are those shown."""
        shown = self.preview
        if not self.load_preview() or self.preview is None:
            return False
        if shown is not None and self.preview.headers == shown.headers:
            self.mapping_page.show_rows()
        else:
            self.mapping_page.initializePage()
        return True

    def running_work(self) -> str | None:
        """For the lock screen: what switching user does to the import (or its dry run)."""
        if self.run_page.job is not None:
            return self.tr("Importing clients: switching user stops it, and every client stays as it was.")
        if self.diff_page.job is not None:
            return self.tr("Checking a client file (nothing is written yet): switching user stops it.")
        return None

    def session_ending(self) -> None:
        """The session ends (switch user): stop as Stop does; the import is all or nothing."""
        for job in (self.run_page.job, self.diff_page.job):
            if job is not None:
                job.cancel()

    def reject(self) -> None:
        if self.run_page.job is not None or self.diff_page.job is not None:
            return  # a running job is stopped with its own button, never abandoned
        super().reject()


class FilePage(QWizardPage):
    def __init__(self, wizard: ClientImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Choose the client file"))
        self.setSubTitle(self.tr("A .csv (UTF-8 or GBK) or .xlsx export of the core system or CRM."))
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("clientFilePath")
        self.path_edit.setReadOnly(True)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.setObjectName("clientFileBrowse")
        browse.clicked.connect(self._browse)
        self.sheet_box = QComboBox(self)
        self.sheet_box.setObjectName("clientFileSheet")
        self.sheet_box.setEnabled(False)
        self.sheet_box.currentTextChanged.connect(self._sheet_changed)
        self.detected = QLabel(self)
        self.detected.setObjectName("clientFileDetected")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("File:"), row)
        form.addRow(self.tr("Sheet:"), self.sheet_box)
        form.addRow(self.tr("Detected:"), self.detected)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Client file"), "", self.tr("Client files (*.csv *.xlsx)"))
        if name:
            self.choose(Path(name))

    def choose(self, path: Path, sheet: str | None = None) -> None:
        self.w.path, self.w.sheet, self.w.mapping = path, sheet, {}
        self.path_edit.setText(str(path))
        if self.w.load_preview() and self.w.preview is not None:
            p = self.w.preview
            self.sheet_box.blockSignals(True)
            self.sheet_box.clear()
            self.sheet_box.addItems(list(p.sheets))
            if p.sheet:
                self.sheet_box.setCurrentText(p.sheet)
            self.sheet_box.setEnabled(bool(p.sheets))
            self.sheet_box.blockSignals(False)
            if p.kind == "csv":
                self.detected.setText(self.tr("CSV text, encoding {}").format(p.encoding))
            else:
                self.detected.setText(self.tr("Excel workbook, sheet {}").format(p.sheet))
        else:
            self.w.preview = None
            self.detected.setText("")
        self.completeChanged.emit()

    def _sheet_changed(self, sheet: str) -> None:
        if self.w.path is not None and sheet:
            self.choose(self.w.path, sheet)

    def isComplete(self) -> bool:
        return self.w.preview is not None


YES, NO = QT_TRANSLATE_NOOP("ClientImport", "yes"), QT_TRANSLATE_NOOP("ClientImport", "no")
IGNORE = ""
UNDECIDED = "?"  # a column that may hold a safety fact, nothing chosen for it yet
SHOWN = 2000  # rows of the diff and of the invalid list the dry-run page shows


class MappingPage(QWizardPage):
    def __init__(self, wizard: ClientImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Check the columns"))
        self.setSubTitle(self.tr("Each column of the file and what it holds; change any that is wrong."))
        self.columns = _table(self, "clientMapping", [self.tr("Column in the file"), self.tr("Holds")])
        self.columns.setColumnWidth(0, 260)
        self.rows = _table(self, "clientFirstRows", [])
        self.status = QLabel(self)
        self.status.setObjectName("clientMappingStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.columns, 2)
        layout.addWidget(QLabel(self.tr("First rows (ID numbers masked):"), self))
        layout.addWidget(self.rows, 3)
        layout.addWidget(self.status)
        self.boxes: list[QComboBox] = []

    def initializePage(self) -> None:
        p = self.w.preview
        assert p is not None
        self.columns.setRowCount(len(p.headers))
        self.boxes = []
        by_index = {i: f for f, i in p.columns.columns.items()}
        unread = {header for header, _ in p.columns.unread}
        for r, header in enumerate(p.headers):
            self.columns.setItem(r, 0, QTableWidgetItem(escape_controls(header)))
            box = QComboBox(self.columns)
            if header in unread:
                box.addItem(self.tr("(choose what it holds)"), UNDECIDED)
            box.addItem(self.tr("(not imported)"), IGNORE)
            for field in FIELDS:
                box.addItem(translated("ClientImport", FIELD_NAMES[field]), field)
            box.setCurrentIndex(max(0, box.findData(by_index.get(r, UNDECIDED if header in unread else IGNORE))))
            box.currentIndexChanged.connect(self._changed)
            self.columns.setCellWidget(r, 1, box)
            self.boxes.append(box)
        self.show_rows()
        self._changed()
        # The column the clerk must decide is brought into sight (it was below the table's
        # fold on a 1024 screen, the sentence under the preview naming it).
        undecided = next((r for r, box in enumerate(self.boxes) if box.currentData() == UNDECIDED), None)
        item = None if undecided is None else self.columns.item(undecided, 0)
        if undecided is not None and item is not None:
            self.columns.setCurrentCell(undecided, 1)
            table = self.columns  # once laid out; with the table as context: not after it is gone
            QTimer.singleShot(0, table, lambda: table.scrollToItem(item))

    def show_rows(self) -> None:
        p = self.w.preview
        assert p is not None
        self.rows.setColumnCount(len(p.headers) + 1)
        self.rows.setHorizontalHeaderLabels([self.tr("Row"), *p.headers])
        _fill(self.rows, [[str(n), *cells] for n, cells in p.rows])

    def current_mapping(self) -> dict[str, str]:
        """Each column the clerk says holds a field; a column that may hold a safety fact and
        that the clerk says holds none is passed over by name (the service refuses it unnamed)."""
        p = self.w.preview
        assert p is not None
        unread = {header for header, _ in p.columns.unread}
        mapping = {}
        for r, box in enumerate(self.boxes):
            data = box.currentData()
            if data == UNDECIDED:
                continue
            if data:
                mapping[p.headers[r]] = str(data)
            elif p.headers[r] in unread:
                mapping[p.headers[r]] = PASS_OVER
        return mapping

    def _chosen(self) -> list[str]:
        return [field for field in self.current_mapping().values() if field != PASS_OVER]

    def _undecided(self) -> list[str]:
        """What the page says of each column that may hold a safety fact, nothing chosen."""
        p = self.w.preview
        assert p is not None
        fields = dict(p.columns.unread)
        return [
            translated("ClientImport", UNREAD_TEXT).format(
                column=escape_controls(p.headers[r]),
                field=translated("ClientImport", FIELD_NAMES[fields[p.headers[r]]]),
                known=", ".join(known_headers(fields[p.headers[r]])),
            )
            for r, box in enumerate(self.boxes)
            if box.currentData() == UNDECIDED
        ]

    def _changed(self) -> None:
        chosen = self._chosen()
        missing = [translated("ClientImport", FIELD_NAMES[f]) for f in ("account", "name") if f not in chosen]
        twice = sorted({translated("ClientImport", FIELD_NAMES[f]) for f in chosen if chosen.count(f) > 1})
        problems = []
        if missing:
            problems.append(self.tr("No column holds: {}.").format(", ".join(missing)))
            problems.extend(self._hint())
        if twice:
            problems.append(self.tr("More than one column holds: {}.").format(", ".join(twice)))
        problems.extend(self._undecided())
        self.status.setText(" ".join(problems) or self.tr("The columns are ready."))
        self.completeChanged.emit()

    def _hint(self) -> list[str]:
        """Why the file's header row holds no account or name column, as the service found it."""
        p = self.w.preview
        hint = None if p is None else p.hint
        if hint is None:
            return []
        if hint[0] == "semicolons":
            return [self.tr("The file seems to be separated by semicolons: save it as comma- or tab-separated CSV.")]
        return [
            self.tr(
                "The header is not on the first row (row {} holds the column names): remove the rows above it."
            ).format(hint[1])
        ]

    def isComplete(self) -> bool:
        chosen = self._chosen()
        undecided = any(box.currentData() == UNDECIDED for box in self.boxes)
        return "account" in chosen and "name" in chosen and len(chosen) == len(set(chosen)) and not undecided

    def validatePage(self) -> bool:
        # Every column is named explicitly, so the service maps exactly what is shown here.
        p = self.w.preview
        assert p is not None
        self.w.mapping = self.current_mapping()
        return True


class DiffPage(QWizardPage):
    """The dry run: what the import would add, change and refuse. Nothing is written."""

    def __init__(self, wizard: ClientImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.job: Job | None = None
        self.setTitle(self.tr("What the import would change"))
        self.setSubTitle(self.tr("A dry run: nothing has been written yet."))
        self.setCommitPage(True)  # its button imports (Import, never the default)
        self.summary = QLabel(self)
        self.summary.setObjectName("clientDiffSummary")
        self.summary.setWordWrap(True)
        self.changes = _table(
            self,
            "clientDiff",
            [self.tr("Kind"), self.tr("Row"), self.tr("Account"), self.tr("Name"), self.tr("Changes")],
        )
        self.problems = _table(
            self, "clientProblems", [self.tr("Row"), self.tr("Column"), self.tr("Value"), self.tr("Problem")]
        )
        for table, widths in ((self.changes, (90, 60, 110, 110)), (self.problems, (60, 140, 170))):
            for c, width in enumerate(widths):
                table.setColumnWidth(c, width)
        self.partial = QCheckBox(self.tr("Import the valid rows and skip the invalid ones"), self)
        self.partial.setObjectName("clientPartial")
        self.partial.toggled.connect(self.completeChanged)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.changes, 3)
        layout.addWidget(QLabel(self.tr("Invalid rows:"), self))
        layout.addWidget(self.problems, 2)
        layout.addWidget(self.partial)
        self.items: list[DiffItem] = []

    def initializePage(self) -> None:
        self.w.dry = None
        self.items = []
        self.summary.setText(self.tr("Checking every row…"))
        self.progress.show()
        path, sheet, mapping = self.w.path, self.w.sheet, self.w.mapping
        assert path is not None
        collected: list[DiffItem] = []

        def keep(item: DiffItem) -> None:
            if len(collected) < SHOWN:  # the counts cover the rest; a million rows stay off screen
                collected.append(item)

        def run(progress: Any, cancelled: Any) -> ImportResult:
            return self.w.services.client_files.import_clients(
                self.w.actor,
                path,
                sheet=sheet,
                mapping=mapping,
                dry_run=True,
                on_item=keep,
                cancelled=cancelled,
            )

        job = Job(run, with_progress=True)
        # Only this dry run's answer is shown: one left by Back answers for columns no longer chosen.
        self.job = self.w.runner.start(
            job,
            lambda r: self._done(r, collected) if self.job is job else None,
            lambda exc: self._failed(exc) if self.job is job else None,
        )
        self.completeChanged.emit()

    def _done(self, result: ImportResult, items: list[DiffItem]) -> None:
        self.job = None
        self.progress.hide()
        self.w.dry = result
        self.summary.setText(
            self.tr(
                "{rows} rows: {new} new, {changed} changed, {same} unchanged, {invalid} invalid. "
                "{missing} clients in the store are not in the file and stay as they are."
            ).format(
                rows=result.rows,
                new=result.new,
                changed=result.changed,
                same=result.unchanged,
                invalid=result.invalid,
                missing=result.missing,
            )
        )
        kinds = {"new": self.tr("new"), "changed": self.tr("changed")}
        _fill(
            self.changes,
            [[kinds[i.kind], str(i.row), i.account, i.name, _changes_text(i, i.kind == "new")] for i in items],
        )
        _fill(
            self.problems,
            [
                [str(p.row), p.column, p.value, translated("ClientImport", PROBLEM_TEXTS.get(p.code, p.reason))]
                for p in result.issues[:SHOWN]
            ],
        )
        self.partial.setEnabled(result.invalid > 0)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.progress.hide()
        self.summary.setText("")
        text = None
        if isinstance(exc, ServiceError) and exc.code == COLUMNS_MISSING:  # its sentence names --mapping
            fields = ", ".join(translated("ClientImport", FIELD_NAMES.get(f, f)) for f in exc.params.get("fields", ()))
            text = self.tr(
                "The file has no column for: {fields}. It was changed since its columns were shown: "
                "go back (< Back) to check them again."
            ).format(fields=fields)
        if isinstance(exc, ServiceError) and exc.code == COLUMNS_UNREAD:  # its sentence names --mapping
            columns = ", ".join(escape_controls(str(c)) for c in exc.params.get("columns", ()))
            text = self.tr(
                "The column {columns} may hold a fact that keeps clients from reports, under a name the import "
                "does not know. It was changed since its columns were shown: go back (< Back) to check them again."
            ).format(columns=columns)
        when_present(self, lambda: show_error(self, exc, text))
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        """Back to the columns: they show the file as it now stands; a dry run still
        reading stops, its answer unshown."""
        super().cleanupPage()
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self.progress.hide()
        self.w.reread()

    def isComplete(self) -> bool:
        dry = self.w.dry
        return dry is not None and (dry.invalid == 0 or self.partial.isChecked()) and (dry.new + dry.changed) > 0


def _changes_text(item: DiffItem, new: bool) -> str:
    def show(value: object) -> str:
        if isinstance(value, bool):  # in the desk's language (是/否 in Chinese)
            return translated("ClientImport", YES) if value else translated("ClientImport", NO)
        return "-" if value is None else str(value.isoformat() if hasattr(value, "isoformat") else value)

    def value(field: str, v: object) -> str:
        return class_text(str(v)) if field == "class" and v is not None else show(v)

    names = {f: translated("ClientImport", FIELD_NAMES.get(f, f)) for f in (*FIELDS, *item.changes)}
    if new:
        return ", ".join(f"{names[k]} {value(k, n)}" for k, (_, n) in item.changes.items())
    return "; ".join(f"{names[k]} {value(k, o)} → {value(k, n)}" for k, (o, n) in item.changes.items())


class RunPage(QWizardPage):
    """The import itself, in the background, with progress and a Stop button."""

    def __init__(self, wizard: ClientImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.job: Job | None = None
        self.setTitle(self.tr("Import"))
        self.setSubTitle(self.tr("All or nothing: stopping leaves every client as it was."))
        self.progress = QProgressBar(self)
        self.progress.setObjectName("clientImportProgress")
        self.status = QLabel(self)
        self.status.setObjectName("clientImportStatus")
        self.status.setWordWrap(True)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setObjectName("clientImportStop")
        self.stop_button.clicked.connect(self.stop)
        self.report_button = QPushButton(self.tr("Open the report"), self)
        self.report_button.setObjectName("clientImportReport")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        # Offered when the file was saved over since its dry run: its columns and rows, then
        # its dry run again, the clerk's column choices kept (Back is closed past Import).
        self.check_again_button = QPushButton(self.tr("Check the file again"), self)
        self.check_again_button.setObjectName("clientImportCheckAgain")
        self.check_again_button.hide()
        self.check_again_button.clicked.connect(self.check_again)
        row = QHBoxLayout()
        row.addWidget(self.stop_button)
        row.addWidget(self.report_button)
        row.addWidget(self.check_again_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        dry = self.w.dry
        assert dry is not None
        assert self.w.path is not None
        # Every phase moves the bar (reading, sealing, writing, auditing), in proportion
        # to the rows or clients the dry run found for it.
        spans = progress_span(dry.counts())
        total = max(1, sum(length for _, length in spans.values()))
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.status.setText(self.tr("Importing…"))
        self.stop_button.setEnabled(True)
        self.report_button.setEnabled(False)
        self.check_again_button.hide()
        path, sheet, mapping, partial = self.w.path, self.w.sheet, self.w.mapping, self.w.diff_page.partial.isChecked()
        report = self.w.report_path
        self.w.setOption(QWizard.WizardOption.DisabledBackButtonOnLastPage, True)

        def run(progress: Any, cancelled: Any) -> ImportResult:
            def step(phase: str, done: int) -> None:
                offset, length = spans.get(phase, (0, 0))
                progress(offset + min(done, length), total, phase)

            return self.w.services.client_files.import_clients(
                self.w.actor,
                path,
                sheet=sheet,
                mapping=mapping,
                partial=partial,
                report=report,
                progress=step,
                cancelled=cancelled,
                expect_sha256=dry.sha256,  # the file as the diff page showed it, or nothing
            )

        self.job = self.w.runner.start(Job(run, with_progress=True), self._done, self._failed, self._progress)
        self.completeChanged.emit()

    def stop(self) -> None:
        """Ask the import to stop; it rolls back at its next step, and says so when done."""
        if self.job is None:
            return
        self.job.cancel()
        self.stop_button.setEnabled(False)
        self.status.setText(self.tr("Stopping… nothing will be changed."))

    def _progress(self, number: int, total: int, phase: object = None) -> None:
        self.progress.setValue(min(number, total))
        words = self._phase_words().get(str(phase))
        if words and self.stop_button.isEnabled() and self.status.text() != words:
            self.status.setText(words)  # (not once Stop was pressed: its words stand)

    def _phase_words(self) -> dict[str, str]:
        """What the import is doing, by the service's phase (client_import.PHASES)."""
        return {
            "read": self.tr("Reading and checking the rows…"),
            "seal": self.tr("Sealing the new clients' records…"),
            "insert": self.tr("Writing the new clients…"),
            "new": self.tr("Recording the new clients in the audit trail…"),
            "changed": self.tr("Writing and recording the changed clients…"),
            "reseal": self.tr("Sealing the changed clients' records…"),
        }

    def _done(self, result: ImportResult) -> None:
        self.job = None
        self.w.outcome = result
        self.progress.setValue(self.progress.maximum())
        self.stop_button.setEnabled(False)
        self.report_button.setEnabled(result.report is not None)
        if result.written:
            text = self.tr("Imported: {new} new and {changed} changed clients; {invalid} invalid rows skipped.").format(
                new=result.new, changed=result.changed, invalid=result.invalid
            )
        else:
            text = self.tr("Nothing was imported: {invalid} rows are invalid.").format(invalid=result.invalid)
        self.status.setText(text)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.stop_button.setEnabled(False)
        self.progress.setValue(0)
        if _cancelled(exc):
            self.status.setText(self.tr("Stopped: nothing was changed."))
        else:  # what stopped it stays on the page once its box is closed
            self.status.setText(error_text(exc) if isinstance(exc, ServiceError) else "")
        self.check_again_button.setVisible(isinstance(exc, ServiceError) and exc.code == CHANGED_SINCE_CHECKED)
        if not _cancelled(exc):
            when_present(self, lambda: show_error(self, exc))
        self.completeChanged.emit()

    def check_again(self) -> None:
        """Back to the columns with the file as it now stands; Next runs its dry run again."""
        if self.job is not None:
            return
        self.check_again_button.hide()
        for _ in self.w.pageIds():
            if self.w.currentPage() is self.w.mapping_page:
                break
            self.w.back()  # past the commit page too (nothing was imported); the diff page rereads the file

    def isComplete(self) -> bool:
        return self.job is None

    def open_report(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.w.report_path)))


def _cancelled(exc: BaseException) -> bool:
    from suitcheck.services.client_import import ImportCancelled

    return isinstance(exc, ImportCancelled)
