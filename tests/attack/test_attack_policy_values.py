"""Policy settings attacked with values a careless administrator types: settings given as
text, twice, out of range."""

from __future__ import annotations

import json

import pytest

from suitcheck.domain.roles import Role
from suitcheck.services import Services
from suitcheck.services.errors import InvalidInput
from tests.conftest import PASSWORD, staff


def test_policy_set_takes_every_whole_number_setting_and_refuses_one_given_twice(
    sqlite_services: Services,
    sqlite_target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Was BROKE: `policy set import_memory_mb=2048` (the README's way to raise an import
    limit) was refused with "import_memory_mb must be a whole number from 256 to 16384":
    the command line handed the import limits over as text. `validity_days=400
    validity_days=500` stored 500 without a word (the last one silently won), and
    `validity_days=1000000000` was refused as "not in ASCII digits"."""
    from suitcheck.cli import main

    officer = staff(sqlite_services, Role.COMPLIANCE)
    monkeypatch.setenv("SUITCHECK_PASSWORD", PASSWORD)
    login = ["--db", sqlite_target, "--user", officer.username]
    capsys.readouterr()
    assert main(["policy", "set", "import_memory_mb=2048", "import_max_pages= 300 ", "--json", *login]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["import_memory_mb"], shown["import_max_pages"]) == (2048, 300)
    version = sqlite_services.policy.current().version

    assert main(["policy", "set", "validity_days=400", "validity_days=500", *login]) == 2
    assert "validity_days is given twice" in capsys.readouterr().err
    assert main(["policy", "set", "validity_days=1000000000", *login]) == 2
    assert "validity_days must be 30 to 3650 days" in capsys.readouterr().err
    for typed in ("import_cpu_seconds=1.5", "import_cpu_seconds=１２", "import_cpu_seconds=true"):
        assert main(["policy", "set", typed, *login]) == 2
        assert "import_cpu_seconds is a whole number" in capsys.readouterr().err
    assert sqlite_services.policy.current().version == version  # nothing stored


@pytest.mark.parametrize("hidden", ["\u202e", "\u2067", "\x1b[8m"])
def test_a_warning_text_that_shows_other_words_than_it_holds_is_refused(sqlite_services: Services, hidden: str) -> None:
    """Was BROKE: `policy set warning_text=…` stored a special risk warning holding a
    right-to-left override (the desk showed the client 该报告。您不适合 where the record holds
    该报告合适不您。), an isolate or a terminal escape: the override records "the
    warning text as shown", and it was not what was shown. Refused, nothing stored; line
    breaks (the shipped text has one) stay allowed."""
    officer = staff(sqlite_services, Role.COMPLIANCE)
    version = sqlite_services.policy.current().version
    with pytest.raises(InvalidInput, match="control characters or a bidi"):
        sqlite_services.policy.update(officer, warning_text=f"特别风险警示：该报告{hidden}合适不您。")
    assert sqlite_services.policy.current().version == version
    stored = sqlite_services.policy.update(officer, warning_text="特别风险警示：\n该报告不适合您。")
    assert stored.warning_version == "W2"


def test_a_version_number_no_store_holds_is_no_version(sqlite_services: Services) -> None:
    """Was BROKE: `policy show --version 99999999999999999999` (and `questionnaire show`,
    `policy subjects` with it) ended in "unexpected error (OverflowError)": SQLite cannot
    bind a number that large to look it up. It is no version, and says so."""
    officer = staff(sqlite_services, Role.COMPLIANCE)
    for number in (10**20, 2**63, -(2**63) - 1):
        with pytest.raises(InvalidInput, match=f"^There is no policy version {number}"):
            sqlite_services.policy.version(number)
        with pytest.raises(InvalidInput, match=f"^There is no questionnaire version {number}"):
            sqlite_services.questionnaire.current(officer, number)


@pytest.mark.parametrize("table", ["x", "R1", ["x"], [["a", "R1", "extra"]]])
def test_a_subject_table_given_as_a_setting_or_of_odd_entries_is_refused_in_words(table: object) -> None:
    """Was BROKE: `policy set subjects=x` was refused with Python's own words ("bad subject
    table: not enough values to unpack (expected 2, got 1)"); a table is not a NAME=VALUE
    setting, and an entry that is not a keyword and a level says so."""
    from suitcheck.domain.policy import Policy, PolicyError, typed_settings

    with pytest.raises(PolicyError, match="policy subjects --from FILE"):
        typed_settings(["subjects=x"])
    with pytest.raises(PolicyError, match="each entry is a keyword and a level"):
        Policy.from_dict({"subjects": table})
