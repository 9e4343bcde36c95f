"""A phone running static/js/live.js, on a bad network: the Locust user behind each device.

As live.js: it holds ``GET /events`` (a bearer token, or a browser session's cookie), keeps the last
event id, and on each ``call.assigned`` of its unit fetches its page again (/my/calls). When the server
ends the stream (a host stopped, a deploy), EventSource reconnects after the server's ``retry:``
(2 s) with ``Last-Event-ID``. A refused stream (not 200) closes the EventSource: live.js polls
/events/poll and opens a new one after min(30, 2 x failures) s with ``?after=``. When the network
goes (``offline``) the stream is dropped; when it comes back (``online``) a new one opens at once
with ``?after=``. The bad network: each phone loses it for 1-5 s at random moments (on average every
LOAD_DROP_MEAN seconds), and a burst phase takes it from many phones at once (a cell tower) and
gives it back to each within LOAD_BURST_SECONDS.
"""

import contextlib
import json
import os
import random
import time

import gevent
from requests import RequestException

from bench.load.ledger import ledger

DROP_MEAN = float(os.environ.get("LOAD_DROP_MEAN", "600"))
BURST_SECONDS = float(os.environ.get("LOAD_BURST_SECONDS", "10"))
BURST_DEVICES = int(os.environ.get("LOAD_BURST_DEVICES", "500"))
RETRY = 2.0  # the server's "retry: 2000"


def sign_in(client, credentials) -> dict:
    """The headers a device sends: its bearer token, or none (a browser session: the cookie jar)."""
    if "token" in credentials:
        return {"Authorization": f"Bearer {credentials['token']}"}
    login = {"username": credentials["username"], "password": credentials["password"]}
    if not credentials.get("browser"):
        response = client.post("/api/v1/auth/token", json=login, name="/api/v1/auth/token")
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['token']}"}
    for attempt in range(1, 6):  # a busy server (503): the person tries again a little later
        page = client.get("/login", name="/login").text
        marker = 'name="csrf_token" value="'
        if marker in page:
            csrf = page[page.index(marker) + len(marker):].split('"', 1)[0]
            response = client.post("/login", data={**login, "csrf_token": csrf}, allow_redirects=False,
                                   name="/login")
            if response.status_code == 302:
                return {}
        gevent.sleep(2 * attempt)
    raise RuntimeError(f"browser sign-in of {credentials['username']} failed five times")


class Phone:
    def __init__(self, user, number: int, credentials: dict):
        self.user, self.client, self.number = user, user.client, number
        self.headers = sign_in(self.client, credentials)
        self.last_id, self.failures, self.bursts_seen = None, 0, 0
        self.resume_by = None  # None (new), "header" (EventSource's own retry) or "query" (a new EventSource)
        self.next_drop = time.monotonic() + random.expovariate(1 / DROP_MEAN)

    def live(self) -> None:
        """One stream, from request to its end, then the wait live.js would make before the next."""
        outcome = self.stream()
        if outcome == "ended":  # the server closed it: EventSource retries with Last-Event-ID
            self.resume_by = "header"
            gevent.sleep(RETRY)
        elif outcome in ("offline", "burst"):
            gevent.sleep(random.uniform(1, 5) if outcome == "offline" else random.uniform(0, BURST_SECONDS))
            self.resume_by = "query"  # the "online" event: connect() with ?after=
        else:  # refused or failed: live.js polls every 5 s, and opens a new EventSource after a back-off
            self.failures += 1
            reopen = time.monotonic() + min(30.0, RETRY * self.failures)
            while (left := reopen - time.monotonic()) > 0:
                self.poll()
                gevent.sleep(min(5.0, left))
            self.resume_by = "query"

    def stream(self) -> str:
        headers, path = dict(self.headers), "/events"
        if self.last_id is not None and self.resume_by == "header":
            headers["Last-Event-ID"] = str(self.last_id)
        elif self.last_id is not None:
            path += f"?after={self.last_id}"
        requested = time.monotonic()
        try:
            response = self.client.get(path, headers=headers, stream=True, name="/events", timeout=(10, 60))
        except RequestException:
            return "failed"
        reader = None
        try:
            if response.status_code != 200:
                return "refused"
            reader = gevent.spawn(self.read, response, requested)
            while not reader.ready():
                in_burst = self.number < BURST_DEVICES and self.bursts_seen < len(ledger.phases)
                if in_burst and ledger.burst.is_set():  # the tower goes: this phone loses the network
                    self.bursts_seen = len(ledger.phases)
                    reader.kill()
                    return "burst"
                if time.monotonic() >= self.next_drop:
                    self.next_drop = time.monotonic() + random.expovariate(1 / DROP_MEAN)
                    reader.kill()
                    return "offline"
                gevent.wait([reader, ledger.burst] if in_burst else [reader], count=1,
                            timeout=max(0.0, self.next_drop - time.monotonic()))
            return "ended" if reader.successful() else "failed"
        finally:  # also when Locust stops the user (GreenletExit): the reader goes first, then the socket
            ledger.online.discard(self.number)
            if reader is not None:
                reader.kill(timeout=5)
            with contextlib.suppress(Exception):
                response.close()

    def read(self, response, requested: float) -> None:
        buffer = b""
        for chunk in response.iter_content(chunk_size=None):
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                self.frame(block.decode(), requested)

    def frame(self, block: str, requested: float) -> None:
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if fields.get("event") == "hello":
            self.failures = 0
            if fields.get("id"):
                self.last_id = int(fields["id"])
            ledger.connected(self.number, requested, resumed=self.resume_by is not None)
        elif fields.get("event") == "call":
            self.last_id = int(fields["id"])
            self.handle(json.loads(fields["data"]), requested, "stream")

    def handle(self, event: dict, requested: float, how: str) -> None:
        if event.get("type") == "call.assigned":
            ledger.received(event["call_id"], self.number, requested, how)
            gevent.spawn(self.refresh)  # live.js: the unit's page again

    def refresh(self) -> None:
        with contextlib.suppress(RequestException):
            self.client.get("/my/calls", headers={**self.headers, "Accept": "text/html"}, name="/my/calls")

    def poll(self) -> None:
        requested = time.monotonic()
        path = "/events/poll" + (f"?after={self.last_id}" if self.last_id is not None else "")
        try:
            response = self.client.get(path, headers={**self.headers, "Accept": "application/json"},
                                       name="/events/poll", timeout=10)
            if response.status_code == 200:
                body = response.json()
                self.last_id = body["last_id"]
                for event in body["events"]:
                    self.handle(event, requested, "poll")
        except (RequestException, ValueError):
            pass
