from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from fieldapp import i18n
from fieldapp.accounts import credentials, licensure, services
from fieldapp.accounts.schemas import LicensureSchema, PasswordChangeSchema, UserSchema
from fieldapp.accounts.throttle import sign_in_limits
from fieldapp.clock import utcnow
from fieldapp.errors import ServiceError, Unauthorized
from fieldapp.mfa import services as mfa
from fieldapp.roles import ADMIN, ROLES
from fieldapp.web import forms
from fieldapp.web.access import ANY_ROLE, allow, enrolment_step, open_while_locked, public

bp = Blueprint("accounts", __name__)


def safe_next(target) -> str:
    """A path on this site, or the home page: never another host, however the address is spelt.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so "/", a tab,
    "/evil.example" would become "//evil.example": any control character or backslash is refused."""
    home = url_for("core.home")
    if not target or any(ord(char) < 0x20 or ord(char) == 0x7f or char == "\\" for char in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


def sign_in(user, next_target, *, second_factor=False):
    """Open the web session of a fully signed-in user and go where they were headed;
    ``second_factor``: the sign-in passed it (the session carries that)."""
    session.clear()  # a fresh session at login (no fixation)
    services.start_session(user, "web", second_factor=second_factor, ip=request.remote_addr,
                           user_agent=request.user_agent.string)
    login_user(user)
    return redirect(safe_next(next_target))


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits
@public
def login():
    error = None
    if request.method == "POST":
        try:
            user = services.authenticate(request.form.get("username", ""), request.form.get("password", ""),
                                         device_token=request.cookies.get(mfa.DEVICE_COOKIE))
        except services.SecondFactorNeeded as needed:
            session.clear()
            session["mfa_challenge"] = mfa.start_challenge(needed.user)
            session["login_next"] = safe_next(request.args.get("next"))
            return redirect(url_for("mfa.code"))
        except Unauthorized as exc:
            error = exc.message
        else:
            return sign_in(user, request.args.get("next"))
    return render_template("accounts/login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
@open_while_locked
def logout():
    services.end_session(current_user.get_id())
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET"])
@allow(ANY_ROLE)
def sessions():
    sessions = services.live_sessions(current_user)
    current = services.session_row(current_user.get_id())
    return render_template("accounts/sessions.html", sessions=sessions,
                           current_session_id=current.id if current else None)


@bp.route("/account/language", methods=["POST"])
@allow(ANY_ROLE)
def set_language():
    """The language of your own pages: one of fieldapp's, or "" for the browser's."""
    services.set_locale(current_user, request.form.get("locale", ""), choices=i18n.supported())
    flash(_("Language saved."), "info")  # said in the language just chosen
    return redirect(url_for("accounts.sessions"))


@bp.route("/account/sessions/<int:session_id>/revoke", methods=["POST"])
@allow(ANY_ROLE)
def revoke_session(session_id):
    services.revoke_session(current_user, session_id)
    flash(_("Session signed out."), "info")
    return redirect(url_for("accounts.sessions"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(ANY_ROLE)
@enrolment_step  # an admin-set password is replaced before the second factor is set up
def change_password():
    """Change your own password (also the only page open while an admin-set one must be replaced)."""
    errors = {}
    if request.method == "POST":
        form = request.form
        data, errors = forms.load(PasswordChangeSchema(), {k: form.get(k, "") for k in
                                                           ("current_password", "new_password")})
        if not errors and form.get("new_password") != form.get("new_password_again"):
            errors = {"new_password_again": _("The two new passwords are not the same."),
                      "": _("Please correct the fields marked below.")}
        if not errors:
            try:
                ended = credentials.change_own_password(
                    current_user, data["current_password"], data["new_password"],
                    keep=services.session_row(current_user.get_id()))
            except ServiceError as error:
                errors, _unused = forms.form_errors(error)
            else:
                everywhere = " " + _("You are signed out everywhere else.") if ended else ""
                flash(_("Your password is changed.") + everywhere, "success")
                return redirect(url_for("accounts.sessions"))
    return render_template("accounts/change_password.html", errors=errors), 422 if errors else 200


@bp.route("/admin/users", methods=["GET", "POST"])
@allow(ADMIN)
def users():
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        data, errors = forms.load(UserSchema(), {k: form.get(k, "") for k in
                                                 ("username", "full_name", "role", "password")}
                                  | ({"email": form["email"]} if form.get("email") else {}))
        if not errors:
            try:
                user = services.create_user(by=current_user, **data)
            except ServiceError as error:
                errors, _unused = forms.form_errors(error)
            else:
                flash(_("Created %(username)s (%(role)s).", username=user.username, role=user.role), "success")
                return redirect(url_for("accounts.users"))
    return render_template("accounts/users.html", users=services.list_users(), roles=ROLES,
                           errors=errors, form=form, now=utcnow()), 422 if errors else 200


@bp.route("/admin/users/<int:user_id>", methods=["POST"])
@allow(ADMIN)
def update_user(user_id):
    user = services.get_user(user_id)
    action = request.form.get("action")
    try:
        if action == "deactivate":
            services.set_active(user, False, by=current_user)
            flash(_("%(username)s is deactivated and signed out everywhere.", username=user.username), "success")
        elif action == "activate":
            services.set_active(user, True, by=current_user)
            flash(_("%(username)s can sign in again.", username=user.username), "success")
        elif action == "role":
            services.set_role(user, request.form.get("role", ""), by=current_user)
            flash(_("%(username)s is now %(role)s.", username=user.username, role=user.role), "success")
        elif action == "password":
            services.set_password(user, request.form.get("password", ""), by=current_user)
            flash(_("Password for %(username)s is reset; tell them in person. They must choose their own "
                    "when they next sign in.", username=user.username), "success")
        elif action == "unlock":
            credentials.unlock(user, by=current_user)
            flash(_("%(username)s is unlocked and can sign in again.", username=user.username), "success")
        else:
            flash(_("Unknown action."), "error")
    except ServiceError as error:
        forms.flash_refusal(error)
    return redirect(url_for("accounts.users"))


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET"])
@allow(ADMIN)
def confirm_deactivate(user_id):
    """The confirmation step before deactivating (a page, so it works without JavaScript)."""
    return render_template("accounts/deactivate.html", user=services.get_user(user_id))


@bp.route("/admin/users/<int:user_id>/licensure", methods=["GET", "POST"])
@allow(ADMIN)
def edit_licensure(user_id):
    """billing (issue 21): a clinician's credential, NPI and behavioral-health role (docs/billing.md)."""
    user = services.get_user(user_id)
    errors, form = {}, {name: getattr(user, name) or "" for name in licensure.FIELDS}
    if request.method == "POST":
        form = {name: request.form.get(name, "").strip() for name in licensure.FIELDS}
        data, errors = forms.load(LicensureSchema(), form)
        if not errors:
            try:
                licensure.set_licensure(user, data, by=current_user)
            except ServiceError as error:
                errors, _unused = forms.form_errors(error)
            else:
                flash(_("Billing details of %(username)s are saved.", username=user.username), "success")
                return redirect(url_for("accounts.users"))
    return render_template("accounts/licensure.html", user=user, form=form, errors=errors,
                           BH_ROLES=licensure.BH_ROLES), 422 if errors else 200
