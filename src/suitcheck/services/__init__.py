"""Use cases. The only layer that combines domain, store, ingest and audit, and the only
one that checks permissions: the GUI and the CLI call these and nothing below them."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from argon2 import PasswordHasher
from sqlalchemy import exc as sa_exc
from sqlalchemy import make_url

from suitcheck.audit.keys import AuditKeyError, read_keyring
from suitcheck.audit.sealing import Attached, attach, settle_replacement
from suitcheck.services.access import AccessService
from suitcheck.services.audit_log import AuditService
from suitcheck.services.auth import AuthService
from suitcheck.services.branches import BranchService
from suitcheck.services.client_import import ClientImportService
from suitcheck.services.context import Actor, ServiceContext, system_clock
from suitcheck.services.dashboard import DashboardService
from suitcheck.services.errors import ServiceError
from suitcheck.services.inspection import InspectionService
from suitcheck.services.investors import InvestorService
from suitcheck.services.policy import PolicyService
from suitcheck.services.questionnaire import QuestionnaireService
from suitcheck.services.reminders import ReminderService
from suitcheck.services.report_reread import ReportRereadService
from suitcheck.services.reports import ReportService
from suitcheck.services.settle import SettleService
from suitcheck.services.store_check import StoreCheckService
from suitcheck.store.engine import (
    APP_NAME,
    NoStore,
    Store,
    StoreError,
    default_location,
    describe_db_error,
    open_store,
    resolve_url,
    shown_address,
)


def default_audit_key_path() -> Path:
    override = os.environ.get("SUITCHECK_AUDIT_KEY")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "audit.key"


class Services:
    """Every use case, built on one store. Pass this (or one of its parts) to a window."""

    def __init__(
        self, ctx: ServiceContext, hasher: PasswordHasher | None = None, attached: Attached | None = None
    ) -> None:
        self.ctx = ctx
        self.attached = attached  # set when opening created or registered this installation's keys
        self.auth = AuthService(ctx, hasher)
        self.investors = InvestorService(ctx)
        self.branches = BranchService(ctx)
        self.reports = ReportService(ctx)
        self.reread = ReportRereadService(ctx, self.reports)
        self.access = AccessService(ctx)
        self.audit = AuditService(ctx)
        self.policy = PolicyService(ctx)
        self.questionnaire = QuestionnaireService(ctx)
        self.client_files = ClientImportService(ctx)
        self.store_check = StoreCheckService(ctx)
        self.reminders = ReminderService(ctx)
        self.inspection = InspectionService(ctx, self.audit.verify)
        self.dashboard = DashboardService(ctx)
        self.settle = SettleService(ctx)

    @property
    def store(self) -> Store:
        return self.ctx.store

    def close(self) -> None:
        self.ctx.close()
        self.ctx.store.dispose()


def open_services(
    db: str | os.PathLike[str] | None = None,
    *,
    clock: Callable[[], dt.datetime] = system_clock,
    audit_key_path: Path | None = None,
    hasher: PasswordHasher | None = None,
    init: bool = False,
    start_over: bool = False,
    join: bool = False,
    restored: str | None = None,
    server_clock: bool | None = None,
    create_folder: bool = True,
) -> Services:
    """The one bootstrap: open (upgrade) the store, attach this installation's audit keys
    and build the services on it.

    Only `init` (the `init` command, the GUI's first run, the demo) may create a store
    and its keys; a store that is missing, replaced, emptied or shorter than the head
    kept beside the key is refused, as is a sealed store without its key. `start_over`,
    `join` and `restored` (a store restored from a backup, with the reason) are the
    explicit, recorded ways past those refusals. `server_clock`: see ServiceContext.
    Without `create_folder` (the desktop's first start), `init` makes a store file only in
    a folder that exists, or in the default location's: a store path on a drive that is not
    connected, or mistyped, is not a first start."""
    key_path = audit_key_path or default_audit_key_path()
    url = resolve_url(db)
    if url.get_backend_name() == "sqlite":
        _refuse_missing_file(
            Path(str(url.database)), key_path, init=init, start_over=start_over, join=join, create_folder=create_folder
        )
    try:
        # Only `init` makes a store, and `init --join` joins one: neither another command nor
        # a join writes suitcheck's tables into an empty database or another program's.
        store = open_store(db, create=init and not join)
    except NoStore as exc:
        if not join:
            _refuse_emptied(url, key_path, start_over=start_over)
            raise
        raise _nothing_to_join(shown_address(url)) from exc
    try:
        with store.engine.begin() as conn:
            sealer, attached = attach(
                conn,
                key_path,
                store.display_name,
                init=init,
                start_over=start_over,
                join=join,
                restored=restored,
                now=clock(),
            )
        sealer.end(True)
        if sealer.inst.replaces is not None:
            # The store holds the registration of a new installation: only now do the keys
            # it replaces leave the keyring (kept until the commit, so an `init` stopped
            # before it loses nothing and runs again).
            settle_replacement(key_path, sealer.inst.store_id, sealer.inst.chain)
        ctx = ServiceContext(store, key_path, sealer, clock, server_clock)
        with ctx.core_transaction() as conn:
            seal_existing_rows(ctx, conn)
            seal_branches(ctx, conn)
            seal_reports(ctx, conn)
            seal_identity(ctx, conn)
            seal_findings(ctx, conn)
            record_findings_era(ctx, conn)
        services = Services(ctx, hasher, attached)
        services.policy.store_default()
    except AuditKeyError as exc:
        store.dispose()
        raise StoreError(str(exc)) from exc
    except sa_exc.DBAPIError as exc:
        # Attaching takes the trail's lock: another desk holding it past the lock bound
        # (PostgreSQL's lock_timeout, 55P03), a server that went away, as one sentence.
        store.dispose()
        raise StoreError(describe_db_error(exc, store.display_name)) from exc
    except BaseException:
        store.dispose()
        raise
    return services


def local_store_file(db: str | os.PathLike[str] | None = None) -> Path | None:
    """The SQLite file that `db` (else SUITCHECK_DB, else the default) names; None for a
    database server. For what only a local store file allows (the CLI's local recovery)."""
    url = resolve_url(db)
    return Path(str(url.database)) if url.get_backend_name() == "sqlite" else None


def seal_existing_rows(ctx: ServiceContext, conn: Any) -> None:
    """Once, for a store whose rows predate record seals: seal them, stated in the trail.

    Such a store's trail holds no `record-sealed` entry. The desk reads the trail without
    verifying it, and an insider's SQL client can rename those entries: every row would
    then be sealed as it stands, changed or not. So a trail without them is verified
    first (integrity.vouched_entries), and one that does not verify gets nothing sealed."""
    from sqlalchemy import exists, or_, select

    from suitcheck.audit.chain import lock_chain
    from suitcheck.services.integrity import RECORD_SEALED, vouched_entries
    from suitcheck.store.models import AuditEntry, Investor, PolicyVersion, QuestionnaireVersion, Staff

    lock_chain(conn)
    if conn.execute(select(AuditEntry.seq).where(AuditEntry.action == RECORD_SEALED).limit(1)).first():
        return
    rows_exist = select(
        or_(
            exists(select(Investor.id)),
            exists(select(Staff.id)),
            exists(select(PolicyVersion.version)),
            exists(select(QuestionnaireVersion.version)),
        )
    )
    if conn.execute(rows_exist).scalar() and vouched_entries(ctx.sealer, conn) is not None:
        ctx.rows.seal_all(conn)


def _once_marked(conn: Any, setting: str, work: Callable[[], object]) -> None:
    """`work`, when a migration left the marker `setting` (a store_setting row) for what it
    could not do without the installation's keys; then the marker goes, in the same
    transaction (an open stopped halfway leaves both as they were). The marker is a row an
    insider can insert: each `work` believes only what it checks itself."""
    from sqlalchemy import delete, select

    from suitcheck.store.models import StoreSetting

    if conn.execute(select(StoreSetting.value).where(StoreSetting.name == setting)).first() is None:
        return
    work()
    conn.execute(delete(StoreSetting).where(StoreSetting.name == setting))


def seal_branches(ctx: ServiceContext, conn: Any) -> None:
    """Once, after the upgrade that added branches: re-seal the rows with their branch."""
    from suitcheck.services.integrity import SEAL_BRANCHES_SETTING, reseal_for_branches

    _once_marked(conn, SEAL_BRANCHES_SETTING, lambda: reseal_for_branches(ctx, ctx.rows, conn))


def seal_reports(ctx: ServiceContext, conn: Any) -> None:
    """Once, after the upgrades that gave report, policy and questionnaire rows a seal
    (0011, 0012): seal them, by what the trail records where it verifies (vouched_entries)."""
    from suitcheck.services.integrity import SEAL_REPORTS_SETTING, vouched_entries
    from suitcheck.services.questionnaire import default_questionnaire

    def work() -> None:
        vouched = vouched_entries(ctx.sealer, conn)
        ctx.rows.seal_reports_and_policies(conn, default_questionnaire().checksum, vouched)

    _once_marked(conn, SEAL_REPORTS_SETTING, work)


def seal_identity(ctx: ServiceContext, conn: Any) -> None:
    """Once, after the upgrade that put the client's name and ID number under its seal
    (0016): re-seal the client rows with them."""
    from suitcheck.services.integrity import SEAL_IDENTITY_SETTING, reseal_identity

    _once_marked(conn, SEAL_IDENTITY_SETTING, lambda: reseal_identity(ctx, ctx.rows, conn))


def seal_findings(ctx: ServiceContext, conn: Any) -> None:
    """Once, after the upgrade that made a report's seal cover its findings (0017): seal
    the reports that have findings again, with them, by what the trail records where it
    verifies (vouched_entries), as for 0011."""
    from suitcheck.services.integrity import SEAL_FINDINGS_SETTING, vouched_entries

    _once_marked(
        conn, SEAL_FINDINGS_SETTING, lambda: ctx.rows.reseal_with_findings(conn, vouched_entries(ctx.sealer, conn))
    )


def record_findings_era(ctx: ServiceContext, conn: Any) -> None:
    """At every open (not only where 0018's marker asks for it, which an insider deletes):
    the trail records that reports' seals cover their findings, so that 0017's marker set
    again in SQL seals nothing over (integrity.RowSealer.record_findings_era,
    reseal_with_findings). 0018's marker, if any, goes."""
    from suitcheck.services.integrity import FINDINGS_ERA_SETTING

    ctx.rows.record_findings_era(conn)
    _once_marked(conn, FINDINGS_ERA_SETTING, lambda: None)


def _nothing_to_join(where: str) -> StoreError:
    """`init --join` at an address that holds no store (a mistyped path, an empty database)."""
    return StoreError(
        f"There is no store at {where} to join: `suitcheck init --join` registers this desktop on a store "
        "that another desktop set up. Check the address, or create the store with `suitcheck init` "
        "(without --join)."
    )


def _refuse_emptied(url: Any, key_path: Path, *, start_over: bool) -> None:
    """An address with no schema where this installation sealed a trail (a database dropped
    and made again): say that, not "create it with init"."""
    location = shown_address(url)
    try:
        ring = read_keyring(key_path)
    except AuditKeyError as exc:
        raise StoreError(str(exc)) from exc
    if ring is not None and location in ring.locations and not start_over:
        raise StoreError(
            f"The store {location} is empty, but this installation sealed a trail there: it was deleted or "
            "re-initialised. Restore it from a backup, or start over with `suitcheck init --start-over`."
        )


def _shown_place(place: str) -> str:
    """A store's address as the keyring holds it, as a sentence may show it: an older
    version kept a server's address as typed, its password in the query (?password=...)."""
    if "://" not in place:
        return place
    try:
        return shown_address(make_url(place))
    except (sa_exc.ArgumentError, ValueError):
        return "a database server (its address unreadable)"


def _refuse_missing_file(
    path: Path, key_path: Path, *, init: bool, start_over: bool, join: bool = False, create_folder: bool = True
) -> None:
    """Never re-create a store file silently where one should exist."""
    if path.exists():
        return
    if join:
        raise _nothing_to_join(str(path))
    try:
        ring = read_keyring(key_path)
    except AuditKeyError as exc:
        raise StoreError(str(exc)) from exc
    if ring is not None and str(path) in ring.locations and not start_over:
        raise StoreError(
            f"The store {path} is missing, but this installation sealed an audit trail there; restore it from a "
            "backup, or start over with `suitcheck init --start-over`."
        )
    if not init:
        raise StoreError(f"There is no store at {path}; create it with `suitcheck init`.")
    if not create_folder and ring is not None and not start_over:
        # The desktop's first start, on a desk whose keyring already belongs to a store
        # elsewhere (set up with SUITCHECK_DB or --db, or on a server, which the desktop
        # menu's session does not give): not a first start. A new store and chain here
        # would take the clerk's checks away from the store the firm audits.
        stores = ", ".join(sorted({_shown_place(place) for place in ring.locations if place != str(path)}))
        if stores:
            raise StoreError(
                f"There is no store at {path}, but this desktop's audit key belongs to the store at {stores}; "
                "start suitcheck on that store (--db or SUITCHECK_DB), or create a new store here with "
                "`suitcheck init`."
            )
    if not create_folder and not path.parent.is_dir() and path != default_location():
        raise StoreError(
            f"The folder {path.parent} for the store {path} does not exist; check the store path (a network "
            "drive that is not connected?), or create the store there with `suitcheck init`."
        )


__all__ = ["Actor", "Services", "ServiceError", "StoreError", "local_store_file", "open_services"]
