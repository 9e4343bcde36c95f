"""Periods: named presets and inclusive last days, in the pages, the API and the CLI."""

from datetime import date

import pytest

from fieldapp.metrics.presets import preset_days
from tests.fixtures import metrics_data


@pytest.mark.parametrize("name,today,first,last", [
    ("this_month", date(2026, 5, 15), date(2026, 5, 1), date(2026, 5, 15)),
    ("last_month", date(2026, 5, 15), date(2026, 4, 1), date(2026, 4, 30)),
    ("last_month", date(2026, 1, 10), date(2025, 12, 1), date(2025, 12, 31)),
    ("last_month", date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),
    ("this_quarter", date(2026, 5, 15), date(2026, 4, 1), date(2026, 5, 15)),
    ("last_quarter", date(2026, 5, 15), date(2026, 1, 1), date(2026, 3, 31)),
    ("last_quarter", date(2026, 2, 1), date(2025, 10, 1), date(2025, 12, 31)),
    ("year_to_date", date(2026, 5, 15), date(2026, 1, 1), date(2026, 5, 15)),
    ("last_12_months", date(2026, 5, 15), date(2025, 5, 1), date(2026, 4, 30)),
    ("last_12_months", date(2026, 1, 1), date(2025, 1, 1), date(2025, 12, 31)),
])
def test_presets_are_calendar_periods(name, today, first, last):
    assert preset_days(name, today) == (first, last)


@pytest.fixture
def data(db, make_user):
    return metrics_data.build(db.session, make_user("clinician"))


def test_the_last_day_is_counted(api, db, data, make_user):
    manager = make_user("program_manager")
    # C8 was received on 28 March (16:00 in New York): a period ending on the 28th holds it.
    to_28 = api.get("/api/v1/metrics?from=2026-03-01&to=2026-03-28", user=manager).get_json()
    to_27 = api.get("/api/v1/metrics?from=2026-03-01&to=2026-03-27", user=manager).get_json()
    assert to_28["current"]["calls"]["received"] == 8 and to_27["current"]["calls"]["received"] == 7
    assert to_28["period"]["days"] == 28 and to_28["period"]["to"] == "2026-03-28"
    q1 = api.get("/api/v1/metrics?from=2026-01-01&to=2026-03-31", user=manager).get_json()
    assert q1["period"]["days"] == 90 and q1["current"]["calls"]["received"] == 10  # C0, CP and March's eight
    one_day = api.get("/api/v1/metrics?from=2026-03-02&to=2026-03-02", user=manager).get_json()
    assert one_day["period"]["days"] == 1 and one_day["current"]["calls"]["received"] == 1  # C1


def test_a_preset_in_the_api(api, db, make_user):
    manager = make_user("program_manager")
    body = api.get("/api/v1/metrics?preset=year_to_date", user=manager).get_json()
    today = date.fromisoformat(body["period"]["to"])
    assert body["period"]["from"] == today.replace(month=1, day=1).isoformat()
    both = api.get("/api/v1/metrics?preset=last_month&from=2026-01-01", user=manager)
    assert both.status_code == 422 and "preset" in both.get_json()["error"]["fields"]


def test_an_impossible_date_is_explained_on_the_page_as_typed(pages, db, make_user):
    response = pages(make_user("program_manager")).get("/metrics?from=2026-02-30&to=2026-03-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Enter a date like 2026-11-24." in html and 'value="2026-02-30"' in html and 'value="2026-03-31"' in html


def test_the_exports_page_keeps_a_reversed_period_as_typed(pages, db, make_user):
    response = pages(make_user("program_manager")).get("/exports?from=2026-04-01&to=2026-03-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "is before the first" in html and 'value="2026-04-01"' in html


def test_the_dashboard_offers_the_presets_and_shows_the_last_day(pages, db, data, make_user):
    html = pages(make_user("program_manager")).get("/metrics?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "To (last day counted)" in html and 'value="2026-03-31"' in html
    assert "Mar 1\u2009–\u200931, 2026" in html
    assert "preset=last_quarter" in html and "Last quarter" in html


def test_the_cli_takes_inclusive_dates_and_presets(app, db, data, make_user):
    runner = app.test_cli_runner()
    q1 = runner.invoke(args=["export", "summary", "--from", "2026-01-01", "--to", "2026-03-31"])
    assert q1.exit_code == 0, q1.output
    assert "fieldapp-summary-2026-01-01-to-2026-03-31.csv" in q1.output
    preset = runner.invoke(args=["export", "summary", "--preset", "last_quarter"])
    assert preset.exit_code == 0, preset.output
    reversed_ = runner.invoke(args=["export", "summary", "--from", "2026-03-31", "--to", "2026-01-01"])
    assert reversed_.exit_code != 0 and "is before the first" in reversed_.output


def test_the_definitions_are_a_page_linked_from_each_figure(pages, db, data, make_user):
    browser = pages(make_user("program_manager"))
    dashboard = browser.get("/metrics?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert 'href="/metrics/definitions#calls"' in dashboard
    assert 'href="/metrics/definitions#cad-times-median-and-90th-percentile"' in dashboard
    assert 'href="/metrics/definitions#people"' in dashboard
    page = browser.get("/metrics/definitions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    for anchor in ('id="calls"', 'id="cad-times-median-and-90th-percentile"', 'id="people"',
                   'id="filters-and-periods"'):
        assert anchor in html
    assert "<table>" in html and "Repeat contacts" in html


def test_other_roles_cannot_read_the_definitions_page(pages, db, make_user):
    assert pages(make_user("officer")).get("/metrics/definitions").status_code == 403


def test_the_quarterly_report_page_and_its_pdf(pages, db, data, make_user):
    from io import BytesIO
    from pathlib import Path

    from pypdf import PdfReader

    browser = pages(make_user("program_manager"))
    page = browser.get("/metrics/report?from=2026-03-01&to=2026-03-31")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Co-responder program report" in html
    assert "Mar 1\u2009–\u200931, 2026" in html and "<svg" in html and "What the figures mean" in html
    assert "Calls received" in html and "+7 (+700%)" in html  # 8 calls, 1 in the 31 days before
    pdf = browser.get("/metrics/report.pdf?from=2026-03-01&to=2026-03-31")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "metrics-report.pdf").write_bytes(pdf.data)  # to look at (pdftoppm -png)
    text = "".join(sheet.extract_text() for sheet in PdfReader(BytesIO(pdf.data)).pages)
    assert "Co-responder program report" in text and "Calls received" in text
    assert "Referrals completed" in text and "What the figures mean" in text
    reversed_ = browser.get("/metrics/report?from=2026-03-31&to=2026-03-01")
    assert reversed_.status_code == 400 and "is before the first" in reversed_.get_data(as_text=True)


def test_empty_from_and_to_mean_their_defaults_in_the_api_and_the_exports(api, db, data, make_user):
    manager = make_user("program_manager")
    default = api.get("/api/v1/metrics", user=manager).get_json()["period"]
    assert api.get("/api/v1/metrics?from=&to=", user=manager).get_json()["period"] == default
    assert default["days"] == 90
    # An empty first day: the 90 days ending with the last one; an empty last day: today
    ending = api.get("/api/v1/metrics?from=&to=2026-03-31", user=manager).get_json()["period"]
    assert (ending["from"], ending["to"], ending["days"]) == ("2026-01-01", "2026-03-31", 90)
    starting = api.get("/api/v1/metrics?from=2026-03-01&to=", user=manager).get_json()["period"]
    assert (starting["from"], starting["to"]) == ("2026-03-01", default["to"])
    export = api.get("/api/v1/exports/outcomes.csv?from=&to=2026-03-31&unit_id=&call_type=", user=manager)
    assert export.status_code == 200
    assert 'filename="fieldapp-outcomes-2026-01-01-to-2026-03-31.csv"' in export.headers["Content-Disposition"]
    # Blank but not empty is not a date: refused, naming the field
    blank = api.get("/api/v1/metrics?from=%20&to=2026-03-31", user=manager)
    assert blank.status_code == 422 and list(blank.get_json()["error"]["fields"]) == ["from"]


@pytest.mark.parametrize("path", ["/metrics", "/exports", "/metrics/report"])
def test_a_reversed_period_is_explained_on_each_page_never_reset_or_json(pages, db, make_user, path):
    response = pages(make_user("program_manager")).get(f"{path}?from=2026-04-01&to=2026-03-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "The last day (2026-03-01) is before the first (2026-04-01)" in html
    assert 'value="2026-04-01"' in html and 'value="2026-03-01"' in html  # the form as typed, not reset


@pytest.mark.parametrize("path", ["/metrics", "/exports", "/metrics/report"])
def test_empty_dates_on_the_pages_show_the_default_period(pages, db, make_user, path):
    response = pages(make_user("program_manager")).get(f"{path}?from=&to=&unit_id=&call_type=")
    assert response.status_code == 200 and "is before the first" not in response.get_data(as_text=True)
