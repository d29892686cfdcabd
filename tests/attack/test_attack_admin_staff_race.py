"""Attack: two administrators changing each other's accounts at the same instant (session
admin2). Each checked that they were still an enabled administrator before the write
transaction that changed the other's account, so two admins disabling each other both
succeeded and the firm was left with no enabled administrator (on PostgreSQL none can
be recovered locally). The rule: an administrator's standing is read again inside the
transaction that makes the change, the rows it depends on locked, and a change whose
author lost their standing meanwhile is refused in one sentence, recorded, nothing done."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import AuthenticationFailed
from tests.conftest import PASSWORD, Clock, make_services, staff

# A guard against a test hanging for ever, never a measure of speed.
_HANG = 60.0
TEMPORARY = "a temporary passphrase"


def _admins(services: Services) -> tuple[Actor, Actor]:
    first = staff(services, Role.ADMIN, "t-root")
    second = staff(services, Role.ADMIN, "t-admin-b")
    return first, second


def _enabled_admins(services: Services, viewer: Actor) -> set[str]:
    return {v.username for v in services.auth.list_staff(viewer) if v.role is Role.ADMIN and not v.disabled}


def _refusals(services: Services) -> list[tuple[str, str]]:
    with services.store.session(read_only=True) as session:
        rows = session.execute(text("SELECT staff, facts FROM audit_entry WHERE action = 'refused' ORDER BY seq"))
        return [(str(staff_name), str(facts)) for staff_name, facts in rows]


@contextmanager
def _meanwhile(services: Services, interloper: Callable[[], object]) -> Iterator[list[bool]]:
    """Run `interloper` (another administrator's whole change, committed) at the moment the
    next change's write transaction is about to begin: after every check made before it."""
    ctx = services.ctx
    original = ctx.transaction
    fired: list[bool] = []

    @contextmanager
    def transaction(read_only: bool = False) -> Iterator[Any]:
        if not read_only and not fired:
            fired.append(True)
            interloper()
        with original(read_only) as session:
            yield session

    ctx.transaction = transaction  # type: ignore[method-assign]
    try:
        yield fired
    finally:
        del ctx.transaction


CHANGES: dict[str, Callable[[Services, Actor], object]] = {
    "disable": lambda s, a: s.auth.set_disabled(a, "t-advisor", True),
    "reset-password": lambda s, a: s.auth.reset_password(a, "t-advisor", TEMPORARY),
    "unlock": lambda s, a: s.auth.unlock(a, "t-advisor"),
    "add-staff": lambda s, a: s.auth.create_staff(a, "t-new-admin", PASSWORD, Role.ADMIN),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_staff_change_by_an_admin_disabled_meanwhile_is_refused(services: Services, change: str) -> None:
    """Admin A's change passed its permission check; admin B disabled A before A's write
    transaction began; A's change went through all the same (a new administrator added by
    a disabled one, a password reset by one). It is refused with the sentence an account
    disabled meanwhile gets, recorded, and nothing is changed."""
    a, b = _admins(services)
    staff(services, Role.ADVISOR)
    before = {v.username: v for v in services.auth.list_staff(b)}
    with (
        _meanwhile(services, lambda: services.auth.set_disabled(b, a.username, True)) as fired,
        pytest.raises(AuthenticationFailed, match="disabled; nothing was done"),
    ):
        CHANGES[change](services, a)
    assert fired
    after = {v.username: v for v in services.auth.list_staff(b)}
    assert after.keys() == before.keys()  # no account added
    assert after["t-advisor"] == before["t-advisor"]  # not disabled, reset or unlocked
    assert services.auth.login("t-advisor", PASSWORD).username == "t-advisor"  # the password stands
    assert _refusals(services)[-1][0] == a.username
    assert '"cause":"disabled"' in _refusals(services)[-1][1]
    assert services.audit.verify(b).ok


def test_two_admins_disabling_each_other_leave_one_enabled(services: Services) -> None:
    """A disables B; B, checked before A's change, disables A: both succeeded, and the firm
    had no enabled administrator."""
    a, b = _admins(services)
    with (
        _meanwhile(services, lambda: services.auth.set_disabled(a, b.username, True)),
        pytest.raises(AuthenticationFailed, match="disabled"),
    ):
        services.auth.set_disabled(b, a.username, True)
    assert _enabled_admins(services, a) == {a.username}
    assert services.audit.verify(a).ok


def _waiting_on_a_lock(url: str) -> bool:
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_two_desks_disabling_each_others_admin_at_once_on_postgresql(pg_target: str, clock: Clock) -> None:
    """PostgreSQL, read committed, two desks: A's transaction has disabled B and not yet
    committed; B's desk disables A meanwhile. Reading B's standing again inside B's
    transaction is not enough there (A's change is not visible until it commits): both
    committed. B's transaction now waits for the rows A's holds, reads B's standing after
    A's commit and is refused; A stays the firm's enabled administrator."""
    first = make_services(pg_target, clock)
    second = make_services(pg_target, clock)
    try:
        a, _ = _admins(first)
        b = second.auth.login("t-admin-b", PASSWORD)
        inside, go_on = threading.Event(), threading.Event()
        original = first.ctx.audit

        def paused(*args: Any, **kwargs: Any) -> Any:
            appended = original(*args, **kwargs)
            if threading.current_thread().name == "desk-a":
                inside.set()  # A's change and its entry are written, not committed
                assert go_on.wait(_HANG)
            return appended

        first.ctx.audit = paused  # type: ignore[method-assign]
        outcome: dict[str, object] = {}

        def run(name: str, call: Callable[[], object]) -> threading.Thread:
            def target() -> None:
                try:
                    outcome[name] = call()
                except Exception as exc:  # noqa: BLE001 (the answer each desk got)
                    outcome[name] = exc

            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            return thread

        desk_a = run("desk-a", lambda: first.auth.set_disabled(a, b.username, True))
        assert inside.wait(_HANG)
        desk_b = run("desk-b", lambda: second.auth.set_disabled(b, a.username, True))
        # B's desk has made its checks and waits on a lock A's transaction holds (before the
        # fix: the trail's, with A already disabled in B's transaction; now: the rows).
        for _ in range(int(_HANG * 10)):
            if _waiting_on_a_lock(pg_target) or not desk_b.is_alive():
                break
            threading.Event().wait(0.1)
        assert desk_b.is_alive(), outcome  # it waited for A's transaction
        go_on.set()
        desk_a.join(_HANG)
        desk_b.join(_HANG)
        assert not isinstance(outcome["desk-a"], Exception), outcome
        refused = outcome["desk-b"]
        assert isinstance(refused, AuthenticationFailed), outcome
        assert str(refused) == (
            "Your account has been disabled; nothing was done. Sign in again when it is re-enabled."
        )
        del first.ctx.audit
        assert _enabled_admins(first, a) == {a.username}
        assert _refusals(first)[-1][0] == b.username
        assert first.audit.verify(a).ok
    finally:
        second.close()
        first.close()
