"""The public contract: commands, JSON shapes, exit codes, one-sentence errors."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from suitcheck.services import Services
from tests.conftest import copy_keyring
from tests.fixtures import report_text

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str,
    db: Path | str | None = None,
    password: str | None = "demo",
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SUITCHECK_") or k in ("SUITCHECK_AUDIT_KEY", "SUITCHECK_LOG_DIR")
    }
    if password is not None:
        full_env["SUITCHECK_PASSWORD"] = password
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "suitcheck", *args]
    if db is not None:
        cmd += ["--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, env=full_env, cwd=ROOT, timeout=120)


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("suitcheck: "), result.stderr


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store made by the CLI (init, then seed-demo), never used itself: each test
    gets a copy (demo_db)."""
    db = tmp_path_factory.mktemp("cli-seeded") / "demo.db"
    env = {"SUITCHECK_AUDIT_KEY": str(db.parent / "audit.key"), "SUITCHECK_LOG_DIR": str(db.parent / "log")}
    result = run("init", db=db, password=None, env=env)
    assert result.returncode == 0, result.stderr
    result = run("seed-demo", db=db, password=None, env=env)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def demo_db(seeded_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store of its own per test, with its own keyring and head records beside it:
    a copy of the seeded store and of its key folder (what a backup holds). A store and its
    keyring's head move together, and a test that forks a copy must never leave the next
    test a store its head disowns. (Seeding each test's store anew cost about 2.4 s a test.)"""
    folder = tmp_path_factory.mktemp("cli")
    for path in seeded_demo.parent.glob(seeded_demo.name + "*"):  # the file, and a WAL if one is left
        shutil.copy(path, folder / path.name)
    copy_keyring(seeded_demo.parent / "audit.key", folder)
    return folder / seeded_demo.name


@pytest.fixture
def demo_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(demo_db.parent / "audit.key"))
    monkeypatch.setenv("SUITCHECK_LOG_DIR", str(demo_db.parent / "log"))
    return demo_db


def report_id(db: Path, title_part: str) -> str:
    result = run("report", "list", "--json", "--user", "demo-advisor", db=db)
    assert result.returncode == 0, result.stderr
    return str(next(r["id"] for r in json.loads(result.stdout) if title_part in r["title"]))


def test_check_json_contract_and_exit_codes(demo_env: Path) -> None:
    r4 = report_id(demo_env, "创业板")
    allowed = run("check", "--investor", "880005", "--report", r4, "--json", "--user", "demo-advisor", db=demo_env)
    assert allowed.returncode == 0, allowed.stderr
    data = json.loads(allowed.stdout)
    assert {"decision", "reasons", "investor", "report", "profile", "level", "audit_id", "entry_hash"} <= set(data)
    assert (data["decision"], data["profile"], data["level"]) == ("allow", "C5", "R4")
    assert data["report"] == int(r4)
    assert isinstance(data["audit_id"], int)
    assert len(data["entry_hash"]) == 64

    blocked = run("check", "--investor", "880003", "--report", r4, "--json", "--user", "demo-advisor", db=demo_env)
    assert blocked.returncode == 3
    assert json.loads(blocked.stdout)["reasons"] == ["profile-below-level"]


def test_unknown_client_or_report_exits_2(demo_env: Path) -> None:
    assert_clean_error(run("check", "--investor", "nope", "--report", "1", "--user", "demo-advisor", db=demo_env), 2)
    assert_clean_error(
        run("check", "--investor", "880001", "--report", "424242", "--user", "demo-advisor", db=demo_env), 2
    )


def test_wrong_password_and_missing_user(demo_env: Path) -> None:
    assert_clean_error(run("investor", "list", "--user", "demo-advisor", db=demo_env, password="nope"), 1)
    assert_clean_error(run("investor", "list", db=demo_env), 2)
    assert_clean_error(run("investor", "list", "--user", "demo-advisor", db=demo_env, password=None), 2)


def test_investor_json_shapes(demo_env: Path) -> None:
    listed = json.loads(run("investor", "list", "--json", "--user", "demo-advisor", db=demo_env).stdout)
    assert len(listed) == 12
    one = next(i for i in listed if i["account"] == "880006")
    assert {"id", "account", "name", "class", "profile", "assessed", "assessment_valid"} <= set(one)
    assert one["assessment_valid"] is False
    assert one["profile"] == "C4"
    assert all("********" in i["id_number"] for i in listed if i["id_number"])  # advisors see masked numbers


def test_investor_add_validates_id_numbers(demo_env: Path) -> None:
    result = run(
        "investor",
        "add",
        "--account",
        "990001",
        "--name",
        "测试",
        "--id-number",
        "110105196108090312",
        "--user",
        "demo-compliance",
        db=demo_env,
    )
    assert_clean_error(result, 2)
    assert "check character" in result.stderr
    ok = run(
        "investor",
        "add",
        "--account",
        "990002",
        "--name",
        "测试二",
        "--profile",
        "稳健型",
        "--assessed",
        "2026-01-05",
        "--json",
        "--user",
        "demo-compliance",
        db=demo_env,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["profile"] == "C3"


def test_advisor_cannot_add_clients(demo_env: Path) -> None:
    result = run("investor", "add", "--account", "990003", "--name", "x", "--user", "demo-advisor", db=demo_env)
    assert_clean_error(result, 1)
    assert "may not" in result.stderr


def test_batch_checks_equal_single_checks(demo_env: Path, tmp_path: Path) -> None:
    """One login, every pair checked and recorded as a single check would be; a pair that
    cannot be checked is reported on its line and the batch goes on."""
    r4 = report_id(demo_env, "创业板")
    clients = json.loads(run("investor", "list", "--json", "--user", "demo-advisor", db=demo_env).stdout)
    accounts = [c["account"] for c in clients[:6]]
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "investor,report\n" + "".join(f"{a},{r4}\n" for a in accounts) + "\nnobody,1\n" + f"{accounts[0]},99999\n",
        encoding="utf-8",
    )
    db = tmp_path / "copy.db"
    with sqlite3.connect(demo_env) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM audit_entry").fetchone()[0]
    out = tmp_path / "results.jsonl"
    env = {"SUITCHECK_AUDIT_KEY": str(copy_keyring(demo_env.parent / "audit.key", tmp_path / "key"))}  # a fork
    result = run("check", "--batch", str(pairs), "--out", str(out), "--json", "--user", "demo-advisor", db=db, env=env)
    assert result.returncode == 1, result.stderr  # two lines could not be checked
    summary = json.loads(result.stdout)
    assert summary["checks"] == 8
    assert summary["error"] == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in lines] == [2, 3, 4, 5, 6, 7, 9, 10]
    assert "nobody" in lines[6]["error"]
    assert "99999" in lines[7]["error"]
    after = sqlite3.connect(db).execute("SELECT count(*) FROM audit_entry").fetchone()[0]
    checks = sqlite3.connect(db).execute("SELECT count(*) FROM audit_entry WHERE action = 'check'").fetchone()[0]
    assert after - before >= 6
    assert checks >= 6
    allowed = next(r for r in lines if r.get("decision") == "allow")
    blocked = next(r for r in lines if r.get("decision") == "block")
    for batch in (allowed, blocked):
        single = run(
            "check", "--investor", str(batch["investor"]), "--report", r4, "--json", "--user", "demo-advisor", db=db
        )
        expected = json.loads(single.stdout)
        assert single.returncode == (0 if expected["decision"] == "allow" else 3)
        for key in ("decision", "reasons", "investor", "report", "profile", "level", "class", "policy_version"):
            assert batch[key] == expected[key], key
        assert batch["audit_id"] < expected["audit_id"]
    assert {r["decision"] for r in lines[:6]} >= {"allow", "block"}
    bad = run("check", "--batch", str(pairs), "--user", "demo-advisor", db=db)
    assert_clean_error(bad, 2)
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00garbage")
    assert_clean_error(run("check", "--batch", str(junk), "--out", str(out), "--user", "demo-advisor", db=db), 2)


def test_eligible_list(demo_env: Path, tmp_path: Path) -> None:
    r4 = report_id(demo_env, "创业板")
    data = json.loads(run("eligible", "--report", r4, "--json", "--user", "demo-advisor", db=demo_env).stdout)
    assert sorted(i["account"] for i in data) == ["880004", "880005", "880011"]
    out = tmp_path / "list.csv"
    result = run("eligible", "--report", r4, "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 0
    assert "3 clients" in result.stdout
    # The file is the --json list, column for column.
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    columns = ["id", "account", "name", "class", "profile", "assessed"]
    assert table == [columns] + [["" if i[c] is None else str(i[c]) for c in columns] for i in data]
    xlsx = tmp_path / "list.xlsx"
    result = run("eligible", "--report", r4, "--out", str(xlsx), "--json", "--user", "demo-advisor", db=demo_env)
    summary = json.loads(result.stdout)
    assert summary["count"] == 3
    assert summary["sha256"] == hashlib.sha256(xlsx.read_bytes()).hexdigest()


def test_the_special_attention_caution_is_shown_on_the_list_and_the_card(demo_env: Path) -> None:
    """Was BROKE: `check` gave the 76-year-old client 880009 the special-attention caution,
    but the distribution list `eligible` printed (and `investor show`, `investor list`) named
    her as any other client: the lines showed the lowest category and a re-assessment due,
    never the caution the decision carries (domain: special attention is not a block, but
    a visible caution)."""
    r1 = report_id(demo_env, "稳增长")
    single = json.loads(
        run("check", "--investor", "880009", "--report", r1, "--json", "--user", "demo-advisor", db=demo_env).stdout
    )
    assert single["decision"] == "allow"
    assert "special-attention-age" in single["reasons"]
    listed = run("eligible", "--report", r1, "--user", "demo-advisor", db=demo_env)
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[1]: line for line in listed.stdout.splitlines() if line.strip()[:1].isdigit()}
    assert "[special attention]" in lines["880009"]
    assert "[special attention]" not in lines["880001"]  # 34: no caution
    shown = run("investor", "show", "880009", "--user", "demo-advisor", db=demo_env)
    assert "[special attention]" in shown.stdout.splitlines()[0]


def test_report_import_json_and_bad_files(demo_env: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(report_text("中风险", "CLI 导入测试报告标题一"), encoding="utf-8")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage garbage")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("report", "import", str(tmp_path), "--json", "--user", "demo-compliance", db=demo_env)
    rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert rows["good.txt"]["status"] == "imported"
    assert rows["good.txt"]["report"]
    assert rows["bad.pdf"]["status"] == "failed"
    assert rows["bad.pdf"]["reason"]
    assert rows["empty.txt"]["status"] == "failed"
    assert result.returncode == 1
    again = run("report", "import", str(tmp_path / "good.txt"), "--json", "--user", "demo-compliance", db=demo_env)
    assert json.loads(again.stdout)[0]["status"] == "duplicate"


def test_search_with_query_syntax_never_errors(demo_env: Path) -> None:
    for term in ['"', "*", "-", "NEAR", 'AI" OR "x', "芯", "AI", "(", "''"]:
        result = run("report", "search", term, "--json", "--user", "demo-advisor", db=demo_env)
        assert result.returncode == 0, (term, result.stderr)
        json.loads(result.stdout)
    hits = json.loads(run("report", "search", "芯片", "--json", "--user", "demo-advisor", db=demo_env).stdout)
    assert any("芯片" in h["title"] for h in hits)


def test_audit_export_and_verify(demo_env: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    result = run("audit", "export", "--format", "jsonl", "--out", str(out), "--user", "demo-compliance", db=demo_env)
    assert result.returncode == 0, result.stderr
    assert run("audit", "verify", str(out), "--user", "demo-compliance", db=demo_env).returncode == 0
    assert run("audit", "verify", "--user", "demo-compliance", db=demo_env).returncode == 0
    out.write_text(out.read_text(encoding="utf-8").replace('"staff":"', '"staff":"x', 1), encoding="utf-8")
    failed = run("audit", "verify", str(out), "--user", "demo-compliance", db=demo_env)
    assert failed.returncode == 4
    assert "FAILED" in failed.stdout


def test_verify_with_earlier_says_the_earlier_export_was_compared(demo_env: Path, tmp_path: Path) -> None:
    """`audit verify LATER --earlier EARLIER` proves EARLIER is a prefix (README); an OK
    verdict must say so, or it reads the same as a verify that never looked at EARLIER."""
    earlier, later = tmp_path / "march.csv", tmp_path / "april.jsonl"
    user = ("--user", "demo-compliance")
    assert run("audit", "export", "--format", "csv", "--out", str(earlier), *user, db=demo_env).returncode == 0
    assert run("check", "--investor", "880003", "--report", "1", *user, db=demo_env).returncode in (0, 3)
    assert run("audit", "export", "--format", "jsonl", "--out", str(later), *user, db=demo_env).returncode == 0
    key = tmp_path / "filed.keys"
    key.write_text(run("audit", "key", "show", db=demo_env).stdout, encoding="utf-8")
    for how in ((*user,), ("--public-key", str(key))):
        result = run("audit", "verify", str(later), "--earlier", str(earlier), *how, db=demo_env)
        assert result.returncode == 0, result.stderr
        assert f"The earlier export {earlier} is a prefix of it" in result.stdout
        as_json = run("audit", "verify", str(later), "--earlier", str(earlier), "--json", *how, db=demo_env)
        data = json.loads(as_json.stdout)
        assert data["ok"]
        assert data["earlier"] == str(earlier)
        assert data["earlier_is_prefix"] is True
    plain = json.loads(run("audit", "verify", str(later), "--json", *user, db=demo_env).stdout)
    assert plain["earlier"] is None
    assert plain["earlier_is_prefix"] is None
    swapped = run("audit", "verify", str(earlier), "--earlier", str(later), "--json", *user, db=demo_env)
    assert swapped.returncode == 4
    assert json.loads(swapped.stdout)["earlier_is_prefix"] is False


def test_verify_tampered_store_exits_4(tmp_path: Path, demo_env: Path) -> None:
    db = tmp_path / "copy.db"
    with sqlite3.connect(demo_env) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("UPDATE audit_entry SET staff = 'nobody' WHERE seq = 3")
    conn.close()
    # A copy of a store is a fork: it gets a copy of the keyring, so the original's head stays its own.
    env = {"SUITCHECK_AUDIT_KEY": str(copy_keyring(demo_env.parent / "audit.key", tmp_path / "key"))}
    result = run("audit", "verify", "--json", "--user", "demo-compliance", db=db, env=env)
    assert result.returncode == 4
    assert json.loads(result.stdout)["bad_seq"] == 3


def test_a_value_no_reader_takes_gives_one_sentence(tmp_path: Path, demo_env: Path) -> None:
    """Was BROKE (a traceback ending in TypeError): client rows edited with the sqlite3 shell
    to hold values of a type suitcheck never writes (an integer in a date column, an account
    held as bytes). `check` blocks each as record-integrity (exit 3), alone and in a batch;
    the list leaves them off; a client page refuses in one sentence (exit 1); `audit verify`
    names the row (exit 4). Never a traceback."""
    r3 = report_id(demo_env, "银行业")
    with closing(sqlite3.connect(demo_env)) as conn:
        conn.execute("UPDATE investor SET current_assessed_on = 20260516 WHERE account = '880005'")
        conn.execute("UPDATE investor SET account = CAST(account AS BLOB) WHERE account = '880004'")
        conn.commit()
    for ref in ("880005", "4"):  # the second by its id: its account is no longer text
        checked = run("check", "--investor", ref, "--report", r3, "--json", "--user", "demo-advisor", db=demo_env)
        assert checked.returncode == 3, checked.stderr
        assert "Traceback" not in checked.stderr
        answer = json.loads(checked.stdout)
        assert (answer["decision"], answer["reasons"]) == ("block", ["record-integrity"])
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"investor,report\n880005,{r3}\n4,{r3}\n880003,{r3}\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    batch = run("check", "--batch", str(pairs), "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert batch.returncode == 0, batch.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["decision"], r["reasons"]) for r in lines[:2]] == [("block", ["record-integrity"])] * 2
    listed = run("eligible", "--report", r3, "--json", "--user", "demo-advisor", db=demo_env)
    assert listed.returncode == 0, listed.stderr
    accounts = {c["account"] for c in json.loads(listed.stdout)}
    assert "880003" in accounts
    assert not accounts & {"880004", "880005"}
    for ref in ("880005", "4"):
        shown = run("investor", "show", ref, "--user", "demo-advisor", db=demo_env)
        assert_clean_error(shown, 1)
        assert "changed outside suitcheck" in shown.stderr
    clients = run("investor", "list", "--json", "--user", "demo-advisor", db=demo_env)  # the list still answers
    assert clients.returncode == 0, clients.stderr
    intact = {c["id"]: c["record_intact"] for c in json.loads(clients.stdout)}
    assert [i for i, ok in intact.items() if not ok] == [4, 5]
    verified = run("audit", "verify", "--user", "demo-compliance", db=demo_env)
    assert verified.returncode == 4, verified.stderr
    assert "Traceback" not in verified.stderr
    assert "record was changed outside suitcheck" in verified.stdout


def test_verify_reads_every_page_of_the_store(tmp_path: Path, demo_env: Path) -> None:
    """Start-up no longer reads every page (that grows with the store); `audit verify` does,
    so a wrecked data page that no command happened to touch still fails verification."""
    db = tmp_path / "copy.db"
    with sqlite3.connect(demo_env) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
        dst.execute("CREATE TABLE filler (x TEXT)")
        dst.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
            "INSERT INTO filler SELECT hex(randomblob(100)) FROM n"
        )
    env = {"SUITCHECK_AUDIT_KEY": str(copy_keyring(demo_env.parent / "audit.key", tmp_path / "key"))}
    good = run("audit", "verify", "--json", "--user", "demo-compliance", db=db, env=env)
    assert good.returncode == 0
    assert json.loads(good.stdout)["store_check"]["ok"] is True
    with sqlite3.connect(db) as conn:  # the verification wrote (its seal): put the WAL back into the file first
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[-8192 : -8192 + 512] = b"\xa5" * 512
    db.write_bytes(bytes(data))
    bad = run("audit", "verify", "--user", "demo-compliance", db=db, env=env)
    assert bad.returncode == 4
    assert "damaged" in bad.stdout
    assert "Traceback" not in bad.stderr


def test_not_a_database_locked_and_missing_folder(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    assert_clean_error(run("investor", "list", "--user", "x", db=garbage), 1)
    locked = tmp_path / "locked.db"
    assert run("init", db=locked).returncode == 0
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("init", db=locked, env={"SUITCHECK_BUSY_TIMEOUT_MS": "300"})
        assert_clean_error(result, 1)
        assert "locked" in result.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("x")
    assert_clean_error(run("init", db=blocker / "x.db"), 1)


def test_init_creates_the_first_admin(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = run("init", "--admin", "boss", "--json", db=db, password="first-password")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["admin"] == "boss"
    again = run("init", "--admin", "other", db=db, password="first-password")
    assert_clean_error(again, 2)
    staff = run("staff", "list", "--json", "--user", "boss", db=db, password="first-password")
    assert [s["username"] for s in json.loads(staff.stdout)] == ["boss"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("init", db=tmp_path / "x.db").returncode == 0  # a store exists: what fails is the usage
    assert run("check", "--investor", "1", db=tmp_path / "x.db").returncode == 2
    assert run("no-such-command").returncode == 2


def test_version_lists_libraries() -> None:
    out = run("--version").stdout
    for name in ("suitcheck", "SQLAlchemy", "SQLite", "PySide6", "Qt"):
        assert name in out


def test_lowest_category_professional_is_refused_by_the_cli(demo_env: Path) -> None:
    """The hostile user's first try: `investor add --class professional --lowest-category`."""
    user = ("--user", "demo-compliance")
    added = run(
        "investor",
        "add",
        "--account",
        "LCP1",
        "--name",
        "试探",
        "--class",
        "professional",
        "--lowest-category",
        *user,
        db=demo_env,
    )
    assert_clean_error(added, 2)
    assert "lowest risk-tolerance category cannot be a professional" in added.stderr
    c4 = run(
        "investor",
        "add",
        "--account",
        "LCP2",
        "--name",
        "试探",
        "--profile",
        "C4",
        "--assessed",
        "2025-01-02",
        "--lowest-category",
        *user,
        db=demo_env,
    )
    assert_clean_error(c4, 2)
    assert "has risk profile C1, not C4" in c4.stderr
    ok = run(
        "investor",
        "add",
        "--account",
        "LCP3",
        "--name",
        "试探",
        "--profile",
        "C1",
        "--assessed",
        "2025-01-02",
        "--lowest-category",
        *user,
        db=demo_env,
    )
    assert ok.returncode == 0, ok.stderr
    edit = run("investor", "edit", "LCP3", "--class", "professional", *user, db=demo_env)
    assert_clean_error(edit, 2)
    assert "must first lift the lowest-category flag" in edit.stderr
    shown = json.loads(run("investor", "show", "LCP3", "--json", *user, db=demo_env).stdout)
    assert (shown["class"], shown["lowest_category"]) == ("ordinary", True)


@pytest.mark.parametrize(
    "args",
    [
        ("report", "rate", "²", "--level", "R3"),
        ("report", "rate", "99999999999999999999", "--level", "R3"),
        ("report", "show", "99999999999999999999"),
        ("check", "--investor", "¹²", "--report", "1"),
        ("investor", "list", "--limit", "²"),
        ("investor", "list", "--limit", "99999999999999999999"),
        ("audit", "export", "--format", "csv", "--out", "x.csv", "--investor", "99999999999999999999"),
        ("policy", "set", "validity_days=³⁶⁵"),
        ("policy", "set", "validity_days=99999999999999999999"),
        ("policy", "set", "allow_escalation=yes"),
        ("policy", "set", "special_attention_age=20"),
        ("investor", "add", "--account", "Z1", "--name", "无效", "--id-number", "999999198001010011"),
        ("investor", "list", "--no-such-option"),
    ],
)
def test_every_argument_error_exits_2_with_one_sentence(demo_env: Path, args: tuple[str, ...]) -> None:
    assert_clean_error(run(*args, "--user", "demo-compliance", db=demo_env), 2)


def test_non_utf8_argument_exits_2_with_one_sentence(demo_env: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITCHECK_") or k == "SUITCHECK_AUDIT_KEY"}
    env["SUITCHECK_PASSWORD"] = "demo"
    cmd = [sys.executable.encode(), b"-m", b"suitcheck", b"investor", b"add", b"--account", b"U1", b"--name"]
    cmd += [b"\xff\xfe", b"--user", b"demo-compliance", b"--db", str(demo_env).encode()]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert_clean_error(result, 2)
    assert "not valid UTF-8" in result.stderr


def test_store_of_a_newer_schema_exits_1_with_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    env = {"SUITCHECK_AUDIT_KEY": str(tmp_path / "audit.key"), "SUITCHECK_LOG_DIR": str(tmp_path / "log")}
    assert run("init", db=db, password=None, env=env).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999_from_the_future'")
    result = run("investor", "list", "--user", "x", db=db, env=env)
    assert_clean_error(result, 1)
    assert "newer version of suitcheck" in result.stderr
    with sqlite3.connect(db) as conn:  # and it was left alone
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0999_from_the_future",)


@pytest.mark.parametrize("command", [["--user", "demo-advisor", "report", "list"], ["--version"]])
def test_output_into_a_closed_pipe_stops_quietly(demo_env: Path, command: list[str]) -> None:
    """`suitcheck report list | head -1` (and `suitcheck --version | head -1`, once a
    traceback): the reader is gone before suitcheck writes; it stops without a traceback
    or an "unexpected error" and says so in its exit status."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already gone
    env = {k: v for k, v in os.environ.items() if k != "SUITCHECK_DB"}
    env["SUITCHECK_PASSWORD"] = "demo"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "suitcheck", "--db", str(demo_env), *command],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141, result.stderr
    assert result.stderr == ""


def test_eligible_list_equals_json_on_a_tampered_store(demo_env: Path, tmp_path: Path) -> None:
    """A client row edited straight in the file is on neither the --json list nor the
    written one, and both list the same clients in the same order."""
    r4 = report_id(demo_env, "创业板")
    before = json.loads(run("eligible", "--report", r4, "--json", "--user", "demo-advisor", db=demo_env).stdout)
    victim = before[0]["account"]
    with sqlite3.connect(demo_env) as conn:
        # A sealed column flipped by hand; by the rules alone the client would still be eligible.
        conn.execute("UPDATE investor SET special_attention = 1 - special_attention WHERE account = ?", (victim,))
    data = json.loads(run("eligible", "--report", r4, "--json", "--user", "demo-advisor", db=demo_env).stdout)
    assert [i["account"] for i in data] == [i["account"] for i in before if i["account"] != victim]
    out = tmp_path / "list.csv"
    result = run("eligible", "--report", r4, "--out", str(out), "--user", "demo-advisor", db=demo_env)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    columns = ["id", "account", "name", "class", "profile", "assessed"]
    assert table == [columns] + [["" if i[c] is None else str(i[c]) for c in columns] for i in data]
    assert victim not in {row[1] for row in table}
    blocked = run("check", "--investor", victim, "--report", r4, "--json", "--user", "demo-advisor", db=demo_env)
    assert blocked.returncode == 3
    assert json.loads(blocked.stdout)["reasons"] == ["record-integrity"]


def test_report_list_marks_a_report_changed_outside_suitcheck(demo_env: Path) -> None:
    """`report list` and `report show` do not print a level lowered in the SQLite file as if
    it were sound: the line says the record was changed and that checks block."""
    r4 = report_id(demo_env, "创业板")
    with closing(sqlite3.connect(demo_env)) as conn, conn:
        conn.execute("UPDATE report SET level = 1 WHERE id = ?", (int(r4),))
    listed = run("report", "list", "--json", "--user", "demo-advisor", db=demo_env)
    assert listed.returncode == 0, listed.stderr
    intact = {str(r["id"]): r["record_intact"] for r in json.loads(listed.stdout)}
    assert intact.pop(r4) is False
    assert intact
    assert all(intact.values())
    text = run("report", "list", "--user", "demo-advisor", db=demo_env).stdout.splitlines()
    marked = [line for line in text if "record changed outside suitcheck" in line]
    assert len(marked) == 1
    assert marked[0].split()[0] == r4
    shown = run("report", "show", r4, "--user", "demo-advisor", db=demo_env)
    assert "record changed outside suitcheck: every check blocks" in shown.stdout


def test_a_second_level_statement_the_reader_cannot_read_leaves_the_report_unrated(
    demo_env: Path, tmp_path: Path
) -> None:
    """'本报告的风险等级为低风险' beside the same sentence in traditional characters at
    R4, or a sixth level 极高风险: imported as R1, a C1 client was allowed (exit 0)."""
    head = "示例证券股份有限公司\n{}\n宏观研究\n2025 年 6 月 3 日\n投资要点：\n经济延续修复。\n"
    head += "本报告的风险等级为低风险。\n"
    (tmp_path / "trad.txt").write_bytes((head.format("宏观观察一") + "本報告的風險等級為中高風險。\n").encode("gbk"))
    (tmp_path / "sixth.txt").write_text(head.format("宏观观察二") + "本报告的风险等级为极高风险。\n", encoding="utf-8")
    result = run("report", "import", str(tmp_path), "--json", "--user", "demo-compliance", db=demo_env)
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout)
    assert {r["status"] for r in imported} == {"needs-rating"}
    for row in imported:
        shown = json.loads(
            run("report", "show", str(row["report"]), "--json", "--user", "demo-compliance", db=demo_env).stdout
        )
        assert shown["level"] is None
        assert {f["code"] for f in shown["findings"]} & {"level-statements-differ", "level-statement-unclear"}
        check = run(
            "check", "--investor", "880001", "--report", str(row["report"]), "--user", "demo-advisor", db=demo_env
        )
        assert check.returncode == 3, check.stdout


def test_check_names_the_reason_a_block_rests_on_first(
    sqlite_services: Services,
    sqlite_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: `check` on a C1 client in the lowest category whose assessment had expired,
    against an R3 report, printed "reasons: assessment-expired, lowest-category": the first
    thing said was what a re-assessment fixes, which would not let the report through (the
    category wins over every other rule). The text now leads with the reason the block
    rests on; --json keeps `reasons` as recorded and adds `main_reason`."""
    from suitcheck.cli import main
    from suitcheck.domain.levels import RiskProfile
    from suitcheck.domain.roles import Role
    from tests.conftest import PASSWORD, add_client, staff
    from tests.fixtures import import_text_report

    officer = staff(sqlite_services, Role.COMPLIANCE)
    report = import_text_report(sqlite_services, officer, tmp_path)  # R3
    add_client(sqlite_services, officer, "LC1", RiskProfile.C1, days_ago=800, lowest_category=True)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    args = ["check", "--investor", "LC1", "--report", str(report), "--db", sqlite_target, "--user", officer.username]
    capsys.readouterr()
    assert main(args) == 3
    assert "reasons: lowest-category, assessment-expired" in capsys.readouterr().out
    assert main([*args, "--json"]) == 3
    shown = json.loads(capsys.readouterr().out)
    assert shown["reasons"][:2] == ["assessment-expired", "lowest-category"]  # as recorded
    assert shown["main_reason"] == "lowest-category"


def test_the_re_assessment_rule_is_the_policys_and_the_mark_says_which(
    sqlite_services: Services,
    sqlite_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A client marked due is treated as expired (the rulebook): `situation-changed` said
    "nothing above R1" whatever the policy. It now says what the policy in force refuses,
    and `policy set` takes the switch as true or false only."""
    from suitcheck.cli import main
    from suitcheck.domain.levels import RiskProfile
    from suitcheck.domain.roles import Role
    from tests.conftest import PASSWORD, add_client, staff

    officer = staff(sqlite_services, Role.COMPLIANCE)
    for account in ("RD1", "RD2"):
        add_client(sqlite_services, officer, account, RiskProfile.C4)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    login = ["--db", sqlite_target, "--user", officer.username]
    capsys.readouterr()
    assert main(["investor", "situation-changed", "RD1", "--reason", "客户退休", *login]) == 0
    assert capsys.readouterr().out.startswith("Re-assessment due (nothing until re-assessed): ")
    assert main(["policy", "set", "reassessment_due_blocks_r1=maybe", *login]) == 2
    assert "reassessment_due_blocks_r1 is true or false" in capsys.readouterr().err
    assert main(["policy", "set", "reassessment_due_blocks_r1=false", "--json", *login]) == 0
    assert json.loads(capsys.readouterr().out)["reassessment_due_blocks_r1"] is False
    assert main(["investor", "situation-changed", "RD2", "--reason", "客户失业", *login]) == 0
    assert capsys.readouterr().out.startswith("Re-assessment due (nothing above R1 until re-assessed): ")
