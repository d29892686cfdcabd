"""A questionnaire definition whose texts hide what they say, as an insider writes one."""

from __future__ import annotations

import json

import pytest

from suitcheck.domain.questionnaire import QuestionnaireError, from_dict, parse_definition
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput
from tests.conftest import staff
from tests.domain.test_questionnaire import raw


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("answer text", "可以承受\u202e失损部全"),  # shown as 可以承受全部损失 (bears total loss)
        ("question id", "age\x07"),
        ("title", "风险测评\x1b[8m"),
        ("question text", "您的年龄\u2066？"),
    ],
)
def test_a_definition_with_controls_or_bidi_overrides_in_its_text_is_refused(
    sqlite_services: Services, where: str, value: str
) -> None:
    """Was BROKE: a questionnaire whose answer text held a right-to-left override (the
    client reads 可以承受全部损失 where the file says the reverse), or whose ids and texts
    held control characters (a bell, a terminal escape), was imported: nothing looked at
    the characters, while the subject table refuses them. A new definition with such a
    character is refused, naming it; a version stored earlier stays readable."""
    data = raw()
    question = data["questions"][1]
    if where == "answer text":
        question["answers"][0]["text"] = value
    elif where == "question id":
        question["id"] = value
    elif where == "title":
        data["title"] = value
    else:
        question["text"] = value
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    with pytest.raises(InvalidInput, match="control characters or a bidi override"):
        sqlite_services.questionnaire.import_definition(compliance, json.dumps(data))
    assert sqlite_services.questionnaire.current(compliance).version == 1
    with pytest.raises(QuestionnaireError, match=r"\\x07|\\u202e|\\x1b|\\u2066"):
        parse_definition(json.dumps(data))
    assert from_dict(data).title  # as a stored version is read: not refused
