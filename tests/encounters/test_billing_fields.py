"""billing (issue 21): an encounter's place of service, Medicaid id and ICD-10-CM code. Only a clinician
records and sees the last two; every bad value is refused naming its field and nothing is saved."""

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.encounters.models import Encounter
from tests.fixtures.encounters import encounter_body, log_form


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Encounter))


def test_a_clinician_records_them_and_an_officer_never_sees_the_clinical_two(api, assigned_call, shift, db):
    body = encounter_body(place_of_service="12", medicaid_id="ab12345c", diagnosis_code="f329")
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    shown = response.get_json()
    assert (shown["place_of_service"], shown["medicaid_id"], shown["diagnosis_code"]) == ("12", "AB12345C", "F32.9")
    officer_view = api.get(f"/api/v1/encounters/{shown['id']}", user=shift.officer).get_json()
    assert officer_view["place_of_service"] == "12"
    assert "medicaid_id" not in officer_view and "diagnosis_code" not in officer_view
    listed = api.get(f"/api/v1/calls/{assigned_call['id']}/encounters", user=shift.officer).get_json()
    assert "medicaid_id" not in listed[0] and "diagnosis_code" not in listed[0]
    stored = db.session.scalar(select(Encounter))
    assert (stored.medicaid_id, stored.diagnosis_code) == ("AB12345C", "F32.9")


@pytest.mark.parametrize("field", ["medicaid_id", "diagnosis_code"])
def test_an_officer_cannot_record_the_clinical_ones(api, assigned_call, shift, db, field):
    body = encounter_body(**{field: "AB12345C" if field == "medicaid_id" else "F32.9"})
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.officer)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert _count(db) == 0


@pytest.mark.parametrize("field, value", [
    ("place_of_service", "00"), ("place_of_service", 15), ("place_of_service", "15\x00"),
    ("medicaid_id", "AB-123"), ("medicaid_id", "A" * 21), ("medicaid_id", "AB1\x002345"), ("medicaid_id", 12345678),
    ("medicaid_id", "ab\ud800cd"), ("diagnosis_code", "F3"), ("diagnosis_code", "32.9F"),
    ("diagnosis_code", "F32.99999"), ("diagnosis_code", "F32;DROP"), ("diagnosis_code", ["F32.9"]),
    ("diagnosis_code", "F32.9" + "\u202e"),
])
def test_a_bad_value_is_refused_naming_its_field(api, assigned_call, shift, db, field, value):
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", encounter_body(**{field: value}),
                        user=shift.clinician)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert _count(db) == 0


def test_the_form_records_them_and_refuses_a_bad_code_beside_its_input(pages, assigned_call, shift, db):
    browser = pages(shift.clinician)
    page = browser.get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    assert 'name="medicaid_id"' in page and 'name="diagnosis_code"' in page and 'name="place_of_service"' in page
    refused = log_form(browser, assigned_call["id"], outcome="resolved", diagnosis_code="not a code")
    assert refused.status_code == 422
    assert 'id="diagnosis_code" name="diagnosis_code" maxlength="8"' in refused.get_data(as_text=True)
    assert "Enter an ICD-10-CM code like F32.9." in refused.get_data(as_text=True)
    assert _count(db) == 0
    saved = log_form(browser, assigned_call["id"], outcome="resolved", place_of_service="27",
                     medicaid_id="AB12345C", diagnosis_code="F43.0")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    stored = db.session.scalar(select(Encounter))
    assert (stored.place_of_service, stored.medicaid_id, stored.diagnosis_code) == ("27", "AB12345C", "F43.0")


def test_the_officer_form_has_no_clinical_billing_inputs(pages, assigned_call, shift):
    page = pages(shift.officer).get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    assert 'name="place_of_service"' in page
    assert 'name="medicaid_id"' not in page and 'name="diagnosis_code"' not in page


def test_the_encounter_page_shows_them_to_the_clinician_only(pages, api, assigned_call, shift):
    body = encounter_body(place_of_service="12", medicaid_id="AB12345C", diagnosis_code="F32.9")
    made = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician).get_json()
    clinician_page = pages(shift.clinician).get(f"/encounters/{made['id']}").get_data(as_text=True)
    assert "AB12345C" in clinician_page and "F32.9" in clinician_page and "Home (12)" in clinician_page
    officer_page = pages(shift.officer).get(f"/encounters/{made['id']}").get_data(as_text=True)
    assert "Home (12)" in officer_page
    assert "AB12345C" not in officer_page and "F32.9" not in officer_page


# --- after the encounter was logged: a clinician adds or corrects them ----------------------------

def test_a_clinician_adds_them_to_an_encounter_an_officer_logged(api, assigned_call, shift, db):
    made = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", encounter_body(), user=shift.officer).get_json()
    response = api.patch(f"/api/v1/encounters/{made['id']}/billing",
                         {"medicaid_id": "AB12345C", "diagnosis_code": "F43.10"}, user=shift.clinician)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["medicaid_id"], response.get_json()["diagnosis_code"]) == ("AB12345C", "F43.10")
    cleared = api.patch(f"/api/v1/encounters/{made['id']}/billing", {"diagnosis_code": None}, user=shift.clinician)
    assert cleared.get_json()["diagnosis_code"] is None
    stored = db.session.scalar(select(Encounter))
    assert (stored.medicaid_id, stored.diagnosis_code) == ("AB12345C", None)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "encounter.billing")
                                .order_by(AuditEvent.id)).all()
    assert [event.details["fields"] for event in events] == [["diagnosis_code", "medicaid_id"], ["diagnosis_code"]]
    assert "AB12345C" not in str([event.details for event in events])


@pytest.mark.parametrize("body, field", [
    ({"medicaid_id": "AB 12-3"}, "medicaid_id"), ({"diagnosis_code": "ZZZ"}, "diagnosis_code"),
    ({"place_of_service": "1"}, "place_of_service"), ({"npi": "1234567893"}, "npi"), ({}, "_schema"),
])
def test_a_bad_change_is_refused_naming_its_field(api, encounter, shift, db, body, field):
    response = api.patch(f"/api/v1/encounters/{encounter['id']}/billing", body, user=shift.clinician)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(Encounter)).medicaid_id is None


def test_an_officer_or_admin_cannot_change_them(api, encounter, shift, admin):
    for user in (shift.officer, admin):
        assert api.patch(f"/api/v1/encounters/{encounter['id']}/billing", {"medicaid_id": "AB12345C"},
                         user=user).status_code == 403


def test_the_encounter_page_form_saves_and_refuses_beside_the_field(pages, encounter, shift, db):
    browser = pages(shift.clinician)
    page = browser.get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    assert "<summary>Billing details</summary>" in page
    refused = browser.post(f"/encounters/{encounter['id']}/billing", {"medicaid_id": "AB12345C",
                                                                       "diagnosis_code": "F3"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'name="diagnosis_code" maxlength="8" autocapitalize="characters" autocomplete="off"' in html
    assert "Enter an ICD-10-CM code like F32.9." in html and 'value="F3"' in html
    assert db.session.scalar(select(Encounter)).medicaid_id is None
    saved = browser.post(f"/encounters/{encounter['id']}/billing",
                         {"medicaid_id": "AB12345C", "diagnosis_code": "F32.9", "place_of_service": "12"})
    assert saved.status_code == 302
    stored = db.session.scalar(select(Encounter))
    assert (stored.medicaid_id, stored.diagnosis_code, stored.place_of_service) == ("AB12345C", "F32.9", "12")
    assert "<summary>Billing details</summary>" not in pages(shift.officer).get(
        f"/encounters/{encounter['id']}").get_data(as_text=True)
