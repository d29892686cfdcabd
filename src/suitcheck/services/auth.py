"""Staff accounts: login with lockout, password changes, roles; argon2id hashes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from functools import cached_property

from argon2 import PasswordHasher
from argon2 import exceptions as argon2_errors
from sqlalchemy import func, select

from suitcheck.domain.roles import Permission, Role
from suitcheck.services.context import SYSTEM, Actor, ServiceContext
from suitcheck.services.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from suitcheck.store.models import Staff

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 4


@dataclasses.dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    locked: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "disabled": self.disabled,
            "locked": self.locked,
        }


class AuthService:
    def __init__(self, ctx: ServiceContext, hasher: PasswordHasher | None = None) -> None:
        self._ctx = ctx
        # argon2-cffi's defaults (argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
        self._hasher = hasher or PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("no such user: equalise the timing of failed logins")

    def has_staff(self) -> bool:
        with self._ctx.transaction(read_only=True) as session:
            return bool(session.execute(select(func.count()).select_from(Staff)).scalar_one())

    def login(self, username: str, password: str, *, record_success: bool = False) -> Actor:
        """Check the password. Every failure and lockout is audited; the message never
        says whether the user exists, and a missing user costs the same hash time."""
        now = self._ctx.now()
        with self._ctx.transaction() as session:
            staff = session.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
            ok = self._check(staff.password_hash if staff else self._dummy_hash, password)
            who = Actor(staff.id if staff else 0, username[:64], Role(staff.role) if staff else Role.ADVISOR)
            if staff is None:
                self._ctx.audit(session, who, "login-failed", facts={"cause": "credentials"})
                failure = "The user name or password is wrong."
            elif not self._ctx.rows.staff_ok(session.connection(), staff):
                # A role or password changed outside suitcheck must not grant anything.
                self._ctx.audit(session, who, "login-failed", facts={"cause": "record-integrity"})
                failure = "This account's record was changed outside suitcheck; an administrator must investigate."
            elif staff.disabled:
                self._ctx.audit(session, who, "login-failed", facts={"cause": "disabled"})
                failure = "This account is disabled; ask an administrator."
            elif staff.locked_until is not None and staff.locked_until > now:
                self._ctx.audit(session, who, "login-failed", facts={"cause": "locked"})
                failure = "This account is locked after too many failed logins; try again later."
            elif not ok:
                staff.failed_logins += 1
                self._ctx.audit(
                    session, who, "login-failed", facts={"cause": "credentials", "failures": staff.failed_logins}
                )
                if staff.failed_logins >= MAX_FAILED_LOGINS:
                    staff.locked_until = now + LOCKOUT
                    staff.failed_logins = 0
                    self._ctx.audit(session, who, "lockout", facts={"minutes": LOCKOUT.seconds // 60})
                failure = "The user name or password is wrong."
            else:
                staff.failed_logins = 0
                staff.locked_until = None
                if self._hasher.check_needs_rehash(staff.password_hash):
                    staff.password_hash = self._hasher.hash(password)
                if record_success:
                    self._ctx.audit(session, who, "login")
                return Actor(staff.id, staff.username, Role(staff.role), staff.display_name)
        log.warning("login failed for %r: %s", username[:64], failure)
        raise AuthenticationFailed(failure)

    def _check(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (argon2_errors.VerificationError, argon2_errors.InvalidHashError):
            return False

    def _validate_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")

    def create_first_admin(self, username: str, password: str, display_name: str = "") -> StaffView:
        """Only on a store with no staff: the bootstrap account of `suitcheck init`."""
        return self.create_initial_staff([(username, password, Role.ADMIN, display_name)])[0]

    def create_initial_staff(self, accounts: list[tuple[str, str, Role, str]]) -> list[StaffView]:
        """Only on a store with no staff yet (first run, demo store); recorded as 'system'."""
        if self.has_staff():
            raise Conflict("The store already has staff accounts; an administrator must add new ones.")
        return [self._create(SYSTEM, *account) for account in accounts]

    def create_staff(self, actor: Actor, username: str, password: str, role: Role, display_name: str = "") -> StaffView:
        self._ctx.require(actor, Permission.MANAGE_STAFF)
        return self._create(actor, username, password, role, display_name)

    def _create(self, actor: Actor, username: str, password: str, role: Role, display_name: str) -> StaffView:
        username = username.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise InvalidInput("A user name is 1 to 64 characters without spaces.")
        self._validate_password(password)
        with self._ctx.transaction() as session:
            if session.execute(select(Staff.id).where(Staff.username == username)).first():
                raise Conflict(f"A staff account named {username!r} already exists.")
            staff = Staff(
                username=username,
                display_name=display_name or username,
                role=role.value,
                password_hash=self._hasher.hash(password),
                disabled=False,
                failed_logins=0,
                created_at=self._ctx.now(),
            )
            session.add(staff)
            session.flush()
            self._ctx.audit(session, actor, "staff-created", facts={"username": username, "role": role.value})
            return _view(staff, self._ctx.now())

    def change_password(self, actor: Actor, old_password: str, new_password: str) -> None:
        self._validate_password(new_password)
        self.login(actor.username, old_password)
        with self._ctx.transaction() as session:
            staff = session.get(Staff, actor.staff_id)
            assert staff is not None
            staff.password_hash = self._hasher.hash(new_password)
            self._ctx.audit(session, actor, "password-changed", facts={"username": actor.username})

    def set_disabled(self, actor: Actor, username: str, disabled: bool) -> StaffView:
        """Disable or re-enable an account. Accounts are never deleted: the audit names them."""
        self._ctx.require(actor, Permission.MANAGE_STAFF)
        if disabled and username == actor.username:
            raise InvalidInput("You cannot disable your own account.")
        with self._ctx.transaction() as session:
            staff = session.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
            if staff is None:
                raise NotFound(f"No staff account is named {username!r}.")
            staff.disabled = disabled
            self._ctx.audit(
                session, actor, "staff-disabled" if disabled else "staff-enabled", facts={"username": username}
            )
            return _view(staff, self._ctx.now())

    def list_staff(self, actor: Actor) -> list[StaffView]:
        self._ctx.require(actor, Permission.MANAGE_STAFF)
        now = self._ctx.now()
        with self._ctx.transaction(read_only=True) as session:
            return [_view(s, now) for s in session.execute(select(Staff).order_by(Staff.username)).scalars()]


def _view(staff: Staff, now: dt.datetime) -> StaffView:
    return StaffView(
        staff.id,
        staff.username,
        staff.display_name,
        Role(staff.role),
        staff.disabled,
        staff.locked_until is not None and staff.locked_until > now,
    )
