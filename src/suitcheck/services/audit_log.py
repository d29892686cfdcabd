"""Audit use cases: browse, verify the store's chain, export with a manifest, verify exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from suitcheck.audit import chain
from suitcheck.audit.export import (
    ExportError,
    ExportRow,
    ExportVerification,
    verify_export,
    verify_prefix,
    write_export,
)
from suitcheck.domain.identity import mask_id_number
from suitcheck.domain.roles import Permission, may
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import InvalidInput, ServiceError
from suitcheck.store.models import AuditEntry, Investor, Report

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    staff: str | None = None
    investor_id: int | None = None
    report_id: int | None = None
    decision: str | None = None
    action: str | None = None

    @property
    def empty(self) -> bool:
        return self == AuditFilter()

    def to_dict(self) -> dict[str, object]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in dataclasses.asdict(self).items()
            if v is not None
        }


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00.000000Z"


def _filtered(flt: AuditFilter) -> Select[Any]:
    stmt = (
        select(AuditEntry, Investor.account, Investor.name, Investor.id_number, Report.title)
        .outerjoin(Investor, Investor.id == AuditEntry.investor_id)
        .outerjoin(Report, Report.id == AuditEntry.report_id)
    )
    # `at` is an ISO-8601 UTC string, so string order is time order.
    if flt.since:
        stmt = stmt.where(AuditEntry.at >= _stamp(flt.since))
    if flt.until:
        stmt = stmt.where(AuditEntry.at < _stamp(flt.until + dt.timedelta(days=1)))
    if flt.staff:
        stmt = stmt.where(AuditEntry.staff == flt.staff)
    if flt.investor_id is not None:
        stmt = stmt.where(AuditEntry.investor_id == flt.investor_id)
    if flt.report_id is not None:
        stmt = stmt.where(AuditEntry.report_id == flt.report_id)
    if flt.decision:
        stmt = stmt.where(AuditEntry.decision == flt.decision)
    if flt.action:
        stmt = stmt.where(AuditEntry.action == flt.action)
    return stmt  # type: ignore[no-any-return,return-value]


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def _rows(
        self,
        session: Session,
        flt: AuditFilter,
        full_id: bool,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> Iterator[ExportRow]:
        order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
        stmt = _filtered(flt).order_by(order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        for e, account, name, id_number, title in session.execute(stmt.execution_options(yield_per=5000)):
            yield ExportRow(
                e.seq,
                e.at,
                e.staff,
                e.action,
                e.investor_id,
                e.report_id,
                e.decision,
                e.reasons,
                e.facts,
                e.prev_hash,
                e.entry_hash,
                account,
                name,
                id_number if full_id else mask_id_number(id_number),
                title,
            )

    def browse(
        self, actor: Actor, flt: AuditFilter = AuditFilter(), *, limit: int = 200, offset: int = 0
    ) -> list[ExportRow]:
        self._ctx.require(actor, Permission.VIEW_AUDIT)
        with self._ctx.transaction(read_only=True) as session:
            return list(self._rows(session, flt, False, limit=limit, offset=offset, newest_first=True))

    def count(self, actor: Actor, flt: AuditFilter = AuditFilter()) -> int:
        self._ctx.require(actor, Permission.VIEW_AUDIT)
        with self._ctx.transaction(read_only=True) as session:
            sub = _filtered(flt).with_only_columns(AuditEntry.seq).subquery()
            return int(session.execute(select(func.count()).select_from(sub)).scalar_one())

    def verify(self, actor: Actor) -> chain.VerifyResult:
        """Verify the whole chain and its checkpoints; the verification itself is recorded."""
        self._ctx.require(actor, Permission.VERIFY_AUDIT)
        with self._ctx.transaction(read_only=True) as session:
            result = chain.verify_store(session, self._ctx.audit_key)
        with self._ctx.transaction() as session:
            self._ctx.audit(
                session,
                actor,
                "audit-verified",
                facts={"ok": result.ok, "count": result.count, "bad_seq": result.bad_seq},
            )
            if result.ok:
                chain.checkpoint_head(session, self._ctx.audit_key, self._ctx.now())
        return result

    def verify_file(self, actor: Actor, path: Path, earlier: Path | None = None) -> ExportVerification:
        """Verify an export offline; with `earlier`, also prove that export is its prefix."""
        self._ctx.require(actor, Permission.VERIFY_AUDIT)
        try:
            if earlier is not None:
                return verify_prefix(earlier, path, self._ctx.audit_key)
            return verify_export(path, self._ctx.audit_key)
        except ExportError as exc:
            raise InvalidInput(str(exc)) from exc

    def export(
        self,
        actor: Actor,
        out: Path,
        fmt: str,
        flt: AuditFilter = AuditFilter(),
        *,
        full_id_numbers: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, object]:
        """Export entries. ID numbers are masked unless asked for and the role may see them."""
        self._ctx.require(actor, Permission.EXPORT_AUDIT)
        if full_id_numbers:
            self._ctx.require(actor, Permission.SEE_FULL_ID)
        full = full_id_numbers and may(actor.role, Permission.SEE_FULL_ID)
        if flt.since and flt.until and flt.since > flt.until:
            raise InvalidInput("The start date is after the end date.")
        now = self._ctx.now()
        with self._ctx.transaction() as session:
            head = chain.checkpoint_head(session, self._ctx.audit_key, now)
        context = {
            "filtered": not flt.empty,
            "filters": flt.to_dict(),
            "full_id_numbers": full,
            "exported_at": chain.utc_stamp(now),
            "exported_by": actor.username,
            "store_head": {"seq": head[0], "hash": head[1]} if head else None,
        }
        try:
            with self._ctx.transaction(read_only=True) as session:
                manifest = write_export(
                    out,
                    fmt,
                    self._rows(session, flt, full),
                    key=self._ctx.audit_key,
                    context=context,
                    progress=progress,
                )
        except ExportError as exc:
            raise ServiceError(str(exc)) from exc
        log.info("audit export by %s: %s entries to %s (%s)", actor.username, manifest["count"], out.name, fmt)
        with self._ctx.transaction() as session:
            self._ctx.audit(
                session,
                actor,
                "export",
                facts={
                    "format": fmt,
                    "file": out.name,
                    "count": manifest["count"],
                    "last_hash": manifest["last_hash"],
                    "full_id_numbers": full,
                    "filters": flt.to_dict(),
                },
            )
        return manifest
