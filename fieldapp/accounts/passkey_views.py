"""Pages and their JSON steps for passkeys: set up and remove them on the account page, and use one
at the code step of signing in. The browser's side is static/js/passkeys.js.

Each challenge lives in the signed session cookie and is taken out when its answer comes back, so it is
checked once; at sign-in the code step's own server-side challenge ends on success, so replaying an old
cookie opens nothing."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.accounts import second_factor, session_lock
from fieldapp.accounts import services as accounts
from fieldapp.accounts.mfa_views import remember_this_browser
from fieldapp.accounts.throttle import limit_sign_in_address
from fieldapp.accounts.views import sign_in
from fieldapp.errors import Invalid, ServiceError, Unauthorized
from fieldapp.extensions import db
from fieldapp.mfa import passkeys
from fieldapp.mfa import services as mfa
from fieldapp.web.access import ANY_ROLE, allow, enrolment_step, open_while_locked, public
from fieldapp.web.forms import flash_refusal

bp = Blueprint("passkeys", __name__)
_ADD, _SIGN_IN, _AGAIN = "passkey_add_challenge", "passkey_sign_in_challenge", "passkey_again_challenge"


def again_options(user):
    """For a step that must see a signed-in user again (unlocking an idle session): the browser's
    options, the challenge kept in the session. Answer with ``verified_again``."""
    return _options(_AGAIN, passkeys.authentication_options(user))


def verified_again(user, credential) -> bool:
    """Whether ``credential`` is ``user``'s passkey signing the challenge of ``again_options`` (once)."""
    return passkeys.verify_assertion(user, credential, _take_challenge(_AGAIN)) is not None


@session_lock.unlock_method("passkey", offered=passkeys.has_passkey, refused="This passkey was not accepted.")
def _unlock_with_passkey(user, data) -> bool:
    """The idle lock opened by a passkey of the user, answering ``unlock_options``."""
    credential = data.get("credential")
    if not isinstance(credential, dict):
        raise Invalid(_("Use your passkey."), fields={"credential": [_("Use your passkey.")]})
    return verified_again(user, credential)


@bp.route("/unlock/passkey/options", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
@open_while_locked
def unlock_options():
    """The browser's options for unlocking an idle session with a passkey (the unlock sheet)."""
    return again_options(current_user)


def _take_challenge(key: str) -> bytes | None:
    value = session.pop(key, None)
    try:
        return passkeys.challenge_bytes(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _options(key: str, made):
    options, challenge = made
    session[key] = passkeys.challenge_text(challenge)
    return options, 200, {"Content-Type": "application/json", "Cache-Control": "no-store"}


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        raise Invalid(_("Send the passkey's answer as 'credential'."), fields={"credential": [_("Missing.")]})
    return body


@bp.route("/account/passkeys", methods=["GET"])
@allow(ANY_ROLE)
@enrolment_step
def index():
    return render_template("mfa/passkeys.html", passkeys=passkeys.passkeys_of(current_user),
                           required=mfa.must_enrol(current_user))


@bp.route("/account/passkeys/options", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
def add_options():
    return _options(_ADD, passkeys.registration_options(current_user))


@bp.route("/account/passkeys", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
def add():
    """Keep the new passkey; the user's other sessions end (a new factor is a new sign-in's worth)."""
    body = _body()
    name = body.get("name") if isinstance(body.get("name"), str) else ""
    passkey = passkeys.register(current_user, body["credential"], _take_challenge(_ADD), name)
    ended = second_factor.factor_changed(current_user, keep=accounts.session_row(current_user.get_id()),
                                         action="passkey.add")
    db.session.commit()
    everywhere = " " + _("You are signed out everywhere else.") if ended else ""
    flash(_("Passkey “%(name)s” added.", name=passkey.name) + everywhere, "success")
    return jsonify(next=url_for("passkeys.index")), 201


@bp.route("/account/passkeys/<int:passkey_id>/remove", methods=["POST"])
@allow(ANY_ROLE)
def remove(passkey_id):
    try:
        passkey = passkeys.remove(current_user, passkey_id)
    except ServiceError as error:
        flash_refusal(error)
        return redirect(url_for("passkeys.index"))
    second_factor.factor_changed(current_user, keep=accounts.session_row(current_user.get_id()),
                                 action="passkey.remove")
    db.session.commit()
    flash(_("Passkey “%(name)s” removed. You are signed out everywhere else.", name=passkey.name), "success")
    return redirect(url_for("passkeys.index"))


# The code step of signing in ------------------------------------------------------------------------

def _challenged_user():
    user = second_factor.challenge_user(session.get("mfa_challenge"))
    if user is None:
        raise Unauthorized(_("Sign in again: the code step has expired."), code="mfa_challenge_expired")
    return user


@bp.route("/login/passkey/options", methods=["POST"])
@limit_sign_in_address
@public
def sign_in_options():
    return _options(_SIGN_IN, passkeys.authentication_options(_challenged_user()))


@bp.route("/login/passkey", methods=["POST"])
@limit_sign_in_address
@public
def sign_in_with_passkey():
    """Check the passkey under the same lock and count as a code; answers where to go next."""
    user, body = _challenged_user(), _body()
    challenge, device_token = _take_challenge(_SIGN_IN), request.cookies.get(mfa.DEVICE_COOKIE)
    try:
        accounts.check_code_step(user, body["credential"], device_token=device_token,
                                 check=lambda who, answer: passkeys.verify_assertion(who, answer, challenge))
    except Unauthorized:
        refused = _("%(refused)s Five failures lock the account for 10 minutes.", refused=_(passkeys.NOT_ACCEPTED))
        raise Unauthorized(refused, code="mfa_invalid") from None
    mfa.end_challenge(session.get("mfa_challenge"))
    target = sign_in(user, session.get("login_next"), second_factor=True).location
    response = jsonify(next=target)
    remember_this_browser(response, mfa.remember_device(user, device_token))
    return response
