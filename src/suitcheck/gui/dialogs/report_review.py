"""Compliance reviews what import extracted from a report, beside its text, and corrects it.

The corrections are recorded off the GUI thread (RecordingDialog): behind another program's
lock on the store the dialog says it saves with its fields held, and a refusal is said in
the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import error_text, finding_line, message_text
from suitcheck.gui.widgets import error_label, resize_within_screen
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.reports import LevelSource, ReportReview


def _label(parent: QWidget, text: str | list[str], name: str) -> QLabel:
    """A read-only value; a list is shown one item a line (each item's own line breaks and
    other controls escaped, the lines between them kept)."""
    shown = "\n".join(escape_controls(t) for t in text) if isinstance(text, list) else escape_controls(text)
    label = QLabel(shown, parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ReviewDialog(RecordingDialog):
    """The extracted facts (read-only), title, date, publisher and level to correct with a
    reason, and the report's text beside them. The services decide and audit each change."""

    def __init__(self, services: Services, actor: Actor, review: ReportReview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.services, self.actor, self.review = services, actor, review
        r = review.report
        self.setWindowTitle(self.tr("Review report {id}").format(id=r.id))
        resize_within_screen(self, 1100, 640)

        form_box = QWidget(self)
        form = QFormLayout(form_box)
        self.title = QLineEdit(r.title, form_box)
        self.title.setObjectName("reviewTitle")
        self.date = QLineEdit(r.published_on.isoformat() if r.published_on else "", form_box)
        self.date.setObjectName("reviewDate")
        self.date.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.publisher = QLineEdit(r.publisher or "", form_box)
        self.publisher.setObjectName("reviewPublisher")
        self.level = QComboBox(form_box)
        self.level.setObjectName("reviewLevel")
        if r.level is None:
            self.level.addItem(texts.level_text(None), "")
        for level in RiskLevel:
            self.level.addItem(texts.level_text(level), level.code)
        self.level.setCurrentIndex(self.level.findData(r.level.code if r.level else ""))
        self.reason = QLineEdit(form_box)
        self.reason.setObjectName("reviewReason")
        self.reason.setPlaceholderText(self.tr("Why (kept with the change)"))

        sac, no_sac = self.tr("SAC"), self.tr("no SAC number found")
        analysts = [f"{name} ({sac} {number})" if number else f"{name} ({no_sac})" for name, number in r.analysts]
        # As the report tables show it: the rating and its change, e.g. 买入（维持）.
        rating = (f"{r.rating[1]}（{r.rating[2]}）" if r.rating[2] else r.rating[1]) if r.rating else ""
        findings = [finding_line(f.code, f.detail) for f in r.open_findings]
        form.addRow(self.tr("File:"), _label(form_box, f"{r.source_name} ({r.source_kind})", "reviewSource"))
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Date:"), self.date)
        form.addRow(self.tr("Publisher:"), self.publisher)
        form.addRow(self.tr("Type:"), _label(form_box, r.report_type or "—", "reviewType"))
        form.addRow(self.tr("Level:"), self.level)
        form.addRow(self.tr("How it was found:"), _label(form_box, self._level_source(), "reviewLevelSource"))
        form.addRow(
            self.tr("Suggested from the subject:"),
            _label(form_box, texts.level_text(r.suggested_level) if r.suggested_level else "—", "reviewSuggested"),
        )
        form.addRow(self.tr("Analysts:"), _label(form_box, analysts or "—", "reviewAnalysts"))
        form.addRow(self.tr("Rating:"), _label(form_box, rating or "—", "reviewRating"))
        form.addRow(self.tr("Open findings:"), _label(form_box, findings or "—", "reviewFindings"))
        form.addRow(self.tr("Reason:"), self.reason)

        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reviewText")
        self.text.setReadOnly(True)
        self.text.setPlainText(escape_controls(review.text, keep="\n\r\t\f"))  # lines stay lines
        splitter = QSplitter(self)
        splitter.addWidget(form_box)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save corrections"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.message = error_label(self, "reviewMessage")  # "Saving…", or why the service refused
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        # What the editors showed at first: a field is saved only when its editor changed.
        self._shown = self._values()
        refused = services.reports.rating_refused(actor)
        self.editable = refused is None
        if refused is not None:
            self._read_only(message_text(refused))

    def _read_only(self, why: str) -> None:
        """The review for staff who may read it but not correct it (a branch's officer: a
        report's level decides for every branch): nothing to edit or save, and the sentence
        saying why (the services refuse a change anyway)."""
        for editor in (self.title, self.date, self.publisher, self.reason):
            editor.setReadOnly(True)  # still selectable: a long title is read (and copied) whole
        self.reason.setPlaceholderText("")  # nothing is kept with a change that cannot be made
        self.reason.setEnabled(False)
        self.level.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        self.message.setText(why)

    def _level_source(self) -> str:
        review = self.review
        stated = ", ".join(x.code for x in review.level_statements)
        return {
            LevelSource.RATED: self.tr("rated by compliance"),
            LevelSource.STATED: self.tr("stated in the report ({levels})").format(levels=stated),
            LevelSource.CONFLICTING: self.tr("the report states different levels ({levels}); not rated yet").format(
                levels=stated
            ),
            LevelSource.UNCLEAR: self.tr(
                "the report says something about its level that cannot be read as one level (see its findings); "
                "not rated yet"
            ),
            LevelSource.NONE: self.tr("no level stated in the report; not rated yet"),
        }[review.level_source]

    def _values(self) -> dict[str, str]:
        return {
            "published_on": self.date.text().strip(),
            "title": self.title.text().strip(),
            "publisher": self.publisher.text().strip(),
            "level": str(self.level.currentData() or ""),
        }

    def save(self) -> None:
        """Apply the changed fields one by one (the date first: the likeliest to be refused),
        off the GUI thread. A refusal is said in the dialog and stops there; what was saved
        before it stays saved and is no longer counted as a change."""
        if self.recording:
            return  # Save again while saving: the fields are held, the answer closes the dialog
        if not self.editable:
            self.reject()  # Enter in a review shown read-only closes it; nothing is asked of the services
            return
        changes = [(field, value) for field, value in self._values().items() if value != self._shown[field]]
        saved: list[str] = []  # the fields saved so far; read here once the worker has answered

        def kept_saved(exc: ServiceError) -> None:
            self._keep(saved)
            self.message.setText(error_text(exc))

        self.record(Job(self._save, changes, self.reason.text().strip(), saved), self.message, refused=kept_saved)

    def accept(self) -> None:
        self.save()

    def _save(self, changes: list[tuple[str, str]], reason: str, saved: list[str]) -> None:
        """On the worker: one service call a changed field, in order, until one is refused."""
        report_id = self.review.report.id
        for field, value in changes:
            if field == "level":
                self.services.reports.set_level(self.actor, report_id, RiskLevel.parse(value), reason or None)
            else:
                self.services.reports.correct(self.actor, report_id, field, value, reason)
            saved.append(field)

    def _keep(self, saved: list[str]) -> None:
        values = self._values()
        for field in saved:
            self._shown[field] = values[field]


def open_review(parent: QWidget, services: Services, actor: Actor, report_id: int) -> bool:
    """Open the review of one report; True when something was saved. A refusal (another
    role, a report gone) is shown, not raised."""
    try:
        review = services.reports.review(actor, report_id)
    except ServiceError as exc:
        show_error(parent, exc)
        return False
    dialog = ReviewDialog(services, actor, review, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
