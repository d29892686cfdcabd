"""Attack: an administrator's password reset undone by the login it was meant to stop
(session 30, scopeattack). A login whose account's hash was made with weaker parameters
than this version's (an older release's) hashes the password again and stores it. On a
shared PostgreSQL store the login read the hash, checked the password (the slow part) and
wrote the new hash without looking again: an administrator's reset committed in between
(the account was thought stolen) was written over with a hash of the OLD password, and the
login handed out a session bound to that new hash, which every later action accepted. The
thief kept working, and the old password still signed in. The login now writes its new
hash only over the hash it checked (read again under the row's lock)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from argon2 import PasswordHasher

from suitcheck.domain.roles import Role
from suitcheck.services import open_services
from suitcheck.services.auth import LOGIN_FAILED, PasswordChangeRequired
from suitcheck.services.errors import AuthenticationFailed
from tests.conftest import FAST_HASHER, PASSWORD, Clock

# A guard against a test hanging for ever, never a measure of speed.
_HANG = 60.0
TEMPORARY = "a temporary passphrase"


class _ResetMeanwhile(PasswordHasher):
    """Stronger than FAST_HASHER (so a login rehashes); `meanwhile` runs, in another
    thread and to its commit, while the next verification is under way."""

    meanwhile: Any = None

    def verify(self, hash: str | bytes, password: str | bytes) -> Any:
        job, self.meanwhile = self.meanwhile, None
        if job is not None:
            thread = threading.Thread(target=job, name="admin-desk", daemon=True)
            thread.start()
            thread.join(_HANG)
            assert not thread.is_alive()
        return super().verify(hash, password)


@pytest.mark.postgres
def test_a_reset_during_a_rehashing_login_stands(pg_target: str, clock: Clock) -> None:
    admin_desk = open_services(pg_target, clock=clock, hasher=FAST_HASHER, init=True)
    stronger = _ResetMeanwhile(time_cost=2, memory_cost=1024, parallelism=1)
    thief_desk = open_services(pg_target, clock=clock, hasher=stronger)
    try:
        admin_desk.auth.create_first_admin("t-root", PASSWORD)
        root = admin_desk.auth.login("t-root", PASSWORD)
        admin_desk.auth.create_staff(root, "victim", PASSWORD, Role.ADVISOR, branch="HQ")
        reset: list[object] = []
        stronger.meanwhile = lambda: reset.append(admin_desk.auth.reset_password(root, "victim", TEMPORARY))
        # The stolen password, as the reset commits: no session (the sign-in reads the row
        # again under its lock once the password checked out, and finds the hash changed).
        with pytest.raises(AuthenticationFailed) as ended:
            thief_desk.auth.login("victim", PASSWORD)
        assert reset, "the reset did not run"
        assert str(ended.value) == LOGIN_FAILED
        # The old password no longer signs in; the temporary one does (and must be changed).
        with pytest.raises(AuthenticationFailed) as refused:
            admin_desk.auth.login("victim", PASSWORD)
        assert not isinstance(refused.value, PasswordChangeRequired)
        assert str(refused.value) == LOGIN_FAILED
        with pytest.raises(PasswordChangeRequired):
            admin_desk.auth.login("victim", TEMPORARY)
    finally:
        thief_desk.close()
        admin_desk.close()
