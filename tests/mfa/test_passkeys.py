"""Passkeys' server side with hostile input: every refusal is a 4xx naming the field, nothing is kept.
(The whole ceremony with an authenticator is tests/browser/test_sso_passkeys.py.)"""

import json

from flask import session
from sqlalchemy import func, select

from fieldapp.accounts import passkey_views
from fieldapp.extensions import db
from fieldapp.mfa.passkey_models import Passkey
from tests.fixtures.clients import CSRF_RE

JSON = {"Accept": "application/json"}


def post_json(browser, path, body):
    token = CSRF_RE.search(browser.get("/account").get_data(as_text=True)).group(1)
    return browser.client.post(path, data=json.dumps(body),
                               headers={**JSON, "Content-Type": "application/json", "X-CSRFToken": token})


def test_registration_options_ask_for_a_phone_friendly_passkey(pages, make_user):
    browser = pages(make_user("clinician"))
    answer = post_json(browser, "/account/passkeys/options", {})
    options = answer.get_json()
    assert answer.status_code == 200 and options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert len(options["challenge"]) >= 43


def test_a_forged_or_missing_answer_is_refused_and_nothing_is_kept(pages, make_user):
    browser = pages(make_user("clinician"))
    post_json(browser, "/account/passkeys/options", {})
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
              "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}
    bodies = ({"credential": forged, "name": "x"}, {"credential": "nope"}, {}, {"credential": forged, "name": "n" * 81})
    for body in bodies:
        answer = post_json(browser, "/account/passkeys", body)
        assert answer.status_code == 422, (body, answer.get_json())
        assert answer.get_json()["error"]["fields"].keys() & {"credential", "name"}
    assert db.session.scalar(select(func.count()).select_from(Passkey)) == 0


def test_the_sign_in_step_needs_an_open_code_step(app, db):
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    for path in ("/login/passkey/options", "/login/passkey"):
        answer = client.post(path, json={"credential": {}}, headers={**JSON, "X-CSRFToken": token})
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "mfa_challenge_expired"


def test_seeing_the_user_again_needs_the_challenge_it_handed_out(app, make_user):
    """The service an unlock step calls: options put a challenge in the session; an answer without one
    (or a forged one) is refused, and the challenge is gone after one answer."""
    user = make_user("officer")
    with app.test_request_context("/", base_url="http://localhost"):
        assert passkey_views.verified_again(user, {"id": "x", "response": {}}) is False
        options, status, _ = passkey_views.again_options(user)
        assert status == 200 and json.loads(options)["rpId"] == "localhost"
        assert session.get("passkey_again_challenge")
        assert passkey_views.verified_again(user, {"id": "x", "response": {}}) is False
        assert "passkey_again_challenge" not in session
