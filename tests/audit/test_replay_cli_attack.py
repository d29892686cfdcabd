"""`suitcheck audit replay` attacked (attack13h): what it prints for an entry suitcheck
would not have written where it stands, and for values no release writes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.roles import Role
from tests.audit.conftest import Trail
from tests.audit.test_replay_cli import checks, replay
from tests.audit.test_tamper import read_rows
from tests.conftest import Clock, make_services, staff


def _written_like(trail: Trail, clock: Clock, like: int, **changed: Any) -> int:
    """A check entry appended through suitcheck's own sealer (it verifies), with the facts
    of entry `like` changed, as a faulty release would write it."""
    services = make_services(trail.target, clock)
    try:
        compliance = staff(services, Role.COMPLIANCE)
        row = next(r for r in read_rows(trail.target) if r["seq"] == like)
        with services.ctx.transaction() as session:
            return services.ctx.audit(
                session,
                compliance,
                AuditAction.CHECK,
                investor_id=row["investor_id"],
                report_id=row["report_id"],
                decision=row["decision"],
                reasons=json.loads(row["reasons"]),
                facts={**json.loads(row["facts"]), **changed},
            ).seq
    finally:
        services.close()


def test_a_decision_stamped_with_another_version_or_day_says_so(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    first = checks(trail)[0]
    decided = json.loads(next(r["facts"] for r in read_rows(trail.target) if r["seq"] == first))["decided_on"]
    earlier = (dt.date.fromisoformat(decided) - dt.timedelta(days=3)).isoformat()
    seq = _written_like(trail, clock, first, decided_on=earlier)
    code, out = replay(trail, capsys, str(first), str(seq))
    assert code == 4, out
    assert f"entry {first} check, client 1 / report {trail.report}: reproduced under policy version 1" in out
    assert f"entry {seq} check, client 1 / report {trail.report}: DIFFERS under policy version 1 (decided_on)" in out
    assert f"    decided on {earlier}, but recorded on the firm's day {decided}" in out
    assert out.endswith("1 reproduced, 1 differ, 0 not a decision, 0 cannot be replayed.")


def test_a_decision_stamped_with_a_version_not_in_force_says_which_was(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    first = checks(trail)[0]
    services = make_services(trail.target, clock)
    try:
        services.policy.update(staff(services, Role.COMPLIANCE), validity_days=700)
    finally:
        services.close()
    seq = _written_like(trail, clock, first)  # stamped with version 1 after version 2 was stored
    code, out = replay(trail, capsys, str(seq))
    assert code == 4, out
    head = f"entry {seq} check, client 1 / report {trail.report}: "
    assert head + "DIFFERS under policy version 1 (policy_version)" in out
    assert "    stamped with policy version 1, but version 2 was in force where the entry stands in the trail" in out


def test_a_version_no_store_holds_is_one_line_and_the_period_is_replayed(
    trail: Trail, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """It ended the replay with 'suitcheck: unexpected error (OverflowError)' (exit 1), no
    entry replayed and the replay not recorded."""
    first = checks(trail)[0]
    seq = _written_like(trail, clock, first, policy_version=2**63)
    code, out = replay(trail, capsys, "--since", "2000-01-01")
    assert code == 1, out
    assert (
        f"entry {seq} check, client 1 / report {trail.report}: cannot be replayed: "
        "the entry's policy version 9223372036854775808 is not a version number"
    ) in out
    assert out.endswith(f"{len(checks(trail)) - 1} reproduced, 0 differ, 0 not a decision, 1 cannot be replayed.")
