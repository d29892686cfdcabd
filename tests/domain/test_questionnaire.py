"""The questionnaire: scoring at every band boundary and every knock-out, and validation."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.questionnaire import (
    AnswersError,
    Questionnaire,
    QuestionnaireError,
    answers_hash,
    from_dict,
    parse_answers,
    parse_definition,
)

DEFAULT_TEXT = resources.files("suitcheck.resources").joinpath("questionnaire/default.json").read_text("utf-8")
DEFAULT = parse_definition(DEFAULT_TEXT)


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_TEXT)
    data.pop("checksum")
    return data


def answers_scoring(q: Questionnaire, target: int) -> dict[str, str] | None:
    """Non-knock-out answers with exactly `target` points, or None when no such set exists."""
    reachable: dict[int, dict[str, str]] = {0: {}}
    for question in q.questions:
        step: dict[int, dict[str, str]] = {}
        for total, chosen in reachable.items():
            for a in question.answers:
                if not a.knockout and total + a.score <= target:
                    step.setdefault(total + a.score, {**chosen, question.id: a.id})
        reachable = step
    return reachable.get(target)


def extreme(q: Questionnaire, pick: Any) -> dict[str, str]:
    return {qu.id: pick((a for a in qu.answers if not a.knockout), key=lambda a: a.score).id for qu in q.questions}


def test_default_is_sealed_bilingual_and_covers_the_four_areas() -> None:
    assert json.loads(DEFAULT_TEXT)["checksum"] == DEFAULT.checksum
    assert {q.section for q in DEFAULT.questions} >= {"finances", "experience", "goals", "attitude-to-loss"}
    assert all(q.text and q.text_en and all(a.text and a.text_en for a in q.answers) for q in DEFAULT.questions)
    knockouts = [(q.id, a.id) for q in DEFAULT.questions for a in q.answers if a.knockout]
    assert ("capacity", "no") in knockouts
    assert ("max-loss", "none") in knockouts


@pytest.mark.parametrize("band", DEFAULT.bands, ids=lambda b: b.profile.code)
def test_every_band_boundary_scores_into_its_band(band: Any) -> None:
    """Each band's first and last score, from real answers where reachable without a
    knock-out, and one point either side lands in the neighbouring band."""
    for score in (band.min_score, band.max_score):
        assert DEFAULT.band_for(score) is band.profile
        answers = answers_scoring(DEFAULT, score)
        if answers is not None:
            result = DEFAULT.score(answers)
            assert (result.score, result.profile, result.lowest_category) == (score, band.profile, False)
    if band.profile is not RiskProfile.C1:
        assert DEFAULT.band_for(band.min_score - 1) is RiskProfile(band.profile - 1)
    if band.profile is not RiskProfile.C5:
        assert DEFAULT.band_for(band.max_score + 1) is RiskProfile(band.profile + 1)


def test_boundaries_reached_by_real_answers() -> None:
    """Every band boundary above the lowest possible score is reachable by answers."""
    lowest = DEFAULT.score(extreme(DEFAULT, min)).score
    for band in DEFAULT.bands:
        for score in (band.min_score, band.max_score):
            if score >= lowest:
                assert answers_scoring(DEFAULT, score) is not None, score
    assert DEFAULT.score(extreme(DEFAULT, max)).profile is RiskProfile.C5
    assert DEFAULT.score(extreme(DEFAULT, min)).profile is RiskProfile.C1


@pytest.mark.parametrize(
    ("question", "answer"),
    [(q.id, a.id) for q in DEFAULT.questions for a in q.answers if a.knockout],
)
def test_every_knockout_forces_the_lowest_category(question: str, answer: str) -> None:
    answers = {**extreme(DEFAULT, max), question: answer}
    result = DEFAULT.score(answers)
    assert result.profile is RiskProfile.C1
    assert result.lowest_category
    assert result.knockouts == (question,)
    assert result.band_profile > RiskProfile.C1  # the score alone would have said more


def test_answers_must_cover_every_question_once_with_known_ids() -> None:
    good = extreme(DEFAULT, max)
    missing = dict(good)
    missing.pop("drawdown")
    with pytest.raises(AnswersError, match="drawdown"):
        DEFAULT.score(missing)
    with pytest.raises(AnswersError, match="no question 'q99'"):
        DEFAULT.score({**good, "q99": "a"})
    with pytest.raises(AnswersError, match="has no answer 'maybe'"):
        DEFAULT.score({**good, "capacity": "maybe"})
    with pytest.raises(AnswersError, match="more than once"):
        parse_answers('{"capacity": "yes", "capacity": "no"}')
    with pytest.raises(AnswersError, match="answer id"):
        parse_answers('{"capacity": 1}')
    with pytest.raises(AnswersError, match="JSON"):
        parse_answers("{capacity: yes")
    with pytest.raises(AnswersError, match="object"):
        parse_answers('["yes"]')


def test_answers_hash_is_order_independent_and_answer_sensitive() -> None:
    a = extreme(DEFAULT, max)
    assert answers_hash(a) == answers_hash(dict(reversed(list(a.items()))))
    assert answers_hash(a) != answers_hash({**a, "drawdown": "hold"})


def _refused(data: dict[str, Any], match: str) -> None:
    with pytest.raises(QuestionnaireError, match=match) as info:
        from_dict(data)
    message = str(info.value)
    assert message.endswith(".")
    assert "\n" not in message


def test_a_file_edited_after_sealing_is_refused() -> None:
    sealed = json.loads(DEFAULT_TEXT)
    loss = next(q for q in sealed["questions"] if q["id"] == "max-loss")
    loss["answers"][0]["knockout"] = False  # quietly drop the "cannot bear any loss" knock-out
    _refused(sealed, "checksum does not match")
    sealed = json.loads(DEFAULT_TEXT)
    sealed["questions"][1]["answers"][1]["score"] = 3  # one point less for the 31-50 age group
    _refused(sealed, "checksum does not match")
    # Same bytes, only reformatted: still accepted (the checksum covers content, not layout).
    assert parse_definition(json.dumps(json.loads(DEFAULT_TEXT))).checksum == DEFAULT.checksum


def test_definitions_that_cannot_be_used_are_refused() -> None:
    cases: list[tuple[str, Any]] = []

    def case(match: str, edit: Any) -> None:
        cases.append((match, edit))

    case("not contiguous", lambda d: d["bands"][1].update(min_score=d["bands"][1]["min_score"] + 1))
    case("not contiguous", lambda d: d["bands"][1].update(min_score=d["bands"][1]["min_score"] - 1))
    case("do not cover", lambda d: d["bands"][4].update(max_score=48))
    case(
        "do not cover",
        lambda d: [b.update(min_score=b["min_score"] + 12, max_score=b["max_score"] + 12) for b in d["bands"]],
    )
    case("C1, C2, C3, C4 and C5", lambda d: d["bands"].pop())
    case("C1, C2, C3, C4 and C5", lambda d: d["bands"].reverse())
    case("not a profile", lambda d: d["bands"][0].update(profile="C9"))
    case("starts above", lambda d: d["bands"][0].update(min_score=30))
    case("used twice", lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])))
    case(
        "answer id twice", lambda d: d["questions"][2]["answers"].append(copy.deepcopy(d["questions"][2]["answers"][0]))
    )
    case("at least two answers", lambda d: d["questions"][2].update(answers=d["questions"][2]["answers"][:1]))
    case("negative score", lambda d: d["questions"][2]["answers"][0].update(score=-1))
    case("whole number", lambda d: d["questions"][2]["answers"][0].update(score="3"))
    case("whole number", lambda d: d["questions"][2]["answers"][0].update(score=True))
    case("true or false", lambda d: d["questions"][2]["answers"][0].update(knockout="no"))
    case("Every answer", lambda d: [a.update(knockout=True) for a in d["questions"][0]["answers"]])
    case("unknown field", lambda d: d["questions"][0].update(weight=2))
    case("unknown field", lambda d: d.update(extra=1))
    case("English text", lambda d: d["questions"][0].pop("text_en"))
    case("non-empty text", lambda d: d["questions"][0].update(text="  "))
    case("section", lambda d: d["questions"][0].update(section="hobbies"))
    case("non-empty list of questions", lambda d: d.update(questions=[]))
    case("format", lambda d: d.update(format="other/2"))
    case("JSON object", lambda d: d["questions"].append("q"))
    for match, edit in cases:
        data = raw()
        edit(data)
        _refused(data, match)
    for text, match in (
        ("[]", "JSON object"),
        ("{", "not valid JSON"),
        ('{"format": 1, "format": 2}', "more than once"),
    ):
        with pytest.raises(QuestionnaireError, match=match):
            parse_definition(text)


def test_raw_default_without_checksum_is_accepted_and_equal() -> None:
    assert from_dict(raw()).checksum == DEFAULT.checksum


@given(st.data())
def test_any_complete_answer_set_scores_within_one_band(data: st.DataObject) -> None:
    answers = {q.id: data.draw(st.sampled_from([a.id for a in q.answers])) for q in DEFAULT.questions}
    result = DEFAULT.score(answers)
    assert DEFAULT.min_total <= result.score <= DEFAULT.max_total
    matching = [b for b in DEFAULT.bands if b.min_score <= result.score <= b.max_score]
    assert len(matching) == 1
    assert matching[0].profile is result.band_profile
    assert result.lowest_category == bool(result.knockouts)
    assert result.profile is (RiskProfile.C1 if result.knockouts else result.band_profile)
