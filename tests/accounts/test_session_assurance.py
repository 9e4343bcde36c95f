"""Issue 22, defect 1: the second factor binds the session. A session or token made with the password
alone stays short of the second factor, whatever its user does later elsewhere; setting up, resetting
or removing a factor ends the user's other sessions and tokens."""

import pytest
from sqlalchemy import select

from fieldapp.accounts.models import LoginSession
from fieldapp.audit.models import AuditEvent
from fieldapp.mfa import services as mfa
from tests.fixtures.mfa import code, enrol, enrol_on_page, post_code, token_request


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("dispatcher",))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_from_before_enrolment_is_not_let_in_by_enrolling_elsewhere(api, make_user, db, required):
    """The steps of defect 1: token T2 with the password only; the owner enrols from another session;
    T2 must still not read calls (it answered 200 before the fix)."""
    user = make_user("dispatcher")
    issued = api.post("/api/v1/auth/token", token_request(user))
    assert issued.status_code == 201
    t2 = issued.get_json()["token"]
    refused = api.client.get("/api/v1/calls", headers=bearer(t2))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "mfa_enrolment_required"

    enrol(api, user)  # from another token (the api client's own)

    after = api.client.get("/api/v1/calls", headers=bearer(t2))
    assert after.status_code == 401, after.get_json()  # ended by the enrolment
    assert api.get("/api/v1/calls", user=user).status_code == 200  # the enrolling token carries the factor
    rows = {row.token_hash: row for row in db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id))}
    assert sum(row.revoked_at is None for row in rows.values()) == 1
    kept = next(row for row in rows.values() if row.revoked_at is None)
    assert kept.second_factor_at is not None
    ended = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sessions_end")).one()
    assert ended.details == {"after": "mfa.enrol", "ended": 1}


def test_the_session_row_decides_not_the_users_enrolment(api, make_user, db, required):
    """Even a session left open by some other path reaches only enrolment and sign-out: the check
    reads the session's own assurance."""
    user = make_user("dispatcher")
    t2 = api.post("/api/v1/auth/token", token_request(user)).get_json()["token"]
    credential = mfa.begin_enrolment(user)
    mfa.confirm_enrolment(user, code(credential.secret))  # the factor alone, no session ended
    refused = api.client.get("/api/v1/calls", headers=bearer(t2))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "mfa_session_unverified"
    assert api.client.get("/api/v1/me", headers=bearer(t2)).status_code == 200  # enrolment step
    assert api.client.delete("/api/v1/auth/token", headers=bearer(t2)).status_code == 204  # sign-out
    # A token made with the code carries the factor.
    with_code = api.post("/api/v1/auth/token", token_request(user, otp=code(credential.secret, 1)))
    assert with_code.status_code == 201
    assert api.client.get("/api/v1/calls", headers=bearer(with_code.get_json()["token"])).status_code == 200
    sessions = api.client.get("/api/v1/me/sessions", headers=bearer(with_code.get_json()["token"])).get_json()
    assert [s["second_factor_at"] is not None for s in sessions] == [True]


def test_voluntary_enrolment_binds_sessions_too(api, make_user):
    """A role not required to use a factor: once the user has one, a password-only token is short of it."""
    user = make_user("officer")
    t2 = api.post("/api/v1/auth/token", token_request(user)).get_json()["token"]
    credential = mfa.begin_enrolment(user)
    mfa.confirm_enrolment(user, code(credential.secret))
    refused = api.client.get("/api/v1/calls", headers=bearer(t2))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "mfa_session_unverified"


def test_enrolling_on_a_page_ends_the_other_browsers_session(pages, make_user, db):
    user = make_user("dispatcher")
    other, enrolling = pages(user), pages(user)
    assert other.get("/board").status_code == 200
    enrol_on_page(enrolling)
    assert enrolling.get("/board").status_code == 200  # the one that enrolled goes on
    assert other.get("/board").headers["Location"].startswith("/login")  # the other one is signed out


def test_an_admins_reset_ends_every_session_of_the_user(api, make_user, db):
    admin, user = make_user("admin"), make_user("dispatcher")
    secret, _ = enrol(api, user)
    assert api.get("/api/v1/calls", user=user).status_code == 200
    assert api.delete(f"/api/v1/users/{user.id}/mfa", user=admin).status_code == 204
    assert api.get("/api/v1/calls", user=user).status_code == 401


def test_a_page_session_from_before_the_factor_is_sent_to_the_set_up_page_which_says_why(pages, make_user):
    user = make_user("dispatcher")
    browser = pages(user)
    credential = mfa.begin_enrolment(user)
    mfa.confirm_enrolment(user, code(credential.secret))  # the factor alone, this session left open
    assert browser.get("/board").headers["Location"] == "/account/mfa"
    page = browser.get("/account/mfa").get_data(as_text=True)
    assert "This session began before your second factor was" in page


def test_the_account_page_says_which_sessions_passed_the_second_factor(api, pages, make_user):
    user = make_user("officer")
    browser = pages(user)  # password only
    secret, _ = enrol(api, user)  # ends the page session; the api token carries the factor
    assert browser.get("/account").headers["Location"].startswith("/login")
    signed_in = pages()
    signed_in.login(user)
    assert post_code(signed_in, code(secret, 1)).status_code == 302
    page = signed_in.get("/account").get_data(as_text=True)
    assert page.count("with the second factor") == 2 and "password only" not in page
