"""Pages of single sign-on: the button's start, the provider's return, and its back-channel logout."""

import requests
from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError

from fieldapp.accounts import oidc, oidc_checks
from fieldapp.accounts import services as accounts
from fieldapp.accounts.throttle import limit_sign_in_address
from fieldapp.accounts.views import safe_next, sign_in
from fieldapp.audit import services as audit
from fieldapp.extensions import csrf, db
from fieldapp.mfa import services as mfa
from fieldapp.web.access import public

bp = Blueprint("sso", __name__)


def _on():
    if not oidc.enabled():
        abort(404)


def _refused(message: str, status: int = 403):
    return render_template("accounts/sso_refused.html", message=message), status


@bp.route("/login/sso", methods=["GET"])
@limit_sign_in_address
@public
def start():
    """Off to the provider, with PKCE, state and nonce (kept in this browser's session)."""
    _on()
    next_target = safe_next(request.args.get("next"))
    session.clear()
    session["sso_next"] = next_target
    return oidc.client().authorize_redirect(url_for("sso.callback", _external=True))


@bp.route("/login/sso/callback", methods=["GET"])
@limit_sign_in_address
@public
def callback():
    """The provider's answer: check it, find the account, then the second factor unless the token shows one."""
    _on()
    if request.args.get("error"):
        return _failed("provider error", "The sign-in provider did not sign you in "
                       f"({request.args.get('error', '')[:60]}). Try again.", 401)
    try:
        token = oidc.client().authorize_access_token()
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as error:
        return _failed(f"{type(error).__name__}: {error}"[:200],
                       "The sign-in provider's answer could not be checked. Start again.", 401)
    claims = dict(token.get("userinfo") or {})
    try:
        user, identity = oidc.account_for(claims, token)
    except oidc.SignInRefused as refusal:
        return _refused(refusal.message)
    next_target = session.get("sso_next")
    provider_factor = oidc.shows_second_factor(claims, current_app.config["OIDC_MFA_AMR"])
    if not provider_factor and mfa.is_enrolled(user):
        audit.record("auth.sso", outcome="second_factor_needed", user=user,
                     details={"issuer": identity.issuer, "subject": identity.subject, "amr": claims.get("amr")})
        db.session.commit()
        session.clear()
        session["mfa_challenge"] = mfa.start_challenge(user)
        session["login_next"] = next_target
        return redirect(url_for("mfa.code"))
    db.session.commit()
    response = sign_in(user, next_target)
    oidc.record_session(accounts.session_row(user.login_session_token), identity, claims,
                        second_factor=provider_factor)
    return response


def _failed(reason: str, message: str, status: int):
    audit.record("auth.sso", outcome="failure", user=None, details={"reason": reason})
    db.session.commit()
    session.pop("sso_next", None)
    return _refused(message, status)


@bp.route("/sso/backchannel-logout", methods=["POST"])
@csrf.exempt
@public
def back_channel_logout():
    """OpenID Connect Back-Channel Logout 1.0: the provider ends a user's sessions here."""
    _on()
    oidc_checks.back_channel_logout(request.form.get("logout_token", ""))
    return "", 200, {"Cache-Control": "no-store"}
