"""The audit tests' shared trail: a store with several sealed epochs and an open one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from suitcheck.cli import main
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from tests.conftest import PASSWORD, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

SEAL_EVERY = 10
# The checks the trail holds (tests/audit/test_replay_streamed.py replays them).
CHECKS = 33


@dataclasses.dataclass
class Trail:
    target: str
    key_path: Path
    report: int
    tmp: Path


@pytest.fixture
def trail(store_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Trail:
    """A store with a few sealed epochs (a seal every 10 entries) and an open one."""
    monkeypatch.setenv("SUITCHECK_SEAL_EVERY", str(SEAL_EVERY))
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    services = make_services(store_target, clock)
    compliance = staff(services, Role.COMPLIANCE)
    staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "T1", RiskProfile.C3)
    # As many entries as before report and branch rows were sealed (the import now also
    # records the report's sealed state, the store's creation its head-office branch's and
    # the findings era): the trail ends where an appended entry is not a due seal.
    for _ in range(CHECKS):
        clock.advance(minutes=1)
        services.access.check(compliance, "T1", report)
    path = services.ctx.audit_key_path
    services.close()
    return Trail(store_target, path, report, tmp_path)


def cli(trail: Trail, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*args, "--db", trail.target])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip()
