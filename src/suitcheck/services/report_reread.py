"""Re-read imported reports with the current subject table.

The subject → level table is firm policy and changes (a new board, 科创50 at R4). A report
keeps the subject level found when it was imported, so after a change the reports already
in the store are still matched with the old table: a report on a subject the firm now puts
at R4 still reaches C3 clients. Compliance re-reads them:

- `preview`: every report's stored original, checked against the file hash its sealed row
  names, is read again in the import's worker as a fresh import would read it, and the
  subject level the current table finds is compared with the stored one. Nothing is
  written; the preview lists what would change, and each change's effect on the level the
  report is matched at (就高).
- `apply`: each change of a preview is stored in its own transaction, with a correction
  record, the findings the new level calls for and an audit entry. Only under the policy
  version the preview was made with, and only for a report whose file, seal and subject
  level are still the ones the preview read; each changed report is read once more, so a
  preview is never trusted for the level it stores.

A level compliance rated is never changed here: a rating below the new subject level is
flagged for compliance, as `set_level` flags one. A stated level is re-read too: the
report's own level sentence, read again by this version's reader, may read otherwise than
it did at import (a store made by an older build whose reader was less strict: a sentence
drawn backwards beside a small-print 低风险 one read as R1). Such a report is listed, and
once applied it is unrated until compliance rates it (fail closed), with a finding that
says what the level was imported as and how it reads now. A report imported unrated stays
unrated whatever it reads as now: only compliance rates it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import Policy
from suitcheck.domain.subjects import level_below_subject, matching_level, subject_text, suggest_level
from suitcheck.ingest import LEVEL_READER
from suitcheck.ingest.errors import IngestError
from suitcheck.services.context import Actor, ServiceContext, in_trail_order
from suitcheck.services.errors import InvalidInput, ServiceError
from suitcheck.services.reports import (
    FINDING_LEVEL_STATEMENT_UNCLEAR,
    LevelRead,
    ReportService,
    file_intact,
    level_code,
    read_by_older,
    reads_otherwise,
    record_correction,
    require_head_office,
    sealed_report_facts,
    settle_not_read_again,
    subject_findings,
    unrate_read_otherwise,
)
from suitcheck.store.models import Report

if TYPE_CHECKING:
    from suitcheck.ingest.sandbox import Limits

log = logging.getLogger(__name__)

# Why a report was not re-read (NotReread.code).
NOT_SEALED = "record-integrity"
FILE_DAMAGED = "file-damaged"
CHANGED_MEANWHILE = "changed-meanwhile"


@dataclasses.dataclass(frozen=True)
class SubjectChange:
    """One report whose subject the current table puts at another level."""

    report: int
    title: str
    level: RiskLevel | None  # stated, or rated by compliance: never changed here
    confirmed: bool  # compliance rated it: matched at exactly that level
    old: RiskLevel | None  # the subject level stored
    new: RiskLevel | None  # the subject level the current table finds
    content_hash: str  # the file the change was read from
    # The stated level reads otherwise now (level_reading says how): the report is unrated
    # from now on, until compliance rates it. Never for a level compliance rated.
    unrated: bool = False
    level_reading: str = ""

    @property
    def subject_changes(self) -> bool:
        """The subject level changes (a change may be only its own level read otherwise)."""
        return self.old != self.new

    @property
    def level_after(self) -> RiskLevel | None:
        """The report's level once the change is stored."""
        return None if self.unrated else self.level

    @property
    def matched_before(self) -> RiskLevel | None:
        return matching_level(self.level, self.old, self.confirmed)

    @property
    def matched_after(self) -> RiskLevel | None:
        return matching_level(self.level_after, self.new, self.confirmed)

    @property
    def raises(self) -> bool:
        """The report is matched at a higher level from now on, or is unrated (fewer
        clients may read it)."""
        before, after = self.matched_before, self.matched_after
        return before is not None and (after is None or after > before)

    @property
    def lowers(self) -> bool:
        """The report is matched at a lower level from now on (more clients may read it)."""
        before, after = self.matched_before, self.matched_after
        return before is not None and after is not None and after < before

    @property
    def flagged(self) -> bool:
        """The report's level is below what its subject now implies: a finding for compliance."""
        return level_below_subject(self.level_after, self.new)

    def to_dict(self) -> dict[str, object]:
        code = level_code
        return {
            "report": self.report,
            "title": self.title,
            "level": code(self.level),
            "rated": self.confirmed,
            "subject_before": code(self.old),
            "subject_after": code(self.new),
            "matched_before": code(self.matched_before),
            "matched_after": code(self.matched_after),
            "flagged": self.flagged,
            "level_after": code(self.level_after),
            "level_reads_otherwise": self.level_reading or None,
        }


@dataclasses.dataclass(frozen=True)
class NotReread:
    """A report that was not re-read, or whose change was not stored, and why."""

    report: int
    title: str
    reason: str
    code: str

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class RereadPreview:
    policy_version: int
    total: int  # reports in the store when the preview began
    read: int  # reports read again (all of them, unless cancelled)
    changes: tuple[SubjectChange, ...]
    problems: tuple[NotReread, ...]
    cancelled: bool
    # Reports whose stated level an older version's reader read (reports.read_by_older) and
    # this one reads the same, with nothing else to change: (report, the file's hash read).
    # Applied, each is stored as read by this version, so nothing reads it again first.
    read_same: tuple[tuple[int, str], ...] = ()

    @property
    def to_store(self) -> bool:
        return bool(self.changes or self.read_same)

    def to_dict(self) -> dict[str, object]:
        return {
            "policy_version": self.policy_version,
            "total": self.total,
            "read": self.read,
            "cancelled": self.cancelled,
            "changes": [c.to_dict() for c in self.changes],
            "not_reread": [p.to_dict() for p in self.problems],
            "older_reader_read_same": [r for r, _ in self.read_same],
        }


@dataclasses.dataclass(frozen=True)
class RereadApplied:
    policy_version: int
    applied: tuple[SubjectChange, ...]
    problems: tuple[NotReread, ...]
    cancelled: bool
    stopped: str | None = None  # why storing stopped before the end (the policy changed, the store failed)
    marked: int = 0  # of the preview's read_same, stored as read by this version's reader

    def to_dict(self) -> dict[str, object]:
        return {
            "policy_version": self.policy_version,
            "cancelled": self.cancelled,
            "stopped": self.stopped,
            "applied": [c.to_dict() for c in self.applied],
            "not_applied": [p.to_dict() for p in self.problems],
            "marked_read": self.marked,
        }


Progress = Callable[[int, int], None]


class ReportRereadService:
    def __init__(self, ctx: ServiceContext, reports: ReportService) -> None:
        self._ctx = ctx
        self._reports = reports

    def preview(
        self, actor: Actor, *, progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False
    ) -> RereadPreview:
        """Read every report again with the current subject table; write nothing."""
        require_head_office(self._ctx, actor)
        with self._ctx.transaction(read_only=True) as session:
            policy = self._ctx.policy(session)
            ids = list(session.execute(select(Report.id).order_by(Report.id)).scalars())
        limits = self._reports.import_limits()
        changes: list[SubjectChange] = []
        problems: list[NotReread] = []
        same: list[tuple[int, str]] = []
        read = 0
        for number, report_id in enumerate(ids, start=1):
            if cancelled():
                break
            try:
                found = self._read(report_id, policy, limits, cancelled)
            except _Cancelled:
                break
            read += 1
            if isinstance(found, SubjectChange):
                changes.append(found)
            elif isinstance(found, NotReread):
                problems.append(found)
            elif isinstance(found, _ReadSame):
                same.append((report_id, found.content_hash))
            if progress:
                progress(number, len(ids))
        return RereadPreview(
            policy.version, len(ids), read, tuple(changes), tuple(problems), read < len(ids), tuple(same)
        )

    def apply(
        self,
        actor: Actor,
        preview: RereadPreview,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        each: Callable[[SubjectChange | NotReread], None] | None = None,
        marking: Callable[[int], None] | None = None,
    ) -> RereadApplied:
        """Store the changes of `preview`, each in its own transaction with its audit entry.
        Nothing is stored when the firm policy changed since the preview; a report changed
        since (rated, re-read, its file or its seal) is left as it is and listed. When the
        store fails, or the policy changes, halfway, what was stored is listed with the
        sentence that says why the rest was not (`stopped`). `each` is handed every change
        once stored, and every problem once found: what a caller interrupted at once (a
        second Ctrl+C, which never returns here) lists as stored; `marking` is handed how
        many reports each page stored as read by this version, once the page is stored."""
        require_head_office(self._ctx, actor)
        policy = self._current_policy(preview.policy_version)  # refused before anything is read
        limits = self._reports.import_limits()
        applied: list[SubjectChange] = []
        problems: list[NotReread] = []
        done, stopped = 0, None
        for number, change in enumerate(preview.changes, start=1):
            if cancelled():
                break
            try:
                actor = require_head_office(self._ctx, actor)  # still allowed, for each write
                again = self._read(change.report, policy, limits, cancelled)
                if again == change:
                    problem = self._store(actor, change, policy)
                else:
                    problem = again if isinstance(again, NotReread) else _changed_meanwhile(change)
            except _Cancelled:
                break
            except ServiceError as exc:
                stopped = str(exc)
                break
            done += 1
            if problem is None:
                applied.append(change)
            else:
                problems.append(problem)
            if each is not None:
                each(change if problem is None else problem)
            if progress:
                progress(number, len(preview.changes))
        cut = stopped is None and done < len(preview.changes)
        marked = 0
        if not cut and stopped is None and preview.read_same:
            marked, stopped = self._mark_read(actor, preview.read_same, cancelled, marking)
            cut = stopped is None and cancelled()
        return RereadApplied(preview.policy_version, tuple(applied), tuple(problems), cut, stopped, marked)

    def _mark_read(
        self,
        actor: Actor,
        read_same: tuple[tuple[int, str], ...],
        cancelled: Callable[[], bool],
        marking: Callable[[int], None] | None = None,
    ) -> tuple[int, str | None]:
        """Store the reports of a preview that an older reader read and this one reads the
        same as read by this version (report.reader, sealed), a page at a time (one
        record-sealed entry each): only those whose file, seal and level are still the ones
        the preview read and that are still read by an older reader. The preview read each
        file with this process's reader; a report changed since is left to be read again
        before its next decision. (how many were stored, why storing stopped or None)"""
        marked = 0
        for start in range(0, len(read_same), _MARK_PAGE):
            if cancelled():
                break
            page = dict(read_same[start : start + _MARK_PAGE])
            try:
                stored = self._mark_page(actor, page)
            except ServiceError as exc:
                return marked, str(exc)
            marked += stored
            if marking is not None:
                marking(stored)
        if marked:
            log.info("%s reports an older reader read were stored as read by reader %s", marked, LEVEL_READER)
        return marked, None

    def _mark_page(self, actor: Actor, page: dict[int, str]) -> int:
        marked = 0
        with self._ctx.transaction() as session:
            actor = require_head_office(self._ctx, actor, session)  # still allowed, where each page commits
            in_trail_order(self._ctx, session.connection())
            reports = session.execute(
                select(Report).where(Report.id.in_(page)).order_by(Report.id).with_for_update()
            ).scalars()
            for report in reports:
                _facts, sealed = sealed_report_facts(self._ctx.rows, session.connection(), report)
                if sealed and read_by_older(report) and report.content_hash == page[report.id]:
                    report.reader = LEVEL_READER
                    settle_not_read_again(report, self._ctx.now(), actor.staff_id or None)
                    marked += 1
        return marked

    # -- one report ----------------------------------------------------------------------
    def _current_policy(self, version: int) -> Policy:
        """The newest policy, which must still be `version`."""
        with self._ctx.transaction(read_only=True) as session:
            policy = self._ctx.policy(session)
        if policy.version != version:
            raise _policy_changed(version, policy.version)
        return policy

    def _read(
        self, report_id: int, policy: Policy, limits: Limits, cancelled: Callable[[], bool]
    ) -> SubjectChange | NotReread | _ReadSame | None:
        """What the current table finds for one report's subject: a change, a reason it
        could not be read, _ReadSame (nothing changes, but an older reader had read its
        level) or None (the same level as stored)."""
        from suitcheck.ingest.sandbox import shared_sandbox

        with self._ctx.transaction(read_only=True) as session:
            report = session.get(Report, report_id)
            if report is None:  # reports are never deleted; one gone was removed outside suitcheck
                return NotReread(report_id, "", "The report is no longer in the store.", NOT_SEALED)
            facts, sealed = sealed_report_facts(self._ctx.rows, session.connection(), report)
            title, content_hash, kind = report.title, report.content_hash, report.source_kind
            older = read_by_older(report)
            # The title and type as stored: the file's, or what compliance corrected them to
            # (ReportService.correct raised the subject for it at once; a re-read of the
            # file's own title must not lower it again).
            stored_subject = subject_text(report.title, report.report_type)
            if not sealed:
                return NotReread(
                    report_id,
                    title,
                    "The report's record fails its integrity seal (it was changed outside suitcheck); "
                    "it was not re-read. Every decision about it is blocked until compliance has investigated.",
                    NOT_SEALED,
                )
            if not file_intact(report):
                return NotReread(
                    report_id,
                    title,
                    "The stored file no longer matches the file its record names (changed outside suitcheck); "
                    "it was not re-read.",
                    FILE_DAMAGED,
                )
            assert report.content is not None  # file_intact
            data = report.content.original
        try:  # the file as a fresh import reads it, in the import's worker and limits
            extracted = shared_sandbox().extract(Path(f"report-{report_id}.{kind}"), data, limits, cancelled)
        except IngestError as exc:
            if exc.code == "cancelled":
                raise _Cancelled from exc
            return NotReread(report_id, title, f"The stored file could not be read again: {exc}", exc.code)
        meta = extracted.metadata
        new = suggest_level(f"{meta.subject_text} {stored_subject}", policy, meta.body_text, meta.masthead)
        reading = reads_otherwise(facts.level, facts.confirmed, LevelRead.of(meta))
        if new == facts.subject_level and not reading:
            return _ReadSame(content_hash) if older and meta.reader == LEVEL_READER else None
        return SubjectChange(
            report_id,
            title,
            facts.level,
            facts.confirmed,
            facts.subject_level,
            new,
            content_hash,
            unrated=bool(reading),
            level_reading=reading,
        )

    def _store(self, actor: Actor, change: SubjectChange, policy: Policy) -> NotReread | None:
        with self._ctx.transaction() as session:
            # Its author as the store has them where the change commits (disabled meanwhile: nothing).
            require_head_office(self._ctx, actor, session)
            # In the trail's order before the policy is compared: on PostgreSQL another
            # officer's policy version committed after the comparison came before this change
            # in the trail, which was stored under the subject table it had replaced.
            in_trail_order(self._ctx, session.connection())
            # Locked while it is compared and written: on PostgreSQL a writer does not hold the
            # store from its start (SQLite's BEGIN IMMEDIATE does), and a second officer applying
            # the same preview would otherwise store the change again over the first's, a second
            # "subject - -> R4" on a report already at R4.
            report = session.get(Report, change.report, with_for_update=True)
            if report is None:
                return _changed_meanwhile(change)
            facts, sealed = sealed_report_facts(self._ctx.rows, session.connection(), report)
            if (
                not sealed
                or report.content_hash != change.content_hash
                or (facts.level, facts.subject_level, facts.confirmed) != (change.level, change.old, change.confirmed)
            ):
                return _changed_meanwhile(change)  # rated or re-read by someone else since it was read
            newest = self._ctx.policy(session).version
            if newest != policy.version:  # changed since the apply began: nothing more is stored
                raise _policy_changed(policy.version, newest)
            older = read_by_older(report)
            store_change(self._ctx, session, actor, report, change, policy.version)
            if older:  # its level statement was read again just now, by this version's reader (_read)
                report.reader = LEVEL_READER
                settle_not_read_again(report, self._ctx.now(), actor.staff_id or None)
        return None


def store_change(
    ctx: ServiceContext,
    session: Session,
    actor: Actor,
    report: Report,
    change: SubjectChange,
    policy_version: int,
    *,
    found_at: str | None = None,
) -> None:
    """Store a re-reading's change of `report` (locked and compared by the caller): the
    subject level and its findings, the stated level unrated when it reads otherwise, the
    correction records and the audit entry. `found_at`: where it was found when not by
    `report reread` ("opening": an opening read the file again)."""
    now, by = ctx.now(), actor.staff_id or None
    if change.subject_changes:
        report.suggested_level = int(change.new) if change.new else None
        record_correction(
            ctx, session, actor, report, "suggested_level", level_code(change.old), level_code(change.new)
        )
    added, settled = subject_findings(
        report, change.level_after, change.confirmed, change.old, change.new, policy_version, now, by
    )
    if change.unrated:  # unrated until compliance rates it (set_level settles the finding)
        assert change.level is not None
        unrate_read_otherwise(ctx, session, actor, report, change.level, change.level_reading)
        added.append(FINDING_LEVEL_STATEMENT_UNCLEAR)
    ctx.audit(
        session,
        actor,
        AuditAction.REPORT_REREAD,
        report_id=report.id,
        facts={
            "subject_before": level_code(change.old),
            "subject_after": level_code(change.new),
            "level": level_code(change.level),
            "rated": change.confirmed,
            "matched_before": level_code(change.matched_before),
            "matched_after": level_code(change.matched_after),
            "level_after": level_code(change.level_after),
            "level_reads_otherwise": change.level_reading or None,
            "findings_added": added,
            "findings_settled": settled,
            "sha256": change.content_hash,
            "policy_version": policy_version,
            **({"found_at": found_at} if found_at else {}),
        },
    )
    log.info(
        "report %s re-read by %s: subject %s -> %s, level %s -> %s",
        report.id,
        actor.username,
        change.old.code if change.old else "-",
        change.new.code if change.new else "-",
        change.level.code if change.level else "-",
        change.level_after.code if change.level_after else "-",
    )


def _policy_changed(previewed: int, newest: int) -> InvalidInput:
    return InvalidInput(
        f"The firm policy changed since the preview (version {previewed}, now {newest}); "
        "no change was stored from then on. Preview the re-reading again."
    )


def _changed_meanwhile(change: SubjectChange) -> NotReread:
    return NotReread(
        change.report,
        change.title,
        "The report changed since the preview (rated, re-read or changed outside suitcheck); it was left as it is. "
        "Preview the re-reading again.",
        CHANGED_MEANWHILE,
    )


_MARK_PAGE = 500


@dataclasses.dataclass(frozen=True)
class _ReadSame:
    """A report an older reader read whose level this version reads the same."""

    content_hash: str


class _Cancelled(Exception):
    """The reader was stopped halfway through a file."""
