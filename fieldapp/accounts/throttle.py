"""Throttling of sign-in: failed attempts per client address and per username, counted atomically.

Each sign-in *reserves* a failure on each limit before the password is checked, in one atomic
increment of the limit's counter (``limits``' fixed window, in Redis when ``REDIS_URL`` is set,
in memory otherwise); an attempt that finds the counter full gives its increment back and is
answered 429 without any check. An attempt that did not fail (a success, a code still to come on
the page) gives its reservation back. So however many requests arrive at once, the counter equals
the attempts that were checked, and at most the limit are checked: Flask-Limiter's own
``deduct_when`` counts after the response, so 30 concurrent failures all passed its test and were
all counted (issue 22).

Known and unknown usernames are counted alike, and a locked account's attempts run the same
dummy check as an unknown name's (``services.authenticate``), so neither the answer nor the 429
says whether an account exists or is locked. The per-account lock (5 failures, 10 minutes) is
separate and atomic too: ``fieldapp.accounts.lockout``.
"""

import logging
import time
from functools import wraps

from flask import current_app, request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from fieldapp.accounts.services import find_user
from fieldapp.errors import ServiceError
from fieldapp.extensions import limiter
from fieldapp.mfa import services as mfa

log = logging.getLogger(__name__)
FAILED = frozenset({401})
# Redis unreachable: this process counts in memory meanwhile (as Flask-Limiter's in-memory fallback did).
_FALLBACK = FixedWindowRateLimiter(MemoryStorage())


class TooManyRequests(ServiceError):
    status, code = 429, "too_many_requests"


def _username() -> str:
    """The username a sign-in names, from a JSON body or a form; known or not."""
    body = request.get_json(silent=True) if request.is_json else None
    username = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return username.strip().lower()[:80] if isinstance(username, str) else ""


def _device_token() -> str | None:
    """A known device's token: a browser's cookie, or an API client's ``device_token``."""
    body = request.get_json(silent=True) if request.is_json else None
    token = body.get("device_token") if isinstance(body, dict) else None
    return token if isinstance(token, str) else request.cookies.get(mfa.DEVICE_COOKIE)


def _from_a_known_device() -> bool:
    """A browser or API client that signed in to this account with its second factor before is held
    by its own lock (``fieldapp.accounts.lockout``), not by failures others caused for the username."""
    token = _device_token()
    username = _username() if token else ""
    user = find_user(username) if username and "\x00" not in username else None
    return user is not None and mfa.known_device(token, user) is not None


def _limits(per_account: bool) -> list:
    """(rate, identifiers) of each limit this sign-in counts against."""
    address = _ids("sign-in-address", request.remote_addr or "-")
    found = [(parse(current_app.config["LOGIN_LIMIT_PER_ADDRESS"]), address)]
    if per_account and not _from_a_known_device():
        found.append((parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]),
                      _ids("sign-in-account", "account:" + (_username() or "-"))))
    return found


def _ids(scope: str, key: str) -> tuple:
    return (current_app.config["RATELIMIT_KEY_PREFIX"], scope, key)


def _give_back(taken: list) -> None:
    for strategy, rate, ids in taken:
        try:
            strategy.hit(rate, *ids, cost=-1)  # fixed window: the same counter, one less
        except Exception:  # noqa: BLE001 - the storage is unreachable: its count is lost anyway
            log.warning("sign-in throttle: giving back failed", exc_info=True)


def _hit(rate, ids):
    """One atomic increment: (strategy, granted), in Redis (or memory) as configured, else here."""
    try:
        return limiter.limiter, limiter.limiter.hit(rate, *ids)
    except Exception:  # noqa: BLE001 - a Redis outage must not stop sign-in: count in this process
        log.warning("sign-in throttle: the shared count is unreachable; counting in this process", exc_info=True)
        return _FALLBACK, _FALLBACK.hit(rate, *ids)


def _reserve(limits: list) -> list:
    """Take one failure on each limit, or none and raise 429."""
    taken = []
    for rate, ids in limits:
        strategy, granted = _hit(rate, ids)
        taken.append((strategy, rate, ids))
        if not granted:
            _give_back(taken)
            reset = strategy.get_window_stats(rate, *ids).reset_time
            error = TooManyRequests("Too many failed sign-ins. Wait a few minutes before trying again.")
            error.headers = {"Retry-After": str(max(1, int(reset - time.time()) + 1))}
            raise error
    return taken


def _throttled(view, *, per_account: bool):
    @wraps(view)
    def limited(*args, **kwargs):
        if request.method != "POST" or not limiter.enabled:
            return view(*args, **kwargs)
        taken = _reserve(_limits(per_account))
        try:
            answer = view(*args, **kwargs)
        except ServiceError as error:
            if error.status not in FAILED:
                _give_back(taken)
            raise
        except Exception:
            _give_back(taken)
            raise
        if _status(answer) not in FAILED:
            _give_back(taken)
        return answer
    return limited


def _status(answer) -> int:
    """The status of what a view returned: a response, ``(body, status)``, or a body an outer
    decorator (flask-smorest's ``response``) serializes with its success status."""
    if isinstance(answer, tuple) and len(answer) > 1 and isinstance(answer[1], int):
        return answer[1]
    return getattr(answer, "status_code", 200)


def sign_in_limits(view):
    """Sign-in with a username: both limits."""
    return _throttled(view, per_account=True)


def limit_sign_in_address(view):
    """The code step of the login page names no username; the account it belongs to is held by the
    lock, so the address limit is enough there."""
    return _throttled(view, per_account=False)


def failures_counted(username: str) -> int:
    """How many failures the per-account limit holds for ``username`` now (the admin's view of it)."""
    rate = parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])
    stats = limiter.limiter.get_window_stats(rate, *_ids("sign-in-account", "account:" + username.strip().lower()))
    return rate.amount - stats.remaining
