"""An insider with write access to the store but not the audit key, against the pairing
of every assessment row with the trail entry that recorded it
(services.assessment_history): edits that verified, legitimate flows that failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services, integrity
from suitcheck.services.errors import ServiceError
from tests.audit.test_assessment_history import TOP, problem, sql
from tests.conftest import TODAY, add_client


def test_a_questionnaire_assessments_note_changed_in_sql_is_named(services: Services, compliance: Actor) -> None:
    """The CLI (--note) and the wizard keep a note with a questionnaire assessment (where
    and how the client answered). The `assessment` entry recorded the questionnaire's
    version, score and answers' hash but not the note, so the note was never compared: it
    could be rewritten, added or removed in SQL and verify said OK."""
    add_client(services, compliance, "QN", None, None)
    services.investors.assess_answers(compliance, "QN", TOP, note="客户在营业部现场填写")
    add_client(services, compliance, "QM", None, None)
    services.investors.assess_answers(compliance, "QM", TOP)
    assert problem(services, compliance) is None
    row = "UPDATE assessment SET note = {} WHERE investor_id = (SELECT id FROM investor WHERE account = '{}')"
    sql(services, row.format("'客户电话测评，未签字'", "QN"))
    assert "client QN's assessment of" in (problem(services, compliance) or "")
    sql(services, row.format("'客户在营业部现场填写'", "QN"), row.format("'客户电话测评'", "QM"))
    assert "client QM's assessment of" in (problem(services, compliance) or "")
    sql(services, row.format("NULL", "QM"), row.format("NULL", "QN"))
    assert "client QN's assessment of" in (problem(services, compliance) or "")


@pytest.mark.parametrize("moment", ["after-the-states", "between-the-history-reads"])
def test_an_assessment_recorded_while_verify_runs_is_no_alarm(
    services: Services, compliance: Actor, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """A shared PostgreSQL store: verify reads the trail's record of each client, then the
    clients, then the assessment rows and then their entries, each a statement of its own.
    It ran in READ COMMITTED, each statement seeing the store as it then was, so a desk
    recording an assessment in between (verify of a large store takes seconds) made verify
    report the client's record, or its history, as changed outside suitcheck. Verify reads
    one snapshot now (SQLite's read transaction always was one: the desk's commit waits for
    no reader and is not seen)."""
    add_client(services, compliance, "BUSY", RiskProfile.C2, days_ago=400)
    done: list[bool] = []

    def desk_assesses() -> None:
        if not done:
            done.append(True)
            services.investors.assess(compliance, "BUSY", RiskProfile.C4, TODAY, note="营业部现场测评")

    if moment == "after-the-states":
        real = integrity.recorded_states

        def states_then_desk(conn: Any) -> dict[tuple[str, str], str]:
            states = real(conn)
            desk_assesses()
            return states

        monkeypatch.setattr(integrity, "recorded_states", states_then_desk)
    else:

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().startswith("SELECT audit_entry.investor_id, audit_entry.facts"):
                desk_assesses()

        event.listen(services.store.engine, "before_cursor_execute", before)
    assert problem(services, compliance) is None
    assert done
    assert problem(services, compliance) is None


def test_a_deleted_latest_assessment_prints_no_confirmation_sheet(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The sheet prints the client's newest assessment row, refused when the trail does not
    record that row. Deleting the newest row in SQL left the one before it newest, and that
    one the trail does record: the sheet stated an old profile and date (what it
    permitted then) as the client's assessment to sign, while the client's record holds
    the new one."""
    add_client(services, compliance, "OLD", RiskProfile.C5, days_ago=400)
    services.investors.assess_answers(compliance, "OLD", {**TOP, "capacity": "no"}, note="现场")  # C1, knock-out
    sheet = tmp_path / "sheet.pdf"
    services.investors.write_confirmation(compliance, "OLD", sheet)
    sheet.unlink()
    sql(
        services,
        "DELETE FROM assessment WHERE id = (SELECT max(a.id) FROM assessment a "
        "JOIN investor i ON i.id = a.investor_id WHERE i.account = 'OLD')",
    )
    with pytest.raises(ServiceError, match="latest assessment differs from what the audit trail recorded"):
        services.investors.write_confirmation(compliance, "OLD", sheet)
    assert not sheet.exists()
