"""One order of checks for every idempotent create (fieldapp.idempotency.replay_of): an id saved by
someone the caller may not see tells nothing; an id reused under another parent or with another body is
a conflict; the same body again is the stored record."""

import uuid

import pytest
from sqlalchemy import func, select

from fieldapp.calls import services as calls
from fieldapp.calls.models import CallEvent
from fieldapp.clock import utcnow
from fieldapp.errors import NotFound
from fieldapp.idempotency import commit_or_replay
from tests.fixtures.calls import call_body
from tests.fixtures.encounters import encounter_body


def _status(api, call_id, user, status, event_id):
    return api.post(f"/api/v1/calls/{call_id}/status", {"id": str(event_id), "status": status}, user=user)


def _call_for(api, dispatcher, shift):
    call = api.post("/api/v1/calls", call_body(), user=dispatcher).get_json()
    assigned = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert assigned.status_code == 200
    return call


def test_an_id_another_unit_saved_is_answered_as_if_it_did_not_exist(api, dispatcher, shift, other_shift, db):
    mine, theirs = _call_for(api, dispatcher, shift), _call_for(api, dispatcher, other_shift)
    event_id = uuid.uuid4()
    assert _status(api, theirs["id"], other_shift.officer, "acknowledged", event_id).status_code == 201
    probe = _status(api, mine["id"], shift.officer, "acknowledged", event_id)
    assert probe.status_code == 404  # not 409: a conflict would say the id is taken, and where
    assert "id_conflict" not in probe.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CallEvent).where(CallEvent.id == event_id)) == 1
    assert db.session.get(CallEvent, event_id).call_id == theirs["id"]


def test_an_id_reused_on_another_call_the_crew_sees_is_a_conflict(api, dispatcher, shift, db):
    first, second = _call_for(api, dispatcher, shift), _call_for(api, dispatcher, shift)
    event_id = uuid.uuid4()
    assert _status(api, first["id"], shift.officer, "acknowledged", event_id).status_code == 201
    reused = _status(api, second["id"], shift.officer, "acknowledged", event_id)
    assert reused.status_code == 409
    assert reused.get_json()["error"]["code"] == "id_conflict"
    assert reused.get_json()["error"]["message"] == "A different status change was already saved with this id."


def test_the_same_body_again_is_the_stored_record(api, dispatcher, shift):
    call = _call_for(api, dispatcher, shift)
    event_id = uuid.uuid4()
    first = _status(api, call["id"], shift.officer, "acknowledged", event_id)
    again = _status(api, call["id"], shift.officer, "acknowledged", event_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()


def test_an_encounter_id_another_unit_saved_tells_nothing(api, dispatcher, shift, other_shift):
    mine, theirs = _call_for(api, dispatcher, shift), _call_for(api, dispatcher, other_shift)
    for call, crew in ((mine, shift), (theirs, other_shift)):
        assert _status(api, call["id"], crew.officer, "acknowledged", uuid.uuid4()).status_code == 201
    body = encounter_body()
    assert api.post(f"/api/v1/calls/{theirs['id']}/encounters", body, user=other_shift.clinician).status_code == 201
    probe = api.post(f"/api/v1/calls/{mine['id']}/encounters", body, user=shift.clinician)
    assert probe.status_code == 404
    assert "encounter" not in probe.get_json()["error"]["message"].lower()


def test_an_id_saved_by_another_unit_in_the_same_instant_tells_nothing_either(api, dispatcher, shift, other_shift,
                                                                              db):
    """The race: the first look found no record, then the insert met the other unit's row (the unique
    key). commit_or_replay's answer goes through the same checks as replay_of: 404, not 409 or theirs."""
    mine, theirs = _call_for(api, dispatcher, shift), _call_for(api, dispatcher, other_shift)
    event_id = uuid.uuid4()
    assert _status(api, theirs["id"], other_shift.officer, "acknowledged", event_id).status_code == 201
    racing = CallEvent(id=event_id, call_id=mine["id"], kind="status", status="acknowledged",
                       user_id=shift.officer.id, recorded_at=utcnow(), request_hash="another body")
    db.session.add(racing)
    rules = {"reveal": lambda found: calls.get_call(shift.officer, found.call_id, audit_read=False),
             "parent": lambda found: found.call_id == mine["id"]}
    with pytest.raises(NotFound):  # not 409, and not their record as a replay
        commit_or_replay(racing, "another body", what="status change", **rules)
    assert db.session.scalar(select(func.count()).select_from(CallEvent).where(CallEvent.id == event_id)) == 1
