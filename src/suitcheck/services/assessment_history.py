"""A client's assessment history against the trail (`audit verify`).

Decisions read only the sealed client row (current profile, its date, the lowest
category), so the `assessment` rows behind it carry no seal of their own. They are still
the record the rulebook says must be kept unaltered: each past assessment's profile, date,
questionnaire version, answers and score. Every way suitcheck writes one also writes the
trail entry that records it, in the same transaction:

- `assessment` (an assessment recorded by hand or from the questionnaire, or an import's
  new assessment of a known client): profile, date, lowest category, method, the note
  (a questionnaire's only since session 11: an older entry does not record it, and that
  note is not compared); for the questionnaire its version, score and the answers' SHA-256;
- `client-added` with a profile (a new client from an import): profile, date, lowest
  category;
- `client-edited` with a profile (an import that changed a client and assessed them
  anew): as `assessment`.

So every row must match one such entry of its client, and every such entry must still
have its row: a row changed, added or deleted in SQL is named (a branch-scoped verifier
learns only that one of another branch's clients is affected). The stored answers must
also still hash to the SHA-256 the trail recorded. Who recorded a row and when are not
compared (the entry's own time and staff are the record of that).

Both sides are read in client order, one client at a time, so memory stays flat on a
store of a million clients.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, select, type_coerce

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.store.models import Assessment, AuditEntry, Investor

# The entries that record an assessment row (when their facts name a profile).
RECORDING = (AuditAction.ASSESSMENT.value, AuditAction.CLIENT_ADDED.value, AuditAction.CLIENT_EDITED.value)
_ABSENT = object()  # a fact the entry does not record: not compared

_A = Assessment.__table__.c
_ROWS = select(
    _A.investor_id,
    _A.profile,
    type_coerce(_A.assessed_on, String).label("assessed_on"),  # as stored, not through the date reader
    type_coerce(_A.lowest_category, Integer).label("lowest_category"),
    _A.questionnaire_version,
    _A.score,
    _A.answers,
    _A.answers_hash,
    _A.note,
).order_by(_A.investor_id, _A.id)
_ENTRIES = (
    select(AuditEntry.investor_id, AuditEntry.facts)
    .where(AuditEntry.action.in_(RECORDING), AuditEntry.investor_id.is_not(None))
    .order_by(AuditEntry.investor_id, AuditEntry.seq)
)

# What a branch-scoped verifier is told when the client is not theirs to see.
HIDDEN_SENTENCES = {
    "history": (
        "the assessment history of a client of another branch differs from what the trail recorded; "
        "head-office compliance can see which"
    )
}


# A row and the entry that wrote it, in the same terms: profile code, date (ISO text), lowest
# category, questionnaire version, score, the answers' SHA-256, note. Plain tuples (a verify
# of a million clients builds two per client). An entry that does not record a note holds
# _ABSENT there, and the note is then not compared; a value suitcheck never writes is held
# as ("stored", value), which equals nothing an entry records.
Facts = tuple[object, ...]
_ASSESSED, _NOTE = 1, 6
_CODES = {int(p): p.code for p in RiskProfile}
_FLAGS = {0: False, 1: True}  # also True and False themselves (PostgreSQL's booleans)


def recorded(text: str) -> Facts | None:
    """What an entry's facts record of the assessment row it wrote, or None if it wrote none."""
    try:
        facts = json.loads(text)
    except ValueError:
        return None  # the chain's MACs vouch for the facts; suitcheck writes JSON
    if not isinstance(facts, dict) or "profile" not in facts:
        return None
    get = facts.get
    if get("method") == "questionnaire":
        scored = (get("questionnaire_version"), get("score"), get("answers_sha256"))
    else:
        scored = (None, None, None)
    return (facts["profile"], get("assessed"), get("lowest_category"), *scored, get("note", _ABSENT))


def stored(row: Any) -> Facts:
    """An assessment row (as _ROWS selects it) in the terms the trail records."""
    _, profile, assessed, lowest, version, score, answers, answers_hash, note = row
    return (
        _CODES.get(profile, ("stored", profile)) if profile.__class__ is int else ("stored", profile),
        assessed.isoformat() if isinstance(assessed, dt.date) else assessed,
        _FLAGS.get(lowest, ("stored", lowest)) if lowest.__class__ in (int, bool) else ("stored", lowest),
        version,
        score,
        _answers_sha256(answers, answers_hash),
        note,
    )


def matches(row: Facts, entry: Facts) -> bool:
    return row == entry if entry[_NOTE] is not _ABSENT else row[:_NOTE] == entry[:_NOTE]


_BROKEN = ("answers", "altered")


def _answers_sha256(answers: object, recorded_hash: object) -> object:
    """The answers' SHA-256 when it is the one stored beside them; _BROKEN (matches no
    entry) when the answers or their stored hash were changed apart."""
    if answers is None and recorded_hash is None:
        return None
    if not isinstance(answers, str) or hashlib.sha256(answers.encode("utf-8")).hexdigest() != recorded_hash:
        return _BROKEN
    return recorded_hash


@dataclass(frozen=True)
class Mismatch:
    """A client whose rows and entries do not pair off: the first row no entry records,
    and the first entry no row is left for (either may be None)."""

    investor_id: int
    row: Facts | None
    entry: Facts | None

    def sentence(self, account: object) -> str:
        name = account if isinstance(account, str) else f"#{self.investor_id}"
        if self.row is not None:
            day = _day(self.row[_ASSESSED])
            if self.investor_id < 0:  # a client id suitcheck never writes (text, in SQLite)
                message = f"an assessment of {day} names no client: its client was changed outside suitcheck"
            elif self.entry is not None:
                message = f"client {name}'s assessment of {day} differs from what the trail recorded for it"
            else:
                message = f"client {name}'s assessment of {day} is not recorded in the trail"
            return message
        assert self.entry is not None
        day = _day(self.entry[_ASSESSED])
        message = f"client {name}'s assessment of {day}, recorded in the trail, is missing from the store"
        return message


def _day(value: object) -> str:
    return value if isinstance(value, str) and 0 < len(value) <= 32 and value.isprintable() else "(unreadable date)"


def _client(row: Any) -> int:
    """The row's client id; -1 for a value suitcheck never writes there (SQLite keeps text
    in an INTEGER column), so the merge can still order it and it pairs off with nothing."""
    value = row[0]
    return value if value.__class__ is int else -1


def _grouped(rows: Iterable[Any], make: Callable[[Any], Any]) -> Iterator[tuple[int, list[Any]]]:
    for investor_id, group in itertools.groupby(rows, key=_client):
        made = [m for m in map(make, group) if m is not None]
        if made:
            yield investor_id, made


def _pairing(rows: list[Facts], entries: list[Facts]) -> tuple[list[bool], list[Facts]]:
    """Each row with an entry that records it: whether it found one, and the entries left."""
    paired, left = _paired(rows, entries)
    return [entry is not None for entry in paired], left


def _paired(rows: list[Facts], entries: list[Facts]) -> tuple[list[Facts | None], list[Facts]]:
    """Each row's entry that records it (None: no entry does), and the entries left."""
    left = list(entries)
    paired: list[Facts | None] = []
    for row in rows:
        match = next((i for i, entry in enumerate(left) if matches(row, entry)), None)
        paired.append(left.pop(match) if match is not None else None)
    return paired, left


def _pair_off(rows: list[Facts], entries: list[Facts]) -> tuple[Facts | None, Facts | None]:
    """The first row no entry records and the first entry left over (either may be None)."""
    found, left = _pairing(rows, entries)
    unmatched = next((row for row, ok in zip(rows, found, strict=True) if not ok), None)
    return unmatched, (left[0] if left else None)


@dataclass(frozen=True)
class ClientHistory:
    """One client's assessment rows (in the order they were written) against the trail."""

    recorded: list[bool]  # each row: whether the trail records it as it stands
    latest_recorded: bool  # the newest row is what the trail recorded last for the client
    # Each row: whether the entry that records it records its note too (an import's new
    # client's entry does not: that note is not compared, so nothing vouches for it).
    note_recorded: list[bool] = dataclasses.field(default_factory=list)


def client_history(conn: Any, investor_id: int) -> ClientHistory:
    """One client's rows and entries, read once, paired off (the client page, the
    confirmation sheet). The newest row must also be the last recorded: an older row left
    newest by deleting the rows written after it is recorded, but not the client's latest."""
    rows = [stored(r) for r in conn.execute(_ROWS.where(_A.investor_id == investor_id))]
    made = (recorded(r.facts) for r in conn.execute(_ENTRIES.where(AuditEntry.investor_id == investor_id)))
    entries = [entry for entry in made if entry is not None]
    paired = _paired(rows, entries)[0]
    found = [entry is not None for entry in paired]
    latest = bool(rows and entries) and found[-1] and matches(rows[-1], entries[-1])
    notes = [entry is not None and entry[_NOTE] is not _ABSENT for entry in paired]
    return ClientHistory(found, latest, notes)


class HistoryCheck:
    """Every client's assessment rows paired off with the trail entries that recorded
    them, both read in client order (flat memory on a store of a million clients)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.rows = 0  # assessment rows compared so far

    def mismatches(self) -> Generator[Mismatch, None, None]:
        """Every client whose rows and entries do not pair off, in client order."""
        streamed = {"stream_results": True, "yield_per": 2_000}
        with (
            self.conn.execute(_ROWS.execution_options(**streamed)) as row_result,
            self.conn.execute(_ENTRIES.execution_options(**streamed)) as entry_result,
        ):
            rows = _grouped(row_result, stored)
            entries = _grouped(entry_result, lambda r: recorded(r[1]))
            row, entry = next(rows, None), next(entries, None)
            while row is not None or entry is not None:
                # The next client in order, with its rows and entries (none on a side that
                # has moved past it).
                client = min(side[0] for side in (row, entry) if side is not None)
                mine = row[1] if row is not None and row[0] == client else []
                theirs = entry[1] if entry is not None and entry[0] == client else []
                self.rows += len(mine)
                unmatched, left = _pair_off(mine, theirs)
                if unmatched is not None or left is not None:
                    yield Mismatch(client, unmatched, left)
                if mine:
                    row = next(rows, None)
                if theirs:
                    entry = next(entries, None)

    def first_problem(self, names_client: Callable[[Any], bool]) -> str | None:
        """The first mismatch as a sentence; it names the client only when
        `names_client(branch_id)` allows it."""
        found = self.mismatches()
        try:
            mismatch = next(found, None)
        finally:
            found.close()
        if mismatch is None:
            return None
        client = self.conn.execute(
            select(Investor.account, Investor.branch_id).where(Investor.id == mismatch.investor_id)
        ).first()
        if not names_client(client.branch_id if client is not None else None):
            return HIDDEN_SENTENCES["history"]
        return mismatch.sentence(client.account if client is not None else None)
