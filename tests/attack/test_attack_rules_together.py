"""The rulebook attacked end to end, rules together, through the real import and check
(written for these tests): can a client receive a report above what the rulebook allows, or
the clerk be shown a wrong reason?"""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Role
from suitcheck.domain.subjects import suggest_level
from suitcheck.ingest.metadata import extract_metadata
from suitcheck.services import Services
from tests.conftest import add_client, staff

# -- 就高: a masthead that names the series and the report type on one line ------------

# Brokers print the masthead and the report type on one line, joined by a middle dot, a bar,
# a slash, a dash or a space ("证券研究报告·公司点评"). That line was taken for the title,
# so the real title under it ("港股公司美团：…") was never read for the subject: a Hong Kong
# stock report declared 中风险 was matched at R3, with no finding, and reached a C3 client.
MASTHEADS = [
    "证券研究报告·公司点评",
    "证券研究报告 | 公司点评",
    "证券研究报告｜公司点评",
    "证券研究报告/公司点评",
    "证券研究报告 公司点评",
    "证券研究报告——公司深度",
    "公司研究·公司点评",
    "行业研究 | 行业周报",
    # ... or with the date ("证券研究报告 | 2026年6月1日").
    "证券研究报告 | 2026年6月1日",
    "证券研究报告·公司点评 | 2026 年 6 月 1 日",
    "2026-06-01 | 证券研究报告",
    "公司点评 | 报告日期：2026年6月1日",
]
HK_TITLE = "港股公司美团：外卖竞争缓和，利润率回升"


def _hk_report(masthead: str) -> str:
    return (
        f"示例证券股份有限公司\n{masthead}\n2026年6月1日\n{HK_TITLE}\n"
        "分析师：林晓（SAC 执业证书编号：S1230521020009）\n"
        "投资要点：\n公司发布一季报，收入同比增长。\n免责声明\n本报告的风险等级为中风险。\n"
    )


@pytest.mark.parametrize("masthead", MASTHEADS)
def test_a_masthead_with_the_report_type_is_not_the_title(masthead: str) -> None:
    found = extract_metadata(_hk_report(masthead))
    assert found.title == HK_TITLE


# The series a masthead names lifts the report when its title names no market: "港股研究"
# above "美团：…", "期货研究" above "铜：…". A masthead line alone was never read for the
# subject (a futures report declared 中风险 was matched at R3); one printed with the report
# type was, as the title, and still is beside the real title.
SERIES = [
    ("港股研究 | 公司点评", "美团：外卖竞争缓和，利润率回升", RiskLevel.R4),
    ("港股研究", "美团：外卖竞争缓和，利润率回升", RiskLevel.R4),
    ("新三板研究", "挂牌公司定增跟踪：融资规模回升", RiskLevel.R4),
    ("期货研究", "铜：库存去化，价格中枢上移", RiskLevel.R5),
    ("衍生品研究·专题报告", "波动率曲面：近月隐含波动率回落", RiskLevel.R5),
    # Printed with the report type, it counts in full, as when it was read as the title.
    ("固收研究 | 信用周报", "城投净融资转负，利差收窄", RiskLevel.R2),
]


@pytest.mark.parametrize(("masthead", "title", "level"), SERIES)
def test_the_series_a_masthead_names_counts_for_the_subject(masthead: str, title: str, level: RiskLevel) -> None:
    found = extract_metadata(_hk_report(masthead).replace(HK_TITLE, title))
    assert found.title == title
    assert suggest_level(found.subject_text, Policy(), found.body_text, found.masthead) is level


@pytest.mark.parametrize("masthead", ["公司研究", "行业研究", "证券研究报告"])
def test_a_series_of_every_level_lifts_nothing(masthead: str) -> None:
    """公司研究 and 行业研究 head bond and macro reports too: only a series above the main
    board lifts a report (a bond report under them is matched at its own level)."""
    found = extract_metadata(_hk_report(masthead).replace(HK_TITLE, "国债收益率曲线：短端下行"))
    assert suggest_level(found.subject_text, Policy(), found.body_text, found.masthead) is RiskLevel.R1


@pytest.mark.parametrize("title", ["港股策略｜年度展望：估值修复之年", "创业板 · 半导体设备国产替代加速"])
def test_a_title_with_a_separator_stays_the_title(title: str) -> None:
    found = extract_metadata(_hk_report("证券研究报告").replace(HK_TITLE, title))
    assert found.title == title


@pytest.mark.parametrize(
    ("masthead", "title", "level"),
    [("证券研究报告·公司点评", HK_TITLE, RiskLevel.R4), ("期货研究", "铜：库存去化，价格中枢上移", RiskLevel.R5)],
)
def test_such_a_report_is_matched_at_its_subject_by_check_and_list(
    sqlite_services: Services, tmp_path: Path, masthead: str, title: str, level: RiskLevel
) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "report.txt"
    path.write_text(_hk_report(masthead).replace(HK_TITLE, title), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    client = add_client(services, compliance, "700001", RiskProfile.C3)
    checked = services.access.check(compliance, client, result.report)
    assert checked.decision.outcome is Outcome.BLOCK
    assert checked.decision.level is level
    assert Reason.LEVEL_RAISED_TO_SUBJECT in checked.decision.reasons
    assert client not in [v.id for v in services.access.eligible(compliance, result.report)]


# -- the same statement repeated: a page footer with its page number ------------------

# A footer that states the level on every page, its page number after it on the same line
# ("本报告风险等级：中风险 第1页"): the statement was not read (the level must end its line)
# and each footer was taken for a statement that cannot be read, so every such report came
# in unrated, "nobody may read it" until compliance rated it by hand. One statement repeated
# is the report's level (the rulebook: not two different statements).
FOOTERS = [
    "请务必阅读正文之后的免责声明 本报告风险等级：中风险 第{page}页",
    "本报告的风险等级为中风险    {page}/3",
    "本报告风险等级：中风险 第 {page} 页 共 3 页",
    "本报告风险等级：中风险 - {page} -",
    "本报告风险等级：中风险 Page {page} of 3",
]


def _paged(footer: str, last: str = "") -> str:
    pages = [
        _hk_report("证券研究报告").split("免责声明")[0] + "公司收入增长。",
        "利润率回升，竞争缓和。",
        "免责声明\n本报告的风险等级为中风险。" + last,
    ]
    return "\f".join(f"{body}\n{footer.format(page=n)}\n" for n, body in enumerate(pages, start=1))


@pytest.mark.parametrize("footer", FOOTERS)
def test_a_footer_stating_the_level_before_its_page_number_is_the_level(footer: str) -> None:
    found = extract_metadata(_paged(footer))
    assert found.unclear_level_statements == ()
    assert found.stated_level is RiskLevel.R3


@pytest.mark.parametrize(
    "other",
    [
        "本报告风险等级：中高风险 第1页",
        "本报告风险等级：中风险 第1页 港股部分为中高风险",
        "本报告风险等级：中风险 第一页",
        "本报告风险等级：中风险 4/5",
    ],
)
def test_a_footer_saying_more_than_the_page_is_still_not_read_as_the_level(other: str) -> None:
    """Another level in a footer, or more words after the level than a page number: the
    report stays unrated, as before."""
    found = extract_metadata(_paged("本报告风险等级：中风险 第{page}页", last="\n" + other))
    assert found.stated_level is None


# -- the shipped subject table: unlisted companies and NEEQ by their common names -----


# The rulebook puts unlisted companies and NEEQ at R4; the shipped table knew them only as
# 非上市 and 新三板/精选层, so a report on "未上市企业" or on "全国股转" companies declared
# 中风险 was matched at R3 with no finding. A drug "尚未上市" (not yet launched) is no
# unlisted company.
@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("未上市企业股权投资跟踪：估值回落", RiskLevel.R4),
        ("未上市公司估值方法专题", RiskLevel.R4),
        ("未上市股权转让市场月报", RiskLevel.R4),
        ("全国股转公司发布分层新规", RiskLevel.R4),
        ("股转系统挂牌企业融资回顾", RiskLevel.R4),
        ("医药公司：核心新药尚未上市，估值回落", RiskLevel.R3),
    ],
)
def test_unlisted_and_neeq_subjects_by_their_common_names(title: str, level: RiskLevel) -> None:
    found = extract_metadata(_hk_report("证券研究报告").replace(HK_TITLE, title))
    assert found.title == title
    assert suggest_level(found.subject_text, Policy(), found.body_text, found.masthead) is level


# -- a corrected title, then a re-read of the file ---------------------------------------


# Compliance corrected a misread title to name the Hong Kong stock: the report was matched
# at R4 at once (never lower, the correction promises). `report reread` (after any change
# of the subject table) read the file's own title again, found R3, listed "subject R4 ->
# R3; matched R4 -> R3" and stored it with --apply: the C3 client got the report again.
def test_a_reread_does_not_undo_a_title_corrected_to_a_higher_subject(
    sqlite_services: Services, tmp_path: Path
) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "report.txt"
    path.write_text(_hk_report("证券研究报告").replace(HK_TITLE, "平台公司：外卖竞争缓和"), encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    report = result.report
    assert report is not None, result
    client = add_client(services, compliance, "700002", RiskProfile.C3)
    assert services.access.check(compliance, client, report).decision.allowed
    services.reports.correct(compliance, report, "title", "港股公司美团：外卖竞争缓和", "标题抽取有误")
    assert services.access.check(compliance, client, report).decision.level is RiskLevel.R4

    preview = services.reread.preview(compliance)
    assert [c for c in preview.changes if c.report == report and c.lowers] == []
    services.reread.apply(compliance, preview)
    checked = services.access.check(compliance, client, report)
    assert checked.decision.level is RiskLevel.R4
    assert not checked.decision.allowed


def test_a_report_titled_by_its_file_name_is_read_alike_by_import_and_reread(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """A file with no title in its text is shown under its file name; that name is its
    title for the subject at import as at a re-read (which reads the stored title)."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    path = tmp_path / "港股周报20260601.txt"
    text = "投资要点：\n公司发布一季报，收入同比增长。\n免责声明\n本报告的风险等级为中风险。\n"
    path.write_text(text, encoding="utf-8")
    (result,) = services.reports.import_paths(compliance, [path])
    assert result.report is not None, result
    view = services.reports.get(compliance, result.report)
    assert (view.title, view.suggested_level) == ("港股周报20260601", RiskLevel.R4)
    assert [c for c in services.reread.preview(compliance).changes if c.report == result.report] == []
