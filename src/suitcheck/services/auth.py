"""Staff accounts: login with lockout, password changes, roles; argon2id hashes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

from argon2 import PasswordHasher, extract_parameters
from argon2 import exceptions as argon2_errors
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from suitcheck.audit import chain
from suitcheck.audit.sealing import os_user
from suitcheck.domain import passwords
from suitcheck.domain.branches import effective_firm_wide, firm_wide_allowed
from suitcheck.domain.clients import folded_key, key_problem
from suitcheck.domain.codes import AuditAction
from suitcheck.domain.roles import Permission, Role
from suitcheck.services.branches import branch_codes, branch_id_for, head_office_id, target_branch
from suitcheck.services.context import SYSTEM, Actor, ServiceContext, credential_tag
from suitcheck.services.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound, PermissionDenied
from suitcheck.services.integrity import shown_text, unreadable
from suitcheck.services.scope import staff_scope
from suitcheck.store.models import AuditEntry, Branch, Investor, Report, Staff, StoreSetting

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH

# argon2id of a random password nobody knows, made once with argon2-cffi's default
# parameters (t=3, m=64 MiB, p=4). A login for a name that is not an account verifies
# against it, so it costs exactly one argon2 run, as a known name does.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$HTusbhntuudICzwP02tuYw$qHBF3ictPmFNrqpddnEyEnJkrXW1RSt3sbhlMpdtaK0"

# One sentence for every failed login, so it never tells whether the name is an account,
# nor whether the account is locked (during a lockout even the right password gets it:
# confirming it then would let guessing go on through the lockout).
LOGIN_FAILED = (
    "The user name or password is wrong (after "
    f"{MAX_FAILED_LOGINS} failed logins an account is locked for {LOCKOUT.seconds // 60} minutes)."
)
DISABLED = "This account is disabled; ask an administrator."
UNKNOWN_USER = "(unknown user)"
LOCAL_RECOVERY = "local-recovery"
# Names the trail records for what no staff member did: the program itself (SYSTEM: seals,
# first run, demo seeding), a login under a name no account has, an administrator recovered
# at the computer. No account may take one (_check_username), so a desk may show each as a
# label in its own language (gui/texts.staff_text) without passing anyone off as it.
RESERVED_USERNAMES = (SYSTEM.username, UNKNOWN_USER, LOCAL_RECOVERY)
SETTING_ORIGIN = "origin"
SETTING_NAME_KEY = "login-name-key"

_PROBLEMS = {
    passwords.PasswordProblem.TOO_SHORT: f"A password needs at least {passwords.MIN_LENGTH} characters "
    "(a few words make a good one).",
    passwords.PasswordProblem.TOO_LONG: f"A password may have at most {passwords.MAX_LENGTH} characters.",
    passwords.PasswordProblem.USER_NAME: "A password must not be or contain the user name.",
    passwords.PasswordProblem.COMMON: "This password is on the list of common or leaked passwords; choose another.",
    passwords.PasswordProblem.REPETITIVE: "A password must not be one character repeated or a run such as 1234567890.",
    passwords.PasswordProblem.CONTROL: "A password must not hold a line break, a tab or another control character: "
    "no login could type it.",
}


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The blocklist shipped with the package (see scripts/make_common_passwords.py)."""
    text = (resources.files("suitcheck") / "resources" / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class PasswordChangeRequired(AuthenticationFailed):
    """The password was right, but an administrator reset it: choose a new one first
    (AuthService.change_password_at_login). Anything unaware of it still fails closed."""


@dataclasses.dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    locked: bool
    must_change_password: bool = False
    # The last login the audit trail records (list_staff fills it in; None: never, or not asked).
    last_login: dt.datetime | None = None
    branch: str | None = None  # the branch's code
    firm_wide: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "disabled": self.disabled,
            "locked": self.locked,
            "must_change_password": self.must_change_password,
            "last_login": self.last_login.isoformat() if self.last_login else None,
            "branch": self.branch,
            "firm_wide": self.firm_wide,
        }


class AuthService:
    def __init__(self, ctx: ServiceContext, hasher: PasswordHasher | None = None) -> None:
        self._ctx = ctx
        # argon2-cffi's defaults (argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
        self._hasher = hasher or PasswordHasher()
        # The dummy must cost what a real hash costs: with other parameters (tests use
        # cheaper ones) make one now, never lazily at the first unknown name.
        self._dummy_hash = (
            self._hasher.hash(secrets.token_urlsafe(24)) if self._hasher.check_needs_rehash(DUMMY_HASH) else DUMMY_HASH
        )

    def has_staff(self) -> bool:
        with self._ctx.transaction(read_only=True) as session:
            return bool(session.execute(select(func.count()).select_from(Staff)).scalar_one())

    def is_demo_store(self) -> bool:
        """True for a store that `suitcheck demo` / `seed-demo` created (public passwords)."""
        with self._ctx.transaction(read_only=True) as session:
            return _setting(session, SETTING_ORIGIN) == "demo"

    def login(self, username: str, password: str, *, record_success: bool = False) -> Actor:
        """Check the password. Every failure and lockout is audited; the message never
        says whether the user exists, and a missing user costs the same hash time."""
        return self._login(username, password, record_success=record_success, changing_password=False)

    def login_to_correct_clock(self, username: str, password: str) -> Actor:
        """login() for AuditService.correct_clock on a desk whose clock reads behind the
        audit trail: the sign-in is not refused for the clock it is there to correct
        (failures are recorded at the trail's newest moment and count towards the lockout,
        as ever); correct_clock checks the role. For the command and the login screen,
        where nobody can sign in otherwise."""
        self._ctx.signing_in()
        with self._ctx.clock_unchecked():
            return self._sign_in(username, password, record_success=False, changing_password=False)

    def _login(self, username: str, password: str, *, record_success: bool, changing_password: bool) -> Actor:
        """A clock behind the audit trail is refused only once the password checked out, and
        named for the one who signed in: failures before are recorded (at the trail's newest
        moment) and counted towards the lockout, as with a right clock, so a clock set back
        is no way round it."""
        self._ctx.signing_in()
        with self._ctx.clock_unchecked():
            actor = self._sign_in(
                username, password, record_success=record_success, changing_password=changing_password
            )
        self._ctx.check_clock(actor)
        return actor

    def _sign_in(self, username: str, password: str, *, record_success: bool, changing_password: bool) -> Actor:
        now = self._ctx.now()
        failure: AuthenticationFailed
        with self._ctx.transaction() as session:
            staff = session.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
            # Exactly one argon2 verification on every path, with the same parameters.
            ok = self._check(staff.password_hash if staff else self._dummy_hash, password)
            # A password that checked out is judged with the row as it stands now (_read_again).
            ok = ok and (staff is None or _read_again(session, staff))
            if staff is None:
                name_mac = _name_mac(session, username)
                self._ctx.audit(
                    session,
                    Actor(0, UNKNOWN_USER, Role.ADVISOR),
                    AuditAction.LOGIN_FAILED,
                    facts={"cause": "unknown-user", "name_hmac": name_mac},
                )
                log.warning("login failed for an unknown user name (hmac %s)", name_mac)
                failure = AuthenticationFailed(LOGIN_FAILED)
            else:
                # Names who failed in the trail; a role suitcheck never writes ('boss', bytes)
                # fails the row's seal below, so it never signs anyone in.
                who = Actor(staff.id, staff.username, _ROLES.get(staff.role, Role.ADVISOR))
                # A right password is also refused when guesses answered while it was checked
                # locked the account meanwhile: no word, in the lockout, that it is the one.
                if _locked(staff.locked_until, now) or (ok and _locked_meanwhile(session, staff.id, now)):
                    self._ctx.audit(session, who, AuditAction.LOGIN_FAILED, facts={"cause": "locked"})
                    failure = AuthenticationFailed(LOGIN_FAILED)
                elif not ok:
                    failures = _count_failure(session, staff.id)
                    self._ctx.audit(
                        session,
                        who,
                        AuditAction.LOGIN_FAILED,
                        facts={"cause": "credentials", "failures": failures},
                    )
                    if failures >= MAX_FAILED_LOGINS:
                        session.execute(
                            update(Staff)
                            .where(Staff.id == staff.id)
                            .values(locked_until=now + LOCKOUT, failed_logins=0)
                            .execution_options(synchronize_session=False)
                        )
                        self._ctx.audit(session, who, AuditAction.LOCKOUT, facts={"minutes": LOCKOUT.seconds // 60})
                    failure = AuthenticationFailed(LOGIN_FAILED)
                else:
                    # The password checked out: from here on the account's state may be told.
                    intact = self._ctx.rows.staff_ok(session.connection(), staff)  # before any change to the row
                    staff.failed_logins = 0
                    staff.locked_until = None
                    if (
                        intact
                        and self._weaker_than_ours(staff.password_hash)
                        and _hash_unchanged(session, staff.id, staff.password_hash)
                    ):
                        staff.password_hash = self._hasher.hash(passwords.normalize_password(password))
                    if not intact:
                        # A role or password changed outside suitcheck must not grant anything.
                        self._ctx.audit(session, who, AuditAction.LOGIN_FAILED, facts={"cause": "record-integrity"})
                        failure = AuthenticationFailed(
                            "This account's record was changed outside suitcheck; an administrator must investigate."
                        )
                    elif staff.disabled:
                        self._ctx.audit(session, who, AuditAction.LOGIN_FAILED, facts={"cause": "disabled"})
                        failure = AuthenticationFailed(DISABLED)
                    elif staff.must_change_password and not changing_password:
                        self._ctx.audit(session, who, AuditAction.LOGIN_FAILED, facts={"cause": "must-change-password"})
                        failure = PasswordChangeRequired(
                            "An administrator reset this password; choose a new one before you go on."
                        )
                    else:
                        if record_success:
                            self._ctx.audit(session, who, AuditAction.LOGIN)
                        role = Role(staff.role)
                        return Actor(
                            staff.id,
                            staff.username,
                            role,
                            staff.display_name,
                            credential=credential_tag(staff.password_hash),
                            branch_id=staff.branch_id,
                            firm_wide=effective_firm_wide(role, bool(staff.firm_wide)),
                        )
                log.warning("login failed for %r: %s", staff.username, failure)
        raise failure

    def _weaker_than_ours(self, stored: str) -> bool:
        """Rehash at login only to make a hash stronger: two desktops of different versions
        on one store must not rewrite each other's hashes (each rewrite ends the account's
        other sessions, which are bound to the hash they signed in with)."""
        try:
            params = extract_parameters(stored)
        except argon2_errors.InvalidHashError:
            return True
        ours = self._hasher
        return (
            params.type is not ours.type
            or params.time_cost < ours.time_cost
            or params.memory_cost < ours.memory_cost
            or params.salt_len < ours.salt_len
            or params.hash_len < ours.hash_len
        )

    def _check(self, stored: str, password: str) -> bool:
        """Passwords are hashed in NFKC form; one typed in another form (and set before
        this rule) is tried as typed too. Which tries are made depends on the typed text
        only, never on whether the account exists."""
        normal = passwords.normalize_password(password)
        return any(self._verify(stored, p) for p in dict.fromkeys((normal, password)))

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (argon2_errors.VerificationError, argon2_errors.InvalidHashError):
            return False
        except UnicodeEncodeError:  # a hash that is not ASCII (changed outside suitcheck): argon2 takes none
            return False

    def _validate_password(self, password: str, username: str) -> None:
        problem = passwords.password_problem(password, username, common_passwords())
        if problem is not None:
            raise InvalidInput(_PROBLEMS[problem])

    def create_first_admin(self, username: str, password: str, display_name: str = "") -> StaffView:
        """Only on a store with no staff: the bootstrap account of `suitcheck init`."""
        return self.create_initial_staff([(username, password, Role.ADMIN, display_name)])[0]

    def create_initial_staff(self, accounts: list[tuple[str, str, Role, str]]) -> list[StaffView]:
        """Only on a store with no staff yet (first run); recorded as 'system'. The staff are
        counted again inside the transaction that adds them, under the trail's lock (every
        staff account's entry takes it): two desks setting up one new store at once (two
        first-run windows on a shared store, a window and an `init --admin`) both found
        none beforehand and both made "the first" administrator (until session 30)."""
        if self.has_staff():
            raise Conflict(_HAS_STAFF)
        for username, password, role, _display_name in accounts:
            self._validate_new(username, password, role, None)
        with self._ctx.transaction() as session:
            # The lock alone: the entries keep the desk's moment, as every staff change's.
            chain.lock_chain(session.connection())
            if session.execute(select(func.count()).select_from(Staff)).scalar_one():
                raise Conflict(_HAS_STAFF)
            return [self._create_in(session, SYSTEM, *account) for account in accounts]

    def create_demo_staff(
        self,
        accounts: Sequence[tuple[str, str, Role, str] | tuple[str, str, Role, str, str]],
        admin: Actor | None = None,
    ) -> list[str]:
        """The demo accounts, whose password is public ('demo') and so skips the password
        policy: only on a store without staff, which is marked a demo store from then on,
        or on a demo store (adding the missing ones, an administrator logged in).
        A store with real staff is refused. Returns the names created."""
        with self._ctx.transaction(read_only=True) as session:
            has_staff = bool(session.execute(select(func.count()).select_from(Staff)).scalar_one())
            demo = _setting(session, SETTING_ORIGIN) == "demo"
        if has_staff and not demo:
            raise Conflict(
                "This store has real staff accounts: demo accounts (with the public password 'demo') "
                "are only added to an empty store or a demo store."
            )
        if has_staff:
            if admin is None:
                raise PermissionDenied("Log in as an administrator of this demo store to add demo data.")
            self._ctx.require(admin, Permission.MANAGE_STAFF)
        created: list[str] = []
        with self._ctx.transaction() as session:
            if admin is not None:
                admin = self._ctx.require_in(session, admin, Permission.MANAGE_STAFF)
            # Counted under the trail's lock, as create_initial_staff counts: on PostgreSQL an
            # `init --admin` under way (its administrator not yet committed) was not seen, and
            # demo accounts with the public password went in beside the firm's real one.
            chain.lock_chain(session.connection())
            count = session.execute(select(func.count()).select_from(Staff)).scalar_one()
            if count and _setting(session, SETTING_ORIGIN) != "demo":
                raise Conflict("Another program added staff to this store meanwhile; demo data was not added.")
            if _setting(session, SETTING_ORIGIN) is None:
                refusal = _not_new(session, self._ctx.sealer.chain)
                if refusal is not None:
                    raise Conflict(refusal)
                session.add(StoreSetting(name=SETTING_ORIGIN, value="demo"))
                self._ctx.audit(session, SYSTEM, AuditAction.DEMO_STORE, facts={"origin": "demo"})
            existing = set(session.execute(select(Staff.username)).scalars())
            for username, password, role, display_name, *branch in accounts:
                if username not in existing:
                    self._add(
                        session,
                        admin or SYSTEM,
                        username,
                        password,
                        role,
                        display_name,
                        demo=True,
                        branch_id=branch_id_for(session, self._ctx.rows, branch[0]) if branch else None,
                        firm_wide=not branch and firm_wide_allowed(role),
                    )
                    created.append(username)
        return created

    def create_staff(
        self,
        actor: Actor,
        username: str,
        password: str,
        role: Role,
        display_name: str = "",
        *,
        branch: str | None = None,
        firm_wide: bool | None = None,
    ) -> StaffView:
        """A staff account of `branch` (a code; the administrator's own when not given).
        Compliance and administrators given no branch by a firm-wide administrator are
        firm-wide (head office), as every such account was before branches; `firm_wide`
        says so explicitly. Advisors always work for one branch."""
        actor = self._ctx.require(actor, Permission.MANAGE_STAFF)
        return self._create(actor, username, password, role, display_name, branch=branch, firm_wide=firm_wide)

    def _create(
        self,
        actor: Actor,
        username: str,
        password: str,
        role: Role,
        display_name: str,
        *,
        branch: str | None = None,
        firm_wide: bool | None = None,
    ) -> StaffView:
        username = self._validate_new(username, password, role, firm_wide)
        if firm_wide:
            actor = self._ctx.require_firm_wide(
                actor, Permission.MANAGE_STAFF, "Only a firm-wide administrator may make a firm-wide account."
            )
        with self._ctx.transaction() as session:
            return self._create_in(
                session, actor, username, password, role, display_name, branch=branch, firm_wide=firm_wide
            )

    def _validate_new(self, username: str, password: str, role: Role, firm_wide: bool | None) -> str:
        """A new account's user name (as stored) once its name, password and reach are fine."""
        username = _check_username(username)
        self._validate_password(password, username)
        if firm_wide and not firm_wide_allowed(role):
            raise InvalidInput(
                f"A {role.value} works for one branch; only compliance and administrators are firm-wide."
            )
        return username

    def _create_in(
        self,
        session: Session,
        actor: Actor,
        username: str,
        password: str,
        role: Role,
        display_name: str,
        *,
        branch: str | None = None,
        firm_wide: bool | None = None,
    ) -> StaffView:
        """_create's change, inside the caller's write transaction."""
        actor = self._ctx.require_in(session, actor, Permission.MANAGE_STAFF)
        branch_id = target_branch(session, self._ctx.rows, actor, branch, Permission.MANAGE_STAFF)
        wide = firm_wide if firm_wide is not None else (branch is None and actor.firm_wide and firm_wide_allowed(role))
        staff = self._add(session, actor, username, password, role, display_name, branch_id=branch_id, firm_wide=wide)
        return _view(staff, self._ctx.now(), branches=branch_codes(session))

    def _add(
        self,
        session: Session,
        actor: Actor,
        username: str,
        password: str,
        role: Role,
        display_name: str,
        *,
        demo: bool = False,
        branch_id: int | None = None,
        firm_wide: bool = False,
    ) -> Staff:
        username = _check_username(username)
        if session.execute(select(Staff.id).where(Staff.username == username)).first():
            raise Conflict(f"A staff account named {username!r} already exists.")
        # A name that differs from a colleague's only in capitals or character form
        # (`Demo-Admin` beside `demo-admin`) reads as that colleague in lists and the trail.
        # Looked for under the trail's lock (which the entry below takes anyway): two
        # administrators adding `li.lei` and `Li.Lei` at once on a shared store would both
        # find none. Existing pairs (stores from before session 30) keep signing in by their
        # exact names.
        chain.lock_chain(session.connection())
        folded = folded_key(username)
        for existing in session.execute(select(Staff.username)).scalars():
            if existing == username:
                # Stored by another desk after the look above (PostgreSQL, read committed).
                raise Conflict(_STORED_MEANWHILE)
            if folded_key(existing) == folded:
                raise Conflict(
                    f"A staff account named {existing!r} already exists; a user name differing from it "
                    "only in capitals or character forms would be taken for it. Choose another user name."
                )
        staff = Staff(
            username=username,
            display_name=display_name or username,
            role=role.value,
            password_hash=self._hasher.hash(passwords.normalize_password(password)),
            disabled=False,
            failed_logins=0,
            must_change_password=False,
            created_at=self._ctx.now(),
            branch_id=branch_id if branch_id is not None else head_office_id(session, self._ctx.rows),
            firm_wide=firm_wide,
        )
        session.add(staff)
        session.flush()
        facts: dict[str, object] = {
            "username": username,
            "role": role.value,
            "branch": branch_codes(session).get(staff.branch_id) if staff.branch_id is not None else None,
            "firm_wide": firm_wide,
        }
        if demo:
            facts["demo"] = True
        self._ctx.audit(session, actor, AuditAction.STAFF_CREATED, facts=facts)
        return staff

    def change_password(self, actor: Actor, old_password: str, new_password: str) -> Actor:
        """Change one's own password; the session continues as the returned actor (every
        session opened with the old password ends)."""
        return self.change_password_at_login(actor.username, old_password, new_password)

    def change_password_at_login(
        self, username: str, old_password: str, new_password: str, *, record_success: bool = False
    ) -> Actor:
        """Change one's own password with the old one: also the way through a forced
        change after an administrator's reset. Returns the logged-in actor; with
        `record_success` the login is recorded too, as `login` records it."""
        self._validate_password(new_password, username)
        if passwords.normalize_password(new_password) == passwords.normalize_password(old_password):
            raise InvalidInput("The new password must differ from the old one.")
        for _ in range(2):
            actor = self._login(username, old_password, record_success=record_success, changing_password=True)
            with self._ctx.transaction() as session:
                # Read again and locked where the new password is written: an administrator who
                # reset, disabled or locked the account since the login above is never undone
                # by it (the login again says why, and records it).
                staff = session.get(Staff, actor.staff_id, with_for_update=True)
                assert staff is not None
                # As every later unit of work judges a session (disabled, locked, its record
                # unsealed, its password changed), except the forced change this one makes.
                _, cause = self._ctx.current_actor_in(session.connection(), actor)
                only_reset = cause == "credential" and credential_tag(staff.password_hash) == actor.credential
                if cause is not None and not only_reset:
                    continue
                forced = staff.must_change_password
                staff.password_hash = self._hasher.hash(passwords.normalize_password(new_password))
                staff.must_change_password = False
                self._ctx.audit(
                    session,
                    actor,
                    AuditAction.PASSWORD_CHANGED,
                    facts={"username": actor.username, "after_reset": forced},
                )
                return dataclasses.replace(actor, credential=credential_tag(staff.password_hash))
        raise InvalidInput("The account changed while its new password was being set; nothing was changed. Try again.")

    def set_disabled(self, actor: Actor, username: str, disabled: bool) -> StaffView:
        """Disable or re-enable an account. Accounts are never deleted: the audit names them."""
        actor = self._ctx.require(actor, Permission.MANAGE_STAFF)
        if disabled and username == actor.username:
            raise InvalidInput("You cannot disable your own account.")
        with self._ctx.transaction() as session:
            actor = self._recheck(session, actor, username)
            staff = _find(session, username, actor)
            staff.disabled = disabled
            self._ctx.audit(
                session,
                actor,
                AuditAction.STAFF_DISABLED if disabled else AuditAction.STAFF_ENABLED,
                facts={"username": username},
            )
            return _view(staff, self._ctx.now())

    def unlock(self, actor: Actor, username: str) -> StaffView:
        """End a lockout before its time (an administrator, audited)."""
        actor = self._ctx.require(actor, Permission.MANAGE_STAFF)
        with self._ctx.transaction() as session:
            actor = self._recheck(session, actor, username)
            staff = _find(session, username, actor)
            was_locked = staff.locked_until is not None and staff.locked_until > self._ctx.now()
            staff.locked_until = None
            staff.failed_logins = 0
            self._ctx.audit(
                session, actor, AuditAction.STAFF_UNLOCKED, facts={"username": username, "was_locked": was_locked}
            )
            return _view(staff, self._ctx.now())

    def reset_password(self, actor: Actor, username: str, temporary_password: str) -> StaffView:
        """Give an account a temporary password (an administrator, audited); its owner
        must choose a new one at the next login. Also ends a lockout."""
        actor = self._ctx.require(actor, Permission.MANAGE_STAFF)
        if username == actor.username:
            raise InvalidInput("Change your own password with 'staff passwd', not a reset.")
        self._validate_password(temporary_password, username)
        with self._ctx.transaction() as session:
            actor = self._recheck(session, actor, username)
            staff = _find(session, username, actor)
            staff.password_hash = self._hasher.hash(passwords.normalize_password(temporary_password))
            staff.must_change_password = True
            staff.locked_until = None
            staff.failed_logins = 0
            self._ctx.audit(session, actor, AuditAction.PASSWORD_RESET, facts={"username": username})
            return _view(staff, self._ctx.now())

    def _recheck(self, session: Session, actor: Actor, username: str) -> Actor:
        """The administrator's standing read again in the change's own transaction, their
        row and the account's locked: checked before it began, another administrator may
        have disabled them meanwhile (two disabling each other, or resetting each other's
        password, would both succeed, leaving the firm no administrator)."""
        target = session.execute(select(Staff.id).where(Staff.username == username)).scalar_one_or_none()
        return self._ctx.require_in(session, actor, Permission.MANAGE_STAFF, lock=() if target is None else (target,))

    def recover_admin(self, username: str, new_password: str) -> StaffView:
        """Local recovery when the only administrator is locked out or forgot the password.

        No login: the proof is access at the operating-system level to a local SQLite
        store file (whoever can write it could change it anyway). Refused on a server
        database. Re-enables and unlocks the administrator, sets the password given here
        (to be changed at the next login) and records who did it in the trail and log.
        """
        store = self._ctx.store
        if not store.is_sqlite:
            raise PermissionDenied(
                "Local recovery works only on a SQLite store file; on a database server another "
                "administrator resets the password (staff reset-password)."
            )
        path = Path(str(store.url.database))
        if not path.is_file() or not os.access(path, os.R_OK | os.W_OK):
            raise PermissionDenied(f"Local recovery needs read and write access to the store file {path}.")
        self._validate_password(new_password, username)
        by = os_user()
        with self._ctx.transaction() as session:
            staff = session.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
            if staff is None or staff.role != Role.ADMIN.value:
                admins = list(session.execute(select(Staff.username).where(Staff.role == Role.ADMIN.value)).scalars())
                raise NotFound(
                    f"No administrator is named {username!r}; the administrators are: "
                    + (", ".join(admins) or "none")
                    + "."
                )
            staff.password_hash = self._hasher.hash(passwords.normalize_password(new_password))
            staff.must_change_password = True
            staff.disabled = False
            staff.locked_until = None
            staff.failed_logins = 0
            self._ctx.audit(
                session,
                Actor(0, LOCAL_RECOVERY, Role.ADMIN),
                AuditAction.ADMIN_RECOVERED,
                facts={"username": username, "os_user": by, "store": path.name},
            )
            log.warning("administrator %r recovered locally by OS user %r", username, by)
            return _view(staff, self._ctx.now())

    def list_staff(self, actor: Actor) -> list[StaffView]:
        actor = self._ctx.require(actor, Permission.MANAGE_STAFF)
        now = self._ctx.now()
        with self._ctx.transaction(read_only=True) as session:
            codes = branch_codes(session)
            logins = select(AuditEntry.staff, func.max(AuditEntry.at)).where(AuditEntry.action == "login")
            last = {name: at for name, at in session.execute(logins.group_by(AuditEntry.staff))}
            stmt = select(Staff).where(staff_scope(actor)).order_by(Staff.username)
            return [_view(s, now, _parse_stamp(last.get(s.username)), codes) for s in session.execute(stmt).scalars()]


_ROLES = {r.value: r for r in Role}
_HAS_STAFF = "The store already has staff accounts; an administrator must add new ones."
_STORED_MEANWHILE = (
    "Another desk stored a staff account with this user name at the same moment; nothing was done. "
    "Look again, and try again if it is still needed."
)


def _locked_meanwhile(session: Session, staff_id: int, now: dt.datetime) -> bool:
    """Whether the account is locked as it stands now, read again under the row's lock once
    the password checked out. On PostgreSQL guesses sent at once all read the row before the
    wrong ones locked it, and a right one checked last signed in: the guesser learnt, in the
    lockout, which password is right (until session 30)."""
    stmt = select(Staff.locked_until).where(Staff.id == staff_id).with_for_update()
    return _locked(session.execute(stmt).scalar_one_or_none(), now)


def _read_again(session: Session, staff: Staff) -> bool:
    """Read the account's row again under its lock once the password checked out, so the
    sign-in judges the row as it stands now; False when the password was checked against a
    hash the account no longer holds. On PostgreSQL an administrator's disabling or password
    reset committed during the (slow) check was not seen: the disabled account, or the
    password just reset because it was thought stolen, signed in, and the trail recorded a
    login after the disabling or the reset (until session 30)."""
    checked = staff.password_hash
    session.refresh(staff, with_for_update=True)
    return bool(staff.password_hash == checked)


def _locked(locked_until: dt.datetime | None, now: dt.datetime) -> bool:
    return locked_until is not None and locked_until > now


def _hash_unchanged(session: Session, staff_id: int, checked: str) -> bool:
    """Whether the account still holds the hash the password was checked against, read
    again under the row's lock: a login stores a stronger hash of the password only over
    that one. On PostgreSQL an administrator's reset committed while the login checked the
    password was written over with a hash of the old password (until session 30): the
    reset undone, the old password signing in again. (SQLite: the login's transaction
    holds the write lock from its first statement, so no reset comes in between.)"""
    stmt = select(Staff.password_hash).where(Staff.id == staff_id).with_for_update()
    return bool(session.execute(stmt).scalar_one_or_none() == checked)


def _count_failure(session: Session, staff_id: int) -> int:
    """Count one more failed login of the account in the store itself, and answer the count:
    the row read before the (slow) password check is no base for it. On PostgreSQL (read
    committed) every sign-in under way read the same count, so guesses sent at once each
    wrote the same "one more" and five counted as one (until session 30). The UPDATE takes
    the row's lock and adds to the row as committed; the count is read back in the same
    transaction."""
    session.execute(
        update(Staff)
        .where(Staff.id == staff_id)
        .values(failed_logins=Staff.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(select(Staff.failed_logins).where(Staff.id == staff_id)).scalar_one())


def _check_username(username: str) -> str:
    username = username.strip()
    # No space, no control, invisible or separator character, no U+FFFD (which a damaged
    # value reads as), no full-width form: two user names cannot look the same (key_problem).
    problem = key_problem(username)
    if not username or len(username) > 64 or " " in username or problem == "unreadable-character":
        raise InvalidInput("A user name is 1 to 64 characters without spaces.")
    if problem:
        raise InvalidInput(
            "A user name holds a full-width or other compatibility form of a character (ｌ for l); "
            "type it with ordinary half-width characters."
        )
    if folded_key(username) in {folded_key(name) for name in RESERVED_USERNAMES}:
        raise InvalidInput(f"{username!r} is reserved; choose another user name.")
    return username


def _find(session: Session, username: str, actor: Actor) -> Staff:
    """A staff account the administrator manages: a branch-scoped one only their branch's."""
    staff = session.execute(select(Staff).where(Staff.username == username, staff_scope(actor))).scalar_one_or_none()
    if staff is None:
        raise NotFound(f"No staff account is named {username!r}.")
    return staff


# What `init` itself records in a new store: its registration, the seal of the rows it
# writes (the default policy), and an epoch's seal.
_INIT_ACTIONS = (
    AuditAction.INSTALLATION_REGISTERED.value,
    AuditAction.RECORD_SEALED.value,
    AuditAction.SEAL.value,
)


def _not_new(session: Session, chain: str) -> str | None:
    """Why demo accounts may not be added to a store without staff that only this
    desktop's `init` has written to (None: they may): another installation registered on
    it (a shared store other desks joined), or records beyond what `init` writes (clients,
    reports, branches, any entry in the trail but init's own)."""
    others = select(AuditEntry.seq).where(
        AuditEntry.action == AuditAction.INSTALLATION_REGISTERED.value, AuditEntry.chain != chain
    )
    if session.execute(others.limit(1)).first() is not None:
        return (
            "This store is not a new store used only by this desktop (another desktop is registered on it), "
            "so no demo accounts (whose password 'demo' is public) were added; `suitcheck demo` makes a demo "
            "store of its own."
        )
    beyond_init = select(AuditEntry.seq).where(
        or_(AuditEntry.action.not_in(_INIT_ACTIONS), AuditEntry.chain.is_(None), AuditEntry.chain != chain)
    )
    held = (
        beyond_init,
        select(Investor.id),
        select(Report.id),
        select(Branch.id).where(Branch.head_office.is_(False)),
    )
    if any(session.execute(stmt.limit(1)).first() is not None for stmt in held):
        return (
            "This store is not a new store used only by this desktop (it already holds records), so no demo accounts "
            "(whose password 'demo' is public) were added; `suitcheck demo` makes a demo store of its own."
        )
    return None


def _setting(session: Session, name: str) -> str | None:
    return session.execute(select(StoreSetting.value).where(StoreSetting.name == name)).scalar_one_or_none()


def _name_mac(session: Session, username: str) -> str | None:
    """A keyed hash of a name that is no account (often a password typed into the name
    field), so the trail and the log can group attempts without keeping the text."""
    value = _setting(session, SETTING_NAME_KEY)
    if not value:
        log.warning("the store has no %s setting; an unknown user name is recorded without a hash", SETTING_NAME_KEY)
        return None
    try:  # SQLite keeps whatever an edit outside suitcheck gives it (bytes, other text)
        key = bytes.fromhex(value)
    except (TypeError, ValueError):
        log.warning(
            "the store's %s setting is not a key suitcheck writes (changed outside suitcheck); an unknown user name "
            "is recorded without a hash",
            SETTING_NAME_KEY,
        )
        return None
    return hmac.new(key, username.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def _parse_stamp(stamp: str | None) -> dt.datetime | None:
    """An audit entry's time (audit.chain.utc_stamp) as an aware UTC datetime."""
    if not stamp:
        return None
    try:
        return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _view(
    staff: Staff,
    now: dt.datetime,
    last_login: dt.datetime | None = None,
    branches: Mapping[int, str] | None = None,
) -> StaffView:
    try:
        role = Role(staff.role)
        if not isinstance(staff.username, str):
            raise TypeError(staff.username)
    except (TypeError, ValueError) as exc:  # a value suitcheck never writes: one sentence, not a raw error
        raise unreadable("staff", staff) from exc
    return StaffView(
        staff.id,
        staff.username,
        shown_text(staff.display_name),
        role,
        staff.disabled,
        staff.locked_until is not None and staff.locked_until > now,
        bool(staff.must_change_password),
        last_login,
        (branches or {}).get(staff.branch_id) if staff.branch_id is not None else None,
        effective_firm_wide(role, bool(staff.firm_wide)),
    )
