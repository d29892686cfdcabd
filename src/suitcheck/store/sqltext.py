"""SQL expressions that give final text from the database, for lists that stream rows
to a file with no Python work per row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Connection, Select, String, case, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class iso_date(FunctionElement[str]):  # noqa: N801 - a SQL function, named like one
    """A DATE column as 'YYYY-MM-DD' text (NULL stays NULL)."""

    type = String()
    inherit_cache = True
    name = "iso_date"


@compiles(iso_date)
def _iso_date_default(element: iso_date, compiler: Any, **kw: Any) -> str:
    # SQLite keeps a Date as ISO-8601 text already; date() also turns anything that is not
    # a valid date (written into the file by hand) into NULL rather than passing it on.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(iso_date, "postgresql")
def _iso_date_pg(element: iso_date, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


class stored_iso_date(iso_date):  # noqa: N801 - a SQL function, named like one
    """iso_date for a query whose WHERE already requires the date to be stored as ISO text
    (services.integrity.dates_canonical: NULL or date(x) = x): on SQLite the column is then
    that text itself, so no date() is computed per row (a list reads half a million)."""

    inherit_cache = True
    name = "stored_iso_date"


@compiles(stored_iso_date)
def _stored_iso_date_default(element: stored_iso_date, compiler: Any, **kw: Any) -> str:
    return _iso_date_default(element, compiler, **kw)


@compiles(stored_iso_date, "sqlite")
def _stored_iso_date_sqlite(element: stored_iso_date, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(stored_iso_date, "postgresql")
def _stored_iso_date_pg(element: stored_iso_date, compiler: Any, **kw: Any) -> str:
    return _iso_date_pg(element, compiler, **kw)


def prefixed(prefix: str, column: ColumnElement[Any]) -> ColumnElement[str]:
    """`prefix` followed by the column's text, e.g. 'C' || 3 -> 'C3'; NULL stays NULL."""
    return literal(prefix, String) + cast(column, String)


def formula_safe(column: ColumnElement[str], leads: tuple[str, ...]) -> ColumnElement[str]:
    """Text a spreadsheet will not run: a leading quote before any of `leads`."""
    return case((func.substr(column, 1, 1).in_(leads), literal("'", String) + column), else_=column)


class scanned(ColumnElement[bool]):  # noqa: N801 - used like a SQL function
    """A condition SQLite evaluates row by row on a scan in rowid order, never through an
    index. For a list that wants most rows in id order, a sequential scan streams the
    first row at once, where index lookups plus a sort would read everything first and
    touch the table in random order; without statistics SQLite's planner picks the latter."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition

    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement)]


@compiles(scanned)
def _scanned_default(element: scanned, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.condition, **kw)})"


@compiles(scanned, "sqlite")
def _scanned_sqlite(element: scanned, compiler: Any, **kw: Any) -> str:
    # A unary plus makes the whole term unusable for an index; its value is unchanged.
    return f"+({compiler.process(element.condition, **kw)})"


def driver_chunks(conn: Connection, stmt: Select[Any], size: int) -> Iterator[Sequence[Sequence[Any]]]:
    """The statement's rows in lists of `size`, as the database driver returns them.

    Only for statements whose columns need no result processing (text and integers made
    in SQL, as above): on SQLite the rows come straight from the driver's cursor, which
    steps lazily, without a Python step per row to make SQLAlchemy Row objects; elsewhere
    through a server-side cursor, so a long list never sits in memory whole."""
    if conn.dialect.name == "sqlite":
        result = conn.execute(stmt)
        try:
            while rows := result.cursor.fetchmany(size):
                yield rows
        finally:
            result.close()
        return
    yield from conn.execution_options(stream_results=True).execute(stmt).partitions(size)
