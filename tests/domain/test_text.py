"""domain.text.half_width: what a Chinese input method's full-width mode types, read as
the ASCII it stands for, and nothing else that merely looks like it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitcheck.domain.text import FORMULA_LEADS, half_width, sheet_quoted, sheet_unquoted


def test_every_full_width_ascii_form_reads_as_its_ascii_character() -> None:
    printable = "".join(chr(c) for c in range(0x21, 0x7F))
    wide = "".join(chr(c - 0x21 + 0xFF01) for c in range(0x21, 0x7F))
    assert half_width(wide) == printable
    assert half_width("\u3000８８\u3000") == " 88 "


@pytest.mark.parametrize("text", ["⁸⁸", "⑧", "𝟖", "٨", "客户", "ｶ", "￠", "\u2003", "880099", "王\u200b五"])
def test_only_the_full_width_forms_are_folded(text: str) -> None:
    # superscripts, circled and mathematical digits, Arabic-Indic digits, CJK, half-width
    # katakana, the full-width cent sign (outside the block) and an em space are not what a
    # clerk meant as ASCII
    assert half_width(text) == text


@given(st.text(alphabet="'=+-@\t\rab 1", max_size=8) | st.text(max_size=8))
def test_the_sheet_mark_gives_every_text_back_and_leaves_no_formula(text: str) -> None:
    """A client export's cell, read back by the import, is the value it was made of, and
    no cell begins with what a spreadsheet would run as a formula."""
    quoted = sheet_quoted(text)
    assert isinstance(quoted, str)
    assert sheet_unquoted(quoted) == text
    assert not quoted.startswith(FORMULA_LEADS)
