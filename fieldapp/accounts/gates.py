"""What a signed-in user may reach before they do something first.

``enforce_access`` (fieldapp/security/access.py) calls these after it has found who is asking."""

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.accounts import oidc
from fieldapp.accounts.services import session_row
from fieldapp.errors import Forbidden, wants_json

# While an admin-set password is waiting to be replaced: the change itself, who am I, sign out,
# and the idle lock's timer and unlock.
OPEN_WHILE_PASSWORD_CHANGE = frozenset({
    "accounts.change_password", "accounts.logout",
    "api_accounts.change_my_password", "api_accounts.me", "api_accounts.revoke_token",
    "session_lock.state", "session_lock.unlock_page", "api_session_lock.unlock",
})


def password_change_first() -> None:
    """Send a user whose password an admin set to the change-password page (pages) or refuse
    with ``password_change_required`` (API) until they choose their own."""
    if not current_user.must_change_password or request.endpoint in OPEN_WHILE_PASSWORD_CHANGE:
        return
    if oidc.opened_by_provider(session_row(current_user.get_id())):
        return  # signed in through single sign-on: the admin-set password was not used
    if wants_json():
        raise Forbidden(_("An admin set your password: choose your own first with POST /api/v1/me/password."),
                        code="password_change_required")
    abort(redirect(url_for("accounts.change_password")))
