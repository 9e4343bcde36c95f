"""The second factor as an account sees it: whose code step is open, and an admin's reset.

The factors themselves (TOTP, recovery codes, known devices, challenges) are ``fieldapp.mfa``'s, below
accounts; what needs the user and their sessions is here."""

from fieldapp.accounts.models import User
from fieldapp.accounts.services import sign_out_everywhere
from fieldapp.audit import services as audit
from fieldapp.extensions import db
from fieldapp.mfa import services as mfa


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
