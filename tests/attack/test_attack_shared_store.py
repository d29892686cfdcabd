"""Attack: several desks on one store at the same time (session 11, attack11b). Each race is
made deterministic: the second desk acts at a chosen point of the first one's work."""

from __future__ import annotations

from typing import Any

import pytest

from suitcheck.audit import chain
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from tests.conftest import add_client


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
