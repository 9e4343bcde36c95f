"""A 988 hand-off on a 360 px phone: an admin creates the crisis line's account, the center posts a FHIR
ServiceRequest, and the dispatcher sees the 988 badge on the board and the warm hand-off on the call."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NO_KEEPALIVE
from tests.browser.test_integration_pages import check_fits
from tests.fixtures.integrations import service_request

pytestmark = pytest.mark.browser


def test_a_988_handoff_reaches_the_board_with_its_note(browser, live_server, phone_page, browser_screenshot):
    admin = phone_page("admin")
    admin.goto("/admin/integrations")
    admin.get_by_text("Add an integration").click()
    admin.get_by_label("Name").fill("Lifeline Center East")
    admin.get_by_label("Kind").select_option("crisis_line")
    admin.get_by_role("button", name="Create integration").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Key for Lifeline Center East")
    key = admin.get_by_label("API key").input_value()
    assert admin.get_by_label("Webhook secret").input_value().startswith("whsec_")

    center = browser.new_context(base_url=live_server.url, extra_http_headers=NO_KEEPALIVE)
    try:
        response = center.request.post("/api/v1/fhir/ServiceRequest", data=service_request(), headers={
            "Authorization": f"Bearer {key}", "Content-Type": "application/fhir+json"})
        assert response.status == 201, response.text()
        call_id = next(entry["resource"]["identifier"][-1]["value"] for entry in response.json()["entry"]
                       if entry["resource"]["resourceType"] == "ServiceRequest")
    finally:
        center.close()

    page = phone_page("dispatcher")
    page.goto("/board")
    row = page.locator(f'tr[data-call-id="{call_id}"]')
    expect(row.locator(".badge-988")).to_have_text("988")
    browser_screenshot(page, "board-988-handoff")
    row.get_by_role("link", name=re.compile("Suicide threat")).click()
    expect(page.get_by_role("heading", name="Warm hand-off from 988")).to_be_visible()
    expect(page.locator(".handoff-note")).to_contain_text("prefers a female clinician")
    expect(page.get_by_role("link", name="Call back +1 555 0142")).to_be_visible()
    browser_screenshot(page, "call-988-handoff")
    check_fits(page)
