"""Accounts attacked as a careless admin and a guessing stranger would: demo accounts in a
real store, weak passwords, user names found by cost or by message, a locked-out only
admin, and mistyped passwords kept in the trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select, text

from suitcheck.domain.passwords import MIN_LENGTH, PasswordProblem, password_problem
from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.services.auth import (
    DUMMY_HASH,
    MAX_FAILED_LOGINS,
    AuthService,
    PasswordChangeRequired,
    common_passwords,
)
from suitcheck.services.demo import DEMO_PASSWORD, seed_demo
from suitcheck.services.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound, PermissionDenied
from suitcheck.store.models import AuditEntry, Staff, StoreSetting
from tests.conftest import PASSWORD, Clock, make_services, staff

# -- seed-demo ---------------------------------------------------------------------------


def test_seed_demo_is_refused_on_a_store_with_real_staff(services: Services) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    with pytest.raises(Conflict, match="real staff"):
        seed_demo(services, root)  # even with the real administrator logged in
    with pytest.raises(AuthenticationFailed):
        services.auth.login("demo-admin", DEMO_PASSWORD)
    assert not services.auth.is_demo_store()


def test_seed_demo_fills_an_empty_store_which_becomes_a_demo_store(services: Services) -> None:
    counts = seed_demo(services)
    assert services.auth.is_demo_store()
    admin = services.auth.login("demo-admin", DEMO_PASSWORD)  # the public contract: password 'demo'
    # Seeding a demo store again adds only what is missing.
    seed_demo(services, admin)
    compliance = services.auth.login("demo-compliance", DEMO_PASSWORD)
    assert services.investors.count(compliance) == counts["clients"]
    assert len(services.auth.list_staff(admin)) == counts["staff"]
    with pytest.raises(PermissionDenied):
        seed_demo(services)  # a demo store with staff: an administrator must be logged in


def test_seed_demo_cli_refuses_a_real_store_before_asking_for_a_password(tmp_path: Path) -> None:
    from tests.cli.test_cli import assert_clean_error, run

    db = tmp_path / "real.db"
    assert run("init", "--admin", "boss", db=db, password="a long passphrase").returncode == 0
    result = run("seed-demo", db=db, password=None)
    assert_clean_error(result, 2)
    assert "real staff" in result.stderr
    assert run("staff", "list", "--user", "demo-admin", db=db, password="demo").returncode == 1
    demo = tmp_path / "demo.db"
    assert run("seed-demo", db=demo, password=None).returncode == 0
    again = run("seed-demo", "--json", "--user", "demo-admin", db=demo, password="demo")
    assert again.returncode == 0, again.stderr


def test_demo_command_refuses_to_open_a_real_store_as_a_demo(tmp_path: Path) -> None:
    from tests.cli.test_cli import assert_clean_error, run

    db = tmp_path / "real.db"
    assert run("init", "--admin", "boss", db=db, password="a long passphrase").returncode == 0
    result = run("demo", "--exit-after", "0.1", db=db, password=None, env={"QT_QPA_PLATFORM": "offscreen"})
    assert_clean_error(result, 2)
    assert "not a demo store" in result.stderr


def test_migration_marks_old_demo_stores_and_makes_the_name_key(tmp_path: Path, clock: Clock) -> None:
    from suitcheck.store.engine import create_store_engine, resolve_url, upgrade

    for name, users, demo in (("demo.db", ("demo-admin", "demo-advisor"), True), ("real.db", ("boss",), False)):
        engine = create_store_engine(resolve_url(str(tmp_path / name)))
        upgrade(engine, "0007")
        with engine.begin() as conn:
            for i, user in enumerate(users):
                conn.execute(
                    text(
                        "INSERT INTO staff (id, username, display_name, role, password_hash, disabled, "
                        "failed_logins, created_at) VALUES (:i, :u, :u, 'admin', 'x', 0, 0, '2025-01-01 00:00:00')"
                    ),
                    {"i": i + 1, "u": user},
                )
        engine.dispose()
        services = make_services(str(tmp_path / name), clock)
        assert services.auth.is_demo_store() is demo
        with services.store.session(read_only=True) as session:
            key = session.get(StoreSetting, "login-name-key")
            assert key is not None
            assert len(bytes.fromhex(key.value)) == 32
            assert not any(s.must_change_password for s in session.execute(select(Staff)).scalars())
        services.close()


# -- password policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("abcd", PasswordProblem.TOO_SHORT),
        ("x" * (MIN_LENGTH - 2) + "y!", None),  # exactly the minimum, two distinct+: fine
        ("Kx9#mq2!z", PasswordProblem.TOO_SHORT),  # 9 characters, however "complex"
        ("password123", PasswordProblem.COMMON),
        ("qwertyuiop", PasswordProblem.COMMON),
        ("Dragon2024!!", PasswordProblem.COMMON),  # a top-100 password with decoration
        ("ｐａｓｓｗｏｒｄ１２３", PasswordProblem.COMMON),  # full-width: NFKC first
        ("Suitcheck2026", PasswordProblem.COMMON),  # the program's own name
        ("Alice.Wong-1990", PasswordProblem.USER_NAME),
        ("gnow.ecila99", PasswordProblem.USER_NAME),  # reversed
        ("aaaaaaaaaaaa", PasswordProblem.REPETITIVE),
        ("abababababab", PasswordProblem.REPETITIVE),
        ("0123456789", PasswordProblem.REPETITIVE),
        ("1234567890", PasswordProblem.COMMON),
        ("3456789012", PasswordProblem.REPETITIVE),
        ("klmnopqrstu", PasswordProblem.REPETITIVE),
        ("梅花 三弄 水调歌头", None),  # any characters, spaces included
        ("correct horse battery", None),
    ],
)
def test_password_rule_follows_nist_800_63b(password: str, problem: PasswordProblem | None) -> None:
    assert password_problem(password, "alice.wong", common_passwords()) == problem


def test_the_shipped_blocklist_is_the_generated_one() -> None:
    common = common_passwords()
    assert len(common) > 5000
    assert {"123456", "password", "iloveyou", "qwertyuiop", "1q2w3e4r5t"} <= common
    assert all(w == w.lower() and w.strip() == w for w in common)


@pytest.mark.parametrize("weak", ["abcd", "password123", "aaaaaaaaaaaa", "{user}-2026!"])
def test_every_way_of_setting_a_password_applies_the_rule(services: Services, weak: str) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    advisor = staff(services, Role.ADVISOR, "t-adv")
    with pytest.raises(InvalidInput):
        services.auth.create_staff(root, "t-new", weak.format(user="t-new"), Role.ADVISOR)
    with pytest.raises(InvalidInput):
        services.auth.change_password(root, PASSWORD, weak.format(user="t-root"))
    with pytest.raises(InvalidInput):
        services.auth.change_password_at_login("t-adv", PASSWORD, weak.format(user="t-adv"))
    with pytest.raises(InvalidInput):
        services.auth.reset_password(root, "t-adv", weak.format(user="t-adv"))
    assert services.auth.login("t-adv", PASSWORD) == advisor


def test_first_admin_needs_a_good_password(sqlite_services: Services) -> None:
    with pytest.raises(InvalidInput, match=str(MIN_LENGTH)):
        sqlite_services.auth.create_first_admin("boss", "boss1")
    assert not sqlite_services.auth.has_staff()


def test_demo_password_is_refused_outside_demo_seeding(services: Services) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    with pytest.raises(InvalidInput):
        services.auth.create_staff(root, "demo-advisor", DEMO_PASSWORD, Role.ADVISOR)


# -- cost of a failed login ---------------------------------------------------------------


class CountingHasher(PasswordHasher):
    """Records every argon2 run a login makes."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.runs: list[tuple[str, Any]] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.runs.append(("verify", extract_parameters(hash if isinstance(hash, str) else hash.decode())))
        return super().verify(hash, password)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.runs.append(("hash", None))
        return super().hash(password, salt=salt)


def test_unknown_and_known_user_names_cost_one_equal_argon2_run(sqlite_target: str, clock: Clock) -> None:
    """No timing: the work itself is compared. Each failed login, for a real name and for
    a name that is no account, runs argon2 exactly once with the same parameters (so the
    same memory and time cost), and nothing is computed lazily on the first unknown name."""
    hasher = CountingHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)
    services = open_services(sqlite_target, clock=clock, hasher=hasher, init=True)
    services.auth.create_first_admin("carol", "right password")
    hasher.runs.clear()
    with pytest.raises(AuthenticationFailed) as known:
        services.auth.login("carol", "wrong password")
    known_runs = list(hasher.runs)
    hasher.runs.clear()
    with pytest.raises(AuthenticationFailed) as unknown:
        services.auth.login("no-such-user", "wrong password")
    unknown_runs = list(hasher.runs)
    assert str(known.value) == str(unknown.value)
    assert [kind for kind, _ in known_runs] == ["verify"] == [kind for kind, _ in unknown_runs]
    assert known_runs[0][1] == unknown_runs[0][1]  # equal parameters: equal cost
    services.close()


def test_the_dummy_hash_is_precomputed_for_the_production_parameters(sqlite_services: Services) -> None:
    production = PasswordHasher()
    assert not production.check_needs_rehash(DUMMY_HASH)
    auth = AuthService(sqlite_services.ctx)  # production hasher: nothing to compute
    assert auth._dummy_hash == DUMMY_HASH
    assert extract_parameters(DUMMY_HASH) == extract_parameters(production.hash("x"))


# -- what a failed login tells -------------------------------------------------------------


def test_disabled_and_locked_are_told_only_for_the_right_password(services: Services, clock: Clock) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "dave")
    with pytest.raises(AuthenticationFailed) as unknown:
        services.auth.login("nobody-here", "wrong password")
    generic = str(unknown.value)
    services.auth.set_disabled(root, "dave", True)
    with pytest.raises(AuthenticationFailed) as wrong:
        services.auth.login("dave", "wrong password")
    assert str(wrong.value) == generic  # a stranger learns nothing about dave
    with pytest.raises(AuthenticationFailed, match="disabled"):
        services.auth.login("dave", PASSWORD)
    services.auth.set_disabled(root, "dave", False)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            services.auth.login("dave", "wrong password")
    for attempt in ("wrong password", PASSWORD):
        with pytest.raises(AuthenticationFailed) as locked:
            services.auth.login("dave", attempt)
        # During a lockout nothing is confirmed, not even the right password (otherwise
        # guessing could go on through the lockout); the one sentence mentions lockouts.
        assert str(locked.value) == generic
        assert "locked" in generic
    clock.advance(minutes=16)
    assert services.auth.login("dave", PASSWORD).username == "dave"


# -- unlock, reset, recovery ---------------------------------------------------------------


def _lock(services: Services, user: str) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            services.auth.login(user, "wrong password")


def _lock_in(db: Path, user: str) -> None:
    services = open_services(db)
    try:
        _lock(services, user)
    finally:
        services.close()


def test_admin_unlocks_an_account(services: Services) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "erin")
    other = staff(services, Role.COMPLIANCE, "not-an-admin")
    _lock(services, "erin")
    assert next(v for v in services.auth.list_staff(root) if v.username == "erin").locked
    with pytest.raises(PermissionDenied):
        services.auth.unlock(other, "erin")
    assert services.auth.unlock(root, "erin").locked is False
    assert services.auth.login("erin", PASSWORD).username == "erin"
    with pytest.raises(NotFound):
        services.auth.unlock(root, "nobody-here")
    compliance = staff(services, Role.COMPLIANCE)
    unlocked = [e for e in services.audit.browse(compliance, limit=1000) if e.action == "staff-unlocked"]
    assert unlocked
    assert unlocked[-1].staff == "t-root"


def test_reset_password_forces_a_change_at_next_login(services: Services) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "frank")
    other = staff(services, Role.COMPLIANCE, "not-an-admin")
    _lock(services, "frank")
    with pytest.raises(PermissionDenied):
        services.auth.reset_password(other, "frank", "temporary pass 1")
    view = services.auth.reset_password(root, "frank", "temporary pass 1")
    assert view.must_change_password
    assert not view.locked
    with pytest.raises(AuthenticationFailed) as old:
        services.auth.login("frank", PASSWORD)
    assert not isinstance(old.value, PasswordChangeRequired)
    with pytest.raises(PasswordChangeRequired):
        services.auth.login("frank", "temporary pass 1")  # right, but must change first
    with pytest.raises(InvalidInput):
        services.auth.change_password_at_login("frank", "temporary pass 1", "temporary pass 1")
    with pytest.raises(AuthenticationFailed):
        services.auth.change_password_at_login("frank", "not the temporary", "my own new phrase")
    actor = services.auth.change_password_at_login("frank", "temporary pass 1", "my own new phrase")
    assert actor.username == "frank"
    assert services.auth.login("frank", "my own new phrase").username == "frank"
    with pytest.raises(AuthenticationFailed):
        services.auth.login("frank", "temporary pass 1")
    with pytest.raises(InvalidInput):
        services.auth.reset_password(root, "t-root", "another long one")  # own: staff passwd
    compliance = staff(services, Role.COMPLIANCE)
    actions = [(e.action, e.staff) for e in services.audit.browse(compliance, limit=1000)]
    assert ("password-reset", "t-root") in actions
    assert ("password-changed", "frank") in actions


@pytest.mark.parametrize("meanwhile", ["reset", "disabled"])
def test_an_administrators_reset_or_disable_during_a_password_change_is_not_undone(
    services: Services, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    """Was BROKE: the new password was written in a unit of work after the login checked
    the old one, without reading the account again: an administrator's reset (or disable)
    committed in between was overwritten by the owner's new password, which then worked.
    Now the account is read again, locked, where the password is written; changed since,
    the login again says why (the reset's password: the old one fails)."""
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "frank")
    real = AuthService._login
    done: list[bool] = []

    def login_then_admin(self: AuthService, *args: Any, **kwargs: Any) -> Any:
        actor = real(self, *args, **kwargs)
        if not done:
            done.append(True)
            if meanwhile == "reset":
                services.auth.reset_password(root, "frank", "temporary pass 1")
            else:
                services.auth.set_disabled(root, "frank", True)
        return actor

    monkeypatch.setattr(AuthService, "_login", login_then_admin)
    with pytest.raises(AuthenticationFailed):
        services.auth.change_password_at_login("frank", PASSWORD, "my own new phrase")
    monkeypatch.undo()
    with pytest.raises(AuthenticationFailed):
        services.auth.login("frank", "my own new phrase")
    if meanwhile == "reset":
        with pytest.raises(PasswordChangeRequired):
            services.auth.login("frank", "temporary pass 1")  # the administrator's reset stands
    compliance = staff(services, Role.COMPLIANCE)
    actions = [(e.action, e.staff) for e in services.audit.browse(compliance, limit=1000)]
    assert ("password-changed", "frank") not in actions


def test_a_reset_ends_the_open_session_of_the_account(services: Services) -> None:
    """A reset means the old password is no longer trusted: whoever is signed in with it
    (an open window, a long script) can do nothing more until the new one is chosen."""
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "grace")
    session = services.auth.login("grace", PASSWORD)
    assert services.reports.search(session) is not None  # works before the reset
    services.auth.reset_password(root, "grace", "temporary pass 1")
    with pytest.raises(AuthenticationFailed, match="changed or reset since you signed in; nothing was done"):
        services.reports.search(session)
    fresh = services.auth.change_password_at_login("grace", "temporary pass 1", "my own new phrase")
    assert services.reports.search(fresh) is not None
    # The session opened with the old password stays ended once the owner has chosen a new one.
    with pytest.raises(AuthenticationFailed, match="changed or reset"):
        services.reports.search(session)
    # Changing one's own password carries the session on, and ends the others.
    other_window = services.auth.login("grace", "my own new phrase")
    carried_on = services.auth.change_password(fresh, "my own new phrase", "yet another phrase 2")
    assert services.reports.search(carried_on) is not None
    for stale in (fresh, other_window):
        with pytest.raises(AuthenticationFailed, match="changed or reset"):
            services.reports.search(stale)
    refusals = [e for e in services.audit.browse(staff(services, Role.COMPLIANCE), limit=1000) if e.action == "refused"]
    assert any(json.loads(e.facts).get("cause") == "credential" for e in refusals if e.staff == "grace")


def test_login_only_ever_strengthens_a_password_hash(store_target: str, clock: Clock) -> None:
    """Two desktops of different versions share a store: the one with stronger argon2
    parameters upgrades a hash at login, the older one never weakens it back (each rewrite
    would end the account's other sessions)."""
    from argon2 import PasswordHasher, extract_parameters

    from suitcheck.services import open_services
    from tests.conftest import make_services

    weak = make_services(store_target, clock)
    strong = open_services(
        store_target, clock=clock, hasher=PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    )
    try:
        staff(weak, Role.ADVISOR, "ivy")

        def stored() -> str:
            with weak.store.session() as session:
                return str(session.execute(select(Staff.password_hash).where(Staff.username == "ivy")).scalar_one())

        assert extract_parameters(stored()).time_cost == 1
        on_weak = weak.auth.login("ivy", PASSWORD)
        on_strong = strong.auth.login("ivy", PASSWORD)
        upgraded = stored()
        assert extract_parameters(upgraded).time_cost == 2
        with pytest.raises(AuthenticationFailed, match="changed or reset"):
            weak.reports.search(on_weak)  # the hash it signed in with is gone
        again = weak.auth.login("ivy", PASSWORD)
        assert stored() == upgraded  # not weakened back
        assert weak.reports.search(again) is not None
        assert strong.reports.search(on_strong) is not None
    finally:
        strong.close()
        weak.close()


def test_staff_list_shows_the_last_recorded_login(services: Services, clock: Clock) -> None:
    """The staff list (GUI table, `staff list --json`) shows when each account last logged
    in, from the audit trail; a forced change at login counts when recorded as a login."""
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "gina")
    staff(services, Role.ADVISOR, "hugo")
    first = clock.now
    services.auth.login("gina", PASSWORD, record_success=True)
    clock.advance(hours=2)
    services.auth.login("gina", PASSWORD, record_success=True)
    with pytest.raises(AuthenticationFailed):
        services.auth.login("gina", "a wrong one here", record_success=True)  # a failure is no login
    views = {v.username: v for v in services.auth.list_staff(root)}
    assert views["gina"].last_login == first + dt.timedelta(hours=2)
    assert views["hugo"].last_login is None  # logins without record_success (tests, scripts) are not logins
    assert views["gina"].to_dict()["last_login"] == (first + dt.timedelta(hours=2)).isoformat()
    services.auth.reset_password(root, "hugo", "temporary pass 1")
    clock.advance(hours=1)
    services.auth.change_password_at_login("hugo", "temporary pass 1", "my own new phrase", record_success=True)
    views = {v.username: v for v in services.auth.list_staff(root)}
    assert views["hugo"].last_login == first + dt.timedelta(hours=3)
    assert not views["hugo"].must_change_password


def test_reset_and_forced_change_through_the_cli(tmp_path: Path) -> None:
    from tests.cli.test_cli import assert_clean_error, run

    db = tmp_path / "store.db"
    assert run("init", "--admin", "boss", db=db, password="orchid lantern 7").returncode == 0
    env = {"SUITCHECK_NEW_PASSWORD": "violet harbour 3"}
    assert (
        run(
            "staff", "add", "grace", "--role", "advisor", "--user", "boss", db=db, password="orchid lantern 7", env=env
        ).returncode
        == 0
    )
    # Five wrong passwords lock grace out (in-process: the same store, fewer processes).
    _lock_in(db, "grace")
    listed = run("staff", "list", "--user", "boss", db=db, password="orchid lantern 7")
    assert "grace" in listed.stdout
    assert "locked" in listed.stdout
    result = run("staff", "unlock", "grace", "--user", "boss", db=db, password="orchid lantern 7")
    assert result.returncode == 0
    assert "unlocked" in result.stdout
    env = {"SUITCHECK_NEW_PASSWORD": "reset by boss 1"}
    result = run("staff", "reset-password", "grace", "--user", "boss", db=db, password="orchid lantern 7", env=env)
    assert result.returncode == 0, result.stderr
    blocked = run("investor", "list", "--user", "grace", db=db, password="reset by boss 1")
    assert_clean_error(blocked, 1)
    assert "staff passwd" in blocked.stderr
    env = {"SUITCHECK_NEW_PASSWORD": "quiet meadow 55"}
    changed = run("staff", "passwd", "--user", "grace", db=db, password="reset by boss 1", env=env)
    assert changed.returncode == 0, changed.stderr
    assert run("investor", "list", "--user", "grace", db=db, password="quiet meadow 55").returncode == 0


def test_a_new_password_never_comes_from_the_callers_own(tmp_path: Path) -> None:
    """`staff add`, `reset-password`, `passwd` and `recover-admin` take the new password
    from SUITCHECK_NEW_PASSWORD or a prompt (README). Without it, a script that set only
    SUITCHECK_PASSWORD (the administrator's own password, for the login) must be refused,
    not have the administrator's password handed to another account."""
    from tests.cli.test_cli import assert_clean_error, run

    db = tmp_path / "store.db"
    admin = "orchid lantern 7"
    assert run("init", "--admin", "boss", db=db, password=admin).returncode == 0
    result = run("staff", "add", "grace", "--role", "advisor", "--user", "boss", db=db, password=admin)
    assert_clean_error(result, 2)
    assert "SUITCHECK_NEW_PASSWORD" in result.stderr
    assert run("investor", "list", "--user", "grace", db=db, password=admin).returncode == 1  # no such account
    env = {"SUITCHECK_NEW_PASSWORD": "violet harbour 3"}
    added = run("staff", "add", "grace", "--role", "advisor", "--user", "boss", db=db, password=admin, env=env)
    assert added.returncode == 0, added.stderr
    result = run("staff", "reset-password", "grace", "--user", "boss", db=db, password=admin)
    assert_clean_error(result, 2)
    assert run("investor", "list", "--user", "grace", db=db, password="violet harbour 3").returncode == 0
    assert_clean_error(run("staff", "passwd", "--user", "grace", db=db, password="violet harbour 3"), 2)
    _lock_in(db, "boss")
    assert_clean_error(run("staff", "recover-admin", "boss", db=db, password=admin), 2)
    assert run("staff", "list", "--user", "boss", db=db, password=admin).returncode == 1  # still locked


def test_local_admin_recovery(tmp_path: Path) -> None:
    from tests.cli.test_cli import assert_clean_error, run

    db = tmp_path / "store.db"
    assert run("init", "--admin", "boss", db=db, password="orchid lantern 7").returncode == 0
    _lock_in(db, "boss")
    assert run("staff", "list", "--user", "boss", db=db, password="orchid lantern 7").returncode == 1  # locked
    env = {"SUITCHECK_NEW_PASSWORD": "recovered phrase"}
    result = run("staff", "recover-admin", "nobody", db=db, password=None, env=env)
    assert_clean_error(result, 2)
    assert "boss" in result.stderr  # names the administrators to whoever holds the file
    result = run("staff", "recover-admin", "boss", db=db, password=None, env=env)
    assert result.returncode == 0, result.stderr
    assert "recorded" in result.stdout
    must_change = run("staff", "list", "--user", "boss", db=db, password="recovered phrase")
    assert_clean_error(must_change, 1)
    env = {"SUITCHECK_NEW_PASSWORD": "copper kettle 42"}
    assert run("staff", "passwd", "--user", "boss", db=db, password="recovered phrase", env=env).returncode == 0
    trail = json.loads(run("audit", "verify", "--json", "--user", "boss", db=db, password="copper kettle 42").stdout)
    assert trail["ok"]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT staff, facts FROM audit_entry WHERE action = 'admin-recovered'").fetchall()
    assert len(rows) == 1
    assert rows[0][0] == "local-recovery"
    facts = json.loads(rows[0][1])
    assert facts["username"] == "boss"
    assert facts["os_user"]


def test_recovery_never_creates_a_store_and_refuses_a_server(tmp_path: Path) -> None:
    from tests.cli.test_cli import assert_clean_error, run

    env = {"SUITCHECK_NEW_PASSWORD": "recovered phrase"}
    missing = tmp_path / "missing.db"
    assert_clean_error(run("staff", "recover-admin", "boss", db=missing, password=None, env=env), 2)
    assert not missing.exists()
    server = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    result = run("staff", "recover-admin", "boss", db=server, password=None, env=env)
    assert_clean_error(result, 2)
    assert "SQLite" in result.stderr


# -- unknown names in the trail and the log -------------------------------------------------


def test_unknown_user_names_are_kept_as_a_keyed_hash(services: Services, isolated_env: Path) -> None:
    from suitcheck.logs import setup_logging

    log_file = setup_logging()
    assert log_file is not None
    typed = "Tr0ub4dor&3-typed-in-the-name-field"
    try:
        for name in (typed, typed, "someone-else"):
            with pytest.raises(AuthenticationFailed):
                services.auth.login(name, "whatever password")
    finally:
        for handler in logging.getLogger().handlers:
            handler.close()
        logging.getLogger().handlers = []
    with services.store.session(read_only=True) as session:
        entries = list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
        key = bytes.fromhex(session.get(StoreSetting, "login-name-key").value)  # type: ignore[union-attr]
    failed = [e for e in entries if e.action == "login-failed"]
    assert len(failed) == 3
    assert all(typed not in " ".join(map(str, vars(e).values())) for e in entries)
    assert typed not in log_file.read_text(encoding="utf-8")
    macs = [json.loads(e.facts)["name_hmac"] for e in failed]
    expected = hmac.new(key, typed.encode(), hashlib.sha256).hexdigest()[:32]
    assert macs[0] == macs[1] == expected != macs[2]
    assert expected in log_file.read_text(encoding="utf-8")
    # Not a plain hash anyone could compute from a guess.
    assert expected != hashlib.sha256(typed.encode()).hexdigest()[:32]


@pytest.mark.parametrize("name", ["system", "(unknown user)", "local-recovery"])
def test_no_account_may_take_a_name_the_trail_records_for_no_staff_member(sqlite_services: Services, name: str) -> None:
    """The trail records "system" (and the other two) for what no staff member did; the desk
    shows them as labels in its language (gui/texts.staff_text), which holds only while no
    account can be called so."""
    services = sqlite_services
    root = staff(services, Role.ADMIN, "t-root")
    with pytest.raises(InvalidInput):
        services.auth.create_staff(root, name, "a long enough pass phrase 7", Role.ADVISOR)
    services.auth.create_staff(root, "System-2", "a long enough pass phrase 7", Role.ADVISOR)  # the password is fine
