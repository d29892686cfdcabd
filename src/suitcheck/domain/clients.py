"""A client's record as data: the rules every way of entering one obeys, and the columns
and value spellings of the firm's own client exports (core system, CRM)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from suitcheck.domain.decision import RecordConflict, record_conflicts
from suitcheck.domain.identity import InvalidIdNumberError, birth_date, normalize_id_number
from suitcheck.domain.levels import InvestorClass, RiskProfile, UnknownLevelError
from suitcheck.domain.text import has_controls, sheet_unquoted

ACCOUNT_MAX = 32
NAME_MAX = 128

# The columns of a client file, in the order an export writes them.
FIELDS = (
    "account",
    "name",
    "id_number",
    "class",
    "profile",
    "assessed",
    "lowest_category",
    "special_attention",
    "branch",
)
REQUIRED = ("account", "name")

# The headers real exports use, per field; matching ignores case, width, spaces, _ and -.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "account": ("account", "资金账号", "资金帐号", "客户号", "客户编号", "客户代码", "账号", "account no", "acct"),
    "name": ("name", "客户姓名", "姓名", "客户名称", "client name"),
    "id_number": ("id_number", "证件号码", "身份证号", "身份证号码", "证件号", "id", "id no"),
    "class": ("class", "投资者类别", "投资者分类", "投资者类型", "客户类别", "investor class", "investor type"),
    "profile": ("profile", "风险承受能力", "风险等级", "风险承受能力等级", "风险测评结果", "risk profile"),
    "assessed": ("assessed", "测评日期", "评估日期", "风险测评日期", "assessed on", "assessment date"),
    "lowest_category": (
        "lowest_category",
        "最低类别",
        "风险承受能力最低类别",
        "是否最低类别",
        "最低风险承受能力类别",
        "是否为最低类别",
        "是否风险承受能力最低类别",
        "lowest risk category",
    ),
    "special_attention": ("special_attention", "特别关注", "是否特别关注", "特别关注客户", "是否特别关注客户"),
    # By branch code or name, as `suitcheck branch list` shows them; the store resolves it.
    "branch": ("branch", "营业部", "分支机构", "所属营业部", "branch code"),
}

# What a mapping file names a column that the import is to pass over (a column whose header
# looks like a safety fact's, SAFETY_CUES, but holds something else).
IGNORE = "ignore"

# The facts that keep a client from reports (the lowest category, the class: a professional
# may read everything, special attention's caution, the ID number's birth date), and the
# words of a header that may hold one (matched as header_key folds a header). A column the
# import does not know is passed over; one headed with such a word is refused instead
# (map_columns: `unread`), so that `最低风险类别(是/否)` or `是否专业投资者` is never silently
# dropped: every client imported without the lowest-category flag could be given reports
# above R1.
SAFETY_CUES: dict[str, tuple[str, ...]] = {
    "lowest_category": ("最低", "lowest", "minimum", "行为能力", "capacity", "未成年", "minor", "任何损失"),
    "class": (
        "专业",
        "professional",
        "普通投资者",
        "ordinary",
        "投资者类",
        "投资者分类",
        "客户类",
        "客户分类",
        "investorclass",
        "investortype",
        "investorcategory",
        "clientclass",
        "clienttype",
        "clientcategory",
    ),
    "special_attention": ("关注", "attention", "特殊", "special", "老年", "高龄", "elderly", "vulnerable", "弱势"),
    # The birth date in it puts a client under 18 in the lowest category (minor_on) and one
    # of the special-attention age under its caution; 证件类型 (the kind of ID) is no number.
    "id_number": ("证件号", "身份证号", "身份证件号", "idnumber", "idno", "idcard", "identitycard", "identitynumber"),
}

# The words of every problem a row can have; the GUI translates by code.
PROBLEMS: dict[str, str] = {
    "missing": "is empty",
    "too-long": "is too long",
    "compatibility-character": "holds a full-width or other compatibility form of a character "
    "(８ for 8, Ａ for A); use the ordinary half-width form",
    "unreadable-character": "holds a character that does not show as itself (a control or invisible character, "
    "or \ufffd (U+FFFD), which stands for text that could not be read)",
    "invalid-id": "is not a valid ID number",
    "id-as-number": "is a number cell, which loses digits; store ID numbers as text",
    "spreadsheet-error": "is a spreadsheet's error value (#N/A, #REF!, …): a formula in the sheet it came from failed",
    "account-formula": "is a spreadsheet formula, not the account it shows; save the sheet's values, accounts as text",
    "name-lost-characters": "holds ? where the name on record has a character: the file's encoding could not hold "
    "it (GBK lacks rare characters); export the file in UTF-8",
    "account-as-number": "is a number cell of more than 15 digits, which a spreadsheet cannot hold; store "
    "account numbers as text",
    "account-scientific": "is a number in scientific notation (1.23457E+17), as a spreadsheet shows a long "
    "number: the account's digits are lost; store account numbers as text",
    "account-decimal": "is a whole number written with a decimal point (880001.0), as a program writes a "
    "spreadsheet's number; store account numbers as text",
    "account-lost-zeros": "is a client's account on record without its leading zeros (a spreadsheet drops them "
    "from numbers); store account numbers as text",
    "unknown-class": "is not an investor class (ordinary, professional, professional-as-ordinary)",
    "unknown-profile": "is not a risk profile (C1 to C5, 保守型 to 激进型)",
    "profile-without-date": "needs its assessment date",
    "date-without-profile": "is an assessment date without a profile",
    "bad-date": "is not a date (2026-03-02, 2026/3/2 or 20260302)",
    "future-date": "is in the future",
    "before-birth": "is before the client was born (the birth date in the ID number)",
    "bad-flag": "is not yes or no (是/否)",
    "lowest-not-c1": "the lowest category implies profile C1",
    "professional-lowest": "a client in the lowest category cannot be professional",
    "duplicate-account": "appears on more than one row of the file",
    "duplicate-id": "appears on more than one row of the file",
    "id-on-other-account": "belongs to another client account in the store",
    "id-differs": "differs from the ID number on record; correct the record in suitcheck first",
    "born-after-assessment": "gives a birth date after the client's assessment on record; "
    "the assessment or the number is someone else's",
    "lowest-lift": "leaving the lowest category needs compliance and a reason (investor edit)",
    "minor": "is not for a client under 18 (the birth date in the ID number): a new client under 18 enters the "
    "lowest category, profile C1 and never professional (compliance lifts it, with a reason, for a 16- or "
    "17-year-old living on their own labour income)",
    "unknown-branch": "is not a branch code or name (suitcheck branch list shows them)",
    "ambiguous-branch": "is the name of more than one branch; give the branch code",
    "changed-branch": "names a branch whose record was changed outside suitcheck; compliance must investigate",
    "other-branch": "is not your branch: you may import clients only into your own branch",
    "other-branch-client": "is a client of another branch: you may import clients only of your own branch",
    "branch-move": "differs from the client's branch; moving a client is done with investor move (with a reason)",
}


class MappingError(ValueError):
    """A column mapping (TOML) that cannot be used; the message says why."""


@dataclasses.dataclass(frozen=True)
class Problem:
    field: str
    code: str

    @property
    def sentence(self) -> str:
        return PROBLEMS[self.code]


@dataclasses.dataclass(frozen=True, slots=True)
class ClientRecord:
    """One client as a file or a form states it, every value parsed and validated."""

    account: str
    name: str
    id_number: str | None
    birth_date: dt.date | None
    investor_class: InvestorClass
    profile: RiskProfile | None
    assessed_on: dt.date | None
    lowest_category: bool
    special_attention: bool
    # The branch as the file names it (code or name); the store resolves it. None: not stated.
    branch: str | None = None


# -- the rules ------------------------------------------------------------------------


REPLACEMENT = "\ufffd"
"""What text that could not be decoded reads as: a byte that is not UTF-8 in a SQLite TEXT
value, a file read with the wrong encoding. Two different damaged values read the same."""


def key_text_shown(text: str) -> bool:
    """Whether every character of a key (an account number, a user name) shows as itself:
    none is a control, format (zero-width, bidirectional), private-use or unassigned
    character, a separator other than the space, or U+FFFD. Otherwise two different keys
    can look the same to the clerk who types, reads or compares them."""
    return text.isprintable() and REPLACEMENT not in text


def key_problem(text: str) -> str | None:
    """Why a key could be taken for another (a Problem's code), or None:
    "unreadable-character" (not key_text_shown), or "compatibility-character": a full-width
    or other compatibility form (８ for 8, Ａ for A, ① for 1), which NFKC folds into an
    ordinary character. A Chinese input method left in full-width mode types these; the
    key would then be a second client or user beside the one meant."""
    if not key_text_shown(text):
        return "unreadable-character"
    if not text.isascii() and unicodedata.normalize("NFKC", text) != text:
        return "compatibility-character"
    return None


def folded_key(text: str) -> str:
    """A key as it reads to a person: NFKC and case folded (`Demo-Admin`, `DEMO-ADMIN` and
    `demo-admin` fold the same, as do `straße` and `strasse`). Two keys that fold the same
    are taken for one another by whoever reads them in a list or the audit trail."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def name_problem(name: str, on_record: bool = False) -> str | None:
    """The problem code of a client's name (as a Problem's), or None. A name is kept as
    written, but U+FFFD in it means the text was damaged before it got here, and a control
    or invisible character (NUL, a line break, a right-to-left override) shows the name
    as another, breaks the lists it is written to, and NUL cannot be stored on PostgreSQL.
    `on_record`: the client already has this very name (a store from before the rule), so
    it names them as written and their own export imports back."""
    if not name:
        return "missing"
    if len(name) > NAME_MAX:
        return "too-long"
    if REPLACEMENT in name or (has_controls(name) and not on_record):
        return "unreadable-character"
    return None


def lost_characters(name: str, on_record: str) -> bool:
    """Whether `name` is the name on record with some of its characters lost as `?`: what
    an export in an encoding lacking them (GBK, for a rare character in a name) writes,
    one `?` a character, two for one outside the BMP (a UTF-16 pair) or one for several.
    Each run of `?` in `name` stands for one or more characters of `on_record`, and the
    characters it stands for are not all a real `?` on record (a name with a real `?`
    in it is a name like any other)."""
    literals = re.split(r"\?+", name)
    if len(literals) == 1 or name == on_record:
        return False
    first, *middle, last = literals
    end = len(on_record) - len(last)
    if not on_record.startswith(first) or not on_record.endswith(last) or end <= len(first):
        return False
    at = len(first)
    for literal in middle:  # leftmost first: any match leaves the most room for the rest
        found = on_record.find(literal, at + 1, end - 1)
        if found < 0:
            return False
        at = found + len(literal)
    if end - at < 1:
        return False
    # Every match takes the same characters outside the literals: some are not a real ?.
    return len(on_record) - on_record.count("?") > len(name) - name.count("?")


def record_problems(
    *,
    account: str,
    name: str,
    investor_class: InvestorClass,
    profile: RiskProfile | None,
    assessed_on: dt.date | None,
    lowest_category: bool,
    today: dt.date,
    on_record: bool = False,
    name_on_record: bool = False,
    birth_date: dt.date | None = None,
) -> list[Problem]:
    """Every rule a client's record must satisfy, however it is entered (form, command, file).
    `birth_date`: the client's, from the ID number (an assessment is never dated before it).
    `on_record`: the account is already a client's, so it names that client as written (a
    store from before key_text_shown's rule); only a new account must show as itself.
    `name_on_record`: that client already has this very name (see name_problem)."""
    problems = []
    if not account:
        problems.append(Problem("account", "missing"))
    elif len(account) > ACCOUNT_MAX:
        problems.append(Problem("account", "too-long"))
    elif not on_record and (code := key_problem(account)):
        problems.append(Problem("account", code))
    name_code = name_problem(name, on_record=name_on_record)
    if name_code:
        problems.append(Problem("name", name_code))
    if profile is not None and assessed_on is None:
        problems.append(Problem("profile", "profile-without-date"))
    if profile is None and assessed_on is not None:
        problems.append(Problem("assessed", "date-without-profile"))
    if assessed_on is not None and assessed_on > today:
        problems.append(Problem("assessed", "future-date"))
    elif assessed_before_birth(assessed_on, birth_date):
        problems.append(Problem("assessed", "before-birth"))
    problems += conflict_problems(investor_class, profile, lowest_category)
    return problems


# Under Chinese civil law a person under 18 lacks full civil capacity (a 16- or 17-year-old
# living on their own labour income is treated as having it: compliance establishes that and
# lifts the flag, with a reason).
ADULT_AGE = 18
MINOR_REASON = "under-18"
"""The reason an entry records for the lowest category it set for a minor."""


def adult_born_by(day: dt.date) -> dt.date:
    """The latest birth date of a client who is 18 or older on `day` (born 29 February: 18
    on 1 March of a year without it)."""
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:  # 29 February, 18 years back in a year without it
        return day.replace(year=day.year - ADULT_AGE, day=28)


def minor_on(born: dt.date | None, day: dt.date) -> bool:
    """Whether a client born `born` (from the ID number) is under 18 on `day`: without full
    civil capacity, so in the lowest category when entered (fail closed; the flag then stays,
    past the 18th birthday too, until compliance lifts it with a reason). No birth date
    known (no ID number): not known to be a minor."""
    return born is not None and born > adult_born_by(day)


def minor_problems(
    born: dt.date | None, day: dt.date, investor_class: InvestorClass, profile: RiskProfile | None
) -> list[Problem]:
    """A new client under 18 on `day` enters the lowest category (minor_on): a record that
    states a profile above C1 or the professional class for them is refused ("minor")."""
    if not minor_on(born, day):
        return []
    return [
        Problem("class" if conflict is RecordConflict.LOWEST_CATEGORY_PROFESSIONAL else "profile", "minor")
        for conflict in record_conflicts(investor_class, profile, True)
    ]


def assessed_before_birth(assessed_on: dt.date | None, birth_date: dt.date | None) -> bool:
    """Whether an assessment is dated before the client was born: a typo in the year or
    another person's paper, never an assessment of this client (the birth day itself is
    one the client existed on)."""
    return assessed_on is not None and birth_date is not None and assessed_on < birth_date


def conflict_problems(
    investor_class: InvestorClass, profile: RiskProfile | None, lowest_category: bool
) -> list[Problem]:
    """The lowest category's rules (record_conflicts) as a row's problems: for a record as
    a form states it, and for a client as a file's row would leave them (the row's values
    over those on record)."""
    return [
        Problem("lowest_category", _CONFLICTS[conflict])
        for conflict in record_conflicts(investor_class, profile, lowest_category)
    ]


# The lowest category's rules live in domain.decision (record_conflicts, which decide() and
# investor add/edit use too); here they only get the codes of a row problem.
_CONFLICTS = {
    RecordConflict.LOWEST_CATEGORY_PROFILE: "lowest-not-c1",
    RecordConflict.LOWEST_CATEGORY_PROFESSIONAL: "professional-lowest",
}


_SENTENCES = {
    "missing": "{label} is empty.",
    "too-long": "{label} is too long.",
    "profile-without-date": "A profile needs its assessment date, and an assessment date needs a profile.",
    "date-without-profile": "A profile needs its assessment date, and an assessment date needs a profile.",
    "future-date": "An assessment date cannot be in the future.",
    "before-birth": "An assessment date cannot be before the client was born (the birth date in the ID number).",
    "lowest-not-c1": "A client in the lowest risk-tolerance category has profile C1, not another.",
    "professional-lowest": "A client in the lowest risk-tolerance category cannot be a professional investor; "
    "compliance must first lift the category, with a reason.",
}
_LABELS = {"account": "An account number (1 to 32 characters)", "name": "A client's name (1 to 128 characters)"}


def problem_sentence(problem: Problem) -> str:
    """One English sentence for a command line or an exception."""
    template = _SENTENCES.get(problem.code)
    label = _LABELS.get(problem.field, "The " + problem.field.replace("_", " "))
    if template is None:
        return f"{label} {problem.sentence}."
    return template.format(label=label)


# -- values ---------------------------------------------------------------------------

# A time after the day (a database's datetime column, Excel's date-time cell saved as
# CSV) is not part of the assessment's date: read, checked as a time, and left out.
_DATE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def cell_text(value: object) -> str:
    """A cell as text, stripped, otherwise as written (names are kept exactly); None is empty.
    The quote a client export puts before a formula-like text (text.sheet_quoted) is its
    mark, not part of the value: '=1 reads as =1, as a spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return sheet_unquoted(str(value).strip())


def _folded(value: object) -> str:
    # NFKC so full-width digits and letters read as their ASCII forms (２０２６ -> 2026).
    text = cell_text(value)
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def parse_date(value: object) -> dt.date:
    """`2026-03-02`, `2026/3/2`, `20260302`, `2026年3月2日`, or a spreadsheet date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _date_text(_folded(value))


@functools.lru_cache(maxsize=8192)  # a file has few distinct dates and many rows
def _date_text(text: str) -> dt.date:
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


_YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "t"})
_NO = frozenset({"否", "n", "no", "false", "0", "", "f", "×"})


def parse_flag(value: object) -> bool:
    """是/否, yes/no, true/false, 1/0, Y/N; an empty cell is no."""
    if isinstance(value, bool):
        return value
    return _flag_text(value if isinstance(value, str) else cell_text(value))


@functools.lru_cache(maxsize=256)
def _flag_text(text: str) -> bool:
    key = _folded(text).casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(key)


@functools.lru_cache(maxsize=256)
def _profile(text: str) -> RiskProfile:
    return RiskProfile.parse(text)


@functools.lru_cache(maxsize=256)
def _class(text: str) -> InvestorClass:
    return InvestorClass.parse(text)


def _id_number(raw_id: object, problems: list[Problem], today: dt.date) -> tuple[str | None, dt.date | None]:
    """The normalised ID number and the birth date it holds; a problem added if it is bad
    (a birth date after `today` too, as investor add refuses it)."""
    if isinstance(raw_id, float):
        # A spreadsheet number keeps about 15 significant digits: the ID is already damaged.
        problems.append(Problem("id_number", "id-as-number"))
        return None, None
    id_text = _folded(raw_id)
    # A masked number (an export for someone without see-full-id) states nothing new.
    if not id_text or "*" in id_text:
        return None, None
    try:
        number = normalize_id_number(id_text, today)
        return number, birth_date(number)
    except InvalidIdNumberError:
        problems.append(Problem("id_number", "invalid-id"))
        return None, None


# The error values a spreadsheet shows for a formula that failed (casefolded): a sheet
# saved as values, or as CSV, keeps them as text.
SPREADSHEET_ERRORS = frozenset(
    e.casefold()
    for e in (
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    )
)


# A number as a spreadsheet shows one too long for its column (1.23457E+17) and saves it
# in a CSV, or as a program writes a float (1.2345678901234568e+17): one digit, a point,
# the exponent with its sign, which no account is written as.
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+\d+")

# A whole number as a program writes a float (880001.0): an account read as a number.
_DECIMAL = re.compile(r"\d+\.0+")

# The largest number a spreadsheet holds every digit of (15 significant digits).
_NUMBER_DIGITS_HELD = 10**15


def is_formula(raw: object) -> bool:
    """Whether a cell as the file holds it is a spreadsheet formula (=A2, ="880001 cut
    short): its value is what a spreadsheet computes, which the file does not hold. (An
    export's formula-like text has its quote mark, text.sheet_quoted; the CSV reader reads
    ="880001" as its text.)"""
    return isinstance(raw, str) and raw.strip().startswith("=")


def _spreadsheet_damage(raw_account: object, account: str, name: str, formula: bool) -> list[Problem]:
    """What a spreadsheet did to the account or the name: a failed formula's error value
    in place of either, an account that is a formula (`formula`: and no client's on record),
    or an account in a number cell of more than 15 digits (the ones after the 15th already
    lost)."""
    found = [
        Problem(field, "spreadsheet-error")
        for field, text in (("account", account), ("name", name))
        if text.casefold() in SPREADSHEET_ERRORS
    ]
    if formula:
        found.append(Problem("account", "account-formula"))
    if _SCIENTIFIC.fullmatch(account):
        found.append(Problem("account", "account-scientific"))
    elif _DECIMAL.fullmatch(account):
        found.append(Problem("account", "account-decimal"))
    number = isinstance(raw_account, (int, float)) and not isinstance(raw_account, bool)
    if number and abs(raw_account) >= _NUMBER_DIGITS_HELD:  # type: ignore[arg-type]
        found.append(Problem("account", "account-as-number"))
    return found


def _consequences_left_out(parsing: list[Problem], found: Iterable[Problem]) -> list[Problem]:
    """The record's problems, without those that follow from a value that did not parse
    (it already has its problem)."""
    stated = {p.field for p in parsing}
    return [
        problem
        for problem in found
        if problem.field not in stated
        and not (problem.code == "date-without-profile" and "profile" in stated)
        and not (problem.code == "profile-without-date" and "assessed" in stated)
    ]


def parse_row(
    values: Mapping[str, object],
    today: dt.date,
    on_record: Callable[[str], bool] | None = None,
    name_on_record: Callable[[str, str], bool] | None = None,
    *,
    typed_cells: bool = False,
) -> ClientRecord | list[Problem]:
    """Parse and validate one row given as field -> raw cell. A record, or every problem.
    `on_record(account)`: whether a client has this account already (asked only of an
    account that does not show as itself; see record_problems). `name_on_record(account,
    name)`: whether that client has this very name (asked only of a name with a control or
    invisible character). `typed_cells`: the file says which cell is text (a workbook), so
    a text beginning with = is text as a spreadsheet shows it; in a CSV it is a formula."""
    problems: list[Problem] = []
    account = cell_text(values.get("account"))
    formula = not typed_cells and is_formula(values.get("account"))
    odd = key_problem(account) is not None or formula
    known = on_record is not None and odd and on_record(account)
    name = cell_text(values.get("name"))
    name_known = name_on_record is not None and has_controls(name) and name_on_record(account, name)

    problems += _spreadsheet_damage(values.get("account"), account, name, formula and not known)
    number, born = _id_number(values.get("id_number"), problems, today)

    investor_class = InvestorClass.ORDINARY
    class_text = cell_text(values.get("class"))
    if class_text:
        try:
            investor_class = _class(class_text)
        except UnknownLevelError:
            problems.append(Problem("class", "unknown-class"))

    profile = None
    profile_text = cell_text(values.get("profile"))
    if profile_text:
        try:
            profile = _profile(profile_text)
        except UnknownLevelError:
            problems.append(Problem("profile", "unknown-profile"))

    assessed = None
    raw_date = values.get("assessed")
    if cell_text(raw_date):
        try:
            assessed = parse_date(raw_date)
        except ValueError:
            problems.append(Problem("assessed", "bad-date"))

    flags = {}
    for field in ("lowest_category", "special_attention"):
        try:
            flags[field] = parse_flag(values.get(field))
        except ValueError:
            flags[field] = False
            problems.append(Problem(field, "bad-flag"))

    problems += _consequences_left_out(
        problems,
        record_problems(
            account=account,
            name=name,
            investor_class=investor_class,
            profile=profile,
            assessed_on=assessed,
            lowest_category=flags["lowest_category"],
            today=today,
            on_record=known,
            name_on_record=name_known,
            birth_date=born,
        ),
    )
    if problems:
        return problems
    return ClientRecord(
        account,
        name,
        number,
        born,
        investor_class,
        profile,
        assessed,
        flags["lowest_category"],
        flags["special_attention"],
        _branch_text(values.get("branch")),
    )


def _branch_text(value: object) -> str | None:
    text = cell_text(value)
    return unicodedata.normalize("NFC", text) if text else None


# -- columns --------------------------------------------------------------------------


def header_key(text: object) -> str:
    folded = _folded(text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


_ALIAS_TO_FIELD = {header_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases}


def safety_field(header: object) -> str | None:
    """The safety fact (SAFETY_CUES) a header's words say its column may hold, or None."""
    key = header_key(header)
    for field, cues in SAFETY_CUES.items():
        if any(cue in key for cue in cues):
            return field
    return None


def known_headers(field: str) -> tuple[str, ...]:
    """The header names the import knows for a field, as a refusal lists them."""
    return HEADER_ALIASES[field]


@dataclasses.dataclass(frozen=True)
class ColumnMap:
    """Which column (0-based) holds which field; the headers nothing maps are `ignored`.
    `unread`: (header, field) of each column nothing maps whose header says it may hold a
    safety fact (safety_field) and no mapping names `ignore`: the import refuses the file."""

    columns: dict[str, int]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]
    ambiguous: tuple[str, ...]
    unread: tuple[tuple[str, str], ...] = ()

    @property
    def usable(self) -> bool:
        return not self.missing and not self.ambiguous and not self.unread


def map_columns(headers: Sequence[object], mapping: Mapping[str, str] | None = None) -> ColumnMap:
    """Map a header row to fields: the mapping's names first (`ignore` passes a column
    over), then the known aliases."""
    own = {header_key(k): v for k, v in (mapping or {}).items()}
    columns: dict[str, int] = {}
    ignored, ambiguous, unread = [], [], []
    for index, header in enumerate(headers):
        key = header_key(header)
        chosen = own.get(key)
        field = None if chosen == IGNORE else chosen or _ALIAS_TO_FIELD.get(key)
        if not key or field is None:
            if key:
                ignored.append(cell_text(header))
                safety = safety_field(header) if chosen != IGNORE else None
                if safety is not None:
                    unread.append((cell_text(header), safety))
            continue
        if field in columns:
            ambiguous.append(field)
            continue
        columns[field] = index
    missing = tuple(f for f in REQUIRED if f not in columns)
    return ColumnMap(columns, tuple(ignored), missing, tuple(dict.fromkeys(ambiguous)), tuple(unread))


# How many rows below the header row a title row may push the real header to, for the hint.
HEADER_HINT_ROWS = 5


def header_hint(
    headers: Sequence[object],
    later_rows: Iterable[tuple[int, Sequence[object]]],
    mapping: Mapping[str, str] | None = None,
    *,
    csv: bool = True,
) -> tuple[str, int | None] | None:
    """Why a header row that maps no account or name column may be so, as a hint only (the
    columns are never guessed): ("semicolons", None) when a header cell of a CSV file is a
    semicolon-joined run of known column names (a European Excel's "CSV"), or
    ("header-below", row) when one of the first HEADER_HINT_ROWS rows below holds the known
    headers (a title row above them). None: nothing to say."""
    if csv:
        for cell in headers:
            parts = cell_text(cell).split(";")
            if len(parts) > 1 and len(map_columns(parts, mapping).columns) > 1:
                return ("semicolons", None)
    for n, (row, cells) in enumerate(later_rows):
        if n >= HEADER_HINT_ROWS:
            break
        if not map_columns(cells, mapping).missing:
            return ("header-below", row)
    return None


def parse_mapping(text: str) -> dict[str, str]:
    """A mapping file: a `[columns]` table of "header in the file" = "field"."""
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"The mapping file is not valid TOML: {exc}.") from exc
    columns = document.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError('The mapping file needs a [columns] table of "header" = "field" lines.')
    result = {}
    for header, field in columns.items():
        if not isinstance(field, str) or (field not in FIELDS and field != IGNORE):
            raise MappingError(
                f"In the mapping file, {header!r} maps to {field!r}, which is not one of: {', '.join(FIELDS)}, ignore."
            )
        result[header] = field
    unknown = set(document) - {"columns"}
    if unknown:
        raise MappingError(f"The mapping file has unknown tables: {', '.join(sorted(unknown))}.")
    return result


def format_row(record: ClientRecord) -> list[str]:
    """The record in export columns (FIELDS order), as text a re-import reads back the same."""
    return [
        record.account,
        record.name,
        record.id_number or "",
        record.investor_class.value,
        record.profile.code if record.profile else "",
        record.assessed_on.isoformat() if record.assessed_on else "",
        "是" if record.lowest_category else "否",
        "是" if record.special_attention else "否",
        record.branch or "",
    ]
