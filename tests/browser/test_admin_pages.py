"""The clinicians' queues and the admin pages changed for issue 9, in Chromium at 360x740 and 1280x800:
each fits the screen, names its controls, has no serious axe violation, and its screenshot is saved.
Also the flows: searching the referral queue, editing a service, paging the audit log."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import serious_axe_violations
from tests.browser.conftest import NO_KEEPALIVE
from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def records(browser, live_server):
    """Through the API as clinician1: two people met on their unit's call, a follow-up on one, a referral
    each (one overdue)."""
    context = browser.new_context(base_url=live_server.url, extra_http_headers=NO_KEEPALIVE)
    api = context.request
    token = api.post("/api/v1/auth/token", data={"username": "clinician1", "password": live_server.password})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    call = api.get("/api/v1/calls", headers=headers).json()[0]
    services = {s["name"]: s for s in api.get("/api/v1/services", headers=headers).json()}
    now = datetime.now(UTC)
    made = {}
    for given, family, service, due in (("Daniel", "Reyes", "Mobile Crisis Follow-up", now - timedelta(days=1)),
                                        ("Mia", "Lopez", "Walk-in Counseling", now + timedelta(days=5))):
        encounter = api.post(f"/api/v1/calls/{call['id']}/encounters", headers=headers, data={
            "id": str(uuid.uuid4()), "outcome": "referred", "concerns": ["mental_health"], "transport": "none",
            "person": {"given_name": given, "family_name": family},
            "referral": {"id": str(uuid.uuid4()), "service_id": services[service]["id"], "due_at": due.isoformat(),
                         "consent": {"type": "verbal", "given_by": f"{given} {family}"}}})
        assert encounter.status == 201, encounter.text()
        made[family] = encounter.json()
    note = api.post(f"/api/v1/encounters/{made['Reyes']['id']}/notes", headers=headers, data={
        "id": str(uuid.uuid4()), "body": "Agreed to a phone check-in in three days.",
        "follow_up_due": (now + timedelta(days=3)).isoformat()})
    assert note.status == 201, note.text()
    made["services"] = services
    made["callback"] = "Call " + call["callback"]
    yield made
    context.close()


def check(page, name, browser_screenshot):
    """Screenshot at 360x740 and 1280x800; at 360 nothing scrolls sideways and controls are named and
    large; at both, no serious or critical axe violation."""
    browser_screenshot(page, f"{name}-360")
    assert serious_axe_violations(page) == []
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)  # opens every <details> (the menu too)
    assert audit["scrollWidth"] <= audit["innerWidth"], audit
    assert audit["unnamed"] == [] and audit["small"] == [] and audit["clipped"] == [], audit
    page.set_viewport_size(WIDE)
    page.reload()
    browser_screenshot(page, f"{name}-1280")
    assert serious_axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDE["width"]


def test_followups_show_the_person_and_the_callback(phone_page, browser_screenshot, records):
    page = phone_page("clinician1")
    page.goto("/followups")
    card = page.get_by_role("listitem").filter(has_text="Daniel Reyes")
    expect(card.get_by_role("heading", name="Daniel Reyes")).to_be_visible()
    expect(card.locator("a[href^='tel:']")).to_have_text(records["callback"])
    check(page, "clinician1-followups", browser_screenshot)


def test_referral_queue_search_and_filters(phone_page, browser_screenshot, records):
    page = phone_page("clinician1")
    page.goto("/referrals")
    expect(page.locator("[role=status]:not(#page-status)")).to_contain_text("2 open referrals, soonest due first.")
    page.get_by_label("Person or service").fill("reyes")
    page.get_by_label("Due").select_option(label="Overdue")
    page.get_by_role("button", name="Show referrals").click()
    expect(page.locator("[role=status]:not(#page-status)")).to_contain_text("1 overdue referral matching “reyes”")
    expect(page.get_by_role("link", name="Daniel Reyes")).to_be_visible()
    expect(page.get_by_text("Mia Lopez")).to_have_count(0)
    check(page, "clinician1-referrals-search", browser_screenshot)
    page.goto("/referrals?status=all&q=counseling")
    expect(page.locator("[role=status]:not(#page-status)")).to_contain_text("1 referral matching “counseling”")
    page.goto("/referrals?status=nonsense")
    expect(page.locator("#status-error")).to_have_text("Choose referral statuses from the list.")


def test_admin_edits_a_service(phone_page, browser_screenshot, records):
    page = phone_page("admin")
    page.goto("/directory/manage")
    page.get_by_role("link", name="Edit Walk-in Counseling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Walk-in Counseling")
    page.get_by_label("Hours (optional)").fill("Mon–Fri 9:00–19:00")
    page.get_by_label("Phone (optional)").fill("555-0151 ext. 3")
    page.get_by_label("Latitude (optional)").fill("north")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#svc-latitude-error")).to_have_text("Not a valid number.")
    browser_screenshot(page, "admin-edit-service-refused-360")
    edit_url = page.url
    page.goto(edit_url)
    check(page, "admin-edit-service", browser_screenshot)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(edit_url)
    page.get_by_label("Hours (optional)").fill("Mon–Fri 9:00–19:00")
    page.get_by_label("Phone (optional)").fill("555-0151 ext. 3")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved Walk-in Counseling: changed phone, hours.")
    check(page, "admin-directory-manage", browser_screenshot)
    page.goto("/directory?q=counseling")
    expect(page.locator("main")).to_contain_text("Mon–Fri 9:00–19:00")


@pytest.mark.parametrize("username", ["admin", "dispatcher"])
def test_units_page_explains_who_is_free(phone_page, browser_screenshot, records, username):
    page = phone_page(username)
    page.goto("/units")
    expect(page.get_by_label("Clinician for CR-3")).to_be_visible()
    expect(page.locator("main")).to_contain_text("on another unit's shift")
    check(page, f"{username}-units-shift-choices", browser_screenshot)


def test_audit_log_is_paged_and_readable(phone_page, browser_screenshot, records):
    page = phone_page("admin")
    for _ in range(30):  # each search of the log is a row of it: more than one page whatever ran before
        assert page.request.get("/admin/audit?username=nobody", headers=NO_KEEPALIVE).ok
    page.goto("/admin/audit")
    expect(page.locator("[role=status]:not(#page-status)")).to_contain_text("Rows 1–50 of")
    expect(page.locator("table.audit tbody tr")).to_have_count(50)
    check(page, "admin-audit", browser_screenshot)
    for width in (800, 1280):  # the table fits, and no action is broken inside a word
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        broken = page.evaluate("""() => [...document.querySelectorAll('table.audit code')]
            .filter((el) => el.getClientRects().length > 1).map((el) => el.textContent)""")
        assert broken == [], broken
    page.get_by_role("link", name="Older →").first.click()
    expect(page.locator("[role=status]:not(#page-status)")).to_contain_text("Rows 51–")
    expect(page.get_by_role("link", name="← Newer").first).to_be_visible()
    page.goto("/admin/audit?page=zero")
    expect(page.locator("#page-error")).to_contain_text("A page is a whole number")
