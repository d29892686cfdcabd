"""`audit replay` on a real store: recorded decisions decided again, each under the policy
version it was stamped with, in a trail that verifies; what cannot be trusted never reads
as reproduced."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from stdnum.cn import ric

from suitcheck.audit import chain
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.replay import Verdict
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import DecisionRefuses, InvalidInput, NotFound, PermissionDenied
from suitcheck.store.models import AuditEntry
from tests.conftest import PASSWORD, TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report
from tests.services.test_branches import make_world

DAY = dt.timedelta(days=1)


def _sql(services: Services, sql: str, **params: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _entries(services: Services, action: AuditAction) -> list[int]:
    with services.store.engine.connect() as conn:
        return list(conn.execute(select(AuditEntry.seq).where(AuditEntry.action == action.value)).scalars())


def _last_replay(services: Services) -> dict[str, Any]:
    with services.store.engine.connect() as conn:
        facts = conn.execute(
            select(AuditEntry.facts)
            .where(AuditEntry.action == "audit-replayed")
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).scalar_one_or_none()
    assert facts is not None
    return dict(json.loads(facts))


def _born(years: int) -> str:
    """A valid resident ID number of someone `years` old today."""
    body = "110105" + TODAY.replace(year=TODAY.year - years).strftime("%Y%m%d") + "123"
    return body + ric.calc_check_digit(body + "0")


def test_each_decision_replays_under_the_policy_version_it_was_stamped_with(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """An assessment 400 days old: allowed under version 1 (valid 730 days), blocked under
    version 2 (365). Both replay as recorded: the first under version 1, not the newest."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "V", RiskProfile.C3, days_ago=400)
    first = services.access.check(compliance, "V", r3)
    services.policy.update(compliance, validity_days=365)
    second = services.access.check(compliance, "V", r3)
    assert (first.decision.outcome.value, first.decision.policy_version) == ("allow", 1)
    assert (second.decision.outcome.value, second.decision.policy_version) == ("block", 2)

    report = services.audit.replay(compliance, [first.audit_id, second.audit_id])
    assert report.ok
    assert not report.failed
    one, two = report.entries
    assert (one.seq, one.verdict, one.policy_version, one.replayed_decision) == (
        first.audit_id,
        Verdict.REPRODUCED,
        1,
        "allow",
    )
    assert (two.verdict, two.policy_version, two.replayed_reasons) == (Verdict.REPRODUCED, 2, ("assessment-expired",))
    recorded = _last_replay(services)
    assert recorded["seqs"] == [first.audit_id, second.audit_id]
    assert recorded["ok"] is True
    assert recorded["counts"]["reproduced"] == 2


def test_every_kind_of_decision_in_a_period_reproduces(sqlite_services: Services, tmp_path: Path) -> None:
    """Professionals, the lowest category, an unrated report, an expired and an expiring
    assessment, a report matched at its subject's level, age and flag cautions, a
    re-assessment due, a client row changed in SQL (record-integrity), and a warning
    override with the opening it admits: every check, override and opening of the day is
    replayed and reproduces. Each entry holds every fact `decide` used (the age reached,
    not the birth date): only the failed seal, which a replay cannot check again, is taken
    as recorded."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    unrated = import_text_report(services, compliance, tmp_path, level=None)
    raised = import_text_report(services, compliance, tmp_path, title="腾讯控股（0700.HK）公司点评：回购提速")
    add_client(services, compliance, "P", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    add_client(services, compliance, "L", RiskProfile.C1, lowest_category=True)
    add_client(services, compliance, "E", RiskProfile.C5, days_ago=800)
    add_client(services, compliance, "S", RiskProfile.C4, days_ago=715)
    add_client(services, compliance, "A", RiskProfile.C4, id_number=_born(75), special_attention=True)
    add_client(services, compliance, "D", RiskProfile.C4)
    add_client(services, compliance, "I", RiskProfile.C5)
    add_client(services, compliance, "W", RiskProfile.C2)
    services.investors.mark_reassessment_due(advisor, "D", "changed job")
    _sql(services, "UPDATE investor SET current_profile = 1 WHERE account = 'I'")  # an insider
    for client, about in [
        ("P", r4),
        ("L", r3),
        ("P", unrated),
        ("E", r3),
        ("S", r3),
        ("A", r3),
        ("D", r3),
        ("I", r3),
        ("W", raised),
    ]:
        services.access.check(advisor, client, about)
    with pytest.raises(DecisionRefuses):
        services.access.open_report(advisor, "E", r3)
    policy = services.policy.update(compliance, allow_escalation=True)
    services.access.check(advisor, "W", r4)
    services.access.record_override(
        advisor, "W", r4, warning_version=policy.warning_version, client_confirmed=True, recording_ref="REC-1"
    )
    services.access.open_report(advisor, "W", r4)

    report = services.audit.replay(compliance, since=TODAY - DAY, until=TODAY + DAY)
    assert report.ok, [e for e in report.entries if e.verdict is not Verdict.REPRODUCED]
    assert [e.action for e in report.entries] == [*["check"] * 9, "open-refused", "check", "override", "open"]
    reasons = {r for e in report.entries for r in e.recorded_reasons}
    assert reasons >= {
        "professional-investor",
        "lowest-category",
        "report-unrated",
        "assessment-expired",
        "assessment-expiring-soon",
        "special-attention-age",
        "special-attention",
        "reassessment-due",
        "record-integrity",
        "level-raised-to-subject",
        "warning-and-confirmation-required",
    }
    taken = {e.seq: e.taken_as_recorded for e in report.entries if e.taken_as_recorded}
    assert sorted(taken.values()) == [("record-integrity",)]
    aged = next(e for e in report.entries if "special-attention-age" in e.recorded_reasons)
    with services.store.engine.connect() as conn:
        facts = json.loads(conn.execute(select(AuditEntry.facts).where(AuditEntry.seq == aged.seq)).scalar_one())
    assert (facts["special_attention_age_reached"], facts["special_attention"], facts["reassessment_due"]) == (
        True,
        True,
        False,
    )
    born = _born(75)[6:14]
    assert born not in json.dumps(facts)
    assert born[:4] not in json.dumps(facts)
    override = report.entries[-2]
    assert (override.replayed_decision, override.policy_version) == ("allow-after-warning", 2)


def test_an_entry_whose_facts_were_edited_in_sql_is_never_reproduced(sqlite_services: Services, tmp_path: Path) -> None:
    """The insider edits a block's facts to a profile that would allow it: even with the
    entry's hash made again to match, the trail fails verification (its link and MAC), and
    nothing is replayed."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "C3", RiskProfile.C3)
    seq = services.access.check(compliance, "C3", r4).audit_id
    services.access.check(compliance, "C3", r4)
    with services.store.engine.begin() as conn:
        row = conn.execute(select(*chain.COLUMNS).where(AuditEntry.seq == seq)).one()
        facts = row.facts.replace('"profile":"C3"', '"profile":"C5"')
        reasons = '["profile-covers-level"]'
        digest = chain.entry_hash(
            chain.canonical_entry(
                seq=seq,
                at=row.at,
                staff=row.staff,
                action=row.action,
                investor_id=row.investor_id,
                report_id=row.report_id,
                decision="allow",
                reasons_json=reasons,
                facts_json=facts,
                prev_hash=row.prev_hash,
                chain=row.chain,
            )
        )
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")  # the insider's first step
        conn.execute(
            text("UPDATE audit_entry SET facts = :f, reasons = :r, decision = 'allow', entry_hash = :h WHERE seq = :s"),
            {"f": facts, "r": reasons, "h": digest, "s": seq},
        )
    report = services.audit.replay(compliance, [seq])
    assert not report.verification.ok
    assert report.failed
    assert not report.ok
    assert report.entries == ()
    assert _last_replay(services)["verified"] is False


def test_a_policy_version_edited_in_sql_fails_the_replay(sqlite_services: Services, tmp_path: Path) -> None:
    """Version 1 rewritten to a ten-year validity, so the blocked decision would now allow:
    its seal fails, the entry cannot be replayed, and the replay fails as a verification."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "OLD", RiskProfile.C3, days_ago=800)
    seq = services.access.check(compliance, "OLD", r3).audit_id
    _sql(
        services,
        "UPDATE policy SET document = replace(document, '\"validity_days\": 730', '\"validity_days\": 3650')",
    )
    (entry,) = services.audit.replay(compliance, [seq]).entries
    report = services.audit.replay(compliance, [seq])
    assert report.verification.ok
    assert report.failed
    assert not report.ok
    assert (entry.verdict, entry.tampered, entry.replayed_decision) == (Verdict.CANNOT_REPLAY, True, None)
    assert "policy version 1 was changed outside suitcheck" in (entry.why or "")
    assert _last_replay(services)["tampered_policy"] == [1]


def test_entries_that_are_missing_or_no_decision(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "X", RiskProfile.C3)
    seq = services.access.check(compliance, "X", r3).audit_id
    with pytest.raises(NotFound, match=r"^There is no audit entry 99999\.$"):
        services.audit.replay(compliance, [seq, 99999])
    with pytest.raises(NotFound, match=r"^There are no audit entries 99999, 88888\.$"):
        services.audit.replay(compliance, [99999, 88888])
    login = _entries(services, AuditAction.STAFF_CREATED)[0]
    report = services.audit.replay(compliance, [login, seq])
    assert [(e.seq, e.verdict) for e in report.entries] == [
        (login, Verdict.NOT_A_DECISION),
        (seq, Verdict.REPRODUCED),
    ]
    assert not report.ok
    assert not report.failed
    for seqs, since in (([seq], TODAY), ([], None), ([0], None)):
        with pytest.raises(InvalidInput):
            services.audit.replay(compliance, seqs, since=since)
    with pytest.raises(InvalidInput, match="start date is after the end date"):
        services.audit.replay(compliance, since=TODAY, until=TODAY - DAY)
    advisor = staff(services, Role.ADVISOR)
    with pytest.raises(PermissionDenied):
        services.audit.replay(advisor, [seq])


def test_a_branch_verifier_replays_only_its_branchs_entries(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """B2's compliance officer replays the check of B2's client; head office's client's
    check is answered exactly as an entry that does not exist, and a period holds only B2's."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    services.auth.create_staff(w.root, "t-b2-officer", PASSWORD, Role.COMPLIANCE, branch="B2")
    officer: Actor = services.auth.login("t-b2-officer", PASSWORD)
    theirs = services.access.check(w.hq_compliance, "A1", w.report).audit_id
    ours = services.access.check(w.hq_compliance, "B1", w.report).audit_id

    (entry,) = services.audit.replay(officer, [ours]).entries
    assert (entry.verdict, entry.investor_id) == (Verdict.REPRODUCED, w.ids["B1"])
    with pytest.raises(NotFound) as hidden:
        services.audit.replay(officer, [theirs])
    with pytest.raises(NotFound) as missing:
        services.audit.replay(officer, [theirs + 1000])
    assert str(hidden.value) == str(missing.value).replace(str(theirs + 1000), str(theirs))
    period = services.audit.replay(officer, since=TODAY - DAY, until=TODAY + DAY)
    assert [e.seq for e in period.entries] == [ours]
    assert _last_replay(services)["branch"] == "B2"
    assert [e.seq for e in services.audit.replay(w.hq_compliance, since=TODAY - DAY).entries] == [theirs, ours]


def _written_as_a_faulty_release(
    services: Services, actor: Actor, action: AuditAction, like: int, **facts: object
) -> int:
    """An entry appended through suitcheck's own sealer (its chain, hash and MAC verify), as a
    release with a fault would write it: the decision, reasons and facts of entry `like`,
    under another action and with `facts` changed."""
    with services.store.engine.connect() as conn:
        row = conn.execute(
            select(
                AuditEntry.investor_id, AuditEntry.report_id, AuditEntry.decision, AuditEntry.reasons, AuditEntry.facts
            ).where(AuditEntry.seq == like)
        ).one()
    with services.ctx.core_transaction() as conn:
        return services.ctx.audit(
            conn,
            actor,
            action,
            investor_id=row.investor_id,
            report_id=row.report_id,
            decision=row.decision,
            reasons=json.loads(row.reasons),
            facts={**json.loads(row.facts), **facts},
        ).seq


def test_an_opening_or_override_suitcheck_never_records_is_never_reproduced(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Entries whose chain verifies (written through the sealer, as a faulty release would)
    but whose action does not follow from the decision replayed: a blocked report opened, an
    opening after a warning no recorded override admits, an override of a blocked decision,
    an override naming a warning version its policy version does not have. Each differs; the
    real override and the opening it admits reproduce."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "W", RiskProfile.C2)
    blocked = services.access.check(advisor, "W", r4).audit_id
    policy = services.policy.update(compliance, allow_escalation=True)
    warned = services.access.check(advisor, "W", r4).audit_id
    opened_blocked = _written_as_a_faulty_release(services, advisor, AuditAction.OPEN, blocked)
    opened_unconfirmed = _written_as_a_faulty_release(services, advisor, AuditAction.OPEN, warned)
    override_of_block = _written_as_a_faulty_release(
        services,
        advisor,
        AuditAction.OVERRIDE,
        blocked,
        warning_version=policy.warning_version,
        warning_sha256=hashlib.sha256(policy.warning_text.encode()).hexdigest(),
    )
    override = services.access.record_override(
        advisor, "W", r4, warning_version=policy.warning_version, client_confirmed=True
    ).audit_id
    override_other_warning = _written_as_a_faulty_release(
        services, advisor, AuditAction.OVERRIDE, override, warning_version="W9"
    )
    services.access.record_override(advisor, "W", r4, warning_version=policy.warning_version, client_confirmed=True)
    opened = services.access.open_report(advisor, "W", r4).audit_id

    report = services.audit.replay(
        compliance, [opened_blocked, opened_unconfirmed, override_of_block, override, override_other_warning, opened]
    )
    assert report.verification.ok
    assert report.failed
    assert [(e.seq, e.verdict, e.differs) for e in report.entries] == [
        # Written like the check under version 1 after version 2 was stored: stamped with a
        # version no longer in force where they stand, too.
        (opened_blocked, Verdict.DIFFERS, ("action", "policy_version")),
        (opened_unconfirmed, Verdict.DIFFERS, ("override",)),
        (override_of_block, Verdict.DIFFERS, ("action", "policy_version")),
        (override, Verdict.REPRODUCED, ()),
        (override_other_warning, Verdict.DIFFERS, ("warning_version",)),
        (opened, Verdict.REPRODUCED, ()),
    ]


def test_an_override_and_its_opening_across_a_policy_change_the_same_day(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """The override recorded under version 2; version 3 (a new validity, the same warning)
    made the same day; the opening under version 3 is admitted by that override, as the
    desk admitted it. A version 4 with new warning words makes the next opening a refusal.
    Each replays under its own version and reproduces."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "W", RiskProfile.C2)
    policy = services.policy.update(compliance, allow_escalation=True)
    services.access.record_override(advisor, "W", r4, warning_version=policy.warning_version, client_confirmed=True)
    services.policy.update(compliance, validity_days=700)
    opened = services.access.open_report(advisor, "W", r4)
    services.policy.update(compliance, warning_text="新的风险揭示：本报告风险等级高于您的风险承受能力。")
    with pytest.raises(DecisionRefuses):
        services.access.open_report(advisor, "W", r4)

    report = services.audit.replay(compliance, since=TODAY, until=TODAY)
    assert report.ok, [e for e in report.entries if e.verdict is not Verdict.REPRODUCED]
    assert [(e.action, e.policy_version, e.replayed_decision) for e in report.entries] == [
        ("override", 2, "allow-after-warning"),
        ("open", 3, "allow-after-warning"),
        ("open-refused", 4, "allow-after-warning"),
    ]
    assert report.entries[1].seq == opened.audit_id
