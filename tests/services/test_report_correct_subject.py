"""A corrected title or report type says anew what the report is about: the subject table
is applied to it at once (就高), as an import of a file with that title would apply it. A
report on a Hong Kong stock whose title was misread, stated 中风险, was matched at R3 after
the title was corrected to name the stock: a C3 client still got it. Never lower: what the
subject level stored came from (the body, a title misread as higher) stays."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.store.models import ReportCorrection
from tests.conftest import add_client
from tests.services.test_report_reread import _import, _open_codes

HK_TITLE = "腾讯控股（00700.HK）：广告收入超预期"


def _corrected_facts(services: Services, compliance: Actor) -> dict[str, object]:
    entries = services.audit.browse(compliance, AuditFilter(action=AuditAction.REPORT_CORRECTED))
    return dict(json.loads(entries[0].facts))


def test_a_title_corrected_to_a_higher_subject_matches_the_report_higher_at_once(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "公司深度报告")
    add_client(services, compliance, "C3", RiskProfile.C3)
    assert services.reports.get(compliance, report).suggested_level is RiskLevel.R3  # its type: 行业点评
    assert services.access.check(advisor, "C3", report).decision.allowed

    view = services.reports.correct(compliance, report, "title", HK_TITLE, "标题抽取有误")
    assert (view.level, view.suggested_level, view.matching_level) == (RiskLevel.R3, RiskLevel.R4, RiskLevel.R4)
    assert view.record_intact
    assert not services.access.check(advisor, "C3", report).decision.allowed
    assert _open_codes(services, compliance, report) == {"level-below-subject"}
    facts = _corrected_facts(services, compliance)
    assert (facts["subject_before"], facts["subject_after"], facts["findings_added"]) == (
        "R3",
        "R4",
        ["level-below-subject"],
    )
    with services.store.session(read_only=True) as session:
        fields = [c.field for c in session.execute(select(ReportCorrection)).scalars()]
    assert fields == ["title", "suggested_level"]
    assert services.audit.verify(compliance).ok


def test_a_report_type_corrected_to_a_higher_subject_is_matched_higher(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "周度观察")
    add_client(services, compliance, "C3", RiskProfile.C3)
    services.reports.correct(compliance, report, "report_type", "股指期货策略", "类型抽取有误")
    assert services.reports.get(compliance, report).matching_level is RiskLevel.R5
    assert not services.access.check(advisor, "C3", report).decision.allowed


def test_a_compliance_rating_stays_and_is_flagged_below_the_corrected_subject(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """The rulebook: a compliance rating below the subject's level stays, flagged."""
    report = _import(services, compliance, tmp_path, "公司点评")
    services.reports.set_level(compliance, report, RiskLevel.R3, "复核")
    services.reports.correct(compliance, report, "title", HK_TITLE, "标题抽取有误")
    view = services.reports.get(compliance, report)
    assert (view.suggested_level, view.matching_level) == (RiskLevel.R4, RiskLevel.R3)
    assert "rated-below-subject" in _open_codes(services, compliance, report)


def test_a_correction_never_lowers_the_subject_level(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, HK_TITLE)
    add_client(services, compliance, "C3", RiskProfile.C3)
    assert services.reports.get(compliance, report).matching_level is RiskLevel.R4
    view = services.reports.correct(compliance, report, "title", "公司深度报告", "标题")
    assert (view.suggested_level, view.matching_level) == (RiskLevel.R4, RiskLevel.R4)
    assert not services.access.check(advisor, "C3", report).decision.allowed
    assert "subject_after" not in _corrected_facts(services, compliance)


def test_a_correction_of_another_field_leaves_the_subject(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    report = _import(services, compliance, tmp_path, "公司深度报告")
    services.reports.correct(compliance, report, "publisher", "港股研究所", "机构名称")
    assert services.reports.get(compliance, report).suggested_level is RiskLevel.R3
    assert "subject_after" not in _corrected_facts(services, compliance)
