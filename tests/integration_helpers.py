"""Helpers for the integration tests: CAD accounts, the standards' documents, a webhook receiver."""

import copy
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fieldapp.integrations.accounts import services as integrations
from tests.standards import standard


def eido_sample(name: str) -> dict:
    return json.loads(standard("eido", name).read_text())


def cad_account(name="County CAD", webhook_url=None):
    account, key, secret = integrations.create_account(name=name, kind="cad", webhook_url=webhook_url, by=None)
    return account, key, secret


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def variant(document: dict, **changes) -> dict:
    return copy.deepcopy(document) | changes


class Receiver:
    """A CAD's webhook endpoint on 127.0.0.1: records each POST and answers from a script of status
    codes (then 200)."""

    def __init__(self, secret=None, answers=()):
        self.secret = secret
        self.answers = list(answers)
        self.received = []  # (headers, body bytes, status answered)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/fieldapp/status"

    def verified(self, headers, body, tolerance=300):
        """The check docs/integrations.md tells receivers to make."""
        timestamp = headers["X-Fieldapp-Timestamp"]
        if abs(time.time() - int(timestamp)) > tolerance:
            return False
        expected = "v1=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers["X-Fieldapp-Signature"])

    def accepted(self):
        """The bodies answered with 2xx, in the order they arrived."""
        return [json.loads(body) for _, body, status in self.received if 200 <= status < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
