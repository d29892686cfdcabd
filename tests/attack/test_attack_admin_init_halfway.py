"""Attack: an administrator's `init --restored-backup` or `init --start-over` stopped halfway
(Ctrl+C, a full disk, a lost connection, a power cut), after the new key reached the keyring
but before the store committed the new installation's registration, or after that commit
but before `init` finished. The rule: fail closed, lose nothing (the key the store was
sealed with stays until the store holds its successor's registration), never start a store
over silently, and the same command run again works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suitcheck import services as services_module
from suitcheck.audit import keys
from tests.attack.test_attack_admin_keyring import _interrupt_after_keyring_write
from tests.audit.conftest import Trail, cli, trail  # noqa: F401
from tests.audit.test_tamper import back_up, check, read_rows, restore, verify

REASON = "disk replaced; restored last night's backup"


def _restored_store(desk: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[int, str, str]:
    """The store put back from a backup that ends before the head recorded beside the key:
    (the backup's last entry, the store's identity, the chain that sealed it)."""
    rows = read_rows(desk.target)
    backup = back_up(desk.target, tmp_path)
    for _ in range(15):  # past a seal: the key moves on past the backup
        assert check(desk, capsys)[0] == 0
    restore(backup, desk.target)
    return rows[-1]["seq"], rows[0]["entry_hash"], rows[-1]["chain"]


def _key_of(desk: Trail, sid: str) -> str | None:
    ring = keys.read_keyring(desk.key_path)
    inst = ring.installation(sid) if ring else None
    return inst.chain if inst else None


def _registrations(target: str) -> list[dict[str, object]]:
    return [json.loads(str(r["facts"])) for r in read_rows(target) if r["action"] == "installation-registered"]


def test_a_restored_backup_accepted_halfway_keeps_the_old_key_and_can_be_accepted_again(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`init --restored-backup` wrote the new installation's key over the old one in the
    keyring (the same store, so the same keyring entry) before the store committed its
    registration. Stopped there, the store was still the restored one and the old key was
    gone: every command then said the head record beside the key "was altered", and so did
    `init --restored-backup` run again. Now the old key stays until the registration is
    committed, and the same command run again accepts the backup."""
    backup_end, sid, old_chain = _restored_store(trail, capsys, tmp_path)
    with monkeypatch.context() as m:
        _interrupt_after_keyring_write(m)
        code, out = cli(trail, "init", "--restored-backup", REASON, capsys=capsys)
    assert code == 130, out
    assert read_rows(trail.target)[-1]["seq"] == backup_end  # nothing committed

    # Until the backup is accepted the store is refused as before, in one sentence, and
    # the key that sealed it is the keyring's key for it again.
    code, out = cli(trail, "audit", "verify", "--user", "t-compliance", capsys=capsys)
    assert code == 1, out
    assert "--restored-backup" in out, out
    assert "Traceback" not in out, out
    assert _key_of(trail, sid) == old_chain

    code, out = cli(trail, "init", "--restored-backup", REASON, capsys=capsys)
    assert code == 0, out
    assert "restored-from-backup" in out, out
    accepted = read_rows(trail.target)[-1]
    assert accepted["seq"] == backup_end + 1
    assert json.loads(str(accepted["facts"]))["previous_chain"] == old_chain
    assert _key_of(trail, sid) == accepted["chain"] != old_chain
    ring = keys.read_keyring(trail.key_path)
    assert ring is not None
    assert [r["why"] for r in ring.retired if r.get("chain") == old_chain] == ["restored-from-backup"]
    assert check(trail, capsys)[0] == 0
    code, out = verify(trail, capsys)
    assert code == 0, out


@pytest.mark.parametrize("where", ["head-record", "after-attach"])
def test_a_restored_backup_accepted_but_init_stopped_after_the_commit_can_be_run_again(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """The registration was committed, then `init` stopped before it finished (before the
    head record beside the key was written for the new key, or later), and before it
    printed the new public key compliance must file. Run again, the same command said the
    store "is not behind its head, so there is no restored backup to accept" (or that the
    head record "was altered": the restored store's head file still held the old key's
    record). It now says the backup is accepted and prints the key, recording nothing twice."""
    backup_end, sid, old_chain = _restored_store(trail, capsys, tmp_path)

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        if where == "head-record":
            m.setattr(keys, "write_head_record", stop)  # what write_head and the sealer call
        else:
            m.setattr(services_module, "seal_existing_rows", stop)
        code, out = cli(trail, "init", "--restored-backup", REASON, capsys=capsys)
    assert code == 130, out
    accepted = read_rows(trail.target)[-1]
    assert accepted["seq"] == backup_end + 1  # committed

    code, out = cli(trail, "init", "--restored-backup", REASON, capsys=capsys)
    assert code == 0, out
    assert "restored-from-backup" in out, out
    assert "fingerprint" in out, out
    assert read_rows(trail.target)[-1]["seq"] == backup_end + 1  # nothing recorded twice
    assert _key_of(trail, sid) == accepted["chain"]
    assert check(trail, capsys)[0] == 0
    code, out = verify(trail, capsys)
    assert code == 0, out
    # Once the desk went on, accepting again is refused as before.
    code, out = cli(trail, "init", "--restored-backup", REASON, capsys=capsys)
    assert code == 1, out
    assert "not behind its head" in out, out


def _lose_the_store(desk: Trail) -> None:
    if "://" in desk.target:
        from sqlalchemy import make_url

        from tests.conftest import _fresh_pg_database

        url = make_url(desk.target)
        _fresh_pg_database(url.set(database="postgres").render_as_string(False), str(url.database))
    else:
        Path(desk.target).unlink()


def test_a_start_over_stopped_halfway_never_becomes_a_silent_new_store(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store was lost and the administrator starts over; `init --start-over` is stopped
    after the new key reached the keyring (the lost store's key already dropped from it)
    but before the store committed the registration. Run again, a plain `init` then made a
    new store as if none had ever been there ("store-created"), and `--start-over` recorded
    no previous store: the trail no longer said a store was lost. Now the lost store's key
    is kept until the new store's registration is committed."""
    sid = read_rows(trail.target)[0]["entry_hash"]
    old_chain = _key_of(trail, sid)
    _lose_the_store(trail)
    with monkeypatch.context() as m:
        _interrupt_after_keyring_write(m)
        code, out = cli(trail, "init", "--admin", "newroot", "--start-over", capsys=capsys)
    assert code == 130, out
    assert read_rows(trail.target) == []  # nothing committed

    code, out = cli(trail, "init", "--admin", "newroot", capsys=capsys)  # without --start-over
    assert code == 1, out
    assert "--start-over" in out, out
    assert "Traceback" not in out, out
    assert read_rows(trail.target) == []
    assert _key_of(trail, sid) == old_chain  # the lost store's key is the keyring's again

    code, out = cli(trail, "init", "--admin", "newroot", "--start-over", capsys=capsys)
    assert code == 0, out
    assert "started-over" in out, out
    first = _registrations(trail.target)[0]
    assert first["event"] == "started-over"
    assert first["previous_store"] == sid
    assert _key_of(trail, sid) is None  # retired now that the new store holds its successor
    code, out = cli(trail, "audit", "verify", "--user", "newroot", capsys=capsys)
    assert code == 0, out
