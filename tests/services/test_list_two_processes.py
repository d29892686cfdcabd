"""A long CSV distribution list made by two processes (a worker lists the second half of
the clients by id): the same file, byte for byte, as one process writes, from one state
of the store, and nothing left behind when the worker fails or the user cancels."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import Any

import pytest

import suitcheck.services.access as access_module
from suitcheck.audit.listpart import ListPart
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import ServiceError
from suitcheck.services.tables import Cancelled
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report, names_as_before_the_rule
from tests.services.listing import raw, reference

# Names a CSV writer must quote or a spreadsheet would run; one client each.
ODD_NAMES = ["逗号,名", 'quote "q"', "line\r\nbreak", "=1+1", "-2", "\u2028汉", "tab\tend"]


def _one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 10**12)


def _two_processes(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Every list with at least two clients uses the worker; what it did is recorded."""
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 1)
    monkeypatch.setattr(access_module, "FIRST_HALF_SHARE", 0.5)
    seen: dict[str, Any] = {"started": 0, "pending": None}
    start, blocks = ListPart.start, ListPart.blocks

    def counted_start(self: ListPart, **job: Any) -> None:
        seen["started"] += 1
        start(self, **job)

    def recorded_blocks(self: ListPart, pending_rows: Any) -> Any:
        assert self.result is not None
        seen["pending"] = [client for _, client in self.result[1]]
        return blocks(self, pending_rows)

    monkeypatch.setattr(ListPart, "start", counted_start)
    monkeypatch.setattr(ListPart, "blocks", recorded_blocks)
    return seen


@pytest.fixture
def world(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor, int, list[int]]:
    """40 eligible-looking clients with odd names, a few rows edited outside suitcheck in
    each half, and one row per half whose seal only Python can confirm."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    ids = []
    with names_as_before_the_rule():  # hostile names, as a store from before the rule holds them
        for n in range(40):
            name = ODD_NAMES[n % len(ODD_NAMES)] + str(n)
            ids.append(
                add_client(services, compliance, f"A{n:02}", RiskProfile.C4, name=name, special_attention=n in (5, 30))
            )
    # Left off (the seal fails), in both halves.
    for n in (3, 25):
        raw(services, "UPDATE investor SET current_profile = 5 WHERE account = :a", a=f"A{n:02}")
    for n in (8, 33):
        raw(services, "UPDATE investor SET integrity = 'x' || integrity WHERE account = :a", a=f"A{n:02}")
    # Kept, but only RowSealer.ok sees it: the database's message writes {} for a flag
    # that is neither 0 nor 1, Python reads 2 as true, which the seal holds.
    for n in (5, 30):
        raw(services, "UPDATE investor SET special_attention = 2 WHERE account = :a", a=f"A{n:02}")
    return services, advisor, r3, ids


def test_two_processes_write_the_same_bytes(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, advisor, r3, ids = world
    _one_process(monkeypatch)
    single = services.access.write_eligible(advisor, r3, tmp_path / "one.csv")
    seen = _two_processes(monkeypatch)
    double = services.access.write_eligible(advisor, r3, tmp_path / "two.csv")
    assert seen["started"] == 1
    assert seen["pending"] == [ids[25], ids[30], ids[33]]  # the worker's half: one kept, two left off
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert (double.count, double.sha256) == (single.count, single.sha256)
    assert single.count == 40 - 4
    assert [p.name for p in tmp_path.iterdir() if ".part." in p.name] == []
    # The first half's kept row and the worker's are both on the list, as `eligible` says.
    listed = (tmp_path / "two.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any(line.startswith(f"{ids[5]},A05,") for line in listed)
    assert any(line.startswith(f"{ids[30]},A30,") for line in listed)
    assert double.count == len(reference(services, advisor, r3))


def test_a_change_committed_between_the_two_snapshots_is_not_mixed_in(
    world: tuple[Services, Actor, int, list[int]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client of the worker's half changed (and one added) after this process's read
    transaction began but before the worker's: the worker would see the new state, so the
    guard sends its half back here, and the file is the list as of one state (the first)."""
    services, advisor, r3, _ids = world
    _one_process(monkeypatch)
    services.access.write_eligible(advisor, r3, tmp_path / "before.csv")
    seen = _two_processes(monkeypatch)
    compliance = staff(services, Role.COMPLIANCE)
    start = ListPart.start

    def change_then_start(self: ListPart, **job: Any) -> None:
        monkeypatch.setattr(ListPart, "start", start)  # once
        services.investors.update(compliance, "A38", name="renamed")
        add_client(services, compliance, "LATE", RiskProfile.C5)
        start(self, **job)

    monkeypatch.setattr(ListPart, "start", change_then_start)
    with caplog.at_level(logging.INFO, logger="suitcheck.services.access"):
        written = services.access.write_eligible(advisor, r3, tmp_path / "two.csv")
    assert "the store changed" in caplog.text
    assert seen["started"] == 1
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    # The change is real: the next list shows it.
    after = services.access.write_eligible(advisor, r3, tmp_path / "after.csv")
    assert after.count == written.count + 1
    assert "renamed" in (tmp_path / "after.csv").read_text(encoding="utf-8-sig")
    assert [p.name for p in tmp_path.iterdir() if ".part." in p.name] == []


def test_without_a_change_the_worker_half_is_used(
    world: tuple[Services, Actor, int, list[int]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The guard's other side: no commit in between, so the worker's part is appended."""
    services, advisor, r3, _ids = world
    seen = _two_processes(monkeypatch)
    with caplog.at_level(logging.INFO, logger="suitcheck.services.access"):
        services.access.write_eligible(advisor, r3, tmp_path / "two.csv")
    assert "the store changed" not in caplog.text
    assert seen["pending"] is not None  # the part was appended


def _broken_worker(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    start = ListPart.start

    def broken_start(self: ListPart, **job: Any) -> None:
        if how == "error":  # the worker reports an error (no such table in an empty file)
            job["database"] = str(self.path.parent / "not-the-store.db")
        start(self, **job)
        if how == "killed":
            self._process.kill()

    monkeypatch.setattr(ListPart, "start", broken_start)


@pytest.mark.parametrize("how", ["error", "killed"])
def test_a_failed_worker_leaves_no_file_and_says_one_sentence(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    services, advisor, r3, _ids = world
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "list.csv").write_text("earlier list\n", encoding="utf-8")
    _two_processes(monkeypatch)
    _broken_worker(monkeypatch, how)
    with pytest.raises(ServiceError) as failed:
        services.access.write_eligible(advisor, r3, folder / "list.csv")
    assert str(failed.value) == (
        "Writing the distribution list failed: its second process stopped before it finished; "
        "no file was written. Try again."
    )
    assert sorted(p.name for p in folder.iterdir()) == ["list.csv", *(["not-the-store.db"] if how == "error" else [])]
    assert (folder / "list.csv").read_text(encoding="utf-8") == "earlier list\n"


def test_cancel_while_two_processes_write(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancel after the first chunk, and one while waiting for the worker: no list, no part."""
    services, advisor, r3, _ids = world
    monkeypatch.setattr(access_module, "LIST_CHUNK", 5)
    _two_processes(monkeypatch)
    for after in (1, 4):

        def cancelled(after: int = after, calls: list[int] = [0]) -> bool:  # noqa: B006 - one list per loop
            calls[0] += 1
            return calls[0] > after

        with pytest.raises(Cancelled):
            services.access.write_eligible(advisor, r3, tmp_path / "list.csv", cancelled=cancelled)
        assert list(tmp_path.glob("*list.csv*")) == []


def test_progress_counts_every_row(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, advisor, r3, _ids = world
    _two_processes(monkeypatch)
    counts: list[int] = []
    written = services.access.write_eligible(advisor, r3, tmp_path / "list.csv", progress=counts.append)
    assert counts == sorted(counts)
    assert counts[-1] == written.count


def test_a_short_list_or_xlsx_stays_in_one_process(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, advisor, r3, _ids = world
    seen = _two_processes(monkeypatch)
    services.access.write_eligible(advisor, r3, tmp_path / "list.xlsx")
    monkeypatch.setattr(access_module, "TWO_PROCESSES_FROM", 200_000)
    services.access.write_eligible(advisor, r3, tmp_path / "list.csv")
    assert seen["started"] == 0


def test_no_part_file_possible_means_one_process(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that takes no part file: the list is written by this process alone (its
    writer says why, if it cannot write there either)."""
    services, advisor, r3, _ids = world
    _one_process(monkeypatch)
    services.access.write_eligible(advisor, r3, tmp_path / "one.csv")
    seen = _two_processes(monkeypatch)

    def refuse(self: ListPart, folder: Path, name: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ListPart, "__init__", refuse)
    services.access.write_eligible(advisor, r3, tmp_path / "two.csv")
    assert seen["started"] == 0
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_a_worker_whose_parent_is_gone_removes_its_part(
    world: tuple[Services, Actor, int, list[int]], tmp_path: Path
) -> None:
    """The worker's own loop, run here: its pipe breaks (the parent was killed), so nobody
    would remove the part file it wrote; it removes it itself."""
    from suitcheck.audit import listpart

    services, _advisor, _r3, _ids = world
    part = tmp_path / ".list.csv.part.x"
    part.write_bytes(b"")
    chain, key = services.ctx.sealer.row_seal_key()
    job = {
        "database": str(services.store.engine.url.database),
        "sql": "SELECT id, account, name, investor_class, current_profile, current_assessed_on, "
        "CAST(account AS BLOB), integrity FROM investor ORDER BY id",
        "chain": chain,
        "key": key,
        "part": str(part),
        "width": 6,
        "chunk": 10,
    }

    class GonePipe:
        def recv(self) -> dict[str, Any]:
            return job

        def send(self, _message: object) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def close(self) -> None:
            pass

    handler = signal.getsignal(signal.SIGINT)  # the worker ignores Ctrl+C; this process must not
    try:
        listpart._worker_main(GonePipe())  # type: ignore[arg-type]
    finally:
        signal.signal(signal.SIGINT, handler)
    assert not part.exists()
