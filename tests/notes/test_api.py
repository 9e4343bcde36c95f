import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from fieldapp.audit.models import AuditEvent
from fieldapp.notes.models import FollowUp, Note

SOON = (datetime.now(UTC) + timedelta(hours=72)).isoformat()


def write(api, path, user, body="Client stable; sister will stay tonight.", **extra):
    return api.post(path, {"id": str(uuid.uuid4()), "body": body, **extra}, user=user)


def test_clinician_signs_a_note_that_opens_a_follow_up(api, encounter, shift, db):
    response = write(api, f"/api/v1/encounters/{encounter['id']}/notes", shift.clinician, follow_up_due=SOON)
    assert response.status_code == 201
    note = response.get_json()
    assert note["author"] == shift.clinician.username and note["signed_at"]
    assert note["person_id"] == encounter["person"]["id"]
    task = db.session.scalar(select(FollowUp))
    assert task.assignee_id == shift.clinician_id and str(task.note_id) == note["id"]
    mine = api.get("/api/v1/followups?mine=1", user=shift.clinician).get_json()
    assert [f["id"] for f in mine] == [str(task.id)]
    assert mine[0]["overdue"] is False and mine[0]["note_excerpt"].startswith("Client stable")
    done = api.post(f"/api/v1/followups/{task.id}/done", {"outcome": "Reached by phone; doing well"},
                    user=shift.clinician)
    assert done.status_code == 200 and done.get_json()["done_at"]
    assert api.get("/api/v1/followups", user=shift.clinician).get_json() == []
    again = api.post(f"/api/v1/followups/{task.id}/done", {"outcome": "Something else"}, user=shift.clinician)
    assert again.status_code == 409


def test_follow_up_in_the_past_is_refused(api, encounter, shift):
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    response = write(api, f"/api/v1/encounters/{encounter['id']}/notes", shift.clinician, follow_up_due=past)
    assert response.status_code == 422 and "follow_up_due" in response.get_json()["error"]["fields"]


def test_notes_on_a_person_and_addenda_instead_of_edits(api, encounter, shift, db):
    person_id = encounter["person"]["id"]
    original = write(api, f"/api/v1/people/{person_id}/notes", shift.clinician, body="Takes sertraline 50mg.")
    note_id = original.get_json()["id"]
    fix = write(api, f"/api/v1/notes/{note_id}/addenda", shift.clinician, body="Correction: 100mg.")
    assert fix.status_code == 201 and fix.get_json()["addendum_to_id"] == note_id
    notes = api.get(f"/api/v1/people/{person_id}/notes", user=shift.clinician).get_json()
    assert [n["body"] for n in notes] == ["Takes sertraline 50mg."]
    assert [a["body"] for a in notes[0]["addenda"]] == ["Correction: 100mg."]
    for method in ("put", "patch", "delete"):
        response = getattr(api.client, method)(f"/api/v1/notes/{note_id}", headers=api.headers(shift.clinician))
        assert response.status_code in (404, 405)
    assert db.session.get(Note, uuid.UUID(note_id)).body == "Takes sertraline 50mg."


def test_signed_notes_cannot_be_changed_even_in_the_database(api, encounter, shift, db):
    write(api, f"/api/v1/encounters/{encounter['id']}/notes", shift.clinician)
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(Note.__table__.update().values(body="rewritten"))
    db.session.rollback()


def test_replayed_note_is_stored_once(api, encounter, shift, db):
    body = {"id": str(uuid.uuid4()), "body": "Same note"}
    path = f"/api/v1/encounters/{encounter['id']}/notes"
    assert api.post(path, body, user=shift.clinician).status_code == 201
    assert api.post(path, body, user=shift.clinician).status_code == 200
    assert api.post(path, {**body, "body": "Other"}, user=shift.clinician).status_code == 409
    assert len(db.session.scalars(select(Note)).all()) == 1


def test_reading_notes_is_audited(api, encounter, shift, db):
    write(api, f"/api/v1/encounters/{encounter['id']}/notes", shift.clinician)
    api.get(f"/api/v1/encounters/{encounter['id']}/notes", user=shift.clinician)
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "note.list"))
    assert row.user_id == shift.clinician_id and row.object_id == encounter["id"]


def test_admin_searches_the_audit_log_and_that_is_audited(api, make_user, encounter, db):
    admin = make_user("admin")
    rows = api.get("/api/v1/audit?action=encounter.", user=admin).get_json()
    assert [r["action"] for r in rows] == ["encounter.create"]
    assert rows[0]["object_id"] == encounter["id"] and rows[0]["ip"] == "127.0.0.1"
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.search"))
    assert logged.user_id == admin.id and logged.details == {"action": "encounter."}
