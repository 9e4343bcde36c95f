"""988 hand-offs in: a crisis line's FHIR R4 ServiceRequest (or EIDO document) becomes a pending call with
source 988; the same request again is the same call; what fieldapp cannot map is an OperationOutcome
naming the element. Parsed back with fhir.resources' R4B models."""

import copy
import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.task import Task
from sqlalchemy import func, select

from fieldapp.calls.models import Call
from fieldapp.integrations.crisisline.models import CrisisHandoff
from tests.fixtures.integrations import bearer, cad_account, crisis_account, eido_sample, fhir, service_request

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def center(db):
    account, key, _ = crisis_account()
    return account, key


def post(client, key, body, content_type=FHIR_JSON):
    import json

    return client.post("/api/v1/fhir/ServiceRequest", data=json.dumps(body), content_type=content_type,
                       headers=bearer(key))


def outcome(response, status):
    """The OperationOutcome of an error: its status, media type and FHIR shape."""
    body = fhir(response, OperationOutcome, status)
    assert body["issue"] and all(issue["severity"] == "error" for issue in body["issue"])
    return body


def expressions(body) -> set[str]:
    return {expression for issue in body["issue"] for expression in issue.get("expression", [])}


def calls(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Call))


def test_a_handoff_becomes_a_pending_988_call_with_the_warm_handoff_note(client, db, center):
    _, key = center
    response = post(client, key, service_request())
    bundle = fhir(response, Bundle, 201)
    request, task = (entry["resource"] for entry in bundle["entry"])
    Task.model_validate(task)
    call = db.session.scalars(select(Call)).one()
    assert (call.source, call.status, call.call_type, call.priority) == ("988", "pending", "SUICTHRT", 2)
    assert call.address == "88 Harbor Way, Apt 3, Springfield, IL 62701"
    assert (call.lat, call.lon, call.callback) == (39.7817, -89.6501, "+1 555 0142")
    assert call.handoff_note == "Warm hand-off: Sam is calm now, at home alone; prefers a female clinician."
    assert "Person: Sam Okafor, born 1994-07-19, female" in call.narrative
    assert "Reason: Caller reports thoughts of suicide, no plan (http://snomed.info/sct|6471006)" in call.narrative
    handoff = db.session.scalars(select(CrisisHandoff)).one()
    assert request["id"] == task["id"] == str(handoff.id)
    assert {"system": "urn:fieldapp:call", "value": str(call.id)} in request["identifier"]
    assert task["identifier"] == [{"system": "urn:fieldapp:call", "value": str(call.id)}]
    assert task["status"] == "requested" and task["businessStatus"]["text"] == "Pending"
    assert task["basedOn"] == [{"reference": f"ServiceRequest/{handoff.id}"}]
    assert response.headers["Location"].endswith(f"/api/v1/fhir/ServiceRequest/{handoff.id}")


def test_the_board_shows_a_988_badge_and_the_call_page_the_note(client, db, center, pages, dispatcher):
    post(client, center[1], service_request())
    call = db.session.scalars(select(Call)).one()
    browser = pages(dispatcher)
    board = browser.get("/board").get_data(as_text=True)
    assert 'class="badge badge-988"' in board and f'data-call-id="{call.id}"' in board
    page = browser.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Warm hand-off from 988" in page and "prefers a female clinician" in page


def test_the_same_request_again_creates_nothing(client, db, center):
    first = post(client, center[1], service_request())
    again = post(client, center[1], service_request())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json(force=True) == first.get_json(force=True)
    assert calls(db) == 1
    without_identifier = service_request()
    del without_identifier["identifier"]
    assert post(client, center[1], without_identifier).status_code == 201
    assert post(client, center[1], without_identifier).status_code == 200  # the same body: the same call
    assert calls(db) == 2


def test_the_same_identifier_with_another_body_is_a_conflict(client, db, center):
    post(client, center[1], service_request())
    body = outcome(post(client, center[1], service_request(priority="stat")), 409)
    assert expressions(body) == {"ServiceRequest.identifier"}
    assert body["issue"][0]["code"] == "conflict" and calls(db) == 1


def test_another_center_may_use_the_same_identifier(client, db, center):
    _, other_key, _ = crisis_account("Lifeline Center West")
    assert post(client, center[1], service_request()).status_code == 201
    assert post(client, other_key, service_request()).status_code == 201
    assert calls(db) == 2


@pytest.mark.parametrize("content_type", [FHIR_JSON, "application/json"])
def test_priorities_and_codes_map(client, db, center, content_type):
    body = service_request(priority="stat", reasonCode=[{
        "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "T14.91XA"}], "text": "Took pills"}])
    assert post(client, center[1], body, content_type).status_code == 201
    call = db.session.scalars(select(Call)).one()
    assert (call.priority, call.call_type) == (1, "SUICIDE")


def test_a_person_known_only_by_a_display_and_an_address_on_the_patient(client, db, center):
    body = service_request(subject={"display": "Unknown caller"})
    del body["locationReference"]
    body["contained"] = [{"resourceType": "Patient", "id": "person",
                          "address": [{"text": "12 Elm Street, Springfield"}]}]
    assert post(client, center[1], body).status_code == 422  # the subject does not point at it: no address
    body["subject"] = {"reference": "#person"}
    assert post(client, center[1], body).status_code == 201
    call = db.session.scalars(select(Call)).one()
    assert call.address == "12 Elm Street, Springfield" and call.callback is None
    assert "Person: name not known" in call.narrative


def test_a_birth_year_alone_is_a_birth_date(client, db, center):
    body = service_request()
    body["contained"][0]["birthDate"] = "1994"
    assert post(client, center[1], body).status_code == 201
    assert "Person: Sam Okafor, born 1994, female" in db.session.scalars(select(Call)).one().narrative


def _without(name):
    def change(body):
        del body[name]
    return change


def _set(path, value):
    def change(body):
        target = body
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return change


REFUSALS = [
    ("no priority", _without("priority"), "ServiceRequest.priority"),
    ("an unknown priority", _set(["priority"], "whenever"), "ServiceRequest.priority"),
    ("no reason", _without("reasonCode"), "ServiceRequest.reasonCode"),
    ("a reason without text", _set(["reasonCode", 0, "text"], " "), "ServiceRequest.reasonCode[0].text"),
    ("a reason without a code", _set(["reasonCode", 0, "coding"], []), "ServiceRequest.reasonCode[0].coding"),
    ("a code fieldapp cannot map", _set(["reasonCode", 0, "coding", 0, "code"], "73595000"),
     "ServiceRequest.reasonCode[0].coding[0].code"),
    ("no location", _without("locationReference"), "ServiceRequest.locationReference"),
    ("a location elsewhere", _set(["locationReference", 0, "reference"], "Location/17"),
     "ServiceRequest.locationReference[0].reference"),
    ("a location without address or position", _set(["contained", 1], {"resourceType": "Location", "id": "where"}),
     "ServiceRequest.contained[1].address"),
    ("a position off the Earth", _set(["contained", 1, "position", "latitude"], 123.5),
     "ServiceRequest.contained[1].position"),
    ("a patient elsewhere", _set(["subject", "reference"], "Patient/9"), "ServiceRequest.subject.reference"),
    ("a missing contained patient", _set(["subject", "reference"], "#nobody"), "ServiceRequest.subject.reference"),
    ("a birth date that is no date", _set(["contained", 0, "birthDate"], "1994-13-40"),
     "ServiceRequest.contained[0].birthDate"),
    ("a callback that is no phone number", _set(["contained", 0, "telecom", 0, "value"], "call me maybe"),
     "ServiceRequest.contained[0].telecom[0].value"),
    ("an element FHIR does not have", _set(["urgency"], "high"), "ServiceRequest.urgency"),
    ("a draft", _set(["status"], "draft"), "ServiceRequest.status"),
    ("a proposal", _set(["intent"], "proposal"), "ServiceRequest.intent"),
    ("do not perform", _set(["doNotPerform"], True), "ServiceRequest.doNotPerform"),
    ("a modifier extension", _set(["modifierExtension"], [{"url": "http://example.org/x", "valueBoolean": True}]),
     "ServiceRequest.modifierExtension"),
    ("a NUL byte", _set(["note", 0, "text"], "calm\x00"), "ServiceRequest.note[0].text"),
    ("a number for text", _set(["note", 0, "text"], 42), "ServiceRequest.note[0].text"),
    ("another resource", _set(["resourceType"], "Patient"), "ServiceRequest"),
    ("a contained resource FHIR does not have", _set(["contained", 0], {"resourceType": "Foo", "id": "person"}),
     "ServiceRequest.contained[0].resourceType"),
]


@pytest.mark.parametrize("change,expression", [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_what_fieldapp_cannot_map_is_refused_naming_the_element(client, db, center, change, expression):
    body = copy.deepcopy(service_request())
    change(body)
    found = outcome(post(client, center[1], body), 422)
    assert expression in expressions(found), found
    assert found["issue"][0]["diagnostics"] and found["issue"][0]["details"]["coding"][0]["code"] == "invalid"
    assert calls(db) == 0 and db.session.scalar(select(func.count()).select_from(CrisisHandoff)) == 0


def test_not_json_is_a_400_outcome(client, db, center):
    response = client.post("/api/v1/fhir/ServiceRequest", data="{not json", content_type=FHIR_JSON,
                           headers=bearer(center[1]))
    assert outcome(response, 400)["issue"][0]["code"] == "structure"


def test_only_a_crisis_line_key_hands_off(client, api, db, dispatcher):
    assert outcome(client.post("/api/v1/fhir/ServiceRequest", json=service_request()), 401)["issue"][0]["code"] \
        == "login"
    _, cad_key, _ = cad_account()
    assert outcome(post(client, cad_key, service_request()), 403)["issue"][0]["code"] == "forbidden"
    response = api.post("/api/v1/fhir/ServiceRequest", service_request(), user=dispatcher)
    assert outcome(response, 403)["issue"][0]["code"] == "forbidden"
    assert calls(db) == 0


def test_every_fhir_endpoint_answers_errors_as_operation_outcomes(client, api, db, make_user):
    clinician = make_user("clinician")
    missing = outcome(api.get(f"/api/v1/fhir/Task/{uuid.uuid4()}", user=clinician), 404)
    assert missing["issue"][0]["code"] == "not-found"
    assert outcome(api.get(f"/api/v1/fhir/ServiceRequest/{uuid.uuid4()}", user=clinician), 404)
    patch = api.patch(f"/api/v1/fhir/Task/{uuid.uuid4()}", {"status": "accepted"}, user=clinician)
    assert outcome(patch, 403)["issue"][0]["code"] == "forbidden"
    search = outcome(api.get("/api/v1/fhir/Task?_count=9999", user=make_user("admin")), 422)
    assert "_count" in expressions(search)
    assert outcome(client.get("/api/v1/fhir/Patient/1"), 404)
    assert outcome(client.delete(f"/api/v1/fhir/Task/{uuid.uuid4()}"), 405)["issue"][0]["code"] == "not-supported"
    assert client.get("/api/v1/calls/999999").mimetype == "application/json"  # the rest of the API is unchanged


def test_a_988_center_may_send_eido_too(client, db, center):
    response = client.post("/api/v1/cad/eido", json=eido_sample("sample-eido-2020.json"), headers=bearer(center[1]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    call = db.session.get(Call, body["call"]["id"])
    assert call.source == "988" and call.status == "pending"
    assert call.narrative.startswith("From 988 Lifeline Center East, incident")
    Task.model_validate(body["task"])
    assert body["task"]["status"] == "requested"
    handoff = db.session.scalars(select(CrisisHandoff)).one()
    assert (handoff.call_id, handoff.via, body["task"]["id"]) == (call.id, "eido", str(handoff.id))
    again = client.post("/api/v1/cad/eido", json=eido_sample("sample-eido-2020.json"), headers=bearer(center[1]))
    assert (again.status_code, again.get_json()["result"], again.get_json()["call"]["id"]) == (200, "replayed", call.id)
    assert calls(db) == 1


def test_eido_notes_of_a_988_center_are_its_warm_handoff(client, db, center):
    document = eido_sample("sample-eido-2020.json")
    document["notesComponent"] = [{"$id": "n1", "lastUpdateTimeStamp": "2020-10-29T18:40:04.338Z",
                                   "notesActionComments": "<p>Caller is calm; wants a clinician.</p>"}]
    assert client.post("/api/v1/cad/eido", json=document, headers=bearer(center[1])).status_code == 201
    assert db.session.scalars(select(Call)).one().handoff_note == "Caller is calm; wants a clinician."


def test_a_988_center_cannot_touch_a_cad_incident(client, db, center):
    _, cad_key, _ = cad_account()
    assert client.post("/api/v1/cad/eido", json=eido_sample("sample-eido-2020.json"),
                       headers=bearer(cad_key)).status_code == 201
    document = eido_sample("sample-eido-2020.json")
    document["LastUpdateTimeStamp"] = "2020-10-29T19:00:00Z"
    response = client.post("/api/v1/cad/eido", json=document, headers=bearer(center[1]))
    assert response.status_code == 409
    call = db.session.scalars(select(Call)).one()
    assert call.source == "911" and db.session.scalar(select(func.count()).select_from(CrisisHandoff)) == 0


def test_the_call_transfer_sample_without_an_incident_is_refused(client, db, center):
    response = client.post("/api/v1/cad/eido", json=eido_sample("sample-call-transfer.json"),
                           headers=bearer(center[1]))
    assert response.status_code == 422 and "incidentComponent" in response.get_json()["error"]["fields"]
    assert calls(db) == 0
