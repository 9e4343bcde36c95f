"""The dispatch board in Chromium at 360x740 and 1280x800: order, assigning from it with the busy
warning, the beep for a new pending call, the closed-call search; screenshots and axe on each."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import serious_axe_violations
from tests.browser.conftest import NO_KEEPALIVE, PHONE, signed_in
from tests.browser.dispatch import api_headers

pytestmark = pytest.mark.browser

SIZES = {"360x740": PHONE, "1280x800": {"viewport": {"width": 1280, "height": 800}}}


@pytest.fixture
def dispatcher_page(browser, live_server):
    contexts = []

    def open_page(size):
        context = browser.new_context(base_url=live_server.url, **SIZES[size])
        contexts.append(context)
        page = context.new_page()
        signed_in(page, live_server, "dispatcher")
        return page

    yield open_page
    for context in contexts:
        context.close()


class Dispatch:
    """The CAD side, through the API from a browser context of its own (no session cookie)."""

    def __init__(self, browser, live_server):
        self.context = browser.new_context(base_url=live_server.url, extra_http_headers=NO_KEEPALIVE)
        self.request = self.context.request
        self.headers = api_headers(self.request, live_server, "dispatcher")

    def new_call(self, address, priority=1, call_type="SUICTHRT"):
        body = {"call_type": call_type, "priority": priority, "location": {"address": address},
                "narrative": "Caller worried.", "cautions": []}
        response = self.request.post("/api/v1/calls", data=body, headers=self.headers)
        assert response.status == 201, response.text()
        return response.json()["id"]

    def call(self, call_id):
        return self.request.get(f"/api/v1/calls/{call_id}", headers=self.headers).json()


@pytest.fixture
def cad(browser, live_server):
    dispatch = Dispatch(browser, live_server)
    yield dispatch
    dispatch.context.close()


def fits(page):
    """No sideways scrolling, and no table row or cell reaching past the window's right edge."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"page scrolls sideways: {width[0]}px wide in {width[1]}px"
    outside = page.evaluate("""() => [...document.querySelectorAll('main tr, main td, main label, main button')]
        .filter((el) => el.getClientRects().length
                && el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((el) => el.outerHTML.slice(0, 80))""")
    assert outside == [], "cut off at the right edge:\n" + "\n".join(outside)


@pytest.mark.parametrize("size", SIZES)
def test_board_reads_by_priority_fits_and_has_no_serious_axe_violations(dispatcher_page, browser_screenshot, size):
    page = dispatcher_page(size)
    page.goto("/board")
    rows = page.locator("#board tr.board-row")
    expect(rows.first).to_be_visible()
    priorities = [int(p) for p in rows.evaluate_all("rs => rs.map(r => r.className.match(/priority-(\\d)/)[1])")]
    assert priorities == sorted(priorities) and priorities[0] == 1
    expect(page.locator("tr.is-pending").first).to_contain_text("No unit")
    expect(page.get_by_role("button", name=re.compile("^Sound"))).to_be_visible()
    fits(page)
    browser_screenshot(page, f"board-{size}", full_page=False)
    browser_screenshot(page, f"board-{size}-full")
    assert serious_axe_violations(page) == []

    page.goto("/board/closed?q=riverside")
    expect(page.get_by_role("heading", name=re.compile(r"^1 closed call"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Mental health crisis"))).to_be_visible()
    fits(page)
    browser_screenshot(page, f"board-closed-search-{size}")
    assert serious_axe_violations(page) == []
    page.get_by_label("Received on").fill("1999-01-01")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#day-error")).to_contain_text("Enter a date from 2000-01-01")
    assert serious_axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_assign_and_reassign_from_the_board_confirming_a_busy_unit(
        dispatcher_page, cad, browser_screenshot, size):
    page = dispatcher_page(size)
    call_id = cad.new_call(f"77 Quarry Lane ({size})")
    page.goto("/board")
    row = page.locator(f"#board tr[data-call-id='{call_id}']")
    expect(row).to_contain_text("No unit")
    row.get_by_role("link", name=re.compile("^Assign")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assign call #{call_id}")
    radios = page.get_by_role("radio")
    names = [name.split()[0] for name in radios.evaluate_all("rs => rs.map(r => r.labels[0].innerText)")]
    assert names[-1] == "CR-3"  # off duty, last
    expect(page.get_by_role("radio", name=re.compile(r"^CR-3"))).to_be_disabled()
    fits(page)
    assert serious_axe_violations(page) == []
    page.get_by_role("radio", name=re.compile(r"^CR-2")).check()
    page.get_by_role("button", name="Assign", exact=True).click()

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text(re.compile(r"CR-2 is busy: on scene at call #\d+"))
    fits(page)
    browser_screenshot(page, f"board-busy-warning-{size}")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Assign to CR-2 anyway").click()

    expect(page).to_have_url(re.compile(r"/board$"))
    expect(page.get_by_text(f"Call {call_id} assigned to CR-2.")).to_be_visible()
    row = page.locator(f"#board tr[data-call-id='{call_id}']")
    expect(row.locator(".col-unit")).to_have_text("CR-2")
    row.get_by_role("link", name=re.compile("^Reassign")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reassign call #{call_id}")
    expect(page.get_by_role("radio", name=re.compile(r"^CR-2"))).to_be_disabled()  # has this call
    page.get_by_role("radio", name=re.compile(r"^CR-1")).check()
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"CR-1 is busy: \w[\w ]* at call #\d+"))
    page.get_by_role("button", name="Reassign to CR-1 anyway").click()

    expect(page.locator(f"#board tr[data-call-id='{call_id}'] .col-unit")).to_have_text("CR-1")
    detail = cad.call(call_id)
    assert detail["unit"]["call_sign"] == "CR-1"
    assert [entry["kind"] for entry in detail["timeline"]] == ["created", "assigned", "reassigned"]


def test_a_new_pending_call_appears_on_the_open_board_and_beeps_unless_muted(dispatcher_page, cad):
    page = dispatcher_page("1280x800")
    page.goto("/board")
    expect(page.locator("#board-live-text")).to_have_text("Live: changes appear as they happen.")
    page.evaluate("() => { window.beeps = 0; window.fieldappBoard.beep = () => { window.beeps += 1; return true; }; }")
    page.get_by_role("heading", name="Board", exact=True).click()  # the first gesture

    first = cad.new_call("5 Beacon Court", priority=2, call_type="WELFARE")
    expect(page.locator(f"#board tr[data-call-id='{first}']")).to_be_visible(timeout=15000)
    page.wait_for_function("() => window.beeps === 1")

    sound = page.get_by_role("button", name=re.compile("^Sound"))
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "false")
    expect(sound).to_have_text("Sound: off")
    second = cad.new_call("6 Beacon Court", priority=3, call_type="WELFARE")
    expect(page.locator(f"#board tr[data-call-id='{second}']")).to_be_visible(timeout=15000)
    # No wait for a beep that must not come: board.js decides in a MutationObserver, a microtask of the
    # task that drew the row, so once the row is visible the beep has happened or never will.
    assert page.evaluate("() => window.beeps") == 1  # muted
    expect(sound).to_have_attribute("aria-pressed", "false")  # kept across the board's refresh
