"""Admins reset passwords (the user must then choose their own), unlock accounts and deactivate
with a confirmation step."""

from datetime import timedelta

from sqlalchemy import select

from fieldapp.accounts.models import User
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from tests.fixtures.factories import PASSWORD

TEMPORARY = "ferry tulip granite 41"
OWN = "lantern orchard basalt kettle"


def audit_rows(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def token_of(api, username, password):
    response = api.client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


# --- forced change after an admin sets a password ------------------------------------------

def test_admin_reset_forces_a_change_before_anything_else_in_the_api(api, make_user, db):
    admin = make_user("admin")
    user = make_user("clinician")
    old_headers = api.headers(user)
    reset = api.patch(f"/api/v1/users/{user.id}", {"password": TEMPORARY}, user=admin)
    assert reset.status_code == 200 and reset.get_json()["must_change_password"] is True
    assert api.client.get("/api/v1/me", headers=old_headers).status_code == 401  # signed out everywhere
    [row] = audit_rows(db, "user.password_reset")
    assert row.user_id == admin.id and row.object_id == str(user.id)

    headers = token_of(api, user.username, TEMPORARY)
    refused = api.client.get("/api/v1/calls", headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    assert "/api/v1/me/password" in refused.get_json()["error"]["message"]
    me = api.client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["must_change_password"] is True

    changed = api.client.post("/api/v1/me/password", headers=headers,
                              json={"current_password": TEMPORARY, "new_password": OWN})
    assert changed.status_code == 204
    assert api.client.get("/api/v1/calls", headers=headers).status_code == 200
    assert db.session.get(User, user.id).must_change_password is False


def test_admin_reset_forces_a_change_on_pages_then_the_user_is_free(pages, make_user, db):
    admin = make_user("admin")
    user = make_user("officer", username="olu")
    admin_browser = pages(admin)
    done = admin_browser.post(f"/admin/users/{user.id}", {"action": "password", "password": TEMPORARY},
                              follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Password for olu is reset; tell them in person." in page
    assert "Must change password" in page

    browser = pages()
    signed_in = browser.login(user, password=TEMPORARY)
    assert signed_in.status_code == 302
    for path in ("/my/calls", "/account", "/directory"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/account/password"), path
    page = browser.get("/account/password").get_data(as_text=True)
    assert "An admin set your password. Choose a new one that only you know" in page
    token = browser.csrf("/account/password")
    changed = browser.client.post("/account/password", follow_redirects=True, data={
        "current_password": TEMPORARY, "new_password": OWN, "new_password_again": OWN, "csrf_token": token})
    assert "Your password is changed." in changed.get_data(as_text=True)
    assert browser.get("/my/calls").status_code == 200
    assert db.session.get(User, user.id).must_change_password is False
    assert "Must change password" not in admin_browser.get("/admin/users").get_data(as_text=True)


def test_sign_out_still_works_while_a_password_change_is_pending(pages, make_user):
    user = make_user("officer", must_change_password=True)
    browser = pages()
    assert browser.login(user).status_code == 302
    token = browser.csrf("/account/password")
    out = browser.client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"].endswith("/login")


def test_a_user_an_admin_creates_must_change_the_first_password(api, make_user, db):
    admin = make_user("admin")
    created = api.post("/api/v1/users", {"username": "new.officer", "full_name": "New Officer", "role": "officer",
                                         "password": TEMPORARY}, user=admin)
    assert created.status_code == 201 and created.get_json()["must_change_password"] is True
    headers = token_of(api, "new.officer", TEMPORARY)
    assert api.client.get("/api/v1/units", headers=headers).get_json()["error"]["code"] == \
        "password_change_required"


def test_admin_cannot_reset_their_own_password_as_admin(api, make_user):
    admin = make_user("admin")
    response = api.patch(f"/api/v1/users/{admin.id}", {"password": TEMPORARY}, user=admin)
    assert response.status_code == 422
    assert "account page" in response.get_json()["error"]["message"]


def test_reset_password_must_follow_the_policy(pages, make_user, db):
    admin = make_user("admin")
    user = make_user("officer")
    done = pages(admin).post(f"/admin/users/{user.id}", {"action": "password", "password": "Summer2026"},
                             follow_redirects=True)
    assert "leaked in breaches" in done.get_data(as_text=True)
    assert db.session.get(User, user.id).must_change_password is False


# --- unlock ---------------------------------------------------------------------------------

def lock(db, user):
    user.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()


def test_admin_unlocks_a_locked_account_through_the_api(api, make_user, db):
    admin = make_user("admin")
    user = make_user("officer")
    for _ in range(5):
        api.client.post("/api/v1/auth/token", json={"username": user.username, "password": "wrong wrong"})
    locked = api.client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    assert locked.status_code == 401
    listed = {u["id"]: u for u in api.get("/api/v1/users", user=admin).get_json()}
    assert listed[user.id]["locked_until"] is not None
    response = api.patch(f"/api/v1/users/{user.id}", {"unlock": True}, user=admin)
    assert response.status_code == 200 and response.get_json()["locked_until"] is None
    assert token_of(api, user.username, PASSWORD)
    [row] = audit_rows(db, "user.unlock")
    assert row.user_id == admin.id and row.object_id == str(user.id)
    assert row.details == {"username": user.username, "was_locked": True}
    refused = api.patch(f"/api/v1/users/{user.id}", {"unlock": False}, user=admin)
    assert refused.status_code == 422 and "unlock" in refused.get_json()["error"]["fields"]


def test_admin_unlocks_on_the_users_page(pages, make_user, db):
    admin = make_user("admin")
    user = make_user("officer", username="olu")
    lock(db, user)
    browser = pages(admin)
    page = browser.get("/admin/users").get_data(as_text=True)
    assert "Locked until" in page and "Unlock olu" in page
    done = browser.post(f"/admin/users/{user.id}", {"action": "unlock"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "olu is unlocked and can sign in again." in page
    assert "Locked until" not in page
    assert db.session.get(User, user.id).locked_until is None
    assert pages(user).get("/my/calls").status_code == 200


def test_only_admins_unlock(api, make_user, db):
    dispatcher = make_user("dispatcher")
    user = make_user("officer")
    lock(db, user)
    assert api.patch(f"/api/v1/users/{user.id}", {"unlock": True}, user=dispatcher).status_code == 403
    assert db.session.get(User, user.id).locked_until is not None


# --- deactivation with confirmation -------------------------------------------------------

def test_deactivation_asks_for_confirmation_without_javascript(pages, make_user, db):
    admin = make_user("admin")
    user = make_user("officer", username="olu", full_name="Olu Officer")
    browser = pages(admin)
    page = browser.get("/admin/users").get_data(as_text=True)
    assert 'value="deactivate"' not in page  # the list only links to the confirmation
    assert f'href="/admin/users/{user.id}/deactivate"' in page
    confirm = browser.get(f"/admin/users/{user.id}/deactivate").get_data(as_text=True)
    assert "Deactivate Olu Officer?" in confirm
    assert "signed out of every browser and app" in confirm
    assert 'value="deactivate"' in confirm and "Cancel, back to users" in confirm
    assert db.session.get(User, user.id).active is True  # looking is not deactivating
    done = browser.post(f"/admin/users/{user.id}", {"action": "deactivate"}, follow_redirects=True)
    assert "olu is deactivated and signed out everywhere." in done.get_data(as_text=True)
    assert db.session.get(User, user.id).active is False
    assert "Reactivate olu" in browser.get("/admin/users").get_data(as_text=True)


def test_users_page_shows_each_users_state(pages, make_user, db):
    admin = make_user("admin")
    make_user("officer", username="gone", active=False)
    make_user("officer", username="fresh", must_change_password=True)
    page = pages(admin).get("/admin/users").get_data(as_text=True)
    assert page.count('<span class="badge">Active</span>') == 2  # the admin and "fresh"
    assert '<span class="badge">Deactivated</span>' in page
    assert "Must change password" in page and "Reset password of fresh" in page


def test_the_endpoints_open_during_a_password_change_exist(app):
    from fieldapp.accounts.gates import OPEN_WHILE_PASSWORD_CHANGE

    assert sorted(OPEN_WHILE_PASSWORD_CHANGE - set(app.view_functions)) == []
