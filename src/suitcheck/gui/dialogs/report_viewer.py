"""The report window: one report, opened for one client."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.calendar import FIRM_ZONE_NAME, firm_time
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.pdf_view import PdfPages, PdfView
from suitcheck.gui.widgets import breakable, resize_within_screen
from suitcheck.services import Actor
from suitcheck.services.access import CheckResult, OpenedReport
from suitcheck.services.investors import InvestorView


def load_pages(opened: OpenedReport) -> PdfPages | None:
    """The PDF's pages for the viewer, or None for a text report or a PDF PDFium cannot
    open (the extracted text is still shown). Runs on a worker thread."""
    if opened.source_kind != "pdf" or not opened.original:
        return None
    try:
        return PdfPages(opened.original)
    except Exception:  # noqa: BLE001 - a damaged original still has its extracted text
        return None


class TextView(QWidget):
    """The extracted text, read-only, with find. The text is the file's: a bidi override in
    it would reverse what follows on screen ("gnp.exe" shown as "exe.png"), so controls are
    shown as escapes; line breaks, tabs and page breaks stay what they are."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(escape_controls(text, keep="\n\r\t\f"), self)
        self.text.setReadOnly(True)
        self.text.setObjectName("reportText")
        self.find_edit = QLineEdit(self)
        self.find_edit.setObjectName("findInText")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMinimumWidth(220)
        self.find_button = QPushButton(self)
        self.status = QLabel(self)
        self.retranslate()
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_button.clicked.connect(self.find_next)
        bar = QHBoxLayout()
        bar.addStretch(1)
        for w in (self.find_edit, self.find_button, self.status):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.text, 1)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.find_edit.setFocus)

    def retranslate(self) -> None:
        self.find_edit.setPlaceholderText(self.tr("Find in report (Ctrl+F)"))
        self.find_button.setText(self.tr("Find next"))
        self.status.clear()  # "Not found" was said in the language before

    def find_next(self) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        found = self.text.find(needle) or (self._wrap() and self.text.find(needle))
        self.status.setText("" if found else self.tr("Not found"))
        return bool(found)

    def _wrap(self) -> bool:
        cursor = self.text.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.text.setTextCursor(cursor)
        return True


class ReportViewer(QDialog):
    """Shows an opened report to one client: the window names the client and the decision
    it was opened under, and the main window closes it when that client is no longer the
    one on screen (another client, lock, switch user, logout). A PDF is shown as its pages,
    with the extracted text beside them; a text report as text."""

    def __init__(
        self,
        opened: OpenedReport,
        client: InvestorView,
        decision: CheckResult,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        pages: PdfPages | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportViewer")
        self.client_id = client.id
        # Title, client name and file come from files and users: a bidi override or a
        # control character is shown as a visible escape, never obeyed (domain/text.py).
        title, name, account = (escape_controls(t) for t in (opened.title, client.name, client.account))
        self.opened, self.decision = opened, decision
        self.title_text, self.client_name, self.account = title, name, account
        resize_within_screen(self, 980, 720)  # 911x512 at 150 % on a 1366x768 screen
        self.staff = staff = escape_controls(actor.display_name or actor.username)
        # The firm's wall clock, labelled: a desktop set to another zone watermarks the same time.
        moment = firm_time(now or dt.datetime.now(dt.UTC)).strftime(f"%Y-%m-%d %H:%M {FIRM_ZONE_NAME}")
        self.watermark = self.tr("{client} {account} · {staff} · {time}").format(
            client=name, account=account, staff=staff, time=moment
        )
        self.tabs = QTabWidget(self)
        self.text_view = TextView(opened.text, self)
        self.text = self.text_view.text
        self.pdf: PdfView | None = None
        if pages is not None:
            self.pdf = PdfView(pages, self.watermark, self)
            self.tabs.addTab(self.pdf, "")
        self.tabs.addTab(self.text_view, "")
        self.header = QLabel(self)
        self.header.setObjectName("viewerHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        # The header and this line name the client, which may run long without a space:
        # both wrap (widgets.breakable) rather than widen the window past its screen.
        self.watermark_line = QLabel(breakable(self.watermark), self)
        self.watermark_line.setObjectName("watermarkLine")
        self.watermark_line.setWordWrap(True)
        self.watermark_line.setTextFormat(Qt.TextFormat.PlainText)
        self.watermark_line.setStyleSheet("color: palette(mid);")
        # A PDF whose pages PDFium cannot draw (load_pages): its text is shown, and the
        # window says why there are no pages rather than looking like a text report.
        self.pages_note = QLabel(self)
        self.pages_note.setObjectName("pagesNote")
        self.pages_note.setWordWrap(True)
        self.pages_note.setVisible(pages is None and opened.source_kind == "pdf")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.watermark_line)
        layout.addWidget(self.pages_note)
        layout.addWidget(self.tabs, 1)
        if self.pdf is None:
            self.tabs.tabBar().setVisible(False)  # one view: no tabs to choose from
        self.retranslate()

    def retranslate(self) -> None:
        """Words in the desk's language, also when it is switched with this window open."""
        self.setWindowTitle(
            self.tr("{title} — for {client} ({account})").format(
                title=self.title_text, client=self.client_name, account=self.account
            )
        )
        self.header.setText(
            self.tr(
                "For {client} ({account}) · decision: {outcome} (audit entry {check}) · "
                "opened by {staff} (audit entry {n})"
            ).format(
                client=breakable(self.client_name),
                account=self.account,
                outcome=texts.outcome_text(self.decision.decision.outcome),
                check=self.decision.audit_id,
                staff=self.staff,
                n=self.opened.audit_id,
            )
        )
        self.pages_note.setText(
            self.tr(
                "The pages of this PDF cannot be shown (the file is damaged); its text, as read for its level, "
                "is below."
            )
        )
        if self.pdf is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.pdf), self.tr("Pages"))
            self.pdf.retranslate()
        self.tabs.setTabText(self.tabs.indexOf(self.text_view), self.tr("Text"))
        self.text_view.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # The PDF's document is given back as the window closes, whoever closes it (the clerk,
    # Escape, or the desk for another client, a lock, a decision that refuses it): until
    # then every report opened in a session held its document and bytes in memory.
    def done(self, result: int) -> None:
        self.release()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release()
        super().closeEvent(event)

    def release(self) -> None:
        if self.pdf is not None:
            self.pdf.close_pages()
