"""Issue 22, defect 2: an open /events stream served by the web process (gunicorn's threaded view)
checks its session again every LIVE_AUTH_CHECK_SECONDS and ends when it is revoked, expired or
locked (it streamed on until its 5-minute limit before)."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.accounts import services as accounts
from fieldapp.accounts.models import LoginSession
from fieldapp.clock import utcnow

STREAM_SECONDS = 60  # far beyond the deadline below: only the re-check can end the stream in time
ENDS_WITHIN = 10


@pytest.fixture
def checked_often(app):
    keys = ("LIVE_STREAM_SECONDS", "LIVE_AUTH_CHECK_SECONDS", "LIVE_HEARTBEAT_SECONDS")
    saved = {key: app.config[key] for key in keys}
    app.config.update(LIVE_STREAM_SECONDS=STREAM_SECONDS, LIVE_AUTH_CHECK_SECONDS=0.2, LIVE_HEARTBEAT_SECONDS=0.1)
    yield
    app.config.update(saved)


def open_stream(api, user):
    response = api.get("/events", user=user, buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    assert b"event: hello" in next(chunks)
    return response, chunks


def ends_in_time(chunks) -> bool:
    """Read on until the server closes the stream; False if it is still open at the deadline."""
    deadline = time.monotonic() + ENDS_WITHIN
    return all(time.monotonic() <= deadline for _ in chunks)  # keep-alives every LIVE_HEARTBEAT_SECONDS


def session_of(db, user):
    return db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).one()


def test_revoking_a_session_ends_its_open_stream(app, api, db, shift, checked_often):
    user = shift.officer
    response, chunks = open_stream(api, user)
    try:
        assert next(chunks)  # streaming
        assert api.delete(f"/api/v1/me/sessions/{session_of(db, user).id}", user=user).status_code == 204
        assert ends_in_time(chunks)
    finally:
        response.close()


def lock(row):
    row.last_seen_at = utcnow() - timedelta(minutes=31)  # idle: the stream itself is no activity


def expire(row):
    row.expires_at = utcnow()


@pytest.mark.parametrize("change,left", [(lock, "locked_at"), (expire, "revoked_at")], ids=["locked", "expired"])
def test_a_session_locked_or_expired_while_streaming_ends_its_stream(app, api, db, shift, checked_often,
                                                                    change, left):
    user = shift.officer
    response, chunks = open_stream(api, user)
    try:
        change(session_of(db, user))
        db.session.commit()
        assert ends_in_time(chunks)
    finally:
        response.close()
    assert getattr(session_of(db, user), left) is not None


def test_a_stream_of_a_live_session_goes_on(app, api, db, shift, checked_often):
    user = shift.officer
    response, chunks = open_stream(api, user)
    try:
        deadline = time.monotonic() + 1.0  # five re-checks
        for _ in chunks:
            if time.monotonic() > deadline:
                break
        else:
            pytest.fail("the stream of a live session ended")
    finally:
        response.close()
    assert accounts.session_row(api.token(user)).locked_at is None
