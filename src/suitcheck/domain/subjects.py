"""Suggest a report's risk level from its subject, and find level mismatches."""

from __future__ import annotations

import re

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy
from suitcheck.domain.text import matching_form

# Listed-security codes tell the board: ChiNext 300/301, STAR 688/689, Beijing SE 8xxxxx,
# 4xxxxx and 920xxx are R4; Hong Kong codes (4-5 digits and HK, or 5 digits in
# parentheses) too; main board is R3.
_CODE_PATTERNS: tuple[tuple[re.Pattern[str], RiskLevel], ...] = (
    (re.compile(r"(?<!\d)(?:30[01]\d{3}|68[89]\d{3})(?:\.SZ|\.SH)?(?!\d)", re.I), RiskLevel.R4),
    (re.compile(r"(?<!\d)(?:8[3-9]\d{4}|4[03]\d{4}|920\d{3})(?:\.BJ)?(?!\d)", re.I), RiskLevel.R4),
    (re.compile(r"(?<![\d.])\d{4,5}\s*\.?\s*HK\b", re.I), RiskLevel.R4),
    # A five-digit code in parentheses is a Hong Kong one ("腾讯控股（00700）"): A shares
    # have six digits, and no other board here five.
    (re.compile(r"[（(]\s*\d{5}\s*[)）]"), RiskLevel.R4),
    (re.compile(r"(?<!\d)(?:60[0135]\d{3}|00[0-3]\d{3})\.(?:SH|SZ)\b", re.I), RiskLevel.R3),
)


# The body counts only for what lifts a report above the main board (R4, R5), and only
# when it keeps returning to it: a passing mention ("A 股和港股") is not a subject.
BODY_MENTIONS = 3


def subject_text(title: str | None, report_type: str | None) -> str:
    """What the subject table is applied to: the report's title and its type (never its
    disclaimer). An import reads them from the file; a correction gives them anew."""
    return " ".join(x for x in (title, report_type) if x)


def suggest_level(subject_text: str, policy: Policy, body_text: str = "", series_text: str = "") -> RiskLevel | None:
    """The highest level the subject implies, or None when nothing in it is recognised.

    `subject_text` is the title and report type: every keyword and security code in it
    counts. `body_text` is the report's own text without its disclaimers (they print the
    whole subject table and would make every report a derivatives report): there a
    keyword or code of an R4/R5 subject counts when it appears at least BODY_MENTIONS times.
    `series_text` is the series the report's masthead names (港股研究, 期货研究 above a
    title that names no market): there a keyword or code of an R4/R5 subject counts, a
    main-board or bond one not (公司研究 and 行业研究 head reports of every level).
    All are searched in their matching form: 創業板 and 期貨 are 创业板 and 期货.
    """
    subject_text, body_text = matching_form(subject_text), matching_form(body_text)
    series_text = matching_form(series_text)
    # Keywords are looked for with no spaces or line breaks: a PDF letter-spaces a title
    # (创 业 板) and wraps a sentence inside a word. Codes are looked for as printed, where
    # a space keeps two numbers apart.
    subject_words, body_words = _unspaced(subject_text), _unspaced(body_text)
    keywords = [(_unspaced(word), level) for word, level in policy.subjects]
    levels = [level for word, level in keywords if word in subject_words]
    levels += [level for pattern, level in _CODE_PATTERNS if pattern.search(subject_text)]
    if series_text:
        series_words = _unspaced(series_text)
        levels += [level for word, level in keywords if level >= RiskLevel.R4 and word in series_words]
        levels += [level for pattern, level in _CODE_PATTERNS if level >= RiskLevel.R4 and pattern.search(series_text)]
    if body_text:
        levels += [
            level for word, level in keywords if level >= RiskLevel.R4 and body_words.count(word) >= BODY_MENTIONS
        ]
        levels += [
            level
            for pattern, level in _CODE_PATTERNS
            if level >= RiskLevel.R4 and len(pattern.findall(body_text)) >= BODY_MENTIONS
        ]
    return max(levels) if levels else None


_SPACES = re.compile(r"\s+")


def _unspaced(text: str) -> str:
    return _SPACES.sub("", text)


def matching_level(stated: RiskLevel | None, subject: RiskLevel | None, confirmed: bool) -> RiskLevel | None:
    """The level a report is matched at ("就高", the stricter reading).

    A stated level below what the subject implies is matched at the subject's level
    until compliance confirms a level (with a reason); a confirmed level is used as is,
    even below the subject (that stays flagged on the report). No level stays unrated:
    the subject alone never rates a report.
    """
    if stated is None:
        return None
    if confirmed or subject is None:
        return stated
    return max(stated, subject)


def level_below_subject(stated: RiskLevel | None, suggested: RiskLevel | None) -> bool:
    """A compliance finding: the report says it is less risky than its subject implies."""
    return stated is not None and suggested is not None and stated < suggested


def below_subject_finding(
    open_for: tuple[RiskLevel | None, RiskLevel | None] | None, level: RiskLevel | None, subject: RiskLevel | None
) -> tuple[bool, bool]:
    """What becomes of the finding that a report's level is below its subject when the level
    or the subject level changes: (settle the open one, open a new one).

    A finding names the level and the subject level it was made for ("stated R3, subject
    implies R4"), and is what compliance reads of the report: one open finding at most, and
    it names the pair in force, as a fresh import of the file would. `open_for` is the pair
    the open finding was made for, None when none is open. When the report is no longer
    below its subject the open finding is settled; when it still is, but for another pair
    (a subject raised further, a new rating still below it), the open one is settled and a
    new one names the pair in force.
    """
    below = level_below_subject(level, subject)
    settle = open_for is not None and (not below or open_for != (level, subject))
    return settle, below and (open_for is None or settle)
