"""What a dialog's background work may show, given the session of the desk it belongs to.

A job started in a dialog can end while the desk is locked, or after the session ended
(logout, switch user). What it ends in (an error box, a summary) must not come up over
the lock screen, the login screen or the next user's desk: `when_present` runs it now,
after the same user unlocks, or never. Dialogs with long work also answer the desk's
`running_work()` (a sentence for the lock screen) and `session_ending()` (stop what
can stop; what cannot finishes as the starter's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget


@runtime_checkable
class Desk(Protocol):
    session_over: bool

    def when_present(self, fn: Callable[[], None]) -> None: ...


def desk_of(widget: QWidget | None) -> Desk | None:
    """The desk (main window) a widget belongs to, through its parents; None for a dialog
    shown on its own."""
    while widget is not None:
        if isinstance(widget, Desk):
            return widget
        widget = widget.parentWidget()
    return None


def when_present(widget: QWidget | None, fn: Callable[[], None]) -> None:
    """`fn()` now if the user who started the work is at the desk; once they unlock if it
    is locked; never once their session has ended."""
    desk = desk_of(widget)
    if desk is None:
        fn()
    else:
        desk.when_present(fn)


def session_over(widget: QWidget | None) -> bool:
    """Whether the session of the desk `widget` belongs to has ended (logout, switch user)."""
    desk = desk_of(widget)
    return desk is not None and desk.session_over
