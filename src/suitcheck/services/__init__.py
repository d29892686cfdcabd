"""Use cases. The only layer that combines domain, store, ingest and audit, and the only
one that checks permissions: the GUI and the CLI call these and nothing below them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import platformdirs
from argon2 import PasswordHasher

from suitcheck.services.access import AccessService
from suitcheck.services.audit_log import AuditService
from suitcheck.services.auth import AuthService
from suitcheck.services.client_import import ClientImportService
from suitcheck.services.context import Actor, ServiceContext, system_clock
from suitcheck.services.errors import ServiceError
from suitcheck.services.inspection import InspectionService
from suitcheck.services.investors import InvestorService
from suitcheck.services.policy import PolicyService
from suitcheck.services.questionnaire import QuestionnaireService
from suitcheck.services.reminders import ReminderService
from suitcheck.services.reports import ReportService
from suitcheck.services.store_check import StoreCheckService
from suitcheck.store.engine import APP_NAME, Store, open_store


def default_audit_key_path() -> Path:
    override = os.environ.get("SUITCHECK_AUDIT_KEY")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "audit.key"


class Services:
    """Every use case, built on one store. Pass this (or one of its parts) to a window."""

    def __init__(self, ctx: ServiceContext, hasher: PasswordHasher | None = None) -> None:
        self.ctx = ctx
        self.auth = AuthService(ctx, hasher)
        self.investors = InvestorService(ctx)
        self.reports = ReportService(ctx)
        self.access = AccessService(ctx)
        self.audit = AuditService(ctx)
        self.policy = PolicyService(ctx)
        self.questionnaire = QuestionnaireService(ctx)
        self.client_files = ClientImportService(ctx)
        self.store_check = StoreCheckService(ctx)
        self.reminders = ReminderService(ctx)
        self.inspection = InspectionService(ctx, self.audit.verify)

    @property
    def store(self) -> Store:
        return self.ctx.store

    def close(self) -> None:
        self.ctx.store.dispose()


def open_services(
    db: str | os.PathLike[str] | None = None,
    *,
    clock: Callable[[], dt.datetime] = system_clock,
    audit_key_path: Path | None = None,
    hasher: PasswordHasher | None = None,
) -> Services:
    """The one bootstrap: open (create, upgrade) the store and build the services on it."""
    store = open_store(db)
    services = Services(ServiceContext(store, audit_key_path or default_audit_key_path(), clock), hasher)
    services.policy.store_default()
    return services


__all__ = ["Actor", "Services", "ServiceError", "open_services"]
