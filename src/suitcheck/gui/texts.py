"""Plain-language words for the domain's codes. Domain code returns codes; only here do
they become text, through Qt Linguist."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import AssessmentState, Outcome, Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Permission
from suitcheck.gui.i18n import QT_TRANSLATE_NOOP, translated
from suitcheck.services.auth import LOCAL_RECOVERY, UNKNOWN_USER
from suitcheck.services.context import SYSTEM

REASONS = {
    Reason.PROFILE_COVERS_LEVEL: QT_TRANSLATE_NOOP(
        "Reasons", "The client's risk profile covers this report's risk level."
    ),
    Reason.PROFILE_BELOW_LEVEL: QT_TRANSLATE_NOOP(
        "Reasons", "The report's risk level is above what the client's risk profile allows."
    ),
    Reason.PROFESSIONAL_INVESTOR: QT_TRANSLATE_NOOP(
        "Reasons", "Professional investor: not bound by the suitability table."
    ),
    Reason.REPORT_UNRATED: QT_TRANSLATE_NOOP(
        "Reasons", "The report has no risk level yet; compliance must rate it before anyone may read it."
    ),
    Reason.ASSESSMENT_MISSING: QT_TRANSLATE_NOOP(
        "Reasons", "The client has never been assessed; a risk assessment is needed first."
    ),
    Reason.ASSESSMENT_EXPIRED: QT_TRANSLATE_NOOP(
        "Reasons", "The client's risk assessment has expired; re-assess the client first."
    ),
    Reason.ASSESSMENT_FUTURE_DATED: QT_TRANSLATE_NOOP(
        "Reasons", "The assessment date lies in the future; correct the client's record."
    ),
    Reason.ASSESSMENT_EXPIRING_SOON: QT_TRANSLATE_NOOP(
        "Reasons", "The client's assessment expires soon; arrange a re-assessment."
    ),
    Reason.LOWEST_CATEGORY: QT_TRANSLATE_NOOP(
        "Reasons",
        "The client is in the lowest risk-tolerance category: only low-risk (R1) reports, under any procedure.",
    ),
    Reason.REASSESSMENT_DUE: QT_TRANSLATE_NOOP(
        "Reasons",
        "The client's situation has changed: re-assess the client first (until then treated as expired).",
    ),
    Reason.WARNING_REQUIRED: QT_TRANSLATE_NOOP(
        "Reasons", "Only if the client insists after the special risk warning, and confirms it."
    ),
    Reason.SPECIAL_ATTENTION_AGE: QT_TRANSLATE_NOOP("Reasons", "Caution: an older client needs special attention."),
    Reason.LEVEL_RAISED_TO_SUBJECT: QT_TRANSLATE_NOOP(
        "Reasons",
        "The report states a lower level than its subject implies; it is matched at the higher level "
        "until compliance confirms one.",
    ),
    Reason.SPECIAL_ATTENTION_FLAG: QT_TRANSLATE_NOOP(
        "Reasons", "Caution: this client is marked for special attention."
    ),
    Reason.RECORD_INTEGRITY: QT_TRANSLATE_NOOP(
        "Reasons",
        "The client's or the report's record does not carry a seal this desk accepts: it was changed outside "
        "suitcheck, or written at a desk this one does not trust yet (`suitcheck audit key trust`); compliance "
        "must investigate before any use.",
    ),
}

OUTCOMES = {
    Outcome.ALLOW: QT_TRANSLATE_NOOP("Outcomes", "ALLOWED"),
    Outcome.BLOCK: QT_TRANSLATE_NOOP("Outcomes", "BLOCKED"),
    Outcome.ALLOW_AFTER_WARNING: QT_TRANSLATE_NOOP("Outcomes", "ONLY AFTER WARNING"),
}

STATES = {
    AssessmentState.VALID: QT_TRANSLATE_NOOP("States", "valid"),
    AssessmentState.EXPIRING_SOON: QT_TRANSLATE_NOOP("States", "expiring soon"),
    AssessmentState.EXPIRED: QT_TRANSLATE_NOOP("States", "EXPIRED"),
    AssessmentState.NEVER_ASSESSED: QT_TRANSLATE_NOOP("States", "never assessed"),
    AssessmentState.FUTURE_DATED: QT_TRANSLATE_NOOP("States", "future date (invalid)"),
    AssessmentState.NOT_REQUIRED: QT_TRANSLATE_NOOP("States", "no assessment needed (professional)"),
}

ROLES = {
    "advisor": QT_TRANSLATE_NOOP("Roles", "advisor"),
    "compliance": QT_TRANSLATE_NOOP("Roles", "compliance"),
    "admin": QT_TRANSLATE_NOOP("Roles", "administrator"),
}

# A staff account's state in the staff table; more than one may apply (locked and must
# change password, say).
ACCOUNT_STATES = {
    "active": QT_TRANSLATE_NOOP("AccountStates", "active"),
    "disabled": QT_TRANSLATE_NOOP("AccountStates", "disabled"),
    "locked": QT_TRANSLATE_NOOP("AccountStates", "locked"),
    "must-change-password": QT_TRANSLATE_NOOP("AccountStates", "must change password"),
}

# What a role may do (domain/roles.py), as a refusal names it.
PERMISSIONS = {
    Permission.VIEW_CLIENTS.value: QT_TRANSLATE_NOOP("Permissions", "view clients"),
    Permission.VIEW_REPORTS.value: QT_TRANSLATE_NOOP("Permissions", "view reports"),
    Permission.CHECK_ACCESS.value: QT_TRANSLATE_NOOP("Permissions", "check access"),
    Permission.OPEN_REPORT.value: QT_TRANSLATE_NOOP("Permissions", "open reports"),
    Permission.RECORD_OVERRIDE.value: QT_TRANSLATE_NOOP("Permissions", "record a warning override"),
    Permission.DISTRIBUTION_LIST.value: QT_TRANSLATE_NOOP("Permissions", "make distribution lists"),
    Permission.EDIT_CLIENTS.value: QT_TRANSLATE_NOOP("Permissions", "edit clients"),
    Permission.IMPORT_REPORTS.value: QT_TRANSLATE_NOOP("Permissions", "import reports"),
    Permission.RATE_REPORTS.value: QT_TRANSLATE_NOOP("Permissions", "rate reports"),
    Permission.CHANGE_POLICY.value: QT_TRANSLATE_NOOP("Permissions", "change the policy"),
    Permission.EXPORT_AUDIT.value: QT_TRANSLATE_NOOP("Permissions", "export the audit trail"),
    Permission.VERIFY_AUDIT.value: QT_TRANSLATE_NOOP("Permissions", "verify the audit trail"),
    Permission.VIEW_AUDIT.value: QT_TRANSLATE_NOOP("Permissions", "view the audit log"),
    Permission.SEE_FULL_ID.value: QT_TRANSLATE_NOOP("Permissions", "see full ID numbers"),
    Permission.MANAGE_STAFF.value: QT_TRANSLATE_NOOP("Permissions", "manage staff accounts"),
    Permission.MARK_REASSESSMENT.value: QT_TRANSLATE_NOOP("Permissions", "mark a re-assessment due"),
    Permission.MOVE_CLIENTS.value: QT_TRANSLATE_NOOP("Permissions", "move clients to another branch"),
    Permission.MANAGE_BRANCHES.value: QT_TRANSLATE_NOOP("Permissions", "manage branches"),
    Permission.TRUST_INSTALLATION.value: QT_TRANSLATE_NOOP("Permissions", "trust another installation's key"),
    Permission.CORRECT_CLOCK.value: QT_TRANSLATE_NOOP("Permissions", "record a correction of this computer's clock"),
    Permission.SETTLE_RECORDS.value: QT_TRANSLATE_NOOP("Permissions", "settle a record changed outside suitcheck"),
}

# What the audit trail records as the staff of an entry no staff member made
# (services.auth.RESERVED_USERNAMES, which no account may take). A label, not a user's
# name: shown in the desk's language, in brackets no user name can hold (full-width ones
# in Chinese, which user names refuse; a space in English), and in grey (models.AuditTableModel).
STAFF_LABELS = {
    SYSTEM.username: QT_TRANSLATE_NOOP("StaffLabels", "(the system)"),
    UNKNOWN_USER: QT_TRANSLATE_NOOP("StaffLabels", "(unknown user)"),
    LOCAL_RECOVERY: QT_TRANSLATE_NOOP("StaffLabels", "(local recovery)"),
}

CLASSES = {
    "ordinary": QT_TRANSLATE_NOOP("Classes", "ordinary"),
    "professional": QT_TRANSLATE_NOOP("Classes", "professional"),
    "professional-as-ordinary": QT_TRANSLATE_NOOP("Classes", "professional, treated as ordinary"),
}


def staff_text(name: str) -> str:
    """The staff of an audit entry as shown: a staff member's user name as it is, a label
    for what no staff member did (STAFF_LABELS) in the desk's language."""
    return translated("StaffLabels", STAFF_LABELS[name]) if name in STAFF_LABELS else name


def is_staff_label(name: str) -> bool:
    return name in STAFF_LABELS


def reason_text(reason: Reason) -> str:
    return translated("Reasons", REASONS[reason])


def outcome_text(outcome: Outcome) -> str:
    return translated("Outcomes", OUTCOMES[outcome])


def state_text(state: AssessmentState) -> str:
    return translated("States", STATES[state])


REASSESS = QT_TRANSLATE_NOOP("Columns", "re-assess")  # a client marked for re-assessment (situation changed)


def assessment_text(state: AssessmentState, reassessment_due: bool) -> str:
    """The assessment state as the desk shows it (the client list, the decision's rule
    line): a client staff marked for re-assessment is not "valid", whatever the date says."""
    if reassessment_due and state.usable:
        return translated("Columns", REASSESS)
    return state_text(state)


def role_text(value: str) -> str:
    return translated("Roles", ROLES.get(value, value))


def account_state_text(code: str) -> str:
    return translated("AccountStates", ACCOUNT_STATES.get(code, code))


def permission_text(value: str) -> str:
    return translated("Permissions", PERMISSIONS.get(value, value))


def class_text(value: str) -> str:
    return translated("Classes", CLASSES.get(value, value))


def chinese_ui() -> bool:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Outcomes", "ALLOWED") != "ALLOWED"


def level_text(level: RiskLevel | None) -> str:
    if level is None:
        return QCoreApplication.translate("Levels", "unrated")
    return f"{level.code} {level.label_zh if chinese_ui() else level.label_en}"


def record_changed_text() -> str:
    """What a list shows instead of a level for a report whose row fails its seal: the
    level the row now holds is not one suitcheck wrote (it may have been lowered)."""
    return QCoreApplication.translate("Levels", "record changed")


def profile_text(profile: RiskProfile | None) -> str:
    if profile is None:
        return "—"
    return f"{profile.code} {profile.label_zh if chinese_ui() else profile.label_en}"


def rule_text(profile: RiskProfile | None, level: RiskLevel | None) -> str:
    """The row of the 5x5 table that applies, in words."""
    if profile is None or level is None:
        return ""
    return QCoreApplication.translate("Rules", "Rule: a {profile} client may use reports up to {max}.").format(
        profile=profile_text(profile), max=level_text(profile.max_level)
    )


# Audit actions (every AuditAction) and report findings, for the audit view and tooltips;
# tests/gui/test_messages.py fails on an action or finding code missing here.
ACTIONS: dict[AuditAction, str] = {
    AuditAction.CHECK: QT_TRANSLATE_NOOP("Actions", "check"),
    AuditAction.CLIENT_SEARCH_BY_ID: QT_TRANSLATE_NOOP("Actions", "client searched by ID number"),
    AuditAction.STAFF_UNLOCKED: QT_TRANSLATE_NOOP("Actions", "staff account unlocked"),
    AuditAction.PASSWORD_RESET: QT_TRANSLATE_NOOP("Actions", "password reset"),
    AuditAction.ADMIN_RECOVERED: QT_TRANSLATE_NOOP("Actions", "administrator recovered locally"),
    AuditAction.DEMO_STORE: QT_TRANSLATE_NOOP("Actions", "demo store created"),
    AuditAction.OPEN: QT_TRANSLATE_NOOP("Actions", "report opened"),
    AuditAction.OPEN_REFUSED: QT_TRANSLATE_NOOP("Actions", "opening refused"),
    AuditAction.OVERRIDE: QT_TRANSLATE_NOOP("Actions", "warning override"),
    AuditAction.LOGIN: QT_TRANSLATE_NOOP("Actions", "login"),
    AuditAction.LOGIN_FAILED: QT_TRANSLATE_NOOP("Actions", "failed login"),
    AuditAction.LOCKOUT: QT_TRANSLATE_NOOP("Actions", "account locked"),
    AuditAction.PASSWORD_CHANGED: QT_TRANSLATE_NOOP("Actions", "password changed"),
    AuditAction.STAFF_CREATED: QT_TRANSLATE_NOOP("Actions", "staff account added"),
    AuditAction.STAFF_DISABLED: QT_TRANSLATE_NOOP("Actions", "staff account disabled"),
    AuditAction.STAFF_ENABLED: QT_TRANSLATE_NOOP("Actions", "staff account enabled"),
    AuditAction.CLIENT_ADDED: QT_TRANSLATE_NOOP("Actions", "client added"),
    AuditAction.CLIENT_EDITED: QT_TRANSLATE_NOOP("Actions", "client edited"),
    AuditAction.CLIENT_IMPORT: QT_TRANSLATE_NOOP("Actions", "clients imported"),
    AuditAction.CLIENT_EXPORT: QT_TRANSLATE_NOOP("Actions", "clients exported"),
    AuditAction.ASSESSMENT: QT_TRANSLATE_NOOP("Actions", "assessment recorded"),
    AuditAction.REASSESSMENT_DUE: QT_TRANSLATE_NOOP("Actions", "re-assessment due"),
    AuditAction.QUESTIONNAIRE_IMPORT: QT_TRANSLATE_NOOP("Actions", "questionnaire imported"),
    AuditAction.REPORT_IMPORTED: QT_TRANSLATE_NOOP("Actions", "report imported"),
    AuditAction.REPORT_CORRECTED: QT_TRANSLATE_NOOP("Actions", "report corrected"),
    AuditAction.REPORT_REREAD: QT_TRANSLATE_NOOP("Actions", "report subject re-read"),
    AuditAction.RATING_CHANGE: QT_TRANSLATE_NOOP("Actions", "risk level set"),
    AuditAction.FINDING_RESOLVED: QT_TRANSLATE_NOOP("Actions", "finding resolved"),
    AuditAction.POLICY_CHANGE: QT_TRANSLATE_NOOP("Actions", "policy changed"),
    AuditAction.EXPORT: QT_TRANSLATE_NOOP("Actions", "audit export"),
    AuditAction.AUDIT_VERIFIED: QT_TRANSLATE_NOOP("Actions", "audit trail verified"),
    AuditAction.AUDIT_REPLAYED: QT_TRANSLATE_NOOP("Actions", "recorded decisions replayed"),
    AuditAction.REFUSED: QT_TRANSLATE_NOOP("Actions", "refused (no permission)"),
    AuditAction.DISTRIBUTION_LIST: QT_TRANSLATE_NOOP("Actions", "distribution list"),
    AuditAction.STORE_CHECKED: QT_TRANSLATE_NOOP("Actions", "store checked"),
    AuditAction.INSPECTION_REPORT: QT_TRANSLATE_NOOP("Actions", "self-inspection report"),
    AuditAction.REMINDER_LIST: QT_TRANSLATE_NOOP("Actions", "reminder list"),
    AuditAction.RECORD_SEALED: QT_TRANSLATE_NOOP("Actions", "records sealed"),
    AuditAction.RECORD_SETTLED: QT_TRANSLATE_NOOP("Actions", "changed record settled"),
    AuditAction.SEAL: QT_TRANSLATE_NOOP("Actions", "audit trail sealed"),
    AuditAction.INSTALLATION_REGISTERED: QT_TRANSLATE_NOOP("Actions", "installation registered"),
    AuditAction.INSTALLATION_TRUSTED: QT_TRANSLATE_NOOP("Actions", "installation trusted at this desk"),
    AuditAction.CLOCK_WRONG: QT_TRANSLATE_NOOP("Actions", "refused: the computer's clock is wrong"),
    AuditAction.CLOCK_CORRECTED: QT_TRANSLATE_NOOP("Actions", "clock correction recorded"),
    AuditAction.ASSESSMENT_SHEET: QT_TRANSLATE_NOOP("Actions", "assessment confirmation sheet"),
    AuditAction.BRANCH_ADDED: QT_TRANSLATE_NOOP("Actions", "branch added"),
    AuditAction.CLIENT_MOVED: QT_TRANSLATE_NOOP("Actions", "client moved to another branch"),
    AuditAction.CLIENT_OUT_OF_BRANCH: QT_TRANSLATE_NOOP("Actions", "client of another branch asked for (refused)"),
    AuditAction.CLIENT_NOT_FOUND: QT_TRANSLATE_NOOP("Actions", "client asked for by a branch not found"),
}

FINDINGS = {
    "rated-below-subject": QT_TRANSLATE_NOOP(
        "Findings", "Compliance rated the report below what its subject implies; it stays flagged."
    ),
    "level-below-subject": QT_TRANSLATE_NOOP(
        "Findings", "The stated level is below what the report's subject implies; the stricter level applies."
    ),
    "level-statements-differ": QT_TRANSLATE_NOOP(
        "Findings", "The report states its level twice, differently; it stays unrated until compliance decides."
    ),
    "level-statement-unclear": QT_TRANSLATE_NOOP(
        "Findings",
        "The report says something about its own level that cannot be read as one level; "
        "it stays unrated until compliance decides.",
    ),
    "level-not-read-again": QT_TRANSLATE_NOOP(
        "Findings",
        "An older version read the report's level and its stored file cannot be read again now; "
        "every decision treats it as unrated until compliance rates it.",
    ),
}


def action_text(code: str) -> str:
    """An audit action code as recorded ('check', 'open', ...); an unknown code as it is."""
    try:
        return translated("Actions", ACTIONS[AuditAction(code)])
    except (ValueError, KeyError):
        return code


def decision_text(code: str | None) -> str:
    """An outcome code as recorded in the audit log ('allow', 'block', ...)."""
    if not code:
        return ""
    try:
        return outcome_text(Outcome(code))
    except ValueError:
        return code


def finding_text(code: str) -> str:
    return translated("Findings", FINDINGS[code]) if code in FINDINGS else code
