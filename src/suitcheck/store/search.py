"""Substring search over reports: an FTS5 index of character bigrams on SQLite.

Every character pair of the normalised text is one token, so a term of n >= 2
characters is the phrase of its n-1 pairs, and a single character is a prefix query.
This finds 1- and 2-character terms (芯片, AI) that a trigram index cannot, and since
only letters and digits survive normalisation, no user input can form query syntax.
PostgreSQL keeps the normalised text and matches it with LIKE.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, column, literal_column, select, table, text
from sqlalchemy.orm import Session


def normalize_for_search(raw: str) -> str:
    folded = unicodedata.normalize("NFKC", raw).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def to_grams(raw: str) -> str:
    norm = normalize_for_search(raw)
    if len(norm) <= 1:
        return norm
    grams = [norm[i : i + 2] for i in range(len(norm) - 1)]
    grams.append(norm[-1])  # so a one-character prefix query also finds the final character
    return " ".join(grams)


def match_expression(term: str) -> str | None:
    """The FTS5 MATCH string for a user's term, or None when nothing searchable is left."""
    norm = normalize_for_search(term)
    if not norm:
        return None
    if len(norm) == 1:
        return f'"{norm}"*'
    return '"' + " ".join(norm[i : i + 2] for i in range(len(norm) - 1)) + '"'


_search = table("report_search", column("rowid", Integer), column("grams"))


def index_report(session: Session, report_id: int, searchable: str) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text("INSERT INTO report_search(rowid, grams) VALUES (:id, :g)"),
            {"id": report_id, "g": to_grams(searchable)},
        )
    else:
        session.execute(_search.insert().values(rowid=report_id, grams=normalize_for_search(searchable)))


def reindex_report(session: Session, report_id: int, searchable: str) -> None:
    session.execute(_search.delete().where(_search.c.rowid == report_id))
    index_report(session, report_id, searchable)


def matching_ids(session: Session, term: str) -> ColumnElement[bool] | None:
    """A `report.id IN (...)` condition for the term, or None for an empty term."""
    from suitcheck.store.models import Report

    if session.get_bind().dialect.name == "sqlite":
        expr = match_expression(term)
        if expr is None:
            return None
        sub = select(_search.c.rowid).where(literal_column("report_search").op("MATCH")(expr))
    else:
        norm = normalize_for_search(term)
        if not norm:
            return None
        escaped = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sub = select(_search.c.rowid).where(_search.c.grams.like(f"%{escaped}%", escape="\\"))
    return Report.id.in_(sub)


def newest_matches(session: Session, stmt: Select[Any], term: str) -> Select[Any] | None:
    """`stmt` (a select over Report) narrowed to reports containing the term, newest report
    first (highest id), or None for a term with nothing searchable.

    On SQLite the FTS index drives the query in descending rowid order, so LIMIT stops the
    index scan at the first page: a term found in nearly every report costs about what a
    rare one does, instead of collecting every match and sorting them by date."""
    from suitcheck.store.models import Report

    if session.get_bind().dialect.name == "sqlite":
        expr = match_expression(term)
        if expr is None:
            return None
        return (
            stmt.join(_search, _search.c.rowid == Report.id)
            .where(literal_column("report_search").op("MATCH")(expr))
            .order_by(_search.c.rowid.desc())
        )
    cond = matching_ids(session, term)
    if cond is None:
        return None
    return stmt.where(cond).order_by(Report.id.desc())
