from flask import Blueprint, redirect, url_for
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER, PROGRAM_MANAGER
from fieldapp.web.access import public

bp = Blueprint("core", __name__)

HOME_OF_ROLE = {
    OFFICER: "calls.my_calls",
    CLINICIAN: "calls.my_calls",
    DISPATCHER: "calls.board",
    ADMIN: "accounts.users",
    PROGRAM_MANAGER: "metrics.dashboard",
}


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_OF_ROLE[current_user.role]))


@bp.route("/healthz")
@public
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico where a page names no icon (a PDF, a JSON answer): the app's icon."""
    return redirect(url_for("static", filename="icons/icon-192.png"), 301)
