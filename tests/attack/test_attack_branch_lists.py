"""Branch scope under attack, session 26: the paths added since the branch rounds of
session 23 (tests/attack/test_attack_branch_*.py), walked by a branch's advisor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import suitcheck.services.access as access_module
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Services
from suitcheck.services.errors import ServiceError
from tests.conftest import TODAY, add_client
from tests.services.test_branches import make_actor, make_world


@pytest.mark.parametrize("meanwhile", ["another branch's client re-assessed", "a listed client moved away"])
def test_a_long_list_is_refused_for_its_own_branchs_changes_only(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    """A long list (on SQLite a worker process writes its upper half, whose clients the
    list then no longer knows one by one) is refused when a client it may hold changed
    while it was made. Any client was taken as one it may hold: head office re-assessing
    a client of another branch while a branch's advisor wrote their list refused it with
    "audit entry N" (an entry of that branch's, which the advisor cannot see), so a
    branch's long list failed at every change elsewhere. A client outside the list's
    branch all the while is not on it; one moved out of it meanwhile may be, and refuses."""
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 1)
    services = sqlite_services
    w = make_world(services, tmp_path)  # A1 of HQ, B1 of B2 (id 2): C4, both eligible for R3
    for account in ("A5", "A6", "A7"):  # above B1's id: in the worker's half
        add_client(services, w.hq_compliance, account, RiskProfile.C4)
    advisor = make_actor(w, "advisor")  # of HQ
    lists_known: list[bool] = []
    record_list = access_module.AccessService._record_list

    def changed_before_recorded(self: Any, actor: Any, basis: Any, listed: Any, *args: Any, **kw: Any) -> None:
        lists_known.append(not listed.may_hold(-1))  # no client has id -1: it knows each one
        if meanwhile == "another branch's client re-assessed":
            services.investors.assess(w.hq_compliance, "B1", RiskProfile.C2, TODAY, note="branch form")
        else:
            services.investors.move(w.hq_compliance, "A7", "B2", "moved house")
        record_list(self, actor, basis, listed, *args, **kw)

    monkeypatch.setattr(access_module.AccessService, "_record_list", changed_before_recorded)
    out = tmp_path / "list.csv"
    if meanwhile == "a listed client moved away":
        with pytest.raises(ServiceError, match="changed while it was being made"):
            services.access.write_eligible(advisor, w.report, out)
        assert not out.exists()
    else:
        assert services.access.write_eligible(advisor, w.report, out).count == 4
        entries = [e for e in services.audit.browse(w.hq_compliance) if e.action == "distribution-list"]
        assert [json.loads(e.facts)["count"] for e in entries] == [4]
    assert lists_known == [False]  # the worker wrote part of it
