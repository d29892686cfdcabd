"""Every forbidden action is refused in the service layer, and the refusal is audited."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import PERMISSIONS, Permission, Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput, PermissionDenied
from tests.conftest import TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report

Call = Callable[[Services, Actor, Path, int], object]

# One representative service call per permission.
CALLS: dict[Permission, Call] = {
    Permission.VIEW_CLIENTS: lambda s, a, p, r: s.investors.search(a, ""),
    Permission.VIEW_REPORTS: lambda s, a, p, r: s.reports.get(a, r),
    Permission.CHECK_ACCESS: lambda s, a, p, r: s.access.check(a, "K1", r),
    Permission.OPEN_REPORT: lambda s, a, p, r: s.access.open_report(a, "K1", r),
    Permission.DISTRIBUTION_LIST: lambda s, a, p, r: list(s.access.eligible(a, r)),
    Permission.EDIT_CLIENTS: lambda s, a, p, r: s.investors.assess(a, "K1", RiskProfile.C4, TODAY, note="x"),
    Permission.IMPORT_REPORTS: lambda s, a, p, r: s.reports.import_paths(a, [p]),
    Permission.RATE_REPORTS: lambda s, a, p, r: s.reports.set_level(a, r, RiskLevel.R3),
    Permission.CHANGE_POLICY: lambda s, a, p, r: s.policy.update(a, validity_days=365),
    Permission.EXPORT_AUDIT: lambda s, a, p, r: s.audit.export(a, p / "out.jsonl", "jsonl"),
    Permission.VERIFY_AUDIT: lambda s, a, p, r: s.audit.verify(a),
    Permission.VIEW_AUDIT: lambda s, a, p, r: s.audit.browse(a),
    Permission.MANAGE_STAFF: lambda s, a, p, r: s.auth.list_staff(a),
    Permission.MARK_REASSESSMENT: lambda s, a, p, r: s.investors.mark_reassessment_due(a, "K1", "job lost"),
    Permission.SEE_FULL_ID: lambda s, a, p, r: s.audit.export(a, p / "full.csv", "csv", full_id_numbers=True),
    Permission.MOVE_CLIENTS: lambda s, a, p, r: s.investors.move(a, "K1", "B2", "the client moved house"),
    Permission.MANAGE_BRANCHES: lambda s, a, p, r: s.branches.add(a, "B3", "三部"),
    Permission.TRUST_INSTALLATION: lambda s, a, p, r: s.audit.trust_installation(a, s.ctx.sealer.chain),
    Permission.CORRECT_CLOCK: lambda s, a, p, r: _correct_clock(s, a),
    Permission.SETTLE_RECORDS: lambda s, a, p, r: _settle(s, a),
}


def _settle(services: Services, actor: Actor) -> object:
    """A sound client: once the role may settle, there is nothing to settle (InvalidInput)."""
    with contextlib.suppress(InvalidInput):
        services.settle.settle(actor, "investor", "K1", "checked against the account opening form")
    return None


def _correct_clock(services: Services, actor: Actor) -> object:
    """A correction has something to correct only while the clock reads behind the trail."""
    clock = services.ctx.clock
    assert isinstance(clock, Clock)
    clock.advance(days=-1)
    try:
        return services.audit.correct_clock(actor, "the clock ran a day ahead")
    finally:
        clock.advance(days=1)


def test_every_permission_has_a_call() -> None:
    assert set(CALLS) == set(Permission) - {Permission.RECORD_OVERRIDE}  # covered in test_access


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(CALLS))
def test_role_permission_matrix(sqlite_services: Services, tmp_path: Path, role: Role, permission: Permission) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "K1", RiskProfile.C5)
    services.branches.add(staff(services, Role.ADMIN, "t-root"), "B2", "二部")
    actor = staff(services, role, f"who-{role.value}")
    allowed = permission in PERMISSIONS[role]
    if allowed:
        CALLS[permission](services, actor, tmp_path, report)
        return
    with pytest.raises(PermissionDenied):
        CALLS[permission](services, actor, tmp_path, report)
    refusal = services.audit.browse(compliance, limit=1)[0]
    assert (refusal.action, refusal.staff) == ("refused", actor.username)
    # Full ID numbers come with an export, so a role without exports is refused at that step.
    expected = {permission.value} | ({Permission.EXPORT_AUDIT.value} if permission is Permission.SEE_FULL_ID else set())
    assert any(f'"{p}"' in refusal.facts for p in expected)


def test_advisor_sees_masked_id_numbers_compliance_full(sqlite_services: Services) -> None:
    from suitcheck.services.demo import make_id_number

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    admin = staff(services, Role.ADMIN, "t-root")
    number = make_id_number("110105", dt.date(1980, 5, 6), 17)
    services.investors.add(compliance, account="M1", name="马", id_number=number)
    assert services.investors.get(compliance, "M1").id_number == number
    for actor in (advisor, admin):
        shown = services.investors.get(actor, "M1").id_number
        assert shown is not None
        assert "19800506" not in shown
        assert shown.endswith(number[-4:])
    with pytest.raises(PermissionDenied, match="see-full-id"):  # a hit would complete a masked number
        services.investors.search(advisor, number)
    assert services.investors.search(compliance, number)[0].account == "M1"
