"""The 5-failure lock, called on the accounts service directly (no HTTP): five wrong passwords in a row
lock the account for LOCKOUT_MINUTES, during which even the right password is refused; the lock then
ends by itself; a full sign-in before the fifth failure starts the count afresh."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.accounts import services as accounts
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import clock_at, utcnow
from fieldapp.errors import Unauthorized
from tests.fixtures.factories import PASSWORD

WRONG = "not the password at all"


@pytest.fixture
def user(make_user):
    return make_user(username="omar")


def sign_in(password):
    return accounts.authenticate("omar", password)


def fail(times=1):
    for _ in range(times):
        with pytest.raises(Unauthorized) as refusal:
            sign_in(WRONG)
        assert refusal.value.code == "bad_credentials"


def counts(db, user):
    db.session.refresh(user)
    return user.failed_logins, user.locked_until


def login_outcomes(db):
    return [row.outcome for row in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login").order_by(AuditEvent.id))]


def test_four_failures_count_and_the_fifth_locks_for_the_lockout_time(app, db, user):
    for failures in range(1, 5):
        fail()
        assert counts(db, user) == (failures, None)
    before = utcnow()
    fail()
    failures, locked_until = counts(db, user)
    minutes = timedelta(minutes=app.config["LOCKOUT_MINUTES"])
    assert failures == app.config["MAX_FAILED_LOGINS"] == 5
    assert before + minutes <= locked_until <= utcnow() + minutes
    locks = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.lock")).all()
    assert [(row.user_id, row.details["username"]) for row in locks] == [(user.id, "omar")]


def test_a_locked_account_refuses_the_right_password_alike(db, user):
    fail(5)
    locked = counts(db, user)
    with pytest.raises(Unauthorized) as refusal:
        sign_in(PASSWORD)
    assert refusal.value.code == "bad_credentials"  # the answer of a wrong password
    assert counts(db, user) == locked  # and it changes nothing
    assert login_outcomes(db) == ["failure"] * 5 + ["locked"]


def test_the_lock_ends_by_itself(app, db, user):
    fail(5)
    _, locked_until = counts(db, user)
    with clock_at(locked_until - timedelta(seconds=1)), pytest.raises(Unauthorized):
        sign_in(PASSWORD)
    with clock_at(locked_until + timedelta(seconds=1)):
        assert sign_in(PASSWORD).id == user.id
    assert counts(db, user) == (0, None)


def test_after_the_lock_a_failure_counts_from_one(db, user):
    fail(5)
    _, locked_until = counts(db, user)
    with clock_at(locked_until + timedelta(seconds=1)):
        fail()
        assert counts(db, user) == (1, None)


def test_a_sign_in_starts_the_count_afresh(db, user):
    fail(4)
    assert sign_in(PASSWORD).id == user.id
    assert counts(db, user) == (0, None)
    fail(4)
    assert counts(db, user) == (4, None)  # four, not eight: not locked
    assert sign_in(PASSWORD).id == user.id
