"""Staff accounts: hashing, lockout, disabling, timing, password changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.auth import MAX_FAILED_LOGINS
from suitcheck.services.errors import AuthenticationFailed, Conflict, InvalidInput, PermissionDenied
from suitcheck.store.models import Staff
from tests.conftest import PASSWORD, Clock, make_services, staff


def test_hash_is_argon2id_with_production_parameters(sqlite_target: str, clock: Clock) -> None:
    services = make_services(sqlite_target, clock)
    services.auth = type(services.auth)(services.ctx)  # production hasher
    services.auth.create_first_admin("boss", "s3cret-pass")
    with services.store.session(read_only=True) as session:
        stored = session.execute(select(Staff.password_hash)).scalar_one()
    assert "s3cret-pass" not in stored
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2  # OWASP's argon2id floor
    assert services.auth.login("boss", "s3cret-pass").role is Role.ADMIN
    services.close()


def test_wrong_password_n_times_locks_the_account(services: Services, clock: Clock) -> None:
    staff(services, Role.ADVISOR, "alice")
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed, match="wrong"):
            services.auth.login("alice", "guess")
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.auth.login("alice", PASSWORD)  # even the right password, while locked
    clock.advance(minutes=16)
    assert services.auth.login("alice", PASSWORD).username == "alice"
    root = services.auth.login("t-root", PASSWORD)
    compliance = staff(services, Role.COMPLIANCE)
    actions = [e.action for e in services.audit.browse(compliance, limit=1000) if e.staff == "alice"]
    assert actions.count("login-failed") == MAX_FAILED_LOGINS + 1
    assert "lockout" in actions
    assert root.role is Role.ADMIN


def test_unknown_user_gets_the_same_message_and_is_audited(services: Services) -> None:
    staff(services, Role.ADVISOR, "bob")
    with pytest.raises(AuthenticationFailed) as unknown:
        services.auth.login("nobody", "x")
    with pytest.raises(AuthenticationFailed) as wrong:
        services.auth.login("bob", "x")
    assert str(unknown.value) == str(wrong.value)


def test_disabled_accounts_cannot_log_in_and_are_never_deleted(services: Services) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    staff(services, Role.ADVISOR, "dave")
    services.auth.set_disabled(root, "dave", True)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        services.auth.login("dave", PASSWORD)
    assert any(v.username == "dave" and v.disabled for v in services.auth.list_staff(root))
    services.auth.set_disabled(root, "dave", False)
    assert services.auth.login("dave", PASSWORD).username == "dave"
    with pytest.raises(InvalidInput):
        services.auth.set_disabled(root, "t-root", True)


def test_password_change(services: Services) -> None:
    erin = staff(services, Role.ADVISOR, "erin")
    with pytest.raises(AuthenticationFailed):
        services.auth.change_password(erin, "not my password", "new-password")
    with pytest.raises(InvalidInput):
        services.auth.change_password(erin, PASSWORD, "abc")
    services.auth.change_password(erin, PASSWORD, "new-password")
    assert services.auth.login("erin", "new-password").username == "erin"
    with pytest.raises(AuthenticationFailed):
        services.auth.login("erin", PASSWORD)


def test_first_admin_only_once(services: Services) -> None:
    services.auth.create_first_admin("first", PASSWORD)
    with pytest.raises(Conflict):
        services.auth.create_first_admin("second", PASSWORD)


def test_only_admins_manage_staff(services: Services) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    with pytest.raises(PermissionDenied):
        services.auth.create_staff(compliance, "mallory", PASSWORD, Role.ADMIN)
