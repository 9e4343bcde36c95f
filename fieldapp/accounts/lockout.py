"""The 5-failure lock, atomic under concurrency (CJIS Security Policy v6.0: at most 5 consecutive
failed logons, then a 10-minute lock).

Each sign-in reserves an attempt in one ``UPDATE`` *before* the password is checked, so however many
requests arrive at once, at most ``MAX_FAILED_LOGINS`` checks run before the lock: the database lets
one writer at a time through the row (a row lock on PostgreSQL, the write lock on SQLite). A success
gives the attempts back; a failure keeps its attempt and the failure that reaches the limit locks.
Each step commits at once, so no lock is held while Argon2 runs.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, update

from fieldapp.accounts.models import User
from fieldapp.database import utcnow
from fieldapp.extensions import db


def _max():
    return current_app.config["MAX_FAILED_LOGINS"]


def reserve(user: User) -> bool:
    """Take one attempt for ``user``; False when the account is locked or its attempts are taken."""
    now = utcnow()
    lock_over = User.locked_until <= now
    result = db.session.execute(
        update(User)
        .where(User.id == user.id,
               or_(and_(User.locked_until.is_(None), User.failed_logins < _max()), lock_over))
        .values(failed_logins=case((lock_over, 1), else_=User.failed_logins + 1), locked_until=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def give_back(user: User) -> None:
    """The attempt was not a failure (the password was right, the code is still to come)."""
    db.session.execute(
        update(User)
        .where(User.id == user.id, User.locked_until.is_(None), User.failed_logins > 0)
        .values(failed_logins=User.failed_logins - 1)
        .execution_options(synchronize_session=False))
    db.session.commit()


def succeeded(user: User) -> None:
    """A full sign-in: the failures before it no longer count."""
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def failed(user: User):
    """The reserved attempt failed. Returns the lock's end when this failure locked the account."""
    until = utcnow() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.locked_until.is_(None), User.failed_logins >= _max())
        .values(locked_until=until)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return until if result.rowcount == 1 else None
