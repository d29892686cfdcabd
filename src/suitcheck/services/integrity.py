"""Record integrity: the decision-relevant columns of client, staff, report and branch rows
and every policy version carry a seal made by suitcheck when it writes them, and the trail
records the state each write left, so a row changed outside suitcheck is caught at
`check`/login (seal) and by `audit verify` (seal and last recorded state).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Protocol, overload

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from suitcheck.audit import keys
from suitcheck.audit.chain import (
    IN_TRAIL,
    canonical_json,
    entries_not_in_order,
    registered_row_keys,
    row_batch_message,
    verifier_for_store,
)
from suitcheck.audit.jsonwriter import one_shot_json
from suitcheck.audit.sealing import Sealer
from suitcheck.domain.codes import AuditAction
from suitcheck.services.assessment_history import HistoryCheck
from suitcheck.store.engine import Store
from suitcheck.store.models import (
    AuditEntry,
    Branch,
    Finding,
    Investor,
    PolicyVersion,
    QuestionnaireVersion,
    Report,
    Staff,
    StoreSetting,
)
from suitcheck.store.sqlitetext import sqlite_text

# json's own C string encoder: what canonical_json() writes for a str.
_string: Any = json.encoder.encode_basestring


class SealingContext(Protocol):
    """What record sealing needs of the service context (named here, not imported, so
    the context can own a RowSealer without an import cycle)."""

    store: Store
    sealer: Sealer

    def now(self) -> dt.datetime: ...


log = logging.getLogger(__name__)

RECORD_SEALED = AuditAction.RECORD_SEALED.value
# The columns sealed before branches existed (migration 0009): a row sealed then is
# checked against these once, and re-sealed with its branch (reseal_for_branches).
LEGACY_INVESTOR_COLUMNS = (
    "account",
    "investor_class",
    "current_profile",
    "current_assessed_on",
    "lowest_category",
    "birth_date",
    "special_attention",
    "reassessment_due",
)
LEGACY_STAFF_COLUMNS = ("username", "role", "disabled", "password_hash")
# Who sees a client, and what a staff member sees, is decision-relevant too. The columns
# sealed from branches (0009) to the client's identity (0016): a row sealed then is checked
# against these once, and re-sealed with its name and ID number (reseal_identity).
BRANCH_ERA_INVESTOR_COLUMNS = (*LEGACY_INVESTOR_COLUMNS, "branch_id")
# Who the client is: a search by full ID number goes straight to one client, and the name
# and ID number are what the assessment sheet, the exports and the desk's panel show. An ID
# number moved to another client in SQL would take a clerk's search, and the decision, to
# the wrong person; sealed, the moved row fails its seal and blocks.
INVESTOR_COLUMNS = (*BRANCH_ERA_INVESTOR_COLUMNS, "name", "id_number")
STAFF_COLUMNS = (*LEGACY_STAFF_COLUMNS, "branch_id", "firm_wide")
# What `decide` reads of a report (report_facts: level, the subject's level, whether
# compliance rated it), the file it was graded from, and the row it belongs to: a seal
# cannot be moved to another report row, nor the row pointed at another file. And which
# reader read its stated level (an older one's reading is read again before a decision).
REPORT_COLUMNS = ("id", "level", "suggested_level", "rated_at", "content_hash", "reader")
# A branch row as a whole (its id among it: a seal cannot be moved to another row): its code
# is what a move, a client file and a new staff account name it by; head_office makes it the
# branch of new records of staff without one.
BRANCH_COLUMNS = ("id", "code", "name", "region", "head_office")
# The store setting the 0009 migration leaves while rows still carry seals without branches.
SEAL_BRANCHES_SETTING = "seal-branches"
# The store setting the 0011 migration leaves while report and policy rows are unsealed.
SEAL_REPORTS_SETTING = "seal-reports"
# The store setting the 0016 migration leaves while client rows carry seals without their
# name and ID number.
SEAL_IDENTITY_SETTING = "seal-identity"


# The store setting the 0017 migration leaves while reports with findings carry seals made
# without them.
SEAL_FINDINGS_SETTING = "seal-findings"
# The store setting the 0018 migration leaves in a store that passed 0017 before its run
# recorded the findings era in the trail (record_findings_era).
FINDINGS_ERA_SETTING = "findings-era"
FINDINGS_UPGRADE = "findings"
# The store setting that keeps the number of the trail entry recording the findings era,
# which every open looks up (RowSealer.record_findings_era).
FINDINGS_ERA_ENTRY_SETTING = "findings-era-entry"
# A trail entry's number as that setting keeps it (ASCII digits, within a 64-bit integer).
_ENTRY_NUMBER = re.compile(r"[1-9][0-9]{0,17}")


# session.info: reports and branches inserted, sealed after the flush (their id is sealed)
_UNSEALED_REPORTS = "suitcheck-unsealed-reports"


class RecordIntegrityError(Exception):
    """A row's seal does not match it: it was changed outside suitcheck."""


def _changed_outside(table: str, before: Mapping[str, Any], key_column: str) -> RecordIntegrityError:
    """The refusal to re-seal a row that no longer matches its seal."""
    if table == "report":
        return RecordIntegrityError(
            f"Report {before['id']} was changed outside suitcheck; it is not changed further until "
            "compliance has investigated."
        )
    return RecordIntegrityError(
        f"The {'client' if table == 'investor' else 'staff'} record {before[key_column]!r} was changed "
        "outside suitcheck; it is not changed further until compliance has investigated."
    )


class UnreadableRecordError(RecordIntegrityError):
    """A sealed column holds a value suitcheck never writes (bytes, a class or profile it
    does not know): the row's seal message or its facts cannot be built from it. It counts
    as a failed seal: a check blocks, a list leaves the row off, verify names the row."""


def unreadable(kind: str, values: Mapping[str, Any] | Any) -> UnreadableRecordError:
    """The error for a client (kind "investor") or staff row that cannot be read, naming
    it by its key when that is text, else by its id."""
    get = values.get if isinstance(values, Mapping) else lambda k: getattr(values, k, None)
    key = get("account" if kind == "investor" else "username")
    ident = f"'{key}'" if isinstance(key, str) else f"#{get('id')}"
    if kind == "staff":
        return UnreadableRecordError(
            f"The staff account {ident} holds a value suitcheck never writes: it was changed outside suitcheck "
            "and is not used until an administrator has investigated."
        )
    return UnreadableRecordError(
        f"The client record {ident} holds a value suitcheck never writes: it was changed outside suitcheck "
        "and is not used until compliance has investigated."
    )


@overload
def shown_text(value: str | bytes) -> str: ...
@overload
def shown_text(value: str | bytes | None) -> str | None: ...
def shown_text(value: str | bytes | None) -> str | None:
    """Stored text (a client's name or ID number, a report's title) as shown. SQLite
    keeps whatever an edit outside suitcheck gives a column: bytes there are shown as
    their UTF-8 text, bytes that are not UTF-8 replaced (U+FFFD), as every SQLite read
    takes text (store.sqlitetext), so one such row neither stops a whole list nor shows
    as b'...'. (A client's name and ID number are sealed: bytes there fail the row's seal,
    so the client blocks; a list that shows such a row shows it this way.)"""
    if isinstance(value, bytes):
        return sqlite_text(value)
    return value


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return bool(value)
    return value


_DATES = frozenset({"current_assessed_on", "birth_date"})
# Flags whose column default is false: an object not flushed yet may still hold None.
_FLAGS = frozenset({"lowest_category", "special_attention", "reassessment_due", "disabled", "firm_wide"})


def _message(kind: str, columns: tuple[str, ...], values: Mapping[str, Any] | Any) -> str:
    if not isinstance(values, Mapping):
        found = _sealed_values(kind, columns, values)
        if found is not None:  # a row or an object holding every column (a check's rows)
            try:
                return _row_json(found)
            except (TypeError, ValueError) as exc:  # bytes, a value no seal was made over
                raise unreadable(kind, values) from exc
    get = values.get if isinstance(values, Mapping) else lambda k: getattr(values, k, None)
    # _plain, inlined: an import makes a message per client.
    parts: list[object] = [kind]
    for column in columns:
        value = get(column)
        if column in _FLAGS:
            parts.append(bool(value))
        elif isinstance(value, dt.date):
            parts.append(value.isoformat())
        else:
            parts.append(value)
    try:
        return canonical_json(parts)
    except (TypeError, ValueError) as exc:  # bytes, an infinite real: no seal was made over it
        raise unreadable(kind, values) from exc


def _iso(value: object) -> str:
    """A column's date as _message writes it (its ISO text); any other value json cannot
    write is refused, as canonical_json refuses it (_message turns that into the row's
    unreadable error: no user sees this one's text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


# canonical_json, writing a date as its ISO text: _message's form of a row's values.
_ROW_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_iso)
_row_json = one_shot_json(_ROW_JSON)
# Per tuple of sealed columns: one C call reading them all from a row, and where the flags
# fall in the message (after its kind).
_ROW_FORMS: dict[tuple[str, ...], tuple[Callable[[Any], Any], tuple[int, ...]]] = {}


def _sealed_values(kind: str, columns: tuple[str, ...], values: Any) -> list[object] | None:
    """[kind, *the columns' values] with each flag as a bool, read in one call
    (a check builds three messages); None when `values` lacks one of the columns, which
    _message then reads one by one as None."""
    form = _ROW_FORMS.get(columns)
    if form is None:
        several = operator.attrgetter(*columns)
        form = _ROW_FORMS[columns] = (
            several if len(columns) > 1 else lambda row: (several(row),),
            tuple(i + 1 for i, column in enumerate(columns) if column in _FLAGS),
        )
    read, flags = form
    try:
        found: list[object] = [kind, *read(values)]
    except AttributeError:
        return None
    for i in flags:
        found[i] = bool(found[i])
    return found


def investor_message(values: Mapping[str, Any] | Any) -> str:
    return _message("investor", INVESTOR_COLUMNS, values)


def _json_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return str(_string(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    return canonical_json(value)


def investor_message_of(
    account: str,
    investor_class: str,
    current_profile: int | None,
    current_assessed_on: dt.date | str | None,
    lowest_category: object,
    birth_date: dt.date | str | None,
    special_attention: object,
    reassessment_due: object,
    branch_id: int | None,
    name: str,
    id_number: str | None,
) -> str:
    """investor_message() of these values (in INVESTOR_COLUMNS order), written out for a
    bulk import, which makes one per client: dates may be given as ISO text (as SQLite
    returns them), flags as anything truthy. Equal to investor_message() by test."""
    s = _json_scalar
    assessed = current_assessed_on.isoformat() if isinstance(current_assessed_on, dt.date) else current_assessed_on
    born = birth_date.isoformat() if isinstance(birth_date, dt.date) else birth_date
    return (
        f'["investor",{s(account)},{s(investor_class)},{s(current_profile)},{s(assessed)},'
        f"{'true' if lowest_category else 'false'},{s(born)},{'true' if special_attention else 'false'},"
        f"{'true' if reassessment_due else 'false'},{s(branch_id)},{s(name)},{s(id_number)}]"
    )


def staff_message(values: Mapping[str, Any] | Any) -> str:
    return _message("staff", STAFF_COLUMNS, values)


# What a report's seal covers of each of its findings (the `finding` rows): the row, what was
# raised (code, detail) and its resolution (settled or not, by whom). Not the times, as for a
# rating: that a finding is settled is what the lists and the self-inspection count.
FINDING_COLUMNS = ("id", "code", "detail", "resolved_at", "resolved_by")
_ORM_FINDINGS: Any = object()  # report_message's default: a Report's own findings


def finding_item(finding: Any) -> list[object]:
    """One finding as its report's seal covers it (a Finding, or a row of FINDING_COLUMNS)."""
    get = finding.get if isinstance(finding, Mapping) else lambda k: getattr(finding, k)
    return [get("id"), get("code"), get("detail"), get("resolved_at") is not None, get("resolved_by")]


def report_message(values: Mapping[str, Any] | Any, findings: Iterable[Any] = _ORM_FINDINGS) -> str:
    """The report's sealed columns: its id, level, the subject's level, whether compliance
    rated it (the time is not decision-relevant; that it is set is), its file's hash, and
    the version of the reader that read its stated level once one is recorded (a row
    stored before versions were keeps the seal it had: no reader, read as an older one;
    a reader set, changed or cleared in SQL breaks the seal); and, when it has any, its
    findings (finding_item, by id): a finding settled, deleted, edited, moved or copied in
    SQL breaks the report's seal, as a report with none keeps the seal it had before
    findings were sealed. `findings`: the report's finding rows (a Report's own by default;
    a row or mapping of a query is given them, see RowSealer.report_findings, or has none)."""
    if findings is _ORM_FINDINGS:
        findings = values.findings if isinstance(values, Report) else ()
    if isinstance(values, Mapping):  # the upgrade and verify; a Report or a row reads by attribute
        values = SimpleNamespace(**{c: values.get(c) for c in REPORT_COLUMNS})
    sealed = [
        "report",
        values.id,
        values.level,
        values.suggested_level,
        values.rated_at is not None,
        values.content_hash,
    ]
    if values.reader is not None:
        sealed.append(values.reader)
    items = sorted((finding_item(f) for f in findings), key=_by_id)
    if items:
        sealed.append({"findings": items})
    return canonical_json(sealed)


def _by_id(item: list[object]) -> tuple[bool, object]:
    """Findings in id order; an id that is no number (written outside suitcheck) last, by its text."""
    key = item[0]
    return (not isinstance(key, int), key if isinstance(key, int) else repr(key))


# The fact holding the seal of an entry a later decision reads back (an override, a due
# re-assessment's mark): the desk reads such an entry without verifying the trail, and
# what an entry carries for the trail proves nothing on its own (its SHA-256 anyone
# recomputes; a sealed epoch's MAC key is public). The seal is the recording desk's row
# seal (RowSealer.ok checks it here and at the other desks of a shared store).
OVERRIDE_SEAL = "integrity"
MARK_SEAL = OVERRIDE_SEAL


def _entry_message(kind: str, ids: tuple[object, ...], facts: Mapping[str, Any]) -> str:
    recorded = {k: v for k, v in facts.items() if k != OVERRIDE_SEAL}
    return canonical_json([kind, *ids, recorded])


def override_message(investor_id: object, report_id: object, facts: Mapping[str, Any]) -> str:
    """What a warning override's seal covers: the client and report it is about and every
    fact its entry records (the seal aside), the day and the warning's version among them.
    An override admits a report (access._admitting_override) only while this seal holds, so
    an entry written or rewritten in SQL (a copy under another client, an entry turned
    into an override) admits nothing, whether or not its epoch is sealed."""
    return _entry_message("override", (investor_id, report_id), facts)


def mark_message(investor_id: object, facts: Mapping[str, Any]) -> str:
    """What a due re-assessment's mark seal covers: the client and every fact its entry
    records (the seal aside), the day it was marked among them. That day decides which
    assessment clears the mark (investors.reassessment_marked_on): one moved back, or a
    mark copied from another client, would let an assessment from before the change clear
    it, so a mark whose seal does not hold counts as made today."""
    return _entry_message("reassessment-mark", (investor_id,), facts)


def branch_message(values: Mapping[str, Any] | Any) -> str:
    """A branch row's sealed columns (BRANCH_COLUMNS)."""
    get = values.get if isinstance(values, Mapping) else lambda k: getattr(values, k, None)
    return canonical_json(["branch", get("id"), get("code"), get("name"), get("region"), bool(get("head_office"))])


def policy_message(version: object, document: object) -> str:
    return canonical_json(["policy", version, document])


def questionnaire_message(version: object, document: object, checksum: object) -> str:
    return canonical_json(["questionnaire", version, document, checksum])


def legacy_investor_message(values: Mapping[str, Any] | Any) -> str:
    return _message("investor", LEGACY_INVESTOR_COLUMNS, values)


def branch_era_investor_message(values: Mapping[str, Any] | Any) -> str:
    return _message("investor", BRANCH_ERA_INVESTOR_COLUMNS, values)


def legacy_staff_message(values: Mapping[str, Any] | Any) -> str:
    return _message("staff", LEGACY_STAFF_COLUMNS, values)


def dates_canonical(columns: Any = None) -> ColumnElement[bool]:
    """True where the client's dates are stored as suitcheck writes them (ISO YYYY-MM-DD,
    or NULL). On SQLite a date is text: a hand-edited '2024-W22-6' or '20240601' reads in
    Python as a real day (so its seal holds) but compares as other text in SQL, so a list
    would take it for a date it is not. date(x) rewrites a real date to that form and
    gives NULL for anything else; on PostgreSQL a date column compares equal to itself."""
    c = columns if columns is not None else Investor.__table__.c
    return and_(*(or_(col.is_(None), func.date(col) == col) for col in (c.current_assessed_on, c.birth_date)))


def flags_canonical(columns: Any = None) -> ColumnElement[bool]:
    """True where the client's flags are stored as suitcheck writes them (0 or 1 on SQLite;
    a boolean column on PostgreSQL holds nothing else). SQLite keeps whatever it is given,
    and Python reads 'yes' or 2 as true while SQL compares the stored value."""
    c = columns if columns is not None else Investor.__table__.c
    flags = (c.lowest_category, c.special_attention, c.reassessment_due)
    return and_(*(col.in_((True, False)) for col in flags))


def investor_message_sql(dialect: str) -> ColumnElement[bytes]:
    """investor_message built by the database, as UTF-8 bytes, for a list that checks the
    seal of every row it reads (the database writes the JSON; Python only computes the
    HMAC). For a row holding the values suitcheck writes it is byte for byte the message
    Python builds (a test keeps them equal). Anything else (a flag that is not 0/1 or a
    boolean, a number in a text column) comes out as a different message, so its seal
    fails here and the caller falls back to investor_message, which decides exactly as
    `check` does: this can only confirm a seal, never pass a row Python would refuse."""
    cols = [Investor.__table__.c[c] for c in INVESTOR_COLUMNS]
    if dialect == "sqlite":
        # json_array writes TEXT quoted and escaped as json.dumps does, numbers bare, NULL
        # as null; dates are ISO text already. A flag is true/false only when it is 1/0.
        # json_array refuses BLOBs (the whole statement would fail): a BLOB, and a flag that
        # is neither 0 nor 1, is written as {}, which no message suitcheck seals holds, so
        # the row is judged by investor_message (which refuses bytes, as `check` does).
        unsealable = func.json("{}")
        items: list[Any] = [
            case((c == 1, func.json("true")), (c == 0, func.json("false")), else_=unsealable)
            if c.name in _FLAGS
            else case((func.typeof(c) == "blob", unsealable), else_=c)
            for c in cols
        ]
        return cast(func.json_array("investor", *items), LargeBinary)
    # PostgreSQL: to_json escapes text as json.dumps(ensure_ascii=False) does, writes a
    # date as "YYYY-MM-DD" and a number bare; the separators are written out.
    parts: list[Any] = []
    for c in cols:
        if c.name in _FLAGS:
            parts.append(case((c.is_(True), "true"), (c.is_(False), "false"), else_="?"))
        else:
            parts.append(func.coalesce(cast(func.to_json(c), Text), "null"))
    text_expr: Any = literal('["investor"', Text)
    for part in parts:
        text_expr = text_expr.op("||")(literal(",", Text)).op("||")(part)
    return func.convert_to(text_expr.op("||")(literal("]", Text)), "UTF8", type_=LargeBinary)


def state_digest(message: str) -> str:
    return hashlib.sha256(message.encode()).hexdigest()


def _reports_of_findings(session: Session, reports: dict[int, Report]) -> set[int]:
    """A report's seal covers its findings: one raised (appended to the report, which makes
    it dirty too) or settled (the finding alone dirty) seals its report again. Adds those
    reports to `reports` (a new report is sealed as it is written) and returns the ids of
    those given a finding by its report_id (not through report.findings)."""
    raised: set[int] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Finding) and obj.report_id is not None:
            if obj in session.new:
                raised.add(obj.report_id)
            report = reports.get(obj.report_id) or session.get(Report, obj.report_id)
            if report is not None and report not in session.new:
                reports[obj.report_id] = report
    return raised


def _stored(session: Session, obj: Any, columns: Iterable[str]) -> dict[str, Any]:
    """The row as the database still holds it (before this flush writes the change)."""
    model = type(obj)
    cols = [getattr(model, c) for c in (*columns, "integrity")]
    row = session.connection().execute(select(*cols).where(model.id == obj.id)).first()
    return dict(row._mapping) if row is not None else {}


class RowSealer:
    """Seals rows as the ORM writes them; refuses to re-seal a row that was tampered with."""

    def __init__(self, ctx: SealingContext) -> None:
        self.ctx = ctx
        self._row_keys: dict[str, str] = {}
        self._batches: OrderedDict[tuple[str, int], frozenset[str]] = OrderedDict()
        self._versions: OrderedDict[tuple[object, ...], bool] = OrderedDict()  # policy and questionnaire rows
        self._lock = threading.Lock()

    def install(self, session_factory: Any) -> None:
        event.listen(session_factory, "before_flush", self._before_flush)
        event.listen(session_factory, "after_flush", self._after_flush)

    # -- checking ---------------------------------------------------------------------------

    def row_keys(self, conn: Any, chain: str | None = None) -> Mapping[str, str]:
        """Other installations' row-signing public keys that this desk accepts: only those
        the trail registers as `verify` accepts them (chain.registered_row_keys), loaded when
        one is first needed, and of those only the installations this desk's keyring trusts
        (Sealer.trusts): a registration is no more than a row an insider with SQL access can
        write as suitcheck writes it, the keyring is not. With `chain`, at most that one."""
        sealer = self.ctx.sealer
        if chain is not None:
            if not sealer.trusts(chain):
                return {}
            if chain not in self._row_keys:
                if conn is None:
                    with self.ctx.store.engine.connect() as fresh:
                        found = registered_row_keys(fresh)
                else:
                    found = registered_row_keys(conn)
                for name, public in found.items():
                    self._row_keys.setdefault(name, public)
            key = self._row_keys.get(chain)
            return {chain: key} if key is not None else {}
        trusted = sealer.trusted_chains()
        return {name: public for name, public in self._row_keys.items() if name in trusted}

    def ok(self, conn: Any, message: str, seal: str | None) -> bool:
        if not isinstance(seal, str):
            return False  # none, or a value suitcheck never writes there (bytes, a number)
        chain = seal.split(":", 1)[0] if seal else None
        if chain == self.ctx.sealer.chain:
            return self.ctx.sealer.row_ok(message, seal, {})  # the HMAC, whatever the form
        if seal and seal.count(":") == 2 and seal.rsplit(":", 1)[1].startswith("@"):
            return state_digest(message) in self._batch_states(conn, str(chain), seal.rsplit(":", 1)[1][1:])
        return self.ctx.sealer.row_ok(message, seal, self.row_keys(conn, chain))

    def _batch_states(self, conn: Any, chain: str, ref: str) -> frozenset[str]:
        """The client states another installation signed in bulk in trail entry `ref`
        (empty, so every row pointing at it fails, unless its signature holds)."""
        if not ref.isdigit() or not self.ctx.sealer.trusts(chain):
            return frozenset()  # not cached: a desk trusted later holds once `audit key trust` ran
        key = (chain, int(ref))
        with self._lock:
            states = self._batches.get(key)
            if states is not None:
                self._batches.move_to_end(key)
                return states
        if conn is None:
            with self.ctx.store.engine.connect() as fresh:
                states = self._load_batch(fresh, *key)
        else:
            states = self._load_batch(conn, *key)
        with self._lock:
            self._batches[key] = states
            while len(self._batches) > 16:  # rows are mostly read in the order they were sealed
                self._batches.popitem(last=False)
        return states

    def _load_batch(self, conn: Any, chain: str, seq: int, public: str | None = None) -> frozenset[str]:
        row = conn.execute(
            select(AuditEntry.action, AuditEntry.chain, AuditEntry.facts).where(AuditEntry.seq == seq)
        ).first()
        if row is None or row.action != RECORD_SEALED or row.chain != chain:
            return frozenset()
        try:
            facts = json.loads(row.facts)
            rows, signature = facts["rows"], facts["signature"]
            public = public or self.row_keys(conn, chain).get(chain)
            if public is None or not keys.signature_ok(public, signature, row_batch_message(chain, rows)):
                return frozenset()
            return frozenset(str(r["state"]) for r in rows if r.get("table") == "investor")
        except (ValueError, KeyError, TypeError, AttributeError):
            return frozenset()

    def untrusted_sealer(self, conn: Any, message: str, seal: object) -> str | None:
        """For a row whose seal fails here (verify's sentence): the installation that did
        seal it, when that is one validly registered in the trail that this desk does not
        trust; None when the seal holds for no registered installation (the row was changed).
        Says only why a seal fails: ok() alone decides whether it holds."""
        if not isinstance(seal, str) or seal.count(":") != 2:
            return None
        chain, _, proof = seal.split(":")
        sealer = self.ctx.sealer
        if chain == sealer.chain or sealer.trusts(chain):
            return None
        public = registered_row_keys(conn).get(chain)
        if public is None:
            return None
        if proof.startswith("@"):
            sealed = proof[1:].isdigit() and state_digest(message) in self._load_batch(
                conn, chain, int(proof[1:]), public
            )
        else:
            sealed = keys.signature_ok(public, proof, message.encode())
        return chain if sealed else None

    def investor_ok(self, conn: Any, row: Any) -> bool:
        # A row read with DATES_CANONICAL (the check's own statement) also needs its dates
        # stored as suitcheck writes them: Python reads '2024-W22-6' or '20240601' as the
        # same day, so the seal would hold while SQL compares the text otherwise.
        if not getattr(row, "dates_canonical", True):
            return False
        try:
            message = investor_message(row)
        except UnreadableRecordError:
            return False  # no seal can hold for a value suitcheck never writes
        return self.ok(conn, message, row.integrity)

    def staff_ok(self, conn: Any, row: Any) -> bool:
        try:
            message = staff_message(row)
        except UnreadableRecordError:
            return False
        return self.ok(conn, message, row.integrity)

    def report_ok(self, conn: Any, row: Any, findings: Iterable[Any] | None = None) -> bool:
        """A report row (a Report, or a row with REPORT_COLUMNS and its seal) and its
        findings still match its seal; one HMAC for a row this installation sealed. A value
        of a type suitcheck never writes there (a BLOB) fails, rather than raising.
        `findings`: the report's finding rows when the caller has read them; else a
        Report's own, or those report_findings reads for a row."""
        try:
            if findings is None:
                findings = self.report_findings(conn, row)
            message = report_message(row, findings)
        except (TypeError, ValueError):
            return False
        return self.ok(conn, message, row.integrity)

    def report_findings(self, conn: Any, row: Any) -> Sequence[Any]:
        """The findings of a report (a Report: its own; a row: read from the store, unless
        its statement says it has none: `has_findings`, see FINDINGS_EXIST)."""
        if isinstance(row, Report):
            return list(row.findings)
        if not getattr(row, "has_findings", True):
            return ()
        if conn is None:
            with self.ctx.store.engine.connect() as fresh:
                return list(fresh.execute(FINDING_ROWS.where(_FC.report_id == row.id)))
        return list(conn.execute(FINDING_ROWS.where(_FC.report_id == row.id)))

    def branch_ok(self, conn: Any, row: Any) -> bool:
        """A branch row (BRANCH_COLUMNS and its seal) still matches its seal; a value of a
        type suitcheck never writes there (a BLOB) fails, rather than raising."""
        try:
            message = branch_message(row._mapping if hasattr(row, "_mapping") else row)
        except (TypeError, ValueError):
            return False
        return self.ok(conn, message, row.integrity)

    def policy_ok(self, conn: Any, version: object, document: object, seal: str | None) -> bool:
        """A policy version still matches its seal. Versions are never edited, so the
        verdict is kept per (version, document, seal): a check costs no HMAC for it."""
        return self._version_ok(conn, ("policy", version, document, seal), lambda: policy_message(version, document))

    def questionnaire_ok(
        self, conn: Any, version: object, document: object, checksum: object, seal: str | None
    ) -> bool:
        """A questionnaire version still matches its seal (kept per row, as policy_ok)."""
        return self._version_ok(
            conn,
            ("questionnaire", version, document, checksum, seal),
            lambda: questionnaire_message(version, document, checksum),
        )

    def _version_ok(self, conn: Any, key: tuple[object, ...], message: Any) -> bool:
        """The verdict on a versioned row, kept by its whole content (key ends with its seal)."""
        with self._lock:
            verdict = self._versions.get(key)
        if verdict is None:
            try:
                verdict = self.ok(conn, message(), key[-1])  # type: ignore[arg-type]
            except (TypeError, ValueError):  # a BLOB where suitcheck writes text
                verdict = False
            if verdict:  # a failed one is judged again: its desk may be trusted since
                with self._lock:
                    self._versions[key] = verdict
                    while len(self._versions) > 16:
                        self._versions.popitem(last=False)
        return verdict

    # -- sealing at flush -------------------------------------------------------------------

    def _before_flush(self, session: Session, _context: object, _instances: object) -> None:
        session.info.pop(_UNSEALED_REPORTS, None)  # left by a flush that failed
        records = [r for r in map(lambda obj: self._seal_new(session, obj), list(session.new)) if r]
        reports: dict[int, Report] = {}
        for obj in list(session.dirty):
            if isinstance(obj, Investor):
                record = self._reseal(session, obj, INVESTOR_COLUMNS, investor_message, "investor", "account")
            elif isinstance(obj, Staff):
                record = self._reseal(session, obj, STAFF_COLUMNS, staff_message, "staff", "username")
            elif isinstance(obj, Report) and obj.id is not None:
                reports[obj.id] = obj
                continue
            else:
                continue
            if record:
                records.append(record)
        raised = _reports_of_findings(session, reports)
        for report in reports.values():
            record = self._reseal_report(session, report, report.id in raised)
            if record:
                records.append(record)
        if records:
            self._record(session, records)

    def _reseal_report(self, session: Session, obj: Report, raised: bool) -> tuple[str, str, str] | None:
        """_reseal for a report and its findings: the stored row and its stored findings must
        match the seal (no laundering), and a finding raised in this flush gets its id only
        when it is written, so such a report is sealed by _after_flush."""
        before = _stored(session, obj, REPORT_COLUMNS)
        if not before:
            return self._seal(obj, report_message(obj), "report", str(obj.id))
        conn = session.connection()
        try:
            old_message = report_message(before, conn.execute(FINDING_ROWS.where(_FC.report_id == obj.id)).all())
        except (TypeError, ValueError):  # a stored value suitcheck never writes (a BLOB): as a failed seal
            raise _changed_outside("report", before, "id") from None
        raised = raised or any(f.id is None for f in obj.findings)
        new_message = None if raised else report_message(obj)
        if old_message == new_message and before.get("integrity") == obj.integrity:
            return None
        if not self.ok(conn, old_message, before.get("integrity")):
            raise _changed_outside("report", before, "id")
        if new_message is None:
            session.info.setdefault(_UNSEALED_REPORTS, []).append(obj)
            return None
        return self._seal(obj, new_message, "report", str(obj.id))

    def _seal_new(self, session: Session, obj: object) -> tuple[str, str, str] | None:
        if isinstance(obj, Investor):
            return self._seal(obj, investor_message(obj), "investor", obj.account)
        if isinstance(obj, Staff):
            return self._seal(obj, staff_message(obj), "staff", obj.username)
        if isinstance(obj, PolicyVersion):
            # Sealed over (version, document); the trail records the document's digest, as
            # it did before policy rows were sealed.
            obj.integrity = self.ctx.sealer.row_seal(policy_message(obj.version, obj.document))
            return "policy", str(obj.version), state_digest(obj.document)
        if isinstance(obj, QuestionnaireVersion):
            obj.integrity = self.ctx.sealer.row_seal(questionnaire_message(obj.version, obj.document, obj.checksum))
            return "questionnaire", str(obj.version), state_digest(obj.document)
        if isinstance(obj, Report | Branch):
            if obj.id is None:
                # Its id is part of its seal and is known once the row is written: sealed
                # by _after_flush, in the same flush.
                session.info.setdefault(_UNSEALED_REPORTS, []).append(obj)
                return None
            if isinstance(obj, Branch):
                return self._seal(obj, branch_message(obj), "branch", obj.code)
            return self._seal(obj, report_message(obj), "report", str(obj.id))
        return None

    def _after_flush(self, session: Session, _context: object) -> None:
        """Seal the reports and branches this flush inserted, now that they have their ids,
        in the same transaction (the seal written by a plain UPDATE, and set on the object as
        loaded)."""
        fresh = session.info.pop(_UNSEALED_REPORTS, None)
        if not fresh:
            return
        conn = session.connection()
        records: list[tuple[str, str, str]] = []
        for obj in fresh:
            model: type[Branch | Report]
            if isinstance(obj, Branch):
                message, model, table, key = branch_message(obj), Branch, "branch", obj.code
            else:
                # Its findings as this flush left them in the store (a finding added by its
                # report_id is not in report.findings until that is loaded again).
                stored = conn.execute(FINDING_ROWS.where(_FC.report_id == obj.id)).all()
                message, model, table, key = report_message(obj, stored), Report, "report", str(obj.id)
            seal = self.ctx.sealer.row_seal(message)
            conn.execute(update(model).where(model.id == obj.id).values(integrity=seal))
            set_committed_value(obj, "integrity", seal)
            records.append((table, key, state_digest(message)))
        self._record(session, records)

    def _seal(self, obj: Any, message: str, table: str, key: str) -> tuple[str, str, str]:
        obj.integrity = self.ctx.sealer.row_seal(message)
        return table, key, state_digest(message)

    def _reseal(
        self, session: Session, obj: Any, columns: tuple[str, ...], make: Any, table: str, key_column: str
    ) -> tuple[str, str, str] | None:
        before = _stored(session, obj, columns)
        if not before:
            return self._seal(obj, make(obj), table, str(getattr(obj, key_column)))
        try:
            old_message = make(before)
        except (TypeError, ValueError):  # a stored value suitcheck never writes (a BLOB): as a failed seal
            raise _changed_outside(table, before, key_column) from None
        new_message = make(obj)
        if old_message == new_message and before.get("integrity") == obj.integrity:
            return None
        if not self.ok(session.connection(), old_message, before.get("integrity")):
            raise _changed_outside(table, before, key_column)
        return self._seal(obj, new_message, table, str(getattr(obj, key_column)))

    def _record(self, session: Session, records: list[tuple[str, str, str]]) -> None:
        """One trail entry per flush that changed sealed rows: what state each was left in."""
        self.ctx.sealer.append(
            session.connection(),
            at=self.ctx.now(),
            staff="system",
            action=RECORD_SEALED,
            facts={"rows": [{"table": t, "key": k, "state": d} for t, k, d in records]},
        )

    def check_accounts(self, conn: Any, accounts: Any) -> None:
        """Before a bulk write changes these clients: each must still match its seal, by the
        rule `check` applies, and hold its dates and flags as suitcheck writes them (a row
        changed outside suitcheck is never laundered by an import). The flags matter here
        and not to `check`: a flag of 'yes' or 2 where the seal says true reads as true in
        Python, so the seal holds and every decision takes the strict reading, but the
        import decides in SQL (`IS 1` is false for it) and would lift the lowest category
        without the refusal such a lift meets, then seal the row as sound."""
        stmt = select(
            Investor.integrity,
            *(getattr(Investor, c) for c in INVESTOR_COLUMNS),
            dates_canonical().label("dates_canonical"),
            flags_canonical().label("flags_canonical"),
        ).where(Investor.account.in_(accounts))
        for row in conn.execute(stmt):
            if not (row.flags_canonical and self.investor_ok(conn, row)):
                raise RecordIntegrityError(
                    f"The client record {row.account!r} was changed outside suitcheck; it is not changed further "
                    "until compliance has investigated."
                )

    def seal_accounts(self, conn: Any, accounts: Any, batch: int = 1000) -> int:
        """Seal the clients a bulk write just wrote, recorded in the trail (all at once:
        for a bounded set of accounts; an import pages its own rows to seal_rows)."""
        stmt = select(Investor.id, *(getattr(Investor, c) for c in INVESTOR_COLUMNS)).where(
            Investor.account.in_(accounts)
        )
        rows = conn.execute(stmt).all()
        return self.seal_rows(conn, (rows[i : i + batch] for i in range(0, len(rows), batch)))

    def seal_page(self, conn: Any, page: Sequence[tuple[str, str]], *, upgrade: str | None = None) -> list[str]:
        """Seals for a page of client rows written in bulk (an import), given (account,
        investor_message) each, in the transaction that writes them: each row's HMAC and
        the number of one `record-sealed` entry that lists the page's states with one
        signature over them all (`chain:hmac:@seq`), in place of a signature per row,
        which a million-row import cannot afford (one costs about as much as the rest of
        importing the row)."""
        sealer = self.ctx.sealer
        # canonical_json of the rows' list and of the entry's facts, written out (keys in
        # sorted order; a state is hex) because an import does this for every client.
        rows_json = (
            "["
            + ",".join(
                f'{{"key":{_string(key)},"state":"{state_digest(message)}","table":"investor"}}'
                for key, message in page
            )
            + "]"
        )
        # `upgrade` (a one-time re-sealing) sorts after "signature", as canonical_json orders keys.
        label = "" if upgrade is None else f',"upgrade":{_string(upgrade)}'
        facts_json = f'{{"rows":{rows_json},"signature":"{sealer.row_batch_signature(rows_json)}"{label}}}'
        entry = sealer.append_batch(
            conn, [("system", RECORD_SEALED, None, None, None, "[]", facts_json)], at=self.ctx.now()
        )
        assert entry is not None
        return [sealer.row_seal_ref(message, entry.seq) for _, message in page]

    def seal_rows(self, conn: Any, pages: Iterable[Sequence[Any]], *, upgrade: str | None = None) -> int:
        """Seal client rows a bulk write just wrote, a page at a time (each row: `id` and
        the sealed columns): seal_page, then the seals written with one executemany.
        `upgrade`: the one-time re-sealing this is (seal_page)."""
        table: Any = Investor.__table__
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"UPDATE {table.name} SET integrity = {mark} WHERE id = {mark}"
        total = 0
        for page in pages:
            if not page:
                continue
            messages = [investor_message(row._mapping) for row in page]
            seals = self.seal_page(
                conn, [(row.account, m) for row, m in zip(page, messages, strict=True)], upgrade=upgrade
            )
            conn.exec_driver_sql(sql, [(seal, row.id) for row, seal in zip(page, seals, strict=True)])
            total += len(page)
        return total

    def seal_all(self, conn: Any) -> int:
        """Seal every existing row once (the upgrade to sealed records), recorded in the trail."""
        records: list[tuple[str, str, str]] = []
        for row in conn.execute(select(Investor.id, *(getattr(Investor, c) for c in INVESTOR_COLUMNS))).all():
            message = investor_message(row._mapping)
            conn.execute(
                update(Investor).where(Investor.id == row.id).values(integrity=self.ctx.sealer.row_seal(message))
            )
            records.append(("investor", row.account, state_digest(message)))
        for row in conn.execute(select(Staff.id, *(getattr(Staff, c) for c in STAFF_COLUMNS))).all():
            message = staff_message(row._mapping)
            conn.execute(update(Staff).where(Staff.id == row.id).values(integrity=self.ctx.sealer.row_seal(message)))
            records.append(("staff", row.username, state_digest(message)))
        findings = all_findings(conn)
        for row in conn.execute(REPORT_ROWS).all():
            records.append(self._seal_report_row(conn, row, findings.get(row.id, ())))
        for version, document, _seal in conn.execute(_POLICIES).all():
            records.append(self._seal_policy_row(conn, version, document))
        for version, document, checksum, _seal in conn.execute(_QUESTIONNAIRES).all():
            records.append(self._seal_questionnaire_row(conn, version, document, checksum))
        if records:
            self.ctx.sealer.append(
                conn,
                at=self.ctx.now(),
                staff="system",
                action=RECORD_SEALED,
                facts={"rows": [{"table": t, "key": k, "state": d} for t, k, d in records], "upgrade": True},
            )
        return len(records)

    def _seal_report_row(self, conn: Any, row: Any, findings: Iterable[Any]) -> tuple[str, str, str]:
        message = report_message(row._mapping, findings)
        conn.execute(update(Report).where(Report.id == row.id).values(integrity=self.ctx.sealer.row_seal(message)))
        return "report", str(row.id), state_digest(message)

    def _seal_questionnaire_row(self, conn: Any, version: int, document: str, checksum: str) -> tuple[str, str, str]:
        seal = self.ctx.sealer.row_seal(questionnaire_message(version, document, checksum))
        conn.execute(update(QuestionnaireVersion).where(QuestionnaireVersion.version == version).values(integrity=seal))
        return "questionnaire", str(version), state_digest(document)

    def _seal_recorded_questionnaires(
        self, conn: Any, records: list[tuple[str, str, str]], refused: list[str], shipped: str, vouched: Vouched
    ) -> None:
        """The upgrade's part for questionnaire versions (0012): a version is sealed when it
        is the one the trail records importing (the same checksum; a questionnaire's
        checksum is over its whole content), or version 1 as the program ships it (stored
        the first time something needed it, never recorded; `shipped` is its checksum);
        any other is left unsealed, so nothing is assessed with it and `audit verify`
        names it. `vouched`: the entries believed (vouched_entries)."""
        imported = _imported_questionnaires(conn, vouched)
        for version, document, checksum, seal in conn.execute(_QUESTIONNAIRES).all():
            if self.questionnaire_ok(conn, version, document, checksum, seal):
                continue
            expected = imported.get(version) if version != 1 or version in imported else shipped
            if not isinstance(document, str) or expected is None or checksum != expected:
                refused.append(f"questionnaire:{version}")
                log.warning("questionnaire version %s: not the version the trail recorded; not sealed", version)
                continue
            records.append(self._seal_questionnaire_row(conn, version, document, checksum))

    def _seal_recorded_branches(
        self,
        conn: Any,
        records: list[tuple[str, str, str]],
        refused: list[str],
        states: Mapping[tuple[str, str], str],
        vouched: Vouched | None,
    ) -> None:
        """The upgrade's part for branch rows (0013). Once the trail records branch states
        (every branch sealed since), a row is sealed only in its recorded state. Before, a
        row is sealed when it is the head office the migration made (id 1, HQ, 总部) or the
        branch a `branch-added` entry the upgrade believes recorded (the same code, name and
        region), and its id stands in the order of those entries (ids are handed out in the
        order branches are added: two codes or names swapped between rows break it). Any
        other row is left unsealed: nothing is moved, imported or added into it, and `audit
        verify` names it. `vouched` None (the trail does not verify): nothing is sealed."""
        rows = conn.execute(_BRANCHES).all()
        if vouched is None:
            refused.extend(f"branch:{shown(row.code)}" for row in rows if not self.branch_ok(conn, row))
            return
        recorded = any(table == "branch" for table, _ in states)
        added = _added_branches(conn, vouched)
        rank = {code: i for i, code in enumerate(added)}
        order = [(row.id, rank[row.code]) for row in rows if isinstance(row.code, str) and row.code in rank]
        for row in rows:
            if self.branch_ok(conn, row):
                continue
            try:
                message = branch_message(row._mapping)
            except (TypeError, ValueError):  # a value of a type suitcheck never writes: never sealed
                message = None
            if recorded:
                sound = message is not None and states.get(("branch", str(row.code))) == state_digest(message)
            elif (row.id, row.code, row.name, row.region, bool(row.head_office)) == _HEAD_OFFICE:
                sound = True
            else:
                mine = rank.get(row.code) if isinstance(row.code, str) else None
                sound = (
                    message is not None
                    and mine is not None
                    and added[row.code] == (row.name, row.region)
                    and not row.head_office
                    and all((other_id < row.id) == (other < mine) for other_id, other in order if other_id != row.id)
                )
            if not sound:
                refused.append(f"branch:{shown(row.code)}")
                log.warning("branch %s: not the branch the trail recorded; not sealed", row.id)
                continue
            assert message is not None
            conn.execute(update(Branch).where(Branch.id == row.id).values(integrity=self.ctx.sealer.row_seal(message)))
            records.append(("branch", str(row.code), state_digest(message)))

    def reseal_with_findings(self, conn: Any, vouched: Vouched | None) -> tuple[int, list[str]]:
        """Once, after the migration that made a report's seal cover its findings (0017): a
        report that has findings, whose seal was made without them, is sealed again with
        them when that seal still holds and the row is in the last state the trail records
        for it (believing only the entries `vouched` believes: None, the trail does not
        verify, and nothing is sealed); its findings are taken as they stand (nothing
        recorded them before: trust on first use, as report rows were at 0011). Any other
        report is left as it is: it fails its seal, every decision about it blocks and
        `audit verify` names it. Recorded in the trail. Returns (reports sealed, those left)."""
        if upgrade_recorded(conn, FINDINGS_UPGRADE):
            return self._findings_marker_again(conn)
        states = recorded_states(conn, vouched) if vouched is not None else {}
        left = left_by_upgrade(conn, vouched, FINDINGS_UPGRADE) if vouched is not None else set()
        findings = all_findings(conn)
        records: list[tuple[str, str, str]] = []
        refused: list[str] = []
        # The reports that have findings, by EXISTS: an IN list of their ids takes one bound
        # value each, more than a statement may hold (SQLite 32,766) in a store with many.
        with_findings = REPORT_ROWS.where(select(_FC.id).where(_FC.report_id == Report.id).exists())
        for row in conn.execute(with_findings).all() if findings else ():
            own = findings.get(row.id)
            if own is None:  # its first finding inserted between the two reads (PostgreSQL): left as it is
                refused.append(f"report:{row.id}")
                continue
            if self.report_ok(conn, row, own):
                continue  # sealed with its findings already (by 0011's upgrade, or since)
            try:
                without = report_message(row._mapping, ())
            except (TypeError, ValueError):  # a value of a type suitcheck never writes: never sealed
                without = None
            if (
                vouched is None
                or f"report:{row.id}" in left
                or without is None
                or not self.ok(conn, without, row.integrity)
                or states.get(("report", str(row.id))) != state_digest(without)
            ):
                refused.append(f"report:{row.id}")
                log.warning(
                    "report %s: its seal or recorded state does not match; not sealed with its findings", row.id
                )
                continue
            records.append(self._seal_report_row(conn, row, own))
        # Recorded even when nothing was sealed: the entry is what tells a later run that
        # the era began (a report without findings has the same seal in both).
        _record_upgrade(self.ctx, conn, FINDINGS_UPGRADE, records, "not_resealed", refused, always=True)
        return len(records), refused

    def _findings_marker_again(self, conn: Any) -> tuple[int, list[str]]:
        """0017's marker found again after the trail recorded its run: inserted in SQL (a
        report without findings has the seal it had before the upgrade, so a finding planted
        there would pass for one the upgrade had yet to seal). Nothing is sealed; a report
        whose findings fail its seal keeps failing it, and is not listed as one the upgrade
        left (which `audit settle` would take with its findings as found). Recorded."""
        failing = self._findings_failing(conn)
        log.warning("the findings upgrade's marker was set again after its run; nothing sealed (%s)", failing)
        self.ctx.sealer.append(
            conn,
            at=self.ctx.now(),
            staff="system",
            action=RECORD_SEALED,
            facts={"rows": [], "upgrade": FINDINGS_UPGRADE, "marker_set_again": True, "failing": failing},
        )
        return 0, failing

    def _findings_failing(self, conn: Any) -> list[str]:
        """The reports that have findings and fail their seal (`report:ID`)."""
        findings = all_findings(conn)
        # The reports that have findings by EXISTS, as the first run reads them (an IN list
        # of their ids takes one bound value each, more than a statement may hold).
        with_findings = REPORT_ROWS.where(select(_FC.id).where(_FC.report_id == Report.id).exists())
        return [
            f"report:{row.id}"
            for row in (conn.execute(with_findings.order_by(Report.id)).all() if findings else ())
            if not self.report_ok(conn, row, findings.get(row.id, ()))
        ]

    def record_findings_era(self, conn: Any) -> None:
        """At every open, after the findings upgrade's marker: the trail records that
        reports' seals cover their findings (a run of the findings upgrade), unless it does.

        0018's marker alone asked for this once, and the marker is a row an insider deletes
        (or never lets 0018 write: the schema version set past it in SQL), which left a
        store that passed 0017 with no report with findings without the era for good, and a
        finding planted later with 0017's marker inserted was sealed as its first run. So
        the entry's number is kept in the store (one lookup by key per open); missing, or
        naming no such entry, the trail is searched once (any installation's entry, verified
        or not: a planted one only keeps the upgrade from sealing) and the era recorded."""
        kept = conn.execute(select(StoreSetting.value).where(StoreSetting.name == FINDINGS_ERA_ENTRY_SETTING)).scalar()
        # A row an insider can write: only a number an entry can have is looked up.
        number = int(kept) if isinstance(kept, str) and _ENTRY_NUMBER.fullmatch(kept) else None
        if number is not None and upgrade_entry(conn, FINDINGS_UPGRADE, number) is not None:
            return
        seq = upgrade_entry(conn, FINDINGS_UPGRADE)
        if seq is None:
            # No run recorded. A report with findings that fails its seal now is one 0017's
            # marker went from before its run could seal it (deleted in the window an open
            # stopped after the migrations leaves), or one changed in SQL: left by the
            # upgrade, as its run would have left it, so that compliance settles it with its
            # findings taken as found and shown (the marker inserted again seals nothing
            # now). Only where the trail verifies: an era entry hidden by an edit, undone once
            # this entry is written, must not get a finding planted meanwhile listed so.
            failing = self._findings_failing(conn)
            if failing and vouched_entries(self.ctx.sealer, conn) is None:
                failing = []
            log.info("the trail records no run of the findings upgrade; the era is recorded now (left: %s)", failing)
            seq = _record_upgrade(self.ctx, conn, FINDINGS_UPGRADE, [], "not_resealed", failing, always=True)
        conn.execute(delete(StoreSetting).where(StoreSetting.name == FINDINGS_ERA_ENTRY_SETTING))
        conn.execute(insert(StoreSetting).values(name=FINDINGS_ERA_ENTRY_SETTING, value=str(seq)))

    def _seal_policy_row(self, conn: Any, version: int, document: str) -> tuple[str, str, str]:
        seal = self.ctx.sealer.row_seal(policy_message(version, document))
        conn.execute(update(PolicyVersion).where(PolicyVersion.version == version).values(integrity=seal))
        return "policy", str(version), state_digest(document)

    def seal_reports_and_policies(
        self, conn: Any, shipped_questionnaire: str, vouched: Vouched | None
    ) -> tuple[int, list[str]]:
        """Once, after the migration that gave report and policy rows a seal (0011): every
        report row is sealed as it stands (nothing recorded its state before: as client
        rows were at their first sealing) unless the trail records report states (the marker
        set again in SQL later: then only a row in its recorded state), and every policy
        version whose document is the
        one the trail recorded for it; a version the trail does not record so (inserted or
        edited in SQL) is left unsealed, so no check uses it and `audit verify` names it.
        A row that already holds a valid seal is left as it is. Recorded in the trail.
        `vouched`: the entries of the trail believed (vouched_entries), None when it does not
        verify: then no row is sealed by what it records, nor any report as it stands (an
        insider's SQL client edits or appends entries, or hides a record, as easily as it sets
        the marker). Returns (rows sealed, the keys left alone)."""
        states = recorded_states(conn, vouched) if vouched is not None else {}
        records: list[tuple[str, str, str]] = []
        refused: list[str] = []
        # The marker is a row in the store, so an insider can set it again later: once the
        # trail records report states (every report written since 0011), a row is sealed only
        # in the state the trail records for it, never as it now stands. Whether it does is
        # asked of every entry, believed or not: a desk that joined a shared store believes
        # none of the other desk's open epoch, which holds every report of a young store (a
        # planted entry only keeps the upgrade from sealing rows as they stand).
        recorded_reports = vouched is None or any(table == "report" for table, _ in recorded_states(conn))
        findings = all_findings(conn)
        for row in conn.execute(REPORT_ROWS).all():
            own = findings.get(row.id, ())
            if self.report_ok(conn, row, own):
                continue
            try:
                state = state_digest(report_message(row._mapping, own))
            except (TypeError, ValueError):  # a value of a type suitcheck never writes: never sealed
                state = None
            if state is None or (recorded_reports and states.get(("report", str(row.id))) != state):
                refused.append(f"report:{row.id}")
                log.warning("report %s: not the state the trail recorded; not sealed", row.id)
                continue
            records.append(self._seal_report_row(conn, row, own))
        for version, document, seal in conn.execute(_POLICIES).all():
            if self.policy_ok(conn, version, document, seal):
                continue
            if not isinstance(document, str) or states.get(("policy", str(version))) != state_digest(document):
                refused.append(f"policy:{version}")
                log.warning("policy version %s: not the version the trail recorded; not sealed", version)
                continue
            records.append(self._seal_policy_row(conn, version, document))
        self._seal_recorded_questionnaires(
            conn, records, refused, shipped_questionnaire, vouched if vouched is not None else _believe_none
        )
        self._seal_recorded_branches(conn, records, refused, states, vouched)
        _record_upgrade(self.ctx, conn, "reports", records, "not_sealed", refused)
        return len(records), refused


# Every sealed versioned row and every report row, with their seals, for the upgrade and verify.
_Q = QuestionnaireVersion.__table__.c
_QUESTIONNAIRES = select(_Q.version, _Q.document, _Q.checksum, _Q.integrity).order_by(_Q.version)
_POLICIES = select(PolicyVersion.version, PolicyVersion.document, PolicyVersion.integrity)
# A report row's seal and the columns it covers (report_message's values).
REPORT_ROWS = select(Report.integrity, *(getattr(Report, c) for c in REPORT_COLUMNS))
# Findings as a report's seal covers them.
_FC = Finding.__table__.c
FINDING_ROWS = select(*(_FC[c] for c in FINDING_COLUMNS))


def findings_of(report_id: Any) -> Select[Any]:
    """One report's findings as its seal covers them (report_message's `findings`)."""
    return FINDING_ROWS.where(_FC.report_id == report_id)


def findings_exist(report_id: Any) -> Any:
    """A column for a report's statement: whether the report has findings (`has_findings`),
    so that a check reads them (report_findings) only for a report that has some."""
    return select(_FC.id).where(_FC.report_id == report_id).exists().label("has_findings")


def all_findings(conn: Any) -> dict[Any, list[Any]]:
    """Every report's findings (report id -> rows), for verify and the upgrades, which read
    every report: findings are few beside the reports they belong to."""
    found: dict[Any, list[Any]] = {}
    for row in conn.execute(select(_FC.report_id, *(_FC[c] for c in FINDING_COLUMNS))):
        found.setdefault(row.report_id, []).append(row)
    return found


_BRANCHES = select(Branch.integrity, *(getattr(Branch, c) for c in BRANCH_COLUMNS)).order_by(Branch.id)
# The head-office branch as migration 0009 makes it: (id, code, name, region, head office).
_HEAD_OFFICE = (1, "HQ", "总部", "", True)


def shown(value: object) -> str:
    """A key for a sentence or a record: text as it is, anything else as its repr."""
    return value if isinstance(value, str) else repr(value)


def _believed_facts(conn: Any, vouched: Vouched, action: AuditAction) -> Iterator[Any]:
    """The facts of the trail's `action` entries the upgrade believes (`vouched`), parsed,
    in the trail's order; an entry whose facts do not parse is skipped."""
    stmt = select(AuditEntry.seq, AuditEntry.chain, AuditEntry.facts).where(AuditEntry.action == action.value, IN_TRAIL)
    for seq, chain, facts in conn.execute(stmt.order_by(AuditEntry.seq)):
        if vouched(seq, chain):
            try:
                yield json.loads(facts)
            except (ValueError, TypeError):
                continue


def _added_branches(conn: Any, vouched: Vouched) -> dict[str, tuple[object, object]]:
    """code -> (name, region), in the order the believed `branch-added` entries record them."""
    found: dict[str, tuple[object, object]] = {}
    for data in _believed_facts(conn, vouched, AuditAction.BRANCH_ADDED):
        try:
            code = data["branch"]
            if isinstance(code, str) and code not in found:
                found[code] = (data["name"], data.get("region", ""))
        except (KeyError, TypeError, AttributeError):
            continue
    return found


def _believe_none(_seq: int, _chain: str | None) -> bool:
    return False


def _imported_questionnaires(conn: Any, vouched: Vouched) -> dict[object, object]:
    """version -> checksum, as the trail's questionnaire-import entries it believes record them."""
    found: dict[object, object] = {}
    for data in _believed_facts(conn, vouched, AuditAction.QUESTIONNAIRE_IMPORT):
        try:
            found[data["version"]] = data["checksum"]
        except (KeyError, TypeError):
            continue
    return found


def _record_upgrade(
    ctx: SealingContext,
    conn: Any,
    upgrade: str,
    records: list[tuple[str, str, str]],
    left: str,
    refused: list[str],
    *,
    always: bool = False,
) -> int | None:
    """One trail entry for an upgrade's re-sealing: each row's new state, and the rows it
    left alone (under `left`), if there was anything to say (`always`: the run itself is
    worth recording). Returns the entry's number, None when nothing was recorded."""
    if records or refused or always:
        return ctx.sealer.append(
            conn,
            at=ctx.now(),
            staff="system",
            action=RECORD_SEALED,
            facts={
                "rows": [{"table": t, "key": k, "state": d} for t, k, d in records],
                "upgrade": upgrade,
                **({left: refused} if refused else {}),
            },
        ).seq
    return None


def reseal_for_branches(ctx: SealingContext, sealer: RowSealer, conn: Any) -> tuple[int, list[str]]:
    """Once, after the migration that added branches: a row whose seal (made without its
    branch) still matches it, and whose state is the last one the trail recorded, is
    sealed again with its branch, recorded in the trail. A row that fails either test is
    left as it is (never sealed over), so `check` blocks it and `audit verify` names it.
    Returns (rows re-sealed, the keys left alone).

    The marker is a row an insider can insert, and the old seal covers neither the branch
    nor the client's name and ID number: the trail's states are believed only where it
    verifies (vouched_entries), as for 0011 and 0016; a trail that does not verify gets no
    row re-sealed."""
    vouched = vouched_entries(ctx.sealer, conn)
    states = recorded_states(conn, vouched) if vouched is not None else {}
    left = left_by_upgrade(conn, vouched, "branches") if vouched is not None else set()
    records: list[tuple[str, str, str]] = []
    refused: list[str] = []
    kinds = (
        (Investor, "investor", "account", INVESTOR_COLUMNS, investor_message, legacy_investor_message),
        (Staff, "staff", "username", STAFF_COLUMNS, staff_message, legacy_staff_message),
    )
    for model, table, key, columns, make, make_legacy in kinds:
        cols = [getattr(model, c) for c in columns]
        for row in conn.execute(select(model.id, model.integrity, *cols)).all():
            values = row._mapping
            message = make(values)
            if sealer.ok(conn, message, row.integrity):
                continue  # already sealed with its branch (a row written after the upgrade)
            legacy = make_legacy(values)
            name = str(values[key])
            if (
                f"{table}:{name}" in left
                or not sealer.ok(conn, legacy, row.integrity)
                or states.get((table, name)) != state_digest(legacy)
            ):
                refused.append(f"{table}:{name}")
                log.warning("%s %s: its seal or recorded state does not match; not re-sealed", table, name)
                continue
            conn.execute(update(model).where(model.id == row.id).values(integrity=ctx.sealer.row_seal(message)))
            records.append((table, name, state_digest(message)))
    _record_upgrade(ctx, conn, "branches", records, "not_resealed", refused)
    return len(records), refused


# Clients re-sealed with their identity a page at a time: one `record-sealed` entry each.
IDENTITY_PAGE = 1000


def reseal_identity(ctx: SealingContext, sealer: RowSealer, conn: Any) -> tuple[int, list[str]]:
    """Once, after the migration that put the client's name and ID number under its seal
    (0016): a client row whose seal (made without them) still matches it, and whose state is
    the last one the trail records, in an entry the trail vouches for, is sealed again with
    them, a page per `record-sealed` entry (seal_page). A row that fails either test is left
    as it is (never sealed over): `check` blocks it and `audit verify` names it. When the
    trail does not verify, no row is re-sealed (what it records cannot be believed), and
    every client blocks until compliance has investigated. Returns (rows re-sealed, the
    accounts left alone).

    What the old seal never covered cannot be judged here: a name or ID number changed in
    SQL before this upgrade is sealed as it stands."""
    vouched = vouched_entries(ctx.sealer, conn)
    states = recorded_states(conn, vouched) if vouched is not None else {}
    left = left_by_upgrade(conn, vouched, "identity") if vouched is not None else set()
    table: Any = Investor.__table__
    columns = [table.c[c] for c in INVESTOR_COLUMNS]
    refused: list[str] = []
    done = last = 0
    while True:
        page = conn.execute(
            select(table.c.id, table.c.integrity, *columns)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(IDENTITY_PAGE)
        ).all()
        if not page:
            break
        last = page[-1].id
        resealed: list[Any] = []
        for row in page:
            try:
                message = investor_message(row._mapping)
                legacy = branch_era_investor_message(row._mapping)
            except UnreadableRecordError:
                refused.append(str(row.account))
                continue
            if sealer.ok(conn, message, row.integrity):
                continue  # sealed with its identity already (written after the upgrade)
            account = str(row.account)
            if (
                account in left
                or not sealer.ok(conn, legacy, row.integrity)
                or states.get(("investor", account)) != state_digest(legacy)
            ):
                refused.append(account)
                log.warning("client %s: its seal or recorded state does not match; not re-sealed", account)
                continue
            resealed.append(row)
        done += sealer.seal_rows(conn, [resealed], upgrade="identity")
    _record_upgrade(ctx, conn, "identity", [], "not_resealed", refused)
    return done, refused


# Which entries of the trail an upgrade that seals rows by what the trail records may believe
# (vouched_entries): (seq, chain) -> believed.
Vouched = Callable[[int, "str | None"], bool]


def vouched_entries(sealer: Sealer, conn: Any) -> Vouched | None:
    """For the one-time upgrades that seal rows by what the trail records (or by its holding
    no record at all): the entries they may believe, or None when the trail does not verify.

    The desk reads the trail without verifying it, and the open compares only the stored
    hash of the head: an entry edited in SQL, or appended with its SHA-256 and link
    recomputed, reads like one suitcheck wrote. So the trail is verified first, as `audit
    verify` checks it (numbering, links, hashes, seals, and the MACs of this desk's open
    epoch with its key), and of its entries only those written before sealing existed, or by
    this installation or one this desk trusts, whose MAC was checked (an entry awaiting
    another installation's seal may be anyone's) are believed."""
    verifier = verifier_for_store(conn, local_keys=sealer.local_keys())
    result = verifier.finish()
    problem = result.problem if not result.ok else entries_not_in_order(conn, result.count)
    if problem is not None:
        log.warning("the audit trail does not verify (%s); nothing is sealed by what it records", problem)
        return None
    last = result.head_seq or 0
    awaiting = {seq for chain, state in verifier.state().items() if chain != sealer.chain for seq, *_ in state.pending}
    believed = sealer.trusted_chains() | {sealer.chain}

    def vouched(seq: int, chain: str | None) -> bool:
        return 0 < seq <= last and seq not in awaiting and (chain is None or chain in believed)

    return vouched


def upgrade_recorded(conn: Any, upgrade: str) -> bool:
    """Whether the trail holds an entry of this one-time upgrade's run, any installation's,
    verified or not: a planted one only keeps the upgrade from sealing (rows stay blocked)."""
    return upgrade_entry(conn, upgrade) is not None


def upgrade_entry(conn: Any, upgrade: str, seq: int | None = None) -> int | None:
    """The number of an entry of this one-time upgrade's run (upgrade_recorded), or None;
    `seq`: only whether that entry is one."""
    stmt = select(AuditEntry.seq, AuditEntry.facts).where(
        AuditEntry.action == RECORD_SEALED, AuditEntry.facts.contains(f'"upgrade":{canonical_json(upgrade)}')
    )
    if seq is not None:
        stmt = stmt.where(AuditEntry.seq == seq)
    for found, facts in conn.execute(stmt):
        try:
            data = json.loads(facts)
        except (ValueError, TypeError):
            continue
        if isinstance(data, dict) and data.get("upgrade") == upgrade and isinstance(found, int):
            return found
    return None


def left_by_upgrade(conn: Any, vouched: Vouched, upgrade: str) -> set[str]:
    """The rows an earlier run of this one-time upgrade left alone (`not_resealed` in its
    entry, one `vouched` believes). Such a row keeps as its last recorded state the one from
    before the upgrade, which its old seal matches again once the change made in SQL is
    undone; with the marker inserted again, a later run would seal it over with what the
    old seal never covered (a client's new name and ID number, a report's findings settled
    in SQL). Left once, left for good: compliance decides."""
    left: set[str] = set()
    stmt = select(AuditEntry.seq, AuditEntry.chain, AuditEntry.facts).where(
        AuditEntry.action == RECORD_SEALED, AuditEntry.facts.contains('"not_resealed"')
    )
    for seq, chain, facts in conn.execute(stmt):
        if not vouched(seq, chain):
            continue
        try:
            data = json.loads(facts)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("upgrade") == upgrade and isinstance(data.get("not_resealed"), list):
            left.update(str(key) for key in data["not_resealed"])
    return left


def recorded_states(conn: Any, vouched: Vouched | None = None) -> dict[tuple[str, str], str]:
    """The last state the trail records for every sealed row (`vouched`: of the entries it
    believes only, for an upgrade that seals by them)."""
    states: dict[tuple[str, str], str] = {}
    stmt = (
        select(AuditEntry.seq, AuditEntry.chain, AuditEntry.facts)
        .where(AuditEntry.action == RECORD_SEALED)
        .order_by(AuditEntry.seq)
    )
    for seq, chain, facts in conn.execute(stmt):
        if vouched is not None and not vouched(seq, chain):
            continue
        try:
            for row in json.loads(facts).get("rows", []):
                states[(str(row["table"]), str(row["key"]))] = str(row["state"])
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return states


def _sealed_message(sealer: RowSealer, conn: Any, make: Any, row: Any) -> str | None:
    """The row's seal message when its seal holds; None when it does not, or when the
    message cannot be built (a value suitcheck never writes: no seal holds for it)."""
    try:
        message: str = make(row._mapping)
    except UnreadableRecordError:
        return None
    return message if sealer.ok(conn, message, row.integrity) else None


def _untrusted(sealer: RowSealer, conn: Any, make: Any, row: Any) -> str | None:
    """The installation not trusted here that sealed this row (RowSealer.untrusted_sealer),
    for verify's sentence about a row whose seal fails; None when its message cannot be built."""
    try:
        message: str = make(row._mapping if hasattr(row, "_mapping") else row)
    except (UnreadableRecordError, TypeError, ValueError):
        return None
    return sealer.untrusted_sealer(conn, message, row.integrity)


# What a branch-scoped verifier is told of a row outside what they see (check_state).
_HIDDEN_ROW_SENTENCES = {
    ("client", "seal"): (
        "a client record of another branch was changed outside suitcheck (its seal does not match); "
        "head-office compliance can see which"
    ),
    ("client", "state"): (
        "a client record of another branch differs from the last state the trail recorded for it; "
        "head-office compliance can see which"
    ),
    ("staff", "seal"): (
        "a staff account you do not manage was changed outside suitcheck (its seal does not match); "
        "a head-office administrator can see which"
    ),
    ("staff", "state"): (
        "a staff account you do not manage differs from the last state the trail recorded for it; "
        "a head-office administrator can see which"
    ),
    ("client", "missing"): (
        "a client recorded in the trail is missing from the store; head-office compliance can see which"
    ),
    ("staff", "missing"): (
        "a staff account recorded in the trail is missing from the store; a head-office administrator can see which"
    ),
}


def _anyone(*_row: Any) -> bool:
    return True


def check_state(
    ctx: SealingContext,
    sealer: RowSealer,
    conn: Any,
    *,
    names_client: Callable[[Any], bool] = _anyone,
    names_staff: Callable[[Any, Any], bool] = _anyone,
) -> tuple[int, str | None]:
    """Compare every client, staff, report and policy row with its seal and with the last
    state the trail records for it, and every client's assessment history with the
    entries that recorded it (services.assessment_history): (rows checked, the first
    problem as a sentence).
    The sentence names a client only when `names_client(branch_id)` allows it, and a staff
    account only when `names_staff(branch_id, firm_wide)` does (services.scope: a
    branch-scoped verifier learns that another branch's row failed, never which one)."""
    states = recorded_states(conn)
    seen: set[tuple[str, str]] = set()
    checked, problem = _check_clients(sealer, conn, states, names_client, seen)
    if problem is None:
        checked, problem = _check_staff(sealer, conn, states, checked, names_staff, seen)
    if problem is None:
        checked, problem = _check_reports_and_policies(sealer, conn, states, checked, seen)
    if problem is None:
        checked, problem = _check_branches(sealer, conn, states, checked, seen)
    if problem is None:
        # A row that is gone has no branch to judge by: named only to those who see every
        # branch (the rule for a row of no branch), else said without its name.
        problem = _missing_row(states, seen, {"investor": names_client(None), "staff": names_staff(None, None)})
    if problem is None:
        history = HistoryCheck(conn)
        problem = history.first_problem(names_client)
        checked += history.rows
    return checked, problem


def _check_clients(
    sealer: RowSealer,
    conn: Any,
    states: Mapping[tuple[str, str], str],
    names: Callable[[Any], bool],
    seen: set[tuple[str, str]],
) -> tuple[int, str | None]:
    checked = 0
    # Dates as the store holds them (not through the date reader, which refuses a number
    # or bytes): ISO text gives the same message as the date, anything else another one.
    columns = [
        type_coerce(getattr(Investor, c), String).label(c) if c in _DATES else getattr(Investor, c)
        for c in INVESTOR_COLUMNS
    ]
    for row in conn.execute(select(Investor.id, Investor.integrity, *columns)):
        checked += 1
        seen.add(("investor", str(row.account)))
        message = _sealed_message(sealer, conn, investor_message, row)
        if message is None:
            if not names(row.branch_id):
                return checked, _HIDDEN_ROW_SENTENCES["client", "seal"]
            name = row.account if isinstance(row.account, str) else f"#{row.id}"
            by = _untrusted(sealer, conn, investor_message, row)
            if by is not None:
                return checked, (
                    f"client {name}'s record is sealed by installation {by}, which this desk does not trust "
                    f"(`suitcheck audit key trust {by}` once compliance has filed its key)"
                )
            problem = f"client {name}'s record was changed outside suitcheck (its seal does not match)"
            return checked, problem
        if states.get(("investor", row.account)) != state_digest(message):
            if not names(row.branch_id):
                return checked, _HIDDEN_ROW_SENTENCES["client", "state"]
            problem = f"client {row.account}'s record differs from the last state the trail recorded for it"
            return checked, problem
    return checked, None


def _check_staff(
    sealer: RowSealer,
    conn: Any,
    states: Mapping[tuple[str, str], str],
    checked: int,
    names: Callable[[Any, Any], bool],
    seen: set[tuple[str, str]],
) -> tuple[int, str | None]:
    for row in conn.execute(select(Staff.id, Staff.integrity, *(getattr(Staff, c) for c in STAFF_COLUMNS))):
        checked += 1
        seen.add(("staff", str(row.username)))
        message = _sealed_message(sealer, conn, staff_message, row)
        if message is None:
            if not names(row.branch_id, row.firm_wide):
                return checked, _HIDDEN_ROW_SENTENCES["staff", "seal"]
            name = row.username if isinstance(row.username, str) else f"#{row.id}"
            by = _untrusted(sealer, conn, staff_message, row)
            if by is not None:
                return checked, (
                    f"staff account {name} is sealed by installation {by}, which this desk does not trust "
                    f"(`suitcheck audit key trust {by}` once compliance has filed its key)"
                )
            problem = f"staff account {name} was changed outside suitcheck (its seal does not match)"
            return checked, problem
        if states.get(("staff", row.username)) != state_digest(message):
            if not names(row.branch_id, row.firm_wide):
                return checked, _HIDDEN_ROW_SENTENCES["staff", "state"]
            problem = f"staff account {row.username} differs from the last state the trail recorded for it"
            return checked, problem
    return checked, None


# Verify's sentence for a row the trail records that is gone, by its table.
_MISSING_SENTENCES = {
    "investor": "client {key}, recorded in the trail, is missing from the store",
    "staff": "staff account {key}, recorded in the trail, is missing from the store",
    "report": "report {key}, recorded in the trail, is missing from the store",
    "policy": "policy {key}, recorded in the trail, is missing from the store",
    "questionnaire": "questionnaire {key}, recorded in the trail, is missing from the store",
    "branch": "branch {key}, recorded in the trail, is missing from the store",
}


def _check_branches(
    sealer: RowSealer, conn: Any, states: Mapping[tuple[str, str], str], checked: int, seen: set[tuple[str, str]]
) -> tuple[int, str | None]:
    """Every branch row against its seal and its recorded state. Branch codes are no secret
    inside the firm (every clerk lists them): the sentence names the branch to anyone."""
    for row in conn.execute(_BRANCHES):
        checked += 1
        code = shown(row.code)
        if not sealer.branch_ok(conn, row):
            by = _untrusted(sealer, conn, branch_message, row)
            if by is not None:
                problem = (
                    f"branch {code}'s record is sealed by installation {by}, which this desk does not trust "
                    f"(`suitcheck audit key trust {by}` once compliance has filed its key)"
                )
            else:
                problem = f"branch {code}'s record was changed outside suitcheck (its seal does not match)"
            return checked, problem
        if states.get(("branch", code)) != state_digest(branch_message(row._mapping)):
            problem = f"branch {code}'s record differs from the last state the trail recorded for it"
            return checked, problem
        seen.add(("branch", code))
    return checked, None


def _check_reports_and_policies(
    sealer: RowSealer, conn: Any, states: Mapping[tuple[str, str], str], checked: int, seen: set[tuple[str, str]]
) -> tuple[int, str | None]:
    findings = all_findings(conn)
    for row in conn.execute(REPORT_ROWS):
        checked += 1
        own = findings.get(row.id, ())
        if not sealer.report_ok(conn, row, own):
            by = _untrusted(sealer, conn, lambda r, own=own: report_message(r, own), row)
            if by is not None:
                return checked, (
                    f"report {row.id}'s record is sealed by installation {by}, which this desk does not trust "
                    f"(`suitcheck audit key trust {by}` once compliance has filed its key)"
                )
            problem = f"report {row.id}'s record was changed outside suitcheck (its seal does not match)"
            return checked, problem
        if states.get(("report", str(row.id))) != state_digest(report_message(row, own)):
            problem = f"report {row.id}'s record differs from the last state the trail recorded for it"
            return checked, problem
        seen.add(("report", str(row.id)))
    for version, document, seal in conn.execute(_POLICIES):
        checked += 1
        sealed = sealer.policy_ok(conn, version, document, seal)
        if not sealed or states.get(("policy", str(version))) != state_digest(str(document)):
            problem = f"policy version {version} was added or changed outside suitcheck"
            return checked, problem
        seen.add(("policy", str(version)))
    for version, document, checksum, seal in conn.execute(_QUESTIONNAIRES):
        checked += 1
        sealed = sealer.questionnaire_ok(conn, version, document, checksum, seal)
        if not sealed or states.get(("questionnaire", str(version))) != state_digest(str(document)):
            problem = f"questionnaire version {version} was added or changed outside suitcheck"
            return checked, problem
        seen.add(("questionnaire", str(version)))
    return checked, None


def _missing_row(
    states: Mapping[tuple[str, str], str], seen: set[tuple[str, str]], named: Mapping[str, bool]
) -> str | None:
    """Nothing in suitcheck deletes a client, a staff account, a report, a policy or a
    questionnaire version or a branch, nor changes a client's account, a user name or a
    branch code: one the trail records must still be there (a newest version deleted would silently bring back an
    older one; a client deleted takes their record, kept for 20 years, with them).
    `named`: whether the verifier may be told which client or staff account is gone."""
    kept = ("investor", "staff", "report", "policy", "questionnaire", "branch")
    missing = sorted(k for k in states if k[0] in kept and k not in seen)
    if not missing:
        return None
    table, key = missing[0]
    if not named.get(table, True):
        return _HIDDEN_ROW_SENTENCES["client" if table == "investor" else "staff", "missing"]
    return _MISSING_SENTENCES[table].format(key=key)
