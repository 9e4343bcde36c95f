"""The idle lock's addresses (``fieldapp.accounts.session_lock``): the page's timer asks how long is
left, and the user unlocks with the password (or another registered method): the page form
``/unlock`` (shown in place of a page opened while locked) and ``POST /api/v1/me/unlock`` (the unlock
sheet over a page, an API client)."""

from flask import Blueprint, current_app, redirect, render_template, request
from flask_login import current_user
from flask_smorest import Blueprint as ApiBlueprint

from fieldapp.accounts import session_lock
from fieldapp.accounts.schemas import UnlockSchema
from fieldapp.accounts.views import safe_next
from fieldapp.errors import ServiceError
from fieldapp.web.access import ANY_ROLE, allow, background, enrolment_step, open_while_locked

bp = Blueprint("session_lock", __name__)


@bp.app_template_global("unlock_methods")
def unlock_methods() -> str:
    """The ways the signed-in user can unlock, for the unlock sheet (``<body data-unlock-methods>``)."""
    return " ".join(session_lock.methods_for(current_user)) if current_user.is_authenticated else ""
blp = ApiBlueprint("api_session_lock", __name__, url_prefix="/api/v1", description="Idle lock")


@bp.route("/session/state")  # under /session/: a script's address (401 session_locked, never a page)
@allow(ANY_ROLE)
@enrolment_step
@background
def state():
    """For the page's idle timer: seconds until this session locks (a background call: it does not
    count as activity). Locked: 401 ``session_locked``."""
    return {"idle_seconds_left": round(session_lock.seconds_left(current_user.login_session), 1),
            "idle_minutes": current_app.config["SESSION_IDLE_MINUTES"],
            "unlock_methods": session_lock.methods_for(current_user)}


@bp.route("/unlock", methods=["POST"])
@allow(ANY_ROLE)
@enrolment_step
@open_while_locked
def unlock_page():
    """The unlock page's form (shown, with 401, in place of any page opened while locked)."""
    target = safe_next(request.form.get("next"))
    try:
        session_lock.unlock(current_user.login_session, request.form.get("method", "password"),
                            request.form.to_dict())
    except ServiceError as error:
        message = next(iter(error.fields.values()), [error.message])[0] if error.fields else error.message
        return render_template("accounts/locked.html", next=target, error=message,
                               methods=session_lock.methods_for(current_user)), 422
    return redirect(target)


@blp.route("/me/unlock", methods=["POST"])
@blp.arguments(UnlockSchema)
@blp.response(204)
@allow(ANY_ROLE)
@enrolment_step
@open_while_locked
def unlock(data):
    """Unlock this session or token after the idle lock (``401 session_locked``) with your password:
    ``{"method": "password", "password": "..."}``. A wrong one is 422 and counts toward the
    account's 5-failure lock. Cookie sessions send ``X-CSRFToken``."""
    session_lock.unlock(current_user.login_session, data.pop("method"), data)
