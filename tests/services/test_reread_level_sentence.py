"""A report imported by an older build, whose own level sentence that build read as one
level and this build's stricter reader reads otherwise (a sentence drawn backwards beside a
small-print 低风险 one: R1 then, unrated now).

Was BROKE: the store kept it at the level read at import (R1) and nothing read its level
sentence again: opening re-reads the original only for its text, and `report reread`
compared only the subject level, so its preview listed nothing and a C1 client was still
allowed (and given) a report whose page states 高风险. Now the re-reading also reads the
report's own level statement: a stated level (never one compliance rated) that the current
reader reads otherwise is listed, and once applied the report is unrated until compliance
rates it, with a finding quoting why, a correction record and the audit entry.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.ingest.reader import ExtractedReport, content_hash, extract
from suitcheck.services import Actor, Services
from suitcheck.services.errors import DecisionRefuses
from suitcheck.services.reports import FINDING_LEVEL_STATEMENT_UNCLEAR
from tests.attack.test_attack_level_sentence import HIGH, SMALL_LOW, _backwards_by_tm
from tests.conftest import add_client, staff
from tests.pdfs import pdf_line, raw_page_pdf

# A macro report (its subject R1): 本报告的风险等级为高风险。 drawn from its last glyph to its
# first, and a small-print 低风险 statement, the only one an older build read.
MACRO = (
    pdf_line("宏观经济月报：货币政策展望", y=780, size=16)
    + pdf_line("宏观点评", y=750)
    + pdf_line("事件：央行公布月度金融数据，社会融资规模平稳。", y=720)
)
BACKWARDS_MACRO = raw_page_pdf(MACRO + _backwards_by_tm(HIGH) + SMALL_LOW)


def imported_by_an_older_build(
    services: Services, compliance: Actor, data: bytes, level: RiskLevel | None = RiskLevel.R1
) -> int:
    """The file stored as an older build's reader read it: its level `level` (None: as this
    build reads it), nothing unclear, and no reader version (a build before they were
    recorded)."""
    path = Path("backwards.pdf")
    now = extract(path, data)
    meta = dataclasses.replace(now.metadata, reader=None)
    if level is not None:
        meta = dataclasses.replace(meta, stated_level=level, level_statements=(level,), unclear_level_statements=())
    old = ExtractedReport(path, "pdf", data, content_hash(data), now.text, meta)
    result = services.reports._store(compliance, old)
    assert result.report is not None
    return result.report


def test_a_level_the_current_reader_reads_otherwise_is_unrated_once_reread(sqlite_services: Services) -> None:
    """The PDF reading and the re-read are the same on both stores: SQLite only."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = imported_by_an_older_build(services, compliance, BACKWARDS_MACRO)
    add_client(services, compliance, "C1-client", RiskProfile.C1)

    preview = services.reread.preview(compliance)
    (change,) = preview.changes
    assert (change.report, change.level, change.level_after) == (report, RiskLevel.R1, None)
    assert (change.matched_before, change.matched_after, change.raises) == (RiskLevel.R1, None, True)
    assert change.to_dict()["level_after"] is None
    assert services.reports.get(compliance, report).level is RiskLevel.R1  # a preview stores nothing

    applied = services.reread.apply(compliance, preview)
    assert [c.report for c in applied.applied] == [report]
    view = services.reports.get(compliance, report)
    assert (view.level, view.matching_level, view.level_confirmed) == (None, None, False)
    unclear = [f.detail for f in view.open_findings if f.code == FINDING_LEVEL_STATEMENT_UNCLEAR]
    assert any(d.startswith("imported as R1") and d.endswith("R5, R1 as on the page") for d in unclear), unclear
    assert not services.access.check(advisor, "C1-client", report).decision.allowed
    (entry,) = [e for e in services.audit.browse(compliance, limit=50) if e.action == "report-reread"]
    facts = json.loads(entry.facts)
    assert (facts["level"], facts["level_after"], facts["matched_after"]) == ("R1", None, None)
    assert services.audit.verify(compliance).ok

    # Rated by compliance, it is matched at that rating, and a re-read leaves the rating be.
    services.reports.set_level(compliance, report, RiskLevel.R5, note="page states 高风险")
    assert services.reread.preview(compliance).changes == ()


def test_a_level_read_the_same_way_is_not_listed(sqlite_services: Services, tmp_path: Path) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    path = tmp_path / "ordinary.pdf"
    path.write_bytes(raw_page_pdf(MACRO + pdf_line(HIGH, y=560)))
    (result,) = sqlite_services.reports.import_paths(compliance, [path])
    assert result.report is not None
    assert sqlite_services.reports.get(compliance, result.report).level is RiskLevel.R5
    assert sqlite_services.reread.preview(compliance).changes == ()


def test_opening_it_reads_the_level_again_and_unrates_it_before_any_reread(services: Services) -> None:
    """Was BROKE: opening reads the stored original again (for its text), but not its level
    statement: the report the older build read as R1 was handed to a C1 client. Now the
    opening's reading of the file also compares the level: when it reads otherwise the
    report is unrated there and then (the re-read's finding, correction and audit entry),
    and the opening is refused as unrated and recorded."""
    # Both stores: the unrating is written inside the opening's transaction, under the
    # trail's lock (PostgreSQL takes it differently).
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = imported_by_an_older_build(services, compliance, BACKWARDS_MACRO)
    add_client(services, compliance, "C1-client", RiskProfile.C1)

    with pytest.raises(DecisionRefuses) as refused:
        services.access.open_report(advisor, "C1-client", report)
    assert refused.value.refusal.decision.reasons == (Reason.REPORT_UNRATED,)
    view = services.reports.get(compliance, report)
    assert (view.level, view.matching_level) == (None, None)
    assert any(f.code == FINDING_LEVEL_STATEMENT_UNCLEAR and "imported as R1" in f.detail for f in view.open_findings)
    actions = [e.action for e in services.audit.browse(compliance, limit=50)]
    assert "report-reread" in actions
    assert "open-refused" in actions
    assert not services.access.check(advisor, "C1-client", report).decision.allowed
    assert services.audit.verify(compliance).ok
    assert services.reread.preview(compliance).changes == ()  # nothing left for the re-read
