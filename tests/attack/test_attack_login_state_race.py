"""Attack: an administrator's change to an account committed while that account signs in
(session 30, reviewround1). On a shared PostgreSQL store a sign-in read the staff row
without a lock, checked the password (the slow part) and judged the row as it had read
it: an administrator who disabled the account (or reset its password, the account thought
stolen) in between was not seen. The disabled account, or the password just reset, signed
in, and the trail recorded a login after the disabling or the reset. The sign-in now reads
the row again under its lock once the password checked out, and judges that."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services, open_services
from suitcheck.services.auth import DISABLED, LOGIN_FAILED, PasswordChangeRequired
from suitcheck.services.errors import AuthenticationFailed
from tests.conftest import PASSWORD, Clock


def _logins(services: Services) -> list[str]:
    with services.store.session(read_only=True) as session:
        rows = session.execute(text("SELECT action FROM audit_entry WHERE staff = 'victim' ORDER BY seq"))
        return [str(action) for (action,) in rows]


# A guard against a test hanging for ever, never a measure of speed.
_HANG = 60.0
TEMPORARY = "a temporary passphrase"


class _Meanwhile(PasswordHasher):
    """The tests' fast parameters; `meanwhile` runs, in another thread and to its commit,
    while the next verification is under way."""

    meanwhile: Any = None

    def verify(self, hash: str | bytes, password: str | bytes) -> Any:
        job, self.meanwhile = self.meanwhile, None
        if job is not None:
            thread = threading.Thread(target=job, name="admin-desk", daemon=True)
            thread.start()
            thread.join(_HANG)
            assert not thread.is_alive()
        return super().verify(hash, password)


def _desks(target: str, clock: Clock) -> tuple[Services, Services, _Meanwhile, Actor]:
    hasher = _Meanwhile(time_cost=1, memory_cost=1024, parallelism=1)
    admin_desk = open_services(target, clock=clock, hasher=hasher, init=True)
    user_desk = open_services(target, clock=clock, hasher=hasher)
    admin_desk.auth.create_first_admin("t-root", PASSWORD)
    root = admin_desk.auth.login("t-root", PASSWORD)
    admin_desk.auth.create_staff(root, "victim", PASSWORD, Role.ADVISOR, branch="HQ")
    return admin_desk, user_desk, hasher, root


def _meanwhile(hasher: _Meanwhile, job: Callable[[], object]) -> list[object]:
    done: list[object] = []
    hasher.meanwhile = lambda: done.append(job())
    return done


@pytest.mark.postgres
def test_an_account_disabled_while_it_signs_in_is_refused_and_stays_sound(pg_target: str, clock: Clock) -> None:
    admin_desk, user_desk, hasher, root = _desks(pg_target, clock)
    try:
        done = _meanwhile(hasher, lambda: admin_desk.auth.set_disabled(root, "victim", True))
        with pytest.raises(AuthenticationFailed) as refused:
            user_desk.auth.login("victim", PASSWORD, record_success=True)
        assert done, "the disabling did not run"
        assert str(refused.value) == DISABLED
        assert "login" not in _logins(admin_desk)
        # The row still matches its seal: the administrator enables it again, and it signs in.
        admin_desk.auth.set_disabled(root, "victim", False)
        assert user_desk.auth.login("victim", PASSWORD).username == "victim"
    finally:
        user_desk.close()
        admin_desk.close()


@pytest.mark.postgres
def test_a_password_reset_while_the_account_signs_in_stands(pg_target: str, clock: Clock) -> None:
    admin_desk, user_desk, hasher, root = _desks(pg_target, clock)
    try:
        done = _meanwhile(hasher, lambda: admin_desk.auth.reset_password(root, "victim", TEMPORARY))
        with pytest.raises(AuthenticationFailed) as refused:
            # The old password, as the reset commits.
            user_desk.auth.login("victim", PASSWORD, record_success=True)
        assert done, "the reset did not run"
        assert str(refused.value) == LOGIN_FAILED
        assert "login" not in _logins(admin_desk)
        with pytest.raises(PasswordChangeRequired):
            user_desk.auth.login("victim", TEMPORARY)
    finally:
        user_desk.close()
        admin_desk.close()


@pytest.mark.postgres
def test_a_password_changed_while_the_account_signs_in_elsewhere_is_the_one_that_counts(
    pg_target: str, clock: Clock
) -> None:
    """The holder changes the password on one desk while another desk signs in with the old
    one: that sign-in is refused (it used to sign in, its session refused at its first
    action), and the new password signs in."""
    admin_desk, user_desk, hasher, _root = _desks(pg_target, clock)
    try:
        new = "a brand new passphrase"
        done = _meanwhile(hasher, lambda: admin_desk.auth.change_password_at_login("victim", PASSWORD, new))
        with pytest.raises(AuthenticationFailed) as refused:
            user_desk.auth.login("victim", PASSWORD, record_success=True)
        assert done, "the change did not run"
        assert str(refused.value) == LOGIN_FAILED
        assert "login" not in _logins(admin_desk)
        assert user_desk.auth.login("victim", new).username == "victim"
    finally:
        user_desk.close()
        admin_desk.close()
