"""Account rules: creating users, roles, logins, lockout, sessions and tokens."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from fieldapp.accounts import lockout, passwords
from fieldapp.accounts.models import LoginSession, User
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import Conflict, Invalid, NotFound, Unauthorized
from fieldapp.extensions import db
from fieldapp.hooks import Hook
from fieldapp.mfa import services as mfa
from fieldapp.roles import ROLES

sessions_ended = Hook("accounts.sessions_ended", "Sign-ins ended: (user_id=...) every one of a user, "
                      "or (session_id=...) one; push ends their subscriptions (fieldapp.wiring).")

_DUMMY_HASH = None
BAD_CREDENTIALS = "Wrong username or password."
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."), fields={"id": [_("No such user.")]})
    return user


def list_users():
    return db.session.scalars(select(User).order_by(User.active.desc(), User.username)).all()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def create_user(*, username, full_name, role, password, by=None, email=None) -> User:
    username = username.strip().lower()
    email = (email or "").strip().lower() or None
    if role not in ROLES:
        raise Invalid(_("Unknown role."), fields={"role": [_("Choose a role from the list.")]})
    problems = passwords.policy_problems(password, username=username, full_name=full_name)
    if problems:
        raise Invalid(_("The password cannot be used."), fields={"password": problems})
    if find_user(username):
        raise Conflict(_("That username is taken."), fields={"username": [_("That username is taken.")]})
    if email and db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("That e-mail address is taken."),
                       fields={"email": [_("Another user has this e-mail address.")]})
    # A first password chosen by an admin must be replaced by the user (CLI and demo users choose their own).
    user = User(username=username, full_name=full_name.strip(), role=role, email=email,
                password_hash=passwords.hash_password(password), must_change_password=by is not None)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", obj=user, user=by, details={"username": username, "role": role})
    db.session.commit()
    return user


def set_active(user: User, active: bool, *, by) -> User:
    if user.id == getattr(by, "id", None) and not active:
        raise Invalid(_("You cannot deactivate your own account."))
    user.active = active
    if not active:
        _revoke_all(user)
    audit.record("user.activate" if active else "user.deactivate", obj=user, user=by,
                 details={"username": user.username})
    db.session.commit()
    return user


def set_role(user: User, role: str, *, by) -> User:
    if role not in ROLES:
        raise Invalid(_("Unknown role."), fields={"role": [_("Choose a role from the list.")]})
    if user.id == getattr(by, "id", None):
        raise Invalid(_("You cannot change your own role."))
    old = user.role
    user.role = role
    _revoke_all(user)  # a permission change takes effect at the next login
    audit.record("user.role_change", obj=user, user=by, details={"from": old, "to": role})
    db.session.commit()
    return user


def set_locale(user: User, locale: str | None, *, choices) -> User:
    """The language of the user's pages (fieldapp.i18n); None or "" follows the browser."""
    if locale and locale not in choices:
        raise Invalid(_("Unknown language."), fields={"locale": [_("Choose a language from the list.")]})
    user.locale = locale or None
    db.session.commit()
    return user


def set_password(user: User, password: str, *, by) -> User:
    """An admin sets (resets) a user's password: the user must choose their own at next sign-in."""
    if user.id == getattr(by, "id", None):
        raise Invalid(_("Change your own password on your account page."),
                      fields={"password": [_("Change your own password on your account page.")]})
    problems = passwords.policy_problems(password, username=user.username, full_name=user.full_name)
    if problems:
        raise Invalid(_("The password cannot be used."), fields={"password": problems})
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    _revoke_all(user)
    audit.record("user.password_reset", obj=user, user=by, details={"username": user.username})
    db.session.commit()
    return user


class SecondFactorNeeded(Unauthorized):
    """The password is right and the account uses a second factor: ask for the code."""

    code = "mfa_required"

    def __init__(self, user: User):
        super().__init__("Enter the 6-digit code from your authenticator app, or a recovery code, as 'otp'.")
        self.user = user


class _Attempt:
    """Who an audit row of a failed sign-in is about: the username tried, never the bearer of a
    token the request happens to carry (``audit.record`` falls back to the signed-in user)."""

    id = None

    def __init__(self, username: str):
        self.username = username


def _refuse(username: str, user: User | None, reason: str, outcome="failure", *, error=None, **details):
    audit.record("auth.login", outcome=outcome, user=user or _Attempt(username[:80]),
                 details={"username": username[:80], "reason": reason, **details})
    db.session.commit()
    raise error or Unauthorized(BAD_CREDENTIALS, code="bad_credentials")


def _dummy_check(password: str) -> None:
    """Spend what a real check costs, so the answer's timing says nothing about the account."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = passwords.hash_password(secrets.token_hex(8))
    passwords.verify_password(_DUMMY_HASH, password)


def authenticate(username: str, password: str, otp: str | None = None, *, device_token=None) -> User:
    """Check a username, password and (for enrolled users) second factor, under the atomic lock.

    Unknown, deactivated and locked accounts get exactly the answer of a wrong password, after the
    same work, so nothing tells whether a username exists or is locked. Raises
    ``SecondFactorNeeded`` when the password is right and the code is still missing."""
    username, password = (username or "").strip().lower(), password or ""
    user = find_user(username) if len(username) <= 80 and "\x00" not in username else None
    if user is None or not user.active:
        _dummy_check(password)
        _refuse(username, user, "unknown or inactive")
    counter = _reserve_attempt(user, device_token)
    if counter is None:
        _dummy_check(password)
        _refuse(username, user, "locked", outcome="locked")
    if not passwords.verify_password(user.password_hash, password):
        _failed(user, counter, "wrong password")
    if mfa.is_enrolled(user):
        if not otp:
            lockout.give_back(counter)
            raise SecondFactorNeeded(user)
        if not mfa.check_second_factor(user, otp):
            _failed(user, counter, "wrong second factor", error=Unauthorized(mfa.WRONG_CODE, code="mfa_invalid"))
    lockout.succeeded(counter)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def check_code_step(user: User, code, *, device_token=None, check=None) -> User:
    """The code step of the login page, under the same lock as the password. ``check(user, code)``
    is the factor's own check: a TOTP or recovery code by default, a passkey's assertion when given."""
    counter = _reserve_attempt(user, device_token)
    if counter is None:
        _refuse(user.username, user, "locked", outcome="locked")
    if not (check or mfa.check_second_factor)(user, code):
        _failed(user, counter, "wrong second factor", error=Unauthorized(mfa.WRONG_CODE, code="mfa_invalid"))
    lockout.succeeded(counter)
    return user


def _reserve_attempt(user: User, device_token):
    """Reserve an attempt on the account; while it is locked, on the browser's own count if it is a
    known device of this user (OWASP device cookies). None: no attempt may be made."""
    if lockout.reserve(user):
        return user
    device = mfa.known_device(device_token, user)
    return device if device is not None and lockout.reserve(device) else None


def _failed(user: User, counter, reason: str, *, error=None):
    locked_until = lockout.failed(counter)
    details = {} if counter is user else {"known_device": counter.id}
    if locked_until is not None:
        audit.record("auth.lock", obj=counter, user=user,
                     details={"username": user.username, "locked_until": locked_until.isoformat(), **details})
        details["locked_until"] = locked_until.isoformat()
    _refuse(user.username, user, reason, error=error, **details)


def start_session(user: User, kind: str, *, second_factor: bool = False, ip=None,
                  user_agent=None) -> tuple[str, LoginSession]:
    """Open a web session or issue an API token; the caller gets the only copy of the secret.
    ``second_factor``: this sign-in passed it (the session carries that, not the user)."""
    config = current_app.config
    token = secrets.token_urlsafe(32)
    now = utcnow()
    hours = config["SESSION_ABSOLUTE_HOURS"] if kind == "web" else config["API_TOKEN_HOURS"]
    row = LoginSession(user=user, kind=kind, token_hash=_token_hash(token), created_at=now,
                       last_seen_at=now, expires_at=now + timedelta(hours=hours), ip=ip,
                       user_agent=(user_agent or "")[:255], second_factor_at=now if second_factor else None)
    db.session.add(row)
    db.session.flush()
    audit.record("auth.login", obj=row, user=user, details={"kind": kind, "second_factor": second_factor})
    db.session.commit()
    user.login_session_token, user.login_session = token, row
    return token, row


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def load_session(token: str, kind: str, *, activity: bool = True) -> User | None:
    """The user behind a live session token, or None when it is unknown, revoked or expired.

    A session idle for SESSION_IDLE_MINUTES is locked, not ended: the user comes back with
    ``user.login_session.locked_at`` set (``security.access`` answers ``session_locked``). Only the
    user's own requests (``activity``) move its idle clock; background ones (the live stream, the
    outbox's sync, offline copies) do not."""
    if not token:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token),
                                                       LoginSession.kind == kind)
                            .options(joinedload(LoginSession.user)))  # every request reads both: one query
    now = utcnow()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at <= now:
        row.revoked_at = now
        audit.record("auth.session_expired", obj=row, user=row.user)
        db.session.commit()
        return None
    idle = idle_limit()
    if row.locked_at is None and row.last_seen_at + idle <= now:
        row.locked_at = now
        audit.record("auth.session_lock", obj=row, user=row.user, details={"idle_minutes": idle.total_seconds() / 60})
        db.session.commit()
    elif row.locked_at is None and activity and now - row.last_seen_at >= min(LAST_SEEN_RESOLUTION, idle / 10):
        row.last_seen_at = now  # one write a minute, not one a request
        db.session.commit()
    row.user.login_session_token, row.user.login_session = token, row
    return row.user


def session_row(token: str | None) -> LoginSession | None:
    if not token:
        return None
    return db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_session(token: str, *, reason="auth.logout") -> None:
    row = session_row(token)
    if row and row.revoked_at is None:
        row.revoked_at = utcnow()
        sessions_ended(session_id=row.id)
        audit.record(reason, obj=row, user=row.user)
        db.session.commit()


def revoke_session(user: User, session_id: int) -> None:
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("No such session."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        sessions_ended(session_id=row.id)
        audit.record("auth.session_revoke", obj=row, user=user)
        db.session.commit()


def live_sessions(user: User):
    now = utcnow()
    query = (select(LoginSession)
             .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
                    LoginSession.expires_at > now)
             .order_by(LoginSession.last_seen_at.desc()))
    return db.session.scalars(query).all()


def sign_out_everywhere(user: User) -> None:
    """End every session and token of ``user`` (the caller commits)."""
    _revoke_all(user)


def _revoke_all(user: User) -> None:
    sessions_ended(user_id=user.id)  # deactivation, role or password change, sign out everywhere
    db.session.execute(update(LoginSession)
                       .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
