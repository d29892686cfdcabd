"""The documents suitcheck hands out or files, read by a compliance officer against what
`check` answers for the same client, report and day: the confirmation sheet, the
distribution list, the reminders and the self-inspection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import text

from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from tests.conftest import TODAY, Clock, add_client
from tests.fixtures import import_text_report
from tests.services.test_assessments import TOP

ALLOWED, REFUSED, AFTER_WARNING = "可以提供 allowed", "不得提供 not allowed", "after the special warning"


def _sheet(services: Services, actor: Actor, account: str, folder: Path) -> str:
    out = folder / f"{account}.pdf"
    services.investors.write_confirmation(actor, account, out)
    return " ".join(extract_text(str(out)).split())


def _permits(sheet: str) -> list[str]:
    """The sheet's table of what each level R1..R5 gives, in order."""
    table = sheet.split("R5 高风险", 1)[1].split("依据适当性政策", 1)[0]
    found = []
    for word in (ALLOWED, REFUSED, AFTER_WARNING):
        at = table.find(word)
        while at != -1:
            found.append((at, word))
            at = table.find(word, at + 1)
    return [word for _, word in sorted(found)]


def test_a_backdated_assessment_recorded_last_is_not_printed_as_the_clients_profile(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The sheet printed the newest assessment row: an archive assessment (C2, 100 days ago)
    recorded after the client's current one (C5, 10 days ago) decides nothing, yet the sheet
    stated 'Risk profile C2 谨慎型', its date and validity, above a table saying every level
    is allowed (the C5 decision a check gives). It states the assessment in force."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "BD", RiskProfile.C5, 10)
    services.investors.assess(compliance, "BD", RiskProfile.C2, TODAY - dt.timedelta(days=100), note="archive")
    assert services.access.check(compliance, "BD", report).decision.allowed  # the C5 assessment decides
    sheet = _sheet(services, compliance, "BD", tmp_path)
    assert "C2 谨慎型" not in sheet
    assert "C5 激进型" in sheet
    assert f"Assessed on {(TODAY - dt.timedelta(days=10)).isoformat()}" in sheet
    assert _permits(sheet) == [ALLOWED] * 5


def test_a_lowest_category_lifted_by_compliance_is_not_printed_as_in_force(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A knock-out put the client in the lowest category; compliance lifted it (with a
    reason). The sheet still said 'Lowest category: yes — R1 only' and, with escalation on,
    'not allowed' for R2-R5 where a check answers allow-after-warning."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "LF", None, None)
    services.investors.assess_answers(compliance, "LF", {**TOP, "capacity": "no"})
    services.investors.update(compliance, "LF", lowest_category=False, reason="复核：客户具有完全民事行为能力")
    services.policy.update(compliance, allow_escalation=True)
    assert services.access.check(compliance, "LF", report).decision.outcome.value == "allow-after-warning"
    sheet = _sheet(services, compliance, "LF", tmp_path)
    assert "仅可提供低风险" not in sheet
    assert "lifted by compliance" in sheet
    assert _permits(sheet) == [ALLOWED] + [AFTER_WARNING] * 4


def test_no_sheet_for_a_client_whose_record_fails_its_seal(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The client row's profile raised in SQL (C2 -> C5): every check blocks it as
    record-integrity, but the sheet was written, saying R1 and R2 are allowed."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "TS", RiskProfile.C2, 10)
    with services.store.engine.begin() as conn:
        conn.execute(text("UPDATE investor SET current_profile = 5 WHERE account = 'TS'"))
    assert services.access.check(compliance, "TS", report).decision.reasons[0].value == "record-integrity"
    out = tmp_path / "TS.pdf"
    with pytest.raises(ServiceError, match="changed outside suitcheck"):
        services.investors.write_confirmation(compliance, "TS", out)
    assert not out.exists()


def test_a_due_reassessment_is_on_the_sheet(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    """Staff marked the client's situation as changed after the assessment: a check treats
    the client as expired until re-assessed, but the sheet said only 'Valid until' two years
    on, above a table refusing every level with no word why."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "DU", RiskProfile.C5, 10)
    services.investors.mark_reassessment_due(advisor, "DU", "客户失业")
    assert "reassessment-due" in services.access.check(compliance, "DU", report).decision.reasons
    sheet = _sheet(services, compliance, "DU", tmp_path)
    assert "re-assessment due: treated as expired" in sheet
    assert _permits(sheet) == [REFUSED] * 5
    services.investors.assess(compliance, "DU", RiskProfile.C4, TODAY, note="branch desk")
    sheet = _sheet(services, compliance, "DU", tmp_path)
    assert "re-assessment due" not in sheet
    assert _permits(sheet) == [ALLOWED] * 4 + [REFUSED]


def test_the_sheet_is_printed_on_the_firms_day(
    services: Services, compliance: Actor, clock: Clock, tmp_path: Path
) -> None:
    """At 07:30 in Beijing (23:30 UTC the day before) the client is assessed on the firm's
    day, 16 June, and signs beside 'Assessed on 2026-06-16'; the sheet said 'Printed
    2026-06-15 23:30 UTC', the day before the assessment it confirms."""
    clock.now = dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC)
    add_client(services, compliance, "BJ", None, None)
    services.investors.assess(compliance, "BJ", RiskProfile.C3, dt.date(2026, 6, 16), note="营业部柜台")
    sheet = _sheet(services, compliance, "BJ", tmp_path)
    assert "Assessed on 2026-06-16" in sheet
    assert "Printed 2026-06-16 07:30 UTC+8" in sheet
