"""Attack: compliance changes things between an advisor's read and their write (session 24,
midtask-attack). Each race is made deterministic: compliance acts at a chosen point of the
advisor's work, through the services, on both backends where the PostgreSQL path differs."""

from __future__ import annotations

from typing import Any

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import Conflict
from tests.conftest import add_client, staff


def _entries(services: Services, compliance: Actor, action: str) -> list[Any]:
    return [e for e in services.audit.browse(compliance) if e.action == action]


def test_an_edit_from_a_form_shown_before_another_desks_change_is_refused(
    services: Services, compliance: Actor
) -> None:
    """A client edit sends every field its form shows, changed or not. Compliance put the
    client in the lowest category (and flagged special attention) while another officer's
    form, opened before, stood on screen; that officer corrected a typo in the name and
    saved: the form's old `lowest_category=False` lifted the flag compliance had just set,
    with the reason "typo in the name" (only compliance lifts it, for a reason about it).
    The edit names what it was shown; a record changed since is refused, nothing stored."""
    second = staff(services, Role.COMPLIANCE, "t-comp2")
    add_client(services, compliance, "E1", RiskProfile.C1)
    shown = services.investors.get(second, "E1")
    services.investors.update(compliance, "E1", lowest_category=True, special_attention=True, reason="guardian")
    edits = len(_entries(services, compliance, "client-edited"))
    with pytest.raises(Conflict, match="Another desk changed this client's record since it was shown"):
        services.investors.update(
            second,
            "E1",
            name="客户E1改",
            investor_class=shown.investor_class,
            lowest_category=shown.lowest_category,
            special_attention=shown.special_attention,
            reason="typo in the name",
            based_on=shown,
        )
    now = services.investors.get(compliance, "E1")
    assert (now.name, now.lowest_category, now.special_attention) == ("客户E1", True, True)
    assert len(_entries(services, compliance, "client-edited")) == edits
    # Shown the record as it now stands, the same correction is stored, the flags kept.
    fresh = services.investors.get(second, "E1")
    services.investors.update(
        second,
        "E1",
        name="客户E1改",
        investor_class=fresh.investor_class,
        lowest_category=fresh.lowest_category,
        special_attention=fresh.special_attention,
        reason="typo in the name",
        based_on=fresh,
    )
    now = services.investors.get(compliance, "E1")
    assert (now.name, now.lowest_category, now.special_attention) == ("客户E1改", True, True)
