"""Every metric of docs/metrics.md against the hand-made data set of tests/fixtures/metrics_data.py.

The answers are worked out here from the table in that module's docstring. The same tests run on
SQLite and on PostgreSQL (TEST_DATABASE_URL), so both spellings of each query give these numbers.
"""

import re
from datetime import date

import pytest

from fieldapp.metrics import services, sql
from fieldapp.metrics.filters import Filters, Periods
from tests.fixtures import metrics_data
from tests.fixtures.metrics_data import NOW, PERIOD

ZONE = "America/New_York"
MARCH = Filters(date(2026, 3, 1), date(2026, 4, 1), ZONE)


@pytest.fixture
def data(db, make_user):
    return metrics_data.build(db.session, make_user("clinician"))


@pytest.fixture
def march(db, data):
    return services.compute(db.session, MARCH, now=NOW)


def test_calls_received_assigned_served_and_not_served_by_reason(march):
    calls = march["calls"]
    # C1..C8 were received in March; C0, CP and C9 were not.
    assert calls["received"] == 8
    # Dispatched at least once: C1, C2, C3, C4, C7, C8 (C5 was cancelled while pending, C6 never assigned).
    assert calls["assigned"] == 6 and calls["assigned_share"] == 0.75
    # At least one encounter: C1, C2, C3, C8.
    assert calls["served"] == 4 and calls["served_share"] == 0.5
    reasons = calls["not_served"]["by_reason"]
    assert calls["not_served"]["total"] == 4
    assert {code: n for code, n in reasons.items() if n} == {
        "unable_to_locate": 1,  # C4, cleared with that disposition
        "cancelled_before_dispatch": 1,  # C5
        "never_assigned": 1,  # C6
        "cancelled_after_dispatch": 1,  # C7
    }
    assert sum(reasons.values()) == calls["received"] - calls["served"]


def test_calls_by_type(march):
    by_type = {row["call_type"]: (row["received"], row["served"]) for row in march["calls"]["by_type"]}
    assert by_type == {"EDP": (3, 1), "MNTL": (2, 2), "WELFARE": (1, 0), "SUICTHRT": (1, 0), "OD": (1, 1)}
    assert march["calls"]["by_type"][0]["call_type"] == "EDP"  # the most calls first


def test_queue_time_median_and_90th_percentile(march):
    # Received -> first 'assigned': C1 180 s, C2 600, C3 60, C4 120, C7 300, C8 60.
    # Sorted 60 60 120 180 300 600; median at rank 2.5 -> 150; p90 at rank 4.5 -> 300 + 0.5 * 300 = 450.
    assert march["times"]["queue"] == {"n": 6, "median": 150.0, "p90": 450.0}


def test_response_time_leaves_out_a_device_clock_error(march):
    # Received -> first 'on_scene' (device time): C1 900 s, C2 1800, C3 360, C8 1260; C4's device said
    # on scene a minute *before* the call was received, so it is left out as a clock error.
    # Sorted 360 900 1260 1800: median at rank 1.5 -> 1080; p90 at rank 2.7 -> 1260 + 0.7 * 540 = 1638.
    assert march["times"]["response"] == {"n": 4, "median": 1080.0, "p90": 1638.0}


def test_time_on_scene(march):
    # First 'on_scene' -> 'cleared': C1 1800 s, C2 3600, C3 600, C4 1800 (both device times, so its
    # interval is fine); C8 is still on scene. Sorted 600 1800 1800 3600: median 1800, p90 1800 + 0.7 * 1800.
    assert march["times"]["on_scene"] == {"n": 4, "median": 1800.0, "p90": 3060.0}


def test_response_time_distribution(march):
    counts = {bucket["label"]: bucket["count"] for bucket in march["times"]["response_distribution"]}
    # 360 s -> 5-10 min; 900 s is exactly 15 min -> 15-20; 1260 s -> 20-30; 1800 s -> 30-45.
    assert counts == {"0-5 min": 0, "5-10 min": 1, "10-15 min": 0, "15-20 min": 1, "20-30 min": 1,
                      "30-45 min": 1, "45-60 min": 0, "60+ min": 0}


def test_outcome_distribution_per_encounter(march):
    encounters = march["encounters"]
    # E1 resolved, E2 arrested, E3 hospitalized, E4 referred, E5 referred.
    assert encounters["total"] == 5
    assert encounters["outcomes"] == {"resolved": {"count": 1, "share": 0.2}, "referred": {"count": 2, "share": 0.4},
                                      "hospitalized": {"count": 1, "share": 0.2},
                                      "arrested": {"count": 1, "share": 0.2}}
    assert encounters["resolved_without_arrest_or_hospitalization"] == {"count": 3, "share": 0.6}


def test_involuntary_holds_probable_cause_diversion_and_force(march):
    encounters = march["encounters"]
    assert encounters["involuntary_holds"] == {"count": 1, "share": 0.2}  # E3
    assert encounters["hospitalizations"] == {"voluntary": 0, "involuntary": 1, "medical": 0}
    # Probable cause on E2 (arrested) and E4 (diverted).
    assert encounters["probable_cause"] == {"total": 2, "arrested": 1, "diverted": 1, "neither": 0,
                                            "diversion_rate": 0.5}
    assert encounters["use_of_force"]["count"] == 1 and encounters["use_of_force"]["share"] == 0.2
    assert encounters["use_of_force"]["by_type"]["physical_control"] == 1
    assert sum(encounters["use_of_force"]["by_type"].values()) == 1
    assert encounters["enforcement_action"] == {"count": 1, "share": 0.2}


def test_outcomes_over_time_by_day_in_the_agency_zone(march):
    over_time = march["encounters"]["over_time"]
    assert over_time["unit"] == "day" and len(over_time["buckets"]) == 31
    busy = {bucket["start"]: {k: v for k, v in bucket["counts"].items() if v}
            for bucket in over_time["buckets"] if any(bucket["counts"].values())}
    assert busy == {"2026-03-02": {"resolved": 1, "arrested": 1}, "2026-03-05": {"hospitalized": 1},
                    "2026-03-10": {"referred": 1}, "2026-03-28": {"referred": 1}}


def test_referrals_by_category_and_completion_rate(march):
    referrals = march["referrals"]
    # R1 mental health completed, R2 housing made, R3 mental health with consent declined,
    # R4 to a Part 2 program accepted (counted here, never exported); R9 is on an April call.
    assert referrals["total"] == 4 and referrals["consent_declined"] == 1 and referrals["made"] == 3
    assert referrals["completed"] == 1 and referrals["completion_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert referrals["open"] == 2 and referrals["to_part2_programs"] == 1
    by_category = {row["category"]: {k: v for k, v in row["by_status"].items() if v}
                   for row in referrals["by_category"]}
    assert by_category == {"mental_health": {"completed": 1, "declined": 1}, "housing": {"made": 1},
                           "substance_use": {"accepted": 1}}
    assert referrals["by_category"][0]["category"] == "mental_health"


def test_follow_ups_done_on_time(march):
    # F1 done a day early, F2 a day late, F3 not done and past due, F4 due after NOW; F9 is April's.
    assert march["follow_ups"] == {"total": 4, "on_time": 1, "late": 1, "overdue": 1, "not_yet_due": 1,
                                   "on_time_rate": pytest.approx(1 / 3, abs=1e-4)}


def test_repeat_contacts_within_90_days(march):
    # P1: E3 (Mar 5) follows E1 (Mar 2) on another call. P3: E4 (Mar 10) follows E0 (Jan 15, 54 days).
    # P2's second encounter is in April (after the period); P4 has one.
    assert march["repeat_contacts"] == {"people": 4, "repeat": 2, "share": 0.5, "window_days": 90}


def test_demographics_of_people_served(march):
    demographics = march["demographics"]
    assert demographics["people"] == 4
    assert {k: v for k, v in demographics["gender"].items() if v} == {"woman": 1, "man": 1, "nonbinary": 1,
                                                                     "not_recorded": 1}
    # P1 born 1980-06-15 is 45 on Mar 2 2026; P2 born 2008-03-03 is still 17 on Mar 2 2026;
    # P3's estimated age is 30; P4's is 95.
    assert {k: v for k, v in demographics["age_group"].items() if v} == {"45_54": 1, "under_18": 1, "25_34": 1,
                                                                        "65_plus": 1}
    # P3 gave two categories, so the categories add up to more than the people.
    assert {k: v for k, v in demographics["race_ethnicity"].items() if v} == {"black": 1, "white": 2,
                                                                             "hispanic_latino": 1, "not_recorded": 1}
    by_race = demographics["outcomes_by_race_ethnicity"]
    assert by_race["black"] == {"encounters": 2, "resolved": 1, "referred": 0, "hospitalized": 1, "arrested": 0,
                                "involuntary_holds": 1, "use_of_force": 0}
    assert by_race["white"] == {"encounters": 2, "resolved": 0, "referred": 1, "hospitalized": 0, "arrested": 1,
                                "involuntary_holds": 0, "use_of_force": 1}


def test_unit_and_call_type_filters(db, data):
    unit_a = services.compute(db.session, Filters(MARCH.start_date, MARCH.end_date, ZONE, unit_id=data.unit_a.id),
                              now=NOW)
    assert unit_a["calls"]["received"] == 3 and unit_a["calls"]["served"] == 3  # C1, C2, C8
    assert unit_a["encounters"]["total"] == 4
    edp = services.compute(db.session, Filters(MARCH.start_date, MARCH.end_date, ZONE, call_type="EDP"), now=NOW)
    assert edp["calls"]["received"] == 3 and edp["calls"]["served"] == 1  # C1, C6, C7
    assert edp["times"]["queue"] == {"n": 2, "median": 240.0, "p90": 288.0}  # C1 180 s, C7 300 s


def test_previous_period_has_the_same_length(db, data):
    report = services.report(db.session, MARCH, now=NOW)
    assert report["previous_period"] == {"from": "2026-01-29", "to": "2026-02-28", "unit_id": None,
                                         "call_type": None, "days": 31}
    assert report["previous"]["calls"]["received"] == 1  # CP on Feb 10 (C0 on Jan 15 is before it)
    assert report["previous"]["encounters"]["outcomes"]["resolved"]["count"] == 1


def test_an_empty_period_has_zero_counts_and_no_shares(db, data):
    empty = services.compute(db.session, Filters(date(2025, 1, 1), date(2025, 2, 1), ZONE), now=NOW)
    assert empty["calls"]["received"] == 0 and empty["calls"]["served_share"] is None
    assert empty["times"]["response"] == {"n": 0, "median": None, "p90": None}
    assert empty["encounters"]["total"] == 0 and empty["referrals"]["completion_rate"] is None


def test_percentile_matches_postgresql_percentile_cont():
    assert sql.percentile([], 0.5) is None
    assert sql.percentile([7.0], 0.9) == 7.0
    assert sql.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert sql.percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0.9) == 46.0


def test_the_api_returns_the_dashboard_numbers(api, db, data, make_user):
    manager = make_user("program_manager")
    response = api.get("/api/v1/metrics?from=2026-03-01&to=2026-03-31", user=manager)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    expected = services.report(db.session, MARCH)
    assert body["current"]["calls"] == expected["current"]["calls"]
    assert body["current"]["times"]["response"] == {"n": 4, "median": 1080.0, "p90": 1638.0}
    assert body["current"]["encounters"]["outcomes"]["referred"] == {"count": 2, "share": 0.4}
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31", "unit_id": None, "call_type": None,
                              "days": 31, "timezone": ZONE}
    assert body["previous"]["calls"]["received"] == 1
    filtered = api.get(f"/api/v1/metrics?from=2026-03-01&to=2026-03-31&unit_id={data.unit_a.id}&call_type=EDP",
                       user=manager).get_json()
    assert filtered["current"]["calls"]["received"] == 1  # C1


@pytest.mark.parametrize("query,field", [("from=2026-04-01&to=2026-03-01", "to"), ("from=March", "from"),
                                         ("call_type=PARTY", "call_type"), ("unit_id=x", "unit_id")])
def test_bad_filters_are_refused_naming_the_field(api, db, make_user, query, field):
    response = api.get(f"/api/v1/metrics?{query}", user=make_user("program_manager"))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_dashboard_shows_the_numbers_and_charts(pages, db, data, make_user):
    browser = pages(make_user("program_manager"))
    response = browser.get("/metrics?from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Program metrics" in html and "Mar 1\u2009–\u200931, 2026" in html
    assert html.count('<svg class="chart') == 3
    assert "18 min 0 s" in html  # the median response time, 1080 s
    assert "60%" in html  # resolved without arrest or hospitalization
    assert re.search(r"/static/dist/metrics-[0-9a-f]{12}\.css", html) and "style=" not in html  # no inline styles (CSP)


def test_the_dashboard_has_an_empty_state(pages, db, make_user):
    html = pages(make_user("admin")).get("/metrics").get_data(as_text=True)
    assert "No calls have been recorded yet" in html and "<svg" not in html


def test_a_reversed_period_on_the_dashboard_is_explained_with_the_form_as_typed(pages, db, make_user):
    response = pages(make_user("program_manager")).get("/metrics?from=2026-04-01&to=2026-03-01&call_type=EDP")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "The last day (2026-03-01) is before the first (2026-04-01)" in html
    assert 'value="2026-04-01"' in html and 'value="2026-03-01"' in html  # not reset to the default period
    assert '<option value="EDP" selected>' in html
    assert "Calls received" not in html  # no figures for a period that is not one


@pytest.mark.parametrize("role", ["officer", "clinician", "dispatcher"])
def test_other_roles_are_refused_the_metrics(api, pages, make_user, role):
    user = make_user(role)
    assert api.get("/api/v1/metrics", user=user).status_code == 403
    assert pages(user).get("/metrics").status_code == 403


def test_the_filters_default_to_the_last_90_days_including_today(api, db, make_user):
    body = api.get("/api/v1/metrics", user=make_user("program_manager")).get_json()
    assert body["period"]["days"] == 90
    assert PERIOD["from"] != body["period"]["from"]


def test_periods_computed_together_equal_each_computed_alone(db, data):
    """The dashboard reads a period and the one before in one pass; the numbers are each period's own."""
    february = Filters(date(2026, 2, 1), date(2026, 3, 1), ZONE)
    april = Filters(date(2026, 4, 1), date(2026, 5, 1), ZONE)
    alone = [services.compute(db.session, period, now=NOW) for period in (february, MARCH, april)]
    assert services.compute_together(db.session, Periods.of(april, MARCH, february), now=NOW) == alone
    assert services.compute_together(db.session, Periods.of(MARCH, april), now=NOW) == alone[1:]
    report = services.report(db.session, MARCH, now=NOW)
    assert report["current"] == alone[1]
    assert report["previous"] == services.compute(db.session, MARCH.previous(), now=NOW)


def test_periods_computed_together_must_be_back_to_back_with_one_unit_and_call_type():
    with pytest.raises(ValueError):
        Periods.of(MARCH, Filters(date(2026, 4, 2), date(2026, 5, 1), ZONE))
    with pytest.raises(ValueError):
        Periods.of(MARCH, Filters(date(2026, 4, 1), date(2026, 5, 1), ZONE, call_type="EDP"))
