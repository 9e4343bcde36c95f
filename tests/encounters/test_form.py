"""The encounter form's rules, once in the encounters service: the outcome 'referred' needs a referral
or a stated reason (API, page and outbox alike, each refusal naming its field), the referral is saved
with the encounter or not at all, the metrics count 'referred' only with a referral; and the form's
one-submit extras: the consent giver, the call cleared with its disposition."""

import re
import uuid
from datetime import date
from html import unescape

from sqlalchemy import func, select

from fieldapp.calls.models import Call, CallEvent
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import services as metrics
from fieldapp.metrics import tracking
from fieldapp.metrics.filters import Filters, Periods
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral
from tests.fixtures import metrics_data
from tests.fixtures.clock import RECENT_DAY
from tests.fixtures.encounters import encounter_body

ZONE = "America/New_York"
NO_REFERRAL = "Choose a service or say why no referral was made."


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def referral_body(service, **consent):
    return {"id": str(uuid.uuid4()), "service_id": str(service.id),
            "consent": {"type": "verbal", "given_by": "the person", **consent}}


def test_api_refuses_referred_without_referral_or_reason_naming_the_field(api, assigned_call, shift, db):
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", encounter_body(outcome="referred"),
                        user=shift.officer)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"referral": [NO_REFERRAL]}
    assert count(db, Encounter) == 0 and count(db, Person) == 0


def test_api_saves_the_referral_with_the_encounter(api, assigned_call, shift, db, services_directory):
    body = encounter_body(outcome="referred", referral=referral_body(services_directory["mental"]))
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    referral = db.session.get(Referral, uuid.UUID(body["referral"]["id"]))
    assert str(referral.encounter_id) == response.get_json()["id"] and referral.person_id is not None
    again = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert again.status_code == 200 and count(db, Referral) == 1  # a replay, nothing twice


def test_a_refused_referral_saves_no_encounter(api, assigned_call, shift, db, services_directory):
    body = encounter_body(outcome="referred", referral=referral_body(services_directory["closed"]))
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["referral.service_id"]
    assert count(db, Encounter) == 0 and count(db, Referral) == 0 and count(db, Person) == 0


def test_a_reason_is_stored_and_only_for_referred(api, assigned_call, shift, db):
    url = f"/api/v1/calls/{assigned_call['id']}/encounters"
    wrong = api.post(url, encounter_body(outcome="resolved", no_referral_reason="Refused"), user=shift.officer)
    assert wrong.status_code == 422 and list(wrong.get_json()["error"]["fields"]) == ["no_referral_reason"]
    saved = api.post(url, encounter_body(outcome="referred", no_referral_reason="Refused any service"),
                     user=shift.officer)
    assert saved.status_code == 201 and saved.get_json()["no_referral_reason"] == "Refused any service"


def test_metrics_do_not_count_a_referred_outcome_without_a_referral(db, make_user):
    data = metrics_data.build(db.session, make_user("clinician"))
    data.encounter(data.c1, data.p1, "referred", no_referral_reason="Refused")
    db.session.commit()
    tracking.rebuild_all(db.session, ZONE)  # the row above was added behind the services' back
    db.session.commit()
    march = Filters(date(2026, 3, 1), date(2026, 4, 1), ZONE)
    for source in ("records", "rollups"):
        encounters = metrics.compute_together(db.session, Periods.of(march.previous(), march), now=metrics_data.NOW,
                                              source=source)[-1]["encounters"]
        assert encounters["total"] == 6
        assert encounters["outcomes"]["referred"]["count"] == 2  # E4 and E5, each with a referral
        assert encounters["referred_without_referral"]["count"] == 1


# --- the page ------------------------------------------------------------------------------

def post_form(browser, call_id, **fields):
    page = browser.get(f"/calls/{call_id}/encounters/new").get_data(as_text=True)
    ids = dict(re.findall(r'name="(id|referral_id|clear_id)" value="([0-9a-f-]{36})"', page))
    data = {**ids, "recorded_at": f"{RECENT_DAY}T20:30:00.000Z", "use_of_force": "no", "transport": "none",
            **fields}
    return browser.post(f"/calls/{call_id}/encounters/new", data)


def test_the_page_shows_the_refusal_at_its_field_and_in_a_linked_summary(pages, assigned_call, shift, db):
    response = post_form(pages(shift.officer), assigned_call["id"], outcome="referred", age_band="33")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert f'<p class="field-error" id="error-referral_service_id">{NO_REFERRAL}</p>' in page
    assert f'<li><a href="#service-search">{NO_REFERRAL}</a></li>' in page
    assert re.search(r'id="service-search"[^>]*aria-describedby="service-help error-referral_service_id"'
                     r'[^>]*autofocus', page)
    assert "Must be one of" not in page and "Missing data" not in page
    assert count(db, Encounter) == 0


def test_typed_consent_giver_is_stored_alone_and_empty_means_the_person(pages, assigned_call, shift, db,
                                                                        services_directory):
    browser = pages(shift.clinician)
    page = browser.get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    assert re.search(r'id="referral_given_by"[^>]*value=""[^>]*placeholder="the person"', page)
    service = str(services_directory["mental"].id)
    for typed, stored in (("Daniel Reyes", "Daniel Reyes"), ("", "the person")):
        response = post_form(browser, assigned_call["id"], outcome="referred", age_band="21",
                             referral_service_id=service, referral_consent="verbal", referral_given_by=typed)
        assert response.status_code == 302, response.get_data(as_text=True)
        encounter_id = response.headers["Location"].rsplit("/", 1)[1]
        referral = db.session.scalars(select(Referral).where(Referral.encounter_id == uuid.UUID(encounter_id))).one()
        assert referral.consent_given_by == stored


def test_unidentified_with_an_age_band_in_one_answer(pages, assigned_call, shift, db):
    response = post_form(pages(shift.officer), assigned_call["id"], outcome="resolved", age_band="50")
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert person.unidentified and person.approx_age == 50


def test_concerns_are_prefilled_from_the_call_type(pages, new_call, api, dispatcher, shift):
    call = new_call(call_type="OD")
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    page = pages(shift.officer).get(f"/calls/{call['id']}/encounters/new").get_data(as_text=True)
    checked = re.findall(r'id="concern-(\w+)"[^>]*checked', page)
    assert sorted(checked) == ["medical", "substance_use"]


def test_save_and_clear_the_call_in_one_submit(pages, api, assigned_call, shift, db):
    call_id = assigned_call["id"]
    for status in ("en_route", "on_scene"):
        api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": status}, user=shift.officer)
    browser = pages(shift.officer)
    assert "Save and clear the call" in browser.get(f"/calls/{call_id}/encounters/new").get_data(as_text=True)
    response = post_form(browser, call_id, outcome="resolved", age_band="33", then="clear",
                         disposition="encounter_logged")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/calls/{call_id}")
    assert db.session.get(Call, call_id).status == "cleared"
    cleared = db.session.scalars(select(CallEvent).where(CallEvent.call_id == call_id,
                                                         CallEvent.status == "cleared")).one()
    assert cleared.disposition == "encounter_logged" and count(db, Encounter) == 1


def test_the_outbox_refusal_names_the_forms_input(api, assigned_call, shift, db):
    record = {"ref": "e1", "path": f"/calls/{assigned_call['id']}/encounters/new",
              "fields": [["id", str(uuid.uuid4())], ["outcome", "referred"], ["person_mode", "unidentified"],
                         ["age_band", "33"], ["transport", "none"]]}
    result = api.post("/api/v1/sync", {"records": [record]}, user=shift.officer).get_json()["results"][0]
    assert result["result"] == "refused" and result["status"] == 422
    assert result["error"]["fields"] == {"referral_service_id": [NO_REFERRAL]}
