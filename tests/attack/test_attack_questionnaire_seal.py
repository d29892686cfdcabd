"""Hostile SQL edits of questionnaire versions (an insider with write access to the store,
without the desktop's keyring). The questionnaire turns a client's answers into the risk
profile every later check relies on, and its own checksum is a plain SHA-256 anybody can
recompute: a version suitcheck did not store is never assessed with, nor is an older
version or the shipped default used in its place, and `audit verify` names it. On both
backends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text

from suitcheck.audit.chain import canonical_json
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.questionnaire import content_checksum, from_dict
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.context import Actor
from suitcheck.services.errors import ServiceError
from suitcheck.services.integrity import RECORD_SEALED, SEAL_REPORTS_SETTING
from suitcheck.services.questionnaire import default_questionnaire
from suitcheck.store.models import AuditEntry, QuestionnaireVersion, StoreSetting
from tests.conftest import Clock, add_client, make_services, staff

Q = default_questionnaire()
BOTTOM = {q.id: min((a for a in q.answers if not a.knockout), key=lambda a: a.score).id for q in Q.questions}


def _raw(services: Services, sql: str, **params: object) -> None:
    with services.store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _version(services: Services, version: int) -> dict[str, Any]:
    with services.store.engine.connect() as conn:
        stmt = select(QuestionnaireVersion.__table__).where(QuestionnaireVersion.version == version)
        return dict(conn.execute(stmt).mappings().one())


def _lenient(document: str) -> tuple[str, str]:
    """The stored definition made to give C5 for nearly any answers (a valid definition:
    contiguous bands C1..C5 covering every score), with its checksum recomputed as anybody
    can (a plain SHA-256 over the content): (document, checksum)."""
    data = json.loads(document)
    data.pop("checksum")
    top = data["bands"][-1]["max_score"]
    # The lowest total without a knock-out: every band must still hold a score answers reach.
    low = sum(min(a["score"] for a in q["answers"] if not a["knockout"]) for q in data["questions"])
    for n, band in enumerate(data["bands"][:-1]):
        band["min_score"], band["max_score"] = (0 if n == 0 else low + n), low + n
    data["bands"][-1]["min_score"], data["bands"][-1]["max_score"] = low + len(data["bands"]) - 1, top
    checksum = content_checksum(data)
    forged = canonical_json({**data, "checksum": checksum})
    assert from_dict(json.loads(forged), require_checksum=True).checksum == checksum  # it would be taken as valid
    return forged, checksum


def _officer(services: Services) -> Actor:
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "QA", None, None)
    services.investors.assess_answers(compliance, "QA", BOTTOM)  # stores version 1 (the shipped default)
    return compliance


def _refused(services: Services, officer: Actor, version: int) -> None:
    before = services.audit.count(officer)
    history = len(services.investors.history(officer, "QA"))
    sentence = rf"questionnaire version {version} was not written by suitcheck.*audit verify"
    with pytest.raises(ServiceError, match=sentence) as info:
        services.investors.assess_answers(officer, "QA", BOTTOM)
    assert "\n" not in str(info.value)
    with pytest.raises(ServiceError, match=sentence):
        services.questionnaire.current(officer)
    assert len(services.investors.history(officer, "QA")) == history  # nothing assessed
    assert services.audit.count(officer) == before  # nor recorded
    verified = services.audit.verify(officer)
    assert not verified.ok
    assert f"questionnaire version {version}" in (verified.problem or "")


def test_a_definition_edited_with_its_checksum_recomputed_is_not_used(services: Services) -> None:
    officer = _officer(services)
    row = _version(services, 1)
    document, checksum = _lenient(row["document"])
    _raw(services, "UPDATE questionnaire SET document = :d, checksum = :c WHERE version = 1", d=document, c=checksum)
    _refused(services, officer, 1)


@pytest.mark.parametrize("seal", ["none", "version 1's"])
def test_a_version_inserted_in_sql_is_not_used(services: Services, seal: str) -> None:
    """Inserted without a seal, or with version 1's (made by suitcheck) copied along."""
    officer = _officer(services)
    row = _version(services, 1)
    assert row["integrity"]
    document, checksum = _lenient(row["document"])
    forged = {**row, "version": 2, "document": document, "checksum": checksum}
    if seal == "none":
        forged["integrity"] = None
    with services.store.engine.begin() as conn:
        conn.execute(insert(QuestionnaireVersion).values(forged))
    _refused(services, officer, 2)


def test_a_definition_stored_as_bytes_is_refused_in_a_sentence(sqlite_services: Services) -> None:
    services = sqlite_services
    officer = _officer(services)
    _raw(services, "UPDATE questionnaire SET document = CAST(document AS BLOB) WHERE version = 1")
    _refused(services, officer, 1)


def test_the_newest_version_deleted_is_named_by_verify(services: Services) -> None:
    """Deleting the newest version brought back the one before it (sealed, suitcheck's
    own): compliance's stricter version 2 gone, every desk scored on the lenient version 1
    again, silently, until somebody ran verify. Assessing now refuses (the trail records
    importing version 2), nothing is recorded; verify names the missing version."""
    officer = _officer(services)
    stored = services.questionnaire.import_definition(officer, _stricter())
    assert services.audit.verify(officer).ok
    _raw(services, "DELETE FROM questionnaire WHERE version = :v", v=stored.version)
    before = services.audit.count(officer)
    history = len(services.investors.history(officer, "QA"))
    sentence = (
        rf"^The audit trail records importing questionnaire version {stored.version}, but the store's newest "
        r"is version 1: .*nothing was assessed\..*audit verify"
    )
    for call in (services.investors.assess_answers, services.investors.preview_answers):
        with pytest.raises(ServiceError, match=sentence):
            call(officer, "QA", BOTTOM)
    with pytest.raises(ServiceError, match=sentence):
        services.questionnaire.current(officer)
    with pytest.raises(ServiceError, match=sentence):
        services.questionnaire.import_definition(officer, _stricter())
    assert len(services.investors.history(officer, "QA")) == history
    assert services.audit.count(officer) == before
    # A version the assessments name is still read (their sheets and history).
    assert services.questionnaire.current(officer, 1).version == 1
    verified = services.audit.verify(officer)
    assert not verified.ok
    assert f"questionnaire {stored.version}, recorded in the trail, is missing" in (verified.problem or "")


def _stricter() -> str:
    data = Q.content()
    data["title"] = "风险承受能力评估问卷（2027 版）"
    data["bands"][1]["min_score"] = 22
    data["bands"][0]["max_score"] = 21
    return json.dumps(data, ensure_ascii=False)


def test_versions_suitcheck_stores_are_used_and_verify(services: Services) -> None:
    officer = _officer(services)
    stored = services.questionnaire.import_definition(officer, _stricter())
    assert services.questionnaire.current(officer).version == stored.version
    result = services.investors.assess_answers(officer, "QA", BOTTOM)
    assert result.questionnaire_version == stored.version
    assert result.profile is RiskProfile.C1
    assert services.audit.verify(officer).ok


# -- the upgrade (migration 0012) -----------------------------------------------------------


def _as_before_questionnaire_seals(target: str, clock: Clock) -> int:
    """A store as the 0011 code left it and the 0012 migration then made: questionnaire
    rows without a seal (version 1 as shipped, version 2 imported and recorded), the
    migration's marker; and a version 3 an insider inserted by SQL before the upgrade."""
    services = make_services(target, clock)
    try:
        officer = _officer(services)
        services.questionnaire.import_definition(officer, _stricter())
        row = _version(services, 2)
        document, checksum = _lenient(row["document"])
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE questionnaire SET integrity = NULL"))
            conn.execute(
                insert(QuestionnaireVersion).values(
                    {**row, "version": 3, "document": document, "checksum": checksum, "integrity": None}
                )
            )
            conn.execute(insert(StoreSetting).values(name=SEAL_REPORTS_SETTING, value="pending"))
        return 3
    finally:
        services.close()


def test_the_upgrade_seals_only_the_versions_the_trail_records(store_target: str, clock: Clock) -> None:
    forged = _as_before_questionnaire_seals(store_target, clock)
    services = make_services(store_target, clock)
    try:
        officer = services.auth.login("t-compliance", "correct horse")
        with services.store.engine.connect() as conn:
            upgrade = [
                json.loads(f)
                for (f,) in conn.execute(select(AuditEntry.facts).where(AuditEntry.action == RECORD_SEALED))
                if '"upgrade":"reports"' in f
            ]
        # (The store's creation sealed its head-office branch by the same upgrade: not this one.)
        upgrade = [u for u in upgrade if {r["table"] for r in u["rows"]} != {"branch"}]
        assert len(upgrade) == 1
        sealed = {(r["table"], r["key"]) for r in upgrade[0]["rows"]}
        assert {("questionnaire", "1"), ("questionnaire", "2")} <= sealed
        assert upgrade[0]["not_sealed"] == [f"questionnaire:{forged}"]
        _refused(services, officer, forged)
        # Compliance removes the forged row (an investigated incident): version 2 is used again.
        _raw(services, "DELETE FROM questionnaire WHERE version = :v", v=forged)
        assert services.investors.assess_answers(officer, "QA", BOTTOM).questionnaire_version == 2
        assert services.audit.verify(officer).ok
    finally:
        services.close()


def test_the_upgrade_refuses_a_version_1_that_is_not_the_shipped_one(store_target: str, clock: Clock) -> None:
    services = make_services(store_target, clock)
    try:
        _officer(services)
        document, checksum = _lenient(_version(services, 1)["document"])
        with services.store.engine.begin() as conn:
            conn.execute(
                text("UPDATE questionnaire SET integrity = NULL, document = :d, checksum = :c WHERE version = 1"),
                {"d": document, "c": checksum},
            )
            conn.execute(insert(StoreSetting).values(name=SEAL_REPORTS_SETTING, value="pending"))
    finally:
        services.close()
    services = make_services(store_target, clock)
    try:
        officer = services.auth.login("t-compliance", "correct horse")
        _refused(services, officer, 1)
    finally:
        services.close()


@pytest.mark.postgres
def test_a_version_imported_while_a_desk_assesses_is_no_alarm(pg_target: str, clock: Clock) -> None:
    """A shared PostgreSQL store: assessing reads the store's newest version and which
    versions the trail records importing, each a statement of its own (READ COMMITTED).
    Head office importing version 2 between the two must not read as version 2 removed
    outside suitcheck: the desk scores on the version it then reads, and nothing refuses."""
    desk, head = make_services(pg_target, clock), make_services(pg_target, clock)
    try:
        officer = _officer(desk)
        seen: set[str] = set()

        def between(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            kind = (
                "trail"
                if statement.lstrip().startswith("SELECT audit_entry.facts")
                else "version"
                if "FROM questionnaire ORDER BY questionnaire.version DESC" in " ".join(statement.split())
                else None
            )
            if kind is not None and kind not in seen:
                seen.add(kind)
                if len(seen) == 2:  # the second of the two reads, whichever comes first
                    head.questionnaire.import_definition(officer, _stricter())

        event.listen(desk.store.engine, "before_cursor_execute", between)
        result = desk.investors.assess_answers(officer, "QA", BOTTOM)
        event.remove(desk.store.engine, "before_cursor_execute", between)
        assert seen == {"trail", "version"}
        assert head.questionnaire.current(officer).version == 2
        assert result.questionnaire_version in (1, 2)
        assert desk.audit.verify(officer).ok
    finally:
        desk.close()
        head.close()
