"""Dialogs: login and lock, report viewer, warning override, import, rating, clients,
audit log with export and verification, policy and preferences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.gui import texts
from suitcheck.gui.errors import INGEST_REASONS, show_error
from suitcheck.gui.i18n import LANGUAGES, setting_int, translated
from suitcheck.gui.main_window import make_table, qdate
from suitcheck.gui.models import AuditTableModel, ImportResultsModel, ReportTableModel
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.access import CheckResult, OpenedReport
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.demo import DEMO_PASSWORD, DEMO_STAFF
from suitcheck.services.errors import ServiceError
from suitcheck.services.investors import InvestorView
from suitcheck.services.reports import ImportResult, ReportFilter, ReportView


def _buttons(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    if ok_text:
        box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("Dialogs", "Cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


# -- identity ------------------------------------------------------------------------------


class LoginDialog(QDialog):
    """Who is at the desk. On the demo store the demo logins are listed here, and only here."""

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, demo: bool = False, username: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.services = services
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("suitcheck — log in"))
        self.username = QLineEdit(username, self)
        self.username.setObjectName("username")
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<h2>suitcheck</h2>Investor suitability for research reports"), self)
        layout.addWidget(title)
        layout.addLayout(form)
        if demo:
            rows = "".join(
                f"<tr><td><code>{u}</code></td><td>{role.value}</td><td><code>{DEMO_PASSWORD}</code></td></tr>"
                for u, _, role in DEMO_STAFF
            )
            hint = QLabel(self.tr("<b>Demo store.</b> Demo logins:") + f"<table cellspacing=6>{rows}</table>", self)
            hint.setObjectName("demoLogins")
            layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(_buttons(self, self.tr("Log in")))
        (self.password if username else self.username).setFocus()

    def accept(self) -> None:
        try:
            self.actor = self.services.auth.login(
                self.username.text().strip(), self.password.text(), record_success=True
            )
        except ServiceError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()


class FirstRunDialog(QDialog):
    """First start on an empty store: create the administrator account."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.services = services
        self.setWindowTitle(self.tr("suitcheck — first start"))
        self.username = QLineEdit("admin", self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow(self.tr("Administrator:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("Repeat password:"), self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "This store has no accounts yet. Create the administrator, "
                    "who then adds advisors and compliance staff.\nStore: {store}"
                ).format(store=services.store.display_name),
                self,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(_buttons(self, self.tr("Create")))

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText(self.tr("The two passwords differ."))
            return
        try:
            self.services.auth.create_first_admin(self.username.text().strip(), self.password.text())
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class LockDialog(QDialog):
    """exec() returns Accepted after the right password, SWITCH_USER to end the session."""

    SWITCH_USER = 2
    switch_user = Signal()

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("suitcheck — locked"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        switch = QPushButton(self.tr("Switch user…"), self)
        switch.setObjectName("switchUser")
        switch.clicked.connect(self._switch)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("Locked after inactivity. Enter the password of {user} to continue.").format(
                    user=actor.username
                ),
                self,
            )
        )
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(switch)
        row.addStretch(1)
        unlock = QPushButton(self.tr("Unlock"), self)
        unlock.setDefault(True)
        unlock.clicked.connect(self.accept)
        row.addWidget(unlock)
        layout.addLayout(row)

    def _switch(self) -> None:
        self.switch_user.emit()
        self.done(self.SWITCH_USER)

    def accept(self) -> None:
        try:
            self.services.auth.login(self.actor.username, self.password.text(), record_success=True)
        except ServiceError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            return
        super().accept()

    def reject(self) -> None:
        pass  # Escape does not unlock


# -- reports -------------------------------------------------------------------------------


def pdf_view_available() -> bool:
    try:
        from PySide6 import QtPdf, QtPdfWidgets  # noqa: F401
    except ImportError:
        return False
    return True


class ReportViewer(QDialog):
    """Shows an opened report to one client: the window names the client and the decision
    it was opened under, and the main window closes it when that client is no longer the
    one on screen (another client, lock, switch user, logout)."""

    def __init__(
        self,
        opened: OpenedReport,
        client: InvestorView,
        decision: CheckResult,
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportViewer")
        self.client_id = client.id
        self.setWindowTitle(
            self.tr("{title} — for {client} ({account})").format(
                title=opened.title, client=client.name, account=client.account
            )
        )
        self.resize(900, 700)
        tabs = QTabWidget(self)
        self.text = QPlainTextEdit(opened.text, self)
        self.text.setReadOnly(True)
        self.text.setObjectName("reportText")
        if opened.source_kind == "pdf" and pdf_view_available():
            from PySide6.QtCore import QBuffer, QByteArray, QIODevice
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self._bytes = QByteArray(opened.original)
            self._buffer = QBuffer(self._bytes, self)
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self._document = QPdfDocument(self)
            self._document.load(self._buffer)
            view = QPdfView(self)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setDocument(self._document)
            tabs.addTab(view, self.tr("PDF"))
        tabs.addTab(self.text, self.tr("Text"))
        self.header = QLabel(self)
        self.header.setObjectName("viewerHeader")
        self.header.setWordWrap(True)
        self.header.setText(
            self.tr(
                "For {client} ({account}) · decision: {outcome} (audit entry {check}) · "
                "opened by {staff} (audit entry {n})"
            ).format(
                client=client.name,
                account=client.account,
                outcome=texts.outcome_text(decision.decision.outcome),
                check=decision.audit_id,
                staff=actor.display_name or actor.username,
                n=opened.audit_id,
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(tabs)


class OverrideDialog(QDialog):
    """The special risk warning, shown in full; staff confirm the client confirmed."""

    def __init__(
        self, services: Services, actor: Actor, client: InvestorView, report: ReportView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("overrideDialog")
        self.services, self.actor, self.client, self.report = services, actor, client, report
        self.policy = services.policy.current()
        self.setWindowTitle(self.tr("Special risk warning"))
        warning = QPlainTextEdit(self.policy.warning_text, self)
        warning.setReadOnly(True)
        self.told = QCheckBox(self.tr("I told the client that this report does not fit their risk profile."), self)
        self.confirmed = QCheckBox(self.tr("The client read this warning, insists, and confirmed in writing."), self)
        self.recording = QLineEdit(self)
        self.recording.setPlaceholderText(self.tr("双录 recording reference, if the branch made one"))
        self.note = QLineEdit(self)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "{client} asks for “{title}” ({level}), above their profile ({profile}). Warning version {version}:"
                ).format(
                    client=client.name,
                    title=report.title,
                    level=texts.level_text(report.level),
                    profile=texts.profile_text(client.profile),
                    version=self.policy.warning_version,
                ),
                self,
            )
        )
        layout.addWidget(warning)
        for w in (self.told, self.confirmed):
            layout.addWidget(w)
        form = QFormLayout()
        form.addRow(self.tr("Recording:"), self.recording)
        form.addRow(self.tr("Note:"), self.note)
        layout.addLayout(form)
        self.box = _buttons(self, self.tr("Record override"))
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        for w in (self.told, self.confirmed):
            w.toggled.connect(lambda *_: self.ok.setEnabled(self.told.isChecked() and self.confirmed.isChecked()))
        layout.addWidget(self.box)

    def accept(self) -> None:
        try:
            self.services.access.record_override(
                self.actor,
                self.client.id,
                self.report.id,
                warning_version=self.policy.warning_version,
                client_confirmed=self.told.isChecked() and self.confirmed.isChecked(),
                recording_ref=self.recording.text().strip() or None,
                note=self.note.text().strip() or None,
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        super().accept()


class ImportDialog(QDialog):
    """Pick files or a folder; import in the background with progress and cancel."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.job: Job | None = None
        self.setWindowTitle(self.tr("Import reports"))
        self.resize(860, 480)
        self.model = ImportResultsModel(self)
        self.view, _ = make_table(self, self.model, "importResults", widths=(240, 170))
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.files_button = QPushButton(self.tr("Choose files…"), self)
        self.folder_button = QPushButton(self.tr("Choose folder…"), self)
        self.cancel_button = QPushButton(self.tr("Stop"), self)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.files_button.clicked.connect(self._choose_files)
        self.folder_button.clicked.connect(self._choose_folder)
        self.cancel_button.clicked.connect(lambda: self.job and self.job.cancel())
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in (self.files_button, self.folder_button, self.cancel_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Reports to import"), "", self.tr("Reports (*.pdf *.txt)")
        )
        if files:
            self.start([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of reports"))
        if folder:
            self.start([Path(folder)])

    def start(self, paths: list[Path]) -> None:
        self.model.set_rows([])
        self.progress.setValue(0)
        self.summary.setText(self.tr("Importing…"))
        for b in (self.files_button, self.folder_button, self.close_button):
            b.setEnabled(False)
        self.cancel_button.setEnabled(True)
        job = Job(
            lambda progress, cancelled: self.services.reports.import_paths(
                self.actor, paths, progress=progress, cancelled=cancelled
            ),
            with_progress=True,
        )
        self.job = self.runner.start(job, self._finished, self._failed, self._progress)

    def _progress(self, number: int, total: int, result: ImportResult) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(number)
        if result.code in INGEST_REASONS:
            result = ImportResult(
                result.path,
                result.status,
                result.report,
                translated("Import", INGEST_REASONS[result.code]),
                result.code,
            )
        self.model.append(result)

    def _finished(self, results: list[ImportResult]) -> None:
        counts = {
            s: sum(1 for r in results if r.status == s) for s in ("imported", "needs-rating", "duplicate", "failed")
        }
        self.summary.setText(
            self.tr("{imported} imported, {unrated} need a rating, {dup} duplicates, {failed} failed.").format(
                imported=counts["imported"],
                unrated=counts["needs-rating"],
                dup=counts["duplicate"],
                failed=counts["failed"],
            )
        )
        self._idle()

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        show_error(self, exc)

    def _idle(self) -> None:
        for b in (self.files_button, self.folder_button, self.close_button):
            b.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.job = None

    def reject(self) -> None:
        if self.job is None:
            super().reject()


class RatingDialog(QDialog):
    """Reports needing a rating, or with a level finding; set the level."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Reports needing a rating or with findings"))
        self.resize(900, 460)
        self.model = ReportTableModel(self)
        self.view, self.proxy = make_table(
            self, self.model, "ratingView", stretch=ReportTableModel.TITLE, widths=(0, 95, 120, 300, 100, 100)
        )
        self.view.setColumnHidden(ReportTableModel.VERDICT, True)
        self.level = QComboBox(self)
        self.level.setObjectName("newLevel")
        for level in RiskLevel:
            self.level.addItem(texts.level_text(level), level.code)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Why (kept with the change)"))
        apply = QPushButton(self.tr("Set level"), self)
        apply.setObjectName("setLevel")
        apply.clicked.connect(self.apply)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("New level:"), self))
        row.addWidget(self.level)
        row.addWidget(self.note, 1)
        row.addWidget(apply)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addLayout(row)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        self.reload()

    def reload(self) -> None:
        unrated = self.services.reports.search(self.actor, ReportFilter(unrated=True), limit=1000)
        findings = self.services.reports.search(self.actor, ReportFilter(with_findings=True), limit=1000)
        seen: set[int] = set()
        rows = [r for r in unrated + findings if not (r.id in seen or seen.add(r.id))]  # type: ignore[func-returns-value]
        self.model.set_rows(rows)
        self.detail.setText(self.tr("{n} reports to review.").format(n=len(rows)))

    def _selected(self, current: Any, _: Any) -> None:
        if not current.isValid():
            return
        r = self.model.row_object(self.proxy.mapToSource(current).row())
        suggestion = texts.level_text(r.suggested_level) if r.suggested_level else "—"
        findings = "; ".join(f.detail for f in r.open_findings)
        self.detail.setText(
            self.tr("Stated: {stated} · suggested from the subject: {suggested} {findings}").format(
                stated=texts.level_text(r.level), suggested=suggestion, findings=f"· {findings}" if findings else ""
            )
        )
        target = r.suggested_level or r.level
        if target:
            self.level.setCurrentIndex(int(target) - 1)

    def apply(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        report = self.model.row_object(self.proxy.mapToSource(index).row())
        try:
            self.services.reports.set_level(
                self.actor, report.id, RiskLevel.parse(self.level.currentData()), self.note.text().strip() or None
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.note.clear()
        self.reload()


# -- clients -------------------------------------------------------------------------------


class ClientDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Add client"))
        self.account = QLineEdit(self)
        self.account.setObjectName("account")
        self.name = QLineEdit(self)
        self.name.setObjectName("name")
        self.id_number = QLineEdit(self)
        self.id_number.setObjectName("idNumber")
        self.cls = QComboBox(self)
        for c in InvestorClass:
            self.cls.addItem(texts.class_text(c.value), c.value)
        self.profile = QComboBox(self)
        self.profile.setObjectName("profile")
        self.profile.addItem(self.tr("not assessed yet"), None)
        for p in RiskProfile:
            self.profile.addItem(texts.profile_text(p), p.code)
        self.assessed = QDateEdit(QDate.currentDate(), self)
        self.assessed.setCalendarPopup(True)
        self.assessed.setDisplayFormat("yyyy-MM-dd")
        self.lowest = QCheckBox(self.tr("Lowest risk-tolerance category"), self)
        self.special = QCheckBox(self.tr("Needs special attention"), self)
        self.message = QLabel(self)
        self.message.setObjectName("clientMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Account:"), self.account)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("ID number:"), self.id_number)
        form.addRow(self.tr("Class:"), self.cls)
        form.addRow(self.tr("Risk profile:"), self.profile)
        form.addRow(self.tr("Assessed on:"), self.assessed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.special)
        layout.addWidget(self.message)
        layout.addWidget(_buttons(self, self.tr("Add")))

    def accept(self) -> None:
        profile = self.profile.currentData()
        try:
            self.services.investors.add(
                self.actor,
                account=self.account.text(),
                name=self.name.text(),
                id_number=self.id_number.text().strip() or None,
                investor_class=InvestorClass(self.cls.currentData()),
                profile=RiskProfile.parse(profile) if profile else None,
                assessed_on=qdate(self.assessed) if profile else None,
                lowest_category=self.lowest.isChecked(),
                special_attention=self.special.isChecked(),
            )
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class ClientEditDialog(QDialog):
    """Correct a client's record; the reason is kept in the audit log with old and new values."""

    def __init__(self, services: Services, actor: Actor, client: InvestorView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientEditDialog")
        self.services, self.actor, self.client = services, actor, client
        self.setWindowTitle(self.tr("Edit client"))
        self.name = QLineEdit(client.name, self)
        self.name.setObjectName("name")
        self.cls = QComboBox(self)
        for c in InvestorClass:
            self.cls.addItem(texts.class_text(c.value), c.value)
        self.cls.setCurrentIndex(self.cls.findData(client.investor_class.value))
        self.lowest = QCheckBox(self.tr("Lowest risk-tolerance category"), self)
        self.lowest.setObjectName("lowest")
        self.lowest.setChecked(client.lowest_category)
        self.special = QCheckBox(self.tr("Needs special attention"), self)
        self.special.setChecked(client.special_attention)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Why (kept with the change)"))
        self.message = QLabel(self)
        self.message.setObjectName("clientMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Account:"), QLabel(client.account, self))
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Class:"), self.cls)
        form.addRow(self.tr("Reason:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.special)
        layout.addWidget(self.message)
        layout.addWidget(_buttons(self, self.tr("Save")))

    def accept(self) -> None:
        try:
            self.services.investors.update(
                self.actor,
                self.client.id,
                name=self.name.text(),
                investor_class=InvestorClass(self.cls.currentData()),
                lowest_category=self.lowest.isChecked(),
                special_attention=self.special.isChecked(),
                reason=self.reason.text().strip(),
            )
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        super().accept()


class AssessmentDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, client: InvestorView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentDialog")
        self.services, self.actor, self.client = services, actor, client
        self.setWindowTitle(self.tr("Record assessment"))
        self.profile = QComboBox(self)
        for p in RiskProfile:
            self.profile.addItem(texts.profile_text(p), p.code)
        self.assessed = QDateEdit(QDate.currentDate(), self)
        self.assessed.setCalendarPopup(True)
        self.assessed.setDisplayFormat("yyyy-MM-dd")
        self.lowest = QCheckBox(self.tr("Knock-out answer: lowest risk-tolerance category"), self)
        self.note = QLineEdit(self)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        form.addRow(self.tr("Client:"), QLabel(f"{client.name} ({client.account})", self))
        form.addRow(self.tr("Risk profile:"), self.profile)
        form.addRow(self.tr("Assessed on:"), self.assessed)
        form.addRow(self.tr("Note:"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lowest)
        layout.addWidget(self.message)
        layout.addWidget(_buttons(self, self.tr("Record")))

    def accept(self) -> None:
        try:
            self.services.investors.assess(
                self.actor,
                self.client.id,
                RiskProfile.parse(self.profile.currentData()),
                qdate(self.assessed),
                lowest_category=self.lowest.isChecked(),
                note=self.note.text().strip() or None,
            )
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        super().accept()


# -- staff -------------------------------------------------------------------------------


class StaffDialog(QDialog):
    """Administrators add accounts and disable or re-enable them (never delete)."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffDialog")
        self.services, self.actor = services, actor
        self.setWindowTitle(self.tr("Staff accounts"))
        self.resize(640, 420)
        self.list = QPlainTextEdit(self)
        self.list.setReadOnly(True)
        self.list.setObjectName("staffList")
        self.username = QLineEdit(self)
        self.username.setObjectName("newUsername")
        self.display = QLineEdit(self)
        self.role = QComboBox(self)
        self.role.setObjectName("newRole")
        for role in Role:
            self.role.addItem(texts.role_text(role.value), role.value)
        self.password = QLineEdit(self)
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        add = QPushButton(self.tr("Add account"), self)
        add.setObjectName("addStaff")
        add.clicked.connect(self.add)
        self.target = QLineEdit(self)
        self.target.setObjectName("targetUser")
        disable = QPushButton(self.tr("Disable"), self)
        disable.setObjectName("disableStaff")
        disable.clicked.connect(lambda: self.set_disabled(True))
        enable = QPushButton(self.tr("Enable"), self)
        enable.clicked.connect(lambda: self.set_disabled(False))
        self.message = QLabel(self)
        self.message.setObjectName("staffMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Display name:"), self.display)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Initial password:"), self.password)
        form.addRow("", add)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Account:"), self))
        row.addWidget(self.target, 1)
        row.addWidget(disable)
        row.addWidget(enable)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.reload()

    def reload(self) -> None:
        try:
            accounts = self.services.auth.list_staff(self.actor)
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        lines = []
        for a in accounts:
            flags = [self.tr("disabled")] if a.disabled else []
            flags += [self.tr("locked")] if a.locked else []
            lines.append(f"{a.username:<20} {texts.role_text(a.role.value):<12} {' '.join(flags)}")
        self.list.setPlainText("\n".join(lines))

    def add(self) -> None:
        try:
            self.services.auth.create_staff(
                self.actor,
                self.username.text(),
                self.password.text(),
                Role(self.role.currentData()),
                self.display.text().strip(),
            )
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(self.tr("Account {user} added.").format(user=self.username.text().strip()))
        self.username.clear()
        self.password.clear()
        self.reload()

    def set_disabled(self, disabled: bool) -> None:
        try:
            self.services.auth.set_disabled(self.actor, self.target.text().strip(), disabled)
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("")
        self.reload()


# -- audit -------------------------------------------------------------------------------


class AuditDialog(QDialog):
    """Browse the audit log with filters; export and verify from here."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(1100, 600)
        self.model = AuditTableModel(self)
        self.view, _ = make_table(
            self,
            self.model,
            "auditView",
            stretch=AuditTableModel.REPORT,
            widths=(60, 150, 130, 110, 140, 200, 130, 150),
        )
        self.since = QDateEdit(QDate.currentDate().addDays(-30), self)
        self.until = QDateEdit(QDate.currentDate(), self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.staff = QLineEdit(self)
        self.staff.setPlaceholderText(self.tr("staff"))
        self.decision = QComboBox(self)
        for label, value in (
            (self.tr("any decision"), None),
            ("allow", "allow"),
            ("block", "block"),
            ("allow-after-warning", "allow-after-warning"),
        ):
            self.decision.addItem(label, value)
        search = QPushButton(self.tr("Filter"), self)
        search.clicked.connect(self.reload)
        export = QPushButton(self.tr("Export…"), self)
        export.setObjectName("exportButton")
        export.clicked.connect(self.export)
        verify = QPushButton(self.tr("Verify chain"), self)
        verify.clicked.connect(lambda: run_verification(self.services, self.actor, self))
        verify_file = QPushButton(self.tr("Verify export file…"), self)
        verify_file.clicked.connect(self.verify_file)
        row = QHBoxLayout()
        for w in (
            QLabel(self.tr("From"), self),
            self.since,
            QLabel(self.tr("to"), self),
            self.until,
            self.staff,
            self.decision,
            search,
        ):
            row.addWidget(w)
        row.addStretch(1)
        for w in (export, verify, verify_file):
            row.addWidget(w)
        self.count = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.reload()

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            since=qdate(self.since),
            until=qdate(self.until),
            staff=self.staff.text().strip() or None,
            decision=self.decision.currentData(),
        )

    def reload(self) -> None:
        flt = self.current_filter()

        def fetch(offset: int, limit: int) -> list[Any]:
            return self.services.audit.browse(self.actor, flt, limit=limit, offset=offset)

        try:
            self.model.set_rows(fetch(0, AuditTableModel.PAGE), fetch)
            self.count.setText(self.tr("{n} entries match.").format(n=self.services.audit.count(self.actor, flt)))
        except ServiceError as exc:
            show_error(self, exc)

    def export(self) -> None:
        dialog = ExportDialog(self.services, self.actor, self.current_filter(), self)
        dialog.exec()

    def verify_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Export to verify"), "", self.tr("Audit exports (*.csv *.xlsx *.jsonl)")
        )
        if path:
            verify_export_file(self.services, self.actor, Path(path), self)


class ExportDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, flt: AuditFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)
        self.setWindowTitle(self.tr("Export audit log"))
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for label, fmt in (("Excel (.xlsx)", "xlsx"), ("CSV (.csv)", "csv"), ("JSON Lines (.jsonl)", "jsonl")):
            self.format.addItem(label, fmt)
        self.since = QDateEdit(QDate.fromString(str(flt.since or dt.date.today()), "yyyy-MM-dd"), self)
        self.until = QDateEdit(QDate.fromString(str(flt.until or dt.date.today()), "yyyy-MM-dd"), self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.all_time = QCheckBox(self.tr("Whole chain (no date range)"), self)
        self.all_time.setObjectName("allTime")
        self.all_time.toggled.connect(self._all_time)
        self.full_ids = QCheckBox(self.tr("Full ID numbers (for regulators; compliance only)"), self)
        self.destination = QLineEdit(str(Path.home() / f"suitcheck-audit-{dt.date.today():%Y%m%d}.xlsx"), self)
        self.destination.setObjectName("destination")
        self.format.currentIndexChanged.connect(self._suffix)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        dest = QHBoxLayout()
        dest.addWidget(self.destination, 1)
        dest.addWidget(browse)
        self.message = QLabel(self)
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format)
        form.addRow(self.tr("From:"), self.since)
        form.addRow(self.tr("To:"), self.until)
        form.addRow("", self.all_time)
        form.addRow("", self.full_ids)
        form.addRow(self.tr("Save to:"), dest)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        self.box = _buttons(self, self.tr("Export"))
        layout.addWidget(self.box)
        self._filter = flt

    def _all_time(self, on: bool) -> None:
        self.since.setEnabled(not on)
        self.until.setEnabled(not on)

    def _suffix(self) -> None:
        path = Path(self.destination.text())
        self.destination.setText(str(path.with_suffix("." + self.format.currentData())))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save export as"), self.destination.text())
        if path:
            self.destination.setText(path)

    def accept(self) -> None:
        fmt = self.format.currentData()
        flt = AuditFilter(
            since=None if self.all_time.isChecked() else qdate(self.since),
            until=None if self.all_time.isChecked() else qdate(self.until),
            staff=self._filter.staff,
            decision=self._filter.decision,
        )
        out = Path(self.destination.text()).expanduser()
        self.progress.setVisible(True)
        self.box.setEnabled(False)
        self.message.setText(self.tr("Exporting…"))
        job = Job(self.services.audit.export, self.actor, out, fmt, flt, full_id_numbers=self.full_ids.isChecked())
        self.runner.start(job, self._done, self._failed)

    def _done(self, manifest: dict[str, Any]) -> None:
        self.progress.setVisible(False)
        self.box.setEnabled(True)
        self.manifest = manifest
        self.message.setText(
            self.tr("Exported {n} entries to {file} with its manifest.").format(
                n=manifest["count"], file=self.destination.text()
            )
        )
        self.box.button(QDialogButtonBox.StandardButton.Ok).setVisible(False)
        self.box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    def _failed(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        self.box.setEnabled(True)
        self.message.setText("")
        show_error(self, exc)


def _verdict_box(parent: QWidget, ok: bool, text: str, detail: str) -> None:
    box = QMessageBox(parent)
    box.setObjectName("verdictBox")
    box.setIcon(QMessageBox.Icon.Information if ok else QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Audit", "Audit verification"))
    box.setText(text)
    box.setInformativeText(detail)
    box.exec()


def run_verification(services: Services, actor: Actor, parent: QWidget) -> None:
    try:
        result = services.audit.verify(actor)
    except ServiceError as exc:
        show_error(parent, exc)
        return
    if result.ok:
        _verdict_box(
            parent,
            True,
            QCoreApplication.translate("Audit", "The audit trail is intact."),
            QCoreApplication.translate("Audit", "{n} entries and {c} signed checkpoints verified.").format(
                n=result.count, c=result.checkpoints
            ),
        )
    else:
        _verdict_box(
            parent,
            False,
            QCoreApplication.translate("Audit", "The audit trail FAILED verification at entry {n}.").format(
                n=result.bad_seq
            ),
            result.problem or "",
        )


def verify_export_file(services: Services, actor: Actor, path: Path, parent: QWidget) -> None:
    try:
        check = services.audit.verify_file(actor, path)
    except ServiceError as exc:
        show_error(parent, exc)
        return
    if check.ok:
        _verdict_box(
            parent,
            True,
            QCoreApplication.translate("Audit", "The export is intact."),
            QCoreApplication.translate("Audit", "{n} entries verified; manifest signature: {sig}.").format(
                n=check.result.count, sig=check.signature
            ),
        )
    else:
        _verdict_box(
            parent,
            False,
            QCoreApplication.translate("Audit", "The export FAILED verification."),
            check.result.problem or QCoreApplication.translate("Audit", "The manifest signature is invalid."),
        )


# -- settings ----------------------------------------------------------------------------


class PolicyDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policyDialog")
        self.services, self.actor = services, actor
        policy = services.policy.current()
        self.setWindowTitle(self.tr("Suitability policy (version {v})").format(v=policy.version))
        self.validity = QSpinBox(self)
        self.validity.setRange(30, 3650)
        self.validity.setValue(policy.validity_days)
        self.warning = QSpinBox(self)
        self.warning.setRange(0, 365)
        self.warning.setValue(policy.warning_days)
        self.age = QSpinBox(self)
        self.age.setRange(50, 100)
        self.age.setValue(policy.special_attention_age)
        self.escalation = QCheckBox(self.tr("Allow client-requested escalation after the special warning"), self)
        self.escalation.setChecked(policy.allow_escalation)
        form = QFormLayout()
        form.addRow(self.tr("Assessment valid for (days):"), self.validity)
        form.addRow(self.tr("Warn before expiry (days):"), self.warning)
        form.addRow(self.tr("Special attention from age:"), self.age)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Saving stores a new policy version; past decisions keep the version they used."), self)
        )
        layout.addLayout(form)
        layout.addWidget(self.escalation)
        layout.addWidget(_buttons(self, self.tr("Save new version")))

    def accept(self) -> None:
        try:
            self.services.policy.update(
                self.actor,
                validity_days=self.validity.value(),
                warning_days=self.warning.value(),
                special_attention_age=self.age.value(),
                allow_escalation=self.escalation.isChecked(),
            )
        except ServiceError as exc:
            show_error(self, exc)
            return
        super().accept()


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, store: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.setWindowTitle(self.tr("Preferences"))
        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        for code, label in LANGUAGES.items():
            self.language.addItem(label, code)
        current = settings.value("ui/language")
        if current in LANGUAGES:
            self.language.setCurrentIndex(list(LANGUAGES).index(str(current)))
        self.idle = QSpinBox(self)
        self.idle.setRange(1, 240)
        self.idle.setValue(setting_int(settings, "session/idle_minutes", 10))
        store_label = QLabel(store, self)
        store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Lock after idle minutes:"), self.idle)
        form.addRow(self.tr("Store:"), store_label)
        form.addRow("", QLabel(self.tr("To use another store, start suitcheck with --db or set SUITCHECK_DB."), self))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))

    def accept(self) -> None:
        self.settings.setValue("ui/language", self.language.currentData())
        self.settings.setValue("session/idle_minutes", self.idle.value())
        super().accept()
