"""Writing a produced document (a PDF, a sheet) to the place the user chose."""

from __future__ import annotations

import os
from pathlib import Path

from suitcheck.privatefs import open_private, private_dir
from suitcheck.services.errors import ServiceError


def write_atomically(out: Path, content: bytes) -> None:
    """Write to a private temporary file beside `out`, then rename it into place."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        private_dir(out.parent)
        with open_private(tmp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ServiceError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
