"""Assess a client with the risk-tolerance questionnaire: one question per page, the result
and what it permits (from the services) before saving, then the confirmation sheet.

Keyboard: the digit keys pick an answer, the arrow keys move between answers, Enter goes
on to the result (never past it: an Enter too many saved unseen), Alt+S saves, Alt+B goes
back, Esc cancels. Nothing is written before "Save assessment": cancelling earlier leaves
the store as it was."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from suitcheck.domain.decision import Outcome
from suitcheck.domain.questionnaire import Question, Questionnaire
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.errors import show_error
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.messages import error_text
from suitcheck.gui.session import when_present
from suitcheck.gui.widgets import enter_never_commits, error_label, plain_label, resize_within_screen
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.investors import AssessmentPreview, AssessmentResult, InvestorView

SECTIONS = {
    "capacity": QT_TRANSLATE_NOOP("Questionnaire", "Capacity"),
    "finances": QT_TRANSLATE_NOOP("Questionnaire", "Finances"),
    "experience": QT_TRANSLATE_NOOP("Questionnaire", "Investment experience"),
    "goals": QT_TRANSLATE_NOOP("Questionnaire", "Investment goals"),
    "attitude-to-loss": QT_TRANSLATE_NOOP("Questionnaire", "Attitude to loss"),
}
PERMITS = {
    Outcome.ALLOW: QT_TRANSLATE_NOOP("Questionnaire", "may receive"),
    Outcome.BLOCK: QT_TRANSLATE_NOOP("Questionnaire", "may not receive"),
    Outcome.ALLOW_AFTER_WARNING: QT_TRANSLATE_NOOP(
        "Questionnaire", "only after the special risk warning and the client's confirmation"
    ),
}


class AssessmentWizard(QWizard):
    """Pages: one per question, the result (a commit page: "Save assessment"), done."""

    def __init__(self, services: Services, actor: Actor, client: InvestorView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentWizard")
        self.services, self.actor, self.client = services, actor, client
        self.questionnaire: Questionnaire = services.questionnaire.current(actor)
        self.preview: AssessmentPreview | None = None
        self.saved: AssessmentResult | None = None
        self.sheet_path: Path | None = None
        self.ended = False
        self.setWindowTitle(
            self.tr("Risk-tolerance assessment — {name} ({account})").format(
                name=escape_controls(client.name), account=escape_controls(client.account)
            )
        )
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        resize_within_screen(self, 820, 560)
        self.question_pages = [QuestionPage(self, n, q) for n, q in enumerate(self.questionnaire.questions)]
        for page in self.question_pages:
            self.addPage(page)
        self.result_page = ResultPage(self)
        self.done_page = DonePage(self)
        self.addPage(self.result_page)
        self.addPage(self.done_page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Back"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Save assessment"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Close"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        enter_never_commits(self)  # Enter goes on through the questions; Alt+S saves

    def answers(self) -> dict[str, str]:
        given = {p.question.id: p.answer_id() for p in self.question_pages}
        return {question: answer for question, answer in given.items() if answer is not None}

    def reject(self) -> None:
        if self.result_page.saving:
            return  # the assessment is being saved: its answer moves the wizard on
        # Once saved, closing the window is finishing: the caller refreshes the client.
        if self.saved is not None:
            self.accept()
            return
        super().reject()

    def done(self, result: int) -> None:
        self.ended = True  # finished, cancelled, or closed with the session (end_session)
        super().done(result)


class QuestionPage(QWizardPage):
    def __init__(self, wizard: AssessmentWizard, index: int, question: Question) -> None:
        super().__init__(wizard)
        self.w, self.question = wizard, question
        self.setObjectName(f"question_{question.id}")
        total = len(wizard.questionnaire.questions)
        self.setTitle(self.tr("Question {n} of {total}").format(n=index + 1, total=total))
        self.setSubTitle(translated("Questionnaire", SECTIONS.get(question.section, question.section)))
        chinese = texts.chinese_ui()
        # The question as the file holds it, never as markup: a text that looks like markup
        # (您<font color="#ffffff">不</font>能…) showed the client other words than the sheet prints.
        text = plain_label(question.text if chinese else question.text_en, self)
        text.setObjectName("questionText")
        text.setWordWrap(True)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        text.setFont(font)
        other = plain_label(question.text_en if chinese else question.text, self)
        other.setWordWrap(True)
        other.setStyleSheet("color: #555555;")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(other)
        layout.addSpacing(8)
        self.buttons: list[QRadioButton] = []
        for n, answer in enumerate(question.answers):
            # A button takes & as its shortcut mark (R&D showed as RD, D underlined): && is one &.
            label = (answer.text if chinese else answer.text_en).replace("&", "&&")
            hint = (answer.text_en if chinese else answer.text).replace("&", "&&")
            button = QRadioButton(f"{n + 1}. {label}  ({hint})" if n < 9 else f"{label}  ({hint})", self)
            button.setObjectName(f"answer_{answer.id}")
            self.group.addButton(button, n)
            self.buttons.append(button)
            layout.addWidget(button)
        layout.addStretch(1)
        hint_label = QLabel(self.tr("Keys 1–9 choose an answer; Enter goes to the next question."), self)
        hint_label.setStyleSheet("color: #555555;")
        layout.addWidget(hint_label)
        self.group.idToggled.connect(lambda *_: self.completeChanged.emit())

    def initializePage(self) -> None:
        checked = self.group.checkedButton()
        (checked or self.buttons[0]).setFocus()

    def answer_id(self) -> str | None:
        n = self.group.checkedId()
        return self.question.answers[n].id if n >= 0 else None

    def choose(self, n: int) -> None:
        if 0 <= n < len(self.buttons):
            self.buttons[n].setChecked(True)
            self.buttons[n].setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.choose(key - Qt.Key.Key_1)
            return
        super().keyPressEvent(event)

    def isComplete(self) -> bool:
        return self.group.checkedId() >= 0


class ResultPage(QWizardPage):
    """The result as the services compute it, before anything is saved."""

    def __init__(self, wizard: AssessmentWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setObjectName("resultPage")
        self.setTitle(self.tr("Result — check it with the client before saving"))
        self.setCommitPage(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.permits = QTableWidget(0, 2, self)
        self.permits.setObjectName("resultPermits")
        self.permits.verticalHeader().setVisible(False)
        self.permits.horizontalHeader().setStretchLastSection(True)
        self.permits.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.permits.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note = QLineEdit(self)
        self.note.setObjectName("assessmentNote")
        self.message = error_label(self, "resultMessage")
        self.status = QLabel(self)
        self.status.setObjectName("resultStatus")
        form = QFormLayout()
        form.addRow(self.tr("Note (optional):"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("What the result permits (research reports by risk level):"), self))
        layout.addWidget(self.permits, 1)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        self.saving = False  # the assessment is being saved (off the GUI thread)
        self._runner = Runner(self)

    def initializePage(self) -> None:
        self.w.preview = None
        self.message.clear()
        self.permits.setRowCount(0)
        try:
            self.w.preview = self.w.services.investors.preview_answers(
                self.w.actor,
                self.w.client.id,
                self.w.answers(),
                expected_version=self.w.questionnaire.version,
                based_on=self.w.client,  # the record the questionnaire began from
            )
        except ServiceError as exc:
            self.summary.setText("")
            self.message.setText(error_text(exc))
            self.completeChanged.emit()
            return
        p = self.w.preview
        lines = [
            self.tr("Risk profile: <b>{profile}</b>").format(profile=texts.profile_text(p.profile)),
            self.tr("Score: {score} (questionnaire version {version})").format(
                score=p.score, version=p.questionnaire_version
            ),
            self.tr("Valid until: {date}").format(date=p.valid_until.isoformat()),
        ]
        if p.knockouts:
            lines.append(
                self.tr(
                    "<b>Knock-out answer</b> (question {ids}): lowest risk-tolerance category, "
                    "whatever the score ({band})."
                ).format(ids=html.escape(", ".join(p.knockouts)), band=texts.profile_text(p.band_profile))
            )
        elif p.minor:
            lines.append(
                self.tr(
                    "<b>The client is under 18 (the birth date in the ID number): lowest risk-tolerance "
                    "category.</b> Compliance lifts it, with a reason, for a 16- or 17-year-old living on "
                    "their own labour income."
                )
            )
        elif p.lowest_category:
            lines.append(self.tr("<b>The client stays in the lowest risk-tolerance category.</b>"))
        self.summary.setText("<br>".join(lines))
        self.permits.setHorizontalHeaderLabels([self.tr("Report level"), self.tr("The client")])
        self.permits.setRowCount(len(p.permits))
        for row, (level, outcome) in enumerate(p.permits):
            self.permits.setItem(row, 0, QTableWidgetItem(texts.level_text(level)))
            item = QTableWidgetItem(translated("Questionnaire", PERMITS[outcome]))
            item.setData(Qt.ItemDataRole.UserRole, outcome.value)
            self.permits.setItem(row, 1, item)
        self.permits.resizeColumnToContents(0)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.preview is not None and not self.saving

    def validatePage(self) -> bool:
        """The one place that writes: save exactly the answers previewed. Off the GUI thread:
        behind another program's lock on the store the write waits (up to the busy timeout)
        while the wizard keeps painting. Once sent it cannot be taken back halfway: the
        buttons and the note are held, Escape waits, and the answer moves the wizard on."""
        if self.w.saved is not None:
            return True  # saved: the answer itself pressed on
        if self.saving:
            return False
        self.saving = True
        self.message.clear()
        self.status.setText(self.tr("Saving…"))
        self.note.setEnabled(False)
        self.completeChanged.emit()  # the Save button greys
        self.w.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self._runner.start(
            Job(
                self.w.services.investors.assess_answers,
                self.w.actor,
                self.w.client.id,
                self.w.answers(),
                note=self.note.text().strip() or None,
                expected_version=self.w.questionnaire.version,
                based_on=self.w.client,  # a re-assessment mark made since is kept
            ),
            self._saved,
            self._not_saved,
        )
        return False

    def _release(self) -> None:
        self.saving = False
        self.status.clear()
        self.note.setEnabled(True)
        self.completeChanged.emit()  # the buttons as the page has them

    def _saved(self, result: AssessmentResult) -> None:
        self._release()
        self.w.saved = result
        if not self.w.ended:  # the session did not end meanwhile (it closes the wizard)
            self.w.next()

    def _not_saved(self, exc: BaseException) -> None:
        self._release()
        if self.w.ended:
            return
        if isinstance(exc, ServiceError):
            self.message.setText(error_text(exc))
        else:
            when_present(self.w, lambda: show_error(self.w, exc))  # not expected: logged, an apology


class DonePage(QWizardPage):
    def __init__(self, wizard: AssessmentWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setObjectName("donePage")
        self.setTitle(self.tr("Assessment saved"))
        self.summary = QLabel(self)
        self.summary.setObjectName("doneSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # the client's name is never markup
        self.print_button = QPushButton(self.tr("&Print confirmation sheet (PDF)…"), self)
        self.print_button.setObjectName("printSheet")
        self.print_button.clicked.connect(self._browse)
        self.open_button = QPushButton(self.tr("&Open the PDF"), self)
        self.open_button.setObjectName("openSheet")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        self.written = QLabel(self)
        self.written.setObjectName("sheetWritten")
        self.written.setTextFormat(Qt.TextFormat.PlainText)  # it names a file the user chose
        self.written.setWordWrap(True)
        self.written.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = error_label(self, "sheetMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(
            QLabel(self.tr("Print the confirmation sheet for the client to sign, and file the signed copy."), self)
        )
        layout.addLayout(buttons)
        layout.addWidget(self.written)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:
        r = self.w.saved
        assert r is not None
        if r.investor.reassessment_due:
            # Marked while the client answered: these answers did not clear it (the service
            # keeps such a mark), so "valid until" would say what is not so.
            said = self.tr(
                "{name} ({account}): {profile}, score {score}, saved. The client was marked for re-assessment "
                "while answering (their situation changed): the mark stays until they answer the questionnaire "
                "again."
            )
        else:
            said = self.tr("{name} ({account}): {profile}, score {score}, valid until {date}.")
        self.summary.setText(
            said.format(
                name=escape_controls(self.w.client.name),
                account=escape_controls(self.w.client.account),
                profile=texts.profile_text(r.profile),
                score=r.score,
                date=r.valid_until.isoformat(),
            )
        )
        self.print_button.setFocus()

    def default_path(self) -> Path:
        stamp = self.w.services.ctx.shown_today().strftime("%Y%m%d")
        return Path.home() / f"assessment-{self.w.client.account}-{stamp}.pdf"

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Confirmation sheet"), str(self.default_path()), self.tr("PDF files (*.pdf)")
        )
        if name:
            self.write_sheet(Path(name if name.lower().endswith(".pdf") else name + ".pdf"))

    def write_sheet(self, path: Path) -> bool:
        self.message.clear()
        try:
            written = self.w.services.investors.write_confirmation(self.w.actor, self.w.client.id, path)
        except ServiceError as exc:
            self.message.setText(error_text(exc))
            return False
        self.w.sheet_path = written.path
        self.written.setText(self.tr("Written to {path}").format(path=written.path))
        self.open_button.setEnabled(True)
        self.open_button.setFocus()
        return True

    def _open(self) -> None:
        if self.w.sheet_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.w.sheet_path)))
