"""Referrals as FHIR R4, parsed with fhir.resources' R4B models (fhir.resources 8 has R5 as its default
and R4B and STU3 beside it; no plain R4 package. R4B keeps R4's ServiceRequest, Task, Consent and Bundle)."""

import base64
import json
import uuid

import pytest
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.referrals.constants import PART2_REDISCLOSURE_NOTICE
from tests.fixtures.integrations import fhir
from tests.fixtures.referrals import PART2, refer, step

TASK_STATUSES = {"requested", "accepted", "rejected", "cancelled", "in-progress", "on-hold", "failed", "completed",
                 "entered-in-error"}


@pytest.fixture
def referral(api, encounter, shift, services_directory):
    response = refer(api, encounter, shift.officer, services_directory["mental"], note="Prefers mornings")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_referral_is_a_service_request_with_its_consent(api, referral, shift, services_directory):
    body = fhir(api.get(f"/api/v1/fhir/ServiceRequest/{referral['id']}", user=shift.clinician), ServiceRequest)
    organization = services_directory["mental"].organization
    assert body["id"] == referral["id"] and body["intent"] == "order" and body["status"] == "active"
    assert body["performer"] == [{"reference": f"Organization/{organization.id}", "display": organization.name}]
    assert body["code"]["text"] == "Mobile Crisis Follow-up"
    assert body["category"][0]["coding"][0]["code"] == "mental_health"
    assert body["subject"]["display"] == "Jordan Reyes" and body["subject"]["reference"].startswith("Patient/")
    assert body["requester"]["display"] == shift.officer.username
    assert body["supportingInfo"] == [{"reference": "#consent", "display": "Consent to the referral"}]
    consent = body["contained"][0]
    Consent.model_validate(consent)
    assert consent["status"] == "active" and consent["provision"]["type"] == "permit"
    assert consent["performer"] == [{"display": "the person"}]
    assert consent["provision"]["actor"][0]["reference"]["reference"] == f"Organization/{organization.id}"
    assert body["note"] == [{"text": "Prefers mornings"}]
    assert "meta" not in body  # not a Part 2 referral


def test_the_task_tracks_the_service_request(api, referral, shift):
    body = fhir(api.get(f"/api/v1/fhir/Task/{referral['id']}", user=shift.clinician), Task)
    assert body["intent"] == "order" and body["status"] == "requested"
    assert body["code"]["coding"][0] == {"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill",
                                         "display": "Fulfill the focal request"}
    assert body["focus"] == {"reference": f"ServiceRequest/{referral['id']}"}
    assert body["owner"]["display"] == "Harbor Behavioral Health" and "statusReason" not in body


@pytest.mark.parametrize("path,task_status,reason", [
    (["accepted"], "accepted", None),
    (["accepted", "in_progress"], "in-progress", None),
    (["accepted", "in_progress", "completed"], "completed", None),
    (["declined"], "rejected", "Lives outside the service area"),
    (["unable_to_contact"], "on-hold", "Unable to contact: Lives outside the service area"),
    (["cancelled"], "cancelled", "Lives outside the service area"),
])
def test_referral_statuses_map_to_task_statuses(api, referral, shift, path, task_status, reason):
    for status in path:
        assert step(api, referral["id"], shift.clinician, status, reason="Lives outside the service area"
                    if status in ("declined", "unable_to_contact", "cancelled") else None).status_code == 201
    body = fhir(api.get(f"/api/v1/fhir/Task/{referral['id']}", user=shift.clinician), Task)
    assert body["status"] == task_status and body["status"] in TASK_STATUSES
    assert body.get("statusReason", {}).get("text") == reason
    request = fhir(api.get(f"/api/v1/fhir/ServiceRequest/{referral['id']}", user=shift.clinician), ServiceRequest)
    assert request["status"] == {"completed": "completed", "rejected": "revoked", "cancelled": "revoked"}.get(
        task_status, "active")


def test_fhir_shows_each_role_what_the_referral_api_shows(api, referral, shift, other_shift):
    officer = fhir(api.get(f"/api/v1/fhir/ServiceRequest/{referral['id']}", user=shift.officer), ServiceRequest)
    assert "note" not in officer and "performer" not in officer["contained"][0]  # no notes, no consent details
    assert officer["requester"] == {"display": "Co-responder program"}
    for path in ("ServiceRequest", "Task"):
        assert api.get(f"/api/v1/fhir/{path}/{referral['id']}", user=other_shift.officer).status_code == 404


def test_a_part2_referral_carries_the_redisclosure_notice_and_is_for_clinicians(
        api, encounter, shift, services_directory):
    made = refer(api, encounter, shift.clinician, services_directory["part2"],
                 consent={"type": "written", "given_by": "Jordan Reyes", "part2": PART2}).get_json()
    assert api.get(f"/api/v1/fhir/ServiceRequest/{made['id']}", user=shift.officer).status_code == 404
    body = fhir(api.get(f"/api/v1/fhir/ServiceRequest/{made['id']}", user=shift.clinician), ServiceRequest)
    assert {"text": PART2_REDISCLOSURE_NOTICE} in body["note"]
    assert [label["code"] for label in body["meta"]["security"]] == ["42CFRPart2", "NORDSCLCD"]
    consent = body["contained"][0]
    assert consent["policy"][0]["uri"].endswith("part-2")
    assert json.loads(base64.b64decode(consent["sourceAttachment"]["data"]))["recipient"] == PART2["recipient"]
    task = fhir(api.get(f"/api/v1/fhir/Task/{made['id']}", user=shift.clinician), Task)
    assert task["note"] == [{"text": PART2_REDISCLOSURE_NOTICE}]


def test_fhir_reads_are_audited_like_referral_reads(api, referral, shift, db):
    api.get(f"/api/v1/fhir/Task/{referral['id']}", user=shift.clinician)
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "referral.view")).all()
    assert [(v.username, v.object_id) for v in views] == [(shift.clinician.username, referral["id"])]


def test_an_unknown_referral_is_a_404(api, shift, db):
    assert api.get(f"/api/v1/fhir/Task/{uuid.uuid4()}", user=shift.clinician).status_code == 404
