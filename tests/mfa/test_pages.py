"""Second factor on the pages: enrolment with a QR code, the two-step login, recovery codes, an
admin's reset, and the enrolment gate (issue 8)."""

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select, update

from fieldapp.clock import utcnow
from fieldapp.demo.commands import seed_demo_command
from fieldapp.mfa.models import LoginChallenge, TotpCredential
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mfa import code, enrol_on_page, post_code


def test_two_step_login_on_the_pages(pages, make_user, db):
    user = make_user("dispatcher")
    browser = pages(user)
    secret, _ = enrol_on_page(browser)
    assert "set up since" in browser.get("/account/mfa").get_data(as_text=True)
    browser.post("/logout")

    browser = pages()
    token = browser.csrf("/login")
    first = browser.client.post("/login?next=%2Fboard", data={"username": user.username, "password": PASSWORD,
                                                             "csrf_token": token})
    assert first.status_code == 302 and first.headers["Location"] == "/login/code"
    # Half signed in grants nothing else.
    assert browser.get("/board").status_code == 302
    assert browser.client.get("/api/v1/me").status_code == 401
    wrong = post_code(browser, "000000")
    assert wrong.status_code == 401 and "wrong or was already used" in wrong.get_data(as_text=True)
    right = post_code(browser, code(secret, 1))
    assert right.status_code == 302 and right.headers["Location"] == "/board"
    assert browser.get("/board").status_code == 200
    # The code step is over: it cannot be used again.
    assert browser.get("/login/code").status_code == 302


def test_the_code_step_belongs_to_one_browser_and_expires(pages, make_user, db):
    user = make_user()
    secret, _ = enrol_on_page(pages(user))
    browser = pages()
    assert browser.login(user).headers["Location"] == "/login/code"
    stranger = pages()
    assert stranger.get("/login/code").headers["Location"] == "/login"
    db.session.execute(update(LoginChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = browser.get("/login/code")
    assert expired.status_code == 302 and expired.headers["Location"] == "/login"
    assert "expired" in browser.get("/login").get_data(as_text=True)


def test_a_recovery_code_signs_in_once_on_the_pages(pages, make_user):
    user = make_user()
    _, codes = enrol_on_page(pages(user))
    browser = pages()
    browser.login(user)
    assert post_code(browser, codes[0]).status_code == 302
    browser.post("/logout")
    browser.login(user)
    assert post_code(browser, codes[0]).status_code == 401


def test_wrong_codes_on_the_page_lock_the_account(pages, make_user, db):
    user = make_user()
    secret, _ = enrol_on_page(pages(user))
    browser = pages()
    browser.login(user)
    for _ in range(5):
        assert post_code(browser, "000000").status_code == 401
    assert post_code(browser, code(secret, 1)).status_code == 401  # locked: even the right code
    db.session.refresh(user)
    assert user.locked_until is not None


def test_admin_resets_a_second_factor_from_the_users_page(pages, make_user, db):
    admin, user = make_user("admin"), make_user(username="lostphone")
    enrol_on_page(pages(user))
    browser = pages(admin)
    assert "Reset two-step sign-in of lostphone" in browser.get("/admin/users").get_data(as_text=True)
    response = browser.post(f"/admin/users/{user.id}/mfa-reset")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert db.session.get(TotpCredential, user.id) is None
    assert pages(user).get("/board").status_code in (200, 403)  # password alone signs in again


def test_a_required_role_without_a_second_factor_is_sent_to_set_it_up(app, pages, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("admin",))
    admin = make_user("admin")
    browser = pages(admin)
    for path in ("/board", "/admin/users", "/account"):
        response = browser.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/mfa", path
    page = browser.get("/account/mfa").get_data(as_text=True)
    assert "Your role must sign in with a second factor" in page
    token = browser.csrf("/account/mfa")
    assert browser.client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_new_user_of_a_required_role_changes_the_password_then_sets_up_the_second_factor(
        app, pages, make_user, monkeypatch, db):
    """Both first steps at once (an admin-set password and a role that needs MFA): one after the
    other, never a redirect loop between them."""
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("officer",))
    officer = make_user("officer")
    officer.must_change_password = True
    db.session.commit()
    browser = pages(officer)
    response = browser.get("/my/calls")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert browser.get("/account/password").status_code == 200
    token = browser.csrf("/account/password")
    changed = browser.client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "quiet-harbor-lantern-42",
        "new_password_again": "quiet-harbor-lantern-42"})
    assert changed.status_code == 302, changed.get_data(as_text=True)
    response = browser.get("/my/calls")
    assert response.status_code == 302 and response.headers["Location"] == "/account/mfa"
    assert browser.get("/account/mfa").status_code == 200


def test_seed_demo_says_how_to_try_the_second_factor(app, db):
    with app.app_context():
        result = CliRunner().invoke(seed_demo_command, ["--password", "demo-pass-for-tests-2026", "--no-history"],
                                    obj=None, standalone_mode=False)
    assert result.exception is None, result.output
    assert "MFA_REQUIRED_ROLES=admin make run" in result.output
    assert "/account/mfa" in result.output


def test_enrolment_page_scan_code_is_stored_pending_until_confirmed(pages, make_user, db):
    user = make_user()
    browser = pages(user)
    browser.post("/account/mfa/start")
    credential = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
    assert credential is not None and credential.confirmed_at is None
    assert "Set up an authenticator app" in browser.get("/account/mfa").get_data(as_text=True)
