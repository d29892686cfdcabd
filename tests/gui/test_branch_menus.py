"""A branch's compliance officer saw "Reports needing a rating…", "Re-read reports…", the
compliance dashboard and the self-inspection report in the Compliance menu, and was
refused (recorded) when using them: a report's level, the dashboard's figures and the
inspection cover every branch, head office's alone (services.reports.require_head_office,
the dashboard and inspection services). The desk now offers what the services say the
officer may use; head office's officer keeps every entry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from suitcheck.domain.roles import Role
from suitcheck.gui.main_window import MainWindow
from suitcheck.services import Services
from tests.gui.conftest import login, wait_for_rows

HEAD_OFFICE_ONLY = ("ratingAction", "rereadAction", "dashboardAction", "inspectionAction")


def _shown(window: MainWindow) -> set[str]:
    return {a.objectName() for a in window.compliance_menu.actions() if a.isVisible()}


def test_a_branch_officer_is_not_offered_what_only_head_office_may_do(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services, settings: QSettings, window_for
) -> None:
    admin = login(demo_services, "demo-admin")
    demo_services.auth.create_staff(admin, "sh-compliance", "Pudong-officer-7!", Role.COMPLIANCE, branch="SH01")
    officer = demo_services.auth.login("sh-compliance", "Pudong-officer-7!")
    window = MainWindow(demo_services, officer, settings, demo=True)
    qtbot.addWidget(window)
    window.show()
    wait_for_rows(qtbot, window)
    shown = _shown(window)
    assert not shown & set(HEAD_OFFICE_ONLY)
    assert {"importAction", "clientsAction", "auditAction"} <= shown  # what a branch's officer does do
    window.runner.wait()

    head_office = window_for("demo-compliance")
    assert set(HEAD_OFFICE_ONLY) <= _shown(head_office)


def test_the_services_say_who_may_rate_and_see_the_firm_figures(demo_services: Services) -> None:
    admin = login(demo_services, "demo-admin")
    demo_services.auth.create_staff(admin, "sh-compliance", "Pudong-officer-7!", Role.COMPLIANCE, branch="SH01")
    branch = demo_services.auth.login("sh-compliance", "Pudong-officer-7!")
    head_office, advisor = login(demo_services, "demo-compliance"), login(demo_services, "demo-advisor")
    for refused in (demo_services.reports.rating_refused, demo_services.dashboard.refused):
        assert refused(head_office) is None
        assert "only firm-wide (head-office) compliance" in (refused(branch) or "")
        assert (refused(advisor) or "").startswith("Your role (advisor) may not do this")
    assert demo_services.inspection.refused(head_office) is None
    assert "only firm-wide (head-office) compliance" in (demo_services.inspection.refused(branch) or "")


def test_a_branch_officer_reads_a_report_review_and_cannot_start_a_correction(  # type: ignore[no-untyped-def]
    qtbot, demo_services: Services
) -> None:
    """The import's Review… (a branch's officer imports reports) opened the review with its
    title, date, publisher and level editable and Save offered: filled in, it was refused at
    the end. Shown read-only with the sentence the services would refuse with, as the
    policy is; head office's review is as before."""
    from PySide6.QtWidgets import QDialogButtonBox

    from suitcheck.gui.dialogs.report_review import ReviewDialog

    admin = login(demo_services, "demo-admin")
    demo_services.auth.create_staff(admin, "sh-compliance", "Pudong-officer-7!", Role.COMPLIANCE, branch="SH01")
    officer = demo_services.auth.login("sh-compliance", "Pudong-officer-7!")
    head_office = login(demo_services, "demo-compliance")
    report = demo_services.reports.search(head_office)[0]
    branch = ReviewDialog(demo_services, officer, demo_services.reports.review(officer, report.id))
    firm = ReviewDialog(demo_services, head_office, demo_services.reports.review(head_office, report.id))
    for dialog in (branch, firm):
        qtbot.addWidget(dialog)
    save = QDialogButtonBox.StandardButton.Save
    for editor in (branch.title, branch.date, branch.publisher, branch.reason):
        assert editor.isReadOnly()
    assert not branch.level.isEnabled()
    assert branch.buttons.button(save).isHidden()
    assert "only firm-wide (head-office) compliance may rate" in branch.message.text()
    assert not firm.title.isReadOnly()
    assert firm.level.isEnabled()
    assert not firm.buttons.button(save).isHidden()
    assert firm.message.text() == ""
    seq = demo_services.audit.browse(head_office, limit=1)[0].seq
    branch.show()
    branch.title.setFocus()
    qtbot.keyClick(branch.title, Qt.Key.Key_Return)  # Enter in the read-only review: nothing asked
    assert demo_services.audit.browse(head_office, limit=1)[0].seq == seq
