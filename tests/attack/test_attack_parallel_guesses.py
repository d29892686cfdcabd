"""Attack: password guesses made in parallel on a shared PostgreSQL store (session 30,
scopeattack). A sign-in read the staff row, checked the password (argon2: the slow part)
and wrote the row's failure count read at the start plus one. PostgreSQL (read committed)
lets every sign-in under way read the same count, so guesses sent at once from several
desks or processes each wrote the same "one more": five wrong passwords counted as one,
and an insider who sent guesses five at a time got five times the guesses before the
lockout (a hundred at a time, a hundred times). The failure is now counted in the store
itself (failed_logins + 1, under the row's lock), so every guess counts."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from suitcheck.domain.roles import Role
from suitcheck.services import Services, open_services
from suitcheck.services.auth import LOGIN_FAILED, MAX_FAILED_LOGINS
from suitcheck.services.errors import AuthenticationFailed
from suitcheck.store.models import AuditEntry, Staff
from tests.conftest import PASSWORD, Clock

# A guard against a test hanging for ever, never a measure of speed.
_HANG = 60.0


class _TogetherHasher(PasswordHasher):
    """FAST_HASHER's parameters; while `together` is set, every verification waits until
    that many sign-ins have read the staff row and reached theirs (guesses sent at once)."""

    together: threading.Barrier | None = None

    def verify(self, hash: str | bytes, password: str | bytes) -> Any:
        barrier = self.together
        if barrier is not None and threading.current_thread().name.startswith("guess"):
            barrier.wait(_HANG)
        return super().verify(hash, password)


@pytest.mark.postgres
def test_wrong_passwords_sent_at_once_each_count_towards_the_lockout(pg_target: str, clock: Clock) -> None:
    hasher = _TogetherHasher(time_cost=1, memory_cost=1024, parallelism=1)
    desks: list[Services] = [open_services(pg_target, clock=clock, hasher=hasher, init=True)]
    try:
        first = desks[0]
        first.auth.create_first_admin("t-root", PASSWORD)
        root = first.auth.login("t-root", PASSWORD)
        first.auth.create_staff(root, "victim", PASSWORD, Role.ADVISOR, branch="HQ")
        desks += [open_services(pg_target, clock=clock, hasher=hasher) for _ in range(MAX_FAILED_LOGINS - 1)]
        hasher.together = threading.Barrier(MAX_FAILED_LOGINS)
        answers: dict[int, object] = {}

        def guess(n: int) -> None:
            try:
                answers[n] = desks[n].auth.login("victim", f"guess number {n}")
            except Exception as exc:  # noqa: BLE001 (the answer each desk got)
                answers[n] = exc

        threads = [threading.Thread(target=guess, args=(n,), name=f"guess-{n}", daemon=True) for n in range(len(desks))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(_HANG)
        hasher.together = None
        assert all(isinstance(a, AuthenticationFailed) and str(a) == LOGIN_FAILED for a in answers.values()), answers
        assert len(answers) == MAX_FAILED_LOGINS
        # Five wrong passwords: the account is locked, and the right one no longer signs in.
        with first.store.session(read_only=True) as session:
            locked_until = session.execute(select(Staff.locked_until).where(Staff.username == "victim")).scalar_one()
        assert locked_until is not None
        with pytest.raises(AuthenticationFailed) as refused:
            first.auth.login("victim", PASSWORD)
        assert str(refused.value) == LOGIN_FAILED
        assert first.audit.verify(root).ok
    finally:
        for desk in reversed(desks):
            desk.close()


def test_wrong_passwords_one_after_another_still_lock_at_the_fifth(services: Services) -> None:
    """The count in the store, one desk: four wrong passwords leave the account open, the
    fifth locks it, the trail names each failure's number."""
    services.auth.create_first_admin("t-root", PASSWORD)
    root = services.auth.login("t-root", PASSWORD)
    services.auth.create_staff(root, "victim", PASSWORD, Role.ADVISOR, branch="HQ")
    for n in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationFailed):
            services.auth.login("victim", f"guess number {n}")
    assert services.auth.login("victim", PASSWORD).username == "victim"  # a success starts the count again
    for n in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed):
            services.auth.login("victim", f"guess number {n}")
    with pytest.raises(AuthenticationFailed):
        services.auth.login("victim", PASSWORD)
    with services.store.session(read_only=True) as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.facts).where(AuditEntry.staff == "victim").order_by(AuditEntry.seq)
        ).all()
    failures = [json.loads(facts).get("failures") for action, facts in entries if action == "login-failed"]
    assert failures == [1, 2, 3, 4, 1, 2, 3, 4, 5, None]  # the last: refused as locked
    assert [action for action, _ in entries].count("lockout") == 1


class _RightOneLast(PasswordHasher):
    """Every sign-in named guess-* or right reads the row and reaches its password check
    together; the one named right then waits until `wrong_done` is set."""

    together: threading.Barrier | None = None
    wrong_done = threading.Event()

    def verify(self, hash: str | bytes, password: str | bytes) -> Any:
        barrier, name = self.together, threading.current_thread().name
        if barrier is not None and (name.startswith("guess") or name == "right"):
            barrier.wait(_HANG)
            if name == "right":
                assert self.wrong_done.wait(_HANG)
        return super().verify(hash, password)


@pytest.mark.postgres
def test_the_right_password_among_guesses_sent_at_once_does_not_sign_in_once_they_locked_the_account(
    pg_target: str, clock: Clock
) -> None:
    """Six guesses at once, the right one among them checked last: the five wrong ones lock
    the account before it is answered. It read the row before the lockout and signed in,
    telling the guesser, during the lockout, that this password is the one."""
    hasher = _RightOneLast(time_cost=1, memory_cost=1024, parallelism=1)
    desks: list[Services] = [open_services(pg_target, clock=clock, hasher=hasher, init=True)]
    try:
        first = desks[0]
        first.auth.create_first_admin("t-root", PASSWORD)
        root = first.auth.login("t-root", PASSWORD)
        first.auth.create_staff(root, "victim", PASSWORD, Role.ADVISOR, branch="HQ")
        desks += [open_services(pg_target, clock=clock, hasher=hasher) for _ in range(MAX_FAILED_LOGINS)]
        hasher.together = threading.Barrier(MAX_FAILED_LOGINS + 1)
        answers: dict[str, object] = {}

        def guess(n: int, password: str, name: str) -> None:
            try:
                answers[name] = desks[n].auth.login("victim", password)
            except Exception as exc:  # noqa: BLE001 (the answer each desk got)
                answers[name] = exc

        wrong = [
            threading.Thread(target=guess, args=(n, f"guess number {n}", f"guess-{n}"), name=f"guess-{n}", daemon=True)
            for n in range(MAX_FAILED_LOGINS)
        ]
        right = threading.Thread(target=guess, args=(MAX_FAILED_LOGINS, PASSWORD, "right"), name="right", daemon=True)
        for thread in (*wrong, right):
            thread.start()
        for thread in wrong:
            thread.join(_HANG)
        hasher.wrong_done.set()
        right.join(_HANG)
        hasher.together = None
        assert len(answers) == MAX_FAILED_LOGINS + 1, answers
        assert all(isinstance(a, AuthenticationFailed) and str(a) == LOGIN_FAILED for a in answers.values()), answers
        with first.store.session(read_only=True) as session:
            causes = [
                json.loads(facts).get("cause")
                for facts in session.execute(
                    select(AuditEntry.facts)
                    .where(AuditEntry.staff == "victim", AuditEntry.action == "login-failed")
                    .order_by(AuditEntry.seq)
                ).scalars()
            ]
        assert causes == ["credentials"] * MAX_FAILED_LOGINS + ["locked"]
    finally:
        for desk in reversed(desks):
            desk.close()
