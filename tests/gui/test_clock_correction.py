"""The login screen's way back for a desk whose clock ran ahead and was put right: every
sign-in is refused (the trail holds entries dated later than the clock reads), and the
recorded correction was a command-line program a branch desk rarely has at hand (on
Windows `suitcheck-cli.exe`, not on PATH)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialogButtonBox, QWidget
from sqlalchemy import select

from suitcheck.gui.dialogs import LoginDialog
from suitcheck.gui.dialogs.clock_correction import ClockCorrectionDialog
from suitcheck.services import Services
from suitcheck.store.models import AuditEntry
from tests.conftest import Clock
from tests.gui.conftest import change_answered, login, password_answered
from tests.gui.modal import on_next_modal


def _ok(dialog: QWidget) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def _trail(services: Services) -> list[tuple[str, str]]:
    """The newest entries, read from the store as they are (no sign-in: the clock is behind)."""
    with services.store.engine.connect() as conn:
        rows = conn.execute(select(AuditEntry.action, AuditEntry.staff).order_by(AuditEntry.seq.desc()).limit(6))
        return [(action, staff) for action, staff in rows]


def _refused_for_the_clock(qtbot, services: Services, clock: Clock) -> LoginDialog:  # type: ignore[no-untyped-def]
    """A year ahead, something recorded; the clock put right; demo-advisor tries to log in."""
    right = clock.now
    clock.now = right + dt.timedelta(days=365)
    services.investors.mark_reassessment_due(login(services, "demo-compliance"), "880001", "moved abroad")
    clock.now = right + dt.timedelta(hours=1)
    dialog = LoginDialog(services, demo=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("demo-advisor")
    dialog.password.setText("demo")
    _ok(dialog)
    password_answered(qtbot, dialog)
    return dialog


def test_an_administrator_records_the_correction_from_the_login_screen(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, clock: Clock
) -> None:
    dialog = _refused_for_the_clock(qtbot, demo_services, clock)
    assert dialog.actor is None
    assert "earlier than the newest entry of the audit trail" in dialog.message.text()
    assert dialog.correction.isVisibleTo(dialog)

    def correct(box: QWidget) -> None:
        assert isinstance(box, ClockCorrectionDialog)
        assert box.username.text() == "demo-advisor"  # who tried; not an administrator
        box.password.setText("demo")
        box.reason.setText("BIOS clock ran a year ahead; put right by IT")
        _ok(box)
        change_answered(qtbot, box)
        assert "may not do this (record a correction" in box.message.text()  # refused, and recorded
        assert box.password.text() == ""
        assert box.isVisible()
        box.username.setText("demo-admin")
        box.password.setText("demo")
        _ok(box)  # the answer closes it

    on_next_modal(correct)
    dialog.correction.click()
    assert not dialog.correction.isVisibleTo(dialog)
    assert dialog.notice.text().startswith("Clock correction recorded as audit entry ")
    assert dialog.message.text() == ""
    actions = _trail(demo_services)
    assert actions[0] == ("clock-corrected", "demo-admin")
    assert ("refused", "demo-advisor") in actions

    dialog.password.setText("demo")
    _ok(dialog)
    password_answered(qtbot, dialog)
    assert dialog.actor is not None  # the desk works again
    assert dialog.actor.username == "demo-advisor"


def test_a_correction_cancelled_records_nothing_and_none_is_offered_for_a_wrong_password(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, clock: Clock
) -> None:
    dialog = _refused_for_the_clock(qtbot, demo_services, clock)
    before = _trail(demo_services)

    def cancel(box: QWidget) -> None:
        assert isinstance(box, ClockCorrectionDialog)
        box.password.setText("demo")
        box.reject()

    on_next_modal(cancel)
    dialog.correction.click()
    assert dialog.correction.isVisibleTo(dialog)  # still on offer
    assert dialog.notice.isHidden()
    assert _trail(demo_services) == before

    dialog.password.setText("wrong")
    _ok(dialog)
    password_answered(qtbot, dialog)
    assert "wrong" in dialog.message.text()
    assert not dialog.correction.isVisibleTo(dialog)  # a refusal that is not the clock's
