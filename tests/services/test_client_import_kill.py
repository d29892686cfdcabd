"""An import killed half-way (SIGKILL, no chance to clean up) leaves the store as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import open_services
from tests.conftest import FAST_HASHER, Clock, add_client, staff
from tests.services.clientfiles import client_rows, write_csv
from tests.services.test_client_import import counts

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_an_import_killed_while_writing_leaves_the_store_as_before(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    services = open_services(store_target, clock=clock, hasher=FAST_HASHER, init=True)
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "KEEP", RiskProfile.C2)
    before = counts(services)
    services.close()
    path = write_csv(tmp_path / "big.csv", client_rows(3_000))

    worker = subprocess.Popen(
        # The worker stops at its first "new" (inside the transaction) until it is killed: on a
        # busy machine it otherwise committed in the ~0.1 s the test took to send the kill.
        [sys.executable, "-m", "tests.services.import_worker", store_target, compliance.username, str(path), "new"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    seen = []
    try:
        for line in worker.stdout:
            seen.append(line.split()[0])
            if seen[-1] == "new":  # new clients inserted, their audit entries being appended
                break
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=60)
    assert seen[-1] == "new", seen
    assert "done" not in seen, seen
    assert worker.returncode == -signal.SIGKILL

    services = open_services(store_target, clock=clock, hasher=FAST_HASHER)
    try:
        assert counts(services) == before
        compliance = staff(services, Role.COMPLIANCE)
        assert services.audit.verify(compliance).ok
        assert services.investors.count(compliance) == 1
        # and the same file imports cleanly afterwards
        small = write_csv(tmp_path / "small.csv", client_rows(3))
        assert services.client_files.import_clients(compliance, small).new == 3
    finally:
        services.close()
