"""The client changes under the clerk (attack round "desk-attack"): compliance, at another
desk or with the CLI on the same store, marks the client on screen for re-assessment while
one of their reports is open. The next recorded check says so; the card, the at-a-glance
column and the report windows follow what it was decided on, not the list read before."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.gui import texts
from suitcheck.gui.dialogs import DistributionDialog, OverrideDialog
from suitcheck.gui.i18n import Translations
from suitcheck.gui.main_window import MainWindow
from suitcheck.gui.models import InvestorTableModel
from suitcheck.services import Services
from suitcheck.services.reports import ReportFilter
from tests.gui.conftest import HELD_S, START_UP_MS, login
from tests.gui.modal import on_next_modal
from tests.gui.test_attack_desk import another_desktop_marks_due, another_desktop_rates, settle
from tests.gui.test_main_window import find_client, pick_report
from tests.gui.test_session import open_viewer, visible_viewers


def verdict_of(window: MainWindow, title_part: str) -> Outcome | None:
    model = window.report_model
    [report] = [r for r in model.objects() if title_part in r.title]
    return model.verdict(report.id)


def test_a_check_that_finds_the_client_marked_due_updates_the_card_column_and_windows(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    window = window_for()
    viewer = open_viewer(qtbot, window, "880003", "银行业")  # C3, R3: allowed, opened
    assert verdict_of(window, "银行业") is Outcome.ALLOW
    another_desktop_marks_due(demo_services)  # compliance: the client's situation changed
    pick_report(qtbot, window, "利率债")  # the clerk moves to an R2 report: a recorded check
    qtbot.waitUntil(lambda: not window.checking and window.decision.result is not None, timeout=10_000)
    result = window.decision.result
    assert result is not None
    assert Reason.REASSESSMENT_DUE in result.decision.reasons
    settle(qtbot, window)
    # The R3 report stays open under an allow the store no longer gives: it closes, the
    # column no longer shows it allowed, and the card and list say what the panel does.
    assert not shiboken6.isValid(viewer) or not viewer.isVisible()
    assert not visible_viewers()
    assert not window.viewers
    qtbot.waitUntil(lambda: verdict_of(window, "银行业") is Outcome.BLOCK, timeout=10_000)
    assert window.client is not None
    assert window.client.reassessment_due
    # The card says so too: it said "valid" beside a BLOCKED that asks for a re-assessment.
    assert texts.reason_text(Reason.REASSESSMENT_DUE) in window.client_details.text()
    assert "· valid ·" not in window.client_details.text()  # the state line says "re-assess"
    assert "re-assess</span> · valid until" in window.client_details.text()
    # ...and so does the list's row, not "valid" (the last assessment's state) in black.
    model = window.client_model
    [row] = [r for r in range(model.rowCount()) if model.row_object(r).account == "880003"]
    state = model.index(row, InvestorTableModel.STATE)
    assert state.data() == "re-assess"
    assert state.data(Qt.ItemDataRole.ForegroundRole) is not None
    # ...and the reminders, which list the clients to re-assess, name them now.
    panel = window.reminders
    assert panel is not None
    qtbot.waitUntil(
        lambda: any(panel.model.row_object(r).investor.account == "880003" for r in range(panel.model.rowCount())),
        timeout=5000,
    )


def set_lowest_category(services: Services) -> None:
    compliance = login(services, "demo-compliance")
    today = services.ctx.today()
    services.investors.assess(compliance, "880003", RiskProfile.C1, today, lowest_category=True, note="asked")


def set_special_attention(services: Services) -> None:
    services.investors.update(login(services, "demo-compliance"), "880003", special_attention=True, reason="noted")


@pytest.mark.parametrize("change", [another_desktop_marks_due, set_lowest_category, set_special_attention])
def test_a_check_says_whether_the_client_or_report_it_used_moved_on_from_the_views_read_before(
    demo_services: Services, change: Callable[[Services], None]
) -> None:
    services = demo_services
    clerk = login(services, "demo-advisor")
    [client] = services.investors.search(clerk, "880003")
    [report] = [r for r in services.reports.search(clerk, ReportFilter(), limit=500) if "银行业" in r.title]
    unchanged = services.access.check(clerk, client.id, report.id)
    assert not unchanged.client_moved_on(client)
    assert not unchanged.report_moved_on(report)
    change(services)
    another_desktop_rates(services)
    moved = services.access.check(clerk, client.id, report.id)
    assert moved.client_moved_on(client)
    assert moved.report_moved_on(report)
    # Read again, the views are what the check used.
    assert not moved.client_moved_on(services.investors.get(clerk, client.id))
    assert not moved.report_moved_on(services.reports.get(clerk, report.id))


def test_the_warning_dialog_names_the_level_the_decision_used_not_the_stated_one(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    demo_services.policy.update(login(demo_services, "demo-compliance"), allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880007")  # C3
    pick_report(qtbot, window, "港股")  # stated R3, matched R4 by its subject (就高): after a warning
    result = window.decision.result
    assert result is not None
    assert result.decision.level is RiskLevel.R4
    assert window.override_button.isVisible()
    seen: dict[str, str] = {}

    def read(dialog: QWidget) -> None:
        assert isinstance(dialog, OverrideDialog)
        seen["request"] = dialog.request.text()
        dialog.reject()

    on_next_modal(read)
    window.override_button.click()
    # "asks for … (R3 medium), above their profile (C3 prudent)": R3 is not above C3, and
    # the override is recorded at R4. The clerk reads the client the level that is used.
    assert texts.level_text(RiskLevel.R4) in seen["request"]
    assert texts.level_text(RiskLevel.R3) not in seen["request"]


def test_the_distribution_dialog_names_the_level_its_list_is_made_at(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    compliance = login(demo_services, "demo-compliance")
    [report] = [r for r in demo_services.reports.search(compliance, ReportFilter(), limit=500) if "港股" in r.title]
    assert (report.level, report.matching_level) == (RiskLevel.R3, RiskLevel.R4)  # 就高 by its subject
    dialog = DistributionDialog(demo_services, compliance, report)
    qtbot.addWidget(dialog)
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    # The list holds the clients who may read R4 (C4 and up): "Risk level: R3" promised C3 too.
    assert texts.level_text(RiskLevel.R4) in shown
    assert texts.level_text(RiskLevel.R3) not in shown


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_warning_dialog_shows_the_whole_warning_on_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, qapp, language: str
) -> None:
    clerk = login(demo_services, "demo-advisor")
    client = demo_services.investors.get(clerk, "880003")
    [report] = [r for r in demo_services.reports.search(clerk, ReportFilter(), limit=500) if "创业板" in r.title]
    translations = Translations(qapp)
    assert translations.apply(language)
    try:
        dialog = OverrideDialog(demo_services, clerk, client, report)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        # The clerk reads it out and the client confirms having read it: none of it below
        # a scroll bar (in Chinese it opened 310 pixels wide, the English half out of sight).
        assert dialog.warning.verticalScrollBar().maximum() == 0
        assert dialog.width() <= 1024
        assert dialog.height() <= 768
    finally:
        translations.apply("en")


def test_a_warning_the_service_no_longer_offers_leaves_no_stale_offer_on_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, message_boxes
) -> None:
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")  # C3
    pick_report(qtbot, window, "创业板")  # R4: after a warning
    assert window.override_button.isVisible()

    def refused(dialog: QWidget) -> None:
        assert isinstance(dialog, OverrideDialog)
        demo_services.policy.update(compliance, allow_escalation=False)  # head office, meanwhile
        dialog.told.setChecked(True)
        dialog.confirmed.setChecked(True)
        dialog.ok.click()
        qtbot.waitUntil(lambda: not dialog._recording and bool(message_boxes), timeout=10_000)
        dialog.reject()  # the service said no: the clerk closes the dialog

    on_next_modal(refused)
    window.override_button.click()
    assert "cannot be given after a warning" in " ".join(message_boxes[0]), message_boxes
    # The panel offered a warning the store no longer allows: it is decided again, not
    # left on screen with its button (pressed again, the same refusal).
    qtbot.waitUntil(lambda: not window.checking and window.decision.result is not None, timeout=10_000)
    result = window.decision.result
    assert result is not None
    assert result.decision.outcome is Outcome.BLOCK
    assert not window.override_button.isVisible()


def preview_read_then_held(qtbot, window: MainWindow, services: Services, monkeypatch, account: str) -> threading.Event:  # type: ignore[no-untyped-def]
    """Choose the client: the column's preview is read from the store at once, and its answer
    held (a slow shared store, 200 rows) until the event returned is set; the check follows."""
    read, release = threading.Event(), threading.Event()
    real = services.access.preview

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(*args, **kwargs)  # read from the store now...
        read.set()
        release.wait(HELD_S)  # ...and delivered late
        return answer

    monkeypatch.setattr(services.access, "preview", slow)
    find_client(qtbot, window, account)  # the column's preview starts, then the check
    assert read.wait(HELD_S)
    monkeypatch.setattr(services.access, "preview", real)
    return release


def test_a_preview_read_before_a_re_rating_does_not_land_beside_the_check_made_after_it(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    window = window_for()
    pick_report(qtbot, window, "银行业", decided=False)  # R3; no client yet
    release = preview_read_then_held(qtbot, window, demo_services, monkeypatch, "880003")  # C3
    another_desktop_rates(demo_services)  # head office re-rates the report R5 meanwhile
    qtbot.waitUntil(lambda: not window.checking and window.decision.result is not None, timeout=10_000)
    result = window.decision.result
    assert result is not None
    assert result.decision.outcome is Outcome.BLOCK  # recorded: R5 for a C3 client
    release.set()
    settle(qtbot, window)
    # The preview read before the re-rating lands last: not "✔ ALLOWED" beside the BLOCKED.
    assert verdict_of(window, "银行业") is Outcome.BLOCK


def test_a_reminder_chosen_at_head_office_selects_its_client_whatever_branch_is_filtered(  # type: ignore[no-untyped-def]
    qtbot, window_for
) -> None:
    window = window_for("demo-compliance")  # head office: every branch, a branch filter
    qtbot.waitUntil(lambda: window.reminders is not None and window.reminders.total is not None, timeout=START_UP_MS)
    panel = window.reminders
    accounts = [panel.model.row_object(r).investor.account for r in range(panel.model.rowCount())]
    assert "880006" in accounts  # an HQ client whose assessment expired
    branches = window.client_pane.branch_filter
    branches.setCurrentIndex(branches.findData("SZ01"))  # the clerk looked at Shenzhen's clients
    qtbot.waitUntil(lambda: all(c.branch == "SZ01" for c in window.client_model.objects()), timeout=5000)
    row = accounts.index("880006")
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # "Double-click or press Enter to select a client"
    # The reminder's client comes up, not an empty list under the Shenzhen filter.
    qtbot.waitUntil(lambda: window.client is not None, timeout=5000)
    assert window.client is not None
    assert window.client.account == "880006"


def test_a_refusal_said_in_the_status_bar_has_room_beside_a_long_store_name_on_a_1024_screen(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    store = "postgresql+psycopg://suitcheck_branch@pg-shared-01.branch-network.example-securities.com.cn:5432/suitcheck"
    monkeypatch.setattr(type(demo_services.store), "display_name", property(lambda _self: store))
    window = window_for()
    window.resize(1024, 768)
    qtbot.wait(50)
    message = "This report may not be opened for this client."  # what Open says when it may not
    window.statusBar().showMessage(message)
    qtbot.wait(50)
    permanent = [w for w in (window.user_label, window.branch_label, window.reminders.count_button) if w is not None]
    room = min(w.geometry().left() for w in permanent)
    # The user and store label took the whole bar, and the refusal was drawn in no room.
    assert room >= window.statusBar().fontMetrics().horizontalAdvance(message)
    assert window.user_label.toolTip().endswith(store)  # the whole of it, a hover away


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_who_is_logged_in_stays_whole_in_the_status_bar_and_the_long_store_address_is_cut(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch, qapp, language: str
) -> None:
    """On a 1024 screen the user's name and role and the store's address shared one
    middle-cut: in Chinese the role lost its end ("演示顾问 Demo Advisor（投资…emo.db"), so the
    bar no longer said who was logged in. The address is what gets cut now."""
    store = "postgresql+psycopg://suitcheck_branch@pg-shared-01.branch-network.example-securities.com.cn:5432/suitcheck"
    monkeypatch.setattr(type(demo_services.store), "display_name", property(lambda _self: store))
    translations = Translations(qapp)
    assert translations.apply(language)
    try:
        window = window_for()
        window.resize(1024, 768)
        qtbot.wait(50)
        role = texts.role_text(window.actor.role.value)
        shown = window.user_label.text()
        assert "…" in shown  # the whole would not fit
        who = window.tr("{user} ({role}) · {store}").format(user=window.actor.display_name, role=role, store="")
        assert shown.startswith(who), shown
        assert window.user_label.toolTip().endswith(store)
    finally:
        translations.apply("en")


def test_a_check_under_a_policy_changed_elsewhere_brings_the_column_up_to_it(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services
) -> None:
    """Compliance turns client-requested escalation off at head office while the clerk has a
    C3 client's reports listed: the column said ONLY AFTER WARNING for the ChiNext (R4)
    report. The next recorded check is made under the new policy version; the column then
    says what the service now gives for every row, not what the previews said before."""
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    find_client(qtbot, window, "880003")
    qtbot.waitUntil(lambda: verdict_of(window, "创业板") is Outcome.ALLOW_AFTER_WARNING, timeout=10_000)
    demo_services.policy.update(compliance, allow_escalation=False)
    pick_report(qtbot, window, "利率债")  # an R2 report: a recorded check, under the new version
    settle(qtbot, window)
    result = window.decision.result
    assert result is not None
    assert result.decision.policy_version == demo_services.policy.current().version
    assert window.client is not None
    [chinext] = [r for r in window.report_model.objects() if "创业板" in r.title]
    now = demo_services.access.preview(login(demo_services, "demo-advisor"), window.client.id, [chinext.id])
    assert now == {chinext.id: Outcome.BLOCK}
    qtbot.waitUntil(lambda: verdict_of(window, "创业板") is Outcome.BLOCK, timeout=5000)


def test_a_policy_saved_at_this_desk_brings_the_column_up_to_it(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, confirmations
) -> None:
    """Compliance, checking a C3 client at their own desk, turns escalation off in the
    policy dialog: the column's ONLY AFTER WARNING for the ChiNext (R4) report does not stay
    beside the new version, under which the services give BLOCKED."""
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for("demo-compliance")
    find_client(qtbot, window, "880003")
    pick_report(qtbot, window, "利率债")
    qtbot.waitUntil(lambda: verdict_of(window, "创业板") is Outcome.ALLOW_AFTER_WARNING, timeout=10_000)

    def turn_escalation_off(dialog: QWidget) -> None:
        dialog.escalation.setChecked(False)  # type: ignore[attr-defined]
        confirmations.answer = True
        dialog.accept()  # type: ignore[attr-defined]

    on_next_modal(turn_escalation_off)
    window.edit_policy()
    assert demo_services.policy.current().allow_escalation is False
    qtbot.waitUntil(lambda: verdict_of(window, "创业板") is Outcome.BLOCK, timeout=5000)
    settle(qtbot, window)
    result = window.decision.result
    assert result is not None  # the pair on screen decided again, under the new version
    assert result.decision.policy_version == demo_services.policy.current().version


def test_a_preview_read_before_a_policy_change_is_read_again_once_a_check_made_after_it_lands(  # type: ignore[no-untyped-def]
    qtbot, window_for, demo_services: Services, monkeypatch
) -> None:
    """Compliance turns client-requested escalation off at head office while the column's
    preview for the client just chosen is still on its way (read before the change). The
    check made after the change lands first, while the column has no previews to compare it
    with; the late preview then filled the column under the old policy version: ONLY AFTER
    WARNING beside the ChiNext (R4) report, which check and preview now block, until some
    later check. A preview that the decision on screen outdates is read again."""
    compliance = login(demo_services, "demo-compliance")
    demo_services.policy.update(compliance, allow_escalation=True)
    window = window_for()
    pick_report(qtbot, window, "利率债", decided=False)  # R2; no client yet
    release = preview_read_then_held(qtbot, window, demo_services, monkeypatch, "880003")  # C3
    demo_services.policy.update(compliance, allow_escalation=False)  # head office, meanwhile
    qtbot.waitUntil(lambda: not window.checking and window.decision.result is not None, timeout=10_000)
    result = window.decision.result
    assert result is not None
    assert result.decision.policy_version == demo_services.policy.current().version
    release.set()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: verdict_of(window, "创业板") is Outcome.BLOCK, timeout=10_000)
