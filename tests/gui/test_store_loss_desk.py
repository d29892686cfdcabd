"""The desk on a shared PostgreSQL store that goes away (attack12e): a DBA ends its
connection between two checks, or in the middle of one. One sentence, the desk stays
usable, and a decision is shown only once its audit entry is committed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import event, text

from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from suitcheck.services.demo import seed_demo
from tests.attack.test_attack_store_loss import _terminate_every_connection
from tests.conftest import FAST_HASHER, Clock, make_services
from tests.gui.conftest import login, wait_for_rows
from tests.gui.test_main_window import check_now, decided_for, find_client, pick_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_demo(pg_target: str, clock: Clock) -> Iterator[Services]:
    services = make_services(pg_target, clock)
    services.auth = type(services.auth)(services.ctx, FAST_HASHER)
    seed_demo(services)
    yield services
    services.close()


def _checks(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        return int(session.execute(text("SELECT count(*) FROM audit_entry WHERE action = 'check'")).scalar_one())


def test_the_desk_after_its_connection_is_ended(  # type: ignore[no-untyped-def]
    qtbot, pg_demo: Services, tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    window = MainWindow(
        pg_demo, login(pg_demo, "demo-advisor"), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    wait_for_rows(qtbot, window)
    find_client(qtbot, window, "880005")
    pick_report(qtbot, window, "创业板")
    assert window.client is not None
    # Between two checks (a server restart at lunch): the next search and check just work.
    _terminate_every_connection(pg_demo.store.url)
    find_client(qtbot, window, "880001")
    pick_report(qtbot, window, "创业板")
    assert message_boxes == []
    # In the middle of a check: the check is not given, one sentence, nothing on screen.
    before = _checks(pg_demo)
    done: list[bool] = []

    def end_it(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not done and statement.lstrip().startswith("SELECT"):
            done.append(True)
            _terminate_every_connection(pg_demo.store.url)

    event.listen(pg_demo.store.engine, "after_cursor_execute", end_it)
    try:
        check_now(qtbot, window)
    finally:
        event.remove(pg_demo.store.engine, "after_cursor_execute", end_it)
    assert done
    assert len(message_boxes) == 1
    headline, sentence = message_boxes[0]
    assert "cannot be reached" in sentence
    assert "Traceback" not in sentence
    assert window.decision.result is None
    assert window.decision.verdict.text() == "No decision yet"
    assert not window.open_button.isEnabled()
    assert _checks(pg_demo) == before
    # The clerk presses Check again: decided and recorded.
    check_now(qtbot, window)
    assert window.client is not None
    assert window.report is not None
    assert decided_for(window, window.client, window.report)
    assert _checks(pg_demo) == before + 1
    assert len(message_boxes) == 1
    window.runner.wait()
