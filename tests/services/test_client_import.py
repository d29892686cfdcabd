"""Importing and re-syncing clients from core-system exports: validated like `investor add`,
all or nothing by default, idempotent, audited per changed client."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.client_import import CHANGED_SINCE_CHECKED, DiffItem, ImportCancelled, load_mapping
from suitcheck.services.errors import InvalidInput, PermissionDenied, ServiceError
from suitcheck.store.models import Assessment, AuditEntry, Investor
from tests.conftest import TODAY, add_client, staff
from tests.fixtures import pipe_written_late
from tests.services.clientfiles import HEADERS_EN, HEADERS_ZH, client_rows, make_id, write_csv, write_xlsx


def counts(services: Services) -> tuple[int, int, int]:
    with services.store.session(read_only=True) as s:
        return (
            s.execute(select(func.count()).select_from(Investor)).scalar_one(),
            s.execute(select(func.count()).select_from(Assessment)).scalar_one(),
            s.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
        )


def actions(services: Services, since: int) -> list[str]:
    with services.store.session(read_only=True) as s:
        return list(
            s.execute(
                select(AuditEntry.action)
                # The trail's own bookkeeping (seals, record seals) is not what the import did.
                .where(AuditEntry.seq > since, AuditEntry.action.not_in(("seal", "record-sealed")))
                .order_by(AuditEntry.seq)
            ).scalars()
        )


def head(services: Services) -> int:
    return counts(services)[2]


@pytest.mark.parametrize(
    ("suffix", "encoding"),
    [(".csv", "utf-8"), (".csv", "utf-8-sig"), (".csv", "gbk"), (".csv", "gb18030"), (".xlsx", None)],
)
def test_each_encoding_and_format_imports_the_same_clients(
    services: Services, compliance: Actor, tmp_path: Path, suffix: str, encoding: str | None
) -> None:
    rows = client_rows(5)
    if encoding == "gb18030":
        rows[0][1] = "𠀀𠀁"  # outside GBK: only GB18030 encodes it
    path = tmp_path / f"clients{suffix}"
    if suffix == ".csv":
        assert encoding is not None
        write_csv(path, rows, encoding=encoding)
    else:
        write_xlsx(path, rows)
    result = services.client_files.import_clients(compliance, path)
    assert (result.rows, result.new, result.invalid, result.written) == (5, 5, 0, True)
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gbk", "gb18030": "gbk", None: None}[encoding]
    assert result.encoding == expected
    view = services.investors.get(compliance, "A000000")
    assert view.name == rows[0][1]
    assert view.profile is RiskProfile.C3
    assert view.assessed_on == dt.date(2026, 3, 2)
    assert view.id_number == make_id(0)


def test_xlsx_date_cells_number_cells_and_a_named_sheet(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [880001, "甲", make_id(1), "ordinary", "C2", dt.datetime(2026, 3, 2), "否", "否"],
        [880002.0, "乙", None, "professional", None, None, False, True],
        [880003, "丙", 1.10105198001010e17, "ordinary", "C1", 20260302, "是", "否"],  # ID typed as a number
    ]
    path = write_xlsx(tmp_path / "c.xlsx", rows, sheet="导出", extra_sheets=["说明"])
    with pytest.raises(InvalidInput, match="no sheet 'x'.*导出, 说明"):
        services.client_files.import_clients(compliance, path, sheet="x")
    result = services.client_files.import_clients(compliance, path, sheet="导出", partial=True)
    assert result.sheet == "导出"
    assert [(i.row, i.field, i.code) for i in result.issues] == [(4, "id_number", "id-as-number")]
    assert services.investors.get(compliance, "880001").assessed_on == dt.date(2026, 3, 2)
    second = services.investors.get(compliance, "880002")
    assert second.investor_class is InvestorClass.PROFESSIONAL
    assert second.special_attention


def test_english_headers_tabs_and_a_mapping_file(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "en.csv", client_rows(2), headers=HEADERS_EN, sep="\t")
    assert services.client_files.import_clients(compliance, path).new == 2
    odd = ["客户代码X", "户名", "证件号码", "投资者类别", "风险级别", "测评日期", "最低类别", "特别关注"]
    path = write_csv(tmp_path / "odd.csv", client_rows(2, start=10), headers=odd)
    with pytest.raises(InvalidInput, match="no column for: account, name"):
        services.client_files.import_clients(compliance, path)
    mapping = {"客户代码X": "account", "户名": "name", "风险级别": "profile"}
    assert services.client_files.import_clients(compliance, path, mapping=mapping).new == 2


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gbk", "\r\n"), ("utf-16", "\r\n")]
)
def test_a_mapping_file_as_notepad_saves_it(tmp_path: Path, encoding: str, newline: str) -> None:
    """Notepad on a Chinese Windows saves "UTF-8" with a byte-order mark (before 2019),
    or ANSI (GBK), or "Unicode" (UTF-16): the mapping was read as UTF-8 only, and refused
    with "not valid TOML: Invalid statement (at line 1, column 1)" or "not UTF-8 text"."""
    path = tmp_path / "mapping.toml"
    path.write_bytes(newline.join(["[columns]", '"客户代码" = "account"', '"户名" = "name"', ""]).encode(encoding))
    assert load_mapping(path) == {"客户代码": "account", "户名": "name"}


def _folder_in_place(path: Path) -> contextlib.AbstractContextManager[None]:
    path.mkdir()
    return contextlib.nullcontext()


def _pipe_in_place(path: Path) -> contextlib.AbstractContextManager[None]:
    return pipe_written_late(path, b'[columns]\n"x" = "account"\n')


# What can stand in a mapping file's place: a folder on every system, and where the system
# has named pipes (not Windows, which has none in a folder) one whose writer comes late.
NOT_REGULAR = {"folder": _folder_in_place, **({"pipe": _pipe_in_place} if hasattr(os, "mkfifo") else {})}


@pytest.mark.parametrize("kind", sorted(NOT_REGULAR))
def test_a_mapping_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    """`--mapping PIPE` waited on the pipe for a writer for ever, deaf to SIGTERM (here one
    comes after a while, so the test fails rather than hangs). Refused at once, in one
    sentence, unread."""
    path = tmp_path / "mapping.toml"
    with NOT_REGULAR[kind](path), pytest.raises(InvalidInput) as refused:
        load_mapping(path)
    assert str(refused.value).startswith("The mapping file mapping.toml cannot be read: ")
    if kind == "pipe":
        assert str(refused.value) == "The mapping file mapping.toml cannot be read: it is not a regular file."


def test_a_mapping_file_over_a_megabyte_is_refused_unread(tmp_path: Path) -> None:
    """`--mapping /dev/zero` read until memory ran out: no more than 1 MB is read."""
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (1 << 20) + b"\n[columns]\n")
    with pytest.raises(InvalidInput, match="^The mapping file big.toml is larger than 1 MB"):
        load_mapping(big)


def test_any_invalid_row_writes_nothing(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rows = client_rows(4)
    rows[2][4] = "C7"
    path = write_csv(tmp_path / "c.csv", rows)
    before = counts(services)
    result = services.client_files.import_clients(compliance, path)
    assert (result.written, result.exit_code, result.invalid, result.new) == (False, 2, 1, 3)
    assert [(i.row, i.column, i.value, i.code) for i in result.issues] == [(4, "风险承受能力", "C7", "unknown-profile")]
    assert counts(services) == before


def test_partial_writes_the_valid_rows_and_reports_the_rest(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rows = client_rows(4)
    rows[1][2] = make_id(1)[:-1] + ("1" if make_id(1)[-1] != "1" else "2")  # wrong check character
    path = write_csv(tmp_path / "c.csv", rows)
    before = counts(services)
    result = services.client_files.import_clients(compliance, path, partial=True)
    assert (result.written, result.exit_code, result.new, result.invalid) == (True, 3, 3, 1)
    issue = result.issues[0]
    assert (issue.row, issue.field, issue.code) == (3, "id_number", "invalid-id")
    assert issue.value.startswith("110105")
    assert "19500101" not in issue.value  # masked
    after = counts(services)
    assert after[0] - before[0] == 3
    assert after[1] - before[1] == 3
    # one entry per new client plus one for the import
    assert actions(services, before[2]) == ["client-added"] * 3 + ["client-import"]


def test_dry_run_writes_nothing_and_lists_the_diff(services: Services, compliance: Actor, tmp_path: Path) -> None:
    add_client(services, compliance, "A000000", RiskProfile.C2, days_ago=200, name="旧名字", id_number=make_id(0))
    rows = client_rows(3)
    rows[2][5] = "2099-01-01"
    path = write_csv(tmp_path / "c.csv", rows)
    before = counts(services)
    items: list[DiffItem] = []
    result = services.client_files.import_clients(compliance, path, dry_run=True, on_item=items.append)
    assert counts(services) == before
    assert (result.written, result.new, result.changed, result.unchanged, result.invalid) == (False, 1, 1, 0, 1)
    assert result.exit_code == 2  # what the real run would do
    by_kind = {i.kind: i for i in items}
    assert by_kind["changed"].changes["name"] == ("旧名字", "客户0")
    assert by_kind["changed"].changes["profile"] == ("C2", "C3")
    assert by_kind["new"].account == "A000001"
    assert [i.code for i in result.issues] == ["future-date"]


def test_the_same_file_twice_changes_nothing(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", client_rows(6))
    services.client_files.import_clients(compliance, path)
    before = counts(services)
    result = services.client_files.import_clients(compliance, path)
    assert (result.new, result.changed, result.unchanged) == (0, 0, 6)
    after = counts(services)
    assert after[:2] == before[:2]
    assert actions(services, before[2]) == ["client-import"]


def test_a_changed_profile_becomes_history_and_a_changed_name_an_audited_edit(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    services.client_files.import_clients(compliance, write_csv(tmp_path / "v1.csv", client_rows(3)))
    rows = client_rows(3)
    rows[0][4], rows[0][5] = "积极型", "2026/6/1"
    rows[1][1] = "客户1改名"
    rows[2][7] = "是"
    start = head(services)
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "v2.csv", rows))
    assert (result.changed, result.unchanged, result.new) == (3, 0, 0)
    history = services.investors.history(compliance, "A000000")
    assert [(h.profile, h.assessed_on) for h in history] == [
        (RiskProfile.C3, dt.date(2026, 3, 2)),
        (RiskProfile.C4, dt.date(2026, 6, 1)),
    ]
    assert services.investors.get(compliance, "A000000").profile is RiskProfile.C4
    assert services.investors.get(compliance, "A000001").name == "客户1改名"
    assert services.investors.get(compliance, "A000002").special_attention
    bookkeeping = ("seal", "record-sealed")
    entries = [e for e in services.audit.browse(compliance, limit=12) if e.seq > start and e.action not in bookkeeping]
    assert sorted(e.action for e in entries) == ["assessment", "client-edited", "client-edited", "client-import"]
    edit = next(e for e in entries if e.action == "client-edited" and e.client_account == "A000001")
    assert '"name":{"new":"客户1改名","old":"客户1"}' in edit.facts
    imported = next(e for e in entries if e.action == "client-import")
    assert f'"sha256":"{result.sha256}"' in imported.facts
    assert '"changed":3' in imported.facts
    assert imported.staff == compliance.username
    again = services.client_files.import_clients(compliance, tmp_path / "v2.csv")
    assert (again.changed, again.unchanged) == (0, 3)


def test_an_imported_assessment_does_not_clear_a_changed_situation(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    services.client_files.import_clients(compliance, write_csv(tmp_path / "v1.csv", client_rows(1)))
    services.investors.mark_reassessment_due(compliance, "A000000", "客户退休，收入变化")
    rows = client_rows(1, assessed="2026-06-01")
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "v2.csv", rows))
    assert result.changed == 1
    view = services.investors.get(compliance, "A000000")
    assert view.assessed_on == dt.date(2026, 6, 1)
    assert view.reassessment_due
    entry = [e for e in services.audit.browse(compliance, limit=4) if e.action not in ("seal", "record-sealed")][1]
    assert entry.action == "assessment"
    assert '"reassessment_due_kept":true' in entry.facts


def test_an_older_assessment_in_the_file_is_not_recorded(services: Services, compliance: Actor, tmp_path: Path) -> None:
    add_client(services, compliance, "A000000", RiskProfile.C4, days_ago=10, name="客户0", id_number=make_id(0))
    path = write_csv(tmp_path / "old.csv", client_rows(1, assessed="2025-01-01"))
    result = services.client_files.import_clients(compliance, path)
    assert (result.changed, result.unchanged, result.stale) == (0, 1, 1)
    assert len(services.investors.history(compliance, "A000000")) == 1


def test_duplicates_in_the_file_are_invalid_rows(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rows = client_rows(4)
    rows[3][0] = rows[0][0]  # same account twice
    rows[2][2] = rows[1][2]  # same ID number on two accounts
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "d.csv", rows), partial=True)
    assert sorted((i.row, i.code) for i in result.issues) == [
        (2, "duplicate-account"),
        (3, "duplicate-id"),
        (4, "duplicate-id"),
        (5, "duplicate-account"),
    ]
    assert result.new == 0


def test_an_id_number_of_another_account_is_reported_never_merged(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    add_client(services, compliance, "OLD1", RiskProfile.C3, id_number=make_id(0))
    add_client(services, compliance, "A000001", RiskProfile.C3, name="客户1", id_number=make_id(500))
    rows = client_rows(3)
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True)
    assert sorted((i.row, i.code) for i in result.issues) == [(2, "id-on-other-account"), (3, "id-differs")]
    assert result.issues[0].value == "110105" + "*" * 8 + make_id(0)[-4:]
    assert services.investors.get(compliance, "OLD1").id_number == make_id(0)
    with pytest.raises(Exception, match="No client"):
        services.investors.get(compliance, "A000000")


def test_an_id_number_stored_in_its_fifteen_digit_form_is_the_same_person(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """Records kept before numbers were normalised hold the legacy 15-digit form (as
    investor add knows: test_who_may_act). The import compared the 18-character form only,
    so a file gave that person a second account, and re-syncing their own account called
    the same number 'id-differs'."""
    from sqlalchemy import update

    eighteen = make_id(0)  # born 1950: a number with a legacy form
    add_client(services, compliance, "OLD15", RiskProfile.C3, id_number=eighteen)
    add_client(services, compliance, "A000001", RiskProfile.C3, name="客户1", id_number=make_id(1))
    legacy = func.substr(Investor.id_number, 1, 6).concat(func.substr(Investor.id_number, 9, 9))
    with services.ctx.core_transaction() as conn:  # as an upgrade sealed records of that time
        conn.execute(update(Investor).where(Investor.account.in_(["OLD15", "A000001"])).values(id_number=legacy))
        services.ctx.rows.seal_accounts(conn, ["OLD15", "A000001"])
    assert services.investors.get(compliance, "OLD15").id_number == eighteen[:6] + eighteen[8:17]
    rows = client_rows(2)  # A000000 (the person of OLD15, 18-character form), A000001 (its own number)
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True)
    assert [(i.row, i.code) for i in result.issues] == [(2, "id-on-other-account")]
    assert result.new == 0
    with pytest.raises(Exception, match="No client"):
        services.investors.get(compliance, "A000000")


def test_the_import_never_lifts_the_lowest_category(services: Services, compliance: Actor, tmp_path: Path) -> None:
    add_client(services, compliance, "A000000", RiskProfile.C1, name="客户0", lowest_category=True)
    rows = client_rows(1)
    rows[0][4] = "C1"
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows))
    assert [i.code for i in result.issues] == ["lowest-lift"]
    assert not result.written
    rows[0][6] = "是"
    rows[0][3] = "专业投资者"
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows))
    assert [i.code for i in result.issues] == ["professional-lowest"]
    assert services.investors.get(compliance, "A000000").lowest_category


def test_the_import_never_leaves_a_lowest_category_client_above_c1(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A row putting a client in the lowest category was checked alone: with its C1
    assessment older than the C3 on record (kept, the older one ignored) or with no
    assessment at all, the client was stored in the lowest category with profile C3, a
    record investor edit refuses (the flag implies C1)."""
    add_client(services, compliance, "A000000", RiskProfile.C3, days_ago=10, name="客户0", id_number=make_id(0))
    add_client(services, compliance, "A000001", RiskProfile.C3, days_ago=10, name="客户1", id_number=make_id(1))
    rows = client_rows(2, assessed=(TODAY - dt.timedelta(days=60)).isoformat())
    rows[0][4:7] = ["C1", rows[0][5], "是"]  # an older C1 assessment in the lowest category
    rows[1][4:7] = ["", "", "是"]  # the flag without an assessment
    before = counts(services)
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows))
    assert [(i.row, i.field, i.code, i.value) for i in result.issues] == [
        (2, "lowest_category", "lowest-not-c1", "是"),
        (3, "lowest_category", "lowest-not-c1", "是"),
    ]
    assert (result.written, result.changed) == (False, 0)
    assert counts(services) == before
    assert not services.investors.get(compliance, "A000000").lowest_category


def test_a_column_the_file_lacks_changes_nobody(services: Services, compliance: Actor, tmp_path: Path) -> None:
    """A file without a class or special-attention column read every row as ordinary and
    without the flag: re-syncing it made professionals ordinary (and due for
    re-assessment) and took the caution off clients compliance had flagged."""
    add_client(services, compliance, "P1", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    add_client(services, compliance, "S1", RiskProfile.C3, special_attention=True)
    rows = [["P1", "客户P1"], ["S1", "客户S1"], ["N1", "新客户"]]
    result = services.client_files.import_clients(
        compliance, write_csv(tmp_path / "short.csv", rows, headers=["资金账号", "客户姓名"])
    )
    assert (result.new, result.changed, result.unchanged, result.written) == (1, 0, 2, True)
    assert services.investors.get(compliance, "P1").investor_class is InvestorClass.PROFESSIONAL
    assert not services.investors.get(compliance, "P1").reassessment_due
    assert services.investors.get(compliance, "S1").special_attention
    new = services.investors.get(compliance, "N1")  # a new client: the defaults
    assert (new.investor_class, new.special_attention, new.lowest_category) == (InvestorClass.ORDINARY, False, False)
    # The class on record is what the lowest category is checked against.
    flagged = write_csv(tmp_path / "flag.csv", [["P1", "客户P1", "是"]], headers=["资金账号", "客户姓名", "最低类别"])
    result = services.client_files.import_clients(compliance, flagged)
    assert [(i.row, i.code) for i in result.issues] == [(2, "professional-lowest")]
    assert not services.investors.get(compliance, "P1").lowest_category


def test_an_empty_cell_changes_nobody_either(services: Services, compliance: Actor, tmp_path: Path) -> None:
    """A file with a class and a special-attention column left empty (a core system that
    does not keep them; an export template's column) read every empty cell as ordinary and
    without the flag: the re-sync made professionals ordinary and took the caution off the
    clients compliance had flagged, as a file lacking the column did."""
    add_client(services, compliance, "P1", None, days_ago=None, investor_class=InvestorClass.PROFESSIONAL)
    add_client(services, compliance, "S1", RiskProfile.C3, special_attention=True)
    headers = ["资金账号", "客户姓名", "投资者类别", "特别关注"]
    rows = [["P1", "客户P1", "", ""], ["S1", "客户S1", " ", ""], ["N1", "新客户", "", ""], ["S2", "客户S2", "", "是"]]
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows, headers=headers))
    assert (result.new, result.changed, result.unchanged, result.written) == (2, 0, 2, True)
    assert services.investors.get(compliance, "P1").investor_class is InvestorClass.PROFESSIONAL
    assert services.investors.get(compliance, "S1").special_attention
    new = services.investors.get(compliance, "N1")  # a new client: the defaults
    assert (new.investor_class, new.special_attention) == (InvestorClass.ORDINARY, False)
    assert services.investors.get(compliance, "S2").special_attention
    # An explicit 否 still takes the flag off.
    rows = [["S1", "客户S1", "", "否"]]
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "d.csv", rows, headers=headers))
    assert result.changed == 1
    assert not services.investors.get(compliance, "S1").special_attention


def test_an_account_that_lost_its_leading_zeros_is_not_a_new_client(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """Excel reads 001234 as the number 1234 and saves it so (an XLSX number cell, or a
    CSV saved again): re-syncing such a file added a second client "1234" beside the
    client 001234, silently when the file holds no ID number to tell them apart."""
    add_client(services, compliance, "001234", RiskProfile.C1, name="客户甲", id_number=make_id(3))
    add_client(services, compliance, "0099", RiskProfile.C2, name="客户乙")
    rows = [["1234", "客户甲", "", "", "C5", "2026-06-01"], ["99", "客户乙"], ["5678", "新客户"], ["099", "客户乙"]]
    path = write_csv(tmp_path / "c.csv", rows, headers=HEADERS_ZH[:6])
    result = services.client_files.import_clients(compliance, path, partial=True)
    assert [(i.row, i.field, i.code, i.value) for i in result.issues] == [
        (2, "account", "account-lost-zeros", "1234"),
        (3, "account", "account-lost-zeros", "99"),
        (5, "account", "account-lost-zeros", "099"),
    ]
    assert result.new == 1
    assert services.investors.get(compliance, "001234").profile is RiskProfile.C1
    with pytest.raises(Exception, match="No client"):
        services.investors.get(compliance, "1234")


def test_an_account_cell_that_is_a_formula_in_csv_is_text_in_a_workbook(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """A CSV cell =A2 is a formula, whose value the file does not hold: an invalid row. An
    XLSX text cell =A2 is text (Excel shows it as written): that account, as on the form."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    rows = [["=A2", "客户甲"]]
    as_csv = write_csv(tmp_path / "c.csv", rows, headers=HEADERS_ZH[:2])
    result = sqlite_services.client_files.import_clients(compliance, as_csv, dry_run=True)
    assert [(i.row, i.code) for i in result.issues] == [(2, "account-formula")]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS_ZH[:2])
    sheet.append(rows[0])
    sheet["A2"].data_type = "s"  # a text cell (openpyxl takes a text beginning with = for a formula)
    as_xlsx = tmp_path / "c.xlsx"
    workbook.save(as_xlsx)
    result = sqlite_services.client_files.import_clients(compliance, as_xlsx)
    assert (result.new, result.invalid) == (1, 0)
    assert sqlite_services.investors.get(compliance, "=A2").name == "客户甲"


def test_a_name_whose_characters_the_file_could_not_hold_is_not_a_rename(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """A core system exporting in GBK writes "?" for a character GBK lacks (a rare one in
    a name, 生僻字): the re-sync renamed 王𠀀明 to 王?明, an audited edit of the sealed name."""
    add_client(services, compliance, "R1", RiskProfile.C3, name="王𠀀明")
    add_client(services, compliance, "R2", RiskProfile.C3, name="李四")
    rows = [["R1", "王?明"], ["R2", "李五"]]  # the second: a name that changed
    result = services.client_files.import_clients(
        compliance, write_csv(tmp_path / "c.csv", rows, headers=["资金账号", "客户姓名"], encoding="gbk"), partial=True
    )
    assert [(i.row, i.field, i.code, i.value) for i in result.issues] == [(2, "name", "name-lost-characters", "王?明")]
    assert services.investors.get(compliance, "R1").name == "王𠀀明"
    assert services.investors.get(compliance, "R2").name == "李五"


def test_clients_missing_from_the_file_are_untouched_and_listed_in_the_report(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    add_client(services, compliance, "GONE1", RiskProfile.C5, name="不在文件里")
    rows = client_rows(2)
    rows[1][5] = "2026-02-30"
    report = tmp_path / "report.xlsx"
    result = services.client_files.import_clients(
        compliance, write_csv(tmp_path / "c.csv", rows), partial=True, report=report
    )
    assert result.missing == 1
    assert services.investors.get(compliance, "GONE1").profile is RiskProfile.C5
    book = openpyxl.load_workbook(report, read_only=True)
    problems = list(book["problems"].iter_rows(values_only=True))
    assert problems == [
        ("row", "column", "value", "code", "reason"),
        (3, "测评日期", "2026-02-30", "bad-date", "is not a date (2026-03-02, 2026/3/2 or 20260302)"),
    ]
    assert list(book["missing"].iter_rows(values_only=True)) == [
        ("account", "name", "branch"),
        ("GONE1", "不在文件里", "HQ"),
    ]
    book.close()


def test_a_report_that_cannot_be_written_imports_nothing(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    before = counts(services)
    with pytest.raises(InvalidInput, match="an .xlsx file"):
        services.client_files.import_clients(compliance, path, report=tmp_path / "r.csv")
    with pytest.raises(ServiceError, match="Cannot write the report .*nothing was imported"):
        services.client_files.import_clients(compliance, path, report=path / "r.xlsx")  # its folder is a file
    assert counts(services) == before


def test_a_file_changed_since_its_dry_run_is_not_imported(sqlite_services: Services, tmp_path: Path) -> None:
    """The desk's wizard shows a dry run, then imports the file again by its name: a file
    saved over meanwhile (edited in Excel, the core system's next export) was imported
    unseen, the store left other than the dry run said."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    path = write_csv(tmp_path / "c.csv", client_rows(2))
    dry = sqlite_services.client_files.import_clients(compliance, path, dry_run=True)
    write_csv(path, client_rows(3))
    before = counts(sqlite_services)
    with pytest.raises(InvalidInput, match="c.csv changed since it was checked; nothing was imported") as refused:
        sqlite_services.client_files.import_clients(compliance, path, expect_sha256=dry.sha256)
    assert refused.value.code == CHANGED_SINCE_CHECKED  # a desk offers to check it again
    assert refused.value.params == {"path_name": "c.csv"}
    assert counts(sqlite_services) == before
    again = sqlite_services.client_files.import_clients(compliance, path, dry_run=True)
    assert sqlite_services.client_files.import_clients(compliance, path, expect_sha256=again.sha256).new == 3


def test_cancel_rolls_everything_back(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", client_rows(1_200))
    before = counts(services)
    phases: list[str] = []

    def cancel() -> bool:
        return "new" in phases

    with pytest.raises(ImportCancelled):
        services.client_files.import_clients(
            compliance, path, progress=lambda phase, n: phases.append(phase), cancelled=cancel
        )
    assert counts(services) == before
    # the store is usable afterwards and the staging table is gone
    assert services.client_files.import_clients(compliance, write_csv(tmp_path / "s.csv", client_rows(2))).new == 2


def test_only_staff_who_edit_clients_may_import(services: Services, advisor: Actor, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        services.client_files.import_clients(advisor, write_csv(tmp_path / "c.csv", client_rows(1)))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.txt", b"x", "are .csv or .xlsx"),
        ("c.csv", b"", "empty"),
        ("c.csv", b"\x00\x01\x02" * 50, "binary"),
        ("c.csv", b"\xef\xbb\xbf\xff\xfe", "starts like utf-8-sig"),
        ("c.xlsx", b"PK\x03\x04 not really", "not a readable XLSX"),
        ("c.csv", "姓名,证件号码\n张三,1\n".encode(), "no column for: account"),
    ],
)
def test_unusable_files_are_one_sentence(
    services: Services, compliance: Actor, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        services.client_files.import_clients(compliance, path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trip_is_lossless(services: Services, compliance: Actor, tmp_path: Path, suffix: str) -> None:
    rows = client_rows(3)
    rows[1][3], rows[1][4], rows[1][5] = "professional", "", ""
    rows[2][6], rows[2][4] = "是", "C1"
    rows[0][7] = "是"
    services.client_files.import_clients(compliance, write_csv(tmp_path / "in.csv", rows))
    add_client(services, compliance, "NOID", None, days_ago=None, name="没有证件")
    out = tmp_path / f"out{suffix}"
    assert services.client_files.export_clients(compliance, out).count == 4
    before = counts(services)
    again = services.client_files.import_clients(compliance, out)
    assert (again.unchanged, again.changed, again.new, again.invalid) == (4, 0, 0, 0)
    assert counts(services)[:2] == before[:2]


# Names and accounts a spreadsheet could take for a formula, and ones that already begin
# with the quote the export puts before such text.
FORMULA_LIKE = ['=HYPERLINK("http://evil.example","点我")', "+1", "@SUM(A1:A9)", "-2", "=1", "'=1", "''+1", "'abc"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trip_keeps_formula_like_names_and_accounts(
    services: Services, compliance: Actor, tmp_path: Path, suffix: str
) -> None:
    """The export puts a quote before text a spreadsheet would run as a formula, and the
    import read that quote as part of the name: re-importing an untouched export renamed
    '=1' to "'=1", '-2' to "'-2" (each an audited edit of the client), and took an account
    '=1+2' for a new client "'=1+2". The import reads the quote the export wrote as the
    mark it is, and the export marks a text that begins with such a quote, so each name
    and account comes back as it was."""
    for n, name in enumerate(FORMULA_LIKE):
        add_client(services, compliance, f"F{n}", RiskProfile.C3, name=name)
        if len(name) <= 32:  # an account's length
            add_client(services, compliance, name, RiskProfile.C3, name=f"账号{n}")
    names = {v.account: v.name for v in services.investors.search(compliance, "")}
    out = tmp_path / f"out{suffix}"
    services.client_files.export_clients(compliance, out)
    before = counts(services)
    again = services.client_files.import_clients(compliance, out)
    assert (again.unchanged, again.changed, again.new, again.invalid) == (len(names), 0, 0, 0)
    assert {v.account: v.name for v in services.investors.search(compliance, "")} == names
    assert counts(services)[:2] == before[:2]
    assert actions(services, before[2]) == ["client-import"]  # no client edited, none added


def test_export_masks_id_numbers_unless_the_role_may_see_them(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    services.client_files.import_clients(compliance, write_csv(tmp_path / "in.csv", client_rows(2)))
    out = tmp_path / "masked.csv"
    services.client_files.export_clients(advisor, out)
    text = out.read_text(encoding="utf-8-sig")
    assert make_id(0) not in text
    assert make_id(0)[:6] + "********" + make_id(0)[-4:] in text
    # a masked export read back changes no ID number
    result = services.client_files.import_clients(compliance, out)
    assert (result.unchanged, result.invalid) == (2, 0)
    full = tmp_path / "full.csv"
    services.client_files.export_clients(compliance, full)
    assert make_id(0) in full.read_text(encoding="utf-8-sig")
    assert "client-export" in actions(services, 0)


@pytest.mark.parametrize(
    ("changes", "code", "sentence"),
    [
        ({4: "C3", 6: "是"}, "lowest-not-c1", "has risk profile C1"),
        ({3: "专业投资者", 4: "", 5: "", 6: "是"}, "professional-lowest", "cannot be a professional investor"),
        ({5: "2026-06-16"}, "future-date", "cannot be in the future"),
        ({5: ""}, "profile-without-date", "needs its assessment date"),
    ],
)
def test_a_file_row_and_investor_add_obey_the_same_rules(
    services: Services, compliance: Actor, tmp_path: Path, changes: dict[int, str], code: str, sentence: str
) -> None:
    rows = client_rows(1)
    for column, value in changes.items():
        rows[0][column] = value
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows))
    assert [i.code for i in result.issues] == [code]
    account, name, _id, cls, profile, assessed, lowest, _special = rows[0]
    with pytest.raises(InvalidInput, match=sentence):
        services.investors.add(
            compliance,
            account=str(account),
            name=str(name),
            investor_class=InvestorClass.parse(str(cls)),
            profile=RiskProfile.parse(str(profile)) if profile else None,
            assessed_on=dt.date.fromisoformat(str(assessed)) if assessed else None,
            lowest_category=lowest == "是",
        )


def test_today_is_not_the_future(services: Services, compliance: Actor, tmp_path: Path) -> None:
    rows = client_rows(1, assessed=TODAY.isoformat())
    assert services.client_files.import_clients(compliance, write_csv(tmp_path / "t.csv", rows)).new == 1


def test_a_second_staff_member_sees_the_import_under_their_own_name(services: Services, tmp_path: Path) -> None:
    other = staff(services, Role.COMPLIANCE, "second-compliance")
    services.client_files.import_clients(other, write_csv(tmp_path / "c.csv", client_rows(1)))
    entry = services.audit.browse(other, limit=1)[0]
    assert (entry.action, entry.staff) == ("client-import", "second-compliance")


def test_the_larger_sqlite_cache_is_given_back(sqlite_services: Services, tmp_path: Path) -> None:
    """An import widens its SQLite connection's page caches; afterwards (and after a
    cancelled import) every pooled connection has the cache it had before."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    engine = sqlite_services.store.engine

    def caches() -> set[tuple[int, int]]:
        with contextlib.ExitStack() as stack:
            conns = [stack.enter_context(engine.connect()) for _ in range(max(_checked_in(engine.pool), 1))]
            return {
                (
                    c.exec_driver_sql("PRAGMA main.cache_size").scalar_one(),
                    c.exec_driver_sql("PRAGMA temp.cache_size").scalar_one(),
                )
                for c in conns
            }

    before = caches()
    assert (
        sqlite_services.client_files.import_clients(compliance, write_csv(tmp_path / "a.csv", client_rows(3))).new == 3
    )
    assert caches() == before
    with pytest.raises(ImportCancelled):
        sqlite_services.client_files.import_clients(
            compliance, write_csv(tmp_path / "b.csv", client_rows(5, start=10)), cancelled=lambda: True
        )
    assert caches() == before


def _checked_in(pool: object) -> int:
    """Idle connections in a QueuePool (the store's pool); its base class does not say."""
    count = getattr(pool, "checkedin", None)
    return int(count()) if callable(count) else 0


def test_export_marks_only_a_row_changed_in_the_database(services: Services, compliance: Actor, tmp_path: Path) -> None:
    """On both backends: the seal of every exported row is checked (the database builds the
    message); only the row changed outside suitcheck carries the mark, and the audit entry
    counts it. Re-importing the file leaves it as it is (not re-sealed)."""
    import csv

    from sqlalchemy import update

    from suitcheck.services.client_import import CHANGED_HEADER, CHANGED_MARK

    services.client_files.import_clients(compliance, write_csv(tmp_path / "in.csv", client_rows(3)))
    add_client(services, compliance, "引号\"'\u2028", RiskProfile.C2, name="名字,带逗号")
    out = tmp_path / "clean.csv"
    assert services.client_files.export_clients(compliance, out).changed_outside == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == CHANGED_HEADER
    assert [r[-1] for r in rows[1:]] == ["", "", "", ""]
    victim = rows[2][0]
    with services.store.engine.begin() as conn:
        conn.execute(update(Investor).where(Investor.account == victim).values(current_profile=5))
    marked = tmp_path / "marked.csv"
    done = services.client_files.export_clients(compliance, marked)
    assert (done.count, done.changed_outside) == (4, 1)
    with marked.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert {r[0]: r[-1] for r in rows[1:] if r[-1]} == {victim: CHANGED_MARK}
    again = services.client_files.import_clients(compliance, marked)
    assert (again.unchanged, again.changed, again.invalid) == (4, 0, 0)
    assert not services.investors.get(compliance, victim).record_intact


def test_a_rare_character_written_as_several_question_marks_is_not_a_rename(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """An encoder writes ?? for one character outside GBK (one ? a UTF-16 half) or one ?
    for two: the check wanted the file's name as long as the one on record, so 王??明 for
    王𠀀明 renamed the client. A name on record with a real ? stays a name a file may give."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    on_record = {"R1": "王𠀀明", "R2": "𠀀𠀁", "R3": "李?", "R4": "赵钱?", "R5": "周𠀀"}
    for account, name in on_record.items():
        add_client(sqlite_services, compliance, account, RiskProfile.C3, name=name)
    # R1: two ? for one; R2: one ? for two; R3: a real ? kept, another name; R4: the real ?
    # dropped (a rename); R5: the rare character lost, a ? still standing for it.
    rows = [["R1", "王??明"], ["R2", "?"], ["R3", "李四?"], ["R4", "赵钱"], ["R5", "周??"]]
    path = write_csv(tmp_path / "c.csv", rows, headers=["资金账号", "客户姓名"])
    result = sqlite_services.client_files.import_clients(compliance, path, partial=True)
    assert [(i.row, i.code) for i in result.issues] == [
        (2, "name-lost-characters"),
        (3, "name-lost-characters"),
        (6, "name-lost-characters"),
    ]
    names = {a: sqlite_services.investors.get(compliance, a).name for a in on_record}
    assert names == {**on_record, "R3": "李四?", "R4": "赵钱"}


def test_a_partial_import_of_only_invalid_rows_is_recorded_as_importing_nothing(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """The officer chose to import what is valid and nothing was: the trail keeps that the
    file (name, SHA-256) was imported with no client, as it keeps a re-sync that changed
    none, so the attempt is on record; no client is added or changed."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    rows = client_rows(2)
    rows[0][5] = rows[1][5] = "2026-13-01"
    before = counts(sqlite_services)
    result = sqlite_services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True)
    assert (result.written, result.new, result.changed, result.invalid, result.exit_code) == (True, 0, 0, 2, 3)
    assert counts(sqlite_services)[:2] == before[:2]
    assert actions(sqlite_services, before[2]) == ["client-import"]
    with sqlite_services.store.session(read_only=True) as s:
        facts = s.execute(select(AuditEntry.facts).where(AuditEntry.seq == result.audit_seq)).scalar_one()
    assert f'"sha256":"{result.sha256}"' in facts
    assert '"new":0' in facts
    assert '"invalid":2' in facts


def test_a_semicolon_separated_file_or_a_title_row_says_why_no_column_was_found(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """A CSV file separated by semicolons (a European Excel's "CSV"), or a title row above
    the header (客户名单 as a core system's report prints it), was refused as "no column
    for: account, name" with nothing to say why. The sentence now says which, a hint only:
    the columns are still not guessed, and the import and the wizard's preview refuse."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    files = sqlite_services.client_files
    semicolons = write_csv(tmp_path / "semi.csv", client_rows(2), sep=";")
    with pytest.raises(InvalidInput, match="no column for: account, name") as refused:
        files.import_clients(compliance, semicolons, dry_run=True)
    assert "the file seems to be separated by semicolons: save it as comma- or tab-separated CSV" in str(refused.value)
    assert files.preview(compliance, semicolons).hint == ("semicolons", None)
    titled = tmp_path / "titled.csv"
    titled.write_bytes(
        b"\xe5\xae\xa2\xe6\x88\xb7\xe5\x90\x8d\xe5\x8d\x95\r\n\r\n"
        + write_csv(tmp_path / "c.csv", client_rows(2)).read_bytes()
    )
    with pytest.raises(InvalidInput, match="no column for: account, name") as refused:
        files.import_clients(compliance, titled)
    assert "the header is not on the first row (row 3 holds the column names)" in str(refused.value)
    assert files.preview(compliance, titled).hint == ("header-below", 3)
    unknown = write_csv(tmp_path / "odd.csv", client_rows(2), headers=["客户代码X", "户名"])
    with pytest.raises(InvalidInput) as refused:
        files.import_clients(compliance, unknown)
    assert str(refused.value) == "The file has no column for: account, name (give the header names with --mapping)."
    assert files.preview(compliance, unknown).hint is None
    assert counts(sqlite_services)[0] == 0
