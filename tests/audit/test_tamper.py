"""The insider's attacks on the audit trail, on SQLite and PostgreSQL, through the CLI.

Each attack edits the store (or the files beside it) directly, the way someone with
write access to the database and a SQL client would; each must end in exit 4 (or 1
for a store that is missing, replaced or shorter than its recorded head) and one
sentence that names the first bad entry or the missing seal.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from suitcheck.audit import keys
from suitcheck.audit.chain import canonical_entry, entry_hash, entry_mac
from tests.audit.conftest import Trail, cli
from tests.conftest import Clock

COLUMNS = (
    "seq",
    "at",
    "staff",
    "action",
    "investor_id",
    "report_id",
    "decision",
    "reasons",
    "facts",
    "prev_hash",
    "entry_hash",
    "chain",
    "mac",
)


def verify(trail: Trail, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    return cli(trail, "audit", "verify", "--user", "t-compliance", *extra, capsys=capsys)


# -- raw access, as an insider with a SQL client -------------------------------------------


def _engine(target: str) -> Any:
    url = target if "://" in target else f"sqlite:///{target}"
    return create_engine(url)


def raw(target: str, *statements: str) -> None:
    """Run statements with the append-only guards switched off first."""
    if "://" not in target:
        conn = sqlite3.connect(target, isolation_level=None)
        for trigger in ("audit_entry_no_update", "audit_entry_no_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            conn.execute(statement)
        conn.close()
        return
    engine = _engine(target)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def read_rows(target: str) -> list[dict[str, Any]]:
    engine = _engine(target)
    with engine.connect() as conn:
        rows = [
            dict(zip(COLUMNS, r, strict=True))
            for r in conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM audit_entry ORDER BY seq"))
        ]
    engine.dispose()
    return rows


def write_rows(target: str, rows: list[dict[str, Any]]) -> None:
    raw(target, "DELETE FROM audit_entry")
    engine = _engine(target)
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"),
            rows,
        )
    engine.dispose()


def rehash(rows: list[dict[str, Any]], stolen: dict[str, bytes] | None = None) -> None:
    """Renumber, relink and rehash every row; recompute every MAC the attacker can: with
    the MAC keys that seals have revealed, and with a stolen current key if any."""
    prev = rows[0]["prev_hash"]
    for number, r in enumerate(rows, start=rows[0]["seq"]):
        r["seq"], r["prev_hash"] = number, prev
        r["entry_hash"] = entry_hash(
            canonical_entry(
                r["seq"], r["at"], r["staff"], r["action"], r["investor_id"], r["report_id"], r["decision"],
                r["reasons"], r["facts"], r["prev_hash"], r["chain"],
            )
        )  # fmt: skip
        prev = r["entry_hash"]
    for index, r in enumerate(rows):
        later_seal = next(
            (s for s in rows[index:] if s["action"] == "seal" and s["chain"] == r["chain"]),
            None,
        )
        if later_seal is not None:
            r["mac"] = entry_mac(bytes.fromhex(json.loads(later_seal["facts"])["mac_key"]), r["entry_hash"])
        elif stolen and r["chain"] in stolen:
            r["mac"] = entry_mac(stolen[r["chain"]], r["entry_hash"])


def first(rows: list[dict[str, Any]], predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(r for r in rows if predicate(r))


# -- the store edited directly --------------------------------------------------------------


def test_a_fresh_trail_verifies(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify(trail, capsys)
    assert code == 0, out
    assert "seals verified" in out


def test_edited_entry(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    target = first(rows, lambda r: r["action"] == "check" and r["seq"] > 12)
    raw(trail.target, f"UPDATE audit_entry SET decision = 'block' WHERE seq = {target['seq']}")
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert f"entry {target['seq']} was altered" in out, out


def test_edited_and_rehashed_without_the_key(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    """The attacker recomputes every hash (and every MAC the seals revealed): the seal
    signed over the old entries no longer matches them."""
    rows = read_rows(trail.target)
    target = first(rows, lambda r: r["action"] == "check" and r["seq"] > 12)
    target["decision"] = "block"
    rehash(rows)
    write_rows(trail.target, rows)
    code, out = verify(trail, capsys)
    # The head beside the key no longer matches the rewritten store: refused at open.
    assert code == 1, out
    assert "was rewritten" in out, out


def test_deleted_middle_entry(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(trail.target, "DELETE FROM audit_entry WHERE seq = 15")
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "entry 15 is missing" in out, out


def test_reordered_entries(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    a, b = rows[20], rows[21]
    for column in COLUMNS[1:]:
        a[column], b[column] = b[column], a[column]
    write_rows(trail.target, rows)
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "entry 21" in out, out
    assert "does not link" in out, out


def test_inserted_in_the_middle_and_renumbered(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    forged = dict(first(rows, lambda r: r["action"] == "check"))
    forged["decision"] = "allow"
    rows.insert(14, forged)
    rehash(rows)
    head = rows[-1]
    write_rows(trail.target, rows[:-1])  # keep the length, so only the content differs
    del head
    code, out = verify(trail, capsys)
    assert code in (1, 4), out
    assert "rewritten" in out or "no longer matches" in out, out


def test_appended_row_with_a_correct_hash_but_no_key(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    last = rows[-1]
    forged = dict(first(rows, lambda r: r["action"] == "check"))
    forged["seq"], forged["prev_hash"], forged["decision"] = last["seq"] + 1, last["entry_hash"], "allow"
    forged["entry_hash"] = entry_hash(
        canonical_entry(
            forged["seq"], forged["at"], forged["staff"], forged["action"], forged["investor_id"],
            forged["report_id"], forged["decision"], forged["reasons"], forged["facts"], forged["prev_hash"],
            forged["chain"],
        )
    )  # fmt: skip
    rows.append(forged)
    write_rows(trail.target, rows)
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert f"entry {forged['seq']} was forged or altered" in out, out
    # The failed verification sealed nothing over it: it still fails.
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert f"entry {forged['seq']}" in out, out


def test_seals_deleted_then_chain_rewritten(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [r for r in read_rows(trail.target) if r["action"] != "seal"]
    rehash(rows)
    write_rows(trail.target, rows)
    # The head kept outside the store refuses the rewritten store at once.
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert "shorter than its recorded head" in out or "was rewritten" in out, out
    # Even with the head rewritten too (by someone who also has the files beside the
    # key), the seal that was due is missing: a failure, not "fewer seals verified".
    steal_head(trail, rows)
    code, out = verify(trail, capsys)
    registration = json.loads(rows[0]["facts"])
    due = rows[0]["seq"] + registration["seal_every"] + 1
    assert code == 4, out
    assert f"is missing: it was due as entry {due}" in out, out


def steal_head(trail: Trail, rows: list[dict[str, Any]]) -> None:
    ring = keys.read_keyring(trail.key_path)
    assert ring is not None
    sid = rows[0]["entry_hash"]
    inst = ring.installation(sid)
    assert inst is not None
    keys.write_head(keys.head_path(trail.key_path, sid), inst.head_key, sid, rows[-1]["seq"], rows[-1]["entry_hash"])
    inst.signed_head = None
    ring.put(inst)
    keys.write_keyring(ring)


def test_seals_deleted_then_chain_truncated(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    seals = [r["seq"] for r in rows if r["action"] == "seal"]
    raw(trail.target, f"DELETE FROM audit_entry WHERE seq >= {seals[0]}")
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert "shorter than its recorded head" in out, out


def test_seals_deleted_in_place(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(trail.target, "DELETE FROM audit_entry WHERE action = 'seal'")
    code, out = verify(trail, capsys)
    assert code in (1, 4), out
    assert "missing" in out or "shorter" in out or "rewritten" in out, out


def test_entries_deleted_after_the_last_seal(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    last_seal = max(r["seq"] for r in rows if r["action"] == "seal")
    assert rows[-1]["seq"] > last_seal
    raw(trail.target, f"DELETE FROM audit_entry WHERE seq > {last_seal}")
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert f"ends at entry {last_seal}" in out, out
    assert "deleted" in out, out


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the server the tests run on (Debian keeps them per version)."""
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    assert found, f"{name} is part of the PostgreSQL the tests start (scripts/pg-test-server.sh)"
    return str(found)


def _libpq(target: str) -> str:
    from sqlalchemy import make_url

    return make_url(target).set(drivername="postgresql").render_as_string(hide_password=False)


def back_up(target: str, folder: Path) -> Path:
    """What an administrator's backup does: `sqlite3 suitcheck.db ".backup copy.db"`, or
    `pg_dump -Fc` of a PostgreSQL store."""
    copy = folder / "backup"
    if "://" in target:
        subprocess.run([_pg_tool("pg_dump"), "-Fc", "-f", str(copy), "--dbname", _libpq(target)], check=True)
    else:
        with sqlite3.connect(target) as source, sqlite3.connect(copy) as dest:
            source.backup(dest)
    return copy


def restore(copy: Path, target: str) -> None:
    if "://" in target:
        subprocess.run(
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--dbname", _libpq(target), str(copy)],
            check=True,
        )
    else:
        with sqlite3.connect(copy) as source, sqlite3.connect(target) as dest:
            source.backup(dest)


def test_store_restored_from_an_older_backup(trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A store put back from last night's backup ends before the head kept beside the key,
    and the key has moved on past it. It is refused like a truncation until someone with
    OS access accepts it with a reason; the acceptance is a new installation whose first
    entry names the lost range, and the loss never leaves the trail."""
    code, out = cli(trail, "audit", "key", "show", capsys=capsys)
    filed = tmp_path / "filed-before.txt"
    filed.write_text(out, encoding="utf-8")
    backup_end = read_rows(trail.target)[-1]["seq"]
    backup = back_up(trail.target, tmp_path)
    for _ in range(15):  # more than a seal interval: the key evolves past the backup
        assert check(trail, capsys)[0] == 0
    head = read_rows(trail.target)[-1]
    restore(backup, trail.target)

    code, out = check_code(trail, capsys)
    assert code == 1, out
    assert f"ends at entry {backup_end}" in out, out
    assert "--restored-backup" in out, out
    code, out = cli(trail, "init", "--restored-backup", "  ", capsys=capsys)
    assert code == 1, out
    assert "shorter than its recorded head" in out, out  # a reason is required
    assert read_rows(trail.target)[-1]["seq"] == backup_end  # nothing written

    code, out = cli(trail, "init", "--restored-backup", "disk replaced; restored last night's backup", capsys=capsys)
    assert code == 0, out
    assert "restored-from-backup" in out, out
    assert "fingerprint" in out, out
    accepted = read_rows(trail.target)[-1]
    facts = json.loads(accepted["facts"])
    assert accepted["seq"] == backup_end + 1
    assert accepted["action"] == "installation-registered"
    assert facts["event"] == "restored-from-backup"
    assert facts["reason"] == "disk replaced; restored last night's backup"
    assert facts["recorded_head"] == {"seq": head["seq"], "hash": head["entry_hash"]}
    assert facts["entries_lost"] == head["seq"] - backup_end
    assert facts["previous_chain"] == head["chain"] != accepted["chain"]
    ring = keys.read_keyring(trail.key_path)
    assert ring is not None
    assert any(r.get("chain") == head["chain"] and r["why"] == "restored-from-backup" for r in ring.retired)

    assert check(trail, capsys)[0] == 0
    code, out = verify(trail, capsys)
    assert code == 0, out
    # Compliance sees the new installation: the keys filed before the restore do not cover it.
    code, out = verify(trail, capsys, "--public-key", str(filed))
    assert code == 4, out
    assert "not among the trusted public keys" in out, out
    # Accepting twice is refused: the store is no longer behind its head.
    code, out = cli(trail, "init", "--restored-backup", "again", capsys=capsys)
    assert code == 1, out
    assert "not behind its head" in out, out


def test_restored_backup_does_not_accept_a_rewritten_store(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    rows = read_rows(trail.target)
    victim = first(rows, lambda r: r["action"] == "check")
    victim["decision"] = "block" if victim["decision"] == "allow" else "allow"
    rehash(rows)
    write_rows(trail.target, rows)
    code, out = cli(trail, "init", "--restored-backup", "restored", capsys=capsys)
    assert code == 1, out
    assert "was rewritten" in out, out


def check_code(trail: Trail, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return cli(
        trail, "check", "--investor", "T1", "--report", str(trail.report), "--user", "t-compliance", capsys=capsys
    )


def test_key_file_deleted(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    trail.key_path.unlink()
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert "audit key" in out, out
    assert "is missing" in out, out
    assert not trail.key_path.exists()  # nothing was created silently
    code, out = cli(trail, "init", capsys=capsys)
    assert code == 1, out
    assert "--join" in out, out


def test_foreign_key_file(trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    from suitcheck.services import open_services

    open_services(other, init=True).close()  # the same keyring now also holds another store's key
    ring = keys.read_keyring(trail.key_path)
    assert ring is not None
    sid = read_rows(trail.target)[0]["entry_hash"]
    ring.stores.pop(sid)
    keys.write_keyring(ring)
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert "holds no key for the store" in out, out


def test_store_deleted_then_reinitialised(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    if "://" in trail.target:
        from sqlalchemy import make_url

        from tests.conftest import _fresh_pg_database

        url = make_url(trail.target)
        _fresh_pg_database(url.set(database="postgres").render_as_string(False), str(url.database))
        missing_words = "is empty"
    else:
        Path(trail.target).unlink()
        missing_words = "is missing"
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert missing_words in out, out
    if "://" not in trail.target:
        assert not Path(trail.target).exists()  # not silently re-created
    code, out = cli(trail, "init", "--admin", "mallory", capsys=capsys)
    assert code == 1, out
    assert "--start-over" in out, out
    code, out = cli(trail, "init", "--admin", "newroot", "--start-over", capsys=capsys)
    assert code == 0, out
    assert "fingerprint" in out, out
    started = json.loads(read_rows(trail.target)[0]["facts"])
    assert started["event"] == "started-over"
    assert started["previous_store"]


def test_store_replaced_by_another(trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if "://" in trail.target:
        pytest.skip("replacing a database in place is the 'deleted then re-initialised' case on PostgreSQL")
    other_home = tmp_path / "elsewhere"
    other = other_home / "store.db"
    from suitcheck.services import open_services

    open_services(other, init=True, audit_key_path=other_home / "audit.key").close()
    shutil.copy(other, trail.target)
    for suffix in ("-wal", "-shm"):
        Path(trail.target + suffix).unlink(missing_ok=True)
    code, out = verify(trail, capsys)
    assert code == 1, out
    assert "was replaced" in out, out


def test_key_stolen_today_cannot_rewrite_last_month(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    """The thief copies today's keyring, rewrites an entry of an early (sealed) epoch,
    recomputes every hash and MAC (revealed keys for closed epochs, the stolen key for
    the open one), re-signs every seal it can with the stolen key and rewrites the head
    beside the key. The seal of the edited epoch was signed by a key erased long ago."""
    ring = keys.read_keyring(trail.key_path)
    assert ring is not None
    rows = read_rows(trail.target)
    sid = rows[0]["entry_hash"]
    inst = ring.installation(sid)
    assert inst is not None
    assert inst.epoch >= 3
    stolen_key = keys.load_private(inst.secret)
    target = rows[1]  # the entry after the registration: the first epoch, long sealed
    assert target["seq"] < first(rows, lambda r: r["action"] == "seal")["seq"]
    target["staff"] = "mallory"
    rehash(rows, stolen={inst.chain: keys.entry_mac_key(stolen_key)})
    write_rows(trail.target, rows)
    steal_head(trail, rows)
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "no longer matches" in out, out
    assert "epoch 0" in out, out


def test_verify_with_filed_public_key_rejects_a_foreign_trail(
    trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = cli(trail, "audit", "key", "show", capsys=capsys)
    assert code == 0
    assert "fingerprint" in out
    filed = tmp_path / "filed-keys.txt"
    filed.write_text(out, encoding="utf-8")
    assert verify(trail, capsys, "--public-key", str(filed))[0] == 0
    stranger = keys.printable_public(keys.public_hex(keys.new_private_key()))
    code, out = verify(trail, capsys, "--public-key", stranger)
    assert code == 4, out
    assert "not among the trusted public keys" in out, out


# -- rows changed outside suitcheck ---------------------------------------------------------


def check(trail: Trail, capsys: pytest.CaptureFixture[str], account: str = "T1") -> tuple[int, dict[str, Any]]:
    code, out = cli(
        trail, "check", "--investor", account, "--report", str(trail.report), "--json", "--user", "t-compliance",
        capsys=capsys,
    )  # fmt: skip
    return code, json.loads(out)


def test_raw_update_of_a_clients_profile_blocks_and_fails_verification(
    trail: Trail, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = cli(
        trail, "report", "rate", str(trail.report), "--level", "R5", "--note", "derivatives", "--user", "t-compliance",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, out
    code, before = check(trail, capsys)
    assert code == 3
    assert "record-integrity" not in before["reasons"]  # C3 may not have R5: blocked on the rules
    raw(trail.target, "UPDATE investor SET current_profile = 5 WHERE account = 'T1'")
    code, after = check(trail, capsys)
    assert code == 3
    assert after["decision"] == "block"
    assert after["reasons"][0] == "record-integrity", after
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "client T1's record was changed outside suitcheck" in out, out


def test_raw_update_of_a_reports_level_blocks_refuses_the_list_and_fails_verification(
    trail: Trail, capsys: pytest.CaptureFixture[str]
) -> None:
    """From the command line: the check exits 3 for record-integrity, the distribution list
    exits 1 with one sentence (no traceback), verify exits 4 naming the report."""
    code, before = check(trail, capsys)
    assert code == 0, before
    raw(trail.target, f"UPDATE report SET level = 1, suggested_level = 1 WHERE id = {trail.report}")
    code, after = check(trail, capsys)
    assert code == 3
    assert after["reasons"] == ["record-integrity"], after
    code, out = cli(trail, "eligible", "--report", str(trail.report), "--user", "t-compliance", capsys=capsys)
    assert code == 1, out
    assert out == "suitcheck: " + (
        f"Report {trail.report}'s record was changed outside suitcheck; no distribution list is made for it "
        "until compliance has investigated (suitcheck audit verify)."
    )
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert f"report {trail.report}'s record was changed outside suitcheck" in out, out


def test_a_policy_version_inserted_by_sql_refuses_every_check(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(
        trail.target,
        "INSERT INTO policy (version, document, created_at) SELECT version + 1, document, created_at FROM policy "
        "WHERE version = (SELECT max(version) FROM policy)",
    )
    code, out = cli(
        trail, "check", "--investor", "T1", "--report", str(trail.report), "--user", "t-compliance", capsys=capsys
    )
    assert code == 1, out
    assert "was not written by suitcheck" in out, out
    assert "Traceback" not in out
    assert len(out.splitlines()) == 1, out
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "policy version" in out, out


def test_raw_update_of_a_staff_role_grants_nothing(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(trail.target, "UPDATE staff SET role = 'admin' WHERE username = 't-advisor'")
    code, out = cli(trail, "staff", "list", "--user", "t-advisor", capsys=capsys)
    assert code != 0, out
    assert "changed outside suitcheck" in out, out
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "staff account t-advisor was changed outside suitcheck" in out, out


def test_a_client_deleted_in_sql_is_named_by_verify(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    """suitcheck deletes no client: one deleted in SQL (with their assessment history) took
    their record with them, check answered 'no such client', and verify said OK."""
    raw(
        trail.target,
        "DELETE FROM assessment WHERE investor_id = (SELECT id FROM investor WHERE account = 'T1')",
        "DELETE FROM investor WHERE account = 'T1'",
    )
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "client T1, recorded in the trail, is missing from the store" in out, out


def test_a_staff_account_deleted_in_sql_is_named_by_verify(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(trail.target, "DELETE FROM staff WHERE username = 't-advisor'")
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "staff account t-advisor, recorded in the trail, is missing from the store" in out, out


def test_an_older_row_put_back_is_found_by_verify(
    trail: Trail, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    """Copying back a client's earlier row (with its then-valid seal) passes the seal, but
    not the comparison with the last state the trail recorded."""
    engine = _engine(trail.target)
    with engine.connect() as conn:
        old = conn.execute(
            text("SELECT current_profile, current_assessed_on, integrity FROM investor WHERE account = 'T1'")
        ).one()
    engine.dispose()
    code, out = cli(
        trail, "investor", "assess", "T1", "--profile", "C1", "--assessed", "2026-06-01", "--note", "re-assessed",
        "--user", "t-compliance", capsys=capsys,
    )  # fmt: skip
    assert code == 0, out
    engine = _engine(trail.target)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE investor SET current_profile = :p, current_assessed_on = :d, integrity = :i "
                "WHERE account = 'T1'"
            ),
            {"p": old[0], "d": old[1], "i": old[2]},
        )
    engine.dispose()
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "client T1's record differs from the last state the trail recorded" in out, out


def test_policy_version_inserted_outside_suitcheck(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    raw(
        trail.target,
        "INSERT INTO policy (version, document, created_at) VALUES "
        "(99, '{\"version\": 99, \"allow_escalation\": true}', '2026-01-01 00:00:00')",
    )
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "policy version 99 was added or changed outside suitcheck" in out, out


@pytest.mark.parametrize("seq", [0, -5])
def test_an_entry_numbered_below_one_is_found(trail: Trail, capsys: pytest.CaptureFixture[str], seq: int) -> None:
    """A row under a number no verification reads from (they read `seq > 0` in order): a
    copy of a real check, an "allow" entry anyone listing the trail by number would see
    first, added by a SQL client. The trail is counted as well as read in order."""
    rows = read_rows(trail.target)
    forged = dict(first(rows, lambda r: r["action"] == "check"))
    forged["seq"], forged["decision"] = seq, "allow"
    names = ", ".join(COLUMNS)
    values = ", ".join(f":{c}" for c in COLUMNS)
    with _engine(trail.target).begin() as conn:
        conn.execute(text(f"INSERT INTO audit_entry ({names}) VALUES ({values})"), forged)
    code, out = verify(trail, capsys)
    assert code == 4, out
    found = re.search(r"the trail holds (\d+) entries, but only (\d+) are numbered from 1 in order", out)
    assert found is not None, out
    assert int(found[1]) == int(found[2]) + 1 > len(rows), out  # the forged row (the login's entry came since)


def test_an_entry_without_a_number_is_found(trail: Trail, capsys: pytest.CaptureFixture[str]) -> None:
    """The key on seq dropped (PostgreSQL) or the table rebuilt without it (SQLite), then a
    row added with no number: no verification reading in order (`seq > n`) reaches it."""
    from tests.audit.test_verify_split_attack import seq_not_unique

    rows = read_rows(trail.target)
    seq_not_unique(trail.target, nullable=True)
    forged = dict(first(rows, lambda r: r["action"] == "check"))
    forged["decision"] = "allow"
    names = ", ".join(COLUMNS)
    values = ", ".join(f":{c}" for c in COLUMNS)
    with _engine(trail.target).begin() as conn:
        conn.execute(text(f"INSERT INTO audit_entry ({names}) VALUES ({values})"), {**forged, "seq": None})
    code, out = verify(trail, capsys)
    assert code == 4, out
    assert "are numbered from 1 in order: the others were added outside suitcheck" in out, out


@pytest.mark.parametrize("number", ["'{seq}x'", "{seq} + 0.5", "X'00'"], ids=["text", "real", "blob"])
@pytest.mark.parametrize("where", ["newest", "middle"])
def test_an_entry_numbered_with_text_is_found(
    trail: Trail, capsys: pytest.CaptureFixture[str], where: str, number: str
) -> None:
    """SQLite keeps a text, a real or a BLOB in an INTEGER column of a table rebuilt without
    its key; PostgreSQL refuses text and bytes, and rounds a real. Such a row is no entry of
    the trail: the store refuses to open with a sentence (it was 'unexpected error
    (TypeError)'), or verify names it."""
    from tests.audit.test_verify_split_attack import seq_not_unique

    rows = read_rows(trail.target)
    seq_not_unique(trail.target)
    target = rows[-1] if where == "newest" else rows[len(rows) // 2]
    statement = f"UPDATE audit_entry SET seq = {number.format(seq=target['seq'])} WHERE seq = {target['seq']}"
    if "://" in trail.target:
        if number != "{seq} + 0.5":
            with pytest.raises(DBAPIError):  # the column's type refuses it: nothing to read
                raw(trail.target, statement)
            return
        raw(trail.target, statement)  # rounded up: the newest entry's number moves on, or repeats the next's
        code, out = verify(trail, capsys)
        if where == "newest":
            assert code == 1, out
            assert f"was rewritten: entry {target['seq']} differs from the head recorded" in out, out
        else:
            assert code == 4, out
            assert f"entry {target['seq']} is missing (found {target['seq'] + 1} in its place)" in out, out
        return
    raw(trail.target, statement)
    code, out = verify(trail, capsys)
    if where == "newest" or number != "{seq} + 0.5":  # SQLite sorts text and BLOBs above every number
        assert code == 1, out
        assert "was changed outside suitcheck: the newest entry of its audit trail is numbered" in out, out
    else:  # a real among the numbers: read in its place
        assert code == 4, out
        assert f"entry {target['seq']} is missing (found {target['seq'] + 0.5} in its place)" in out, out
