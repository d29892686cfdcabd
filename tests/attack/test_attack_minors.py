"""A client whose ID number shows they are under 18 lacks full civil capacity, so belongs in
the lowest risk-tolerance category (rulebook). They could be added, imported or assessed as
C5 and given every report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from stdnum.cn import ric

from suitcheck.domain.clients import MINOR_REASON, adult_born_by, minor_on
from suitcheck.domain.decision import age_on
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from suitcheck.store.models import AuditEntry
from tests.conftest import TODAY
from tests.services.clientfiles import HEADERS_ZH, client_rows, write_csv


def id_born(born: dt.date, seq: int = 1) -> str:
    body = "110105" + born.strftime("%Y%m%d") + f"{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


SEVENTEEN = years_before(TODAY, 17)


def added_facts(services: Services, investor_id: int) -> dict[str, object]:
    with services.store.session(read_only=True) as s:
        facts = s.execute(
            select(AuditEntry.facts).where(AuditEntry.investor_id == investor_id, AuditEntry.action == "client-added")
        ).scalar_one()
    return dict(json.loads(facts))


# -- the domain rule -------------------------------------------------------------------


def test_minor_on_agrees_with_age_on_around_every_birthday_and_leap_days() -> None:
    days = [dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2028, 2, 29), dt.date(2027, 12, 31), TODAY]
    for day in days:
        for offset in range(-3, 4):
            born = adult_born_by(day) + dt.timedelta(days=offset)
            assert minor_on(born, day) == (age_on(born, day) < 18), (born, day)
    assert minor_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28))
    assert not minor_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1))
    assert not minor_on(None, TODAY)


# -- add --------------------------------------------------------------------------------


def test_add_puts_a_minor_in_the_lowest_category_with_the_reason(services: Services, compliance: Actor) -> None:
    view = services.investors.add(compliance, account="M1", name="少年", id_number=id_born(SEVENTEEN))
    assert view.lowest_category
    facts = added_facts(services, view.id)
    assert facts["lowest_category"] is True
    assert facts["lowest_category_reason"] == MINOR_REASON
    # A C1 assessment with the entry: the category, profile C1.
    view = services.investors.add(
        compliance,
        account="M2",
        name="少年二",
        id_number=id_born(SEVENTEEN, 2),
        profile=RiskProfile.C1,
        assessed_on=TODAY,
    )
    assert view.lowest_category
    assert view.profile is RiskProfile.C1


@pytest.mark.parametrize(
    ("profile", "investor_class"),
    [
        (RiskProfile.C5, InvestorClass.ORDINARY),
        (RiskProfile.C2, InvestorClass.ORDINARY),
        (None, InvestorClass.PROFESSIONAL),
    ],
)
def test_add_refuses_a_minor_above_c1_or_professional(
    services: Services, compliance: Actor, profile: RiskProfile | None, investor_class: InvestorClass
) -> None:
    with pytest.raises(InvalidInput, match="under 18") as caught:
        services.investors.add(
            compliance,
            account="M3",
            name="少年",
            id_number=id_born(SEVENTEEN),
            investor_class=investor_class,
            profile=profile,
            assessed_on=TODAY if profile else None,
        )
    assert "nothing was recorded" in str(caught.value)
    assert services.investors.search(compliance, "M3") == []


def test_eighteen_today_is_an_adult_and_one_day_short_is_not(services: Services, compliance: Actor) -> None:
    adult = services.investors.add(
        compliance,
        account="A18",
        name="成年",
        id_number=id_born(years_before(TODAY, 18)),
        profile=RiskProfile.C5,
        assessed_on=TODAY,
    )
    assert not adult.lowest_category
    young = services.investors.add(
        compliance, account="Y18", name="差一天", id_number=id_born(years_before(TODAY, 18) + dt.timedelta(days=1))
    )
    assert young.lowest_category


def test_a_15_digit_number_is_of_someone_born_in_the_1900s_so_never_a_minor(
    services: Services, compliance: Actor
) -> None:
    """A legacy 15-digit number's year is 19yy: such a client is no minor."""
    view = services.investors.add(
        compliance, account="L15", name="老号", id_number="110105491231002", profile=RiskProfile.C4, assessed_on=TODAY
    )
    assert not view.lowest_category


# -- the 18th birthday and compliance's lift --------------------------------------------


def test_the_flag_stays_past_the_18th_birthday_until_compliance_lifts_it(services: Services, compliance: Actor) -> None:
    view = services.investors.add(compliance, account="M4", name="少年", id_number=id_born(SEVENTEEN))
    # The same client a year and more later is an adult; the flag stays (fail closed).
    assert services.investors.get(compliance, "M4").lowest_category
    with pytest.raises(InvalidInput, match="lowest risk-tolerance category"):
        services.investors.assess(compliance, view.id, RiskProfile.C3, TODAY, note="paper")
    services.investors.update(compliance, view.id, lowest_category=False, reason="16-17, lives on own labour income")
    lifted = services.investors.assess(compliance, view.id, RiskProfile.C3, TODAY, note="paper")
    assert not lifted.lowest_category
    assert lifted.profile is RiskProfile.C3


# -- assessment of a minor entered before the rule --------------------------------------


def _added_before_the_rule(services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch) -> int:
    import suitcheck.services.investors as investors

    with monkeypatch.context() as m:
        m.setattr(investors, "minor_on", lambda born, day: False)
        m.setattr(investors, "minor_problems", lambda *a: [])
        view = services.investors.add(compliance, account="OLD", name="旧记录", id_number=id_born(SEVENTEEN))
    assert not view.lowest_category
    return view.id


def test_assessing_a_minor_above_c1_is_refused(
    services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    investor_id = _added_before_the_rule(services, compliance, monkeypatch)
    with pytest.raises(InvalidInput, match="under 18"):
        services.investors.assess(compliance, investor_id, RiskProfile.C5, TODAY, note="paper")
    assert services.investors.get(compliance, "OLD").profile is None


def test_assessing_a_minor_at_c1_sets_the_flag_with_the_reason(
    services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    investor_id = _added_before_the_rule(services, compliance, monkeypatch)
    view = services.investors.assess(compliance, investor_id, RiskProfile.C1, TODAY, note="paper")
    assert view.lowest_category
    with services.store.session(read_only=True) as s:
        facts = json.loads(
            s.execute(
                select(AuditEntry.facts).where(AuditEntry.investor_id == investor_id, AuditEntry.action == "assessment")
            ).scalar_one()
        )
    assert facts["lowest_category"] is True
    assert facts["lowest_category_reason"] == MINOR_REASON


# -- import -----------------------------------------------------------------------------


def _minor_file(tmp_path: Path, profile: str = "保守型", lowest: str = "否") -> Path:
    rows = client_rows(2)
    rows[1][2] = id_born(SEVENTEEN)
    rows[1][4] = profile
    rows[1][6] = lowest
    return write_csv(tmp_path / "clients.csv", rows, headers=HEADERS_ZH)


def test_import_puts_a_new_minor_in_the_lowest_category(services: Services, compliance: Actor, tmp_path: Path) -> None:
    result = services.client_files.import_clients(compliance, _minor_file(tmp_path))
    assert (result.new, result.invalid) == (2, 0)
    minor = services.investors.get(compliance, "A000001")
    assert minor.lowest_category
    assert minor.profile is RiskProfile.C1
    assert not services.investors.get(compliance, "A000000").lowest_category
    facts = added_facts(services, minor.id)
    assert facts["lowest_category_reason"] == MINOR_REASON
    assert "lowest_category_reason" not in added_facts(services, services.investors.get(compliance, "A000000").id)


@pytest.mark.parametrize("stated", [("激进型", "profile"), ("C3", "profile")])
def test_import_refuses_a_new_minor_above_c1(
    services: Services, compliance: Actor, tmp_path: Path, stated: tuple[str, str]
) -> None:
    result = services.client_files.import_clients(compliance, _minor_file(tmp_path, stated[0]), dry_run=True)
    assert result.invalid == 1
    (issue,) = result.issues
    assert (issue.row, issue.column, issue.code) == (3, "风险承受能力", "minor")


def test_a_re_sync_does_not_undo_compliances_lift(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = _minor_file(tmp_path)
    services.client_files.import_clients(compliance, path)
    minor = services.investors.get(compliance, "A000001")
    services.investors.update(compliance, minor.id, lowest_category=False, reason="lives on own labour income")
    again = services.client_files.import_clients(compliance, path)
    assert (again.changed, again.invalid) == (0, 0)
    assert not services.investors.get(compliance, "A000001").lowest_category


def test_a_re_sync_enters_a_minor_on_record_from_before_the_rule(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A minor entered before the rule, unflagged: a row assessing them above C1 is invalid;
    a row that leaves them at C1 (or unassessed) puts them in the category."""
    _added_before_the_rule(services, compliance, monkeypatch)
    rows = [["OLD", "旧记录", "", "普通投资者", "激进型", str(TODAY), "", "否"]]
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    assert [(i.row, i.field, i.code) for i in result.issues] == [(2, "profile", "minor")]
    rows[0][4] = "保守型"
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "b.csv", rows))
    assert (result.changed, result.invalid) == (1, 0)
    view = services.investors.get(compliance, "OLD")
    assert view.lowest_category
    assert view.profile is RiskProfile.C1


def test_answers_of_a_minor_from_before_the_rule_are_previewed_and_saved_in_the_category(
    services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from suitcheck.services.questionnaire import default_questionnaire

    questions = default_questionnaire().questions
    low = {q.id: min((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in questions}
    top = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in questions}
    investor_id = _added_before_the_rule(services, compliance, monkeypatch)
    for call in (services.investors.preview_answers, services.investors.assess_answers):
        with pytest.raises(InvalidInput, match="under 18"):
            call(compliance, investor_id, top)
    preview = services.investors.preview_answers(compliance, investor_id, low)
    assert preview.minor
    assert preview.lowest_category
    saved = services.investors.assess_answers(compliance, investor_id, low)
    assert saved.investor.lowest_category
    assert saved.profile is RiskProfile.C1
