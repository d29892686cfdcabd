"""Synthetic data at scale for the benchmarks: clients, reports (with search index), audit chain.

Bulk inserts go straight through SQLAlchemy Core (the services would record an audit
entry per row, which is right for real use and far too slow for a million rows).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, text

from suitcheck.ingest import LEVEL_READER
from suitcheck.store import search
from suitcheck.store.engine import Store
from suitcheck.store.models import Investor, Report, ReportContent

if TYPE_CHECKING:
    from suitcheck.services import Services

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
SUBJECTS = [
    "半导体",
    "芯片",
    "银行",
    "保险",
    "券商",
    "白酒",
    "医药",
    "光伏",
    "锂电",
    "汽车",
    "地产",
    "钢铁",
    "煤炭",
    "军工",
    "传媒",
    "游戏",
    "AI",
    "算力",
    "通信",
    "家电",
    "农业",
    "债券",
    "宏观",
    "港股",
    "期货",
]
TYPES = ["行业点评", "公司点评", "深度报告", "周报", "月报", "策略报告"]
RATINGS = ["买入", "增持", "持有", "超配", "标配", None]


def clients(store: Store, count: int, seed: int = 1, batch: int = 20_000) -> None:
    rng = random.Random(seed)
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        rows = []
        for n in range(count):
            cls = "professional" if rng.random() < 0.03 else "ordinary"
            assessed = (
                None
                if rng.random() < 0.05 or cls == "professional"
                else today - dt.timedelta(days=rng.randint(0, 1000))
            )
            rows.append(
                {
                    "account": f"B{n:09d}",
                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "investor_class": cls,
                    "lowest_category": rng.random() < 0.02,
                    "special_attention": False,
                    "created_at": now,
                    "current_profile": rng.randint(1, 5) if assessed else None,
                    "current_assessed_on": assessed,
                    "branch_id": 1,  # head office (HQ), which every store has (migration 0009)
                }
            )
            if len(rows) == batch:
                conn.execute(insert(Investor.__table__), rows)
                rows = []
        if rows:
            conn.execute(insert(Investor.__table__), rows)


def report_text(rng: random.Random, n: int, body_chars: int) -> tuple[str, str]:
    subject = rng.choice(SUBJECTS)
    title = (
        f"{subject}{rng.choice(['景气', '需求', '估值', '政策', '产能'])}跟踪第{n}期：{rng.choice(SUBJECTS)}方向展望"
    )
    words = [
        rng.choice(SUBJECTS) + rng.choice(["需求回暖", "价格承压", "订单增长", "库存下降", "盈利修复"])
        for _ in range(body_chars // 6)
    ]
    return title, "，".join(words) + "。"


def reports(store: Store, count: int, seed: int = 2, body_chars: int = 300, batch: int = 2_000) -> None:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    start = dt.date.today() - dt.timedelta(days=3 * 365)
    with store.engine.begin() as conn:
        first_id = (conn.execute(text("SELECT coalesce(max(id), 0) FROM report")).scalar() or 0) + 1
        for offset in range(0, count, batch):
            rows, contents, index = [], [], []
            for k in range(offset, min(count, offset + batch)):
                rid = first_id + k
                title, body = report_text(rng, rid, body_chars)
                rating = rng.choice(RATINGS)
                rows.append(
                    {
                        "id": rid,
                        "title": title,
                        "publisher": rng.choice(["示例证券", "样本证券", "测试证券"]),
                        "published_on": start + dt.timedelta(days=rng.randint(0, 3 * 365)),
                        "report_type": rng.choice(TYPES),
                        "level": rng.choice([1, 2, 3, 3, 3, 4, 4, 5, None]),
                        "suggested_level": None,
                        "reader": LEVEL_READER,  # as this build's import reads them
                        "rating_scope": "company" if rating else None,
                        "rating_value": rating,
                        "rating_change": "维持" if rating else None,
                        "content_hash": f"bench-{seed}-{rid}",
                        "source_name": f"r{rid}.txt",
                        "source_kind": "txt",
                        "size": len(body),
                        "imported_at": now,
                    }
                )
                contents.append({"report_id": rid, "text": body, "original": body.encode()})
                index.append((rid, f"{title}\n{body}"))
            conn.execute(insert(Report.__table__), rows)
            conn.execute(insert(ReportContent.__table__), contents)
            if store.is_sqlite:
                conn.execute(
                    text("INSERT INTO report_search(rowid, grams) VALUES (:id, :g)"),
                    [{"id": rid, "g": search.to_grams(s)} for rid, s in index],
                )


def audit_chain(services: Services, count: int) -> None:
    """A valid, sealed trail of `count` check entries appended after whatever is there,
    written by the installation's own sealer (MACs, seals at their interval)."""
    reasons = ["profile-covers-level"]
    entries = (
        {
            "staff": "bench",
            "action": "check",
            "investor_id": n % 1000 + 1,
            "report_id": 1,
            "decision": "allow",
            "reasons": reasons,
            "facts": {"profile": "C3", "level": "R3", "policy_version": 1, "account": f"B{n % 1000:09d}"},
        }
        for n in range(count)
    )
    services.ctx.sealer.append_many(services.store.engine, entries, dt.datetime.now(dt.UTC))


def client_file(path: Path, count: int, seed: int = 3, changed_every: int = 0) -> None:
    """A core-system client export (CSV, UTF-8 with BOM, Chinese headers) with valid, unique
    ID numbers; `changed_every=k` gives every k-th client a later assessment (a re-sync)."""
    from stdnum.cn import ric

    rng = random.Random(seed)
    today = dt.date.today()
    profiles = ["保守型", "谨慎型", "稳健型", "积极型", "激进型"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("资金账号,客户姓名,证件号码,投资者类别,风险承受能力,测评日期,最低类别,特别关注\n")
        for n in range(count):
            born = dt.date(1940, 1, 1) + dt.timedelta(days=n // 1000)
            body = f"110105{born:%Y%m%d}{n % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            assessed = today - dt.timedelta(days=rng.randint(30, 700))
            profile = rng.randint(1, 5)
            if changed_every and n % changed_every == 0:
                assessed, profile = today - dt.timedelta(days=1), (profile % 5) + 1
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            handle.write(f"C{n:09d},{name},{number},普通投资者,{profiles[profile - 1]},{assessed:%Y/%m/%d},否,否\n")
