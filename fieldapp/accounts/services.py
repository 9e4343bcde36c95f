"""Account rules: creating users, roles, logins, lockout, sessions and tokens."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from fieldapp.accounts import passwords
from fieldapp.accounts.models import LoginSession, User
from fieldapp.accounts.roles import ROLES
from fieldapp.audit import services as audit
from fieldapp.database import utcnow
from fieldapp.errors import Conflict, Invalid, NotFound, Unauthorized
from fieldapp.extensions import db

_DUMMY_HASH = None
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", fields={"id": ["No such user."]})
    return user


def list_users():
    return db.session.scalars(select(User).order_by(User.active.desc(), User.username)).all()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def create_user(*, username, full_name, role, password, by=None) -> User:
    username = username.strip().lower()
    if role not in ROLES:
        raise Invalid("Unknown role.", fields={"role": [f"Must be one of: {', '.join(ROLES)}."]})
    problems = passwords.policy_problems(password, username=username, full_name=full_name)
    if problems:
        raise Invalid("The password cannot be used.", fields={"password": problems})
    if find_user(username):
        raise Conflict("That username is taken.", fields={"username": ["That username is taken."]})
    # A first password chosen by an admin must be replaced by the user (CLI and demo users choose their own).
    user = User(username=username, full_name=full_name.strip(), role=role,
                password_hash=passwords.hash_password(password), must_change_password=by is not None)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", obj=user, user=by, details={"username": username, "role": role})
    db.session.commit()
    return user


def set_active(user: User, active: bool, *, by) -> User:
    if user.id == getattr(by, "id", None) and not active:
        raise Invalid("You cannot deactivate your own account.")
    user.active = active
    if not active:
        _revoke_all(user)
    audit.record("user.activate" if active else "user.deactivate", obj=user, user=by,
                 details={"username": user.username})
    db.session.commit()
    return user


def set_role(user: User, role: str, *, by) -> User:
    if role not in ROLES:
        raise Invalid("Unknown role.", fields={"role": [f"Must be one of: {', '.join(ROLES)}."]})
    if user.id == getattr(by, "id", None):
        raise Invalid("You cannot change your own role.")
    old = user.role
    user.role = role
    _revoke_all(user)  # a permission change takes effect at the next login
    audit.record("user.role_change", obj=user, user=by, details={"from": old, "to": role})
    db.session.commit()
    return user


def set_password(user: User, password: str, *, by) -> User:
    """An admin sets (resets) a user's password: the user must choose their own at next sign-in."""
    if user.id == getattr(by, "id", None):
        raise Invalid("Change your own password on your account page.",
                      fields={"password": ["Change your own password on your account page."]})
    problems = passwords.policy_problems(password, username=user.username, full_name=user.full_name)
    if problems:
        raise Invalid("The password cannot be used.", fields={"password": problems})
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    _revoke_all(user)
    audit.record("user.password_reset", obj=user, user=by, details={"username": user.username})
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User:
    """Check credentials with lockout (5 failures lock the account for 10 minutes)."""
    global _DUMMY_HASH
    config = current_app.config
    now = utcnow()
    user = find_user(username or "")
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = passwords.hash_password(secrets.token_hex(8))
        passwords.verify_password(_DUMMY_HASH, password or "")  # same cost as a real check
        audit.record("auth.login", outcome="failure", user=user,
                     details={"username": (username or "")[:80], "reason": "unknown or inactive"})
        db.session.commit()
        raise Unauthorized("Wrong username or password.", code="bad_credentials")
    if user.locked_until and user.locked_until > now:
        audit.record("auth.login", outcome="locked", user=user, details={"username": user.username})
        db.session.commit()
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Unauthorized(f"Too many failed logins. The account is locked; try again in {minutes} "
                           "minutes or ask an admin.", code="account_locked")
    if not passwords.verify_password(user.password_hash, password or ""):
        user.failed_logins += 1
        details = {"username": user.username, "failed_logins": user.failed_logins}
        if user.failed_logins >= config["MAX_FAILED_LOGINS"]:
            user.locked_until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
            user.failed_logins = 0
            details["locked_until"] = user.locked_until.isoformat()
        audit.record("auth.login", outcome="failure", user=user, details=details)
        db.session.commit()
        raise Unauthorized("Wrong username or password.", code="bad_credentials")
    user.failed_logins = 0
    user.locked_until = None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def start_session(user: User, kind: str, *, ip=None, user_agent=None) -> tuple[str, LoginSession]:
    """Open a web session or issue an API token; the caller gets the only copy of the secret."""
    config = current_app.config
    token = secrets.token_urlsafe(32)
    now = utcnow()
    hours = config["SESSION_ABSOLUTE_HOURS"] if kind == "web" else config["API_TOKEN_HOURS"]
    row = LoginSession(user=user, kind=kind, token_hash=_token_hash(token), created_at=now,
                       last_seen_at=now, expires_at=now + timedelta(hours=hours), ip=ip,
                       user_agent=(user_agent or "")[:255])
    db.session.add(row)
    db.session.flush()
    audit.record("auth.login", obj=row, user=user, details={"kind": kind})
    db.session.commit()
    user.login_session_token = token
    return token, row


def load_session(token: str, kind: str) -> User | None:
    """The user behind a live session token, or None when it is unknown, revoked or expired."""
    if not token:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token),
                                                       LoginSession.kind == kind))
    now = utcnow()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        row.revoked_at = now
        audit.record("auth.session_expired", obj=row, user=row.user)
        db.session.commit()
        return None
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:  # one write a minute, not one a request
        row.last_seen_at = now
        db.session.commit()
    row.user.login_session_token = token
    return row.user


def session_row(token: str | None) -> LoginSession | None:
    if not token:
        return None
    return db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_session(token: str, *, reason="auth.logout") -> None:
    row = session_row(token)
    if row and row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(reason, obj=row, user=row.user)
        db.session.commit()


def revoke_session(user: User, session_id: int) -> None:
    row = db.session.get(LoginSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such session.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("auth.session_revoke", obj=row, user=user)
        db.session.commit()


def live_sessions(user: User):
    now = utcnow()
    query = (select(LoginSession)
             .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
                    LoginSession.expires_at > now)
             .order_by(LoginSession.last_seen_at.desc()))
    return db.session.scalars(query).all()


def _revoke_all(user: User) -> None:
    db.session.execute(update(LoginSession)
                       .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
