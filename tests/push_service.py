"""A local push service (RFC 8030) for the tests, and browsers subscribed to it.

It receives each push request, checks its VAPID JWT (RFC 8292: ES256 signature with the key in
``k``, ``aud`` its own origin, ``exp`` within 24 hours, ``sub`` a contact), and a ``Device`` decrypts
the ``aes128gcm`` body (RFC 8291) with its own private key and auth secret, as a browser would.
"""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from fieldapp.push import keys

SUBJECT = "mailto:ops@agency.example"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A browser's push subscription: its own P-256 key and 16-byte auth secret."""

    def __init__(self, service, name):
        self.service, self.name = service, name
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    @property
    def endpoint(self):
        return f"{self.service.origin}/push/{self.name}"

    def subscription(self):
        """What ``PushSubscription.toJSON()`` gives."""
        point = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64(point), "auth": b64(self.auth)}}

    def received(self):
        """The decrypted payloads the push service accepted for this device, oldest first."""
        return [json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))
                for path, headers, body, status in self.service.requests
                if path == f"/push/{self.name}" and status < 300]


class PushService:
    def __init__(self, answers=()):
        self.answers = list(answers)  # status codes to answer, in order; then 201
        self.requests = []  # (path, headers, body, status)
        self.arrived = []  # time.monotonic() of each request
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with service.lock:
                    status = service.answers.pop(0) if service.answers else 201
                    service.requests.append((self.path, self.headers, body, status))  # case-insensitive
                    service.arrived.append(time.monotonic())
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def device(self, name):
        return Device(self, name)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def vapid_claims(self, headers, public_key: str) -> dict:
        """The JWT's claims after checking it as a push service must; AssertionError otherwise."""
        scheme, _, params = headers["Authorization"].partition(" ")
        assert scheme == "vapid"
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        assert values["k"] == public_key, "the JWT is not signed with the app's VAPID key"
        header_b64, claims_b64, signature_b64 = values["t"].split(".")
        assert json.loads(unb64(header_b64)) == {"typ": "JWT", "alg": "ES256"}
        point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(public_key))
        raw = unb64(signature_b64)
        assert len(raw) == 64
        signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            point.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise AssertionError("the VAPID signature does not verify") from None
        claims = json.loads(unb64(claims_b64))
        assert claims["aud"] == self.origin
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        return claims


@pytest.fixture
def push_on(app, monkeypatch):
    private, public = keys.generate()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", SUBJECT)
    monkeypatch.setitem(app.config, "WEB_PUSH_ALLOW_INSECURE_ENDPOINTS", True)
    return public


@pytest.fixture
def service():
    made = []

    def make(answers=()):
        made.append(PushService(answers))
        return made[-1]
    yield make
    for one in made:
        one.close()
