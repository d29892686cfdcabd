"""A separate process that imports a client file and says how far it got (for the kill test).

With a phase named after the file, it stops for good inside the import's transaction once it
has said that phase (where the test kills it), so the kill never comes after the commit
however long the test takes to send it."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from suitcheck.services import open_services
from tests.conftest import FAST_HASHER, PASSWORD


def main(db: str, user: str, path: str, hold_at: str | None = None) -> None:
    services = open_services(db, hasher=FAST_HASHER)
    actor = services.auth.login(user, PASSWORD)

    def progress(phase: str, rows: int) -> None:
        print(phase, rows, flush=True)
        if phase == hold_at:
            threading.Event().wait()  # killed here, in the middle of the write

    services.client_files.import_clients(actor, Path(path), progress=progress)
    print("done", flush=True)
    services.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
