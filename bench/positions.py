"""``make bench-positions``: unit positions under load, on PostgreSQL and Redis (issue 20).

    .venv/bin/python -m bench.positions [--units 200] [--interval 15] [--dispatchers 100] [--seconds 60]

Starts one host as the Procfile does (``release:``, ``web:`` gunicorn, ``live:`` the async live
process) on loopback in a database of its own (made, then dropped), with the helpers of bench.stack.
``--dispatchers`` streams hold ``GET /events`` as the dispatch map does (static/js/map.js through
live.js), and a prober times an ordinary API request (``GET /api/v1/calls/<id>``) 5 times a second:
first for ``--seconds`` without positions, then for ``--seconds`` while each of ``--units`` crews posts
its position every ``--interval`` seconds (``POST /api/v1/units/<id>/positions``, staggered; a shorter
interval compresses time: 200 units every 15 s is 13.3 writes a second). ``--via sync`` sends each
position as the crews' phones do: an outbox record (static/js/share.js) through ``POST /api/v1/sync``.
Prints the position write p95 (target <= 50 ms), the position-on-map delivery p99 (write sent -> the
event read by each dispatcher's stream; target <= 2 s), the prober's p95 with / without positions
(target <= 1.5x) and positions lost (a write not stored, or an event a stream never got within 10 s;
target 0). Figures are printed, not asserted. The streams are read in a process of their own; the
writers, the prober and the server share the machine's cores, so on a busy machine the figures
include everyone's queueing.
"""

import argparse
import asyncio
import json
import multiprocessing
import secrets
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bench import stack
from bench.stack import bearer, call, create_crews, percentile

GRACE_SECONDS = 10.0


class Watcher:
    """A dispatcher's map: a live stream, noting when each unit's position arrives."""

    def __init__(self, token, live_url, seen, stats):
        self.token, self.live_url, self.seen, self.stats = token, live_url, seen, stats
        self.connected, self.last_id, self.task = asyncio.Event(), None, None

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
                            self.frame(block)
            except (aiohttp.ClientError, ConnectionError, TimeoutError):
                self.stats["reconnects"] += 1
            await asyncio.sleep(2)

    def frame(self, block: bytes):
        fields = dict(line.split(": ", 1) for line in block.decode().splitlines() if ": " in line)
        if "id" in fields:
            self.last_id = fields["id"]
        if fields.get("event") == "hello":
            self.connected.set()
        elif fields.get("event") == "call" and '"unit.position"' in fields.get("data", ""):
            data = json.loads(fields["data"])
            self.seen.setdefault((data["unit"], data["recorded_at"]), {})[id(self)] = time.monotonic()


def watch(token, live_url, count, ready, stop, out):
    """The dispatchers' streams, in a process of their own (parsing 100 streams' frames must not delay
    the writers' or the prober's measurements): ``out`` gets {(unit, recorded_at): [monotonic times]}."""
    async def run():
        seen, stats = {}, {"reconnects": 0, "refused": 0}
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                         timeout=aiohttp.ClientTimeout(total=None, sock_connect=60)) as http:
            watchers = [Watcher(token, live_url, seen, stats) for _ in range(count)]
            for watcher in watchers:
                watcher.task = asyncio.create_task(watcher.run(http))
            await asyncio.wait_for(asyncio.gather(*(w.connected.wait() for w in watchers)), 120)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.2)
            for watcher in watchers:
                watcher.task.cancel()
            await asyncio.gather(*(w.task for w in watchers), return_exceptions=True)
        out.put(({key: list(times.values()) for key, times in seen.items()}, stats))
    asyncio.run(run())


async def probe(api, url, headers, stop, latencies):
    while not stop.is_set():
        started = time.monotonic()
        await call(api, "GET", url, headers=headers)
        latencies.append(time.monotonic() - started)
        await asyncio.sleep(max(0.0, 0.2 - (time.monotonic() - started)))


def server_cpu(host, database) -> dict:
    return {"web": stack.cpu_by_pid(host.pids("web")), "live": stack.cpu_by_pid(host.pids("live")),
            "postgres": stack.cpu_by_pid(database.backend_pids())}


def cpu_used(before: dict, host, database) -> dict:
    """CPU seconds (user + system) of the host's processes and the database's backends since ``before``:
    what the server spent, whatever else the machine was doing."""
    now = {"web": host.pids("web"), "live": host.pids("live"), "postgres": database.backend_pids()}
    return {kind: stack.cpu_since(before[kind], pids) for kind, pids in now.items()}


async def measure(args, crews, host, database):
    dispatcher = bearer(crews["dispatcher"])
    ready, halt, out = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
    streams = multiprocessing.Process(target=watch, args=(crews["dispatcher"], host.live_url, args.dispatchers,
                                                          ready, halt, out))
    streams.start()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=120)) as api:
        await asyncio.get_running_loop().run_in_executor(None, ready.wait, 180)
        print(f"  {args.dispatchers} dispatcher streams connected (in their own process)", flush=True)
        _, body = await call(api, "POST", host.web_url + "/api/v1/calls", headers=dispatcher, json={
            "call_type": "EDP", "priority": 2, "narrative": "bench", "location": {"address": "1 Bench St"}})
        probe_url = f"{host.web_url}/api/v1/calls/{body['id']}"

        quiet, stop = [], asyncio.Event()
        before = server_cpu(host, database)
        task = asyncio.create_task(probe(api, probe_url, dispatcher, stop, quiet))
        await asyncio.sleep(args.seconds)
        stop.set()
        await task
        quiet_cpu = cpu_used(before, host, database)
        print(f"  without positions: {len(quiet)} probes", flush=True)

        busy, stop, writes, sent, failed = [], asyncio.Event(), [], {}, 0

        async def unit_loop(index, unit):
            nonlocal failed
            headers, device = bearer(unit["tokens"][0]), f"bench-{uuid.uuid4()}"
            await asyncio.sleep(index * args.interval / len(crews["units"]))  # staggered
            step = 0
            while not stop.is_set():
                due = time.monotonic() + args.interval
                when = datetime.now(UTC).isoformat()
                body = {"device_id": device, "positions": [{"lat": 40.7 + step / 1e4, "lon": -74.0 + index / 1e3,
                                                            "accuracy_m": 8, "recorded_at": when}]}
                began = time.monotonic()
                if args.via == "sync":  # as static/js/share.js queues it and outbox-send.js sends it
                    record = sync_record(unit["id"], device, body, ref=str(step))
                    status, answer = await call(api, "POST", f"{host.web_url}/api/v1/sync", headers=headers,
                                                json={"records": [record]})
                    stored = status == 200 and answer["results"][0]["result"] == "stored"
                else:
                    status, answer = await call(api, "POST", f"{host.web_url}/api/v1/units/{unit['id']}/positions",
                                                headers=headers, json=body)
                    stored = status == 200 and answer["stored"] == 1
                writes.append(time.monotonic() - began)
                if stored:
                    sent[(unit["id"], when)] = began
                else:
                    failed += 1
                step += 1
                await asyncio.sleep(max(0.0, due - time.monotonic()))

        before = server_cpu(host, database)
        task = asyncio.create_task(probe(api, probe_url, dispatcher, stop, busy))
        loops = [asyncio.create_task(unit_loop(i, unit)) for i, unit in enumerate(crews["units"])]
        await asyncio.sleep(args.seconds)
        stop.set()
        await asyncio.gather(task, *loops)
        await asyncio.sleep(GRACE_SECONDS)
        busy_cpu = cpu_used(before, host, database)  # with the grace: the streams' last deliveries
        halt.set()
        seen, stats = await asyncio.get_running_loop().run_in_executor(None, out.get, True, 120)
        streams.join(30)
        delivery, missing = [], 0
        for key, began in sent.items():
            arrived = seen.get(_normal(key), [])
            missing += args.dispatchers - len(arrived)
            delivery.extend(at - began for at in arrived)
    return {"writes": writes, "stored": len(sent), "failed": failed, "delivery": delivery, "missing": missing,
            "quiet": quiet, "busy": busy, "stats": stats, "events": len(sent) * args.dispatchers,
            "cpu": (quiet_cpu, busy_cpu)}


def sync_record(unit_id, device, body, *, ref: str) -> dict:
    """The position as a phone's outbox record (static/js/share.js), for ``POST /api/v1/sync``."""
    position = body["positions"][0]
    return {"ref": ref, "path": f"/units/{unit_id}/positions",
            "fields": [["device_id", device], *([name, str(position[name])] for name in
                                                ("lat", "lon", "accuracy_m", "recorded_at"))]}


def _normal(key):
    unit, recorded = key
    return unit, datetime.fromisoformat(recorded).astimezone(UTC).isoformat()


def report(args, r):
    quiet, busy = percentile(r["quiet"], 0.95), percentile(r["busy"], 0.95)
    print()
    print(f"Positions: one host (Procfile web + live), PostgreSQL + Redis; {args.units} units every "
          f"{args.interval:g} s ({args.units / args.interval:.1f} writes/s) for {args.seconds:g} s, "
          f"{args.dispatchers} dispatcher streams; positions sent "
          f"{'as outbox records through POST /api/v1/sync' if args.via == 'sync' else 'to the positions API'}")
    print(f"position writes: {len(r['writes'])}, stored {r['stored']}, refused/failed {r['failed']}")
    print(f"position write p50 {percentile(r['writes'], 0.5) * 1000:.1f} ms, p95 "
          f"{percentile(r['writes'], 0.95) * 1000:.1f} ms (target <= 50 ms)")
    print(f"position on a dispatcher's map: {len(r['delivery'])} of {r['events']} deliveries, p50 "
          f"{percentile(r['delivery'], 0.5):.3f} s, p99 {percentile(r['delivery'], 0.99):.3f} s (target <= 2 s)")
    print(f"ordinary API p95: {quiet * 1000:.1f} ms without positions, {busy * 1000:.1f} ms with; ratio "
          f"{busy / quiet if quiet else float('nan'):.2f} (target <= 1.5)")
    print(f"positions lost: {r['failed'] + r['missing']} (writes not stored {r['failed']}, deliveries missing "
          f"{r['missing']}) (target 0)")
    print(f"stream reconnects: {r['stats']['reconnects']}, refused streams: {r['stats']['refused']}")
    quiet_cpu, busy_cpu = r["cpu"]
    print("server CPU (user + system; unlike the times above, little affected by other work on the machine): "
          + ", ".join(f"{kind} {quiet_cpu[kind]:.1f} s -> {busy_cpu[kind]:.1f} s" for kind in busy_cpu)
          + " (without -> with positions)")
    if r["writes"]:
        # the phase with positions less the one without (the same prober in both)
        extra = {kind: busy_cpu[kind] - quiet_cpu[kind] for kind in busy_cpu}
        writes, deliveries = len(r["writes"]), max(1, len(r["delivery"]))
        print(f"CPU a position write: web {extra['web'] / writes * 1000:.1f} ms, PostgreSQL "
              f"{extra['postgres'] / writes * 1000:.1f} ms; live {extra['live'] / deliveries * 1e6:.0f} us a "
              f"delivery to a stream; {sum(busy_cpu.values()) / (args.seconds + GRACE_SECONDS):.2f} cores busy "
              f"with positions (without: {sum(quiet_cpu.values()) / args.seconds:.2f}, of 2)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between a unit's positions")
    parser.add_argument("--dispatchers", type=int, default=100, help="dispatch streams watching the map")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL admin URL (a database of the bench's own is made and dropped)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--via", choices=("api", "sync"), default="api",
                        help="api: POST /api/v1/units/<id>/positions (other clients); sync: each position an "
                             "outbox record through POST /api/v1/sync, as the crews' phones send it")
    args = parser.parse_args(argv)
    if not 1 <= args.units <= 2000 or not 0.5 <= args.interval <= 300 or not 1 <= args.dispatchers <= 1000 \
            or not 5 <= args.seconds <= 600:
        parser.error("keep it bounded: 1-2000 units, 0.5-300 s interval, 1-1000 dispatchers, 5-600 s")
    database = stack.Database(args.server, "fieldapp_bench_positions")
    env = stack.environment(DATABASE_URL=database.url, REDIS_URL=args.redis, SECRET_KEY=secrets.token_hex(32),
                            LIVE_CHANNEL=f"bench-positions-{uuid.uuid4().hex}:events")
    host = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-positions-") as logdir:
            print(f"database {database.name}; migrating (Procfile release:)", flush=True)
            stack.release(env)
            crews = create_crews(database.url, args.units)
            web_port, live_port = stack.free_ports(2)
            host = stack.Host("bench", env, web_port, live_port, Path(logdir)).start()
            print(f"host up: web {host.web_url}, live {host.live_url}", flush=True)
            report(args, asyncio.run(measure(args, crews, host, database)))
            host.stop()
            host = None
    finally:
        if host is not None:
            host.stop()
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
