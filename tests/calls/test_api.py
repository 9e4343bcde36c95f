import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import Call, CallEvent
from tests.fixtures.calls import call_body
from tests.fixtures.clock import RECENT_DAY


def tap(api, call_id, user, status, *, disposition=None, event_id=None, recorded_at=None):
    body = {"id": str(event_id or uuid.uuid4()), "status": status}
    if disposition:
        body["disposition"] = disposition
    if recorded_at:
        body["recorded_at"] = recorded_at
    return api.post(f"/api/v1/calls/{call_id}/status", body, user=user)


# --- intake --------------------------------------------------------------------------------

def test_dispatcher_creates_a_pending_call(api, dispatcher, db):
    body = call_body(cautions=["weapons", "dog"], external_id="CAD-2026-0001",
                     received_at=f"{RECENT_DAY}T14:03:00-05:00")
    response = api.post("/api/v1/calls", body, user=dispatcher)
    assert response.status_code == 201
    call = response.get_json()
    assert call["status"] == "pending" and isinstance(call["id"], int)
    assert call["location"] == {"address": "12 Elm St", "lat": 40.7, "lon": -74.0}
    assert call["cautions"] == ["dog", "weapons"]
    assert call["external_id"] == "CAD-2026-0001"
    assert call["received_at"] == f"{RECENT_DAY}T19:03:00+00:00"
    assert call["unit"] is None
    assert [e["kind"] for e in call["timeline"]] == ["created"]
    stored = db.session.get(Call, call["id"])
    assert stored.callback == "555-0101" and stored.created_by_id == dispatcher.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.create")).object_id == str(call["id"])


def test_same_cad_push_twice_is_one_call(api, dispatcher, db):
    body = call_body(external_id="CAD-7")
    first = api.post("/api/v1/calls", body, user=dispatcher)
    again = api.post("/api/v1/calls", body, user=dispatcher)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    different = api.post("/api/v1/calls", call_body(external_id="CAD-7", priority=1), user=dispatcher)
    assert different.status_code == 409
    assert db.session.scalar(select(func.count(Call.id))) == 1


@pytest.mark.parametrize("change,field", [
    ({"priority": "2"}, "priority"),                 # wrong type
    ({"priority": 5}, "priority"),                   # out of range
    ({"priority": 2.5}, "priority"),
    ({"call_type": "BURGLARY"}, "call_type"),        # unknown enum value
    ({"cautions": ["laser"]}, "cautions"),
    ({"narrative": "x" * 4001}, "narrative"),        # oversized
    ({"location": {"address": "a" * 201}}, "location"),
    ({"location": {"address": "1 Main", "lat": 91}}, "location"),
    ({"location": "12 Elm St"}, "location"),
    ({"received_at": "2026-11-24T14:03:00"}, "received_at"),  # no UTC offset
    ({"received_at": "yesterday"}, "received_at"),
    ({"surprise": 1}, "surprise"),                   # unknown field
])
def test_bad_call_input_is_a_422_naming_the_field(api, dispatcher, db, change, field):
    response = api.post("/api/v1/calls", call_body(**change), user=dispatcher)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_missing_fields_are_named(api, dispatcher):
    response = api.post("/api/v1/calls", {}, user=dispatcher)
    assert response.status_code == 422
    assert {"call_type", "priority", "location"} <= set(response.get_json()["error"]["fields"])


def test_malformed_json_is_a_400_not_a_500(api, dispatcher):
    response = api.client.post("/api/v1/calls", data="{not json", content_type="application/json",
                                headers=api.headers(dispatcher))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    response = api.client.post("/api/v1/calls", json=[1, 2], headers=api.headers(dispatcher))
    assert response.status_code in (400, 422)
    assert "error" in response.get_json()


def test_oversized_body_is_refused(api, dispatcher):
    response = api.client.post("/api/v1/calls", data="x" * (2 * 1024 * 1024), content_type="application/json",
                               headers=api.headers(dispatcher))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


# --- dispatch ------------------------------------------------------------------------------

def test_assign_to_an_on_duty_unit(api, dispatcher, new_call, shift, db):
    call = new_call()
    response = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "assigned"
    assert body["unit"] == {"id": shift.unit_id, "call_sign": shift.unit.call_sign}
    assert [e["kind"] for e in body["timeline"]] == ["created", "assigned"]


def test_cannot_assign_to_a_unit_off_duty_or_unknown(api, dispatcher, new_call, unit):
    call = new_call()
    off = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": unit.id}, user=dispatcher)
    assert off.status_code == 422
    assert off.get_json()["error"]["fields"] == {"unit_id": ["This unit is not on duty."]}
    unknown = api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": 424242}, user=dispatcher)
    assert unknown.status_code == 404
    assert "unit_id" in unknown.get_json()["error"]["fields"]
    missing = api.post("/api/v1/calls/424242/assign", {"unit_id": unit.id}, user=dispatcher)
    assert missing.status_code == 404


def test_reassign_moves_the_call_and_the_old_unit_loses_it(api, dispatcher, assigned_call, shift, other_shift):
    call_id = assigned_call["id"]
    response = api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    assert response.status_code == 200
    assert response.get_json()["unit"]["id"] == other_shift.unit_id
    assert response.get_json()["timeline"][-1]["kind"] == "reassigned"
    assert api.get(f"/api/v1/calls/{call_id}", user=shift.officer).status_code == 404
    assert api.get(f"/api/v1/calls/{call_id}", user=other_shift.officer).status_code == 200


def test_cancel_needs_a_reason_and_closes_the_call(api, dispatcher, assigned_call):
    call_id = assigned_call["id"]
    assert api.post(f"/api/v1/calls/{call_id}/cancel", {"reason": ""}, user=dispatcher).status_code == 422
    response = api.post(f"/api/v1/calls/{call_id}/cancel", {"reason": "Caller called back: all fine"},
                        user=dispatcher)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert response.get_json()["cancel_reason"] == "Caller called back: all fine"
    again = api.post(f"/api/v1/calls/{call_id}/cancel", {"reason": "again"}, user=dispatcher)
    assert again.status_code == 409


# --- who sees what -------------------------------------------------------------------------

def test_units_see_only_their_own_calls(api, dispatcher, new_call, shift, other_shift):
    mine = new_call(narrative="mine")
    theirs = new_call(narrative="theirs")
    api.post(f"/api/v1/calls/{mine['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    api.post(f"/api/v1/calls/{theirs['id']}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    for member in (shift.officer, shift.clinician):
        listed = api.get("/api/v1/calls", user=member).get_json()
        assert [c["id"] for c in listed] == [mine["id"]]
        assert api.get(f"/api/v1/calls/{mine['id']}", user=member).status_code == 200
        hidden = api.get(f"/api/v1/calls/{theirs['id']}", user=member)
        assert hidden.status_code == 404
        assert "theirs" not in hidden.get_data(as_text=True)
    everything = api.get("/api/v1/calls", user=dispatcher).get_json()
    assert {c["id"] for c in everything} == {mine["id"], theirs["id"]}


def test_dispatcher_filters_by_status_and_unit(api, dispatcher, new_call, assigned_call, shift):
    pending = new_call()
    by_status = api.get("/api/v1/calls?status=pending", user=dispatcher).get_json()
    assert [c["id"] for c in by_status] == [pending["id"]]
    by_unit = api.get(f"/api/v1/calls?unit_id={shift.unit_id}", user=dispatcher).get_json()
    assert [c["id"] for c in by_unit] == [assigned_call["id"]]
    both = api.get("/api/v1/calls?status=pending,assigned", user=dispatcher).get_json()
    assert len(both) == 2
    bad = api.get("/api/v1/calls?status=lost", user=dispatcher)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_crew_off_shift_sees_nothing(api, dispatcher, assigned_call, shift, db):
    from fieldapp.units import services as units

    officer = shift.officer
    tap(api, assigned_call["id"], officer, "en_route")
    tap(api, assigned_call["id"], officer, "on_scene")
    tap(api, assigned_call["id"], officer, "cleared", disposition="refused")
    units.close_shift(shift.unit, by=dispatcher)
    assert api.get("/api/v1/calls", user=officer).get_json() == []
    assert api.get(f"/api/v1/calls/{assigned_call['id']}", user=officer).status_code == 404


def test_reading_a_call_is_audited(api, assigned_call, shift, db):
    api.get(f"/api/v1/calls/{assigned_call['id']}", user=shift.clinician)
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.view"))
    assert (row.user_id, row.object_type, row.object_id) == (shift.clinician_id, "calls", str(assigned_call["id"]))


# --- the unit's status taps ----------------------------------------------------------------

def test_full_status_flow_with_device_and_server_times(api, assigned_call, shift, db):
    call_id = assigned_call["id"]
    device_times = {}
    for minutes, status in enumerate(["acknowledged", "en_route", "on_scene", "transporting"]):
        moment = (datetime.now(UTC) - timedelta(minutes=10 - minutes)).isoformat()
        device_times[status] = moment
        response = tap(api, call_id, shift.officer if minutes % 2 else shift.clinician, status, recorded_at=moment)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["status"] == status
    cleared = tap(api, call_id, shift.officer, "cleared", disposition="encounter_logged")
    assert cleared.status_code == 201
    detail = api.get(f"/api/v1/calls/{call_id}", user=shift.officer).get_json()
    assert detail["status"] == "cleared" and detail["disposition"] == "encounter_logged"
    assert detail["closed_at"]
    assert detail["next_statuses"] == []
    statuses = [(e["kind"], e["status"]) for e in detail["timeline"]]
    assert statuses == [("created", "pending"), ("assigned", "assigned"), ("status", "acknowledged"),
                        ("status", "en_route"), ("status", "on_scene"), ("status", "transporting"),
                        ("status", "cleared")]
    entry = db.session.scalar(select(CallEvent).where(CallEvent.call_id == call_id, CallEvent.status == "on_scene"))
    assert entry.recorded_at == datetime.fromisoformat(device_times["on_scene"])
    assert entry.received_at > entry.recorded_at
    assert entry.user_id == shift.clinician_id
    assert detail["timeline"][4]["user"] == shift.clinician.username


@pytest.mark.parametrize("path,status,message", [
    ([], "on_scene", "cannot become on scene"),
    ([], "transporting", "cannot become transporting"),
    (["en_route"], "acknowledged", "cannot become acknowledged"),
    (["en_route", "on_scene"], "en_route", "cannot become en route"),
])
def test_invalid_transitions_are_refused_with_a_clear_message(api, assigned_call, shift, db, path, status, message):
    for step in path:
        assert tap(api, assigned_call["id"], shift.officer, step).status_code == 201
    response = tap(api, assigned_call["id"], shift.officer, status)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert message in error["message"]
    assert db.session.get(Call, assigned_call["id"]).status == (path[-1] if path else "assigned")


def test_clearing_needs_a_disposition_and_only_clearing_takes_one(api, assigned_call, shift):
    call_id = assigned_call["id"]
    tap(api, call_id, shift.officer, "en_route")
    wrong = tap(api, call_id, shift.officer, "on_scene", disposition="refused")
    assert wrong.status_code == 422 and "disposition" in wrong.get_json()["error"]["fields"]
    tap(api, call_id, shift.officer, "on_scene")
    missing = tap(api, call_id, shift.officer, "cleared")
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"] == {"disposition": ["Required when clearing a call."]}
    unknown = tap(api, call_id, shift.officer, "cleared", disposition="vanished")
    assert unknown.status_code == 422 and "disposition" in unknown.get_json()["error"]["fields"]


def test_replayed_status_change_is_idempotent(api, assigned_call, shift, db):
    event_id = uuid.uuid4()
    moment = datetime.now(UTC).isoformat()
    first = tap(api, assigned_call["id"], shift.officer, "acknowledged", event_id=event_id, recorded_at=moment)
    replay = tap(api, assigned_call["id"], shift.officer, "acknowledged", event_id=event_id, recorded_at=moment)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.get_json() == first.get_json()
    conflict = tap(api, assigned_call["id"], shift.officer, "en_route", event_id=event_id, recorded_at=moment)
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "id_conflict"
    count = db.session.scalar(select(func.count(CallEvent.id)).where(CallEvent.call_id == assigned_call["id"],
                                                                     CallEvent.kind == "status"))
    assert count == 1


def test_an_id_used_on_another_call_is_a_conflict(api, dispatcher, new_call, shift):
    one, two = new_call(), new_call()
    for call in (one, two):
        api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    event_id = uuid.uuid4()
    assert tap(api, one["id"], shift.officer, "acknowledged", event_id=event_id).status_code == 201
    assert tap(api, two["id"], shift.officer, "acknowledged", event_id=event_id).status_code == 409


def test_other_units_and_dispatchers_cannot_tap(api, assigned_call, other_shift, dispatcher):
    assert tap(api, assigned_call["id"], other_shift.officer, "acknowledged").status_code == 404
    assert tap(api, assigned_call["id"], dispatcher, "acknowledged").status_code == 403


def test_status_body_is_validated(api, assigned_call, shift):
    call_id = assigned_call["id"]
    for body, field in [({"status": "acknowledged"}, "id"), ({"id": "not-a-uuid", "status": "acknowledged"}, "id"),
                        ({"id": str(uuid.uuid4()), "status": "teleported"}, "status"),
                        ({"id": str(uuid.uuid4()), "status": "pending"}, "status"),
                        ({"id": str(uuid.uuid4()), "status": "acknowledged", "recorded_at": "noon"}, "recorded_at")]:
        response = api.post(f"/api/v1/calls/{call_id}/status", body, user=shift.officer)
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"], body
    future = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    response = tap(api, call_id, shift.officer, "acknowledged", recorded_at=future)
    assert response.status_code == 422 and "recorded_at" in response.get_json()["error"]["fields"]
