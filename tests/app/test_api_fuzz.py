"""Every operation of the OpenAPI document, fuzzed by schemathesis as every role (issue 8, finding 12).

The operations come from the app's own /api/openapi.json, so an endpoint added later is fuzzed
too. Each operation starts from a fresh small world (users of every role with tokens, a unit on
shift, a call on scene with an encounter, a referral, a note with a follow-up, a directory
service) and each generated request is sent:

- as every role and without a token, with the generated path parameters, and
- as every role again with the path parameters replaced by the world's real ids, so requests
  reach real records.

Checks: no 5xx, every response (errors included) matches its documented schema, and every status
is documented. Examples are few and derandomized so the run is repeatable and stays within a few
minutes (``FUZZ_EXAMPLES`` raises the count for a longer local run). Marked ``fuzz``:
``make test-fuzz`` runs it on SQLite; ``make test-sqlite``/``test-postgres`` leave it out.
"""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from flask import current_app
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from fieldapp.accounts import services as accounts
from fieldapp.extensions import db as _db
from fieldapp.push import keys as push_keys
from tests.fixtures.calls import call_body
from tests.fixtures.encounters import encounter_body
from tests.fixtures.factories import ShiftFactory, UserFactory

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
ROLES = ("admin", "dispatcher", "officer", "clinician", "program_manager")


def empty_database():
    _db.session.rollback()
    _db.session.remove()
    current_app.extensions["fieldapp_jobs"].wait_idle(10)  # in-process jobs finish on these rows first
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


def bearer(user) -> dict:
    token, _ = accounts.start_session(user, "api", ip="127.0.0.1", user_agent="schemathesis")
    return {"Authorization": f"Bearer {token}"}


def build_world(client) -> tuple[dict, dict]:
    """(headers by role, real ids by path parameter name)."""
    shift = ShiftFactory()
    users = {"officer": shift.officer, "clinician": shift.clinician,
             **{role: UserFactory(role=role) for role in ("admin", "dispatcher", "program_manager")}}
    spare = UserFactory(role="officer")
    headers = {None: {}, **{role: bearer(user) for role, user in users.items()}}
    bearer(spare)

    def post(path, body, role):
        response = client.post(path, json=body, headers=headers[role])
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json()

    org = post("/api/v1/organizations", {"name": "Harbor Behavioral Health"}, "admin")
    service = post("/api/v1/services", {"organization_id": org["id"], "name": "Mobile Crisis Follow-up",
                                        "category": "mental_health"}, "admin")
    call = post("/api/v1/calls", call_body(), "dispatcher")
    post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, "dispatcher")
    for status in ("acknowledged", "en_route", "on_scene"):
        post(f"/api/v1/calls/{call['id']}/status", {"id": str(uuid.uuid4()), "status": status}, "officer")
    encounter = post(f"/api/v1/calls/{call['id']}/encounters", encounter_body(), "clinician")
    referral = post(f"/api/v1/encounters/{encounter['id']}/referrals",
                    {"id": str(uuid.uuid4()), "service_id": service["id"],
                     "consent": {"type": "verbal", "given_by": "the person"}}, "clinician")
    note = post(f"/api/v1/encounters/{encounter['id']}/notes",
                {"id": str(uuid.uuid4()), "body": "Stable; sister stays tonight.",
                 "follow_up_due": (datetime.now(UTC) + timedelta(days=3)).isoformat()}, "clinician")
    partner = post("/api/v1/integrations", {"name": "Harbor partner", "kind": "partner",
                                            "organization_id": org["id"]}, "admin")
    cad = post("/api/v1/integrations", {"name": "County CAD", "kind": "cad"}, "admin")
    crisis_line = post("/api/v1/integrations", {"name": "Lifeline East", "kind": "crisis_line"}, "admin")
    # Integration keys are callers too: every operation is also sent with a partner's, a CAD's and a
    # 988 crisis line's key.
    headers["partner key"] = {"Authorization": f"Bearer {partner['key']}"}
    headers["cad key"] = {"Authorization": f"Bearer {cad['key']}"}
    headers["crisis line key"] = {"Authorization": f"Bearer {crisis_line['key']}"}
    followups = client.get("/api/v1/followups", headers=headers["clinician"]).get_json() or []
    sessions = client.get("/api/v1/me/sessions", headers=headers["officer"]).get_json() or [{}]
    ids = {"call_id": call["id"], "unit_id": shift.unit_id, "encounter_id": encounter["id"],
           "person_id": encounter["person"]["id"], "referral_id": referral["id"], "note_id": note["id"],
           "service_id": service["id"], "org_id": org["id"], "user_id": spare.id,
           "account_id": cad["id"],
           "session_id": sessions[0].get("id", 1),
           "followup_id": followups[0]["id"] if followups else str(uuid.uuid4())}
    return headers, ids


@pytest.fixture
def fuzz_schema(app):
    """The schema, with no app context held open: each request must get its own, as under gunicorn."""
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    with app.app_context():
        empty_database()


def fuzz_operation(operation, headers, ids, statuses: set) -> list[str]:
    """Run one operation's examples; returns the failures found (no shrinking: a report, fast).
    Adds the statuses answered to ``statuses``."""
    failures = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
    def run(case):
        variants = [dict(case.path_parameters or {})]
        if case.path_parameters and set(case.path_parameters) <= set(ids):
            variants.append({name: ids[name] for name in case.path_parameters})
        for path_parameters in variants:
            case.path_parameters = path_parameters
            for role, role_headers in headers.items():  # nobody first
                try:
                    response = case.call_and_validate(headers=role_headers, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported together below
                    failures.append(f"{operation.label} as {role or 'nobody'} {path_parameters}: "
                                    f"{str(error)[:1500]}")
                    continue
                statuses.add(response.status_code)
                if role is None and response.status_code != 401:
                    break  # a public operation (signing in): the same for every role

    run()
    return failures


def test_every_operation_as_every_role_conforms_to_the_openapi_document(app, fuzz_schema, monkeypatch):
    """Reads share one world; each change (which may revoke a token, close the shift, clear the
    call) gets a fresh one."""
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", push_keys.generate()[0])  # Web Push on
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", "mailto:ops@agency.example")
    operations = sorted((result.ok() for result in fuzz_schema.get_all_operations()),
                        key=lambda operation: operation.method.upper() != "GET")
    failures, fresh, client, answered = [], False, app.test_client(), {}
    for operation in operations:
        if not fresh:
            with app.app_context():
                empty_database()
                headers, ids = build_world(client)
                _db.session.remove()
        fresh = operation.method.upper() == "GET"
        answered[operation.label] = set()
        failures.extend(fuzz_operation(operation, headers, ids, answered[operation.label]))
    assert len(operations) >= 40, len(operations)
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:30])
    unread = sorted(label for label, statuses in answered.items()
                    if label.startswith("GET ") and not any(status < 300 for status in statuses))
    assert not unread, f"reads that never reached a record: {unread}"
