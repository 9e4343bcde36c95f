from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.accounts import credentials, licensure, services
from fieldapp.accounts.schemas import (
    PasswordChangeSchema,
    SessionSchema,
    TokenRequestSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)
from fieldapp.accounts.throttle import sign_in_limits
from fieldapp.errors import Unauthorized
from fieldapp.mfa import services as mfa
from fieldapp.roles import ADMIN
from fieldapp.web.access import ANY_ROLE, allow, enrolment_step, open_while_locked, public

blp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Tokens and users")


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@sign_in_limits
@public
def issue_token(data):
    """Trade a username and password (and, for users with a second factor, the code as ``otp``)
    for a bearer token (12 hours).

    Every refusal is 401 ``bad_credentials`` alike, whether the username exists or the account is
    locked (5 failures lock it for 10 minutes); a right password without the code needed is 401
    ``mfa_required``. Too many failures from one address or for one username: 429. A sign-in with
    the second factor answers a ``device_token`` (a known device, like a browser's cookie): sent
    with later sign-ins, it lets this client in while others' failures lock the account."""
    user = services.authenticate(data["username"], data["password"], data.get("otp"),
                                 device_token=data.get("device_token"))
    # authenticate asked an enrolled user for the code: this token carries the second factor
    token, row = services.start_session(user, "api", second_factor=mfa.is_enrolled(user), ip=request.remote_addr,
                                        user_agent=request.user_agent.string)
    answer = {"token": token, "expires_at": row.expires_at, "user": user}
    if data.get("otp") and mfa.is_enrolled(user):  # with the second factor: a known device, like a cookie
        answer["device_token"] = mfa.remember_device(user, data.get("device_token"))
    return answer


@blp.route("/auth/token", methods=["DELETE"])
@blp.response(204)
@allow(ANY_ROLE)
@enrolment_step
@open_while_locked
def revoke_token():
    """Revoke the bearer token this request carries."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("Send the token to revoke as 'Authorization: Bearer <token>'."))
    services.end_session(token.strip(), reason="auth.token_revoke")


@blp.route("/me", methods=["GET"])
@blp.response(200, UserSchema)
@allow(ANY_ROLE)
@enrolment_step
def me():
    return current_user


@blp.route("/me/sessions", methods=["GET"])
@blp.response(200, SessionSchema(many=True))
@allow(ANY_ROLE)
def my_sessions():
    """Your open browser sessions and API tokens."""
    return services.live_sessions(current_user)


@blp.route("/me/sessions/<int:session_id>", methods=["DELETE"])
@blp.response(204)
@allow(ANY_ROLE)
def revoke_my_session(session_id):
    services.revoke_session(current_user, session_id)


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@allow(ANY_ROLE)
@enrolment_step  # an admin-set password is replaced before the second factor is set up
def change_my_password(data):
    """Change your password. Your other sessions and tokens end; the one making this call stays."""
    credentials.change_own_password(current_user, data["current_password"], data["new_password"],
                                    keep=services.session_row(current_user.get_id()))


@blp.route("/users", methods=["GET"])
@blp.response(200, UserSchema(many=True))
@allow(ADMIN)
def list_users():
    return services.list_users()


@blp.route("/users", methods=["POST"])
@blp.arguments(UserSchema)
@blp.response(201, UserSchema)
@allow(ADMIN)
def create_user(data):
    return services.create_user(by=current_user, **data)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@allow(ADMIN)
def update_user(data, user_id):
    """Deactivate or reactivate a user, change their role, reset their password (they must change
    it at next sign-in), unlock an account locked after failed logins, or set a clinician's
    ``credential``, ``npi`` and ``bh_role`` for billing (docs/billing.md)."""
    user = services.get_user(user_id)
    if any(name in data for name in licensure.FIELDS):
        licensure.set_licensure(user, data, by=current_user)
    if data.get("unlock"):
        credentials.unlock(user, by=current_user)
    if "role" in data:
        services.set_role(user, data["role"], by=current_user)
    if "password" in data:
        services.set_password(user, data["password"], by=current_user)
    if "active" in data:
        services.set_active(user, data["active"], by=current_user)
    return user
