"""The app with a fault proxy (tests.faults.proxy) between it and PostgreSQL, or between the live hub
and Redis. These tests need both servers: marked ``faults``, run by ``make test-faults``.

``FAULT_PARTITION_SECONDS`` sets the partitions' length (10 s by default for the suite lane;
``make bench-faults`` runs them with 30 s, and with ``FAULTS_FULL=1`` a status tap at 500 ms latency)."""

import os
import uuid
from urllib.parse import urlsplit

import pytest

from fieldapp import create_app
from fieldapp.extensions import db as _db
from tests.faults.proxy import FaultProxy
from tests.fixtures.clients import Api

PARTITION_SECONDS = float(os.environ.get("FAULT_PARTITION_SECONDS", "10"))
FULL = os.environ.get("FAULTS_FULL") == "1"  # make bench-faults: the slow cases too
CONNECT_TIMEOUT = 2.0  # the app's DATABASE_CONNECT_TIMEOUT here: how long a request may wait to connect
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port


@pytest.fixture
def pg_proxy(app):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the fault tests need PostgreSQL (TEST_DATABASE_URL)")
    proxy = FaultProxy(_address(url)).start()
    yield proxy
    proxy.close()


@pytest.fixture
def faulty_app(app, db, pg_proxy):
    """The app as a web process runs it, its database connections through ``pg_proxy``; the test's
    own ``db`` (the ``app`` fixture's, direct) sees what really landed."""
    proxied = create_app({**{key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SESSION_COOKIE_SECURE",
                                                                 "FIELDAPP_TIMEZONE", "REDIS_URL")},
                          "SQLALCHEMY_DATABASE_URI": pg_proxy.url(os.environ["TEST_DATABASE_URL"]),
                          "DATABASE_CONNECT_TIMEOUT": CONNECT_TIMEOUT})
    proxied.test_client_class = app.test_client_class
    yield proxied
    pg_proxy.clear()
    proxied.extensions["fieldapp_jobs"].finish(10)
    with proxied.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def faulty_api(faulty_app):
    return Api(faulty_app)


@pytest.fixture
def redis_proxy():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any reason Redis does not answer
        pytest.skip(f"the fault tests need Redis ({REDIS_URL}, TEST_REDIS_URL)")
    proxy = FaultProxy(_address(REDIS_URL)).start()
    yield proxy
    proxy.close()


@pytest.fixture
def channel(app):
    saved = app.config["LIVE_CHANNEL"]
    app.config["LIVE_CHANNEL"] = f"test-faults-{uuid.uuid4().hex}:events"
    yield app.config["LIVE_CHANNEL"]
    app.config["LIVE_CHANNEL"] = saved
