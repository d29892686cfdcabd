"""The program's dialogs, one module each. Import them from here or from their module."""

from __future__ import annotations

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
from suitcheck.gui.dialogs.settings import SettingsDialog
from suitcheck.gui.dialogs.staff import StaffDialog
from suitcheck.gui.dialogs.verification import run_verification, verify_export_file

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
    "ReviewDialog",
    "SettingsDialog",
    "StaffDialog",
    "TextView",
    "load_pages",
    "open_review",
    "run_verification",
    "verify_export_file",
]
