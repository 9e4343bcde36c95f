"""issue 20 in Chromium: the board's response clock at 360x740 turning amber at 75% of its target and red
past it as the (Playwright) test clock moves on, said in words; and the admin's zones page at 360x740 and
1280x800 (screenshots, axe clean), with an upload refused naming the problem."""

import json
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from fieldapp.demo import places
from tests.browser.conftest import NO_KEEPALIVE, PHONE, signed_in

pytestmark = pytest.mark.browser


def test_the_board_clock_turns_amber_then_red_with_the_test_clock(browser, live_server, dispatch, browser_screenshot):
    body = {"call_type": "SUICTHRT", "priority": 1, "narrative": "Browser test call", "cautions": [],
            "location": {"address": "5 Clock Tower Sq", **places.downtown(0.001, 0.001)}}  # Downtown P1: 15 min
    response = dispatch.request.post("/api/v1/calls", data=body, headers=dispatch.headers)
    assert response.status == 201, response.text()
    call = response.json()
    assert call["zone"]["name"] == "Downtown"
    context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        page = context.new_page()
        page.clock.install(time=datetime.now(UTC))
        signed_in(page, live_server, "dispatcher")
        page.goto("/board")
        clock = page.locator(f'tr[data-call-id="{call["id"]}"] [data-clock]')
        expect(clock).to_have_class("clock clock-ok")
        expect(clock.locator(".clock-text")).to_have_text("0 of 15 min")
        expect(page.locator(f'tr[data-call-id="{call["id"]}"] .clock-zone')).to_have_text("Downtown, P1 target 15 min")

        page.clock.fast_forward("12:00")
        expect(clock).to_have_class("clock clock-warn")
        expect(clock).to_have_text("⚠ 12 of 15 min (near the response target)")
        browser_screenshot(page, "board-clock-amber-360")

        page.clock.fast_forward("06:00")
        expect(clock).to_have_class("clock clock-over")
        expect(clock).to_have_text("‼ Over by 3 min (past the response target)")
        browser_screenshot(page, "board-clock-red-360")
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"the board scrolls sideways: {width}"
    finally:
        context.close()


@pytest.mark.parametrize("size", ["360x740", "1280x800"])
def test_the_zones_page_shows_targets_and_refuses_a_bad_file(browser, live_server, browser_screenshot, tmp_path, size):
    settings = PHONE if size == "360x740" else {"viewport": {"width": 1280, "height": 800}}
    context = browser.new_context(base_url=live_server.url, extra_http_headers=NO_KEEPALIVE, **settings)
    try:
        page = context.new_page()
        signed_in(page, live_server, "admin")
        page.goto("/admin/zones")
        expect(page.get_by_role("heading", name="Zones and response targets")).to_be_visible()
        expect(page.get_by_label("P1 target for Downtown, in minutes")).to_have_value("15")
        expect(page.get_by_label("P1 target for County, in minutes")).to_have_value("60")
        browser_screenshot(page, f"zones-admin-{size}")

        bad = tmp_path / "zones.geojson"
        bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
                [[-89.7, 39.8], [-89.6, 39.8], [-89.6, 39.9], [-89.7, 39.9]]]}}]}))
        page.get_by_label("Zones file (.geojson or .json, up to 1 MB)").set_input_files(str(bad))
        page.get_by_role("button", name="Upload zones").click()
        errors = page.locator("#upload-errors")
        expect(errors).to_contain_text("Feature 1 has no name (properties.name).")
        expect(errors).to_contain_text("ring 1 is not closed")
        expect(page.get_by_label("P1 target for Downtown, in minutes")).to_have_value("15")  # nothing changed
        browser_screenshot(page, f"zones-admin-refused-{size}")
    finally:
        context.close()
