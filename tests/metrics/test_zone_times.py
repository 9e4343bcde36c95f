"""issue 20: response times per zone and priority on the dashboard and the quarterly report, against
hand-computed medians, 90th percentiles and shares within target."""

import uuid
from datetime import timedelta

from fieldapp import clock
from fieldapp.calls import services as calls
from fieldapp.calls import status as status_changes
from fieldapp.metrics import zone_times
from fieldapp.metrics.filters import filters_from
from tests.fixtures.zones import IN_RURAL, IN_URBAN, set_up_zones

MIN = 60


def responded(dispatcher, shift, where, *, queue, to_en_route, travel, priority=1, ago=timedelta(days=2)):
    """A call received ``ago``, dispatched ``queue`` minutes later (server time), the crew's taps en route
    and on scene after ``to_en_route`` and ``travel`` more minutes (device times)."""
    received = clock.utcnow() - ago
    location = {"address": "1 Main St", "lat": where[0], "lon": where[1]} if where else {"address": "9 Far Rd"}
    with clock.clock_at(received):
        call, _ = calls.create_call({"call_type": "EDP", "priority": priority, "location": location,
                                     "received_at": received}, by=dispatcher)
    dispatched = received + timedelta(minutes=queue)
    with clock.clock_at(dispatched):
        calls.assign(call.id, shift.unit_id, by=dispatcher)
    if to_en_route is None:
        return call
    en_route = dispatched + timedelta(minutes=to_en_route)
    on_scene = en_route + timedelta(minutes=travel)
    cleared = on_scene + timedelta(minutes=5)
    for status, moment in (("en_route", en_route), ("on_scene", on_scene), ("cleared", cleared)):
        with clock.clock_at(on_scene + timedelta(minutes=30)):  # the taps arrive late (offline): device times count
            status_changes.change_status(call.id, event_id=uuid.uuid4(), status=status, recorded_at=moment,
                                         disposition="resolved" if status == "cleared" else None, by=shift.officer)
    return call


def test_medians_p90_and_share_within_target_per_zone_and_priority(app, db, admin, dispatcher, shift):
    set_up_zones(admin)  # urban P1 15 min, rural P1 60 min, the rest 30 min (RESPONSE_TARGET_MINUTES)
    for queue, to_en_route, travel in ((1, 1, 8), (2, 1, 10), (4, 2, 14)):  # responses 10, 13, 20 min
        responded(dispatcher, shift, IN_URBAN, queue=queue, to_en_route=to_en_route, travel=travel)
    responded(dispatcher, shift, IN_RURAL, queue=5, to_en_route=5, travel=30)  # 40 min, within 60
    responded(dispatcher, shift, None, queue=3, to_en_route=None, travel=None, priority=2)  # never reached

    found = zone_times.figures(db.session, filters_from({}, clock.zone_name()))
    rows = {(row["zone"], row["priority"]): row for row in found["rows"]}
    assert list(rows) == [("Rural", 1), ("Urban", 1), ("Outside every zone", 2)]
    urban = rows[("Urban", 1)]
    assert (urban["target_minutes"], urban["calls"], urban["reached"], urban["within_target"]) == (15, 3, 3, 2)
    assert urban["within_share"] == 0.6667
    # percentile_cont over 3 values: median the middle one, p90 = v2 + 0.8 * (v3 - v2)
    assert urban["steps"]["queue"] == {"n": 3, "median": 2 * MIN, "p90": 2 * MIN + 0.8 * 2 * MIN}
    assert urban["steps"]["to_en_route"] == {"n": 3, "median": 1 * MIN, "p90": 1 * MIN + 0.8 * MIN}
    assert urban["steps"]["travel"] == {"n": 3, "median": 10 * MIN, "p90": 10 * MIN + 0.8 * 4 * MIN}
    assert urban["steps"]["response"] == {"n": 3, "median": 13 * MIN, "p90": 13 * MIN + 0.8 * 7 * MIN}
    rural = rows[("Rural", 1)]
    assert (rural["target_minutes"], rural["within_share"], rural["steps"]["response"]["median"]) == (60, 1.0, 40 * MIN)
    outside = rows[("Outside every zone", 2)]
    assert (outside["target_minutes"], outside["calls"], outside["reached"]) == (30, 1, 0)
    assert outside["within_share"] is None
    assert outside["steps"]["queue"]["median"] == 3 * MIN and outside["steps"]["response"]["n"] == 0


def test_the_dashboard_folds_the_section_and_the_report_shows_it(pages, make_user, admin, dispatcher, shift):
    set_up_zones(admin)
    responded(dispatcher, shift, IN_URBAN, queue=1, to_en_route=1, travel=8)
    browser = pages(make_user("program_manager"))
    dashboard = browser.get("/metrics").get_data(as_text=True)
    assert '<summary><h2 id="zone-times-h">Response times by zone</h2></summary>' in dashboard
    assert "Urban, P1 <span class=\"meta\">target 15 min</span>" in dashboard
    assert "<strong>100%</strong> within target" in dashboard and "(1 of 1 reached; 1 call)" in dashboard
    report = browser.get("/metrics/report").get_data(as_text=True)
    assert '<h2 id="zone-times-h">Response times by zone</h2>' in report and "Received → on scene" in report
