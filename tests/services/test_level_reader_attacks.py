"""Attacks on the level reader version (report.reader): a batch over one report an older
reader read whose file cannot be read again, an interrupted `report reread --apply` while it
marks, and what the advisor is told when a check is blocked because the level could not be
read again."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Role
from suitcheck.ingest import LEVEL_READER
from suitcheck.services import Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.reports import FINDING_LEVEL_NOT_READ_AGAIN as NOT_READ_AGAIN
from suitcheck.services.reports import StoredFile
from suitcheck.store.models import ReportContent
from tests.conftest import add_client, staff
from tests.services.test_level_reader import PLAIN_HIGH, _reader, counted_readings
from tests.services.test_reread_level_sentence import imported_by_an_older_build


def test_a_batch_reads_a_file_that_cannot_be_read_again_once(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was BROKE: every pair of a batch naming the report read its stored file again (the
    import's worker, up to its time limit each: 4,000 pairs over a file that times out
    kept the batch going for days). The batch reads it once; every pair is still blocked
    and says why in its record."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    report = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=RiskLevel.R1)

    from suitcheck.services import access

    reads: list[int] = []

    def failing(stored: StoredFile, policy: Policy) -> StoredFile | None:
        reads.append(stored.report_id)
        return None  # the worker could not read it (over a limit, ended): handed_out's answer

    monkeypatch.setattr(access, "handed_out", failing)
    results = list(services.access.check_pairs(advisor, [("C5-client", str(report))] * 3))
    assert [r.decision.reasons for _, r in results] == [(Reason.REPORT_UNRATED,)] * 3  # type: ignore[union-attr]
    assert reads == [report]
    for _, result in results:
        (entry,) = [e for e in services.audit.browse(compliance, limit=80) if e.seq == result.audit_id]  # type: ignore[union-attr]
        assert json.loads(entry.facts)["level_not_read_again"] is True


def test_a_second_ctrl_c_while_marking_still_says_how_many_were_stored(
    sqlite_target: str,
    sqlite_services: Services,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was BROKE: `report reread --apply` interrupted at once (Ctrl+C twice) after it had
    stored a page of reports as read by this version said '0 stored as read by it'; the
    pages stored before the interruption are counted."""
    import os
    import signal

    from suitcheck import cli as cli_module
    from suitcheck.services import report_reread
    from tests.conftest import PASSWORD

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE, "t-compliance")
    first = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=None)
    second = imported_by_an_older_build(services, compliance, PLAIN_HIGH + b"\n%second\n", level=None)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    monkeypatch.setattr(report_reread, "_MARK_PAGE", 1)
    real = report_reread.ReportRereadService._mark_page

    pages: list[int] = []

    def mark_page(self: report_reread.ReportRereadService, *args: object) -> int:
        pages.append(1)
        if len(pages) == 2:  # Ctrl+C twice, the first page stored, the second under way
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(report_reread.ReportRereadService, "_mark_page", mark_page)
    capsys.readouterr()
    code = cli_module.main(["report", "reread", "--apply", "--user", "t-compliance", "--db", sqlite_target, "--json"])
    out, err = capsys.readouterr()
    assert code == 130
    assert "Traceback" not in err
    assert json.loads(out)["applied"]["marked_read"] == 1
    assert sorted([_reader(services, first), _reader(services, second)], key=str) == [LEVEL_READER, None]
    # The sentence on stderr says what was stopped: the storing of those reports, and no
    # "0 of 0 changes" where there were none to store.
    assert err.strip() == (
        "suitcheck: interrupted at once: 1 of 2 reports read by an older version were stored as read by this "
        "version; the others are read again before their next decision. Run 'suitcheck report reread' again: its "
        "preview lists what is left."
    )


def test_a_check_blocked_for_a_level_not_read_again_says_so(
    sqlite_target: str,
    sqlite_services: Services,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was BROKE: the advisor was told only 'report N (unrated)', 'report-unrated', while
    `report show` and the desk's list showed the report at R1: nothing said that its level
    had been read by an older version and its file could not be read again. The result
    says so (level_not_read_again, in --json and in words); a check of a report whose
    level was read again says nothing of it."""
    from suitcheck import cli as cli_module
    from tests.conftest import PASSWORD

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR, "t-advisor")
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    unread = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=RiskLevel.R1)
    read = imported_by_an_older_build(services, compliance, PLAIN_HIGH + b"\n%read\n", level=None)
    with services.store.engine.begin() as conn:
        conn.execute(update(ReportContent).where(ReportContent.report_id == unread).values(original=b"%PDF-1.4 x"))
    result = services.access.check(advisor, "C5-client", unread)
    assert (result.level_not_read_again, result.to_dict()["level_not_read_again"]) == (True, True)
    assert services.reports.get(advisor, unread).level is RiskLevel.R1  # what the list shows
    assert not services.access.check(advisor, "C5-client", read).level_not_read_again

    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    capsys.readouterr()
    args = ["check", "--user", "t-advisor", "--db", sqlite_target, "--investor", "C5-client", "--report"]
    assert cli_module.main([*args, str(unread)]) == 3
    out = capsys.readouterr().out
    assert "read by an older version of suitcheck and its stored file cannot be read again" in out
    assert cli_module.main([*args, str(read)]) == 0
    assert "older version" not in capsys.readouterr().out


def test_compliances_reread_of_a_subject_change_marks_an_older_readers_report_read(sqlite_services: Services) -> None:
    """Was BROKE: an older reader's report whose level reads the same but whose subject
    level the current table changes was listed as a change, not as read the same; applied,
    its subject was stored and it stayed 'read by an older reader': no verdict at the desk
    and its file read again before its next decision, as if compliance had not read it."""
    import dataclasses
    from pathlib import Path

    from suitcheck.ingest.reader import ExtractedReport, content_hash, extract
    from tests.ingest.test_level_attack import _report
    from tests.services.test_policy_subjects import OLDER

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    services.policy.import_subjects(compliance, OLDER)  # before 科创50 was a keyword
    text = _report("本报告的风险等级为中风险。\n", title="科创50成份股季度调整点评", kind="行业点评")
    data = text.encode("utf-8")
    now = extract(Path("kc50.txt"), data)
    old = ExtractedReport(
        Path("kc50.txt"), "txt", data, content_hash(data), now.text, dataclasses.replace(now.metadata, reader=None)
    )
    stored = services.reports._store(compliance, old)
    assert stored.report is not None
    report = stored.report
    services.policy.default_subjects(compliance)  # 科创50 now a keyword: its subject rises

    preview = services.reread.preview(compliance)
    (change,) = preview.changes
    assert (change.report, change.unrated) == (report, False)
    services.reread.apply(compliance, preview)
    assert _reader(services, report) == LEVEL_READER
    assert report in services.access.preview(advisor, "C5-client", [report])
    assert services.reread.preview(compliance).to_store is False
    assert services.audit.verify(compliance).ok


@pytest.mark.parametrize("value", ["'x'", "X'01'"])
def test_opening_a_report_whose_reader_was_set_to_text_in_sql_is_refused_and_recorded(
    sqlite_services: Services, value: str
) -> None:
    """Was BROKE: a reader column set in SQL to text or bytes (SQLite keeps whatever it is
    given) made opening the report fail with a TypeError (comparing it with this version's
    reader before the row's seal was checked), no sentence and the refused opening not
    recorded. The row fails its seal: the opening is refused for record integrity, and
    recorded."""
    from sqlalchemy import text

    from suitcheck.services.errors import DecisionRefuses

    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    report = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=None)
    with services.store.engine.begin() as conn:
        conn.execute(text(f"UPDATE report SET reader = {value} WHERE id = :id"), {"id": report})
    with pytest.raises(DecisionRefuses) as refused:
        services.access.open_report(advisor, "C5-client", report)
    assert refused.value.refusal.decision.reasons == (Reason.RECORD_INTEGRITY,)
    (entry,) = [e for e in services.audit.browse(compliance, limit=80) if e.action == "open-refused"]
    assert entry.seq == refused.value.refusal.audit_id


def test_an_original_replaced_outside_suitcheck_is_never_handed_to_the_reader(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored original that is not the file its sealed row names (replaced in SQL) is
    not read again at all: a hostile file would take the import's worker up to its limits
    at every decision. The check blocks as unrated and the list is refused in a sentence."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    report = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=RiskLevel.R1)
    with services.store.engine.begin() as conn:
        conn.execute(update(ReportContent).where(ReportContent.report_id == report).values(original=b"%PDF-1.4 x"))

    reads = counted_readings(monkeypatch)
    assert services.access.check(advisor, "C5-client", report).decision.reasons == (Reason.REPORT_UNRATED,)
    with pytest.raises(ServiceError, match="cannot be read again now; no distribution list is made"):
        services.access.eligible_count(compliance, report)
    with pytest.raises(ServiceError, match="cannot be read again now; no distribution list is made"):
        list(services.access.eligible(compliance, report))
    assert reads == []
    # Compliance is told once, in the report's findings (its queue, the self-inspection),
    # however many decisions met it; rating the report settles it.
    (finding,) = [f for f in services.reports.get(compliance, report).open_findings if f.code == NOT_READ_AGAIN]
    assert finding.detail == "imported as R1 by an older version; its stored file is not the one its record names"
    services.reports.set_level(compliance, report, RiskLevel.R5)
    assert [f for f in services.reports.get(compliance, report).open_findings if f.code == NOT_READ_AGAIN] == []


def test_a_finding_that_a_level_could_not_be_read_again_is_settled_once_it_is(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker failed at one check (over a limit, ended): a finding, once; the next check
    reads it, stores it as read, and settles the finding."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    add_client(services, compliance, "C5-client", RiskProfile.C5)
    report = imported_by_an_older_build(services, compliance, PLAIN_HIGH, level=None)

    from suitcheck.services import access, reports

    real = reports.handed_out
    monkeypatch.setattr(access, "handed_out", lambda stored, policy: None)
    for _ in range(2):
        assert services.access.check(advisor, "C5-client", report).decision.reasons == (Reason.REPORT_UNRATED,)
    findings = [f for f in services.reports.get(compliance, report).open_findings if f.code == NOT_READ_AGAIN]
    assert [f.detail for f in findings] == ["imported as R5 by an older version; its stored file cannot be read now"]
    monkeypatch.setattr(access, "handed_out", real)
    assert services.access.check(advisor, "C5-client", report).decision.allowed
    view = services.reports.get(compliance, report)
    assert [f for f in view.open_findings if f.code == NOT_READ_AGAIN] == []
    assert services.audit.verify(compliance).ok
