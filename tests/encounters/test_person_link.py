"""A unit can link an encounter only to a person it may see (issue 8, finding 9)."""

import uuid

from sqlalchemy import func, select

from fieldapp.encounters.models import Encounter
from tests.fixtures.calls import call_body
from tests.fixtures.encounters import encounter_body


def _call_for(api, dispatcher, unit_id, address):
    call = api.post("/api/v1/calls", call_body(location={"address": address}), user=dispatcher).get_json()
    assert api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": unit_id}, user=dispatcher).status_code == 200
    return call


def test_a_unit_cannot_link_another_units_person(api, db, dispatcher, encounter, other_shift):
    """Unit A met Jordan; unit B, on another call elsewhere, cannot link Jordan by id."""
    theirs = encounter["person"]["id"]
    call = _call_for(api, dispatcher, other_shift.unit_id, "99 Distant Rd")
    body = encounter_body(person_id=theirs)
    del body["person"]

    response = api.post(f"/api/v1/calls/{call['id']}/encounters", body, user=other_shift.officer)

    assert response.status_code == 404
    assert "person_id" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Encounter.id)).where(Encounter.id == uuid.UUID(body["id"]))) == 0
    assert api.get(f"/api/v1/people/{theirs}", user=other_shift.officer).status_code == 404
    briefing = api.get(f"/api/v1/calls/{call['id']}/briefing", user=other_shift.officer).get_json()
    assert briefing["prior_encounters"] == 0
    assert theirs not in {person["id"] for person in briefing.get("people", [])}


def test_a_unit_can_link_a_person_it_met_this_shift(api, encounter, assigned_call, shift):
    body = encounter_body(person_id=encounter["person"]["id"])
    del body["person"]
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.officer)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["person"]["id"] == encounter["person"]["id"]


def test_a_clinician_can_link_anyone(api, dispatcher, encounter, other_shift):
    call = _call_for(api, dispatcher, other_shift.unit_id, "99 Distant Rd")
    body = encounter_body(person_id=encounter["person"]["id"])
    del body["person"]
    response = api.post(f"/api/v1/calls/{call['id']}/encounters", body, user=other_shift.clinician)
    assert response.status_code == 201, response.get_json()
