"""Verifying from the desk reads every entry (every row of an export file): it runs off
the GUI thread behind a modal wait that Esc does not end, and a session that ends during
the wait (logout, switch user from the lock) takes the verdict with it, while the
verification itself still finishes and is recorded."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from suitcheck.gui.dialogs import LockDialog
from suitcheck.gui.dialogs.verification import VerifyingDialog, run_verification, verify_export_file
from suitcheck.services import Services
from tests.gui.conftest import HELD_S, login
from tests.gui.modal import on_next_modal, when_visible


class Gate:
    """Holds a service call on its (background) thread until the test lets it go, and
    remembers which thread it ran on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
        self.released = threading.Event()
        self.threads: list[threading.Thread] = []
        self.waited: list[bool] = []
        real = getattr(owner, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            self.threads.append(threading.current_thread())
            # On the GUI thread this would wait in vain: nothing could set the event.
            self.waited.append(self.released.wait(HELD_S))
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)

    def ran_in_background(self) -> bool:
        return bool(self.threads) and all(t is not threading.main_thread() for t in self.threads) and all(self.waited)


def verified_entries(services: Services) -> int:
    compliance = login(services, "demo-compliance")
    return sum(1 for e in services.audit.browse(compliance, limit=500) if e.action == "audit-verified")


def test_verifying_the_trail_keeps_the_desk_alive_and_esc_does_not_end_the_wait(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    gate = Gate(monkeypatch, demo_services.audit, "verify")
    seen: dict[str, object] = {}

    def wait(dialog: QWidget) -> None:
        assert isinstance(dialog, VerifyingDialog)
        seen["text"] = dialog.findChild(QLabel, "verifyingText").text()
        dialog.reject()  # Esc
        dialog.close()  # the title bar's close button
        seen["still waiting"] = dialog.isVisible()
        gate.released.set()

    on_next_modal(wait)
    window.verify_audit()
    assert seen == {
        "text": "Verifying the audit trail: every entry is read. On a large store this takes a while.",
        "still waiting": True,
    }
    assert gate.ran_in_background()
    assert message_boxes[-1][0] == "The audit trail is intact."


def test_a_logout_during_the_wait_drops_the_verdict_but_the_verification_is_recorded(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    before = verified_entries(demo_services)
    gate = Gate(monkeypatch, demo_services.audit, "verify")

    def log_out(dialog: QWidget) -> None:
        window.end_session()
        assert not dialog.isVisible()
        gate.released.set()

    on_next_modal(log_out)
    window.verify_audit()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()
    assert message_boxes == []
    assert gate.ran_in_background()
    assert verified_entries(demo_services) == before + 1


def test_a_verdict_that_arrives_under_the_lock_is_not_shown_to_the_next_user(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch, message_boxes
) -> None:
    window = window_for("demo-compliance")
    gate = Gate(monkeypatch, demo_services.audit, "verify")
    switched: list[bool] = []
    window.switch_user_requested.connect(lambda: switched.append(True))

    def lock(dialog: QWidget) -> None:
        assert isinstance(dialog, VerifyingDialog)

        def verdict_then_switch(lock_dialog: LockDialog) -> None:
            gate.released.set()
            qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)  # the verdict is in
            lock_dialog.findChild(QPushButton, "switchUser").click()

        when_visible(LockDialog, verdict_then_switch)
        window.lock()  # the idle lock, during the wait

    on_next_modal(lock)
    window.verify_audit()
    qtbot.waitUntil(lambda: bool(switched), timeout=5000)
    assert message_boxes == []
    assert gate.ran_in_background()


def test_verifying_an_export_file_runs_off_the_desk(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    compliance = login(demo_services, "demo-compliance")
    out = tmp_path / "trail.csv"
    demo_services.audit.export(compliance, out, "csv")
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    gate = Gate(monkeypatch, demo_services.audit, "verify_file")
    on_next_modal(lambda dialog: gate.released.set())
    verify_export_file(demo_services, compliance, out, parent)
    assert gate.ran_in_background()
    assert message_boxes[-1][0] == "The export is intact."


def test_a_refusal_during_the_wait_is_shown_in_its_own_words(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, message_boxes
) -> None:
    advisor = login(demo_services, "demo-advisor")  # may not verify
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    run_verification(demo_services, advisor, parent)
    assert len(message_boxes) == 1
    assert "verify" in (message_boxes[0][0] + message_boxes[0][1]).lower()
    assert "Sorry" not in message_boxes[0][0]
