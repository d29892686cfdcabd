"""Reading a file that someone else names or can replace, bounded: the keyring and head
record beside the key, a manifest beside an export, a questionnaire or answers file, a
subject table. Anyone who can write there can put a link to /dev/zero, a named pipe or a
device in a file's place, which a whole read would read until memory runs out or wait on
for ever. Importable from every layer (it imports nothing of suitcheck).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotRegular(OSError):
    """A device, a named pipe or a socket where a file was expected; nothing was read."""


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file at `path`, None when it holds more than `limit`. It is
    opened without waiting (a named pipe with no writer would hang the opening) and checked
    on the open handle: a folder raises IsADirectoryError, anything else that is not a
    regular file NotRegular, a missing one FileNotFoundError (all OSError); no more than
    `limit` + 1 bytes are read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise NotRegular(errno.EINVAL, "it is not a regular file", str(path))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks) if size <= limit else None
