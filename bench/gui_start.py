"""GUI cold start in a fresh process, as a clerk meets it: the `suitcheck gui` command's own
start (its entry module first, then Qt, as the installed command imports them), the login
dialog, then the main window with its first rows of clients and reports. The store's page
check runs beside it, as in the real program. Prints one JSON object (times in seconds from
this script's start).

    python bench/gui_start.py STORE.db USER PASSWORD

The settings (language, window geometry) are read where the program reads them; run it with
XDG_CONFIG_HOME (or HOME) pointing at an empty folder to start as on a new desktop.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

# What the installed `suitcheck` command imports first (suitcheck/__main__.py: run()): the
# command line and, with it, the services, SQLAlchemy and the signatures; Qt comes after, when
# the command is `gui`. The order matters for the time: PySide6 reads the source of each module
# imported after it (its __feature__ import hook), so importing Qt first, as this script once
# did, measured ~0.1 s the command does not spend.
from suitcheck.cli import main as suitcheck_main  # noqa: E402

COMMAND_IMPORTED = time.perf_counter() - START


def peak_rss_mb() -> float:
    """This process's own peak resident memory. Not getrusage's ru_maxrss: on Linux a
    child started with vfork/exec inherits the parent's high-water mark in it, so a bench
    runner that had just generated a million clients reported its own memory here."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:  # not Linux: ru_maxrss (kB on Linux, bytes on macOS)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def main(db: str, user: str, password: str) -> int:
    # Imported here, after the command's modules, as `suitcheck gui` imports them (cli.cmd_gui).
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from suitcheck.gui import app as gui_app
    from suitcheck.gui.dialogs import LoginDialog

    times: dict[str, float] = {"command_imported": COMMAND_IMPORTED, "gui_imported": time.perf_counter() - START}
    app = QApplication(sys.argv[:1])  # the one run_gui takes up (QApplication.instance())
    desktops: list[gui_app.DesktopApp] = []
    made = gui_app.DesktopApp.__init__

    def remembered(self: gui_app.DesktopApp, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        desktops.append(self)

    gui_app.DesktopApp.__init__ = remembered  # type: ignore[method-assign]

    def poll_login() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(2, poll_login)
            return
        times["login_dialog"] = time.perf_counter() - START
        dialogs[0].username.setText(user)
        dialogs[0].password.setText(password)
        times["login_clicked"] = time.perf_counter() - START
        dialogs[0].findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    def poll_rows() -> None:
        if desktops:
            _note_progress(desktops[0], times)
        if "first_rows" in times and "store_check" in times:
            times["max_rss_mb"] = peak_rss_mb()
            for widget in QApplication.topLevelWidgets():
                widget.close()
            app.exit(0)
        elif time.perf_counter() - START > 600:
            app.exit(1)
        else:
            QTimer.singleShot(2, poll_rows)

    QTimer.singleShot(0, poll_login)
    QTimer.singleShot(0, poll_rows)
    code = suitcheck_main(["gui", "--db", db])
    if code != 0 or "first_rows" not in times:
        print(f"the program ended with {code} before its first rows: {times}", file=sys.stderr)
        return code or 1
    print(json.dumps(times))
    return 0


def _note_progress(desktop: Any, times: dict[str, float]) -> None:
    """The first rows of both lists, and the store's page check, when they are in."""
    window = desktop.window
    if (
        window is not None
        and "first_rows" not in times
        and window.client_model.rowCount() > 0
        and window.report_model.rowCount() > 0
    ):
        times["first_rows"] = time.perf_counter() - START
    if desktop.store_check is not None and "store_check" not in times:
        times["store_check"] = time.perf_counter() - START
        times["store_check_ok"] = desktop.store_check.ok


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
