"""fields (issue 11): the pages with the program's record, and the audit log, on a 1280x800 screen
(screenshots test-artifacts/screenshots/wide-*.png); the phone checks are in test_phone_pages and test_metrics_pages."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import signed_in
from tests.browser.test_phone_pages import open_encounter_form

pytestmark = pytest.mark.browser
WIDE = {"viewport": {"width": 1280, "height": 800}}


@pytest.mark.parametrize(("username", "reach", "heading"), [
    ("admin", "/metrics", "Eligible calls served"),
    ("dispatcher", "/not-sent", "Eligible calls not sent to the team"),
    ("dispatcher", "/calls/new", "New call"),
    ("officer1", open_encounter_form, "Log an encounter"),
    ("admin", "/admin/audit", "Audit log"),  # its pager named (issue 19)
], ids=["metrics", "not-sent", "new-call", "encounter-form", "audit"])
def test_record_pages_on_a_wide_screen(request, browser, live_server, browser_screenshot, username, reach, heading):
    context = browser.new_context(base_url=live_server.url, **WIDE)
    try:
        page = context.new_page()
        signed_in(page, live_server, username)
        if callable(reach):
            reach(page)
        else:
            page.goto(reach)
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        if request.node.callspec.id == "encounter-form":
            page.get_by_label("Resolved on scene").click()  # outcome, then the person, then the details step
            page.get_by_label("26–40").click()
            page.get_by_text("Force, transport, narrative", exact=True).click()
            page.get_by_text("Police backup", exact=True).click()  # open the <details> for the picture
            expect(page.get_by_label("Police backup was requested")).to_be_visible()
        browser_screenshot(page, "wide-" + request.node.callspec.id)
    finally:
        context.close()
