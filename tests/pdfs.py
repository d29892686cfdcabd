"""Generate report PDFs for tests: a body column and a narrow sidebar, CJK via a CID font."""

from __future__ import annotations

import io
from collections.abc import Sequence

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


def masthead_report_pdf(
    *,
    publisher: str,
    title: str,
    report_type: str,
    date_line: str,
    rating: str,
    analysts: list[tuple[str, str]],
    body: list[str],
    level_sentence: str,
    sidebar: str = "right",
    order: str = "rows",
    body_chars: int = 30,
) -> bytes:
    """A first page as brokers lay it out: a masthead (publisher, 证券研究报告) across the
    top, the title and the body in the main column, and a sidebar with the rating, the
    report date, the analysts and related reports.

    `sidebar` puts the sidebar left or right; `order` is the order of the content stream
    ("rows": row by row across both columns, "sidebar-first", "body-first"); a narrow body
    (`body_chars` 20) has no box wider than the layout analysis's body threshold, so the
    two columns come out interleaved line by line.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    body_x, side_x = (40, 420) if sidebar == "right" else (200, 40)
    head: list[tuple[float, float, int, str]] = [
        (height - 40, 40, 9, publisher),
        (height - 40, 420, 9, "证券研究报告"),
        (height - 54, 40, 9, "公司研究"),
    ]
    main: list[tuple[float, float, int, str]] = []
    y = height - 90
    main.append((y, body_x, 15, title))
    y -= 26
    main.append((y, body_x, 11, report_type))
    y -= 24
    for paragraph in ["事件：", *body, f"本报告的风险等级为{level_sentence}。"]:
        for line in _wrap(paragraph, body_chars):
            main.append((y, body_x, 10, line))
            y -= 15
        y -= 8
    side: list[tuple[float, float, int, str]] = []
    sy = height - 90
    for line in (rating, f"报告日期：{date_line}"):
        side.append((sy, side_x, 10, line))
        sy -= 18
    sy -= 8
    for name, sac in analysts:
        for line in (f"分析师：{name}", f"SAC 执业证书编号：{sac}", "电话：010-66550000"):
            side.append((sy, side_x, 9, line))
            sy -= 13
        sy -= 8
    for line in ("相关报告：", "《互联网平台深度：", "估值重估》2024-11-20", "收盘价（港元） 380.2"):
        side.append((sy, side_x, 9, line))
        sy -= 13
    by_row = lambda item: (-item[0], item[1])  # noqa: E731
    if order == "rows":
        items = sorted(head + main + side, key=by_row)
    elif order == "sidebar-first":
        items = sorted(head, key=by_row) + sorted(side, key=by_row) + sorted(main, key=by_row)
    else:
        items = sorted(head, key=by_row) + sorted(main, key=by_row) + sorted(side, key=by_row)
    for iy, ix, size, text in items:
        pdf.setFont(FONT, size)
        pdf.drawString(ix, iy, text)
    pdf.showPage()
    pdf.setFont(FONT, 9)
    pdf.drawString(40, height - 60, f"{publisher}  请务必阅读正文之后的免责声明。")
    pdf.drawString(40, height - 80, "2030 年 1 月 1 日")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# -- raw PDFs, object by object (for what reportlab does not write: annotations with their
# own appearance, optional-content layers, clipping and transparency around text) --------

CID_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [<< /Type /Font"
    b" /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1)"
    b" /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6"
    b" /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    b" /DW 1000 >>] >>"
)


def pdf_line(text: str, *, x: float = 72, y: float = 700, size: float = 12, before: str = "") -> bytes:
    """A content-stream line showing `text` in the CJK font /F1 (`before`: operators inside
    the text object first, such as "3 Tr")."""
    return f"BT /F1 {size} Tf {before} {x} {y} Td <{text.encode('utf-16-be').hex()}> Tj ET\n".encode()


def pdf_file(bodies: Sequence[bytes], *, version: str = "1.4") -> bytes:
    """A PDF of these objects, numbered from 1 (the first is the catalog), with its
    cross-reference table and trailer."""
    out = bytearray(f"%PDF-{version}\n%".encode() + b"\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d " % len(content) + extra + b">>\nstream\n" + content + b"\nendstream"


def raw_page_pdf(
    content: bytes,
    *,
    page_extra: bytes = b"",
    resources_extra: bytes = b"",
    catalog_extra: bytes = b"",
    objects: tuple[bytes, ...] = (),
) -> bytes:
    """A one-page PDF: 1 catalog, 2 pages, 3 the CJK font (/F1), 4 the page, 5 its
    content; `objects` are numbered from 6 on, for the extras to refer to."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        CID_FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> "
        + resources_extra
        + b">> /Contents 5 0 R "
        + page_extra
        + b">>",
        pdf_stream(content),
        *objects,
    ]
    return pdf_file(bodies, version="1.5")


def updated_in_place(
    pdf: bytes, number: int, body: bytes, *, startxref_shift: int = 0, offset: int | None = None
) -> bytes:
    """`pdf` with an incremental update that defines object `number` anew as `body`, as an
    editor saving in place appends it. `startxref_shift` moves the update's startxref off
    its cross-reference section; `offset` puts a wrong offset in that section's entry."""
    previous = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    size = int(pdf.rsplit(b"/Size", 1)[1].split()[0])
    out = bytearray(pdf)
    at = len(out)
    out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 1\n0000000000 65535 f \n{number} 1\n{at if offset is None else offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R /Prev {previous} >>\n".encode()
    out += f"startxref\n{xref + startxref_shift}\n%%EOF\n".encode()
    return bytes(out)
