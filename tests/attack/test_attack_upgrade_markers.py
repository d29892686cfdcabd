"""The one-time upgrades that seal rows at open read the trail, and the desk reads the
trail without verifying it: an insider with a SQL client (no keyring) made suitcheck
seal rows they had changed.

Was BROKE: (1) `seal_existing_rows` seals every client, staff, report and policy row as
it stands when the trail holds no `record-sealed` entry (a store from before record
seals): the insider renamed those entries' action in SQL (the open compares only the
stored hash of the head), raised a C1 client to C5 and an advisor to administrator, and
the next start sealed both; the C1 client received an R4 report and the advisor logged
in as an administrator. (2) The 0011/0012 marker (`seal-reports` in store_setting) seals
a report row in the state the trail records for it, a policy version whose document the
trail records, a questionnaire version whose import the trail records: the insider
lowered an R4 report to R1 (or inserted a policy version, a questionnaire version),
wrote its state into a `record-sealed` entry (edited, or appended with its SHA-256 and
link recomputed) and inserted the marker; the next start sealed it.

An upgrade now believes the trail only when it verifies (as `audit verify` checks it,
with this desk's key for its open epoch), and only entries of this installation, of one
this desk trusts, or from before sealing, whose MAC was checked. Otherwise it seals
nothing: the rows fail their seal (the check blocks, record-integrity), and `audit
verify` names the edit. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from suitcheck.audit.chain import canonical_entry, canonical_json, entry_hash, utc_stamp
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.services.errors import AuthenticationFailed, ServiceError
from suitcheck.services.integrity import (
    LEGACY_INVESTOR_COLUMNS,
    RECORD_SEALED,
    REPORT_COLUMNS,
    SEAL_BRANCHES_SETTING,
    SEAL_REPORTS_SETTING,
    legacy_investor_message,
    report_message,
    state_digest,
)
from suitcheck.store.models import AuditEntry, Investor, PolicyVersion, Report, StoreSetting
from tests.attack.test_attack_report_seal import INTEGRITY
from tests.audit.test_tamper import raw
from tests.conftest import FAST_HASHER, PASSWORD, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _append_forged(services: Services, target: str, action: str, facts: dict[str, Any]) -> None:
    """An entry appended in SQL as suitcheck writes one: numbered, linked to the newest,
    its SHA-256 right, under this desk's chain; its MAC is not (the insider has no key)."""
    with services.store.engine.connect() as conn:
        seq, prev = conn.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).one()
    chain = services.ctx.sealer.chain
    at = utc_stamp(services.ctx.now())
    facts_json = canonical_json(facts)
    digest = entry_hash(canonical_entry(seq + 1, at, "system", action, None, None, None, "[]", facts_json, prev, chain))
    raw(
        target,
        "INSERT INTO audit_entry (seq, at, staff, action, investor_id, report_id, decision, reasons, facts, "
        f"prev_hash, entry_hash, chain, mac) VALUES ({seq + 1}, {_sql(at)}, 'system', {_sql(action)}, NULL, NULL, "
        f"NULL, '[]', {_sql(facts_json)}, {_sql(prev)}, {_sql(digest)}, {_sql(chain)}, {_sql('0' * 64)})",
    )


def _record_state_in_trail(services: Services, target: str, how: str, table: str, key: str, state: str) -> None:
    """Make the trail say `state` is the last state of (table, key): by editing the
    `record-sealed` entry that recorded it (its stored hash left: the open compares only
    the head's), or by appending a forged one."""
    if how == "appended":
        _append_forged(services, target, RECORD_SEALED, {"rows": [{"table": table, "key": key, "state": state}]})
        return
    with services.store.engine.connect() as conn:
        entries = conn.execute(
            select(AuditEntry.seq, AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED).order_by(AuditEntry.seq)
        ).all()
    # The entry that recorded the row (its state replaced), else the newest one (the row added).
    chosen = next((e for e in entries if f'"key":{json.dumps(key)}' in e.facts and table in e.facts), entries[-1])
    data = json.loads(chosen.facts)
    data["rows"] = [r for r in data["rows"] if (r["table"], r["key"]) != (table, key)]
    data["rows"].append({"table": table, "key": key, "state": state})
    raw(target, f"UPDATE audit_entry SET facts = {_sql(canonical_json(data))} WHERE seq = {chosen.seq}")


def _marker(services: Services) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(insert(StoreSetting).values(name=SEAL_REPORTS_SETTING, value="pending"))


def _verify_fails(services: Services) -> str:
    officer = services.auth.login("t-compliance", PASSWORD)
    verified = services.audit.verify(officer)
    assert not verified.ok
    return verified.problem or ""


# -- (1) the upgrade to record seals ----------------------------------------------------------


def test_hiding_the_record_seals_does_not_get_changed_rows_sealed(
    store_target: str, clock: Clock, tmp_path: Path
) -> None:
    """BROKE: every `record-sealed` entry renamed in SQL, a C1 client raised to C5 and an
    advisor made an administrator: the next start took the store for one from before
    record seals and sealed every row as it stood."""
    services = make_services(store_target, clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "L1", RiskProfile.C1)
        assert not services.access.check(advisor, "L1", report).decision.allowed
        services.access.check(advisor, "L1", report)  # the head: not a record-sealed entry
    finally:
        services.close()
    raw(
        store_target,
        "UPDATE investor SET current_profile = 5 WHERE account = 'L1'",
        "UPDATE staff SET role = 'admin' WHERE username = 't-advisor'",
        f"UPDATE audit_entry SET action = 'record-sealed-x' WHERE action = '{RECORD_SEALED}'",
    )
    services = make_services(store_target, clock)
    try:
        with pytest.raises(AuthenticationFailed):
            services.auth.login("t-advisor", PASSWORD)  # its row fails its seal: no login at all
        checker = staff(services, Role.ADVISOR, "t-other")
        decision = services.access.check(checker, "L1", report).to_dict()
        assert (decision["decision"], decision["reasons"]) == ("block", INTEGRITY)
        assert "altered" in _verify_fails(services)
    finally:
        services.close()


# -- (2) the 0011/0012 marker -----------------------------------------------------------------


@pytest.mark.parametrize("how", ["edited", "appended"])
def test_a_forged_report_state_and_the_marker_do_not_get_a_lowered_report_sealed(
    store_target: str, clock: Clock, tmp_path: Path, how: str
) -> None:
    """BROKE: an R4 report lowered to R1 in SQL, its new state written into the trail and
    the marker inserted: the next start sealed it, and a C1 client received it."""
    services = make_services(store_target, clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "L1", RiskProfile.C1)
        assert not services.access.check(advisor, "L1", report).decision.allowed
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE report SET level = 1, suggested_level = 1 WHERE id = :r"), {"r": report})
            row = conn.execute(select(*(getattr(Report, c) for c in REPORT_COLUMNS)).where(Report.id == report)).one()
            state = state_digest(report_message(row))
        _record_state_in_trail(services, store_target, how, "report", str(report), state)
        _marker(services)
    finally:
        services.close()
    services = make_services(store_target, clock)
    try:
        advisor = services.auth.login("t-advisor", PASSWORD)
        decision = services.access.check(advisor, "L1", report).to_dict()
        assert (decision["decision"], decision["reasons"]) == ("block", INTEGRITY)
        _verify_fails(services)
    finally:
        services.close()


@pytest.mark.parametrize("how", ["edited", "appended"])
def test_a_forged_policy_record_and_the_marker_do_not_get_an_inserted_policy_sealed(
    store_target: str, clock: Clock, tmp_path: Path, how: str
) -> None:
    """BROKE: a policy version inserted in SQL (an assessment valid for ten years), its
    document recorded in the trail and the marker inserted: the next start sealed it, and
    a client whose assessment had expired received an R4 report."""
    services = make_services(store_target, clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "OLD", RiskProfile.C5, days_ago=1000)
        assert not services.access.check(advisor, "OLD", report).decision.allowed
        with services.store.engine.connect() as conn:
            newest = dict(
                conn.execute(select(PolicyVersion.__table__).order_by(PolicyVersion.version.desc()).limit(1))
                .mappings()
                .one()
            )
        version = newest["version"] + 1
        document = json.loads(newest["document"])
        document.update(version=version, validity_days=3650)
        text_doc = json.dumps(document)
        newest.update(version=version, document=text_doc, integrity=None)
        with services.store.engine.begin() as conn:
            conn.execute(insert(PolicyVersion).values(**newest))
        _record_state_in_trail(services, store_target, how, "policy", str(version), state_digest(text_doc))
        _marker(services)
    finally:
        services.close()
    services = make_services(store_target, clock)
    try:
        advisor = services.auth.login("t-advisor", PASSWORD)
        with pytest.raises(ServiceError, match=rf"policy version {version} was not written by suitcheck"):
            services.access.check(advisor, "OLD", report)
    finally:
        services.close()


def test_a_genuine_marker_on_a_trail_that_verifies_still_seals(store_target: str, clock: Clock, tmp_path: Path) -> None:
    """The upgrade itself still works: report and policy rows left unsealed (as the 0010
    code left them) and the marker are sealed at the next start when the trail verifies."""
    services = make_services(store_target, clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "C5", RiskProfile.C5)
        services.policy.update(compliance, warning_days=31)
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE policy SET integrity = NULL"))
        _marker(services)
    finally:
        services.close()
    services = make_services(store_target, clock)
    try:
        advisor = services.auth.login("t-advisor", PASSWORD)
        assert services.access.check(advisor, "C5", report).decision.allowed
        officer = services.auth.login("t-compliance", PASSWORD)
        assert services.audit.verify(officer).ok
    finally:
        services.close()


# -- (3) the 0009/0013 marker -----------------------------------------------------------------


def test_a_forged_client_state_and_the_branch_marker_do_not_get_a_moved_id_number_sealed(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """BROKE (session 27): the branch upgrade's marker (`seal-branches`) re-seals a client row
    whose seal from before branches holds and whose state the trail records last, and it
    believed the trail unverified. That seal covers neither the branch nor the name nor the
    ID number: with one from a backup of that time, an insider moved another client's ID
    number to the C5 client, put the old seal back, appended its state to the trail and
    inserted the marker; the next start sealed the row with the moved ID number (and would
    have with any branch), and a clerk's search by that number went to the C5 client, intact."""
    services = make_services(sqlite_target, clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path, level="中高风险")
        add_client(services, compliance, "C5", RiskProfile.C5, id_number="11010519491231002X")
        with services.store.engine.connect() as conn:
            row = conn.execute(
                select(*(getattr(Investor, c) for c in LEGACY_INVESTOR_COLUMNS)).where(Investor.account == "C5")
            ).one()
        # The seal the code before branches wrote over this state (in a backup of that time).
        old = legacy_investor_message(row._mapping)
        old_seal = services.ctx.sealer.row_seal(old)
        with services.store.engine.begin() as conn:
            conn.execute(
                text("UPDATE investor SET id_number = '110105194912310038', integrity = :s WHERE account = 'C5'"),
                {"s": old_seal},
            )
        _append_forged(
            services,
            sqlite_target,
            RECORD_SEALED,
            {"rows": [{"table": "investor", "key": "C5", "state": state_digest(old)}]},
        )
        with services.store.engine.begin() as conn:
            conn.execute(insert(StoreSetting).values(name=SEAL_BRANCHES_SETTING, value="pending"))
    finally:
        services.close()
    services = make_services(sqlite_target, clock)
    try:
        advisor = services.auth.login("t-advisor", PASSWORD)
        decision = services.access.check(advisor, "C5", report).to_dict()
        assert (decision["decision"], decision["reasons"]) == ("block", INTEGRITY)
        _verify_fails(services)
    finally:
        services.close()


def test_a_desk_that_believes_no_report_state_does_not_seal_a_lowered_report_at_the_marker(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE (session 28): the 0011 marker seals every report row as it stands unless the
    trail records report states, and it asked only the entries this desk believes. A desk that
    joined a shared store believes none of the other desk's open epoch (up to 1,000 entries,
    where every report of a young store is recorded): an insider lowered an R5 report to R1 in
    SQL and inserted the marker, and the joined desk's next start sealed it, a C1 client was
    allowed it and that desk's `audit verify` passed. Whether report states are recorded is now
    asked of the whole trail (a planted entry only keeps the upgrade from sealing as it stands)."""
    services = make_services(sqlite_target, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        report = import_text_report(services, compliance, tmp_path, level="高风险")
        add_client(services, compliance, "L1", RiskProfile.C1)
    finally:
        services.close()
    joined_key = tmp_path / "desk-b" / "audit.key"
    joined = open_services(
        sqlite_target, clock=clock, hasher=FAST_HASHER, audit_key_path=joined_key, init=True, join=True
    )
    try:  # the joined desk trusts the first: the report holds its seal there, and blocks for C1
        decision = joined.access.check(staff(joined, Role.ADVISOR), "L1", report).to_dict()
        assert (decision["decision"], decision["reasons"]) == ("block", ["profile-below-level"])
    finally:
        joined.close()
    raw(
        sqlite_target,
        f"UPDATE report SET level = 1, suggested_level = 1 WHERE id = {report}",
        f"INSERT INTO store_setting (name, value) VALUES ('{SEAL_REPORTS_SETTING}', 'pending')",
    )
    joined = open_services(sqlite_target, clock=clock, hasher=FAST_HASHER, audit_key_path=joined_key)
    try:
        decision = joined.access.check(staff(joined, Role.ADVISOR), "L1", report).to_dict()
        assert (decision["decision"], decision["reasons"]) == ("block", INTEGRITY)
        assert f"report {report}" in _verify_fails(joined)
    finally:
        joined.close()
