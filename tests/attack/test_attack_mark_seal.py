"""A due re-assessment is cleared only by an assessment made on or after the day the
client's situation was marked as changed, and that day is read from a sealed fact.

Was BROKE: the day was read from the mark entry's `at`, which the desk reads without
verifying the trail. An insider with a SQL client moved it back (the store still opened:
only the head is compared at open), and an assessment backdated to before the change,
which is what the situation before it had earned, cleared the mark: reports above R1
reached a client whose situation had changed. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome, Reason
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.integrity import MARK_SEAL
from suitcheck.store.models import AuditEntry
from tests.audit.test_installations import desktop
from tests.audit.test_tamper import raw
from tests.conftest import PASSWORD, TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report

MARKED = TODAY + dt.timedelta(days=10)  # the day the situation changes
PAPER = TODAY + dt.timedelta(days=5)  # a paper assessment from before the change


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _marked(services: Services, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path) -> int:
    """Client MOVED (C5, assessed TODAY), marked due on MARKED, two days before now; the
    head is a later entry, so the store opens whatever the mark's row holds. Its R3 report."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "MOVED", RiskProfile.C5)
    clock.advance(days=10)
    services.investors.mark_reassessment_due(advisor, "MOVED", "客户失业")
    clock.advance(days=2)
    services.access.check(advisor, "MOVED", report)  # not the head
    return report


def _mark_row(services: Services) -> dict[str, Any]:
    with services.store.engine.connect() as conn:
        return dict(
            conn.execute(select(AuditEntry.__table__).where(AuditEntry.action == AuditAction.REASSESSMENT_DUE.value))
            .one()
            ._mapping
        )


def _assert_still_due(services: Services, compliance: Actor, advisor: Actor, report: int) -> None:
    """The paper assessment is kept in the history but does not clear the mark."""
    view = services.investors.assess(compliance, "MOVED", RiskProfile.C5, PAPER, note="paper")
    assert view.reassessment_due
    assert json.loads(services.audit.browse(compliance, limit=1)[0].facts)["reassessment_due_kept"] is True
    decision = services.access.check(advisor, "MOVED", report).decision
    assert decision.outcome is Outcome.BLOCK
    assert Reason.REASSESSMENT_DUE in decision.reasons


def test_the_mark_records_its_day_sealed(
    services: Services, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    _marked(services, compliance, advisor, clock, tmp_path)
    facts = json.loads(_mark_row(services)["facts"])
    assert facts["marked_on"] == MARKED.isoformat()
    assert facts[MARK_SEAL].startswith(services.ctx.sealer.chain + ":")


def test_the_mark_moved_back_in_sql_does_not_let_a_backdated_assessment_clear_it(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    report = _marked(services, compliance, advisor, clock, tmp_path)
    row = _mark_row(services)
    moved = row["at"].replace(MARKED.isoformat(), (TODAY + dt.timedelta(days=1)).isoformat())
    assert moved != row["at"]
    raw(store_target, f"UPDATE audit_entry SET at = {_sql(moved)} WHERE seq = {row['seq']}")
    _assert_still_due(services, compliance, advisor, report)


@pytest.mark.parametrize("edit", ["day moved, seal kept", "seal removed", "seal of another day", "not a day"])
def test_a_mark_whose_sealed_day_does_not_hold_is_taken_as_today(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path, edit: str
) -> None:
    """The day edited in the facts (its seal kept, removed, or remade with another desk's
    HMAC key the insider does not have): the mark counts as made today, so only an
    assessment of today or later clears it. The paper one does not; today's does."""
    report = _marked(services, compliance, advisor, clock, tmp_path)
    row = _mark_row(services)
    facts = json.loads(row["facts"])
    earlier = (TODAY + dt.timedelta(days=1)).isoformat()
    if edit == "day moved, seal kept":
        facts["marked_on"] = earlier
    elif edit == "seal removed":
        del facts[MARK_SEAL]
        facts["marked_on"] = earlier
    elif edit == "seal of another day":
        chain, mac, signature = facts[MARK_SEAL].split(":")
        facts["marked_on"] = earlier
        facts[MARK_SEAL] = f"{chain}:{'0' * len(mac)}:{signature}"
    else:
        facts["marked_on"] = "soon"
    raw(store_target, f"UPDATE audit_entry SET facts = {_sql(json.dumps(facts))} WHERE seq = {row['seq']}")
    _assert_still_due(services, compliance, advisor, report)
    # Between the real mark and today: the mark is read as today's, so still due.
    between = services.investors.assess(
        compliance, "MOVED", RiskProfile.C5, MARKED + dt.timedelta(days=1), note="paper"
    )
    assert between.reassessment_due
    today = services.investors.assess(compliance, "MOVED", RiskProfile.C4, MARKED + dt.timedelta(days=2), note="desk")
    assert not today.reassessment_due
    assert services.access.check(advisor, "MOVED", report).decision.outcome is Outcome.ALLOW


def test_the_genuine_mark_is_cleared_by_an_assessment_made_after_it(
    services: Services, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    """The seal holds: an assessment dated between the mark and today (entered late from
    paper) clears it, as before."""
    report = _marked(services, compliance, advisor, clock, tmp_path)
    view = services.investors.assess(compliance, "MOVED", RiskProfile.C4, MARKED + dt.timedelta(days=1), note="paper")
    assert not view.reassessment_due
    assert services.access.check(advisor, "MOVED", report).decision.outcome is Outcome.ALLOW


def test_a_mark_moved_to_another_client_in_sql_is_taken_as_today(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    """A seal binds the client it was made for: the genuine mark of a client marked early
    (EARLY, on TODAY) given to MOVED (its client id changed, MOVED's own entry turned into
    something else) reads as a mark of today for MOVED."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "EARLY", RiskProfile.C5)
    moved = add_client(services, compliance, "MOVED", RiskProfile.C5)
    services.investors.mark_reassessment_due(advisor, "EARLY", "早先的变化")
    clock.advance(days=10)
    services.investors.mark_reassessment_due(advisor, "MOVED", "客户失业")
    clock.advance(days=2)
    services.access.check(advisor, "MOVED", report)  # not the head
    with services.store.engine.connect() as conn:
        marks = dict(
            conn.execute(
                select(AuditEntry.investor_id, AuditEntry.seq).where(
                    AuditEntry.action == AuditAction.REASSESSMENT_DUE.value
                )
            ).all()
        )
    raw(
        store_target,
        f"UPDATE audit_entry SET action = 'note' WHERE seq = {marks[moved]}",
        f"UPDATE audit_entry SET investor_id = {moved} WHERE seq = {min(marks.values())}",
    )
    _assert_still_due(services, compliance, advisor, report)


def test_a_mark_made_on_one_desk_is_read_with_its_day_on_another(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """The seal is the marking desk's HMAC and a signature with its registered row key,
    which the other desks of a shared store check: there the late paper assessment made
    after the change clears the mark as it would on the marking desk, and one from before
    it does not."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    second: Services | None = None
    try:
        compliance = staff(first, Role.COMPLIANCE)
        advisor = staff(first, Role.ADVISOR)
        add_client(first, compliance, "BEFORE", RiskProfile.C5)
        add_client(first, compliance, "AFTER", RiskProfile.C5)
        second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
        clock.advance(days=10)
        first.investors.mark_reassessment_due(advisor, "BEFORE", "客户失业")
        first.investors.mark_reassessment_due(advisor, "AFTER", "客户失业")
        clock.advance(days=2)
        on_b = second.auth.login(compliance.username, PASSWORD)
        assert second.investors.assess(on_b, "BEFORE", RiskProfile.C5, PAPER, note="paper").reassessment_due
        after = MARKED + dt.timedelta(days=1)
        assert not second.investors.assess(on_b, "AFTER", RiskProfile.C4, after, note="paper").reassessment_due
    finally:
        first.close()
        if second is not None:
            second.close()


def test_every_edit_of_a_mark_is_named_by_verify(
    services: Services, store_target: str, compliance: Actor, advisor: Actor, clock: Clock, tmp_path: Path
) -> None:
    """The limit of a seal without a counter: the client's own earlier genuine mark copied
    over its newest one passes at the desk (a copied-back older state, like a client row
    put back with its then-valid seal), and `audit verify` names the entry."""
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    add_client(services, compliance, "MOVED", RiskProfile.C5)
    services.investors.mark_reassessment_due(advisor, "MOVED", "早先的变化")
    clock.advance(days=1)
    services.investors.assess(compliance, "MOVED", RiskProfile.C5, TODAY + dt.timedelta(days=1), note="desk")
    clock.advance(days=9)
    services.investors.mark_reassessment_due(advisor, "MOVED", "客户失业")
    clock.advance(days=2)
    services.access.check(advisor, "MOVED", report)  # not the head
    assert services.audit.verify(compliance).ok
    with services.store.engine.connect() as conn:
        (old, old_facts), (new, _) = conn.execute(
            select(AuditEntry.seq, AuditEntry.facts)
            .where(AuditEntry.action == AuditAction.REASSESSMENT_DUE.value)
            .order_by(AuditEntry.seq)
        ).all()
    raw(store_target, f"UPDATE audit_entry SET facts = {_sql(old_facts)} WHERE seq = {new}")
    result = services.audit.verify(compliance)
    assert not result.ok
    assert f"entry {new}" in (result.problem or "")
