"""The audit trail as an insider and as a regulator see it (session 20, atk-trail).

The insider can write the store and the files beside it, not the keyring's secrets; the
regulator holds only an export and what the firm published with it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

import suitcheck
from suitcheck.audit import keys
from suitcheck.audit.chain import canonical_entry, canonical_json, entry_hash
from suitcheck.audit.export import HEADERS, manifest_message, xlsx_pieces
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services, open_services
from tests.attack.test_attack_override_seal import _sql
from tests.audit.conftest import CHECKS, Trail, cli, trail  # noqa: F401
from tests.audit.test_tamper import _engine, raw, read_rows, verify
from tests.conftest import FAST_HASHER, Clock, staff
from tests.fixtures import checked_client

REGISTERED = "installation-registered"


def _export(store: Trail, capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> None:
    code, said = cli(
        store, "audit", "export", "--user", "t-compliance", "--format", out.suffix[1:], "--out", str(out), *extra,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, said


def _exports_of_a_failing_trail(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> tuple[tuple[Path, Path], str]:
    """A trail that fails verification, exported whole (written: its verifier re-walks the
    chain) and for client 1 (written, and warned: exit 4). The two files, and the warning."""
    whole, client = tmp_path / "trail.csv", tmp_path / "client.jsonl"
    _export(trail, capsys, whole)
    code, said = cli(
        trail, "audit", "export", "--user", "t-compliance", "--format", "jsonl", "--investor", "1",
        "--out", str(client), capsys=capsys,
    )  # fmt: skip
    assert code == 4, said
    return (whole, client), said.splitlines()[-1]


def _manifest(out: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(out.with_name(out.name + ".manifest.json").read_text(encoding="utf-8"))
    return manifest


def _resign(out: Path, manifest: dict[str, Any], signer: Any) -> None:
    """The manifest re-signed by a key of the forger's own, as its genesis key (no seals)."""
    public = keys.public_hex(signer)
    chain = keys.chain_id(public)
    manifest["signer"] = {"chain": chain, "genesis_public_key": public, "epoch": 0, "public_key": public}
    manifest["ladder"] = []
    manifest.pop("signature", None)
    manifest["signature"] = keys.sign_hex(signer, manifest_message(manifest))
    out.with_name(out.name + ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _forge_jsonl(out: Path, decision: str, signer: Any) -> int:
    """Every check in a JSONL export rewritten to `decision`, hashes, digests and manifest
    made again and signed by `signer`. The seq of the first entry rewritten."""
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    changed: int | None = None
    for r in records:
        if r["action"] == "check" and r["decision"] != decision:
            r["decision"] = decision
            changed = changed or r["seq"]
            r["entry_hash"] = entry_hash(
                canonical_entry(
                    r["seq"], r["at"], r["staff"], r["action"], r["investor_id"], r["report_id"], r["decision"],
                    canonical_json(r["reasons"]), canonical_json(r["facts"]), r["prev_hash"], r.get("chain"),
                )
            )  # fmt: skip
    assert changed is not None
    data = "".join(canonical_json(r) + "\n" for r in records).encode()
    out.write_bytes(data)
    manifest = _manifest(out)
    manifest["file_sha256"] = hashlib.sha256(data).hexdigest()
    manifest["entries_sha256"] = hashlib.sha256(
        "".join(f"{r['seq']}:{r['entry_hash']}\n" for r in records).encode()
    ).hexdigest()
    manifest["last_hash"] = records[-1]["entry_hash"]
    _resign(out, manifest, signer)
    return changed


# -- a key of the insider's own, trusted by a desk's `audit verify FILE` -------------------


@pytest.mark.parametrize("seq", [0, None])
def test_a_registration_the_store_does_not_accept_vouches_for_no_export(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    seq: int | None,
) -> None:
    """Was BROKE: `audit verify FILE` at a desk (no --public-key) trusted the genesis key of
    every row whose action is `installation-registered`, whatever the row: one an insider
    inserted in SQL under seq 0, or at the head without the proof its key signs, neither
    of which `audit verify` accepts as a registration. With that key the insider signed a
    filtered export of their own making (every check turned to "block"), and compliance's
    verification at the desk said "OK ... The whole trail ... verified when it was exported".
    """
    out = tmp_path / "client.jsonl"
    _export(trail, capsys, out, "--investor", "1")
    insider = keys.new_private_key()
    public = keys.public_hex(insider)
    chain = keys.chain_id(public)
    head = read_rows(trail.target)[-1]
    number = head["seq"] + 1 if seq is None else seq
    facts = json.dumps({"chain": chain, "genesis_public_key": public, "row_public_key": public})
    raw(
        trail.target,
        "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
        f"({number}, '2026-06-15T09:30:00.000000Z', 'system', '{REGISTERED}', '[]', {_sql(facts)}, "
        f"'{head['entry_hash']}', '{'0' * 64}', '{chain}')",
    )
    code, said = verify(trail, capsys)
    assert code == 4, said  # the store's own verification does not take it for a registration
    changed = _forge_jsonl(out, "block", insider)

    code, said = verify(trail, capsys, str(out))
    assert code == 4, said
    assert said == (f"FAILED: the manifest is signed by installation {chain}, whose genesis key is not trusted here"), (
        said
    )
    # The forgery is sound but for its signer: with the insider's key among the trusted, it verifies.
    code, shown = cli(trail, "audit", "key", "show", capsys=capsys)
    filed = tmp_path / "filed.txt"
    filed.write_text(shown, encoding="utf-8")
    code, said = verify(trail, capsys, str(out), "--public-key", str(filed), "--public-key", public)
    assert code == 0, said
    assert said.startswith(f"OK: {CHECKS + 2} entries verified"), said  # the client's: its checks among them
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert next(r for r in records if r["seq"] == changed)["decision"] == "block"


# -- an export's text as a text editor or a spreadsheet leaves it ---------------------------


@pytest.fixture
def long_record(sqlite_services: Services, tmp_path: Path) -> tuple[Services, Actor]:
    """A trail with an entry whose record is longer than 131,072 characters, the csv
    module's default field limit: a `record-sealed` entry listing 2,000 rows. The upgrade
    to sealed records lists every client, staff, report and policy row of the store in one
    such entry (RowSealer.seal_all), so a store of some 1,200 clients or more has one."""
    compliance = staff(sqlite_services, Role.COMPLIANCE)
    checked_client(sqlite_services, compliance, tmp_path, title="t", account="X1", name="n", record_rows=2000)
    return sqlite_services, compliance


def test_a_csv_export_holding_a_record_longer_than_the_csv_modules_limit_verifies(
    long_record: tuple[Services, Actor], tmp_path: Path
) -> None:
    """Was BROKE: the verifier read the CSV with the csv module's default field limit
    (131,072 characters), so a genuine export holding a longer record could not be verified
    at all: `audit verify FILE.csv` said "unexpected error (Error)" (exit 1), with or
    without --public-key. The record is read whole now; a CSV the module cannot read is
    said to be damaged in a sentence."""
    services, compliance = long_record
    out = tmp_path / "trail.csv"
    services.audit.export(compliance, out, "csv")
    longest = max(len(line) for line in out.read_text(encoding="utf-8-sig").splitlines())
    assert longest > 131_072
    check = services.audit.verify_file(compliance, out)
    assert check.ok, check.result.problem
    # The same file with the long record edited still fails as an edit, not as an error.
    text = out.read_text(encoding="utf-8-sig")
    out.write_text(text.replace("客户01999", "客户01998", 1), encoding="utf-8-sig")
    check = services.audit.verify_file(compliance, out)
    assert not check.ok
    assert "was altered" in (check.result.problem or ""), check.result.problem
    # And the module's limit is as it was for every other reader of CSV (the client import).
    assert csv.field_size_limit() == 131_072


# -- the store's columns holding what suitcheck never writes --------------------------------


SEAL_EDITS = {
    "facts-empty": "facts = '{}'",
    "facts-list": "facts = '[]'",
    "facts-not-json": "facts = 'sealed'",
    "facts-number": "facts = 12",  # SQLite keeps a number in a text column (PostgreSQL: '12')
    "at-bytes": "at = X'3230'",  # and bytes (PostgreSQL: a bit string, kept as its digits)
    "prev-bytes": "prev_hash = X'3230'",
}


@pytest.mark.parametrize("edit", list(SEAL_EDITS))
def test_a_seal_row_damaged_in_sql_leaves_every_export_a_sentence(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    edit: str,
) -> None:
    """Was BROKE: an export reads this installation's seals for the manifest's ladder (the
    key history from the genesis key to the key that signs it), and a seal whose facts were
    set in SQL to something else than a seal's (`{}`, a list, text that is no JSON, a
    number) or whose time or link was set to bytes made every `audit export` end with
    "unexpected error (KeyError / TypeError / JSONDecodeError)", whole trail or filtered,
    and no file for investigation. Now the export is written as for any trail that fails:
    its ladder breaks at that seal, so the file fails verification naming it, and a
    filtered export warns (exit 4) as it does for any other damage."""
    seal = [r for r in read_rows(trail.target) if r["action"] == "seal"][1]
    raw(trail.target, f"UPDATE audit_entry SET {SEAL_EDITS[edit]} WHERE seq = {seal['seq']}")
    code, said = verify(trail, capsys)
    assert code == 4, said
    exports, warning = _exports_of_a_failing_trail(trail, capsys, tmp_path)
    assert warning.startswith("suitcheck: The audit trail fails verification"), warning
    for out in exports:
        code, said = verify(trail, capsys, str(out))
        assert code == 4, said
        assert "the key history of installation" in said, said
        assert "is broken at its epoch 1 seal" in said, said


# -- the files beside the key, put back as they were ----------------------------------------


def test_an_old_head_record_put_back_does_not_hide_entries_deleted_across_a_seal(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The head record beside the key carries a MAC under the keyring's head key, which the
    insider does not hold; but an earlier copy of the record is one that key made. The
    insider copies it after entry N, and later deletes the entries after N and puts the copy
    back: the record matches the store again. Once a seal came after N, that fails: the
    keyring holds the head its last seal signed (and the epoch it reached), which the
    record cannot take back. (Within one epoch it succeeds: docs/audit-design.md, "What
    remains possible".)"""
    (head,) = trail.key_path.parent.glob(trail.key_path.name + ".*.head")
    kept = tmp_path / "kept.head"
    shutil.copy(head, kept)
    last = read_rows(trail.target)[-1]["seq"]
    while not any(r["action"] == "seal" for r in read_rows(trail.target) if r["seq"] > last):
        code, said = cli(
            trail, "check", "--user", "t-compliance", "--investor", "T1", "--report", str(trail.report), capsys=capsys
        )
        assert code == 0, said
    sealed = next(r["seq"] for r in read_rows(trail.target) if r["seq"] > last and r["action"] == "seal")
    raw(trail.target, f"DELETE FROM audit_entry WHERE seq > {last}")
    shutil.copy(kept, head)
    code, said = verify(trail, capsys)
    assert code == 1, said
    assert f"it ends at entry {last}, but entry {sealed} was recorded beside the audit key" in said, said


# -- JSON nested deeper than Python reads it ------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError, which is no ValueError


def _filed(trail: Trail, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:  # noqa: F811
    code, shown = cli(trail, "audit", "key", "show", capsys=capsys)
    assert code == 0, shown
    filed = tmp_path / "filed.txt"
    filed.write_text(shown, encoding="utf-8")
    return filed


@pytest.mark.parametrize("edit", ["ladder-number", "ladder-true", "manifest-deep", "record-deep"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_an_export_or_manifest_edited_into_what_no_export_holds_fails_in_a_sentence(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fmt: str,
    edit: str,
) -> None:
    """Was BROKE: the regulator's `audit verify FILE --public-key FILED` (no store) ended
    with "unexpected error (TypeError)" when the manifest's seal ladder was a number or
    true instead of a list, and "unexpected error (RecursionError)" when the manifest, a
    JSON Lines line or a CSV record held JSON nested deeper than Python reads (a hundred
    thousand brackets). Each is now a failed verification with a sentence."""
    filed = _filed(trail, capsys, tmp_path)
    out = tmp_path / f"trail.{fmt}"
    _export(trail, capsys, out)
    manifest_path = out.with_name(out.name + ".manifest.json")
    manifest = _manifest(out)
    if edit.startswith("ladder"):
        manifest["ladder"] = 5 if edit == "ladder-number" else True
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    elif edit == "manifest-deep":
        manifest_path.write_text(json.dumps(manifest)[:-1] + f', "note": {DEEP}}}', encoding="utf-8")
    elif fmt == "jsonl":
        lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
        out.write_text("".join([lines[0], DEEP + "\n", *lines[1:]]), encoding="utf-8")
    elif fmt == "xlsx":
        # The first entry's record, in the `canonical` column and the cells to its right, as
        # a record longer than a cell is written (a cell holds at most 32,767 characters).
        book = openpyxl.load_workbook(out)
        sheet = book.worksheets[0]
        for column, piece in enumerate(xlsx_pieces(DEEP), start=len(HEADERS)):
            sheet.cell(row=2, column=column, value=piece)
        book.save(out)
    else:
        lines = out.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        row = "," * 15 + f'"{DEEP}"\r\n'
        out.write_text("".join([lines[0], row, *lines[1:]]), encoding="utf-8-sig")
    code, said = verify(trail, capsys, str(out), "--public-key", str(filed))
    assert code == 4, said
    expected = {
        "ladder-number": "the key history of installation",
        "ladder-true": "the key history of installation",
        "manifest-deep": "is damaged",
        "record-deep": "does not join into valid JSON" if fmt == "xlsx" else "Row 2 of the export is damaged",
    }[edit]
    assert said.startswith("FAILED"), said
    assert expected in said, said


def _rehashed(row: dict[str, Any]) -> str:
    return entry_hash(
        canonical_entry(
            row["seq"], row["at"], row["staff"], row["action"], row["investor_id"], row["report_id"], row["decision"],
            row["reasons"], row["facts"], row["prev_hash"], row["chain"],
        )
    )  # fmt: skip


def test_entries_nested_too_deep_in_the_store_leave_every_command_a_sentence(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Was BROKE: an insider set in SQL an entry's facts or reasons to JSON nested deeper than
    Python reads. `audit verify` names such an entry ("was altered"), but every `audit
    export` (whole or filtered) ended with "unexpected error (RecursionError)" and no file
    for investigation, `audit key show` did so for a registration, and `audit verify` did
    so for a seal whose hash was made again over its new facts. Now the export is written
    (the entry as its stored text, which fails its hash), key show lists what it can read,
    and verify names the seal."""
    rows = read_rows(trail.target)
    check = next(r for r in rows[len(rows) // 2 :] if r["action"] == "check" and r["investor_id"] == 1)
    registration = rows[0]
    seal = [r for r in rows if r["action"] == "seal"][1]
    seal["facts"] = "{" + f'"epoch":{DEEP}' + "}"
    raw(  # the seal's facts made deep, and its hash made again over them
        trail.target,
        f"UPDATE audit_entry SET facts = {_sql(seal['facts'])}, entry_hash = '{_rehashed(seal)}' "
        f"WHERE seq = {seal['seq']}",
    )
    code, said = verify(trail, capsys)
    assert code == 4, said
    assert said.startswith(f"FAILED at entry {seal['seq']}: entry {seal['seq']} is a damaged seal"), said
    raw(
        trail.target,
        f"UPDATE audit_entry SET facts = '{DEEP}' WHERE seq = {check['seq']}",
        f"UPDATE audit_entry SET reasons = '{DEEP}' WHERE seq = {check['seq'] + 1}",
        f"UPDATE audit_entry SET facts = '{{\"chain\": {DEEP}}}' WHERE seq = {registration['seq']}",
    )
    code, said = cli(trail, "audit", "key", "show", capsys=capsys)
    assert code == 0, said
    exports, warning = _exports_of_a_failing_trail(trail, capsys, tmp_path)
    assert warning.startswith("suitcheck: The audit trail fails verification (entry 1 was altered"), warning
    for out in exports:
        code, said = verify(trail, capsys, str(out))
        assert code == 4, said
        assert said.startswith("FAILED"), said


@pytest.mark.parametrize("genesis", [5, "not hex", [1]])
def test_a_registration_whose_key_is_no_key_fails_in_a_sentence(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    genesis: Any,
) -> None:
    """Was BROKE: the verifier took a registration's genesis key for hex text before it
    checked it was, outside its try: a whole-trail export whose registration record says
    a number or text that is no hex, its hash made again, made the regulator's `audit verify
    FILE --public-key FILED` end with "unexpected error (TypeError / ValueError)" (the
    records are verified before the manifest's digests are compared with them)."""
    filed = _filed(trail, capsys, tmp_path)
    out = tmp_path / "trail.jsonl"
    _export(trail, capsys, out)
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    first = json.loads(lines[0])
    first["facts"]["genesis_public_key"] = genesis
    first["entry_hash"] = entry_hash(
        canonical_entry(
            first["seq"], first["at"], first["staff"], first["action"], first["investor_id"], first["report_id"],
            first["decision"], canonical_json(first["reasons"]), canonical_json(first["facts"]), first["prev_hash"],
            first["chain"],
        )
    )  # fmt: skip
    out.write_text(canonical_json(first) + "\n" + "".join(lines[1:]), encoding="utf-8")
    code, said = verify(trail, capsys, str(out), "--public-key", str(filed))
    assert code == 4, said
    assert said == "FAILED at entry 1: entry 1 is a damaged installation registration", said


def test_a_keyring_copy_left_by_a_write_stopped_halfway_is_erased_with_the_key(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE (forward security): the keyring is replaced by writing a temporary file
    beside it and renaming it; a process killed or a machine losing power between the two
    leaves that file (`.audit.key.XXXXXXXX`, the whole keyring: the epoch key, a pending
    next key, the row and head keys), and nothing removed it. The seal that followed erased
    the epoch key from the keyring, not from the copy, where anyone who can read the
    folder found it. Now every keyring write, under the keyring's lock, removes such copies."""
    left = trail.key_path.with_name(f".{trail.key_path.name}.k3y5tmp0")
    shutil.copy(trail.key_path, left)  # what a write stopped before its rename leaves
    before = left.read_bytes()
    code, said = verify(trail, capsys)  # a verification that passes seals: the epoch key is erased
    assert code == 0, said
    assert trail.key_path.read_bytes() != before
    assert not left.exists()


# -- what a whole-trail export's verdict says ----------------------------------------------


def test_a_whole_trail_export_says_which_entries_await_another_installations_seal(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    clock: Clock,
) -> None:
    """Was BROKE: on a store two desktops share, an insider adds a forged "allow" under
    desktop B's open epoch (any MAC: only B's key checks it before B's next seal), and
    desktop A exports the whole trail. The export seals A's epoch, not B's, so the forged
    entry's MAC is checked by nothing; the file's verifier counted it among the unsealed
    (`unsealed` in --json), but its sentence said "OK: N entries verified ... It holds the
    whole trail", the forged entry among the N. A filtered export already said how many
    await their seal; a whole-trail export says it now too."""
    home = tmp_path / "desk-b" / "audit.key"
    other = open_services(trail.target, clock=clock, hasher=FAST_HASHER, audit_key_path=home, init=True, join=True)
    b_chain = other.ctx.sealer.chain
    other.close()
    code, said = cli(
        trail, "audit", "key", "trust", b_chain, "--reason", "key filed", "--user", "t-root", capsys=capsys
    )
    assert code == 0, said  # desktop A vouches for B's exports once compliance filed its key
    rows = read_rows(trail.target)
    check = next(r for r in rows if r["action"] == "check")
    head = rows[-1]
    forged = {**check, "seq": head["seq"] + 1, "prev_hash": head["entry_hash"], "decision": "allow", "chain": b_chain}
    forged["entry_hash"], forged["mac"] = _rehashed(forged), "00" * 32
    columns = ", ".join(forged)
    with _engine(trail.target).begin() as conn:
        conn.execute(text(f"INSERT INTO audit_entry ({columns}) VALUES ({', '.join(':' + c for c in forged)})"), forged)
    out = tmp_path / "trail.csv"
    _export(trail, capsys, out)
    assert forged["entry_hash"] in out.read_text(encoding="utf-8-sig")
    code, said = cli(trail, "audit", "verify", str(out), "--json", "--user", "t-compliance", capsys=capsys)
    awaiting = json.loads(said)["unsealed"]
    assert awaiting == 2, said  # B's registration (its signature checked) and the forged entry
    code, said = verify(trail, capsys, str(out))
    assert code == 0, said  # as `audit verify` of the store on desktop A: awaiting B's seal
    assert f"{awaiting} of its entries await their installation's seal" in said, said
    assert "nothing has checked their MACs yet" in said, said


_LIMITED_CLI = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))
from suitcheck.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="device files and address-space limits are POSIX")
@pytest.mark.parametrize("what", ["head", "keyring"])
def test_a_file_beside_the_key_replaced_by_a_device_is_refused_in_a_sentence(
    trail: Trail,  # noqa: F811
    tmp_path: Path,
    what: str,
) -> None:
    """Was BROKE: the head record and the keyring were read whole, whatever they were. An
    insider who can write beside the key replaced the head record (or the keyring) by a
    link to /dev/zero: every command read it until memory ran out ("unexpected error
    (MemoryError)" here under a 600 MB limit; without one, the desk's memory). Both are now
    read only as regular files and only up to a size no genuine one reaches; otherwise the
    store is refused with a sentence (exit 1), as for a head record that was edited."""
    (head,) = trail.key_path.parent.glob(trail.key_path.name + ".*.head")
    target = head if what == "head" else trail.key_path
    target.unlink()
    target.symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED_CLI, "audit", "verify", "--db", trail.target, "--user", "t-compliance"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(suitcheck.__file__).parents[1])},
        check=False,
    )
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, said
    assert "unexpected error" not in said, said
    name = "audit head" if what == "head" else "audit key"
    assert said.startswith(f"suitcheck: The {name} {target} cannot be read"), said


# -- the store dropping what it is given ----------------------------------------------------

_HIDE_ALLOWS = {
    "sqlite-before": (
        "CREATE TRIGGER hide_allows BEFORE INSERT ON audit_entry WHEN NEW.decision = 'allow' "
        "BEGIN SELECT RAISE(IGNORE); END"
    ),
    "sqlite-after": (
        "CREATE TRIGGER hide_allows AFTER INSERT ON audit_entry WHEN NEW.decision = 'allow' "
        "BEGIN DELETE FROM audit_entry WHERE seq = NEW.seq; END"
    ),
    "postgresql-before": (
        "CREATE FUNCTION hide_allows() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF NEW.decision = 'allow' THEN RETURN NULL; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER hide_allows BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION hide_allows()",
    ),
    "postgresql-after": (
        "CREATE FUNCTION hide_allows() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF NEW.decision = 'allow' THEN DELETE FROM audit_entry WHERE seq = NEW.seq; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER hide_allows AFTER INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION hide_allows()",
    ),
}


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_trigger_that_drops_entries_as_they_are_written_records_nothing_and_says_so(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    when: str,
) -> None:
    """Was BROKE: an insider who can write the store adds a trigger that drops every "allow"
    entry as it is written (SQLite's RAISE(IGNORE) before the insert, or a delete after it;
    on PostgreSQL a trigger function). The append did not look: the check said ALLOW and
    "audit entry N", and the next entry written took the number N again, linked to N-1, so
    the trail had no gap, `audit verify` passed and nothing ever showed the allowed checks.
    Here `check --batch`: two allowed pairs, then a blocked one. Now an append reads the
    head back before its transaction commits: an entry the store did not keep is refused
    in a sentence, nothing is recorded, and the allowed decisions are not given."""
    backend = "postgresql" if "://" in trail.target else "sqlite"
    statements = _HIDE_ALLOWS[f"{backend}-{when}"]
    raw(trail.target, *(statements if isinstance(statements, tuple) else (statements,)))
    code, said = cli(trail, "investor", "add", "--user", "t-compliance", "--account", "T2", "--name", "乙",
                     "--profile", "C1", "--assessed", "2026-05-01", capsys=capsys)  # fmt: skip
    assert code == 0, said
    before = read_rows(trail.target)
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(f"T1,{trail.report}\nT1,{trail.report}\nT2,{trail.report}\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    code, said = cli(
        trail, "check", "--user", "t-compliance", "--batch", str(pairs), "--out", str(results), capsys=capsys
    )
    lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
    written = [json.loads(line) for line in lines]
    assert not [r for r in written if r.get("decision") == "allow"], written  # no allowed decision without its entry
    assert "unexpected error" not in said, said
    assert "did not keep" in said, said
    assert [r["seq"] for r in read_rows(trail.target)] == [r["seq"] for r in before]  # nothing recorded


def test_a_registration_the_store_does_not_accept_is_not_printed_for_filing(
    trail: Trail,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Was BROKE: `audit key show` printed the key of every row named
    `installation-registered`, in the form compliance files (README: `--public-key` takes "a
    file of them, as `audit key show` prints"), one an insider inserted in SQL under seq 0
    included, with "run `suitcheck audit key trust` once compliance has filed its key". Filed
    so, it made the insider's own export, signed with that key, verify with the filed
    keys: "OK ... verified". Now such a row is listed without its key, as what it is."""
    out = tmp_path / "client.jsonl"
    _export(trail, capsys, out, "--investor", "1")
    insider = keys.new_private_key()
    public = keys.public_hex(insider)
    chain = keys.chain_id(public)
    head = read_rows(trail.target)[-1]
    facts = json.dumps({"chain": chain, "genesis_public_key": public, "row_public_key": public, "event": "joined"})
    raw(
        trail.target,
        "INSERT INTO audit_entry (seq, at, staff, action, reasons, facts, prev_hash, entry_hash, chain) VALUES "
        f"(0, '2026-06-15T09:30:00.000000Z', 'system', '{REGISTERED}', '[]', {_sql(facts)}, "
        f"'{head['entry_hash']}', '{'0' * 64}', '{chain}')",
    )
    code, shown = cli(trail, "audit", "key", "show", capsys=capsys)
    assert code == 0, shown
    assert keys.printable_public(public) not in shown, shown
    assert f"installation {chain}" in shown, shown  # listed, as what it is
    assert "no registration `audit verify` accepts" in shown, shown
    code, data = cli(trail, "audit", "key", "show", "--json", capsys=capsys)
    listed = {i["chain"]: i for i in json.loads(data)["installations"]}
    assert listed[chain]["accepted"] is False
    assert all(i["accepted"] for c, i in listed.items() if c != chain)
    filed = tmp_path / "filed.txt"
    filed.write_text(shown, encoding="utf-8")
    _forge_jsonl(out, "block", insider)
    code, said = verify(trail, capsys, str(out), "--public-key", str(filed))
    assert code == 4, said
    assert said == f"FAILED: the manifest is signed by installation {chain}, whose genesis key is not trusted here"
