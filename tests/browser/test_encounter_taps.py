"""An encounter in under a minute, counted: from the call list, with the unit on scene, at 360x740.

Every action goes through ``Taps``: a click is counted, typing is refused (the wrapper has no fill or
type, and the page counts trusted key presses, which must stay 0). Each step of the form must fit on
two screens (document height at most 1480 px), have no serious axe violation, and is photographed
at 360x740 and 1280x800 (test-artifacts/screenshots/encounter-*.png).
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import serious_axe_violations

pytestmark = pytest.mark.browser

TWO_SCREENS_PX = 2 * 740
COUNT_KEYS = """() => {
  const count = (event) => {
    if (event.isTrusted) sessionStorage.setItem("keys", String(Number(sessionStorage.getItem("keys") || 0) + 1));
  };
  document.addEventListener("keydown", count, true);
}"""


class Taps:
    """The only way the tests touch the page: taps, counted. No fill(), type() or press()."""

    def __init__(self, page):
        self.page, self.count = page, 0
        page.add_init_script(f"({COUNT_KEYS})()")

    def tap(self, locator):
        self.count += 1
        locator.click()

    def keys_pressed(self) -> int:
        return int(self.page.evaluate("() => Number(sessionStorage.getItem('keys') || 0)"))




def on_scene_call(page, dispatch, live_server, address, call_type="MNTL"):
    """A call assigned to CR-1 that the crew has already marked on scene (through the API, from outside
    the phone's browser context); returns it and the officer's API headers."""
    call = dispatch.new_call(address, call_type=call_type)
    dispatch.assign(call["id"], "CR-1")
    token = dispatch.request.post("/api/v1/auth/token", data={"username": "officer1",
                                                              "password": live_server.password}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for status in ("en_route", "on_scene"):
        response = dispatch.request.post(f"/api/v1/calls/{call['id']}/status", headers=headers,
                                         data={"id": str(uuid.uuid4()), "status": status})
        assert response.ok, response.text()
    return call, headers


def step_fits(page, name):
    """The visible step fits on two phone screens and has no serious accessibility violation."""
    expect(page.locator(f"[data-step={name}]")).to_be_visible()
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= TWO_SCREENS_PX, f"step {name} is {height}px tall"
    assert serious_axe_violations(page) == []


def start(page, taps, address):
    page.goto("/my/calls")
    taps.tap(page.locator("li.call", has_text=address).get_by_role("link"))
    taps.tap(page.get_by_role("link", name="Log an encounter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an encounter")


def test_resolved_and_call_cleared_in_six_taps_without_typing(phone_page, dispatch, live_server, browser_screenshot):
    page = phone_page("officer1")
    call, headers = on_scene_call(page, dispatch, live_server, "6 Six Taps Lane", call_type="SUICTHRT")
    taps = Taps(page)
    start(page, taps, "6 Six Taps Lane")
    step_fits(page, "outcome")
    browser_screenshot(page, "encounter-step1-360")
    taps.tap(page.get_by_label("Resolved on scene"))  # nothing more to ask: on to the person
    step_fits(page, "person")
    browser_screenshot(page, "encounter-step2-360")
    taps.tap(page.get_by_label("26–40"))  # name not known, about 33: on to details
    step_fits(page, "details")
    expect(page.get_by_label("Suicidal ideation")).to_be_checked()  # from the call type
    browser_screenshot(page, "encounter-step3-360")
    taps.tap(page.get_by_role("button", name="Save and clear the call"))
    page.wait_for_url(re.compile(rf"/calls/{call['id']}$"))

    assert taps.count <= 6, taps.count
    assert taps.keys_pressed() == 0
    detail = dispatch.request.get(f"/api/v1/calls/{call['id']}", headers=headers).json()
    assert detail["status"] == "cleared"
    assert [e.get("disposition") for e in detail["timeline"] if e["status"] == "cleared"] == ["encounter_logged"]
    encounters = dispatch.request.get(f"/api/v1/calls/{call['id']}/encounters", headers=headers).json()
    assert [(e["outcome"], e["person"]["display_name"]) for e in encounters] == [
        ("resolved", "Unidentified person, about 33")]


def test_referred_with_one_referral_in_eight_taps_without_typing(phone_page, dispatch, live_server,
                                                                 browser_screenshot):
    page = phone_page("clinician1")
    call, headers = on_scene_call(page, dispatch, live_server, "8 Eight Taps Road")
    taps = Taps(page)
    start(page, taps, "8 Eight Taps Road")
    taps.tap(page.get_by_label("Referred to a service"))
    service = page.locator("label.service", has_text="Mobile Crisis Follow-up")
    expect(service).to_be_visible()  # the picker, right under the outcome
    names = page.evaluate("""() => [...document.querySelectorAll('label.service span')]
        .filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => s.textContent)""")
    assert names == [], f"service names cut off: {names}"
    taps.tap(service)
    expect(page.get_by_label("Verbal")).to_be_checked()
    expect(page.get_by_label("Consent given by")).to_have_value("")  # a placeholder, not a value
    browser_screenshot(page, "encounter-step1-referred-360")
    step_fits(page, "outcome")
    taps.tap(page.get_by_role("button", name="Next: who was contacted"))
    taps.tap(page.get_by_label("41–60"))
    step_fits(page, "details")
    taps.tap(page.get_by_role("button", name="Save encounter"))
    page.wait_for_url(re.compile(r"/encounters/[0-9a-f-]{36}$"))
    expect(page.get_by_role("link", name=f"Back to call {call['id']} (clear it there)")).to_be_visible()
    browser_screenshot(page, "encounter-saved-360")

    assert taps.count <= 8, taps.count
    assert taps.keys_pressed() == 0
    encounters = dispatch.request.get(f"/api/v1/calls/{call['id']}/encounters", headers=headers).json()
    assert [(e["outcome"], [r["service"] for r in e["referrals"]]) for e in encounters] == [
        ("referred", ["Mobile Crisis Follow-up"])]


def test_referred_without_a_referral_is_refused_at_its_field(phone_page, dispatch, live_server, browser_screenshot):
    page = phone_page("officer1")
    call, _ = on_scene_call(page, dispatch, live_server, "9 No Referral Street")
    page.goto(f"/calls/{call['id']}/encounters/new")
    page.evaluate("document.querySelector('form[data-steps]').removeAttribute('data-device-time')")  # the page path
    page.get_by_label("Referred to a service").click()
    page.get_by_role("button", name="Next: who was contacted").click()
    page.get_by_label("Under 18").click()
    page.get_by_role("button", name="Save encounter").click()
    error = page.locator("#error-referral_service_id")
    expect(error).to_have_text("Choose a service or say why no referral was made.")
    expect(page.locator("#error-summary a[href='#service-search']")).to_have_text(
        "Choose a service or say why no referral was made.")
    assert page.evaluate("document.activeElement.id") == "service-search"
    assert "error-referral_service_id" in page.locator("#service-search").get_attribute("aria-describedby")
    assert serious_axe_violations(page) == []
    browser_screenshot(page, "encounter-refused-360")


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}],
                         ids=["360", "1280"])
def test_each_step_photographed(browser, live_server, dispatch, browser_screenshot, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill("clinician1")
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    call, _ = on_scene_call(page, dispatch, live_server, f"{viewport['width']} Photo Street")
    page.goto(f"/calls/{call['id']}/encounters/new")
    size = viewport["width"]
    page.get_by_label("Referred to a service").click()
    page.locator("label.service", has_text="Mobile Crisis Follow-up").click()
    browser_screenshot(page, f"encounter-view-step1-{size}", full_page=False)
    page.get_by_role("button", name="Next: who was contacted").click()
    browser_screenshot(page, f"encounter-view-step2-{size}", full_page=False)
    page.get_by_label("Over 60").click()
    expect(page.locator("[data-step=details]")).to_be_visible()
    browser_screenshot(page, f"encounter-view-step3-{size}", full_page=False)
    page.get_by_role("button", name="Save encounter").click()
    page.wait_for_url(re.compile(r"/encounters/[0-9a-f-]{36}$"))
    browser_screenshot(page, f"encounter-view-saved-{size}", full_page=False)
    context.close()
