"""Branch scoping under attack (session branch-attack): the numbers of the audit entries a
branch's staff are handed back (a check's, an override's, an opening's `audit_id`) told
another branch's client from a missing one. SQLite only: the entries recorded are the
same on both stores (context._hidden), PostgreSQL adds nothing to what is compared."""

from __future__ import annotations

import contextlib
from pathlib import Path

from suitcheck.services import Services
from suitcheck.services.errors import NotFound
from tests.services.test_branches import make_actor, make_world


def test_the_trails_numbers_tell_another_branchs_client_from_a_missing_one_no_more_than_the_answer(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """An advisor of one branch checked their own client, typed a guess, checked their own
    client again, and read the two `audit_id`s their checks were given (`check --batch`
    writes them a line each): one apart when the guess named nobody, two apart when it named
    another branch's client (the attempt is recorded, a missing client was not), so a batch
    of guesses between checks of one's own client listed which accounts are clients
    elsewhere. A branch's reference to no client is now recorded too (for head office, like
    the attempt on another branch's client), so the numbers move alike."""
    services = sqlite_services
    w = make_world(services, tmp_path)
    advisor = make_actor(w, "advisor")  # of HQ, where A1 is; B1 is of B2
    gaps: dict[str, int] = {}
    for guess in ("B1", "NOPE"):
        before = services.access.check(advisor, "A1", w.report).audit_id
        with contextlib.suppress(NotFound):
            services.access.check(advisor, guess, w.report)
        gaps[guess] = services.access.check(advisor, "A1", w.report).audit_id - before
    assert gaps["B1"] == gaps["NOPE"], gaps
    # Each guess is in the trail for head office; the branch's own view shows neither.
    entries = services.audit.browse(w.hq_compliance, limit=50)
    assert [e.action for e in entries if e.staff == advisor.username and e.action != "check"] == [
        "client-not-found",
        "client-out-of-branch",
    ]
    assert services.audit.verify(w.root).ok


def test_the_trails_numbers_tell_no_id_number_held_elsewhere_from_one_nobody_holds(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """A branch officer searching by a full ID number: every search was recorded
    (client-search-by-id), and one by another branch's client's number also as an attempt
    on that client, so their own checks around the search were three entries apart for a
    number held elsewhere and two apart for a number nobody holds. A number held by nobody
    is now recorded as a reference to no client (client-not-found) too."""
    from tests.services.clientfiles import make_id

    services = sqlite_services
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ
    theirs, nobody = make_id(5), make_id(7)
    services.investors.add(w.hq_compliance, account="B5", name="丙", id_number=theirs, branch="B2")
    gaps: dict[str, int] = {}
    for name, number in (("elsewhere", theirs), ("nobody", nobody)):
        before = services.access.check(officer, "A1", w.report).audit_id
        assert services.investors.search(officer, number) == []
        gaps[name] = services.access.check(officer, "A1", w.report).audit_id - before
    assert gaps["elsewhere"] == gaps["nobody"], gaps
