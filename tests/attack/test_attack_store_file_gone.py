"""Attack: the store file is deleted, or replaced by another file, while a desk has it
open (a clean-up script, a careless admin restoring last night's copy over it, a sync
client). On Linux SQLite goes on writing into the deleted file through the handle it
holds: every check recorded after that vanished with the process, and nothing said so.
Replaced, a new connection of the same desk would open the other file beside the old
one. Was BROKE: checks were recorded "successfully" into the deleted file. Now the next
unit of work notices the file at the store's path is not the one it opened and refuses
with one sentence; nothing is recorded where nobody will find it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.services import Actor, Services
from suitcheck.services.errors import StoreUnavailable
from tests.conftest import add_client
from tests.fixtures import import_text_report

GONE = "was deleted, moved or replaced while suitcheck had it open"


@pytest.fixture
def store_target(sqlite_target: str) -> str:
    """A SQLite file: a PostgreSQL store has no file a desk holds open."""
    return sqlite_target


def _store_file(services: Services) -> Path:
    return Path(str(services.store.url.database))


@pytest.mark.parametrize("how", ["deleted", "moved away", "replaced by a copy"])
def test_a_store_file_gone_while_open_refuses_every_later_unit_of_work(
    services: Services, compliance: Actor, advisor: Actor, tmp_path: Path, how: str
) -> None:
    report = import_text_report(services, compliance, tmp_path)
    add_client(services, compliance, "G1", RiskProfile.C3)
    assert services.access.check(advisor, "G1", report).decision.allowed
    path = _store_file(services)
    if how == "deleted":
        path.unlink()
    elif how == "moved away":
        path.rename(tmp_path / "elsewhere.db")
    else:
        copy = tmp_path / "copy.db"
        shutil.copyfile(path, copy)
        os.replace(copy, path)
    for _ in range(2):  # and the next one: it does not pass once the first was refused
        with pytest.raises(StoreUnavailable) as info:
            services.access.check(advisor, "G1", report)
        assert GONE in str(info.value)
        assert str(path) in str(info.value)
        assert "\n" not in str(info.value)
    with pytest.raises(StoreUnavailable, match=GONE):
        services.audit.browse(compliance, limit=1)  # reading too: it would read the wrong store
