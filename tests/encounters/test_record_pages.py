"""fields (issue 11): the new fields through the pages: the encounter form's record details, the call form,
and the page for eligible calls not sent."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.eligibility.models import NotSentCount
from fieldapp.encounters.models import Encounter
from tests.fixtures.clock import RECENT_DAY
from tests.fixtures.encounters import log_form


def test_record_details_are_saved_from_the_encounter_form(pages, assigned_call, shift, db):
    browser = pages(shift.clinician)
    page = browser.get(f"/calls/{assigned_call['id']}/encounters/new").get_data(as_text=True)
    assert 'name="contact_mode"' in page and "<summary>Police backup</summary>" in page
    response = log_form(browser, assigned_call["id"], outcome="hospitalized", hospitalization_type="voluntary",
                        concerns=["mental_health", "medication"], primary_concern="medication",
                        contact_mode="in_person_clinician_only", transport="unit",
                        transport_destination="psychiatric_facility", declined_services="1", officer_engaged="no",
                        backup_requested="1", backup_reason="scene_safety", backup_requested_time="15:20",
                        backup_arrived_time="15:31")
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.scalar(select(Encounter))
    assert (stored.primary_concern, stored.contact_mode, stored.transport_destination) == \
        ("medication", "in_person_clinician_only", "psychiatric_facility")
    assert stored.declined_services and stored.officer_engaged is False and stored.backup_reason == "scene_safety"
    zone = ZoneInfo("America/New_York")
    # recorded_at is 20:30 UTC on RECENT_DAY: 15:30 or 16:30 there; the backup times are that local day's.
    assert stored.backup_requested_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") == f"{RECENT_DAY} 15:20"
    assert (stored.backup_arrived_at - stored.backup_requested_at).total_seconds() == 11 * 60


def test_a_hidden_section_does_not_send_what_it_holds_but_a_mistake_is_shown(pages, assigned_call, shift, db):
    browser = pages(shift.officer)
    response = log_form(browser, assigned_call["id"], outcome="resolved", transport="none",
                        transport_destination="shelter", backup_reason="weapon")
    assert response.status_code == 302
    stored = db.session.scalar(select(Encounter))
    assert stored.transport_destination is None and stored.backup_requested is False
    refused = log_form(browser, assigned_call["id"], outcome="resolved", concerns=["youth"],
                       primary_concern="grief_loss")
    assert refused.status_code == 422
    assert "Tick this concern too" in refused.get_data(as_text=True)


def test_the_call_form_records_source_eligibility_and_district(app, pages, dispatcher, db, monkeypatch):
    monkeypatch.setitem(app.config, "DISTRICTS", ("Harbor", "Hill"))
    browser = pages(dispatcher)
    page = browser.get("/calls/new").get_data(as_text=True)
    assert '<option value="Hill"' in page and 'name="eligible"' in page
    data = {"call_type": "MNTL", "priority": "2", "address": "4 Dock Rd", "source": "officer_request",
            "eligible": "no", "ineligible_reason": "weapon_or_violence", "district": "Hill"}
    assert browser.post("/calls/new", data).status_code == 302
    call = db.session.scalar(select(Call))
    assert (call.source, call.eligible, call.ineligible_reason, call.district) == \
        ("officer_request", False, "weapon_or_violence", "Hill")
    refused = browser.post("/calls/new", {**data, "district": "Atlantis"})
    assert refused.status_code == 422 and "Choose a district from the list." in refused.get_data(as_text=True)


def test_dispatchers_record_eligible_calls_not_sent(pages, dispatcher, make_user, db):
    browser = pages(dispatcher)
    assert browser.get("/not-sent").status_code == 200
    saved = browser.post("/not-sent", {"day": RECENT_DAY, "count": "4", "reason": "no_unit_available"})
    assert saved.status_code == 302
    again = browser.post("/not-sent", {"day": RECENT_DAY, "count": "6", "reason": "no_unit_available"})
    assert again.status_code == 302
    assert db.session.scalars(select(NotSentCount.count)).all() == [6]
    page = browser.get("/not-sent").get_data(as_text=True)
    # the day as the user's locale writes it (i18n: "Dec 3, 2026" in English), no longer ISO 8601
    shown = format_date(date.fromisoformat(RECENT_DAY), "medium", locale="en")
    assert "No unit available" in page and f"<td>{shown}</td><td>6</td>" in page
    wrong = browser.post("/not-sent", {"day": RECENT_DAY, "count": "lots"})
    assert wrong.status_code == 422 and 'aria-invalid="true" aria-describedby="count-error"' in wrong.get_data(
        as_text=True)
    assert pages(make_user("officer")).get("/not-sent").status_code == 403


def test_clinician_records_a_follow_up_contact_on_the_encounter_page(pages, encounter, shift, db):
    from fieldapp.followup_contacts.models import FollowUpContact

    browser = pages(shift.clinician)
    page = browser.get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    assert "Follow-up contacts (0)" in page
    soon = (datetime.now(ZoneInfo("America/New_York")) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    saved = browser.post(f"/encounters/{encounter['id']}/follow-up-contacts",
                         {"id": str(uuid.uuid4()), "contacted_at": soon, "mode": "phone", "reached": "no",
                          "result": "not_reached"})
    assert saved.status_code == 302
    contact = db.session.scalar(select(FollowUpContact))
    assert (contact.mode, contact.reached, str(contact.encounter_id)) == ("phone", False, encounter["id"])
    page = browser.get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    assert "Follow-up contacts (1)" in page and "not reached" in page
    wrong = browser.post(f"/encounters/{encounter['id']}/follow-up-contacts",
                         {"id": str(uuid.uuid4()), "contacted_at": soon, "mode": "pigeon", "reached": "yes",
                          "result": "stable"}, follow_redirects=True)
    assert "The follow-up contact was not saved. mode: Choose how the contact was made." in wrong.get_data(as_text=True)
    assert db.session.query(FollowUpContact).count() == 1
    officer_page = pages(shift.officer).get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    assert "Follow-up contacts" not in officer_page


def test_the_crew_gives_the_type_found_on_scene_when_clearing(pages, assigned_call, shift, db):
    clinician = pages(shift.clinician)
    call_id = assigned_call["id"]
    for status in ("en_route", "on_scene"):
        clinician.post(f"/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": status})
    page = clinician.get(f"/calls/{call_id}").get_data(as_text=True)
    assert '<label for="final_call_type">Call type found on scene</label>' in page
    done = clinician.post(f"/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "cleared",
                                                       "disposition": "unable_to_locate", "final_call_type": "OD"})
    assert done.status_code == 302
    call = db.session.get(Call, call_id)
    assert (call.call_type, call.final_call_type, call.status) == ("EDP", "OD", "cleared")


def test_the_not_sent_page_is_in_the_menu_of_those_who_record_it(pages, dispatcher, make_user):
    for user, shown in ((dispatcher, True), (make_user("program_manager"), True), (make_user("officer"), False),
                        (make_user("clinician"), False)):
        home = pages(user).get("/directory").get_data(as_text=True)
        assert ('href="/not-sent"' in home) is shown, user.role
