"""The firm's calendar: which day a moment falls on.

A securities firm in China keeps Beijing time (China Standard Time, UTC+8, no daylight
saving since 1991), and so do its rules: an assessment's validity, its expiry, a client's
70th birthday, "today" for an override, the days of a self-inspection period. The store
keeps moments in UTC; this module turns them into the firm's days and back. It never asks
the desktop's time zone: a desktop left on UTC or on a vendor's default zone would otherwise
decide, list and report on another day than the branch's between midnight and 08:00 (or in
the afternoon, east of China), and two desks on one shared store would disagree.
"""

from __future__ import annotations

import datetime as dt
import re

FIRM_ZONE = dt.timezone(dt.timedelta(hours=8), "UTC+08:00")
"""Beijing time. A fixed offset, so no zone database is needed (Windows has none)."""

FIRM_ZONE_NAME = "UTC+8"
"""How times in the firm's zone are labelled where they are shown."""


def firm_day(moment: dt.datetime) -> dt.date:
    """The firm's calendar day of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone has no day")
    return moment.astimezone(FIRM_ZONE).date()


def firm_time(moment: dt.datetime) -> dt.datetime:
    """An aware moment as the firm's wall clock shows it."""
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone has no wall-clock time")
    return moment.astimezone(FIRM_ZONE)


def day_start(day: dt.date) -> dt.datetime:
    """The UTC instant at which the firm's `day` begins (midnight in Beijing: 16:00 UTC the
    day before). A range of days [a, b] is the instants [day_start(a), day_end(b))."""
    try:
        return dt.datetime.combine(day, dt.time(), FIRM_ZONE).astimezone(dt.UTC)
    except OverflowError:
        # Beijing's 1 January of year 1 began 8 hours before the first instant Python holds;
        # no moment is earlier than that one, so it bounds the same moments.
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def day_end(day: dt.date) -> dt.datetime:
    """The UTC instant at which the firm's `day` ends: the next day's day_start, also for
    31 December 9999, the last day a date holds (it has no next day)."""
    if day == dt.date.max:
        return day_start(day) + dt.timedelta(days=1)
    return day_start(day + dt.timedelta(days=1))


def last_half_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year before the current one (the firm's days, both ends included): the
    period a half-yearly self-inspection covers."""
    if today.month > 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)


def stamp_in_firm_time(stamp: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An audit entry's UTC time (`2026-06-30T23:00:00.000000Z`) as the firm's wall clock
    shows it; text that is no such time (changed in the store: verify names the entry) as
    it is held."""
    try:
        moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return stamp
    return firm_time(moment).strftime(fmt)


CLOCK_TOLERANCE = dt.timedelta(minutes=5)
"""How far a desk's clock may read behind the newest audit entry (or, on a shared
PostgreSQL store, away from the database server's clock) before it is taken to be wrong:
two processes on one desk, or desks kept by NTP, disagree by far less; a clock set back to
make an expired assessment valid again, or left a year ahead, by far more."""


def clock_behind(reading: dt.datetime, newest: dt.datetime) -> bool:
    """Whether a desk's clock `reading` is earlier than `newest`, a moment already recorded
    in the audit trail, by more than CLOCK_TOLERANCE: time does not run backwards, so the
    clock is wrong, and nothing may be decided on the day it names."""
    return reading < newest - CLOCK_TOLERANCE


def clock_off(reading: dt.datetime, server: dt.datetime) -> bool:
    """Whether a desk's clock `reading` differs from the database server's clock `server`
    (the store's one clock on a shared store) by more than CLOCK_TOLERANCE, either way."""
    return abs(reading - server) > CLOCK_TOLERANCE


def clock_words(moment: dt.datetime) -> str:
    """A moment as a clock sentence names it: the firm's wall clock, labelled."""
    return f"{firm_time(moment):%Y-%m-%d %H:%M:%S} {FIRM_ZONE_NAME}"


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: str.isdigit and re's \d take ２ too


def parse_day(text: str) -> dt.date:
    """A day as typed: YYYY-MM-DD (spaces around it do not count), nothing else. Python's
    fromisoformat also takes 2026-W05 (the Monday of week 5), 2026-026 and 20260126; a
    clerk who meant something else by them got that Monday without a word. ValueError
    for anything that is not such a day."""
    day = text.strip()
    if not _DAY.fullmatch(day):
        raise ValueError(f"{text!r} is not written YYYY-MM-DD")
    return dt.date.fromisoformat(day)
