"""Version information for bug reports: suitcheck and the libraries it runs on."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from suitcheck import __version__

NOTICES_RESOURCE = "THIRD-PARTY-NOTICES.txt"


def third_party_notices() -> Path | None:
    """The licences of the third-party software an installed build carries (written by
    packaging/notices.py when the build is made), or None in a source checkout."""
    found = resources.files("suitcheck.resources").joinpath(NOTICES_RESOURCE)
    return Path(str(found)) if found.is_file() else None


def version_text() -> str:
    import sqlite3

    import sqlalchemy

    lines = [
        f"suitcheck {__version__}",
        f"Python {sys.version.split()[0]}",
        f"SQLAlchemy {sqlalchemy.__version__}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    try:
        import PySide6
        from PySide6 import QtCore

        lines += [f"PySide6 {PySide6.__version__}", f"Qt {QtCore.qVersion()}"]
    except ImportError:
        lines.append("PySide6 not installed")
    return "\n".join(lines)
