"""The half-yearly self-inspection report as a PDF: its figures, tables and charts.

reportlab draws it: platypus for the flowing text and tables, reportlab.graphics for the
charts (vector, no image library), and a TrueType CJK font embedded as a per-document
subset, so the Chinese text shows and can be copied and searched on any machine. The
built-in CID font STSong-Light would not be embedded: a reader without Adobe's Asian font
pack (most Windows desktops) substitutes or shows nothing, and a filed document must not
depend on the viewer. The figures come in as plain data; this module only lays them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
import unicodedata
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from suitcheck.domain.calendar import FIRM_ZONE_NAME, firm_time, stamp_in_firm_time
from suitcheck.domain.text import char_code

FONT = "SuitcheckCJK"
LATIN = "Helvetica"  # the CJK font has no Latin glyphs; a standard-14 font every reader has
FONT_RESOURCE = "fonts/DroidSansFallback-GBK-subset.ttf"
MAX_LISTED = 200  # rows of a listing table; the total is always stated
# A table row cannot continue on the next page: a cell holds at most this many lines of its
# column (a character is at most as wide as the cell's font size), the rest cut and said.
# A text of the trail (a 双录 reference pasted 3,000 characters long) made every report of
# its period fail.
CELL_LINES = 40
CELL_FONT_SIZE = 8.5
CELL_PADDING = 12  # points, left and right together (reportlab's default)

REASON_ZH = {
    "profile-below-level": "报告风险等级高于客户风险承受能力",
    "report-unrated": "报告未评级",
    "assessment-missing": "客户未做风险测评",
    "assessment-expired": "风险测评已过期",
    "assessment-future-dated": "测评日期在未来",
    "lowest-category": "风险承受能力最低类别",
    "reassessment-due": "客户情况变化，需重新测评",
    "warning-and-confirmation-required": "需特别风险警示及客户确认",
    "profile-covers-level": "风险承受能力覆盖报告等级",
    "professional-investor": "专业投资者",
    "assessment-expiring-soon": "风险测评即将到期",
    "special-attention-age": "高龄客户特别关注",
    "special-attention": "特别关注客户",
}
REASON_SHORT = {
    "profile-below-level": "等级高于承受能力",
    "report-unrated": "报告未评级",
    "assessment-missing": "未测评",
    "assessment-expired": "测评过期",
    "assessment-future-dated": "测评日期在未来",
    "lowest-category": "最低类别",
    "reassessment-due": "需重新测评",
}
OUTCOME_ZH = {"allow": "允许 allow", "block": "拒绝 block", "allow-after-warning": "警示后允许 after warning"}
PROFILE_ZH = {"C1": "C1 保守型", "C2": "C2 谨慎型", "C3": "C3 稳健型", "C4": "C4 积极型", "C5": "C5 激进型"}


@dataclasses.dataclass(frozen=True)
class OverrideRow:
    seq: int
    at: str
    staff: str
    client: str  # the client's account
    report_id: int | None
    warning_version: str | None
    recording_ref: str | None


@dataclasses.dataclass(frozen=True)
class FindingRow:
    report_id: int
    title: str
    level: str | None
    codes: str
    count: int


@dataclasses.dataclass(frozen=True)
class InspectionData:
    """Every figure the report prints, computed over [period_from, period_to]: the firm's
    days (Beijing time, domain.calendar)."""

    period_from: dt.date
    period_to: dt.date
    generated_at: dt.datetime
    generated_by: str
    policy_version: int
    questionnaire_version: int
    decisions: Mapping[str, int]  # outcome -> checks
    blocks_by_reason: Mapping[str, int]  # reason code -> blocked checks giving it
    expired_checks: Mapping[str, int]  # outcome -> checks made on an expired assessment
    overrides: Sequence[OverrideRow]  # at most MAX_LISTED
    overrides_total: int
    overrides_by_warning: Mapping[str, int]
    open_findings: Sequence[FindingRow]  # at most MAX_LISTED
    open_findings_total: int
    assessments_by_profile: Mapping[str, int]
    assessments_questionnaire: int
    assessments_recorded: int
    assessments_lowest: int
    expiring_by_month: Sequence[tuple[str, int]]  # "YYYY-MM" -> current assessments expiring
    verification: Mapping[str, Any]  # the verify service's result, as it reports itself
    verification_ok: bool | None
    # The newest audit entry the figures' snapshot held: entries recorded while the report
    # was made (in a period ending today) are not counted, and this says so.
    as_of: int | None = None
    # Client and report records compliance sealed again after they were changed outside
    # suitcheck (`audit settle`), recorded in the period.
    records_settled: int = 0
    # The firm's day of the trail's first entry (None: no entry): a period before it holds
    # no records, and its zeros say nothing about what was done then, which the report says.
    trail_from: dt.date | None = None
    # The policy versions in force in the period (the one when it began and those stored in
    # it, from the trail): `policy_version` is the one current when the report was made.
    policy_versions: Sequence[int] = ()

    @property
    def decisions_total(self) -> int:
        return sum(self.decisions.values())


@functools.cache
def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    data = resources.files("suitcheck.resources").joinpath(FONT_RESOURCE).read_bytes()
    pdfmetrics.registerFont(TTFont(FONT, io.BytesIO(data)))


def render(data: InspectionData) -> bytes:
    """The PDF as bytes (the caller writes it atomically and hashes it)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=4)
    subtitle = ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, textColor=colors.HexColor("#444444"))
    h2 = ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4)
    cell = ParagraphStyle("cell", parent=base, fontSize=CELL_FONT_SIZE, leading=11)
    note = ParagraphStyle("note", parent=base, fontSize=8.5, textColor=colors.HexColor("#555555"))

    def table(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Table:
        body = [[Paragraph(_mixed(_fitting(c, w)), cell) for c, w in zip(row, widths, strict=True)] for row in rows]
        t = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    story: list[Any] = [
        Paragraph(_mixed("投资者适当性管理自查报告"), title),
        Paragraph(_mixed("Investor-suitability self-inspection report"), subtitle),
        Spacer(1, 3 * mm),
        table(
            [
                ["项目 Item", "内容 Value"],
                [
                    f"检查期间 Period (北京时间 Beijing time, {FIRM_ZONE_NAME})",
                    f"{data.period_from.isoformat()} — {data.period_to.isoformat()}",
                ],
                ["生成时间 Generated", firm_time(data.generated_at).strftime(f"%Y-%m-%d %H:%M:%S {FIRM_ZONE_NAME}")],
                ["生成人 Generated by", data.generated_by],
                *(
                    [["期间内适用的政策版本 Policy versions in force in the period", _versions(data.policy_versions)]]
                    if data.policy_versions
                    else []
                ),
                ["现行适当性政策版本 Policy version now", str(data.policy_version)],
                ["风险测评问卷版本 Questionnaire version", str(data.questionnaire_version)],
                *(
                    []
                    if data.as_of is None
                    else [["统计截至审计记录 Figures as of audit entry", f"第 {data.as_of} 条 entry {data.as_of}"]]
                ),
                [
                    "审计记录始于 Audit trail begins",
                    data.trail_from.isoformat() if data.trail_from else "（无记录 no entries）",
                ],
            ],
            [60 * mm, 110 * mm],
        ),
    ]
    if data.trail_from is None or data.period_to < data.trail_from:
        story.append(
            Paragraph(
                _mixed(
                    "本期间早于审计记录开始：以下数字不反映该期间的任何活动。 The period ends before the audit trail "
                    "begins: the figures below hold nothing of what was done in it."
                ),
                base,
            )
        )
    elif data.period_from < data.trail_from:
        story.append(
            Paragraph(
                _mixed(
                    f"审计记录始于期间之内：{data.trail_from.isoformat()} 之前的日期没有记录。 The audit trail begins "
                    f"within the period: the days before {data.trail_from.isoformat()} hold no records."
                ),
                base,
            )
        )

    # 1. decisions
    outcomes = ["allow", "block", "allow-after-warning"]
    outcomes += sorted(k for k in data.decisions if k not in outcomes)
    story += [
        Paragraph(_mixed("一、适当性匹配决策（按结果） Decisions by outcome"), h2),
        table(
            [["结果 Outcome", "次数 Count"]]
            + [[OUTCOME_ZH.get(o, o), str(data.decisions.get(o, 0))] for o in outcomes]
            + [["合计 Total", str(data.decisions_total)]],
            [90 * mm, 40 * mm],
        ),
        _bar_chart([(OUTCOME_ZH.get(o, o).split()[0], data.decisions.get(o, 0)) for o in outcomes]),
    ]

    # 2. blocks by reason
    reasons = sorted(data.blocks_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    story += [
        Paragraph(_mixed("二、拒绝原因统计 Blocks by reason"), h2),
        Paragraph(_mixed("一次拒绝可有多个原因 (a block may give several reasons)."), note),
        table(
            [["原因 Reason", "代码 Code", "次数 Count"]]
            + [[REASON_ZH.get(code, code), code, str(n)] for code, n in reasons]
            + ([] if reasons else [["无 none", "", "0"]]),
            [75 * mm, 60 * mm, 25 * mm],
        ),
    ]
    if reasons:
        story.append(_bar_chart([(REASON_SHORT.get(c, c), n) for c, n in reasons], horizontal=True))

    # 3. overrides
    story += [
        Paragraph(_mixed("三、特别风险警示后提供（客户坚持） Overrides after the special warning"), h2),
        Paragraph(
            _mixed(
                f"共 {data.overrides_total} 次 (total)；按警示版本 by warning version: "
                + (", ".join(f"{v}: {n}" for v, n in sorted(data.overrides_by_warning.items())) or "—")
            ),
            base,
        ),
    ]
    if data.overrides:
        story.append(
            table(
                [
                    [
                        "审计序号 Seq",
                        f"时间 Time ({FIRM_ZONE_NAME})",
                        "员工 Staff",
                        "客户 Client",
                        "报告 Report",
                        "警示版本",
                        "双录编号 Recording",
                    ]
                ]
                + [
                    [
                        str(o.seq),
                        stamp_in_firm_time(o.at),
                        o.staff,
                        o.client,
                        str(o.report_id or ""),
                        o.warning_version or "",
                        o.recording_ref or "（无 none）",
                    ]
                    for o in data.overrides
                ],
                [18 * mm, 30 * mm, 25 * mm, 18 * mm, 18 * mm, 20 * mm, 41 * mm],
            )
        )
        if data.overrides_total > len(data.overrides):
            story.append(
                Paragraph(_mixed(f"仅列出前 {len(data.overrides)} 条 (first {len(data.overrides)} listed)."), note)
            )

    # 4. checks on expired assessments
    expired_total = sum(data.expired_checks.values())
    story += [
        Paragraph(_mixed("四、风险测评过期时的查询 Checks made on expired assessments"), h2),
        table(
            [["结果 Outcome", "次数 Count"]]
            + [[OUTCOME_ZH.get(o, o), str(n)] for o, n in sorted(data.expired_checks.items())]
            + [["合计 Total", str(expired_total)]],
            [90 * mm, 40 * mm],
        ),
    ]

    # 5. reports with open findings
    story += [
        Paragraph(_mixed("五、存在未关闭合规发现的报告 Reports with open findings"), h2),
        Paragraph(_mixed(f"共 {data.open_findings_total} 份 (reports, as of generation)."), base),
    ]
    if data.open_findings:
        story.append(
            table(
                [["报告 Report", "标题 Title", "等级 Level", "发现 Findings", "数量 Count"]]
                + [[str(f.report_id), f.title, f.level or "未评级", f.codes, str(f.count)] for f in data.open_findings],
                [20 * mm, 72 * mm, 20 * mm, 40 * mm, 18 * mm],
            )
        )
        if data.open_findings_total > len(data.open_findings):
            story.append(Paragraph(_mixed(f"仅列出前 {len(data.open_findings)} 份."), note))
    story.append(
        Paragraph(
            _mixed(
                f"经合规确认的外部修改记录 Records changed outside suitcheck and settled by compliance: "
                f"共 {data.records_settled} 条 (each a record-settled entry of the audit export)."
            ),
            base,
        )
    )

    # 6. assessments by profile
    profiles = [(p, data.assessments_by_profile.get(p, 0)) for p in PROFILE_ZH]
    story += [
        Paragraph(_mixed("六、期间内风险测评（按风险承受能力） Assessments by profile"), h2),
        table(
            [["类型 Profile", "次数 Count"]]
            + [[PROFILE_ZH[p], str(n)] for p, n in profiles]
            + [
                ["合计 Total", str(sum(n for _, n in profiles))],
                ["其中问卷测评 by questionnaire", str(data.assessments_questionnaire)],
                ["其中外部录入 recorded from elsewhere", str(data.assessments_recorded)],
                ["其中最低类别 lowest category", str(data.assessments_lowest)],
            ],
            [90 * mm, 40 * mm],
        ),
        _bar_chart([(p, n) for p, n in profiles]),
    ]

    # 7. expiring by month
    story += [
        Paragraph(_mixed("七、风险测评到期（按月） Assessments expiring by month"), h2),
        table(
            [["月份 Month", "到期客户数 Clients"]] + [[m, str(n)] for m, n in data.expiring_by_month],
            [60 * mm, 40 * mm],
        ),
        _bar_chart([(m[2:], n) for m, n in data.expiring_by_month]),
    ]

    # 8. chain verification
    ok = data.verification_ok
    verdict = "通过 PASSED" if ok else ("未通过 FAILED" if ok is False else "未知 UNKNOWN")
    story += [
        Paragraph(_mixed("八、审计链校验 Audit-chain verification"), h2),
        Paragraph(_mixed(f"校验结果 Result: {verdict}"), base),
        table(
            [["项目 Field", "值 Value"]] + [[str(k), _value(v)] for k, v in data.verification.items()],
            [50 * mm, 120 * mm],
        ),
    ]
    story.append(
        KeepTogether(
            [
                Spacer(1, 10 * mm),
                Paragraph(
                    _mixed("合规负责人签字 Compliance officer: ____________________    日期 Date: ____________"), base
                ),
                Spacer(1, 6 * mm),
                Paragraph(_mixed("备注 Remarks: ____________________________________________________________"), base),
            ]
        )
    )

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="投资者适当性管理自查报告 Self-inspection report",
        author=data.generated_by,
        subject=f"{data.period_from.isoformat()} — {data.period_to.isoformat()}",
        creator="suitcheck",
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(LATIN, 7.5)
    canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 9 * 2.8346, f"page {doc.page}")
    canvas.restoreState()


def _bar_chart(points: Sequence[tuple[str, int]], horizontal: bool = False) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    height = 26 + 16 * len(points) if horizontal else 150
    drawing = Drawing(470, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (150, 10) if horizontal else (40, 30)
    chart.width, chart.height = (300, height - 20) if horizontal else (400, 105)
    values = [n for _, n in points] or [0]
    chart.data = [values]
    chart.valueAxis.valueMin = 0
    top = max(max(values), 1)
    chart.valueAxis.valueStep = max(1, math.ceil(top / 5))
    chart.valueAxis.valueMax = top * 1.15
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontName = LATIN
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [label for label, _ in points] or [""]
    chart.categoryAxis.labels.fontName = FONT
    for n, (label, _) in enumerate(points):
        if all(_is_latin(ch) for ch in label):
            chart.categoryAxis.labels[n].fontName = LATIN
    chart.categoryAxis.labels.fontSize = 7
    if not horizontal and len(points) > 8:
        chart.categoryAxis.labels.angle = 35
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.bars[0].fillColor = colors.HexColor("#3b6ea5")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = LATIN
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _versions(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是 yes" if v else "否 no"
    return str(v)


def _esc(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fitting(value: Any, width: float) -> str:
    """A cell's text as drawn (_shown), cut to what CELL_LINES lines of a column `width`
    points wide hold, saying so and how long the text is."""
    text = _shown(value)
    room = max(1, int((width - CELL_PADDING) / CELL_FONT_SIZE)) * CELL_LINES
    if len(text) <= room:
        return text
    whole = len(str(value))
    return text[: room - 40] + f"…（截断，原文共 {whole} 字符 cut: {whole} characters）"


@functools.cache
def _cjk_glyphs() -> frozenset[int]:
    """The characters the embedded CJK font draws (a GBK subset)."""
    from reportlab.pdfbase import pdfmetrics

    _register_font()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)


def _shown(value: Any) -> str:
    """`value` as the report draws it: composed (NFC: e and a combining accent as é), and
    every character that neither font draws, or that does not show as itself (a bidi
    override, a zero-width space), written as its code (\\u4dae, \\U00020000), as the command
    line writes an unsafe one. Drawn as the fonts' empty glyph, a rare name's 䶮 or an
    Ext-B ideograph showed as a blank box and read as \\x00: nobody could tell what was there."""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text
    glyphs = _cjk_glyphs()
    return "".join(
        ch if ch in _WHITESPACE or (ch.isprintable() and (_is_latin(ch) or ord(ch) in glyphs)) else char_code(ch)
        for ch in unicodedata.normalize("NFC", text)
    )


_WHITESPACE = "\n\r\t"  # laid out as spaces


def _is_latin(ch: str) -> bool:
    # What Helvetica (WinAnsi) can show; everything else is drawn with the CJK font.
    if ord(ch) < 0x2000:
        try:
            ch.encode("cp1252")
            return True
        except UnicodeEncodeError:
            return False
    return ch in "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022"


def _mixed(value: Any) -> str:
    """Paragraph markup that draws Latin runs in Helvetica and the rest in the CJK font
    (the text as _shown: a character neither draws as its code)."""
    text = _shown(value)
    out: list[str] = []
    run: list[str] = []
    latin: bool | None = None
    for ch in text:
        this = _is_latin(ch)
        if latin is not None and this != latin:
            out.append(_run("".join(run), latin))
            run = []
        run.append(ch)
        latin = this
    if run:
        out.append(_run("".join(run), bool(latin)))
    return "".join(out)


def _run(text: str, latin: bool) -> str:
    return f'<font face="{LATIN if latin else FONT}">{_esc(text)}</font>'
