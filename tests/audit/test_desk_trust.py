"""Which other installations a desk trusts to seal rows: its keyring says, not the store.

A registration in the trail is no more than rows an insider with SQL access can write as
suitcheck writes them (tests/attack/test_attack_row_keys.py), so a desk accepts another
installation's row seals only when its own keyring trusts that installation: the ones
registered when it was set up (or, for a keyring from before, at its first open by this
version), and those an administrator there trusts with `audit key trust`.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine.default import DefaultDialect

from suitcheck.audit import keys, sealing
from suitcheck.domain.decision import Reason
from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput, PermissionDenied, ServiceError
from suitcheck.store.models import AuditEntry
from tests.attack.test_attack_override_seal import _sql
from tests.audit.conftest import Trail, cli
from tests.audit.test_installations import desktop
from tests.audit.test_tamper import raw
from tests.conftest import PASSWORD, Clock, add_client, staff
from tests.fixtures import import_text_report


def trusted_of(path: Path, services: Services) -> list[str] | None:
    """The installations this desk's keyring (at `path`) trusts."""
    ring = keys.read_keyring(path)
    assert ring is not None
    inst = ring.installation(services.ctx.sealer.store_id)
    assert inst is not None
    return inst.trusted


def _two_desks(store_target: str, tmp_path: Path, clock: Clock) -> tuple[int, str, str]:
    """Desk A creates the store (staff, a report), desk B joins and adds client M1 there.
    Returns (report, A's chain, B's chain)."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    try:
        compliance = staff(first, Role.COMPLIANCE)
        staff(first, Role.ADVISOR)
        report = import_text_report(first, compliance, tmp_path)
        second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
        try:
            add_client(second, second.auth.login(compliance.username, PASSWORD), "M1", RiskProfile.C4)
            return report, first.ctx.sealer.chain, second.ctx.sealer.chain
        finally:
            second.close()
    finally:
        first.close()


def _check(services: Services, report: int, account: str = "M1") -> Any:
    return services.access.check(services.auth.login("t-compliance", PASSWORD), account, report).decision


def test_a_desk_that_joins_trusts_the_desks_already_registered(store_target: str, tmp_path: Path, clock: Clock) -> None:
    """The administrator who joins a store chose it: the new desk trusts the installations
    registered then, so a client written on A is checked on B with no trust command."""
    first = desktop(store_target, tmp_path / "desk-a", clock, init=True)
    try:
        compliance = staff(first, Role.COMPLIANCE)
        report = import_text_report(first, compliance, tmp_path)
        add_client(first, compliance, "A1", RiskProfile.C4)
        chain_a = first.ctx.sealer.chain
    finally:
        first.close()
    second = desktop(store_target, tmp_path / "desk-b", clock, init=True, join=True)
    try:
        assert trusted_of(tmp_path / "desk-b" / "audit.key", second) == [chain_a]
        assert _check(second, report, "A1").allowed
    finally:
        second.close()


def test_an_installation_trusted_entry_written_in_sql_trusts_nothing(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """An insider cannot approve a desk in the store: an `installation-trusted` entry naming
    B, inserted in SQL at the trail's end, leaves B untrusted at A (A's keyring says)."""
    report, _, chain_b = _two_desks(store_target, tmp_path, clock)
    opened = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        with opened.store.engine.connect() as conn:
            head_seq, head_hash = conn.execute(
                select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).one()
    finally:
        opened.close()
    facts = json.dumps({"chain": chain_b, "fingerprint": "", "reason": "approved"})
    raw(
        store_target,
        "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
        f"({head_seq + 1}, '2026-06-15T09:30:00.000000Z', 't-root', 'installation-trusted', '[]', {_sql(facts)}, "
        f"'{head_hash}', '{'0' * 64}', '{chain_b}')",
    )
    again = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        decision = _check(again, report)
        assert not decision.allowed
        assert Reason.RECORD_INTEGRITY in decision.reasons
        assert chain_b not in again.ctx.sealer.trusted_chains()
    finally:
        again.close()


def test_a_keyring_from_before_is_grandfathered_at_its_next_open(
    store_target: str, tmp_path: Path, clock: Clock
) -> None:
    """A keyring written by an earlier version has no `trusted`: its next open trusts the
    installations validly registered then (as every desk did before) and writes that down;
    an installation that joins afterwards is not trusted by it."""
    report, chain_a, chain_b = _two_desks(store_target, tmp_path, clock)
    path = tmp_path / "desk-a" / "audit.key"
    body = json.loads(path.read_text(encoding="utf-8"))
    for entry in body["stores"].values():
        del entry["trusted"]
    path.write_text(json.dumps(body), encoding="utf-8")
    upgraded = desktop(store_target, path.parent, clock)
    try:
        assert trusted_of(path, upgraded) == [chain_b]
        assert _check(upgraded, report).allowed
    finally:
        upgraded.close()
    third = desktop(store_target, tmp_path / "desk-c", clock, init=True, join=True)
    try:
        assert sorted(trusted_of(tmp_path / "desk-c" / "audit.key", third) or ()) == sorted([chain_a, chain_b])
        add_client(third, third.auth.login("t-compliance", PASSWORD), "M3", RiskProfile.C4)
    finally:
        third.close()
    again = desktop(store_target, path.parent, clock)
    try:
        assert trusted_of(path, again) == [chain_b]
        assert not _check(again, report, "M3").allowed
        assert _check(again, report).allowed
    finally:
        again.close()


def test_trust_takes_only_a_validly_registered_installation(store_target: str, tmp_path: Path, clock: Clock) -> None:
    """An administrator trusts an installation by chain or fingerprint; one not registered
    (or this desk's own, or one trusted already) changes nothing, and only administrators may."""
    report, chain_a, chain_b = _two_desks(store_target, tmp_path, clock)
    desk = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        admin = desk.auth.login("t-root", PASSWORD)
        with pytest.raises(InvalidInput, match="is validly registered in this store's audit trail"):
            desk.audit.trust_installation(admin, "feedfacefeedface")
        for role in (Role.ADVISOR, Role.COMPLIANCE):
            with pytest.raises(PermissionDenied):
                desk.audit.trust_installation(desk.auth.login(f"t-{role.value}", PASSWORD), chain_b)
        assert desk.audit.trust_installation(admin, chain_a)["status"] == "this-installation"
        assert not _check(desk, report).allowed
        fingerprint = next(i["fingerprint"] for i in desk.audit.key_info()["installations"] if i["chain"] == chain_b)
        done = desk.audit.trust_installation(admin, fingerprint, "filed by compliance")
        assert (done["status"], done["chain"]) == ("trusted", chain_b)
        assert _check(desk, report).allowed
        assert desk.audit.trust_installation(admin, chain_b)["status"] == "already-trusted"
        assert trusted_of(tmp_path / "desk-a" / "audit.key", desk) == [chain_b]
        entry = desk.audit.browse(desk.auth.login("t-compliance", PASSWORD), limit=5)
        recorded = [e for e in entry if e.action == "installation-trusted"]
        assert len(recorded) == 1
        assert json.loads(recorded[0].facts) == {
            "chain": chain_b,
            "fingerprint": fingerprint,
            "reason": "filed by compliance",
        }
    finally:
        desk.close()


def test_trust_given_in_another_process_holds_without_a_restart(
    store_target: str, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desk open while an administrator trusts B elsewhere (another process on the same
    keyring) accepts B's rows once its "not trusted" answer is older than the recheck time."""
    report, _, chain_b = _two_desks(store_target, tmp_path, clock)
    open_desk = desktop(store_target, tmp_path / "desk-a", clock)
    other = desktop(store_target, tmp_path / "desk-a", clock)
    try:
        assert not _check(open_desk, report).allowed
        other.audit.trust_installation(other.auth.login("t-root", PASSWORD), chain_b)
        assert not _check(open_desk, report).allowed  # the answer stands for a few seconds
        monkeypatch.setattr(sealing, "TRUST_RECHECK_SECONDS", 0.0)  # as if they had passed
        assert _check(open_desk, report).allowed
    finally:
        other.close()
        open_desk.close()


def _check_cli(trail: Trail, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return cli(
        trail, "check", "--investor", "M1", "--report", str(trail.report), "--user", "t-compliance", capsys=capsys
    )


def test_the_cli_trusts_an_installation_for_administrators_only(
    trail: Trail, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    joined = desktop(trail.target, trail.tmp / "desk-b", clock, init=True, join=True)
    try:
        chain_b = joined.ctx.sealer.chain
        add_client(joined, joined.auth.login("t-compliance", PASSWORD), "M1", RiskProfile.C4)
    finally:
        joined.close()
    code, shown = cli(trail, "audit", "key", "show", "--json", capsys=capsys)
    assert code == 0, shown
    here = {i["chain"]: i["trusted_here"] for i in json.loads(shown)["installations"]}
    assert here[chain_b] is False
    assert list(here.values()).count(True) == 1
    code, shown = cli(trail, "audit", "key", "show", capsys=capsys)
    assert f"not trusted at this desk: run `suitcheck audit key trust {chain_b}`" in shown
    code, said = _check_cli(trail, capsys)
    assert code == 3, said  # blocked: M1's seal does not hold at this desk yet
    for user in ("t-advisor", "t-compliance"):
        code, said = cli(trail, "audit", "key", "trust", chain_b, "--user", user, capsys=capsys)
        assert code == 1, said
    code, said = cli(trail, "audit", "key", "trust", "feedfacefeedface", "--user", "t-root", capsys=capsys)
    assert code == 2, said
    assert said == (
        "suitcheck: No installation 'feedfacefeedface' is validly registered in this store's audit trail; "
        "`suitcheck audit key show` lists the installations and their fingerprints."
    )
    code, said = cli(
        trail, "audit", "key", "trust", chain_b, "--reason", "key filed", "--user", "t-root", capsys=capsys
    )
    assert code == 0, said
    assert f"Installation {chain_b}" in said
    assert "trusted at this desk" in said
    code, shown = cli(trail, "audit", "key", "show", "--json", capsys=capsys)
    assert all(i["trusted_here"] for i in json.loads(shown)["installations"])
    code, listed = cli(
        trail, "audit", "export", "--user", "t-compliance", "--format", "jsonl", "--out", str(trail.tmp / "out.jsonl"),
        "--action", "installation-trusted", capsys=capsys,
    )  # fmt: skip
    assert code == 0, listed
    rows = [json.loads(line) for line in (trail.tmp / "out.jsonl").read_text(encoding="utf-8").splitlines() if line]
    assert [(r["action"], r["staff"]) for r in rows] == [("installation-trusted", "t-root")]
    code, said = _check_cli(trail, capsys)
    assert code == 0, said


def test_a_trust_whose_record_does_not_commit_is_taken_back(
    store_target: str, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keyring is written inside the transaction that records the trust; when that
    commit fails (the disk, the server), the keyring is put back as it was, so this desk
    trusts nothing the trail does not record. Running the command again gives the trust and
    its entry."""
    report, _, chain_b = _two_desks(store_target, tmp_path, clock)
    path = tmp_path / "desk-a" / "audit.key"
    desk = desktop(store_target, path.parent, clock)
    try:
        admin = desk.auth.login("t-root", PASSWORD)
        refuse: list[bool] = []
        real_commit: Callable[[Any, Any], None] = DefaultDialect.do_commit
        real_trust = sealing.Sealer.trust

        def trust(self: sealing.Sealer, chain: str) -> bool:
            refuse.append(True)  # the commit after the keyring is written fails
            return real_trust(self, chain)

        def do_commit(self: DefaultDialect, dbapi_conn: Any) -> None:
            if refuse:  # the driver's own error, as the disk or the server gives it
                dbapi: Any = self.loaded_dbapi
                raise dbapi.OperationalError("disk I/O error")
            real_commit(self, dbapi_conn)

        monkeypatch.setattr(sealing.Sealer, "trust", trust)
        monkeypatch.setattr(DefaultDialect, "do_commit", do_commit)
        with pytest.raises(ServiceError) as info:
            desk.audit.trust_installation(admin, chain_b, "filed by compliance")
        monkeypatch.setattr(sealing.Sealer, "trust", real_trust)
        refuse.clear()
        assert "\n" not in str(info.value)
        assert trusted_of(path, desk) == []
        assert chain_b not in desk.ctx.sealer.trusted_chains()
        assert not _check(desk, report).allowed
        reopened = desktop(store_target, path.parent, clock)
        try:
            assert not _check(reopened, report).allowed
        finally:
            reopened.close()

        def recorded() -> int:
            with desk.store.engine.connect() as conn:
                rows = conn.execute(select(AuditEntry.seq).where(AuditEntry.action == "installation-trusted"))
                return len(rows.all())

        assert recorded() == 0
        assert desk.audit.trust_installation(admin, chain_b, "filed by compliance")["status"] == "trusted"
        assert recorded() == 1
        assert trusted_of(path, desk) == [chain_b]
        assert _check(desk, report).allowed
    finally:
        desk.close()
