"""Client records from files: header aliases, value spellings, every row problem, mappings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from suitcheck.domain.clients import (
    FIELDS,
    ClientRecord,
    MappingError,
    Problem,
    format_row,
    key_problem,
    key_text_shown,
    map_columns,
    name_problem,
    parse_date,
    parse_flag,
    parse_mapping,
    parse_row,
    problem_sentence,
)
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.text import sheet_quoted

TODAY = dt.date(2026, 6, 15)


def make_id(birth: str = "19900101", seq: str = "123", area: str = "110105") -> str:
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")  # the argument includes a placeholder check digit


def row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"account": "880001", "name": "张三"}
    base.update(kw)
    return base


def problems(**kw: object) -> set[tuple[str, str]]:
    result = parse_row(row(**kw), TODAY)
    assert isinstance(result, list), result
    return {(p.field, p.code) for p in result}


@pytest.mark.parametrize(
    "headers",
    [
        [
            "资金账号",
            "客户姓名",
            "证件号码",
            "投资者类别",
            "风险承受能力",
            "测评日期",
            "最低类别",
            "特别关注",
            "营业部",
        ],
        ["客户号", "姓名", "身份证号", "投资者类别", "风险等级", "评估日期", "最低类别", "特别关注", "分支机构"],
        [
            "account",
            "name",
            "id_number",
            "class",
            "profile",
            "assessed",
            "lowest_category",
            "special_attention",
            "branch",
        ],
        [
            "Account",
            " Name ",
            "ID Number",
            "CLASS",
            "Profile",
            "Assessed",
            "Lowest Category",
            "special-attention",
            "Branch",
        ],
        [
            "ａｃｃｏｕｎｔ",
            "姓 名",
            "ID_NUMBER",
            "class",
            "profile",
            "assessed",
            "lowest_category",
            "特别关注",
            "营 业 部",
        ],
    ],
)
def test_header_aliases_in_chinese_and_english_map_every_field(headers: list[str]) -> None:
    mapped = map_columns(headers)
    assert mapped.usable
    assert mapped.columns == {field: i for i, field in enumerate(FIELDS)}


def test_unknown_headers_are_ignored_and_named_missing_required_reported() -> None:
    mapped = map_columns(["客户姓名", "开户营业部", "备注"])
    assert mapped.missing == ("account",)
    assert mapped.ignored == ("开户营业部", "备注")
    assert not mapped.usable


def test_two_columns_for_one_field_are_ambiguous_not_a_guess() -> None:
    mapped = map_columns(["资金账号", "客户号", "姓名"])
    assert mapped.ambiguous == ("account",)
    assert not mapped.usable


def test_mapping_file_names_other_headers() -> None:
    mapping = parse_mapping('[columns]\n"客户代码X" = "account"\n"户名" = "name"\n"风险级别" = "profile"\n')
    mapped = map_columns(["客户代码X", "户名", "风险级别"], mapping)
    assert mapped.columns == {"account": 0, "name": 1, "profile": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[columns\n", "not valid TOML"),
        ("x = 1\n", r"needs a \[columns\] table"),
        ('[columns]\n"户名" = "nickname"\n', "not one of"),
        ('[columns]\n"户名" = 3\n', "not one of"),
        ('[columns]\n"户名" = "name"\n[values]\na = "b"\n', "unknown tables"),
    ],
)
def test_bad_mapping_files_say_why(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(text)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-02",
        "2026/3/2",
        "20260302",
        "2026.03.02",
        "2026年3月2日",
        " 2026-3-2 ",
        "２０２６-03-02",
        20260302,
        dt.datetime(2026, 3, 2, 0, 0),
        dt.date(2026, 3, 2),
        # With the time: a database's datetime column exported as text, Excel's date-time
        # cell saved as CSV. Every row of such a file was invalid (bad-date).
        "2026-03-02 14:30:25",
        "2026-03-02T14:30:25",
        "2026/3/2 0:00",
        "2026-03-02 00:00:00.000",
    ],
)
def test_dates_in_every_spelling_exports_use(value: object) -> None:
    assert parse_date(value) == dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "02/03/2026", "2026-3", "昨天", "202603021", "46083", "2026-03-02 25:00", "2026-03-02 上午"],
)
def test_not_dates(value: str) -> None:
    with pytest.raises(ValueError, match="."):
        parse_date(value)


@pytest.mark.parametrize("value", ["是", "Y", "yes", "TRUE", "1", True, 1])
def test_yes(value: object) -> None:
    assert parse_flag(value) is True


@pytest.mark.parametrize("value", ["否", "N", "no", "false", "0", "", None, False, 0])
def test_no(value: object) -> None:
    assert parse_flag(value) is False


def test_a_full_row_in_chinese_spellings() -> None:
    number = make_id()
    record = parse_row(
        row(
            id_number=number.lower(),
            **{"class": "普通投资者"},
            profile="稳健型",
            assessed="2026/3/2",
            lowest_category="否",
            special_attention="是",
        ),
        TODAY,
    )
    assert record == ClientRecord(
        "880001",
        "张三",
        number,
        dt.date(1990, 1, 1),
        InvestorClass.ORDINARY,
        RiskProfile.C3,
        dt.date(2026, 3, 2),
        False,
        True,
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"account": ""}, {("account", "missing")}),
        ({"account": "A" * 33}, {("account", "too-long")}),
        ({"name": "  "}, {("name", "missing")}),
        ({"name": "名" * 129}, {("name", "too-long")}),
        ({"id_number": make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1")}, {("id_number", "invalid-id")}),
        ({"id_number": "110105199002301234"}, {("id_number", "invalid-id")}),
        # Born after today (2026-06-15): refused by a file as by investor add.
        ({"id_number": make_id("20260616")}, {("id_number", "invalid-id")}),
        ({"id_number": 1.10105199001011e17}, {("id_number", "id-as-number")}),
        ({"class": "VIP"}, {("class", "unknown-class")}),
        ({"profile": "C6", "assessed": "2026-01-01"}, {("profile", "unknown-profile")}),
        ({"profile": "C3"}, {("profile", "profile-without-date")}),
        ({"assessed": "2026-01-01"}, {("assessed", "date-without-profile")}),
        ({"profile": "C3", "assessed": "2026-13-01"}, {("assessed", "bad-date")}),
        ({"profile": "C3", "assessed": "2026-06-16"}, {("assessed", "future-date")}),
        ({"lowest_category": "可能"}, {("lowest_category", "bad-flag")}),
        ({"special_attention": "maybe"}, {("special_attention", "bad-flag")}),
        ({"lowest_category": "是", "profile": "C3", "assessed": "2026-01-01"}, {("lowest_category", "lowest-not-c1")}),
        ({"lowest_category": "是", "class": "专业投资者"}, {("lowest_category", "professional-lowest")}),
    ],
)
def test_every_bad_value_kind(values: dict[str, object], expected: set[tuple[str, str]]) -> None:
    assert problems(**values) == expected


# Account numbers that look like another, or like nothing: each can be told apart from
# "880001" only by a program. A clerk pasting from a web page, a core system's damaged
# export, or an insider's SQL gets them in.
LOOKALIKE_ACCOUNTS = [
    "880\u200b001",  # zero-width space
    "880001\u200d",  # zero-width joiner, at the end (strip() keeps it)
    "\ufeff880001",  # a byte-order mark inside the cell
    "880\u00ad001",  # soft hyphen
    "880\u202e100",  # right-to-left override: shows as 880001
    "880\u2066001",  # a bidirectional isolate
    "880\x00001",  # NUL
    "880\t001",  # a tab inside
    "880\x85001",  # a C1 control (next line)
    "880\u3000001",  # an ideographic space inside
    "880\u2028001",  # a line separator
    "880\ue000001",  # private use
    "880\ufffd01",  # what a byte that is not UTF-8 reads as
]


@pytest.mark.parametrize("account", LOOKALIKE_ACCOUNTS)
def test_an_account_number_is_only_characters_that_show_as_themselves(account: str) -> None:
    assert problems(account=account) == {("account", "unreadable-character")}
    assert not key_text_shown(account)


# What a Chinese input method left in full-width mode types, and other compatibility
# forms NFKC folds into ordinary characters: each would be a second client beside the one
# meant (an account is a key and is never folded; it is refused instead).
COMPATIBILITY_ACCOUNTS = ["８８０００１", "880００1", "ＡＢ001", "①23", "ﬁ001", "88⁰001", "880\uf900"]


@pytest.mark.parametrize("account", COMPATIBILITY_ACCOUNTS)
def test_an_account_number_is_in_its_ordinary_form(account: str) -> None:
    assert problems(account=account) == {("account", "compatibility-character")}
    assert key_problem(account) == "compatibility-character"
    assert key_text_shown(account)  # it does show as itself: a separate rule


@pytest.mark.parametrize("account", ["880001", "A-1_2", "88 0001", "客户001", "Ωmega-7", "=1+2"])
def test_accounts_that_show_as_written_are_accepted(account: str) -> None:
    """A space, letters of any script in their ordinary form, and formula-like text
    (neutralised where it is written; a file holds it with the quote mark an export puts
    before it, or it is a formula: test_an_account_that_is_a_formula_is_no_account)."""
    record = parse_row(row(account=sheet_quoted(account)), TODAY)
    assert isinstance(record, ClientRecord)
    assert record.account == account
    assert key_problem(account) is None


def test_a_name_is_kept_as_written_but_not_damaged_text() -> None:
    for name in ('逗号,引号"与换行', "O\u2019Brien", "名\u200d字", "Zoë", "阿卜杜·热合曼"):
        record = parse_row(row(name=name), TODAY)
        assert isinstance(record, ClientRecord)
        assert record.name == name
    assert problems(name="王\ufffd\ufffd") == {("name", "unreadable-character")}
    # A control or invisible character shows the name as another or breaks a list.
    for name in ("王\n五", "王\x00五", "\u202e五王", "王\u2028五", "王\x85五"):
        assert problems(name=name) == {("name", "unreadable-character")}, name
        assert name_problem(name, on_record=True) is None  # the very name a client already has
    assert name_problem("王\ufffd") == "unreadable-character"
    assert name_problem("王" * 129) == "too-long"  # the length is the first thing said


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", " #n/a "])
def test_a_spreadsheet_error_is_no_account_and_no_name(error: str) -> None:
    """A sheet saved as values keeps a failed formula's error (a VLOOKUP that found nothing:
    #N/A), and Excel writes it into a CSV as text: a re-sync renamed client 880003 陈思远
    to "#REF!", and a row of #N/A cells was a new client "#N/A"."""
    assert problems(account=error, name=error) == {("account", "spreadsheet-error"), ("name", "spreadsheet-error")}
    assert isinstance(parse_row(row(name=f"{error.strip()}先生"), TODAY), ClientRecord)  # only the error itself


@pytest.mark.parametrize("cell", ['=""880001""', '="880001', "=A2", '=TEXT(880001,"000000")', " =1+1"])
def test_an_account_that_is_a_formula_is_no_account(cell: str) -> None:
    """A CSV cell that is a formula other than ="880001" (which the reader reads as its
    text) was an account as written: '="880001' (its closing quote lost), '=""880001""'
    (a writer's quotes doubled twice) or =A2 was a new client beside 880001. A spreadsheet
    shows such a cell as a value the file does not hold."""
    assert problems(account=cell) == {("account", "account-formula")}
    known = parse_row(row(account=cell.strip()), TODAY, on_record=lambda account: account == cell.strip())
    assert isinstance(known, ClientRecord)  # a client whose account it is (a store from before the rule)
    assert isinstance(parse_row(row(account="'=A2"), TODAY), ClientRecord)  # an export's quoted text: =A2


@pytest.mark.parametrize("cell", [1.23456789012346e18, 1234567890123450, 1e15])
def test_an_account_number_cell_of_more_than_15_digits_lost_them(cell: object) -> None:
    """Excel holds 15 significant digits: 1234567890123456 typed in a number cell is saved
    as 1234567890123450, or 1.23456789012346E+18, which was read as the account
    "1234567890123460000", a new client beside the real one."""
    assert problems(account=cell) == {("account", "account-as-number")}
    assert isinstance(parse_row(row(account=123456789012345), TODAY), ClientRecord)  # 15 digits: held


@pytest.mark.parametrize("cell", ["1.23457E+17", "1.23456789012346E+18", "1.2345678901234568e+17", "8.8E+05"])
def test_an_account_a_spreadsheet_saved_in_scientific_notation_lost_its_digits(cell: str) -> None:
    """Excel shows a long account in a number cell as 1.23457E+17 and saves a CSV so (a
    core system's export opened and saved again): the account was read as the text
    "1.23457E+17", a new client beside the real one."""
    assert problems(account=cell) == {("account", "account-scientific")}
    assert isinstance(parse_row(row(account="12E34"), TODAY), ClientRecord)  # letters and digits: an account


@pytest.mark.parametrize("cell", ["880001.0", "001234.00"])
def test_an_account_a_program_wrote_as_a_decimal_number_is_no_account(cell: str) -> None:
    """A script that read the accounts as numbers (a column with an empty cell is a column
    of floats) writes 880001 as 880001.0: the account was read as the text "880001.0", a
    new client beside 880001 (an XLSX number cell 880001.0 already reads as 880001)."""
    assert problems(account=cell) == {("account", "account-decimal")}
    record = parse_row(row(account=880001.0), TODAY)
    assert isinstance(record, ClientRecord)
    assert record.account == "880001"
    assert isinstance(parse_row(row(account="8800.01"), TODAY), ClientRecord)  # not a whole number: as written


def test_a_row_reports_all_its_problems_at_once() -> None:
    assert problems(account="", id_number="123", profile="C9", assessed="x", special_attention="?") == {
        ("account", "missing"),
        ("id_number", "invalid-id"),
        ("profile", "unknown-profile"),
        ("assessed", "bad-date"),
        ("special_attention", "bad-flag"),
    }


def test_lowest_category_with_c1_or_no_profile_is_fine() -> None:
    assert isinstance(parse_row(row(lowest_category="是", profile="保守型", assessed="20260101"), TODAY), ClientRecord)
    assert isinstance(parse_row(row(lowest_category="是"), TODAY), ClientRecord)


def test_sentences_name_the_rule() -> None:
    assert "C1" in problem_sentence(Problem("lowest_category", "lowest-not-c1"))
    assert "1 to 32" in problem_sentence(Problem("account", "too-long"))
    assert "ID number" in problem_sentence(Problem("id_number", "invalid-id"))


records = st.builds(
    ClientRecord,
    account=st.text("0123456789ABC", min_size=1, max_size=32),
    name=st.text(st.characters(codec="utf-8", categories=["L"]), min_size=1, max_size=20),
    id_number=st.none(),
    birth_date=st.none(),
    investor_class=st.sampled_from([InvestorClass.ORDINARY, InvestorClass.PROFESSIONAL_AS_ORDINARY]),
    profile=st.sampled_from(RiskProfile),
    assessed_on=st.dates(dt.date(2000, 1, 1), TODAY),
    lowest_category=st.just(False),
    special_attention=st.booleans(),
    branch=st.one_of(st.none(), st.sampled_from(["HQ", "SH-01", "上海营业部"])),
)


@given(records)
def test_an_exported_row_reads_back_as_the_same_record(record: ClientRecord) -> None:
    assert parse_row(dict(zip(FIELDS, format_row(record), strict=True)), TODAY) == record
