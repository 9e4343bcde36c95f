"""The outbox sends what waits in one batch request, not one request per record."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.test_offline import badge, visit

pytestmark = pytest.mark.browser


def test_records_saved_offline_go_out_in_one_request(phone_page, dispatch):
    call = dispatch.new_call("5 Batch Row")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.context.set_offline(True)
    for step, waiting in (("Acknowledged", 1), ("En route", 2)):
        page.get_by_role("button", name=step).click()
        expect(badge(page)).to_have_text(f"{waiting} waiting to send")
        assert axe_violations(page) == []  # offline, a record waiting
        page.reload()
        # the reloaded page draws its badge from the outbox: until then "hidden" below would pass at once
        expect(badge(page)).to_have_text(f"{waiting} waiting to send")
    sent = []
    # The context's requests: the page's and its service worker's (either may be the one that flushes).
    page.context.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_be_hidden(timeout=10000)
    assert [url for url in sent if re.search(r"/api/v1/sync$", url)] and \
        not [url for url in sent if re.search(r"/calls/\d+/status$", url)], sent
    assert len([url for url in sent if url.endswith("/api/v1/sync")]) == 1
    statuses = [e["status"] for e in dispatch.call(call["id"])["timeline"]]
    assert [s for s in statuses if s in ("acknowledged", "en_route")] == ["acknowledged", "en_route"]
