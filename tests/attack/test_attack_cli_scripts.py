"""The command line as a firm's scripts and schedulers drive it: a variable left unset, a
store address with its password in the query, a pairs file with a NUL byte, a password
read from a file written on Windows.

Was BROKE (1): an empty file name (`"$EXPORT"` with the variable unset) was read as the
working folder: `audit verify "" --public-key KEY` verified the store instead, said OK
and exited 0; `report import ""` imported whatever lay in the working folder; `audit
export --out ""` ended in "unexpected error (ValueError)"; `eligible --out ""` printed the
list instead of writing it and exited 0.

Was BROKE (2) to (4): see their tests.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from suitcheck.cli import main
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from tests.conftest import PASSWORD, staff
from tests.fixtures import report_text


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
