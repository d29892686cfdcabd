"""Attack: a user name that differs from a colleague's only in capitals or character form
(session 30, reviewround1). An administrator could add `Demo-Admin` beside `demo-admin`, or
`System` beside the name the trail records for the program itself: in the staff list and
the audit trail the new account's actions then read as the colleague's (or the program's).
The rule: a new user name that NFKC- and case-folds to an existing one (or a reserved one)
is refused in one sentence, nothing added; a store that already holds such a pair (made
before the rule) keeps signing both in by their exact names."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from suitcheck.domain.clients import folded_key
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services import auth as auth_module
from suitcheck.services.errors import Conflict, InvalidInput
from tests.attack.test_attack_admin_staff_race import _meanwhile
from tests.conftest import PASSWORD, staff


def _created(services: Services) -> list[str]:
    with services.store.session(read_only=True) as session:
        rows = session.execute(text("SELECT facts FROM audit_entry WHERE action = 'staff-created' ORDER BY seq"))
        return [str(facts) for (facts,) in rows]


def _names(services: Services) -> set[str]:
    with services.store.session(read_only=True) as session:
        return set(session.execute(text("SELECT username FROM staff")).scalars())


def test_the_fold_is_case_and_compatibility_blind() -> None:
    assert folded_key("Demo-Admin") == folded_key("demo-admin") == folded_key("DEMO-ADMIN")
    assert folded_key("straße") == folded_key("STRASSE")
    assert folded_key("ｄｅｍｏ") == folded_key("demo")
    assert folded_key("demo-admin") != folded_key("demo-admin2")


@pytest.mark.parametrize("lookalike", ["T-Advisor", "T-ADVISOR", "t-Advisor"])
def test_a_name_differing_only_in_capitals_is_refused(services: Services, lookalike: str) -> None:
    staff(services, Role.ADVISOR, "t-advisor")
    root = services.auth.login("t-root", PASSWORD)
    before = _created(services)
    with pytest.raises(Conflict) as refused:
        services.auth.create_staff(root, lookalike, "another good passphrase", Role.ADMIN)
    assert "'t-advisor' already exists" in str(refused.value)
    assert lookalike not in _names(services)
    assert _created(services) == before


def test_sharp_s_and_ss_are_one_name(services: Services) -> None:
    staff(services, Role.ADVISOR, "strasse")
    root = services.auth.login("t-root", PASSWORD)
    with pytest.raises(Conflict):
        services.auth.create_staff(root, "Straße", "another good passphrase", Role.ADVISOR)
    assert "Straße" not in _names(services)


@pytest.mark.parametrize("name", ["System", "SYSTEM", "Local-Recovery", "LOCAL-RECOVERY"])
def test_a_reserved_name_in_other_capitals_is_refused(services: Services, name: str) -> None:
    """`System` read in the trail as the program itself (first run, seals, demo seeding)."""
    root = staff(services, Role.ADMIN, "t-root")
    with pytest.raises(InvalidInput, match="is reserved"):
        services.auth.create_staff(root, name, "another good passphrase", Role.ADMIN)
    assert name not in _names(services)


def test_a_first_administrator_named_like_a_reserved_name_is_refused(services: Services) -> None:
    with pytest.raises(InvalidInput, match="is reserved"):
        services.auth.create_first_admin("System", "another good passphrase")
    assert not services.auth.has_staff()


def test_a_lookalike_added_by_another_admin_meanwhile_is_refused(services: Services) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    other = staff(services, Role.ADMIN, "t-admin-b")
    with (
        _meanwhile(services, lambda: services.auth.create_staff(other, "li.lei", PASSWORD, Role.ADVISOR)),
        pytest.raises(Conflict),
    ):
        services.auth.create_staff(root, "Li.Lei", "another good passphrase", Role.ADMIN)
    assert "li.lei" in _names(services)
    assert "Li.Lei" not in _names(services)


def test_a_pair_made_before_the_rule_keeps_working(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store from an older version holds `t-advisor` and `T-Advisor`: both still sign in
    by their exact names, and an administrator manages each by its exact name."""
    staff(services, Role.ADVISOR, "t-advisor")
    root = services.auth.login("t-root", PASSWORD)
    with monkeypatch.context() as old_version:
        old_version.setattr(auth_module, "folded_key", lambda name: name)
        services.auth.create_staff(root, "T-Advisor", "another good passphrase", Role.ADVISOR)
    assert services.auth.login("t-advisor", PASSWORD).username == "t-advisor"
    assert services.auth.login("T-Advisor", "another good passphrase").username == "T-Advisor"
    listed = {v.username for v in services.auth.list_staff(root)}
    assert {"t-advisor", "T-Advisor"} <= listed
    services.auth.set_disabled(root, "T-Advisor", True)
    assert services.auth.login("t-advisor", PASSWORD).username == "t-advisor"
