"""What the load run saw, kept in the Locust process: who the devices are, the phase of the run, every
assignment sent, every event received, every (re)connect and every timed API request. Written out
as CSV files at the end (``save``) for ``bench.load.report``.

Credentials (``LOAD_CREWS``, a JSON file; `make bench-live` writes one for the stack it starts):
    {"dispatcher": {"token": "..."} | {"username": "...", "password": "..."},
     "units": [{"id": 3, "devices": [{"token": "..."}, {"username": "...", "password": "...",
                                                       "browser": true}, ...]}, ...]}
A device with a token holds /events with ``Authorization: Bearer``; one with a username signs in
(through /login as a browser when ``browser`` is true, else through /api/v1/auth/token).
"""

import csv
import itertools
import json
import os
import time
from pathlib import Path

import gevent.event


class Ledger:
    def __init__(self):
        self.crews = None
        self.devices = []  # [(device number, unit id, credentials)], a unit's devices side by side
        self._numbers = itertools.count()
        self.phase, self.phases = "start", []  # [(name, started, ended)]
        self.burst = gevent.event.Event()  # set while a burst phase asks devices to drop at once
        self.assignments = []  # (call id, unit id, sent at, phase, [device numbers expected])
        self.answered = {}  # call id -> when the assign request's answer came (the commit was before)
        self.receipts = {}  # (call id, device) -> (received at, stream requested at, how)
        self.connects = []  # (device, requested at, said hello at, resumed: bool, phase)
        self.api = []  # (name, seconds, status, phase)
        self.units = {}  # unit id -> its device numbers
        self.ready = {}  # device -> the first hello's time
        self.online = set()  # devices whose stream is open now

    def load(self, path: str | None = None) -> "Ledger":
        path = path or os.environ.get("LOAD_CREWS")
        if not path:
            raise SystemExit("LOAD_CREWS: give the credentials file (bench/load/ledger.py says its form)")
        self.crews = json.loads(Path(path).read_text())
        self.devices = [(number, unit["id"], device) for number, (unit, device) in enumerate(
            (unit, device) for unit in self.crews["units"] for device in unit["devices"])]
        self.units = {}
        for number, unit, _ in self.devices:
            self.units.setdefault(unit, []).append(number)
        return self

    def next_device(self):
        number = next(self._numbers)
        if number >= len(self.devices):
            raise RuntimeError(f"only {len(self.devices)} devices in the credentials file")
        return self.devices[number]

    # --- phases ---------------------------------------------------------------------------
    def enter(self, phase: str) -> None:
        now = time.monotonic()
        if self.phases:
            name, started, _ = self.phases[-1]
            self.phases[-1] = (name, started, now)
        self.phases.append((phase, now, None))
        self.phase = phase
        print(f"[load] phase {phase}: {len(self.online)} streams open", flush=True)
        if os.environ.get("LOAD_PHASE_FILE"):  # the runner stops a host when told
            Path(os.environ["LOAD_PHASE_FILE"]).write_text(phase)

    # --- what happened --------------------------------------------------------------------
    def ready_units(self) -> list[int]:
        """Units whose spawned devices have all connected once (the dispatcher assigns to these)."""
        return [unit for unit, numbers in self.units.items() if all(number in self.ready for number in numbers)]

    def unit_devices(self, unit_id: int) -> list[int]:
        return [number for number in self.units[unit_id] if number in self.ready]

    def assigned(self, call_id: int, unit_id: int, sent_at: float) -> None:
        self.assignments.append((call_id, unit_id, sent_at, self.phase, self.unit_devices(unit_id)))

    def received(self, call_id: int, device: int, requested_at: float, how: str) -> None:
        self.receipts.setdefault((call_id, device), (time.monotonic(), requested_at, how))

    def connected(self, device: int, requested_at: float, resumed: bool) -> None:
        now = time.monotonic()
        self.ready.setdefault(device, now)
        self.online.add(device)
        self.connects.append((device, requested_at, now, resumed, self.phase))

    def timed(self, name: str, seconds: float, status: int) -> None:
        self.api.append((name, seconds, status, self.phase))

    # --- out ------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """deliveries.csv (one row per expected receipt), connects.csv, api.csv, phases.csv."""
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "deliveries.csv", "w", newline="") as out:
            rows = csv.writer(out)
            rows.writerow(["call_id", "unit_id", "device", "phase", "sent_at", "answered_at", "received_at",
                           "stream_requested_at", "how"])
            for call_id, unit_id, sent_at, phase, devices in self.assignments:
                answered = f"{self.answered[call_id]:.4f}" if call_id in self.answered else ""
                for device in devices:
                    got = self.receipts.get((call_id, device))
                    rows.writerow([call_id, unit_id, device, phase, f"{sent_at:.4f}", answered,
                                   *([f"{got[0]:.4f}", f"{got[1]:.4f}", got[2]] if got else ["", "", "missed"])])
        _write(folder / "connects.csv", ["device", "requested_at", "hello_at", "resumed", "phase"],
               ([d, f"{r:.4f}", f"{h:.4f}", int(resumed), p] for d, r, h, resumed, p in self.connects))
        _write(folder / "api.csv", ["name", "seconds", "status", "phase"],
               ([n, f"{s:.5f}", status, p] for n, s, status, p in self.api))
        _write(folder / "phases.csv", ["phase", "started", "ended"],
               ([n, f"{s:.4f}", f"{e if e is not None else time.monotonic():.4f}"] for n, s, e in self.phases))


def _write(path: Path, header, rows) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


ledger = Ledger()
