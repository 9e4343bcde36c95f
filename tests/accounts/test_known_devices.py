"""A lock set off by someone else does not stop the owner on a browser that has signed in with the
second factor before; that browser has its own 5-failure count (OWASP device cookies; issue 8)."""

from sqlalchemy import select

from fieldapp.clock import utcnow
from fieldapp.mfa.models import KnownDevice
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mfa import code, enrol_on_page, post_code


def sign_in_with_code(browser, user, otp, password=PASSWORD):
    first = browser.login(user, password=password)
    if first.status_code != 302 or first.headers["Location"] != "/login/code":
        return first
    return post_code(browser, otp)


def lock_from_elsewhere(pages, user, db):
    attacker = pages()
    for _ in range(5):
        assert attacker.login(user, password="guess-guess-guess").status_code == 401
    db.session.refresh(user)
    assert user.locked_until is not None and user.locked_until > utcnow()
    return attacker


def test_the_owners_known_browser_signs_in_while_someone_else_set_off_the_lock(pages, make_user, db):
    user = make_user("dispatcher")
    owner = pages(user)
    secret, recovery_codes = enrol_on_page(owner)
    owner.post("/logout")
    assert sign_in_with_code(owner, user, code(secret, 1)).headers["Location"] == "/"
    cookie = owner.client.get_cookie("fieldapp_device", path="/login")
    assert cookie is not None and cookie.http_only and cookie.path == "/login"
    owner.post("/logout")

    attacker = lock_from_elsewhere(pages, user, db)
    # The right password from an unknown browser: refused exactly like a wrong one.
    assert attacker.login(user).status_code == 401
    # The owner's browser: password and second factor still work (a recovery code here, since the
    # next TOTP code may be half a minute away).
    signed_in = sign_in_with_code(owner, user, recovery_codes[0])
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert owner.get("/board").status_code == 200
    db.session.refresh(user)
    assert user.locked_until > utcnow()  # the account stays locked for everyone else
    assert len(db.session.scalars(select(KnownDevice).where(KnownDevice.user_id == user.id)).all()) == 1


def test_a_known_browser_has_its_own_five_failures(pages, make_user, db):
    user = make_user()
    owner = pages(user)
    secret, _ = enrol_on_page(owner)
    owner.post("/logout")
    sign_in_with_code(owner, user, code(secret, 1))
    owner.post("/logout")
    lock_from_elsewhere(pages, user, db)
    for _ in range(5):
        assert owner.login(user, password="still-guessing").status_code == 401
    device = db.session.scalars(select(KnownDevice).where(KnownDevice.user_id == user.id)).one()
    assert device.locked_until is not None
    assert owner.login(user).status_code == 401  # the device is locked too now


def test_a_device_cookie_helps_only_its_own_user_and_ends_with_a_reset(pages, make_user, db):
    admin, user, other = make_user("admin"), make_user(), make_user()
    owner = pages(user)
    secret, _ = enrol_on_page(owner)
    owner.post("/logout")
    sign_in_with_code(owner, user, code(secret, 1))
    owner.post("/logout")
    enrol_on_page(pages(other))
    lock_from_elsewhere(pages, other, db)
    assert owner.login(other).status_code == 401  # user's browser is not known for other
    pages(admin).post(f"/admin/users/{user.id}/mfa-reset")
    assert db.session.scalars(select(KnownDevice).where(KnownDevice.user_id == user.id)).all() == []
    lock_from_elsewhere(pages, user, db)
    assert owner.login(user).status_code == 401


def test_an_api_client_that_signed_in_with_its_second_factor_is_a_known_device_too(app, api, make_user, db,
                                                                                   monkeypatch):
    """Issue 22, defect 7: the exemption pages have, for the API. A sign-in with the code answers a
    device token; with it, the owner's app signs in (password and code) while failures from elsewhere
    lock the account and fill the per-username throttle; without it, the lock holds."""
    from tests.fixtures.mfa import code, enrol, token_request

    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "6 per 10 minutes")
    user = make_user("dispatcher")
    secret, recovery_codes = enrol(api, user)
    first = api.post("/api/v1/auth/token", token_request(user, otp=code(secret, 1)))
    assert first.status_code == 201, first.get_json()
    device_token = first.get_json()["device_token"]
    assert len(db.session.scalars(select(KnownDevice).where(KnownDevice.user_id == user.id)).all()) == 1

    for _ in range(6):  # someone else: the lock (5) and the per-username throttle (6) are both spent
        assert api.post("/api/v1/auth/token", token_request(user, password="guess-guess-guess")).status_code == 401
    db.session.refresh(user)
    assert user.locked_until is not None and user.locked_until > utcnow()
    stranger = api.post("/api/v1/auth/token", token_request(user, otp=recovery_codes[0]))
    assert stranger.status_code == 429  # without the device token: throttled, and locked behind that

    owner = api.post("/api/v1/auth/token", token_request(user, otp=recovery_codes[1], device_token=device_token))
    assert owner.status_code == 201, owner.get_json()
    assert owner.get_json()["device_token"] == device_token  # the same device, remembered
    assert api.client.get("/api/v1/me", headers={"Authorization": "Bearer " + owner.get_json()["token"]}
                          ).status_code == 200
    db.session.refresh(user)
    assert user.locked_until > utcnow()  # still locked for everyone else


def test_a_wrong_device_token_is_refused_like_any_locked_sign_in(api, make_user, db):
    from tests.fixtures.mfa import enrol, token_request

    user = make_user()
    _, recovery_codes = enrol(api, user)
    for _ in range(5):
        api.post("/api/v1/auth/token", token_request(user, password="guess-guess-guess"))
    refused = api.post("/api/v1/auth/token", token_request(user, otp=recovery_codes[0], device_token="made-up"))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "bad_credentials"
