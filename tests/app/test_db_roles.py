"""Least privilege on PostgreSQL: the app's role cannot delete, truncate, change or alter the
append-only tables (nor disable their triggers), while the app works as usual through it."""

import os
import secrets
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from fieldapp import create_app
from fieldapp.audit.models import AuditEvent
from fieldapp.dbroles import append_only_tables
from fieldapp.extensions import db as _db
from tests.fixtures.calls import call_body
from tests.fixtures.clients import Api
from tests.fixtures.encounters import encounter_body

pytestmark = pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"),
                                reason="database roles are PostgreSQL's")


@pytest.fixture
def app_role_url(app, db):
    """The app's role, created by `flask db-roles` in this test database. Roles are cluster-wide:
    the name carries the database's, so parallel test databases do not share one."""
    url = make_url(db.engine.url)
    role = f"fieldapp_app_{url.database}"[:63]
    password = secrets.token_hex(16)
    os.environ["FIELDAPP_TEST_ROLE_PASSWORD"] = password
    try:
        result = app.test_cli_runner().invoke(args=["db-roles", role, "--password-env", "FIELDAPP_TEST_ROLE_PASSWORD"])
    finally:
        del os.environ["FIELDAPP_TEST_ROLE_PASSWORD"]
    assert result.exit_code == 0, result.output + str(result.exception)
    yield url.set(username=role, password=password)
    with db.engine.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))


def test_append_only_tables_are_the_models_that_say_so():
    assert append_only_tables() == ["audit_events", "call_events", "live_events", "notes", "referral_events",
                                    "safety_plans"]


@pytest.mark.parametrize("statement", [
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "UPDATE {table} SET id = id",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "ALTER TABLE {table} DISABLE TRIGGER USER",
    "DROP TABLE {table}",
])
def test_the_apps_role_is_refused(app_role_url, statement):
    engine = create_engine(app_role_url)
    try:
        for table in append_only_tables():
            with pytest.raises(ProgrammingError, match="permission denied|must be owner"), engine.begin() as conn:
                conn.execute(text(statement.format(table=table)))
    finally:
        engine.dispose()


def test_the_app_works_through_its_role(app, db, app_role_url, make_user, shift):
    role_app = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SESSION_COOKIE_SECURE",
                                                           "FIELDAPP_TIMEZONE", "REDIS_URL")},
                           "SQLALCHEMY_DATABASE_URI": app_role_url.render_as_string(hide_password=False)})
    role_app.test_client_class = app.test_client_class
    api = Api(role_app)
    dispatcher = make_user("dispatcher")
    try:
        call = api.post("/api/v1/calls", call_body(), user=dispatcher)
        assert call.status_code == 201, call.get_json()
        call_id = call.get_json()["id"]
        assigned = api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
        assert assigned.status_code == 200, assigned.get_json()
        status = api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "acknowledged"},
                          user=shift.officer)
        assert status.status_code == 201, status.get_json()
        encounter = api.post(f"/api/v1/calls/{call_id}/encounters", encounter_body(), user=shift.clinician)
        assert encounter.status_code == 201, encounter.get_json()
        note = api.post(f"/api/v1/encounters/{encounter.get_json()['id']}/notes",
                        {"id": str(uuid.uuid4()), "body": "Calm; agreed to a check-in."}, user=shift.clinician)
        assert note.status_code == 201, note.get_json()
        assert api.get(f"/api/v1/calls/{call_id}", user=shift.officer).status_code == 200
    finally:
        assert role_app.extensions["fieldapp_jobs"].finish(10)  # its jobs (the metrics' spans) run as the role
        with role_app.app_context():
            _db.engine.dispose()
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"call.create", "call.assign", "call.status", "encounter.create", "note.create"} <= set(actions)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
