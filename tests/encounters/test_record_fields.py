"""fields (issue 11): the record's new fields through the API: stored, and refused naming the field."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.calls.models import Call
from fieldapp.eligibility.models import NotSentCount
from fieldapp.encounters.models import Encounter
from fieldapp.followup_contacts.models import FollowUpContact
from tests.fixtures.calls import call_body
from tests.fixtures.clock import RECENT_DAY
from tests.fixtures.encounters import encounter_body


@pytest.fixture
def districts(app, monkeypatch):
    monkeypatch.setitem(app.config, "DISTRICTS", ("North", "South"))


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_call_keeps_its_source_eligibility_and_district(api, dispatcher, districts, db):
    response = api.post("/api/v1/calls", call_body(source="988", eligible=False,
                                                   ineligible_reason="medical_emergency", district="North"),
                        user=dispatcher)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["source"], body["eligible"], body["ineligible_reason"], body["district"]) == \
        ("988", False, "medical_emergency", "North")
    stored = db.session.get(Call, body["id"])
    assert (stored.source, stored.eligible, stored.ineligible_reason, stored.district) == \
        ("988", False, "medical_emergency", "North")
    vocab = api.get("/api/v1/calls/vocabularies", user=dispatcher).get_json()
    assert vocab["districts"] == ["North", "South"] and "officer_request" in vocab["sources"]


@pytest.mark.parametrize("fields,field", [
    ({"source": "carrier_pigeon"}, "source"),
    ({"eligible": "yes"}, "eligible"),
    ({"eligible": False}, "ineligible_reason"),
    ({"eligible": True, "ineligible_reason": "crime_in_progress"}, "ineligible_reason"),
    ({"ineligible_reason": "bad_vibes", "eligible": False}, "ineligible_reason"),
    ({"district": "Atlantis"}, "district"),
    ({"district": "N" * 41}, "district"),
    ({"district": "North\x00"}, "district"),
])
def test_call_fields_that_do_not_fit_are_refused_naming_the_field(api, dispatcher, districts, db, fields, field):
    response = api.post("/api/v1/calls", call_body(**fields), user=dispatcher)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert _count(db, Call) == 0


def test_without_districts_set_up_a_district_is_refused(api, dispatcher, db):
    response = api.post("/api/v1/calls", call_body(district="North"), user=dispatcher)
    assert response.status_code == 422
    assert "No districts are set up" in response.get_json()["error"]["fields"]["district"][0]


def test_the_crew_records_the_final_type_and_eligibility_later(api, assigned_call, shift, dispatcher, other_shift,
                                                               db):
    path = f"/api/v1/calls/{assigned_call['id']}"
    changed = api.patch(path, {"final_call_type": "OD", "eligible": True}, user=shift.officer)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["final_call_type"] == "OD" and changed.get_json()["call_type"] == "EDP"
    refused = api.patch(path, {"eligible": False}, user=dispatcher)
    assert refused.status_code == 422 and "ineligible_reason" in refused.get_json()["error"]["fields"]
    assert api.patch(path, {}, user=dispatcher).status_code == 422
    assert api.patch(path, {"final_call_type": "NOPE"}, user=dispatcher).status_code == 422
    assert api.patch(path, {"eligible": True}, user=other_shift.officer).status_code == 404
    stored = db.session.get(Call, assigned_call["id"])
    db.session.refresh(stored)
    assert (stored.final_call_type, stored.eligible, stored.ineligible_reason) == ("OD", True, None)


def test_final_type_at_clearing_only_with_on_scene_or_clear(api, assigned_call, shift, db):
    path = f"/api/v1/calls/{assigned_call['id']}/status"
    early = api.post(path, {"id": str(uuid.uuid4()), "status": "en_route", "final_call_type": "OD"},
                     user=shift.officer)
    assert early.status_code == 422 and "final_call_type" in early.get_json()["error"]["fields"]
    assert api.post(path, {"id": str(uuid.uuid4()), "status": "en_route"}, user=shift.officer).status_code == 201
    on_scene = api.post(path, {"id": str(uuid.uuid4()), "status": "on_scene", "final_call_type": "SUICTHRT"},
                        user=shift.officer)
    assert on_scene.status_code == 201, on_scene.get_json()
    assert db.session.get(Call, assigned_call["id"]).final_call_type == "SUICTHRT"


def test_an_encounter_keeps_its_record_details(api, assigned_call, shift, db):
    asked = f"{RECENT_DAY}T15:00:00-05:00"
    arrived = f"{RECENT_DAY}T15:07:30-05:00"
    body = encounter_body(concerns=["mental_health", "grief_loss"], primary_concern="grief_loss",
                          contact_mode="in_person_with_officer", transport="unit",
                          transport_destination="crisis_stabilization", declined_services=True,
                          officer_engaged=False, backup_requested=True, backup_requested_at=asked,
                          backup_arrived_at=arrived, backup_reason="weapon")
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    stored = db.session.get(Encounter, uuid.UUID(response.get_json()["id"]))
    assert stored.primary_concern == "grief_loss" and stored.transport_destination == "crisis_stabilization"
    assert stored.declined_services and stored.officer_engaged is False and stored.backup_reason == "weapon"
    assert stored.backup_arrived_at - stored.backup_requested_at == timedelta(minutes=7, seconds=30)
    officer_view = api.get(f"/api/v1/encounters/{stored.id}", user=shift.officer).get_json()
    assert officer_view["backup_requested"] is True and "primary_concern" not in officer_view


@pytest.mark.parametrize("fields,field", [
    ({"primary_concern": "youth"}, "primary_concern"),
    ({"primary_concern": "astrology"}, "primary_concern"),
    ({"concerns": ["housing_instability", "comets"]}, "concerns"),
    ({"contact_mode": "carrier_pigeon"}, "contact_mode"),
    ({"transport_destination": "shelter"}, "transport_destination"),
    ({"transport": "unit", "transport_destination": "moon"}, "transport_destination"),
    ({"declined_services": "no"}, "declined_services"),
    ({"officer_engaged": "no"}, "officer_engaged"),
    ({"backup_requested": True}, "backup_reason"),
    ({"backup_reason": "weapon"}, "backup_reason"),
    ({"backup_requested": True, "backup_reason": "hunch"}, "backup_reason"),
    ({"backup_arrived_at": f"{RECENT_DAY}T15:00:00-05:00"}, "backup_arrived_at"),
    ({"backup_requested": True, "backup_reason": "weapon", "backup_requested_at": f"{RECENT_DAY}T15:00:00-05:00",
      "backup_arrived_at": f"{RECENT_DAY}T14:00:00-05:00"}, "backup_arrived_at"),
    ({"backup_requested": True, "backup_reason": "weapon", "backup_requested_at": "1999-01-01T00:00:00Z"},
     "backup_requested_at"),
])
def test_encounter_details_that_do_not_fit_are_refused_naming_the_field(api, assigned_call, shift, db, fields,
                                                                        field):
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", encounter_body(**fields),
                        user=shift.officer)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert _count(db, Encounter) == 0


def test_not_sent_counts_are_set_not_added(api, dispatcher, make_user, db):
    body = {"day": RECENT_DAY, "count": 3, "reason": "no_unit_available", "source": "911"}
    first = api.client.put("/api/v1/not-sent-counts", json=body, headers=api.headers(dispatcher))
    assert first.status_code == 201, first.get_json()
    again = api.client.put("/api/v1/not-sent-counts", json={**body, "count": 5}, headers=api.headers(dispatcher))
    assert again.status_code == 200 and again.get_json()["count"] == 5
    assert db.session.scalars(select(NotSentCount.count)).all() == [5]
    listed = api.get(f"/api/v1/not-sent-counts?from={RECENT_DAY}", user=make_user("program_manager")).get_json()
    assert [(row["count"], row["reason"]) for row in listed] == [(5, "no_unit_available")]
    assert api.client.put("/api/v1/not-sent-counts", json=body,
                          headers=api.headers(make_user("officer"))).status_code == 403


@pytest.mark.parametrize("fields,field", [
    ({"count": -1}, "count"), ({"count": "3"}, "count"), ({"count": 10001}, "count"),
    ({"reason": "bored"}, "reason"), ({"source": "fax"}, "source"),
    ({"day": "2026-02-30"}, "day"), ({"day": (datetime.now(UTC) + timedelta(days=3)).date().isoformat()}, "day"),
])
def test_not_sent_counts_that_do_not_fit_are_refused(api, dispatcher, db, fields, field):
    body = {"day": RECENT_DAY, "count": 3, **fields}
    response = api.client.put("/api/v1/not-sent-counts", json=body, headers=api.headers(dispatcher))
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert _count(db, NotSentCount) == 0


SOON = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()


def test_follow_up_contacts_on_an_encounter_or_a_person(api, encounter, shift, db):
    body = {"id": str(uuid.uuid4()), "encounter_id": encounter["id"], "contacted_at": SOON,
            "mode": "phone", "reached": True, "result": "connected"}
    first = api.post("/api/v1/follow-up-contacts", body, user=shift.clinician)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["person_id"] == encounter["person"]["id"]
    assert api.post("/api/v1/follow-up-contacts", body, user=shift.clinician).status_code == 200  # a replay
    other = {**body, "id": str(uuid.uuid4()), "encounter_id": None, "person_id": encounter["person"]["id"],
             "reached": False, "result": "not_reached"}
    assert api.post("/api/v1/follow-up-contacts", other, user=shift.clinician).status_code == 201
    listed = api.get(f"/api/v1/people/{encounter['person']['id']}/follow-up-contacts", user=shift.clinician)
    assert sorted(row["reached"] for row in listed.get_json()) == [False, True]
    on_encounter = api.get(f"/api/v1/encounters/{encounter['id']}/follow-up-contacts", user=shift.clinician)
    assert len(on_encounter.get_json()) == 1
    assert api.post("/api/v1/follow-up-contacts", {**body, "id": str(uuid.uuid4())},
                    user=shift.officer).status_code == 403
    assert _count(db, FollowUpContact) == 2


@pytest.mark.parametrize("fields,field", [
    ({"mode": "smoke_signal"}, "mode"), ({"reached": "yes"}, "reached"), ({"result": "great"}, "result"),
    ({"contacted_at": "yesterday"}, "contacted_at"), ({"encounter_id": None}, "encounter_id"),
    ({"encounter_id": str(uuid.uuid4())}, "encounter_id"),
    ({"person_id": str(uuid.uuid4()), "encounter_id": None}, "person_id"),
    ({"contacted_at": "2000-01-01T00:00:00Z"}, "contacted_at"),
    ({"contacted_at": f"{RECENT_DAY}T12:00:00Z"}, "contacted_at"),  # before the call
])
def test_follow_up_contacts_that_do_not_fit_are_refused(api, encounter, shift, db, fields, field):
    body = {"id": str(uuid.uuid4()), "encounter_id": encounter["id"], "contacted_at": SOON,
            "mode": "phone", "reached": True, "result": "connected", **fields}
    response = api.post("/api/v1/follow-up-contacts", body, user=shift.clinician)
    assert 400 <= response.status_code < 500 and field in response.get_json()["error"]["fields"], response.get_json()
    assert _count(db, FollowUpContact) == 0
