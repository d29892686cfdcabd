"""The distribution list checks every row's seal in bulk (the database writes the seal
message, Python only the HMAC) and must decide exactly as the row-by-row rule does: the
written list equals `eligible` (the reference path, RowSealer.ok on ORM rows) on stores
with rows changed outside suitcheck, and a changed row is on neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.integrity import INVESTOR_COLUMNS, investor_message, investor_message_sql
from suitcheck.store.models import Investor
from tests.conftest import add_client, staff
from tests.fixtures import import_text_report
from tests.services.listing import raw, reference, written_list

# Text a JSON encoder must escape, or must leave alone, in every way it can differ
# (each fits the 32 characters of an account).
AWKWARD = [
    'quote " backslash \\ slash /',
    "controls \x01\x07\x08\x0b\x0c\x0e\x1f\x7f",
    "tab\tnew\nline\rreturn",
    "seps \u2028 \u2029 bom \ufeff",
    "汉字 and 😀 outside the BMP",
    "",
]


def test_sql_seal_message_is_byte_for_byte_the_python_one(services: Services, compliance: Actor) -> None:
    """investor_message_sql equals investor_message for every value suitcheck writes:
    awkward text (in the account, class, name and ID number), NULLs, dates, both flags,
    with and without a branch."""
    ids = [add_client(services, compliance, f"M{n}", RiskProfile.C3) for n in range(len(AWKWARD))]
    add_client(services, compliance, "NOPROFILE", None, days_ago=None, special_attention=True)
    with services.store.engine.begin() as conn:
        for n, (client, value) in enumerate(zip(ids, AWKWARD, strict=True)):
            conn.execute(
                update(Investor)
                .where(Investor.id == client)
                .values(
                    account=value or "E",
                    investor_class=value,
                    name=value,
                    id_number=None if n == 1 else f"{n}{value}"[:18],
                    lowest_category=n % 2 == 0,
                    reassessment_due=n % 3 == 0,
                    branch_id=None if n % 2 else Investor.branch_id,
                )
            )
    with services.store.engine.connect() as conn:
        stmt = select(investor_message_sql(conn.dialect.name), *(Investor.__table__.c[c] for c in INVESTOR_COLUMNS))
        rows = conn.execute(stmt).all()
    assert len(rows) == len(AWKWARD) + 1
    for row in rows:
        expected = investor_message(dict(zip(INVESTOR_COLUMNS, row[1:], strict=True))).encode()
        assert bytes(row[0]) == expected


@pytest.fixture
def r3(services: Services, compliance: Actor, tmp_path: Path) -> int:
    return import_text_report(services, compliance, tmp_path, level="中风险")


def _population(services: Services, compliance: Actor) -> None:
    for n in range(12):
        add_client(services, compliance, f"OK{n:02}", RiskProfile.C3 if n % 2 else RiskProfile.C5)
    add_client(services, compliance, "RAISED", RiskProfile.C2)
    add_client(services, compliance, "MOVED", RiskProfile.C4, days_ago=40)
    add_client(services, compliance, "SWAPPED", RiskProfile.C4)
    add_client(services, compliance, "ELDER", RiskProfile.C4, special_attention=True)


def test_list_equals_eligible_on_a_tampered_store(
    services: Services, compliance: Actor, advisor: Actor, r3: int, tmp_path: Path
) -> None:
    _population(services, compliance)
    before = written_list(services, advisor, r3, tmp_path / "before.csv")
    assert before == reference(services, advisor, r3)
    # A profile raised into eligibility, an assessment date moved, a seal taken from another row.
    raw(services, "UPDATE investor SET current_profile = 5 WHERE account = 'RAISED'")
    with services.store.engine.begin() as conn:
        moved = conn.execute(select(Investor.current_assessed_on).where(Investor.account == "OK00")).scalar_one()
        conn.execute(update(Investor).where(Investor.account == "MOVED").values(current_assessed_on=moved))
        seal = conn.execute(select(Investor.integrity).where(Investor.account == "OK01")).scalar_one()
        conn.execute(update(Investor).where(Investor.account == "SWAPPED").values(integrity=seal))
    listed = written_list(services, advisor, r3, tmp_path / "list.csv")
    assert listed == reference(services, advisor, r3)
    accounts = [row[1] for row in listed]
    assert not {"RAISED", "MOVED", "SWAPPED"} & set(accounts)
    assert [row for row in before if row[1] not in ("MOVED", "SWAPPED")] == listed
    for account in ("RAISED", "MOVED", "SWAPPED"):
        assert services.access.check(advisor, account, r3).to_dict()["reasons"] == ["record-integrity"]
    # The count is what the rules admit, read from the index alone: it still counts the
    # three (telling them apart means reading every row's seal, the list's work).
    assert services.access.eligible_count(advisor, r3) == len(listed) + 3


def test_every_odd_seal_or_value_is_judged_as_check_judges_it(sqlite_services: Services, tmp_path: Path) -> None:
    """SQLite takes any value in any column: whatever the database builds from a value
    suitcheck never writes, the list keeps a row exactly when `check` would allow it."""
    services = sqlite_services
    compliance, advisor = staff(services, Role.COMPLIANCE), staff(services, Role.ADVISOR)
    r3 = import_text_report(services, compliance, tmp_path, level="中风险")
    _population(services, compliance)
    with services.store.engine.connect() as conn:
        chain = services.ctx.sealer.chain
        seal = conn.execute(select(Investor.integrity).where(Investor.account == "OK02")).scalar_one()
    assert seal is not None
    assert seal.startswith(f"{chain}:")
    # Tampered: a flag written as text (Python reads it as true), a seal with a fourth part,
    # another chain's name on our seal, no seal.
    raw(services, "UPDATE investor SET special_attention = 'no' WHERE account = 'OK00'")
    raw(services, "UPDATE investor SET integrity = integrity || :tail WHERE account = 'OK01'", tail=":x")
    raw(
        services,
        "UPDATE investor SET integrity = :seal WHERE account = 'OK02'",
        seal="f" * len(chain) + seal[len(chain) :],
    )
    raw(services, "UPDATE investor SET integrity = NULL WHERE account = 'OK03'")
    # Not changed in substance: a true flag written as the text 'true' reads as true to
    # Python as before, so `check` still allows the client, and so must the list (the
    # database's message differs; the row-by-row rule decides).
    raw(services, "UPDATE investor SET special_attention = 'true' WHERE account = 'ELDER'")
    listed = written_list(services, advisor, r3, tmp_path / "list.csv")
    assert listed == reference(services, advisor, r3)
    accounts = {row[1] for row in listed}
    assert "ELDER" in accounts
    assert services.access.check(advisor, "ELDER", r3).to_dict()["decision"] == "allow"
    for account in ("OK00", "OK01", "OK02", "OK03"):
        assert account not in accounts
        assert services.access.check(advisor, account, r3).to_dict()["reasons"] == ["record-integrity"]
