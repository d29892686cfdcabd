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


class StoreUnavailable(ServiceError):
    """The database failed mid-operation (locked, disk full, server gone)."""

    exit_code = 1
