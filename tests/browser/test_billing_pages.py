"""billing (issue 21) on a 360 px phone: the manager's billing page, an admin setting a clinician's NPI (a bad
check digit refused beside the field), and the encounter form's billing inputs for a clinician.

Screenshots under test-artifacts/screenshots/ (billing-*.png)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser


def fits_a_phone(page):
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], audit
    assert audit["unnamed"] == [] and audit["small"] == [], audit


def test_an_admin_sets_an_npi_and_a_bad_check_digit_is_refused(phone_page, browser_screenshot):
    page = phone_page("admin")
    page.goto("/admin/users")
    page.get_by_role("link", name="Billing details of clinician2…").click()
    page.get_by_label("NPI").fill("1234567890")
    page.get_by_role("button", name="Save billing details").click()
    expect(page.locator(".field-error")).to_contain_text("check digit is wrong")
    expect(page.get_by_label("NPI")).to_have_attribute("aria-invalid", "true")
    browser_screenshot(page, "billing-npi-refused-360")
    fits_a_phone(page)
    page.get_by_label("NPI").fill("1234567893")
    page.get_by_role("button", name="Save billing details").click()
    expect(page.get_by_role("status").first).to_contain_text("Billing details of clinician2 are saved")
    expect(page.get_by_role("listitem").filter(has_text="clinician2")).to_contain_text("NPI 1234567893")


def test_a_clinician_records_a_medicaid_id_and_the_manager_sees_why_it_is_not_billable(
        phone_page, browser_screenshot):
    """The demo's cleared call on CR-1 (call 4: reached and cleared within a second while seeding)."""
    page = phone_page("clinician1")
    page.goto("/calls/4/encounters/new")
    page.get_by_label("Resolved on scene").click()
    page.get_by_label("26–40").click()
    page.get_by_role("button", name="Next: details and save").click()
    page.get_by_text("Force, transport, narrative", exact=True).click()
    page.get_by_label("Place of service").select_option("27")
    page.get_by_label("Medicaid id").fill("ab12345c")
    page.get_by_label("Diagnosis (ICD-10-CM)").fill("F32.9")
    page.get_by_label("Medicaid id").scroll_into_view_if_needed()
    browser_screenshot(page, "billing-encounter-form-360", full_page=False)
    fits_a_phone(page)
    page.get_by_role("button", name="Save encounter").click()
    expect(page.locator("main")).to_contain_text("AB12345C")
    expect(page.locator("main")).to_contain_text("F32.9")
    browser_screenshot(page, "billing-encounter-saved-360")

    manager = phone_page("manager")
    manager.goto("/billing?profile=NY")
    expect(manager.get_by_role("heading", name=re.compile(r"^Not billable: [1-9]"))).to_be_visible()
    expect(manager.locator("main")).to_contain_text("The time on scene is below the profile's minimum.")
    expect(manager.locator("main")).not_to_contain_text("AB12345C")
    browser_screenshot(manager, "billing-ny-360")
    fits_a_phone(manager)
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download refused encounters (CSV)").click()
    assert download.value.suggested_filename.startswith("fieldapp-billing-NY-refused-")
