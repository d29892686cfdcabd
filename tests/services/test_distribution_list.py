"""The distribution list written to a file: the same clients and values as `eligible`,
safe to open in a spreadsheet, audited, and all-or-nothing."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from suitcheck.audit.export import neutralise
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.access import LIST_COLUMNS
from suitcheck.services.errors import ServiceError
from suitcheck.services.tables import Cancelled
from suitcheck.store.models import Investor
from tests.conftest import add_client
from tests.fixtures import import_text_report

# Names and accounts a hostile clerk could type: formulas, separators, quotes, line breaks.
HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+1",
    "-2",
    "@SUM(A1:A9)",
    '逗号,引号"与\n换行',
    "普通的名字",
]


def _expected(services: Services, actor: Actor, report: int) -> list[list[str]]:
    """`eligible` (the JSON path) projected on the list's columns, as a spreadsheet must
    show them: formula-like text neutralised, nothing else changed."""
    rows = []
    for view in services.access.eligible(actor, report):
        d = view.to_dict()
        rows.append(["" if d[c] is None else str(neutralise(d[c])) for c in LIST_COLUMNS])
    return rows


@pytest.fixture
def population(services: Services, compliance: Actor) -> None:
    for n, name in enumerate(HOSTILE_NAMES):
        add_client(services, compliance, f"H{n}", RiskProfile.C4, name=name)
    add_client(services, compliance, "=1+2", RiskProfile.C5)  # an account that looks like a formula
    add_client(services, compliance, "C3", RiskProfile.C3)
    add_client(services, compliance, "C2", RiskProfile.C2)
    add_client(services, compliance, "EXP", RiskProfile.C5, days_ago=900)
    add_client(services, compliance, "EDGE", RiskProfile.C5, days_ago=729)
    add_client(services, compliance, "GONE", RiskProfile.C5, days_ago=730)
    add_client(services, compliance, "LOW", RiskProfile.C5)
    # Since #15 nobody can enter lowest category with C5; a hand-edited record still must not get through.
    with services.store.session() as session:
        session.execute(update(Investor).where(Investor.account == "LOW").values(lowest_category=True))
    add_client(services, compliance, "NEW", None, days_ago=None)
    add_client(services, compliance, "PRO", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    add_client(services, compliance, "PAO", RiskProfile.C4, investor_class=InvestorClass.PROFESSIONAL_AS_ORDINARY)


def test_csv_list_equals_eligible(
    services: Services, compliance: Actor, advisor: Actor, population: None, tmp_path: Path
) -> None:
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    expected = _expected(services, advisor, r3)
    assert {row[1] for row in expected} >= {"H0", "'=1+2", "C3", "EDGE", "PRO", "PAO"}
    assert not {row[1] for row in expected} & {"C2", "EXP", "GONE", "LOW", "NEW"}
    out = tmp_path / "list.csv"
    written = services.access.write_eligible(advisor, r3, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(LIST_COLUMNS)
    assert table[1:] == expected
    assert written.count == len(expected) == services.access.eligible_count(advisor, r3)
    names = {row[2] for row in table[1:]}
    assert '\'=HYPERLINK("http://evil.example","点我")' in names
    assert '逗号,引号"与\n换行' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table[1:] for cell in row)
    assert written.sha256 == hashlib.sha256(raw).hexdigest()


def test_xlsx_list_has_a_header_and_the_same_rows(
    services: Services, compliance: Actor, advisor: Actor, population: None, tmp_path: Path
) -> None:
    r4 = import_text_report(services, compliance, tmp_path, level="中高风险", title="创业板公司深度报告第一期")
    expected = _expected(services, advisor, r4)
    out = tmp_path / "list.xlsx"
    written = services.access.write_eligible(advisor, r4, out)
    assert written.format == "xlsx"
    assert written.count == len(expected)
    sheet = load_workbook(out, read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(list(LIST_COLUMNS))
    titles = " ".join(str(v[0]) for v in values[:header] if v and v[0])
    assert f"report {r4}" in titles
    assert "R4" in titles
    assert "policy version 1" in titles
    body = [["" if c is None else str(c) for c in (row + [None] * 6)[:6]] for row in values[header + 1 :]]
    assert body == expected
    # Every cell is text or a number, never a formula.
    assert all(not str(c).startswith("=") for row in values for c in row if c is not None)


def test_producing_a_list_is_audited(
    services: Services, compliance: Actor, advisor: Actor, population: None, tmp_path: Path
) -> None:
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    out = tmp_path / "list.csv"
    written = services.access.write_eligible(advisor, r3, out)
    entry = services.audit.browse(compliance, limit=1)[0]
    facts = json.loads(entry.facts)
    assert (entry.action, entry.staff, entry.report_id) == ("distribution-list", advisor.username, r3)
    assert facts["count"] == written.count
    assert facts["file_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert facts["policy_version"] == 1
    assert facts["level"] == "R3"
    assert facts["format"] == "csv"


def test_cancel_or_failure_leaves_no_file_and_keeps_the_old_one(
    services: Services, compliance: Actor, advisor: Actor, population: None, tmp_path: Path
) -> None:
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "list.csv"
    out.write_text("the earlier list", encoding="utf-8")
    before = len(services.audit.browse(compliance, limit=1000))
    for fmt in ("csv", "xlsx"):
        with pytest.raises(Cancelled):
            services.access.write_eligible(advisor, r3, out, fmt, cancelled=lambda: True)
    assert out.read_text(encoding="utf-8") == "the earlier list"
    assert sorted(p.name for p in folder.iterdir()) == ["list.csv"]
    with pytest.raises(ServiceError, match="does not exist"):
        services.access.write_eligible(advisor, r3, tmp_path / "missing" / "list.csv")
    with pytest.raises(ServiceError, match="folder"):
        services.access.write_eligible(advisor, r3, folder)
    assert len(services.audit.browse(compliance, limit=1000)) == before  # nothing produced, nothing claimed


def test_unrated_report_lists_nobody(services: Services, compliance: Actor, population: None, tmp_path: Path) -> None:
    unrated = import_text_report(services, compliance, tmp_path, level=None, title="未评级的报告一篇")
    out = tmp_path / "list.csv"
    assert services.access.write_eligible(compliance, unrated, out).count == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == [",".join(LIST_COLUMNS)]


def test_every_count_part_is_a_covering_index_range(sqlite_target: str, clock) -> None:  # type: ignore[no-untyped-def]
    """The count reads only ix_investor_eligibility, never the table (each of its terms,
    and each part of the condition). A new term in the eligible condition needs its column
    in that index (in range order), or this fails."""
    import datetime as dt

    from sqlalchemy import func, select

    from suitcheck.domain.levels import RiskLevel
    from suitcheck.domain.policy import Policy
    from suitcheck.services.access import eligible_count_terms, eligible_parts
    from suitcheck.store.models import Investor
    from tests.conftest import make_services

    services = make_services(sqlite_target, clock)
    try:
        with services.store.engine.connect() as conn:
            for level in RiskLevel:
                terms = [part for _, part in eligible_count_terms(level, dt.date(2026, 6, 15), Policy())]
                for part in [*eligible_parts(level, dt.date(2026, 6, 15), Policy()), *terms]:
                    sql = select(func.count()).select_from(Investor).where(part)
                    compiled = sql.compile(services.store.engine, compile_kwargs={"literal_binds": True})
                    plan = " ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
                    assert "USING COVERING INDEX ix_investor_eligibility" in plan, (level, plan)
                    assert "ANY(" not in plan, (level, plan)  # a seek on every column, no skip-scan
    finally:
        services.close()
