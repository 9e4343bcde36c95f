"""EIDO intake (POST /api/v1/cad/eido) against NENA's own samples and variants of them."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import Call, CallEvent
from tests.fixtures.integrations import bearer, cad_account, eido_sample

URL = "/api/v1/cad/eido"
CIVIC_LOCATION = "123e4567-dead-12d3-a456-426614174000"


@pytest.fixture
def cad(db):
    account, key, _ = cad_account()
    return account, key


def post(client, key, document):
    return client.post(URL, json=document, headers=bearer(key))


def calls(db):
    return db.session.scalars(select(Call)).all()


def crisis_document(stamp="2021-04-30T14:43:49.439-04:00", **incident_changes):
    """NENA's call-transfer sample with the incident, note and caution components a CAD adds."""
    document = eido_sample("sample-call-transfer.json")
    document["lastUpdateTimeStamp"] = stamp
    prologue = {"lastUpdateTimeStamp": stamp, "updatedByAgencyReference": {"$ref": "state.pa.us"}}
    incident = {"$id": "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us:incident", **prologue,
                "incidentTypeCommonRegistryText": "SUICTHRT", "internalIncidentId": "2021-000123",
                "incidentCommonPriorityNumber": 8,
                "locationReference": [{"$ref": CIVIC_LOCATION}],
                "personReference": [{"$ref": "123e4567-abcd-12d3-a456-426614174000"}],
                "notesReference": [{"$ref": "note-1"}]}
    incident.update(incident_changes)
    document["incidentComponent"] = [incident]
    document["notesComponent"] = [{"$id": "note-1", **prologue, "notesActionComments":
                                   "<p>Caller says her brother has a <b>knife</b> &amp; is threatening himself.</p>"}]
    document["cautionComponent"] = [{"$id": "caution-1", **prologue, "cautionTypeInternalText": "Armed with knife",
                                     "cautionTypeCommonRegistryText": "Weapon", "cautionSeverity": "highest"}]
    civic = next(c for c in document["locationComponent"] if c["$id"] == CIVIC_LOCATION)
    civic["locationDescriptionText"] = "Back porch, side door"
    civic["crossStreetByValue"] = ["Market Street"]
    return document


def newer(document, stamp):
    document = copy.deepcopy(document)
    document["lastUpdateTimeStamp"] = stamp
    for incident in document["incidentComponent"]:
        incident["lastUpdateTimeStamp"] = stamp
    return document


def test_the_2020_sample_creates_a_call_with_its_fields_mapped(client, cad, db):
    response = post(client, cad[1], eido_sample("sample-eido-2020.json"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["result"] == "created"
    call = calls(db)[0]
    assert call.external_id == "urn:emergency:uid:incidentid:0:psap.allegheny.pa.us"  # incidentTrackingIdentifier
    assert call.call_type == "OTHER"  # CU1 (civil unrest) is not a co-responder type and no mapping names it
    assert "CAD type: CU1 (10-101 CIVIL UNREST; REQUEST MUTUAL AID)" in call.narrative
    assert call.priority == 1  # incidentCommonPriorityNumber 10, "VERY HIGH PRIORITY"
    assert (call.lat, call.lon) == (40.441345, -80.000266)  # from gml:pos of a PIDF-LO that is not well-formed
    assert call.address == "40.441345, -80.000266"
    assert call.status == "pending"
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "call.create")).one()
    assert row.username == "integration:County CAD" and row.user_id is None


def test_the_agency_mapping_setting_maps_internal_codes(app, client, cad, db, monkeypatch):
    monkeypatch.setitem(app.config, "EIDO_INCIDENT_TYPE_MAP", {"10-101": "DISTURB"})
    assert post(client, cad[1], eido_sample("sample-eido-2020.json")).status_code == 201
    assert calls(db)[0].call_type == "DISTURB"


def test_the_call_transfer_sample_is_refused_naming_the_missing_incident(client, cad, db):
    response = post(client, cad[1], eido_sample("sample-call-transfer.json"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "incidentComponent" in error["message"] and "incidentComponent" in error["fields"]
    assert calls(db) == []


def test_a_crisis_incident_maps_location_callback_cautions_notes_and_reporting_party(client, cad, db):
    response = post(client, cad[1], crisis_document())
    assert response.status_code == 201, response.get_json()
    call = calls(db)[0]
    assert call.external_id == "2021-000123"
    assert call.call_type == "SUICTHRT" and call.priority == 1
    assert call.address == "42 W Cellular Street, Wilmington, DE"  # the civic address of the PIDF-LO
    assert call.callback == "8195551212"  # the tel: URI of the callback component
    assert call.cautions == ["weapons"]
    lines = call.narrative.splitlines()
    assert "CAUTION (highest): Armed with knife / Weapon" in lines
    assert "Location: Back porch, side door" in lines
    assert "Cross street: Market Street" in lines
    assert "Reporting party (Caller)" in lines
    assert "Note: Caller says her brother has a knife & is threatening himself." in lines
    # The sample's callStartTimestamp (2021) is older than a year: fieldapp's own receipt time is the
    # call's, and the CAD's start time is kept in the narrative.
    assert abs((call.received_at - datetime.now(UTC)).total_seconds()) < 120
    assert "CAD call start 2021-04-30T14:40:00-04:00 (not used as the receipt time: not within the last year)." \
        in lines


def test_a_recent_cad_start_time_is_the_calls_receipt_time(client, cad, db):
    document = crisis_document()
    started = (datetime.now(UTC) - timedelta(minutes=7)).replace(microsecond=0)
    for component in document["callComponent"]:
        component["callStartTimestamp"] = started.isoformat()
    assert post(client, cad[1], document).status_code == 201
    assert calls(db)[0].received_at == started


def test_the_same_or_an_older_timestamp_is_a_replay_and_changes_nothing(client, cad, db):
    document = crisis_document()
    assert post(client, cad[1], document).status_code == 201
    again = post(client, cad[1], document)
    assert again.status_code == 200 and again.get_json()["result"] == "replayed"
    older = newer(crisis_document(incidentCommonPriorityNumber=1), "2021-04-30T14:00:00-04:00")
    response = post(client, cad[1], older)
    assert response.status_code == 200 and response.get_json()["result"] == "replayed"
    call = calls(db)[0]
    assert call.priority == 1 and len(calls(db)) == 1
    assert db.session.scalar(select(func.count()).select_from(CallEvent)) == 1  # only 'created'


def test_a_newer_document_updates_the_call_without_touching_the_unit(client, cad, db, api, dispatcher, shift):
    assert post(client, cad[1], crisis_document()).status_code == 201
    call = calls(db)[0]
    assert api.post(f"/api/v1/calls/{call.id}/assign", {"unit_id": shift.unit_id}, user=dispatcher).status_code == 200
    update = newer(crisis_document(incidentTypeCommonRegistryText="MTLV", incidentCommonPriorityNumber=5),
                   "2021-04-30T14:50:00-04:00")
    update["notesComponent"].append({"$id": "note-2", "lastUpdateTimeStamp": "2021-04-30T14:50:00-04:00",
                                     "notesActionComments": "Subject now outside, still holding the knife."})
    update["incidentComponent"][0]["notesReference"].append({"$ref": "note-2"})
    response = post(client, cad[1], update)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["result"] == "updated"
    assert set(response.get_json()["changed"]) == {"call_type", "priority", "narrative"}
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert (call.call_type, call.priority) == ("MTLV", 2)
    assert call.status == "assigned" and call.unit_id == shift.unit_id
    assert "Note: Subject now outside, still holding the knife." in call.narrative.splitlines()
    entry = call.timeline[-1]
    assert entry.kind == "updated" and entry.status == "assigned"
    assert entry.reason.startswith("Updated by CAD County CAD: type SUICTHRT → MTLV")
    assert "priority 1 → 2" in entry.reason


def test_a_cancelled_incident_cancels_the_call_with_the_reason(client, cad, db):
    assert post(client, cad[1], crisis_document()).status_code == 201
    cancel = newer(crisis_document(incidentStatusCommonRegistryText=["Cancelled"],
                                   incidentStatusInternalText=["Caller called back: brother calmed down"]),
                   "2021-04-30T15:00:00-04:00")
    response = post(client, cad[1], cancel)
    assert response.status_code == 200 and response.get_json()["result"] == "cancelled"
    call = calls(db)[0]
    assert call.status == "cancelled"
    assert call.cancel_reason == "Caller called back: brother calmed down (cancelled by CAD County CAD)"


def _recase(value):
    """Upper-camel keys, as the 2020 sample writes them; $id and $ref stay."""
    if isinstance(value, dict):
        return {(key if key.startswith("$") else key[0].upper() + key[1:]): _recase(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_recase(item) for item in value]
    return value


def test_other_casings_and_shapes_map_the_same(client, cad, db):
    document = _recase(crisis_document())
    incident = document["IncidentComponent"][0]
    incident["IncidentTypeCommonRegistryText"] = ["SUICTHRT"]  # a list where a value was
    document["CautionComponent"] = document["CautionComponent"][0]  # one component, not a list
    response = post(client, cad[1], document)
    assert response.status_code == 201, response.get_json()
    call = calls(db)[0]
    assert (call.call_type, call.external_id, call.address) == \
        ("SUICTHRT", "2021-000123", "42 W Cellular Street, Wilmington, DE")
    assert call.cautions == ["weapons"]


def test_location_references_are_followed(client, cad, db):
    document = crisis_document()
    document["locationComponent"].insert(0, {
        "$id": "elsewhere", "lastUpdateTimeStamp": "2021-04-30T14:40:00-04:00",
        "locationTypeDescriptionRegistryText": "Caller",
        "locationByValue": "<presence xmlns='urn:ietf:params:xml:ns:pidf' xmlns:gml='http://www.opengis.net/gml'>"
                           "<gml:Point><gml:pos>39.7 -75.5</gml:pos></gml:Point></presence>"})
    assert post(client, cad[1], document).status_code == 201
    assert calls(db)[0].address == "42 W Cellular Street, Wilmington, DE"  # the referenced one, not the first


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                  '<presence>&lol2;</presence>')


@pytest.mark.parametrize("mutate, status, field", [
    (lambda d: d["incidentComponent"][0].update(incidentCommonPriorityNumber="high"), 422,
     "incidentCommonPriorityNumber"),
    (lambda d: d["incidentComponent"][0].update(incidentTypeCommonRegistryText={"x": 1}), 422,
     "incidentTypeCommonRegistryText"),
    (lambda d: d["incidentComponent"][0].update(internalIncidentId="x" * 65), 422,
     "incidentComponent.internalIncidentId"),
    (lambda d: d.update(lastUpdateTimeStamp="yesterday"), 422, "lastUpdateTimeStamp"),
    (lambda d: d["locationComponent"][0].update(locationByValue=BILLION_LAUGHS), 422,
     "locationComponent[0].locationByValue"),
    (lambda d: d["notesComponent"][0].update(notesActionComments="nul \x00 byte"), 422,
     "notesComponent.0.notesActionComments"),
    (lambda d: d.update(locationComponent=[]), 422, "locationComponent"),
    (lambda d: d.update(incidentComponent=["not an object"]), 422, "incidentComponent"),
])
def test_wrong_types_are_refused_naming_the_field(client, cad, db, mutate, status, field):
    document = crisis_document()
    mutate(document)
    response = post(client, cad[1], document)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert calls(db) == []


def test_malformed_nested_and_oversized_bodies_are_4xx(app, client, cad, db):
    headers = {**bearer(cad[1]), "Content-Type": "application/json"}
    assert client.post(URL, data="{not json", headers=headers).status_code == 400
    assert client.post(URL, data="[" * 100000 + "]" * 100000, headers=headers).status_code in (400, 413)
    assert client.post(URL, data=json.dumps([1, 2]), headers=headers).status_code == 422
    big = crisis_document()
    big["notesComponent"][0]["notesActionComments"] = "x" * (app.config["EIDO_MAX_BYTES"] + 1)
    assert client.post(URL, data=json.dumps(big), headers=headers).status_code == 413
    assert calls(db) == []
