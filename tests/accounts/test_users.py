"""Users: admins create, change and deactivate them, through the API and the pages."""

from sqlalchemy import select

from fieldapp.accounts.models import User
from fieldapp.audit.models import AuditEvent
from tests.fixtures.factories import PASSWORD


def test_admin_creates_a_user_through_the_api(api, make_user, db):
    admin = make_user("admin")
    response = api.post("/api/v1/users", {"username": "new.clinician", "full_name": "Nia Clinician",
                                          "role": "clinician", "password": "a long enough phrase"}, user=admin)
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "clinician" and body["active"] is True
    assert "password" not in body and "password_hash" not in body
    user = db.session.scalar(select(User).where(User.username == "new.clinician"))
    assert user.password_hash.startswith("$argon2id$")
    assert api.post("/api/v1/auth/token", {"username": "new.clinician",
                                           "password": "a long enough phrase"}).status_code == 201
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert row.user_id == admin.id and row.details == {"username": "new.clinician", "role": "clinician"}


def test_password_policy(api, make_user):
    admin = make_user("admin")
    for password, message in [("short", "at least 8"), ("password1", "too common"), ("iloveyou", "too common"),
                              ("nia.clinician-x", "too common")]:
        response = api.post("/api/v1/users", {"username": "nia.clinician", "full_name": "N", "role": "clinician",
                                              "password": password}, user=admin)
        assert response.status_code == 422, password
        assert message in " ".join(response.get_json()["error"]["fields"]["password"]), password


def test_duplicate_and_bad_usernames(api, make_user):
    admin = make_user("admin")
    make_user(username="taken")
    body = {"full_name": "X", "role": "officer", "password": "a long enough phrase"}
    assert api.post("/api/v1/users", {**body, "username": "taken"}, user=admin).status_code == 409
    bad = api.post("/api/v1/users", {**body, "username": "Has Spaces"}, user=admin)
    assert bad.status_code == 422 and "username" in bad.get_json()["error"]["fields"]
    role = api.post("/api/v1/users", {**body, "username": "ok", "role": "sheriff"}, user=admin)
    assert role.status_code == 422 and "role" in role.get_json()["error"]["fields"]


def test_deactivating_a_user_ends_their_sessions_and_tokens(api, pages, make_user, db):
    admin = make_user("admin")
    officer = make_user("officer")
    headers = api.headers(officer)
    browser = pages(officer)
    assert browser.get("/my/calls").status_code == 200
    response = api.patch(f"/api/v1/users/{officer.id}", {"active": False}, user=admin)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    assert browser.get("/my/calls").status_code == 302
    refused = api.client.post("/api/v1/auth/token", json={"username": officer.username, "password": PASSWORD})
    assert refused.status_code == 401
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate")).user_id == admin.id


def test_role_change_is_a_permission_change_and_is_audited(api, make_user, db):
    admin = make_user("admin")
    user = make_user("officer")
    old_headers = api.headers(user)
    response = api.patch(f"/api/v1/users/{user.id}", {"role": "dispatcher"}, user=admin)
    assert response.get_json()["role"] == "dispatcher"
    assert api.client.get("/api/v1/me", headers=old_headers).status_code == 401  # sign in again
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
    assert row.details == {"from": "officer", "to": "dispatcher"}


def test_admin_cannot_lock_themselves_out(api, make_user):
    admin = make_user("admin")
    response = api.patch(f"/api/v1/users/{admin.id}", {"active": False}, user=admin)
    assert response.status_code == 422
    assert api.get("/api/v1/me", user=admin).status_code == 200


def test_admin_manages_users_on_pages(pages, make_user, db):
    admin = make_user("admin")
    browser = pages(admin)
    page = browser.get("/admin/users").get_data(as_text=True)
    assert "Add a user" in page
    created = browser.post("/admin/users", {"username": "olu", "full_name": "Olu Officer", "role": "officer",
                                            "password": "a long enough phrase"}, follow_redirects=True)
    assert "Created olu (officer)." in created.get_data(as_text=True)
    olu = db.session.scalar(select(User).where(User.username == "olu"))
    rejected = browser.post("/admin/users", {"username": "olu2", "full_name": "X", "role": "officer",
                                             "password": "123456789"})
    assert rejected.status_code == 422
    assert "too common" in rejected.get_data(as_text=True)
    done = browser.post(f"/admin/users/{olu.id}", {"action": "deactivate"}, follow_redirects=True)
    assert "olu is deactivated and signed out everywhere." in done.get_data(as_text=True)
    assert db.session.get(User, olu.id).active is False
