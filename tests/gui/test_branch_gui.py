"""The window says whose clients it shows: the branch in the status bar and on the client
card; a branch advisor's list holds their branch's clients only."""

from __future__ import annotations

from suitcheck.gui.main_window import MainWindow


def _accounts(window: MainWindow) -> set[str]:
    model = window.client_model
    return {model.row_object(i).account for i in range(model.rowCount())}


def test_a_branch_advisor_sees_their_branch(window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for("demo-advisor-sh")
    assert "SH01" in window.branch_label.text()
    assert "上海浦东营业部" in window.branch_label.text()
    assert _accounts(window) == {"881001", "881002"}
    window.clients_view.setCurrentIndex(window.clients_view.model().index(0, 0))
    assert "SH01" in window.client_pane.details.text()


def test_head_office_sees_every_branch(window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for("demo-compliance")
    assert window.branch_label.text().startswith("All branches")
    assert {"880001", "881001", "882001"} <= _accounts(window)


def test_head_office_filters_by_branch(window_for, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = window_for("demo-compliance")
    combo = window.client_pane.branch_filter
    assert combo.isVisible()
    assert combo.itemText(0) == "All branches"
    combo.setCurrentIndex(combo.findData("SZ01"))
    qtbot.waitUntil(lambda: _accounts(window) == {"882001", "882002"})
    combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(_accounts(window)) == 16)


def test_a_branch_advisor_has_no_branch_filter(window_for) -> None:  # type: ignore[no-untyped-def]
    window = window_for("demo-advisor-sz")
    assert not window.client_pane.branch_filter.isVisible()
    assert _accounts(window) == {"882001", "882002"}
