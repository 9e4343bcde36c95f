"""The installable app offline: nothing lost, nothing twice, one bad record never blocks the rest.
And assignments arriving live. Real Chromium against the app under gunicorn."""

import json
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import NO_KEEPALIVE

pytestmark = pytest.mark.browser


def api_as(page, username, password):
    """Headers for `username`'s API requests from the phone's own browser context: a bearer token, and
    a connection per request (NO_KEEPALIVE)."""
    response = page.request.post("/api/v1/auth/token", data={"username": username, "password": password},
                                 headers=NO_KEEPALIVE)
    assert response.status == 201, response.text()
    return {"Authorization": f"Bearer {response.json()['token']}", **NO_KEEPALIVE}


def ready_for_offline(page):
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=10000)


def visit(page, path):
    """Open a page online, so the device keeps a copy for offline use."""
    page.goto(path)
    ready_for_offline(page)
    page.wait_for_function("p => window.FieldappVault.pages.has(location.origin + p)", arg=path, timeout=10000)
    assert axe_violations(page) == []


def badge(page):
    return page.locator("#outbox-badge")


def live_open(page):
    """Wait until the page's live stream has said hello: a new stream starts from the latest event, so
    an event made before then would never reach this page by the stream (static/js/live.js)."""
    page.wait_for_function("() => document.documentElement.dataset.live === 'open'", timeout=10000)


def test_install_criteria(phone_page, live_server):
    page = phone_page("officer1")
    manifest = page.request.get("/manifest.webmanifest", headers=NO_KEEPALIVE)
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["name"] and body["short_name"] == "fieldapp"
    assert body["display"] == "standalone" and body["start_url"].startswith("/")
    assert body["theme_color"] == "#12355b"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        assert page.request.get(icon["src"], headers=NO_KEEPALIVE).status == 200
    assert page.locator('link[rel="manifest"]').count() == 1
    ready_for_offline(page)
    state = page.evaluate("navigator.serviceWorker.ready.then(r => r.active && r.active.state)")
    assert state == "activated"


def test_a_page_never_seen_offline_shows_the_offline_page(phone_page):
    page = phone_page("officer1")
    visit(page, "/my/calls")
    page.context.set_offline(True)
    page.goto("/directory?q=never-seen-before")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.goto("/my/calls")
    expect(page.locator(".offline-banner")).to_contain_text("Offline: showing what this device saved")
    page.context.set_offline(False)


def test_offline_status_encounter_referral_and_note_arrive_once(phone_page, dispatch, live_server, browser_screenshot):
    call = dispatch.new_call("77 Offline Way")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("clinician1")
    visit(page, "/my/calls")
    visit(page, f"/calls/{call['id']}")
    visit(page, f"/calls/{call['id']}/encounters/new")
    visit(page, "/outbox")
    page.goto(f"/calls/{call['id']}")

    page.context.set_offline(True)
    page.get_by_role("button", name="Acknowledged").click()
    expect(page.locator("#outbox-notice")).to_contain_text("Saved on this device")
    expect(badge(page)).to_have_text("1 waiting to send")
    page.get_by_role("button", name="En route").click()  # the steps after it show while offline
    expect(page.get_by_role("button", name="On scene")).to_be_visible()
    page.get_by_role("button", name="On scene").click()
    expect(badge(page)).to_have_text("3 waiting to send")
    expect(page.get_by_role("button", name="Acknowledged")).to_be_hidden()

    page.goto(f"/calls/{call['id']}/encounters/new")
    page.get_by_label("Referred to a service").check()
    page.locator("label.service", has_text="Mobile Crisis Follow-up").click()
    page.get_by_role("button", name="Next: who was contacted").click()
    page.get_by_label("Give their name").check()
    page.get_by_label("Given name").fill("Robin")
    page.get_by_label("Family name").fill("Offline")
    page.get_by_role("button", name="Next: details and save").click()
    page.get_by_text("Clinician's note", exact=True).click()
    page.get_by_label("Note", exact=True).fill("Calmer after talking; sister on the way.")
    invalid = page.evaluate("""() => Array.from(document.querySelectorAll('form [name]'))
        .filter(e => e.willValidate && !e.checkValidity()).map(e => e.name + ': ' + e.validationMessage)""")
    assert invalid == []
    page.get_by_role("button", name="Save encounter").click()
    expect(page.locator("#outbox-notice")).to_contain_text("Saved on this device")

    page.reload()  # still offline: the device's copy, and the records still waiting
    expect(badge(page)).to_have_text("4 waiting to send")
    page.goto("/outbox")
    expect(page.locator("[data-outbox-list] li")).to_have_count(4)
    browser_screenshot(page, "offline-outbox")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-outbox-list]")).to_contain_text("Nothing is waiting", timeout=10000)

    headers = api_as(page, "clinician1", live_server.password)
    detail = page.request.get(f"/api/v1/calls/{call['id']}", headers=headers).json()
    assert [e["status"] for e in detail["timeline"] if e["kind"] == "status"] == ["acknowledged", "en_route",
                                                                                  "on_scene"]
    assert detail["status"] == "on_scene"
    acknowledged = [e for e in detail["timeline"] if e["status"] == "acknowledged"]
    assert len(acknowledged) == 1
    assert acknowledged[0]["recorded_at"] < acknowledged[0]["received_at"]  # the device's time, kept
    encounters = page.request.get(f"/api/v1/calls/{call['id']}/encounters", headers=headers).json()
    assert len(encounters) == 1 and encounters[0]["person"]["display_name"] == "Robin Offline"
    assert encounters[0]["recorded_at"] < encounters[0]["received_at"]
    assert [r["service"] for r in encounters[0]["referrals"]] == ["Mobile Crisis Follow-up"]
    notes = page.request.get(f"/api/v1/encounters/{encounters[0]['id']}/notes", headers=headers).json()
    assert [n["body"] for n in notes] == ["Calmer after talking; sister on the way."]


def test_a_lost_response_is_resent_without_a_duplicate(phone_page, dispatch, live_server):
    call = dispatch.new_call("12 Lost Response Rd")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    dropped = []

    def drop_first_answer(route):
        if not dropped:
            route.fetch()  # the server commits the change...
            route.abort("connectionreset")  # ...and the phone never hears back
            dropped.append(route.request.url)
        else:
            route.continue_()

    sends = re.compile(r".*/(calls/\d+/status|api/v1/sync)$")
    page.context.route(sends, drop_first_answer)  # page or SW
    # The route handler runs while Playwright waits: here, for the failure the phone sees of the first
    # send (the outbox may resend on its own after it).
    with page.context.expect_event("requestfailed", predicate=lambda request: sends.match(request.url),
                                   timeout=20000):
        page.get_by_role("button", name="Acknowledged").click()
    assert dropped, "the tap's request never went out"
    # asked while the lost send may still be settling: the outbox sends once more after it
    page.evaluate("window.FieldappOutbox.run()")
    expect(badge(page)).to_be_hidden(timeout=10000)
    timeline = dispatch.call(call["id"])["timeline"]
    assert [e["status"] for e in timeline].count("acknowledged") == 1


def test_a_refused_record_is_set_aside_and_the_next_one_still_arrives(phone_page, dispatch, browser_screenshot):
    call = dispatch.new_call("9 Set Aside St")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    other_tab = page.context.new_page()  # the same call open in a second tab, from before the first tap
    other_tab.goto(f"/calls/{call['id']}")
    page.context.set_offline(True)
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("1 waiting to send")
    other_tab.get_by_role("button", name="Acknowledged").click()  # twice: the server will refuse this one
    expect(badge(other_tab)).to_have_text("2 waiting to send")
    other_tab.close()
    page.reload()  # the device's copy, showing the tap that waits
    expect(page.locator("#call-status")).to_have_text("Acknowledged · waiting to send")
    page.get_by_role("button", name="En route").click()
    expect(badge(page)).to_have_text("3 waiting to send")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_have_text("0 waiting · 1 set aside", timeout=10000)
    statuses = [e["status"] for e in dispatch.call(call["id"])["timeline"]]
    assert statuses.count("acknowledged") == 1 and statuses.count("en_route") == 1
    page.goto("/outbox")
    expect(page.locator(".card.refused")).to_contain_text("Acknowledged · call")
    expect(page.locator(".card.refused")).to_contain_text("cannot become acknowledged")
    browser_screenshot(page, "outbox-set-aside")
    page.get_by_role("button", name="Fix and save again").click()  # back into its form (?restore=<seq>)
    expect(page.locator("#outbox-notice")).to_contain_text("The server refused this record")
    page.goto("/outbox")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("[data-outbox-list]")).to_contain_text("Nothing is waiting")


def test_records_are_never_sent_under_another_login(phone_page, dispatch, live_server):
    call = dispatch.new_call("4 Shared Phone Ct")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.context.set_offline(True)
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("1 waiting to send")
    page.context.clear_cookies()  # officer1's session ends on this shared phone
    page.context.set_offline(False)
    login = page.request.get("/login", headers=NO_KEEPALIVE).text()  # officer2 signs in on the same phone
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    signed_in = page.request.post("/login", form={"username": "officer2", "password": live_server.password,
                                                  "csrf_token": token}, headers=NO_KEEPALIVE)
    assert signed_in.url.endswith("/my/calls")
    page.goto("/my/calls")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.evaluate("window.FieldappOutbox.run()")
    expect(badge(page)).to_be_hidden()  # officer2 sees none of officer1's records
    kept = page.evaluate("window.FieldappOutbox.store.all()")  # sealed under officer1's key: unreadable here
    assert [(entry["user"], entry.get("locked"), entry.get("status")) for entry in kept] == [("officer1", True, None)]
    assert dispatch.call(call["id"])["status"] == "assigned"  # nothing was sent as officer2


def test_an_assignment_reaches_the_units_phone_within_two_seconds(phone_page, dispatch):
    page = phone_page("officer2")
    page.goto("/my/calls")
    live_open(page)
    address = f"{uuid.uuid4().hex[:6]} Live Street"
    call = dispatch.new_call(address)
    started = time.monotonic()
    dispatch.assign(call["id"], "CR-2")
    expect(page.locator("#live-banner")).to_contain_text(address, timeout=2000)
    assert time.monotonic() - started < 2.5
    expect(page.locator("main")).to_contain_text(address)  # the list refreshed itself


def test_an_assignment_made_while_the_stream_was_down_arrives_on_reconnect(phone_page, dispatch):
    page = phone_page("officer2")
    page.goto("/my/calls")
    live_open(page)
    page.context.set_offline(True)  # the stream drops
    address = f"{uuid.uuid4().hex[:6]} Reconnect Ave"
    call = dispatch.new_call(address)
    dispatch.assign(call["id"], "CR-2")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#live-banner")).to_contain_text(address, timeout=2000)


def test_the_board_follows_new_calls_live(phone_page, dispatch):
    page = phone_page("dispatcher")
    page.goto("/board")
    live_open(page)
    address = f"{uuid.uuid4().hex[:6]} Board Blvd"
    dispatch.new_call(address)
    expect(page.locator("#board")).to_contain_text(address, timeout=2000)


def test_a_server_error_on_one_record_leaves_it_waiting_and_the_rest_still_arrive(phone_page, dispatch):
    first, second = dispatch.new_call("1 Server Error Way"), dispatch.new_call("2 Server Error Way")
    dispatch.assign(first["id"], "CR-1")
    dispatch.assign(second["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{first['id']}")
    visit(page, f"/calls/{second['id']}")
    page.context.set_offline(True)
    page.goto(f"/calls/{first['id']}")
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("1 waiting to send")
    page.goto(f"/calls/{second['id']}")
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("2 waiting to send")
    first_path = f"/calls/{first['id']}/status"

    def first_fails(route):
        """The server cannot save the first call's record (a 5xx for it alone): the batch goes on
        without it, and its result says "failed", as /api/v1/sync answers for a server error."""
        body = json.loads(route.request.post_data)
        broken = [record for record in body["records"] if record["path"] == first_path]
        rest = [record for record in body["records"] if record["path"] != first_path]
        results = route.fetch(post_data=json.dumps({"records": rest})).json()["results"] if rest else []
        by_ref = {result["ref"]: result for result in results}
        for record in broken:
            by_ref[record["ref"]] = {"ref": record["ref"], "result": "failed", "status": 500, "location": None,
                                     "error": {"code": "internal_error", "message": "Something went wrong.",
                                               "fields": {}}, "warnings": []}
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps({"results": [by_ref[record["ref"]] for record in body["records"]]}))

    broken = re.compile(r".*/api/v1/sync$")
    page.context.route(broken, first_fails)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_have_text("1 waiting to send", timeout=10000)  # waiting, not set aside
    assert "acknowledged" in [e["status"] for e in dispatch.call(second["id"])["timeline"]]
    assert "acknowledged" not in [e["status"] for e in dispatch.call(first["id"])["timeline"]]
    page.context.unroute(broken)
    page.evaluate("window.FieldappOutbox.run()")
    expect(badge(page)).to_be_hidden(timeout=10000)
    assert "acknowledged" in [e["status"] for e in dispatch.call(first["id"])["timeline"]]
