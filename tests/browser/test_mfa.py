"""Two-step sign-in in Chromium on a 360 px phone: set up an authenticator app from the QR page,
sign out, sign in with password then code. Screenshots of the set-up, recovery-code and code pages."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser


def fits_a_phone(page):
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], audit
    assert audit["unnamed"] == [] and audit["small"] == [] and audit["clipped"] == [], audit


def test_set_up_an_authenticator_then_sign_in_with_its_code(phone_page, live_server, browser_screenshot):
    page = phone_page("clinician2")
    page.goto("/account")
    page.get_by_role("link", name="Two-step sign-in (authenticator app)").click()
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name="QR code holding the secret of your authenticator app")).to_be_visible()
    fits_a_phone(page)
    browser_screenshot(page, "mfa-enrol")
    secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    fits_a_phone(page)
    browser_screenshot(page, "mfa-recovery-codes")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username", exact=True).fill("clinician2")
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)  # not signed in yet
    fits_a_phone(page)
    browser_screenshot(page, "mfa-code")
    page.get_by_label("Code from your authenticator app").fill(totp.at(time.time() + 30))  # the next code
    page.get_by_role("button", name="Verify and sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_login_page_shows_the_system_use_notice(phone_page, browser_screenshot):
    page = phone_page(None)
    expect(page.locator("#login-banner")).to_contain_text("monitored")
    fits_a_phone(page)
    browser_screenshot(page, "login-banner")
