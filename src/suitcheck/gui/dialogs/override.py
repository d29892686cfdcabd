"""The special risk warning a client who insists must confirm."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.errors import show_error
from suitcheck.gui.session import when_present
from suitcheck.gui.widgets import breakable, dialog_buttons, resize_within_screen, screen_area
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.access import CheckResult
from suitcheck.services.investors import InvestorView
from suitcheck.services.reports import ReportView

WIDTH = 640  # the dialog's width where the screen has room


class OverrideDialog(QDialog):
    """The special risk warning, shown in full; staff confirm the client confirmed."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        client: InvestorView,
        report: ReportView,
        parent: QWidget | None = None,
        decided: CheckResult | None = None,
    ) -> None:
        """`decided`: the check that offered the warning; the dialog names the level and
        profile it used (the level matched by 就高, not the one stated on the report)."""
        super().__init__(parent)
        self.setObjectName("overrideDialog")
        self.services, self.actor, self.client, self.report = services, actor, client, report
        self.decided = decided
        self.recorded: CheckResult | None = None  # the recorded override, once accepted (QDialog has result())
        self.refused: BaseException | None = None  # the service's last refusal (the decision may have changed)
        self.policy = services.policy.current()
        self.setWindowTitle(self.tr("Special risk warning"))
        self.warning = warning = QPlainTextEdit(self.policy.warning_text, self)
        warning.setObjectName("overrideWarning")
        warning.setReadOnly(True)
        self.told = QCheckBox(self.tr("I told the client that this report does not fit their risk profile."), self)
        self.confirmed = QCheckBox(self.tr("The client read this warning, insists, and confirmed in writing."), self)
        self.recording = QLineEdit(self)
        self.recording.setPlaceholderText(self.tr("双录 recording reference, if the branch made one"))
        self.note = QLineEdit(self)
        layout = QVBoxLayout(self)
        self.request = QLabel(
            self.tr(
                "{client} asks for “{title}” ({level}), above their profile ({profile}). Warning version {version}:"
            ).format(
                client=breakable(escape_controls(client.name)),  # both may run long without a space
                title=breakable(escape_controls(report.title)),
                level=texts.level_text(decided.decision.level if decided else report.matching_level),
                profile=texts.profile_text(decided.decision.profile if decided else client.profile),
                version=self.policy.warning_version,
            ),
            self,
        )
        self.request.setObjectName("overrideRequest")
        self.request.setTextFormat(Qt.TextFormat.PlainText)  # a title is never markup
        self.request.setWordWrap(True)
        layout.addWidget(self.request)
        layout.addWidget(warning)
        for w in (self.told, self.confirmed):
            layout.addWidget(w)
        form = QFormLayout()
        form.addRow(self.tr("Recording:"), self.recording)
        form.addRow(self.tr("Note:"), self.note)
        layout.addLayout(form)
        self.box = dialog_buttons(self, self.tr("Record override"))
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        for w in (self.told, self.confirmed):
            w.toggled.connect(lambda *_: self.ok.setEnabled(self.told.isChecked() and self.confirmed.isChecked()))
        self.status = QLabel(self)
        self.status.setObjectName("overrideStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addWidget(self.box)
        self._recording = False  # the override is being recorded
        self._ended = False
        self._runner = Runner(self)
        self._fit_warning(layout)

    def _fit_warning(self, layout: QVBoxLayout) -> None:
        """The warning is read out and confirmed as read: the whole of it in view, with no
        scroll bar (laid out at its hint, the dialog opened 310 pixels wide in Chinese with
        the English half out of sight). Within the screen; a warning longer than the
        screen holds still scrolls."""
        area = screen_area(self)
        width = min(WIDTH, area.width()) if area is not None else WIDTH
        doc = QTextDocument(self)
        doc.setDefaultFont(self.warning.font())
        doc.setPlainText(self.warning.toPlainText())
        margins = layout.contentsMargins()
        frame = 2 * self.warning.frameWidth()
        doc.setTextWidth(
            width - margins.left() - margins.right() - frame - self.warning.verticalScrollBar().sizeHint().width()
        )
        needed = int(doc.size().height()) + frame + self.warning.fontMetrics().lineSpacing()
        room = (area.height() if area is not None else 768) // 2  # the rest of the dialog takes the other half
        self.warning.setMinimumHeight(min(needed, room))
        resize_within_screen(self, width, max(self.sizeHint().height(), layout.totalHeightForWidth(width)))

    def accept(self) -> None:
        """Record off the GUI thread: behind another program's lock on the store the write
        waits (up to the busy timeout) while the dialog keeps painting. Once sent it cannot
        be taken back halfway: OK again, Cancel and Escape wait for its answer."""
        if self._recording:
            return
        self._recording = True
        self.status.setText(self.tr("Recording the override…"))
        for widget in (self.told, self.confirmed, self.recording, self.note):
            widget.setEnabled(False)
        self._runner.start(
            Job(
                self.services.access.record_override,
                self.actor,
                self.client.id,
                self.report.id,
                warning_version=self.policy.warning_version,
                shown=self.decided.decision if self.decided is not None else None,  # what the client was told
                client_confirmed=self.told.isChecked() and self.confirmed.isChecked(),
                recording_ref=self.recording.text().strip() or None,
                note=self.note.text().strip() or None,
            ),
            self._recorded,
            self._not_recorded,
        )

    def _recorded(self, result: CheckResult) -> None:
        self._recording = False
        self.recorded = result
        if not self._ended:  # the session did not end meanwhile (it closes the dialog)
            super().accept()

    def _not_recorded(self, exc: BaseException) -> None:
        self._recording = False
        self.refused = exc
        self.status.clear()
        for widget in (self.told, self.confirmed, self.recording, self.note):
            widget.setEnabled(True)
        if not self._ended:
            when_present(self, lambda: show_error(self, exc))

    def done(self, result: int) -> None:
        self._ended = True  # accepted, rejected, or closed with the session (end_session)
        super().done(result)

    def reject(self) -> None:
        if self._recording:
            return  # the override is being recorded: its answer closes the dialog
        super().reject()
