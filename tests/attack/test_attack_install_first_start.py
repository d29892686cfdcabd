"""Attack: a firm's IT installs the shipped program and a clerk starts it for the first
time (session 23, install-attack).

The desktop's first start is its `init`: it may make the store and key where neither
existed. But a store path whose folder is not there (SUITCHECK_DB or --db naming a
network drive that is not connected, or a mistyped path) is not a first start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from suitcheck import cli
from suitcheck.services import Services, default_audit_key_path, open_services
from suitcheck.store.engine import default_location


def _gui_opens_store(monkeypatch: pytest.MonkeyPatch) -> list[Services]:
    """The `gui` command with the window left out: what it opens, it opens for real."""
    opened: list[Services] = []

    def open_only(factory: Callable[[], Services], args: Any, demo: bool) -> int:
        opened.append(factory())
        opened[-1].close()
        return 0

    monkeypatch.setattr(cli, "cmd_gui", open_only)
    return opened


def test_the_desktop_makes_no_folder_store_or_key_for_a_store_path_whose_folder_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUITCHECK_DB names the branch's share, which is not mounted today. The desktop made
    the folder, a new empty store and a new audit key on the local disk, then asked for
    the first administrator of "this store" as if it were a new installation."""
    opened = _gui_opens_store(monkeypatch)
    share = tmp_path / "mnt" / "branch-share"
    monkeypatch.setenv("SUITCHECK_DB", str(share / "suitcheck.db"))
    capsys.readouterr()
    code = cli.main([])
    err = capsys.readouterr().err
    assert code == 1, err
    assert not opened
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert f"The folder {share} for the store {share / 'suitcheck.db'} does not exist" in err, err
    assert not share.exists()
    assert not default_audit_key_path().exists()


def test_the_desktops_first_start_still_makes_the_default_store_and_its_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _gui_opens_store(monkeypatch)
    assert not default_location().parent.exists()
    assert cli.main(["gui"]) == 0, capsys.readouterr().err
    assert len(opened) == 1
    assert default_location().is_file()
    assert default_audit_key_path().is_file()


def test_the_desktop_makes_no_store_or_key_of_its_own_when_its_key_belongs_to_a_store_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Session 29 (installattack): a desk set up on the branch's store (SUITCHECK_DB, in the
    shell where IT ran `suitcheck init`; a firm's PostgreSQL server alike) is started from the
    desktop menu, whose session has no SUITCHECK_DB. The desktop made a new empty store in
    the default place and a new audit chain in the desk's keyring, then asked for the first
    administrator of "this store": the clerk's checks went into a store nobody audits."""
    shared = tmp_path / "branch" / "suitcheck.db"
    shared.parent.mkdir()
    open_services(str(shared), init=True).close()  # what `init` on the branch's store leaves
    keyring = default_audit_key_path().read_bytes()
    opened = _gui_opens_store(monkeypatch)
    monkeypatch.delenv("SUITCHECK_DB", raising=False)
    capsys.readouterr()
    code = cli.main([])
    err = capsys.readouterr().err
    assert code == 1, err
    assert not opened
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    here = default_location()
    assert f"There is no store at {here}, but this desktop's audit key belongs to the store at {shared};" in err
    assert not default_location().exists()
    assert default_audit_key_path().read_bytes() == keyring
    # Started on the branch's store, the desktop opens it.
    assert cli.main(["--db", str(shared), "gui"]) == 0, capsys.readouterr().err
    assert len(opened) == 1


def test_verifying_an_export_on_a_machine_without_a_store_asks_for_the_filed_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Session 29 (installattack): an auditor installs suitcheck to verify an export they
    were sent. `audit verify FILE` without --public-key said "There is no store at …;
    create it with `suitcheck init`": done, that makes a store and an audit key of the
    auditor's own, and the export (signed by the branch's installations) then fails."""
    export = tmp_path / "audit.jsonl"
    export.write_text("{}\n", encoding="utf-8")
    capsys.readouterr()
    code = cli.main(["audit", "verify", str(export)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert "create it with `suitcheck init`" not in err
    assert "--public-key" in err
    assert not default_location().exists()
    assert not default_audit_key_path().exists()


def test_a_keyring_a_newer_version_wrote_is_not_called_damaged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Session 29 (installattack): IT puts the previous version back on a desk (a rollback
    after a failed roll-out). A keyring in a format this version does not know was "damaged",
    and IT restores the key file from a backup: an older key, which the trail has moved past."""
    key = default_audit_key_path()
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text('{"format": "suitcheck-audit-keyring/2", "stores": {}, "locations": {}}\n', encoding="utf-8")
    key.chmod(0o600)
    capsys.readouterr()
    assert cli.main(["investor", "list"]) == 1
    err = capsys.readouterr().err
    assert "damaged" not in err, err
    assert f"The audit key {key} was written by a newer version of suitcheck (keyring format 2)" in err, err
    assert len(err.strip().splitlines()) == 1, err


def test_the_refusal_naming_the_keys_stores_shows_no_server_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keyring an older version kept (before session 28) holds a server's address as IT
    typed it, its password in the query (?password=...), until the desk opens that store
    again. The desktop's refusal to start a store of its own named the key's stores as the
    keyring holds them: the server's password in a sentence shown to the clerk."""
    from suitcheck.audit import keys

    shared = tmp_path / "branch" / "suitcheck.db"
    shared.parent.mkdir()
    open_services(str(shared), init=True).close()
    ring = keys.read_keyring(default_audit_key_path())
    assert ring is not None
    (store_id,) = set(ring.locations.values())
    ring.locations["postgresql://suitcheck@db.branch.example/suitcheck?password=S3cret-pw"] = store_id
    keys.write_keyring(ring)
    _gui_opens_store(monkeypatch)
    monkeypatch.delenv("SUITCHECK_DB", raising=False)
    capsys.readouterr()
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert "S3cret-pw" not in err, err
    assert "postgresql://suitcheck@db.branch.example/suitcheck?password=***" in err, err
    assert str(shared) in err, err
