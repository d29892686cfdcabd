"""Attack: several desks on one store at the same time (session 11, attack11b). Each race is
made deterministic: the second desk acts at a chosen point of the first one's work."""

from __future__ import annotations

from typing import Any

import pytest

from suitcheck.audit import chain
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from tests.conftest import PASSWORD, Clock, add_client, make_services


def test_an_entry_committed_while_verify_reads_is_no_deleted_entry(
    services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify reads the trail in one snapshot, then compares the store's end with the head
    record kept beside the audit key. That record is rewritten after every commit of this
    installation: a check recorded at this desk (another window, a batch in a second
    process) after verify's snapshot began left the record one entry past what the snapshot
    holds, and verify said entries were deleted. The head record is read before the snapshot
    begins: every entry it names is then committed and in the snapshot."""
    add_client(services, compliance, "SNAP1", RiskProfile.C3)
    real = chain.verifier_for_store
    done: list[bool] = []

    def desk_writes_meanwhile(conn: Any, **kw: Any) -> chain.Verifier:
        if not done:
            done.append(True)
            add_client(services, compliance, "SNAP2", RiskProfile.C4)  # its own unit of work, committed
        return real(conn, **kw)

    monkeypatch.setattr(chain, "verifier_for_store", desk_writes_meanwhile)
    result = services.audit.verify(compliance)
    assert done
    assert result.ok, result.problem
    monkeypatch.undo()
    assert services.audit.verify(compliance).ok


def test_verify_after_another_process_of_this_desk_sealed(
    store_target: str, services: Services, compliance: Actor, clock: Clock
) -> None:
    """One desktop, two processes on the same audit key: the desk open all day and a
    `suitcheck audit verify` (or a batch, an export) run beside it, which seals. The desk's
    sealer still held the epoch key it loaded, and its own verify then said 'the trail is
    newer than this installation's key', a tamper alarm; its retry looked again with the
    same stale key. The retry now first catches up with the key file under the chain lock,
    as every append does."""
    add_client(services, compliance, "PROC1", RiskProfile.C3)
    other = make_services(store_target, clock)  # the second process: same store, same key file
    try:
        assert other.audit.verify(other.auth.login(compliance.username, PASSWORD)).ok  # and seals
    finally:
        other.close()
    result = services.audit.verify(compliance)
    assert result.ok, result.problem
    add_client(services, compliance, "PROC2", RiskProfile.C4)
    assert services.audit.verify(compliance).ok
