"""The firm's calendar: the period a half-yearly self-inspection covers."""

from __future__ import annotations

import datetime as dt

import pytest

from suitcheck.domain.calendar import last_half_year


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (dt.date(2026, 7, 1), (dt.date(2026, 1, 1), dt.date(2026, 6, 30))),
        (dt.date(2026, 12, 31), (dt.date(2026, 1, 1), dt.date(2026, 6, 30))),
        (dt.date(2027, 1, 1), (dt.date(2026, 7, 1), dt.date(2026, 12, 31))),
        (dt.date(2026, 6, 30), (dt.date(2025, 7, 1), dt.date(2025, 12, 31))),
    ],
)
def test_the_inspection_covers_the_half_year_before_the_current_one(
    today: dt.date, period: tuple[dt.date, dt.date]
) -> None:
    assert last_half_year(today) == period
