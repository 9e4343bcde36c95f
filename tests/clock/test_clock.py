"""The agency's clock (fieldapp.clock): now and today follow the test clock, and local days keep their
length across daylight-saving changes. The test app's zone is America/New_York."""

from datetime import UTC, date, datetime, timedelta

import pytest

from fieldapp import clock
from fieldapp.metrics.filters import filters_from

# 04:30 UTC on 8 March 2026 is still the evening of the 7th in New York (EST, UTC-5).
EVENING = datetime(2026, 3, 8, 4, 30, tzinfo=UTC)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_now_and_today_follow_the_test_clock(ctx):
    with clock.clock_at(EVENING):
        assert clock.utcnow() == EVENING
        assert clock.now() == EVENING and clock.now().utcoffset() == timedelta(hours=-5)
        assert clock.today() == date(2026, 3, 7)  # the agency's date, not UTC's 8 March
        assert clock.today("UTC") == date(2026, 3, 8)
    assert clock.today() != date(2026, 3, 7)  # the real clock again outside


def test_the_metrics_default_period_ends_on_the_test_clocks_day(ctx):
    """metrics.filters used datetime.now() for today, so seed-demo's past ignored it."""
    with clock.clock_at(EVENING):
        filters = filters_from({}, clock.zone_name())
    assert filters.last_day == date(2026, 3, 7)
    assert filters.days == 90


@pytest.mark.parametrize(("day", "hours"), [
    (date(2026, 3, 7), 24), (date(2026, 3, 8), 23),  # clocks go forward at 02:00 on 8 March
    (date(2026, 10, 31), 24), (date(2026, 11, 1), 25),  # and back at 02:00 on 1 November
])
def test_local_midnight_around_daylight_saving_changes(ctx, day, hours):
    start, end = clock.local_midnight(day), clock.local_midnight(day + timedelta(days=1))
    assert start.tzinfo == UTC
    assert end - start == timedelta(hours=hours)
    assert clock.to_local(start).replace(tzinfo=None) == datetime(day.year, day.month, day.day)
    assert clock.local_midnight(day, "America/New_York") == start  # the same with the zone named (no app needed)


def test_local_midnight_is_the_utc_instant_of_the_local_day_start(ctx):
    assert clock.local_midnight(date(2026, 3, 8)) == datetime(2026, 3, 8, 5, tzinfo=UTC)  # EST
    assert clock.local_midnight(date(2026, 3, 9)) == datetime(2026, 3, 9, 4, tzinfo=UTC)  # EDT


def test_a_typed_local_time_gets_the_agencys_offset_of_its_day(ctx):
    assert clock.from_input("2026-03-07T21:00") == "2026-03-07T21:00:00-05:00"
    assert clock.from_input("2026-03-09T21:00") == "2026-03-09T21:00:00-04:00"
    assert clock.from_input("2026-03-09T21:00+00:00") == "2026-03-09T21:00:00+00:00"  # an offset is kept
    assert clock.from_input("tomorrow") == "tomorrow"  # for the schema to refuse
    assert clock.to_input(EVENING) == "2026-03-07T23:30"


def test_times_are_shown_in_the_agencys_zone(ctx):
    assert clock.format_local(EVENING) == "23:30"
    assert clock.format_local(None) == ""
    assert clock.local_iso(EVENING) == "2026-03-07T23:30:00-05:00"
    assert clock.local_iso(EVENING.replace(tzinfo=None), "UTC") == "2026-03-08T04:30:00+00:00"  # naive is UTC


def test_the_zone_is_made_once_per_name(ctx):
    assert clock.zone() is clock.zone("America/New_York")
    assert clock.zone().key == clock.zone_name() == "America/New_York"
