"""An admin imports an HSDS file from a phone-sized page and reads the report."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX
from tests.fixtures.standards import hsds_example

pytestmark = pytest.mark.browser


def test_admin_imports_an_hsds_file_and_reads_the_report(phone_page, browser_screenshot):
    path = hsds_example("service_full.json")
    page = phone_page("admin")
    page.goto("/directory/manage")
    page.get_by_role("link", name="Import organizations and services from an HSDS file").click()
    page.get_by_label("HSDS file (.json or .zip, up to 1 MB)").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    report = page.locator("[role=status]:not(#page-status)")
    expect(report).to_contain_text("6 created, 0 updated, 0 unchanged, 0 skipped.")
    expect(page.get_by_text("taxonomy:code (name) (services: Community Counselling)")).to_be_visible()
    browser_screenshot(page, "admin-directory-import-report")
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], audit
    assert audit["unnamed"] == [] and audit["small"] == [], audit

    page.goto("/directory?q=counselling")
    expect(page.get_by_text("Community Counselling")).to_be_visible()
