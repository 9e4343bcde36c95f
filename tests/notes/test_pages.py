"""Notes and follow-ups through their pages: signed notes and addenda, follow-ups done and overdue."""

import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy import func, select

from fieldapp.notes.models import FollowUp, Note
from tests.fixtures.encounters import form_id

NOTE_TEXT = "Client calmer after talk; sister staying over tonight."


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


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
