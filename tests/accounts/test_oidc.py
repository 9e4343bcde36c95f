"""Single sign-on against a real OpenID provider in-process: the flow's parameters, the account and
role from the claims, refusals with a page that says why, the provider's second factor, and a user
disabled at the provider losing their sessions."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from fieldapp.accounts import oidc, oidc_checks
from fieldapp.accounts.models import LoginSession, User
from fieldapp.accounts.oidc_models import OidcIdentity
from fieldapp.audit.models import AuditEvent
from fieldapp.extensions import db
from tests.fixtures.factories import UserFactory
from tests.fixtures.mfa import enrol


def sign_in_via(app, provider, sub, client=None):
    """The whole redirect round: fieldapp -> provider (the user picks ``sub``) -> fieldapp's callback."""
    client = client or app.test_client()
    start = client.get("/login/sso?next=/account")
    assert start.status_code == 302, start.get_data(as_text=True)
    back = provider.authorize(start.headers["Location"], sub)
    parts = urlsplit(back)
    return client, start, client.get(f"{parts.path}?{parts.query}")


def audit_rows(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_the_authorization_request_carries_pkce_state_and_nonce(app, sso):
    start = app.test_client().get("/login/sso")
    params = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(sso.issuer + "/oauth2/authorize")
    assert params["code_challenge_method"] == ["S256"] and len(params["code_challenge"][0]) >= 43
    assert params["state"][0] and params["nonce"][0]
    assert params["scope"] == ["openid email profile"] and params["response_type"] == ["code"]


def test_an_admin_created_user_signs_in_by_email_with_the_mapped_role(app, sso):
    user = UserFactory(role="officer", email="ana@agency.example")
    sso.set_user("ana@agency.example", groups=["fieldapp-clinicians", "other"], name="Ana")
    client, _, done = sign_in_via(app, sso, "ana@agency.example")
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    page = client.get("/account")
    assert page.status_code == 200 and user.username in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.role == "clinician"  # the provider's groups decide the role
    identity = db.session.scalar(select(OidcIdentity).where(OidcIdentity.user_id == user.id))
    assert identity.subject == "ana@agency.example" and identity.issuer == sso.issuer
    assert identity.refresh_token  # kept for the periodic check
    sso_rows = audit_rows("auth.sso")
    assert sso_rows[-1].outcome == "success" and sso_rows[-1].user_id == user.id


def test_a_user_whose_claims_map_to_no_role_is_refused_with_a_page_saying_so(app, sso):
    UserFactory(email="bo@agency.example")
    sso.set_user("bo@agency.example", groups=["payroll"])
    client, _, done = sign_in_via(app, sso, "bo@agency.example")
    assert done.status_code == 403
    assert "not given any role in fieldapp" in done.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in
    row = audit_rows("auth.sso")[-1]
    assert row.outcome == "failure" and row.details["reason"] == "no role"


def test_an_unknown_email_is_refused_unless_users_may_be_created(app, sso):
    sso.set_user("new@agency.example", groups=["fieldapp-officers"], name="New Person")
    _, _, refused = sign_in_via(app, sso, "new@agency.example")
    assert refused.status_code == 403 and "no fieldapp account for this e-mail" in refused.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "new@agency.example")) is None

    app.config["OIDC_CREATE_USERS"] = True
    client, _, done = sign_in_via(app, sso, "new@agency.example")
    assert done.status_code == 302
    created = db.session.scalar(select(User).where(User.email == "new@agency.example"))
    assert created.role == "officer" and created.username == "new" and created.full_name == "New Person"


def test_a_deactivated_user_is_refused(app, sso):
    UserFactory(email="gone@agency.example", active=False)
    sso.set_user("gone@agency.example", groups=["fieldapp-officers"])
    _, _, refused = sign_in_via(app, sso, "gone@agency.example")
    assert refused.status_code == 403 and "deactivated" in refused.get_data(as_text=True)


def test_a_tampered_state_is_refused(app, sso):
    UserFactory(email="st@agency.example")
    sso.set_user("st@agency.example", groups=["fieldapp-officers"])
    client = app.test_client()
    start = client.get("/login/sso")
    back = urlsplit(sso.authorize(start.headers["Location"], "st@agency.example"))
    query = parse_qs(back.query)
    answer = client.get(f"{back.path}?code={query['code'][0]}&state=forged")
    assert answer.status_code == 401 and "could not be checked" in answer.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_without_amr_the_local_second_factor_is_asked(app, sso, api):
    user = UserFactory(email="mf@agency.example")
    enrol(api, user)
    sso.set_user("mf@agency.example", groups=["fieldapp-officers"], amr=["pwd"])
    client, _, done = sign_in_via(app, sso, "mf@agency.example")
    assert done.status_code == 302 and done.headers["Location"] == "/login/code"
    assert client.get("/account").status_code == 302  # not signed in until the code


def test_amr_showing_a_second_factor_satisfies_it(app, sso):
    app.config["MFA_REQUIRED_ROLES"] = ("officer",)
    try:
        UserFactory(email="hw@agency.example")
        sso.set_user("hw@agency.example", groups=["fieldapp-officers"], amr=["pwd", "hwk"])
        client, _, done = sign_in_via(app, sso, "hw@agency.example")
        assert done.headers["Location"] == "/account"
        assert client.get("/account").status_code == 200  # no enrolment asked: the provider did it

        UserFactory(email="pw@agency.example")
        sso.set_user("pw@agency.example", groups=["fieldapp-officers"], amr=["pwd"])
        client, _, _ = sign_in_via(app, sso, "pw@agency.example")
        assert client.get("/account").headers["Location"] == "/account/mfa"  # fieldapp's own is asked
    finally:
        app.config["MFA_REQUIRED_ROLES"] = ()


def test_a_user_disabled_at_the_provider_loses_every_session(app, sso):
    user = UserFactory(email="dis@agency.example")
    sso.set_user("dis@agency.example", groups=["fieldapp-officers"])
    client, _, _ = sign_in_via(app, sso, "dis@agency.example")
    other, _, _ = sign_in_via(app, sso, "dis@agency.example")
    identity = db.session.scalar(select(OidcIdentity).where(OidcIdentity.user_id == user.id))
    assert oidc_checks.check(identity.id) == "ok"  # still enabled: the refresh token works
    assert client.get("/account").status_code == 200

    sso.disable("dis@agency.example")
    assert oidc_checks.check(identity.id) == "ended"
    assert client.get("/account").status_code == 302 and other.get("/account").status_code == 302
    live = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                         LoginSession.revoked_at.is_(None))).all()
    assert live == []
    assert audit_rows("auth.sso_sessions_ended")[-1].user_id == user.id


def test_the_sweep_finds_accounts_due_for_a_check(app, sso):
    user = UserFactory(email="due@agency.example")
    sso.set_user("due@agency.example", groups=["fieldapp-officers"])
    sign_in_via(app, sso, "due@agency.example")
    identity = db.session.scalar(select(OidcIdentity).where(OidcIdentity.user_id == user.id))
    assert identity.id not in oidc_checks.due_identities()  # just checked at sign-in
    app.config["OIDC_CHECK_SECONDS"] = 0
    try:
        assert identity.id in oidc_checks.due_identities()
    finally:
        app.config["OIDC_CHECK_SECONDS"] = 120.0


def test_a_forged_back_channel_logout_token_is_refused(app, sso):
    answer = app.test_client().post("/sso/backchannel-logout", data={"logout_token": "a.b.c"},
                                    headers={"Accept": "application/json"})
    assert answer.status_code == 422 and answer.get_json()["error"]["fields"]["logout_token"]


def test_sso_is_off_without_settings(app, db):
    assert app.test_client().get("/login/sso").status_code == 404
    assert "agency account" not in app.test_client().get("/login").get_data(as_text=True)


@pytest.mark.parametrize(("claims", "role"), [
    ({"groups": ["a", "fieldapp-admins"]}, "admin"),
    ({"groups": "fieldapp-officers"}, "officer"),
    ({"groups": ["fieldapp-officers", "fieldapp-admins"]}, "officer"),  # the map's order decides
    ({"groups": ["x"]}, None),
    ({"groups": 7}, None),
    ({}, None),
])
def test_role_mapping(claims, role):
    role_map = {"fieldapp-officers": "officer", "fieldapp-admins": "admin"}
    assert oidc.role_from_claims(claims, "groups", role_map) == role


@pytest.mark.parametrize(("amr", "shown"), [(["pwd", "mfa"], True), (["otp"], True), (["pwd"], False),
                                             ("hwk", True), (None, False), ([3], False)])
def test_amr_second_factor(amr, shown):
    assert oidc.shows_second_factor({"amr": amr}, ("mfa", "otp", "hwk", "swk")) is shown


def logout_token(key, issuer, **claims):
    body = {"iss": issuer, "aud": "fieldapp", "iat": int(time.time()), "jti": "j1",
            "events": {oidc_checks.LOGOUT_EVENT: {}}, **claims}
    return jwt.encode({"alg": "RS256", "kid": "test-key"}, body, key)


def test_a_back_channel_logout_ends_the_users_sessions(app, sso):
    """The provider's signed logout token ends every session of its subject. The provider in use has
    no back-channel logout, so the test signs the token with a key it puts in the client's key set."""
    user = UserFactory(email="bc@agency.example")
    sso.set_user("bc@agency.example", groups=["fieldapp-officers"])
    client, _, _ = sign_in_via(app, sso, "bc@agency.example")
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    with app.app_context():
        oidc.client().load_server_metadata()["jwks"] = {"keys": [key.as_dict(private=False)]}
    poster = app.test_client()
    for bad in (logout_token(key, sso.issuer, sub="bc@agency.example", nonce="n"),  # an ID token, not a logout
                logout_token(key, "https://elsewhere.example", sub="bc@agency.example"),
                logout_token(RSAKey.generate_key(2048, parameters={"kid": "test-key"}), sso.issuer,
                             sub="bc@agency.example")):
        assert poster.post("/sso/backchannel-logout", data={"logout_token": bad}).status_code == 422
    assert client.get("/account").status_code == 200  # nothing ended by the refused tokens

    ended = poster.post("/sso/backchannel-logout",
                        data={"logout_token": logout_token(key, sso.issuer, sub="bc@agency.example")})
    assert ended.status_code == 200
    assert client.get("/account").status_code == 302
    assert audit_rows("auth.sso_sessions_ended")[-1].details["reason"] == "back-channel logout"
    assert user.id == audit_rows("auth.sso_sessions_ended")[-1].user_id


def test_an_admin_gives_a_user_the_email_single_sign_on_finds(app, sso, api, admin):
    def new_user(username, email):
        return api.post("/api/v1/users", {"username": username, "full_name": "Eve E", "role": "officer",
                                          "password": "violet-harbor-engine-47", "email": email}, user=admin)
    made = new_user("eve", "Eve@Agency.example")
    assert made.status_code == 201, made.get_json()
    again = new_user("eve2", "eve@agency.example")
    assert again.status_code == 409 and "email" in again.get_json()["error"]["fields"]
    bad = new_user("eve3", "not an address")
    assert bad.status_code == 422 and "email" in bad.get_json()["error"]["fields"]
    sso.set_user("eve@agency.example", groups=["fieldapp-officers"])
    client, _, done = sign_in_via(app, sso, "eve@agency.example")
    assert done.status_code == 302 and "eve" in client.get("/account").get_data(as_text=True)
