"""`audit replay` attacked (attack13h): entries whose chain verifies (written through
suitcheck's own sealer, as a faulty release would write them) but that suitcheck would not
have written where they stand in the trail, and values no release writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from suitcheck.domain.codes import AuditAction
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.replay import Verdict
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from tests.conftest import TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report
from tests.services.test_audit_replay import _sql, _written_as_a_faulty_release


def _one_check(services: Services, tmp_path: Path) -> tuple[Actor, int, int]:
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "X", RiskProfile.C3)
    return compliance, r3, services.access.check(compliance, "X", r3).audit_id


def test_a_decision_stamped_with_a_policy_version_not_in_force_where_it_stands_is_never_reproduced(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """A check is stamped with the newest version when it took the chain lock (d8d92af): an
    entry naming version 2 before version 2 was stored, or version 1 after version 2 was,
    is no decision suitcheck made. Each reproduced under the version it names, as the same
    facts decide alike under both."""
    services = sqlite_services
    compliance, r3, seq = _one_check(services, tmp_path)
    early = _written_as_a_faulty_release(services, compliance, AuditAction.CHECK, seq, policy_version=2)
    services.policy.update(compliance, validity_days=700)
    stale = _written_as_a_faulty_release(services, compliance, AuditAction.CHECK, seq, policy_version=1)
    honest = services.access.check(compliance, "X", r3).audit_id

    report = services.audit.replay(compliance, [seq, early, stale, honest])
    verdicts = {e.seq: (e.verdict, e.differs) for e in report.entries}
    assert verdicts[seq] == (Verdict.REPRODUCED, ())
    assert verdicts[honest] == (Verdict.REPRODUCED, ())
    assert verdicts[early] == (Verdict.DIFFERS, ("policy_version",))
    assert verdicts[stale] == (Verdict.DIFFERS, ("policy_version",))
    assert report.failed


def test_a_decision_dated_another_day_than_it_was_recorded_is_never_reproduced(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    """A check is decided on the firm's day it is recorded: an entry recorded today whose
    decision is dated a year back (when a since expired assessment was still valid) is no
    decision suitcheck made today, though its facts decide alike on the day it names."""
    services = sqlite_services
    compliance, r3, seq = _one_check(services, tmp_path)
    backdated = _written_as_a_faulty_release(
        services, compliance, AuditAction.CHECK, seq, decided_on=(TODAY - dt.timedelta(days=30)).isoformat()
    )
    report = services.audit.replay(compliance, [seq, backdated])
    assert [(e.verdict, e.differs) for e in report.entries] == [
        (Verdict.REPRODUCED, ()),
        (Verdict.DIFFERS, ("decided_on",)),
    ]


@pytest.mark.parametrize(
    ("changed", "why"),
    [
        # More than the store's integer holds: SQLite raised OverflowError binding it.
        ({"policy_version": 2**63}, "the entry's policy version 9223372036854775808 is not a version number"),
        ({"policy_version": 10**30}, "is not a version number"),
        # The special-attention age reached by year 1: no birth date makes it (ValueError).
        ({"decided_on": "0001-01-01", "special_attention_age_reached": True}, "decided_on '0001-01-01'"),
    ],
)
def test_a_value_no_release_writes_is_one_entry_that_cannot_be_replayed(
    sqlite_services: Services, tmp_path: Path, changed: dict[str, object], why: str
) -> None:
    """Such an entry ended the whole replay with an unexpected error (the CLI: 'unexpected
    error (OverflowError)'), so no other entry of the period was replayed nor the replay
    recorded. It cannot be replayed, says why, and the others are."""
    services = sqlite_services
    compliance, _, seq = _one_check(services, tmp_path)
    bad = _written_as_a_faulty_release(services, compliance, AuditAction.CHECK, seq, **changed)
    report = services.audit.replay(compliance, since=TODAY)
    assert [(e.seq, e.verdict) for e in report.entries] == [(seq, Verdict.REPRODUCED), (bad, Verdict.CANNOT_REPLAY)]
    assert why in str(report.entries[1].why)


def test_a_huge_value_is_named_in_a_sentence_of_its_own_size(sqlite_services: Services, tmp_path: Path) -> None:
    """A level of 5,000,000 characters was quoted whole: a 'why' of five megabytes."""
    services = sqlite_services
    compliance, _, seq = _one_check(services, tmp_path)
    bad = _written_as_a_faulty_release(services, compliance, AuditAction.CHECK, seq, stated_level="R" * 5_000_000)
    (entry,) = services.audit.replay(compliance, [bad]).entries
    assert entry.verdict is Verdict.CANNOT_REPLAY
    assert str(entry.why).startswith("the entry's stated_level 'RRRR")
    assert str(entry.why).endswith("(5000000 characters) is not one suitcheck writes")
    assert len(str(entry.why)) < 200


def test_a_policy_version_deleted_in_sql_fails_the_replay_as_verify_fails(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """`audit verify` fails ('policy 2, recorded in the trail, is missing from the store');
    the replay said only 'cannot be replayed: the store holds no policy version 2' (exit 1,
    not failed), as for a version never stored."""
    services = sqlite_services
    compliance, r3, _ = _one_check(services, tmp_path)
    services.policy.update(compliance, validity_days=700)
    seq = services.access.check(compliance, "X", r3).audit_id
    _sql(services, "DELETE FROM policy WHERE version = 2")
    report = services.audit.replay(compliance, [seq])
    (entry,) = report.entries
    assert entry.verdict is Verdict.CANNOT_REPLAY
    assert entry.tampered
    assert report.failed
    assert entry.why == "policy version 2, recorded in the trail, is missing from the store (deleted outside suitcheck)"
