"""Sending one signed webhook: connect to the address that was checked, never follow a redirect.

Signature (docs/integrations.md "Verifying a webhook"): ``X-Fieldapp-Signature: v1=<hex>`` where
``<hex>`` is HMAC-SHA256 with the integration's webhook secret over ``<timestamp>.<body>``, and
``X-Fieldapp-Timestamp`` is that timestamp (Unix seconds). Receivers refuse a timestamp older than
5 minutes and a delivery id (``X-Fieldapp-Delivery``) they have already processed.
"""

import hashlib
import hmac
import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from fieldapp.integrations.webhooks.urls import resolve_checked

USER_AGENT = "fieldapp-webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Result:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def send(url: str, secret: str, body: bytes, headers: dict, *, timeout: float) -> Result:
    try:
        host, port, address = resolve_checked(url)
    except ValueError as error:
        return Result(False, error=f"refused: {error}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timestamp = int(time.time())
    headers = {**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Fieldapp-Timestamp": str(timestamp),
               "X-Fieldapp-Signature": signature(secret, timestamp, body)}
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(300).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return Result(False, error=f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Result(True, response.status)
    return Result(False, response.status, f"HTTP {response.status}: {answer}"[:500])
