"""Which passwords staff may choose: NIST SP 800-63B §3.1.1.2 (length, a blocklist of
breached and common passwords, context words), and no composition rules."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Collection

MIN_LENGTH = 10
MAX_LENGTH = 256  # NIST: allow at least 64; this bound only stops absurd input
SERVICE_WORDS = ("suitcheck", "password", "passwort", "mima")  # mima: 密码 in pinyin


class PasswordProblem(enum.Enum):
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"
    USER_NAME = "user-name"
    COMMON = "common"
    REPETITIVE = "repetitive"
    CONTROL = "control-character"


def normalize_password(password: str) -> str:
    """NFKC, as NIST asks, so full-width and composed forms hash and compare alike."""
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str, username: str, common: Collection[str]) -> PasswordProblem | None:
    """None when the password is acceptable, else the first problem found.

    `common` holds lower-case blocklist entries. A password is refused when it is one
    of them, or one of them with digits and symbols around it ("Dragon2024!"), or the
    user name or the program's name with the same decoration.
    """
    if any(unicodedata.category(char) == "Cc" for char in password):
        # A line break, a tab, a CR left by a file written on Windows (`read -r P < pw.txt`),
        # an escape: no login prompt or desk field types one, so nobody could sign in with it.
        return PasswordProblem.CONTROL
    text = normalize_password(password)
    if len(text) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(text) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    folded = text.casefold()
    core = _core(folded)
    user = normalize_password(username).casefold().strip()
    if user and ((len(user) >= 4 and user in folded) or folded in user or core in (user, user[::-1])):
        return PasswordProblem.USER_NAME
    if folded in common or core in common or folded.replace(" ", "") in common:
        return PasswordProblem.COMMON
    if any(core == word or core == word[::-1] for word in SERVICE_WORDS):
        return PasswordProblem.COMMON
    if len(set(folded)) <= 2 or _sequential(folded):
        return PasswordProblem.REPETITIVE
    return None


def _core(text: str) -> str:
    """The word inside the decoration: digits, spaces and symbols stripped at both ends."""
    core = text.strip("0123456789 !@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~")
    return core if len(core) >= 4 else text


def _sequential(text: str) -> bool:
    """A run such as 0123456789 or abcdefghijk, up or down, possibly repeated."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps <= {1, -9} or steps <= {-1, 9}
