"""The subject table attacked as a careless compliance officer and a hostile file would:
a keyword of one character, one inside another at a lower level, files as spreadsheets
save them (GBK, a BOM, UTF-16, Excel's quoting), two officers at once, and replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import PolicyError, checked_subjects
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput


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
