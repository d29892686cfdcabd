"""Firm policy versions: read the current one, store a new version (never edit an old one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from suitcheck.domain.policy import Policy, PolicyError
from suitcheck.domain.roles import Permission
from suitcheck.services.context import Actor, ServiceContext
from suitcheck.services.errors import InvalidInput
from suitcheck.store.models import PolicyVersion


class PolicyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def current(self) -> Policy:
        with self._ctx.transaction(read_only=True) as session:
            return self._ctx.policy(session)

    def update(self, actor: Actor, **changes: Any) -> Policy:
        """Store a new version with the given fields changed; past decisions keep theirs."""
        self._ctx.require(actor, Permission.CHANGE_POLICY)
        with self._ctx.transaction() as session:
            current = self._ctx.policy(session)
            latest = session.execute(select(func.max(PolicyVersion.version))).scalar_one()
            data = {**current.to_dict(), **changes, "version": max(latest or 0, current.version) + 1}
            try:
                new = Policy.from_dict(data)
            except (PolicyError, TypeError) as exc:
                raise InvalidInput(f"The policy change is not valid: {exc}.") from exc
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
                "policy-change",
                facts={"version": new.version, "changes": {k: str(v) for k, v in changes.items()}},
            )
            return new
