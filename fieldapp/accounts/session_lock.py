"""The idle lock (CJIS Security Policy 5.5.5; HIPAA 164.312(a)(2)(iii) automatic logoff).

A session or token without a request of its user's own for ``SESSION_IDLE_MINUTES`` (30) is locked
(``accounts.services.load_session`` marks it): every request but the unlock and sign-out answers
``401 session_locked`` until the user proves again who they are. The session itself is kept, so the
page, what was typed on it and the outbox stay as they were.

How one unlocks is a registered method: ``password`` is here; another (a passkey) registers itself
with ``@unlock_method("passkey")``: a function ``(user, data) -> bool`` that checks ``data`` (the
request's fields) and is counted against the account's 5-failure lock like a sign-in.
"""

from collections.abc import Callable
from datetime import timedelta

from flask_babel import gettext as _

from fieldapp.accounts import lockout, passwords
from fieldapp.accounts.models import LoginSession, User
from fieldapp.accounts.services import idle_limit, load_session
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import Invalid
from fieldapp.extensions import db

UNLOCK_METHODS: dict[str, Callable[[User, dict], bool]] = {}
UNLOCK_OFFERED: dict[str, Callable[[User], bool]] = {}  # a method offered only to some users (has a passkey)
UNLOCK_REFUSED = "This is not your password."
REFUSED = {"password": ("password", UNLOCK_REFUSED)}  # method -> (field, message) of a failed unlock


def unlock_method(name: str, *, offered=None, field: str = "credential", refused: str = "This was not accepted."):
    """Register a way to unlock: ``@unlock_method("passkey", offered=has_passkey)`` over
    ``check(user, data) -> bool``; ``offered(user)`` says whether the user has it at all."""
    def register(check):
        UNLOCK_METHODS[name] = check
        if offered is not None:
            UNLOCK_OFFERED[name] = offered
        REFUSED.setdefault(name, (field, refused))
        return check
    return register


def methods_for(user: User) -> list[str]:
    """The ways ``user`` can unlock, for the page's unlock sheet."""
    return sorted(name for name in UNLOCK_METHODS if name not in UNLOCK_OFFERED or UNLOCK_OFFERED[name](user))


@unlock_method("password")
def _password(user: User, data: dict) -> bool:
    password = data.get("password")
    if not isinstance(password, str) or not password:
        raise Invalid(_("Enter your password."), fields={"password": [_("Enter your password.")]})
    return passwords.verify_password(user.password_hash, password)


def is_locked(user: User) -> bool:
    row = getattr(user, "login_session", None)
    return row is not None and row.locked_at is not None


def still_open(token: str | None, kind: str) -> bool:
    """Whether a session is still usable now (not revoked, expired, deactivated or locked), without
    counting as its user's activity: what a long-lived stream asks every minute."""
    user = load_session(token, kind, activity=False) if token else None
    return user is not None and user.login_session.locked_at is None


def seconds_left(row: LoginSession) -> float:
    """How long until the idle lock, for the page's own timer."""
    return max(0.0, (row.last_seen_at + idle_limit() - utcnow()).total_seconds())


def unlock(row: LoginSession, method: str, data: dict) -> None:
    """Open a locked session again with one of the registered methods. A failure is audited and
    counted against the account's lock (5 failures, 10 minutes), as a sign-in's is."""
    user = row.user
    check = UNLOCK_METHODS.get(method if isinstance(method, str) else "")
    if check is None:
        raise Invalid(_("Choose how to unlock."), fields={"method": [f"One of: {', '.join(sorted(UNLOCK_METHODS))}."]})
    if not lockout.reserve(user):
        raise Invalid(_("Too many wrong tries: the account is locked for a few minutes. Wait, or sign out."),
                      fields={"password": [_("Too many wrong tries: wait a few minutes.")]}, code="account_locked")
    try:
        passed = check(user, data)
    except Invalid:
        lockout.give_back(user)  # nothing was tried
        raise
    if not passed:
        locked_until = lockout.failed(user)
        audit.record("auth.session_unlock", obj=row, user=user, outcome="failure", details={"method": method})
        if locked_until is not None:
            audit.record("auth.lock", obj=user, user=user,
                         details={"username": user.username, "locked_until": locked_until.isoformat()})
        db.session.commit()
        field, message = REFUSED[method]
        raise Invalid(_("The session is still locked."), fields={field: [message]}, code="unlock_failed")
    lockout.succeeded(user)
    now = utcnow()
    locked_for = now - row.locked_at if row.locked_at else timedelta(0)
    row.locked_at, row.last_seen_at = None, now
    audit.record("auth.session_unlock", obj=row, user=user,
                 details={"method": method, "locked_seconds": int(locked_for.total_seconds())})
    db.session.commit()
