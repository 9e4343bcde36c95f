"""The call pages a crew and a dispatcher trust at a glance (issue 19), in Chromium at 360x740 and 1280x800:
a busy unit confirmed from the call page's Assign form as from the board, without a console error;
closed calls without a unit say "No unit"; a live assignment on a page nobody has tapped yet vibrates
nothing and logs no error. Screenshots of each, axe on each."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import serious_axe_violations
from tests.browser.conftest import PHONE
from tests.browser.conftest import signed_in as sign_in_as

pytestmark = pytest.mark.browser

SIZES = {"360": PHONE, "1280": {"viewport": {"width": 1280, "height": 800}}}


@pytest.fixture
def signed_in(browser, live_server):
    """A page of the given size, signed in as the given demo user; its console errors are collected
    in ``page.errors`` (console messages of type error, and uncaught exceptions)."""
    contexts = []

    def open_page(username, size):
        context = browser.new_context(base_url=live_server.url, **SIZES[size])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        sign_in_as(page, live_server, username)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_call_pages_assign_form_asks_before_taking_a_busy_unit_as_the_board_does(
        signed_in, dispatch, browser_screenshot, size):
    page = signed_in("dispatcher", size)
    call = dispatch.new_call(f"5 Busy Unit Way ({size})")
    page.goto(f"/calls/{call['id']}")
    browser_screenshot(page, f"call-assign-{size}", full_page=False)
    busy = page.locator("#unit option", has_text="CR-2").get_attribute("value")
    page.get_by_label("Unit").select_option(busy)  # CR-2: on scene at the demo's library call
    page.get_by_role("button", name="Assign call").click()

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text(re.compile(r"CR-2 is busy: on scene at call #\d+"))
    expect(page.get_by_role("link", name=f"Back to call {call['id']}")).to_be_visible()
    assert dispatch.call(call["id"])["status"] == "pending"  # nothing changed yet
    assert serious_axe_violations(page) == []
    browser_screenshot(page, f"call-assign-busy-{size}", full_page=False)
    page.get_by_role("button", name="Assign to CR-2 anyway").click()

    expect(page).to_have_url(re.compile(rf"/calls/{call['id']}$"))
    expect(page.get_by_text(f"Call {call['id']} assigned to CR-2.")).to_be_visible()
    assert dispatch.call(call["id"])["unit"]["call_sign"] == "CR-2"
    assert page.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_closed_calls_without_a_unit_say_no_unit(signed_in, dispatch, browser_screenshot, size):
    address = f"{uuid.uuid4().hex[:6]} Never Sent Rd"
    call = dispatch.new_call(address)
    response = dispatch.request.post(f"/api/v1/calls/{call['id']}/cancel", data={"reason": "Caller called back."},
                                     headers=dispatch.headers)
    assert response.ok, response.text()
    page = signed_in("dispatcher", size)
    page.goto(f"/board/closed?q={address.split()[0]}")
    row = page.locator(f"tr[data-call-id='{call['id']}']")
    expect(row.locator(".col-unit")).to_have_text("No unit")
    expect(page.locator("main")).not_to_contain_text("None")
    assert serious_axe_violations(page) == []
    browser_screenshot(page, f"board-closed-no-unit-{size}", full_page=False)


# Below app.js's guard: records each vibration that reaches the browser, and says on the console when
# the live stream is open and when the banner shows. Playwright's own evaluations count as a user
# gesture, so the test waits on console messages and reads the page only after the banner.
WATCH = """(() => {
  const native = navigator.vibrate.bind(navigator);
  window.reached = [];
  navigator.vibrate = (pattern) => {
    window.reached.push(navigator.userActivation.hasBeenActive);
    return native(pattern);
  };
  const told = new Set();
  const tell = (what) => { if (!told.has(what)) { told.add(what); console.log(what); } };
  new MutationObserver(() => {
    if (document.documentElement.dataset.live === "open") tell("watch: live open");
    if (document.getElementById("live-banner")) tell("watch: banner");
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();"""


def test_a_live_assignment_before_the_first_tap_vibrates_nothing_and_logs_no_error(signed_in, dispatch):
    signed = signed_in("officer2", "360")
    page = signed.context.new_page()  # a tab of its own: the sign-in's taps were in another
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH)
    with page.expect_event("console", predicate=lambda message: message.text == "watch: live open", timeout=10000):
        page.goto("/my/calls")  # opened, never touched
    address = f"{uuid.uuid4().hex[:6]} Quiet Phone St"
    call = dispatch.new_call(address)
    with page.expect_event("console", predicate=lambda message: message.text == "watch: banner", timeout=10000):
        dispatch.assign(call["id"], "CR-2")
    expect(page.locator("#live-banner")).to_contain_text(address)
    assert page.evaluate("() => window.reached") == []  # the guard let it go: no gesture yet
    assert errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_call_pages_of_a_crew_photographed(signed_in, dispatch, browser_screenshot, size):
    """My calls with the card's next step, the call on scene (Log an encounter under the taps), the people
    search's example finding the demo's person."""
    page = signed_in("clinician1", size)
    call = dispatch.new_call(f"{size} Crew Photo Ave")
    dispatch.assign(call["id"], "CR-1")
    page.goto("/my/calls")
    expect(page.get_by_role("button", name=f"En route, call {call['id']}")).to_be_visible()
    assert serious_axe_violations(page) == []
    browser_screenshot(page, f"my-calls-{size}", full_page=False)
    page.get_by_role("button", name=f"En route, call {call['id']}").click()
    expect(page).to_have_url(re.compile(rf"/calls/{call['id']}$"))
    page.get_by_role("button", name="On scene", exact=True).click()
    expect(page.locator("[data-log-encounter]")).to_have_class(re.compile("button-primary"))
    assert serious_axe_violations(page) == []
    browser_screenshot(page, f"call-on-scene-{size}", full_page=False)
    page.goto("/people/search?q=reyes+jor")
    expect(page.locator("main")).to_contain_text("Jordan Reyes")
    browser_screenshot(page, f"people-search-example-{size}", full_page=False)
    assert page.errors == []
