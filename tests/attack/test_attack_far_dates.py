"""Report periods at the calendar's far ends, as a careless officer types them: the first
day Python holds (0001-01-01), the last (9999-12-31), "until forever"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import InvalidInput
from tests.conftest import staff


def test_periods_at_the_calendars_far_ends_are_answered_not_crashed(sqlite_services: Services, tmp_path: Path) -> None:
    """Was BROKE: `inspection --from 9995-01-01 --to 9999-12-31` ended in "unexpected error
    (ValueError)" (ten years on from 9995 is no date Python holds), and `inspection --from
    0001-01-01` and `audit export --since 0001-01-01` or `--until 9999-12-31` ("until
    forever") in "unexpected error (OverflowError)": Beijing's 1 January of year 1 began
    before the first UTC instant, and the day after 31 December 9999 is no date. A future
    period is refused in its sentence; the others select what they say (all entries)."""
    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    with pytest.raises(InvalidInput, match="after today"):
        services.inspection.write(officer, dt.date(9995, 1, 1), dt.date(9999, 12, 31), tmp_path / "far.pdf")
    early = services.inspection.write(officer, dt.date(1, 1, 1), dt.date(1, 12, 31), tmp_path / "early.pdf")
    assert early.data.decisions_total == 0
    ends = AuditFilter(since=dt.date.min, until=dt.date.max)
    every = services.audit.export(officer, tmp_path / "ends.csv", "csv", ends)
    head = every["store_head"]["seq"]
    assert (every["first_seq"], every["last_seq"], every["count"]) == (1, head, head)  # the whole trail
    last_week = services.dashboard.figures(officer, dt.date(9999, 12, 25), dt.date.max)
    assert sum(last_week.decisions_total.values()) == 0


def test_a_date_is_written_yyyy_mm_dd_and_nothing_else_is_taken_for_one(
    sqlite_services: Services,
    sqlite_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: every date the command line takes (YYYY-MM-DD, its help says) was read
    by Python 3.11's fromisoformat, which also takes ISO week dates: `investor add
    --assessed 2026-W05` recorded an assessment of Monday 2026-01-26, and `inspection --to
    2026-W26` (meaning the end of week 26) covered up to its Monday, each without a word;
    20260203 was taken too, and a report's corrected date the same way. A date is
    YYYY-MM-DD; anything else is refused with the sentence for a date that is no date."""
    from suitcheck.cli import main
    from tests.conftest import PASSWORD

    officer = staff(sqlite_services, Role.COMPLIANCE)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    login = ["--db", sqlite_target, "--user", officer.username]
    add = ["investor", "add", "--account", "W1", "--name", "周", "--profile", "C3"]

    def refused(*args: str) -> None:
        with pytest.raises(SystemExit) as usage:  # argparse's exit: status 2 and the sentence
            main([*args, *login])
        assert usage.value.code == 2
        assert "is not a date (YYYY-MM-DD)" in capsys.readouterr().err

    for typed in ("2026-W05", "2026-W05-1", "2026W051", "20260126", "2026-026", "２０２６-01-26"):
        refused(*add, "--assessed", typed)
    out = str(tmp_path / "i.pdf")
    refused("inspection", "--from", "2026-01-01", "--to", "2026-W05", "--out", out)
    assert not Path(out).exists()
    assert main([*add, "--assessed", "2026-01-26", *login]) == 0


def test_a_client_assessed_in_sql_on_the_calendars_last_day_does_not_stop_the_lists(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path
) -> None:
    """Was BROKE: one client row whose assessment date an insider set in SQL to 9999-12-31
    (and marked due) made `reminders`, `reminders --out`, `investor list` and `investor
    show` end in "unexpected error (OverflowError)": its expiry, 730 days on, is no date.
    Every other client vanished from those lists with it. The row is listed, marked as
    changed outside suitcheck, and every check about it blocks."""
    from tests.audit.test_tamper import raw
    from tests.conftest import add_client

    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    odd, other = add_client(services, officer, "ODD"), add_client(services, officer, "DUE")
    services.investors.mark_reassessment_due(officer, "DUE", "收入变化")
    raw(sqlite_target, f"UPDATE investor SET current_assessed_on = '9999-12-31', reassessment_due = 1 WHERE id = {odd}")
    listed = {r.investor.id: r for r in services.reminders.reminders(officer)}
    assert set(listed) == {odd, other}
    assert not listed[odd].investor.record_intact
    assert services.reminders.write(officer, tmp_path / "due.csv").count == 2
    assert {v.id for v in services.investors.search(officer)} >= {odd, other}
    assert services.investors.get(officer, odd).expires_on == dt.date.max
