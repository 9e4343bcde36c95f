"""Two app hosts behind HAProxy, sharing PostgreSQL and Redis: a dispatcher on one host and a unit on
the other see each other's changes live, and stopping a host loses no event (the unit reconnects
through the proxy to the other host and resumes after Last-Event-ID).

Each host runs the Procfile's `web:` and `live:` lines on loopback. Needs PostgreSQL (an admin URL:
TEST_HOSTS_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres; a database of its own
is made and dropped), Redis (TEST_REDIS_URL, default db 3; a channel of its own) and Debian's haproxy
(installed here with apt-get when missing, as the Makefile installs chromium)."""

import asyncio
import os
import secrets
import subprocess
import uuid

import pytest

from bench import stack
from tests.live.sse import Stream

pytestmark = pytest.mark.hosts

ADMIN_URL = os.environ.get("TEST_HOSTS_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
HAPROXY = """
global
    maxconn 2000
defaults
    mode http
    option redispatch
    retries 3
    timeout connect 1s
    timeout client 60s
    timeout server 60s
frontend fieldapp
    bind 127.0.0.1:{port}
    acl live_stream path /events
    use_backend live if live_stream
    default_backend web
backend web
    option httpchk GET /healthz
    use-server a if {{ req.hdr(x-test-host) -m str a }}
    use-server b if {{ req.hdr(x-test-host) -m str b }}
    server a 127.0.0.1:{a_web} check inter 300 fall 1 rise 1
    server b 127.0.0.1:{b_web} check inter 300 fall 1 rise 1
backend live
    balance leastconn
    option httpchk GET /healthz
    use-server a if {{ req.hdr(x-test-host) -m str a }}
    use-server b if {{ req.hdr(x-test-host) -m str b }}
    server a 127.0.0.1:{a_live} check inter 300 fall 1 rise 1
    server b 127.0.0.1:{b_live} check inter 300 fall 1 rise 1
"""


def haproxy_or_skip() -> str:
    binary = stack.haproxy_binary()
    if binary is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], capture_output=True, timeout=300)
        binary = stack.haproxy_binary()
    if binary is None:
        pytest.skip("haproxy is not installed and could not be installed "
                    "(run as root, or: sudo apt-get install haproxy)")
    return binary


def services_or_skip():
    import psycopg
    import redis

    problems = []
    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error:
        problems.append(f"PostgreSQL at {ADMIN_URL}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        problems.append(f"Redis at {REDIS_URL}")
    if problems:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("not reachable: " + ", ".join(problems))
        pytest.skip("two hosts need a shared database and Redis; not reachable: " + ", ".join(problems))


@pytest.fixture
def two_hosts(tmp_path):
    binary = haproxy_or_skip()
    services_or_skip()
    database = stack.Database(ADMIN_URL, "fieldapp_hosts")
    password = secrets.token_urlsafe(12)
    env = stack.environment(DATABASE_URL=database.url, REDIS_URL=REDIS_URL, SECRET_KEY=secrets.token_hex(32),
                            LIVE_CHANNEL=f"test-hosts-{uuid.uuid4().hex}:events", WEB_CONCURRENCY=1,
                            GUNICORN_THREADS=8)
    hosts, proxy = [], None
    try:
        stack.release(env)
        stack.flask(env, "seed-demo", "--password", password, "--no-history")
        ports = stack.free_ports(5)
        hosts = [stack.Host(name, env, ports[i * 2], ports[i * 2 + 1], tmp_path) for i, name in enumerate("ab")]
        for host in hosts:
            host.start()
        config = tmp_path / "haproxy.cfg"
        config.write_text(HAPROXY.format(port=ports[4], a_web=hosts[0].web_port, a_live=hosts[0].live_port,
                                         b_web=hosts[1].web_port, b_live=hosts[1].live_port))
        with open(tmp_path / "haproxy.log", "w") as log:
            proxy = subprocess.Popen([binary, "-f", str(config), "-db"], stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{ports[4]}"
        stack.wait_until(lambda: stack.healthy(url), "haproxy", 60)
        yield url, hosts, password
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(10)
        for host in hosts:
            host.stop()
        database.drop()


def test_two_hosts_share_live_changes_and_a_stopped_host_loses_no_event(two_hosts):
    url, (host_a, host_b), password = two_hosts
    import aiohttp

    async def token(http, username, host):
        async with http.post("/api/v1/auth/token", json={"username": username, "password": password},
                             headers={"X-Test-Host": host}) as response:
            assert response.status == 201, await response.text()
            return {"Authorization": f"Bearer {(await response.json())['token']}", "X-Test-Host": host}

    async def post(http, path, body, headers, status=(200, 201)):
        async with http.post(path, json=body, headers=headers) as response:
            assert response.status in status, await response.text()
            return await response.json()

    async def scenario():
        async with aiohttp.ClientSession(url, timeout=aiohttp.ClientTimeout(total=None, sock_connect=30)) as http:
            dispatcher = await token(http, "dispatcher", "a")  # the dispatcher works on host a
            unit = await token(http, "officer1", "b")  # the unit's phone on host b
            async with http.get("/api/v1/units", headers=dispatcher) as response:
                cr1 = {u["call_sign"]: u["id"] for u in await response.json()}["CR-1"]
            board = Stream(await http.get("/events", headers=dispatcher))
            phone = Stream(await http.get("/events", headers=unit))
            assert (await board.frame(30))[0] == "hello" and (await phone.frame(30))[0] == "hello"

            call = await post(http, "/api/v1/calls", {"call_type": "EDP", "priority": 2, "narrative": "Two hosts",
                                                      "location": {"address": "1 Host Way"}}, dispatcher)
            await post(http, f"/api/v1/calls/{call['id']}/assign", {"unit_id": cr1}, dispatcher)
            [(_, seen, assigned)] = await phone.calls(1, timeout=30)  # made on host a, seen on host b
            assert (assigned["type"], assigned["call_id"]) == ("call.assigned", call["id"])
            await post(http, f"/api/v1/calls/{call['id']}/status", {"id": str(uuid.uuid4()),
                                                                    "status": "acknowledged"}, unit)
            board_frames = await board.calls(3, timeout=30)  # created, assigned, and the unit's tap from host b
            assert [f[2]["type"] for f in board_frames] == ["call.created", "call.assigned", "call.status"]
            [(_, seen, acknowledged)] = await phone.calls(1, timeout=30)
            assert acknowledged["status"] == "acknowledged"

            host_b.stop()  # the unit's host goes away; its stream ends
            while (await phone.frame(timeout=30)) is not None:
                pass
            second = await post(http, "/api/v1/calls", {"call_type": "WELFARE", "priority": 3, "narrative": "x",
                                                        "location": {"address": "2 Host Way"}}, dispatcher)
            await post(http, f"/api/v1/calls/{second['id']}/assign", {"unit_id": cr1}, dispatcher)
            await post(http, f"/api/v1/calls/{call['id']}/cancel", {"reason": "Resolved by phone"}, dispatcher)

            # The phone reconnects as a browser does: the same address, Last-Event-ID; host a answers.
            resumed = Stream(await http.get("/events", headers={**unit, "Last-Event-ID": seen}))
            assert (await resumed.frame(30))[0] == "hello"
            missed = await resumed.calls(2, timeout=30)
            assert [(f[2]["type"], f[2]["call_id"]) for f in missed] == [
                ("call.assigned", second["id"]), ("call.cancelled", call["id"])]
            # and its own taps still land, on the host that is left
            await post(http, f"/api/v1/calls/{second['id']}/status", {"id": str(uuid.uuid4()),
                                                                      "status": "acknowledged"}, unit)
            assert [f[2]["call_id"] for f in await resumed.calls(1, timeout=30)] == [second["id"]]
            everything = await board.calls(4, timeout=30)
            assert [f[2]["type"] for f in everything] == ["call.created", "call.assigned", "call.cancelled",
                                                          "call.status"]
            board.response.close()
            resumed.response.close()

    asyncio.run(scenario())
