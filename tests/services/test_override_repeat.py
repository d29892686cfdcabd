"""A second warning override of the same report for the same client on the same day, about
the same facts and warning: the first already admits the report for the rest of the day.
Until session 27 the service recorded it again (the desk only hid its button), so the
trail held two confirmations of one warning and the self-inspection counted and listed two
overrides. It is refused now, naming the override that stands, and nothing is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput
from suitcheck.store.models import AuditEntry
from tests.conftest import Clock, add_client, staff
from tests.fixtures import import_text_report


def _overrides(services: Services) -> int:
    with services.store.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).where(AuditEntry.action == AuditAction.OVERRIDE.value)).scalar_one()
        )


def test_a_second_identical_override_the_same_day_is_refused(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "C3", RiskProfile.C3)
    version = services.policy.update(compliance, allow_escalation=True).warning_version
    first = services.access.record_override(
        advisor, "C3", report, warning_version=version, client_confirmed=True, recording_ref="SL-1"
    )
    other = staff(services, Role.ADVISOR, "t-advisor-2")  # another clerk, another recording: the same warning
    with pytest.raises(InvalidInput, match=rf"already recorded today \(audit entry {first.audit_id}\)"):
        services.access.record_override(
            other, "C3", report, warning_version=version, client_confirmed=True, recording_ref="SL-2"
        )
    assert _overrides(services) == 1
    checked = services.access.check(other, "C3", report)
    assert checked.may_open  # what the desk shows: the first stands
    assert not checked.may_override
    clock.advance(days=1)  # the next day it is a new warning to give
    services.access.record_override(advisor, "C3", report, warning_version=version, client_confirmed=True)
    assert _overrides(services) == 2
