"""The audited check's hot path (#16): the same answers and the same trail as the check it
replaced, the same refusals, one transaction per check in a batch, on both backends."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import decide, integrity_block
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Permission, Role
from suitcheck.services import Actor, Services
from suitcheck.services.access import CheckResult, _answers
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import AuthenticationFailed, NotFound, ServiceError
from suitcheck.services.investors import investor_facts, resolve_investor
from suitcheck.services.reports import report_level
from suitcheck.store.models import AuditEntry, Investor, Staff
from tests.conftest import PASSWORD, add_client, staff
from tests.fixtures import import_text_report


def reference_check(services: Services, actor: Actor, investor_ref: str | int, report_ref: str | int) -> CheckResult:
    """AccessService.check as it was before the hot path (a separate staff re-read, then
    Core statements built per call): the reference the fast path must equal."""
    ctx = services.ctx
    actor = ctx.require(actor, Permission.CHECK_ACCESS)
    with ctx.core_transaction() as conn:
        investor = resolve_investor(conn, investor_ref, actor)
        report_id, facts, report_sealed, _older = report_level(conn, report_ref, ctx.rows)
        policy = ctx.policy(conn)
        decision = decide(investor_facts(investor), facts, ctx.today(), policy)
        if not ctx.rows.investor_ok(conn, investor) or not report_sealed:
            decision = integrity_block(decision)
        entry = ctx.audit(
            conn,
            actor,
            AuditAction.CHECK,
            investor_id=investor.id,
            report_id=report_id,
            decision=decision.outcome.value,
            reasons=[r.value for r in decision.reasons],
            facts={**decision.facts(), "account": investor.account},
        )
        return CheckResult(
            decision,
            investor.id,
            report_id,
            entry.seq,
            entry.entry_hash,
            **_answers(ctx, conn, actor, decision, investor.id, report_id, policy.warning_version),
        )


def _entry(services: Services, seq: int) -> tuple[Any, ...]:
    """What an entry records, without its place in the chain (seq, time, hashes)."""
    with services.store.session(read_only=True) as s:
        e = s.execute(select(AuditEntry).where(AuditEntry.seq == seq)).scalar_one()
        return (e.action, e.staff, e.investor_id, e.report_id, e.decision, e.reasons, e.facts, e.chain)


def _answer(result: CheckResult) -> dict[str, object]:
    return {k: v for k, v in result.to_dict().items() if k not in ("audit_id", "entry_hash")}


@dataclasses.dataclass
class World:
    services: Services
    compliance: Actor
    advisor: Actor
    pairs: list[tuple[str, str]]


@pytest.fixture
def world(services: Services, compliance: Actor, advisor: Actor, tmp_path: Path) -> World:
    """Clients and reports for every kind of answer, escalation on (allow-after-warning,
    with an override recorded for one), and one client row edited outside suitcheck."""
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    r1 = import_text_report(services, compliance, tmp_path, level="低风险", title="宏观经济周报第九期")
    unrated = import_text_report(services, compliance, tmp_path, level=None, title="未评级的报告第九篇")
    hk = import_text_report(services, compliance, tmp_path, level="中风险", title="腾讯控股（0700.HK）公司点评：回购")
    services.policy.update(compliance, allow_escalation=True)
    ids = {
        "P5": add_client(services, compliance, "P5", RiskProfile.C5),
        "P2": add_client(services, compliance, "P2", RiskProfile.C2),
        "P3": add_client(services, compliance, "P3", RiskProfile.C3),
        "OLD": add_client(services, compliance, "OLD", RiskProfile.C5, days_ago=900),
        "SOON": add_client(services, compliance, "SOON", RiskProfile.C4, days_ago=720),
        "NONE": add_client(services, compliance, "NONE", None, days_ago=None),
        "LOW": add_client(services, compliance, "LOW", RiskProfile.C1, lowest_category=True),
        "PRO": add_client(services, compliance, "PRO", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL),
        "AGED": add_client(services, compliance, "AGED", RiskProfile.C4, id_number="11010519491231002X"),
        "EDIT": add_client(services, compliance, "EDIT", RiskProfile.C2),
    }
    services.access.record_override(
        advisor, "P2", r4, warning_version=services.policy.current().warning_version, client_confirmed=True
    )
    # A hostile edit of the database file: the profile raised, the seal left as it was.
    with services.store.session() as session:
        session.execute(update(Investor).where(Investor.account == "EDIT").values(current_profile=5))
    reports = [str(r) for r in (r4, r1, unrated, hk)]
    pairs = [(account, r) for account in ids for r in reports]
    # Other spellings of a reference: the id, "#id", the forced account reading.
    pairs += [(str(ids["P3"]), str(r4)), (f"#{ids['P5']}", str(r1)), ("acct:P2", str(hk)), ("P5", f"#{r4}")]
    return World(services, compliance, advisor, pairs)


def test_fast_check_equals_the_reference_check(world: World) -> None:
    """Every pair: the same decision, reasons, facts and answers, and the same audit entry
    (but for its place in the chain), as the check before the hot path; the tampered row
    is blocked as record-integrity by both; the trail still verifies."""
    services, advisor = world.services, world.advisor
    outcomes = set()
    for client, report in world.pairs:
        fast = services.access.check(advisor, client, report)
        slow = reference_check(services, advisor, client, report)
        assert _answer(fast) == _answer(slow), (client, report)
        assert _entry(services, fast.audit_id) == _entry(services, slow.audit_id), (client, report)
        assert slow.audit_id == fast.audit_id + 1
        outcomes.add(fast.decision.outcome.value)
        if client == "EDIT":
            assert fast.to_dict()["reasons"] == ["record-integrity"]
    assert outcomes == {"allow", "block", "allow-after-warning"}
    # A report given as a record's id (int), as the GUI gives it: read as its text is.
    for client, report in world.pairs[:4]:
        fast = services.access.check(advisor, client, int(report))
        assert _answer(fast) == _answer(reference_check(services, advisor, client, report)), (client, report)
    assert any(services.access.check(advisor, "P2", r).override_recorded for _, r in world.pairs[:4])
    _verifies_but_for_the_edited_row(world)


def _verifies_but_for_the_edited_row(world: World) -> None:
    result = world.services.audit.verify(world.compliance)
    assert result.count > len(world.pairs)
    assert not result.ok
    assert result.problem is not None
    assert "seal does not match" in result.problem, result.problem
    assert "EDIT" in result.problem, result.problem


def test_fast_check_refuses_as_the_reference_does(world: World) -> None:
    """Unknown clients and reports, an ambiguous reference: the same error and sentence,
    and nothing recorded for them but a branch-scoped advisor's reference to no client
    (client-not-found: recorded as one to another branch's client is, services.scope)."""
    services, advisor = world.services, world.advisor
    p5 = services.investors.get(advisor, "P5").id
    add_client(services, world.compliance, str(p5))  # an account that reads as P5's id
    report = world.pairs[0][1]
    before = services.audit.count(world.compliance)
    refs: list[tuple[str, str | int]] = [("nobody", report), ("P5", "424242"), ("P5", "x"), (str(p5), report)]
    refs += [("", report), ("P5", 424242), ("P5", -1), ("P5", 10**9), ("P5", "-1"), ("P5", str(10**9))]
    for client, rep in refs:
        with pytest.raises(ServiceError) as fast:
            services.access.check(advisor, client, rep)
        with pytest.raises(ServiceError) as slow:
            reference_check(services, advisor, client, rep)
        assert (type(fast.value), str(fast.value)) == (type(slow.value), str(slow.value))
    assert not advisor.firm_wide
    missing = services.audit.count(world.compliance, AuditFilter(action=AuditAction.CLIENT_NOT_FOUND))
    assert missing == 4  # "nobody" and "", by the fast check and the reference one
    assert services.audit.count(world.compliance) == before + missing


def test_batch_equals_single_checks_entry_for_entry(world: World) -> None:
    """check_pairs: one transaction and one audit entry per pair, each equal to what a
    single check records for the same pair."""
    services, advisor = world.services, world.advisor
    before = services.audit.count(world.compliance)
    batch = list(services.access.check_pairs(advisor, world.pairs))
    results = [r for _, r in batch]
    assert all(isinstance(r, CheckResult) for r in results)
    assert services.audit.count(world.compliance) == before + len(world.pairs)
    for (client, report), result in batch:
        assert isinstance(result, CheckResult)
        single = services.access.check(advisor, client, report)
        assert _answer(result) == _answer(single)
        assert _entry(services, result.audit_id) == _entry(services, single.audit_id)
    _verifies_but_for_the_edited_row(world)


def _checks_by(services: Services, username: str) -> int:
    with services.store.session(read_only=True) as s:
        return len(
            s.execute(
                select(AuditEntry.seq).where(AuditEntry.staff == username, AuditEntry.action == AuditAction.CHECK.value)
            ).all()
        )


def _refusals(services: Services, username: str) -> list[dict[str, Any]]:
    with services.store.session(read_only=True) as s:
        rows = s.execute(
            select(AuditEntry.facts).where(AuditEntry.staff == username, AuditEntry.action == "refused")
        ).scalars()
        return [json.loads(f) for f in rows]


@pytest.mark.parametrize("change", ["disabled", "password-reset"])
def test_batch_stops_when_the_staff_member_is_disabled_between_two_checks(
    services: Services, compliance: Actor, tmp_path: Path, change: str
) -> None:
    """The staff row is re-read in every check of a batch: disabled (or their password
    reset) after the first pair, the second is refused, recorded as refused, and not checked."""
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "S1", RiskProfile.C5)
    advisor = staff(services, Role.ADVISOR, "t-batcher")
    root = staff(services, Role.ADMIN, "t-root")
    batch = services.access.check_pairs(advisor, [("S1", str(r4)), ("S1", str(r4)), ("S1", str(r4))])
    first = next(batch)
    assert isinstance(first[1], CheckResult)
    if change == "disabled":
        services.auth.set_disabled(root, "t-batcher", True)
    else:
        services.auth.reset_password(root, "t-batcher", PASSWORD + "-temporary")
    with pytest.raises(AuthenticationFailed):
        next(batch)
    assert _checks_by(services, "t-batcher") == 1
    cause = "disabled" if change == "disabled" else "credential"
    assert [r.get("cause") for r in _refusals(services, "t-batcher")] == [cause]
    with pytest.raises(AuthenticationFailed):  # and a single check as well
        services.access.check(advisor, "S1", r4)
    assert _checks_by(services, "t-batcher") == 1


def test_batch_meets_a_client_moved_to_another_branch_as_a_missing_one(services: Services, tmp_path: Path) -> None:
    """Branch scope on the hot path: a client moved out of the advisor's branch between two
    checks of a batch is answered as missing, and the attempt is recorded."""
    root = staff(services, Role.ADMIN, "t-root")
    compliance = staff(services, Role.COMPLIANCE)
    services.branches.add(root, "B2", "二部", "上海")
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "M1", RiskProfile.C5)
    advisor = staff(services, Role.ADVISOR, "t-branch-advisor")
    batch = services.access.check_pairs(advisor, [("M1", str(r4)), ("M1", str(r4))])
    assert isinstance(next(batch)[1], CheckResult)
    services.investors.move(compliance, "M1", "B2", "moved to the Shanghai branch")
    _pair, second = next(batch)
    assert isinstance(second, NotFound)
    with services.store.session(read_only=True) as s:
        hidden = s.execute(
            select(AuditEntry.facts).where(AuditEntry.action == AuditAction.CLIENT_OUT_OF_BRANCH.value)
        ).scalars()
        assert [json.loads(f)["cause"] for f in hidden] == ["other-branch"]
    assert _checks_by(services, "t-branch-advisor") == 1


def test_a_staff_row_without_a_branch_sees_no_client_on_the_hot_path(world: World) -> None:
    """Fail closed: a branch-scoped staff row whose branch is gone finds no client, as on
    the reference path, and the attempt is recorded (the row changed as suitcheck writes
    it, sealed on flush: written outside suitcheck, the session ends at once instead)."""
    services, advisor = world.services, world.advisor
    with services.store.session() as session:
        session.execute(select(Staff).where(Staff.username == advisor.username)).scalar_one().branch_id = None
    for check in (services.access.check, lambda a, c, r: reference_check(services, a, c, r)):
        with pytest.raises(NotFound) as refused:
            check(advisor, "P5", world.pairs[0][1])
        assert "P5" in str(refused.value)
    with services.store.session(read_only=True) as s:
        hidden = s.execute(
            select(AuditEntry.staff).where(AuditEntry.action == AuditAction.CLIENT_OUT_OF_BRANCH.value)
        ).scalars()
        assert list(hidden) == [advisor.username, advisor.username]
