"""Eight processes in four branches check at once on one PostgreSQL store (#14): every
check is recorded exactly once, for the right client, and the trail verifies."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import open_services
from suitcheck.services.audit_log import AuditFilter
from tests.conftest import FAST_HASHER, PASSWORD, Clock, add_client, staff
from tests.fixtures import import_text_report

ROOT = Path(__file__).resolve().parents[2]
BRANCHES = ("HQ", "B2", "B3", "B4")
CHECKS = 150


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_processes_in_four_branches(pg_target: str, tmp_path: Path, clock: Clock) -> None:
    services = open_services(pg_target, clock=clock, hasher=FAST_HASHER, init=True)
    root = staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path)
    ids = {}
    for code in BRANCHES:
        if code != "HQ":
            services.branches.add(root, code, f"营业部{code}")
        ids[code] = add_client(services, compliance, f"P-{code}", RiskProfile.C4, branch=code)
        for n in (1, 2):
            services.auth.create_staff(root, f"w-{code}-{n}", PASSWORD, Role.ADVISOR, branch=code)
    services.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.audit.worker",
                pg_target,
                f"w-{code}-{n}",
                f"P-{code}",
                str(report),
                str(CHECKS),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in BRANCHES
        for n in (1, 2)
    ]
    for w in workers:
        _, err = w.communicate(timeout=900)
        assert w.returncode == 0, err

    # The workers stamped their entries by the real clock: a desk reading the fixture's day
    # (months before) is refused (ServiceContext.now), so this one reads the real clock too.
    clock.now = dt.datetime.now(dt.UTC)
    services = open_services(pg_target, clock=clock, hasher=FAST_HASHER)
    try:
        compliance = services.auth.login("t-compliance", PASSWORD)
        for code in BRANCHES:
            entries = services.audit.browse(
                compliance, AuditFilter(action=AuditAction.CHECK, investor_id=ids[code]), limit=1000
            )
            assert len(entries) == 2 * CHECKS, code
            assert {e.staff for e in entries} == {f"w-{code}-1", f"w-{code}-2"}
            assert {json.loads(e.facts)["account"] for e in entries} == {f"P-{code}"}
        assert len(
            {e.seq for e in services.audit.browse(compliance, AuditFilter(action=AuditAction.CHECK), limit=5000)}
        ) == (8 * CHECKS)
        result = services.audit.verify(root)
        assert result.ok, result.problem
    finally:
        services.close()
