"""Attack: the first administrator made twice (session 30, scopeattack). `init --admin` and
the first-run window asked whether the store had staff, then added the administrator in a
transaction of its own. Two desks setting up one new store at the same moment (two
clerks at the first-run window of a shared PostgreSQL store, or a first-run window and
someone's `suitcheck init --admin` on the same file) both found no staff and both made
"the first" administrator: the firm got an administrator nobody meant to make, recorded
as made by the store itself. The rule: staff are counted again inside the transaction
that adds the first administrator, under the trail's lock (which every staff account's
entry takes), and the second desk is refused in one sentence, nothing added."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import Conflict
from suitcheck.store.models import AuditEntry, Staff
from tests.attack.test_attack_admin_staff_race import _meanwhile, _waiting_on_a_lock
from tests.conftest import PASSWORD, Clock, make_services

# A guard against a test hanging for ever, never a measure of speed.
_HANG = 60.0
REFUSAL = "The store already has staff accounts; an administrator must add new ones."


def _admins(services: Services) -> list[str]:
    with services.store.session(read_only=True) as session:
        return list(session.execute(select(Staff.username).where(Staff.role == Role.ADMIN.value)).scalars())


def _staff_created_entries(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        return int(
            session.execute(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "staff-created")
            ).scalar_one()
        )


def test_a_first_administrator_made_by_another_desk_meanwhile_refuses_this_one(store_target: str, clock: Clock) -> None:
    here = make_services(store_target, clock)
    there = make_services(store_target, clock)
    try:
        with (
            _meanwhile(here, lambda: there.auth.create_first_admin("alice", PASSWORD)) as fired,
            pytest.raises(Conflict) as refused,
        ):
            here.auth.create_first_admin("mallory", PASSWORD)
        assert fired
        assert str(refused.value) == REFUSAL
        assert _admins(here) == ["alice"]
        assert _staff_created_entries(here) == 1
        alice = here.auth.login("alice", PASSWORD)
        assert here.audit.verify(alice).ok
    finally:
        there.close()
        here.close()


@pytest.mark.postgres
def test_two_desks_making_the_first_administrator_at_once_on_postgresql(pg_target: str, clock: Clock) -> None:
    """PostgreSQL, read committed: desk A has added its administrator and not yet
    committed; desk B counts the staff meanwhile and finds none (A's row is not visible
    until it commits). B now counts under the trail's lock, so it waits for A's commit,
    finds A's administrator and is refused."""
    first = make_services(pg_target, clock)
    second = make_services(pg_target, clock)
    try:
        inside, go_on = threading.Event(), threading.Event()
        original = first.ctx.audit

        def paused(*args: Any, **kwargs: Any) -> Any:
            appended = original(*args, **kwargs)
            if threading.current_thread().name == "desk-a":
                inside.set()  # A's administrator and its entry are written, not committed
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

        desk_a = run("desk-a", lambda: first.auth.create_first_admin("alice", PASSWORD))
        assert inside.wait(_HANG)
        desk_b = run("desk-b", lambda: second.auth.create_first_admin("mallory", PASSWORD))
        for _ in range(int(_HANG * 10)):
            if _waiting_on_a_lock(pg_target) or not desk_b.is_alive():
                break
            threading.Event().wait(0.1)
        go_on.set()
        desk_a.join(_HANG)
        desk_b.join(_HANG)
        assert not isinstance(outcome["desk-a"], Exception), outcome
        refused = outcome["desk-b"]
        assert isinstance(refused, Conflict), outcome
        assert str(refused) == REFUSAL
        del first.ctx.audit
        assert _admins(first) == ["alice"]
        assert _staff_created_entries(first) == 1
        assert first.audit.verify(first.auth.login("alice", PASSWORD)).ok
    finally:
        second.close()
        first.close()


@pytest.mark.postgres
def test_demo_accounts_are_not_added_beside_a_first_administrator_made_at_once(pg_target: str, clock: Clock) -> None:
    """PostgreSQL: desk A's `init --admin` has added the real administrator and not yet
    committed; `seed-demo` on desk B counted the staff meanwhile, found none, and added
    demo-admin with the public password 'demo' to the firm's real store. B now counts
    under the trail's lock: it waits for A's commit, finds a store with real staff and
    is refused; no demo account exists."""
    first = make_services(pg_target, clock)
    second = make_services(pg_target, clock)
    try:
        inside, go_on = threading.Event(), threading.Event()
        original = first.ctx.audit

        def paused(*args: Any, **kwargs: Any) -> Any:
            appended = original(*args, **kwargs)
            if threading.current_thread().name == "desk-a":
                inside.set()
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

        desk_a = run("desk-a", lambda: first.auth.create_first_admin("alice", PASSWORD))
        assert inside.wait(_HANG)
        desk_b = run(
            "desk-b", lambda: second.auth.create_demo_staff([("demo-admin", "demo", Role.ADMIN, "Demo Admin")])
        )
        for _ in range(int(_HANG * 10)):
            if _waiting_on_a_lock(pg_target) or not desk_b.is_alive():
                break
            threading.Event().wait(0.1)
        go_on.set()
        desk_a.join(_HANG)
        desk_b.join(_HANG)
        assert not isinstance(outcome["desk-a"], Exception), outcome
        assert isinstance(outcome["desk-b"], Conflict), outcome
        del first.ctx.audit
        assert _admins(first) == ["alice"]
        assert not first.auth.is_demo_store()
    finally:
        second.close()
        first.close()
