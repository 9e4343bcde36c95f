"""The metrics pages on a 360 px phone: no sideways scrolling, named controls, large targets.

Screenshots under test-artifacts/screenshots/ (metrics-*.png).
"""

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
