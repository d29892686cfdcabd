"""A client's assessment history changed in SQL (services.assessment_history): each past
assessment's profile, date, lowest category, questionnaire version, answers, score and
note must be what the trail recorded when suitcheck wrote it. Until session 11 `audit
verify` passed any edit, insertion or deletion of these rows, and the client page, the
confirmation sheet and the self-inspection showed what the rows then held. SQLite and
PostgreSQL, through the services and the CLI, as an insider with a SQL client would."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from suitcheck.cli import main
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.questionnaire import default_questionnaire
from tests.conftest import PASSWORD, TODAY, Clock, add_client, staff
from tests.services.clientfiles import client_rows, write_csv
from tests.services.test_branches import make_actor, make_world

Q = default_questionnaire()
TOP = {q.id: max((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}


def sql(services: Services, *statements: str) -> None:
    with services.store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def problem(services: Services, actor: Actor) -> str | None:
    result = services.audit.verify(actor)
    assert result.ok is (result.problem is None)
    return result.problem


def write_history(services: Services, compliance: Actor, clock: Clock, tmp_path: Path) -> Services:
    """Every way suitcheck writes an assessment row: a client added with a profile (H1),
    assessed again by hand with a note and from the questionnaire (H1), a client added
    without one and assessed from the questionnaire (H2), new clients from an import with a
    profile (A000000-A000002) and an import that assessed one of them anew."""
    add_client(services, compliance, "H1", RiskProfile.C2, days_ago=400)
    clock.advance(minutes=1)
    services.investors.assess(
        compliance, "H1", RiskProfile.C3, TODAY - dt.timedelta(days=200), note="外部测评：某银行 2026-05"
    )
    clock.advance(minutes=1)
    services.investors.assess_answers(compliance, "H1", TOP)
    add_client(services, compliance, "H2", None, None)
    services.investors.assess_answers(compliance, "H2", TOP)
    services.client_files.import_clients(compliance, write_csv(tmp_path / "v1.csv", client_rows(3)))
    rows = client_rows(3)
    rows[0][4], rows[0][5] = "积极型", "2026/6/1"
    services.client_files.import_clients(compliance, write_csv(tmp_path / "v2.csv", rows))
    return services


@pytest.fixture
def history(services: Services, compliance: Actor, clock: Clock, tmp_path: Path) -> Services:
    return write_history(services, compliance, clock, tmp_path)


def test_every_way_suitcheck_writes_an_assessment_verifies(history: Services, compliance: Actor) -> None:
    result = history.audit.verify(compliance)
    assert result.ok, result.problem
    with history.store.engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM assessment")).scalar_one()
    assert rows == 8
    assert result.state_checked >= rows  # the rows are counted among those checked


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # The oldest of H1's three: C2 put up to C4, or its date moved.
        ("UPDATE assessment SET profile = 4 WHERE id = {h1_first}", "client H1's assessment of {first_day} differs"),
        (
            "UPDATE assessment SET assessed_on = '2020-01-01' WHERE id = {h1_first}",
            "client H1's assessment of 2020-01-01 differs",
        ),
        ("UPDATE assessment SET lowest_category = {true} WHERE id = {h1_first}", "client H1's assessment of"),
        # The hand-recorded one's note, naming where the assessment was made.
        ("UPDATE assessment SET note = '本行测评' WHERE id = {h1_noted}", "client H1's assessment of"),
        # The questionnaire's score, version, or answers (with or without their hash).
        ("UPDATE assessment SET score = score + 10 WHERE id = {h2_q}", "client H2's assessment of"),
        ("UPDATE assessment SET questionnaire_version = 2 WHERE id = {h2_q}", "client H2's assessment of"),
        ("UPDATE assessment SET answers = answers || ' ' WHERE id = {h2_q}", "client H2's assessment of"),
        ("UPDATE assessment SET answers = {other_answers}, answers_hash = {other_hash} WHERE id = {h2_q}", "H2's"),
        ("UPDATE assessment SET answers_hash = NULL, answers = NULL WHERE id = {h2_q}", "client H2's assessment"),
        # An imported client's profile (the row a `client-added` entry recorded).
        ("UPDATE assessment SET profile = 5 WHERE id = {a0_first}", "client A000000's assessment of 2026-03-02"),
        # Inserted, deleted, or moved to another client.
        (
            "INSERT INTO assessment (investor_id, profile, assessed_on, lowest_category, recorded_by, recorded_at) "
            "SELECT investor_id, 5, '2026-01-05', lowest_category, recorded_by, recorded_at FROM assessment "
            "WHERE id = {h1_first}",
            "client H1's assessment of 2026-01-05 is not recorded in the trail",
        ),
        (
            "DELETE FROM assessment WHERE id = {h1_noted}",
            "client H1's assessment of {noted_day}, recorded in the trail, is missing from the store",
        ),
        ("DELETE FROM assessment WHERE id = {a0_first}", "client A000000's assessment of 2026-03-02, recorded in"),
        ("UPDATE assessment SET investor_id = {h2_id} WHERE id = {h1_first}", "client H1's assessment of"),
    ],
)
def test_an_edit_in_sql_is_named(history: Services, compliance: Actor, edit: str, expected: str) -> None:
    ids = _ids(history)
    other = json.dumps({"x": "y"}, separators=(",", ":"))
    values = {
        **ids,
        "true": "true" if history.store.url.get_backend_name() == "postgresql" else "1",
        "other_answers": f"'{other}'",
        "other_hash": f"'{hashlib.sha256(other.encode()).hexdigest()}'",
    }
    sql(history, edit.format(**values))
    found = problem(history, compliance)
    assert found is not None
    assert expected.format(**values) in found, found


def _ids(services: Services) -> dict[str, object]:
    with services.store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.account, a.id, a.assessed_on, a.answers IS NOT NULL, i.id FROM assessment a "
                "JOIN investor i ON i.id = a.investor_id ORDER BY a.id"
            )
        ).all()
    h1 = [r for r in rows if r[0] == "H1"]
    return {
        "h1_first": h1[0][1],
        "first_day": str(h1[0][2]),
        "h1_noted": h1[1][1],
        "noted_day": str(h1[1][2]),
        "h2_q": next(r[1] for r in rows if r[0] == "H2" and r[3]),
        "h2_id": next(r[4] for r in rows if r[0] == "H2"),
        "a0_first": next(r[1] for r in rows if r[0] == "A000000"),
    }


def test_two_rows_of_a_client_swapped_are_named(history: Services, compliance: Actor) -> None:
    """Each row's facts still appear in the trail, but not together."""
    ids = _ids(history)
    with history.store.engine.connect() as conn:
        first, noted = (
            conn.execute(text(f"SELECT assessed_on FROM assessment WHERE id = {i}")).scalar_one()
            for i in (ids["h1_first"], ids["h1_noted"])
        )
    sql(
        history,
        f"UPDATE assessment SET assessed_on = '{noted}' WHERE id = {ids['h1_first']}",
        f"UPDATE assessment SET assessed_on = '{first}' WHERE id = {ids['h1_noted']}",
    )
    assert "client H1's assessment of" in (problem(history, compliance) or "")


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE assessment SET profile = 'C5' WHERE id = {h1_first}",
        "UPDATE assessment SET profile = 9 WHERE id = {h1_first}",
        "UPDATE assessment SET lowest_category = 'no' WHERE id = {h1_first}",
        "UPDATE assessment SET lowest_category = 2 WHERE id = {h1_first}",
        "UPDATE assessment SET assessed_on = x'00ff' WHERE id = {h1_first}",
        "UPDATE assessment SET assessed_on = 20260101 WHERE id = {h1_first}",
        "UPDATE assessment SET investor_id = 'nobody' WHERE id = {h1_first}",  # H1's entry is left over
        "INSERT INTO assessment (investor_id, profile, assessed_on, lowest_category, recorded_by, recorded_at) "
        "SELECT 'nobody', profile, assessed_on, lowest_category, recorded_by, recorded_at FROM assessment "
        "WHERE id = {h1_first}",
        "UPDATE assessment SET answers = x'7b7d' WHERE id = {h2_q}",
    ],
)
def test_a_value_suitcheck_never_writes_is_one_sentence(
    sqlite_services: Services, sqlite_target: str, clock: Clock, tmp_path: Path, edit: str
) -> None:
    """SQLite keeps text, numbers and bytes in any column: still one sentence, no traceback.
    (By the sqlite3 module, whose connections do not enforce foreign keys.)"""
    officer = staff(sqlite_services, Role.COMPLIANCE)
    write_history(sqlite_services, officer, clock, tmp_path)
    statement = edit.format(**_ids(sqlite_services))
    with contextlib.closing(sqlite3.connect(sqlite_target, isolation_level=None)) as conn:
        conn.execute(statement)
    found = problem(sqlite_services, officer)
    assert found is not None, statement
    expected = "names no client: its client was changed" if edit.startswith("INSERT") else "client H"
    assert expected in found, found


def test_the_cli_exits_4_with_the_sentence(
    history: Services,
    compliance: Actor,
    store_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sql(history, f"UPDATE assessment SET profile = 5 WHERE id = {_ids(history)['h1_first']}")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    capsys.readouterr()
    code = main(["audit", "verify", "--db", store_target, "--user", compliance.username])
    out = capsys.readouterr()
    assert code == 4, out
    assert "client H1's assessment of" in out.out + out.err


def test_a_branch_officer_learns_only_that_another_branch_is_affected(services: Services, tmp_path: Path) -> None:
    w = make_world(services, tmp_path)
    officer = make_actor(w, "compliance-branch")  # of HQ, where A1 is; B1 is another branch's
    edit = "UPDATE assessment SET profile = 5 WHERE investor_id = (SELECT id FROM investor WHERE account = '{}')"
    sql(services, edit.format("B1"))
    hidden = problem(services, officer) or ""
    assert "B1" not in hidden, hidden
    assert "another branch" in hidden, hidden
    assert "client B1's assessment of" in (problem(services, w.hq_compliance) or "")
    sql(services, edit.format("A1"))
    assert "client A1's assessment of" in (problem(services, officer) or "")


def test_the_client_history_marks_a_row_the_trail_does_not_record(
    history: Services,
    compliance: Actor,
    store_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert [h.recorded for h in history.investors.history(compliance, "H1")] == [True, True, True]
    sql(history, f"UPDATE assessment SET profile = 4 WHERE id = {_ids(history)['h1_first']}")
    shown = history.investors.history(compliance, "H1")
    assert [h.recorded for h in shown] == [False, True, True]
    assert shown[0].profile is RiskProfile.C4  # what the row now holds, marked
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    for extra, expected in (([], "differs from the audit trail"), (["--json"], '"recorded": false')):
        capsys.readouterr()
        code = main(["investor", "show", "H1", "--db", store_target, "--user", compliance.username, *extra])
        out = capsys.readouterr().out
        assert code == 0, out
        assert out.count(expected) == 1, out


def test_a_changed_latest_assessment_prints_no_confirmation_sheet(
    history: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The sheet the client signs would state a score or profile suitcheck never gave."""
    sheet = tmp_path / "sheet.pdf"
    history.investors.write_confirmation(compliance, "H2", sheet)
    assert sheet.read_bytes().startswith(b"%PDF")
    sheet.unlink()
    sql(history, f"UPDATE assessment SET score = score - 40 WHERE id = {_ids(history)['h2_q']}")
    with pytest.raises(ServiceError, match="latest assessment differs from what the audit trail recorded"):
        history.investors.write_confirmation(compliance, "H2", sheet)
    assert not sheet.exists()


def test_a_profile_suitcheck_never_writes_is_one_sentence(history: Services, compliance: Actor, tmp_path: Path) -> None:
    sql(history, f"UPDATE assessment SET profile = 9 WHERE id = {_ids(history)['h2_q']}")
    with pytest.raises(ServiceError, match="H2's assessment history holds a value suitcheck never writes"):
        history.investors.history(compliance, "H2")
    with pytest.raises(ServiceError, match="latest assessment differs"):
        history.investors.write_confirmation(compliance, "H2", tmp_path / "sheet.pdf")


def test_a_note_the_trail_does_not_record_is_not_printed_on_the_confirmation_sheet(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """Was BROKE: a client added by an import has an assessment row whose note ("import FILE
    sha256:…") its `client-added` entry does not record, so `audit verify` does not compare
    it. An insider who rewrote that note in SQL ("本人已在营业部现场完成纸质问卷并充分知悉风险")
    had it printed on the confirmation sheet the client signs, under "Where it was made",
    and the sheet's entry and the trail said nothing of it. The sheet now prints a note only
    when the entry that recorded the assessment records that note."""
    from pdfminer.high_level import extract_text

    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    services.client_files.import_clients(compliance, write_csv(tmp_path / "clients.csv", client_rows(1)))
    honest = tmp_path / "honest.pdf"
    services.investors.write_confirmation(compliance, "A000000", honest)
    assert "import clients.csv" not in extract_text(str(honest)).replace("\n", "")  # not the trail's either

    forged = "本人已在营业部现场完成纸质问卷并充分知悉风险"
    sql(services, f"UPDATE assessment SET note = '{forged}'")
    assert problem(services, compliance) is None  # the entry does not record it: nothing compared
    sheet = tmp_path / "sheet.pdf"
    services.investors.write_confirmation(compliance, "A000000", sheet)
    assert forged not in extract_text(str(sheet)).replace("\n", "")

    # A note the trail records is printed as before.
    add_client(services, compliance, "N1", None, None)
    services.investors.assess(compliance, "N1", RiskProfile.C3, TODAY, note="外部测评：某银行")
    noted = tmp_path / "noted.pdf"
    services.investors.write_confirmation(compliance, "N1", noted)
    assert "外部测评：某银行" in extract_text(str(noted)).replace("\n", "")
