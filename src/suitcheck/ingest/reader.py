"""Read one report file: checks, text extraction by type, metadata."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from suitcheck.ingest.errors import IngestError
from suitcheck.ingest.metadata import ReportMetadata, extract_metadata, normalize, rejoin_wrapped_lines
from suitcheck.ingest.pdf import extract_pdf_texts
from suitcheck.ingest.textfile import decode_text

MAX_BYTES = 100 * 1024 * 1024
SUFFIXES = {".pdf": "pdf", ".txt": "txt"}


@dataclasses.dataclass(frozen=True)
class ExtractedReport:
    path: Path
    kind: str
    data: bytes
    sha256: str
    text: str
    metadata: ReportMetadata


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path, *, follow_links: bool = True, found: tuple[int, int] | None = None) -> bytes:
    """The file's bytes, if it is a regular file of a supported type and size. Opened
    without blocking (a FIFO named x.txt cannot hang the import) and checked on the open
    handle, so what is read is what was checked. `follow_links=False` (files found in a
    folder) refuses a file that became a symbolic link after the folder was listed;
    `found` (Found.identity: the device and inode the listing found) refuses any other
    file than the one listed, such as one reached through a folder on its path that was
    replaced by a link to a folder elsewhere."""
    if path.suffix.lower() not in SUFFIXES:
        raise IngestError("unsupported", f"Only .pdf and .txt files can be imported, not {path.suffix or 'this file'}.")
    fd = _open_without_blocking(path, follow_links)
    try:
        info = os.fstat(fd)
        if found is not None and (info.st_dev, info.st_ino) != found:
            raise IngestError(
                "replaced-after-listing",
                "The file, or a folder on its path, was replaced after the folder was read; not imported.",
            )
        _check_regular_file(info)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise IngestError("unreadable", f"The file cannot be read: {exc.strerror}.") from exc
    finally:
        if fd >= 0:
            os.close(fd)


def _open_without_blocking(path: Path, follow_links: bool) -> int:
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags)
    except PermissionError as exc:
        raise IngestError("unreadable", "The file cannot be read: permission denied.") from exc
    except FileNotFoundError as exc:
        raise IngestError("missing", "The file does not exist.") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError("link-changed", "The file became a link after the folder was read; skipped.") from exc
        raise IngestError("unreadable", f"The file cannot be read: {exc.strerror}.") from exc


def _check_regular_file(info: os.stat_result) -> None:
    """Checked on the open handle: what is read is what was checked."""
    if not stat.S_ISREG(info.st_mode):
        raise IngestError("special-file", "This is not a regular file (a pipe, device or socket); skipped.")
    if info.st_size > MAX_BYTES:
        raise IngestError("too-large", f"The file is {info.st_size // (1024 * 1024)} MB; the limit is 100 MB.")
    if info.st_size == 0:
        raise IngestError("empty", "The file is empty.")


def extract(path: Path, data: bytes, *, max_pages: int | None = None, max_chars: int | None = None) -> ExtractedReport:
    """Text and metadata of one file, in this process. Hostile files go through
    ingest.sandbox, which calls this in a worker process with limits."""
    kind = SUFFIXES[path.suffix.lower()]
    shown: str | None
    columns: str | None
    placed: str | None
    if kind == "pdf":
        raw, shown, columns, placed = extract_pdf_texts(data, max_pages=max_pages, max_chars=max_chars)
        text = rejoin_wrapped_lines(normalize(raw))
    else:
        shown = columns = placed = None
        if max_chars is not None and len(data) > 4 * max_chars + 4:  # no encoding needs more than 4 bytes
            raise IngestError("too-much-text", f"The file has more than {max_chars:,} characters of text.")
        raw, _encoding = decode_text(data)
        if max_chars is not None and len(raw) > max_chars:
            raise IngestError("too-much-text", f"The file has more than {max_chars:,} characters of text.")
        text = normalize(raw)
    if not "".join(text.split()):
        raise IngestError("empty", "The file has no text.")
    return ExtractedReport(path, kind, data, content_hash(data), text, extract_metadata(raw, shown, columns, placed))


@dataclasses.dataclass(frozen=True)
class Found:
    """A file to import. `in_folder`: found by walking a chosen folder (not named)."""

    path: Path
    in_folder: bool = False
    # The device and inode of the file the listing found (read_bytes reads no other).
    identity: tuple[int, int] | None = None


@dataclasses.dataclass(frozen=True)
class Skipped:
    """Something in a chosen folder that is not imported, and why."""

    path: Path
    code: str
    reason: str


def expand_paths(paths: list[Path]) -> Iterator[Found | Skipped]:
    """Files as given, and the .pdf/.txt files inside folders (recursively, sorted).

    Inside a folder, a symbolic link is followed only when it stays inside that folder,
    and only to a regular file; links that leave it (an advisor's link to a salary table
    elsewhere) and special files (pipes, devices, sockets) are skipped and reported.
    Links to folders are never followed.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path)
        else:
            yield Found(path)


def _walk(folder: Path) -> Iterator[Found | Skipped]:
    base = folder.resolve()
    items: list[Found | Skipped] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in list(dirnames):
            sub = Path(dirpath, name)
            if sub.is_symlink():
                dirnames.remove(name)
                if not _inside(sub, base):
                    items.append(
                        Skipped(sub, "link-outside", "A link to a folder outside the chosen folder; not followed.")
                    )
        items += (_folder_file(Path(dirpath, name), base) for name in filenames if _importable(name))
    yield from sorted(items, key=lambda item: str(item.path))


def _importable(name: str) -> bool:
    return Path(name).suffix.lower() in SUFFIXES


def _folder_file(path: Path, base: Path) -> Found | Skipped:
    """A file found in a folder: a regular file, or a link to one inside the folder."""
    try:
        info = path.lstat()
        mode = info.st_mode
        if stat.S_ISREG(mode):
            return Found(path, in_folder=True, identity=_identity(info))
        if not stat.S_ISLNK(mode):
            return Skipped(path, "special-file", "Not a regular file (a pipe, device or socket); not imported.")
        if not _inside(path, base):
            return Skipped(path, "link-outside", "A link to a file outside the chosen folder; not imported.")
        target = path.resolve()
        info = target.stat()
        if not stat.S_ISREG(info.st_mode):
            return Skipped(path, "special-file", "A link to something that is not a regular file.")
        return Found(target, in_folder=True, identity=_identity(info))  # read through its real name
    except OSError:
        return Skipped(path, "link-outside", "A broken link; not imported.")


def _identity(info: os.stat_result) -> tuple[int, int] | None:
    """A file's device and inode, as read_bytes compares them with the file it opens; None
    where the file system numbers no inodes (0), which leaves only the link check."""
    return (info.st_dev, info.st_ino) if info.st_ino else None


def _inside(link: Path, base: Path) -> bool:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # broken or looping link
        return False
    return target == base or base in target.parents
