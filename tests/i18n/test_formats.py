"""One way to show dates, times and numbers (fieldapp.i18n.formats), per locale, in the agency's zone;
typed dates in the user's local order or ISO 8601."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from fieldapp.i18n import formats

EVENING = datetime(2026, 11, 20, 22, 25, tzinfo=UTC)  # 17:25 in New York (the tests' agency zone)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


@pytest.mark.parametrize(("locale", "moment", "day", "time", "number", "days"), [
    ("en", "Nov 20, 2026, 5:25\u202fPM", "Nov 20, 2026", "5:25\u202fPM", "1,234.5", "Sep 9\u2009–\u2009Dec 7, 2026"),
    ("es", "20 nov 2026, 17:25", "20 nov 2026", "17:25", "1.234,5", "9 sept\u2009–\u20097 dic 2026"),
])
def test_formats_per_locale_in_the_agency_zone(ctx, locale, moment, day, time, number, days):
    with force_locale(locale):
        assert formats.format_datetime(EVENING) == moment
        assert formats.format_date(EVENING) == day
        assert formats.format_time(EVENING) == time
        assert formats.format_number(1234.5) == number
        assert formats.format_day_range(date(2026, 9, 9), date(2026, 12, 7)) == days


def test_agency_says_24_hour_or_12_hour(ctx):
    ctx.config["TIME_FORMAT_24H"] = True
    try:
        with force_locale("en"):
            assert formats.format_time(EVENING) == "17:25"
        ctx.config["TIME_FORMAT_24H"] = False
        with force_locale("es"):
            assert formats.format_time(EVENING) == "5:25 p.\u202fm."
    finally:
        ctx.config["TIME_FORMAT_24H"] = None


@pytest.mark.parametrize(("locale", "typed", "hint"), [
    ("en", "04/02/1990", "MM/DD/YYYY or YYYY-MM-DD"),
    ("es", "02/04/1990", "DD/MM/AAAA o AAAA-MM-DD"),
])
def test_typed_dates_in_local_order_or_iso(ctx, locale, typed, hint):
    with force_locale(locale):
        assert formats.parse_typed_date(typed) == date(1990, 4, 2)
        assert formats.parse_typed_date("1990-04-02") == date(1990, 4, 2)
        assert formats.parse_typed_date("31/31/1990") is None
        assert formats.date_hint() == hint
