"""`investor import` and `investor export` as a firm's IT would run them: exit codes, text,
JSON, the report file, one-sentence errors."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.cli.test_cli import assert_clean_error, run
from tests.conftest import copy_keyring, staff
from tests.services.clientfiles import HEADERS_EN, client_rows, make_id, write_csv


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli-import") / "demo.db"
    result = run("seed-demo", db=db, password=None, env=_env(db))
    assert result.returncode == 0, result.stderr
    return db


def _env(db: Path) -> dict[str, str]:
    return {"SUITCHECK_AUDIT_KEY": str(db.parent / "audit.key"), "SUITCHECK_LOG_DIR": str(db.parent / "log")}


@pytest.fixture
def store(seeded: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded demo store (and its key) for each test."""
    db = tmp_path / "demo.db"
    shutil.copy(seeded, db)
    copy_keyring(seeded.parent / "audit.key", tmp_path)
    return db


def cli(store: Path, *args: str, user: str = "demo-compliance") -> tuple[int, str, str]:
    result = run(*args, "--user", user, db=store, env=_env(store))
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def test_import_exit_codes_all_or_nothing_then_partial_then_idempotent(store: Path, tmp_path: Path) -> None:
    rows = client_rows(3)
    rows[1][5] = "2026-13-01"
    path = write_csv(tmp_path / "clients.csv", rows, encoding="gbk")

    code, out, err = cli(store, "investor", "import", str(path))
    assert code == 2
    assert "row 3" in out
    assert "测评日期" in out
    assert "is not a date" in out
    assert err.strip() == (
        "suitcheck: 1 rows are invalid, so nothing was imported (fix them, or import the valid rows with --partial)."
    )
    code, out, _ = cli(store, "investor", "list", "A00000")
    assert "No clients found." in out

    code, out, _ = cli(store, "investor", "import", str(path), "--partial")
    assert code == 3
    assert "2 new" in out
    assert "Imported. 1 invalid rows were skipped." in out
    assert "(csv, gbk," in out

    rows[1][5] = "2026/3/2"
    write_csv(path, rows, encoding="gbk")
    code, out, _ = cli(store, "investor", "import", str(path))
    assert code == 0
    assert "1 new, 0 changed, 2 unchanged, 0 invalid" in out
    code, out, _ = cli(store, "investor", "import", str(path))
    assert code == 0
    assert "0 new, 0 changed, 3 unchanged" in out


def test_dry_run_prints_the_diff_field_by_field(store: Path, tmp_path: Path) -> None:
    rows = client_rows(1)
    rows[0][0] = "880001"  # a demo client: name, ID and assessment differ
    rows[0][2] = ""
    rows[0][5] = "2026-11-01"
    path = write_csv(tmp_path / "c.csv", rows + client_rows(1, start=5), headers=HEADERS_EN)
    code, out, _ = cli(store, "investor", "import", str(path), "--dry-run")
    assert code == 0, out
    lines = out.splitlines()
    changed = next(ln for ln in lines if ln.startswith("changed"))
    assert "880001" in changed
    assert "name 林晓梅 -> 客户0" in changed
    assert "profile C1 -> C3" in changed
    new = next(ln for ln in lines if ln.startswith("new"))
    assert "A000005" in new
    assert "id_number" in new
    assert make_id(5) in new  # compliance may see full numbers
    assert "Dry run: nothing was written." in out
    code, out, _ = cli(store, "investor", "show", "880001")
    assert "林晓梅" in out


def test_json_and_the_xlsx_report(store: Path, tmp_path: Path) -> None:
    rows = client_rows(2)
    rows[1][2] = "110105195001011230"  # wrong check character
    path = write_csv(tmp_path / "c.csv", rows)
    report = tmp_path / "report.xlsx"
    code, out, _ = cli(store, "investor", "import", str(path), "--partial", "--json", "--report", str(report))
    assert code == 3
    data = json.loads(out)
    assert data["new"] == 1
    assert data["invalid"] == 1
    assert data["written"] is True
    assert data["missing"] == 16  # every demo client (all three branches): untouched, listed in the report
    (issue,) = data["issues"]
    assert issue == {
        "row": 3,
        "column": "证件号码",
        "field": "id_number",
        "code": "invalid-id",
        "value": "110105********1230",
        "reason": "is not a valid ID number",
    }
    book = openpyxl.load_workbook(report, read_only=True)
    assert list(book["problems"].iter_rows(values_only=True))[1][:2] == (3, "证件号码")
    assert len(list(book["missing"].iter_rows(values_only=True))) == 17  # a header, 16 demo clients
    book.close()


def test_mapping_file_and_sheet_option(store: Path, tmp_path: Path) -> None:
    odd = ["客户代码X", "户名", "证件号码", "投资者类别", "风险级别", "测评日期", "最低类别", "特别关注"]
    path = write_csv(tmp_path / "odd.csv", client_rows(2), headers=odd)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"客户代码X" = "account"\n"户名" = "name"\n"风险级别" = "profile"\n', "utf-8")
    code, out, _ = cli(store, "investor", "import", str(path), "--mapping", str(mapping))
    assert code == 0
    assert "2 new" in out
    mapping.write_text('[columns]\n"户名" = "nickname"\n', "utf-8")
    result = run(
        "investor",
        "import",
        str(path),
        "--mapping",
        str(mapping),
        "--user",
        "demo-compliance",
        db=store,
        env=_env(store),
    )
    assert_clean_error(result, 2)
    assert "not one of" in result.stderr
    result = run(
        "investor", "import", str(path), "--sheet", "x", "--user", "demo-compliance", db=store, env=_env(store)
    )
    assert_clean_error(result, 2)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["investor", "import", "/nonexistent/clients.csv"], 2),
        (["investor", "import", "README.md"], 2),
        (["investor", "export", "--out", "clients.pdf"], 2),
    ],
)
def test_errors_are_one_sentence(store: Path, args: list[str], code: int) -> None:
    result = run(*args, "--user", "demo-compliance", db=store, env=_env(store))
    assert_clean_error(result, code)


def test_advisors_may_not_import(store: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", client_rows(1))
    result = run("investor", "import", str(path), "--user", "demo-advisor", db=store, env=_env(store))
    assert_clean_error(result, 1)


def test_export_then_import_is_a_lossless_round_trip(store: Path, tmp_path: Path) -> None:
    """XLSX here; the service tests do both formats."""
    suffix = ".xlsx"
    out = tmp_path / f"clients{suffix}"
    code, text, _ = cli(store, "investor", "export", "--out", str(out))
    assert code == 0
    assert "16 clients written" in text
    code, text, _ = cli(store, "investor", "import", str(out))
    assert code == 0
    assert "0 new, 0 changed, 16 unchanged, 0 invalid" in text
    masked = tmp_path / f"masked{suffix}"
    code, text, _ = cli(store, "investor", "export", "--out", str(masked), user="demo-advisor")
    assert code == 0
    book = openpyxl.load_workbook(masked, read_only=True)
    numbers = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    book.close()
    assert all("********" in n for n in numbers if n)
    assert "11010519920312100X" not in numbers


def test_the_branch_column_in_the_diff_the_invalid_rows_and_the_export(store: Path, tmp_path: Path) -> None:
    rows = [[*r, b] for r, b in zip(client_rows(3), ["sh01", "深圳福田营业部", "NOWHERE"], strict=True)]
    path = write_csv(tmp_path / "c.csv", rows, headers=[*HEADERS_EN, "营业部"])
    code, out, _ = cli(store, "investor", "import", str(path), "--dry-run")
    assert code == 2, out  # an invalid row: all or nothing would write nothing
    new = [ln for ln in out.splitlines() if ln.startswith("new")]
    assert "branch SH01" in new[0]
    assert "branch SZ01" in new[1]
    assert "invalid  row 4       营业部 'NOWHERE': is not a branch code or name" in out
    code, out, _ = cli(store, "investor", "import", str(path), "--partial")
    assert code == 3, out
    export = tmp_path / "out.csv"
    code, out, _ = cli(store, "investor", "export", "--out", str(export))
    assert code == 0, out
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",营业部,记录被外部修改 changed outside suitcheck")  # the mark's column last
    assert any(ln.startswith("A000001,") and ln.endswith(",SZ01,") for ln in lines)
    code, out, _ = cli(store, "investor", "import", str(export))
    assert code == 0, out
    assert " 0 new, 0 changed," in out


def test_a_row_changed_in_sql_is_marked_by_the_export_and_the_reminders(store: Path, tmp_path: Path) -> None:
    """One client's profile raised in SQL: `investor export` writes every client, says in
    its line how many rows it marked, and re-importing the file re-seals nothing; the
    `reminders` line of such a client carries the client list's marker. No traceback."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(store)) as con:
        (account,) = con.execute(
            "SELECT account FROM investor WHERE investor_class = 'ordinary' AND current_profile IS NOT NULL "
            "ORDER BY current_assessed_on LIMIT 1"
        ).fetchone()
        con.execute("UPDATE investor SET current_profile = 5, lowest_category = 0 WHERE account = ?", (account,))
        con.commit()
    out = tmp_path / "clients.csv"
    code, text, _ = cli(store, "investor", "export", "--out", str(out))
    assert code == 0
    assert text.strip() == (
        f"16 clients written to {out}; 1 of them are records changed outside suitcheck, marked in the last "
        "column (every check about them blocks; run audit verify)"
    )
    code, text, _ = cli(store, "investor", "export", "--out", str(out), "--json")
    assert json.loads(text)["changed_outside"] == 1
    code, text, _ = cli(store, "investor", "import", str(out))
    assert code == 0
    assert "0 new, 0 changed, 16 unchanged, 0 invalid" in text
    code, text, _ = cli(store, "reminders", "--within", "3000")
    assert code == 0
    (line,) = [ln for ln in text.splitlines() if f" {account} " in ln]
    assert line.endswith("[record changed outside suitcheck: every check blocks; run audit verify]")
    assert sum("[record changed outside suitcheck" in ln for ln in text.splitlines()) == 1


def test_a_json_dry_run_of_a_big_file_does_not_hold_its_diff(
    sqlite_services: Services,
    sqlite_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`investor import FILE --dry-run --json` kept every new or changed client's diff in
    memory, then printed the document as one string: 2.1 GB for a file of 300,000 new
    clients (the text output, written as it goes, took 134 MB). The diff now waits in a
    temporary file and the document is written piece by piece: what the import leaves held
    in Python when it returns does not grow with the file."""
    import tracemalloc

    from suitcheck.cli import main
    from suitcheck.services.client_import import ClientImportService
    from tests.conftest import PASSWORD

    officer = staff(sqlite_services, Role.COMPLIANCE)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    real = ClientImportService.import_clients
    held: list[int] = []

    def measured(self: ClientImportService, *args: Any, **kwargs: Any) -> Any:
        before = tracemalloc.get_traced_memory()[0]
        result = real(self, *args, **kwargs)
        held.append(tracemalloc.get_traced_memory()[0] - before)
        return result

    monkeypatch.setattr(ClientImportService, "import_clients", measured)
    login = ["--db", sqlite_target, "--user", officer.username]
    rows = 6_000
    one, big = write_csv(tmp_path / "one.csv", client_rows(1)), write_csv(tmp_path / "big.csv", client_rows(rows))
    tracemalloc.start()
    try:
        for path in (one, big):  # the first: every module and table the import reads is loaded
            capsys.readouterr()
            assert main(["investor", "import", str(path), "--dry-run", "--json", *login]) == 0
    finally:
        tracemalloc.stop()
    document = json.loads(capsys.readouterr().out)
    assert (document["new"], document["issues"], document["written"]) == (rows, [], False)
    assert [d["account"] for d in document["diff"]] == [r[0] for r in client_rows(rows)]
    assert document["diff"][0]["changes"]["profile"] == {"old": None, "new": "C3"}
    assert held[1] < rows * 200, held  # the diff's items took about 2 KB each (12 MB here)


def test_an_import_is_bound_to_its_dry_run_by_the_files_sha256(store: Path, tmp_path: Path) -> None:
    """A script's dry run, read and approved, then the import: a file the core system wrote
    again in between was imported unseen. --expect-sha256 (the dry run's JSON sha256, whole)
    refuses it, as the desk's wizard does, and writes nothing."""
    path = write_csv(tmp_path / "clients.csv", client_rows(2))
    code, out, _ = cli(store, "investor", "import", str(path), "--dry-run", "--json")
    assert code == 0
    checked = json.loads(out)["sha256"]
    assert len(checked) == 64
    write_csv(path, client_rows(3))  # the next export, over the file the dry run read
    code, out, err = cli(store, "investor", "import", str(path), "--expect-sha256", checked.upper())
    assert (code, out) == (2, "")
    assert err.strip() == (
        "suitcheck: The file clients.csv changed since it was checked; nothing was imported. "
        "Check it again before importing it."
    )
    now = hashlib.sha256(path.read_bytes()).hexdigest()
    code, out, _ = cli(store, "investor", "import", str(path), "--expect-sha256", now.upper())
    assert code == 0
    assert "3 new, 0 changed" in out  # the refused import wrote nothing
    assert "Imported." in out
    assert_clean_error(run("investor", "import", str(path), "--user", "x", "--expect-sha256", "abc", db=store), 2)


def test_a_partial_import_of_only_invalid_rows_says_nothing_was_imported(store: Path, tmp_path: Path) -> None:
    """--partial with every row invalid printed "Imported.": a script's log, and the officer
    reading it, took the file for imported. Exit 3 as any partial import with invalid rows."""
    rows = client_rows(2)
    rows[0][5] = rows[1][5] = "2026-13-01"
    path = write_csv(tmp_path / "clients.csv", rows)
    code, out, err = cli(store, "investor", "import", str(path), "--partial")
    assert code == 3
    assert "Imported." not in out
    assert "Nothing was imported: all 2 rows are invalid." in out
    assert err.strip() == "suitcheck: all 2 rows are invalid, so nothing was imported."
