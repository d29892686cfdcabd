"""Codes the program records and writes, defined once: audit actions, report import
statuses, export formats. Their values are stored in the audit trail (whose hashes cover
them) and in exported files, so a value never changes; add a member instead."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    """What an audit entry records. The GUI has words for every member (gui/texts.py)."""

    # The check workflow
    CHECK = "check"
    OPEN = "open"
    OPEN_REFUSED = "open-refused"
    OVERRIDE = "override"
    DISTRIBUTION_LIST = "distribution-list"
    # Sign-in and staff
    LOGIN = "login"
    LOGIN_FAILED = "login-failed"
    LOCKOUT = "lockout"
    PASSWORD_CHANGED = "password-changed"
    PASSWORD_RESET = "password-reset"
    STAFF_CREATED = "staff-created"
    STAFF_DISABLED = "staff-disabled"
    STAFF_ENABLED = "staff-enabled"
    STAFF_UNLOCKED = "staff-unlocked"
    ADMIN_RECOVERED = "admin-recovered"
    REFUSED = "refused"
    DEMO_STORE = "demo-store"
    # Clients
    CLIENT_ADDED = "client-added"
    CLIENT_EDITED = "client-edited"
    CLIENT_IMPORT = "client-import"
    CLIENT_EXPORT = "client-export"
    CLIENT_SEARCH_BY_ID = "client-search-by-id"
    ASSESSMENT = "assessment"
    ASSESSMENT_SHEET = "assessment-sheet"
    REASSESSMENT_DUE = "reassessment-due"
    QUESTIONNAIRE_IMPORT = "questionnaire-import"
    REMINDER_LIST = "reminder-list"
    # Branches
    BRANCH_ADDED = "branch-added"
    CLIENT_MOVED = "client-moved"
    CLIENT_OUT_OF_BRANCH = "client-out-of-branch"
    # A branch-scoped staff member's reference that named no client at all: recorded as the
    # attempt on another branch's client is, so that the trail (whose entry numbers a check
    # hands back) grows alike for both and tells them apart no more than the answer does.
    CLIENT_NOT_FOUND = "client-not-found"
    # Reports
    REPORT_IMPORTED = "report-imported"
    REPORT_CORRECTED = "report-corrected"
    REPORT_REREAD = "report-reread"  # its subject re-read with a new subject table
    RATING_CHANGE = "rating-change"
    FINDING_RESOLVED = "finding-resolved"
    # Policy, the trail and the store
    POLICY_CHANGE = "policy-change"
    EXPORT = "export"
    AUDIT_VERIFIED = "audit-verified"
    AUDIT_REPLAYED = "audit-replayed"
    STORE_CHECKED = "store-checked"
    INSPECTION_REPORT = "inspection-report"
    RECORD_SEALED = "record-sealed"
    # Compliance sealed again a row changed outside suitcheck (or left by an upgrade) after investigating it.
    RECORD_SETTLED = "record-settled"
    SEAL = "seal"
    INSTALLATION_REGISTERED = "installation-registered"
    INSTALLATION_TRUSTED = "installation-trusted"  # recorded only: the trust itself is in the keyring
    CLOCK_WRONG = "clock-wrong"  # a desk clock refused (behind the trail, or away from the server's)
    CLOCK_CORRECTED = "clock-corrected"  # an administrator accepted a clock behind entries made while it ran ahead


class ImportStatus(enum.StrEnum):
    """What importing one report file came to."""

    IMPORTED = "imported"
    NEEDS_RATING = "needs-rating"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"  # links leaving a folder, special files


class ExportFormat(enum.StrEnum):
    """File formats of audit exports (all three) and of client lists (CSV and XLSX)."""

    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"


LIST_FORMATS = (ExportFormat.CSV, ExportFormat.XLSX)
