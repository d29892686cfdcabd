"""Log file set-up shared by the CLI and the GUI (platformdirs' user_log_dir)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

from suitcheck.privatefs import PrivateRotatingFileHandler, narrow_private, private_dir
from suitcheck.store.engine import APP_NAME


def log_path() -> Path:
    folder = os.environ.get("SUITCHECK_LOG_DIR") or platformdirs.user_log_dir(APP_NAME, appauthor=False)
    return Path(folder) / "suitcheck.log"


BACKUPS = 5  # rotated copies kept: suitcheck.log.1 .. .5


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to a rotating file. Client ID numbers are never passed to the logger."""
    path = log_path()
    try:
        private_dir(path.parent)
        # The rotated copies an older build wrote under the umask (0644) may hold what it
        # logged in full (an ID number in a failed statement): the owner's alone from now on,
        # as the live log is once opened.
        for number in range(1, BACKUPS + 1):
            narrow_private(path.with_name(f"{path.name}.{number}"))
        # A file name of bytes that are not UTF-8 (a zip made on Windows) is logged escaped,
        # not as "--- Logging error ---" and a traceback on the terminal.
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=BACKUPS, encoding="utf-8", errors="backslashreplace"
        )
    except OSError:
        handler, path = logging.NullHandler(), None  # type: ignore[assignment]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    return path
