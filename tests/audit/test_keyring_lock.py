"""The keyring's lock (audit.key.lock) held by another program: a seal's wait for it ends."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from suitcheck.audit import keys
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import StoreUnavailable
from tests.conftest import Clock, add_client, make_services, staff
from tests.fixtures import import_text_report

# Holds the lock with the keyring's own locking (flock, or msvcrt on Windows) until a line
# comes on stdin, or 60 s pass: before the fix the seal waited for this release, so the
# test then failed rather than hung.
_HOLDER = (
    "import os, sys, threading\n"
    "from pathlib import Path\n"
    "from suitcheck.audit import keys\n"
    "threading.Timer(60, os._exit, (0,)).start()\n"
    "with keys.locked(Path(sys.argv[1])):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.readline()\n"
    "os._exit(0)\n"
)


def _hold(key_path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(key_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    return holder


def _sealing_desk(
    target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Services, Actor, int, Path]:
    """A desk that seals every two entries, its wait for the lock lowered to 0.2 s: (services,
    a compliance officer, a report, the key's path)."""
    monkeypatch.setenv("SUITCHECK_SEAL_EVERY", "2")
    services = make_services(target, clock)
    compliance = staff(services, Role.COMPLIANCE)
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "T1", RiskProfile.C3)
    monkeypatch.setattr(keys, "LOCK_WAIT_SECONDS", 0.2)
    return services, compliance, report, services.ctx.audit_key_path


def _entries(target: str) -> int:
    with sqlite3.connect(target) as db:
        return int(db.execute("SELECT count(*) FROM audit_entry").fetchone()[0])


def test_a_seal_waiting_for_a_lock_another_program_holds_ends_with_a_sentence(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was BROKE: a process holding audit.key.lock (flock) made the desk and the CLI wait
    forever at their next seal. Now the wait ends after LOCK_WAIT_SECONDS (the store's busy
    timeout; lowered here) with a sentence naming the lock and the process holding it; the
    check that was due to seal records nothing, and works once the lock is released."""
    services, compliance, report, key_path = _sealing_desk(sqlite_target, clock, tmp_path, monkeypatch)
    lock = key_path.with_name(key_path.name + ".lock")

    holder = _hold(key_path)
    try:
        refused: StoreUnavailable | None = None
        for _ in range(3):  # a seal is due within the next two entries
            before = _entries(sqlite_target)
            try:
                services.access.check(compliance, "T1", report)
            except StoreUnavailable as exc:
                refused = exc
                break
        # The holder is named where the system lists locks (Linux's /proc/locks).
        named = f"process {holder.pid} ({Path(sys.executable).name[:15]})"
        who = named if Path("/proc/locks").exists() else "another program"
        assert str(refused) == (
            f"The audit key's lock {lock} is held by {who} and was not released within 0.2 seconds; nothing was "
            "recorded. Close that program (or wait until it is done) and try again."
        )
        assert _entries(sqlite_target) == before
    finally:
        holder.communicate("go\n")
    # Released: the desk goes on, the check is recorded and sealed, the trail verifies.
    services.access.check(compliance, "T1", report)
    assert _entries(sqlite_target) > before
    assert services.audit.verify(compliance).ok
    services.close()


def test_a_lock_held_between_a_seal_and_its_key_advance_loses_nothing(
    sqlite_target: str, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock taken by another program after a seal committed, before this desk makes its
    next key current: the check was recorded, so it is not refused as if it was not (the
    sentence says "nothing was recorded"); the key is made current at the next entry, as an
    interrupted seal's is, and the trail verifies."""
    services, compliance, report, key_path = _sealing_desk(sqlite_target, clock, tmp_path, monkeypatch)
    sealer = services.ctx.sealer
    advance = sealer._advance
    holders: list[subprocess.Popen[str]] = []

    def held_then_advance(*args: object, **kw: object) -> None:
        holders.append(_hold(key_path))
        advance(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sealer, "_advance", held_then_advance)
    try:
        for _ in range(3):  # a seal is due within the next two entries
            before = _entries(sqlite_target)
            services.access.check(compliance, "T1", report)
            if holders:
                break
        assert holders, "no seal was made"
        assert _entries(sqlite_target) == before + 2  # the check and its seal
        assert sealer.inst.pending  # the next key is still pending in the keyring
    finally:
        for holder in holders:
            holder.communicate("go\n")
    monkeypatch.setattr(sealer, "_advance", advance)
    services.access.check(compliance, "T1", report)
    assert services.audit.verify(compliance).ok
    services.close()
