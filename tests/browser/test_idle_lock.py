"""The idle lock on a phone (CJIS Security Policy 5.5.5), at 360x740: after SESSION_IDLE_MINUTES
without the user's own requests the page is covered by the unlock sheet; the password unlocks it in
place, with what was typed and what waits in the outbox still there.

The server runs with a tiny idle setting (12 seconds); the page's own timer asks the server when
the time is up (a background request, which does not count as activity)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, serve
from tests.browser.test_offline import badge, visit
from tests.browser.test_sso_passkeys import virtual_authenticator

pytestmark = pytest.mark.browser

IDLE_MINUTES = "0.2"  # 12 seconds
LOCK_SHOWS_WITHIN_MS = 40_000


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, seeded_database):
    """The demo under gunicorn as in conftest, with the tiny idle setting."""
    yield from serve(tmp_path_factory.mktemp("idle_lock"), seeded_database, SESSION_IDLE_MINUTES=IDLE_MINUTES)


def sheet(page):
    return page.locator("#unlock-sheet")


def test_typed_text_survives_the_lock_and_the_password_unlocks_it(phone_page, live_server, browser_screenshot):
    page = phone_page("dispatcher")
    page.goto("/calls/new")
    page.get_by_label("Call type").select_option("MNTL")
    page.get_by_label("Address or place").fill("12 Idle Lane")
    page.get_by_label("What the caller said").fill("Neighbour worried about a man talking to himself")

    expect(sheet(page)).to_be_visible(timeout=LOCK_SHOWS_WITHIN_MS)
    expect(page.get_by_role("heading", name="Locked")).to_be_visible()
    browser_screenshot(page, "idle-lock-sheet", full_page=False)
    unlock = sheet(page).get_by_label("Password")
    unlock.fill("not the password")
    sheet(page).get_by_role("button", name="Unlock").click()
    expect(page.locator("#unlock-error")).to_have_text("This is not your password.")
    unlock.fill(live_server.password)
    sheet(page).get_by_role("button", name="Unlock").click()
    expect(sheet(page)).to_be_hidden()

    expect(page.get_by_label("Address or place")).to_have_value("12 Idle Lane")
    expect(page.get_by_label("What the caller said")).to_have_value("Neighbour worried about a man talking to himself")
    browser_screenshot(page, "idle-lock-unlocked", full_page=False)
    page.get_by_role("button", name="Create call").click()  # the session goes on
    expect(page.get_by_text("12 Idle Lane").first).to_be_visible()
    assert "/calls/" in page.url and "/new" not in page.url


def test_the_outbox_keeps_its_record_through_the_lock_and_sends_it_after(phone_page, dispatch, live_server,
                                                                          browser_screenshot):
    call = dispatch.new_call("7 Waiting Way")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.route("**/api/v1/sync", lambda route: route.abort())  # the record cannot leave yet
    page.get_by_role("button", name="Acknowledged").click()
    expect(badge(page)).to_have_text("1 waiting to send")

    expect(sheet(page)).to_be_visible(timeout=LOCK_SHOWS_WITHIN_MS)
    browser_screenshot(page, "idle-lock-outbox", full_page=False)
    page.unroute("**/api/v1/sync")
    sheet(page).get_by_label("Password").fill(live_server.password)
    sheet(page).get_by_role("button", name="Unlock").click()
    expect(sheet(page)).to_be_hidden()
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # the outbox sends on 'online'
    expect(badge(page)).to_be_hidden(timeout=15_000)
    page.reload()
    expect(page.locator("#call-status")).to_have_attribute("data-call-status", "acknowledged")


def test_a_page_opened_while_locked_is_the_unlock_page_and_leads_back(phone_page, live_server, browser_screenshot):
    page = phone_page("dispatcher")
    expect(sheet(page)).to_be_visible(timeout=LOCK_SHOWS_WITHIN_MS)
    page.goto("/board")  # a navigation meets the lock on the server: the unlock page, nothing of the board
    expect(page.get_by_role("heading", name="Session locked")).to_be_visible()
    expect(page.locator("#unlock-page")).to_contain_text("12 seconds")
    browser_screenshot(page, "idle-lock-page", full_page=False)
    page.get_by_label("Password").fill(live_server.password)
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("heading", name="Board", exact=False).first).to_be_visible()
    assert page.url.endswith("/board")


def test_a_passkey_unlocks_the_sheet(browser, live_server, browser_screenshot):
    """A user with a passkey sees "Use a passkey" on the sheet; the phone's screen lock (Chromium's
    virtual authenticator) opens the session again. Served as localhost: a WebAuthn RP ID is a name."""
    context = browser.new_context(base_url=live_server.url.replace("127.0.0.1", "localhost"), **PHONE)
    try:
        page = context.new_page()
        virtual_authenticator(page)
        page.goto("/login")
        page.get_by_label("Username", exact=True).fill("clinician2")
        page.get_by_label("Password", exact=True).fill(live_server.password)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/account/passkeys")
        page.get_by_label("Name of the new passkey").fill("Work phone")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.get_by_role("list", name="Your passkeys")).to_contain_text("Work phone")
        page.goto("/followups")  # a fresh page: its timer runs from here

        expect(sheet(page)).to_be_visible(timeout=LOCK_SHOWS_WITHIN_MS)
        browser_screenshot(page, "idle-lock-passkey", full_page=False)
        sheet(page).get_by_role("button", name="Use a passkey").click()
        expect(sheet(page)).to_be_hidden()
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_contain_text("follow-ups")
    finally:
        context.close()
