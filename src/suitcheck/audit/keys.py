"""The per-install audit key that signs checkpoints; kept in a protected file, not the store."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from suitcheck.privatefs import private_dir


class AuditKeyError(Exception):
    """The key file exists but cannot be read, or cannot be created."""


def load_or_create_key(path: Path) -> bytes:
    """Read the key, creating a random 32-byte key (mode 0600) on first use."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        _create_key(path)
        data = path.read_bytes()
    except OSError as exc:
        raise AuditKeyError(f"The audit key {path} cannot be read: {exc.strerror}.") from exc
    try:
        key = bytes.fromhex(data.decode().strip())
    except (UnicodeDecodeError, ValueError) as exc:
        raise AuditKeyError(f"The audit key {path} is damaged.") from exc
    if len(key) < 16:
        raise AuditKeyError(f"The audit key {path} is too short.")
    return key


def _create_key(path: Path) -> None:
    """Write a new key atomically: a finished temp file is hard-linked into place, so a
    concurrent reader never sees a half-written key and two creators cannot both win."""
    try:
        private_dir(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32).hex().encode())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won; use its key
        finally:
            tmp.unlink()
    except OSError as exc:
        raise AuditKeyError(f"The audit key {path} cannot be created: {exc.strerror}.") from exc
