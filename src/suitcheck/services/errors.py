"""Errors a service raises; each carries one sentence fit to show a user."""

from __future__ import annotations

from typing import Any, TypeVar

from suitcheck.audit.chain import NewerSchemaError as NewerSchemaError  # a store changed under a running desk
from suitcheck.store.engine import StoreError as StoreError  # for callers above services (gui, cli)


class ServiceError(Exception):
    """Base class. `str(err)` is the user-facing sentence. `code`, where a service sets it
    (coded), names the refusal for a desk that words it itself: the sentence speaks of the
    command line's options (`--was`, `--yes`), which a dialog offers as its own fields and
    buttons. The sentence stays the CLI's, the log's and the audit record's."""

    exit_code = 1
    code: str | None = None
    params: dict[str, Any] = {}  # read only: coded() gives an error its own


_E = TypeVar("_E", bound=ServiceError)


def coded(error: _E, code: str, **params: Any) -> _E:
    """`error`, named `code` (with the values its sentence names) for a desk that words
    it itself (ServiceError.code)."""
    error.code, error.params = code, params
    return error


class InvalidInput(ServiceError):
    exit_code = 2


class NotFound(ServiceError):
    exit_code = 2


class Conflict(ServiceError):
    exit_code = 2


class LevelConflict(Conflict):
    """The report's level is no longer the one the caller showed (re-rated meanwhile): what
    was asked for at that level was not done. `level` is the level now (None: unrated)."""

    def __init__(self, message: str, *, level: Any = None) -> None:
        super().__init__(message)
        self.level: Any = level


class AuthenticationFailed(ServiceError):
    exit_code = 1


class PermissionDenied(ServiceError):
    exit_code = 1


class DecisionRefuses(PermissionDenied):
    """The role may do it, but the decision about this client and report does not allow
    it (opening a report the client may not read): a user is told so, not that their role
    may not. `refusal`, when given, is the decision the refusal was recorded under (an
    access.CheckResult for the refused opening's entry): decided again at the opening, it
    may differ from the check before it (the stored file failed its check, the report was
    re-rated meanwhile), and a desk shows it rather than the check it overturned."""

    def __init__(self, message: str, *, refusal: Any = None) -> None:
        super().__init__(message)
        self.refusal = refusal


class ClockWrong(ServiceError):
    """The desk's clock cannot be right: it reads behind a moment already recorded in the
    audit trail, or (a shared PostgreSQL store) away from the database server's clock.
    Nothing is decided or recorded on the day it names; the refusal itself is recorded."""

    def __init__(
        self,
        message: str,
        *,
        reading: object = None,
        newest: object = None,
        seq: int | None = None,
        server: object = None,
    ) -> None:
        super().__init__(message)
        self.reading: Any = reading
        self.newest: Any = newest
        self.seq = seq
        self.server: Any = server
        self.recorded = False


class StoreUnavailable(ServiceError):
    """The database failed mid-operation (locked, disk full, server gone)."""

    exit_code = 1


class OutcomeUnknown(StoreUnavailable):
    """The connection to the database server was lost while it committed the work: the
    server may have recorded it or not, and nobody here can tell which (unlike any failure
    before the commit, which recorded nothing). The sentence says to look in the trail
    before doing the work again."""
