"""Suggest a report's risk level from its subject, and find level mismatches."""

from __future__ import annotations

import re

from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy

# Listed-security codes tell the board: ChiNext 300/301, STAR 688/689, Beijing SE 8xxxxx,
# 4xxxxx and 920xxx are R4; Hong Kong codes (.HK, 4-5 digits) too; main board is R3.
_CODE_PATTERNS: tuple[tuple[re.Pattern[str], RiskLevel], ...] = (
    (re.compile(r"(?<!\d)(?:30[01]\d{3}|68[89]\d{3})(?:\.SZ|\.SH)?(?!\d)", re.I), RiskLevel.R4),
    (re.compile(r"(?<!\d)(?:8[3-9]\d{4}|4[03]\d{4}|920\d{3})(?:\.BJ)?(?!\d)", re.I), RiskLevel.R4),
    (re.compile(r"(?<![\d.])\d{4,5}\.HK\b", re.I), RiskLevel.R4),
    (re.compile(r"(?<!\d)(?:60[0135]\d{3}|00[0-3]\d{3})\.(?:SH|SZ)\b", re.I), RiskLevel.R3),
)


def suggest_level(subject_text: str, policy: Policy) -> RiskLevel | None:
    """The highest level the subject implies, or None when nothing in it is recognised.

    Pass the title, report type and headline, not the disclaimer: disclaimers print the
    whole subject table and would make every report look like a derivatives report.
    """
    levels = [level for word, level in policy.subjects if word in subject_text]
    levels += [level for pattern, level in _CODE_PATTERNS if pattern.search(subject_text)]
    return max(levels) if levels else None


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
