"""Writing a produced document (a PDF, a sheet) to the place the user chose."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from suitcheck.privatefs import private_dir
from suitcheck.services.errors import ServiceError


@contextlib.contextmanager
def staged_file(out: Path, *, recorded: bool = False) -> Iterator[Path]:
    """A private (0600) temporary file beside `out`, renamed into `out`'s place when the
    block ends and removed when it fails: a refused, cancelled or failed write, or a record
    that cannot be made, leaves no partial file and keeps an earlier file of that name.
    The one way suitcheck puts a file it wrote where the user chose.

    `recorded`: the block recorded the file (its audit entry committed), so a rename that
    fails then is a sentence saying so; otherwise the OSError goes to the caller."""
    private_dir(out.parent)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            os.replace(tmp, out)
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
        try:
            tmp = placing.enter_context(staged_file(out, recorded=True))
            with open(tmp, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise ServiceError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
        yield
