"""The self-inspection PDF: its figures equal SQL counts over the period; its text extracts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import text

from suitcheck.domain.decision import BLOCKING_REASONS
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput, PermissionDenied
from tests.conftest import TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report

HEADINGS = (
    "投资者适当性管理自查报告",
    "适当性匹配决策",
    "拒绝原因统计",
    "特别风险警示后提供",
    "风险测评过期时的查询",
    "存在未关闭合规发现的报告",
    "期间内风险测评",
    "风险测评到期",
    "审计链校验",
)


def _stamp(day: dt.date) -> str:
    """Beijing midnight beginning `day` (16:00 UTC the day before) as the trail stamps it:
    written out here, not through domain.calendar, so the cross-check stays independent."""
    return f"{(day - dt.timedelta(days=1)).isoformat()}T16:00:00.000000Z"


def _utc_text(day: dt.date) -> str:
    """Beijing midnight beginning `day` as the UTC text an assessment's recorded_at compares with."""
    return f"{(day - dt.timedelta(days=1)).isoformat()} 16:00:00"


def _sql_figures(services: Services, lo: dt.date, hi: dt.date) -> dict[str, Any]:
    """The same figures, counted independently with plain SQL."""
    period = {"lo": _stamp(lo), "hi": _stamp(hi + dt.timedelta(days=1))}
    where = "action = 'check' AND at >= :lo AND at < :hi"
    with services.store.engine.connect() as conn:
        decisions = {
            d: n
            for d, n in conn.execute(
                text(f"SELECT decision, count(*) FROM audit_entry WHERE {where} GROUP BY decision"), period
            )
        }
        blocks = {}
        for reason in BLOCKING_REASONS:
            n = conn.execute(
                text(f"SELECT count(*) FROM audit_entry WHERE {where} AND decision = 'block' AND reasons LIKE :r"),
                {**period, "r": f'%"{reason.value}"%'},
            ).scalar_one()
            if n:
                blocks[reason.value] = n
        expired = {
            d: n
            for d, n in conn.execute(
                text(
                    f"SELECT decision, count(*) FROM audit_entry WHERE {where} "
                    "AND reasons LIKE '%\"assessment-expired\"%' GROUP BY decision"
                ),
                period,
            )
        }
        overrides = conn.execute(
            text("SELECT count(*) FROM audit_entry WHERE action = 'override' AND at >= :lo AND at < :hi"), period
        ).scalar_one()
        profiles = {
            f"C{p}": n
            for p, n in conn.execute(
                text(
                    "SELECT profile, count(*) FROM assessment "
                    "WHERE recorded_at >= :a AND recorded_at < :b GROUP BY profile"
                ),
                {"a": _utc_text(lo), "b": _utc_text(hi + dt.timedelta(days=1))},
            )
        }
        findings = conn.execute(
            text("SELECT count(DISTINCT report_id) FROM finding WHERE resolved_at IS NULL")
        ).scalar_one()
    return {
        "decisions": decisions,
        "blocks_by_reason": blocks,
        "expired_checks": expired,
        "overrides": overrides,
        "assessments_by_profile": profiles,
        "open_findings": findings,
    }


def test_inspection_figures_equal_sql_counts_and_text_extracts(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    r1 = import_text_report(services, compliance, tmp_path, level="低风险")
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险")
    hk = import_text_report(services, compliance, tmp_path, level="中风险", title="港股互联网平台：回购提速与估值重估")
    for account, profile, days in (
        ("A5", RiskProfile.C5, 10),
        ("A3", RiskProfile.C3, 20),
        ("OLD", RiskProfile.C4, 900),
    ):
        add_client(services, compliance, account, profile, days)
    add_client(services, compliance, "LOW", RiskProfile.C1, 30, lowest_category=True)
    services.investors.mark_reassessment_due(advisor, "A5", "收入变化")

    def day_of_checks(n: int) -> None:
        for _ in range(n):
            for account in ("A5", "A3", "OLD", "LOW"):
                for report in (r1, r4, hk):
                    services.access.check(advisor, account, report)

    day_of_checks(1)  # TODAY: before the period
    clock.advance(days=10)
    services.policy.update(compliance, allow_escalation=True)
    day_of_checks(2)
    services.access.record_override(
        advisor, "A3", r4, warning_version="W1", client_confirmed=True, recording_ref="SL-2026-0042"
    )
    services.investors.assess(compliance, "OLD", RiskProfile.C2, clock().astimezone().date(), note="纸质问卷")
    clock.advance(days=30)
    day_of_checks(1)  # after the period
    lo, hi = TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=20)

    out = tmp_path / "自查.pdf"
    result = services.inspection.write(compliance, lo, hi, out)
    data = result.data
    expected = _sql_figures(services, lo, hi)
    assert dict(data.decisions) == expected["decisions"]
    assert data.decisions_total == 2 * 12
    assert dict(data.blocks_by_reason) == expected["blocks_by_reason"]
    assert {"lowest-category", "reassessment-due", "assessment-expired", "profile-below-level"} <= set(
        data.blocks_by_reason
    )
    assert dict(data.expired_checks) == expected["expired_checks"]
    assert data.expired_checks
    assert data.overrides_total == expected["overrides"] == 1
    assert (data.overrides[0].warning_version, data.overrides[0].recording_ref) == ("W1", "SL-2026-0042")
    assert data.overrides[0].client == "A3"  # the account compliance knows, not the store's row id
    assert dict(data.assessments_by_profile) == expected["assessments_by_profile"] == {"C2": 1}
    assert data.open_findings_total == expected["open_findings"] >= 1
    assert hk in {f.report_id for f in data.open_findings}
    assert data.verification_ok is True

    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == result.sha256
    extracted = extract_text(str(out))
    for heading in HEADINGS:
        assert heading in extracted, heading
    assert "SL-2026-0042" in extracted
    assert "\nA3\n" in extracted  # the override's client cell
    assert "港股互联网平台" in extracted
    assert b"FontFile2" in content  # the CJK font is embedded (a TrueType subset)
    entry = services.audit.browse(compliance, limit=1)[0]
    facts = json.loads(entry.facts)
    assert entry.action == "inspection-report"
    assert facts["file_sha256"] == result.sha256
    assert (facts["from"], facts["to"]) == (lo.isoformat(), hi.isoformat())


def test_inspection_refusals(services: Services, tmp_path: Path) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    advisor = staff(services, Role.ADVISOR)
    with pytest.raises(PermissionDenied):
        services.inspection.write(advisor, TODAY, TODAY, tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match="ends before"):
        services.inspection.write(compliance, TODAY, TODAY - dt.timedelta(days=1), tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match="does not exist"):
        services.inspection.write(compliance, TODAY, TODAY, tmp_path / "nope" / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
