"""``make bench-sync``: 1,000 queued outbox records sent through POST /api/v1/sync, end to end.

    .venv/bin/python -m bench.sync [--records 1000] [--rounds 2]
                                   [--server postgresql://postgres@127.0.0.1:5432/postgres]
                                   [--redis redis://127.0.0.1:6379/3]

Starts one host as the Procfile does (`release:`, `web:` gunicorn and `live:`) in a database of its own
(made, then dropped), queues records as static/js/outbox-send.js holds them (status taps, encounters
and notes, as form records) and sends them the way it does: one request at a time, in order, as many
records per request as the server says (GET /session/csrf "sync_batch"). Each record's own result is
counted and the database checked afterwards (each stored exactly once). In the same run, as the
baseline, the same number of records sent in batches of 50 (the outbox before issue 24). The two
alternate for ``--rounds`` rounds; the best and the worst of each are printed. Target: <= 2 s; with
``--devices N``, N live streams held open on the host's live process meanwhile (a dispatcher's, as
bench.positions holds them, in a process of their own): target <= 5 s with 1,000.
"""

import argparse
import asyncio
import multiprocessing
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from bench import stack
from bench.positions import watch
from bench.stack import bearer, call, create_crews

OLD_BATCH = 50  # static/js/outbox-send.js before issue 24


def outbox_records(count: int, call_ids: list[int]) -> list[dict]:
    """``count`` form records as the outbox holds them: on each call three status taps, an encounter
    and a clinician's note on it."""
    queued = []
    for call_id in call_ids:
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
    return [{"ref": str(number), **record} for number, record in enumerate(queued[:count])]


async def assigned_calls(api, host, crews, count: int) -> list[int]:
    dispatcher = bearer(crews["dispatcher"])
    unit = crews["units"][0]
    ids = []
    for _ in range(count):
        _, body = await call(api, "POST", host.web_url + "/api/v1/calls", headers=dispatcher, json={
            "call_type": "WELFARE", "priority": 3, "narrative": "bench sync", "location": {"address": "2 Bench St"}})
        await call(api, "POST", f"{host.web_url}/api/v1/calls/{body['id']}/assign", headers=dispatcher,
                   json={"unit_id": unit["id"]})
        ids.append(body["id"])
    return ids


async def send(api, host, headers, records, batch) -> tuple[float, dict]:
    """The outbox's loop: one batch after the other, each record's result counted."""
    outcomes = {}
    started = time.perf_counter()
    for first in range(0, len(records), batch):
        status, body = await call(api, "POST", host.web_url + "/api/v1/sync", headers=headers,
                                  json={"records": records[first:first + batch]})
        for result in body["results"] if status == 200 else [{"result": f"batch answered {status}"}] * batch:
            outcomes[result["result"]] = outcomes.get(result["result"], 0) + 1
    return time.perf_counter() - started, outcomes


async def measure(args, crews, host):
    clinician = bearer(crews["units"][0]["tokens"][1])
    results = {"baseline": [], "server": []}
    expected = {"taps": 0, "encounters": 0}

    def sent(records):
        expected["taps"] += sum(record["path"].endswith("/status") for record in records)
        expected["encounters"] += sum(record["path"].endswith("/encounters/new") for record in records)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as api:
        _, session = await call(api, "GET", host.web_url + "/session/csrf", headers=clinician)
        server_batch = session["sync_batch"]
        warm = outbox_records(20, await assigned_calls(api, host, crews, 4))
        sent(warm)
        await send(api, host, clinician, warm, server_batch)  # the workers' first requests (imports, pools)
        for _ in range(args.rounds):
            for label, batch in (("baseline", OLD_BATCH), ("server", server_batch)):
                records = outbox_records(args.records, await assigned_calls(api, host, crews, (args.records + 4) // 5))
                sent(records)
                seconds, outcomes = await send(api, host, clinician, records, batch)
                results[label].append((seconds, outcomes))
                print(f"  {label} ({batch} per request): {seconds:.2f} s {outcomes}", flush=True)
    return server_batch, results, expected


def held_streams(crews, host, count: int):
    """``count`` live streams open on the host (bench.positions.watch, in a process of their own) until the
    returned function is called; it answers what they saw (reconnects, refusals)."""
    if not count:
        return lambda: None
    ready, halt, out = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
    process = multiprocessing.Process(target=watch, args=(crews["dispatcher"], host.live_url, count, ready, halt, out),
                                      daemon=True)
    process.start()
    if not ready.wait(180):
        process.kill()
        raise SystemExit(f"{count} live streams did not all connect within 180 s")
    print(f"  {count:,} live streams connected", flush=True)

    def stop():
        halt.set()
        _seen, stats = out.get(timeout=60)
        process.join(30)
        return stats
    return stop


def stored_once(database_url: str) -> tuple[int, int]:
    """(status events, encounters) in the database: each record stored exactly once."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        events = connection.execute("SELECT count(*) FROM call_events WHERE status IN "
                                    "('acknowledged', 'en_route', 'on_scene')").fetchone()[0]
        encounters = connection.execute("SELECT count(*) FROM encounters").fetchone()[0]
    return events, encounters


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--devices", type=int, default=0, help="live streams held open during the sync")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args(argv)
    if not 1 <= args.records <= 5000 or not 1 <= args.rounds <= 5 or not 0 <= args.devices <= 5000:
        parser.error("keep it bounded: 1-5000 records, 1-5 rounds, 0-5000 devices")
    database = stack.Database(args.server, "fieldapp_bench_sync")
    env = stack.environment(DATABASE_URL=database.url, REDIS_URL=args.redis, SECRET_KEY=secrets.token_hex(32),
                            LIVE_CHANNEL=f"bench-sync-{uuid.uuid4().hex}:events")
    host = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as logdir:
            # the Procfile's release: line, as stack.release runs it, with room for a busy machine
            subprocess.run(["/bin/sh", "-c", stack.procfile()["release"]],  # noqa: S603 - our own Procfile
                           cwd=stack.REPO, env=env, check=True, capture_output=True, timeout=900)
            crews = create_crews(database.url, 1)
            web_port, live_port = stack.free_ports(2)
            host = stack.Host("bench", env, web_port, live_port, Path(logdir)).start()
            print(f"host up: web {host.web_url}; database {database.name}", flush=True)
            streams = held_streams(crews, host, args.devices)
            try:
                server_batch, results, expected = asyncio.run(measure(args, crews, host))
            finally:
                held = streams()
            host.stop()
            host = None
        events, encounters = stored_once(database.url)
    finally:
        if host is not None:
            host.stop()
        database.drop()
    print()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (timings on a busy machine are longer)")
    best = {label: min(seconds for seconds, _ in runs) for label, runs in results.items()}
    worst = {label: max(seconds for seconds, _ in runs) for label, runs in results.items()}
    for label, batch in (("baseline", OLD_BATCH), ("server", server_batch)):
        print(f"batch sync, {args.records:,} queued outbox records, {batch} per request"
              f"{' (the server says: GET /session/csrf)' if label == 'server' else ' (baseline: before issue 24)'}: "
              f"best {best[label]:.2f} s, worst {worst[label]:.2f} s over {args.rounds} rounds")
    target = 5 if args.devices >= 1000 else 2
    if args.devices:
        print(f"while {args.devices:,} live streams were held open: {held}")
    verdict = "met" if worst["server"] <= target else ("met at best" if best["server"] <= target else "NOT met")
    print(f"server's batch size vs baseline, same run: {best['baseline'] / best['server']:.2f}x faster "
          f"(target <= {target} s: {verdict})")
    exact = events == expected["taps"] and encounters == expected["encounters"]
    print(f"database after the run: {events:,} status taps and {encounters:,} encounters for "
          f"{expected['taps']:,} and {expected['encounters']:,} sent: "
          f"{'each stored exactly once' if exact else 'DIFFERENT'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
