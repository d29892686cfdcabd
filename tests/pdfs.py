"""Generate report PDFs for tests: a body column and a narrow sidebar, CJK via a CID font."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width_chars: int) -> list[str]:
    return [text[i : i + width_chars] for i in range(0, len(text), width_chars)] or [""]


def two_column_report_pdf(
    *,
    title: str,
    report_type: str,
    date_line: str,
    level_sentence: str | None,
    rating: str,
    analysts: list[tuple[str, str]],
    body: list[str],
    encrypt: str | None = None,
) -> bytes:
    """Body (title, type, date, paragraphs, level sentence) on the left; a narrow sidebar
    on the right with the rating and the analysts, whose SAC numbers wrap onto a second
    line, as broker PDFs print them."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    width, height = A4
    items: list[tuple[float, float, int, str]] = []  # (y, x, size, text)
    y = height - 60
    items.append((y, 40, 16, title))
    y -= 28
    for line in (report_type, date_line):
        items.append((y, 40, 11, line))
        y -= 20
    y -= 10
    for paragraph in body + ([f"本报告的风险等级为{level_sentence}。"] if level_sentence else []):
        for line in _wrap(paragraph, 30):
            items.append((y, 40, 10, line))
            y -= 15
        y -= 8
    # Sidebar: starts at the same height as the title.
    sy = height - 60
    items.append((sy, 440, 10, rating))
    sy -= 30
    for name, sac in analysts:
        for line in (f"分析师：{name}", f"SAC 执业证书编号：{sac[:7]}", sac[7:], "电话：021-60001234"):
            items.append((sy, 440, 10, line))
            sy -= 14
        sy -= 10
    # Emit row by row across both columns, top to bottom, as layout engines do: the
    # content stream interleaves the columns, and only geometry separates them again.
    for iy, ix, size, text in sorted(items, key=lambda item: (-item[0], item[1])):
        pdf.setFont(FONT, size)
        pdf.drawString(ix, iy, text)
    pdf.showPage()
    pdf.setFont(FONT, 9)
    pdf.drawString(40, height - 60, "示例证券股份有限公司研究所  请务必阅读末页声明。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for i in range(20):
        pdf.rect(50 + i * 10, 400, 8, 200, fill=1)  # a "scan": shapes, no text
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def text_to_pdf(text: str, chars_per_line: int = 38) -> bytes:
    """Lay plain text out on A4 pages as a PDF would print it: long paragraphs wrap
    across lines (so extraction must rejoin them) and pages break."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    y = height - 50
    pdf.setFont(FONT, 10)
    for paragraph in text.splitlines():
        for line in _wrap(paragraph, chars_per_line):
            if y < 50:
                pdf.showPage()
                pdf.setFont(FONT, 10)
                y = height - 50
            pdf.drawString(40, y, line)
            y -= 14
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
