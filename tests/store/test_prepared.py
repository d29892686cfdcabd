"""Statements compiled once (store.prepared) give what a Core execution gives, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import bindparam, column, select, table, update
from sqlalchemy.exc import DBAPIError

from suitcheck.audit.chain import utc_stamp
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.store.models import Investor, Staff
from suitcheck.store.prepared import Prepared
from tests.conftest import add_client, staff

_CLIENTS = select(Investor.__table__).where(Investor.account.like("D%")).order_by(Investor.id)
_BY_ID = select(Investor.id, Investor.account, Investor.birth_date).where(Investor.id == bindparam("id")).limit(1)
_STAFF = select(Staff.__table__).order_by(Staff.id)


def test_rows_equal_a_core_execution(services: Services, compliance: Actor) -> None:
    """Dates, booleans, UTC datetimes and NULLs come back as Core gives them (SQLite hands
    them to the driver as text and integers); a LIMIT bound by SQLAlchemy is kept."""
    add_client(services, compliance, "D1", RiskProfile.C4, id_number="11010519491231002X", special_attention=True)
    add_client(services, compliance, "D2", None, days_ago=None, lowest_category=True)
    staff(services, Role.ADVISOR)
    with services.store.engine.begin() as conn:
        # A lock time, for a UTC datetime in a row.
        conn.execute(update(Staff).values(locked_until=dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)))
        for stmt in (_CLIENTS, _STAFF):
            core = [tuple(r) for r in conn.execute(stmt)]
            prepared = Prepared(stmt).all(conn)
            assert [tuple(r) for r in prepared] == core
            assert prepared[0]._fields == tuple(conn.execute(stmt).keys())
        d1 = conn.execute(select(Investor.id).where(Investor.account == "D1")).scalar_one()
        row = Prepared(_BY_ID).first(conn, id=d1)
        assert (row.account, row.birth_date) == ("D1", dt.date(1949, 12, 31))
        assert Prepared(_BY_ID).first(conn, id=-1) is None


def test_an_expanding_in_is_refused(services: Services) -> None:
    """An IN list is rendered per execution, which a statement compiled once cannot do."""
    with pytest.raises(ValueError, match="IN"), services.store.engine.begin() as conn:
        Prepared(select(Investor.id).where(Investor.account.in_(["D1"]))).all(conn)


def test_a_driver_error_is_sqlalchemys(services: Services) -> None:
    """A failing statement raises SQLAlchemy's DBAPIError (which the services turn into one
    sentence), not the driver's own exception."""
    with pytest.raises(DBAPIError), services.store.engine.begin() as conn:
        Prepared(select(table("no_such_table", column("x")))).all(conn)


@given(st.datetimes(min_value=dt.datetime(1970, 1, 2), timezones=st.timezones()))
def test_utc_stamp_is_the_strftime_form(moment: dt.datetime) -> None:
    assert utc_stamp(moment) == moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_text_that_is_not_utf8_reads_as_a_core_execution_does(sqlite_services: Services) -> None:
    """A prepared read decodes SQLite text in the driver's own C code and reads a row again
    through sqlite_text only when its bytes are not UTF-8: the same values either way (bytes
    replaced by U+FFFD, as every SQLite read), and the connection reads text as before."""
    from suitcheck.store.sqlitetext import sqlite_text

    add_client(sqlite_services, staff(sqlite_services, Role.COMPLIANCE), "U1", RiskProfile.C3)
    stmt = select(Investor.id, Investor.account, Investor.name).where(Investor.account.like("U%"))
    with sqlite_services.store.engine.begin() as conn:
        before = Prepared(stmt).all(conn)
        assert [r.account for r in before] == ["U1"]
        conn.exec_driver_sql("UPDATE investor SET name = CAST(X'E5AEA2FF' AS TEXT) WHERE account = 'U1'")
        core = [tuple(r) for r in conn.execute(stmt)]
        assert "\ufffd" in str(core[0][2])
        assert [tuple(r) for r in Prepared(stmt).all(conn)] == core
        assert conn.connection.dbapi_connection.text_factory is sqlite_text  # type: ignore[union-attr]
