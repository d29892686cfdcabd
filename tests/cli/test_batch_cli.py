"""check --batch as an administrator's script runs it: cut short by Ctrl+C or a scheduler's
SIGTERM, stopped by the store or by an account disabled meanwhile, pointed at the wrong
file. A results file never claims a check that was not recorded, no recorded check is
missing from it without the batch saying so, and a refused run keeps an earlier file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli import ROOT, assert_clean_error, report_id, run
from tests.cli.test_cli import demo_db as demo_db
from tests.cli.test_cli import demo_env as demo_env
from tests.cli.test_cli import seeded_demo as seeded_demo

ACCOUNTS = [f"8800{n:02d}" for n in range(1, 13)]


def _pairs(path: Path, count: int, report: str) -> Path:
    path.write_text("".join(f"{ACCOUNTS[n % 12]},{report}\n" for n in range(count)), encoding="utf-8")
    return path


def _newest(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT max(seq) FROM audit_entry").fetchone()[0])


def _checks_since(db: Path, seq: int) -> list[int]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT seq FROM audit_entry WHERE action = 'check' AND seq > ? ORDER BY seq", (seq,))
        return [r[0] for r in rows]


def _start_batch(db: Path, pairs: Path, out: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITCHECK_") or k.endswith(("_KEY", "_LOG_DIR"))}
    env["SUITCHECK_PASSWORD"] = "demo"
    cmd = [sys.executable, "-m", "suitcheck", "check", "--batch", str(pairs), "--out", str(out)]
    cmd += ["--user", "demo-advisor", "--db", str(db)]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_lines(out: Path, count: int, batch: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and batch.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the batch wrote fewer than {count} results: {batch.poll()}")


def _results(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"])
def test_an_interrupted_batch_writes_every_check_it_recorded_and_says_where_it_stopped(
    demo_env: Path,
    tmp_path: Path,
    sig: signal.Signals,
    status: int,
) -> None:
    """Ctrl+C mostly lands just after a check's commit (the commit's fsync is where the time
    goes): the check was recorded, KeyboardInterrupt came before its result was written, and
    the batch said only 'interrupted.'. SIGTERM (a scheduler's timeout) ended the process
    with no word. Now the batch stops after the check under way, its result written."""
    pairs = _pairs(tmp_path / "pairs.csv", 30_000, report_id(demo_env, "创业板"))
    for attempt in range(3):
        out = tmp_path / f"results-{attempt}.jsonl"
        before = _newest(demo_env)
        batch = _start_batch(demo_env, pairs, out)
        _wait_for_lines(out, 50 * (attempt + 1), batch)
        batch.send_signal(sig)
        stdout, stderr = batch.communicate(timeout=60)
        result = subprocess.CompletedProcess(batch.args, batch.returncode, stdout, stderr)
        assert_clean_error(result, status)
        results = _results(out)
        recorded = _checks_since(demo_env, before)
        assert [r["audit_id"] for r in results] == recorded  # nothing claimed, nothing missing
        assert [r["line"] for r in results] == list(range(1, len(results) + 1))
        done = len(results)
        assert stderr.strip() == (
            f"suitcheck: interrupted. The batch stopped at line {done + 1}: the results of the {done} pairs before "
            f"it are in {out}, each check among them recorded; the {30_000 - done} pairs from that line on were "
            "not checked."
        )


def test_a_batch_stopped_by_a_disabled_account_says_what_it_did(demo_env: Path, tmp_path: Path) -> None:
    """The sentence said 'nothing was done' while thousands of checks were recorded and
    written, and not that the rest of the file was never checked."""
    pairs = _pairs(tmp_path / "pairs.csv", 30_000, report_id(demo_env, "创业板"))
    out = tmp_path / "results.jsonl"
    before = _newest(demo_env)
    batch = _start_batch(demo_env, pairs, out)
    _wait_for_lines(out, 50, batch)
    disabled = run("staff", "disable", "demo-advisor", "--user", "demo-admin", db=demo_env)
    assert disabled.returncode == 0, disabled.stderr
    stdout, stderr = batch.communicate(timeout=60)
    assert_clean_error(subprocess.CompletedProcess(batch.args, batch.returncode, stdout, stderr), 1)
    results = _results(out)
    assert [r["audit_id"] for r in results] == _checks_since(demo_env, before)
    done = len(results)
    assert stderr.strip().endswith(
        f"The batch stopped at line {done + 1}: the results of the {done} pairs before it are in {out}, each check "
        f"among them recorded; the {30_000 - done} pairs from that line on were not checked."
    )
    assert "disabled" in stderr


def test_a_batch_refused_before_its_first_check_keeps_the_earlier_results(
    demo_env: Path,
    tmp_path: Path,
) -> None:
    """The results file was emptied when the batch began: a store that refuses every check
    (here a policy version inserted in SQL) left yesterday's results file empty."""
    pairs = _pairs(tmp_path / "pairs.csv", 3, report_id(demo_env, "创业板"))
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "results.jsonl"
    assert run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env).returncode == 0
    earlier = out.read_bytes()
    with closing(sqlite3.connect(demo_env)) as conn, conn:
        conn.execute(
            "INSERT INTO policy (version, document, created_at) SELECT version + 1, document, created_at FROM policy "
            "WHERE version = (SELECT max(version) FROM policy)"
        )
    refused = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert_clean_error(refused, 1)
    assert "was not written by suitcheck" in refused.stderr
    assert out.read_bytes() == earlier
    assert [p.name for p in folder.iterdir()] == ["results.jsonl"]  # no temporary file left


def test_results_never_take_the_place_of_the_pairs_or_the_store(demo_env: Path, tmp_path: Path) -> None:
    """--out naming the pairs file replaced the pairs with the results (the next run of the
    same script then read JSON as pairs); --out naming the store emptied it."""
    pairs = _pairs(tmp_path / "pairs.csv", 2, report_id(demo_env, "创业板"))
    content = pairs.read_bytes()
    link = tmp_path / "results.jsonl"
    link.symlink_to(pairs)
    before = _newest(demo_env)
    for target, sentence in (
        (pairs, f"{pairs} is the file this command reads"),
        (link, f"{link} is the file this command reads"),
        (demo_env, f"{demo_env} is a file of the suitcheck store itself"),
    ):
        refused = run("check", "--batch", str(pairs), "--out", str(target), "--user", "demo-advisor", db=demo_env)
        assert_clean_error(refused, 2)
        assert refused.stderr.startswith(f"suitcheck: {sentence}; nothing was written."), refused.stderr
    assert pairs.read_bytes() == content
    assert _newest(demo_env) == before  # nothing checked


def test_a_pair_after_a_quoted_line_break_is_named_by_its_own_line(demo_env: Path, tmp_path: Path) -> None:
    """'line' counted CSV records, not lines: after a cell holding a line break every result
    named the line before its own."""
    r4 = report_id(demo_env, "创业板")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f'"880\n001",{r4}\n880002,{r4}\n\n"88,0003",{r4}\n880004,{r4}\n', encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 1, result.stderr  # two cells name nobody
    assert [(r["line"], r.get("investor")) for r in _results(out)] == [(1, "880\n001"), (3, 2), (5, "88,0003"), (6, 4)]


def test_an_id_number_typed_as_a_client_is_masked_in_the_results(demo_env: Path, tmp_path: Path) -> None:
    """Was BROKE: a pair naming the client by a resident ID number (no reference finds
    anyone by it) gave an error whose sentence masked the number, but the results file's
    investor field repeated it whole: a file written for a batch, kept and passed on."""
    r4 = report_id(demo_env, "创业板")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"110105198107021012,{r4}\n880002,{r4}\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 1, result.stderr
    first, second = _results(out)
    assert first["investor"] == "110105********1012"
    assert "198107021012" not in out.read_text(encoding="utf-8")
    assert second["investor"] == 2


def _client_id(db: Path, account: str) -> int:
    shown = run("investor", "show", account, "--json", "--user", "demo-advisor", db=db)
    assert shown.returncode == 0, shown.stderr
    return int(json.loads(shown.stdout)["id"])


@pytest.mark.parametrize("header", ["report,investor", "报告,客户", "Report ID,Client account"])
def test_a_header_naming_the_report_first_is_read_by_its_names(demo_env: Path, tmp_path: Path, header: str) -> None:
    """Was BROKE: a pairs file headed report,investor (another system's export) had its
    header skipped and its rows read as client,report: the C1 client's request for the R4
    report (blocked) was checked, recorded and answered as the C3 client (the report's id as
    a client id) reading the R3 report (the client's id as a report id): "allow" on the line
    that asked for the blocked pair."""
    r4 = report_id(demo_env, "创业板")
    c1 = _client_id(demo_env, "880001")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"{header}\n{r4},{c1}\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 0, result.stderr
    [only] = _results(out)
    assert (only["line"], only["investor"], only["report"]) == (2, c1, int(r4))
    assert only["decision"] == "block"
    assert "profile-below-level" in only["reasons"]  # type: ignore[operator]


@pytest.mark.parametrize("header", ["report,report_date", "报告,报告", "note,客户", "client,account"])
def test_a_header_that_does_not_name_a_client_then_a_report_is_refused(
    demo_env: Path, tmp_path: Path, header: str
) -> None:
    """A header whose columns cannot be read as a client and a report (a report named first
    and no client, two clients) is refused before anything is checked, rather than read by
    position as client,report against what it says."""
    r4 = report_id(demo_env, "创业板")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"{header}\n{r4},1\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    before = _newest(demo_env)
    result = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert_clean_error(result, 2)
    assert "line 1" in result.stderr
    assert _newest(demo_env) == before  # nothing checked or recorded
    assert not out.exists()


def test_a_header_below_blank_lines_is_read_and_a_second_header_is_refused(demo_env: Path, tmp_path: Path) -> None:
    """Was BROKE: the header was looked for on line 1 only. Below blank lines a
    report,investor header was taken for a pair (an error line) and the rows under it read
    as client,report (another client and report checked and recorded); a second header
    below the first (two files joined, the second in the other order) likewise."""
    r4 = report_id(demo_env, "创业板")
    c1 = _client_id(demo_env, "880001")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"\n,\nreport,investor\n{r4},{c1}\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 0, result.stderr
    [only] = _results(out)
    assert (only["line"], only["investor"], only["report"], only["decision"]) == (4, c1, int(r4), "block")
    joined = tmp_path / "joined.csv"
    joined.write_text(f"client,report\n{c1},{r4}\n报告,客户\n{r4},{c1}\n", encoding="utf-8")
    before = _newest(demo_env)
    refused = run(
        "check", "--batch", str(joined), "--out", str(tmp_path / "j.jsonl"), "--user", "demo-advisor", db=demo_env
    )
    assert_clean_error(refused, 2)
    assert "line 3" in refused.stderr
    assert _newest(demo_env) == before


def test_a_first_pair_whose_account_holds_a_column_word_is_checked(demo_env: Path, tmp_path: Path) -> None:
    """A first row is a header by the old rule only (a client column's name, or a report
    cell without a digit): a client whose account holds "client" or "report" on the first
    line is a pair, checked and answered, never skipped as a header."""
    added = run(
        "investor", "add", "--account", "client01", "--name", "甲", "--profile", "C1", "--assessed", "2026-01-05",
        "--user", "demo-compliance", db=demo_env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    r4 = report_id(demo_env, "创业板")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"client01,{r4}\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 0, result.stderr
    [only] = _results(out)
    assert (only["line"], only["decision"]) == (1, "block")
