"""Start fieldapp the way the Procfile does (its `release:`, `web:` and `live:` lines), on loopback,
for the benchmarks (bench.live, bench.positions, bench.sync, bench.load) and the two-host test
(tests/live/test_hosts.py); and the benchmarks' shared client pieces (crews, requests, percentiles)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin, without resolving the python symlink


def procfile() -> dict[str, str]:
    lines = (REPO / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line and not line.startswith("#"))


def environment(**settings) -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "FIELDAPP_ENV": "development",
            "SESSION_COOKIE_SECURE": "0", **{key: str(value) for key, value in settings.items()}}


def release(env: dict) -> None:
    subprocess.run(["/bin/sh", "-c", procfile()["release"]],  # noqa: S603 - the repository's own Procfile
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=120)


def flask(env: dict, *args) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "fieldapp", *args],  # noqa: S603 - the venv's own flask
                          cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=120)
    return done.stdout


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 - our http URL
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def wait_until(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")
        time.sleep(0.2)


class Host:
    """One app host: the Procfile's web and live processes on two loopback ports."""

    def __init__(self, name: str, env: dict, web_port: int, live_port: int, logdir: Path):
        self.name, self.env, self.logdir = name, env, logdir
        self.web_port, self.live_port = web_port, live_port
        self.web_url, self.live_url = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{live_port}"
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self) -> "Host":
        lines = procfile()
        env = {**self.env, "PORT": str(self.web_port), "BIND": f"127.0.0.1:{self.web_port}",
               "LIVE_PORT": str(self.live_port), "LIVE_BIND": f"127.0.0.1:{self.live_port}"}
        for kind in ("web", "live"):
            log = open(self.logdir / f"{self.name}-{kind}.log", "w")  # noqa: SIM115 - closed with the process
            self.processes[kind] = subprocess.Popen(  # noqa: S603 - the repository's own Procfile
                ["/bin/sh", "-c", "exec " + lines[kind]], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            log.close()
        wait_until(lambda: healthy(self.web_url) and healthy(self.live_url), f"host {self.name}", 180)
        return self

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def pids(self, *kinds: str) -> list[int]:
        """The host's processes: each Procfile process (or those of ``kinds``) and its children (gunicorn's workers)."""
        found, todo = [], [p.pid for kind, p in self.processes.items()
                           if p.poll() is None and (not kinds or kind in kinds)]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo.extend(int(child) for child in task.read_text().split())
        return found

    def log(self, kind: str) -> str:
        return (self.logdir / f"{self.name}-{kind}.log").read_text(errors="replace")


def peak_rss_mib(pids) -> float:
    """The sum of each process's peak resident memory (VmHWM)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def resident_mib(pids) -> float:
    """The sum of the processes' resident memory now (VmRSS)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def cpu_seconds(pids) -> float:
    """The CPU time (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (the 14th and 15th fields)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids) -> dict[int, float]:
    return {pid: cpu_seconds([pid]) for pid in pids}


def cpu_since(before: dict[int, float], pids) -> float:
    """CPU seconds the processes ``pids`` used since ``before`` (``cpu_by_pid``; a new process: all of its)."""
    return sum(cpu - before.get(pid, 0) for pid, cpu in cpu_by_pid(pids).items())


class Database:
    """A PostgreSQL database of its own, made from an admin URL and dropped at the end."""

    def __init__(self, admin_url: str, prefix: str):
        import psycopg

        self.admin_url = admin_url
        self.name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = admin_url.rsplit("/", 1)[0]
        self.url = f"{base}/{self.name}"

    def backend_pids(self) -> list[int]:
        """The PostgreSQL server processes serving this database now (a local server)."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3) as conn:
            return [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                   (self.name,))]

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or (("/usr/sbin/haproxy") if Path("/usr/sbin/haproxy").exists() else None)


# --- the benchmarks' clients (bench.live, bench.positions, bench.sync) -----------------------

def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def create_crews(database_url: str, units: int) -> dict:
    """Units with an open shift each, a dispatcher, and an API token per person (bench.load.crews's,
    every phone with a token): {"dispatcher": token, "units": [{"id": unit id, "tokens": [officer's,
    clinician's]}]}."""
    from bench.load.crews import create_crews as made_for_load

    made = made_for_load(database_url, units, browser_every=0)
    return {"dispatcher": made["dispatcher"]["token"],
            "units": [{"id": unit["id"], "tokens": [device["token"] for device in unit["devices"]]}
                      for unit in made["units"]]}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


async def call(api, method, url, **kwargs):
    """(status, body) of an API request; a connection the server had just closed (keep-alive) is
    tried once more, as browsers do (safe here: assignments and sync records are idempotent or refused)."""
    import aiohttp

    for attempt in (1, 2):
        try:
            async with api.request(method, url, **kwargs) as response:
                body = await response.read()
                return response.status, (json.loads(body) if body and response.content_type == "application/json"
                                         else None)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
