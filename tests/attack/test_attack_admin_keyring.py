"""Attack: a careless administrator and the desk's keyring (session 13, attack13-admin).

Not malice: last week's backup of `audit.key` put back over the current one, the key
folder copied to a second desk of a shared store, a keyring edited by hand, an `init`
stopped halfway. Each is refused in one sentence (exit 1, no traceback), nothing is
recorded with a key the trail has moved past, and `audit verify` at a desk holding the
right key still passes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

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
