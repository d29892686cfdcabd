"""The subject table attacked as a careless compliance officer and a hostile file would:
a keyword of one character, one inside another at a lower level, files as spreadsheets
save them (GBK, a BOM, UTF-16, Excel's quoting), two officers at once, and replay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import PolicyError, checked_subjects
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import Conflict, InvalidInput, PermissionDenied
from tests.conftest import staff
from tests.fixtures import pipe_written_late


@pytest.mark.parametrize("word", ["股", "债", "H", "５"])
def test_a_keyword_of_one_character_is_refused(word: str) -> None:
    # One character is in most reports' titles (股 in 股票, A股, 港股, 股份): as a keyword
    # it would lift half the reports to its level and bury compliance in findings.
    with pytest.raises(PolicyError, match="shorter than 2 characters"):
        checked_subjects([("创业板", "R4"), (word, "R4")])


def test_a_one_character_table_file_is_refused_and_nothing_stored(services: Services, compliance: Actor) -> None:
    version = services.policy.current().version
    with pytest.raises(InvalidInput, match="'股' is shorter than 2 characters"):
        services.policy.import_subjects(compliance, "创业板,R4\n股,R4\n")
    assert services.policy.current().version == version


def test_a_keyword_inside_another_at_a_higher_level_is_refused() -> None:
    # Every report naming 科创板 names 科创: the table would say 科创板 is R2 while every
    # report on it is matched at R4, the officer's intent silently overruled.
    with pytest.raises(PolicyError, match="'科创板' holds '科创'"):
        checked_subjects([("科创", "R4"), ("科创板", "R2")])
    with pytest.raises(PolicyError, match="'港股通' holds '港股'"):
        checked_subjects([("港股通", "中风险"), ("港股", "R4")])  # in either order
    # The longer one at the same or a higher level says what happens: kept.
    assert dict(checked_subjects([("科创", "R2"), ("科创板", "R4"), ("债券", "R2"), ("债券基金", "R2")]))
    # 創業板 folds to 创业板: the containment is read in the form reports are searched in.
    with pytest.raises(PolicyError, match="holds"):
        checked_subjects([("創業", "R4"), ("创业板指数", "R3")])


def test_the_built_in_table_has_no_keyword_inside_another_at_a_higher_level() -> None:
    from suitcheck.domain.policy import DEFAULT_SUBJECTS

    assert checked_subjects([(w, lv.code) for w, lv in DEFAULT_SUBJECTS]) == DEFAULT_SUBJECTS


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "subjects.csv"
    path.write_bytes(data)
    return path


TABLE = "关键词,风险等级\n创业板,中高风险\n期货,高风险\n股票,R3\n"
WANT = (("创业板", RiskLevel.R4), ("期货", RiskLevel.R5), ("股票", RiskLevel.R3))


@pytest.mark.parametrize(
    "data",
    [
        TABLE.encode("gbk"),  # Excel on a Chinese Windows: 'CSV (逗号分隔)' is saved in GBK
        TABLE.encode("utf-8-sig"),  # 'CSV UTF-8': with a BOM
        TABLE.replace(",", "\t").encode("utf-16"),  # 'Unicode text': UTF-16, tab-separated
        '"关键词","风险等级"\r\n"创业板","中高风险"\r\n"期货","高风险"\r\n"股票","R3"\r\n'.encode("gbk"),
    ],
    ids=["gbk", "bom", "utf-16", "quoted"],
)
def test_a_table_file_as_a_spreadsheet_saves_it_is_read(
    services: Services, compliance: Actor, tmp_path: Path, data: bytes
) -> None:
    rows = services.policy.subject_file_rows(_file(tmp_path, data))
    assert services.policy.set_subjects(compliance, rows).subjects == WANT


def test_a_table_file_that_is_not_text_is_refused_in_one_sentence(tmp_path: Path, services: Services) -> None:
    with pytest.raises(InvalidInput, match=r"Cannot read the subject table subjects\.csv: .*binary"):
        services.policy.subject_file_rows(_file(tmp_path, b"PK\x03\x04" + bytes(range(256)) * 4))
    with pytest.raises(InvalidInput, match="Cannot read the subject table"):
        services.policy.subject_file_rows(tmp_path / "missing.csv")


def test_a_table_stored_from_a_preview_another_officer_has_overtaken_is_refused(
    services: Services, compliance: Actor
) -> None:
    # Officer A loads a file and reads what it would add and remove; meanwhile officer B
    # stores a table adding 北证50. A's confirmation must not silently drop it.
    other = staff(services, Role.COMPLIANCE, "t-compliance-2")
    mine = [("创业板", "R4"), ("期货", "R5")]
    seen = services.policy.preview_subjects(compliance, mine)
    assert seen.based_on == services.policy.current().version
    theirs = services.policy.import_subjects(other, "创业板,R4\n期货,R5\n北证50,R4\n")
    with pytest.raises(Conflict, match=f"version {theirs.version} was stored since you looked at version"):
        services.policy.set_subjects(compliance, mine, based_on=seen.based_on)
    assert services.policy.current() == theirs
    # Looked at again, it shows the removal and is stored.
    again = services.policy.preview_subjects(compliance, mine)
    assert [(c.keyword, c.before, c.after) for c in again.changes] == [("北证50", RiskLevel.R4, None)]
    assert services.policy.set_subjects(compliance, mine, based_on=again.based_on).version == theirs.version + 1


def test_policy_settings_from_a_dialog_another_officer_has_overtaken_are_refused(
    services: Services, compliance: Actor
) -> None:
    other = staff(services, Role.COMPLIANCE, "t-compliance-2")
    seen = services.policy.current()
    services.policy.update(other, validity_days=365)
    # The dialog sends every field it shows: validity 730 as it was when it opened.
    with pytest.raises(Conflict, match="since you looked at version"):
        services.policy.update(compliance, based_on=seen.version, validity_days=730, allow_escalation=True)
    assert services.policy.current().validity_days == 365


def test_a_preview_says_what_the_table_would_change_and_what_it_leaves_unlifted(
    services: Services, compliance: Actor
) -> None:
    version = services.policy.current().version
    preview = services.policy.preview_subjects(compliance, [("股票", "R3"), ("债券", "R2"), ("创业板", "R3")])
    assert preview.table == (("股票", RiskLevel.R3), ("债券", RiskLevel.R2), ("创业板", RiskLevel.R3))
    assert ("创业板", RiskLevel.R4, RiskLevel.R3) in [(c.keyword, c.before, c.after) for c in preview.changes]
    assert ("期货", RiskLevel.R5, None) in [(c.keyword, c.before, c.after) for c in preview.changes]
    # No keyword is left at R4 or R5: no report would be lifted to them by its subject.
    assert preview.unlifted == (RiskLevel.R4, RiskLevel.R5)
    assert services.policy.current().version == version  # nothing stored
    with pytest.raises(InvalidInput, match="shorter than 2"):
        services.policy.preview_subjects(compliance, [("股", "R3")])
    with pytest.raises(InvalidInput, match="already has these subject keywords"):
        services.policy.preview_subjects(compliance, services.policy.default_subject_rows())
    with pytest.raises(PermissionDenied):
        services.policy.preview_subjects(staff(services, Role.ADVISOR), [("股票", "R3")])


def test_a_reports_subject_level_names_the_policy_version_whose_table_found_it(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """Replay: a decision is stamped with the policy version in force when it was made,
    but the report's subject level was found at import with the table then in force. The
    import's entry names that version, so a reviewer replays the level with its table."""
    import json

    from suitcheck.domain.policy import Policy
    from suitcheck.domain.subjects import suggest_level
    from tests.ingest.test_level_attack import _report

    older = services.policy.import_subjects(compliance, "创业板,R4\n期货,R5\n股票,R3\n")
    path = tmp_path / "r.txt"
    title = "科创50成份股季度调整点评"
    path.write_text(_report("本报告的风险等级为中风险。\n", title=title, kind="行业点评"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    newer = services.policy.default_subjects(compliance)  # 科创50 is R4 from now on
    entry = next(e for e in services.audit.browse(compliance, limit=50) if e.action == "report-imported")
    facts = json.loads(entry.facts)
    assert facts["policy_version"] == older.version != newer.version
    assert facts["suggested_level"] is None  # the older table knows no 科创50
    replayed = Policy.from_json(older.to_json())  # the version as the store keeps it
    assert suggest_level(title + " 行业点评", replayed) is None  # the older table: as recorded
    assert suggest_level(title + " 行业点评", newer) is RiskLevel.R4  # the newer would not be
    assert result.report is not None


def test_a_table_of_10000_rows_is_stored_and_previewed(services: Services, compliance: Actor, tmp_path: Path) -> None:
    """Held: a pasted-in word list of 10,000 keywords of up to 20 characters is checked
    (one inside another included) and stored in well under a second each."""
    text = "\n".join(f"关键词{i:05d}号的较长主题名称,R{1 + i % 5}" for i in range(10_000))
    rows = services.policy.subject_file_rows(_file(tmp_path, text.encode("gbk")))
    preview = services.policy.preview_subjects(compliance, rows)
    assert len(preview.table) == 10_000
    stored = services.policy.set_subjects(compliance, rows, based_on=preview.based_on)
    assert dict(services.policy.current().subjects) == dict(stored.subjects)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe is a POSIX file (Windows has none in a folder)")
def test_a_pipe_given_as_the_table_file_is_refused_unread(tmp_path: Path, sqlite_services: Services) -> None:
    """Was BROKE: `policy subjects --from PIPE` waited on the pipe for a writer for ever
    (here one comes after a while, so the test fails rather than hangs: the table read
    was then what the writer chose). Now refused at once, in one sentence, unread."""
    table = tmp_path / "subjects.csv"
    with pipe_written_late(table, "港股,R4\n".encode()), pytest.raises(InvalidInput) as refused:
        sqlite_services.policy.subject_file_rows(table)
    assert str(refused.value) == "Cannot read the subject table subjects.csv: it is not a regular file."
