"""The subject table (keyword -> the level a subject implies) is firm policy: compliance
stores a new version of it from a file, or takes this release's built-in table; a store
made by an earlier release otherwise never learns a keyword added since (科创50, 北证50).
Reports read afterwards are matched with it; past versions keep theirs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.policy import DEFAULT_SUBJECTS, Policy, checked_subjects, subject_rows
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput, PermissionDenied
from tests.cli.test_cli import assert_clean_error, run
from tests.conftest import add_client, copy_keyring
from tests.ingest.test_level_attack import _report

# The table a store of an earlier release has: no product names of STAR or Beijing SE funds.
OLDER = "keyword,level\n# before 科创50 was a keyword\n创业板,R4\n科创板,R4\n期货,R5\n股票,R3\n"


def _policy_entries(services: Services, compliance: Actor) -> list[dict[str, object]]:
    return [json.loads(e.facts) for e in services.audit.browse(compliance, limit=50) if e.action == "policy-change"]


def _import(services: Services, compliance: Actor, tmp_path: Path, title: str) -> int:
    path = tmp_path / f"{title}.txt"
    path.write_text(_report("本报告的风险等级为中风险。\n", title=title, kind="行业点评"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    return result.report


def test_a_store_takes_up_a_new_keyword_and_reports_read_after_it_are_matched_higher(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    older = services.policy.import_subjects(compliance, OLDER)
    assert dict(older.subjects) == {
        "创业板": RiskLevel.R4,
        "科创板": RiskLevel.R4,
        "期货": RiskLevel.R5,
        "股票": RiskLevel.R3,
    }
    before = _import(services, compliance, tmp_path, "科创50成份股季度调整点评")
    assert services.reports.get(compliance, before).matching_level is RiskLevel.R3  # the older table has no 科创50

    newer = services.policy.default_subjects(compliance)
    assert newer.version == older.version + 1
    assert dict(newer.subjects) == dict(DEFAULT_SUBJECTS)
    changes = _policy_entries(services, compliance)[0]["changes"]
    assert isinstance(changes, dict)
    subjects = changes["subjects"]
    assert "科创50=R4" in subjects["added"]
    assert "北证=R4" in subjects["added"]
    assert subjects["removed"] == []
    assert subjects["changed"] == []

    after = _import(services, compliance, tmp_path, "科创50成份股年度调整点评")
    view = services.reports.get(compliance, after)
    assert view.matching_level is RiskLevel.R4  # 就高: stated R3 below its subject
    assert "level-below-subject" in {f.code for f in view.open_findings}
    add_client(services, compliance, "C3", RiskProfile.C3)
    assert not services.access.check(advisor, "C3", after).decision.allowed
    # What was read before keeps the level found then (re-read only when imported again).
    assert services.reports.get(compliance, before).matching_level is RiskLevel.R3


def test_a_table_file_in_the_forms_a_spreadsheet_saves(services: Services, compliance: Actor) -> None:
    text = "\ufeff关键词\t风险等级\t\t\n創業板\tR4\t\t\n 北证50 \t中高风险\n\n# 衍生品\n期权\t高风险\n"
    policy = services.policy.import_subjects(compliance, text)
    assert policy.subjects == (("创业板", RiskLevel.R4), ("北证50", RiskLevel.R4), ("期权", RiskLevel.R5))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("keyword,level\n# nothing\n", "empty"),
        ("创业板,R4\n創業板,R5\n", "given twice"),  # one keyword once folded
        ("创业板,R6\n", "not a risk level"),
        ("创业板,极高风险\n", "not a risk level"),
        ("创业板,R4,extra\n", "line 1 has 3 cells"),
        ("创业板\n", "line 1 has 1 cells"),
        (",R4\n", "empty"),
        ("创业\u0000板,R4\n", "control characters"),
        ("创业板" * 7 + ",R4\n", "longer than 20"),
    ],
)
def test_a_table_that_cannot_be_used_is_refused_and_nothing_stored(
    services: Services, compliance: Actor, text: str, says: str
) -> None:
    version = services.policy.current().version
    with pytest.raises(InvalidInput, match=says):
        services.policy.import_subjects(compliance, text)
    assert services.policy.current().version == version
    assert _policy_entries(services, compliance) == []


def test_only_compliance_changes_the_table_and_the_same_table_is_no_new_version(
    services: Services, compliance: Actor, advisor: Actor
) -> None:
    version = services.policy.current().version
    with pytest.raises(PermissionDenied):
        services.policy.import_subjects(advisor, OLDER)
    with pytest.raises(PermissionDenied):
        services.policy.default_subjects(advisor)
    reordered = "\n".join(f"{w},{lv.code}" for w, lv in reversed(DEFAULT_SUBJECTS))
    with pytest.raises(InvalidInput, match="already has these subject keywords"):
        services.policy.import_subjects(compliance, reordered)
    with pytest.raises(InvalidInput, match="already has these subject keywords"):
        services.policy.default_subjects(compliance)
    assert services.policy.current().version == version


def test_a_past_version_keeps_its_table(services: Services, compliance: Actor) -> None:
    first = services.policy.current()
    services.policy.import_subjects(compliance, OLDER)
    stored = services.policy.current()
    assert stored.version == first.version + 1
    assert Policy.from_json(first.to_json()).subjects == first.subjects
    assert checked_subjects(subject_rows(OLDER)) == stored.subjects


def test_the_command_shows_and_stores_a_table(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    seeded = tmp_path_factory.mktemp("subjects") / "demo.db"
    env = {"SUITCHECK_AUDIT_KEY": str(seeded.parent / "audit.key"), "SUITCHECK_LOG_DIR": str(seeded.parent / "log")}
    assert run("seed-demo", db=seeded, password=None, env=env).returncode == 0
    db = tmp_path / "store.db"
    shutil.copy(seeded, db)
    env["SUITCHECK_AUDIT_KEY"] = str(copy_keyring(seeded.parent / "audit.key", tmp_path / "key"))

    shown = run("policy", "subjects", "--json", "--user", "demo-advisor", db=db, env=env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert {"keyword": "科创50", "level": "R4"} in data["subjects"]

    table = tmp_path / "subjects.csv"
    table.write_text(OLDER, encoding="utf-8")
    refused = run("policy", "subjects", "--from", str(table), "--user", "demo-advisor", db=db, env=env)
    assert_clean_error(refused, 1)  # an advisor may not change policy

    stored = run("policy", "subjects", "--from", str(table), "--user", "demo-compliance", db=db, env=env)
    assert stored.returncode == 0, stored.stderr
    assert f"Stored policy version {data['version'] + 1}: 4 subject keywords" in stored.stdout
    assert "科创板  R4 中高风险" in stored.stdout
    assert "Reports already imported keep the subject level" in stored.stdout

    table.write_bytes("创业板,R4\n".encode("gbk"))  # Excel's CSV on a Chinese Windows
    gbk = run("policy", "subjects", "--from", str(table), "--user", "demo-compliance", db=db, env=env)
    assert gbk.returncode == 0, gbk.stderr
    assert "创业板  R4 中高风险" in gbk.stdout
    table.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    unreadable = run("policy", "subjects", "--from", str(table), "--user", "demo-compliance", db=db, env=env)
    assert_clean_error(unreadable, 2)
    assert "Cannot read the subject table subjects.csv: The file is binary data" in unreadable.stderr

    table.write_text("股票,R3\n期货,R5\n", encoding="utf-8")  # 创业板 was the only R4 keyword
    unlifted = run("policy", "subjects", "--from", str(table), "--user", "demo-compliance", db=db, env=env)
    assert unlifted.returncode == 0, unlifted.stderr
    assert "No keyword is left at R4 中高风险: no report is lifted to it by its subject" in unlifted.stdout

    back = run("policy", "subjects", "--default", "--json", "--user", "demo-compliance", db=db, env=env)
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["version"] == data["version"] + 4

    # A past version, as a decision stamped with it was decided under.
    past = run(
        "policy", "subjects", "--version", str(data["version"] + 1), "--json", "--user", "demo-advisor", db=db, env=env
    )
    assert past.returncode == 0, past.stderr
    assert json.loads(past.stdout)["subjects"] == [
        {"keyword": w, "level": lv} for w, lv in (("创业板", "R4"), ("科创板", "R4"), ("期货", "R5"), ("股票", "R3"))
    ]
    shown = run("policy", "show", "--version", "1", "--json", "--user", "demo-advisor", db=db, env=env)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["version"] == 1
    missing = run("policy", "show", "--version", "99", "--user", "demo-advisor", db=db, env=env)
    assert_clean_error(missing, 2)
    assert "There is no policy version 99." in missing.stderr


def test_a_past_version_is_read_as_stored_and_only_if_its_seal_holds(services: Services, compliance: Actor) -> None:
    from sqlalchemy import text

    from suitcheck.services.errors import ServiceError

    first = services.policy.current()
    services.policy.import_subjects(compliance, OLDER)
    assert services.policy.version(first.version) == first  # replay reads what decided then
    assert dict(services.policy.version(first.version + 1).subjects)["期货"] is RiskLevel.R5
    with pytest.raises(InvalidInput, match="There is no policy version 99."):
        services.policy.version(99)
    with services.store.engine.begin() as conn:  # an insider rewrites the old version's document
        conn.execute(
            text("UPDATE policy SET document = replace(document, :was, :now) WHERE version = :v"),
            {"was": '"validity_days": 730', "now": '"validity_days": 3650', "v": first.version},
        )
    with pytest.raises(ServiceError, match="was not written by suitcheck"):
        services.policy.version(first.version)
