"""Synthetic report fixtures (our own text, laid out like a broker's report)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from suitcheck.services import Actor, Services

_counter = itertools.count(1)

SYNTHETIC_REPORT = """超配（维持）

星辰半导体：先进封装放量，AI 芯片需求强劲

电子行业事件点评

2025 年 3 月 18 日

分析师：周明轩（SAC 执业证书编号：S1230521020001）

电话：021-60001234 邮箱：zhoumx@example.com

分析师：钱雨桐（SAC 执业证书编号：S1230524100002）

电话：021-60001235 邮箱：qianyt@example.com

分析师：韩立（SAC 执业证书编号：S1230524070003）

电话：021-60001236 邮箱：hanli@example.com

事件：

2025 年 3 月 10 日，示例公司发布新一代封装产品。

点评：

- **需求端持续改善。**本段为合成测试文字，用于检验元数据提取与检索，不构成投资建议。

本报告的风险等级为{level}。

本报告的信息均来自已公开信息。

示例证券研究报告评级体系：

买入 预计未来 6 个月内，股价表现强于市场指数 15%以上

证券研究报告风险等级及适当性匹配关系
高风险 期货、期权等衍生品方面的研究报告

示例证券股份有限公司研究所
"""


@contextlib.contextmanager
def names_as_before_the_rule() -> Iterator[None]:
    """Client names with control characters, as suitcheck took them before attack round 12
    refused them: a store from before (or a row edited in SQL) still holds such names, and
    every screen, list and file must still show them harmlessly."""
    from suitcheck.domain import clients

    with pytest.MonkeyPatch.context() as before:
        before.setattr(clients, "has_controls", lambda text: False)
        yield


def report_text(level: str | None = "中风险", title: str | None = None, report_type: str | None = None) -> str:
    """The synthetic report; its subject (title and type) implies R3 unless both are
    replaced, e.g. by a macro title and type for a low-risk (R1) report."""
    text = SYNTHETIC_REPORT.replace("{level}", level or "")
    if report_type:
        text = text.replace("电子行业事件点评", report_type)
    if level is None:
        text = text.replace("本报告的风险等级为。\n", "")
    if title:
        text = text.replace("星辰半导体：先进封装放量，AI 芯片需求强劲", title)
    return text


def import_text_report(
    services: Services,
    actor: Actor,
    folder: Path,
    level: str | None = "中风险",
    title: str | None = None,
    report_type: str | None = None,
) -> int:
    """Import a unique synthetic report through the real import path; return its id."""
    n = next(_counter)
    path = folder / f"report-{n}.txt"
    path.write_text(
        report_text(level, title or f"星辰半导体第{n}期：先进封装放量，AI 芯片需求强劲", report_type)
        + f"\n编号 {n} {dt.datetime.now().isoformat()}\n",
        encoding="utf-8",
    )
    (result,) = services.reports.import_paths(actor, [path])
    assert result.report is not None, result
    return result.report


def checked_client(
    services: Services, actor: Actor, folder: Path, *, title: str, account: str, name: str, record_rows: int = 0
) -> int:
    """A report titled `title`, a C4 client `account` named `name`, and one recorded check of
    them; with `record_rows`, a record-sealed entry listing that many rows (as a bulk import's
    page) and a second check after it. For exports whose cells are the point. Returns the
    report's id."""
    from suitcheck.domain.codes import AuditAction
    from suitcheck.domain.levels import RiskProfile

    report = import_text_report(services, actor, folder, title=title)
    with names_as_before_the_rule():  # a hostile name as a store from before the rule holds it
        services.investors.add(
            actor, account=account, name=name, profile=RiskProfile.C4, assessed_on=dt.date(2026, 5, 1)
        )
    services.access.check(actor, account, report)
    if record_rows:
        rows = [{"key": f"客户{n:05d}𠀀", "state": f"{n:064x}", "table": "investor"} for n in range(record_rows)]
        with services.ctx.core_transaction() as conn:
            services.ctx.sealer.append(
                conn,
                at=services.ctx.now(),
                staff="system",
                action=AuditAction.RECORD_SEALED.value,
                facts={"rows": rows},
            )
        services.access.check(actor, account, report)
    return report


@contextlib.contextmanager
def pipe_written_late(path: Path, data: bytes) -> Iterator[None]:
    """A named pipe at `path` whose writer, a moment later, hands `data` to whoever waits
    on it for a reader: code that should refuse a pipe unread then reads `data` instead
    (and its test fails rather than hangs). The writer gives up once the block ends."""
    import os
    import threading
    import time

    os.mkfifo(path)
    done = threading.Event()

    def writer() -> None:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not done.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader (yet)
                time.sleep(0.05)
                continue
            with contextlib.suppress(OSError), os.fdopen(fd, "wb") as pipe:
                pipe.write(data)
            return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
