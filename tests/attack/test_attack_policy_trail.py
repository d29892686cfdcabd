"""A hostile insider with SQL access to the store (not the desktop's keyring) against the
policy's versions. Compliance shortens the validity period (a new version, sealed); deleting
that row in SQL brought back the version before it, sealed and suitcheck's own: every desk
decided under the longer period again, silently, and an expired client was allowed and
recorded as allowed, until somebody ran `audit verify`. The trail records every version
stored: a newest version the trail names and the store lacks decides nothing. On both
backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from tests.conftest import TODAY, add_client
from tests.fixtures import import_text_report


def _raw(services: Services, sql: str, **params: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _r5_report(services: Services, compliance: Actor, folder: Path) -> int:
    return import_text_report(services, compliance, folder, level="高风险", title="商品期货策略", report_type="期货")


def test_the_newest_policy_version_deleted_decides_nothing(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _r5_report(services, compliance, tmp_path)
    add_client(services, compliance, "PT1", RiskProfile.C5, 400)  # valid for 730 days, not for 365
    shorter = services.policy.update(compliance, validity_days=365)
    assert services.access.check(advisor, "PT1", report).decision.outcome is Outcome.BLOCK
    _raw(services, "DELETE FROM policy WHERE version = :v", v=shorter.version)

    before = services.audit.count(compliance)
    sentence = (
        rf"^The audit trail records storing policy version {shorter.version}, but the store's newest is "
        r"version 1: .*nothing was decided\..*audit verify"
    )
    with pytest.raises(ServiceError, match=sentence):
        services.access.check(advisor, "PT1", report)
    with pytest.raises(ServiceError, match=sentence):
        services.reminders.reminders(advisor)
    with pytest.raises(ServiceError, match=sentence):
        services.policy.update(compliance, validity_days=400)
    assert services.audit.count(compliance) == before
    # The versions past decisions name are still read, to replay them.
    assert services.policy.version(1).validity_days == 730
    verified = services.audit.verify(compliance)
    assert not verified.ok
    assert f"policy {shorter.version}, recorded in the trail, is missing" in (verified.problem or "")


def test_an_older_version_deleted_leaves_the_newest_deciding(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """Only the newest version decides: an older one removed is named by verify, and the
    desks go on under the newest (nothing is decided under a version it replaced)."""
    report = _r5_report(services, compliance, tmp_path)
    add_client(services, compliance, "PT2", RiskProfile.C5, 30)
    middle = services.policy.update(compliance, validity_days=365)
    newest = services.policy.update(compliance, warning_days=20)
    _raw(services, "DELETE FROM policy WHERE version = :v", v=middle.version)
    result = services.access.check(advisor, "PT2", report)
    assert (result.decision.outcome, result.decision.policy_version) == (Outcome.ALLOW, newest.version)
    assert result.decision.decided_on == TODAY
    assert services.reminders.reminders(advisor, within_days=10) == []
    assert TODAY - dt.timedelta(days=30) == services.investors.get(advisor, "PT2").assessed_on
    assert not services.audit.verify(compliance).ok
