"""The rulebook (/work/shared/domain.md) as an independent oracle, compared with suitcheck.

`rulebook_says` was written from domain.md alone, sentence by sentence, before reading
src/suitcheck/domain/; it imports nothing from suitcheck. Hypothesis generates (client,
report, day, policy) situations and the tests compare the oracle with `decide` (the pure
core), and with the clerk's path (`access.check`) and the distribution list (`eligible`)
on a store built from the same situation. Where domain.md is silent the oracle takes the
convention the README states and says so (the assessment's last valid day, the warning
window's edge, an assessment dated in the future).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------
# The oracle: domain.md only.
# ---------------------------------------------------------------------------------------

# Blocking reasons, strictest first: an unrated report is read by nobody; the lowest
# category "wins over every other rule" ("under any procedure": not even a re-assessment
# lifts it, only compliance); an unusable assessment blocks "until re-assessed"; last the
# table itself (the one a client-requested escalation may lift).
UNRATED, LOWEST, NEVER, EXPIRED, FUTURE, DUE, ABOVE = (
    "unrated",
    "lowest-category",
    "never-assessed",
    "expired",
    "future-dated",
    "reassessment-due",
    "above-profile",
)
STRICTNESS = (UNRATED, LOWEST, NEVER, EXPIRED, FUTURE, DUE, ABOVE)
# Notes and grounds that never block.
EXPIRING, AGED, FLAGGED, RAISED, WARNING, COVERS, PROFESSIONAL = (
    "expiring",
    "special-attention-age",
    "special-attention",
    "raised-to-subject",
    "warning-required",
    "profile-covers",
    "professional",
)


@dataclasses.dataclass(frozen=True)
class Situation:
    """Every input domain.md names for one (client, report, day)."""

    professional_type: str | None  # None: ordinary; "A" | "B" | "C": professional
    treated_as_ordinary: bool  # a type-B professional's request
    profile: int | None  # C1..C5 as 1..5, from the client's assessment
    assessed_on: dt.date | None  # None: never assessed
    marked_due: bool  # staff marked the situation changed
    lowest_category: bool  # 风险承受能力最低类别
    birth_date: dt.date | None
    special_attention: bool  # limited capacity etc., marked by staff
    stated: int | None  # the report's own statement (None: no statement: unrated)
    subject: int | None  # what its subject implies
    confirmed: bool  # compliance confirmed `stated` (with a reason)
    today: dt.date
    validity_days: int
    warning_days: int
    attention_age: int
    escalation_on: bool


@dataclasses.dataclass(frozen=True)
class Expected:
    decision: str  # allow | block | allow-after-warning
    blocks: frozenset[str]  # every blocking reason that is true
    must_name: frozenset[str]  # what the decision must say
    may_name: frozenset[str]  # everything that is true (a reason outside it is untrue)
    strictest: str | None  # the reason a block rests on
    on_list: bool  # on the distribution list for the report


def matched_level(s: Situation) -> int | None:
    """ "until compliance confirms a level (with a reason) match the report at the higher of
    the two ("就高")"; "A compliance rating below the subject's level stays flagged" (flagged,
    not overruled); "A report with no level is unrated"."""
    if s.stated is None:
        return None
    if s.confirmed or s.subject is None:
        return s.stated
    return max(s.stated, s.subject)


def completed_years(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _state_by_date(s: Situation) -> str:
    return assessment_state(dataclasses.replace(s, marked_due=False))


def assessment_state(s: Situation) -> str:
    """valid, expiring soon, expired, never assessed (+ marked: treated as expired).
    domain.md is silent on the edges; taken from the README: the assessment is valid
    `validity_days` days counting its own day, expiring soon when its expiry is at most
    `warning_days` away; and a date after today proves nothing (block, fail closed)."""
    if s.assessed_on is None or s.profile is None:
        return NEVER
    if s.assessed_on > s.today:
        return FUTURE
    expires = s.assessed_on + dt.timedelta(days=s.validity_days)
    if s.today >= expires:
        return EXPIRED
    if s.marked_due:
        return DUE  # "treated as expired until re-assessed"
    if (expires - s.today).days <= s.warning_days:
        return EXPIRING
    return "valid"


def table_reasons(s: Situation, level: int | None, blocks: set[str], must: set[str], may: set[str]) -> None:
    """The table and the assessment, for a client bound by them: "Expired or never
    assessed: block until re-assessed"; marked: "treated as expired until re-assessed";
    expiring soon: "allow, but say so"; then `profile number >= level number`, the lowest
    category's flag implying C1."""
    state = assessment_state(s)
    profile = 1 if s.lowest_category else s.profile
    if state in (NEVER, EXPIRED, FUTURE, DUE):
        blocks.add(state)
        if state == DUE:
            may.add(EXPIRED)  # the same thing in the rulebook's words
    if s.marked_due:
        may.add(DUE)  # the mark is a fact whatever the assessment's date says
        if _state_by_date(s) == EXPIRING:
            may.add(EXPIRING)  # so is the date
    if state == EXPIRING:
        must.add(EXPIRING)
    if level is None:
        return
    if profile is not None and profile < level:
        # What blocks only when the assessment is usable; else true of the profile on record.
        (blocks if state in ("valid", EXPIRING) else may).add(ABOVE)
    if s.profile is not None and s.profile < level:
        may.add(ABOVE)  # true of the profile on record too (a lowest-category client's C5)


def cautions(s: Situation) -> set[str]:
    """Special attention (older investors, limited capacity): "not a block, but the decision
    carries a visible caution"."""
    aged = s.birth_date is not None and completed_years(s.birth_date, s.today) >= s.attention_age
    return ({AGED} if aged else set()) | ({FLAGGED} if s.special_attention else set())


def rulebook_says(s: Situation) -> Expected:
    """What domain.md decides."""
    level = matched_level(s)
    blocks: set[str] = set()
    must: set[str] = set()
    may: set[str] = set()
    if level is None:
        blocks.add(UNRATED)  # "nobody may read it until compliance rates it"
    elif s.stated is not None and level > s.stated:
        may.add(RAISED)
    # "They may never be given anything above R1, under any procedure — this wins over every
    # other rule, the professional class included; the flag implies profile C1".
    if s.lowest_category and level is not None and level > 1:
        blocks.add(LOWEST)
    # Professionals "are not bound by the table"; a type-B one treated as ordinary is.
    table = s.professional_type is None or (s.professional_type == "B" and s.treated_as_ordinary)
    if table:
        table_reasons(s, level, blocks, must, may)
    must |= cautions(s)
    # Client-requested escalation: an ordinary client, not in the lowest category, whose
    # only obstacle is the table; never for lists ("filter hard, with no escalation").
    if blocks == {ABOVE} and s.escalation_on and not s.lowest_category:
        decision = "allow-after-warning"
        must.add(WARNING)
    elif blocks:
        decision = "block"
    else:
        decision = "allow"
        must.add(COVERS if table else PROFESSIONAL)
    strictest = next((r for r in STRICTNESS if r in blocks), None)
    if strictest is not None:
        must.add(strictest)  # the rule that blocked; the others may be said too
    may |= must | blocks
    return Expected(decision, frozenset(blocks), frozenset(must), frozenset(may), strictest, decision == "allow")


# ---------------------------------------------------------------------------------------
# suitcheck's words for the same things (a mapping, not a rule).
# ---------------------------------------------------------------------------------------

from suitcheck.domain.decision import (  # noqa: E402
    BLOCKING_REASONS,
    Decision,
    InvestorFacts,
    Outcome,
    Reason,
    ReportFacts,
    decide,
)
from suitcheck.domain.levels import InvestorClass, RiskLevel, RiskProfile  # noqa: E402
from suitcheck.domain.policy import Policy  # noqa: E402
from suitcheck.services import Actor, Services  # noqa: E402
from suitcheck.services.access import CheckResult  # noqa: E402
from suitcheck.services.investors import InvestorView  # noqa: E402
from tests.conftest import Clock  # noqa: E402

OURS = {
    UNRATED: Reason.REPORT_UNRATED,
    LOWEST: Reason.LOWEST_CATEGORY,
    NEVER: Reason.ASSESSMENT_MISSING,
    EXPIRED: Reason.ASSESSMENT_EXPIRED,
    FUTURE: Reason.ASSESSMENT_FUTURE_DATED,
    DUE: Reason.REASSESSMENT_DUE,
    ABOVE: Reason.PROFILE_BELOW_LEVEL,
    EXPIRING: Reason.ASSESSMENT_EXPIRING_SOON,
    AGED: Reason.SPECIAL_ATTENTION_AGE,
    FLAGGED: Reason.SPECIAL_ATTENTION_FLAG,
    RAISED: Reason.LEVEL_RAISED_TO_SUBJECT,
    WARNING: Reason.WARNING_REQUIRED,
    COVERS: Reason.PROFILE_COVERS_LEVEL,
    PROFESSIONAL: Reason.PROFESSIONAL_INVESTOR,
}


def investor_class(s: Situation) -> InvestorClass:
    if s.professional_type is None:
        return InvestorClass.ORDINARY
    return InvestorClass.PROFESSIONAL_AS_ORDINARY if s.treated_as_ordinary else InvestorClass.PROFESSIONAL


def policy_of(s: Situation) -> Policy:
    return Policy(
        validity_days=s.validity_days,
        warning_days=s.warning_days,
        special_attention_age=s.attention_age,
        allow_escalation=s.escalation_on,
    )


def disagreements(s: Situation, decision: Decision) -> list[str]:
    """What the decision gets wrong by the rulebook, in words (empty: it agrees)."""
    want = rulebook_says(s)
    said = set(decision.reasons)
    found = []
    if decision.outcome.value != want.decision:
        found.append(f"outcome {decision.outcome.value}, the rulebook says {want.decision}")
    missing = sorted(r for r in want.must_name if OURS[r] not in said)
    if missing:
        found.append(f"does not say {missing}")
    untrue = sorted(r.value for r in said if r not in {OURS[m] for m in want.may_name})
    if untrue:
        found.append(f"gives reasons that are not true: {untrue}")
    if want.strictest is not None and decision.main_reason is not OURS[want.strictest]:
        found.append(f"rests on {decision.main_reason}, the strictest reason is {want.strictest}")
    return found


# ---------------------------------------------------------------------------------------
# Situations.
# ---------------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 15)
LEVELS = st.integers(1, 5)


@st.composite
def situations(draw: st.DrawFn, today: dt.date | None = None, storable: bool = False) -> Situation:
    """Every input at once. `storable`: only what the services accept (no lowest category
    beside a professional class or a profile above C1, a mark only on an assessed client
    bound by the table, no assessment in the future), for the service comparison."""
    day = today or draw(st.dates(dt.date(2024, 1, 1), dt.date(2031, 12, 31)))
    validity = draw(st.sampled_from([365, 730]))
    warning = draw(st.sampled_from([0, 1, 30, 60]))
    kind = draw(st.sampled_from([None, None, None, None, "A", "B", "C"]))
    as_ordinary = kind == "B" and draw(st.booleans())
    lowest = draw(st.booleans())
    if storable and lowest and kind is not None and not as_ordinary:
        lowest = False
    assessed = draw(st.booleans() | st.just(True))
    profile = draw(st.integers(1, 1) if (storable and lowest) else LEVELS) if assessed else None
    edges = [validity - 1, validity, validity + 1, validity - warning, validity - warning - 1, 0]
    ago = draw(st.one_of(st.sampled_from(edges), st.integers(0 if storable else -5, validity + 40)))
    assessed_on = day - dt.timedelta(days=ago) if assessed else None
    marked = assessed and draw(st.booleans())
    if storable and kind is not None and not as_ordinary:
        marked = False  # professionals are not assessed, so never marked for re-assessment
    attention_age = draw(st.sampled_from([60, 70, 75]))
    born: dt.date | None = None
    if draw(st.booleans()):
        years = draw(st.integers(18, 95))
        shift = draw(st.sampled_from([-1, 0, 1, 40]))
        born = dt.date(day.year - years, day.month, min(day.day, 28)) + dt.timedelta(days=shift)
    if storable and born is not None and completed_years(born, day) < 18:
        # Under 18 (a shift past the 18th birthday): without full civil capacity, so the
        # client enters the lowest category, profile C1, never professional (domain.md).
        lowest = True
        if kind is not None and not as_ordinary:
            kind = None
        profile = 1 if assessed else None
    stated = draw(st.none() | LEVELS)
    subject = draw(st.none() | LEVELS)
    return Situation(
        professional_type=kind,
        treated_as_ordinary=as_ordinary,
        profile=profile,
        assessed_on=assessed_on,
        marked_due=marked,
        lowest_category=lowest,
        birth_date=born,
        special_attention=draw(st.booleans()),
        stated=stated,
        subject=subject,
        confirmed=stated is not None and draw(st.booleans()),
        today=day,
        validity_days=validity,
        warning_days=warning,
        attention_age=attention_age,
        escalation_on=draw(st.booleans()),
    )


def core_decision(s: Situation) -> Decision:
    return decide(
        InvestorFacts(
            investor_class=investor_class(s),
            profile=RiskProfile(s.profile) if s.profile is not None else None,
            assessed_on=s.assessed_on,
            lowest_category=s.lowest_category,
            birth_date=s.birth_date,
            special_attention=s.special_attention,
            reassessment_due=s.marked_due,
        ),
        ReportFacts(
            level=RiskLevel(s.stated) if s.stated is not None else None,
            subject_level=RiskLevel(s.subject) if s.subject is not None else None,
            confirmed=s.confirmed,
        ),
        s.today,
        policy_of(s),
    )


# ---------------------------------------------------------------------------------------
# 1. The pure core.
# ---------------------------------------------------------------------------------------


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(situations())
def test_decide_agrees_with_the_rulebook(s: Situation) -> None:
    assert disagreements(s, core_decision(s)) == [], s


def test_the_oracle_can_disagree() -> None:
    """The comparison is no tautology: a decision that allows what the rulebook blocks, or
    that rests on a reason that is not the strictest, is caught."""
    s = Situation(None, False, 2, TODAY - dt.timedelta(days=10), False, False, None, False, 3, None, False,
                  TODAY, 730, 30, 70, False)  # fmt: skip
    decision = core_decision(s)
    assert disagreements(s, decision) == []
    allowed = dataclasses.replace(decision, outcome=decision.outcome.__class__.ALLOW)
    assert disagreements(s, allowed)
    untrue = dataclasses.replace(decision, reasons=(Reason.PROFILE_BELOW_LEVEL, Reason.ASSESSMENT_EXPIRED))
    assert disagreements(s, untrue)
    assert {r for r in BLOCKING_REASONS if r is not Reason.RECORD_INTEGRITY} <= {OURS[r] for r in STRICTNESS}


def test_a_client_marked_due_is_treated_as_expired_for_r1_too() -> None:
    """domain.md: "staff mark it (with a reason) and the client is then treated as expired
    until re-assessed"; "Expired or never assessed: block until re-assessed". Was BROKE:
    suitcheck allowed R1 to a client marked due (its README: "nothing above R1 until
    re-assessed"); now a policy version stored from this release on blocks it
    (Policy.reassessment_due_blocks_r1), and an older version keeps the rule it decided by."""
    s = Situation(None, False, 3, TODAY - dt.timedelta(days=100), True, False, None, False, 1, 1, False,
                  TODAY, 730, 30, 70, False)  # fmt: skip
    assert rulebook_says(s).decision == "block"
    assert disagreements(s, core_decision(s)) == []


# ---------------------------------------------------------------------------------------
# 2. The clerk's path and the distribution list, on a store built from the situation.
# ---------------------------------------------------------------------------------------

# (statement in the disclaimer, title, report type) -> (stated, subject, confirm at stated).
# The subjects are domain.md's table: macro economy R1, bonds R2, a main-board company's
# industry R3, STAR / Hong Kong R4.
MACRO = ("宏观经济与政策月报", "宏观经济点评")
BONDS = ("债券市场周报", "固收点评")
STAR = ("科创板芯片公司：先进封装放量", None)
HK = ("港股互联网公司：广告回暖", None)
MAIN = (None, None)  # the synthetic report: an industry (行业) event review, R3
STORE_REPORTS = (
    (None, MAIN, None, 3, False),
    ("低风险", MACRO, 1, 1, False),
    ("中低风险", BONDS, 2, 2, False),
    ("低风险", MAIN, 1, 3, False),
    ("中风险", MAIN, 3, 3, False),
    ("中风险", STAR, 3, 4, False),
    ("中风险", STAR, 3, 4, True),
    ("中高风险", HK, 4, 4, False),
    ("高风险", MAIN, 5, 3, False),
)
_sequence = itertools.count(1)
_DISCLAIMER_END = "本报告的信息均来自已公开信息。"
# Texts whose level statements are the point: "Only that statement about the report itself
# counts" (a product's level quoted in the body is not it; the same statement repeated is
# one); "Two different statements about the report itself make it unrated".
STATEMENT_REPORTS = (
    ("点评：", "点评：\n\n示例债券基金的风险等级为中低风险，该基金风险等级为中低风险。", 3, 3),
    (_DISCLAIMER_END, "本报告的风险等级为中风险。\n" + _DISCLAIMER_END, 3, 3),
    (_DISCLAIMER_END, "本报告的风险等级为高风险。\n" + _DISCLAIMER_END, None, 3),
)


def import_statement_reports(svc: Services, officer: Actor, folder: Path) -> list[tuple[int, int | None, int]]:
    """The synthetic report (stated 中风险, subject R3) with one change each; (id, stated, subject)."""
    from tests.fixtures import report_text

    made = []
    for n, (old, new, stated, subject) in enumerate(STATEMENT_REPORTS):
        path = folder / f"statements-{n}.txt"
        path.write_text(report_text("中风险").replace(old, new, 1) + f"\n编号 statements-{n}\n", encoding="utf-8")
        (result,) = svc.reports.import_paths(officer, [path])
        assert result.report is not None, result
        made.append((result.report, stated, subject))
    return made


def id_number(born: dt.date) -> str:
    """A valid resident ID number (GB 11643) of a Beijing district, born that day."""
    from stdnum.cn import ric

    body = f"110105{born:%Y%m%d}{next(_sequence) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it takes the number with a check place


def test_the_clerks_check_and_the_distribution_list_agree_with_the_rulebook(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Each situation becomes a client in one store (policy set as generated), checked
    against reports of every kind through `access.check`, and looked for on each report's
    distribution list (`eligible`): on it iff the rulebook allows (no escalation)."""
    from suitcheck.domain.roles import Role
    from tests.conftest import staff
    from tests.fixtures import import_text_report

    svc = sqlite_services
    officer = staff(svc, Role.COMPLIANCE)
    reports = []
    for statement, (title, kind), stated, subject, confirm in STORE_REPORTS:
        ref = import_text_report(svc, officer, tmp_path, statement, title, kind)
        if confirm and stated is not None:
            svc.reports.set_level(officer, ref, RiskLevel(stated), note="发行人为主板公司，确认中风险")
        view = svc.reports.get(officer, ref)
        # The fixture is what the oracle is told: stated level, subject, confirmation.
        assert (view.level, view.suggested_level, view.level_confirmed) == (
            RiskLevel(stated) if stated else None,
            RiskLevel(subject),
            confirm,
        )
        reports.append((ref, stated, subject, confirm))
    for ref, stated, subject in import_statement_reports(svc, officer, tmp_path):
        view = svc.reports.get(officer, ref)
        # What the rulebook says these texts state: the oracle is told only that.
        assert (view.level, view.suggested_level) == (RiskLevel(stated) if stated else None, RiskLevel(subject))
        reports.append((ref, stated, subject, False))
    today = svc.ctx.today()
    accounts = itertools.count(1)

    @settings(max_examples=80, deadline=None, derandomize=True, database=None)
    @given(situations(today=today, storable=True))
    def agrees(s: Situation) -> None:
        current = svc.policy.current()
        wanted = {
            "validity_days": s.validity_days,
            "warning_days": s.warning_days,
            "special_attention_age": s.attention_age,
            "allow_escalation": s.escalation_on,
        }
        if any(getattr(current, k) != v for k, v in wanted.items()):
            svc.policy.update(officer, **wanted)
        client = svc.investors.add(
            officer,
            account=f"88{next(accounts):06d}",
            name="测试客户",
            id_number=id_number(s.birth_date) if s.birth_date else None,
            investor_class=investor_class(s),
            profile=RiskProfile(s.profile) if s.profile else None,
            assessed_on=s.assessed_on,
            lowest_category=s.lowest_category,
            special_attention=s.special_attention,
        ).id
        if s.marked_due:
            svc.investors.mark_reassessment_due(officer, client, "客户失业，收入来源变化")
        for ref, stated, subject, confirm in reports:
            seen = dataclasses.replace(s, stated=stated, subject=subject, confirmed=confirm)
            result = svc.access.check(officer, client, ref)
            assert disagreements(seen, result.decision) == [], (seen, result.decision.reasons)
            listed = any(v.id == client for v in svc.access.eligible(officer, ref))
            assert listed == rulebook_says(seen).on_list, (seen, listed)

    agrees()


# ---------------------------------------------------------------------------------------
# 2b. Every other place that answers "may this client read this report" says what the
#     recorded check says: the desk's column (`preview`), a batch (`check_pairs`), the
#     permits row for the report's level (the confirmation sheet's and the wizard's,
#     `permits_after`), the distribution list (`eligible`, `write_eligible`), the replay of
#     the recorded check, and the dashboard's figures; and the check says what the rulebook
#     says (under the policy switch `reassessment_due_blocks_r1` off, the legacy reading: a
#     client marked due keeps R1, so the rulebook is asked only when it is on).
# ---------------------------------------------------------------------------------------


@st.composite
def edge_situations(draw: st.DrawFn, today: dt.date) -> tuple[Situation, bool, bool]:
    """A storable situation pushed towards the edges the paths could read differently: the
    assessment's last valid day today, expired yesterday (its last valid day), the
    special-attention age reached today (or tomorrow), a type-B professional treated as
    ordinary, the lowest category, a client marked due; with the switch
    `reassessment_due_blocks_r1` (second) and whether to re-assess from answers (third)."""
    s = draw(situations(today=today, storable=True))
    edge = draw(st.sampled_from(["as drawn", "last valid today", "expired yesterday", "aged today", "B as ordinary"]))
    if edge == "last valid today" and s.assessed_on is not None:
        s = dataclasses.replace(s, assessed_on=today - dt.timedelta(days=s.validity_days - 1))
    elif edge == "expired yesterday" and s.assessed_on is not None:
        s = dataclasses.replace(s, assessed_on=today - dt.timedelta(days=s.validity_days))
    elif edge == "aged today":
        shift = draw(st.sampled_from([0, 1]))  # 0: the birthday is today; 1: tomorrow
        born = dt.date(today.year - s.attention_age, today.month, today.day) + dt.timedelta(days=shift)
        s = dataclasses.replace(s, birth_date=born)
    elif edge == "B as ordinary":
        profile = 1 if s.lowest_category else draw(LEVELS)
        s = dataclasses.replace(
            s,
            professional_type="B",
            treated_as_ordinary=True,
            profile=profile,
            assessed_on=s.assessed_on or today - dt.timedelta(days=draw(st.integers(0, 800))),
        )
    return s, draw(st.booleans()), draw(st.booleans())


class Paths:
    """One store, reports of every kind, and each place that answers "may this client read
    this report" asked for a client, beside the recorded check; what was checked is kept
    for the replay and the dashboard."""

    def __init__(self, svc: Services, folder: Path) -> None:
        from suitcheck.domain.roles import Role
        from tests.conftest import staff
        from tests.fixtures import import_text_report

        self.svc, self.folder = svc, folder
        self.officer, self.admin = staff(svc, Role.COMPLIANCE), staff(svc, Role.ADMIN)
        self.reports = []
        for statement, (title, kind), stated, subject, confirm in STORE_REPORTS:
            ref = import_text_report(svc, self.officer, folder, statement, title, kind)
            if confirm and stated is not None:
                svc.reports.set_level(self.officer, ref, RiskLevel(stated), note="发行人为主板公司，确认中风险")
            self.reports.append((ref, stated, subject, confirm))
        self.refs = [ref for ref, *_ in self.reports]
        self.checked: dict[int, tuple[str, tuple[str, ...]]] = {}  # audit seq -> outcome, reasons
        self.outcomes: Counter[str] = Counter()
        self.blocking: Counter[str] = Counter()
        self.last: dict[tuple[int, int], str] = {}  # (client, report) -> the last check's outcome
        self.clients: dict[int, str] = {}  # id -> account

    def record(self, result: object) -> CheckResult:
        assert isinstance(result, CheckResult), result
        decision = result.decision
        self.checked[result.audit_id] = (decision.outcome.value, tuple(r.value for r in decision.reasons))
        self.outcomes[decision.outcome.value] += 1
        self.last[result.investor_id, result.report_id] = decision.outcome.value
        if decision.outcome is Outcome.BLOCK:
            self.blocking.update(r.value for r in decision.reasons if r in BLOCKING_REASONS)
        return result

    def add(self, s: Situation, account: str) -> tuple[int, InvestorView]:
        """The client as the situation says, and their record as read before any mark (the
        one a questionnaire begun then starts from)."""
        view = self.svc.investors.add(
            self.officer,
            account=account,
            name="测试客户",
            id_number=id_number(s.birth_date) if s.birth_date else None,
            investor_class=investor_class(s),
            profile=RiskProfile(s.profile) if s.profile else None,
            assessed_on=s.assessed_on,
            lowest_category=s.lowest_category,
            special_attention=s.special_attention,
        )
        self.clients[view.id] = account
        if s.marked_due:
            self.svc.investors.mark_reassessment_due(self.officer, view.id, "客户失业，收入来源变化")
        return view.id, view

    def compare(self, s: Situation, client: int, due_blocks_r1: bool) -> None:
        """Check every report for the client, against the rulebook (switch on), and compare
        the column, a batch, the permits row and the distribution list with the check."""
        svc, officer = self.svc, self.officer
        results = {}
        for ref, stated, subject, confirm in self.reports:
            result = self.record(svc.access.check(officer, client, ref))
            results[ref] = result
            if due_blocks_r1:
                seen = dataclasses.replace(s, stated=stated, subject=subject, confirmed=confirm)
                assert disagreements(seen, result.decision) == [], (seen, result.decision.reasons)
        said = {ref: r.decision.outcome for ref, r in results.items()}
        assert svc.access.preview(officer, client, self.refs) == said, s  # the desk's column
        # A batch of the same pairs, the client named by account as a batch file names them.
        pairs = [(self.clients[client], str(ref)) for ref in self.refs]
        for (_, ref_text), answer in svc.access.check_pairs(officer, pairs):
            batch = self.record(answer)
            want = results[int(ref_text)].decision
            assert (batch.decision.outcome, batch.decision.reasons) == (want.outcome, want.reasons), (s, ref_text)
        for level, outcome in self.permits(client).items():
            for ref, result in results.items():
                if result.decision.level is level:
                    assert outcome is said[ref], (s, ref, result.decision.reasons)
        self.give(client, results)
        for ref in self.refs:  # the distribution list: on it iff the check allows (no escalation)
            listed = any(v.id == client for v in svc.access.eligible(officer, ref))
            assert listed == (said[ref] is Outcome.ALLOW), (s, ref, results[ref].decision.reasons)

    def give(self, client: int, results: dict[int, CheckResult]) -> None:
        """Open one report the check allows after a warning, once the client confirmed it,
        and try one it blocks: decisions recorded for the replay to decide again."""
        from suitcheck.services.errors import DecisionRefuses

        svc, officer = self.svc, self.officer
        warned = [r for r in results.values() if r.may_override]
        if warned:
            first = warned[0]
            svc.access.record_override(
                officer,
                client,
                first.report_id,
                warning_version=svc.policy.current().warning_version,
                client_confirmed=True,
                note="客户坚持",
                shown=first.decision,
            )
            svc.access.open_report(officer, client, first.report_id)
        blocked = [r for r in results.values() if r.decision.outcome is Outcome.BLOCK]
        if blocked:
            with pytest.raises(DecisionRefuses):
                svc.access.open_report(officer, client, blocked[0].report_id)

    def permits(self, client: int) -> dict[RiskLevel, Outcome]:
        """The permits table the confirmation sheet prints for the client's assessment."""
        from sqlalchemy import select

        from suitcheck.services.investors import permits_after
        from suitcheck.store.models import Investor

        svc = self.svc
        with svc.ctx.transaction(read_only=True) as session:
            row = session.execute(select(Investor).where(Investor.id == client)).scalar_one()
            if row.current_profile is None or row.current_assessed_on is None:
                return {}
            profile, assessed = RiskProfile(row.current_profile), row.current_assessed_on
            return dict(permits_after(row, profile, False, assessed, svc.ctx.today(), svc.ctx.policy(session)))

    def reassess(
        self, s: Situation, client: int, answers: dict[str, str], based_on: InvestorView | None, days_ago: int
    ) -> None:
        """What the wizard shows before saving, what saving returns, and what is then checked;
        `based_on`: the record the questionnaire began from (read before a mark, which the
        answers then do not clear); `days_ago`: a paper questionnaire's date (one older than
        the client's current assessment is kept in the history)."""
        svc, officer = self.svc, self.officer
        day = svc.ctx.today() - dt.timedelta(days=days_ago)
        preview = svc.investors.preview_answers(officer, client, answers, assessed_on=day, based_on=based_on)
        result = svc.investors.assess_answers(officer, client, answers, assessed_on=day, based_on=based_on)
        assert preview.permits == result.permits, (s, answers)
        after = dict(result.permits)
        for ref in self.refs:
            decision = self.record(svc.access.check(officer, client, ref)).decision
            if decision.level is not None:
                assert after[decision.level] is decision.outcome, (s, answers, decision.reasons)

    def lists_agree(self, among: set[int]) -> None:
        """Each report's distribution list (`eligible`, its count, the written file) holds,
        of these clients (checked last under the policy and on the day in force), those
        whose last check allowed outright."""
        import csv

        svc, officer = self.svc, self.officer
        for ref in self.refs:
            on_list = {v.id for v in svc.access.eligible(officer, ref)}
            allowed = {c for c in among if self.last[c, ref] == Outcome.ALLOW.value}
            assert on_list & among == allowed, (ref, sorted(on_list & among ^ allowed))
            assert svc.access.eligible_count(officer, ref) == len(on_list), ref
            out = self.folder / f"list-{ref}.csv"
            svc.access.write_eligible(officer, ref, out)
            with out.open(encoding="utf-8-sig", newline="") as handle:
                written = {row[1] for row in list(csv.reader(handle))[1:]}
            assert written == {self.clients[c] for c in on_list}, ref

    def replay_and_dashboard(self, since: dt.date, until: dt.date) -> None:
        """The replay of every recorded check reproduces it; the dashboard counts the same
        decisions and blocking reasons."""
        replayed = self.svc.audit.replay(self.officer, sorted(self.checked))
        assert replayed.ok, replayed.counts
        assert len(replayed.entries) == len(self.checked)
        for entry in replayed.entries:
            assert (entry.replayed_decision, entry.replayed_reasons) == self.checked[entry.seq], entry
            assert not entry.differs, entry
        # Every decision recorded in the period (checks, overrides, openings, refusals) too.
        period = self.svc.audit.replay(self.officer, since=since, until=until)
        assert period.ok, period.counts
        assert {"override", "open", "open-refused"} <= {e.action for e in period.entries}
        figures = self.svc.dashboard.figures(self.officer, since, until)
        assert {k: v for k, v in figures.decisions_total.items() if v} == dict(self.outcomes)
        assert figures.blocks_by_reason == dict(self.blocking)


def test_every_verdict_path_says_what_the_check_says(sqlite_services: Services, tmp_path: Path, clock: Clock) -> None:
    """Each situation becomes a client, checked against reports of every kind and compared
    path by path (Paths.compare), re-assessed from answers when drawn so; then the clock is
    corrected back a day (an administrator's recorded correction: the trail's newest moment
    was a clock running ahead), so that assessments made "today" are dated tomorrow, and
    every path is compared again for the first clients, under the policy then in force."""
    svc = sqlite_services
    paths = Paths(svc, tmp_path)
    accounts = itertools.count(1)
    as_made: dict[int, Situation] = {}  # the clients not re-assessed since, as the oracle was told

    @settings(max_examples=130, deadline=None, derandomize=True, database=None)
    @given(edge_situations(today=svc.ctx.today()), answer_sets(), st.booleans(), st.sampled_from([0, 0, 1, 40, 400]))
    def agrees(
        situation: tuple[Situation, bool, bool], answers: dict[str, str], begun_before_mark: bool, paper_days_ago: int
    ) -> None:
        s, due_blocks_r1, reassess = situation
        current = svc.policy.current()
        wanted = {
            "validity_days": s.validity_days,
            "warning_days": s.warning_days,
            "special_attention_age": s.attention_age,
            "allow_escalation": s.escalation_on,
            "reassessment_due_blocks_r1": due_blocks_r1,
        }
        if any(getattr(current, k) != v for k, v in wanted.items()):
            svc.policy.update(paths.officer, **wanted)
        client, before_mark = paths.add(s, f"89{next(accounts):06d}")
        paths.compare(s, client, due_blocks_r1)
        as_made[client] = s
        # Professionals are not assessed; a lowest-category client's answers above C1 are
        # refused (only compliance lifts the category).
        bound = investor_class(s) is not InvestorClass.PROFESSIONAL
        if reassess and bound and not (s.lowest_category and questionnaire_says(answers)[1] > 1):
            del as_made[client]
            paths.reassess(s, client, answers, before_mark if begun_before_mark else None, paper_days_ago)

    agrees()

    day = svc.ctx.today()
    policy = svc.policy.current()
    for kind, profile, marked in ((None, 3, False), ("B", 5, True)):  # assessed today: tomorrow, a day back
        s = Situation(kind, kind == "B", profile, day, marked, False, None, False, None, None, False,
                      day, policy.validity_days, policy.warning_days, policy.special_attention_age,
                      policy.allow_escalation)  # fmt: skip
        client, _ = paths.add(s, f"89{next(accounts):06d}")
        as_made[client] = s
    clock.advance(days=-1)
    svc.audit.correct_clock(paths.admin, "时钟曾快一天，已校正")
    policy, yesterday = svc.policy.current(), svc.ctx.today()
    again = sorted(as_made, key=lambda c: (as_made[c].assessed_on != day, c))[:40]  # dated today first
    for client in again:
        s = dataclasses.replace(
            as_made[client],
            today=yesterday,
            validity_days=policy.validity_days,
            warning_days=policy.warning_days,
            attention_age=policy.special_attention_age,
            escalation_on=policy.allow_escalation,
        )
        paths.compare(s, client, policy.reassessment_due_blocks_r1)
    assert any(as_made[c].assessed_on == day for c in again)  # some are now dated tomorrow
    paths.lists_agree(set(again))
    paths.replay_and_dashboard(yesterday, day)


# ---------------------------------------------------------------------------------------
# 3. The questionnaire's effect, from its data: "each answer scores points, score bands map
#    to C1–C5, and knock-out answers ... force the lowest category whatever the score".
# ---------------------------------------------------------------------------------------


def questionnaire_data() -> dict[str, object]:
    import importlib.resources
    import json

    text = importlib.resources.files("suitcheck").joinpath("resources/questionnaire/default.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


QUESTIONNAIRE = questionnaire_data()


def questionnaire_says(answers: dict[str, str]) -> tuple[int, int, bool]:
    """(score, profile 1..5, lowest category) by the rulebook, from the firm's data."""
    chosen = [
        next(a for a in q["answers"] if a["id"] == answers[q["id"]])
        for q in QUESTIONNAIRE["questions"]  # type: ignore[attr-defined]
    ]
    score = sum(a["score"] for a in chosen)
    (band,) = [b for b in QUESTIONNAIRE["bands"] if b["min_score"] <= score <= b["max_score"]]  # type: ignore[attr-defined]
    knocked_out = any(a.get("knockout") for a in chosen)
    return score, 1 if knocked_out else int(band["profile"][1]), knocked_out


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, str]:
    return {
        q["id"]: draw(st.sampled_from([a["id"] for a in q["answers"]]))
        for q in QUESTIONNAIRE["questions"]  # type: ignore[attr-defined]
    }


@settings(max_examples=300, deadline=None, derandomize=True)
@given(answer_sets())
def test_the_questionnaire_scores_as_the_rulebook_says(answers: dict[str, str]) -> None:
    from suitcheck.services.questionnaire import default_questionnaire

    got = default_questionnaire().score(answers)
    assert (got.score, int(got.profile), got.lowest_category) == questionnaire_says(answers)
