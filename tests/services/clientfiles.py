"""Generated client files (CSV in several encodings, XLSX with real date cells) for import tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from stdnum.cn import ric

HEADERS_ZH = ["资金账号", "客户姓名", "证件号码", "投资者类别", "风险承受能力", "测评日期", "最低类别", "特别关注"]
HEADERS_EN = ["account", "name", "id_number", "class", "profile", "assessed", "lowest_category", "special_attention"]


def make_id(n: int) -> str:
    """A valid 18-character resident ID number, different for each n (up to about 10 million)."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n // 1000)
    body = "110105" + birth.strftime("%Y%m%d") + f"{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def client_rows(count: int, start: int = 0, assessed: str = "2026-03-02") -> list[list[object]]:
    return [
        [f"A{n:06d}", f"客户{n}", make_id(n), "普通投资者", "稳健型", assessed, "否", "否"]
        for n in range(start, start + count)
    ]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    headers: Sequence[str] = HEADERS_ZH,
    encoding: str = "utf-8",
    sep: str = ",",
) -> Path:
    lines = [sep.join(headers)] + [sep.join("" if v is None else str(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    headers: Sequence[str] = HEADERS_ZH,
    sheet: str = "客户",
    extra_sheets: Sequence[str] = (),
) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = sheet
    first.append(list(headers))
    for row in rows:
        first.append(list(row))
    for cell in first["F"][1:]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy/m/d"
    for name in extra_sheets:
        workbook.create_sheet(name).append(["nothing"])
    workbook.save(path)
    return path
