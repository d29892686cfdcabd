"""Staff roles and the one table of what each role may do."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADVISOR = "advisor"
    COMPLIANCE = "compliance"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    VIEW_CLIENTS = "view-clients"
    VIEW_REPORTS = "view-reports"
    CHECK_ACCESS = "check-access"
    OPEN_REPORT = "open-report"
    RECORD_OVERRIDE = "record-override"
    DISTRIBUTION_LIST = "distribution-list"
    EDIT_CLIENTS = "edit-clients"
    IMPORT_REPORTS = "import-reports"
    RATE_REPORTS = "rate-reports"
    CHANGE_POLICY = "change-policy"
    EXPORT_AUDIT = "export-audit"
    VERIFY_AUDIT = "verify-audit"
    VIEW_AUDIT = "view-audit"
    SEE_FULL_ID = "see-full-id"
    MANAGE_STAFF = "manage-staff"
    MARK_REASSESSMENT = "mark-reassessment-due"
    MOVE_CLIENTS = "move-clients"
    MANAGE_BRANCHES = "manage-branches"
    TRUST_INSTALLATION = "trust-installation"
    CORRECT_CLOCK = "correct-clock"
    SETTLE_RECORDS = "settle-records"


_ADVISOR = frozenset(
    {
        Permission.VIEW_CLIENTS,
        Permission.VIEW_REPORTS,
        Permission.CHECK_ACCESS,
        Permission.OPEN_REPORT,
        Permission.RECORD_OVERRIDE,
        Permission.DISTRIBUTION_LIST,
        # Advisors are the first to hear that a client's situation changed.
        Permission.MARK_REASSESSMENT,
    }
)

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADVISOR: _ADVISOR,
    Role.COMPLIANCE: _ADVISOR
    | {
        Permission.EDIT_CLIENTS,
        Permission.IMPORT_REPORTS,
        Permission.RATE_REPORTS,
        Permission.CHANGE_POLICY,
        Permission.EXPORT_AUDIT,
        Permission.VERIFY_AUDIT,
        Permission.VIEW_AUDIT,
        Permission.SEE_FULL_ID,
        # Moving a client to another branch changes who serves them: a compliance action.
        Permission.MOVE_CLIENTS,
        # Sealing again a record changed outside suitcheck, once investigated: compliance owns
        # the trail and the client and report records (administrators run staff and the store).
        Permission.SETTLE_RECORDS,
    },
    # Admins run the installation: staff and the store, not client data beyond an advisor's view.
    # Trusting another desk's row key at this desk is part of running the installation.
    Role.ADMIN: _ADVISOR
    | {
        Permission.MANAGE_STAFF,
        Permission.MANAGE_BRANCHES,
        Permission.VERIFY_AUDIT,
        Permission.TRUST_INSTALLATION,
        # Recording that the desk's clock ran ahead, so that the trail takes it again.
        Permission.CORRECT_CLOCK,
    },
}


def may(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]
