"""Attack: `seed-demo` run by a hurried administrator at a store that is not a new one of
this desk's (session admin2). A store whose `init` ran without `--admin` has no staff yet;
`seed-demo` took "no staff" for "a new store" and made it a demo store: accounts with the
public password 'demo', an administrator among them, on a firm's shared store that other
desks had joined, or on a store already in use. It is refused in one sentence, exit code 2,
nothing written; a store `init` has just made here still becomes a demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from suitcheck import cli as cli_module


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli_module.main(list(args))
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip()


def _state(target: str) -> tuple[int, int, int]:
    """(audit entries, staff accounts, store settings)."""
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return tuple(  # type: ignore[return-value]
                int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in ("audit_entry", "staff", "store_setting")
            )
    finally:
        engine.dispose()


def _refused(code: int, out: str) -> None:
    assert code == 2, out
    assert "Traceback" not in out, out
    assert len(out.splitlines()) == 1, out
    assert "is not a new store used only by this desktop" in out, out
    assert "suitcheck demo" in out, out


def test_seed_demo_on_a_shared_store_other_desks_joined_is_refused(
    store_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The firm's store: `init` without `--admin` at the first desk (the administrator is to
    be made at the first start), a branch desk joined with `init --join`. `seed-demo` at
    either desk made it a demo store with the public password."""
    first_key = tmp_path / "desk-a" / "audit.key"
    second_key = tmp_path / "desk-b" / "audit.key"
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(first_key))
    assert _run(capsys, "init", "--db", store_target)[0] == 0
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(second_key))
    assert _run(capsys, "init", "--join", "--db", store_target)[0] == 0
    before = _state(store_target)
    rings = {key: key.read_bytes() for key in (first_key, second_key)}
    for key in (first_key, second_key):
        monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key))
        code, out = _run(capsys, "seed-demo", "--db", store_target)
        _refused(code, out)
        assert "another desktop is registered on it" in out, out
        assert _state(store_target) == before  # no account, no demo mark, no entry
    assert {key: key.read_bytes() for key in rings} == rings


def test_seed_demo_on_a_store_already_in_use_is_refused(
    store_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store of this desk only, without staff, that holds more than `init` wrote: here
    logins were already tried at it (recorded in its trail)."""
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(tmp_path / "audit.key"))
    assert _run(capsys, "init", "--db", store_target)[0] == 0
    monkeypatch.setenv("SUITCHECK_PASSWORD", "not a password")
    assert _run(capsys, "audit", "verify", "--user", "root", "--db", store_target)[0] == 1  # no such account yet
    before = _state(store_target)
    code, out = _run(capsys, "seed-demo", "--db", store_target)
    _refused(code, out)
    assert "it already holds records" in out, out
    assert _state(store_target) == before


def test_seed_demo_on_a_store_init_just_made_here_makes_a_demo_store(
    store_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held: a store this desk's `init` has just made (nothing else in it) becomes a demo
    store, as does a path with no store at all, and seeding it again adds nothing."""
    key = tmp_path / "audit.key"
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(key))
    assert _run(capsys, "init", "--db", store_target)[0] == 0
    code, out = _run(capsys, "seed-demo", "--db", store_target)
    assert code == 0, out
    assert "Demo data added" in out, out
    monkeypatch.setenv("SUITCHECK_PASSWORD", "demo")
    code, out = _run(capsys, "seed-demo", "--user", "demo-admin", "--db", store_target)
    assert code == 0, out
