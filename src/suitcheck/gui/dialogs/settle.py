"""Compliance › Settle a record changed outside suitcheck: the desk's way to what
`suitcheck audit settle` does (services/settle.py; docs/audit-design.md, "Settling a record").

The officer names the client (account) or report (id), and for a client whose name or ID
number was corrected outside suitcheck the value it held before; the service's preview
says, here in plain words, what the record holds and what settling seals, or why it
would not be settled. Settle is offered once a preview is shown and a reason typed, and
sends the state the preview showed (`expected_state`): a record changed meanwhile is
refused. Every call runs off the GUI thread: the preview as a read (Escape closes the
dialog and its answer is dropped), the settling as a recorded change (RecordingDialog:
Escape waits for its answer). The dialog decides nothing itself: which records may be
settled, and by whom, is the service's."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.dialogs.recording import RecordingDialog
from suitcheck.gui.errors import show_error
from suitcheck.gui.messages import error_text, finding_line
from suitcheck.gui.session import when_present
from suitcheck.gui.widgets import confirm, dialog_buttons, error_label, resize_within_screen
from suitcheck.gui.workers import Job, Runner
from suitcheck.services import Actor, Services
from suitcheck.services.errors import Conflict, InvalidInput, ServiceError
from suitcheck.services.settle import (
    CHANGED_SINCE_SHOWN,
    CLIENT,
    CLIENT_DIFFERS,
    CLIENT_UNREADABLE,
    MIN_REASON,
    PROFILE_DIFFERS,
    RECORD_SOUND,
    REPORT,
    REPORT_DIFFERS,
    WAS_AS_HELD,
    Settlement,
    settle_reason,
)

WIDTH, HEIGHT = 760, 680  # within the screen (1024x768 too: resize_within_screen)


def _preview(
    services: Services, actor: Actor, kind: str, ref: str, was: dict[str, str | None]
) -> tuple[Settlement, str | None]:
    """The service's preview, and a report's title to name it by (runs on a worker; the
    title is only a help: a report it cannot be read for is shown by its id)."""
    preview = services.settle.preview(actor, kind, ref, was=was)
    title = None
    if kind == REPORT:
        with contextlib.suppress(ServiceError):
            title = services.reports.get(actor, preview.record_id).title
    return preview, title


def reason_given(text: str) -> bool:
    """The reason is one the service takes (its own rule: settle_reason)."""
    try:
        settle_reason(text)
    except InvalidInput:
        return False
    return True


class SettleDialog(RecordingDialog):
    """Preview, then settle, one client or report record. `kind` and `ref`: the record the
    desk's context menu named (previewed at once); otherwise the officer chooses it.
    `settled`: the settlement, once recorded (its entry number in `seq`)."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        kind: str | None = None,
        ref: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settleDialog")
        self.services, self.actor = services, actor
        self.runner = Runner(self)  # the previews (reads); the settling is RecordingDialog's
        self.preview: Settlement | None = None  # the preview on screen
        self.title: str | None = None  # the previewed report's title
        self.preview_for: tuple[str, str, dict[str, str | None]] | None = None  # (kind, ref, was) it was read for
        self.previewing = False
        self._focus_before: QWidget | None = None  # where the keyboard was when a preview was asked
        self.settled: Settlement | None = None
        # A record the service found sound (kind, id): settled meanwhile, at another desk;
        # the desk's lists, which may still mark it, follow it as they follow `settled`.
        self.found_sound: tuple[str, int] | None = None
        self.setWindowTitle(self.tr("Settle a record changed outside suitcheck"))
        intro = QLabel(
            self.tr(
                "A client or report record whose seal fails (changed outside suitcheck, e.g. a typo fixed "
                "in the database) blocks every decision about it. Once you have investigated it and found it "
                "right, settling seals it again as it stands, with your reason in the audit trail. Only a record "
                "whose decision facts are still as the audit trail last recorded them can be settled: a "
                "profile, class, date, level or rating changed outside suitcheck is refused."
            ),
            self,
        )
        intro.setObjectName("settleIntro")
        intro.setWordWrap(True)
        self.kind = QComboBox(self)
        self.kind.setObjectName("settleKind")
        offered = [k for k in (CLIENT, REPORT) if services.settle.refused(actor, k) is None]
        if kind is not None and kind not in offered:
            offered.append(kind)  # named by the desk: the service says why not
        for k in offered or [CLIENT]:
            self.kind.addItem(self._kind_text(k), k)
        self.kind.setEnabled(self.kind.count() > 1)
        self.ref = QLineEdit(self)
        self.ref.setObjectName("settleRef")
        self.show_button = QPushButton(self.tr("Show record"), self)
        self.show_button.setObjectName("settleShow")
        self.show_button.setAutoDefault(False)
        self.show_button.clicked.connect(self.show_record)
        which = QHBoxLayout()
        which.addWidget(self.kind)
        which.addWidget(self.ref, 1)
        which.addWidget(self.show_button)
        self.was_name = QLineEdit(self)
        self.was_name.setObjectName("settleWasName")
        self.was_id = QLineEdit(self)
        self.was_id.setObjectName("settleWasIdNumber")
        self.was_hint = QLabel(
            self.tr(
                "Only where the client's name or ID number was corrected outside suitcheck: the value the "
                "record held before the correction. Leave empty otherwise."
            ),
            self,
        )
        self.was_hint.setObjectName("settleWasHint")
        self.was_hint.setWordWrap(True)
        self.was_form = QWidget(self)
        was_layout = QFormLayout(self.was_form)
        was_layout.setContentsMargins(0, 0, 0, 0)
        was_layout.addRow(self.was_hint)
        was_layout.addRow(self.tr("Name before:"), self.was_name)
        was_layout.addRow(self.tr("ID number before:"), self.was_id)
        self.view = QPlainTextEdit(self)
        self.view.setObjectName("settlePreview")
        self.view.setReadOnly(True)
        self.view.setMinimumHeight(150)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("settleReason")
        self.reason.setPlaceholderText(
            self.tr("e.g. DBA fixed a typo in the name, ticket 4711; checked against the account opening form")
        )
        reason_hint = QLabel(
            self.tr("At least {n} characters; recorded in the audit trail with the settlement.").format(n=MIN_REASON),
            self,
        )
        reason_hint.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("settleStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.message = error_label(self, "settleMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.box = dialog_buttons(self, self.tr("Settle…"))
        self.ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("settleButton")
        self.ok.setAutoDefault(False)  # settled on purpose: clicked (or its key), then confirmed
        self.cancel = self.box.button(QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow(self.tr("Record:"), which)
        form.addRow(self.was_form)
        form.addRow(self.tr("Reason:"), self.reason)
        form.addRow(reason_hint)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.box)
        # Tab as the officer sees the dialog, top to bottom: the reason (above the preview)
        # before the preview; created in the other order, Tab went down past the reason
        # into the preview and back up to it.
        chain = [self.kind, self.ref, self.show_button, self.was_name, self.was_id, self.reason, self.view]
        for before, after in zip(chain, [*chain[1:], self.ok], strict=True):
            self.setTabOrder(before, after)
        self.kind.currentIndexChanged.connect(lambda _: self._kind_changed())
        for field in (self.ref, self.was_name, self.was_id):
            field.textEdited.connect(lambda _: self._forget_preview())
        self.reason.textChanged.connect(lambda _: self._update_buttons())
        if kind is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self._kind_changed()
        resize_within_screen(self, WIDTH, HEIGHT)
        if ref is not None:
            self.ref.setText(ref)
            self.reason.setFocus()
            self.show_record()
        else:
            self.ref.setFocus()

    # -- what is shown --------------------------------------------------------------------
    def _kind_text(self, kind: str) -> str:
        return self.tr("Client (account number)") if kind == CLIENT else self.tr("Report (id)")

    def _kind_changed(self) -> None:
        client = self.kind.currentData() == CLIENT
        self.was_form.setVisible(client)
        self.ref.setPlaceholderText(
            self.tr("the client's account number") if client else self.tr("the report's id, as audit verify names it")
        )
        self.ref.setAccessibleName(self._kind_text(self.kind.currentData()))
        self._forget_preview()

    def _forget_preview(self) -> None:
        """What to settle was changed: the preview on screen is no longer the one settled."""
        if self.settled is not None:
            return
        self.preview = self.preview_for = None
        self.view.setPlainText(self.tr("Show the record to see what settling would seal."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.preview is not None and self.settled is None and not self.previewing
        self.ok.setEnabled(ready and reason_given(self.reason.text()))
        self.show_button.setEnabled(not self.previewing and not self.recording and self.settled is None)

    def _asked(self) -> tuple[str, str, dict[str, str | None]]:
        kind = str(self.kind.currentData())
        was: dict[str, str | None] = {}
        if kind == CLIENT:
            for column, field in (("name", self.was_name), ("id_number", self.was_id)):
                if field.text().strip():
                    was[column] = field.text().strip()
        return kind, self.ref.text().strip(), was

    def settlement_text(self, s: Settlement, title: str | None = None) -> str:
        """The preview (or the settlement) in plain words, in the desk's language."""
        found = s.found
        if s.kind == CLIENT:
            head = self.tr("Client {account} (record {id}) as found; settling seals it as it stands:")
            lines = [head.format(account=s.key, id=s.record_id)]
            profile = found.get("profile")
            rows = [
                (self.tr("Name"), found.get("name")),
                (self.tr("ID number"), found.get("id_number")),
                (self.tr("Class"), texts.class_text(found["class"]) if found.get("class") else None),
                (self.tr("Profile"), texts.profile_text(RiskProfile.parse(profile)) if profile else None),
                (self.tr("Assessed on"), found.get("assessed")),
                (self.tr("Lowest risk-tolerance category"), found.get("lowest_category")),
                (self.tr("Special attention"), found.get("special_attention")),
                (self.tr("Re-assessment due"), found.get("reassessment_due")),
                (self.tr("Branch"), found.get("branch")),
            ]
        else:
            lines = [self.tr("Report {id} as found; settling seals it as it stands:").format(id=s.key)]
            if title:
                lines.insert(0, f"“{escape_controls(title)}”")
            level, subject = found.get("level"), found.get("suggested_level")
            digest = found.get("content_hash")
            rows = [
                (self.tr("Level"), texts.level_text(RiskLevel.parse(level) if level else None)),
                (self.tr("Subject level"), texts.level_text(RiskLevel.parse(subject)) if subject else None),
                (self.tr("Rated by compliance"), found.get("rated")),
                (self.tr("File (SHA-256)"), f"{digest[:16]}…" if isinstance(digest, str) else None),
                (self.tr("Findings"), str(len(found.get("findings") or []))),
            ]
        field = self.tr("{label}: {value}")
        lines += ["  " + field.format(label=label, value=self._value(value)) for label, value in rows]
        findings = found.get("findings") if s.kind == REPORT else None
        for f in findings or []:
            state = self.tr("settled") if f.get("settled") else self.tr("open")
            lines.append(f"    {escape_controls(finding_line(str(f['code']), str(f['detail'])))} ({state})")
        for column, change in s.changed.items():
            lines.append(
                self.tr("Changed outside suitcheck: {field} was “{before}”, is “{now}”.").format(
                    field=self._column_text(column),
                    before=self._value(change.get("recorded")),
                    now=self._value(change.get("found")),
                )
            )
        if s.untracked:
            lines.append(
                self.tr(
                    "Never recorded by the audit trail, taken as found: {fields} (the record is on its seal from "
                    "before they were sealed)."
                ).format(fields=", ".join(self._column_text(c) for c in s.untracked))
            )
            lines.append(
                self.tr("Every fact the older seal covers is as the audit trail last recorded it (its digest matches).")
            )
        elif s.changed:
            lines.append(
                self.tr("Every other sealed fact is as the audit trail last recorded it (its digest matches).")
            )
        else:
            lines.append(self.tr("Every sealed fact is as the audit trail last recorded it (its digest matches)."))
        for upgrade in s.left_by:
            lines.append(self._upgrade_text(upgrade))
        if s.seq is not None:
            lines.append(
                self.tr("Settled: recorded as entry {seq}; decisions read the record again.").format(seq=s.seq)
            )
        return "\n".join(lines)

    def _value(self, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        return escape_controls(str(value))

    def _column_text(self, column: str) -> str:
        words = {"name": self.tr("name"), "id_number": self.tr("ID number"), "findings": self.tr("findings")}
        return words.get(column, column)

    def _upgrade_text(self, upgrade: str) -> str:
        words = {
            "identity": self.tr("Left on its older seal by the upgrade that sealed clients' names and ID numbers."),
            "branches": self.tr("Left on its older seal by the upgrade that sealed clients' branches."),
            "findings": self.tr("Left on its older seal by the upgrade that sealed reports' findings."),
        }
        return words.get(upgrade, self.tr("Left on its older seal by the upgrade {name}.").format(name=upgrade))

    def refusal_text(self, exc: ServiceError) -> str:
        """The service's refusal in the desk's words where its sentence speaks of the command
        line (`--was name=...`, `without --yes`, `audit export --investor ID`, `report rate`),
        which this dialog offers as its own fields, its button and the desk's menus; any
        other refusal as the services word it (error_text)."""
        key = escape_controls(str(exc.params.get("key", "")))
        if exc.code == CHANGED_SINCE_SHOWN:
            return self.tr(
                "The record changed since it was shown to you; nothing was settled. Show it again (Show record) "
                "and settle it again."
            )
        if exc.code == CLIENT_DIFFERS:
            return self.tr(
                "The record of client {key} is not the state the trail last recorded for it: a fact "
                "decisions read (profile, assessment date, class, a flag, branch, birth date), or the name or ID "
                "number, was changed outside suitcheck, and settling it would put that change under the seal. "
                "Nothing was settled. Where only the name or ID number was corrected, give the value it held "
                "before (Name before, ID number before) and show the record again. Otherwise have every such fact "
                "put back as the audit trail recorded it (the client's entries in the audit log say what they "
                "were: Compliance, Audit log…), then settle it, and change the rest through suitcheck."
            ).format(key=key)
        if exc.code == REPORT_DIFFERS:
            return self.tr(
                "The record of report {key} is not the state the trail last recorded for it: its level, the "
                "subject's level, its rating, its file or its findings were changed outside suitcheck, and "
                "settling it would put that change under the seal (a level lowered in the database would be served "
                "as rated). Nothing was settled. Have it put back as the audit trail recorded it (the report's "
                "import, rating and finding entries in the audit log say what it was: Compliance, Audit log…), "
                "then settle it; a new level is set through suitcheck (Compliance, Reports needing a rating or "
                "with findings…)."
            ).format(key=key)
        if exc.code == PROFILE_DIFFERS:
            values = {k: escape_controls(str(exc.params.get(k, ""))) for k in ("profile", "day")}
            values |= {k: escape_controls(str(exc.params.get(k, ""))) for k in ("recorded_profile", "recorded_day")}
            return self.tr(
                "The record of client {key} is not the state the trail last recorded for it: it holds profile "
                "{profile} of {day}, and the trail's assessments give {recorded_profile} of {recorded_day}. "
                "Settling it would put that change under the seal; nothing was settled. Have the profile and its "
                "date put back as the trail recorded them, then settle, and record a new assessment through "
                "suitcheck (Compliance, Assess selected client with the questionnaire…)."
            ).format(key=key, **values)
        if exc.code == CLIENT_UNREADABLE:
            return self.tr(
                "The record of client {key} holds a value suitcheck never writes (a profile or class it does not "
                "know, a date or flag written otherwise, bytes): sealing it would not make it decidable. Nothing "
                "was settled; have the value put back as the trail recorded it (the client's entries in the audit "
                "log say what it was: Compliance, Audit log…), then settle it."
            ).format(key=key)
        if exc.code == WAS_AS_HELD:
            if exc.params.get("column") == "id_number":
                return self.tr(
                    "The record holds this ID number now: under ID number before, give the number it held before "
                    "the change."
                )
            return self.tr(
                "The record holds this name now: under Name before, give the name it held before the change."
            )
        return error_text(exc)

    # -- the preview (a read) ---------------------------------------------------------------
    def show_record(self) -> None:
        if self.previewing or self.recording or self.settled is not None:
            return
        asked = self._asked()
        self._forget_preview()
        self.message.clear()
        if not asked[1]:
            self.message.setText(self.tr("Type the client's account number or the report's id."))
            return
        self.previewing = True
        self._focus_before = self.focusWidget()
        self.status.setText(self.tr("Reading the record…"))
        for field in (self.kind, self.ref, self.was_name, self.was_id):
            field.setEnabled(False)
        self._update_buttons()
        kind, ref, was = asked
        self.runner.start(
            Job(_preview, self.services, self.actor, kind, ref, was),
            lambda answer: self._previewed(asked, *answer),
            lambda exc: self._not_previewed(asked, exc),
        )

    def _previewing_done(self) -> None:
        self.previewing = False
        self.status.clear()
        self.kind.setEnabled(self.kind.count() > 1)
        for field in (self.ref, self.was_name, self.was_id):
            field.setEnabled(True)
        self._update_buttons()
        # Holding the field the keyboard was in sent it on down the dialog: it goes back,
        # as a recorded change gives it back (RecordingDialog).
        focus, self._focus_before = self._focus_before, None
        if focus is not None and focus.isEnabled() and focus.isVisible():
            focus.setFocus()

    def _previewed(self, asked: tuple[str, str, dict[str, str | None]], preview: Settlement, title: str | None) -> None:
        if self._ended:
            return  # closed meanwhile (Escape, the session ended): nothing to show
        self._previewing_done()
        self.preview, self.preview_for, self.title = preview, asked, title
        self.view.setPlainText(self.settlement_text(preview, title))
        self._update_buttons()

    def _not_previewed(self, asked: tuple[str, str, dict[str, str | None]], exc: BaseException) -> None:
        if self._ended:
            return
        self._previewing_done()
        if isinstance(exc, ServiceError):
            self._note_sound(asked[0], exc)
            self.message.setText(self.refusal_text(exc))
            lines = [self.tr("Nothing can be settled for this record as it stands (see below).")]
            if asked[0] == CLIENT and not asked[2]:
                lines.append(
                    self.tr(
                        "If only the client's name or ID number was corrected outside suitcheck, give the value "
                        "it held before above and show the record again."
                    )
                )
            self.view.setPlainText("\n\n".join(lines))
        else:
            when_present(self, lambda: show_error(self, exc))  # not expected: logged, an apology

    # -- settling (recorded) ----------------------------------------------------------------
    def accept(self) -> None:
        if self.settled is not None:
            super().done(self.DialogCode.Accepted)  # nothing more to do here: Close
            return
        preview, asked = self.preview, self.preview_for
        if self.recording or self.previewing or preview is None or asked is None:
            return
        reason = self.reason.text()
        if not reason_given(reason):
            return
        kind, ref, was = asked
        what = self.tr("client {key}") if kind == CLIENT else self.tr("report {key}")
        question = self.tr(
            "Settle the record of {what} as shown? It is sealed as it stands, and decisions read it again; "
            "the settlement and your reason are recorded in the audit trail."
        ).format(what=what.format(key=escape_controls(preview.key)))
        if not confirm(self, self.tr("Settle the record"), question, self.tr("Settle")):
            return
        self.record(
            Job(self.services.settle.settle, self.actor, kind, ref, reason, was=was, expected_state=preview.state),
            self.message,
            done=self._settled,
            refused=self._refused,
        )

    def _settled(self, settled: Settlement) -> None:
        self.settled = settled
        self.view.setPlainText(self.settlement_text(settled, self.title))
        self.status.setText(
            self.tr("Settled: recorded as entry {seq}. Decisions about the record are made again from now on.").format(
                seq=settled.seq
            )
        )
        for field in (self.kind, self.ref, self.was_name, self.was_id, self.reason):
            field.setEnabled(False)
        self.ok.setVisible(False)
        self.show_button.setEnabled(False)
        self.cancel.setText(self.tr("Close"))

    def _refused(self, exc: ServiceError) -> None:
        self.message.setText(self.refusal_text(exc))
        if isinstance(exc, Conflict):  # the record changed since the preview: look at it again
            self._forget_preview()
            self.view.setPlainText(self.tr("The record changed since it was shown: show it again before settling."))
        elif self.preview_for is not None and self._note_sound(self.preview_for[0], exc):
            # Settled meanwhile (at another desk): the preview is of a record that no longer
            # needs settling, and Settle beside it would only be refused again.
            self._forget_preview()
            self.view.setPlainText(self.tr("The record matches its seal now: there is nothing to settle."))
        self._update_buttons()

    def _note_sound(self, kind: str, exc: ServiceError) -> bool:
        """The service found the record sound (RECORD_SOUND): noted for the desk to follow."""
        record_id = exc.params.get("record_id")
        if exc.code != RECORD_SOUND or not isinstance(record_id, int):
            return False
        self.found_sound = (kind, record_id)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the fields that name the record shows it; elsewhere Enter settles nothing
        (Settle is pressed on purpose, then confirmed)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() in (self.ref, self.was_name, self.was_id):
                self.show_record()
            event.accept()
            return
        super().keyPressEvent(event)
