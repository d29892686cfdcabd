"""Attacks on which installations a desk trusts (keys.Installation.trusted).

An insider with SQL access to the store and no key file registers an installation of their
own exactly as `init --join` does (tests/attack/test_attack_row_keys.py) and seals rows with
it. A desk accepts those seals only when its own keyring trusts that installation; these
tests look for the ways the keyring's list could be widened, or the trust flows crash.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suitcheck.audit import keys
from suitcheck.cli import main
from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.store.engine import StoreError
from tests.attack.test_attack_override_seal import _sql
from tests.attack.test_attack_row_keys import register_rogue_installation
from tests.audit.test_desk_trust import trusted_of
from tests.audit.test_installations import desktop
from tests.audit.test_tamper import raw
from tests.conftest import PASSWORD, Clock, add_client, staff
from tests.fixtures import import_text_report

REGISTERED = "installation-registered"


def _desk_with_low_client(store_target: str, home: Path, clock: Clock, tmp_path: Path) -> tuple[Services, int]:
    """Desk A creates the store: staff, an R4 report, client LOW at C2 (blocked)."""
    desk = desktop(store_target, home, clock, init=True)
    compliance = staff(desk, Role.COMPLIANCE)
    report = import_text_report(desk, compliance, tmp_path, level="中高风险")
    add_client(desk, compliance, "LOW", RiskProfile.C2)
    for _ in range(3):
        clock.advance(minutes=1)
        assert not _check(desk, report).allowed
    return desk, report


def _check(services: Services, report: int, account: str = "LOW") -> Any:
    return services.access.check(services.auth.login("t-compliance", PASSWORD), account, report).decision


def test_a_desk_restored_from_a_backup_does_not_start_trusting_a_rogue_installation(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """Desk A never trusted the insider's installation. The insider deletes A's last
    entries (as a lost disk would) and registers their installation at the new end; A's
    administrator accepts the store as a restored backup. The new installation trusted
    every installation registered then, so the insider's C5 seal on a C2 client held."""
    home = tmp_path / "desk-a"
    desk, report = _desk_with_low_client(store_target, home, clock, tmp_path)
    try:
        chain_a = desk.ctx.sealer.chain
        register_rogue_installation(desk, store_target, "LOW", drop=2)
    finally:
        desk.close()
    restored = desktop(store_target, home, clock, init=True, restored="disk replaced; last night's backup")
    try:
        assert restored.attached is not None
        assert restored.attached.note == "restored-from-backup"
        decision = _check(restored, report)
        assert not decision.allowed
        assert Reason.RECORD_INTEGRITY in decision.reasons
        assert trusted_of(home / "audit.key", restored) == [chain_a]  # its old chain, not the insider's
    finally:
        restored.close()


def test_a_store_whose_first_entry_was_deleted_is_refused_in_a_sentence(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """The insider deletes the trail's first entry only (the store's identity) and
    registers an installation of their own. The store read as empty: `init --start-over`
    (which the refusal suggested) registered a new installation that trusted the insider's,
    then stopped on an assertion (a traceback), as did `init` on a new desk."""
    home = tmp_path / "desk-a"
    desk, _ = _desk_with_low_client(store_target, home, clock, tmp_path)
    try:
        register_rogue_installation(desk, store_target, "LOW")
    finally:
        desk.close()
    raw(store_target, "DELETE FROM audit_entry WHERE seq = 1")
    for kw in ({}, {"init": True, "start_over": True}):
        with pytest.raises(StoreError, match="its first entry is missing"):
            desktop(store_target, home, clock, **kw)
    with pytest.raises(StoreError, match="its first entry is missing"):
        desktop(store_target, tmp_path / "desk-new", clock, init=True)
    assert not (tmp_path / "desk-new" / "audit.key").exists()


def _unnumbered_registrations(store_target: str, *facts: str) -> None:
    """Registration rows inserted in SQL under no number (outside the trail: the head is
    untouched, so the store still opens), their facts as given."""
    raw(
        store_target,
        *(
            "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
            f"({-n}, '2026-06-15T09:30:00.000000Z', 'system', '{REGISTERED}', '[]', {_sql(text)}, "
            f"'{'0' * 64}', '{'0' * 64}', 'feedfacefeedface')"
            for n, text in enumerate(facts)
        ),
    )


DAMAGED = (
    "[1, 2]",
    "null",
    json.dumps({"chain": "feedfacefeedface", "genesis_public_key": "not hex"}),
    json.dumps({"chain": ["x"], "genesis_public_key": 7}),
)


def test_damaged_registration_rows_are_left_out_of_the_installations_listed(
    services: Services,
    store_target: str,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Registration rows an insider inserted in SQL whose facts are not what suitcheck
    writes (a list, null, a key that is not hex): `audit key show` stopped on an
    unexpected error, as did `audit key trust` and a desk with no key for the store."""
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    root = staff(services, Role.ADMIN)
    _unnumbered_registrations(store_target, *DAMAGED)
    assert len(services.audit.key_info()["installations"]) == 1

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main([*args, "--db", store_target])
        captured = capsys.readouterr()
        return code, (captured.out + captured.err).strip()

    code, shown = run("audit", "key", "show")
    assert code == 0, shown
    code, said = run("audit", "key", "trust", "feedfacefeedface", "--user", root.username)
    assert code == 2, said
    with pytest.raises(StoreError, match="init --join"):
        desktop(store_target, tmp_path / "desk-b", clock)


def test_a_registration_naming_a_trusted_desk_with_another_key_is_not_listed_astrusted_of(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """An insider inserts (under no number) a registration naming desk B's chain and this
    desk's own, each with a genesis key of their own. `audit key show` listed them as B and
    as this installation, with the insider's fingerprints, marked trusted here: compliance
    comparing fingerprints read the insider's key as one this desk accepts."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    try:
        chain_a = first.ctx.sealer.chain
        staff(first, Role.COMPLIANCE)
    finally:
        first.close()
    second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
    try:
        chain_b = second.ctx.sealer.chain
    finally:
        second.close()
    rogue = [keys.public_hex(keys.new_private_key()) for _ in range(2)]
    _unnumbered_registrations(
        store_target,
        *(
            json.dumps({"chain": c, "genesis_public_key": g, "row_public_key": g})
            for c, g in zip((chain_a, chain_b), rogue, strict=True)
        ),
    )
    desk = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        desk.audit.trust_installation(desk.auth.login("t-root", PASSWORD), chain_b)
        listed = desk.audit.key_info()["installations"]
        assert listed[0]["fingerprint"] == desk.audit.fingerprint()
        forged = [i for i in listed if i["public_key_hex"] in rogue]
        assert len(forged) == 2
        assert not any(i["trusted_here"] or i["this_installation"] for i in forged)
        genuine = {i["chain"]: i["trusted_here"] for i in listed if i["public_key_hex"] not in rogue}
        assert genuine == {chain_a: True, chain_b: True}
    finally:
        desk.close()


def test_verify_at_a_desk_that_does_not_trust_another_says_so(store_target: str, tmp_path: Path, clock: Clock) -> None:
    """Desk B joined and wrote client M1; desk A has not trusted B yet. `audit verify` at A
    fails (A cannot vouch for B's rows), but said M1's record "was changed outside
    suitcheck", which nobody did: it now names B as not trusted here and the command that
    trusts it. A row the insider changed and sealed with nothing valid still reads as changed."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    try:
        compliance = staff(first, Role.COMPLIANCE)
    finally:
        first.close()
    second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
    try:
        chain_b, genesis_b = second.ctx.sealer.chain, second.ctx.sealer.genesis_public_key
        add_client(second, second.auth.login(compliance.username, PASSWORD), "M1", RiskProfile.C4)
    finally:
        second.close()
    desk = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        result = desk.audit.verify(desk.auth.login(compliance.username, PASSWORD))
        assert not result.ok
        # Without filed keys the desk verifies with the installations its keyring trusts
        # (session 23: it took every registration the trail holds).
        assert result.problem == (
            f"entry {result.bad_seq} registers installation {chain_b}, which this desk does not trust "
            f"(`suitcheck audit key trust {chain_b}` once compliance has filed its key)"
        )
        filed = [desk.ctx.sealer.genesis_public_key, genesis_b]
        result = desk.audit.verify(desk.auth.login(compliance.username, PASSWORD), filed)
        assert not result.ok
        assert result.problem == (
            f"client M1's record is sealed by installation {chain_b}, which this desk does not trust "
            f"(`suitcheck audit key trust {chain_b}` once compliance has filed its key)"
        )
        raw(store_target, "UPDATE investor SET current_profile = 5 WHERE account = 'M1'")
        result = desk.audit.verify(desk.auth.login(compliance.username, PASSWORD), filed)
        assert result.problem == "client M1's record was changed outside suitcheck (its seal does not match)"
    finally:
        desk.close()
