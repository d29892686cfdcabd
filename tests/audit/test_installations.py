"""Several desktops on one store: each installation seals with its own key chain, all
genesis keys are registered in the trail and listed, and each verifies the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.store.engine import StoreError
from tests.conftest import FAST_HASHER, PASSWORD, Clock, add_client, staff
from tests.fixtures import import_text_report


def desktop(target: str, home: Path, clock: Clock, **kw: Any) -> Services:
    return open_services(target, clock=clock, hasher=FAST_HASHER, audit_key_path=home / "audit.key", **kw)


def test_two_desktops_seal_one_store_with_their_own_keys(
    store_target: str, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUITCHECK_SEAL_EVERY", "8")
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    compliance = staff(first, Role.COMPLIANCE)
    report = import_text_report(first, compliance, tmp_path)
    add_client(first, compliance, "M1", RiskProfile.C4)

    # A second desktop has no key for this sealed store: refused, nothing created.
    with pytest.raises(StoreError, match="init --join"):
        desktop(store_target, tmp_path / "desk-b", clock)
    with pytest.raises(StoreError, match="init --join"):
        desktop(store_target, tmp_path / "desk-b", clock, init=True)
    second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
    assert second.attached is not None
    assert second.attached.note == "joined"
    assert second.ctx.sealer.chain != first.ctx.sealer.chain

    on_b = second.auth.login("t-compliance", PASSWORD)
    for n in range(30):
        clock.advance(minutes=1)
        (first if n % 3 else second).access.check(compliance if n % 3 else on_b, "M1", report)
    # A client written on desktop A is checked on desktop B with A's registered row key.
    assert second.access.check(on_b, "M1", report).decision.allowed

    info = second.audit.key_info()
    chains = [i["chain"] for i in info["installations"]]
    assert set(chains) == {first.ctx.sealer.chain, second.ctx.sealer.chain}
    assert info["installations"][0]["this_installation"]
    assert info["installations"][0]["chain"] == second.ctx.sealer.chain
    keys_file = tmp_path / "filed.txt"
    keys_file.write_text("\n".join(i["public_key"] for i in info["installations"]), encoding="utf-8")

    for services, actor in ((first, compliance), (second, on_b)):
        result = services.audit.verify(actor, [str(keys_file)])
        assert result.ok, result.problem
        assert result.seals >= 4
        assert len(result.installations) == 2

    # Both chains sealed epochs of their own.
    entries = first.audit.browse(compliance, limit=1000)
    sealers = {json.loads(e.facts)["chain"] for e in entries if e.action == "seal"}
    assert sealers == {first.ctx.sealer.chain, second.ctx.sealer.chain}

    # Only one desktop's key filed: the other's entries are not trusted.
    only_a = tmp_path / "only-a.txt"
    only_a.write_text(next(i["public_key"] for i in info["installations"] if not i["this_installation"]))
    result = first.audit.verify(compliance, [str(only_a)])
    assert not result.ok
    assert "not among the trusted public keys" in (result.problem or "")

    # An export made on B verifies with both filed keys and nothing else.
    out = tmp_path / "audit.jsonl"
    second.audit.export(on_b, out, "jsonl")
    from suitcheck.services.audit_log import parse_public_keys, verify_file_offline

    check = verify_file_offline(out, parse_public_keys([str(keys_file)]))
    assert check.ok, check.result.problem
    first.close()
    second.close()
