"""Branches (营业部) as data: what a branch's code, name and region may be, and who may
see every branch (head-office compliance and administrators) rather than their own."""

from __future__ import annotations

import enum
import re
import unicodedata

from suitcheck.domain.roles import Role

# The branch every store has: created by the migration that introduced branches, it
# holds every client and staff member of a store made before them.
HEAD_OFFICE_CODE = "HQ"
HEAD_OFFICE_NAME = "总部"

CODE_MAX = 16
NAME_MAX = 64
REGION_MAX = 64

# Upper-case ASCII letters, digits and '-': codes are typed on command lines, printed on
# lists and compared exactly, so one spelling per branch.
_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,15}")

# Only these roles may be firm-wide; an advisor always works for one branch.
FIRM_WIDE_ROLES = frozenset({Role.COMPLIANCE, Role.ADMIN})


class BranchProblem(enum.StrEnum):
    BAD_CODE = "bad-code"
    BAD_NAME = "bad-name"
    BAD_REGION = "bad-region"


def normalize_code(code: str) -> str:
    """The stored spelling of a typed code: NFKC (full-width letters), trimmed, upper case."""
    return unicodedata.normalize("NFKC", code).strip().upper()


def _clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def branch_problems(code: str, name: str, region: str = "") -> tuple[BranchProblem, ...]:
    """What is wrong with a branch as typed (after normalize_code on the code); empty when fine."""
    problems: list[BranchProblem] = []
    if not _CODE.fullmatch(code):
        problems.append(BranchProblem.BAD_CODE)
    clean = _clean_text(name)
    if not 0 < len(clean) <= NAME_MAX or not clean.isprintable():
        problems.append(BranchProblem.BAD_NAME)
    region_clean = _clean_text(region)
    if len(region_clean) > REGION_MAX or (region_clean and not region_clean.isprintable()):
        problems.append(BranchProblem.BAD_REGION)
    return tuple(problems)


def firm_wide_allowed(role: Role) -> bool:
    return role in FIRM_WIDE_ROLES


def effective_firm_wide(role: Role, firm_wide: bool) -> bool:
    """Whether a staff member sees every branch now. A firm-wide account whose role was
    changed to one that may not be firm-wide falls back to its own branch (fail closed)."""
    return firm_wide and firm_wide_allowed(role)
