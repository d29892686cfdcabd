"""Refusals for a branch (#21).

Was BROKE: the dashboard, the self-inspection, a policy change, a questionnaire import, a
new branch, a new firm-wide account, and a client or staff account added to another branch
refuse staff who see one branch (their role may,
their reach may not), but unlike a role's refusal left nothing in the trail: a branch
officer trying the firm's figures or rules again and again was invisible to head office.
Each is now recorded as a role refusal is (`refused`, with the permission and the role),
its cause `one-branch`; the sentence is unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.roles import Permission, Role
from suitcheck.services import Services
from suitcheck.services.errors import PermissionDenied
from tests.conftest import PASSWORD, TODAY
from tests.services.test_branches import World, make_actor, make_world

# (reach of the actor, permission recorded, the call, the sentence it is refused with)
REFUSED: dict[str, tuple[str, Permission, Callable[[World, Any], object], str]] = {
    "dashboard": (
        "compliance-branch",
        Permission.VIEW_AUDIT,
        lambda w, a: w.services.dashboard.figures(a, TODAY, TODAY),
        "The compliance dashboard covers every branch",
    ),
    "inspection": (
        "compliance-branch",
        Permission.VIEW_AUDIT,
        lambda w, a: w.services.inspection.write(a, TODAY, TODAY, w.tmp / "inspection.pdf"),
        "The self-inspection report covers every branch",
    ),
    "policy": (
        "compliance-branch",
        Permission.CHANGE_POLICY,
        lambda w, a: w.services.policy.update(a, warning_days=31),
        "The policy decides for every branch",
    ),
    "questionnaire": (
        "compliance-branch",
        Permission.CHANGE_POLICY,
        lambda w, a: w.services.questionnaire.import_definition(a, "{}"),
        "The questionnaire assesses every branch's clients",
    ),
    "branch": (
        "admin-branch",
        Permission.MANAGE_BRANCHES,
        lambda w, a: w.services.branches.add(a, "B9", "九部"),
        "Only firm-wide (head-office) staff may add branches",
    ),
    "firm-wide account": (
        "admin-branch",
        Permission.MANAGE_STAFF,
        lambda w, a: w.services.auth.create_staff(a, "t-wide", PASSWORD, Role.COMPLIANCE, firm_wide=True),
        "Only a firm-wide administrator may make a firm-wide account",
    ),
    "client of another branch": (
        "compliance-branch",
        Permission.EDIT_CLIENTS,
        lambda w, a: w.services.investors.add(a, account="N9", name="甲", branch="B2"),
        "You work for one branch: you may only add records to your own branch",
    ),
    # A report's level decides for every branch too (session 26: branch compliance could
    # rate a report, correct its title or apply a re-reading, for every branch's clients).
    "rate a report": (
        "compliance-branch",
        Permission.RATE_REPORTS,
        lambda w, a: w.services.reports.set_level(a, w.report, RiskLevel.R5),
        "A report's level decides for every branch",
    ),
    "correct a report": (
        "compliance-branch",
        Permission.RATE_REPORTS,
        lambda w, a: w.services.reports.correct(a, w.report, "title", "宏观月报", "typo"),
        "A report's level decides for every branch",
    ),
    "re-read the reports": (
        "compliance-branch",
        Permission.RATE_REPORTS,
        lambda w, a: w.services.reread.preview(a),
        "A report's level decides for every branch",
    ),
    "staff of another branch": (
        "admin-branch",
        Permission.MANAGE_STAFF,
        lambda w, a: w.services.auth.create_staff(a, "t-b2-new", PASSWORD, Role.ADVISOR, branch="B2"),
        "You work for one branch: you may only add records to your own branch",
    ),
}


def _refusals(w: World, username: str) -> list[dict[str, Any]]:
    return [
        json.loads(e.facts)
        for e in w.services.audit.browse(w.hq_compliance, limit=500)
        if e.action == "refused" and e.staff == username
    ]


@pytest.mark.parametrize("what", list(REFUSED))
def test_a_refusal_for_ones_branch_is_recorded_as_a_roles_is(
    sqlite_services: Services, tmp_path: Path, what: str
) -> None:
    reach, permission, call, sentence = REFUSED[what]
    w = make_world(sqlite_services, tmp_path)
    actor = make_actor(w, reach)
    before = w.services.reports.get(w.hq_compliance, w.report)
    with pytest.raises(PermissionDenied) as refused:
        call(w, actor)
    assert str(refused.value).startswith(sentence)
    if what.endswith("a report"):  # the branch's refusal changed nothing
        assert w.services.reports.get(w.hq_compliance, w.report) == before
    assert _refusals(w, actor.username) == [
        {"permission": permission.value, "role": actor.role.value, "cause": "one-branch", "branch": actor.branch_id}
    ]
    assert sqlite_services.audit.verify(w.root).ok
    # Head office is not refused, and nothing is recorded as refused for it.
    if what in ("dashboard", "policy", "rate a report"):
        call(w, w.hq_compliance)
        assert _refusals(w, w.hq_compliance.username) == []
    if what == "rate a report":  # head office's rating is stored
        assert w.services.reports.get(w.hq_compliance, w.report).level is RiskLevel.R5


def test_a_role_refusal_is_recorded_as_before(sqlite_services: Services, tmp_path: Path) -> None:
    w = make_world(sqlite_services, tmp_path)
    advisor = make_actor(w, "advisor")
    with pytest.raises(PermissionDenied, match=r"Your role \(advisor\) may not do this"):
        sqlite_services.dashboard.figures(advisor, TODAY, TODAY)
    assert _refusals(w, advisor.username) == [{"permission": "view-audit", "role": "advisor"}]
