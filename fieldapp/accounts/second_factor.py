"""The second factor as an account sees it: whose code step is open, an admin's reset, and what
each session carries: whether it passed the second factor.

The factors themselves (TOTP, recovery codes, known devices, challenges) are ``fieldapp.mfa``'s, below
accounts; what needs the user and their sessions is here.

A session's assurance is its own (``LoginSession.second_factor_at``): a session or token made with the
password alone stays short of it even after its user sets up a factor elsewhere, and reaches only the
``@enrolment_step`` routes (set-up, sign-out). Setting up, resetting or removing a factor ends every
other session and token of the user (``factor_changed``): only the one that did it goes on."""

from flask import current_app
from sqlalchemy import select, update

from fieldapp.accounts.models import LoginSession, User
from fieldapp.accounts.services import sessions_ended, sign_out_everywhere
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.extensions import db
from fieldapp.mfa import services as mfa


def session_assured(user: User) -> bool:
    """Whether this request's session passed the second factor, or its user needs none (a role not
    in MFA_REQUIRED_ROLES, without a factor of their own)."""
    row = getattr(user, "login_session", None)
    if row is not None and row.second_factor_at is not None:
        return True
    return user.role not in current_app.config["MFA_REQUIRED_ROLES"] and not mfa.is_enrolled(user)


def factor_changed(user: User, *, keep: LoginSession | None, action: str) -> int:
    """A factor of ``user`` was set up, reset or removed: end every other session and token of the
    user (web and API); ``keep``, the session that did it with the factor in hand, now carries it.
    Returns how many ended. The caller commits (passkeys call this too when one is added or removed)."""
    others = select(LoginSession.id).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if keep is not None:
        others = others.where(LoginSession.id != keep.id)
        keep.second_factor_at = utcnow()
    ended = db.session.scalars(others).all()
    for session_id in ended:
        sessions_ended(session_id=session_id)
    if ended:
        db.session.execute(update(LoginSession).where(LoginSession.id.in_(ended))
                           .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    audit.record("auth.sessions_end", object_type="users", object_id=user.id, user=user,
                 details={"after": action, "ended": len(ended)})
    return len(ended)


def confirm_enrolment(user: User, otp: str, *, keep: LoginSession | None) -> list[str]:
    """Confirm a pending authenticator app (``mfa.confirm_enrolment``); in the same commit the user's
    other sessions end and ``keep`` carries the factor. Answers the recovery codes."""
    return mfa.confirm_enrolment(user, otp, also=lambda: factor_changed(user, keep=keep, action="mfa.enrol"))


def challenge_user(token: str | None) -> User | None:
    """Whose code step this is, while it is open and the user active; None otherwise."""
    user_id = mfa.challenge_user_id(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    return user if user is not None and user.active else None


def reset_second_factor(user: User, *, by) -> None:
    """An admin removes a user's second factor (lost phone): they set it up again at next sign-in.
    Their sessions end too, since whoever holds the lost device may be signed in."""
    had = mfa.forget(user)
    sign_out_everywhere(user)
    audit.record("mfa.reset", object_type="users", object_id=user.id, user=by,
                 details={"username": user.username, "had_second_factor": had})
    db.session.commit()
