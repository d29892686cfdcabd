"""A password handed to the command line in an environment variable that is no UTF-8 text
(a script's variable filled from a file in another encoding, a stray byte) was taken as
text with an undecodable byte in it: `staff add` and `staff reset-password` ended in
"unexpected error (UnicodeEncodeError)" with a traceback in the log file naming the
password's byte and its position, and a login counted it as a wrong password towards the
account's lockout. Each is now refused in one sentence that names the variable, never its
value, before anything is done or recorded (session 30, scopeattack)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_clean_error, run
from tests.cli.test_cli import demo_db as demo_db
from tests.cli.test_cli import demo_env as demo_env
from tests.cli.test_cli import seeded_demo as seeded_demo

NOT_TEXT = "Zq8#vmt\udcffLw2p"  # the byte 0xFF in the middle, as os.environ holds it


def _entries(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0])


# On POSIX an environment variable is bytes, and bytes that are no UTF-8 reach Python as
# surrogates: the case these tests make. Windows keeps the environment as UTF-16 text, so
# no such value can be given there. CI runs on Linux, where these tests always run.
BYTES_IN_THE_ENVIRONMENT = pytest.mark.skipif(
    os.name != "posix", reason="only a POSIX environment holds bytes that are no UTF-8 (Windows keeps text)"
)


def _log(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("suitcheck.log*"))


@BYTES_IN_THE_ENVIRONMENT
@pytest.mark.parametrize(
    ("args", "variable"),
    [
        (("staff", "add", "bob", "--role", "advisor", "--branch", "SH01"), "SUITCHECK_NEW_PASSWORD"),
        (("staff", "reset-password", "demo-advisor-sh"), "SUITCHECK_NEW_PASSWORD"),
        (("staff", "list"), "SUITCHECK_PASSWORD"),
    ],
)
def test_a_password_variable_that_is_no_text_is_refused_in_one_sentence(
    demo_env: Path, args: tuple[str, ...], variable: str
) -> None:
    logs = demo_env.parent / "log"
    before = _entries(demo_env)
    password = NOT_TEXT if variable == "SUITCHECK_PASSWORD" else "demo"
    result = run(*args, "--user", "demo-admin", db=demo_env, password=password, env={variable: NOT_TEXT})
    assert_clean_error(result, 2)
    assert result.stderr == f"suitcheck: {variable} is not valid UTF-8 text; nothing was done.\n"
    assert _entries(demo_env) == before  # no login, no failed login, no account
    log = _log(logs)
    assert "Traceback" not in log
    assert "UnicodeEncodeError" not in log
    assert "Zq8" not in log
    # The administrator still signs in and the account is as it was.
    listed = run("staff", "list", "--user", "demo-admin", db=demo_env)
    assert listed.returncode == 0, listed.stderr
    assert "bob" not in listed.stdout


@BYTES_IN_THE_ENVIRONMENT
def test_a_user_variable_that_is_no_text_is_refused_in_one_sentence(demo_env: Path) -> None:
    """SUITCHECK_USER (the staff identity when no --user is given) holding a byte that is no
    UTF-8 ended in "unexpected error (UnicodeEncodeError)" with a traceback in the log (the
    store cannot take the name); --user is refused as an argument that is no UTF-8."""
    logs = demo_env.parent / "log"
    before = _entries(demo_env)
    result = run("staff", "list", db=demo_env, env={"SUITCHECK_USER": "demo-\udcffadmin"})
    assert_clean_error(result, 2)
    assert result.stderr == "suitcheck: SUITCHECK_USER is not valid UTF-8 text; nothing was done.\n"
    assert _entries(demo_env) == before
    log = _log(logs)
    assert "Traceback" not in log
    assert "UnicodeEncodeError" not in log
