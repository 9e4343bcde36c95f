"""Throttling of sign-in (Flask-Limiter): failed attempts per client address and per username.

Only failures count (``deduct_when``), so the many sign-ins of a station behind one address, or of
the test suite, are never slowed. Known and unknown usernames are counted alike, so a 429 says
nothing about whether an account exists. Counts live in Redis when ``REDIS_URL`` is set (shared by
every worker), in memory otherwise. The per-account lock (5 failures, 10 minutes) is separate and
atomic: see ``fieldapp.accounts.lockout``.
"""

from flask import current_app, request

from fieldapp.accounts.services import find_user
from fieldapp.extensions import limiter
from fieldapp.mfa import services as mfa

FAILED = frozenset({401})


def _failed(response) -> bool:
    return response.status_code in FAILED


def _username() -> str:
    """The username a sign-in names, from a JSON body or a form; known or not."""
    body = request.get_json(silent=True) if request.is_json else None
    username = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return username.strip().lower()[:80] if isinstance(username, str) else ""


def _username_key() -> str:
    return "account:" + (_username() or "-")


def _from_a_known_device() -> bool:
    """A browser that signed in to this account with its second factor before is held by its own
    lock (``fieldapp.accounts.lockout``), not by failures others caused for the username."""
    token = request.cookies.get(mfa.DEVICE_COOKIE)
    username = _username() if token else ""
    user = find_user(username) if username and "\x00" not in username else None
    return user is not None and mfa.known_device(token, user) is not None


def _per_address():
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _per_account():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


# Sign-in with a username: both limits. The code step of the login page names no username; the
# account it belongs to is held by the lock, so the address limit is enough there.
limit_sign_in_address = limiter.shared_limit(_per_address, scope="sign-in-address", deduct_when=_failed,
                                             methods=["POST"])
limit_sign_in_account = limiter.shared_limit(_per_account, scope="sign-in-account", key_func=_username_key,
                                             deduct_when=_failed, exempt_when=_from_a_known_device,
                                             methods=["POST"])


def sign_in_limits(view):
    return limit_sign_in_address(limit_sign_in_account(view))
