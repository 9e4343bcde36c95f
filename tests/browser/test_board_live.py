"""The board tells the truth about its live stream: "Live" while the stream is connected (live events
arriving do not change that), "Updates every 10 seconds" while it is not, and "Live" again once the
stream is back. Each state photographed at 360x740 and 1280x800."""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

LIVE = "Live: changes appear as they happen."
POLLING = "Updates every 10 seconds."
WIDE = {"width": 1280, "height": 800}


def photograph(page, browser_screenshot, state):
    """The board in this state at 360x740 (as it is) and at 1280x800, then back to the phone."""
    browser_screenshot(page, f"board-live-{state}-360x740", full_page=False)
    page.set_viewport_size(WIDE)
    browser_screenshot(page, f"board-live-{state}-1280x800", full_page=False)
    page.set_viewport_size(PHONE["viewport"])


def test_the_board_says_live_only_while_the_stream_is_connected(phone_page, dispatch, browser_screenshot):
    page = phone_page("dispatcher")
    page.goto("/board")
    mode = page.locator("#board-live-text")
    expect(mode).to_have_text(LIVE)
    expect(page.locator("html")).to_have_attribute("data-live", "open")

    call = dispatch.new_call("12 Truthful Lane")  # a live event reaches the open board
    expect(page.locator(f"#board tr[data-call-id='{call['id']}']")).to_be_visible(timeout=15000)
    expect(mode).to_have_text(LIVE)
    assert axe_violations(page) == []

    page.context.set_offline(True)  # the stream is cut
    expect(mode).to_have_text(POLLING)
    expect(page.locator("html")).not_to_have_attribute("data-live", "open")
    photograph(page, browser_screenshot, "off")

    page.context.set_offline(False)  # and back: live.js reconnects
    expect(mode).to_have_text(LIVE, timeout=15000)
    second = dispatch.new_call("14 Truthful Lane")
    expect(page.locator(f"#board tr[data-call-id='{second['id']}']")).to_be_visible(timeout=15000)
    expect(mode).to_have_text(LIVE)
    photograph(page, browser_screenshot, "on")
