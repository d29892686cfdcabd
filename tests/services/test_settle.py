"""`audit settle`: compliance's recorded way back for a client or report row whose seal
fails (changed outside suitcheck, or left on its older seal by an upgrade). A row is sealed
again only when what decisions read of it is provably what the trail last recorded (its
state digest, with the identity compliance says it held before); anything else is refused,
so no profile, class, level or rating changed in SQL is ever laundered by settling it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ServiceError
from suitcheck.store.models import AuditEntry, Investor
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report

REASON = "DBA fixed a typo in the name (ticket 4711); checked against the opening form"
INTEGRITY = ["record-integrity"]


def _sql(services: Services, statement: str, **params: Any) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _entries(services: Services) -> int:
    with services.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def _check(services: Services, actor: Actor, account: str, report: int) -> tuple[str, list[str]]:
    decision = services.access.check(actor, account, report).decision
    return decision.outcome.value, [r.value for r in decision.reasons]


@pytest.fixture
def desk(services: Services, tmp_path: Path) -> tuple[Services, Actor, Actor, int]:
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中风险")  # R3
    add_client(services, compliance, "S1", RiskProfile.C3, name="张三丰")
    return services, compliance, advisor, report


def test_a_name_fixed_in_sql_is_settled_and_decided_again(desk: tuple[Services, Actor, Actor, int]) -> None:
    """Both backends: the DBA's typo fix blocks the client; settled with the name it held
    before, the client is decided again and `verify` passes; the entry says what changed."""
    services, compliance, advisor, report = desk
    _sql(services, "UPDATE investor SET name = '张三峰' WHERE account = 'S1'")
    assert _check(services, advisor, "S1", report) == ("block", INTEGRITY)
    assert not services.audit.verify(compliance).ok
    with pytest.raises(ServiceError, match="not the state the trail last recorded"):
        services.settle.preview(compliance, "investor", "S1")  # without saying what changed: unprovable
    preview = services.settle.preview(compliance, "investor", "S1", was={"name": "张三丰"})
    assert (preview.found["name"], preview.found["profile"]) == ("张三峰", "C3")
    assert preview.changed == {"name": {"recorded": "张三丰", "found": "张三峰"}}
    done = services.settle.settle(compliance, "investor", "S1", REASON, was={"name": "张三丰"})
    assert done.seq is not None
    assert _check(services, advisor, "S1", report) == ("allow", ["profile-covers-level"])
    assert services.audit.verify(compliance).ok
    entry = services.audit.browse(compliance, limit=5)
    settled = next(e for e in entry if e.action == "record-settled")
    facts = json.loads(settled.facts)
    assert (facts["key"], facts["reason"], facts["changed_outside"]["name"]["recorded"]) == ("S1", REASON, "张三丰")
    # Changed again in SQL after settling: blocked again.
    _sql(services, "UPDATE investor SET current_profile = 5 WHERE account = 'S1'")
    assert _check(services, advisor, "S1", report) == ("block", INTEGRITY)


def test_an_id_number_corrected_in_sql_is_recorded_masked(sqlite_services: Services, tmp_path: Path) -> None:
    import datetime as dt

    from suitcheck.services.demo import make_id_number

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    old = make_id_number("110105", dt.date(1980, 5, 6), 17)
    new = make_id_number("110105", dt.date(1980, 5, 6), 18)
    add_client(services, compliance, "S2", RiskProfile.C3, id_number=old)
    _sql(services, "UPDATE investor SET id_number = :n WHERE account = 'S2'", n=new)
    done = services.settle.settle(compliance, "investor", "S2", REASON, was={"id_number": old})
    facts = json.loads(next(e for e in services.audit.browse(compliance, limit=3) if e.seq == done.seq).facts)
    recorded = json.dumps(facts, ensure_ascii=False)
    for hidden in (old, new, "19800506"):
        assert hidden not in recorded
    assert services.audit.verify(compliance).ok
    # Exported and verified like any other entry (the client's entries, with the settlement).
    out = tmp_path / "s2.csv"
    manifest = services.audit.export(compliance, out, "csv", AuditFilter(action=AuditAction.RECORD_SETTLED))
    assert manifest["count"] == 1
    assert services.audit.verify_file(compliance, out).ok
    written = out.read_text(encoding="utf-8-sig")
    assert "record-settled" in written
    assert old not in written
    today = services.ctx.today()
    inspection = services.inspection.write(compliance, today - dt.timedelta(days=1), today, tmp_path / "i.pdf")
    assert inspection.data.records_settled == 1


@pytest.mark.parametrize(
    ("statement", "was"),
    [
        ("UPDATE investor SET current_profile = 5 WHERE account = 'S1'", {}),
        ("UPDATE investor SET current_profile = 5, name = 'X' WHERE account = 'S1'", {"name": "张三丰"}),
        ("UPDATE investor SET investor_class = 'professional' WHERE account = 'S1'", {}),
        ("UPDATE investor SET current_assessed_on = '2026-06-01' WHERE account = 'S1'", {}),
        ("UPDATE investor SET special_attention = 1 WHERE account = 'S1'", {}),
    ],
)
def test_a_decision_fact_changed_in_sql_is_never_settled(
    sqlite_services: Services, tmp_path: Path, statement: str, was: dict[str, str]
) -> None:
    """A client raised C2->C5, made professional or re-dated in SQL and then settled would
    launder the very change the seal exists to catch: refused, nothing recorded, still blocked."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "S1", RiskProfile.C3, name="张三丰")
    _sql(services, statement)
    before = _entries(services)
    with pytest.raises(ServiceError, match="not the state the trail last recorded"):
        services.settle.settle(compliance, "investor", "S1", REASON, was=was)
    assert _entries(services) == before
    assert _check(services, advisor, "S1", report) == ("block", INTEGRITY)


def test_a_decision_fact_cannot_be_named_as_changed(sqlite_services: Services) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C2)
    _sql(services, "UPDATE investor SET current_profile = 5 WHERE account = 'S1'")
    with pytest.raises(InvalidInput, match="current_profile is a fact decisions read"):
        services.settle.settle(compliance, "investor", "S1", REASON, was={"current_profile": "2"})
    with pytest.raises(ServiceError, match="the trail's assessments give C2"):
        services.settle.preview(compliance, "investor", "S1")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE investor SET current_profile = 9 WHERE account = 'S1'",
        "UPDATE investor SET current_assessed_on = '20260101' WHERE account = 'S1'",
        "UPDATE investor SET lowest_category = 'no' WHERE account = 'S1'",
        "UPDATE investor SET name = X'E5BCA0' WHERE account = 'S1'",
    ],
)
def test_a_value_suitcheck_never_writes_is_not_settled(sqlite_services: Services, statement: str) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C3)
    _sql(services, statement)
    before = _entries(services)
    with pytest.raises(ServiceError, match="holds a value suitcheck never writes"):
        services.settle.settle(compliance, "investor", "S1", REASON)
    assert _entries(services) == before


def test_refusals_write_nothing(sqlite_services: Services, tmp_path: Path) -> None:
    """A sound row, a reason that says nothing, a role that may not, a client of another
    branch (answered as a missing one), a client added in SQL."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    admin = staff(services, Role.ADMIN, "t-root")
    add_client(services, compliance, "S1", RiskProfile.C3)
    before = _entries(services)
    with pytest.raises(InvalidInput, match="nothing to settle"):
        services.settle.settle(compliance, "investor", "S1", REASON)
    assert _entries(services) == before
    _sql(services, "UPDATE investor SET name = 'typo' WHERE account = 'S1'")
    for reason in ("", "   ", "ok fine"):
        with pytest.raises(InvalidInput, match="at least 10 characters"):
            services.settle.settle(compliance, "investor", "S1", reason, was={"name": "客户S1"})
    assert _entries(services) == before
    for actor in (advisor, admin):
        with pytest.raises(PermissionDenied, match="settle-records"):
            services.settle.settle(actor, "investor", "S1", REASON, was={"name": "客户S1"})
    services.branches.add(admin, "B2", "二部")
    branch_officer = services.auth.create_staff(admin, "b2-compliance", "correct horse", Role.COMPLIANCE, branch="B2")
    del branch_officer
    officer = services.auth.login("b2-compliance", "correct horse")
    with pytest.raises(NotFound, match="No client has the account number or id 'S1'"):
        services.settle.settle(officer, "investor", "S1", REASON, was={"name": "客户S1"})
    hidden = services.audit.browse(compliance, limit=1)[0]  # recorded as any attempt on another branch's client
    assert (hidden.action, hidden.staff) == ("client-out-of-branch", "b2-compliance")
    assert services.investors.get(compliance, "S1").record_intact is False  # still not settled
    with services.store.engine.begin() as conn:  # a client inserted in SQL, sealed with the other's seal
        row = conn.execute(select(Investor.__table__).where(Investor.account == "S1")).mappings().one()
        conn.execute(insert(Investor).values({**row, "id": 99, "account": "S9", "id_number": None}))
    with pytest.raises(ServiceError, match="records no state for client S9"):
        services.settle.settle(compliance, "investor", "S9", REASON)


def test_a_trail_that_does_not_verify_settles_nothing(sqlite_services: Services) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C3)
    _sql(services, "UPDATE investor SET name = 'typo' WHERE account = 'S1'")
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(staff="someone-else"))
    with pytest.raises(ServiceError, match="does not verify"):
        services.settle.settle(compliance, "investor", "S1", REASON, was={"name": "客户S1"})


def test_the_settlement_entry_is_kept_by_the_trail(sqlite_services: Services) -> None:
    """The entry edited or deleted in SQL afterwards: `verify` fails."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C3)
    _sql(services, "UPDATE investor SET name = 'typo' WHERE account = 'S1'")
    done = services.settle.settle(compliance, "investor", "S1", REASON, was={"name": "客户S1"})
    assert services.audit.verify(compliance).ok
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        conn.execute(update(AuditEntry).where(AuditEntry.seq == done.seq).values(facts='{"reason":"nothing"}'))
    assert not services.audit.verify(compliance).ok


def test_the_settlement_entry_deleted_fails_verify(sqlite_services: Services) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C3)
    _sql(services, "UPDATE investor SET name = 'typo' WHERE account = 'S1'")
    done = services.settle.settle(compliance, "investor", "S1", REASON, was={"name": "客户S1"})
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == done.seq))
    assert not services.audit.verify(compliance).ok


def test_a_row_changed_after_it_was_shown_is_not_settled(sqlite_services: Services) -> None:
    """Another desk (or SQL) changes the row between the preview and the settlement: the
    row read again inside the settling transaction is not the one shown."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "S1", RiskProfile.C3)
    _sql(services, "UPDATE investor SET name = 'typo one' WHERE account = 'S1'")
    shown = services.settle.preview(compliance, "investor", "S1", was={"name": "客户S1"})
    _sql(services, "UPDATE investor SET name = 'typo two' WHERE account = 'S1'")
    before = _entries(services)
    with pytest.raises(Conflict, match="changed since it was shown"):
        services.settle.settle(compliance, "investor", "S1", REASON, was={"name": "客户S1"}, expected_state=shown.state)
    assert _entries(services) == before


def test_a_settled_client_is_decided_by_the_rulebook(sqlite_services: Services, tmp_path: Path) -> None:
    """Settling decides nothing itself: an expired C3 stays blocked for its assessment, a
    lowest-category client for its category."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "OLD", RiskProfile.C3, days_ago=800)
    add_client(services, compliance, "LOW", RiskProfile.C1, lowest_category=True)
    add_client(services, compliance, "PRO", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    for account in ("OLD", "LOW", "PRO"):
        _sql(services, "UPDATE investor SET name = 'typo' WHERE account = :a", a=account)
        services.settle.settle(compliance, "investor", account, REASON, was={"name": f"客户{account}"})
    assert _check(services, advisor, "OLD", report)[0] == "block"
    assert "assessment-expired" in _check(services, advisor, "OLD", report)[1]
    assert _check(services, advisor, "LOW", report)[0] == "block"
    assert "lowest-category" in _check(services, advisor, "LOW", report)[1]
    assert _check(services, advisor, "PRO", report)[0] == "allow"


def test_a_report_level_lowered_in_sql_is_never_settled(services: Services, tmp_path: Path) -> None:
    """Both backends (the report is read FOR UPDATE on PostgreSQL). An R5 report lowered to R1
    in SQL and then settled would be served to every C1 client: refused. A report whose seal
    alone was damaged (its state as recorded) is settled."""
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r5 = import_text_report(services, compliance, tmp_path, level="高风险")
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "C1", RiskProfile.C1)
    add_client(services, compliance, "C3", RiskProfile.C3)
    _sql(services, "UPDATE report SET level = 1, suggested_level = 1 WHERE id = :r", r=r5)
    with pytest.raises(ServiceError, match="level lowered in SQL would be served as rated"):
        services.settle.settle(compliance, "report", r5, REASON)
    with pytest.raises(InvalidInput, match="none can be named"):
        services.settle.settle(compliance, "report", r5, REASON, was={"level": "5"})
    assert _check(services, advisor, "C1", r5) == ("block", INTEGRITY)
    _sql(services, "UPDATE report SET integrity = NULL WHERE id = :r", r=r3)
    assert _check(services, advisor, "C3", r3) == ("block", INTEGRITY)
    with pytest.raises(InvalidInput, match="nothing to settle"):
        services.settle.settle(compliance, "report", import_text_report(services, compliance, tmp_path), REASON)
    services.settle.settle(compliance, "report", r3, REASON)
    assert _check(services, advisor, "C3", r3)[0] == "allow"
    with pytest.raises(NotFound):
        services.settle.preview(compliance, "report", 9999)


def test_the_command_shows_asks_and_settles(
    sqlite_services: Services,
    sqlite_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`audit settle`: without --yes and no terminal it shows the record and refuses (exit 2,
    one sentence, nothing recorded); with --yes it settles, and `audit verify` exits 0."""
    import io

    from suitcheck.cli import main
    from tests.conftest import PASSWORD

    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    add_client(services, officer, "S1", RiskProfile.C3)
    _sql(services, "UPDATE investor SET name = '客户S一' WHERE account = 'S1'")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    login = ["--db", sqlite_target, "--user", officer.username]
    settle = ["audit", "settle", "--investor", "S1", "--reason", REASON, "--was", "name=客户S1", *login]
    assert main(["audit", "verify", *login]) == 4
    capsys.readouterr()
    before = _entries(services)
    assert main(settle) == 2
    shown = capsys.readouterr()
    assert "name: 客户S一" in shown.out
    assert "changed outside suitcheck: name was '客户S1'" in shown.out
    assert shown.err.strip().splitlines() == [
        "suitcheck: Nothing was settled: add --yes to settle the record shown (no terminal to ask in)."
    ]
    assert _entries(services) == before  # nothing recorded
    assert main([*settle, "--yes", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert (done["kind"], done["key"], done["changed_outside"]["name"]["found"]) == ("client", "S1", "客户S一")
    assert main(["audit", "verify", *login]) == 0
    assert main(["audit", "settle", "--investor", "S1", "--reason", REASON, "--yes", *login]) == 2
    assert "nothing to settle" in capsys.readouterr().err


class _Terminal:
    """stdin as a terminal where the officer types `typed` (a KeyboardInterrupt: Ctrl+C)."""

    def __init__(self, typed: str | type[BaseException]) -> None:
        self.typed = typed

    def isatty(self) -> bool:
        return True

    def readline(self, *_: object) -> str:
        if isinstance(self.typed, type):
            raise self.typed
        return self.typed


def test_the_question_is_asked_on_stderr_and_ctrl_c_settles_nothing(
    sqlite_services: Services,
    sqlite_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """At a terminal the preview goes to stdout and the question to stderr, as a password's
    prompt does: `audit settle ... > preview.txt` put the question into the file, and the
    officer waited at a command that seemed to hang. Ctrl+C at the question settles nothing."""
    from suitcheck.cli import main
    from tests.conftest import PASSWORD

    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    add_client(services, officer, "S1", RiskProfile.C3)
    _sql(services, "UPDATE investor SET name = '客户S一' WHERE account = 'S1'")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    login = ["--db", sqlite_target, "--user", officer.username]
    settle = ["audit", "settle", "--investor", "S1", "--reason", REASON, "--was", "name=客户S1", *login]
    monkeypatch.setattr("sys.stdin", _Terminal(KeyboardInterrupt))
    assert main(settle) == 130
    with services.store.engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action)).scalars().all()
    assert AuditAction.RECORD_SETTLED.value not in actions
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", _Terminal("yes\n"))
    assert main([*settle, "--json"]) == 2  # --json asks nothing, terminal or not
    refused = capsys.readouterr()
    assert json.loads(refused.out)["kind"] == "client"  # the preview, one document
    assert (
        refused.err.strip()
        == "suitcheck: Nothing was settled: add --yes to settle the record shown (--json asks nothing)."
    )
    assert main(settle) == 0
    shown = capsys.readouterr()
    assert "Type yes to settle" not in shown.out
    assert "Type yes to settle" in shown.err
    assert "changed outside suitcheck: name was '客户S1'" in shown.out
    assert "Settled: recorded as entry" in shown.out
    assert main(["audit", "verify", *login]) == 0


def test_only_head_office_compliance_settles_a_report(sqlite_services: Services, tmp_path: Path) -> None:
    """A report's level decides for every branch, so only firm-wide compliance rates it
    (`report rate`); settling its record is no different. A branch's officer is refused,
    recorded, and the report stays blocked."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    admin = staff(services, Role.ADMIN, "t-root")
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "C3", RiskProfile.C3)
    _sql(services, "UPDATE report SET integrity = NULL WHERE id = :r", r=report)
    services.branches.add(admin, "B2", "二部")
    services.auth.create_staff(admin, "b2-compliance", "correct horse", Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("b2-compliance", "correct horse")
    with pytest.raises(PermissionDenied, match="only firm-wide"):
        services.settle.preview(officer, "report", report)
    with pytest.raises(PermissionDenied, match="only firm-wide"):
        services.settle.settle(officer, "report", report, REASON)
    refusals = services.audit.browse(compliance, limit=2)
    assert [(r.action, r.staff, r.report_id) for r in refusals] == [("refused", "b2-compliance", report)] * 2
    assert _check(services, advisor, "C3", report) == ("block", INTEGRITY)


def test_an_id_number_copied_to_another_client_is_not_settled(sqlite_services: Services) -> None:
    """An ID number belongs to one client (a search by it goes straight to one): a number
    given in SQL to a second client (in its 15-digit form, which the column's UNIQUE index
    does not compare with the 18-digit one) is not settled on that client, whatever
    compliance says the number was before."""
    import datetime as dt

    from suitcheck.domain.identity import legacy_form
    from suitcheck.services.demo import make_id_number

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    first = make_id_number("110105", dt.date(1980, 5, 6), 17)
    second = make_id_number("110105", dt.date(1980, 5, 6), 18)
    add_client(services, compliance, "A1", RiskProfile.C5, id_number=first)
    add_client(services, compliance, "B1", RiskProfile.C2, id_number=second)
    _sql(services, "UPDATE investor SET id_number = :n WHERE account = 'B1'", n=legacy_form(first))
    before = _entries(services)
    with pytest.raises(ServiceError, match="Another client holds the ID number of client B1"):
        services.settle.settle(compliance, "investor", "B1", REASON, was={"id_number": second})
    assert _entries(services) == before


def test_a_finding_planted_in_sql_on_a_report_without_any_is_never_settled(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """A report that never had a finding is in the state the trail records in either form
    (with findings and without: there are none), so the form for a report the findings
    upgrade left on its older seal matched any report given a finding in SQL (one marked
    settled by compliance, for the self-inspection and the lists): refused unless the
    upgrade left that very report, nothing written, the report still blocks."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "C3", RiskProfile.C3)
    _sql(
        services,
        "INSERT INTO finding (report_id, code, detail, created_at, resolved_at, resolved_by) "
        "VALUES (:r, 'level-below-subject', 'stated R3, subject implies R4', '2026-01-01 09:00:00', "
        "'2026-01-02 09:00:00', 1)",
        r=report,
    )
    assert _check(services, advisor, "C3", report) == ("block", INTEGRITY)
    before = _entries(services)
    with pytest.raises(ServiceError, match="its findings were changed outside suitcheck"):
        services.settle.preview(compliance, "report", report)
    with pytest.raises(ServiceError, match="its findings were changed outside suitcheck"):
        services.settle.settle(compliance, "report", report, REASON)
    assert _entries(services) == before
    assert _check(services, advisor, "C3", report) == ("block", INTEGRITY)


def _id_number(born: str, ending: str = "") -> str:
    """A valid ID number of area 110105 born on `born` (YYYY-MM-DD), with the check
    character `ending` when given."""
    import datetime as dt

    from suitcheck.services.demo import make_id_number

    day = dt.date.fromisoformat(born)
    return next(n for n in (make_id_number("110105", day, s) for s in range(1, 999)) if n.endswith(ending))


@pytest.mark.parametrize(
    ("column", "found", "refusal"),
    [
        # An ID number in a form suitcheck never writes: a search by the number (normalised,
        # upper-case X) does not find the client, and `investor add` takes them for new.
        ("id_number", _id_number("1980-05-06", "X").lower(), "ID number .* is not one suitcheck writes"),
        ("id_number", " " + _id_number("1980-05-06", "7"), "ID number .* is not one suitcheck writes"),
        ("id_number", "1234", "ID number .* is not one suitcheck writes"),
        # A valid number of someone born 30 years earlier: the desk would go on deciding on
        # the birth date recorded (46, no special attention) while the number says 76.
        ("id_number", _id_number("1950-05-06"), "gives another birth date than the record"),
        ("name", "", "name .* is not one suitcheck writes"),
        ("name", "客户\u202eS1", "name .* is not one suitcheck writes"),
        ("name", "客" * 129, "name .* is not one suitcheck writes"),
    ],
)
def test_an_identity_corrected_in_sql_is_settled_only_as_suitcheck_writes_it(
    sqlite_services: Services, column: str, found: str, refusal: str
) -> None:
    """--was names a name or ID number corrected in SQL; what the row now holds is sealed as
    it stands, so it must be what suitcheck itself would write there (as `investor add` and
    `investor edit` check it), and an ID number must carry the birth date the record holds
    (which decisions read, and which settling never changes)."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    old = _id_number("1980-05-06", "1")
    add_client(services, compliance, "S1", RiskProfile.C3, id_number=old)
    _sql(services, f"UPDATE investor SET {column} = :v WHERE account = 'S1'", v=found)
    before = _entries(services)
    was = {"id_number": old} if column == "id_number" else {"name": "客户S1"}
    with pytest.raises(ServiceError, match=refusal):
        services.settle.preview(compliance, "investor", "S1", was=was)
    with pytest.raises(ServiceError, match=refusal):
        services.settle.settle(compliance, "investor", "S1", REASON, was=was)
    assert _entries(services) == before
    assert services.investors.get(compliance, "S1").record_intact is False


def test_refused_says_who_the_desk_offers_settling_to(sqlite_services: Services) -> None:
    """What the desk offers (SettleService.refused) is what preview and settle refuse: a
    client's record to compliance, a report's to head-office compliance only."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    admin = staff(services, Role.ADMIN, "t-root")
    services.branches.add(admin, "B2", "二部")
    services.auth.create_staff(admin, "b2-compliance", "correct horse", Role.COMPLIANCE, branch="B2")
    officer = services.auth.login("b2-compliance", "correct horse")
    assert [services.settle.refused(compliance, k) for k in ("investor", "report")] == [None, None]
    assert services.settle.refused(officer, "investor") is None
    assert "only firm-wide (head-office) compliance may settle" in str(services.settle.refused(officer, "report"))
    for actor in (advisor, admin):
        for kind in ("investor", "report"):
            assert f"Your role ({actor.role.value}) may not do this (settle-records)." == services.settle.refused(
                actor, kind
            )
