"""The synthetic demo data set: invented staff, clients and reports covering every rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from stdnum.cn import ric

from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services.context import Actor

if TYPE_CHECKING:
    from suitcheck.services import Services

DEMO_PASSWORD = "demo"
DEMO_STAFF = (
    ("demo-advisor", "演示顾问 Demo Advisor", Role.ADVISOR),
    ("demo-compliance", "演示合规 Demo Compliance", Role.COMPLIANCE),
    ("demo-admin", "演示管理员 Demo Admin", Role.ADMIN),
)
# The head office (HQ, made by the store itself) and two more branches, each with its own
# advisor, so the demo shows that a branch sees only its own clients; demo-advisor works
# at head office, demo-compliance and demo-admin are firm-wide.
DEMO_BRANCHES = (
    ("SH01", "上海浦东营业部", "上海"),
    ("SZ01", "深圳福田营业部", "深圳"),
)
DEMO_BRANCH_STAFF = (
    ("demo-advisor-sh", "演示顾问（浦东） Demo Advisor SH01", Role.ADVISOR, "SH01"),
    ("demo-advisor-sz", "演示顾问（福田） Demo Advisor SZ01", Role.ADVISOR, "SZ01"),
)


def make_id_number(area: str, born: dt.date, sequence: int) -> str:
    """A syntactically valid resident ID number (check character computed), for test data."""
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # it expects a placeholder check character


@dataclasses.dataclass(frozen=True)
class DemoClient:
    account: str
    name: str
    born: dt.date
    investor_class: InvestorClass
    profile: RiskProfile | None
    assessed_days_ago: int | None
    lowest_category: bool = False


def demo_branch_clients(today: dt.date) -> list[tuple[str, DemoClient]]:
    """Clients of the two demo branches besides head office: (branch code, client)."""
    y, o = today.year, InvestorClass.ORDINARY
    return [
        ("SH01", DemoClient("881001", "许文静", dt.date(y - 36, 10, 3), o, RiskProfile.C3, 70)),
        ("SH01", DemoClient("881002", "马国栋", dt.date(y - 61, 4, 27), o, RiskProfile.C4, 150)),
        ("SZ01", DemoClient("882001", "邓子豪", dt.date(y - 27, 2, 9), o, RiskProfile.C5, 20)),
        ("SZ01", DemoClient("882002", "梁慧敏", dt.date(y - 44, 8, 15), o, RiskProfile.C2, 710)),  # expiring soon
    ]


def demo_clients(today: dt.date) -> list[DemoClient]:
    y = today.year
    o, p, a = InvestorClass.ORDINARY, InvestorClass.PROFESSIONAL, InvestorClass.PROFESSIONAL_AS_ORDINARY
    return [
        DemoClient("880001", "林晓梅", dt.date(y - 34, 3, 12), o, RiskProfile.C1, 120),
        DemoClient("880002", "周建国", dt.date(y - 45, 7, 2), o, RiskProfile.C2, 300),
        DemoClient("880003", "陈思远", dt.date(y - 29, 11, 23), o, RiskProfile.C3, 40),
        DemoClient("880004", "王海峰", dt.date(y - 38, 1, 8), o, RiskProfile.C4, 200),
        DemoClient("880005", "赵一鸣", dt.date(y - 31, 5, 30), o, RiskProfile.C5, 90),
        DemoClient("880006", "孙丽华", dt.date(y - 52, 9, 14), o, RiskProfile.C4, 800),  # expired
        DemoClient("880007", "吴志强", dt.date(y - 47, 2, 19), o, RiskProfile.C3, 715),  # expiring soon
        DemoClient("880008", "郑小雨", dt.date(y - 23, 6, 6), o, None, None),  # never assessed
        DemoClient("880009", "刘桂英", dt.date(y - 76, 4, 1), o, RiskProfile.C3, 60),  # special attention
        DemoClient("880010", "黄明", dt.date(y - 41, 12, 12), o, RiskProfile.C1, 30, lowest_category=True),
        DemoClient("880011", "华信资产管理有限公司", dt.date(y - 40, 1, 1), p, None, None),
        DemoClient("880012", "钱东来", dt.date(y - 58, 8, 18), a, RiskProfile.C2, 100),
    ]


@dataclasses.dataclass(frozen=True)
class DemoReport:
    file_name: str
    title: str
    report_type: str
    level_sentence: str | None
    rating: str
    subject: str


DEMO_REPORTS = (
    DemoReport("macro-weekly.txt", "稳增长政策持续发力，四季度经济有望企稳", "宏观经济周报", "低风险", "", "宏观经济"),
    DemoReport("bond-monthly.txt", "利率债配置窗口期，信用债关注中短久期", "债券市场月报", "中低风险", "", "债券"),
    DemoReport(
        "bank-industry.txt",
        "银行业息差企稳，主板龙头估值修复可期",
        "银行行业点评",
        "中风险",
        "标配（维持）",
        "主板股票",
    ),
    DemoReport(
        "chinext-tech.txt",
        "创业板半导体设备：国产替代进入加速期",
        "电子行业深度报告",
        "中高风险",
        "超配（首次）",
        "创业板",
    ),
    DemoReport(
        "futures-strategy.txt", "商品期货与期权：波动率交易策略展望", "衍生品策略报告", "高风险", "", "期货期权"
    ),
    DemoReport(
        "unrated-ai.txt", "人工智能芯片产业链跟踪：算力需求再上台阶", "计算机行业跟踪", None, "超配（维持）", "行业"
    ),
    DemoReport(
        "hk-internet.txt", "港股互联网平台：回购提速与估值重估", "港股公司点评", "中风险", "买入（维持）", "港股"
    ),
)


def synthetic_report_text(
    r: DemoReport,
    published: dt.date,
    analysts: tuple[tuple[str, str], ...],
    publisher: str = "示例证券",
    body_paragraphs: int = 3,
) -> str:
    """An invented report laid out the way brokers print them (see domain.md)."""
    lines = [
        r.rating,
        "",
        r.title,
        "",
        r.report_type,
        "",
        f"{published.year} 年 {published.month} 月 {published.day} 日",
        "",
    ]
    for i, (name, sac) in enumerate(analysts):
        lines += [
            f"分析师：{name}（SAC 执业证书编号：{sac}）",
            f"电话：021-6000{i:04d} 邮箱：analyst{i}@example.com",
            "",
        ]
    lines += ["投资要点：", ""]
    for n in range(body_paragraphs):
        lines.append(
            f"- 本段为演示用合成文字（第 {n + 1} 段），讨论{r.subject}相关的基本面、估值与风险因素，"
            "不构成任何投资建议。AI 与芯片等关键词用于演示检索功能。"
        )
    lines.append("")
    if r.level_sentence:
        lines.append(f"本报告的风险等级为{r.level_sentence}。")
    lines += [
        "",
        "风险提示：宏观经济波动风险；政策变化风险；市场竞争加剧风险。",
        "",
        f"{publisher}研究报告评级体系（演示）",
        "",
        f"{publisher}股份有限公司研究所",
    ]
    return "\n".join(lines) + "\n"


def seed_demo(services: Services, admin: Actor | None = None) -> dict[str, int]:
    """Create demo staff, clients (with assessments) and reports (through the real import).

    Only into a store without staff, which becomes a demo store, or into a demo store
    (what is missing is added; an administrator must be logged in). A store with real
    staff is refused: the demo accounts' password is public.
    """
    today = services.ctx.today()
    accounts = [(username, DEMO_PASSWORD, role, display) for username, display, role in DEMO_STAFF]
    services.auth.create_demo_staff(accounts, admin)
    demo_admin = services.auth.login("demo-admin", DEMO_PASSWORD)
    known = {b.code for b in services.branches.list_branches(demo_admin)}
    for code, name, region in DEMO_BRANCHES:
        if code not in known:
            services.branches.add(demo_admin, code, name, region)
    services.auth.create_demo_staff(
        [(username, DEMO_PASSWORD, role, display, code) for username, display, role, code in DEMO_BRANCH_STAFF],
        demo_admin,
    )
    compliance = services.auth.login("demo-compliance", DEMO_PASSWORD)
    everyone = [(None, c) for c in demo_clients(today)] + list(demo_branch_clients(today))
    for i, (branch, c) in enumerate(everyone):
        if any(v.account == c.account for v in services.investors.search(compliance, c.account, limit=5)):
            continue  # a demo store seeded before
        assessed = today - dt.timedelta(days=c.assessed_days_ago) if c.assessed_days_ago is not None else None
        id_number = (
            None if c.investor_class is InvestorClass.PROFESSIONAL else make_id_number("110105", c.born, 100 + i)
        )
        services.investors.add(
            compliance,
            account=c.account,
            name=c.name,
            id_number=id_number,
            investor_class=c.investor_class,
            profile=c.profile,
            assessed_on=assessed,
            lowest_category=c.lowest_category,
            branch=branch,
        )
    analysts = (("张明远", "S0000521020001"), ("李若溪", "S0000524100002"))
    with tempfile.TemporaryDirectory(prefix="suitcheck-demo-") as folder:
        for n, r in enumerate(DEMO_REPORTS):
            text = synthetic_report_text(r, today - dt.timedelta(days=3 + 5 * n), analysts[: 1 + n % 2])
            Path(folder, r.file_name).write_text(text, encoding="utf-8")
        results = services.reports.import_paths(compliance, [Path(folder)])
    return {
        "staff": len(DEMO_STAFF) + len(DEMO_BRANCH_STAFF),
        "clients": len(everyone),
        "branches": 1 + len(DEMO_BRANCHES),
        "reports": len(results),
    }
