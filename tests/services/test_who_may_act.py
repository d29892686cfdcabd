"""Who may act: powers follow the staff row at every call; searching by a full ID number;
policy bounds and versions; ID numbers that cannot exist; one person, one client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from suitcheck.domain.policy import Policy
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.auth import MAX_FAILED_LOGINS
from suitcheck.services.demo import make_id_number
from suitcheck.services.errors import AuthenticationFailed, Conflict, InvalidInput, PermissionDenied
from suitcheck.store.models import PolicyVersion, Staff
from tests.conftest import TODAY, add_client, staff


def _set_role(services: Services, username: str, role: Role) -> None:
    """The role changed as suitcheck changes a staff row (through the ORM: sealed on flush)."""
    with services.store.session() as session:
        staff = session.execute(select(Staff).where(Staff.username == username)).scalar_one()
        staff.role = role.value


def test_disabled_staff_lose_their_powers_at_the_next_call(
    services: Services, compliance: Actor, advisor: Actor, admin: Actor
) -> None:
    """An open session (a window left open, a long batch) is no licence: the next call fails."""
    add_client(services, compliance, "A1")
    assert services.investors.get(advisor, "A1").account == "A1"
    services.auth.set_disabled(admin, advisor.username, True)
    with pytest.raises(AuthenticationFailed, match="disabled"):
        services.investors.get(advisor, "A1")
    with pytest.raises(AuthenticationFailed, match="disabled"):
        services.access.eligible_count(advisor, 1)
    refused = next(e for e in services.audit.browse(compliance) if e.action == "refused")
    assert refused.staff == advisor.username
    assert '"cause":"disabled"' in refused.facts
    services.auth.set_disabled(admin, advisor.username, False)
    assert services.investors.get(advisor, "A1").account == "A1"


def test_locked_staff_lose_their_powers_at_the_next_call(services: Services, compliance: Actor, advisor: Actor) -> None:
    add_client(services, compliance, "A2")
    for _ in range(MAX_FAILED_LOGINS):  # someone guessing this advisor's password
        with pytest.raises(AuthenticationFailed):
            services.auth.login(advisor.username, "guess")
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.investors.search(advisor, "A2")


def test_a_changed_role_applies_at_the_next_call(services: Services, compliance: Actor) -> None:
    add_client(services, compliance, "A3", id_number=make_id_number("110105", dt.date(1960, 5, 1), 11))
    assert services.investors.get(compliance, "A3").id_number == make_id_number("110105", dt.date(1960, 5, 1), 11)
    _set_role(services, compliance.username, Role.ADVISOR)
    view = services.investors.get(compliance, "A3")  # the old Actor object, the new role
    assert view.id_number is not None
    assert "*" in view.id_number
    with pytest.raises(PermissionDenied, match="advisor"):
        services.investors.update(compliance, "A3", name="改名")


def test_searching_by_full_id_number_needs_see_full_id_and_is_audited(
    services: Services, compliance: Actor, advisor: Actor
) -> None:
    number = make_id_number("110105", dt.date(1975, 3, 9), 21)
    add_client(services, compliance, "A4", id_number=number)
    with pytest.raises(PermissionDenied, match="see-full-id"):
        services.investors.search(advisor, number)
    with pytest.raises(PermissionDenied, match="see-full-id"):
        services.investors.count(advisor, number)
    assert [v.account for v in services.investors.search(advisor, "A4")] == ["A4"]  # account search is fine
    assert [v.account for v in services.investors.search(compliance, number)] == ["A4"]
    assert services.investors.count(compliance, number.lower()) == 1
    entries = services.audit.browse(compliance, limit=20)
    searches = [e for e in entries if e.action == "client-search-by-id"]
    assert len(searches) == 2
    assert all(number not in e.facts and "110105" in e.facts for e in searches)
    assert any(e.action == "refused" and "see-full-id" in e.facts and e.staff == advisor.username for e in entries)


def test_fifteen_and_eighteen_digit_numbers_are_the_same_client(services: Services, compliance: Actor) -> None:
    eighteen = make_id_number("110105", dt.date(1952, 7, 8), 31)
    fifteen = eighteen[:6] + eighteen[8:17]
    view = services.investors.add(compliance, account="OLD15", name="旧证号", id_number=fifteen)
    assert view.id_number == eighteen  # stored in the 18-character form
    with pytest.raises(Conflict, match="ID number already exists"):
        services.investors.add(compliance, account="NEW18", name="新证号", id_number=eighteen)
    assert [v.account for v in services.investors.search(compliance, eighteen)] == ["OLD15"]
    assert [v.account for v in services.investors.search(compliance, fifteen)] == ["OLD15"]


def test_a_legacy_fifteen_digit_record_is_found_and_not_duplicated(services: Services, compliance: Actor) -> None:
    """Records stored before numbers were normalised keep their 15 digits."""
    eighteen = make_id_number("110105", dt.date(1948, 2, 3), 41)
    fifteen = eighteen[:6] + eighteen[8:17]
    add_client(services, compliance, "LEG")
    from suitcheck.store.models import Investor

    with services.store.session() as session:
        session.execute(update(Investor).where(Investor.account == "LEG").values(id_number=fifteen))
    assert [v.account for v in services.investors.search(compliance, eighteen)] == ["LEG"]
    with pytest.raises(Conflict):
        services.investors.add(compliance, account="DUP", name="重复", id_number=eighteen)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (make_id_number("999999", dt.date(1980, 1, 1), 1), "area code"),
        ("999999800101001", "area code"),
        (make_id_number("110105", dt.date(1899, 12, 31), 1), "impossible"),
        (make_id_number("110105", TODAY + dt.timedelta(days=1), 1), "impossible"),
    ],
)
def test_impossible_id_numbers_are_refused(sqlite_services: Services, number: str, why: str) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    with pytest.raises(InvalidInput, match=why):
        sqlite_services.investors.add(compliance, account="X", name="无效", id_number=number)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"validity_days": 29}, "30 to 3650"),
        ({"validity_days": 3651}, "30 to 3650"),
        ({"validity_days": 100, "warning_days": 100}, "less than validity_days"),
        ({"warning_days": -1}, "at least 0"),
        ({"special_attention_age": 49}, "50 to 100"),
        ({"special_attention_age": 101}, "50 to 100"),
        ({"allow_escalation": "yes"}, "true or false"),
        ({"allow_escalation": 1}, "true or false"),
        ({"validity_days": True}, "whole number"),
        ({"validity_days": "365"}, "whole number"),
        ({"warning_text": "  "}, "must not be empty"),
        ({"warning_version": "W9"}, "cannot be set"),
        ({"version": 99}, "cannot be set"),
    ],
)
def test_policy_values_are_bounded(sqlite_services: Services, change: dict[str, Any], why: str) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    with pytest.raises(InvalidInput, match=why):
        sqlite_services.policy.update(compliance, **change)
    assert sqlite_services.policy.current() == Policy()


def test_policy_bounds_themselves_are_accepted(services: Services, compliance: Actor) -> None:
    for change in ({"validity_days": 30, "warning_days": 29}, {"validity_days": 3650}, {"special_attention_age": 50}):
        services.policy.update(compliance, **change)
    assert services.policy.update(compliance, special_attention_age=100).special_attention_age == 100


def test_a_new_warning_text_gets_a_new_warning_version(services: Services, compliance: Actor) -> None:
    first = services.policy.update(compliance, warning_text="新的风险警示文字。")
    assert first.warning_version == "W2"
    again = services.policy.update(compliance, validity_days=365)
    assert again.warning_version == "W2"  # unchanged text, unchanged version
    assert services.policy.update(compliance, warning_text="再改一次。").warning_version == "W3"
    with pytest.raises(InvalidInput, match="already has these values"):
        services.policy.update(compliance, validity_days=365)


def test_default_policy_is_stored_as_version_one(services: Services) -> None:
    """Every version a decision can be stamped with is in the store, version 1 included."""
    with services.store.session(read_only=True) as session:
        rows = session.execute(select(PolicyVersion.version, PolicyVersion.document)).all()
    assert [r.version for r in rows] == [1]
    assert Policy.from_json(rows[0].document) == Policy()
