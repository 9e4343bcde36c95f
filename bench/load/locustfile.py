"""fieldapp's live channel and API under load, as a black box: run it against any deployment.

    LOAD_CREWS=crews.json locust -f bench/load/locustfile.py --headless --host https://fieldapp.example

(`make bench-live BASE_URL=...` does this and prints the report.) Users:
  * Device (bench.load.phone): a phone holding /events as static/js/live.js does, on a bad network;
  * Dispatcher: creates a call and assigns it to a unit whose phones are connected, LOAD_RATE a second;
  * Prober: an ordinary API request (GET /api/v1/calls/<id>) five times a second, timed.
The run's shape (LoadShape): LOAD_SMALL (10) devices, measured LOAD_SECONDS; then LOAD_DEVICES,
measured LOAD_SECONDS; then a burst: LOAD_BURST_DEVICES phones lose the network at once and are back
within LOAD_BURST_SECONDS; with LOAD_HOST_STOP=1 a phase in which the runner stops a host; then a
grace of LOAD_GRACE seconds without assignments for the last events. At the end the ledger is written
under LOAD_OUT (default test-artifacts/bench/raw) for bench.load.report.
"""

import os
import random
import time
from pathlib import Path

from locust import HttpUser, LoadTestShape, between, constant_pacing, events, task

from bench.load.ledger import ledger
from bench.load.phone import BURST_SECONDS, Phone

SMALL = int(os.environ.get("LOAD_SMALL", "10"))
DEVICES = int(os.environ.get("LOAD_DEVICES", "1000"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
RATE = float(os.environ.get("LOAD_RATE", "2"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "50"))
GRACE = float(os.environ.get("LOAD_GRACE", "35"))  # > live.js's longest back-off (30 s)
HOST_STOP = os.environ.get("LOAD_HOST_STOP") == "1"
MEASURED = ("small", "full", "burst", "host-stop")


@events.init.add_listener
def _load_credentials(environment, **_kwargs):
    ledger.load()


@events.quitting.add_listener
def _save(environment, **_kwargs):
    ledger.enter("end")
    ledger.save(Path(os.environ.get("LOAD_OUT", "test-artifacts/bench/raw")))


class Device(HttpUser):
    weight = 1
    wait_time = between(0, 0)

    def on_start(self):
        number, _unit, credentials = ledger.next_device()
        self.phone = Phone(self, number, credentials)

    @task
    def live(self):
        self.phone.live()


class Dispatcher(HttpUser):
    fixed_count = 1
    wait_time = constant_pacing(1 / RATE)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {token(self.client, ledger.crews['dispatcher'])}"}

    @task
    def assign(self):
        units = ledger.ready_units()
        if ledger.phase not in MEASURED or not units:
            return
        unit_id = random.choice(units)
        created = self.client.post("/api/v1/calls", headers=self.headers, name="/api/v1/calls (create)", json={
            "call_type": "EDP", "priority": 2, "narrative": "load test", "location": {"address": "1 Load St"}})
        if created.status_code != 201:
            return
        call_id = created.json()["id"]
        sent_at = time.monotonic()
        ledger.assigned(call_id, unit_id, sent_at)
        answer = self.client.post(f"/api/v1/calls/{call_id}/assign", headers=self.headers,
                                  json={"unit_id": unit_id}, name="/api/v1/calls/<id>/assign")
        if answer.status_code == 200:
            ledger.answered[call_id] = time.monotonic()


class Prober(HttpUser):
    fixed_count = 1
    wait_time = constant_pacing(0.2)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {token(self.client, ledger.crews['dispatcher'])}"}
        created = self.client.post("/api/v1/calls", headers=self.headers, name="/api/v1/calls (create)", json={
            "call_type": "WELFARE", "priority": 3, "narrative": "probe", "location": {"address": "2 Load St"}})
        self.path = f"/api/v1/calls/{created.json()['id']}"

    @task
    def probe(self):
        started = time.monotonic()
        response = self.client.get(self.path, headers=self.headers, name="/api/v1/calls/<id> (probe)")
        ledger.timed("GET /api/v1/calls/<id>", time.monotonic() - started, response.status_code)


def token(client, credentials) -> str:
    if "token" in credentials:
        return credentials["token"]
    response = client.post("/api/v1/auth/token", json={"username": credentials["username"],
                                                        "password": credentials["password"]})
    response.raise_for_status()
    return response.json()["token"]


class LoadShape(LoadTestShape):
    """small -> ramp -> full -> burst -> (host-stop) -> grace, each phase waiting for its devices."""

    def __init__(self):
        super().__init__()
        plan = [("connect-small", SMALL, None), ("small", SMALL, SECONDS), ("ramp", DEVICES, None),
                ("full", DEVICES, SECONDS), ("burst", DEVICES, BURST_SECONDS + SECONDS)]
        if HOST_STOP:
            plan.append(("host-stop", DEVICES, SECONDS + 10))
        self.plan = plan + [("grace", DEVICES, GRACE)]
        self.step, self.since = -1, None

    def tick(self):
        now = time.monotonic()
        if self.step < 0 or self._done(now):
            self.step += 1
            if self.step >= len(self.plan):
                return None
            self.since = now
            name = self.plan[self.step][0]
            ledger.enter(name)
            if name == "burst":
                ledger.burst.set()
            else:
                ledger.burst.clear()
        name, devices, _ = self.plan[self.step]
        return devices + 2, SPAWN_RATE  # the dispatcher and the prober besides the devices

    def _done(self, now: float) -> bool:
        name, devices, seconds = self.plan[self.step]
        if seconds is None:  # connecting: every device has said hello once (or 5 minutes)
            return len(ledger.ready) >= devices or now - self.since > 300
        return now - self.since >= seconds
