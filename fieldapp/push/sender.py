"""Sending one push message (RFC 8030) to one subscription.

pywebpush encrypts the payload for the subscription (RFC 8291, ``aes128gcm``) and py_vapid, which
it brings, signs the VAPID JWT (RFC 8292, ES256: ``aud`` the push service's origin, ``exp`` 12 h
ahead, ``sub`` the operator's contact). The request itself goes through ``fieldapp.outbound``, which
checks the endpoint again (https on a public address; DNS rebinding) and connects to the address it
checked, never following a redirect. Both libraries are imported when a message is sent (by the job
worker), not with the app: with aiohttp they are ~7 MB in every process that sends none.
"""

import json
import time
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app

from fieldapp import outbound
from fieldapp.i18n.messages import N_
from fieldapp.outbound import Result

WHAT = N_("Push endpoints")
MAX_ENDPOINT = 1000
JWT_HOURS = 12
USER_AGENT = "fieldapp-push/1"


def insecure_allowed() -> bool:
    return bool(current_app.config.get("WEB_PUSH_ALLOW_INSECURE_ENDPOINTS"))


def check_endpoint(endpoint: str) -> str | None:
    """What is wrong with ``endpoint`` (without resolving its host), or None."""
    return outbound.check_url(endpoint, insecure=insecure_allowed(), what=WHAT, max_length=MAX_ENDPOINT)


@lru_cache(maxsize=4)
def _vapid(private_key: str):
    from py_vapid import Vapid

    return Vapid.from_string(private_key)


def vapid_headers(endpoint: str) -> dict:
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + JWT_HOURS * 3600,
              "sub": current_app.config["VAPID_SUBJECT"]}
    return _vapid(current_app.config["VAPID_PRIVATE_KEY"]).sign(claims)


def send(subscription, payload: dict, *, ttl: int, urgency: str, topic: str | None = None) -> Result:
    """Encrypt ``payload`` for ``subscription`` and POST it to its push service."""
    from pywebpush import WebPusher

    info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    data = json.dumps(payload, separators=(",", ":")).encode()
    try:
        body = WebPusher(info).encode(data, "aes128gcm")["body"]
    except Exception as error:  # noqa: BLE001 - a key the browser gave that cannot encrypt
        return Result(False, error=f"refused: cannot encrypt for this subscription ({error})"[:500])
    headers = {"Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
               "TTL": str(ttl), "Urgency": urgency, "User-Agent": USER_AGENT,
               **vapid_headers(subscription.endpoint)}
    if topic:  # RFC 8030 5.4: a newer message with the same topic replaces one not yet delivered
        headers["Topic"] = topic
    return outbound.post(subscription.endpoint, body, headers, insecure=insecure_allowed(), what=WHAT,
                         max_length=MAX_ENDPOINT, timeout=current_app.config["WEB_PUSH_TIMEOUT_SECONDS"])
