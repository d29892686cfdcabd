"""The confirmation sheet a client signs after a risk-tolerance assessment, as a PDF.

Laid out with reportlab like the self-inspection report (same embedded CJK font subset, so
the Chinese text prints and extracts anywhere). The facts come in as plain data: this
module only lays them out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from suitcheck.audit.inspection_pdf import FONT, _fitting, _footer, _mixed, _register_font
from suitcheck.domain.calendar import FIRM_ZONE_NAME, firm_time

OUTCOME_TEXT = {
    "allow": "可以提供 allowed",
    "block": "不得提供 not allowed",
    "allow-after-warning": "特别风险警示并经客户确认后 after the special warning and the client's confirmation",
}
LEVEL_TEXT = {"R1": "低风险", "R2": "中低风险", "R3": "中风险", "R4": "中高风险", "R5": "高风险"}
PROFILE_TEXT = {"C1": "C1 保守型", "C2": "C2 谨慎型", "C3": "C3 稳健型", "C4": "C4 积极型", "C5": "C5 激进型"}


@dataclasses.dataclass(frozen=True)
class SheetAnswer:
    question: str  # "中文 / English"
    answer: str
    score: int
    knockout: bool


@dataclasses.dataclass(frozen=True)
class SheetData:
    client_name: str
    client_account: str
    id_number: str | None  # masked
    assessed_on: dt.date
    valid_until: dt.date | None
    profile: str  # "C3"
    lowest_category: bool
    method: str  # "questionnaire" | "recorded"
    questionnaire_version: int | None
    score: int | None
    answers: Sequence[SheetAnswer]
    answers_hash: str | None
    note: str | None
    permits: Sequence[tuple[str, str]]  # ("R3", "allow")
    staff: str
    printed_at: dt.datetime
    policy_version: int
    # The assessment put the client in the lowest category and compliance lifted it since.
    lowest_lifted: bool = False
    # Staff marked the client's situation as changed: treated as expired until re-assessed.
    reassessment_due: bool = False


def render(data: SheetData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.5, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=15, leading=20, alignment=TA_CENTER, spaceAfter=1)
    subtitle = ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, textColor=colors.HexColor("#444444"))
    h2 = ParagraphStyle("h2", parent=base, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3)
    cell = ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5)
    note = ParagraphStyle("note", parent=base, fontSize=8.5, textColor=colors.HexColor("#555555"))

    def table(rows: Sequence[Sequence[Any]], widths: Sequence[float], extra: Sequence[Any] = ()) -> Table:
        # Each cell cut to what its row can hold on a page (a question in characters the font
        # lacks is written as their codes, ten characters each), as the self-inspection's.
        body = [[Paragraph(_mixed(_fitting(c, w)), cell) for c, w in zip(row, widths, strict=True)] for row in rows]
        t = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    *extra,
                ]
            )
        )
        return t

    profile = PROFILE_TEXT.get(data.profile, data.profile)
    story: list[Any] = [
        Paragraph(_mixed("投资者风险承受能力评估结果确认书"), title),
        Paragraph(_mixed("Risk-tolerance assessment: confirmation for the client's signature"), subtitle),
        Spacer(1, 3 * mm),
        table(
            [
                [
                    "客户 Client",
                    f"{data.client_name} ({data.client_account})",
                    "证件号码 ID number",
                    data.id_number or "—",
                ],
                [
                    "测评日期 Assessed on",
                    data.assessed_on.isoformat(),
                    "有效期至 Valid until",
                    (data.valid_until.isoformat() if data.valid_until else "—")
                    + ("；须重新测评 re-assessment due: treated as expired" if data.reassessment_due else ""),
                ],
                [
                    "测评方式 Method",
                    f"风险测评问卷 questionnaire, 第 {data.questionnaire_version} 版 version"
                    if data.method == "questionnaire"
                    else "外部测评结果登记 recorded from an assessment made elsewhere",
                    "风险承受能力 Risk profile",
                    profile,
                ],
            ],
            [32 * mm, 55 * mm, 38 * mm, 45 * mm],
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.white),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e8eef5")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#e8eef5")),
            ],
        ),
    ]
    if data.answers:
        story += [
            Paragraph(_mixed("一、问卷答案 Answers"), h2),
            table(
                [["题目 Question", "客户选择 Answer", "得分"]]
                + [
                    [a.question, a.answer + ("（否决项 knock-out）" if a.knockout else ""), str(a.score)]
                    for a in data.answers
                ]
                + [["合计 Total", "", str(data.score)]],
                [88 * mm, 72 * mm, 10 * mm],
            ),
        ]
    elif data.note:
        story += [Paragraph(_mixed("一、测评说明 Where it was made"), h2), Paragraph(_mixed(data.note), base)]
    story += [
        Paragraph(_mixed("二、评估结果及可提供的研究报告 Result and what it permits"), h2),
        table(
            [
                [
                    "风险承受能力 Risk profile",
                    profile,
                    "最低类别 Lowest category",
                    "是 yes — 仅可提供低风险 (R1) only"
                    if data.lowest_category
                    else "否 no — 已由合规解除 lifted by compliance"
                    if data.lowest_lifted
                    else "否 no",
                ]
            ],
            [32 * mm, 55 * mm, 38 * mm, 45 * mm],
            [("BACKGROUND", (1, 0), (1, 0), colors.white), ("BACKGROUND", (3, 0), (3, 0), colors.white)],
        ),
        Spacer(1, 2 * mm),
        table(
            [
                [f"{code} {LEVEL_TEXT.get(code, '')}" for code, _ in data.permits],
                [OUTCOME_TEXT.get(outcome, outcome) for _, outcome in data.permits],
            ],
            [34 * mm] * len(data.permits),
        ),
        Paragraph(
            _mixed(
                f"依据适当性政策第 {data.policy_version} 版 (policy version {data.policy_version})；"
                "测评结果有效期内如客户情况发生重大变化，应重新测评。"
                "If the client's situation changes materially, the client must be re-assessed."
            ),
            note,
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(
                    _mixed(
                        "本人确认：以上答案为本人真实意思表示，本人已知悉上述评估结果及其含义。"
                        "I confirm that these answers are my own and that I understand the result."
                    ),
                    base,
                ),
                Spacer(1, 3 * mm),
                table(
                    [
                        ["", "签字 Signature", "日期 Date"],
                        ["客户 Client", "", ""],
                        [f"经办人 Staff: {data.staff}", "", ""],
                    ],
                    [55 * mm, 75 * mm, 40 * mm],
                    # room to sign by hand
                    [("TOPPADDING", (0, 1), (-1, -1), 9), ("BOTTOMPADDING", (0, 1), (-1, -1), 9)],
                ),
            ]
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            _mixed(
                f"打印时间 Printed {firm_time(data.printed_at).strftime(f'%Y-%m-%d %H:%M {FIRM_ZONE_NAME}')}"
                + (f"；答案哈希 answers SHA-256 {data.answers_hash}" if data.answers_hash else "")
            ),
            note,
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=10 * mm,
        bottomMargin=12 * mm,
        title="风险承受能力评估结果确认书",
        author="suitcheck",
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()
