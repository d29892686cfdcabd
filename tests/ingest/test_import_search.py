"""Import through the services: duplicates, findings, rating, rollback; substring search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.reports import ReportFilter
from tests.conftest import add_client, staff
from tests.fixtures import report_text
from tests.ingest.level_corpus import CORPUS
from tests.ingest.test_extraction import PDF_ARGS, _bad_files
from tests.pdfs import two_column_report_pdf


def test_batch_goes_on_past_bad_files(services: Services, compliance: Actor, tmp_path: Path) -> None:
    expected = _bad_files(tmp_path)
    (tmp_path / "good.pdf").write_bytes(two_column_report_pdf(**PDF_ARGS))  # type: ignore[arg-type]
    (tmp_path / "ignored.docx").write_bytes(b"not ours")
    seen: list[tuple[int, int]] = []
    results = services.reports.import_paths(compliance, [tmp_path], progress=lambda n, t, r: seen.append((n, t)))
    by_name = {Path(r.path).name: r for r in results}
    assert set(by_name) == set(expected) | {"good.pdf"}
    for name, code in expected.items():
        assert (by_name[name].status, by_name[name].code) == ("failed", code)
    assert by_name["good.pdf"].status == "imported"
    assert seen[-1] == (len(results), len(results))
    assert services.reports.count(compliance) == 1  # nothing half-imported


def test_pdf_import_yields_metadata(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(two_column_report_pdf(**PDF_ARGS))  # type: ignore[arg-type]
    (result,) = services.reports.import_paths(compliance, [path])
    view: dict[str, Any] = services.reports.get(compliance, result.report or 0).to_dict()
    assert view["level"] == "R3"
    assert view["date"] == "2025-03-18"
    assert view["publisher"] == "示例证券"
    assert [a["sac_number"] for a in view["analysts"]] == ["S1230521020001", "S1230524100002", "S1230524070003"]
    assert view["rating"] == {"scope": "industry", "value": "超配", "change": "维持"}


def test_duplicate_is_reported_not_stored(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(report_text(), encoding="utf-8")
    first = services.reports.import_paths(compliance, [path])[0]
    copy = tmp_path / "copy-of-a.txt"
    copy.write_bytes(path.read_bytes())
    second = services.reports.import_paths(compliance, [copy])[0]
    assert (second.status, second.report) == ("duplicate", first.report)
    assert services.reports.count(compliance) == 1


def test_unrated_needs_rating_then_compliance_rates(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "u.txt"
    path.write_text(report_text(None), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.status == "needs-rating"
    assert [v.id for v in services.reports.search(compliance, ReportFilter(unrated=True))] == [result.report]
    view = services.reports.set_level(compliance, result.report or 0, RiskLevel.R3, note="checked")
    assert view.level is RiskLevel.R3
    assert services.reports.search(compliance, ReportFilter(unrated=True)) == []


def test_stated_level_below_subject_is_a_finding(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = tmp_path / "hk.txt"
    path.write_text(report_text("中风险", "腾讯控股（0700.HK）公司点评：回购提速"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    view = services.reports.get(compliance, result.report or 0)
    assert view.level is RiskLevel.R3  # never silently changed
    assert view.suggested_level is RiskLevel.R4
    assert [f.code for f in view.open_findings] == ["level-below-subject"]
    assert [v.id for v in services.reports.search(compliance, ReportFilter(with_findings=True))] == [view.id]
    assert view.matching_level is RiskLevel.R4
    assert not view.level_confirmed  # 就高 until compliance decides
    fixed = services.reports.set_level(compliance, view.id, RiskLevel.R4)
    assert fixed.open_findings == ()
    assert fixed.matching_level is RiskLevel.R4


def test_two_different_self_statements_make_the_report_unrated_with_a_finding(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    text = next(c[1] for c in CORPUS if c[0] == "two-different-self-statements")
    path = tmp_path / "two.txt"
    path.write_text(text, encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert (result.status, result.code) == ("needs-rating", "unrated")
    assert "two different risk levels" in (result.reason or "")
    view = services.reports.get(compliance, result.report or 0)
    assert view.level is None
    assert [f.code for f in view.open_findings] == ["level-statements-differ"]
    assert "R3, R4" in view.open_findings[0].detail
    add_client(services, compliance, "C5", RiskProfile.C5)
    assert not services.access.check(advisor, "C5", view.id).decision.allowed


def test_corrections_are_kept_with_who_and_when(services: Services, compliance: Actor, tmp_path: Path) -> None:
    from sqlalchemy import select

    from suitcheck.store.models import ReportCorrection

    path = tmp_path / "c.txt"
    path.write_text(report_text(), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    services.reports.correct(compliance, result.report or 0, "title", "更正后的标题", "标题抽取有误")
    assert services.reports.search(compliance, ReportFilter(text="更正后"))[0].id == result.report
    with services.store.session(read_only=True) as session:
        row = session.execute(select(ReportCorrection)).scalar_one()
    assert (row.field, row.new_value, row.staff_id) == ("title", "更正后的标题", compliance.staff_id)


def test_failure_while_storing_leaves_nothing_behind(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from suitcheck.services.errors import StoreUnavailable
    from suitcheck.store import search

    def broken(*_: object) -> None:
        from sqlalchemy.exc import OperationalError

        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(search, "index_report", broken)
    path = tmp_path / "x.txt"
    path.write_text(report_text(), encoding="utf-8")
    with pytest.raises(StoreUnavailable):
        services.reports.import_paths(compliance, [path])
    monkeypatch.undo()
    assert services.reports.count(compliance) == 0
    assert services.reports.import_paths(compliance, [path])[0].status == "imported"


@pytest.fixture
def library(services: Services, compliance: Actor, tmp_path: Path) -> tuple[Services, Actor]:
    titles = [
        "人工智能芯片产业链跟踪",
        "AI 算力需求再上台阶",
        "银行业息差企稳",
        "Hang Seng tech rebound",
        "半导体设备国产替代",
        "债券市场月报",
    ]
    for n, title in enumerate(titles):
        (tmp_path / f"{n}.txt").write_text(report_text(["中风险", "中高风险"][n % 2], title), encoding="utf-8")
    services.reports.import_paths(compliance, [tmp_path])
    return services, compliance


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("芯片", {"人工智能芯片产业链跟踪"}),
        ("芯", {"人工智能芯片产业链跟踪"}),
        ("银行", {"银行业息差企稳"}),
        ("ai", {"AI 算力需求再上台阶"}),
        ("AI算力", {"AI 算力需求再上台阶"}),
        ("SENG", {"Hang Seng tech rebound"}),
        ("产业链跟踪", {"人工智能芯片产业链跟踪"}),
        ("息差企稳", {"银行业息差企稳"}),
        ("不存在的词", set()),
    ],
)
def test_substring_search_in_titles(library: tuple[Services, Actor], term: str, expected: set[str]) -> None:
    services, actor = library
    titles = {v.title for v in services.reports.search(actor, ReportFilter(text=term))}
    assert titles == expected


def test_search_body_and_analysts(library: tuple[Services, Actor]) -> None:
    services, actor = library
    assert services.reports.count(actor, ReportFilter(text="钱雨桐")) == 6
    assert services.reports.count(actor, ReportFilter(text="不构成投资建议")) == 6


@pytest.mark.parametrize("term", ['"', "*", "-", "NEAR", "AND", 'a" OR "b', "(", ")", "^", "''", "%", "_", "\\", ":"])
def test_query_syntax_is_just_text(library: tuple[Services, Actor], term: str) -> None:
    services, actor = library
    services.reports.search(actor, ReportFilter(text=term))


def test_filters(library: tuple[Services, Actor]) -> None:
    services, actor = library
    assert services.reports.count(actor, ReportFilter(levels=(RiskLevel.R4,))) == 3
    assert services.reports.count(actor, ReportFilter(text="芯片", levels=(RiskLevel.R4,))) == 0
    assert services.reports.count(actor, ReportFilter(rating="超配")) == 6
    assert services.reports.count(actor, ReportFilter(publisher="示例证券")) == 6
    import datetime as dt

    assert services.reports.count(actor, ReportFilter(date_from=dt.date(2025, 3, 19))) == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_substring_of_a_title_finds_it(
    sqlite_services: Services, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    services = sqlite_services
    actor = staff(services, Role.COMPLIANCE)
    title = data.draw(st.text(alphabet=st.sampled_from("芯片半导体银行AIai算力需求上台阶X1"), min_size=6, max_size=20))
    folder = tmp_path_factory.mktemp("t")
    (folder / "r.txt").write_text(report_text("中风险", "标题" + title), encoding="utf-8")
    (result,) = services.reports.import_paths(actor, [folder])
    start = data.draw(st.integers(0, len(title) - 1))
    term = title[start : data.draw(st.integers(start + 1, len(title)))]
    found = {v.id for v in services.reports.search(actor, ReportFilter(text=term), limit=10_000)}
    assert result.report in found or result.status == "duplicate"


@pytest.mark.postgres
def test_postgresql_search_uses_a_trigram_index(pg_target: str, clock) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL substring search is served by a pg_trgm GIN index (3+ characters)."""
    from sqlalchemy import text

    from tests.conftest import make_services

    services = make_services(pg_target, clock)
    try:
        with services.store.session() as session:
            index = session.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_report_search_grams_trgm'")
            ).scalar_one()
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(
                session.execute(text("EXPLAIN SELECT rowid FROM report_search WHERE grams LIKE '%芯片产业%'")).scalars()
            )
    finally:
        services.close()
    assert "gin_trgm_ops" in index
    assert "ix_report_search_grams_trgm" in plan
