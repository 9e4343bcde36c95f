"""One app host (the Procfile's `release:`, `web:` and `live:`) on PostgreSQL through PgBouncer in
transaction mode with two server connections, so every transaction may land on a connection another
client used last: with DATABASE_POOLER=transaction nothing depends on session state (no prepared
statements, transaction-scoped advisory locks), and busy clients, a migration and the live channel
all work. Needs Debian's pgbouncer (the Makefile installs it), PostgreSQL and Redis as test_hosts.py."""

import asyncio
import secrets
import uuid

import pytest

from bench import cluster, stack
from bench.load.crews import create_crews
from fieldapp.database import engine_options
from tests.live.sse import Stream
from tests.live.test_hosts import ADMIN_URL, REDIS_URL, services_or_skip

pytestmark = pytest.mark.hosts


def test_the_transaction_pooler_setting_turns_off_prepared_statements():
    url = "postgresql+psycopg://app@db/fieldapp"
    pooled = engine_options({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_POOLER": "transaction",
                             "DATABASE_CONNECT_TIMEOUT": 5.0,
                             "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})
    assert pooled["pool_pre_ping"] is True
    assert pooled["connect_args"]["prepare_threshold"] is None
    direct = engine_options({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_CONNECT_TIMEOUT": 5.0})
    assert "prepare_threshold" not in direct["connect_args"]


@pytest.fixture
def pooled_host(tmp_path):
    if cluster.pgbouncer_binary() is None:
        pytest.skip("pgbouncer is not installed (make test-hosts installs it, or: sudo apt-get install pgbouncer)")
    services_or_skip()
    database = stack.Database(ADMIN_URL, "fieldapp_pgbouncer")
    bouncer, host = cluster.PgBouncer(database.url, tmp_path / "pgbouncer", pool=2), None
    try:
        bouncer.start()
        env = stack.environment(DATABASE_URL=bouncer.url, DATABASE_POOLER="transaction", REDIS_URL=REDIS_URL,
                                SECRET_KEY=secrets.token_hex(32), LIVE_CHANNEL=f"test-pgb-{uuid.uuid4().hex}:events",
                                WEB_CONCURRENCY=1, GUNICORN_THREADS=8)
        stack.release(env)  # the migrations, through the pooler too
        crews = create_crews(bouncer.url, 1, browser_every=0, pooler="transaction")  # a unit, its crew, tokens
        host = stack.Host("pooled", env, *stack.free_ports(2), tmp_path).start()
        yield host, crews
    finally:
        if host is not None:
            host.stop()
        bouncer.stop()
        database.drop()


def test_the_app_runs_through_pgbouncer_in_transaction_mode(pooled_host):
    host, crews = pooled_host
    import aiohttp

    async def scenario():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            dispatcher = {"Authorization": f"Bearer {crews['dispatcher']['token']}"}
            [unit] = crews["units"]
            phone = {"Authorization": f"Bearer {unit['devices'][0]['token']}"}
            stream = Stream(await http.get(host.live_url + "/events", headers=phone))
            assert (await stream.frame(30))[0] == "hello"

            async def busy_client(number):  # the same queries again and again, interleaved with the others
                statuses = []
                for _ in range(8):
                    async with http.get(host.web_url + "/api/v1/calls", headers=dispatcher) as response:
                        statuses.append(response.status)
                async with http.post(host.web_url + "/api/v1/calls", headers=dispatcher, json={
                        "call_type": "EDP", "priority": 2, "narrative": f"pooled {number}",
                        "location": {"address": f"{number} Pool St"}}) as response:
                    statuses.append(response.status)
                    call_id = (await response.json())["id"]
                async with http.post(f"{host.web_url}/api/v1/calls/{call_id}/assign", headers=dispatcher,
                                     json={"unit_id": unit["id"]}) as response:
                    statuses.append(response.status)
                return call_id, statuses

            results = await asyncio.gather(*(busy_client(number) for number in range(6)))
            assert {status for _, statuses in results for status in statuses} <= {200, 201}
            assigned = await stream.calls(6, timeout=30)
            assert sorted(frame[2]["call_id"] for frame in assigned) == sorted(call_id for call_id, _ in results)
            assert [int(frame[1]) for frame in assigned] == sorted(int(frame[1]) for frame in assigned)
            stream.response.close()

    asyncio.run(scenario())
    assert "Traceback" not in host.log("web") and "Traceback" not in host.log("live")
