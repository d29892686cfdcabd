"""A careless or hostile questionnaire file and answers file, as compliance and a clerk give them."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.questionnaire import AnswersError, QuestionnaireError, from_dict, parse_answers, parse_definition
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from tests.cli.test_assessment_cli import db, seeded  # noqa: F401
from tests.cli.test_cli import assert_clean_error, run
from tests.conftest import add_client, staff
from tests.domain.test_questionnaire import DEFAULT, raw


def _refused(data: dict[str, Any], match: str) -> None:
    with pytest.raises(QuestionnaireError, match=match) as info:
        from_dict(data)
    assert str(info.value).endswith(".")


def test_a_number_too_long_to_read_is_one_sentence() -> None:
    """Python refuses to convert an integer of more than 4300 digits (a ValueError that is
    no JSONDecodeError): the file is refused in a sentence, not an unexpected error."""
    long = "1" * 5000
    text = json.dumps(raw()).replace('"score": 4', f'"score": {long}', 1)
    with pytest.raises(QuestionnaireError, match="number too long"):
        parse_definition(text)
    with pytest.raises(AnswersError, match="number too long"):
        parse_answers('{"capacity": ' + long + "}")


def test_a_lone_surrogate_escape_is_one_sentence(sqlite_services: Services) -> None:
    """JSON may escape half of a surrogate pair ("\\ud83d" of an emoji whose other half was
    deleted): Python reads it as a lone surrogate, which is no text UTF-8 can hold. The
    definition passed every check and the import then failed computing its checksum with
    an unexpected error (UnicodeEncodeError) instead of a sentence."""
    data = raw()
    data["title_en"] = "Risk tolerance \ud83d"
    text = json.dumps(data)  # ASCII: the lone half as a \\u escape, as an editor or tool writes it
    with pytest.raises(QuestionnaireError, match=r"^The questionnaire file holds text that is not valid Unicode"):
        parse_definition(text)
    with pytest.raises(AnswersError, match=r"^The answers file holds text that is not valid Unicode"):
        parse_answers(json.dumps({"capacity": "yes \udc00"}))
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    with pytest.raises(InvalidInput, match=r"^The questionnaire was not imported: the questionnaire file holds text"):
        sqlite_services.questionnaire.import_definition(compliance, text)
    assert sqlite_services.questionnaire.current(compliance).version == 1


def test_a_score_the_store_cannot_hold_is_refused_at_import() -> None:
    """An answer worth 10**20 points passed every check, was imported, and then made every
    assessment that chose it fail with an unexpected error (the score column is an integer)."""
    data = raw()
    data["questions"][1]["answers"][0]["score"] = 10**20
    data["bands"][4]["max_score"] = 10**20 + 100
    _refused(data, "score above 1000")
    many = raw()
    many["questions"] = [
        {**q, "id": f"{q['id']}-{n}", "answers": [{**a, "score": 1000 if a["score"] else 0} for a in q["answers"]]}
        for n in range(9)
        for q in many["questions"]
    ]
    many["bands"][4]["max_score"] = 10**6
    _refused(many, r"highest total score \d+ is above 100000")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        # C1 ends below the lowest total without a knock-out (13): the most cautious client is rated C2.
        (lambda b: (b[0].update(max_score=10), b[1].update(min_score=11)), r"band C1 \(0-10\)"),
        # C5 starts above the highest total (50): nobody is ever rated aggressive.
        (lambda b: (b[3].update(max_score=50), b[4].update(min_score=51, max_score=60)), r"band C5 \(51-60\)"),
    ],
    ids=["C1-below", "C5-above"],
)
def test_a_band_no_answers_reach_is_refused(edit: Any, match: str) -> None:
    data = raw()
    edit(data["bands"])
    _refused(data, match + ", so the questionnaire could never give that profile")


def test_a_band_between_reachable_totals_is_refused() -> None:
    """Every answer scores an even number: a one-point band on an odd total is never reached."""
    data = raw()
    for question in data["questions"]:
        for answer in question["answers"]:
            answer["score"] *= 2
    data["bands"] = [
        {"profile": "C1", "min_score": 0, "max_score": 40},
        {"profile": "C2", "min_score": 41, "max_score": 41},
        {"profile": "C3", "min_score": 42, "max_score": 70},
        {"profile": "C4", "min_score": 71, "max_score": 84},
        {"profile": "C5", "min_score": 85, "max_score": 100},
    ]
    _refused(data, r"band C2 \(41-41\)")
    data["bands"][1]["max_score"], data["bands"][2]["min_score"] = 42, 43  # 42 is reachable
    assert from_dict(data).band_for(42).code == "C2"


def test_the_shipped_questionnaire_and_far_band_ends_still_pass() -> None:
    assert from_dict(raw()).checksum == DEFAULT.checksum
    data = raw()
    data["bands"][0]["min_score"] = -(10**30)  # far outside the totals, still covering them
    data["bands"][4]["max_score"] = 10**30
    assert from_dict(data).band_for(50).code == "C5"


def test_the_cli_refuses_such_files_in_one_sentence_and_stores_nothing(db: Path, tmp_path: Path) -> None:  # noqa: F811
    data = raw()
    data["questions"][1]["answers"][0]["score"] = 10**20
    data["bands"][4]["max_score"] = 10**20 + 100
    big = tmp_path / "big.json"
    big.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("questionnaire", "import", str(big), "--user", "demo-compliance", db=db)
    assert_clean_error(result, 2)
    assert "score above 1000" in result.stderr
    unreachable = raw()
    unreachable["bands"][0]["max_score"], unreachable["bands"][1]["min_score"] = 10, 11
    path = tmp_path / "c1.json"
    path.write_text(json.dumps(unreachable, ensure_ascii=False), encoding="utf-8")
    result = run("questionnaire", "import", str(path), "--user", "demo-compliance", db=db)
    assert_clean_error(result, 2)
    assert "band C1 (0-10)" in result.stderr
    digits = tmp_path / "answers.json"
    digits.write_text('{"capacity": ' + "1" * 5000 + "}", encoding="utf-8")
    result = run("investor", "assess", "880008", "--answers", str(digits), "--user", "demo-compliance", db=db)
    assert_clean_error(result, 2)
    assert "number too long" in result.stderr
    shown = run("questionnaire", "show", "--json", "--user", "demo-advisor", db=db)
    assert json.loads(shown.stdout)["version"] == 1


def _long_texts(question: int, answer: int) -> dict[str, Any]:
    """The shipped definition with every text as long as given: CJK and wide Latin letters,
    no space to break at (the sheet must still lay each row out on a page)."""
    data = raw()
    for q in data["questions"]:
        q["text"], q["text_en"] = "险" * question, "W" * question
        for a in q["answers"]:
            a["text"], a["text_en"] = "损" * answer, "M" * answer
    return data


def test_a_text_the_confirmation_sheet_cannot_print_is_refused_at_import(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A question of some 2,600 characters was imported and assessed with, and then its
    confirmation sheet failed with an unexpected LayoutError (a table row taller than the
    page): now the import refuses it, and the longest texts it takes still print."""
    with pytest.raises(InvalidInput, match="question capacity is longer than 500 characters"):
        services.questionnaire.import_definition(compliance, json.dumps(_long_texts(501, 10)))
    with pytest.raises(InvalidInput, match="answer capacity/yes is longer than 200 characters"):
        services.questionnaire.import_definition(compliance, json.dumps(_long_texts(10, 201)))
    longest = services.questionnaire.import_definition(compliance, json.dumps(_long_texts(500, 200)))
    add_client(services, compliance, "LONG", None, None)
    top = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in longest.questions}
    services.investors.assess_answers(compliance, "LONG", top)
    written = services.investors.write_confirmation(compliance, "LONG", tmp_path / "sheet.pdf")
    assert written.path.read_bytes().startswith(b"%PDF")


def test_an_assessment_older_than_the_current_one_says_so(db: Path, tmp_path: Path) -> None:  # noqa: F811
    """A clerk enters an older paper questionnaire (--assessed before the client's current
    assessment): it is kept in the history, the newer one stays in force. The result said
    "profile C5, valid until ..." and nothing else, as if the client were now C5."""
    shown = json.loads(run("investor", "show", "880003", "--json", "--user", "demo-advisor", db=db).stdout)
    assert shown["profile"] == "C3"
    earlier = (dt.date.fromisoformat(shown["assessed"]) - dt.timedelta(days=30)).isoformat()
    questionnaire = DEFAULT
    top = {
        q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in questionnaire.questions
    }
    answers = tmp_path / "paper.json"
    answers.write_text(json.dumps(top), encoding="utf-8")
    args = ("investor", "assess", "880003", "--answers", str(answers), "--assessed", earlier, "--note", "纸质问卷")
    result = run(*args, "--user", "demo-compliance", db=db)
    assert result.returncode == 0, result.stderr
    assert "profile C5" in result.stdout
    assert (
        f"not the client's current assessment: their assessment of {shown['assessed']} (C3) is newer and stays "
        "in force" in result.stdout
    )
    data = json.loads(run(*args, "--json", "--user", "demo-compliance", db=db).stdout)
    assert (data["profile"], data["current"], data["current_profile"]) == ("C5", False, "C3")
    now = run("investor", "assess", "880003", "--answers", str(answers), "--json", "--user", "demo-compliance", db=db)
    assert json.loads(now.stdout)["current"] is True


def test_a_file_no_questionnaire_could_be_is_refused_unread(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: the answers and questionnaire files were read whole, whatever they were:
    `--answers /dev/zero` never finished (filling memory), a named pipe with no writer
    hung the command, and a file of any size was read. Now a device, a pipe or a socket is
    refused without being opened for a wait, and so is a file over 1 MiB (the shipped
    questionnaire is 13 KB), in one sentence, nothing recorded. (/dev/null comes first:
    before the fix it read as an empty file and failed otherwise, without hanging.)"""
    from suitcheck.cli import main
    from suitcheck.services.questionnaire import QUESTIONNAIRE_FILE_MAX_BYTES
    from tests.conftest import PASSWORD

    staff(sqlite_services, Role.COMPLIANCE)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    pipe = tmp_path / "answers.fifo"
    os.mkfifo(pipe)
    big = tmp_path / "big.json"
    big.write_bytes(b"{}" + b" " * (QUESTIONNAIRE_FILE_MAX_BYTES - 1))  # one byte over
    commands = {
        "answers": ["investor", "assess", "880008", "--answers"],
        "questionnaire": ["questionnaire", "import"],
    }
    for args in commands.values():
        for path, sentence in [
            ("/dev/null", "/dev/null is not a plain file (a device, a pipe or a socket); nothing was read."),
            (str(pipe), f"{pipe} is not a plain file (a device, a pipe or a socket); nothing was read."),
            (str(big), f"{big} is larger than 1 MB, far more than a questionnaire or its answers; nothing was read."),
        ]:
            capsys.readouterr()
            code = main([*args, path, "--user", "t-compliance", "--db", sqlite_target])
            captured = capsys.readouterr()
            assert (code, captured.err.strip()) == (2, f"suitcheck: {sentence}")
    assert sqlite_services.questionnaire.current(staff(sqlite_services, Role.COMPLIANCE)).version == 1
    # A file of exactly the bound is read (and here refused for what it holds).
    big.write_bytes(b"{}" + b" " * (QUESTIONNAIRE_FILE_MAX_BYTES - 2))
    capsys.readouterr()
    assert main([*commands["answers"], str(big), "--user", "t-compliance", "--db", sqlite_target]) == 2
    assert "nothing was read" not in capsys.readouterr().err
