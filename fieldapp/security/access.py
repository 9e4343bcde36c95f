"""Deny by default: a route is reachable only if it declares who may use it.

    @allow(DISPATCHER, ADMIN)      # these roles
    @allow(ANY_ROLE)               # any signed-in, active user
    @public                        # nobody needs to sign in (login page, health check)
    @enrolment_step                # also open to a user who must still set up a second factor

A signed-in user whose role must use a second factor (``MFA_REQUIRED_ROLES``) and who has none yet
reaches only the routes marked ``@enrolment_step`` (set-up and sign-out): pages send them to the
set-up page, the API answers 403 ``mfa_enrolment_required``.

``enforce_access`` runs before every request and refuses any endpoint without a declaration.
Object-level rules (which calls a unit may see) live in each domain's services.
"""

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user

from fieldapp.accounts import gates
from fieldapp.accounts import services as accounts
from fieldapp.accounts.roles import ROLES
from fieldapp.errors import Forbidden, Unauthorized, wants_json
from fieldapp.extensions import csrf, login_manager
from fieldapp.mfa import services as mfa
from fieldapp.security import integrations

ANY_ROLE = "*"
PUBLIC = "public"
# Endpoints registered by Flask and flask-smorest themselves.
BUILTIN_PUBLIC = {"static", "api-docs.openapi_json", "api-docs.openapi_redoc"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def allow(*roles):
    unknown = set(roles) - set(ROLES) - {ANY_ROLE}
    if unknown or not roles:
        raise ValueError(f"unknown roles in access declaration: {unknown or 'none given'}")

    def decorate(view):
        view.access = frozenset(roles)
        return view

    return decorate


def public(view):
    view.access = PUBLIC
    return view


def enrolment_step(view):
    view.enrolment_step = True
    return view


def access_of(endpoint: str):
    """The declared access of an endpoint: PUBLIC, a frozenset of roles, or None (denied)."""
    if endpoint in BUILTIN_PUBLIC:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def role_allowed(policy, role) -> bool:
    if policy == PUBLIC:
        return True
    if not policy:
        return False
    return ANY_ROLE in policy or role in policy


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
    if mfa.must_enrol(current_user) and not getattr(current_app.view_functions[request.endpoint],
                                                    "enrolment_step", False):
        if wants_json():
            raise Forbidden("Set up a second factor first: POST /api/v1/me/mfa/totp, then "
                            "POST /api/v1/me/mfa/totp/confirm.", code="mfa_enrolment_required")
        return redirect(url_for("mfa.enrol"))
    return None
