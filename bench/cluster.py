"""Several hosts on one machine, as deploy/ describes them: PgBouncer in transaction mode in front of
PostgreSQL, and haproxy in front of the hosts' `web:` and `live:` processes (both from Debian's
packages; the Makefile installs them). Configurations are written into a temporary directory.
Used by the pooler test (tests/live/test_pgbouncer.py) and `make bench-live` / `bench-live-hosts`."""

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from bench import stack

PGBOUNCER_INI = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {workdir}/userlist.txt
pool_mode = transaction
max_client_conn = {clients}
default_pool_size = {pool}
ignore_startup_parameters = extra_float_digits
"""

HAPROXY = """\
global
    maxconn {maxconn}
defaults
    mode http
    option redispatch
    retries 3
    timeout connect 1s
    timeout client 120s
    timeout server 120s
frontend fieldapp
    bind 127.0.0.1:{port}
    acl live_stream path /events
    use_backend live if live_stream
    default_backend web
backend web
    balance roundrobin
    option httpchk GET /healthz
{web_servers}
backend live
    balance leastconn
    option httpchk GET /healthz
{live_servers}
"""
# A request may name its host (X-Test-Host: a) so a test can put a dispatcher on one host and a phone
# on the other; without the header haproxy balances as in production.
SERVER = ("    use-server {name} if {{ req.hdr(x-test-host) -m str {name} }}\n"
          "    server {name} 127.0.0.1:{port} check {check}")


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)


class PgBouncer:
    """PgBouncer (transaction mode) for the database at ``database_url``; ``url`` reaches it through
    the pooler with at most ``pool`` server connections."""

    def __init__(self, database_url: str, workdir: Path, *, pool: int = 20, clients: int = 4000):
        self.workdir, self.process = Path(workdir), None
        target = urlsplit(database_url)
        self.port = stack.free_ports(1)[0]
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "userlist.txt").write_text(f'"{target.username or "postgres"}" ""\n')
        (self.workdir / "pgbouncer.ini").write_text(PGBOUNCER_INI.format(
            host=target.hostname or "127.0.0.1", port=target.port or 5432, listen=self.port,
            workdir=self.workdir, clients=clients, pool=pool))
        self.url = database_url.replace(target.netloc, f"{target.username or 'postgres'}@127.0.0.1:{self.port}")

    def start(self) -> "PgBouncer":
        binary = pgbouncer_binary()
        if binary is None:
            raise RuntimeError("pgbouncer is not installed (sudo apt-get install pgbouncer)")
        os.chmod(self.workdir, 0o755)  # noqa: S103 - pgbouncer refuses root: it runs as nobody and reads its files
        for name in ("pgbouncer.ini", "userlist.txt"):
            os.chmod(self.workdir / name, 0o644)
        command = [binary, str(self.workdir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "nobody"]
        log = open(self.workdir / "pgbouncer.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        log.close()
        stack.wait_until(self._answers, "pgbouncer", 30)
        return self

    def _answers(self) -> bool:
        import psycopg

        if self.process.poll() is not None:
            raise RuntimeError("pgbouncer ended: " + (self.workdir / "pgbouncer.log").read_text())
        try:
            psycopg.connect(self.url, connect_timeout=2, prepare_threshold=None).close()
            return True
        except psycopg.Error:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class HAProxy:
    """haproxy on a loopback port in front of ``hosts`` (stack.Host): /events to their live
    processes (leastconn), the rest to their web processes."""

    def __init__(self, hosts, workdir: Path, *, maxconn: int = 8000, check: str = "inter 300 fall 1 rise 1"):
        self.workdir, self.process = Path(workdir), None
        self.port = stack.free_ports(1)[0]
        self.url = f"http://127.0.0.1:{self.port}"
        web = "\n".join(SERVER.format(name=host.name, port=host.web_port, check=check) for host in hosts)
        live = "\n".join(SERVER.format(name=host.name, port=host.live_port, check=check) for host in hosts)
        (self.workdir / "haproxy.cfg").write_text(HAPROXY.format(
            maxconn=maxconn, port=self.port, web_servers=web, live_servers=live))

    def start(self) -> "HAProxy":
        binary = stack.haproxy_binary()
        if binary is None:
            raise RuntimeError("haproxy is not installed (sudo apt-get install haproxy)")
        log = open(self.workdir / "haproxy.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen([binary, "-f", str(self.workdir / "haproxy.cfg"), "-db"],  # noqa: S603
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        stack.wait_until(self._answers, "haproxy", 60)
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("haproxy ended: " + (self.workdir / "haproxy.log").read_text())
        return stack.healthy(self.url)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
