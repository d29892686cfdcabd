"""The command line as a firm's scripts and schedulers drive it: a variable left unset, a
store address with its password in the query, a pairs file with a NUL byte or saved by
Excel on a Chinese desk, a password read from a file written on Windows, `--out .`.

Was BROKE (1): an empty file name (`"$EXPORT"` with the variable unset) was read as the
working folder: `audit verify "" --public-key KEY` verified the store instead, said OK
and exited 0; `report import ""` imported whatever lay in the working folder; `audit
export --out ""` ended in "unexpected error (ValueError)"; `eligible --out ""` printed the
list instead of writing it and exited 0.

Was BROKE (2): a store address that gives its password as libpq's query parameter
(`postgresql://clerk@host/db?password=...`, or the client key's `sslpassword`) showed it:
in every sentence naming the store ("cannot be reached"), in `init`'s "Store ready" and
`audit key show`, in the desk's title bar, and written into the audit keyring file as
the store's location. A password in the address's user part was hidden (***) already.

Was BROKE (3): on PostgreSQL, a pairs file whose client cell held a NUL byte (a file
saved as UTF-16, a binary export cut short) stopped the whole batch at that pair with
"The store ... failed: PostgreSQL text fields cannot contain NUL (0x00) bytes", exit 1:
no later pair was checked. The reference names no client, as on SQLite.

Was BROKE (4): a new password read by a script from a file written on Windows (`read -r
P < pw.txt` keeps the CR of its CRLF line end), or with its line break, was accepted
whole: `staff add`, `reset-password` and `init --admin` made an account whose password
ends in "\\r", which no login prompt or desk field can type. A password with a control
character is refused, with the sentence saying why.

Was BROKE (5): `check --batch` refused a pairs file Excel saved on a Chinese Windows desk
("CSV (逗号分隔)" is GBK; "Unicode text" is UTF-16) as "cannot be read as a UTF-8 CSV file",
though its header 客户,报告 is the one the README names. It is decoded as report, subject
and client files are; a file holding a NUL byte is refused as binary before anything is
checked.

Was BROKE (6): `audit export --out .` (or `/`, `./`) ended in "unexpected error
(ValueError)" with a traceback in the log; `--out ..`, a folder, or a file in a folder
that does not exist was refused in a sentence but with exit 1, where every other command
that writes a file says the same with exit 2 (bad input), as the README's exit codes say.

Was BROKE (7): `inspection` over a trail that fails verification wrote its PDF (which says
so) and exited 0: a scheduled monthly self-inspection never told anyone. It exits 4 with
the sentence on stderr, as `audit export` of such a trail does.

Was BROKE (8): a second Ctrl+C during `check --batch` (the first ends it after the check
under way) that came after a check was recorded and before its result was written ended
the batch with "suitcheck: interrupted." alone: the results file lacked a recorded check
and nothing said so, nor where the batch stopped. It now says which line's check may be
recorded without its result, and the file holds whole results only.

Was BROKE (9): output redirected onto a full disk (`suitcheck report list > out.txt`, a
scheduler's log on a full /var) ended in "unexpected error (OSError)" with a traceback in
the log, and `--version` in a raw traceback. It is one sentence saying the output could
not be written, exit 1.

Was BROKE (10): `check --batch PAIRS --out /dev/stdout | jq .decision` got the summary
line ("3 checks: ...", or with --json a pretty-printed document) after the results, so a
reader of JSON lines failed on the last; and with stdout redirected to a file (`--out
/dev/stdout > results.jsonl`) the results file was made beside the link and put in its
place: nothing reached stdout, and as root /dev/stdout itself was replaced. Results meant
for stdout are written to it as it is, and the summary goes to stderr.

Was BROKE (11): a list, export or PDF written to `--out /dev/stdout` with stdout
redirected to a file (`suitcheck reminders --out /dev/stdout > list.csv`) was made beside
the link and renamed over it: as root (a container's scheduled job) /dev/stdout itself
was replaced by the list, as a user it failed to write in /dev. It is refused, as
/dev/stdout on a pipe is: such a file is recorded with its hash, and stdout is no file.

Was BROKE (12): with no log file to write (a log folder that cannot be made: a read-only
home, a full disk), an unexpected error said "details are in None."

Was BROKE (13): two batches given the same --out (a scheduled run still going when the
next starts) each put their file in its place at their first result: the first one went
on writing into a file no longer there, then said "results in X" and exited 0, though X
held none of its results and the trail holds its checks. A batch now finds its file
replaced (or removed) at its next result and stops, saying whose results went with it
(their audit entries) and where it stopped.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import signal
import sqlite3
import stat
import sys
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import make_url

from suitcheck import cli
from suitcheck.cli import _read_pairs, main
from suitcheck.domain.decision import Outcome
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.passwords import PasswordProblem, password_problem
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services, StoreError, open_services
from suitcheck.services.access import CheckResult
from suitcheck.services.errors import InvalidInput, NotFound
from tests.conftest import FAST_HASHER, PASSWORD, Clock, add_client, postgres_target, staff
from tests.fixtures import import_text_report, report_text


def _newest(target: str) -> int:
    with closing(sqlite3.connect(target)) as conn:
        return int(conn.execute("SELECT max(seq) FROM audit_entry").fetchone()[0])


def test_an_empty_file_name_is_a_usage_error_before_anything_is_done(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    work = tmp_path / "work"
    work.mkdir()
    (work / "note.txt").write_text(report_text(), encoding="utf-8")  # what `report import .` takes
    monkeypatch.chdir(work)
    key = sqlite_services.audit.key_info()["installations"][0]["public_key"]
    newest = _newest(sqlite_target)
    for argv in (
        ["audit", "verify", ""],
        ["audit", "verify", "", "--public-key", key],
        ["audit", "verify", " "],
        ["report", "import", ""],
        ["report", "import", "note.txt", ""],
        ["audit", "export", "--format", "csv", "--out", ""],
        ["eligible", "--report", "1", "--out", ""],
        ["reminders", "--out", ""],
        ["check", "--batch", "", "--out", "results.jsonl"],
        ["investor", "import", ""],
    ):
        with pytest.raises(SystemExit) as stopped:
            main([*argv, "--user", "t-compliance", "--db", sqlite_target])
        assert stopped.value.code == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("suitcheck: "), (argv, err)
        assert err.count("\n") == 1, (argv, err)
        assert "empty file name" in err, (argv, err)
    assert _newest(sqlite_target) == newest  # nothing was imported, verified, written or recorded
    assert sorted(p.name for p in work.iterdir()) == ["note.txt"]
    # "-", a script's standard output: a file named "-" was written, "results in -".
    (work / "pairs.csv").write_text("880001,1\n", encoding="utf-8")
    for argv in (
        ["check", "--batch", "pairs.csv", "--out", "-"],
        ["eligible", "--report", "1", "--out", "-"],
        ["reminders", "--out", "-"],
        ["audit", "export", "--format", "jsonl", "--out", "-"],
    ):
        with pytest.raises(SystemExit) as stopped:
            main([*argv, "--user", "t-compliance", "--db", sqlite_target])
        assert stopped.value.code == 2, argv
        assert "standard input or output" in capsys.readouterr().err, argv
    assert sorted(p.name for p in work.iterdir()) == ["note.txt", "pairs.csv"]
    assert _newest(sqlite_target) == newest


SECRET, KEY_SECRET = "S3cret-Pw", "K3y-Passphrase"


def test_a_password_in_the_store_address_query_is_never_shown(tmp_path: Path) -> None:
    """No server needed: the sentence of a server that cannot be reached names the store."""
    url = f"postgresql+psycopg://clerk@127.0.0.1:1/suitcheck?password={SECRET}&sslpassword={KEY_SECRET}"
    with pytest.raises(StoreError) as refused:
        open_services(url, audit_key_path=tmp_path / "audit.key")
    sentence = str(refused.value)
    assert "127.0.0.1:1/suitcheck" in sentence, sentence  # the store is still named
    assert SECRET not in sentence, sentence
    assert KEY_SECRET not in sentence, sentence


@pytest.mark.postgres
def test_a_store_opened_with_its_password_in_the_query_keeps_it_out_of_names_and_keyring(
    tmp_path: Path, clock: Clock
) -> None:
    target = postgres_target(migrated=True) + f"?password={SECRET}"  # the test server takes any password
    key = tmp_path / "audit.key"
    services = open_services(target, audit_key_path=key, clock=clock, hasher=FAST_HASHER, init=True)
    try:
        shown = [services.store.display_name, services.audit.key_info()["store"]]
    finally:
        services.close()
    assert all(SECRET not in name and "password=***" in name for name in shown), shown
    written = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert SECRET.encode() not in written
    # A keyring an older build wrote kept the address as typed: the next open drops it.
    ring = json.loads(key.read_text(encoding="utf-8"))
    (store_id,) = set(ring["locations"].values())
    ring["locations"][target] = store_id
    ring["stores"][store_id]["location"] = target
    key.write_text(json.dumps(ring), encoding="utf-8")
    open_services(target, audit_key_path=key, clock=clock, hasher=FAST_HASHER).close()
    assert SECRET not in key.read_text(encoding="utf-8")


@pytest.mark.postgres
def test_demo_on_a_store_that_is_no_demo_keeps_its_password_unsaid(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`suitcheck demo --db URL` naming the firm's real store: refused, naming the store
    as every other sentence does (it echoed the address typed, password and all)."""
    base = make_url(postgres_target(migrated=True))
    target = base.set(password=SECRET).render_as_string(hide_password=False)  # any password is taken
    key = tmp_path / "audit.key"
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key))
    services = open_services(target, audit_key_path=key, clock=clock, hasher=FAST_HASHER, init=True)
    try:
        staff(services, Role.ADMIN)
    finally:
        services.close()
    assert main(["demo", "--db", target]) == 2
    said = capsys.readouterr().err
    assert "is not a demo store" in said, said
    assert SECRET not in said, said
    assert f"{base.host}:{base.port}/{base.database}" in said, said  # the store is still named


def test_a_nul_byte_in_a_client_reference_names_no_client_and_the_batch_goes_on(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path
) -> None:
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    client = add_client(services, compliance, "880099", RiskProfile.C3)
    done = list(services.access.check_pairs(advisor, [("8800\x0099", str(report)), ("880099", str(report))]))
    (_, first), (_, second) = done
    assert isinstance(first, NotFound), first
    assert "8800\\x0099" in str(first)  # shown escaped, as every reference is
    assert isinstance(second, CheckResult)
    assert (second.investor_id, second.decision.outcome) == (client, Outcome.ALLOW)
    with pytest.raises(NotFound):
        services.investors.get(advisor, "\x00880099")


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n", "\t", "\x00", "\x1b[A"])
def test_a_new_password_holding_a_control_character_is_refused(sqlite_services: Services, end: str) -> None:
    chosen = "Tr0ub4dor&horse" + end
    root = staff(sqlite_services, Role.ADMIN, "t-root")
    with pytest.raises(InvalidInput) as refused:
        sqlite_services.auth.create_staff(root, "t-new", chosen, Role.ADVISOR)
    assert "control character" in str(refused.value)
    assert password_problem(chosen, "t-new", frozenset()) is PasswordProblem.CONTROL
    assert password_problem("Tr0ub4dor&horse", "t-new", frozenset()) is None


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig", "utf-8"])
def test_a_pairs_file_excel_saved_on_a_chinese_desk_is_read(tmp_path: Path, encoding: str) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes("客户,报告\r\n880001,12\r\n\r\n８８０００２ , #7\r\n".encode(encoding))
    assert _read_pairs(pairs) == [(2, "880001", "12"), (4, "８８０００２", "#7")]


def test_a_pairs_file_holding_a_nul_byte_is_refused_before_anything(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes(b"880001,1\n8800\x0002,1\n")
    with pytest.raises(InvalidInput) as refused:
        _read_pairs(pairs)
    assert (
        str(refused.value)
        == f"{pairs} cannot be read as a CSV file of client,report pairs: The file is binary data, not text."
    )


def test_an_export_to_a_folder_or_nowhere_is_bad_input(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    monkeypatch.chdir(tmp_path)
    for out in (Path("."), Path("/"), Path(".."), tmp_path, tmp_path / "missing" / "trail.csv"):
        with pytest.raises(InvalidInput) as refused:
            sqlite_services.audit.export(compliance, out, "csv")
        assert "folder" in str(refused.value), (out, refused.value)
    assert not list(tmp_path.glob("**/*manifest*"))
    assert not (tmp_path / "missing").exists()


def test_a_self_inspection_of_a_trail_that_fails_verification_exits_4(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    with closing(sqlite3.connect(sqlite_target, isolation_level=None)) as conn:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET staff = 'nobody' WHERE seq = 3")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    out = tmp_path / "inspection.pdf"
    argv = ["inspection", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out)]
    code = main([*argv, "--user", "t-compliance", "--db", sqlite_target])
    shown = capsys.readouterr()
    assert code == 4, (shown.out, shown.err)
    assert out.is_file()  # written all the same, for investigation, and it says so
    assert "CHAIN VERIFICATION FAILED" in shown.out
    assert shown.err.startswith("suitcheck: The audit trail fails verification"), shown.err
    assert shown.err.count("\n") == 1


def test_a_second_ctrl_c_between_a_check_and_its_result_says_so(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    report = import_text_report(sqlite_services, compliance, tmp_path, level="中风险")
    add_client(sqlite_services, compliance, "880099", RiskProfile.C3)
    pairs, out = tmp_path / "pairs.csv", tmp_path / "results.jsonl"
    pairs.write_text(f"880099,{report}\n" * 4, encoding="utf-8")
    real = cli._Results.write

    def write(self: cli._Results, record: dict[str, object], recorded: bool | None) -> None:
        if self.written == 1:  # the second check is recorded; Ctrl+C twice before its result
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        real(self, record, recorded)

    monkeypatch.setattr(cli._Results, "write", write)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--user", "t-compliance", "--db", sqlite_target])
    err = capsys.readouterr().err
    assert code == 130
    with closing(sqlite3.connect(sqlite_target)) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'check'").fetchone()[0] == 2
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1  # one result written
    assert err == (
        "suitcheck: interrupted at once. The batch stopped at line 2, whose check may be recorded (look in the "
        f"audit trail) but is not in {out}: the result of the 1 pair before it is there, its check recorded; "
        "the 2 pairs after it were not checked.\n"
    )


class _FullDisk(io.StringIO):
    """stdout redirected to a file on a full disk."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_an_output_the_disk_has_no_room_for_is_one_sentence(
    sqlite_target: str,
    sqlite_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    user = ["--user", "t-compliance", "--db", sqlite_target]
    for argv in (
        ["report", "list", *user],
        ["--json", "investor", "list", *user],
        ["audit", "replay", "--since", "2026-01-01", *user],
        ["--version"],
    ):
        capsys.readouterr()
        with monkeypatch.context() as full:
            full.setattr(sys, "stdout", _FullDisk())
            code = main(argv)
        err = capsys.readouterr().err
        assert code == 1, argv
        assert err == "suitcheck: Cannot write the output: No space left on device.\n", (argv, err)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_batch_results_on_stdout_are_json_lines_only(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    as_json: bool,
) -> None:
    staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("client,report\n880001,1\n880002,2\n", encoding="utf-8")  # no such clients: 2 results
    stdout = tmp_path / "stdout"  # as /dev/stdout is: a link to the process's descriptor 1
    stdout.symlink_to(f"/proc/self/fd/{sys.stdout.fileno()}")
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    argv = ["check", "--batch", str(pairs), "--out", str(stdout), "--user", "t-compliance", "--db", sqlite_target]
    code = main(["--json", *argv] if as_json else argv)
    shown = capfd.readouterr()
    assert code == 1  # two pairs not checked
    assert stdout.is_symlink()
    assert [json.loads(line)["line"] for line in shown.out.splitlines()] == [2, 3]
    assert "2 checks:" in shown.err


def test_a_list_to_this_process_stdout_is_refused_and_the_link_kept(
    sqlite_services: Services, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    stdout = tmp_path / "stdout"  # as /dev/stdout is, with stdout redirected to a file
    stdout.symlink_to(f"/proc/self/fd/{sys.stdout.fileno()}")
    with pytest.raises(InvalidInput) as refused:
        sqlite_services.reminders.write(compliance, stdout)
    assert "standard output" in str(refused.value)
    assert stdout.is_symlink()
    assert capfd.readouterr().out == ""


def test_an_unexpected_error_without_a_log_file_says_so(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(blocked / "log"))  # no folder can be made under a file

    def broken(*_args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "report", broken)
    code = main(["report", "list", "--db", sqlite_target])
    err = capsys.readouterr().err
    assert code == 1
    assert "None" not in err, err
    assert err == "suitcheck: unexpected error (RuntimeError); no log file could be written for its details.\n"


def test_a_batch_whose_results_file_another_batch_replaced_stops_and_says_so(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    report = import_text_report(sqlite_services, compliance, tmp_path, level="中风险")
    add_client(sqlite_services, compliance, "880099", RiskProfile.C3)
    pairs, out = tmp_path / "pairs.csv", tmp_path / "results.jsonl"
    pairs.write_text(f"880099,{report}\n" * 4, encoding="utf-8")
    real = cli._Results.write

    def write(self: cli._Results, record: dict[str, object], recorded: bool | None) -> None:
        if self.written == 2:  # the next run's first result takes the file's place
            other = tmp_path / "other.jsonl"
            other.write_text('{"line": 1}\n', encoding="utf-8")
            os.replace(other, out)
        real(self, record, recorded)

    monkeypatch.setattr(cli._Results, "write", write)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--user", "t-compliance", "--db", sqlite_target])
    err = capsys.readouterr().err
    with closing(sqlite3.connect(sqlite_target)) as conn:
        checks = [r[0] for r in conn.execute("SELECT seq FROM audit_entry WHERE action = 'check' ORDER BY seq")]
    assert code == 1
    assert len(checks) == 3  # the third check was recorded before its result found the file gone
    assert out.read_text(encoding="utf-8") == '{"line": 1}\n'  # the other run's
    assert err == (
        f"suitcheck: {out} was replaced or removed while this batch wrote it (by another batch given the same "
        f"--out?): the results of the 2 pairs before line 3 went with it, each check recorded (audit entries "
        f"{checks[0]} to {checks[1]}), and the check of line 3 is recorded (audit entry {checks[2]}) but in no "
        "file. The 1 pair after it was not checked.\n"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "postgresql:/clerk:s3cret@db.branch/suitcheck",
        "postgres:clerk:s3cret@db",
        "SQLITE:x.db",
        # libpq's keyword form (as psql takes it): taken for a file name too
        "host=db.branch dbname=suitcheck user=clerk password=s3cret",
        "dbname=suitcheck sslpassword = s3cret",
    ],
)
def test_a_store_url_mistyped_without_its_slashes_is_not_echoed_as_a_file(typed: str) -> None:
    """Was BROKE: `--db postgresql:/clerk:s3cret@host/db` (one slash) was taken for a file
    name and echoed whole, password and all: "There is no store at .../postgresql:/clerk:
    s3cret@host/db". A database scheme without its // is a mistyped URL."""
    from suitcheck.store.engine import StoreError, resolve_url

    with pytest.raises(StoreError) as refused:
        resolve_url(typed)
    assert "s3cret" not in str(refused.value)
    assert "postgresql://USER@HOST/DATABASE" in str(refused.value)
    assert resolve_url("C:x.db").get_backend_name() == "sqlite"  # a drive letter is no scheme


def _file_id(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _held_open(path: Path) -> bool:
    """Whether this process holds `path` open: one of its descriptors is that file (by
    device and inode, which os.fstat gives on every platform; no /proc needed)."""
    want = _file_id(os.stat(path))
    for fd in range(3, 4096):
        with contextlib.suppress(OSError):
            if _file_id(os.fstat(fd)) == want:
                return True
    return False


def _replace_as_windows_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.replace refusing a file this process holds open, as Windows does (Python opens
    files without FILE_SHARE_DELETE, so MoveFileEx fails with a sharing violation)."""
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kw: object) -> None:
        if _held_open(Path(src)):
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        real(src, dst, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)


def test_a_batch_puts_its_results_file_in_place_where_an_open_file_cannot_be_renamed(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: the results file was renamed into place while still open, which Windows
    refuses: every batch to a file on a Windows desk stopped at its first result ("Cannot
    write ...: the check of line 1 is recorded but not in it")."""
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    report = import_text_report(sqlite_services, compliance, tmp_path, level="中风险")
    add_client(sqlite_services, compliance, "880099", RiskProfile.C3)
    pairs, out = tmp_path / "pairs.csv", tmp_path / "results.jsonl"
    pairs.write_text(f"880099,{report}\n" * 3, encoding="utf-8")
    out.write_text('{"line": 1, "earlier": true}\n', encoding="utf-8")  # an earlier batch's, replaced
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    _replace_as_windows_does(monkeypatch)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--user", "t-compliance", "--db", sqlite_target])
    err = capsys.readouterr().err
    assert code == 0, err
    assert [json.loads(line)["line"] for line in out.read_text(encoding="utf-8").splitlines()] == [1, 2, 3]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".results")] == []  # no file left beside it
    pairs.write_text("client,report\n", encoding="utf-8")  # no pair: the file is put in place at the end
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--user", "t-compliance", "--db", sqlite_target])
    assert code == 0, capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == ""


def test_a_results_file_replaced_as_it_takes_its_place_is_left_alone(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Another batch's file put in the target's place just after this one's first result
    took it: the results file is then opened again by its name, and that file is not
    written to; the sentence names the first pair's check, recorded but in no file."""
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    report = import_text_report(sqlite_services, compliance, tmp_path, level="中风险")
    add_client(sqlite_services, compliance, "880099", RiskProfile.C3)
    pairs, out = tmp_path / "pairs.csv", tmp_path / "results.jsonl"
    pairs.write_text(f"880099,{report}\n" * 3, encoding="utf-8")
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kw: object) -> None:
        real(src, dst, **kw)  # type: ignore[arg-type]
        if Path(dst) == out:
            other = tmp_path / "other.jsonl"
            other.write_text('{"line": 1}\n', encoding="utf-8")
            real(other, out)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--user", "t-compliance", "--db", sqlite_target])
    err = capsys.readouterr().err
    with closing(sqlite3.connect(sqlite_target)) as conn:
        checks = [r[0] for r in conn.execute("SELECT seq FROM audit_entry WHERE action = 'check' ORDER BY seq")]
    assert code == 1
    assert out.read_text(encoding="utf-8") == '{"line": 1}\n'  # the other's, not written to
    assert err == (
        f"suitcheck: {out} was replaced or removed while this batch wrote it (by another batch given the same "
        f"--out?): the check of line 1 is recorded (audit entry {checks[0]}) but in no file. "
        "The 2 pairs after it were not checked.\n"
    )


def test_a_second_ctrl_c_as_the_results_file_takes_its_place_says_where_it_stopped(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A second Ctrl+C while the first result's file is closed to be put in place: the
    sentence of where the batch stopped, the earlier results file kept (not an
    "unexpected error" from cutting back a file no longer open)."""
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    report = import_text_report(sqlite_services, compliance, tmp_path, level="中风险")
    add_client(sqlite_services, compliance, "880099", RiskProfile.C3)
    pairs, out = tmp_path / "pairs.csv", tmp_path / "results.jsonl"
    pairs.write_text(f"880099,{report}\n" * 3, encoding="utf-8")
    out.write_text('{"line": 1, "earlier": true}\n', encoding="utf-8")
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kw: object) -> None:
        if Path(dst) == out:
            raise KeyboardInterrupt
        real(src, dst, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code = main(["check", "--batch", str(pairs), "--out", str(out), "--user", "t-compliance", "--db", sqlite_target])
    err = capsys.readouterr().err
    assert code == 130, err
    assert out.read_text(encoding="utf-8") == '{"line": 1, "earlier": true}\n'
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".results")] == []
    assert err == (
        "suitcheck: interrupted at once. The batch stopped at line 1, whose check may be recorded (look in the "
        f"audit trail) but is not in {out}: nothing was written there; the 2 pairs after it were not checked.\n"
    )


def _folders_synced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The folders (device, inode) whose entries os.fsync made durable (a rename is in its
    folder's entry)."""
    synced: list[tuple[int, int]] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        real(fd)
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                synced.append(_file_id(st))

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


def test_a_results_file_and_a_list_survive_a_power_cut_in_their_place(
    sqlite_target: str,
    sqlite_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: a batch's results file and a written list were renamed into place and
    their folder never synced: after a power cut the folder could name the earlier file
    (or none), while the checks and the list stayed recorded in the trail."""
    compliance = staff(sqlite_services, Role.COMPLIANCE, "t-compliance")
    folder = tmp_path / "out"
    folder.mkdir()
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("880001,1\n", encoding="utf-8")
    synced = _folders_synced(monkeypatch)
    sqlite_services.reminders.write(compliance, folder / "reminders.csv")
    assert synced == [_file_id(os.stat(folder))]
    synced.clear()
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    argv = ["check", "--batch", str(pairs), "--out", str(folder / "results.jsonl")]
    assert main([*argv, "--user", "t-compliance", "--db", sqlite_target]) == 1, capsys.readouterr().err
    assert _file_id(os.stat(folder)) in synced


def test_where_a_batch_cut_short_stopped_counts_its_pairs_right(tmp_path: Path) -> None:
    """Was BROKE: a result the disk took no more of, at line 1 of three, said "The batch
    stopped at line 2: the results of the 0 pairs before it are in X" (line 1 is before
    it, recorded and not there); one pair left was "the 1 pairs ... were not checked"."""
    out = tmp_path / "results.jsonl"
    results = cli._Results(out, [(1, "a", "1"), (2, "b", "2"), (3, "c", "3")])
    try:
        assert results.stopped(1) == (
            f"The batch stopped at line 2: no result of this batch is in {out}; the 2 pairs from that line on were "
            "not checked."
        )
        results.written = 1
        assert results.stopped(2) == (
            f"The batch stopped at line 3: the result of the 1 pair before line 2 is in {out}, its check "
            "recorded; the 1 pair from that line on was not checked."
        )
        results.written = 2
        assert results.stopped() == (
            f"The batch stopped at line 3: the results of the 2 pairs before it are in {out}, each check among "
            "them recorded; the 1 pair from that line on was not checked."
        )
    finally:
        results.close()
