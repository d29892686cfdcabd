"""A separate process that runs checks against a store (for multi-process audit tests)."""

from __future__ import annotations

import sys

from suitcheck.services import open_services
from tests.conftest import FAST_HASHER, PASSWORD


def main(db: str, user: str, investor: str, report: str, count: int) -> None:
    services = open_services(db, hasher=FAST_HASHER)
    actor = services.auth.login(user, PASSWORD)
    print("ready", flush=True)
    for _ in range(count):
        services.access.check(actor, investor, report)
    services.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
