"""Second factor through the API: enrolment, sign-in with a code, replay, recovery codes, admin reset,
and the enrolment gate for roles that must use it (issue 8)."""

import threading
from urllib.parse import parse_qs, urlsplit

import pyotp
from sqlalchemy import select

from fieldapp.accounts.models import LoginSession
from fieldapp.audit.models import AuditEvent
from fieldapp.mfa.models import RecoveryCode, TotpCredential
from tests.fixtures.mfa import code, enrol, token_request


def actions(db, prefix):
    return [(row.action, row.outcome) for row in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id))]


def test_enrolment_gives_a_secret_then_recovery_codes_once_confirmed(api, make_user, db):
    user = make_user("clinician", username="claire")
    first = api.post("/api/v1/me/mfa/totp", user=user)
    assert first.status_code == 201
    body = first.get_json()
    assert set(body) == {"secret", "otpauth_uri"}
    uri = urlsplit(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/fieldapp:claire")
    assert parse_qs(uri.query)["secret"] == [body["secret"]]
    # Calling again replaces the pending secret: a code of the first one no longer confirms.
    second = api.post("/api/v1/me/mfa/totp", user=user).get_json()["secret"]
    assert second != body["secret"]
    wrong = api.post("/api/v1/me/mfa/totp/confirm", {"otp": code(body["secret"])}, user=user)
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "mfa_invalid"
    assert db.session.get(TotpCredential, user.id).confirmed_at is None
    confirmed = api.post("/api/v1/me/mfa/totp/confirm", {"otp": code(second)}, user=user)
    assert confirmed.status_code == 200
    codes = confirmed.get_json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert db.session.get(TotpCredential, user.id).confirmed_at is not None
    # Once set up it cannot be replaced by the user (an admin resets it).
    again = api.post("/api/v1/me/mfa/totp", user=user)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "mfa_already_enrolled"
    assert actions(db, "mfa.") == [("mfa.enrol_start", "success"), ("mfa.enrol_start", "success"),
                                   ("mfa.enrol_confirm", "failure"), ("mfa.enrol_confirm", "success")]


def test_enrolled_user_needs_the_code_for_a_token(api, make_user):
    user = make_user()
    secret, _ = enrol(api, user)
    without = api.post("/api/v1/auth/token", token_request(user))
    assert without.status_code == 401
    assert without.get_json()["error"]["code"] == "mfa_required"
    assert "token" not in without.get_json()
    wrong = api.post("/api/v1/auth/token", token_request(user, otp="000000"))
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "mfa_invalid"
    right = api.post("/api/v1/auth/token", token_request(user, otp=code(secret, 1)))
    assert right.status_code == 201
    assert right.get_json()["user"]["id"] == user.id


def test_a_code_is_accepted_once(api, make_user, db):
    user = make_user()
    secret, _ = enrol(api, user)
    otp = code(secret, 1)
    assert api.post("/api/v1/auth/token", token_request(user, otp=otp)).status_code == 201
    replay = api.post("/api/v1/auth/token", token_request(user, otp=otp))
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "mfa_invalid"



def test_the_code_that_confirmed_the_set_up_cannot_sign_in(api, make_user, db):
    user = make_user()
    secret, _ = enrol(api, user)
    confirming = pyotp.TOTP(secret).generate_otp(db.session.get(TotpCredential, user.id).last_used_step)
    refused = api.post("/api/v1/auth/token", token_request(user, otp=confirming))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "mfa_invalid"


def test_two_parallel_sign_ins_with_one_code_give_one_token(app, api, make_user):
    user = make_user()
    secret, _ = enrol(api, user)
    body = token_request(user, otp=code(secret, 1))
    barrier = threading.Barrier(4)
    statuses = []

    def sign_in():
        client = app.test_client()
        with app.app_context():
            barrier.wait()
            statuses.append(client.post("/api/v1/auth/token", json=body).status_code)

    threads = [threading.Thread(target=sign_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 401, 401, 401]


def test_a_recovery_code_signs_in_once(api, make_user, db):
    user = make_user()
    _, codes = enrol(api, user)
    assert api.post("/api/v1/auth/token", token_request(user, otp=codes[3])).status_code == 201
    again = api.post("/api/v1/auth/token", token_request(user, otp=codes[3]))
    assert again.status_code == 401 and again.get_json()["error"]["code"] == "mfa_invalid"
    # Spaces and capitals as people type them are fine; another code still works.
    typed = codes[4].upper().replace("-", " ")
    assert api.post("/api/v1/auth/token", token_request(user, otp=typed)).status_code == 201
    used = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.recovery_code_use")
                              .order_by(AuditEvent.id)).all()
    assert [row.details["recovery_codes_left"] for row in used] == [9, 8]


def test_admin_resets_a_users_second_factor(api, make_user, db):
    admin, user, other = make_user("admin"), make_user(), make_user()
    enrol(api, user)
    assert api.delete(f"/api/v1/users/{user.id}/mfa", user=other).status_code == 403
    assert api.delete(f"/api/v1/users/{user.id}/mfa", user=admin).status_code == 204
    assert api.delete("/api/v1/users/999999/mfa", user=admin).status_code == 404
    assert db.session.get(TotpCredential, user.id) is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    # Whoever has the lost phone is signed out; the password alone works again until re-enrolment.
    sessions = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert sessions and all(row.revoked_at is not None for row in sessions)
    assert api.post("/api/v1/auth/token", token_request(user)).status_code == 201
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.reset")).one()
    assert (row.user_id, row.object_id, row.details["username"]) == (admin.id, str(user.id), user.username)


def test_a_required_role_without_a_second_factor_reaches_only_enrolment(app, api, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("dispatcher",))
    dispatcher, officer = make_user("dispatcher"), make_user("officer")
    refused = api.get("/api/v1/calls", user=dispatcher)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "mfa_enrolment_required"
    assert api.get("/api/v1/me", user=dispatcher).status_code == 200
    assert api.get("/api/v1/calls", user=officer).status_code == 200  # a role not required
    secret, _ = enrol(api, dispatcher)
    assert api.get("/api/v1/calls", user=dispatcher).status_code == 200
    # Sign-out stays open before enrolment too.
    newcomer = make_user("dispatcher")
    assert api.delete("/api/v1/auth/token", user=newcomer).status_code == 204


def test_voluntary_enrolment_is_always_asked_for_afterwards(app, api, make_user):
    assert app.config["MFA_REQUIRED_ROLES"] == ()  # the test default: no role must
    user = make_user("officer")
    enrol(api, user)
    assert api.post("/api/v1/auth/token", token_request(user)).get_json()["error"]["code"] == "mfa_required"
