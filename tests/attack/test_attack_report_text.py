"""The text a client is given when a report is opened is the text of the file its sealed
row names, never the stored copy of it.

Was BROKE: `open_report` compared the stored original with the row's `content_hash`
(sealed) but handed out the extracted text kept beside it in `report_content.text`,
which no seal and no hash covers (the viewer shows it: a text report's only view, a
PDF's text tab). An insider with a SQL client copied an R5 report's text over an R3
report's: a C3 client, allowed the R3 report, was given the R5 report's content, and the
opening was recorded as an allowed R3 opening. Now the text handed out is extracted
again from the verified original, as a fresh import reads it. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.store.models import ReportContent
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report, report_text
from tests.pdfs import text_to_pdf


def _stored_text(services: Services, report: int) -> str:
    with services.store.engine.connect() as conn:
        return str(conn.execute(select(ReportContent.text).where(ReportContent.report_id == report)).scalar_one())


def test_a_report_text_swapped_in_sql_is_not_handed_out(services: Services, tmp_path: Path) -> None:
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险", title="星辰半导体季度点评")
    r5 = import_text_report(services, compliance, tmp_path, level="高风险", title="高收益可转债专题")
    add_client(services, compliance, "M3", RiskProfile.C3)
    own, forbidden = _stored_text(services, r3), _stored_text(services, r5)
    assert not services.access.check(advisor, "M3", r5).decision.allowed
    assert services.access.open_report(advisor, "M3", r3).text == own
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE report_content SET text = :t WHERE report_id = :r"), {"t": forbidden, "r": r3})
    opened = services.access.open_report(advisor, "M3", r3)
    assert opened.text == own
    assert "高收益可转债专题" not in opened.text


def test_a_report_imported_before_a_limit_was_lowered_still_opens(services: Services, tmp_path: Path) -> None:
    """The text is read again at every opening, but never under limits below the shipped
    defaults: compliance lowering the page or text limit for new imports does not stop the
    reports already imported from opening. A new import is held to the lowered limit."""
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    body = report_text("中风险", "星辰半导体季度点评") * 3
    path = tmp_path / "long.pdf"
    path.write_bytes(text_to_pdf(body))
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    add_client(services, compliance, "M3", RiskProfile.C3)
    before = services.access.open_report(advisor, "M3", result.report).text
    services.policy.update(compliance, import_max_pages=1, import_max_text_chars=10_000)
    assert services.access.open_report(advisor, "M3", result.report).text == before
    again = tmp_path / "again.pdf"
    again.write_bytes(text_to_pdf(body + "\n再版"))
    (refused,) = services.reports.import_paths(compliance, [again])
    assert refused.report is None


def test_a_report_opened_again_is_not_read_again_and_each_report_keeps_its_own_text(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text read again is kept by its original's SHA-256 (which the opening compares with
    the sealed row): the second opening of the same report reads nothing, and another
    report, or the first one's stored text swapped in SQL, never gets the kept text."""
    from suitcheck.ingest import sandbox

    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险", title="星辰半导体季度点评")
    other = import_text_report(services, compliance, tmp_path, level="中风险", title="银行业息差专题")
    add_client(services, compliance, "M3", RiskProfile.C3)
    reads: list[str] = []
    extract = sandbox.Sandbox.extract

    def counted(self: sandbox.Sandbox, path: Path, *args: object, **kwargs: object) -> object:
        reads.append(path.name)
        return extract(self, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sandbox.Sandbox, "extract", counted)
    first = services.access.open_report(advisor, "M3", r3).text
    assert services.access.open_report(advisor, "M3", r3).text == first
    assert reads == [f"report-{r3}.txt"]
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE report_content SET text = :t WHERE report_id = :r"), {"t": "伪造", "r": r3})
    assert services.access.open_report(advisor, "M3", r3).text == first
    second = services.access.open_report(advisor, "M3", other).text
    assert "银行业息差专题" in second
    assert second != first
    assert reads == [f"report-{r3}.txt", f"report-{other}.txt"]
