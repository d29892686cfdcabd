"""Synthetic report texts (written for these tests) with tricky risk-level statements.

Each entry: (name, text, expected level code or None for unrated, states two levels).
Only the report's statement about itself counts; product levels, printed scales and
appendix definitions never do.
"""

from __future__ import annotations

HEADER = "示例证券股份有限公司\n{title}\n{kind}\n2025 年 6 月 3 日\n分析师：林晓（SAC 执业证书编号：S1230521020009）\n"

SCALE_DASHED = (
    "风险等级：低风险—宏观经济及政策、国债；中低风险—债券、货币市场基金；中风险—主板股票、可转债；"
    "中高风险—创业板、科创板、港股；高风险—期货、期权等衍生品。"
)
SCALE_TABLE = (
    "证券研究报告风险等级及适当性匹配关系\n"
    "低风险 宏观经济及政策、财经资讯、国债等方面的研究报告\n"
    "中低风险 债券、货币市场基金、债券基金等方面的研究报告\n"
    "中风险 主板股票及基金、可转债等方面的研究报告\n"
    "中高风险 创业板、科创板、新三板、港股等方面的研究报告\n"
    "高风险\n期货、期权等衍生品方面的研究报告\n"
)
MATCHING = (
    "投资者与研究报告的适当性匹配关系：“保守型”投资者仅适合使用“低风险”级别的研报，"
    "“稳健型”投资者仅适合使用风险级别不高于“中风险”的研报。\n"
)


def _report(title: str, kind: str, body: str) -> str:
    return HEADER.format(title=title, kind=kind) + body


CORPUS: list[tuple[str, str, str | None, bool]] = [
    (
        "futures-body-quotes-a-fund-level",
        _report(
            "螺纹钢期货：旺季需求回暖",
            "期货研究周报",
            "配置建议：某基金产品风险等级为中低风险，适合稳健资金。\n本报告的风险等级为高风险。\n",
        ),
        "R5",
        False,
    ),
    (
        "quoted-fund-level-only",
        _report("商品期货策略展望", "期货研究月报", "某基金产品风险等级为中低风险。产品风险等级：R2。\n"),
        None,
        False,
    ),
    (
        "options-scale-printed-before-own-statement",
        _report(
            "股指期权波动率交易策略",
            "期权专题报告",
            SCALE_DASHED + "\n本报告风险等级：高风险\n正文：波动率曲面陡峭。\n",
        ),
        "R5",
        False,
    ),
    (
        "scale-printed-after-own-statement",
        _report("利率债配置窗口期", "固收点评", "本报告的风险等级为中低风险。\n" + SCALE_DASHED + "\n"),
        "R2",
        False,
    ),
    (
        "appendix-definitions-only",
        _report("宏观经济月度观察", "宏观研究", "经济延续修复。\n" + SCALE_TABLE + MATCHING),
        None,
        False,
    ),
    (
        "appendix-definitions-and-own-statement",
        _report("银行业息差企稳", "行业点评", "本报告的风险等级为中风险。\n免责声明。\n" + SCALE_TABLE + MATCHING),
        "R3",
        False,
    ),
    (
        "two-different-self-statements",
        _report("港股互联网平台回购提速", "公司深度", "本报告的风险等级为中风险。\n……\n本报告风险等级：中高风险\n"),
        None,
        True,
    ),
    (
        "same-statement-repeated-in-footer",
        _report("创业板半导体设备", "行业深度", "本报告的风险等级为中高风险。\n末页：本报告的风险等级为中高风险。\n"),
        "R4",
        False,
    ),
    (
        "letter-spaced-statement",
        _report("科创板医疗器械跟踪", "行业周报", "本 报 告 的 风 险 等 级 为 中 高 风 险 。\n"),
        "R4",
        False,
    ),
    (
        "full-width-colon-and-quotes",
        _report("可转债市场周观察", "固收周报", "本报告风险等级：“中风险”。\n"),
        "R3",
        False,
    ),
    (
        "ascii-quotes-and-trailing-deng",
        _report("主板消费龙头估值修复", "策略报告", '本报告风险等级为"中风险"等\n'),
        "R3",
        False,
    ),
    (
        "line-breaks-inside-the-sentence",
        _report("国债期限利差展望", "宏观点评", "本报告的风险等\n级为中低风\n险。后续关注政策。\n"),
        "R2",
        False,
    ),
    (
        "level-with-code-in-full-width-parentheses",
        _report("北交所专精特新精选", "行业专题", "本报告风险等级为中高风险（R4）。\n"),
        "R4",
        False,
    ),
    (
        "full-width-letter-code",
        _report("原油期权隐含波动率", "期权日报", "本报告风险等级：Ｒ５\n"),
        "R5",
        False,
    ),
    (
        "code-and-word-disagree",
        _report("港股科技指数跟踪", "策略周报", "本报告风险等级为R3（中高风险）。\n"),
        None,
        True,
    ),
    (
        "research-report-spelling",
        _report("财经资讯早班车", "晨会纪要", "本研究报告的风险等级为低风险。\n"),
        "R1",
        False,
    ),
    (
        "this-report-mentions-a-product-level",
        _report("理财产品月报", "固收专题", "本报告提及的理财产品风险等级为低风险，本报告不构成推荐。\n"),
        None,
        False,
    ),
    (
        "level-word-starting-a-longer-phrase",
        _report("投资者教育专题", "专题研究", "本报告为低风险偏好投资者梳理国债配置方法。\n"),
        None,
        False,
    ),
    (
        "statement-without-this-report",
        _report("主板红利策略", "策略报告", "风险等级为中风险。\n"),
        None,
        False,
    ),
    (
        "belongs-to-level-spelling",
        _report("新三板挂牌企业观察", "行业专题", "本报告属于中高风险等级。\n"),
        "R4",
        False,
    ),
]
