"""A hurried clerk against assessment dates: an assessment dated before the client was born
(a typo in the year, a paper of someone else's) is no assessment of this client. It was
recorded and, inside the validity period, gave a profile that decided what the client may
read. Every way an assessment is entered refuses it, and nothing is recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from suitcheck.domain.clients import Problem, parse_row, problem_sentence, record_problems
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from suitcheck.services.questionnaire import default_questionnaire
from tests.conftest import TODAY, add_client
from tests.services.clientfiles import HEADERS_EN, write_csv

Q = default_questionnaire()
TOP = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}
# The answers that score C1 without a knock-out: a client under 18 (BORN) is in the lowest
# category, profile C1, so an assessment of them above C1 is refused (test_attack_minors).
LOW = {q.id: min((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}
BORN = TODAY - dt.timedelta(days=3 * 365)  # a small child: born inside any validity period
BEFORE = BORN - dt.timedelta(days=1)


def _id_number(born: dt.date, sequence: str = "123") -> str:
    body = "110105" + born.strftime("%Y%m%d") + sequence
    return next(body + c for c in "0123456789X" if ric.is_valid(body + c))


def test_the_rule_refuses_a_day_before_birth_and_takes_the_birth_day() -> None:
    def problems(assessed: dt.date, born: dt.date | None) -> list[Problem]:
        return record_problems(
            account="A1",
            name="客户",
            investor_class=InvestorClass.ORDINARY,
            profile=RiskProfile.C3,
            assessed_on=assessed,
            lowest_category=False,
            today=TODAY,
            birth_date=born,
        )

    assert problems(BEFORE, BORN) == [Problem("assessed", "before-birth")]
    assert problems(BORN, BORN) == []
    assert problems(BEFORE, None) == []
    assert "before the client was born" in problem_sentence(Problem("assessed", "before-birth"))


def test_investor_add_refuses_an_assessment_before_the_birth_in_the_id_number(
    services: Services, compliance: Actor
) -> None:
    before = services.investors.count(compliance)
    with pytest.raises(InvalidInput, match="^An assessment date cannot be before the client was born"):
        services.investors.add(
            compliance,
            account="BB1",
            name="客户",
            id_number=_id_number(BORN),
            profile=RiskProfile.C5,
            assessed_on=BEFORE,
        )
    assert services.investors.count(compliance) == before
    # The birth day itself is a day the client existed on.
    view = services.investors.add(
        compliance, account="BB1", name="客户", id_number=_id_number(BORN), profile=RiskProfile.C1, assessed_on=BORN
    )
    assert view.assessed_on == BORN


def test_assessing_a_client_refuses_a_day_before_their_birth(services: Services, compliance: Actor) -> None:
    """By hand (a paper from elsewhere) and from answers, previewed or saved."""
    add_client(services, compliance, "BB2", None, None, id_number=_id_number(BORN, "124"))
    refused = "^An assessment date cannot be before the client was born"
    with pytest.raises(InvalidInput, match=refused):
        services.investors.assess(compliance, "BB2", RiskProfile.C5, BEFORE, note="paper")
    for call in (services.investors.preview_answers, services.investors.assess_answers):
        with pytest.raises(InvalidInput, match=refused):
            call(compliance, "BB2", TOP, assessed_on=BEFORE)
    assert services.investors.history(compliance, "BB2") == []
    assert services.investors.get(compliance, "BB2").profile is None
    assert services.investors.assess_answers(compliance, "BB2", LOW, assessed_on=BORN).profile is RiskProfile.C1


def test_a_client_file_row_assessed_before_the_birth_is_refused(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The row's own ID number, and for a client on record a row without one, the birth
    date on record."""
    cells = ["BB3", "客户", _id_number(BORN, "125"), "普通投资者", "激进型", str(BEFORE), "否", "否"]
    assert parse_row(dict(zip(HEADERS_EN, cells, strict=True)), TODAY) == [Problem("assessed", "before-birth")]
    add_client(services, compliance, "BB4", None, None, id_number=_id_number(BORN, "126"))
    # The client, under 18, is in the lowest category: C1 (C5 is a problem of its own), and
    # no lowest-category cell (否 would ask to lift it).
    path = write_csv(tmp_path / "c.csv", [["BB4", "客户BB4", "", "普通投资者", "保守型", str(BEFORE), "", "否"]])
    result = services.client_files.import_clients(compliance, path)
    assert [(i.row, i.field, i.code) for i in result.issues] == [(2, "assessed", "before-birth")]
    assert not result.written
    assert services.investors.history(compliance, "BB4") == []


def test_a_client_file_giving_an_id_number_born_after_the_assessment_on_record_is_refused(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A client recorded without an ID number, assessed C5 on a day before the birth date
    the file's ID number then gives them (the row assesses nothing): the row's own checks
    passed, the record took the number, and the impossible assessment went on making the
    client a valid C5. Refused, nothing written."""
    add_client(services, compliance, "BB5", RiskProfile.C5, (TODAY - BEFORE).days)
    row = ["BB5", "客户BB5", _id_number(BORN, "127"), "普通投资者", "", "", "否", "否"]
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", [row]))
    assert [(i.row, i.field, i.code) for i in result.issues] == [(2, "id_number", "born-after-assessment")]
    assert not result.written
    view = services.investors.get(compliance, "BB5")
    assert (view.profile, view.assessed_on) == (RiskProfile.C5, BEFORE)
    with services.store.session(read_only=True) as session:
        stored = session.execute(text("SELECT id_number, birth_date FROM investor WHERE account = 'BB5'")).one()
    assert tuple(stored) == (None, None)


def test_a_client_file_giving_an_id_number_born_on_the_assessment_day_is_taken(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    add_client(services, compliance, "BB6", RiskProfile.C5, (TODAY - BORN).days)
    row = ["BB6", "客户BB6", _id_number(BORN, "128"), "普通投资者", "", "", "否", "否"]
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", [row]))
    assert not result.issues
    assert result.written
    with services.store.session(read_only=True) as session:
        stored = session.execute(text("SELECT birth_date FROM investor WHERE account = 'BB6'")).scalar_one()
    assert str(stored)[:10] == str(BORN)
