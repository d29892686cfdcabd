"""Files and folders only their owner may read: the store, its WAL, keys, logs, exports.

On POSIX a file is created 0600 and a folder 0700 whatever the process umask is; a file
we rewrite is narrowed to 0600 too. Windows has no mode bits: there the files inherit
the ACL of the user's profile folders (owner-only by default; see README, Security).
Everything here is importable from every layer (it imports nothing of suitcheck).
"""

from __future__ import annotations

import contextlib
import logging.handlers
import os
import stat
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
DIR_MODE = 0o700
POSIX = os.name == "posix"


def sync_folder(folder: Path) -> None:
    """The folder's entries made durable: a file renamed into it is there after a power
    cut. Best effort: Windows opens no folder (NTFS journals the rename itself)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 folders; existing folders are left
    as they are (a parent such as ~/.local/share is not ours to change)."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=DIR_MODE)
            if POSIX:
                os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def open_private_fd(path: Path, flags: int) -> int:
    """os.open with O_CREAT and mode 0600; an existing file we own is narrowed to 0600."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
    if POSIX:
        with contextlib.suppress(PermissionError):  # someone else's file: leave it
            os.fchmod(fd, FILE_MODE)
    return fd


def narrow_private(path: Path) -> None:
    """An existing file of ours that others may read or write (a store restored from a
    backup or copied under the usual umask: 0644) loses its group and other bits; its
    owner's bits are kept (a store made read-only stays read-only). Someone else's file,
    or one that cannot be changed (a read-only medium), is left as it is."""
    if not POSIX:
        return
    with contextlib.suppress(OSError):
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_mode & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & 0o700)


def touch_private(path: Path) -> Path:
    """Make sure `path` exists as a 0600 file (its folder 0700) before a library that
    does not take a mode (SQLite, openpyxl) writes to it. Contents are kept."""
    private_dir(path.parent)
    os.close(open_private_fd(path, os.O_WRONLY))
    return path


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """open() for writing ('w', 'a', 'wb', 'ab', 'x'), creating the file 0600."""
    if "w" in mode:
        flags = os.O_WRONLY | os.O_TRUNC
    elif "a" in mode:
        flags = os.O_WRONLY | os.O_APPEND
    elif "x" in mode:
        flags = os.O_WRONLY | os.O_EXCL
    else:
        raise ValueError(f"open_private writes; mode {mode!r} does not")
    if "+" in mode:
        flags = (flags & ~os.O_WRONLY) | os.O_RDWR
    fd = open_private_fd(path, flags)
    try:
        return os.fdopen(fd, mode.replace("x", "w"), **kwargs)
    except BaseException:
        os.close(fd)
        raise


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the live one and each new one after a
    rollover) is created 0600."""

    def _open(self) -> Any:  # typeshed says TextIOWrapper, which is what open_private returns here
        return open_private(Path(self.baseFilename), self.mode, encoding=self.encoding, errors=self.errors)
