"""Fixtures: one app per test session on SQLite (default) or PostgreSQL (TEST_DATABASE_URL).

The schema is built by running the Alembic migrations, so every run also proves they work.
"""

import os
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from fieldapp import create_app
from fieldapp.accounts import passwords
from fieldapp.extensions import db as _db
from fieldapp.extensions import limiter
from fieldapp.metrics.models import DirtySpan

# Argon2id at its lowest cost for the in-process suite (as Django's test settings swap in a fast
# hasher): at the production profile, ~900 password checks were two thirds of the suite's time.
# Stored hashes carry their own parameters, so the app's rules (verify, rehash, dummy check) run
# unchanged; test_passwords proves the production profile itself. Set before the factories hash.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

from tests.fixtures.factories import PASSWORD, ShiftFactory, UnitFactory, UserFactory  # noqa: E402


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
            conn.execute(DirtySpan.__table__.delete())
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_user(db):
    def make(role="officer", **kwargs):
        return UserFactory(role=role, **kwargs)
    return make


@pytest.fixture
def shift(db):
    """A unit on duty: one clinician and one officer."""
    return ShiftFactory()


@pytest.fixture
def other_shift(db):
    return ShiftFactory()


@pytest.fixture
def unit(db):
    return UnitFactory()


class Api:
    """JSON API calls with a bearer token for a given user."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self._tokens = {}

    def token(self, user):
        if user.id not in self._tokens:
            response = self.client.post("/api/v1/auth/token",
                                        json={"username": user.username, "password": PASSWORD})
            assert response.status_code == 201, response.get_json()
            self._tokens[user.id] = response.get_json()["token"]
        return self._tokens[user.id]

    def headers(self, user):
        return {"Authorization": f"Bearer {self.token(user)}"} if user else {}

    def get(self, path, user=None, **kwargs):
        return self.client.get(path, headers=self.headers(user), **kwargs)

    def post(self, path, json=None, user=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers(user), **kwargs)

    def patch(self, path, json=None, user=None, **kwargs):
        return self.client.patch(path, json=json, headers=self.headers(user), **kwargs)

    def delete(self, path, user=None, **kwargs):
        return self.client.delete(path, headers=self.headers(user), **kwargs)


@pytest.fixture
def api(app, db):
    return Api(app)


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


class Pages:
    """A browser-like client: signs in through the login form and posts forms with the CSRF token."""

    def __init__(self, app):
        self.client = app.test_client()

    def csrf(self, path="/login"):
        html = self.client.get(path).get_data(as_text=True)
        return CSRF_RE.search(html).group(1)

    def login(self, user, password=PASSWORD):
        token = self.csrf("/login")
        return self.client.post("/login", data={"username": user.username, "password": password,
                                                "csrf_token": token})

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf("/account")
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def pages(app, db):
    def make(user=None):
        browser = Pages(app)
        if user is not None:
            response = browser.login(user)
            assert response.status_code == 302, response.get_data(as_text=True)
        return browser
    return make


# A recent day for fixed device times: the input rules accept a device's time within the last year.
RECENT_DAY = (datetime.now(UTC) - timedelta(days=4)).date().isoformat()


def call_body(**overrides):
    body = {"call_type": "EDP", "priority": 2, "location": {"address": "12 Elm St", "lat": 40.7, "lon": -74.0},
            "narrative": "Man talking to himself, pacing in traffic.", "cautions": ["dog"],
            "callback": "555-0101"}
    body.update(overrides)
    return body


@pytest.fixture
def dispatcher(make_user):
    return make_user("dispatcher", username="dispatch")


@pytest.fixture
def new_call(api, dispatcher):
    def make(**overrides):
        response = api.post("/api/v1/calls", call_body(**overrides), user=dispatcher)
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return make


@pytest.fixture
def assigned_call(api, dispatcher, new_call, shift):
    call = new_call()
    response = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def services_directory(db):
    """A mental-health service and a 42 CFR Part 2 substance-use treatment program."""
    from fieldapp.directory.models import Organization, Service

    org = Organization(name="Harbor Behavioral Health")
    db.session.add(org)
    mental = Service(organization=org, name="Mobile Crisis Follow-up", category="mental_health",
                     phone="555-0150", eligibility_description="Adults 18+")
    part2 = Service(organization=org, name="Harbor Opioid Treatment Program", category="substance_use",
                    part2_program=True)
    closed = Service(organization=org, name="Old Drop-in Center", category="peer_support", status="inactive")
    db.session.add_all([mental, part2, closed])
    db.session.commit()
    return {"mental": mental, "part2": part2, "closed": closed}


def encounter_body(**overrides):
    body = {"id": str(uuid.uuid4()), "outcome": "resolved", "concerns": ["mental_health"],
            "person": {"given_name": "Jordan", "family_name": "Reyes", "dob": "1990-04-02", "gender": "man",
                       "race_ethnicity": ["hispanic_latino"], "preferred_language": "Spanish"},
            "transport": "none", "narrative": "De-escalated; agreed to call sister."}
    body.update(overrides)
    return body


@pytest.fixture
def encounter(api, assigned_call, shift):
    """An encounter logged by the clinician of the assigned unit."""
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", encounter_body(), user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
