"""Assessing from questionnaire answers, questionnaire versions, and re-assessment due."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.questionnaire import answers_hash
from suitcheck.services import Actor, Services
from suitcheck.services.errors import Conflict, InvalidInput, PermissionDenied, ServiceError
from suitcheck.services.questionnaire import default_questionnaire
from tests.conftest import TODAY, Clock, add_client
from tests.fixtures import import_text_report

Q = default_questionnaire()
TOP = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}
BOTTOM = {q.id: min((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}


def test_assess_from_answers_keeps_version_answers_score_and_audits_the_hash(
    services: Services, compliance: Actor
) -> None:
    add_client(services, compliance, "Q1", None, None)
    result = services.investors.assess_answers(compliance, "Q1", TOP)
    assert (result.profile, result.score, result.questionnaire_version) == (RiskProfile.C5, Q.max_total, 1)
    # The last valid day: the policy's 730 days count the assessment day itself.
    assert result.valid_until == TODAY + dt.timedelta(days=729)
    assert result.investor.profile is RiskProfile.C5
    assert result.investor.assessment_valid
    (past,) = services.investors.history(compliance, "Q1")
    assert (past.questionnaire_version, past.score, past.answers, past.answers_hash) == (
        1,
        Q.max_total,
        TOP,
        answers_hash(TOP),
    )
    entry = services.audit.browse(compliance, limit=1)[0]
    facts = json.loads(entry.facts)
    assert entry.action == "assessment"
    assert entry.investor_id == result.investor.id
    assert facts["answers_sha256"] == answers_hash(TOP)
    assert facts["questionnaire_version"] == 1
    assert facts["score"] == Q.max_total
    assert facts["method"] == "questionnaire"


def test_knockout_answer_puts_the_client_in_the_lowest_category(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    add_client(services, compliance, "Q2", None, None)
    r2 = import_text_report(
        services, compliance, tmp_path, level="中低风险", title="债券市场观察", report_type="债券周报"
    )
    result = services.investors.assess_answers(compliance, "Q2", {**TOP, "capacity": "no"})
    assert result.profile is RiskProfile.C1
    assert result.investor.lowest_category
    assert result.knockouts == ("capacity",)
    d = services.access.check(advisor, "Q2", r2).decision
    assert d.outcome is Outcome.BLOCK
    assert Reason.LOWEST_CATEGORY in d.reasons


def test_a_client_already_in_the_lowest_category_is_not_scored_out_of_it(services: Services, compliance: Actor) -> None:
    """No knock-out this time, a C5 score: the flag (only compliance lifts it, with a reason)
    still wins, so the assessment is refused and nothing is recorded."""
    add_client(services, compliance, "Q5", RiskProfile.C1, 100, lowest_category=True)
    with pytest.raises(InvalidInput, match="lowest risk-tolerance category"):
        services.investors.assess_answers(compliance, "Q5", TOP)
    assert len(services.investors.history(compliance, "Q5")) == 1
    knocked = services.investors.assess_answers(compliance, "Q5", {**TOP, "max-loss": "none"})
    assert knocked.profile is RiskProfile.C1
    assert knocked.investor.lowest_category


def test_bad_answers_record_nothing(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "Q3", None, None)
    before = services.audit.count(compliance)
    for answers, match in (
        ({k: v for k, v in TOP.items() if k != "goal"}, "goal"),
        ({**TOP, "extra": "x"}, "no question 'extra'"),
        ({**TOP, "goal": "everything"}, "no answer 'everything'"),
    ):
        with pytest.raises(InvalidInput, match=match):
            services.investors.assess_answers(compliance, "Q3", answers)
    assert services.investors.history(compliance, "Q3") == []
    assert services.audit.count(compliance) == before


def test_profile_from_elsewhere_needs_a_note(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "Q4", None, None)
    with pytest.raises(InvalidInput, match="note"):
        services.investors.assess(compliance, "Q4", RiskProfile.C3, TODAY, note="  ")
    view = services.investors.assess(compliance, "Q4", RiskProfile.C3, TODAY, note="总部纸质问卷")
    assert view.profile is RiskProfile.C3
    (past,) = services.investors.history(compliance, "Q4")
    assert past.to_dict()["method"] == "recorded"
    assert past.score is None


def _version_two() -> str:
    data = Q.content()
    data["title"] = "风险承受能力评估问卷（2027 版）"
    data["bands"][1]["min_score"] = 22  # C2 starts later: a stricter reading of the same answers
    data["bands"][0]["max_score"] = 21
    return json.dumps(data, ensure_ascii=False)


def test_a_new_version_does_not_alter_past_assessments(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "V1", None, None)
    answers = {**BOTTOM, "income": "gt100w", "assets": "gt1000w", "years": "gt10"}  # 13 + 3 + 3 + 4 = 23 points
    old = services.investors.assess_answers(compliance, "V1", answers)
    assert (old.score, old.profile, old.questionnaire_version) == (23, RiskProfile.C2, 1)
    new_q = services.questionnaire.import_definition(compliance, _version_two())
    assert new_q.version == 2
    assert services.questionnaire.current(compliance).version == 2
    new = services.investors.assess_answers(compliance, "V1", answers)
    assert (new.score, new.profile, new.questionnaire_version) == (23, RiskProfile.C2, 2)
    answers_c1 = {**BOTTOM, "income": "gt100w", "assets": "gt1000w", "years": "lt2"}  # 21 points
    assert services.investors.assess_answers(compliance, "V1", answers_c1).profile is RiskProfile.C1
    first, second, third = services.investors.history(compliance, "V1")
    assert (first.questionnaire_version, first.score, first.profile) == (1, 23, RiskProfile.C2)
    assert (second.questionnaire_version, third.questionnaire_version) == (2, 2)
    # Version 1 (the shipped default, stored when first used) still reads back unchanged.
    assert services.questionnaire.current(compliance, 1).checksum == Q.checksum
    with pytest.raises(Conflict, match="already the current version"):
        services.questionnaire.import_definition(compliance, _version_two())


def test_import_refuses_tampered_or_invalid_and_non_compliance(
    services: Services, compliance: Actor, advisor: Actor
) -> None:
    sealed = Q.to_dict()
    sealed["questions"][0]["answers"][1]["knockout"] = False
    with pytest.raises(InvalidInput, match="checksum does not match") as info:
        services.questionnaire.import_definition(compliance, json.dumps(sealed, ensure_ascii=False))
    assert str(info.value).count(".") == 1
    assert str(info.value).endswith(".")
    gap = Q.content()
    gap["bands"][2]["min_score"] += 1
    with pytest.raises(InvalidInput, match="not contiguous"):
        services.questionnaire.import_definition(compliance, json.dumps(gap))
    with pytest.raises(PermissionDenied):
        services.questionnaire.import_definition(advisor, _version_two())
    assert services.questionnaire.current(compliance).version == 1


def test_a_stored_version_edited_in_the_database_is_refused(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path
) -> None:
    """Someone edits the stored definition with an SQLite tool: assessing fails closed."""
    from suitcheck.domain.roles import Role
    from tests.conftest import staff

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "T1", None, None)
    services.investors.assess_answers(compliance, "T1", TOP)  # stores version 1
    with services.store.engine.begin() as conn:
        doc = conn.execute(text("SELECT document FROM questionnaire WHERE version = 1")).scalar_one()
        conn.execute(
            text("UPDATE questionnaire SET document = :d WHERE version = 1"),
            {"d": doc.replace('"score":0', '"score":5', 1)},
        )
    before = services.audit.count(compliance)
    # Its seal fails before its own checksum is even read (tests/attack has the edit that
    # recomputes the checksum, which only the seal catches).
    with pytest.raises(ServiceError, match="questionnaire version 1 was not written by suitcheck") as info:
        services.investors.assess_answers(compliance, "T1", TOP)
    assert "\n" not in str(info.value)
    assert len(services.investors.history(compliance, "T1")) == 1
    assert services.audit.count(compliance) == before


def test_situation_changed_blocks_every_report_until_reassessed(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    r1 = import_text_report(
        services, compliance, tmp_path, level="低风险", title="宏观经济观察", report_type="宏观周报"
    )
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "D1", RiskProfile.C5)
    with pytest.raises(InvalidInput, match="reason"):
        services.investors.mark_reassessment_due(advisor, "D1", "  ")
    view = services.investors.mark_reassessment_due(advisor, "D1", "客户退休，收入下降")
    assert view.reassessment_due
    assert not view.assessment_valid
    with pytest.raises(Conflict):
        services.investors.mark_reassessment_due(advisor, "D1", "again")
    entry = services.audit.browse(compliance, limit=1)[0]
    assert entry.action == "reassessment-due"
    assert "客户退休" in entry.facts
    assert entry.staff == advisor.username
    blocked = services.access.check(advisor, "D1", r3).decision
    assert blocked.outcome is Outcome.BLOCK
    assert Reason.REASSESSMENT_DUE in blocked.reasons
    # "treated as expired until re-assessed" (domain.md): R1 too, on the check and the list.
    low = services.access.check(advisor, "D1", r1).decision
    assert (low.outcome, low.reasons) == (Outcome.BLOCK, (Reason.REASSESSMENT_DUE,))
    assert "D1" not in {v.account for v in services.access.eligible(advisor, r3)}
    assert "D1" not in {v.account for v in services.access.eligible(advisor, r1)}
    # A policy version with the earlier rule (as one stored before the switch reads) keeps R1 open.
    services.policy.update(compliance, reassessment_due_blocks_r1=False)
    assert services.access.check(advisor, "D1", r1).decision.outcome is Outcome.ALLOW
    assert "D1" in {v.account for v in services.access.eligible(advisor, r1)}
    assert services.access.check(advisor, "D1", r3).decision.outcome is Outcome.BLOCK
    with pytest.raises(PermissionDenied):  # advisors flag, compliance assesses
        services.investors.assess_answers(advisor, "D1", TOP)
    services.investors.assess_answers(compliance, "D1", TOP)
    assert services.access.check(advisor, "D1", r3).decision.outcome is Outcome.ALLOW
    assert not services.investors.get(advisor, "D1").reassessment_due
    assert "D1" in {v.account for v in services.access.eligible(advisor, r3)}


def test_an_assessment_dated_before_the_situation_changed_does_not_clear_the_mark(
    services: Services, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    """Only a re-assessment after the change clears the mark: one backdated to before it
    (a paper assessment from the archive), or older than the current one, is kept in the
    history but the client stays due (nothing given until re-assessed), and the preview says
    so too."""
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "D2", RiskProfile.C5, 60)
    clock.advance(days=10)  # the situation changes ten days later
    today = TODAY + dt.timedelta(days=10)
    services.investors.mark_reassessment_due(advisor, "D2", "客户失业")
    clock.advance(days=2)
    # Older than the current assessment: history only.
    old = services.investors.assess(compliance, "D2", RiskProfile.C5, TODAY - dt.timedelta(days=90), note="archive")
    assert old.reassessment_due
    # Newer than the current one but made before the change.
    before = services.investors.assess(compliance, "D2", RiskProfile.C5, today - dt.timedelta(days=1), note="paper")
    assert before.reassessment_due
    preview = services.investors.preview_answers(compliance, "D2", TOP, assessed_on=today - dt.timedelta(days=1))
    assert [o for _, o in preview.permits] == [Outcome.BLOCK] * 5
    answered = services.investors.assess_answers(compliance, "D2", TOP, assessed_on=today - dt.timedelta(days=1))
    assert answered.investor.reassessment_due
    assert [o for _, o in answered.permits] == [Outcome.BLOCK] * 5
    facts = json.loads(services.audit.browse(compliance, limit=1)[0].facts)
    assert facts["reassessment_due_kept"] is True
    assert "cleared_reassessment_due" not in facts
    blocked = services.access.check(advisor, "D2", r3).decision
    assert blocked.outcome is Outcome.BLOCK
    assert Reason.REASSESSMENT_DUE in blocked.reasons
    # Made on the day of the change: the re-assessment it called for.
    after = services.investors.assess(compliance, "D2", RiskProfile.C4, today, note="branch desk")
    assert not after.reassessment_due
    assert json.loads(services.audit.browse(compliance, limit=1)[0].facts)["cleared_reassessment_due"] is True
    assert services.access.check(advisor, "D2", r3).decision.outcome is Outcome.ALLOW


def test_preview_shows_what_saving_would_record_and_writes_nothing(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "PV", None, None)
    before = services.audit.browse(compliance, limit=1)[0].seq
    preview = services.investors.preview_answers(compliance, "PV", {**TOP, "capacity": "no"})
    assert (preview.profile, preview.band_profile, preview.lowest_category) == (RiskProfile.C1, RiskProfile.C5, True)
    assert preview.knockouts == ("capacity",)
    assert preview.questionnaire_version == 1
    # What it permits is what a check will answer: R1 only for the lowest category.
    assert [(lv.code, o) for lv, o in preview.permits] == [("R1", Outcome.ALLOW)] + [
        (f"R{n}", Outcome.BLOCK) for n in range(2, 6)
    ]
    assert services.investors.history(compliance, "PV") == []
    assert services.audit.browse(compliance, limit=1)[0].seq == before
    top = services.investors.preview_answers(compliance, "PV", TOP)
    assert [o for _, o in top.permits] == [Outcome.ALLOW] * 5
    saved = services.investors.assess_answers(compliance, "PV", TOP, expected_version=1)
    assert (saved.profile, saved.score, saved.permits) == (top.profile, top.score, top.permits)


def test_preview_permits_follow_the_policy_escalation(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "ESC", None, None)
    services.policy.update(compliance, allow_escalation=True)
    preview = services.investors.preview_answers(compliance, "ESC", BOTTOM)
    assert preview.profile is RiskProfile.C1
    assert not preview.lowest_category
    assert [o for _, o in preview.permits] == [Outcome.ALLOW] + [Outcome.ALLOW_AFTER_WARNING] * 4


def test_answers_to_a_replaced_questionnaire_version_are_refused(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "VX", None, None)
    definition = json.loads(json.dumps(Q.content()))
    definition["title_en"] = "Version two"
    services.questionnaire.import_definition(compliance, json.dumps(definition))
    for call in (services.investors.preview_answers, services.investors.assess_answers):
        with pytest.raises(Conflict, match="changed to version 2 while the client answered version 1"):
            call(compliance, "VX", TOP, expected_version=1)
    assert services.investors.history(compliance, "VX") == []


def test_answers_to_a_questionnaire_version_never_stored_say_so(services: Services, compliance: Actor) -> None:
    # The command line takes the version from the user: a version above the current one
    # never existed, so the questionnaire did not "change to version 1 while the client
    # answered version 2"; the sentence names the version in force instead.
    add_client(services, compliance, "VN", None, None)
    for call in (services.investors.preview_answers, services.investors.assess_answers):
        with pytest.raises(InvalidInput, match=r"^There is no questionnaire version 2: the current one is version 1;"):
            call(compliance, "VN", TOP, expected_version=2)
    assert services.investors.history(compliance, "VN") == []


def test_confirmation_sheet_lists_answers_result_and_signature_lines(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    from pdfminer.high_level import extract_text

    add_client(services, compliance, "SH", None, None, id_number="11010519491231002X")
    with pytest.raises(InvalidInput, match="no assessment"):
        services.investors.write_confirmation(compliance, "SH", tmp_path / "none.pdf")
    result = services.investors.assess_answers(compliance, "SH", {**TOP, "capacity": "no"})
    out = tmp_path / "确认书.pdf"
    written = services.investors.write_confirmation(compliance, "SH", out)
    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    assert b"FontFile2" in content
    import hashlib

    assert hashlib.sha256(content).hexdigest() == written.sha256
    extracted = extract_text(str(out))
    for needle in ("风险承受能力评估结果确认书", "C1 保守型", "客户 Client", "Signature", result.answers_hash):
        assert needle in extracted.replace("\n", ""), needle
    assert "11010519491231002X" not in extracted  # the ID number is masked
    question = Q.question("capacity")
    assert question is not None
    assert question.text[:6] in extracted
    entry = services.audit.browse(compliance, limit=1)[0]
    assert entry.action == "assessment-sheet"
    assert json.loads(entry.facts)["file_sha256"] == written.sha256
    with pytest.raises(PermissionDenied):
        services.investors.write_confirmation(advisor, "SH", tmp_path / "x.pdf")
    services.investors.assess(compliance, "SH", RiskProfile.C1, TODAY, note="纸质问卷，营业部柜台")
    services.investors.write_confirmation(compliance, "SH", out)
    assert "纸质问卷" in extract_text(str(out))


def test_no_confirmation_sheet_for_an_expired_assessment_or_a_professional_client(
    services: Services, compliance: Actor, clock: Clock, tmp_path: Path
) -> None:
    """A sheet asks the client to sign the result that decides what they may read: one that
    has run out, or one of a client the table no longer applies to (it printed "C3" beside
    "R5 allowed"), is not written, and nothing is recorded."""
    add_client(services, compliance, "EX", RiskProfile.C3, 20)
    services.investors.write_confirmation(compliance, "EX", tmp_path / "valid.pdf")
    clock.advance(days=services.policy.current().validity_days)
    with pytest.raises(InvalidInput, match="has expired; assess the client again"):
        services.investors.write_confirmation(compliance, "EX", tmp_path / "expired.pdf")
    assert not (tmp_path / "expired.pdf").exists()
    add_client(services, compliance, "PRO", RiskProfile.C3, 20)
    services.investors.update(compliance, "PRO", investor_class=InvestorClass.PROFESSIONAL, reason="专业投资者认定")
    with pytest.raises(InvalidInput, match="professional investor now"):
        services.investors.write_confirmation(compliance, "PRO", tmp_path / "pro.pdf")
    sheets = [e for e in services.audit.browse(compliance, limit=50) if e.action == "assessment-sheet"]
    assert len(sheets) == 1


def test_only_clients_the_table_binds_are_assessed_or_marked_due(services: Services, compliance: Actor) -> None:
    """A professional investor is not assessed, by a recorded profile, by answers (nor
    their preview), nor marked for re-assessment; nothing is recorded. A professional
    treated as ordinary follows the table and is assessed like any client."""
    add_client(services, compliance, "PRO", None, None, investor_class=InvestorClass.PROFESSIONAL)
    before = services.audit.browse(compliance, limit=1)[0].seq
    refusals = (
        lambda: services.investors.assess(compliance, "PRO", RiskProfile.C3, TODAY, note="纸质问卷"),
        lambda: services.investors.assess_answers(compliance, "PRO", TOP),
        lambda: services.investors.preview_answers(compliance, "PRO", TOP),
        lambda: services.investors.mark_reassessment_due(compliance, "PRO", "退休"),
    )
    for refused in refusals:
        with pytest.raises(InvalidInput, match="Professional investors are not assessed"):
            refused()
    assert services.audit.browse(compliance, limit=1)[0].seq == before
    assert services.investors.history(compliance, "PRO") == []
    add_client(services, compliance, "PAO", None, None, investor_class=InvestorClass.PROFESSIONAL_AS_ORDINARY)
    assert services.investors.preview_answers(compliance, "PAO", TOP).profile is RiskProfile.C5
    recorded = services.investors.assess(compliance, "PAO", RiskProfile.C3, TODAY, note="纸质问卷")
    assert recorded.profile is RiskProfile.C3
    assert services.investors.assess_answers(compliance, "PAO", TOP).profile is RiskProfile.C5
    assert services.investors.mark_reassessment_due(compliance, "PAO", "退休").reassessment_due
