"""A large CSV or JSONL export is written by two processes (audit.export_split): the file
and the manifest are byte for byte what one process writes; a second process that fails,
is killed or is cancelled leaves nothing behind; small exports and XLSX stay in one
process. The threshold is lowered here so that a handful of entries splits."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import sys
from pathlib import Path
from typing import Any

import pytest

from suitcheck.audit import export, export_split
from suitcheck.audit.export_split import ExportWorker
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.decision import Outcome
from suitcheck.domain.identity import mask_id_number
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Permission, Role
from suitcheck.services import Actor, Services
from suitcheck.services.audit_log import AuditFilter
from suitcheck.services.errors import ServiceError
from tests.audit.test_export_same_output import CONTROL_NAME, _build, _tamper
from tests.conftest import TODAY, Clock, add_client, staff
from tests.fixtures import import_text_report
from tests.services.test_branches import make_actor, make_world

DIGESTS = (
    "file_sha256",
    "count",
    "first_seq",
    "last_seq",
    "first_prev_hash",
    "last_hash",
    "entries_sha256",
    "display_sha256",
)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[ExportWorker]:
    """Every export splits (threshold 1); the second processes started are listed."""
    workers: list[ExportWorker] = []
    original = ExportWorker.start

    def start(self: ExportWorker, *paths: Path) -> None:
        workers.append(self)
        original(self, *paths)

    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    monkeypatch.setattr(ExportWorker, "start", start)
    return workers


def _one_process(
    services: Services, actor: Actor, manifest: dict[str, Any], fmt: str, out: Path, flt: AuditFilter | None = None
) -> dict[str, Any]:
    """What one process writes for the entries of `manifest`, read now from the store."""
    actor = services.ctx.require(actor, Permission.EXPORT_AUDIT)
    mask = None if manifest["full_id_numbers"] else mask_id_number
    with services.ctx.transaction(read_only=True) as session:
        rows = list(services.audit._rows(session, actor, flt or AuditFilter(), True, up_to=manifest["last_seq"]))
    return export.write_export(out, fmt, iter(rows), sign=lambda _: "-", context={}, mask_id=mask)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _split_export(services: Services, actor: Actor, tmp_path: Path, fmt: str, *, full: bool = False) -> Path:
    out = tmp_path / "out" / f"split.{fmt}"
    out.parent.mkdir(exist_ok=True)
    services.audit.export(actor, out, fmt, full_id_numbers=full)
    return out


def _assert_same_as_one_process(services: Services, actor: Actor, out: Path, tmp_path: Path) -> dict[str, Any]:
    fmt = out.suffix[1:]
    manifest = export._load_manifest(out)
    reference = _one_process(services, actor, manifest, fmt, tmp_path / f"one.{fmt}")
    assert out.read_bytes() == (tmp_path / f"one.{fmt}").read_bytes()
    assert {k: manifest[k] for k in DIGESTS} == {k: reference[k] for k in DIGESTS}
    assert manifest["file_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert _leftovers(out.parent) == []
    return manifest


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("full", [False, True])
def test_a_split_export_is_byte_identical(
    services: Services, tmp_path: Path, started: list[ExportWorker], fmt: str, full: bool
) -> None:
    """Control characters, formula-like names and titles, odd facts, masked or full ID
    numbers; on SQLite and PostgreSQL."""
    _build(services, tmp_path, control_characters=True)
    compliance = staff(services, Role.COMPLIANCE)
    out = _split_export(services, compliance, tmp_path, fmt, full=full)
    manifest = _assert_same_as_one_process(services, compliance, out, tmp_path)
    part = started[0].summary
    assert len(started) == 1
    assert part is not None  # the second process wrote the later rows
    assert 0 < part.count < manifest["count"]
    assert part.last_seq == manifest["last_seq"]
    if fmt == "csv":
        assert CONTROL_NAME in out.read_text(encoding="utf-8-sig")
    checked = services.audit.verify_file(compliance, out)
    assert checked.ok, (checked.result.problem, checked.signature)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_altered_entries_split_the_same_way(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path, started: list[ExportWorker], fmt: str
) -> None:
    """Entries changed in the store take the slow path in either process; the export
    still writes them as one process does (and its verification fails)."""
    _build(sqlite_services, tmp_path, control_characters=False)
    _tamper(sqlite_target)
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    out = _split_export(sqlite_services, compliance, tmp_path, fmt)
    _assert_same_as_one_process(sqlite_services, compliance, out, tmp_path)
    assert started[0].summary is not None
    assert not sqlite_services.audit.verify_file(compliance, out).ok


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_branch_scoped_split_export(
    services: Services, tmp_path: Path, started: list[ExportWorker], fmt: str
) -> None:
    w = make_world(services, tmp_path)
    for _ in range(5):
        for account in ("A1", "B1"):
            services.access.check(w.hq_compliance, account, w.report)
    officer = make_actor(w, "compliance-branch")
    out = _split_export(services, officer, tmp_path, fmt)
    manifest = _assert_same_as_one_process(services, officer, out, tmp_path)
    assert manifest["filters"] == {"branch": "HQ"}
    assert started[0].summary is not None
    checked = services.audit.verify_file(w.hq_compliance, out)
    assert checked.ok, (checked.result.problem, checked.signature)


@pytest.mark.parametrize(
    "flt",
    [
        AuditFilter(since=TODAY, until=TODAY, decision=Outcome.ALLOW),
        AuditFilter(staff="t-compliance", action=AuditAction.CHECK),
        AuditFilter(since=TODAY + dt.timedelta(days=1)),
        AuditFilter(since=TODAY + dt.timedelta(days=2)),
    ],
    ids=["day-one-allowed", "staff-action", "day-two", "nothing-matches"],
)
def test_a_filtered_split_export(
    services: Services, tmp_path: Path, started: list[ExportWorker], clock: Clock, flt: AuditFilter
) -> None:
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, title="研究报告")
    add_client(services, compliance, "S1", RiskProfile.C4)
    for day in range(2):
        clock.advance(days=day)
        for _ in range(4):
            services.access.check(compliance, "S1", report)
    out = tmp_path / "out" / "split.csv"
    out.parent.mkdir()
    manifest = services.audit.export(compliance, out, "csv", flt)
    reference = _one_process(services, compliance, manifest, "csv", tmp_path / "one.csv", flt)
    assert out.read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert {k: manifest[k] for k in DIGESTS} == {k: reference[k] for k in DIGESTS}
    assert manifest["filtered"] is True
    assert (manifest["count"] == 0) == (flt.since == TODAY + dt.timedelta(days=2))
    assert (started == []) == (manifest["count"] == 0)  # nothing in the range: one process
    assert _leftovers(out.parent) == []


def _checks(services: Services, tmp_path: Path, n: int = 12) -> Actor:
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, title="研究报告")
    add_client(services, compliance, "S1", RiskProfile.C4)
    for _ in range(n):
        services.access.check(compliance, "S1", report)
    return compliance


def test_small_exports_and_xlsx_stay_in_one_process(
    services: Services, tmp_path: Path, started: list[ExportWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = _checks(services, tmp_path)
    services.audit.export(compliance, tmp_path / "a.xlsx", "xlsx")
    assert started == []
    monkeypatch.setattr(export_split, "SPLIT_FROM", 10_000)
    services.audit.export(compliance, tmp_path / "a.csv", "csv")
    assert started == []
    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    services.audit.export(compliance, tmp_path / "b.csv", "csv")
    assert len(started) == 1


def _assert_nothing_written(folder: Path, out: Path) -> None:
    assert not out.exists()
    assert not out.with_name(out.name + export.MANIFEST_SUFFIX).exists()
    assert _leftovers(folder) == []


def test_a_killed_second_process_leaves_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = _checks(services, tmp_path)
    original = ExportWorker.start

    def start_then_kill(self: ExportWorker, *paths: Path) -> None:
        original(self, *paths)
        self._process.kill()
        self._process.join()

    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    monkeypatch.setattr(ExportWorker, "start", start_then_kill)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "audit.csv"
    with pytest.raises(ServiceError, match=r"^The export's second process ended early \(exit status -9\); nothing"):
        services.audit.export(compliance, out, "csv")
    _assert_nothing_written(folder, out)
    monkeypatch.setattr(ExportWorker, "start", original)
    assert services.audit.export(compliance, out, "csv")["count"] > 12  # and the next one works


def test_a_failing_second_process_leaves_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = _checks(services, tmp_path)
    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    monkeypatch.setattr(export_split, "compile_statement", lambda stmt, dialect: ("SELECT no_such_column", {}))
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "audit.jsonl"
    with pytest.raises(ServiceError, match=r"^The export's second process failed \(\w+\); nothing was written\.$"):
        services.audit.export(compliance, out, "jsonl")
    _assert_nothing_written(folder, out)


class Cancelled(Exception):
    pass


def test_cancelling_stops_the_second_process_and_leaves_nothing(
    services: Services, tmp_path: Path, started: list[ExportWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = _checks(services, tmp_path)
    monkeypatch.setattr(export, "_BATCH", 2)  # progress every two rows (in this process)
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(n)
        raise Cancelled

    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "audit.csv"
    with pytest.raises(Cancelled):
        services.audit.export(compliance, out, "csv", progress=progress)
    assert len(seen) == 1
    assert not started[0]._process.is_alive()
    _assert_nothing_written(folder, out)


def test_progress_counts_both_processes(
    services: Services, tmp_path: Path, started: list[ExportWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = _checks(services, tmp_path, n=30)
    monkeypatch.setattr(export, "_BATCH", 2)
    seen: list[int] = []
    manifest = services.audit.export(compliance, tmp_path / "a.jsonl", "jsonl", progress=seen.append)
    assert seen
    assert seen == sorted(seen)
    assert all(0 < n <= manifest["count"] for n in seen)


def test_a_change_committed_before_the_second_process_reads_is_not_half_shown(
    services: Services, tmp_path: Path, started: list[ExportWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client renamed between this process's read and the second one's: every row shows
    the name as of the export's one state of the store (on SQLite this process writes the
    second part itself, on PostgreSQL the second process reads this one's snapshot)."""
    compliance = _checks(services, tmp_path, n=20)
    original = ExportWorker.start

    def rename_then_start(self: ExportWorker, *paths: Path) -> None:
        services.investors.update(compliance, "S1", name="改名以后", reason="test")
        original(self, *paths)

    monkeypatch.setattr(ExportWorker, "start", rename_then_start)
    out = tmp_path / "audit.csv"
    manifest = services.audit.export(compliance, out, "csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["client_name"] for row in csv.DictReader(handle) if row["client_account"] == "S1"]
    assert len(names) >= 20
    assert set(names) == {"客户S1"}
    assert manifest["count"] > 20
    # SQLite: the second process saw a newer entry and stopped; PostgreSQL: it read the snapshot
    assert (started[0].summary is None) == services.store.is_sqlite
    assert services.audit.verify_file(compliance, out).ok


def test_a_commit_with_no_audit_entry_before_the_second_process_reads_is_not_half_shown(
    services: Services, tmp_path: Path, started: list[ExportWorker], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, for a change that appends no entry (an upgrade's migration run by another
    desktop writes client rows so): the newest entry is the same in both processes, so on
    SQLite only data_version tells the second state from the first, and this process
    writes the second part itself."""
    from sqlalchemy import text

    compliance = _checks(services, tmp_path, n=20)
    original = ExportWorker.start

    def rename_then_start(self: ExportWorker, *paths: Path) -> None:
        with services.store.engine.begin() as conn:
            conn.execute(text("UPDATE investor SET name = '改名以后' WHERE account = 'S1'"))
        original(self, *paths)

    monkeypatch.setattr(ExportWorker, "start", rename_then_start)
    out = tmp_path / "audit.csv"
    services.audit.export(compliance, out, "csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        names = [row["client_name"] for row in csv.DictReader(handle) if row["client_account"] == "S1"]
    assert len(names) >= 20
    assert set(names) == {"客户S1"}
    assert (started[0].summary is None) == services.store.is_sqlite


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_store_address_is_not_on_the_second_process_command_line(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = _checks(services, tmp_path)
    original = ExportWorker.start
    lines: list[bytes] = []

    def start(self: ExportWorker, *paths: Path) -> None:
        original(self, *paths)
        lines.append(Path(f"/proc/{self._process.pid}/cmdline").read_bytes())

    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    monkeypatch.setattr(ExportWorker, "start", start)
    services.audit.export(compliance, tmp_path / "a.csv", "csv")
    url = services.store.url
    assert lines
    assert all(str(url.database).encode() not in line for line in lines)
    assert all(b"SELECT" not in line for line in lines)


class _InProcessPart:
    """A Part that writes its rows here, at start (write_export's side of the split,
    without a second process); `usable=False` plays a second process that saw the store
    change (finish() gives None and the rows are written by write_export itself)."""

    def __init__(self, rows: list[Any], fmt: str, mask: Any, usable: bool = True) -> None:
        self.rows, self.fmt, self.mask, self.usable = rows, fmt, mask, usable
        self.summary: export.PartSummary | None = None
        self.stopped = False

    def start(self, data: Path, entries: Path, displays: Path) -> None:
        with data.open("wb") as d, entries.open("wb") as e, displays.open("wb") as s:
            self.summary = export.write_part(iter(self.rows), self.fmt, self.mask, d, e, s)

    def done(self) -> int:
        return 0

    def finish(self, waiting: Any) -> export.PartSummary | None:
        return self.summary if self.usable else None

    def rest(self) -> Any:
        return iter(self.rows)

    def stop(self) -> None:
        self.stopped = True


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("usable", [True, False])
def test_every_split_point_gives_the_same_file_and_manifest(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path, fmt: str, masked: bool, usable: bool
) -> None:
    """Rows split anywhere (none or all of them in the part included), intact and altered
    entries: the same bytes and manifest as one writer."""
    _build(sqlite_services, tmp_path, control_characters=True)
    _tamper(sqlite_target)
    compliance = sqlite_services.ctx.require(staff(sqlite_services, Role.COMPLIANCE), Permission.EXPORT_AUDIT)
    with sqlite_services.ctx.transaction(read_only=True) as session:
        rows = list(sqlite_services.audit._rows(session, compliance, AuditFilter(), True))
    mask = mask_id_number if masked else None
    one = tmp_path / f"one.{fmt}"
    want = export.write_export(one, fmt, iter(rows), sign=lambda _: "-", context={}, mask_id=mask)
    folder = tmp_path / "split"
    folder.mkdir()
    for k in range(len(rows) + 1):
        part = _InProcessPart(rows[k:], fmt, mask, usable)
        out = folder / f"at{k}.{fmt}"
        got = export.write_export(out, fmt, iter(rows[:k]), sign=lambda _: "-", context={}, mask_id=mask, part=part)
        assert out.read_bytes() == one.read_bytes(), k
        assert {n: got[n] for n in DIGESTS} == {n: want[n] for n in DIGESTS}, k
        assert part.stopped
    assert _leftovers(folder) == []


def test_the_command_line_reports_a_killed_second_process_in_one_sentence(
    sqlite_services: Services,
    sqlite_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from suitcheck import cli
    from tests.conftest import PASSWORD

    _checks(sqlite_services, tmp_path)
    original = ExportWorker.start

    def start_then_kill(self: ExportWorker, *paths: Path) -> None:
        original(self, *paths)
        self._process.kill()
        self._process.join()

    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    monkeypatch.setattr(ExportWorker, "start", start_then_kill)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    out = tmp_path / "out" / "audit.csv"
    out.parent.mkdir()
    args = ["audit", "export", "--format", "csv", "--out", str(out), "--user", "t-compliance", "--db", sqlite_target]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "suitcheck: The export's second process ended early (exit status -9); nothing was written."
    ]
    _assert_nothing_written(out.parent, out)
    monkeypatch.setattr(ExportWorker, "start", original)
    assert cli.main(args) == 0
    assert out.exists()


def test_without_copy_file_range_the_part_is_copied_through_this_process(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS and Windows have no copy_file_range (and some file systems refuse it)."""
    _build(sqlite_services, tmp_path, control_characters=True)
    compliance = sqlite_services.ctx.require(staff(sqlite_services, Role.COMPLIANCE), Permission.EXPORT_AUDIT)
    with sqlite_services.ctx.transaction(read_only=True) as session:
        rows = list(sqlite_services.audit._rows(session, compliance, AuditFilter(), True))
    one = tmp_path / "one.csv"
    want = export.write_export(one, "csv", iter(rows), sign=lambda _: "-", context={}, mask_id=mask_id_number)
    monkeypatch.setattr(export, "_copied_in_kernel", lambda source, target: False)
    out = tmp_path / "split.csv"
    half = len(rows) // 2
    part = _InProcessPart(rows[half:], "csv", mask_id_number)
    got = export.write_export(
        out, "csv", iter(rows[:half]), sign=lambda _: "-", context={}, mask_id=mask_id_number, part=part
    )
    assert out.read_bytes() == one.read_bytes()
    assert {n: got[n] for n in DIGESTS} == {n: want[n] for n in DIGESTS}
