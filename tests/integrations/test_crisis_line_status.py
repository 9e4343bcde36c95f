"""Status back to the 988 center: each change of its hand-off's call reaches the center's own HTTP
server (played by the test, verifying each signature) and the Task; never clinical notes or 42 CFR
Part 2 data; a center reads only its own hand-offs."""

import json
import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.integrations.webhooks.models import WebhookDelivery
from tests.fixtures.encounters import encounter_body
from tests.fixtures.integrations import bearer, crisis_account, fhir, service_request
from tests.fixtures.referrals import PART2, refer


@pytest.fixture
def center(client, db, insecure, receiver):
    """A 988 center with its webhook receiver, and one hand-off of it: (hook, key, call, task id)."""
    hook = receiver()
    _, key, secret = crisis_account(webhook_url=hook.url)
    hook.secret = secret
    response = client.post("/api/v1/fhir/ServiceRequest", json=service_request(), headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    task_id = response.get_json(force=True)["entry"][1]["resource"]["id"]
    return hook, key, db.session.scalars(select(Call)).one(), task_id


def tap(api, call_id, user, status, disposition=None):
    body = {"id": str(uuid.uuid4()), "status": status, **({"disposition": disposition} if disposition else {})}
    response = api.post(f"/api/v1/calls/{call_id}/status", body, user=user)
    assert response.status_code == 201, response.get_json()


def encounter_with_referral(api, call_id, shift, service, consent=None):
    response = api.post(f"/api/v1/calls/{call_id}/encounters", encounter_body(), user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    referral = refer(api, response.get_json(), shift.clinician, service, consent=consent, note="Call sister first")
    assert referral.status_code == 201, referral.get_json()


def test_each_change_reaches_the_center_signed_and_as_the_task(client, api, db, dispatcher, shift, center, wait,
                                                              services_directory):
    hook, key, call, task_id = center
    assert api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher).status_code == 200
    tap(api, call.id, shift.officer, "en_route")
    tap(api, call.id, shift.officer, "on_scene")
    encounter_with_referral(api, call.id, shift, services_directory["mental"])
    tap(api, call.id, shift.officer, "cleared", "encounter_logged")
    wait()

    assert hook.received and all(hook.verified(headers, body) for headers, body, _ in hook.received)
    bodies = hook.accepted()
    assert [(b["event"], b["fieldapp"]["status"], b["task"]["status"]) for b in bodies] == [
        ("call.assigned", "assigned", "accepted"), ("call.status", "en_route", "in-progress"),
        ("call.status", "on_scene", "in-progress"), ("encounter.outcome", "on_scene", "in-progress"),
        ("call.status", "cleared", "completed")]
    for body in bodies:
        Task.model_validate(body["task"])
        assert body["serviceRequest"] == f"ServiceRequest/{task_id}" and body["task"]["id"] == task_id
        assert body["identifier"] == "urn:oid:2.16.840.1.113883.3.988.1|988-2026-000417"
    assert bodies[0]["task"]["businessStatus"]["text"] == f"Assigned: {shift.unit.call_sign}"
    assert bodies[2]["fieldapp"]["referralMade"] is False
    cleared = bodies[-1]
    assert cleared["fieldapp"]["referralMade"] is True and cleared["fieldapp"]["disposition"] == "encounter_logged"
    assert {"type": {"text": "Referral made"}, "valueBoolean": True} in cleared["task"]["output"]
    assert cleared["task"]["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "encounter_logged"
    headers = hook.received[0][0]
    assert headers["X-Fieldapp-Event"] == "call.assigned"
    assert headers["X-Fieldapp-Delivery"] == str(bodies[0]["deliveryId"])
    text = json.dumps(bodies)  # never names, narrative, the hand-off note, encounter notes or the referral
    for secret in ("Sam", "Okafor", "1994", "555 0142", "Harbor Way", "female clinician", "thoughts of suicide",
                   "Jordan", "De-escalated", "Call sister", "Mobile Crisis Follow-up", "Harbor Behavioral"):
        assert secret not in text
    db.session.expire_all()
    for delivery in db.session.scalars(select(WebhookDelivery)):
        assert delivery.status == "delivered" and (delivery.delivered_at - delivery.created_at).total_seconds() < 60

    found = fhir(client.get(f"/api/v1/fhir/Task?based-on=ServiceRequest/{task_id}", headers=bearer(key)), Bundle)
    assert found["total"] == 1
    task = found["entry"][0]["resource"]
    assert (task["status"], task["businessStatus"]["text"]) == ("completed", "Cleared")
    assert task["executionPeriod"]["end"] and task["lastModified"]
    assert fhir(client.get(f"/api/v1/fhir/Task/{task_id}", headers=bearer(key)), Task) == task


def test_a_part2_referral_is_never_sent(client, api, db, dispatcher, shift, center, wait, services_directory):
    hook, key, call, task_id = center
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    tap(api, call.id, shift.officer, "en_route")
    tap(api, call.id, shift.officer, "on_scene")
    encounter_with_referral(api, call.id, shift, services_directory["part2"],
                            consent={"type": "written", "given_by": "Jordan Reyes", "part2": PART2})
    tap(api, call.id, shift.officer, "cleared", "encounter_logged")
    wait()
    bodies = hook.accepted()
    assert bodies[-1]["fieldapp"]["referralMade"] is False  # a Part 2 referral is not even counted
    text = json.dumps(bodies) + client.get(f"/api/v1/fhir/Task/{task_id}", headers=bearer(key)).get_data(as_text=True)
    for secret in ("Opioid", "42 CFR", "42CFRPart2", "substance", "Part 2", "Jordan"):
        assert secret not in text


@pytest.mark.parametrize("disposition,status,reason", [
    ("unable_to_locate", "failed", "Unable to locate"),
    ("refused", "failed", "Refused contact"),
    ("cancelled", "cancelled", "Cancelled en route / on scene"),
    ("other_agency", "completed", None),
])
def test_how_the_call_ended_is_the_tasks_status(client, api, dispatcher, shift, center, wait, disposition, status,
                                               reason):
    hook, key, call, task_id = center
    api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    tap(api, call.id, shift.officer, "en_route")
    tap(api, call.id, shift.officer, "cleared", disposition)
    wait()
    task = fhir(client.get(f"/api/v1/fhir/Task/{task_id}", headers=bearer(key)), Task)
    assert task["status"] == status and task.get("statusReason", {}).get("text") == reason
    assert hook.accepted()[-1]["task"] == task | {"lastModified": hook.accepted()[-1]["task"]["lastModified"]}


def test_a_cancelled_handoff_says_why(client, api, dispatcher, center, wait):
    hook, key, call, task_id = center
    assert api.post(f"/api/v1/calls/{call.id}/cancel", {"reason": "Caller safe with family"},
                    user=dispatcher).status_code == 200
    wait()
    [body] = hook.accepted()
    assert body["event"] == "call.cancelled"
    assert (body["task"]["status"], body["task"]["statusReason"]["text"]) == (
        "cancelled", "Cancelled: Caller safe with family")


def test_a_center_reads_only_its_own_handoffs(client, db, center, wait):
    hook, key, call, task_id = center
    _, other_key, _ = crisis_account("Lifeline Center West")
    for path in (f"/api/v1/fhir/Task/{task_id}", f"/api/v1/fhir/ServiceRequest/{task_id}"):
        fhir(client.get(path, headers=bearer(other_key)), OperationOutcome, 404)
    found = fhir(client.get(f"/api/v1/fhir/Task?based-on=ServiceRequest/{task_id}", headers=bearer(other_key)),
                 Bundle)
    assert found["total"] == 0 and fhir(client.get("/api/v1/fhir/Task", headers=bearer(other_key)),
                                        Bundle)["total"] == 0
    own = fhir(client.get(f"/api/v1/fhir/ServiceRequest/{task_id}", headers=bearer(key)), ServiceRequest)
    assert own["id"] == task_id and own["note"][0]["text"].startswith("Warm hand-off")  # what it sent itself
    bad = fhir(client.get("/api/v1/fhir/Task?based-on=Patient/1", headers=bearer(key)), OperationOutcome, 422)
    assert bad["issue"][0]["expression"] == ["based-on"]


def test_a_partner_key_or_a_cad_key_reads_no_handoff(client, db, center):
    from tests.fixtures.integrations import cad_account

    _, cad_key, _ = cad_account()
    fhir(client.get(f"/api/v1/fhir/Task/{center[3]}", headers=bearer(cad_key)), OperationOutcome, 403)


def test_an_eido_handoff_is_followed_by_its_center_and_never_by_a_cad(client, api, db, dispatcher, shift, insecure,
                                                                      receiver, wait):
    from tests.fixtures.integrations import cad_account, eido_sample

    center_hook, cad_hook = receiver(), receiver()
    _, key, secret = crisis_account(webhook_url=center_hook.url)
    center_hook.secret = secret
    cad_account(webhook_url=cad_hook.url)
    response = client.post("/api/v1/cad/eido", json=eido_sample("sample-eido-2020.json"), headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    call_id, task_id = response.get_json()["call"]["id"], response.get_json()["task"]["id"]
    api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    wait()
    assert cad_hook.received == []
    [(headers, raw, _)] = center_hook.received
    assert center_hook.verified(headers, raw)
    body = json.loads(raw)
    assert (body["event"], body["task"]["id"], body["task"]["status"]) == ("call.assigned", task_id, "accepted")
    assert body["identifier"] == "urn:emergency:uid:incidentid:0:psap.allegheny.pa.us"
