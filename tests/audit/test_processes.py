"""Several real processes append to one chain; a killed process loses nothing committed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.services.audit_log import AuditFilter
from tests.conftest import FAST_HASHER, Clock, add_client, staff
from tests.fixtures import import_text_report

ROOT = Path(__file__).resolve().parents[2]


def _prepare(target: str, tmp_path: Path, clock: Clock) -> tuple[int, int]:
    services = open_services(target, clock=clock, hasher=FAST_HASHER, init=True)
    compliance = staff(services, Role.COMPLIANCE)
    staff(services, Role.ADVISOR, "w")
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "P1", RiskProfile.C4)
    base = services.audit.count(compliance, AuditFilter(action=AuditAction.CHECK))
    services.close()
    return report, base


def _worker(target: str, report: int, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.audit.worker", target, "w", "P1", str(report), str(count)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_four_processes_one_unbroken_chain(store_target: str, tmp_path: Path, clock: Clock) -> None:
    """4 processes x 2,500 checks: exactly 10,000 new entries and the chain verifies."""
    report, base = _prepare(store_target, tmp_path, clock)
    workers = [_worker(store_target, report, 2500) for _ in range(4)]
    for w in workers:
        _, err = w.communicate(timeout=900)
        assert w.returncode == 0, err
    # The workers stamped their entries by the real clock: a desk reading the fixture's day
    # (months before) is refused (ServiceContext.now), so this one reads the real clock too.
    clock.now = dt.datetime.now(dt.UTC)
    services = open_services(store_target, clock=clock, hasher=FAST_HASHER)
    compliance = services.auth.login("t-compliance", "correct horse")
    checks = services.audit.count(compliance, AuditFilter(action=AuditAction.CHECK)) - base
    result = services.audit.verify(compliance)
    services.close()
    assert checks == 10_000
    assert result.ok, result.problem


@pytest.mark.slow
def test_sigkill_mid_burst_leaves_a_sound_store(sqlite_target: str, tmp_path: Path, clock: Clock) -> None:
    report, base = _prepare(sqlite_target, tmp_path, clock)
    worker = _worker(sqlite_target, report, 1_000_000)
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with sqlite3.connect(sqlite_target) as conn:
            if conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'check'").fetchone()[0] > base + 200:
                break
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    with sqlite3.connect(sqlite_target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The workers stamped their entries by the real clock: a desk reading the fixture's day
    # (months before) is refused (ServiceContext.now), so this one reads the real clock too.
    clock.now = dt.datetime.now(dt.UTC)
    services: Services = open_services(sqlite_target, clock=clock, hasher=FAST_HASHER)  # runs quick_check
    compliance = services.auth.login("t-compliance", "correct horse")
    result = services.audit.verify(compliance)
    assert result.ok, result.problem
    assert services.audit.count(compliance, AuditFilter(action=AuditAction.CHECK)) > base + 200
    services.close()
