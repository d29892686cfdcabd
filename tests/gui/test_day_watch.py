"""A desk left as it was past the firm's midnight: yesterday's decision came off the panel
only when someone touched the desk (Open stayed enabled on an ALLOWED for an assessment
that had expired at midnight), and the column kept yesterday's verdicts."""

from __future__ import annotations

from suitcheck.gui.main_window import DAY_WATCH_MS
from tests.conftest import Clock
from tests.gui.test_main_window import find_client, pick_report


def test_the_day_changing_under_a_decision_takes_it_off_the_panel(qtbot, window_for, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "稳增长")  # R1: allowed
    assert window.decision.result is not None
    assert window.decision.result.may_open
    assert window.open_button.isEnabled()
    basis = window._verdicts_basis
    window.watch_the_day()  # the same day: nothing changes
    assert window.decision.result is not None
    assert window._day_watch.interval() == DAY_WATCH_MS
    assert window._day_watch.isActive()

    clock.advance(days=1)
    window.watch_the_day()
    assert window.decision.result is None
    assert "A new day has begun since this decision" in window.decision.summary.text()
    assert not window.open_button.isEnabled()
    # The column is previewed again under today's date.
    qtbot.waitUntil(lambda: window._verdicts_basis is not None and window._verdicts_basis is not basis)
    assert window._verdicts_basis.day == window.services.ctx.shown_today()
    # Check again (Enter): today's decision, recorded.
    window.check()
    qtbot.waitUntil(lambda: window.decision.result is not None, timeout=10_000)
    again = window.decision.result
    assert again is not None
    assert again.decision.decided_on == window.services.ctx.shown_today()
