"""Thin Qt table models over service results, filled lazily a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from suitcheck.domain.calendar import firm_time, stamp_in_firm_time
from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.decision import AssessmentState, Outcome, Reason
from suitcheck.domain.text import escape_controls
from suitcheck.gui import texts
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.gui.messages import finding_line
from suitcheck.services.audit_log import ExportRow
from suitcheck.services.auth import StaffView
from suitcheck.services.investors import InvestorView
from suitcheck.services.reports import ImportResult, ReportView

RawRole = Qt.ItemDataRole.UserRole + 1  # the sortable raw value of a cell
ObjectRole = Qt.ItemDataRole.UserRole + 2  # the row's backing object

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[int, int], Sequence[T]]

RED, AMBER, GREEN = QColor("#b3261e"), QColor("#9a6700"), QColor("#1e7b34")
LABEL_GREY = QColor("#6b6b6b")

# The only roles these models answer. A view asks for about eight roles per cell, for
# every loaded row each time it measures a column to fit its contents: the others are
# answered at once, without building the cell.
SERVED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        RawRole,
        ObjectRole,
    )
)


def record_changed_cell(role: int) -> Any:
    """A list cell in place of a value of a row that fails its seal (changed outside
    suitcheck): "record changed" in red, the reason as its tooltip. The same cell in every
    list that shows such rows (clients, reports, reminders); the raw (sort) value is the
    list's own. None for any other role."""
    if role == Qt.ItemDataRole.DisplayRole:
        return texts.record_changed_text()
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(RED)
    if role == Qt.ItemDataRole.ToolTipRole:
        return texts.reason_text(Reason.RECORD_INTEGRITY)
    return None


class PagedTableModel(QAbstractTableModel, Generic[T]):
    """Rows come from `fetch(offset, limit)`; more are fetched as the view scrolls."""

    PAGE = 200
    HEADERS: tuple[str, ...] = ()
    CONTEXT = "Columns"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self._fetch: Fetch[T] | None = None
        self._exhausted = True

    # -- filling ------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T], fetch: Fetch[T] | None = None) -> None:
        """Show a first page (fetched elsewhere, e.g. in a worker) and how to get more."""
        self.beginResetModel()
        self._rows = list(rows)
        self._fetch = fetch
        self._exhausted = fetch is None or len(rows) < self.PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._fetch is None:
            return
        more = list(self._fetch(len(self._rows), self.PAGE))
        self._exhausted = len(more) < self.PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def row_object(self, row: int) -> T:
        return self._rows[row]

    def objects(self) -> list[T]:
        return list(self._rows)

    # -- Qt interface -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translated(self.CONTEXT, self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in SERVED_ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        obj = self._rows[index.row()]
        if role == ObjectRole:
            return obj
        value = self.cell(obj, index.column(), role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and isinstance(value, str):
            # Titles, file and client names come from files and users: a bidi override
            # or control character is shown as a visible escape, never obeyed.
            return escape_controls(value)
        return value

    def cell(self, obj: T, column: int, role: int) -> Any:
        raise NotImplementedError

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.HEADERS) - 1))


class InvestorTableModel(PagedTableModel[InvestorView]):
    ACCOUNT, NAME, PROFILE, STATE, ASSESSED = range(5)
    HEADERS = (
        QT_TRANSLATE_NOOP("Columns", "Account"),
        QT_TRANSLATE_NOOP("Columns", "Name"),
        QT_TRANSLATE_NOOP("Columns", "Profile"),
        QT_TRANSLATE_NOOP("Columns", "Assessment"),
        QT_TRANSLATE_NOOP("Columns", "Assessed on"),
    )

    def cell(self, v: InvestorView, column: int, role: int) -> Any:
        if column == self.PROFILE and not v.record_intact:  # not the profile the row now holds, in red
            return -1 if role == RawRole else record_changed_cell(role)
        if role in (Qt.ItemDataRole.DisplayRole, RawRole):
            return self._value(v, column, raw=role == RawRole)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            if v.assessment_unusable or (v.follows_table and v.reassessment_due):
                return QBrush(RED)
            if v.assessment_state is AssessmentState.EXPIRING_SOON:
                return QBrush(AMBER)
        return None

    def update_client(self, client: InvestorView) -> None:
        """Show a client's current row (changed meanwhile by another desk) where it is listed."""
        for row, shown in enumerate(self._rows):
            if shown.id == client.id:
                self._rows[row] = client
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _value(self, v: InvestorView, column: int, raw: bool) -> Any:
        if column == self.PROFILE:
            if not v.follows_table:  # a professional has no profile to show
                return 9 if raw else texts.class_text(v.investor_class.value)
            return (int(v.profile) if v.profile else 0) if raw else texts.profile_text(v.profile)
        if column == self.STATE:
            if not v.follows_table:
                return "" if raw else "—"
            if raw:  # sorting: a client marked for re-assessment apart from the valid ones
                marked = v.reassessment_due and v.assessment_state.usable
                return "reassessment-due" if marked else v.assessment_state.value
            return texts.assessment_text(v.assessment_state, v.reassessment_due)
        if column == self.ASSESSED:
            return v.assessed_on.isoformat() if v.assessed_on else ""
        return {self.ACCOUNT: v.account, self.NAME: v.name}.get(column)


class ReportTableModel(PagedTableModel[ReportView]):
    VERDICT, DATE, LEVEL, TITLE, PUBLISHER, RATING = range(6)
    HEADERS = (
        QT_TRANSLATE_NOOP("Columns", "For client"),
        QT_TRANSLATE_NOOP("Columns", "Date"),
        QT_TRANSLATE_NOOP("Columns", "Level"),
        QT_TRANSLATE_NOOP("Columns", "Title"),
        QT_TRANSLATE_NOOP("Columns", "Publisher"),
        QT_TRANSLATE_NOOP("Columns", "Rating"),
    )
    _SYMBOL = {Outcome.ALLOW: "✔", Outcome.BLOCK: "✘", Outcome.ALLOW_AFTER_WARNING: "!"}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._verdicts: dict[int, Outcome] = {}

    def set_verdicts(self, verdicts: dict[int, Outcome]) -> None:
        self._verdicts = dict(verdicts)
        if self._rows:
            self.dataChanged.emit(self.index(0, self.VERDICT), self.index(len(self._rows) - 1, self.VERDICT))

    def add_verdicts(self, verdicts: dict[int, Outcome]) -> None:
        self.set_verdicts({**self._verdicts, **verdicts})

    def verdict(self, report_id: int) -> Outcome | None:
        return self._verdicts.get(report_id)

    def update_report(self, report: ReportView) -> None:
        """Show a report's current row (its level re-rated meanwhile) where it is listed."""
        for row, shown in enumerate(self._rows):
            if shown.id == report.id:
                self._rows[row] = report
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    # The verdict column sorts most permissive last.
    _ORDER = {Outcome.BLOCK: 0, Outcome.ALLOW_AFTER_WARNING: 1, Outcome.ALLOW: 2}
    _COLOUR = {Outcome.ALLOW: GREEN, Outcome.BLOCK: RED, Outcome.ALLOW_AFTER_WARNING: AMBER}

    def cell(self, r: ReportView, column: int, role: int) -> Any:
        if column == self.LEVEL and not r.record_intact and role != RawRole:
            # Not the level the row now holds (it may have been lowered), in red.
            return record_changed_cell(role)
        if role in (Qt.ItemDataRole.DisplayRole, RawRole):
            return self._value(r, column, raw=role == RawRole)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(r, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, column)
        return None

    def _value(self, r: ReportView, column: int, raw: bool) -> Any:
        if column == self.VERDICT:
            verdict = self._verdicts.get(r.id)
            if verdict is None:
                return -1 if raw else ""
            return self._ORDER[verdict] if raw else f"{self._SYMBOL[verdict]} {texts.outcome_text(verdict)}"
        if column == self.LEVEL:
            if raw:
                return int(r.level) if r.level else 0
            return texts.level_text(r.level) + (" ⚠" if r.open_findings else "")
        if column == self.RATING:
            if not r.rating:
                return ""
            return f"{r.rating[1]}（{r.rating[2]}）" if r.rating[2] else r.rating[1]
        if column == self.DATE:
            return r.published_on.isoformat() if r.published_on else ""
        return {self.TITLE: r.title, self.PUBLISHER: r.publisher or ""}.get(column)

    def _foreground(self, r: ReportView, column: int) -> QBrush | None:
        verdict = self._verdicts.get(r.id)
        if column == self.VERDICT and verdict is not None:
            return QBrush(self._COLOUR[verdict])
        if column == self.LEVEL and (r.level is None or r.open_findings):
            return QBrush(RED)
        return None

    def _tooltip(self, r: ReportView, column: int) -> str | None:
        if column == self.TITLE:
            return r.title  # the column elides long titles
        if column == self.LEVEL and r.open_findings:
            return "\n".join(finding_line(f.code, f.detail) for f in r.open_findings)
        return None


class AuditTableModel(PagedTableModel[ExportRow]):
    SEQ, TIME, STAFF, ACTION, CLIENT, REPORT, DECISION, HASH = range(8)
    HEADERS = (
        QT_TRANSLATE_NOOP("Columns", "No."),
        QT_TRANSLATE_NOOP("Columns", "Time (UTC+8)"),
        QT_TRANSLATE_NOOP("Columns", "Staff"),
        QT_TRANSLATE_NOOP("Columns", "Action"),
        QT_TRANSLATE_NOOP("Columns", "Client"),
        QT_TRANSLATE_NOOP("Columns", "Report"),
        QT_TRANSLATE_NOOP("Columns", "Decision"),
        QT_TRANSLATE_NOOP("Columns", "Entry hash"),
    )

    def cell(self, e: ExportRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STAFF and texts.is_staff_label(e.staff):
            return QBrush(LABEL_GREY)  # a label (the system...), not a user's name
        if role not in (Qt.ItemDataRole.DisplayRole, RawRole):
            return None
        if column == self.SEQ:
            return e.seq
        if column == self.TIME:
            return e.at if role == RawRole else stamp_in_firm_time(e.at)
        if column == self.STAFF:
            return e.staff if role == RawRole else texts.staff_text(e.staff)
        if column == self.ACTION:
            return e.action if role == RawRole else texts.action_text(e.action)
        if column == self.CLIENT:
            return " ".join(x for x in (e.client_account, e.client_name) if x)
        if column == self.REPORT:
            return e.report_title or (str(e.report_id) if e.report_id else "")
        if column == self.DECISION:
            return (e.decision or "") if role == RawRole else texts.decision_text(e.decision)
        return e.entry_hash[:16] + "…"


class StaffTableModel(PagedTableModel[StaffView]):
    """Staff accounts for administrators; the list is short, so it is set whole."""

    USER, NAME, ROLE, STATE, LAST_LOGIN = range(5)
    HEADERS = (
        QT_TRANSLATE_NOOP("Columns", "User name"),
        QT_TRANSLATE_NOOP("Columns", "Display name"),
        QT_TRANSLATE_NOOP("Columns", "Role"),
        QT_TRANSLATE_NOOP("Columns", "State"),
        QT_TRANSLATE_NOOP("Columns", "Last login (UTC+8)"),
    )

    @staticmethod
    def states(v: StaffView) -> list[str]:
        """The account's state codes (texts.ACCOUNT_STATES), most severe first."""
        codes = [
            code
            for code, applies in (
                ("disabled", v.disabled),
                ("locked", v.locked),
                ("must-change-password", v.must_change_password),
            )
            if applies
        ]
        return codes or ["active"]

    def cell(self, v: StaffView, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, RawRole):
            return self._value(v, column, raw=role == RawRole)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE:
            codes = self.states(v)
            if "disabled" in codes or "locked" in codes:
                return QBrush(RED)
            if "must-change-password" in codes:
                return QBrush(AMBER)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAME:
            return v.display_name  # display names are free text: the whole of a long one
        return None

    def _value(self, v: StaffView, column: int, raw: bool) -> Any:
        if column == self.ROLE:
            return v.role.value if raw else texts.role_text(v.role.value)
        if column == self.STATE:
            codes = self.states(v)
            return " ".join(codes) if raw else ", ".join(texts.account_state_text(c) for c in codes)
        if column == self.LAST_LOGIN:
            if v.last_login is None:
                return "" if raw else "—"
            return v.last_login.isoformat() if raw else firm_time(v.last_login).strftime("%Y-%m-%d %H:%M")
        return {self.USER: v.username, self.NAME: v.display_name}.get(column)


class ImportResultsModel(PagedTableModel[ImportResult]):
    FILE, STATUS, REASON = range(3)
    HEADERS = (
        QT_TRANSLATE_NOOP("Columns", "File"),
        QT_TRANSLATE_NOOP("Columns", "Result"),
        QT_TRANSLATE_NOOP("Columns", "Reason"),
    )
    STATUS_TEXT = {
        ImportStatus.IMPORTED: QT_TRANSLATE_NOOP("Import", "imported"),
        ImportStatus.DUPLICATE: QT_TRANSLATE_NOOP("Import", "duplicate (already imported)"),
        ImportStatus.NEEDS_RATING: QT_TRANSLATE_NOOP("Import", "imported, needs rating"),
        ImportStatus.FAILED: QT_TRANSLATE_NOOP("Import", "failed"),
        ImportStatus.SKIPPED: QT_TRANSLATE_NOOP("Import", "skipped"),
    }

    def append(self, result: ImportResult) -> None:
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(result)
        self.endInsertRows()

    def cell(self, r: ImportResult, column: int, role: int) -> Any:
        from pathlib import Path

        if role in (Qt.ItemDataRole.DisplayRole, RawRole):
            if column == self.FILE:
                return Path(r.path).name
            if column == self.STATUS:
                return r.status.value if role == RawRole else translated("Import", self.STATUS_TEXT[r.status])
            return r.reason or ""
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            colours = {ImportStatus.FAILED: RED, ImportStatus.NEEDS_RATING: AMBER, ImportStatus.SKIPPED: AMBER}
            return QBrush(colours.get(r.status, GREEN))
        if role == Qt.ItemDataRole.ToolTipRole and column == self.FILE:
            return r.path
        return None
