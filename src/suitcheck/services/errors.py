"""Errors a service raises; each carries one sentence fit to show a user."""

from __future__ import annotations

from suitcheck.store.engine import StoreError as StoreError  # for callers above services (gui, cli)


class ServiceError(Exception):
    """Base class. `str(err)` is the user-facing sentence."""

    exit_code = 1


class InvalidInput(ServiceError):
    exit_code = 2


class NotFound(ServiceError):
    exit_code = 2


class Conflict(ServiceError):
    exit_code = 2


class AuthenticationFailed(ServiceError):
    exit_code = 1


class PermissionDenied(ServiceError):
    exit_code = 1


class DecisionRefuses(PermissionDenied):
    """The role may do it, but the decision about this client and report does not allow
    it (opening a report the client may not read): a user is told so, not that their role
    may not."""


class StoreUnavailable(ServiceError):
    """The database failed mid-operation (locked, disk full, server gone)."""

    exit_code = 1


class OutcomeUnknown(StoreUnavailable):
    """The connection to the database server was lost while it committed the work: the
    server may have recorded it or not, and nobody here can tell which (unlike any failure
    before the commit, which recorded nothing). The sentence says to look in the trail
    before doing the work again."""
