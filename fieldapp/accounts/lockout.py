"""The 5-failure lock, atomic under concurrency (CJIS Security Policy v6.0: at most 5 consecutive
failed logons, then a 10-minute lock).

Each sign-in reserves an attempt in one ``UPDATE`` *before* the password is checked, so however many
requests arrive at once, at most ``MAX_FAILED_LOGINS`` checks run before the lock: the database lets
one writer at a time through the row (a row lock on PostgreSQL, the write lock on SQLite). A success
gives the attempts back; a failure keeps its attempt and the failure that reaches the limit locks.
Each step commits at once, so no lock is held while Argon2 runs.

The counter is a user's row, or a known device's (``fieldapp.mfa.models.KnownDevice``) when the
account is locked and the browser has signed in with the second factor before: both have
``failed_logins`` and ``locked_until``.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, update

from fieldapp.clock import utcnow
from fieldapp.extensions import db


def _max():
    return current_app.config["MAX_FAILED_LOGINS"]


def _update(row):
    model = type(row)
    return model, update(model).where(model.id == row.id).execution_options(synchronize_session=False)


def reserve(row) -> bool:
    """Take one attempt; False when the row is locked or its attempts are all taken."""
    now = utcnow()
    model, statement = _update(row)
    lock_over = model.locked_until <= now
    result = db.session.execute(
        statement.where(or_(and_(model.locked_until.is_(None), model.failed_logins < _max()), lock_over))
        .values(failed_logins=case((lock_over, 1), else_=model.failed_logins + 1), locked_until=None))
    db.session.commit()
    return result.rowcount == 1


def give_back(row) -> None:
    """The attempt was not a failure (the password was right, the code is still to come)."""
    model, statement = _update(row)
    db.session.execute(statement.where(model.locked_until.is_(None), model.failed_logins > 0)
                       .values(failed_logins=model.failed_logins - 1))
    db.session.commit()


def succeeded(row) -> None:
    """A full sign-in: the failures before it no longer count."""
    db.session.execute(_update(row)[1].values(failed_logins=0, locked_until=None))
    db.session.commit()


def failed(row):
    """The reserved attempt failed. Returns the lock's end when this failure locked the row."""
    until = utcnow() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
    model, statement = _update(row)
    result = db.session.execute(statement.where(model.locked_until.is_(None), model.failed_logins >= _max())
                                .values(locked_until=until))
    db.session.commit()
    return until if result.rowcount == 1 else None
