"""Call alerts in the browser: the card on My calls, and the service worker showing a notification
for a push (delivered through Chromium's DevTools protocol: a headless browser has no push service
offline, so the push event is handed to the worker as the push service would)."""

import json
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def registration_id(page):
    """The service worker registration of the page's origin, as DevTools knows it (its
    workerRegistrationUpdated events come once the domain is enabled)."""
    session = page.context.new_cdp_session(page)
    found = []
    session.on("ServiceWorker.workerRegistrationUpdated",
               lambda event: found.extend(r["registrationId"] for r in event["registrations"] if not r["isDeleted"]))
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not found and time.monotonic() < deadline:
        # The one fixed wait left: the condition is a DevTools event, and Playwright has no waiter for a
        # CDP session's events (its handlers run only while Playwright waits), so poll in short waits.
        page.wait_for_timeout(50)
    assert found, "no service worker registration"
    return session, found[0]


SHOWN = """title => {
  window.__shown = null;
  (function look() {
    navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => {
      if (list.some(n => n.title === title))
        window.__shown = list.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
      else
        setTimeout(look, 50);
    });
  })();
}"""


def notifications(page, expect_title, timeout=5000):
    """The notifications the service worker shows, once one titled ``expect_title`` is there."""
    page.evaluate(SHOWN, expect_title)
    page.wait_for_function("() => window.__shown !== null", timeout=timeout)
    return page.evaluate("window.__shown")


def test_the_service_worker_shows_a_pushed_call_alert(phone_page, live_server, browser_screenshot):
    page = phone_page("officer1")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto("/my/calls")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=10000)
    card = page.locator("[data-push-alerts]")
    expect(card).to_be_visible()
    expect(card.get_by_role("button", name="Get call alerts on this phone")).to_be_visible()
    browser_screenshot(page, "push-alerts-card-360")

    session, registration = registration_id(page)
    alert = {"kind": "assigned", "call_id": 4242, "call_type": "EDP", "priority": 2, "address": "12 Elm Street",
             "title": "New call: Emotionally disturbed person (P2)", "url": "/calls/4242"}
    session.send("ServiceWorker.deliverPushMessage",
                 {"origin": live_server.url, "registrationId": registration, "data": json.dumps(alert)})
    (shown,) = notifications(page, alert["title"])
    assert shown["title"] == alert["title"]
    assert shown["tag"] == "call-4242"
    assert shown["data"]["url"] == "/calls/4242"
    assert "12 Elm Street" in shown["body"] and "EDP" in shown["body"]

    # A later alert about the same call replaces the first (one notification per call).
    session.send("ServiceWorker.deliverPushMessage", {"origin": live_server.url, "registrationId": registration,
                                                      "data": json.dumps({**alert, "kind": "cancelled",
                                                                          "title": "Call 4242 cancelled"})})
    (replaced,) = notifications(page, "Call 4242 cancelled")
    assert (replaced["title"], replaced["tag"]) == ("Call 4242 cancelled", "call-4242")


# The browser's own subscribe() needs a real push service (none offline): this stands in for it with
# a subscription made of a real P-256 key, and counts permission prompts.
FAKE_PUSH = """
window.__prompts = 0;
const realRequest = Notification.requestPermission.bind(Notification);
Notification.requestPermission = () => { window.__prompts += 1; return realRequest(); };
PushManager.prototype.getSubscription = function () { return Promise.resolve(window.__subscription || null); };
PushManager.prototype.subscribe = function (options) {
  window.__serverKey = options.applicationServerKey.length;
  window.__subscription = {endpoint: "https://push.example.net/send/abc",
    toJSON() { return {endpoint: this.endpoint, expirationTime: null, keys: %s}; },
    unsubscribe() { window.__subscription = null; return Promise.resolve(true); }};
  return Promise.resolve(window.__subscription);
};
"""


def test_alerts_are_turned_on_only_after_the_tap(phone_page, live_server, browser_screenshot):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.fixtures.push_service import b64

    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    page = phone_page("clinician1")
    page.context.add_init_script(FAKE_PUSH % json.dumps({"p256dh": b64(point), "auth": b64(b"0123456789abcdef")}))
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto("/my/calls")
    card = page.locator("[data-push-alerts]")
    expect(card).to_contain_text("Call alerts are off for this phone.")
    assert page.evaluate("window.__prompts") == 0  # nothing asked before the tap
    card.get_by_role("button", name="Get call alerts on this phone").click()
    expect(card).to_contain_text("Call alerts are on for this phone.")  # the server took the subscription
    assert page.evaluate("[window.__prompts, window.__serverKey]") == [1, 65]
    browser_screenshot(page, "push-alerts-on-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_screenshot(page, "push-alerts-on-1280")
    card.get_by_role("button", name="Stop call alerts on this phone").click()
    expect(card).to_contain_text("Call alerts are off for this phone.")
    assert page.evaluate("window.__subscription") is None


def test_without_push_in_the_browser_the_page_says_so_and_works(browser, live_server, browser_screenshot):
    from tests.browser.conftest import PHONE, signed_in

    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.add_init_script("delete window.PushManager;")
    try:
        page = context.new_page()
        signed_in(page, live_server, "officer1")
        page.goto("/my/calls")
        card = page.locator("[data-push-alerts]")
        expect(card).to_contain_text("This browser cannot show call alerts")
        expect(card.get_by_role("button", name="Get call alerts on this phone")).to_be_hidden()
        expect(page.get_by_role("heading", name="CR-1 · my calls")).to_be_visible()
        browser_screenshot(page, "push-alerts-unsupported-360")
    finally:
        context.close()
