"""How suitcheck reads SQLite TEXT. Standard library only, so a list's worker process,
which opens the store with sqlite3 itself, reads text as the desk does."""

from __future__ import annotations

import sqlite3
from typing import Any


def sqlite_text(data: bytes) -> str:
    """How suitcheck reads a SQLite TEXT value: as UTF-8, bytes that are not UTF-8 replaced
    (U+FFFD). SQLite keeps any bytes in a TEXT column, and Python's default factory raises
    on them mid-read, so one name set in SQL to such bytes stopped every list that read it.
    A sealed value read so no longer matches its seal (its row is marked, its checks
    block); an unsealed one (a name, an ID number) is shown as what it now holds."""
    return data.decode("utf-8", "replace")


def fetch_batch(dbapi_connection: Any, cursor: Any, sql: str) -> list[Any]:
    """Every row of `sql` on a driver cursor, for a bulk read (a million-entry verify):
    SQLite text is decoded by the driver's own C code (str, several times cheaper per value
    than any Python factory), and only a batch holding bytes that are not UTF-8 is read
    again through sqlite_text. Other drivers read as they always do."""

    def read() -> list[Any]:
        cursor.execute(sql)
        return list(cursor.fetchall())

    if getattr(dbapi_connection, "text_factory", None) is not sqlite_text:
        return read()
    dbapi_connection.text_factory = str
    try:
        return read()
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
    finally:
        dbapi_connection.text_factory = sqlite_text
    return read()
