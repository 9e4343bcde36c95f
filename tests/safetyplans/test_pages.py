"""Safety plans through their pages and the outbox: signed as a note, a follow-up opened, printed for the
person, clinicians only, every bad field refused by name with nothing saved."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.notes.models import FollowUp, Note
from fieldapp.safetyplans.models import SafetyPlan
from tests.fixtures.encounters import form_id


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def due_in(days=1) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).astimezone().strftime("%Y-%m-%dT%H:%M")


def plan_form(page, **overrides):
    fields = {"id": form_id(page, 'action="/encounters/'), "recorded_at": "",
              "warning_signs": "Not sleeping\nPacing at night", "coping_strategies": "Walk the dog",
              "distractions": "Aunt's kitchen", "people_to_ask": "Maria 555-0101",
              "professionals": "Dr. Okafor 555-0199", "safe_environment": "Pills kept by Maria",
              "reasons_for_living": "My daughter", "follow_up": "1", "follow_up_due": due_in()}
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (SafetyPlan, Note, FollowUp))


def test_a_clinician_signs_a_plan_that_opens_a_follow_up_and_prints_for_the_person(
        pages, encounter, shift, db, services_directory):
    browser = pages(shift.clinician)
    encounter_page = text(browser.get(f"/encounters/{encounter['id']}"))
    assert "Safety plans (0)" in encounter_page and "Make a safety plan with the person" in encounter_page
    page = text(browser.get(f"/encounters/{encounter['id']}/safety-plans/new"))
    assert "1. Warning signs" in page and "Mobile Crisis Follow-up · 555-0150" in page
    assert "Harbor Opioid Treatment Program" not in page  # a Part 2 program is never offered
    form = plan_form(page, services=str(services_directory["mental"].id))
    saved = browser.post(f"/encounters/{encounter['id']}/safety-plans", form, follow_redirects=True)
    shown = text(saved)
    assert saved.status_code == 200 and "Safety plan signed. A follow-up task is open for you." in shown
    assert "My safety plan" in shown and "Pacing at night" in shown and "Mobile Crisis Follow-up: " in shown
    assert "988 Suicide & Crisis Lifeline" in shown and "My daughter" in shown and "data-print" in shown

    plan = db.session.scalar(select(SafetyPlan))
    assert str(plan.id) == form["id"] and plan.note_id == plan.id and plan.author_id == shift.clinician.id
    assert plan.steps["warning_signs"] == ["Not sleeping", "Pacing at night"]
    assert plan.steps["services"] == [{"id": str(services_directory["mental"].id), "name": "Mobile Crisis Follow-up",
                                       "phone": "555-0150"}]
    note = db.session.get(Note, plan.id)
    assert note.body.startswith("Safety plan (Stanley-Brown)") and "988 Suicide & Crisis Lifeline" in note.body
    assert db.session.scalar(select(FollowUp)).note_id == plan.id
    assert "Safety plans (1)" in text(browser.get(f"/encounters/{encounter['id']}"))
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "safety_plan.create" in actions and "safety_plan.view" in actions


def test_the_same_plan_sent_again_by_the_outbox_is_saved_once(api, pages, encounter, shift, db):
    page = text(pages(shift.clinician).get(f"/encounters/{encounter['id']}/safety-plans/new"))
    form = plan_form(page)
    record = {"ref": "plan", "path": f"/encounters/{encounter['id']}/safety-plans",
              "fields": [[key, value] for key, value in form.items()]}
    first = api.post("/api/v1/sync", {"records": [record]}, user=shift.clinician).get_json()["results"][0]
    again = api.post("/api/v1/sync", {"records": [record]}, user=shift.clinician).get_json()["results"][0]
    assert (first["result"], again["result"]) == ("stored", "replayed")
    assert first["location"] == again["location"] == f"/safety-plans/{form['id']}"
    assert counts(db) == (1, 1, 1)
    changed = {**record, "fields": [[k, "Something else" if k == "coping_strategies" else v] for k, v in form.items()]}
    refused = api.post("/api/v1/sync", {"records": [changed]}, user=shift.clinician).get_json()["results"][0]
    assert refused["status"] == 409 and refused["error"]["code"] == "id_conflict"
    assert counts(db) == (1, 1, 1)


# at_field: the message sits at the field's box; otherwise (NUL anywhere, refused for every form by
# fieldapp.inputs, and the device-made id) the page names the field in its message.
@pytest.mark.parametrize("field, value, message, at_field", [
    ("warning_signs", "\n".join(f"sign {n}" for n in range(13)), "At most 12 items.", True),
    ("coping_strategies", "x" * 301, "300", True),
    ("services", str(uuid.uuid4()), "No such service in the directory.", True),
    ("services", "not-a-uuid", "This is not a valid id.", True),
    ("follow_up_due", "9999-12-31T23:59", "within a year before", True),
    ("follow_up_due", "", "Choose when the follow-up is due.", True),
    ("distractions", "a\x00b", "distractions : Remove the invisible control character", False),
    ("id", "", "id", False),
])
def test_each_bad_field_is_refused_by_name_and_nothing_is_saved(pages, encounter, shift, db, field, value, message,
                                                                 at_field):
    browser = pages(shift.clinician)
    page = text(browser.get(f"/encounters/{encounter['id']}/safety-plans/new"))
    response = browser.post(f"/encounters/{encounter['id']}/safety-plans", plan_form(page, **{field: value}))
    body = text(response)
    assert response.status_code == 422, body[:300]
    if at_field:
        assert f'id="plan-{field}-error"' in body
    assert message in " ".join(re.sub("<[^>]+>", " ", body).split())
    assert counts(db) == (0, 0, 0)


def test_an_empty_plan_is_refused(pages, encounter, shift, db):
    browser = pages(shift.clinician)
    page = text(browser.get(f"/encounters/{encounter['id']}/safety-plans/new"))
    steps = ("warning_signs", "coping_strategies", "distractions", "people_to_ask", "professionals",
             "safe_environment", "reasons_for_living")
    empty = plan_form(page, **dict.fromkeys(steps, ""))
    response = browser.post(f"/encounters/{encounter['id']}/safety-plans", empty)
    assert response.status_code == 422 and "Write at least one step of the plan with the person." in text(response)
    assert counts(db) == (0, 0, 0)


def test_officers_and_dispatchers_never_reach_a_plan(pages, encounter, shift, dispatcher, db):
    clinician = pages(shift.clinician)
    page = text(clinician.get(f"/encounters/{encounter['id']}/safety-plans/new"))
    form = plan_form(page)
    clinician.post(f"/encounters/{encounter['id']}/safety-plans", form)
    officer = pages(shift.officer)
    assert officer.get(f"/safety-plans/{form['id']}").status_code == 403
    assert officer.get(f"/encounters/{encounter['id']}/safety-plans/new").status_code == 403
    refused = officer.post(f"/encounters/{encounter['id']}/safety-plans", {**form, "id": str(uuid.uuid4())})
    assert refused.status_code == 403
    assert "Safety plans" not in text(officer.get(f"/encounters/{encounter['id']}"))
    assert pages(dispatcher).get(f"/safety-plans/{form['id']}").status_code == 403
    assert counts(db) == (1, 1, 1)


def test_a_plan_is_offered_to_the_clinicians_device_for_offline_use(pages, encounter, shift):
    clinician, officer = pages(shift.clinician), pages(shift.officer)
    assert clinician.get(f"/encounters/{encounter['id']}/safety-plans/new").headers.get("X-Fieldapp-Offline") == "1"
    assert officer.get(f"/encounters/{encounter['id']}").headers.get("X-Fieldapp-Offline") == "1"
