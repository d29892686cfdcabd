"""The subject table attacked as a careless compliance officer and a hostile file would:
a keyword of one character, one inside another at a lower level, files as spreadsheets
save them (GBK, a BOM, UTF-16, Excel's quoting), two officers at once, and replay."""

from __future__ import annotations

import pytest

from suitcheck.domain.policy import PolicyError, checked_subjects
from suitcheck.services import Actor, Services
from suitcheck.services.errors import InvalidInput


@pytest.mark.parametrize("word", ["股", "债", "H", "５"])
def test_a_keyword_of_one_character_is_refused(word: str) -> None:
    # One character is in most reports' titles (股 in 股票, A股, 港股, 股份): as a keyword
    # it would lift half the reports to its level and bury compliance in findings.
    with pytest.raises(PolicyError, match="shorter than 2 characters"):
        checked_subjects([("创业板", "R4"), (word, "R4")])


def test_a_one_character_table_file_is_refused_and_nothing_stored(services: Services, compliance: Actor) -> None:
    version = services.policy.current().version
    with pytest.raises(InvalidInput, match="'股' is shorter than 2 characters"):
        services.policy.import_subjects(compliance, "创业板,R4\n股,R4\n")
    assert services.policy.current().version == version
