"""Signing out with records waiting warns first (the outbox).

KNOWN FAILURE, not understood yet (see the session note of 2026-11-28): run alone this test passes;
run after tests/browser/test_offline.py in the same Chromium, ``window.__asked`` (set only by the
confirm() this test installs) reads back ``null`` after the Sign out tap, while the page has not
navigated and the record still waits. Marked xfail (not strict) so the suite keeps running it and
reports XPASS when it passes; whoever takes it: start from the page's submit handlers at sign-out.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_offline import badge, visit

pytestmark = pytest.mark.browser




@pytest.mark.xfail(reason="window.__asked reads back null after test_offline.py's tests; see the module docstring",
                   strict=False)
def test_signing_out_with_records_waiting_warns_first(phone_page, dispatch):
    call = dispatch.new_call("3 Warning Ct")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.context.set_offline(True)
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("1 waiting to send")
    # The page's confirm() is recorded and answered "Cancel" (Chromium's own dialog plumbing under
    # Playwright proved unreliable for a confirm opened from an async submit handler).
    page.evaluate("window.confirm = function (message) { window.__asked = message; return false; }")
    page.get_by_role("button", name="Sign out").click()
    expect(badge(page)).to_have_text("1 waiting to send")  # still signed in, still waiting
    page.wait_for_function("window.__asked !== undefined", timeout=5000)
    assert "have not been sent" in page.evaluate("window.__asked")
    assert "/login" not in page.url
    page.context.set_offline(False)
