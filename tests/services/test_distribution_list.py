"""The distribution list written to a file: the same clients and values as `eligible`,
safe to open in a spreadsheet, audited, and all-or-nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from suitcheck.audit.export import neutralise
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.access import LIST_COLUMNS
from suitcheck.services.errors import ServiceError
from suitcheck.services.tables import Cancelled
from suitcheck.store.models import Investor
from tests.conftest import add_client
from tests.fixtures import import_text_report, names_as_before_the_rule

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
    with names_as_before_the_rule():  # hostile names, as a store from before the rule holds them
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


def test_every_list_holds_exactly_the_clients_check_allows_for_every_desk(sqlite_services: Services) -> None:
    """On the demo store with edge clients added (special attention at 70 on the birthday and
    the day before it, a flagged one, a 15-digit ID number, an assessment of today, one moved
    to another branch, one due for re-assessment), for head office and a branch advisor, over
    every demo report (R1 to R5, unrated, one whose subject lifts its stated level): the
    list, its count and the written file name exactly the clients `check` allows without a
    warning, and none it refuses or cannot find."""
    from suitcheck.services.demo import DEMO_PASSWORD, make_id_number, seed_demo
    from suitcheck.services.errors import NotFound

    services = sqlite_services
    seed_demo(services)
    comp = services.auth.login("demo-compliance", DEMO_PASSWORD)
    today = services.ctx.today()
    born_70 = today.replace(year=today.year - 70)
    edge = {
        "E70": make_id_number("110105", born_70, 11),
        "E69": make_id_number("110105", born_70 + dt.timedelta(days=1), 12),
        "E15": "110105" + f"{born_70:%y%m%d}" + "013",  # the legacy 15-digit form
    }
    for account, number in edge.items():
        services.investors.add(
            comp, account=account, name=account, id_number=number, profile=RiskProfile.C4, assessed_on=today
        )
    add_client(services, comp, "EFLAG", RiskProfile.C5, special_attention=True)
    add_client(services, comp, "EMOVE", RiskProfile.C5)
    services.investors.move(comp, "EMOVE", "SH01", "客户迁户")
    add_client(services, comp, "EDUE", RiskProfile.C5)
    services.investors.mark_reassessment_due(comp, "EDUE", "情况变化")
    accounts = [v.account for v in services.investors.search(comp, "")]
    assert services.investors.get(comp, "E70").needs_attention  # 70 today
    assert not services.investors.get(comp, "E69").needs_attention  # 70 tomorrow
    reports = list(range(1, 8))  # the demo's seven reports
    assert services.reports.get(comp, 7).level is None  # one of them unrated
    for desk in ("demo-compliance", "demo-advisor", "demo-advisor-sh"):
        actor = services.auth.login(desk, DEMO_PASSWORD)
        for report in reports:
            allowed = set()
            for account in accounts:
                try:
                    decision = services.access.check(actor, account, report).decision
                except NotFound:
                    continue  # another branch's client: on no list of this desk
                if decision.outcome is Outcome.ALLOW:
                    allowed.add(account)
            listed = {v.account for v in services.access.eligible(actor, report)}
            assert listed == allowed, (desk, report)
            if desk == "demo-advisor-sh" and report == 4:  # R5: the moved client is now this branch's
                assert "EMOVE" in listed
                assert not {"E70", "EFLAG", "EDUE"} & listed
            assert services.access.eligible_count(actor, report) == len(allowed)
            out = services.access.write_eligible(actor, report, Path(services.ctx.audit_key_path).parent / "l.csv")
            with out.path.open(encoding="utf-8-sig", newline="") as handle:
                assert {row[1] for row in list(csv.reader(handle))[1:]} == allowed, (desk, report)
