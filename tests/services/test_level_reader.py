"""Which reader read a report's stated level (report.reader, ingest.LEVEL_READER), and what
happens to a report an older reader read before anything is decided on it.

Was BROKE: a report an older build rated R1 whose own level sentence this build reads
otherwise (high risk, drawn backwards beside a small-print 低风险 one) still decided at R1 in
`check`, `check --batch` and the distribution list until someone opened it or compliance
applied `report reread`: those paths read no files, so a C1 client was allowed it and listed
for it. Now such a report is read again before the first decision on it, by whichever path
comes first; what this version reads is stored (unrated when it reads otherwise, recorded as
a re-read found at that path), and the report carries the version that read it, sealed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text, update

from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.replay import Verdict
from suitcheck.domain.roles import Role
from suitcheck.ingest import LEVEL_READER
from suitcheck.services import Actor, Services
from suitcheck.services.reports import FINDING_LEVEL_STATEMENT_UNCLEAR, StoredFile
from suitcheck.store.models import Report, ReportContent
from tests.attack.test_attack_level_sentence import HIGH
from tests.conftest import add_client, staff
from tests.pdfs import pdf_line, raw_page_pdf
from tests.services.test_reread_level_sentence import BACKWARDS_MACRO, MACRO, imported_by_an_older_build

# Read as R5 by every build: its level sentence is plain.
PLAIN_HIGH = raw_page_pdf(MACRO + pdf_line(HIGH, y=560))


def counted_readings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The reports whose stored files the access service hands to the reader from now on,
    in order (each still read)."""
    from suitcheck.services import access, reports

    reads: list[int] = []
    real = reports.handed_out

    def counted(stored: StoredFile, policy: Policy) -> StoredFile | None:
        reads.append(stored.report_id)
        return real(stored, policy)

    monkeypatch.setattr(access, "handed_out", counted)
    return reads


def _reader(services: Services, report: int) -> int | None:
    with services.store.engine.connect() as conn:
        return conn.execute(text("SELECT reader FROM report WHERE id = :id"), {"id": report}).scalar()


def _entries(services: Services, actor: Actor, action: str) -> list[dict[str, object]]:
    return [json.loads(e.facts) for e in services.audit.browse(actor, limit=200) if e.action == action]


def _desk(services: Services) -> tuple[Actor, Actor]:
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C1-client", RiskProfile.C1)
    return compliance, advisor


def test_an_import_records_this_versions_reader_in_the_seal(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance, advisor = _desk(services)
    path = tmp_path / "plain.pdf"
    path.write_bytes(PLAIN_HIGH)
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None
    assert _reader(services, result.report) == LEVEL_READER
    # Cleared in SQL (to pass it off as an older build's and have it read otherwise?), or
    # set to another version: the row no longer matches its seal, and every decision blocks.
    for value in (None, LEVEL_READER + 1):
        with services.store.engine.begin() as conn:
            conn.execute(update(Report).where(Report.id == result.report).values(reader=value))
        assert services.access.check(advisor, "C1-client", result.report).decision.reasons == (Reason.RECORD_INTEGRITY,)


def test_the_first_check_reads_an_older_readers_level_again_and_blocks(services: Services) -> None:
    """Both stores: the re-reading is written in its own transaction, under the trail's
    lock, before the check's (PostgreSQL takes the lock and the row lock differently)."""
    compliance, advisor = _desk(services)
    report = imported_by_an_older_build(services, compliance, BACKWARDS_MACRO)
    assert _reader(services, report) is None
    assert services.reports.get(compliance, report).level is RiskLevel.R1  # the old store's state
    # The desk's verdict column leaves it out: its check reads it again and may decide otherwise.
    assert report not in services.access.preview(advisor, "C1-client", [report])

    result = services.access.check(advisor, "C1-client", report)
    assert result.decision.reasons == (Reason.REPORT_UNRATED,)
    view = services.reports.get(compliance, report)
    assert (view.level, view.matching_level) == (None, None)
    assert any(f.code == FINDING_LEVEL_STATEMENT_UNCLEAR and "imported as R1" in f.detail for f in view.open_findings)
    assert _reader(services, report) == LEVEL_READER
    (reread,) = _entries(services, compliance, "report-reread")
    assert (reread["found_at"], reread["level"], reread["level_after"]) == ("check", "R1", None)
    assert services.audit.verify(compliance).ok
    replayed = services.audit.replay(compliance, [result.audit_id])
    assert [e.verdict for e in replayed.entries] == [Verdict.REPRODUCED]
    assert services.reread.preview(compliance).changes == ()  # nothing left for compliance's re-read


def test_a_level_read_the_same_is_marked_once_and_not_read_again(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = sqlite_services
    compliance, advisor = _desk(services)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    report = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=None)
    assert (services.reports.get(compliance, report).level, _reader(services, report)) == (RiskLevel.R5, None)

    reads = counted_readings(monkeypatch)
    assert services.access.check(advisor, "C5-client", report).decision.allowed
    assert not services.access.check(advisor, "C1-client", report).decision.allowed
    assert services.access.check(advisor, "C5-client", report).decision.allowed
    assert reads == [report]  # read once, by the first check
    assert _reader(services, report) == LEVEL_READER
    assert services.reports.get(compliance, report).level is RiskLevel.R5  # nothing else changed
    assert _entries(services, compliance, "report-reread") == []  # a reading that changed nothing
    assert report in services.access.preview(advisor, "C5-client", [report])
    assert services.audit.verify(compliance).ok


def test_a_batch_and_a_distribution_list_read_it_again_first(sqlite_services: Services, tmp_path: Path) -> None:
    services = sqlite_services
    compliance, advisor = _desk(services)
    listed = imported_by_an_older_build(services, compliance, BACKWARDS_MACRO)
    batched = imported_by_an_older_build(
        services, compliance, raw_page_pdf(MACRO + pdf_line("宏观研究", y=600)) + b"\n%batch\n"
    )
    # The list's count and the list itself: nobody, the report unrated by the reading.
    assert services.access.eligible_count(compliance, listed) == 0
    assert [v.account for v in services.access.eligible(compliance, listed)] == []
    (found,) = _entries(services, compliance, "report-reread")
    assert found["found_at"] == "list"
    assert services.reports.get(compliance, listed).level is None

    (pair,) = list(services.access.check_pairs(advisor, [("C1-client", str(batched))]))
    assert pair[1].decision.reasons == (Reason.REPORT_UNRATED,)  # type: ignore[union-attr]
    assert [f["found_at"] for f in _entries(services, compliance, "report-reread")] == ["check", "list"]


def test_a_file_that_cannot_be_read_again_blocks_and_changes_nothing(services: Services) -> None:
    """Its original replaced in SQL: the row's hash no longer names it, so it is not read
    and nothing is stored; each check blocks as unrated and says why in its record."""
    compliance, advisor = _desk(services)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    report = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=RiskLevel.R1)
    with services.store.engine.begin() as conn:
        conn.execute(update(ReportContent).where(ReportContent.report_id == report).values(original=b"%PDF-1.4 x"))
    for _ in range(2):
        result = services.access.check(advisor, "C5-client", report)
        assert result.decision.reasons == (Reason.REPORT_UNRATED,)
    (entry,) = [e for e in services.audit.browse(compliance, limit=80) if e.seq == result.audit_id]
    assert json.loads(entry.facts)["level_not_read_again"] is True
    assert (services.reports.get(compliance, report).level, _reader(services, report)) == (RiskLevel.R1, None)
    assert _entries(services, compliance, "report-reread") == []
    assert services.audit.replay(compliance, [result.audit_id]).entries[0].verdict is Verdict.REPRODUCED


def test_an_older_readers_report_marked_as_read_in_sql_fails_its_seal(sqlite_services: Services) -> None:
    """The insider's shortcut: the reader column set in SQL so the older reading is never
    read again. The seal covers the reader once set, and a row without one was sealed
    without it: the row fails, and every decision about it blocks."""
    services = sqlite_services
    compliance, advisor = _desk(services)
    report = imported_by_an_older_build(services, compliance, BACKWARDS_MACRO)
    with services.store.engine.begin() as conn:
        conn.execute(update(Report).where(Report.id == report).values(reader=LEVEL_READER))
    assert services.access.check(advisor, "C1-client", report).decision.reasons == (Reason.RECORD_INTEGRITY,)
    assert not services.audit.verify(compliance).ok


def test_compliances_reread_stores_a_level_read_the_same_as_read_by_this_version(sqlite_services: Services) -> None:
    """After an upgrade, compliance's re-read clears what an older reader read: a report
    read the same is listed apart from the changes and, applied, stored as read by this
    version (its verdict shown again at the desk), unless it changed since the preview."""
    services = sqlite_services
    compliance, advisor = _desk(services)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    same = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=None)
    rated = imported_by_an_older_build(services, compliance, PLAIN_HIGH + b"\n%rated\n", level=None)
    preview = services.reread.preview(compliance)
    assert (preview.changes, sorted(r for r, _ in preview.read_same)) == ((), sorted([same, rated]))
    assert preview.to_dict()["older_reader_read_same"] == [same, rated]
    services.reports.set_level(compliance, rated, RiskLevel.R5)  # rated since the preview: left alone

    applied = services.reread.apply(compliance, preview)
    assert (applied.marked, applied.to_dict()["marked_read"]) == (1, 1)
    assert (_reader(services, same), _reader(services, rated)) == (LEVEL_READER, None)
    assert services.access.preview(advisor, "C5-client", [same]) == {
        same: services.access.check(advisor, "C5-client", same).decision.outcome
    }
    assert services.reread.preview(compliance).read_same == ()
    assert services.audit.verify(compliance).ok
