"""The board tells the truth about its live stream: "Live" while the stream is connected (live events
arriving do not change that), "Updates every 10 seconds" while it is not, and "Live" again once the
stream is back."""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations

pytestmark = pytest.mark.browser

LIVE = "Live: changes appear as they happen."
POLLING = "Updates every 10 seconds."


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
    browser_screenshot(page, "board-live-off-360x740", full_page=False)
    assert axe_violations(page) == []

    page.context.set_offline(False)  # and back: live.js reconnects
    expect(mode).to_have_text(LIVE, timeout=15000)
    second = dispatch.new_call("14 Truthful Lane")
    expect(page.locator(f"#board tr[data-call-id='{second['id']}']")).to_be_visible(timeout=15000)
    expect(mode).to_have_text(LIVE)
    browser_screenshot(page, "board-live-on-360x740", full_page=False)
