"""Hostile SQL edits of a report's findings (an insider with write access to the store,
without the desktop's keyring): a finding resolved, deleted, edited, moved or copied to
another report, or resolutions swapped between two findings, lowered the open-findings
figure of the self-inspection and took the mark off the report in the lists, unnoticed
(until session 27 nothing compared the `finding` table). The report's seal now covers its
findings: every decision about the report blocks (record-integrity), the lists show it as
a changed record and `audit verify` names it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.pool import Pool

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services import integrity as integrity_module
from suitcheck.services.context import Actor
from suitcheck.services.errors import ServiceError
from suitcheck.services.integrity import RECORD_SEALED, SEAL_FINDINGS_SETTING
from suitcheck.services.reports import ReportFilter
from suitcheck.store.models import AuditEntry, Finding, Report, StoreSetting
from tests.audit.test_tamper import raw
from tests.conftest import Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

INTEGRITY = ["record-integrity"]
HK = "港股互联网平台：回购提速与估值重估"  # a Hong Kong stock (R4) stated 中风险: a finding


@dataclasses.dataclass
class Desk:
    services: Services
    compliance: Actor
    advisor: Actor
    hk: int  # stated R3, subject R4: an open level-below-subject finding
    plain: int  # no finding


def _desk(services: Services, tmp_path: Path) -> Desk:
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    hk = import_text_report(services, compliance, tmp_path, level="中风险", title=HK)
    plain = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "C5", RiskProfile.C5)
    return Desk(services, compliance, advisor, hk, plain)


def _raw(services: Services, sql: str, **params: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _findings(services: Services, report: int) -> list[dict[str, Any]]:
    with services.store.engine.connect() as conn:
        rows = conn.execute(select(Finding.__table__).where(Finding.report_id == report).order_by(Finding.id))
        return [dict(r) for r in rows.mappings()]


def _assert_damaged(desk: Desk, report: int) -> None:
    """The report's decisions block, the lists mark it, verify names it."""
    services = desk.services
    got = services.access.check(desk.advisor, "C5", report).to_dict()
    assert (got["decision"], got["reasons"]) == ("block", INTEGRITY), got
    listed = {v.id: v for v in services.reports.search(desk.advisor)}
    assert not listed[report].record_intact
    assert not services.reports.get(desk.advisor, report).record_intact
    verified = services.audit.verify(desk.compliance)
    assert not verified.ok
    assert f"report {report}'s record was changed outside suitcheck" in (verified.problem or ""), verified.problem


def test_findings_as_suitcheck_wrote_them_pass(services: Services, tmp_path: Path) -> None:
    """The baseline: a report with an open finding, and one rated (its finding settled), decide
    and verify as before; the findings queue lists the open one."""
    desk = _desk(services, tmp_path)
    rated = import_text_report(services, desk.compliance, tmp_path, level="中风险", title=HK + "二")
    services.reports.set_level(desk.compliance, rated, RiskLevel.R4)
    for report in (desk.hk, desk.plain, rated):
        assert services.access.check(desk.advisor, "C5", report).to_dict()["decision"] == "allow"
    queue = services.reports.search(desk.compliance, ReportFilter(with_findings=True))
    assert [v.id for v in queue] == [desk.hk]
    assert all(v.record_intact for v in services.reports.search(desk.advisor))
    verified = services.audit.verify(desk.compliance)
    assert verified.ok, verified.problem


ATTACKS = {
    # The finding settled in SQL: the figure drops by one, the mark goes.
    "resolved": "UPDATE finding SET resolved_at = created_at, resolved_by = NULL WHERE report_id = :hk",
    "deleted": "DELETE FROM finding WHERE report_id = :hk",
    "edited": "UPDATE finding SET detail = 'stated R4, subject implies R4' WHERE report_id = :hk",
    "recoded": "UPDATE finding SET code = 'level-not-read-again' WHERE report_id = :hk",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_finding_changed_in_sql_fails_its_report(sqlite_services: Services, tmp_path: Path, attack: str) -> None:
    desk = _desk(sqlite_services, tmp_path)
    _raw(sqlite_services, ATTACKS[attack], hk=desk.hk)
    _assert_damaged(desk, desk.hk)


def test_a_finding_moved_or_copied_to_another_report_fails_both(services: Services, tmp_path: Path) -> None:
    """On both backends (the statement that reads a report's findings is the one that differs)."""
    desk = _desk(services, tmp_path)
    (finding,) = _findings(services, desk.hk)
    _raw(
        services,
        "INSERT INTO finding (report_id, code, detail, created_at) VALUES (:plain, :code, :detail, :at)",
        plain=desk.plain,
        code=finding["code"],
        detail=finding["detail"],
        at=finding["created_at"],
    )
    _assert_damaged(desk, desk.plain)  # a copy: the report that had none
    _raw(services, "DELETE FROM finding WHERE report_id = :plain", plain=desk.plain)
    assert services.access.check(desk.advisor, "C5", desk.plain).to_dict()["decision"] == "allow"
    _raw(services, "UPDATE finding SET report_id = :plain WHERE report_id = :hk", plain=desk.plain, hk=desk.hk)
    _assert_damaged(desk, desk.hk)  # moved away: the report that had it (verify names the first)
    got = services.access.check(desk.advisor, "C5", desk.plain).to_dict()
    assert got["reasons"] == INTEGRITY


def test_resolutions_swapped_between_two_findings(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    desk = _desk(services, tmp_path)
    rated = import_text_report(services, desk.compliance, tmp_path, level="中风险", title=HK + "二")
    services.reports.set_level(desk.compliance, rated, RiskLevel.R4)  # its finding settled by the rating
    (settled,) = _findings(services, rated)
    (open_one,) = _findings(services, desk.hk)
    assert settled["resolved_at"] is not None
    assert open_one["resolved_at"] is None
    _raw(
        services,
        "UPDATE finding SET resolved_at = :at, resolved_by = :by WHERE id = :id",
        at=settled["resolved_at"],
        by=settled["resolved_by"],
        id=open_one["id"],
    )
    _raw(services, "UPDATE finding SET resolved_at = NULL, resolved_by = NULL WHERE id = :id", id=settled["id"])
    _assert_damaged(desk, desk.hk)
    assert services.access.check(desk.advisor, "C5", rated).to_dict()["reasons"] == INTEGRITY


def test_an_older_state_copied_back_passes_the_desk_and_fails_verify(sqlite_services: Services, tmp_path: Path) -> None:
    """The report row and its finding put back as they were before compliance rated it (the
    older seal with them): a copied-back older state holds its seal, as for every sealed row,
    and `audit verify` names it (the trail records the report's later state)."""
    services = sqlite_services
    desk = _desk(services, tmp_path)
    with services.store.engine.connect() as conn:
        before = dict(conn.execute(select(Report.__table__).where(Report.id == desk.hk)).mappings().one())
    services.reports.set_level(desk.compliance, desk.hk, RiskLevel.R4)
    _raw(
        services,
        "UPDATE report SET level = :level, rated_at = NULL, integrity = :seal WHERE id = :hk",
        level=before["level"],
        seal=before["integrity"],
        hk=desk.hk,
    )
    _raw(services, "UPDATE finding SET resolved_at = NULL, resolved_by = NULL WHERE report_id = :hk", hk=desk.hk)
    assert services.access.check(desk.advisor, "C5", desk.hk).to_dict()["decision"] == "allow"
    verified = services.audit.verify(desk.compliance)
    assert not verified.ok
    assert f"report {desk.hk}'s record differs from the last state the trail recorded" in (verified.problem or "")


def test_the_self_inspection_states_the_damage(sqlite_services: Services, tmp_path: Path) -> None:
    """The self-inspection made after a finding was settled in SQL: its verification fails,
    naming the report, so the lower open-findings figure is not taken as sound."""
    services = sqlite_services
    desk = _desk(services, tmp_path)
    _raw(services, ATTACKS["resolved"], hk=desk.hk)
    today = services.ctx.today()
    result = services.inspection.write(desk.compliance, today - dt.timedelta(days=1), today, tmp_path / "i.pdf")
    assert result.data.verification_ok is False
    assert f"report {desk.hk}'s record was changed" in str(result.data.verification), result.data.verification


# -- the upgrade (migration 0017) -----------------------------------------------------------


def _as_before_finding_seals(target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """A store as the code before 0017 left it, then migrated: report seals made without
    findings (one report with an open finding, one whose finding rating settled), and the
    migration's marker."""
    made_without = integrity_module.report_message
    with monkeypatch.context() as patched:
        patched.setattr(integrity_module, "report_message", lambda values, findings=(): made_without(values, ()))
        # Nor did that code record the findings era (0018): its trail holds no run of the upgrade.
        patched.setattr(integrity_module.RowSealer, "record_findings_era", lambda self, conn: None)
        services = make_services(target, clock)
        try:
            desk = _desk(services, tmp_path)
            rated = import_text_report(services, desk.compliance, tmp_path, level="中风险", title=HK + "二")
            services.reports.set_level(desk.compliance, rated, RiskLevel.R4)
            with services.store.engine.begin() as conn:
                conn.execute(insert(StoreSetting).values(name=SEAL_FINDINGS_SETTING, value="pending"))
        finally:
            services.close()
    return dataclasses.replace(desk, services=None)  # type: ignore[arg-type]


def _reopened(before: Desk, services: Services) -> Desk:
    """The store `before` describes, as the desk sees it after the open that upgraded it."""
    return dataclasses.replace(
        before,
        services=services,
        compliance=staff(services, Role.COMPLIANCE),
        advisor=staff(services, Role.ADVISOR),
    )


def _upgrade_entries(services: Services) -> list[dict[str, Any]]:
    with services.store.engine.connect() as conn:
        facts = [
            json.loads(f) for (f,) in conn.execute(select(AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED))
        ]
    return [f for f in facts if f.get("upgrade") == "findings"]


def test_the_upgrade_seals_reports_with_their_findings(
    store_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing falsely flagged: the reports that have findings are sealed again with them,
    recorded; every decision and `audit verify` pass; a finding settled in SQL afterwards
    fails its report."""
    before = _as_before_finding_seals(store_target, clock, tmp_path, monkeypatch)
    services = make_services(store_target, clock)
    try:
        desk = _reopened(before, services)
        (entry,) = _upgrade_entries(services)
        assert sorted(r["key"] for r in entry["rows"]) == sorted([str(desk.hk), str(desk.hk + 2)])
        assert "not_resealed" not in entry
        for report in (desk.hk, desk.plain, desk.hk + 2):
            assert services.access.check(desk.advisor, "C5", report).to_dict()["decision"] == "allow"
        assert all(v.record_intact for v in services.reports.search(desk.advisor))
        verified = services.audit.verify(desk.compliance)
        assert verified.ok, verified.problem
        with services.store.engine.connect() as conn:
            assert conn.execute(select(StoreSetting).where(StoreSetting.name == SEAL_FINDINGS_SETTING)).first() is None
        _raw(services, ATTACKS["resolved"], hk=desk.hk)
        _assert_damaged(desk, desk.hk)
    finally:
        services.close()


@pytest.mark.parametrize("when", ["row changed before the upgrade", "finding settled, marker set again after it"])
def test_the_upgrade_seals_no_changed_report(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """A report row changed in SQL before the upgrade's first open is not sealed with its
    findings (its seal fails as before); nor, after it, one whose finding was settled in SQL
    with the marker inserted again (its seal covers its findings now)."""
    before = _as_before_finding_seals(sqlite_target, clock, tmp_path, monkeypatch)
    if when == "row changed before the upgrade":
        _raw_sqlite(sqlite_target, f"UPDATE report SET suggested_level = 3 WHERE id = {before.hk}")
    else:
        make_services(sqlite_target, clock).close()
        _raw_sqlite(sqlite_target, ATTACKS["resolved"].replace(":hk", str(before.hk)))
        _raw_sqlite(sqlite_target, "INSERT INTO store_setting (name, value) VALUES ('seal-findings', 'pending')")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(before, services)
        last = _upgrade_entries(services)[-1]
        if when == "row changed before the upgrade":
            assert last["not_resealed"] == [f"report:{desk.hk}"]
        else:  # the marker found again after the trail recorded the run: nothing sealed, said so
            assert (last["rows"], last["marker_set_again"], last["failing"]) == ([], True, [f"report:{desk.hk}"])
        _assert_damaged(desk, desk.hk)
    finally:
        services.close()


def test_a_report_left_by_the_upgrade_is_not_sealed_by_the_marker_set_again(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BROKE (session 27): a report the upgrade left alone (its row changed in SQL before it)
    keeps as its last recorded state the one without findings, which its old seal matches
    again once the change is undone. An insider undid it, settled the report's finding in SQL
    and inserted the marker again: the next open sealed the report with the finding settled
    (findings are taken as they stand), the lists dropped its mark and `audit verify` passed."""
    before = _as_before_finding_seals(sqlite_target, clock, tmp_path, monkeypatch)
    _raw_sqlite(sqlite_target, f"UPDATE report SET suggested_level = 3 WHERE id = {before.hk}")
    make_services(sqlite_target, clock).close()  # the upgrade: the report is left alone
    _raw_sqlite(sqlite_target, f"UPDATE report SET suggested_level = 4 WHERE id = {before.hk}")
    _raw_sqlite(sqlite_target, ATTACKS["resolved"].replace(":hk", str(before.hk)))
    _raw_sqlite(sqlite_target, "INSERT INTO store_setting (name, value) VALUES ('seal-findings', 'pending')")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(before, services)
        first, again = _upgrade_entries(services)
        assert first["not_resealed"] == [f"report:{desk.hk}"]
        assert (again["rows"], again["marker_set_again"], again["failing"]) == ([], True, [f"report:{desk.hk}"])
        _assert_damaged(desk, desk.hk)
    finally:
        services.close()


def test_a_finding_planted_on_a_report_without_any_is_not_sealed_by_the_marker_set_again(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: a report with no finding keeps exactly the seal it had before 0017, so an
    insider with SQL alone inserted a finding (settled by compliance, as it were) into one
    and the `seal-findings` marker: the next open took the report for one the upgrade had
    yet to seal and sealed it with the planted finding; every check allowed it and `audit
    verify` passed. The trail now records the upgrade's run (or, in a store made since, the
    era itself), and a marker found after it seals nothing over."""
    services = make_services(sqlite_target, clock)
    try:
        desk = _desk(services, tmp_path)
        assert [e.get("rows") for e in _upgrade_entries(services)] == [[]]  # the era, recorded at creation
    finally:
        services.close()
    _raw_sqlite(
        sqlite_target,
        "INSERT INTO finding (report_id, code, detail, created_at, resolved_at, resolved_by) VALUES "
        f"({desk.plain}, 'level-below-subject', 'planted', '2026-01-01 00:00:00', '2026-01-02 00:00:00', 1)",
    )
    _raw_sqlite(sqlite_target, "INSERT INTO store_setting (name, value) VALUES ('seal-findings', 'pending')")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(desk, services)
        assert _upgrade_entries(services)[-1]["failing"] == [f"report:{desk.plain}"]
        _assert_damaged(desk, desk.plain)
    finally:
        services.close()


def test_a_store_that_passed_0017_without_a_run_recorded_gets_the_era_at_its_next_open(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store 0017 left without its marker (no finding then) recorded no run; 0018 leaves
    its own marker for it (as here), and the next open records the era, once."""
    with monkeypatch.context() as patched:  # made by the code before 0018
        patched.setattr(integrity_module.RowSealer, "record_findings_era", lambda self, conn: None)
        make_services(sqlite_target, clock).close()
    _raw_sqlite(sqlite_target, "INSERT INTO store_setting (name, value) VALUES ('findings-era', 'pending')")
    for _ in range(2):  # the second open finds no marker, and records nothing more
        services = make_services(sqlite_target, clock)
        try:
            assert [e["rows"] for e in _upgrade_entries(services)] == [[]]
            with services.store.engine.connect() as conn:
                assert conn.execute(select(StoreSetting).where(StoreSetting.name == "findings-era")).first() is None
        finally:
            services.close()


def test_a_store_whose_era_marker_went_before_it_ran_gets_the_era_all_the_same(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was BROKE (session 28): the era was recorded only where 0018's marker asked for it. An
    insider who set the schema version to 0018 in SQL before this build's first open (0018
    then never ran), or deleted its marker in the window an open stopped after the migrations
    leaves, kept the trail without any run of the findings upgrade for good: weeks later a
    finding planted on a report without one, with 0017's marker inserted, was sealed as the
    upgrade's first run, every check allowed the report and `audit verify` passed. Every open
    now makes sure the trail records the era (the entry's number kept in the store; when it
    is missing or names another entry, the trail is searched once and the era recorded)."""
    with monkeypatch.context() as patched:  # the marker consumed, the era never recorded
        patched.setattr(integrity_module.RowSealer, "record_findings_era", lambda self, conn: None)
        services = make_services(sqlite_target, clock)
        try:
            desk = _desk(services, tmp_path)
            assert _upgrade_entries(services) == []
        finally:
            services.close()
    make_services(sqlite_target, clock).close()  # this build's first open: no marker left
    _raw_sqlite(
        sqlite_target,
        "INSERT INTO finding (report_id, code, detail, created_at, resolved_at, resolved_by) VALUES "
        f"({desk.plain}, 'level-below-subject', 'planted', '2026-01-01 00:00:00', '2026-01-02 00:00:00', 1)",
    )
    _raw_sqlite(sqlite_target, "INSERT INTO store_setting (name, value) VALUES ('seal-findings', 'pending')")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(desk, services)
        assert [e.get("marker_set_again") for e in _upgrade_entries(services)] == [None, True]
        _assert_damaged(desk, desk.plain)
    finally:
        services.close()


def test_an_era_entry_hidden_while_the_era_is_recorded_again_lists_no_planted_finding(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """An open that finds no run of the findings upgrade in the trail records the era and lists
    the reports with findings that fail their seal as left by the upgrade, for compliance to
    settle with their findings as found. An insider with SQL hid the era entry (its facts
    edited), planted a finding on a report without one, let a desk open, and put the entry
    back: the trail verifies again, and with a compliance login the planted finding would be
    settled as found. Where the trail does not verify, that open lists nothing."""
    services = make_services(sqlite_target, clock)
    try:
        desk = _desk(services, tmp_path)
        with services.store.engine.connect() as conn:
            seq, facts = conn.execute(
                select(AuditEntry.seq, AuditEntry.facts).where(AuditEntry.facts.contains('"upgrade":"findings"'))
            ).one()
    finally:
        services.close()
    raw(
        sqlite_target,
        f"UPDATE audit_entry SET facts = '{facts.replace('findings', 'findingz')}' WHERE seq = {seq}",
        "INSERT INTO finding (report_id, code, detail, created_at, resolved_at, resolved_by) VALUES "
        f"({desk.plain}, 'level-below-subject', 'planted', '2026-01-01 00:00:00', '2026-01-02 00:00:00', 1)",
    )
    make_services(sqlite_target, clock).close()  # the era recorded again, nothing listed
    raw(sqlite_target, f"UPDATE audit_entry SET facts = '{facts}' WHERE seq = {seq}")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(desk, services)
        assert [e.get("not_resealed") for e in _upgrade_entries(services)] == [None, None]
        with pytest.raises(ServiceError, match="not the state the trail last recorded"):
            services.settle.settle(desk.compliance, "report", desk.plain, "investigated: the finding is as found")
        _assert_damaged(desk, desk.plain)
    finally:
        services.close()


@pytest.mark.parametrize("kept", ["99999999999999999999", "²", "-1"])
def test_the_kept_era_entry_number_is_any_value_an_insider_writes(
    sqlite_target: str, clock: Clock, tmp_path: Path, kept: str
) -> None:
    """The number of the entry recording the findings era is a row an insider can write: a
    value beyond any entry's (once too large for SQLite), or a digit int() does not read, is
    taken for none (the trail searched again), and every open goes on."""
    make_services(sqlite_target, clock).close()
    _raw_sqlite(sqlite_target, f"UPDATE store_setting SET value = '{kept}' WHERE name = 'findings-era-entry'")
    services = make_services(sqlite_target, clock)
    try:
        assert [e["rows"] for e in _upgrade_entries(services)] == [[]]
        with services.store.engine.connect() as conn:
            found = conn.execute(select(StoreSetting.value).where(StoreSetting.name == "findings-era-entry")).scalar()
            era = conn.execute(select(AuditEntry.seq).where(AuditEntry.facts.contains('"upgrade":"findings"'))).scalar()
        assert found == str(era)
    finally:
        services.close()


def _raw_sqlite(target: str, sql: str) -> None:
    shell = sqlite3.connect(target)
    with shell:
        shell.execute(sql)
    shell.close()


@pytest.mark.parametrize("run", ["first", "marker set again"])
def test_the_upgrade_reads_any_number_of_reports_with_findings(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: str
) -> None:
    """The upgrade read the reports that have findings with one `IN` list of their ids, one
    bound value each: a store with more reports with findings than the database takes values
    in one statement (SQLite 32,766; PostgreSQL 65,535) could not be opened at all, by any
    desk, every open failing on the upgrade. Here the limit is made 100 (what SQLite allows
    to be set) and the store holds 120 such reports (copies of one, whose seals do not hold).
    Was BROKE again (session 28): the run that finds the marker set again after the upgrade
    (de3fee1) read them so, so an insider who inserted the marker in such a store stopped
    every desk from opening it until someone deleted the marker in SQL."""
    before = _as_before_finding_seals(sqlite_target, clock, tmp_path, monkeypatch)
    shell = sqlite3.connect(sqlite_target)
    with shell:
        columns = [c[1] for c in shell.execute("PRAGMA table_info(report)") if c[1] not in ("id", "content_hash")]
        listed = ", ".join(columns)
        for n in range(120):
            (copy,) = shell.execute(
                f"INSERT INTO report ({listed}, content_hash) SELECT {listed}, printf('%064d', ?) FROM report "
                "WHERE id = ? RETURNING id",
                (n, before.hk),
            ).fetchone()
            shell.execute(
                "INSERT INTO finding (report_id, code, detail, created_at) "
                "SELECT ?, code, detail, created_at FROM finding WHERE report_id = ?",
                (copy, before.hk),
            )
    shell.close()
    if run == "marker set again":
        make_services(sqlite_target, clock).close()  # the upgrade's run: the copies left
        _raw_sqlite(sqlite_target, f"INSERT INTO store_setting (name, value) VALUES ('{SEAL_FINDINGS_SETTING}', 'x')")

    def few_values(dbapi_conn: Any, _record: Any) -> None:
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 100)

    event.listen(Pool, "connect", few_values)
    try:
        services = make_services(sqlite_target, clock)
    finally:
        event.remove(Pool, "connect", few_values)
    try:
        entry, *again = _upgrade_entries(services)
        assert [r["key"] for r in entry["rows"]] == [str(before.hk), str(before.hk + 2)]
        assert len(entry["not_resealed"]) == 120
        if run == "marker set again":
            ((last,),) = (again,)
            assert (last["rows"], last["marker_set_again"], len(last["failing"])) == ([], True, 120)
        advisor = staff(services, Role.ADVISOR)
        assert services.access.check(advisor, "C5", before.hk).to_dict()["decision"] == "allow"
    finally:
        services.close()
