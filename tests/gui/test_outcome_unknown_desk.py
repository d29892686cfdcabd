"""The desk when a check's or an opening's COMMIT loses its connection (attack13h; the
service raises OutcomeUnknown since attack13b, tests/attack/test_attack_lost_commit.py): the
server may have recorded it or not. The decision panel never shows an allow for it (none
on screen stays either), the report is not opened, and the sentence says the outcome is
unknown, in the desk's language."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine.default import DefaultDialect

from suitcheck.gui.i18n import Translations
from suitcheck.services import Services
from suitcheck.services.access import AccessService
from tests.gui.test_main_window import check_now, decided_for, find_client, pick_report

UNKNOWN = "was lost while it committed this work, so whether it was recorded is unknown"


@pytest.fixture
def lose_next_commit(monkeypatch: pytest.MonkeyPatch, demo_services: Services) -> Callable[[bool], None]:
    """`lose(committed)`: the next COMMIT of a check's or an opening's entry (the desk opens
    on a worker thread; reads before it commit as usual) loses its connection, after the
    database committed it or before (the driver's own error for a connection gone, as
    tests/attack/test_attack_lost_commit.py). Other work (searches, reminders) commits."""
    armed: list[bool] = []
    inside = threading.local()
    real: Callable[[Any, Any], None] = DefaultDialect.do_commit

    def within(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            inside.on = True
            try:
                return method(*args, **kwargs)
            finally:
                inside.on = False

        return wrapped

    def do_commit(self: Any, dbapi_conn: Any) -> None:
        if not armed or not getattr(inside, "on", False) or not demo_services.ctx.sealer.appended():
            real(self, dbapi_conn)
            return
        if armed.pop():
            real(self, dbapi_conn)
        dbapi_conn.dbapi_connection.close()
        real(self, dbapi_conn)

    monkeypatch.setattr(AccessService, "_check_once", within(AccessService._check_once))
    monkeypatch.setattr(AccessService, "open_report", within(AccessService.open_report))
    monkeypatch.setattr(DefaultDialect, "do_commit", do_commit)
    return armed.append


@pytest.mark.parametrize("committed", [True, False], ids=["server-committed", "server-did-not"])
def test_a_check_whose_commit_is_lost_shows_no_allow_and_says_unknown(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes, lose_next_commit, committed: bool
) -> None:
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    assert window.decision.result is not None
    assert window.decision.result.decision.allowed
    assert window.open_button.isEnabled()
    lose_next_commit(committed)
    check_now(qtbot, window)  # the clerk presses Check again: an allow, if the server recorded it
    assert len(message_boxes) == 1, message_boxes
    headline, sentence = message_boxes[0]
    assert UNKNOWN in sentence
    assert "look in the audit trail before doing it again" in sentence
    assert "cannot be reached" not in sentence
    assert "Traceback" not in sentence
    assert window.decision.result is None
    assert window.decision.verdict.text() == "No decision yet"
    assert not window.open_button.isEnabled()
    assert not window.override_button.isVisible()
    # The desk goes on: the next check is decided, recorded and shown.
    check_now(qtbot, window)
    assert decided_for(window, window.client, window.report)
    assert len(message_boxes) == 1


def test_an_opening_whose_commit_is_lost_opens_nothing_and_says_unknown(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes, lose_next_commit
) -> None:
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    assert window.open_button.isEnabled()
    lose_next_commit(True)  # the server recorded the opening; the desk cannot know
    window.open_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=10_000)
    window.runner.wait()
    qtbot.wait(50)
    assert not window.viewers
    (headline, sentence), *_ = message_boxes
    assert UNKNOWN in sentence


def test_the_sentence_is_the_desks_language(  # type: ignore[no-untyped-def]
    qtbot, qapp, window_for, demo_services: Services, message_boxes, lose_next_commit
) -> None:
    window = window_for()
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    translations = Translations(qapp)
    assert translations.apply("zh_CN")
    try:
        lose_next_commit(True)
        check_now(qtbot, window)
    finally:
        translations.apply("en")
    ((headline, sentence),) = message_boxes
    assert "unknown" not in sentence, sentence
    assert "committed" not in sentence, sentence
    assert "审计" in sentence, sentence
    assert window.decision.result is None
