from datetime import timedelta

from sqlalchemy import select

from fieldapp.accounts.models import LoginSession
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from tests.fixtures.factories import PASSWORD


def audit_rows(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def test_token_is_issued_for_good_credentials(api, make_user):
    user = make_user("clinician", username="claire")
    response = api.post("/api/v1/auth/token", {"username": "claire", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["token"]) >= 40
    assert body["user"] == {"id": user.id, "username": "claire", "role": "clinician",
                            "full_name": user.full_name}
    assert body["expires_at"]


def test_bad_credentials_get_401_in_the_error_shape(api, make_user, db):
    make_user(username="omar")
    response = api.post("/api/v1/auth/token", {"username": "omar", "password": "wrong password"})
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "bad_credentials"
    assert error["message"] == "Wrong username or password."
    assert "token" not in response.get_data(as_text=True)
    failed = audit_rows(db, "auth.login")
    assert [row.outcome for row in failed] == ["failure"]
    assert failed[0].username == "omar" and failed[0].ip == "127.0.0.1"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(api, db):
    response = api.post("/api/v1/auth/token", {"username": "nobody", "password": "whatever123"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "Wrong username or password."
    assert audit_rows(db, "auth.login")[0].details["username"] == "nobody"


def test_five_failed_logins_lock_the_account_for_ten_minutes(api, make_user, db):
    user = make_user(username="omar")
    for _ in range(5):
        assert api.post("/api/v1/auth/token", {"username": "omar", "password": "nope-nope"}).status_code == 401
    locked = api.post("/api/v1/auth/token", {"username": "omar", "password": PASSWORD})
    # A locked account answers exactly as a wrong password does (nothing to enumerate).
    assert locked.status_code == 401
    assert locked.get_json()["error"] == {"code": "bad_credentials", "message": "Wrong username or password.",
                                          "fields": {}}
    db.session.refresh(user)
    assert timedelta(minutes=9) < user.locked_until - utcnow() <= timedelta(minutes=10)
    assert len(audit_rows(db, "auth.lock")) == 1
    # Ten minutes later the right password works again.
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert api.post("/api/v1/auth/token", {"username": "omar", "password": PASSWORD}).status_code == 201
    assert [row.outcome for row in audit_rows(db, "auth.login")] == ["failure"] * 5 + ["locked", "success"]


def test_revoked_token_stops_working(api, make_user):
    user = make_user()
    headers = api.headers(user)
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    assert api.client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = api.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_expired_and_idle_tokens_are_refused(api, make_user, db):
    user = make_user()
    headers = api.headers(user)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    row.last_seen_at = utcnow() - timedelta(minutes=31)  # 30 minutes idle: locked (test_idle_lock.py)
    db.session.commit()
    idle = api.client.get("/api/v1/me", headers=headers)
    assert idle.status_code == 401 and idle.get_json()["error"]["code"] == "session_locked"
    api._tokens.clear()
    headers = api.headers(user)
    row = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                        LoginSession.locked_at.is_(None))).one()
    row.expires_at = utcnow() - timedelta(seconds=1)  # 12 hours absolute
    db.session.commit()
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401


def test_no_token_gets_401_json(client):
    response = client.get("/api/v1/calls")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_page_login_starts_a_fresh_session_and_logout_ends_it(pages, make_user, db):
    user = make_user("dispatcher")
    browser = pages()
    browser.client.get("/login")
    before = browser.client.get_cookie("fieldapp_session").value
    response = browser.login(user)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    after = browser.client.get_cookie("fieldapp_session").value
    assert after != before
    assert browser.get("/board").status_code == 200
    assert browser.post("/logout").status_code == 302
    assert browser.get("/board").status_code == 302  # back to the login page
    rows = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert len(rows) == 1 and rows[0].revoked_at is not None


def test_wrong_password_on_the_login_page_says_so(pages, make_user):
    user = make_user()
    browser = pages()
    response = browser.login(user, password="not my password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_idle_web_session_shows_the_unlock_page(pages, make_user, db):
    user = make_user("dispatcher")
    browser = pages(user)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    row.last_seen_at = utcnow() - timedelta(minutes=30, seconds=5)
    db.session.commit()
    response = browser.get("/board")
    assert response.status_code == 401
    assert "Session locked" in response.get_data(as_text=True)


def test_login_next_parameter_cannot_send_users_elsewhere(pages, make_user):
    user = make_user()
    browser = pages()
    token = browser.csrf("/login")
    response = browser.client.post("/login?next=//evil.example/", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_page_forms_need_the_csrf_token(pages, make_user, db):
    admin = make_user("admin")
    browser = pages(admin)
    response = browser.post("/units", {"call_sign": "CR-9"}, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert browser.post("/units", {"call_sign": "CR-9"}).status_code == 302


def test_cookie_authenticated_api_changes_need_the_csrf_header(pages, make_user):
    admin = make_user("admin")
    browser = pages(admin)
    refused = browser.client.post("/api/v1/units", json={"call_sign": "CR-8"})
    assert refused.status_code == 400
    assert "CSRF" in refused.get_json()["error"]["message"]
    token = browser.csrf("/account")
    accepted = browser.client.post("/api/v1/units", json={"call_sign": "CR-8"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_session_cookie_flags(app, pages, make_user):
    browser = pages(make_user())
    cookie = browser.client.get_cookie("fieldapp_session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # the test app runs on http; production: True


def test_users_see_and_revoke_their_own_sessions(api, make_user, db):
    user = make_user()
    headers = api.headers(user)
    sessions = api.client.get("/api/v1/me/sessions", headers=headers).get_json()
    assert len(sessions) == 1 and sessions[0]["kind"] == "api"
    other = make_user()
    other_sessions = api.client.get("/api/v1/me/sessions", headers=api.headers(other)).get_json()
    # Someone else's session id is not yours to revoke.
    assert api.client.delete(f"/api/v1/me/sessions/{sessions[0]['id']}",
                             headers=api.headers(other)).status_code == 404
    assert api.client.delete(f"/api/v1/me/sessions/{other_sessions[0]['id']}",
                             headers=api.headers(other)).status_code == 204
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
