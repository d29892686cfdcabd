"""`audit settle` on rows a one-time upgrade left on their older seal ("left once, left for
good": no later run of the upgrade seals them). Once the change that made the upgrade leave
the row is undone, compliance settles it: what the older seal covers must be the state the
trail last recorded, and what it never covered (a client's name and ID number, a report's
findings) is taken as found and shown. A settled row stays decidable across reopening and
the upgrade's marker inserted again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from suitcheck.domain.roles import Role
from suitcheck.services.errors import ServiceError
from suitcheck.services.integrity import RECORD_SEALED
from suitcheck.store.models import AuditEntry
from tests.attack.test_attack_finding_seal import _as_before_finding_seals, _raw_sqlite, _reopened
from tests.conftest import Clock, make_services, staff
from tests.services.test_identity_seal import _fill, _raw

REASON = "investigated: the profile was put back as recorded (ticket 4712)"


def _left_entries(services: object) -> list[list[str]]:
    with services.store.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(select(AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED)).scalars().all()
    return [f["not_resealed"] for f in map(json.loads, rows) if "not_resealed" in f]


def test_a_client_left_by_the_identity_upgrade_is_settled_and_stays_settled(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    report = _fill(sqlite_target, clock, tmp_path)
    with _raw(sqlite_target) as engine, engine.begin() as conn:  # an insider raises a profile
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = 'U2'"))
    services = make_services(sqlite_target, clock)  # the upgrade leaves U2
    try:
        officer = staff(services, Role.COMPLIANCE)
        advisor = services.auth.login("t-advisor", "correct horse")
        assert _left_entries(services) == [["U2"]]
        with pytest.raises(ServiceError, match="not the state the trail last recorded"):
            services.settle.settle(officer, "investor", "U2", REASON)  # the raised profile: never
        with services.store.engine.begin() as conn:  # the DBA puts it back as recorded
            conn.execute(text("UPDATE investor SET current_profile = 4 WHERE account = 'U2'"))
        assert not services.access.check(advisor, "U2", report).decision.allowed
        shown = services.settle.preview(officer, "investor", "U2")
        assert (shown.form, shown.untracked, shown.left_by) == ("before-identity", ("name", "id_number"), ("identity",))
        services.settle.settle(officer, "investor", "U2", REASON, expected_state=shown.state)
        assert services.access.check(advisor, "U2", report).decision.allowed
        assert services.audit.verify(officer).ok
    finally:
        services.close()
    with _raw(sqlite_target) as engine, engine.begin() as conn:
        conn.execute(text("INSERT INTO store_setting (name, value) VALUES ('seal-identity', 'pending')"))
    services = make_services(sqlite_target, clock)  # reopened, the marker set again
    try:
        advisor = services.auth.login("t-advisor", "correct horse")
        assert services.access.check(advisor, "U2", report).decision.allowed
        assert _left_entries(services) == [["U2"]]  # not listed again
        assert services.audit.verify(services.auth.login("t-root", "correct horse")).ok
    finally:
        services.close()


def test_a_report_left_by_the_findings_upgrade_is_settled_with_its_findings_as_found(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _as_before_finding_seals(sqlite_target, clock, tmp_path, monkeypatch)
    _raw_sqlite(sqlite_target, f"UPDATE report SET suggested_level = 3 WHERE id = {before.hk}")
    services = make_services(sqlite_target, clock)  # the upgrade leaves the report
    try:
        desk = _reopened(before, services)
        with pytest.raises(ServiceError, match="not the state the trail last recorded"):
            services.settle.settle(desk.compliance, "report", desk.hk, REASON)
        _raw_sqlite(sqlite_target, f"UPDATE report SET suggested_level = 4 WHERE id = {desk.hk}")
        assert services.access.check(desk.advisor, "C5", desk.hk).to_dict()["reasons"] == ["record-integrity"]
        shown = services.settle.preview(desk.compliance, "report", desk.hk)
        assert (shown.form, shown.untracked, shown.left_by) == ("before-findings", ("findings",), ("findings",))
        assert [f["settled"] for f in shown.found["findings"]] == [False]
        services.settle.settle(desk.compliance, "report", desk.hk, REASON)
        assert services.access.check(desk.advisor, "C5", desk.hk).to_dict()["decision"] == "allow"
        assert services.audit.verify(desk.compliance).ok
    finally:
        services.close()
    _raw_sqlite(sqlite_target, "INSERT INTO store_setting (name, value) VALUES ('seal-findings', 'pending')")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(before, services)
        assert services.access.check(desk.advisor, "C5", desk.hk).to_dict()["decision"] == "allow"
    finally:
        services.close()


def test_an_identity_taken_as_found_is_still_one_suitcheck_writes(
    sqlite_target: str, clock: Clock, tmp_path: Path
) -> None:
    """A client the identity upgrade left has its name and ID number taken as found, since
    the older seal never covered them; but what is sealed so must still be what suitcheck
    writes: an ID number of someone born decades earlier than the record's birth date (which
    decisions read, the special-attention age) is refused until the number is put right. (A
    name is taken as a store from before the rule on control characters may hold it.)"""
    import datetime as dt

    from suitcheck.services.demo import make_id_number
    from tests.services.test_identity_seal import B_ID

    _fill(sqlite_target, clock, tmp_path)
    older = make_id_number("110105", dt.date(1940, 1, 2), 7)
    with _raw(sqlite_target) as engine, engine.begin() as conn:  # the insider changes both
        conn.execute(text("UPDATE investor SET current_profile = 5, id_number = :n WHERE account = 'U2'"), {"n": older})
    services = make_services(sqlite_target, clock)  # the upgrade leaves U2
    try:
        officer = staff(services, Role.COMPLIANCE)
        with services.store.engine.begin() as conn:  # the profile put back as recorded, not the number
            conn.execute(text("UPDATE investor SET current_profile = 4 WHERE account = 'U2'"))
        with pytest.raises(ServiceError, match="gives another birth date than the record"):
            services.settle.settle(officer, "investor", "U2", REASON)
        with services.store.engine.begin() as conn:  # a name as a store from before the rule may hold it
            conn.execute(
                text("UPDATE investor SET id_number = :n, name = :m WHERE account = 'U2'"), {"n": B_ID, "m": "客户\tU2"}
            )
        done = services.settle.settle(officer, "investor", "U2", REASON)
        assert (done.form, done.found["name"]) == ("before-identity", "客户\tU2")
    finally:
        services.close()


def test_a_report_whose_findings_marker_went_before_its_run_is_settled_with_its_findings_as_found(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0017's marker deleted before the open that would act on it (in the window an open
    stopped after the migrations leaves): since every open records the findings era (session
    28), the marker inserted again seals nothing, so the open that records the era lists the
    reports with findings still on their older seal as left by the upgrade, and compliance
    settles each, its findings taken as found and shown."""
    before = _as_before_finding_seals(sqlite_target, clock, tmp_path, monkeypatch)
    _raw_sqlite(sqlite_target, "DELETE FROM store_setting WHERE name = 'seal-findings'")
    services = make_services(sqlite_target, clock)
    try:
        desk = _reopened(before, services)
        assert services.access.check(desk.advisor, "C5", desk.hk).to_dict()["reasons"] == ["record-integrity"]
        assert _left_entries(services) == [[f"report:{desk.hk}", f"report:{desk.hk + 2}"]]
        shown = services.settle.preview(desk.compliance, "report", desk.hk)
        assert (shown.form, shown.left_by) == ("before-findings", ("findings",))
        services.settle.settle(desk.compliance, "report", desk.hk, REASON)
        assert services.access.check(desk.advisor, "C5", desk.hk).to_dict()["decision"] == "allow"
    finally:
        services.close()
