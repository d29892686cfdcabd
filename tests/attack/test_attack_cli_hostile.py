"""The command line as a careless administrator and a hurried script drive it: a folder
unpacked from a zip made on Windows, a console that is not UTF-8, a full disk under the
results of a batch, Ctrl+C and SIGTERM halfway through.

Was BROKE (1): `report import FOLDER` where a file's name is GBK bytes (a zip made on a
Chinese Windows desktop, unpacked on Linux) stopped the whole import with "unexpected
error (UnicodeEncodeError)": no database stores such a name. The files before it were
imported and not listed, the files after it never imported. Now that file fails with its
sentence and the import goes on.

Was BROKE (2) to (14): see their tests.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from suitcheck.audit import export
from suitcheck.cli import main
from suitcheck.domain.codes import ImportStatus
from suitcheck.domain.roles import Role
from suitcheck.services import Services, audit_log, client_import
from suitcheck.services.reports import ReportService
from tests.cli.test_batch_cli import _checks_since, _newest
from tests.cli.test_cli import ROOT, report_id
from tests.cli.test_cli import demo_db as demo_db
from tests.cli.test_cli import demo_env as demo_env
from tests.cli.test_cli import seeded_demo as seeded_demo
from tests.conftest import staff
from tests.fixtures import report_text
from tests.services.clientfiles import client_rows, write_csv


def test_a_file_named_in_gbk_bytes_fails_alone_and_the_import_goes_on(
    sqlite_services: Services, tmp_path: Path
) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    folder = tmp_path / "unzipped"
    folder.mkdir()
    gbk_name = os.fsencode(folder) + b"/" + "研究报告一.txt".encode("gbk")
    with open(gbk_name, "wb") as handle:
        handle.write(report_text("中风险", "良好报告一号：稳健经营").encode())
    (folder / "good.txt").write_text(report_text("中风险", "良好报告二号：稳健经营"), encoding="utf-8")
    results = sqlite_services.reports.import_paths(compliance, [folder])
    by_name = {Path(r.path).name: r for r in results}
    assert by_name["good.txt"].status is ImportStatus.IMPORTED
    (failed,) = (r for name, r in by_name.items() if name != "good.txt")
    assert os.fsencode(failed.path) == gbk_name
    assert (failed.status, failed.code, failed.report) == (ImportStatus.FAILED, "name-not-text", None)
    assert "rename the file" in (failed.reason or "")


def _gbk_stdout(monkeypatch: pytest.MonkeyPatch) -> io.BytesIO:
    """stdout as a Chinese Windows desktop has it when redirected (cp936, strict)."""
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="gbk", write_through=True))
    return raw


def test_a_console_in_gbk_shows_a_name_it_cannot_hold_escaped(demo_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was BROKE (2): with stdout in GBK (a Chinese Windows console's redirection, or
    PYTHONIOENCODING=gbk) `investor add --name 𠀀张😀` added and recorded the client, then
    said "unexpected error (UnicodeEncodeError)", exit 1, so the clerk added them again;
    `investor list` and `investor list --json` printed nothing and failed the same way."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    db = ["--db", str(demo_env), "--user", "demo-compliance"]
    raw = _gbk_stdout(monkeypatch)
    assert main(["investor", "add", "--account", "990001", "--name", "𠀀张😀", *db]) == 0
    assert "990001     \\U00020000张\\U0001f600" in raw.getvalue().decode("gbk")
    raw = _gbk_stdout(monkeypatch)
    assert main(["investor", "list", "--json", *db]) == 0
    listed = json.loads(raw.getvalue().decode("gbk"))
    assert [c["name"] for c in listed if c["account"] == "990001"] == ["𠀀张😀"]


def test_a_file_named_in_gbk_bytes_is_listed_and_logged_without_a_traceback(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (3): once such a file failed alone, the log line naming it wrote "---
    Logging error ---" and a traceback to the terminal."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    folder = tmp_path / "unzipped"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/" + "研究报告.txt".encode("gbk"), "wb") as handle:
        handle.write(report_text("中风险", "良好报告三号：稳健经营").encode())
    code = main(["report", "import", str(folder), "--db", str(demo_env), "--user", "demo-compliance"])
    out, err = capfd.readouterr()
    assert code == 1
    assert err == ""
    assert out.startswith(f"failed        {folder}/\\udcd1")  # the name's first byte, escaped
    assert "rename the file" in out


class _FullDisk(io.FileIO):
    """A file on a disk with `room` bytes left: a write takes what fits, the next fails."""

    room = 1000

    def write(self, data: Any) -> int:
        left = self.room - self.tell()
        if left <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(bytes(data)[:left])


def test_a_batch_whose_results_fill_the_disk_leaves_whole_lines_and_says_so(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (4): the disk under RESULTS.jsonl filling up (a small partition, a
    quota) ended the batch in "unexpected error (OSError)": the sentence saying which check
    was recorded but is not in the file was lost to a second failure when the file was
    closed, and the file ended in half a result, which no JSON reader takes."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    report = report_id(demo_env, "创业板")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"88000{n},{report}\n" for n in range(1, 7)), encoding="utf-8")
    out = tmp_path / "results.jsonl"
    results_fds: list[int] = []
    mkstemp, fdopen = tempfile.mkstemp, os.fdopen

    def made(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = mkstemp(*args, **kwargs)
        if Path(name).name.startswith(".results.jsonl."):
            results_fds.append(fd)
        return fd, name

    def opened(fd: int, mode: str = "r", buffering: int = -1, **kwargs: Any) -> Any:
        if fd not in results_fds:
            return fdopen(fd, mode, buffering, **kwargs)
        raw = _FullDisk(fd, "w")
        if "b" in mode:
            return raw if buffering == 0 else io.BufferedWriter(raw)
        return io.TextIOWrapper(io.BufferedWriter(raw), **kwargs)

    path_open = Path.open

    def reopened(self: Path, mode: str = "r", buffering: int = -1, **kwargs: Any) -> Any:
        # The results file opened again where it was put (its first result took its place).
        if self == out and mode == "ab" and buffering == 0:
            return _FullDisk(self, "a")
        return path_open(self, mode, buffering, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", made)
    monkeypatch.setattr(os, "fdopen", opened)
    monkeypatch.setattr(Path, "open", reopened)
    before = _newest(demo_env)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--db", str(demo_env), "--user", "demo-advisor"])
    _, err = capfd.readouterr()
    assert code == 1
    assert err == (
        f"suitcheck: Cannot write {out} (No space left on device): the check of line 3 is recorded but not in it. "
        f"The batch stopped at line 4: the results of the 2 pairs before line 3 are in {out}, each check among them "
        "recorded; the 3 pairs from that line on were not checked.\n"
    )
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["audit_id"] for r in written] == _checks_since(demo_env, before)[:2]
    assert len(_checks_since(demo_env, before)) == 3
    assert out.read_bytes().endswith(b"}\n")


def test_report_import_interrupted_lists_the_files_it_imported(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (5): Ctrl+C during `report import FOLDER` said only "interrupted.": the
    files imported until then (each recorded in the trail) were not listed, nor what was
    left. (SIGTERM ended it with no word at all.) Now it stops after the file under way,
    lists the files done and says the rest were not imported."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"r{n}.txt").write_text(report_text("中风险", f"中断测试报告{n}号：稳健经营"), encoding="utf-8")
    store = ReportService._store

    def stored_then_interrupted(self: ReportService, *args: Any) -> Any:
        result = store(self, *args)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C as the first file is stored
        return result

    monkeypatch.setattr(ReportService, "_store", stored_then_interrupted)
    code = main(["report", "import", str(folder), "--json", "--db", str(demo_env), "--user", "demo-compliance"])
    out, err = capfd.readouterr()
    assert code == 130
    assert [(Path(r["path"]).name, r["status"]) for r in json.loads(out)] == [("r1.txt", "imported")]
    assert err == (
        "suitcheck: interrupted: 1 of the 3 files were done (listed above); the rest were not imported. Import "
        "the same files again for them (the files already imported are recognised).\n"
    )


_TERMINATED_WHILE_WRITING = """
import os, signal, sys
from suitcheck.audit import export
from suitcheck.cli import main

write_rows = export._write_rows

def written_then_terminated(*args):
    write_rows(*args)
    os.kill(os.getpid(), signal.SIGTERM)  # a scheduler's timeout, the rows written, none placed

export._write_rows = written_then_terminated
sys.exit(main(sys.argv[1:]))
"""


def test_an_export_ended_by_sigterm_leaves_nothing_and_says_so(demo_env: Path, tmp_path: Path) -> None:
    """Was BROKE (6): SIGTERM (a scheduler's timeout, a shutdown) ended `audit export`,
    `eligible --out` and every command but the batch's on the spot: no word on stderr, and
    the export's temporary file (the rows written, a copy of the trail) left beside the
    target. Now SIGTERM is taken as Ctrl+C is: nothing is left, one sentence, exit 143."""
    folder = tmp_path / "exports"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITCHECK_") or k.endswith(("_KEY", "_LOG_DIR"))}
    args = ["audit", "export", "--format", "csv", "--out", str(folder / "trail.csv")]
    result = subprocess.run(
        [sys.executable, "-c", _TERMINATED_WHILE_WRITING, *args, "--db", str(demo_env), "--user", "demo-compliance"],
        env={**env, "SUITCHECK_PASSWORD": "demo"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (143, "suitcheck: interrupted.\n")
    assert list(folder.iterdir()) == []


def test_ctrl_c_as_an_export_is_recorded_leaves_the_export_it_recorded(
    demo_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    """Was BROKE (7): Ctrl+C landing as an export's audit entry committed (the commit's
    fsync is where an export's last moment goes) left the trail recording an export of N
    entries that nobody got: the file was removed, and the user was told "interrupted."
    Now Ctrl+C waits from the record to the renames: the entry and the verified pair."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    # Ctrl+C as a program started from a terminal has it: a suite started in the background
    # (`.ci/run &` from a script) inherits SIGINT ignored, and Python then leaves it so.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, before))

    def recorded_then_interrupted(*args: Any, record: Any, **kwargs: Any) -> Any:
        def then_ctrl_c(manifest: dict[str, Any]) -> None:
            record(manifest)
            os.kill(os.getpid(), signal.SIGINT)

        return export.write_export(*args, record=then_ctrl_c, **kwargs)

    monkeypatch.setattr(audit_log, "write_export", recorded_then_interrupted)
    out = tmp_path / "trail.csv"
    login = ["--db", str(demo_env), "--user", "demo-compliance"]
    assert main(["audit", "export", "--format", "csv", "--out", str(out), *login]) == 130
    assert capfd.readouterr().err == "suitcheck: interrupted.\n"
    assert main(["audit", "verify", str(out), "--json", *login]) == 0
    verdict = json.loads(capfd.readouterr().out)
    assert verdict["ok"] is True
    with closing(sqlite3.connect(demo_env)) as conn:
        (facts,) = conn.execute("SELECT facts FROM audit_entry WHERE action = 'export' ORDER BY seq DESC LIMIT 1")
    assert json.loads(facts[0])["count"] == verdict["count"]


_NO_PASSWORD = "suitcheck: No password given: set SUITCHECK_PASSWORD or run the command in a terminal.\n"


@pytest.mark.parametrize(
    ("closed", "args", "code", "said"),
    [
        (0, ["report", "list", "--user", "demo-advisor"], 2, _NO_PASSWORD),
        (1, ["audit", "replay", "--since", "2000-01-01", "--user", "demo-compliance"], 0, ""),
        (2, ["check", "--investor", "999", "--report", "1", "--json", "--user", "demo-advisor"], 2, ""),
    ],
    ids=["stdin", "stdout", "stderr"],
)
def test_a_closed_stream_swallows_what_it_would_show_and_nothing_else(
    demo_env: Path, closed: int, args: list[str], code: int, said: str
) -> None:
    """Was BROKE (8): `suitcheck audit replay >&-` ended in "unexpected error
    (AttributeError)" (Python gives no stdout then), and so did a command asking for a
    password with stdin closed; with stderr closed (`2>&-`) the error's sentence went to
    stdout, into what a script reads as the --json document; and the log file, opened
    first, took the closed descriptor (`--out /dev/stdout` then named it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITCHECK_") or k.endswith(("_KEY", "_LOG_DIR"))}
    result = subprocess.run(
        [sys.executable, "-m", "suitcheck", *args, "--db", str(demo_env)],
        env=env if closed == 0 else {**env, "SUITCHECK_PASSWORD": "demo"},
        cwd=ROOT,
        stdin=None,
        stdout=None if closed == 1 else subprocess.PIPE,
        stderr=None if closed == 2 else subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),
        text=True,
        timeout=120,
    )
    assert result.returncode == code
    assert (result.stdout or "", result.stderr or "") == ("", said)


def test_an_export_to_dev_stdout_on_a_pipe_is_refused_in_its_sentence(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (9): `audit export --out /dev/stdout | ...` said "The export to
    /proc/4242/fd/pipe:[1684336] failed: No such file or directory", a name nobody gave."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    read_end, write_end = os.pipe()
    try:
        target = f"/dev/fd/{write_end}"
        args = ["audit", "export", "--format", "jsonl", "--out", target, "--db", str(demo_env)]
        assert main([*args, "--user", "demo-compliance"]) == 2
    finally:
        os.close(read_end)
        os.close(write_end)
    assert capfd.readouterr().err == (
        f"suitcheck: {target} is not a plain file (a device, a pipe or a socket); give a file name.\n"
    )


def test_an_init_refused_its_admin_password_still_shows_the_key_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (10): `init --admin NAME` with a password refused (too short; or none, the
    new password given in SUITCHECK_NEW_PASSWORD as for staff add) created the store and the
    installation's audit key, said only why the password was refused, and never showed the
    public key compliance must file: the next init finds the key made and says nothing of it."""
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(tmp_path / "audit.key"))
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("SUITCHECK_PASSWORD", "short")
    assert main(["init", "--admin", "boss", "--db", str(tmp_path / "s.db"), "--json"]) == 2
    out, err = capfd.readouterr()
    assert err.startswith("suitcheck: A password needs at least 10 characters")
    shown = json.loads(out)
    assert shown["admin"] is None
    assert shown["audit_key"]["event"] == "store-created"
    monkeypatch.setenv("SUITCHECK_PASSWORD", "correct horse 7")
    assert main(["init", "--admin", "boss", "--db", str(tmp_path / "s.db"), "--json"]) == 0
    assert json.loads(capfd.readouterr().out)["audit_key"] is None  # made before: shown then, or never


def test_an_export_whose_manifest_name_is_a_folder_is_refused_before_anything(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (11): a folder named TRAIL.csv.manifest.json was found only at the
    manifest's rename: the export was recorded and put at TRAIL.csv with no manifest (no
    way to verify it, an earlier export of that name gone), and the sentence said "The
    export ... failed"."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    out = tmp_path / "trail.csv"
    (tmp_path / "trail.csv.manifest.json").mkdir()
    before = _newest(demo_env)
    args = ["audit", "export", "--format", "csv", "--out", str(out), "--db", str(demo_env)]
    assert main([*args, "--user", "demo-compliance"]) == 2
    assert capfd.readouterr().err == (
        f"suitcheck: {out}.manifest.json is a folder, and the export's manifest is written there; nothing was "
        "written. Give another name.\n"
    )
    assert not out.exists()
    assert _newest(demo_env) == before  # nothing sealed or recorded


def test_a_client_import_interrupted_says_nothing_was_changed(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (12): Ctrl+C or SIGTERM during `investor import FILE` said only
    "interrupted.": not whether the clients were imported (the import is one transaction,
    and an interruption landing as it committed left it committed). Now it is cancelled as
    the desk's Cancel is, and says that nothing was changed; once committed, it is done."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    clients = write_csv(tmp_path / "clients.csv", client_rows(5))
    tick = client_import._Run.tick

    def ticked_then_interrupted(self: Any, phase: str, done: int) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C while the file is read
        tick(self, phase, done)

    monkeypatch.setattr(client_import._Run, "tick", ticked_then_interrupted)
    before = _newest(demo_env)
    args = ["investor", "import", str(clients), "--db", str(demo_env), "--user", "demo-compliance"]
    assert main(args) == 130
    assert capfd.readouterr() == ("", "suitcheck: interrupted. The import was cancelled; nothing was changed.\n")
    assert _newest(demo_env) == before


def test_a_client_file_that_is_a_named_pipe_is_named_so(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (13): `investor import clients.csv` where clients.csv is a named pipe (or a
    link to a device) said "The file is empty.", which sends the clerk looking for the
    wrong problem."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    fifo = tmp_path / "clients.csv"
    os.mkfifo(fifo)
    assert main(["investor", "import", str(fifo), "--db", str(demo_env), "--user", "demo-compliance"]) == 2
    assert capfd.readouterr().err == (
        f"suitcheck: {fifo} is not a plain file (a device, a pipe or a socket); nothing was read.\n"
    )


def test_a_chinese_header_row_is_no_pair(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE (14): a pairs file headed 客户,报告 (as a Chinese spreadsheet heads it) had
    its header checked as a pair: a result line "No client has the account number or id
    '客户'", exit 1, and for a branch's advisor an audit entry of a reference to no client,
    which head office reads as a probe."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"\ufeff客户账号,报告编号\r\n881001,{report_id(demo_env, '创业板')}\r\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    before = _newest(demo_env)
    args = ["check", "--batch", str(pairs), "--out", str(out), "--db", str(demo_env), "--user", "demo-advisor-sh"]
    assert main(args) == 0
    assert [r["line"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())] == [2]
    with closing(sqlite3.connect(demo_env)) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM audit_entry WHERE seq > ?", (before,))]
    assert "client-not-found" not in actions


def test_a_batch_stopped_by_a_bare_driver_message_says_it_in_two_sentences(
    demo_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was BROKE: a store failure worded by the driver without a full stop ("disk I/O
    error") ran into the batch's own sentence: "disk I/O error The batch stopped at ...\""""
    from suitcheck.services.access import AccessService
    from suitcheck.store.engine import StoreError

    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    report = report_id(demo_env, "创业板")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"88000{n},{report}\n" for n in range(1, 5)), encoding="utf-8")
    out = tmp_path / "results.jsonl"
    check_pairs = AccessService.check_pairs

    def then_the_disk_fails(self: AccessService, actor: Any, given: Any) -> Any:
        checks = check_pairs(self, actor, given)
        yield next(checks)
        checks.close()
        raise StoreError("The store could not be written: disk I/O error")

    monkeypatch.setattr(AccessService, "check_pairs", then_the_disk_fails)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--db", str(demo_env), "--user", "demo-advisor"])
    assert code == 1
    assert capfd.readouterr().err.startswith(
        "suitcheck: The store could not be written: disk I/O error. The batch stopped at line 2: "
    )
