"""Reading a client or report reference from what a user typed, without surprises: the one
parser behind every command-line argument, GUI field and service that takes a reference."""

from __future__ import annotations

import dataclasses
import re

from suitcheck.domain.identity import shown_reference
from suitcheck.domain.text import half_width

# ASCII digits only, below a billion, so an id fits every database's integer. `str.isdigit`
# would accept superscripts and other scripts' digits, which int() then rejects.
_ID = re.compile(r"[0-9]{1,9}")
ACCOUNT_PREFIX = "acct:"


@dataclasses.dataclass(frozen=True)
class Ref:
    """What a reference can name. `id` is the record id when the text is one ("12", or
    "#12" as ids are shown); `account` the account number it may also be (the text as
    typed; "acct:12" names only the account 12). A client reference that names both an
    id and another client's account is refused as ambiguous, never guessed."""

    text: str
    id: int | None
    account: str | None


def parse_ref(ref: str | int) -> Ref:
    if isinstance(ref, int):  # a program passing a record's id (the GUI): never an account
        return Ref(str(ref), ref if 0 <= ref < 10**9 else None, None)
    text = ref.strip()
    if "\x00" in text:
        # No account holds a NUL (PostgreSQL stores none): a cell of a pairs file that does
        # names nobody. Looked up, it stopped a whole batch with the driver's refusal.
        return Ref(text, None, None)
    if text.startswith(ACCOUNT_PREFIX):
        return Ref(text, None, text[len(ACCOUNT_PREFIX) :].strip() or None)
    number = text[1:].strip() if text.startswith("#") else text
    return Ref(text, int(number) if _ID.fullmatch(number) else None, text or None)


def numeric_id(ref: str | int) -> int | None:
    """The record id a reference names, if it names one; typed in full-width digits
    (１２, ＃１２) it names the same record."""
    return parse_ref(ref if isinstance(ref, int) else half_width(ref)).id


def half_width_ref(ref: str | int) -> str | None:
    """The reference as typed in half-width forms, when it was typed otherwise: what a
    client reference that finds nothing as typed is looked up as next."""
    if isinstance(ref, int):
        return None
    folded = half_width(ref).strip()
    return folded if folded != ref.strip() else None


def shown_ref(text: str) -> str:
    """A reference as a sentence echoes it: an ID number typed in its place masked
    (domain.identity.shown_reference), also after the account prefix ("acct:")."""
    if text.startswith(ACCOUNT_PREFIX):
        return ACCOUNT_PREFIX + shown_reference(text[len(ACCOUNT_PREFIX) :])
    return shown_reference(text)
