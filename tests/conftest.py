"""The app, its database and a client: one app per test session on SQLite (default) or PostgreSQL
(TEST_DATABASE_URL), its tables emptied after each test.

The schema is built by running the Alembic migrations, so every run also proves they work. The fixtures
of each part of the domain are in tests/fixtures/<part>.py, loaded below as plugins; helpers that are not
fixtures (request bodies, factories, local servers) are imported from the same modules.
"""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from fieldapp import create_app
from fieldapp.accounts import passwords
from fieldapp.extensions import db as _db
from fieldapp.extensions import limiter
from fieldapp.metrics.models import DirtySpan
from tests.fixtures.database import empty_tables, suite_engine_options

# Production refuses to start without FIELD_ENCRYPTION_KEY (fieldapp.crypto): the tests that read the
# production settings, and the servers they start, get one key for the run (tests/mfa/test_encryption.py
# proves the refusal without it).
os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())

# Argon2id at its lowest cost for the in-process suite (as Django's test settings swap in a fast
# hasher): at the production profile, ~900 password checks were two thirds of the suite's time.
# Stored hashes carry their own parameters, so the app's rules (verify, rehash, dummy check) run
# unchanged; test_passwords proves the production profile itself. Set before the factories hash.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)



def pytest_sessionstart(session):
    """The pages load the built static files (static/dist/, `make static`) and speak from the compiled
    catalogues (`make catalogues`): build them when a source changed since, as `make install` does, so a
    test never runs against an old bundle or translation."""
    subprocess.run(["make", "--no-print-directory", "--silent", "static", "catalogues"], check=True,
                   cwd=Path(__file__).resolve().parent.parent)


pytest_plugins = [
    "tests.fixtures.accounts",  # make_user, dispatcher, admin
    "tests.fixtures.clients",  # api, pages
    "tests.fixtures.units",  # shift, other_shift, unit
    "tests.fixtures.calls",  # new_call, assigned_call, crew_call
    "tests.fixtures.encounters",  # encounter, crew_encounter
    "tests.fixtures.billing",  # billing_crew, scene_encounter
    "tests.fixtures.directory",  # services_directory, add_org, add_service
    "tests.fixtures.jobs",  # rq_backend
    "tests.fixtures.push",  # push_on, service
    "tests.fixtures.servers",  # private_redis, dead_database_url
    "tests.fixtures.sso",  # oidc_provider (a real OpenID provider in-process), sso
    "tests.fixtures.integrations",  # insecure, receiver, wait
]

class RequestPerContextClient(FlaskClient):
    """Each request gets its own app context, database session and ``g``, as under gunicorn,
    even while a test holds an app context open to look at the database."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if _db.session.registry.has():
            _db.session.expire_all()  # the test's own view of the rows is refreshed
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or \
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": url,
        "SESSION_COOKIE_SECURE": False,
        "FIELDAPP_TIMEZONE": "America/New_York",
        "REDIS_URL": None,
        **suite_engine_options(url),
    })
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    yield app
    app.extensions["fieldapp_jobs"].finish(10)  # the in-process job thread lets go of its connection first
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()  # close pooled connections before the interpreter does (ResourceWarning)


@pytest.fixture
def db(app):
    """The database, emptied after each test."""
    with app.app_context():
        yield _db
        limiter.reset()  # sign-in failure counts (memory storage) start afresh with each test
        _db.session.rollback()
        _db.session.remove()
        # The in-process jobs (a metrics span, a push) finish on this test's rows, not the next test's;
        # with no span marked, a job enqueued by a sweep meanwhile finds nothing to do.
        app.extensions["fieldapp_jobs"].wait_idle(10)
        with _db.engine.begin() as conn:
            empty_tables(conn, first=[DirtySpan.__table__])


@pytest.fixture
def client(app, db):
    return app.test_client()


def pytest_collection_modifyitems(config, items):
    """A test marked ``no_database`` (slow, and the same whatever the database: pure computation, or
    a server pointed at an unreachable one) runs once, in the SQLite run: the PostgreSQL run
    (TEST_DATABASE_URL) deselects it rather than spend the same minutes on it again."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    once = [item for item in items if item.get_closest_marker("no_database")]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not item.get_closest_marker("no_database")]


def pytest_terminal_summary(terminalreporter, config):
    """Say which random order ran (pytest-randomly's own header is hidden by -q), so a failure that
    depends on the order can be run again in the same one."""
    if config.pluginmanager.hasplugin("randomly"):
        terminalreporter.write_line(f"Random test order: repeat it with --randomly-seed={config.option.randomly_seed}")
