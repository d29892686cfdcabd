"""The risk-tolerance questionnaire as versioned data: definition, validation, scoring."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from suitcheck.domain.levels import RiskProfile, UnknownLevelError
from suitcheck.domain.text import escape_controls, has_controls

FORMAT = "suitcheck-questionnaire/1"

_TOP_FIELDS = {"format", "version", "title", "title_en", "questions", "bands", "checksum"}
_QUESTION_FIELDS = {"id", "section", "text", "text_en", "answers"}
_ANSWER_FIELDS = {"id", "text", "text_en", "score", "knockout"}
_BAND_FIELDS = {"profile", "min_score", "max_score"}
SECTIONS = ("capacity", "finances", "experience", "goals", "attitude-to-loss")
# An assessment stores its score in an integer column (32 bits on PostgreSQL): a definition
# whose scores could not be stored would be imported and then fail every assessment.
MAX_ANSWER_SCORE = 1000
MAX_TOTAL_SCORE = 100_000
# The confirmation sheet prints each question and the answer chosen in one table row, and a
# row cannot continue on the next page: longer texts would make the sheet impossible to print.
MAX_QUESTION_TEXT = 500
MAX_ANSWER_TEXT = 200


class QuestionnaireError(ValueError):
    """A definition that cannot be used. `str()` is one sentence fit to show a user."""


class AnswersError(ValueError):
    """Answers that do not fit the questionnaire (missing, unknown or repeated)."""


@dataclasses.dataclass(frozen=True)
class Answer:
    id: str
    text: str
    text_en: str
    score: int
    knockout: bool = False


@dataclasses.dataclass(frozen=True)
class Question:
    id: str
    section: str
    text: str
    text_en: str
    answers: tuple[Answer, ...]

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclasses.dataclass(frozen=True)
class Band:
    profile: RiskProfile
    min_score: int
    max_score: int


@dataclasses.dataclass(frozen=True)
class Score:
    """The result of one completed questionnaire."""

    score: int
    profile: RiskProfile
    lowest_category: bool
    knockouts: tuple[str, ...]  # ids of the questions whose answer was a knock-out
    band_profile: RiskProfile  # what the score alone would have given


@dataclasses.dataclass(frozen=True)
class Questionnaire:
    """One definition. `version` is assigned by the store; 0 means not stored yet."""

    title: str
    title_en: str
    questions: tuple[Question, ...]
    bands: tuple[Band, ...]
    version: int = 0

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def min_total(self) -> int:
        return sum(min(a.score for a in q.answers) for q in self.questions)

    @property
    def max_total(self) -> int:
        return sum(max(a.score for a in q.answers) for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def band_for(self, score: int) -> RiskProfile:
        for band in self.bands:
            if band.min_score <= score <= band.max_score:
                return band.profile
        raise AnswersError(f"The score {score} lies outside every band of questionnaire version {self.version}.")

    def score(self, answers: Mapping[str, str]) -> Score:
        """Score a complete set of answers (question id -> answer id). Pure."""
        if not isinstance(answers, Mapping):
            raise AnswersError("The answers must be an object of question id -> answer id.")
        unknown = [qid for qid in answers if self.question(str(qid)) is None]
        if unknown:
            raise AnswersError(f"The questionnaire has no question {', '.join(map(repr, sorted(unknown)))}.")
        missing = [q.id for q in self.questions if q.id not in answers]
        if missing:
            raise AnswersError(f"Question(s) {', '.join(missing)} are not answered.")
        total, knockouts = 0, []
        for question in self.questions:
            given = answers[question.id]
            answer = question.answer(given) if isinstance(given, str) else None
            if answer is None:
                raise AnswersError(f"Question {question.id} has no answer {given!r}.")
            total += answer.score
            if answer.knockout:
                knockouts.append(question.id)
        band = self.band_for(total)
        return Score(
            score=total,
            profile=RiskProfile.C1 if knockouts else band,
            lowest_category=bool(knockouts),
            knockouts=tuple(knockouts),
            band_profile=band,
        )

    # -- serialisation -------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        """The definition without its version and checksum: what the checksum covers."""
        return {
            "format": FORMAT,
            "title": self.title,
            "title_en": self.title_en,
            "questions": [
                {
                    "id": q.id,
                    "section": q.section,
                    "text": q.text,
                    "text_en": q.text_en,
                    "answers": [
                        {"id": a.id, "text": a.text, "text_en": a.text_en, "score": a.score, "knockout": a.knockout}
                        for a in q.answers
                    ],
                }
                for q in self.questions
            ],
            "bands": [
                {"profile": b.profile.code, "min_score": b.min_score, "max_score": b.max_score} for b in self.bands
            ],
        }

    @property
    def checksum(self) -> str:
        return content_checksum(self.content())

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, **self.content(), "checksum": self.checksum}

    def to_json(self) -> str:
        """The canonical stored form (sorted keys, no version: the store numbers it)."""
        return canonical_json({**self.content(), "checksum": self.checksum})

    def with_version(self, version: int) -> Questionnaire:
        return dataclasses.replace(self, version=version)


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_checksum(content: Mapping[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def answers_hash(answers: Mapping[str, str]) -> str:
    """What the audit keeps for a set of answers: a hash over their canonical form."""
    return hashlib.sha256(canonical_json(dict(answers)).encode("utf-8")).hexdigest()


def _no_duplicates(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise _Duplicate(repeated)
    return dict(pairs)


class _Duplicate(Exception):
    def __init__(self, keys: list[str]) -> None:
        super().__init__(keys)
        self.keys = keys


def load_json_object(text: str, what: str) -> dict[str, Any]:
    """Parse a JSON object, refusing repeated keys (json.loads would keep the last silently)."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _Duplicate as exc:
        raise QuestionnaireError(f"The {what} names {', '.join(map(repr, exc.keys))} more than once.") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise QuestionnaireError(f"The {what} is not valid JSON.") from exc
    except ValueError as exc:  # a number of more digits than Python converts (sys.get_int_max_str_digits)
        raise QuestionnaireError(f"The {what} holds a number too long to read.") from exc
    if not isinstance(data, dict):
        raise QuestionnaireError(f"The {what} must be a JSON object.")
    if _holds_lone_surrogate(data):
        raise QuestionnaireError(
            f"The {what} holds text that is not valid Unicode (half of a \\u surrogate pair escape)."
        )
    return data


def _holds_lone_surrogate(data: Any) -> bool:
    """Whether some key or text in parsed JSON is no text UTF-8 can hold: a \\ud800-\\udfff
    escape without its other half reads as a lone surrogate, which the checksum, the
    answers' hash and the store cannot encode. Without recursion (as deep as json reads)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_answers(text: str) -> dict[str, str]:
    """An answers file: a JSON object question id -> answer id, each question once."""
    try:
        data = load_json_object(text, "answers file")
    except QuestionnaireError as exc:
        raise AnswersError(str(exc)) from exc
    bad = [k for k, v in data.items() if not isinstance(v, str)]
    if bad:
        raise AnswersError(f"The answer to {', '.join(map(repr, bad))} must be an answer id (text).")
    return data


def parse_definition(text: str) -> Questionnaire:
    """A new definition file (the `questionnaire show --json` form). A `checksum`, when
    present, must match the content: a file edited after it was sealed is refused. So is a
    definition without a knock-out answer (require_knockout), and one whose texts hold a
    control character or a bidi override (require_plain_text)."""
    return require_knockout(require_plain_text(from_dict(load_json_object(text, "questionnaire file"))))


def require_plain_text(q: Questionnaire) -> Questionnaire:
    """`q`, when no id or text holds a control character or a bidi override: a right-to-left
    override in an answer shows the client words in another order than the file holds
    (可以承受\u202e失损部全 reads 可以承受全部损失), a terminal escape recolours a listing. Asked
    of a new definition only, as require_knockout is."""
    texts = [("the title", q.title), ("the English title", q.title_en)]
    for question in q.questions:
        qid = escape_controls(question.id)
        texts += [(f"question {qid}", question.id)]
        texts += [(f"the text of question {qid}", t) for t in (question.text, question.text_en)]
        for answer in question.answers:
            where = f"answer {qid}/{escape_controls(answer.id)}"
            texts += [(where, answer.id), *((f"the text of {where}", t) for t in (answer.text, answer.text_en))]
    for where, text in texts:
        if has_controls(text):
            raise QuestionnaireError(
                f"{where[0].upper()}{where[1:]} holds control characters or a bidi override "
                f'("{escape_controls(text)}"); write it without them.'
            )
    return q


def require_knockout(q: Questionnaire) -> Questionnaire:
    """`q`, when some answer is a knock-out. The knock-outs (cannot bear any loss, no full
    civil capacity) put a client in the lowest category whatever the score; a definition
    without any would score such a client into a band and never flag them. Asked of a new
    definition only: one stored earlier stays readable for the assessments that name it."""
    if not any(a.knockout for question in q.questions for a in question.answers):
        raise QuestionnaireError(
            "The questionnaire has no knock-out answer, so no client could be put in the lowest "
            "risk-tolerance category (cannot bear any loss, no full civil capacity)."
        )
    return q


def from_dict(data: Mapping[str, Any], *, require_checksum: bool = False) -> Questionnaire:
    _fields(data, _TOP_FIELDS, "questionnaire")
    if data.get("format") != FORMAT:
        raise QuestionnaireError(f"The questionnaire file is not in the {FORMAT} format.")
    try:
        questions = tuple(_question(q) for q in _list(data.get("questions"), "questions"))
        bands = tuple(_band(b) for b in _list(data.get("bands"), "bands"))
        result = Questionnaire(
            title=_text(data.get("title"), "title"),
            title_en=_text(data.get("title_en"), "title_en"),
            questions=questions,
            bands=bands,
        )
    except (TypeError, KeyError) as exc:  # pragma: no cover - guarded by the helpers above
        raise QuestionnaireError(f"The questionnaire file is malformed ({exc}).") from exc
    stated = data.get("checksum")
    if stated is None and require_checksum:
        raise QuestionnaireError("The stored questionnaire has no checksum.")
    if stated is not None and stated != result.checksum:
        raise QuestionnaireError(
            "The questionnaire file was changed after it was sealed: its checksum does not match its content."
        )
    return result


def _fields(data: Any, allowed: set[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise QuestionnaireError(f"Each {where} must be a JSON object.")
    unknown = set(data) - allowed
    if unknown:
        raise QuestionnaireError(f"The {where} has unknown field(s) {', '.join(sorted(unknown))}.")


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise QuestionnaireError(f"The questionnaire needs a non-empty list of {name}.")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(f"The questionnaire's {name} must be non-empty text.")
    return value.strip()


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuestionnaireError(f"{name} must be a whole number.")
    return value


def _question(data: Any) -> Question:
    _fields(data, _QUESTION_FIELDS, "question")
    qid = _text(data.get("id"), "question id")
    section = data.get("section", "")
    if section not in SECTIONS:
        raise QuestionnaireError(f"Question {qid} has section {section!r}; use one of {', '.join(SECTIONS)}.")
    return Question(
        id=qid,
        section=section,
        text=_text(data.get("text"), f"text of question {qid}"),
        text_en=_text(data.get("text_en"), f"English text of question {qid}"),
        answers=tuple(_answer(a, qid) for a in _list(data.get("answers"), f"answers to question {qid}")),
    )


def _answer(data: Any, qid: str) -> Answer:
    _fields(data, _ANSWER_FIELDS, f"answer to question {qid}")
    aid = _text(data.get("id"), f"answer id in question {qid}")
    knockout = data.get("knockout", False)
    if not isinstance(knockout, bool):
        raise QuestionnaireError(f"knockout of answer {qid}/{aid} must be true or false.")
    return Answer(
        id=aid,
        text=_text(data.get("text"), f"text of answer {qid}/{aid}"),
        text_en=_text(data.get("text_en"), f"English text of answer {qid}/{aid}"),
        score=_int(data.get("score"), f"The score of answer {qid}/{aid}"),
        knockout=knockout,
    )


def _band(data: Any) -> Band:
    _fields(data, _BAND_FIELDS, "band")
    try:
        profile = RiskProfile.parse(str(data.get("profile")))
    except UnknownLevelError as exc:
        raise QuestionnaireError(f"A band names {data.get('profile')!r}, which is not a profile C1 to C5.") from exc
    return Band(
        profile,
        _int(data.get("min_score"), f"min_score of band {profile.code}"),
        _int(data.get("max_score"), f"max_score of band {profile.code}"),
    )


def _validate(q: Questionnaire) -> None:
    """Everything that makes a definition usable; one sentence for the first problem."""
    if not q.questions:
        raise QuestionnaireError("The questionnaire has no questions.")
    seen: set[str] = set()
    for question in q.questions:
        if question.id in seen:
            raise QuestionnaireError(f"Question id {question.id!r} is used twice.")
        seen.add(question.id)
        _validate_answers(question)
    if q.max_total > MAX_TOTAL_SCORE:
        raise QuestionnaireError(f"The questionnaire's highest total score {q.max_total} is above {MAX_TOTAL_SCORE}.")
    _validate_bands(q)


def _validate_answers(question: Question) -> None:
    if max(len(question.text), len(question.text_en)) > MAX_QUESTION_TEXT:
        raise QuestionnaireError(f"A text of question {question.id} is longer than {MAX_QUESTION_TEXT} characters.")
    for answer in question.answers:
        if max(len(answer.text), len(answer.text_en)) > MAX_ANSWER_TEXT:
            raise QuestionnaireError(
                f"A text of answer {question.id}/{answer.id} is longer than {MAX_ANSWER_TEXT} characters."
            )
    if len(question.answers) < 2:
        raise QuestionnaireError(f"Question {question.id} needs at least two answers.")
    ids = [a.id for a in question.answers]
    if len(set(ids)) != len(ids):
        raise QuestionnaireError(f"Question {question.id} uses an answer id twice.")
    if any(a.score < 0 for a in question.answers):
        raise QuestionnaireError(f"Question {question.id} has a negative score.")
    if any(a.score > MAX_ANSWER_SCORE for a in question.answers):
        raise QuestionnaireError(f"Question {question.id} has a score above {MAX_ANSWER_SCORE}.")
    if all(a.knockout for a in question.answers):
        raise QuestionnaireError(f"Every answer to question {question.id} is a knock-out.")


def _validate_bands(q: Questionnaire) -> None:
    profiles = [b.profile for b in q.bands]
    if profiles != list(RiskProfile):
        raise QuestionnaireError("The score bands must name C1, C2, C3, C4 and C5 once each, in that order.")
    for band in q.bands:
        if band.min_score > band.max_score:
            raise QuestionnaireError(f"Band {band.profile.code} starts above its end.")
    for lower, upper in zip(q.bands, q.bands[1:], strict=False):
        if upper.min_score != lower.max_score + 1:
            raise QuestionnaireError(
                f"Bands {lower.profile.code} and {upper.profile.code} are not contiguous "
                f"({lower.max_score} is followed by {upper.min_score})."
            )
    if q.bands[0].min_score > q.min_total or q.bands[-1].max_score < q.max_total:
        raise QuestionnaireError(
            f"The bands ({q.bands[0].min_score}-{q.bands[-1].max_score}) do not cover every possible score "
            f"({q.min_total}-{q.max_total})."
        )
    # A band no set of answers scores into is a profile the questionnaire can never give:
    # an unreachable C1 rates the most cautious client C2 or above, an unreachable C5
    # rates nobody aggressive. Knock-out answers force C1, so their scores reach no band.
    reachable = _reachable_totals(q)
    for band in q.bands:
        low, high = max(band.min_score, 0), min(band.max_score, q.max_total)  # a band's ends may be far out
        if low > high or not reachable & (((1 << (high - low + 1)) - 1) << low):
            raise QuestionnaireError(
                f"No set of answers scores into band {band.profile.code} ({band.min_score}-{band.max_score}), "
                "so the questionnaire could never give that profile."
            )


def _reachable_totals(q: Questionnaire) -> int:
    """The totals the answers can reach without a knock-out, as a bit set (bit n: total n)."""
    reachable = 1
    for question in q.questions:
        step = 0
        for score in {a.score for a in question.answers if not a.knockout}:
            step |= reachable << score
        reachable = step
    return reachable
