"""Helpers for tests of the second factor: codes computed the way an authenticator app does."""

import time

import pyotp

from tests.factories import PASSWORD


def code(secret, steps_ahead=0):
    """The code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(api, user):
    """Set up a second factor for ``user`` through the API; returns (secret, recovery codes).

    The code used to confirm is spent; sign in next with ``code(secret, 1)``."""
    begun = api.post("/api/v1/me/mfa/totp", user=user)
    assert begun.status_code == 201, begun.get_json()
    secret = begun.get_json()["secret"]
    confirmed = api.post("/api/v1/me/mfa/totp/confirm", {"otp": code(secret)}, user=user)
    assert confirmed.status_code == 200, confirmed.get_json()
    return secret, confirmed.get_json()["recovery_codes"]


def token_request(user, **extra):
    return {"username": user.username, "password": PASSWORD, **extra}
