"""The report window: one report, opened for one client."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from suitcheck.gui import texts
from suitcheck.services import Actor
from suitcheck.services.access import CheckResult, OpenedReport
from suitcheck.services.investors import InvestorView


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
