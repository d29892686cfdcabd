"""A client file whose safety column (the lowest category, the class, special attention) is
headed in a way the import does not know: it was listed under "Columns ignored" and every
client was imported without the fact, so a client the firm's core system puts in the
lowest category could be given reports above R1 after a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.clients import map_columns, safety_field
from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.client_import import COLUMNS_UNREAD
from suitcheck.services.errors import ServiceError
from tests.cli import test_client_import_cli as import_cli
from tests.services.clientfiles import HEADERS_ZH, client_rows, write_csv


def _file(tmp_path: Path, header: str, flag: str = "是", column: int = 6) -> Path:
    headers = list(HEADERS_ZH)
    headers[column] = header
    rows = client_rows(2)
    for row in rows:
        row[4] = "保守型"
        row[column] = flag
    return write_csv(tmp_path / "clients.csv", rows, headers=headers)


# The command line's store fixtures (a seeded demo store, a private copy for each test).
seeded, store, cli = import_cli.seeded, import_cli.store, import_cli.cli


@pytest.mark.parametrize(
    ("header", "column", "field"),
    [
        ("最低风险承受能力类别", None, None),  # now a known name
        ("是否为最低类别", None, None),
        ("lowest risk category", None, None),
        ("风险承受能力最低类别标识", 6, "lowest_category"),
        ("最低风险类别(是/否)", 6, "lowest_category"),
        ("Lowest-Risk Flag", 6, "lowest_category"),
        ("无民事行为能力", 6, "lowest_category"),
        ("是否专业投资者", 3, "class"),
        ("专业投资者类型", 3, "class"),
        ("客户类型", 3, "class"),
        ("Investor Type Code", 3, "class"),
        ("特别关注标志", 7, "special_attention"),
        ("老年客户", 7, "special_attention"),
        ("Special Attention?", 7, "special_attention"),
        ("身份证件号码", 2, "id_number"),  # the birth date: a minor, the special-attention age
        ("ID Card No.", 2, "id_number"),
    ],
)
def test_a_safety_column_under_an_unknown_name_is_never_left_unread(
    services: Services, compliance: Actor, tmp_path: Path, header: str, column: int | None, field: str | None
) -> None:
    at = 6 if column is None else column
    flag = "是" if at != 3 else "普通投资者"
    path = _file(tmp_path, header, flag, at)
    if field is None:  # a name the import knows now: the flag is read
        result = services.client_files.import_clients(compliance, path)
        assert (result.new, result.invalid, result.ignored_columns) == (2, 0, ())
        view = services.investors.get(compliance, "A000000")
        assert view.lowest_category
        assert view.profile is RiskProfile.C1
        return
    with pytest.raises(ServiceError) as caught:
        services.client_files.import_clients(compliance, path, dry_run=True)
    assert caught.value.code == COLUMNS_UNREAD
    assert caught.value.params["columns"] == [header]
    assert caught.value.params["fields"] == [field]
    text = str(caught.value)
    assert repr(header) in text
    assert "nothing was imported" in text
    known = {
        "lowest_category": "最低类别",
        "class": "投资者类别",
        "special_attention": "特别关注",
        "id_number": "证件号码",
    }
    assert known[field] in text
    with pytest.raises(ServiceError):
        services.client_files.import_clients(compliance, path)
    assert services.investors.search(compliance, "A000000") == []


def test_a_mapping_names_the_column_or_passes_it_over(services: Services, compliance: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, "最低风险类别(是/否)")
    result = services.client_files.import_clients(compliance, path, mapping={"最低风险类别(是/否)": "lowest_category"})
    assert (result.new, result.invalid) == (2, 0)
    assert services.investors.get(compliance, "A000001").lowest_category


def test_ignore_in_a_mapping_is_a_deliberate_pass_over(services: Services, compliance: Actor, tmp_path: Path) -> None:
    headers = [*HEADERS_ZH, "特殊账户备注"]
    rows = [[*row, "x"] for row in client_rows(1)]
    path = write_csv(tmp_path / "clients.csv", rows, headers=headers)
    with pytest.raises(ServiceError):
        services.client_files.import_clients(compliance, path)
    result = services.client_files.import_clients(compliance, path, mapping={"特殊账户备注": "ignore"})
    assert (result.new, result.ignored_columns) == (1, ("特殊账户备注",))
    # "ignore" never takes a known column away behind the file's back: only the one named.
    assert not services.investors.get(compliance, "A000000").special_attention


def test_ordinary_columns_are_still_passed_over_and_named() -> None:
    others = ("备注", "联系电话", "开户日期", "证件类型", "证件有效期", "风险测评到期日")
    columns = map_columns([*HEADERS_ZH, *others])
    assert columns.usable
    assert columns.ignored == others
    for header in (*others, "资金账号"):
        assert safety_field(header) is None


def test_a_known_name_is_never_taken_for_another_safety_column() -> None:
    """The widened names each land on their own field: none of them reads as another."""
    headers = ["资金账号", "客户姓名", "最低风险承受能力类别", "投资者类型", "特别关注客户"]
    columns = map_columns(headers)
    assert columns.columns == {
        "account": 0,
        "name": 1,
        "lowest_category": 2,
        "class": 3,
        "special_attention": 4,
    }
    assert columns.unread == ()


def test_the_command_refuses_the_file_in_one_sentence_and_writes_nothing(store: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "最低风险类别(是/否)")
    code, out, err = cli(store, "investor", "import", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "'最低风险类别(是/否)'" in err
    assert "风险承受能力最低类别" in err
    assert '"最低风险类别(是/否)" = "lowest_category"' in err
    code, out, _ = cli(store, "investor", "show", "A000000")
    assert code != 0
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"最低风险类别(是/否)" = "lowest_category"\n', "utf-8")
    code, out, err = cli(store, "investor", "import", str(path), "--mapping", str(mapping))
    assert code == 0, err
    code, out, _ = cli(store, "investor", "show", "A000000", "--json")
    assert code == 0
    assert '"lowest_category": true' in out
