"""Attack: a careless administrator and the desk's keyring (session 13, attack13-admin).

Not malice: last week's backup of `audit.key` put back over the current one, the key
folder copied to a second desk of a shared store, a keyring edited by hand, an `init`
stopped halfway. Each is refused in one sentence (exit 1, no traceback), nothing is
recorded with a key the trail has moved past, and `audit verify` at a desk holding the
right key still passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from suitcheck.audit import keys
from suitcheck.services.errors import StoreUnavailable
from tests.audit.conftest import Trail, cli, trail  # noqa: F401
from tests.conftest import copy_keyring


def _entries(target: str) -> int:
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_entry")).scalar_one())
    finally:
        engine.dispose()


def _check(desk: Trail, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return cli(desk, "check", "--investor", "T1", "--report", str(desk.report), "--user", "t-compliance", capsys=capsys)


def _one_sentence(out: str) -> None:
    assert "Traceback" not in out, out
    assert len(out.splitlines()) == 1, out
    assert out.startswith("suitcheck: "), out


def test_last_weeks_keyring_put_back_is_refused_and_writes_nothing(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The admin restores last week's backup of the key folder (keyring and head record)
    over the current one while the store went on. The keyring's epoch key was revealed by
    a seal since: appending with it wrote entries that fail verification and sealed that
    epoch a second time (a forked key chain), and nothing said so until `audit verify`."""
    backup = copy_keyring(trail.key_path, trail.tmp / "last-week")
    for _ in range(12):  # past a seal (every 10 entries): the key evolves past the backup
        assert _check(trail, capsys)[0] == 0
    newest = copy_keyring(trail.key_path, trail.tmp / "newest")
    before = _entries(trail.target)

    copy_keyring(backup, trail.key_path.parent)  # the backup put back over the current key folder
    for args in (
        ("check", "--investor", "T1", "--report", str(trail.report), "--user", "t-compliance"),
        ("audit", "verify", "--user", "t-compliance"),
        ("init",),
    ):
        code, out = cli(trail, *args, capsys=capsys)
        assert code == 1, (args, out)
        _one_sentence(out)
        assert "is older than the audit trail" in out, out
        assert "newest copy of the key file" in out, out
        assert _entries(trail.target) == before  # nothing recorded under a revealed key

    copy_keyring(newest, trail.key_path.parent)  # the right key back: all is as it was
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 0, out
    assert _check(trail, capsys)[0] == 0


def test_a_keyring_copied_to_a_second_desk_stops_there_once_the_first_seals(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """IT sets up a second desk by copying the first desk's key folder (one chain, two
    files). Once the first desk seals, the copy's key is public: the second desk must stop
    before it records with it, or seals the same epoch again with a key of its own."""
    desk_a = trail.key_path
    desk_b = copy_keyring(desk_a, trail.tmp / "desk-b")
    for _ in range(12):  # desk A seals
        assert _check(trail, capsys)[0] == 0
    before = _entries(trail.target)

    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(desk_b))
    code, out = _check(trail, capsys)
    assert code == 1, out
    _one_sentence(out)
    assert "copied to another desktop" in out, out
    assert _entries(trail.target) == before

    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(desk_a))
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 0, out


def test_a_second_desk_on_a_copied_keyring_is_stopped_before_it_seals(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second desk's program was already running (a desk left open) when the first
    desk sealed: its keyring file did not change, but it must not seal the epoch again."""
    from suitcheck.services import open_services
    from tests.conftest import FAST_HASHER, PASSWORD

    desk_b_key = copy_keyring(trail.key_path, trail.tmp / "desk-b")
    desk_b = open_services(trail.target, audit_key_path=desk_b_key, hasher=FAST_HASHER)
    try:
        clerk = desk_b.auth.login("t-compliance", PASSWORD)
        for _ in range(12):  # desk A seals meanwhile
            assert _check(trail, capsys)[0] == 0
        code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
        assert code == 0, out
        before = _entries(trail.target)
        # Desk B's epoch is full long since: its next check is due to seal, and is refused.
        with pytest.raises(StoreUnavailable, match="is older than the audit trail"):
            desk_b.access.check(clerk, "T1", trail.report)
        assert _entries(trail.target) == before
    finally:
        desk_b.close()
    # Desk A's trail holds no second seal of its epoch: the key chain did not fork.
    engine = create_engine(trail.target if "://" in trail.target else f"sqlite:///{trail.target}")
    with engine.connect() as conn:
        seals = [
            json.loads(f)["epoch"] for (f,) in conn.execute(text("SELECT facts FROM audit_entry WHERE action = 'seal'"))
        ]
    engine.dispose()
    assert len(seals) == len(set(seals)), seals


def _interrupt_after_keyring_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C right after the keyring is written, before the store commits (as a full
    disk, a lost connection or a power cut there would leave it)."""
    original = keys.write_keyring

    def write_then_stop(ring: keys.Keyring) -> None:
        original(ring)
        raise KeyboardInterrupt

    monkeypatch.setattr(keys, "write_keyring", write_then_stop)


def test_an_init_stopped_halfway_can_be_run_again(
    store_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first `init` is stopped after the new key reached the keyring but before the
    store committed its registration. Run again, it said the store "is empty, but this
    installation sealed a trail there: it was deleted or re-initialised" and wanted
    `--start-over`: nothing was ever sealed there."""
    from suitcheck import cli as cli_module

    monkeypatch.setenv("SUITCHECK_PASSWORD", "a long passphrase")
    with monkeypatch.context() as m:
        _interrupt_after_keyring_write(m)
        assert cli_module.main(["init", "--admin", "root", "--db", store_target]) == 130
    capsys.readouterr()
    assert _entries(store_target) == 0  # nothing committed
    code = cli_module.main(["init", "--admin", "root", "--db", store_target])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "store-created" in out.out, out.out
    code = cli_module.main(["audit", "verify", "--user", "root", "--db", store_target])
    out = capsys.readouterr()
    assert code == 0, out.err


def test_an_init_join_stopped_halfway_can_be_run_again(
    store_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second desk's `init --join` stopped the same way. Run again, it said the head
    record beside the key "is missing ...; restore it from its backup": there never was one."""
    from suitcheck import cli as cli_module

    monkeypatch.setenv("SUITCHECK_PASSWORD", "a long passphrase")
    assert cli_module.main(["init", "--admin", "root", "--db", store_target]) == 0
    monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(tmp_path / "desk-b" / "audit.key"))
    before = _entries(store_target)
    with monkeypatch.context() as m:
        _interrupt_after_keyring_write(m)
        assert cli_module.main(["init", "--join", "--db", store_target]) == 130
    capsys.readouterr()
    assert _entries(store_target) == before
    code = cli_module.main(["init", "--join", "--db", store_target])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "joined" in out.out, out.out
    code = cli_module.main(["audit", "verify", "--user", "root", "--db", store_target])
    out = capsys.readouterr()
    assert code == 0, out.err


@pytest.mark.parametrize("how", ["init", "join"])
def test_an_init_stopped_after_its_commit_before_the_head_record_opens_next_time(
    store_target: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    """`init` (or a second desk's `init --join`) committed the registration, then stopped
    before the head record beside the key was written (Ctrl+C, a power cut). Every later
    command then said the head record "is missing ...; restore it from its backup": there
    never was one, and the store could no longer be opened from this desk. Now the next
    start writes the head of the registration the store holds (the keyring says the
    registration was not yet known committed) and goes on; the same command runs again."""
    from suitcheck import cli as cli_module

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setenv("SUITCHECK_PASSWORD", "a long passphrase")
    command = ["init", "--admin", "root"]
    if how == "join":
        assert cli_module.main([*command, "--db", store_target]) == 0
        monkeypatch.setenv("SUITCHECK_AUDIT_KEY", str(tmp_path / "desk-b" / "audit.key"))
        command = ["init", "--join"]
    before = _entries(store_target) if how == "join" else 0
    with monkeypatch.context() as m:
        m.setattr(keys, "write_head_record", stop)
        assert cli_module.main([*command, "--db", store_target]) == 130
    capsys.readouterr()
    assert _entries(store_target) > before  # the registration was committed
    code = cli_module.main([*command, "--db", store_target])  # the same command, again
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert "Traceback" not in out.err, out.err
    # The stopped run never printed the public key compliance must file: this one does.
    event = "joined" if how == "join" else "store-created"
    assert f"Audit key created for this installation ({event})" in out.out, out.out
    assert "fingerprint" in out.out, out.out
    if how == "init":
        command = ["init"]  # the administrator exists now
    assert cli_module.main([*command, "--db", store_target]) == 0
    assert "fingerprint" not in capsys.readouterr().out  # printed once: nothing left to settle
    code = cli_module.main(["audit", "verify", "--user", "root", "--db", store_target])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
