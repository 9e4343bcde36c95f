"""``make bench-live``: the Locust load run (bench/load/locustfile.py), headless, and its report.

    .venv/bin/python -m bench.load.run [--devices 1000] [--seconds 30] [--rate 2] [--hosts 1|2]
                                       [--host-stop] [--base-url URL --crews FILE]

With --base-url it aims at that deployment (credentials from --crews, the form in bench/load/ledger.py)
and starts nothing. Without, it starts the stack on loopback as the Procfile and deploy/ describe it:
a database of its own (made, then dropped), PgBouncer in transaction mode in front of it with
--hosts 2, `release:`, then per host `web:` and `live:`, and haproxy in front of the hosts; it
samples the app processes' memory and, with --host-stop, stops the second host when the run says so.
Figures: printed; CSV files and a chart under test-artifacts/bench/<one-host|two-hosts|remote>/.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import cluster, stack
from bench.load import report

OUT = stack.REPO / "test-artifacts" / "bench"


def run_locust(args, base_url: str, crews_file: Path, raw: Path, phase_file: Path, on_tick=None) -> int:
    env = {**os.environ, "LOAD_CREWS": str(crews_file), "LOAD_OUT": str(raw), "LOAD_PHASE_FILE": str(phase_file),
           "LOAD_DEVICES": str(args.devices), "LOAD_SECONDS": str(args.seconds), "LOAD_RATE": str(args.rate),
           "LOAD_BURST_DEVICES": str(args.burst), "LOAD_DROP_MEAN": str(args.drop_mean),
           "LOAD_HOST_STOP": "1" if args.host_stop else "0", "PYTHONPATH": str(stack.REPO)}
    command = [str(stack.BIN / "locust"), "-f", str(stack.REPO / "bench" / "load" / "locustfile.py"), "--headless",
               "--host", base_url, "--only-summary", "--csv", str(raw / "locust"), "--loglevel", "WARNING"]
    process = subprocess.Popen(command, cwd=stack.REPO, env=env)  # noqa: S603 - the venv's own locust
    while process.poll() is None:
        if on_tick is not None:
            on_tick(phase_file.read_text() if phase_file.exists() else "start")
        time.sleep(2)
    return process.returncode


def local(args, raw: Path, phase_file: Path) -> None:
    from bench.load.crews import create_crews

    database = stack.Database(args.server, "fieldapp_load")
    hosts, bouncer, proxy = [], None, None
    try:
        with tempfile.TemporaryDirectory(prefix="fieldapp-load-") as workdir:
            workdir = Path(workdir)
            url, pooler = database.url, None
            if args.hosts > 1:
                bouncer = cluster.PgBouncer(database.url, workdir / "pgbouncer", pool=args.pool).start()
                url, pooler = bouncer.url, "transaction"
                print(f"PgBouncer (transaction mode, {args.pool} server connections) at {url}", flush=True)
            env = stack.environment(DATABASE_URL=url, REDIS_URL=args.redis, SECRET_KEY=secrets.token_hex(32),
                                    LIVE_CHANNEL=f"bench-load-{uuid.uuid4().hex}:events",
                                    LOGIN_LIMIT_PER_ADDRESS="100000 per minute", **(
                                        {"DATABASE_POOLER": pooler} if pooler else {}))
            print(f"database {database.name}; migrating (Procfile release:)", flush=True)
            stack.release(env)
            crews = create_crews(url, (args.devices + 1) // 2, pooler=pooler)
            crews_file = workdir / "crews.json"
            crews_file.write_text(json.dumps(crews))
            for name in "ab"[:args.hosts]:
                hosts.append(stack.Host(name, env, *stack.free_ports(2), workdir).start())
            proxy = cluster.HAProxy(hosts, workdir, check="inter 1s fall 3 rise 2").start()  # a busy host is not down
            print(f"{len(hosts)} host(s) up behind haproxy at {proxy.url}", flush=True)
            samples, stopped = [], []

            def on_tick(phase):
                if args.host_stop and phase == "host-stop" and not stopped and len(hosts) > 1:
                    print(f"[load] stopping host {hosts[-1].name} (web and live)", flush=True)
                    samples.append((time.monotonic(), phase, stack.resident_mib(stack_pids(hosts))))
                    hosts[-1].stop()
                    stopped.append(hosts[-1])
                samples.append((time.monotonic(), phase, stack.resident_mib(stack_pids(hosts))))

            run_locust(args, proxy.url, crews_file, raw, phase_file, on_tick)
            with open(raw / "memory.csv", "w") as out:
                out.write("at,phase,rss_mib\n" + "".join(f"{at:.2f},{phase},{rss:.1f}\n" for at, phase, rss in samples))
    finally:
        if proxy is not None:
            proxy.stop()
        for host in hosts:
            host.stop()
        if bouncer is not None:
            bouncer.stop()
        database.drop()


def stack_pids(hosts) -> list[int]:
    return [pid for host in hosts for pid in host.pids()]


def verdict(summary, args) -> None:
    rows = {row["phase"]: row for row in summary}
    full, burst = rows.get("full"), rows.get("burst")
    limit = 2.0 if args.hosts == 1 else 1.0
    if full:
        print(f"at {full['devices']} devices: missed {full['missed']} (target 0), delivery p99 {full['p99']:.3f} s "
              f"(target <= {limit:g} s), API p95 {full['api_ratio']:.2f}x the small phase's (target <= 2)")
    if burst:
        print(f"burst of {args.burst} reconnects within 10 s: missed {burst['missed']} (target 0), delivery p99 "
              f"{burst['p99']:.3f} s to connected phones, {burst['resume_p99']:.3f} s from reopening to the event "
              f"for phones that were away (target <= 2 s)")
    if "host-stop" in rows:
        stop = rows["host-stop"]
        print(f"host stopped mid-run: missed {stop['missed']} (target 0), {stop['resumed']} deliveries to phones "
              f"that moved host, reopening -> event p99 {stop['resume_p99']:.3f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL") or None,
                        help="a running deployment (starts nothing); needs --crews")
    parser.add_argument("--crews", default=os.environ.get("LOAD_CREWS") or None, help="credentials file (JSON)")
    parser.add_argument("--devices", type=int, default=1000, help="devices at the full phase (two per unit)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each measured phase")
    parser.add_argument("--rate", type=float, default=2.0, help="assignments per second")
    parser.add_argument("--burst", type=int, default=500, help="phones losing the network at once in the burst")
    parser.add_argument("--drop-mean", type=float, default=600.0, help="mean seconds between a phone's drops")
    parser.add_argument("--hosts", type=int, default=1, choices=(1, 2), help="local app hosts (2: with PgBouncer)")
    parser.add_argument("--host-stop", action="store_true", help="stop the second host mid-run")
    parser.add_argument("--pool", type=int, default=20, help="PgBouncer's server connections (--hosts 2)")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL admin URL (local run: a database of its own is made and dropped)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: still stop the hosts and drop the database
    if not 10 <= args.devices <= 5000 or not 0 < args.rate <= 50 or not 0 < args.seconds <= 600:
        parser.error("keep it bounded: 10-5000 devices, rate 0-50/s, 0-600 s")
    if args.base_url and not args.crews:
        parser.error("--base-url needs --crews (or LOAD_CREWS): the credentials file")
    raw = OUT / ("remote" if args.base_url else "two-hosts" if args.hosts > 1 else "one-host") / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for old in raw.glob("*.csv"):
        old.unlink()
    phase_file = raw / "phase.txt"
    if args.base_url:
        run_locust(args, args.base_url, Path(args.crews), raw, phase_file)
        where = args.base_url
    else:
        local(args, raw, phase_file)
        where = f"{args.hosts} local host(s) behind haproxy" + (", PgBouncer (transaction)" if args.hosts > 1 else "")
    summary = report.summarize(raw)
    title = f"fieldapp live load: {where}, {args.rate:g} assignments/s, {args.seconds:g} s per phase"
    print("\n" + title)
    report.show(summary)
    verdict(summary, args)
    table, chart = report.save(summary, raw, title)
    print(f"saved {table}, {chart} and the raw ledger under {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
