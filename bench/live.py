"""``make bench-live``: the live channel and batch sync under load, on PostgreSQL and Redis.

    .venv/bin/python -m bench.live [--devices 1000] [--rate 2] [--seconds 20] [--records 1000]
                                   [--server postgresql://postgres@127.0.0.1:5432/postgres]
                                   [--redis redis://127.0.0.1:6379/3]

Starts one host as the Procfile does (`release:`, then `web:` gunicorn and `live:` the async live
process) on loopback, in a database of its own (made, then dropped). Creates units with a crew of
two on shift and an API token per crew member, then, at 10 devices and at N devices:
  * each device holds GET /events on the live process as static/js/live.js does, and on an
    assignment of its unit fetches /my/calls from the web process (live.js refreshes the page);
  * a dispatcher assigns calls to random connected units at a steady rate;
  * a prober times an ordinary API request (GET /api/v1/calls/<id>) 5 times a second.
Prints delivery latency p50/p99/max (assign request sent -> event read by the device), missed
events (not seen within 10 s), the prober's p95 and the ratio between the two phases; then the
time to send N_records queued outbox records (status taps, encounters and notes, as form records,
in batches of 50 as static/js/outbox-send.js sends them); and the peak memory of the server processes.
Loopback only; bounded in devices, assignments and time. Figures are printed, not asserted.
"""

import argparse
import asyncio
import json
import random
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from bench import stack
from bench.stack import bearer, call, create_crews, percentile

GRACE_SECONDS = 10.0
BATCH = 50  # static/js/outbox-send.js


# --- devices -------------------------------------------------------------------------------

class Device:
    """A phone with live.js: a stream, and a page refresh when its unit gets a call."""

    def __init__(self, unit_id, token, live_url, web_url, stats):
        self.unit_id, self.token, self.live_url, self.web_url, self.stats = unit_id, token, live_url, web_url, stats
        self.connected = asyncio.Event()
        self.last_id = None
        self.task = None

    async def run(self, http):
        while True:
            headers = bearer(self.token)
            if self.last_id is not None:
                headers["Last-Event-ID"] = self.last_id
            try:
                async with http.get(self.live_url + "/events", headers=headers) as response:
                    if response.status != 200:
                        self.stats["refused"] += 1
                        await asyncio.sleep(2)
                        continue
                    buffer = b""
                    async for chunk in response.content.iter_any():
                        buffer += chunk
                        while b"\n\n" in buffer:
                            block, buffer = buffer.split(b"\n\n", 1)
                            await self.frame(http, block)
            except (aiohttp.ClientError, ConnectionError, TimeoutError):
                self.stats["reconnects"] += 1
            await asyncio.sleep(2)  # retry: 2000, as the server says

    async def frame(self, http, block: bytes):
        fields = dict(line.split(": ", 1) for line in block.decode().splitlines() if ": " in line)
        if "id" in fields:
            self.last_id = fields["id"]
        if fields.get("event") == "hello":
            self.connected.set()
        elif fields.get("event") == "call":
            data = json.loads(fields["data"])
            if data["type"] == "call.assigned":
                self.stats["seen"].setdefault((data["call_id"], self.token), time.monotonic())
                async with http.get(self.web_url + "/my/calls", headers=bearer(self.token)) as page:
                    await page.read()  # live.js fetches the page again


async def connect(devices, http, concurrency=50):
    gate = asyncio.Semaphore(concurrency)

    async def one(device):
        async with gate:
            device.task = asyncio.create_task(device.run(http))
            await asyncio.wait_for(device.connected.wait(), 120)

    await asyncio.gather(*(one(device) for device in devices))


async def phase(label, devices, crews, host, args, http, api):
    """Assign calls to connected units at a steady rate while the prober times ordinary requests."""
    stats = devices[0].stats
    stats["seen"].clear()
    dispatcher = bearer(crews["dispatcher"])
    units = sorted({device.unit_id for device in devices})
    crew_tokens = {unit["id"]: unit["tokens"] for unit in crews["units"]}
    count = max(1, int(args.rate * args.seconds))
    calls = []
    for _ in range(count):
        _, body = await call(api, "POST", host.web_url + "/api/v1/calls", headers=dispatcher, json={
            "call_type": "EDP", "priority": 2, "narrative": "bench", "location": {"address": "1 Bench St"}})
        calls.append(body["id"])
    probe_latencies, sent, stop = [], [], asyncio.Event()

    async def prober():
        while not stop.is_set():
            started = time.monotonic()
            await call(api, "GET", f"{host.web_url}/api/v1/calls/{calls[0]}", headers=dispatcher)
            probe_latencies.append(time.monotonic() - started)
            await asyncio.sleep(max(0.0, 0.2 - (time.monotonic() - started)))

    async def dispatcher_loop():
        for number, call_id in enumerate(calls):
            due = start + number / args.rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            unit_id = random.choice(units)
            began = time.monotonic()
            sent.append((call_id, unit_id, began))
            await call(api, "POST", f"{host.web_url}/api/v1/calls/{call_id}/assign", headers=dispatcher,
                       json={"unit_id": unit_id})

    start = time.monotonic()
    probe = asyncio.create_task(prober())
    await dispatcher_loop()
    await asyncio.sleep(GRACE_SECONDS)
    stop.set()
    await probe
    latencies, missed = [], 0
    for call_id, unit_id, began in sent:
        for token in crew_tokens[unit_id]:
            seen = stats["seen"].get((call_id, token))
            if seen is None:
                missed += 1
            else:
                latencies.append(seen - began)
    return {"label": label, "devices": len(devices), "assignments": len(sent), "expected": 2 * len(sent),
            "missed": missed, "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "max": max(latencies) if latencies else float("nan"), "api_p95": percentile(probe_latencies, 0.95),
            "probes": len(probe_latencies)}


# --- batch sync ----------------------------------------------------------------------------

async def sync_records(crews, host, records, api, database):
    """Queue `records` outbox records on a clinician's device and time sending them in batches."""
    unit = crews["units"][0]
    clinician = bearer(unit["tokens"][1])
    dispatcher = bearer(crews["dispatcher"])
    queued = []
    for _ in range((records + 4) // 5):
        _, body = await call(api, "POST", host.web_url + "/api/v1/calls", headers=dispatcher, json={
            "call_type": "WELFARE", "priority": 3, "narrative": "bench sync", "location": {"address": "2 Bench St"}})
        call_id = body["id"]
        await call(api, "POST", f"{host.web_url}/api/v1/calls/{call_id}/assign", headers=dispatcher,
                   json={"unit_id": unit["id"]})
        encounter_id = str(uuid.uuid4())
        for status in ("acknowledged", "en_route", "on_scene"):
            queued.append({"path": f"/calls/{call_id}/status", "fields": [
                ["id", str(uuid.uuid4())], ["status", status], ["recorded_at", "2026-11-28T09:00:00+00:00"]]})
        queued.append({"path": f"/calls/{call_id}/encounters/new", "fields": [
            ["id", encounter_id], ["outcome", "resolved"], ["concerns", "mental_health"], ["person_mode", "named"],
            ["given_name", "Sam"], ["family_name", "Bench"], ["transport", "none"],
            ["narrative", "Talked it through."], ["recorded_at", "2026-11-28T09:10:00+00:00"]]})
        queued.append({"path": f"/encounters/{encounter_id}/notes", "fields": [
            ["id", str(uuid.uuid4())], ["body", "Check in on Friday."]]})
    queued = [{"ref": str(number), **record} for number, record in enumerate(queued[:records])]
    web_before, live_before, db_before = stack.cpu_by_pid(host.pids("web")), stack.cpu_by_pid(host.pids("live")), \
        stack.cpu_by_pid(database.backend_pids())
    started, outcomes = time.monotonic(), {}
    for first in range(0, len(queued), BATCH):
        status, body = await call(api, "POST", host.web_url + "/api/v1/sync", headers=clinician,
                                  json={"records": queued[first:first + BATCH]})
        for result in body["results"] if status == 200 else [{"result": f"batch answered {status}"}] * BATCH:
            outcomes[result["result"]] = outcomes.get(result["result"], 0) + 1
    seconds = time.monotonic() - started
    web = stack.cpu_since(web_before, host.pids("web"))
    live = stack.cpu_since(live_before, host.pids("live"))
    postgres = stack.cpu_since(db_before, database.backend_pids())
    return seconds, outcomes, len(queued), web, live, postgres


# --- the run -------------------------------------------------------------------------------

async def measure(args, crews, host, database):
    stats = {"seen": {}, "reconnects": 0, "refused": 0}
    devices = [Device(unit["id"], token, host.live_url, host.web_url, stats)
               for unit in crews["units"] for token in unit["tokens"]]
    streams = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=60)
    results = []
    async with aiohttp.ClientSession(connector=streams, timeout=timeout) as http, \
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as api:
        for size in (min(10, len(devices)), len(devices)):
            began = time.monotonic()
            await connect(devices[:size], http)
            print(f"  {size} devices connected in {time.monotonic() - began:.1f} s", flush=True)
            results.append(await phase(f"{size} devices", devices[:size], crews, host, args, http, api))
            print(f"  measured at {size} devices: {results[-1]}", flush=True)
        sync = await sync_records(crews, host, args.records, api, database)
        print(f"  synced: {sync}", flush=True)
        memory = stack.peak_rss_mib(host.pids())
        for device in devices:
            if device.task:
                device.task.cancel()
        await asyncio.gather(*(d.task for d in devices if d.task), return_exceptions=True)
    return results, sync, memory, stats


def report(args, results, sync, memory, stats):
    low, high = results[0], results[-1]
    print()
    print(f"Live channel: one host (Procfile web: gunicorn gthread, live: aiohttp), PostgreSQL + Redis, "
          f"{args.rate:g} assignments/s for {args.seconds:g} s per phase")
    print(f"{'phase':<14}{'streams':>8}{'expected':>9}{'missed':>7}{'p50 s':>8}{'p99 s':>8}{'max s':>8}"
          f"{'API p95 ms':>11}")
    for r in results:
        print(f"{r['label']:<14}{r['devices']:>8}{r['expected']:>9}{r['missed']:>7}{r['p50']:>8.3f}{r['p99']:>8.3f}"
              f"{r['max']:>8.3f}{r['api_p95'] * 1000:>11.1f}")
    ratio = high["api_p95"] / low["api_p95"] if low["api_p95"] else float("nan")
    print(f"API p95 at {high['devices']} / at {low['devices']} devices: {ratio:.2f} (target <= 2)")
    print(f"missed at {high['devices']}: {high['missed']} (target 0); delivery p99 {high['p99']:.3f} s (target <= 1 s)")
    seconds, outcomes, count, web, live, postgres = sync
    print(f"batch sync: {count} queued outbox records in {seconds:.2f} s ({outcomes}) (target < 5 s); "
          f"CPU: web {web:.2f} s, live {live:.2f} s, PostgreSQL {postgres:.2f} s")
    print(f"server processes' peak memory (sum of VmHWM): {memory:.0f} MiB")
    print(f"stream reconnects: {stats['reconnects']}, refused streams: {stats['refused']}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=1000, help="devices at the big phase (two per unit)")
    parser.add_argument("--rate", type=float, default=2.0, help="assignments per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase's assigning")
    parser.add_argument("--records", type=int, default=1000, help="queued outbox records to sync")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL admin URL (a database of the bench's own is made and dropped)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args(argv)
    if not 10 <= args.devices <= 5000 or not 0 < args.rate <= 50 or not 0 < args.seconds <= 300 \
            or not 0 < args.records <= 5000:
        parser.error("keep it bounded: 10-5000 devices, rate 0-50/s, 0-300 s, 1-5000 records")
    database = stack.Database(args.server, "fieldapp_bench_live")
    env = stack.environment(DATABASE_URL=database.url, REDIS_URL=args.redis, SECRET_KEY=secrets.token_hex(32),
                            LIVE_CHANNEL=f"bench-live-{uuid.uuid4().hex}:events")
    host = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-live-") as logdir:
            print(f"server logs in {logdir} (removed at the end)", flush=True)
            print(f"database {database.name}; migrating (Procfile release:)", flush=True)
            stack.release(env)
            crews = create_crews(database.url, (args.devices + 1) // 2)
            print(f"{len(crews['units'])} units, {2 * len(crews['units'])} crew tokens made", flush=True)
            web_port, live_port = stack.free_ports(2)
            host = stack.Host("bench", env, web_port, live_port, Path(logdir)).start()
            print(f"host up: web {host.web_url}, live {host.live_url}", flush=True)
            results, sync, memory, stats = asyncio.run(measure(args, crews, host, database))
            report(args, results, sync, memory, stats)
            host.stop()
            host = None
    finally:
        if host is not None:
            host.stop()
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
