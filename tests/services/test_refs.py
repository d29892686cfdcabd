"""parse_ref: the one reader of client and report references (CLI arguments, GUI, services)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput, NotFound
from suitcheck.services.refs import Ref, parse_ref
from tests.conftest import add_client
from tests.fixtures import import_text_report


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", Ref("12", 12, "12")),
        (" #12 ", Ref("#12", 12, "#12")),
        ("acct:12", Ref("acct:12", None, "12")),
        ("880003", Ref("880003", 880003, "880003")),
        ("A-17", Ref("A-17", None, "A-17")),
        ("99999999999999999999", Ref("99999999999999999999", None, "99999999999999999999")),  # no overflow
        ("¹²", Ref("¹²", None, "¹²")),  # superscripts are not digits of an id
        ("", Ref("", None, None)),
        ("acct:", Ref("acct:", None, None)),
    ],
)
def test_typed_references(typed: str, expected: Ref) -> None:
    assert parse_ref(typed) == expected


def test_a_programs_int_is_an_id_only() -> None:
    assert parse_ref(12) == Ref("12", 12, None)
    assert parse_ref(10**12).id is None


@given(st.text(max_size=40))
def test_any_text_parses_to_an_id_that_fits_a_database_integer(text: str) -> None:
    ref = parse_ref(text)
    assert ref.id is None or 0 <= ref.id < 10**9
    digits = ref.text[1:].strip() if ref.text.startswith("#") else ref.text
    assert ref.id is None or (digits.isascii() and int(digits) == ref.id)


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_every_id_reads_back_plain_and_with_a_hash(number: int) -> None:
    assert parse_ref(str(number)).id == number
    assert parse_ref(f"#{number}").id == number


def test_services_read_references_with_it(services: Services, compliance: Actor, tmp_path: Path) -> None:
    report = import_text_report(services, compliance, tmp_path, level="中风险")
    first = add_client(services, compliance, "A1")
    assert services.reports.get(compliance, f"#{report}").id == report
    assert services.investors.get(compliance, f"#{first}").account == "A1"
    # An account that is another client's id: a typed "2" is ambiguous, the program's int is not.
    second = add_client(services, compliance, str(first))
    with pytest.raises(InvalidInput, match="acct:"):
        services.investors.get(compliance, str(first))
    assert services.investors.get(compliance, first).account == "A1"
    assert services.investors.get(compliance, f"acct:{first}").id == second
    with pytest.raises(NotFound):
        services.reports.get(compliance, "99999999999999999999")
