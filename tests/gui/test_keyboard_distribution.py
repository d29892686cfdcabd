"""A clerk or compliance officer at the keyboard alone could not reach a report's
distribution list: it was only in the report list's right-click menu, which a keyboard
without a Menu key (most laptops; Shift+F10 opens nothing on Linux) never opens. It is
now in the File menu beside Open report, for the report on screen."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from suitcheck.gui.dialogs import DistributionDialog
from tests.gui.modal import on_next_modal
from tests.gui.test_main_window import find_client, pick_report


def test_the_distribution_list_is_in_the_file_menu(qtbot, window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for()  # an advisor: sends lists, has no Compliance menu
    action = window.compliance_actions.distribution_action
    assert action in window.file_menu.actions()
    assert action.isVisible()
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "稳增长")
    shown: list[str] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, DistributionDialog)
        shown.append(dialog.report.title)
        dialog.reject()

    on_next_modal(look)
    action.trigger()
    assert window.report is not None
    assert shown == [window.report.title]
