"""Keys a clerk compares by eye (a client's account number, a staff user name) hold only
characters that show as themselves, however they are entered: the form, the command line,
a client file. A zero-width space or a bidirectional override lets a second "880001" into
the store beside the first; U+FFFD is what a byte that is not UTF-8 reads as, so a key
holding it could be confused with a damaged row. A client's name is free text, kept as
written, but neither damaged text nor text with a control or invisible character (NUL, a
line break, a right-to-left override): such a name shows as another, breaks the lists it
is written to, and PostgreSQL cannot store NUL. A store from before that rule keeps its
names, and their own export imports back."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitcheck.domain.levels import RiskProfile
from suitcheck.domain.roles import Role
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput
from tests.conftest import PASSWORD, add_client
from tests.domain.test_clients import COMPATIBILITY_ACCOUNTS, LOOKALIKE_ACCOUNTS
from tests.services.clientfiles import client_rows, write_csv

ACCOUNT_SENTENCE = (
    "An account number holds a character that does not show as itself (a control or invisible character, "
    "or \ufffd (U+FFFD) for text that could not be read); type it again."
)
NAME_SENTENCE = (
    "A client's name holds a control or invisible character, or \ufffd (U+FFFD), which stands for text that could "
    "not be read; type the name again."
)


@pytest.mark.parametrize("account", LOOKALIKE_ACCOUNTS)
def test_a_lookalike_account_cannot_be_added(services: Services, compliance: Actor, account: str) -> None:
    add_client(services, compliance, "880001", RiskProfile.C2)
    with pytest.raises(InvalidInput) as refused:
        services.investors.add(compliance, account=account, name="第二个客户")
    assert str(refused.value) == ACCOUNT_SENTENCE
    assert [v.account for v in services.investors.search(compliance, "")] == ["880001"]


def test_damaged_text_in_a_name_is_refused_when_added_or_corrected(services: Services, compliance: Actor) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.investors.add(compliance, account="880002", name="王\ufffd")
    assert str(refused.value) == NAME_SENTENCE
    add_client(services, compliance, "880002", RiskProfile.C2, name="王五")
    with pytest.raises(InvalidInput) as refused:
        services.investors.update(compliance, "880002", name="王\ufffd", reason="typo")
    assert str(refused.value) == NAME_SENTENCE
    assert services.investors.update(compliance, "880002", name="王\u200d五\n", reason="typo").name == "王\u200d五"


def test_a_client_file_row_with_a_lookalike_account_is_an_invalid_row(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rows = client_rows(3)
    rows[1][0] = "A000000\u200b"  # the first row's account, and an invisible character
    rows[2][1] = "客户\ufffd"
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True)
    assert result.new == 1
    assert sorted((i.row, i.field, i.code) for i in result.issues) == [
        (3, "account", "unreadable-character"),
        (4, "name", "unreadable-character"),
    ]
    assert [v.account for v in services.investors.search(compliance, "")] == ["A000000"]


@pytest.mark.parametrize("username", ["li\u200bming", "liming\ufffd", "li\u202eming", "li\tming", "li ming"])
def test_a_lookalike_user_name_cannot_be_created(services: Services, admin: Actor, username: str) -> None:
    with pytest.raises(InvalidInput, match="A user name is 1 to 64 characters without spaces"):
        services.auth.create_staff(admin, username, PASSWORD + " 2", Role.ADVISOR)
    assert username not in {s.username for s in services.auth.list_staff(admin)}
    services.auth.create_staff(admin, "李明", PASSWORD + " 2", Role.ADVISOR)  # any script that shows as itself


def test_an_account_on_record_from_before_the_rule_still_names_its_client(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store from before the rule may hold such an account. It is that client: found,
    checked, exported, and its own export imports back unchanged (a re-sync can update it).
    Only a new account must show as itself."""
    from suitcheck.domain import clients

    with monkeypatch.context() as before:
        before.setattr(clients, "key_text_shown", lambda text: True)  # as suitcheck was
        add_client(services, compliance, "880\u200b001", RiskProfile.C2)
    add_client(services, compliance, "880001", RiskProfile.C3)
    assert {v.account for v in services.investors.search(compliance, "880")} == {"880\u200b001", "880001"}

    export = tmp_path / "clients.csv"
    services.client_files.export_clients(compliance, export)
    again = services.client_files.import_clients(compliance, export)
    assert (again.invalid, again.new, again.changed, again.unchanged) == (0, 0, 0, 2)

    lines = export.read_text(encoding="utf-8-sig").splitlines()
    header, odd = lines[0], next(line for line in lines if line.startswith("880\u200b001,"))
    resync = tmp_path / "resync.csv"
    resync.write_text(
        "\n".join([header, odd.replace("客户880\u200b001", "客户改名"), odd.replace("880\u200b001", "880\u2060001", 1)])
        + "\n",
        encoding="utf-8",
    )
    result = services.client_files.import_clients(compliance, resync, partial=True)
    assert (result.changed, result.new) == (1, 0)  # the client on record, renamed
    assert [(i.row, i.field, i.code) for i in result.issues] == [(3, "account", "unreadable-character")]
    assert services.investors.get(compliance, "880\u200b001").name == "客户改名"
    with pytest.raises(InvalidInput):  # the form never takes it, on record or not
        services.investors.add(compliance, account="880\u200b001", name="又一个")


@pytest.mark.parametrize("account", COMPATIBILITY_ACCOUNTS)
def test_a_full_width_account_cannot_be_added(services: Services, compliance: Actor, account: str) -> None:
    """The clerk's input method is in full-width mode: a second client beside 880001
    would take the next report's check; suitcheck asks for the ordinary form instead."""
    add_client(services, compliance, "880001", RiskProfile.C2)
    with pytest.raises(InvalidInput) as refused:
        services.investors.add(compliance, account=account, name="第二个客户")
    assert str(refused.value) == (
        "An account number holds a full-width or other compatibility form of a character (８ for 8, Ａ for A); "
        "type it with ordinary half-width characters."
    )
    assert [v.account for v in services.investors.search(compliance, "")] == ["880001"]


def test_a_full_width_account_in_a_client_file_is_an_invalid_row(
    services: Services, compliance: Actor, tmp_path: Path
) -> None:
    rows = client_rows(2)
    rows[1][0] = "Ａ000000"
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True)
    assert result.new == 1
    assert [(i.row, i.field, i.code) for i in result.issues] == [(3, "account", "compatibility-character")]


def test_a_full_width_user_name_cannot_be_created(services: Services, admin: Actor) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.auth.create_staff(admin, "ｌｉｍｉｎｇ", PASSWORD + " 2", Role.ADVISOR)
    assert str(refused.value) == (
        "A user name holds a full-width or other compatibility form of a character (ｌ for l); "
        "type it with ordinary half-width characters."
    )
    assert "ｌｉｍｉｎｇ" not in {s.username for s in services.auth.list_staff(admin)}


@pytest.mark.parametrize("name", ["王\x00五", "王\n五", "王\r五", "\u202e五王", "王\x1b[31m五", "王\u2028五"])
def test_a_name_with_a_control_character_is_refused_when_added_or_corrected(
    services: Services, compliance: Actor, name: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.investors.add(compliance, account="880003", name=name)
    assert str(refused.value) == NAME_SENTENCE  # on PostgreSQL too, where NUL was "the store failed"
    add_client(services, compliance, "880003", RiskProfile.C2, name="王五")
    with pytest.raises(InvalidInput) as refused:
        services.investors.update(compliance, "880003", name=name, reason="typo")
    assert str(refused.value) == NAME_SENTENCE
    assert [v.name for v in services.investors.search(compliance, "")] == ["王五"]


def test_a_client_file_name_with_a_control_character_and_a_name_on_record_from_before_the_rule(
    services: Services, compliance: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from suitcheck.domain import clients

    with monkeypatch.context() as before:  # as suitcheck was
        before.setattr(clients, "has_controls", lambda text: False)
        add_client(services, compliance, "880004", RiskProfile.C2, name="旧\x01名")
    export = tmp_path / "clients.csv"
    services.client_files.export_clients(compliance, export)
    again = services.client_files.import_clients(compliance, export)
    assert (again.invalid, again.new, again.changed, again.unchanged) == (0, 0, 0, 1)

    rows = client_rows(2)
    rows[0][1] = "新\x01客户"  # a new client (a file cannot bring NUL: it is binary data)
    rows[1][1] = "新客户"
    resync = tmp_path / "resync.csv"
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    resync.write_text(lines[0] + "\n" + lines[1].replace("旧\x01名", "旧\x02名") + "\n", encoding="utf-8")
    changed = services.client_files.import_clients(compliance, resync, partial=True)
    assert [(i.field, i.code) for i in changed.issues] == [("name", "unreadable-character")]
    result = services.client_files.import_clients(compliance, write_csv(tmp_path / "c.csv", rows), partial=True)
    assert result.new == 1
    assert [(i.row, i.field, i.code) for i in result.issues] == [(2, "name", "unreadable-character")]
    assert sorted(v.name for v in services.investors.search(compliance, "")) == ["新客户", "旧\x01名"]
