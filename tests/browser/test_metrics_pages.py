"""The metrics pages on a 360 px phone: no sideways scrolling, named controls, large targets.

Screenshots under test-artifacts/screenshots/ (metrics-*.png).
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/metrics", "/metrics?from=2026-04-01&to=2026-03-01", "/metrics/definitions",
                                  "/metrics/report", "/exports"],
                         ids=["dashboard", "dashboard-reversed-period", "definitions", "report", "exports"])
def test_metrics_page_fits_a_phone(request, phone_page, browser_screenshot, path):
    page = phone_page("admin")
    page.goto(path)
    browser_screenshot(page, "metrics-" + request.node.callspec.id)
    expect(page.locator("body")).to_be_visible()
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], f"{path} scrolls sideways: {audit['scrollWidth']}px"
    assert audit["unnamed"] == [], audit["unnamed"]
    assert audit["small"] == [], audit["small"]


def test_the_public_summary_follows_the_filters_as_they_are_set(phone_page):
    """Changed on screen, not reloaded: the summary download carries the period and unit shown."""
    page = phone_page("manager")
    page.goto("/exports")
    page.get_by_label("From (first day counted)").fill("2026-01-01")
    page.get_by_label("To (last day counted)").fill("2026-03-31")
    page.get_by_label("Unit").select_option(label="CR-2")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download summary (CSV)").click()
    url = download.value.url
    unit_id = page.get_by_label("Unit").input_value()
    assert "from=2026-01-01" in url and "to=2026-03-31" in url and f"unit_id={unit_id}" in url, url
    assert "call_type=" not in url  # "all call types" is left out, as the page's own links do
    header = Path(download.value.path()).read_text().splitlines()[0]
    assert header.startswith("table,"), header
