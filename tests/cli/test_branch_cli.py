"""Branches on the command line: `branch add/list`, `--branch` on `staff add` and
`investor add`, `investor move`; the demo store's three branches."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import assert_clean_error, demo_db, demo_env, report_id, run, seeded_demo

__all__ = ["demo_db", "demo_env", "seeded_demo"]  # fixtures used by the tests below


def _json(*args: str, db: Path, user: str) -> object:
    result = run(*args, "--json", "--user", user, db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_store_has_three_branches_each_seeing_its_own(demo_env: Path) -> None:
    branches = _json("branch", "list", db=demo_env, user="demo-admin")
    assert isinstance(branches, list)
    assert [b["code"] for b in branches] == ["HQ", "SH01", "SZ01"]
    assert sum(b["clients"] for b in branches) == 16
    sh = _json("investor", "list", db=demo_env, user="demo-advisor-sh")
    assert isinstance(sh, list)
    assert {c["account"] for c in sh} == {"881001", "881002"}
    assert {c["branch"] for c in sh} == {"SH01"}
    hq = _json("investor", "list", db=demo_env, user="demo-advisor")
    assert isinstance(hq, list)
    assert len(hq) == 12
    assert "881001" not in {c["account"] for c in hq}
    everyone = _json("investor", "list", db=demo_env, user="demo-compliance")
    assert isinstance(everyone, list)
    assert len(everyone) == 16
    sz = _json("investor", "list", "--branch", "SZ01", db=demo_env, user="demo-compliance")
    assert isinstance(sz, list)
    assert {c["account"] for c in sz} == {"882001", "882002"}
    none = _json("investor", "list", "--branch", "SZ01", db=demo_env, user="demo-advisor-sh")
    assert none == []  # a filter never widens what a branch sees


def test_another_branchs_client_is_not_found_like_a_missing_one(demo_env: Path) -> None:
    r3 = report_id(demo_env, "银行业")
    other = run("check", "--investor", "881001", "--report", r3, "--user", "demo-advisor-sz", db=demo_env)
    missing = run("check", "--investor", "889999", "--report", r3, "--user", "demo-advisor-sz", db=demo_env)
    assert_clean_error(other, 2)
    assert_clean_error(missing, 2)
    assert other.stderr.replace("881001", "X") == missing.stderr.replace("889999", "X")
    own = run("check", "--investor", "882001", "--report", r3, "--json", "--user", "demo-advisor-sz", db=demo_env)
    assert own.returncode == 0, own.stderr


def test_branch_add_staff_add_investor_add_and_move(demo_env: Path) -> None:
    added = _json(
        "branch", "add", "gz01", "--name", "广州天河营业部", "--region", "广州", db=demo_env, user="demo-admin"
    )
    assert isinstance(added, dict)
    assert added["code"] == "GZ01"
    refused = run("branch", "add", "GZ02", "--name", "x", "--user", "demo-compliance", db=demo_env)
    assert_clean_error(refused, 1)  # compliance may not add branches
    dup = run("branch", "add", "GZ01", "--name", "again", "--user", "demo-admin", db=demo_env)
    assert_clean_error(dup, 2)
    made = run(
        "staff",
        "add",
        "gz-advisor",
        "--role",
        "advisor",
        "--branch",
        "GZ01",
        "--json",
        "--user",
        "demo-admin",
        db=demo_env,
        env={"SUITCHECK_NEW_PASSWORD": "a long passphrase for gz"},
    )
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["branch"] == "GZ01"
    assert json.loads(made.stdout)["firm_wide"] is False
    client = _json(
        "investor",
        "add",
        "--account",
        "883001",
        "--name",
        "何",
        "--branch",
        "GZ01",
        db=demo_env,
        user="demo-compliance",
    )
    assert isinstance(client, dict)
    assert client["branch"] == "GZ01"
    no_reason = run("investor", "move", "883001", "--to", "SH01", "--user", "demo-compliance", db=demo_env)
    assert_clean_error(no_reason, 2)  # argparse: --reason is required
    by_advisor = run(
        "investor", "move", "883001", "--to", "SH01", "--reason", "x", "--user", "demo-advisor", db=demo_env
    )
    assert_clean_error(by_advisor, 1)
    moved = _json(
        "investor", "move", "883001", "--to", "sh01", "--reason", "relocated", db=demo_env, user="demo-compliance"
    )
    assert isinstance(moved, dict)
    assert moved["branch"] == "SH01"
    sh = _json("investor", "list", db=demo_env, user="demo-advisor-sh")
    assert isinstance(sh, list)
    assert "883001" in {c["account"] for c in sh}
    unknown = run(
        "investor", "move", "883001", "--to", "NOPE", "--reason", "x", "--user", "demo-compliance", db=demo_env
    )
    assert_clean_error(unknown, 2)
    verified = run("audit", "verify", "--user", "demo-compliance", db=demo_env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
