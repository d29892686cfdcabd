"""Settling a record changed outside suitcheck: compliance's recorded way back for a client
or report row whose seal fails (or that a one-time upgrade left unsealed), once they have
investigated and found it right.

The rule (docs/audit-design.md, "Settling a record"): a row is sealed again only when what
decisions read of it is provably what the trail last recorded for it. The trail records a
digest of each row's sealed state (`record-sealed`), not its values, so that is proved by
the digest itself:
- the row as found, with the values compliance says it held before (`was`: a client's
  name and ID number only, which no decision reads), gives the state the trail last
  recorded; or
- a row an upgrade left on its older seal gives that state in the older form (a client
  without its name and ID number, a report without its findings), which the trail never
  recorded otherwise: those are taken as found, as the upgrade itself takes them.
Anything else (a profile, class, date, flag, branch, level, rating or file changed in SQL)
is refused: settling it would launder the very change the seal exists to catch. It is put
back as the trail recorded it, then settled, then changed through suitcheck.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, select, update

from suitcheck.audit.chain import IN_TRAIL, canonical_json
from suitcheck.domain.clients import name_problem
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.identity import mask_id_number, shown_reference, stored_number_problem, to_18_digits
from suitcheck.domain.levels import RiskLevel, RiskProfile
from suitcheck.domain.roles import Permission, may
from suitcheck.services.assessment_history import RECORDING
from suitcheck.services.branches import branch_codes
from suitcheck.services.context import Actor, ServiceContext, in_trail_order
from suitcheck.services.errors import Conflict, InvalidInput, NotFound, ServiceError, coded
from suitcheck.services.integrity import (
    INVESTOR_COLUMNS,
    RECORD_SEALED,
    REPORT_ROWS,
    UnreadableRecordError,
    Vouched,
    branch_era_investor_message,
    findings_of,
    flags_canonical,
    investor_message,
    left_by_upgrade,
    report_message,
    shown,
    state_digest,
    vouched_entries,
)
from suitcheck.services.investors import id_number_forms, investor_facts, resolve_investor
from suitcheck.services.refs import numeric_id
from suitcheck.store.models import AuditEntry, Investor, Report

log = logging.getLogger(__name__)

CLIENT, REPORT = "investor", "report"
# What `was` may name: a client's identity, which no decision reads (a DBA's typo fixed in
# SQL). Every other sealed column is a fact some decision or list reads.
IDENTITY = ("name", "id_number")
# A reason that says something (recorded in the trail, read by a regulator).
MIN_REASON = 10
# A report is every branch's (its level decides for all of them): only head-office compliance
# settles one, as only they rate one (reports.require_head_office).
REPORT_BRANCH_REFUSAL = (
    "A report decides for every branch: only firm-wide (head-office) compliance may settle a report's record."
)
# The refusals whose sentences speak of the command line (`--was`, `--yes`, `audit export`,
# `report rate`, `investor assess`) or of a column by its name: a desk words them itself
# (ServiceError.code, with the values they name), with its own fields and menus.
CHANGED_SINCE_SHOWN = "settle-changed-since-shown"
CLIENT_DIFFERS = "settle-client-differs"
REPORT_DIFFERS = "settle-report-differs"
PROFILE_DIFFERS = "settle-client-profile-differs"
CLIENT_UNREADABLE = "settle-client-unreadable"
# The value given as held before is the one the record holds now (`column`: name, id_number).
WAS_AS_HELD = "settle-was-as-held"
# The record matches its seal (settled meanwhile, at another desk): a desk's list showing it
# marked follows the record (`record_id`).
RECORD_SOUND = "settle-record-sound"
# The forms a settled row's recorded state was found in.
FULL, BEFORE_IDENTITY, BEFORE_FINDINGS = "as-recorded", "before-identity", "before-findings"


# The refusals that name the row, per kind (a client by account, a report by id): whole
# sentences, so that the desk can show each in the user's language (gui/messages.py).
_SETTLE_SENTENCES = {
    (CLIENT, "sound"): "The record of client {key} matches its seal: there is nothing to settle.",
    (REPORT, "sound"): "The record of report {key} matches its seal: there is nothing to settle.",
    (CLIENT, "unreadable"): (
        "The record of client {key} holds a value suitcheck never writes (a profile or class it does not know, "
        "a date or flag written otherwise, bytes): sealing it would not make it decidable. Nothing was settled; "
        "have the value put back as the trail recorded it (the client's entries in `suitcheck audit export "
        "--investor ID` say what it was), then settle it."
    ),
    (REPORT, "unreadable"): (
        "The record of report {key} holds a value suitcheck never writes (a level it does not know, bytes): "
        "sealing it would not make it decidable. Nothing was settled; have the value put back as the trail "
        "recorded it (the report's import and rating entries say what it was), then settle it."
    ),
    (CLIENT, "untrusted"): (
        "The record of client {key} is sealed by installation {by}, which this desk does not trust; nothing was "
        "settled. Once compliance has filed its key: `suitcheck audit key trust {by}`."
    ),
    (REPORT, "untrusted"): (
        "The record of report {key} is sealed by installation {by}, which this desk does not trust; nothing was "
        "settled. Once compliance has filed its key: `suitcheck audit key trust {by}`."
    ),
    (CLIENT, "unrecorded"): (
        "The audit trail records no state for client {key}: suitcheck never wrote the record (it was added "
        "outside suitcheck), so there is nothing to settle it against; nothing was settled."
    ),
    (REPORT, "unrecorded"): (
        "The audit trail records no state for report {key}: suitcheck never wrote the record (it was added "
        "outside suitcheck), so there is nothing to settle it against; nothing was settled."
    ),
    (CLIENT, "unvouched"): (
        "The newest record of client {key}'s state (entry {seq}) is not one this desk can vouch for (another "
        "installation's entry awaiting its seal, or one this desk does not trust); nothing was settled. Try "
        "again once that installation has sealed, or is trusted here."
    ),
    (REPORT, "unvouched"): (
        "The newest record of report {key}'s state (entry {seq}) is not one this desk can vouch for (another "
        "installation's entry awaiting its seal, or one this desk does not trust); nothing was settled. Try "
        "again once that installation has sealed, or is trusted here."
    ),
    (CLIENT, "differs"): (
        "The record of client {key} is not the state the trail last recorded for it: a fact decisions read "
        "(profile, assessment date, class, a flag, branch, birth date), or the name or ID number, was changed "
        "outside suitcheck, and settling it would put that change under the seal. Nothing was settled. Have "
        "every such fact put back as the trail recorded it (the client's entries in `suitcheck audit export "
        "--investor ID` say what they were); where only the name or ID number was corrected, give the value it "
        "held before with --was name=... or --was id_number=...; then settle, and change the rest through "
        "suitcheck."
    ),
    (CLIENT, "differs-profile"): (
        "The record of client {key} is not the state the trail last recorded for it: it holds profile {profile} "
        "of {day}, and the trail's assessments give {recorded_profile} of {recorded_day}. Settling it would put "
        "that change under the seal; nothing was settled. Have the profile and its date put back as the trail "
        "recorded them, then settle, and record a new assessment through suitcheck (`investor assess`)."
    ),
    (CLIENT, "odd-name"): (
        "The name client {key} now holds is not one suitcheck writes (empty, over 128 characters, or with a "
        "control or invisible character, which shows the name as another): settling seals it as it stands. Nothing "
        "was settled; have the name put right, then settle it."
    ),
    (CLIENT, "odd-id-number"): (
        "The ID number client {key} now holds is not one suitcheck writes (not a valid number, or not in its form "
        "of 18 characters with an upper-case X): a search by the number would not find the client, and the same "
        "person could be added again. Nothing was settled; have the number put right, then settle it."
    ),
    (CLIENT, "id-number-birth-date"): (
        "The ID number client {key} now holds gives another birth date than the record's, which decisions read "
        "(the special-attention age) and settling never changes: sealed, the client would be decided on an age "
        "their ID number contradicts. Nothing was settled; have the client's own ID number put back, then "
        "settle it."
    ),
    (REPORT, "differs"): (
        "The record of report {key} is not the state the trail last recorded for it: its level, the subject's "
        "level, its rating, its file or its findings were changed outside suitcheck, and settling it would put "
        "that change under the seal (a level lowered in SQL would be served as rated). Nothing was settled. "
        "Have it put back as the trail recorded it (the report's import, rating and finding entries in "
        "`suitcheck audit export --report ID` say what it was), then settle it; a new level is set through "
        "suitcheck (`report rate`)."
    ),
}


def _sentence(kind: str, what: str, **values: object) -> str:
    return _SETTLE_SENTENCES[kind, what].format(**values)


@dataclasses.dataclass(frozen=True)
class Settlement:
    """What settling a row seals (the preview), or sealed (with `seq`)."""

    kind: str  # "investor" or "report"
    key: str  # the client's account, or the report's id
    record_id: int
    found: dict[str, Any]  # the sealed columns as found, as the trail shows them (ID number masked)
    changed: dict[str, dict[str, Any]]  # column -> {"recorded", "found"}: what compliance said changed
    untracked: tuple[str, ...]  # columns the trail never recorded: taken as found
    form: str  # FULL, BEFORE_IDENTITY or BEFORE_FINDINGS
    left_by: tuple[str, ...]  # the one-time upgrades that left the row on its older seal
    recorded_state: str  # the digest the trail last recorded for the row
    state: str  # the digest of the state sealed
    seq: int | None = None  # the `record-settled` entry, once settled

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "client" if self.kind == CLIENT else "report",
            "key": self.key,
            "id": self.record_id,
            "found": self.found,
            "changed_outside": self.changed,
            "untracked": list(self.untracked),
            "form": self.form,
            "left_by_upgrade": list(self.left_by),
            "recorded_state": self.recorded_state,
            "state": self.state,
            "seq": self.seq,
        }


def parse_was(items: list[str] | tuple[str, ...]) -> dict[str, str | None]:
    """`--was COLUMN=VALUE` options as a mapping (an empty value: none)."""
    was: dict[str, str | None] = {}
    for item in items:
        column, sep, value = item.partition("=")
        column = column.strip()
        if not sep or not column:
            raise InvalidInput(f"--was takes COLUMN=VALUE (name=... or id_number=...), not {item!r}.")
        if column in was:
            raise InvalidInput(f"--was names {column} twice.")
        was[column] = value or None
    return was


def settle_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            f"Give the reason for settling the record (at least {MIN_REASON} characters, recorded in the trail), "
            'e.g. "DBA fixed a typo in the name, ticket 4711; checked against the account opening form".'
        )
    return reason


def _last_recorded(conn: Connection, table: str, key: str, vouched: Vouched) -> tuple[str | None, int | None, bool]:
    """(the newest state the trail records for the row, its entry, whether that entry is one
    the trail's verification vouches for). Only the entries naming the key are parsed."""
    stmt = (
        select(AuditEntry.seq, AuditEntry.chain, AuditEntry.facts)
        .where(
            AuditEntry.action == RECORD_SEALED,
            IN_TRAIL,
            AuditEntry.facts.contains(f'"key":{canonical_json(key)}', autoescape=True),
        )
        .order_by(AuditEntry.seq)
    )
    state: str | None = None
    seq: int | None = None
    believed = False
    for entry_seq, chain, facts in conn.execute(stmt):
        try:
            rows = json.loads(facts).get("rows", [])
            found = [r for r in rows if str(r["table"]) == table and str(r["key"]) == key]
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        if found:
            state, seq, believed = str(found[-1]["state"]), entry_seq, vouched(entry_seq, chain)
    return state, seq, believed


def _trail_assessment(conn: Connection, investor_id: int, vouched: Vouched) -> tuple[str, str] | None:
    """The profile and date the trail's assessments (the entries vouched for) make current:
    the newest date, a later entry on the same day (as InvestorService._record). Only a hint
    for a refusal's sentence: the sealed state decides."""
    best: tuple[str, str] | None = None
    stmt = select(AuditEntry.seq, AuditEntry.chain, AuditEntry.facts).where(
        AuditEntry.investor_id == investor_id, AuditEntry.action.in_(RECORDING), IN_TRAIL
    )
    for seq, chain, facts in conn.execute(stmt.order_by(AuditEntry.seq)):
        if not vouched(seq, chain):
            continue
        try:
            data = json.loads(facts)
            profile, day = data["profile"], data["assessed"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(profile, str) and isinstance(day, str) and (best is None or day >= best[1]):
            best = (profile, day)
    return best


class SettleService:
    """`suitcheck audit settle`: preview, then settle, one client or report row."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def refused(self, actor: Actor, kind: str) -> str | None:
        """Why settling a record of this kind (a client or a report) would refuse `actor`
        (as last logged in), in the sentence it would be refused with; None when it would
        not. For a desk to offer settling only to whoever may: nothing is read or recorded
        here, and preview and settle check again (and record a refusal)."""
        if kind == REPORT:
            return self._ctx.firm_wide_refused(actor, Permission.SETTLE_RECORDS, REPORT_BRANCH_REFUSAL)
        permission = Permission.SETTLE_RECORDS
        if not may(actor.role, permission):
            return f"Your role ({actor.role.value}) may not do this ({permission.value})."
        return None

    def preview(
        self, actor: Actor, kind: str, ref: str | int, *, was: Mapping[str, str | None] | None = None
    ) -> Settlement:
        """What settling the row would seal, or the refusal settling it would meet. Reads
        only (the trail is verified, as for the settlement itself)."""
        actor = self._require(actor, kind, ref)
        with self._ctx.transaction(read_only=True) as session:
            conn = session.connection()
            return self._judge(conn, actor, kind, ref, dict(was or {}), lock=False)

    def settle(
        self,
        actor: Actor,
        kind: str,
        ref: str | int,
        reason: str,
        *,
        was: Mapping[str, str | None] | None = None,
        expected_state: str | None = None,
    ) -> Settlement:
        """Seal the row as it stands and record why, in one unit of work: a `record-settled`
        entry (the reason, the values found, what compliance said changed, the state) and
        the `record-sealed` entry every sealed write records. The author's standing and the
        row are read again inside it, under the trail's lock. `expected_state`: the state
        the preview showed; a row changed since is not settled."""
        reason = settle_reason(reason)
        actor = self._require(actor, kind, ref)
        ctx = self._ctx
        with ctx.core_transaction() as conn:
            if kind == REPORT:
                actor = ctx.require_firm_wide_in(
                    conn, actor, Permission.SETTLE_RECORDS, REPORT_BRANCH_REFUSAL, **_target(ref)
                )
            else:
                actor = ctx.require_in(conn, actor, Permission.SETTLE_RECORDS)
            found = self._judge(conn, actor, kind, ref, dict(was or {}), lock=True)
            message = self._message(conn, found)  # what is sealed: the row as judged, read once more
            if state_digest(message) != found.state or (expected_state is not None and found.state != expected_state):
                raise coded(
                    Conflict(
                        "The record changed since it was shown to you; nothing was settled. Look at it again "
                        "(`suitcheck audit settle` without --yes shows it) and settle it again."
                    ),
                    CHANGED_SINCE_SHOWN,
                )
            seal = ctx.sealer.row_seal(message)
            model: Any = Investor if kind == CLIENT else Report
            conn.execute(update(model).where(model.id == found.record_id).values(integrity=seal))
            entry = ctx.audit(
                conn,
                actor,
                AuditAction.RECORD_SETTLED,
                investor_id=found.record_id if kind == CLIENT else None,
                report_id=found.record_id if kind == REPORT else None,
                facts={
                    "table": kind,
                    "key": found.key,
                    "reason": reason,
                    "found": found.found,
                    "changed_outside": found.changed,
                    "untracked": list(found.untracked),
                    "form": found.form,
                    "left_by_upgrade": list(found.left_by),
                    "recorded_state": found.recorded_state,
                    "state": found.state,
                },
            )
            ctx.sealer.append(
                conn,
                at=ctx.now(),
                staff="system",
                action=RECORD_SEALED,
                facts={"rows": [{"table": kind, "key": found.key, "state": found.state}], "settled": entry.seq},
            )
        log.warning("%s %s settled by %s (entry %s)", kind, found.key, actor.username, entry.seq)
        return dataclasses.replace(found, seq=entry.seq)

    def _require(self, actor: Actor, kind: str, ref: str | int) -> Actor:
        if kind == REPORT:
            return self._ctx.require_firm_wide(actor, Permission.SETTLE_RECORDS, REPORT_BRANCH_REFUSAL, **_target(ref))
        return self._ctx.require(actor, Permission.SETTLE_RECORDS)

    # -- judging ----------------------------------------------------------------------------

    def _message(self, conn: Connection, found: Settlement) -> str:
        """The row's seal message now (read again in the settling transaction)."""
        if found.kind == CLIENT:
            row = conn.execute(
                select(*(getattr(Investor, c) for c in INVESTOR_COLUMNS)).where(Investor.id == found.record_id)
            ).one()
            return investor_message(row)
        row = conn.execute(REPORT_ROWS.where(Report.id == found.record_id)).one()
        return report_message(row, conn.execute(findings_of(found.record_id)).all())

    def _judge(
        self, conn: Connection, actor: Actor, kind: str, ref: str | int, was: dict[str, str | None], *, lock: bool
    ) -> Settlement:
        if kind not in (CLIENT, REPORT):
            raise InvalidInput("Name the record to settle: a client (--investor) or a report (--report).")
        vouched = vouched_entries(self._ctx.sealer, conn)
        if vouched is None:
            raise ServiceError(
                "The audit trail does not verify, so what it records cannot be believed; nothing was settled. "
                "Run `suitcheck audit verify` and investigate that first."
            )
        if lock:
            in_trail_order(self._ctx, conn)  # the row as it stands where the entry goes
        if kind == CLIENT:
            return self._client(conn, actor, ref, was, vouched, lock)
        if was:
            raise InvalidInput(
                "A report's sealed columns are all facts its decisions or lists read (level, rating, file, "
                "findings); none can be named as changed outside suitcheck. Nothing was settled."
            )
        return self._report(conn, ref, vouched, lock)

    def _recorded(self, conn: Connection, table: str, key: str, vouched: Vouched) -> str:
        state, seq, believed = _last_recorded(conn, table, key, vouched)
        if state is None:
            raise ServiceError(_sentence(table, "unrecorded", key=key))
        if not believed:
            raise ServiceError(_sentence(table, "unvouched", key=key, seq=seq))
        return state

    def _untrusted(self, conn: Connection, table: str, key: str, message: str, seal: object) -> None:
        by = self._ctx.rows.untrusted_sealer(conn, message, seal)
        if by is not None:
            raise ServiceError(_sentence(table, "untrusted", key=key, by=by))

    def _client(
        self, conn: Connection, actor: Actor, ref: str | int, was: dict[str, str | None], vouched: Vouched, lock: bool
    ) -> Settlement:
        row = resolve_investor(conn, ref, actor, lock=lock)  # the branch scope, as for every client
        account = row.account if isinstance(row.account, str) else f"#{row.id}"
        flags = conn.execute(select(flags_canonical()).where(Investor.id == row.id)).scalar()
        try:
            if not row.dates_canonical or not flags:
                raise UnreadableRecordError(account)
            investor_facts(row)  # a class or profile suitcheck never writes
            message = investor_message(row)
        except UnreadableRecordError:
            refusal = ServiceError(_sentence(CLIENT, "unreadable", key=account))
            raise coded(refusal, CLIENT_UNREADABLE, key=account) from None
        if self._ctx.rows.ok(conn, message, row.integrity):
            raise coded(InvalidInput(_sentence(CLIENT, "sound", key=account)), RECORD_SOUND, record_id=row.id)
        self._untrusted(conn, CLIENT, account, message, row.integrity)
        recorded = self._recorded(conn, CLIENT, account, vouched)
        unknown = sorted(set(was) - set(IDENTITY))
        if unknown:
            column = unknown[0]
            if column in INVESTOR_COLUMNS:
                raise InvalidInput(
                    f"{column} is a fact decisions read: a change to it made outside suitcheck is never settled. "
                    "Have it put back as the trail recorded it, settle the record, then change it through "
                    "suitcheck (`investor assess`, `investor edit`). Nothing was settled."
                )
            raise InvalidInput(
                f"{column!r} is not a column of a client's record that --was can name (name, id_number)."
            )
        values = {c: getattr(row, c) for c in INVESTOR_COLUMNS}
        same = [c for c, v in was.items() if v == values[c]]
        if same:
            column = same[0]
            refusal = InvalidInput(
                f"The record holds {column} as you give it: say the value it held before the change."
            )
            raise coded(refusal, WAS_AS_HELD, column=column)
        form: str = FULL
        untracked: tuple[str, ...] = ()
        if state_digest(investor_message({**values, **was})) == recorded:
            pass
        elif not was and state_digest(branch_era_investor_message(row)) == recorded:
            form, untracked = BEFORE_IDENTITY, IDENTITY
        else:
            raise self._client_differs(conn, row, vouched, account)
        # What is sealed as it stands: the identity named as corrected, or all of it when the
        # older seal never covered it (a name from a store before the rule on control
        # characters, as the client's own: name_problem's on_record).
        if form == FULL:
            self._refuse_odd_identity(row, was, account)
        else:
            self._refuse_odd_identity(row, IDENTITY, account, on_record=True)
        self._refuse_duplicate_id(conn, row)
        codes = branch_codes(conn)
        found = {
            "account": account,
            "name": row.name,
            "id_number": mask_id_number(row.id_number),
            "class": row.investor_class,
            "profile": RiskProfile(row.current_profile).code if row.current_profile else None,
            "assessed": row.current_assessed_on.isoformat() if row.current_assessed_on else None,
            "lowest_category": bool(row.lowest_category),
            "special_attention": bool(row.special_attention),
            "reassessment_due": bool(row.reassessment_due),
            "branch": codes.get(row.branch_id),
        }
        changed = {
            c: {"recorded": mask_id_number(v) if c == "id_number" else v, "found": found[c]} for c, v in was.items()
        }
        left = tuple(u for u in ("identity", "branches") if account in _left(conn, vouched, u, CLIENT))
        return Settlement(
            CLIENT, account, row.id, found, changed, untracked, form, left, recorded, state_digest(message)
        )

    def _client_differs(self, conn: Connection, row: Any, vouched: Vouched, account: str) -> ServiceError:
        """The refusal of a client row whose decision facts are not provably as recorded,
        saying what the trail lets us say: the profile and date its assessments make current
        (the trail records the rest of the row only as a digest)."""
        recorded = _trail_assessment(conn, row.id, vouched)
        profile = RiskProfile(row.current_profile).code if row.current_profile else "-"
        day = row.current_assessed_on.isoformat() if row.current_assessed_on else "-"
        if recorded is not None and recorded != (profile, day):
            values = {"profile": profile, "day": day, "recorded_profile": recorded[0], "recorded_day": recorded[1]}
            sentence = _sentence(CLIENT, "differs-profile", key=account, **values)
            return coded(ServiceError(sentence), PROFILE_DIFFERS, key=account, **values)
        return coded(ServiceError(_sentence(CLIENT, "differs", key=account)), CLIENT_DIFFERS, key=account)

    def _refuse_odd_identity(self, row: Any, taken: Collection[str], account: str, *, on_record: bool = False) -> None:
        """A name or ID number compliance names as corrected (or one the older seal never
        covered) is sealed as the row now holds it: only a value suitcheck itself writes
        there (as `investor add` and `investor edit` check it), and an ID number carrying the
        birth date the record holds, which decisions read and which no settlement changes."""
        if "name" in taken and name_problem(row.name, on_record=on_record) is not None:
            raise ServiceError(_sentence(CLIENT, "odd-name", key=account))
        if "id_number" in taken and row.id_number is not None:
            problem = stored_number_problem(row.id_number, row.birth_date, self._ctx.today())
            if problem is not None:
                what = "id-number-birth-date" if problem == "birth-date" else "odd-id-number"
                raise ServiceError(_sentence(CLIENT, what, key=account))

    def _refuse_duplicate_id(self, conn: Connection, row: Any) -> None:
        number = row.id_number
        if not isinstance(number, str) or not number:
            return
        # Both forms of the number (a legacy 15-digit one is the same person as its 18-digit
        # form), whichever of them the row holds.
        forms = {number}
        with contextlib.suppress(ValueError, IndexError):  # not a number stdnum can complete
            forms.update(id_number_forms(to_18_digits(number) if len(number) == 15 else number.upper()))
        other = conn.execute(
            select(Investor.id).where(Investor.id_number.in_(sorted(forms)), Investor.id != row.id).limit(1)
        ).first()
        if other is not None:
            account = row.account
            raise ServiceError(
                f"Another client holds the ID number of client {account}; nothing was settled. An ID number "
                "belongs to one client: have it put right first."
            )

    def _report(self, conn: Connection, ref: str | int, vouched: Vouched, lock: bool) -> Settlement:
        text_ref = str(ref).strip()
        number = numeric_id(text_ref)
        stmt = REPORT_ROWS.where(Report.id == number)
        row = conn.execute(stmt.with_for_update() if lock else stmt).first() if number is not None else None
        if row is None:
            text_ref = shown_reference(text_ref)  # an ID number typed in its place, masked (as find_report)
            raise NotFound(f"No report has the id {text_ref!r}.")
        report_id = int(row.id)
        key = str(report_id)
        findings = conn.execute(findings_of(report_id)).all()
        levels = {None, *(int(level) for level in RiskLevel)}
        try:
            if row.level not in levels or row.suggested_level not in levels or not isinstance(row.content_hash, str):
                raise ValueError(key)
            message = report_message(row, findings)
        except (TypeError, ValueError):
            raise ServiceError(_sentence(REPORT, "unreadable", key=key)) from None
        if self._ctx.rows.report_ok(conn, row, findings):
            raise coded(InvalidInput(_sentence(REPORT, "sound", key=key)), RECORD_SOUND, record_id=report_id)
        self._untrusted(conn, REPORT, key, message, row.integrity)
        recorded = self._recorded(conn, REPORT, key, vouched)
        form: str = FULL
        untracked: tuple[str, ...] = ()
        left = tuple(u for u in ("findings",) if key in _left(conn, vouched, u, REPORT))
        if state_digest(message) == recorded:
            pass
        elif findings and "findings" in left and state_digest(report_message(row, ())) == recorded:
            # Only a report the findings upgrade left on its older seal: any report that never
            # had a finding is in its recorded state without them, so for one given findings
            # in SQL this form would seal them as found.
            form, untracked = BEFORE_FINDINGS, ("findings",)
        else:
            raise coded(ServiceError(_sentence(REPORT, "differs", key=key)), REPORT_DIFFERS, key=key)
        found = {
            "id": report_id,
            "level": RiskLevel(row.level).code if row.level else None,
            "suggested_level": RiskLevel(row.suggested_level).code if row.suggested_level else None,
            "rated": row.rated_at is not None,
            "content_hash": row.content_hash,
            "reader": row.reader,
            "findings": [
                {"id": f.id, "code": shown(f.code), "detail": shown(f.detail), "settled": f.resolved_at is not None}
                for f in findings
            ],
        }
        return Settlement(
            REPORT, str(report_id), report_id, found, {}, untracked, form, left, recorded, state_digest(message)
        )


def _left(conn: Connection, vouched: Vouched, upgrade: str, kind: str) -> set[str]:
    """The keys of this kind an upgrade's run left on their older seal (its not_resealed list:
    a client by account, a report as `report:ID`)."""
    keys = left_by_upgrade(conn, vouched, upgrade)
    if kind == REPORT:
        return {k.split(":", 1)[1] for k in keys if k.startswith("report:")}
    return {k.split(":", 1)[1] if k.startswith("investor:") else k for k in keys}


def _target(ref: str | int) -> dict[str, int]:
    """What a refusal about a report names (its id, when the reference is one)."""
    number = numeric_id(str(ref).strip())
    return {"report_id": number} if number is not None else {}
