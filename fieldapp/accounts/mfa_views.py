"""Pages: the code step of signing in, setting up an authenticator app, an admin's reset."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.accounts import second_factor
from fieldapp.accounts import services as accounts
from fieldapp.accounts.throttle import limit_sign_in_address
from fieldapp.accounts.views import sign_in
from fieldapp.errors import ServiceError, Unauthorized
from fieldapp.mfa import passkeys, services
from fieldapp.roles import ADMIN
from fieldapp.web.access import ANY_ROLE, allow, enrolment_step, public
from fieldapp.web.forms import flash_refusal

bp = Blueprint("mfa", __name__)


@bp.route("/login/code", methods=["GET", "POST"])
@limit_sign_in_address
@public
def code():
    """Second step of signing in. Open only to the browser session whose password was right, for
    a few minutes; it grants nothing until the code is right."""
    token = session.get("mfa_challenge")
    user = second_factor.challenge_user(token)
    if user is None:
        session.pop("mfa_challenge", None)
        flash(_("Sign in again: the code step has expired."), "error")
        return redirect(url_for("accounts.login"))
    error = None
    if request.method == "POST":
        device_token = request.cookies.get(services.DEVICE_COOKIE)
        try:
            accounts.check_code_step(user, request.form.get("code", ""), device_token=device_token)
        except Unauthorized:
            error = "The code is wrong or was already used. Five wrong tries lock the account for 10 minutes."
        else:
            services.end_challenge(token)
            response = sign_in(user, session.get("login_next"), second_factor=True)
            remember_this_browser(response, services.remember_device(user, device_token))
            return response
    return render_template("mfa/code.html", error=error, totp=services.has_totp(user),
                           passkey=passkeys.has_passkey(user)), 401 if error else 200


def remember_this_browser(response, device_token):
    """The known-device cookie: sent only to the login pages, never readable by scripts."""
    config = current_app.config
    response.set_cookie(services.DEVICE_COOKIE, device_token, max_age=config["KNOWN_DEVICE_DAYS"] * 86400,
                        path=url_for("accounts.login"), secure=config["SESSION_COOKIE_SECURE"], httponly=True,
                        samesite="Lax")


@bp.route("/account/mfa", methods=["GET"])
@allow(ANY_ROLE)
@enrolment_step
def enrol():
    credential = services.totp_of(current_user)
    enrolled = credential is not None and credential.confirmed_at is not None
    return render_template("mfa/enrol.html", enrolled=enrolled, credential=credential,
                           codes_left=services.recovery_codes_left(current_user) if enrolled else None,
                           required=services.must_enrol(current_user),
                           unverified=enrolled and not second_factor.session_assured(current_user))


@bp.route("/account/mfa/start", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
def start():
    try:
        credential = services.begin_enrolment(current_user)
    except ServiceError as error:
        flash_refusal(error)
        return redirect(url_for("mfa.enrol"))
    return _setup_page(credential.secret)


def _setup_page(secret, error=None):
    uri = services.provisioning_uri(current_user, secret)
    return render_template("mfa/setup.html", secret=secret, qr=services.qr_data_uri(uri), error=error)


@bp.route("/account/mfa/confirm", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
def confirm():
    credential = services.totp_of(current_user)
    try:
        codes = second_factor.confirm_enrolment(current_user, request.form.get("otp", ""),
                                                keep=current_user.login_session)
    except ServiceError as error:
        if credential is None or credential.confirmed_at is not None:
            flash_refusal(error)
            return redirect(url_for("mfa.enrol"))
        return _setup_page(credential.secret, error=error.message), 422
    return render_template("mfa/recovery_codes.html", codes=codes)


@bp.route("/admin/users/<int:user_id>/mfa-reset", methods=["POST"])
@allow(ADMIN)
def reset(user_id):
    user = accounts.get_user(user_id)
    second_factor.reset_second_factor(user, by=current_user)
    flash(_("Second factor of %(username)s removed; they set it up again at their next sign-in.",
            username=user.username), "success")
    return redirect(url_for("accounts.users"))
