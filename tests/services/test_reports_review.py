"""Compliance reviews an imported report: the extracted metadata and text, corrections with a reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskLevel
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import InvalidInput, PermissionDenied
from suitcheck.services.reports import LevelSource
from suitcheck.store.models import ReportCorrection
from tests.fixtures import import_text_report


def _corrections(services: Services) -> list[ReportCorrection]:
    with services.store.session(read_only=True) as session:
        return list(session.execute(select(ReportCorrection)).scalars())


def test_review_shows_what_import_extracted_and_the_text(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rid = import_text_report(services, compliance, tmp_path, title="星辰半导体：复核")
    review = services.reports.review(compliance, rid)
    r = review.report
    assert r.title == "星辰半导体：复核"
    assert r.published_on == dt.date(2025, 3, 18)
    assert r.report_type == "电子行业事件点评"
    assert r.level == RiskLevel.R3
    assert review.level_source == LevelSource.STATED
    assert review.level_statements == (RiskLevel.R3,)
    assert r.suggested_level is not None
    assert ("周明轩", "S1230521020001") in r.analysts
    assert r.rating is not None
    assert "新一代封装产品" in review.text
    services.reports.set_level(compliance, rid, RiskLevel.R4, "复核")
    assert services.reports.review(compliance, rid).level_source == LevelSource.RATED


def test_review_says_when_no_level_is_stated(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rid = import_text_report(services, compliance, tmp_path, level=None)
    review = services.reports.review(compliance, rid)
    assert (review.report.level, review.level_source, review.level_statements) == (None, LevelSource.NONE, ())


def test_an_advisor_may_not_review_or_correct(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    rid = import_text_report(services, compliance, tmp_path)
    with pytest.raises(PermissionDenied):
        services.reports.review(advisor, rid)
    with pytest.raises(PermissionDenied):
        services.reports.correct(advisor, rid, "title", "x", "because")
    assert services.reports.get(compliance, rid).title != "x"


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_correction_without_a_reason_is_refused_and_changes_nothing(
    services: Services, compliance: Actor, tmp_path: Path, reason: str
) -> None:
    rid = import_text_report(services, compliance, tmp_path)
    before = services.reports.get(compliance, rid)
    with pytest.raises(InvalidInput, match="Say why"):
        services.reports.correct(compliance, rid, "title", "新标题", reason)
    assert services.reports.get(compliance, rid) == before
    assert _corrections(services) == []


def test_a_correction_is_audited_with_its_reason(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rid = import_text_report(services, compliance, tmp_path, title="旧标题")
    view = services.reports.correct(compliance, rid, "published_on", "2025-04-01", "  封面日期抽取有误 ")
    assert view.published_on == dt.date(2025, 4, 1)
    (entry,) = services.audit.browse(compliance, AuditFilter(action=AuditAction.REPORT_CORRECTED))
    facts = json.loads(entry.facts)
    assert facts == {"field": "published_on", "old": "2025-03-18", "new": "2025-04-01", "reason": "封面日期抽取有误"}
    assert entry.report_id == rid
    (row,) = _corrections(services)
    assert (row.field, row.old_value, row.new_value) == ("published_on", "2025-03-18", "2025-04-01")
