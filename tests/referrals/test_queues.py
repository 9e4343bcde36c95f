"""The clinicians' queues (issue 9): follow-up cards name the person and give the callback number;
the referral queue is searched by person or service and filtered by status and due date."""

import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from tests.fixtures.encounters import encounter_body


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def follow_up(api, clinician, path, body="Agreed to a check-in."):
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    response = api.post(path, {"id": str(uuid.uuid4()), "body": body, "follow_up_due": due}, user=clinician)
    assert response.status_code == 201, response.get_json()


def test_followup_card_shows_the_persons_name_and_the_callback_number(api, pages, encounter, shift):
    follow_up(api, shift.clinician, f"/api/v1/encounters/{encounter['id']}/notes")
    page = text(pages(shift.clinician).get("/followups"))
    assert '<h2 class="followup-person">Jordan Reyes</h2>' in page
    assert '<a class="button" href="tel:5550101">Call 555-0101</a>' in page
    [task] = api.get("/api/v1/followups", user=shift.clinician).get_json()
    assert task["person"] == "Jordan Reyes" and task["callback"] == "555-0101"


def test_a_note_on_the_person_alone_takes_the_callback_of_their_latest_call(
        api, pages, encounter, shift, dispatcher, new_call):
    person_id = encounter["person"]["id"]
    later = new_call(callback="555-0199")  # a later call about the same person, with another number
    api.post(f"/api/v1/calls/{later['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    body = encounter_body(person_id=person_id)
    del body["person"]
    second = api.post(f"/api/v1/calls/{later['id']}/encounters", body, user=shift.clinician)
    assert second.status_code == 201, second.get_json()
    follow_up(api, shift.clinician, f"/api/v1/people/{person_id}/notes", body="Call her next week.")
    page = text(pages(shift.clinician).get("/followups"))
    assert "Jordan Reyes" in page and 'href="tel:5550199"' in page and "555-0101" not in page


def test_followup_without_any_callback_says_so(api, pages, assigned_call, shift):
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters",
                        encounter_body(person={"unidentified": True, "approx_age": 40}), user=shift.clinician)
    follow_up(api, shift.clinician, f"/api/v1/encounters/{response.get_json()['id']}/notes")
    from fieldapp.calls.models import Call
    from fieldapp.extensions import db
    db.session.get(Call, assigned_call["id"]).callback = None
    db.session.commit()
    page = text(pages(shift.clinician).get("/followups"))
    assert "No callback number on record" in page and "tel:" not in page


@pytest.fixture
def queue(api, encounter, assigned_call, shift, services_directory):
    """Three referrals: Jordan Reyes to Mobile Crisis (overdue) and to the Part 2 program (due in 20 days),
    Sam Okafor to Mobile Crisis (due in 40 days), the last one accepted."""
    other = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters",
                     encounter_body(person={"given_name": "Sam", "family_name": "Okafor"}), user=shift.clinician)
    assert other.status_code == 201, other.get_json()

    def refer(encounter_id, service, **extra):
        consent = {"type": "verbal", "given_by": "the person"}
        if service.part2_program:
            from tests.fixtures.referrals import PART2
            consent = {"type": "written", "given_by": "the person", "part2": PART2}
        response = api.post(f"/api/v1/encounters/{encounter_id}/referrals", {
            "id": str(uuid.uuid4()), "service_id": str(service.id), "consent": consent, **extra},
            user=shift.clinician)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    now = datetime.now(UTC)
    late = refer(encounter["id"], services_directory["mental"], due_at=(now - timedelta(days=1)).isoformat())
    part2 = refer(encounter["id"], services_directory["part2"], due_at=(now + timedelta(days=20)).isoformat())
    sam = refer(other.get_json()["id"], services_directory["mental"], due_at=(now + timedelta(days=40)).isoformat())
    accepted = api.post(f"/api/v1/referrals/{sam['id']}/status", {"id": str(uuid.uuid4()), "status": "accepted"},
                        user=shift.clinician)
    assert accepted.status_code == 201, accepted.get_json()
    return {"late": late["id"], "part2": part2["id"], "sam": sam["id"]}


def shown(page, queue):
    return {name for name, referral_id in queue.items() if f"/referrals/{referral_id}" in page}


@pytest.mark.parametrize(("query", "expected", "summary"), [
    ("", {"late", "part2", "sam"}, "3 open referrals, soonest due first."),
    ("q=reyes", {"late", "part2"}, "2 open referrals matching “reyes”"),
    ("q=okafor+crisis", {"sam"}, "1 open referral matching “okafor crisis”"),
    ("q=opioid", {"part2"}, "1 open referral matching “opioid”"),
    ("q=harbor", {"late", "part2", "sam"}, "3 open referrals matching “harbor”"),
    ("q=nobody", set(), "0 open referrals matching “nobody”"),
    ("status=accepted", {"sam"}, "1 referral with status Accepted,"),
    ("status=all&q=sam", {"sam"}, "1 referral matching “sam”"),
    ("due=overdue", {"late"}, "1 overdue referral,"),
    ("due=month", {"late", "part2"}, "2 open referrals due within 30 days"),
    ("show=overdue", {"late"}, "1 overdue referral,"),
    ("mine=1&due=week", {"late"}, "1 open referral due within 7 days made by you"),
])
def test_referral_queue_search_and_filters(pages, shift, queue, query, expected, summary):
    response = pages(shift.clinician).get(f"/referrals?{query}")
    page = text(response)
    assert response.status_code == 200
    assert shown(page, queue) == expected
    assert summary in page
    assert " all referral" not in page


def test_referral_queue_search_is_audited_and_the_api_takes_the_same_filters(api, db, shift, queue):
    found = api.get("/api/v1/referrals?q=okafor&status=accepted", user=shift.clinician).get_json()
    assert [r["id"] for r in found] == [queue["sam"]]
    soon = api.get("/api/v1/referrals?due_within_days=7", user=shift.clinician).get_json()
    assert [r["id"] for r in soon] == [queue["late"]]
    searched, listed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "referral.list")
                                          .order_by(AuditEvent.id)).all()
    assert searched.details["q"] == "okafor" and searched.details["count"] == 1 and "q" not in listed.details


@pytest.mark.parametrize(("query", "field", "message"), [
    ("status=bogus", "status", "Choose referral statuses from the list."),
    ("due=tomorrowish", "due", "Choose when they are due from the list."),
    ("q=" + "x" * 101, "q", "100"),
])
def test_referral_queue_refuses_bad_filters_with_a_message(pages, db, shift, queue, query, field, message):
    response = pages(shift.clinician).get(f"/referrals?{query}")
    page = text(response)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert "Please correct the fields marked below." in page
    assert shown(page, queue) == set()


def test_a_control_character_in_the_search_is_refused_not_a_server_error(pages, shift, queue):
    response = pages(shift.clinician).get("/referrals?q=a%00b")
    assert response.status_code == 422 and "Remove the control character" in text(response)
