"""Reports: import files, browse and search, rate, correct metadata, resolve findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, bindparam, func, select
from sqlalchemy.orm import Session

from suitcheck.domain.calendar import parse_day
from suitcheck.domain.codes import AuditAction, ImportStatus
from suitcheck.domain.decision import ReportFacts
from suitcheck.domain.identity import shown_reference
from suitcheck.domain.levels import RiskLevel, UnknownLevelError
from suitcheck.domain.roles import Permission
from suitcheck.domain.subjects import below_subject_finding, level_below_subject, subject_text, suggest_level
from suitcheck.domain.text import escape_unshown
from suitcheck.ingest import LEVEL_READER
from suitcheck.ingest.errors import IngestError
from suitcheck.services.context import Actor, ServiceContext, in_trail_order
from suitcheck.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from suitcheck.services.integrity import FINDING_COLUMNS, RowSealer, findings_exist, shown_text
from suitcheck.services.refs import numeric_id
from suitcheck.store import search
from suitcheck.store.models import Analyst, AuditEntry, Finding, Report, ReportContent, ReportCorrection
from suitcheck.store.prepared import Prepared

if TYPE_CHECKING:  # the readers load only when a report is imported, not for every command
    from suitcheck.domain.policy import Policy
    from suitcheck.ingest.metadata import ReportMetadata
    from suitcheck.ingest.reader import ExtractedReport, Found
    from suitcheck.ingest.sandbox import Limits

log = logging.getLogger(__name__)

FINDING_LEVEL_BELOW_SUBJECT = "level-below-subject"
FINDING_LEVEL_STATEMENTS_DIFFER = "level-statements-differ"
FINDING_RATED_BELOW_SUBJECT = "rated-below-subject"
# The report says something about its own level that names a level but cannot be read
# as a statement of one (a negation, a condition, a level not on the scale).
FINDING_LEVEL_STATEMENT_UNCLEAR = "level-statement-unclear"
# Its stated level was read by an older version and its stored file cannot be read again
# now (services.access): decided as unrated until it is read again or compliance rates it.
FINDING_LEVEL_NOT_READ_AGAIN = "level-not-read-again"
# Found at import (or, the last, at a decision); settled once compliance rates the report.
IMPORT_LEVEL_FINDINGS = (
    FINDING_LEVEL_BELOW_SUBJECT,
    FINDING_LEVEL_STATEMENTS_DIFFER,
    FINDING_LEVEL_STATEMENT_UNCLEAR,
    FINDING_LEVEL_NOT_READ_AGAIN,
)
# Settled by compliance rating the report (with a reason), never by dismissing them.
RATING_FINDINGS = (*IMPORT_LEVEL_FINDINGS, FINDING_RATED_BELOW_SUBJECT)
# How much of an unreadable statement a finding quotes.
UNCLEAR_QUOTE_CHARS = 120
# A report that says a thousand unreadable things about its level is unrated by the first;
# its findings and its import entry quote this many (and count the rest), not every one.
UNCLEAR_QUOTED = 10
CORRECTABLE = ("title", "publisher", "published_on", "report_type")
# The corrected fields the subject table reads (domain.subjects.subject_text).
SUBJECT_FIELDS = ("title", "report_type")


@dataclasses.dataclass(frozen=True)
class FindingView:
    id: int
    code: str
    detail: str
    resolved: bool

    @property
    def resolvable(self) -> bool:
        """Compliance may dismiss it with a reason; one about the level is settled only by
        rating the report (resolve_finding refuses it)."""
        return not self.resolved and self.code not in RATING_FINDINGS

    def to_dict(self) -> dict[str, object]:
        return {**dataclasses.asdict(self), "resolvable": self.resolvable}


@dataclasses.dataclass(frozen=True)
class ReportView:
    id: int
    title: str
    publisher: str | None
    published_on: dt.date | None
    report_type: str | None
    level: RiskLevel | None
    suggested_level: RiskLevel | None
    analysts: tuple[tuple[str, str | None], ...]
    rating: tuple[str, str, str | None] | None
    findings: tuple[FindingView, ...]
    source_name: str
    source_kind: str
    matching_level: RiskLevel | None = None  # 就高: what checks and distribution lists use
    level_confirmed: bool = False  # compliance rated or confirmed the level
    # False: the row fails its seal (changed outside suitcheck); every decision about the
    # report blocks, and lists show it as such rather than at the level the row now holds.
    record_intact: bool = True

    @property
    def open_findings(self) -> tuple[FindingView, ...]:
        return tuple(f for f in self.findings if not f.resolved)

    @property
    def matched_above_stated(self) -> bool:
        """Checks use a stricter level than the one stated (就高), until compliance rates it."""
        return self.matching_level != self.level

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.published_on.isoformat() if self.published_on else None,
            "report_type": self.report_type,
            "level": self.level.code if self.level else None,
            "suggested_level": self.suggested_level.code if self.suggested_level else None,
            "matching_level": self.matching_level.code if self.matching_level else None,
            "level_confirmed": self.level_confirmed,
            "record_intact": self.record_intact,
            "analysts": [{"name": n, "sac_number": s} for n, s in self.analysts],
            "rating": {"scope": self.rating[0], "value": self.rating[1], "change": self.rating[2]}
            if self.rating
            else None,
            "findings": [f.to_dict() for f in self.findings],
            "open_findings": len(self.open_findings),
            "matched_above_stated": self.matched_above_stated,
            "source_name": self.source_name,
            "source_kind": self.source_kind,
        }


class LevelSource(StrEnum):
    """How a report's level was found."""

    RATED = "rated"  # compliance rated or confirmed it
    STATED = "stated"  # the report states it
    CONFLICTING = "conflicting"  # the report states different levels; no level until rated
    UNCLEAR = "unclear"  # the report says something about its level that cannot be read; no level until rated
    NONE = "none"  # the report states none; no level until rated


@dataclasses.dataclass(frozen=True)
class ReportReview:
    """What import extracted from one report and its text, for compliance to check and correct."""

    report: ReportView
    level_source: LevelSource
    level_statements: tuple[RiskLevel, ...]  # the levels the report states for itself, as imported
    text: str


@dataclasses.dataclass(frozen=True)
class ImportResult:
    path: str
    status: ImportStatus
    report: int | None
    reason: str | None
    code: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "status": self.status.value, "report": self.report, "reason": self.reason}


@dataclasses.dataclass(frozen=True)
class ReportFilter:
    text: str = ""
    levels: tuple[RiskLevel, ...] = ()
    unrated: bool = False
    with_findings: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    rating: str | None = None
    publisher: str | None = None


def _is_text(name: str) -> bool:
    """Whether a file name is text: a name of bytes that are not UTF-8 comes to Python with
    lone surrogates in it, which no database stores."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _stopped_at(name: str, left: int) -> str:
    """Where an import of several files stopped, after the store failed at file `name`
    with `left` files (it included) still to do."""
    if left == 1:
        return (
            f"The import stopped at {name}, the last file: the files before it are done as listed, "
            "and it was not imported; import it again later."
        )
    return (
        f"The import stopped at {name}: the files before it are done as listed, and the {left} files from it on "
        "were not imported; import them again later (those already imported are recognised)."
    )


def find_report(session: Session, ref: str | int) -> Report:
    text_ref = str(ref).strip()
    number = numeric_id(text_ref)
    report = session.get(Report, number) if number is not None else None
    if report is None:
        text_ref = shown_reference(text_ref)  # an ID number typed in its place, masked
        raise NotFound(f"No report has the id {text_ref!r}.")
    return report


# What report_facts reads, with what the report's seal covers (its id and file hash).
_LEVEL = select(
    Report.id,
    Report.level,
    Report.suggested_level,
    Report.rated_at,
    Report.content_hash,
    Report.reader,
    Report.integrity,
    findings_exist(Report.id),  # its seal covers its findings: read only when it has some
).where(Report.id == bindparam("id"))


def stored_level(value: Any) -> RiskLevel | None:
    """A stored level column as a RiskLevel; None for no level, and for a value that is no
    level at all (9, a text: written outside suitcheck), which then reads as an unknown
    level: every decision about the report blocks (and its seal fails), and lists show it
    without a level instead of failing."""
    if not value:
        return None
    try:
        return RiskLevel(value)
    except (ValueError, TypeError):
        return None


def read_by_older(report: Report | Any) -> bool:
    """The report's stated level was read by an older reader than this version's
    (LEVEL_READER; no reader recorded: a store made before versions were): it is read again
    before anything is decided on it (services.access), since the older reader was less
    strict. A level compliance rated stands, and an unrated report stays unrated, as in
    reads_otherwise: neither is read again. `report`: a Report or a row of _LEVEL."""
    reader = report.reader
    stale = reader is None or (type(reader) is int and reader < LEVEL_READER)
    return stale and report.rated_at is None and stored_level(report.level) is not None


def settle_not_read_again(report: Report, now: dt.datetime, by: int | None) -> None:
    """The report's level has been read again by this version (or stored as so read): a
    finding that it could not be is settled."""
    for finding in report.findings:
        if finding.code == FINDING_LEVEL_NOT_READ_AGAIN and finding.resolved_at is None:
            finding.resolved_at, finding.resolved_by = now, by


def as_decided(facts: ReportFacts, unread: bool) -> ReportFacts:
    """The facts a decision is made on: a stated level an older reader read and this
    version could not read again (`unread`: its file cannot be read now, or the re-reading
    could not be stored) is no level yet, so the decision blocks as for an unrated report."""
    return dataclasses.replace(facts, level=None) if unread else facts


def report_facts(report: Report | Any) -> ReportFacts:
    """What `decide` needs of a report (a Report or a row of _LEVEL): the stated or rated
    level, the subject's level and whether compliance confirmed the level."""
    return ReportFacts(
        stored_level(report.level),
        stored_level(report.suggested_level),
        confirmed=report.rated_at is not None,
    )


def sealed_report_facts(
    rows: RowSealer, conn: Any, report: Report | Any, findings: Iterable[Any] | None = None
) -> tuple[ReportFacts, bool]:
    """(report_facts, whether the row and its findings still match its seal). A row that
    fails its seal was changed outside suitcheck (or its findings were): every decision about
    it is a block (record-integrity); its facts are read as far as they make sense, for the
    record, and a value suitcheck never writes (a level of 9, a text) reads as no level rather
    than an error. `findings`: the report's finding rows, when the caller has read them."""
    if rows.report_ok(conn, report, findings):
        return report_facts(report), True
    try:
        return report_facts(report), False
    except (ValueError, TypeError):
        return ReportFacts(None), False


def subject_findings(
    report: Report,
    level: RiskLevel | None,
    confirmed: bool,
    old: RiskLevel | None,
    new: RiskLevel | None,
    version: int,
    now: dt.datetime,
    by: int | None,
) -> tuple[list[str], list[str]]:
    """When a report's subject level changes from `old` to `new` (a re-read with a new
    subject table, a corrected title): open the finding the new subject level calls for,
    and settle the one it no longer does (domain.subjects.below_subject_finding): for a
    stated `level`, level-below-subject; for a level compliance rated (`confirmed`),
    rated-below-subject. One still called for, but made for the old subject level, is
    settled and opened again naming the new one, as a fresh import of the file would name
    it. (codes added, codes settled)"""
    code = FINDING_RATED_BELOW_SUBJECT if confirmed else FINDING_LEVEL_BELOW_SUBJECT
    open_ones = [f for f in report.findings if f.code == code and f.resolved_at is None]
    settle, add = below_subject_finding((level, old) if open_ones else None, level, new)
    settled: list[str] = []
    if settle:
        for finding in open_ones:
            finding.resolved_at, finding.resolved_by = now, by
            settled.append(code)
    added: list[str] = []
    if add:
        assert level is not None
        assert new is not None
        who = "rated" if confirmed else "stated"
        report.findings.append(
            Finding(
                code=code,
                created_at=now,
                detail=f"{who} {level.code}, subject implies {new.code} (subject table of policy version {version})",
            )
        )
        added.append(code)
    return added, settled


def report_level(conn: Connection, ref: str | int, rows: RowSealer) -> tuple[int, ReportFacts, bool, bool]:
    """(id, facts, sealed, read_by_older) without loading the report: the check's hot path."""
    text_ref = str(ref).strip()
    number = numeric_id(text_ref)
    row = conn.execute(_LEVEL, {"id": number}).first() if number is not None else None
    if row is None:
        text_ref = shown_reference(text_ref)  # an ID number typed in its place, masked
        raise NotFound(f"No report has the id {text_ref!r}.")
    return (row.id, *sealed_report_facts(rows, conn, row), read_by_older(row))


_LEVEL_PREPARED = Prepared(_LEVEL)


def report_level_prepared(conn: Connection, ref: str | int, rows: RowSealer) -> tuple[int, ReportFacts, bool, bool]:
    """report_level with its statement compiled once (the check runs it per pair)."""
    if type(ref) is int:  # a record's id (the GUI, a batch): what numeric_id(str(ref)) reads
        number: int | None = ref if 0 <= ref < 10**9 else None
    else:
        number = numeric_id(str(ref).strip())
    row = _LEVEL_PREPARED.first(conn, id=number) if number is not None else None
    if row is None:
        return report_level(conn, ref, rows)  # words the refusal
    return (row.id, *sealed_report_facts(rows, conn, row), read_by_older(row))


_R = Report.__table__.c
_A = Analyst.__table__.c
_F = Finding.__table__.c
_VIEW_COLUMNS = (
    _R.id,
    _R.title,
    _R.publisher,
    _R.published_on,
    _R.report_type,
    _R.level,
    _R.suggested_level,
    _R.rating_scope,
    _R.rating_value,
    _R.rating_change,
    _R.source_name,
    _R.source_kind,
    _R.rated_at,
    _R.content_hash,
    _R.reader,
    _R.integrity,
)


def _views(conn: Connection, stmt: Select[Any], sealer: RowSealer) -> list[ReportView]:
    """ReportViews for a page of reports from three plain queries (reports, their analysts,
    their findings): the same values report_view() gives, without loading ORM objects,
    which cost more than the search itself for a page of 200. Each row's seal is checked
    (one HMAC a row)."""
    rows = conn.execute(stmt.with_only_columns(*_VIEW_COLUMNS)).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    analysts: dict[int, list[tuple[str, str | None]]] = {i: [] for i in ids}
    for report_id, name, sac in conn.execute(
        select(_A.report_id, _A.name, _A.sac_number).where(_A.report_id.in_(ids)).order_by(_A.report_id, _A.position)
    ):
        analysts[report_id].append((name, sac))
    findings: dict[int, list[FindingView]] = {i: [] for i in ids}
    sealed_findings: dict[int, list[Any]] = {i: [] for i in ids}  # as the report's seal covers them
    for f in conn.execute(
        select(_F.report_id, *(_F[c] for c in FINDING_COLUMNS)).where(_F.report_id.in_(ids)).order_by(_F.id)
    ):
        findings[f.report_id].append(
            FindingView(f.id, shown_text(f.code), shown_text(f.detail), f.resolved_at is not None)
        )
        sealed_findings[f.report_id].append(f)
    views = []
    for r in rows:
        facts, sealed = sealed_report_facts(sealer, conn, r, sealed_findings[r.id])
        views.append(_view(r, analysts[r.id], findings[r.id], facts, sealed))
    return views


def _view(
    r: Any,
    analysts: Iterable[tuple[Any, Any]],
    findings: Iterable[FindingView],
    facts: ReportFacts,
    sealed: bool,
) -> ReportView:
    """A ReportView from a report row or a Report (the same attribute names); text columns
    through _text, levels through stored_level, so a value suitcheck never writes is shown
    rather than raised."""
    return ReportView(
        id=r.id,
        title=shown_text(r.title),
        publisher=shown_text(r.publisher),
        published_on=r.published_on,
        report_type=shown_text(r.report_type),
        level=stored_level(r.level),
        suggested_level=stored_level(r.suggested_level),
        analysts=tuple((shown_text(name), shown_text(sac)) for name, sac in analysts),
        rating=(shown_text(r.rating_scope or ""), shown_text(r.rating_value), shown_text(r.rating_change))
        if r.rating_value
        else None,
        findings=tuple(findings),
        source_name=shown_text(r.source_name),
        source_kind=shown_text(r.source_kind),
        matching_level=facts.matching_level,
        level_confirmed=r.rated_at is not None,
        record_intact=sealed,
    )


def report_view(report: Report, sealer: RowSealer | None = None, conn: Connection | None = None) -> ReportView:
    """The report as shown; with `sealer`, its seal is checked (a report just written by
    suitcheck is sealed in the same transaction and needs no check)."""
    facts, sealed = sealed_report_facts(sealer, conn, report) if sealer is not None else (report_facts(report), True)
    analysts = ((a.name, a.sac_number) for a in report.analysts)
    findings = (
        FindingView(f.id, shown_text(f.code), shown_text(f.detail), f.resolved_at is not None) for f in report.findings
    )
    return _view(report, analysts, findings, facts, sealed)


def parse_level(text: str) -> RiskLevel:
    try:
        return RiskLevel.parse(text)
    except UnknownLevelError as exc:
        raise InvalidInput(f"{text!r} is not a risk level (R1 to R5).") from exc


def _level_statements(facts_text: str | None) -> tuple[RiskLevel, ...]:
    """The levels the import recorded the report stating for itself (its audit facts)."""
    try:
        facts = json.loads(facts_text) if facts_text else {}
        codes = facts.get("level_statements") or [] if isinstance(facts, dict) else []
        return tuple(RiskLevel.parse(str(c)) for c in codes)
    except (ValueError, UnknownLevelError):
        return ()


def _searchable(report: Report, text: str) -> str:
    names = " ".join(a.name for a in report.analysts)
    return "\n".join(x for x in (report.title, report.publisher or "", names, text) if x)


@dataclasses.dataclass(frozen=True)
class LevelRead:
    """What a report's own level statement reads as when its file is read again now."""

    stated: RiskLevel | None
    statements: tuple[RiskLevel, ...]
    unclear: str | None  # the first thing it says about its level that cannot be read as one
    reader: int | None = None  # the reader's version (LEVEL_READER of the worker that read it)

    @classmethod
    def of(cls, meta: ReportMetadata) -> LevelRead:
        first = meta.unclear_level_statements[0] if meta.unclear_level_statements else None
        return cls(meta.stated_level, tuple(meta.level_statements), first, meta.reader)


def reads_otherwise(level: RiskLevel | None, confirmed: bool, read: LevelRead) -> str:
    """How a report's own level statement reads now, when that is not the stated `level`
    the store holds (read by an older build, whose reader was less strict); "" when it
    reads the same, when compliance rated the level (the rating stands) and when the
    report is unrated (it stays so: only compliance rates it)."""
    if confirmed or level is None or read.stated == level:
        return ""
    if len(set(read.statements)) > 1:
        now = "it states different levels for itself: " + ", ".join(dict.fromkeys(x.code for x in read.statements))
    elif read.unclear is not None:
        now = f"it says about its level what cannot be read as one level: {read.unclear[:UNCLEAR_QUOTE_CHARS]}"
    elif read.stated is not None:
        now = f"it states {read.stated.code}"
    else:
        now = "it states no level"
    return f"imported as {level.code}; read again by this version, {now}"


def unrate_read_otherwise(
    ctx: ServiceContext, session: Session, actor: Actor, report: Report, level: RiskLevel, reading: str
) -> None:
    """The report whose stated `level` its file now reads otherwise (`reading`, from
    reads_otherwise) is unrated until compliance rates it (set_level settles the finding):
    fail closed, with the correction record and the finding saying why. The caller
    records the audit entry."""
    report.level = None
    record_correction(ctx, session, actor, report, "level", level.code, None)
    report.findings.append(
        Finding(
            code=FINDING_LEVEL_STATEMENT_UNCLEAR,
            created_at=ctx.now(),
            detail=escape_unshown(reading),  # its quote cut as an import's finding cuts it
        )
    )


@dataclasses.dataclass(frozen=True)
class StoredFile:
    report_id: int
    text: str
    original: bytes
    sha256: str
    kind: str | None = None  # the report's source_kind (not sealed): the reader handed_out uses
    # Its own level statement as read again with the text (handed_out); None until then.
    level_read: LevelRead | None = None


def file_intact(report: Report, stored: StoredFile | None = None) -> bool:
    """The file handed out is the one the report row (and its seal) names: the stored
    original still hashes to the row's content_hash. `stored`: the file as read and hashed
    before (stored_file), compared instead of loading and hashing it now."""
    if stored is not None:
        return stored.report_id == report.id and stored.sha256 == report.content_hash
    content = report.content
    return content is not None and hashlib.sha256(content.original).hexdigest() == report.content_hash


def stored_file(session: Session, report_ref: str | int) -> StoredFile | None:
    """A report's stored file (its original, extracted text and the original's SHA-256),
    or None when there is no such report or file. For work that hands the file out under
    the trail's lock (opening a report): read and hashed before the lock is taken, and
    compared with the row read under it (file_intact(report, stored)), so the bytes handed
    out are those the sealed row names whatever changed in between, and the lock's holder
    neither moves up to 100 MB nor hashes it (every other desk's check waits on it, and
    on PostgreSQL a holder quiet past the idle bound is ended)."""
    number = numeric_id(str(report_ref).strip())
    if number is None:
        return None
    found = session.execute(
        select(ReportContent.text, ReportContent.original, Report.source_kind)
        .join(Report, Report.id == ReportContent.report_id)
        .where(ReportContent.report_id == number)
    ).first()
    if found is None:
        return None
    original = bytes(found.original)
    kind = found.source_kind
    return StoredFile(
        number,
        found.text or "",
        original,
        hashlib.sha256(original).hexdigest(),
        kind if isinstance(kind, str) else None,
    )


def handed_out(stored: StoredFile, policy: Policy) -> StoredFile | None:
    """The stored file with the text extracted again from its original, as a fresh import
    reads it (the import's worker and the policy's limits), for handing out: the text kept
    beside the original (report_content.text) is covered by no seal and no hash, so a copy
    of another report's text put there in SQL would be given to a client the row's level
    and the original's hash allowed. None when the original can no longer be read (the
    opening is then refused, as for a file that does not match its row). The worker runs
    outside the trail's lock, as the hashing does (stored_file)."""
    from suitcheck.ingest.sandbox import shared_sandbox

    kind = stored.kind
    if kind is None or not kind.isascii() or not kind.isalnum():  # a kind suitcheck never writes: not read
        return None
    key = (stored.sha256, kind)
    with _READ_AGAIN_LOCK:
        found = _READ_AGAIN.get(key)
        if found is not None:
            _READ_AGAIN.move_to_end(key)
    if found is None:
        try:
            extracted = shared_sandbox().extract(
                Path(f"report-{stored.report_id}.{kind}"), stored.original, import_limits(policy, floor=True)
            )
        except IngestError as exc:
            log.warning("report %s: its stored original cannot be read again (%s); not opened", stored.report_id, exc)
            return None
        found = (extracted.text, LevelRead.of(extracted.metadata))
        _remember_text(key, found)
    text, level_read = found
    if text != stored.text:
        log.warning(
            "report %s: its stored text differs from its original's; the original's is handed out", stored.report_id
        )
    return dataclasses.replace(stored, text=text, level_read=level_read)


# The text read again from an original (handed_out), by the original's SHA-256 and reader:
# the same bytes always give the same text, and no other bytes have that hash, so a report
# opened again (a clerk reopening it, the next client) is not read again. Newest kept, up to
# a total of _READ_AGAIN_CHARS characters.
_READ_AGAIN: OrderedDict[tuple[str, str], tuple[str, LevelRead]] = OrderedDict()
_READ_AGAIN_LOCK = threading.Lock()
_READ_AGAIN_CHARS = 8_000_000


def _remember_text(key: tuple[str, str], found: tuple[str, LevelRead]) -> None:
    if len(found[0]) > _READ_AGAIN_CHARS:
        return
    with _READ_AGAIN_LOCK:
        _READ_AGAIN[key] = found
        total = sum(len(t) for t, _ in _READ_AGAIN.values())
        while total > _READ_AGAIN_CHARS:
            _, (dropped, _read) = _READ_AGAIN.popitem(last=False)
            total -= len(dropped)


def import_limits(policy: Policy, *, floor: bool = False) -> Limits:
    """What reading one file may take, from a firm policy. `floor`: never below the shipped
    defaults, for reading again a file suitcheck already imported (handed_out): a report
    imported before compliance lowered a limit for new imports still opens."""
    from suitcheck.domain.policy import Policy as Defaults
    from suitcheck.ingest.sandbox import Limits

    def limit(name: str) -> int:
        value = int(getattr(policy, name))
        return max(value, int(getattr(Defaults, name))) if floor else value

    return Limits(
        memory_mb=limit("import_memory_mb"),
        cpu_seconds=limit("import_cpu_seconds"),
        inflated_mb=limit("import_inflated_mb"),
        pages=limit("import_max_pages"),
        text_chars=limit("import_max_text_chars"),
    )


# A report's level (its rating, a corrected title or type that moves its subject, a finding
# settled, a re-read stored) decides for every branch, as the policy does: branch compliance
# may read and review reports, never change what every branch decides on.
RATING_BRANCH_REFUSAL = (
    "A report's level decides for every branch: only firm-wide (head-office) compliance may rate, correct or "
    "re-read reports."
)


def require_head_office(ctx: ServiceContext, actor: Actor, session: Session | None = None, **target: Any) -> Actor:
    """The actor, who may rate reports and sees every branch (ServiceContext.require_firm_wide;
    in `session`, the writing unit of work: require_firm_wide_in, a refusal naming `target`),
    else refused, recorded."""
    if session is None:
        return ctx.require_firm_wide(actor, Permission.RATE_REPORTS, RATING_BRANCH_REFUSAL, **target)
    return ctx.require_firm_wide_in(session, actor, Permission.RATE_REPORTS, RATING_BRANCH_REFUSAL, **target)


def record_correction(
    ctx: ServiceContext, session: Session, actor: Actor, report: Report, field: str, old: str | None, new: str | None
) -> None:
    """The report's history of a changed field (beside the change's audit entry)."""
    session.add(
        ReportCorrection(
            report_id=report.id, field=field, old_value=old, new_value=new, staff_id=actor.staff_id, at=ctx.now()
        )
    )


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- import ---------------------------------------------------------------------------
    def import_paths(
        self,
        actor: Actor,
        paths: Iterable[Path],
        *,
        progress: Callable[[int, int, ImportResult], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[ImportResult]:
        """Import files and folders. One transaction per file: a bad file is reported and
        skipped, and never leaves half a report behind or stops the batch. Each file is
        read in a worker process within the policy's limits (ingest.sandbox)."""
        from suitcheck.ingest.reader import Skipped, expand_paths

        self._ctx.require(actor, Permission.IMPORT_REPORTS)
        files = list(expand_paths([Path(p) for p in paths]))
        limits = self.import_limits()
        results: list[ImportResult] = []
        for number, item in enumerate(files, start=1):
            if cancelled():
                break
            if isinstance(item, Skipped):
                log.info("import skipped (%s): %s", item.code, item.path.name)
                result = ImportResult(str(item.path), ImportStatus.SKIPPED, None, item.reason, item.code)
            else:
                try:
                    result = self._import_one(actor, item, limits, cancelled)
                except ServiceError as exc:
                    # The store failed (a lost connection, a read-only database) or refuses
                    # every file alike: the files before this one are done and recorded, each
                    # in its own transaction; say so, and that the rest were not imported.
                    exc.args = (f"{exc} {_stopped_at(item.path.name, len(files) - number + 1)}",)
                    raise
            if result.code == "cancelled":
                break
            results.append(result)
            if progress:
                progress(number, len(files), result)
        return results

    def import_limits(self) -> Limits:
        """What reading one file may take, from the current firm policy."""
        with self._ctx.transaction(read_only=True) as session:
            policy = self._ctx.policy(session)
        return import_limits(policy)

    def _import_one(self, actor: Actor, found: Found, limits: Limits, cancelled: Callable[[], bool]) -> ImportResult:
        from suitcheck.ingest.reader import read_bytes
        from suitcheck.ingest.sandbox import shared_sandbox

        path = found.path
        try:
            if not _is_text(path.name):
                # Bytes no UTF-8 text holds (a GBK name from a zip made on Windows): the
                # store keeps the file's name, and no database takes them.
                raise IngestError(
                    "name-not-text",
                    "The file's name is not UTF-8 text (a zip made on Windows may give such names); "
                    "rename the file and import it again.",
                )
            data = read_bytes(path, follow_links=not found.in_folder, found=found.identity)
            existing = self._existing(data)
            if existing is not None:
                return ImportResult(
                    str(path), ImportStatus.DUPLICATE, existing, "The same file was imported before.", "duplicate"
                )
            extracted = shared_sandbox().extract(path, data, limits, cancelled)
            return self._store(actor, extracted)
        except IngestError as exc:
            log.info("import failed (%s): %s", exc.code, path.name)
            return ImportResult(str(path), ImportStatus.FAILED, None, str(exc), exc.code)

    def _existing(self, data: bytes) -> int | None:
        from suitcheck.ingest.reader import content_hash

        with self._ctx.transaction(read_only=True) as session:
            return session.execute(
                select(Report.id).where(Report.content_hash == content_hash(data))
            ).scalar_one_or_none()

    def _store(self, actor: Actor, ex: ExtractedReport) -> ImportResult:
        try:
            return self._store_new(actor, ex)
        except Conflict:
            # On PostgreSQL another desk may store this very file between the look for its
            # hash and the insert (SQLite's writer takes the store first): the unique index
            # refuses this copy. The file is then a duplicate of theirs, as when they were a
            # moment earlier; the batch goes on. Any other conflict stands.
            dup = self._existing(ex.data)
            if dup is None:
                raise
            return ImportResult(
                str(ex.path), ImportStatus.DUPLICATE, dup, "The same file was imported before.", "duplicate"
            )

    def _store_new(self, actor: Actor, ex: ExtractedReport) -> ImportResult:
        meta = ex.metadata
        with self._ctx.transaction() as session:
            # Read in the worker after the import's check: its importer as the store has them now.
            self._ctx.require_in(session, actor, Permission.IMPORT_REPORTS)
            dup = session.execute(select(Report.id).where(Report.content_hash == ex.sha256)).scalar_one_or_none()
            if dup is not None:  # imported by another desktop since we looked
                return ImportResult(
                    str(ex.path), ImportStatus.DUPLICATE, dup, "The same file was imported before.", "duplicate"
                )
            policy = self._ctx.policy(session)
            title = (meta.title or ex.path.stem)[:512]
            # The title shown (the file's name when its text gives none) counts for the
            # subject too, as a re-read reads the stored title (report_reread).
            shown = f"{meta.subject_text} {subject_text(title, meta.report_type)}"
            suggested = suggest_level(shown, policy, meta.body_text, meta.masthead)
            report = Report(
                title=title,
                publisher=meta.publisher,
                published_on=meta.published_on,
                report_type=meta.report_type,
                level=int(meta.stated_level) if meta.stated_level else None,
                suggested_level=int(suggested) if suggested else None,
                rating_scope=meta.rating.scope if meta.rating else None,
                rating_value=meta.rating.value if meta.rating else None,
                rating_change=meta.rating.change if meta.rating else None,
                content_hash=ex.sha256,
                reader=meta.reader,
                source_name=ex.path.name[:512],
                source_kind=ex.kind,
                size=len(ex.data),
                imported_by=actor.staff_id or None,
                imported_at=self._ctx.now(),
            )
            report.analysts = [
                Analyst(position=i, name=a.name, sac_number=a.sac_number, phone=a.phone, email=a.email)
                for i, a in enumerate(meta.analysts)
            ]
            report.content = ReportContent(text=ex.text, original=ex.data)
            findings = []
            if level_below_subject(meta.stated_level, suggested):
                assert meta.stated_level
                assert suggested
                findings.append(
                    Finding(
                        code=FINDING_LEVEL_BELOW_SUBJECT,
                        created_at=self._ctx.now(),
                        detail=f"stated {meta.stated_level.code}, subject implies {suggested.code}",
                    )
                )
            if meta.level_conflict:
                findings.append(
                    Finding(
                        code=FINDING_LEVEL_STATEMENTS_DIFFER,
                        created_at=self._ctx.now(),
                        detail="the report states different levels for itself: "
                        + ", ".join(dict.fromkeys(x.code for x in meta.level_statements)),
                    )
                )
            for statement in meta.unclear_level_statements[:UNCLEAR_QUOTED]:
                findings.append(
                    Finding(
                        code=FINDING_LEVEL_STATEMENT_UNCLEAR,
                        created_at=self._ctx.now(),
                        detail=escape_unshown(statement[:UNCLEAR_QUOTE_CHARS]),  # the words, quoted
                    )
                )
            report.findings = findings
            session.add(report)
            session.flush()
            search.index_report(session, report.id, _searchable(report, ex.text))
            self._ctx.audit(
                session,
                actor,
                AuditAction.REPORT_IMPORTED,
                report_id=report.id,
                facts={
                    "sha256": ex.sha256,
                    "level": meta.stated_level.code if meta.stated_level else None,
                    "level_statements": [x.code for x in meta.level_statements],
                    "level_statements_unclear": list(meta.unclear_level_statements[:UNCLEAR_QUOTED]),
                    "level_statements_unclear_count": len(meta.unclear_level_statements),
                    "suggested_level": suggested.code if suggested else None,
                    # The subject table it was found with: a later decision is stamped with the
                    # version in force then, which may hold another table.
                    "policy_version": policy.version,
                    "source": ex.path.name,
                },
            )
            if meta.level_conflict:
                unrated = (
                    "The report states two different risk levels for itself; compliance must rate it "
                    "before anyone may read it."
                )
            elif meta.unclear_level_statements:
                unrated = (
                    "The report says something about its own risk level that cannot be read as one level; "
                    "compliance must rate it before anyone may read it."
                )
            elif meta.stated_level is None:
                unrated = "No risk level is stated; compliance must rate it before anyone may read it."
            else:
                unrated = None
            if unrated:
                return ImportResult(str(ex.path), ImportStatus.NEEDS_RATING, report.id, unrated, "unrated")
            return ImportResult(str(ex.path), ImportStatus.IMPORTED, report.id, None)

    # -- browse ---------------------------------------------------------------------------
    def rating_refused(self, actor: Actor) -> str | None:
        """Why `actor` may not rate, correct or re-read reports (require_head_office), as
        the sentence they would be refused with; None when they may (as last logged in:
        each change checks again). For a desk to offer those actions only to head office."""
        return self._ctx.firm_wide_refused(actor, Permission.RATE_REPORTS, RATING_BRANCH_REFUSAL)

    def get(self, actor: Actor, ref: str | int) -> ReportView:
        self._ctx.require(actor, Permission.VIEW_REPORTS)
        with self._ctx.transaction(read_only=True) as session:
            return report_view(find_report(session, ref), self._ctx.rows, session.connection())

    def text(self, actor: Actor, ref: str | int) -> str:
        """The extracted text, for compliance review (clients get it via AccessService.open_report)."""
        self._ctx.require(actor, Permission.RATE_REPORTS)
        with self._ctx.transaction(read_only=True) as session:
            report = find_report(session, ref)
            return report.content.text if report.content else ""

    def review(self, actor: Actor, ref: str | int) -> ReportReview:
        """The extracted metadata, how the level was found and the text, for compliance review."""
        self._ctx.require(actor, Permission.RATE_REPORTS)
        with self._ctx.transaction(read_only=True) as session:
            report = find_report(session, ref)
            facts_text = session.execute(
                select(AuditEntry.facts)
                .where(AuditEntry.report_id == report.id, AuditEntry.action == AuditAction.REPORT_IMPORTED.value)
                .order_by(AuditEntry.seq)
                .limit(1)
            ).scalar_one_or_none()
            statements = _level_statements(facts_text)
            if report.rated_at is not None:
                source = LevelSource.RATED
            elif report.level is not None:
                source = LevelSource.STATED
            elif len(set(statements)) > 1:
                source = LevelSource.CONFLICTING
            elif any(f.code == FINDING_LEVEL_STATEMENT_UNCLEAR for f in report.findings):
                source = LevelSource.UNCLEAR
            else:
                source = LevelSource.NONE
            return ReportReview(
                report=report_view(report, self._ctx.rows, session.connection()),
                level_source=source,
                level_statements=statements,
                text=report.content.text if report.content else "",
            )

    def search(
        self, actor: Actor, flt: ReportFilter = ReportFilter(), *, limit: int = 200, offset: int = 0
    ) -> list[ReportView]:
        self._ctx.require(actor, Permission.VIEW_REPORTS)
        with self._ctx.transaction(read_only=True) as session:
            stmt = self._filtered(session, dataclasses.replace(flt, text=""))
            # A text search lists the newest reports first, straight from the search index
            # (its first page costs the same for any term); a plain listing goes by date.
            matched = search.newest_matches(session, stmt, flt.text) if flt.text.strip() else None
            if matched is not None:
                stmt = matched
            else:
                stmt = stmt.order_by(Report.published_on.desc().nulls_last(), Report.id.desc())
            return _views(session.connection(), stmt.limit(limit).offset(offset), self._ctx.rows)

    def publishers(self, actor: Actor) -> list[str]:
        """Every publisher name on file, for the filter list."""
        self._ctx.require(actor, Permission.VIEW_REPORTS)
        with self._ctx.transaction(read_only=True) as session:
            stmt = select(Report.publisher).where(Report.publisher.is_not(None)).distinct().order_by(Report.publisher)
            return [p for p in session.execute(stmt).scalars() if p]

    def count(self, actor: Actor, flt: ReportFilter = ReportFilter()) -> int:
        self._ctx.require(actor, Permission.VIEW_REPORTS)
        with self._ctx.transaction(read_only=True) as session:
            sub = self._filtered(session, flt).with_only_columns(Report.id).subquery()
            return int(session.execute(select(func.count()).select_from(sub)).scalar_one())

    def _filtered(self, session: Session, flt: ReportFilter) -> Select[Any]:
        stmt = select(Report)
        if flt.text.strip():
            cond = search.matching_ids(session, flt.text)
            if cond is not None:
                stmt = stmt.where(cond)
        if flt.levels:
            stmt = stmt.where(Report.level.in_([int(x) for x in flt.levels]))
        if flt.unrated:
            stmt = stmt.where(Report.level.is_(None))
        if flt.with_findings:
            stmt = stmt.where(Report.findings.any(Finding.resolved_at.is_(None)))
        if flt.date_from:
            stmt = stmt.where(Report.published_on >= flt.date_from)
        if flt.date_to:
            stmt = stmt.where(Report.published_on <= flt.date_to)
        if flt.rating:
            stmt = stmt.where(Report.rating_value == flt.rating)
        if flt.publisher:
            stmt = stmt.where(Report.publisher == flt.publisher)
        return stmt

    # -- compliance -----------------------------------------------------------------------
    def set_level(self, actor: Actor, ref: str | int, level: RiskLevel, note: str | None = None) -> ReportView:
        """Rate (or re-rate, or confirm) a report's level: from now on it is matched at
        exactly this level. The old value is kept as a correction record. A rating below
        what the subject implies needs a reason and stays flagged on the report."""
        report_id = numeric_id(ref)  # what a refusal names
        actor = require_head_office(self._ctx, actor, report_id=report_id)
        with self._ctx.transaction() as session:
            # Its author as the store has them where the rating commits (disabled meanwhile: nothing).
            require_head_office(self._ctx, actor, session, report_id=report_id)
            in_trail_order(self._ctx, session.connection())  # the old level recorded is the one in force
            report = find_report(session, ref)
            subject = stored_level(report.suggested_level)
            below = level_below_subject(level, subject)
            if below and not (note or "").strip():
                raise InvalidInput(
                    f"Rating this report {level.code}, below the {subject and subject.code} its subject implies, "
                    "needs a reason (--note); it stays flagged."
                )
            old = stored_level(report.level)
            now, by = self._ctx.now(), actor.staff_id or None
            report.level, report.rated_by, report.rated_at = int(level), by, now
            record_correction(self._ctx, session, actor, report, "level", old.code if old else None, level.code)
            open_codes = {f.code for f in report.findings if f.resolved_at is None}
            # A rating below the subject is settled only by a rating at or above it, and one
            # still below it is flagged with the rating in force and its reason.
            rated_for = (old, subject) if FINDING_RATED_BELOW_SUBJECT in open_codes else None
            settle_rated, open_rated = below_subject_finding(rated_for, level, subject)
            for finding in report.findings:
                # Compliance has decided: the import-time findings are settled.
                settled = finding.code in IMPORT_LEVEL_FINDINGS or (
                    finding.code == FINDING_RATED_BELOW_SUBJECT and settle_rated
                )
                if settled and finding.resolved_at is None:
                    finding.resolved_at, finding.resolved_by = now, by
            if open_rated:
                assert subject is not None
                report.findings.append(
                    Finding(
                        code=FINDING_RATED_BELOW_SUBJECT,
                        created_at=now,
                        detail=f"rated {level.code} by compliance, subject implies {subject.code}: {note}",
                    )
                )
            self._ctx.audit(
                session,
                actor,
                AuditAction.RATING_CHANGE,
                report_id=report.id,
                facts={"old": old.code if old else None, "new": level.code, "note": note},
            )
            session.flush()
            return report_view(report)

    def resolve_finding(self, actor: Actor, ref: str | int, finding_id: int, note: str) -> ReportView:
        """Compliance accepts a stated level despite the finding; the reason is recorded."""
        actor = require_head_office(self._ctx, actor)
        if not note.strip():
            raise InvalidInput("Say why the finding is resolved.")
        with self._ctx.transaction() as session:
            require_head_office(self._ctx, actor, session)
            in_trail_order(self._ctx, session.connection())  # settled as it stands where its entry goes
            report = find_report(session, ref)
            finding = next((f for f in report.findings if f.id == finding_id), None)
            if finding is None:
                raise NotFound(f"Report {report.id} has no finding {finding_id}.")
            if finding.code in RATING_FINDINGS:
                raise InvalidInput(
                    "A finding about the report's level is settled by rating the report "
                    "(report rate ID --level LEVEL --note REASON), not by dismissing it."
                )
            finding.resolved_at, finding.resolved_by = self._ctx.now(), actor.staff_id or None
            self._ctx.audit(
                session,
                actor,
                AuditAction.FINDING_RESOLVED,
                report_id=report.id,
                facts={"finding": finding.code, "note": note},
            )
            return report_view(report)

    def correct(self, actor: Actor, ref: str | int, field: str, value: str, reason: str) -> ReportView:
        """Correct one extracted field (CORRECTABLE); the reason is kept in the audit trail
        with the old and new value."""
        actor = require_head_office(self._ctx, actor)
        reason = reason.strip()
        if not reason:
            raise InvalidInput("Say why the report's details are corrected.")
        if field not in CORRECTABLE:
            raise InvalidInput(f"Only {', '.join(CORRECTABLE)} can be corrected this way.")
        new: object = value.strip() or None
        if field == "published_on" and new is not None:
            try:
                new = parse_day(str(new))
            except ValueError as exc:
                raise InvalidInput("A date is written YYYY-MM-DD.") from exc
        if field == "title" and not new:
            raise InvalidInput("A report needs a title.")
        with self._ctx.transaction() as session:
            require_head_office(self._ctx, actor, session)
            in_trail_order(self._ctx, session.connection())  # the old value recorded is the one in force
            report = find_report(session, ref)
            old = getattr(report, field)
            setattr(report, field, new)
            record_correction(
                self._ctx,
                session,
                actor,
                report,
                field,
                None if old is None else str(old),
                None if new is None else str(new),
            )
            facts: dict[str, object] = {
                "field": field,
                "old": None if old is None else str(old),
                "new": None if new is None else str(new),
                "reason": reason,
            }
            if field in SUBJECT_FIELDS:
                facts.update(self._subject_raised(session, actor, report))
            self._ctx.audit(session, actor, AuditAction.REPORT_CORRECTED, report_id=report.id, facts=facts)
            if field in ("title", "publisher") and report.content:
                search.reindex_report(session, report.id, _searchable(report, report.content.text))
            return report_view(report)

    def _subject_raised(self, session: Session, actor: Actor, report: Report) -> dict[str, object]:
        """A corrected title or report type says anew what the report is about. When the
        subject table puts that higher than the subject level stored, the report is matched
        at the higher level from now on (就高), flagged as an import of a file with that title
        would flag it. Never lower: the stored level may come from the report's body, which a
        correction leaves as it was, and a misread title gave no less than the file says.
        The audit facts of the change (none when nothing was raised)."""
        facts, _sealed = sealed_report_facts(self._ctx.rows, session.connection(), report)
        policy = self._ctx.policy(session)
        found = suggest_level(subject_text(report.title, report.report_type), policy)
        old = facts.subject_level
        if found is None or (old is not None and found <= old):
            return {}
        now, by = self._ctx.now(), actor.staff_id or None
        report.suggested_level = int(found)
        record_correction(self._ctx, session, actor, report, "suggested_level", level_code(old), found.code)
        added, settled = subject_findings(report, facts.level, facts.confirmed, old, found, policy.version, now, by)
        return {
            "subject_before": level_code(old),
            "subject_after": found.code,
            "findings_added": added,
            "findings_settled": settled,
        }


def level_code(level: RiskLevel | None) -> str | None:
    """A level as its code (R1 … R5), None for none (audit facts, correction records)."""
    return level.code if level else None
