"""A warning override admits a report only while the seal it was recorded with holds.

The desk reads a client's newest override without verifying the trail (that takes a
verify), and what an entry carries for the trail, its SHA-256 and, in a sealed epoch, its
MAC, anyone can compute. Was BROKE: an insider with a SQL client turned an entry about
another client into an override (or copied one to another client), and the report opened
for that client on a confirmation nobody recorded. The store still opened: only the
head is compared at open. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import PermissionDenied
from suitcheck.services.integrity import OVERRIDE_SEAL
from suitcheck.store.models import AuditEntry
from tests.audit.test_installations import desktop
from tests.audit.test_tamper import raw
from tests.conftest import PASSWORD, Clock, add_client, staff
from tests.fixtures import import_text_report


def _warned(services: Services, compliance: Actor, advisor: Actor, tmp_path: Path) -> tuple[int, int, int]:
    """A report WARNED's client confirmed the warning for, and OTHER (same class, profile
    and day) checked against it: (report, WARNED's id, OTHER's id)."""
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    warned = add_client(services, compliance, "WARNED", RiskProfile.C3)
    other = add_client(services, compliance, "OTHER", RiskProfile.C3)
    policy = services.policy.update(compliance, allow_escalation=True)
    services.access.record_override(
        advisor, "WARNED", report, warning_version=policy.warning_version, client_confirmed=True
    )
    assert services.access.check(advisor, "WARNED", report).may_open
    assert not services.access.check(advisor, "OTHER", report).may_open
    return report, warned, other


def _override_row(services: Services) -> dict[str, Any]:
    with services.store.engine.connect() as conn:
        return dict(
            conn.execute(select(AuditEntry.__table__).where(AuditEntry.action == AuditAction.OVERRIDE.value))
            .one()
            ._mapping
        )


def _assert_not_admitted(services: Services, advisor: Actor, report: int) -> None:
    result = services.access.check(advisor, "OTHER", report)
    assert result.decision.outcome is Outcome.ALLOW_AFTER_WARNING
    assert (result.may_open, result.may_override, result.override_recorded) == (False, True, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "OTHER", report)


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@pytest.mark.parametrize("account", ["kept", "changed"])
def test_an_entry_turned_into_an_override_in_sql_admits_nothing(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path, account: str
) -> None:
    """OTHER's own check entry (not the head: the store opens) rewritten as an override,
    WARNED's confirmation facts copied into it (its account changed to OTHER's, or not)."""
    report, _, other = _warned(services, compliance, advisor, tmp_path)
    facts = json.loads(_override_row(services)["facts"])
    if account == "changed":
        facts["account"] = "OTHER"
    with services.store.engine.connect() as conn:
        target = conn.execute(
            select(AuditEntry.seq).where(AuditEntry.action == "check", AuditEntry.investor_id == other)
        ).scalar_one()
    services.access.check(advisor, "WARNED", report)  # an entry after it: the head is not the one changed
    raw(
        store_target,
        f"UPDATE audit_entry SET action = 'override', facts = {_sql(json.dumps(facts))} WHERE seq = {target}",
    )
    _assert_not_admitted(services, advisor, report)
    assert services.access.check(advisor, "WARNED", report).may_open  # the real one still admits


def test_an_override_without_its_seal_admits_nothing(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """WARNED's own override as an earlier version recorded it (no seal), or with the seal
    taken out: the clerk records the override again (the client confirms again); it
    admitted for that day only anyway."""
    report, _, _ = _warned(services, compliance, advisor, tmp_path)
    row = _override_row(services)
    facts = json.loads(row["facts"])
    del facts[OVERRIDE_SEAL]
    services.access.check(advisor, "WARNED", report)  # not the head
    raw(store_target, f"UPDATE audit_entry SET facts = {_sql(json.dumps(facts))} WHERE seq = {row['seq']}")
    result = services.access.check(advisor, "WARNED", report)
    assert (result.may_open, result.may_override, result.override_recorded) == (False, True, False)


def test_an_override_with_another_clients_seal_admits_nothing(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """WARNED's genuine override, its client id changed to OTHER's (a seal binds the client
    and the report it was made for)."""
    report, _, other = _warned(services, compliance, advisor, tmp_path)
    seq = _override_row(services)["seq"]
    services.access.check(advisor, "WARNED", report)  # not the head
    raw(store_target, f"UPDATE audit_entry SET investor_id = {other} WHERE seq = {seq}")
    _assert_not_admitted(services, advisor, report)


def test_a_seal_edited_admits_nothing(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """WARNED's own override, its seal's HMAC replaced: it no longer admits even WARNED."""
    report, _, _ = _warned(services, compliance, advisor, tmp_path)
    row = _override_row(services)
    facts = json.loads(row["facts"])
    chain, mac, signature = facts[OVERRIDE_SEAL].split(":")
    facts[OVERRIDE_SEAL] = f"{chain}:{'0' * len(mac)}:{signature}"
    services.access.check(advisor, "WARNED", report)  # not the head
    raw(store_target, f"UPDATE audit_entry SET facts = {_sql(json.dumps(facts))} WHERE seq = {row['seq']}")
    result = services.access.check(advisor, "WARNED", report)
    assert (result.may_open, result.may_override, result.override_recorded) == (False, True, False)


def test_an_override_recorded_on_one_desk_admits_on_another(store_target: str, tmp_path: Path, clock: Clock) -> None:
    """The seal is this desk's HMAC, and a signature with its registered row key that the
    other desks of a shared store check: the confirmation holds at every desk that day."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    second: Services | None = None
    try:
        compliance = staff(first, Role.COMPLIANCE)
        advisor = staff(first, Role.ADVISOR)
        report = import_text_report(first, compliance, tmp_path, level="中高风险")
        add_client(first, compliance, "WARNED", RiskProfile.C3)
        policy = first.policy.update(compliance, allow_escalation=True)
        second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
        on_b = second.auth.login(advisor.username, PASSWORD)
        assert not second.access.check(on_b, "WARNED", report).may_open
        first.access.record_override(
            advisor, "WARNED", report, warning_version=policy.warning_version, client_confirmed=True
        )
        assert second.access.check(on_b, "WARNED", report).may_open
        assert second.access.open_report(on_b, "WARNED", report).report_id == report
    finally:
        first.close()
        if second is not None:
            second.close()


def test_an_override_nested_too_deep_to_read_admits_nothing(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """Was BROKE: WARNED's override, its facts rewritten in SQL as JSON nested 100,000 deep
    ('[[[[...'), made every check and opening of WARNED's report stop with a RecursionError
    (json.loads raises it, and it is no ValueError): a traceback where a changed entry
    admits nothing. It is read as an override that cannot be read; the clerk is offered the
    override again."""
    report, _, _ = _warned(services, compliance, advisor, tmp_path)
    seq = _override_row(services)["seq"]
    services.access.check(advisor, "WARNED", report)  # not the head
    raw(store_target, f"UPDATE audit_entry SET facts = {_sql('[' * 100_000)} WHERE seq = {seq}")
    result = services.access.check(advisor, "WARNED", report)
    assert (result.may_open, result.may_override, result.override_recorded) == (False, True, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "WARNED", report)
