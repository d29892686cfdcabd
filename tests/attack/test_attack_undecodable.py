"""Bytes that are not UTF-8 (and other values suitcheck never writes) put with the sqlite3
shell into text columns that no list reads: every path that reads them answers in one
sentence or goes on, never with an unexpected error."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.domain.text import escape_controls
from suitcheck.gui.models import AuditTableModel
from suitcheck.services import Services
from suitcheck.services.demo import seed_demo
from suitcheck.services.errors import AuthenticationFailed
from suitcheck.store.models import AuditEntry
from tests.conftest import TODAY, add_client, staff
from tests.fixtures import import_text_report
from tests.services.listing import raw


@pytest.mark.parametrize(
    "value",
    [
        "CAST(CAST(value AS BLOB) || X'FF' AS TEXT)",  # text that is not UTF-8
        "CAST(value AS BLOB) || X'FF'",  # a BLOB
        "CAST(value AS BLOB)",  # the same key, as a BLOB
        "'not hex'",
        "''",
    ],
)
def test_login_name_key_changed(sqlite_services: Services, value: str) -> None:
    """BROKE: the key that hashes an unknown user name typed at login, set in SQL to
    something that is no hex text: every login with a name that is no account ended in
    'unexpected error' (ValueError/TypeError from bytes.fromhex). The login fails as any
    such login does, and is recorded without the name's hash, as where the key is missing."""
    services = sqlite_services
    staff(services, Role.ADMIN)
    raw(services, f"UPDATE store_setting SET value = {value} WHERE name = 'login-name-key'")
    with pytest.raises(AuthenticationFailed):
        services.auth.login("nobody-by-this-name", "whatever password")
    with services.store.session(read_only=True) as session:
        facts = session.execute(
            select(AuditEntry.facts).where(AuditEntry.action == "login-failed").order_by(AuditEntry.seq.desc())
        ).scalar()
    assert facts is not None
    assert json.loads(facts) == {"cause": "unknown-user", "name_hmac": None}


def _edit_entries(db: str, sql: str) -> None:
    """An edit of the trail with the sqlite3 shell (its append-only trigger dropped)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        conn.execute(sql)
    finally:
        conn.close()


@pytest.mark.parametrize(
    "value",
    [
        "CAST(CAST(at AS BLOB) || X'FF' AS TEXT)",  # text that is not UTF-8 after the stamp
        "CAST(at AS BLOB) || X'FF'",  # a BLOB
        "CAST(X'FF' AS TEXT)",
        "'yesterday'",
    ],
)
def test_audit_page_shows_an_entry_whose_time_was_changed(
    qapp: QApplication, sqlite_services: Services, sqlite_target: str, value: str
) -> None:
    """BROKE (the GUI's audit page): an entry's time set in SQL to text that is not UTF-8
    (or any text that is no time suitcheck writes). Since 3e2bd0b the page reads it (with
    U+FFFD) instead of refusing the whole page, but its time cell raised ValueError from
    strptime inside the model's data(), every time the view painted it. The cell shows
    what the entry holds; verify names the entry (tests/audit/test_chain.py)."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    _edit_entries(sqlite_target, f"UPDATE audit_entry SET at = {value} WHERE seq = (SELECT max(seq) FROM audit_entry)")
    model = AuditTableModel()
    model.set_rows(services.audit.browse(compliance))
    changed = [r for r in range(model.rowCount()) if "Z" not in model.row_object(r).at[-1:]]
    assert changed
    shown = model.data(model.index(changed[0], AuditTableModel.TIME))
    assert shown == escape_controls(model.row_object(changed[0]).at)


# A checked entry's columns that the dashboard and the self-inspection count, set in SQL.
COUNTED_EDITS = [
    "reasons = CAST(CAST(reasons AS BLOB) || X'FF' AS TEXT)",  # no longer JSON
    "reasons = CAST(reasons AS BLOB)",
    "reasons = '[{}]'",  # JSON, but not a list of reason codes
    "decision = CAST(decision AS BLOB)",
    "decision = CAST(X'FF' AS TEXT)",
    # In the period (as text: '2026-06-0\ufffd' sorts after '2026-06-01'), on no day.
    "at = CAST(substr(at, 1, 8) || '0' || X'FF' || substr(at, 11) AS TEXT)",
    "at = substr(at, 1, 8) || '0x' || substr(at, 11)",
]


@pytest.mark.parametrize("edit", COUNTED_EDITS)
def test_figures_count_around_a_changed_check_entry(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path, edit: str
) -> None:
    """BROKE: a check's reasons, decision or time in the trail set in SQL to bytes that
    are not UTF-8, a BLOB or other text that is not what suitcheck writes. The dashboard
    and the self-inspection PDF raised (JSONDecodeError, ValueError from the day,
    TypeError drawing a BLOB as a chart label): 'unexpected error' for the whole report.
    They now count what can be read (a reason list that is no list counts no reason, a
    time that is no day counts on no day), and the inspection states verify's finding."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "C1", RiskProfile.C1)
    add_client(services, compliance, "C5", RiskProfile.C5)
    assert services.access.check(compliance, "C1", report).to_dict()["decision"] == "block"
    assert services.access.check(compliance, "C5", report).to_dict()["decision"] == "allow"
    _edit_entries(
        sqlite_target,
        f"UPDATE audit_entry SET {edit} WHERE seq = (SELECT min(seq) FROM audit_entry WHERE action = 'check')",
    )
    first, last = TODAY.replace(day=1), TODAY
    figures = services.dashboard.figures(compliance, first, last).to_dict()
    assert figures["decisions_per_day"]
    result = services.inspection.write(compliance, first, last, tmp_path / "inspection.pdf")
    assert (tmp_path / "inspection.pdf").stat().st_size > 0
    assert result.data.verification_ok is False  # the changed entry is named there


# (an edit made with the sqlite3 shell, what then reads it) on the demo store; each read's
# result is shown as JSON, as `--json` prints it.
VIEW_EDITS = [
    (
        # answers kept as JSON, a byte that is not UTF-8 after it: shown as none (the hash beside)
        "UPDATE assessment SET answers = CAST(CAST('{\"q\":\"a\"}' AS BLOB) || X'FF' AS TEXT) WHERE note IS NOT NULL",
        "history",
    ),
    ("UPDATE assessment SET note = CAST(CAST(note AS BLOB) || X'FF' AS BLOB) WHERE note IS NOT NULL", "history"),
    ("UPDATE branch SET code = CAST(code AS BLOB) WHERE head_office = 0", "staff"),
    ("UPDATE branch SET code = CAST(code AS BLOB) WHERE head_office = 0", "clients"),
    ("UPDATE branch SET name = CAST(CAST(name AS BLOB) || X'FF' AS BLOB)", "branches"),
    ("UPDATE staff SET display_name = CAST(CAST(display_name AS BLOB) || X'FF' AS BLOB)", "staff"),
    ("UPDATE finding SET code = CAST(code AS BLOB), detail = CAST(CAST(detail AS BLOB) || X'FF' AS BLOB)", "reports"),
]


@pytest.mark.parametrize(("edit", "read"), VIEW_EDITS)
def test_unsealed_text_held_as_bytes_is_shown_as_text(
    sqlite_services: Services, sqlite_target: str, edit: str, read: str
) -> None:
    """BROKE: unsealed text that no decision reads, set in SQL to a BLOB (the driver reads
    bytes whatever the text factory) or to bytes that are not UTF-8 where JSON is kept. A
    client's page (assessment answers: JSONDecodeError; a note: bytes not JSON
    serializable), the staff and client lists (a branch code held as bytes), the staff
    list (a display name) ended in 'unexpected error'; the branch list and a report's
    findings showed b'...'. Each is shown as its text with U+FFFD
    for what is not UTF-8, as names are (store.sqlitetext)."""
    services = sqlite_services
    seed_demo(services)
    admin = services.auth.login("demo-admin", "demo")
    compliance = services.auth.login("demo-compliance", "demo")
    client = services.investors.search(compliance, "")[0]
    services.investors.assess(compliance, client.account, RiskProfile.C2, TODAY, note="assessed at the branch")
    services.investors.mark_reassessment_due(compliance, client.account, "moved")
    raw(services, edit)
    reads = {
        "history": lambda: [
            a.to_dict()
            for v in services.investors.search(compliance, "")
            for a in services.investors.history(compliance, v.account)
        ],
        "staff": lambda: [v.to_dict() for v in services.auth.list_staff(admin)],
        "clients": lambda: [v.to_dict() for v in services.investors.search(admin, "")],
        "branches": lambda: [v.to_dict() for v in services.branches.list_branches(admin)],
        "reports": lambda: [r.to_dict() for r in services.reports.search(compliance)],
    }
    shown = json.dumps(reads[read](), ensure_ascii=False, default=lambda o: o if isinstance(o, str) else str(o))
    assert "b'" not in shown
    assert "\\\\x" not in shown
    if read in ("staff", "clients"):
        assert "SH01" in shown  # the branch code held as bytes, as its text
    elif "answers" not in edit:
        assert "\ufffd" in shown
