"""The password policy, and users changing their own password (API and pages)."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from fieldapp.accounts import passwords
from fieldapp.accounts.models import LoginSession, User
from fieldapp.accounts.passwords import policy_problems
from fieldapp.audit.models import AuditEvent
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "lantern orchard basalt kettle"


def audit_rows(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


# --- policy ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "advice"), [
    ("short", "at least 8 characters"),
    ("aaaaaaaa", "Repeated characters"),
    (" " * 8, "Repeated characters"),
    ("Summer2026", "leaked in breaches"),
    ("Summer2026", "Years and dates"),
    ("password1", "leaked in breaches"),
    ("P@ssw0rd!", "leaked in breaches"),  # l33t spelling of a breached password
    ("iloveyou", "leaked in breaches"),
    ("1qaz2wsx", "leaked in breaches"),
    ("asdfghjkl;", "Keyboard patterns"),
    ("zxcvbnm,./", "Keyboard patterns"),
    ("ZAQ!xsw2", "Keyboard patterns"),
    ("abcdefgh", "Sequences"),
    ("nia.clinician", "your username or your name"),
    ("Nia Clinician 2026", "your username or your name"),
    ("niaclinician!!", "your username or your name"),
])
def test_admin_cannot_create_a_user_with_a_weak_password(api, make_user, password, advice):
    admin = make_user("admin")
    response = api.post("/api/v1/users", {"username": "nia.clinician", "full_name": "Nia Clinician",
                                          "role": "clinician", "password": password}, user=admin)
    assert response.status_code == 422, password
    error = response.get_json()["error"]
    assert error["message"] == "The password cannot be used."
    assert advice in " ".join(error["fields"]["password"]), (password, error["fields"])


@pytest.mark.parametrize("password", [PASSWORD, "a long enough phrase", "k9#Tq2!x", "zq8mvr3t",
                                      "Winter walks at 6am"])
def test_eight_random_characters_and_passphrases_are_accepted(password):
    assert policy_problems(password, username="nia.clinician", full_name="Nia Clinician") == []


def test_long_passwords_are_judged_too():
    assert "Repeated characters" in policy_problems("x" * 256)[0]  # long, but one letter
    assert policy_problems("lantern orchard " * 20) == ["Use at most 256 characters."]


# --- changing your own password: API --------------------------------------------------------

def test_user_changes_own_password_and_other_sessions_end(api, pages, make_user, db):
    user = make_user("clinician")
    other_token = api.headers(user)
    api._tokens.clear()
    this_token = api.headers(user)
    browser = pages(user)
    response = api.client.post("/api/v1/me/password", headers=this_token,
                               json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 204, response.get_json()
    assert api.client.get("/api/v1/me", headers=this_token).status_code == 200  # this one stays
    assert api.client.get("/api/v1/me", headers=other_token).status_code == 401
    assert browser.get("/my/calls").status_code == 302  # the browser session ended too
    old = api.client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    assert old.status_code == 401
    new = api.client.post("/api/v1/auth/token", json={"username": user.username, "password": NEW_PASSWORD})
    assert new.status_code == 201
    [row] = audit_rows(db, "user.password_change")
    assert row.user_id == user.id and row.outcome == "success"
    assert row.details == {"other_sessions_ended": 2}


def test_wrong_current_password_is_refused_naming_the_field_and_audited(api, make_user, db):
    user = make_user("officer")
    response = api.post("/api/v1/me/password", {"current_password": "not my password",
                                                "new_password": NEW_PASSWORD}, user=user)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"current_password": ["This is not your current password."]}
    [row] = audit_rows(db, "user.password_change")
    assert row.outcome == "failure" and row.user_id == user.id
    assert row.details == {"reason": "wrong current password"}
    assert api.get("/api/v1/me", user=user).status_code == 200  # nothing else happened
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id)).revoked_at is None


def test_new_password_must_follow_the_policy_and_differ_from_the_current_one(api, make_user):
    user = make_user("officer", username="olu", full_name="Olu Officer")
    for new, advice in [("Summer2026", "leaked in breaches"), ("olu-officer", "your username or your name"),
                        (PASSWORD, "different from the current one")]:
        response = api.post("/api/v1/me/password", {"current_password": PASSWORD, "new_password": new}, user=user)
        assert response.status_code == 422, new
        assert advice in " ".join(response.get_json()["error"]["fields"]["new_password"]), new
    missing = api.post("/api/v1/me/password", {"new_password": NEW_PASSWORD}, user=user)
    assert missing.status_code == 422 and "current_password" in missing.get_json()["error"]["fields"]


# --- changing your own password: page -------------------------------------------------------

def test_user_changes_own_password_on_the_account_page(pages, api, make_user, db):
    user = make_user("dispatcher")
    other_token = api.headers(user)
    browser = pages(user)
    assert 'href="/account/password"' in browser.get("/account").get_data(as_text=True)
    page = browser.get("/account/password").get_data(as_text=True)
    for label in ("Current password", "New password", "New password again"):
        assert f">{label}</label>" in page
    token = browser.csrf("/account/password")
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "csrf_token": token}
    mismatch = browser.client.post("/account/password", data={**form, "new_password_again": "something else"})
    assert mismatch.status_code == 422
    assert "The two new passwords are not the same." in mismatch.get_data(as_text=True)
    weak = browser.client.post("/account/password", data={**form, "new_password": "aaaaaaaa",
                                                          "new_password_again": "aaaaaaaa"})
    assert weak.status_code == 422 and "Repeated characters" in weak.get_data(as_text=True)
    wrong = browser.client.post("/account/password", data={**form, "current_password": "nope nope",
                                                           "new_password_again": NEW_PASSWORD})
    assert wrong.status_code == 422 and "This is not your current password." in wrong.get_data(as_text=True)
    done = browser.client.post("/account/password", data={**form, "new_password_again": NEW_PASSWORD},
                               follow_redirects=True)
    assert done.status_code == 200
    assert "Your password is changed. You are signed out everywhere else." in done.get_data(as_text=True)
    assert browser.get("/board").status_code == 200  # this browser stays signed in
    assert api.client.get("/api/v1/me", headers=other_token).status_code == 401
    assert db.session.scalar(select(User).where(User.id == user.id)).password_changed_at is not None
    assert [row.outcome for row in audit_rows(db, "user.password_change")] == ["failure", "success"]


def test_production_hashes_use_the_rfc_9106_low_memory_profile():
    # The suite swaps in a cheap hasher (tests/conftest.py); production's profile is the module's own.
    stored = PasswordHasher(**passwords.PROFILE).hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_of_another_profile_is_upgraded_at_the_next_sign_in(api, make_user, db):
    weak = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(PASSWORD)
    user = make_user(username="rehash", password_hash=weak)
    assert api.client.post("/api/v1/auth/token", json={"username": "rehash", "password": PASSWORD}).status_code == 201
    db.session.refresh(user)
    assert user.password_hash != weak and passwords.verify_password(user.password_hash, PASSWORD)
