"""Questionnaire versions: the shipped default, the versions compliance imports, reading them back."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from suitcheck.audit.chain import IN_TRAIL, stamp_moment
from suitcheck.domain.calendar import firm_day
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    from_dict,
    load_json_object,
    parse_definition,
)
from suitcheck.domain.replay import MAX_POLICY_VERSION
from suitcheck.domain.roles import Permission
from suitcheck.regularfile import NotRegular, read_regular
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import Conflict, InvalidInput, ServiceError
from suitcheck.services.integrity import RowSealer
from suitcheck.store.models import AuditEntry, QuestionnaireVersion

log = logging.getLogger(__name__)

DEFAULT_RESOURCE = "questionnaire/default.json"
# The most a questionnaire file or an answers file may hold. The shipped questionnaire is
# 13 KB and an answers file a few hundred bytes; the domain bounds each text (500
# characters a question, 200 an answer), and a questionnaire a client answers at a desk
# has tens of questions. 1 MiB is some 80 times the shipped one: nothing real comes near,
# and reading and parsing it takes a moment and a few MB.
QUESTIONNAIRE_FILE_MAX_BYTES = 1 << 20


def read_questionnaire_file(path: Path) -> str:
    """The text of a questionnaire file or an answers file (UTF-8, a BOM allowed), refused
    in a sentence when it cannot be read, is no plain file (a device, a pipe: never waited
    on), or is larger than QUESTIONNAIRE_FILE_MAX_BYTES."""
    try:
        data = read_regular(path, QUESTIONNAIRE_FILE_MAX_BYTES)
        if data is None:
            raise InvalidInput(
                f"{path} is larger than 1 MB, far more than a questionnaire or its answers; nothing was read."
            )
        return data.decode("utf-8-sig")
    except NotRegular as exc:
        raise InvalidInput(f"{path} is not a plain file (a device, a pipe or a socket); nothing was read.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise InvalidInput(f"The file {path} cannot be read: {reason}.") from exc


@functools.cache
def default_questionnaire() -> Questionnaire:
    """The definition shipped with the program; it is version 1 until compliance imports one."""
    text = resources.files("suitcheck.resources").joinpath(DEFAULT_RESOURCE).read_text("utf-8")
    data = load_json_object(text, "shipped questionnaire")
    return from_dict(data, require_checksum=True).with_version(1)


@functools.lru_cache(maxsize=16)
def _parse_stored(version: int, document: str, checksum: str) -> Questionnaire:
    data = load_json_object(document, f"stored questionnaire version {version}")
    questionnaire = from_dict(data, require_checksum=True)
    if questionnaire.checksum != checksum:
        raise QuestionnaireError("its checksum does not match the one recorded when it was imported")
    return questionnaire.with_version(version)


def load_version(session: Session | Connection, rows: RowSealer, version: int | None = None) -> Questionnaire:
    """The newest (or the given) stored version; the shipped default when none is stored.
    A stored version that was altered, or that suitcheck did not store (its seal fails:
    inserted or edited in SQL, its checksum recomputed), is refused, never replaced by the
    default or by an older version."""
    conn = session.connection() if isinstance(session, Session) else session
    if version is not None and not 1 <= version <= MAX_POLICY_VERSION:  # no version column holds it
        raise InvalidInput(f"There is no questionnaire version {version}.")
    q = QuestionnaireVersion.__table__.c
    stmt = select(q.version, q.document, q.checksum, q.integrity)
    stmt = stmt.order_by(q.version.desc()).limit(1) if version is None else stmt.where(q.version == version)
    # The trail before the row: in a unit of work that writes (READ COMMITTED on
    # PostgreSQL), a version imported between the two reads is then seen as a row the
    # trail does not name yet, never as an import whose row is missing.
    recorded = _newest_imported(conn) if version is None else None
    row = conn.execute(stmt).first()
    if recorded is not None:
        _refuse_missing_newest(recorded, row.version if row is not None else 1)
    if row is None:
        if version in (None, 1):
            return default_questionnaire()
        raise InvalidInput(f"There is no questionnaire version {version}.")
    if not rows.questionnaire_ok(conn, row.version, row.document, row.checksum, row.integrity):
        log.warning("questionnaire version %s fails its integrity seal; nothing is assessed with it", row.version)
        raise ServiceError(
            f"The stored questionnaire version {row.version} was not written by suitcheck (its seal does not match); "
            "nothing was assessed with it. Compliance must run `suitcheck audit verify` and investigate."
        )
    try:
        return _parse_stored(row.version, row.document, row.checksum)
    except QuestionnaireError as exc:
        raise ServiceError(
            f"The stored questionnaire version {row.version} is damaged ({str(exc).rstrip('.')}); "
            "nothing was assessed with it."
        ) from exc


_IMPORTED_AT = select(AuditEntry.at, AuditEntry.facts).where(
    AuditEntry.action == AuditAction.QUESTIONNAIRE_IMPORT.value, IN_TRAIL
)
_IMPORTED = _IMPORTED_AT.with_only_columns(AuditEntry.facts)


def _newest_imported(conn: Connection) -> int | None:
    """The newest version the trail records importing. Imports are few; an entry whose
    facts name no version (not suitcheck's) is passed over, and cannot hide the others."""
    imported = [_imported_version(facts) for (facts,) in conn.execute(_IMPORTED)]
    return max((v for v in imported if v is not None), default=None)


def _refuse_missing_newest(recorded: int, newest: object) -> None:
    """Refuse when the trail records importing a version newer than the store's newest:
    that version was deleted in SQL, and the one before it (sealed, suitcheck's own) must
    not assess in its place."""
    if isinstance(newest, int) and recorded > newest:
        log.warning("the trail records questionnaire version %s, the store's newest is %s", recorded, newest)
        raise ServiceError(
            f"The audit trail records importing questionnaire version {recorded}, but the store's newest is "
            f"version {newest}: the newer one was removed outside suitcheck, and nothing was assessed. "
            "Compliance must run `suitcheck audit verify` and investigate."
        )


def _imported_version(facts: object) -> int | None:
    try:
        data = json.loads(facts) if isinstance(facts, str | bytes) else None
    except ValueError:
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if version.__class__ is int else None


def in_use_since(session: Session, version: int) -> dt.date | None:
    """The firm's day a stored version was imported, from which clients could answer it;
    None for the shipped default (version 1, in use from the start, stored when first used).
    A paper dated earlier was answered on an earlier version and is never scored on this one.

    The later of the version row's creation time and the moment the trail records its
    import: the row's time is no seal's, and moved back in SQL it would let a paper older
    than the version be scored on it; the trail's entry is under the chain (an entry
    redated in SQL fails `audit verify`), and the later day refuses more, never less."""
    if version <= 1:
        return None
    created = session.execute(
        select(QuestionnaireVersion.created_at).where(QuestionnaireVersion.version == version)
    ).scalar_one_or_none()
    days = [firm_day(created)] if created is not None else []
    for at, facts in session.execute(_IMPORTED_AT):
        moment = stamp_moment(at)
        if moment is not None and _imported_version(facts) == version:
            days.append(firm_day(moment))
    return max(days, default=None)


def ensure_stored(session: Session, questionnaire: Questionnaire, actor: Actor | None, now: object) -> None:
    """Store the shipped default as version 1 the first time something depends on it, so
    every assessment names a version the store itself holds."""
    if questionnaire.version != 1:
        return
    if session.get(QuestionnaireVersion, 1) is None:
        session.add(
            QuestionnaireVersion(
                version=1,
                document=questionnaire.to_json(),
                checksum=questionnaire.checksum,
                created_at=now,
                created_by=actor.staff_id if actor and actor.staff_id else None,
            )
        )
        session.flush()


_FIRM_WIDE_ONLY = (
    "The questionnaire assesses every branch's clients: only firm-wide (head-office) compliance may "
    "import a new version."
)


class QuestionnaireService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def current(self, actor: Actor, version: int | None = None) -> Questionnaire:
        self._ctx.require(actor, Permission.VIEW_CLIENTS)
        with self._ctx.transaction(read_only=True) as session:
            return load_version(session, self._ctx.rows, version)

    def import_definition(self, actor: Actor, text: str) -> Questionnaire:
        """Store a new version from a definition file. Past assessments keep theirs. One
        questionnaire assesses every branch's clients: firm-wide staff only."""
        actor = self._ctx.require_firm_wide(actor, Permission.CHANGE_POLICY, _FIRM_WIDE_ONLY)
        try:
            new = parse_definition(text)
        except QuestionnaireError as exc:
            raise InvalidInput(f"The questionnaire was not imported: {str(exc)[0].lower()}{str(exc)[1:]}") from exc
        with self._ctx.transaction() as session:
            # Its author as the store has them where the version commits (disabled meanwhile: none).
            actor = self._ctx.require_firm_wide_in(session, actor, Permission.CHANGE_POLICY, _FIRM_WIDE_ONLY)
            current = load_version(session, self._ctx.rows)
            if current.checksum == new.checksum:
                raise Conflict(f"This questionnaire is already the current version ({current.version}).")
            ensure_stored(session, current, actor, self._ctx.now())
            latest = session.execute(select(func.max(QuestionnaireVersion.version))).scalar_one() or 0
            stored = new.with_version(latest + 1)
            session.add(
                QuestionnaireVersion(
                    version=stored.version,
                    document=stored.to_json(),
                    checksum=stored.checksum,
                    created_at=self._ctx.now(),
                    created_by=actor.staff_id or None,
                )
            )
            self._ctx.audit(
                session,
                actor,
                AuditAction.QUESTIONNAIRE_IMPORT,
                facts={
                    "version": stored.version,
                    "checksum": stored.checksum,
                    "previous": current.version,
                    "questions": len(stored.questions),
                },
            )
            log.info("questionnaire version %s imported by %s", stored.version, actor.username)
            return stored
