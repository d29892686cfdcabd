"""Shared fixtures: an isolated environment, a fixed clock, services on a temp store."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, make_url, text

from suitcheck.domain.levels import InvestorClass, RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.privatefs import touch_private
from suitcheck.services import Actor, Services, open_services
from suitcheck.services.errors import Conflict
from suitcheck.store.engine import open_store

# Tests may use a cheaper (still argon2id) hash so hundreds of logins stay fast; the
# production parameters are tested on their own in test_auth.py.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.astimezone().date()
PASSWORD = "correct horse"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (stable otherwise): the suite runs on every core, and a minute-long
    test handed out last kept one worker busy while the others had finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _sendable(text: str) -> str:
    """Text as UTF-8 can carry it: a lone surrogate (a file name of bytes that are not UTF-8,
    as Python decodes it) as a backslash escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test's captured output and log as pytest-xdist can send them to the main process.
    The tests feed suitcheck file names that are not UTF-8 (a zip made on Chinese Windows);
    a log record naming one, captured in a report's sections, stopped the whole parallel run
    with an INTERNALERROR ("strings must be utf-8 encodable"), every later test unrun."""
    outcome: Any = yield
    report = outcome.get_result()
    report.sections = [(title, _sendable(content)) for title, content in report.sections]
    if report.longrepr is not None:  # a failure's account: kept as it is when it can be sent
        shown = str(report.longrepr)
        if _sendable(shown) != shown:
            report.longrepr = _sendable(shown)


@pytest.fixture(autouse=True)
def no_desk_locks_after_its_test() -> Iterator[None]:
    """A desk a test left open (one a DesktopApp made and the test never closed) keeps its
    idle lock running; minutes later, in whatever test runs then, it opened a modal lock
    screen that nothing closes and the suite hung (pytest-qt processes events after every
    test). Each test's desks stop their idle lock when it ends."""
    yield
    import sys

    if "suitcheck.gui.main_window" not in sys.modules:
        return
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from suitcheck.gui.main_window import MainWindow

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and shiboken6.isValid(widget):
            widget.idle_timer.stop()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does touches the real user's store, key, logs or settings."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(home / "audit.key"))
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(home / "log"))
    for var in ("SUITCHECK_DB", "SUITCHECK_PASSWORD", "SUITCHECK_USER"):
        monkeypatch.delenv(var, raising=False)
    return home


class Clock:
    """A settable clock for services."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def pg_url() -> str | None:
    return os.environ.get("SUITCHECK_TEST_PG_URL")


def _fresh_pg_database(base_url: str, name: str, template: str | None = None) -> str:
    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


# The migrated schema, made once per test process and copied into each test's store.
# Running every migration took 0.07 s a SQLite store and 0.2 s a PostgreSQL one, for each
# of thousands of tests; a copy takes a few milliseconds (SQLite) or 0.05 s (PostgreSQL).
# The migrations themselves run once per process here, and from scratch or from older
# stores in tests/store and tests/attack/test_attack_upgrade_*.py.
_SQLITE_TEMPLATE: Path | None = None
_PG_TEMPLATE: str | None = None


# Each store keeps its own secret for hashing unknown user names (migration 0008 makes
# one): a copy of the template must not share the template's.
_NEW_LOGIN_NAME_KEY = "UPDATE store_setting SET value = :key WHERE name = 'login-name-key'"


def _migrated_sqlite_copy(path: Path) -> None:
    """Put a migrated, not yet initialised SQLite store at `path` (absent), private like
    one the store makes (0600 in a 0700 folder)."""
    global _SQLITE_TEMPLATE
    if _SQLITE_TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="suitcheck-template-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / "store.db"
        open_store(str(template)).engine.dispose()  # every migration; the WAL is checkpointed
        _SQLITE_TEMPLATE = template
    touch_private(path)
    path.write_bytes(_SQLITE_TEMPLATE.read_bytes())
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(_NEW_LOGIN_NAME_KEY, {"key": secrets.token_hex(32)})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store on each backend. PostgreSQL comes from .ci/run; in CI it must be there.

    A test that takes `services` (made at once on this store) gets the store already
    migrated from the process's template; any other gets an empty database or no file."""
    migrated = _opens_services_at_once(request)
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        if migrated:
            _migrated_sqlite_copy(path)
        return str(path)
    return postgres_target(migrated=migrated)


# Fixtures that open services on the test's store as soon as it exists (tests/audit's
# `trail` too): whatever the test does next, it does to a migrated store.
_OPEN_AT_ONCE = frozenset({"services", "sqlite_services", "trail"})


def _opens_services_at_once(request: pytest.FixtureRequest) -> bool:
    return not _OPEN_AT_ONCE.isdisjoint(request.fixturenames)


def postgres_target(*, migrated: bool = False) -> str:
    """A fresh PostgreSQL database (`migrated`: a copy of the process's migrated template).
    In CI a missing server fails the test, never skips it."""
    base = pg_url()
    if base is None:
        if os.environ.get("CI"):
            pytest.fail("SUITCHECK_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("PostgreSQL tests need SUITCHECK_TEST_PG_URL (set by .ci/run)")
    if not migrated:
        return _fresh_pg_database(base, f"suitcheck_test_{os.getpid()}")
    global _PG_TEMPLATE
    if _PG_TEMPLATE is None:
        template = _fresh_pg_database(base, f"suitcheck_template_{os.getpid()}")
        open_store(template).engine.dispose()  # no session may stay on a template
        _PG_TEMPLATE = make_url(template).database
    target = _fresh_pg_database(base, f"suitcheck_test_{os.getpid()}", template=_PG_TEMPLATE)
    engine = create_engine(make_url(target))
    with engine.begin() as conn:
        conn.execute(text(_NEW_LOGIN_NAME_KEY), {"key": secrets.token_hex(32)})
    engine.dispose()
    return target


@pytest.fixture
def pg_target() -> str:
    return postgres_target()


@pytest.fixture
def sqlite_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    path = tmp_path / "store.db"
    if _opens_services_at_once(request):
        _migrated_sqlite_copy(path)
    return str(path)


def make_services(target: str, clock: Clock) -> Services:
    return open_services(target, clock=clock, hasher=FAST_HASHER, init=True)


@pytest.fixture
def services(store_target: str, clock: Clock) -> Iterator[Services]:
    svc = make_services(store_target, clock)
    yield svc
    svc.close()


@pytest.fixture
def sqlite_services(sqlite_target: str, clock: Clock) -> Iterator[Services]:
    svc = make_services(sqlite_target, clock)
    yield svc
    svc.close()


def staff(services: Services, role: Role, name: str | None = None) -> Actor:
    """Create (first time) and log in a staff member of the role."""
    username = name or f"t-{role.value}"
    if not services.auth.has_staff():
        services.auth.create_first_admin("t-root", PASSWORD)
    root = services.auth.login("t-root", PASSWORD)
    if username != "t-root":
        with contextlib.suppress(Conflict):  # already exists
            services.auth.create_staff(root, username, PASSWORD, role)
    return services.auth.login(username, PASSWORD)


@pytest.fixture
def compliance(services: Services) -> Actor:
    return staff(services, Role.COMPLIANCE)


@pytest.fixture
def advisor(services: Services) -> Actor:
    return staff(services, Role.ADVISOR)


@pytest.fixture
def admin(services: Services) -> Actor:
    return staff(services, Role.ADMIN, "t-root")


def add_client(
    services: Services,
    actor: Actor,
    account: str,
    profile: RiskProfile | None = RiskProfile.C3,
    days_ago: int | None = 30,
    **kw: Any,
) -> int:
    assessed = TODAY - dt.timedelta(days=days_ago) if days_ago is not None else None
    view = services.investors.add(
        actor,
        account=account,
        name=kw.pop("name", f"客户{account}"),
        profile=profile if assessed else None,
        assessed_on=assessed,
        investor_class=kw.pop("investor_class", InvestorClass.ORDINARY),
        **kw,
    )
    return view.id


def copy_keyring(key: Path, folder: Path) -> Path:
    """Copy an installation's keyring and the head records beside it (what a backup of
    the key folder holds) into `folder`; returns the copied keyring's path."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for path in key.parent.glob(key.name + "*"):
        if not path.name.endswith(".lock"):
            shutil.copy(path, folder / path.name)
    return folder / key.name
