"""The desk's settings file (an INI on Linux, the registry on Windows) is the user's and
IT's to edit: a value Qt did not write there must not keep the window from opening after
the login. Was BROKE: an idle lock of 40,000 minutes overflowed Qt's timer
(OverflowError) and a layout edited into text made restoreState raise (TypeError); the
window never opened, and every later login failed the same way."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from suitcheck.gui.dialogs import SettingsDialog
from suitcheck.gui.dialogs.settings import IDLE_RANGE, idle_minutes
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from tests.gui.conftest import login

LAYOUT_KEYS = (
    "window/geometry",
    "window/state",
    "window/splitter",
    "window/right_splitter",
    "window/clients_header",
    "window/reports_header",
)


def _window(qtbot, services: Services, settings: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(services, login(services, "demo-advisor"), settings, demo=True)
    qtbot.addWidget(window)
    window.show()
    window.runner.wait()
    return window


@pytest.mark.parametrize(
    ("saved", "minutes"),
    [
        ("40000", IDLE_RANGE[1]),  # 2.4e9 ms: beyond Qt's int timer
        (4294967295, IDLE_RANGE[1]),  # a DWORD pushed into the registry
        ("-5", IDLE_RANGE[0]),
        ("0", IDLE_RANGE[0]),
        ("abc", 10),
        ("12.5", 10),
        ("30", 30),
    ],
)
def test_the_idle_lock_is_held_to_what_the_preferences_offer(settings: QSettings, saved: object, minutes: int) -> None:
    settings.setValue("session/idle_minutes", saved)
    assert idle_minutes(settings) == minutes


def test_a_settings_file_edited_by_hand_still_opens_the_window(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, settings: QSettings
) -> None:
    settings.setValue("session/idle_minutes", "40000")
    for key in LAYOUT_KEYS:
        settings.setValue(key, "hello")
    window = _window(qtbot, demo_services, settings)
    assert window.idle_timer.interval() == IDLE_RANGE[1] * 60_000
    assert all(window.splitter.sizes())  # the default layout: both panes shown
    preferences = SettingsDialog(settings, "store", window)
    assert preferences.idle.value() == IDLE_RANGE[1]
    for key in LAYOUT_KEYS:
        settings.setValue(key, 5)  # a number, as an INI edited by hand holds
    assert _window(qtbot, demo_services, settings).isVisible()
