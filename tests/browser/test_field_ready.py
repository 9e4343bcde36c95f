"""A shift on a phone (issue 9): every assigned call ready before the basement, status taps in place,
changes from dispatch reaching the open page, signing in again without losing a record, refusals at
their fields. Real Chromium at 360x740 against the app under gunicorn."""

import re
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NO_KEEPALIVE
from tests.browser.dispatch import Dispatch
from tests.browser.test_offline import api_as, badge, live_open, ready_for_offline, visit
from tests.fixtures.waiting import wait_until

pytestmark = pytest.mark.browser

LONG_NARRATIVE = ("Caller reports her adult son has not slept in three days, is pacing and talking about "
                  "people watching him through the television. ") * 30


class FieldDispatch(Dispatch):
    def new_call(self, address, call_type="MNTL", narrative="Browser test call", cautions=(), callback=None):
        body = {"call_type": call_type, "priority": 2, "location": {"address": address},
                "narrative": narrative, "cautions": list(cautions), "callback": callback}
        response = self.request.post("/api/v1/calls", data=body, headers=self.headers)
        assert response.status == 201, response.text()
        return response.json()

    def cancel(self, call_id, reason):
        response = self.request.post(f"/api/v1/calls/{call_id}/cancel", data={"reason": reason},
                                     headers=self.headers)
        assert response.status == 200, response.text()


@pytest.fixture
def dispatch(browser, live_server):
    context = browser.new_context(base_url=live_server.url, extra_http_headers=NO_KEEPALIVE)
    yield FieldDispatch(context.request, live_server)
    context.close()


def navigations_of(page):
    """Every navigation of the page's main frame from now on (a reload or a redirect would show here)."""
    seen = []
    page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
    return seen


def unique(street):
    return f"{uuid.uuid4().hex[:5]} {street}"


def both_sizes(page, shoot, name):
    shoot(page, f"{name}-360", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, f"{name}-1280", full_page=False)
    page.set_viewport_size({"width": 360, "height": 740})


def wait_for_status(dispatch, call_id, status):
    wait_until(lambda: dispatch.call(call_id)["status"] == status, interval=0.2,
               what=f"call {call_id} to be {status} on the server")


def test_a_call_assigned_online_opens_and_takes_an_encounter_offline_for_the_first_time(
        phone_page, dispatch, live_server, browser_screenshot):
    address = unique("Basement Ln")
    call = dispatch.new_call(address)
    page = phone_page("clinician1")
    page.goto("/my/calls")
    ready_for_offline(page)
    live_open(page)
    dispatch.assign(call["id"], "CR-1")
    card = page.locator("li.call", has_text=address)
    expect(card.locator(".ready-offline")).to_have_text("✓ Ready offline", timeout=10000)
    both_sizes(page, browser_screenshot, "my-calls-ready-offline")

    page.context.set_offline(True)
    page.goto(f"/calls/{call['id']}")  # never opened on this device before
    expect(page.locator(".offline-banner")).to_be_visible()
    expect(page.locator(".address")).to_contain_text(address)
    banner = page.locator(".offline-banner").inner_text()
    assert re.search(r"\d{1,2}:\d{2}", banner)  # a time in the user's locale (Intl), as the pages show it
    both_sizes(page, browser_screenshot, "call-page-first-time-offline")
    page.get_by_role("link", name="Log an encounter").click()
    expect(page.get_by_role("heading", name="You are offline")).to_have_count(0)
    expect(page.locator(".offline-banner")).to_be_visible()
    page.get_by_label("Referred to a service").check()
    page.locator("label.service", has_text="Mobile Crisis Follow-up").click()
    page.get_by_role("button", name="Next: who was contacted").click()
    page.get_by_label("Give their name").check()
    page.get_by_label("Given name").fill("Dana")
    page.get_by_label("Family name").fill("Basement")
    page.get_by_role("button", name="Next: details and save").click()
    page.get_by_role("button", name="Save encounter").click()
    expect(page.locator("#outbox-notice")).to_contain_text("Saved on this device")
    expect(badge(page)).to_have_text("1 waiting to send")
    page.goto("/outbox")  # the "Waiting to send" page, kept too
    expect(page.get_by_role("heading", name="Waiting to send")).to_be_visible()
    expect(page.locator("[data-outbox-list] li")).to_have_count(1)
    saved_at = page.locator("[data-outbox-list] .meta").inner_text()
    assert re.search(r"\d{1,2}:\d{2}", saved_at)  # the user's locale, as the pages
    both_sizes(page, browser_screenshot, "outbox-offline")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-outbox-list]")).to_contain_text("Nothing is waiting", timeout=10000)
    page.evaluate("window.FieldappOutbox.run()")  # a second send changes nothing
    headers = api_as(page, "clinician1", live_server.password)
    encounters = page.request.get(f"/api/v1/calls/{call['id']}/encounters", headers=headers).json()
    assert len(encounters) == 1
    assert encounters[0]["person"]["display_name"] == "Dana Basement"
    assert encounters[0]["recorded_at"] < encounters[0]["received_at"]  # the device's time
    assert [r["service"] for r in encounters[0]["referrals"]] == ["Mobile Crisis Follow-up"]


def test_status_taps_fit_the_first_screen_and_change_the_page_in_place_online_and_offline(
        phone_page, dispatch, browser_screenshot):
    address = unique("Long Story Rd")
    call = dispatch.new_call(address, narrative=LONG_NARRATIVE, cautions=["weapons", "dog", "violence_history"],
                             callback="555-0142")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    navigate = page.get_by_role("link", name="Navigate")
    expect(navigate).to_have_attribute("href", "geo:0,0?q=" + address.replace(" ", "%20"))
    expect(page.get_by_role("link", name="Call back 555-0142")).to_have_attribute("href", "tel:555-0142")
    for name in ("Acknowledged", "En route"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["y"] + box["height"] <= 740, (name, box)
    both_sizes(page, browser_screenshot, "call-page-long-narrative")

    navigations = navigations_of(page)
    page.get_by_role("button", name="Acknowledged").click()
    expect(page.locator("#call-status")).to_have_text("Acknowledged")
    expect(page.get_by_role("button", name="En route")).to_be_visible()
    wait_for_status(dispatch, call["id"], "acknowledged")

    page.context.set_offline(True)
    page.get_by_role("button", name="En route").click()
    expect(page.locator("#call-status")).to_have_text("En route · waiting to send")
    expect(badge(page)).to_have_text("1 waiting to send")
    expect(page.get_by_role("button", name="On scene")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0  # no jump
    both_sizes(page, browser_screenshot, "call-page-status-waiting")
    assert navigations == []

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_be_hidden(timeout=10000)
    expect(page.locator("#call-status")).to_have_text("En route")
    expect(page.locator("#outbox-notice")).to_have_count(0)  # "saved on this device" went with the tap
    wait_for_status(dispatch, call["id"], "en_route")
    assert navigations == []
    page.get_by_text("Show all").click()  # the collapsed narrative opens in full
    expect(page.locator("details.narrative > p")).to_contain_text("watching him through the television.")
    browser_screenshot(page, "call-page-narrative-open-360")


def test_reassignment_and_cancellation_reach_the_open_call_page(phone_page, dispatch, browser_screenshot):
    moved, dropped = unique("Moved Ave"), unique("Dropped Ct")
    first, second = dispatch.new_call(moved), dispatch.new_call(dropped)
    dispatch.assign(first["id"], "CR-1")
    dispatch.assign(second["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{first['id']}")
    live_open(page)
    page.context.route("**/api/v1/sync", lambda route: route.abort())  # unreachable yet (page or SW)
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("1 waiting to send")
    page.context.unroute("**/api/v1/sync")

    dispatch.assign(first["id"], "CR-2")
    expect(page.locator("#call-notice")).to_contain_text("Reassigned to CR-2", timeout=3000)
    expect(page.locator("#call-status")).to_have_text("Reassigned")
    expect(page.get_by_role("button", name="En route")).to_be_hidden()
    expect(badge(page)).to_be_hidden()  # the waiting tap is settled, not sent to be refused
    assert page.evaluate("window.FieldappOutbox.store.all()") == []
    both_sizes(page, browser_screenshot, "call-page-reassigned")

    my_calls = page.context.new_page()
    my_calls.goto("/my/calls")
    expect(my_calls.locator("li.call", has_text=dropped)).to_be_visible()
    page.goto(f"/calls/{second['id']}")
    live_open(page)
    dispatch.cancel(second["id"], "Caller says he is safe with family")
    expect(page.locator("#call-notice")).to_contain_text("Cancelled: Caller says he is safe with family",
                                                         timeout=3000)
    expect(page.get_by_role("button", name="Acknowledged")).to_be_hidden()
    expect(my_calls.locator("li.call", has_text=dropped).locator(".status")).to_have_text("Cancelled",
                                                                                          timeout=3000)
    expect(my_calls.locator("li.call", has_text=moved)).to_have_count(0)


def test_an_ended_session_opens_the_sign_in_sheet_and_the_tap_is_sent(phone_page, dispatch, live_server,
                                                                       browser_screenshot):
    call = dispatch.new_call(unique("Expired Session St"))
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    navigations = navigations_of(page)
    page.context.clear_cookies()  # the session has ended (idle or revoked)
    page.get_by_role("button", name="Acknowledged").click()
    sheet = page.get_by_role("dialog", name="Sign in again")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_label("Username")).to_have_value("officer1")
    browser_screenshot(page, "sign-in-sheet-360", full_page=False)
    sheet.get_by_label("Password").fill("not the password")
    sheet.get_by_role("button", name="Sign in").click()
    expect(sheet.locator("#signin-error")).to_be_visible()
    sheet.get_by_label("Password").fill(live_server.password)
    sheet.get_by_role("button", name="Sign in").click()
    expect(sheet).to_be_hidden()
    expect(page.locator("#call-status")).to_have_text("Acknowledged")
    wait_for_status(dispatch, call["id"], "acknowledged")
    assert [e["status"] for e in dispatch.call(call["id"])["timeline"]].count("acknowledged") == 1
    assert navigations == []
    expect(badge(page)).to_be_hidden()


def test_the_sign_in_sheet_asks_for_the_code_when_the_account_has_a_second_factor(phone_page, dispatch,
                                                                                   live_server, browser_screenshot):
    page = phone_page("clinician2")  # on CR-2; turns on an authenticator app first
    page.goto("/account/mfa")
    page.get_by_role("button", name="Set up an authenticator app").click()
    totp = pyotp.TOTP(page.locator("#mfa-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    call = dispatch.new_call(unique("Second Factor Way"))
    dispatch.assign(call["id"], "CR-2")
    visit(page, f"/calls/{call['id']}")
    page.context.clear_cookies()
    page.get_by_role("button", name="Acknowledged").click()
    sheet = page.get_by_role("dialog", name="Sign in again")
    sheet.get_by_label("Password").fill(live_server.password)
    sheet.get_by_role("button", name="Sign in").click()
    code = sheet.get_by_label("Code from your authenticator app")
    expect(code).to_be_visible()
    both_sizes(page, browser_screenshot, "sign-in-sheet-code")
    code.fill(totp.at(time.time() + 30))  # the next code: the one used to turn it on is spent
    sheet.get_by_role("button", name="Confirm").click()
    expect(sheet).to_be_hidden()
    expect(page.locator("#call-status")).to_have_text("Acknowledged")
    wait_for_status(dispatch, call["id"], "acknowledged")


def test_an_online_refusal_is_shown_at_its_field_and_never_enters_the_outbox(phone_page, dispatch,
                                                                              browser_screenshot):
    call = dispatch.new_call(unique("Refusal Rd"))
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.get_by_role("button", name="En route").click()
    expect(page.locator("#call-status")).to_have_text("En route")
    # A browser that does not check `required` (or a form the server checks further) sends it empty.
    page.locator("#disposition").evaluate("select => select.required = false")
    page.get_by_role("button", name="Clear call").click()
    error = page.locator("#error-disposition")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Required when clearing")
    select = page.locator("#disposition")
    expect(select).to_have_attribute("aria-invalid", "true")
    assert "error-disposition" in select.get_attribute("aria-describedby")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # the summary, in view (issue 19); its link focuses the field
    expect(summary).to_contain_text("Choose how the call ended")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#disposition")
    summary.get_by_role("link").click()
    expect(select).to_be_focused()
    both_sizes(page, browser_screenshot, "call-page-refusal-at-field")
    assert page.evaluate("window.FieldappOutbox.store.all()") == []
    expect(badge(page)).to_be_hidden()
    page.goto("/outbox")
    expect(page.locator("[data-outbox-list]")).to_contain_text("Nothing is waiting")

    page.goto(f"/calls/{call['id']}")  # then fixed and saved: the call clears
    page.locator("#disposition").select_option("unable_to_locate")
    page.get_by_role("button", name="Clear call").click()
    expect(page.locator("#call-status")).to_have_text("Cleared")
    wait_for_status(dispatch, call["id"], "cleared")
