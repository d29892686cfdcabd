"""What the clerk copied out of the program's windows (a report's text to quote, a
client's name) is taken off the clipboard when the desk locks or the session ends, as a
password manager does: the next person at the desk pastes none of it elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

# The events a copy is made in (Ctrl+C, a context menu's Copy): what the clipboard gets
# while one of them is delivered, the program put there.
INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
    }
)
MODES = (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection)


class CopiedText(QObject):
    """Remembers the text the program put on the clipboard (the platform says it owns it,
    or it came while the clerk's key press or click was delivered here); `forget()` clears
    it if it is still there, and leaves what was copied in another program since."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._in_input = False
        self._copied: dict[QClipboard.Mode, str] = {}
        clipboard = QGuiApplication.clipboard()
        clipboard.changed.connect(self._changed)
        app = QGuiApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT and not self._in_input:
            self._in_input = True
            QTimer.singleShot(0, self._input_over)  # once this event has been delivered
        return False

    def _input_over(self) -> None:
        self._in_input = False

    def _changed(self, mode: QClipboard.Mode) -> None:
        clipboard = QGuiApplication.clipboard()
        if self._in_input or _owns(clipboard, mode):
            self._copied[mode] = clipboard.text(mode)
        else:
            self._copied.pop(mode, None)  # copied in another program: not ours to clear

    def forget(self) -> None:
        """Clear what the program put on the clipboard (and the X11 selection)."""
        clipboard = QGuiApplication.clipboard()
        for mode in MODES:
            if mode == QClipboard.Mode.Selection and not clipboard.supportsSelection():
                continue
            copied = self._copied.pop(mode, None)
            if _owns(clipboard, mode) or (copied and clipboard.text(mode) == copied):
                clipboard.clear(mode)
        self._copied.clear()


def _owns(clipboard: QClipboard, mode: QClipboard.Mode) -> bool:
    if mode == QClipboard.Mode.Selection:
        return clipboard.ownsSelection()
    return clipboard.ownsClipboard()
