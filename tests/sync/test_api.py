"""Batch sync (POST /api/v1/sync): records as the outbox holds them, each saved alone, exactly once."""

import re
import uuid

from fieldapp.calls.models import CallEvent
from fieldapp.encounters.models import Encounter
from fieldapp.notes.models import Note
from fieldapp.referrals.models import Referral
from tests.sync.records import encounter_record, status_record


def test_a_refused_record_in_the_middle_is_set_aside_and_the_rest_land_exactly_once(api, db, assigned_call, shift):
    call_id = assigned_call["id"]
    batch = [status_record(call_id, "acknowledged", "1"),
             encounter_record(call_id, str(uuid.uuid4()), ref="2", outcome="sold_a_bridge"),  # refused
             status_record(call_id, "en_route", "3"),
             encounter_record(call_id, str(uuid.uuid4()), ref="4")]
    response = api.post("/api/v1/sync", {"records": batch}, user=shift.officer)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["ref"], r["result"], r["status"]) for r in results] == [
        ("1", "stored", 201), ("2", "refused", 422), ("3", "stored", 201), ("4", "stored", 201)]
    assert results[1]["error"]["code"] == "invalid" and "outcome" in results[1]["error"]["fields"]
    assert results[0]["location"] == f"/calls/{call_id}"
    assert results[3]["location"].startswith("/encounters/")

    again = api.post("/api/v1/sync", {"records": batch}, user=shift.officer).get_json()["results"]
    assert [r["result"] for r in again] == ["replayed", "refused", "replayed", "replayed"]
    statuses = db.session.scalars(db.select(CallEvent.status).where(CallEvent.call_id == call_id)).all()
    assert statuses.count("acknowledged") == 1 and statuses.count("en_route") == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Encounter)) == 1
    assert api.get(f"/api/v1/calls/{call_id}", user=shift.officer).get_json()["status"] == "en_route"


def test_records_made_offline_can_build_on_each_other_in_one_batch(api, db, assigned_call, shift, services_directory):
    """An encounter, its referral and a clinician's note on it, all made on the device."""
    call_id, encounter_id, referral_id = assigned_call["id"], str(uuid.uuid4()), str(uuid.uuid4())
    batch = [encounter_record(call_id, encounter_id),
             {"ref": "referral", "path": f"/encounters/{encounter_id}/referrals/new",
              "fields": [["id", referral_id], ["service_id", str(services_directory["mental"].id)],
                         ["consent_type", "verbal"], ["consent_given_by", "the person"]]},
             {"ref": "step", "path": f"/referrals/{referral_id}/status",
              "fields": [["id", str(uuid.uuid4())], ["status", "accepted"]]},
             {"ref": "note", "path": f"/encounters/{encounter_id}/notes",
              "fields": [["id", str(uuid.uuid4())], ["body", "Agreed to a check-in on Friday."]]}]
    results = api.post("/api/v1/sync", {"records": batch}, user=shift.clinician).get_json()["results"]
    assert [r["result"] for r in results] == ["stored", "stored", "stored", "stored"], results
    assert db.session.get(Referral, uuid.UUID(referral_id)).status == "accepted"
    note = db.session.scalar(db.select(Note))
    assert note.body == "Agreed to a check-in on Friday." and str(note.encounter_id) == encounter_id


def test_each_record_is_held_to_its_own_pages_access_rule(api, db, assigned_call, shift):
    encounter_id = str(uuid.uuid4())
    batch = [encounter_record(assigned_call["id"], encounter_id),
             {"ref": "note", "path": f"/encounters/{encounter_id}/notes",  # notes are for clinicians
              "fields": [["id", str(uuid.uuid4())], ["body", "Officer's note"]]},
             {"ref": "assign", "path": f"/calls/{assigned_call['id']}/assign", "fields": [["unit_id", "1"]]},
             {"ref": "nowhere", "path": "/nowhere", "fields": []},
             status_record(2**40, "acknowledged")]
    results = api.post("/api/v1/sync", {"records": batch}, user=shift.officer).get_json()["results"]
    assert [(r["result"], r["status"]) for r in results] == [
        ("stored", 201), ("refused", 403), ("refused", 404), ("refused", 404), ("refused", 404)]
    assert db.session.scalar(db.select(db.func.count()).select_from(Note)) == 0


def test_another_units_call_is_refused_without_saying_more(api, db, assigned_call, other_shift):
    result = api.post("/api/v1/sync", {"records": [status_record(assigned_call["id"], "acknowledged")]},
                      user=other_shift.officer).get_json()["results"][0]
    assert (result["result"], result["status"]) == ("refused", 404)


def test_the_batch_is_bounded_and_validated(api, db, shift):
    too_many = [status_record(1, "acknowledged", ref=str(n)) for n in range(101)]
    response = api.post("/api/v1/sync", {"records": too_many}, user=shift.officer)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"
    odd = api.post("/api/v1/sync", {"records": [{"ref": "x", "path": "/calls/1/status", "fields": [["id"]]}]},
                   user=shift.officer)
    assert odd.status_code == 422
    assert api.post("/api/v1/sync", {"records": []}, user=shift.officer).status_code == 422


def test_cookie_sessions_need_the_csrf_header(pages, shift):
    browser = pages(shift.officer)
    response = browser.client.post("/api/v1/sync", json={"records": [status_record(1, "acknowledged")]})
    assert response.status_code == 400 and "CSRF" in response.get_json()["error"]["message"]
    token = browser.client.get("/session/csrf").get_json()["csrf_token"]
    response = browser.client.post("/api/v1/sync", json={"records": [status_record(1, "acknowledged")]},
                                   headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_each_saved_record_says_what_was_saved_for_the_page_the_device_opens_next(api, db, assigned_call, shift):
    call_id = assigned_call["id"]
    batch = [status_record(call_id, "en_route", "1"), status_record(call_id, "on_scene", "2"),
             encounter_record(call_id, str(uuid.uuid4()), ref="3", then="clear", clear_id=str(uuid.uuid4()),
                              disposition="encounter_logged"),
             encounter_record(call_id, str(uuid.uuid4()), ref="4", outcome="sold_a_bridge")]
    results = api.post("/api/v1/sync", {"records": batch}, user=shift.officer).get_json()["results"]
    assert [(r["result"], r["message"]) for r in results] == [
        ("stored", f"Call {call_id}: en route."), ("stored", f"Call {call_id}: on scene."),
        ("stored", "Encounter saved, call cleared: Jordan Reyes, resolved on scene."), ("refused", None)]
    assert results[2]["location"] == f"/calls/{call_id}"
    again = api.post("/api/v1/sync", {"records": batch[2:3]}, user=shift.officer).get_json()["results"]
    assert [(r["result"], r["message"]) for r in again] == [("replayed", "This encounter was already saved.")]


def test_the_session_tells_the_outbox_the_batch_size_the_endpoint_takes(app, api, pages, assigned_call, shift):
    """The outbox sends as many records per request as GET /session/csrf says (static/js/outbox-send.js
    has no number of its own), and that is exactly what POST /api/v1/sync takes."""
    size = pages(shift.officer).get("/session/csrf").get_json()["sync_batch"]
    assert size == app.config["SYNC_BATCH"] == 100
    call_id = assigned_call["id"]
    taken = api.post("/api/v1/sync", {"records": [status_record(call_id, "acknowledged", str(n)) for n in range(size)]},
                     user=shift.officer)
    assert taken.status_code == 200 and len(taken.get_json()["results"]) == size
    longer = [status_record(call_id, "en_route", str(n)) for n in range(size + 1)]
    refused = api.post("/api/v1/sync", {"records": longer}, user=shift.officer)
    assert refused.status_code == 422 and "records" in refused.get_json()["error"]["fields"]


def test_a_lower_batch_size_is_told_and_held_to(app, api, pages, assigned_call, shift, monkeypatch):
    monkeypatch.setitem(app.config, "SYNC_BATCH", 2)
    assert pages(shift.officer).get("/session/csrf").get_json()["sync_batch"] == 2
    three = [status_record(assigned_call["id"], status) for status in ("acknowledged", "en_route", "on_scene")]
    refused = api.post("/api/v1/sync", {"records": three}, user=shift.officer)
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {"records": ["Longer than 2."]}
    assert api.get(f"/api/v1/calls/{assigned_call['id']}", user=shift.officer).get_json()["status"] == "assigned"


def test_the_outbox_has_no_batch_size_of_its_own():
    """static/js/outbox-send.js sends as many records per request as the server says (the browser test
    tests/browser/test_outbox_batch.py watches it do so against a server that takes two)."""
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "outbox-send.js").read_text()
    assert "who.sync_batch" in script
    assert not re.search(r"BATCH\s*=\s*\d", script)
