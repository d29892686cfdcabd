"""GUI cold start in a fresh process, as a clerk meets it: the login dialog, then the main
window with its first rows of clients and reports. The store's page check runs beside it,
as in the real program. Prints one JSON object (times in seconds from this script's start).

    python bench/gui_start.py STORE.db USER PASSWORD
"""

from __future__ import annotations

import time

START = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox  # noqa: E402

from suitcheck.gui.app import DesktopApp  # noqa: E402
from suitcheck.gui.dialogs import LoginDialog  # noqa: E402
from suitcheck.services import open_services  # noqa: E402


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
    times: dict[str, float] = {}
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    desktop = DesktopApp(app, settings, demo=False)  # type: ignore[arg-type]

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
        if "first_rows" in times and "store_check" in times:
            app.exit(0)
            return
        if time.perf_counter() - START > 600:
            app.exit(1)
            return
        QTimer.singleShot(2, poll_rows)

    QTimer.singleShot(0, lambda: desktop.open(lambda: open_services(db)))
    QTimer.singleShot(0, poll_login)
    QTimer.singleShot(0, poll_rows)
    code = app.exec()
    times["max_rss_mb"] = peak_rss_mb()
    times["store_check_ok"] = bool(desktop.store_check and desktop.store_check.ok)
    print(json.dumps(times))
    if desktop.window is not None:
        desktop.window.close()
    if desktop.services is not None:
        desktop.services.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
