"""The program's dialogs, one module each. Import them from here or from their module.

Each is imported on first use: the login and the main window's first rows need none of
the others (nor what they pull in: pdfium, QtCharts, spreadsheet and PDF writers)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and the frozen build's import scan
    from suitcheck.gui.dialogs.assessment import AssessmentDialog
    from suitcheck.gui.dialogs.assessment_wizard import AssessmentWizard
    from suitcheck.gui.dialogs.audit import AuditDialog
    from suitcheck.gui.dialogs.change_password import ChangePasswordDialog
    from suitcheck.gui.dialogs.client_add import ClientDialog
    from suitcheck.gui.dialogs.client_edit import ClientEditDialog
    from suitcheck.gui.dialogs.client_import import ClientImportWizard
    from suitcheck.gui.dialogs.dashboard import DashboardDialog
    from suitcheck.gui.dialogs.distribution import DistributionDialog
    from suitcheck.gui.dialogs.export import ExportDialog
    from suitcheck.gui.dialogs.first_run import FirstRunDialog
    from suitcheck.gui.dialogs.import_reports import ImportDialog
    from suitcheck.gui.dialogs.inspection import InspectionDialog
    from suitcheck.gui.dialogs.lock import LockDialog
    from suitcheck.gui.dialogs.login import LoginDialog
    from suitcheck.gui.dialogs.override import OverrideDialog
    from suitcheck.gui.dialogs.policy import PolicyDialog
    from suitcheck.gui.dialogs.rating import RatingDialog
    from suitcheck.gui.dialogs.report_review import ReviewDialog, open_review
    from suitcheck.gui.dialogs.report_viewer import ReportViewer, TextView, load_pages
    from suitcheck.gui.dialogs.reread import RereadDialog
    from suitcheck.gui.dialogs.settings import SettingsDialog
    from suitcheck.gui.dialogs.settle import SettleDialog
    from suitcheck.gui.dialogs.staff import StaffDialog
    from suitcheck.gui.dialogs.verification import run_verification, verify_export_file

_MODULE = {
    "AssessmentDialog": "assessment",
    "AssessmentWizard": "assessment_wizard",
    "AuditDialog": "audit",
    "ChangePasswordDialog": "change_password",
    "ClientDialog": "client_add",
    "ClientEditDialog": "client_edit",
    "ClientImportWizard": "client_import",
    "DashboardDialog": "dashboard",
    "DistributionDialog": "distribution",
    "ExportDialog": "export",
    "FirstRunDialog": "first_run",
    "ImportDialog": "import_reports",
    "InspectionDialog": "inspection",
    "LockDialog": "lock",
    "LoginDialog": "login",
    "OverrideDialog": "override",
    "PolicyDialog": "policy",
    "RatingDialog": "rating",
    "ReportViewer": "report_viewer",
    "RereadDialog": "reread",
    "ReviewDialog": "report_review",
    "SettingsDialog": "settings",
    "SettleDialog": "settle",
    "StaffDialog": "staff",
    "TextView": "report_viewer",
    "load_pages": "report_viewer",
    "open_review": "report_review",
    "run_verification": "verification",
    "verify_export_file": "verification",
}


def __getattr__(name: str) -> Any:
    module = _MODULE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AssessmentDialog",
    "AssessmentWizard",
    "AuditDialog",
    "ChangePasswordDialog",
    "ClientDialog",
    "ClientEditDialog",
    "ClientImportWizard",
    "DashboardDialog",
    "DistributionDialog",
    "ExportDialog",
    "FirstRunDialog",
    "ImportDialog",
    "InspectionDialog",
    "LockDialog",
    "LoginDialog",
    "OverrideDialog",
    "PolicyDialog",
    "RatingDialog",
    "ReportViewer",
    "RereadDialog",
    "ReviewDialog",
    "SettingsDialog",
    "SettleDialog",
    "StaffDialog",
    "TextView",
    "load_pages",
    "open_review",
    "run_verification",
    "verify_export_file",
]
