"""Reading a record's numeric id from what a user typed, without surprises."""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,9}")


def numeric_id(ref: str | int) -> int | None:
    """The id a reference names when it is a plain number (ASCII digits only, below a
    billion, so it fits every database's integer); None otherwise. `str.isdigit` would
    accept superscripts and other scripts' digits, which int() then rejects."""
    text = str(ref).strip()
    return int(text) if _ID.fullmatch(text) else None
