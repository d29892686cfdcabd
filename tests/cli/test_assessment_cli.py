"""The questionnaire and assessment commands as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.calendar import firm_day
from tests.cli.test_cli import assert_clean_error, run
from tests.conftest import copy_keyring


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("assess-cli") / "demo.db"
    env = {"SUITCHECK_AUDIT_KEY": str(db.parent / "audit.key"), "SUITCHECK_LOG_DIR": str(db.parent / "log")}
    result = run("seed-demo", db=db, password=None, env=env)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def db(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the seeded store, so these tests may change it."""
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(copy_keyring(seeded.parent / "audit.key", tmp_path / "key")))
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(tmp_path / "log"))
    copy = tmp_path / "store.db"
    shutil.copy(seeded, copy)
    return copy


def _show(db: Path, *extra: str) -> dict[str, Any]:
    result = run("questionnaire", "show", "--json", *extra, "--user", "demo-advisor", db=db)
    assert result.returncode == 0, result.stderr
    shown: dict[str, Any] = json.loads(result.stdout)
    return shown


def _top_answers(q: dict[str, Any]) -> dict[str, str]:
    return {
        x["id"]: max((a for a in x["answers"] if not a["knockout"]), key=lambda a: a["score"])["id"]
        for x in q["questions"]
    }


def test_questionnaire_show_json_shape(db: Path) -> None:
    q = _show(db)
    assert {"version", "questions", "bands"} <= set(q)
    assert q["version"] == 1
    for question in q["questions"]:
        assert {"id", "text", "answers"} <= set(question)
        for a in question["answers"]:
            assert {"id", "text", "score", "knockout"} <= set(a)
            assert isinstance(a["knockout"], bool)
    assert [b["profile"] for b in q["bands"]] == ["C1", "C2", "C3", "C4", "C5"]
    assert all({"profile", "min_score", "max_score"} <= set(b) for b in q["bands"])
    text = run("questionnaire", "show", "--user", "demo-advisor", db=db).stdout
    assert "风险承受能力" in text
    assert "KNOCK-OUT" in text


def test_assess_with_answers_prints_the_result(db: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(_top_answers(_show(db))), encoding="utf-8")
    result = run(
        "investor", "assess", "880001", "--answers", str(answers), "--json", "--user", "demo-compliance", db=db
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"investor", "profile", "score", "lowest_category", "questionnaire_version", "valid_until"} <= set(data)
    assert (data["profile"], data["lowest_category"], data["questionnaire_version"]) == ("C5", False, 1)
    text = run("investor", "assess", "880001", "--answers", str(answers), "--user", "demo-compliance", db=db).stdout
    assert "profile C5" in text
    assert "valid until" in text


def test_assess_refusals_are_one_sentence(db: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial.json"
    partial.write_text('{"capacity": "yes"}', encoding="utf-8")
    repeated = tmp_path / "repeated.json"
    repeated.write_text('{"capacity": "yes", "capacity": "no"}', encoding="utf-8")
    for args in (
        ("--answers", str(partial)),
        ("--answers", str(repeated)),
        ("--answers", str(tmp_path / "missing.json")),
        ("--profile", "C3"),  # an assessment made elsewhere needs --note
        (),
    ):
        assert_clean_error(run("investor", "assess", "880001", *args, "--user", "demo-compliance", db=db), 2)
    ok = run(
        "investor", "assess", "880001", "--profile", "C3", "--note", "总部问卷", "--user", "demo-compliance", db=db
    )
    assert ok.returncode == 0, ok.stderr


def test_import_new_version_and_refuse_a_tampered_file(db: Path, tmp_path: Path) -> None:
    q = _show(db)
    tampered = dict(q)
    tampered["bands"] = [dict(b) for b in q["bands"]]
    tampered["bands"][4]["min_score"] -= 1
    tampered["bands"][3]["max_score"] -= 1  # still valid bands, but the sealed file was edited
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    result = run("questionnaire", "import", str(path), "--user", "demo-compliance", db=db)
    assert_clean_error(result, 2)
    assert "checksum" in result.stderr
    del tampered["checksum"]  # an author's new draft: no seal, validated on import
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    assert_clean_error(run("questionnaire", "import", str(path), "--user", "demo-advisor", db=db), 1)
    ok = run("questionnaire", "import", str(path), "--json", "--user", "demo-compliance", db=db)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["version"] == 2
    assert _show(db)["version"] == 2
    assert _show(db, "--version", "1")["bands"] == q["bands"]


def test_situation_changed_blocks_the_check(db: Path) -> None:
    listed = json.loads(run("report", "list", "--json", "--user", "demo-advisor", db=db).stdout)
    r3 = next(r for r in listed if r["level"] == "R3")["id"]
    assert run("check", "--investor", "880005", "--report", str(r3), "--user", "demo-advisor", db=db).returncode == 0
    assert_clean_error(
        run("investor", "situation-changed", "880005", "--reason", " ", "--user", "demo-advisor", db=db), 2
    )
    marked = run("investor", "situation-changed", "880005", "--reason", "收入大幅下降", "--user", "demo-advisor", db=db)
    assert marked.returncode == 0, marked.stderr
    check = run("check", "--investor", "880005", "--report", str(r3), "--json", "--user", "demo-advisor", db=db)
    assert check.returncode == 3
    assert "reassessment-due" in json.loads(check.stdout)["reasons"]


def test_reminders_json_and_text(db: Path) -> None:
    run("investor", "situation-changed", "880003", "--reason", "婚姻状况变化", "--user", "demo-advisor", db=db)
    result = run("reminders", "--json", "--user", "demo-advisor", db=db)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    states = {i["account"]: i["state"] for i in items}
    assert states["880003"] == "due"
    assert states["880006"] == "expired"
    assert states["880007"] == "expiring"
    assert "880008" not in states  # never assessed: not a reminder about an assessment
    for item in items:
        assert {"id", "account", "name", "class", "profile", "assessed", "assessment_valid", "state", "expires"} <= set(
            item
        )
    text = run("reminders", "--within", "400", "--user", "demo-advisor", db=db).stdout
    assert "婚姻状况变化" in text
    assert "clients to re-assess" in text
    # The line names the last valid day, as the desk does, not the first day it is not valid.
    soon = next(i for i in items if i["account"] == "880007")
    line = next(line for line in text.splitlines() if "880007" in line)
    assert f"valid until {soon['valid_until']}" in line, line
    assert soon["expires"] not in line, line
    assert text.splitlines()[-1] == f"{len(text.splitlines()) - 1} clients to re-assess."
    # Nobody to re-assess (SH01's two clients are valid for months): one line, no blank line before it.
    none = run("reminders", "--within", "0", "--user", "demo-advisor-sh", db=db)
    assert none.stdout == "0 clients to re-assess.\n", none.stdout
    assert_clean_error(run("reminders", "--within", "-3", "--user", "demo-advisor", db=db), 2)
    out = db.parent / "reminders.xlsx"
    written = run("reminders", "--out", str(out), "--json", "--user", "demo-advisor", db=db)
    assert written.returncode == 0, written.stderr
    assert json.loads(written.stdout)["count"] == len(items)
    assert out.read_bytes().startswith(b"PK")


def test_inspection_pdf_from_the_command_line(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "inspection.pdf"
    result = run(
        "inspection",
        "--from",
        "2021-01-01",
        "--to",
        firm_day(dt.datetime.now(dt.UTC)).isoformat(),  # a period may end today, not later
        "--out",
        str(out),
        "--json",
        "--user",
        "demo-compliance",
        db=db,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verification_ok"] is True
    assert out.read_bytes().startswith(b"%PDF")
    assert_clean_error(
        run(
            "inspection",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
            "--out",
            str(out),
            "--user",
            "demo-compliance",
            db=db,
        ),
        2,
    )
    assert_clean_error(
        run(
            "inspection",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--out",
            str(out),
            "--user",
            "demo-advisor",
            db=db,
        ),
        1,
    )


def test_answers_of_another_questionnaire_version_are_refused(db: Path, tmp_path: Path) -> None:
    """The version the client answered, given, must be the current one: a paper answered on
    version 1 is never scored on a version 2 that reuses its ids with other scores."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(_top_answers(_show(db))), encoding="utf-8")
    assess = ("investor", "assess", "880001", "--answers", str(answers))
    refused = run(*assess, "--questionnaire-version", "2", "--user", "demo-compliance", db=db)
    assert_clean_error(refused, 2)
    # Version 2 was never stored: said so, not that the questionnaire 'changed to version 1'.
    assert "There is no questionnaire version 2: the current one is version 1; nothing was recorded." in refused.stderr
    alone = run(
        "investor",
        "assess",
        "880001",
        "--profile",
        "C3",
        "--note",
        "x",
        "--questionnaire-version",
        "1",
        "--user",
        "demo-compliance",
        db=db,
    )
    assert_clean_error(alone, 2)
    ok = run(*assess, "--questionnaire-version", "1", "--json", "--user", "demo-compliance", db=db)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["questionnaire_version"] == 1
