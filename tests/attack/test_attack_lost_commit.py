"""Attack: a commit whose acknowledgement is lost (session 13, attack13b). The connection
to the database server goes while it commits a check: the server may have recorded it or
not, and the desk cannot tell which. Nothing may then say that the check was not made (the
trail may hold it), nor that it was; the sealer's keys and head record must stay sound
whichever way it went, and `audit verify` pass."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.engine.default import DefaultDialect

from suitcheck import cli
from suitcheck.audit.sealing import Sealer
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.access import AccessService
from suitcheck.services.errors import OutcomeUnknown, StoreUnavailable
from suitcheck.store.models import AuditEntry
from tests.attack.pg_commit_proxy import CommitProxy
from tests.conftest import PASSWORD, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

UNKNOWN = "whether it was recorded is unknown; look in the audit trail before doing it again."


def _checks(services: Services) -> int:
    with services.store.session(read_only=True) as session:
        count = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "check")
        return int(session.execute(count).scalar_one())


@pytest.fixture(autouse=True)
def _seal_often(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUITCHECK_SEAL_EVERY", "3")


@pytest.fixture
def lose_commit(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """`lose(committed, nth=1)`: the COMMIT of the nth check from now (of any process's
    services here, the CLI's own included) loses its connection, after the database
    committed it (`committed`) or before. The driver raises its own error for a connection
    that is gone, as it does when the server or the network goes while COMMIT is under way.
    `lose(refused=...)`: the driver's commit fails with that error instead, the connection
    kept (SQLite's disk I/O error: SQLite rolls such a transaction back)."""
    plan: dict[int, tuple[bool, Exception | None]] = {}
    calls: list[int] = []
    armed: list[tuple[bool, Exception | None]] = []
    check_once = AccessService._check_once

    def counted(self: AccessService, *args: Any) -> Any:
        calls.append(1)
        if len(calls) in plan:
            armed.append(plan.pop(len(calls)))
        try:
            return check_once(self, *args)
        finally:
            armed.clear()

    def do_commit(self: Any, dbapi_conn: Any) -> None:
        if not armed:
            real(self, dbapi_conn)
            return
        committed, refused = armed.pop()
        if refused is not None:
            raise refused
        if committed:
            real(self, dbapi_conn)
        dbapi_conn.dbapi_connection.close()  # uncommitted work goes with it
        real(self, dbapi_conn)  # the driver's error for a closed connection

    def lose(committed: bool = False, nth: int = 1, refused: Exception | None = None) -> None:
        plan[len(calls) + nth] = (committed, refused)

    monkeypatch.setattr(AccessService, "_check_once", counted)
    real: Callable[[Any, Any], None] = DefaultDialect.do_commit
    monkeypatch.setattr(DefaultDialect, "do_commit", do_commit)
    return lose


@pytest.mark.parametrize("committed", [True, False], ids=["server-committed", "server-did-not"])
def test_a_check_whose_commit_is_lost_says_unknown_and_the_trail_stays_sound(
    services: Services,
    compliance: Actor,
    advisor: Actor,
    tmp_path: Path,
    lose_commit: Callable[..., None],
    committed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check whose COMMIT loses its connection raises OutcomeUnknown, with the sentence
    that says to look in the trail, whether the database committed it or not; the next
    check appends and commits (after a lost unit that held a seal too: the keyring's
    pending key is taken up, or dropped, from what the store holds), and the trail
    verifies. Without the fix the check said the server cannot be reached."""
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "LC1", RiskProfile.C3)
    assert services.audit.verify(compliance).ok
    seal_row = Sealer._seal_row
    seals: list[int] = []

    def counted(self: Sealer, seq: int, *args: Any) -> Any:
        seals.append(seq)
        return seal_row(self, seq, *args)

    monkeypatch.setattr(Sealer, "_seal_row", counted)
    lost_seals = 0
    for _ in range(5):  # seal_every 3: some of the lost units hold a seal
        before, sealed = _checks(services), len(seals)
        lose_commit(committed)
        with pytest.raises(OutcomeUnknown) as caught:
            services.access.check(advisor, "LC1", report)
        assert str(caught.value).endswith(UNKNOWN)
        lost_seals += len(seals) - sealed
        assert _checks(services) == before + (1 if committed else 0)
        # The next unit of work appends and commits.
        assert services.access.check(advisor, "LC1", report).decision.allowed
        assert _checks(services) == before + (2 if committed else 1)
    assert lost_seals >= 1
    result = services.audit.verify(compliance)
    assert result.ok, result
    assert services.access.check(advisor, "LC1", report).decision.allowed
    assert services.audit.verify(compliance).ok


def _cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("committed", [True, False], ids=["server-committed", "server-did-not"])
def test_check_batch_gives_the_line_whose_commit_was_lost_its_own_status(
    services: Services,
    store_target: str,
    compliance: Actor,
    advisor: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lose_commit: Callable[..., None],
    committed: bool,
    clock: Clock,
) -> None:
    """check --batch of four pairs whose third check's COMMIT loses its connection: lines 1
    and 2 are written and recorded, line 3 is written as unknown with the sentence that says
    to look in the trail (the trail holds it when the server committed it), line 4 is not
    checked; exit 1, and the error says where the batch stopped and what line 3 is. A single
    check so cut exits 1 with the sentence. The trail verifies after either. Without the
    fix the batch said line 3 and the lines after it were not checked."""
    clock.now = dt.datetime.now(dt.UTC)  # as the command line's: it records by the real clock
    report = import_text_report(services, compliance, tmp_path)
    for n in range(4):
        add_client(services, compliance, f"LB{n}", RiskProfile.C3)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"LB{n},{report}\n" for n in range(4)), encoding="utf-8")
    results = tmp_path / "results.jsonl"
    before = _checks(services)
    lose_commit(committed, nth=3)
    args = ["check", "--batch", str(pairs), "--out", str(results), "--user", advisor.username, "--db", store_target]
    code, out, err = _cli(capsys, monkeypatch, *args)
    assert code == 1
    assert out == ""
    written = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in written] == [1, 2, 3]
    assert [r["decision"] for r in written[:2]] == ["allow", "allow"]
    assert written[2]["outcome"] == "unknown"
    assert written[2]["investor"] == "LB2"
    assert written[2]["error"].endswith(UNKNOWN)
    assert UNKNOWN in err
    assert "The batch stopped after line 3, whose check may or may not be recorded" in err
    assert "the results of the 2 pairs before it are there, each check among them recorded" in err
    assert "the 1 pair after it was not checked." in err
    assert "from that line on were not checked" not in err
    assert _checks(services) == before + (3 if committed else 2)
    assert services.audit.verify(compliance).ok

    lose_commit(committed)
    code, out, err = _cli(
        capsys, monkeypatch, "check", "--investor", "LB3", "--report", str(report), "--user", advisor.username,
        "--db", store_target,
    )  # fmt: skip
    assert code == 1
    assert out == ""
    assert err.strip().endswith(UNKNOWN)
    assert "ALLOW" not in err.upper()
    assert services.audit.verify(compliance).ok


def test_a_commit_sqlite_refused_recorded_nothing_and_says_so(
    sqlite_services: Services,
    sqlite_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lose_commit: Callable[..., None],
    clock: Clock,
) -> None:
    """(held) SQLite's disk I/O error at COMMIT: SQLite rolls the transaction back, so the
    check was not recorded, and nothing says its outcome is unknown: the batch says the line
    was not checked, the trail verifies and the next check is recorded."""
    services = sqlite_services
    clock.now = dt.datetime.now(dt.UTC)  # as the command line's: it records by the real clock
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    report = import_text_report(services, compliance, tmp_path)
    for n in range(3):
        add_client(services, compliance, f"IO{n}", RiskProfile.C3)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"IO{n},{report}\n" for n in range(3)), encoding="utf-8")
    results = tmp_path / "results.jsonl"
    before = _checks(services)
    lose_commit(nth=2, refused=sqlite3.OperationalError("disk I/O error"))
    args = ["check", "--batch", str(pairs), "--out", str(results), "--user", advisor.username, "--db", sqlite_target]
    code, _out, err = _cli(capsys, monkeypatch, *args)
    assert code == 1
    assert "disk I/O error" in err
    assert "The batch stopped at line 2: the result of the 1 pair before it is in" in err
    assert "the 2 pairs from that line on were not checked." in err
    assert "unknown" not in err
    assert [json.loads(line)["line"] for line in results.read_text(encoding="utf-8").splitlines()] == [1]
    assert _checks(services) == before + 1

    advisor = services.auth.login(advisor.username, PASSWORD)  # the CLI's login rehashed the password
    lose_commit(refused=sqlite3.OperationalError("disk I/O error"))
    with pytest.raises(StoreUnavailable) as caught:
        services.access.check(advisor, "IO1", report)
    assert not isinstance(caught.value, OutcomeUnknown)
    assert _checks(services) == before + 1
    assert services.access.check(advisor, "IO1", report).decision.allowed
    assert _checks(services) == before + 2
    assert services.audit.verify(compliance).ok


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["after", "before"])
def test_on_postgresql_a_commit_cut_on_the_wire_says_unknown_either_way(
    pg_target: str, clock: Clock, tmp_path: Path, mode: str
) -> None:
    """A real PostgreSQL server behind a proxy that cuts the check's COMMIT on the wire:
    after the server committed it (its answer never arrives) or before it got it (it rolls
    back). The check raises OutcomeUnknown either way; the trail holds the check only in
    the first case; the next check through the same pool is recorded and the trail
    verifies. Without the fix: 'cannot be reached', as for a check never made."""
    direct = make_services(pg_target, clock)
    url = make_url(pg_target)
    proxy = CommitProxy(str(url.host), int(url.port or 5432))
    services = make_services(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), clock)
    try:
        compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
        report = import_text_report(services, compliance, tmp_path)
        add_client(services, compliance, "PW1", RiskProfile.C3)
        before = _checks(direct)
        proxy.arm(mode)
        with pytest.raises(OutcomeUnknown) as caught:
            services.access.check(advisor, "PW1", report)
        assert proxy.cut.is_set()
        assert str(caught.value).endswith(UNKNOWN)
        assert _checks(direct) == before + (1 if mode == "after" else 0)
        assert services.access.check(advisor, "PW1", report).decision.allowed
        assert _checks(direct) == before + (2 if mode == "after" else 1)
        assert services.audit.verify(compliance).ok
    finally:
        services.close()
        direct.close()
        proxy.close()
