"""Unit positions over the API: the crew sends its own unit's, dispatch reads the latest and (audited)
the history; bad input is refused field by field; replays, late and concurrent batches keep the newest."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from fieldapp.live.models import LiveEvent
from fieldapp.positions.models import LatestPosition, UnitPosition

DEVICE = "3f1c2a9e-0d4b-4c43-9a57-2f1e6b7c8d90"


def at(seconds_ago: float) -> str:
    return (utcnow() - timedelta(seconds=seconds_ago)).isoformat()


def fix(lat=40.71, lon=-74.0, seconds_ago=10, accuracy=8.0):
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy, "recorded_at": at(seconds_ago)}


def post(api, shift, positions, user=None, device=DEVICE):
    return api.post(f"/api/v1/units/{shift.unit_id}/positions", {"device_id": device, "positions": positions},
                    user=user or shift.officer)


def test_crew_sends_and_dispatch_sees_the_latest(api, shift, dispatcher, db):
    response = post(api, shift, [fix(seconds_ago=30), fix(lat=40.72, seconds_ago=5)])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stored"] == 2 and response.get_json()["latest"]["lat"] == 40.72
    latest = api.get("/api/v1/units/positions", user=dispatcher).get_json()
    assert [(row["call_sign"], row["lat"], row["stale"]) for row in latest] == [(shift.unit.call_sign, 40.72, False)]
    event = db.session.scalars(select(LiveEvent).where(LiveEvent.kind == "unit.position")).one()
    assert event.unit_id is None  # dispatch's streams only, never a crew's
    assert event.payload["lat"] == 40.72 and event.payload["unit"] == shift.unit_id


def test_a_replayed_batch_stores_nothing_twice(api, shift, db):
    batch = [fix(seconds_ago=20), fix(lat=40.73, seconds_ago=10)]
    assert post(api, shift, batch).get_json()["stored"] == 2
    again = post(api, shift, batch).get_json()
    assert (again["stored"], again["replayed"]) == (0, 2)
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 2
    assert db.session.scalar(select(func.count(LiveEvent.id)).where(LiveEvent.kind == "unit.position")) == 1


def test_an_older_position_never_overwrites_a_newer_one(api, shift, db):
    post(api, shift, [fix(lat=41.0, seconds_ago=5)])
    late = post(api, shift, [fix(lat=39.0, seconds_ago=600)])  # an offline phone's outbox, sent late
    assert late.status_code == 200 and late.get_json()["stored"] == 1
    assert db.session.get(LatestPosition, shift.unit_id).lat == 41.0
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 2  # kept in the history all the same


def test_twenty_concurrent_batches_keep_the_newest(app, api, shift, db):
    """Twenty batches at once, each from its own device at its own time: every position stored once and
    the latest is the newest of them all, whatever order the writes landed in."""
    token = api.token(shift.officer)
    barrier, statuses = threading.Barrier(20), []
    base = utcnow() - timedelta(minutes=5)

    def send(i):
        client = app.test_client()
        with app.app_context():
            when = (base + timedelta(seconds=i)).isoformat()
            body = {"device_id": f"device-{i}",
                    "positions": [{"lat": 40 + i / 100, "lon": -74.0, "accuracy_m": 5, "recorded_at": when}]}
            barrier.wait()
            response = client.post(f"/api/v1/units/{shift.unit_id}/positions", json=body,
                                   headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 20
    latest = db.session.get(LatestPosition, shift.unit_id)
    assert latest.device_id == "device-19" and latest.lat == pytest.approx(40.19)


@pytest.mark.parametrize(("position", "field"), [
    ({"lat": 91, "lon": 0}, "lat"), ({"lat": 0, "lon": -180.5}, "lon"), ({"lat": "NaN", "lon": 0}, "lat"),
    ({"lat": True, "lon": 0}, "lat"), ({"lat": 0, "lon": 0, "accuracy_m": -1}, "accuracy_m"),
    ({"lat": 0, "lon": 0, "recorded_at": "0001-01-01T00:00:00Z"}, "recorded_at"),
    ({"lat": 0, "lon": 0, "recorded_at": "9999-12-31T23:59:59Z"}, "recorded_at"),
    ({"lat": 0, "lon": 0, "recorded_at": "2026-12-01T10:00:00"}, "recorded_at"),
])
def test_bad_positions_are_refused_by_field(api, shift, db, position, field):
    position = {"recorded_at": at(5), **position}
    response = post(api, shift, [position])
    assert response.status_code == 422, response.get_json()
    assert field in str(response.get_json()["error"]["fields"])
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 0


def test_nan_in_the_json_and_huge_lists_are_refused(api, shift, db):
    body = '{"device_id": "d1", "positions": [{"lat": NaN, "lon": 0, "recorded_at": "' + at(5) + '"}]}'
    raw = api.client.post(f"/api/v1/units/{shift.unit_id}/positions", data=body,
                          headers={**api.headers(shift.officer), "Content-Type": "application/json"})
    assert 400 <= raw.status_code < 500
    huge = post(api, shift, [fix(seconds_ago=i) for i in range(101)])
    assert huge.status_code == 422 and "positions" in huge.get_json()["error"]["fields"]
    assert post(api, shift, [], device="").status_code == 422
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 0


def test_only_the_units_own_crew_may_send(api, shift, other_shift, dispatcher, db):
    assert post(api, shift, [fix()], user=other_shift.officer).status_code == 403
    assert post(api, shift, [fix()], user=dispatcher).status_code == 403
    assert api.post("/api/v1/units/999999/positions", {"device_id": DEVICE, "positions": [fix()]},
                    user=shift.officer).status_code == 404
    assert db.session.scalar(select(func.count(UnitPosition.id))) == 0


def test_history_is_for_dispatch_and_audited(api, shift, other_shift, dispatcher, admin, db):
    post(api, shift, [fix(seconds_ago=30), fix(seconds_ago=5)])
    # an officer of another unit (and the unit's own crew) cannot read a history; nor the latest
    assert api.get(f"/api/v1/units/{shift.unit_id}/positions", user=other_shift.officer).status_code in (403, 404)
    assert api.get(f"/api/v1/units/{shift.unit_id}/positions", user=shift.clinician).status_code in (403, 404)
    assert api.get("/api/v1/units/positions", user=other_shift.officer).status_code == 403
    for reader in (dispatcher, admin):
        response = api.get(f"/api/v1/units/{shift.unit_id}/positions", user=reader)
        assert response.status_code == 200 and len(response.get_json()) == 2
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "position.history")
                               .order_by(AuditEvent.id)).all()
    assert [row.username for row in reads] == [dispatcher.username, admin.username]
    assert reads[0].object_id == str(shift.unit_id) and reads[0].details["count"] == 2


def test_history_of_one_call(api, shift, assigned_call, dispatcher, db):
    call_id = assigned_call["id"]
    api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "en_route"}, user=shift.officer)
    post(api, shift, [fix(seconds_ago=5)])
    rows = api.get(f"/api/v1/units/{shift.unit_id}/positions?call_id={call_id}", user=dispatcher).get_json()
    assert [row["call_id"] for row in rows] == [call_id]
    assert api.get(f"/api/v1/units/{shift.unit_id}/positions?call_id=1{call_id}", user=dispatcher).get_json() == []


def test_the_phone_shares_while_the_call_is_en_route(api, app, shift, assigned_call, db, monkeypatch):
    ask = lambda: api.get("/api/v1/me/position-sharing", user=shift.officer).get_json()  # noqa: E731
    assert ask() == {"share": False, "unit_id": shift.unit_id, "reason": "no_call"}
    call_id = assigned_call["id"]
    api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "en_route"}, user=shift.officer)
    assert ask()["share"] is True and ask()["reason"] == "call"
    cleared = api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "cleared",
                                                           "disposition": "unable_to_locate"}, user=shift.officer)
    assert cleared.status_code in (200, 201), cleared.get_json()
    assert ask()["share"] is False
    monkeypatch.setitem(app.config, "SHARE_POSITION_WHEN_AVAILABLE", True)
    assert ask() == {"share": True, "unit_id": shift.unit_id, "reason": "on_shift"}
