"""The installation's audit keys, kept in a protected file beside (never inside) the store.

One keyring file (mode 0600) holds, for every store this installation seals:
- the current epoch's Ed25519 private key (the epoch MAC key is derived from it with
  HKDF); older epochs' keys are gone once their seal is committed (forward security);
- the genesis public key (the trust anchor compliance files) and the row-signing key;
- the latest signed head (seq, hash, signature), so a store shorter than it, missing or
  replaced is refused;
- the other installations this desk trusts to seal rows (`trusted`), decided by whoever
  runs `init` (and `audit key trust`), never by what the store holds.
Nothing here is created except by `create_installation` (called only by `init`).
"""

from __future__ import annotations

import base64
import dataclasses
import glob
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from suitcheck.audit.jsonwriter import one_shot_json
from suitcheck.domain.text import escape_controls
from suitcheck.privatefs import narrow_private, private_dir, sync_folder
from suitcheck.regularfile import read_regular
from suitcheck.store.engine import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)

FORMAT = "suitcheck-audit-keyring/1"
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_NO_ENC = serialization.NoEncryption()


class AuditKeyError(Exception):
    """The keyring is missing, unreadable, damaged or belongs elsewhere; one sentence."""


# -- primitives (all from `cryptography`) --------------------------------------------------


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(_RAW, _RAW_PRIV, _NO_ENC)


def public_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(_RAW, _RAW_PUB).hex()


def load_private(hex_text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(hex_text))


def load_public(text: str) -> Ed25519PublicKey:
    """A public key as 64 hex digits, or the `suitcheck-ed25519:BASE64` form `key show` prints."""
    text = text.strip()
    try:
        if text.startswith("suitcheck-ed25519:"):
            raw = base64.b64decode(text.split(":", 1)[1], validate=True)
        else:
            raw = bytes.fromhex(text)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise AuditKeyError(f"{text[:20]!r}… is not a suitcheck public key.") from exc


def printable_public(public_key_hex: str) -> str:
    return "suitcheck-ed25519:" + base64.b64encode(bytes.fromhex(public_key_hex)).decode()


def fingerprint(public_key_hex: str) -> str:
    """SHA-256 of the raw public key, grouped for reading aloud over the phone."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def chain_id(public_key_hex: str) -> str:
    """The installation's short name in the trail: the start of its genesis key's hash."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]


def entry_mac_key(epoch_key: Ed25519PrivateKey) -> bytes:
    """The epoch's HMAC key: one-way from the epoch's private key, so revealing it at the
    epoch's seal reveals nothing about the signing key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"suitcheck/entry-mac/v1").derive(
        private_bytes(epoch_key)
    )


def mac_hex(key: bytes, message: str) -> str:
    return hmac.digest(key, message.encode(), "sha256").hex()


def mac_equal(stored: object, expected: str) -> bool:
    """Whether a MAC read from the store equals the expected hex, in constant time.
    SQLite keeps whatever an edit outside suitcheck gives a column: bytes, or text that is
    not ASCII (bytes that are not UTF-8 read as U+FFFD), which compare_digest refuses with
    TypeError; neither is a MAC suitcheck writes, so neither matches."""
    return isinstance(stored, str) and stored.isascii() and hmac.compare_digest(stored, expected)


def sign_hex(key: Ed25519PrivateKey, message: bytes) -> str:
    return key.sign(message).hex()


def signature_ok(public_key_hex: str, signature_hex: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# -- the keyring file ----------------------------------------------------------------------


@dataclasses.dataclass
class Installation:
    """This installation's keys for one store (one entry of the keyring)."""

    store_id: str
    location: str
    chain: str
    genesis_public_key: str
    epoch: int
    secret: str  # the current epoch's private key (hex)
    epoch_start: int  # seq of the entry that opened this epoch
    row_secret: str  # long-lived row-integrity signing key (hex)
    row_mac_key: str  # fast row-integrity HMAC key (hex); never in the store
    head_key: str  # MACs the head record kept beside the keyring
    seal_every: int = 1000  # recorded in the registration: the verifier holds every epoch to it
    # Next keys prepared before the seals naming them commit (two-phase): [seq, secret].
    pending: list[list[Any]] = dataclasses.field(default_factory=list)
    signed_head: dict[str, Any] | None = None
    # The other installations (chains) whose row keys this desk accepts for seals it did
    # not make itself: the trust root the store cannot forge (an insider who can write the
    # store cannot write this file). None: not decided yet (a keyring written by a version
    # before it); the next open sets it to the installations validly registered then.
    trusted: list[str] | None = None
    # Set while the registration of a new installation is not known to be committed ({}
    # when it replaces nothing): for one that takes the place of another (a store restored
    # from a backup, a store started over) {"installation": the keys it replaces, "retire":
    # the record naming them retired}; for the upgrade of a store from before sealed
    # trails, "legacy_key": True, the keyring's legacy key being kept until then.
    # An `init` stopped before the commit gets the old keys back (sealing._forget_uncommitted);
    # once the store holds the registration they are erased (sealing.settle_replacement).
    replaces: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Installation:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _holds_password(location: str) -> bool:
    """A store address whose query gives a password or key passphrase in clear (not ***)."""
    query = urllib.parse.urlsplit(location).query if "://" in location else ""
    return any(
        name.lower() in ("password", "sslpassword") and value != "***"
        for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True)
    )


@dataclasses.dataclass
class Keyring:
    path: Path
    stores: dict[str, dict[str, Any]]
    locations: dict[str, str]
    retired: list[dict[str, Any]]
    legacy_key: bytes | None = None  # the pre-1.x HMAC checkpoint key, kept for the upgrade

    def installation(self, store_id: str) -> Installation | None:
        """This store's keys, or None. An entry that cannot be read as keys (edited by hand: a
        value cut, a field deleted) is a damaged key file, never an unexpected error."""
        data, path = self.stores.get(store_id), self.path
        if not data:
            return None
        try:
            inst = Installation.from_dict(data)
            load_private(inst.secret)
            load_private(inst.row_secret)
            for hex_key in (inst.row_mac_key, inst.head_key, inst.genesis_public_key):
                bytes.fromhex(hex_key)
            for seq, secret in inst.pending:
                load_private(secret)
                int(seq)
            if not all(isinstance(v, int) for v in (inst.epoch, inst.epoch_start, inst.seal_every)):
                raise TypeError  # a number that is not a whole number
            if inst.trusted is not None and not all(isinstance(c, str) for c in inst.trusted):
                raise TypeError  # a trusted installation that is not a name
            if inst.replaces is not None and not isinstance(inst.replaces, dict):
                raise TypeError
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise AuditKeyError(f"The audit key {path} is damaged.") from exc
        return inst

    def put(self, inst: Installation) -> None:
        self.stores[inst.store_id] = inst.to_dict()
        # A location an older build wrote with a server's password in its query (?password=,
        # shown and kept as typed until session 28) goes: the store is found by its id, and
        # this one is where it is now.
        for place in [p for p, sid in self.locations.items() if sid == inst.store_id and _holds_password(p)]:
            del self.locations[place]
        self.locations[inst.location] = inst.store_id

    def to_json(self) -> bytes:
        body: dict[str, Any] = {
            "format": FORMAT,
            "stores": self.stores,
            "locations": self.locations,
            "retired": self.retired,
        }
        if self.legacy_key is not None:
            body["legacy_key"] = self.legacy_key.hex()
        return (json.dumps(body, indent=1, sort_keys=True) + "\n").encode()


def read_keyring(path: Path) -> Keyring | None:
    """The keyring, or None when the file does not exist. An old installation's key
    (a bare hex HMAC key) reads as an empty keyring holding that legacy key."""
    try:
        data = read_regular(path, _KEYRING_MAX)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditKeyError(f"The audit key {path} cannot be read: {exc.strerror}.") from exc
    narrow_private(path)  # put back from a backup under the usual umask (0644): the owner's alone again
    if data is None:
        raise AuditKeyError(f"The audit key {path} is damaged.")
    text = data.decode("utf-8", "replace").strip()
    if text and not text.startswith("{"):
        try:
            legacy = bytes.fromhex(text)
        except ValueError as exc:
            raise AuditKeyError(f"The audit key {path} is damaged.") from exc
        if len(legacy) < 16:
            raise AuditKeyError(f"The audit key {path} is damaged.")
        return Keyring(path, {}, {}, [], legacy)
    try:
        body = json.loads(text)
        if body.get("format") != FORMAT:
            _refuse_newer_format(path, body.get("format"))
            raise ValueError(body.get("format"))
        legacy_hex = body.get("legacy_key")
        return Keyring(
            path,
            dict(body["stores"]),
            dict(body["locations"]),
            list(body.get("retired", [])),
            bytes.fromhex(legacy_hex) if legacy_hex else None,
        )
    # RecursionError: JSON nested deeper than Python reads it, which is no ValueError.
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise AuditKeyError(f"The audit key {path} is damaged.") from exc


def _refuse_newer_format(path: Path, given: object) -> None:
    """A keyring a newer version wrote (a desk put back to an older release) is not damaged:
    "damaged" sent IT to restore the key file from a backup, a key the trail has moved past."""
    newer = re.fullmatch(r"suitcheck-audit-keyring/(\d{1,6})", given) if isinstance(given, str) else None
    if newer and int(newer.group(1)) > int(FORMAT.rsplit("/", 1)[1]):
        version = newer.group(1)
        raise AuditKeyError(
            f"The audit key {path} was written by a newer version of suitcheck (keyring format {version}); "
            "start that version or a newer one."
        )


# Far more than any keyring holds (a few kilobytes per store), far less than a desk's memory.
_KEYRING_MAX = 64 << 20


def write_keyring(ring: Keyring) -> None:
    """Atomically replace the keyring (temp file, fsync, rename, fsync the folder), so a
    crash leaves either the old or the new file, and the erased key is really gone from
    the file (not left in a half-overwritten one)."""
    path = ring.path
    try:
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(ring.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _erase_stale_copies(path)
        sync_folder(path.parent)
    except OSError as exc:
        raise AuditKeyError(f"The audit key {path} cannot be written: {exc.strerror}.") from exc


def _erase_stale_copies(path: Path) -> None:
    """Remove the temporary files an earlier write left beside the keyring when it was
    stopped before its rename (killed, a power cut): each is a whole keyring, holding keys
    this write may have just erased. Every write holds the keyring's lock (locked), so
    none of them is another write's file in progress."""
    made = re.compile(re.escape(f".{path.name}.") + "[a-z0-9_]{8}")  # tempfile.mkstemp's names
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*"):
        if not made.fullmatch(stale.name):
            continue
        try:
            stale.unlink()
        except OSError:
            log.warning("a stale copy of the audit key %s could not be removed", stale)


# How long a write waits for the keyring's lock: as long as a store waits for a busy
# database (BUSY_TIMEOUT_MS). A write holds the lock for a read, a write and an fsync of a
# small file: a wait this long is another program holding it.
LOCK_WAIT_SECONDS = BUSY_TIMEOUT_MS / 1000
_LOCK_POLL_SECONDS = 0.05


class KeyringBusyError(AuditKeyError):
    """Another program held the keyring's lock longer than LOCK_WAIT_SECONDS."""


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise keyring read-modify-write between processes of this installation. The
    wait is bounded (LOCK_WAIT_SECONDS): then KeyringBusyError naming the lock and, where the
    system tells, the program holding it; the caller's unit of work records nothing."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        private_dir(lock_path.parent)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise AuditKeyError(f"The audit key folder {path.parent} is not writable: {exc.strerror}.") from exc
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise _busy(lock_path, fd)
            time.sleep(_LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _busy(lock_path: Path, fd: int) -> KeyringBusyError:
    """The keyring's lock was not released in time: a sentence naming the lock and, where
    the system tells, the program holding it."""
    seconds = f"{LOCK_WAIT_SECONDS:g}"
    holder = _lock_holder(fd)
    if holder is None:
        return KeyringBusyError(
            f"The audit key's lock {lock_path} is held by another program and was not released within {seconds} "
            "seconds; nothing was recorded. Close that program (or wait until it is done) and try again."
        )
    pid, name = holder
    return KeyringBusyError(
        f"The audit key's lock {lock_path} is held by process {pid} ({name}) and was not released within {seconds} "
        "seconds; nothing was recorded. Close that program (or wait until it is done) and try again."
    )


def _lock_holder(fd: int) -> tuple[int, str] | None:
    """The process holding the lock on `fd`'s file and its name, as the system lists it
    (Linux's /proc/locks), or None."""
    try:
        info = os.fstat(fd)
        file_id = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
        with open("/proc/locks", encoding="ascii", errors="replace") as listing:
            for line in listing:
                fields = line.split()
                if len(fields) < 6 or "->" in fields or fields[5] != file_id:
                    continue  # another file's lock, or a process waiting for one
                pid = int(fields[4])
                name = Path(f"/proc/{pid}/comm").read_text("utf-8", "replace").strip()
                return pid, escape_controls(name[:40]) or "?"
    except (OSError, ValueError, AttributeError):
        pass
    return None


if sys.platform == "win32":  # pragma: no cover - exercised by the Windows build
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def new_installation(
    store_id: str, location: str, epoch_start: int, seal_every: int
) -> tuple[Installation, Ed25519PrivateKey]:
    """Fresh keys for a store: genesis (epoch 0) key pair, row key, head key."""
    genesis = new_private_key()
    pub = public_hex(genesis)
    inst = Installation(
        store_id=store_id,
        location=location,
        chain=chain_id(pub),
        genesis_public_key=pub,
        epoch=0,
        secret=private_bytes(genesis).hex(),
        epoch_start=epoch_start,
        row_secret=private_bytes(new_private_key()).hex(),
        row_mac_key=secrets.token_bytes(32).hex(),
        head_key=secrets.token_bytes(32).hex(),
        seal_every=seal_every,
    )
    return inst, genesis


# -- the head record beside the keyring ---------------------------------------------------

_HEAD_SIZE = 512


def head_path(keyring: Path, store_id: str) -> Path:
    return keyring.with_name(f"{keyring.name}.{store_id[:16]}.head")


def head_message(store_id: str, seq: int, digest: str) -> bytes:
    """What the head record's MAC covers: the entry it names (as every version wrote it)."""
    return f"head:{store_id}:{seq}:{digest}".encode()


def head_moment_message(store_id: str, seq: int, digest: str, at: str) -> bytes:
    """What the head record's second MAC covers: the entry it names and its moment as the
    trail stamps it. A MAC of its own, beside the first: a version before the record
    carried a moment reads the record as it always did (a program rolled back is no
    tamper alarm), and ignores the fields it does not know."""
    return f"head-at:{store_id}:{seq}:{digest}:{at}".encode()


def head_mac(head_key: str, store_id: str, seq: int, digest: str) -> str:
    return hmac.digest(bytes.fromhex(head_key), head_message(store_id, seq, digest), "sha256").hex()


def head_moment_mac(head_key: str, store_id: str, seq: int, digest: str, at: str) -> str:
    return hmac.digest(bytes.fromhex(head_key), head_moment_message(store_id, seq, digest, at), "sha256").hex()


def write_head(path: Path, head_key: str, store_id: str, seq: int, digest: str, at: str | None = None) -> None:
    """Overwrite the fixed-size head record in place (one small write after each commit;
    no fsync: after a power cut the store may be longer than the head, never shorter)."""
    moment = None if at is None else (at, head_moment_mac(head_key, store_id, seq, digest, at))
    write_head_record(path, store_id, seq, digest, head_mac(head_key, store_id, seq, digest), moment)


_HEAD_JSON = one_shot_json(json.JSONEncoder())  # json.dumps(value), its encoder made once


def write_head_record(
    path: Path, store_id: str, seq: int, digest: str, mac: str, moment: tuple[str, str] | None = None
) -> None:
    """write_head with the record's MACs already made (head_mac; `moment`: the entry's
    moment and its head_moment_mac): the sealer makes them from the head key's HMAC state
    it keeps (rowmac.MacMany), after every check."""
    fields: dict[str, Any] = {"store": store_id, "seq": seq, "hash": digest, "mac": mac}
    if moment is not None:
        fields["at"], fields["at_mac"] = moment
    record = _HEAD_JSON(fields).encode()
    record = record.ljust(_HEAD_SIZE - 1) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, record, 0)
    finally:
        os.close(fd)


@dataclasses.dataclass(frozen=True)
class HeadRecord:
    """The head record beside the keyring: the newest entry this installation committed,
    and its moment (None in a record written before the record carried it)."""

    seq: int
    digest: str
    at: str | None


def read_head_record(path: Path, head_key: str, store_id: str) -> HeadRecord | None:
    """The head record; None when missing. A record whose MACs do not verify raises: it
    was edited (its moment included, or a moment added or left without its MAC)."""
    try:
        raw = read_regular(path, _HEAD_SIZE)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditKeyError(f"The audit head {path} cannot be read: {exc.strerror}.") from exc
    narrow_private(path)
    try:
        if raw is None:  # longer than the fixed-size record suitcheck writes
            raise ValueError(path)
        data = json.loads(raw.decode().strip())
        seq, digest = int(data["seq"]), str(data["hash"])
        at = data.get("at")
        ok = data["store"] == store_id and hmac.compare_digest(
            str(data["mac"]), head_mac(head_key, store_id, seq, digest)
        )
        if at is not None or "at_mac" in data:
            if type(at) is not str:
                raise TypeError(at)
            ok = ok and hmac.compare_digest(
                str(data.get("at_mac")), head_moment_mac(head_key, store_id, seq, digest, at)
            )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        ok = False
    if not ok:
        raise AuditKeyError(f"The audit head {path} was altered; it no longer matches this installation's key.")
    return HeadRecord(seq, digest, at)


def read_head(path: Path, head_key: str, store_id: str) -> tuple[int, str] | None:
    """(seq, hash) of the head record (read_head_record); None when missing."""
    record = read_head_record(path, head_key, store_id)
    return None if record is None else (record.seq, record.digest)
