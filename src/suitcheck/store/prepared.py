"""Core statements compiled once per dialect and run on the driver's own cursor, for hot
paths (every audited check) where SQLAlchemy's per-execution work costs more than SQLite.

A `Prepared` is an ordinary Core `select`/`insert` (written with `bindparam`s, so it says
the same SQL on every backend); it is compiled the first time it runs on a dialect, and
each run then only orders its parameters and applies the columns' own result processors
(SQLite hands dates and booleans back as text and integers: they come back as `date`,
`datetime` and `bool`, exactly as a Core execution gives them). Parameters must be plain
values the driver takes as they are (str, int, None), and there is no expanding `IN`
list (rendered per execution); the statement runs inside the caller's transaction, on
the connection the caller holds, and a driver error is raised as SQLAlchemy's.
"""

from __future__ import annotations

import collections
import operator
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from suitcheck.store.sqlitetext import sqlite_text


class _Compiled:
    __slots__ = ("sql", "names", "defaults", "positional", "processors", "row", "order", "convert", "reads")

    def __init__(self, stmt: ClauseElement, dialect: Dialect, columns: Sequence[Any] | None) -> None:
        compiled: Any = stmt.compile(dialect=dialect)  # an SQLCompiler: positional, positiontup, bind_names
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("A prepared statement cannot hold an expanding IN list (it is rendered per execution).")
        self.sql = str(compiled)
        # A SELECT only reads: it may run again (store.sqlitetext.fetch_batch's way with text).
        self.reads = isinstance(stmt, Select)
        self.positional = bool(compiled.positional)
        # Every parameter the SQL names; those SQLAlchemy bound itself (a LIMIT, a literal)
        # keep their compiled value, the statement's own bindparam()s are given per run.
        self.defaults = {
            name: (None if bind.required else bind.effective_value) for bind, name in compiled.bind_names.items()
        }
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ()) if self.positional else ()
        # The positional parameters in the SQL's order, taken from the merged values in one
        # C call (a name may come twice); a missing one is a KeyError, as before.
        self.order: Callable[[Mapping[str, Any]], Sequence[Any]] = _ordered(self.names)
        self.processors: tuple[Callable[[Any], Any] | None, ...] = ()
        self.row: Any = None
        self.convert: Callable[[Sequence[Any]], Any] | None = None
        if columns is not None:
            keys = [c.key for c in columns]
            self.processors = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
            self.row = collections.namedtuple("PreparedRow", keys, rename=True)  # type: ignore[misc]
            self.convert = _converter(self.row._make, self.processors)

    def params(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        merged = {**self.defaults, **values} if values else self.defaults
        if self.positional:
            return self.order(merged)
        return {name: merged[name] for name in self.defaults}


def _ordered(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    if not names:
        return lambda _merged: ()
    if len(names) == 1:
        (name,) = names
        return lambda merged: (merged[name],)
    return operator.itemgetter(*names)


def _converter(
    make: Callable[[Iterable[Any]], Any], processors: tuple[Callable[[Any], Any] | None, ...]
) -> Callable[[Sequence[Any]], Any]:
    """A driver row as the named tuple, each value through its column's result processor
    (a NULL stays None); only the columns that have one are visited."""
    applied = tuple((i, p) for i, p in enumerate(processors) if p is not None)
    width = len(processors)
    if not applied:
        return make

    def processed(raw: Sequence[Any]) -> Any:
        if len(raw) != width:
            raise ValueError(f"a row of {len(raw)} values for {width} columns")
        values = list(raw)
        for i, process in applied:
            value = values[i]
            if value is not None:
                values[i] = process(value)
        return make(values)

    return processed


def _read_sqlite(driver: Any, cursor: Any, sql: str, params: Any) -> list[Any]:
    """A SELECT's rows on a connection that reads text through sqlite_text: decoded by the
    driver's own C code (str), as fetch_batch does, which gives the same str for UTF-8 and
    costs a Python call less per text value (a check reads about a dozen); a row holding
    bytes that are not UTF-8 is read again through sqlite_text (U+FFFD)."""
    driver.text_factory = str
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
    finally:
        driver.text_factory = sqlite_text
    cursor.execute(sql, params)
    return list(cursor.fetchall())


class Prepared:
    """One Core statement, compiled once per dialect, run with the driver's cursor."""

    def __init__(self, stmt: ClauseElement) -> None:
        self.stmt = stmt
        selected = getattr(stmt, "selected_columns", None)
        self._columns = list(selected) if selected is not None else None
        # Keyed by the dialect object (one per engine): a few entries in any process.
        self._by_dialect: dict[Dialect, _Compiled] = {}
        self._lock = threading.Lock()

    def _compiled(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        found = self._by_dialect.get(dialect)
        if found is None:
            with self._lock:
                found = self._by_dialect.get(dialect)
                if found is None:
                    found = self._by_dialect[dialect] = _Compiled(self.stmt, dialect, self._columns)
        return found

    def _run(self, conn: Connection, values: Mapping[str, Any], fetch: bool) -> tuple[_Compiled, Sequence[Any]]:
        c = self._by_dialect.get(conn.dialect) or self._compiled(conn)
        driver = conn.connection.dbapi_connection
        assert driver is not None
        params = c.params(values)
        cursor = driver.cursor()
        try:
            if fetch and c.reads and getattr(driver, "text_factory", None) is sqlite_text:
                return c, _read_sqlite(driver, cursor, c.sql, params)
            cursor.execute(c.sql, params)
            return c, (cursor.fetchall() if fetch else [])
        except conn.dialect.loaded_dbapi.Error as exc:
            # What Connection.execute does with a driver error: SQLAlchemy's own exception
            # (callers turn it into one sentence), and a dropped server connection is
            # invalidated so the pool does not hand it out again.
            lost = conn.dialect.is_disconnect(exc, driver, cursor)
            if lost:
                conn.invalidate(exc)
            raise sa_exc.DBAPIError.instance(
                c.sql, params, exc, conn.dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=conn.dialect
            ) from exc
        finally:
            cursor.close()

    def all(self, conn: Connection, **values: Any) -> list[Any]:
        """Every row, as named tuples with the columns' keys and Python values."""
        c, raw = self._run(conn, values, True)
        return list(map(c.convert, raw)) if c.convert is not None else list(raw)

    def first(self, conn: Connection, **values: Any) -> Any:
        rows = self.all(conn, **values)
        return rows[0] if rows else None

    def execute(self, conn: Connection, **values: Any) -> None:
        """A statement that returns no rows (an insert)."""
        self._run(conn, values, False)
