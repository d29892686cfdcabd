"""Check, open, override and distribution lists through the services, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.access import CheckResult
from suitcheck.services.errors import InvalidInput, NotFound, PermissionDenied
from suitcheck.store.models import Investor, Report
from tests.conftest import TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report


@pytest.fixture
def r4(services: Services, compliance: Actor, tmp_path: Path) -> int:
    return import_text_report(services, compliance, tmp_path, level="中高风险")


def test_check_decides_and_records(services: Services, compliance: Actor, advisor: Actor, r4: int) -> None:
    c5 = add_client(services, compliance, "A5", RiskProfile.C5)
    c3 = add_client(services, compliance, "A3", RiskProfile.C3)
    allowed = services.access.check(advisor, "A5", r4)
    blocked = services.access.check(advisor, c3, r4)
    assert allowed.decision.outcome is Outcome.ALLOW
    assert allowed.investor_id == c5
    assert blocked.decision.outcome is Outcome.BLOCK
    assert blocked.decision.reasons == (Reason.PROFILE_BELOW_LEVEL,)
    assert blocked.audit_id == allowed.audit_id + 1
    d = blocked.to_dict()
    assert {k: d[k] for k in ("decision", "reasons", "investor", "report", "profile", "level")} == {
        "decision": "block",
        "reasons": ["profile-below-level"],
        "investor": c3,
        "report": r4,
        "profile": "C3",
        "level": "R4",
    }
    assert len(str(d["entry_hash"])) == 64
    entries = services.audit.browse(compliance)
    newest = entries[0]
    assert (newest.action, newest.decision, newest.investor_id, newest.staff) == (
        "check",
        "block",
        c3,
        advisor.username,
    )


def test_unknown_client_or_report(services: Services, compliance: Actor, advisor: Actor, r4: int) -> None:
    add_client(services, compliance, "A1")
    with pytest.raises(NotFound, match="No client"):
        services.access.check(advisor, "nobody", r4)
    with pytest.raises(NotFound, match="No report"):
        services.access.check(advisor, "A1", 99999)
    with pytest.raises(NotFound, match="No report"):
        services.access.check(advisor, "A1", "R4; DROP TABLE report")


def test_blocked_report_cannot_be_opened(services: Services, compliance: Actor, advisor: Actor, r4: int) -> None:
    add_client(services, compliance, "A2", RiskProfile.C2)
    add_client(services, compliance, "A4", RiskProfile.C4)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "A2", r4)
    opened = services.access.open_report(advisor, "A4", r4)
    assert "风险等级为中高风险" in opened.text
    assert opened.original
    actions = [e.action for e in services.audit.browse(compliance, limit=2)]
    assert actions == ["open", "open-refused"]


def test_expired_and_unassessed_clients_are_blocked(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    r1 = import_text_report(
        services, compliance, tmp_path, level="低风险", title="宏观经济观察", report_type="宏观周报"
    )
    add_client(services, compliance, "OLD", RiskProfile.C5, days_ago=800)
    add_client(services, compliance, "NEW", None, days_ago=None)
    old = services.access.check(advisor, "OLD", r1)
    new = services.access.check(advisor, "NEW", r1)
    assert Reason.ASSESSMENT_EXPIRED in old.decision.reasons
    assert not old.decision.allowed
    assert new.decision.reasons == (Reason.ASSESSMENT_MISSING,)


def test_new_assessment_replaces_expired_one(services: Services, compliance: Actor, advisor: Actor, r4: int) -> None:
    add_client(services, compliance, "X", RiskProfile.C5, days_ago=800)
    assert not services.access.check(advisor, "X", r4).decision.allowed
    services.investors.assess(compliance, "X", RiskProfile.C4, TODAY, note="branch form")
    assert services.access.check(advisor, "X", r4).decision.allowed
    # An older assessment recorded later does not displace the newer one.
    services.investors.assess(compliance, "X", RiskProfile.C1, TODAY - dt.timedelta(days=10), note="paper")
    assert services.investors.get(advisor, "X").profile is RiskProfile.C4
    assert len(services.investors.history(advisor, "X")) == 3


def test_escalation_override_is_structured(services: Services, compliance: Actor, advisor: Actor, r4: int) -> None:
    add_client(services, compliance, "C2", RiskProfile.C2)
    with pytest.raises(InvalidInput):  # policy off: nothing to override
        services.access.record_override(advisor, "C2", r4, warning_version="W1", client_confirmed=True)
    policy = services.policy.update(compliance, allow_escalation=True)
    result = services.access.check(advisor, "C2", r4)
    assert result.decision.outcome is Outcome.ALLOW_AFTER_WARNING
    assert result.decision.policy_version == policy.version
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "C2", r4)
    with pytest.raises(InvalidInput, match="not confirmed"):
        services.access.record_override(
            advisor, "C2", r4, warning_version=policy.warning_version, client_confirmed=False
        )
    with pytest.raises(InvalidInput, match="not the current version"):
        services.access.record_override(advisor, "C2", r4, warning_version="W0", client_confirmed=True)
    services.access.record_override(
        advisor, "C2", r4, warning_version=policy.warning_version, client_confirmed=True, recording_ref="REC-2026-0001"
    )
    assert services.access.open_report(advisor, "C2", r4).report_id == r4
    override = next(e for e in services.audit.browse(compliance) if e.action == "override")
    assert '"recording_ref":"REC-2026-0001"' in override.facts
    assert '"warning_version":"W1"' in override.facts


def _answers(result: CheckResult) -> tuple[bool, bool, bool]:
    return result.may_open, result.may_override, result.override_recorded


def test_check_result_says_what_may_follow(
    services: Services, compliance: Actor, advisor: Actor, r4: int, clock: Clock
) -> None:
    """may_open / may_override are the service's answers (the GUI and CLI show them):
    allow opens, block offers nothing, a warning offers the override until it is recorded,
    and a recorded override admits the report for the rest of that day only."""
    add_client(services, compliance, "C5", RiskProfile.C5)
    add_client(services, compliance, "C2", RiskProfile.C2)
    add_client(services, compliance, "LOW", RiskProfile.C1, lowest_category=True)
    allowed = services.access.check(advisor, "C5", r4)
    assert _answers(allowed) == (True, False, False)
    assert allowed.to_dict()["may_open"] is True
    assert _answers(services.access.check(advisor, "C2", r4)) == (False, False, False)  # escalation off: blocked
    policy = services.policy.update(compliance, allow_escalation=True)
    warned = services.access.check(advisor, "C2", r4)
    assert warned.decision.outcome is Outcome.ALLOW_AFTER_WARNING
    assert _answers(warned) == (False, True, False)
    assert _answers(services.access.check(advisor, "LOW", r4)) == (False, False, False)  # never escalated
    overridden = services.access.record_override(
        advisor, "C2", r4, warning_version=policy.warning_version, client_confirmed=True
    )
    assert _answers(overridden) == (True, False, True)
    again = services.access.check(advisor, "C2", r4)
    assert _answers(again) == (True, False, True)
    assert services.access.open_report(advisor, "C2", r4).report_id == r4  # may_open was the truth
    clock.advance(days=1)
    next_day = services.access.check(advisor, "C2", r4)
    assert _answers(next_day) == (False, True, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "C2", r4)


def test_an_override_admits_only_under_the_warning_and_facts_it_was_recorded_for(
    services: Services, compliance: Actor, advisor: Actor, r4: int
) -> None:
    """The client confirmed one warning text about one profile: a new warning text, a new
    assessment or the switch turned off the same day, and the report is no longer handed
    out on that confirmation; the new warning is offered instead."""
    add_client(services, compliance, "OV", RiskProfile.C3)
    policy = services.policy.update(compliance, allow_escalation=True)
    services.access.record_override(advisor, "OV", r4, warning_version=policy.warning_version, client_confirmed=True)
    assert _answers(services.access.check(advisor, "OV", r4)) == (True, False, True)
    # Compliance rewrites the warning (W2): the client has not seen these words.
    reworded = services.policy.update(compliance, warning_text="新的特别风险警示。")
    assert reworded.warning_version != policy.warning_version
    assert _answers(services.access.check(advisor, "OV", r4)) == (False, True, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "OV", r4)
    services.access.record_override(advisor, "OV", r4, warning_version=reworded.warning_version, client_confirmed=True)
    assert services.access.open_report(advisor, "OV", r4).report_id == r4
    # Re-assessed lower the same day: the confirmation spoke of C3, not C2.
    services.investors.assess(compliance, "OV", RiskProfile.C2, TODAY, note="branch form")
    assert _answers(services.access.check(advisor, "OV", r4)) == (False, True, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "OV", r4)
    services.access.record_override(advisor, "OV", r4, warning_version=reworded.warning_version, client_confirmed=True)
    assert services.access.open_report(advisor, "OV", r4).report_id == r4
    # The switch turned off: strict table, the override admits nothing.
    services.policy.update(compliance, allow_escalation=False)
    assert _answers(services.access.check(advisor, "OV", r4)) == (False, False, False)
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "OV", r4)


def test_lowest_category_cannot_be_escalated(services: Services, compliance: Actor, advisor: Actor, r4: int) -> None:
    services.policy.update(compliance, allow_escalation=True)
    add_client(services, compliance, "LOW", RiskProfile.C1, lowest_category=True)
    assert services.access.check(advisor, "LOW", r4).decision.outcome is Outcome.BLOCK


def test_eligible_is_the_strict_table(
    services: Services, compliance: Actor, advisor: Actor, r4: int, tmp_path: Path
) -> None:
    services.policy.update(compliance, allow_escalation=True)  # never widens a distribution list
    add_client(services, compliance, "C4", RiskProfile.C4)
    add_client(services, compliance, "C5", RiskProfile.C5)
    add_client(services, compliance, "C3", RiskProfile.C3)
    add_client(services, compliance, "EXP", RiskProfile.C5, days_ago=900)
    add_client(services, compliance, "PRO", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    add_client(services, compliance, "LOW", RiskProfile.C1, lowest_category=True)
    add_client(services, compliance, "PROLOW", None, days_ago=None)
    _force(services, "PROLOW", investor_class="professional", lowest_category=True)  # a hand-edited store
    names = sorted(v.account for v in services.access.eligible(advisor, r4))
    assert names == ["C4", "C5", "PRO"]
    assert services.access.eligible_count(advisor, r4) == 3
    r1 = import_text_report(
        services, compliance, tmp_path, level="低风险", title="宏观经济周报第二期", report_type="宏观周报"
    )
    assert sorted(v.account for v in services.access.eligible(advisor, r1)) == [
        "C3",
        "C4",
        "C5",
        "LOW",
        "PRO",
        "PROLOW",
    ]
    unrated = import_text_report(services, compliance, tmp_path, level=None, title="未评级的报告一篇")
    assert list(services.access.eligible(advisor, unrated)) == []


def _force(services: Services, account: str, *, sealed: bool = True, **columns: object) -> None:
    """Write client columns straight into the store, as an old record or a hostile edit
    of the database file would, bypassing every service check."""
    with services.store.session() as session:
        session.execute(update(Investor).where(Investor.account == account).values(**columns))
    if not sealed:
        return  # a hostile edit: no key, so no valid seal
    # Re-seal it, so these tests see the rules applied to such a row; a row left unsealed
    # is blocked as record-integrity (tests/audit/test_tamper.py).
    with services.ctx.core_transaction() as conn:
        services.ctx.rows.seal_accounts(conn, [account])


# Days before today of the assessment, relative to the policy under test: the last valid
# day, the first expired day, both sides of the warning window's edge, today, tomorrow.
EDGES = ("validity-1", "validity", "validity+1", "warning", "warning-1", "warning+1", "today", "future")


def _days_ago(edge: str | int, validity: int, warning: int) -> int:
    if isinstance(edge, int):
        return edge
    base, _, delta = edge.replace("-", " -").replace("+", " +").partition(" ")
    offset = int(delta) if delta else 0
    return {"validity": validity, "warning": validity - warning, "today": 0, "future": -1}[base] + offset


clients = st.lists(
    st.tuples(
        st.sampled_from(InvestorClass),
        st.none() | st.sampled_from(RiskProfile),
        st.sampled_from(EDGES) | st.integers(0, 1200),
        st.booleans(),
        st.booleans(),  # situation changed: re-assessment due
    ),
    min_size=1,
    max_size=10,
)


@st.composite
def policies(draw: st.DrawFn) -> tuple[int, int, bool]:
    validity = draw(st.integers(30, 1000))
    return validity, draw(st.integers(0, min(validity - 1, 90))), draw(st.booleans())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    population=clients,
    level=st.sampled_from(RiskLevel),
    subject=st.sampled_from(["宏观", "港股", "期货", "行业"]),
    confirmed=st.booleans(),
    policy=policies(),
)
def test_eligible_sql_equals_decide_for_every_client(
    services: Services,
    tmp_path_factory: pytest.TempPathFactory,
    population: list[Any],
    level: RiskLevel,
    subject: str,
    confirmed: bool,
    policy: tuple[int, int, bool],
) -> None:
    """The SQL distribution list and per-client `decide` agree, on SQLite and PostgreSQL:
    professionals in the lowest category (only possible in an edited store), assessments
    on the validity and warning-window edges, escalation on or off (the list never
    escalates: only a plain allow counts), a stated level below the subject's (就高) with
    and without compliance's confirmation."""
    comp = staff(services, Role.COMPLIANCE)
    validity, warning, escalation = policy
    current = services.policy.current()
    if (current.validity_days, current.warning_days, current.allow_escalation) != (validity, warning, escalation):
        services.policy.update(comp, validity_days=validity, warning_days=warning, allow_escalation=escalation)
    run = tmp_path_factory.mktemp("r")
    report = import_text_report(
        services, comp, run, level=level.label_zh, title=f"{subject}报告{run.name}", report_type=f"{subject}周报"
    )
    if confirmed:
        services.reports.set_level(comp, report, level, note="复核")
    accounts = []
    for n, (cls, profile, edge, lowest, due) in enumerate(population):
        account = f"{run.name}-{n}"
        days_ago = _days_ago(edge, validity, warning)
        assessed = TODAY - dt.timedelta(days=days_ago) if profile is not None else None
        try:
            services.investors.add(
                comp,
                account=account,
                name="客户",
                investor_class=cls,
                profile=profile,
                assessed_on=assessed,
                lowest_category=lowest,
            )
        except InvalidInput:  # a record the rules refuse: put it in as a hand edit would
            services.investors.add(comp, account=account, name="客户")
            _force(
                services,
                account,
                investor_class=cls.value,
                current_profile=int(profile) if profile else None,
                current_assessed_on=assessed,
                lowest_category=lowest,
            )
        if due:
            try:
                services.investors.mark_reassessment_due(comp, account, "情况变化")
            except InvalidInput:
                _force(services, account, reassessment_due=True)
        accounts.append(account)
    eligible = {v.account for v in services.access.eligible(comp, report)}
    expected = {a for a in accounts if services.access.check(comp, a, report).decision.outcome is Outcome.ALLOW}
    assert eligible & set(accounts) == expected
    # The list file and the count come from the same condition by other queries.
    services.access.write_eligible(comp, report, run / "list.csv")
    with (run / "list.csv").open(encoding="utf-8-sig", newline="") as handle:
        listed = {row[1] for row in list(csv.reader(handle))[1:]}
    assert listed == eligible
    assert services.access.eligible_count(comp, report) == len(eligible)


def test_edit_client_is_audited_and_leaving_lowest_category_needs_a_reason(
    services: Services, compliance: Actor, advisor: Actor, r4: int
) -> None:
    add_client(services, compliance, "L1", RiskProfile.C1, lowest_category=True)
    assert not services.access.check(advisor, "L1", r4).decision.allowed
    with pytest.raises(PermissionDenied):
        services.investors.update(advisor, "L1", lowest_category=False, reason="x")
    admin = staff(services, Role.ADMIN, "t-root")
    with pytest.raises(PermissionDenied):  # only compliance lifts the flag
        services.investors.update(admin, "L1", lowest_category=False, reason="x")
    with pytest.raises(InvalidInput, match="Say why"):
        services.investors.update(compliance, "L1", lowest_category=False)
    with pytest.raises(InvalidInput, match="Nothing"):
        services.investors.update(compliance, "L1", lowest_category=True)
    view = services.investors.update(compliance, "L1", lowest_category=False, name="新名字", reason="监护人变更")
    assert not view.lowest_category
    assert view.name == "新名字"
    assert not services.access.check(advisor, "L1", r4).decision.allowed  # still C1 until re-assessed
    services.investors.assess(compliance, "L1", RiskProfile.C4, TODAY, note="paper")
    assert services.access.check(advisor, "L1", r4).decision.allowed
    edit = next(e for e in services.audit.browse(compliance) if e.action == "client-edited")
    assert '"lowest_category":{"new":false,"old":true}' in edit.facts
    assert "监护人变更" in edit.facts


def test_lowest_category_client_cannot_be_added_as_professional(
    services: Services, compliance: Actor, advisor: Actor, r4: int
) -> None:
    with pytest.raises(InvalidInput, match="cannot be a professional investor"):
        add_client(
            services,
            compliance,
            "PL",
            None,
            days_ago=None,
            investor_class=InvestorClass.PROFESSIONAL,
            lowest_category=True,
        )
    with pytest.raises(NotFound):
        services.investors.get(advisor, "PL")


def test_lowest_category_client_cannot_be_edited_to_professional(
    services: Services, compliance: Actor, advisor: Actor, r4: int
) -> None:
    add_client(services, compliance, "L2", RiskProfile.C1, lowest_category=True)
    with pytest.raises(InvalidInput, match="must first lift the lowest-category flag, with a reason"):
        services.investors.update(compliance, "L2", investor_class=InvestorClass.PROFESSIONAL)
    with pytest.raises(InvalidInput, match="Say why"):
        services.investors.update(compliance, "L2", investor_class=InvestorClass.PROFESSIONAL, lowest_category=False)
    assert not services.access.check(advisor, "L2", r4).decision.allowed
    assert services.investors.get(advisor, "L2").investor_class is InvestorClass.ORDINARY
    # Lifting the flag with a reason (compliance, audited) is the way; then the class may change.
    services.investors.update(
        compliance, "L2", investor_class=InvestorClass.PROFESSIONAL, lowest_category=False, reason="已核实专业资质"
    )
    assert services.access.check(advisor, "L2", r4).decision.allowed
    add_client(services, compliance, "P3", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    # Flagging a professional: the sentence names the way that works (not "lift the flag").
    with pytest.raises(InvalidInput, match="cannot stay a professional investor: change the class") as info:
        services.investors.update(compliance, "P3", lowest_category=True)
    assert "lift" not in str(info.value)
    flagged = services.investors.update(
        compliance, "P3", lowest_category=True, investor_class=InvestorClass.ORDINARY, reason="丧失民事行为能力"
    )
    assert flagged.lowest_category
    assert flagged.investor_class is InvestorClass.ORDINARY
    assert not services.access.check(advisor, "P3", r4).decision.allowed


def test_lowest_category_forces_profile_c1(services: Services, compliance: Actor, advisor: Actor) -> None:
    with pytest.raises(InvalidInput, match="has risk profile C1, not C4"):
        add_client(services, compliance, "L3", RiskProfile.C4, lowest_category=True)
    add_client(services, compliance, "L4", RiskProfile.C1, lowest_category=True)
    with pytest.raises(InvalidInput, match="profile stays C1"):
        services.investors.assess(compliance, "L4", RiskProfile.C3, TODAY, note="paper")
    add_client(services, compliance, "C3X", RiskProfile.C3)
    with pytest.raises(InvalidInput, match="whose profile is C1, not C3"):
        services.investors.assess(compliance, "C3X", RiskProfile.C3, TODAY, lowest_category=True, note="paper")
    with pytest.raises(InvalidInput, match="record a C1 assessment"):
        services.investors.update(compliance, "C3X", lowest_category=True)
    view = services.investors.assess(compliance, "C3X", RiskProfile.C1, TODAY, lowest_category=True, note="paper")
    assert view.lowest_category
    assert view.profile is RiskProfile.C1


def test_professional_view_is_not_never_assessed(
    services: Services, compliance: Actor, advisor: Actor, r4: int
) -> None:
    add_client(services, compliance, "PRO", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    view = services.investors.get(advisor, "PRO")
    assert view.assessment_state.value == "not-required"
    assert view.assessment_valid
    result = services.access.check(advisor, "PRO", r4)
    assert result.to_dict()["assessment_state"] == "not-required"
    assert result.decision.reasons == (Reason.PROFESSIONAL_INVESTOR,)


def test_expired_block_does_not_claim_the_profile_covers_the_level(
    services: Services, compliance: Actor, advisor: Actor, r4: int
) -> None:
    add_client(services, compliance, "OLD5", RiskProfile.C5, days_ago=1000)
    assert services.access.check(advisor, "OLD5", r4).to_dict()["reasons"] == ["assessment-expired"]


def test_answers_do_not_lift_the_lowest_category(services: Services, compliance: Actor) -> None:
    """Answers that score C5 for a client in the lowest category are refused: only
    compliance lifts the flag, with a reason."""
    from suitcheck.services.questionnaire import default_questionnaire

    top = {
        q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id
        for q in default_questionnaire().questions
    }
    add_client(services, compliance, "LQ", RiskProfile.C1, lowest_category=True)
    with pytest.raises(InvalidInput, match="profile stays C1"):
        services.investors.assess_answers(compliance, "LQ", top)
    view = services.investors.get(compliance, "LQ")
    assert (view.profile, view.lowest_category) == (RiskProfile.C1, True)


def test_batch_checks_equal_single_checks(
    services: Services, compliance: Actor, advisor: Actor, r4: int, tmp_path: Path
) -> None:
    """check_pairs decides and records each pair exactly as check does; an unknown client
    or report is reported for its pair and the rest go on."""
    r1 = import_text_report(services, compliance, tmp_path, level="低风险", title="宏观经济周报第三期")
    unrated = import_text_report(services, compliance, tmp_path, level=None, title="未评级的报告第二篇")
    add_client(services, compliance, "B5", RiskProfile.C5)
    add_client(services, compliance, "B2", RiskProfile.C2)
    add_client(services, compliance, "BEXP", RiskProfile.C5, days_ago=900)
    add_client(services, compliance, "BLOW", RiskProfile.C1, lowest_category=True)
    add_client(services, compliance, "BPRO", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    pairs = [(a, str(r)) for a in ("B5", "B2", "BEXP", "BLOW", "BPRO") for r in (r4, r1, unrated)]
    pairs.insert(3, ("nobody", str(r4)))
    pairs.append(("B5", "424242"))
    before = services.audit.count(compliance)
    batch = list(services.access.check_pairs(advisor, pairs))
    assert [p for p, _ in batch] == pairs
    errors = [(p, r) for p, r in batch if not isinstance(r, CheckResult)]
    assert [p for p, _ in errors] == [("nobody", str(r4)), ("B5", "424242")]
    assert all(isinstance(r, NotFound) for _, r in errors)
    results = [r for _, r in batch if isinstance(r, CheckResult)]
    audit_ids = [r.audit_id for r in results]
    assert audit_ids == sorted(audit_ids)
    assert len(set(audit_ids)) == 15
    assert services.audit.count(compliance) >= before + 15
    for (client, report), result in batch:
        if not isinstance(result, CheckResult):
            continue
        single = services.access.check(advisor, client, report)
        assert result.decision == single.decision
        assert (result.investor_id, result.report_id) == (single.investor_id, single.report_id)
    assert {r.decision.outcome for r in results} == {Outcome.ALLOW, Outcome.BLOCK}


@pytest.fixture
def hk_r3(services: Services, compliance: Actor, tmp_path: Path) -> int:
    """A Hong Kong stock report that declares itself 中风险 (R3): its subject implies R4."""
    return import_text_report(
        services, compliance, tmp_path, level="中风险", title="腾讯控股（0700.HK）公司点评：回购提速"
    )


def test_stricter_level_applies_in_check_and_eligible_until_compliance_confirms(
    services: Services, compliance: Actor, advisor: Actor, hk_r3: int
) -> None:
    add_client(services, compliance, "C3", RiskProfile.C3)
    add_client(services, compliance, "C4", RiskProfile.C4)
    blocked = services.access.check(advisor, "C3", hk_r3)
    assert blocked.decision.outcome is Outcome.BLOCK
    assert blocked.decision.reasons == (Reason.LEVEL_RAISED_TO_SUBJECT, Reason.PROFILE_BELOW_LEVEL)
    assert (blocked.to_dict()["level"], blocked.decision.facts()["stated_level"]) == ("R4", "R3")
    with pytest.raises(PermissionDenied):
        services.access.open_report(advisor, "C3", hk_r3)
    assert services.access.preview(advisor, "C3", [hk_r3]) == {hk_r3: Outcome.BLOCK}
    assert {v.account for v in services.access.eligible(advisor, hk_r3)} == {"C4"}
    assert services.access.eligible_count(advisor, hk_r3) == 1
    report = services.reports.get(advisor, hk_r3)
    assert (report.level, report.matching_level) == (RiskLevel.R3, RiskLevel.R4)
    assert [f.code for f in report.open_findings] == ["level-below-subject"]
    # Dismissing the finding is not how a level is settled; rating below the subject needs a reason.
    with pytest.raises(InvalidInput, match="settled by rating"):
        services.reports.resolve_finding(compliance, hk_r3, report.open_findings[0].id, "looks fine")
    with pytest.raises(InvalidInput, match="needs a reason"):
        services.reports.set_level(compliance, hk_r3, RiskLevel.R3)
    assert not services.access.check(advisor, "C3", hk_r3).decision.allowed
    # Compliance confirms R3 with a reason (audited): matched at R3, and the report stays flagged.
    rated = services.reports.set_level(compliance, hk_r3, RiskLevel.R3, note="仅讨论A股业务，经复核为中风险")
    assert rated.matching_level is RiskLevel.R3
    assert rated.level_confirmed
    assert [f.code for f in rated.open_findings] == ["rated-below-subject"]
    assert "经复核" in rated.open_findings[0].detail
    assert services.access.check(advisor, "C3", hk_r3).decision.reasons == (Reason.PROFILE_COVERS_LEVEL,)
    assert {v.account for v in services.access.eligible(advisor, hk_r3)} == {"C3", "C4"}
    with pytest.raises(InvalidInput, match="settled by rating"):
        services.reports.resolve_finding(compliance, hk_r3, rated.open_findings[0].id, "ok")
    entry = next(e for e in services.audit.browse(compliance) if e.action == "rating-change")
    assert "经复核" in entry.facts
    # Re-rated at the subject's level: nothing left to flag.
    assert services.reports.set_level(compliance, hk_r3, RiskLevel.R4).open_findings == ()


def test_hand_edited_client_is_left_off_every_list(
    services: Services, compliance: Actor, advisor: Actor, r4: int, tmp_path: Path
) -> None:
    """A raw UPDATE that raises a client's profile (no key, so no valid seal) never puts the
    client on a distribution list, in the service's stream or in the written file, and the
    check gives record-integrity alone (no reason derived from the edited row)."""
    add_client(services, compliance, "RAISED", RiskProfile.C2)
    add_client(services, compliance, "HONEST", RiskProfile.C5)
    _force(services, "RAISED", sealed=False, current_profile=5)
    assert [v.account for v in services.access.eligible(advisor, r4)] == ["HONEST"]
    services.access.write_eligible(advisor, r4, tmp_path / "list.csv")
    with (tmp_path / "list.csv").open(encoding="utf-8-sig", newline="") as handle:
        accounts = [row[1] for row in csv.reader(handle) if len(row) > 1][1:]
    assert accounts == ["HONEST"]
    assert services.access.check(advisor, "RAISED", r4).to_dict()["reasons"] == ["record-integrity"]


def test_the_columns_verdicts_say_the_policy_and_day_a_later_check_outdates(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """The desk's column is previewed under a policy version and on a day; a recorded check
    made under another version (escalation turned off at head office) or on the next day
    says the column is out of date, and one under the same does not."""
    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    r4 = import_text_report(services, officer, tmp_path, level="中高风险", title="创业板公司深度报告第一期")
    client = add_client(services, officer, "C3", RiskProfile.C3)
    services.policy.update(officer, allow_escalation=True)
    column = services.access.preview(officer, client, [r4])
    assert column == {r4: Outcome.ALLOW_AFTER_WARNING}
    assert (column.policy_version, column.day) == (services.policy.current().version, services.ctx.today())
    assert not column.outdated_by(services.access.check(officer, client, r4))
    services.policy.update(officer, allow_escalation=False)
    later = services.access.check(officer, client, r4)
    assert later.decision.outcome is Outcome.BLOCK
    assert column.outdated_by(later)
    column = services.access.preview(officer, client, [r4])
    assert column == {r4: Outcome.BLOCK}
    clock.advance(days=1)
    assert column.outdated_by(services.access.check(officer, client, r4))


def test_a_later_preview_says_whether_the_decision_and_the_column_still_stand(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """What an idle desk asks once a minute (MainWindow.watch_the_day): a preview read after
    the decision on screen and the column says the decision no longer stands when the policy
    changed or the report is now given another outcome (re-rated elsewhere), and the column
    when the policy or the client changed (marked for re-assessment elsewhere)."""
    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    r1 = import_text_report(services, officer, tmp_path, level="低风险", title="稳增长宏观点评第一期")
    client = add_client(services, officer, "C3", RiskProfile.C3)
    decided = services.access.check(officer, client, r1)
    column = services.access.preview(officer, client, [r1])
    assert decided.decision.outcome is Outcome.ALLOW
    same = services.access.preview(officer, client, [r1])
    assert not same.overturns(decided)
    assert not column.overtaken_by(same)
    assert not column.overtaken_by(services.access.preview(officer, client, []))  # no report asked: the basis alone
    clock.advance(days=1)
    next_day = services.access.preview(officer, client, [r1])
    # A new day alone is the desk's clock's business (watch_the_day): on a shared store a
    # check is dated by the server's clock, and near midnight the days differ.
    assert not next_day.overturns(decided)
    assert column.overtaken_by(next_day)  # the column's verdicts were for yesterday

    services.investors.mark_reassessment_due(officer, client, "moved abroad")
    due = services.access.preview(officer, client, [r1])
    assert due.overturns(decided)  # blocked now
    assert column.overtaken_by(due)  # every row may be: the client is not as the column saw them

    column = due
    decided = services.access.check(officer, client, r1)
    services.policy.update(officer, warning_days=10)  # nothing this client's verdicts follow changes
    changed = services.access.preview(officer, client, [])
    assert changed.overturns(decided)
    assert column.overtaken_by(changed)


def test_a_decision_kept_in_outcome_but_made_on_other_facts_no_longer_stands(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: the desk's minute watch compared outcomes only, so a client re-assessed
    C3 -> C4 at another desk (R3 still allowed) or a report re-rated R3 -> R2 (still
    allowed) left the panel reading the old profile or level beside ALLOWED, while the card
    beside it showed the client as stored. A decision stands only as it was derived."""
    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, officer, tmp_path, level="中风险", title="行业比较第三期")
    client = add_client(services, officer, "C3", RiskProfile.C3)
    decided = services.access.check(officer, client, r3)
    assert decided.decision.outcome is Outcome.ALLOW
    assert not services.access.preview(officer, client, [r3]).overturns(decided)

    services.investors.assess(officer, client, RiskProfile.C4, TODAY, note="branch form")
    later = services.access.preview(officer, client, [r3])
    assert later[r3] is Outcome.ALLOW  # the same outcome ...
    assert later.overturns(decided)  # ... on another profile
    assert later.decisions[r3].profile is RiskProfile.C4

    decided = services.access.check(officer, client, r3)
    assert not services.access.preview(officer, client, [r3]).overturns(decided)
    services.reports.set_level(officer, r3, RiskLevel.R2, note="复核为中低风险")
    later = services.access.preview(officer, client, [r3])
    assert later[r3] is Outcome.ALLOW
    assert later.overturns(decided)
    # A preview that leaves the report out (not asked about) says nothing of it.
    assert not services.access.preview(officer, client, []).overturns(services.access.check(officer, client, r3))


def test_verdicts_name_the_reports_re_rated_since_a_list_read_them_whatever_their_outcome(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Verdicts.listed_otherwise: the desk reads again only these rows (R2 -> R3 keeps its
    allow for C3; a client re-assessed moves outcomes and nothing a list shows of a report;
    a record changed outside suitcheck, then settled, moves the list's red mark)."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    client = add_client(services, compliance, "V1", RiskProfile.C3)
    report = import_text_report(services, compliance, tmp_path)
    services.reports.set_level(compliance, report, RiskLevel.R2, "rated")
    listed = services.reports.get(compliance, report)
    assert services.access.preview(compliance, client, [report]).listed_otherwise([listed]) == []
    services.reports.set_level(compliance, report, RiskLevel.R3, "re-rated")
    later = services.access.preview(compliance, client, [report])
    assert later[report] is Outcome.ALLOW  # the outcome stayed
    assert later.listed_otherwise([listed]) == [report]
    assert later.listed_otherwise([services.reports.get(compliance, report)]) == []
    with services.store.engine.begin() as conn:  # a DBA, outside suitcheck
        conn.execute(update(Report).where(Report.id == report).values(integrity=None))
    marked = services.reports.get(compliance, report)
    assert not marked.record_intact
    assert services.access.preview(compliance, client, [report]).listed_otherwise([marked]) == []
    services.settle.settle(compliance, "report", report, "checked against the file; nothing else changed")
    assert services.access.preview(compliance, client, [report]).listed_otherwise([marked]) == [report]


def test_the_columns_preview_does_not_log_a_changed_report_each_time(
    sqlite_services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An idle desk previews its column every minute: each preview wrote a warning for each
    report whose record fails its seal (a log line per report per minute). The preview blocks
    it without a word; the check logs it."""
    services = sqlite_services
    officer = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, officer, tmp_path, level="中风险")
    client = add_client(services, officer, "C3", RiskProfile.C3)
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE report SET level = 1 WHERE id = {report}")
    caplog.set_level("WARNING", logger="suitcheck.services.access")
    assert services.access.preview(officer, client, [report])[report] is Outcome.BLOCK
    assert not [r for r in caplog.records if "integrity seal" in r.getMessage()]
    assert services.access.check(officer, client, report).decision.reasons == (Reason.RECORD_INTEGRITY,)
    assert [r for r in caplog.records if "integrity seal" in r.getMessage()]
