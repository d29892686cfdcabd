"""A file suitcheck writes where the user says never takes the place of suitcheck's own
files: the store (and the WAL, shared memory and journal SQLite keeps beside it) and the
installation's audit keyring (and the head records beside it). A careless `--out` naming
one of them, directly or through a symbolic link, replaced the whole store with a CSV list
(every client, the whole audit trail) or the signing key with a PDF. Nor does a written
file take the place of the file the same command reads (an import's own client file as
its report), or of something that is no plain file (a device, a pipe)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.logs import setup_logging
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from tests.conftest import TODAY, add_client, staff
from tests.fixtures import import_text_report
from tests.services.clientfiles import client_rows, write_csv
from tests.services.written import recorded_actions

Writer = Callable[[Services, Actor, Path], object]

WRITERS: dict[str, Writer] = {
    "distribution list": lambda s, a, out: s.access.write_eligible(a, 1, out, "csv"),
    "reminders": lambda s, a, out: s.reminders.write(a, out, fmt="csv"),
    "audit export": lambda s, a, out: s.audit.export(a, out, "csv"),
    "client export": lambda s, a, out: s.client_files.export_clients(a, out),
    "self-inspection": lambda s, a, out: s.inspection.write(a, TODAY - dt.timedelta(days=30), TODAY, out),
    "assessment sheet": lambda s, a, out: s.investors.write_confirmation(a, "O1", out),
}


def _own_files(services: Services, tmp_path: Path) -> dict[str, Path]:
    store = Path(str(services.store.url.database))
    key = services.ctx.audit_key_path
    heads = [p for p in key.parent.iterdir() if p.name.startswith(key.name + ".") and p.name.endswith(".head")]
    assert heads
    assert (store.parent / (store.name + "-wal")).exists()
    return {
        "store": store,
        "store WAL": store.parent / (store.name + "-wal"),
        "store journal (not there yet)": store.parent / (store.name + "-journal"),
        "audit key": key,
        "key head": heads[0],
    }


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_written_file_never_takes_the_place_of_the_store_or_the_key(
    sqlite_services: Services, tmp_path: Path, writer: str
) -> None:
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "O1", RiskProfile.C4)
    import_text_report(services, compliance, tmp_path)
    own = _own_files(services, tmp_path)
    before = {name: path.read_bytes() for name, path in own.items() if path.exists()}
    actions = recorded_actions(services, compliance)
    suffix = ".pdf" if writer in ("self-inspection", "assessment sheet") else ".csv"
    for name, path in own.items():
        link = tmp_path / f"link-{len(name)}{suffix}"  # the same file by another name
        link.unlink(missing_ok=True)
        link.symlink_to(path)
        for target in (path, link):
            if writer == "client export" and target == path:
                continue  # the export takes only .csv and .xlsx names; the link has one
            with pytest.raises(InvalidInput) as refused:
                WRITERS[writer](services, compliance, target)
            what = "this installation's audit key" if "key" in name else "a file of the suitcheck store itself"
            assert str(refused.value) == f"{target} is {what}; nothing was written. Give another name.", name
    assert {name: path.read_bytes() for name, path in own.items() if path.exists()} == before
    assert not own["store journal (not there yet)"].exists()
    assert recorded_actions(services, compliance) == actions  # refused before anything was recorded
    written = tmp_path / f"fine{suffix}"
    WRITERS[writer](services, compliance, written)  # the guard refuses only suitcheck's own files
    assert written.stat().st_size > 0


def test_an_import_report_never_takes_the_place_of_the_imported_file(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """The file an import read is what its audit entry's hash names: the report written
    over it (`investor import book.xlsx --report book.xlsx`) destroyed that evidence."""
    path = write_csv(tmp_path / "clients.csv", client_rows(2))
    link = tmp_path / "book.xlsx"
    link.symlink_to(path)
    content = path.read_bytes()
    with pytest.raises(InvalidInput) as refused:
        services.client_files.import_clients(compliance, path, report=link)
    assert str(refused.value) == f"{link} is the file this command reads; nothing was written. Give another name."
    assert path.read_bytes() == content
    assert services.investors.search(compliance, "") == []  # nothing imported


def test_a_written_file_never_takes_the_place_of_a_device_or_a_pipe(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    """As root, --out /dev/stdout made a list replace the /dev/stdout link with a file; a
    named pipe another program reads from would be replaced the same way."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "null.csv"
    link.symlink_to(os.devnull)
    for target in (fifo, link):
        with pytest.raises(InvalidInput) as refused:
            services.reminders.write(compliance, target)
        assert str(refused.value) == f"{target} is not a plain file (a device, a pipe or a socket); give a file name."
    assert fifo.is_fifo()
    assert link.is_symlink()


@pytest.fixture
def logging_to_file() -> Iterator[Path]:
    """The log file set up as the command line and the desk set it up (SUITCHECK_LOG_DIR,
    from isolated_env), with a line in it; the handlers are put back afterwards."""
    root = logging.getLogger()
    kept, level = root.handlers[:], root.level
    path = setup_logging()
    assert path is not None
    logging.getLogger("suitcheck.test").warning("what the desk did this morning")
    try:
        yield path
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers, root.level = kept, level


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_written_file_never_takes_the_place_of_the_log(
    sqlite_services: Services, tmp_path: Path, writer: str, logging_to_file: Path
) -> None:
    """`eligible --report 1 --out ~/.local/state/suitcheck/log/suitcheck.log` replaced the
    log with a CSV list: what the desk logged (refused lists, records left off a list
    because they fail their seal, unexpected errors) was gone, a way for an insider to
    cover the log's side of their tracks, and the process went on logging into the file
    it had unlinked. The log, the files it rotates to and a link to either are refused,
    before anything is recorded."""
    services = sqlite_services
    compliance = staff(services, Role.COMPLIANCE)
    add_client(services, compliance, "O1", RiskProfile.C4)
    import_text_report(services, compliance, tmp_path)
    log = logging_to_file
    rotated = log.with_name(log.name + ".1")
    rotated.write_text("yesterday's log\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (log, rotated)}
    actions = recorded_actions(services, compliance)
    suffix = ".pdf" if writer in ("self-inspection", "assessment sheet") else ".csv"
    for n, path in enumerate((log, rotated)):
        link = tmp_path / f"log-link-{n}{suffix}"
        link.symlink_to(path)
        for target in (path, link):
            if writer == "client export" and target == path:
                continue  # the export takes only .csv and .xlsx names; the link has one
            with pytest.raises(InvalidInput) as refused:
                WRITERS[writer](services, compliance, target)
            assert str(refused.value) == f"{target} is suitcheck's log file; nothing was written. Give another name."
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert {path: path.read_bytes() for path in (log, rotated)} == before
    assert recorded_actions(services, compliance) == actions
    assert os.path.samefile(logging.getLogger().handlers[0].baseFilename, log)  # type: ignore[attr-defined]
