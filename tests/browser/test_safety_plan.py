"""A safety plan written offline on a clinician's phone: saved on the device, sent once when the
connection returns, signed, and printed for the person on one page in large type."""

from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_offline import api_as, badge, visit
from tests.fixtures.encounters import encounter_body

pytestmark = pytest.mark.browser


def test_a_safety_plan_written_offline_arrives_once_and_prints_on_one_page(
        phone_page, dispatch, live_server, browser_screenshot):
    call = dispatch.new_call("12 Lantern Row")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("clinician1")
    headers = api_as(page, "clinician1", live_server.password)
    # the clinician's API requests from outside the phone's context (its cookie session would ask for CSRF)
    logged = dispatch.request.post(f"/api/v1/calls/{call['id']}/encounters", data=encounter_body(), headers=headers)
    assert logged.status == 201, logged.text()
    encounter_id = logged.json()["id"]
    visit(page, f"/encounters/{encounter_id}")
    visit(page, f"/encounters/{encounter_id}/safety-plans/new")

    page.context.set_offline(True)
    page.goto(f"/encounters/{encounter_id}/safety-plans/new")
    expect(page.locator(".offline-banner")).to_contain_text("Offline: showing what this device saved")
    page.get_by_label("1. Warning signs").fill("Not sleeping\nGiving things away")
    page.get_by_label("2. Things I can do on my own").fill("Walk the dog\nShower and music")
    page.get_by_label("4. People I can ask for help").fill("Maria (sister) 555-0101")
    page.get_by_label("6. Making my surroundings safe").fill("Maria keeps the pills this week")
    page.get_by_label("The things most important to me").fill("My daughter Ana")
    browser_screenshot(page, "safety-plan-form-offline")
    page.get_by_role("button", name="Sign the safety plan").click()
    expect(page.locator("#outbox-notice")).to_contain_text("Saved on this device")
    expect(badge(page)).to_have_text("1 waiting to send")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_be_hidden(timeout=15000)
    page.goto(f"/encounters/{encounter_id}")
    expect(page.get_by_role("heading", name="Safety plans (1)")).to_be_visible()
    page.get_by_role("link", name="Safety plan signed").click()
    expect(page.get_by_role("heading", name="My safety plan")).to_be_visible()
    expect(page.locator(".safety-plan")).to_contain_text("Giving things away")
    expect(page.locator(".safety-plan")).to_contain_text("988 Suicide & Crisis Lifeline")
    browser_screenshot(page, "safety-plan-printable")
    followups = dispatch.request.get("/api/v1/followups", headers=headers).json()
    assert [f["encounter_id"] for f in followups].count(encounter_id) == 1  # the plan opened one follow-up

    page.emulate_media(media="print")
    pdf = PdfReader(BytesIO(page.pdf(format="Letter", print_background=True)))
    printed = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and "My safety plan" in printed and "My daughter Ana" in printed
    assert "Sign out" not in printed and "Back to the encounter" not in printed  # only the plan is printed
