"""Writing a produced document (a PDF, a sheet) to the place the user chose."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.textfile import decode_text
from suitcheck.interrupts import HeldFrom
from suitcheck.logs import log_path
from suitcheck.privatefs import PrivateRotatingFileHandler, private_dir, sync_folder
from suitcheck.services.errors import InvalidInput, ServiceError

# The files of every store and audit keyring this process opened: a written file never takes
# their place. (store file, audit keyring); the store is None on a database server.
_OWN: list[tuple[Path | None, Path]] = []
# What SQLite keeps beside a store file while it is open or after a crash.
_STORE_SIDECARS = ("", "-wal", "-shm", "-journal")


def protect(store_file: Path | None, keyring: Path) -> None:
    """Called for every store opened: its file (with its WAL, shared memory and journal)
    and its audit keyring (with the head records and lock beside it) are never written over."""
    entry = (None if store_file is None else _real(store_file), _real(keyring))
    if entry not in _OWN:
        _OWN.append(entry)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path.expanduser()))


def _same(a: Path, b: Path) -> bool:
    if os.path.normcase(a) == os.path.normcase(b):
        return True
    try:
        return os.path.samefile(a, b)  # a hard link, or another spelling on a case-blind disk
    except OSError:
        return False


def _own_file(real: Path) -> str | None:
    """What `real` (a resolved path) is to suitcheck, if it is one of its own files."""
    for store_file, keyring in _OWN:
        if store_file is not None and any(_same(real, Path(f"{store_file}{s}")) for s in _STORE_SIDECARS):
            return "store"
        if _same(real, keyring) or (
            real.parent == keyring.parent and real.name.startswith(keyring.name + ".")  # head records, lock
        ):
            return "key"
    return None


def _log_files() -> list[Path]:
    """The log file suitcheck's set-up names (logs.log_path) and the one this process writes
    (the root logger's suitcheck log handler, set up before SUITCHECK_LOG_DIR changed), resolved."""
    named = [log_path()] + [
        Path(handler.baseFilename)
        for handler in logging.getLogger().handlers
        if isinstance(handler, PrivateRotatingFileHandler)
    ]
    return [_real(path) for path in named]


def _is_log(real: Path) -> bool:
    """Whether `real` (resolved) is the log file or one it is rotated to (suitcheck.log.1 ...),
    also by another name (a hard link)."""
    for log in _log_files():
        rotated = re.compile(re.escape(log.name) + r"\.[0-9]+")
        if _same(real, log) or (real.parent == log.parent and rotated.fullmatch(real.name)):
            return True
        with contextlib.suppress(OSError):  # no log folder: nothing to take the place of
            if any(_same(real, path) for path in log.parent.iterdir() if rotated.fullmatch(path.name)):
                return True
    return False


def read_pairs_text(path: Path) -> str:
    """The text of a batch's pairs file, read whole (a pipe too: `--batch <(make-pairs)`)
    and decoded as report, subject and client files are: UTF-8 with or without a BOM, GBK
    (Excel's "CSV" on a Chinese Windows), UTF-16 ("Unicode text"); a file holding a NUL is
    binary. Refused in one sentence."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path} does not exist.") from exc
    except OSError as exc:
        reason = f"{exc.strerror or type(exc).__name__}."
        raise InvalidInput(f"{path} cannot be read as a CSV file of client,report pairs: {reason}") from exc
    try:
        text, _ = decode_text(data)
    except IngestError as exc:
        reason = str(exc)
        raise InvalidInput(f"{path} cannot be read as a CSV file of client,report pairs: {reason}") from exc
    return text


def _standard_stream(out: Path) -> bool:
    """Whether `out` names the file one of this process's standard streams is."""
    try:
        named = os.stat(out)
    except OSError:
        return False
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):  # closed
            stream = os.fstat(fd)
            if (stream.st_dev, stream.st_ino) == (named.st_dev, named.st_ino):
                return True
    return False


def check_target(out: Path, *, sources: tuple[Path, ...] = (), streams: bool = False) -> None:
    """Refuse, before anything is read, decided or recorded, a file to write that is one of
    suitcheck's own (the store, its WAL, the audit key: a list written there would replace
    the store or the installation's key), a file the same command reads (`sources`), or
    something that is not a plain file (a device, a pipe: put in its place, it would stop
    being one; `streams`: the caller writes to such a thing as it is, a results stream a
    script reads)."""
    real = _real(out)
    own = _own_file(real)
    if own == "store":
        raise InvalidInput(f"{out} is a file of the suitcheck store itself; nothing was written. Give another name.")
    if own == "key":
        raise InvalidInput(f"{out} is this installation's audit key; nothing was written. Give another name.")
    if _is_log(real):
        raise InvalidInput(f"{out} is suitcheck's log file; nothing was written. Give another name.")
    if any(_same(real, _real(source)) for source in sources):
        raise InvalidInput(f"{out} is the file this command reads; nothing was written. Give another name.")
    if streams:
        return
    try:
        # The path as given: /dev/stdout on a pipe resolves to no name at all ("pipe:[123]").
        mode = os.stat(out).st_mode
    except OSError:
        return  # nothing there yet (or nothing we may look at: the write will say why)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a folder has its own sentence where it is written
        raise InvalidInput(f"{out} is not a plain file (a device, a pipe or a socket); give a file name.")
    if _standard_stream(out):
        # /dev/stdout with stdout redirected to a file resolves to that file: the document
        # was made beside the link and renamed over it (as root, /dev/stdout was replaced).
        raise InvalidInput(f"{out} is this program's standard output (or input or error); give a file name.")


@contextlib.contextmanager
def staged_file(out: Path, *, recorded: bool = False) -> Iterator[Path]:
    """A private (0600) temporary file beside `out`, renamed into `out`'s place when the
    block ends and removed when it fails: a refused, cancelled or failed write, or a record
    that cannot be made, leaves no partial file and keeps an earlier file of that name.
    The one way suitcheck puts a file it wrote where the user chose.

    `recorded`: the block recorded the file (its audit entry committed), so a rename that
    fails then is a sentence saying so; otherwise the OSError goes to the caller."""
    check_target(out)
    private_dir(out.parent)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            os.replace(tmp, out)
            sync_folder(out.parent)
        except OSError as exc:
            if not recorded:
                raise
            raise ServiceError(
                f"{out} could not be replaced ({exc.strerror or exc}); it was recorded but not written. "
                "Close the file where it is open and make it again."
            ) from exc
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def placed_when_recorded(out: Path, content: bytes) -> Iterator[None]:
    """`content` written beside `out` and put in its place when the block ends, so the
    caller records the document in the block first: a document is never out without its
    audit entry (staged_file)."""
    with contextlib.ExitStack() as placing:
        interrupts = placing.enter_context(HeldFrom())  # left last: after the file took its place
        try:
            tmp = placing.enter_context(staged_file(out, recorded=True))
            with open(tmp, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise ServiceError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
        interrupts.hold()  # Ctrl+C waits from the record to the rename: both, or neither
        yield
