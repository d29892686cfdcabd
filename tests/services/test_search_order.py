"""Text search pages come newest report first, straight from the search index, and agree
with the full set of matches whatever the term and filters; a plain listing goes by date."""

from __future__ import annotations

from pathlib import Path

from suitcheck.domain.levels import RiskLevel
from suitcheck.services import Actor, Services
from suitcheck.services.reports import ReportFilter
from tests.fixtures import import_text_report


def test_search_pages_are_newest_first_and_complete(services: Services, compliance: Actor, tmp_path: Path) -> None:
    ids = []
    for n in range(12):
        level = "中风险" if n % 3 else "中高风险"
        title = f"光伏行业周报第{n}期：组件需求回暖" if n % 4 else f"银行业月报第{n}期：息差企稳"
        ids.append(import_text_report(services, compliance, tmp_path, level=level, title=title))
    # Every synthetic report's body names 示例公司 (a term in every report); titles differ.
    everywhere = [v.id for v in services.reports.search(compliance, ReportFilter(text="示例公司"), limit=100)]
    assert everywhere == sorted(ids, reverse=True)
    pages = [
        v.id
        for offset in (0, 5, 10)
        for v in services.reports.search(compliance, ReportFilter(text="示例公司"), limit=5, offset=offset)
    ]
    assert pages == everywhere
    solar = [v.id for v in services.reports.search(compliance, ReportFilter(text="光伏"), limit=100)]
    assert solar == sorted((i for n, i in enumerate(ids) if n % 4), reverse=True)
    r4_solar = services.reports.search(compliance, ReportFilter(text="光伏", levels=(RiskLevel.R4,)), limit=100)
    assert [v.id for v in r4_solar] == sorted((i for n, i in enumerate(ids) if n % 4 and n % 3 == 0), reverse=True)
    assert services.reports.search(compliance, ReportFilter(text="不存在的词"), limit=100) == []
    # No searchable character: the filter is ignored, as before, and the listing goes by date.
    listed = services.reports.search(compliance, ReportFilter(text="''"), limit=100)
    keys = [(v.published_on is None, v.published_on) for v in listed]
    assert len(listed) == 12
    assert keys == sorted(keys, key=lambda k: (k[0], -(k[1].toordinal() if k[1] else 0)))
