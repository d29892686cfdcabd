"""A hurried clerk and a careless admin against assessing from answers: a paper the
client filled in on one questionnaire version is never scored on another."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from suitcheck.services.questionnaire import default_questionnaire
from tests.conftest import TODAY, Clock, add_client, staff

Q = default_questionnaire()
TOP = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}


def _version_two() -> str:
    data = Q.content()
    data["title_en"] = "Version two"
    return json.dumps(data, ensure_ascii=False)


def test_a_paper_dated_before_the_current_version_existed_is_not_scored_on_it(
    sqlite_services: Services, clock: Clock
) -> None:
    """Compliance imports version 2 today; a clerk types in a paper the client filled in
    40 days ago (`--assessed`). The client answered version 1 (version 2 did not exist):
    scoring it on version 2 would record a version, score and profile the client never
    answered. With or without --questionnaire-version, it is refused and nothing recorded;
    a paper dated on the day version 2 came in is scored on it."""
    services = sqlite_services
    compliance: Actor = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "PB", None, None)
    earlier = TODAY - dt.timedelta(days=40)
    # The shipped version 1 is in use from the start (it is stored when first used, today).
    add_client(services, compliance, "P1", None, None)
    assert services.investors.assess_answers(compliance, "P1", TOP, assessed_on=earlier).questionnaire_version == 1
    services.questionnaire.import_definition(compliance, _version_two())
    clock.advance(days=1)
    before = services.audit.count(compliance)
    for call in (services.investors.preview_answers, services.investors.assess_answers):
        for expected in (None, 2):
            with pytest.raises(
                InvalidInput,
                match=rf"^The assessment is dated {earlier}, before questionnaire version 2 came into use on {TODAY}:",
            ):
                call(compliance, "PB", TOP, assessed_on=earlier, expected_version=expected)
    assert services.investors.history(compliance, "PB") == []
    assert services.audit.count(compliance) == before
    # The day version 2 came in (and any later day) is scored on it.
    result = services.investors.assess_answers(compliance, "PB", TOP, assessed_on=TODAY, expected_version=2)
    assert result.questionnaire_version == 2


def test_a_version_dated_back_in_sql_still_came_into_use_when_the_trail_says(
    sqlite_services: Services, clock: Clock
) -> None:
    """An insider moves version 2's creation time back 60 days in SQL (no seal covers it),
    so that a paper filled in 40 days ago would be scored on it. The trail records the
    import today, under the chain: the paper is still refused."""
    services = sqlite_services
    compliance: Actor = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "PB", None, None)
    services.questionnaire.import_definition(compliance, _version_two())
    with services.store.session() as s:
        s.execute(
            text("UPDATE questionnaire SET created_at = :at WHERE version = 2"),
            {"at": dt.datetime.combine(TODAY - dt.timedelta(days=60), dt.time(12))},
        )
    clock.advance(days=1)
    earlier = TODAY - dt.timedelta(days=40)
    with pytest.raises(InvalidInput, match=rf"^The assessment is dated {earlier}, before questionnaire version 2 came"):
        services.investors.assess_answers(compliance, "PB", TOP, assessed_on=earlier, expected_version=2)
    assert services.investors.history(compliance, "PB") == []
