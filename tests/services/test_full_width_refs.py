"""A clerk whose input method is in full-width mode types ８８００９９ for the account
880099 and ＃１２ for record 12. New accounts refuse such forms (test_lookalike_keys), so
a reference or a search typed that way means its half-width form: before, it found
nobody ("No client has the account number or id '８８００９９'"), and the client search
box stayed empty. Only the full-width forms block is folded; a superscript or a circled
digit is not a digit. An account stored in full-width forms before they were refused is
still found by typing it exactly, and wins over its half-width reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput, NotFound
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report


@pytest.fixture
def r3(services: Services, compliance: Actor, tmp_path: Path) -> int:
    return import_text_report(services, compliance, tmp_path, level="中风险")


def test_a_full_width_account_checks_the_client_it_spells(
    services: Services, compliance: Actor, advisor: Actor, r3: int
) -> None:
    c2 = add_client(services, compliance, "880099", RiskProfile.C2)
    add_client(services, compliance, "880098", RiskProfile.C5)
    typed = services.access.check(advisor, "８８００９９", r3)
    plain = services.access.check(advisor, "880099", r3)
    assert (typed.investor_id, typed.decision.outcome) == (c2, Outcome.BLOCK)
    assert typed.decision == plain.decision
    newest = services.audit.browse(compliance, limit=2)
    assert [e.investor_id for e in newest] == [c2, c2]  # both checks recorded, for that client
    assert services.investors.get(advisor, "　８８００９９　").id == c2  # ideographic spaces trimmed


def test_a_full_width_report_id_names_the_same_report(
    services: Services, compliance: Actor, advisor: Actor, r3: int
) -> None:
    add_client(services, compliance, "880099", RiskProfile.C3)
    wide = "".join(chr(0xFF10 + int(d)) for d in str(r3))
    for ref in (wide, "＃" + wide):
        result = services.access.check(advisor, "880099", ref)
        assert (result.report_id, result.decision.outcome) == (r3, Outcome.ALLOW)
    assert services.reports.get(advisor, wide).id == r3


@pytest.mark.parametrize("lookalike", ["⁸⁸⁰⁰⁹⁹", "⑧⑧⓪⓪⑨⑨", "８８００９９\u200b", "８８O０９９"])
def test_what_only_looks_like_the_account_finds_nobody(
    services: Services, compliance: Actor, advisor: Actor, r3: int, lookalike: str
) -> None:
    add_client(services, compliance, "880099", RiskProfile.C5)
    with pytest.raises(NotFound) as missing:
        services.access.check(advisor, lookalike, r3)
    assert str(missing.value) == f"No client has the account number or id {lookalike!r}."  # as typed
    assert services.investors.search(advisor, lookalike) == []


def test_full_width_ids_are_ambiguous_as_their_half_width_form_is(
    services: Services, compliance: Actor, advisor: Actor, r3: int
) -> None:
    first = add_client(services, compliance, "880099", RiskProfile.C5)
    add_client(services, compliance, str(first), RiskProfile.C1)  # an account that is the first's id
    wide = "".join(chr(0xFF10 + int(d)) for d in str(first))
    for ref in (str(first), wide):
        with pytest.raises(InvalidInput, match="both an account number and another client's id"):
            services.access.check(advisor, ref, r3)
    assert services.access.check(advisor, "ａｃｃｔ：" + wide, r3).decision.outcome is Outcome.BLOCK  # the C1


def test_an_account_stored_full_width_before_the_rule_is_found_as_typed(
    services: Services, compliance: Actor, advisor: Actor, r3: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from suitcheck.domain import clients

    with monkeypatch.context() as before:
        before.setattr(clients, "key_problem", lambda text: None)  # as suitcheck was
        old = add_client(services, compliance, "８８００９９", RiskProfile.C1)
    plain = add_client(services, compliance, "880099", RiskProfile.C5)
    assert services.access.check(advisor, "８８００９９", r3).investor_id == old  # exactly as typed
    assert services.access.check(advisor, "880099", r3).investor_id == plain
    assert {v.id for v in services.investors.search(advisor, "８８００")} == {old, plain}
    assert [v.id for v in services.investors.search(advisor, "8800")] == [plain]


def test_the_client_search_reads_full_width_as_typed_meant(services: Services, compliance: Actor) -> None:
    c = add_client(services, compliance, "880099", RiskProfile.C3, name="ABC贸易")
    add_client(services, compliance, "770001", RiskProfile.C3)
    for query in ("８８００", "８８００９９", "ＡＢＣ", "ＡＢＣ贸易"):
        assert [v.id for v in services.investors.search(compliance, query)] == [c], query
        assert services.investors.count(compliance, query) == 1


def test_a_full_width_account_of_another_branch_is_hidden_and_recorded(
    services: Services, compliance: Actor, advisor: Actor, r3: int
) -> None:
    root = staff(services, Role.ADMIN, "t-root")
    services.branches.add(root, "B2", "二部")
    other = add_client(services, compliance, "880099", RiskProfile.C5, branch="B2")
    with pytest.raises(NotFound) as missing:  # the advisor works at head office
        services.access.check(advisor, "８８００９９", r3)
    assert str(missing.value) == "No client has the account number or id '８８００９９'."
    newest = services.audit.browse(compliance, limit=1)[0]
    assert (newest.action, newest.investor_id) == ("client-out-of-branch", other)
