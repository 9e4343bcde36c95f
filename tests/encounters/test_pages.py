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
from fieldapp.referrals.models import Referral, ReferralEvent
from tests.fixtures.clock import RECENT_DAY
from tests.fixtures.encounters import encounter_body, form_id, log_form, person_fields
from tests.fixtures.referrals import PART2

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
    searches = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")).all()
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


# --- referrals -----------------------------------------------------------------------------

def referral_form(browser, encounter_id, **fields):
    page = browser.get(f"/encounters/{encounter_id}/referrals/new").get_data(as_text=True)
    data = {"id": form_id(page), "consent_type": "verbal", "consent_given_by": "the person", **fields}
    return browser.post(f"/encounters/{encounter_id}/referrals/new", data)


def test_officer_refers_through_the_form(pages, encounter, shift, services_directory, db):
    browser = pages(shift.officer)
    page = text(browser.get(f"/encounters/{encounter['id']}/referrals/new"))
    assert "Mobile Crisis Follow-up" in page and "Mental health treatment" in page
    assert "Old Drop-in Center" not in page  # inactive services are not offered
    found = text(browser.get(f"/encounters/{encounter['id']}/referrals/new?q=opioid"))
    assert "Harbor Opioid Treatment Program" in found and "Mobile Crisis Follow-up" not in found
    response = referral_form(browser, encounter["id"], service_id=str(services_directory["mental"].id),
                             note="Prefers mornings")
    assert response.status_code == 302, text(response)
    referral = db.session.scalar(select(Referral))
    assert referral.status == "made" and referral.consent_type == "verbal"
    assert referral.consent_given_by == "the person" and referral.note == "Prefers mornings"
    shown = text(browser.get(response.headers["Location"]))
    assert "Referred to Mobile Crisis Follow-up." in shown
    assert "the person" not in shown and "Prefers mornings" not in shown  # consent details are not the officer's


def test_part2_referral_needs_every_consent_element(pages, encounter, shift, services_directory, db):
    browser = pages(shift.clinician)
    part2 = str(services_directory["part2"].id)
    missing = referral_form(browser, encounter["id"], service_id=part2, consent_type="written",
                            part2_patient_name="Jordan Reyes")
    page = text(missing)
    assert missing.status_code == 422
    assert "The written consent is missing elements 42 CFR 2.31 requires." in page
    assert "Required: Who may disclose (program or person)." in page and "Required: Date signed." in page
    assert "Required: Patient's name." not in page and 'value="Jordan Reyes"' in page
    assert re.search(rf'id="service-{part2}"[^>]*checked', page)
    verbal = referral_form(browser, encounter["id"], service_id=part2, consent_type="verbal")
    assert verbal.status_code == 422 and "Written consent is required for this service." in text(verbal)
    revocation = referral_form(browser, encounter["id"], service_id=part2, consent_type="written",
                               **{f"part2_{k}": v for k, v in PART2.items() if k != "revocation_explained"})
    assert revocation.status_code == 422 and "Tell the person they may revoke consent" in text(revocation)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0

    complete = referral_form(browser, encounter["id"], service_id=part2, consent_type="written",
                             **{f"part2_{k}": v for k, v in PART2.items() if k != "revocation_explained"},
                             part2_revocation_explained="1")
    assert complete.status_code == 302, text(complete)
    stored = db.session.scalar(select(Referral))
    assert stored.part2_consent["purpose"] == "Arrange treatment intake"
    assert stored.part2_consent["revocation_explained"] is True
    detail = text(browser.get(complete.headers["Location"]))
    assert "42 CFR Part 2 record: redisclosure notice" in detail and "prohibit you from making any other use" in detail
    assert "Arrange treatment intake" in detail


def test_officer_cannot_refer_to_a_part2_program(pages, encounter, shift, services_directory, db):
    response = referral_form(pages(shift.officer), encounter["id"], service_id=str(services_directory["part2"].id),
                             consent_type="written")
    assert response.status_code == 403
    assert "made by the clinician" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "authz.denied")).one()
    assert denied.user_id == shift.officer.id and denied.outcome == "denied"


def test_referral_steps_need_a_reason_where_they_fail(api, pages, encounter, shift, services_directory, db):
    made = api.post(f"/api/v1/encounters/{encounter['id']}/referrals", {
        "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
        "consent": {"type": "verbal", "given_by": "the person"}}, user=shift.officer).get_json()
    browser = pages(shift.clinician)
    page = text(browser.get(f"/referrals/{made['id']}"))
    offered = re.findall(r'name="status" value="(\w+)"', page)
    assert offered == ["accepted", "declined", "unable_to_contact", "cancelled"]
    step_id = form_id(page, "Update the referral")
    refused = browser.post(f"/referrals/{made['id']}/status", {"id": step_id, "status": "declined", "reason": ""})
    assert refused.status_code == 422
    assert "A reason is required for this step." in text(refused)
    assert re.search(r'id="status-declined"[^>]*checked', text(refused))
    assert db.session.scalar(select(func.count()).select_from(ReferralEvent)) == 1
    done = browser.post(f"/referrals/{made['id']}/status",
                        {"id": step_id, "status": "declined", "reason": "Wants to wait a month"},
                        follow_redirects=True)
    page = text(done)
    assert "Referral is now declined." in page and "Wants to wait a month" in page
    assert "This referral is closed." in page and 'name="status"' not in page
    assert db.session.scalar(select(Referral)).status == "declined"
    invalid = browser.post(f"/referrals/{made['id']}/status", {"id": str(uuid.uuid4()), "status": "completed"})
    assert invalid.status_code == 409 and "cannot become completed" in text(invalid)


def test_referral_queue_highlights_overdue_and_filters(api, pages, encounter, shift, services_directory, make_user):
    def refer(**extra):
        return api.post(f"/api/v1/encounters/{encounter['id']}/referrals", {
            "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
            "consent": {"type": "verbal", "given_by": "the person"}, **extra}, user=shift.clinician).get_json()

    late = refer(recorded_at=(datetime.now(UTC) - timedelta(days=10)).isoformat())
    fresh = refer()
    browser = pages(shift.clinician)
    page = text(browser.get("/referrals"))
    assert "2 open referrals" in page and page.count("Jordan Reyes") == 2
    overdue_cards = re.findall(r'<li class="card overdue">.*?</li>', page, re.S)
    assert len(overdue_cards) == 1 and late["id"] in overdue_cards[0] and "Overdue" in overdue_cards[0]
    assert page.index(late["id"]) < page.index(fresh["id"])  # soonest due first
    overdue = text(browser.get("/referrals?show=overdue"))
    assert "1 overdue referral" in overdue and late["id"] in overdue
    assert "2 open referrals made by you" in text(browser.get("/referrals?mine=1"))
    colleague = text(pages(make_user("clinician")).get("/referrals?mine=1"))
    assert "0 open referrals made by you" in colleague and "No open referrals made by you." in colleague


# --- notes and follow-ups ------------------------------------------------------------------

def test_note_and_addendum_through_the_page_leave_the_note_as_signed(pages, encounter, shift, db):
    browser = pages(shift.clinician)
    page = browser.get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    assert '<label for="note-body">New note</label>' in page and "No notes yet." in page
    due = (datetime.now(UTC) + timedelta(days=3)).astimezone().strftime("%Y-%m-%dT%H:%M")
    signed = browser.post(f"/encounters/{encounter['id']}/notes", {
        "id": form_id(page, 'action="/encounters/'), "body": NOTE_TEXT, "follow_up": "1", "follow_up_due": due,
        "recorded_at": ""}, follow_redirects=True)
    page = text(signed)
    assert "Note signed. A follow-up task is open for you." in page and NOTE_TEXT in page
    note = db.session.scalar(select(Note))
    assert note.author_id == shift.clinician.id and str(note.encounter_id) == encounter["id"]
    assert db.session.scalar(select(FollowUp)).note_id == note.id

    addendum_id = form_id(page, f'action="/notes/{note.id}/addenda"')
    added = browser.post(f"/notes/{note.id}/addenda", {"id": addendum_id, "body": "Sister is Maria, not Marta.",
                                                       "return_to": "encounter"}, follow_redirects=True)
    page = text(added)
    assert "Addendum signed; the original note is unchanged." in page and "Sister is Maria, not Marta." in page
    db.session.expire_all()
    assert db.session.get(Note, note.id).body == NOTE_TEXT
    addendum = db.session.scalars(select(Note).where(Note.addendum_to_id == note.id)).one()
    assert addendum.body == "Sister is Maria, not Marta." and addendum.encounter_id == note.encounter_id


def test_note_errors_keep_what_was_typed(pages, encounter, shift, db):
    browser = pages(shift.clinician)
    page = browser.get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    past = (datetime.now(UTC) - timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = browser.post(f"/encounters/{encounter['id']}/notes", {
        "id": form_id(page, 'action="/encounters/'), "body": "Typed before the mistake", "follow_up": "1",
        "follow_up_due": past})
    page = text(response)
    assert response.status_code == 422
    assert "The follow-up is due in the past." in page and "Choose a future time." in page
    assert "Typed before the mistake" in page and f'value="{past}"' in page
    empty = browser.post(f"/encounters/{encounter['id']}/notes", {"id": str(uuid.uuid4()), "body": "  "})
    assert empty.status_code == 422 and "This field is required." in text(empty)
    no_time = browser.post(f"/encounters/{encounter['id']}/notes", {"id": str(uuid.uuid4()), "body": "Keep me",
                                                                     "follow_up": "1", "follow_up_due": ""})
    assert no_time.status_code == 422 and "Choose when the follow-up is due." in text(no_time)
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0


def test_follow_up_is_marked_done_with_an_outcome(api, pages, encounter, shift, make_user, db):
    due = (datetime.now(UTC) + timedelta(hours=72)).isoformat()
    api.post(f"/api/v1/encounters/{encounter['id']}/notes",
             {"id": str(uuid.uuid4()), "body": NOTE_TEXT, "follow_up_due": due}, user=shift.clinician)
    late = db.session.scalar(select(FollowUp))
    browser = pages(shift.clinician)
    page = text(browser.get("/followups"))
    assert "My follow-ups" in page and "1 open" in page and NOTE_TEXT[:40] in page
    assert 'class="card overdue"' not in page
    missing = browser.post(f"/followups/{late.id}/done", {"outcome": " "})
    assert missing.status_code == 422 and "This field is required." in text(missing)
    done = browser.post(f"/followups/{late.id}/done", {"outcome": "Reached by phone; doing well"},
                        follow_redirects=True)
    page = text(done)
    assert "Follow-up marked done." in page and "No open follow-ups for you." in page
    task = db.session.get(FollowUp, late.id)
    assert task.done_at is not None and task.outcome == "Reached by phone; doing well"
    assert task.done_by_id == shift.clinician.id
    colleague = pages(make_user("clinician"))
    assert "No open follow-ups for you." in text(colleague.get("/followups"))


def test_overdue_follow_ups_come_first_and_stand_out(api, pages, encounter, shift, make_user, db):
    for hours in (48, 24):
        api.post(f"/api/v1/encounters/{encounter['id']}/notes",
                 {"id": str(uuid.uuid4()), "body": f"Check in {hours}",
                  "follow_up_due": (datetime.now(UTC) + timedelta(hours=hours)).isoformat()}, user=shift.clinician)
    later = db.session.scalars(select(FollowUp).join(Note).where(Note.body == "Check in 48")).one()
    later.due_at = datetime.now(UTC) - timedelta(hours=5)  # time passes
    db.session.commit()
    page = text(pages(shift.clinician).get("/followups"))
    assert page.count('class="card overdue"') == 1
    assert page.index("Check in 48") < page.index("Check in 24")
    team = text(pages(make_user("clinician")).get("/followups?team=1"))
    assert "The team's follow-ups" in team and "Check in 24" in team and shift.clinician.username in team


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
    from fieldapp.referrals.models import Referral

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
