"""The self-inspection PDF given hostile text from the trail and the store: a value longer
than a page, characters the embedded font cannot draw, bidi controls. The report must be
made, and say what it holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

from pdfminer.high_level import extract_text

from suitcheck.audit.inspection_pdf import FindingRow, InspectionData, OverrideRow, render
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import Clock, add_client, staff
from tests.fixtures import import_text_report


def test_a_recording_reference_longer_than_a_page_does_not_stop_the_inspection(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: an override whose 双录 reference was 3,000 characters (pasted into the
    desk's field, which takes any length, and kept by the trail for 20 years) made every
    self-inspection of its period fail with "unexpected error (LayoutError)": a table row
    cannot continue on the next page. The cell shows the text's start and says it was cut
    and how long it is."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path, level="中高风险")
    add_client(services, compliance, "WARNED", RiskProfile.C3)
    policy = services.policy.update(compliance, allow_escalation=True)
    reference = "SL-2026-0042 " + "录" * 3000
    services.access.record_override(
        advisor,
        "WARNED",
        report,
        warning_version=policy.warning_version,
        client_confirmed=True,
        recording_ref=reference,
    )
    today = services.ctx.today()
    clock.advance(days=1)
    made = services.inspection.write(compliance, today, today, tmp_path / "inspection.pdf")
    assert made.data.overrides[0].recording_ref == reference  # the figures keep it whole
    shown = " ".join(extract_text(str(tmp_path / "inspection.pdf")).split())  # as lines wrap
    assert "SL-2026-0042" in shown
    assert f"cut: {len(reference)} characters" in shown


def _data(**changes: object) -> InspectionData:
    empty = InspectionData(
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 30),
        generated_at=dt.datetime(2026, 7, 1, 2, tzinfo=dt.UTC),
        generated_by="t-compliance",
        policy_version=1,
        questionnaire_version=1,
        decisions={},
        blocks_by_reason={},
        expired_checks={},
        overrides=[],
        overrides_total=0,
        overrides_by_warning={},
        open_findings=[],
        open_findings_total=0,
        assessments_by_profile={},
        assessments_questionnaire=0,
        assessments_recorded=0,
        assessments_lowest=0,
        expiring_by_month=[("2026-01", 0)],
        verification={"ok": True},
        verification_ok=True,
    )
    return dataclasses.replace(empty, **changes)  # type: ignore[arg-type]


def test_text_the_font_cannot_draw_is_shown_as_its_code_not_as_nothing() -> None:
    """Was BROKE: the embedded font is a GBK subset; a character it lacks (䶮 of a rare
    name, an Ext-B ideograph, Hangul, an emoji) and a bidi override were drawn as the empty
    glyph: the PDF showed 刘□ and its text read 刘\\x00, so a reader could not tell what
    was there. Such a character is now written as its code (\\u4dae), as the command line
    writes an unsafe one; a letter with a combining accent is drawn composed (é)."""
    title = "刘䶮 𠀀 한 😀 \u202eabc e\u0301 报告"
    override = OverrideRow(7, "2026-03-01T02:00:00.000000Z", "t-advisor", "A\u202eB", 1, "W1", "SL-1")
    data = _data(
        open_findings=[FindingRow(1, title, "R3", "stated-below-subject", 1)],
        open_findings_total=1,
        overrides=[override],
        overrides_total=1,
        overrides_by_warning={"W1": 1},
    )
    shown = extract_text(io.BytesIO(render(data)))
    assert "\x00" not in shown
    for code in ("\\u4dae", "\\U00020000", "\\ud55c", "\\U0001f600", "\\u202eabc", "A\\u202eB"):
        assert code in shown, code
    for kept in ("刘", "报告", "é"):
        assert kept in shown, kept


def test_a_period_before_the_trail_says_the_trail_begins_after_it(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: a self-inspection of 2025's first half on a store begun in June 2026
    stated "0 decisions, 0 overrides, chain verified" and nothing else: a half-year in
    which the firm made its checks without suitcheck read as a clean one. The report says
    when the trail begins, and that the period ends before it."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)  # the trail's first entries: today, 2026-06-15
    made = services.inspection.write(compliance, dt.date(2025, 1, 1), dt.date(2025, 6, 30), tmp_path / "h1.pdf")
    assert made.to_dict()["trail_from"] == services.ctx.today().isoformat()
    shown = " ".join(extract_text(str(tmp_path / "h1.pdf")).split())
    assert f"Audit trail begins {services.ctx.today().isoformat()}" in shown
    assert "The period ends before the audit trail begins" in shown
    clock.advance(days=1)
    within = services.inspection.write(compliance, dt.date(2026, 6, 1), services.ctx.today(), tmp_path / "in.pdf")
    assert within.data.trail_from == dt.date(2026, 6, 15)
    assert "The audit trail begins within the period" in " ".join(extract_text(str(tmp_path / "in.pdf")).split())


def test_the_report_names_the_policy_versions_in_force_in_its_period(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """Was BROKE: the self-inspection named one policy version, the one current when it
    was made: a half-year decided under 730 days' validity and then 365 read as decided
    under the version stored after it. It names every version in force in the period (the
    one in force when it began and those stored in it, from the trail), and says which is
    current."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    start = services.ctx.today()
    services.policy.update(compliance, validity_days=700)  # version 2, before the period
    clock.advance(days=10)
    services.policy.update(compliance, validity_days=365)  # version 3, in it
    clock.advance(days=10)
    services.policy.update(compliance, validity_days=400)  # version 4, after it
    clock.advance(days=10)
    period = (start + dt.timedelta(days=5), start + dt.timedelta(days=15))
    made = services.inspection.write(compliance, *period, tmp_path / "p.pdf")
    assert made.to_dict()["policy_versions"] == [2, 3]
    shown = " ".join(extract_text(str(tmp_path / "p.pdf")).split())
    assert "Policy versions in force in the period 2, 3" in shown
    assert "Policy version now" in shown  # its value, 4, is laid out in the next column
    assert made.data.policy_version == 4


def test_the_confirmation_sheet_shows_what_the_font_cannot_draw_and_still_fits_its_page() -> None:
    """The client's confirmation sheet shares the layout: a questionnaire may hold 500
    characters a question, and a client's name 128, in characters the embedded font lacks
    (an Ext-B ideograph of a rare name). They printed as blank boxes (the text read \\x00);
    written as their codes, ten characters each, a question's row no longer fitted its
    page and the sheet could not be made. Each is shown as its code, a row cut to its page
    and saying so."""
    from suitcheck.audit.assessment_sheet import SheetAnswer, SheetData
    from suitcheck.audit.assessment_sheet import render as render_sheet

    rare = "\U00020000"
    answer = SheetAnswer(f"{rare * 500} / {'E' * 500}", f"{rare * 200} / {'e' * 200}", 5, False)
    sheet = SheetData(
        client_name=f"王{rare}",
        client_account="A1",
        id_number=None,
        assessed_on=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        profile="C3",
        lowest_category=False,
        method="questionnaire",
        questionnaire_version=2,
        score=65,
        answers=[answer] * 13,
        answers_hash="0" * 64,
        note=None,
        permits=[("R1", "allow"), ("R2", "allow"), ("R3", "allow"), ("R4", "block"), ("R5", "block")],
        staff="t-advisor",
        printed_at=dt.datetime(2026, 1, 1, 2, tzinfo=dt.UTC),
        policy_version=1,
    )
    shown = " ".join(extract_text(io.BytesIO(render_sheet(sheet))).split())
    assert "\x00" not in shown
    assert "王\\U00020000" in shown
    assert "cut: 1003 characters" in shown
