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
def placed_when_recorded(out: Path, content: bytes) -> Iterator[None]:
    """Write `content` to a private temporary file beside `out`, and rename it into place
    when the block ends, so the caller records the document in the block first: a
    document is never out without its audit entry. A failure in the block leaves no file
    and keeps an earlier file of that name."""
    tmp: Path | None = None
    try:
        try:
            private_dir(out.parent)
            fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)  # 0600
            tmp = Path(name)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise ServiceError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
        yield
        try:
            os.replace(tmp, out)
        except OSError as exc:
            raise ServiceError(
                f"{out} could not be replaced ({exc.strerror or exc}); the document was recorded but not written. "
                "Close the file where it is open and make it again."
            ) from exc
        tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
