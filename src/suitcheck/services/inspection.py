"""The self-inspection report: figures over a period from the store, the chain verified,
a PDF written, and its production audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from suitcheck.audit import chain
from suitcheck.audit.inspection_pdf import MAX_LISTED, FindingRow, InspectionData, OverrideRow, render
from suitcheck.domain.calendar import firm_day
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import BLOCKING_REASONS, Reason
from suitcheck.domain.levels import InvestorClass
from suitcheck.domain.roles import Permission
from suitcheck.services.assessment_history import RECORDING
from suitcheck.services.assessment_history import recorded as recorded_assessment
from suitcheck.services.context import Actor, ServiceContext, newest_entry
from suitcheck.services.errors import InvalidInput
from suitcheck.services.files import check_target, placed_when_recorded
from suitcheck.services.integrity import shown_text
from suitcheck.services.questionnaire import load_version
from suitcheck.services.reports import stored_level
from suitcheck.store.models import AuditEntry, Finding, Investor, Report

log = logging.getLogger(__name__)

MAX_PERIOD_YEARS = 10
BLOCKING = frozenset(r.value for r in BLOCKING_REASONS)
EXPIRY_MONTHS = 12  # expiring-by-month covers this many months from the period's first


@dataclasses.dataclass(frozen=True)
class InspectionResult:
    path: Path
    sha256: str
    data: InspectionData
    audit_id: int

    def to_dict(self) -> dict[str, object]:
        d = self.data
        return {
            "out": str(self.path),
            "sha256": self.sha256,
            "from": d.period_from.isoformat(),
            "to": d.period_to.isoformat(),
            "decisions": dict(d.decisions),
            "blocks_by_reason": dict(d.blocks_by_reason),
            "expired_checks": dict(d.expired_checks),
            "overrides": d.overrides_total,
            "open_findings": d.open_findings_total,
            "assessments_by_profile": dict(d.assessments_by_profile),
            "expiring_by_month": dict(d.expiring_by_month),
            "verification_ok": d.verification_ok,
            "as_of": d.as_of,
            "trail_from": d.trail_from.isoformat() if d.trail_from else None,
            "policy_versions": list(d.policy_versions),
            "audit_id": self.audit_id,
        }

    @property
    def warning(self) -> str | None:
        """What its maker is told when the trail failed verification as it was made (the PDF
        says so, written for investigation), as `export_warning` tells an export's; else None."""
        if self.data.verification_ok is not False:
            return None
        problem = self.data.verification.get("problem") or "no reason recorded"
        return (
            f"The audit trail fails verification ({problem}). The self-inspection report was written for "
            "investigation and says so. Run `suitcheck audit verify` and report it to compliance."
        )


def _no_account(investor_id: int | None) -> str:
    """An override whose client row is gone from the store (only SQL outside suitcheck
    removes one; verification names it): the row id the trail recorded."""
    return "" if investor_id is None else f"（客户记录缺失 missing client row {investor_id}）"


def _months(first: dt.date, count: int) -> list[str]:
    """`count` months from `first`'s ("YYYY-MM"), fewer when they would run past December
    9999, the last month a date holds."""
    year, month = first.year, first.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        if (year, month) == (dt.MAXYEAR, 12):
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _days_before(day: dt.date | None, days: dt.timedelta) -> dt.date | None:
    """`days` before `day`, or None when that is before the first day a date holds (or
    `day` is None: no day)."""
    if day is None or day - dt.date.min < days:
        return None
    return day - days


def collect(
    conn: Connection,
    period_from: dt.date,
    period_to: dt.date,
    *,
    validity_days: int,
) -> dict[str, Any]:
    """The period's figures, each one aggregate query (no per-decision Python work)."""
    # Recorded in the period: an entry stamped while a clock ran ahead counts at the clock
    # correction after it (chain.recorded_in), as in the period's audit export.
    in_period = (chain.recorded_in(period_from, period_to),)
    checks = (AuditEntry.action == AuditAction.CHECK.value, *in_period)

    decisions: Counter[str] = Counter()
    for row in conn.execute(
        select(AuditEntry.decision, func.count().label("n")).where(*checks).group_by(AuditEntry.decision)
    ):
        decisions[stored_decision(row.decision)] += int(row.n)
    blocks, expired = blocks_by_reason(conn, checks)

    override_filter = (AuditEntry.action == AuditAction.OVERRIDE.value, *in_period)
    overrides_total = int(conn.execute(select(func.count()).where(*override_filter)).scalar_one())
    by_warning: Counter[str] = Counter()
    overrides = []
    for n, orow in enumerate(
        conn.execute(
            select(
                AuditEntry.seq,
                AuditEntry.at,
                AuditEntry.staff,
                AuditEntry.investor_id,
                Investor.account,
                AuditEntry.report_id,
                AuditEntry.facts,
            )
            .outerjoin(Investor, Investor.id == AuditEntry.investor_id)
            .where(*override_filter)
            .order_by(AuditEntry.seq)
        )
    ):
        facts = override_facts(orow.facts)
        version = facts.get("warning_version")
        by_warning[str(version)] += 1
        if n < MAX_LISTED:
            overrides.append(
                OverrideRow(
                    orow.seq,
                    orow.at,
                    orow.staff,
                    # The client as the firm knows them (their account), not the store's row id.
                    shown_text(orow.account) if orow.account is not None else _no_account(orow.investor_id),
                    orow.report_id,
                    version,
                    facts.get("recording_ref"),
                )
            )

    open_filter = Finding.resolved_at.is_(None)
    findings_total = int(
        conn.execute(select(func.count(func.distinct(Finding.report_id))).where(open_filter)).scalar_one()
    )
    finding_rows = [
        FindingRow(
            row.id,
            row.title,
            level.code if (level := stored_level(row.level)) else None,
            ", ".join(sorted(set((row.codes or "").split(",")))),
            int(row.n),
        )
        for row in conn.execute(
            select(
                Report.id,
                Report.title,
                Report.level,
                func.count(Finding.id).label("n"),
                _group_concat(conn, Finding.code).label("codes"),
            )
            .join(Finding, Finding.report_id == Report.id)
            .where(open_filter)
            .group_by(Report.id, Report.title, Report.level)
            .order_by(Report.id)
            .limit(MAX_LISTED)
        )
    ]

    # Assessments recorded in the period, as the trail recorded them: by the entries that
    # recorded them, in the Beijing days the entries fall in, not by the date an assessment
    # bears (one made on paper in June and recorded in July is July's, and a period's report
    # made again later states the same figures), nor by the `assessment` rows' own
    # `recorded_at`, which `audit verify` does not compare (until session 26 a row's time
    # moved back in SQL took it out of the period, and the report still said it verified).
    by_profile, questionnaire, recorded, lowest = assessments_recorded(conn, in_period)

    expiring = expiring_by_month(conn, period_from, EXPIRY_MONTHS, validity_days)
    # Rows compliance sealed again after they were changed outside suitcheck (audit settle):
    # exceptions to the rule that only suitcheck writes sealed records, as overrides are to the table.
    settled = (AuditEntry.action == AuditAction.RECORD_SETTLED.value, *in_period)
    records_settled = int(conn.execute(select(func.count()).where(*settled)).scalar_one())

    return {
        "decisions": decisions,
        "blocks_by_reason": blocks,
        "expired_checks": expired,
        "overrides": overrides,
        "overrides_total": overrides_total,
        "overrides_by_warning": dict(by_warning),
        "open_findings": finding_rows,
        "open_findings_total": findings_total,
        "assessments_by_profile": dict(by_profile),
        "assessments_questionnaire": questionnaire,
        "assessments_recorded": recorded,
        "assessments_lowest": lowest,
        "expiring_by_month": list(expiring.items()),
        "records_settled": records_settled,
    }


def assessments_recorded(conn: Connection, in_period: tuple[Any, ...]) -> tuple[Counter[str], int, int, int]:
    """The assessments the trail records in the period (`in_period` bounds the entries'
    time): by profile, then how many from the questionnaire, how many recorded from
    elsewhere, how many of the lowest category. An entry whose facts were changed outside
    suitcheck so that they no longer read as an assessment is not counted: the figures go
    on, and verify (stated in the inspection) names the entry."""
    by_profile: Counter[str] = Counter()
    questionnaire = elsewhere = lowest = 0
    rows = conn.execute(
        select(AuditEntry.facts)
        .where(AuditEntry.action.in_(RECORDING), AuditEntry.investor_id.is_not(None), *in_period)
        .execution_options(stream_results=True, yield_per=2_000)
    )
    for row in rows:
        try:
            made = recorded_assessment(shown_text(row.facts) or "")
        except RecursionError:  # JSON nested too deep to read
            continue
        if made is None:
            continue
        by_profile[str(made[0])] += 1
        lowest += 1 if made[2] is True else 0
        if made[3] is not None:  # the questionnaire's version: scored from answers
            questionnaire += 1
        else:
            elsewhere += 1
    return by_profile, questionnaire, elsewhere, lowest


def blocks_by_reason(conn: Connection, checks: tuple[Any, ...]) -> tuple[dict[str, int], dict[str, int]]:
    """Blocked checks by blocking reason, and checks made on an expired assessment by
    outcome, over the audited checks `checks` selects. Reasons are stored as a canonical
    JSON array; distinct combinations are few, so grouping by the text and splitting the
    handful of groups costs nothing."""
    blocks: Counter[str] = Counter()
    expired: Counter[str] = Counter()
    for row in conn.execute(
        select(AuditEntry.decision, AuditEntry.reasons, func.count().label("n"))
        .where(*checks)
        .group_by(AuditEntry.decision, AuditEntry.reasons)
    ):
        codes = stored_reasons(row.reasons)
        decision = stored_decision(row.decision)
        if decision == "block":
            for code in codes:
                if code in BLOCKING:  # the cautions and "covers" notes on a block are not its cause
                    blocks[code] += int(row.n)
        if Reason.ASSESSMENT_EXPIRED.value in codes:
            expired[decision] += int(row.n)
    return dict(blocks), dict(expired)


def stored_decision(value: str | bytes | None) -> str:
    """A checked entry's decision as counted: bytes there (a BLOB, set outside suitcheck)
    as their text, none as "none"."""
    return shown_text(value) or "none"


def override_facts(value: str | bytes | None) -> dict[str, Any]:
    """An override entry's facts as listed. The trail keeps a JSON object; one changed
    outside suitcheck (text that is not JSON, another JSON value, a BLOB, JSON nested too
    deep to read) lists the entry
    with none of its facts: the figures go on, and verify (stated in the inspection)
    names the entry."""
    try:
        facts = json.loads(shown_text(value) or "{}")
    except (ValueError, RecursionError):  # RecursionError: nested too deep to read
        return {}
    return facts if isinstance(facts, dict) else {}


def stored_reasons(value: str | bytes | None) -> list[str]:
    """A checked entry's reason codes as counted. The trail keeps a canonical JSON array;
    one changed outside suitcheck (bytes that are not UTF-8 read as U+FFFD, other text,
    a BLOB) counts what of it is still a list of codes, else no reason: the figures go on,
    and verify (stated in the inspection) names the entry."""
    try:
        codes = json.loads(shown_text(value) or "[]")
    except ValueError:
        return []
    return [c for c in codes if isinstance(c, str)] if isinstance(codes, list) else []


def expiring_by_month(conn: Connection, start: dt.date, count: int, validity_days: int) -> dict[str, int]:
    """Ordinary clients whose current assessment expires in each of `count` months from
    `start`'s month ("YYYY-MM" -> clients), every month listed."""
    months = _months(start.replace(day=1), count)
    first_day = dt.date.fromisoformat(months[0] + "-01")
    last_month = dt.date.fromisoformat(months[-1] + "-01")
    # The first day after the last month; none after December 9999 (no date follows it).
    end = None if last_month.year == dt.MAXYEAR and last_month.month == 12 else _next_month(last_month)
    validity = dt.timedelta(days=validity_days)
    expiring = dict.fromkeys(months, 0)
    # Assessed from `low` (none: from the first day a date holds) up to `high`, excluded.
    low, high = _days_before(first_day, validity), _days_before(end, validity)
    if end is not None and high is None:  # every month ends before any assessment could expire
        return expiring
    window = [Investor.current_assessed_on >= low] if low is not None else []
    window += [Investor.current_assessed_on < high] if high is not None else []
    for erow in conn.execute(
        select(Investor.current_assessed_on, func.count().label("n"))
        .where(Investor.investor_class != InvestorClass.PROFESSIONAL.value, *window)
        .group_by(Investor.current_assessed_on)
    ):
        try:
            expires = erow.current_assessed_on + validity
        except OverflowError:  # assessed in the last days of 9999 (only SQL writes one): past every month
            continue
        month = f"{expires.year:04d}-{expires.month:02d}"
        if month in expiring:
            expiring[month] += int(erow.n)
    return expiring


def _next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _group_concat(conn: Connection, column: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return func.string_agg(column, ",")
    return func.group_concat(column, ",")


_BRANCH_REFUSAL = "The self-inspection report covers every branch: only firm-wide (head-office) compliance may make it."


class InspectionService:
    def __init__(self, ctx: ServiceContext, verify: Any) -> None:
        self._ctx = ctx
        self._verify = verify  # the audit service's verify(actor): whatever result it returns

    def refused(self, actor: Actor) -> str | None:
        """Why `write` would refuse `actor` (as last logged in), or None: for a desk to
        offer the self-inspection report only to whoever may make it."""
        return self._ctx.firm_wide_refused(actor, Permission.VIEW_AUDIT, _BRANCH_REFUSAL)

    def write(self, actor: Actor, period_from: dt.date, period_to: dt.date, out: Path) -> InspectionResult:
        """Compute the figures, verify the chain, write the PDF atomically, audit it. The
        figures cover the whole firm, so branch-scoped staff may not make it."""
        actor = self._ctx.require_firm_wide(actor, Permission.VIEW_AUDIT, _BRANCH_REFUSAL)
        if period_to < period_from:
            raise InvalidInput("The period ends before it starts.")
        past = _years_on(period_from, MAX_PERIOD_YEARS)
        if past is not None and period_to >= past:
            raise InvalidInput("A self-inspection period is at most ten years.")
        today = self._ctx.today()
        if period_to > today:
            # The figures of days still to come are not in the trail yet: a PDF stating
            # the whole period would state less than it says, and differ when made again.
            raise InvalidInput(f"The period ends after today ({today}); choose a period that has ended.")
        out = out.expanduser().absolute()
        if out.is_dir():
            raise InvalidInput(f"{out} is a folder; give a file name.")
        if not out.parent.is_dir():
            raise InvalidInput(f"The folder {out.parent} does not exist.")
        check_target(out)
        with self._ctx.transaction(read_only=True) as session:
            # First: it starts the snapshot on SQLite. The figures are of the trail up to this
            # entry, and the PDF and its entry say so: a period ending today gains entries
            # while the report is made (verified, rendered, recorded), which it does not count.
            as_of = newest_entry(_conn(session))
            trail_from = _first_day(_conn(session))
            in_force = policy_versions_in(_conn(session), period_from, period_to)
            policy = self._ctx.policy(session)
            questionnaire = load_version(session, self._ctx.rows)
            figures = collect(_conn(session), period_from, period_to, validity_days=policy.validity_days)
        verification = self._verify(actor)
        as_dict = verification.to_dict() if hasattr(verification, "to_dict") else dict(vars(verification))
        data = InspectionData(
            period_from=period_from,
            period_to=period_to,
            generated_at=self._ctx.now(),
            generated_by=actor.display_name or actor.username,
            policy_version=policy.version,
            questionnaire_version=questionnaire.version,
            verification=as_dict,
            verification_ok=getattr(verification, "ok", as_dict.get("ok")),
            as_of=as_of,
            trail_from=trail_from,
            policy_versions=in_force,
            **figures,
        )
        pdf = render(data)
        digest = hashlib.sha256(pdf).hexdigest()
        with placed_when_recorded(out, pdf), self._ctx.transaction() as session:
            # The staff row again, as it stands now (disabled while the PDF was made: no
            # file, the refusal recorded; until session 24 it was placed and recorded).
            self._ctx.require_in(session, actor, Permission.VIEW_AUDIT)
            entry = self._ctx.audit(
                session,
                actor,
                AuditAction.INSPECTION_REPORT,
                facts={
                    "from": period_from.isoformat(),
                    "to": period_to.isoformat(),
                    "file": out.name,
                    "file_sha256": digest,
                    "decisions": data.decisions_total,
                    "verification_ok": data.verification_ok,
                    "policy_version": policy.version,
                    "as_of": as_of,
                },
            )
        log.info("self-inspection %s..%s written by %s", period_from, period_to, actor.username)
        return InspectionResult(out, digest, data, entry.seq)


def _years_on(day: dt.date, years: int) -> dt.date | None:
    """The same date `years` later (29 February: 1 March), the first day past a period of
    `years` calendar years from `day`; None past the last year a date holds (no period
    from `day` runs that long)."""
    if day.year + years > dt.MAXYEAR:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def policy_versions_in(conn: Connection, period_from: dt.date, period_to: dt.date) -> tuple[int, ...]:
    """The policy versions in force in the firm's days [period_from, period_to]: the one in
    force when the period began (the newest the trail records storing before it; version 1,
    stored with the store, has no entry) and every one it records storing in the period.
    Policy changes are few; an entry whose facts name no version (changed outside
    suitcheck, which verify names) is passed over."""
    lo, hi = chain.day_stamp(period_from), chain.day_end_stamp(period_to)
    before, inside = 1, set()
    changes = select(AuditEntry.at, AuditEntry.facts).where(
        AuditEntry.action == AuditAction.POLICY_CHANGE.value, chain.IN_TRAIL
    )
    for at, facts in conn.execute(changes.order_by(AuditEntry.seq)):
        version = override_facts(facts).get("version")
        if version.__class__ is not int or not isinstance(at, str):
            continue
        if at < lo:
            before = max(before, version)
        elif at < hi:
            inside.add(version)
    return tuple(sorted({before, *inside}))


def _first_day(conn: Connection) -> dt.date | None:
    """The firm's day of the trail's first entry; None for an empty trail (or a first stamp
    that is no time: changed outside suitcheck, which verify names)."""
    first = conn.execute(select(AuditEntry.at).where(chain.IN_TRAIL).order_by(AuditEntry.seq).limit(1)).scalar()
    moment = chain.stamp_moment(first)
    return firm_day(moment) if moment is not None else None


def _conn(session: Session) -> Connection:
    return session.connection()
