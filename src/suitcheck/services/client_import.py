"""Clients from the firm's own systems: import and re-sync a core-system export, and export
clients in the same columns. Validated with the rules of `investor add`, all or nothing
unless asked otherwise, audited per changed client, idempotent."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import itertools
import json
import logging
import operator
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy import exc as sa_exc

from suitcheck import xlsxrows
from suitcheck.audit.export import neutralise
from suitcheck.audit.sealing import BatchEntry, batch_entry
from suitcheck.domain.branches import normalize_code
from suitcheck.domain.clients import (
    ACCOUNT_MAX,
    FIELDS,
    HEADER_ALIASES,
    HEADER_HINT_ROWS,
    MINOR_REASON,
    PROBLEMS,
    ClientRecord,
    ColumnMap,
    MappingError,
    Problem,
    adult_born_by,
    cell_text,
    conflict_problems,
    format_row,
    header_hint,
    known_headers,
    lost_characters,
    map_columns,
    minor_problems,
    parse_mapping,
    parse_row,
)
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.identity import mask_id_number
from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Permission, may
from suitcheck.domain.text import escape_unshown, sheet_quoted
from suitcheck.ingest.clientfile import ClientTable, open_client_table
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.textfile import decode_text
from suitcheck.interrupts import HeldFrom
from suitcheck.privatefs import open_private
from suitcheck.regularfile import read_regular
from suitcheck.services.access import Listed, clients_changed
from suitcheck.services.branches import branch_codes, changed_branch, head_office_id, intact_branches
from suitcheck.services.context import Actor, ServiceContext, in_trail_order, newest_entry
from suitcheck.services.errors import InvalidInput, ServiceError, coded
from suitcheck.services.files import check_target, staged_file
from suitcheck.services.integrity import (
    INVESTOR_COLUMNS,
    investor_message_of,
    investor_message_sql,
    shown_text,
    unreadable,
)
from suitcheck.services.investors import (
    CLASS_CHANGE_REASON,
    due_on_class_change,
    intact_flags,
    lowest_lifted,
    mark_facts,
)
from suitcheck.services.scope import client_scope
from suitcheck.store.models import Assessment, Branch, Investor
from suitcheck.xlsxrows import SheetFull, cell_fits, within_sheet

log = logging.getLogger(__name__)
# json's own C string encoder: what canonical_json() writes for a str.
_json_string: Any = json.encoder.encode_basestring

BATCH = 5_000
TICK = 500  # progress and the cancel check, in clients written
SEAL_PAGE = 1_000  # client rows sealed per `record-sealed` trail entry
INSERT_SLICE = 50_000  # staged rows (by row number) per INSERT ... SELECT of new clients
# What `progress(phase, done)` reports, in order, and what `done` counts in each phase.
PHASES = (
    ("read", "rows"),  # rows of the file read, parsed and checked
    ("seal", "new"),  # new clients sealed
    ("insert", "new"),  # new clients written
    ("new", "new"),  # their audit entries (or, in a dry run, the diff)
    ("changed", "changed"),  # changed clients written and audited
    ("reseal", "changed"),  # changed clients sealed
)


def progress_span(counts: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each phase's (offset, length) on one bar from 0 to the sum of all lengths, given
    the counts a dry run found (ImportResult.counts()): for a progress bar that moves in
    every phase of a write."""
    spans, offset = {}, 0
    for phase, unit in PHASES:
        length = max(0, counts.get(unit, 0))
        spans[phase] = (offset, length)
        offset += length
    return spans


IMPORT_CACHE_KIB = {"main": 131_072, "temp": 65_536}  # SQLite page caches while importing
EXIT_OK, EXIT_INVALID, EXIT_PARTIAL = 0, 2, 3
# The headers an export writes: the first Chinese alias of each field (all aliases read back).
EXPORT_HEADERS = tuple(next(a for a in HEADER_ALIASES[f] if not a.isascii()) for f in FIELDS)

# Rows of the file, staged in a temporary table of the import's own transaction so that
# duplicates, conflicts with the store and the diff are set operations in SQL and memory
# stays flat whatever the file's size.
_META = MetaData()
STAGE = Table(
    "client_import_stage",
    _META,
    Column("row_no", Integer, primary_key=True, autoincrement=False),
    Column("status", String(8)),  # bad | new | changed | same
    Column("account", String(64)),
    Column("name", String(256)),
    Column("id_number", String(18)),
    Column("birth_date", Date),
    Column("investor_class", String(32)),
    Column("profile", Integer),
    Column("assessed_on", Date),
    Column("lowest_category", Boolean),
    Column("special_attention", Boolean),
    Column("branch_id", Integer),  # as the file names it (resolved); None: not stated
    prefixes=["TEMPORARY"],
)
# Made once every row is staged: one sort each instead of a B-tree insert per row.
STAGE_INDEXES = (
    f"CREATE INDEX ix_client_import_stage_account ON {STAGE.name} (account)",
    f"CREATE INDEX ix_client_import_stage_id_number ON {STAGE.name} (id_number)",
)
# The seals of the new clients, made from their staged values before they are written, so
# that the rows go in sealed (one INSERT ... SELECT) and are never updated afterwards.
SEALS = Table(
    "client_import_seal",
    _META,
    Column("row_no", Integer, primary_key=True, autoincrement=False),
    Column("integrity", String(256)),
    prefixes=["TEMPORARY"],
)


# The fields a file may leave out whose value every client has (a new client: this default).
UNSTATED_DEFAULTS: dict[str, object] = {
    "class": InvestorClass.ORDINARY.value,
    "lowest_category": False,
    "special_attention": False,
}
_STAGE_COLUMN = {
    "class": "investor_class",
    "lowest_category": "lowest_category",
    "special_attention": "special_attention",
}


class ImportCancelled(ServiceError):
    exit_code = 1


class _Rollback(Exception):
    """Leave the import's transaction without committing (dry run, or invalid rows)."""


@dataclasses.dataclass(frozen=True)
class RowIssue:
    row: int
    column: str  # the header as the file spells it
    field: str
    code: str
    value: str  # masked where it is an ID number

    @property
    def reason(self) -> str:
        return PROBLEMS[self.code]

    def to_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "value": self.value,
            "reason": self.reason,
        }


@dataclasses.dataclass(frozen=True)
class DiffItem:
    """One client the file adds or changes: `changes` maps field -> (old, new)."""

    kind: str  # "new" | "changed"
    row: int
    account: str
    name: str
    changes: dict[str, tuple[object, object]]

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "row": self.row,
            "account": self.account,
            "name": self.name,
            "changes": {k: {"old": _plain(o), "new": _plain(n)} for k, (o, n) in self.changes.items()},
        }


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclasses.dataclass
class ImportResult:
    file: str
    sha256: str
    kind: str
    encoding: str | None
    sheet: str | None
    dry_run: bool
    partial: bool
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    invalid: int = 0
    stale: int = 0  # rows whose assessment is older than the one on record (kept, not recorded)
    missing: int = 0  # clients in the store the file does not mention (left untouched)
    written: bool = False
    issues: list[RowIssue] = dataclasses.field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    report: str | None = None
    audit_seq: int | None = None

    @property
    def exit_code(self) -> int:
        if not self.invalid:
            return EXIT_OK
        return EXIT_PARTIAL if self.partial else EXIT_INVALID

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "stale": self.stale,
            "missing": self.missing,
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "kind": self.kind,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "written": self.written,
            **self.counts(),
            "ignored_columns": list(self.ignored_columns),
            "issues": [i.to_dict() for i in self.issues],
            "report": self.report,
            "audit_seq": self.audit_seq,
        }


@dataclasses.dataclass(frozen=True)
class Preview:
    """What the file looks like before anything is decided: for the import wizard."""

    kind: str
    encoding: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    headers: list[str]
    columns: ColumnMap
    rows: list[tuple[int, list[str]]]
    # Why no account or name column was found, when the file shows it (header_hint).
    hint: tuple[str, int | None] | None = None


Progress = Callable[[str, int], None]


# A mapping names a few columns: a few hundred bytes.
MAPPING_MAX_BYTES = 1 << 20


def load_mapping(path: Path | None) -> dict[str, str] | None:
    """The column mapping (TOML) in the file, as Notepad saves it: UTF-8 with or without a
    BOM, GBK ("ANSI" on a Chinese Windows) or UTF-16 ("Unicode"). A named pipe or a device
    is refused unread (a pipe with no writer was waited on for ever), as is a file over
    MAPPING_MAX_BYTES."""
    if path is None:
        return None
    try:
        data = read_regular(path, MAPPING_MAX_BYTES)
        if data is None:
            raise InvalidInput(f"The mapping file {path.name} is larger than 1 MB; a mapping names a few columns.")
        text, _ = decode_text(data)
        return parse_mapping(text)
    except OSError as exc:
        raise InvalidInput(f"The mapping file {path.name} cannot be read: {exc.strerror}.") from exc
    except IngestError as exc:
        raise InvalidInput(f"The mapping file {path.name} is not text (UTF-8, GBK or UTF-16).") from exc
    except MappingError as exc:
        raise InvalidInput(str(exc)) from exc


def _open(path: Path, sheet: str | None) -> ClientTable:
    try:
        return open_client_table(path, sheet)
    except IngestError as exc:
        raise InvalidInput(str(exc)) from exc


# ServiceError.code of the refusal of a file saved over since its dry run: a desk offers
# to check it again.
CHANGED_SINCE_CHECKED = "client-file-changed-since-checked"
# ... of a file with no column for a required field (params: fields): a desk names them in
# its own words, the command line's --mapping being no option there.
COLUMNS_MISSING = "client-file-columns-missing"
# ServiceError.code of a file with a column that may hold a safety fact under a name the
# import does not know (params: columns, fields, in file order): a desk asks what it holds.
COLUMNS_UNREAD = "client-file-columns-unread"
# The safety facts (domain.clients.SAFETY_CUES) as a refusal names them.
SAFETY_FACTS = {
    "lowest_category": "the lowest risk-tolerance category",
    "class": "the investor class (professional or ordinary)",
    "special_attention": "the special-attention mark",
    "id_number": "the ID number (its birth date: a client under 18, the special-attention age)",
}


def _usable_columns(table: ClientTable, mapping: dict[str, str] | None, expect_sha256: str | None) -> ColumnMap:
    """The file's columns, once it is the file the dry run read (expect_sha256) and every
    field has one column at most and the required ones have one."""
    path = table.path
    if expect_sha256 is not None and table.sha256 != expect_sha256:
        raise coded(
            InvalidInput(
                f"The file {path.name} changed since it was checked; nothing was imported. "
                "Check it again before importing it."
            ),
            CHANGED_SINCE_CHECKED,
            path_name=path.name,
        )
    columns = map_columns(table.headers, mapping)
    if columns.missing:
        hint = _header_hint(table, mapping)
        raise coded(
            InvalidInput(
                f"The file has no column for: {', '.join(columns.missing)}"
                + (
                    f"; {HINT_SENTENCES[hint[0]].format(row=hint[1])}."
                    if hint
                    else " (give the header names with --mapping)."
                )
            ),
            COLUMNS_MISSING,
            fields=columns.missing,
        )
    if columns.ambiguous:
        raise InvalidInput(f"More than one column maps to: {', '.join(columns.ambiguous)}.")
    if columns.unread:
        header, field = columns.unread[0]
        fact = SAFETY_FACTS[field]
        known = ", ".join(known_headers(field))
        raise coded(
            InvalidInput(
                f"The column {header!r} may hold {fact}, but the import does not know that name and would "
                f"leave it unread; nothing was imported. The names it knows for {fact}: {known}. Name the "
                f'column in a mapping file (--mapping: "{header}" = "{field}"), or, if it holds something '
                f'else, "{header}" = "ignore".'
            ),
            COLUMNS_UNREAD,
            columns=[h for h, _ in columns.unread],
            fields=[f for _, f in columns.unread],
        )
    return columns


# The hint header_hint gives, as the sentence of a refusal says it.
HINT_SENTENCES = {
    "semicolons": "the file seems to be separated by semicolons: save it as comma- or tab-separated CSV",
    "header-below": "the header is not on the first row (row {row} holds the column names): remove the rows above it",
}


def _header_hint(table: ClientTable, mapping: dict[str, str] | None) -> tuple[str, int | None] | None:
    """header_hint for a file being refused: a file damaged within its first rows has none."""
    try:
        return header_hint(
            table.headers, itertools.islice(_read(table), HEADER_HINT_ROWS), mapping, csv=table.kind == "csv"
        )
    except InvalidInput:
        return None


def _read(table: ClientTable) -> Iterator[tuple[int, list[Any]]]:
    """The file's data rows; damage found only when its row is read (a CSV cell over the
    csv module's limit, a workbook cut short, a file changed while read) is the reader's
    sentence, as damage found at the header is."""
    try:
        yield from table.rows()
    except IngestError as exc:
        raise InvalidInput(str(exc)) from exc


# What an invalid row's issue shows of its value: a cell of megabytes (a broken export) is
# not printed, held and shown whole; the file holds it.
ISSUE_VALUE_CHARS = 200


def _issue_value(field: str, raw: object) -> str:
    text = cell_text(raw)
    if field == "id_number":
        text = mask_id_number(text) or ""
    return text if len(text) <= ISSUE_VALUE_CHARS else text[:ISSUE_VALUE_CHARS] + "…"


class ClientImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- preview ------------------------------------------------------------------------

    def preview(
        self,
        actor: Actor,
        path: Path,
        *,
        sheet: str | None = None,
        mapping: dict[str, str] | None = None,
        rows: int = 20,
    ) -> Preview:
        """The detected encoding or sheet, the header mapping and the first rows (ID numbers masked)."""
        self._ctx.require(actor, Permission.EDIT_CLIENTS)
        with _open(path, sheet) as table:
            columns = map_columns(table.headers, mapping)
            id_col = columns.columns.get("id_number")
            first = []
            for number, cells in _read(table):
                shown = [cell_text(c) for c in cells]
                if id_col is not None and id_col < len(shown):
                    shown[id_col] = mask_id_number(shown[id_col]) or ""
                first.append((number, shown))
                if len(first) >= rows:
                    break
            hint = header_hint(table.headers, first, mapping, csv=table.kind == "csv") if columns.missing else None
            return Preview(table.kind, table.encoding, table.sheet, table.sheets, table.headers, columns, first, hint)

    # -- import -------------------------------------------------------------------------

    def import_clients(
        self,
        actor: Actor,
        path: Path,
        *,
        sheet: str | None = None,
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        partial: bool = False,
        report: Path | None = None,
        on_item: Callable[[DiffItem], None] | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        expect_sha256: str | None = None,
    ) -> ImportResult:
        """Import or re-sync clients from a .csv/.xlsx export. See the module docstring.

        `on_item` receives every new and changed client as it is found (the dry-run diff);
        `progress(phase, done)` reports work done (phases in PHASES order); `cancelled()`
        true rolls everything back. A row's branch column names the client's branch (code
        or name); a new client without one joins the importer's branch. Staff of one branch
        import only into it: a row naming another branch, or an account of another branch,
        is an invalid row. An existing client's branch changes only by `investor move`.

        `expect_sha256`: the file's SHA-256 as the dry run the user saw read it (its
        ImportResult.sha256); a file saved over since is refused, nothing imported."""
        actor = self._ctx.require(actor, Permission.EDIT_CLIENTS)
        if report is not None and report.suffix.lower() != ".xlsx":
            raise InvalidInput("The report is an .xlsx file (for example --report import-report.xlsx).")
        if report is not None:
            check_target(report, sources=(path,))
        today, now = self._ctx.today(), self._ctx.now()
        with _open(path, sheet) as table:
            columns = _usable_columns(table, mapping, expect_sha256)
            result = ImportResult(
                path.name,
                table.sha256,
                table.kind,
                table.encoding,
                table.sheet,
                dry_run,
                partial,
                ignored_columns=columns.ignored,
            )
            try:
                with self._ctx.core_transaction() as conn:
                    # The importer as the store has them where the import commits: disabled, or
                    # moved to another branch, while the file was read, nothing is written.
                    actor = self._ctx.require_in(conn, actor, Permission.EDIT_CLIENTS)
                    full_id = may(actor.role, Permission.SEE_FULL_ID)
                    run = _Run(
                        self._ctx, actor, table, columns, result, today, now, full_id, on_item, progress, cancelled
                    )
                    run.execute(conn, write=not dry_run, report=report)
                    if dry_run or (result.invalid and not partial):
                        raise _Rollback
                result.written = True
            except _Rollback:
                result.written = False
            except BaseException:
                # The report took its place inside the transaction (so that a report that
                # cannot be written imports nothing); an import that then failed to commit
                # must not leave a report saying what it wrote.
                if result.report is not None:
                    with contextlib.suppress(OSError):  # never hides why the import failed
                        Path(result.report).unlink(missing_ok=True)
                    result.report = None
                raise
            run.record_named()
        if result.written:
            log.info(
                "client import by %s from %s: %s",
                actor.username,
                path.name,
                ", ".join(f"{k} {v}" for k, v in result.counts().items()),
            )
        return result

    # -- export -------------------------------------------------------------------------

    def export_clients(self, actor: Actor, out: Path, *, progress: Progress | None = None) -> ClientsExported:
        """Every client in the import's columns (.csv or .xlsx); ID numbers masked unless the
        role may see them. Re-importing the file changes nothing. Audited, with how many of
        its rows are records changed outside suitcheck.

        A client whose row fails its seal (changed outside suitcheck) is exported as the row
        now stands and marked in a last column (CHANGED_HEADER, which the import ignores):
        a compliance officer exporting the book needs every client in it, and needs to see
        which rows nobody may trust; leaving them out would read as "no such client", and
        refusing the whole file would stop every export over one row. Importing the file
        again re-seals nothing: the row is unchanged by it (see the import: a row that
        fails its seal is never written, so never sealed over)."""
        actor = self._ctx.require(actor, Permission.VIEW_CLIENTS)
        suffix = out.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise InvalidInput("Export clients to a .csv or .xlsx file.")
        full = may(actor.role, Permission.SEE_FULL_ID)
        count = 0
        changed = [0]
        held = Listed()
        try:
            # The file takes its place when the block ends: after its audit entry commits,
            # so no client data leaves unrecorded (a failure keeps an earlier file).
            with HeldFrom() as interrupts, staged_file(out, recorded=True) as tmp:
                with self._ctx.transaction(read_only=True) as session:
                    conn = session.connection()
                    as_of = newest_entry(conn)  # first: it starts the snapshot on SQLite
                    stmt = (
                        select(*_EXPORT_COLUMNS, investor_message_sql(conn.dialect.name), Investor.integrity)
                        .outerjoin(Branch, Branch.id == Investor.branch_id)
                        .where(client_scope(actor))
                        .order_by(Investor.id)
                        .execution_options(yield_per=BATCH)
                    )
                    rows = self._marked_rows(conn, session.execute(stmt).partitions(), full, changed, held)
                    count = _write_rows(tmp, (*EXPORT_HEADERS, CHANGED_HEADER), rows, progress, suffix)
                facts = {"file": out.name, "count": count, "full_id_numbers": full, "changed_outside": changed[0]}
                interrupts.hold()  # Ctrl+C waits from the record to the rename: both, or neither
                self._record_export(actor, full, held, as_of, facts)
        except OSError as exc:
            raise ServiceError(f"Cannot write {out}: {exc.strerror}.") from exc
        if changed[0]:
            log.warning("client export by %s: %s rows changed outside suitcheck, marked", actor.username, changed[0])
        return ClientsExported(count, changed[0])

    def _record_export(self, actor: Actor, full: bool, held: Listed, as_of: int, facts: dict[str, object]) -> None:
        """The export's audit entry, in the trail's order, saying which state the file holds
        (`as_of`: the newest entry its snapshot held; a client changed since is in the file as
        it stood then, as in an export finished a moment earlier). Refused, nothing recorded
        and no file placed, when the file would hand out what its maker may no longer have:
        their account disabled, locked or changed since the permission was checked (the
        refusal recorded, as `require` records one), or a client it holds moved out of their
        branch meanwhile."""
        # The clients changed meanwhile are looked at first without the lock; under it, only
        # what was recorded since.
        with self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            seen = max(newest_entry(conn), as_of)
            moved = clients_changed(conn, held, as_of, seen, client_scope(actor))
        if not moved:
            moved = self._record_export_once(actor, full, held, seen, {**facts, "as_of": as_of})
            if not moved:
                return
        raise ServiceError(
            f"What the client export was made from changed while it was being written (audit entry {moved}: "
            "a client moved to another branch, or your account); nothing was recorded and no file was "
            "written. Export again."
        )

    def _record_export_once(self, actor: Actor, full: bool, held: Listed, seen: int, facts: dict[str, object]) -> int:
        """Record the export under the trail's lock unless it moved (the entry it moved at, or
        0 once recorded); refused (rolled back, the refusal recorded: require_in) when its
        maker may no longer have the file."""
        with self._ctx.transaction() as session:
            conn = session.connection()
            # The staff row first, then the trail (require_in: the order that never deadlocks).
            current = self._ctx.require_in(session, actor, Permission.VIEW_CLIENTS)
            if full:
                self._ctx.require_in(session, actor, Permission.SEE_FULL_ID)
            in_trail_order(self._ctx, conn)
            newest = newest_entry(conn)
            if (current.branch_id, current.firm_wide) != (actor.branch_id, actor.firm_wide):
                return newest  # moved to another branch: the file's clients are no longer theirs
            moved = clients_changed(conn, held, seen, newest, client_scope(actor))
            if not moved:
                self._ctx.audit(session, actor, AuditAction.CLIENT_EXPORT, facts=facts)
            return moved

    def _marked_rows(
        self, conn: Connection, chunks: Iterator[Sequence[Any]], full: bool, changed: list[int], held: Listed
    ) -> Iterator[list[str]]:
        """Each exported row in the import's columns and the mark: CHANGED_MARK where the row
        fails its seal by the rule `check` applies (investors.intact_flags), else empty. The
        clients written are noted in `held` (by id, ascending)."""
        for chunk in chunks:
            held.note(chunk)  # each row leads with the client id
            intact = intact_flags(
                self._ctx, conn, [r.id for r in chunk], [r[-2] for r in chunk], [r[-1] for r in chunk]
            )
            for row, ok in zip(chunk, intact, strict=True):
                if not ok:
                    changed[0] += 1
                yield [*format_row(_record(row, full)), "" if ok else CHANGED_MARK]


@dataclasses.dataclass(frozen=True)
class ClientsExported:
    count: int  # clients written
    changed_outside: int  # of them, rows that fail their seal (marked in CHANGED_HEADER)


# The export's last column: the import reads no field from it (an ignored column), so a
# re-imported export is still the same clients, and the mark cannot be imported away.
CHANGED_HEADER = "记录被外部修改 changed outside suitcheck"
CHANGED_MARK = "是 yes: every check about this client blocks; run audit verify"


_EXPORT_COLUMNS = (
    Investor.id,  # names a row that cannot be exported
    Investor.account,
    Investor.name,
    Investor.id_number,
    Investor.investor_class,
    Investor.current_profile,
    Investor.current_assessed_on,
    Investor.lowest_category,
    Investor.special_attention,
    Branch.code.label("branch"),
)


def _record(row: Any, full: bool) -> ClientRecord:
    try:
        if not isinstance(row.account, str):
            raise TypeError(row.account)
        investor_class = InvestorClass(row.investor_class)
        profile = RiskProfile(row.current_profile) if row.current_profile else None
    except (TypeError, ValueError) as exc:  # a value suitcheck never writes: one sentence, no export
        raise unreadable("investor", row) from exc
    number = shown_text(row.id_number)
    return ClientRecord(
        row.account,
        shown_text(row.name),
        number if full else mask_id_number(number),
        None,
        investor_class,
        profile,
        row.current_assessed_on,
        bool(row.lowest_category),
        bool(row.special_attention),
        row.branch,
    )


def _write_rows(
    out: Path, headers: Sequence[str], rows: Iterator[Sequence[object]], progress: Progress | None, suffix: str
) -> int:
    count = 0
    if suffix == ".csv":
        with open_private(out, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([sheet_quoted(v) for v in row])
                count += 1
                if progress and count % BATCH == 0:
                    progress("export", count)
        return count
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("clients")
    sheet.append(list(headers))
    try:
        for row in within_sheet(rows, 1):
            cells = [sheet_quoted(v) for v in row]
            if not all(c.__class__ is not str or cell_fits(c) for c in cells):
                # openpyxl writes it and Excel cuts it when it opens the file (a row changed
                # outside suitcheck: a name or an ID number longer than suitcheck writes).
                account, limit = row[0], xlsxrows.CELL_UNITS
                raise ServiceError(
                    f"The client {account!r} holds a text longer than the {limit:,} characters an XLSX cell "
                    "holds; export the clients to a .csv file."
                )
            try:
                sheet.append(cells)
            except IllegalCharacterError as exc:
                # A control character (a name entered with one, or a row changed outside
                # suitcheck): XML cannot hold it, and an escape would not import back as it.
                account = row[0]
                raise ServiceError(
                    f"The client {account!r} holds a control character an XLSX file cannot hold; "
                    "export the clients to a .csv file."
                ) from exc
            count += 1
            if progress and count % BATCH == 0:
                progress("export", count)
    except BaseException as exc:
        _close_sheets(workbook)
        if isinstance(exc, SheetFull):
            room = xlsxrows.SHEET_ROWS - 1
            raise InvalidInput(
                f"There are more clients than the {room:,} rows an XLSX sheet has room for below its "
                "heading; nothing was written. Export the clients to a .csv file."
            ) from None
        raise
    workbook.save(out)
    return count


def _close_sheets(workbook: Any) -> None:
    """End a write-only workbook's sheets that a failure left open. Each holds a generator
    over a temporary file: left to the garbage collector, they are finalised after their
    files are closed, and Python prints a traceback for each on stderr."""
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):  # already ended; or failing, and being thrown away
            sheet.close()


# -- the import itself -----------------------------------------------------------------


class _Run:
    """One import: stage, check, diff, write. Holds what the steps share."""

    def __init__(
        self,
        ctx: ServiceContext,
        actor: Actor,
        table: ClientTable,
        columns: ColumnMap,
        result: ImportResult,
        today: dt.date,
        now: dt.datetime,
        full_id: bool,
        on_item: Callable[[DiffItem], None] | None,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.ctx, self.actor, self.table, self.columns, self.result = ctx, actor, table, columns, result
        self.today, self.now, self.full_id = today, now, full_id
        self.on_item, self.progress, self.cancelled = on_item, progress, cancelled
        self.headers = {field: table.headers[i] for field, i in columns.columns.items()}
        self.bad_rows: set[int] = set()
        # Fields the file has no column for: it states nothing about them, so a client on
        # record keeps theirs and a new client gets the default (NULL in STAGE until classify).
        self.unstated = tuple(f for f in UNSTATED_DEFAULTS if f not in columns.columns)
        self.empty_cells: set[str] = set()  # fields of UNSTATED_DEFAULTS with an empty cell in some row
        self.scoped = not actor.firm_wide  # staff of one branch: import only into it
        self.default_branch = 0  # where new clients without a branch go: the importer's (load_branches)
        self.codes: dict[int, str] = {}  # branch id -> code
        self.code_ids: dict[str, int] = {}
        self.resolved: dict[str, int | str] = {}  # branch text -> id, or its problem code
        self.branch_names: dict[str, int | None] = {}  # branch name -> id (None: two share it)
        self.empty_store = False
        # (client id, cause) -> (first row, client's branch): another branch's clients the
        # file named to a branch-scoped importer (named_elsewhere).
        self.named: dict[tuple[int, str], tuple[int, int | None]] = {}

    def check_cancel(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled("The import was cancelled; nothing was changed.")

    def tick(self, phase: str, done: int) -> None:
        self.check_cancel()
        if self.progress is not None:
            self.progress(phase, done)

    def issue(self, row: int, field: str, code: str, raw: object) -> None:
        self.result.issues.append(RowIssue(row, self.headers.get(field, field), field, code, _issue_value(field, raw)))
        self.bad_rows.add(row)

    def execute(self, conn: Connection, *, write: bool, report: Path | None) -> None:
        if conn.dialect.name != "sqlite":
            self._execute(conn, write=write, report=report)
            return
        # A million rows touch far more index pages than SQLite's default 2 MB cache holds
        # (the store's and the staging table's alike); a larger one for this connection
        # while it imports, within the memory goal, then back to what it was.
        before = {db: int(conn.exec_driver_sql(f"PRAGMA {db}.cache_size").scalar_one()) for db in IMPORT_CACHE_KIB}
        try:
            for db, kib in IMPORT_CACHE_KIB.items():
                conn.exec_driver_sql(f"PRAGMA {db}.cache_size = -{kib}")
            self._execute(conn, write=write, report=report)
        finally:
            # Never hides why an import failed; a connection left with the larger cache is harmless.
            with contextlib.suppress(sa_exc.DBAPIError):
                for db, size in before.items():
                    conn.exec_driver_sql(f"PRAGMA {db}.cache_size = {size}")

    def _execute(self, conn: Connection, *, write: bool, report: Path | None) -> None:
        for table in (STAGE, SEALS):
            table.drop(conn, checkfirst=True)
            table.create(conn)
        self.load_branches(conn)
        # A first import into a store without clients: every valid row is new, and nothing
        # in the store can conflict with it or be missing from the file.
        self.empty_store = conn.execute(select(Investor.id).limit(1)).first() is None
        self.stage(conn)
        for ddl in STAGE_INDEXES:
            conn.exec_driver_sql(ddl)
        if write:
            self.hold_clients(conn)
        if not self.empty_store:
            self.check_against_store(conn)
        self.check_minors(conn)
        self.check_minors_on_record(conn)
        self.check_duplicates(conn)
        self.result.invalid = len(self.bad_rows)
        self.classify(conn)
        if not self.empty_store:
            self.result.missing = conn.execute(
                select(func.count()).select_from(Investor).where(_missing(), client_scope(self.actor))
            ).scalar_one()
        writes = write and (self.result.partial or not self.result.invalid)
        if writes or not write:
            # A client the file changes whose row fails its seal: the import is refused, so
            # the dry run says so rather than list the change.
            self.ctx.rows.check_accounts(conn, select(STAGE.c.account).where(STAGE.c.status == "changed"))
        if writes:
            stage = STAGE.c
            self.write_new(conn)
            self.audit_new(conn)
            self.write_changed(conn)
            # The changed rows were updated past the ORM: seal them (and record their state) now.
            changed = (
                select(stage.row_no, Investor.id, *(getattr(Investor, c) for c in INVESTOR_COLUMNS))
                .select_from(STAGE.join(Investor, Investor.account == stage.account))
                .where(stage.status == "changed")
            )
            self.ctx.rows.seal_rows(conn, self._ticking("reseal", self._pages(conn, changed, SEAL_PAGE)))
            appended = self.ctx.audit(
                conn,
                self.actor,
                AuditAction.CLIENT_IMPORT,
                facts={
                    "file": self.result.file,
                    "sha256": self.result.sha256,
                    "sheet": self.result.sheet,
                    "partial": self.result.partial,
                    **self.result.counts(),
                },
            )
            self.result.audit_seq = appended.seq
            self.check_cancel()  # the last moment Stop can still leave the store as it was
        else:
            self.diff_only(conn)
        self.result.issues.sort(key=lambda i: (i.row, FIELDS.index(i.field) if i.field in FIELDS else 99))
        if report is not None:
            if conn.dialect.name == "postgresql":
                # Writing the report sends nothing to the server for as long as the file
                # takes (up to an XLSX sheet's million rows: a minute on a slow desktop),
                # so the session's idle bound (store.engine.IDLE_IN_TRANSACTION_MS) would end
                # a sound import; this transaction alone goes without it.
                conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
            self.write_report(conn, report)
            self.result.report = str(report)
        SEALS.drop(conn)
        STAGE.drop(conn)

    def hold_clients(self, conn: Connection) -> None:
        """Before an import that writes compares its rows with the clients on record: no
        other desk changes a client until it commits. PostgreSQL (read committed) otherwise
        let a move, an edit or an assessment commit between that comparison and the
        import's writes, which then wrote over it from what it had read: a branch officer's
        import changed a client head office had just moved to another branch, or lifted the
        lowest-category flag compliance had just set, with no refusal and no record of the
        lift. EXCLUSIVE mode still lets every desk read clients (a check, a list) and makes
        their changes wait, as a SQLite import's write lock does. Taken after the file is
        read, so only the comparison and the writes hold it."""
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"LOCK TABLE {Investor.__tablename__} IN EXCLUSIVE MODE")
            if self.empty_store:  # a client added meanwhile is compared with, as any other
                self.empty_store = conn.execute(select(Investor.id).limit(1)).first() is None

    def load_branches(self, conn: Connection) -> None:
        """Every branch by code and by name (a firm has dozens), and the default branch."""
        self.codes = branch_codes(conn)
        # A branch row that fails its seal (a code or name swapped, a row inserted in SQL) is
        # named by its code or name only to refuse the rows naming it.
        self.intact = intact_branches(conn, self.ctx.rows)
        self.code_ids = {code: i for i, code in self.codes.items()}
        for row in conn.execute(select(Branch.id, Branch.name)):
            key = unicodedata.normalize("NFC", shown_text(row.name)).strip()
            self.branch_names[key] = None if key in self.branch_names else row.id
        self.default_branch = (
            self.actor.branch_id if self.actor.branch_id is not None else head_office_id(conn, self.ctx.rows)
        )
        if self.default_branch not in self.codes:
            # Its row deleted outside suitcheck (SQLite's shell enforces no foreign key): no
            # new client can be written there, nor named by its branch in the diff.
            raise ServiceError(
                "Your branch is not in the store (its record was removed outside suitcheck); nothing was "
                "imported. An administrator must investigate."
            )
        if not self.intact.get(self.default_branch, False):
            # The file's new clients go there, named in the diff and the trail by its code.
            raise changed_branch(self.codes[self.default_branch])

    def resolve_branch(self, number: int, text: str) -> int | None:
        """The branch a row names (its code, spelt as `branch add` takes it, or its name),
        or None with the row's problem recorded. A file names few branches: memoised."""
        known = self.resolved.get(text)
        if known is None:
            known = self.resolved[text] = self._lookup_branch(text)
        if isinstance(known, str):
            self.issue(number, "branch", known, text)
            return None
        return known

    def _lookup_branch(self, text: str) -> int | str:
        """A branch id, or the problem code."""
        found = self.code_ids.get(normalize_code(text))
        if found is None:
            if text not in self.branch_names:
                return "unknown-branch"
            found = self.branch_names[text]
            if found is None:
                return "ambiguous-branch"
        if not self.intact.get(found, False):
            return "changed-branch"
        if self.scoped and found != self.actor.branch_id:
            return "other-branch"
        return found

    # -- stage every row ---------------------------------------------------------------

    def stage(self, conn: Connection) -> None:
        cols = list(self.columns.columns.items())
        batch: list[tuple[object, ...]] = []
        sqlite = conn.dialect.name == "sqlite"
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        # The driver's own executemany with plain tuples: the hot loop of a million-row file
        # cannot afford per-row parameter processing. SQLite gets the values SQLAlchemy's
        # types would store (ISO dates, 0/1), so the rows read back through STAGE as usual.
        sql = f"INSERT INTO {STAGE.name} ({', '.join(c.name for c in STAGE.columns)}) VALUES ({', '.join([mark] * len(STAGE.columns))})"  # noqa: E501
        rows = 0
        fields = [field for field, _ in cols]
        indexes = [i for _, i in cols]
        width = max(indexes) + 1
        pick = operator.itemgetter(*indexes)  # two or more columns (account, name): a tuple
        on_record = None if self.empty_store else self._on_record(conn)
        blank = {STAGE.columns.keys().index(_STAGE_COLUMN[f]) for f in self.unstated}
        # A column the file has whose cell is empty states nothing of that client either.
        stated = [(f, STAGE.columns.keys().index(_STAGE_COLUMN[f])) for f in UNSTATED_DEFAULTS if f in fields]
        name_on_record = None if self.empty_store else self._name_on_record(conn)
        typed = self.table.kind == "xlsx"  # a workbook's text cell beginning with = is text
        for number, cells in _read(self.table):
            if len(batch) >= BATCH:
                conn.exec_driver_sql(sql, batch)
                batch = []
                self.tick("read", rows)
            rows += 1
            got = pick(cells) if len(cells) >= width else tuple(cells[i] if i < len(cells) else None for i in indexes)
            values = dict(zip(fields, got, strict=True))
            parsed = parse_row(values, self.today, on_record, name_on_record, typed_cells=typed)
            if isinstance(parsed, list):
                for problem in parsed:
                    self.issue(number, problem.field, problem.code, values.get(problem.field))
                batch.append(_bad_row(number, cell_text(values.get("account"))))
                continue
            branch = None
            if parsed.branch is not None:
                branch = self.resolve_branch(number, parsed.branch)
                if branch is None:
                    batch.append(_bad_row(number, parsed.account))
                    continue
            staged = _stage_row(number, parsed, branch, sqlite)
            empty = blank
            if stated and (here := {i for f, i in stated if _empty(values[f])}):
                empty = blank | here
                self.empty_cells.update(f for f, i in stated if i in here)
            if empty:
                staged = tuple(None if i in empty else v for i, v in enumerate(staged))
            batch.append(staged)
        if batch:
            conn.exec_driver_sql(sql, batch)
        self.result.rows = rows
        self.tick("read", rows)

    @staticmethod
    def _on_record(conn: Connection) -> Callable[[str], bool]:
        """Whether a client has this account (parse_row asks only of an account that does
        not show as itself: one a store from before that rule holds is still that client)."""
        stmt = select(Investor.id).where(Investor.account == bindparam("account")).limit(1)
        return lambda account: conn.execute(stmt, {"account": account}).first() is not None

    @staticmethod
    def _name_on_record(conn: Connection) -> Callable[[str, str], bool]:
        """Whether the client of this account has this very name (parse_row asks only of
        a name with a control character: one a store from before that rule holds)."""
        stmt = (
            select(Investor.id)
            .where(Investor.account == bindparam("account"), Investor.name == bindparam("name"))
            .limit(1)
        )
        return lambda account, name: conn.execute(stmt, {"account": account, "name": name}).first() is not None

    # -- duplicates and conflicts, in SQL ----------------------------------------------

    def check_duplicates(self, conn: Connection) -> None:
        """Duplicate accounts and ID numbers inside the file; then every bad row marked."""
        s = STAGE.c
        for field, code in (("account", "duplicate-account"), ("id_number", "duplicate-id")):
            column = s[field]
            dupes = select(column).where(column.is_not(None), column != "").group_by(column).having(func.count() > 1)
            for row_no, value in conn.execute(select(s.row_no, column).where(column.in_(dupes.scalar_subquery()))):
                self.issue(row_no, field, code, value)
        bad = sorted(self.bad_rows)
        for start in range(0, len(bad), BATCH):
            conn.execute(
                update(STAGE).where(s.row_no == bindparam("r")).values(status="bad"),
                [{"r": r} for r in bad[start : start + BATCH]],
            )

    def check_against_store(self, conn: Connection) -> None:
        """Rows that conflict with the clients on record."""
        s, i = STAGE.c, Investor.__table__.c
        valid = s.status.is_(None)  # not yet classified, and not bad
        joined = STAGE.join(Investor, Investor.account == s.account)
        hidden: set[int] = set()
        if self.scoped:
            # Another branch's client is never changed by this importer, nor compared; nor
            # is one of no branch (emptied in SQL), which no branch sees (services.scope).
            stmt = (
                select(s.row_no, s.account, i.id, i.branch_id)
                .select_from(joined)
                .where(valid, i.branch_id.is_distinct_from(self.actor.branch_id))
            )
            for row_no, value, investor_id, branch_id in conn.execute(stmt):
                self.issue(row_no, "account", "other-branch-client", value)
                self.named_elsewhere(row_no, investor_id, branch_id, "import-account")
                hidden.add(row_no)
        stmt = (
            select(s.row_no, s.branch_id)
            .select_from(joined)
            .where(valid, s.branch_id.is_not(None), i.branch_id != s.branch_id)
        )
        for row_no, value in conn.execute(stmt):
            if row_no not in hidden:
                self.issue(row_no, "branch", "branch-move", self.codes.get(value, value))
        # A record kept before numbers were normalised may hold the legacy 15-digit form
        # of a file's 18-character number (born 19xx: the 18-character form without the
        # century and the check character), and is the same person (id_number_forms).
        legacy = self._legacy_form(conn)
        checks = (
            (  # the ID number is another client's: reported, never merged
                select(s.row_no, s.id_number, i.id, i.branch_id)
                .select_from(STAGE.join(Investor, Investor.id_number == s.id_number))
                .where(valid, i.account != s.account),
                "id_number",
                "id-on-other-account",
            ),
            *(
                ()
                if legacy is None
                else [
                    (
                        select(s.row_no, s.id_number, i.id, i.branch_id)
                        .select_from(STAGE.join(Investor, Investor.id_number == legacy))
                        .where(valid, i.account != s.account),
                        "id_number",
                        "id-on-other-account",
                    )
                ]
            ),
            (
                select(s.row_no, s.id_number, i.id, i.branch_id)
                .select_from(joined)
                .where(
                    valid,
                    s.id_number.is_not(None),
                    i.id_number.is_not(None),
                    i.id_number != s.id_number,
                    true() if legacy is None else or_(legacy.is_(None), i.id_number != legacy),
                ),
                "id_number",
                "id-differs",
            ),
            (
                select(s.row_no, s.lowest_category, i.id, i.branch_id)
                .select_from(joined)
                .where(valid, i.lowest_category.is_(True), s.lowest_category.is_(False)),
                "lowest_category",
                "lowest-lift",
            ),
            (  # a row without an ID number: assessed before the birth date on record
                select(s.row_no, s.assessed_on, i.id, i.branch_id)
                .select_from(joined)
                .where(valid, s.id_number.is_(None), i.birth_date.is_not(None), s.assessed_on < i.birth_date),
                "assessed",
                "before-birth",
            ),
            (  # a row giving a client on record without one an ID number born after the
                # assessment on record that stays current: that assessment (or the number)
                # is someone else's, and went on deciding once the number was taken.
                select(s.row_no, s.id_number, i.id, i.branch_id)
                .select_from(joined)
                .where(
                    valid,
                    s.birth_date.is_not(None),
                    i.id_number.is_(None),
                    i.current_assessed_on < s.birth_date,
                    or_(s.profile.is_(None), s.assessed_on < i.current_assessed_on),
                ),
                "id_number",
                "born-after-assessment",
            ),
        )
        for stmt, field, code in checks:
            for row_no, value, investor_id, branch_id in conn.execute(stmt):
                if row_no in hidden and code != "id-on-other-account":
                    continue
                self.issue(row_no, field, code, "否" if code == "lowest-lift" else value)
                if code == "id-on-other-account":
                    self.named_elsewhere(row_no, investor_id, branch_id, "import-id-number")
        self.check_lowest_category(conn, hidden)
        self.check_lost_zeros(conn)
        self.check_lost_characters(conn, hidden)

    def check_lost_characters(self, conn: Connection, hidden: set[int]) -> None:
        """A name the file gives as the name on record with ? for some of its characters:
        what an export in GBK writes for a character GBK lacks (a rare one in a name), not
        a new name for the client."""
        s, i = STAGE.c, Investor.__table__.c
        stmt = (
            select(s.row_no, s.name, i.name)
            .select_from(STAGE.join(Investor, Investor.account == s.account))
            .where(s.status.is_(None), s.name.contains("?", autoescape=True), s.name != i.name)
        )
        for row_no, name, on_record in conn.execute(stmt):
            if lost_characters(name, on_record) and row_no not in hidden:
                self.issue(row_no, "name", "name-lost-characters", name)

    def check_lost_zeros(self, conn: Connection) -> None:
        """New accounts of digits that are a client's account on record without its leading
        zeros (001234 read by a spreadsheet as the number 1234, and saved so): that client,
        not a second one beside them. Looked up only at the lengths of the accounts on
        record that begin with a zero (a firm's accounts have one or two lengths)."""
        s, i = STAGE.c, Investor.__table__.c
        known = Investor.__table__.alias("known")
        lengths = conn.execute(select(func.length(i.account)).where(i.account.like("0%")).distinct()).scalars()
        zeros = "0" * ACCOUNT_MAX
        for length in sorted(lengths):
            padded = func.substr(zeros, 1, length - func.length(s.account)).concat(s.account)
            stmt = (
                select(s.row_no, s.account, i.id, i.branch_id)
                .select_from(STAGE.join(Investor, i.account == padded))
                .where(
                    s.status.is_(None),
                    func.length(s.account) < length,
                    not_(exists().where(known.c.account == s.account)),
                )
            )
            for row_no, account, investor_id, branch_id in conn.execute(stmt):
                if account.isascii() and account.isdigit():
                    self.issue(row_no, "account", "account-lost-zeros", account)
                    self.named_elsewhere(row_no, investor_id, branch_id, "import-account")

    def check_lowest_category(self, conn: Connection, hidden: set[int]) -> None:
        """Rows that would leave a client in the lowest category with a profile above C1 or
        as a professional: the rules (domain record_conflicts) applied to the client as the
        row leaves them, its values over those on record. A row alone cannot show it: its
        C1 assessment older than the C3 on record (kept; the older one is not recorded), no
        assessment at all, or no class column for a professional on record."""
        s, i = STAGE.c, Investor.__table__.c
        taken = and_(
            s.profile.is_not(None), or_(i.current_assessed_on.is_(None), s.assessed_on >= i.current_assessed_on)
        )
        stmt = (
            select(
                s.row_no,
                s.lowest_category,
                func.coalesce(s.investor_class, i.investor_class),
                case((taken, s.profile), else_=i.current_profile),
            )
            .select_from(STAGE.join(Investor, Investor.account == s.account))
            .where(s.status.is_(None), func.coalesce(s.lowest_category, i.lowest_category).is_(True))
        )
        for row_no, stated, investor_class, profile in conn.execute(stmt):
            if row_no in hidden:
                continue
            try:
                cls, level = InvestorClass(investor_class), RiskProfile(profile) if profile else None
            except ValueError:  # a value suitcheck never writes: that row fails its seal, and check blocks it
                continue
            for problem in conflict_problems(cls, level, True):
                if stated:  # the file puts the client in the category
                    self.issue(row_no, "lowest_category", problem.code, "是")
                elif problem.code == "professional-lowest":
                    self.issue(row_no, "class", problem.code, investor_class)
                else:
                    self.issue(row_no, "profile", problem.code, level.code if level else "")

    def named_elsewhere(self, row_no: int, investor_id: int, branch_id: int | None, cause: str) -> None:
        """A row whose answer tells a branch-scoped importer that another branch's client
        holds its account or ID number (as `investor add`'s duplicate does): the attempt on
        that client is recorded once the import ends, written or not (record_named)."""
        if self.scoped and branch_id != self.actor.branch_id:
            self.named.setdefault((investor_id, cause), (row_no, branch_id))

    def record_named(self) -> None:
        """Record each client of another branch the file named (named_elsewhere), in a unit
        of work of its own: a dry run, or an import refused for its invalid rows, rolled
        back everything else, and answered all the same."""
        if not self.named:
            return
        staff, action = self.actor.username, AuditAction.CLIENT_OUT_OF_BRANCH.value
        entries = (
            batch_entry(
                staff,
                action,
                investor_id=investor_id,
                facts={
                    "cause": cause,
                    "client_branch": branch_id,
                    "actor_branch": self.actor.branch_id,
                    "file": self.result.file,
                    "row": row_no,
                },
            )
            for (investor_id, cause), (row_no, branch_id) in sorted(self.named.items(), key=lambda kv: kv[1][0])
        )
        with self.ctx.core_transaction() as conn:
            self.ctx.audit_batch(conn, entries)
        log.warning(
            "%s's client import named %s clients of another branch (recorded)", self.actor.username, len(self.named)
        )

    @staticmethod
    def _legacy_form(conn: Connection) -> Any:
        """The staged number's legacy 15-digit form as SQL (NULL unless born 19xx), when the
        store holds any number in that form (a scan that stops at the first such number; a
        store made since numbers were normalised holds none, and pays one pass)."""
        held = conn.execute(select(Investor.id).where(func.length(Investor.id_number) == 15).limit(1)).first()
        if held is None:
            return None
        number = STAGE.c.id_number
        return case(
            (func.substr(number, 7, 2) == "19", func.substr(number, 1, 6).concat(func.substr(number, 9, 9))),
            else_=None,
        )

    def _new_minor(self) -> Any:
        """A staged row of a new client under 18 today (domain.clients.minor_on)."""
        s = STAGE.c
        row = and_(s.birth_date.is_not(None), s.birth_date > adult_born_by(self.today))
        return row if self.empty_store else and_(row, not_(exists().where(Investor.account == s.account)))

    def check_minors(self, conn: Connection) -> None:
        """A new client under 18 enters the lowest category (domain.clients.minor_problems):
        a row stating a profile above C1 or the professional class for them is invalid. A
        client on record keeps the flag as it stands: only compliance lifts it (a 16- or
        17-year-old living on their own labour income), and a re-sync does not undo that."""
        s = STAGE.c
        stmt = select(s.row_no, s.birth_date, s.investor_class, s.profile).where(s.status.is_(None), self._new_minor())
        for row_no, born, investor_class, profile in conn.execute(stmt):
            cls = InvestorClass(investor_class) if investor_class else InvestorClass.ORDINARY
            level = RiskProfile(profile) if profile else None
            for problem in minor_problems(born, self.today, cls, level):
                self.issue(
                    row_no,
                    problem.field,
                    problem.code,
                    level.code if problem.field == "profile" and level else cls.value,
                )

    def check_minors_on_record(self, conn: Connection) -> None:
        """A client on record under 18 today, not in the lowest category and never taken out
        of it by compliance (a store from before the rule): the row enters them in it, as
        investor add would (`minor` where the row leaves them above C1 or professional, its
        values over those on record). A client compliance took out of it is left so."""
        if self.empty_store:
            return
        s, i = STAGE.c, Investor.__table__.c
        taken = and_(
            s.profile.is_not(None), or_(i.current_assessed_on.is_(None), s.assessed_on >= i.current_assessed_on)
        )
        stmt = (
            select(
                s.row_no,
                i.id,
                i.birth_date,
                func.coalesce(s.investor_class, i.investor_class),
                case((taken, s.profile), else_=i.current_profile),
            )
            .select_from(STAGE.join(Investor, Investor.account == s.account))
            .where(
                s.status.is_(None),
                i.lowest_category.is_not(True),
                i.birth_date > adult_born_by(self.today),
                or_(s.lowest_category.is_(None), s.lowest_category.is_(False)),
            )
        )
        entered = []
        for row_no, investor_id, born, investor_class, profile in conn.execute(stmt):
            if lowest_lifted(conn, investor_id):
                continue
            try:
                cls, level = InvestorClass(investor_class), RiskProfile(profile) if profile else None
            except ValueError:  # a value suitcheck never writes: that row fails its seal, and check blocks it
                continue
            found = minor_problems(born, self.today, cls, level)
            for problem in found:
                self.issue(
                    row_no,
                    problem.field,
                    problem.code,
                    level.code if problem.field == "profile" and level else cls.value,
                )
            if not found:
                entered.append({"r": row_no})
        if entered:
            conn.execute(update(STAGE).where(s.row_no == bindparam("r")).values(lowest_category=True), entered)

    def classify(self, conn: Connection) -> None:
        s = STAGE.c
        if self.empty_store:
            conn.execute(update(STAGE).where(s.status.is_(None)).values(status="new"))
            self.new_defaults(conn)
            self.minors_lowest(conn)
            self.result.new = self.result.rows - len(self.bad_rows)
            return
        known = exists().where(Investor.account == s.account)
        conn.execute(update(STAGE).where(s.status.is_(None), not_(known)).values(status="new"))
        self.new_defaults(conn)
        self.minors_lowest(conn)
        conn.execute(update(STAGE).where(s.status.is_(None), _differs()).values(status="changed"))
        conn.execute(update(STAGE).where(s.status.is_(None)).values(status="same"))
        counts: dict[str, int] = {k: v for k, v in conn.execute(select(s.status, func.count()).group_by(s.status))}
        self.result.new = counts.get("new", 0)
        self.result.unchanged = counts.get("same", 0)
        self.result.stale = conn.execute(
            select(func.count())
            .select_from(STAGE.join(Investor, Investor.account == s.account))
            .where(s.status.in_(("changed", "same")), s.assessed_on < Investor.current_assessed_on)
        ).scalar_one()

    def minors_lowest(self, conn: Connection) -> None:
        """New clients under 18 today enter the lowest category (check_minors)."""
        s = STAGE.c
        minor = and_(s.birth_date.is_not(None), s.birth_date > adult_born_by(self.today))
        conn.execute(update(STAGE).where(s.status == "new", minor).values(lowest_category=True))

    def new_defaults(self, conn: Connection) -> None:
        """New clients get the default of each field the file has no column for, or an
        empty cell in."""
        if self.unstated:
            values = {_STAGE_COLUMN[f]: UNSTATED_DEFAULTS[f] for f in self.unstated}
            conn.execute(update(STAGE).where(STAGE.c.status == "new").values(**values))
        for field in sorted(self.empty_cells - set(self.unstated)):
            column = STAGE.c[_STAGE_COLUMN[field]]
            conn.execute(
                update(STAGE)
                .where(STAGE.c.status == "new", column.is_(None))
                .values({column.name: UNSTATED_DEFAULTS[field]})
            )

    # -- writing ---------------------------------------------------------------------

    def _ticking(self, phase: str, pages: Iterator[Any]) -> Iterator[Any]:
        done = 0
        for page in pages:
            yield page
            done += len(page)
            self.tick(phase, done)

    def _pages(self, conn: Connection, stmt: Any, size: int = BATCH) -> Iterator[Any]:
        """Keyset pages by row number: no cursor stays open across the writes in between."""
        last = 0
        while True:
            page = conn.execute(stmt.where(STAGE.c.row_no > last).order_by(STAGE.c.row_no).limit(size)).all()
            if not page:
                return
            yield page
            last = page[-1].row_no

    def seal_new(self, conn: Connection) -> None:
        """The new clients' seals, from the values they are about to be written with (a
        new client is not yet due for re-assessment), a page per `record-sealed` entry."""
        s = STAGE.c
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = f"INSERT INTO {SEALS.name} (row_no, integrity) VALUES ({mark}, {mark})"
        # Dates as the driver returns them (ISO text on SQLite): the message wants them so.
        stmt = select(
            s.row_no,
            s.account,
            s.investor_class,
            s.profile,
            type_coerce(s.assessed_on, String),
            s.lowest_category,
            type_coerce(s.birth_date, String),
            s.special_attention,
            s.branch_id,
            s.name,
            s.id_number,
        ).where(s.status == "new")
        done, default = 0, self.default_branch
        for page in self._pages(conn, stmt, SEAL_PAGE):
            messages = [
                investor_message_of(
                    account,
                    cls,
                    profile,
                    assessed,
                    lowest,
                    born,
                    special,
                    False,  # a new client is not yet due for re-assessment
                    default if branch is None else branch,
                    name,
                    id_number,
                )
                for _, account, cls, profile, assessed, lowest, born, special, branch, name, id_number in page
            ]
            seals = self.ctx.rows.seal_page(conn, [(r.account, m) for r, m in zip(page, messages, strict=True)])
            conn.exec_driver_sql(sql, [(r.row_no, seal) for r, seal in zip(page, seals, strict=True)])
            done += len(page)
            self.tick("seal", done)

    def write_new(self, conn: Connection) -> None:
        self.emit_new(conn)
        self.seal_new(conn)
        s = STAGE.c
        done = 0
        # In slices of row numbers, so that progress and Stop reach the user while a big
        # file's rows go in (one statement for a million rows takes seconds).
        top = conn.execute(select(func.max(s.row_no))).scalar_one() or 0
        for low in range(0, top, INSERT_SLICE):
            new = and_(s.status == "new", s.row_no > low, s.row_no <= low + INSERT_SLICE)
            done += self._insert_new(conn, new)
            self.tick("insert", done)

    def _insert_new(self, conn: Connection, new: Any) -> int:
        """The new clients of these staged rows (already sealed) and their assessments."""
        s = STAGE.c
        inserted = conn.execute(
            insert(Investor).from_select(
                [
                    "account",
                    "name",
                    "id_number",
                    "birth_date",
                    "investor_class",
                    "lowest_category",
                    "special_attention",
                    "created_at",
                    "current_profile",
                    "current_assessed_on",
                    "integrity",
                    "branch_id",
                ],
                select(
                    s.account,
                    s.name,
                    s.id_number,
                    s.birth_date,
                    s.investor_class,
                    s.lowest_category,
                    s.special_attention,
                    bindparam("now", self.now, type_=Investor.__table__.c.created_at.type),
                    s.profile,
                    s.assessed_on,
                    SEALS.c.integrity,
                    func.coalesce(s.branch_id, bindparam("branch", self.default_branch, type_=Integer)),
                )
                .select_from(STAGE.join(SEALS, SEALS.c.row_no == s.row_no))
                .where(new)
                .order_by(s.row_no),
            )
        )
        conn.execute(
            insert(Assessment).from_select(
                ["investor_id", "profile", "assessed_on", "lowest_category", "recorded_by", "recorded_at", "note"],
                select(
                    Investor.id,
                    s.profile,
                    s.assessed_on,
                    s.lowest_category,
                    bindparam("staff", self.actor.staff_id or None, type_=Integer),
                    bindparam("now", self.now, type_=Assessment.__table__.c.recorded_at.type),
                    bindparam("note", self._note(), type_=String),
                )
                .select_from(STAGE.join(Investor, Investor.account == s.account))
                .where(new, s.profile.is_not(None))
                .order_by(s.row_no),
            )
        )
        if inserted.rowcount >= 0:
            return int(inserted.rowcount)
        return int(conn.execute(select(func.count()).select_from(STAGE).where(new)).scalar_one())  # no rowcount

    def audit_new(self, conn: Connection) -> None:
        """One `client-added` entry per new client."""
        s = STAGE.c
        new = s.status == "new"
        stmt = (
            select(
                s.row_no,
                Investor.id,
                s.account,
                s.investor_class,
                s.profile,
                type_coerce(s.assessed_on, String),
                s.lowest_category,
                s.special_attention,
                Investor.branch_id,
                and_(s.lowest_category.is_(True), s.birth_date > adult_born_by(self.today)),
            )
            .join(Investor, Investor.account == s.account)
            .where(new)
        )
        self.ctx.audit_batch(conn, self._added_entries(conn, stmt))

    def _added_entries(self, conn: Connection, stmt: Any) -> Iterator[BatchEntry]:
        """One `client-added` entry per new client, made as the pages are read (the trail
        takes them in chunks, so memory stays flat); facts as added_facts() states them."""
        done, staff, action, sha = 0, self.actor.username, AuditAction.CLIENT_ADDED.value, self.result.sha256
        codes = self.codes
        for page in self._pages(conn, stmt):
            for _, investor_id, account, cls, profile, assessed, lowest, special, branch, minor in page:
                facts = added_facts_json(
                    account, cls, profile, assessed, lowest, special, codes[branch], sha, bool(minor)
                )
                yield (staff, action, investor_id, None, None, "[]", facts)
                done += 1
                if done % TICK == 0:
                    self.tick("new", done)
        self.tick("new", done)

    def _note(self) -> str:
        return f"import {self.result.file} sha256:{self.result.sha256[:16]}"

    def write_changed(self, conn: Connection) -> None:
        self._changed(conn, write=True)

    def diff_only(self, conn: Connection) -> None:
        self.emit_new(conn)
        self._changed(conn, write=False)

    def emit_new(self, conn: Connection) -> None:
        """The new clients, to `on_item` (the dry-run diff)."""
        if self.on_item is not None:
            s = STAGE.c
            for page in self._pages(conn, select(STAGE).where(s.status == "new")):
                for r in page:
                    branch = self.codes[self.default_branch if r.branch_id is None else r.branch_id]
                    changes = _new_changes(r, branch, self.full_id)
                    self.on_item(DiffItem("new", r.row_no, r.account, r.name, changes))

    def _changed(self, conn: Connection, *, write: bool) -> None:
        s, i = STAGE.c, Investor.__table__.c
        stmt = (
            select(
                STAGE,
                i.id.label("investor_id"),
                i.name.label("old_name"),
                i.id_number.label("old_id_number"),
                i.investor_class.label("old_class"),
                i.lowest_category.label("old_lowest"),
                i.special_attention.label("old_special"),
                i.current_profile.label("old_profile"),
                i.current_assessed_on.label("old_assessed"),
                i.reassessment_due.label("old_due"),
            )
            .select_from(STAGE.join(Investor, Investor.account == s.account))
            .where(s.status == "changed")
        )
        changed = 0
        for page in self._pages(conn, stmt):
            updates: list[dict[str, Any]] = []
            assessments: list[dict[str, Any]] = []
            marks: list[dict[str, Any]] = []
            entries: list[BatchEntry] = []
            for r in page:
                changes = _changes(r)
                if not changes:  # the SQL said "differs" only through a stale assessment date
                    continue
                changed += 1
                if self.on_item:
                    shown = {
                        k: (_mask(o), _mask(n)) if k == "id_number" and not self.full_id else (o, n)
                        for k, (o, n) in changes.items()
                    }
                    self.on_item(DiffItem("changed", r.row_no, r.account, r.name, shown))
                if write:
                    entries.append(self._record_change(r, changes, updates, assessments))
                    if _needs_assessment(r, changes):
                        entries.append(self._mark_due(r, marks))
                    if changed % TICK == 0:
                        self.tick("changed", changed)
            self._write_changes(conn, updates, marks, assessments, entries)
            self.tick("changed", changed)
        self.result.changed = changed
        # Rows the SQL flagged only for a stale date are unchanged after all.
        flagged = conn.execute(select(func.count()).select_from(STAGE).where(s.status == "changed")).scalar_one()
        self.result.unchanged += flagged - changed

    def _write_changes(
        self,
        conn: Connection,
        updates: list[dict[str, Any]],
        marks: list[dict[str, Any]],
        assessments: list[dict[str, Any]],
        entries: list[BatchEntry],
    ) -> None:
        """A page of changed clients: their rows, due marks, assessments and entries."""
        if updates:
            conn.execute(_UPDATE_INVESTOR, updates)
        if marks:
            conn.execute(_MARK_DUE, marks)
        if assessments:
            conn.execute(insert(Assessment), assessments)
        if entries:
            self.ctx.audit_batch(conn, entries)

    def _mark_due(self, r: Any, marks: list[dict[str, Any]]) -> BatchEntry:
        """A changed client due for re-assessment (_needs_assessment): its row's mark
        (written by page) and the mark's audit entry, its day sealed as staff's marks are."""
        marks.append({"b_id": r.investor_id, "b_reason": CLASS_CHANGE_REASON})
        facts = mark_facts(self.ctx, r.investor_id, CLASS_CHANGE_REASON)
        return batch_entry(
            self.actor.username, AuditAction.REASSESSMENT_DUE.value, investor_id=r.investor_id, facts=facts
        )

    def _record_change(
        self,
        r: Any,
        changes: dict[str, tuple[Any, Any]],
        updates: list[dict[str, Any]],
        assessments: list[dict[str, Any]],
    ) -> BatchEntry:
        """One changed client: its row update and new assessment (written by page) and its
        audit entry (appended with the page's others in one batch)."""
        new_assessment = "profile" in changes or "assessed" in changes
        lowest = bool(r.old_lowest if r.lowest_category is None else r.lowest_category)
        updates.append(
            {
                "b_id": r.investor_id,
                "b_name": r.name,
                "b_class": r.old_class if r.investor_class is None else r.investor_class,
                "b_lowest": lowest,
                "b_special": bool(r.old_special if r.special_attention is None else r.special_attention),
                "b_id_number": r.id_number or r.old_id_number,
                "b_birth": r.birth_date if r.id_number else None,
                "b_profile": r.profile if new_assessment else r.old_profile,
                "b_assessed": r.assessed_on if new_assessment else r.old_assessed,
            }
        )
        if new_assessment:
            assessments.append(
                {
                    "investor_id": r.investor_id,
                    "profile": r.profile,
                    "assessed_on": r.assessed_on,
                    "lowest_category": lowest,
                    "recorded_by": self.actor.staff_id or None,
                    "recorded_at": self.now,
                    "note": self._note(),
                }
            )
        edits = {k: v for k, v in changes.items() if k not in ("profile", "assessed")}
        facts: dict[str, object] = {
            "source": "import",
            "file_sha256": self.result.sha256,
            "changes": {
                k: {"old": _plain(o), "new": _plain(n)}
                for k, (o, n) in (
                    (k, (_mask(o), _mask(n)) if k == "id_number" else (o, n)) for k, (o, n) in edits.items()
                )
            },
        }
        if new_assessment:
            facts["profile"] = RiskProfile(r.profile).code
            facts["assessed"] = r.assessed_on.isoformat()
            facts["lowest_category"] = lowest
            facts["method"] = "imported"
            facts["note"] = self._note()
            if r.old_due:
                # The file cannot say whether this assessment followed the change in
                # the client's situation: staff clear that by assessing (fail closed).
                facts["reassessment_due_kept"] = True
        action = AuditAction.CLIENT_EDITED if edits else AuditAction.ASSESSMENT
        return batch_entry(self.actor.username, action.value, investor_id=r.investor_id, facts=facts)

    # -- the report --------------------------------------------------------------------

    def write_report(self, conn: Connection, out: Path) -> None:
        problems = ([i.row, i.column, i.value, i.code, i.reason] for i in self.result.issues)
        missing_stmt = (
            select(Investor.account, Investor.name, Branch.code)
            .outerjoin(Branch, Branch.id == Investor.branch_id)
            .where(_missing(), client_scope(self.actor))
            .order_by(Investor.account)
            .execution_options(yield_per=BATCH)
        )
        try:
            with staged_file(out) as tmp:
                _write_report_xlsx(tmp, self.result, problems, conn.execute(missing_stmt))
        except OSError as exc:
            raise ServiceError(f"Cannot write the report {out}: {exc.strerror}; nothing was imported.") from exc
        except SheetFull:
            rows = xlsxrows.SHEET_ROWS
            raise InvalidInput(
                f"The report {out} would list more rows than an XLSX sheet holds ({rows:,}); "
                "nothing was imported. Import again without a report."
            ) from None


def _report_cell(value: object) -> object:
    """A value as the report shows it: a character that does not show as itself (the
    control or invisible character a row was refused for, a name's line break) written as
    an escape, so the reader sees where it is and XML can hold it; formulas neutralised."""
    if not isinstance(value, str):
        return neutralise(value)
    shown = neutralise(escape_unshown(value))
    assert isinstance(shown, str)
    return xlsxrows.cut_to_cell(shown, _REPORT_CUT)


# A value longer than a cell (a name pasted whole into a client file's cell): the report
# shows its start; the row and column it names hold the whole of it.
_REPORT_CUT = " …[cut: the whole value is in the client file, at this row and column]"


def _write_report_xlsx(out: Path, result: ImportResult, problems: Iterator[list[object]], missing: Any) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    try:
        summary = workbook.create_sheet("summary")
        for key, value in (
            ("file", result.file),
            ("sha256", result.sha256),
            ("dry run", "yes" if result.dry_run else "no"),
            ("partial", "yes" if result.partial else "no"),
            *result.counts().items(),
        ):
            summary.append([key, _report_cell(value)])
        sheet = workbook.create_sheet("problems")
        sheet.append(["row", "column", "value", "code", "reason"])
        for row in within_sheet(problems, 1):
            sheet.append([_report_cell(v) for v in row])
        gone = workbook.create_sheet("missing")
        gone.append(["account", "name", "branch"])
        for account, name, branch in within_sheet(missing, 1):
            gone.append([_report_cell(account), _report_cell(name), _report_cell(branch)])
    except BaseException:
        _close_sheets(workbook)
        raise
    workbook.save(out)


_UPDATE_INVESTOR = (
    update(Investor)
    .where(Investor.id == bindparam("b_id"))
    .values(
        name=bindparam("b_name"),
        investor_class=bindparam("b_class"),
        lowest_category=bindparam("b_lowest"),
        special_attention=bindparam("b_special"),
        id_number=bindparam("b_id_number"),
        birth_date=func.coalesce(bindparam("b_birth", type_=Date), Investor.birth_date),
        current_profile=bindparam("b_profile"),
        current_assessed_on=bindparam("b_assessed"),
    )
)


# A client the import makes follow the table again (a professional now treated as
# ordinary): due for re-assessment (investors.CLASS_CHANGE_REASON).
_MARK_DUE = (
    update(Investor)
    .where(Investor.id == bindparam("b_id"))
    .values(reassessment_due=True, reassessment_reason=bindparam("b_reason"))
)


def _needs_assessment(r: Any, changes: dict[str, tuple[Any, Any]]) -> bool:
    """Whether this changed row's class change marks the client due (due_on_class_change).
    An assessment the file brings with it does not clear this: the file cannot say it was
    made after the change (as for a due mark the import keeps)."""
    if "class" not in changes:
        return False
    assessed = r.profile if ("profile" in changes or "assessed" in changes) else r.old_profile
    return due_on_class_change(InvestorClass(r.old_class), InvestorClass(r.investor_class), assessed, bool(r.old_due))


def _mask(value: object) -> object:
    return mask_id_number(value) if isinstance(value, str) else value


def _missing() -> Any:
    return not_(exists().where(STAGE.c.account == Investor.account))


def _differs() -> Any:
    s, i = STAGE.c, Investor.__table__.c
    same_investor = Investor.account == s.account
    return exists().where(
        same_investor,
        or_(
            i.name != s.name,
            i.investor_class != s.investor_class,
            i.lowest_category != s.lowest_category,
            i.special_attention != s.special_attention,
            and_(s.id_number.is_not(None), i.id_number.is_(None)),
            and_(
                s.profile.is_not(None),
                or_(
                    i.current_assessed_on.is_(None),
                    s.assessed_on > i.current_assessed_on,
                    and_(s.assessed_on == i.current_assessed_on, s.profile != i.current_profile),
                ),
            ),
        ),
    )


def _changes(r: Any) -> dict[str, tuple[object, object]]:
    """Field -> (old, new) for one staged row against its client's record."""
    changes: dict[str, tuple[object, object]] = {}
    if r.name != r.old_name:
        changes["name"] = (r.old_name, r.name)
    # None: the file has no column for it (the record's stays).
    if r.investor_class is not None and r.investor_class != r.old_class:
        changes["class"] = (r.old_class, r.investor_class)
    if r.lowest_category is not None and bool(r.lowest_category) != bool(r.old_lowest):
        changes["lowest_category"] = (bool(r.old_lowest), bool(r.lowest_category))
    if r.special_attention is not None and bool(r.special_attention) != bool(r.old_special):
        changes["special_attention"] = (bool(r.old_special), bool(r.special_attention))
    if r.id_number and not r.old_id_number:
        changes["id_number"] = (None, r.id_number)
    if r.profile is not None and (r.old_assessed is None or r.assessed_on >= r.old_assessed):
        if r.profile != r.old_profile:
            old = RiskProfile(r.old_profile).code if r.old_profile else None
            changes["profile"] = (old, RiskProfile(r.profile).code)
        if r.assessed_on != r.old_assessed:
            changes["assessed"] = (r.old_assessed, r.assessed_on)
    return changes


def added_facts(
    account: str,
    investor_class: str,
    profile: int | None,
    assessed: dt.date | str | None,
    lowest_category: object,
    special_attention: object,
    branch: str,
    sha256: str,
    minor: bool = False,
) -> dict[str, object]:
    """The facts of a new client's `client-added` entry (`minor`: under 18 on the day of the
    import, so in the lowest category for that reason: domain.clients.minor_on)."""
    facts: dict[str, object] = {
        "account": account,
        "class": investor_class,
        "lowest_category": bool(lowest_category),
        "special_attention": bool(special_attention),
        "branch": branch,
        "source": "import",
        "file_sha256": sha256,
    }
    if profile is not None:
        facts["profile"] = RiskProfile(profile).code
        facts["assessed"] = assessed.isoformat() if isinstance(assessed, dt.date) else assessed
    if minor:
        facts["lowest_category_reason"] = MINOR_REASON
    return facts


_PROFILE_JSON = {int(p): _json_string(p.code) for p in RiskProfile}


def added_facts_json(
    account: str,
    investor_class: str,
    profile: int | None,
    assessed: dt.date | str | None,
    lowest_category: object,
    special_attention: object,
    branch: str,
    sha256: str,
    minor: bool = False,
) -> str:
    """canonical_json(added_facts(...)), written out (keys in sorted order): an import
    makes one per new client. Equal to it by test."""
    s = _json_string
    if profile is None:
        dated, level = "", ""
    else:
        day = assessed.isoformat() if isinstance(assessed, dt.date) else assessed
        dated, level = f'"assessed":{s(day)},', f'"profile":{_PROFILE_JSON[profile]},'
    reason = f'"lowest_category_reason":{s(MINOR_REASON)},' if minor else ""
    return (
        f'{{"account":{s(account)},{dated}"branch":{s(branch)},"class":{s(investor_class)},'
        f'"file_sha256":{s(sha256)},"lowest_category":{"true" if lowest_category else "false"},'
        f"{reason}{level}"
        f'"source":"import","special_attention":{"true" if special_attention else "false"}}}'
    )


def _new_changes(r: Any, branch: str, full_id: bool) -> dict[str, tuple[object, object]]:
    record = {  # the branch early: a diff line too long for its column is cut at the end
        "name": r.name,
        "branch": branch,
        "id_number": r.id_number if full_id else mask_id_number(r.id_number),
        "class": r.investor_class,
        "profile": RiskProfile(r.profile).code if r.profile is not None else None,
        "assessed": r.assessed_on,
        "lowest_category": bool(r.lowest_category),
        "special_attention": bool(r.special_attention),
    }
    return {k: (None, v) for k, v in record.items() if v not in (None, False)}


def _bad_row(number: int, account: str) -> tuple[object, ...]:
    return (number, "bad", account[:64], None, None, None, None, None, None, None, None, None)


def _empty(value: object) -> bool:
    """A cell that states nothing (cell_text's empty)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _stage_row(number: int, record: ClientRecord, branch_id: int | None, sqlite: bool) -> tuple[object, ...]:
    """In STAGE's column order; for SQLite the values SQLAlchemy's types would store (ISO
    dates, 0/1), so that the rows read back through STAGE as usual."""
    born, assessed = record.birth_date, record.assessed_on
    if sqlite:
        return (
            number,
            None,
            record.account,
            record.name,
            record.id_number,
            None if born is None else born.isoformat(),
            record.investor_class.value,
            None if record.profile is None else int(record.profile),
            None if assessed is None else assessed.isoformat(),
            1 if record.lowest_category else 0,
            1 if record.special_attention else 0,
            branch_id,
        )
    return (
        number,
        None,
        record.account,
        record.name,
        record.id_number,
        born,
        record.investor_class.value,
        None if record.profile is None else int(record.profile),
        assessed,
        record.lowest_category,
        record.special_attention,
        branch_id,
    )


__all__ = ["ClientImportService", "DiffItem", "ImportResult", "Preview", "Problem", "RowIssue", "load_mapping"]
