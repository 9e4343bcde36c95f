"""The idle lock (CJIS Security Policy 5.5.5): after SESSION_IDLE_MINUTES without the user's own
requests, the next request answers 401 ``session_locked`` until the password unlocks the session.
Time moves with the app's test clock (``fieldapp.clock.clock_at``)."""

from datetime import timedelta

from sqlalchemy import select

from fieldapp.accounts.models import LoginSession
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import clock_at, utcnow
from tests.fixtures.factories import PASSWORD


def later(minutes):
    return clock_at(utcnow() + timedelta(minutes=minutes))


def code_of(response):
    return response.get_json()["error"]["code"]


def actions(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_an_idle_token_is_locked_until_the_password_unlocks_it(api, make_user, db):
    user = make_user("dispatcher")
    assert api.get("/api/v1/calls", user=user).status_code == 200
    with later(31):
        locked = api.get("/api/v1/calls", user=user)
        assert locked.status_code == 401 and code_of(locked) == "session_locked"
        assert code_of(api.get("/api/v1/me", user=user)) == "session_locked"  # still locked
        wrong = api.post("/api/v1/me/unlock", {"password": "not my password"}, user=user)
        assert wrong.status_code == 422 and list(wrong.get_json()["error"]["fields"]) == ["password"]
        assert code_of(api.get("/api/v1/calls", user=user)) == "session_locked"
        assert api.post("/api/v1/me/unlock", {"method": "password", "password": PASSWORD},
                        user=user).status_code == 204
        assert api.get("/api/v1/calls", user=user).status_code == 200
    assert [row.outcome for row in actions(db, "auth.session_unlock")] == ["failure", "success"]
    assert len(actions(db, "auth.session_lock")) == 1
    row = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).one()
    assert row.revoked_at is None and row.locked_at is None  # the same session goes on


def test_the_limit_is_the_setting(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    user = make_user("dispatcher")
    assert api.get("/api/v1/calls", user=user).status_code == 200
    with later(4):
        assert api.get("/api/v1/calls", user=user).status_code == 200
    with later(4 + 6):
        assert code_of(api.get("/api/v1/calls", user=user)) == "session_locked"


def test_background_requests_do_not_hold_off_the_lock(api, make_user, shift):
    user = shift.officer
    assert api.get("/api/v1/me", user=user).status_code == 200
    for minutes in (10, 20, 29):  # the live stream's poll, the outbox, offline copies: all background
        with later(minutes):
            assert api.get("/events/poll", user=user).status_code == 200
            assert api.get("/session/offline-pages", user=user).status_code == 200
            background = {**api.headers(user), "X-Fieldapp-Background": "1"}
            assert api.client.get("/api/v1/calls", headers=background).status_code == 200
    with later(31):
        assert code_of(api.get("/api/v1/calls", user=user)) == "session_locked"


def test_the_users_own_requests_hold_it_off(api, make_user):
    user = make_user("dispatcher")
    for minutes in (20, 40, 60):
        with later(minutes):
            assert api.get("/api/v1/calls", user=user).status_code == 200


def test_a_locked_page_shows_the_unlock_page_and_goes_back_where_it_was(pages, make_user, db):
    user = make_user("dispatcher")
    browser = pages(user)
    with later(31):
        locked = browser.get("/board")
        page = locked.get_data(as_text=True)
        assert locked.status_code == 401 and "Session locked" in page and 'name="password"' in page
        assert "Board" not in page.split("<main", 1)[1]  # nothing of the board behind it
        state = browser.get("/session/state")
        assert state.status_code == 401 and code_of(state) == "session_locked"
        wrong = browser.post("/unlock", {"password": "nope", "next": "/board"})
        assert wrong.status_code == 422 and "This is not your password." in wrong.get_data(as_text=True)
        unlocked = browser.post("/unlock", {"password": PASSWORD, "next": "/board"})
        assert unlocked.status_code == 302 and unlocked.headers["Location"] == "/board"
        assert browser.get("/board").status_code == 200
        left = browser.get("/session/state").get_json()["idle_seconds_left"]
        assert 29 * 60 < left <= 30 * 60


def test_sign_out_works_while_locked(pages, make_user, db):
    user = make_user("dispatcher")
    browser = pages(user)
    with later(31):
        token = browser.csrf("/board")  # the unlock page carries the CSRF token too
        assert browser.client.post("/logout", data={"csrf_token": token}).status_code == 302
    row = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).one()
    assert row.revoked_at is not None


def test_wrong_unlocks_count_toward_the_account_lock(api, make_user, db):
    user = make_user("dispatcher")
    api.token(user)
    with later(31):
        for _ in range(5):
            assert api.post("/api/v1/me/unlock", {"password": "wrong"}, user=user).status_code == 422
        refused = api.post("/api/v1/me/unlock", {"password": PASSWORD}, user=user)
        assert refused.status_code == 422 and code_of(refused) == "account_locked"
    assert len(actions(db, "auth.lock")) == 1


def test_hostile_unlock_bodies_are_refused_by_field(api, make_user):
    user = make_user("dispatcher")
    api.token(user)
    with later(31):
        for body, field in (({"method": "telepathy", "password": PASSWORD}, "method"),
                            ({"password": 12}, "password"), ({}, "password"), ({"password": ""}, "password"),
                            ({"password": PASSWORD, "extra": 1}, "extra")):
            answer = api.post("/api/v1/me/unlock", body, user=user)
            refused = answer.get_json()["error"]
            assert answer.status_code == 422 and field in refused["fields"], (body, refused)
        assert code_of(api.get("/api/v1/me", user=user)) == "session_locked"
        assert api.post("/api/v1/me/unlock", {"password": PASSWORD}, user=user).status_code == 204


def test_a_user_who_must_change_the_password_can_still_unlock(api, make_user, admin, db):
    user = make_user("dispatcher")
    api.token(user)
    user.must_change_password = True
    db.session.commit()
    with later(31):
        assert code_of(api.get("/api/v1/me", user=user)) == "session_locked"
        assert api.post("/api/v1/me/unlock", {"password": PASSWORD}, user=user).status_code == 204
        assert api.get("/api/v1/me", user=user).status_code == 200
        assert code_of(api.get("/api/v1/calls", user=user)) == "password_change_required"
