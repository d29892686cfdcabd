"""An insider with write access to the store but not the audit key, against the pairing
of every assessment row with the trail entry that recorded it
(services.assessment_history): edits that verified, legitimate flows that failed."""

from __future__ import annotations

from suitcheck.services import Actor, Services
from tests.audit.test_assessment_history import TOP, problem, sql
from tests.conftest import add_client


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
