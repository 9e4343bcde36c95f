"""The dispatch map follows a unit as its phone moves: the crew's phone shares its position while its
call is en route (Playwright's geolocation), the dispatcher's map marker and list row follow through the
live stream, and positions taken offline wait in the outbox and arrive in order once the phone is back.
Screenshots of the map at 360x740 and 1280x800 (axe clean)."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, signed_in

pytestmark = pytest.mark.browser


def _officer_token(request, password):
    response = request.post("/api/v1/auth/token", data={"username": "officer1", "password": password})
    assert response.status == 201, response.text()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_dispatchers_marker_follows_the_crews_phone(browser, live_server, dispatch, phone_page,
                                                        browser_screenshot):
    cr1 = dispatch.units()["CR-1"]
    (call_id,) = cr1["active_call_ids"]
    # the crew taps "En route" (through the API, from outside the phone)
    crew = _officer_token(dispatch.request, live_server.password)
    response = dispatch.request.post(f"/api/v1/calls/{call_id}/status", headers=crew,
                                     data={"id": str(uuid.uuid4()), "status": "en_route"})
    assert response.status == 200 or response.status == 201, response.text()

    board = phone_page("dispatcher")
    board.goto("/map")
    row = board.locator(f"#map-unit-{cr1['id']}")
    expect(row).to_have_attribute("data-lat", "39.793")  # the demo's last position of CR-1 (demo/places.py)
    expect(board.locator("html")).to_have_attribute("data-live", "open")

    phone = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        phone.grant_permissions(["geolocation"], origin=live_server.url)
        phone.set_geolocation({"latitude": 40.74, "longitude": -73.99, "accuracy": 12})
        page = phone.new_page()
        signed_in(page, live_server, "officer1")
        page.goto("/my/calls")
        expect(page.locator("#sharing-position")).to_have_text("Sharing your location with dispatch")
        expect(row).to_have_attribute("data-lat", "40.74", timeout=15000)

        phone.set_geolocation({"latitude": 40.75, "longitude": -73.98, "accuracy": 9})  # 1.4 km on
        expect(row).to_have_attribute("data-lat", "40.75", timeout=15000)
        marker = board.evaluate(f"window.fieldappMap.unitLatLng({cr1['id']})")
        assert marker == {"lat": 40.75, "lng": -73.98}

        # offline: two positions wait in the outbox, then go in the order taken
        phone.set_offline(True)
        phone.set_geolocation({"latitude": 40.76, "longitude": -73.97, "accuracy": 9})
        expect(page.locator("#outbox-badge")).to_contain_text("1 waiting")
        phone.set_geolocation({"latitude": 40.77, "longitude": -73.96, "accuracy": 9})
        expect(page.locator("#outbox-badge")).to_contain_text("2 waiting")
        expect(row).to_have_attribute("data-lat", "40.75")
        phone.set_offline(False)
        expect(row).to_have_attribute("data-lat", "40.77", timeout=20000)
        history = dispatch.request.get(f"/api/v1/units/{cr1['id']}/positions?call_id={call_id}",
                                       headers=dispatch.headers).json()
        # after the demo's trail (taken on this call too), the phone's four, in the order taken
        assert [p["lat"] for p in history][-4:] == [40.74, 40.75, 40.76, 40.77]
    finally:
        phone.close()

    board.evaluate("window.fieldappMap.map.invalidateSize()")
    browser_screenshot(board, "map-360x740", full_page=False)
    wide = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = wide.new_page()
        signed_in(page, live_server, "dispatcher")
        page.goto("/map")
        expect(page.locator("#map-panel")).to_have_attribute("data-loaded", "true")
        expect(page.locator(f"#map-unit-{cr1['id']}")).to_have_attribute("data-lat", "40.77")
        browser_screenshot(page, "map-1280x800", full_page=False)
        page.goto("/board")
        expect(page.locator("#map-panel")).to_have_attribute("data-loaded", "true")
        browser_screenshot(page, "board-map-1280x800", full_page=False)
    finally:
        wide.close()
