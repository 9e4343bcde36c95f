"""Sending one signed webhook: connect to the address that was checked, never follow a redirect.

Signature (docs/integrations.md "Verifying a webhook"): ``X-Fieldapp-Signature: v1=<hex>`` where
``<hex>`` is HMAC-SHA256 with the integration's webhook secret over ``<timestamp>.<body>``, and
``X-Fieldapp-Timestamp`` is that timestamp (Unix seconds). Receivers refuse a timestamp older than
5 minutes and a delivery id (``X-Fieldapp-Delivery``) they have already processed.
"""

import hashlib
import hmac
import time

from fieldapp import outbound
from fieldapp.integrations.webhooks.urls import WHAT, insecure_allowed
from fieldapp.outbound import Result

USER_AGENT = "fieldapp-webhooks/1"
__all__ = ["Result", "send", "signature"]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def send(url: str, secret: str, body: bytes, headers: dict, *, timeout: float) -> Result:
    timestamp = int(time.time())
    headers = {**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Fieldapp-Timestamp": str(timestamp),
               "X-Fieldapp-Signature": signature(secret, timestamp, body)}
    return outbound.post(url, body, headers, timeout=timeout, insecure=insecure_allowed(), what=WHAT)
