"""Enforcing the access every route declares (``fieldapp.web.access``): deny by default.

A session that has not passed the second factor, of a user whose role must use one
(``MFA_REQUIRED_ROLES``) or who has one, reaches only the routes marked ``@enrolment_step`` (set-up
and sign-out): pages send them to the set-up page, the API answers 403 ``mfa_enrolment_required``
(no factor yet) or ``mfa_session_unverified`` (a session from before the factor: sign in again).
The session's own row says whether it passed (``accounts.second_factor``), never the user's state.

A session idle for SESSION_IDLE_MINUTES is locked (``accounts.session_lock``): every route but
those marked ``@open_while_locked`` (unlock, sign-out) answers 401 ``session_locked``; a page
navigation gets the unlock page. Requests to ``@background`` routes, or carrying
``X-Fieldapp-Background: 1`` (the outbox's sync, offline copies), do not count as activity.

``enforce_access`` runs before every request and refuses any endpoint without a declaration.
Object-level rules (which calls a unit may see) live in each domain's services.
"""

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.accounts import gates, second_factor, session_lock
from fieldapp.accounts import services as accounts
from fieldapp.errors import Forbidden, Unauthorized, wants_json
from fieldapp.extensions import csrf, login_manager
from fieldapp.mfa import services as mfa
from fieldapp.security import integrations
from fieldapp.web.access import PUBLIC, access_of, declared, role_allowed

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


BACKGROUND_HEADER = "X-Fieldapp-Background"


def _activity() -> bool:
    """Whether this request is the user's own doing (it moves the idle clock) or the app's in the
    background (the live stream, the outbox's sync, offline copies)."""
    return not (request.headers.get(BACKGROUND_HEADER) == "1" or declared(request.endpoint, "background"))


class SessionLocked(Unauthorized):
    code = "session_locked"


@login_manager.user_loader
def _load_web_user(token):
    return accounts.load_session(token, "web", activity=_activity())


@login_manager.request_loader
def _load_token_user(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        user = accounts.load_session(token.strip(), "api", activity=_activity())
        if user is not None:
            g.auth_via = "token"
        return user
    return None


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        raise Unauthorized(_("Sign in first: send 'Authorization: Bearer <token>'."))
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def enforce_access():
    if request.endpoint is None:  # routing failed: let the 404/405 through
        return None
    policy = access_of(request.endpoint)
    if policy == PUBLIC:
        return None
    if policy is None:
        current_app.logger.error("endpoint %s declares no access; denied", request.endpoint)
        raise Forbidden(_("This address is not open to anyone."))
    if integrations.concerns(policy):  # integration accounts (security.integrations), never a person
        return integrations.enforce(policy)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.path.startswith("/api/") and request.method in UNSAFE_METHODS \
            and g.get("auth_via") != "token":
        csrf.protect()  # cookie-authenticated API calls (the installed app) need the CSRF header
    if session_lock.is_locked(current_user) and not declared(request.endpoint, "open_while_locked"):
        _locked()
    gates.password_change_first()
    if not role_allowed(policy, current_user.role):
        raise Forbidden(_("Your role does not allow this."))
    if not second_factor.session_assured(current_user) and not declared(request.endpoint, "enrolment_step"):
        if wants_json() and mfa.must_enrol(current_user):
            raise Forbidden(_("Set up a second factor first: POST /api/v1/me/mfa/totp, then "
                              "POST /api/v1/me/mfa/totp/confirm."), code="mfa_enrolment_required")
        if wants_json():
            raise Forbidden(_("This session began before your second factor was set up: sign in again "
                              "with it."), code="mfa_session_unverified")
        return redirect(url_for("mfa.enrol"))
    return None


def _locked():
    """401 ``session_locked``: JSON for scripts and the API, the unlock page for a page's navigation."""
    message = "Your session is locked after inactivity: unlock it with your password."
    if wants_json():
        raise SessionLocked(message)
    page = render_template("accounts/locked.html", next=request.full_path.rstrip("?"),
                           methods=session_lock.methods_for(current_user))
    abort(make_response(page, 401))
