"""Entries outside the trail's numbering decide nothing.

The trail is its entries numbered from 1 (audit.chain: the head is the newest numbered
entry, and `audit verify` fails a trail holding any other row). An insider with a SQL
client can add a row under seq 0 or below (the key allows it) without touching the head,
so the store still opens. Was BROKE: such a row was read as the newest warning override
of a client and report that had none, and admitted the report on a confirmation nobody
recorded. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import PermissionDenied
from suitcheck.store.models import AuditEntry
from tests.conftest import add_client
from tests.fixtures import import_text_report


@pytest.mark.parametrize("seq", [0, -7])
def test_an_override_copied_under_no_number_admits_nothing(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path, seq: int
) -> None:
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "WARNED", RiskProfile.C3)
    other = add_client(services, compliance, "OTHER", RiskProfile.C3)
    policy = services.policy.update(compliance, allow_escalation=True)
    services.access.record_override(
        advisor, "WARNED", report, warning_version=policy.warning_version, client_confirmed=True
    )
    assert services.access.check(advisor, "WARNED", report).may_open
    # The same confirmation, as if OTHER had given it: same class, profile, level, day.
    with services.store.engine.begin() as conn:
        row = (
            conn.execute(select(AuditEntry.__table__).where(AuditEntry.action == AuditAction.OVERRIDE.value))
            .one()
            ._asdict()
        )
        conn.execute(insert(AuditEntry).values({**row, "seq": seq, "investor_id": other}))
    result = services.access.check(advisor, "OTHER", report)
    assert result.decision.outcome is Outcome.ALLOW_AFTER_WARNING
    assert (result.may_open, result.may_override, result.override_recorded) == (False, True, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "OTHER", report)
    assert services.access.check(advisor, "WARNED", report).may_open  # the real one still admits
    assert not services.audit.verify(compliance).ok  # and verify names the row
