"""An admin resets a password on a phone; the user must choose their own before anything else.
Also: unlocking a locked account and the deactivation confirmation, at 360x740 and 1280x800."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser

TEMPORARY = "ferry tulip granite 41"
OWN = "lantern orchard basalt kettle"


def fits_a_phone(page):
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], audit
    assert audit["unnamed"] == [] and audit["small"] == [] and audit["clipped"] == [], audit


def sign_in(page, username, password):
    page.goto("/login")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_reset_then_the_user_must_choose_their_own_password(phone_page, browser_screenshot):
    admin = phone_page("admin")
    admin.goto("/admin/users")
    officer2 = admin.get_by_role("listitem").filter(has_text="Olivia Okafor")
    officer2.get_by_text("Reset password of officer2").click()
    officer2.get_by_label("New password for officer2").fill(TEMPORARY)
    browser_screenshot(admin, "admin-reset-password-360", full_page=False)
    officer2.get_by_role("button", name="Reset password").click()
    expect(admin.get_by_role("status").first).to_contain_text("Password for officer2 is reset")
    officer2 = admin.get_by_role("listitem").filter(has_text="Olivia Okafor")
    expect(officer2).to_contain_text("Must change password")

    user = phone_page(None)
    sign_in(user, "officer2", TEMPORARY)
    expect(user).to_have_url(re.compile(r"/account/password$"))
    expect(user.get_by_role("heading", level=1)).to_have_text("Change your password")
    expect(user.locator("main")).to_contain_text("An admin set your password")
    browser_screenshot(user, "forced-password-change-360")
    fits_a_phone(user)
    user.goto("/my/calls")  # anything else leads back here
    expect(user).to_have_url(re.compile(r"/account/password$"))

    user.get_by_label("Current password").fill(TEMPORARY)
    user.get_by_label("New password", exact=True).fill("Summer2026")
    user.get_by_label("New password again").fill("Summer2026")
    user.get_by_role("button", name="Change password").click()
    expect(user.locator(".field-error")).to_contain_text("leaked in breaches")
    browser_screenshot(user, "forced-password-change-refused-360")

    user.get_by_label("Current password").fill(TEMPORARY)
    user.get_by_label("New password", exact=True).fill(OWN)
    user.get_by_label("New password again").fill(OWN)
    user.get_by_role("button", name="Change password").click()
    expect(user.get_by_role("status").first).to_contain_text("Your password is changed.")
    user.goto("/my/calls")
    expect(user.get_by_role("heading", level=1)).to_be_visible()
    expect(user).to_have_url(re.compile(r"/my/calls$"))

    admin.reload()
    expect(admin.get_by_role("listitem").filter(has_text="Olivia Okafor")).not_to_contain_text(
        "Must change password")


def test_admin_unlocks_and_confirms_deactivation(phone_page, browser, live_server, browser_screenshot):
    locked_out = phone_page(None)
    for _ in range(5):
        locked_out.request.post("/api/v1/auth/token", data={"username": "clinician2", "password": "wrong guess"})

    admin = phone_page("admin")
    admin.goto("/admin/users")
    clinician2 = admin.get_by_role("listitem").filter(has_text="Carlos Castillo")
    expect(clinician2).to_contain_text("Locked until")
    browser_screenshot(admin, "admin-users-360")
    fits_a_phone(admin)

    wide = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = wide.new_page()
        sign_in(page, "admin", live_server.password)
        page.goto("/admin/users")
        browser_screenshot(page, "admin-users-1280")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        wide.close()

    clinician2.get_by_role("button", name="Unlock clinician2").click()
    expect(admin.get_by_role("status").first).to_contain_text("clinician2 is unlocked")
    expect(admin.get_by_role("listitem").filter(has_text="Carlos Castillo")).not_to_contain_text("Locked until")
    sign_in(locked_out, "clinician2", live_server.password)
    expect(locked_out.get_by_role("button", name="Sign out")).to_be_visible()

    admin.get_by_role("listitem").filter(has_text="Maya Manager").get_by_role(
        "link", name="Deactivate manager").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Deactivate Maya Manager?")
    browser_screenshot(admin, "admin-deactivate-confirm-360")
    fits_a_phone(admin)
    admin.get_by_role("button", name="Deactivate manager").click()
    expect(admin.get_by_role("status").first).to_contain_text("manager is deactivated")
    expect(admin.get_by_role("listitem").filter(has_text="Maya Manager")).to_contain_text("Deactivated")
