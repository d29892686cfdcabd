"""Bytes that are not UTF-8 (and other values suitcheck never writes) put with the sqlite3
shell into text columns that no list reads: every path that reads them answers in one
sentence or goes on, never with an unexpected error."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import AuthenticationFailed
from suitcheck.store.models import AuditEntry
from tests.conftest import staff
from tests.services.listing import raw


@pytest.mark.parametrize(
    "value",
    [
        "CAST(CAST(value AS BLOB) || X'FF' AS TEXT)",  # text that is not UTF-8
        "CAST(value AS BLOB) || X'FF'",  # a BLOB
        "CAST(value AS BLOB)",  # the same key, as a BLOB
        "'not hex'",
        "''",
    ],
)
def test_login_name_key_changed(sqlite_services: Services, value: str) -> None:
    """BROKE: the key that hashes an unknown user name typed at login, set in SQL to
    something that is no hex text: every login with a name that is no account ended in
    'unexpected error' (ValueError/TypeError from bytes.fromhex). The login fails as any
    such login does, and is recorded without the name's hash, as where the key is missing."""
    services = sqlite_services
    staff(services, Role.ADMIN)
    raw(services, f"UPDATE store_setting SET value = {value} WHERE name = 'login-name-key'")
    with pytest.raises(AuthenticationFailed):
        services.auth.login("nobody-by-this-name", "whatever password")
    with services.store.session(read_only=True) as session:
        facts = session.execute(
            select(AuditEntry.facts).where(AuditEntry.action == "login-failed").order_by(AuditEntry.seq.desc())
        ).scalar()
    assert facts is not None
    assert json.loads(facts) == {"cause": "unknown-user", "name_hmac": None}
