"""Mainland resident ID numbers (GB 11643): validation, birth date and masking."""

from __future__ import annotations

import datetime as dt
import functools
import re

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from suitcheck.domain.text import half_width


class InvalidIdNumberError(ValueError):
    """The text is not a valid resident ID number."""


_OLD_FORM = re.compile(r"^[0-9]{15}$")
_NEW_FORM = re.compile(r"^[0-9]{17}[0-9X]$")
# Full-width digits and Ｘ are how some forms arrive (domain.text.half_width, the one fold
# of what a full-width input method types); anything else that merely looks like a digit
# (superscripts, other scripts) is refused, never folded.
EARLIEST_BIRTH = dt.date(1900, 1, 1)


def to_18_digits(number15: str) -> str:
    """The 18-character form of a legacy 15-digit number (born 19xx, check character
    computed), so both forms of one person compare equal."""
    body = number15[:6] + "19" + number15[6:]
    return body + ric.calc_check_digit(body + "0")


def legacy_form(number18: str) -> str | None:
    """The 15-digit form an 18-character number had (for records stored before
    numbers were normalised), or None when it never had one."""
    if len(number18) != 18 or number18[6:8] != "19":
        return None
    return number18[:6] + number18[8:17]


def normalize_id_number(text: str, today: dt.date | None = None) -> str:
    """Validate an 18-character or a legacy 15-digit number and return its 18-character
    form (upper-case X): check character, birth date (1900 to `today`) and area code
    (python-stdnum's area table, including areas valid only in some years)."""
    compact = half_width("".join(text.split())).upper()
    if len(compact) == 15:
        if not _OLD_FORM.match(compact):
            raise InvalidIdNumberError("a 15-digit ID number has only digits")
        compact = to_18_digits(compact)
    elif len(compact) != 18:
        raise InvalidIdNumberError("an ID number has 18 characters (or 15 digits)")
    if not _NEW_FORM.match(compact):
        raise InvalidIdNumberError("an ID number has 17 digits and a check character (0-9 or X)")
    try:  # as ric.get_birth_date, without its clean-up of a number already clean (a third of a file's time)
        born = dt.date(int(compact[6:10]), int(compact[10:12]), int(compact[12:14]))
    except ValueError as exc:
        raise InvalidIdNumberError("the ID number has an invalid birth date") from exc
    if born < EARLIEST_BIRTH or (today is not None and born > today):
        raise InvalidIdNumberError(f"the ID number's birth date {born.isoformat()} is impossible")
    try:
        return _validate_18(compact)
    except stdnum_errors.InvalidChecksum as exc:
        raise InvalidIdNumberError("the ID number's check character is wrong") from exc
    except stdnum_errors.ValidationError as exc:
        raise InvalidIdNumberError("the ID number's area code is unknown") from exc


def _validate_18(number: str) -> str:
    """What `ric.validate` checks, in its order, with the area look-up cached.

    `ric.validate` re-cleans the number for every part and searches its area database
    each time; a client file of a million rows spent most of its time there. The area
    answer depends only on the 6-digit area and the birth year, so it is asked once per pair."""
    if len(number) != 18:
        raise stdnum_errors.InvalidLength()
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise stdnum_errors.InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise stdnum_errors.InvalidChecksum()
    try:  # as ric.get_birth_date, without its repeated clean-up of the number
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise stdnum_errors.InvalidComponent() from exc
    if not _area_known(number[:6], born.year):
        raise stdnum_errors.InvalidComponent()
    return number


@functools.lru_cache(maxsize=65536)
def _area_known(area: str, year: int) -> bool:
    try:
        ric.get_birth_place(f"{area}{year:04d}0101000")  # the library's own look-up and year rules
    except (stdnum_errors.ValidationError, KeyError):
        # KeyError: python-stdnum (2.x) fails so on areas its database lists without a
        # county, e.g. 110100; such a code names no place of residence, so it is not valid.
        return False
    return True


def _legacy_birth_date(number: str) -> dt.date:
    # The 15-digit form has a 2-digit year; all such numbers were issued to people born in 19xx.
    try:
        return dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError as exc:
        raise InvalidIdNumberError("the ID number has an invalid birth date") from exc


def birth_date(number: str) -> dt.date:
    """The birth date encoded in a normalised (or stored legacy 15-digit) ID number."""
    if len(number) == 15:
        return _legacy_birth_date(number)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))  # as ric.get_birth_date


def stored_number_problem(number: str, born: dt.date | None, today: dt.date) -> str | None:
    """Why an ID number held by a client's record is not one suitcheck writes there for a
    client born `born` (the record's birth date), or None: "form" for a number that is not
    valid, or not in its normalised form (18 characters, upper-case X) or the legacy 15-digit
    form of one (a search by the number, and the check for a second record of the same
    person, compare those forms only); "birth-date" for one whose birth date is not the
    record's (suitcheck takes the birth date from the number)."""
    try:
        normal = normalize_id_number(number, today)
    except InvalidIdNumberError:
        return "form"
    if number not in (normal, legacy_form(normal)):
        return "form"
    return None if birth_date(number) == born else "birth-date"


def mask_id_number(number: str | None) -> str | None:
    """Hide the birth date: 110105********123X (18) or 110105******123 (15: area, yymmdd,
    sequence; keeping four characters there would show the birth day's last digit)."""
    if not number:
        return number
    if len(number) == 15:
        return number[:6] + "*" * 6 + number[12:]
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# The shape of an 18-character number, whether or not its check character is right: a
# number mistyped by one character is still most of a person's number.
_NEW_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def shown_reference(text: str) -> str:
    """A reference the user typed (an account number, a record id), as a sentence may
    echo it: as typed, unless it is a resident ID number (an 18-character one by its
    shape, a 15-digit one when it is valid), which is shown masked as everywhere else
    (mask_id_number): the sentence reaches the screen, a batch's results file, a
    colleague at the same desk."""
    compact = half_width("".join(text.split())).upper()
    if not _NEW_SHAPE.fullmatch(compact):
        if len(compact) != 15:
            return text
        try:
            normalize_id_number(compact)
        except InvalidIdNumberError:
            return text
    return mask_id_number(compact) or text
