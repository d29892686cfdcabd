"""The large allow / block panel with reasons in plain words and the rule that applies."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.widgets import breakable
from suitcheck.services.access import CheckResult

CAUTIONS = frozenset({Reason.SPECIAL_ATTENTION_AGE, Reason.SPECIAL_ATTENTION_FLAG, Reason.ASSESSMENT_EXPIRING_SOON})
STYLES = {
    None: ("palette(text)", "palette(alternate-base)"),  # follows a dark palette too
    Outcome.ALLOW: ("#ffffff", "#1e7b34"),
    Outcome.BLOCK: ("#ffffff", "#b3261e"),
    Outcome.ALLOW_AFTER_WARNING: ("#1f1f1f", "#f2b705"),
}


# At most this many lines of what follows the verdict are asked room for: more scrolls,
# rather than the panel pushing the desk past a 768-high screen.
DETAILS_LINES = 10


class _Details(QScrollArea):
    """What follows the verdict. It asks the panel's splitter for the height its lines
    take at its width, as the labels did before they scrolled (up to DETAILS_LINES), and
    scrolls past what it is given: a label is never drawn cut."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = self.viewport().width()
        needed = body.heightForWidth(width) if body.hasHeightForWidth() and width > 0 else -1
        if needed < 0:
            needed = body.minimumSizeHint().height()
        return QSize(hint.width(), min(needed, DETAILS_LINES * self.fontMetrics().lineSpacing()))

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # its lines wrap otherwise at another width


class DecisionPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.verdict.font()
        font.setPointSize(22)
        font.setBold(True)
        self.verdict.setFont(font)
        self.summary = QLabel(self)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # client names and titles are never markup
        self.reasons = QLabel(self)
        self.reasons.setObjectName("reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)
        self.footer = QLabel(self)
        self.footer.setObjectName("auditFooter")
        self.footer.setStyleSheet("color: palette(mid);")
        # The verdict keeps its height; what follows it (a title over several lines, three
        # reasons, the rule) scrolls when the panel is shorter than it: squeezed into the
        # panel's height, every label was cut, the verdict and the last reason first.
        self.verdict.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        body = QWidget(self)
        body.setObjectName("decisionDetails")
        details = QVBoxLayout(body)
        details.setContentsMargins(0, 0, 0, 0)
        for widget in (self.summary, self.reasons, self.rule, self.footer):
            details.addWidget(widget)
        details.addStretch(1)
        self.details = _Details(self)
        self.details.setWidgetResizable(True)
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        self.details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the labels wrap
        self.details.setWidget(body)
        self.details.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details, 1)
        self.result: CheckResult | None = None
        self.show_hint(None)

    def _paint(self, outcome: Outcome | None) -> None:
        fg, bg = STYLES[outcome]
        self.verdict.setStyleSheet(f"color: {fg}; background: {bg}; border-radius: 6px; padding: 10px;")

    def show_hint(self, text: str | None) -> None:
        self.result = None
        self._paint(None)
        self.verdict.setText(self.tr("No decision yet"))
        self.summary.setText(text or self.tr("Select a client and a report to see whether the client may read it."))
        self.verdict.setAccessibleName(self.verdict.text())
        self.verdict.setAccessibleDescription(self.summary.text())
        for label in (self.reasons, self.rule, self.footer):
            label.clear()
        self.details.updateGeometry()  # the room its lines take now

    def show_result(self, result: CheckResult, client: str, report: str) -> None:
        self.result = result
        d = result.decision
        self._paint(d.outcome)
        self.verdict.setText(texts.outcome_text(d.outcome))
        client, report = escape_controls(client), escape_controls(report)
        # Both may run long without a space: wrapped, not widening the desk past its screen.
        self.summary.setText(self.tr("{client} — {report}").format(client=breakable(client), report=breakable(report)))
        # The reason the outcome rests on first (a lowest-category client's block reads
        # "lowest category", not "re-assess the client", which would not let it through).
        main = d.main_reason
        items = "".join(
            f"<li style='color:#9a6700; font-weight:bold'>⚠ {texts.reason_text(r)}</li>"
            if r in CAUTIONS
            else f"<li>{texts.reason_text(r)}</li>"
            for r in d.shown_reasons
        )
        self.reasons.setText(f"<ul style='margin-left:-20px'>{items}</ul>")
        if d.investor_class.follows_table:
            self.rule.setText(
                self.tr("Client: {profile} · Report: {level} · Assessment: {state} · Policy v{version}").format(
                    profile=texts.profile_text(d.profile),
                    level=texts.level_text(d.level),
                    state=texts.assessment_text(d.assessment_state, d.reassessment_due),
                    version=d.policy_version,
                )
                + "\n"
                + texts.rule_text(d.profile, d.level)
            )
        else:  # a professional is not assessed: no assessment state to show
            self.rule.setText(
                self.tr("Client: {profile} · Report: {level} · Policy v{version}").format(
                    profile=texts.class_text(d.investor_class.value),
                    level=texts.level_text(d.level),
                    version=d.policy_version,
                )
            )
        if result.override_recorded:  # the service says today's override admits the report
            note = self.tr("The client confirmed the special warning today: the report may be opened.")
            self.rule.setText(self.rule.text() + "\n✔ " + note)
        if result.level_not_read_again:  # the list still shows the level an older version read
            note = self.tr(
                "The report's level was read by an older version of suitcheck and its stored file cannot be read "
                "again now, so it is treated as unrated whatever level the list shows: compliance must rate it."
            )
            self.rule.setText(self.rule.text() + "\n⚠ " + note)
        self.footer.setText(
            self.tr("Recorded as audit entry {n} · {hash}").format(n=result.audit_id, hash=result.entry_hash[:16] + "…")
        )
        # A screen reader hears the outcome, for whom, which report and why in one (the name),
        # then the other reasons and the rule (the description); the colour says nothing to it.
        self.verdict.setAccessibleName(
            self.tr("{outcome}: {client}, {report}. {reason}").format(
                outcome=texts.outcome_text(d.outcome),
                client=client,
                report=report,
                reason=texts.reason_text(main) if main is not None else "",
            )
        )
        self.verdict.setAccessibleDescription(
            "\n".join([*(texts.reason_text(r) for r in d.shown_reasons[1:]), self.rule.text()])
        )
        self.details.updateGeometry()  # the room its lines take now


class DecisionPane(QWidget):
    """The decision panel with the buttons that act on it: Check, Open, and the warning
    override a client who insists needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = DecisionPanel(self)
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("checkButton")
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("openButton")
        self.override_button = QPushButton(self)
        self.override_button.setObjectName("overrideButton")
        buttons = QHBoxLayout()
        for b in (self.check_button, self.open_button, self.override_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.check_button, self.open_button)

    def retranslate(self) -> None:
        self.check_button.setText(self.tr("Check (Enter)"))
        self.open_button.setText(self.tr("Open report (Ctrl+O)"))
        self.override_button.setText(self.tr("Client insists: warning…"))
