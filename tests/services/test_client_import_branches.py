"""The client import and branches: a branch column (code or name) read, validated, stored,
shown in the diff and the report, written by the export; staff of one branch import only
into it. Also: the import's fast paths give what the general path gives, and progress
moves through every phase."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, update

from suitcheck.audit.chain import canonical_json
from suitcheck.domain.clients import FIELDS
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.client_import import (
    PHASES,
    DiffItem,
    ImportCancelled,
    added_facts,
    added_facts_json,
    progress_span,
)
from suitcheck.services.errors import ServiceError
from suitcheck.services.integrity import investor_message, investor_message_of
from suitcheck.store.models import AuditEntry, Investor
from tests.conftest import Clock, make_services, staff
from tests.services.clientfiles import HEADERS_ZH, client_rows, write_csv
from tests.services.test_branches import make_actor, make_world

HEADERS = [*HEADERS_ZH, "营业部"]


def rows_with_branches(*branches: str) -> list[list[object]]:
    return [[*row, branch] for row, branch in zip(client_rows(len(branches)), branches, strict=True)]


def branch_of(services: Services, account: str) -> str | None:
    with services.store.session(read_only=True) as s:
        from suitcheck.store.models import Branch

        return s.execute(
            select(Branch.code).join(Investor, Investor.branch_id == Branch.id).where(Investor.account == account)
        ).scalar_one_or_none()


def test_a_branch_column_by_code_or_name_is_stored_and_shown(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    path = write_csv(tmp_path / "c.csv", rows_with_branches("b2", "三部", ""), HEADERS)
    seen: list[DiffItem] = []
    dry = services.client_files.import_clients(w.hq_compliance, path, dry_run=True, on_item=seen.append)
    assert (dry.new, dry.invalid, dry.written) == (3, 0, False)
    assert [item.changes["branch"] for item in seen] == [(None, "B2"), (None, "B3"), (None, "HQ")]
    result = services.client_files.import_clients(w.hq_compliance, path)
    assert (result.new, result.written) == (3, True)
    assert [branch_of(services, a) for a in ("A000000", "A000001", "A000002")] == ["B2", "B3", "HQ"]
    with services.store.session(read_only=True) as s:
        facts = [
            json.loads(f)
            for f in s.execute(
                select(AuditEntry.facts).where(AuditEntry.action == "client-added").order_by(AuditEntry.seq)
            ).scalars()
        ]
    assert [f["branch"] for f in facts[-3:]] == ["B2", "B3", "HQ"]
    # The rows went in sealed with their branch: the store verifies, and a re-import changes nothing.
    assert services.audit.verify(w.root).ok
    again = services.client_files.import_clients(w.hq_compliance, path)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)


def test_unknown_branches_and_another_branch_are_invalid_rows(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    services.branches.add(w.root, "B4", "二部")  # a second branch named 二部
    officer = make_actor(w, "compliance-branch")  # works for HQ only
    path = write_csv(tmp_path / "c.csv", rows_with_branches("NOWHERE", "二部", "B2", "hq", ""), HEADERS)
    report = tmp_path / "r.xlsx"
    result = services.client_files.import_clients(officer, path, partial=True, report=report)
    assert [(i.row, i.field, i.code, i.value) for i in result.issues] == [
        (2, "branch", "unknown-branch", "NOWHERE"),
        (3, "branch", "ambiguous-branch", "二部"),
        (4, "branch", "other-branch", "B2"),
    ]
    assert "only into your own branch" in result.issues[2].reason
    assert (result.new, result.invalid, result.exit_code) == (2, 3, 3)
    assert [branch_of(services, a) for a in ("A000002", "A000003", "A000004")] == [None, "HQ", "HQ"]
    problems = list(openpyxl.load_workbook(report, read_only=True)["problems"].iter_rows(values_only=True))
    assert problems[3][1:4] == ("营业部", "B2", "other-branch")
    # Firm-wide compliance may import into any branch.
    assert services.client_files.import_clients(w.hq_compliance, path, partial=True).invalid == 2


def test_branch_staff_never_touch_another_branchs_client(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)  # B1 is a client of B2, A1 of HQ
    officer = make_actor(w, "compliance-branch")
    rows = [["B1", "改名", "", "普通投资者", "激进型", "2026-03-02", "否", "否", ""]]
    result = services.client_files.import_clients(officer, write_csv(tmp_path / "c.csv", rows, HEADERS), partial=True)
    assert [(i.field, i.code) for i in result.issues] == [("account", "other-branch-client")]
    assert (result.changed, result.new, result.missing) == (0, 0, 1)  # A1 is missing; B1 is not theirs to list
    assert services.investors.get(w.hq_compliance, "B1").name != "改名"


def test_an_import_does_not_move_a_client(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    before = services.investors.get(w.hq_compliance, "A1")
    row = [["A1", before.name, "", "普通投资者", "积极型", "2026-03-02", "否", "否", "B3"]]
    result = services.client_files.import_clients(w.hq_compliance, write_csv(tmp_path / "c.csv", row, HEADERS))
    assert (result.written, result.exit_code) == (False, 2)
    assert [(i.field, i.code, i.value) for i in result.issues] == [("branch", "branch-move", "B3")]
    assert branch_of(services, "A1") == "HQ"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_branch_and_the_round_trip_is_lossless(
    services: Services, tmp_path: Path, suffix: str
) -> None:
    w = make_world(services, tmp_path)
    services.client_files.import_clients(
        w.hq_compliance, write_csv(tmp_path / "c.csv", rows_with_branches("B2", "B3", "HQ"), HEADERS)
    )
    out = tmp_path / f"out{suffix}"
    services.client_files.export_clients(w.hq_compliance, out)
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(out, read_only=True)["clients"]
        header = next(sheet.iter_rows(values_only=True))
        assert header[FIELDS.index("branch")] == "营业部"
    again = services.client_files.import_clients(w.hq_compliance, out)
    assert (again.new, again.changed, again.invalid) == (0, 0, 0)
    assert again.unchanged == again.rows
    assert branch_of(services, "A000001") == "B3"


# -- the fast paths give what the general path gives -----------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        ("A1", "ordinary", 3, dt.date(2026, 3, 2), True, dt.date(1990, 1, 1), False, False, 1, "王芳", None),
        ('A"1\\', "professional", None, None, 0, None, 1, True, None, 'O"Neil \\ \x01', "11010519900101123X"),
        ("客户\u2028号", "professional-as-ordinary", 5, "2026-03-02", 1, "1950-12-31", 0, 0, 17, "😀\u2029", ""),
    ],
)
def test_the_written_out_seal_message_is_investor_message(values: tuple[object, ...]) -> None:
    account, cls, profile, assessed, lowest, born, special, due, branch, name, id_number = values
    reference = {
        "account": account,
        "investor_class": cls,
        "current_profile": profile,
        "current_assessed_on": dt.date.fromisoformat(assessed) if isinstance(assessed, str) else assessed,
        "lowest_category": bool(lowest),
        "birth_date": dt.date.fromisoformat(born) if isinstance(born, str) else born,
        "special_attention": bool(special),
        "reassessment_due": bool(due),
        "branch_id": branch,
        "name": name,
        "id_number": id_number,
    }
    assert investor_message_of(*values) == investor_message(reference)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "values",
    [
        ("A1", "ordinary", 3, dt.date(2026, 3, 2), True, False, "HQ"),
        ('A"1\\\u00e9', "professional", None, None, 0, 1, "上海一部"),
        ("客户号", "ordinary", 1, "2026-01-31", 1, 1, "B-2"),
    ],
)
def test_the_written_out_added_facts_are_canonical_json(values: tuple[object, ...]) -> None:
    args = (*values, "ab" * 32)
    assert added_facts_json(*args) == canonical_json(added_facts(*args))  # type: ignore[arg-type]


def imported(services: Services) -> list[tuple[object, ...]]:
    """The imported clients as stored, without what differs between stores by design."""
    with services.store.session(read_only=True) as s:
        rows = s.execute(
            select(
                Investor.account,
                Investor.name,
                Investor.id_number,
                Investor.birth_date,
                Investor.investor_class,
                Investor.current_profile,
                Investor.current_assessed_on,
                Investor.lowest_category,
                Investor.special_attention,
                Investor.branch_id,
                Investor.integrity,
            )
            .where(Investor.account.like("A0%"))
            .order_by(Investor.account)
        ).all()
    # The seal's HMAC is the same for the same values; its trail reference (@seq) differs.
    return [(*r[:-1], str(r[-1]).rsplit(":", 1)[0]) for r in rows]


def test_the_empty_store_path_stores_what_the_general_path_stores(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    """A first import into a store without clients skips the comparisons with the store;
    the clients it writes are those the general path writes from the same file."""
    w = make_world(services, tmp_path)  # clients A1 and B1 exist: the general path
    rows = client_rows(30)
    rows[3][4], rows[3][5] = "", ""  # no assessment
    rows[5][6], rows[5][4] = "是", "保守型"  # lowest category
    path = write_csv(tmp_path / "c.csv", [[*r, "B2" if i % 2 else ""] for i, r in enumerate(rows)], HEADERS)
    general = services.client_files.import_clients(w.hq_compliance, path)
    assert not general.invalid
    other = make_services(str(tmp_path / "fresh.db"), clock)
    try:
        root = staff(other, Role.ADMIN, "t-root")
        other.branches.add(root, "B2", "二部", "上海")
        first = other.client_files.import_clients(staff(other, Role.COMPLIANCE), path)
        assert first.counts() == {**general.counts(), "missing": 0}
        # Every stored value is the same (the branch by its code; the row keys differ by store).
        assert [r[:9] for r in imported(other)] == [r[:9] for r in imported(services)]
        codes = [branch_of(other, f"A{n:06d}") for n in range(30)]
        assert codes == [branch_of(services, f"A{n:06d}") for n in range(30)]
        assert other.audit.verify(root).ok
    finally:
        other.close()


def test_a_tampered_row_still_fails_closed(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    path = write_csv(tmp_path / "c.csv", rows_with_branches("HQ", "HQ"), HEADERS)
    services.client_files.import_clients(w.hq_compliance, path)
    with services.store.session() as s:  # changed outside suitcheck
        s.execute(update(Investor).where(Investor.account == "A000001").values(current_profile=5))
        s.commit()
    rows = rows_with_branches("HQ", "HQ")
    rows[1][4] = "保守型"
    before = imported(services)
    with pytest.raises(ServiceError, match="changed outside suitcheck"):
        services.client_files.import_clients(w.hq_compliance, write_csv(tmp_path / "d.csv", rows, HEADERS))
    assert imported(services) == before


# -- progress --------------------------------------------------------------------------------


def test_progress_moves_through_every_phase_and_stop_in_any_leaves_the_store(
    services: Services, tmp_path: Path
) -> None:
    w = make_world(services, tmp_path)
    base = client_rows(1_200)
    services.client_files.import_clients(w.hq_compliance, write_csv(tmp_path / "a.csv", base[:600]))
    for row in base[:600:3]:
        row[4], row[5] = "激进型", "2026-03-03"  # 200 re-assessed, 600 new
    path = write_csv(tmp_path / "b.csv", base)
    dry = services.client_files.import_clients(w.hq_compliance, path, dry_run=True)
    spans = progress_span(dry.counts())
    # Stop as each phase begins: nothing changes.
    for phase, _ in PHASES:
        before = (imported(services), head(services))
        reached: list[str] = []

        def note(p: str, n: int, seen: list[str] = reached) -> None:
            seen.append(p)

        def stop(seen: list[str] = reached, at: str = phase) -> bool:
            return at in seen

        with pytest.raises(ImportCancelled):
            services.client_files.import_clients(w.hq_compliance, path, progress=note, cancelled=stop)
        assert (imported(services), head(services)) == before
    seen: list[tuple[str, int]] = []
    services.client_files.import_clients(w.hq_compliance, path, progress=lambda p, n: seen.append((p, n)))
    phases = [p for p, _ in seen]
    assert sorted(set(phases), key=phases.index) == [p for p, _ in PHASES]
    bar = [spans[p][0] + min(n, spans[p][1]) for p, n in seen]
    assert bar == sorted(bar)
    assert bar[-1] == sum(length for _, length in spans.values())


def head(services: Services) -> int:
    with services.store.session(read_only=True) as s:
        return int(s.execute(select(func.max(AuditEntry.seq))).scalar_one() or 0)
