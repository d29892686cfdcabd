"""Report risk levels (R1-R5), investor risk profiles (C1-C5) and investor classes."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from typing import TypeVar


class UnknownLevelError(ValueError):
    """Raised when a text names no known risk level or profile."""


def _key(text: str) -> str:
    # NFKC folds full-width letters and digits (Ｒ３ -> R3); spaces and case do not matter.
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


class RiskLevel(enum.IntEnum):
    """The risk level of a research report; a higher number is riskier."""

    R1 = 1
    R2 = 2
    R3 = 3
    R4 = 4
    R5 = 5

    @property
    def code(self) -> str:
        return self.name

    @property
    def label_zh(self) -> str:
        return _LEVEL_ZH[self]

    @property
    def label_en(self) -> str:
        return _LEVEL_EN[self]

    @classmethod
    def parse(cls, text: str) -> RiskLevel:
        """Read a level from any spelling staff or reports use: `R3`, `3`, `中风险`, `medium`."""
        found = _LEVEL_SPELLINGS.get(_key(text))
        if found is None:
            raise UnknownLevelError(f"not a risk level: {text!r}")
        return found


class RiskProfile(enum.IntEnum):
    """An ordinary investor's assessed risk profile; C_n may use reports up to R_n."""

    C1 = 1
    C2 = 2
    C3 = 3
    C4 = 4
    C5 = 5

    @property
    def code(self) -> str:
        return self.name

    @property
    def label_zh(self) -> str:
        return _PROFILE_ZH[self]

    @property
    def label_en(self) -> str:
        return _PROFILE_EN[self]

    @property
    def max_level(self) -> RiskLevel:
        """The highest report level this profile may use under the base table."""
        return RiskLevel(int(self))

    @classmethod
    def parse(cls, text: str) -> RiskProfile:
        """Read a profile from `C3`, `3`, `稳健型`, `稳健`, `prudent` and the like."""
        found = _PROFILE_SPELLINGS.get(_key(text))
        if found is None:
            raise UnknownLevelError(f"not a risk profile: {text!r}")
        return found


class InvestorClass(enum.StrEnum):
    """Ordinary investors follow the table; professional ones may use every level.

    A type-B professional who asked to be treated as ordinary is stored as
    `professional-as-ordinary` so the history stays visible, and follows the table.
    """

    ORDINARY = "ordinary"
    PROFESSIONAL = "professional"
    PROFESSIONAL_AS_ORDINARY = "professional-as-ordinary"

    @property
    def follows_table(self) -> bool:
        return self is not InvestorClass.PROFESSIONAL

    def needs_assessment_after(self, before: InvestorClass) -> bool:
        """Whether a client whose class changes from `before` to this one needs a new
        assessment before the table may give them more than R1: a professional treated as
        ordinary from now on (a type-B professional's request) "then needs an assessment".
        One made before the change, while the table did not bind them, is not it."""
        return self.follows_table and not before.follows_table

    @classmethod
    def parse(cls, text: str) -> InvestorClass:
        found = _CLASS_SPELLINGS.get(_key(text))
        if found is None:
            raise UnknownLevelError(f"not an investor class: {text!r}")
        return found


_LEVEL_ZH = {
    RiskLevel.R1: "低风险",
    RiskLevel.R2: "中低风险",
    RiskLevel.R3: "中风险",
    RiskLevel.R4: "中高风险",
    RiskLevel.R5: "高风险",
}
_LEVEL_EN = {
    RiskLevel.R1: "low",
    RiskLevel.R2: "medium-low",
    RiskLevel.R3: "medium",
    RiskLevel.R4: "medium-high",
    RiskLevel.R5: "high",
}
_PROFILE_ZH = {
    RiskProfile.C1: "保守型",
    RiskProfile.C2: "谨慎型",
    RiskProfile.C3: "稳健型",
    RiskProfile.C4: "积极型",
    RiskProfile.C5: "激进型",
}
_PROFILE_EN = {
    RiskProfile.C1: "conservative",
    RiskProfile.C2: "cautious",
    RiskProfile.C3: "prudent",
    RiskProfile.C4: "active",
    RiskProfile.C5: "aggressive",
}


_Ranked = TypeVar("_Ranked", RiskLevel, RiskProfile)


def _spellings(
    members: type[_Ranked], zh: Mapping[_Ranked, str], en: Mapping[_Ranked, str], prefix: str, extra: dict[str, int]
) -> dict[str, _Ranked]:
    table: dict[str, _Ranked] = {}
    for member in members:
        n = int(member)
        for spelling in (member.name, str(n), f"{prefix}{n}", zh[member], en[member]):
            table[_key(spelling)] = member
    for spelling, n in extra.items():
        table[_key(spelling)] = members(n)
    return table


_LEVEL_SPELLINGS = _spellings(
    RiskLevel,
    _LEVEL_ZH,
    _LEVEL_EN,
    "R",
    {
        "低": 1,
        "较低风险": 2,
        "中低": 2,
        "中": 3,
        "中等风险": 3,
        "中高": 4,
        "较高风险": 4,
        "高": 5,
        "medium low": 2,
        "medium-low risk": 2,
        "low risk": 1,
        "medium risk": 3,
        "medium high": 4,
        "medium-high risk": 4,
        "high risk": 5,
        "moderate": 3,
    },
)
_PROFILE_SPELLINGS = _spellings(
    RiskProfile,
    _PROFILE_ZH,
    _PROFILE_EN,
    "C",
    {"保守": 1, "谨慎": 2, "稳健": 3, "积极": 4, "激进": 5, "balanced": 3, "aggressive type": 5},
)
_CLASS_SPELLINGS = {
    _key(s): c
    for c, spellings in {
        InvestorClass.ORDINARY: ("ordinary", "普通投资者", "普通"),
        InvestorClass.PROFESSIONAL: ("professional", "专业投资者", "专业"),
        InvestorClass.PROFESSIONAL_AS_ORDINARY: (
            "professional-as-ordinary",
            "professional_as_ordinary",
            "专业转普通",
        ),
    }.items()
    for s in spellings
}
