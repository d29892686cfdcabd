"""Attack: a careless administrator sets up stores and desks (session 13, attack13-admin).

`init --join` at the wrong address, a command pointed at the wrong database, `init`
stopped halfway. suitcheck makes a store only where `init` was asked to make one; a desk
joins only a store that exists; whatever is refused is one sentence, and leaves nothing
behind that a later `init` would take for something it is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from suitcheck import cli

PASSWORD = "a long passphrase"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_sentence(err: str) -> None:
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("suitcheck: "), err


def _tables(target: str) -> set[str]:
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture
def empty_target(store_target: str, tmp_path: Path) -> str:
    """An address where no store was ever set up: a SQLite path with no file, or an empty
    PostgreSQL database (created by the DBA, `init` never run)."""
    if "://" in store_target:
        return store_target
    return str(tmp_path / "typo" / "suitcheck.db")


def test_init_join_at_an_address_with_no_store_makes_none(
    empty_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second desk runs `init --join` with a mistyped address (or before head office ran
    `init`). It made a new store there, with this desk's key as its founder ("Audit key
    created ... (store-created)"), exit 0: the desk now writes to a store nobody else uses."""
    code, out, err = _run(capsys, "init", "--join", "--db", empty_target)
    assert code == 1, out + err
    _one_sentence(err)
    assert "There is no store at" in err, err
    assert "to join" in err, err
    assert "store-created" not in out
    if "://" in empty_target:
        assert _tables(empty_target) == set()  # no schema written into the database either
    else:
        assert not Path(empty_target).exists()
    from suitcheck.services import default_audit_key_path

    assert not default_audit_key_path().exists()  # no key made for a store that is not there


def test_init_join_at_a_store_whose_init_never_finished_makes_no_trail(
    store_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema is there (an `init` stopped after the upgrade) but no trail: joining it
    made this desk its founder, as above."""
    from suitcheck.store.engine import open_store

    open_store(store_target).dispose()
    code, out, err = _run(capsys, "init", "--join", "--db", store_target)
    assert code == 1, out + err
    _one_sentence(err)
    assert "has no audit trail to join" in err, err
    engine = create_engine(store_target if "://" in store_target else f"sqlite:///{store_target}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entry")).scalar_one() == 0
    engine.dispose()


@pytest.mark.postgres
def test_a_command_at_another_programs_database_writes_nothing_into_it(
    pg_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUITCHECK_DB set to the firm's CRM database by mistake: `suitcheck staff list` wrote
    suitcheck's sixteen tables (and triggers) into it, then said the store had no audit
    trail yet. Only `init` makes a store."""
    engine = create_engine(make_url(pg_target))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id integer PRIMARY KEY, name text)"))
    engine.dispose()
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    for args in (("staff", "list", "--user", "root"), ("audit", "verify", "--user", "root")):
        code, out, err = _run(capsys, *args, "--db", pg_target)
        assert code == 1, out + err
        assert _tables(pg_target) == {"customers"}  # nothing written into the CRM's database
        _one_sentence(err)
        assert "There is no suitcheck store at" in err, err


def test_a_command_at_an_empty_store_address_writes_nothing(
    store_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty file where the store should be (a copy that failed), or an empty database
    (the DBA made it, `init` never ran): a command other than `init` made the schema there
    and only then said to run `init`."""
    if "://" not in store_target:
        Path(store_target).touch()
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    code, out, err = _run(capsys, "staff", "list", "--user", "root", "--db", store_target)
    assert code == 1, out + err
    assert _tables(store_target) == set()  # no schema written
    _one_sentence(err)
    assert "There is no suitcheck store at" in err, err
    # `init` still makes the store there.
    code, out, err = _run(capsys, "init", "--admin", "root", "--db", store_target)
    assert code == 0, err
    code, out, err = _run(capsys, "staff", "list", "--user", "root", "--db", store_target)
    assert code == 0, err


@pytest.mark.postgres
def test_a_dropped_and_recreated_database_is_named_a_lost_store_not_a_new_one(
    pg_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DBA drops the store's database and makes it again, empty. Refusing to write a
    schema there must not turn "this installation sealed a trail there" into "create it
    with `suitcheck init`"."""
    from tests.conftest import _fresh_pg_database

    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    assert _run(capsys, "init", "--admin", "root", "--db", pg_target)[0] == 0
    url = make_url(pg_target)
    _fresh_pg_database(url.set(database="postgres").render_as_string(False), str(url.database))
    code, out, err = _run(capsys, "staff", "list", "--user", "root", "--db", pg_target)
    assert code == 1, out + err
    _one_sentence(err)
    assert "is empty, but this installation sealed a trail there" in err, err
    assert _tables(pg_target) == set()
