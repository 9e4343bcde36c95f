import uuid

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.encounters.models import Encounter
from fieldapp.people.models import Person
from tests.fixtures.clock import RECENT_DAY
from tests.fixtures.encounters import encounter_body


def log(api, call_id, user, **overrides):
    return api.post(f"/api/v1/calls/{call_id}/encounters", encounter_body(**overrides), user=user)


@pytest.mark.parametrize("fields,apco", [
    ({"outcome": "resolved"}, "18"),
    ({"outcome": "referred", "no_referral_reason": "Already has a case manager"}, "15"),
    ({"outcome": "hospitalized", "hospitalization_type": "involuntary", "transport": "ems"}, "45"),
    ({"outcome": "hospitalized", "hospitalization_type": "voluntary", "transport": "unit"}, "16"),
    ({"outcome": "hospitalized", "hospitalization_type": "medical", "transport": "law_enforcement"}, "33"),
    ({"outcome": "arrested", "probable_cause": True, "enforcement_action": True, "use_of_force": True,
      "force_type": "physical_control", "transport": "law_enforcement"}, "03"),
])
def test_each_outcome_is_logged_with_its_apco_code(api, assigned_call, shift, db, fields, apco):
    response = log(api, assigned_call["id"], shift.officer, recorded_at=f"{RECENT_DAY}T15:30:00-05:00", **fields)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["outcome"] == fields["outcome"] and body["apco_code"] == apco
    stored = db.session.get(Encounter, uuid.UUID(body["id"]))
    assert stored.call_id == assigned_call["id"] and stored.apco_code == apco
    assert stored.recorded_at.isoformat() == f"{RECENT_DAY}T20:30:00+00:00"
    assert stored.created_by_id == shift.officer.id
    assert stored.person.given_name == "Jordan" and stored.person.race_ethnicity == ["hispanic_latino"]
    again = api.get(f"/api/v1/encounters/{body['id']}", user=shift.clinician).get_json()
    assert again["outcome"] == fields["outcome"] and again["concerns"] == ["mental_health"]


@pytest.mark.parametrize("fields,field", [
    ({"outcome": "hospitalized"}, "hospitalization_type"),
    ({"outcome": "resolved", "hospitalization_type": "voluntary"}, "hospitalization_type"),
    ({"diverted": True}, "diverted"),
    ({"outcome": "arrested", "probable_cause": True, "diverted": True}, "diverted"),
    ({"use_of_force": True}, "force_type"),
    ({"force_type": "cew"}, "force_type"),
    ({"outcome": "vanished"}, "outcome"),
    ({"concerns": ["astrology"]}, "concerns"),
    ({"transport": "helicopter"}, "transport"),
    ({"probable_cause": "yes"}, "probable_cause"),
    ({"person": {"unidentified": False}}, "person"),
    ({"person": {"given_name": "A", "approx_age": 200}}, "person"),
    ({"narrative": "x" * 4001}, "narrative"),
])
def test_answers_that_do_not_fit_are_refused_naming_the_field(api, assigned_call, shift, db, fields, field):
    response = log(api, assigned_call["id"], shift.officer, **fields)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Encounter)) == 0
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_person_is_new_known_or_unidentified(api, assigned_call, shift, encounter, db):
    known_id = encounter["person"]["id"]
    linked = log(api, assigned_call["id"], shift.officer, person=None, outcome="resolved")
    assert linked.status_code == 422  # person: null is not a person
    body = encounter_body(outcome="resolved")
    del body["person"]
    body["person_id"] = known_id
    linked = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.officer)
    assert linked.status_code == 201 and linked.get_json()["person"]["id"] == known_id
    anon = log(api, assigned_call["id"], shift.officer, person={"unidentified": True, "approx_age": 40})
    assert anon.get_json()["person"]["display_name"] == "Unidentified person, about 40"
    del body["person_id"]
    body["id"] = str(uuid.uuid4())
    nobody = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.officer)
    assert nobody.status_code == 422 and "person" in nobody.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_replayed_encounter_is_stored_once(api, assigned_call, shift, db):
    body = encounter_body()
    first = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    replay = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.get_json()["id"] == first.get_json()["id"]
    changed = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", {**body, "outcome": "referred"},
                       user=shift.clinician)
    assert changed.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Encounter)) == 1
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_only_the_crew_logs_encounters(api, dispatcher, new_call, assigned_call, other_shift, shift):
    assert log(api, assigned_call["id"], other_shift.officer).status_code == 404
    assert log(api, assigned_call["id"], dispatcher).status_code == 403
    pending = new_call()
    assert log(api, pending["id"], shift.officer).status_code == 404  # not the unit's call


def test_encounter_reads_are_audited_and_hidden_from_other_units(api, encounter, other_shift, shift, db):
    # Clinicians do the program's follow-up work, so they read every encounter; officers only their unit's.
    assert api.get(f"/api/v1/encounters/{encounter['id']}", user=other_shift.officer).status_code == 404
    assert api.get(f"/api/v1/encounters/{encounter['id']}", user=other_shift.clinician).status_code == 200
    assert api.get(f"/api/v1/encounters/{encounter['id']}", user=shift.officer).status_code == 200
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "encounter.view")
                              .order_by(AuditEvent.id)).all()
    assert [(row.user_id, row.object_id) for row in rows] == [(other_shift.clinician_id, encounter["id"]),
                                                              (shift.officer.id, encounter["id"])]


def test_officer_sees_the_safety_fields_not_the_concerns(api, encounter, shift):
    officer_view = api.get(f"/api/v1/encounters/{encounter['id']}", user=shift.officer).get_json()
    clinician_view = api.get(f"/api/v1/encounters/{encounter['id']}", user=shift.clinician).get_json()
    assert "concerns" not in officer_view and clinician_view["concerns"] == ["mental_health"]
    assert officer_view["outcome"] == "resolved" and "use_of_force" in officer_view


def test_briefing_for_a_repeat_address(api, dispatcher, shift, new_call, services_directory):
    first = new_call(location={"address": "18 Harbor View Road, Apt. 2"}, cautions=["firearm"])
    api.post(f"/api/v1/calls/{first['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    api.post(f"/api/v1/calls/{first['id']}/encounters", encounter_body(outcome="referred", referral={
        "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
        "consent": {"type": "verbal", "given_by": "the person"}}), user=shift.clinician)
    second = new_call(location={"address": "18 harbor view rd apt 2"}, cautions=[])
    api.post(f"/api/v1/calls/{second['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)

    officer = api.get(f"/api/v1/calls/{second['id']}/briefing", user=shift.officer).get_json()
    assert officer["prior_calls"] == 1 and officer["prior_encounters"] == 1
    assert officer["outcomes"] == {"referred": 1}
    assert officer["cautions"] == ["firearm"]
    assert officer["recent"][0]["call_type"] == "EDP"
    assert [p["display_name"] for p in officer["people"]] == ["Jordan Reyes"]
    assert "active_referrals" not in officer and "open_followups" not in officer

    clinician = api.get(f"/api/v1/calls/{second['id']}/briefing", user=shift.clinician).get_json()
    assert [r["service"] for r in clinician["active_referrals"]] == ["Mobile Crisis Follow-up"]
    dispatcher_view = api.get(f"/api/v1/calls/{second['id']}/briefing", user=dispatcher).get_json()
    assert "people" not in dispatcher_view and dispatcher_view["prior_encounters"] == 1


def test_briefing_for_a_new_address_is_empty(api, assigned_call, shift):
    body = api.get(f"/api/v1/calls/{assigned_call['id']}/briefing", user=shift.officer).get_json()
    assert body["prior_calls"] == 0 and body["prior_encounters"] == 0 and body["recent"] == []


def test_people_search_and_read(api, encounter, shift, make_user, db):
    clinician = make_user("clinician")
    found = api.get("/api/v1/people?q=reyes jor", user=clinician).get_json()
    assert [p["display_name"] for p in found] == ["Jordan Reyes"]
    assert found[0]["race_ethnicity"] == ["hispanic_latino"]
    by_dob = api.get("/api/v1/people?q=1990-04", user=clinician).get_json()
    assert len(by_dob) == 1
    officer_found = api.get("/api/v1/people?q=reyes", user=shift.officer).get_json()
    assert "race_ethnicity" not in officer_found[0] and officer_found[0]["preferred_language"] == "en"
    assert api.get("/api/v1/people?q=%25%25", user=clinician).get_json() == []  # "%%" is text, not a wildcard
    short = api.get("/api/v1/people?q=a", user=clinician)
    assert short.status_code == 422 and "q" in short.get_json()["error"]["fields"]
    person_id = encounter["person"]["id"]
    assert api.get(f"/api/v1/people/{person_id}", user=shift.officer).status_code == 200
    off_shift = make_user("officer")
    assert api.get(f"/api/v1/people/{person_id}", user=off_shift).status_code == 404
    assert api.get("/api/v1/people?q=reyes", user=off_shift).status_code == 403
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("person.%"))).all()
    assert actions.count("person.search") >= 3 and "person.view" in actions


def test_briefing_of_an_old_call_leaves_out_later_contacts(api, dispatcher, shift, new_call):
    first = new_call(location={"address": "5 Oak Ave"})
    api.post(f"/api/v1/calls/{first['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    second = new_call(location={"address": "5 Oak Avenue"})
    api.post(f"/api/v1/calls/{second['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    log(api, second["id"], shift.clinician)
    earlier = api.get(f"/api/v1/calls/{first['id']}/briefing", user=shift.clinician).get_json()
    later = api.get(f"/api/v1/calls/{second['id']}/briefing", user=shift.clinician).get_json()
    assert earlier["prior_encounters"] == 0 and earlier["prior_calls"] == 0
    assert later["prior_calls"] == 1


def test_the_call_page_opens_with_the_short_briefing(pages, api, dispatcher, shift, new_call):
    first = new_call(location={"address": "40 Birch St"}, cautions=["dog"])
    api.post(f"/api/v1/calls/{first['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    log(api, first["id"], shift.officer, use_of_force=True, force_type="physical_control", outcome="arrested",
        probable_cause=True)
    second = new_call(location={"address": "40 Birch Street"}, cautions=[])
    api.post(f"/api/v1/calls/{second['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    page = pages(shift.officer).get(f"/calls/{second['id']}").get_data(as_text=True)
    assert "Before you go" in page
    assert "<strong>1</strong> earlier call at this address" in page
    assert "Force was used in 1 earlier contact." in page
    assert "Earlier cautions here: Dog on premises." in page
