"""The response clock against the zone's target, and the breach alert: once per call, to the dispatchers'
board on the live stream and to the supervisors' phones by push, from the sweep (no page open)."""

from datetime import timedelta

from sqlalchemy import select

from fieldapp.calls import breaches, response_clock
from fieldapp.calls.models import Call
from fieldapp.clock import clock_at, utcnow
from fieldapp.jobs import sweeps
from fieldapp.live.models import LiveEvent
from tests.fixtures.calls import call_body
from tests.fixtures.push import subscribe
from tests.fixtures.zones import IN_RURAL, IN_URBAN, OUTSIDE, set_up_zones


def received(api, user, ago, where, priority=1):
    body = call_body(priority=priority, received_at=(utcnow() - ago).isoformat(),
                     location={"address": "1 Main St", "lat": where[0], "lon": where[1]})
    response = api.post("/api/v1/calls", body, user=user)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_clock_runs_against_the_target_of_the_zone_and_priority(api, admin, dispatcher, db, app):
    set_up_zones(admin)
    urban = db.session.get(Call, received(api, dispatcher, timedelta(0), IN_URBAN))
    start = urban.received_at
    rural = db.session.get(Call, received(api, dispatcher, timedelta(0), IN_RURAL))
    elsewhere = db.session.get(Call, received(api, dispatcher, timedelta(0), OUTSIDE, priority=2))
    at = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
    clock = response_clock.clock_of(urban, now=at(10))
    assert (clock.target_minutes, clock.level, clock.text) == (15, "ok", "10 of 15 min")
    assert response_clock.clock_of(urban, now=at(12)).level == "warn"  # 75% of 15 = 11.25 min
    assert response_clock.clock_of(urban, now=at(12)).text == "12 of 15 min"
    over = response_clock.clock_of(urban, now=at(18))
    assert (over.level, over.text) == ("over", "Over by 3 min")
    assert response_clock.clock_of(rural, now=rural.received_at + timedelta(minutes=18)).text == "18 of 60 min"
    assert response_clock.clock_of(elsewhere).target_minutes == app.config["RESPONSE_TARGET_MINUTES"]


def test_a_breach_alerts_once_with_the_test_clock(api, admin, dispatcher, db):
    set_up_zones(admin)
    call_id = received(api, dispatcher, timedelta(0), IN_URBAN)
    call = db.session.get(Call, call_id)
    with clock_at(call.received_at + timedelta(minutes=14)):
        assert response_clock.breached() == []
        assert breaches.alert(call_id) is False
    with clock_at(call.received_at + timedelta(minutes=16)):
        assert response_clock.breached() == [call_id]
        assert breaches.alert(call_id) is True
        assert breaches.alert(call_id) is False  # once
        assert response_clock.breached() == []
    events = db.session.scalars(select(LiveEvent).where(LiveEvent.kind == "call.breach")).all()
    assert [(e.call_id, e.unit_id) for e in events] == [(call_id, None)]  # dispatch's stream, not the crew's


def test_the_sweep_alerts_the_board_and_supervisors_phones_once(
        api, admin, dispatcher, make_user, db, app, push_on, service, pages, shift):
    set_up_zones(admin)
    push = service()
    supervisor_phone, officer_phone = push.device("dispatcher"), push.device("officer")
    subscribe(api, dispatcher, supervisor_phone)
    subscribe(api, shift.officer, officer_phone)
    late = received(api, dispatcher, timedelta(minutes=20), IN_URBAN)
    in_time = received(api, dispatcher, timedelta(minutes=20), IN_RURAL)  # 60 min target
    for _ in range(2):
        sweeps.run_sweeps(app)
        assert app.extensions["fieldapp_jobs"].wait_idle(10)
    db.session.expire_all()
    assert db.session.get(Call, late).breach_alerted_at is not None
    assert db.session.get(Call, in_time).breach_alerted_at is None
    (alert,) = supervisor_phone.received()
    assert (alert["kind"], alert["call_id"], alert["url"]) == ("breach", late, "/board")
    assert "past its response target" in alert["title"]
    assert officer_phone.received() == []
    assert db.session.scalars(select(LiveEvent.call_id).where(LiveEvent.kind == "call.breach")).all() == [late]
    board = pages(dispatcher).get("/board").get_data(as_text=True)
    assert "Past the response target:" in board and f"#{late} P1 Urban" in board
    assert "Over by 5 min" in board and "(past the response target)" in board
    assert "20 of 60 min" in board


def test_a_call_open_for_more_than_a_day_is_not_alerted(api, admin, dispatcher, db):
    """Setting up zones must not page the supervisors for every old call still open."""
    set_up_zones(admin)
    old = received(api, dispatcher, timedelta(hours=30), IN_URBAN)
    fresh = received(api, dispatcher, timedelta(minutes=20), IN_URBAN)
    assert response_clock.clock_of(db.session.get(Call, old)).level == "over"  # the board still shows it red
    assert response_clock.breached() == [fresh]
