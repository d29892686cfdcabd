"""The suitability policy (compliance): saving stores a new version, as does a new subject table.

Both are recorded off the GUI thread (RecordingDialog): behind another program's lock on the
store the dialog says it saves with its fields held, and a refusal is said in the dialog."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import ATTENTION_AGE, VALIDITY_DAYS, Policy
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import message_text
from suitcheck.gui.texts import level_text
from suitcheck.gui.widgets import confirm, dialog_buttons, error_label, resize_within_screen
from suitcheck.gui.workers import Job
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.policy import SubjectPreview

# How many keywords the confirmation names, shared among what it adds, removes and
# re-levels (at most 12 of one kind); the rest are counted. With all three and both
# warnings it stays within a 768-pixel screen.
SHOWN_CHANGES = 15
SHOWN_OF_ONE_KIND = 12


class PolicyDialog(RecordingDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policyDialog")
        self.services, self.actor = services, actor
        policy = services.policy.current()
        self.version = policy.version  # what this dialog shows; a save is refused if another was stored since
        # Every value the policy takes (domain.policy), so a stored one is shown and kept as it
        # is: a field stopping short of it showed 365 for a warning window of 400 days and
        # saving another change stored 365. The policy refuses a warning window not shorter
        # than the validity, with its sentence.
        self.validity = QSpinBox(self)
        self.validity.setRange(*VALIDITY_DAYS)
        self.validity.setValue(policy.validity_days)
        self.warning = QSpinBox(self)
        self.warning.setRange(0, VALIDITY_DAYS[1] - 1)
        self.warning.setValue(policy.warning_days)
        self.age = QSpinBox(self)
        self.age.setRange(*ATTENTION_AGE)
        self.age.setValue(policy.special_attention_age)
        self.escalation = QCheckBox(self.tr("Allow client-requested escalation after the special warning"), self)
        self.escalation.setChecked(policy.allow_escalation)
        # The rulebook's reading of a client marked for re-assessment ("treated as expired"):
        # a version stored before the switch existed kept R1 open (domain.policy).
        self.due_blocks = QCheckBox(
            self.tr("A client marked for re-assessment is given no report until re-assessed, R1 included"), self
        )
        self.due_blocks.setObjectName("dueBlocksR1")
        self.due_blocks.setChecked(policy.reassessment_due_blocks_r1)
        form = QFormLayout()
        form.addRow(self.tr("Assessment valid for (days):"), self.validity)
        form.addRow(self.tr("Warn before expiry (days):"), self.warning)
        form.addRow(self.tr("Special attention from age:"), self.age)

        self.subjects = QTableWidget(0, 2, self)
        self.subjects.setObjectName("subjectTable")
        self.subjects.setHorizontalHeaderLabels([self.tr("Keyword"), self.tr("Level")])
        self.subjects.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.subjects.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.subjects.setWordWrap(False)
        self.subjects.verticalHeader().setVisible(False)
        # One line a row: more keywords in sight than the default's padded rows give.
        self.subjects.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.subjects.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.subjects.setMinimumHeight(160)
        self.load_button = QPushButton(self.tr("Load from file…"), self)
        self.load_button.clicked.connect(self.choose_file)
        self.default_button = QPushButton(self.tr("Use this release's table"), self)
        self.default_button.clicked.connect(self.use_default)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.default_button)
        buttons.addStretch(1)
        self.subject_box = QGroupBox(self)
        box = QVBoxLayout(self.subject_box)
        note = QLabel(
            self.tr(
                "A report whose stated level is below what a keyword of its subject implies is matched at "
                "the higher level and flagged for compliance. Reports already imported keep the level "
                "found when they were read, until compliance re-reads them (Compliance › Re-read reports with "
                "the subject table…)."
            ),
            self,
        )
        note.setWordWrap(True)
        box.addWidget(note)
        box.addWidget(self.subjects, 1)
        box.addLayout(buttons)

        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Saving stores a new policy version; past decisions keep the version they used."), self)
        intro.setObjectName("policyIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.escalation)
        layout.addWidget(self.due_blocks)
        layout.addWidget(self.subject_box, 1)
        self.message = error_label(self, "policyMessage")  # "Saving…", or why the service refused
        layout.addWidget(self.message)
        self.buttons = dialog_buttons(self, self.tr("Save new version"))
        layout.addWidget(self.buttons)
        self._show(policy)
        refused = services.policy.change_refused(actor)
        if refused is not None:
            self._read_only(intro, message_text(refused))
        resize_within_screen(self, 640, 600)

    def _read_only(self, intro: QLabel, why: str) -> None:
        """The policy as it stands, for staff who may read it but not change it: nothing to
        edit, nothing to save, and the sentence saying why (the service refuses anyway)."""
        intro.setText(why)
        for widget in (
            self.validity,
            self.warning,
            self.age,
            self.escalation,
            self.due_blocks,
            self.load_button,
            self.default_button,
        ):
            widget.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    def _show(self, policy: Policy) -> None:
        self.version = policy.version
        self.setWindowTitle(self.tr("Suitability policy (version {v})").format(v=policy.version))
        self.subject_box.setTitle(self.tr("Subject keywords ({n})").format(n=len(policy.subjects)))
        self.subjects.setRowCount(len(policy.subjects))
        for row, (word, level) in enumerate(policy.subjects):
            keyword = QTableWidgetItem(word)
            keyword.setToolTip(word)
            self.subjects.setItem(row, 0, keyword)
            self.subjects.setItem(row, 1, QTableWidgetItem(level_text(level)))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Subject table"), "", self.tr("Subject tables (*.csv *.tsv *.txt);;All files (*)")
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Offer the table in `path` (keyword,level lines) as a new version."""
        try:
            rows = self.services.policy.subject_file_rows(path)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._offer(rows)

    def use_default(self) -> None:
        self._offer(self.services.policy.default_subject_rows())

    def _offer(self, rows: Sequence[tuple[str, str]]) -> None:
        """Say what the table would change, ask, and store it against the version the dialog
        shows (off the GUI thread; the dialog stays open and shows the version stored)."""
        if self.recording:
            return
        try:
            preview = self.services.policy.preview_subjects(self.actor, rows)
        except ServiceError as exc:
            show_error(self, exc)
            return
        title = self.tr("New subject table")
        if not confirm(self, title, self._question(preview), self.tr("Store new version")):
            return
        # Against the version the dialog shows, as Save is: the preview reads the version
        # stored now, and a table stored over another officer's version would take the
        # dialog past it with its fields still as before (Save would then undo theirs).
        self.record(
            Job(self.services.policy.set_subjects, self.actor, list(rows), based_on=self.version),
            self.message,
            done=self._show,
        )

    def _question(self, preview: SubjectPreview) -> str:
        added = [(c.keyword, c.after) for c in preview.changes if c.before is None and c.after]
        removed = [(c.keyword, c.before) for c in preview.changes if c.after is None and c.before]
        changed = [c for c in preview.changes if c.before and c.after]
        shown_each = min(SHOWN_OF_ONE_KIND, SHOWN_CHANGES // max(1, sum(map(bool, (added, removed, changed)))))
        lines = [
            self.tr("Store a subject table of {n} keywords as policy version {v}?").format(
                n=len(preview.table), v=preview.based_on + 1
            )
        ]
        for level in preview.unlifted:  # first, where a careless eye still reads
            lines.append(
                self.tr(
                    "Warning: no keyword is left at {level}. No report will be lifted to it by its subject any more "
                    "(only by a security code)."
                ).format(level=level_text(level))
            )

        def listed(head: str, items: list[str]) -> None:
            if items:
                more = len(items) - shown_each
                shown = "\n".join(f"  {item}" for item in items[:shown_each])
                tail = "\n  " + self.tr("and {n} more").format(n=more) if more > 0 else ""
                lines.append(f"{head}\n{shown}{tail}")

        listed(self.tr("Adds {n}:").format(n=len(added)), [self._pair(w, lv) for w, lv in added])
        listed(self.tr("Removes {n}:").format(n=len(removed)), [self._pair(w, lv) for w, lv in removed])
        listed(
            self.tr("Changes the level of {n}:").format(n=len(changed)),
            [f"{c.keyword}  {level_text(c.before)} → {level_text(c.after)}" for c in changed],
        )
        lines.append(
            self.tr(
                "Reports imported from now on are matched with it; reports already imported keep their level "
                "until they are re-read (Compliance › Re-read reports with the subject table…). "
                "The change is recorded in the audit trail."
            )
        )
        return "\n\n".join(lines)

    @staticmethod
    def _pair(word: str, level: RiskLevel) -> str:
        return f"{word}  {level_text(level)}"

    def accept(self) -> None:
        if self.recording:
            return  # OK again while a version is being stored: its answer closes the dialog
        question = self.tr(
            "Store these settings as a new policy version? Every decision from now on follows it; "
            "the change is recorded in the audit trail."
        )
        if not confirm(self, self.tr("Save new version"), question, self.tr("Save new version")):
            return
        self.record(
            Job(
                self.services.policy.update,
                self.actor,
                based_on=self.version,
                validity_days=self.validity.value(),
                warning_days=self.warning.value(),
                special_attention_age=self.age.value(),
                allow_escalation=self.escalation.isChecked(),
                reassessment_due_blocks_r1=self.due_blocks.isChecked(),
            ),
            self.message,
        )
