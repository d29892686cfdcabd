"""Hostile SQL edits of report and policy rows (an insider with write access to the store,
without the desktop's keyring): every decision about a report whose row fails its seal
is a block for record-integrity (check, batch, at-a-glance, override, opening) and no
distribution list is made from it; a policy version suitcheck did not write is never
used; `audit verify` names the row. On both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text, update

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.access import CheckResult
from suitcheck.services.context import Actor
from suitcheck.services.errors import DecisionRefuses, InvalidInput, PermissionDenied, ServiceError
from suitcheck.services.integrity import RECORD_SEALED, SEAL_REPORTS_SETTING
from suitcheck.store.models import AuditEntry, PolicyVersion, Report, StoreSetting
from tests.conftest import Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

INTEGRITY = ["record-integrity"]


@dataclasses.dataclass
class Desk:
    services: Services
    compliance: Actor
    advisor: Actor
    r1: int  # stated R1
    r4: int  # stated R4
    tmp: Path


@pytest.fixture
def desk(services: Services, tmp_path: Path) -> Desk:
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    r1 = import_text_report(services, compliance, tmp_path, level="低风险", title="宏观经济周报第十一期")
    services.policy.update(compliance, allow_escalation=True)
    add_client(services, compliance, "C1", RiskProfile.C1)
    add_client(services, compliance, "C3", RiskProfile.C3)
    add_client(services, compliance, "C5", RiskProfile.C5)
    return Desk(services, compliance, advisor, r1, r4, tmp_path)


def _raw(services: Services, sql: str, **params: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _row(services: Services, report_id: int) -> dict[str, Any]:
    with services.store.engine.connect() as conn:
        row = conn.execute(select(Report.__table__).where(Report.id == report_id)).mappings().one()
        return dict(row)


def _write(services: Services, report_id: int, **values: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(update(Report).where(Report.id == report_id).values(**values))


def _decision(desk: Desk, client: str, report: int) -> dict[str, object]:
    return desk.services.access.check(desk.advisor, client, report).to_dict()


def _assert_fails_closed(desk: Desk, report: int, *others: int) -> None:
    """Every decision about the report is a block for record-integrity, no list is made
    from it, and verify names it (or one of `others`, also edited: it names the first)."""
    services, advisor = desk.services, desk.advisor
    for client in ("C1", "C3", "C5"):
        got = _decision(desk, client, report)
        assert (got["decision"], got["reasons"]) == ("block", INTEGRITY), (client, got)
    for _, result in services.access.check_pairs(advisor, [("C5", str(report)), ("C1", str(report))]):
        assert not isinstance(result, Exception)
        assert result.to_dict()["reasons"] == INTEGRITY
    assert services.access.preview(advisor, "C5", [report]) == {report: Outcome.BLOCK}
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "C5", report)
    with pytest.raises(InvalidInput):  # the decision is a block, not allow-after-warning
        services.access.record_override(
            desk.compliance, "C1", report, warning_version=services.policy.current().warning_version,
            client_confirmed=True,
        )  # fmt: skip
    sentence = rf"Report {report}'s record was changed outside suitcheck; no distribution list"
    with pytest.raises(ServiceError, match=sentence):
        list(services.access.eligible(desk.compliance, report))
    with pytest.raises(ServiceError, match=sentence):
        services.access.eligible_shown(desk.compliance, report)
    with pytest.raises(ServiceError, match=sentence):
        services.access.write_eligible(desk.compliance, report, desk.tmp / "list.csv")
    with pytest.raises(ServiceError, match=sentence):
        services.access.eligible_count(desk.compliance, report)
    listed = {v.id: v for v in services.reports.search(advisor)}  # lists mark it, not show its level as sound
    assert not listed[report].record_intact
    assert not services.reports.get(advisor, report).record_intact
    verified = services.audit.verify(desk.compliance)
    assert not verified.ok
    named = [f"report {r}'s record was changed outside suitcheck" for r in (report, *others)]
    assert any(n in (verified.problem or "") for n in named), verified.problem


def test_untouched_reports_decide_as_before(desk: Desk) -> None:
    """The seal changes nothing for rows suitcheck wrote (the baseline the edits below break)."""
    assert _decision(desk, "C1", desk.r4)["reasons"] != INTEGRITY
    assert _decision(desk, "C5", desk.r4)["decision"] == "allow"
    assert _decision(desk, "C5", desk.r1)["decision"] == "allow"
    assert desk.services.access.open_report(desk.advisor, "C5", desk.r4).text
    assert desk.services.access.eligible_count(desk.compliance, desk.r4) == 1
    listed = {v.id: v for v in desk.services.reports.search(desk.advisor)}
    for report in (desk.r1, desk.r4):  # the list and the report's page say the same
        assert listed[report].record_intact
        assert listed[report] == desk.services.reports.get(desk.advisor, report)
    assert listed[desk.r4].matching_level is RiskLevel.R4  # the list once left it out (None)
    assert desk.services.audit.verify(desk.compliance).ok


@pytest.mark.parametrize(
    ("which", "values"),
    [
        ("r4", {"level": 1}),  # lowered: a C1 client would be allowed
        ("r4", {"level": 1, "suggested_level": 1}),
        ("r1", {"level": 5}),  # raised
        ("r1", {"suggested_level": 5}),
        ("r4", {"suggested_level": None}),
        ("r4", {"rated_at": "set"}),  # marked as rated by compliance (就高 no longer applies)
        ("r4", {"integrity": None}),  # seal removed
        ("r4", {"integrity": "x"}),
        ("r4", {"integrity": "not UTF-8"}),  # a byte of the HMAC (was: unexpected error)
        ("r4", {"integrity": "not ASCII"}),
        ("r4", {"content_hash": "0" * 64}),  # pointed at another file
    ],
)
def test_a_report_row_edited_in_sql_fails_closed(desk: Desk, which: str, values: dict[str, object]) -> None:
    report = getattr(desk, which)
    if values.get("rated_at") == "set":
        values = {"rated_at": desk.services.ctx.now()}
    if values.get("integrity") == "x":  # one digit of the HMAC changed
        chain, mac, rest = _row(desk.services, report)["integrity"].split(":", 2)
        values = {"integrity": f"{chain}:{'1' if mac[0] == '0' else '0'}{mac[1:]}:{rest}"}
    if values.get("integrity") in ("not UTF-8", "not ASCII") and desk.services.store.is_sqlite:
        byte = "X'FF'" if values["integrity"] == "not UTF-8" else "CAST('é' AS BLOB)"
        with desk.services.store.engine.begin() as conn:
            conn.exec_driver_sql(
                f"UPDATE report SET integrity = CAST(CAST(substr(integrity, 1, 20) AS BLOB) || {byte} || "
                f"CAST(substr(integrity, 22) AS BLOB) AS TEXT) WHERE id = {int(report)}"
            )
    elif values.get("integrity") in ("not UTF-8", "not ASCII"):
        # PostgreSQL holds no bytes that are not UTF-8: the HMAC's 21st character becomes
        # the text SQLite reads such a byte as (U+FFFD), or an é.
        seal = _row(desk.services, report)["integrity"]
        _write(
            desk.services,
            report,
            integrity=seal[:20] + ("\ufffd" if values["integrity"] == "not UTF-8" else "é") + seal[21:],
        )
    else:
        _write(desk.services, report, **values)
    _assert_fails_closed(desk, report)


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE report SET content_hash = CAST(content_hash AS BLOB) WHERE id = :r",
        "UPDATE report SET level = CAST('4' AS BLOB) WHERE id = :r",
        "UPDATE report SET level = 4.5 WHERE id = :r",
        "UPDATE report SET level = 'R1' WHERE id = :r",
        "UPDATE report SET level = 9 WHERE id = :r",
    ],
)
def test_a_report_value_of_a_type_suitcheck_never_writes_fails_closed(
    sqlite_services: Services, tmp_path: Path, edit: str
) -> None:
    """SQLite keeps whatever is written (a BLOB, a real, text in an integer column): the
    seal fails, never an error instead of a decision (no traceback)."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "C5", RiskProfile.C5)
    _raw(services, edit, r=report)
    got = services.access.check(advisor, "C5", report).to_dict()
    assert (got["decision"], got["reasons"]) == ("block", INTEGRITY)
    assert services.access.preview(advisor, "C5", [report]) == {report: Outcome.BLOCK}
    with pytest.raises(ServiceError, match="no distribution list"):
        services.access.eligible_count(compliance, report)
    verified = services.audit.verify(compliance)
    assert not verified.ok
    assert f"report {report}'s record was changed outside suitcheck" in (verified.problem or "")
    # The report list, its page, the dashboard and the self-inspection figures show it (a
    # stored level that is no level at all reads as none), never a raw error; rating it is
    # refused in a sentence (its row fails its seal).
    from suitcheck.services.reports import ReportFilter
    from tests.conftest import TODAY

    listed = {v.id: v for v in services.reports.search(compliance, ReportFilter())}
    assert report in listed
    if "level = 9" in edit or "level = 'R1'" in edit:
        assert listed[report].level is None
    services.reports.get(compliance, report)
    services.dashboard.figures(compliance, TODAY - dt.timedelta(days=30), TODAY)
    with pytest.raises(ServiceError):
        services.reports.set_level(compliance, report, RiskLevel.R5)


def test_a_policy_document_stored_as_a_blob_is_refused(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "C5", RiskProfile.C5)
    _raw(services, "UPDATE policy SET document = CAST(document AS BLOB)")
    with pytest.raises(ServiceError, match="was not written by suitcheck"):
        services.access.check(advisor, "C5", report)
    assert not services.audit.verify(compliance).ok


def test_rated_at_cleared_in_sql_fails_closed(desk: Desk) -> None:
    """Compliance rated a report; clearing the rating in SQL (so 就高 or 'unrated' would
    apply again, whichever helps the insider) breaks its seal."""
    desk.services.reports.set_level(desk.compliance, desk.r4, RiskLevel.R4)
    assert _decision(desk, "C5", desk.r4)["decision"] == "allow"
    _write(desk.services, desk.r4, rated_at=None, rated_by=None)
    _assert_fails_closed(desk, desk.r4)


def test_content_hashes_swapped_between_two_reports(desk: Desk) -> None:
    services = desk.services
    a, b = _row(services, desk.r1)["content_hash"], _row(services, desk.r4)["content_hash"]
    _write(services, desk.r1, content_hash="swap")
    _write(services, desk.r4, content_hash=a)
    _write(services, desk.r1, content_hash=b)
    _assert_fails_closed(desk, desk.r1, desk.r4)
    _assert_fails_closed(desk, desk.r4, desk.r1)


def test_seals_swapped_between_two_reports(desk: Desk) -> None:
    services = desk.services
    a, b = _row(services, desk.r1)["integrity"], _row(services, desk.r4)["integrity"]
    _write(services, desk.r1, integrity=b)
    _write(services, desk.r4, integrity=a)
    _assert_fails_closed(desk, desk.r1, desk.r4)
    _assert_fails_closed(desk, desk.r4, desk.r1)


def test_seals_and_hashes_swapped_between_two_reports_of_the_same_level(desk: Desk) -> None:
    """Two R4 reports, decided alike: their seals and file hashes swapped still fail (the
    seal binds the row's id), so no seal can stand in for another report's."""
    services = desk.services
    other = import_text_report(services, desk.compliance, desk.tmp, level="中高风险")
    columns = ("content_hash", "integrity")
    a = {c: _row(services, desk.r4)[c] for c in columns}
    b = {c: _row(services, other)[c] for c in columns}
    _write(services, desk.r4, content_hash="swap")
    _write(services, other, **a)
    _write(services, desk.r4, **b)
    _assert_fails_closed(desk, desk.r4, other)
    _assert_fails_closed(desk, other, desk.r4)


def test_whole_sealed_state_swapped_between_two_reports(desk: Desk) -> None:
    """Level, subject level, rating, file hash and seal moved together from the R1 report
    to the R4 one: the seal binds the row's id, so it fails on the other row."""
    services = desk.services
    columns = ("level", "suggested_level", "rated_at", "content_hash", "integrity")
    a = {c: _row(services, desk.r1)[c] for c in columns}
    b = {c: _row(services, desk.r4)[c] for c in columns}
    _write(services, desk.r1, content_hash="swap")
    _write(services, desk.r4, **a)
    _write(services, desk.r1, **b)
    _assert_fails_closed(desk, desk.r4, desk.r1)


def test_a_report_inserted_in_sql_fails_closed(desk: Desk) -> None:
    services = desk.services
    row = _row(services, desk.r1)
    row.update(id=row["id"] + 100, content_hash="f" * 64, level=1)
    with services.store.engine.begin() as conn:
        conn.execute(insert(Report).values(**row))
    _assert_fails_closed(desk, row["id"])


def test_an_old_sealed_state_put_back_after_a_rerating_is_found_by_verify(desk: Desk) -> None:
    """Compliance re-rates R4 to R5; the insider writes the R4 row back with its then-valid
    seal. The seal holds at a check (as for a copied-back client row), but verify compares
    the row with the last state the trail recorded and names it."""
    services = desk.services
    old = {c: _row(services, desk.r4)[c] for c in ("level", "suggested_level", "rated_at", "integrity")}
    services.reports.set_level(desk.compliance, desk.r4, RiskLevel.R5, note="derivatives overlay")
    assert services.audit.verify(desk.compliance).ok
    _write(services, desk.r4, **old)
    verified = services.audit.verify(desk.compliance)
    assert not verified.ok
    assert f"report {desk.r4}'s record differs from the last state the trail recorded" in (verified.problem or "")


def test_a_report_changed_in_sql_is_not_resealed_by_a_rating(desk: Desk) -> None:
    """Rating a tampered report refuses (no laundering), and the store keeps failing."""
    services = desk.services
    _write(services, desk.r4, level=1)
    with pytest.raises(ServiceError, match=rf"Report {desk.r4} was changed outside suitcheck"):
        services.reports.set_level(desk.compliance, desk.r4, RiskLevel.R1, note="looks low")
    assert _decision(desk, "C1", desk.r4)["reasons"] == INTEGRITY
    assert _row(services, desk.r4)["level"] == 1  # nothing was written


def test_a_report_file_swapped_in_sql_is_not_opened(desk: Desk) -> None:
    """The file stored for a report replaced by another (the row and its seal untouched):
    opening refuses for record-integrity instead of handing out a file nobody graded."""
    services = desk.services
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE report_content SET original = :b WHERE report_id = :r"), {"b": b"other file", "r": desk.r4}
        )
    checked = services.access.check(desk.advisor, "C5", desk.r4)
    assert checked.decision.outcome is Outcome.ALLOW  # the check reads the rows, not the file
    with pytest.raises(DecisionRefuses) as refused:
        services.access.open_report(desk.advisor, "C5", desk.r4)
    with services.store.engine.connect() as conn:
        facts = conn.execute(
            select(AuditEntry.seq, AuditEntry.facts, AuditEntry.reasons).where(AuditEntry.action == "open-refused")
        ).all()
    assert facts
    assert json.loads(facts[-1].reasons) == INTEGRITY
    # The refusal says the decision it was recorded under, for a desk to show in place of
    # the check's allow it overturned (one answer on screen, not an allow and a refusal).
    refusal = refused.value.refusal
    assert isinstance(refusal, CheckResult)
    assert (refusal.decision.outcome, [r.value for r in refusal.decision.reasons]) == (Outcome.BLOCK, INTEGRITY)
    assert (refusal.investor_id, refusal.report_id, refusal.audit_id) == (checked.investor_id, desk.r4, facts[-1].seq)
    assert not refusal.may_open
    assert not refusal.may_override


def test_writes_by_suitcheck_are_sealed_and_recorded(desk: Desk) -> None:
    """Import, rating and corrections keep the row matching its seal and the trail."""
    services = desk.services
    services.reports.set_level(desk.compliance, desk.r4, RiskLevel.R3, note="main board after all")
    services.reports.correct(desk.compliance, desk.r4, "title", "新标题", "typo")
    assert _decision(desk, "C3", desk.r4)["decision"] == "allow"
    assert services.audit.verify(desk.compliance).ok


# -- policy versions ------------------------------------------------------------------------


def _newest_policy(services: Services) -> dict[str, Any]:
    with services.store.engine.connect() as conn:
        row = conn.execute(select(PolicyVersion.__table__).order_by(PolicyVersion.version.desc()).limit(1))
        return dict(row.mappings().one())


def _refuses(desk: Desk, version: int) -> None:
    services = desk.services
    sentence = rf"policy version {version} was not written by suitcheck.*audit verify"
    with pytest.raises(ServiceError, match=sentence):
        services.access.check(desk.advisor, "C5", desk.r1)
    with pytest.raises(ServiceError, match=sentence):  # every pair would fail alike: the batch stops
        list(services.access.check_pairs(desk.advisor, [("C5", str(desk.r1))]))
    with pytest.raises(ServiceError, match=sentence):
        services.access.open_report(desk.advisor, "C5", desk.r1)
    with pytest.raises(ServiceError, match=sentence):
        services.access.eligible_count(desk.compliance, desk.r1)
    verified = services.audit.verify(desk.compliance)
    assert not verified.ok
    assert f"policy version {version}" in (verified.problem or "")


def test_a_policy_document_edited_in_place_is_not_used(desk: Desk) -> None:
    services = desk.services
    row = _newest_policy(services)
    doc = json.loads(row["document"])
    doc["allow_escalation"], doc["validity_days"] = True, 3650
    _raw(services, "UPDATE policy SET document = :d WHERE version = :v", d=json.dumps(doc), v=row["version"])
    _refuses(desk, row["version"])


@pytest.mark.parametrize("edit", ["switched off", "removed"])
def test_the_re_assessment_switch_edited_in_place_is_not_used(desk: Desk, edit: str) -> None:
    """An insider reopens R1 to clients marked for re-assessment by turning the policy's
    switch off in SQL, or by deleting it so the version reads as one stored before the
    switch existed (the earlier rule): the version's seal no longer holds, nothing is
    decided by it."""
    services = desk.services
    row = _newest_policy(services)
    doc = json.loads(row["document"])
    assert doc["reassessment_due_blocks_r1"] is True
    if edit == "removed":
        del doc["reassessment_due_blocks_r1"]
    else:
        doc["reassessment_due_blocks_r1"] = False
    _raw(services, "UPDATE policy SET document = :d WHERE version = :v", d=json.dumps(doc), v=row["version"])
    _refuses(desk, row["version"])


@pytest.mark.parametrize("edit", ["document", "seal", "document and seal"])
def test_a_policy_row_edited_after_checks_used_it_is_not_used(desk: Desk, edit: str) -> None:
    """The desk keeps the policy row it last found sound (ServiceContext._checked_policy),
    compared in full at every check: edited afterwards (in the same process, which has
    used it), the row is judged again and refused."""
    services = desk.services
    for _ in range(2):
        assert services.access.check(desk.advisor, "C5", desk.r1).audit_id > 0
    row = _newest_policy(services)
    doc = json.loads(row["document"])
    doc["validity_days"] = 3650
    older = "(SELECT integrity FROM policy WHERE version = :o)"
    if edit == "document":
        _raw(services, "UPDATE policy SET document = :d WHERE version = :v", d=json.dumps(doc), v=row["version"])
    elif edit == "seal":
        _raw(
            services,
            f"UPDATE policy SET integrity = {older} WHERE version = :v",
            o=row["version"] - 1,
            v=row["version"],
        )
    else:
        _raw(
            services,
            f"UPDATE policy SET document = :d, integrity = {older} WHERE version = :v",
            d=json.dumps(doc),
            o=row["version"] - 1,
            v=row["version"],
        )
    _refuses(desk, row["version"])


def test_a_policy_version_inserted_without_a_seal_is_not_used(desk: Desk) -> None:
    services = desk.services
    row = _newest_policy(services)
    doc = json.loads(row["document"])
    doc["version"] = row["version"] + 1
    row.update(version=row["version"] + 1, document=json.dumps(doc), integrity=None)
    with services.store.engine.begin() as conn:
        conn.execute(insert(PolicyVersion).values(**row))
    _refuses(desk, row["version"])


def test_a_policy_seal_copied_from_another_version_is_refused(desk: Desk) -> None:
    """The newest version's seal replaced by an older version's (both written by suitcheck)."""
    services = desk.services
    newest = _newest_policy(services)["version"]
    _raw(
        services,
        "UPDATE policy SET integrity = (SELECT integrity FROM policy WHERE version = :o) WHERE version = :v",
        o=newest - 1,
        v=newest,
    )
    _refuses(desk, newest)


def test_the_newest_policy_version_deleted_is_named_by_verify(desk: Desk) -> None:
    """Deleting the newest version brings back the one before it at a check (a sealed
    version suitcheck wrote); verify names the version the trail recorded but the store
    no longer holds."""
    services = desk.services
    newest = _newest_policy(services)["version"]
    _raw(services, "DELETE FROM policy WHERE version = :v", v=newest)
    verified = services.audit.verify(desk.compliance)
    assert not verified.ok
    assert f"policy {newest}, recorded in the trail, is missing" in (verified.problem or "")


def test_policy_versions_written_by_suitcheck_are_used(desk: Desk) -> None:
    services = desk.services
    services.policy.update(desk.compliance, warning_days=40)
    assert services.policy.current().warning_days == 40
    assert _decision(desk, "C5", desk.r4)["decision"] == "allow"
    assert services.audit.verify(desk.compliance).ok


# -- the upgrade (migration 0011) -----------------------------------------------------------


def _as_before_report_seals(target: str, clock: Clock, tmp_path: Path) -> tuple[int, int]:
    """A store as the 0010 code left it and the 0011 migration then made: report and policy
    rows without a seal (nothing recorded the reports' states), the migration's marker;
    and a policy version an insider inserted by SQL before the upgrade."""
    services = make_services(target, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "U4", RiskProfile.C4)
        services.policy.update(compliance, warning_days=31)
        forged = _newest_policy(services)
        doc = json.loads(forged["document"])
        doc.update(version=forged["version"] + 1, validity_days=3650)
        forged.update(version=forged["version"] + 1, document=json.dumps(doc))
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE report SET integrity = NULL"))
            conn.execute(text("UPDATE policy SET integrity = NULL"))
            conn.execute(insert(PolicyVersion).values(**forged))
            conn.execute(insert(StoreSetting).values(name=SEAL_REPORTS_SETTING, value="pending"))
        return report, int(forged["version"])
    finally:
        services.close()


def test_the_upgrade_seals_reports_and_only_recorded_policy_versions(
    store_target: str, clock: Clock, tmp_path: Path
) -> None:
    report, forged = _as_before_report_seals(store_target, clock, tmp_path)
    services = make_services(store_target, clock)
    try:
        officer = services.auth.login("t-compliance", "correct horse")
        advisor = services.auth.login("t-advisor", "correct horse")
        with services.store.engine.connect() as conn:
            assert conn.execute(select(StoreSetting).where(StoreSetting.name == SEAL_REPORTS_SETTING)).first() is None
            upgrade = [
                json.loads(f)
                for (f,) in conn.execute(select(AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED))
                if '"upgrade":"reports"' in f
            ]
        # (The store's creation sealed its head-office branch by the same upgrade: not this one.)
        upgrade = [u for u in upgrade if {r["table"] for r in u["rows"]} != {"branch"}]
        assert len(upgrade) == 1
        sealed = {(r["table"], r["key"]) for r in upgrade[0]["rows"]}
        assert ("report", str(report)) in sealed
        assert upgrade[0]["not_sealed"] == [f"policy:{forged}"]
        # The inserted version is never used, nor the one before it in its place.
        with pytest.raises(ServiceError, match=rf"policy version {forged} was not written by suitcheck"):
            services.access.check(advisor, "U4", report)
        verified = services.audit.verify(officer)
        assert not verified.ok
        assert f"policy version {forged}" in (verified.problem or "")
        # Compliance removes the forged row (an investigated incident): the sealed store verifies.
        with services.store.engine.begin() as conn:
            conn.execute(text("DELETE FROM policy WHERE version = :v"), {"v": forged})
        assert services.access.check(advisor, "U4", report).decision.allowed
        assert services.audit.verify(officer).ok
    finally:
        services.close()


@pytest.mark.parametrize("edit", ["level", "inserted row"])
def test_the_upgrade_marker_inserted_later_seals_no_changed_report(
    store_target: str, clock: Clock, tmp_path: Path, edit: str
) -> None:
    """BROKE (blocked-means-blocked): an insider lowered an R4 report to R1 in SQL (or
    inserted a report row) and inserted the 0011 migration's marker into store_setting.
    The next start re-sealed every report row as it stood, so `check` allowed a C1
    client for the R4 report and `audit verify` said OK. A report row whose state the
    trail records is now sealed only in that state, and once the trail records report
    states a row it does not record is not sealed at all (it was not written by suitcheck)."""
    services = make_services(store_target, clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "L1", RiskProfile.C1)
        assert not services.access.check(advisor, "L1", report).decision.allowed
        with services.store.engine.begin() as conn:
            if edit == "level":
                conn.execute(text("UPDATE report SET level = 1, suggested_level = 1 WHERE id = :r"), {"r": report})
            else:
                row = dict(conn.execute(select(Report.__table__).where(Report.id == report)).mappings().one())
                row.update(id=report + 100, level=1, suggested_level=1, content_hash="f" * 64, integrity=None)
                conn.execute(insert(Report).values(**row))
                report += 100
            conn.execute(insert(StoreSetting).values(name=SEAL_REPORTS_SETTING, value="pending"))
    finally:
        services.close()
    services = make_services(store_target, clock)
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        officer = services.auth.login("t-compliance", "correct horse")
        decision = services.access.check(advisor, "L1", report).to_dict()
        assert decision["decision"] == "block"
        assert decision["reasons"] == INTEGRITY
        verified = services.audit.verify(officer)
        assert not verified.ok
        assert f"report {report}" in (verified.problem or "")
    finally:
        services.close()
