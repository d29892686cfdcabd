"""Attacks on the two-process exports and lists, and the record_intact marks (attack6)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import suitcheck.services.access as access_module
from suitcheck.audit import export_split
from suitcheck.audit.export import ExportError
from suitcheck.audit.export_split import ExportWorker
from suitcheck.audit.listpart import ListPart
from suitcheck.cli import _investor_line, _report_line
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import ServiceError
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report


def shell(services: Services, sql: str) -> None:
    with closing(sqlite3.connect(str(services.store.engine.url.database))) as con:
        con.execute(sql)
        con.commit()


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE report SET title = X'FF00' WHERE id = {r}",  # bytes, not UTF-8
        "UPDATE report SET title = CAST('标题' AS BLOB) WHERE id = {r}",  # UTF-8 bytes
        "UPDATE report SET publisher = X'FF', source_name = X'FE', source_kind = X'41' WHERE id = {r}",
        "UPDATE report SET rating_value = X'FF', rating_scope = X'FE' WHERE id = {r}",
        "UPDATE analyst SET name = X'FF' WHERE report_id = {r}",
    ],
)
def test_a_report_text_column_held_as_bytes_lists_as_text(sqlite_services: Services, tmp_path: Path, edit: str) -> None:
    """Was BROKE: one report row whose title (or publisher, source, rating, analyst) a
    sqlite3 shell set to bytes made `report list --json` and `report show --json` end in
    'unexpected error (TypeError)' (bytes are not JSON), so the desk lost the whole report
    list, and the GUI showed b'...'. These columns are not sealed: shown as their text,
    bytes that are not UTF-8 replaced, on the list and the report's page alike."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    other = import_text_report(services, compliance, tmp_path, level="低风险", title="宏观经济周报第九期")
    shell(services, edit.format(r=r3))
    listed = [v.to_dict() for v in services.reports.search(compliance)]
    shown = services.reports.get(compliance, r3).to_dict()
    json.dumps(listed)
    json.dumps(shown)
    assert {d["id"] for d in listed} == {r3, other}
    (mine,) = [d for d in listed if d["id"] == r3]
    assert mine == shown  # the list and the report's page give one view
    assert isinstance(mine["title"], str)
    assert all(isinstance(name, str) for name, _ in services.reports.get(compliance, r3).analysts)
    assert "b'" not in _report_line(mine)


def test_client_pages_with_unreadable_rows_at_every_place(sqlite_services: Services) -> None:
    """Offset pages of two over six clients, where the 1st, 3rd, 4th and 6th rows hold a date
    no reader takes (a whole page of them, and one as the first and the last row of a
    page): every client once, in id order, on the pages as on the whole list; a prefix
    that matches only such rows finds them, marked; a branch narrows them too."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    ids = [add_client(services, compliance, f"PG{n}", RiskProfile.C4) for n in range(6)]
    for n in (0, 2, 3, 5):
        shell(services, f"UPDATE investor SET birth_date = {n + 7} WHERE id = {ids[n]}")
    whole = services.investors.search(compliance, "PG")
    paged = [
        v for offset in range(0, 8, 2) for v in services.investors.search(compliance, "PG", limit=2, offset=offset)
    ]
    assert [v.id for v in whole] == [v.id for v in paged] == ids
    assert [v.record_intact for v in paged] == [False, True, False, False, True, False]
    assert [v.account for v in paged] == [f"PG{n}" for n in range(6)]
    for n in (0, 2, 3, 5):
        assert [(v.id, v.record_intact) for v in services.investors.search(compliance, f"PG{n}")] == [(ids[n], False)]
    json.dumps([v.to_dict() for v in paged])
    for v in paged:
        _investor_line(v.to_dict())
    branch = whole[1].branch
    assert branch
    assert all(v.branch == branch for v in whole if v.record_intact)
    on_branch = services.investors.search(compliance, "PG", limit=2, offset=2, branch=branch)
    assert [v.id for v in on_branch] == ids[2:4]  # the page after the branch narrowed, not before


def _checked_twelve_times(services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A compliance officer who checked client S1 (王小明) twelve times, with every export split."""
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path, title="研究报告")
    add_client(services, compliance, "S1", RiskProfile.C4, name="王小明")
    for _ in range(12):
        services.access.check(compliance, "S1", report)
    monkeypatch.setattr(export_split, "SPLIT_FROM", 1)
    return compliance


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_part_file_changed_in_the_folder_before_it_is_appended_is_not_signed(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """An insider who may write in the export folder (a shared folder) swaps the second
    process's part files (named .<export>.*.part there) once it is done, with a client's
    name changed in the rows and in the display lines beside them (the hash chain covers
    neither): the export must not come out signed as the store's. Was BROKE: the manifest
    signed what the files then held, and `audit verify-file` said the export was sound."""
    services = sqlite_services
    compliance = _checked_twelve_times(services, tmp_path, monkeypatch)
    paths: list[Path] = []
    swapped: list[bool] = []
    start, finish = ExportWorker.start, ExportWorker.finish

    def recorded_start(self: ExportWorker, *given: Path) -> None:
        paths.extend(given)
        start(self, *given)

    def finish_then_swap(self: ExportWorker, waiting: Any) -> Any:
        summary = finish(self, waiting)
        for path in paths[0], paths[2]:  # the rows and the display lines
            doctored = path.read_bytes().replace("王小明".encode(), "李大伟".encode())
            swapped.append(doctored != path.read_bytes())
            replaced = path.with_name(path.name + ".new")
            replaced.write_bytes(doctored)
            os.replace(replaced, path)
        return summary

    monkeypatch.setattr(ExportWorker, "start", recorded_start)
    monkeypatch.setattr(ExportWorker, "finish", finish_then_swap)
    folder = tmp_path / "shared"
    folder.mkdir()
    out = folder / f"audit.{fmt}"
    with pytest.raises(ServiceError) as refused:
        services.audit.export(compliance, out, fmt)
    verified = services.audit.verify_file(compliance, out) if out.exists() else None
    assert verified is None, (verified, "李大伟" in out.read_text(encoding="utf-8-sig"))
    assert str(refused.value) == (
        "The export's temporary part file in the target folder was changed by another program before it was "
        "added; nothing was written. Export to a folder only you can write to."
    )
    assert sorted(p.name for p in folder.iterdir()) == []


def test_a_list_part_changed_in_the_folder_before_it_is_appended_is_refused(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The distribution list's worker part (.<list>.part.* in the target folder) swapped
    once the worker is done, with a row added for a client `check` blocks: the list must
    not come out (its hash audited as suitcheck's). Was BROKE: the added row was listed."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    for n in range(6):
        add_client(services, compliance, f"L{n}", RiskProfile.C4)
    low = add_client(services, compliance, "LOW1", RiskProfile.C1)
    assert services.access.check(advisor, "LOW1", r3).to_dict()["decision"] == "block"
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 1)
    blocks = ListPart.blocks

    def swap_then_blocks(self: ListPart, pending_rows: Any) -> Any:
        doctored = tmp_path / "doctored"
        doctored.write_bytes(self.path.read_bytes() + f"{low},LOW1,客户LOW1,ordinary,C4,2026-05-16\r\n".encode())
        os.replace(doctored, self.path)
        return blocks(self, pending_rows)

    monkeypatch.setattr(ListPart, "blocks", swap_then_blocks)
    folder = tmp_path / "shared"
    folder.mkdir()
    out = folder / "list.csv"
    with pytest.raises(ServiceError) as refused:
        services.access.write_eligible(advisor, r3, out)
    assert str(refused.value) == (
        "Writing the distribution list failed: its temporary part file in the target folder was changed "
        "by another program; no file was written. Write the list to a folder only you can write to."
    )
    assert sorted(p.name for p in folder.iterdir()) == []


def test_an_export_worker_whose_parent_is_gone_removes_its_parts(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export's second process, run here, finds its pipe broken (its parent was killed:
    the desk closed from the task manager, a crash). Nobody else would remove its part files,
    which hold client names (and full ID numbers when asked for) in the export folder: it
    removes them itself, as the list's worker does. Was BROKE: they were left there."""
    services = sqlite_services
    compliance = _checked_twelve_times(services, tmp_path, monkeypatch)
    jobs: list[Any] = []

    def capture(self: ExportWorker, *_paths: Path) -> None:
        jobs.append(self._job)
        raise ExportError("stop here")

    monkeypatch.setattr(ExportWorker, "start", capture)
    with pytest.raises(ServiceError):
        services.audit.export(compliance, tmp_path / "audit.csv", "csv")
    parts = tuple(tmp_path / f".audit.csv.{n}.part" for n in range(3))
    for path in parts:
        path.write_bytes(b"")
    job = dataclasses.replace(jobs[0], paths=parts)

    class GonePipe:
        def send(self, _message: object) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    handler = signal.getsignal(signal.SIGINT)  # the worker ignores Ctrl+C; this process must not
    try:
        export_split._worker_main(GonePipe(), job)  # type: ignore[arg-type]
    finally:
        signal.signal(signal.SIGINT, handler)
    assert [p.name for p in parts if p.exists()] == []


@pytest.mark.parametrize(
    ("kept", "dropped"),
    [((6,), (10,)), ((10,), (6,)), ((6, 10), (5, 7)), ((5, 6), (9, 10)), ((6, 7, 8, 9, 10), ())],
)
def test_rows_the_list_worker_cannot_confirm_at_its_first_and_last_place(
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kept: tuple[int, ...],
    dropped: tuple[int, ...],
) -> None:
    """Ten clients, the worker lists ids 6 to 10: rows only Python can confirm (a flag of 2,
    kept) and rows whose seal fails (left off) as the worker's first row (offset 0 of its
    part), its last (the part's end), side by side, across the split, and every row of the
    part: the file is byte for byte the one a single process writes. Held."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    ids = [
        add_client(services, compliance, f"E{n:02}", RiskProfile.C4, special_attention=n in kept) for n in range(1, 11)
    ]
    assert ids == list(range(1, 11))
    for n in kept:  # 2 reads as true, which the seal holds; SQL's message says otherwise
        shell(services, f"UPDATE investor SET special_attention = 2 WHERE id = {n}")
    for n in dropped:
        shell(services, f"UPDATE investor SET current_profile = 5 WHERE id = {n}")
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 10**12)
    one = services.access.write_eligible(advisor, r3, tmp_path / "one.csv")
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 1)
    monkeypatch.setattr(access_module, "FIRST_HALF_SHARE", 0.5)
    started = ListPart.start
    splits: list[str] = []

    def recorded(self: ListPart, **job: Any) -> None:
        splits.append(job["sql"])
        started(self, **job)

    blocks = ListPart.blocks
    pending: list[int] = []

    def recorded_blocks(self: ListPart, pending_rows: Any) -> Any:
        assert self.result is not None
        pending.extend(client for _, client in self.result[1])
        return blocks(self, pending_rows)

    monkeypatch.setattr(ListPart, "start", recorded)
    monkeypatch.setattr(ListPart, "blocks", recorded_blocks)
    two = services.access.write_eligible(advisor, r3, tmp_path / "two.csv")
    assert len(splits) == 1
    assert pending == sorted(n for n in (*kept, *dropped) if n > 5)  # the worker noted them all
    assert "> 5" in splits[0]
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert two.count == one.count == 10 - len(dropped)


@pytest.mark.parametrize(
    "edit",
    [
        "reasons = CAST(CAST(reasons AS BLOB) || X'FF' AS TEXT)",  # no longer JSON once read
        "facts = CAST(CAST(facts AS BLOB) || X'FF' AS TEXT)",
        "staff = CAST(CAST(staff AS BLOB) || X'FF' AS BLOB)",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_split_export_writes_a_changed_entry_in_either_half(
    sqlite_services: Services, sqlite_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, edit: str
) -> None:
    """Was BROKE: an entry of the second process's half whose stored JSON no longer parses
    (bytes that are not UTF-8 after it), or holding a BLOB, ended the export in "The
    export's second process failed (JSONDecodeError); nothing was written" (one process:
    'unexpected error'). Both halves write it as it holds; the export fails verification
    at that entry, as the store's verify does."""
    services = sqlite_services
    compliance = _checked_twelve_times(services, tmp_path, monkeypatch)
    conn = sqlite3.connect(sqlite_target, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        seqs = [r[0] for r in conn.execute("SELECT seq FROM audit_entry WHERE action = 'check' ORDER BY seq")]
        for seq in seqs[1], seqs[-1]:  # one in each half
            conn.execute(f"UPDATE audit_entry SET {edit} WHERE seq = {seq}")
    finally:
        conn.close()
    out = tmp_path / f"audit.{fmt}"
    services.audit.export(compliance, out, fmt)
    verified = services.audit.verify_file(compliance, out)
    assert not verified.ok
    assert verified.result.bad_seq == seqs[1]
    assert services.audit.verify(compliance).bad_seq == seqs[1]
