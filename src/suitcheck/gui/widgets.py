"""Small building blocks the windows and dialogs share: the table factory, date helpers,
the OK/Cancel row, the inline error label and the confirmation question."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QRect, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QWidget,
    QWizard,
)

from suitcheck.gui.models import RawRole

ERROR_COLOUR = "#b3261e"


def screen_area(widget: QWidget) -> QRect | None:
    """The free area of the screen the widget is on (its parent's for a dialog not yet shown)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Open at width x height, or at the screen's free area where that is smaller: a dialog
    sized for 1366x768 opened on a clerk's 1024x768 screen with its right-hand buttons and
    columns off the screen, and without a window manager nothing moves them back. The
    layout's own minimum still wins (the table columns scroll within it)."""
    area = screen_area(widget)
    if area is not None:
        width, height = min(width, area.width()), min(height, area.height())
    widget.resize(width, height)


def qdate(edit: QDateEdit) -> dt.date:
    """The date in a QDateEdit as a Python date."""
    value = edit.date().toPython()
    assert isinstance(value, dt.date)
    return value


def date_edit(parent: QWidget, date: dt.date) -> QDateEdit:
    """A date field with a calendar popup, shown as yyyy-MM-dd in every language. `date`
    comes from the caller (the firm's day, services.ctx.shown_today(), or one derived from it),
    never the desktop's clock."""
    edit = QDateEdit(QDate(date.year, date.month, date.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class RowTable(QTableView):
    """A table of rows: Tab leaves it (no walk through cells), and the first Down (or Up)
    on a table without a selected row selects the first row rather than the second."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        if (
            event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and model is not None
            and model.rowCount() > 0
            and not self.selectionModel().hasSelection()
        ):
            self.setCurrentIndex(model.index(0, 0))
            self.selectRow(0)
            return
        super().keyPressEvent(event)


def configure_table(view: QTableView, stretch: int | None = None, widths: tuple[int, ...] = ()) -> None:
    """Row selection, read-only, no cell-by-cell Tab walk, server order."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSortingEnabled(False)  # server order (newest first); sorting a partial list misleads
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab moves to the next control, not the next cell
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)


def make_table(
    parent: QWidget,
    model: Any,
    name: str,
    stretch: int | None = None,
    widths: tuple[int, ...] = (),
    view_class: type[QTableView] = RowTable,
) -> tuple[QTableView, QSortFilterProxyModel]:
    """A table over `model` through a proxy sorting by the raw value."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(RawRole)
    view = view_class(parent)
    view.setObjectName(name)
    view.setModel(proxy)
    configure_table(view, stretch, widths)
    return view, proxy


def run_dialog(dialog: QDialog) -> int:
    """exec() a dialog the window opened for one task, then let it go (deleteLater: after
    the caller has read what it holds). A dialog parented to the window and never deleted
    stayed, hidden, until logout: a desk open all day kept every dashboard's charts and
    every audit page it had shown. A background job still running for it is answered to
    nobody (workers.Runner: the answer is dropped), and what it recorded stays recorded."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()


def dialog_buttons(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """OK (with its own words) and Cancel, in the UI language, wired to accept/reject."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text or QCoreApplication.translate("Dialogs", "OK"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("Dialogs", "Cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


BREAK = "\u200b"  # zero-width space: a place where a long run of text may wrap
RUN = 24
# Runs with no space and no CJK character (Qt wraps between those).
_UNBROKEN = re.compile(f"[^\\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]{{{RUN + 1},}}")


def breakable(text: str) -> str:
    """Text for a wrapping label: a run of more than RUN characters with no place to wrap
    (a title or name of Latin letters run together, a file name) gets one every RUN
    characters, so the label wraps it instead of widening its dialog past the screen.
    Chinese text wraps between its characters already and is left as it is."""
    return _UNBROKEN.sub(lambda m: BREAK.join(m.group(0)[i : i + RUN] for i in range(0, len(m.group(0)), RUN)), text)


class ElidedLabel(QLabel):
    """One line of plain text that shows as much as its width holds, cut in the middle
    with "…" (the start and the end say most: a user's name, a store's file), and the
    whole text as its tooltip. It asks for its text's width and takes less when there
    is less (a status bar on a 1024-wide screen). A start given as `keep` (a user's name
    and role before a store's address) is kept whole while there is room for it: only
    the rest is cut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full = ""
        self._keep = 0

    def set_full_text(self, text: str, keep: int = 0) -> None:
        """Show `text`; its first `keep` characters are cut only when nothing else is left."""
        self._full = text
        self._keep = max(0, min(keep, len(text)))
        self.setToolTip(text)
        self.updateGeometry()
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right() + 2
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        text = metrics.elidedText(self._full, Qt.TextElideMode.ElideMiddle, room)
        if text != self._full and self._keep:
            head, rest = self._full[: self._keep], self._full[self._keep :]
            cut = metrics.elidedText(rest, Qt.TextElideMode.ElideMiddle, room - metrics.horizontalAdvance(head))
            # No room for even "…" after the start: the start alone, cut at its end.
            text = head + cut if cut else metrics.elidedText(head, Qt.TextElideMode.ElideRight, room)
        self.setText(text)


def plain_label(text: str, parent: QWidget) -> QLabel:
    """A label for text from users or files: shown as plain text, never as markup (escape
    its control characters with domain.text.escape_controls first)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def error_label(parent: QWidget, name: str | None = None) -> QLabel:
    """An inline message in the error colour that wraps, as plain text: its sentences name
    files, clients and titles, which must never be read as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    return label


def enter_never_commits(wizard: QWizard) -> None:
    """Enter goes on through the wizard's pages, but on a commit page (its button writes:
    saves an assessment, imports clients) it presses nothing: an Enter pressed once too
    often on the page before, or a bounce, wrote what the clerk had not yet seen. The
    commit button is pressed on purpose (clicked, its Alt+ key, or Tab to it and Space)."""

    def follow(_id: int) -> None:
        page = wizard.currentPage()
        wizard.setOption(QWizard.WizardOption.NoDefaultButton, page is not None and page.isCommitPage())

    wizard.currentIdChanged.connect(follow)


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str) -> bool:
    """Ask before a destructive or audited action; Cancel is the default (Enter does not
    confirm by accident). True only when the user chose `yes_text`."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("confirmBox")
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QCoreApplication.translate("Dialogs", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes
