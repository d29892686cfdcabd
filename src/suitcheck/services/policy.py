"""Firm policy versions: read the current one, store a new version (never edit an old one)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskLevel
from suitcheck.domain.policy import (
    DEFAULT_SUBJECTS,
    Policy,
    PolicyError,
    SubjectChange,
    check_new_warning_text,
    checked_subjects,
    next_warning_version,
    subject_changes,
    subject_diff,
    subject_rows,
    unlifted_levels,
)
from suitcheck.domain.roles import Permission, may
from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.textfile import decode_text
from suitcheck.regularfile import read_regular
from suitcheck.services.context import Actor, ServiceContext, in_trail_order
from suitcheck.services.errors import Conflict, InvalidInput, ServiceError
from suitcheck.services.scope import sees_all_branches
from suitcheck.store.models import PolicyVersion

log = logging.getLogger(__name__)

_BRANCH_REFUSAL = "The policy decides for every branch: only firm-wide (head-office) compliance may change it."
# Set only by the service: the version numbers, and the warning's version (a new one
# whenever its text changes, so an override always names the words that were shown).
_MANAGED = ("version", "warning_version")
# A subject table file is a list of keywords: 10,000 rows are about 200 kB.
SUBJECT_FILE_MAX_BYTES = 10_000_000


@dataclasses.dataclass(frozen=True)
class SubjectPreview:
    """A subject table not yet stored, against the current version: the table as it would
    be kept, what it adds, removes and re-levels, and the levels above the main board it
    leaves without a keyword (domain.policy.unlifted_levels)."""

    based_on: int
    table: tuple[tuple[str, RiskLevel], ...]
    changes: tuple[SubjectChange, ...]
    unlifted: tuple[RiskLevel, ...]


@contextlib.contextmanager
def _table_refused() -> Iterator[None]:
    """A subject table the domain refuses, as the sentence every caller shows."""
    try:
        yield
    except PolicyError as exc:
        raise InvalidInput(f"The subject table is not valid: {exc}.") from exc


class PolicyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def current(self) -> Policy:
        with self._ctx.transaction(read_only=True) as session:
            return self._ctx.policy(session)

    def version(self, version: int) -> Policy:
        """A stored version, to see what a decision stamped with it was decided under."""
        with self._ctx.transaction(read_only=True) as session:
            return self._ctx.policy_version(session, version)

    def update(self, actor: Actor, *, based_on: int | None = None, **changes: Any) -> Policy:
        """Store a new version with the given fields changed; past decisions keep theirs.

        `based_on`: the version the caller showed (a dialog sends every field it shows, a
        subject table replaces the whole table). When another version was stored since,
        nothing is stored and the sentence says so: storing would silently undo the other
        officer's change."""
        actor = self._require_firm_wide(actor)
        managed = [k for k in changes if k in _MANAGED]
        if managed:
            raise InvalidInput(f"{', '.join(managed)} cannot be set; the program numbers versions itself.")
        with self._ctx.transaction() as session:
            # Its author as the store has them where the version commits (disabled meanwhile: none).
            actor = self._ctx.require_firm_wide_in(session, actor, Permission.CHANGE_POLICY, _BRANCH_REFUSAL)
            # Under the trail's lock before reading (PostgreSQL, read committed): another
            # officer's version stored between reading the current one and numbering this one
            # was silently undone, this one built on the version before it.
            in_trail_order(self._ctx, session.connection())
            current = self._ctx.policy(session)
            latest = session.execute(select(func.max(PolicyVersion.version))).scalar_one()
            if based_on is not None and based_on != current.version:
                raise Conflict(
                    f"Policy version {current.version} was stored since you looked at version {based_on}; "
                    "nothing was stored. Look at the current policy and make your change again."
                )
            data = {**current.to_dict(), **changes, "version": max(latest or 0, current.version) + 1}
            new_warning = "warning_text" in changes and changes["warning_text"] != current.warning_text
            if new_warning:
                data["warning_version"] = next_warning_version(current.warning_version)
            try:
                if new_warning:
                    check_new_warning_text(changes["warning_text"])
                new = Policy.from_dict(data)
            except (PolicyError, TypeError) as exc:
                raise InvalidInput(f"The policy change is not valid: {exc}.") from exc
            if new.to_dict() | {"version": 0} == current.to_dict() | {"version": 0}:
                raise InvalidInput("The policy already has these values; no new version was stored.")
            session.add(
                PolicyVersion(
                    version=new.version,
                    document=new.to_json(),
                    created_at=self._ctx.now(),
                    created_by=actor.staff_id or None,
                )
            )
            self._ctx.audit(
                session,
                actor,
                AuditAction.POLICY_CHANGE,
                facts={
                    "version": new.version,
                    "changes": {
                        # A subject table is recorded as what it adds, removes and re-levels.
                        k: subject_changes(current.subjects, new.subjects) if k == "subjects" else str(v)
                        for k, v in changes.items()
                    },
                },
            )
            return new

    def change_refused(self, actor: Actor) -> str | None:
        """Why `actor` may not change the policy, as the sentence a change would be refused
        with; None when they may (as last logged in: the change itself re-checks). For a
        screen that shows the policy read-only to whoever may only read it."""
        if not may(actor.role, Permission.CHANGE_POLICY):
            return "Your role may not change the policy."
        if not sees_all_branches(actor):
            return _BRANCH_REFUSAL
        return None

    def _require_firm_wide(self, actor: Actor) -> Actor:
        """CHANGE_POLICY, held by firm-wide staff: one policy decides for every branch's
        clients, so a branch-scoped officer (who may not see another branch's clients) does
        not change it."""
        return self._ctx.require_firm_wide(actor, Permission.CHANGE_POLICY, _BRANCH_REFUSAL)

    def preview_subjects(self, actor: Actor, rows: Iterable[tuple[str, str]]) -> SubjectPreview:
        """What storing `rows` as the subject table would change, without storing it:
        refused as set_subjects would refuse it. Pass its `based_on` to set_subjects."""
        actor = self._require_firm_wide(actor)
        with _table_refused():
            table = checked_subjects(rows)
        current = self.current()
        if dict(table) == dict(current.subjects):
            raise InvalidInput("The policy already has these subject keywords; no new version was stored.")
        return SubjectPreview(
            based_on=current.version,
            table=table,
            changes=subject_diff(current.subjects, table),
            unlifted=unlifted_levels(current.subjects, table),
        )

    def set_subjects(self, actor: Actor, rows: Iterable[tuple[str, str]], *, based_on: int | None = None) -> Policy:
        """Store a new version whose subject table is `rows` (keyword, level). Reports
        already imported keep the subject level found when they were read. `based_on`: the
        version a preview compared with (refused when another was stored since)."""
        preview = self.preview_subjects(actor, rows)
        return self.update(actor, based_on=based_on, subjects=preview.table)

    def default_subject_rows(self) -> list[tuple[str, str]]:
        """This release's built-in subject table, as rows for preview_subjects and set_subjects."""
        return [(word, level.code) for word, level in DEFAULT_SUBJECTS]

    def subject_file_rows(self, path: Path) -> list[tuple[str, str]]:
        """A subject table file's rows (domain.policy.subject_rows), in the encodings a
        spreadsheet saves: UTF-8 with or without a BOM, GBK (Excel's 'CSV' on a Chinese
        Windows), UTF-16 ('Unicode text'). Refused in one sentence naming the file."""
        try:
            data = read_regular(path, SUBJECT_FILE_MAX_BYTES)  # a pipe or a device: refused, never waited on
            if data is None:
                raise InvalidInput(
                    f"Cannot read the subject table {path.name}: it is larger than 10 MB; "
                    "a subject table is a list of keywords."
                )
            text, _ = decode_text(data)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InvalidInput(f"Cannot read the subject table {path.name}: {reason}.") from exc
        except IngestError as exc:
            raise InvalidInput(f"Cannot read the subject table {path.name}: {exc}") from exc
        with _table_refused():
            return subject_rows(text)

    def import_subjects(self, actor: Actor, text: str) -> Policy:
        """`set_subjects` from a table file's text (domain.policy.subject_rows)."""
        self._ctx.require(actor, Permission.CHANGE_POLICY)
        with _table_refused():
            rows = subject_rows(text)
        return self.set_subjects(actor, rows)

    def default_subjects(self, actor: Actor) -> Policy:
        """Store a new version with the built-in subject table (this release's keywords;
        a store made by an earlier release keeps the table of its own versions until then)."""
        return self.set_subjects(actor, self.default_subject_rows())

    def store_default(self) -> None:
        """Store the built-in default as version 1 when the store has no version 1, so
        every version a decision was stamped with can be replayed from the store.
        Idempotent; a store that cannot be written (read-only copy) keeps working."""
        try:
            with self._ctx.transaction() as session:
                if session.get(PolicyVersion, 1) is not None:
                    return
                session.add(
                    PolicyVersion(version=1, document=Policy().to_json(), created_at=self._ctx.now(), created_by=None)
                )
        except (sa_exc.IntegrityError, ServiceError) as exc:  # another desktop stored it first, or read-only
            log.info("default policy not stored: %s", exc)
