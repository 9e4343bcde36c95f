"""The field record through its pages: encounters, referrals, notes, follow-ups, people and the audit log,
as a unit, a clinician and an admin use them in a browser."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.encounters.models import Encounter
from fieldapp.notes.models import FollowUp, Note
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral
from tests.fixtures.clock import RECENT_DAY
from tests.fixtures.encounters import encounter_body, form_id, log_form, person_fields

NOTE_TEXT = "Client calmer after talk; sister staying over tonight."


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- encounters ----------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "apco"), [
    ({"outcome": "resolved", "concerns": ["mental_health", "homelessness"]}, "18"),
    ({"outcome": "referred", "no_referral_reason": "Already has a case manager"}, "15"),
    ({"outcome": "hospitalized", "hospitalization_type": "involuntary", "transport": "ems"}, "45"),
    ({"outcome": "arrested", "probable_cause": "1", "enforcement_action": "1", "use_of_force": "yes",
      "force_type": "restraints", "transport": "law_enforcement"}, "03"),
], ids=["resolved", "referred", "hospitalized", "arrested"])
def test_each_outcome_is_logged_through_the_form(pages, assigned_call, shift, db, fields, apco):
    browser = pages(shift.officer)
    response = log_form(browser, assigned_call["id"], **fields)
    assert response.status_code == 302, text(response)
    stored = db.session.scalar(select(Encounter))
    assert response.headers["Location"].endswith(f"/encounters/{stored.id}")
    assert stored.outcome == fields["outcome"] and stored.apco_code == apco
    assert stored.hospitalization_type == fields.get("hospitalization_type")
    assert stored.transport == fields.get("transport", "none")
    assert stored.use_of_force is (fields.get("use_of_force") == "yes")
    assert stored.force_type == fields.get("force_type")
    assert stored.probable_cause is ("probable_cause" in fields) and stored.diverted is False
    assert stored.concerns == sorted(fields.get("concerns", []))
    assert stored.recorded_at.isoformat() == f"{RECENT_DAY}T20:30:00+00:00"
    assert stored.created_by_id == shift.officer.id
    assert (stored.person.given_name, stored.person.family_name) == ("Ada", "Quinn")
    assert stored.person.race_ethnicity == ["black", "hispanic_latino"]
    page = text(browser.get(response.headers["Location"]))
    assert "Encounter saved: Ada Quinn" in page
    assert "Refer to a service" in page and f"APCO {apco}" in page


def test_answers_that_do_not_fit_are_shown_with_what_was_typed(pages, assigned_call, shift, db):
    browser = pages(shift.clinician)
    response = log_form(browser, assigned_call["id"], outcome="resolved", hospitalization_type="voluntary",
                        narrative="Keep this narrative", use_of_force="yes", concerns=["youth"])
    page = text(response)
    assert response.status_code == 422
    assert "Some answers do not fit together." in page
    assert "Say what force was used." in page  # next to its field, and in the summary linked to it
    assert re.search(r'<p class="field-error" id="error-force_type">Say what force was used.</p>', page)
    assert re.search(r'<li><a href="#force_type">Say what force was used.</a></li>', page)
    assert re.search(r'id="force_type"[^>]*aria-describedby="force-help error-force_type"[^>]*aria-invalid="true"'
                     r'[^>]*autofocus', page)
    assert "Keep this narrative" in page and 'value="Ada"' in page and 'value="1988-02-29"' in page
    assert re.search(r'id="outcome-resolved"[^>]*checked', page)
    assert re.search(r'id="concern-youth"[^>]*checked', page)
    assert re.search(r'id="race-black"[^>]*checked', page)
    assert db.session.scalar(select(func.count()).select_from(Encounter)) == 0
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_person_needs_a_name_or_unidentified(pages, assigned_call, shift, db):
    browser = pages(shift.officer)
    nameless = log_form(browser, assigned_call["id"], outcome="resolved", given_name="", family_name="")
    assert nameless.status_code == 422
    assert "Give a name, or record the person as unidentified." in text(nameless)
    unidentified = log_form(browser, assigned_call["id"], outcome="resolved", person_mode="unidentified",
                            given_name="Ignored", approx_age="40")
    assert unidentified.status_code == 302
    person = db.session.scalar(select(Person))
    assert person.unidentified and person.given_name is None and person.approx_age == 40
    assert "Unidentified person, about 40" in text(browser.get(unidentified.headers["Location"]))


def test_a_known_person_is_found_on_the_form_and_linked(pages, assigned_call, encounter, shift, db):
    browser = pages(shift.officer)
    page = browser.get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    typed = {"id": form_id(page), "outcome": "resolved", "person_mode": "known", "q": "reyes",
             "narrative": "Second contact today", "use_of_force": "no", "transport": "none"}
    found = browser.post(f"/calls/{assigned_call['id']}/encounters/new", {**typed, "action": "search"})
    page = text(found)
    assert found.status_code == 200 and "Jordan Reyes · born 1990-04-02" in page
    assert "Second contact today" in page  # the search kept what was typed
    person_id = encounter["person"]["id"]
    saved = browser.post(f"/calls/{assigned_call['id']}/encounters/new", {**typed, "person_id": person_id})
    assert saved.status_code == 302, text(saved)
    linked = db.session.scalars(select(Encounter).where(Encounter.narrative == "Second contact today")).one()
    assert str(linked.person_id) == person_id
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    searches = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")
                                  .order_by(AuditEvent.id)).all()
    assert searches and searches[0].user_id == shift.officer.id


def test_a_double_submit_saves_one_encounter(pages, assigned_call, shift, db):
    browser = pages(shift.clinician)
    page = browser.get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    data = {"id": form_id(page), "recorded_at": f"{RECENT_DAY}T20:30:00.000Z", "outcome": "referred",
            "no_referral_reason": "Already in treatment", "use_of_force": "no", "transport": "none", **person_fields()}
    first = browser.post(f"/calls/{assigned_call['id']}/encounters/new", data)
    second = browser.post(f"/calls/{assigned_call['id']}/encounters/new", data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Encounter)) == 1


def test_other_units_and_dispatchers_cannot_log_on_the_call(pages, assigned_call, other_shift, dispatcher):
    assert pages(other_shift.officer).get(f"/calls/{assigned_call['id']}/encounters/new").status_code == 404
    assert pages(dispatcher).get(f"/calls/{assigned_call['id']}/encounters/new").status_code == 403


# --- the call's record: briefing and encounters ----------------------------------------------

def test_call_page_links_to_the_briefing_and_the_encounter_form(pages, assigned_call, shift, dispatcher):
    crew = text(pages(shift.officer).get(f"/calls/{assigned_call['id']}"))
    assert "Full briefing and encounters" in crew and "Log an encounter" in crew
    desk = text(pages(dispatcher).get(f"/calls/{assigned_call['id']}"))
    assert "Full briefing and encounters" in desk and "Log an encounter" not in desk


def test_briefing_for_a_repeat_address_follows_each_roles_view(api, pages, dispatcher, shift, new_call,
                                                               services_directory):
    first = new_call(location={"address": "18 Harbor View Road, Apt. 2"}, cautions=["firearm"])
    api.post(f"/api/v1/calls/{first['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    api.post(f"/api/v1/calls/{first['id']}/encounters",
             encounter_body(outcome="referred", use_of_force=True, force_type="physical_control", referral={
                 "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
                 "consent": {"type": "verbal", "given_by": "the person"}}), user=shift.clinician)
    second = new_call(location={"address": "18 harbor view rd apt 2"}, cautions=[])
    api.post(f"/api/v1/calls/{second['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)

    officer = text(pages(shift.officer).get(f"/calls/{second['id']}/record"))
    assert "Earlier calls here" in officer and "Firearm in home" in officer
    assert "Referred to a service: 1" in officer and "Jordan Reyes" in officer
    assert "Force used before" in officer and "1 time" in officer
    assert "Active referrals" not in officer and "Mobile Crisis Follow-up" not in officer
    assert "No encounters logged on this call yet." in officer and "Log an encounter" in officer

    clinician = text(pages(shift.clinician).get(f"/calls/{second['id']}/record"))
    assert "Active referrals" in clinician and "Mobile Crisis Follow-up" in clinician

    desk = text(pages(dispatcher).get(f"/calls/{second['id']}/record"))
    assert "Earlier encounters" in desk and "Jordan Reyes" not in desk
    assert "Encounters on this call" not in desk

    listed = text(pages(shift.officer).get(f"/calls/{first['id']}/record"))
    assert "Encounters on this call (1)" in listed and "Mobile Crisis Follow-up" in listed


def test_briefing_for_a_new_address_says_so(pages, assigned_call, shift):
    page = text(pages(shift.clinician).get(f"/calls/{assigned_call['id']}/record"))
    assert "No earlier calls at this address" in page


# --- what officers never get ---------------------------------------------------------------

def test_officer_is_refused_clinical_pages_and_sees_no_clinical_text(api, pages, encounter, shift, db):
    api.post(f"/api/v1/encounters/{encounter['id']}/notes",
             {"id": str(uuid.uuid4()), "body": NOTE_TEXT,
              "follow_up_due": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, user=shift.clinician)
    note = db.session.scalar(select(Note))
    browser = pages(shift.officer)
    assert browser.get("/followups").status_code == 403
    assert browser.get("/referrals").status_code == 403
    for path, data in ((f"/encounters/{encounter['id']}/notes", {"id": str(uuid.uuid4()), "body": "x"}),
                       (f"/people/{encounter['person']['id']}/notes", {"id": str(uuid.uuid4()), "body": "x"}),
                       (f"/notes/{note.id}/addenda", {"id": str(uuid.uuid4()), "body": "x"}),
                       (f"/followups/{uuid.uuid4()}/done", {"outcome": "x"})):
        assert browser.post(path, data).status_code == 403, path
    assert db.session.scalar(select(func.count()).select_from(Note)) == 1
    for path in (f"/encounters/{encounter['id']}", f"/people/{encounter['person']['id']}",
                 f"/calls/{encounter['call_id']}/record"):
        response = browser.get(path)
        page = text(response)
        assert response.status_code == 200, path
        assert NOTE_TEXT not in page and "Clinical notes" not in page, path
        assert "Presenting concerns" not in page and "Mental health" not in page, path
        assert "Hispanic or Latino" not in page, path  # race/ethnicity is not in the officer's view of a person
    clinician = text(pages(shift.clinician).get(f"/encounters/{encounter['id']}"))
    assert NOTE_TEXT in clinician and "Mental health" in clinician


def test_person_page_shows_encounters_and_takes_clinicians_notes(pages, encounter, shift, db):
    person_id = encounter["person"]["id"]
    browser = pages(shift.clinician)
    page = browser.get(f"/people/{person_id}").get_data(as_text=True)
    assert "Jordan Reyes" in page and "Encounters (1)" in page and "Hispanic or Latino" in page
    response = browser.post(f"/people/{person_id}/notes", {"id": form_id(page, 'action="/people/'), "body": NOTE_TEXT},
                            follow_redirects=True)
    assert NOTE_TEXT in text(response)
    stored = db.session.scalar(select(Note))
    assert str(stored.person_id) == person_id and stored.encounter_id is None
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0
    viewed = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == person_id)).all()
    assert "person.view" in viewed and "encounter.list" in viewed


def test_people_search_page(pages, encounter, shift, make_user):
    clinician = pages(shift.clinician)
    page = text(clinician.get("/people/search?q=reyes"))
    assert "1 person found" in page and f'/people/{encounter["person"]["id"]}' in page
    short = clinician.get("/people/search?q=r")
    assert short.status_code == 422 and "Use 2 to 100 characters." in text(short)
    assert "No one on record matches" in text(clinician.get("/people/search?q=nobody"))
    assert pages(make_user("officer")).get("/people/search?q=reyes").status_code == 403  # not on a shift


# --- audit ---------------------------------------------------------------------------------

def test_audit_page_lists_rows_and_records_its_own_reading(pages, encounter, make_user, shift, db):
    admin = make_user("admin")
    browser = pages(admin)
    page = text(browser.get("/admin/audit?action=encounter."))
    assert "encounter.create" in page and shift.clinician.username in page
    assert f'/encounters/{encounter["id"]}' in page
    assert "call.create" not in page
    search = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.search")).one()
    assert search.user_id == admin.id and search.details == {"action": "encounter."}
    dated = text(browser.get("/admin/audit?username=" + admin.username + "&since=2020-01-01&until=2099-12-31"))
    assert "audit.search" in dated
    bad = browser.get("/admin/audit?since=yesterday")
    assert bad.status_code == 422 and "Enter a date like 2026-11-24." in text(bad)
    assert pages(shift.clinician).get("/admin/audit").status_code == 403


# --- every new page labels its controls ----------------------------------------------------

def test_field_pages_label_every_control(api, pages, encounter, shift, services_directory, make_user):
    made = api.post(f"/api/v1/encounters/{encounter['id']}/referrals", {
        "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
        "consent": {"type": "verbal", "given_by": "the person"}}, user=shift.clinician).get_json()
    api.post(f"/api/v1/encounters/{encounter['id']}/notes",
             {"id": str(uuid.uuid4()), "body": NOTE_TEXT,
              "follow_up_due": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, user=shift.clinician)
    visits = [(shift.clinician, f"/calls/{encounter['call_id']}/encounters/new"),
              (shift.clinician, f"/calls/{encounter['call_id']}/record"),
              (shift.clinician, f"/encounters/{encounter['id']}"),
              (shift.clinician, f"/encounters/{encounter['id']}/referrals/new"),
              (shift.clinician, f"/referrals/{made['id']}"), (shift.clinician, "/referrals"),
              (shift.clinician, "/followups"), (shift.clinician, f"/people/{encounter['person']['id']}"),
              (shift.clinician, "/people/search?q=reyes"), (make_user("admin"), "/admin/audit")]
    for user, path in visits:
        html = pages(user).get(path).get_data(as_text=True)
        controls = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', html)
        for control in controls:
            control_id = re.search(r'\bid="([^"]+)"', control)
            assert control_id, (path, control)
            assert f'for="{control_id.group(1)}"' in html, (path, control)
        for form in re.findall(r'<form method="post".*?</form>', html, re.S):
            assert 'name="csrf_token"' in form, path


def test_encounter_form_saves_a_referral_and_a_note_with_it(pages, assigned_call, shift, services_directory, db):
    """One submission (so one offline record) can carry the referral and the clinician's note."""
    import uuid as uuid_module

    from fieldapp.encounters.models import Encounter
    from fieldapp.notes.models import FollowUp, Note

    browser = pages(shift.clinician)
    page = browser.get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    assert "Referred to which service?" in page and "Harbor Opioid" not in page  # Part 2 needs the full form
    ids = {name: str(uuid_module.uuid4()) for name in ("id", "referral_id", "note_id")}
    form = {**ids, "outcome": "referred", "person_mode": "named", "given_name": "Sam", "family_name": "Lee",
            "gender": "not_recorded", "transport": "none", "referral_service_id": str(services_directory["mental"].id),
            "referral_consent": "verbal", "referral_given_by": "the person", "note_body": "Agreed to intake call.",
            "note_follow_up": "1", "recorded_at": f"{RECENT_DAY}T21:00:00Z"}
    response = browser.post(f"/calls/{assigned_call['id']}/encounters/new", form)
    assert response.status_code == 302
    again = browser.post(f"/calls/{assigned_call['id']}/encounters/new", form)  # a resend after a lost answer
    assert again.status_code == 302
    encounter = db.session.get(Encounter, uuid_module.UUID(ids["id"]))
    referral = db.session.get(Referral, uuid_module.UUID(ids["referral_id"]))
    note = db.session.get(Note, uuid_module.UUID(ids["note_id"]))
    assert encounter.outcome == "referred"
    assert referral.encounter_id == encounter.id and referral.consent_type == "verbal"
    assert note.encounter_id == encounter.id and note.body == "Agreed to intake call."
    assert len(db.session.scalars(db.select(Referral)).all()) == 1
    assert db.session.scalar(db.select(FollowUp)).note_id == note.id


def test_officer_encounter_form_has_no_note_section(pages, assigned_call, shift):
    page = pages(shift.officer).get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    assert "Clinician's note" not in page and 'name="note_body"' not in page
