"""Attack (session 14, idle14): the idle-in-transaction bound that the holder of the trail's
chain lock gives itself on PostgreSQL (audit.chain.lock_chain, store.engine.
IDLE_IN_TRANSACTION_MS) must never end a sound job. A job that took the lock and then
worked on its own side without sending a statement (writing a large file on a slow file
system, reading a PDF in the sandbox, hashing a report's file) for longer than the bound
was ended with 'nothing was recorded'. Each job that records an entry after client-side
work runs here with the bound made short and its naturally slow step made longer than it,
and must be recorded as usual: the slow step stays outside every transaction that holds
the lock. Opening a report hashed its file under the lock (fixed); the client import's
report is tested in test_attack_pg_waits.py."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.store import engine as store_engine
from tests.conftest import TODAY, Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

pytestmark = pytest.mark.postgres

# The test's bound, and the slow step: longer than the bound (never a measure of speed).
# The bound leaves room for a busy machine (the suite runs on every core) to pause a
# sound transaction between two statements; the slow step is well past it. 500 ms was not
# room enough: a seal writes its next key to the keyring (with fsync) between two of its
# statements under the lock, by design (the production bound is 4 busy timeouts), and on
# a disk the whole suite keeps busy that write once took longer.
_BOUND_MS = 1500
_SLOW_S = 2.0


def _slow() -> None:
    threading.Event().wait(_SLOW_S)


def _paused(mp: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """`module.name` as a slow desktop runs it: a pause first."""
    real = getattr(module, name)

    def slow(*args: Any, **kw: Any) -> Any:
        _slow()
        return real(*args, **kw)

    mp.setattr(module, name, slow)


def _slowly(rows: Any) -> Iterator[Any]:
    """`rows` as a slow file system or a slow formatter hands them on: a pause after the first."""
    for n, row in enumerate(rows):
        yield row
        if n == 0:
            _slow()


def _actions(services: Services) -> list[str]:
    from sqlalchemy import text

    with services.store.session(read_only=True) as session:
        return [str(a) for a in session.execute(text("SELECT action FROM audit_entry ORDER BY seq")).scalars()]


@pytest.fixture
def desk(pg_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    services = make_services(pg_target, clock)
    try:
        officer = staff(services, Role.COMPLIANCE)
        advisor = staff(services, Role.ADVISOR)
        report = import_text_report(services, officer, tmp_path)
        add_client(services, officer, "O1", RiskProfile.C4)
        services.access.check(advisor, "O1", report)
        # Short only for the job under test (the set-up above is not what is attacked).
        monkeypatch.setattr(store_engine, "IDLE_IN_TRANSACTION_MS", _BOUND_MS)
        yield services, officer, advisor, report
    finally:
        services.close()


Job = Callable[[Services, Actor, Actor, int, Path, pytest.MonkeyPatch], object]


def _export(fmt: str, split: bool = False) -> Job:
    def job(s: Services, c: Actor, _a: Actor, _r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
        from suitcheck.audit import export_split
        from suitcheck.services import audit_log

        if split:
            mp.setattr(export_split, "SPLIT_FROM", 1)
        real = getattr(audit_log, "write_export")  # noqa: B009 (imported there, not exported)
        mp.setattr(audit_log, "write_export", lambda out, f, rows, **kw: real(out, f, _slowly(rows), **kw))
        return s.audit.export(c, tmp / f"trail.{fmt}", fmt)

    return job


def _eligible(fmt: str) -> Job:
    def job(s: Services, c: Actor, _a: Actor, r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
        from suitcheck.services import access

        real = getattr(access, "write_table")  # noqa: B009 (imported there, not exported)
        mp.setattr(access, "write_table", lambda out, f, cols, chunks, **kw: real(out, f, cols, _slowly(chunks), **kw))
        return s.access.write_eligible(c, r, tmp / f"list.{fmt}")

    return job


def _inspection(s: Services, c: Actor, _a: Actor, _r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
    from suitcheck.services import inspection

    _paused(mp, inspection, "render")
    return s.inspection.write(c, TODAY - dt.timedelta(days=30), TODAY, tmp / "inspection.pdf")


def _slow_sandbox(mp: pytest.MonkeyPatch) -> None:
    from suitcheck.ingest import sandbox

    real = sandbox.shared_sandbox

    class Slow:
        def extract(self, *args: Any, **kw: Any) -> Any:
            _slow()  # a large PDF in the reader
            return real().extract(*args, **kw)

    mp.setattr(sandbox, "shared_sandbox", Slow)


def _report_import(s: Services, c: Actor, _a: Actor, _r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
    _slow_sandbox(mp)
    return import_text_report(s, c, tmp)


def _reread(s: Services, c: Actor, _a: Actor, _r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
    from tests.services.test_policy_subjects import OLDER
    from tests.services.test_report_reread import _import

    s.policy.import_subjects(c, OLDER)
    _import(s, c, tmp, "科创50成份股季度调整点评")
    s.policy.default_subjects(c)
    preview = s.reread.preview(c)
    assert preview.changes
    _slow_sandbox(mp)
    applied = s.reread.apply(c, preview, each=lambda _change: _slow())
    assert applied.applied, applied
    assert applied.stopped is None, applied
    return applied


def _client_import(s: Services, c: Actor, _a: Actor, _r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
    from suitcheck.services import client_import
    from tests.services.clientfiles import client_rows, write_csv

    s.client_files.import_clients(c, write_csv(tmp / "first.csv", client_rows(3)))
    rows = client_rows(4)
    rows[0][1] = "改名"
    real, seen = getattr(client_import, "parse_row"), itertools.count()  # noqa: B009

    def slow_file(*args: Any, **kwargs: Any) -> Any:
        if next(seen) == 0:
            _slow()  # a large client file on a slow share
        return real(*args, **kwargs)

    mp.setattr(client_import, "parse_row", slow_file)
    result = s.client_files.import_clients(c, write_csv(tmp / "second.csv", rows))
    assert result.written, result
    assert (result.new, result.changed) == (1, 1), result
    return result


def _batch(s: Services, _c: Actor, a: Actor, r: int, _tmp: Path, _mp: pytest.MonkeyPatch) -> object:
    def pairs() -> Iterator[tuple[str, str]]:
        for _ in range(2):  # the pause between two pairs, and before the first
            _slow()  # a batch file on a slow share
            yield "O1", str(r)

    done = []
    for _pair, result in s.access.check_pairs(a, pairs()):
        assert not isinstance(result, Exception), result
        _slow()  # the results written to a slow share
        done.append(result)
    return done


def _verify(s: Services, c: Actor, _a: Actor, _r: int, _tmp: Path, mp: pytest.MonkeyPatch) -> object:
    from suitcheck.services import audit_log

    _paused(mp, audit_log, "check_state")
    result = s.audit.verify(c)
    assert result.ok, result.problem
    return result


def _open(s: Services, _c: Actor, a: Actor, r: int, _tmp: Path, mp: pytest.MonkeyPatch) -> object:
    import hashlib

    original = _original(s, r)
    real = hashlib.sha256

    def slow_desktop(data: Any = b"", **kw: Any) -> Any:
        if data == original:
            _slow()  # a large report's file hashed on a slow desktop
        return real(data, **kw)

    mp.setattr(hashlib, "sha256", slow_desktop)
    opened = s.access.open_report(a, "O1", r)
    assert opened.original == original
    return opened


def _original(s: Services, r: int) -> bytes:
    from sqlalchemy import text

    with s.store.session(read_only=True) as session:
        return bytes(
            session.execute(text("SELECT original FROM report_content WHERE report_id = :r"), {"r": r}).scalar_one()
        )


def _sheet(s: Services, c: Actor, _a: Actor, _r: int, tmp: Path, mp: pytest.MonkeyPatch) -> object:
    from suitcheck.audit import assessment_sheet

    _paused(mp, assessment_sheet, "render")
    return s.investors.write_confirmation(c, "O1", tmp / "sheet.pdf")


def _replay(s: Services, c: Actor, _a: Actor, _r: int, _tmp: Path, _mp: pytest.MonkeyPatch) -> object:
    report = s.audit.replay(
        c, since=TODAY - dt.timedelta(days=1), until=TODAY, verified=lambda _v: _slow(), each=lambda _e: _slow()
    )
    assert report.verification.ok
    return report


JOBS: dict[str, Job] = {
    "audit export csv": _export("csv"),
    "audit export jsonl": _export("jsonl"),
    "audit export xlsx": _export("xlsx"),
    "audit export csv, two processes": _export("csv", split=True),
    "audit export jsonl, two processes": _export("jsonl", split=True),
    "eligible --out csv": _eligible("csv"),
    "eligible --out xlsx": _eligible("xlsx"),
    "inspection --out pdf": _inspection,
    "report import": _report_import,
    "report reread --apply": _reread,
    "investor import": _client_import,
    "check --batch": _batch,
    "audit verify": _verify,
    "open a report": _open,
    "confirmation sheet": _sheet,
    "audit replay": _replay,
}


@pytest.mark.parametrize("job", list(JOBS))
def test_a_job_slow_on_its_own_side_is_not_ended_as_idle(
    desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, job: str
) -> None:
    services, officer, advisor, report = desk
    before = len(_actions(services))
    JOBS[job](services, officer, advisor, report, tmp_path, monkeypatch)
    assert len(_actions(services)) > before
    result = services.audit.verify(officer)
    assert result.ok, result.problem


def test_the_tests_bound_ends_a_check_that_idles_while_holding_the_lock(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: with the bound and the pause above, a check paused after taking the
    chain lock is ended and records nothing, so each job above could fail the same way."""
    from suitcheck.services import access
    from suitcheck.services.errors import StoreUnavailable

    services, _officer, advisor, report = desk
    before = len(_actions(services))
    _paused(monkeypatch, access, "decide")
    with pytest.raises(StoreUnavailable, match="nothing was recorded"):
        services.access.check(advisor, "O1", report)
    assert len(_actions(services)) == before
