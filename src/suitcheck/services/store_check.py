"""The store's page-level integrity check: run in the background at start-up (GUI) and
before `audit verify`, shown to the user and recorded in the audit trail."""

from __future__ import annotations

import dataclasses
import logging
import time

from sqlalchemy import exc as sa_exc

from suitcheck.domain.codes import AuditAction
from suitcheck.services.context import SYSTEM, Actor, ServiceContext
from suitcheck.services.errors import ServiceError
from suitcheck.store.engine import describe_db_error

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class StoreCheck:
    ok: bool
    problem: str | None
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class StoreCheckService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def check(self, actor: Actor = SYSTEM) -> StoreCheck:
        """Read every page of the store; record the result. Never raises for a damaged
        store: the result says so, in one sentence a user can act on."""
        start = time.perf_counter()
        where = self._ctx.store.display_name
        try:
            problem = self._ctx.store.integrity_problem()
            message = problem and f"The store {where} is damaged ({problem}); restore it from a backup."
        except sa_exc.DBAPIError as exc:
            problem = str(exc.orig or exc).splitlines()[0]
            message = describe_db_error(exc, where)
        result = StoreCheck(problem is None, message, round(time.perf_counter() - start, 3))
        if not result.ok:
            log.error("store check failed: %s", problem)
        try:
            with self._ctx.transaction() as session:
                self._ctx.audit(session, actor, AuditAction.STORE_CHECKED, facts={"ok": result.ok, "problem": problem})
        except ServiceError:  # a damaged store may refuse the record; the result still stands
            log.exception("could not record the store check")
        return result
