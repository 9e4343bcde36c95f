"""Password changes and unlocking: a user changes their own password, an admin resets one
(the user must then choose their own) or lifts a lockout. Each is audited."""

from flask_babel import gettext as _
from sqlalchemy import update

from fieldapp.accounts import passwords
from fieldapp.accounts.models import LoginSession, User
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import Invalid
from fieldapp.extensions import db
from fieldapp.i18n.messages import N_

WRONG_CURRENT = N_("This is not your current password.")


def policy_check(user: User, password: str, field: str) -> None:
    problems = passwords.policy_problems(password, username=user.username, full_name=user.full_name)
    if problems:
        raise Invalid(_("The password cannot be used."), fields={field: problems})


def change_own_password(user: User, current_password: str, new_password: str, *,
                        keep: LoginSession | None) -> int:
    """Replace the user's password; ends their other sessions and tokens, keeps ``keep``.

    Returns how many sessions were ended. A wrong current password is audited as a failure."""
    if not passwords.verify_password(user.password_hash, current_password):
        audit.record("user.password_change", obj=user, user=user, outcome="failure",
                     details={"reason": "wrong current password"})
        db.session.commit()
        raise Invalid(_("Your current password is not right."), fields={"current_password": [WRONG_CURRENT]})
    if new_password == current_password:
        raise Invalid(_("The password cannot be used."),
                      fields={"new_password": [_("Choose a password different from the current one.")]})
    policy_check(user, new_password, "new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    ended = _revoke_others(user, keep)
    audit.record("user.password_change", obj=user, user=user, details={"other_sessions_ended": ended})
    db.session.commit()
    return ended


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > utcnow())


def unlock(user: User, *, by) -> User:
    """Lift a lockout after failed logins (the user's identity checked by the admin in person)."""
    details = {"username": user.username, "was_locked": is_locked(user)}
    user.locked_until = None
    user.failed_logins = 0
    audit.record("user.unlock", obj=user, user=by, details=details)
    db.session.commit()
    return user


def _revoke_others(user: User, keep: LoginSession | None) -> int:
    query = (update(LoginSession)
             .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
             .values(revoked_at=utcnow()))
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    return db.session.execute(query).rowcount
