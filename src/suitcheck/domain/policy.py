"""Firm policy as versioned data: validity, warning window, special-attention age, subjects."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from suitcheck.domain.levels import RiskLevel, UnknownLevelError
from suitcheck.domain.text import escape_controls, has_controls, matching_form

# Subject keywords -> the level the domain table implies. Order does not matter: the
# highest level any keyword implies wins, so a ChiNext stock report is R4 even when it
# also says 股票. This is the table a new store's version 1 gets; a stored version keeps
# the table its document lists (a store made before a word was added goes on without it
# until compliance stores a version with it), so no past version changes meaning.
DEFAULT_SUBJECTS: tuple[tuple[str, RiskLevel], ...] = (
    ("宏观", RiskLevel.R1),
    ("政策", RiskLevel.R1),
    ("财经资讯", RiskLevel.R1),
    ("国债", RiskLevel.R1),
    ("债券", RiskLevel.R2),
    ("货币基金", RiskLevel.R2),
    ("货币市场基金", RiskLevel.R2),
    ("债券基金", RiskLevel.R2),
    ("固收", RiskLevel.R2),
    ("主板", RiskLevel.R3),
    ("行业", RiskLevel.R3),
    ("公司", RiskLevel.R3),
    ("股票", RiskLevel.R3),
    ("可转债", RiskLevel.R3),
    ("策略", RiskLevel.R3),
    ("创业板", RiskLevel.R4),
    ("科创板", RiskLevel.R4),
    ("北交所", RiskLevel.R4),
    ("北京证券交易所", RiskLevel.R4),
    ("新三板", RiskLevel.R4),
    ("港股", RiskLevel.R4),
    ("H股", RiskLevel.R4),
    ("退市整理", RiskLevel.R4),
    ("恒生", RiskLevel.R4),
    ("非上市", RiskLevel.R4),
    # Unlisted companies and NEEQ by their common names; not 未上市 alone (a drug 尚未上市
    # is not yet launched), nor 基础层/创新层 alone (an AI "基础层" is no NEEQ tier).
    ("未上市公司", RiskLevel.R4),
    ("未上市企业", RiskLevel.R4),
    ("未上市股权", RiskLevel.R4),
    ("全国股转", RiskLevel.R4),
    ("股转系统", RiskLevel.R4),
    # STAR, Beijing SE and NEEQ funds and indices by their products' names (科创50ETF,
    # 北证50); not 科创 alone (科创债 are bonds) nor 双创 alone (a policy slogan).
    ("科创50", RiskLevel.R4),
    ("科创100", RiskLevel.R4),
    ("科创200", RiskLevel.R4),
    ("科创综指", RiskLevel.R4),
    ("双创50", RiskLevel.R4),
    ("北证", RiskLevel.R4),
    ("精选层", RiskLevel.R4),
    ("港交所", RiskLevel.R4),
    ("联交所", RiskLevel.R4),
    ("恒指", RiskLevel.R4),
    ("期货", RiskLevel.R5),
    ("期权", RiskLevel.R5),
    ("衍生品", RiskLevel.R5),
    # Derivatives by the instruments' names; not 互换 alone (a central bank's 货币互换 is
    # macro news) nor 雪球 alone (雪球效应), nor 权证 alone (不动产权证).
    ("衍生工具", RiskLevel.R5),
    ("收益互换", RiskLevel.R5),
    ("利率互换", RiskLevel.R5),
    ("雪球产品", RiskLevel.R5),
    ("雪球结构", RiskLevel.R5),
    ("牛熊证", RiskLevel.R5),
    ("窝轮", RiskLevel.R5),
    ("认购权证", RiskLevel.R5),
    ("认沽权证", RiskLevel.R5),
)

DEFAULT_WARNING_TEXT = (
    "特别风险警示：您主动要求获取的研究报告风险等级高于您的风险承受能力等级，"
    "该报告不适合您。若您坚持获取，可能面临超出您承受能力的损失。请确认您已知悉上述风险，"
    "并自愿承担由此产生的后果。\n"
    "Special risk warning: the report you asked for is above your assessed risk profile and "
    "does not suit you. If you insist on receiving it you may suffer losses beyond what you "
    "can bear. Please confirm that you understand this risk and accept its consequences."
)


# Bounds a firm's policy must stay within (inclusive).
VALIDITY_DAYS = (30, 3650)
ATTENTION_AGE = (50, 100)


def next_warning_version(version: str) -> str:
    """W1 -> W2; any other spelling gets a numbered suffix (X -> X.2, X.2 -> X.3)."""
    head, dot, tail = version.rpartition(".")
    if version[:1] == "W" and version[1:].isdigit():
        return f"W{int(version[1:]) + 1}"
    if dot and tail.isdigit():
        return f"{head}.{int(tail) + 1}"
    return f"{version}.2"


# (field, lowest, highest): below these a normal report cannot be read, above them the
# limit no longer protects the desktop.
IMPORT_LIMIT_BOUNDS = (
    ("import_memory_mb", 256, 16_384),
    ("import_cpu_seconds", 1, 3_600),
    ("import_inflated_mb", 1, 8_192),
    ("import_max_pages", 1, 10_000),
    ("import_max_text_chars", 10_000, 100_000_000),
)


class PolicyError(ValueError):
    """A policy document that cannot be used (missing field, bad value)."""


def check_new_warning_text(text: object) -> None:
    """Refuse a new special risk warning that shows other words than it holds: a control
    character or a bidi override (U+202E shows 该报告合适不您。 as 该报告。您不适合), while an
    override records the warning text as shown. Line breaks stay (the shipped text has
    one). Asked of a new text only: a version stored earlier stays readable."""
    if not isinstance(text, str):
        return  # Policy refuses it in its own sentence
    for position, ch in enumerate(text, start=1):
        if ch != "\n" and has_controls(ch):
            raise PolicyError(
                f"warning_text holds control characters or a bidi override ({escape_controls(ch)} at character "
                f"{position}); write it without them"
            )


SUBJECT_WORD_MAX = 20  # characters; the longest default keyword has 7
# A keyword of one character (股, 债, H) is in most reports' titles (股 in 股票, A股, 港股,
# 股份; 债 in every bond note): it would lift half the reports to its level and bury the
# real findings under false ones. The shortest subject the rulebook names has two (港股, H股).
SUBJECT_WORD_MIN = 2


def checked_subjects(rows: Iterable[tuple[str, str]]) -> tuple[tuple[str, RiskLevel], ...]:
    """A subject table compliance gives, as a policy version keeps it: each keyword in the
    form reports are searched in (創業板 is 创业板, ＨＫ is HK), its level read from any
    spelling (R4, 中高风险). Refused with a sentence: an empty table (it would never flag a
    report stated below its subject), an empty, one-character or overlong keyword, one with
    control characters, an unknown level, a keyword given twice, a keyword whose level can
    never apply (it holds another keyword of a higher level)."""
    table: dict[str, RiskLevel] = {}
    for word, level_text in rows:
        if has_controls(word):
            raise PolicyError(f"the keyword {escape_controls(word)!r} holds control characters")
        shown = word.strip()
        keyword = matching_form(shown)
        if not keyword:
            raise PolicyError("a keyword is empty")
        if len(keyword) < SUBJECT_WORD_MIN:
            raise PolicyError(
                f"the keyword {shown!r} is shorter than {SUBJECT_WORD_MIN} characters; "
                "it would be found in most reports"
            )
        if len(keyword) > SUBJECT_WORD_MAX:
            raise PolicyError(f"the keyword {shown!r} is longer than {SUBJECT_WORD_MAX} characters")
        try:
            level = RiskLevel.parse(level_text.strip())
        except UnknownLevelError:
            raise PolicyError(f"{level_text.strip()!r} (for {shown!r}) is not a risk level; use R1 to R5") from None
        if keyword in table:
            raise PolicyError(f"the keyword {shown!r} is given twice")
        table[keyword] = level
    if not table:
        raise PolicyError("the subject table is empty; a report stated below its subject would never be flagged")
    _refuse_overruled(table)
    return tuple(table.items())


def _refuse_overruled(table: Mapping[str, RiskLevel]) -> None:
    """A keyword holding another of a higher level (科创板 R2 beside 科创 R4): every report
    naming the longer names the shorter too, so the longer one's level never applies (the
    highest level found wins), while the table would show it. Refused, naming both."""
    for long, long_level in table.items():
        # Each keyword's inner words (at most 190 for 20 characters), not every pair: a
        # table of 10,000 rows is checked in a blink.
        inner = {long[i:j] for i in range(len(long)) for j in range(i + SUBJECT_WORD_MIN, len(long) + 1)}
        for short in sorted(inner - {long}):
            short_level = table.get(short)
            if short_level is not None and long_level < short_level:
                raise PolicyError(
                    f"the keyword {long!r} holds {short!r}, so a report naming it is matched at "
                    f"{short_level.code} at least; raise its level or leave it out"
                )


_SUBJECT_HEADERS = ({"keyword", "level"}, {"关键词", "风险等级"}, {"关键字", "风险等级"})


def subject_rows(text: str) -> list[tuple[str, str]]:
    """A subject table file's rows: comma- or tab-separated `keyword,level` lines (a
    spreadsheet saved as CSV), a header line and lines starting with # skipped. A line
    without exactly two cells is refused, naming its line."""
    lines = text.removeprefix("\ufeff").splitlines()
    dialect = "excel-tab" if any("\t" in line for line in lines) else "excel"
    rows: list[tuple[str, str]] = []
    for number, cells in enumerate(csv.reader(lines, dialect), start=1):
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()  # a spreadsheet's empty trailing columns
        if not cells or cells[0].startswith("#"):
            continue
        if len(cells) != 2:
            raise PolicyError(f"line {number} has {len(cells)} cells; write each as keyword,level")
        if not rows and {c.lower() for c in cells} in _SUBJECT_HEADERS:
            continue
        rows.append((cells[0], cells[1]))
    return rows


@dataclasses.dataclass(frozen=True)
class SubjectChange:
    """One keyword a new subject table adds (before None), removes (after None) or re-levels."""

    keyword: str
    before: RiskLevel | None
    after: RiskLevel | None


def subject_diff(
    before: tuple[tuple[str, RiskLevel], ...], after: tuple[tuple[str, RiskLevel], ...]
) -> tuple[SubjectChange, ...]:
    """What a new subject table changes: the added keywords, the removed, the re-levelled."""
    old, new = dict(before), dict(after)
    return (
        *(SubjectChange(w, None, new[w]) for w in new if w not in old),
        *(SubjectChange(w, old[w], None) for w in old if w not in new),
        *(SubjectChange(w, old[w], new[w]) for w in new if w in old and old[w] != new[w]),
    )


def subject_changes(
    before: tuple[tuple[str, RiskLevel], ...], after: tuple[tuple[str, RiskLevel], ...]
) -> dict[str, list[str]]:
    """What a new subject table adds, removes and re-levels, for the trail ("科创50=R4")."""
    diff = subject_diff(before, after)
    return {
        "added": [f"{c.keyword}={c.after.code}" for c in diff if c.before is None and c.after],
        "removed": [f"{c.keyword}={c.before.code}" for c in diff if c.after is None and c.before],
        "changed": [f"{c.keyword}={c.before.code}->{c.after.code}" for c in diff if c.before and c.after],
    }


def unlifted_levels(
    before: tuple[tuple[str, RiskLevel], ...], after: tuple[tuple[str, RiskLevel], ...]
) -> tuple[RiskLevel, ...]:
    """The levels above the main board (R4, R5) the old table had a keyword for and the
    new one has none: no report would be lifted to them by a keyword of its subject any more
    (a ChiNext or derivatives report stated 中风险 would be matched as stated). Said before
    storing, not refused: the table is the firm's policy."""
    had = {level for _, level in before}
    has = {level for _, level in after}
    return tuple(level for level in (RiskLevel.R4, RiskLevel.R5) if level in had and level not in has)


# The policy's switches (true or false), as `policy set NAME=true` takes them.
BOOLEAN_FIELDS = ("allow_escalation", "reassessment_due_blocks_r1")
# Its whole-number settings (days, an age, the import limits).
WHOLE_NUMBER_FIELDS = (
    "validity_days",
    "warning_days",
    "special_attention_age",
    *(name for name, _, _ in IMPORT_LIMIT_BOUNDS),
)
# More digits than any bound above has: a longer number is out of range, never read (a
# number of thousands of digits takes Python a while, and beyond 4,300 it refuses).
_SETTING_DIGITS = 18
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() also reads ３６５ and ³⁶⁵ as digits


def typed_settings(items: Iterable[str]) -> dict[str, Any]:
    """Settings typed as NAME=VALUE text (`policy set`), as the values Policy takes: a
    switch as true or false, a whole number in ASCII digits, any other name's value as its
    text (Policy refuses an unknown name or a bad value). Spaces around a value do not
    count. Refused with a sentence naming the setting: no `=`, a name given twice (the last
    would silently win), a switch or a number written otherwise."""
    settings: dict[str, Any] = {}
    for item in items:
        name, equals, text = item.partition("=")
        if not equals:
            raise PolicyError(f"{item!r}: write settings as NAME=VALUE")
        if name in settings:
            raise PolicyError(f"{name} is given twice")
        value = text.strip()
        if name == "subjects":  # a table, not a value: its own command previews it first
            raise PolicyError(
                "the subject table is not a NAME=VALUE setting: store a new one with `suitcheck policy subjects "
                "--from FILE` (keyword,level lines)"
            )
        if name in BOOLEAN_FIELDS:
            if value.lower() not in ("true", "false"):
                raise PolicyError(f"{item!r}: {name} is true or false")
            settings[name] = value.lower() == "true"
        elif name in WHOLE_NUMBER_FIELDS:
            if not _WHOLE_NUMBER.fullmatch(value):
                raise PolicyError(f"{item!r}: {name} is a whole number in ASCII digits")
            # Out of every range, and refused as such by Policy with the range it must be in.
            settings[name] = int(value) if len(value) <= _SETTING_DIGITS else 10**_SETTING_DIGITS
        else:
            settings[name] = text
    return settings


@dataclasses.dataclass(frozen=True)
class Policy:
    """One version of the firm's suitability policy. Every decision names its version."""

    version: int = 1
    validity_days: int = 730
    warning_days: int = 30
    special_attention_age: int = 70
    allow_escalation: bool = False
    # A client marked for re-assessment (their situation changed) "is then treated as
    # expired until re-assessed" (the rulebook): nothing, R1 included. A version stored
    # before this field existed lacks it and keeps the rule it was decided under, nothing
    # above R1 (from_dict), so that its decisions replay as made; compliance adopts the
    # rulebook's reading by storing a new version (`policy set reassessment_due_blocks_r1=true`).
    reassessment_due_blocks_r1: bool = True
    warning_text: str = DEFAULT_WARNING_TEXT
    warning_version: str = "W1"
    subjects: tuple[tuple[str, RiskLevel], ...] = DEFAULT_SUBJECTS
    # What reading one imported file may take (a worker process enforces them).
    import_memory_mb: int = 1024
    import_cpu_seconds: int = 60
    import_inflated_mb: int = 512
    import_max_pages: int = 200
    import_max_text_chars: int = 5_000_000

    def __post_init__(self) -> None:
        self._check_types()
        if not VALIDITY_DAYS[0] <= self.validity_days <= VALIDITY_DAYS[1]:
            raise PolicyError(f"validity_days must be {VALIDITY_DAYS[0]} to {VALIDITY_DAYS[1]} days")
        for name, low, high in IMPORT_LIMIT_BOUNDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise PolicyError(f"{name} must be a whole number from {low} to {high}")
        if not 0 <= self.warning_days < self.validity_days:
            raise PolicyError("warning_days must be at least 0 and less than validity_days")
        if not ATTENTION_AGE[0] <= self.special_attention_age <= ATTENTION_AGE[1]:
            raise PolicyError(f"special_attention_age must be {ATTENTION_AGE[0]} to {ATTENTION_AGE[1]}")
        if self.version < 1:
            raise PolicyError("version must be 1 or more")

    def _check_types(self) -> None:
        """Whole numbers and booleans exactly (True is an int to Python, 30.0 equals 30)."""
        for name in ("version", "validity_days", "warning_days", "special_attention_age"):
            if type(getattr(self, name)) is not int:
                raise PolicyError(f"{name} must be a whole number")
        for name in BOOLEAN_FIELDS:
            if type(getattr(self, name)) is not bool:
                raise PolicyError(f"{name} must be true or false")
        for text in ("warning_text", "warning_version"):
            if not isinstance(getattr(self, text), str) or not getattr(self, text).strip():
                raise PolicyError(f"{text} must not be empty")

    @property
    def due_allows(self) -> RiskLevel | None:
        """The highest level a client marked for re-assessment may still be given: none
        under the rulebook's reading, R1 under a version stored before it."""
        return None if self.reassessment_due_blocks_r1 else RiskLevel.R1

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["subjects"] = [[word, level.code] for word, level in self.subjects]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"unknown policy fields: {', '.join(sorted(unknown))}")
        values = dict(data)
        values.setdefault("reassessment_due_blocks_r1", False)  # stored before the field: the rule then
        if "subjects" in values:
            table = values["subjects"]
            if isinstance(table, (str, bytes)) or not all(
                isinstance(entry, (list, tuple)) and len(entry) == 2 for entry in table
            ):
                raise PolicyError("bad subject table: each entry is a keyword and a level")
            try:
                values["subjects"] = tuple((str(word), RiskLevel.parse(str(level))) for word, level in table)
            except (TypeError, ValueError) as exc:
                raise PolicyError(f"bad subject table: {exc}") from exc
        try:
            return cls(**values)
        except TypeError as exc:  # a comparison on a value of the wrong type
            raise PolicyError(f"a policy value has the wrong type: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> Policy:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"policy is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise PolicyError("policy must be a JSON object")
        return cls.from_dict(data)
