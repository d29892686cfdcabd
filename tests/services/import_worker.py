"""A separate process that imports a client file and says how far it got (for the kill test)."""

from __future__ import annotations

import sys
from pathlib import Path

from suitcheck.services import open_services
from tests.conftest import FAST_HASHER, PASSWORD


def main(db: str, user: str, path: str) -> None:
    services = open_services(db, hasher=FAST_HASHER)
    actor = services.auth.login(user, PASSWORD)
    services.client_files.import_clients(actor, Path(path), progress=lambda phase, rows: print(phase, rows, flush=True))
    print("done", flush=True)
    services.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
