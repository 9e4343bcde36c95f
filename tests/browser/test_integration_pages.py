"""The admin's integration pages on a 360 px phone: create a CAD account, see its key once, then its page."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser


def check_fits(page):
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], "page scrolls sideways"
    assert audit["unnamed"] == [], "\n".join(audit["unnamed"])
    assert audit["small"] == [], "\n".join(audit["small"])
    assert audit["clipped"] == [], "\n".join(audit["clipped"])


def test_admin_creates_a_cad_integration_and_sees_the_key_once(phone_page, browser_screenshot):
    page = phone_page("admin")
    page.goto("/admin/integrations")
    page.get_by_text("Add an integration").click()
    browser_screenshot(page, "admin-integrations")
    check_fits(page)

    page.get_by_label("Name").fill("County CAD")
    page.get_by_label("Kind").select_option("cad")
    page.get_by_role("button", name="Create integration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Key for County CAD")
    key = page.get_by_label("API key").input_value()
    assert key.startswith("fa_int_")
    assert page.get_by_label("Webhook secret").input_value().startswith("whsec_")
    browser_screenshot(page, "admin-integration-key")
    check_fits(page)

    page.get_by_role("link", name="Go to County CAD").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("County CAD")
    expect(page.get_by_role("main")).not_to_contain_text(key)
    expect(page.get_by_role("button", name="Rotate County CAD's key")).to_be_visible()
    browser_screenshot(page, "admin-integration")
    check_fits(page)
