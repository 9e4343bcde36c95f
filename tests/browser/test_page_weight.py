"""Light, cached pages (issue 19): a crew's field page on a phone's first visit, and again later.

Cold: a new browser (no cache, no service worker) signed in as officer1 opens My calls, then a call page
at 360x740: what the page needs (its HTML, style sheet, scripts, icon) is at most 8 requests and 60 KB
on the wire. The background work the scripts start afterwards (the live stream, the pages kept ready
for offline use, static/js/ready.js) is listed apart: it is not the page.
Warm: the same page again: only its HTML comes from the network; every file from the device.

Counted with the DevTools protocol's Network events, which see the bytes on the wire (headers and the
compressed body), as DevTools' "transferred" column does.
"""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NO_KEEPALIVE, PHONE
from tests.fixtures.waiting import wait_until

pytestmark = pytest.mark.browser

MAX_BYTES = 60 * 1024
MAX_REQUESTS = 8
BACKGROUND = {"Fetch", "XHR", "EventSource", "Ping"}  # made by the page's scripts once it is there


@dataclass
class Load:
    requests: dict = field(default_factory=dict)  # requestId -> {url, type, bytes, cached, worker, done}

    def listen(self, cdp):
        cdp.on("Network.requestWillBeSent", lambda e: self.requests.setdefault(
            e["requestId"], {"url": e["request"]["url"], "type": e.get("type", "Other"), "bytes": 0,
                             "cached": False, "worker": False, "done": False}))
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", lambda e: self._mark(e["requestId"], cached=True))
        cdp.on("Network.loadingFinished", lambda e: self._mark(e["requestId"], done=True,
                                                               bytes=e["encodedDataLength"]))
        cdp.on("Network.loadingFailed", lambda e: self._mark(e["requestId"], done=True))
        cdp.send("Network.enable")

    def _response(self, event):
        response = event["response"]
        self._mark(event["requestId"], type=event.get("type", "Other"),
                   cached=bool(response.get("fromDiskCache") or response.get("fromPrefetchCache")
                               or response.get("fromMemoryCache")),
                   worker=bool(response.get("fromServiceWorker")))

    def _mark(self, request_id, **values):
        if request_id in self.requests:
            self.requests[request_id].update(values)

    def page(self):
        return [r for r in self.requests.values() if r["type"] not in BACKGROUND]

    def background(self):
        return [r for r in self.requests.values() if r["type"] in BACKGROUND]

    def from_network(self):
        return [r for r in self.page() if not r["cached"] and not r["worker"]]

    def settled(self):
        return all(r["done"] for r in self.page())

    def describe(self, rows):
        return "\n".join(f"  {r['type']:<11} {r['bytes']:>7} B {'cache ' if r['cached'] else ''}"
                         f"{'worker ' if r['worker'] else ''}{r['url']}" for r in rows)


def signed_in_context(browser, live_server, username):
    """A new browser signed in without opening any page (the sign-in page would fill the cache)."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    login = context.request.get("/login", headers=NO_KEEPALIVE).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    response = context.request.post("/login", form={"csrf_token": token, "username": username,
                                                    "password": live_server.password},
                                    headers=NO_KEEPALIVE, max_redirects=0)
    assert response.status == 302, response.text()
    return context


def measure(page, url):
    load = Load()
    load.listen(page.context.new_cdp_session(page))
    page.goto(url, wait_until="load")
    wait_until(load.settled, timeout=10)
    return load


def check_cold(load, name):
    rows = load.page()
    total = sum(r["bytes"] for r in rows)
    report = f"{name}: {len(rows)} requests, {total} B\n{load.describe(rows)}\nbackground:\n" \
             f"{load.describe(load.background())}"
    print(report)
    assert rows and not any(r["cached"] or r["worker"] for r in rows), report  # really cold
    assert len(rows) <= MAX_REQUESTS, report
    assert total <= MAX_BYTES, report
    assert sum(1 for r in rows if r["type"] == "Script") <= 3, report


def test_a_field_page_is_light_cold_and_only_its_html_comes_from_the_network_warm(browser, live_server,
                                                                                   dispatch, browser_screenshot):
    call = dispatch.new_call("19 Light Page Rd")
    dispatch.assign(call["id"], "CR-1")
    context = signed_in_context(browser, live_server, "officer1")
    try:
        page = context.new_page()
        cold = measure(page, "/my/calls")
        expect(page.get_by_role("heading", name="My calls")).to_be_visible()
        check_cold(cold, "My calls, cold")
        browser_screenshot(page, "page-weight-my-calls-cold-360")

        # The service worker installs after the first page; from then on the files come from the device.
        page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                               timeout=10000)
        by_worker = []  # what the service worker itself asks of the network
        context.on("request", lambda r: by_worker.append(r.url) if r.service_worker else None)
        url = f"{live_server.url}/calls/{call['id']}"
        warm = measure(page, url)
        expect(page.get_by_text("19 Light Page Rd").first).to_be_visible()
        report = f"call page, warm:\n{warm.describe(warm.page())}\nby the service worker: {by_worker}"
        print(report)
        assert warm.from_network() == [], report  # the page's own requests: all answered on the device
        assert by_worker == [url], report  # of which the worker fetched only the HTML
        browser_screenshot(page, "page-weight-call-warm-360")
    finally:
        context.close()


def test_a_call_page_is_light_cold(browser, live_server, dispatch):
    call = dispatch.new_call("20 Light Page Rd")
    dispatch.assign(call["id"], "CR-1")
    context = signed_in_context(browser, live_server, "officer1")
    try:
        page = context.new_page()
        load = measure(page, f"/calls/{call['id']}")
        expect(page.get_by_text("20 Light Page Rd").first).to_be_visible()
        check_cold(load, "call page, cold")
    finally:
        context.close()
