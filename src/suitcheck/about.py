"""Version information for bug reports: suitcheck and the libraries it runs on."""

from __future__ import annotations

import sys

from suitcheck import __version__


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
