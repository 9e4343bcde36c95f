"""Enforcing the access every route declares (``fieldapp.web.access``): deny by default.

A signed-in user whose role must use a second factor (``MFA_REQUIRED_ROLES``) and who has none yet
reaches only the routes marked ``@enrolment_step`` (set-up and sign-out): pages send them to the
set-up page, the API answers 403 ``mfa_enrolment_required``.

``enforce_access`` runs before every request and refuses any endpoint without a declaration.
Object-level rules (which calls a unit may see) live in each domain's services.
"""

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user

from fieldapp.accounts import gates, oidc
from fieldapp.accounts import services as accounts
from fieldapp.errors import Forbidden, Unauthorized, wants_json
from fieldapp.extensions import csrf, login_manager
from fieldapp.mfa import services as mfa
from fieldapp.security import integrations
from fieldapp.web.access import PUBLIC, access_of, role_allowed

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@login_manager.user_loader
def _load_web_user(token):
    return accounts.load_session(token, "web")


@login_manager.request_loader
def _load_token_user(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        user = accounts.load_session(token.strip(), "api")
        if user is not None:
            g.auth_via = "token"
        return user
    return None


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <token>'.")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def enforce_access():
    if request.endpoint is None:  # routing failed: let the 404/405 through
        return None
    policy = access_of(request.endpoint)
    if policy == PUBLIC:
        return None
    if policy is None:
        current_app.logger.error("endpoint %s declares no access; denied", request.endpoint)
        raise Forbidden("This address is not open to anyone.")
    if integrations.concerns(policy):  # integration accounts (security.integrations), never a person
        return integrations.enforce(policy)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.path.startswith("/api/") and request.method in UNSAFE_METHODS \
            and g.get("auth_via") != "token":
        csrf.protect()  # cookie-authenticated API calls (the installed app) need the CSRF header
    gates.password_change_first()
    if not role_allowed(policy, current_user.role):
        raise Forbidden("Your role does not allow this.")
    if mfa.must_enrol(current_user) and not oidc.provider_second_factor(accounts.session_row(current_user.get_id())) \
            and not getattr(current_app.view_functions[request.endpoint],
                                                    "enrolment_step", False):
        if wants_json():
            raise Forbidden("Set up a second factor first: POST /api/v1/me/mfa/totp, then "
                            "POST /api/v1/me/mfa/totp/confirm.", code="mfa_enrolment_required")
        return redirect(url_for("mfa.enrol"))
    return None
